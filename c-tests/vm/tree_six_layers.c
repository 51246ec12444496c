/* A stack six layers deep, built through the deptree:
 *     top     linear   over str
 *     str     striped  over two halves of lin_m
 *     lin_m   linear   over mir
 *     mir     mirror   (core log) over lin_a and lin_b
 *     lin_a/b linear   over base_a/base_b
 *     base_a/b linear  on two loop devices
 * Data written through the top; then a suspend tree (dm_tree_add_dev of the
 * top: the library reads the stack from the kernel) is suspended and
 * activated again. Checked on both libraries: every device suspended in
 * between, every device resumed at the end, the data intact. With DM_TRACE
 * (this library): each device suspended after every device above it and
 * resumed before every device above it, each exactly once.
 * usage: tree_six_layers LOOP_A LOOP_B (8 MiB each) */
#define _GNU_SOURCE
#include "../check.h"
#include "scenario.h"

#define P "DMRS-SIX-"
#define N "dmrs-six-"
#define SIZE 4096ULL
#define BYTES (SIZE * 512)

static const char *names[] = { "top", "str", "lin_m", "mir", "lin_a", "lin_b", "base_a", "base_b", NULL };
/* parent -> child edges of the stack */
static const char *edges[][2] = {
	{ "top", "str" }, { "str", "lin_m" }, { "lin_m", "mir" }, { "mir", "lin_a" }, { "mir", "lin_b" },
	{ "lin_a", "base_a" }, { "lin_b", "base_b" },
};

static struct dm_tree_node *node(struct dm_tree *t, const char *what)
{
	char name[64], uuid[64];

	snprintf(name, sizeof(name), N "%s", what);
	snprintf(uuid, sizeof(uuid), P "%s", what);
	return dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
}

static int linear(struct dm_tree *t, const char *what, const char *dev, const char *uuid, uint64_t off)
{
	struct dm_tree_node *n = node(t, what);

	return n && dm_tree_node_add_linear_target(n, SIZE) && dm_tree_node_add_target_area(n, dev, uuid, off);
}

static int all(int suspended)
{
	char name[64];
	int i, ok = 1;

	for (i = 0; names[i]; i++) {
		struct dm_info info;

		snprintf(name, sizeof(name), N "%s", names[i]);
		info = info_of(name);
		if (!info.exists || info.suspended != suspended || !info.live_table) {
			printf("# %s: exists %d suspended %d live %d\n", name, info.exists, info.suspended, info.live_table);
			ok = 0;
		}
	}
	return ok;
}

static struct dm_tree *suspend_tree(void)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_info info = info_of(N "top");

	if (t && info.exists)
		dm_tree_add_dev(t, info.major, info.minor);
	return t;
}

int main(int argc, char **argv)
{
	unsigned char *data = pattern(BYTES, 6);
	struct dm_tree *t;
	struct dm_tree_node *root, *n;
	int traced = getenv("DM_TRACE") != NULL, i;
	long mark;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LOOP_A LOOP_B\n", argv[0]);
		return 2;
	}
	t = dm_tree_create();
	CHECK(linear(t, "base_a", argv[1], NULL, 0) && linear(t, "base_b", argv[2], NULL, 0)
	      && linear(t, "lin_a", NULL, P "base_a", 0) && linear(t, "lin_b", NULL, P "base_b", 0),
	      "layers 1 and 2: linear on the loop devices, linear on those");
	n = node(t, "mir");
	CHECK(n && dm_tree_node_add_mirror_target(n, SIZE)
	      && dm_tree_node_add_mirror_target_log(n, 512, 0, NULL, 2, DM_NOSYNC | DM_CORELOG)
	      && dm_tree_node_add_target_area(n, NULL, P "lin_a", 0) && dm_tree_node_add_target_area(n, NULL, P "lin_b", 0),
	      "layer 3: mirror over lin_a and lin_b");
	CHECK(linear(t, "lin_m", NULL, P "mir", 0), "layer 4: linear over the mirror");
	n = node(t, "str");
	CHECK(n && dm_tree_node_add_striped_target(n, SIZE, 64) && dm_tree_node_add_target_area(n, NULL, P "lin_m", 0)
	      && dm_tree_node_add_target_area(n, NULL, P "lin_m", SIZE / 2), "layer 5: striped over two halves of lin_m");
	CHECK(linear(t, "top", NULL, P "str", 0), "layer 6: linear over the striped device");
	root = dm_tree_find_node(t, 0, 0);
	CHECK(dm_tree_preload_children(root, P, strlen(P)) && dm_tree_activate_children(root, P, strlen(P)),
	      "the stack preloaded and activated");
	dm_tree_free(t);
	CHECK(all(0), "all eight devices live and running");
	CHECK(dev_io(N "top", 1, data, BYTES, 0), "data written through the top");
	CHECK(dev_holds(N "top", data, BYTES), "the top reads it back");

	/* suspend and resume the whole stack through a tree read from the kernel */
	t = suspend_tree();
	root = dm_tree_find_node(t, 0, 0);
	CHECK(root && dm_tree_node_num_children(root, 0) == 1, "the suspend tree has one top-level device");
	mark = trace_mark();
	CHECK(dm_tree_suspend_children(root, P, strlen(P)), "suspend_children");
	CHECK(all(1), "every device suspended");
	CHECK(dm_tree_activate_children(root, P, strlen(P)), "activate_children");
	CHECK(all(0), "every device resumed");
	dm_tree_free(t);
	if (traced) {
		struct trace tr = trace_since(mark);
		char pn[64], cn[64], pd[24], cd[24];
		int down = 1, up = 1, once = 1;

		for (i = 0; i < (int) (sizeof(edges) / sizeof(edges[0])); i++) {
			snprintf(pn, sizeof(pn), N "%s", edges[i][0]);
			snprintf(cn, sizeof(cn), N "%s", edges[i][1]);
			dev_no(pn, pd, sizeof(pd));
			dev_no(cn, cd, sizeof(cd));
			if (!(trace_find(&tr, T_SUSPEND, pn, pd) >= 0
			      && trace_find(&tr, T_SUSPEND, pn, pd) < trace_find(&tr, T_SUSPEND, cn, cd))) {
				printf("# %s not suspended before %s\n", pn, cn);
				down = 0;
			}
			if (!(trace_find(&tr, T_RESUME, cn, cd) >= 0
			      && trace_find(&tr, T_RESUME, cn, cd) < trace_find(&tr, T_RESUME, pn, pd))) {
				printf("# %s not resumed before %s\n", cn, pn);
				up = 0;
			}
		}
		for (i = 0; names[i]; i++) {
			snprintf(pn, sizeof(pn), N "%s", names[i]);
			dev_no(pn, pd, sizeof(pd));
			if (trace_count(&tr, T_SUSPEND, pn, pd) != 1 || trace_count(&tr, T_RESUME, pn, pd) != 1) {
				printf("# %s: %d suspends, %d resumes\n", pn, trace_count(&tr, T_SUSPEND, pn, pd),
				       trace_count(&tr, T_RESUME, pn, pd));
				once = 0;
			}
		}
		CHECK(down, "trace: suspends top-down (each device after every device above it)");
		CHECK(up, "trace: resumes bottom-up (each device before every device above it)");
		CHECK(once, "trace: each device suspended once and resumed once");
		if (!(down && up && once))
			trace_print(&tr);
		free(tr.e);
	}
	CHECK(dev_holds(N "top", data, BYTES), "data intact after the suspend and resume");
	{
		unsigned char *m = malloc(BYTES);
		CHECK(m && dev_io(N "lin_m", 0, m, BYTES, 0) && dev_holds(N "lin_a", m, BYTES) && dev_holds(N "lin_b", m, BYTES),
		      "both mirror legs hold what the mirror holds");
		free(m);
	}

	t = suspend_tree();
	root = dm_tree_find_node(t, 0, 0);
	CHECK(dm_tree_deactivate_children(root, P, strlen(P)), "deactivate the stack");
	for (i = 0; names[i]; i++) {
		char name[64];
		snprintf(name, sizeof(name), N "%s", names[i]);
		if (info_of(name).exists)
			break;
	}
	CHECK(!names[i], "no device left");
	dm_tree_free(t);
	free(data);
	return DONE();
}
