# SPDX-License-Identifier: GPL-2.0
#
# CMA areas from the device tree: the mmlab,cma, mmlab,cma-names and
# mmlab,cma-alignment properties of a "mmlab,region" node (cma_dt.dtsi)
# give areas of those sizes, names and alignment inside the region, their
# pageblocks are MIGRATE_CMA in pagetypeinfo, and they allocate and free
# through their debugfs files.
# mmlab-vm-boards: arm64-stock arm64-lab
# mmlab-vm-arm64: --dt-extra tools/tests/cma_dt.dtsi

. ./lib.sh

D=/sys/kernel/debug/mmlab

region_pfns() {
	# "mmlab0 BASE SIZE PAGES ...": first pfn and page count.
	awk '$1 == "mmlab0" { printf "%d %d\n", $2 / 4096, $4 }' $D/regions
}

# area NAME SIZE: the area exists with SIZE bytes, aligned, in the region.
area() {
	a=$D/cma/$1
	if [ ! -d "$a" ]; then
		not_ok "area $1 from the device tree exists"
		return
	fi
	ok "area $1 from the device tree exists"
	is "$1: count is its size in pages" "$(cat $a/count)" $(($2 / 4096))
	base=$(cat $a/base_pfn)
	is "$1: base_pfn is aligned to mmlab,cma-alignment" \
		$((base % (0x400000 / 4096))) 0
	end=$((base + $(cat $a/count)))
	set -- "$1" $(region_pfns)
	check "$1: lies inside region mmlab0" \
		[ "$base" -ge "$2" -a "$end" -le $(($2 + $3)) ]
}

area dt0 0x1000000
area dt1 0x800000

per_block=$(awk '/^Pages per block:/ { print $4 }' $D/pagetypeinfo)
cma_blocks=$(awk '/^Node 0, zone/ && seen { print $(NF - 1); exit }
	/^Number of blocks type/ { seen = 1 }' $D/pagetypeinfo)
is "pagetypeinfo counts the areas' pageblocks as CMA" "$cma_blocks" \
	$(((0x1000000 + 0x800000) / 4096 / per_block))

echo 512 > $D/cma/dt0/alloc
is "dt0: 512 pages allocated through debugfs" "$(cat $D/cma/dt0/used)" 512
echo 512 > $D/cma/dt0/free
is "dt0: and freed" "$(cat $D/cma/dt0/used)" 0

done_testing
