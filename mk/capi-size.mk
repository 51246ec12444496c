# capi-size: the C boundary's production lines and `unsafe` keywords
# (issue 13: a lean capi), each against a ceiling in tools/capi-size.sh that
# fails the check when capi grows. Instant; in make check.
.PHONY: capi-size
CHECK_EXTRA += capi-size

capi-size:
	tools/capi-size.sh
