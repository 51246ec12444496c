/*
 * Differential test of the dm_config_* functions: parses each file named
 * on the command line, writes it back with every combination of format
 * flags, runs the lookups, cascades, clone, remove and flatten on every
 * path of the tree, and prints everything (with the library's error and
 * warning messages). Built against Debian's C library and against ours;
 * the outputs must be identical (tests/diff/config/run.sh).
 */
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void log_fn(int level, const char *file, int line, int dm_errno_or_class, const char *f, ...)
{
	va_list ap;

	(void) file; (void) line; (void) dm_errno_or_class;
	if ((level & 7) > 4)
		return;
	va_start(ap, f);
	printf("log%d: ", level & 7);
	vprintf(f, ap);
	printf("\n");
	va_end(ap);
}

static int put(const char *line, void *baton)
{
	printf("%s%s\n", (const char *) baton, line);
	return 1;
}

static int out_prefix(const struct dm_config_node *cn, const char *line, void *baton)
{
	printf("%sprefix[%zu] %s\n", (const char *) baton, strlen(line), cn->key);
	return 1;
}

static int out_line(const struct dm_config_node *cn, const char *line, void *baton)
{
	printf("%sline(%s) %s\n", (const char *) baton, cn->key, line);
	return 1;
}

static int out_suffix(const struct dm_config_node *cn, const char *line, void *baton)
{
	printf("%ssuffix[%zu] %s\n", (const char *) baton, strlen(line), cn->key);
	return 1;
}

static const uint32_t flag_sets[] = {
	0, DM_CONFIG_VALUE_FMT_COMMON_ARRAY, DM_CONFIG_VALUE_FMT_COMMON_EXTRA_SPACES,
	DM_CONFIG_VALUE_FMT_COMMON_ARRAY | DM_CONFIG_VALUE_FMT_COMMON_EXTRA_SPACES,
	DM_CONFIG_VALUE_FMT_INT_OCTAL, DM_CONFIG_VALUE_FMT_INT_OCTAL | DM_CONFIG_VALUE_FMT_COMMON_ARRAY,
	DM_CONFIG_VALUE_FMT_STRING_NO_QUOTES | DM_CONFIG_VALUE_FMT_COMMON_EXTRA_SPACES,
	0x10003,
};

static void set_flags(struct dm_config_node *cn, uint32_t flags)
{
	struct dm_config_value *v;

	for (; cn; cn = cn->sib) {
		for (v = cn->v; v; v = v->next)
			dm_config_value_set_format_flags(v, flags);
		set_flags(cn->child, flags);
	}
}

static int has_empty_section(const struct dm_config_node *cn)
{
	for (; cn; cn = cn->sib)
		if ((!cn->v && !cn->child) || has_empty_section(cn->child))
			return 1;
	return 0;
}

static void print_value(const struct dm_config_value *v)
{
	switch (v->type) {
	case DM_CFG_INT: printf("i:%lld", (long long) v->v.i); break;
	case DM_CFG_FLOAT: printf("f:%.9g", v->v.f); break;
	case DM_CFG_STRING: printf("s:<%s>", v->v.str); break;
	case DM_CFG_EMPTY_ARRAY: printf("[]"); break;
	default: printf("?%d", v->type);
	}
	printf(" (fmt %x)", dm_config_value_get_format_flags((struct dm_config_value *) v));
}

/* Every lookup on the path of one node. */
static void probe(const struct dm_config_node *root, const struct dm_config_tree *cft, const char *path,
		  const struct dm_config_node *expect, int depth)
{
	const struct dm_config_node *n = dm_config_find_node(root, path), *sec = NULL;
	const struct dm_config_value *list = NULL, *v;
	const char *s = NULL;
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	int count = 0, r;

	printf("  %s: %s has=%d", path, !n ? "none" : (n == expect ? "same" : "other"),
	       dm_config_has_node(root, path));
	printf(" str=%s", dm_config_find_str(root, path, "FAIL"));
	s = dm_config_find_str(root, path, NULL);
	printf(" strnull=%s", s ? s : "(null)");
	printf(" stre=%s", dm_config_find_str_allow_empty(root, path, "FAIL"));
	printf(" int=%d i64=%lld f=%f", dm_config_find_int(root, path, -7),
	       (long long) dm_config_find_int64(root, path, -8), dm_config_find_float(root, path, -9.5f));
	if (n && n->v)
		printf(" bool=%d isbool=%d", dm_config_find_bool(root, path, -1), dm_config_value_is_bool(n->v));
	r = dm_config_get_uint32(root, path, &u32);
	printf(" u32=%d:%u", r, u32);
	r = dm_config_get_uint64(root, path, &u64);
	printf(" u64=%d:%llu", r, (unsigned long long) u64);
	s = NULL;
	r = dm_config_get_str(root, path, &s);
	printf(" gstr=%d:%s", r, s ? s : "-");
	r = dm_config_get_list(root, path, &list);
	for (v = list; v; v = v->next)
		count++;
	printf(" list=%d:%d", r, count);
	r = dm_config_get_section(root, path, &sec);
	printf(" sec=%d:%d", r, sec == n && sec);
	if (n && depth > 1)
		printf(" parent=%s", dm_config_parent_name(n));
	if (n && n->v) {
		printf(" v=");
		for (v = n->v; v; v = v->next)
			print_value(v);
	}
	if (cft) {
		const struct dm_config_node *tn = dm_config_tree_find_node(cft, path);
		printf(" | tree: %s", !tn ? "none" : (tn == expect ? "same" : "other"));
		printf(" str=%s", dm_config_tree_find_str(cft, path, "FAIL"));
		printf(" stre=%s", dm_config_tree_find_str_allow_empty(cft, path, "FAIL"));
		printf(" int=%d i64=%lld f=%f", dm_config_tree_find_int(cft, path, -7),
		       (long long) dm_config_tree_find_int64(cft, path, -8),
		       dm_config_tree_find_float(cft, path, -9.5f));
		if (tn && tn->v)
			printf(" bool=%d", dm_config_tree_find_bool(cft, path, -1));
	}
	printf("\n");
}

static void probe_all(const struct dm_config_node *root, const struct dm_config_tree *cft,
		      const struct dm_config_node *cn, const char *prefix, int depth)
{
	char path[4096];

	for (; cn; cn = cn->sib) {
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "", cn->key);
		probe(root, cft, path, cn, depth);
		if (depth < 64)
			probe_all(root, cft, cn->child, path, depth + 1);
	}
}

static void write_all(const char *title, const struct dm_config_node *cn)
{
	printf("-- %s\n", title);
	printf("ret=%d\n", dm_config_write_node(cn, put, (void *) "  "));
}

static void test_text(const char *name, const char *buf, size_t len)
{
	struct dm_config_tree *cft, *other, *flat;
	struct dm_config_node *clone;
	struct dm_pool *mem;
	struct dm_config_node_out_spec spec = { out_prefix, out_line, out_suffix };
	struct dm_config_node_out_spec spec_lines = { NULL, out_line, NULL };
	static const char *const odd_paths[] = { "", "/", "//", "nosuch", "nosuch/deeper", "a/", "/a", "a//b", "a/b/", NULL };
	const char *const *p;
	unsigned i;
	int r;

	printf("==== %s (%zu bytes) maybe_section=%u\n", name, len, dm_config_maybe_section(buf, (unsigned) len));

	cft = dm_config_create();
	r = dm_config_parse(cft, buf, buf + len);
	printf("parse=%d root=%s\n", r, cft->root ? "set" : "NULL");
	if (r) {
		write_all("write", cft->root);
		for (i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
			char title[64];
			set_flags(cft->root, flag_sets[i]);
			snprintf(title, sizeof(title), "flags %#x", flag_sets[i]);
			write_all(title, cft->root);
		}
		set_flags(cft->root, 0);
		printf("-- out spec\nret=%d\n", dm_config_write_node_out(cft->root, &spec, (void *) "  "));
		printf("-- out lines only\nret=%d\n", dm_config_write_node_out(cft->root, &spec_lines, (void *) "  "));
		printf("-- one node\nret=%d\n", dm_config_write_one_node(cft->root, put, (void *) "  "));
		printf("-- one node out\nret=%d\n", dm_config_write_one_node_out(cft->root, &spec, (void *) "  "));
		if (cft->root->child)
			printf("-- one child\nret=%d\n", dm_config_write_one_node(cft->root->child, put, (void *) "  "));
		printf("-- no output: %d %d\n", dm_config_write_node(cft->root, NULL, NULL),
		       dm_config_write_node_out(cft->root, NULL, NULL));

		printf("-- lookups\n");
		probe_all(cft->root, cft, cft->root, "", 1);
		for (p = odd_paths; *p; p++)
			probe(cft->root, cft, *p, NULL, 0);

		/* A cascade: a small tree above this one. */
		other = dm_config_from_string("global { over = \"top\" num = 5 }\nextra = [1, 2]\n");
		dm_config_insert_cascaded_tree(other, cft);
		printf("-- cascade lookups\n");
		probe_all(cft->root, other, cft->root, "", 1);
		probe(other->root, other, "global/over", NULL, 0);
		if (!has_empty_section(cft->root)) {
			flat = dm_config_flatten(other);
			write_all("flatten", flat->root);
			dm_config_destroy(flat);
		}
		printf("removed=%s\n", dm_config_remove_cascaded_tree(other) == cft ? "below" : "other");
		printf("removed again=%p\n", (void *) dm_config_remove_cascaded_tree(other));
		dm_config_destroy(other);

		/* Clones. */
		clone = dm_config_clone_node(cft, cft->root, 1);
		write_all("clone with siblings", clone);
		clone = dm_config_clone_node(cft, cft->root, 0);
		write_all("clone one", clone);
		mem = dm_pool_create("clone", 1024);
		clone = dm_config_clone_node_with_mem(mem, cft->root, 1);
		printf("clone parent=%s\n", clone && clone->child ? dm_config_parent_name(clone->child) : "-");
		dm_pool_destroy(mem);

		/* Removing the first child of every top-level section. */
		for (clone = cft->root; clone; clone = clone->sib)
			if (clone->child) {
				const char *key = clone->child->key;
				int removed = dm_config_remove_node(clone, clone->child);
				int again = dm_config_remove_node(clone, cft->root);
				printf("remove %s/%s=%d again=%d\n", clone->key, key, removed, again);
			}
		write_all("after remove", cft->root);
	}
	dm_config_destroy(cft);

	cft = dm_config_create();
	r = dm_config_parse_without_dup_node_check(cft, buf, buf + len);
	printf("parse without dup check=%d\n", r);
	if (r) {
		write_all("write", cft->root);
		printf("-- lookups\n");
		probe_all(cft->root, NULL, cft->root, "", 1);
	}
	dm_config_destroy(cft);

}

/* Trees built by hand: values the parser cannot make. */
static void test_built(void)
{
	struct dm_config_tree *cft = dm_config_create();
	struct dm_config_node *root = dm_config_create_node(cft, "built"), *prev = NULL, *n;
	struct dm_config_value *v, *w;
	static const float floats[] = { 0.0078125f, 1e30f, -0.0f, 2.5f, 1.0f / 3.0f, 123456.789f, 1e-7f };
	int64_t ints[] = { 0, -1, 8, INT64_MAX, INT64_MIN, 511 };
	unsigned i;

	printf("==== built tree\n");
	printf("custom=%p ", dm_config_get_custom(cft));
	dm_config_set_custom(cft, cft);
	printf("set=%d mem=%d\n", dm_config_get_custom(cft) == cft, dm_config_memory(cft) != NULL);
	cft->root = root;
#define ADD(k) do { n = dm_config_create_node(cft, k); n->parent = root; \
	if (prev) prev->sib = n; else root->child = n; prev = n; } while (0)
	for (i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
		ADD("float");
		n->v = v = dm_config_create_value(cft);
		v->type = DM_CFG_FLOAT;
		v->v.f = floats[i];
	}
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		ADD("octal");
		n->v = v = dm_config_create_value(cft);
		v->v.i = ints[i];
		dm_config_value_set_format_flags(v, DM_CONFIG_VALUE_FMT_INT_OCTAL);
	}
	ADD("default_value");
	n->v = dm_config_create_value(cft);
	ADD("no quotes");
	n->v = v = dm_config_create_value(cft);
	v->type = DM_CFG_STRING;
	v->v.str = "bare \"string\"";
	dm_config_value_set_format_flags(v, DM_CONFIG_VALUE_FMT_STRING_NO_QUOTES | DM_CONFIG_VALUE_FMT_COMMON_ARRAY);
	ADD("empty_spaced");
	n->v = v = dm_config_create_value(cft);
	v->type = DM_CFG_EMPTY_ARRAY;
	dm_config_value_set_format_flags(v, DM_CONFIG_VALUE_FMT_COMMON_EXTRA_SPACES);
	ADD("list_with_empty");
	n->v = v = dm_config_create_value(cft);
	v->v.i = 1;
	v->next = w = dm_config_create_value(cft);
	w->type = DM_CFG_EMPTY_ARRAY;
	w->next = dm_config_create_value(cft);
	ADD("empty_first");
	n->v = v = dm_config_create_value(cft);
	v->type = DM_CFG_EMPTY_ARRAY;
	v->next = dm_config_create_value(cft);
	dm_config_value_set_format_flags(v, DM_CONFIG_VALUE_FMT_COMMON_EXTRA_SPACES);
	ADD("unknown_type");
	n->v = v = dm_config_create_value(cft);
	v->type = (dm_config_value_type_t) 7;
	ADD("key#with!marks\"");
	n->v = dm_config_create_value(cft);
	ADD("with/slash");
	n->v = dm_config_create_value(cft);
	n->id = 42;
	ADD("section_with_value");
	n->v = dm_config_create_value(cft);
	n->child = dm_config_create_node(cft, "hidden");
	n->child->v = dm_config_create_value(cft);
	ADD("");
	n->v = dm_config_create_value(cft);
	printf("get_format_flags(NULL)=%u\n", dm_config_value_get_format_flags(NULL));
	dm_config_value_set_format_flags(NULL, 1);
	printf("parent=%s\n", dm_config_parent_name(root->child));
	printf("root parent=%s\n", dm_config_parent_name(root));
	write_all("built", cft->root);
	printf("find with/slash=%p find ''=%s\n", (void *) dm_config_find_node(root->child, "with/slash"),
	       dm_config_find_node(root->child, "") ? "found" : "none");
	printf("find built/=%s\n", dm_config_find_node(root, "built/") ? "found" : "none");
	n = dm_config_clone_node(cft, root, 0);
	printf("clone id=%d\n", dm_config_find_node(n->child, "with") ? -1 : 0);
	write_all("clone", n);
	{
		struct dm_config_tree *flat = dm_config_flatten(cft);
		write_all("flatten", flat->root);
		dm_config_destroy(flat);
	}
	dm_config_destroy(cft);

	printf("from_string(\"\")=%p\n", (void *) dm_config_from_string(""));
	cft = dm_config_from_string("a { b = 1 }");
	printf("from_string ok=%d\n", cft != NULL);
	printf("maybe_section: %u %u %u %u\n", dm_config_maybe_section("{}", 2), dm_config_maybe_section("{", 1),
	       dm_config_maybe_section("a{}}", 3), dm_config_maybe_section("}{", 2));
	dm_config_destroy(cft);
}

int main(int argc, char **argv)
{
	int i;

	dm_log_with_errno_init(log_fn);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		char *buf;
		long len;
		const char *base = strrchr(argv[i], '/');

		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
			perror(argv[i]);
			return 1;
		}
		buf = malloc(len + 1);
		if (!buf || fread(buf, 1, len, f) != (size_t) len) {
			perror(argv[i]);
			return 1;
		}
		buf[len] = '\0';
		fclose(f);
		test_text(base ? base + 1 : argv[i], buf, (size_t) len);
		free(buf);
	}
	test_built();
	return 0;
}
