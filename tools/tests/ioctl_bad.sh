# SPDX-License-Identifier: GPL-2.0
#
# Bad ioctl input to /dev/mmlab: the C program ioctl_bad (TAP) asserts each
# error code and that nothing leaked; this wrapper adds that the refusals
# were logged (ratelimited: at least the first burst) and that the log shows
# no splat.

. ./lib.sh

plan 3
mark=$(dmesg_mark)
subtest ioctl_bad ioctl_bad
log=$(dmesg_since "$mark")
n=$(echo "$log" | grep -c 'mmlab_fault: ')
diag "$n log lines from mmlab_fault"
check "refusals are logged by mmlab_fault (>= 10 lines)" test "$n" -ge 10
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace'" - "$log"
done_testing
