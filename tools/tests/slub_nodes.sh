# SPDX-License-Identifier: GPL-2.0
#
# The mmlab_slub KUnit suite with two regions (two nodes): on x86_64 the
# board's region is split in two halves given to mmlab_core, on arm64 the
# device tree adds a second region (slub_nodes.dtsi). Node-specific
# allocations then have somewhere to fall back to: a debug cache's
# allocation from a full region takes its object from a slab of the other
# region instead of looping (debug_node_fallback_test), and every other
# case runs on two nodes.
# mmlab-vm-boards: x86_64-lab arm64-lab
# mmlab-vm-x86_64: --no-load
# mmlab-vm-arm64: --dt-extra tools/tests/slub_nodes.dtsi

. ./lib.sh

D=/sys/kernel/debug/mmlab

if [ "$MMLAB_ARCH" = x86_64 ]; then
	# A test sharing this boot may have left the set loaded.
	mmlab-unload >/dev/null 2>&1
	half=$((MMLAB_REGION_SIZE / 2))
	second=$(printf '0x%x' $((MMLAB_REGION_BASE + half)))
	check "mmlab_core loads with two halves of the board's region" \
		mmlab-load mmlab_core "regions=$half@$MMLAB_REGION_BASE,$half@$second"
	check "the rest of the module set loads" mmlab-load
fi
is "two regions" "$(grep -c '^mmlab' $D/regions)" 2

mark=$(dmesg_mark)
kunit-run mmlab_slub_kunit > ktap.out 2>&1
rc=$?
diag "$(grep -E '^ *(not ok|# )' ktap.out | grep -v '^ *# Subtest')"
is "kunit-run mmlab_slub_kunit exits 0" "$rc" 0
check "debug_node_fallback_test ran and passed (not skipped)" \
	sh -c "grep -E '^ +ok [0-9]+ debug_node_fallback_test\$' ktap.out >/dev/null"
is "no case failed" "$(grep -cE '^ *not ok' ktap.out)" 0
check "the suite's summary says fail:0" \
	sh -c "grep -E '# mmlab_slub: pass:[0-9]+ fail:0 ' ktap.out >/dev/null"
log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive'" - "$log"
mmlab-unload >/dev/null 2>&1
mmlab-load >/dev/null 2>&1
done_testing
