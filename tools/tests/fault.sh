# SPDX-License-Identifier: GPL-2.0
#
# mmap of /dev/mmlab: the C program fault_test (TAP) checks the fault kinds,
# copy-on-write across fork, pagemap pfns inside the region, exhaustion and
# leaks; this wrapper adds that the log shows no splat.

. ./lib.sh

plan 2
mark=$(dmesg_mark)
subtest fault_test fault_test
log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
echo "$log" | grep -E 'mmlab_fault|BUG|WARNING' | head -20 | sed 's/^/# /'
done_testing
