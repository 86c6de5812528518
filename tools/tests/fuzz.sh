# SPDX-License-Identifier: GPL-2.0
#
# Fuzzer (issue 8): the module set reloaded with a CMA area, then `fuzz`
# for FUZZ_SECONDS (20 by default; `make stress` gives more): random
# ioctls, mmap/munmap/mremap/mprotect/madvise/fork sequences on /dev/mmlab
# and random writes to every writable debugfs file, with its seed printed
# for a replay. fuzz reports the rounds that completed and those killed by
# a signal; none may die of SIGSEGV (fuzz only unmaps, protects and remaps
# what it mapped from /dev/mmlab). Afterwards the kernel is healthy: the
# fail_* points are at their defaults, CMA used is 0, no vmalloc area of
# mmlab_fault is left, the region's free pages are back, the log shows no
# splat and the modules unload.

. ./lib.sh

D=/sys/kernel/debug/mmlab
AREA=fuzz
SECS=${FUZZ_SECONDS:-20}
POINTS="fail_page_alloc fail_slab fail_vmalloc fail_cma fail_fault fail_rmap"

settle() {
	for c in $(ls $D/slab); do echo 1 > $D/slab/$c/shrink; done
	drained_buddy_free
}

plan 14
mark=$(dmesg_mark)
check "the module set loads with cma=8M:$AREA" load_with_cma 8M:$AREA
free0=$(settle)
mfk=$(cat $D/min_free_kbytes)
wsf=$(cat $D/watermark_scale_factor)
diag "free pages at rest: $free0"

subtest fuzz fuzz "$SECS"

# report KEY: the value of fuzz's "# report fuzz KEY N" line (empty if
# there is none, which fails the comparisons below).
report() {
	sed -n "s/^# report fuzz $1 \([0-9]*\)\$/\1/p" fuzz.tap
}
rounds=$(report rounds)
completed=$(report rounds_completed)
killed=$(report rounds_killed_by_signal)
diag "rounds $rounds: $completed completed, $killed killed by a signal" \
	"($(report rounds_killed_by_sigbus) SIGBUS," \
	"$(report rounds_killed_by_sigkill) SIGKILL)"
check "fuzz reported its rounds" test -n "$rounds" -a -n "$completed" -a -n "$killed"
# fuzz never unmaps, protects or remaps its own memory: a SIGSEGV is mmlab's.
is "no round died of SIGSEGV" "$(report rounds_killed_by_sigsegv)" 0
is "no forked child died of SIGSEGV" "$(report forks_killed_by_sigsegv)" 0
check "most rounds completed ($completed of $rounds)" \
	test "${completed:-0}" -gt 0 -a $((${completed:-0} * 2)) -gt "${rounds:-0}"

is "the fail_* points are back at their defaults" \
	"$(for p in $POINTS; do cat $D/$p/probability $D/$p/times; done | tr '\n' ' ')" \
	"$(for p in $POINTS; do printf '0 1 '; done)"
is "min_free_kbytes is back" "$(cat $D/min_free_kbytes)" "$mfk"
is "watermark_scale_factor is back" "$(cat $D/watermark_scale_factor)" "$wsf"
is "CMA used is 0" "$(cat $D/cma/$AREA/used)" 0
vms=$(grep mmlab_fault $D/vmallocinfo | grep -vc unpurged)
is "no vmalloc area of mmlab_fault is left" "$vms" 0
free1=$(settle)
is "the region's free pages are back ($free0)" "$free1" "$free0"
echo "# report fuzz leaked_pages $((free0 - free1))"
echo "# report fuzz leaked_vmalloc_areas $vms"

log=$(dmesg_since "$mark")
splats=$(echo "$log" | grep -cE 'BUG:|WARNING:|Oops|Call Trace|KASAN|INFO: |circular locking|possible recursive')
is "the log shows no splat" "$splats" 0
echo "# report fuzz splats $splats"
check "the modules unload" mmlab-unload
mmlab-load >/dev/null 2>&1
done_testing
