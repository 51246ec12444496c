/* The frame every fault-injection scenario shares (see c-tests/faults/README).
 *
 * A scenario program is called three times per injection point by
 * tests/faults/sweep.sh, each time in a fresh process:
 *   NAME setup    puts the devices the operation starts from in place (no
 *                 ioctl is failed here);
 *   NAME run      the operation under test; strace fails its Nth ioctl;
 *   NAME recover  the caller's usual recovery: the operation again (retry,
 *                 or "activate"), the data compared through the stack, then
 *                 everything the scenario made is deactivated.
 * Exit status: 0 done, 1 failed, 3 (recover only) the data read through
 * the stack differs from the data on the backing device, 4 (setup only)
 * nothing to set up (the sweep then stops calling setup). Every call ends
 * within 120 s (alarm), so a hang is counted, not waited for.
 * The backing devices are FAULT_DEV0 and FAULT_DEV1 (default /dev/ram0 and
 * /dev/ram1); the sweep fills FAULT_DEV0 with random data once.
 *
 * A scenario file defines scenario_setup(), scenario_run() and
 * scenario_recover() (each returns 1 on success; setup -1 when there is
 * nothing to set up), and includes this header
 * once. Built against this library and the C library (tests/faults/build.sh). */
#ifndef DEVMAPPER_FAULT_SCENARIO_H
#define DEVMAPPER_FAULT_SCENARIO_H
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../vm/devices.h"

static const char *dev0, *dev1;
static int data_lost;

static int scenario_setup(void);
static int scenario_run(void);
static int scenario_recover(void);

#define STEP(cond, what) do { \
	if (!(cond)) { fprintf(stderr, "scenario: %s failed\n", what); return 0; } \
} while (0)

/* Reads SECTORS sectors at OFFSET (sectors) of PATH into a new buffer. */
static unsigned char *read_sectors(const char *path, uint64_t offset, uint64_t sectors)
{
	unsigned char *buf = malloc(sectors * 512);
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	got = pread(fd, buf, sectors * 512, (off_t) (offset * 512));
	close(fd);
	if (got != (ssize_t) (sectors * 512)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The /dev/dm-N path of a device, "" when it does not exist. */
static const char *dm_path(const char *name, char *path, size_t size)
{
	struct dm_info i = info_of(name);

	if (!i.exists)
		return "";
	snprintf(path, size, "/dev/dm-%u", i.minor);
	return path;
}

/* Whether SECTORS sectors at DEV_OFFSET of device NAME equal SECTORS
 * sectors at BACK_OFFSET of BACKING. A mismatch is data loss; a device
 * that cannot be read is only a failure. */
static __attribute__((unused)) int same_data(const char *name, uint64_t dev_offset, const char *backing, uint64_t back_offset, uint64_t sectors)
{
	char path[64];
	unsigned char *a = read_sectors(dm_path(name, path, sizeof(path)), dev_offset, sectors);
	unsigned char *b = read_sectors(backing, back_offset, sectors);
	int same = a && b && !memcmp(a, b, sectors * 512);

	if (a && b && !same) {
		fprintf(stderr, "scenario: DATA differs on %s at %llu\n", name, (unsigned long long) dev_offset);
		data_lost = 1;
	}
	free(a);
	free(b);
	return same;
}

/* Zeroes the first SECTORS sectors of PATH (a snapshot's COW, a mirror leg). */
static __attribute__((unused)) int zero_head(const char *path, uint64_t sectors)
{
	void *buf = calloc(sectors, 512);
	int fd = open(path, O_WRONLY), ok;

	ok = buf && fd >= 0 && pwrite(fd, buf, sectors * 512, 0) == (ssize_t) (sectors * 512) && !fsync(fd);
	free(buf);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* A volume manager first reads the devices that exist into the tree
 * (dm_tree_add_dev), then describes what it wants (dm_tree_add_new_dev
 * finds those nodes by uuid). Adds each of NAMES (NULL-terminated) that
 * exists; returns 0 when one could not be read. */
static __attribute__((unused)) int add_existing(struct dm_tree *tree, const char *const *names)
{
	struct dm_info i;

	for (; *names; names++) {
		i = info_of(*names);
		if (i.exists && !dm_tree_add_dev(tree, i.major, i.minor))
			return 0;
	}
	return 1;
}

/* What a volume manager does after each tree phase, failed or not: waits
 * for udev on the tree's cookie and starts the next phase without one. */
static __attribute__((unused)) int tree_wait(struct dm_tree_node *root, int ok)
{
	uint32_t cookie = dm_tree_get_cookie(root);

	if (cookie && !dm_udev_wait(cookie))
		ok = 0;
	if (cookie)
		dm_tree_set_cookie(root, 0);
	return ok;
}

/* Deactivates every device of NAMES that exists (a NULL-terminated list),
 * through a tree read from the kernel, as a caller cleaning up would. */
static int deactivate_names(const char *const *names, const char *prefix)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *root;
	int ok = tree && add_existing(tree, names);

	root = ok ? dm_tree_find_node(tree, 0, 0) : NULL;
	ok = root && tree_wait(root, dm_tree_deactivate_children(root, prefix, strlen(prefix)));
	if (tree)
		dm_tree_free(tree);
	return ok;
}

int main(int argc, char **argv)
{
	int ok;

	dev0 = getenv("FAULT_DEV0") ? getenv("FAULT_DEV0") : "/dev/ram0";
	dev1 = getenv("FAULT_DEV1") ? getenv("FAULT_DEV1") : "/dev/ram1";
	if (argc != 2) {
		fprintf(stderr, "usage: %s setup|run|recover\n", argv[0]);
		return 2;
	}
	alarm(120);
	if (!strcmp(argv[1], "setup")) {
		ok = scenario_setup();
		if (ok < 0)
			return 4;
	}
	else if (!strcmp(argv[1], "run"))
		ok = scenario_run();
	else if (!strcmp(argv[1], "recover"))
		ok = scenario_recover();
	else
		return 2;
	if (data_lost)
		return 3;
	return ok ? 0 : 1;
}
#endif
