# SPDX-License-Identifier: GPL-2.0
#
# mmlab_slub raced from user space (slub_race.c): processes of several
# threads, each thread with its own /dev/mmlab file, create and destroy
# caches, allocate and free objects of several caches and kmalloc sizes and
# vmalloc areas at once on every CPU, then the same with two groups pinned
# to cpu0 and cpu1 and sessions ending (their caches destroyed) while the
# others run. Afterwards: no cache of theirs is left, every kmalloc cache
# has its objects back, each cache validates, the region has every page
# back, and nr_slab_unreclaimable + nr_slab_reclaimable are the slab pages
# slabinfo lists, settled and while a process holds objects. Also: objects
# smaller than a pointer in a red-zoned cache keep their red zone through
# free and reuse (slub_race redzone).
# RACE_SECONDS sets each run's length (default 3). The kernel log is read
# from /dev/kmsg as it comes, so a long run cannot lose its start.
# mmlab-race: yes

. ./lib.sh

D=/sys/kernel/debug/mmlab
S=$D/slab
secs=${RACE_SECONDS:-3}
pids=
klog=
cleanup() {
	reap
	[ -n "$klog" ] && kill "$klog" 2>/dev/null
}
trap cleanup EXIT

# "name active_objs" of the kmalloc caches.
kmalloc_objs() {
	awk '$1 ~ /^kmalloc-/ { print $1, $2 }' $D/slabinfo
}

plan 15
cpus=$(grep -c '^processor' /proc/cpuinfo)
diag "$cpus CPUs online, $secs s per run"
[ "$cpus" -ge 2 ] || bail_out "$cpus CPU online: every board has two"
cat /dev/kmsg > klog.txt 2>/dev/null &
klog=$!
mark=$(dmesg_mark)
settle
free0=$(buddy_free)
objs0=$(kmalloc_objs)

subtest redzone slub_race redzone
subtest race_every_cpu slub_race race --procs 3 --threads 3 --seconds "$secs" \
	--name every_cpu

slub_race race --procs 2 --threads 2 --cpu 0 --sessions \
	--seconds "$secs" --name pinned_cpu0 > r0.out 2>&1 &
p0=$!
slub_race race --procs 2 --threads 2 --cpu 1 --sessions \
	--seconds "$secs" --name pinned_cpu1 > r1.out 2>&1 &
p1=$!
wait $p0
rc0=$?
wait $p1
rc1=$?
subtest_output pinned_cpu0 r0.out "$rc0"
subtest_output pinned_cpu1 r1.out "$rc1"

left=$(grep -cE '^(race|rz)-' $D/slabinfo)
is "no race-* or rz-* cache is left" "$left" 0
is "every kmalloc cache has its objects back" "$(kmalloc_objs)" "$objs0"
bad=
for c in $(ls $S); do
	echo 1 > $S/$c/validate 2>/dev/null || bad="$bad $c"
done
is "every cache validates" "${bad:-none}" none
settle
free1=$(buddy_free)
diag "free pages before: $free0, after: $free1"
is "the region has every page back" "$free1" "$free0"
diag "report slub_race leaked_pages $((free0 - free1))"
diag "report slub_race leaked_caches $left"
sum_objs() {
	awk '{ t += $2 } END { print t + 0 }'
}
diag "report slub_race leaked_objects $(($(kmalloc_objs | sum_objs) - $(echo "$objs0" | sum_objs)))"
counters() {
	echo $(($(vmstat nr_slab_unreclaimable) + $(vmstat nr_slab_reclaimable)))
}
is "settled: nr_slab_* is slabinfo's slab pages ($(slabinfo_pages))" \
	"$(counters)" "$(slabinfo_pages)"

# The counters while objects are held: slabs exist, each page counted.
slub_race hold > hold.out 2>&1 &
ph=$!
pids=$ph
if wait_holding hold.out $ph; then
	slab=$(slabinfo_pages)
	check "holding objects, slabinfo lists slab pages ($slab)" test "$slab" -gt 0
	is "holding: nr_slab_unreclaimable + nr_slab_reclaimable is slabinfo's slab pages" \
		"$(counters)" "$slab"
else
	not_ok "a process holds objects"
	diag "$(cat hold.out)"
fi
kill -USR1 $ph
wait $ph
is "it frees them and exits 0" "$?" 0
pids=
settle
is "released: the counters are slabinfo's slab pages again" \
	"$(counters)" "$(slabinfo_pages)"

sleep 1
kill "$klog" 2>/dev/null
wait "$klog" 2>/dev/null
klog=
check "the kernel log was read from the start ($mark)" grep -q "$mark" klog.txt
log=$(sed -n "/$mark/,\$p" klog.txt)
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive'" - "$log"
done_testing
