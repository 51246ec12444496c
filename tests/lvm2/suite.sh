#!/bin/bash
# tests/lvm2/suite.sh [OPTIONS] [TEST...]
#
# Runs LVM2 2.02.188's own shell tests (test/shell/NAME.sh, flavour
# ndev-vanilla, LVM's lib/runner) in the test VM, on LVM2's bundled C libdm
# (1.02.172) or on this project's library, and keeps one result per test and
# library on disk, so that a run stopped half-way resumes where it stopped.
#
#   --lib c|ours       which library (default ours)
#   --ours-lib FILE    our library to test (default build/lib/libdevmapper.so.1.02
#                      of this repository); a copy is taken at the start, and
#                      the commit of the repository FILE sits in is recorded
#                      (+dirty when its tracked files differ from that commit,
#                      +older-lib when FILE is older than the commit)
#   --list FILE|NAMES  the tests: a file (one name a line, # comments) or
#                      names separated by commas or spaces; TEST arguments add
#                      to it.  Default: tests/lvm2/list.  (Environment: LIST)
#   --results DIR      where results are kept (default build/lvm2-suite/LIB)
#   --rerun WHAT       none (default): a test with a result is not run again;
#                      all; failed (anything but passed/skipped/warnings);
#                      stale (results made with another library file)
#                      (Environment: RERUN)
#   --per-boot N       tests per VM boot (default 1: a fresh kernel for each)
#   --vms N            VMs at once (default 2)
#   --smp N            guest CPUs (default 1)
#                      (measured on this 2-core host: a 1-CPU guest runs these
#                      sequential shell tests about twice as fast as a 2-CPU
#                      one, and two 1-CPU guests at once finish a pair of
#                      tests in 0.6 to 0.7 of the time of one after the other)
#   --mem MB           guest memory (default 3072; LVM_TEST_DIR is its tmpfs)
#   --budget SECS      VM time allowed per test (default 3600)
#   --9p-cache MODE    DM_VM_9P_CACHE of the boots (default loose: the trees
#                      and the host's tools do not change during a run)
#   --dry-run          prepare the tree and the library, say what would run, stop
#   --compare FILE     afterwards exit 1 if a test that passed in FILE (a
#                      results.tsv, e.g. tests/lvm2/c-results.tsv) did not
#                      pass here
#
# Results: DIR/NAME.result (one line, see guest.sh), DIR/logs/NAME.log (the
# runner's log), DIR/vm/*.log (each boot's output), and DIR/results.tsv, all
# results with a header, rewritten after every run.  The build trees are
# build/lvm2 (C) and build/lvm2-ours (ours: its libdm/libdevmapper.so* are
# real copies of our library), made by tests/lvm2/build.sh; the guest checks
# `dmsetup version`/`lvm version` and every test log for the expected
# "Library version:" line and stops with status 3 on any other.
# Exit status: 0 every listed test has a result; 1 some have none (VM or
# harness error) or --compare found a regression; 2 bad usage; 3 wrong library.
{ # one block, read whole before it runs: editing the file cannot disturb a run
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
say() { printf 'lvm2 suite: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

lib=ours
ours_lib=$top/build/lib/libdevmapper.so.1.02
list=${LIST:-}
results=
rerun=${RERUN:-none}
per_boot=1
vms=${LVM2_VMS:-2}
smp=${LVM2_SMP:-1}
mem=3072
budget=3600
p9cache=${DM_VM_9P_CACHE:-loose}
compare=
dry=0
extra=()
while [ $# -gt 0 ]; do
	case $1 in
		--lib) lib=${2:?}; shift 2 ;;
		--ours-lib) ours_lib=${2:?}; shift 2 ;;
		--list) list=${2:?}; shift 2 ;;
		--results) results=${2:?}; shift 2 ;;
		--rerun) rerun=${2:?}; shift 2 ;;
		--per-boot) per_boot=${2:?}; shift 2 ;;
		--vms) vms=${2:?}; shift 2 ;;
		--smp) smp=${2:?}; shift 2 ;;
		--mem) mem=${2:?}; shift 2 ;;
		--budget) budget=${2:?}; shift 2 ;;
		--compare) compare=${2:?}; shift 2 ;;
		--9p-cache) p9cache=${2:?}; shift 2 ;;
		--dry-run) dry=1; shift ;;
		-h|--help) usage ;;
		-*) say "unknown option $1"; usage ;;
		*) extra+=("$1"); shift ;;
	esac
done
case $lib in c|ours) ;; *) say "--lib must be c or ours"; usage ;; esac
case $rerun in none|all|failed|stale) ;; *) say "--rerun must be none, all, failed or stale"; usage ;; esac
for n in "$per_boot" "$vms" "$smp" "$mem" "$budget"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { say "not a positive number: $n"; usage; }
done
[ -z "$compare" ] || [ -r "$compare" ] || die "--compare: cannot read $compare"
results=${results:-$top/build/lvm2-suite/$lib}

# ---- the list ----------------------------------------------------------------
names=()
add_names() { # words, with or without shell/ and .sh
	local w
	for w in "$@"; do
		w=${w#shell/}; w=${w%.sh}
		[ -n "$w" ] && names+=("$w")
	done
}
if [ -z "$list" ] && [ ${#extra[@]} = 0 ]; then
	list=$top/tests/lvm2/list
fi
if [ -n "$list" ]; then
	if [ -f "$list" ]; then
		# shellcheck disable=SC2046
		add_names $(sed -e 's/#.*//' "$list" | awk 'NF { print $1 }')
	else
		add_names $(printf '%s\n' "$list" | tr ',' ' ')
	fi
fi
add_names "${extra[@]+"${extra[@]}"}"
[ ${#names[@]} -gt 0 ] || die "no tests to run"
# de-duplicate, keeping the order
mapfile -t names < <(printf '%s\n' "${names[@]}" | awk '!seen[$0]++')

# ---- dependencies, build trees, library ------------------------------------------
"$top/tests/lvm2/deps.sh"
if [ $lib = c ]; then
	tree=$top/build/lvm2
	"$top/tests/lvm2/build.sh" "$tree"
else
	tree=$top/build/lvm2-ours
	"$top/tests/lvm2/build.sh" "$tree"
fi
for t in "${names[@]}"; do
	[ -f "$tree/src/test/shell/$t.sh" ] || die "no such LVM2 shell test: shell/$t.sh"
done
mkdir -p "$results/logs" "$results/vm"
results=$(cd "$results" && pwd -P)

# One suite run per tree at a time: ours swaps the library in the tree.
exec 9>"$tree/.suite.lock"
flock -n 9 || die "another suite run holds $tree/.suite.lock; wait for it"

if [ $lib = c ]; then
	expect="1.02.172 (2021-05-07)"
	libfile=$tree/src/libdm/ioctl/libdevmapper.so.1.02
	[ "$(readlink -f "$tree/src/libdm/libdevmapper.so.1.02")" = "$(readlink -f "$libfile")" ] ||
		die "$tree/src/libdm/libdevmapper.so.1.02 is not LVM2's own library; remove $tree and run again"
	commit=lvm2-2.02.188
else
	# our version string (1.02.185, later 1.02.214) always says "(devmapper ...)"
	expect="(devmapper "
	[ -f "$ours_lib" ] || die "our library $ours_lib does not exist (make lib)"
	snap=$(mktemp "$tree/libdevmapper.XXXXXX")
	cp "$ours_lib" "$snap"
	repo=$(cd "$(dirname "$ours_lib")" && git rev-parse --show-toplevel 2>/dev/null) || repo=
	if [ -n "$repo" ]; then
		commit=$(git -C "$repo" rev-parse --short HEAD)
		git -C "$repo" diff --quiet HEAD -- 2>/dev/null || commit=$commit+dirty
		# a library file older than the commit may not contain it
		if [ "$(stat -c %Y "$ours_lib")" -lt "$(git -C "$repo" log -1 --format=%ct HEAD)" ]; then
			say "WARNING: $ours_lib is older than $repo's HEAD ($commit): rebuild it (make lib)"
			commit=$commit+older-lib
		fi
	else
		commit=unknown
	fi
	d=$tree/src/libdm
	for f in "$d/libdevmapper.so.1.02" "$d/libdevmapper.so" "$d/ioctl/libdevmapper.so.1.02" "$d/ioctl/libdevmapper.so"; do
		rm -f "$f"
		cp "$snap" "$f"
		chmod 0755 "$f"
	done
	rm -f "$snap"
	libfile=$d/libdevmapper.so.1.02
	printf 'library %s\ncommit %s\nsha256 %s\ncopied %s\n' "$ours_lib" "$commit" \
		"$(sha256sum "$libfile" | cut -d' ' -f1)" "$(date -u +%FT%TZ)" >"$tree/LIBRARY"
	say "our library: $ours_lib at $commit"
fi
sha=$(sha256sum "$libfile" | cut -c1-12)
meta=$(printf '%s\t%s\t%s\t%s\t%s' "$lib" "$commit" "$sha" "$smp" "$per_boot")

# ---- what is left to run -------------------------------------------------------------
todo=()
for t in "${names[@]}"; do
	r=$results/$t.result
	if [ -f "$r" ]; then
		res=$(cut -f2 "$r")
		case $rerun in
			none) continue ;;
			failed) case $res in passed|skipped|warnings) continue ;; esac ;;
			stale) [ "$(cut -f7 "$r")" != "$sha" ] || continue ;;
		esac
		mv "$r" "$r.old"
	fi
	todo+=("$t")
done
say "${#names[@]} tests listed, ${#todo[@]} to run on $lib ($results)"
if [ $dry = 1 ]; then
	say "library in $tree/src/libdm: $(LD_LIBRARY_PATH=$tree/src/libdm "$tree/src/tools/dmsetup" version 2>/dev/null | grep 'Library version' || true) (sha256 $sha, $commit)"
	printf '%s\n' "${todo[@]}"
	exit 0
fi

# ---- run ------------------------------------------------------------------------------
batches=()
for ((i = 0; i < ${#todo[@]}; i += per_boot)); do
	batches+=("${todo[*]:i:per_boot}")
done
stamp=$(date +%Y%m%d-%H%M%S)
run_batch() { # INDEX TESTS...
	local idx=$1; shift
	local vlog=$results/vm/$stamp-$idx.log rc t
	local tmo=$((budget * $# + 120))
	say "boot $idx: $* (log $vlog)"
	set +e
	DM_VM_SMP=$smp DM_VM_9P_CACHE=$p9cache "$top/vm/run.sh" --mem "$mem" --timeout "$tmo" -- \
		"$top/tests/lvm2/guest.sh" "$tree/src" "$results" "$expect" "$meta" "$@" >"$vlog" 2>&1
	rc=$?
	set -e
	for t in "$@"; do
		if [ -f "$results/$t.result" ]; then
			say "$(cut -f1-3 "$results/$t.result" | tr '\t' ' ') s"
			rm -f "$results/$t.result.old"
		elif [ $rc = 124 ]; then
			# the VM ran out of time inside this test
			printf '%s\ttimeout\t%s\tvm\t%s\t%s\t-\n' "$t" "$tmo" "$meta" "$(date -u +%Y-%m-%dT%H:%MZ)" >"$results/$t.result"
			cp "$vlog" "$results/logs/$t.log"
			say "$t timeout (the VM's $tmo s ran out)"
			rc=0
		else
			say "$t: no result (VM exit status $rc; see $vlog)"
			[ -f "$results/$t.result.old" ] && mv "$results/$t.result.old" "$results/$t.result"
		fi
	done
	if [ $rc = 3 ]; then
		touch "$results/.wronglib"
		say "WRONG LIBRARY in the guest (see $vlog); stopping"
	fi
	return 0
}
rm -f "$results/.wronglib"
t_start=$(date +%s)
running=0
for ((b = 0; b < ${#batches[@]}; b++)); do
	[ -e "$results/.wronglib" ] && break
	if [ "$vms" = 1 ]; then
		# shellcheck disable=SC2086
		run_batch "$b" ${batches[b]}
		continue
	fi
	while [ "$running" -ge "$vms" ]; do
		wait -n || true
		running=$((running - 1))
	done
	# shellcheck disable=SC2086
	run_batch "$b" ${batches[b]} &
	running=$((running + 1))
done
wait || true
say "ran ${#todo[@]} tests in $(( ($(date +%s) - t_start) / 60 )) min"

# ---- collect --------------------------------------------------------------------------
{
	printf '#test\tresult\tseconds\trunner_wall\tlib\tcommit\tlib_sha256\tsmp\tper_boot\tdate\tlibrary_version\n'
	# every result in the directory, not only this run's list
	find "$results" -maxdepth 1 -name '*.result' -print0 | sort -z | xargs -0r cat
} >"$results/results.tsv.tmp"
mv "$results/results.tsv.tmp" "$results/results.tsv"
missing=0
for t in "${names[@]}"; do
	[ -f "$results/$t.result" ] || { say "no result: $t"; missing=$((missing + 1)); }
done
printf '%s\n' "${names[@]}" | awk -F'\t' 'FNR == NR { want[$1] = 1; next }
	!/^#/ && ($1 in want) { n[$2]++; tot++ } END {
	s = ""; for (r in n) s = s " " r " " n[r]; printf "lvm2 suite: %d results of this list:%s\n", tot, s }' - "$results/results.tsv" >&2
say "table: $results/results.tsv"
[ -e "$results/.wronglib" ] && exit 3
status=0
[ "$missing" = 0 ] || status=1
if [ -n "$compare" ]; then
	bad=$(printf '%s\n' "${names[@]}" | awk -F'\t' 'FILENAME == "-" { want[$1] = 1; next }
		FILENAME == ref { if (!/^#/) c[$1] = $2; next }
		!/^#/ && ($1 in want) && ($1 in c) && (c[$1] == "passed" || c[$1] == "warnings") && $2 != "passed" && $2 != "warnings" {
			printf "  %s: %s here, %s in the reference\n", $1, $2, c[$1] }' ref="$compare" - "$compare" "$results/results.tsv")
	if [ -n "$bad" ]; then
		say "tests that pass in $compare but not here:"
		printf '%s\n' "$bad" >&2
		status=1
	else
		say "no test that passes in $compare fails here"
	fi
fi
exit $status
}
