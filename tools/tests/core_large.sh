# SPDX-License-Identifier: GPL-2.0
#
# Regions of any valid size on x86_64 (issue 16): the board reserves 1 GiB
# at its region base with memmap=, whose 128 MiB memory sections hold no
# RAM and so no boot struct pages. A 256 MiB region at the base, then
# the whole 1 GiB, each:
#   - loads with the whole module set (the check asks /proc/iomem, where
#     the range is "Reserved", not struct pages), claimed in /proc/iomem
#     and listed in debugfs with its pages, and with the ZONE_DEVICE
#     struct pages memremap_pages() gave it (map "device", "kpages yes");
#   - hands every order-10 block out through the buddy (mmlabctl hold),
#     each inside the region, until none is left, the pages adding up;
#   - takes them all back (buddyinfo as before) and unloads.
# And a range over the RAM next to the reservation is still refused.
# mmlab-vm: --no-load --region 1G --mem 1536M
# mmlab-vm-boards: x86_64-stock x86_64-lab
# mmlab-timeout: 900

. ./lib.sh

# 16 cases per region size, 2 sizes, then a refusal of 4.
plan 36

D=/sys/kernel/debug/mmlab
KO=/mmlab/modules/mmlab_core.ko
B=$(printf '%#x' "$MMLAB_REGION_BASE")
ORDER=10
pids=

cleanup() {
	reap
}
trap cleanup EXIT

# Free blocks of one order in region 0's buddyinfo row.
buddy_order() {
	awk -v o="$1" '$1 == "Node" && $2 == "0," { print $(5 + o) }' \
		$D/buddyinfo
}

# held_pfns FILE: the pfns of the blocks `mmlabctl hold` printed, decimal.
held_pfns() {
	awk '$1 == "handle" && $3 == "pfn" { print $4 }' "$1" |
		while read -r pfn; do echo $((pfn)); done
}

# large SIZE: one region of SIZE bytes at the board's base, 16 cases.
large() {
	size=$1
	name=$(($1 >> 20))M
	pages=$((size / 4096))
	start_pfn=$((B / 4096))
	end_pfn=$((start_pfn + pages))

	mark=$(dmesg_mark)
	t0=$(cut -d' ' -f1 /proc/uptime)
	check "$name: mmlab_core loads regions=$size@$B" \
		mmlab-load mmlab_core "regions=$size@$B"
	t1=$(cut -d' ' -f1 /proc/uptime)
	check "$name: the rest of the module set loads" mmlab-load
	t2=$(cut -d' ' -f1 /proc/uptime)
	diag "$name: mmlab_core loaded in ${t0}..${t1} s, the set by ${t2} s (uptime)"
	log=$(module_log "$mark" mmlab_core | grep -v ': mmlab[0-9]: ')
	is "$name: mmlab_core logged no refusal" "$log" ""

	diag "$(cat $D/regions)"
	set -- $(grep '^mmlab0 ' $D/regions)
	is "$name: debugfs lists the region at the base" "$(($2))" "$((B))"
	is "$name: debugfs gives its pages" "$4" "$pages"
	is "$name: ZONE_DEVICE struct pages (map device, kpages yes)" "$7 $9" "device yes"
	reserved=$5
	is "$name: zoneinfo spans it" "$(zone_field spanned)" "$pages"
	line=$(grep ' : mmlab$' /proc/iomem | sed 's/^ *//')
	is "$name: /proc/iomem claims it" "$line" \
		"$(printf '%x-%x : mmlab' "$B" $((B + size - 1)))"

	before=$(echo 1 >$D/drain; cat $D/buddyinfo)
	free0=$(buddy_free 0)
	mmlabctl hold --order $ORDER --count $pages --nowarn >hold.out 2>&1 &
	hpid=$!
	pids="$pids $hpid"
	if wait_holding hold.out $hpid; then
		ok "$name: mmlabctl holds order-$ORDER blocks"
	else
		not_ok "$name: mmlabctl holds order-$ORDER blocks"
	fi
	grep -v '^handle ' hold.out | while read -r l; do diag "$l"; done
	n=$(held_pfns hold.out | grep -c .)
	bad=$(held_pfns hold.out | awk -v s="$start_pfn" -v e="$end_pfn" \
		-v b=$((1 << ORDER)) '$1 < s || $1 + b > e || $1 % b { c++ }
		END { print c + 0 }')
	is "$name: every block lies in the region, aligned" "$bad" 0
	is "$name: no block twice" "$(held_pfns hold.out | sort -u | grep -c .)" "$n"
	free1=$(drained_buddy_free 0)
	diag "$name: $n blocks held from pfn $(held_pfns hold.out | sort -n |
		head -1) to $(held_pfns hold.out | sort -n | tail -1), region pfns $start_pfn..$((end_pfn - 1)), $reserved for descriptors; free $free0 -> $free1"
	is "$name: held and free pages add up" "$((n * (1 << ORDER) + free1))" "$free0"
	# The fill stops when no order-10 block is left, or one is but the
	# watermark keeps it.
	left=$(buddy_order $ORDER)
	high=$(zone_field high)
	if [ "$left" = 0 ] || [ $((free1 - (1 << ORDER))) -lt "$high" ]; then
		ok "$name: every order-$ORDER block above the watermark was handed out"
	else
		not_ok "$name: every order-$ORDER block above the watermark was handed out"
		diag "left $left order-$ORDER blocks, free $free1, high $high"
	fi

	kill -TERM $hpid 2>/dev/null
	wait $hpid 2>/dev/null
	after=$(echo 1 >$D/drain; cat $D/buddyinfo)
	is "$name: buddyinfo as before once they are freed" "$after" "$before"
	check "$name: the module set unloads" mmlab-unload
	check "$name: /proc/iomem released" \
		sh -c "! grep -q ' : mmlab\$' /proc/iomem"
}

large $((256 << 20))
large "$MMLAB_REGION_SIZE"

# The RAM just below the reservation and its first 32 MiB.
refuse_load "partly System RAM" mmlab_core "$KO" "Device or resource busy" \
	"partly System RAM" "regions=64M@$((B - 0x2000000))"
done_testing
