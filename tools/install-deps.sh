#!/bin/sh
# Installs the Debian packages the build and the host-side tests need, if
# any is missing (the VM harness installs its own in vm/setup.sh).
# Idempotent; needs root only when something is missing.
set -eu
need="gcc make pkg-config python3 binutils libdevmapper-dev linux-libc-dev dmsetup valgrind strace"
# the Python bindings' tests (make python-check) and their pip install check
need="$need python3-pytest python3-venv python3-pip python3-setuptools"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
if ! command -v cargo >/dev/null 2>&1; then
	echo "install-deps: cargo not found; install a Rust toolchain (rustup) first" >&2
	exit 1
fi
if ! cargo clippy --version >/dev/null 2>&1; then
	rustup component add clippy
fi
# make miri (in make check): rustup's nightly toolchain with Miri.
if ! cargo +nightly miri --version >/dev/null 2>&1; then
	if command -v rustup >/dev/null 2>&1; then
		rustup toolchain install nightly --profile minimal
		rustup component add --toolchain nightly miri rust-src
	else
		echo "install-deps: rustup not found: make miri needs its nightly toolchain with Miri" >&2
	fi
fi
