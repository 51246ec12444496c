# Fault injection: every ioctl of every scenario in c-tests/faults failed in
# turn (strace -e inject=ioctl:error=E:when=N) with EIO, EBUSY and ENOMEM,
# on this library and on the C library, followed by the scenario's recovery
# and the checks of tests/faults/sweep.sh. Long (about an hour with udev on
# a 2-core machine); make check runs one scenario with EIO on this library
# (tests/vm/suites.d/60-faults.sh).
.PHONY: faults faults-build
FAULT_SCENARIOS ?=
FAULT_ERRORS ?= EIO EBUSY ENOMEM
FAULT_LIBS ?= ours clib

faults-build: lib
	tests/faults/build.sh $(OUT)

# The VM suite runs the fast subset, so it needs the scenarios built.
vm-check: faults-build

faults: lib vm-setup faults-build
	DM_VM_9P_CACHE=loose vm/run.sh --udev --timeout 14400 -- tests/faults/sweep.sh \
		--errors "$(FAULT_ERRORS)" --libs "$(FAULT_LIBS)" --out $(OUT)/faults-results $(OUT) $(FAULT_SCENARIOS)
