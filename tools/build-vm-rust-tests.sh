#!/bin/sh
# Builds the Rust integration tests that need the real kernel and copies
# their binaries to BUILD_DIR/rust-tests, for the VM suite to run.
# usage: build-vm-rust-tests.sh BUILD_DIR
set -eu
out=$1/rust-tests
mkdir -p "$out"
for t in kernel_scenarios; do
	exe=$(cargo test --locked --test "$t" --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("executable") and m.get("target", {}).get("name") == sys.argv[1]:
        print(m["executable"])' "$t")
	[ -n "$exe" ] || { echo "could not build the $t test" >&2; exit 1; }
	cp "$exe" "$out/$t"
done
