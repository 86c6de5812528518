# SPDX-License-Identifier: GPL-2.0
#
# Stress (issue 8): the module set reloaded with a CMA area, then `stress`
# runs several processes for STRESS_SECONDS (20 by default; `make stress`
# gives more) mixing page blocks, cache objects, kmalloc, vmalloc, CMA
# allocations and releases, compaction, checksummed /dev/mmlab mappings,
# forks with copy-on-write checks and munmap, while a holder keeps the
# region near its low watermark so that kswapd runs; rmmod of the modules
# in use is refused all along. With STRESS_FAIL_SECONDS > 0, a second run
# with every fail_* point at STRESS_FAIL_PROB percent. Afterwards: kswapd
# ran, not one corrupted byte, the region's free pages are back, no slab
# row of the run's caches, no vmalloc area of mmlab_fault, CMA used 0, no
# splat. "# report KEY VALUE" lines feed docs/reliability.md.

. ./lib.sh

D=/sys/kernel/debug/mmlab
AREA=stress
SECS=${STRESS_SECONDS:-20}
FSECS=${STRESS_FAIL_SECONDS:-6}
FPROB=${STRESS_FAIL_PROB:-2}
NPROC=${STRESS_NPROC:-3}
POINTS="fail_page_alloc fail_slab fail_vmalloc fail_cma fail_fault fail_rmap"
pids=

cleanup() {
	reap
	for p in $POINTS; do
		echo 0 > $D/$p/probability 2>/dev/null
		echo 1 > $D/$p/verbose 2>/dev/null
	done
}
trap cleanup EXIT

report() {
	echo "# report $*"
}

settle() {
	for c in $(ls $D/slab); do echo 1 > $D/slab/$c/shrink; done
	drained_buddy_free
}

kswapd_runs() {
	echo $(($(vmstat pageoutrun) + $(vmstat kswapd_low_wmark_hit_quickly) + \
		$(vmstat kswapd_high_wmark_hit_quickly)))
}

# The run under load: 3 cases and 4 of leaks; under faults 2 and 4; and 3.
plan $((FSECS > 0 ? 16 : 10))
mark=$(dmesg_mark)
check "the module set loads with cma=16M:$AREA" load_with_cma 16M:$AREA

free0=$(settle)
low=$(awk '$1 == "low" { t += $2 } END { print t + 0 }' $D/zoneinfo)
diag "free pages at rest: $free0; low watermarks: $low"
report board "$MMLAB_ARCH-$MMLAB_KERNEL"
report region_pages "$free0"
report low_wmark "$low"

# run NAME SECONDS: stress with rmmod attempts alongside; TAP folded in.
run() {
	k0=$(kswapd_runs)
	rm -f "$1.out"
	stress "$2" $NPROC $AREA "$low" > "$1.out" 2>&1 &
	spid=$!
	pids=$spid
	tries=0
	refused=0
	# Hold /dev/mmlab open while rmmod is tried: when stress winds down its
	# workers close theirs before it exits, and an rmmod in that moment
	# would take the whole set away.
	exec 4</dev/mmlab
	sleep 1
	while kill -0 $spid 2>/dev/null; do
		for m in mmlab_fault mmlab_cma mmlab_slub mmlab_buddy mmlab_core; do
			tries=$((tries + 1))
			rmmod $m 2>/dev/null || refused=$((refused + 1))
		done
		sleep 2
	done
	wait $spid
	rc=$?
	exec 4<&-
	pids=
	subtest_output "$1" "$1.out" "$rc"
	check "$1: every rmmod attempt ($tries) was refused" test "$refused" = "$tries" -a "$tries" -gt 0
	k1=$(kswapd_runs)
	# Under injected faults the holder may not get below low: count only.
	[ "$1" = load ] &&
		check "$1: kswapd ran (pageoutrun and hit-quickly $k0 -> $k1)" test "$k1" -gt "$k0"
	sed -n 's/^# count /# report '"$1"' /p' "$1.out"
	report "$1" procs "$((NPROC + 1))"
	report "$1" seconds "$2"
	report "$1" rmmod_refused "$refused/$tries"
	report "$1" kswapd_runs "$((k1 - k0))"
}

# leaks NAME: everything the run held is back.
leaks() {
	free1=$(settle)
	is "$1: the region's free pages are back ($free0)" "$free1" "$free0"
	rows=$(grep -c '^stress-' $D/slabinfo)
	is "$1: no slabinfo row of the run's caches" "$rows" 0
	vms=$(grep mmlab_fault $D/vmallocinfo | grep -vc unpurged)
	is "$1: no vmalloc area of mmlab_fault" "$vms" 0
	is "$1: CMA used is 0" "$(cat $D/cma/$AREA/used)" 0
	report "$1" leaked_pages "$((free0 - free1))"
	report "$1" leaked_slab_rows "$rows"
	report "$1" leaked_vmalloc_areas "$vms"
	report "$1" cma_used_after "$(cat $D/cma/$AREA/used)"
}

run load "$SECS"
leaks load

if [ "$FSECS" -gt 0 ]; then
	for p in $POINTS; do
		echo 0 > $D/$p/verbose
		echo 0 > $D/$p/space
		echo -1 > $D/$p/times
		echo 1 > $D/$p/interval
		i0=$(cat $D/$p/injected)
		eval "inj0_$p=$i0"
		echo "$FPROB" > $D/$p/probability
	done
	run faults "$FSECS"
	for p in $POINTS; do
		echo 0 > $D/$p/probability
		echo 1 > $D/$p/times
		echo 1 > $D/$p/verbose
		eval "i0=\$inj0_$p"
		report faults "injected_$p" "$(($(cat $D/$p/injected) - i0))"
	done
	leaks faults
fi

log=$(dmesg_since "$mark")
splats=$(echo "$log" | grep -cE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive')
is "the log shows no splat" "$splats" 0
report splats "$splats"
check "the modules unload" mmlab-unload
mmlab-load >/dev/null 2>&1
done_testing
