// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capture skeleton: what a guest's VF driver configured through its PF,
 * as a message log (nic_vf_msglog.c), whatever carries the messages.
 *
 * A driver sees each message the guest sends its PF (an admin queue
 * descriptor, a mailbox write) and hands it over in one of two ways:
 *
 *   nic_vf_capture_msg()      the driver's check mirrors the PF's, so a
 *                             message that passes it is applied: it is
 *                             logged at once (i40e's admin queue)
 *   nic_vf_capture_request()  the PF's answer decides (a mailbox whose PF
 *     + _answer()             acknowledges or refuses each request, for
 *                             reasons the host cannot check, such as an
 *                             administrator's setting): the request waits,
 *                             and is logged only if the PF applied it
 *
 * Then, in order: the driver's applied() hook, its policy, the log.  On a
 * destination the source's log is "expected": after the restore, each
 * logged message is followed by a comparison of the two logs' summaries,
 * until the guest has sent its configuration again.
 *
 * Nothing here trusts a message: the driver's check and policy decide, the
 * log is bounded and flags what it could not keep.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/capture.h>

/**
 * nic_vf_capture_init() - set up the capture of one VF
 * @c: the capture
 * @seam: the VF's seam (its allocator is used; it must outlive @c)
 * @ops: the driver's protocol
 * @drv: passed to @ops
 * @cap: bytes of each log
 * @max_nr: most entries of each log
 * @max_msg: longest message kept
 *
 * Return: 0, -EINVAL for bounds no log can hold, -ENOMEM.
 */
int nic_vf_capture_init(struct nic_vf_capture *c,
			const struct nic_vf_seam *seam,
			const struct nic_vf_msg_ops *ops, void *drv, u32 cap,
			u32 max_nr, u32 max_msg)
{
	void *log, *expected;
	int ret = -ENOMEM;

	memset(c, 0, sizeof(*c));
	c->seam = seam;
	c->ops = ops;
	c->drv = drv;
	log = seam->ops->zalloc(seam->ctx, cap);
	expected = seam->ops->zalloc(seam->ctx, cap);
	c->req = seam->ops->zalloc(seam->ctx, max_msg ? max_msg : 1);
	if (ops->sum_size) {
		c->sum_src = seam->ops->zalloc(seam->ctx, ops->sum_size);
		c->sum_dst = seam->ops->zalloc(seam->ctx, ops->sum_size);
	}
	if (!log || !expected || !c->req ||
	    (ops->sum_size && (!c->sum_src || !c->sum_dst)))
		goto err;
	ret = nic_vf_msglog_init(&c->log, log, cap, max_nr, max_msg);
	if (!ret)
		ret = nic_vf_msglog_init(&c->expected, expected, cap, max_nr,
					 max_msg);
	if (!ret)
		return 0;
err:
	seam->ops->free(seam->ctx, log);
	seam->ops->free(seam->ctx, expected);
	seam->ops->free(seam->ctx, c->req);
	seam->ops->free(seam->ctx, c->sum_src);
	seam->ops->free(seam->ctx, c->sum_dst);
	memset(c, 0, sizeof(*c));
	return ret;
}
EXPORT_SYMBOL_GPL(nic_vf_capture_init);

/**
 * nic_vf_capture_destroy() - free what nic_vf_capture_init() allocated
 * @c: the capture (a capture that failed to initialise is fine)
 */
void nic_vf_capture_destroy(struct nic_vf_capture *c)
{
	const struct nic_vf_seam *seam = c->seam;

	if (!seam)
		return;
	seam->ops->free(seam->ctx, c->log.buf);
	seam->ops->free(seam->ctx, c->expected.buf);
	seam->ops->free(seam->ctx, c->req);
	seam->ops->free(seam->ctx, c->sum_src);
	seam->ops->free(seam->ctx, c->sum_dst);
	memset(c, 0, sizeof(*c));
}
EXPORT_SYMBOL_GPL(nic_vf_capture_destroy);

/* After the restore: has the guest sent its configuration again? */
static void verify(struct nic_vf_capture *c)
{
	if (!c->ops->summarize || c->ops->summarize(&c->log, c->sum_dst)) {
		c->verify_diff = ~0U;
		return;
	}
	c->verify_diff = c->ops->diff(c->sum_src, c->sum_dst);
	c->verified = true;
	if (!c->verify_diff)
		c->verify_pending = false;
}

/* Format check of a message; counts what it refuses. */
static int check(struct nic_vf_capture *c, u32 op, const u8 *msg, u32 len)
{
	int ret;

	c->stats.msgs++;
	ret = c->ops->check(c->drv, op, msg, len);
	if (ret == -EOPNOTSUPP) {
		c->stats.unknown++;
		c->log.flags |= NIC_VF_LOG_INCOMPLETE;
	} else if (ret) {
		c->stats.malformed++;
		ret = -EINVAL;
	}
	return ret;
}

/* The PF applied a checked message: follow it, log it. */
static int take(struct nic_vf_capture *c, u32 op, const u8 *msg, u32 len)
{
	unsigned int action;
	u32 key = op;
	int ret;

	if (c->ops->applied)
		c->ops->applied(c->drv, op, msg, len);
	action = c->ops->policy(c->drv, op, msg, len, &key);
	if (action == NIC_VF_MSG_IGNORE) {
		c->stats.ignored++;
		return 0;
	}
	ret = nic_vf_msglog_record(&c->log, op, key, action, msg, len);
	if (ret) {
		c->stats.log_full++;
		return ret;
	}
	if (action & (NIC_VF_MSG_LATEST | NIC_VF_MSG_APPEND))
		c->stats.recorded++;
	if (c->verify_pending)
		verify(c);
	return 0;
}

/**
 * nic_vf_capture_msg() - a message the PF applies if its format is right
 * @c: the capture
 * @op: the driver's opcode
 * @msg: the message (a copy the guest can no longer change)
 * @len: its length
 *
 * Return: 0 if logged or deliberately not logged; -EINVAL for a message
 * the PF refuses; -EOPNOTSUPP for one not interpreted (the log is marked
 * incomplete); -EMSGSIZE or -ENOSPC if the log could not keep it.
 */
int nic_vf_capture_msg(struct nic_vf_capture *c, u32 op, const u8 *msg,
		       u32 len)
{
	int ret = check(c, op, msg, len);

	return ret ? ret : take(c, op, msg, len);
}
EXPORT_SYMBOL_GPL(nic_vf_capture_msg);

/**
 * nic_vf_capture_request() - a message the PF will answer
 * @c: the capture
 * @op: the driver's opcode
 * @msg: the message (a copy)
 * @len: its length
 *
 * The message waits for nic_vf_capture_answer().  A request still waiting
 * is dropped first (counted unanswered, and the log marked incomplete:
 * whether the PF applied it is unknown).
 *
 * Return: 0 if the request waits; -EINVAL, -EOPNOTSUPP as
 * nic_vf_capture_msg(); -EMSGSIZE for a message longer than the log keeps
 * (the log is marked overflowed).
 */
int nic_vf_capture_request(struct nic_vf_capture *c, u32 op, const u8 *msg,
			   u32 len)
{
	int ret;

	if (c->req_pending) {
		c->stats.unanswered++;
		c->log.flags |= NIC_VF_LOG_INCOMPLETE;
		c->req_pending = false;
	}
	ret = check(c, op, msg, len);
	if (ret)
		return ret;
	if (len > c->log.max_msg) {
		c->stats.log_full++;
		c->log.flags |= NIC_VF_LOG_OVERFLOW;
		return -EMSGSIZE;
	}
	if (len)
		memcpy(c->req, msg, len);
	c->req_op = op;
	c->req_len = len;
	c->req_pending = true;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_capture_request);

/**
 * nic_vf_capture_answer() - the PF answered the waiting request
 * @c: the capture
 * @applied: the PF applied it (else it refused it)
 *
 * Return: 0; -ENOENT if no request waits; as nic_vf_capture_msg() for an
 * applied request the log could not keep.
 */
int nic_vf_capture_answer(struct nic_vf_capture *c, bool applied)
{
	if (!c->req_pending)
		return -ENOENT;
	c->req_pending = false;
	if (!applied) {
		c->stats.refused++;
		return 0;
	}
	return take(c, c->req_op, c->req, c->req_len);
}
EXPORT_SYMBOL_GPL(nic_vf_capture_answer);

/**
 * nic_vf_capture_lost() - a message the driver could not hand over
 * @c: the capture
 * @err: why: -EINVAL malformed (the PF refuses it too), -EFAULT not
 *       readable (the log is marked incomplete), other: counted only
 */
void nic_vf_capture_lost(struct nic_vf_capture *c, int err)
{
	c->stats.msgs++;
	if (err == -EINVAL)
		c->stats.malformed++;
	else if (err == -EFAULT)
		c->log.flags |= NIC_VF_LOG_INCOMPLETE;
}
EXPORT_SYMBOL_GPL(nic_vf_capture_lost);

/**
 * nic_vf_capture_forget() - the VF was reset: its PF forgot the guest's
 * configuration
 * @c: the capture
 *
 * Forgets every non-sticky entry and any waiting request.
 */
void nic_vf_capture_forget(struct nic_vf_capture *c)
{
	nic_vf_msglog_record(&c->log, 0, 0, NIC_VF_MSG_CLEAR, NULL, 0);
	c->req_pending = false;
}
EXPORT_SYMBOL_GPL(nic_vf_capture_forget);

/**
 * nic_vf_capture_expect_none() - a destination starts loading: forget any
 * previous source's log and comparison
 * @c: the capture
 */
void nic_vf_capture_expect_none(struct nic_vf_capture *c)
{
	nic_vf_msglog_clear(&c->expected);
	c->verify_pending = false;
	c->verified = false;
	c->verify_diff = 0;
}
EXPORT_SYMBOL_GPL(nic_vf_capture_expect_none);

/**
 * nic_vf_capture_expect() - take the source's log from the stream
 * @c: the capture
 * @buf: a saved log (nic_vf_msglog_save() of the source's)
 * @len: its exact length
 *
 * The log must be one the capture could have made: well formed, within
 * this capture's bounds, and (if the driver summarizes) holding only
 * messages the driver's summary accepts.
 *
 * Return: 0, or -EINVAL (nothing is kept).
 */
int nic_vf_capture_expect(struct nic_vf_capture *c, const void *buf,
			  size_t len)
{
	if (nic_vf_msglog_load(&c->expected, buf, len))
		return -EINVAL;
	if (c->ops->summarize && c->ops->summarize(&c->expected, c->sum_src)) {
		nic_vf_msglog_clear(&c->expected);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_capture_expect);

/**
 * nic_vf_capture_restart() - the destination VF was restored: capture its
 * guest afresh and compare with the source's log
 * @c: the capture
 *
 * The comparison is armed only for a source log that is complete (not
 * overflowed, every message understood) and not empty.
 */
void nic_vf_capture_restart(struct nic_vf_capture *c)
{
	nic_vf_msglog_clear(&c->log);
	c->req_pending = false;
	c->verified = false;
	c->verify_diff = 0;
	c->verify_pending = c->ops->summarize && c->expected.nr &&
			    !(c->expected.flags & NIC_VF_LOG_FLAGS);
}
EXPORT_SYMBOL_GPL(nic_vf_capture_restart);
