/* A three-layer stack built through the deptree: zero at the bottom, two
 * linear devices on it, a striped device over them. Preload, activate,
 * I/O, suspend, activate again, deactivate. Built against this library and
 * against the C library; both must pass. */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <fcntl.h>
#include <unistd.h>
#include "../check.h"
#include "devices.h"

#define PREFIX "DMRS-TREE-"

static int events;

static int on_node(struct dm_tree_node *node, dm_node_callback_t type, void *data)
{
	(void) node; (void) type; (void) data;
	events++;
	return 1;
}

int main(void)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *root, *bottom, *left, *right, *top;
	struct dm_info b, l, r;
	char expect[64], buf[4096], back[4096];
	int fd;

	CHECK(tree != NULL, "dm_tree_create");
	bottom = dm_tree_add_new_dev(tree, "dmrs-tree-bottom", PREFIX "bottom", 0, 0, 0, 0, NULL);
	CHECK(bottom && dm_tree_node_add_zero_target(bottom, 8192), "bottom: zero");
	left = dm_tree_add_new_dev(tree, "dmrs-tree-left", PREFIX "left", 0, 0, 0, 0, NULL);
	CHECK(left && dm_tree_node_add_linear_target(left, 2048)
	      && dm_tree_node_add_target_area(left, NULL, PREFIX "bottom", 0), "left: linear on bottom");
	right = dm_tree_add_new_dev(tree, "dmrs-tree-right", PREFIX "right", 0, 0, 0, 0, NULL);
	CHECK(right && dm_tree_node_add_linear_target(right, 2048)
	      && dm_tree_node_add_target_area(right, NULL, PREFIX "bottom", 4096), "right: linear on bottom");
	top = dm_tree_add_new_dev(tree, "dmrs-tree-top", PREFIX "top", 0, 0, 0, 0, NULL);
	CHECK(top && dm_tree_node_add_striped_target(top, 4096, 64)
	      && dm_tree_node_add_target_area(top, NULL, PREFIX "left", 0)
	      && dm_tree_node_add_target_area(top, NULL, PREFIX "right", 0), "top: striped over left and right");
	CHECK(dm_tree_node_num_children(top, 0) == 2 && dm_tree_node_num_children(bottom, 1) == 2, "links: top uses 2, bottom used by 2");
	dm_tree_node_set_callback(top, on_node, NULL);

	root = dm_tree_find_node(tree, 0, 0);
	CHECK(root && dm_tree_preload_children(root, PREFIX, strlen(PREFIX)), "preload");
	CHECK(info_of("dmrs-tree-bottom").suspended == 0 && info_of("dmrs-tree-left").live_table == 1,
	      "preload resumed the devices the top maps onto");
	CHECK(info_of("dmrs-tree-top").inactive_table == 1 && info_of("dmrs-tree-top").live_table == 0,
	      "preload left the top's table inactive");
	CHECK(events == 1, "the top's PRELOADED callback ran");
	CHECK(dm_tree_activate_children(root, PREFIX, strlen(PREFIX)), "activate");
	b = info_of("dmrs-tree-bottom");
	l = info_of("dmrs-tree-left");
	r = info_of("dmrs-tree-right");
	snprintf(expect, sizeof(expect), "%u:%u 0", b.major, b.minor);
	CHECK(table_is("dmrs-tree-left", "linear", expect, 1), "left maps onto bottom");
	snprintf(expect, sizeof(expect), "2 64 %u:%u 0 %u:%u 0", l.major, l.minor, r.major, r.minor);
	CHECK(table_is("dmrs-tree-top", "striped", expect, 1), "top stripes over left and right");
	CHECK(info_of("dmrs-tree-top").live_table == 1, "top is live");

	memset(buf, 0x5a, sizeof(buf));
	snprintf(expect, sizeof(expect), "/dev/dm-%u", info_of("dmrs-tree-top").minor);
	fd = open(expect, O_RDWR | O_DIRECT);
	CHECK(fd >= 0, "open the top device");
	if (fd >= 0) {
		void *aligned, *aligned_back;
		if (!posix_memalign(&aligned, 4096, 4096) && !posix_memalign(&aligned_back, 4096, 4096)) {
			memcpy(aligned, buf, sizeof(buf));
			/* zero target below: writes are accepted, reads give zeros */
			CHECK(pwrite(fd, aligned, 4096, 0) == 4096, "write through the stack");
			CHECK(pread(fd, aligned_back, 4096, 0) == 4096, "read through the stack");
			memcpy(back, aligned_back, sizeof(back));
			CHECK(back[0] == 0 && back[4095] == 0, "the zero target at the bottom answers");
			free(aligned);
			free(aligned_back);
		}
		close(fd);
	}

	CHECK(dm_tree_suspend_children(root, PREFIX, strlen(PREFIX)), "suspend");
	CHECK(info_of("dmrs-tree-top").suspended && info_of("dmrs-tree-left").suspended
	      && info_of("dmrs-tree-bottom").suspended, "every layer suspended");
	CHECK(dm_tree_activate_children(root, PREFIX, strlen(PREFIX)), "activate after suspend");
	CHECK(!info_of("dmrs-tree-top").suspended && !info_of("dmrs-tree-bottom").suspended, "every layer resumed");
	dm_tree_free(tree);

	/* A fresh tree read from the kernel deactivates the stack. */
	tree = dm_tree_create();
	CHECK(dm_tree_add_dev(tree, info_of("dmrs-tree-top").major, info_of("dmrs-tree-top").minor), "add_dev reads the stack back");
	root = dm_tree_find_node(tree, 0, 0);
	CHECK(dm_tree_deactivate_children(root, PREFIX, strlen(PREFIX)), "deactivate");
	CHECK(!info_of("dmrs-tree-top").exists && !info_of("dmrs-tree-left").exists && !info_of("dmrs-tree-bottom").exists,
	      "nothing left");
	dm_tree_free(tree);
	return DONE();
}
