# Fault injection, the fast subset (make faults runs the whole sweep): every
# ioctl of the three-layer stack scenario failed with EIO in turn, on this
# library: no device left suspended or behind, no inactive table, no lost
# data, no semaphore.
suite "fault injection: each ioctl of a deptree stack failing (EIO), nothing left behind" \
	"$here/../faults/sweep.sh" --errors EIO --libs ours --out "$build/faults-check" "$build" stack
