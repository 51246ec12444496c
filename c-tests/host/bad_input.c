/* Bad input to every dm_task setter and to dm_task_run: each call gets a
 * failure return and a logged error, never a crash (runs without a kernel:
 * every refusal here happens before any ioctl). */
#include <libdevmapper.h>
#include "../check.h"
#include <string.h>

static int errors_logged;
static char last[512];

__attribute__((format(printf, 5, 6)))
static void count(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;

	(void) file; (void) line; (void) dm_errno;
	if ((level & 0xf) > 3)
		return;
	va_start(ap, f);
	vsnprintf(last, sizeof(last), f, ap);
	va_end(ap);
	errors_logged++;
}

/* The call fails and logs at least one error. */
#define REFUSED(call, name) do { \
	int before = errors_logged; \
	CHECK(!(call) && errors_logged > before, name); \
} while (0)

int main(void)
{
	char huge[4096];
	struct dm_task *dmt;
	uint64_t start, len;
	char *type, *params;

	dm_log_with_errno_init(count);
	memset(huge, 'x', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';

	dmt = dm_task_create(DM_DEVICE_CREATE);

	REFUSED(dm_task_set_name(NULL, "x"), "set_name: NULL task");
	REFUSED(dm_task_set_name(dmt, NULL), "set_name: NULL name");
	CHECK(dm_task_set_name(dmt, "") == 1, "set_name: empty means no name, as in libdm");
	REFUSED(dm_task_set_name(dmt, huge), "set_name: 4095 characters");
	REFUSED(dm_task_set_name(dmt, "a/b"), "set_name: '/' in a name to create");
	REFUSED(dm_task_set_name(dmt, "x\\x20 y"), "set_name: mixed mangled and unmangled");
	REFUSED(dm_task_set_uuid(dmt, NULL), "set_uuid: NULL");
	REFUSED(dm_task_set_uuid(dmt, huge), "set_uuid: 4095 characters");
	REFUSED(dm_task_set_uuid(dmt, "LVM-a/b"), "set_uuid: '/'");
	REFUSED(dm_task_set_newname(dmt, NULL), "set_newname: NULL");
	REFUSED(dm_task_set_newname(dmt, ""), "set_newname: empty");
	REFUSED(dm_task_set_newname(dmt, huge), "set_newname: too long");
	REFUSED(dm_task_set_newuuid(dmt, huge), "set_newuuid: too long");
	REFUSED(dm_task_set_message(dmt, NULL), "set_message: NULL");
	REFUSED(dm_task_set_geometry(dmt, "1", NULL, "3", "4"), "set_geometry: NULL part");
	REFUSED(dm_task_add_target(dmt, 0, 8, NULL, ""), "add_target: NULL type");
	REFUSED(dm_task_add_target(dmt, 0, 8, "zero", NULL), "add_target: NULL params");
	REFUSED(dm_task_add_target(dmt, 0, 8, "", ""), "add_target: empty type");
	REFUSED(dm_task_add_target(dmt, 0, 8, huge, ""), "add_target: huge type");
	REFUSED(dm_task_set_cookie(dmt, NULL, 0), "set_cookie: NULL cookie");
	REFUSED(dm_task_set_add_node(dmt, 7), "set_add_node: unknown value");
	REFUSED(dm_task_get_driver_version(dmt, NULL, 10), "get_driver_version: NULL buffer");
	REFUSED(dm_get_library_version(huge, 3), "get_library_version: buffer too small");
	REFUSED(dm_get_next_target(dmt, NULL, NULL, &len, &type, &params) != NULL, "get_next_target: NULL output");
	REFUSED(dm_task_get_read_ahead(dmt, NULL), "get_read_ahead: NULL output");
	REFUSED(dm_task_get_info(NULL, NULL), "get_info: NULL task");
	REFUSED(dm_task_get_deps(dmt) != NULL, "get_deps before run");
	REFUSED(dm_task_get_names(dmt) != NULL, "get_names before run");
	REFUSED(dm_set_name_mangling_mode(9), "set_name_mangling_mode: unknown mode");
	REFUSED(dm_task_run(NULL), "run: NULL task");
	dm_task_destroy(dmt);

	/* A task with nothing to address, and tables the library refuses. */
	dmt = dm_task_create(DM_DEVICE_INFO);
	REFUSED(dm_task_run(dmt), "run: INFO without a device");
	dm_task_destroy(dmt);

	dmt = dm_task_create(DM_DEVICE_CREATE);
	REFUSED(dm_task_run(dmt), "run: CREATE without a name");
	dm_task_destroy(dmt);

	dmt = dm_task_create(DM_DEVICE_RELOAD);
	dm_task_set_name(dmt, "dmrs-bad-input");
	REFUSED(dm_task_run(dmt), "run: RELOAD with no table");
	CHECK(dm_task_add_target(dmt, 0, 0, "zero", ""), "a zero-length target is accepted by add_target");
	REFUSED(dm_task_run(dmt), "run: a zero-length target is refused before the ioctl");
	dm_task_destroy(dmt);

	dmt = dm_task_create(DM_DEVICE_RENAME);
	dm_task_set_name(dmt, "dmrs-bad-input");
	REFUSED(dm_task_run(dmt), "run: RENAME without a new name");
	dm_task_destroy(dmt);

	dmt = dm_task_create(DM_DEVICE_TARGET_MSG);
	dm_task_set_name(dmt, "dmrs-bad-input");
	REFUSED(dm_task_run(dmt), "run: TARGET_MSG without a message");
	dm_task_destroy(dmt);

	/* Iterating a task with no targets ends at once. */
	dmt = dm_task_create(DM_DEVICE_TABLE);
	CHECK(dm_get_next_target(dmt, NULL, &start, &len, &type, &params) == NULL && type == NULL,
	      "get_next_target on an empty task returns NULL");
	/* A bogus iteration handle is bounds-checked. */
	CHECK(dm_get_next_target(dmt, (void *) 12345, &start, &len, &type, &params) == NULL && type == NULL,
	      "get_next_target with a bogus handle returns NULL");
	dm_task_destroy(dmt);

	/* Tree building with uuids the tree does not hold (the C library
	 * crashes later in preload after this one). */
	{
		struct dm_tree *tree = dm_tree_create();
		struct dm_tree_node *snap = dm_tree_add_new_dev(tree, "dmrs-bad-snap", "DMRS-BAD-snap", 0, 0, 0, 0, NULL);

		REFUSED(dm_tree_node_add_snapshot_target(snap, 8, "DMRS-BAD-none", "DMRS-BAD-cow", 1, 16), "snapshot: unknown origin uuid");
		REFUSED(dm_tree_node_add_target_area(snap, NULL, "DMRS-BAD-none", 0), "target area: unknown uuid");
		REFUSED(dm_tree_node_add_target_area(snap, "/nonexistent/device", NULL, 0), "target area: missing device path");
		REFUSED(dm_tree_add_new_dev(tree, "x", NULL, 0, 0, 0, 0, NULL) != NULL, "add_new_dev: NULL uuid");
		REFUSED(dm_tree_add_new_dev(tree, "a/b", "DMRS-BAD-ab", 0, 0, 0, 0, NULL) != NULL, "add_new_dev: '/' in the name");
		REFUSED(dm_tree_node_add_linear_target(NULL, 8), "linear target: NULL node");
		REFUSED(dm_tree_next_child(NULL, NULL, 0) != NULL, "next_child: NULL arguments");
		dm_tree_free(tree);
	}

	/* Target builders given what crashes the C library (NULL raid type,
	 * parameters or policy name) or what only the newer builders take. */
	{
		struct dm_tree *tree = dm_tree_create();
		struct dm_tree_node *n = dm_tree_add_new_dev(tree, "dmrs-bad-t", "DMRS-BAD-t", 0, 0, 0, 0, NULL);
		struct dm_vdo_target_params vtp;
		struct dm_integrity_settings is;
		struct dm_writecache_settings ws;

		dm_tree_add_new_dev(tree, "dmrs-bad-m", "DMRS-BAD-m", 0, 0, 0, 0, NULL);
		dm_tree_add_new_dev(tree, "dmrs-bad-d", "DMRS-BAD-d", 0, 0, 0, 0, NULL);
		memset(&vtp, 0, sizeof(vtp));
		memset(&is, 0, sizeof(is));
		memset(&ws, 0, sizeof(ws));
		REFUSED(dm_tree_node_add_raid_target(n, 8, NULL, 0, 0, 0, 0), "raid: NULL type");
		REFUSED(dm_tree_node_add_raid_target(NULL, 8, "raid1", 0, 0, 0, 0), "raid: NULL node");
		REFUSED(dm_tree_node_add_raid_target_with_params(n, 8, NULL), "raid params: NULL");
		REFUSED(dm_tree_node_add_raid_target_with_params_v2(n, 8, NULL), "raid params v2: NULL");
		REFUSED(dm_tree_node_add_raid_target(n, 8, "raid6_zz", 0, 0, 0, 0) == 1 || strcmp(last, "Unsupported raid type raid6_zz.") != 0, "raid: unknown type, libdm's message");
		REFUSED(dm_tree_node_add_null_area(n, 0), "null area: no segment");
		CHECK(dm_tree_node_add_raid_target(n, 8, "raid10", 0, 0, 0, 0) == 1, "raid10 segment");
		REFUSED(dm_tree_node_add_null_area(n, 0), "null area: not on raid10 (as libdm)");
		REFUSED(dm_tree_node_add_cache_target(n, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BAD-m", "DMRS-BAD-d", NULL, NULL, NULL, 64), "cache: NULL policy and origin");
		REFUSED(dm_tree_node_add_cache_target(n, 8, DM_CACHE_FEATURE_WRITEBACK, NULL, NULL, NULL, "smq", NULL, 64), "cache: NULL uuids");
		REFUSED(dm_tree_node_add_cachevol_target(n, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BAD-m", "DMRS-BAD-d", "DMRS-BAD-none", "DMRS-BAD-d", "smq", NULL, 0, 8, 8, 8, 64), "cachevol: unknown cache volume");
		REFUSED(dm_tree_node_add_writecache_target(n, 8, "DMRS-BAD-d", "DMRS-BAD-none", 0, 4096, &ws), "writecache: unknown cache uuid");
		REFUSED(dm_tree_node_add_writecache_target(n, 8, NULL, "DMRS-BAD-m", 0, 4096, NULL), "writecache: NULL origin and settings");
		REFUSED(dm_tree_node_add_integrity_target(n, 8, "DMRS-BAD-d", NULL, &is, 0) || strcmp(last, "No integrity meta uuid.") != 0, "integrity: no metadata uuid, libdm's message");
		REFUSED(dm_tree_node_add_integrity_target(n, 8, "DMRS-BAD-d", "DMRS-BAD-m", NULL, 0), "integrity: NULL settings");
		REFUSED(dm_tree_node_add_vdo_target(n, 8, 4, "vpool", "DMRS-BAD-d", 8, NULL), "vdo: NULL parameters");
		REFUSED(dm_tree_node_add_vdo_target(n, 8, 4, "vpool", "DMRS-BAD-d", 8, &vtp), "vdo: all-zero parameters");
		vtp.minimum_io_size = 8;
		vtp.block_map_cache_size_mb = 128;
		vtp.block_map_era_length = 1;
		vtp.index_memory_size_mb = 256;
		vtp.slab_size_mb = 128;
		vtp.max_discard = 1;
		vtp.bio_threads = 1;
		vtp.bio_rotation = 1;
		vtp.cpu_threads = 1;
		vtp.hash_zone_threads = 1;
		REFUSED(dm_tree_node_add_vdo_target(n, 8, 4, "vpool", "DMRS-BAD-d", 8, &vtp) ||
			strcmp(last, "Value of vdo_hash_zone_threads(1), vdo_logical_threads(0), vdo_physical_threads(0) must be all zero or all non-zero.") != 0,
			"vdo: zone threads partly zero, libdm's message");
		vtp.hash_zone_threads = 0;
		CHECK(dm_tree_node_add_vdo_target(n, 8, 4, "vpool", "DMRS-BAD-d", 8, &vtp) == 1, "vdo: minimal valid parameters");
		REFUSED(dm_tree_node_add_replicator_target(n, 8, NULL, NULL, 0, 0, 0, 0, 0) || strcmp(last, "Replicator segment is unsupported.") != 0, "replicator: libdm's refusal");
		dm_tree_free(tree);
	}

	dm_log_with_errno_init(NULL);
	return DONE();
}
