/*
 * devmapper-pvmove.h: the mirror/pvmove helpers of devmapper, an extension
 * of libdevmapper (not in upstream's library). Link with -ldevmapper; the
 * symbols carry their own version node, DEVMAPPER_PVMOVE_1.
 *
 * A move takes the linear segments that some device-mapper volumes have on
 * a source block device to a destination device while the volumes stay in
 * use, through a temporary "dmpvmove-MAJ_MIN" device:
 *   - by segment (atomic = 0): one segment is copied at a time; an abort
 *     keeps the copied segments on the destination;
 *   - atomic (atomic = 1): one mirror over everything; an abort leaves all
 *     on the source.
 * After each call that may change it, save dmpv_state() somewhere durable;
 * dmpv_restart() takes it back (after a crash the mirrors resynchronise).
 * Every function logs its errors through the libdevmapper log and returns
 * 0 or NULL on failure.
 */
#ifndef DEVMAPPER_PVMOVE_H
#define DEVMAPPER_PVMOVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dmpv_move;

/* Starts a move of `count` volumes (names or uuids) from the source to
 * the next free areas of the destination; region_size in sectors (a power
 * of two). */
struct dmpv_move *dmpv_start(const char *const *volumes, unsigned count,
			     uint32_t src_major, uint32_t src_minor,
			     uint32_t dst_major, uint32_t dst_minor,
			     int atomic, uint32_t region_size);

/* Continues a move from its saved state, recreating its devices if needed. */
struct dmpv_move *dmpv_restart(const char *state);

/* A handle over a saved state that touches no device (to abort or stop). */
struct dmpv_move *dmpv_load(const char *state);

/* Progress: *fraction of the moved sectors in sync, *done when the copy is
 * complete (then call dmpv_finish). Advances a by-segment move. */
int dmpv_poll(struct dmpv_move *move, double *fraction, int *done);

/* Points every volume at the destination and removes the pvmove device. */
int dmpv_finish(struct dmpv_move *move);

/* Abandons the move (see above for where the segments end up). */
int dmpv_abort(struct dmpv_move *move);

/* Takes the volumes and the pvmove device down cleanly, to restart later. */
int dmpv_stop(struct dmpv_move *move);

/* The state to persist, as text; free() it. */
char *dmpv_state(struct dmpv_move *move);

/* Frees the handle; the devices stay as they are. */
void dmpv_destroy(struct dmpv_move *move);

#ifdef __cplusplus
}
#endif

#endif
