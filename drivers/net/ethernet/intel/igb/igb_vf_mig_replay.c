// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's configuration sent again to a destination PF by the driver,
 * in the guest's place, so that the guest need not be told of a reset.
 *
 * The restore's VF reset made the destination PF forget the VF.  The
 * driver then speaks on the VF's mailbox as igbvf does: the reset message
 * first (the PF then lets the VF talk), then each message of the source's
 * log in order.  Each message passes through the capture as a guest's
 * would (igb_vfm_mbx_request() and igb_vfm_mbx_answer()), so the
 * destination's log is built again and compared with the source's.
 *
 * The VM does not run meanwhile, so nobody else uses the mailbox.  The
 * PF's answers raise the VF's mailbox interrupt; a guest that looks finds
 * the last answer, which carries "clear to send", and keeps its link.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "igb_vf_mig.h"

/* Reads of the mailbox control register per wait, and the pause between:
 * the PF answers from its interrupt handler, within milliseconds.
 */
#define MBX_POLLS	2500
#define MBX_POLL_US	200

static void poll_pause(struct igb_vfm *m)
{
	if (m->seam.ops->pause)
		m->seam.ops->pause(m->seam.ctx, MBX_POLL_US);
}

/* Read the control register; the bits that clear on read gather in @seen. */
static u32 ctl_read(struct igb_vfm *m, u32 *seen)
{
	u32 v = igb_vfm_rd(m, IGB_VFM_MBX_CTL);

	*seen |= v & IGB_VFM_MBX_READ_CLEARS;
	return v;
}

/* Wait for the PF's notification @bit; consumes it. */
static int wait_for(struct igb_vfm *m, u32 bit, u32 *seen)
{
	int i;

	for (i = 0; i < MBX_POLLS; i++) {
		ctl_read(m, seen);
		if (*seen & bit) {
			*seen &= ~bit;
			return 0;
		}
		poll_pause(m);
	}
	return -ETIMEDOUT;
}

/* Take the mailbox buffer for the VF, as igbvf does before each access. */
static int take_buffer(struct igb_vfm *m, u32 *seen)
{
	int i;

	for (i = 0; i < MBX_POLLS; i++) {
		igb_vfm_wr(m, IGB_VFM_MBX_CTL, IGB_VFM_MBX_VFU);
		if (ctl_read(m, seen) & IGB_VFM_MBX_VFU)
			return 0;
		poll_pause(m);
	}
	return -EBUSY;
}

/* Send one message and take the PF's answer.  Return: the answer's first
 * word in @answer, 0; or -ETIMEDOUT/-EBUSY for a mailbox that does not
 * answer.
 */
static int send(struct igb_vfm *m, const u8 *msg, u32 len, u32 *answer)
{
	u32 seen = 0, i;
	int ret;

	ret = take_buffer(m, &seen);
	if (ret)
		return ret;
	/* Notifications so far answer nothing of ours. */
	seen = 0;
	for (i = 0; i < len / 4; i++)
		igb_vfm_wr(m, IGB_VFM_MBX_MEM(i), nic_vf_get32(msg + 4 * i));
	igb_vfm_mbx_request(m);
	igb_vfm_wr(m, IGB_VFM_MBX_CTL, IGB_VFM_MBX_REQ);
	ret = wait_for(m, IGB_VFM_MBX_PFACK, &seen);
	if (!ret)
		ret = wait_for(m, IGB_VFM_MBX_PFSTS, &seen);
	if (!ret)
		ret = take_buffer(m, &seen);
	if (ret) {
		nic_vf_capture_lost(&m->cap, ret);
		return ret;
	}
	*answer = igb_vfm_rd(m, IGB_VFM_MBX_MEM(0));
	igb_vfm_mbx_answer(m);
	igb_vfm_wr(m, IGB_VFM_MBX_CTL, IGB_VFM_MBX_ACK);
	m->stats.replayed++;
	return 0;
}

/* Does the answer say the PF applied @msg as the source's PF did? */
static bool answered_as_source(const u8 *msg, u32 answer)
{
	u32 type = nic_vf_get32(msg) & IGB_VFM_MSG_TYPE;

	if ((answer & IGB_VFM_MSG_TYPE) != type)
		return false;
	/* A reset is applied either way ("no MAC yet" is a refusal). */
	if (type == IGB_VFM_MSG_RESET)
		return answer & (IGB_VFM_MSG_ACK | IGB_VFM_MSG_NACK);
	return answer & IGB_VFM_MSG_ACK;
}

/**
 * igb_vfm_replay() - send the source's log to the destination PF
 * @m: the VF, restored and reset, not running, with the source's log
 *     loaded and the capture restarted
 *
 * Return: 0 when every message was applied, the last answer carries
 * "clear to send" and the rebuilt log compares equal to the source's;
 * -EOPNOTSUPP for a source log that is incomplete or empty (nothing to
 * replay faithfully); -EPROTO when the PF answered otherwise than the
 * source's; -ETIMEDOUT or -EBUSY for a mailbox that did not answer.
 */
int igb_vfm_replay(struct igb_vfm *m)
{
	static const u8 reset[4] = { IGB_VFM_MSG_RESET };
	const struct nic_vf_msglog *src = &m->cap.expected;
	struct igb_vfm_summary now, was;
	struct nic_vf_msg msg;
	u32 pos = 0, answer = 0;
	int ret;

	if (!src->nr || (src->flags & NIC_VF_LOG_FLAGS))
		return -EOPNOTSUPP;
	ret = send(m, reset, sizeof(reset), &answer);
	if (ret)
		return ret;
	if (!answered_as_source(reset, answer))
		return -EPROTO;
	while (nic_vf_msglog_next(src, &pos, &msg)) {
		if (msg.len < 4 || msg.len > IGB_VFM_MSG_MAX)
			return -EPROTO;
		ret = send(m, msg.data, msg.len, &answer);
		if (ret)
			return ret;
		if (!answered_as_source(msg.data, answer))
			return -EPROTO;
	}
	/* A guest reading the mailbox must find that it may talk. */
	if (!(answer & IGB_VFM_MSG_CTS))
		return -EPROTO;
	/* Every message as the source's PF took it: the same configuration. */
	if (igb_vfm_summarize(&m->cap.log, &now) ||
	    igb_vfm_summarize(src, &was) || igb_vfm_summary_diff(&now, &was))
		return -EPROTO;
	return 0;
}
