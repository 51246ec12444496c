#!/bin/bash
# The guest side of pvmove-crash.sh.
#   pvmove-crash-guest.sh BUILD_DIR WORK start|crash MODE POINT
#     fresh devices and volumes; a writer and dmpvmove MODE in the
#     background; when the state file reaches POINT ("running", "complete",
#     "complete2" = two complete segments, "synced") the guest is powered
#     off hard (sysrq o), writes still going on.
#   pvmove-crash-guest.sh BUILD_DIR WORK stop MODE POINT
#     as start, but at POINT the move is stopped cleanly (dmpvmove --stop)
#     and the guest powered off afterwards.
#   pvmove-crash-guest.sh BUILD_DIR WORK restart
#     the same devices again; dmpvmove --restart with DM_TRACE; prints
#     "nosync" or "resync" for the pvmove mirror loaded at restart, then
#     checks tables and data.
set -u
build=$(cd "$1" && pwd)
work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pvmove-lib.sh"
export DM_DISABLE_UDEV=1
tool=$build/bin/dmpvmove

case $3 in
start|crash|stop)
	mode=$4 point=$5
	setup_devices "$work" fresh
	create_volumes
	rm -f "$work/state" "$work/trace"
	: > "$work/log"
	writer "$work/log" 1000 &
	wpid=$!
	# At "synced" the copy must stay unfinished until the power-off.
	hold=0; [ "$point" = synced ] && hold=120
	DMPVMOVE_HOLD_BEFORE_FINISH=$hold "$tool" $mode --region-size 512 --interval 100 --state "$work/state" "$SRC" "$DST" vol1 vol2 vol3 > "$work/out" 2>&1 &
	mpid=$!
	reached() {
		case $point in
		running) grep -q ' running$' "$work/state" ;;
		complete) grep -q ' complete$' "$work/state" ;;
		complete2) [ "$(grep -c ' complete$' "$work/state")" -ge 2 ] ;;
		synced) grep -q '^synced 1$' "$work/state" ;;
		esac 2>/dev/null
	}
	for _ in $(seq 600); do
		reached && break
		sleep 0.05
	done
	reached || { echo "point $point not reached"; cat "$work/out"; exit 1; }
	if [ "$3" = stop ]; then
		kill -9 "$mpid" "$wpid"; wait "$mpid" "$wpid" 2>/dev/null
		"$tool" --stop "$work/state" || exit 1
		sync
	fi
	echo "powering off at $point"
	echo o > /proc/sysrq-trigger
	sleep 30
	;;
restart)
	setup_devices "$work"
	grep -E '^(clean|synced)' "$work/state"
	DM_TRACE=$work/trace "$tool" --restart "$work/state" > "$work/out" 2>&1
	rc=$?
	cat "$work/out"
	# The first load of the pvmove device after the restart.
	load=$(grep '"cmd":"DM_TABLE_LOAD"' "$work/trace" | grep -m1 ' mirror ')
	if echo "$load" | grep -q nosync; then echo "restart loaded: nosync"; else echo "restart loaded: resync"; fi
	[ "$rc" -eq 0 ] || exit 1
	moved_on "$DST" || { echo "not every segment on the destination"; exit 1; }
	check_data "$work/log" || { echo "data lost"; exit 1; }
	echo "restart: complete, $(wc -l < "$work/log") logged writes intact"
	teardown
	;;
esac
