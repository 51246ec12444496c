#!/bin/sh
# The host C test programs (c-tests/host, built by c-tests/run-host.sh) and
# a short leak soak (c-tests/soak) under valgrind memcheck: no error, no
# definite leak (--errors-for-leak-kinds=definite makes a definite leak an
# error), on this library.
# usage: valgrind.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (tools/install-deps.sh)" >&2; exit 1; }
"$top/c-tests/run-host.sh" "$build" > "$build/c-tests/run-host.log" 2>&1 || { cat "$build/c-tests/run-host.log"; exit 1; }
flags=$(PKG_CONFIG_PATH="$build/pkgconfig" pkg-config --cflags --libs devmapper)
${CC:-cc} -std=gnu99 -O2 -Wall -Wextra -Werror -o "$build/c-tests/soak" "$top/c-tests/soak/soak.c" $flags
status=0
run() {
	name=$1; shift
	if valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 "$@" \
		> "$build/c-tests/$name.valgrind.out" 2> "$build/c-tests/$name.valgrind.err"; then
		echo "valgrind: $name: no error, no definite leak"
	else
		echo "valgrind: $name: FAILED (exit $?)"; status=1
		grep -A12 -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|[0-9,]+ .*definitely)' "$build/c-tests/$name.valgrind.err" | head -60
	fi
}
for src in "$top"/c-tests/host/*.c; do
	name=$(basename "$src" .c)
	run "$name" "$build/c-tests/$name"
done
SOAK_IGNORE_RSS=1 run soak "$build/c-tests/soak" 2000 50
exit $status
