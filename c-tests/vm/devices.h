/* Queries the VM C tests share: a device's info and its first table line,
 * through whichever libdevmapper the test is linked with. */
#ifndef DEVMAPPER_CTEST_DEVICES_H
#define DEVMAPPER_CTEST_DEVICES_H
#include <libdevmapper.h>
#include <stdio.h>
#include <string.h>

/* INFO of a device by name (all zero when it does not exist). */
static inline struct dm_info info_of(const char *name)
{
	struct dm_info info;
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);

	memset(&info, 0, sizeof(info));
	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt))
		dm_task_get_info(dmt, &info);
	dm_task_destroy(dmt);
	return info;
}

/* Whether the first line of NAME's live table has TYPE and PARAMS (only
 * its first strlen(PARAMS) characters when PREFIX_ONLY). */
static inline int table_is(const char *name, const char *type, const char *params, int prefix_only)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_TABLE);
	uint64_t start, len;
	char *t = NULL, *p = NULL;
	int ok = 0;

	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt)) {
		dm_get_next_target(dmt, NULL, &start, &len, &t, &p);
		ok = t && !strcmp(t, type) && p
			&& (prefix_only ? !strncmp(p, params, strlen(params)) : !strcmp(p, params));
		if (!ok)
			printf("# %s: '%s' '%s', expected '%s' '%s'\n", name, t ? t : "-", p ? p : "-", type, params);
	}
	dm_task_destroy(dmt);
	return ok;
}
#endif
