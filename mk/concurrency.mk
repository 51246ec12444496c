# Concurrency: 8 processes x 8 threads creating, querying, renaming and
# removing their own devices for 2 minutes, on this library and on the C
# library (one lock per process for it), without and with udev (~10 min).
.PHONY: concurrency
CONC_ARGS ?= 8 8 120

concurrency: lib vm-setup
	tests/concurrency/build.sh $(OUT)
	vm/run.sh --timeout 900 -- tests/concurrency/run.sh $(OUT) $(CONC_ARGS)
	vm/run.sh --udev --timeout 900 -- tests/concurrency/run.sh $(OUT) $(CONC_ARGS)
