// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture of the guest's configuration from the VF mailbox.
 *
 * The VF driver writes a message into the 16 mailbox words and sets REQ in
 * its mailbox control register; the PF reads it, applies it or not, and
 * writes its answer (the message's first word with ACK or NACK) into the
 * same words; the VF reads the answer and sets ACK.  The mailbox page is
 * trapped for the device's whole life, so both register writes are seen
 * here before the device sees them:
 *
 *   REQ  the message is read out of the mailbox (the VF holds the buffer,
 *        the PF has not seen it yet) and checked as the 6.1 PF checks it;
 *        it waits for the answer (nic_vf_capture_request())
 *   ACK  the answer is read out of the mailbox; the request is logged if
 *        the PF applied it (ACK; for a reset either answer, the PF resets
 *        the VF's configuration in both cases)
 *
 * Whether the PF applies a message depends on what the host cannot check
 * (an administrator's MAC or VLAN, a PF's free filters), which is why the
 * answer decides.  Policies:
 *
 *   RESET                     forgets everything; not logged
 *   SET_MAC primary           latest wins
 *   SET_MAC clear filters     forgets the unicast filters; not logged
 *   SET_MAC add filter        appended (filters accumulate until cleared)
 *   SET_MULTICAST             latest wins (the whole list)
 *   SET_VLAN                  latest wins per VLAN ID (add or remove)
 *   SET_LPE, SET_PROMISC      latest wins
 *
 * A guest controls every byte here; the worst it can do is make its own
 * log wrong, which only affects the comparison on a destination.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "igb_vf_mig.h"

#define KEY_SINGLE(type)	IGB_VFM_KEY(IGB_VFM_KEY_SINGLE, type)
#define KEY_UC			IGB_VFM_KEY(IGB_VFM_KEY_UC, 0)
#define KEY_VLAN(vid)		IGB_VFM_KEY(IGB_VFM_KEY_VLAN, vid)

static u32 info_of(u32 word0)
{
	return (word0 & IGB_VFM_MSG_INFO) >> IGB_VFM_MSG_INFO_SHIFT;
}

/* Multicast hashes the PF keeps of a SET_MULTICAST. */
static u32 mc_kept(u32 word0)
{
	u32 n = info_of(word0);

	return n < IGB_VFM_MC_HASHES ? n : IGB_VFM_MC_HASHES;
}

/**
 * igb_vfm_msg_len() - bytes of the mailbox that make a message
 * @word0: its first word
 *
 * Return: the length of the message the PF reads (the mailbox may hold
 * stale words after it): 4 bytes per word, at most the whole mailbox.
 */
u32 igb_vfm_msg_len(u32 word0)
{
	switch (word0 & IGB_VFM_MSG_TYPE) {
	case IGB_VFM_MSG_SET_MAC:
		return 12;
	case IGB_VFM_MSG_SET_MULTICAST:
		/* Hashes are 16 bits, two per word after the first. */
		return 4 + 4 * ((mc_kept(word0) + 1) / 2);
	case IGB_VFM_MSG_SET_VLAN:
	case IGB_VFM_MSG_SET_LPE:
		return 8;
	default:
		return 4;
	}
}

static bool mac_valid(const u8 *mac)
{
	static const u8 zero[NIC_VF_ETH_ALEN];

	return !(mac[0] & 1) && memcmp(mac, zero, NIC_VF_ETH_ALEN);
}

/**
 * igb_vfm_mbx_check() - would the 6.1 PF take this message's format?
 * @type: message type (bits 15:0 of the first word)
 * @msg: the message, igb_vfm_msg_len() bytes
 * @len: its length
 *
 * Return: 0, or -EINVAL for a message the PF refuses whatever its state:
 * a type it does not handle, a reset with an argument, a MAC request with
 * an unknown argument or an address that is not a unicast one.
 */
int igb_vfm_mbx_check(u32 type, const u8 *msg, u32 len)
{
	u32 word0;

	if (len < 4 || len > IGB_VFM_MSG_MAX || len % 4)
		return -EINVAL;
	word0 = nic_vf_get32(msg);
	if ((word0 & IGB_VFM_MSG_TYPE) != type ||
	    (word0 & (IGB_VFM_MSG_ACK | IGB_VFM_MSG_NACK)) ||
	    len != igb_vfm_msg_len(word0))
		return -EINVAL;
	switch (type) {
	case IGB_VFM_MSG_RESET:
		/* The PF recognises a reset only as the bare type. */
		return word0 == IGB_VFM_MSG_RESET ? 0 : -EINVAL;
	case IGB_VFM_MSG_SET_MAC:
		if (info_of(word0) > IGB_VFM_MAC_FILTER_ADD)
			return -EINVAL;
		/* Clearing the filters still carries (and checks) an address. */
		return mac_valid(msg + 4) ? 0 : -EINVAL;
	case IGB_VFM_MSG_SET_MULTICAST:
	case IGB_VFM_MSG_SET_VLAN:
	case IGB_VFM_MSG_SET_LPE:
	case IGB_VFM_MSG_SET_PROMISC:
		return 0;
	default:
		return -EINVAL;
	}
}

/* The log's policy for one applied message: its key and action. */
static unsigned int mbx_policy(u32 type, const u8 *msg, u32 *key)
{
	u32 word0 = nic_vf_get32(msg);

	*key = KEY_SINGLE(type);
	switch (type) {
	case IGB_VFM_MSG_RESET:
		return NIC_VF_MSG_CLEAR;
	case IGB_VFM_MSG_SET_MAC:
		switch (info_of(word0)) {
		case IGB_VFM_MAC_FILTER_CLEAR:
			*key = KEY_UC;
			return NIC_VF_MSG_DROP_CLASS;
		case IGB_VFM_MAC_FILTER_ADD:
			*key = KEY_UC;
			return NIC_VF_MSG_APPEND;
		default:
			return NIC_VF_MSG_LATEST;
		}
	case IGB_VFM_MSG_SET_VLAN:
		*key = KEY_VLAN(nic_vf_get32(msg + 4) & IGB_VFM_VLAN_ID);
		return NIC_VF_MSG_LATEST;
	default:
		return NIC_VF_MSG_LATEST;
	}
}

static int mbx_check_op(void *drv, u32 op, const u8 *msg, u32 len)
{
	return igb_vfm_mbx_check(op, msg, len);
}

static unsigned int mbx_policy_op(void *drv, u32 op, const u8 *msg, u32 len,
				  u32 *key)
{
	return mbx_policy(op, msg, key);
}

static int mbx_summarize(const struct nic_vf_msglog *log, void *sum)
{
	return igb_vfm_summarize(log, sum);
}

static u32 mbx_diff(const void *a, const void *b)
{
	return igb_vfm_summary_diff(a, b);
}

/* The mailbox protocol, as the capture skeleton sees it. */
const struct nic_vf_msg_ops igb_vfm_mbx_ops = {
	.check		= mbx_check_op,
	.policy		= mbx_policy_op,
	.summarize	= mbx_summarize,
	.diff		= mbx_diff,
	.sum_size	= sizeof(struct igb_vfm_summary),
};

static u32 mbx_word(struct igb_vfm *m, unsigned int i)
{
	return m->seam.ops->reg_read(m->seam.ctx, IGB_VFM_MBX_MEM(i));
}

/**
 * igb_vfm_mbx_request() - the guest sets REQ: take the message it sent
 * @m: the VF
 *
 * Call before the write reaches the device.  The message is read from the
 * mailbox words (what the PF will read) and waits for the PF's answer.
 */
void igb_vfm_mbx_request(struct igb_vfm *m)
{
	u32 word0 = mbx_word(m, 0), len = igb_vfm_msg_len(word0), i;

	m->stats.mbx_requests++;
	/* The guest talks again: what it reads next is a real answer. */
	m->nack_pending = false;
	for (i = 0; i < len / 4; i++)
		nic_vf_put32(m->msg + 4 * i, i ? mbx_word(m, i) : word0);
	nic_vf_capture_request(&m->cap, word0 & IGB_VFM_MSG_TYPE, m->msg, len);
}

/**
 * igb_vfm_mbx_answer() - the guest sets ACK: it read a message of the PF
 * @m: the VF
 *
 * Call before the write reaches the device.  If the PF's message answers
 * the waiting request, the request is logged when the PF applied it.
 */
void igb_vfm_mbx_answer(struct igb_vfm *m)
{
	u32 word0, type;
	bool applied;

	if (!m->cap.req_pending)
		return;
	word0 = mbx_word(m, 0);
	type = word0 & IGB_VFM_MSG_TYPE;
	if (type != m->cap.req_op ||
	    !(word0 & (IGB_VFM_MSG_ACK | IGB_VFM_MSG_NACK)))
		return;
	m->stats.mbx_answers++;
	/* A reset is applied either way: NACK only means "no MAC yet". */
	applied = (word0 & IGB_VFM_MSG_ACK) || type == IGB_VFM_MSG_RESET;
	nic_vf_capture_answer(&m->cap, applied);
}

/* FNV-1a, to compare sets without keeping them. */
static u32 hash_bytes(u32 h, const u8 *p, u32 len)
{
	while (len--) {
		h ^= *p++;
		h *= 16777619U;
	}
	return h;
}

#define HASH_SEED	2166136261U

/* Would the capture have logged this message under this key? */
static bool recordable(const struct nic_vf_msg *msg)
{
	unsigned int action;
	u32 key;

	if (msg->sticky || msg->len < 4)
		return false;
	action = mbx_policy(msg->opcode, msg->data, &key);
	return (action & (NIC_VF_MSG_LATEST | NIC_VF_MSG_APPEND)) &&
	       key == msg->key;
}

/* Order-independent hash of the hashes a SET_MULTICAST leaves. */
static u32 mc_hash(const u8 *msg)
{
	u32 n = mc_kept(nic_vf_get32(msg)), i, h = 0;

	/* XOR of per-entry hashes: order-independent, like the PF's table. */
	for (i = 0; i < n; i++)
		h ^= hash_bytes(HASH_SEED, msg + 4 + 2 * i, 2);
	return h;
}

/**
 * igb_vfm_summarize() - what a log configures, without host specifics
 * @log: a log of checked messages (a loaded log is checked again here)
 * @s: filled in
 *
 * Return: 0, or -EINVAL if the log holds a message the capture would never
 * have logged.
 */
int igb_vfm_summarize(const struct nic_vf_msglog *log,
		      struct igb_vfm_summary *s)
{
	u8 uc[IGB_VFM_SUM_UC][NIC_VF_ETH_ALEN];
	struct nic_vf_msg msg;
	u32 pos = 0, i;

	memset(s, 0, sizeof(*s));
	while (nic_vf_msglog_next(log, &pos, &msg)) {
		const u8 *d = msg.data;
		u32 word0;

		if (igb_vfm_mbx_check(msg.opcode, d, msg.len) ||
		    !recordable(&msg))
			return -EINVAL;
		word0 = nic_vf_get32(d);
		switch (msg.opcode) {
		case IGB_VFM_MSG_SET_MAC:
			if (info_of(word0) == IGB_VFM_MAC_PRIMARY) {
				memcpy(s->mac, d + 4, NIC_VF_ETH_ALEN);
				s->mac_set = true;
				break;
			}
			/* Added filters: the log keeps each add once. */
			for (i = 0; i < s->nr_uc && i < IGB_VFM_SUM_UC; i++)
				if (!memcmp(uc[i], d + 4, NIC_VF_ETH_ALEN))
					break;
			if (i < s->nr_uc)
				break;
			if (s->nr_uc == IGB_VFM_SUM_UC) {
				s->overflow = true;
				break;
			}
			memcpy(uc[s->nr_uc++], d + 4, NIC_VF_ETH_ALEN);
			s->uc_hash ^= hash_bytes(HASH_SEED, d + 4,
						 NIC_VF_ETH_ALEN);
			break;
		case IGB_VFM_MSG_SET_MULTICAST:
			s->mc_count = info_of(word0);
			s->mc_hash = mc_hash(d);
			break;
		case IGB_VFM_MSG_SET_VLAN:
			/* One entry per VLAN ID: the latest add or remove. */
			if (info_of(word0)) {
				s->nr_vlan++;
				s->vlan_hash ^= hash_bytes(HASH_SEED, d + 4, 2);
			}
			break;
		case IGB_VFM_MSG_SET_LPE:
			s->lpe = nic_vf_get32(d + 4);
			break;
		case IGB_VFM_MSG_SET_PROMISC:
			s->promisc = info_of(word0);
			s->promisc_set = true;
			break;
		}
	}
	return 0;
}

/**
 * igb_vfm_summary_diff() - where two configurations differ
 * @a: one
 * @b: the other
 *
 * Return: IGB_VFM_DIFF_* bits, 0 if they agree.
 */
u32 igb_vfm_summary_diff(const struct igb_vfm_summary *a,
			 const struct igb_vfm_summary *b)
{
	u32 d = 0;

	if (a->mac_set != b->mac_set ||
	    (a->mac_set && memcmp(a->mac, b->mac, NIC_VF_ETH_ALEN)))
		d |= IGB_VFM_DIFF_MAC;
	if (a->nr_uc != b->nr_uc || a->uc_hash != b->uc_hash ||
	    a->overflow != b->overflow)
		d |= IGB_VFM_DIFF_UC;
	if (a->mc_count != b->mc_count || a->mc_hash != b->mc_hash)
		d |= IGB_VFM_DIFF_MC;
	if (a->nr_vlan != b->nr_vlan || a->vlan_hash != b->vlan_hash)
		d |= IGB_VFM_DIFF_VLAN;
	if (a->lpe != b->lpe)
		d |= IGB_VFM_DIFF_LPE;
	if (a->promisc_set != b->promisc_set || a->promisc != b->promisc)
		d |= IGB_VFM_DIFF_PROMISC;
	return d;
}
