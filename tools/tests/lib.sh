# SPDX-License-Identifier: GPL-2.0
# TAP helpers for mmlab's in-guest tests (busybox sh). Source it:
#   . ./lib.sh
# then call ok/not_ok/check/... and finish with `done_testing`.

_n=0
_failed=0

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

# need_cpu1_hotplug: true if cpu1 goes offline and online here (one case);
# otherwise one SKIP case with the reason, and false.
need_cpu1_hotplug() {
	if [ ! -e $CPU1_ONLINE ]; then
		skip "cpu1 offline and online" "no $CPU1_ONLINE (one CPU, or cpu1 cannot go offline)"
		return 1
	fi
	if ! cpu1 1 || ! cpu1 0; then
		skip "cpu1 offline and online" "cpu1 cannot be taken offline on this kernel"
		cpu1 1
		return 1
	fi
	cpu1 1
	ok "cpu1 goes offline and online"
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

done_testing() {
	echo "1..$_n"
	[ "$_failed" = 0 ]
}
