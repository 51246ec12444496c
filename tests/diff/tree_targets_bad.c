/* Bad parameters to the raid, cache, null-area and replicator builders:
 * prints each call's result and the errors it logged, so that the output
 * on the C library and on this one can be compared line by line. Every
 * refusal here happens before any ioctl. Calls that crash the C library
 * (NULL raid type or policy name) are in c-tests/host/bad_input.c. */
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char logged[2048];

__attribute__((format(printf, 5, 6)))
static void record(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;
	size_t n = strlen(logged);

	(void) file; (void) line; (void) dm_errno;
	if ((level & 0xf) > 3 || n + 4 >= sizeof(logged))
		return;
	strcat(logged, " | ");
	va_start(ap, f);
	vsnprintf(logged + n + 3, sizeof(logged) - n - 3, f, ap);
	va_end(ap);
}

#define TRY(name, call) do { \
	int r_; \
	logged[0] = '\0'; \
	r_ = (call); \
	printf("%s: %d%s\n", name, r_, logged); \
} while (0)

static struct dm_tree_node *dev(struct dm_tree *t, const char *name)
{
	char uuid[64];

	snprintf(uuid, sizeof(uuid), "DMRS-BADT-%s", name);
	return dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
}

int main(void)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_tree_node *n, *c;
	struct dm_tree_node_raid_params p1;
	struct dm_tree_node_raid_params_v2 p2;
	struct dm_config_node settings, child[2];
	struct dm_config_value value[2];

	dm_log_with_errno_init(record);
	dev(t, "meta");
	dev(t, "data");
	dev(t, "origin");

	n = dev(t, "raid");
	TRY("raid: unknown type raid7", dm_tree_node_add_raid_target(n, 8, "raid7", 0, 0, 0, 0));
	TRY("raid: type names are case-sensitive", dm_tree_node_add_raid_target(n, 8, "RAID1", 0, 0, 0, 0));
	TRY("raid: an empty type", dm_tree_node_add_raid_target(n, 8, "", 0, 0, 0, 0));
	memset(&p1, 0, sizeof(p1));
	p1.raid_type = "raid5_xx";
	TRY("raid params v1: unknown type", dm_tree_node_add_raid_target_with_params(n, 8, &p1));
	memset(&p2, 0, sizeof(p2));
	p2.raid_type = "mirror";
	TRY("raid params v2: a non-raid type", dm_tree_node_add_raid_target_with_params_v2(n, 8, &p2));

	n = dev(t, "empty");
	TRY("null area on a node without segments", dm_tree_node_add_null_area(n, 0));
	n = dev(t, "lin");
	TRY("linear target", dm_tree_node_add_linear_target(n, 8));
	TRY("null area on a linear segment", dm_tree_node_add_null_area(n, 0));
	n = dev(t, "zero");
	TRY("zero target", dm_tree_node_add_zero_target(n, 8));
	TRY("null area on a zero segment", dm_tree_node_add_null_area(n, 0));

	c = dev(t, "cache");
	TRY("cache: no mode", dm_tree_node_add_cache_target(c, 8, 0, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	TRY("cache: two modes", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK | DM_CACHE_FEATURE_WRITETHROUGH, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	TRY("cache: three modes", dm_tree_node_add_cache_target(c, 8, 7, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	TRY("cache: metadata2 alone", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_METADATA2, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	TRY("cache: no_discard_passdown", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_NO_DISCARD_PASSDOWN | DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	TRY("cache: an unknown high bit", dm_tree_node_add_cache_target(c, 8, (1ULL << 40) | DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	TRY("cache: block size 32", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 32));
	TRY("cache: block size 4194304", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 4194304));
	TRY("cache: missing metadata device", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-none", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", NULL, 64));
	c = dev(t, "cache2");
	TRY("cache: missing data device", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-none", "DMRS-BADT-origin", "smq", NULL, 64));
	c = dev(t, "cache3");
	TRY("cache: missing origin device", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-none", "smq", NULL, 64));

	memset(&settings, 0, sizeof(settings));
	memset(child, 0, sizeof(child));
	memset(value, 0, sizeof(value));
	settings.key = "policy_settings";
	settings.child = &child[0];
	child[0].key = "sequential_threshold";
	child[0].v = &value[0];
	value[0].type = DM_CFG_STRING;
	value[0].v.str = "lots";
	c = dev(t, "cache4");
	TRY("cache: a string policy setting", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", &settings, 64));
	value[0].type = DM_CFG_INT;
	value[0].v.i = 10;
	child[0].sib = &child[1];
	child[1].key = "random_threshold";
	child[1].v = NULL;
	c = dev(t, "cache5");
	TRY("cache: a policy setting without value", dm_tree_node_add_cache_target(c, 8, DM_CACHE_FEATURE_WRITEBACK, "DMRS-BADT-meta", "DMRS-BADT-data", "DMRS-BADT-origin", "smq", &settings, 64));

	n = dev(t, "repl");
	TRY("replicator", dm_tree_node_add_replicator_target(n, 8, "DMRS-BADT-meta", "ringbuffer", 0, DM_REPLICATOR_SYNC, 0, 0, 0));
	TRY("replicator-dev", dm_tree_node_add_replicator_dev_target(n, 8, "DMRS-BADT-repl", 0, "DMRS-BADT-data", 0, NULL, 0, 0));
	dm_tree_free(t);
	return 0;
}
