# SPDX-License-Identifier: GPL-2.0
#
# The mmlab_slub KUnit suite with two regions (two nodes): on x86_64 the
# board's region is split in two halves given to mmlab_core, on arm64 the
# opt-in node mmlab-second of test_nodes.dtsi adds a second region.
# Node-specific allocations then have somewhere to fall back to: a debug
# cache's allocation from a full region takes its object from a slab of
# the other region instead of looping (debug_node_fallback_test), and every
# other case runs on two nodes.
# mmlab-vm-boards: x86_64-lab arm64-lab
# mmlab-vm-arm64: --dt-extra tools/tests/test_nodes.dtsi

. ./lib.sh

plan 6
D=/sys/kernel/debug/mmlab

mmlab-unload >/dev/null 2>&1
if [ "$MMLAB_ARCH" = x86_64 ]; then
	half=$((MMLAB_REGION_SIZE / 2))
	second=$(printf '0x%x' $((MMLAB_REGION_BASE + half)))
	check "mmlab_core loads with two halves of the board's region" \
		mmlab-load mmlab_core "regions=$half@$MMLAB_REGION_BASE,$half@$second"
else
	dt_enable mmlab-second
	check "mmlab_core loads with the board's region and mmlab-second" \
		mmlab-load mmlab_core
fi
check "the rest of the module set loads" mmlab-load
is "two regions" "$(grep -c '^mmlab' $D/regions)" 2

mark=$(dmesg_mark)
subtest mmlab_slub_kunit kunit-run mmlab_slub_kunit
check "debug_node_fallback_test ran and passed (not skipped)" \
	grep -qE '^ +ok [0-9]+ debug_node_fallback_test$' mmlab_slub_kunit.tap
log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive'" - "$log"
mmlab-unload >/dev/null 2>&1
dt_disable_all
mmlab-load >/dev/null 2>&1
done_testing
