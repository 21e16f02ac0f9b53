/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the framing of a driver's state in the migration stream.
 */
#ifndef _LINUX_NIC_VF_CHUNK_H
#define _LINUX_NIC_VF_CHUNK_H

#include <linux/types.h>

/*
 * Chunk header, NIC_VF_CHUNK_HDR bytes, little endian: le32 tag (four
 * ASCII characters), le16 format version, le16 flags (zero), le32 payload
 * length, le32 reserved (zero).  The payload follows.
 */
#define NIC_VF_CHUNK_HDR	16
/* Four characters as a chunk tag, read as a little-endian u32. */
#define NIC_VF_TAG(a, b, c, d)	((u32)(a) | (u32)(b) << 8 | \
				 (u32)(c) << 16 | (u32)(d) << 24)

void nic_vf_chunk_header(void *buf, u32 tag, u16 version, u32 len);
int nic_vf_chunk_open(const void *buf, size_t len, u16 version,
		      const u32 *tags, unsigned int nr_tags, u32 loaded,
		      const u8 **payload, u32 *plen);

#endif /* _LINUX_NIC_VF_CHUNK_H */
