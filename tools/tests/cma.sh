# SPDX-License-Identifier: GPL-2.0
#
# mmlab_cma in the guest: the cma= parameter refuses bad areas with the
# right errno and one log line; a process's /dev/mmlab pages spread over a CMA
# area survive allocations of most of the area (which migrate them),
# releases and compactions running while it verifies every byte
# (cma_test verify), and their pfns move; a fragmented region gets its
# high orders back by compaction (cma_test frag), and by kcompactd alone
# when the whole region is fragmented (cma_test kcompactd), as far as
# compaction_proactiveness asks (cma_test proactive), and an allocation
# compacting for a block captures it (cma_test capture); the counters and the
# tracepoints saw it; the log shows no splat.

. ./lib.sh

D=/sys/kernel/debug/mmlab
A=$D/cma/test
T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing
pids=
buf0=

cleanup() {
	reap
	echo 0 > $T/events/mmlab/enable 2>/dev/null
	[ -z "$buf0" ] || echo "$buf0" > $T/buffer_size_kb
}
trap cleanup EXIT

plan 55
mark=$(dmesg_mark)

# --- Reload mmlab_cma with areas -------------------------------------------
rmmod mmlab_fault 2>/dev/null
rmmod mmlab_cma 2>/dev/null

# refuse PARAM ERRNO-TEXT WORDS: insmod fails with the errno (busybox
# prints its text) and the log has one line that says WORDS.
refuse() {
	refuse_load "cma $1" mmlab_cma /mmlab/modules/mmlab_cma.ko "$2" "$3" "$1"
}
EINVAL="Invalid argument"
EBUSY="Device or resource busy"
refuse cma=0 "$EINVAL" "size is zero"
refuse cma=5M "$EINVAL" "not a multiple of the pageblock size"
refuse cma=1G "$EINVAL" "larger than"
refuse cma=4M@4M:x:y:z "$EINVAL" "bad area"
refuse cma=8M@32M:a,8M@36M:b "$EBUSY" "overlaps CMA area a"
refuse cma=4M:6M "$EINVAL" "not a power of two"

check "mmlab_cma loads with cma=24M:test" mmlab-load mmlab_cma cma=24M:test
check "mmlab_fault loads" mmlab-load mmlab_fault
check "debugfs has the area's files" \
	sh -c "cd $A && ls alloc free count order_per_bit used maxchunk base_pfn bitmap >/dev/null"
count=$(cat $A/count)
is "count is the area's pages" "$count" $((24 << 20 >> 12))
is "used is 0" "$(cat $A/used)" 0
is "maxchunk is the whole area" "$(cat $A/maxchunk)" "$count"

for e in cma_alloc_start cma_alloc_finish cma_alloc_busy_retry cma_release \
	 mm_migrate_pages mm_compaction_begin mm_compaction_end; do
	echo 1 > $T/events/mmlab/$e/enable
done
# Room for every event of the run: thousands of migrations must not
# overwrite the first cma_alloc_start.
buf0=$(cut -d' ' -f1 $T/buffer_size_kb)
echo 8192 > $T/buffer_size_kb
echo > $T/trace
echo 1 > $T/tracing_on

s0=$(vmstat cma_alloc_success)
m0=$(vmstat pgmigrate_success)

# --- User pages over the area, checked while the area is taken --------------
rm -f ready stop
cma_test verify test 8192 > verify.out 2>&1 &
pids="$pids $!"
vpid=$!
i=0
while [ ! -e ready ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "cma_test mapped and filled its pages" test -e ready

most=$((count * 5 / 6))
good=0
for round in 1 2 3; do
	echo $most > $A/alloc && good=$((good + 1))
	echo all > $D/compact
	echo $most > $A/free
	echo 512 > $A/alloc && echo 0 > $D/compact && echo 512 > $A/free
done
is "three allocations of $most pages (most of the area) succeeded" "$good" 3
check "a last allocation of $most pages succeeds" sh -c "echo $most > $A/alloc"
is "used shows it" "$(cat $A/used)" "$most"
touch stop
wait $vpid
vrc=$?
pids=
subtest_output verify verify.out "$vrc"
echo $most > $A/free
is "used is 0 after free" "$(cat $A/used)" 0

s1=$(vmstat cma_alloc_success)
m1=$(vmstat pgmigrate_success)
check "cma_alloc_success counted the allocations ($s0 -> $s1)" test $((s1 - s0)) -ge 7
check "pgmigrate_success counted migrations ($m0 -> $m1)" test "$m1" -gt "$m0"
check "the trace has cma_alloc_start" grep -q 'cma_alloc_start: name=test' $T/trace
check "the trace has cma_alloc_finish" grep -q 'cma_alloc_finish: name=test pfn=' $T/trace
check "the trace has cma_release" grep -q 'cma_release: name=test' $T/trace
check "the trace has mm_migrate_pages" grep -q 'mm_migrate_pages: nr_succeeded=' $T/trace
check "the trace has mm_compaction_begin/end" grep -q 'mm_compaction_end: zone_start=' $T/trace
check "the trace lost no event" grep -q '^# entries-in-buffer/entries-written: \([0-9]*\)/\1 ' $T/trace

# --- Bad debugfs input ------------------------------------------------------------
m=$(dmesg_mark)
check "alloc refuses 0" sh -c "! echo 0 > $A/alloc 2>/dev/null"
check "alloc refuses more than the area" sh -c "! echo $((count + 1)) > $A/alloc 2>/dev/null"
check "compact refuses a bad node" sh -c "! echo 9 > $D/compact 2>/dev/null"
check "extfrag_threshold refuses 1001" sh -c "! echo 1001 > $D/extfrag_threshold 2>/dev/null"
is "each refusal logged one line" "$(dmesg_since "$m" | grep -c mmlab_cma)" 4

# --- Fragment, compact, high orders come back ------------------------------------
subtest frag cma_test frag 6144

# --- kcompactd: holes over the whole region, nobody asks -----------------------
# Nearly every free page mapped (the region stays above its high
# watermark), seven of eight unmapped by pfn: no block of order 9 is left,
# the fragmentation score is above its mark, and kcompactd must act on its
# own: within a minute, since a run that kswapd interrupted rests 32 s.
echo 1 > $D/drain
n=$(($(vmstat nr_free_pages) - 400))
subtest kcompactd cma_test kcompactd $n 60

# --- Proactive compaction scales with compaction_proactiveness -----------------
echo 1 > $D/drain
n=$(($(vmstat nr_free_pages) - 400))
subtest proactive cma_test proactive $n 60

# --- Direct compaction captures its block ---------------------------------------
echo 1 > $D/drain
n=$(($(vmstat nr_free_pages) - 400))
subtest capture cma_test capture $n pageblock
echo 1 > $D/drain
n=$(($(vmstat nr_free_pages) - 400))
subtest capture_below cma_test capture $n below
grep -E '^(compact_|pgmigrate|cma_alloc)' $D/vmstat | sed 's/^/# /'

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
echo "$log" | grep -E 'mmlab_cma' | tail -20 | sed 's/^/# /'
done_testing
