/*
 * Differential test of the status parsers: reads a corpus of
 * "<target>\t<params>" lines, runs each through the library's
 * dm_get_status_<target> and prints the return value, what happened to
 * *status, every field of the struct and every error or warning logged.
 * A target written "*<target>" also runs generated variants of its line:
 * every truncation, every field replaced by odd tokens, dropped, doubled,
 * an extra field, double spaces and tabs.
 * Built against Debian's C library and against ours; outputs must match,
 * except where a case is tagged "intended TAG": there our library follows
 * libdm 1.02.214, and run.sh rewrites the C library's output of that case
 * as intended.awk says before comparing (docs/upstream.md).
 * usage: status_diff CORPUS
 */
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BUF 8192

static unsigned long cases;

static void logfn(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	char msg[4096];
	va_list ap;
	(void) file; (void) line;
	if ((level & 0xf) > 4)
		return;
	va_start(ap, f);
	vsnprintf(msg, sizeof(msg), f, ap);
	va_end(ap);
	printf("  log %d %d %s\n", level, dm_errno, msg);
}

static void pstr(const char *name, const char *s)
{
	if (!s)
		printf("  %s=(null)\n", name);
	else
		printf("  %s=[%s]\n", name, s);
}

static void *const SENTINEL = (void *) 0x1;

static void report_status(const char *what, int r, void *st)
{
	printf("  %s ret=%d status=%s\n", what, r, st == SENTINEL ? "untouched" : st ? "set" : "NULL");
}

static unsigned long skipped;

static const char *skip_fields(const char *p, unsigned nr)
{
	while (p && nr-- && (p = strchr(p, ' ')))
		p++;
	return p;
}

static unsigned count_fields(const char *p)
{
	unsigned nr = 1;
	if (!*p)
		return 0;
	while ((p = skip_fields(p, 1)))
		nr++;
	return nr;
}

/*
 * Lines on which libdm 1.02.185's raid parser has undefined behaviour
 * (it writes past a buffer it sized from another field, or dereferences
 * a NULL sync action): neither library is run on them.
 */
static int raid_undefined(const char *line)
{
	static char w[BUF];
	const char *p = strchr(line, ' '), *p4, *p5;
	unsigned nf = count_fields(line), dc;
	unsigned long in, tot;
	int i, a = 0, k;

	if (nf < 4 || !p || sscanf(p + 1, "%d", &i) != 1)
		return 0;
	if (i < 0 || i == 2147483647)
		return 1;
	if (i + 33 > 50000000)
		return 0; /* its allocator refuses: defined */
	if (sscanf(line, "%s", w) == 1 && strlen(w) + 1 > (size_t) (p + 1 - line))
		return 1;
	if (sscanf(line, "%*s %*u %s", w) == 1 && strlen(w) > (size_t) i)
		return 1;
	if (nf >= 6 && (p4 = skip_fields(line, 4)) && (p5 = skip_fields(p4, 1)) &&
	    sscanf(p4, "%s", w) == 1 && strlen(w) + 1 > (size_t) (p5 - p4))
		return 1;
	if (nf < 6 && sscanf(line, "%*s %u %s %lu/%lu", &dc, w, &in, &tot) == 4 && in == tot) {
		for (k = 0; k < i && w[k]; k++)
			if (w[k] == 'a')
				a++;
		if (a && (unsigned) a < dc)
			return 1;
	}
	return 0;
}

/*
 * The intended differences, decided from the line alone (the same on both
 * libraries). raid-all-legs-a: libdm 1.02.198 and later report the first
 * leg 'A' when every leg is 'a' and the sync action is resync or idle
 * ("Enhance dm_get_status_raid to handle mismatching status or reported
 * legs"); 1.02.185 reports the health as the kernel gave it.
 */
static const char *raid_intended(const char *line)
{
	static char w[BUF], act[BUF];
	const char *p4;
	unsigned dc;
	int i, a = 0, k;

	if (count_fields(line) < 6 || !(p4 = skip_fields(line, 4)) ||
	    sscanf(line, "%*s %d", &i) != 1 || sscanf(line, "%*s %u %s", &dc, w) != 2 ||
	    sscanf(p4, "%s", act) != 1)
		return NULL;
	for (k = 0; k < i && w[k]; k++)
		if (w[k] == 'a')
			a++;
	if (a && (unsigned) a == dc && (!strcasecmp(act, "resync") || !strcasecmp(act, "idle")))
		return "raid-all-legs-a";
	return NULL;
}

static void run_one(const char *target, const char *params)
{
	struct dm_pool *mem = dm_pool_create("status_diff", 1024);
	/* Zero padding after the line: what libdm reads past the end is 0. */
	static char buf[BUF + 64];
	int r;
	unsigned i;

	memset(buf, 0, sizeof(buf));
	strncpy(buf, params, BUF - 1);
	cases++;
	printf("== %s [%s]\n", target, buf);
	if (!strcmp(target, "raid") && raid_undefined(buf)) {
		skipped++;
		printf("  undefined in libdm 1.02.185: not run\n");
		dm_pool_destroy(mem);
		return;
	}

	if (!strcmp(target, "mirror")) {
		struct dm_status_mirror *s = SENTINEL;
		r = dm_get_status_mirror(mem, buf, &s);
		report_status("mirror", r, s);
		if (r) {
			printf("  regions %llu/%llu devs %u logs %u\n", (unsigned long long) s->insync_regions,
			       (unsigned long long) s->total_regions, s->dev_count, s->log_count);
			for (i = 0; i < s->dev_count; i++)
				printf("  dev %d %u:%u\n", (int) s->devs[i].health, s->devs[i].major, s->devs[i].minor);
			pstr("log_type", s->log_type);
			for (i = 0; i < s->log_count; i++)
				printf("  log %d %u:%u\n", (int) s->logs[i].health, s->logs[i].major, s->logs[i].minor);
		}
	} else if (!strcmp(target, "raid")) {
		struct dm_status_raid *s = SENTINEL;
		const char *tag = raid_intended(buf);
		if (tag)
			printf("  intended %s\n", tag);
		r = dm_get_status_raid(mem, buf, &s);
		report_status("raid", r, s);
		if (r) {
			printf("  reserved %llu regions %llu/%llu mismatch %llu devs %u offset %llu\n",
			       (unsigned long long) s->reserved, (unsigned long long) s->insync_regions,
			       (unsigned long long) s->total_regions, (unsigned long long) s->mismatch_count,
			       s->dev_count, (unsigned long long) s->data_offset);
			pstr("raid_type", s->raid_type);
			pstr("dev_health", s->dev_health);
			pstr("sync_action", s->sync_action);
		}
	} else if (!strcmp(target, "cache")) {
		struct dm_status_cache *s = SENTINEL;
		int j;
		r = dm_get_status_cache(mem, buf, &s);
		report_status("cache", r, s);
		if (r) {
			printf("  version %llu mbs %u bs %u meta %llu/%llu used %llu dirty %llu total %llu\n",
			       (unsigned long long) s->version, s->metadata_block_size, s->block_size,
			       (unsigned long long) s->metadata_used_blocks, (unsigned long long) s->metadata_total_blocks,
			       (unsigned long long) s->used_blocks, (unsigned long long) s->dirty_blocks,
			       (unsigned long long) s->total_blocks);
			printf("  rh %llu rm %llu wh %llu wm %llu dem %llu pro %llu features %llu\n",
			       (unsigned long long) s->read_hits, (unsigned long long) s->read_misses,
			       (unsigned long long) s->write_hits, (unsigned long long) s->write_misses,
			       (unsigned long long) s->demotions, (unsigned long long) s->promotions,
			       (unsigned long long) s->feature_flags);
			printf("  core_argc %d policy_argc %d error %u fail %u needs_check %u read_only %u\n",
			       s->core_argc, s->policy_argc, s->error, s->fail, s->needs_check, s->read_only);
			for (j = 0; j < s->core_argc && s->core_argv; j++)
				pstr("core_arg", s->core_argv[j]);
			pstr("policy_name", s->policy_name);
			for (j = 0; j < s->policy_argc && s->policy_argv; j++)
				pstr("policy_arg", s->policy_argv[j]);
		}
	} else if (!strcmp(target, "snapshot")) {
		struct dm_status_snapshot *s = SENTINEL;
		r = dm_get_status_snapshot(mem, buf, &s);
		report_status("snapshot", r, s);
		if (r)
			printf("  used %llu total %llu meta %llu has_meta %u invalid %u merge_failed %u overflow %u\n",
			       (unsigned long long) s->used_sectors, (unsigned long long) s->total_sectors,
			       (unsigned long long) s->metadata_sectors, s->has_metadata_sectors, s->invalid,
			       s->merge_failed, s->overflow);
	} else if (!strcmp(target, "thin-pool")) {
		struct dm_status_thin_pool *s = SENTINEL;
		r = dm_get_status_thin_pool(mem, buf, &s);
		report_status("thin-pool", r, s);
		if (r)
			printf("  tid %llu meta %llu/%llu data %llu/%llu held %llu ro %u discards %d fail %u eins %u oods %u nc %u error %u\n",
			       (unsigned long long) s->transaction_id, (unsigned long long) s->used_metadata_blocks,
			       (unsigned long long) s->total_metadata_blocks, (unsigned long long) s->used_data_blocks,
			       (unsigned long long) s->total_data_blocks, (unsigned long long) s->held_metadata_root,
			       s->read_only, (int) s->discards, s->fail, s->error_if_no_space, s->out_of_data_space,
			       s->needs_check, s->error);
	} else if (!strcmp(target, "thin")) {
		struct dm_status_thin *s = SENTINEL;
		r = dm_get_status_thin(mem, buf, &s);
		report_status("thin", r, s);
		if (r)
			printf("  mapped %llu highest %llu fail %u\n", (unsigned long long) s->mapped_sectors,
			       (unsigned long long) s->highest_mapped_sector, s->fail);
	} else
		printf("  unknown target\n");

	dm_pool_destroy(mem);
}

/* The replacements tried for each field of a "*" line. */
static const char *const tokens[] = {
	"x", "", "-", "0", "-0", "+7", "-1", "007", "0x10", "1/", "/1", "1/x", "12abc",
	"18446744073709551615", "18446744073709551616", "4294967295", "4294967296",
	"2147483647", "2147483648", "-2147483649", "99999", "A", "AAAAAAAAAAAA", "Fail", "Error",
	"ro", "needs_check", "writeback", "1:2", ":", "1:", "9:9:9",
};

/* Count fields where a replacement could make the C library allocate
 * memory in proportion to a huge number (a result that depends on the
 * machine's memory): only small tokens there. */
static int small_only(const char *target, unsigned field)
{
	(void) field;
	return !strcmp(target, "cache") || !strcmp(target, "mirror");
}

static int is_small(const char *t)
{
	return strlen(t) < 6 && t[0] != '-';
}

/* libdm 1.02.185's cache parser copies the policy name into a buffer sized
 * by single-space field skipping: a variant with other spacing overflows it. */
static int spacing_ok(const char *target)
{
	return strcmp(target, "cache") != 0;
}

static void variants(const char *target, const char *line)
{
	char out[BUF];
	size_t len = strlen(line), i;
	unsigned nf = 1, f, t;
	const char *starts[512];
	size_t lens[512];
	const char *p = line;

	/* truncations */
	for (i = 0; i < len; i++) {
		memcpy(out, line, i);
		out[i] = 0;
		run_one(target, out);
	}
	/* fields */
	starts[0] = line;
	while ((p = strchr(p, ' ')) && nf < 512) {
		lens[nf - 1] = (size_t) (p - starts[nf - 1]);
		starts[nf++] = ++p;
	}
	lens[nf - 1] = strlen(starts[nf - 1]);

	for (f = 0; f < nf; f++) {
		size_t pre = (size_t) (starts[f] - line);
		const char *post = starts[f] + lens[f];
		for (t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++) {
			if (small_only(target, f) && !is_small(tokens[t]))
				continue;
			if (!spacing_ok(target) && !*tokens[t])
				continue;
			snprintf(out, sizeof(out), "%.*s%s%s", (int) pre, line, tokens[t], post);
			run_one(target, out);
		}
		/* dropped */
		snprintf(out, sizeof(out), "%.*s%s", (int) pre, line, *post ? post + 1 : post);
		run_one(target, out);
		/* doubled */
		if (spacing_ok(target) || *post) {
			snprintf(out, sizeof(out), "%.*s %.*s%s", (int) (pre + lens[f]), line, (int) lens[f], starts[f], post);
			run_one(target, out);
		}
		/* double space and tab after this field */
		if (*post && spacing_ok(target)) {
			snprintf(out, sizeof(out), "%.*s  %s", (int) (pre + lens[f]), line, post + 1);
			run_one(target, out);
			snprintf(out, sizeof(out), "%.*s\t%s", (int) (pre + lens[f]), line, post + 1);
			run_one(target, out);
		}
	}
	/* extra fields, leading and trailing space */
	snprintf(out, sizeof(out), "%s extra", line);
	run_one(target, out);
	snprintf(out, sizeof(out), "%s ", line);
	run_one(target, out);
	if (spacing_ok(target)) {
		snprintf(out, sizeof(out), " %s", line);
		run_one(target, out);
	}
}

int main(int argc, char **argv)
{
	char line[BUF];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: status_diff CORPUS\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 2;
	}
	dm_log_with_errno_init(logfn);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	while (fgets(line, sizeof(line), f)) {
		char *tab, *target = line;
		line[strcspn(line, "\n")] = 0;
		if (!*line || *line == '#' || !(tab = strchr(line, '\t')))
			continue;
		*tab = 0;
		if (*target == '*') {
			run_one(target + 1, tab + 1);
			variants(target + 1, tab + 1);
		} else
			run_one(target, tab + 1);
	}
	fclose(f);
	printf("cases %lu (%lu not run: undefined in libdm 1.02.185)\n", cases, skipped);
	return 0;
}
