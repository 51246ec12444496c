#!/bin/sh
# The Rust unit tests that touch raw memory (pools, hashes, lists, bitsets,
# the ioctl buffer codec) under Miri, if a nightly toolchain with Miri is
# there or can be added (rustup). Miri is nightly-only: the stable
# toolchain cannot run it. Without it: says so and exits 0, so that the
# valgrind and soak parts of `make sanitize` still count.
# usage: miri.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
if ! cargo +nightly miri --version >/dev/null 2>&1; then
	rustup toolchain install nightly --profile minimal >/dev/null 2>&1
	rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1
fi
if ! cargo +nightly miri --version >/dev/null 2>&1; then
	echo "miri.sh: Miri is not available here (needs rustup's nightly toolchain with the miri component): skipped"
	exit 0
fi
# Its own target directory: Miri's artefacts differ from the normal build's.
CARGO_TARGET_DIR=$top/target/miri exec cargo +nightly miri test --lib -- \
	util::pool util::hash util::bitset kernel::ioctl capi::pool capi::hash capi::list capi::bitset
