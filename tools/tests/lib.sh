# SPDX-License-Identifier: GPL-2.0
# TAP helpers for mmlab's in-guest tests (busybox sh). Source it:
#   . ./lib.sh
#   plan N
# then call ok/not_ok/check/subtest/... and finish with `done_testing`.
#
# The plan comes first: `plan N` prints "1..N" before any case, N the
# number of cases the test reports when it runs to its end (computed
# before the first case when it depends on the board). tools/check fails
# a test whose first TAP line is not its plan, that reports fewer or more
# cases than planned (a test that stops early or is killed cannot lose
# cases silently), or that exits non-zero.

_n=0
_failed=0
_plan=

# plan N: the plan, printed first.
plan() {
	_plan=$1
	echo "1..$1"
}

# bail_out REASON: the test cannot go on (a precondition failed). Prints
# "Bail out! REASON", which tools/check counts as a failure, and exits 1.
bail_out() {
	echo "Bail out! $*"
	exit 1
}

ok() {
	_n=$((_n + 1))
	echo "ok $_n - $*"
}

not_ok() {
	_n=$((_n + 1))
	_failed=$((_failed + 1))
	echo "not ok $_n - $*"
}

skip() {
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}

diag() {
	echo "$*" | sed 's/^/# /'
}

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds.
check() {
	_desc=$1
	shift
	if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi
}

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  '$2'"
		diag "want: '$3'"
	fi
}

# dmesg_since MARK: the kernel log lines after the line containing MARK.
dmesg_mark() {
	_mark="mmlab-test-mark-$$-$_n-$(date +%s)"
	echo "$_mark" >/dev/kmsg
	echo "$_mark"
}

dmesg_since() {
	dmesg | sed -n "/$1/,\$p" | sed 1d
}

# module_log MARK MODULE: the lines MODULE logged since MARK, without
# timestamps and the loader's taint notes. Busybox insmod retries with
# init_module() when finit_module() fails, so a refused load runs the
# module's init twice: repeated lines are folded into one.
module_log() {
	dmesg_since "$1" | sed 's/^\[[^]]*\] //' | grep "^$2: " |
		grep -v 'taints kernel\|verification failed' | awk '!seen[$0]++'
}

# refuse_load WHAT MODULE KO ERRNO-TEXT LOG-PATTERN [PARAM]: `insmod KO
# [PARAM]` must fail, with ERRNO-TEXT in busybox's message, and MODULE
# must log exactly one line, matching LOG-PATTERN (grep). Four cases;
# $refuse_mark is left at the log mark made before the insmod.
refuse_load() {
	refuse_mark=$(dmesg_mark)
	if [ $# -gt 5 ]; then
		out=$(insmod "$3" "$6" 2>&1)
	else
		out=$(insmod "$3" 2>&1)
	fi
	rc=$?
	log=$(module_log "$refuse_mark" "$2")
	if [ $rc -ne 0 ]; then
		ok "$1: load refused"
	else
		not_ok "$1: load refused"
		rmmod "$2"
	fi
	case "$out" in
	*"$4"*) ok "$1: $4" ;;
	*) not_ok "$1: $4"; diag "insmod: $out" ;;
	esac
	n=$(echo "$log" | grep -c .)
	is "$1: one log line" "$n" 1
	[ "$n" = 1 ] || diag "$log"
	if echo "$log" | grep -q -- "$5"; then
		ok "$1: log says '$5'"
	else
		not_ok "$1: log says '$5'"
		diag "$log"
	fi
}

# buddy_free [NODE]: free pages in mmlab's buddyinfo, the sum of
# count << order, of region NODE (default: every region).
buddy_free() {
	awk -v n="${1:+$1,}" '$1 == "Node" && (n == "" || $2 == n) {
		p = 1
		for (i = 5; i <= NF; i++) { t += $i * p; p *= 2 } }
		END { print t + 0 }' /sys/kernel/debug/mmlab/buddyinfo
}

# drained_buddy_free [NODE]: the same, once the per-CPU lists are drained.
drained_buddy_free() {
	echo 1 > /sys/kernel/debug/mmlab/drain
	buddy_free "$@"
}

# --- Readers of mmlab's debugfs files ----------------------------------------
# They read /sys/kernel/debug/mmlab at the time of the call; those of one
# region's rows take it from $NODE (0 if unset).

MMLAB_DEBUGFS=/sys/kernel/debug/mmlab

# vmstat KEY: a counter of the vmstat file, empty if there is none.
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' $MMLAB_DEBUGFS/vmstat
}

# vmstat_field KEY: the same, 0 if there is none.
vmstat_field() {
	awk -v f="$1" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' \
		$MMLAB_DEBUGFS/vmstat
}

# settle: shrink every cache, then drain the per-CPU lists.
settle() {
	for c in $(ls $MMLAB_DEBUGFS/slab); do
		echo 1 > $MMLAB_DEBUGFS/slab/$c/shrink
	done
	echo 1 > $MMLAB_DEBUGFS/drain
}

# Pages of every slab slabinfo lists: num_slabs x pagesperslab.
slabinfo_pages() {
	awk 'NR > 2 { t += $15 * $6 } END { print t + 0 }' $MMLAB_DEBUGFS/slabinfo
}

# Free pages in pagetypeinfo's free-list rows of region $NODE, all types.
pagetype_free() {
	awk -v n="${NODE:-0}," '$1 == "Node" && $2 == n && $5 == "type" {
		p = 1
		for (i = 7; i <= NF; i++) { s += $i * p; p *= 2 }
	} END { print s + 0 }' $MMLAB_DEBUGFS/pagetypeinfo
}

# zone_field FIELD: the first value of a zoneinfo line of region $NODE:
# "pages free", "min", "low", "spanned" ...
zone_field() {
	awk -v n="${NODE:-0}," -v f="$1" '
		$1 == "Node" { in_node = ($2 == n); next }
		!in_node { next }
		f == "pages free" && $1 == "pages" && $2 == "free" { print $3; exit }
		$1 == f { print $2; exit }' $MMLAB_DEBUGFS/zoneinfo
}

# Pages on region $NODE's per-CPU lists: the sum of the pagesets' "count:"
# lines (zoneinfo lists those of the online CPUs).
pcp_pages() {
	awk -v n="${NODE:-0}," '
		$1 == "Node" { in_node = ($2 == n); next }
		in_node && $1 == "count:" { s += $2 }
		END { print s + 0 }' $MMLAB_DEBUGFS/zoneinfo
}

# info_field FIELD: a field of region $NODE in `mmlabctl info`.
info_field() {
	mmlabctl info | awk -v f="$1" -v n="${NODE:-0}" \
		'$1 == "region" && $2 == n { for (i = 3; i < NF; i++) if ($i == f) print $(i + 1) }'
}

# --- CPU hotplug ---------------------------------------------------------------

CPU1_ONLINE=/sys/devices/system/cpu/cpu1/online

# cpu1 0|1: take cpu1 offline or bring it online.
cpu1() {
	echo "$1" > $CPU1_ONLINE 2>/dev/null
}

# need_cpu1_hotplug: cpu1 goes offline and online here (one case), or the
# test bails out: every board has two CPUs and CPU hotplug
# (docs/developing.md), so a board where it does not work is broken.
need_cpu1_hotplug() {
	if [ ! -e $CPU1_ONLINE ]; then
		not_ok "cpu1 goes offline and online"
		bail_out "no $CPU1_ONLINE (one CPU, or cpu1 cannot go offline)"
	fi
	if ! cpu1 1 || ! cpu1 0; then
		cpu1 1
		not_ok "cpu1 goes offline and online"
		bail_out "cpu1 cannot be taken offline on this kernel"
	fi
	cpu1 1
	ok "cpu1 goes offline and online"
}

# --- Opt-in device tree nodes (arm64) ------------------------------------------
# tools/tests/test_nodes.dtsi adds regions the tests need, opt-in: their
# compatible "mmlab,test-region" binds to nothing by itself.

DT_DEVICES=/sys/bus/platform/devices

# dt_enable NODE...: mmlab_core's driver (mmlab-region) binds these nodes at
# its next load.
dt_enable() {
	for _node; do
		echo mmlab-region > "$DT_DEVICES/$_node/driver_override" || return 1
	done
}

# dt_disable_all: no opt-in node binds any more (from the next load of
# mmlab_core on; unload it first to let go of those bound now).
dt_disable_all() {
	for _d in "$DT_DEVICES"/*; do
		grep -qs 'mmlab,test-region' "$_d/of_node/compatible" || continue
		echo > "$_d/driver_override"
	done
}

# wait_holding FILE PID: wait until the background `mmlabctl hold` PID has
# printed its "holding" line into FILE; fails if it exits first.
wait_holding() {
	i=0
	while [ $i -lt 600 ]; do
		grep -q '^holding ' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.2 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	return 1
}

# load_with_cma SPEC: reload the whole module set, mmlab_cma with cma=SPEC.
load_with_cma() {
	mmlab-unload >/dev/null 2>&1
	for m in mmlab_core mmlab_buddy mmlab_slub; do
		mmlab-load $m >/dev/null || return 1
	done
	mmlab-load mmlab_cma "cma=$1" >/dev/null && mmlab-load mmlab_fault >/dev/null
}

# reap: kill and wait for the background processes listed in $pids.
reap() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}

# subtest NAME CMD...: run CMD, a TAP program that prints its plan first
# (a C test program, tools/tests/testlib.h), as a subtest: "# Subtest:
# NAME" and CMD's output (stdout and stderr) indented by four spaces, then
# one case NAME of this test (see subtest_verdict). CMD's output is kept in
# NAME.tap. tools/check reads the indented lines as cases too ("NAME: ...").
# "# report" and "# seed" lines stay unindented: `make stress` reads them
# as the test's (docs/developing.md).
subtest() {
	_st_name=$1
	shift
	echo "    # Subtest: $_st_name"
	{ "$@" 2>&1; echo "$?" >"$_st_name.rc"; } | tee "$_st_name.tap" |
		_subtest_indent
	subtest_verdict "$_st_name" "$_st_name.tap" "$(cat "$_st_name.rc" 2>/dev/null)"
}

# subtest_output NAME FILE RC: the same for a TAP program that already ran
# (in the background, say) with its output in FILE and exit status RC.
subtest_output() {
	echo "    # Subtest: $1"
	_subtest_indent <"$2"
	subtest_verdict "$1" "$2" "$3"
}

_subtest_indent() {
	sed -e '/^# report /b' -e '/^# seed /b' -e 's/^/    /'
}

# subtest_verdict NAME FILE RC: one case NAME, which passes when FILE's
# first TAP line is its plan, every planned case and no more is there,
# none failed, the program did not bail out and its exit status RC is 0.
subtest_verdict() {
	_st_why=$(awk -v rc="${3:-none}" '
		/^Bail out!/ { bail = $0 }
		/^1\.\.[0-9]+/ {
			if (plan != "" || n) early = 1
			if (plan == "") { plan = substr($1, 4) + 0; skip = /# *SKIP/ }
			next
		}
		/^(not )?ok( |$)/ { n++; if (plan == "") early = 1 }
		/^not ok/ { bad++ }
		END {
			if (bail != "") print bail
			else if (plan == "") print "no plan"
			else if (early) print "the plan is not its first TAP line"
			else if (skip || plan == 0) print "it planned no case"
			else if (n != plan) printf "%d of %d planned cases reported\n", n, plan
			else if (bad) printf "%d of %d cases failed\n", bad, n
			else if (rc != "0") print "exit status " rc
		}' "$2")
	if [ -z "$_st_why" ]; then
		ok "$1"
	else
		not_ok "$1: $_st_why"
	fi
}

# done_testing: the end of the test; its status is the script's exit status
# (run it last): 0 when the plan was printed, every planned case reported
# and none failed.
done_testing() {
	if [ -z "$_plan" ]; then
		echo "# no plan: the test must call 'plan N' before its first case"
		return 1
	fi
	if [ "$_n" != "$_plan" ]; then
		echo "# planned $_plan cases, reported $_n"
		return 1
	fi
	[ "$_failed" = 0 ]
}
