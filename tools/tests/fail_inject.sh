# SPDX-License-Identifier: GPL-2.0
#
# Fault injection in the guest (docs/fault-injection.md): every point has
# its debugfs knobs with the kernel's defaults and refuses bad writes with
# one log line; fail_page_alloc makes MMLAB_IOC_ALLOC_PAGES (mmlabctl
# alloc) fail with ENOMEM, the Nth call or every call; fail_fault makes a
# write to a /dev/mmlab mapping die of SIGBUS (fail_test); fail_cma makes
# the cma alloc file fail with ENOMEM; once the knobs are cleared
# everything works again, the region's free pages are back to their value
# and the log shows no splat.

. ./lib.sh

plan 68

D=/sys/kernel/debug/mmlab
NODE=0
POINTS="fail_page_alloc fail_slab fail_vmalloc fail_cma fail_fault fail_rmap"
KNOBS="probability interval times space verbose"

# Free pages in buddyinfo after draining the per-CPU lists.
# set POINT PROBABILITY INTERVAL TIMES: verbose 0, space 0.
set_point() {
	echo 0 > $D/$1/verbose
	echo 0 > $D/$1/space
	echo "$4" > $D/$1/times
	echo "$3" > $D/$1/interval
	echo "$2" > $D/$1/probability
}

clear_point() {
	set_point "$1" 0 1 1
	echo 1 > $D/$1/verbose
}

injected() {
	cat $D/$1/injected
}

# refuse POINT KNOB VALUE WORDS: the write fails, the value stays, one line.
refuse() {
	before=$(cat $D/$1/$2)
	m=$(dmesg_mark)
	if echo "$3" > $D/$1/$2 2>/dev/null; then
		not_ok "$1/$2 refuses '$3'"
		return
	fi
	is "$1/$2 refuses '$3' and keeps $before" "$(cat $D/$1/$2)" "$before"
	lines=$(module_log "$m" mmlab_core)
	is "$1/$2 '$3': one log line" "$(echo "$lines" | grep -c .)" 1
	case "$lines" in
	*"$4"*) ok "$1/$2 '$3': the line says '$4'" ;;
	*) not_ok "$1/$2 '$3': the line says '$4'"; diag "$lines" ;;
	esac
}

mark=$(dmesg_mark)

# --- Knobs ------------------------------------------------------------------
for p in $POINTS; do
	got=
	for k in $KNOBS injected; do
		[ -f $D/$p/$k ] && got="$got $k"
	done
	is "$p has its knobs" "$got" " $KNOBS injected"
	is "$p defaults: probability interval times space verbose" \
		"$(for k in $KNOBS; do cat $D/$p/$k; done | tr '\n' ' ')" "0 1 1 0 1 "
done
mode=$(ls -l $D/fail_page_alloc/probability | cut -c1-10)
is "knob files are root-only (0600)" "$mode" "-rw-------"

refuse fail_page_alloc probability 101 "out of range 0..100"
refuse fail_slab interval 0 "out of range 1.."
refuse fail_vmalloc times -2 "out of range -1.."
refuse fail_cma verbose 3 "out of range 0..2"
refuse fail_fault space -1 "out of range 0.."
refuse fail_fault interval abc "not a number"
refuse fail_page_alloc probability "" "not a number"
refuse fail_page_alloc injected 5 "read-only"

free0=$(drained_buddy_free $NODE)
diag "region $NODE free pages at rest: $free0"

# --- Page allocation: MMLAB_IOC_ALLOC_PAGES gets ENOMEM -----------------------
i0=$(injected fail_page_alloc)
set_point fail_page_alloc 100 1 -1
mmlabctl alloc --count 4 >alloc.out 2>alloc.err
rc=$?
is "fail_page_alloc every call: mmlabctl alloc fails" "$rc" 1
check "fail_page_alloc every call: the error is ENOMEM" \
	grep -q "Cannot allocate memory" alloc.err
is "fail_page_alloc every call: no block handed out" \
	"$(grep -c '^handle ' alloc.out)" 0
check "fail_page_alloc counted the failure" test "$(injected fail_page_alloc)" -gt "$i0"

set_point fail_page_alloc 100 3 1
mmlabctl alloc --count 5 >alloc.out 2>alloc.err
is "fail_page_alloc interval 3: the 3rd block fails, 2 handed out" \
	"$(grep -c '^handle ' alloc.out)" 2
clear_point fail_page_alloc
mmlabctl alloc --count 5 >alloc.out 2>alloc.err
is "fail_page_alloc cleared: mmlabctl alloc --count 5 succeeds" "$?" 0
is "fail_page_alloc cleared: 5 blocks" "$(grep -c '^handle ' alloc.out)" 5
is "page allocation: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

# --- Fault path: SIGBUS -----------------------------------------------------
set_point fail_fault 100 1 -1
fail_test poke >poke.out 2>&1
rc=$?
is "fail_fault: a write to a mapping dies of SIGBUS (status 135)" "$rc" 135
is "fail_fault every call: every write gets SIGBUS" \
	"$(fail_test touch 8)" "touched 0 sigbus 8"
is "fail_fault every call, shared mapping: every write gets SIGBUS" \
	"$(fail_test touch 8 shared)" "touched 0 sigbus 8"
set_point fail_fault 100 3 2
is "fail_fault interval 3 times 2: the 3rd and 6th writes get SIGBUS" \
	"$(fail_test touch 8)" "touched 6 sigbus 2"
clear_point fail_fault
is "fail_fault cleared: every write works" \
	"$(fail_test touch 8)" "touched 8 sigbus 0"
is "fault path: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

# fail_rmap: a page that cannot enter its object; the fault is retried.
inj0=$(injected fail_rmap)
set_point fail_rmap 100 2 3
is "fail_rmap interval 2 times 3: every write works (the faults retry)" \
	"$(fail_test touch 8)" "touched 8 sigbus 0"
is "fail_rmap: 3 failures injected" "$(($(injected fail_rmap) - inj0))" 3
clear_point fail_rmap
is "fail_rmap: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

# fail_page_alloc also reaches the fault path.
set_point fail_page_alloc 100 1 -1
is "fail_page_alloc reaches faults: every write gets SIGBUS" \
	"$(fail_test touch 4)" "touched 0 sigbus 4"
clear_point fail_page_alloc

# --- CMA: the alloc file gets ENOMEM, the area stays usable ------------------
rmmod mmlab_fault 2>/dev/null
rmmod mmlab_cma 2>/dev/null
if mmlab-load mmlab_cma cma=4M:fi && mmlab-load mmlab_fault; then
	ok "mmlab_cma and mmlab_fault reloaded with cma=4M:fi"
	A=$D/cma/fi
	set_point fail_cma 100 1 1
	err=$(sh -c "echo 16 > $A/alloc" 2>&1)
	rc=$?
	check "fail_cma: the alloc file fails" test "$rc" != 0
	case "$err" in
	*"Cannot allocate memory"*) ok "fail_cma: the error is ENOMEM" ;;
	*) not_ok "fail_cma: the error is ENOMEM"; diag "$err" ;;
	esac
	is "fail_cma: nothing used in the area" "$(cat $A/used)" 0
	is "fail_cma: one failure injected" "$(injected fail_cma)" 1
	check "fail_cma spent: the alloc file works" sh -c "echo 16 > $A/alloc"
	check "the free file gives it back" sh -c "echo 16 > $A/free"
	is "CMA: nothing used in the area" "$(cat $A/used)" 0
	clear_point fail_cma
	is "CMA: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"
else
	not_ok "mmlab_cma and mmlab_fault reloaded with cma=4M:fi"
fi

# --- Cleared: everything works ----------------------------------------------
for p in $POINTS; do
	clear_point "$p"
done
is "all cleared: writes work" "$(fail_test touch 16)" "touched 16 sigbus 0"
mmlabctl alloc --count 8 --order 2 >alloc.out 2>&1
is "all cleared: mmlabctl alloc works" "$?" 0
is "all cleared: free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
done_testing
