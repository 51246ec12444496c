# miri: the C API under Miri with Tree Borrows (issue 13). Every capi unit
# test, among them capi::tests, which drives trees and tasks through their
# extern "C" functions as a C caller does (a simulated kernel stands in for
# the real one). Needs rustup's nightly toolchain with the miri component
# (tools/install-deps.sh adds it); fails, saying so, when it is missing.
# MIRI_TESTS narrows the run (a test name filter). In make check: about
# 40 s when only the crate changed, 170 s from nothing (Miri's own sysroot
# built first), on 2 busy cores.
.PHONY: miri
CHECK_EXTRA += miri
MIRI_TESTS ?= capi::

miri:
	@$(CARGO) +nightly miri --version >/dev/null 2>&1 || { \
		echo "make miri: Miri is missing: rustup toolchain install nightly --profile minimal && rustup component add --toolchain nightly miri rust-src" >&2; \
		exit 1; }
	CARGO_TARGET_DIR=$(TOP)/target/miri MIRIFLAGS="-Zmiri-tree-borrows $(MIRIFLAGS)" \
		$(CARGO) +nightly miri test --locked --lib -- $(MIRI_TESTS)
