# Report engine and dm_regex (see notes/readme-report.md).

.PHONY: report-diff bench-report report-fuzz

# The same report and regex programs on Debian's C library and on ours.
report-diff: lib
	tests/diff/report/run.sh $(OUT)

CHECK_EXTRA += report-diff

# 100 000 rows, sorted, with a selection, under callgrind on both libraries.
bench-report: lib
	tests/bench/report/run.sh $(OUT)

# Each fuzz target of the report part for FUZZ_SECONDS (default 600).
report-fuzz:
	tools/fuzz-report.sh $${FUZZ_SECONDS:-600}
