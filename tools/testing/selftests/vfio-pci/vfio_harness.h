/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the in-guest programs on the kernel's kselftest harness: the
 * harness itself (from Debian's linux-source-6.1, see the Makefile) and
 * the two words they share.  Include it once, in the program's .c file.
 */
#ifndef VFIO_HARNESS_H
#define VFIO_HARNESS_H

#include <stdbool.h>

#include "kselftest_harness.h"

/* The running case, for helpers that check. */
#define TEST_ARGS struct __test_metadata *_metadata

/*
 * A behaviour the code under test must have: the case goes on, failed,
 * and the failure names the behaviour on stderr.
 */
#define check(cond, fmt, ...) do {				\
		bool __held = (cond);				\
		EXPECT_TRUE(__held) TH_LOG(fmt, ##__VA_ARGS__);	\
	} while (0)

#endif /* VFIO_HARNESS_H */
