#!/bin/sh
# Differential test of the string, unit, percent and file helpers: builds
# strings_diff.c against Debian's libdevmapper (/usr/include, the C library)
# and against this library (include/, BUILD/lib), runs both, and compares
# their output line by line.
# usage: tests/diff/strings/run.sh [BUILD_DIR]     (default: build; `make lib` first)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
clib=${DM_REFERENCE_LIB:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
out=$build/diff/strings
mkdir -p "$out"
cflags="-std=gnu99 -O1 -Wall -Wextra -Werror"

[ -r /usr/include/libdevmapper.h ] || { echo "strings diff: /usr/include/libdevmapper.h missing (libdevmapper-dev)" >&2; exit 1; }
[ -r "$clib" ] || { echo "strings diff: reference library $clib missing" >&2; exit 1; }
[ -r "$build/lib/libdevmapper.so.1.02" ] || { echo "strings diff: $build/lib has no library (make lib)" >&2; exit 1; }

# The reference: the upstream header (the compiler's default search path)
# and the C library, by file name.
${CC:-cc} $cflags -o "$out/diff-c" "$here/strings_diff.c" "$clib"
# Ours: our header first, our library by rpath.
${CC:-cc} $cflags -I"$top/include" -o "$out/diff-rust" "$here/strings_diff.c" \
	-L"$build/lib" -Wl,-rpath,"$build/lib" -ldevmapper

resolves() { ldd "$1" | awk '/libdevmapper/ {print $3}'; }
case "$(resolves "$out/diff-rust")" in
"$build"/lib/*) ;;
*) echo "strings diff: diff-rust resolves libdevmapper to '$(resolves "$out/diff-rust")'" >&2; exit 1 ;;
esac
case "$(readlink -f "$(resolves "$out/diff-c")")" in
"$(readlink -f "$clib")") ;;
*) echo "strings diff: diff-c resolves libdevmapper to '$(resolves "$out/diff-c")', not $clib" >&2; exit 1 ;;
esac

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/c" "$scratch/rust"
# The scratch path is printed nowhere, so both runs give comparable output.
status=0
"$out/diff-c" "$scratch/c" > "$out/c.out" || { echo "strings diff: the C-library run failed" >&2; status=1; }
"$out/diff-rust" "$scratch/rust" > "$out/rust.out" || { echo "strings diff: our run failed" >&2; status=1; }

awk -v show=20 '
	NR == FNR { c[FNR] = $0; nc = FNR; next }
	{ r[FNR] = $0; nr = FNR }
	END {
		n = nc > nr ? nc : nr
		for (i = 1; i <= n; i++) {
			if (!(i in c) || !(i in r) || c[i] != r[i]) {
				m++
				if (m <= show) {
					print "line " i ":" > "/dev/stderr"
					print "  C:    " (i in c ? c[i] : "(missing)") > "/dev/stderr"
					print "  ours: " (i in r ? r[i] : "(missing)") > "/dev/stderr"
				}
			}
		}
		printf "strings diff: %d lines compared, %d differ\n", n, m + 0
		# two empty outputs are identical and prove nothing
		exit m > 0 || n == 0
	}' "$out/c.out" "$out/rust.out" || status=1
exit $status
