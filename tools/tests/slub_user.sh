# SPDX-License-Identifier: GPL-2.0
#
# Caches, objects, vmalloc areas, CMA ranges and compaction from user space,
# through one `mmlabctl script -` session fed by a fifo: slabinfo and the
# cache's slab/ files agree with the objects allocated and freed, the debug
# flags show, the kernel's class for 96 bytes (kmalloc-96 on x86_64,
# kmalloc-128 on arm64: the smallest plain kmalloc-N of /proc/slabinfo with
# N >= 96) counts the objects of `kmalloc 96`, vmallocinfo lists each area
# (size with its guard page, pages=N, a caller in mmlab_fault) until vfree,
# cma/<area>/used follows CMA_ALLOC and CMA_RELEASE, compaction moves the
# compact_* counters, a cache with objects is not destroyed, and once the
# file is closed everything is gone and the buddy has every page back.

. ./lib.sh

plan 67

D=/sys/kernel/debug/mmlab
S=$D/slab
AREA=utest
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	exec 3>&- 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

# slab FIELD CACHE: field FIELD of CACHE's slabinfo row.
slab() {
	awk -v c="$2" -v f="$1" '$1 == c { print $f }' $D/slabinfo
}

# kernel_class BYTES: the running kernel's kmalloc class for BYTES, the
# smallest plain kmalloc-N of /proc/slabinfo with N >= BYTES (N from the
# name: the kernel's objsize column includes its debug metadata).
kernel_class() {
	awk -v want="$1" '$1 ~ /^kmalloc-[0-9]+k?$/ {
		n = substr($1, 9); b = n + 0
		if (n ~ /k$/)
			b *= 1024
		if (b >= want && (best == "" || b < size)) { best = $1; size = b }
	} END { print best }' /proc/slabinfo
}

mark=$(dmesg_mark)
check "the module set loads with cma=16M:$AREA" load_with_cma 16M:$AREA
check "mmlab_fault uses mmlab_slub" sh -c "grep '^mmlab_slub ' /proc/modules | grep -q mmlab_fault"
check "mmlab_fault uses mmlab_cma" sh -c "grep '^mmlab_cma ' /proc/modules | grep -q mmlab_fault"
pgsz=$(mmlabctl info | awk '$1 == "page_size" { print $2 }')
check "page size known ($pgsz)" test "${pgsz:-0}" -gt 0

settle
free0=$(buddy_free)
k96class=$(kernel_class 96)
k96=$(slab 2 "$k96class")

# --- The session -------------------------------------------------------------
rm -f cmds out err
mkfifo cmds
mmlabctl script - < cmds > out 2> err &
pid=$!
exec 3> cmds
_s=0

# step CMDS: send CMDS and wait until the session has run them.
step() {
	_s=$((_s + 1))
	echo "$*; echo @step$_s" >&3
	_i=0
	while ! grep -q "^@step$_s\$" out; do
		kill -0 $pid 2>/dev/null || return 1
		_i=$((_i + 1))
		[ $_i -gt 1200 ] && return 1
		sleep 0.1
	done
}

N=100
check "cache create ut 192 align=64; obj alloc ut $N" \
	step "cache create ut 192 align=64; obj alloc ut $N"
opl=$(cat $S/ut/objs_per_slab)
order=$(cat $S/ut/order)
ssize=$(cat $S/ut/slab_size)
is "slabinfo active_objs is $N" "$(slab 2 ut)" $N
is "slab/ut/objects is $N" "$(awk '{ print $1 }' $S/ut/objects)" $N
is "slabinfo objsize is slab_size" "$(slab 4 ut)" "$ssize"
check "slab_size is 192 rounded up to align 64 ($ssize)" \
	test "$ssize" -ge 192 -a $((ssize % 64)) = 0
is "slabinfo objperslab is objs_per_slab" "$(slab 5 ut)" "$opl"
is "slabinfo pagesperslab is 2^order" "$(slab 6 ut)" $((1 << order))
check "objs_per_slab fits a slab ($opl x $ssize in $((pgsz << order)))" \
	test "$opl" -ge 1 -a $((opl * ssize)) -le $((pgsz << order))
slabs=$(slab 15 ut)
is "num_objs is num_slabs x objperslab" "$(slab 3 ut)" $((slabs * opl))
check "num_slabs holds $N objects ($slabs slabs)" \
	test $((slabs * opl)) -ge $N -a $(((slabs - 1) * opl)) -lt $((N + opl))
is "total_objects is num_objs" "$(awk '{ print $1 }' $S/ut/total_objects)" "$(slab 3 ut)"

check "obj free ut 40; cache shrink ut" step "obj free ut 40; cache shrink ut"
is "active_objs is $((N - 40)) after freeing 40" "$(slab 2 ut)" $((N - 40))
slabs2=$(slab 15 ut)
is "num_objs still num_slabs x objperslab" "$(slab 3 ut)" $((slabs2 * opl))
check "after shrink, slabs ($slabs2) hold $((N - 40)) and are no more than before" \
	test $((slabs2 * opl)) -ge $((N - 40)) -a "$slabs2" -le "$slabs"

check "cache create utdbg 100 debug=FZPU; obj alloc utdbg 10" \
	step "cache create utdbg 100 debug=FZPU; obj alloc utdbg 10"
for f in sanity_checks red_zone poison store_user; do
	is "utdbg $f is on" "$(cat $S/utdbg/$f)" 1
done
check "utdbg alloc_calls: 10 objects from mmlab_fault" \
	sh -c "grep -E '^ *10 .*mmlab_fault' $S/utdbg/alloc_calls >/dev/null"
is "utdbg active_objs is 10" "$(slab 2 utdbg)" 10

check "kmalloc 96 10" step "kmalloc 96 10"
is "$k96class active_objs rose by 10" "$(slab 2 "$k96class")" $((k96 + 10))

# --- vmalloc -------------------------------------------------------------------
check "vmalloc 40000; vmalloc 4096; vmalloc 1" step "vmalloc 40000; vmalloc 4096; vmalloc 1"
vlines() {
	grep 'mmlab_fault' $D/vmallocinfo | grep 'pages=' | grep -v unpurged
}
diag "$(vlines)"
is "vmallocinfo lists three areas from mmlab_fault" "$(vlines | wc -l)" 3
p40=$(((40000 + pgsz - 1) / pgsz))
check "the 40000-byte area: $(((p40 + 1) * pgsz)) bytes with its guard page, pages=$p40" \
	sh -c "vlines() { grep mmlab_fault $D/vmallocinfo | grep -v unpurged; }; vlines | awk '\$2 == $(((p40 + 1) * pgsz)) && / pages=$p40 / && / vmalloc/ { f = 1 } END { exit !f }'"
is "two one-page areas of 2 pages with guard" \
	"$(vlines | awk -v s=$((2 * pgsz)) '$2 == s && / pages=1 / { n++ } END { print n + 0 }')" 2
check "vmallocinfo shows no raw kernel address" \
	sh -c "! grep -qiE 'ffff[0-9a-f]{12}' $D/vmallocinfo"
check "vfree last" step "vfree last"
is "two areas left after vfree" "$(vlines | wc -l)" 2
check "held counts the session" step "held"
is "held: 2 caches, $((N - 40 + 10 + 10)) objects, 2 areas, 0 CMA" \
	"$(grep '^held ' out | tail -1 | awk '{ print $3, $5, $7, $9 }')" "2 $((N - 40 + 10 + 10)) 2 0"

# --- CMA ---------------------------------------------------------------------------
A=$D/cma/$AREA
base=$(cat $A/base_pfn)
count=$(cat $A/count)
check "cma alloc $AREA 512" step "cma alloc $AREA 512"
is "cma/$AREA/used is 512" "$(cat $A/used)" 512
pfn=$(grep "^cma $AREA handle" out | tail -1 | awk '{ print $6 }')
check "its pfn ($pfn) lies in the area" \
	test $((pfn)) -ge "$base" -a $((pfn + 512)) -le $((base + count))
check "cma alloc $AREA 256 align=8" step "cma alloc $AREA 256 align=8"
pfn=$(grep "^cma $AREA handle" out | tail -1 | awk '{ print $6 }')
is "that pfn is 256-aligned" $((pfn % 256)) 0
is "used is 768" "$(cat $A/used)" 768
check "cma release last" step "cma release last"
is "used is 512 after the release" "$(cat $A/used)" 512
check "mmlabctl cma lists the area" sh -c "mmlabctl cma | grep -qE '^$AREA +0x'"

# --- Compaction ------------------------------------------------------------------
ms0=$(vmstat compact_migrate_scanned)
fs0=$(vmstat compact_free_scanned)
check "compact" step "compact"
line=$(grep '^compact regions' out | tail -1)
diag "$line"
ms=$(echo "$line" | awk '{ print $7 }')
ms1=$(vmstat compact_migrate_scanned)
fs1=$(vmstat compact_free_scanned)
check "compact ran on every region" sh -c "echo '$line' | grep -q 'regions [1-9]'"
check "compact_migrate_scanned moved ($ms0 -> $ms1) by at least the $ms reported" \
	test $((ms1 - ms0)) -ge "$ms" -a "$ms1" -gt "$ms0"
check "compact_free_scanned did not go back ($fs0 -> $fs1)" test "$fs1" -ge "$fs0"
ms0=$ms1
check "mmlabctl compact 0 (one-shot)" sh -c "mmlabctl compact 0 | grep -q '^compact regions 1 '"
check "  ... moved compact_migrate_scanned again" test "$(vmstat compact_migrate_scanned)" -gt "$ms0"

# --- A cache with objects is not destroyed ---------------------------------------
m=$(dmesg_mark)
mmlabctl run "cache create utbusy 64; obj alloc utbusy 1; cache destroy utbusy" > busy.out 2>&1
is "destroy with a live object fails (exit 1)" "$?" 1
check "  ... with EBUSY" grep -q 'Device or resource busy' busy.out
is "  ... and one log line" "$(dmesg_since "$m" | grep -c 'mmlab_fault: cache_destroy: utbusy has 1 objects')" 1
check "  ... and the cache went with the file" sh -c "! grep -q '^utbusy ' $D/slabinfo"
mmlabctl run "cache create kmalloc-x 64" > bad.out 2>&1
is "a kmalloc-* name is refused (exit 1)" "$?" 1
check "  ... with EINVAL" grep -q 'Invalid argument' bad.out
mmlabctl run "cache create" > bad.out 2>&1
is "a short command is a usage error (exit 2)" "$?" 2

# --- Close: everything goes ----------------------------------------------------------
exec 3>&-
wait $pid
rc=$?
pid=
is "the session exits 0" "$rc" 0
grep -q . err && diag "$(cat err)"
check "ut and utdbg left slabinfo" sh -c "! grep -qE '^(ut|utdbg) ' $D/slabinfo"
check "their slab/ directories are gone" test ! -e $S/ut -a ! -e $S/utdbg
is "$k96class active_objs is back" "$(slab 2 "$k96class")" "$k96"
is "no vmalloc area of mmlab_fault is left" "$(vlines | wc -l)" 0
is "cma/$AREA/used is 0" "$(cat $A/used)" 0
settle
free1=$(buddy_free)
diag "free pages before: $free0, after: $free1"
is "the buddy has every page back" "$free1" "$free0"

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive'" - "$log"
mmlab-unload >/dev/null 2>&1
mmlab-load >/dev/null 2>&1
done_testing
