/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/errno.h>, for the unit tests. */
#ifndef UNIT_LINUX_ERRNO_H
#define UNIT_LINUX_ERRNO_H

/* The system <errno.h> includes <linux/errno.h>: go to the source. */
#include <asm/errno.h>

#endif
