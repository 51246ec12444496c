/* Fault scenario: origin and snapshot through the deptree: origin-real
 * (linear on FAULT_DEV0), cow (linear on FAULT_DEV1), origin
 * (snapshot-origin) and snap (persistent snapshot). run: preload, activate,
 * read both, suspend, activate, deactivate. recover: preload and activate
 * again, compare the data of origin and snapshot, deactivate. */
#include "scenario.h"

#define P "DMRS-FSNAP-"
static const char *const names[] = { "dmrs-fsnap-origin", "dmrs-fsnap-snap", "dmrs-fsnap-cow", "dmrs-fsnap-real", NULL };

static struct dm_tree *build(void)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *n;

	if (!tree)
		return NULL;
	if (!add_existing(tree, names) || !(n = dm_tree_add_new_dev(tree, "dmrs-fsnap-real", P "real", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 4096) || !dm_tree_node_add_target_area(n, dev0, NULL, 0)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fsnap-cow", P "cow", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 4096) || !dm_tree_node_add_target_area(n, dev1, NULL, 0)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fsnap-origin", P "origin", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_snapshot_origin_target(n, 4096, P "real")
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fsnap-snap", P "snap", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_snapshot_target(n, 4096, P "real", P "cow", 1, 16)) {
		dm_tree_free(tree);
		return NULL;
	}
	return tree;
}

static int activate(void)
{
	struct dm_tree *tree = build();
	struct dm_tree_node *root = tree ? dm_tree_find_node(tree, 0, 0) : NULL;
	int ok = root && tree_wait(root, dm_tree_preload_children(root, P, strlen(P)))
		&& tree_wait(root, dm_tree_activate_children(root, P, strlen(P)));

	if (tree)
		dm_tree_free(tree);
	return ok;
}

static int data_ok(void)
{
	return same_data("dmrs-fsnap-origin", 0, dev0, 0, 4096) && same_data("dmrs-fsnap-snap", 0, dev0, 0, 4096);
}

static int scenario_setup(void)
{
	return -1;
}

static int scenario_run(void)
{
	struct dm_tree *tree;
	struct dm_tree_node *root;
	int ok;

	/* A fresh COW every time (a write, no ioctl): no header left from an
	 * earlier point. */
	STEP(zero_head(dev1, 64), "zero the COW");
	STEP(activate(), "activate");
	STEP(data_ok(), "read origin and snapshot");
	STEP((tree = build()) != NULL, "tree");
	root = dm_tree_find_node(tree, 0, 0);
	ok = tree_wait(root, dm_tree_suspend_children(root, P, strlen(P)))
		&& tree_wait(root, dm_tree_activate_children(root, P, strlen(P)));
	dm_tree_free(tree);
	STEP(ok, "suspend and resume");
	STEP(deactivate_names(names, P), "deactivate");
	return 1;
}

static int scenario_recover(void)
{
	int ok = activate();

	if (!ok)
		fprintf(stderr, "scenario: recovery activate failed\n");
	ok = ok && data_ok();
	return deactivate_names(names, P) && ok;
}
