# SPDX-License-Identifier: GPL-2.0
#
# mmap of /dev/mmlab: the C program fault_test (TAP) checks the fault kinds,
# copy-on-write across fork, pagemap pfns inside the region, exhaustion and
# leaks; this wrapper adds that the log shows no splat.

. ./lib.sh

mark=$(dmesg_mark)
fault_test >fault_test.out 2>&1
rc=$?
grep -v '^1\.\.' fault_test.out
_n=$(grep -cE '^(not )?ok ' fault_test.out)
_failed=$(grep -c '^not ok ' fault_test.out)
log=$(dmesg_since "$mark")
is "fault_test exit status" "$rc" 0
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
echo "$log" | grep -E 'mmlab_fault|BUG|WARNING' | head -20 | sed 's/^/# /'
done_testing
