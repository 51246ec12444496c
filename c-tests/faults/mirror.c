/* Fault scenario: a mirror up-convert through the deptree. setup: lv, a
 * linear device on FAULT_DEV0. run: lv becomes a mirror (core log) of
 * mimage_0 (linear on FAULT_DEV0) and mimage_1 (linear on FAULT_DEV1):
 * preload, suspend, activate, as a volume manager does. recover: the
 * up-convert again, the data compared through lv, everything deactivated. */
#include "scenario.h"

#define P "DMRS-FMIR-"
static const char *const names[] = { "dmrs-fmir-lv", "dmrs-fmir-mimage_0", "dmrs-fmir-mimage_1", NULL };

static int run_tree(struct dm_tree *tree, int suspend)
{
	struct dm_tree_node *root = tree ? dm_tree_find_node(tree, 0, 0) : NULL;
	int ok = root && tree_wait(root, dm_tree_preload_children(root, P, strlen(P)))
		&& (!suspend || tree_wait(root, dm_tree_suspend_children(root, P, strlen(P))))
		&& tree_wait(root, dm_tree_activate_children(root, P, strlen(P)));

	if (tree)
		dm_tree_free(tree);
	return ok;
}

static int upconvert(void)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *n;

	if (!tree || !add_existing(tree, names)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fmir-mimage_0", P "mimage_0", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 4096) || !dm_tree_node_add_target_area(n, dev0, NULL, 0)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fmir-mimage_1", P "mimage_1", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 4096) || !dm_tree_node_add_target_area(n, dev1, NULL, 0)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fmir-lv", P "lv", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_mirror_target(n, 4096)
	    || !dm_tree_node_add_mirror_target_log(n, 1024, 0, NULL, 2, 0)
	    || !dm_tree_node_add_target_area(n, NULL, P "mimage_0", 0)
	    || !dm_tree_node_add_target_area(n, NULL, P "mimage_1", 0)) {
		if (tree)
			dm_tree_free(tree);
		return 0;
	}
	return run_tree(tree, 1);
}

static int scenario_setup(void)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *n;

	if (!tree || !(n = dm_tree_add_new_dev(tree, "dmrs-fmir-lv", P "lv", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 4096) || !dm_tree_node_add_target_area(n, dev0, NULL, 0)) {
		if (tree)
			dm_tree_free(tree);
		return 0;
	}
	return run_tree(tree, 0);
}

static int scenario_run(void)
{
	STEP(upconvert(), "up-convert");
	STEP(same_data("dmrs-fmir-lv", 0, dev0, 0, 4096), "read the mirror");
	return 1;
}

static int scenario_recover(void)
{
	int ok = upconvert();

	if (!ok)
		fprintf(stderr, "scenario: recovery up-convert failed\n");
	ok = same_data("dmrs-fmir-lv", 0, dev0, 0, 4096) && ok;
	return deactivate_names(names, P) && ok;
}
