/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/bits.h>, for the unit tests. */
#ifndef UNIT_LINUX_BITS_H
#define UNIT_LINUX_BITS_H

#define BIT(n)		(1UL << (n))

#endif
