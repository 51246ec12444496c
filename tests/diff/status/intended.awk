# The allow-list of the status diff: the differences from Debian's libdm
# 1.02.185 that are intended, because this library follows libdm 1.02.214
# there (docs/upstream.md). status_diff prints "intended TAG" in a case
# whose line is subject to one; this script rewrites the C library's
# output of that case into what 1.02.214 gives, and only that; run.sh then
# compares the result with our output exactly. Everything else must match
# the C library line for line.
#
# raid-all-legs-a (1.02.198, "Enhance dm_get_status_raid to handle
#   mismatching status or reported legs"): every leg 'a' while the sync
#   action is resync or idle: the first leg is reported 'A'.
#
# usage: awk -v counts=FILE -f intended.awk status-c.out > expected.out
/^== / { tag = "" }
/^  intended / { tag = $2 }
tag == "raid-all-legs-a" && /^  dev_health=\[a/ {
	sub(/^  dev_health=\[a/, "  dev_health=[A")
	n[tag]++
}
{ print }
END {
	for (t in n)
		printf "%s %d\n", t, n[t] > counts
}
