/*
 * The dm_stats and dm_histogram API on a real kernel, printing what it sees
 * in a form that does not depend on I/O timing. Built against this library
 * (stats_api) and against Debian's (stats_api.clib); tests/vm/stats-api.sh
 * compares the outputs, and runs "make" on one library and "read" on the
 * other to check that regions and groups cross between them.
 *
 * usage: stats_api DEVICE all|make|read|filemap FILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdevmapper.h>

static int failures;

#define CHECK(cond) do { if (!(cond)) { printf("FAILED: %s (line %d)\n", #cond, __LINE__); failures++; } } while (0)

static const char *type_name(dm_stats_obj_type_t t)
{
	switch (t) {
	case DM_STATS_OBJECT_TYPE_AREA: return "area";
	case DM_STATS_OBJECT_TYPE_REGION: return "region";
	case DM_STATS_OBJECT_TYPE_GROUP: return "group";
	default: return "none";
	}
}

static struct dm_stats *bind(const char *dev)
{
	struct dm_stats *dms = dm_stats_create("stats_api");
	CHECK(dms != NULL);
	CHECK(dm_stats_bind_name(dms, dev));
	return dms;
}

/* Every listed region and group, as the handle describes them. */
static void show_table(struct dm_stats *dms)
{
	uint64_t r, start, len, alen;
	char *desc;

	printf("regions %" PRIu64 " groups %" PRIu64 "\n", dm_stats_get_nr_regions(dms), dm_stats_get_nr_groups(dms));
	for (r = 0; r < 64; r++) {
		if (!dm_stats_region_present(dms, r))
			continue;
		CHECK(dm_stats_get_region_start(dms, &start, r));
		CHECK(dm_stats_get_region_len(dms, &len, r));
		CHECK(dm_stats_get_region_area_len(dms, &alen, r));
		printf("region %" PRIu64 ": %" PRIu64 "+%" PRIu64 " area %" PRIu64 " x%" PRIu64
		       " prog '%s' aux '%s' precise %d bins %d group %" PRId64 " alias '%s'\n",
		       r, start, len, alen, dm_stats_get_region_nr_areas(dms, r),
		       dm_stats_get_region_program_id(dms, r), dm_stats_get_region_aux_data(dms, r),
		       dm_stats_get_region_precise_timestamps(dms, r),
		       dm_stats_get_region_nr_histogram_bins(dms, r),
		       (int64_t) dm_stats_get_group_id(dms, r), dm_stats_get_alias(dms, r));
		if (dm_stats_get_region_nr_histogram_bins(dms, r)) {
			struct dm_histogram *h = dm_stats_get_histogram(dms, r, 0);
			CHECK(h != NULL);
			if (h)
				printf("  bounds %s | %s | %s\n",
				       dm_histogram_to_string(h, -1, -1, DM_HISTOGRAM_BOUNDS_RANGE | DM_HISTOGRAM_SUFFIX),
				       dm_histogram_to_string(h, -1, 0, DM_HISTOGRAM_BOUNDS_UPPER),
				       dm_histogram_to_string(h, 1, 0, DM_HISTOGRAM_BOUNDS_LOWER | DM_HISTOGRAM_SUFFIX | DM_HISTOGRAM_VALUES));
		}
		if (dm_stats_group_present(dms, r)) {
			CHECK(dm_stats_get_group_descriptor(dms, r, &desc));
			printf("group %" PRIu64 ": members %s alias '%s'\n", r, desc, dm_stats_get_alias(dms, r));
		}
	}
}

/* A walk with the given flags: each object and its counts. */
static void show_walk(struct dm_stats *dms, uint64_t flags, const char *what)
{
	uint64_t start, len;
	double v;
	int n = 0;

	printf("walk %s\n", what);
	CHECK(dm_stats_walk_init(dms, flags));
	dm_stats_walk_do(dms) {
		dm_stats_obj_type_t t = dm_stats_current_object_type(dms);
		struct dm_histogram *h = dm_stats_get_histogram(dms, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT);
		CHECK(dm_stats_get_current_area_start(dms, &start));
		CHECK(dm_stats_get_current_area_len(dms, &len));
		printf("  %s r%" PRIu64 " a%" PRIu64 " @%" PRIu64 "+%" PRIu64 " reads %" PRIu64 " sectors %" PRIu64
		       " writes %" PRIu64,
		       type_name(t), dm_stats_get_current_region(dms), dm_stats_get_current_area(dms), start, len,
		       dm_stats_get_reads(dms, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT),
		       dm_stats_get_read_sectors(dms, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT),
		       dm_stats_get_writes(dms, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT));
		CHECK(dm_stats_get_reads_per_sec(dms, &v, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT));
		printf(" r/s %.2f", v);
		CHECK(dm_stats_get_average_request_size(dms, &v, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT));
		printf(" rqsz %.2f", v);
		CHECK(dm_stats_get_metric(dms, DM_STATS_READ_SECTORS_PER_SEC, DM_STATS_REGION_CURRENT, DM_STATS_AREA_CURRENT, &v));
		printf(" rsec/s %.2f", v);
		if (h)
			printf(" hist bins %d sum %" PRIu64, dm_histogram_get_nr_bins(h), dm_histogram_get_sum(h));
		printf("\n");
		if (++n > 200)
			break;
		dm_stats_walk_next(dms);
	} dm_stats_walk_while(dms);
}

static void read_device(const char *dev, int n)
{
	char path[256];
	void *buf;
	int fd, i;

	snprintf(path, sizeof(path), "/dev/mapper/%s", dev);
	fd = open(path, O_RDONLY | O_DIRECT);
	CHECK(fd >= 0);
	if (fd < 0 || posix_memalign(&buf, 4096, 4096))
		return;
	for (i = 0; i < n; i++)
		CHECK(pread(fd, buf, 4096, (off_t) i * 4096) == 4096);
	free(buf);
	close(fd);
}

static int all(const char *dev)
{
	struct dm_stats *dms = bind(dev);
	struct dm_histogram *b1, *b2;
	uint64_t id, gid, ub[] = { 100000, 1000000, 0 };
	char *buf;
	int i;

	printf("driver precise %d histogram %d\n", dm_stats_driver_supports_precise(), dm_stats_driver_supports_histogram());
	CHECK((b1 = dm_histogram_bounds_from_string("10ms,20ms,1s")) != NULL);
	CHECK((b2 = dm_histogram_bounds_from_uint64(ub)) != NULL);
	CHECK(dm_histogram_bounds_from_string("2ms,x") == NULL);
	CHECK(dm_stats_create_region(dms, &id, 0, 0, -4, 0, NULL, NULL, "")); printf("created %" PRIu64 "\n", id);
	CHECK(dm_stats_create_region(dms, &id, 0, 0, 20480, 0, NULL, NULL, "user")); printf("created %" PRIu64 "\n", id);
	CHECK(dm_stats_create_region(dms, &id, 1000, 5000, 0, 1, NULL, NULL, "") == 0);
	CHECK(dm_stats_create_region(dms, &id, 1000, 5000, -1, 1, NULL, NULL, "")); printf("created %" PRIu64 "\n", id);
	CHECK(dm_stats_create_region(dms, &id, 0, 1000, -2, 0, b1, NULL, "")); printf("created %" PRIu64 "\n", id);
	CHECK(dm_stats_create_region(dms, &id, 0, 1000, -1, 0, b2, "other", "")); printf("created %" PRIu64 "\n", id);
	dm_histogram_bounds_destroy(b1);
	dm_histogram_bounds_destroy(b2);

	CHECK(dm_stats_list(dms, NULL));
	show_table(dms);
	CHECK(dm_stats_list(dms, DM_STATS_ALL_PROGRAMS));
	show_table(dms);

	read_device(dev, 100);
	dm_stats_set_sampling_interval_ms(dms, 1000);
	printf("interval %" PRIu64 " ms %" PRIu64 " ns\n", dm_stats_get_sampling_interval_ms(dms), dm_stats_get_sampling_interval_ns(dms));
	CHECK(dm_stats_populate(dms, DM_STATS_ALL_PROGRAMS, DM_STATS_REGIONS_ALL));
	show_walk(dms, DM_STATS_WALK_DEFAULT, "default");
	show_walk(dms, DM_STATS_WALK_REGION | DM_STATS_WALK_SKIP_SINGLE_AREA, "regions, skipping single areas");

	CHECK(dm_stats_create_group(dms, "1,3", "grp", &gid)); printf("group %" PRIu64 "\n", gid);
	CHECK(dm_stats_create_group(dms, "0,9", NULL, &gid) == 0);
	CHECK(dm_stats_list(dms, DM_STATS_ALL_PROGRAMS));
	CHECK(dm_stats_create_group(dms, "3-4", NULL, &gid) == 0);
	CHECK(dm_stats_set_alias(dms, 1, "renamed"));
	CHECK(dm_stats_set_alias(dms, 3, "member") == 0);
	CHECK(dm_stats_populate(dms, DM_STATS_ALL_PROGRAMS, DM_STATS_REGIONS_ALL));
	show_table(dms);
	show_walk(dms, DM_STATS_WALK_ALL, "all");
	show_walk(dms, DM_STATS_WALK_GROUP, "groups");

	buf = dm_stats_print_region(dms, 0, 1, 2, 0);
	CHECK(buf != NULL);
	if (buf) {
		int lines = 0;
		for (i = 0; buf[i]; i++)
			lines += buf[i] == '\n';
		printf("print region 0 lines 1-2: %d rows, starting %.*s\n", lines, (int) strcspn(buf, " "), buf);
		dm_stats_buffer_destroy(dms, buf);
	}
	CHECK(dm_stats_clear_region(dms, 0));
	CHECK(dm_stats_populate(dms, DM_STATS_ALL_PROGRAMS, 0));
	printf("after clear: region 0 reads %" PRIu64 "\n", dm_stats_get_reads(dms, 0, DM_STATS_WALK_REGION));

	CHECK(dm_stats_delete_group(dms, 1, 0));
	CHECK(dm_stats_list(dms, DM_STATS_ALL_PROGRAMS));
	show_table(dms);
	CHECK(dm_stats_delete_region(dms, 9) == 0);
	for (id = 0; id < 5; id++)
		CHECK(dm_stats_delete_region(dms, id));
	CHECK(dm_stats_list(dms, DM_STATS_ALL_PROGRAMS));
	printf("regions left %" PRIu64 "\n", dm_stats_get_nr_regions(dms));
	dm_stats_destroy(dms);
	return failures != 0;
}

static int make(const char *dev)
{
	struct dm_stats *dms = bind(dev);
	struct dm_histogram *b = dm_histogram_bounds_from_string("1ms,5ms");
	uint64_t id, gid;

	CHECK(dm_stats_create_region(dms, &id, 0, 0, -2, 0, NULL, NULL, "lead"));
	CHECK(dm_stats_create_region(dms, &id, 0, 1000, -1, 0, NULL, NULL, ""));
	CHECK(dm_stats_create_region(dms, &id, 1000, 1000, -1, 0, NULL, NULL, "keep"));
	CHECK(dm_stats_create_region(dms, &id, 0, 2000, -1, 0, b, NULL, ""));
	CHECK(dm_stats_create_region(dms, &id, 4000, 100, -1, 1, NULL, NULL, ""));
	CHECK(dm_stats_create_region(dms, &id, 5000, 100, -1, 1, NULL, NULL, ""));
	CHECK(dm_stats_list(dms, NULL));
	CHECK(dm_stats_create_group(dms, "0-2", "grp", &gid));
	CHECK(dm_stats_list(dms, NULL));
	CHECK(dm_stats_create_group(dms, "4-5", NULL, &gid));
	dm_histogram_bounds_destroy(b);
	dm_stats_destroy(dms);
	return failures != 0;
}

static int readback(const char *dev)
{
	struct dm_stats *dms = bind(dev);
	uint64_t gid;

	CHECK(dm_stats_list(dms, NULL));
	show_table(dms);
	CHECK(dm_stats_create_group(dms, "2-3", NULL, &gid) == 0);
	CHECK(dm_stats_delete_region(dms, 1));
	CHECK(dm_stats_list(dms, NULL));
	show_table(dms);
	CHECK(dm_stats_delete_group(dms, 4, 1));
	CHECK(dm_stats_delete_group(dms, 0, 0));
	CHECK(dm_stats_list(dms, NULL));
	show_table(dms);
	CHECK(dm_stats_list(dms, NULL));
	CHECK(dm_stats_delete_region(dms, 0) && dm_stats_delete_region(dms, 2) && dm_stats_delete_region(dms, 3));
	dm_stats_destroy(dms);
	return failures != 0;
}

static int filemap(const char *dev, const char *file)
{
	struct dm_stats *dms = dm_stats_create("stats_api");
	uint64_t *ids, *up, i;
	int fd = open(file, O_RDONLY);

	CHECK(fd >= 0);
	CHECK(dm_stats_bind_from_fd(dms, fd));
	ids = dm_stats_create_regions_from_fd(dms, fd, 1, 0, NULL, "fmap");
	CHECK(ids != NULL);
	for (i = 0; ids && ids[i] != UINT64_MAX; i++)
		printf("file region %" PRIu64 "\n", ids[i]);
	CHECK(dm_stats_list(dms, NULL));
	show_table(dms);
	up = dm_stats_update_regions_from_fd(dms, fd, ids ? ids[0] : 0);
	CHECK(up != NULL);
	for (i = 0; up && up[i] != UINT64_MAX; i++)
		printf("after update %" PRIu64 "\n", up[i]);
	CHECK(dm_stats_list(dms, NULL));
	CHECK(dm_stats_delete_group(dms, ids ? ids[0] : 0, 1));
	CHECK(dm_stats_list(dms, NULL));
	printf("regions left %" PRIu64 " on %s\n", dm_stats_get_nr_regions(dms), dev);
	dm_free(ids);
	dm_free(up);
	close(fd);
	dm_stats_destroy(dms);
	return failures != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[2], "all"))
		return all(argv[1]);
	if (argc >= 3 && !strcmp(argv[2], "make"))
		return make(argv[1]);
	if (argc >= 3 && !strcmp(argv[2], "read"))
		return readback(argv[1]);
	if (argc >= 4 && !strcmp(argv[2], "filemap"))
		return filemap(argv[1], argv[3]);
	fprintf(stderr, "usage: %s DEVICE all|make|read|filemap FILE\n", argv[0]);
	return 2;
}
