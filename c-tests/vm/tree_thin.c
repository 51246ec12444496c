/* A thin snapshot through the deptree (seed 004): a pool (tmeta and tdata
 * linear on loop devices) with two thin volumes, a writer on the second;
 * a snapshot of the first is taken through a suspend tree holding the first
 * volume (dm_tree_add_dev: the pool comes in as what it maps onto) whose
 * pool node gets the thin-pool table with transaction_id = current + 1 and
 * the messages create_snap and set_transaction_id, then
 * dm_tree_suspend_children + dm_tree_activate_children.
 * Checked on both libraries: while the origin is suspended the pool (and its
 * data and metadata devices) is not, and the writer on the second volume
 * keeps completing writes; the transaction id rose by exactly one; the
 * snapshot holds the origin's content at the moment of suspend. Then the
 * transaction rules: a transaction built but never run completes on the
 * next run; a transaction the kernel already has is not sent again; a
 * refused message fails the suspend and the caller's activate leaves
 * nothing suspended and the id unchanged; an id two ahead is refused
 * without a message. With DM_TRACE (this library): the messages go to the
 * pool after the origin's SUSPEND and before its RESUME, the pool is never
 * suspended, and a completed transaction sends no message.
 * usage: tree_thin LOOP_META LOOP_DATA (32 MiB each) */
#define _GNU_SOURCE
#include <pthread.h>
#include "../check.h"
#include "scenario.h"

#define P "DMRS-THIN-"
#define N "dmrs-thin-"
#define META 8192ULL  /* sectors */
#define DATA 65536ULL
#define VOL 4096ULL
#define BYTES (VOL * 512)
#define BLOCK 128     /* data block size, sectors */

static char **loops;
static volatile int stop;
static volatile long writes, write_errors;

static struct dm_tree_node *node(struct dm_tree *t, const char *what)
{
	char name[64], uuid[64];

	snprintf(name, sizeof(name), N "%s", what);
	snprintf(uuid, sizeof(uuid), P "%s", what);
	return dm_tree_add_new_dev(t, name, uuid, 0, 0, 0, 0, NULL);
}

static void add_existing(struct dm_tree *t, const char *name)
{
	struct dm_info info = info_of(name);

	if (info.exists)
		dm_tree_add_dev(t, info.major, info.minor);
}

static struct dm_tree_node *node_of(struct dm_tree *t, const char *name)
{
	struct dm_info info = info_of(name);

	return info.exists ? dm_tree_find_node(t, info.major, info.minor) : NULL;
}

static int pool_table(struct dm_tree_node *n, uint64_t tid)
{
	return dm_tree_node_add_thin_pool_target(n, DATA, tid, P "tmeta", P "tdata", BLOCK, 0, 1);
}

/* The pool's transaction id: the first field of its status (-1 if none). */
static long long tid(void)
{
	char st[256];

	return status_of(N "pool", NULL, 0, st, sizeof(st)) ? atoll(st) : -1;
}

static int run(struct dm_tree *t, int preload, int suspend)
{
	struct dm_tree_node *root = dm_tree_find_node(t, 0, 0);

	return root && (!preload || dm_tree_preload_children(root, P, strlen(P)))
		&& (!suspend || dm_tree_suspend_children(root, P, strlen(P)))
		&& dm_tree_activate_children(root, P, strlen(P));
}

/* Activates thin volume WHAT with device id ID of the pool. */
static int thin_volume(const char *what, uint32_t id)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_tree_node *n;
	int ok;

	add_existing(t, N "pool");
	ok = (n = node(t, what)) && dm_tree_node_add_thin_target(n, VOL, P "pool", id) && run(t, 1, 0);
	dm_tree_free(t);
	return ok;
}

/* A suspend tree as lvcreate -s builds one: the origin, and the pool node
 * (found through the origin's dependencies) with the thin-pool table for
 * transaction TID and the messages create_snap SNAP of ORIGIN and
 * set_transaction_id TID-1 -> TID. */
static struct dm_tree *snap_tree(uint64_t tid_new, uint32_t snap, uint32_t origin)
{
	struct dm_tree *t = dm_tree_create();
	struct dm_tree_node *pool;

	add_existing(t, N "thin1");
	if (!(pool = node_of(t, N "pool")) || !pool_table(pool, tid_new)
	    || !dm_tree_node_add_thin_pool_message(pool, DM_THIN_MESSAGE_CREATE_SNAP, snap, origin)
	    || !dm_tree_node_add_thin_pool_message(pool, DM_THIN_MESSAGE_SET_TRANSACTION_ID, tid_new - 1, tid_new)) {
		printf("# could not build the snapshot tree\n");
		dm_tree_free(t);
		return NULL;
	}
	return t;
}

static int suspended(const char *name)
{
	return info_of(name).suspended;
}

static int none_suspended(void)
{
	const char *names[] = { N "tmeta", N "tdata", N "pool", N "thin1", N "thin2", NULL };
	int i;

	for (i = 0; names[i]; i++)
		if (info_of(names[i]).exists && suspended(names[i]))
			return 0;
	return 1;
}

static void *writer(void *arg)
{
	char path[64];
	void *buf;
	int fd;
	long i = 0;

	(void) arg;
	dev_path(N "thin2", path, sizeof(path));
	if ((fd = open(path, O_WRONLY | O_DIRECT)) < 0 || posix_memalign(&buf, 4096, 4096))
		return NULL;
	while (!stop) {
		memset(buf, (int) (i & 0xff), 4096);
		if (pwrite(fd, buf, 4096, (off_t) ((i * 7) % (BYTES / 4096)) * 4096) == 4096)
			writes++;
		else
			write_errors++;
		i++;
	}
	free(buf);
	close(fd);
	return NULL;
}

/* Whether the writer completes at least 3 more writes within 10 s. */
static int writer_progresses(void)
{
	long before = writes;
	int i;

	for (i = 0; i < 1000 && writes < before + 3; i++)
		usleep(10000);
	return writes >= before + 3;
}

int main(int argc, char **argv)
{
	unsigned char *a = pattern(BYTES, 20), *b = pattern(BYTES, 21), *c = pattern(BYTES, 22);
	int traced = getenv("DM_TRACE") != NULL;
	struct dm_tree *t;
	struct dm_tree_node *n, *root;
	pthread_t th;
	long long id0, id1;
	long mark;
	char dev[24];

	if (getenv("DMRS_VERBOSE"))
		dm_log_init_verbose(atoi(getenv("DMRS_VERBOSE")));

	if (argc != 3) {
		fprintf(stderr, "usage: %s LOOP_META LOOP_DATA\n", argv[0]);
		return 2;
	}
	loops = argv + 1;

	/* the pool */
	t = dm_tree_create();
	CHECK((n = node(t, "tmeta")) && dm_tree_node_add_linear_target(n, META) && dm_tree_node_add_target_area(n, loops[0], NULL, 0)
	      && (n = node(t, "tdata")) && dm_tree_node_add_linear_target(n, DATA) && dm_tree_node_add_target_area(n, loops[1], NULL, 0),
	      "tmeta and tdata described");
	CHECK(run(t, 1, 0), "tmeta and tdata activated");
	dm_tree_free(t);
	{
		unsigned char *zero = calloc(1, 1 << 20);
		CHECK(zero && dev_io(N "tmeta", 1, zero, 1 << 20, 0), "the metadata device zeroed");
		free(zero);
	}
	t = dm_tree_create();
	add_existing(t, N "tmeta");
	add_existing(t, N "tdata");
	CHECK((n = node(t, "pool")) && pool_table(n, 0), "pool described (transaction 0)");
	CHECK(run(t, 1, 0), "pool activated");
	dm_tree_free(t);
	CHECK(tid() == 0, "a new pool is at transaction 0");

	/* two thin volumes: create_thin messages sent at suspend */
	t = dm_tree_create();
	add_existing(t, N "pool");
	CHECK((n = node(t, "pool")) && pool_table(n, 1)
	      && dm_tree_node_add_thin_pool_message(n, DM_THIN_MESSAGE_CREATE_THIN, 1, 0)
	      && dm_tree_node_add_thin_pool_message(n, DM_THIN_MESSAGE_CREATE_THIN, 2, 0)
	      && dm_tree_node_add_thin_pool_message(n, DM_THIN_MESSAGE_SET_TRANSACTION_ID, 0, 1),
	      "pool node with create_thin 1, create_thin 2, set_transaction_id 0 1");
	CHECK(run(t, 1, 1), "the messages sent (preload, suspend, activate)");
	dm_tree_free(t);
	CHECK(tid() == 1, "the pool is at transaction 1");
	CHECK(thin_volume("thin1", 1) && thin_volume("thin2", 2), "thin volumes 1 and 2 activated");
	CHECK(dev_io(N "thin1", 1, a, BYTES, 0), "data A written to thin1");
	CHECK(pthread_create(&th, NULL, writer, NULL) == 0 && writer_progresses(), "a writer runs on thin2");

	/* the snapshot */
	id0 = tid();
	CHECK(dev_holds(N "thin1", a, BYTES), "thin1 holds A before the snapshot");
	t = snap_tree(id0 + 1, 3, 1);
	CHECK(t != NULL, "suspend tree: thin1, and its pool with create_snap 3 of 1 and the next transaction id");
	root = t ? dm_tree_find_node(t, 0, 0) : NULL;
	mark = trace_mark();
	CHECK(root && dm_tree_suspend_children(root, P, strlen(P)), "suspend_children");
	CHECK(suspended(N "thin1"), "thin1 is suspended");
	CHECK(!suspended(N "pool") && !suspended(N "tmeta") && !suspended(N "tdata"),
	      "the pool, tmeta and tdata are not suspended");
	CHECK(writer_progresses(), "the writer on thin2 keeps completing writes while thin1 is suspended");
	CHECK(tid() == id0 + 1, "the messages are in the kernel before the origin resumes");
	CHECK(root && dm_tree_activate_children(root, P, strlen(P)), "activate_children");
	dm_tree_free(t);
	id1 = tid();
	printf("# transaction id %lld -> %lld\n", id0, id1);
	CHECK(id1 == id0 + 1, "the transaction id rose by exactly one");
	CHECK(none_suspended(), "nothing left suspended");
	if (traced) {
		struct trace tr = trace_since(mark);
		char pdev[24], mdev[24], ddev[24];
		int s = trace_find(&tr, T_SUSPEND, N "thin1", dev_no(N "thin1", dev, sizeof(dev)));
		int r = trace_find(&tr, T_RESUME, N "thin1", dev);
		int m = trace_find(&tr, T_MESSAGE, N "pool", dev_no(N "pool", pdev, sizeof(pdev)));
		int mc = trace_count(&tr, T_MESSAGE, N "pool", pdev);
		int ps = trace_count(&tr, T_SUSPEND, N "pool", pdev) + trace_count(&tr, T_SUSPEND, N "tmeta", dev_no(N "tmeta", mdev, sizeof(mdev)))
			+ trace_count(&tr, T_SUSPEND, N "tdata", dev_no(N "tdata", ddev, sizeof(ddev)));

		CHECK(s >= 0 && m > s && r > m, "trace: the pool's messages come after thin1's SUSPEND and before its RESUME");
		CHECK(mc == 2, "trace: two messages (create_snap, set_transaction_id)");
		CHECK(ps == 0, "trace: the pool, tmeta and tdata are never suspended");
		if (!(s >= 0 && m > s && r > m) || mc != 2 || ps)
			trace_print(&tr);
		free(tr.e);
	}
	CHECK(writer_progresses(), "the writer still runs");
	CHECK(dev_io(N "thin1", 1, b, BYTES, 0), "data B written to thin1 after the snapshot");
	CHECK(thin_volume("snap3", 3), "the snapshot (device 3) activated");
	CHECK(dev_holds(N "snap3", a, BYTES), "the snapshot holds A, thin1's content at the moment of suspend");
	CHECK(dev_holds(N "thin1", b, BYTES), "thin1 holds B");

	/* an interrupted transaction: built for id1 + 1 (create_snap 4 of 1), never run */
	t = snap_tree(id1 + 1, 4, 1);
	CHECK(t != NULL, "interrupted: the pool node says the next transaction, the tool stops before suspending");
	dm_tree_free(t);
	CHECK(tid() == id1, "the kernel is still at the previous transaction");
	t = snap_tree(id1 + 1, 4, 1);
	mark = trace_mark();
	CHECK(t && run(t, 0, 1), "the next run of the same transaction: suspend, activate");
	dm_tree_free(t);
	CHECK(tid() == id1 + 1, "it completed: the transaction id rose by one");
	if (traced) {
		struct trace tr = trace_since(mark);
		CHECK(trace_count(&tr, T_MESSAGE, N "pool", dev_no(N "pool", dev, sizeof(dev))) == 2, "trace: its two messages sent once");
		free(tr.e);
	}
	CHECK(thin_volume("snap4", 4) && dev_holds(N "snap4", b, BYTES), "snapshot 4 holds thin1's content (B)");

	/* the same transaction run once more: the kernel has it, nothing is sent */
	t = snap_tree(id1 + 1, 4, 1);
	mark = trace_mark();
	CHECK(t && run(t, 0, 1), "the completed transaction run again succeeds (a second create_snap 4 would fail)");
	dm_tree_free(t);
	CHECK(tid() == id1 + 1, "the transaction id did not move");
	CHECK(none_suspended(), "nothing left suspended");
	if (traced) {
		struct trace tr = trace_since(mark);
		CHECK(trace_count(&tr, T_MESSAGE, N "pool", dev_no(N "pool", dev, sizeof(dev))) == 0, "trace: no message sent");
		free(tr.e);
	}

	/* a message the kernel refuses: create_snap 5 of a device that does not exist */
	t = snap_tree(id1 + 2, 5, 77);
	root = t ? dm_tree_find_node(t, 0, 0) : NULL;
	CHECK(root && !dm_tree_suspend_children(root, P, strlen(P)), "a refused message fails suspend_children");
	CHECK(root && dm_tree_activate_children(root, P, strlen(P)), "the caller's recovery: activate_children");
	dm_tree_free(t);
	CHECK(none_suspended(), "after the recovery nothing is suspended");
	CHECK(tid() == id1 + 1, "the transaction id did not move");

	/* a pool node two transactions ahead of the kernel is refused */
	t = snap_tree(id1 + 3, 5, 1);
	root = t ? dm_tree_find_node(t, 0, 0) : NULL;
	mark = trace_mark();
	CHECK(root && !dm_tree_suspend_children(root, P, strlen(P)), "an id two ahead of the kernel fails suspend_children");
	CHECK(root && dm_tree_activate_children(root, P, strlen(P)), "the caller's recovery: activate_children");
	dm_tree_free(t);
	CHECK(none_suspended() && tid() == id1 + 1, "nothing suspended, the id unchanged");
	if (traced) {
		struct trace tr = trace_since(mark);
		CHECK(trace_count(&tr, T_MESSAGE, N "pool", dev_no(N "pool", dev, sizeof(dev))) == 0, "trace: no message sent");
		free(tr.e);
	}

	stop = 1;
	pthread_join(th, NULL);
	printf("# writer: %ld writes, %ld errors\n", writes, write_errors);
	CHECK(write_errors == 0, "the writer saw no error");
	CHECK(dev_io(N "thin2", 1, c, BYTES, 0) && dev_holds(N "thin2", c, BYTES), "thin2 reads back what was written");

	/* teardown */
	t = dm_tree_create();
	add_existing(t, N "snap3");
	add_existing(t, N "snap4");
	add_existing(t, N "thin1");
	add_existing(t, N "thin2");
	add_existing(t, N "pool");
	root = dm_tree_find_node(t, 0, 0);
	CHECK(dm_tree_deactivate_children(root, P, strlen(P)), "deactivate");
	CHECK(!info_of(N "pool").exists && !info_of(N "thin1").exists && !info_of(N "snap3").exists
	      && !info_of(N "tmeta").exists && !info_of(N "tdata").exists, "no device left");
	dm_tree_free(t);
	free(a); free(b); free(c);
	return DONE();
}
