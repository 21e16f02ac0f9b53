// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace versions of the few kernel library functions the shared
 * pure-logic files call.
 */
#include <linux/crc32.h>
#include <linux/string.h>

/* Bitwise CRC32 (IEEE 802.3, reflected), like the kernel's crc32_le(). */
u32 crc32_le(u32 crc, const void *p, size_t len)
{
	const u8 *b = p;
	int i;

	while (len--) {
		crc ^= *b++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return crc;
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;

	for (; bytes; bytes--, p++)
		if (*p != (unsigned char)c)
			return (void *)p;
	return NULL;
}
