#!/bin/sh
# Compare the ABI/API layout of two libdevmapper.h headers.
#
#   run.sh INCLUDE_DIR_A INCLUDE_DIR_B
#
# A probe program is generated from the upstream header
# ($UPSTREAM_HEADER, default /usr/include/libdevmapper.h), compiled once
# against INCLUDE_DIR_A/libdevmapper.h and once against
# INCLUDE_DIR_B/libdevmapper.h, and the two outputs (one fact per line) are
# compared.  Exits non-zero if a compile fails or any fact differs.
# Environment: CC (default gcc), UPSTREAM_HEADER, LAYOUT_KEEP_TMP=1 to keep
# the temp dir (probe.c, outputs, compiler logs).

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 INCLUDE_DIR_A INCLUDE_DIR_B" >&2
	exit 2
fi
dir_a=$1
dir_b=$2
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-gcc}
upstream=${UPSTREAM_HEADER:-/usr/include/libdevmapper.h}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dm-layout.XXXXXX") || exit 2
if [ "${LAYOUT_KEEP_TMP:-0}" = 1 ]; then
	echo "layout: temp dir kept: $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

# 1. Generate the probe from the upstream header (once).
if ! python3 "$here/gen_layout_probe.py" --cc "$cc" -o "$tmp/probe.c" "$upstream"; then
	echo "layout: FAIL: probe generation failed" >&2
	exit 1
fi

# 2. Compile and run it against one include dir; output in $tmp/out.$side.
build_and_run() {
	side=$1
	dir=$2
	if [ ! -f "$dir/libdevmapper.h" ]; then
		echo "layout: FAIL: $dir/libdevmapper.h does not exist" >&2
		return 1
	fi
	# -I dirs are searched before /usr/include, so $dir wins; double-check
	# which libdevmapper.h the preprocessor actually picks.
	used=$("$cc" -std=gnu99 -I "$dir" -M "$tmp/probe.c" 2>/dev/null |
		tr ' \\' '\n\n' | grep '/libdevmapper\.h$' | head -n 1)
	want=$(realpath "$dir/libdevmapper.h")
	if [ -z "$used" ] || [ "$(realpath "$used")" != "$want" ]; then
		echo "layout: FAIL: side $side picked up '$used', not $want" >&2
		return 1
	fi
	if ! "$cc" -std=gnu99 -Wall -Werror -I "$dir" "$tmp/probe.c" \
		-o "$tmp/probe.$side" 2>"$tmp/cc.$side.log"; then
		echo "layout: FAIL: probe does not compile against $dir/libdevmapper.h:" >&2
		cat "$tmp/cc.$side.log" >&2
		return 1
	fi
	if ! "$tmp/probe.$side" >"$tmp/out.$side"; then
		echo "layout: FAIL: probe built against $dir crashed or failed" >&2
		return 1
	fi
}

ok=1
build_and_run A "$dir_a" || ok=0
build_and_run B "$dir_b" || ok=0
[ $ok = 1 ] || exit 1

# 3. Compare line by line (same probe => same keys in the same order).
awk -v a="$dir_a" -v b="$dir_b" '
	NR == FNR { A[FNR] = $0; na = FNR; next }
	{
		nb = FNR
		if (A[FNR] != $0) {
			diff[++m] = "- " A[FNR] "\n+ " $0
		}
	}
	END {
		if (na != nb) {
			printf "layout: fact count mismatch: %d (A) vs %d (B)\n", na, nb
			m++
		}
		printf "layout: %d facts compared, %d differ\n", na, m
		if (m) {
			printf "--- A: %s\n+++ B: %s\n", a, b
			for (i = 1; i <= m; i++)
				if (i in diff)
					print diff[i]
		}
		exit m ? 1 : 0
	}
' "$tmp/out.A" "$tmp/out.B"
