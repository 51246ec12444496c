/* A catalogue of target builder calls through the deptree, preloaded on
 * loop devices; prints each device's table as the kernel holds it, in a
 * form that does not depend on device numbers, so that the output of this
 * program on the C library and on this one can be compared line by line.
 * The second part builds one tree per case (raid levels and options, null
 * areas, cache modes, policies and both symbol versions of the cache
 * builder), each preloaded and activated on its own, so that a table the
 * kernel refuses is reported as "not loaded" and leaves the other cases
 * alone; tests/vm/tree-catalogue.sh also compares the table lines the two
 * libraries sent (strace).
 * usage: tree_catalogue LOOP_A LOOP_B LOOP_C */
#include <libdevmapper.h>
#include "../check.h"

#define P "DMRS-CAT-"

static struct dm_tree_node *dev(struct dm_tree *t, const char *name)
{
	char uuid[64];

	snprintf(uuid, sizeof(uuid), P "%s", name);
	return dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
}

#include "tree_catalogue_cases.h"

int main(int argc, char **argv)
{
	struct dm_tree *t;
	struct dm_tree_node *n, *root;
	const char *names[] = { "cat-lin", "cat-lin2", "cat-str", "cat-zero", "cat-err", "cat-crypt", "cat-crypt2",
				"cat-real", "cat-cow", "cat-origin", "cat-snap", "cat-snap-np",
				"cat-mlog", "cat-mirror-core", "cat-mirror-disk", NULL };
	int i;

	if (argc != 4)
		return 2;
	dm_log_with_errno_init(to_stderr);
	t = dm_tree_create();
	n = dev(t, "cat-lin");
	dm_tree_node_add_linear_target(n, 1024);
	dm_tree_node_add_target_area(n, argv[1], NULL, 0);
	n = dev(t, "cat-lin2");
	dm_tree_node_add_linear_target(n, 512);
	dm_tree_node_add_target_area(n, argv[1], NULL, 2048);
	dm_tree_node_add_linear_target(n, 512);
	dm_tree_node_add_target_area(n, argv[2], NULL, 4096);
	n = dev(t, "cat-str");
	dm_tree_node_add_striped_target(n, 2048, 128);
	dm_tree_node_add_target_area(n, argv[2], NULL, 0);
	dm_tree_node_add_target_area(n, argv[3], NULL, 128);
	n = dev(t, "cat-zero");
	dm_tree_node_add_zero_target(n, 100);
	dm_tree_node_add_error_target(n, 28);
	n = dev(t, "cat-err");
	dm_tree_node_add_error_target(n, 64);
	n = dev(t, "cat-crypt");
	dm_tree_node_add_crypt_target(n, 1024, "aes", "xts", "plain64", DM_CRYPT_IV_DEFAULT,
				      "0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10");
	dm_tree_node_add_target_area(n, NULL, P "cat-lin", 0);
	n = dev(t, "cat-crypt2");
	dm_tree_node_add_zero_target(n, 8);
	dm_tree_node_add_crypt_target(n, 1016, "aes", "cbc", "essiv:sha256", 7,
				      "0102030405060708090a0b0c0d0e0f10");
	dm_tree_node_add_target_area(n, argv[3], NULL, 8);
	n = dev(t, "cat-real");
	dm_tree_node_add_linear_target(n, 1024);
	dm_tree_node_add_target_area(n, argv[3], NULL, 4096);
	n = dev(t, "cat-cow");
	dm_tree_node_add_linear_target(n, 1024);
	dm_tree_node_add_target_area(n, argv[3], NULL, 8192);
	n = dev(t, "cat-origin");
	dm_tree_node_add_snapshot_origin_target(n, 1024, P "cat-real");
	n = dev(t, "cat-snap");
	dm_tree_node_add_snapshot_target(n, 1024, P "cat-real", P "cat-cow", 1, 8);
	n = dev(t, "cat-snap-np");
	dm_tree_node_add_linear_target(n, 16);
	dm_tree_node_add_target_area(n, argv[2], NULL, 8192);

	n = dev(t, "cat-mlog");
	dm_tree_node_add_linear_target(n, 8);
	dm_tree_node_add_target_area(n, argv[1], NULL, 8192);
	n = dev(t, "cat-mirror-core");
	dm_tree_node_add_mirror_target(n, 1024);
	dm_tree_node_add_mirror_target_log(n, 256, 0, NULL, 2, DM_NOSYNC | DM_BLOCK_ON_ERROR);
	dm_tree_node_add_target_area(n, argv[1], NULL, 10240);
	dm_tree_node_add_target_area(n, argv[2], NULL, 10240);
	n = dev(t, "cat-mirror-disk");
	dm_tree_node_add_mirror_target(n, 1024);
	dm_tree_node_add_mirror_target_log(n, 512, 0, P "cat-mlog", 2, 0);
	dm_tree_node_add_target_area(n, argv[2], NULL, 12288);
	dm_tree_node_add_target_area(n, argv[3], NULL, 12288);

	root = dm_tree_find_node(t, 0, 0);
	CHECK(dm_tree_preload_children(root, P, strlen(P)), "preload the catalogue");
	CHECK(dm_tree_activate_children(root, P, strlen(P)), "activate the catalogue");
	for (i = 0; names[i]; i++)
		print_table(names[i]);
	CHECK(dm_tree_deactivate_children(root, P, strlen(P)), "deactivate the catalogue");
	dm_tree_free(t);
	cases(argv);
	return DONE();
}
