#!/bin/bash
# tests/lvm2/guest.sh TREE RESULTS EXPECT META TEST...
#
# The guest half of tests/lvm2/suite.sh: runs in the test VM (as root, on a
# kernel with device-mapper) and runs each LVM2 shell TEST (a name such as
# lvcreate-thin, i.e. test/shell/lvcreate-thin.sh) once, with LVM's own
# runner, flavour ndev-vanilla, from the LVM2 build tree TREE (the src/
# directory that tests/lvm2/build.sh made).  EXPECT is a fixed string the
# "Library version:" line of `dmsetup version` must contain (the library that
# sits in TREE/libdm); a tree that loads any other library is refused before
# any test runs, and a test log that shows another one makes the result
# "wronglib" and stops the run.  META is written as it is into every
# result line (tab-separated fields saying which library, commit and VM).
#
# For each TEST it writes, under RESULTS (a host directory: the guest's /tmp
# is its own tmpfs):
#   NAME.result   one tab-separated line: name, result (passed failed
#                 skipped timeout warnings interrupted, as LVM's runner says),
#                 seconds (guest wall clock), the runner's own wall time,
#                 META, the date, the "Library version:" line of the log
#   logs/NAME.log the runner's log of the test
# LVM_TEST_DIR is the guest's /tmp (tmpfs: backing files and PVs live in
# guest memory).  Exit status 0 when every test got a result (whatever it
# was), 3 when the library is wrong, 1 otherwise.
{ # one block, read whole before it runs: editing the file cannot disturb a run
set -euo pipefail

say() { printf 'lvm2 guest: %s\n' "$*" >&2; }
[ $# -ge 5 ] || { say "usage: guest.sh TREE RESULTS EXPECT META TEST..."; exit 2; }
tree=$1 results=$2 expect=$3 meta=$4
shift 4
case $results in /*) ;; *) say "RESULTS must be an absolute path"; exit 2 ;; esac
[ -x "$tree/test/lib/runner" ] || { say "$tree/test/lib/runner missing: not an LVM2 build tree"; exit 2; }
[ "${DM_VM_GUEST:-0}" = 1 ] || { say "refusing to run outside the test VM (DM_VM_GUEST is not 1)"; exit 2; }
mkdir -p "$results/logs" "$results/work"

# The same library search path LVM's test/lib/utils.sh builds: libdm/ of
# the build tree first.
libpath=$(find -L "$tree/libdm/" "$tree/tools/" "$tree/daemons/" "$tree/liblvm/" -name "*.so" -printf "%h:")
ver=$(LD_LIBRARY_PATH=$libpath "$tree/tools/dmsetup" version 2>&1 | grep '^Library version:' || true)
lvmver=$(LD_LIBRARY_PATH=$libpath "$tree/tools/lvm" version 2>&1 | grep 'Library version:' || true)
say "dmsetup: ${ver:-no Library version line}"
say "lvm:     ${lvmver:-no Library version line}"
case $ver in *"$expect"*) ;; *) say "WRONG LIBRARY: dmsetup of $tree loads '$ver', expected '$expect'"; exit 3 ;; esac
case $lvmver in *"$expect"*) ;; *) say "WRONG LIBRARY: lvm of $tree loads '$lvmver', expected '$expect'"; exit 3 ;; esac

rc=0
cd "$tree/test"
for t in "$@"; do
	t=${t#shell/}; t=${t%.sh}
	[ -f "shell/$t.sh" ] || { say "no test shell/$t.sh"; rc=1; continue; }
	out=$results/work/$t
	rm -rf "$out"
	mkdir -p "$out"
	say "running shell/$t.sh"
	t0=$(date +%s)
	set +e
	LVM_TEST_DIR=/tmp ./lib/runner --testdir . --outdir "$out" --flavours ndev-vanilla \
		--only "shell/$t.sh" --timeout 1200 --batch >"$out/runner.out" 2>&1
	set -e
	t1=$(date +%s)
	cat "$out/runner.out" >&2
	res=$(awk -v id="ndev-vanilla:shell/$t.sh" '$1 == id { print $2 }' "$out/list" 2>/dev/null || true)
	log=$out/ndev-vanilla:shell_$t.sh.txt
	[ -f "$log" ] && cp "$log" "$results/logs/$t.log"
	if [ -z "$res" ]; then
		say "shell/$t.sh: the runner gave no result (see $out/runner.out)"
		rc=1
		continue
	fi
	wall=$(sed -n 's/.* \([0-9]*:[0-9][0-9]\) wall .*/\1/p' "$out/runner.out" | tail -1)
	# inittest prints `dmsetup version` at the start of every test
	logver=$(grep -m1 'Library version:' "$log" 2>/dev/null | sed 's/^\[[ 0-9:]*\] *//' || true)
	if [ "$res" != skipped ] || [ -n "$logver" ]; then
		case $logver in
			*"$expect"*) ;;
			*) say "WRONG LIBRARY in the log of shell/$t.sh: '$logver', expected '$expect'"
			   res=wronglib ;;
		esac
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$res" "$((t1 - t0))" "${wall:--}" "$meta" \
		"$(date -u +%Y-%m-%dT%H:%MZ)" "${logver:--}" >"$results/$t.result.tmp"
	mv "$results/$t.result.tmp" "$results/$t.result"
	rm -rf "$out"
	say "shell/$t.sh: $res in $((t1 - t0)) s"
	[ "$res" != wronglib ] || exit 3
done
exit $rc
}
