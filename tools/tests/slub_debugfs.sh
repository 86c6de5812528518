# SPDX-License-Identifier: GPL-2.0
#
# mmlab_slub's debugfs files: slabinfo in the /proc/slabinfo 2.1 format
# with every kmalloc class, the per-cache directories, input checking of
# validate and shrink, vmallocinfo without raw addresses, and the buddy
# merging back completely once mmlab_slub has unloaded. On lab kernels the
# KUnit suites allocate through every path, and slabinfo must show their
# caches gone and the kmalloc caches idle afterwards.

. ./lib.sh

# 46 cases, and the KUnit suites' 5 on a lab (or kcsan) kernel, or one
# skip on a stock kernel (no KUnit). The per-cache files are those of
# kmalloc-128, a class of every arch (arm64's smallest);
# kernel_numbers.sh checks the list of classes against the kernel's.
if [ "$MMLAB_KERNEL" != stock ]; then
	plan 51
else
	plan 47
fi

D=/sys/kernel/debug/mmlab
S=$D/slab

mmlab-load >/dev/null 2>&1
# mmlab_fault uses mmlab_slub: unload it first, with its zero page.
rmmod mmlab_fault 2>/dev/null
echo 1 > $D/drain 2>/dev/null
free_before=$(buddy_free)

check "slabinfo exists" test -r $D/slabinfo
is "slabinfo version line" "$(head -1 $D/slabinfo)" "slabinfo - version: 2.1"
is "slabinfo header" "$(sed -n 2p $D/slabinfo)" \
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>"
for c in 128 256 512 1k 2k 4k 8k; do
	check "slabinfo has kmalloc-$c" grep -q "^kmalloc-$c " $D/slabinfo
done
row=$(grep '^kmalloc-128 ' $D/slabinfo)
check "kmalloc-128 row: objsize 128 and 16 fields" \
	sh -c "echo '$row' | awk '\$4 == 128 && NF == 16 && \$7 == \":\" && \$8 == \"tunables\" { ok = 1 } END { exit !ok }'"

for f in object_size slab_size objs_per_slab order min_partial partial cpu_slabs \
	 objects total_objects red_zone poison store_user sanity_checks validate \
	 shrink alloc_calls free_calls alloc_fastpath free_slowpath; do
	check "kmalloc-128/$f exists" test -e $S/kmalloc-128/$f
done
is "kmalloc-128 object_size" "$(cat $S/kmalloc-128/object_size)" 128
is "kmalloc-8k order" "$(cat $S/kmalloc-8k/order)" 3
is "kmalloc-128 red_zone off" "$(cat $S/kmalloc-128/red_zone)" 0
is "alloc_calls without store_user" "$(cat $S/kmalloc-128/alloc_calls)" "No data"
check "validate accepts 1" sh -c "echo 1 > $S/kmalloc-128/validate"
check "shrink accepts 1" sh -c "echo 1 > $S/kmalloc-128/shrink"
mark=$(dmesg_mark)
check "validate refuses 2" sh -c "! echo 2 2>/dev/null > $S/kmalloc-128/validate"
check "shrink refuses junk" sh -c "! echo xyz 2>/dev/null > $S/kmalloc-128/shrink"
is "one log line per refused write" "$(dmesg_since $mark | grep -c 'mmlab_slub: kmalloc-128/')" 2

check "vmallocinfo exists" test -r $D/vmallocinfo
check "vmallocinfo shows no raw kernel address" \
	sh -c "! grep -qiE 'ffff[0-9a-f]{12}' $D/vmallocinfo"

if [ "$MMLAB_KERNEL" != stock ]; then
	check "KUnit suites pass" sh -c "kunit-run mmlab_slub_kunit mmlab_vmalloc_kunit >/dev/null 2>&1"
	check "no kunit cache left in slabinfo" sh -c "! grep -q '^kunit-' $D/slabinfo"
	check "no kunit cache left in slab/" sh -c "! ls $S | grep -q '^kunit-'"
	is "kmalloc-128 has no live object" "$(cat $S/kmalloc-128/objects)" 0
	check "vmallocinfo empty after the suites" test ! -s $D/vmallocinfo
	rmmod mmlab_slub_kunit mmlab_vmalloc_kunit 2>/dev/null
else
	skip "KUnit suites pass" "not a lab kernel"
fi
for c in $(ls $S); do echo 1 > $S/$c/shrink; done
total=$(awk '$1 !~ /^slabinfo|^#/ { s += $3 } END { print s + 0 }' $D/slabinfo)
is "every cache empty after shrink (num_objs)" "$total" 0

check "mmlab_slub unloads" rmmod mmlab_slub
echo 1 > $D/drain 2>/dev/null
free_after=$(buddy_free)
diag "free pages before: $free_before, after: $free_after"
check "buddyinfo counted free pages" test "$free_before" -gt 0
is "the buddy has every page back" "$free_after" "$free_before"
check "slabinfo removed with the module" test ! -e $D/slabinfo
mmlab-unload >/dev/null 2>&1
done_testing
