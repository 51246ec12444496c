/* Leak soak, no kernel needed: creates and destroys TASKS tasks (each with
 * a name, a uuid, two targets and a cookie-less create type) and TREES
 * trees (four nodes, linear and striped segments with areas, looked up and
 * freed) in one process, reading the resident set size (/proc/self/statm)
 * at ten points of each loop. Passes when the RSS after the last round is
 * no more than SLACK KiB above the RSS after the first tenth (warm-up).
 * Built against this library and against the C library (same source);
 * the C library's dm_task_create needs the kernel driver, so its column is
 * measured in the test VM.
 * usage: soak [TASKS [TREES]]   (defaults 1000000 and 10000)
 * SOAK_IGNORE_RSS=1: exit 0 whatever the RSS did (for runs under valgrind). */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLACK 512

static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void quiet(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	(void) level; (void) file; (void) line; (void) dm_errno; (void) f;
}

static int one_task(long i)
{
	char name[64];
	struct dm_task *dmt = dm_task_create(DM_DEVICE_CREATE);
	int ok;

	snprintf(name, sizeof(name), "soak-%ld", i);
	ok = dmt && dm_task_set_name(dmt, name) && dm_task_set_uuid(dmt, "SOAK-UUID-0123456789")
		&& dm_task_add_target(dmt, 0, 1024, "linear", "/dev/loop0 0")
		&& dm_task_add_target(dmt, 1024, 1024, "zero", "");
	if (dmt)
		dm_task_destroy(dmt);
	return ok;
}

static int one_tree(void)
{
	struct dm_tree *tree = dm_tree_create();
	struct dm_tree_node *n;
	int ok = tree != NULL;

	ok = ok && (n = dm_tree_add_new_dev(tree, "soak-bottom", "SOAK-bottom", 0, 0, 0, 0, NULL))
		&& dm_tree_node_add_zero_target(n, 8192);
	ok = ok && (n = dm_tree_add_new_dev(tree, "soak-left", "SOAK-left", 0, 0, 0, 0, NULL))
		&& dm_tree_node_add_linear_target(n, 2048) && dm_tree_node_add_target_area(n, NULL, "SOAK-bottom", 0);
	ok = ok && (n = dm_tree_add_new_dev(tree, "soak-right", "SOAK-right", 0, 0, 0, 0, NULL))
		&& dm_tree_node_add_linear_target(n, 2048) && dm_tree_node_add_target_area(n, NULL, "SOAK-bottom", 4096);
	ok = ok && (n = dm_tree_add_new_dev(tree, "soak-top", "SOAK-top", 0, 0, 0, 0, NULL))
		&& dm_tree_node_add_striped_target(n, 4096, 64)
		&& dm_tree_node_add_target_area(n, NULL, "SOAK-left", 0) && dm_tree_node_add_target_area(n, NULL, "SOAK-right", 0);
	ok = ok && dm_tree_find_node(tree, 0, 0) && dm_tree_find_node_by_uuid(tree, "SOAK-top");
	if (tree)
		dm_tree_free(tree);
	return ok;
}

/* Runs FN COUNT times; returns 1 when RSS stayed flat after warm-up. */
static int soak(const char *what, long count, int (*fn)(long))
{
	long i, warm = 0, last = 0, failed = 0;

	printf("%s:", what);
	for (i = 0; i < count; i++) {
		if (!fn(i))
			failed++;
		if ((i + 1) % (count / 10) == 0) {
			last = rss_kib();
			if (!warm)
				warm = last;
			printf(" %ld", last);
			fflush(stdout);
		}
	}
	printf(" KiB; %ld failed; growth after warm-up %ld KiB\n", failed, last - warm);
	return !failed && last - warm <= SLACK;
}

static int task_fn(long i)
{
	return one_task(i);
}

static int tree_fn(long i)
{
	(void) i;
	return one_tree();
}

int main(int argc, char **argv)
{
	long tasks = argc > 1 ? atol(argv[1]) : 1000000, trees = argc > 2 ? atol(argv[2]) : 10000;
	char version[80] = "?";
	int ok;

	dm_log_with_errno_init(quiet);
	dm_get_library_version(version, sizeof(version));
	printf("soak on libdevmapper %s; RSS at start %ld KiB\n", version, rss_kib());
	ok = soak("tasks", tasks, task_fn);
	ok = soak("trees", trees, tree_fn) && ok;
	printf("soak: %s\n", ok ? "flat" : "GROWS");
	/* Under valgrind freed blocks stay quarantined, so RSS grows by design:
	 * SOAK_IGNORE_RSS=1 judges only the calls (valgrind judges the leaks). */
	if (getenv("SOAK_IGNORE_RSS"))
		return 0;
	return ok ? 0 : 1;
}
