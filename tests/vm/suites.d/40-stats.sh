# I/O statistics: the stats API program on both libraries (whole scenario,
# regions and groups crossing between the libraries, a file map on ext4).
suite "stats API: same output on both libraries, regions and groups read across them, file maps" \
	"$here/stats-api.sh" "$build"
# Debian's dmstats prints through dm_report for every command: its suites
# need this library's dm_report (branch report), and run in `make stats-vm`
# (tests/vm/stats-only.sh sets STATS_DMSTATS=1) until the lead enables them
# here for everyone.
if grep -q 'not_implemented!("dm_report_init' "$here/../../src/capi/report.rs"; then
	echo "== dmstats on both libraries: SKIPPED (this library has no dm_report yet)"
elif [ -z "${STATS_DMSTATS:-}" ]; then
	echo "== dmstats on both libraries: SKIPPED here (make stats-vm runs them)"
else
	suite "dmstats: create, print, clear, delete, groups, histograms, file maps on both libraries" \
		"$here/stats.sh" "$build" "$here/stats.cmds"
	suite "dmstats: regions and groups made by one library, read and changed by the other" \
		"$here/stats-cross.sh" "$build"
	suite "dmstats: list and report on both libraries" "$here/stats.sh" "$build" "$here/stats-report.cmds"
fi
