#!/bin/sh
# The size of the C boundary: production lines of src/capi (every .rs file
# except src/capi/tests/, each read up to its `#[cfg(test)]` module) and the
# `unsafe` keywords in them (exported functions and blocks; comments not
# counted). Fails when either grows past its ceiling, so that a change
# adding boundary code has to say why by raising the ceiling here.
#
# Issue 13's baseline (commit a33ea3b, 2026-12-03): 9,652 lines, 1,277 unsafe.
set -eu
cd "$(dirname "$0")/.."
max_lines=${CAPI_MAX_LINES:-7372}
max_unsafe=${CAPI_MAX_UNSAFE:-557}

production() {
	find src/capi -name '*.rs' -not -path 'src/capi/tests/*' | sort | while read -r f; do
		awk '/^#\[cfg\(test\)\]/ { exit } { print }' "$f"
	done
}

lines=$(production | wc -l)
code=$(production | grep -v '^[[:space:]]*//')
unsafe=$(printf '%s\n' "$code" | grep -oE '\bunsafe\b' | wc -l)
exported=$(printf '%s\n' "$code" | grep -cE 'unsafe extern "C" fn')
echo "capi: $lines production lines (ceiling $max_lines; 9652 at a33ea3b)"
echo "capi: $unsafe unsafe ($exported exported functions, $((unsafe - exported)) blocks and helpers; ceiling $max_unsafe; 1277 at a33ea3b)"
status=0
if [ "$lines" -gt "$max_lines" ]; then
	echo "capi-size: $lines lines is over the ceiling of $max_lines" >&2
	status=1
fi
if [ "$unsafe" -gt "$max_unsafe" ]; then
	echo "capi-size: $unsafe unsafe is over the ceiling of $max_unsafe" >&2
	status=1
fi
exit $status
