/*
 * Benchmark (not a test): builds a deptree of N nodes through the C API,
 * as LVM describes the logical volumes of a volume group before it
 * activates them, and touches nothing in the kernel: 100 nodes for the
 * physical volumes (a zero segment each), then N nodes for the logical
 * volumes, each with a linear segment of 8 sectors and one area on one of
 * the 100, and each node's name read back (dm_tree_node_get_name: the C
 * library gives "" for a node not yet in the kernel, this library its
 * name, so only the pointer is checked). Prints what both libraries must
 * agree on, for run.sh to compare.
 * Run under callgrind and with `time`, linked to each library (run.sh).
 * usage: tree_build N
 */
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>

#define PVS 100

int main(int argc, char **argv)
{
	struct dm_tree *tree;
	struct dm_tree_node *node;
	char name[64], uuid[64], area[64];
	unsigned long children = 0;
	const char *got;
	int i, n;

	if (argc != 2 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: tree_build N\n");
		return 2;
	}
	if (!(tree = dm_tree_create()))
		return 1;
	for (i = 0; i < PVS; i++) {
		snprintf(name, sizeof(name), "bench-pv%03d", i);
		snprintf(uuid, sizeof(uuid), "BENCH-pv%03d", i);
		if (!(node = dm_tree_add_new_dev(tree, name, uuid, 0, 0, 0, 0, NULL)) ||
		    !dm_tree_node_add_zero_target(node, 1 << 30))
			return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench-lv%06d", i);
		snprintf(uuid, sizeof(uuid), "BENCH-lv%06d", i);
		snprintf(area, sizeof(area), "BENCH-pv%03d", i % PVS);
		if (!(node = dm_tree_add_new_dev(tree, name, uuid, 0, 0, 0, 0, NULL)) ||
		    !dm_tree_node_add_linear_target(node, 8) ||
		    !dm_tree_node_add_target_area(node, NULL, area, (uint64_t) (i / PVS) * 8))
			return 1;
		if (!(got = dm_tree_node_get_name(node)))
			return 1;
	}
	/* Every node is still there and reachable by uuid. */
	for (i = 0; i < n; i += n / 10 ? n / 10 : 1) {
		snprintf(uuid, sizeof(uuid), "BENCH-lv%06d", i);
		if (!(node = dm_tree_find_node_by_uuid(tree, uuid)) ||
		    dm_tree_node_num_children(node, 0) != 1)
			return 1;
		children += dm_tree_node_num_children(node, 0);
	}
	dm_tree_free(tree);
	printf("%d nodes over %d, %lu sampled with one child each\n", n, PVS, children);
	return 0;
}
