/* Benchmark driver (not a test): activates and then deactivates N devices
 * through the deptree, with whichever libdevmapper it is linked to.
 *
 *   tree_activate setup-thin N META DATA  pool on two loop devices with thin
 *                                         device ids 1..N (not measured)
 *   tree_activate thin N                  measured: N thin volumes on that
 *                                         pool, one tree to preload and
 *                                         activate them, one to deactivate
 *   tree_activate linear N LOOP           measured: N linear volumes on LOOP
 *   tree_activate teardown-thin           removes the pool (not measured)
 *
 * Each phase ends with dm_udev_wait(0), as a tool ends a tree operation:
 * the C library applies its queued /dev/mapper node changes there (without
 * it, nodes created and removed in one process cancel out and the C
 * library never touches /dev/mapper), ours has applied them already.
 *
 * A measured run prints one line:
 *   activate_us=A deactivate_us=D ioctls_activate=X ioctls_deactivate=Y
 * the ioctl counts from DM_TRACE when it is set (this library), else -1
 * (the C library's are counted by strace: the driver writes the marker
 * "tree_activate:deactivate" to fd -1 between the phases, so an strace of
 * ioctl and write calls shows where the second phase starts). */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#define PRE "DMRS-BT-"
#define VOLS PRE "VOL-"
#define VOL_SECTORS 2048
#define LIN_SECTORS 16

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long trace_lines(void)
{
	const char *path = getenv("DM_TRACE");
	FILE *f;
	long n = 0;
	int c;

	if (!path)
		return -1;
	if (!(f = fopen(path, "r")))
		return 0; /* nothing traced yet */
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static struct dm_info info_of(const char *name)
{
	struct dm_info info;
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);

	memset(&info, 0, sizeof(info));
	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt))
		dm_task_get_info(dmt, &info);
	dm_task_destroy(dmt);
	return info;
}

static int add_existing(struct dm_tree *t, const char *name)
{
	struct dm_info info = info_of(name);

	return info.exists && dm_tree_add_dev(t, info.major, info.minor);
}

static int run_tree(struct dm_tree *t, const char *prefix, int suspend)
{
	struct dm_tree_node *root = dm_tree_find_node(t, 0, 0);

	return root && dm_tree_preload_children(root, prefix, strlen(prefix))
		&& (!suspend || dm_tree_suspend_children(root, prefix, strlen(prefix)))
		&& dm_tree_activate_children(root, prefix, strlen(prefix));
}

static struct dm_tree_node *new_dev(struct dm_tree *t, const char *name, const char *uuid)
{
	return dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
}

static int setup_thin(int n, const char *meta, const char *data)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_tree_node *node;
	int i, ok;

	ok = (node = new_dev(t, "dmrs-bt-tmeta", PRE "tmeta")) && dm_tree_node_add_linear_target(node, 32768)
		&& dm_tree_node_add_target_area(node, meta, NULL, 0)
		&& (node = new_dev(t, "dmrs-bt-tdata", PRE "tdata")) && dm_tree_node_add_linear_target(node, 32768)
		&& dm_tree_node_add_target_area(node, data, NULL, 0)
		&& (node = new_dev(t, "dmrs-bt-pool", PRE "pool"))
		&& dm_tree_node_add_thin_pool_target(node, 32768, 0, PRE "tmeta", PRE "tdata", 128, 0, 1)
		&& run_tree(t, PRE, 0);
	dm_tree_free(t);
	if (!ok)
		return 0;
	t = dm_tree_create();
	ok = add_existing(t, "dmrs-bt-pool") && (node = new_dev(t, "dmrs-bt-pool", PRE "pool"))
		&& dm_tree_node_add_thin_pool_target(node, 32768, 1, PRE "tmeta", PRE "tdata", 128, 0, 1);
	for (i = 1; ok && i <= n; i++)
		ok = dm_tree_node_add_thin_pool_message(node, DM_THIN_MESSAGE_CREATE_THIN, i, 0);
	ok = ok && dm_tree_node_add_thin_pool_message(node, DM_THIN_MESSAGE_SET_TRANSACTION_ID, 0, 1)
		&& run_tree(t, PRE, 1);
	dm_tree_free(t);
	return ok;
}

static int teardown_thin(void)
{
	struct dm_tree *t = dm_tree_create();
	int ok = add_existing(t, "dmrs-bt-pool")
		&& dm_tree_deactivate_children(dm_tree_find_node(t, 0, 0), PRE, strlen(PRE));

	dm_tree_free(t);
	return ok;
}

static int measure(int thin, int n, const char *loop)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_tree_node *node, **nodes = calloc(n, sizeof(*nodes));
	unsigned *majors = calloc(n, sizeof(unsigned)), *minors = calloc(n, sizeof(unsigned));
	char name[64], uuid[64];
	long long t0, t1, t2;
	long l0, l1, l2;
	int i, ok = 1;

	l0 = trace_lines();
	t0 = now_us();
	if (thin)
		ok = add_existing(t, "dmrs-bt-pool");
	for (i = 0; ok && i < n; i++) {
		snprintf(name, sizeof(name), "dmrs-bt-vol%d", i);
		snprintf(uuid, sizeof(uuid), VOLS "%d", i);
		ok = (node = nodes[i] = new_dev(t, name, uuid))
			&& (thin ? dm_tree_node_add_thin_target(node, VOL_SECTORS, PRE "pool", i + 1)
				 : dm_tree_node_add_linear_target(node, LIN_SECTORS)
				   && dm_tree_node_add_target_area(node, loop, NULL, (uint64_t) i * LIN_SECTORS));
	}
	ok = ok && run_tree(t, VOLS, 0);
	/* as LVM ends a tree operation: the C library applies its queued
	 * /dev/mapper node changes here (ours has made them already) */
	ok = ok && dm_udev_wait(0);
	for (i = 0; ok && i < n; i++) {
		const struct dm_info *info = dm_tree_node_get_info(nodes[i]);
		majors[i] = info->major;
		minors[i] = info->minor;
		ok = info->exists;
	}
	dm_tree_free(t);
	t1 = now_us();
	l1 = trace_lines();
	if (!ok) {
		fprintf(stderr, "tree_activate: activation failed\n");
		return 1;
	}
	if (write(-1, "tree_activate:deactivate", 24) < 0) {
		/* the marker is meant to fail: strace shows it */
	}
	t = dm_tree_create();
	for (i = 0; ok && i < n; i++)
		ok = dm_tree_add_dev(t, majors[i], minors[i]);
	ok = ok && dm_tree_deactivate_children(dm_tree_find_node(t, 0, 0), VOLS, strlen(VOLS)) && dm_udev_wait(0);
	dm_tree_free(t);
	t2 = now_us();
	l2 = trace_lines();
	if (!ok) {
		fprintf(stderr, "tree_activate: deactivation failed\n");
		return 1;
	}
	printf("activate_us=%lld deactivate_us=%lld ioctls_activate=%ld ioctls_deactivate=%ld\n", t1 - t0, t2 - t1,
	       l0 < 0 ? -1 : l1 - l0, l0 < 0 ? -1 : l2 - l1);
	free(nodes);
	free(majors);
	free(minors);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "setup-thin"))
		return setup_thin(atoi(argv[2]), argv[3], argv[4]) ? 0 : 1;
	if (argc == 2 && !strcmp(argv[1], "teardown-thin"))
		return teardown_thin() ? 0 : 1;
	if (argc == 3 && !strcmp(argv[1], "thin"))
		return measure(1, atoi(argv[2]), NULL);
	if (argc == 4 && !strcmp(argv[1], "linear"))
		return measure(0, atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: %s setup-thin N META DATA | thin N | linear N LOOP | teardown-thin\n", argv[0]);
	return 2;
}
