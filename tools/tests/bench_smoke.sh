# SPDX-License-Identifier: GPL-2.0
#
# Smoke run of every benchmark (issue 7) with tiny counts, so that the code
# cannot rot: mmlab_bench with every group, and fault_bench. Asserts that
# every row gave a figure on both sides (a number, above zero) and that
# bad parameters are refused with one log line. No timing assertion: the
# figures themselves are never compared.
# The contiguous rows (cma_bench) run on mmlab's side everywhere, and on
# the kernel's where it has CMA debugfs (the lab kernels, cma=16M). A
# small region and area (32 MiB, 8 MiB): cma_bench fills the region until
# user pages hold half the area, and every page costs milliseconds on a
# lab kernel under TCG (make bench runs the real sizes).
# mmlab-vm: --region 32M --mem 512M --append cma=16M

. ./lib.sh

# 27 cases, and 4 on the kernel's CMA area where it has CMA debugfs, else
# one skip.
if [ -d /sys/kernel/debug/cma/reserved ]; then
	plan 31
else
	plan 28
fi

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
# remote ROW: with two CPUs the row has figures, with one it is skipped.
remote() {
	if [ "$(grep -c ^processor /proc/cpuinfo)" -ge 2 ]; then
		grep -q "^row,$1,mmlab," bench.out &&
			grep -q "^row,$1,kernel," bench.out
	else
		grep -q "^# skip $1,mmlab: needs two online CPUs" bench.out
	fi
}
check "pages freed on another CPU: page_remote_free" \
	remote pages,page_remote_free
check "objects freed on another CPU: 64 B" \
	remote objects,kmem_cache_64_remote_free
check "objects freed on another CPU: 1 KiB" \
	remote objects,kmem_cache_1024_remote_free
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

# cmarow FILE SIDE PAGES: the row exists, every try succeeded, times sane.
cmarow() {
	awk -F, -v s="$2" -v n="$3" '
		$1 == "cma" && $2 == s && $3 == n {
			found = 1
			if ($5 != $4 || $6 + 0 <= 0 || $6 > $7 || $7 > $8 ||
			    $9 > $8 || $10 < 40 || $10 > 60) {
				print "# not sane: " $0; exit 1
			}
		}
		END { exit !found }' "$1"
}
# cleancheck FILE SIDE: pages were checked, none corrupted.
cleancheck() {
	grep -q "^cma_check,$2,[1-9][0-9]*,0\$" "$1"
}
if load_with_cma 8M:bench; then
	check "cma_bench runs on mmlab's area" \
		sh -c 'cma_bench -s mmlab -a bench -n 1,512 -t 2 >cma.out'
	sed 's/^/# /' cma.out
	check "cma: mmlab 1 page, both tries, sane times, area half full" \
		cmarow cma.out mmlab 1
	check "cma: mmlab 512 pages" cmarow cma.out mmlab 512
	check "cma: mmlab's user pages intact after migration" \
		cleancheck cma.out mmlab
else
	not_ok "the set reloads with cma=16M:bench"
	bail_out "the set does not reload with cma=16M:bench"
fi
check "cma_bench refuses an unknown area" \
	sh -c '! cma_bench -s mmlab -a nosuch 2>/dev/null'
check "cma_bench refuses an unknown side" \
	sh -c '! cma_bench -s other -a bench 2>/dev/null'
if [ -d /sys/kernel/debug/cma/reserved ]; then
	check "cma_bench runs on the kernel's area" \
		sh -c 'cma_bench -s kernel -a reserved -n 1,512 -t 2 >kcma.out'
	sed 's/^/# /' kcma.out
	check "cma: kernel 1 page" cmarow kcma.out kernel 1
	check "cma: kernel 512 pages" cmarow kcma.out kernel 512
	check "cma: the kernel's user pages intact" cleancheck kcma.out kernel
else
	skip "cma_bench on the kernel's area" "no CMA debugfs in this kernel"
fi

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
done_testing
