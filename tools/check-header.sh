#!/bin/sh
# Fails when the header cbindgen generates differs from the committed one.
# usage: check-header.sh GENERATED COMMITTED
set -eu
if ! diff -u "$2" "$1" > /tmp/header-diff.$$; then
	cat /tmp/header-diff.$$ | head -60
	rm -f /tmp/header-diff.$$
	echo "header-check: FAIL: $2 is out of date; run 'make header' and commit it" >&2
	exit 1
fi
rm -f /tmp/header-diff.$$
echo "header-check: $2 matches what cbindgen generates"
