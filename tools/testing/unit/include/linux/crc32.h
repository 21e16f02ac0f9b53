/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/crc32.h>, for the unit tests. */
#ifndef UNIT_LINUX_CRC32_H
#define UNIT_LINUX_CRC32_H

#include <linux/types.h>

u32 crc32_le(u32 crc, const void *p, size_t len);

#endif
