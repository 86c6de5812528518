# SPDX-License-Identifier: GPL-2.0
#
# mmlab_buddy's pageinfo file: its runs cover every pfn of every region
# exactly once, in order; its free, cma-free and per-CPU pages add up to
# buddyinfo and the per-CPU counts; a block held by `mmlabctl hold` shows
# up as a test block at the pfn mmlabctl printed; a CMA area's pages are
# cma-free, and cma-used once allocated; mmlabctl watch --count 2 prints
# two frames.

. ./lib.sh

plan 26

D=/sys/kernel/debug/mmlab
NODE=0
pids=

cleanup() {
	reap
}
trap cleanup EXIT

# Pages on the per-CPU lists of every region.
pcp_pages() {
	awk '$1 == "count:" { s += $2 } END { print s + 0 }' $D/zoneinfo
}

# The regions file: "START_PFN NR_PAGES" per region, in id order.
region_spans() {
	awk 'NR > 1 { print $2, $4 }' $D/regions | while read -r base pages; do
		echo "$((base / 4096)) $pages"
	done
}

# Free pages in a pageinfo dump: free, cma-free, isolated free, pcp.
pageinfo_free() {
	awk '/^#/ { next }
		$5 == "free" || $5 == "cma-free" || $5 == "pcp" ||
		($5 == "isolated" && $6 == "free") { s += $4 }
		END { print s + 0 }' "$1"
}

# Check that the runs of a dump tile every region: "ok" or the first fault.
pageinfo_tiles() {
	region_spans >spans.out
	awk 'FILENAME == ARGV[1] { first[FNR - 1] = $1; pages[FNR - 1] = $2; n = FNR; next }
		/^#/ { next }
		{
			if (!started || $1 != node) {
				if (started && next_pfn != first[node] + pages[node]) {
					print "node " node " ends at " next_pfn; bad = 1; exit
				}
				node = $1; next_pfn = first[node]; started = 1
			}
			if ($2 != next_pfn) { print "gap or overlap at " $2 " want " next_pfn; bad = 1; exit }
			if ($3 <= $2 || $4 != $3 - $2) { print "bad run: " $0; bad = 1; exit }
			next_pfn = $3; seen[node] = 1
		}
		END {
			if (bad) exit
			if (started && next_pfn != first[node] + pages[node]) {
				print "node " node " ends at " next_pfn; exit
			}
			for (i = 0; i < n; i++) if (!seen[i]) { print "node " i " missing"; exit }
			print "ok"
		}' spans.out "$1"
}

check "debugfs pageinfo exists" test -r $D/pageinfo
check "pageinfo reads" sh -c "cat $D/pageinfo >pi.out"
diag "$(head -8 pi.out)"
is "runs tile every region exactly once" "$(pageinfo_tiles pi.out)" ok
bad=$(awk '!/^#/ && $5 !~ /^(reserved|free|cma-free|isolated|pcp|hwpoison|bad|busy|kernel|slab|vmalloc|user|zero|cma-used|test)$/' pi.out | head -3)
is "every state is a known one" "$bad" ""
rsv=$(awk '!/^#/ && $1 == 0 && $5 == "reserved" { s += $4 } END { print s + 0 }' pi.out)
want=$(awk 'NR == 2 { print $5 }' $D/regions)
is "reserved pages of region 0 = the descriptor pages" "$rsv" "$want"

# The free pages of the dump: buddyinfo's sum plus the per-CPU counts. The
# region is idle, but a kernel thread may move pages between two reads:
# try a few times.
i=0
while [ $i -lt 5 ]; do
	cat $D/pageinfo >pi.out
	pf=$(pageinfo_free pi.out)
	bf=$(buddy_free)
	pcp=$(pcp_pages)
	[ "$pf" = "$((bf + pcp))" ] && break
	i=$((i + 1))
done
diag "pageinfo free $pf buddyinfo $bf pcp $pcp"
is "pageinfo free pages = buddyinfo + per-CPU" "$pf" "$((bf + pcp))"

echo 1 >$D/drain
cat $D/pageinfo >pi.out
pf=$(pageinfo_free pi.out)
bf=$(buddy_free)
is "after drain: pageinfo free pages = buddyinfo" "$pf" "$bf"
is "after drain: no pcp runs" "$(awk '$5 == "pcp"' pi.out | wc -l)" 0

# A held block of order 2 is a test block at its pfn.
mmlabctl hold --order 2 --count 1 >hold.out 2>&1 &
hpid=$!
pids="$pids $hpid"
if wait_holding hold.out $hpid; then
	ok "mmlabctl hold holds a block"
else
	not_ok "mmlabctl hold holds a block"
fi
diag "$(cat hold.out)"
pfn=$(awk '$1 == "handle" { print $4 }' hold.out)
pfn=$(printf '%d' "${pfn:-0}")
cat $D/pageinfo >pi.out
run=$(awk -v p="$pfn" '!/^#/ && $2 <= p && p < $3' pi.out)
diag "run at pfn $pfn: $run"
is "the held block's pfn is a test run" "$(echo "$run" | awk '{ print $5, $6 }')" \
	"test order=2"
is "the run covers the whole block" \
	"$(echo "$run" | awk -v p="$pfn" '{ print ($3 >= p + 4) }')" 1
is "pageinfo still tiles every region" "$(pageinfo_tiles pi.out)" ok
kill -TERM $hpid 2>/dev/null
wait $hpid 2>/dev/null
pids=
cat $D/pageinfo >pi.out
run=$(awk -v p="$pfn" '!/^#/ && $2 <= p && p < $3 { print $5 }' pi.out)
check "once released the pfn is free again" \
	sh -c "[ '$run' = free ] || [ '$run' = pcp ] || [ '$run' = cma-free ]"

# A CMA area: its pages are cma-free, and cma-used once allocated. The
# modules are reloaded with an area of 4 MiB, then without.
# Pages of a dump inside [FIRST, FIRST + COUNT) in state STATE.
pages_in() {
	awk -v f="$1" -v c="$2" -v s="$3" '!/^#/ && $5 == s {
		lo = $2 > f ? $2 : f; hi = $3 < f + c ? $3 : f + c
		if (hi > lo) n += hi - lo }
		END { print n + 0 }' pi.out
}

rmmod mmlab_fault 2>/dev/null
rmmod mmlab_cma 2>/dev/null
if mmlab-load mmlab_cma cma=4M:pi >/dev/null 2>&1; then
	ok "mmlab_cma loads with cma=4M:pi"
	A=$D/cma/pi
	base=$(($(cat $A/base_pfn)))
	count=$(cat $A/count)
	echo 1 >$D/drain
	cat $D/pageinfo >pi.out
	is "the area's pages are cma-free" "$(pages_in $base $count cma-free)" "$count"
	echo 256 >$A/alloc
	echo 1 >$D/drain
	cat $D/pageinfo >pi.out
	is "256 allocated pages of the area are cma-used" \
		"$(pages_in $base $count cma-used)" 256
	is "the rest of the area is cma-free" \
		"$(pages_in $base $count cma-free)" "$((count - 256))"
	is "pageinfo tiles every region with an area" "$(pageinfo_tiles pi.out)" ok
	echo 256 >$A/free
	rmmod mmlab_cma
else
	not_ok "mmlab_cma loads with cma=4M:pi"
fi
check "mmlab_cma and mmlab_fault load again without an area" \
	sh -c 'mmlab-load mmlab_cma >/dev/null 2>&1 && mmlab-load mmlab_fault >/dev/null 2>&1'

# mmlabctl watch --count N: N frames, then exit.
check "mmlabctl watch --count 2 exits 0" \
	sh -c 'mmlabctl watch --count 2 --interval 0.1 >watch.out 2>&1'
is "it prints two frames" "$(grep -c '^mmlabctl watch: frame ' watch.out)" 2
check "a frame has the watermarks" grep -q "^  node 0 zone mmlab0: free [0-9]* min" watch.out
check "a frame has the free blocks per order" grep -q "^  node 0 zone mmlab0 order 0:" watch.out
check "a frame has the kswapd and kcompactd counters" \
	sh -c 'grep -q pageoutrun watch.out && grep -q compact_daemon_wake watch.out'
check "watch refuses --count 0" sh -c '! mmlabctl watch --count 0 2>/dev/null'

check "a write is refused" sh -c "! echo 1 2>/dev/null >$D/pageinfo"

done_testing
