# SPDX-License-Identifier: GPL-2.0
#
# Security of what user space sees: /dev/mmlab is root-only (0600); no page
# that reaches user space shows what a previous user left in it (fail_test
# marker fills mapped pages with a marker, unmaps them, maps again, reads
# and writes every page and counts marker words, over a few pages and over
# a quarter of the region); no file under /sys/kernel/debug/mmlab, no mmlabctl
# output and no mmlab log line shows a raw kernel address.
#
# A raw 64-bit kernel address (x86_64 and arm64 alike) is a 16-digit hex
# value starting with ffff. %p hashes to at most 32 bits (6.1's
# lib/vsprintf.c masks the hash), so it never looks like one; physical
# addresses and pfns are far below. ffffffffffffffff (-1) is not counted.

. ./lib.sh

plan 14

D=/sys/kernel/debug/mmlab
NODE=0

# kaddrs: the raw kernel addresses in stdin, one per line.
kaddrs() {
	tr -c '0-9a-fA-FxX\n' ' ' | awk '{
		for (i = 1; i <= NF; i++) {
			t = tolower($i)
			sub(/^0x/, "", t)
			if (t ~ /^ffff[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/ &&
			    t != "ffffffffffffffff")
				print $i
		}
	}'
}

mark=$(dmesg_mark)

# --- /dev/mmlab ---------------------------------------------------------------
check "/dev/mmlab is a character device" test -c /dev/mmlab
is "/dev/mmlab mode is 0600" "$(ls -l /dev/mmlab | cut -c1-10)" "crw-------"
is "/dev/mmlab belongs to root" "$(ls -ln /dev/mmlab | awk '{ print $3 }')" 0

# --- Pages reaching user space are zeroed or copied -------------------------
free0=$(drained_buddy_free $NODE)
out=$(fail_test marker 8 64)
is "64 pages, 8 rounds: no marker word in a new mapping" \
	"$out" "rounds 8 pages 64 marker_words 0"
quarter=$((free0 / 4))
out=$(fail_test marker 1 $quarter)
is "$quarter pages (a quarter of the region): no marker word in a new mapping" \
	"$out" "rounds 1 pages $quarter marker_words 0"
is "free pages back to $free0" "$(drained_buddy_free $NODE)" "$free0"

# --- No raw kernel address ------------------------------------------------------
is "the detector finds a raw address" \
	"$(echo 'virt 0xffff888012345678 x ffffffffc0a01234,' | kaddrs | tr '\n' ' ')" \
	"0xffff888012345678 ffffffffc0a01234 "
is "the detector ignores hashed values, pfns, -1 and physical addresses" \
	"$(echo '00000000a1b2c3d4 0x10000000 0x50000 ffffffffffffffff 0x000000013fffffff' | kaddrs)" ""
ksym=$(awk '$3 == "_stext" || $3 == "_text" { print $1; exit }' /proc/kallsyms)
case "$ksym" in
ffff*) is "the detector finds _text from /proc/kallsyms" \
	"$(echo "$ksym" | kaddrs)" "$ksym" ;;
*) skip "the detector finds _text from /proc/kallsyms" "kallsyms hides addresses" ;;
esac

# Something in every file: a held block, a mapping, a process with faults.
mmlabctl hold --count 4 --order 1 --seconds 30 >hold.out 2>&1 &
holder=$!
fail_test touch 4 >/dev/null

# One pass over every file; name the files only when something shows up.
files=$(find $D -type f -perm -u+r)
nfiles=$(echo "$files" | grep -c .)
check "read $nfiles debugfs files" test "$nfiles" -gt 10
found=
if [ -n "$(echo "$files" | xargs cat 2>/dev/null | kaddrs | head -1)" ]; then
	for f in $files; do
		hits=$(kaddrs <"$f" 2>/dev/null | head -3)
		[ -n "$hits" ] && found="$found $f: $(echo $hits)"
	done
fi
is "no raw kernel address in /sys/kernel/debug/mmlab" "$found" ""

found=
for c in status info buddyinfo pagetypeinfo zoneinfo vmstat "alloc --count 4 --order 2"; do
	hits=$(mmlabctl $c 2>&1 | kaddrs | head -3)
	[ -n "$hits" ] && found="$found mmlabctl $c: $(echo $hits)"
done
is "no raw kernel address in mmlabctl output" "$found" ""
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# This test's own window: another test (fuzz.sh) may have written values
# that look like kernel addresses, and a refusal quotes what it was given.
hits=$(dmesg_since "$mark" | grep -E '\] mmlab_[a-z]+: ' | kaddrs | head -3)
is "no raw kernel address in the mmlab log lines" "$(echo $hits)" ""

log=$(dmesg_since "$mark")
check "the log shows no splat" \
	sh -c "! echo \"\$1\" | grep -qE 'BUG:|WARNING:|Oops|Call Trace|KASAN|circular locking|possible recursive'" - "$log"
done_testing
