# SPDX-License-Identifier: GPL-2.0
#
# Lifetime of the modules: rmmod is refused while something still uses a
# module (an open /dev/mmlab, a mapping of it, a module that depends on it)
# and succeeds once it is gone; a CMA allocation held through debugfs is
# given back when mmlab_cma unloads; an open debugfs file of an unloaded
# module fails its reads instead of touching freed memory; the modules
# unload in every order the dependencies allow, the region's free pages
# are the same after each reload, and the log shows no splat.

. ./lib.sh

plan 34

D=/sys/kernel/debug/mmlab
NODE=0
pids=

cleanup() {
	reap
}
trap cleanup EXIT

loaded() {
	grep -q "^$1 " /proc/modules
}

# refused MODULE WHY: rmmod fails and the module stays.
refused() {
	if rmmod "$1" 2>/dev/null; then
		not_ok "rmmod $1 refused while $2"
		mmlab-load >/dev/null 2>&1
		return
	fi
	check "rmmod $1 refused while $2" loaded "$1"
}

# Wait until FILE has a line matching RE (a background helper is ready).
wait_for() {
	i=0
	while [ $i -lt 300 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.2 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	return 1
}

mark=$(dmesg_mark)
# Modules outside the set (a benchmark) would hold ours.
for m in $(awk '$1 ~ /^mmlab_/ { print $1 }' /proc/modules); do
	case $m in
	mmlab_core|mmlab_buddy|mmlab_slub|mmlab_cma|mmlab_fault) ;;
	*) rmmod "$m" 2>/dev/null ;;
	esac
done
check "the module set is loaded" mmlab-load
free0=$(drained_buddy_free $NODE)
diag "region $NODE free pages at rest: $free0"

# --- Refused while in use --------------------------------------------------------
# DEPMAP: "MODULE DEPENDENCY" lines of the set, from each .ko's .modinfo
# strings (busybox modinfo needs a modules.dep the board lacks), read once:
# busybox tr takes seconds over a module with debug info.
SET="mmlab_core mmlab_buddy mmlab_slub mmlab_cma mmlab_fault"
DEPMAP=$(for m in $SET; do
	tr '\0' '\n' < /mmlab/modules/$m.ko | sed -n 's/^depends=//p' |
		tr ',' '\n' | sed "s/^/$m /"
done)

# depends MODULE: the modules MODULE.ko depends on, one per line.
depends() {
	echo "$DEPMAP" | awk -v m="$1" '$1 == m && NF == 2 { print $2 }'
}

# users MODULE: the modules of the set that depend on MODULE.
users() {
	for u in $SET; do
		depends "$u" | grep -qx "$1" && echo "$u"
	done
}

is "mmlab_fault.ko depends on mmlab_slub and mmlab_cma" \
	"$(depends mmlab_fault | grep -c '^mmlab_slub$\|^mmlab_cma$')" 2
for m in $SET; do
	u=$(users "$m" | tr '\n' ' ')
	[ -n "$u" ] && refused "$m" "${u% } use it"
done

# gone PID FILE: PID has exited; say what it printed (why rmmod could go).
gone() {
	kill -0 "$1" 2>/dev/null && return 1
	wait "$1"
	diag "pid $1 is gone (exit $?): $(cat "$2")"
}

mmlabctl hold --count 2 >hold.out 2>&1 &
hp=$!
pids="$pids $hp"
check "a process holds blocks through /dev/mmlab" wait_for hold.out '^holding '
refused mmlab_fault "/dev/mmlab is open"
gone "$hp" hold.out || kill "$hp"
wait "$hp" 2>/dev/null

# A mapping without an open file: the vma holds the file.
fail_test hold 4 60 >map.out 2>&1 &
mp=$!
pids="$pids $mp"
check "a process maps /dev/mmlab and closes the fd" wait_for map.out '^mapped'
refused mmlab_fault "a mapping exists"
gone "$mp" map.out || kill "$mp"
wait "$mp" 2>/dev/null
is "blocks and mappings gone: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

# --- An open debugfs file outlives its module ----------------------------------
check "rmmod mmlab_fault once unused" rmmod mmlab_fault
exec 3<$D/fail_cma/probability
check "rmmod mmlab_cma with its debugfs file open" rmmod mmlab_cma
check "reading that file now fails" sh -c '! cat <&3 >/dev/null 2>&1'
exec 3<&-
check "mmlab_cma and mmlab_fault load again" sh -c 'mmlab-load mmlab_cma && mmlab-load mmlab_fault'

# --- CMA allocations at unload -----------------------------------------------------
rmmod mmlab_fault
rmmod mmlab_cma
free1=$(drained_buddy_free $NODE)	# without mmlab_fault's zero page
if mmlab-load mmlab_cma cma=4M:lt; then
	check "a CMA allocation is held through debugfs" sh -c "echo 64 > $D/cma/lt/alloc"
	is "the area has 64 pages used" "$(cat $D/cma/lt/used)" 64
	# Nothing holds the module by its allocation (a debugfs allocation
	# pins no reference): rmmod succeeds, and the unload gives the pages
	# back.
	if rmmod mmlab_cma 2>/dev/null; then
		ok "rmmod mmlab_cma with an allocation held: unloads"
		is "the held CMA pages were given back" "$(drained_buddy_free $NODE)" "$free1"
	else
		not_ok "rmmod mmlab_cma with an allocation held: unloads"
		echo 64 > $D/cma/lt/free
		check "rmmod mmlab_cma once freed" rmmod mmlab_cma
	fi
else
	not_ok "mmlab_cma loads with cma=4M:lt"
fi
mmlab-load >/dev/null 2>&1

# --- Every unload order ------------------------------------------------------------
# Each order of the three upper modules, then buddy and core: an rmmod is
# refused exactly when a module still loaded depends on the one removed.
for order in "mmlab_fault mmlab_cma mmlab_slub" "mmlab_fault mmlab_slub mmlab_cma" \
	     "mmlab_cma mmlab_fault mmlab_slub" "mmlab_cma mmlab_slub mmlab_fault" \
	     "mmlab_slub mmlab_fault mmlab_cma" "mmlab_slub mmlab_cma mmlab_fault"; do
	mmlab-load >/dev/null 2>&1
	fine=1
	for m in $order mmlab_buddy mmlab_core; do
		busy=
		for u in $(users "$m"); do
			loaded "$u" && busy="$busy $u"
		done
		if rmmod "$m" 2>/dev/null; then
			[ -z "$busy" ] || { fine=0; diag "$m unloaded under$busy"; }
		else
			[ -n "$busy" ] || { fine=0; diag "$m refused with no user"; }
			mmlab-unload >/dev/null 2>&1
			break
		fi
	done
	is "unload order $order: every rmmod as the dependencies say" "$fine" 1
	check "unload order $order: no mmlab module left" \
		sh -c "! grep -q '^mmlab_' /proc/modules"
done
check "load all again" mmlab-load
is "after the reloads: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
done_testing
