/* Mirror up-convert and collapse through the deptree, as lvconvert does it
 * (seed 002): a 2-way mirror with a disk log over linear legs becomes a
 * 3-way mirror through a temporary layer
 *     lv -> [mimagetmp_2 -> (2-way mirror over mimage_0, mimage_1, mlog), mimage_2]
 * and the stack then collapses to
 *     lv -> 3-way mirror over mimage_0, mimage_1, mimage_2 with mlog
 * while the temporary layer leaves the tree. Done twice: once with the
 * caller adding the layer's error table to the collapse tree, once without
 * (the layer is "off-tree").
 * Checked on both libraries: the data stays the same at every step and is on
 * all three legs at the end; the layer ends with an error table when the
 * caller gives it one.
 * Only with DMRS_EXPECT_OFFTREE=1 (this library's documented fix: the C
 * library leaves the off-tree layer to its caller): the off-tree layer gets
 * an error table too, and with DM_TRACE its LOAD and RESUME come before
 * the top's RESUME.
 * usage: tree_mirror_convert LOOP_A LOOP_B LOOP_C LOOP_LOG (8 MiB each) */
#define _GNU_SOURCE
#include "../check.h"
#include "scenario.h"

#define P "DMRS-MC-"
#define N "dmrs-mc-"
#define SIZE 4096ULL /* sectors of each leg and of the mirror */
#define BYTES (SIZE * 512)
#define REGION 512

static char **loops;

static struct dm_tree_node *linear(struct dm_tree *t, const char *what, const char *loop, uint64_t size)
{
	char name[64], uuid[64];
	struct dm_tree_node *n;

	snprintf(name, sizeof(name), N "%s", what);
	snprintf(uuid, sizeof(uuid), P "%s", what);
	n = dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
	if (!n || !dm_tree_node_add_linear_target(n, size) || !dm_tree_node_add_target_area(n, loop, NULL, 0))
		return NULL;
	return n;
}

/* The legs and the log, with the tables they always have. */
static int legs(struct dm_tree *t, int three)
{
	return linear(t, "mimage_0", loops[0], SIZE) && linear(t, "mimage_1", loops[1], SIZE)
		&& linear(t, "mlog", loops[3], 2048) && (!three || linear(t, "mimage_2", loops[2], SIZE));
}

/* A mirror node NAME over the images LEG... (uuid suffixes), with LOG (a
 * uuid suffix) or a core log when NULL. */
static int mirror(struct dm_tree *t, const char *what, const char *log, uint32_t flags, int count, const char **leg)
{
	char name[64], uuid[64], lu[64], au[64];
	struct dm_tree_node *n;
	int i;

	snprintf(name, sizeof(name), N "%s", what);
	snprintf(uuid, sizeof(uuid), P "%s", what);
	snprintf(lu, sizeof(lu), P "%s", log ? log : "");
	n = dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
	if (!n || !dm_tree_node_add_mirror_target(n, SIZE)
	    || !dm_tree_node_add_mirror_target_log(n, REGION, 0, log ? lu : NULL, count, flags | (log ? 0 : DM_CORELOG)))
		return 0;
	for (i = 0; i < count; i++) {
		snprintf(au, sizeof(au), P "%s", leg[i]);
		if (!dm_tree_node_add_target_area(n, NULL, au, 0))
			return 0;
	}
	return 1;
}

/* A tree holding the existing devices (as LVM builds one: dm_tree_add_dev
 * of the top device reads what it maps onto, recursively); the new tables
 * are then given with dm_tree_add_new_dev. */
static struct dm_tree *tree_of_existing(void)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_info info = info_of(N "lv");

	if (t && info.exists)
		dm_tree_add_dev(t, info.major, info.minor);
	return t;
}

static int run_tree(struct dm_tree *t, int suspend)
{
	struct dm_tree_node *root = dm_tree_find_node(t, 0, 0);

	return root && dm_tree_preload_children(root, P, strlen(P))
		&& (!suspend || dm_tree_suspend_children(root, P, strlen(P)))
		&& dm_tree_activate_children(root, P, strlen(P));
}

/* Waits (60 s at most) until the mirror NAME reports all regions in sync. */
static int in_sync(const char *name)
{
	char st[512], *p;
	int i, legs_n;
	unsigned long a, b;

	for (i = 0; i < 600; i++) {
		if (status_of(name, NULL, 0, st, sizeof(st))) {
			legs_n = atoi(st);
			p = st;
			for (int f = 0; p && f <= legs_n; f++)
				p = strchr(p + 1, ' ');
			if (p && sscanf(p, " %lu/%lu", &a, &b) == 2 && a == b && b > 0)
				return 1;
		}
		usleep(100000);
	}
	printf("# %s never in sync: %s\n", name, st);
	return 0;
}

/* Whether NAME's live table mentions every device in WHAT. */
static int table_uses(const char *name, const char **what, int count)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_TABLE);
	uint64_t start, len;
	char *t = NULL, *p = NULL, dev[24], wn[64];
	int ok = 0, i;

	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt)) {
		dm_get_next_target(dmt, NULL, &start, &len, &t, &p);
		ok = p != NULL;
		for (i = 0; ok && i < count; i++) {
			snprintf(wn, sizeof(wn), N "%s", what[i]);
			dev_no(wn, dev, sizeof(dev));
			ok = strstr(p, dev) != NULL;
		}
		if (!ok)
			printf("# %s: %s %s\n", name, t ? t : "-", p ? p : "-");
	}
	dm_task_destroy(dmt);
	return ok;
}

static int deps_count(const char *name)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_DEPS);
	struct dm_deps *d;
	int c = -1;

	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt) && (d = dm_task_get_deps(dmt)))
		c = (int) d->count;
	dm_task_destroy(dmt);
	return c;
}

static void teardown(void)
{
	const char *names[] = { N "lv", N "mimagetmp_2", NULL };
	struct dm_tree *t = dm_tree_create();
	struct dm_tree_node *root;
	int i;

	for (i = 0; names[i]; i++) {
		struct dm_info info = info_of(names[i]);
		if (info.exists)
			dm_tree_add_dev(t, info.major, info.minor);
	}
	root = dm_tree_find_node(t, 0, 0);
	CHECK(root && dm_tree_deactivate_children(root, P, strlen(P)), "deactivate the stack");
	CHECK(!info_of(N "lv").exists && !info_of(N "mimagetmp_2").exists && !info_of(N "mimage_0").exists
	      && !info_of(N "mimage_2").exists && !info_of(N "mlog").exists, "no device left");
	dm_tree_free(t);
}

static void scenario(int caller_adds_error)
{
	const char *two[] = { "mimage_0", "mimage_1" };
	const char *up[] = { "mimagetmp_2", "mimage_2" };
	const char *three[] = { "mimage_0", "mimage_1", "mimage_2" };
	const char *v = caller_adds_error ? "[layer in the tree] " : "[layer off-tree] ";
	int offtree = env_is("DMRS_EXPECT_OFFTREE"), traced = getenv("DM_TRACE") != NULL;
	unsigned char *data = pattern(BYTES, caller_adds_error), *data2 = pattern(BYTES, 7);
	struct dm_tree *t;
	char msg[160], dev[24];
	long mark;

#define C(cond, text) do { snprintf(msg, sizeof(msg), "%s%s", v, text); CHECK(cond, msg); } while (0)

	/* 1. the 2-way mirror with a disk log */
	t = dm_tree_create();
	C(legs(t, 0) && mirror(t, "lv", "mlog", DM_NOSYNC, 2, two), "2-way mirror described");
	C(run_tree(t, 0), "2-way mirror activated");
	dm_tree_free(t);
	C(table_uses(N "lv", two, 2), "the mirror maps onto mimage_0 and mimage_1");
	C(dev_io(N "lv", 1, data, BYTES, 0), "known data written to the mirror");
	C(dev_holds(N "lv", data, BYTES), "the mirror reads the data back");
	printf("# data checksum %016" PRIx64 "\n", checksum(data, BYTES));

	/* 2. up-convert through the temporary layer */
	t = tree_of_existing();
	C(legs(t, 1) && mirror(t, "mimagetmp_2", "mlog", 0, 2, two) && mirror(t, "lv", NULL, 0, 2, up),
	  "up-convert tree described");
	C(run_tree(t, 1), "up-convert: preload, suspend, activate");
	dm_tree_free(t);
	C(table_uses(N "lv", up, 2) && table_uses(N "mimagetmp_2", two, 2),
	  "lv maps onto the layer and mimage_2, the layer onto the old legs");
	C(!info_of(N "lv").suspended && !info_of(N "mimagetmp_2").suspended && !info_of(N "mimage_2").suspended
	  && !info_of(N "mimage_0").suspended, "nothing left suspended after the up-convert");
	C(dev_holds(N "lv", data, BYTES), "data unchanged after the up-convert");
	C(in_sync(N "lv"), "the new leg finishes its resync");
	C(dev_holds(N "mimage_2", data, BYTES), "the new leg holds the data");

	/* 3. collapse: lv gets the 3-way mirror, the layer leaves the tree (it
	 * is only there as what lv maps onto now, without a table of its own) */
	t = tree_of_existing();
	C(legs(t, 1) && mirror(t, "lv", "mlog", 0, 3, three), "collapse tree described");
	if (caller_adds_error) {
		struct dm_tree_node *l = dm_tree_add_new_dev(t, N "mimagetmp_2", P "mimagetmp_2", 0, 0, 0, 0, NULL);
		C(l && dm_tree_node_add_error_target(l, SIZE), "the caller gives the layer an error table");
	}
	mark = trace_mark();
	C(run_tree(t, 1), "collapse: preload, suspend, activate");
	dm_tree_free(t);
	C(table_uses(N "lv", three, 3) && table_is(N "lv", "mirror", "disk 2 ", 1),
	  "lv is a 3-way mirror with the disk log");
	C(!info_of(N "lv").suspended && !info_of(N "mimage_0").suspended && !info_of(N "mimage_2").suspended
	  && !info_of(N "mlog").suspended && !info_of(N "mimagetmp_2").suspended, "nothing left suspended after the collapse");
	C(dev_holds(N "lv", data, BYTES), "data unchanged after the collapse");
	if (caller_adds_error || offtree) {
		C(table_is(N "mimagetmp_2", "error", "", 0), "the layer's live table is error");
		C(deps_count(N "mimagetmp_2") == 0, "the layer no longer holds the legs");
	} else {
		printf("# C library: the off-tree layer keeps %d device(s) open (not checked: its caller's job)\n",
		       deps_count(N "mimagetmp_2"));
	}
	if (traced && offtree) {
		struct trace tr = trace_since(mark);
		char lvdev[24];
		int load = trace_find(&tr, T_LOAD, N "mimagetmp_2", dev_no(N "mimagetmp_2", dev, sizeof(dev)));
		int res = -1, first_res = trace_find(&tr, T_RESUME, N "mimagetmp_2", dev);
		int top = trace_find(&tr, T_RESUME, N "lv", dev_no(N "lv", lvdev, sizeof(lvdev)));
		int i, ok1, ok2;

		for (i = load + 1; load >= 0 && i < tr.n && res < 0; i++)
			if (!tr.e[i].err && trace_op_is(&tr.e[i], T_RESUME) && trace_is_dev(&tr.e[i], N "mimagetmp_2", dev))
				res = i;
		ok1 = load >= 0 && res > load && top > res;
		ok2 = load >= 0 && first_res > load;
		C(ok1, "trace: the layer's error table is loaded and resumed before the top's RESUME");
		C(ok2, "trace: the layer is not resumed before its new table is loaded (seed 002's bad log)");
		if (!ok1 || !ok2) {
			printf("# layer LOAD at %d, first layer RESUME at %d, layer RESUME after the LOAD at %d, top RESUME at %d\n",
			       load, first_res, res, top);
			trace_print(&tr);
		}
		free(tr.e);
	}

	/* the 3-way mirror works: new data lands on all three legs */
	C(dev_io(N "lv", 1, data2, BYTES, 0), "new data written to the 3-way mirror");
	C(dev_holds(N "mimage_0", data2, BYTES) && dev_holds(N "mimage_1", data2, BYTES)
	  && dev_holds(N "mimage_2", data2, BYTES), "all three legs hold the new data");
	teardown();
	free(data);
	free(data2);
#undef C
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s LOOP_A LOOP_B LOOP_C LOOP_LOG\n", argv[0]);
		return 2;
	}
	loops = argv + 1;
	scenario(1);
	scenario(0);
	return DONE();
}
