# SPDX-License-Identifier: GPL-2.0
#
# The page allocator and CPU hotplug (issue 14). A process pinned to cpu1
# allocates and frees blocks of every order there (buddy_race cycle), so
# cpu1's per-CPU lists hold pages; cpu1 goes offline: without a drain, the
# debugfs files must account for every page of the region (free lists,
# the per-CPU lists of the CPUs online, the reserved, slab and zero pages),
# and each CPU's high must be that of the CPUs online. cpu1 comes back with
# empty lists. Then the race: processes pinned to cpu0 and cpu1 allocate
# and free blocks of every order and type (buddy_race churn) for
# RACE_SECONDS while cpu1 goes offline and online, the per-CPU lists are
# drained and the watermarks (which per-CPU high follows) change; every
# page must be back afterwards. Last, the modules are unloaded and loaded
# again while cpu1 is offline, and cpu1 comes back under them. No bad page
# report, no splat. Needs a writable /sys/devices/system/cpu/cpu1/online
# (else it bails out: every board has CPU hotplug).
# mmlab-race: yes

. ./lib.sh

D=/sys/kernel/debug/mmlab
NODE=0
secs=${RACE_SECONDS:-4}
pids=
old_mfk=

cleanup() {
	reap
	[ -w "$CPU1_ONLINE" ] && echo 1 > "$CPU1_ONLINE" 2>/dev/null
	[ -n "$old_mfk" ] && echo "$old_mfk" > $D/min_free_kbytes 2>/dev/null
}
trap cleanup EXIT

# --- Readers of the debugfs files, as buddy_ops.sh reads them ----------------

# cpu_field CPU FIELD: CPU's "count:", "high:" or "batch:" in our zone's
# pagesets, empty if zoneinfo does not list CPU.
cpu_field() {
	awk -v n="$NODE," -v c="$1" -v f="$2:" '
		$1 == "Node" { in_node = ($2 == n); next }
		in_node && $1 == "cpu:" { in_cpu = ($2 == c); next }
		in_node && in_cpu && $1 == f { print $2; exit }' $D/zoneinfo
}

# The CPUs zoneinfo lists for our zone, space-separated.
listed_cpus() {
	awk -v n="$NODE," '
		$1 == "Node" { in_node = ($2 == n); next }
		in_node && $1 == "cpu:" { printf "%s%s", s, $2; s = " " }
		END { print "" }' $D/zoneinfo
}

# --- What must hold ------------------------------------------------------------

# account WHAT: without draining anything, every page of the region is on a
# free list, on the per-CPU list of an online CPU, reserved, a slab page or
# the zero page; none was taken out as bad. Sets $unaccounted.
account() {
	zero=0
	[ -d $D/fault ] && [ $NODE = 0 ] && zero=1
	bf=$(buddy_free $NODE)
	pf=$(pagetype_free)
	zf=$(zone_field "pages free")
	pcp=$(pcp_pages)
	bad=$(zone_field nr_bad_pages)
	slab=$(($(vmstat_field nr_slab_reclaimable) + $(vmstat_field nr_slab_unreclaimable)))
	total=$(zone_field spanned)
	reserved=$((total - $(zone_field managed)))
	unaccounted=$((total - bf - pcp - reserved - slab - zero))
	diag "$1: free lists $bf per-CPU $pcp reserved $reserved slab $slab zero $zero bad $bad spanned $total (CPUs listed: $(listed_cpus))"
	is "$1: pagetypeinfo's free pages = buddyinfo's" "$pf" "$bf"
	is "$1: zoneinfo's pages free = buddyinfo's" "$zf" "$bf"
	is "$1: no page taken out as bad" "${bad:-missing}" 0
	is "$1: every page free, on an online CPU's list, reserved, slab or zero page (no drain)" \
		"$unaccounted" 0
}

# expect_high WHAT: each online CPU's high is the low watermark shared by
# the CPUs online, at least 4 batches (6.1's zone_highsize()).
expect_high() {
	n=$(cat /sys/devices/system/cpu/online | tr ',' '\n' |
		awk -F- '{ n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n }')
	low=$(zone_field low)
	bad_cpus=
	for c in $(listed_cpus); do
		batch=$(cpu_field "$c" batch)
		want=$((low / n))
		[ "$want" -lt $((batch * 4)) ] && want=$((batch * 4))
		[ "$(cpu_field "$c" high)" = "$want" ] || bad_cpus="$bad_cpus cpu$c:$(cpu_field "$c" high)/$want"
	done
	is "$1: each CPU's high is low/$n CPUs (at least 4 batches)" "${bad_cpus:-none}" none
}

no_bad_page_log() {
	log=$(dmesg_since "$1")
	check "no bad page report" sh -c "! echo \"\$1\" | grep -q 'bad page state'" - "$log"
	check "the log shows no splat" \
		sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive'" - "$log"
}

# --- Preconditions ---------------------------------------------------------------

plan 50
need_cpu1_hotplug
mark=$(dmesg_mark)
is "the region's spanned pages = INFO's" "$(zone_field spanned)" "$(info_field pages)"
echo 1 > $D/drain
account "at rest"
expect_high "at rest"

# --- cpu1's lists hold pages, then cpu1 dies ----------------------------------------

subtest cycle_cpu1 buddy_race cycle 1
held=$(cpu_field 1 count)
diag "cpu1's per-CPU lists: ${held:-?} pages"
check "cpu1's per-CPU lists hold pages freed there" test "${held:-0}" -gt 0
check "cpu1 goes offline" cpu1 0
check "zoneinfo lists the online CPUs only (not cpu1)" \
	sh -c '! echo "$1" | grep -qw 1' - "$(listed_cpus)"
account "cpu1 offline"
expect_high "cpu1 offline"
check "cpu1 comes back" cpu1 1
is "cpu1 comes back with empty per-CPU lists" "$(cpu_field 1 count)" 0
account "cpu1 back"
expect_high "cpu1 back"

# --- The race ------------------------------------------------------------------------

old_mfk=$(cat $D/min_free_kbytes)
buddy_race churn 0 "$secs" 0x9e3779b9 > churn0.out 2>&1 &
p0=$!
buddy_race churn 1 "$secs" 0x85ebca6b > churn1.out 2>&1 &
p1=$!
pids="$p0 $p1"
flips=0
n=0
while kill -0 $p0 2>/dev/null || kill -0 $p1 2>/dev/null; do
	cpu1 0 && flips=$((flips + 1))
	echo 1 > $D/drain
	n=$((n + 1))
	echo $((old_mfk * (1 + n % 2))) > $D/min_free_kbytes
	sleep 0.05
	cpu1 1
	echo 1 > $D/drain
	sleep 0.05
done
wait $p0
rc0=$?
wait $p1
rc1=$?
pids=
echo "$old_mfk" > $D/min_free_kbytes
subtest_output churn_cpu0 churn0.out "$rc0"
subtest_output churn_cpu1 churn1.out "$rc1"
check "cpu1 went offline during the race ($flips times)" test "$flips" -gt 0
check "cpu1 is online again" grep -q 1 "$CPU1_ONLINE"
is "min_free_kbytes restored" "$(cat $D/min_free_kbytes)" "$old_mfk"
old_mfk=
account "after the race"
leaked=$unaccounted
expect_high "after the race"
allocs=$(cat churn0.out churn1.out | awk '$2 == "stats" { s += $4 } END { print s + 0 }')
diag "report buddy_race hotplug_cycles $flips"
diag "report buddy_race blocks_allocated $allocs"
diag "report buddy_race leaked_pages $leaked"

# --- Unload and load while cpu1 is offline ---------------------------------------------

check "cpu1 goes offline" cpu1 0
check "the module set unloads with cpu1 offline" sh -c 'mmlab-unload >/dev/null 2>&1'
check "and loads again" sh -c 'mmlab-load >/dev/null'
account "loaded with cpu1 offline"
expect_high "loaded with cpu1 offline"
check "cpu1 comes back" cpu1 1
is "cpu1 comes back with empty per-CPU lists" "$(cpu_field 1 count)" 0
account "loaded, cpu1 back"
expect_high "loaded, cpu1 back"

no_bad_page_log "$mark"
done_testing
