# SPDX-License-Identifier: GPL-2.0
#
# /dev/mmlab faults under races: fault_race (TAP) races readers and writers
# on fresh pages and after fork, fails copies with fail_rmap and takes the
# OOM kill from inside the kernel; this wrapper adds that the log shows no
# splat. RACE_SECONDS bounds each race (make stress passes a long one).
# mmlab-race: yes

. ./lib.sh

plan 2
mark=$(dmesg_mark)
subtest fault_race fault_race
log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
echo "$log" | grep -E 'mmlab_fault|BUG|WARNING' | head -20 | sed 's/^/# /'
done_testing
