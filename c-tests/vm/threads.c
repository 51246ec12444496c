/* Several threads using the library at once, each on its own devices:
 * create with a table, info, rename, table, remove. With the C library a
 * caller needs a global lock; this library promises no lock is needed. */
#include <libdevmapper.h>
#include <pthread.h>
#include "../check.h"

#define THREADS 8
#define ROUNDS 20

static int one(int type, const char *name, const char *newname, int table, struct dm_info *info)
{
	struct dm_task *dmt = dm_task_create(type);
	int r = dmt && dm_task_set_name(dmt, name)
		&& (!newname || dm_task_set_newname(dmt, newname))
		&& (!table || dm_task_add_target(dmt, 0, 16, "zero", ""))
		&& dm_task_run(dmt)
		&& (!info || dm_task_get_info(dmt, info));

	dm_task_destroy(dmt);
	return r;
}

static void *worker(void *arg)
{
	long id = (long) arg, failures = 0;
	char name[64], renamed[64];
	struct dm_info info;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		snprintf(name, sizeof(name), "dmrs-thr-%ld-%d", id, i);
		snprintf(renamed, sizeof(renamed), "dmrs-thr-%ld-%d-r", id, i);
		if (!one(DM_DEVICE_CREATE, name, NULL, 1, NULL))
			failures++;
		if (!one(DM_DEVICE_INFO, name, NULL, 0, &info) || !info.exists || !info.live_table)
			failures++;
		if (!one(DM_DEVICE_RENAME, name, renamed, 0, NULL))
			failures++;
		if (!one(DM_DEVICE_TABLE, renamed, NULL, 0, &info) || info.target_count != 1)
			failures++;
		if (!one(DM_DEVICE_REMOVE, renamed, NULL, 0, NULL))
			failures++;
		if (!one(DM_DEVICE_INFO, renamed, NULL, 0, &info) || info.exists)
			failures++;
	}
	return (void *) failures;
}

int main(void)
{
	pthread_t t[THREADS];
	long i, failures = 0;
	void *r;
	struct dm_task *dmt;
	struct dm_names *n;
	int left = 0;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *) i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &r);
		failures += (long) r;
	}
	printf("%d threads x %d rounds x 6 operations: %ld failures\n", THREADS, ROUNDS, failures);
	CHECK(failures == 0, "no operation failed with 8 threads at once");

	dmt = dm_task_create(DM_DEVICE_LIST);
	if (dmt && dm_task_run(dmt))
		for (n = dm_task_get_names(dmt); n && n->dev; n = (struct dm_names *)((char *) n + n->next)) {
			if (!strncmp(n->name, "dmrs-thr-", 9))
				left++;
			if (!n->next)
				break;
		}
	dm_task_destroy(dmt);
	CHECK(left == 0, "no device left behind");
	return DONE();
}
