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

done_testing() {
	echo "1..$_n"
	[ "$_failed" = 0 ]
}
