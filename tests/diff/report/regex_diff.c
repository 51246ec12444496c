/*
 * Differential test of dm_regex: reads blocks from a cases file,
 *   "= pattern<TAB>pattern..."  starts a block (patterns compiled together),
 *   any other line is an input matched against the block's patterns,
 * and prints the fingerprint of each block (taken from a second copy
 * compiled before any match, as the header asks) and each match result.
 */
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXP 64

int main(int argc, char **argv)
{
	char line[4096];
	char *pats[MAXP];
	unsigned n = 0;
	struct dm_pool *mem = dm_pool_create("regex diff", 1024);
	struct dm_regex *rx = NULL;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "r")) || !mem)
		return 2;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '=' && line[1] == ' ') {
			char *s = line + 2, *tab;
			unsigned i;
			struct dm_regex *fp;

			for (i = 0; i < n; i++)
				free(pats[i]);
			n = 0;
			while (n < MAXP) {
				tab = strchr(s, '\t');
				if (tab)
					*tab = '\0';
				pats[n++] = strdup(s);
				if (!tab)
					break;
				s = tab + 1;
			}
			printf("block:");
			for (i = 0; i < n; i++)
				printf(" [%s]", pats[i]);
			printf("\n");
			rx = dm_regex_create(mem, (const char * const *) pats, n);
			fp = dm_regex_create(mem, (const char * const *) pats, n);
			if (!rx || !fp) {
				printf("  create failed\n");
				rx = NULL;
				continue;
			}
			printf("  fingerprint %08x\n", dm_regex_fingerprint(fp));
			continue;
		}
		if (!rx)
			continue;
		printf("  match [%s] -> %d\n", line, dm_regex_match(rx, line));
	}
	fclose(f);
	dm_pool_destroy(mem);
	return 0;
}
