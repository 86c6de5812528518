# SPDX-License-Identifier: GPL-2.0
#
# The module set loads and unloads cleanly, several times, and while
# loaded the region is claimed in /proc/iomem and listed in debugfs.
# mmlab-vm: --no-load

. ./lib.sh

plan 25

D=/sys/kernel/debug/mmlab
base=$(printf '%x' "$MMLAB_REGION_BASE")
size=$(printf '%d' "$MMLAB_REGION_SIZE")
pages=$((size / 4096))

loaded() {
	for m in mmlab_core mmlab_buddy mmlab_slub mmlab_cma mmlab_fault; do
		grep -q "^$m " /proc/modules || return 1
	done
}

none_loaded() {
	! grep -q '^mmlab_' /proc/modules
}

for round in 1 2 3; do
	check "round $round: every module loads" mmlab-load
	check "round $round: every module is in /proc/modules" loaded
	check "round $round: every module unloads" mmlab-unload
	check "round $round: no module left" none_loaded
	check "round $round: the region is released from /proc/iomem" \
		sh -c "! grep -q ' : mmlab' /proc/iomem"
	check "round $round: debugfs root removed" test ! -e $D
done

mmlab-load >/dev/null 2>&1
line=$(grep ' : mmlab$' /proc/iomem | head -1 | sed 's/^ *//')
start=${line%%-*}
end=${line#*-}
end=${end%% *}
is "/proc/iomem claims the region from its base" "$((0x$start))" "$((0x$base))"
is "/proc/iomem claims the region to its end" "$((0x$end + 1))" "$((0x$base + size))"

check "debugfs regions file exists" test -r $D/regions
row=$(grep -i "mmlab0" $D/regions | head -1)
diag "$(cat $D/regions)"
check "regions lists mmlab0 at the board's base" \
	sh -c "echo '$row' | grep -qi '0x0*$base'"
check "regions gives the region's page count" \
	sh -c "echo '$row' | grep -qw '$pages'"
check "regions shows no raw kernel address" \
	sh -c "! grep -qiE 'ffff[0-9a-f]{12}' $D/regions"
check "regions is not writable" sh -c "! echo x 2>/dev/null > $D/regions"
mmlab-unload >/dev/null 2>&1
done_testing
