# bench-tree-build: building a deptree of BENCH_TREE_N nodes (default
# 10 000) through the C API, no kernel (tests/bench/tree/tree_build.c), on
# Debian's C library and on ours: best wall time of three runs and
# callgrind instruction counts. Not a test, not in `make check`.
BENCH_TREE_N ?= 10000

.PHONY: bench-tree-build
bench-tree-build: lib
	tests/bench/tree/run.sh $(OUT) $(BENCH_TREE_N)
