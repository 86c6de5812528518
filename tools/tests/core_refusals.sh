# SPDX-License-Identifier: GPL-2.0
#
# mmlab_core refuses every unsafe region with the right error code and
# exactly one log line, and still works with the good ones.
#   - regions= (both arches): malformed, too many, zero, unaligned, too
#     small, overflowing, outside RAM (no Reserved entry in /proc/iomem),
#     RAM the kernel did not reserve, partly System RAM (the RAM just
#     below the board's region and the region's start), overlapping and
#     duplicate ranges; no region at all (x86_64).
#   - x86_64: a "Reserved" range of /proc/iomem that the firmware reserved
#     (no RAM behind it); a good load of two regions, shown in debugfs and
#     /proc/iomem.
#   - arm64: the region nodes of test_nodes.dtsi (opt-in: enabled here),
#     each failing its own probe while the board's region and a
#     linear-mapped one bind.
# mmlab-vm: --no-load
# mmlab-vm-arm64: --dt-extra tools/tests/test_nodes.dtsi

. ./lib.sh

# 16 refusals of 4 cases each, then 26 cases of x86_64 or 31 of arm64.
if [ "$MMLAB_ARCH" = x86_64 ]; then
	plan 90
else
	plan 95
fi

KO=/mmlab/modules/mmlab_core.ko
[ -e ./mmlab_core.ko ] && KO=./mmlab_core.ko
D=/sys/kernel/debug/mmlab
B=$(printf '%#x' "$MMLAB_REGION_BASE")

core_log() {
	module_log "$1" mmlab_core
}

# refuse WHAT REGIONS ERRNO-TEXT LOG-PATTERN (no regions= if REGIONS is "")
refuse() {
	refuse_load "$1" mmlab_core "$KO" "$3" "$4" ${2:+"regions=$2"}
}

EINVAL="Invalid argument"
EBUSY="Device or resource busy"

if [ "$MMLAB_ARCH" = x86_64 ]; then
	ram=64M@0x20000000	# System RAM of the 1 GiB board, not reserved
else
	ram=64M@0x60000000
fi

refuse "malformed (no @)" "64M" "$EINVAL" "malformed entry '64M'"
refuse "malformed (bad suffix)" "64Q@$B" "$EINVAL" "malformed entry"
refuse "malformed (trailing comma)" "64M@$B," "$EINVAL" "malformed entry"
refuse "malformed (junk)" "sixty@four" "$EINVAL" "malformed entry"
refuse "too many" "4M@0x10000000,4M@0x10400000,4M@0x10800000,4M@0x10c00000,4M@0x11000000,4M@0x11400000,4M@0x11800000,4M@0x11c00000,4M@0x12000000" \
	"$EINVAL" "too many ranges"
refuse "zero-sized" "0@$B" "$EINVAL" "zero-sized"
refuse "unaligned base" "64M@$((B + 0x800))" "$EINVAL" "multiples of the page size"
refuse "unaligned size" "0x4000800@$B" "$EINVAL" "multiples of the page size"
refuse "too small" "1M@$B" "$EINVAL" "smaller than the minimum"
refuse "overflowing range" "64M@0xfffffffffff00000" "$EINVAL" \
	"overflows the physical address space"
refuse "overflowing number" "99999999999999999999@$B" "$EINVAL" \
	"overflows 64 bits"
refuse "outside RAM" "64M@0x100000000" "$EINVAL" "outside RAM"
refuse "RAM not reserved" "$ram" "$EBUSY" "not reserved"
# 64 MiB across the end of the last System RAM entry (arm64's region is
# System RAM itself: its node has no no-map).
ram_end=$(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\2/p' /proc/iomem | tail -1)
refuse "partly System RAM" "64M@$((0x$ram_end + 1 - 0x2000000))" "$EBUSY" \
	"partly System RAM in /proc/iomem"
refuse "overlapping" "32M@$B,16M@$((B + 0x1000000))" "$EBUSY" "overlaps range"
refuse "duplicate" "32M@$B,32M@$B" "$EBUSY" "duplicates range"

iomem_count() {
	grep -c ' : mmlab$' /proc/iomem
}

if [ "$MMLAB_ARCH" = x86_64 ]; then
	refuse "no region at all" "" "No such device" "no region: reserve memory"
	# A "Reserved" entry of /proc/iomem the firmware reserved (QEMU's
	# AMD HyperTransport window at 0xfd00000000): no RAM behind it.
	fw=$(awk -F' : ' '$2 == "Reserved" && $1 !~ /^ / {
		split($1, r, "-"); print r[1], r[2] }' /proc/iomem |
		while read -r s e; do
			[ $((0x$e - 0x$s + 1)) -ge $((64 << 20)) ] &&
			[ $((0x$s)) != $((B)) ] && echo "0x$s"
		done | head -1)
	diag "firmware-reserved range: ${fw:-none, so 0xfd00000000}"
	refuse "firmware-reserved, not RAM" "64M@${fw:-0xfd00000000}" "$EINVAL" \
		"the firmware's memory map does not give it as RAM"

	half=$((MMLAB_REGION_SIZE / 2))
	mark=$(dmesg_mark)
	check "two good regions load" insmod "$KO" \
		"regions=$half@$B,$half@$((B + half))"
	is "no error logged" "$(core_log "$mark" | grep -vc ': mmlab[0-9]: ')" 0
	diag "$(cat $D/regions)"
	is "debugfs lists two regions" "$(grep -c '^mmlab[01] ' $D/regions)" 2
	check "regions header names the columns" \
		grep -q '^name *base *size *pages *reserved *desc_b *map *source *kpages *virt$' $D/regions
	row=$(grep '^mmlab0 ' $D/regions)
	set -- $row
	is "mmlab0 base" "$(($2))" "$((B))"
	is "mmlab0 size" "$(($3))" "$half"
	is "mmlab0 pages" "$4" "$((half / 4096))"
	is "mmlab0 descriptor pages" "$5" "$(((half / 4096 * 24 + 4095) / 4096))"
	is "24 descriptor bytes per page" "$6" 24
	# memmap= is outside the linear map: memremap_pages() adds it
	is "mapped with ZONE_DEVICE struct pages (map device)" "$7" device
	is "source is the parameter" "$8" param
	# The board's 64 MiB leave RAM in their 128 MiB memory section.
	is "mmlab0 has kernel struct pages" "$9" yes
	is "/proc/iomem claims both as mmlab" "$(iomem_count)" 2
	check "rmmod works" rmmod mmlab_core
	is "/proc/iomem released" "$(iomem_count)" 0
	check "debugfs root removed" test ! -e $D
	check "the board's region loads again" insmod "$KO" \
		"regions=$MMLAB_REGION_SIZE@$B"
	check "and unloads" rmmod mmlab_core
	done_testing
	exit
fi

# arm64: the device tree.
check "the kernel failed to reserve the initrd node" \
	sh -c "dmesg | grep -q \"failed to reserve memory for node 'mmlab-initrd@48000000'\""
dt_enable mmlab-second mmlab-bad-nomem mmlab-bad-notreserved \
	mmlab-bad-unaligned mmlab-bad-small mmlab-bad-overlap mmlab-bad-initrd \
	mmlab-bad-dup || diag "an opt-in node of test_nodes.dtsi is missing"
mark=$(dmesg_mark)
check "load binds the good nodes" insmod "$KO"
log=$(dmesg_since "$mark")
core=$(core_log "$mark" | grep -v ': mmlab[0-9]: ')

# probe_fails NODE ERRNO LOG-PATTERN
probe_fails() {
	if echo "$log" | grep -q "probe of $1 failed with error $2\$"; then
		ok "$1: probe fails with $2"
	else
		not_ok "$1: probe fails with $2"
	fi
	if echo "$core" | grep -q -- "$3"; then
		ok "$1: log says '$3'"
	else
		not_ok "$1: log says '$3'"
	fi
}

probe_fails mmlab-bad-nomem -22 "mmlab-bad-nomem: no valid memory-region"
probe_fails mmlab-bad-notreserved -22 \
	"mmlab-bad-notreserved: memory-region /mmlab-plain is not a /reserved-memory child"
probe_fails mmlab-bad-unaligned -22 "0x400000@0x5a000800: base and size must be multiples"
probe_fails mmlab-bad-small -22 "0x100000@0x5b000000: smaller than the minimum"
probe_fails mmlab-bad-overlap -16 "0x1000000@0x58800000: overlaps mmlab1"
probe_fails mmlab-bad-initrd -16 "0x400000@0x48000000: not reserved"
probe_fails mmlab-bad-dup -16 "@$B: duplicates mmlab0"
is "one log line per bad node" "$(echo "$core" | grep -c .)" 7
[ "$(echo "$core" | grep -c .)" = 7 ] || diag "$core"

diag "$(cat $D/regions)"
set -- $(grep '^mmlab0 ' $D/regions)
is "mmlab0 is the board's region" "$(($2))" "$((B))"
is "mmlab0 (mapped) uses the linear map" "$7" linear
is "mmlab0 comes from the DT" "$8" dt
is "mmlab0 (mapped) has kernel struct pages" "$9" yes
set -- $(grep '^mmlab1 ' $D/regions)
is "mmlab1 is mmlab-second" "$(($2))" "$((0x58000000))"
is "mmlab1 (mapped) uses the linear map" "$7" linear
is "mmlab1 (mapped) has kernel struct pages" "$9" yes
is "no third region" "$(grep -c '^mmlab[0-9]' $D/regions)" 2
is "/proc/iomem claims both as mmlab" "$(iomem_count)" 2
check "rmmod works" rmmod mmlab_core
is "/proc/iomem released" "$(iomem_count)" 0
check "debugfs root removed" test ! -e $D
check "loads again" insmod "$KO"
check "and unloads again" rmmod mmlab_core
dt_disable_all
done_testing
