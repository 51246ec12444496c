/*
 * Benchmark (not a test): parses a config text and writes it back N times
 * through dm_config_parse / dm_config_write_node, as LVM does with volume
 * group metadata. Run under callgrind linked to each library (run.sh).
 * usage: config_bench FILE N
 */
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count_line(const char *line, void *baton)
{
	*(size_t *) baton += strlen(line) + 1;
	return 1;
}

int main(int argc, char **argv)
{
	FILE *f;
	char *buf;
	long len;
	int i, n;
	size_t written = 0;

	if (argc != 3 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: config_bench FILE N\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len + 1);
	if (!buf || fread(buf, 1, len, f) != (size_t) len)
		return 2;
	buf[len] = '\0';
	fclose(f);
	n = atoi(argv[2]);

	for (i = 0; i < n; i++) {
		struct dm_config_tree *cft = dm_config_create();
		if (!cft || !dm_config_parse(cft, buf, buf + len))
			return 1;
		if (!dm_config_write_node(cft->root, count_line, &written))
			return 1;
		dm_config_destroy(cft);
	}
	printf("%d rounds, %zu bytes written\n", n, written);
	free(buf);
	return 0;
}
