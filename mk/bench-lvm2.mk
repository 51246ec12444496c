# bench-lvm2 (not a test, not in `make check`): LVM2 2.02.188's tools on
# LVM2's C libdm and on this library in one VM boot, taking turns step by
# step: vgchange -ay/-an of 20 and 200 linear LVs and of a pool with 20 and
# 200 thin LVs, a thin snapshot created and removed, lvs; DM ioctls (strace)
# and median wall time of each (tests/bench/lvm2/bench.sh). Results in
# build/bench/bench-lvm2.txt. BENCH_NS="20" BENCH_REPS=1 for a quick run.
.PHONY: bench-lvm2
bench-lvm2: lib vm-setup
	mkdir -p $(OUT)/bench
	tests/lvm2/build.sh $(OUT)/lvm2
	tests/lvm2/deps.sh
	DM_VM_ENV="BENCH_NS BENCH_REPS" vm/run.sh --timeout 7200 --load-scaled -- tests/bench/lvm2/bench.sh $(OUT)/lvm2 $(OUT)/lib \
		> $(OUT)/bench/bench-lvm2.txt 2>&1; rc=$$?; grep -v '^\[ ' $(OUT)/bench/bench-lvm2.txt; exit $$rc
