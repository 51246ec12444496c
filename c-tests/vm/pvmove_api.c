/* The pvmove helpers' C ABI (include/devmapper-pvmove.h) on the real
 * kernel: an atomic move of the given volumes through dmpv_start, polled
 * to the end, its state text, dmpv_finish; and refused bad input.
 * usage: pvmove_api SRC_MAJ:MIN DST_MAJ:MIN VOLUME... */
#include <libdevmapper.h>
#include <devmapper-pvmove.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../check.h"

int main(int argc, char **argv)
{
	unsigned sa, si, da, di;
	struct dmpv_move *m;
	double fraction = -1;
	int done = 0, polls = 0;
	char *state;

	if (argc < 4 || sscanf(argv[1], "%u:%u", &sa, &si) != 2 || sscanf(argv[2], "%u:%u", &da, &di) != 2) {
		fprintf(stderr, "usage: %s SRC DST VOLUME...\n", argv[0]);
		return 2;
	}
	CHECK(!dmpv_start(NULL, 1, sa, si, da, di, 1, 512), "dmpv_start refuses NULL volumes");
	CHECK(!dmpv_restart("dmpvmove-state 9\n"), "dmpv_restart refuses an unknown state version");
	CHECK(!dmpv_poll(NULL, &fraction, &done), "dmpv_poll refuses a NULL move");
	CHECK(!dmpv_start((const char *const *) argv + 3, 1, sa, si, sa, si, 1, 512), "dmpv_start refuses source = destination");

	m = dmpv_start((const char *const *) argv + 3, (unsigned) (argc - 3), sa, si, da, di, 1, 512);
	CHECK(m != NULL, "dmpv_start: atomic move started");
	if (!m)
		return DONE();
	state = dmpv_state(m);
	CHECK(state && !strncmp(state, "dmpvmove-state 1\nmode atomic\nclean 0\n", 37), "the state text names its version, mode and an unclean run");
	free(state);
	while (!done && polls++ < 3000) {
		if (!dmpv_poll(m, &fraction, &done))
			break;
		usleep(100000);
	}
	CHECK(done && fraction == 1.0, "dmpv_poll: the copy completes, fraction 1.0");
	CHECK(dmpv_finish(m), "dmpv_finish");
	state = dmpv_state(m);
	CHECK(state && strstr(state, "\nclean 1\n"), "after finishing the state says clean");
	free(state);
	dmpv_destroy(m);
	return DONE();
}
