#!/bin/bash
# Fault-injection sweep; runs inside the test VM as root (vm/run.sh).
# For each scenario and library: one run under strace counts the run's
# ioctls; then, for each ioctl index N and each errno, a fresh setup, the
# run with its Nth ioctl failing (strace -e inject=ioctl:error=E:when=N),
# the scenario's recovery, and the checks: no device suspended, no device
# left, no inactive table left, the data on FAULT_DEV0 and through the
# stack as before, no semaphore left. The checks (tests/faults/faultcheck.c)
# run on the C library, whatever library the scenario ran on.
#
# usage: sweep.sh [--errors "EIO EBUSY ENOMEM"] [--libs "ours clib"]
#                 [--out DIR] [--max N] BUILD_DIR [SCENARIO...]
# A SCENARIO (default: all of c-tests/faults) is a name: BUILD/faults/NAME (+ NAME.clib) built from
# c-tests/faults/NAME.c, or the script c-tests/faults/NAME.sh (run with
# LD_LIBRARY_PATH=BUILD/lib for "ours"). Exit status 0 when no point left
# a device suspended or behind, an inactive table, a semaphore, or lost
# data on "ours", and the recovery succeeded at every point on "ours"; the
# C library's figures are reported, not judged.
set -u
errors="EIO EBUSY ENOMEM" libs="ours clib" out="" max=0
while [ $# -gt 0 ]; do
	case "$1" in
	--errors) errors=$2; shift 2 ;;
	--libs) libs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--max) max=$2; shift 2 ;;
	*) break ;;
	esac
done
build=$(cd "$1" && pwd); shift
top=$(cd "$(dirname "$0")/../.." && pwd)
# No scenario named: every one there is.
if [ $# -eq 0 ]; then
	for f in "$top"/c-tests/faults/*.c "$top"/c-tests/faults/*.sh; do
		[ -e "$f" ] && set -- "$@" "$(basename "${f%.*}")"
	done
fi
out=${out:-$build/faults-results}
mkdir -p "$out"
work=$(mktemp -d)
export FAULT_DEV0=${FAULT_DEV0:-/dev/ram0} FAULT_DEV1=${FAULT_DEV1:-/dev/ram1}
export DM_DISABLE_UDEV=${DM_DISABLE_UDEV-}
[ -n "$DM_DISABLE_UDEV" ] || unset DM_DISABLE_UDEV
results=$out/points.tsv
: > "$results"
printf 'lib\tscenario\terrno\tN\tioctl\trun_rc\tsusp_after_run\trecover_rc\tsuspended\tleft\tinactive\tlost\tsems\n' > "$results"

rm -f "$out"/*.failures.log
# Random data on the disk, once; every point compares against it.
dd if=/dev/urandom of="$work/disk0" bs=1M count=2 status=none
dd if="$work/disk0" of="$FAULT_DEV0" bs=1M conv=fsync status=none

# The scenario command for LIB and MODE, in the array cmd.
scenario_cmd() { # lib name mode
	if [ -x "$build/faults/$2" ]; then
		if [ "$1" = ours ]; then cmd=("$build/faults/$2" "$3"); else cmd=("$build/faults/$2.clib" "$3"); fi
	else
		if [ "$1" = ours ]; then cmd=(env "LD_LIBRARY_PATH=$build/lib" "$top/c-tests/faults/$2.sh" "$3")
		else cmd=("$top/c-tests/faults/$2.sh" "$3"); fi
	fi
}

# Suspended devices now, from sysfs (no process started).
suspended_now() {
	local f v n=0
	for f in /sys/block/dm-*/dm/suspended; do
		[ -e "$f" ] || continue
		read -r v < "$f"; [ "$v" = 1 ] && n=$((n + 1))
	done
	echo $n
}

# The checks and the clean-up (faultcheck, on the C library): sets ndev,
# nsusp, ninact, lost, nsem.
check() {
	read -r ndev nsusp ninact lost nsem < <("$build/faults/faultcheck" "$FAULT_DEV0" "$work/disk0")
}

status=0
for scen in "$@"; do
	for lib in $libs; do
		scenario_cmd "$lib" "$scen" setup; "${cmd[@]}" >/dev/null 2>&1
		[ $? -eq 4 ] && setup=0 || setup=1
		scenario_cmd "$lib" "$scen" run
		timeout 120 strace -f -qq -e trace=ioctl -o "$work/count" "${cmd[@]}" > "$out/$lib-$scen.baseline.log" 2>&1
		brc=$?
		# The ioctl each index hits (the request name strace decodes).
		mapfile -t names < <(sed -E 's/^([0-9]+ +)?ioctl\([0-9]+, ([A-Z0-9_]+|0x[0-9a-f]+).*/\2/' "$work/count")
		n=${#names[@]}
		scenario_cmd "$lib" "$scen" recover; "${cmd[@]}" >> "$out/$lib-$scen.baseline.log" 2>&1
		rrc=$?
		check
		echo "== $lib $scen: $n ioctls, baseline run $brc, recovery $rrc, devices left $ndev, semaphores $nsem"
		# A scenario that fails without any fault proves nothing.
		if [ "$lib" = ours ] && { [ "$n" -eq 0 ] || [ $((brc + rrc + ndev + nsem)) -ne 0 ]; }; then
			echo "== $lib $scen: the baseline run failed (see $out/$lib-$scen.baseline.log)"; status=1
		fi
		[ "$max" -gt 0 ] && [ "$n" -gt "$max" ] && n=$max
		for err in $errors; do
			for N in $(seq 1 "$n"); do
				if [ "$setup" = 1 ]; then scenario_cmd "$lib" "$scen" setup; "${cmd[@]}" >/dev/null 2>&1; fi
				scenario_cmd "$lib" "$scen" run
				strace -f -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error="$err":when="$N" "${cmd[@]}" > "$work/log" 2>&1
				run_rc=$?
				susp_run=$(suspended_now)
				scenario_cmd "$lib" "$scen" recover
				"${cmd[@]}" >> "$work/log" 2>&1
				rec_rc=$?
				check
				[ "$rec_rc" -eq 3 ] && lost=1
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$lib" "$scen" "$err" "$N" "${names[N-1]}" \
					"$run_rc" "$susp_run" "$rec_rc" "$nsusp" "$ndev" "$ninact" "$lost" "$nsem" >> "$results"
				if [ $((nsusp + ndev + ninact + lost + nsem)) -gt 0 ] || [ "$rec_rc" -ne 0 ]; then
					{ echo "### $lib $scen $err N=$N (${names[N-1]}) run=$run_rc recover=$rec_rc susp=$nsusp left=$ndev inactive=$ninact lost=$lost sems=$nsem"
					  cat "$work/log"; } >> "$out/$lib-$scen.failures.log"
					# On this library a failed recovery fails the sweep too:
					# the caller could not get back to a working state.
					if [ "$lib" = ours ]; then status=1; fi
				fi
			done
		done
	done
done
# Per library and scenario: points, and how many left each kind of damage.
awk -F'\t' 'NR > 1 {
	k = $1 " " $2; p[k]++
	if ($7 > 0) sr[k]++
	if ($9 > 0) s[k]++
	if ($10 > 0) l[k]++
	if ($11 > 0) i[k]++
	if ($12 > 0) d[k]++
	if ($13 > 0) m[k]++
	if ($8 != 0) r[k]++
	if ($6 == 124 || $6 == 142 || $8 == 124 || $8 == 142) h[k]++
} END {
	for (k in p) { split(k, a, " ")
		printf "%-6s %-16s %6d %9d %9d %6d %8d %5d %5d %9d %5d\n", a[1], a[2], p[k], sr[k], s[k], l[k], i[k], d[k], m[k], r[k], h[k] }
}' "$results" | sort > "$work/summary"
{ printf "%-6s %-16s %6s %9s %9s %6s %8s %5s %5s %9s %5s\n" lib scenario points susp-run suspended left inactive lost sems rec-fail hangs
  cat "$work/summary"; } | tee "$out/summary.txt"
rm -rf "$work"
exit $status
