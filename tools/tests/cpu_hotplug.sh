# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug while mmlab_slub is busy. First a race: cpu1 goes offline and
# online again and again while groups of processes pinned to cpu0 and to
# cpu1 (slub_race race --sessions) allocate and free objects of several
# caches, kmalloc objects and vmalloc areas, and end sessions (destroying
# their caches), pinning themselves again after each offline. Then the
# case that used to leak: a process on cpu1 holds objects of its own cache
# (cpu1's CPU slab and CPU partial slabs) and kmalloc objects
# (slub_race hold), cpu1 goes offline, the process frees everything and
# closes its file while cpu1 is offline. Each time, once every cache is
# shrunk and the buddy drained, the region must have every page back, no
# cache of the workers is left, and the nr_slab_* counters must equal the
# slab pages slabinfo lists - with cpu1 still offline, and again once it
# is back. Needs a writable /sys/devices/system/cpu/cpu1/online (else it
# bails out: every board has CPU hotplug). RACE_SECONDS sets the race's length (default 3). The kernel log
# is read from /dev/kmsg as it comes, so a long run cannot lose its start.
# mmlab-race: yes

. ./lib.sh

D=/sys/kernel/debug/mmlab
secs=${RACE_SECONDS:-3}
pids=

klog=

cleanup() {
	reap
	[ -n "$klog" ] && kill "$klog" 2>/dev/null
	[ -w "$CPU1_ONLINE" ] && echo 1 > "$CPU1_ONLINE" 2>/dev/null
}
trap cleanup EXIT

# state: the numbers that must come back, on one line; sets $free.
state() {
	settle
	free=$(buddy_free)
	state="free=$free slab=$(slabinfo_pages)"
	state="$state counters=$(($(vmstat nr_slab_unreclaimable) + $(vmstat nr_slab_reclaimable)))"
	state="$state caches=$(grep -c '^race-' $D/slabinfo)"
}

plan 15
need_cpu1_hotplug

cat /dev/kmsg > klog.txt 2>/dev/null &
klog=$!
mark=$(dmesg_mark)
state
before=$state
free0=$free
diag "before: $before"

# --- The race ------------------------------------------------------------------
slub_race race --procs 2 --threads 2 --cpu 0 --sessions --seconds "$secs" \
	--name hotplug_cpu0 > r0.out 2>&1 &
p0=$!
slub_race race --procs 2 --threads 2 --cpu 1 --sessions --seconds "$secs" \
	--name hotplug_cpu1 > r1.out 2>&1 &
p1=$!
pids="$p0 $p1"
flips=0
while kill -0 $p0 2>/dev/null || kill -0 $p1 2>/dev/null; do
	cpu1 0 && flips=$((flips + 1))
	sleep 0.1
	cpu1 1
	sleep 0.1
done
wait $p0
rc0=$?
wait $p1
rc1=$?
pids=
subtest_output race_cpu0 r0.out "$rc0"
subtest_output race_cpu1 r1.out "$rc1"
check "cpu1 went offline during the race ($flips times)" test "$flips" -gt 0
check "cpu1 is online again" grep -q 1 "$CPU1_ONLINE"
state
diag "after the race: $state"
is "after the race: every page back, counters right, no cache left" \
	"$state" "$before"
diag "report race hotplug_cycles $flips"
diag "report race leaked_pages $((free0 - free))"

# --- Objects held on cpu1, freed while it is offline ----------------------------
slub_race hold --cpu 1 > hold.out 2>&1 &
ph=$!
pids=$ph
check "a process on cpu1 holds objects" wait_holding hold.out $ph
diag "$(cat hold.out)"
check "cpu1 goes offline under it" cpu1 0
kill -USR1 $ph
wait $ph
rc=$?
pids=
is "it frees everything and exits 0 with cpu1 offline" "$rc" 0
state
diag "cpu1 offline: $state"
is "cpu1 offline: every page back, counters right, no cache left" \
	"$state" "$before"
diag "report held_on_cpu1 leaked_pages_while_offline $((free0 - free))"
check "cpu1 comes back" cpu1 1
state
diag "cpu1 back: $state"
is "cpu1 back: every page back, counters right, no cache left" \
	"$state" "$before"
diag "report held_on_cpu1 leaked_pages $((free0 - free))"

sleep 1
kill "$klog" 2>/dev/null
wait "$klog" 2>/dev/null
klog=
check "the kernel log was read from the start ($mark)" grep -q "$mark" klog.txt
log=$(sed -n "/$mark/,\$p" klog.txt)
check "no cache destroy was refused" \
	sh -c "! echo \"\$1\" | grep -qE 'objects remaining|still allocated'" - "$log"
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive'" - "$log"
done_testing
