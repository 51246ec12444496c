# The report engine: Debian's dmsetup report commands on both libraries.
suite "Debian dmsetup: report commands (info -c, -S, -O, deps -o, splitname), same output on both libraries" \
	"$here/dmsetup-compare.sh" "$build" "$here/dmsetup-report.cmds"
