/* A tiny test harness for the C test programs: CHECK(cond, name) prints
 * "ok"/"not ok" per check, DONE() prints "N passed, M failed" and returns
 * the exit status. */
#ifndef DEVMAPPER_CTEST_CHECK_H
#define DEVMAPPER_CTEST_CHECK_H
#include <stdio.h>

static int checks_passed, checks_failed;

#define CHECK(cond, name) do { \
	if (cond) { checks_passed++; printf("ok - %s\n", name); } \
	else { checks_failed++; printf("not ok - %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); } \
	fflush(stdout); \
} while (0)

#define DONE() (printf("%d passed, %d failed\n", checks_passed, checks_failed), checks_failed ? 1 : 0)
#endif
