/* The two symbol versions libdm 1.02.175 lost and 1.02.205 restored, which
 * Debian's 1.02.185 lacks: a program linked today binds
 * dm_bitset_parse_list to its default version DM_1_02_138 (with 1.02.185
 * such a link fails: only the hidden DM_1_02_129 version exists), and a
 * binary linked before DM_1_02_110 finds dm_tree_node_size_changed@Base. */
#include <libdevmapper.h>
#include "../check.h"

/* What an old binary's reference to the unversioned symbol resolves to. */
extern int size_changed_base(const struct dm_tree_node *dnode);
__asm__(".symver size_changed_base, dm_tree_node_size_changed@Base");

int main(void)
{
	struct dm_pool *mem = dm_pool_create("restored", 1024);
	dm_bitset_t bs = dm_bitset_parse_list("1-3,70", mem, 100);
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *root = dm_tree_find_node(tree, 0, 0);

	CHECK(bs && dm_bit(bs, 1) && dm_bit(bs, 3) && !dm_bit(bs, 4) && dm_bit(bs, 70),
	      "dm_bitset_parse_list@@DM_1_02_138 parses a list");
	CHECK(bs && bs[0] >= 100, "dm_bitset_parse_list@@DM_1_02_138 honours min_num_bits");
	CHECK(root && size_changed_base(root) == dm_tree_node_size_changed(root),
	      "dm_tree_node_size_changed@Base answers as the default version");
	dm_tree_free(tree);
	dm_pool_destroy(mem);
	return DONE();
}
