
/* cbindgen puts this part after the include guard: it has its own. */
#ifndef LIB_DEVICE_MAPPER_H_HANDWRITTEN
#define LIB_DEVICE_MAPPER_H_HANDWRITTEN

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Written by hand: what cbindgen cannot express ---- */

#define DM_STATS_ALL_PROGRAMS ""
#define DM_UDEV_DEV_DIR "/dev/"
/* As upstream: refers to a name upstream never defines. */
#define DM_CACHE_METADATA_MAX_SECTORS DM_THIN_METADATA_MAX_SECTORS

struct dm_status_cache {
	uint64_t version;
	uint32_t metadata_block_size;	/* in 512B sectors */
	uint32_t block_size;		/* AKA 'chunk_size' */
	uint64_t metadata_used_blocks;
	uint64_t metadata_total_blocks;
	uint64_t used_blocks;
	uint64_t dirty_blocks;
	uint64_t total_blocks;
	uint64_t read_hits;
	uint64_t read_misses;
	uint64_t write_hits;
	uint64_t write_misses;
	uint64_t demotions;
	uint64_t promotions;
	uint64_t feature_flags;		/* DM_CACHE_FEATURE_* */
	int core_argc;
	char **core_argv;
	char *policy_name;
	int policy_argc;
	char **policy_argv;
	unsigned error : 1;		/* detected error (switches to fail soon) */
	unsigned fail : 1;		/* all I/O fails */
	unsigned needs_check : 1;	/* metadata needs check */
	unsigned read_only : 1;		/* metadata may not be changed */
	uint32_t reserved : 28;
};

struct dm_status_snapshot {
	uint64_t used_sectors;		/* in 512b units */
	uint64_t total_sectors;
	uint64_t metadata_sectors;
	unsigned has_metadata_sectors : 1;
	unsigned invalid : 1;
	unsigned merge_failed : 1;
	unsigned overflow : 1;
};

struct dm_status_thin_pool {
	uint64_t transaction_id;
	uint64_t used_metadata_blocks;
	uint64_t total_metadata_blocks;
	uint64_t used_data_blocks;
	uint64_t total_data_blocks;
	uint64_t held_metadata_root;
	uint32_t read_only;		/* metadata may not be changed */
	dm_thin_discards_t discards;
	uint32_t fail : 1;		/* all I/O fails */
	uint32_t error_if_no_space : 1;	/* otherwise queue_if_no_space */
	uint32_t out_of_data_space : 1;	/* data cannot be allocated */
	uint32_t needs_check : 1;	/* metadata needs check */
	uint32_t error : 1;		/* detected error (switches to fail soon) */
	uint32_t reserved : 27;
};

struct dm_status_thin {
	uint64_t mapped_sectors;
	uint64_t highest_mapped_sector;
	uint32_t fail : 1;		/* thin volume fails I/O */
	uint32_t reserved : 31;
};

struct dm_writecache_settings {
	char *new_key;			/* a key the library does not know */
	char *new_val;
	/* Each flag is 1 when the matching value below is set. */
	unsigned high_watermark_set:1;
	unsigned low_watermark_set:1;
	unsigned writeback_jobs_set:1;
	unsigned autocommit_blocks_set:1;
	unsigned autocommit_time_set:1;
	unsigned fua_set:1;
	unsigned nofua_set:1;
	unsigned cleaner_set:1;
	unsigned max_age_set:1;
	unsigned metadata_only_set:1;
	unsigned pause_writeback_set:1;
	uint32_t reserved : 21;
	uint64_t high_watermark;
	uint64_t low_watermark;
	uint64_t writeback_jobs;
	uint64_t autocommit_blocks;
	uint64_t autocommit_time;	/* in milliseconds */
	uint32_t fua;
	uint32_t nofua;
	uint32_t cleaner;
	uint32_t max_age;		/* in milliseconds */
	uint32_t metadata_only;
	uint32_t pause_writeback;	/* in milliseconds */
};

struct dm_integrity_settings {
	char mode[8];
	uint32_t tag_size;
	uint32_t block_size;
	const char *internal_hash;
	uint32_t journal_sectors;
	uint32_t interleave_sectors;
	uint32_t buffer_sectors;
	uint32_t journal_watermark;
	uint32_t commit_time;
	uint32_t bitmap_flush_interval;
	uint64_t sectors_per_bit;
	uint32_t allow_discards;
	unsigned journal_sectors_set:1;
	unsigned interleave_sectors_set:1;
	unsigned buffer_sectors_set:1;
	unsigned journal_watermark_set:1;
	unsigned commit_time_set:1;
	unsigned bitmap_flush_interval_set:1;
	unsigned sectors_per_bit_set:1;
	unsigned allow_discards_set:1;
};

struct dm_vdo_target_params {
	uint32_t minimum_io_size;	/* in sectors */
	uint32_t block_map_cache_size_mb;
	union {
		uint32_t block_map_era_length;	/* format period */
		uint32_t block_map_period;	/* alias */
	};
	uint32_t index_memory_size_mb;
	uint32_t slab_size_mb;
	uint32_t max_discard;
	uint32_t ack_threads;
	uint32_t bio_threads;
	uint32_t bio_rotation;
	uint32_t cpu_threads;
	uint32_t hash_zone_threads;
	uint32_t logical_threads;
	uint32_t physical_threads;
	int use_compression;
	int use_deduplication;
	int use_metadata_hints;
	int use_sparse_index;
	enum dm_vdo_write_policy write_policy;
};

/* Report field and reserved value descriptions: their members are const. */
struct dm_report_field_type {
	uint32_t type;		/* object type id */
	uint32_t flags;		/* DM_REPORT_FIELD_* */
	uint32_t offset;	/* byte offset in the object */
	int32_t width;		/* default width */
	const char id[DM_REPORT_FIELD_TYPE_ID_LEN];
	const char heading[DM_REPORT_FIELD_TYPE_HEADING_LEN];
	int (*report_fn)(struct dm_report *rh, struct dm_pool *mem,
			 struct dm_report_field *field, const void *data,
			 void *private_data);
	const char *desc;	/* description of the field */
};

struct dm_report_reserved_value {
	const uint32_t type;	/* DM_REPORT_FIELD_RESERVED_VALUE_* | DM_REPORT_FIELD_TYPE_* */
	const void *value;	/* the value, typed by 'type' */
	const char **names;	/* NULL-terminated names of this value */
	const char *description;
};

/* Variadic string helpers. */
int dm_snprintf(char *buf, size_t bufsize, const char *format, ...)
    __attribute__ ((format(printf, 3, 4)));
int dm_asprintf(char **buf, const char *format, ...)
    __attribute__ ((format(printf, 2, 3)));
int dm_vasprintf(char **buf, const char *format, va_list ap)
    __attribute__ ((format(printf, 2, 0)));

/* Memory: the wrappers record the caller's file and line. */
#define dm_malloc(s) dm_malloc_wrapper((s), __FILE__, __LINE__)
#define dm_malloc_aligned(s, a) dm_malloc_aligned_wrapper((s), (a),  __FILE__, __LINE__)
#define dm_zalloc(s) dm_zalloc_wrapper((s), __FILE__, __LINE__)
#define dm_strdup(s) dm_strdup_wrapper((s), __FILE__, __LINE__)
#define dm_free(p) dm_free_wrapper(p)
#define dm_realloc(p, s) dm_realloc_wrapper((p), (s), __FILE__, __LINE__)
#define dm_dump_memory() dm_dump_memory_wrapper()
#define dm_bounds_check() dm_bounds_check_wrapper()

/*
 * Bitsets: element 0 holds the number of bits, the bits follow.
 */
#define DM_BITS_PER_INT ((unsigned)sizeof(int) * CHAR_BIT)
#define dm_bit(bs, i) \
   ((bs)[((i) / DM_BITS_PER_INT) + 1] & (0x1 << ((i) & (DM_BITS_PER_INT - 1))))
#define dm_bit_set(bs, i) \
   ((bs)[((i) / DM_BITS_PER_INT) + 1] |= (0x1 << ((i) & (DM_BITS_PER_INT - 1))))
#define dm_bit_clear(bs, i) \
   ((bs)[((i) / DM_BITS_PER_INT) + 1] &= ~(0x1 << ((i) & (DM_BITS_PER_INT - 1))))
#define dm_bit_set_all(bs) \
   memset((bs) + 1, -1, ((*(bs) / DM_BITS_PER_INT) + 1) * sizeof(int))
#define dm_bit_clear_all(bs) \
   memset((bs) + 1, 0, ((*(bs) / DM_BITS_PER_INT) + 1) * sizeof(int))
#define dm_bit_copy(bs1, bs2) \
   memcpy((bs1) + 1, (bs2) + 1, ((*(bs2) / DM_BITS_PER_INT) + 1) * sizeof(int))

/* Number of set bits in a 32-bit word. */
static inline unsigned hweight32(uint32_t i)
{
	unsigned r = (i & 0x55555555) + ((i >> 1) & 0x55555555);

	r = (r & 0x33333333) + ((r >> 2) & 0x33333333);
	r = (r & 0x0F0F0F0F) + ((r >> 4) & 0x0F0F0F0F);
	r = (r & 0x00FF00FF) + ((r >> 8) & 0x00FF00FF);
	return (r & 0x0000FFFF) + ((r >> 16) & 0x0000FFFF);
}

/* Hash tables. */
#define dm_hash_iterate(v, h) \
	for (v = dm_hash_get_first((h)); v; \
	     v = dm_hash_get_next((h), v))

/* Lists: a head whose n and p point at the first and last element. */
#define DM_LIST_HEAD_INIT(name)	 { &(name), &(name) }
#define DM_LIST_INIT(name)	struct dm_list name = DM_LIST_HEAD_INIT(name)
/* The struct of type t whose member 'head' is at v. */
#define dm_list_struct_base(v, t, head) \
    ((t *)((char *)(v) - offsetof(t, head)))
#define dm_list_item(v, t) dm_list_struct_base((v), t, list)
/* Field f of the struct of type t whose member e is at v. */
#define dm_struct_field(v, t, e, f) \
    (((t *)((uintptr_t)(v) - offsetof(t, e))->f)
#define dm_list_head(v, t, e) dm_struct_field(v, t, e, list)
#define dm_list_iterate(v, head) \
	for (v = (head)->n; v != head; v = v->n)
#define dm_list_uniterate(v, head, start) \
	for (v = (start)->p; v != head; v = v->p)
#define dm_list_iterate_safe(v, t, head) \
	for (v = (head)->n, t = v->n; v != head; v = t, t = v->n)
#define dm_list_iterate_items_gen(v, head, field) \
	for (v = dm_list_struct_base((head)->n, __typeof__(*v), field); \
	     &v->field != (head); \
	     v = dm_list_struct_base(v->field.n, __typeof__(*v), field))
#define dm_list_iterate_items(v, head) dm_list_iterate_items_gen(v, (head), list)
#define dm_list_iterate_items_gen_safe(v, t, head, field) \
	for (v = dm_list_struct_base((head)->n, __typeof__(*v), field), \
	     t = dm_list_struct_base(v->field.n, __typeof__(*v), field); \
	     &v->field != (head); \
	     v = t, t = dm_list_struct_base(v->field.n, __typeof__(*v), field))
#define dm_list_iterate_items_safe(v, t, head) \
	dm_list_iterate_items_gen_safe(v, t, (head), list)
#define dm_list_iterate_back_items_gen(v, head, field) \
	for (v = dm_list_struct_base((head)->p, __typeof__(*v), field); \
	     &v->field != (head); \
	     v = dm_list_struct_base(v->field.p, __typeof__(*v), field))
#define dm_list_iterate_back_items(v, head) dm_list_iterate_back_items_gen(v, (head), list)

/* Stats walks. */
#define dm_stats_foreach_region(dms)				\
for (dm_stats_walk_init((dms), DM_STATS_WALK_REGION),		\
     dm_stats_walk_start((dms));				\
     !dm_stats_walk_end((dms)); dm_stats_walk_next_region((dms)))
#define dm_stats_foreach_area(dms)				\
for (dm_stats_walk_init((dms), DM_STATS_WALK_AREA),		\
     dm_stats_walk_start((dms));				\
     !dm_stats_walk_end((dms)); dm_stats_walk_next((dms)))
#define dm_stats_foreach_group(dms)				\
for (dm_stats_walk_init((dms), DM_STATS_WALK_GROUP),		\
     dm_stats_walk_start(dms);					\
     !dm_stats_walk_end(dms);					\
     dm_stats_walk_next(dms))
/* A do/while walk: the body runs at least once. */
#define dm_stats_walk_do(dms)					\
do {								\
	dm_stats_walk_start((dms));				\
	do
#define dm_stats_walk_while(dms)				\
	while(!dm_stats_walk_end((dms)));			\
} while (0)

#ifdef __cplusplus
}
#endif

#endif /* LIB_DEVICE_MAPPER_H_HANDWRITTEN */
