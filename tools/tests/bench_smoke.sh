# SPDX-License-Identifier: GPL-2.0
#
# Smoke run of every benchmark (issue 7) with tiny counts, so that the code
# cannot rot: mmlab_bench with every group, and fault_bench. Asserts that
# every row gave a figure on both sides (a number, above zero) and that
# bad parameters are refused with one log line. No timing assertion: the
# figures themselves are never compared.
# mmlab-vm: --region 120M

. ./lib.sh

ko=/mmlab/modules/mmlab_bench.ko
res=/sys/kernel/debug/mmlab/bench/results

# A kernel without a fine clock (the x86_64 lab kernel under TCG has only
# jiffies) times a tiny run as 0 ns: there a figure may be zero.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
case "$cs" in
*jiffies) coarse=1; diag "clocksource $cs: figures of 0 ns allowed" ;;
*) coarse=0 ;;
esac

# sane FILE GROUP MINROWS: every "row" line of GROUP has both sides with a
# figure above zero (or zero on a coarse clock), at least MINROWS rows, and
# there is no "fail" line.
sane() {
	awk -F, -v g="$2" -v min="$3" -v coarse="$coarse" '
		$1 == "fail" && $2 == g { bad++; print "# failed: " $0 }
		$1 == "row" && $2 == g {
			if ($7 !~ /^[0-9]+\.[0-9]+$/ || $6 + 0 <= 0 ||
			    $7 + 0 < 0 || (!coarse && $7 + 0 <= 0)) {
				bad++; print "# not sane: " $0
			}
			side[$3 "," $4] = 1; rows[$3] = 1
		}
		END {
			n = 0
			for (r in rows) {
				n++
				if (!side[r ",mmlab"] || !side[r ",kernel"]) {
					bad++; print "# one side missing: " r
				}
			}
			if (n < min) { bad++; print "# rows: " n " < " min }
			exit bad != 0
		}' "$1"
}

mark=$(dmesg_mark)
check "mmlab_bench loads and runs every group with tiny counts" \
	insmod $ko groups=all loops=200 vloops=20 vbusy=32 batch=256
cat $res >bench.out 2>/dev/null
check "the results end with '# end'" grep -q '^# end$' bench.out
check "the debug options are logged" grep -q '^# config init_on_alloc=' bench.out
check "pages: every row sane on both sides" sane bench.out pages 15
check "objects: every row sane on both sides" sane bench.out objects 37
check "vmalloc: every row sane on both sides" sane bench.out vmalloc 6
echo pages >/sys/kernel/debug/mmlab/bench/run
cat $res >bench2.out
check "writing 'pages' to run runs the pages group again" sane bench2.out pages 15
check "and only that group" sh -c '! grep -q "^row,objects" bench2.out'
check "an unknown group written to run is refused" \
	sh -c '! echo nosuch >/sys/kernel/debug/mmlab/bench/run 2>/dev/null'
check "mmlab_bench unloads" rmmod mmlab_bench

check "groups=nosuch is refused" sh -c "! insmod $ko groups=nosuch 2>/dev/null"
check "loops=0 is refused" sh -c "! insmod $ko loops=0 2>/dev/null"
check "repeat=1000 is refused" sh -c "! insmod $ko repeat=1000 2>/dev/null"
log=$(module_log "$mark" mmlab_bench)
# module_log folds repeated lines: the write and groups=nosuch give one.
is "one log line per refusal" \
	"$(echo "$log" | grep -c "unknown group 'nosuch'\|loops=0 out of range\|repeat=1000 out of range")" 3

check "fault_bench runs with tiny sizes" sh -c 'fault_bench -s 2 -c 2 -n 2 >fault.out'
check "faults: every row sane on both sides" sane fault.out faults 7
check "fault_bench refuses a bad size" sh -c '! fault_bench -s 0 2>/dev/null'

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
done_testing
