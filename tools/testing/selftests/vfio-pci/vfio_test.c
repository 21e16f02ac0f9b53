// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP output for the in-guest programs not on the kselftest harness.  The
 * VFIO client they use is tools/lib/vfio.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vfio_test.h"

static int failures;

static void tap_line(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void tap_ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line("ok - ", fmt, ap);
	va_end(ap);
}

void tap_fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	tap_line("not ok - ", fmt, ap);
	va_end(ap);
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ok - ", stdout);
	vprintf(fmt, ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line("# ", fmt, ap);
	va_end(ap);
}

bool tap_check(bool cond, const char *fmt, ...)
{
	va_list ap;

	if (!cond)
		failures++;
	va_start(ap, fmt);
	tap_line(cond ? "ok - " : "not ok - ", fmt, ap);
	va_end(ap);
	return cond;
}

int tap_failures(void)
{
	return failures;
}
