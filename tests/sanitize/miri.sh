#!/bin/sh
# The Rust unit tests that touch raw memory (pools, hashes, lists, bitsets,
# the ioctl buffer codec) under Miri. Miri is nightly-only: the stable
# toolchain cannot run it. When it is missing this script tries rustup
# (`rustup toolchain install nightly --profile minimal`, `rustup component
# add --toolchain nightly miri rust-src`); if Miri is still not there it
# fails: the README's "Miri clean" is a claim this run must back.
# usage: miri.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
if ! cargo +nightly miri --version >/dev/null 2>&1; then
	rustup toolchain install nightly --profile minimal >/dev/null 2>&1
	rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1
fi
if ! cargo +nightly miri --version >/dev/null 2>&1; then
	echo "miri.sh: FAILED: Miri is not available (needs rustup's nightly toolchain with the miri and rust-src components)" >&2
	exit 1
fi
# Its own target directory: Miri's artefacts differ from the normal build's.
CARGO_TARGET_DIR=$top/target/miri exec cargo +nightly miri test --lib -- \
	util::pool util::hash util::bitset kernel::ioctl capi::pool capi::hash capi::list capi::bitset
