/* Helpers the real-kernel scenario programs (tree_*.c) share: whole-device
 * I/O through /dev/dm-N with O_DIRECT, a status line, a 64-bit checksum,
 * and a reader for this library's DM_TRACE file (one JSON object per ioctl:
 * "cmd", "name", "uuid", "dev" = "major:minor", "flags_in", "errno", ...). */
#ifndef DEVMAPPER_CTEST_SCENARIO_H
#define DEVMAPPER_CTEST_SCENARIO_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <libdevmapper.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "devices.h"

/* The kernel's suspend flag in struct dm_ioctl (DM_SUSPEND_FLAG). */
#define SC_DM_SUSPEND_FLAG (1u << 1)

/* /dev/dm-N of NAME (a path that does not exist when NAME does not). */
static inline void dev_path(const char *name, char *path, size_t size)
{
	struct dm_info info = info_of(name);

	if (info.exists)
		snprintf(path, size, "/dev/dm-%u", info.minor);
	else
		snprintf(path, size, "/nonexistent/%s", name);
}

/* Reads or writes LEN bytes at OFFSET of device NAME with O_DIRECT
 * (LEN and OFFSET multiples of 4096). 1 on success. */
static inline int dev_io(const char *name, int write, void *data, size_t len, off_t offset)
{
	char path[64];
	void *buf;
	size_t done = 0;
	int fd, ok = 1;

	dev_path(name, path, sizeof(path));
	if ((fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_DIRECT)) < 0) {
		printf("# open %s (%s): %s\n", path, name, strerror(errno));
		return 0;
	}
	if (posix_memalign(&buf, 4096, 1 << 20)) {
		close(fd);
		return 0;
	}
	while (ok && done < len) {
		size_t chunk = len - done > (1 << 20) ? (1 << 20) : len - done;
		ssize_t n;

		if (write)
			memcpy(buf, (char *) data + done, chunk);
		n = write ? pwrite(fd, buf, chunk, offset + done) : pread(fd, buf, chunk, offset + done);
		if (n != (ssize_t) chunk) {
			printf("# %s %s at %zu: %s\n", write ? "write" : "read", path, done, n < 0 ? strerror(errno) : "short");
			ok = 0;
			break;
		}
		if (!write)
			memcpy((char *) data + done, buf, chunk);
		done += chunk;
	}
	free(buf);
	close(fd);
	return ok;
}

/* Whether device NAME's first LEN bytes equal EXPECT. */
static inline int dev_holds(const char *name, const void *expect, size_t len)
{
	void *got = malloc(len);
	int ok = got && dev_io(name, 0, got, len, 0) && !memcmp(got, expect, len);

	free(got);
	return ok;
}

/* FNV-1a, 64 bits: a fingerprint of a device's content for the log. */
static inline uint64_t checksum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* LEN bytes of a pattern that differs for every SEED and every 512 bytes. */
static inline void *pattern(size_t len, unsigned seed)
{
	unsigned char *p = malloc(len);
	uint64_t x = 0x9e3779b97f4a7c15ULL * (seed + 1);
	size_t i;

	for (i = 0; p && i < len; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		p[i] = (unsigned char) x;
	}
	return p;
}

/* The params of the first target of NAME's status (DM_DEVICE_STATUS) into
 * OUT; its type into TYPE if not NULL. 1 on success. */
static inline int status_of(const char *name, char *type, size_t tsize, char *out, size_t size)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_STATUS);
	uint64_t start, len;
	char *t = NULL, *p = NULL;
	int ok = 0;

	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt)) {
		dm_get_next_target(dmt, NULL, &start, &len, &t, &p);
		if (t && p) {
			snprintf(out, size, "%s", p);
			if (type)
				snprintf(type, tsize, "%s", t);
			ok = 1;
		}
	}
	dm_task_destroy(dmt);
	return ok;
}

/* ---- DM_TRACE ------------------------------------------------------------ */

struct trace_entry {
	char cmd[32];
	char name[128];
	char uuid[130];
	char dev[24];
	unsigned flags_in;
	int err;
};

struct trace {
	struct trace_entry *e;
	int n;
};

/* The value of "KEY": in LINE, a JSON string (no escapes in our names) or a
 * number, into OUT. */
static inline void trace_field(const char *line, const char *key, char *out, size_t size)
{
	char pat[40];
	const char *p;
	size_t i = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	out[0] = 0;
	if (!(p = strstr(line, pat)))
		return;
	p += strlen(pat);
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && i + 1 < size)
			out[i++] = *p++;
	} else {
		while (*p && *p != ',' && *p != '}' && i + 1 < size)
			out[i++] = *p++;
	}
	out[i] = 0;
}

/* The size of the trace file now: remember it before a phase. */
static inline long trace_mark(void)
{
	const char *path = getenv("DM_TRACE");
	struct stat st;

	return path && !stat(path, &st) ? (long) st.st_size : 0;
}

/* The entries appended to the trace file since MARK. */
static inline struct trace trace_since(long mark)
{
	struct trace t = { NULL, 0 };
	const char *path = getenv("DM_TRACE");
	char line[1024], num[32];
	FILE *f;
	int cap = 0;

	if (!path || !(f = fopen(path, "r")))
		return t;
	fseek(f, mark, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		struct trace_entry *e;

		if (t.n == cap) {
			cap = cap ? 2 * cap : 64;
			t.e = realloc(t.e, cap * sizeof(*t.e));
		}
		e = &t.e[t.n++];
		trace_field(line, "cmd", e->cmd, sizeof(e->cmd));
		trace_field(line, "name", e->name, sizeof(e->name));
		trace_field(line, "uuid", e->uuid, sizeof(e->uuid));
		trace_field(line, "dev", e->dev, sizeof(e->dev));
		trace_field(line, "flags_in", num, sizeof(num));
		e->flags_in = strtoul(num, NULL, 10);
		trace_field(line, "errno", num, sizeof(num));
		e->err = atoi(num);
	}
	fclose(f);
	return t;
}

/* Whether entry E addresses the device NAME (whose number is DEV). */
static inline int trace_is_dev(const struct trace_entry *e, const char *name, const char *dev)
{
	return (e->name[0] && !strcmp(e->name, name)) || (e->dev[0] && dev && !strcmp(e->dev, dev));
}

/* "major:minor" of NAME into BUF (now: the device must exist). */
static inline const char *dev_no(const char *name, char *buf, size_t size)
{
	struct dm_info i = info_of(name);

	snprintf(buf, size, "%u:%u", i.major, i.minor);
	return buf;
}

/* Kinds of entry trace_find looks for. */
enum trace_op { T_LOAD, T_SUSPEND, T_RESUME, T_MESSAGE, T_REMOVE, T_CREATE };

static inline int trace_op_is(const struct trace_entry *e, enum trace_op op)
{
	switch (op) {
	case T_LOAD: return !strcmp(e->cmd, "DM_TABLE_LOAD");
	case T_SUSPEND: return !strcmp(e->cmd, "DM_DEV_SUSPEND") && (e->flags_in & SC_DM_SUSPEND_FLAG);
	case T_RESUME: return !strcmp(e->cmd, "DM_DEV_SUSPEND") && !(e->flags_in & SC_DM_SUSPEND_FLAG);
	case T_MESSAGE: return !strcmp(e->cmd, "DM_TARGET_MSG");
	case T_REMOVE: return !strcmp(e->cmd, "DM_DEV_REMOVE");
	case T_CREATE: return !strcmp(e->cmd, "DM_DEV_CREATE");
	}
	return 0;
}

/* Index of the first successful OP on device NAME/DEV in T, or -1. */
static inline int trace_find(const struct trace *t, enum trace_op op, const char *name, const char *dev)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (!t->e[i].err && trace_op_is(&t->e[i], op) && trace_is_dev(&t->e[i], name, dev))
			return i;
	return -1;
}

/* Number of successful OP entries on NAME/DEV in T. */
static inline int trace_count(const struct trace *t, enum trace_op op, const char *name, const char *dev)
{
	int i, c = 0;

	for (i = 0; i < t->n; i++)
		if (!t->e[i].err && trace_op_is(&t->e[i], op) && trace_is_dev(&t->e[i], name, dev))
			c++;
	return c;
}

static inline void trace_print(const struct trace *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		printf("#   trace %d: %s name=%s dev=%s flags_in=%u errno=%d\n", i, t->e[i].cmd, t->e[i].name,
		       t->e[i].dev, t->e[i].flags_in, t->e[i].err);
}

static inline int env_is(const char *var)
{
	const char *v = getenv(var);

	return v && !strcmp(v, "1");
}
#endif
