/* Concurrency: PROCS processes x THREADS threads, each thread creating,
 * querying, renaming and removing its own device (a zero table) in a loop
 * for SECONDS seconds, through whichever libdevmapper it is linked with.
 * When udev runs, create, rename and remove carry a udev cookie and wait
 * for it, as dmsetup does.
 *
 * The C library gives no thread guarantee, so when the library is not this
 * one (its version string lacks "devmapper"), or CONC_LOCK=1, each library
 * call sequence (task create, set up, run, destroy) holds one mutex per
 * process; dm_udev_wait is called outside it (it only touches the cookie's
 * semaphore), so threads still overlap in their udev waits.
 *
 * Prints operations per second and failures; exit 0 when there was no
 * failure, no hang (the parent gives up SECONDS + 240 s after the start: longer than one udev wait, 180 s),
 * and no device of ours and no semaphore is left.
 * usage: conc PROCS THREADS SECONDS */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PREFIX "dmrs-conc-"

struct totals { atomic_long ops, failures; };
static struct totals *totals;	/* shared between the processes */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int use_lock, use_cookies, seconds;
static double deadline;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* One task: TYPE on NAME (NEW_NAME for a rename, a zero table for a
 * create); waits for udev when cookies are used. */
static int op(int type, const char *name, const char *new_name)
{
	struct dm_task *dmt;
	uint32_t cookie = 0;
	int ok;

	if (use_lock)
		pthread_mutex_lock(&lock);
	dmt = dm_task_create(type);
	ok = dmt && dm_task_set_name(dmt, name)
		&& (!new_name || dm_task_set_newname(dmt, new_name))
		&& (type != DM_DEVICE_CREATE || dm_task_add_target(dmt, 0, 8, "zero", ""))
		&& (!use_cookies || type == DM_DEVICE_INFO || dm_task_set_cookie(dmt, &cookie, 0))
		&& dm_task_run(dmt);
	if (ok && type == DM_DEVICE_INFO) {
		struct dm_info info;
		ok = dm_task_get_info(dmt, &info) && info.exists;
	}
	if (dmt)
		dm_task_destroy(dmt);
	if (use_lock)
		pthread_mutex_unlock(&lock);
	if (cookie && !dm_udev_wait(cookie))
		ok = 0;
	return ok;
}

static int info_exists(const char *name)
{
	struct dm_task *dmt;
	struct dm_info info;
	int exists;

	if (use_lock)
		pthread_mutex_lock(&lock);
	dmt = dm_task_create(DM_DEVICE_INFO);
	exists = dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt) && dm_task_get_info(dmt, &info) && info.exists;
	if (dmt)
		dm_task_destroy(dmt);
	if (use_lock)
		pthread_mutex_unlock(&lock);
	return exists;
}

static void *worker(void *arg)
{
	char name[64], renamed[64];
	long id = (long) arg;

	snprintf(name, sizeof(name), PREFIX "%ld", id);
	snprintf(renamed, sizeof(renamed), PREFIX "%ld-r", id);
	/* Counted as they happen, so that a thread that hangs still counts. */
	while (now() < deadline) {
		int ok = op(DM_DEVICE_CREATE, name, NULL), failures = !ok;
		failures += !op(DM_DEVICE_INFO, name, NULL);
		failures += !op(DM_DEVICE_RENAME, name, renamed);
		failures += !op(DM_DEVICE_REMOVE, renamed, NULL);
		atomic_fetch_add(&totals->ops, 4);
		atomic_fetch_add(&totals->failures, failures);
		if (failures) {	/* clean up whichever name is left */
			if (info_exists(name))
				op(DM_DEVICE_REMOVE, name, NULL);
			if (info_exists(renamed))
				op(DM_DEVICE_REMOVE, renamed, NULL);
		}
	}
	return NULL;
}

static int leftovers(void)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_LIST);
	struct dm_names *n;
	int left = 0;

	if (dmt && dm_task_run(dmt) && (n = dm_task_get_names(dmt)) && n->dev)
		for (;;) {
			if (!strncmp(n->name, PREFIX, strlen(PREFIX))) {
				printf("left: %s\n", n->name);
				left++;
			}
			if (!n->next)
				break;
			n = (struct dm_names *) ((char *) n + n->next);
		}
	if (dmt)
		dm_task_destroy(dmt);
	return left;
}

static int semaphores(void)
{
	char line[512];
	int n = -1;
	FILE *f = fopen("/proc/sysvipc/sem", "r");

	while (f && fgets(line, sizeof(line), f))
		n++;
	if (f)
		fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	int procs, threads, p, t, status, hung = 0, left, sems;
	char version[80] = "";
	double start, elapsed;
	pid_t *pids;

	if (argc != 4) {
		fprintf(stderr, "usage: conc PROCS THREADS SECONDS\n");
		return 2;
	}
	procs = atoi(argv[1]);
	threads = atoi(argv[2]);
	seconds = atoi(argv[3]);
	dm_get_library_version(version, sizeof(version));
	use_lock = !strstr(version, "devmapper") || (getenv("CONC_LOCK") && !strcmp(getenv("CONC_LOCK"), "1"));
	use_cookies = dm_udev_get_sync_support() && access("/run/udev/control", F_OK) == 0;
	totals = mmap(NULL, sizeof(*totals), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(procs, sizeof(*pids));
	start = now();
	deadline = start + seconds;
	for (p = 0; p < procs; p++)
		if ((pids[p] = fork()) == 0) {
			pthread_t *tids = calloc(threads, sizeof(*tids));
			for (t = 0; t < threads; t++)
				pthread_create(&tids[t], NULL, worker, (void *) (long) (p * 1000 + t));
			for (t = 0; t < threads; t++)
				pthread_join(tids[t], NULL);
			_exit(0);
		}
	for (p = 0; p < procs; p++) {
		while (waitpid(pids[p], &status, WNOHANG) == 0) {
			if (now() > start + seconds + 240) {
				hung = 1;
				kill(pids[p], SIGKILL);
			}
			usleep(100000);
		}
	}
	elapsed = now() - start;
	left = leftovers();
	sems = semaphores();
	printf("conc: libdevmapper %s, %d processes x %d threads, %.0f s, %s, %s: %ld operations (%.1f/s), %ld failures, %s, %d devices left, %d semaphores left\n",
	       version, procs, threads, elapsed, use_lock ? "one lock per process" : "no lock",
	       use_cookies ? "udev cookies" : "no udev", (long) totals->ops, totals->ops / elapsed,
	       (long) totals->failures, hung ? "HUNG" : "no hang", left, sems);
	return totals->failures || hung || left || sems > 0 ? 1 : 0;
}
