#!/bin/bash
# make bench-lvm2, inside the VM (not a test): LVM2 2.02.188's unchanged
# tools on LVM2's bundled C libdm and on this library, in one boot, the
# two libraries taking turns on the same volume group so that both meet the
# same load. Steps: vgchange -ay / -an of N linear LVs and of a pool with N
# thin LVs (N in $BENCH_NS, default "20 200"), a thin snapshot created and
# removed, lvs. For each step and library: the device-mapper ioctls (one
# run under `strace -f -e trace=ioctl`, counting DM_* requests, the same
# method for both) and the wall time (median of $BENCH_REPS untraced runs,
# default 3).
# usage: bench.sh LVM2_BUILD OUR_LIB_DIR
set -euo pipefail
lvm2=$1
ours=$2
ns=${BENCH_NS:-"20 200"}
reps=${BENCH_REPS:-3}
sbin=$lvm2/prefix/sbin
work=$(mktemp -d)
# Both libraries are loaded from the guest's own tmpfs, ours stripped as
# `make install` installs it. Read from the host's 9p share (no cache),
# every page of a library's code that a command touches is a round trip to
# the host: that made each command of ours (a 1.9 MB library against the C
# library's 0.4 MB) about 0.3 s slower whatever it did, a cost of this VM
# and not of the library.
mkdir -p "$work/lib-c" "$work/lib-ours"
cp -L "$lvm2/src/libdm/libdevmapper.so.1.02" "$work/lib-c/"
strip --strip-unneeded -o "$work/lib-ours/libdevmapper.so.1.02" "$ours/libdevmapper.so.1.02"
declare -A libdir=([c]=$work/lib-c [ours]=$work/lib-ours)
export LVM_SYSTEM_DIR=$work/etc
"$(dirname "$0")/../../lvm2/lvm-conf.sh" "$LVM_SYSTEM_DIR" "$work/lock"
truncate -s 3G "$work/pv"
pv=$(losetup -f --show "$work/pv")

lvm_as() { # LIB COMMAND ARGS...: one LVM command on that library, quiet
	LD_LIBRARY_PATH=${libdir[$1]} "$sbin/$2" "${@:3}" >/dev/null 2>&1
}
now_ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# step NAME UNDO_COMMAND -- COMMAND...: for each library, the ioctls of one
# traced run and the median wall time of $reps untraced runs, undoing the
# step after each run with UNDO_COMMAND (a command line, or "-").
step() {
	local name=$1 undo=$2; shift 3
	local lib line ioctls times t0 t1 i
	for lib in c ours; do
		LD_LIBRARY_PATH=${libdir[$lib]} strace -f -qq -e trace=ioctl -o "$work/strace" "$sbin/$1" "${@:2}" >/dev/null 2>&1 ||
			{ echo "bench-lvm2: $name failed on $lib"; return 1; }
		ioctls=$(grep -c 'ioctl([0-9]*, DM_' "$work/strace" || true)
		[ "$ioctls" -gt 0 ] || { echo "bench-lvm2: $name issued no device-mapper ioctl on $lib: nothing measured"; return 1; }
		[ "$undo" = - ] || eval "lvm_as $lib $undo"
		times=""
		for i in $(seq "$reps"); do
			t0=$(now_ms)
			lvm_as "$lib" "$@" || { echo "bench-lvm2: $name failed on $lib"; return 1; }
			t1=$(now_ms)
			times="$times $((t1 - t0))"
			[ "$undo" = - ] || eval "lvm_as $lib $undo"
		done
		line=$(echo $times | tr ' ' '\n' | median)
		printf '%-34s %-5s ioctls %6d  wall_ms %7d  (runs:%s)\n' "$name" "$lib" "$ioctls" "$line" "$times"
	done
}

lvm_as c pvcreate -q "$pv"
lvm_as c vgcreate -q bench "$pv"
echo "# LVM2 2.02.188; C = LVM2's libdm 1.02.172, ours = $(LD_LIBRARY_PATH=${libdir[ours]} "$sbin/lvm" version | sed -n 2p | sed 's/^ *//')"
echo "# each step: DM ioctls of one strace'd run, median wall time of $reps untraced runs"
for n in $ns; do
	for i in $(seq "$n"); do lvm_as c lvcreate -an -Zn -L4M -n "lin$n-$i" bench; done
	# the VG holds one group at a time (vgchange works on the whole VG);
	# a tag selects the group for its removal
	lvm_as c lvchange --addtag "lin$n" $(for i in $(seq "$n"); do echo "bench/lin$n-$i"; done)
	step "vgchange -ay, $n linear LVs" "vgchange -an bench" -- vgchange -ay bench
	lvm_as c vgchange -ay bench
	step "vgchange -an, $n linear LVs" "vgchange -ay bench" -- vgchange -an bench
	lvm_as c vgchange -an bench
	lvm_as c lvremove -f "@lin$n"

	lvm_as c lvcreate -an -Zn -L64M -T "bench/pool$n"
	for i in $(seq "$n"); do lvm_as c lvcreate -an -V4M -T "bench/pool$n" -n "thin$n-$i"; done
	lvm_as c lvchange --addtag "thin$n" "bench/pool$n" $(for i in $(seq "$n"); do echo "bench/thin$n-$i"; done)
	step "vgchange -ay, pool + $n thin LVs" "vgchange -an bench" -- vgchange -ay bench
	lvm_as c vgchange -ay bench
	step "vgchange -an, pool + $n thin LVs" "vgchange -ay bench" -- vgchange -an bench
	lvm_as c lvchange -ay "bench/thin$n-1"
	step "thin snapshot create (pool of $n)" "lvremove -f bench/snap$n" -- lvcreate -s -n "snap$n" "bench/thin$n-1"
	lvm_as c lvcreate -s -n "snap$n" "bench/thin$n-1"
	lvm_as c lvchange -ay -K "bench/snap$n"
	step "thin snapshot remove (pool of $n)" "lvcreate -s -n snap$n bench/thin$n-1 && lvm_as \$lib lvchange -ay -K bench/snap$n" -- lvremove -f "bench/snap$n"
	lvm_as c lvremove -f "bench/snap$n" || true
	step "lvs (pool of $n)" - -- lvs bench
	lvm_as c vgchange -an bench
	lvm_as c lvremove -f "@thin$n"
done
lvm_as c vgremove -f bench
losetup -d "$pv"
echo "bench-lvm2: done"
