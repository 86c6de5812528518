# SPDX-License-Identifier: GPL-2.0
#
# The pictures of a real board: while `mmlabctl fragment` holds every
# other order-2 block of the region, print the pageinfo dump and a log of
# buddyinfo snapshots (before, during, after) between section markers.
# tools/check hands this test's output to pictures.host on the host, which
# draws both with tools/regionmap and tools/fragplot and checks the PNGs
# against the dumps (every state's pages, pixel for pixel).
# mmlab-host-check: pictures.host

. ./lib.sh

plan 3

D=/sys/kernel/debug/mmlab
pids=
trap reap EXIT

snap() {
	cat $D/buddyinfo >>snaps
}

: >snaps
snap
mmlabctl fragment --order 2 --keep-every 2 >frag.out 2>&1 &
pids=$!
wait_holding frag.out $pids
check "mmlabctl fragment holds its pattern" grep -q '^holding ' frag.out
snap
snap
echo "=== pageinfo ==="
cat $D/pageinfo >pageinfo.out
cat pageinfo.out
echo "=== end ==="
check "pageinfo lists the held blocks" \
	awk '$5 == "test" { n++ } END { exit !(n > 0) }' pageinfo.out
reap
pids=
mmlabctl drain >/dev/null
snap
echo "=== buddyinfo log ==="
cat snaps
echo "=== end ==="
is "four buddyinfo snapshots of one region each" \
	"$(grep -c '^Node 0,' snaps)" 4
done_testing
