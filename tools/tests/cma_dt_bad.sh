# SPDX-License-Identifier: GPL-2.0
#
# A CMA area in the device tree whose mmlab,cma-alignment is not a power of
# two (the opt-in node mmlab-cma-bad of test_nodes.dtsi): mmlab_cma refuses
# to load with EINVAL and one log line naming the area, and nothing of it is
# left behind.
# mmlab-vm: --no-load
# mmlab-vm-boards: arm64-stock arm64-lab
# mmlab-vm-arm64: --dt-extra tools/tests/test_nodes.dtsi

. ./lib.sh

plan 7
dt_enable mmlab-cma-bad || diag "no node mmlab-cma-bad: is test_nodes.dtsi in the board?"
check "mmlab_core and mmlab_buddy load" \
	sh -c 'mmlab-load mmlab_core && mmlab-load mmlab_buddy'
mark=$(dmesg_mark)
out=$(insmod /mmlab/modules/mmlab_cma.ko 2>&1)
rc=$?
check "mmlab_cma refuses to load" [ $rc -ne 0 ]
case "$out" in
*"Invalid argument"*) ok "with EINVAL" ;;
*) not_ok "with EINVAL"; diag "$out" ;;
esac
lines=$(module_log "$mark" mmlab_cma)
is "one log line" "$(echo "$lines" | grep -c .)" 1
case "$lines" in
*"bad: alignment 0x600000 is not a power of two"*) ok "it names the area and says why" ;;
*) not_ok "it names the area and says why"; diag "$lines" ;;
esac
check "no area is left in debugfs" [ ! -e /sys/kernel/debug/mmlab/cma/bad ]
check "mmlab_cma is not loaded" sh -c '! grep -q "^mmlab_cma " /proc/modules'
mmlab-unload >/dev/null 2>&1
dt_disable_all
done_testing
