# SPDX-License-Identifier: GPL-2.0
#
# CMA areas from the device tree: the mmlab,cma, mmlab,cma-names and
# mmlab,cma-alignment properties of a region node (the opt-in node
# mmlab-cma-dt of test_nodes.dtsi, a second region next to the board's)
# give areas of those sizes, names and alignment inside that region, their
# pageblocks are MIGRATE_CMA in pagetypeinfo, and they allocate and free
# through their debugfs files.
# mmlab-vm-boards: arm64-stock arm64-lab
# mmlab-vm-arm64: --dt-extra tools/tests/test_nodes.dtsi

. ./lib.sh

plan 15
D=/sys/kernel/debug/mmlab
BASE=0x5d000000		# mmlab-cma-dt's memory in test_nodes.dtsi

mmlab-unload >/dev/null 2>&1
dt_enable mmlab-cma-dt || diag "no node mmlab-cma-dt: is test_nodes.dtsi in the board?"
check "the module set loads with mmlab-cma-dt" mmlab-load

# The region at BASE: "NAME BASE SIZE PAGES ..." of debugfs regions.
set -- $(while read -r name base size pages rest; do
	case "$name" in mmlab[0-9]*) ;; *) continue ;; esac
	[ "$((base))" = "$((BASE))" ] && echo "$name $((base / 4096)) $pages"
done < $D/regions)
region=$1
first_pfn=$2
region_pages=$3
node=${region#mmlab}
diag "$(cat $D/regions)"
check "a region lies at mmlab-cma-dt's memory ($BASE)" test -n "$region"
# mmlab-cma-dt is no-map: outside the linear map, struct pages reserved.
is "$region (no-map) is an ioremap mapping" \
	"$(awk -v r="$region" '$1 == r { print $7 }' $D/regions)" ioremap
is "$region (no-map) has kernel struct pages" \
	"$(awk -v r="$region" '$1 == r { print $9 }' $D/regions)" yes

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
	check "$1: lies inside $region" \
		[ "$base" -ge "${first_pfn:-0}" -a "$end" -le $((${first_pfn:-0} + ${region_pages:-0})) ]
}

area dt0 0x1000000
area dt1 0x800000

per_block=$(awk '/^Pages per block:/ { print $4; exit }' $D/pagetypeinfo)
cma_blocks=$(awk -v n="Node ${node:-x}," '/^Number of blocks type/ { seen = 1; next }
	seen && index($0, n) == 1 { print $(NF - 1); exit }' $D/pagetypeinfo)
is "pagetypeinfo counts the areas' pageblocks in $region as CMA" "$cma_blocks" \
	$(((0x1000000 + 0x800000) / 4096 / per_block))

echo 512 > $D/cma/dt0/alloc
is "dt0: 512 pages allocated through debugfs" "$(cat $D/cma/dt0/used)" 512
echo 512 > $D/cma/dt0/free
is "dt0: and freed" "$(cat $D/cma/dt0/used)" 0

mmlab-unload >/dev/null 2>&1
dt_disable_all
mmlab-load >/dev/null 2>&1
done_testing
