/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the in-guest programs: the VFIO client (tools/lib/vfio) and TAP
 * lines for those not on the kselftest harness.
 */
#ifndef VFIO_TEST_H
#define VFIO_TEST_H

#include <stdbool.h>

#include "vfio_dev.h"

/* TAP output; every call prints one line. */
void tap_ok(const char *fmt, ...) __printf(1, 2);
void tap_fail(const char *fmt, ...) __printf(1, 2);
void tap_skip(const char *why, const char *fmt, ...) __printf(2, 3);
void tap_diag(const char *fmt, ...) __printf(1, 2);
/* ok or not ok by @cond; returns @cond. */
bool tap_check(bool cond, const char *fmt, ...) __printf(2, 3);
/* Number of "not ok" lines printed so far. */
int tap_failures(void);

#endif /* VFIO_TEST_H */
