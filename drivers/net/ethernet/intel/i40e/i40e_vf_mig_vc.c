// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture of the guest's virtchnl configuration.
 *
 * Every message the guest's VF driver posts on its admin send queue is seen
 * here before the device does (the ATQ tail is trapped for the device's
 * whole life).  A message is checked exactly as the 6.1 PF checks it, so
 * that what is logged is what the PF applied; then the driver's policy for
 * its opcode decides how it enters the log:
 *
 *   VERSION            forgets the previous negotiation, latest wins
 *   RESET_VF           forgets everything but sticky entries, not logged
 *   REQUEST_QUEUES     latest wins, sticky: the PF keeps the count across
 *                      the VF reset it then performs
 *   ADD/DEL_ETH_ADDR,  appended in order (filters accumulate)
 *   ADD/DEL_VLAN
 *   ENABLE/DISABLE_QUEUES, EN/DISABLE_VLAN_STRIPPING
 *                      one key per pair, latest wins
 *   the rest of the    latest wins per opcode
 *   configuration
 *   GET_STATS, GET_RSS_HENA_CAPS
 *                      queries: ignored
 *
 * CONFIG_VSI_QUEUES also gives the data rings' addresses and sizes to the
 * dirty tracker, mirroring how the PF applies it (pair by pair, stopping
 * at the first pair it refuses, ring base rounded down to 128 bytes).
 *
 * A guest controls every byte here; the worst it can do is make its own
 * log or tracking wrong, which only costs its own memory on a destination.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "i40e_vf_mig.h"

/* Log keys of opcode pairs whose latest message wins for both. */
#define KEY_QSTATE	0x10000
#define KEY_STRIP	0x10001

/* Exact length of a list message: header, count, one unused element. */
static u32 list_len(u32 hdr, u32 count, u32 elem)
{
	return hdr + (count + 1) * elem;
}

/**
 * i40e_vfm_vc_check() - would the PF accept this message's format?
 * @op: virtchnl opcode
 * @msg: the message
 * @len: its length
 * @v11: the guest announced virtchnl 1.1 (it then sends its capabilities)
 *
 * Return: 0 if its length and counts are what the PF accepts,
 * -EINVAL if not, -EOPNOTSUPP for an opcode this driver does not interpret.
 */
int i40e_vfm_vc_check(u32 op, const u8 *msg, u32 len, bool v11)
{
	u32 n, want;

	switch (op) {
	case I40E_VC_VERSION:
		want = I40E_VC_VERSION_LEN;
		break;
	case I40E_VC_RESET_VF:
	case I40E_VC_GET_RSS_HENA_CAPS:
	case I40E_VC_ENABLE_VLAN_STRIP:
	case I40E_VC_DISABLE_VLAN_STRIP:
		want = 0;
		break;
	case I40E_VC_GET_VF_RESOURCES:
		want = v11 ? I40E_VC_CAPS_LEN : 0;
		break;
	case I40E_VC_CONFIG_VSI_QUEUES:
		if (len < I40E_VC_VSIQ_HDR)
			return -EINVAL;
		n = nic_vf_get16(msg + 2);
		if (!n || n > I40E_VFM_QUEUES)
			return -EINVAL;
		want = list_len(I40E_VC_VSIQ_HDR, n, I40E_VC_QPAIR_LEN);
		break;
	case I40E_VC_CONFIG_IRQ_MAP:
		if (len < I40E_VC_IRQMAP_HDR)
			return -EINVAL;
		n = nic_vf_get16(msg);
		if (!n || n > I40E_VC_IRQMAP_MAX)
			return -EINVAL;
		want = list_len(I40E_VC_IRQMAP_HDR, n, I40E_VC_IRQMAP_LEN);
		break;
	case I40E_VC_ENABLE_QUEUES:
	case I40E_VC_DISABLE_QUEUES:
	case I40E_VC_GET_STATS:
		want = I40E_VC_QSEL_LEN;
		break;
	case I40E_VC_ADD_ETH_ADDR:
	case I40E_VC_DEL_ETH_ADDR:
		if (len < I40E_VC_ADDR_HDR)
			return -EINVAL;
		n = nic_vf_get16(msg + 2);
		if (!n)
			return -EINVAL;
		want = list_len(I40E_VC_ADDR_HDR, n, I40E_VC_ADDR_LEN);
		break;
	case I40E_VC_ADD_VLAN:
	case I40E_VC_DEL_VLAN:
		if (len < I40E_VC_VLAN_HDR)
			return -EINVAL;
		n = nic_vf_get16(msg + 2);
		if (!n)
			return -EINVAL;
		want = list_len(I40E_VC_VLAN_HDR, n, I40E_VC_VLAN_LEN);
		break;
	case I40E_VC_CONFIG_PROMISC:
		want = I40E_VC_PROMISC_LEN;
		break;
	case I40E_VC_CONFIG_RSS_KEY:
	case I40E_VC_CONFIG_RSS_LUT:
		/* Header, then exactly count bytes (padding included). */
		if (len < I40E_VC_RSS_HDR + 2)
			return -EINVAL;
		n = nic_vf_get16(msg + 2);
		if (!n)
			return -EINVAL;
		want = I40E_VC_RSS_HDR + n + 1;
		break;
	case I40E_VC_SET_RSS_HENA:
		want = I40E_VC_HENA_LEN;
		break;
	case I40E_VC_REQUEST_QUEUES:
		want = I40E_VC_REQQ_LEN;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return len == want ? 0 : -EINVAL;
}

/* The log's policy for one (valid) message: its key and action. */
static unsigned int vc_policy(u32 op, u32 *key)
{
	*key = op;
	switch (op) {
	case I40E_VC_VERSION:
		return NIC_VF_MSG_CLEAR | NIC_VF_MSG_LATEST;
	case I40E_VC_RESET_VF:
		return NIC_VF_MSG_CLEAR;
	case I40E_VC_REQUEST_QUEUES:
		return NIC_VF_MSG_LATEST | NIC_VF_MSG_STICKY;
	case I40E_VC_ADD_ETH_ADDR:
	case I40E_VC_DEL_ETH_ADDR:
	case I40E_VC_ADD_VLAN:
	case I40E_VC_DEL_VLAN:
		return NIC_VF_MSG_APPEND;
	case I40E_VC_ENABLE_QUEUES:
	case I40E_VC_DISABLE_QUEUES:
		*key = KEY_QSTATE;
		return NIC_VF_MSG_LATEST;
	case I40E_VC_ENABLE_VLAN_STRIP:
	case I40E_VC_DISABLE_VLAN_STRIP:
		*key = KEY_STRIP;
		return NIC_VF_MSG_LATEST;
	case I40E_VC_GET_STATS:
	case I40E_VC_GET_RSS_HENA_CAPS:
		return NIC_VF_MSG_IGNORE;
	default:
		return NIC_VF_MSG_LATEST;
	}
}

static bool is_v11(const u8 *version)
{
	return nic_vf_get32(version) == 1 && nic_vf_get32(version + 4) == 1;
}

/* Would the capture have logged this message under this key? */
static bool recordable(const struct nic_vf_msg *msg)
{
	unsigned int action;
	u32 key;

	action = vc_policy(msg->opcode, &key);
	return (action & (NIC_VF_MSG_LATEST | NIC_VF_MSG_APPEND)) &&
	       key == msg->key &&
	       msg->sticky == !!(action & NIC_VF_MSG_STICKY);
}

/* One queue pair as the PF would apply it; false if the PF refuses it. */
static bool apply_qpair(struct i40e_vfm *m, u16 vsi, const u8 *p)
{
	const u8 *rx = p + I40E_VC_RXQ;
	u16 q = nic_vf_get16(p + I40E_VC_TXQ_QID);
	u32 tx_len = nic_vf_get16(p + I40E_VC_TXQ_RING_LEN);
	u32 rx_len = nic_vf_get32(rx + I40E_VC_RXQ_RING_LEN);
	u32 buf = nic_vf_get32(rx + I40E_VC_RXQ_BUF_SIZE);
	u32 max_pkt = nic_vf_get32(rx + I40E_VC_RXQ_MAX_PKT);
	u32 hdr = nic_vf_get16(rx + I40E_VC_RXQ_HDR_SIZE);
	bool split = nic_vf_get16(rx + I40E_VC_RXQ_SPLIT);
	u64 tx_base = nic_vf_get64(p + I40E_VC_TXQ_RING_ADDR);
	u64 rx_base = nic_vf_get64(rx + I40E_VC_RXQ_RING_ADDR);
	struct nic_vf_range wb = {};
	struct nic_vf_ring *ring;

	if (q >= I40E_VFM_QUEUES || nic_vf_get16(p + I40E_VC_TXQ_VSI) != vsi ||
	    nic_vf_get16(rx + I40E_VC_RXQ_VSI) != vsi ||
	    nic_vf_get16(rx + I40E_VC_RXQ_QID) != q ||
	    rx_len % I40E_VFM_RX_LEN_MULTIPLE || rx_len > m->max_ring ||
	    (split && hdr > I40E_VC_RX_HDR_MAX) || buf > I40E_VC_RX_BUF_MAX ||
	    max_pkt < I40E_VC_RX_PKT_MIN || max_pkt >= I40E_VC_RX_PKT_LIMIT ||
	    tx_len % I40E_VFM_TX_LEN_MULTIPLE || tx_len > m->max_ring)
		return false;

	/* The PF keeps buffer sizes in 128-byte units: 0 means none set. */
	m->rxq[q].buf_len = buf >= 128 ? buf : max_pkt;
	m->rxq[q].hdr_len = split ? hdr : 0;

	ring = &m->rings[I40E_VFM_RING_RX(q)];
	rx_base &= ~(u64)(I40E_VFM_RING_ALIGN - 1);
	if (!rx_len || nic_vf_ring_configure(&m->trk, ring, rx_base, rx_len,
					     NULL)) {
		if (rx_len)
			m->stats.bad_ring++;
		nic_vf_ring_disable(&m->trk, ring);
	}

	/* Head write-back: the device stores its TX head there. */
	if (nic_vf_get16(p + I40E_VC_TXQ_HEADWB_EN)) {
		wb.iova = nic_vf_get64(p + I40E_VC_TXQ_HEADWB_ADDR);
		wb.len = 4;
	}
	ring = &m->rings[I40E_VFM_RING_TX(q)];
	tx_base &= ~(u64)(I40E_VFM_RING_ALIGN - 1);
	if (!tx_len || nic_vf_ring_configure(&m->trk, ring, tx_base, tx_len,
					     &wb)) {
		if (tx_len)
			m->stats.bad_ring++;
		nic_vf_ring_disable(&m->trk, ring);
	}
	return true;
}

static void apply_vsi_queues(struct i40e_vfm *m, const u8 *msg)
{
	u16 vsi = nic_vf_get16(msg);
	u32 i, n = nic_vf_get16(msg + 2);

	for (i = 0; i < n; i++)
		if (!apply_qpair(m, vsi, msg + I40E_VC_VSIQ_HDR +
				 i * I40E_VC_QPAIR_LEN))
			break;
}

static void disable_data_rings(struct i40e_vfm *m)
{
	int q;

	for (q = 0; q < I40E_VFM_QUEUES; q++) {
		nic_vf_ring_disable(&m->trk, &m->rings[I40E_VFM_RING_TX(q)]);
		nic_vf_ring_disable(&m->trk, &m->rings[I40E_VFM_RING_RX(q)]);
	}
}

/**
 * i40e_vfm_rss_by_registers() - does the guest program RSS through BAR0?
 * @device: PCI device ID of the VF
 * @caps: capabilities the guest asked for
 *
 * The PF grants RSS by messages to a guest that asks for it, by admin
 * commands to one that asks on a device able to, and by registers to any
 * other.
 *
 * Return: true if RSS is register-based.
 */
bool i40e_vfm_rss_by_registers(u16 device, u32 caps)
{
	if (caps & I40E_VC_CAP_RSS_PF)
		return false;
	return !((caps & I40E_VC_CAP_RSS_AQ) &&
		 device == I40E_VFM_DEV_X722_VF);
}

/* The PF applied a message: follow what it does to the VF. */
static void vc_applied(void *drv, u32 op, const u8 *msg, u32 len)
{
	struct i40e_vfm *m = drv;

	switch (op) {
	case I40E_VC_VERSION:
		m->vf_v11 = is_v11(msg);
		m->caps = 0;
		break;
	case I40E_VC_RESET_VF:
		disable_data_rings(m);
		m->caps = 0;
		break;
	case I40E_VC_GET_VF_RESOURCES:
		m->caps = len ? nic_vf_get32(msg) : I40E_VC_CAPS_V10;
		break;
	case I40E_VC_CONFIG_VSI_QUEUES:
		apply_vsi_queues(m, msg);
		break;
	}
}

static int vc_check(void *drv, u32 op, const u8 *msg, u32 len)
{
	struct i40e_vfm *m = drv;

	return i40e_vfm_vc_check(op, msg, len, m->vf_v11);
}

static unsigned int vc_policy_of(void *drv, u32 op, const u8 *msg, u32 len,
				 u32 *key)
{
	return vc_policy(op, key);
}

static int vc_summarize(const struct nic_vf_msglog *log, void *sum)
{
	return i40e_vfm_summarize(log, sum);
}

static u32 vc_diff(const void *a, const void *b)
{
	return i40e_vfm_summary_diff(a, b);
}

/* virtchnl, as the capture skeleton sees it. */
const struct nic_vf_msg_ops i40e_vfm_vc_ops = {
	.check		= vc_check,
	.policy		= vc_policy_of,
	.applied	= vc_applied,
	.summarize	= vc_summarize,
	.diff		= vc_diff,
	.sum_size	= sizeof(struct i40e_vfm_summary),
};

/**
 * i40e_vfm_capture() - take one message the guest sent the PF
 * @m: the VF
 * @op: virtchnl opcode
 * @msg: the message (a copy out of guest memory)
 * @len: its length
 *
 * The checks mirror the PF's, so a message that passes them is applied and
 * logged at once (nic_vf_capture_msg()).
 *
 * Return: 0 if recorded or deliberately ignored; -EINVAL for a message the
 * PF refuses; -EOPNOTSUPP for an opcode not interpreted (the log is then
 * flagged incomplete); -EMSGSIZE or -ENOSPC if the log could not keep it.
 */
int i40e_vfm_capture(struct i40e_vfm *m, u32 op, const u8 *msg, u32 len)
{
	return nic_vf_capture_msg(&m->cap, op, msg, len);
}

/**
 * i40e_vfm_atq_visit() - one newly posted admin send queue descriptor
 * @desc: the descriptor, read from guest memory
 * @idx: its index (unused)
 * @arg: the VF's struct i40e_vfm
 *
 * Reads a message to the PF out of its buffer and captures it.
 */
void i40e_vfm_atq_visit(const u8 *desc, u32 idx, void *arg)
{
	struct i40e_vfm *m = arg;
	u16 flags = nic_vf_get16(desc + I40E_VFM_AQD_FLAGS);
	u32 len = nic_vf_get16(desc + I40E_VFM_AQD_DATALEN);
	u32 op = nic_vf_get32(desc + I40E_VFM_AQD_COOKIE_HI);
	u64 addr;

	if (flags & I40E_VFM_AQF_DD) {
		m->stats.stale++;
		return;
	}
	if (nic_vf_get16(desc + I40E_VFM_AQD_OPCODE) != I40E_VFM_AQ_OP_TO_PF) {
		m->stats.other_aq++;
		return;
	}
	if (len) {
		if (len > I40E_VFM_AQ_BUF_MAX) {
			m->stats.oversized++;
			nic_vf_capture_lost(&m->cap, -EMSGSIZE);
			return;
		}
		if (!(flags & I40E_VFM_AQF_BUF)) {
			nic_vf_capture_lost(&m->cap, -EINVAL);
			return;
		}
		addr = (u64)nic_vf_get32(desc + I40E_VFM_AQD_ADDR_HI) << 32 |
		       nic_vf_get32(desc + I40E_VFM_AQD_ADDR_LO);
		if (m->seam.ops->dma_read(m->seam.ctx, addr, m->msgbuf, len)) {
			m->stats.unreadable++;
			nic_vf_capture_lost(&m->cap, -EFAULT);
			return;
		}
	}
	i40e_vfm_capture(m, op, m->msgbuf, len);
}

/* FNV-1a, to compare tables without keeping them. */
static u32 hash_bytes(u32 h, const u8 *p, u32 len)
{
	while (len--) {
		h ^= *p++;
		h *= 16777619U;
	}
	return h;
}

#define HASH_SEED	2166136261U

/* A small set, to apply ADD/DEL in order. */
struct filter_set {
	u8 item[I40E_VFM_SUM_FILTERS][NIC_VF_ETH_ALEN];
	u32 nr;
	bool overflow;
};

static void set_apply(struct filter_set *set, const u8 *item, u32 size,
		      bool add)
{
	u32 i;

	for (i = 0; i < set->nr; i++)
		if (!memcmp(set->item[i], item, size))
			break;
	if (add && i == set->nr) {
		if (set->nr == I40E_VFM_SUM_FILTERS) {
			set->overflow = true;
			return;
		}
		memcpy(set->item[set->nr++], item, size);
	} else if (!add && i < set->nr) {
		memmove(set->item[i], set->item[i + 1],
			(set->nr - i - 1) * sizeof(set->item[0]));
		set->nr--;
	}
}

static u32 set_hash(const struct filter_set *set, u32 size)
{
	u32 i, h = 0;

	for (i = 0; i < set->nr; i++)
		h ^= hash_bytes(HASH_SEED, set->item[i], size);
	return h;
}

static void sum_vsi_queues(struct i40e_vfm_summary *s, const u8 *msg)
{
	u32 i, n = nic_vf_get16(msg + 2);

	memset(s->tx_len, 0, sizeof(s->tx_len));
	memset(s->rx_len, 0, sizeof(s->rx_len));
	memset(s->rx_buf, 0, sizeof(s->rx_buf));
	memset(s->rx_max, 0, sizeof(s->rx_max));
	s->num_qp = n;
	for (i = 0; i < n; i++) {
		const u8 *p = msg + I40E_VC_VSIQ_HDR + i * I40E_VC_QPAIR_LEN;
		const u8 *rx = p + I40E_VC_RXQ;
		u16 q = nic_vf_get16(p + I40E_VC_TXQ_QID);

		if (q >= I40E_VFM_QUEUES)
			continue;
		s->tx_len[q] = nic_vf_get16(p + I40E_VC_TXQ_RING_LEN);
		s->rx_len[q] = nic_vf_get32(rx + I40E_VC_RXQ_RING_LEN);
		s->rx_buf[q] = nic_vf_get32(rx + I40E_VC_RXQ_BUF_SIZE);
		s->rx_max[q] = nic_vf_get32(rx + I40E_VC_RXQ_MAX_PKT);
	}
}

static u32 irq_hash(const u8 *msg)
{
	u32 i, n = nic_vf_get16(msg), h = HASH_SEED;

	/* Skip each map's VSI number: the rest is the guest's choice. */
	for (i = 0; i < n; i++)
		h = hash_bytes(h, msg + I40E_VC_IRQMAP_HDR +
			       i * I40E_VC_IRQMAP_LEN + 2,
			       I40E_VC_IRQMAP_LEN - 2);
	return h;
}

/**
 * i40e_vfm_summarize() - what a log configures, without host specifics
 * @log: a log of checked messages (a loaded log is checked again here)
 * @s: filled in
 *
 * Return: 0, or -EINVAL if the log holds a message the capture would never
 * have recorded.
 */
int i40e_vfm_summarize(const struct nic_vf_msglog *log,
		       struct i40e_vfm_summary *s)
{
	struct filter_set macs = {}, vlans = {};
	struct nic_vf_msg msg;
	u32 pos = 0, i, n;
	bool v11 = false;

	memset(s, 0, sizeof(*s));
	while (nic_vf_msglog_next(log, &pos, &msg)) {
		const u8 *d = msg.data;

		if (i40e_vfm_vc_check(msg.opcode, d, msg.len, v11) ||
		    !recordable(&msg))
			return -EINVAL;
		switch (msg.opcode) {
		case I40E_VC_VERSION:
			v11 = is_v11(d);
			break;
		case I40E_VC_GET_VF_RESOURCES:
			s->caps = msg.len ? nic_vf_get32(d) : I40E_VC_CAPS_V10;
			break;
		case I40E_VC_REQUEST_QUEUES:
			s->req_qp = nic_vf_get16(d);
			break;
		case I40E_VC_CONFIG_VSI_QUEUES:
			sum_vsi_queues(s, d);
			break;
		case I40E_VC_CONFIG_IRQ_MAP:
			s->irq_hash = irq_hash(d);
			break;
		case I40E_VC_ENABLE_QUEUES:
			s->rxq_en |= nic_vf_get32(d + 4);
			s->txq_en |= nic_vf_get32(d + 8);
			break;
		case I40E_VC_DISABLE_QUEUES:
			s->rxq_en &= ~nic_vf_get32(d + 4);
			s->txq_en &= ~nic_vf_get32(d + 8);
			break;
		case I40E_VC_ADD_ETH_ADDR:
		case I40E_VC_DEL_ETH_ADDR:
			n = nic_vf_get16(d + 2);
			for (i = 0; i < n; i++)
				set_apply(&macs, d + I40E_VC_ADDR_HDR +
					  i * I40E_VC_ADDR_LEN, NIC_VF_ETH_ALEN,
					  msg.opcode == I40E_VC_ADD_ETH_ADDR);
			break;
		case I40E_VC_ADD_VLAN:
		case I40E_VC_DEL_VLAN:
			n = nic_vf_get16(d + 2);
			for (i = 0; i < n; i++)
				set_apply(&vlans, d + I40E_VC_VLAN_HDR +
					  i * I40E_VC_VLAN_LEN, I40E_VC_VLAN_LEN,
					  msg.opcode == I40E_VC_ADD_VLAN);
			break;
		case I40E_VC_CONFIG_PROMISC:
			s->promisc = nic_vf_get16(d + 2);
			break;
		case I40E_VC_ENABLE_VLAN_STRIP:
			s->strip = 1;
			break;
		case I40E_VC_DISABLE_VLAN_STRIP:
			s->strip = 2;
			break;
		case I40E_VC_CONFIG_RSS_KEY:
			s->key_hash = hash_bytes(HASH_SEED, d + I40E_VC_RSS_HDR,
						 nic_vf_get16(d + 2));
			break;
		case I40E_VC_CONFIG_RSS_LUT:
			s->lut_hash = hash_bytes(HASH_SEED, d + I40E_VC_RSS_HDR,
						 nic_vf_get16(d + 2));
			break;
		case I40E_VC_SET_RSS_HENA:
			s->hena = nic_vf_get64(d);
			break;
		}
	}
	s->nr_mac = macs.nr;
	s->mac_hash = set_hash(&macs, NIC_VF_ETH_ALEN);
	s->nr_vlan = vlans.nr;
	s->vlan_hash = set_hash(&vlans, I40E_VC_VLAN_LEN);
	s->overflow = macs.overflow || vlans.overflow;
	return 0;
}

/**
 * i40e_vfm_summary_diff() - where two configurations differ
 * @a: one
 * @b: the other
 *
 * Return: I40E_VFM_DIFF_* bits, 0 if they agree.
 */
u32 i40e_vfm_summary_diff(const struct i40e_vfm_summary *a,
			  const struct i40e_vfm_summary *b)
{
	u32 d = 0;

	if (a->num_qp != b->num_qp || a->req_qp != b->req_qp ||
	    memcmp(a->tx_len, b->tx_len, sizeof(a->tx_len)) ||
	    memcmp(a->rx_len, b->rx_len, sizeof(a->rx_len)) ||
	    memcmp(a->rx_buf, b->rx_buf, sizeof(a->rx_buf)) ||
	    memcmp(a->rx_max, b->rx_max, sizeof(a->rx_max)))
		d |= I40E_VFM_DIFF_QUEUES;
	if (a->irq_hash != b->irq_hash)
		d |= I40E_VFM_DIFF_IRQ;
	if (a->rxq_en != b->rxq_en || a->txq_en != b->txq_en)
		d |= I40E_VFM_DIFF_QSTATE;
	if (a->promisc != b->promisc)
		d |= I40E_VFM_DIFF_PROMISC;
	if (a->strip != b->strip)
		d |= I40E_VFM_DIFF_STRIP;
	if (a->hena != b->hena || a->key_hash != b->key_hash ||
	    a->lut_hash != b->lut_hash)
		d |= I40E_VFM_DIFF_RSS;
	if (a->nr_mac != b->nr_mac || a->mac_hash != b->mac_hash ||
	    a->overflow != b->overflow)
		d |= I40E_VFM_DIFF_MAC;
	if (a->nr_vlan != b->nr_vlan || a->vlan_hash != b->vlan_hash)
		d |= I40E_VFM_DIFF_VLAN;
	if (a->caps != b->caps)
		d |= I40E_VFM_DIFF_CAPS;
	return d;
}
