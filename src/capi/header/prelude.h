#ifndef __GNUC__
# define __typeof__ typeof
#endif

#define DM_TO_STRING_EXP(A) #A
#define DM_TO_STRING(A) DM_TO_STRING_EXP(A)
#define DM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Log functions (variadic, so written here rather than generated).
 * Use dm_log_with_errno_init(NULL) to restore the default, which prints
 * errors to stderr and, when verbose, the rest to stdout.
 */
typedef void (*dm_log_with_errno_fn) (int level, const char *file, int line,
				      int dm_errno_or_class, const char *f, ...)
    __attribute__ ((format(printf, 5, 6)));
typedef void (*dm_log_fn) (int level, const char *file, int line,
			   const char *f, ...)
    __attribute__ ((format(printf, 4, 5)));

/*
 * Structs with bitfields or anonymous unions, which cbindgen cannot write:
 * declared here, defined at the end of this header.
 */
typedef struct dm_status_cache dm_status_cache;
typedef struct dm_status_snapshot dm_status_snapshot;
typedef struct dm_status_thin_pool dm_status_thin_pool;
typedef struct dm_status_thin dm_status_thin;
typedef struct dm_writecache_settings dm_writecache_settings;
typedef struct dm_integrity_settings dm_integrity_settings;
typedef struct dm_vdo_target_params dm_vdo_target_params;
/* And structs with const members, which cbindgen cannot write either. */
typedef struct dm_report_field_type dm_report_field_type;
typedef struct dm_report_reserved_value dm_report_reserved_value;

/* Opaque (the library lays it out with its tree pointer first, as libdm). */
typedef struct dm_tree_node dm_tree_node;

#ifdef __cplusplus
}
#endif
