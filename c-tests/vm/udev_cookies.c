/* udev synchronisation through this library, with systemd-udevd and the
 * device-mapper rules running (tests/vm/udev.sh starts them). Run as root
 * in the test VM.
 *
 *   udev_cookies [CYCLES]       create, rename and remove a device CYCLES
 *                               times (default 67: 201 synchronised
 *                               operations), each step with a cookie and a
 *                               wait, checking after each step that
 *                               /dev/mapper/NAME is udev's link to ../dm-N
 *                               or absent; every other cycle passes
 *                               DISABLE_DISK_RULES|DISABLE_OTHER_RULES and
 *                               waits with dm_udev_wait_immediate; then the
 *                               cases where the library must complete the
 *                               cookie itself, and a cookie shared by tasks
 *                               (UDEV_COOKIES_TIMES=1: print each cycle's time)
 *
 * Helper modes for the interoperability checks against the C library
 * (Debian's dmsetup) in tests/vm/udev.sh; COOKIE as dmsetup prints it:
 *
 *   udev_cookies create-cookie          dm_udev_create_cookie, prints it
 *   udev_cookies inc COOKIE             one more expected completion
 *                                       (dm_task_set_cookie, task not run)
 *   udev_cookies complete COOKIE        dm_udev_complete
 *   udev_cookies wait COOKIE            dm_udev_wait
 *   udev_cookies value COOKIE           the semaphore's value, -1 if none
 *   udev_cookies create NAME COOKIE     create NAME (8 sectors of zero)
 *                                       with that cookie (0: a new one),
 *                                       no wait; prints the cookie
 *   udev_cookies remove NAME COOKIE     the same for a removal
 */
#include <libdevmapper.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include "../check.h"

#define A "dmrs-udev-a"
#define B "dmrs-udev-b"

static int sem_value(uint32_t cookie)
{
	int id = semget((key_t) cookie, 1, 0);

	return id < 0 ? -1 : semctl(id, 0, GETVAL);
}

static int sem_exists(uint32_t cookie)
{
	return semget((key_t) cookie, 1, 0) >= 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs one task with a cookie (*cookie 0: auto-create). With `table`,
 * CREATE gets 8 sectors of `table`; with `new_name`, a RENAME. */
static int run_cookie(int type, const char *name, const char *new_name, const char *table,
		      uint32_t *cookie, uint16_t flags, struct dm_info *info)
{
	struct dm_task *dmt = dm_task_create(type);
	int r = dmt && dm_task_set_name(dmt, name)
		&& (!table || dm_task_add_target(dmt, 0, 8, table, ""))
		&& (!new_name || dm_task_set_newname(dmt, new_name))
		&& dm_task_set_cookie(dmt, cookie, flags)
		&& dm_task_run(dmt)
		&& (!info || dm_task_get_info(dmt, info));

	dm_task_destroy(dmt);
	return r;
}

static int run_plain(int type, const char *name)
{
	struct dm_task *dmt = dm_task_create(type);
	int r = dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt);

	dm_task_destroy(dmt);
	return r;
}

static int exists(const char *name)
{
	struct dm_info info;
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);
	int r = dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt) && dm_task_get_info(dmt, &info) && info.exists;

	dm_task_destroy(dmt);
	return r;
}

/* 1 when /dev/mapper/NAME is a symlink to ../dm-MINOR. */
static int is_udev_link(const char *name, unsigned minor)
{
	char path[256], target[256], want[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	snprintf(want, sizeof(want), "../dm-%u", minor);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, want);
}

static int absent(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	return lstat(path, &st) < 0 && errno == ENOENT;
}

static int failures;

static void fail_note(int cycle, const char *what)
{
	if (++failures <= 10)
		printf("# cycle %d: %s\n", cycle, what);
}

/* dm_udev_wait_immediate until ready, at most 60 s. */
static int wait_polling(uint32_t cookie)
{
	int ready = 0;
	double end = now() + 60;

	while (now() < end) {
		if (!dm_udev_wait_immediate(cookie, &ready))
			return 0;
		if (ready)
			return 1;
		usleep(5000);
	}
	return 0;
}

static int cycles(int count)
{
	struct dm_info info;
	uint32_t cookie;
	int i, zero_cookies = 0, left = 0;
	double t0 = now(), slowest = 0, t;

	uint16_t flags;

	failures = 0;
	for (i = 0; i < count; i++) {
		/* The flags travel through the kernel to the rules, which still
		 * make the /dev/mapper link with these two. */
		flags = i % 2 ? DM_UDEV_DISABLE_DISK_RULES_FLAG | DM_UDEV_DISABLE_OTHER_RULES_FLAG : 0;
		memset(&info, 0, sizeof(info));
		cookie = 0;
		t = now();
		if (!run_cookie(DM_DEVICE_CREATE, A, NULL, "zero", &cookie, flags, &info))
			fail_note(i, "create failed");
		if (!cookie)
			zero_cookies++;
		if (!dm_udev_wait(cookie))
			fail_note(i, "wait after create failed");
		if (sem_exists(cookie))
			left++;
		if (!is_udev_link(A, info.minor))
			fail_note(i, "after create: /dev/mapper/" A " is not udev's link to ../dm-N");

		cookie = 0;
		if (!run_cookie(DM_DEVICE_RENAME, A, B, NULL, &cookie, flags, NULL))
			fail_note(i, "rename failed");
		if (!cookie)
			zero_cookies++;
		/* Every other cycle through the non-blocking wait. */
		if (!(i % 2 ? wait_polling(cookie) : dm_udev_wait(cookie)))
			fail_note(i, "wait after rename failed");
		if (sem_exists(cookie))
			left++;
		if (!is_udev_link(B, info.minor) || !absent(A))
			fail_note(i, "after rename: not " B " -> ../dm-N with " A " gone");

		cookie = 0;
		if (!run_cookie(DM_DEVICE_REMOVE, B, NULL, NULL, &cookie, flags, NULL))
			fail_note(i, "remove failed");
		if (!cookie)
			zero_cookies++;
		if (!dm_udev_wait(cookie))
			fail_note(i, "wait after remove failed");
		if (sem_exists(cookie))
			left++;
		if (!absent(B))
			fail_note(i, "after remove: /dev/mapper/" B " still there");
		if (getenv("UDEV_COOKIES_TIMES"))
			printf("# cycle %d: %.2f s\n", i, now() - t);
		if (now() - t > slowest)
			slowest = now() - t;
		if (failures > 20)
			break;
	}
	printf("# %d cycles in %.1f s (slowest %.2f s)\n", i, now() - t0, slowest);
	CHECK(zero_cookies == 0, "every task got a real cookie (udev synchronisation in use)");
	CHECK(left == 0, "no cookie semaphore outlived its wait");
	return failures == 0;
}

static int extra_cases(void)
{
	struct dm_info info;
	uint32_t cookie = 0;
	double t;
	int r, i, links = 0;
	char name[64];

	/* A resume of a device that is not suspended sends no uevent: the
	 * library must complete the cookie itself. */
	CHECK(run_cookie(DM_DEVICE_CREATE, A, NULL, "zero", &cookie, 0, &info) && dm_udev_wait(cookie),
	      "create " A " for the no-uevent case");
	cookie = 0;
	t = now();
	r = run_cookie(DM_DEVICE_RESUME, A, NULL, NULL, &cookie, 0, NULL);
	CHECK(r && cookie && dm_udev_wait(cookie) && now() - t < 10,
	      "resume without a uevent: the library completes the cookie, the wait returns at once");
	CHECK(!sem_exists(cookie), "and its semaphore is gone");

	/* A failing ioctl completes the cookie too. */
	cookie = 0;
	t = now();
	r = run_cookie(DM_DEVICE_CREATE, "dmrs-udev-bad", NULL, "no-such-target", &cookie, 0, NULL);
	CHECK(!r && dm_udev_wait(cookie) && now() - t < 10, "a failed create: the wait returns at once");
	CHECK(!sem_exists(cookie) && !exists("dmrs-udev-bad") && absent("dmrs-udev-bad"),
	      "no semaphore, device or node left by the failed create");

	cookie = 0;
	CHECK(run_cookie(DM_DEVICE_REMOVE, A, NULL, NULL, &cookie, 0, NULL) && dm_udev_wait(cookie) && absent(A),
	      "remove " A);

	/* One cookie shared by several tasks, one wait. */
	cookie = 0;
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "dmrs-udev-shared-%d", i);
		r = run_cookie(DM_DEVICE_CREATE, name, NULL, "zero", &cookie, 0, &info);
		CHECK(r, "create with the shared cookie");
	}
	CHECK(sem_value(cookie) >= 1, "the shared cookie counts the pending events");
	CHECK(dm_udev_wait(cookie), "one wait for three creates");
	for (i = 0; i < 3; i++) {
		struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);

		snprintf(name, sizeof(name), "dmrs-udev-shared-%d", i);
		if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt) && dm_task_get_info(dmt, &info)
		    && is_udev_link(name, info.minor))
			links++;
		dm_task_destroy(dmt);
	}
	CHECK(links == 3, "all three links are there after the one wait");
	cookie = 0;
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "dmrs-udev-shared-%d", i);
		CHECK(run_cookie(DM_DEVICE_REMOVE, name, NULL, NULL, &cookie, 0, NULL), "remove with the shared cookie");
	}
	CHECK(dm_udev_wait(cookie), "one wait for three removes");
	links = 0;
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "dmrs-udev-shared-%d", i);
		links += absent(name);
	}
	CHECK(links == 3 && !sem_exists(cookie), "all three links gone, no semaphore left");

	/* DM_UDEV_DISABLE_DM_RULES_FLAG: udev makes no /dev/mapper link; the
	 * library's own node appears after the wait. */
	cookie = 0;
	r = run_cookie(DM_DEVICE_CREATE, A, NULL, "zero", &cookie, DM_UDEV_DISABLE_DM_RULES_FLAG, &info);
	CHECK(r && dm_udev_wait(cookie), "create with DISABLE_DM_RULES");
	{
		struct stat st;

		CHECK(lstat("/dev/mapper/" A, &st) == 0 && S_ISBLK(st.st_mode),
		      "the library made the node itself (a block node, not udev's link)");
	}
	cookie = 0;
	CHECK(run_cookie(DM_DEVICE_REMOVE, A, NULL, NULL, &cookie, DM_UDEV_DISABLE_DM_RULES_FLAG, NULL)
	      && dm_udev_wait(cookie) && absent(A), "and removed it after the wait");
	return 1;
}

static uint32_t cookie_arg(const char *s)
{
	return (uint32_t) strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
	uint32_t cookie;

	if (argc >= 2 && !strcmp(argv[1], "create-cookie")) {
		if (!dm_udev_create_cookie(&cookie))
			return 1;
		printf("0x%08X\n", cookie);
		return cookie ? 0 : 2;
	}
	if (argc == 3 && !strcmp(argv[1], "inc")) {
		struct dm_task *dmt = dm_task_create(DM_DEVICE_RESUME);

		cookie = cookie_arg(argv[2]);
		if (!dmt || !dm_task_set_name(dmt, "dmrs-udev-unused") || !dm_task_set_cookie(dmt, &cookie, 0))
			return 1;
		dm_task_destroy(dmt);
		return cookie == cookie_arg(argv[2]) ? 0 : 1;
	}
	if (argc == 3 && !strcmp(argv[1], "complete"))
		return !dm_udev_complete(cookie_arg(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "wait"))
		return !dm_udev_wait(cookie_arg(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "value")) {
		printf("%d\n", sem_value(cookie_arg(argv[2])));
		return 0;
	}
	if (argc == 4 && (!strcmp(argv[1], "create") || !strcmp(argv[1], "remove"))) {
		int create = !strcmp(argv[1], "create");

		cookie = cookie_arg(argv[3]);
		if (!run_cookie(create ? DM_DEVICE_CREATE : DM_DEVICE_REMOVE, argv[2], NULL,
				create ? "zero" : NULL, &cookie, 0, NULL))
			return 1;
		printf("0x%08X\n", cookie);
		return 0;
	}
	if (argc > 2 || (argc == 2 && atoi(argv[1]) <= 0)) {
		fprintf(stderr, "usage: see the comment at the top of udev_cookies.c\n");
		return 2;
	}

	run_plain(DM_DEVICE_REMOVE, A);
	run_plain(DM_DEVICE_REMOVE, B);
	CHECK(dm_cookie_supported(), "dm_cookie_supported: the driver takes cookies");
	CHECK(dm_udev_get_sync_support(), "dm_udev_get_sync_support: udev is running, synchronisation on");
	CHECK(cycles(argc == 2 ? atoi(argv[1]) : 67),
	      "create, rename, remove with cookies: after each wait /dev/mapper holds udev's link or nothing");
	extra_cases();
	return DONE();
}
