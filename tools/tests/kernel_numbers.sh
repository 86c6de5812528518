# SPDX-License-Identifier: GPL-2.0
#
# mmlab's numbers are the running kernel's: the pagetypeinfo header (Page
# block order, Pages per block) of every region equals /proc/pagetypeinfo's,
# and mmlab's kmalloc classes (the plain kmalloc-N caches of its slabinfo)
# are exactly the kernel's plain kmalloc-N caches of /proc/slabinfo (not
# dma-kmalloc-, kmalloc-cg- or kmalloc-rcl-). Both sides are read at run
# time: nothing here knows what the numbers should be on any arch.
#
# Then the pageblock size at work: a CMA area of exactly one pageblock
# (6.1 aligns CMA areas to pageblock_nr_pages) loads, is placed at the
# region's top, where with a pageblock order below MAX_ORDER - 1 (Debian's
# kernels: 9) its pages were the upper half of a free order-10 block, and
# every one of them is a free CMA page that cma_alloc can take and give
# back.

. ./lib.sh

plan 12

D=/sys/kernel/debug/mmlab

# header_values FILE KEY: the value after "KEY:" of every line starting so.
header_values() {
	sed -n "s/^$2: *\([0-9][0-9]*\) *$/\1/p" "$1"
}

# kmalloc_classes FILE: the plain kmalloc-N names of a slabinfo, sorted by
# size (kmalloc-8k is 8192).
kmalloc_classes() {
	awk '$1 ~ /^kmalloc-[0-9]+k?$/ {
		n = substr($1, 9); b = n + 0
		if (n ~ /k$/)
			b *= 1024
		print b, $1
	}' "$1" | sort -n | awk '{ printf "%s%s", sep, $2; sep = " " } END { print "" }'
}

# same_values WHAT KERNEL MMLAB: every value of MMLAB (one per region)
# equals KERNEL's one value, and there is at least one of each.
same_values() {
	k=$(echo "$2" | sort -u)
	m=$(echo "$3" | sort -u)
	diag "$1: kernel '$(echo $2)', mmlab '$(echo $3)'"
	if [ -n "$k" ] && [ "$(echo "$k" | wc -l)" -eq 1 ] && [ "$m" = "$k" ]; then
		ok "$1: mmlab's equals the kernel's"
	else
		not_ok "$1: mmlab's equals the kernel's"
	fi
}

mmlab-load >/dev/null 2>&1
check "mmlab's pagetypeinfo and the kernel's are readable" \
	test -r $D/pagetypeinfo -a -r /proc/pagetypeinfo
cp /proc/pagetypeinfo kernel_pti.txt 2>/dev/null
cp $D/pagetypeinfo mmlab_pti.txt 2>/dev/null
regions=$(grep -c '^Page block order:' mmlab_pti.txt)
is "one pagetypeinfo header per region" "$regions" \
	"$(awk 'NR > 1' $D/regions | wc -l)"
same_values "Page block order" \
	"$(header_values kernel_pti.txt 'Page block order')" \
	"$(header_values mmlab_pti.txt 'Page block order')"
same_values "Pages per block" \
	"$(header_values kernel_pti.txt 'Pages per block')" \
	"$(header_values mmlab_pti.txt 'Pages per block')"

check "mmlab's slabinfo and the kernel's are readable" \
	test -r $D/slabinfo -a -r /proc/slabinfo
cp /proc/slabinfo kernel_slab.txt 2>/dev/null
cp $D/slabinfo mmlab_slab.txt 2>/dev/null
k=$(kmalloc_classes kernel_slab.txt)
m=$(kmalloc_classes mmlab_slab.txt)
diag "kernel's kmalloc classes: $k"
diag "mmlab's kmalloc classes:  $m"
if [ -n "$k" ] && [ "$m" = "$k" ]; then
	ok "kmalloc classes: mmlab's list equals the kernel's"
else
	not_ok "kmalloc classes: mmlab's list equals the kernel's"
fi
# Each of mmlab's classes holds objects of the size its name says.
bad=$(awk '$1 ~ /^kmalloc-[0-9]+k?$/ {
	n = substr($1, 9); b = n + 0
	if (n ~ /k$/)
		b *= 1024
	if ($4 != b)
		print $1 " objsize " $4
}' mmlab_slab.txt)
is "every mmlab kmalloc-N has objsize N" "$bad" ""

# free_cma: nr_free_cma of region 0, once the per-CPU lists are drained.
free_cma() {
	echo 1 >$D/drain
	awk '$1 == "nr_free_cma" { print $2; exit }' $D/zoneinfo
}

per_block=$(header_values mmlab_pti.txt 'Pages per block' | head -1)
pgsz=$(mmlabctl info | awk '$1 == "page_size" { print $2 }')
kib=$((${per_block:-0} * ${pgsz:-0} / 1024))
A=$D/cma/pb
check "mmlab_cma loads with one pageblock of CMA (cma=${kib}K:pb)" \
	load_with_cma "${kib}K:pb"
is "the area is one pageblock" "$(cat $A/count 2>/dev/null)" "$per_block"
is "every page of the area is a free CMA page" "$(free_cma)" "$per_block"
check "cma_alloc takes the whole area" sh -c "echo $per_block >$A/alloc"
check "and gives it back" sh -c "echo $per_block >$A/free"
diag "nr_free_cma after the release: $(free_cma)"
mmlab-unload >/dev/null 2>&1
mmlab-load >/dev/null 2>&1
done_testing
