/* The log bridge calls the caller's log function with no lock held: a log
 * function that registers a log function (itself, or an old-style one)
 * from inside the callback, and logs again through the library, while a
 * second thread logs at the same time, neither deadlocks nor loses a
 * message. A deadlock ends the test after 30 s (SIGALRM) as a failure. */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "../check.h"

#define ROUNDS 2000

static int nulls, bad_types, others;	/* messages seen, by kind (atomics) */
static __thread int depth;		/* this thread is inside a callback */

static void count(const char *f, va_list ap)
{
	char text[256];

	vsnprintf(text, sizeof(text), f, ap);
	if (strstr(text, "must not be NULL"))
		__atomic_add_fetch(&nulls, 1, __ATOMIC_RELAXED);
	else if (strstr(text, "bad task type"))
		__atomic_add_fetch(&bad_types, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&others, 1, __ATOMIC_RELAXED);
}

static void old_style(int level, const char *file, int line, const char *f, ...);

/* Re-registers (itself, or the old-style function every other time) and
 * logs once more through the library, then counts its message. */
static void reregistering(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;
	static int calls;

	(void) level; (void) file; (void) line; (void) dm_errno;
	if (!depth) {
		depth = 1;
		if (__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) % 2)
			dm_log_with_errno_init(reregistering);
		else
			dm_log_init(old_style);
		/* one more message, logged from inside the callback */
		if (dm_task_create(9999))
			__atomic_add_fetch(&others, 1000000, __ATOMIC_RELAXED);
		depth = 0;
	}
	va_start(ap, f);
	count(f, ap);
	va_end(ap);
}

/* The old-style log function: switches back to the new-style one and
 * logs once more too. */
static void old_style(int level, const char *file, int line, const char *f, ...)
{
	va_list ap;

	(void) level; (void) file; (void) line;
	if (!depth) {
		depth = 1;
		dm_log_with_errno_init(reregistering);
		if (dm_task_create(9999))
			__atomic_add_fetch(&others, 1000000, __ATOMIC_RELAXED);
		depth = 0;
	}
	va_start(ap, f);
	count(f, ap);
	va_end(ap);
}

static void *second_thread(void *arg)
{
	int i;

	(void) arg;
	for (i = 0; i < ROUNDS; i++)
		dm_task_set_name(NULL, "x");
	return NULL;
}

static void deadlocked(int sig)
{
	(void) sig;
	static const char msg[] = "not ok - the log bridge deadlocked (no progress in 30 s)\n";
	(void) !write(1, msg, sizeof(msg) - 1);
	_exit(1);
}

int main(void)
{
	pthread_t t;
	int i;

	signal(SIGALRM, deadlocked);
	alarm(30);
	dm_log_with_errno_init(reregistering);
	CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0, "a second thread starts logging");
	for (i = 0; i < ROUNDS; i++)
		dm_task_set_name(NULL, "x");
	pthread_join(t, NULL);
	alarm(0);
	/* Each dm_task_set_name(NULL) logs one error; the callback that
	 * receives it (new or old style, whichever is registered) logs one
	 * "bad task type" from inside, which comes back to it nested. */
	CHECK(__atomic_load_n(&nulls, __ATOMIC_RELAXED) == 2 * ROUNDS,
	      "every message of both threads reached a log function (none lost while re-registering)");
	printf("# %d NULL errors, %d nested messages, %d others\n", nulls, bad_types, others);
	CHECK(__atomic_load_n(&bad_types, __ATOMIC_RELAXED) == 2 * ROUNDS,
	      "every message logged from inside a callback came back to a log function");
	CHECK(others == 0, "no other message, and no task made from a bad type");
	dm_log_with_errno_init(NULL);
	return DONE();
}
