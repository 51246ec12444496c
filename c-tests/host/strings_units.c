/* String, unit, percent and file helpers through the C ABI: the behaviour
 * libdm documents, and NULL or bad arguments (a crash in libdm) turned into
 * logged errors and failure values. The comparison with the C library over
 * a large corpus is tests/diff/strings. */
#include <libdevmapper.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../check.h"

static char last_message[1024];
static int messages;

__attribute__((format(printf, 5, 6)))
static void capture(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;

	(void) level; (void) file; (void) line; (void) dm_errno;
	va_start(ap, f);
	vsnprintf(last_message, sizeof(last_message), f, ap);
	va_end(ap);
	messages++;
}

/* True when a message containing needle was logged since the last call. */
static int logged(const char *needle)
{
	int r = messages && strstr(last_message, needle) != NULL;

	messages = 0;
	last_message[0] = '\0';
	return r;
}

static void test_words(void)
{
	char buf[] = "  one\ttwo \"three four\" # five  ";
	char *argv[8];
	int n = dm_split_words(buf, 8, 0, argv);

	CHECK(n == 6 && !strcmp(argv[0], "one") && !strcmp(argv[1], "two") && !strcmp(argv[2], "\"three")
	      && !strcmp(argv[3], "four\"") && !strcmp(argv[4], "#") && !strcmp(argv[5], "five"),
	      "dm_split_words splits on white space; quotes and # are ordinary");
	strcpy(buf, "a b c");
	CHECK(dm_split_words(buf, 2, 0, argv) == 2 && !strcmp(argv[1], "b") && !strcmp(buf + 4, "c"),
	      "dm_split_words stops after max words");
	CHECK(dm_split_words(NULL, 2, 0, argv) == 0 && logged("must not be NULL"), "dm_split_words(NULL) is a logged error");
	strcpy(buf, "a b");
	CHECK(dm_split_words(buf, 2, 0, NULL) == 0 && logged("argv"), "dm_split_words without argv is a logged error");
	CHECK(dm_split_words(buf, 0, 0, NULL) == 0, "dm_split_words with max 0 needs no argv");
}

static void test_lvm_names(void)
{
	struct dm_pool *mem = dm_pool_create("strings_units", 256);
	char *vg = NULL, *lv = NULL, *layer = NULL;
	char name[] = "v--g-l--v-_mlog";

	CHECK(mem != NULL, "dm_pool_create");
	CHECK(dm_split_lvm_name(mem, "vg--1-lv-real", &vg, &lv, &layer) == 1 && !strcmp(vg, "vg-1")
	      && !strcmp(lv, "lv") && !strcmp(layer, "real"), "dm_split_lvm_name from a pool");
	vg = name;
	CHECK(dm_split_lvm_name(NULL, NULL, &vg, &lv, &layer) == 1 && vg == name && !strcmp(vg, "v-g")
	      && !strcmp(lv, "l-v") && !strcmp(layer, "_mlog"), "dm_split_lvm_name in place");
	vg = NULL;
	CHECK(dm_split_lvm_name(NULL, "a-b", &vg, &lv, &layer) == 0 && logged("Missing lvm name"),
	      "dm_split_lvm_name in place needs *vgname");
	CHECK(dm_split_lvm_name(mem, NULL, &vg, &lv, &layer) == 0 && logged("Failed to duplicate"),
	      "dm_split_lvm_name with a pool needs dmname");
	CHECK(dm_split_lvm_name(mem, "a-b", NULL, &lv, &layer) == 0 && logged("Forbidden NULL"),
	      "dm_split_lvm_name needs all three outputs");

	{
		char *n = dm_build_dm_name(mem, "v-g", "l-v", "la-yer");
		char *u = dm_build_dm_uuid(mem, "LVM-", "abc", "_mlog");

		CHECK(n && !strcmp(n, "v--g-l--v-la--yer"), "dm_build_dm_name quotes hyphens");
		CHECK(u && !strcmp(u, "LVM-abc-_mlog"), "dm_build_dm_uuid joins without quoting");
		n = dm_build_dm_name(mem, "vg", "lv", "_mlog");
		CHECK(n && !strcmp(n, "vg-lv_mlog"), "dm_build_dm_name: no hyphen before a layer starting with _");
		vg = NULL;
		CHECK(dm_split_lvm_name(mem, dm_build_dm_name(mem, "a-b", "c--d", "e"), &vg, &lv, &layer) == 1
		      && !strcmp(vg, "a-b") && !strcmp(lv, "c--d") && !strcmp(layer, "e"),
		      "dm_split_lvm_name undoes dm_build_dm_name");
	}
	{
		/* Without a pool (a crash in libdm) the string comes from malloc. */
		char *n = dm_build_dm_name(NULL, "vg", "lv", NULL);
		char *u = dm_build_dm_uuid(NULL, "LVM-", "abc", NULL);

		CHECK(n && !strcmp(n, "vg-lv") && u && !strcmp(u, "LVM-abc"), "build name/uuid without a pool: malloc'd");
		dm_free(n);
		dm_free(u);
	}
	CHECK(dm_build_dm_name(mem, NULL, "lv", NULL) == NULL && logged("vgname"), "dm_build_dm_name(NULL vg) is a logged error");
	CHECK(dm_build_dm_uuid(mem, "LVM-", NULL, NULL) == NULL && logged("lvid"), "dm_build_dm_uuid(NULL lvid) is a logged error");
	dm_pool_destroy(mem);
}

static void test_escaping(void)
{
	const char *src = "say \"hi\\\" now";
	char out[64], buf[64];
	char *colon, *at;

	CHECK(dm_escaped_len(src) == strlen(src) + 3 + 1, "dm_escaped_len counts quotes, backslashes and the NUL");
	CHECK(dm_escape_double_quotes(out, src) == out && !strcmp(out, "say \\\"hi\\\\\\\" now"),
	      "dm_escape_double_quotes");
	CHECK(strlen(out) + 1 == dm_escaped_len(src), "dm_escaped_len is the escaped size");
	dm_unescape_double_quotes(out);
	CHECK(!strcmp(out, src), "dm_unescape_double_quotes undoes it");
	strcpy(buf, "\\a\\b\\");
	dm_unescape_double_quotes(buf);
	CHECK(!strcmp(buf, "\\a\\b\\"), "dm_unescape_double_quotes leaves other backslashes");

	strcpy(buf, "dev\\:x\\@y:z@w");
	dm_unescape_colons_and_at_signs(buf, &colon, &at);
	CHECK(!strcmp(buf, "dev:x@y:z@w") && colon == buf + 7 && at == buf + 9,
	      "dm_unescape_colons_and_at_signs unescapes and finds the first unescaped : and @");
	strcpy(buf, "plain");
	dm_unescape_colons_and_at_signs(buf, &colon, &at);
	CHECK(colon == NULL && at == NULL, "no unescaped : or @ gives NULL");
	dm_unescape_colons_and_at_signs(buf, NULL, NULL);
	CHECK(!strcmp(buf, "plain"), "dm_unescape_colons_and_at_signs takes NULL outputs");

	CHECK(dm_count_chars("a-b--c", 6, '-') == 3, "dm_count_chars");
	CHECK(dm_count_chars("a\0a", 3, 'a') == 2, "dm_count_chars counts past a NUL within len");
	CHECK(dm_count_chars("\xe9", 1, -23) == 1 && dm_count_chars("\xe9", 1, 0xe9) == 0,
	      "dm_count_chars compares as char, as libdm");

	CHECK(dm_escaped_len(NULL) == 0 && logged("must not be NULL"), "dm_escaped_len(NULL) is a logged error");
	CHECK(dm_escape_double_quotes(out, NULL) == NULL && logged("src"), "dm_escape_double_quotes(NULL src)");
	CHECK(dm_escape_double_quotes(NULL, "x") == NULL && logged("out"), "dm_escape_double_quotes(NULL out)");
	dm_unescape_double_quotes(NULL);
	CHECK(logged("src"), "dm_unescape_double_quotes(NULL) is a logged error");
	dm_unescape_colons_and_at_signs(NULL, &colon, &at);
	CHECK(logged("src"), "dm_unescape_colons_and_at_signs(NULL) is a logged error");
	CHECK(dm_count_chars(NULL, 3, 'a') == 0 && logged("must not be NULL"), "dm_count_chars(NULL) is a logged error");
}

static void test_units(void)
{
	char type = '?';
	const char *end = NULL;
	const char *s = "1.5Mx";

	CHECK(dm_units_to_factor("k", &type, 1, &end) == 1024 && type == 'k', "k is 1024");
	CHECK(dm_units_to_factor("K", &type, 1, NULL) == 1000 && type == 'K', "K is 1000");
	CHECK(dm_units_to_factor("e", &type, 1, NULL) == 1152921504606846976ULL, "e is 1024^6");
	CHECK(dm_units_to_factor("s", &type, 1, NULL) == 512 && type == 's', "s is 512");
	CHECK(dm_units_to_factor("8k", &type, 1, NULL) == 8192 && type == 'U', "8k is a custom unit");
	CHECK(dm_units_to_factor(s, &type, 0, &end) == 1500000 && type == 'M' && end == s + 4,
	      "1.5M: factor, type and end");
	CHECK(dm_units_to_factor(s, &type, 1, &end) == 0 && end == s, "strict mode allows one unit character");
	CHECK(dm_units_to_factor("q", &type, 0, &end) == 0, "an unknown unit is 0");
	CHECK(dm_units_to_factor("u", &type, 0, &end) == 0, "u has no factor of its own");
	CHECK(dm_units_to_factor(NULL, &type, 0, &end) == 0 && logged("must not be NULL") && end == NULL,
	      "dm_units_to_factor(NULL) is a logged error");
	CHECK(dm_units_to_factor("k", NULL, 0, NULL) == 0 && logged("unit_type"), "a NULL unit_type is a logged error");
}

static void test_sizes(void)
{
	struct dm_pool *mem = dm_pool_create("sizes", 256);

#define SIZE(size, unit, si, factor, inc, sf, expect) \
	CHECK(!strcmp(dm_size_to_string(mem, size, unit, si, factor, inc, sf), expect), \
	      "dm_size_to_string " #size " " #unit " si=" #si " -> " expect)
	SIZE(0, 'h', 0, 0, 0, DM_SIZE_SHORT, "0");
	SIZE(1, 'h', 0, 0, 1, DM_SIZE_LONG, "512 Byte    ");
	SIZE(2048, 'h', 0, 0, 0, DM_SIZE_SHORT, "1.00 MB");
	SIZE(2048, 'h', 1, 0, 0, DM_SIZE_SHORT, "1.00 MiB");
	SIZE(2048, 'H', 1, 0, 0, DM_SIZE_SHORT, "1.05 MB");
	SIZE(2048, 'H', 1, 0, 0, DM_SIZE_UNIT, "1.05M");
	SIZE(4095, 'r', 0, 0, 0, DM_SIZE_UNIT, "<2.00M");
	SIZE(2048, 'm', 0, 0, 1, DM_SIZE_UNIT, "1.00M");
	SIZE(2048, 'm', 1, 0, 1, DM_SIZE_UNIT, "1.00m");
	SIZE(2048, 'm', 0, 0, 0, DM_SIZE_UNIT, "1.00");
	SIZE(3, 'b', 0, 0, 1, DM_SIZE_SHORT, "1536 B ");
	SIZE(3, 's', 0, 0, 1, DM_SIZE_LONG, "3 Sectors ");
	SIZE(1, 'K', 1, 0, 1, DM_SIZE_SHORT, "0.51 kB");
	SIZE(16, 'U', 0, 8192, 1, DM_SIZE_SHORT, "1.00 Un");
	SIZE(123456789, 'g', 0, 0, 1, DM_SIZE_UNIT, "58.87G");
#undef SIZE
	CHECK(!strcmp(dm_size_to_string(mem, 1, 'u', 0, 0, 1, DM_SIZE_UNIT), "") && logged("Inconsistent units"),
	      "u without a factor is an internal error and \"\"");
	CHECK(!strcmp(dm_size_to_string(mem, 1, 'h', 0, 0, 1, 3), "") && logged("suffix type"),
	      "an unknown suffix type is a logged error and \"\"");
	CHECK(!strcmp(dm_size_to_string(NULL, 1, 'h', 0, 0, 1, DM_SIZE_UNIT), "") && logged("mem"),
	      "a NULL pool is a logged error and \"\"");
	dm_pool_destroy(mem);
}

static void test_percent(void)
{
	CHECK(dm_make_percent(0, 10) == DM_PERCENT_0 && dm_make_percent(10, 10) == DM_PERCENT_100,
	      "dm_make_percent: exact 0 and 100");
	CHECK(dm_make_percent(1, 0) == DM_PERCENT_100, "dm_make_percent: a zero denominator is 100%");
	CHECK(dm_make_percent(1, 1000000000000ULL) == 1, "dm_make_percent never rounds to 0");
	CHECK(dm_make_percent(999999999999ULL, 1000000000000ULL) == DM_PERCENT_100 - 1,
	      "dm_make_percent never rounds to 100");
	CHECK(dm_make_percent(1, 3) == 33333333, "dm_make_percent(1, 3)");
	CHECK(dm_percent_to_float(DM_PERCENT_1 * 42) == 42.0f, "dm_percent_to_float");
	CHECK(dm_percent_to_round_float(1, 2) == 0.01f, "dm_percent_to_round_float: above 0 is not 0.00");
	CHECK(dm_percent_to_round_float(DM_PERCENT_100 - 1, 2) == 99.99f, "dm_percent_to_round_float: below 100 is not 100.00");
	CHECK(dm_percent_to_round_float(DM_PERCENT_100, 2) == 100.0f, "dm_percent_to_round_float(100%)");
}

static void test_format_dev(void)
{
	char buf[DM_FORMAT_DEV_BUFSIZE + 10];

	CHECK(dm_format_dev(buf, sizeof(buf), 253, 7) == 1 && !strcmp(buf, "253:7"), "dm_format_dev");
	memset(buf, 'Z', sizeof(buf));
	CHECK(dm_format_dev(buf, 7, 1, 2) == 0 && buf[0] == 'Z', "dm_format_dev refuses a buffer under 8 bytes");
	CHECK(dm_format_dev(buf, 8, 4294967295U, 1) == 0 && !strcmp(buf, "4294967"),
	      "dm_format_dev truncates like snprintf and fails");
	CHECK(dm_format_dev(NULL, 8, 1, 2) == 0 && logged("must not be NULL"), "dm_format_dev(NULL) is a logged error");
}

static void test_files(void)
{
	char dir[] = "/tmp/strings_units.XXXXXX";
	char path[256];
	FILE *f;
	pid_t pid;
	int status;

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	CHECK(dm_create_dir(path) == 1, "dm_create_dir creates parents");
	CHECK(dm_create_dir(path) == 1, "dm_create_dir on an existing directory");
	CHECK(dm_is_empty_dir(path) == 1, "dm_is_empty_dir on an empty directory");
	snprintf(path, sizeof(path), "%s/a", dir);
	CHECK(dm_is_empty_dir(path) == 0, "dm_is_empty_dir on a directory with an entry");
	snprintf(path, sizeof(path), "%s/file", dir);
	f = fopen(path, "w");
	CHECK(f && dm_fclose(f) == 0, "dm_fclose of a good stream");
	snprintf(path, sizeof(path), "%s/file/x", dir);
	CHECK(dm_create_dir(path) == 0 && logged("not a directory"), "dm_create_dir through a file fails, logged");
	CHECK(dm_create_dir(NULL) == 0 && logged("must not be NULL"), "dm_create_dir(NULL) is a logged error");
	CHECK(dm_is_empty_dir(NULL) == 0 && logged("must not be NULL"), "dm_is_empty_dir(NULL) is a logged error");
	CHECK(dm_fclose(NULL) == EOF && logged("must not be NULL"), "dm_fclose(NULL) is a logged error and EOF");
	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		fputs("x", f);
		CHECK(dm_fclose(f) == EOF && errno == 0, "dm_fclose after a write error: EOF, errno 0");
	}

	snprintf(path, sizeof(path), "%s/pid", dir);
	CHECK(dm_daemon_is_running(path) == 0, "no lock file: not running");
	CHECK(dm_create_lockfile(path) == 1, "dm_create_lockfile");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(dm_daemon_is_running(path) * 10 + dm_create_lockfile(path));
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 10,
	      "another process sees the daemon running and cannot take the lock");
	CHECK(dm_create_lockfile(NULL) == 0 && logged("must not be NULL"), "dm_create_lockfile(NULL) is a logged error");
	CHECK(dm_daemon_is_running(NULL) == 0 && logged("must not be NULL"), "dm_daemon_is_running(NULL) is a logged error");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0, "cleanup");
}

int main(void)
{
	dm_log_with_errno_init(capture);
	test_words();
	test_lvm_names();
	test_escaping();
	test_units();
	test_sizes();
	test_percent();
	test_format_dev();
	test_files();
	return DONE();
}
