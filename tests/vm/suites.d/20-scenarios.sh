# Real-kernel deptree scenarios (issue 4): each C program on the C library
# and on ours. Only ours gets DM_TRACE (ioctl order checks) and
# DMRS_EXPECT_OFFTREE=1 (the off-tree layer refresh the C library leaves to
# its caller). Wrapper: tests/vm/scenario.sh NAME_PREFIX LOOPS SIZE BINARY ENV...
sc_trace=/tmp/dmrs-scenarios.trace
suite "scenario: mirror up-convert and collapse (seed 002) on the C library" \
	"$here/scenario.sh" dmrs-mc- 4 8M "$build/c-tests/tree_mirror_convert.clib"
suite "scenario: mirror up-convert and collapse, off-tree layer refreshed, on this library" \
	"$here/scenario.sh" dmrs-mc- 4 8M "$build/c-tests/tree_mirror_convert" DM_TRACE=$sc_trace.mc DMRS_EXPECT_OFFTREE=1
suite "scenario: snapshot merge (seed 003) on the C library" \
	"$here/scenario.sh" dmrs-mg- 2 8M "$build/c-tests/tree_merge.clib"
suite "scenario: snapshot merge on this library" \
	"$here/scenario.sh" dmrs-mg- 2 8M "$build/c-tests/tree_merge" DM_TRACE=$sc_trace.mg
suite "scenario: a stack six layers deep, suspended and resumed, on the C library" \
	"$here/scenario.sh" dmrs-six- 2 8M "$build/c-tests/tree_six_layers.clib"
suite "scenario: the same stack on this library, order checked in the trace" \
	"$here/scenario.sh" dmrs-six- 2 8M "$build/c-tests/tree_six_layers" DM_TRACE=$sc_trace.six
suite "scenario: thin snapshot with messages at suspend, transaction rules (seed 004) on the C library" \
	"$here/scenario.sh" dmrs-thin- 2 32M "$build/c-tests/tree_thin.clib"
suite "scenario: the same thin snapshot on this library, order checked in the trace" \
	"$here/scenario.sh" dmrs-thin- 2 32M "$build/c-tests/tree_thin" DM_TRACE=$sc_trace.thin
