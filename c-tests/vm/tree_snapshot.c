/* A snapshot stack through the deptree: origin-real and cow (linear on
 * two loop devices), the origin (snapshot-origin) and a snapshot of it.
 * Tables as the kernel documents them, priorities honoured, and copy-on-
 * write seen through the devices. Built against this library and the C
 * library; both must pass. usage: tree_snapshot LOOP_A LOOP_B */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "../check.h"
#include "devices.h"

#define P "DMRS-SNAP-"

static int rw_block(const char *name, int write, unsigned char fill, unsigned char *first)
{
	char path[64];
	void *buf;
	int fd, ok;

	snprintf(path, sizeof(path), "/dev/dm-%u", info_of(name).minor);
	if ((fd = open(path, (write ? O_RDWR : O_RDONLY) | O_DIRECT)) < 0 || posix_memalign(&buf, 4096, 4096))
		return 0;
	memset(buf, fill, 4096);
	ok = (write ? pwrite(fd, buf, 4096, 0) : pread(fd, buf, 4096, 0)) == 4096;
	*first = ((unsigned char *) buf)[0];
	free(buf);
	close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	struct dm_tree *tree;
	struct dm_tree_node *root, *real, *cow, *origin, *snap;
	struct stat a, b;
	char expect[128];
	unsigned char byte = 0;
	struct dm_info ri, ci;

	if (argc != 3 || stat(argv[1], &a) || stat(argv[2], &b)) {
		fprintf(stderr, "usage: %s LOOP_A LOOP_B\n", argv[0]);
		return 2;
	}
	tree = dm_tree_create();
	real = dm_tree_add_new_dev(tree, "dmrs-snap-origin-real", P "real", 0, 0, 0, 0, NULL);
	CHECK(real && dm_tree_node_add_linear_target(real, 8192) && dm_tree_node_add_target_area(real, argv[1], NULL, 0),
	      "origin-real: linear on the first loop device");
	cow = dm_tree_add_new_dev(tree, "dmrs-snap-cow", P "cow", 0, 0, 0, 0, NULL);
	CHECK(cow && dm_tree_node_add_linear_target(cow, 8192) && dm_tree_node_add_target_area(cow, argv[2], NULL, 0),
	      "cow: linear on the second loop device");
	origin = dm_tree_add_new_dev(tree, "dmrs-snap-origin", P "origin", 0, 0, 0, 0, NULL);
	CHECK(origin && dm_tree_node_add_snapshot_origin_target(origin, 8192, P "real"), "origin: snapshot-origin over real");
	snap = dm_tree_add_new_dev(tree, "dmrs-snap-snap", P "snap", 0, 0, 0, 0, NULL);
	CHECK(snap && dm_tree_node_add_snapshot_target(snap, 8192, P "real", P "cow", 1, 16), "snap: snapshot of real with cow");

	root = dm_tree_find_node(tree, 0, 0);
	CHECK(dm_tree_preload_children(root, P, strlen(P)), "preload");
	CHECK(dm_tree_activate_children(root, P, strlen(P)), "activate");
	ri = info_of("dmrs-snap-origin-real");
	ci = info_of("dmrs-snap-cow");
	snprintf(expect, sizeof(expect), "%u:%u", ri.major, ri.minor);
	CHECK(table_is("dmrs-snap-origin", "snapshot-origin", expect, 0), "origin table");
	snprintf(expect, sizeof(expect), "%u:%u %u:%u P 16", ri.major, ri.minor, ci.major, ci.minor);
	CHECK(table_is("dmrs-snap-snap", "snapshot", expect, 0), "snapshot table");
	snprintf(expect, sizeof(expect), "%u:%u 0", major(a.st_rdev), minor(a.st_rdev));
	CHECK(table_is("dmrs-snap-origin-real", "linear", expect, 0), "origin-real table");
	CHECK(info_of("dmrs-snap-origin").live_table && info_of("dmrs-snap-snap").live_table
	      && !info_of("dmrs-snap-origin").suspended && !info_of("dmrs-snap-snap").suspended, "all live and running");

	CHECK(rw_block("dmrs-snap-origin", 1, 0xab, &byte), "write 0xab to the origin");
	CHECK(rw_block("dmrs-snap-origin", 0, 0, &byte) && byte == 0xab, "the origin reads 0xab");
	CHECK(rw_block("dmrs-snap-snap", 0, 0xff, &byte) && byte == 0, "the snapshot still reads the old zeros");

	dm_tree_free(tree);
	tree = dm_tree_create();
	dm_tree_add_dev(tree, info_of("dmrs-snap-origin").major, info_of("dmrs-snap-origin").minor);
	dm_tree_add_dev(tree, info_of("dmrs-snap-snap").major, info_of("dmrs-snap-snap").minor);
	root = dm_tree_find_node(tree, 0, 0);
	CHECK(dm_tree_deactivate_children(root, P, strlen(P)), "deactivate");
	CHECK(!info_of("dmrs-snap-origin").exists && !info_of("dmrs-snap-snap").exists && !info_of("dmrs-snap-cow").exists
	      && !info_of("dmrs-snap-origin-real").exists, "nothing left");
	dm_tree_free(tree);
	return DONE();
}
