# SPDX-License-Identifier: GPL-2.0
#
# mmlab_buddy driven from user space through mmlabctl and /dev/mmlab:
# the debugfs files add up to the region's pages at rest and while a
# fragmentation pattern is held; closing the file gives everything back;
# the min watermark refuses normal allocations but not high ones; the trace
# shows the pfns mmlabctl printed.

. ./lib.sh

plan 36

D=/sys/kernel/debug/mmlab
T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing
NODE=0
pids=

cleanup() {
	reap
}
trap cleanup EXIT

# --- Readers of mmlab_buddy's files (the kernel's /proc formats) ---------

# Free blocks of one order in buddyinfo.
buddy_order() {
	awk -v n="$NODE," -v o="$1" '$1 == "Node" && $2 == n { print $(5 + o) }' \
		$D/buddyinfo
}

held_pages() {
	awk '$1 == "holding" { print $4 }' "$1"
}

stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# Every page of the region is free, on a per-CPU list, reserved or held.
check_accounting() {
	what=$1
	held=$2
	mmlabctl drain >/dev/null
	bf=$(buddy_free $NODE)
	pf=$(pagetype_free)
	zf=$(zone_field "pages free")
	zn=$(zone_field nr_free_pages)
	vf=$(vmstat_field nr_free_pages)
	pcp=$(pcp_pages)
	slab=$(($(vmstat_field nr_slab_reclaimable) + $(vmstat_field nr_slab_unreclaimable)))
	spanned=$(zone_field spanned)
	diag "$what: buddyinfo $bf pagetypeinfo $pf zoneinfo free $zf nr_free_pages $zn vmstat $vf pcp $pcp held $held reserved $reserved slab $slab zero $zero spanned $spanned"
	is "$what: pagetypeinfo free pages = buddyinfo" "$pf" "$bf"
	is "$what: zoneinfo 'pages free' = buddyinfo sum" "$zf" "$bf"
	is "$what: zoneinfo nr_free_pages = buddyinfo sum" "$zn" "$bf"
	is "$what: vmstat nr_free_pages = buddyinfo sum" "$vf" "$bf"
	is "$what: free + held + reserved + per-CPU + slab + zero page = region pages" \
		"$((bf + held + reserved + pcp + slab + zero))" "$region_pages"
}

# --- Preconditions --------------------------------------------------------

for f in buddyinfo pagetypeinfo zoneinfo vmstat; do
	check "debugfs $f exists" test -r $D/$f
done
check "/dev/mmlab is a character device" test -c /dev/mmlab
mode=$(ls -l /dev/mmlab | cut -c1-10)
is "/dev/mmlab is mode 0600" "$mode" "crw-------"
check "mmlabctl status succeeds" sh -c 'mmlabctl status >status.out 2>&1'
check "mmlabctl status names the region" grep -q "mmlab$NODE" status.out
diag "$(cat status.out)"

# mmlab_fault's mmap keeps one zero page, from the first region, while
# loaded (its debugfs directory says whether this mmlab_fault has mmap).
zero=0
[ -d $D/fault ] && [ $NODE = 0 ] && zero=1
region_pages=$(info_field pages)
reserved=$(info_field reserved)
is "INFO region pages = zoneinfo spanned" "$region_pages" "$(zone_field spanned)"
is "INFO reserved = spanned - managed" "$reserved" \
	"$(($(zone_field spanned) - $(zone_field managed)))"

# --- At rest ----------------------------------------------------------------

check_accounting "at rest" 0
start_free=$(buddy_free $NODE)
top=$(($(awk -v n="$NODE," '$1 == "Node" && $2 == n { print NF - 5 }' $D/buddyinfo)))
start_top=$(buddy_order $top)

# --- Fragmentation pattern ------------------------------------------------

mmlabctl fragment --order 0 --type movable --keep-every 2 >frag.out 2>&1 &
fpid=$!
pids="$pids $fpid"
if wait_holding frag.out $fpid; then
	ok "fragment fills the region and holds every 2nd page"
else
	not_ok "fragment fills the region and holds every 2nd page"
fi
diag "$(cat frag.out)"
held=$(held_pages frag.out)
held=${held:-0}
filled=$(awk '$1 == "filled" { print $2 }' frag.out)
filled=${filled:-0}
check "fragment held pages" test "$held" -gt 0
check_accounting "fragmented" "$held"
o0=$(buddy_order 0)
diag "order-0 free blocks $o0, freed by fragment $((filled - held))"
check "buddyinfo shows the holes as order-0 blocks (>= half of those freed)" \
	test "$((o0 * 2))" -ge "$((filled - held))"
check "pagetypeinfo has a Movable free-list row" \
	grep -q "type *Movable" $D/pagetypeinfo
check "pagetypeinfo has the pageblock counts" \
	grep -q "^Number of blocks type" $D/pagetypeinfo
diag "$(cat $D/buddyinfo)"

stop $fpid
mmlabctl drain >/dev/null
is "closing the file gives every page back (free after drain)" \
	"$(buddy_free $NODE)" "$start_free"
is "the region merges back to its order-$top blocks" \
	"$(buddy_order $top)" "$start_top"

# --- Watermarks -------------------------------------------------------------

old_mfk=
if [ -w $D/min_free_kbytes ]; then
	old_mfk=$(cat $D/min_free_kbytes)
	# A min watermark of about 1/16 of the region, for a clear margin.
	kb=$((region_pages * 4 / 16))
	echo "$kb" >$D/min_free_kbytes 2>/dev/null ||
		diag "could not write $kb to min_free_kbytes"
fi
wmin=$(zone_field min)
wlow=$(zone_field low)
diag "watermarks: min $wmin low $wlow high $(zone_field high)"
if [ "${wmin:-0}" -gt 0 ]; then
	mmlabctl hold --count $region_pages --nowarn --quiet >hold.out 2>&1 &
	hpid=$!
	pids="$pids $hpid"
	wait_holding hold.out $hpid
	diag "$(cat hold.out)"
	mmlabctl drain >/dev/null
	free=$(zone_field "pages free")
	diag "free after filling to the watermark: $free (min $wmin, boost $(zone_field boost))"
	check "a normal fill stops near min (free <= low)" \
		test "$free" -le "$wlow"
	mmlabctl drain >/dev/null
	check "a normal allocation is refused at the min watermark (exit 1)" \
		sh -c 'mmlabctl alloc --nowarn >/dev/null 2>&1; [ $? = 1 ]'
	diag "before --high: free $(zone_field "pages free") boost $(zone_field boost)"
	if mmlabctl alloc --high >high.out 2>&1; then
		ok "a --high allocation still succeeds"
	else
		not_ok "a --high allocation still succeeds"
		diag "$(cat high.out)"
		diag "$(grep -E '^ +(pages free|boost|min|node_unreclaimable)' $D/zoneinfo)"
		diag "$(dmesg | grep -E 'mmlab' | tail -n 5)"
		diag "$(cat $D/pagetypeinfo)"
	fi
	diag "after --high: free $(zone_field "pages free") boost $(zone_field boost)"
	check "an --atomic allocation still succeeds" \
		sh -c 'mmlabctl alloc --atomic >/dev/null'
	stop $hpid
else
	skip "a normal allocation is refused at the min watermark" "min is 0"
	skip "a --high allocation still succeeds" "min is 0"
fi
if [ -n "$old_mfk" ]; then
	echo "$old_mfk" >$D/min_free_kbytes
	is "min_free_kbytes restored" "$(cat $D/min_free_kbytes)" "$old_mfk"
fi
mmlabctl drain >/dev/null
is "free pages back to the start after the watermark test" \
	"$(buddy_free $NODE)" "$start_free"

# --- Trace -------------------------------------------------------------------

E=$T/events/mmlab
if [ -d $E/mm_page_alloc ]; then
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 1 >$E/mm_page_alloc/enable
	echo 1 >$E/mm_page_free/enable
	echo 1 >$T/tracing_on
	out=$(mmlabctl alloc --order 2 --type movable)
	echo 0 >$T/tracing_on
	echo 0 >$E/mm_page_alloc/enable
	echo 0 >$E/mm_page_free/enable
	pfn=$(echo "$out" | awk '$3 == "pfn" { print $4; exit }')
	diag "mmlabctl: $out"
	diag "$(grep -E "pfn=${pfn:-none} " $T/trace | head -4)"
	check "mmlabctl alloc printed a pfn" test -n "$pfn"
	check "trace: mm_page_alloc shows that pfn at order 2, movable" \
		grep -qE "mm_page_alloc: pfn=$pfn order=2 migratetype=1 " $T/trace
	check "trace: mm_page_free shows it freed on close" \
		grep -qE "mm_page_free: pfn=$pfn order=2" $T/trace
	echo >$T/trace
	echo 1 >$T/tracing_on
else
	skip "trace: mm_page_alloc shows the pfn" "no $E/mm_page_alloc"
fi

done_testing
