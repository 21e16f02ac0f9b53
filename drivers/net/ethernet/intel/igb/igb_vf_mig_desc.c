// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 82576 VF's descriptor rings, as the dirty tracker needs them.
 *
 *   RX  the device writes the packet buffer (and, with header split, the
 *       header buffer) of each posted descriptor, then overwrites the
 *       descriptor with its status.  Sizes come from the queue's SRRCTL.
 *       It writes a buffer only before it hands the descriptor back, and
 *       igbvf posts a slot again only after taking its buffer, so buffers
 *       are marked dirty when their slot is re-posted (and at the quiesce)
 *       rather than held at every dirty sync: a sync then reports the
 *       frames received since the last one, not the whole posted ring.
 *   TX  the device only reads buffers; it writes the status back into the
 *       ring (held as a whole) and, if the guest enabled it, its head into
 *       a location of guest memory (the ring's extra range).  Descriptors
 *       are not parsed at all.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "igb_vf_mig.h"

/* The largest header buffer SRRCTL can describe. */
#define RX_HDR_MAX	(IGB_VFM_SRRCTL_BSIZEHDR >> IGB_VFM_SRRCTL_BSIZEHDR_SHIFT)

static bool wraps(u64 iova, u64 len)
{
	return len && iova + (len - 1) < iova;
}

/**
 * igb_vfm_rxq_from_srrctl() - what an RX queue's descriptors give the device
 * @q: filled in
 * @srrctl: the queue's SRRCTL as the device holds it
 *
 * A queue without its own packet buffer size uses the PF's, which a VF
 * cannot see: the largest the device supports is assumed.  A header-split
 * queue without a header size is held for the largest header.
 */
void igb_vfm_rxq_from_srrctl(struct igb_vfm_rxq *q, u32 srrctl)
{
	u32 pkt = (srrctl & IGB_VFM_SRRCTL_BSIZEPKT) <<
		  IGB_VFM_SRRCTL_BSIZEPKT_SHIFT;
	u32 hdr = (srrctl & IGB_VFM_SRRCTL_BSIZEHDR) >>
		  IGB_VFM_SRRCTL_BSIZEHDR_SHIFT;
	u32 type = srrctl & IGB_VFM_SRRCTL_DESCTYPE;

	q->buf_len = pkt ? pkt : IGB_VFM_RX_BUF_MAX;
	q->legacy = type == IGB_VFM_DESCTYPE_LEGACY;
	if (type == IGB_VFM_DESCTYPE_SPLIT ||
	    type == IGB_VFM_DESCTYPE_SPLIT_ALWAYS)
		q->hdr_len = hdr ? hdr : RX_HDR_MAX;
	else
		q->hdr_len = 0;
}

/**
 * igb_vfm_parse_rx() - the buffers a posted RX descriptor gives the device
 * @desc: 16-byte descriptor, as the guest posted it
 * @priv: the queue's struct igb_vfm_rxq
 * @r: filled with the packet buffer and, with header split, the header
 *     buffer
 *
 * Return: ranges filled, -ENOENT for a written-back descriptor, -EINVAL for
 * a wrapping buffer or a queue without sizes.
 */
int igb_vfm_parse_rx(const u8 *desc, const void *priv,
		     struct nic_vf_range *r)
{
	const struct igb_vfm_rxq *q = priv;
	u64 pkt = nic_vf_get64(desc + IGB_VFM_RXD_PKT);
	u64 hdr = nic_vf_get64(desc + IGB_VFM_RXD_HDR);
	int n = 0;

	if (!q || !q->buf_len)
		return -EINVAL;
	if (desc[q->legacy ? IGB_VFM_RXD_LEGACY_STATUS : IGB_VFM_RXD_HDR] &
	    IGB_VFM_RXD_DD)
		return -ENOENT;
	if (wraps(pkt, q->buf_len) || (q->hdr_len && wraps(hdr, q->hdr_len)))
		return -EINVAL;
	r[n].iova = pkt;
	r[n++].len = q->buf_len;
	if (q->hdr_len) {
		r[n].iova = hdr;
		r[n++].len = q->hdr_len;
	}
	return n;
}

/* The device takes any ring length in descriptors and ignores the low four
 * bits of the base (QEMU's model; the 82576 needs multiples of eight): the
 * tracker accepts what the device accepts.
 */
const struct nic_vf_ring_ops igb_vfm_rx_ring = {
	.name		= "rx",
	.desc_size	= IGB_VFM_DESC_SIZE,
	.base_align	= IGB_VFM_RING_ALIGN,
	.len_multiple	= 1,
	.max_len	= IGB_VFM_RING_MAX,
	.written_back	= true,
	.mark_on_repost	= true,
	.parse		= igb_vfm_parse_rx,
};

const struct nic_vf_ring_ops igb_vfm_tx_ring = {
	.name		= "tx",
	.desc_size	= IGB_VFM_DESC_SIZE,
	.base_align	= IGB_VFM_RING_ALIGN,
	.len_multiple	= 1,
	.max_len	= IGB_VFM_RING_MAX,
	.written_back	= true,
	.parse		= NULL,
};
