/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the skeleton that turns the messages a guest sends its PF
 * (admin queue, mailbox) into a message log: format check, the PF's
 * answer, the driver's policy, and on a destination the check that the
 * guest sent its configuration again.
 */
#ifndef _LINUX_NIC_VF_CAPTURE_H
#define _LINUX_NIC_VF_CAPTURE_H

#include <linux/types.h>
#include <linux/nic_vf/msglog.h>
#include <linux/nic_vf/seam.h>

/**
 * struct nic_vf_msg_ops - a driver's VF-to-PF message protocol
 * @check: would the PF accept the format of message @op?  0, -EINVAL if
 *         the PF refuses it (it is not logged), -EOPNOTSUPP if the driver
 *         does not interpret it (the log is marked incomplete)
 * @policy: how a message the PF applied enters the log: NIC_VF_MSG_*
 *          actions, and its key in @key
 * @applied: optional; the PF applied the message (the driver follows its
 *           side effects, e.g. rings the message configures).  Runs before
 *           the message is logged.
 * @summarize: optional; the configuration a log holds, without what
 *             legitimately differs between hosts, into @sum (@sum_size
 *             bytes); -EINVAL for a log the capture could not have made
 * @diff: where two summaries differ, driver-defined bits, 0 if they agree
 * @sum_size: bytes of a summary
 *
 * @drv, passed to @check, @policy and @applied, is the driver's.
 */
struct nic_vf_msg_ops {
	int (*check)(void *drv, u32 op, const u8 *msg, u32 len);
	unsigned int (*policy)(void *drv, u32 op, const u8 *msg, u32 len,
			       u32 *key);
	void (*applied)(void *drv, u32 op, const u8 *msg, u32 len);
	int (*summarize)(const struct nic_vf_msglog *log, void *sum);
	u32 (*diff)(const void *a, const void *b);
	size_t sum_size;
};

/**
 * struct nic_vf_capture_stats - counters of a capture
 * @msgs: messages seen
 * @recorded: messages logged
 * @ignored: messages the policy does not log (queries)
 * @malformed: messages the format check refused (so does the PF)
 * @unknown: messages the driver does not interpret
 * @refused: requests the PF answered with a refusal
 * @unanswered: requests superseded or cancelled before their answer
 * @log_full: messages the log could not keep
 */
struct nic_vf_capture_stats {
	u64 msgs;
	u64 recorded;
	u64 ignored;
	u64 malformed;
	u64 unknown;
	u64 refused;
	u64 unanswered;
	u64 log_full;
};

/**
 * struct nic_vf_capture - what a guest configured through its PF
 * @seam: the VF's seam (memory)
 * @ops: the driver's protocol
 * @drv: passed to @ops
 * @log: the messages the PF applied, under the driver's policy
 * @expected: on a destination, the source's log
 * @sum_src: summary of @expected
 * @sum_dst: summary of @log at the last comparison
 * @req: a request waiting for the PF's answer (mailbox style)
 * @req_op: its opcode
 * @req_len: its length; 0 with @req_pending false
 * @req_pending: @req holds a request
 * @verify_pending: the guest has not yet sent again the configuration it
 *                  had on the source; checked at each message logged
 * @verified: a comparison was made
 * @verify_diff: @ops->diff of the last comparison (~0 if @log could not be
 *               summarized)
 * @stats: counters
 */
struct nic_vf_capture {
	const struct nic_vf_seam *seam;
	const struct nic_vf_msg_ops *ops;
	void *drv;
	struct nic_vf_msglog log;
	struct nic_vf_msglog expected;
	void *sum_src;
	void *sum_dst;
	u8 *req;
	u32 req_op;
	u32 req_len;
	bool req_pending;
	bool verify_pending;
	bool verified;
	u32 verify_diff;
	struct nic_vf_capture_stats stats;
};

int nic_vf_capture_init(struct nic_vf_capture *c,
			const struct nic_vf_seam *seam,
			const struct nic_vf_msg_ops *ops, void *drv, u32 cap,
			u32 max_nr, u32 max_msg);
void nic_vf_capture_destroy(struct nic_vf_capture *c);
int nic_vf_capture_msg(struct nic_vf_capture *c, u32 op, const u8 *msg,
		       u32 len);
int nic_vf_capture_request(struct nic_vf_capture *c, u32 op, const u8 *msg,
			   u32 len);
int nic_vf_capture_answer(struct nic_vf_capture *c, bool applied);
void nic_vf_capture_lost(struct nic_vf_capture *c, int err);
void nic_vf_capture_forget(struct nic_vf_capture *c);
void nic_vf_capture_expect_none(struct nic_vf_capture *c);
int nic_vf_capture_expect(struct nic_vf_capture *c, const void *buf,
			  size_t len);
void nic_vf_capture_restart(struct nic_vf_capture *c);

#endif /* _LINUX_NIC_VF_CAPTURE_H */
