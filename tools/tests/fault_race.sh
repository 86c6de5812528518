# SPDX-License-Identifier: GPL-2.0
#
# /dev/mmlab faults under races: fault_race (TAP) races readers and writers
# on fresh pages and after fork, fails copies with fail_rmap and takes the
# OOM kill from inside the kernel; this wrapper adds that the log shows no
# splat. RACE_SECONDS bounds each race (make stress passes a long one).
# mmlab-race: yes

. ./lib.sh

mark=$(dmesg_mark)
fault_race >fault_race.out 2>&1
rc=$?
grep -v '^1\.\.' fault_race.out
_n=$(grep -cE '^(not )?ok ' fault_race.out)
_failed=$(grep -c '^not ok ' fault_race.out)
log=$(dmesg_since "$mark")
is "fault_race exit status" "$rc" 0
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
echo "$log" | grep -E 'mmlab_fault|BUG|WARNING' | head -20 | sed 's/^/# /'
done_testing
