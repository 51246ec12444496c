/*
 * Benchmark (not a test): 100 000 objects through a buffered report with
 * two sort keys and a selection, output to a log function that discards
 * the lines. The same program is linked to each library and run under
 * callgrind (tests/bench/report/run.sh).
 */
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 100000

struct obj {
	char name[16];
	const char *pname;
	uint32_t count;
	uint64_t big;
	dm_percent_t pct;
};

static void *_data(void *o) { return o; }
static const struct dm_report_object_type types[] = {
	{ 1, "Object", "obj_", _data }, { 0, "", "", NULL } };

static int _str(struct dm_report *rh, struct dm_pool *m, struct dm_report_field *f, const void *d, void *p)
{ (void) m; (void) p; return dm_report_field_string(rh, f, (const char * const *) d); }
static int _u32(struct dm_report *rh, struct dm_pool *m, struct dm_report_field *f, const void *d, void *p)
{ (void) m; (void) p; return dm_report_field_uint32(rh, f, d); }
static int _u64(struct dm_report *rh, struct dm_pool *m, struct dm_report_field *f, const void *d, void *p)
{ (void) m; (void) p; return dm_report_field_uint64(rh, f, d); }
static int _pct(struct dm_report *rh, struct dm_pool *m, struct dm_report_field *f, const void *d, void *p)
{ (void) m; (void) p; return dm_report_field_percent(rh, f, d); }

static const struct dm_report_field_type fields[] = {
	{ 1, DM_REPORT_FIELD_TYPE_STRING, offsetof(struct obj, pname), 4, "name", "Name", _str, "Name." },
	{ 1, DM_REPORT_FIELD_TYPE_NUMBER, offsetof(struct obj, count), 5, "count", "Count", _u32, "Count." },
	{ 1, DM_REPORT_FIELD_TYPE_NUMBER, offsetof(struct obj, big), 3, "big", "Big", _u64, "Big." },
	{ 1, DM_REPORT_FIELD_TYPE_PERCENT, offsetof(struct obj, pct), 4, "pct", "Pct", _pct, "Pct." },
	{ 0, 0, 0, 0, "", "", NULL, NULL },
};

static unsigned long lines;
static void _log(int level, const char *file, int line, int e, const char *f, ...)
{ (void) level; (void) file; (void) line; (void) e; (void) f; lines++; }

int main(void)
{
	static struct obj objs[N];
	struct dm_report *rh;
	uint32_t t = 0;
	unsigned i, x = 12345;

	dm_log_with_errno_init(_log);
	for (i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		snprintf(objs[i].name, sizeof(objs[i].name), "obj%06u", (x >> 8) % 1000000);
		objs[i].pname = objs[i].name;
		objs[i].count = (x >> 4) % 1000;
		objs[i].big = (uint64_t) x * 977;
		objs[i].pct = (dm_percent_t) ((x >> 3) % DM_PERCENT_100);
	}
	rh = dm_report_init_with_selection(&t, types, fields, "name,count,big,pct", " ",
			DM_REPORT_OUTPUT_ALIGNED | DM_REPORT_OUTPUT_BUFFERED | DM_REPORT_OUTPUT_HEADINGS,
			"-count,name", "count>100 && (pct<90 || name=~'^obj0')", NULL, NULL);
	if (!rh)
		return 1;
	for (i = 0; i < N; i++)
		if (!dm_report_object(rh, &objs[i]))
			return 1;
	if (!dm_report_output(rh))
		return 1;
	dm_report_free(rh);
	printf("%lu lines\n", lines);
	return 0;
}
