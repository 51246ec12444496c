/* Differential probe of the pool, hash, list and bitset functions: prints
 * one line per observation, with nothing that depends on addresses or on a
 * library's hash function (hash contents are printed sorted). Built once
 * against Debian's libdevmapper and once against this library by
 * run-pool-hash.sh, which diffs the two outputs.
 *
 * Only defined behaviour is exercised (no NULLs, no out-of-range bits),
 * since the C library crashes or reads out of bounds on those. */
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian's library (like this one, whose ABI lists follow it) exports
 * dm_bitset_parse_list only at the old version DM_1_02_129, without
 * min_num_bits; the header's three-argument prototype has no symbol to link
 * to. Bind a name of our own to that version. */
dm_bitset_t dm_bitset_parse_list_old(const char *str, struct dm_pool *mem);
__asm__(".symver dm_bitset_parse_list_old,dm_bitset_parse_list@DM_1_02_129");

/* Error-level messages are part of the output; debug chatter is not. */
__attribute__((format(printf, 5, 6)))
static void capture(int level, const char *file, int line, int dm_errno, const char *f, ...)
{
	va_list ap;

	(void) file; (void) line; (void) dm_errno;
	if ((level & 7) > 3)
		return;
	va_start(ap, f);
	printf("  log[%d]: ", level & 7);
	vprintf(f, ap);
	printf("\n");
	va_end(ap);
}

/* ---- bitsets ---------------------------------------------------------- */

static void print_bitset(const char *what, dm_bitset_t bs)
{
	unsigned i, words;
	int b;

	if (!bs) {
		printf("%s: NULL\n", what);
		return;
	}
	words = bs[0] / DM_BITS_PER_INT + 1;
	printf("%s: nbits=%u words=", what, bs[0]);
	for (i = 1; i <= words; i++)
		printf("%s%08x", i > 1 ? "," : "", bs[i]);
	printf(" set=");
	for (b = dm_bit_get_first(bs); b >= 0; b = dm_bit_get_next(bs, b))
		printf("%d ", b);
	printf("last=%d rev=", dm_bit_get_last(bs));
	for (b = dm_bit_get_last(bs); b >= 0; b = dm_bit_get_prev(bs, b))
		printf("%d ", b);
	printf("\n");
}

static const char *const lists[] = {
	"", "0", "1", "31", "32", "33", "63", "64", "65", "100", "1,2,3", "0-3,8",
	"1-1", "5-5", "0-31", "0-32", "30-34", "1,3,5-9,100", " 1 , 2-3 ,", "1,,2",
	",", ",,", "1,", ",1", "  7", "7  ", "\t4\n", "1,2,3,4,5,6,7,8,9,10",
	"200-210,3", "0-99", "12,12,12", "3-7,5-9", "1000",
	/* malformed */
	"-", "-1", "1-", "1--2", "1-2-3", "3-1", "a", "1a", "a1", "1 2", "1 -2",
	"1- 2", "1 - 2", "1,x", "1.5", "1;2", "+1", "0x10", "1,-", "--", " - ",
	"1,2-", "9-8,1", "1 ,2 3",
};

static void bitsets(void)
{
	static const unsigned sizes[] = { 0, 1, 31, 32, 33, 63, 64, 65, 100, 200 };
	struct dm_pool *mem = dm_pool_create("bitset", 0);
	dm_bitset_t a, b, c, p;
	unsigned i, s;
	char label[128];
	int from;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		snprintf(label, sizeof(label), "parse \"%s\" pool", lists[i]);
		print_bitset(label, dm_bitset_parse_list_old(lists[i], mem));
		snprintf(label, sizeof(label), "parse_v1_02_129 \"%s\"", lists[i]);
		p = dm_bitset_parse_list_old(lists[i], NULL);
		print_bitset(label, p);
		dm_bitset_destroy(p);
	}

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		s = sizes[i];
		a = dm_bitset_create(NULL, s);
		b = dm_bitset_create(mem, s);
		c = dm_bitset_create(NULL, s);
		snprintf(label, sizeof(label), "create %u", s);
		print_bitset(label, a);
		printf("equal empty %u: %d\n", s, dm_bitset_equal(a, b));
		if (s) {
			dm_bit_set(a, 0);
			dm_bit_set(a, s - 1);
			dm_bit_set(a, s / 2);
			dm_bit_set(b, s / 2);
			dm_bit_set(b, s / 3);
		}
		snprintf(label, sizeof(label), "a %u", s);
		print_bitset(label, a);
		snprintf(label, sizeof(label), "b %u", s);
		print_bitset(label, b);
		printf("equal a b %u: %d\n", s, dm_bitset_equal(a, b));
		dm_bit_and(c, a, b);
		snprintf(label, sizeof(label), "and %u", s);
		print_bitset(label, c);
		dm_bit_union(c, a, b);
		snprintf(label, sizeof(label), "union %u", s);
		print_bitset(label, c);
		/* In place, as callers do. */
		dm_bit_and(a, a, b);
		snprintf(label, sizeof(label), "a&=b %u", s);
		print_bitset(label, a);
		printf("equal a&b b %u: %d\n", s, dm_bitset_equal(a, b));
		dm_bit_union(a, a, c);
		printf("equal a|c c %u: %d\n", s, dm_bitset_equal(a, c));
		for (from = -5; from <= (int) s + 1; from += (s > 40 ? 7 : 1))
			printf("  %u next(%d)=%d prev(%d)=%d\n", s, from, dm_bit_get_next(c, from),
			       from, from >= 0 && from <= (int) s + 1 ? dm_bit_get_prev(c, from) : -2);
		dm_bit_copy(a, c);
		printf("copy equal %u: %d\n", s, dm_bitset_equal(a, c));
		dm_bit_clear_all(a);
		snprintf(label, sizeof(label), "clear_all %u", s);
		print_bitset(label, a);
		/* set_all also sets the bits past the size in the last word. */
		dm_bit_set_all(a);
		snprintf(label, sizeof(label), "set_all %u", s);
		print_bitset(label, a);
		dm_bitset_destroy(a);
		dm_bitset_destroy(c);
	}
	dm_pool_destroy(mem);
}

/* ---- hash ------------------------------------------------------------- */

static char *lines[4096];
static int nlines;

static int cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *) x, *(char *const *) y);
}

static void flush_sorted(const char *what)
{
	int i;

	qsort(lines, nlines, sizeof(lines[0]), cmp);
	printf("%s: %d entries\n", what, nlines);
	for (i = 0; i < nlines; i++) {
		printf("  %s\n", lines[i]);
		free(lines[i]);
	}
	nlines = 0;
}

static void collect(void *data)
{
	lines[nlines++] = strdup(data ? (const char *) data : "(null)");
}

static void dump(struct dm_hash_table *t, const char *what)
{
	struct dm_hash_node *n;
	char buf[256];
	unsigned count = 0;

	dm_hash_iterate(n, t) {
		const char *data = dm_hash_get_data(t, n);
		snprintf(buf, sizeof(buf), "%s => %s", dm_hash_get_key(t, n), data ? data : "(null)");
		lines[nlines++] = strdup(buf);
		count++;
	}
	printf("%s: num_entries=%u iterated=%u\n", what, dm_hash_get_num_entries(t), count);
	flush_sorted(what);
	dm_hash_iter(t, collect);
	flush_sorted("  via dm_hash_iter");
}

static const char *show(const void *p)
{
	return p ? (const char *) p : "(null)";
}

static void hashes(void)
{
	static char values[600][16];
	struct dm_hash_table *t = dm_hash_create(8);
	struct dm_hash_table *big = dm_hash_create(0);
	static const char bin1[] = { 'a', 0, 'b' }, bin2[] = { 'a', 0, 'c' }, bin3[] = { 0, 0 };
	char key[32];
	int i, count;

	printf("empty: %u first=%s\n", dm_hash_get_num_entries(t), dm_hash_get_first(t) ? "node" : "NULL");
	printf("insert a: %d\n", dm_hash_insert(t, "a", "A1"));
	printf("insert b: %d\n", dm_hash_insert(t, "b", "B"));
	printf("insert a again: %d\n", dm_hash_insert(t, "a", "A2"));
	printf("insert empty key: %d\n", dm_hash_insert(t, "", "EMPTY"));
	printf("lookup a=%s b=%s c=%s empty=%s\n", show(dm_hash_lookup(t, "a")), show(dm_hash_lookup(t, "b")),
	       show(dm_hash_lookup(t, "c")), show(dm_hash_lookup(t, "")));
	printf("binary insert: %d", dm_hash_insert_binary(t, bin1, 3, "BIN1"));
	printf(" %d", dm_hash_insert_binary(t, bin2, 3, "BIN2"));
	printf(" %d\n", dm_hash_insert_binary(t, bin3, 2, "BIN3"));
	printf("binary lookup: %s %s %s short=%s\n", show(dm_hash_lookup_binary(t, bin1, 3)),
	       show(dm_hash_lookup_binary(t, bin2, 3)), show(dm_hash_lookup_binary(t, bin3, 2)),
	       show(dm_hash_lookup_binary(t, bin1, 2)));
	printf("string key as binary with NUL: %s, without: %s\n", show(dm_hash_lookup_binary(t, "a", 2)),
	       show(dm_hash_lookup_binary(t, "a", 1)));
	printf("binary \"\\0\\0\" vs empty string key: %s\n", show(dm_hash_lookup_binary(t, "", 1)));
	printf("num_entries: %u\n", dm_hash_get_num_entries(t));
	dm_hash_remove_binary(t, bin2, 3);
	dm_hash_remove_binary(t, bin2, 3);
	printf("after binary remove: %s %s n=%u\n", show(dm_hash_lookup_binary(t, bin1, 3)),
	       show(dm_hash_lookup_binary(t, bin2, 3)), dm_hash_get_num_entries(t));
	dm_hash_remove_binary(t, bin1, 3);
	dm_hash_remove_binary(t, bin3, 2);
	dm_hash_remove(t, "");
	dm_hash_remove(t, "not there");
	printf("after removes n=%u\n", dm_hash_get_num_entries(t));

	/* Several values under one key. */
	printf("multi: %d", dm_hash_insert_allow_multiple(t, "m", "v1", 3));
	printf(" %d", dm_hash_insert_allow_multiple(t, "m", "v2", 3));
	printf(" %d\n", dm_hash_insert_allow_multiple(t, "m", "v3", 3));
	printf("lookup m=%s\n", show(dm_hash_lookup(t, "m")));
	printf("lookup_with_count m=%s", show(dm_hash_lookup_with_count(t, "m", &count)));
	printf(" count=%d\n", count);
	printf("lookup_with_count none=%s", show(dm_hash_lookup_with_count(t, "none", &count)));
	printf(" count=%d\n", count);
	printf("lookup_with_count a=%s", show(dm_hash_lookup_with_count(t, "a", &count)));
	printf(" count=%d\n", count);
	printf("with_val v1=%s v2=%s v4=%s v1/len2=%s\n", show(dm_hash_lookup_with_val(t, "m", "v1", 3)),
	       show(dm_hash_lookup_with_val(t, "m", "v2", 3)), show(dm_hash_lookup_with_val(t, "m", "v4", 3)),
	       show(dm_hash_lookup_with_val(t, "m", "v1", 2)));
	dump(t, "table with multi");
	dm_hash_remove_with_val(t, "m", "v2", 3);
	printf("after remove_with_val v2: m=%s", show(dm_hash_lookup_with_count(t, "m", &count)));
	printf(" count=%d v2=%s n=%u\n", count, show(dm_hash_lookup_with_val(t, "m", "v2", 3)),
	       dm_hash_get_num_entries(t));
	dm_hash_remove(t, "m");
	printf("after remove m: m=%s", show(dm_hash_lookup_with_count(t, "m", &count)));
	printf(" count=%d n=%u\n", count, dm_hash_get_num_entries(t));
	dm_hash_remove_with_val(t, "m", "v1", 3);
	printf("after remove_with_val v1: m=%s", show(dm_hash_lookup_with_count(t, "m", &count)));
	printf(" count=%d n=%u\n", count, dm_hash_get_num_entries(t));
	printf("insert_allow_multiple single: %d", dm_hash_insert_allow_multiple(t, "z", "Z", 0));
	printf(" lookup_with_val len0: %s\n", show(dm_hash_lookup_with_val(t, "z", "", 0)));
	dm_hash_remove_with_val(t, "z", "", 0);
	printf("after remove_with_val len0: z=%s n=%u\n", show(dm_hash_lookup(t, "z")), dm_hash_get_num_entries(t));
	dump(t, "table");

	/* Many keys: grows past the hint; iterate, remove half, iterate. */
	for (i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		snprintf(values[i], sizeof(values[i]), "val-%d", i);
		if (!dm_hash_insert(big, key, values[i]))
			printf("insert %s failed\n", key);
	}
	printf("big: %u\n", dm_hash_get_num_entries(big));
	for (i = 0; i < 600; i += 2) {
		snprintf(key, sizeof(key), "key-%d", i);
		dm_hash_remove(big, key);
	}
	for (i = 0; i < 600; i += 7) {
		snprintf(key, sizeof(key), "key-%d", i);
		printf("  lookup %s=%s\n", key, show(dm_hash_lookup(big, key)));
	}
	dump(big, "big after removing evens");
	dm_hash_wipe(big);
	printf("wiped: %u first=%s\n", dm_hash_get_num_entries(big), dm_hash_get_first(big) ? "node" : "NULL");
	printf("reuse after wipe: %d", dm_hash_insert(big, "again", "AGAIN"));
	printf(" %s\n", show(dm_hash_lookup(big, "again")));
	dump(big, "big after wipe");
	dm_hash_destroy(big);
	dm_hash_destroy(t);
}

/* ---- pool ------------------------------------------------------------- */

static void pools(void)
{
	struct dm_pool *p = dm_pool_create("difftest", 0);
	struct dm_pool *small = dm_pool_create("small", 16);
	char *s1, *s2, *s3, *o, *first;
	void *a, *b;
	char buf[32];
	int i;
	unsigned align;
	size_t len;

	s1 = dm_pool_strdup(p, "hello world");
	s2 = dm_pool_strndup(p, "hello world", 5);
	s3 = dm_pool_strndup(p, "hi", 10);
	printf("strdup=%s strndup5=%s strndup10=%s", s1, s2, s3);
	printf(" ndup0=[%s]\n", dm_pool_strndup(p, "abc", 0));
	printf("strdup empty=[%s]\n", dm_pool_strdup(p, ""));
	for (align = 1; align <= 4096; align <<= 1) {
		a = dm_pool_alloc_aligned(p, 3, align);
		printf("align %u: %s\n", align, a && !((uintptr_t) a % align) ? "ok" : "BAD");
	}
	a = dm_pool_alloc(p, 1);
	printf("alloc default alignment 8: %s\n", a && !((uintptr_t) a % 8) ? "ok" : "BAD");
	o = dm_pool_zalloc(p, 100);
	for (i = 0, len = 0; i < 100; i++)
		len += o[i] != 0;
	printf("zalloc nonzero bytes: %zu\n", len);

	/* free: the object and everything after it; the place is reused.
	 * (Debian's build pads an already aligned allocation by another 8
	 * bytes, this library does not: compare "at or just after".) */
	a = dm_pool_alloc(p, 24);
	b = dm_pool_alloc(p, 24);
	dm_pool_free(p, b);
	o = dm_pool_alloc(p, 24);
	printf("free b, alloc reuses b's place: %d\n", o >= (char *) b && o <= (char *) b + 8);
	dm_pool_free(p, a);
	o = dm_pool_alloc(p, 8);
	printf("free a, alloc reuses a's place: %d\n", o >= (char *) a && o <= (char *) a + 8);
	printf("earlier strings intact: %s %s\n", s1, s2);

	/* Objects, within a chunk and across chunks. */
	printf("begin: %d\n", dm_pool_begin_object(p, 8));
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "%d,", i);
		if (!dm_pool_grow_object(p, buf, 0))
			printf("grow %d failed\n", i);
	}
	printf("grow NUL: %d\n", dm_pool_grow_object(p, "\0", 1));
	o = dm_pool_end_object(p);
	len = strlen(o);
	printf("object len=%zu head=%.20s tail=%s\n", len, o, o + len - 12);
	/* One call per statement: the order of a call's arguments is unspecified. */
	printf("begin small: %d", dm_pool_begin_object(small, 2));
	printf(" grow: %d", dm_pool_grow_object(small, "abcdef", 3));
	printf(" %d", dm_pool_grow_object(small, "defgh", 0));
	printf(" %d\n", dm_pool_grow_object(small, "", 1));
	printf("small object: %s\n", (char *) dm_pool_end_object(small));
	printf("begin/abandon: %d", dm_pool_begin_object(small, 100));
	printf(" %d\n", dm_pool_grow_object(small, "junk", 4));
	dm_pool_abandon_object(small);
	printf("after abandon strdup: %s\n", dm_pool_strdup(small, "kept"));
	first = dm_pool_strdup(small, "first");
	for (i = 0; i < 200; i++)
		if (!dm_pool_alloc(small, 100))
			printf("alloc %d failed\n", i);
	printf("big allocation: %s\n", dm_pool_alloc(small, 1 << 20) ? "ok" : "NULL");
	dm_pool_empty(small);
	o = dm_pool_strdup(small, "after empty");
	printf("after empty: %s\n", o);
	dm_pool_free(small, o);
	printf("free to start again: %s\n", dm_pool_strdup(small, "x"));
	(void) first;

	/* Locking and the crc check. */
	printf("locked=%d\n", dm_pool_locked(p));
	printf("lock crc: %d", dm_pool_lock(p, 1));
	printf(" locked=%d\n", dm_pool_locked(p));
	printf("lock again: %d\n", dm_pool_lock(p, 1));
	printf("unlock crc unchanged: %d", dm_pool_unlock(p, 1));
	printf(" locked=%d\n", dm_pool_locked(p));
	printf("unlock again: %d\n", dm_pool_unlock(p, 1));
	printf("lock crc: %d\n", dm_pool_lock(p, 1));
	s1[0] = 'J';
	printf("unlock crc after a write: %d", dm_pool_unlock(p, 1));
	printf(" locked=%d\n", dm_pool_locked(p));
	printf("lock no crc: %d\n", dm_pool_lock(p, 0));
	s1[0] = 'h';
	printf("unlock no crc after a write: %d\n", dm_pool_unlock(p, 0));
	printf("lock crc: %d\n", dm_pool_lock(p, 1));
	printf("alloc while locked: %s\n", dm_pool_strdup(p, "new") ? "ok" : "NULL");
	printf("unlock crc after an alloc: %d\n", dm_pool_unlock(p, 1));
	printf("string after all: %s\n", s1);

	dm_pool_destroy(small);
	dm_pool_destroy(p);
}

/* ---- lists ------------------------------------------------------------ */

struct item {
	int value;
	struct dm_list list;
};

static void print_list(const char *what, struct dm_list *head)
{
	struct item *it;
	struct dm_list *l;

	printf("%s: size=%u empty=%d fwd=", what, dm_list_size(head), dm_list_empty(head));
	dm_list_iterate_items(it, head)
		printf("%d ", it->value);
	printf("back=");
	dm_list_iterate_back_items(it, head)
		printf("%d ", it->value);
	printf("first=%d last=%d", dm_list_first(head) ? dm_list_item(dm_list_first(head), struct item)->value : -1,
	       dm_list_last(head) ? dm_list_item(dm_list_last(head), struct item)->value : -1);
	printf(" walk=");
	for (l = dm_list_first(head); l; l = dm_list_next(head, l))
		printf("%d%s%s ", dm_list_item(l, struct item)->value, dm_list_start(head, l) ? "<" : "",
		       dm_list_end(head, l) ? ">" : "");
	printf("rwalk=");
	for (l = dm_list_last(head); l; l = dm_list_prev(head, l))
		printf("%d ", dm_list_item(l, struct item)->value);
	printf("\n");
}

static void lists_test(void)
{
	struct item items[10];
	struct item *it, *tmp;
	struct dm_list a, b;
	int i;

	for (i = 0; i < 10; i++)
		items[i].value = i;
	dm_list_init(&a);
	dm_list_init(&b);
	print_list("empty", &a);
	for (i = 0; i < 5; i++)
		dm_list_add(&a, &items[i].list);
	for (i = 5; i < 8; i++)
		dm_list_add_h(&a, &items[i].list);
	print_list("add/add_h", &a);
	dm_list_del(&items[0].list);
	dm_list_del(&items[7].list);
	dm_list_del(&items[4].list);
	print_list("del 0,7,4", &a);
	dm_list_add(&b, &items[8].list);
	dm_list_add_h(&b, &items[9].list);
	print_list("b", &b);
	dm_list_move(&b, &items[2].list);
	dm_list_move(&b, &items[9].list);
	print_list("a after moves", &a);
	print_list("b after moves", &b);
	dm_list_splice(&a, &b);
	print_list("a after splice", &a);
	print_list("b after splice", &b);
	dm_list_splice(&a, &b);
	print_list("a after empty splice", &a);
	dm_list_splice(&b, &a);
	print_list("b after splice back", &b);
	dm_list_iterate_items_safe(it, tmp, &b)
		if (it->value % 2)
			dm_list_del(&it->list);
	print_list("b without odd", &b);
	dm_list_iterate_items_safe(it, tmp, &b)
		dm_list_move(&a, &it->list);
	print_list("a all moved", &a);
	print_list("b all moved", &b);
}

int main(void)
{
	dm_log_with_errno_init(capture);
	lists_test();
	pools();
	hashes();
	bitsets();
	printf("done\n");
	return 0;
}
