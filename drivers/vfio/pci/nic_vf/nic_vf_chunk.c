// SPDX-License-Identifier: GPL-2.0-only
/*
 * The framing of a NIC VF driver's state in the migration stream: chunks,
 * each a NIC_VF_CHUNK_HDR header and a payload, in a fixed order.  The
 * engine frames and checksums the stream as a whole; chunks let a driver
 * check, on a destination, that each part is the one it expects, in the
 * format it reads, before it uses a byte of it.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/chunk.h>

/**
 * nic_vf_chunk_header() - write a chunk header
 * @buf: NIC_VF_CHUNK_HDR bytes
 * @tag: NIC_VF_TAG() of the chunk
 * @version: the driver's state format version
 * @len: payload bytes that follow
 */
void nic_vf_chunk_header(void *buf, u32 tag, u16 version, u32 len)
{
	u8 *p = buf;

	memset(p, 0, NIC_VF_CHUNK_HDR);
	nic_vf_put32(p, tag);
	nic_vf_put16(p + 4, version);
	nic_vf_put32(p + 8, len);
}
EXPORT_SYMBOL_GPL(nic_vf_chunk_header);

/**
 * nic_vf_chunk_open() - check one chunk of a driver's state
 * @buf: the chunk, header first
 * @len: its exact length
 * @version: the format version the driver reads
 * @tags: the driver's chunk tags, in the order they are saved
 * @nr_tags: how many (at most 32)
 * @loaded: BIT(i) of each chunk @tags[i] already loaded
 * @payload: set to the payload
 * @plen: set to its length
 *
 * Chunks come once each, in order, each exactly as long as it says, with
 * reserved fields zero.
 *
 * Return: the index in @tags of the chunk, or -EINVAL.
 */
int nic_vf_chunk_open(const void *buf, size_t len, u16 version,
		      const u32 *tags, unsigned int nr_tags, u32 loaded,
		      const u8 **payload, u32 *plen)
{
	const u8 *p = buf;
	unsigned int i;
	u32 tag;

	if (len < NIC_VF_CHUNK_HDR || nr_tags > 32 ||
	    nic_vf_get16(p + 4) != version || nic_vf_get16(p + 6) ||
	    nic_vf_get32(p + 12) ||
	    nic_vf_get32(p + 8) != len - NIC_VF_CHUNK_HDR)
		return -EINVAL;
	tag = nic_vf_get32(p);
	for (i = 0; i < nr_tags; i++)
		if (tags[i] == tag)
			break;
	/* In order, once each: nothing may be skipped or repeated. */
	if (i == nr_tags || loaded != (u32)((1ULL << i) - 1))
		return -EINVAL;
	*payload = p + NIC_VF_CHUNK_HDR;
	*plen = len - NIC_VF_CHUNK_HDR;
	return i;
}
EXPORT_SYMBOL_GPL(nic_vf_chunk_open);
