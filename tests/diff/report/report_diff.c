/*
 * Differential test of the report engine: one program, built against
 * Debian's libdevmapper and against this library, defines two object
 * types with string, number, size, percent, time and string-list fields
 * (and reserved values), reports ten objects with many combinations of
 * output fields, sort keys, separators, flags, selections and report
 * groups, and prints every log line of level WARN or above with its level.
 * The two outputs must be identical (tests/diff/report/run.sh).
 */
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct extra {
	const char *label;
	uint32_t weight;
};

struct obj {
	const char *name;
	const char *uuid;
	uint64_t size;		/* sectors */
	uint32_t count;
	int32_t delta;
	uint64_t big;
	dm_percent_t pct;
	const char *tags[4];
	time_t when;
	int flag;
	struct extra extra;
	struct dm_list taglist;
	struct dm_str_list items[4];
};

static struct obj objs[] = {
	{ "obj1", "u-1", 2048, 5, -3, 10, DM_PERCENT_100, { "b", "a", NULL }, 1600000000, 1, { "x", 3 } },
	{ "obj2", "u-2", 1024, 3, 7, UINT64_MAX, 50 * DM_PERCENT_1, { "c", NULL }, 1623751200, 0, { "", 1 } },
	{ "obj3", "u-3", 3072, 10, 0, 0, DM_PERCENT_INVALID, { NULL }, 1640995200, 1, { "y", 3 } },
	{ "obj 4", "v-4", 512, 1, 2, 99, 1, { "a", "c", "b", NULL }, 1646092800, 0, { "", 7 } },
	{ "obj\"5", "u-5", 1048576, 8, -100, 5, 99999999, { "a", NULL }, 1262304000, 1, { "z", 0 } },
	{ "a-obj", "w-6", 2048, 5, 1, 10, 12345678, { "d", "a", NULL }, 1609459200, 0, { "", 2 } },
	{ "zeta", "u-7", 0, 0, 5, 42, 0, { "", NULL }, 1700000000, 1, { "", 5 } },
	{ "obj10", "u-10", 4096, 5, 5, 10, 75 * DM_PERCENT_1, { "b", "c", NULL }, 1623751200, 0, { "w", 3 } },
	{ "Obj2", "U-2", 1536, 7, -7, 1000000, 33 * DM_PERCENT_1 + 333333, { "x y", "a", NULL }, 1325376000, 1, { "", 9 } },
	{ "obj3", "u-33", 3072, 10, 0, 0, 5 * DM_PERCENT_1, { "a", "b", NULL }, 1640995201, 0, { "", 3 } },
};
#define NOBJ (sizeof(objs) / sizeof(objs[0]))

enum { T_OBJ = 1, T_EXTRA = 2 };

static void *_obj_data(void *o) { return o; }
static void *_extra_data(void *o) { return &((struct obj *) o)->extra; }

static const struct dm_report_object_type types[] = {
	{ T_OBJ, "Object", "obj_", _obj_data },
	{ T_EXTRA, "Extra", "x_", _extra_data },
	{ 0, "", "", NULL },
};

static int _str(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) mem; (void) p;
	return dm_report_field_string(rh, f, (const char * const *) d);
}
static int _u32(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) mem; (void) p;
	return dm_report_field_uint32(rh, f, d);
}
static int _i32(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) mem; (void) p;
	return dm_report_field_int32(rh, f, d);
}
static int _int(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) mem; (void) p;
	return dm_report_field_int(rh, f, d);
}
static int _u64(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) mem; (void) p;
	return dm_report_field_uint64(rh, f, d);
}
static int _pct(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) mem; (void) p;
	return dm_report_field_percent(rh, f, d);
}
/* A size: displayed in MiB with two decimals, sorted and selected as a
 * double number of sectors (what selection compares). */
static int _size(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	uint64_t s = *(const uint64_t *) d;
	char *buf = dm_pool_alloc(mem, 32);
	double *sv = dm_pool_alloc(mem, sizeof(double));
	(void) rh; (void) p;
	if (!buf || !sv)
		return 0;
	snprintf(buf, 32, "%.2fm", (double) s / 2048);
	*sv = (double) s;
	dm_report_field_set_value(f, buf, sv);
	return 1;
}
static int _time(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	const time_t *t = d;
	char *buf = dm_pool_alloc(mem, 32);
	struct tm tm;
	(void) rh; (void) p;
	if (!buf)
		return 0;
	gmtime_r(t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
	dm_report_field_set_value(f, buf, t);
	return 1;
}
static int _tags(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	const struct obj *o = (const struct obj *) ((const char *) d - offsetof(struct obj, tags));
	(void) mem; (void) p;
	return dm_report_field_string_list(rh, f, &o->taglist, NULL);
}
static int _tags_u(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	const struct obj *o = (const struct obj *) ((const char *) d - offsetof(struct obj, tags));
	(void) mem; (void) p;
	return dm_report_field_string_list_unsorted(rh, f, &o->taglist, "+");
}
static int _fail(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *f, const void *d, void *p)
{
	(void) rh; (void) mem; (void) f; (void) d; (void) p;
	return 0;
}

#define OFF(m) offsetof(struct obj, m)
#define XOFF(m) offsetof(struct extra, m)
#define STR DM_REPORT_FIELD_TYPE_STRING
#define NUM DM_REPORT_FIELD_TYPE_NUMBER

static const struct dm_report_field_type fields[] = {
	{ T_OBJ, STR, OFF(name), 4, "name", "Name", _str, "Object name." },
	{ T_OBJ, STR, OFF(uuid), 4, "obj_uuid", "UUID", _str, "Object UUID." },
	{ T_OBJ, DM_REPORT_FIELD_TYPE_SIZE, OFF(size), 5, "size", "Size", _size, "Size in MiB." },
	{ T_OBJ, NUM, OFF(count), 5, "count", "Count", _u32, "A count." },
	{ T_OBJ, NUM, OFF(delta), 5, "delta", "Delta", _i32, "A signed number." },
	{ T_OBJ, NUM, OFF(big), 3, "big", "Big", _u64, "A 64-bit number." },
	{ T_OBJ, DM_REPORT_FIELD_TYPE_PERCENT, OFF(pct), 6, "pct", "Pct%", _pct, "A percentage." },
	{ T_OBJ, DM_REPORT_FIELD_TYPE_STRING_LIST, OFF(tags), 4, "tags", "Tags", _tags, "Tags, sorted." },
	{ T_OBJ, DM_REPORT_FIELD_TYPE_STRING_LIST, OFF(tags), 6, "tags_u", "TagsU", _tags_u, "Tags as given." },
	{ T_OBJ, DM_REPORT_FIELD_TYPE_TIME, OFF(when), 19, "when", "When", _time, "A time." },
	{ T_OBJ, NUM | DM_REPORT_FIELD_ALIGN_LEFT, OFF(flag), 4, "flag", "Flag", _int, "Left-aligned number." },
	{ T_OBJ, STR | DM_REPORT_FIELD_ALIGN_RIGHT, OFF(uuid), 8, "ruuid", "RightUUID", _str, "Right-aligned string." },
	{ T_EXTRA, STR, XOFF(label), 5, "x_label", "Label", _str, "Extra label (often empty)." },
	{ T_EXTRA, NUM, XOFF(weight), 6, "x_weight", "Weight", _u32, "Extra weight." },
	{ T_EXTRA, NUM, XOFF(weight), 6, "x_broken", "Broken", _fail, "A field whose report function fails." },
	{ 0, 0, 0, 0, "", "", NULL, NULL },
};

static const uint64_t _max = UINT64_MAX;
static const char *_max_names[] = { "max", "unlimited", NULL };
static const uint32_t _zero32 = 0;
static const uint64_t _zero = 0;
static const struct dm_report_field_reserved_value _count_none = { 3, &_zero };
static const char *_none_names[] = { "none", NULL };
static const uint64_t _low_range[] = { 1, 3 };
static const char *_low_names[] = { "low", NULL };
static const char *_dash = "-";
static const char *_dash_names[] = { "dash", NULL };
static const struct dm_report_reserved_value reserved[] = {
	{ NUM, &_max, _max_names, "Largest number." },
	{ 0, &_count_none, _none_names, "No count." },
	{ NUM | DM_REPORT_FIELD_RESERVED_VALUE_RANGE, _low_range, _low_names, "Low numbers (1-3)." },
	{ STR, &_dash, _dash_names, "A dash string." },
	{ 0, NULL, NULL, NULL },
};

static void _log(int level, const char *file, int line, int dm_errno_or_class, const char *f, ...)
{
	va_list ap;
	(void) file; (void) line; (void) dm_errno_or_class;
	if ((level & 0x0f) > 4)
		return;
	printf("[%d] ", level);
	va_start(ap, f);
	vprintf(f, ap);
	va_end(ap);
	printf("\n");
}

static void _setup(void)
{
	unsigned i, j;
	for (i = 0; i < NOBJ; i++) {
		dm_list_init(&objs[i].taglist);
		for (j = 0; objs[i].tags[j]; j++) {
			objs[i].items[j].str = objs[i].tags[j];
			dm_list_add(&objs[i].taglist, &objs[i].items[j].list);
		}
	}
	(void) _zero32;
}

static int ncase;

static void _run(const char *fl, const char *keys, const char *sep, uint32_t flags,
		 const char *sel, int with_sel, const char *prefix, int compact)
{
	struct dm_report *rh;
	uint32_t rtypes = 0;
	unsigned i;
	int r;

	printf("=== case %d: fields=[%s] keys=[%s] sep=[%s] flags=0x%x sel=[%s]%s prefix=[%s] compact=%d\n",
	       ++ncase, fl ? fl : "(null)", keys ? keys : "(null)", sep ? sep : "(null)", flags,
	       sel ? sel : "(null)", with_sel ? "" : " (plain init)", prefix ? prefix : "", compact);
	/* libdm writes into the selection string while printing some errors. */
	char *selbuf = sel ? strdup(sel) : NULL;
	if (with_sel)
		rh = dm_report_init_with_selection(&rtypes, types, fields, fl, sep, flags, keys, selbuf, reserved, NULL);
	else
		rh = dm_report_init(&rtypes, types, fields, fl, sep, flags, keys, NULL);
	free(selbuf);
	if (!rh) {
		printf("init failed, types 0x%x\n", rtypes);
		return;
	}
	printf("types 0x%x\n", rtypes);
	if (prefix)
		dm_report_set_output_field_name_prefix(rh, prefix);
	for (i = 0; i < NOBJ; i++) {
		if (!(r = dm_report_object(rh, &objs[i])))
			printf("object %u: failed\n", i);
	}
	if (compact == 1)
		dm_report_compact_fields(rh);
	else if (compact == 2)
		printf("compact given: %d\n", dm_report_compact_given_fields(rh, "x_label,bogus"));
	else if (compact == 3)
		printf("compact given: %d\n", dm_report_compact_given_fields(rh, "x_label"));
	printf("empty before output: %d\n", dm_report_is_empty(rh));
	r = dm_report_output(rh);
	printf("output: %d, empty after: %d\n", r, dm_report_is_empty(rh));
	dm_report_free(rh);
}

static const char *field_lists[] = {
	"name,count,size", "obj_all", "all", "name,tags,tags_u,pct", "x_all,name",
	"name,selected", "bogus", "name,,count,", "Name,OBJUUID,obj_u_u_i_d,uuid",
	"selected,name,big,delta,when", "flag,ruuid,x_weight,name", "x_broken,name",
	"name,x_label,pct", "help", "?", "x_all", "obj_name,obj_count,OBJ_ALL",
};

static const uint32_t flag_sets[] = {
	DM_REPORT_OUTPUT_ALIGNED | DM_REPORT_OUTPUT_HEADINGS | DM_REPORT_OUTPUT_BUFFERED,
	DM_REPORT_OUTPUT_BUFFERED,
	DM_REPORT_OUTPUT_HEADINGS,
	0,
	/* FIELD_NAME_PREFIX crashes Debian's library here (NULL prefix, and a
	 * pool bug with a prefix set); dmsetup --nameprefixes covers it. */
	DM_REPORT_OUTPUT_BUFFERED | DM_REPORT_OUTPUT_HEADINGS,
	DM_REPORT_OUTPUT_ALIGNED | DM_REPORT_OUTPUT_BUFFERED,
	DM_REPORT_OUTPUT_COLUMNS_AS_ROWS | DM_REPORT_OUTPUT_HEADINGS,
	DM_REPORT_OUTPUT_COLUMNS_AS_ROWS | DM_REPORT_OUTPUT_BUFFERED | DM_REPORT_OUTPUT_HEADINGS | DM_REPORT_OUTPUT_ALIGNED,
	DM_REPORT_OUTPUT_ALIGNED | DM_REPORT_OUTPUT_HEADINGS,
};

static const char *sort_lists[] = {
	NULL, "name", "-count", "+size,-name", "count,name", "delta", "big,-delta", "bogus", "-", "+",
	"count,count", "when", "-when,name", "obj_uuid", "x_weight,-name", "flag,name", "selected",
};

static const char *selections[] = {
	"count=5", "count>3", "count>=3 && count<10", "count<3 || count>8", "!(count=5)", "name=obj3",
	"name!=obj3", "name=~'^obj[1-3]$'", "name!~obj", "name=\"obj 4\"", "name='obj\"5'", "size>1m",
	"size<=512k", "size=1.5m", "size>0.5g", "size>1", "size>=1024s", "pct>50", "pct>=50%", "pct<10.5",
	"pct=100", "pct=0", "tags=[a,b]", "tags={a}", "tags=a", "tags=[a||b]", "tags={a&&c}", "tags=''",
	"tags=[b,a]", "tags={a,b}", "tags!=[a,b]", "tags=[a#c]", "big=max", "big=unlimited", "big<max",
	"big>=10", "count=none", "count=low", "count>low", "count!=low", "delta>0", "delta<5", "when>2020-01-01",
	"when since 2021-06-15 10:00", "when=2021", "when=2021-06", "when=20210615", "when<@1600000001",
	"when until 2022-03", "when after '2021-06-15 10:00:00 +02:00'", "when before 2022-01-01 00:00:01",
	"when=2022-01-01 00:00", "when!=2021", "selected=1", "bogus=1", "count=abc", "count=5k", "size=5%",
	"name>3", "count=~5", "name=~'(ab'", "(count=1", "count=1)", "count=1 &&", "&& count=1", "count",
	"count=", "name='unterminated", "tags=[a,b", "tags=[a,b}", "tags=[a,b||c]", "when=2021-13-01",
	"when=2021-02-30", "when=2021-02-03 25:00", "when=10:00", "pct=101", "count=99999999999999999999999",
	"x_label=x", "x_weight>2", "count=1,name=obj1", "count=5#count=3", "!count=1", "  count = 3  ",
	"name = obj1 && ( count > 1 || size < 2m )", "all", "", "ALL", "obj_uuid=~^u", "obj_count>2",
	"uuid=~'-1'", "name=dash", "name='dash'", "name=-", "flag=1", "flag=1%", "ruuid=~2$",
	"!(name=~obj) || count=0", "((count>1))", "!(!(count>1))", "help", "?", "count>=", "name=~",
	"name=~(obj1)", "name=~{obj[0-9]}", "name=~[obj]", "tags={}", "tags=[]", "when=@abc", "help=1",
	"selected>0", "name=obj1 || name=obj2 && count=3", "name=obj1 # name=obj2 , count=3",
};

static void _groups(void)
{
	struct dm_report_group *g;
	struct dm_report *r1, *r2;
	uint32_t t = 0;
	unsigned i;
	int type;

	for (type = 0; type <= 2; type++) {
		printf("=== group type %d: two reports\n", type);
		g = dm_report_group_create(type, NULL);
		r1 = dm_report_init(&t, types, fields, "name,count,tags", " ", DM_REPORT_OUTPUT_ALIGNED | DM_REPORT_OUTPUT_HEADINGS | DM_REPORT_OUTPUT_BUFFERED, "-count", NULL);
		r2 = dm_report_init(&t, types, fields, "name,x_weight,pct", "|", DM_REPORT_OUTPUT_HEADINGS, NULL, NULL);
		printf("push r1: %d\n", dm_report_group_push(g, r1, (void *) "first"));
		for (i = 0; i < 4; i++)
			dm_report_object(r1, &objs[i]);
		printf("output r1: %d\n", dm_report_output(r1));
		printf("pop: %d\n", dm_report_group_pop(g));
		printf("push r2: %d\n", dm_report_group_push(g, r2, (void *) "second"));
		for (i = 4; i < NOBJ; i++)
			dm_report_object(r2, &objs[i]);
		printf("destroy: %d\n", dm_report_group_destroy(g));
		dm_report_free(r1);
		dm_report_free(r2);

		printf("=== group type %d: nested, empty report, two pushed at once\n", type);
		g = dm_report_group_create(type, NULL);
		r1 = dm_report_init(&t, types, fields, "name", " ", DM_REPORT_OUTPUT_BUFFERED, NULL, NULL);
		r2 = dm_report_init(&t, types, fields, "count,name", " ", DM_REPORT_OUTPUT_BUFFERED, NULL, NULL);
		printf("push outer: %d\n", dm_report_group_push(g, NULL, (void *) "outer"));
		printf("push unnamed: %d\n", dm_report_group_push(g, NULL, NULL));
		printf("push r1: %d\n", dm_report_group_push(g, r1, (void *) "inner"));
		printf("output empty r1: %d\n", dm_report_output(r1));
		printf("push r2: %d\n", dm_report_group_push(g, r2, (void *) "other"));
		dm_report_object(r2, &objs[0]);
		printf("output r1 again: %d\n", dm_report_output(r1));
		printf("output r2: %d\n", dm_report_output(r2));
		printf("pop: %d\n", dm_report_group_pop(g));
		printf("pop: %d\n", dm_report_group_pop(g));
		printf("destroy: %d\n", dm_report_group_destroy(g));
		dm_report_free(r1);
		dm_report_free(r2);
	}
	printf("=== group: unnamed object at top level\n");
	g = dm_report_group_create(DM_REPORT_GROUP_JSON, NULL);
	printf("push: %d\n", dm_report_group_push(g, NULL, NULL));
	printf("destroy: %d\n", dm_report_group_destroy(g));
	printf("=== group: NULL group\n");
	printf("push %d pop %d destroy %d\n", dm_report_group_push(NULL, NULL, NULL), dm_report_group_pop(NULL), dm_report_group_destroy(NULL));
}

static void _multiple_times(void)
{
	struct dm_report *rh;
	uint32_t t = 0;
	unsigned i;
	int sel;

	printf("=== multiple times with set_selection\n");
	rh = dm_report_init_with_selection(&t, types, fields, "name,count", " ",
			DM_REPORT_OUTPUT_BUFFERED | DM_REPORT_OUTPUT_HEADINGS | DM_REPORT_OUTPUT_ALIGNED | DM_REPORT_OUTPUT_MULTIPLE_TIMES,
			"name", "count>4", NULL, NULL);
	for (i = 0; i < NOBJ; i++)
		dm_report_object(rh, &objs[i]);
	printf("output: %d\n", dm_report_output(rh));
	printf("set: %d\n", dm_report_set_selection(rh, "count<4"));
	printf("output: %d\n", dm_report_output(rh));
	printf("set bad: %d\n", dm_report_set_selection(rh, "size>1"));
	printf("set bad: %d\n", dm_report_set_selection(rh, "count<"));
	printf("headings: %d\n", dm_report_column_headings(rh));
	dm_report_destroy_rows(rh);
	printf("empty: %d\n", dm_report_is_empty(rh));
	dm_report_free(rh);

	printf("=== object_is_selected\n");
	rh = dm_report_init_with_selection(&t, types, fields, "name", " ", DM_REPORT_OUTPUT_BUFFERED, NULL, "count>=5", NULL, NULL);
	for (i = 0; i < NOBJ; i++) {
		sel = -1;
		printf("obj %u: r=%d", i, dm_report_object_is_selected(rh, &objs[i], i % 2, &sel));
		printf(" selected=%d\n", sel);
	}
	printf("r=%d\n", dm_report_object_is_selected(rh, &objs[0], 0, NULL));
	printf("output: %d\n", dm_report_output(rh));
	dm_report_free(rh);

	printf("=== value cache\n");
	rh = dm_report_init(&t, types, fields, "name", " ", 0, NULL, NULL);
	printf("get: %p\n", dm_report_value_cache_get(rh, "k"));
	printf("set: %d\n", dm_report_value_cache_set(rh, "k", &objs[1]));
	printf("get same: %d\n", dm_report_value_cache_get(rh, "k") == &objs[1]);
	dm_report_free(rh);

	printf("=== reserved type id\n");
	{
		static const struct dm_report_object_type bad[] = {
			{ 0x80000000, "Bad", "bad_", _obj_data }, { 0, "", "", NULL } };
		rh = dm_report_init(&t, bad, fields, "name", " ", 0, NULL, NULL);
		printf("init: %s\n", rh ? "ok" : "NULL");
	}
}

int main(void)
{
	unsigned f, k, s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("TZ", "UTC", 1);
	tzset();
	dm_log_with_errno_init(_log);
	_setup();

	/* Plain reports first (before the implicit "selected" field appears). */
	_run("name,count", "name", " ", flag_sets[0], NULL, 0, NULL, 0);
	_run("help", NULL, " ", 0, NULL, 0, NULL, 0);
	_run("name,selected", NULL, " ", 0, NULL, 0, NULL, 0);

	for (f = 0; f < sizeof(field_lists) / sizeof(*field_lists); f++)
		for (k = 0; k < sizeof(flag_sets) / sizeof(*flag_sets); k++)
			_run(field_lists[f], NULL, k % 2 ? ":" : " ", flag_sets[k], NULL, 1, NULL, 0);
	for (s = 0; s < sizeof(sort_lists) / sizeof(*sort_lists); s++) {
		_run("name,count,size,delta,big,when,obj_uuid,pct", sort_lists[s], " ", flag_sets[0], NULL, 1, NULL, 0);
		_run("name,x_weight", sort_lists[s], "|", DM_REPORT_OUTPUT_BUFFERED, NULL, 1, NULL, 0);
		_run("name", sort_lists[s], "|", DM_REPORT_OUTPUT_HEADINGS, NULL, 1, NULL, 0);
	}
	for (s = 0; s < sizeof(selections) / sizeof(*selections); s++) {
		_run("name,count,size,pct,tags,when", "name,obj_uuid", " ", flag_sets[0], selections[s], 1, NULL, 0);
		_run("name,selected", "-name,obj_uuid", " ", flag_sets[0], selections[s], 1, NULL, 0);
	}
	_run("name,count,x_label,pct", NULL, " ", flag_sets[0], NULL, 1, NULL, 1);
	_run("name,count,x_label,pct", NULL, " ", flag_sets[0], "x_label=''", 1, NULL, 1);
	_run("name,x_label,count", NULL, " ", flag_sets[0], NULL, 1, NULL, 2);
	_run("name,x_label,count", NULL, " ", flag_sets[0], NULL, 1, NULL, 3);
	_run("name,count,x_label", NULL, " ", flag_sets[0], NULL, 1, NULL, 3);
	_run("name,x_label", NULL, " ", flag_sets[1], NULL, 1, NULL, 1);
	_run("name,x_label", NULL, " ", flag_sets[2], NULL, 1, NULL, 1);
	_run("name,count", NULL, "", flag_sets[0], NULL, 1, NULL, 0);

	_groups();
	_multiple_times();
	return 0;
}
