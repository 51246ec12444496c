/* One device's life through this library on the real kernel: create with a
 * table, info, table, status, deps, suspend, resume, reload, list, versions,
 * remove, and the errors a caller sees. Run as root in the test VM. */
#include <libdevmapper.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "../check.h"
#include "devices.h"

#define BASE "dmrs-life-base"
#define TOP "dmrs-life-top"

static struct dm_task *task(int type, const char *name)
{
	struct dm_task *dmt = dm_task_create(type);

	if (dmt && name && !dm_task_set_name(dmt, name)) {
		dm_task_destroy(dmt);
		return NULL;
	}
	return dmt;
}

/* Runs a one-target task and frees it; returns dm_task_run's result. */
static int run_with_table(int type, const char *name, const char *uuid, uint64_t len,
			  const char *ttype, const char *params)
{
	struct dm_task *dmt = task(type, name);
	int r;

	if (!dmt)
		return 0;
	if (uuid && !dm_task_set_uuid(dmt, uuid))
		return 0;
	if (ttype && !dm_task_add_target(dmt, 0, len, ttype, params))
		return 0;
	r = dm_task_run(dmt);
	dm_task_destroy(dmt);
	return r;
}

static int simple(int type, const char *name)
{
	return run_with_table(type, name, NULL, 0, NULL, NULL);
}

/* The first target line of TABLE or STATUS. */
static int first_target(int type, const char *name, int inactive, char *ttype, char *params, uint64_t *len)
{
	struct dm_task *dmt = task(type, name);
	uint64_t start;
	char *t, *p;
	int ok = 0;

	if (inactive)
		dm_task_query_inactive_table(dmt);
	if (dmt && dm_task_run(dmt)) {
		dm_get_next_target(dmt, NULL, &start, len, &t, &p);
		if (t) {
			strcpy(ttype, t);
			strcpy(params, p ? p : "");
			ok = start == 0;
		}
	}
	dm_task_destroy(dmt);
	return ok;
}

int main(void)
{
	struct dm_info base, top;
	struct dm_task *dmt;
	char ttype[64], params[256], linear[64];
	uint64_t len = 0;
	struct stat st;

	simple(DM_DEVICE_REMOVE, TOP);
	simple(DM_DEVICE_REMOVE, BASE);

	CHECK(run_with_table(DM_DEVICE_CREATE, BASE, "DMRS-LIFE-BASE", 4096, "zero", ""),
	      "create with a table (create, load, resume)");
	base = info_of(BASE);
	CHECK(base.exists == 1 && base.live_table == 1 && base.inactive_table == 0 && base.suspended == 0
	      && base.target_count == 1 && base.open_count == 0, "info: exists, live table, not suspended");
	CHECK(first_target(DM_DEVICE_TABLE, BASE, 0, ttype, params, &len) && !strcmp(ttype, "zero") && len == 4096,
	      "table: 0 4096 zero");
	CHECK(stat("/dev/mapper/" BASE, &st) == 0 && S_ISBLK(st.st_mode)
	      && major(st.st_rdev) == base.major && minor(st.st_rdev) == base.minor,
	      "/dev/mapper node made by the library (no udev)");

	snprintf(linear, sizeof(linear), "%u:%u 1024", base.major, base.minor);
	CHECK(run_with_table(DM_DEVICE_CREATE, TOP, NULL, 2048, "linear", linear), "create a linear device on top");
	top = info_of(TOP);
	CHECK(top.exists == 1 && top.major == base.major && top.minor != base.minor, "the top is a second dm device");
	CHECK(first_target(DM_DEVICE_TABLE, TOP, 0, ttype, params, &len) && !strcmp(ttype, "linear")
	      && !strcmp(params, linear) && len == 2048, "table: linear with the parameters given");
	CHECK(first_target(DM_DEVICE_STATUS, TOP, 0, ttype, params, &len) && !strcmp(ttype, "linear"),
	      "status: linear");
	CHECK(info_of(BASE).open_count == 1, "the base is held open by the top");

	dmt = task(DM_DEVICE_DEPS, TOP);
	CHECK(dmt && dm_task_run(dmt), "deps runs");
	{
		struct dm_deps *deps = dm_task_get_deps(dmt);

		CHECK(deps && deps->count == 1 && deps->device[0] == makedev(base.major, base.minor),
		      "deps: the top uses the base");
	}
	dm_task_destroy(dmt);

	CHECK(simple(DM_DEVICE_SUSPEND, TOP) && info_of(TOP).suspended == 1, "suspend");
	/* As the C library: only the deptree's suspends are counted. */
	CHECK(dm_get_suspended_counter() == 0, "suspended counter does not count a task's suspend");
	CHECK(simple(DM_DEVICE_RESUME, TOP) && info_of(TOP).suspended == 0, "resume");
	CHECK(dm_get_suspended_counter() == 0, "suspended counter still 0");

	CHECK(run_with_table(DM_DEVICE_RELOAD, TOP, NULL, 2048, "error", ""), "reload with an error table");
	CHECK(info_of(TOP).inactive_table == 1, "info: inactive table present");
	CHECK(first_target(DM_DEVICE_TABLE, TOP, 1, ttype, params, &len) && !strcmp(ttype, "error"),
	      "table --inactive shows the new table");
	CHECK(first_target(DM_DEVICE_TABLE, TOP, 0, ttype, params, &len) && !strcmp(ttype, "linear"),
	      "the live table is unchanged");
	CHECK(simple(DM_DEVICE_SUSPEND, TOP) && simple(DM_DEVICE_RESUME, TOP), "suspend and resume swap the tables");
	CHECK(first_target(DM_DEVICE_TABLE, TOP, 0, ttype, params, &len) && !strcmp(ttype, "error"),
	      "the live table is the reloaded one");
	CHECK(info_of(BASE).open_count == 0, "the base is no longer held");

	dmt = task(DM_DEVICE_LIST, NULL);
	CHECK(dmt && dm_task_run(dmt), "list runs");
	{
		struct dm_names *n = dm_task_get_names(dmt);
		int seen_base = 0, seen_top = 0;

		while (n && n->dev) {
			if (!strcmp(n->name, BASE))
				seen_base = 1;
			if (!strcmp(n->name, TOP))
				seen_top = 1;
			if (!n->next)
				break;
			n = (struct dm_names *)((char *) n + n->next);
		}
		CHECK(seen_base && seen_top, "list: both devices");
	}
	dm_task_destroy(dmt);

	dmt = task(DM_DEVICE_LIST_VERSIONS, NULL);
	CHECK(dmt && dm_task_run(dmt), "versions runs");
	{
		struct dm_versions *v = dm_task_get_versions(dmt), *last;
		int zero = 0;

		do {
			last = v;
			if (!strcmp(v->name, "zero"))
				zero = 1;
			v = (struct dm_versions *)((char *) v + v->next);
		} while (v != last);
		CHECK(zero, "versions: the zero target is listed");
	}
	dm_task_destroy(dmt);

	dmt = task(DM_DEVICE_VERSION, NULL);
	CHECK(dmt && dm_task_run(dmt) && dm_task_get_driver_version(dmt, params, sizeof(params)) && params[0] == '4',
	      "driver version 4.x");
	dm_task_destroy(dmt);

	dmt = task(DM_DEVICE_CREATE, BASE);
	CHECK(dmt && !dm_task_run(dmt) && dm_task_get_errno(dmt) == EBUSY, "creating a duplicate name fails with EBUSY");
	dm_task_destroy(dmt);

	CHECK(!run_with_table(DM_DEVICE_CREATE, "dmrs-life-bad", NULL, 100, "no-such-target", ""),
	      "create with an unknown target fails");
	CHECK(info_of("dmrs-life-bad").exists == 0, "and leaves no device behind");

	CHECK(simple(DM_DEVICE_REMOVE, TOP) && simple(DM_DEVICE_REMOVE, BASE), "remove both");
	CHECK(info_of(BASE).exists == 0 && info_of(TOP).exists == 0, "info: exists = 0 after remove");
	CHECK(stat("/dev/mapper/" BASE, &st) != 0, "node removed");
	CHECK(!simple(DM_DEVICE_REMOVE, BASE), "removing a missing device fails");
	return DONE();
}
