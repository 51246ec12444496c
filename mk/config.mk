# Config trees (dm_config_*): the differential test against Debian's C
# library (fast, in `make check`) and the callgrind benchmark (long, own target).

.PHONY: config-diff bench-config

config-diff: lib
	tests/diff/config/run.sh $(OUT)

CHECK_EXTRA += config-diff

# Parses and writes LVM metadata with 1000 LVs BENCH_CONFIG_N times under
# callgrind, linked to Debian's C library and to ours; prints both totals.
BENCH_CONFIG_N ?= 10
bench-config: lib
	tests/bench/config/run.sh $(OUT) $(BENCH_CONFIG_N)
