/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: a bounded log of the guest's configuration messages to its PF.
 */
#ifndef _LINUX_NIC_VF_MSGLOG_H
#define _LINUX_NIC_VF_MSGLOG_H

#include <linux/bits.h>
#include <linux/types.h>

/* What to do with a message (nic_vf_msglog_record() @action bits). */
#define NIC_VF_MSG_IGNORE	0	/* not configuration: not recorded */
#define NIC_VF_MSG_CLEAR	BIT(0)	/* forget non-sticky entries first */
#define NIC_VF_MSG_LATEST	BIT(1)	/* replaces entries of the same key */
#define NIC_VF_MSG_APPEND	BIT(2)	/* added after the others */
#define NIC_VF_MSG_STICKY	BIT(3)	/* survives NIC_VF_MSG_CLEAR */
#define NIC_VF_MSG_DROP_CLASS	BIT(4)	/* forget entries of the key's class
					 * (bits 31:16 of the key) first
					 */
#define NIC_VF_KEY_CLASS(key)	((key) >> 16)

/* nic_vf_msglog.flags */
#define NIC_VF_LOG_OVERFLOW	BIT(0)	/* a message did not fit */
#define NIC_VF_LOG_INCOMPLETE	BIT(1)	/* a message was not understood */
#define NIC_VF_LOG_FLAGS	(NIC_VF_LOG_OVERFLOW | NIC_VF_LOG_INCOMPLETE)

/* Per-entry header in the log and the stream. */
#define NIC_VF_MSG_HDR_LEN	16
/* Stream header of a saved log. */
#define NIC_VF_LOG_HDR_LEN	16
#define NIC_VF_LOG_VERSION	1

/**
 * struct nic_vf_msglog - a bounded log of a guest's configuration messages
 * @buf: entries, each a NIC_VF_MSG_HDR_LEN header and the message padded
 *       to 8 bytes
 * @cap: size of @buf
 * @used: bytes of @buf in use
 * @nr: entries
 * @max_nr: most entries
 * @max_msg: longest message kept
 * @flags: NIC_VF_LOG_*
 */
struct nic_vf_msglog {
	u8 *buf;
	u32 cap;
	u32 used;
	u32 nr;
	u32 max_nr;
	u32 max_msg;
	u32 flags;
};

/**
 * struct nic_vf_msg - one logged message
 * @opcode: the driver's message number
 * @key: the key the message was recorded under
 * @len: bytes at @data
 * @sticky: recorded with NIC_VF_MSG_STICKY
 * @data: the message, inside the log
 */
struct nic_vf_msg {
	u32 opcode;
	u32 key;
	u32 len;
	bool sticky;
	const u8 *data;
};

int nic_vf_msglog_init(struct nic_vf_msglog *log, void *buf, u32 cap,
		       u32 max_nr, u32 max_msg);
void nic_vf_msglog_clear(struct nic_vf_msglog *log);
int nic_vf_msglog_record(struct nic_vf_msglog *log, u32 opcode, u32 key,
			 unsigned int action, const void *data, size_t len);
bool nic_vf_msglog_next(const struct nic_vf_msglog *log, u32 *pos,
			struct nic_vf_msg *msg);
ssize_t nic_vf_msglog_save(const struct nic_vf_msglog *log, void *buf,
			   size_t len);
int nic_vf_msglog_load(struct nic_vf_msglog *log, const void *buf,
		       size_t len);

#endif /* _LINUX_NIC_VF_MSGLOG_H */
