# SPDX-License-Identifier: GPL-2.0
#
# Tracing mmlab with trace-cmd: the board image has trace-cmd and it sees
# the mmlab events; `trace-cmd record -e mmlab` around a short experiment
# (page blocks of several orders, a read then a write fault on a
# /dev/mmlab mapping, a CMA allocation and release) shows exactly the
# events the experiment caused, for the pfns, orders, addresses and counts
# mmlabctl printed, every pfn inside the region; `mmlabctl trace start` /
# `trace stop` record in the background and summarize what `trace-cmd
# report` shows; they refuse clearly without trace-cmd, without a
# recording, and with one running.

. ./lib.sh

plan 59

T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing
pids=

cleanup() {
	mmlabctl trace stop >/dev/null 2>&1
	reap
	echo 0 > $T/events/mmlab/enable 2>/dev/null
	# Give the next test the usual module set.
	mmlab-unload >/dev/null 2>&1
	mmlab-load >/dev/null 2>&1
}
trap cleanup EXIT

lo=$((MMLAB_REGION_BASE >> 12))
hi=$(((MMLAB_REGION_BASE + MMLAB_REGION_SIZE) >> 12))

# norm FILE: `trace-cmd report` as "EVENT PID key=value...", one a line.
norm() {
	trace-cmd report -i "$1" 2>/dev/null | awk '{
		i = index($0, " ["); if (!i) next
		head = substr($0, 1, i - 1); n = split(head, h, "-"); pid = h[n]
		rest = substr($0, i + 2); j = index(rest, "]")
		if (!j || substr(rest, 1, j - 1) !~ /^[0-9]+$/) next
		rest = substr(rest, j + 1)
		split(rest, w, " "); ev = w[2]; sub(/:$/, "", ev)
		k = index(rest, " " ev ":")
		f = substr(rest, k + length(ev) + 2)
		gsub(/[ \t]+/, " ", f); sub(/^ /, "", f)
		print ev " " pid " " f }'
}

# Readers of norm's output, on stdin. AWK_LIB gives field F of a line and
# hex to number (busybox awk has no strtonum).
AWK_LIB='
function hex(s,   v, i, c) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c) return -1
		v = v * 16 + c - 1
	}
	return v
}
function f(name,   i) {
	for (i = 3; i <= NF; i++)
		if (index($i, name "=") == 1) return substr($i, length(name) + 2)
	return ""
}'

# count EVENT PID [AWK-CONDITION]: events of PID (or any pid for "*").
count() {
	awk -v e="$1" -v p="$2" "$AWK_LIB"'
		$1 == e && (p == "*" || $2 == p) && ('"${3:-1}"') { n++ }
		END { print n + 0 }'
}

# sorted "pfn order" pairs of EVENT by PID.
pfn_orders() {
	awk -v e="$1" -v p="$2" "$AWK_LIB"'
		$1 == e && $2 == p { print hex(f("pfn")), f("order") }' | sort -n
}

MAX_ORDER=$(mmlabctl info | awk '$1 == "max_order" { print $2 }')

if ! command -v trace-cmd >/dev/null 2>&1; then
	not_ok "trace-cmd is in the board image"
	bail_out "no trace-cmd"
fi
ok "trace-cmd is in the board image ($(command -v trace-cmd))"
ver=$(trace-cmd --version 2>&1 | grep 'trace-cmd version')
case "$ver" in
*"trace-cmd version"*) ok "trace-cmd --version runs: $ver" ;;
*) not_ok "trace-cmd --version runs"; diag "$ver" ;;
esac

check "an 8 MiB CMA area 'trace' loads" load_with_cma 8M:trace
events=$(trace-cmd list -e mmlab: 2>&1)
for e in mm_page_alloc mm_page_free mmlab_fault_zero mmlab_fault_new \
	 cma_alloc_start cma_alloc_finish cma_release mm_migrate_pages \
	 mm_compaction_end kmalloc; do
	case "$events" in
	*"mmlab:$e"*) ok "trace-cmd list -e shows mmlab:$e" ;;
	*) not_ok "trace-cmd list -e shows mmlab:$e"; diag "$events" ;;
	esac
done

# --- trace-cmd record around an experiment -------------------------------

cat > experiment.sh <<'EOF'
sh -c 'echo $$ > a0.pid; exec mmlabctl alloc --order 0 --count 5' > a0.out
sh -c 'echo $$ > a3.pid; exec mmlabctl alloc --order 3 --count 3' > a3.out
sh -c 'echo $$ > a5.pid; exec mmlabctl alloc --order 5 --count 2' > a5.out
mmlabctl fault > fault.out
mmlabctl run 'cma alloc trace 64; cma release last' > cma.out
EOF
trace-cmd record -o /tmp/rec.dat -e mmlab sh ./experiment.sh > record.out 2>&1
rc=$?
is "trace-cmd record -e mmlab sh ./experiment.sh exits 0" "$rc" 0
[ $rc = 0 ] || diag "$(tail -20 record.out)"
norm /tmp/rec.dat > rec.txt
diag "$(cut -d' ' -f1 rec.txt | sort | uniq -c)"
check "the report has events" test -s rec.txt

# The blocks of each `mmlabctl alloc`: one mm_page_alloc each, by that
# process, with the pfn and order it printed; the same for mm_page_free,
# when its file closed.
for kc in 0:5 3:3 5:2; do
	k=${kc%:*} c=${kc#*:}
	pid=$(cat a$k.pid)
	want=$(awk "$AWK_LIB"' $1 == "handle" { print hex($4), $6 }' a$k.out |
		sort -n)
	is "mmlabctl alloc --order $k --count $c got $c blocks" \
		"$(echo "$want" | grep -c .)" "$c"
	is "order $k: $c mm_page_alloc by pid $pid, at the pfns and order it printed" \
		"$(pfn_orders mm_page_alloc "$pid" < rec.txt)" "$want"
	is "order $k: $c mm_page_free by pid $pid, the same pfns and order" \
		"$(pfn_orders mm_page_free "$pid" < rec.txt)" "$want"
done

# A read then a write fault on one private page.
fpid=$(awk '$1 == "mapped" { print $NF }' fault.out)
raddr=$(awk '$2 == "read" { print $6 }' fault.out)
zpfn=$(awk '$2 == "read" { print $8 }' fault.out)
waddr=$(awk '$2 == "write" { print $6 }' fault.out)
npfn=$(awk '$2 == "write" { print $8 }' fault.out)
check "mmlabctl fault: read hit the zero page" grep -q 'read .* zero-page$' fault.out
is "the read: one mmlab_fault_zero by pid $fpid, at $raddr, pfn $zpfn" \
	"$(awk -v p="$fpid" "$AWK_LIB"'$1 == "mmlab_fault_zero" && $2 == p { print f("address"), f("pfn") }' rec.txt)" \
	"$raddr $zpfn"
is "the write: one mmlab_fault_new by pid $fpid, at $waddr, pfn $npfn" \
	"$(awk -v p="$fpid" "$AWK_LIB"'$1 == "mmlab_fault_new" && $2 == p { print f("address"), f("pfn") }' rec.txt)" \
	"$waddr $npfn"
is "no other fault kind" \
	"$(grep -c '^mmlab_fault_\(cow_copy\|cow_reuse\|map\) ' rec.txt)" 0
is "the new page came from one order-0 mm_page_alloc by pid $fpid" \
	"$(awk "$AWK_LIB"' $1 == "mm_page_alloc" && $2 == '"$fpid"' { print f("pfn"), f("order") }' rec.txt)" \
	"$npfn 0"

# The CMA allocation and its release.
cpfn=$(awk '$1 == "cma" && $2 == "trace" { print $6 }' cma.out)
check "mmlabctl got 64 pages of area trace" grep -q '^cma trace handle .* pages 64$' cma.out
is "one cma_alloc_start: name=trace count=64 align=0" \
	"$(awk "$AWK_LIB"' $1 == "cma_alloc_start" { print f("name"), f("count"), f("align") }' rec.txt)" \
	"trace 64 0"
is "one cma_alloc_finish at the pfn mmlabctl printed" \
	"$(awk "$AWK_LIB"' $1 == "cma_alloc_finish" { print f("name"), f("pfn"), f("count"), f("align") }' rec.txt)" \
	"trace $cpfn 64 0"
is "one cma_release of the same range" \
	"$(awk "$AWK_LIB"' $1 == "cma_release" { print f("name"), f("pfn"), f("count") }' rec.txt)" \
	"trace $cpfn 64"
is "no cma_alloc_busy_retry in an idle area" "$(count cma_alloc_busy_retry '*' < rec.txt)" 0

# Every pfn and order of the trace is sane. The awk programs print how
# many events they checked, so one that fails cannot pass.
nb=$(grep -c '^mm_page_\(alloc\|free\|pcpu_drain\) ' rec.txt)
is "all $nb mm_page_alloc, _free and _pcpu_drain: order in 0..$((MAX_ORDER - 1)), pfn in [$lo, $hi), aligned to its order" \
	"$(awk -v lo=$lo -v hi=$hi -v mo="$MAX_ORDER" "$AWK_LIB"'
		$1 ~ /^mm_page_(alloc|free|pcpu_drain)$/ {
			n++; p = hex(f("pfn")); o = f("order") + 0
			for (sz = 1, i = 0; i < o; i++) sz *= 2
			if (f("order") !~ /^[0-9]+$/ || o >= mo || o > 10 ||
			    p < lo || p + sz > hi || p % sz) { print; bad++ }
		} END { print n + 0, "checked", bad + 0, "bad" }' rec.txt)" \
	"$nb checked 0 bad"
nf=$(grep -c '^\(mmlab_fault_\|cma_alloc_finish \|cma_release \)' rec.txt)
is "all $nf fault and CMA events: pfn in [$lo, $hi)" \
	"$(awk -v lo=$lo -v hi=$hi "$AWK_LIB"'
		$1 ~ /^(mmlab_fault_|cma_alloc_finish|cma_release)/ {
			n++; p = hex(f("pfn"))
			if (p < lo || p >= hi) { print; bad++ }
		} END { print n + 0, "checked", bad + 0, "bad" }' rec.txt)" \
	"$nf checked 0 bad"
is "no failed allocation (pfn=0x0)" \
	"$(count mm_page_alloc '*' 'hex(f("pfn")) == 0' < rec.txt)" 0

# --- mmlabctl trace start / stop / summary --------------------------------

out=$(PATH=/mmlab/bin:/bin:/sbin mmlabctl trace start 2>&1)
rc=$?
is "trace start without trace-cmd in PATH: exit 1" "$rc" 1
case "$out" in
*"trace-cmd is not in PATH"*) ok "... saying trace-cmd is not in PATH" ;;
*) not_ok "... saying trace-cmd is not in PATH"; diag "$out" ;;
esac
out=$(mmlabctl trace stop 2>&1)
rc=$?
is "trace stop with no recording: exit 1" "$rc" 1
case "$out" in
*"no recording"*) ok "... saying there is no recording" ;;
*) not_ok "... saying there is no recording"; diag "$out" ;;
esac

out=$(mmlabctl trace start -o /tmp/bg.dat 2>&1)
rc=$?
is "trace start -o /tmp/bg.dat: exit 0" "$rc" 0
case "$out" in
*"records mmlab into /tmp/bg.dat"*) ok "... says what it records where" ;;
*) not_ok "... says what it records where"; diag "$out" ;;
esac
out=$(mmlabctl trace start -o /tmp/other.dat 2>&1)
rc=$?
is "a second trace start: exit 1" "$rc" 1
case "$out" in
*"already records into /tmp/bg.dat"*) ok "... naming the running recording" ;;
*) not_ok "... naming the running recording"; diag "$out" ;;
esac
mmlabctl alloc --order 4 --count 7 > bg-alloc.out
mmlabctl fault --pages 3 > bg-fault.out
mmlabctl trace stop > stop.out 2> stop.err
rc=$?
is "trace stop: exit 0" "$rc" 0
diag "$(cat stop.out stop.err)"
check "trace stop: trace-cmd stopped and wrote /tmp/bg.dat" \
	grep -q '^trace: trace-cmd (pid [0-9]*) stopped: /tmp/bg.dat, [1-9][0-9]* bytes$' stop.out
check "... the state is gone: trace stop again says no recording" \
	sh -c 'mmlabctl trace stop 2>&1 | grep -q "no recording"'
norm /tmp/bg.dat > bg.txt
# The summary's counts are the report's.
bad=
for e in $(cut -d' ' -f1 bg.txt | sort -u); do
	got=$(awk -v e="$e" '$1 == e && NF == 2 { print $2 }' stop.out)
	[ "$got" = "$(count "$e" '*' < bg.txt)" ] || bad="$bad $e:$got"
done
is "summary: one count per event, equal to the report's" "$bad" ""
is "summary: the events line totals them" \
	"$(awk '$1 == "events:" { print $2 }' stop.out)" "$(grep -c . bg.txt)"
check "summary: 7 blocks of order 4 allocated" grep -q '^alloc orders:.* 4:7 ' stop.out
check "summary: 7 blocks of order 4 freed" grep -q '^free orders:.* 4:7 ' stop.out
check "summary: 3 zero and 3 new faults" \
	grep -q '^faults: zero 3 new 3 cow_copy 0 cow_reuse 0 map 0$' stop.out
check "summary: no failed allocation" grep -q '^alloc orders:.* failed 0$' stop.out
sed 1d stop.out > stop.sum
mmlabctl trace summary /tmp/bg.dat > sum.out
is "trace summary FILE prints what trace stop printed" \
	"$(cmp -s stop.sum sum.out && echo same)" same

# Only the events asked for.
mmlabctl trace start -o /tmp/free.dat mmlab:mm_page_free > free-start.out 2>&1
is "trace start -o /tmp/free.dat mmlab:mm_page_free: exit 0" "$?" 0
diag "$(cat free-start.out)"
mmlabctl alloc --order 2 --count 2 >/dev/null
mmlabctl trace stop > free.out 2>&1
diag "$(cat free.out)"
is "... records mm_page_free only" \
	"$(awk '$1 ~ /^(mm_|mmlab_|cma_|kmalloc|kfree|kmem_)/ && NF == 2 { print $1 }' free.out)" \
	mm_page_free
check "... with the 2 blocks of order 2" grep -q '^free orders:.* 2:2 ' free.out
check "trace summary of a missing file: exit 1" \
	sh -c '! mmlabctl trace summary /tmp/none.dat 2>/dev/null'

done_testing
