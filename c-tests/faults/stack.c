/* Fault scenario: a three-layer stack through the deptree over FAULT_DEV0:
 * bottom (linear on the disk), left and right (linear on halves of bottom),
 * top (striped over left and right). run: preload, activate, read, suspend,
 * activate, deactivate. recover: preload and activate again, compare the
 * data, deactivate. */
#include "scenario.h"

#define P "DMRS-FSTACK-"
static const char *const names[] = { "dmrs-fstack-top", "dmrs-fstack-left", "dmrs-fstack-right", "dmrs-fstack-bottom", NULL };

static struct dm_tree *build(void)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *n;

	if (!tree)
		return NULL;
	if (!add_existing(tree, names) || !(n = dm_tree_add_new_dev(tree, "dmrs-fstack-bottom", P "bottom", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 4096) || !dm_tree_node_add_target_area(n, dev0, NULL, 0)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fstack-left", P "left", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 2048) || !dm_tree_node_add_target_area(n, NULL, P "bottom", 0)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fstack-right", P "right", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_linear_target(n, 2048) || !dm_tree_node_add_target_area(n, NULL, P "bottom", 2048)
	    || !(n = dm_tree_add_new_dev(tree, "dmrs-fstack-top", P "top", 0, 0, 0, 0, NULL))
	    || !dm_tree_node_add_striped_target(n, 4096, 64)
	    || !dm_tree_node_add_target_area(n, NULL, P "left", 0) || !dm_tree_node_add_target_area(n, NULL, P "right", 0)) {
		dm_tree_free(tree);
		return NULL;
	}
	return tree;
}

/* preload + activate of the whole stack. */
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

/* Chunk k of the top (64 sectors) is on left (k even) or right (k odd):
 * the top read once, compared chunk by chunk with the disk. */
static int data_ok(void)
{
	char path[64];
	unsigned char *top = read_sectors(dm_path("dmrs-fstack-top", path, sizeof(path)), 0, 4096);
	unsigned char *disk = read_sectors(dev0, 0, 4096);
	uint64_t k;
	int ok = top && disk;

	for (k = 0; ok && k < 4096 / 64; k++)
		if (memcmp(top + k * 64 * 512, disk + ((k & 1 ? 2048 : 0) + (k / 2) * 64) * 512, 64 * 512)) {
			fprintf(stderr, "scenario: DATA differs on the top at chunk %llu\n", (unsigned long long) k);
			data_lost = 1;
			ok = 0;
		}
	free(top);
	free(disk);
	return ok;
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

	STEP(activate(), "activate");
	STEP(data_ok(), "read through the stack");
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
