/* The C boundary without a kernel: logging, NULL and bad arguments,
 * stubs that fail loudly, and the helpers and macros of the header. */
#include <libdevmapper.h>
#include <libdevmapper.h> /* twice: the header guards all of itself */
#include <errno.h>
#include "../check.h"

/* Exported by the library (as by the C library) but not in the header. */
extern dm_log_with_errno_fn dm_log_with_errno;

static char last_message[1024];
static int last_level, last_errno, messages;

__attribute__((format(printf, 5, 6)))
static void capture(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;

	(void) file; (void) line;
	va_start(ap, f);
	vsnprintf(last_message, sizeof(last_message), f, ap);
	va_end(ap);
	last_level = level;
	last_errno = dm_errno;
	messages++;
}

static int logged(const char *needle)
{
	return strstr(last_message, needle) != NULL;
}

struct item {
	struct dm_list list;
	int value;
};

int main(void)
{
	char buf[64];
	char *s = NULL;
	struct dm_task *dmt;
	struct dm_info info;
	char long_name[200];

	dm_log_with_errno_init(capture);

	CHECK(dm_get_library_version(buf, sizeof(buf)) == 1 && strstr(buf, "devmapper"),
	      "the library loaded is devmapper, not the C library");

	{
		/* No function is a stub any more: the one this check used to
		 * catch as a stub now makes a handle. */
		struct dm_stats *dms = dm_stats_create("test");
		CHECK(dms != NULL && !logged("not implemented"), "dm_stats_create makes a handle (no stubs left)");
		dm_stats_destroy(dms);
	}

	CHECK(dm_task_create(9999) == NULL && logged("bad task type"), "an unknown task type is refused");

	CHECK(dm_task_set_name(NULL, "x") == 0 && logged("must not be NULL"), "a NULL task is a logged error");

	dmt = dm_task_create(DM_DEVICE_INFO);
	CHECK(dmt != NULL, "dm_task_create(DM_DEVICE_INFO)");
	CHECK(dm_task_set_name(dmt, NULL) == 0 && logged("name must not be NULL"), "a NULL name is a logged error");
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK(dm_task_set_name(dmt, long_name) == 0 && logged("too long"), "an over-long name is refused");
	CHECK(dm_task_set_name(dmt, "a/b") == 0 && logged("Device a/b not found"), "a path that is no device is refused");
	CHECK(dm_task_set_name(dmt, "good") == 1 && !strcmp(dm_task_get_name(dmt), "good"), "a good name is kept");
	CHECK(dm_task_get_info(dmt, &info) == 0 && logged("has not run"), "get_info before run fails");
	CHECK(dm_task_get_info(dmt, NULL) == 0, "get_info into NULL fails");
	CHECK(dm_task_add_target(dmt, 0, 8, "a-target-type-name-too-long", "") == 0, "an over-long target type is refused");
	dm_task_destroy(dmt);
	dm_task_destroy(NULL);

	messages = 0;
	dm_log_with_errno(3, __FILE__, __LINE__, 5, "through the %s %d", "variable", 42);
	CHECK(messages == 1 && !strcmp(last_message, "through the variable 42") && last_errno == 5 && last_level == 3,
	      "calls through the exported dm_log_with_errno reach the registered function");

	CHECK(dm_snprintf(buf, 4, "%s", "toolong") == -1, "dm_snprintf: -1 when it does not fit");
	CHECK(dm_snprintf(buf, sizeof(buf), "%d-%s", 7, "x") == 3 && !strcmp(buf, "7-x"), "dm_snprintf: length when it fits");
	CHECK(dm_asprintf(&s, "%s%d", "ab", 12) == 5 && s && !strcmp(s, "ab12"), "dm_asprintf: size with the NUL");
	dm_free(s);
	CHECK(!strcmp(dm_basename("/dev/mapper/vg-lv"), "vg-lv") && !strcmp(dm_basename("plain"), "plain"), "dm_basename");
	CHECK(dm_strncpy(buf, "abcdef", 4) == 0 && !strcmp(buf, "abc"), "dm_strncpy: truncation returns 0");
	CHECK(dm_strncpy(buf, "abc", 4) == 1 && !strcmp(buf, "abc"), "dm_strncpy: a fitting copy returns 1");

	{
		struct item a = { .value = 1 }, b = { .value = 2 }, *it;
		int sum = 0, count = 0;
		DM_LIST_INIT(head);

		dm_list_init(&head);
		dm_list_add(&head, &a.list);
		dm_list_add(&head, &b.list);
		dm_list_iterate_items(it, &head) {
			sum += it->value;
			count++;
		}
		CHECK(count == 2 && sum == 3, "dm_list_iterate_items walks the list");
		CHECK(dm_list_item(head.n, struct item)->value == 1, "dm_list_item finds the container");
	}

	{
		uint32_t bits[3] = { 64, 0, 0 };

		dm_bit_set(bits, 33);
		CHECK(dm_bit(bits, 33) && !dm_bit(bits, 32) && bits[2] == 2, "dm_bit_set / dm_bit");
		dm_bit_clear(bits, 33);
		CHECK(!dm_bit(bits, 33), "dm_bit_clear");
		CHECK(hweight32(0xF0F0) == 8, "hweight32");
	}

	{
		char *p = dm_strdup("copy");
		char *z = dm_zalloc(16);

		CHECK(p && !strcmp(p, "copy") && z && !z[15], "dm_strdup / dm_zalloc");
		dm_free(p);
		dm_free(z);
	}

	dm_log_with_errno_init(NULL);
	CHECK(dm_log_is_non_default() == 0, "dm_log_with_errno_init(NULL) restores the default");
	return DONE();
}
