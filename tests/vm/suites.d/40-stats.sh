# I/O statistics: the stats API program on both libraries (whole scenario,
# regions and groups crossing between the libraries, a file map on ext4),
# and Debian's dmstats on both libraries (about 3 minutes under TCG).
suite "stats API: same output on both libraries, regions and groups read across them, file maps" \
	"$here/stats-api.sh" "$build"
suite "dmstats: create, print, clear, delete, groups, histograms, file maps on both libraries" \
	"$here/stats.sh" "$build" "$here/stats.cmds"
suite "dmstats: regions and groups made by one library, read and changed by the other" \
	"$here/stats-cross.sh" "$build"
suite "dmstats: list and report on both libraries" "$here/stats.sh" "$build" "$here/stats-report.cmds"
