# Hostile input at the C boundary: every exported function called with
# valid arguments, then with NULL, "", over-long and invalid strings, 0 and
# maximal integers, one argument at a time, each call in a child process
# (tests/hostile/). The whole run takes seconds, so `hostile` is the full
# run; `hostile-full` is the same, for symmetry with the other suites.
.PHONY: hostile hostile-full
CHECK_EXTRA += hostile

hostile: lib
	tests/hostile/run.sh $(OUT)

hostile-full: hostile
