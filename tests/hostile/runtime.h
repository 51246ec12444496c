/* Runtime of the generated hostile-input test (tests/hostile/gen.py): the
 * library under test is dlopen'ed (ours or Debian's C library, same
 * binary), valid objects are made through it, and each generated call runs
 * in its own child process; the parent counts the children that died of a
 * signal (crashes) or did not finish within 10 s (hangs).
 * Crashes on a "-lie" variant (a length larger than the buffer it
 * describes, which no callee can check) are counted apart.
 * A function the library does not export is reported "absent"; with
 * --require-all (the library under test must export every function of
 * the header) each absent function is a failure.
 * usage: hostile [--require-all] LIBRARY.so [SUBSTRING]   (only calls
 * whose function name contains SUBSTRING) */
#define _GNU_SOURCE
#include <libdevmapper.h>
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

struct hostile_call {
	const char *function, *variant;
	void (*call)(void);
};
extern const struct hostile_call calls[];
extern const int functions_called;
extern const char *const functions_skipped[];
extern const char *const old_versions[];

static void *lib;

static void *sym(const char *name)
{
	void *f = dlsym(lib, name);

	for (const char *const *v = old_versions; !f && *v; v += 2)
		if (!strcmp(*v, name))
			f = dlvsym(lib, name, v[1]);
	return f;
}

#define CALL(fn, ...) ((__typeof__(fn) *) sym(#fn))(__VA_ARGS__)

static void *dummy_fn(void)
{
	return NULL;
}

static void *scratch(void)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, 1 << 16))
		abort();
	memset(p, 0, 1 << 16);
	return p;
}

static char *mk_str(void)
{
	char *s = scratch();
	strcpy(s, "dmrs-hostile");
	return s;
}

static char *mk_strv_of(const char *v)
{
	char *s = scratch();
	strcpy(s, v);
	return s;
}

static char *long_str(void)
{
	char *s = scratch();
	memset(s, 'a', 20000);
	return s;
}

static void *mk_ptr(void *p)
{
	void **pp = scratch();
	*pp = p;
	return pp;
}

static void *mk_strv(void)
{
	char **v = scratch();
	v[0] = mk_strv_of("a.*b");
	v[1] = mk_strv_of("dmrs-[0-9]+");
	return v;
}

static struct dm_pool *pool;
static struct dm_pool *mk_pool(void)
{
	if (!pool)
		pool = CALL(dm_pool_create, "hostile", 1024);
	return pool;
}

static void *mk_pool_chunk(void)
{
	return CALL(dm_pool_alloc, mk_pool(), 16);
}

static void begin_object(void)
{
	CALL(dm_pool_begin_object, mk_pool(), 16);
}

static struct dm_task *mk_task(void)
{
	struct dm_task *t = CALL(dm_task_create, DM_DEVICE_INFO);
	if (t)
		CALL(dm_task_set_name, t, "dmrs-hostile");
	return t;
}

static struct dm_tree *tree;
static struct dm_tree *mk_tree(void)
{
	if (!tree)
		tree = CALL(dm_tree_create);
	return tree;
}

static struct dm_tree_node *mk_node(void)
{
	return mk_tree() ? CALL(dm_tree_add_new_dev, mk_tree(), "dmrs-hostile", "DMRS-HOSTILE", 0, 0, 0, 0, NULL) : NULL;
}

static struct dm_hash_table *hash;
static struct dm_hash_table *mk_hash(void)
{
	if (!hash && (hash = CALL(dm_hash_create, 16)))
		CALL(dm_hash_insert, hash, "dmrs-hostile", mk_str());
	return hash;
}

static struct dm_hash_node *mk_hash_node(void)
{
	return mk_hash() ? CALL(dm_hash_get_first, mk_hash()) : NULL;
}

static struct dm_list *mk_list(void)
{
	struct dm_list *l = scratch();
	l->n = l->p = l;
	return l;
}

static dm_bitset_t mk_bitset(void)
{
	return CALL(dm_bitset_create, NULL, 128);
}

static struct dm_config_tree *mk_cft(void)
{
	return CALL(dm_config_from_string, "a = 1\nb {\n c = \"x\"\n}\n");
}

static struct dm_config_node *mk_cn(void)
{
	struct dm_config_tree *c = mk_cft();
	return c ? c->root : NULL;
}

static struct dm_config_value *mk_cv(void)
{
	struct dm_config_node *n = mk_cn();
	return n ? n->v : NULL;
}

static struct dm_stats *mk_stats(void)
{
	return CALL(dm_stats_create, "hostile");
}

static struct dm_timestamp *mk_ts(void)
{
	return CALL(dm_timestamp_alloc);
}

static struct dm_histogram *mk_hist(void)
{
	return CALL(dm_histogram_bounds_from_string, "10,20,30");
}

static struct dm_regex *mk_regex(void)
{
	return CALL(dm_regex_create, mk_pool(), (const char *const *) mk_strv(), 2);
}

static void *hostile_row(void *object)
{
	return object;
}

static int hostile_name(struct dm_report *rh, struct dm_pool *mem, struct dm_report_field *field,
			const void *data, void *private_data)
{
	static const char *const name = "hostile";
	(void) mem; (void) data; (void) private_data;
	return CALL(dm_report_field_string, rh, field, &name);
}

static const struct dm_report_object_type hostile_report_types[] = {
	{ 1, "Hostile", "h_", hostile_row },
	{ 0, "", "", NULL },
};

static const struct dm_report_field_type hostile_report_fields[] = {
	{ 1, DM_REPORT_FIELD_TYPE_STRING, 0, 8, "name", "Name", hostile_name, "A name." },
	{ 0, 0, 0, 0, "", "", NULL, NULL },
};

/* A real report (one string field): handles must come from their own
 * constructor, or no library can tell them from garbage. */
static struct dm_report *mk_report(void)
{
	uint32_t types = 1;
	return CALL(dm_report_init, &types, hostile_report_types, hostile_report_fields, "name", " ", 0, "name", NULL);
}

static struct dm_report_group *mk_report_group(void)
{
	return CALL(dm_report_group_create, DM_REPORT_GROUP_BASIC, NULL);
}

static FILE *mk_file(void)
{
	return fopen("/dev/null", "w");
}

int main(int argc, char **argv)
{
	int require_all = argc > 1 && !strcmp(argv[1], "--require-all");
	const char *only;
	int n = 0, crashes = 0, lies = 0, hangs = 0, absent = 0, sig, status, devnull;
	const char *last_absent = "";
	const char *const *s;

	argv += require_all;
	argc -= require_all;
	only = argc > 2 ? argv[2] : NULL;
	if (argc < 2 || !(lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "usage: hostile [--require-all] LIBRARY.so [SUBSTRING] (%s)\n", dlerror());
		return 2;
	}
	for (const struct hostile_call *c = calls; c->function; c++) {
		pid_t pid;
		if (only && !strstr(c->function, only))
			continue;
		if (!sym(c->function)) {
			/* Each function once, however many variants it has. */
			if (strcmp(last_absent, c->function)) {
				printf("%s %s\n", require_all ? "ABSENT" : "absent", c->function);
				absent++;
				last_absent = c->function;
			}
			continue;
		}
		n++;
		fflush(stdout);
		if ((pid = fork()) == 0) {
			devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 1);
			dup2(devnull, 2);
			alarm(10);
			c->call();
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			perror("hostile: fork");
			return 2;
		}
		if (WIFSIGNALED(status)) {
			sig = WTERMSIG(status);
			if (sig == SIGALRM) {
				hangs++;
				printf("HANG %s %s\n", c->function, c->variant);
			} else if (strstr(c->variant, "-lie")) {
				lies++;
				printf("CRASH-LIE %s %s (%s)\n", c->function, c->variant, strsignal(sig));
			} else {
				crashes++;
				printf("CRASH %s %s (%s)\n", c->function, c->variant, strsignal(sig));
			}
		}
	}
	printf("hostile: %s: %d calls of %d functions (%d absent), %d crashes, %d hangs, and %d crashes where a length "
	       "exceeds its buffer (skipped, variadic or undeclared:", argv[1], n, functions_called - absent, absent,
	       crashes, hangs, lies);
	for (s = functions_skipped; *s; s++)
		printf(" %s", *s);
	printf(")\n");
	return crashes || hangs || (require_all && absent) ? 1 : 0;
}
