# SPDX-License-Identifier: GPL-2.0
#
# Watermark boosting, as 6.1's boost_watermark(): the knob
# watermark_boost_factor (15000 by default, 0 allowed, negative refused
# with EINVAL and one log line); mmlab_cma's compaction_proactiveness
# (0..100); then boost_test: a fragmenting fallback shows a boost in
# zoneinfo with min, low and high raised by it, kswapd reclaims it back
# to 0 and wakes kcompactd (compact_daemon_wake, the trace). kcompactd's
# own proactive runs are off meanwhile, so that only kswapd wakes it.

. ./lib.sh

D=/sys/kernel/debug/mmlab
P=/sys/module/mmlab_cma/parameters/compaction_proactiveness

plan 9
mark=$(dmesg_mark)

is "watermark_boost_factor is 15000 by default" "$(cat $D/watermark_boost_factor)" 15000
check "watermark_boost_factor takes 0" sh -c "echo 0 > $D/watermark_boost_factor"
is "and reads 0" "$(cat $D/watermark_boost_factor)" 0
m=$(dmesg_mark)
out=$(sh -c "echo -1 > $D/watermark_boost_factor" 2>&1)
case "$out" in
*"Invalid argument"*) ok "a negative factor is refused with EINVAL" ;;
*) not_ok "a negative factor is refused with EINVAL"; diag "$out" ;;
esac
is "with one log line" "$(module_log "$m" mmlab_buddy | grep -c 'watermark_boost_factor')" 1
echo 15000 > $D/watermark_boost_factor

pro=$(cat $P)
check "compaction_proactiveness refuses 101" sh -c "! echo 101 > $P 2>/dev/null"
is "compaction_proactiveness is still $pro" "$(cat $P)" "$pro"
echo 0 > $P

echo 1 > $D/drain
n=$(($(vmstat nr_free_pages) - 350))
subtest boost boost_test $n
echo "$pro" > $P
grep -E '^(pageoutrun|compact_|extfrag)' $D/vmstat | sed 's/^/# /'

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
done_testing
