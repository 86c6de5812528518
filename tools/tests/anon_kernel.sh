# SPDX-License-Identifier: GPL-2.0
#
# /dev/mmlab memory to the kernel's own code: the C program anon_kernel
# (TAP) checks pagemap and smaps, get_user_pages() users (process_vm_readv,
# vmsplice, a process-shared futex), MAP_POPULATE, fork's write-protect,
# the quarantine of a page a pipe still holds and do_wp_page()'s copy of a
# pinned page; this wrapper adds that the log shows no splat.

. ./lib.sh

plan 2
mark=$(dmesg_mark)
subtest anon_kernel anon_kernel
log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
echo "$log" | grep -E 'mmlab_fault|BUG|WARNING' | head -20 | sed 's/^/# /'
done_testing
