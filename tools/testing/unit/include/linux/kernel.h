/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the parts of <linux/kernel.h> (and the byte-order
 * and overflow helpers it brings) that the shared pure-logic files use.
 */
#ifndef UNIT_LINUX_KERNEL_H
#define UNIT_LINUX_KERNEL_H

#include <endian.h>
#include <limits.h>
#include <stddef.h>
#include <linux/bits.h>
#include <linux/types.h>

#define U16_MAX		UINT16_MAX
#define U32_MAX		UINT32_MAX
#define U64_MAX		UINT64_MAX

#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define cpu_to_le64(x)	htole64(x)
#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)
#define le64_to_cpu(x)	le64toh(x)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#define ALIGN(x, a)	({ typeof(x) _m = (typeof(x))(a) - 1; ((x) + _m) & ~_m; })
#define IS_ALIGNED(x, a)	({ typeof(x) _m = (typeof(x))(a) - 1; ((x) & _m) == 0; })
#define container_of(p, type, member)	\
	((type *)((char *)(p) - offsetof(type, member)))
#define fallthrough	__attribute__((__fallthrough__))

#endif
