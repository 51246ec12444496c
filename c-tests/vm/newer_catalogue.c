/* The builders of libdm 1.02.213 that Debian's C library (1.02.185) does
 * not have: writecache, integrity, cachevol and vdo. Same form as
 * tree_catalogue.c (one tree per case, tables read back or "not loaded");
 * tests/vm/tree-catalogue.sh compares the output, and the table lines sent
 * (strace), with tests/vm/newer-catalogue.expected.
 * usage: newer_catalogue LOOP_A LOOP_B LOOP_C */
#include <libdevmapper.h>
#include "../check.h"

#define P "DMRS-NEW-"
#define CATALOGUE_HELPERS_ONLY

#include "tree_catalogue_cases.h"

static void writecache_case(const char *name, int pmem, uint32_t block, struct dm_writecache_settings *s)
{
	struct kase k;
	int built;

	begin(&k, name);
	sub(&k, "wcache", 0, 2048);
	sub(&k, "worig", 1, 4096);
	top(&k);
	built = dm_tree_node_add_writecache_target(k.top, 4096, uuid_of(&k, "worig"), uuid_of(&k, "wcache"), pmem, block, s);
	finish(&k, built);
}

static void integrity_case(const char *name, struct dm_integrity_settings *s, int recalculate)
{
	struct kase k;
	int built;

	begin(&k, name);
	sub(&k, "imeta", 2, 8192);
	sub(&k, "iorig", 0, 4096);
	top(&k);
	built = dm_tree_node_add_integrity_target(k.top, 4096, uuid_of(&k, "iorig"), uuid_of(&k, "imeta"), s, recalculate);
	finish(&k, built);
}

static void vdo_case(const char *name, uint32_t version, struct dm_vdo_target_params *p)
{
	struct kase k;
	int built;

	begin(&k, name);
	sub(&k, "vdata", 1, 8192);
	top(&k);
	built = dm_tree_node_add_vdo_target(k.top, 65536, version, "vpool", uuid_of(&k, "vdata"), 8192, p);
	finish(&k, built);
}

/* A cachevol case: the cache volume and the origin on fresh loop space;
 * with LAYERS, the metadata (sectors 0-4095) and data (4096-8191) devices
 * are given their linear tables over the cache volume here. */
static void cachevol_case(const char *name, int layers)
{
	char what[2][64];
	struct kase k;
	struct dm_tree_node *n;
	int built, i;

	begin(&k, name);
	sub(&k, "cvol", 0, 8192);
	sub(&k, "corig", 1, 4096);
	for (i = 0; i < 2; i++) {
		snprintf(what[i], sizeof(what[i]), "%s-%s", name, i ? "cdata" : "cmeta");
		n = dm_tree_add_new_dev(k.t, what[i], uuid_of(&k, i ? "cdata" : "cmeta"), 0, 0, 0, 0, NULL);
		if (layers) {
			dm_tree_node_add_linear_target(n, 4096);
			dm_tree_node_add_target_area(n, NULL, uuid_of(&k, "cvol"), i ? 4096 : 0);
		}
	}
	top(&k);
	built = dm_tree_node_add_cachevol_target(k.top, 4096, DM_CACHE_FEATURE_WRITEBACK | DM_CACHE_FEATURE_METADATA2,
						 uuid_of(&k, "cmeta"), uuid_of(&k, "cdata"), uuid_of(&k, "cvol"),
						 uuid_of(&k, "corig"), "smq", NULL, 0, 4096, 4096, 4096, 128);
	k.also[0] = what[0];
	k.also[1] = what[1];
	finish(&k, built);
}

int main(int argc, char **argv)
{
	struct dm_writecache_settings ws;
	struct dm_integrity_settings is;
	struct dm_vdo_target_params vp;

	if (argc != 4)
		return 2;
	dm_log_with_errno_init(to_stderr);
	loops[0] = argv[1];
	loops[1] = argv[2];
	loops[2] = argv[3];

	memset(&ws, 0, sizeof(ws));
	writecache_case("new-wc-ssd", 0, 0, &ws);
	ws.high_watermark_set = 1;
	ws.high_watermark = 50;
	ws.low_watermark_set = 1;
	ws.low_watermark = 10;
	ws.writeback_jobs_set = 1;
	ws.writeback_jobs = 64;
	ws.autocommit_blocks_set = 1;
	ws.autocommit_blocks = 16;
	ws.autocommit_time_set = 1;
	ws.autocommit_time = 1000;
	ws.max_age_set = 1;
	ws.max_age = 60000;
	ws.pause_writeback_set = 1;
	ws.pause_writeback = 100;
	writecache_case("new-wc-settings", 0, 512, &ws);
	memset(&ws, 0, sizeof(ws));
	ws.cleaner_set = 1;
	ws.cleaner = 1;
	ws.metadata_only_set = 1;
	ws.new_key = (char *) "low_watermark";
	ws.new_val = (char *) "5";
	writecache_case("new-wc-flags", 0, 4096, &ws);
	/* cleaner set to 0 is not written. A pmem cache ("p") is left to the
	 * unit tests: on a device without DAX the 6.1 kernel kills the
	 * loading process. */
	memset(&ws, 0, sizeof(ws));
	ws.cleaner_set = 1;
	ws.autocommit_time_set = 1;
	ws.autocommit_time = 500;
	writecache_case("new-wc-cleaner0", 0, 4096, &ws);

	memset(&is, 0, sizeof(is));
	strcpy(is.mode, "J");
	is.tag_size = 4;
	is.block_size = 512;
	is.internal_hash = "crc32c";
	integrity_case("new-integrity-j", &is, 0);
	is.journal_sectors_set = 1;
	is.journal_sectors = 1024;
	is.journal_watermark_set = 1;
	is.journal_watermark = 50;
	is.commit_time_set = 1;
	is.commit_time = 5000;
	is.buffer_sectors_set = 1;
	is.buffer_sectors = 64;
	integrity_case("new-integrity-jopts", &is, 0);
	memset(&is, 0, sizeof(is));
	strcpy(is.mode, "B");
	is.tag_size = 4;
	is.block_size = 4096;
	is.internal_hash = "crc32c";
	is.bitmap_flush_interval_set = 1;
	is.bitmap_flush_interval = 8000;
	is.sectors_per_bit_set = 1;
	is.sectors_per_bit = 8192;
	integrity_case("new-integrity-b", &is, 1);
	memset(&is, 0, sizeof(is));
	strcpy(is.mode, "D");
	is.tag_size = 4;
	is.block_size = 512;
	is.internal_hash = "crc32c";
	is.interleave_sectors_set = 1;
	is.interleave_sectors = 32768;
	is.allow_discards_set = 1;
	is.allow_discards = 1;
	integrity_case("new-integrity-d", &is, 0);

	/* cachevol as LVM builds it: the metadata and data devices are linear
	 * layers over one cache volume, made by the caller (libdm's builder
	 * only names them). */
	cachevol_case("new-cachevol", 1);

	/* vdo: not in the 6.1 kernel, so only the line sent is compared. */
	memset(&vp, 0, sizeof(vp));
	vp.minimum_io_size = 8;
	vp.block_map_cache_size_mb = 128;
	vp.block_map_era_length = 16380;
	vp.index_memory_size_mb = 256;
	vp.slab_size_mb = 2048;
	vp.max_discard = 1;
	vp.ack_threads = 1;
	vp.bio_threads = 4;
	vp.bio_rotation = 64;
	vp.cpu_threads = 2;
	vp.hash_zone_threads = 1;
	vp.logical_threads = 1;
	vp.physical_threads = 1;
	vp.use_compression = 1;
	vp.use_deduplication = 1;
	vp.write_policy = DM_VDO_WRITE_POLICY_AUTO;
	vdo_case("new-vdo-v4", 4, &vp);
	vp.use_metadata_hints = 1;
	vp.write_policy = DM_VDO_WRITE_POLICY_ASYNC;
	vp.minimum_io_size = 1;
	vdo_case("new-vdo-v2", 2, &vp);

	/* cachevol with metadata and data devices the caller gave no table:
	 * this library makes them the linear layers at the given start and
	 * length (a documented extension, docs/targets.md; libdm loads the
	 * cache over two empty devices, which the kernel refuses). */
	cachevol_case("new-cachevol-auto", 0);
	return DONE();
}
