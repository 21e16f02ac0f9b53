/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/sched.h>, for the unit tests. */
#ifndef UNIT_LINUX_SCHED_H
#define UNIT_LINUX_SCHED_H

/* A single-threaded test has nobody to yield to. */
static inline void cond_resched(void)
{
}

#endif
