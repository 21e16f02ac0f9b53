// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VF's descriptors, as the dirty tracker needs them: for one descriptor
 * the guest posted, which guest memory the device may write.
 *
 *   TX     the device only reads buffers; it writes completions into the
 *          ring, which is held as a whole.  Nothing to parse (and the TX
 *          tails are not trapped).
 *   RX     the device writes the packet (and header) buffer, then
 *          overwrites the descriptor; sizes come from the queue's
 *          configuration, captured from CONFIG_VSI_QUEUES.
 *   ATQ    the device writes back the descriptor, and the buffer of a
 *          command whose buffer is not marked read-only.
 *   ARQ    the guest posts empty buffers; the device writes a PF message
 *          into one and completes the descriptor.
 *
 * Each parser refuses what the device could not use (-EINVAL) and reports
 * descriptors that are already completed (-ENOENT).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "i40e_vf_mig.h"

static bool wraps(u64 iova, u64 len)
{
	return len && iova + (len - 1) < iova;
}

/**
 * i40e_vfm_parse_rx() - the buffers a posted RX descriptor gives the device
 * @desc: 32-byte descriptor
 * @priv: the queue's struct i40e_vfm_rxq
 * @r: filled with the packet buffer and, with header split, the header
 *     buffer
 *
 * Return: ranges filled, -ENOENT for a written-back descriptor, -EINVAL for
 * a wrapping buffer or a queue without sizes.
 */
int i40e_vfm_parse_rx(const u8 *desc, const void *priv,
		      struct nic_vf_range *r)
{
	const struct i40e_vfm_rxq *q = priv;
	u64 pkt = nic_vf_get64(desc);
	u64 hdr = nic_vf_get64(desc + 8);
	int n = 0;

	if (hdr & I40E_VFM_RXD_DD)
		return -ENOENT;
	if (!q || !q->buf_len || wraps(pkt, q->buf_len) ||
	    (q->hdr_len && wraps(hdr, q->hdr_len)))
		return -EINVAL;
	r[n].iova = pkt;
	r[n++].len = q->buf_len;
	if (q->hdr_len) {
		r[n].iova = hdr;
		r[n++].len = q->hdr_len;
	}
	return n;
}

static u64 aq_addr(const u8 *desc)
{
	return (u64)nic_vf_get32(desc + I40E_VFM_AQD_ADDR_HI) << 32 |
	       nic_vf_get32(desc + I40E_VFM_AQD_ADDR_LO);
}

/**
 * i40e_vfm_parse_atq() - what a posted admin command lets the device write
 * @desc: 32-byte admin queue descriptor
 * @priv: unused
 * @r: filled with the command's buffer unless it is read-only
 *
 * Return: ranges filled (0 or 1), -ENOENT for a completed descriptor,
 * -EINVAL for a buffer longer than the admin queue allows or wrapping.
 */
int i40e_vfm_parse_atq(const u8 *desc, const void *priv,
		       struct nic_vf_range *r)
{
	u16 flags = nic_vf_get16(desc + I40E_VFM_AQD_FLAGS);
	u16 len = nic_vf_get16(desc + I40E_VFM_AQD_DATALEN);

	if (flags & I40E_VFM_AQF_DD)
		return -ENOENT;
	if (!(flags & I40E_VFM_AQF_BUF) || !len)
		return 0;
	if (len > I40E_VFM_AQ_BUF_MAX || wraps(aq_addr(desc), len))
		return -EINVAL;
	if (flags & I40E_VFM_AQF_RD)
		return 0;
	r->iova = aq_addr(desc);
	r->len = len;
	return 1;
}

/**
 * i40e_vfm_parse_arq() - the buffer a posted receive slot gives the device
 * @desc: 32-byte admin queue descriptor
 * @priv: unused
 * @r: filled with the buffer
 *
 * A buffer longer than any PF message is held only for the longest message.
 *
 * Return: 1, -ENOENT for a completed descriptor, -EINVAL for a slot without
 * a buffer or with a wrapping one.
 */
int i40e_vfm_parse_arq(const u8 *desc, const void *priv,
		       struct nic_vf_range *r)
{
	u16 flags = nic_vf_get16(desc + I40E_VFM_AQD_FLAGS);
	u32 len = nic_vf_get16(desc + I40E_VFM_AQD_DATALEN);

	if (flags & I40E_VFM_AQF_DD)
		return -ENOENT;
	if (!(flags & I40E_VFM_AQF_BUF) || !len)
		return -EINVAL;
	if (len > I40E_VFM_AQ_BUF_MAX)
		len = I40E_VFM_AQ_BUF_MAX;
	if (wraps(aq_addr(desc), len))
		return -EINVAL;
	r->iova = aq_addr(desc);
	r->len = len;
	return 1;
}

const struct nic_vf_ring_ops i40e_vfm_tx_ring = {
	.name		= "tx",
	.desc_size	= I40E_VFM_TXD_SIZE,
	.base_align	= I40E_VFM_RING_ALIGN,
	.len_multiple	= I40E_VFM_TX_LEN_MULTIPLE,
	.max_len	= I40E_VFM_RING_MAX_XL710,
	.written_back	= true,
	.parse		= NULL,
};

const struct nic_vf_ring_ops i40e_vfm_rx_ring = {
	.name		= "rx",
	.desc_size	= I40E_VFM_RXD_SIZE,
	.base_align	= I40E_VFM_RING_ALIGN,
	.len_multiple	= I40E_VFM_RX_LEN_MULTIPLE,
	.max_len	= I40E_VFM_RING_MAX_XL710,
	.written_back	= true,
	.parse		= i40e_vfm_parse_rx,
};

const struct nic_vf_ring_ops i40e_vfm_atq_ring = {
	.name		= "atq",
	.desc_size	= I40E_VFM_AQD_SIZE,
	.base_align	= I40E_VFM_AQ_ALIGN,
	.len_multiple	= 1,
	.max_len	= I40E_VFM_AQ_MAX_LEN,
	.written_back	= true,
	.parse		= i40e_vfm_parse_atq,
};

const struct nic_vf_ring_ops i40e_vfm_arq_ring = {
	.name		= "arq",
	.desc_size	= I40E_VFM_AQD_SIZE,
	.base_align	= I40E_VFM_AQ_ALIGN,
	.len_multiple	= 1,
	.max_len	= I40E_VFM_AQ_MAX_LEN,
	.written_back	= true,
	.parse		= i40e_vfm_parse_arq,
};
