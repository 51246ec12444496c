#!/bin/sh
# The deptree benchmark (issue 4), inside the VM: for N in $BENCH_NS
# (default "200 1000"), N thin volumes on one pool and N linear volumes on
# a loop device are activated and deactivated through the tree by the same
# driver (benches/tree_activate.c) linked to this library and to the C
# library. Wall time (untraced_*): the median of $BENCH_REPS (default 1)
# runs without any tracing, measured by the driver around each phase.
# ioctls: one run of each under `strace -f --seccomp-bpf -e trace=ioctl,write`
# (every DM_* ioctl counted, same method for both libraries; its wall time
# is reported too but includes strace's stops); for ours DM_TRACE is set in
# that run as a cross-check of the count (its writes are traced too, so that
# run's wall time for ours is inflated: compare the untraced times).
# BENCH_COUNT=0 skips the strace runs (wall time only); BENCH_MODES="thin"
# or "linear" runs one mode only.
# usage: bench-tree.sh BENCH_DIR  (holding tree_activate and tree_activate.clib)
set -eu
bin=$1
ns=${BENCH_NS:-"200 1000"}
reps=${BENCH_REPS:-1}
count=${BENCH_COUNT:-1}
dir=$(mktemp -d)
truncate -s 16M "$dir/meta" "$dir/data" "$dir/lin"
meta=$(losetup -f --show "$dir/meta")
data=$(losetup -f --show "$dir/data")
lin=$(losetup -f --show "$dir/lin")
export DM_DISABLE_UDEV=1

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

# One run of the driver under `strace -f -e trace=ioctl,write` (both
# libraries instrumented the same way): prints the driver's line, then
# "strace=A+D" (DM_* ioctls before and after the phase marker); leaves the
# per-command breakdown in $dir/breakdown.
traced_run() {
	out=$dir/strace.out
	line=$(strace -f --seccomp-bpf -e trace=ioctl,write -o "$out" "$@")
	counts=$(awk 'BEGIN { phase = 0 }
	     /tree_activate:deactivate/ { phase = 1; next }
	     /ioctl\(.*DM_[A-Z_]+/ { c[phase]++ }
	     END { printf "%d+%d", c[0], c[1] }' "$out")
	grep -o 'ioctl([0-9]*, DM_[A-Z_]*' "$out" | sed 's/.*, //' | sort | uniq -c | sort -rn | tr '\n' ' ' | tr -s ' ' > "$dir/breakdown"
	rm -f "$out"
	echo "$line strace=$counts"
}

run_mode() { # MODE N [LOOP]: prints one result line per library
	mode=$1 n=$2 extra=${3:-}
	for lib in clib ours; do
		b=$bin/tree_activate
		env=""
		[ "$lib" = clib ] && b=$bin/tree_activate.clib
		if [ "$lib" = ours ]; then
			rm -f "$dir/trace"
			env="DM_TRACE=$dir/trace"
		fi
		ta=0 td=0 ca=0 cd=0 trc="-"
		if [ "$count" = 1 ]; then
			line=$(traced_run env $env "$b" "$mode" "$n" $extra)
			ta=$(echo "$line" | field activate_us)
			td=$(echo "$line" | field deactivate_us)
			st=$(echo "$line" | field strace)
			ca=${st%+*} cd=${st#*+}
			echo "#   $mode N=$n $lib, DM ioctls by command (strace): $(cat "$dir/breakdown")"
			if [ "$lib" = ours ]; then
				trc="$(echo "$line" | field ioctls_activate)+$(echo "$line" | field ioctls_deactivate)"
				echo "#   $mode N=$n ours, by command (DM_TRACE): $(sed 's/.*"cmd":"\([A-Z_]*\)".*/\1/' "$dir/trace" | sort | uniq -c | sort -rn | tr '\n' ' ' | tr -s ' ')"
			fi
		fi
		# optional untraced runs for the wall time
		i=0 ua="" ud=""
		while [ "$i" -lt "$reps" ]; do
			l2=$("$b" "$mode" "$n" $extra)
			ua="$ua $(echo "$l2" | field activate_us)"
			ud="$ud $(echo "$l2" | field deactivate_us)"
			i=$((i + 1))
		done
		untraced=""
		if [ "$reps" -gt 0 ]; then
			ma=$(echo $ua | tr ' ' '\n' | median)
			md=$(echo $ud | tr ' ' '\n' | median)
			untraced=" untraced_activate_ms=$((ma / 1000)) untraced_deactivate_ms=$((md / 1000)) untraced_total_ms=$(((ma + md) / 1000))"
		fi
		traced=""
		[ "$count" = 1 ] && traced=" traced_activate_ms=$((ta / 1000)) traced_deactivate_ms=$((td / 1000)) ioctls_activate=$ca ioctls_deactivate=$cd ioctls_total=$((ca + cd)) dm_trace=$trc"
		echo "RESULT mode=$mode n=$n lib=$lib$untraced$traced"
	done
}

rc=0
modes=${BENCH_MODES:-"thin linear"}
for n in $ns; do
	case " $modes " in *" thin "*) ;; *) run_mode linear "$n" "$lin" || rc=1; continue ;; esac
	# a fresh pool: zero the metadata (a pool left from the previous N is
	# already at transaction 1 and would rightly skip the new messages)
	dd if=/dev/zero of="$meta" bs=1M count=1 conv=fsync status=none
	"$bin/tree_activate.clib" setup-thin "$n" "$meta" "$data" || { echo "setup-thin $n failed"; rc=1; break; }
	run_mode thin "$n" || rc=1
	"$bin/tree_activate.clib" teardown-thin || rc=1
	case " $modes " in *" linear "*) run_mode linear "$n" "$lin" || rc=1 ;; esac
done
losetup -d "$meta" "$data" "$lin"
rm -rf "$dir"
exit $rc
