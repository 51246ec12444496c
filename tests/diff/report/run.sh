#!/bin/sh
# Differential test of the report engine and dm_regex: builds report_diff.c
# and regex_diff.c against Debian's libdevmapper (/usr/include, the C
# library) and against this library (include/, BUILD/lib), runs both, and
# compares their outputs line by line.
# usage: tests/diff/report/run.sh [BUILD_DIR]   (default: build; `make lib` first)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
clib=${DM_REFERENCE_LIB:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
out=$build/diff/report
mkdir -p "$out"
cflags="-std=gnu99 -O1 -Wall -Wextra -Wno-missing-field-initializers -Werror"

[ -r /usr/include/libdevmapper.h ] || { echo "report diff: /usr/include/libdevmapper.h missing (libdevmapper-dev)" >&2; exit 1; }
[ -r "$clib" ] || { echo "report diff: reference library $clib missing" >&2; exit 1; }
[ -r "$build/lib/libdevmapper.so.1.02" ] || { echo "report diff: $build/lib has no library (make lib)" >&2; exit 1; }

status=0
for prog in report_diff regex_diff; do
	${CC:-cc} $cflags -o "$out/$prog-c" "$here/$prog.c" "$clib"
	${CC:-cc} $cflags -I"$top/include" -o "$out/$prog-rust" "$here/$prog.c" \
		-L"$build/lib" -Wl,-rpath,"$build/lib" -ldevmapper
	case "$(ldd "$out/$prog-rust" | awk '/libdevmapper/ {print $3}')" in
	"$build"/lib/*) ;;
	*) echo "report diff: $prog-rust does not load $build/lib" >&2; exit 1 ;;
	esac
	args=
	[ "$prog" = regex_diff ] && args="$here/regex_cases.txt"
	env -u LD_LIBRARY_PATH "$out/$prog-c" $args > "$out/$prog-c.out" 2>&1 || { echo "report diff: $prog on the C library failed" >&2; status=1; }
	env -u LD_LIBRARY_PATH "$out/$prog-rust" $args > "$out/$prog-rust.out" 2>&1 || { echo "report diff: $prog on this library failed" >&2; status=1; }
	lines=$(wc -l < "$out/$prog-c.out")
	# Two empty outputs are identical and prove nothing.
	[ "$lines" -gt 0 ] || { echo "report diff: $prog on the C library printed nothing: nothing was compared" >&2; status=1; }
	if diff -u "$out/$prog-c.out" "$out/$prog-rust.out" > "$out/$prog.diff"; then
		echo "report diff: $prog: $lines lines compared, 0 differ"
	else
		head -60 "$out/$prog.diff" >&2
		echo "report diff: $prog: outputs differ ($(grep -c '^[-+][^-+]' "$out/$prog.diff" || true) changed lines of $lines; $out/$prog.diff)" >&2
		status=1
	fi
done
exit $status
