/*
 * The few libdevmapper entry points that C's variadic calling convention
 * makes impossible to define in stable Rust: dm_snprintf, dm_asprintf,
 * dm_vasprintf, and the default log functions that the exported variables
 * dm_log and dm_log_with_errno point to. Each formats its arguments and
 * hands plain strings to Rust; no other logic lives here.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*dm_log_with_errno_fn)(int level, const char *file, int line,
				     int dm_errno_or_class, const char *f, ...);
typedef void (*dm_log_fn)(int level, const char *file, int line,
			  const char *f, ...);

/* Rust: the default printer (libdm's rules), given a formatted message. */
void devmapper_default_log_message(int level, const char *file, int line,
				   int dm_errno_or_class, const char *message);

static void format_and_log(int level, const char *file, int line, int err,
			   const char *f, va_list ap)
{
	char *message = NULL;

	if (vasprintf(&message, f, ap) < 0)
		message = NULL;
	devmapper_default_log_message(level, file, line, err,
				      message ? message : f);
	free(message);
}

__attribute__((format(printf, 5, 6)))
static void default_log_with_errno(int level, const char *file, int line,
				   int err, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	format_and_log(level, file, line, err, f, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 5)))
static void default_log(int level, const char *file, int line,
			const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	format_and_log(level, file, line, 0, f, ap);
	va_end(ap);
}

/* Exported data symbols of the C library: the current log functions. */
dm_log_fn dm_log = default_log;
dm_log_with_errno_fn dm_log_with_errno = default_log_with_errno;

/* After dm_log_init(fn): calls through dm_log_with_errno reach fn too. */
__attribute__((format(printf, 5, 6)))
static void log_with_errno_to_dm_log(int level, const char *file, int line,
				     int err, const char *f, ...)
{
	char *message = NULL;
	va_list ap;

	(void) err;
	va_start(ap, f);
	if (vasprintf(&message, f, ap) < 0)
		message = NULL;
	va_end(ap);
	dm_log(level, file, line, "%s", message ? message : f);
	free(message);
}

dm_log_with_errno_fn devmapper_log_with_errno_to_dm_log_fn(void)
{
	return log_with_errno_to_dm_log;
}

/* The defaults, for Rust to restore them. */
dm_log_fn devmapper_default_log_fn(void) { return default_log; }
dm_log_with_errno_fn devmapper_default_log_with_errno_fn(void)
{
	return default_log_with_errno;
}

/* Returns the length written, or -1 if it did not fit (libdm semantics). */
int dm_snprintf(char *buf, size_t bufsize, const char *format, ...)
{
	va_list ap;
	int n;

	if (!buf || !format)
		return -1;
	va_start(ap, format);
	n = vsnprintf(buf, bufsize, format, ap);
	va_end(ap);
	if (n < 0 || (size_t) n >= bufsize)
		return -1;
	return n;
}

/* Returns the size of the buffer allocated (with its NUL), or -1. */
int dm_vasprintf(char **result, const char *format, va_list aq)
{
	char *buf = NULL;
	int n;

	if (!result || !format)
		return -1;
	n = vasprintf(&buf, format, aq);
	if (n < 0) {
		*result = NULL;
		return -1;
	}
	*result = buf;
	return n + 1;
}

int dm_asprintf(char **result, const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = dm_vasprintf(result, format, ap);
	va_end(ap);
	return r;
}
