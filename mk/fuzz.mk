# Fuzzing (cargo fuzz, libFuzzer): the crate in fuzz/ is its own workspace,
# not part of the library's build. Stable Rust runs it with
# RUSTC_BOOTSTRAP=1 (cargo fuzz passes -Z flags for the sanitizer).
#   make fuzz                 every target FUZZ_SECONDS (600) each, in turn
#                             (new inputs go to build/fuzz-corpus, not the committed corpus)
#   make fuzz-smoke           every target over its committed corpus, 5 s each
#   make fuzz FUZZ_TARGETS=status_mirror FUZZ_SECONDS=60
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_TARGETS ?= $(shell sed -n 's/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml | grep -v devmapper-fuzz)
FUZZ_ENV := RUSTC_BOOTSTRAP=1
.PHONY: fuzz fuzz-smoke fuzz-build

fuzz-build:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && $(FUZZ_ENV) $(CARGO) fuzz build -O

fuzz: fuzz-build
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		mkdir -p corpus/$$t $(OUT)/fuzz-corpus/$$t && \
		$(FUZZ_ENV) $(CARGO) fuzz run -O $$t $(OUT)/fuzz-corpus/$$t corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	done

fuzz-smoke: fuzz-build
	cd fuzz && for t in $(FUZZ_TARGETS); do \
		mkdir -p corpus/$$t $(OUT)/fuzz-corpus/$$t && \
		$(FUZZ_ENV) $(CARGO) fuzz run -O $$t $(OUT)/fuzz-corpus/$$t corpus/$$t -- \
			-max_total_time=$(FUZZ_SMOKE_SECONDS) || exit 1; \
	done
