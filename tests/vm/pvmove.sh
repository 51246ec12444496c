#!/bin/bash
# dmpvmove on the real kernel (issue 5, proofs 1 and 2): three volumes on
# one source device, the first with two segments there, a fourth volume
# elsewhere; a writer writes checksummed blocks to two of them during the
# move. For both modes: afterwards every moved segment maps the
# destination, the fourth volume is unchanged, and every block reads back
# as last written. Then aborts half-way: by segment keeps the completed
# segment on the destination and the rest on the source; atomic leaves all
# on the source; no block is lost.
# usage: pvmove.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pvmove-lib.sh"
export DM_DISABLE_UDEV=1
tool=$build/bin/dmpvmove
work=$(mktemp -d)
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

# move MODE: a whole move with a writer running.
move() {
	mode=$1
	setup_devices "$work" fresh
	create_volumes
	vol4_before=$(dmsetup table vol4)
	: > "$work/log"
	writer "$work/log" 3 &
	wpid=$!
	"$tool" $mode --region-size 512 --interval 100 --state "$work/state" "$SRC" "$DST" vol1 PVT-vol2 vol3 > "$work/out" 2>&1
	rc=$?
	wait "$wpid"
	check "$mode move: dmpvmove exits 0" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || sed 's/^/    /' "$work/out"
	check "$mode move: progress reported up to 100%" grep -q 'progress 100.0%' "$work/out"
	check "$mode move: every moved segment maps the destination" moved_on "$DST"
	check "$mode move: vol1's segment elsewhere is kept" sh -c "dmsetup table vol1 | grep -q ' $OTHER 0\$'"
	check "$mode move: vol4 unchanged" [ "$(dmsetup table vol4)" = "$vol4_before" ]
	check "$mode move: no pvmove device left" sh -c '! dmsetup ls | grep -q dmpvmove'
	check "$mode move: nothing suspended" sh -c '! dmsetup info -c --noheadings -o attr | grep -q s'
	check "$mode move: every block reads back as last written ($(wc -l < "$work/log") writes)" check_data "$work/log"
	check "$mode move: the state says clean" grep -q '^clean 1$' "$work/state"
	teardown
}

# abort MODE: interrupt after the first copied segment (by segment) or once
# running (atomic), then abort from the saved state.
abort() {
	mode=$1
	setup_devices "$work" fresh
	create_volumes
	: > "$work/log"
	"$tool" $mode --region-size 512 --interval 100 --state "$work/state" "$SRC" "$DST" vol1 vol2 vol3 > "$work/out" 2>&1 &
	mpid=$!
	want=running; [ "$mode" = "" ] && want=complete
	for _ in $(seq 300); do
		grep -q " $want\$" "$work/state" 2>/dev/null && break
		sleep 0.1
	done
	kill -9 "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
	cp "$work/state" "$work/state.at-kill"
	writer "$work/log" 1
	"$tool" --abort "$work/state" > "$work/out" 2>&1
	check "${mode:-by-segment} abort: dmpvmove --abort exits 0" [ $? -eq 0 ]
	if [ "$mode" = --atomic ]; then
		check "atomic abort: everything maps the source again" moved_on "$SRC"
	else
		# Where each moved segment must be: as the saved state says when
		# the mover was killed (complete: destination; else: source).
		first=$(dmsetup table vol1 | awk 'NR == 1 { print $4 }')
		check "by-segment abort: the first completed segment stays on the destination" [ "$first" = "$DST" ]
		wrong=0 complete=0
		while read -r _ v l _ _ _ st; do
			want=$SRC; [ "$st" = complete ] && { want=$DST; complete=$((complete + 1)); }
			got=$(dmsetup table "vol$((v + 1))" | awk -v n=$((l + 1)) 'NR == n { print $4 }')
			[ "$got" = "$want" ] || { echo "    vol$((v + 1)) line $((l + 1)): $got, not $want"; wrong=$((wrong + 1)); }
		done < <(grep '^segment ' "$work/state.at-kill")
		check "by-segment abort: $complete completed segment(s) on the destination, the others on the source, as saved" [ "$wrong" -eq 0 ]
	fi
	check "${mode:-by-segment} abort: no pvmove device left" sh -c '! dmsetup ls | grep -q dmpvmove'
	check "${mode:-by-segment} abort: every block reads back as last written" check_data "$work/log"
	teardown
}

move ""
move --atomic
abort ""
abort --atomic

# The C ABI: an atomic move through dmpv_* (c-tests/vm/pvmove_api.c).
setup_devices "$work" fresh
create_volumes
: > "$work/log"
writer "$work/log" 2 &
wpid=$!
"$build/c-tests/pvmove_api" "$SRC" "$DST" vol1 vol2 vol3 > "$work/out" 2>&1
rc=$?
wait "$wpid"
sed 's/^/    /' "$work/out"
check "C ABI: pvmove_api passes" [ "$rc" -eq 0 ]
check "C ABI: every moved segment maps the destination" moved_on "$DST"
check "C ABI: every block reads back as last written" check_data "$work/log"
teardown

# Bad input: a clear error and exit status each.
setup_devices "$work" fresh
create_volumes
"$tool" "$SRC" "$DST" nosuch > "$work/out" 2>&1; rc=$?
check "unknown volume: exit 2 and says so" sh -c "[ $rc -eq 2 ] && grep -q 'nosuch: no such device' '$work/out'"
"$tool" "$SRC" "$DST" vol4 > "$work/out" 2>&1; rc=$?
check "a volume not on the source: exit 2 and says so" sh -c "[ $rc -eq 2 ] && grep -q 'vol4 has no segment on the source' '$work/out'"
"$tool" "$SRC" "$SRC" vol1 > "$work/out" 2>&1; rc=$?
check "source = destination: exit 2" [ "$rc" -eq 2 ]
"$tool" "$SRC" /dev/null vol1 > "$work/out" 2>&1; rc=$?
check "a destination that is no block device: exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'not a block device' '$work/out'"
dmsetup create pvt-tiny --table "0 1024 zero"
"$tool" "$SRC" "$(dev_of "$(dm_path pvt-tiny)")" vol1 > "$work/out" 2>&1; rc=$?
dmsetup remove pvt-tiny
check "no room on the destination: exit 2 and says so" sh -c "[ $rc -eq 2 ] && grep -q 'no room on the destination' '$work/out'"
echo "0 2048 zero" | dmsetup create "dmpvmove-${SRC%%:*}_${SRC##*:}"
"$tool" "$SRC" "$DST" vol1 > "$work/out" 2>&1; rc=$?
check "a move already running: exit 3 and says so" sh -c "[ $rc -eq 3 ] && grep -q 'already running' '$work/out'"
check "a state that is not one: exit 2" sh -c "echo junk > '$work/junk'; '$tool' --restart '$work/junk' > /dev/null 2>&1; [ \$? -eq 2 ]"
teardown

rm -rf "$work"
echo "pvmove: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
