# SPDX-License-Identifier: GPL-2.0
#
# The guided labs (docs/labs/*.md) run as written. The markdown is the
# source of truth: each lab's fenced ```sh blocks are its steps, run in
# order in one shell, each in a fresh module set; every step must exit 0;
# each <!-- check: WHAT ... --> comment is a shell condition on what the
# lab says you should see, run after the step before it (with $OUT the
# file holding that step's output) and reported as one TAP case; hidden
# <!-- run: ... --> comments are steps a reader does not need to type
# (waiting for a background command). A lab with no check fails: a lab
# that cannot fail is not a test.
#
# mmlab-vm: --put docs/labs/README.md --put docs/labs/01-buddy.md
# mmlab-vm: --put docs/labs/02-watermarks-kswapd.md --put docs/labs/03-slub.md
# mmlab-vm: --put docs/labs/04-vmalloc.md --put docs/labs/05-zero-page.md
# mmlab-vm: --put docs/labs/06-cow.md --put docs/labs/07-cma.md
# mmlab-vm: --put docs/labs/08-compaction.md

. ./lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing

# extract LAB.md: the lab as a shell script (on stdout). Its plan comes
# first: one case per step and per check (and one per defect of the
# markdown: a block not closed, no step, no check).
extract() {
	awk -v lab="${1%.md}" '
	function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
	function out(s) { body = body s "\n" }
	mode == "" && /^#+ / { out("_heading " q($0)); next }
	mode == "" && /^```sh[ \t]*$/ { mode = "sh"; n++; code = ""; next }
	mode == "sh" && /^```[ \t]*$/ {
		mode = ""
		out("_step_begin " n " " q(code))
		out("{"); body = body code
		out("} >step" n ".out 2>&1 </dev/null"); out("_step_end $? " n)
		cases++
		next
	}
	mode == "sh" { code = code $0 "\n"; next }
	mode == "" && /^```/ { mode = "other"; next }
	mode == "other" && /^```/ { mode = ""; next }
	mode == "other" { next }
	mode == "" && /^<!-- run:[ \t]*$/ { mode = "run"; out("{"); next }
	mode == "run" && /^-->[ \t]*$/ { mode = ""; out("} >>hidden.out 2>&1 </dev/null"); next }
	mode == "" && /^<!-- check: / {
		mode = "check"; d = substr($0, 13); nc++
		out("if ("); next
	}
	mode == "check" && /^-->[ \t]*$/ {
		mode = ""
		out(") >check.out 2>&1 </dev/null; then ok " q(lab ": " d) "; else not_ok " q(lab ": " d) "; _check_failed; fi")
		cases++
		next
	}
	mode != "" { out($0); next }
	END {
		if (mode != "") { out("not_ok " q(lab ": a block is not closed")); cases++ }
		if (!n) { out("not_ok " q(lab ": no sh step")); cases++ }
		if (!nc) { out("not_ok " q(lab ": no check")); cases++ }
		print ". ./lib.sh"
		print "LAB=" q(lab)
		print ". ./labs-run.sh"
		print "plan " cases
		printf "%s", body
		print "_lab_end"
	}' "$1"
}

# The helpers every extracted lab sources after lib.sh.
cat >labs-run.sh <<'EOF'
OUT=/dev/null
_heading() {
	echo "# $1"
}
# The step's commands, as a reader types them.
_step_begin() {
	_step=$1
	printf '%s' "$2" | sed 's/^/# $ /'
}
_step_end() {
	OUT=step$2.out
	if [ "$1" = 0 ]; then
		ok "$LAB: step $2 runs (exit 0)"
	else
		not_ok "$LAB: step $2 runs (exit $1)"
	fi
	head -"${LABS_OUTPUT_LINES:-40}" "$OUT" | sed 's/^/# | /'
}
_check_failed() {
	head -20 check.out | sed 's/^/#   /'
}
_lab_end() {
	for p in $(jobs -p); do
		kill "$p" 2>/dev/null
	done
	wait
	done_testing
}
EOF

# fresh: the default module set, no event enabled, an empty trace.
fresh() {
	mmlab-unload >/dev/null 2>&1
	mmlab-load >/dev/null 2>&1 || return 1
	if [ -d $T/events/mmlab ]; then
		echo 0 >$T/events/mmlab/enable
		echo >$T/trace
		echo 1 >$T/tracing_on
	fi
}

# The index links every lab; every lab it links is here.
labs=$(sed -n 's/.*](\([0-9][0-9]-[a-z0-9-]*\.md\)).*/\1/p' README.md | awk '!seen[$0]++')

# LABS="01-buddy ..." runs only those (tools/demo does). Each lab to run is
# extracted first, for the plan: the index's cases (one, and one per lab it
# links), then each lab's own cases and one more, that its shell ran the
# lab's plan to the end and exited 0.
torun=
cases=$((1 + $(echo $labs | wc -w)))
for f in $labs; do
	[ -r "$f" ] || continue
	if [ -n "$LABS" ]; then
		case " $LABS " in
		*" ${f%.md} "*) ;;
		*) continue ;;
		esac
	fi
	name=${f%.md}
	mkdir -p "run-$name"
	extract "$f" >"run-$name/lab.sh"
	n=$(sed -n 's/^plan \([0-9]*\)$/\1/p' "run-$name/lab.sh")
	cases=$((cases + n + 1))
	torun="$torun $f"
done
plan $cases

check "docs/labs/README.md links the labs" test -n "$labs"
for f in $labs; do
	check "lab $f is here" test -r "$f"
done
for f in [0-9][0-9]-*.md; do
	case " $(echo $labs) " in
	*" $f "*) ;;
	*) not_ok "lab $f is linked from README.md" ;;
	esac
done

for f in $torun; do
	name=${f%.md}
	n=$(sed -n 's/^plan \([0-9]*\)$/\1/p' "run-$name/lab.sh")
	start=$(date +%s)
	if ! fresh; then
		not_ok "$name: the module set loads"
		continue
	fi
	cp lib.sh "run-$name/"
	cp labs-run.sh "run-$name/"
	# Each lab in its own directory and shell: its steps share variables,
	# and what it leaves running is stopped when it ends.
	(cd "run-$name" && sh ./lab.sh) >"run-$name/tap.out" 2>&1
	rc=$?
	# Renumber the lab's cases into this test's plan; any other line
	# becomes a comment. The shell alone: a sed per line cost 40 s for
	# 572 lines on a lab kernel.
	seen=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok [0-9]* - }"; seen=$((seen + 1)) ;;
		"not ok "*) not_ok "${line#not ok [0-9]* - }"; seen=$((seen + 1)) ;;
		"1.."*) ;;
		"" | "#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"run-$name/tap.out"
	if [ "$rc" = 0 ] && [ "$seen" = "$n" ]; then
		ok "$name: the lab ran its $n cases to the end, exit 0"
	else
		not_ok "$name: the lab ran $seen of its $n cases, exit $rc"
	fi
	diag "$name: exit $rc in $(($(date +%s) - start)) s"
done
# LABS_DUMPS=1: the pageinfo and buddyinfo dumps the labs saved, for
# tools/regionmap and tools/fragplot on the host (tools/demo).
if [ -n "$LABS_DUMPS" ]; then
	for d in run-*/pageinfo-*.txt run-*/buddyinfo-*.txt; do
		[ -r "$d" ] || continue
		echo "=== dump ${d%%/*}/${d##*/} ==="
		cat "$d"
		echo "=== end ==="
	done
fi
fresh >/dev/null 2>&1
done_testing
