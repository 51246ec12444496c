/* A device list larger than the first ioctl buffer (16 KiB): the library
 * must grow the buffer on DM_BUFFER_FULL and return every name, with its
 * uuid and event number after it, as the kernel lays them out. */
#include <libdevmapper.h>
#include "../check.h"

#define COUNT 300

static int run_simple(int type, const char *name, const char *uuid, int table)
{
	struct dm_task *dmt = dm_task_create(type);
	int r = dmt && dm_task_set_name(dmt, name) && (!uuid || dm_task_set_uuid(dmt, uuid))
		&& (!table || dm_task_add_target(dmt, 0, 8, "zero", "")) && dm_task_run(dmt);

	dm_task_destroy(dmt);
	return r;
}

int main(void)
{
	char name[64], uuid[64];
	int i, created = 0, listed = 0, uuids_ok = 0, removed = 0;
	struct dm_task *dmt;
	struct dm_names *n;

	for (i = 0; i < COUNT; i++) {
		snprintf(name, sizeof(name), "dmrs-many-%03d-with-a-longer-name-to-fill-the-buffer", i);
		snprintf(uuid, sizeof(uuid), "DMRS-MANY-%03d", i);
		created += run_simple(DM_DEVICE_CREATE, name, uuid, 1);
	}
	CHECK(created == COUNT, "300 devices created");

	dmt = dm_task_create(DM_DEVICE_LIST);
	CHECK(dmt && dm_task_run(dmt), "list runs");
	for (n = dm_task_get_names(dmt); n && n->dev; n = (struct dm_names *)((char *) n + n->next)) {
		if (!strncmp(n->name, "dmrs-many-", 10)) {
			/* After the name, 8-aligned: event_nr, flags, uuid. */
			const char *after = n->name + strlen(n->name) + 1;
			const uint32_t *extra = (const uint32_t *)(((uintptr_t) after + 7) & ~(uintptr_t) 7);

			listed++;
			if ((extra[1] & 1) && !strncmp((const char *)(extra + 2), "DMRS-MANY-", 10))
				uuids_ok++;
		}
		if (!n->next)
			break;
	}
	dm_task_destroy(dmt);
	CHECK(listed == COUNT, "every device listed (the reply outgrew the first buffer)");
	CHECK(uuids_ok == COUNT, "each name is followed by its uuid as the kernel lays it out");

	/* The same through dm_task_get_device_list (1.02.213). */
	{
		struct dm_list *devs = NULL, *again = NULL;
		struct dm_active_device *d;
		unsigned features = 0;
		int n = 0, with_uuid = 0;

		dmt = dm_task_create(DM_DEVICE_LIST);
		CHECK(dmt && dm_task_get_device_list(dmt, &devs, &features), "dm_task_get_device_list");
		if (devs)
			dm_list_iterate_items(d, devs)
				if (!strncmp(d->name, "dmrs-many-", 10)) {
					n++;
					with_uuid += !strncmp(d->uuid, "DMRS-MANY-", 10);
				}
		CHECK(n == COUNT && with_uuid == COUNT, "the device list has every device with its uuid");
		CHECK((features & DM_DEVICE_LIST_HAS_UUID) && (features & DM_DEVICE_LIST_HAS_EVENT_NR), "and says uuids and event numbers are there");
		dm_task_destroy(dmt);
		dmt = dm_task_create(DM_DEVICE_LIST);
		CHECK(dmt && dm_task_get_device_list(dmt, &again, NULL) && dm_device_list_equal(devs, again), "two lists of the same devices are equal");
		dm_task_destroy(dmt);
		dm_device_list_destroy(&devs);
		dm_device_list_destroy(&again);
		CHECK(devs == NULL && again == NULL, "dm_device_list_destroy clears the pointer");
	}

	for (i = 0; i < COUNT; i++) {
		snprintf(name, sizeof(name), "dmrs-many-%03d-with-a-longer-name-to-fill-the-buffer", i);
		removed += run_simple(DM_DEVICE_REMOVE, name, NULL, 0);
	}
	CHECK(removed == COUNT, "all removed");
	return DONE();
}
