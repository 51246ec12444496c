/* Pools, hash tables, lists and bitsets through the C ABI: every function,
 * the header's macros over them (dm_list_iterate_items, dm_bit*,
 * dm_hash_iterate), and NULL or bad arguments, which must be logged errors
 * and failure values, never crashes. */
#include <libdevmapper.h>
#include <stdint.h>
#include <stdlib.h>
#include "../check.h"

/* Exported only at this old version (as by Debian's C library): the
 * three-argument prototype in the header has no symbol to link to. */
dm_bitset_t dm_bitset_parse_list_old(const char *str, struct dm_pool *mem);
__asm__(".symver dm_bitset_parse_list_old,dm_bitset_parse_list@DM_1_02_129");

static int errors;
static char last[512];

__attribute__((format(printf, 5, 6)))
static void capture(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;

	(void) file; (void) line; (void) dm_errno;
	if ((level & 7) > 3)
		return;
	va_start(ap, f);
	vsnprintf(last, sizeof(last), f, ap);
	va_end(ap);
	errors++;
}

/* The call fails (expression false) and logs an error. */
#define REFUSED(call, name) do { \
	int before = errors; \
	CHECK(!(call) && errors > before, name); \
} while (0)

/* A void call logs an error. */
#define LOGS(call, name) do { \
	int before = errors; \
	call; \
	CHECK(errors > before, name); \
} while (0)

struct item {
	int value;
	struct dm_list list;
};

static int list_values(struct dm_list *head, int *out, int max)
{
	struct item *it;
	int n = 0;

	dm_list_iterate_items(it, head)
		if (n < max)
			out[n++] = it->value;
	return n;
}

static void lists(void)
{
	struct item it[6];
	struct item *v, *t;
	struct dm_list a, b, zero = { NULL, NULL };
	struct dm_list *l;
	int vals[8], n, i, sum = 0;

	for (i = 0; i < 6; i++)
		it[i].value = i;
	dm_list_init(&a);
	dm_list_init(&b);
	CHECK(dm_list_empty(&a) && dm_list_size(&a) == 0, "dm_list_init: empty");
	CHECK(!dm_list_first(&a) && !dm_list_last(&a), "dm_list_first/last: NULL on an empty list");
	dm_list_add(&a, &it[1].list);
	dm_list_add(&a, &it[2].list);
	dm_list_add_h(&a, &it[0].list);
	n = list_values(&a, vals, 8);
	CHECK(n == 3 && vals[0] == 0 && vals[1] == 1 && vals[2] == 2, "dm_list_add appends, dm_list_add_h prepends");
	CHECK(dm_list_size(&a) == 3 && !dm_list_empty(&a), "dm_list_size");
	CHECK(dm_list_first(&a) == &it[0].list && dm_list_last(&a) == &it[2].list, "dm_list_first/last");
	CHECK(dm_list_start(&a, &it[0].list) && !dm_list_start(&a, &it[1].list), "dm_list_start");
	CHECK(dm_list_end(&a, &it[2].list) && !dm_list_end(&a, &it[1].list), "dm_list_end");
	CHECK(dm_list_next(&a, &it[0].list) == &it[1].list && !dm_list_next(&a, &it[2].list), "dm_list_next");
	CHECK(dm_list_prev(&a, &it[2].list) == &it[1].list && !dm_list_prev(&a, &it[0].list), "dm_list_prev");
	dm_list_iterate_back_items(v, &a)
		sum = sum * 10 + v->value;
	CHECK(sum == 210, "dm_list_iterate_back_items walks backwards");
	dm_list_del(&it[1].list);
	n = list_values(&a, vals, 8);
	CHECK(n == 2 && vals[0] == 0 && vals[1] == 2, "dm_list_del");
	dm_list_add(&b, &it[3].list);
	dm_list_add(&b, &it[4].list);
	dm_list_move(&b, &it[0].list);
	n = list_values(&b, vals, 8);
	CHECK(n == 3 && vals[2] == 0 && dm_list_size(&a) == 1, "dm_list_move");
	dm_list_splice(&a, &b);
	n = list_values(&a, vals, 8);
	CHECK(n == 4 && vals[0] == 2 && vals[1] == 3 && vals[2] == 4 && vals[3] == 0 && dm_list_empty(&b),
	      "dm_list_splice appends and empties the second list");
	dm_list_iterate_items_safe(v, t, &a)
		if (v->value % 2)
			dm_list_del(&v->list);
	CHECK(dm_list_size(&a) == 3, "dm_list_iterate_items_safe allows deletion");
	n = 0;
	dm_list_iterate(l, &a)
		n++;
	CHECK(n == 3, "dm_list_iterate");

	LOGS(dm_list_init(NULL), "dm_list_init(NULL) is a logged error");
	LOGS(dm_list_add(NULL, &it[5].list), "dm_list_add(NULL, e) is a logged error");
	LOGS(dm_list_add(&zero, &it[5].list), "dm_list_add on an uninitialised head is a logged error");
	CHECK(zero.n == NULL, "... and leaves the head alone");
	LOGS(dm_list_del(NULL), "dm_list_del(NULL) is a logged error");
	LOGS(dm_list_splice(&a, NULL), "dm_list_splice(h, NULL) is a logged error");
	REFUSED(dm_list_size(NULL), "dm_list_size(NULL)");
	REFUSED(dm_list_first(NULL), "dm_list_first(NULL)");
	REFUSED(dm_list_next(&a, NULL), "dm_list_next(h, NULL)");
	REFUSED(dm_list_empty(NULL), "dm_list_empty(NULL)");
}

static void pools(void)
{
	struct dm_pool *p = dm_pool_create("ctest", 0);
	char *s, *n, *o, *z;
	void *a, *b, *c;
	int i, zero = 1;
	char buf[16];

	CHECK(p != NULL, "dm_pool_create");
	s = dm_pool_strdup(p, "hello");
	n = dm_pool_strndup(p, "hello", 3);
	CHECK(s && !strcmp(s, "hello"), "dm_pool_strdup");
	CHECK(n && !strcmp(n, "hel") && !strcmp(dm_pool_strndup(p, "hi", 9), "hi"), "dm_pool_strndup");
	z = dm_pool_zalloc(p, 64);
	for (i = 0; z && i < 64; i++)
		zero &= !z[i];
	CHECK(z && zero, "dm_pool_zalloc");
	a = dm_pool_alloc(p, 10);
	CHECK(a && !((uintptr_t) a % 8), "dm_pool_alloc is 8-aligned");
	b = dm_pool_alloc_aligned(p, 10, 256);
	CHECK(b && !((uintptr_t) b % 256), "dm_pool_alloc_aligned");
	c = dm_pool_alloc(p, 10);
	dm_pool_free(p, b);
	CHECK(dm_pool_alloc_aligned(p, 10, 256) == b, "dm_pool_free releases the object and what follows");
	(void) c;

	CHECK(dm_pool_begin_object(p, 4), "dm_pool_begin_object");
	for (i = 0; i < 400; i++) {
		snprintf(buf, sizeof(buf), "%d,", i % 10);
		if (!dm_pool_grow_object(p, buf, 0))
			break;
	}
	CHECK(i == 400 && dm_pool_grow_object(p, "\0", 1), "dm_pool_grow_object (strlen with delta 0) across chunks");
	o = dm_pool_end_object(p);
	CHECK(o && strlen(o) == 800 && !strncmp(o, "0,1,2,", 6) && !strcmp(o + 794, "7,8,9,"), "dm_pool_end_object");
	CHECK(dm_pool_begin_object(p, 4) && dm_pool_grow_object(p, "xy", 2), "a second object");
	dm_pool_abandon_object(p);
	REFUSED(dm_pool_end_object(p), "dm_pool_end_object after dm_pool_abandon_object");
	CHECK(!strcmp(s, "hello") && !strcmp(n, "hel"), "earlier allocations stay put");

	CHECK(!dm_pool_locked(p), "dm_pool_locked: not locked");
	CHECK(dm_pool_lock(p, 1) && dm_pool_locked(p), "dm_pool_lock");
	REFUSED(dm_pool_lock(p, 1), "dm_pool_lock on a locked pool");
	CHECK(strstr(last, "already locked") != NULL, "... says it is already locked");
	CHECK(dm_pool_unlock(p, 1) && !dm_pool_locked(p), "dm_pool_unlock with an unchanged crc");
	REFUSED(dm_pool_unlock(p, 1), "dm_pool_unlock on an unlocked pool");
	CHECK(dm_pool_lock(p, 1), "lock again");
	s[0] = 'j';
	REFUSED(dm_pool_unlock(p, 1), "dm_pool_unlock notices a write to a locked pool");
	CHECK(strstr(last, "crc mismatch") != NULL && !dm_pool_locked(p), "... as a crc mismatch, and unlocks");
	CHECK(dm_pool_lock(p, 0) && dm_pool_unlock(p, 0), "lock/unlock without crc");

	dm_pool_empty(p);
	CHECK(dm_pool_strdup(p, "again") != NULL, "dm_pool_empty: the pool stays usable");
	LOGS(dm_pool_free(p, buf), "dm_pool_free of a pointer not in the pool is a logged error");
	REFUSED(dm_pool_alloc_aligned(p, 8, 3), "an alignment that is no power of 2 is refused");
	dm_pool_destroy(p);
	dm_pool_destroy(NULL);

	REFUSED(dm_pool_alloc(NULL, 8), "dm_pool_alloc(NULL)");
	REFUSED(dm_pool_zalloc(NULL, 8), "dm_pool_zalloc(NULL)");
	REFUSED(dm_pool_strdup(NULL, "x"), "dm_pool_strdup(NULL, s)");
	REFUSED(dm_pool_strndup(NULL, "x", 1), "dm_pool_strndup(NULL, s, n)");
	REFUSED(dm_pool_begin_object(NULL, 1), "dm_pool_begin_object(NULL)");
	REFUSED(dm_pool_grow_object(NULL, "x", 1), "dm_pool_grow_object(NULL)");
	REFUSED(dm_pool_end_object(NULL), "dm_pool_end_object(NULL)");
	REFUSED(dm_pool_lock(NULL, 1), "dm_pool_lock(NULL)");
	REFUSED(dm_pool_unlock(NULL, 1), "dm_pool_unlock(NULL)");
	REFUSED(dm_pool_locked(NULL), "dm_pool_locked(NULL)");
	LOGS(dm_pool_empty(NULL), "dm_pool_empty(NULL) is a logged error");
	LOGS(dm_pool_free(NULL, buf), "dm_pool_free(NULL, p) is a logged error");
	LOGS(dm_pool_abandon_object(NULL), "dm_pool_abandon_object(NULL) is a logged error");
	p = dm_pool_create(NULL, 0);
	REFUSED(dm_pool_strdup(p, NULL), "dm_pool_strdup(p, NULL)");
	REFUSED(dm_pool_grow_object(p, NULL, 0), "dm_pool_grow_object(p, NULL, 0)");
	dm_pool_destroy(p);
}

static int iter_calls;
static void count_data(void *data)
{
	if (data)
		iter_calls++;
}

static void hashes(void)
{
	struct dm_hash_table *t = dm_hash_create(16);
	struct dm_hash_node *n;
	static const char bin[] = { 1, 0, 2 };
	int count = -1, seen = 0, ok = 1;
	char key[16];
	int i;

	CHECK(t && dm_hash_get_num_entries(t) == 0 && !dm_hash_get_first(t), "dm_hash_create: empty");
	CHECK(dm_hash_insert(t, "a", "A") && dm_hash_insert(t, "b", "B") && dm_hash_insert(t, "a", "A2"), "dm_hash_insert");
	CHECK(dm_hash_get_num_entries(t) == 2 && !strcmp(dm_hash_lookup(t, "a"), "A2"), "dm_hash_insert replaces");
	CHECK(!dm_hash_lookup(t, "c"), "dm_hash_lookup of a missing key");
	dm_hash_remove(t, "b");
	CHECK(!dm_hash_lookup(t, "b") && dm_hash_get_num_entries(t) == 1, "dm_hash_remove");
	CHECK(dm_hash_insert_binary(t, bin, 3, "BIN") && !strcmp(dm_hash_lookup_binary(t, bin, 3), "BIN"),
	      "dm_hash_insert_binary / dm_hash_lookup_binary");
	CHECK(!dm_hash_lookup_binary(t, bin, 2), "binary keys compare their length");
	CHECK(!strcmp(dm_hash_lookup_binary(t, "a", 2), "A2"), "a string key is its bytes with the NUL");
	dm_hash_remove_binary(t, bin, 3);
	CHECK(!dm_hash_lookup_binary(t, bin, 3), "dm_hash_remove_binary");

	CHECK(dm_hash_insert_allow_multiple(t, "m", "v1", 3) && dm_hash_insert_allow_multiple(t, "m", "v2", 3),
	      "dm_hash_insert_allow_multiple");
	CHECK(!strcmp(dm_hash_lookup_with_count(t, "m", &count), "v2") && count == 2, "dm_hash_lookup_with_count");
	CHECK(!strcmp(dm_hash_lookup_with_val(t, "m", "v1", 3), "v1") && !dm_hash_lookup_with_val(t, "m", "v9", 3),
	      "dm_hash_lookup_with_val");
	dm_hash_remove_with_val(t, "m", "v2", 3);
	CHECK(!strcmp(dm_hash_lookup_with_count(t, "m", &count), "v1") && count == 1, "dm_hash_remove_with_val");
	CHECK(!dm_hash_lookup_with_count(t, "none", &count) && count == 0, "dm_hash_lookup_with_count of a missing key");

	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ok &= dm_hash_insert(t, key, (void *) (intptr_t) (i + 1));
	}
	CHECK(ok && dm_hash_get_num_entries(t) == 102, "100 more keys");
	dm_hash_iterate(n, t) {
		const char *k = dm_hash_get_key(t, n);
		void *d = dm_hash_get_data(t, n);
		if (k[0] == 'k' && (intptr_t) d == atoi(k + 1) + 1)
			seen++;
	}
	CHECK(seen == 100, "dm_hash_iterate / dm_hash_get_key / dm_hash_get_data");
	dm_hash_iter(t, count_data);
	CHECK(iter_calls == 102, "dm_hash_iter calls the function for each entry");
	n = dm_hash_get_first(t);
	snprintf(key, sizeof(key), "%s", dm_hash_get_key(t, n));
	dm_hash_remove(t, key);
	REFUSED(dm_hash_get_next(t, n), "dm_hash_get_next of a removed node is a logged error");
	REFUSED(dm_hash_get_key(t, n), "dm_hash_get_key of a removed node is a logged error");
	dm_hash_wipe(t);
	CHECK(dm_hash_get_num_entries(t) == 0 && !dm_hash_get_first(t), "dm_hash_wipe");
	CHECK(dm_hash_insert(t, "after", "wipe") && !strcmp(dm_hash_lookup(t, "after"), "wipe"), "usable after wipe");

	REFUSED(dm_hash_insert(NULL, "a", "b"), "dm_hash_insert(NULL, ...)");
	REFUSED(dm_hash_insert(t, NULL, "b"), "dm_hash_insert(t, NULL, ...)");
	REFUSED(dm_hash_lookup(NULL, "a"), "dm_hash_lookup(NULL, ...)");
	REFUSED(dm_hash_lookup_binary(t, NULL, 3), "dm_hash_lookup_binary(t, NULL, 3)");
	REFUSED(dm_hash_insert_binary(NULL, bin, 3, NULL), "dm_hash_insert_binary(NULL, ...)");
	REFUSED(dm_hash_get_num_entries(NULL), "dm_hash_get_num_entries(NULL)");
	REFUSED(dm_hash_get_first(NULL), "dm_hash_get_first(NULL)");
	REFUSED(dm_hash_get_data(t, NULL), "dm_hash_get_data(t, NULL)");
	REFUSED(dm_hash_lookup_with_count(t, "a", NULL), "dm_hash_lookup_with_count(t, k, NULL)");
	REFUSED(dm_hash_lookup_with_val(t, "a", NULL, 4), "dm_hash_lookup_with_val with a NULL value");
	REFUSED(dm_hash_insert_allow_multiple(NULL, "a", "b", 1), "dm_hash_insert_allow_multiple(NULL, ...)");
	LOGS(dm_hash_remove(NULL, "a"), "dm_hash_remove(NULL, k) is a logged error");
	LOGS(dm_hash_remove_binary(t, NULL, 1), "dm_hash_remove_binary(t, NULL, n) is a logged error");
	LOGS(dm_hash_remove_with_val(t, NULL, "x", 1), "dm_hash_remove_with_val(t, NULL, ...) is a logged error");
	LOGS(dm_hash_iter(t, NULL), "dm_hash_iter(t, NULL) is a logged error");
	LOGS(dm_hash_wipe(NULL), "dm_hash_wipe(NULL) is a logged error");
	dm_hash_destroy(t);
	dm_hash_destroy(NULL);
}

static void bitsets(void)
{
	struct dm_pool *mem = dm_pool_create("bits", 0);
	dm_bitset_t a = dm_bitset_create(NULL, 100);
	dm_bitset_t b = dm_bitset_create(mem, 100);
	dm_bitset_t c, l;
	int i, walk[8], n = 0;

	CHECK(a && a[0] == 100 && !a[1] && !a[4], "dm_bitset_create (malloc): count word and zeroed words");
	CHECK(b && b[0] == 100, "dm_bitset_create (pool)");
	CHECK(dm_bit_get_first(a) == -1 && dm_bit_get_last(a) == -1, "an empty bitset has no first or last bit");
	dm_bit_set(a, 3);
	dm_bit_set(a, 40);
	dm_bit_set(a, 99);
	CHECK(dm_bit(a, 40) && !dm_bit(a, 41) && a[2] == 1u << 8, "dm_bit_set / dm_bit in the header's layout");
	for (i = dm_bit_get_first(a); i >= 0 && n < 8; i = dm_bit_get_next(a, i))
		walk[n++] = i;
	CHECK(n == 3 && walk[0] == 3 && walk[1] == 40 && walk[2] == 99, "dm_bit_get_first / dm_bit_get_next");
	CHECK(dm_bit_get_last(a) == 99 && dm_bit_get_prev(a, 99) == 40 && dm_bit_get_prev(a, 3) == -1,
	      "dm_bit_get_last / dm_bit_get_prev");
	dm_bit_set(b, 40);
	dm_bit_set(b, 50);
	c = dm_bitset_create(NULL, 100);
	dm_bit_and(c, a, b);
	CHECK(dm_bit_get_first(c) == 40 && dm_bit_get_next(c, 40) == -1, "dm_bit_and");
	dm_bit_union(c, a, b);
	CHECK(dm_bit(c, 3) && dm_bit(c, 50) && dm_bit(c, 99), "dm_bit_union");
	CHECK(!dm_bitset_equal(a, c), "dm_bitset_equal: different");
	dm_bit_copy(a, c);
	CHECK(dm_bitset_equal(a, c), "dm_bitset_equal after dm_bit_copy");
	dm_bit_clear(a, 50);
	CHECK(!dm_bit(a, 50), "dm_bit_clear");
	dm_bit_clear_all(a);
	CHECK(dm_bit_get_first(a) == -1, "dm_bit_clear_all");
	dm_bit_set_all(a);
	CHECK(dm_bit_get_first(a) == 0 && dm_bit_get_next(a, 98) == 99 && dm_bit_get_next(a, 99) == -1, "dm_bit_set_all");

	l = dm_bitset_parse_list_old("1,3-5, 64 ,", mem);
	CHECK(l && l[0] == 65 && dm_bit(l, 1) && dm_bit(l, 4) && dm_bit(l, 64) && !dm_bit(l, 2),
	      "dm_bitset_parse_list@DM_1_02_129: values, ranges, spaces, trailing comma");
	l = dm_bitset_parse_list_old("", NULL);
	CHECK(l && l[0] == 0 && dm_bit_get_first(l) == -1, "an empty list is an empty bitset");
	dm_bitset_destroy(l);
	CHECK(!dm_bitset_parse_list_old("3-1", NULL) && !dm_bitset_parse_list_old("1 2", NULL) &&
	      !dm_bitset_parse_list_old("x", mem) && !dm_bitset_parse_list_old("1-", NULL),
	      "malformed lists are refused");
	REFUSED(dm_bitset_parse_list_old(NULL, NULL), "dm_bitset_parse_list(NULL)");
	REFUSED(dm_bit_get_first(NULL) != -1, "dm_bit_get_first(NULL) is -1");
	REFUSED(dm_bit_get_next(NULL, 0) != -1, "dm_bit_get_next(NULL) is -1");
	REFUSED(dm_bit_get_last(NULL) != -1, "dm_bit_get_last(NULL) is -1");
	REFUSED(dm_bit_get_prev(NULL, 5) != -1, "dm_bit_get_prev(NULL) is -1");
	REFUSED(dm_bitset_equal(a, NULL), "dm_bitset_equal(a, NULL)");
	LOGS(dm_bit_and(NULL, a, b), "dm_bit_and(NULL, ...) is a logged error");
	LOGS(dm_bit_union(c, NULL, b), "dm_bit_union(c, NULL, b) is a logged error");
	dm_bitset_destroy(a);
	dm_bitset_destroy(c);
	dm_bitset_destroy(NULL);
	dm_pool_destroy(mem);
}

int main(void)
{
	dm_log_with_errno_init(capture);
	lists();
	pools();
	hashes();
	bitsets();
	return DONE();
}
