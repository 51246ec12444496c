/* Differential test of the string, unit, percent and file helpers.
 *
 * Prints one self-describing line per call over a large input corpus. The
 * runner (run.sh) builds this file twice, against Debian's libdevmapper and
 * against this library, and compares the outputs line by line.
 *
 * usage: strings_diff SCRATCH_DIR   (an empty directory for the file tests)
 *
 * Only inputs on which the C library's behaviour is defined are used: no
 * NULL where libdm dereferences one, no out-of-range dm_size_suffix_t.
 * The library's log messages are discarded (their wording may differ);
 * results, output buffers and out-parameters are printed. */
#include <libdevmapper.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void silent(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	(void) level; (void) file; (void) line; (void) dm_errno; (void) f;
}

/* Prints s quoted, with non-printable bytes as \xNN. */
static void q(const char *s)
{
	if (!s) {
		fputs("NULL", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;
		if (c < 32 || c > 126 || c == '"' || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void qn(const char *s, size_t n)
{
	size_t i;

	putchar('[');
	for (i = 0; i < n; i++)
		printf("%02x", (unsigned char) s[i]);
	putchar(']');
}

static struct dm_pool *pool;
static unsigned pool_uses;

/* A pool for one result; recreated now and then to bound memory. */
static struct dm_pool *mem(void)
{
	if (!pool || ++pool_uses > 4096) {
		if (pool)
			dm_pool_destroy(pool);
		pool = dm_pool_create("strings_diff", 1024);
		pool_uses = 0;
		if (!pool) {
			printf("FATAL dm_pool_create failed\n");
			exit(2);
		}
	}
	return pool;
}

/* ---- dm_units_to_factor ------------------------------------------------ */

static void units_one(const char *units, int strict)
{
	char type = '?';
	const char *end = (const char *) 1;
	uint64_t f = dm_units_to_factor(units, &type, strict, &end);

	printf("units ");
	q(units);
	printf(" strict=%d -> %llu type=%d end=%ld\n", strict, (unsigned long long) f,
	       (int) (unsigned char) type, end ? (long) (end - units) : -999L);
}

static void test_units(void)
{
	static const char *const prefixes[] = {
		"", "0", "1", "2", "8", "10", "007", "1.5", "0.5", "3.", "1.0", "1e3", "1E2",
		"1e", "1e+", "1e-1", "2.5e-1", "0x10", "0X1f", "0x1p4", "0x.8", "0x1.8p1",
		"0x1P-1", "0x", "0xg", "0x.", "18446744073709551615", "18446744073709551616",
		"20000000000000000000", "99999999999999999999", "1e30", "1e400", "1e-400",
		"0.0000000000000000001", "4294967296", "12345678901234567890",
		"1.99999999999999999", "1.5.5", "0x123456789abcdef01", "0x1.fffffffffffff8p0",
		"0x10000000000000000", "9007199254740993", "100000", "16384", "1000000000000",
		"17179869184", "18014398509481984", "0.25", "7.3", "123.456", "1e2e3",
		"00000000000000000000000000001", "5.000000000000000000001", "1..5",
	};
	static const char *const multi[] = { "", "kk", "kB", "k ", "iB", "b\n", " k", "MiB", "s0" };
	char units[128];
	unsigned i, c, m;
	int strict;

	for (i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		for (strict = 0; strict < 2; strict++) {
			for (c = 1; c < 256; c++) {
				snprintf(units, sizeof(units), "%s%c", prefixes[i], (char) c);
				units_one(units, strict);
			}
			for (m = 0; m < sizeof(multi) / sizeof(*multi); m++) {
				snprintf(units, sizeof(units), "%s%s", prefixes[i], multi[m]);
				units_one(units, strict);
			}
		}
	{
		char type = '?';
		uint64_t f = dm_units_to_factor("16m", &type, 1, NULL);
		printf("units \"16m\" endptr=NULL -> %llu type=%c\n", (unsigned long long) f, type);
	}
}

/* ---- dm_size_to_string ------------------------------------------------- */

static void size_one(uint64_t size, char unit, int si, uint64_t factor, int inc, int sf)
{
	const char *s = dm_size_to_string(mem(), size, unit, si, factor, inc, sf);

	printf("size %llu unit=%d si=%d factor=%llu inc=%d sf=%d -> ", (unsigned long long) size,
	       (int) (unsigned char) unit, si, (unsigned long long) factor, inc, sf);
	q(s);
	putchar('\n');
}

static void size_grid(uint64_t size, char unit, uint64_t factor)
{
	int si, inc, sf;

	for (si = 0; si < 2; si++)
		for (inc = 0; inc < 2; inc++)
			for (sf = 0; sf < 3; sf++)
				size_one(size, unit, si, factor, inc, sf);
}

static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;

static uint64_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg_state;
}

static void test_sizes(void)
{
	static const uint64_t small[] = {
		0, 1, 2, 3, 4, 7, 8, 100, 999, 1000, 1023, 1024, 1953, 1954, 2047, 2048,
		4095, 4096, 2000000, 1953125, 123456789, 0x7fffffffffffffULL,
		0x80000000000000ULL, UINT64_MAX,
	};
	static const char canonical[] = "hHbBsSkKmMgGtTpPeErRuU";
	static const char customs[] = "uUkKmMsSbBh x";
	static const uint64_t factors[] = {
		1, 2, 512, 1000, 1024, 8192, 8000, 3072, 1536000, 1ULL << 40, UINT64_MAX,
	};
	uint64_t sizes[400];
	unsigned n = 0, i, j, k;
	uint64_t p;

	/* Every unit character over a few sizes. */
	for (k = 0; k < 256; k++)
		for (i = 0; i < sizeof(small) / sizeof(*small); i++)
			size_grid(small[i], (char) k, 0);

	/* The real units over many sizes. */
	for (i = 0; i < 65; i++)
		sizes[n++] = i;
	for (i = 7; i < 64; i++) {
		p = 1ULL << i;
		sizes[n++] = p - 1;
		sizes[n++] = p;
		sizes[n++] = p + 1;
	}
	for (p = 10; p < UINT64_MAX / 10; p *= 10) {
		sizes[n++] = p - 1;
		sizes[n++] = p;
		if (p % 512 == 0 && p > 512)
			sizes[n++] = p / 512 * 2 - 1; /* around decimal boundaries in bytes */
	}
	while (n < sizeof(sizes) / sizeof(*sizes) - 8)
		sizes[n++] = lcg() >> (lcg() % 60);
	sizes[n++] = UINT64_MAX / 512;
	sizes[n++] = UINT64_MAX / 512 + 1;
	sizes[n++] = UINT64_MAX - 1;
	sizes[n++] = UINT64_MAX;
	for (k = 0; canonical[k]; k++)
		for (i = 0; i < n; i++)
			size_grid(sizes[i], canonical[k], 0);

	/* Explicit unit factors. */
	for (k = 0; customs[k]; k++)
		for (j = 0; j < sizeof(factors) / sizeof(*factors); j++)
			for (i = 0; i < sizeof(small) / sizeof(*small); i++)
				size_grid(small[i], customs[k], factors[j]);
}

/* ---- percentages ------------------------------------------------------- */

static void test_percent(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 7, 10, 21, 22, 33, 99, 100, 101, 999, 1000, 1001, 999999, 1000000,
		1000001, 49999999, 50000000, 99999999, 100000000, 100000001, 999999999,
		1000000000, 4294967295ULL, 4294967296ULL, 1ULL << 53, (1ULL << 53) + 1,
		1ULL << 63, UINT64_MAX - 1, UINT64_MAX,
	};
	static const uint64_t dens[] = { 3, 7, 1000, 1000000, 100000000, 1000000007ULL, 1ULL << 40 };
	unsigned i, j, d;
	int64_t pc;
	int32_t p;

	for (i = 0; i < sizeof(v) / sizeof(*v); i++)
		for (j = 0; j < sizeof(v) / sizeof(*v); j++)
			printf("make_percent %llu %llu -> %d\n", (unsigned long long) v[i],
			       (unsigned long long) v[j], dm_make_percent(v[i], v[j]));
	for (j = 0; j < sizeof(dens) / sizeof(*dens); j++) {
		uint64_t den = dens[j];
		for (i = 0; i < 400; i++) {
			uint64_t num = i < 200 ? i : den - (i - 200);
			printf("make_percent %llu %llu -> %d\n", (unsigned long long) num,
			       (unsigned long long) den, dm_make_percent(num, den));
		}
	}

	for (pc = -3000; pc <= INT32_MAX; pc += pc < 3000 ? 1 : pc / 997 + 1) {
		p = (int32_t) pc;
		printf("percent_to_float %d -> %a\n", p, (double) dm_percent_to_float(p));
	}
	for (pc = INT32_MIN; pc < -3000; pc += -pc / 991 + 1)
		printf("percent_to_float %d -> %a\n", (int32_t) pc, (double) dm_percent_to_float((int32_t) pc));

	for (pc = -20; pc <= INT32_MAX; pc += pc < 1100 ? 1 : pc / 311 + 1) {
		p = (int32_t) pc;
		printf("percent_to_round_float %d ->", p);
		for (d = 0; d <= 12; d++)
			printf(" %a", (double) dm_percent_to_round_float(p, d));
		putchar('\n');
	}
	for (pc = DM_PERCENT_100 - 1200; pc <= DM_PERCENT_100 + 20; pc++) {
		p = (int32_t) pc;
		printf("percent_to_round_float %d ->", p);
		for (d = 0; d <= 12; d++)
			printf(" %a", (double) dm_percent_to_round_float(p, d));
		printf(" %a", (double) dm_percent_to_round_float(p, UINT32_MAX));
		putchar('\n');
	}
}

/* ---- escaping ---------------------------------------------------------- */

static void escape_one(const char *s)
{
	char out[64], buf[64];
	char *colon = (char *) 1, *at = (char *) 1;
	char *r;
	size_t len = dm_escaped_len(s);

	printf("escape ");
	q(s);
	memset(out, 'Z', sizeof(out));
	r = dm_escape_double_quotes(out, s);
	printf(" len=%zu esc=", len);
	q(r);
	printf(" ret_is_out=%d used=%zu", r == out, strlen(out) + 1);

	strcpy(buf, s);
	dm_unescape_double_quotes(buf);
	printf(" unesc=");
	q(buf);

	strcpy(buf, s);
	dm_unescape_colons_and_at_signs(buf, &colon, &at);
	printf(" uca=");
	q(buf);
	printf(" colon=%ld at=%ld", colon ? (long) (colon - buf) : -1L, at ? (long) (at - buf) : -1L);

	strcpy(buf, s);
	dm_unescape_colons_and_at_signs(buf, NULL, NULL);
	printf(" uca_nullout=");
	q(buf);

	printf(" count=%u,%u,%u,%u\n", dm_count_chars(s, strlen(s), '\\'), dm_count_chars(s, strlen(s), ':'),
	       dm_count_chars(s, strlen(s), '"'), dm_count_chars(s, strlen(s) + 1, 0));
}

/* Every string of length 0..maxlen over alphabet, passed to fn. */
static void each_string(const char *alphabet, unsigned maxlen, void (*fn)(const char *))
{
	unsigned n = (unsigned) strlen(alphabet), len, i;
	unsigned idx[16];
	char s[17];

	for (len = 0; len <= maxlen; len++) {
		memset(idx, 0, sizeof(idx));
		for (;;) {
			for (i = 0; i < len; i++)
				s[i] = alphabet[idx[i]];
			s[len] = '\0';
			fn(s);
			for (i = 0; i < len && ++idx[i] == n; i++)
				idx[i] = 0;
			if (i == len)
				break;
		}
	}
}

static void test_escaping(void)
{
	static const char hi[] = "\xe9" "a" "\xe9" "\xff" "-";
	static const int cs[] = { 0xe9, -23, 0xff, -1, 'a', '-', 0, 256 + 'a', -256 };
	unsigned i;

	each_string("a\"\\:@", 6, escape_one);
	escape_one("\xe9\\\"\xff:@\\@\\:");
	for (i = 0; i < sizeof(cs) / sizeof(*cs); i++)
		printf("count_chars hi c=%d -> %u\n", cs[i], dm_count_chars(hi, sizeof(hi), cs[i]));
	printf("count_chars len=0 -> %u\n", dm_count_chars("aaa", 0, 'a'));
}

/* ---- LVM names --------------------------------------------------------- */

static void lvm_one(const char *name)
{
	char buf[32];
	char *vg = NULL, *lv = (char *) 1, *layer = (char *) 1;
	int r = dm_split_lvm_name(mem(), name, &vg, &lv, &layer);

	printf("split_lvm_name pool ");
	q(name);
	printf(" -> %d ", r);
	q(vg);
	q(lv);
	q(layer);

	strcpy(buf, name);
	vg = buf;
	r = dm_split_lvm_name(NULL, "unused", &vg, &lv, &layer);
	printf(" | in place -> %d %ld,%ld,%ld ", r, (long) (vg - buf), (long) (lv - buf), (long) (layer - buf));
	qn(buf, strlen(name) + 1);
	putchar('\n');
}

static void test_lvm_names(void)
{
	static const char *const parts[] = { "", "a", "-", "--", "a-b", "_x", "-_", "_", "x--", "v_g" };
	static const char *const layers[] = { NULL, "", "a", "-", "--", "a-b", "_x", "-_", "_", "x--", "v_g" };
	char *vg = NULL, *lv, *layer;
	unsigned i, j, k;

	each_string("a-_", 8, lvm_one);
	printf("split_lvm_name null vgname in place -> %d\n", dm_split_lvm_name(NULL, "a-b", &vg, &lv, &layer));

	for (i = 0; i < sizeof(parts) / sizeof(*parts); i++)
		for (j = 0; j < sizeof(parts) / sizeof(*parts); j++)
			for (k = 0; k < sizeof(layers) / sizeof(*layers); k++) {
				printf("build ");
				q(parts[i]);
				q(parts[j]);
				q(layers[k]);
				printf(" -> name=");
				q(dm_build_dm_name(mem(), parts[i], parts[j], layers[k]));
				printf(" uuid=");
				q(dm_build_dm_uuid(mem(), parts[i], parts[j], layers[k]));
				putchar('\n');
			}
}

/* ---- words ------------------------------------------------------------- */

static void words_one(const char *s)
{
	static const unsigned maxes[] = { 0, 1, 2, 3, 8 };
	char buf[32];
	char *argv[8];
	unsigned m;
	int n, i;

	printf("split_words ");
	q(s);
	for (m = 0; m < sizeof(maxes) / sizeof(*maxes); m++) {
		strcpy(buf, s);
		n = dm_split_words(buf, maxes[m], m & 1, argv);
		printf(" | max=%u -> %d", maxes[m], n);
		for (i = 0; i < n; i++)
			printf(" %ld", (long) (argv[i] - buf));
		putchar(' ');
		qn(buf, strlen(s) + 1);
	}
	putchar('\n');
}

static void test_words(void)
{
	each_string("a \t\"#\\\n", 5, words_one);
	words_one("\v\f\r x \xa0y\x85z");
}

/* ---- dm_format_dev ----------------------------------------------------- */

static void test_format_dev(void)
{
	static const uint32_t nums[] = { 0, 1, 7, 8, 253, 4095, 65535, 1048575, 4294967295U };
	static const int sizes[] = { -1, 0, 1, 2, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 31 };
	char buf[32];
	unsigned i, j, k;
	int r;

	for (i = 0; i < sizeof(nums) / sizeof(*nums); i++)
		for (j = 0; j < sizeof(nums) / sizeof(*nums); j++)
			for (k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
				memset(buf, 'Z', sizeof(buf));
				r = dm_format_dev(buf, sizes[k], nums[i], nums[j]);
				printf("format_dev %u %u bufsize=%d -> %d ", nums[i], nums[j], sizes[k], r);
				qn(buf, sizeof(buf));
				putchar('\n');
			}
}

/* ---- files ------------------------------------------------------------- */

static void test_files(const char *scratch)
{
	char path[4096], file[4096];
	FILE *f;
	pid_t pid;
	int status, r;

	printf("create_dir \"\" -> %d\n", dm_create_dir(""));
	snprintf(path, sizeof(path), "%s/a/b//c/", scratch);
	printf("create_dir a/b//c/ -> %d", dm_create_dir(path));
	printf(" exists=%d\n", access(path, F_OK) == 0);
	printf("create_dir again -> %d\n", dm_create_dir(path));
	snprintf(path, sizeof(path), "%s/a", scratch);
	printf("is_empty_dir a -> %d\n", dm_is_empty_dir(path));
	snprintf(path, sizeof(path), "%s/a/b/c", scratch);
	printf("is_empty_dir a/b/c -> %d\n", dm_is_empty_dir(path));
	snprintf(path, sizeof(path), "%s/missing", scratch);
	printf("is_empty_dir missing -> %d\n", dm_is_empty_dir(path));

	snprintf(file, sizeof(file), "%s/plain", scratch);
	f = fopen(file, "w");
	fputs("x", f);
	errno = 12345;
	r = dm_fclose(f);
	printf("fclose written -> %d errno_changed=%d\n", r, errno != 12345);
	printf("is_empty_dir file -> %d\n", dm_is_empty_dir(file));
	snprintf(path, sizeof(path), "%s/plain/sub", scratch);
	printf("create_dir under a file -> %d\n", dm_create_dir(path));
	printf("create_dir a file -> %d\n", dm_create_dir(file));
	snprintf(path, sizeof(path), "%s/ro", scratch);
	mkdir(path, 0500);
	snprintf(path, sizeof(path), "%s/ro/x/y", scratch);
	if (geteuid() != 0)
		printf("create_dir under read-only -> %d\n", dm_create_dir(path));

	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		fputs("x", f);
		errno = 12345;
		r = dm_fclose(f);
		printf("fclose after write error -> %d errno=%d\n", r, errno);
	}
	f = fopen(file, "r");
	r = dm_fclose(f);
	printf("fclose read -> %d\n", r);

	snprintf(file, sizeof(file), "%s/pidfile", scratch);
	printf("daemon_is_running before -> %d\n", dm_daemon_is_running(file));
	pid = fork();
	if (pid == 0) {
		_exit(dm_create_lockfile(file) ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	printf("create_lockfile in child (exited) -> %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	printf("daemon_is_running after child exit -> %d\n", dm_daemon_is_running(file));
	printf("create_lockfile -> %d\n", dm_create_lockfile(file));
	fflush(stdout);
	/* Another process sees the lock and cannot take it. (This must come
	 * before this process opens the file again: closing any descriptor of
	 * a file drops the process's POSIX locks on it.) */
	pid = fork();
	if (pid == 0) {
		int running = dm_daemon_is_running(file);
		int created = dm_create_lockfile(file);
		_exit(running * 10 + created);
	}
	waitpid(pid, &status, 0);
	printf("child: daemon_is_running*10 + create_lockfile -> %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	{
		char content[64] = "", expect[64];
		FILE *p = fopen(file, "r");
		struct stat st;

		if (p) {
			if (!fgets(content, sizeof(content), p))
				content[0] = '\0';
			fclose(p);
		}
		snprintf(expect, sizeof(expect), "%u\n", (unsigned) getpid());
		stat(file, &st);
		printf("lockfile holds our pid -> %d mode=%o\n", strcmp(content, expect) == 0, (unsigned) (st.st_mode & 0777));
	}
	printf("daemon_is_running same process -> %d\n", dm_daemon_is_running(file));
	snprintf(path, sizeof(path), "%s/nodir/pidfile", scratch);
	printf("create_lockfile in a missing directory -> %d\n", dm_create_lockfile(path));
	printf("daemon_is_running missing -> %d\n", dm_daemon_is_running(path));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
		return 2;
	}
	dm_log_with_errno_init(silent);
	test_units();
	test_sizes();
	test_percent();
	test_escaping();
	test_lvm_names();
	test_words();
	test_format_dev();
	test_files(argv[1]);
	if (pool)
		dm_pool_destroy(pool);
	return 0;
}
