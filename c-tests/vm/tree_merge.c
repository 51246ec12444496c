/* Snapshot merge through the deptree (seed 003): an origin (snapshot-origin
 * over origin-real) and a persistent snapshot whose data diverged from it
 * (writes to both after the snapshot was taken); the origin node then gets
 * a snapshot-merge table (dm_tree_node_add_snapshot_merge_target), and the
 * tree's priorities resume the origin before the merging snapshot, as the
 * kernel's exception handover needs. The merge runs in the background
 * until the status reports allocated == metadata sectors; the origin then
 * holds what the snapshot held. Both libraries must pass.
 * usage: tree_merge LOOP_A LOOP_B (8 MiB each) */
#define _GNU_SOURCE
#include "../check.h"
#include "scenario.h"

#define P "DMRS-MG-"
#define N "dmrs-mg-"
#define SIZE 4096ULL
#define BYTES (SIZE * 512)
#define CHUNK 16

static char **loops;

static struct dm_tree_node *node(struct dm_tree *t, const char *what)
{
	char name[64], uuid[64];

	snprintf(name, sizeof(name), N "%s", what);
	snprintf(uuid, sizeof(uuid), P "%s", what);
	return dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
}

static int base(struct dm_tree *t, int with_snapshot)
{
	struct dm_tree_node *n;

	if (!(n = node(t, "real")) || !dm_tree_node_add_linear_target(n, SIZE)
	    || !dm_tree_node_add_target_area(n, loops[0], NULL, 0))
		return 0;
	if (!with_snapshot)
		return 1;
	if (!(n = node(t, "cow")) || !dm_tree_node_add_linear_target(n, SIZE)
	    || !dm_tree_node_add_target_area(n, loops[1], NULL, 0))
		return 0;
	return (n = node(t, "snap")) && dm_tree_node_add_snapshot_target(n, SIZE, P "real", P "cow", 1, CHUNK);
}

/* A tree holding the existing origin and snapshot (and, through their
 * dependencies, real and cow), to which new tables are then given. */
static struct dm_tree *tree_of_existing(void)
{
	struct dm_tree *t = dm_tree_create();
	const char *names[] = { N "origin", N "snap", NULL };
	int i;

	for (i = 0; t && names[i]; i++) {
		struct dm_info info = info_of(names[i]);
		if (info.exists)
			dm_tree_add_dev(t, info.major, info.minor);
	}
	return t;
}

static int run_tree(struct dm_tree *t, int suspend)
{
	struct dm_tree_node *root = dm_tree_find_node(t, 0, 0);

	return root && dm_tree_preload_children(root, P, strlen(P))
		&& (!suspend || dm_tree_suspend_children(root, P, strlen(P)))
		&& dm_tree_activate_children(root, P, strlen(P));
}

/* Waits (60 s at most) for the snapshot-merge on NAME to finish: its status
 * "<allocated>/<total> <metadata>" reports allocated == metadata. */
static int merged(const char *name)
{
	char type[32], st[256] = "";
	unsigned long long a, total, meta;
	int i;

	for (i = 0; i < 600; i++) {
		if (status_of(name, type, sizeof(type), st, sizeof(st)) && !strcmp(type, "snapshot-merge")
		    && sscanf(st, "%llu/%llu %llu", &a, &total, &meta) == 3 && a == meta)
			return 1;
		usleep(100000);
	}
	printf("# merge not finished: %s\n", st);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *d0 = pattern(BYTES, 10), *d1 = pattern(BYTES / 2, 11), *d2 = pattern(BYTES / 4, 12);
	unsigned char *expect = malloc(BYTES), *got = malloc(BYTES);
	struct dm_tree *t;
	struct dm_tree_node *n, *root;
	char st[256], dev[24];
	int traced = getenv("DM_TRACE") != NULL, fd;
	long mark;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LOOP_A LOOP_B\n", argv[0]);
		return 2;
	}
	loops = argv + 1;

	/* the origin alone, with data */
	t = dm_tree_create();
	CHECK(base(t, 0) && (n = node(t, "origin")) && dm_tree_node_add_snapshot_origin_target(n, SIZE, P "real"),
	      "origin described");
	CHECK(run_tree(t, 0), "origin activated");
	dm_tree_free(t);
	CHECK(dev_io(N "origin", 1, d0, BYTES, 0), "data written to the origin");

	/* take the snapshot (as lvcreate -s: preload, suspend, activate) */
	t = tree_of_existing();
	CHECK(base(t, 1) && (n = node(t, "origin")) && dm_tree_node_add_snapshot_origin_target(n, SIZE, P "real"),
	      "snapshot tree described");
	CHECK(run_tree(t, 1), "snapshot taken");
	dm_tree_free(t);
	CHECK(dev_holds(N "snap", d0, BYTES), "the snapshot holds the origin's data");

	/* diverge: the origin's first half and the snapshot's third quarter change */
	CHECK(dev_io(N "origin", 1, d1, BYTES / 2, 0), "origin: first half rewritten");
	CHECK(dev_io(N "snap", 1, d2, BYTES / 4, BYTES / 2), "snapshot: third quarter rewritten");
	memcpy(expect, d0, BYTES);
	memcpy(expect + BYTES / 2, d2, BYTES / 4);
	CHECK(dev_holds(N "snap", expect, BYTES), "the snapshot reads its own version");
	memcpy(got, d1, BYTES / 2);
	memcpy(got + BYTES / 2, d0 + BYTES / 2, BYTES / 2);
	CHECK(dev_holds(N "origin", got, BYTES), "the origin reads its own version");
	CHECK(status_of(N "snap", NULL, 0, st, sizeof(st)), "snapshot status");
	printf("# snapshot status before the merge: %s\n", st);

	/* merge: the origin node gets snapshot-merge over real and cow */
	t = tree_of_existing();
	CHECK(base(t, 1), "merge tree: real, cow and the merging snapshot");
	n = node(t, "origin");
	CHECK(n && dm_tree_node_add_snapshot_merge_target(n, SIZE, P "real", P "cow", P "snap", CHUNK),
	      "the origin gets a snapshot-merge table");
	root = dm_tree_find_node(t, 0, 0);
	mark = trace_mark();
	CHECK(dm_tree_preload_children(root, P, strlen(P)), "merge: preload");
	CHECK(dm_tree_suspend_children(root, P, strlen(P)), "merge: suspend");
	CHECK(dm_tree_activate_children(root, P, strlen(P)), "merge: activate (handover to snapshot-merge)");
	dm_tree_free(t);
	CHECK(table_is(N "origin", "snapshot-merge", "", 1), "the origin's live table is snapshot-merge");
	CHECK(!info_of(N "origin").suspended && !info_of(N "snap").suspended && !info_of(N "real").suspended
	      && !info_of(N "cow").suspended, "nothing left suspended");
	if (traced) {
		struct trace tr = trace_since(mark);
		char sdev[24];
		int o = trace_find(&tr, T_RESUME, N "origin", dev_no(N "origin", dev, sizeof(dev)));
		int s = trace_find(&tr, T_RESUME, N "snap", dev_no(N "snap", sdev, sizeof(sdev)));
		int so = trace_find(&tr, T_SUSPEND, N "origin", dev), ss = trace_find(&tr, T_SUSPEND, N "snap", sdev);

		CHECK(so >= 0 && ss >= 0 && o > so && o > ss && s > o,
		      "trace: origin and snapshot suspended, then the origin resumed before the merging snapshot");
		if (!(so >= 0 && ss >= 0 && o > so && o > ss && s > o))
			trace_print(&tr);
		free(tr.e);
	}
	CHECK(dev_holds(N "origin", expect, BYTES), "while merging, the origin already reads the snapshot's data");
	CHECK(merged(N "origin"), "the merge finishes (allocated == metadata sectors)");
	CHECK(status_of(N "origin", NULL, 0, st, sizeof(st)), "snapshot-merge status");
	printf("# snapshot-merge status at the end: %s\n", st);
	CHECK(dev_holds(N "origin", expect, BYTES), "the origin holds what the snapshot held");
	CHECK(dev_holds(N "real", expect, BYTES), "and so does origin-real, underneath");
	{
		char path[64];
		void *buf;
		dev_path(N "snap", path, sizeof(path));
		fd = open(path, O_RDONLY | O_DIRECT);
		CHECK(fd >= 0 && !posix_memalign(&buf, 4096, 4096) && pread(fd, buf, 4096, 0) < 0,
		      "the handed-over snapshot device returns I/O errors");
		if (fd >= 0)
			close(fd);
	}

	/* teardown */
	t = dm_tree_create();
	dm_tree_add_dev(t, info_of(N "origin").major, info_of(N "origin").minor);
	dm_tree_add_dev(t, info_of(N "snap").major, info_of(N "snap").minor);
	root = dm_tree_find_node(t, 0, 0);
	CHECK(dm_tree_deactivate_children(root, P, strlen(P)), "deactivate");
	CHECK(!info_of(N "origin").exists && !info_of(N "snap").exists && !info_of(N "cow").exists
	      && !info_of(N "real").exists, "no device left");
	dm_tree_free(t);
	free(d0); free(d1); free(d2); free(expect); free(got);
	return DONE();
}
