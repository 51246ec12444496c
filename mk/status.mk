# Status parsers: the same corpus of status lines (good and malformed)
# through Debian's C library and ours, every struct field and log line
# compared (tests/diff/status).
.PHONY: status-diff
status-diff: lib
	tests/diff/status/run.sh $(OUT)

CHECK_EXTRA += status-diff
