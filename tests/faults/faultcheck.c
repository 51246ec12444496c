/* The checks after one fault-injection point, linked against Debian's C
 * library so that they do not depend on the library under test; then the
 * clean-up for the next point. Prints one line:
 *   DEVICES SUSPENDED INACTIVE LOST SEMAPHORES
 * (devices left, of them suspended, with an inactive table; 1 when DISK no
 * longer equals COPY; semaphores left), then resumes and removes every
 * device, removes every semaphore and restores DISK from COPY.
 * usage: faultcheck DISK COPY */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

static int run_on(int type, const char *name, struct dm_info *info)
{
	struct dm_task *dmt = dm_task_create(type);
	int ok = dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt) && (!info || dm_task_get_info(dmt, info));

	if (dmt)
		dm_task_destroy(dmt);
	return ok;
}

static void quiet(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	(void) level; (void) file; (void) line; (void) dm_errno; (void) f;
}

static char *slurp(const char *path, size_t size)
{
	char *buf = malloc(size);
	int fd = open(path, O_RDONLY);
	ssize_t got = fd >= 0 && buf ? pread(fd, buf, size, 0) : -1;

	if (fd >= 0)
		close(fd);
	if (got != (ssize_t) size) {
		free(buf);
		return NULL;
	}
	return buf;
}

int main(int argc, char **argv)
{
	enum { SIZE = 2 << 20 };
	char names[256][128], line[512], *a, *b;
	int n = 0, suspended = 0, inactive = 0, lost, sems = 0, i, id;
	struct dm_task *dmt;
	struct dm_names *nm;
	struct dm_info info;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: faultcheck DISK COPY\n");
		return 2;
	}
	dm_log_with_errno_init(quiet);
	if ((dmt = dm_task_create(DM_DEVICE_LIST)) && dm_task_run(dmt) && (nm = dm_task_get_names(dmt)) && nm->dev) {
		for (;;) {
			if (n < 256)
				snprintf(names[n++], sizeof(names[0]), "%s", nm->name);
			if (!nm->next)
				break;
			nm = (struct dm_names *) ((char *) nm + nm->next);
		}
	}
	if (dmt)
		dm_task_destroy(dmt);
	for (i = 0; i < n; i++)
		if (run_on(DM_DEVICE_INFO, names[i], &info) && info.exists) {
			suspended += info.suspended != 0;
			inactive += info.inactive_table != 0;
		}
	a = slurp(argv[1], SIZE);
	b = slurp(argv[2], SIZE);
	lost = !a || !b || memcmp(a, b, SIZE);
	if ((f = fopen("/proc/sysvipc/sem", "r"))) {
		while (fgets(line, sizeof(line), f))
			sems++;
		fclose(f);
		sems--;
	}
	printf("%d %d %d %d %d\n", n, suspended, inactive, lost, sems);
	fflush(stdout);

	/* Clean up: resume, clear, remove (several rounds: stacked devices go
	 * top-down only), semaphores, the disk. */
	for (int round = 0; round < 4; round++)
		for (i = 0; i < n; i++) {
			run_on(DM_DEVICE_RESUME, names[i], NULL);
			run_on(DM_DEVICE_CLEAR, names[i], NULL);
			run_on(DM_DEVICE_REMOVE, names[i], NULL);
		}
	if (sems > 0 && (f = fopen("/proc/sysvipc/sem", "r"))) {
		fgets(line, sizeof(line), f);
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%*d %d", &id) == 1)
				semctl(id, 0, IPC_RMID);
		fclose(f);
	}
	if (lost && b) {
		int fd = open(argv[1], O_WRONLY);
		if (fd < 0 || pwrite(fd, b, SIZE, 0) != SIZE || fsync(fd))
			fprintf(stderr, "faultcheck: cannot restore %s\n", argv[1]);
		if (fd >= 0)
			close(fd);
	}
	free(a);
	free(b);
	return 0;
}
