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
