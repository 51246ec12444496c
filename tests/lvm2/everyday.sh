#!/bin/bash
# tests/lvm2/everyday.sh LVM2_BUILD OUR_LIB_DIR [OUT_DIR]
#
# Runs inside the test VM (vm/run.sh), as root. The same sequence of
# everyday LVM2 2.02.188 commands runs twice on fresh loop devices: once
# with LVM2's bundled C libdm, once with this library. After every step
# the exit status, the messages and the resulting device-mapper state
# (`dmsetup table` and `dmsetup info` columns) are recorded; the two
# transcripts must be identical once the random LVM uuids are replaced by
# names. Exit status 0 when they are, 1 with the diff otherwise.
set -uo pipefail
lvm2=${1:?LVM2 build dir (build/lvm2)}
ourlib=${2:?directory of our libdevmapper.so.1.02}
out=${3:-/tmp/lvm2-everyday}
out=$(mkdir -p "$out" && cd "$out" && pwd)
mkdir -p "$out"
sbin=$lvm2/prefix/sbin
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$sbin/lvm" ] || { echo "everyday: no LVM2 tools in $sbin (run tests/lvm2/build.sh)"; exit 1; }

run_sequence() { # LIBDIR TRANSCRIPT
	local libdir=$1 t=$2
	export LD_LIBRARY_PATH=$libdir
	export LVM_SYSTEM_DIR=$out/etc
	"$here/lvm-conf.sh" "$LVM_SYSTEM_DIR" /tmp/lvmlock
	local d loops=()
	for d in 1 2 3; do
		rm -f "/tmp/everyday-pv$d"
		truncate -s 200M "/tmp/everyday-pv$d"
		loops+=("$(losetup -f --show "/tmp/everyday-pv$d")")
	done
	local L1=${loops[0]} L2=${loops[1]} L3=${loops[2]}
	state() {
		dmsetup table | sort
		dmsetup info -c --noheadings -o name,attr,open,segments | sort
	}
	step() {
		local shown="### ${*//\/dev\/loop[0-9]/PV}"
		echo "$shown"
		echo "$shown" >&3
		timeout "${EVERYDAY_STEP_TIMEOUT:-600}" "$sbin/$1" "${@:2}" 3>&- 2>&1 | grep -v -e "NOT backed up" -e "not zeroed" -e "^  WARNING: This metadata update"
		echo "exit ${PIPESTATUS[0]}"
		state
	}
	{
		"$sbin/lvm" version 3>&- | sed -n 2p
		step pvcreate -q "$L1" "$L2" "$L3"
		step vgcreate -q vg "$L1" "$L2" "$L3"
		for i in 1 2 3 4; do step lvcreate -an -Zn -L8M -n lv$i vg "$L1"; done
		step vgchange -ay vg
		step vgchange -an vg
		step vgchange -ay vg
		step lvextend -L16M vg/lv1
		step lvreduce -f -L8M vg/lv1
		step lvrename vg lv2 renamed
		step lvcreate -s -L8M -n snap vg/lv1
		step lvconvert --merge vg/snap
		step lvcreate -Zn -L24M -T vg/pool
		step lvcreate -V16M -T vg/pool -n thin1
		step lvcreate -s -n tsnap vg/thin1
		step lvchange -ay -K vg/tsnap
		step lvextend -L32M vg/pool
		step lvremove -f vg/tsnap
		step lvcreate -Zn --type mirror -m1 --mirrorlog core -L8M -n mirror vg "$L2" "$L3"
		step lvconvert -y -m0 vg/mirror
		step lvconvert -y --type mirror -m1 --mirrorlog core vg/mirror "$L3"
		step pvmove -i0 "$L1" "$L2"
		step pvmove -i0 --atomic "$L2" "$L1"
		step lvremove -f vg/lv3
		step vgchange -an vg
		step vgremove -f vg
	} 3>&1 >"$t" 2>&1
	for d in "${loops[@]}"; do losetup -d "$d"; done
	rm -f /tmp/everyday-pv[123]
	# Ordered uuids to names, so the two runs compare.
	sed -i -E 's/LVM-[A-Za-z0-9]{64}/LVM-UUID/g' "$t"
}

echo "everyday: C library (LVM2's bundled libdm)"
run_sequence "$lvm2/src/libdm" "$out/c.txt"
echo "everyday: this library"
run_sequence "$ourlib" "$out/ours.txt"
grep -q "Library version: *1.02.172" "$out/c.txt" || { echo "everyday: the first run did not use LVM2's C libdm"; head -3 "$out/c.txt"; exit 1; }
grep -q "Library version:.*(devmapper " "$out/ours.txt" || { echo "everyday: the second run did not use this library"; head -3 "$out/ours.txt"; exit 1; }
steps=$(grep -c '^### ' "$out/c.txt")
if diff <(sed 1d "$out/c.txt") <(sed 1d "$out/ours.txt") >"$out/diff.txt"; then
	echo "everyday: $steps LVM steps, same exit status, messages and tables on both libraries"
	exit 0
fi
echo "everyday: the transcripts differ (C library < > this library):"
cat "$out/diff.txt"
exit 1
