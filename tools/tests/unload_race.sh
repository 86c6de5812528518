# SPDX-License-Identifier: GPL-2.0
#
# rmmod while migration runs: each round loads the set with a CMA area,
# starts a process whose /dev/mmlab pages lie over the area (cma_test
# verify), CMA allocations and releases of most of the area, compaction of
# the region, then kills the process in the middle of it and unloads
# mmlab_fault and mmlab_cma as soon as they let go: migration may still
# hold the dead process's pages isolated, and must have given them back
# (through mmlab_fault's code) before mmlab_fault is gone. Afterwards
# every page of the region is free again, no pageblock is left isolated,
# and the log shows no splat. RACE_SECONDS bounds the rounds (at least 2).
# mmlab-race: yes

. ./lib.sh

plan 4

D=/sys/kernel/debug/mmlab
A=$D/cma/ur
secs=${RACE_SECONDS:-8}
pids=
trap reap EXIT

# free pages of region 0 after draining the per-CPU lists
free_now() {
	echo 1 > $D/drain
	awk '$1 == "nr_free_pages" { print $2 }' $D/vmstat
}

isolated_blocks() {
	awk '/^Number of blocks type/ { getline; print $NF; exit }' $D/pagetypeinfo
}

# rmmod_until_gone MODULE TRIES: rmmod MODULE until it is gone, TRIES
# times at most, 20 ms apart.
rmmod_until_gone() {
	i=0
	while grep -q "^$1 " /proc/modules && [ $i -lt "$2" ]; do
		rmmod "$1" 2>/dev/null || sleep 0.02
		i=$((i + 1))
	done
	! grep -q "^$1 " /proc/modules
}

mark=$(dmesg_mark)
mmlab-unload >/dev/null 2>&1
rounds=0
lost=0
unloads=0
busy_unloads=0
isolated=0
leaked=0
leaked_iso=0
end=$(($(date +%s) + secs))
while [ $rounds -lt 2 ] || [ "$(date +%s)" -lt $end ]; do
	rounds=$((rounds + 1))
	for m in mmlab_core mmlab_buddy mmlab_slub; do
		mmlab-load $m >/dev/null || break 2
	done
	free0=$(free_now)
	mmlab-load mmlab_cma cma=16M:ur >/dev/null || break
	mmlab-load mmlab_fault >/dev/null || break
	count=$(cat $A/count)
	most=$((count * 3 / 4))

	rm -f ready stop
	cma_test verify ur 2048 >/dev/null 2>&1 &
	vpid=$!
	i=0
	while [ ! -e ready ] && [ $i -lt 300 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	(while [ -e $A/alloc ]; do
		{ echo $most > $A/alloc && echo $most > $A/free; } 2>/dev/null
	done) &
	apid=$!
	(while [ -e $D/compact ]; do
		{ echo all > $D/compact; } 2>/dev/null
	done) &
	cpid=$!
	pids="$vpid $apid $cpid"
	sleep 0.$((rounds % 7 + 2))
	# The process dies while its pages are being migrated: mmlab_fault
	# may go as soon as its mapping is gone, migration or not.
	kill -9 $vpid 2>/dev/null
	rmmod_until_gone mmlab_fault 500 && unloads=$((unloads + 1))
	# mmlab_cma while its debugfs writers and kcompactd still run; each
	# open file holds the module, so it may take a few tries.
	rmmod_until_gone mmlab_cma 50 && busy_unloads=$((busy_unloads + 1))
	reap
	pids=
	rmmod_until_gone mmlab_cma 500 && unloads=$((unloads + 1))
	free1=$(free_now)
	[ "$free1" = "$free0" ] || {
		diag "round $rounds: free pages $free0 before, $free1 after"
		lost=$((lost + 1))
		leaked=$((leaked + ${free0:-0} - ${free1:-0}))
	}
	iso=$(isolated_blocks)
	[ "$iso" = 0 ] || {
		isolated=$((isolated + 1))
		leaked_iso=$((leaked_iso + ${iso:-1}))
	}
	mmlab-unload >/dev/null 2>&1
done
mmlab-load >/dev/null 2>&1

diag "report unload_race rounds $rounds"
diag "report unload_race cma_unloaded_while_busy $busy_unloads"
diag "report unload_race leaked_pages $leaked"
diag "report unload_race leaked_isolated_pageblocks $leaked_iso"
is "every round unloaded mmlab_fault and mmlab_cma ($rounds rounds)" \
	"$unloads" $((rounds * 2))
is "every page of the region free again after each unload" "$lost" 0
is "no pageblock left isolated" "$isolated" 0
log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive|Unable to handle'" - "$log"
echo "$log" | grep -E 'BUG|WARNING|Oops|Unable' | head -20 | sed 's/^/# /'
done_testing
