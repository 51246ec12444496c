/* The per-case part of tree_catalogue.c: raid and cache builders, each case
 * in a tree of its own with the uuid prefix DMRS-CAT-<NN>-. Sub-devices are
 * linear devices on fresh space of the three loop devices (never reused, so
 * no case sees another's raid or cache metadata). The includer defines P,
 * the uuid prefix, and includes check.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Prints NAME's table with every "major:minor" replaced by the name of
 * the device it is (loopN, or a catalogue device). */
static void print_table(const char *name)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_TABLE);
	uint64_t start, len;
	char *type, *params, word[256];
	void *next = NULL;

	if (!dmt || !dm_task_set_name(dmt, name) || !dm_task_run(dmt)) {
		printf("%s: no table\n", name);
		dm_task_destroy(dmt);
		return;
	}
	do {
		const char *p;
		int n;

		next = dm_get_next_target(dmt, next, &start, &len, &type, &params);
		if (!type)
			break;
		printf("%s: %llu %llu %s", name, (unsigned long long) start, (unsigned long long) len, type);
		for (p = params; p && sscanf(p, "%255s%n", word, &n) == 1; p += n) {
			unsigned ma, mi;
			char devname[128];

			if (sscanf(word, "%u:%u", &ma, &mi) == 2 && strchr(word, ':')
			    && dm_device_get_name(ma, mi, 0, devname, sizeof(devname)))
				printf(" <%s>", devname);
			else
				printf(" %s", word);
		}
		printf("\n");
	} while (next);
	dm_task_destroy(dmt);
}

/* Library errors go to stderr, which the comparison leaves out: the two
 * libraries word kernel refusals differently. */
__attribute__((format(printf, 5, 6)))
static void to_stderr(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;

	(void) file; (void) line; (void) dm_errno;
	if ((level & 0xf) > 3)
		return;
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
}


/* The original cache builder (dm_tree_node_add_cache_target@Base). */
int cache_target_base(struct dm_tree_node *node, uint64_t size, uint64_t feature_flags,
		      const char *metadata_uuid, const char *data_uuid, const char *origin_uuid,
		      const char *policy_name, const struct dm_config_node *policy_settings,
		      uint32_t data_block_size);
__asm__(".symver cache_target_base,dm_tree_node_add_cache_target@Base");

static const char *loops[3];
static uint64_t next_sector[3] = { 16384, 16384, 16384 };
static int case_nr;

struct kase {
	struct dm_tree *t;
	char prefix[32];
	const char *name;
	struct dm_tree_node *top;
	const char *also[3];	/* more devices whose tables to print */
};

static void begin(struct kase *k, const char *name)
{
	k->t = dm_tree_create();
	snprintf(k->prefix, sizeof(k->prefix), P "%02d-", ++case_nr);
	k->name = name;
	k->top = NULL;
	memset(k->also, 0, sizeof(k->also));
}

/* A linear sub-device of SIZE sectors on fresh space of loop LOOP. */
static struct dm_tree_node *sub(struct kase *k, const char *what, int loop, uint64_t size)
{
	char name[64], uuid[96];
	struct dm_tree_node *n;

	snprintf(name, sizeof(name), "%s-%s", k->name, what);
	snprintf(uuid, sizeof(uuid), "%s%s", k->prefix, what);
	n = dm_tree_add_new_dev(k->t, name, uuid, 0, 0, 0, 0, NULL);
	dm_tree_node_add_linear_target(n, size);
	dm_tree_node_add_target_area(n, loops[loop], NULL, next_sector[loop]);
	next_sector[loop] += size;
	return n;
}

static const char *uuid_of(struct kase *k, const char *what)
{
	static char uuid[4][96];
	static int i;

	i = (i + 1) % 4;
	snprintf(uuid[i], sizeof(uuid[i]), "%s%s", k->prefix, what);
	return uuid[i];
}

static struct dm_tree_node *top(struct kase *k)
{
	char uuid[96];

	snprintf(uuid, sizeof(uuid), "%stop", k->prefix);
	k->top = dm_tree_add_new_dev(k->t, k->name, uuid, 0, 0, 0, 0, NULL);
	return k->top;
}

/* Prints whether the builder calls succeeded and how many devices the top
 * node uses, then preloads and activates the case and prints the table
 * the kernel holds, or "not loaded"; then removes the case's devices. */
static void finish(struct kase *k, int built)
{
	struct dm_tree_node *root = dm_tree_find_node(k->t, 0, 0);
	int ok;

	printf("%s: built %d, uses %d devices\n", k->name, built, k->top ? dm_tree_node_num_children(k->top, 0) : -1);
	ok = built && dm_tree_preload_children(root, k->prefix, strlen(k->prefix)) &&
	     dm_tree_activate_children(root, k->prefix, strlen(k->prefix));
	if (ok) {
		int i;

		print_table(k->name);
		for (i = 0; i < 3 && k->also[i]; i++)
			print_table(k->also[i]);
	} else
		printf("%s: not loaded\n", k->name);
	CHECK(dm_tree_deactivate_children(root, k->prefix, strlen(k->prefix)), "remove the case's devices");
	dm_tree_free(k->t);
}

#ifndef CATALOGUE_HELPERS_ONLY
/* N metadata/data pairs for a raid case (rmeta 128 sectors, rimage SIZE)
 * spread over the three loops; pair i is left out (null areas) where the
 * bit i of NULLS is set, and metadata devices are left out when META is 0. */
static int raid_areas(struct kase *k, int n, uint64_t size, int meta, unsigned nulls)
{
	char what[24];
	int i, r = 1;

	for (i = 0; i < n; i++) {
		if (nulls & (1u << i)) {
			r &= dm_tree_node_add_null_area(k->top, 0);
			r &= dm_tree_node_add_null_area(k->top, 0);
			continue;
		}
		if (meta) {
			snprintf(what, sizeof(what), "rmeta%d", i);
			sub(k, what, i % 3, 128);
			r &= dm_tree_node_add_target_area(k->top, NULL, uuid_of(k, what), 0);
		} else
			r &= dm_tree_node_add_null_area(k->top, 0);
		snprintf(what, sizeof(what), "rimage%d", i);
		sub(k, what, i % 3, size);
		r &= dm_tree_node_add_target_area(k->top, NULL, uuid_of(k, what), 0);
	}
	return r;
}

/* A raid case through dm_tree_node_add_raid_target_with_params_v2. */
static void raid_v2(const char *name, struct dm_tree_node_raid_params_v2 *p, int n, int meta, unsigned nulls)
{
	struct kase k;
	int built;

	begin(&k, name);
	top(&k);
	built = dm_tree_node_add_raid_target_with_params_v2(k.top, (uint64_t) 1024 * (p->stripes ? p->stripes : 1), p);
	built = built && raid_areas(&k, n, 1024, meta, nulls);
	finish(&k, built);
}

static void raid_cases(char **argv)
{
	struct dm_tree_node_raid_params_v2 v2;
	struct dm_tree_node_raid_params v1;
	static const char *r5[] = { "raid5_la", "raid5_ra", "raid5", "raid5_rs", "raid5_n", NULL };
	static const char *r6[] = { "raid6", "raid6_nr", "raid6_nc", "raid6_n_6", "raid6_la_6", "raid6_ra_6", "raid6_ls_6", "raid6_rs_6", NULL };
	struct kase k;
	int i, built;

	/* raid0 without metadata devices, and raid0_meta with them. */
	memset(&v2, 0, sizeof(v2));
	v2.raid_type = "raid0";
	v2.stripes = 3;
	v2.stripe_size = 64;
	raid_v2("cat-raid0", &v2, 3, 0, 0);
	v2.raid_type = "raid0_meta";
	raid_v2("cat-raid0-meta", &v2, 3, 1, 0);

	/* raid1 through the first API: region size and nosync. */
	begin(&k, "cat-raid1");
	top(&k);
	built = dm_tree_node_add_raid_target(k.top, 1024, "raid1", 1024, 0, 0, DM_NOSYNC);
	built = built && raid_areas(&k, 2, 1024, 1, 0);
	finish(&k, built);

	/* raid1 through the first API with a stripe size (ignored, with a
	 * warning) and a forced resync. */
	begin(&k, "cat-raid1-sync");
	top(&k);
	built = dm_tree_node_add_raid_target(k.top, 1024, "raid1", 256, 64, 0, DM_FORCESYNC);
	built = built && raid_areas(&k, 2, 1024, 1, 0);
	finish(&k, built);

	/* raid1 with a device to rebuild. */
	begin(&k, "cat-raid1-rebuild");
	top(&k);
	built = dm_tree_node_add_raid_target(k.top, 1024, "raid1", 0, 0, 2, 0);
	built = built && raid_areas(&k, 2, 1024, 1, 0);
	finish(&k, built);

	/* raid1, parameters v1: write-mostly legs, write-behind, recovery rates. */
	memset(&v1, 0, sizeof(v1));
	v1.raid_type = "raid1";
	v1.region_size = 512;
	v1.writemostly = 6;
	v1.writebehind = 256;
	v1.min_recovery_rate = 100;
	v1.max_recovery_rate = 1000;
	v1.flags = DM_NOSYNC;
	begin(&k, "cat-raid1-wm");
	top(&k);
	built = dm_tree_node_add_raid_target_with_params(k.top, 1024, &v1);
	built = built && raid_areas(&k, 3, 1024, 1, 0);
	finish(&k, built);

	/* raid1 with its second leg missing (null areas), degraded. */
	begin(&k, "cat-raid1-null");
	top(&k);
	built = dm_tree_node_add_raid_target(k.top, 1024, "raid1", 0, 0, 0, DM_NOSYNC);
	built = built && raid_areas(&k, 3, 1024, 1, 2);
	finish(&k, built);

	/* raid1 on two whole devices given by path, without metadata. */
	begin(&k, "cat-raid1-path");
	top(&k);
	built = dm_tree_node_add_raid_target(k.top, 1024, "raid1", 0, 0, 0, DM_NOSYNC);
	built = built && dm_tree_node_add_null_area(k.top, 0) &&
		dm_tree_node_add_target_area(k.top, argv[2], NULL, 0) &&
		dm_tree_node_add_null_area(k.top, 0) &&
		dm_tree_node_add_target_area(k.top, argv[3], NULL, 0);
	finish(&k, built);

	/* raid10 with two copies (v2), and its raid10_near alias. */
	memset(&v2, 0, sizeof(v2));
	v2.raid_type = "raid10";
	v2.stripes = 2;
	v2.stripe_size = 64;
	v2.region_size = 2048;
	v2.data_copies = 2;
	v2.flags = DM_NOSYNC;
	raid_v2("cat-raid10", &v2, 4, 1, 0);
	v2.raid_type = "raid10_near";
	v2.rebuilds[0] = 1;
	v2.flags = 0;
	raid_v2("cat-raid10-near", &v2, 4, 1, 0);

	/* raid4 and every raid5 layout on three devices. */
	memset(&v2, 0, sizeof(v2));
	v2.raid_type = "raid4";
	v2.stripes = 2;
	v2.stripe_size = 64;
	v2.flags = DM_NOSYNC;
	raid_v2("cat-raid4", &v2, 3, 1, 0);
	for (i = 0; r5[i]; i++) {
		char name[32];

		snprintf(name, sizeof(name), "cat-%s", r5[i]);
		v2.raid_type = r5[i];
		raid_v2(name, &v2, 3, 1, 0);
	}
	/* raid5 degraded: one device missing, another to rebuild. */
	v2.raid_type = "raid5_ls";
	v2.flags = 0;
	v2.rebuilds[0] = 4;
	raid_v2("cat-raid5-null", &v2, 3, 1, 2);

	/* Every raid6 layout on four devices. */
	memset(&v2, 0, sizeof(v2));
	v2.stripes = 2;
	v2.stripe_size = 128;
	v2.flags = DM_NOSYNC;
	for (i = 0; r6[i]; i++) {
		char name[32];

		snprintf(name, sizeof(name), "cat-%s", r6[i]);
		v2.raid_type = r6[i];
		raid_v2(name, &v2, 4, 1, 0);
	}

	/* Reshaping parameters: delta disks and data offsets (1 means 0), and
	 * rebuild/write-mostly bits in the upper bitmap words. */
	memset(&v2, 0, sizeof(v2));
	v2.raid_type = "raid5_ls";
	v2.stripes = 2;
	v2.stripe_size = 64;
	v2.delta_disks = 1;
	v2.data_offset = 1;
	raid_v2("cat-raid5-reshape", &v2, 3, 1, 0);
	v2.delta_disks = -1;
	v2.data_offset = 2048;
	raid_v2("cat-raid5-reshape2", &v2, 3, 1, 0);
	memset(&v2, 0, sizeof(v2));
	v2.raid_type = "raid1";
	v2.rebuilds[1] = 1;
	v2.writemostly[3] = 1ULL << 63;
	v2.max_recovery_rate = 5000;
	raid_v2("cat-raid1-bits", &v2, 2, 1, 0);
}

/* A policy_settings tree built by hand: { KEY = VALUE ... } with integer
 * values, plus one optional string value. */
struct settings {
	struct dm_config_node node, child[4];
	struct dm_config_value value[4];
};

static const struct dm_config_node *settings(struct settings *s, const char *k1, int64_t v1, const char *k2, int64_t v2)
{
	memset(s, 0, sizeof(*s));
	s->node.key = "policy_settings";
	s->node.child = &s->child[0];
	s->child[0].key = k1;
	s->child[0].v = &s->value[0];
	s->child[0].parent = &s->node;
	s->value[0].type = DM_CFG_INT;
	s->value[0].v.i = v1;
	if (k2) {
		s->child[0].sib = &s->child[1];
		s->child[1].key = k2;
		s->child[1].v = &s->value[1];
		s->child[1].parent = &s->node;
		s->value[1].type = DM_CFG_INT;
		s->value[1].v.i = v2;
	}
	return &s->node;
}

typedef int (*cache_fn)(struct dm_tree_node *, uint64_t, uint64_t, const char *, const char *, const char *,
			const char *, const struct dm_config_node *, uint32_t);

static void cache_case(const char *name, cache_fn fn, uint64_t flags, const char *policy,
		       const struct dm_config_node *s, uint32_t block)
{
	struct kase k;
	int built;

	begin(&k, name);
	sub(&k, "cmeta", 0, 4096);
	sub(&k, "cdata", 1, 2048);
	sub(&k, "corig", 2, 4096);
	top(&k);
	built = fn(k.top, 4096, flags, uuid_of(&k, "cmeta"), uuid_of(&k, "cdata"), uuid_of(&k, "corig"), policy, s, block);
	finish(&k, built);
}

static void cache_cases(void)
{
	struct settings s;

	cache_case("cat-cache-wt", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITETHROUGH, NULL, NULL, 64);
	cache_case("cat-cache-wb", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITEBACK | DM_CACHE_FEATURE_METADATA2, "smq", NULL, 128);
	cache_case("cat-cache-pt", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_PASSTHROUGH, "smq", NULL, 64);
	cache_case("cat-cache-mq", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITEBACK, "mq",
		   settings(&s, "migration_threshold", 8192, "sequential_threshold", 100), 64);
	cache_case("cat-cache-mq2", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITETHROUGH, "mq",
		   settings(&s, "random_threshold", 4, "sequential_threshold", 512), 64);
	cache_case("cat-cache-mt", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITETHROUGH, "smq",
		   settings(&s, "migration_threshold", 2048, NULL, 0), 64);
	cache_case("cat-cache-big", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITEBACK, "smq", NULL, 512);
	cache_case("cat-cache-cleaner", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITEBACK, "cleaner", NULL, 64);
	cache_case("cat-cache-cleaner-wt", dm_tree_node_add_cache_target, DM_CACHE_FEATURE_WRITETHROUGH, "cleaner", NULL, 64);
	cache_case("cat-cache-base", cache_target_base, DM_CACHE_FEATURE_WRITEBACK | DM_CACHE_FEATURE_METADATA2, "smq", NULL, 64);
	cache_case("cat-cache-base-wt", cache_target_base, DM_CACHE_FEATURE_WRITETHROUGH, "smq",
		   settings(&s, "migration_threshold", 4096, NULL, 0), 128);
}

static void cases(char **argv)
{
	loops[0] = argv[1];
	loops[1] = argv[2];
	loops[2] = argv[3];
	raid_cases(argv);
	cache_cases();
}
#endif
