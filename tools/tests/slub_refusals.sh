# SPDX-License-Identifier: GPL-2.0
#
# mmlab_slub refuses bad window_mb= and mmlab_slub_debug= values: insmod
# fails with the documented errno, mmlab_slub logs exactly one line that
# says why, and nothing is left (the module is not loaded, no debugfs file
# of it, the region's free pages back). Then good values still load.
#   - window_mb=: zero, below 4, above 1024, absurdly large, overflowing
#     an unsigned int and 64 bits, negative, malformed, empty.
#   - mmlab_slub_debug=: unknown flags, an empty flags field, an empty
#     cache name, an empty block, a long bad string (logged cut short),
#     one longer than the kernel takes for a string parameter.

. ./lib.sh

plan 119

KO=/mmlab/modules/mmlab_slub.ko
[ -e ./mmlab_slub.ko ] && KO=./mmlab_slub.ko
D=/sys/kernel/debug/mmlab

EINVAL="Invalid argument"
ERANGE="Numerical result out of range"
ENOSPC="No space left on device"

mmlab-unload >/dev/null 2>&1
check "mmlab_core loads" mmlab-load mmlab_core
check "mmlab_buddy loads" mmlab-load mmlab_buddy
free0=$(drained_buddy_free)
diag "free pages with mmlab_buddy alone: $free0"

# refuse WHAT PARAM ERRNO-TEXT LOG-PATTERN: refused, one line, nothing left.
refuse() {
	refuse_load "$1" mmlab_slub "$KO" "$3" "$4" "$2"
	if grep -q '^mmlab_slub ' /proc/modules || [ -e $D/slabinfo ] ||
	   [ -e $D/vmallocinfo ] || [ -e $D/fail_slab ]; then
		not_ok "$1: nothing left behind"
	else
		ok "$1: nothing left behind"
	fi
	is "$1: the region's free pages are back" "$(drained_buddy_free)" "$free0"
}

refuse "window_mb zero" window_mb=0 "$EINVAL" "window_mb=0: must be 4..1024"
refuse "window_mb below 4" window_mb=3 "$EINVAL" "window_mb=3: must be 4..1024"
refuse "window_mb above 1024" window_mb=1025 "$EINVAL" \
	"window_mb=1025: must be 4..1024"
refuse "window_mb absurdly large" window_mb=4294967295 "$EINVAL" \
	"window_mb=4294967295: must be 4..1024"
refuse "window_mb overflowing 32 bits" window_mb=4294967296 "$ERANGE" \
	"\`4294967296' invalid for parameter \`window_mb'"
refuse "window_mb overflowing 64 bits" window_mb=99999999999999999999 \
	"$ERANGE" "\`99999999999999999999' invalid for parameter \`window_mb'"
refuse "window_mb negative" window_mb=-1 "$EINVAL" \
	"\`-1' invalid for parameter \`window_mb'"
refuse "window_mb malformed" window_mb=64M "$EINVAL" \
	"\`64M' invalid for parameter \`window_mb'"
refuse "window_mb empty" window_mb= "$EINVAL" \
	"\`' invalid for parameter \`window_mb'"

refuse "debug unknown flag" mmlab_slub_debug=X "$EINVAL" \
	'mmlab_slub_debug="X": unknown flag or empty field'
refuse "debug unknown flag among good ones" mmlab_slub_debug=FZQ,kmalloc-64 \
	"$EINVAL" 'mmlab_slub_debug="FZQ,kmalloc-64": unknown flag'
refuse "debug empty flags field" mmlab_slub_debug=,kmalloc-64 "$EINVAL" \
	'mmlab_slub_debug=",kmalloc-64": unknown flag or empty field'
refuse "debug empty cache name" mmlab_slub_debug=F, "$EINVAL" \
	'mmlab_slub_debug="F,": unknown flag or empty field'
refuse "debug empty block" "mmlab_slub_debug=F;;Z" "$EINVAL" \
	'mmlab_slub_debug="F;;Z": unknown flag or empty field'
long=$(printf '%0500d' 0 | tr 0 X)
refuse "debug 500 bad bytes (logged cut short)" "mmlab_slub_debug=$long" \
	"$EINVAL" "mmlab_slub_debug=\"$(printf '%064d' 0 | tr 0 X)...\": unknown flag"
# The kernel's parser refuses it: its line (the value, then "too large
# for parameter", cut at the log's line length) and one more, prefixed by
# the parameter's name.
huge=$(printf '%02000d' 0 | tr 0 F)
refuse "debug 2000 bytes (longer than a string parameter)" \
	"mmlab_slub_debug=$huge" "$ENOSPC" "^mmlab_slub: \`FFFFFFFFFFFFFFFF"
check "debug 2000 bytes: the kernel says the string is too long" \
	sh -c "dmesg | sed -n '/$refuse_mark/,\$p' | grep -q 'mmlab_slub_debug: string parameter too long'"

# vmap() maps no more pages than RAM: the boards have 1 GiB, less what
# the kernel reserved, so the largest window is refused.
ram_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
if [ "$ram_kb" -lt $((1024 * 1024)) ]; then
	refuse "window_mb larger than RAM" window_mb=1024 "$EINVAL" \
		"window_mb=1024: larger than RAM ($((ram_kb / 1024)) MiB)"
else
	skip "window_mb larger than RAM" "the board has ${ram_kb} kB"
fi

# Good values still load, and their edges are taken.
for p in window_mb=4 window_mb=256 "mmlab_slub_debug=FZPU,kmalloc-64;-" \
	 "mmlab_slub_debug=F;"; do
	mark=$(dmesg_mark)
	if insmod "$KO" "$p"; then
		ok "$p loads"
		is "$p: nothing logged" "$(module_log "$mark" mmlab_slub)" ""
		check "$p: unloads" rmmod mmlab_slub
	else
		not_ok "$p loads"
		diag "$(module_log "$mark" mmlab_slub)"
	fi
done
is "the region's free pages are back at the end" "$(drained_buddy_free)" "$free0"
check "the module set loads again" mmlab-load
done_testing
