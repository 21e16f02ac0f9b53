// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bounded log of the configuration messages a guest's VF driver sent to
 * its PF (virtchnl, mailbox).  The driver decides per message whether it
 * matters and how it combines with earlier ones: the latest of a kind
 * replaces the previous ("latest wins"), filters accumulate ("append"),
 * a message may forget a whole class of keys ("clear all unicast filters"),
 * a reset forgets all but a few "sticky" messages.  The log keeps the
 * order of the surviving messages, which is the order a replay would need.
 *
 * Entry: le32 opcode, le32 key, le32 len, le16 flags, le16 reserved, then
 * the message zero-padded to 8 bytes.  The saved form is a header (le16
 * version, le16 log flags, le32 entries, le32 bytes of entries, le32
 * reserved) and the entries as they are kept.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/msglog.h>

#define ENTRY_STICKY	BIT(0)
#define MSG_ACTIONS	(NIC_VF_MSG_CLEAR | NIC_VF_MSG_LATEST | \
			 NIC_VF_MSG_APPEND | NIC_VF_MSG_STICKY | \
			 NIC_VF_MSG_DROP_CLASS)

/* Which entries drop_entries() forgets. */
enum drop_what {
	DROP_NON_STICKY,	/* all but sticky ones */
	DROP_KEY,		/* those of one key */
	DROP_CLASS,		/* those of one key class */
};

static u32 pad8(u32 n)
{
	return (n + 7) & ~7U;
}

static u32 entry_size(u32 len)
{
	return NIC_VF_MSG_HDR_LEN + pad8(len);
}

/**
 * nic_vf_msglog_init() - an empty log in @buf
 * @log: the log
 * @buf: storage, owned by the caller for the log's life
 * @cap: its size in bytes
 * @max_nr: most entries
 * @max_msg: longest message kept, bytes
 *
 * Return: 0, or -EINVAL if @buf cannot hold even one entry.
 */
int nic_vf_msglog_init(struct nic_vf_msglog *log, void *buf, u32 cap,
		       u32 max_nr, u32 max_msg)
{
	memset(log, 0, sizeof(*log));
	if (!buf || cap < NIC_VF_MSG_HDR_LEN || !max_nr)
		return -EINVAL;
	log->buf = buf;
	log->cap = cap & ~7U;
	log->max_nr = max_nr;
	log->max_msg = max_msg;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_msglog_init);

/**
 * nic_vf_msglog_clear() - forget every entry and flag
 * @log: the log
 */
void nic_vf_msglog_clear(struct nic_vf_msglog *log)
{
	log->used = 0;
	log->nr = 0;
	log->flags = 0;
}
EXPORT_SYMBOL_GPL(nic_vf_msglog_clear);

/* Forget entries: see enum drop_what; @key selects the key or class. */
static void drop_entries(struct nic_vf_msglog *log, enum drop_what what,
			 u32 key)
{
	u32 rd = 0, wr = 0, nr = 0;

	while (rd < log->used) {
		const u8 *e = log->buf + rd;
		u32 size = entry_size(nic_vf_get32(e + 8));
		u32 k = nic_vf_get32(e + 4);
		bool drop;

		switch (what) {
		case DROP_KEY:
			drop = k == key;
			break;
		case DROP_CLASS:
			drop = NIC_VF_KEY_CLASS(k) == NIC_VF_KEY_CLASS(key);
			break;
		default:
			drop = !(nic_vf_get16(e + 12) & ENTRY_STICKY);
			break;
		}
		if (!drop) {
			if (wr != rd)
				memmove(log->buf + wr, e, size);
			wr += size;
			nr++;
		}
		rd += size;
	}
	log->used = wr;
	log->nr = nr;
}

/**
 * nic_vf_msglog_record() - log one message the guest sent
 * @log: the log
 * @opcode: the message's number
 * @key: messages of one key replace each other with NIC_VF_MSG_LATEST
 * @action: NIC_VF_MSG_* bits, decided by the driver per message
 * @data: the message
 * @len: its length
 *
 * In order: NIC_VF_MSG_CLEAR forgets all but sticky entries,
 * NIC_VF_MSG_DROP_CLASS forgets the entries whose key has @key's class,
 * NIC_VF_MSG_LATEST forgets those of @key; then the message is added if
 * LATEST or APPEND is set.  A message that does not fit is dropped and the
 * log flagged NIC_VF_LOG_OVERFLOW (cleared again by the next
 * NIC_VF_MSG_CLEAR).
 *
 * Return: 0; -EINVAL for unknown @action bits; -EMSGSIZE for a message
 * longer than the log keeps; -ENOSPC when the log is full.
 */
int nic_vf_msglog_record(struct nic_vf_msglog *log, u32 opcode, u32 key,
			 unsigned int action, const void *data, size_t len)
{
	u8 *e;

	if (action & ~MSG_ACTIONS)
		return -EINVAL;
	if (action & NIC_VF_MSG_CLEAR) {
		drop_entries(log, DROP_NON_STICKY, 0);
		log->flags = 0;
	}
	if (action & NIC_VF_MSG_DROP_CLASS)
		drop_entries(log, DROP_CLASS, key);
	if (!(action & (NIC_VF_MSG_LATEST | NIC_VF_MSG_APPEND)))
		return 0;
	if (len > log->max_msg) {
		log->flags |= NIC_VF_LOG_OVERFLOW;
		return -EMSGSIZE;
	}
	if (action & NIC_VF_MSG_LATEST)
		drop_entries(log, DROP_KEY, key);
	if (log->nr >= log->max_nr || entry_size(len) > log->cap - log->used) {
		log->flags |= NIC_VF_LOG_OVERFLOW;
		return -ENOSPC;
	}

	e = log->buf + log->used;
	memset(e, 0, entry_size(len));
	nic_vf_put32(e, opcode);
	nic_vf_put32(e + 4, key);
	nic_vf_put32(e + 8, len);
	nic_vf_put16(e + 12, action & NIC_VF_MSG_STICKY ? ENTRY_STICKY : 0);
	if (len)
		memcpy(e + NIC_VF_MSG_HDR_LEN, data, len);
	log->used += entry_size(len);
	log->nr++;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_msglog_record);

/**
 * nic_vf_msglog_next() - iterate over a log, oldest first
 * @log: the log
 * @pos: cursor, 0 to start
 * @msg: the next entry, pointing into the log
 *
 * Return: true with @msg filled in, false after the last entry.
 */
bool nic_vf_msglog_next(const struct nic_vf_msglog *log, u32 *pos,
			struct nic_vf_msg *msg)
{
	const u8 *e;
	u32 len;

	if (*pos >= log->used || log->used - *pos < NIC_VF_MSG_HDR_LEN)
		return false;
	e = log->buf + *pos;
	len = nic_vf_get32(e + 8);
	if (entry_size(len) > log->used - *pos)
		return false;
	msg->opcode = nic_vf_get32(e);
	msg->key = nic_vf_get32(e + 4);
	msg->len = len;
	msg->sticky = nic_vf_get16(e + 12) & ENTRY_STICKY;
	msg->data = e + NIC_VF_MSG_HDR_LEN;
	*pos += entry_size(len);
	return true;
}
EXPORT_SYMBOL_GPL(nic_vf_msglog_next);

/**
 * nic_vf_msglog_save() - serialise a log
 * @log: the log
 * @buf: destination
 * @len: its size
 *
 * Return: bytes written, or -ENOSPC.
 */
ssize_t nic_vf_msglog_save(const struct nic_vf_msglog *log, void *buf,
			   size_t len)
{
	u8 *p = buf;

	if (len < NIC_VF_LOG_HDR_LEN ||
	    log->used > len - NIC_VF_LOG_HDR_LEN)
		return -ENOSPC;
	memset(p, 0, NIC_VF_LOG_HDR_LEN);
	nic_vf_put16(p, NIC_VF_LOG_VERSION);
	nic_vf_put16(p + 2, log->flags & NIC_VF_LOG_FLAGS);
	nic_vf_put32(p + 4, log->nr);
	nic_vf_put32(p + 8, log->used);
	memcpy(p + NIC_VF_LOG_HDR_LEN, log->buf, log->used);
	return NIC_VF_LOG_HDR_LEN + log->used;
}
EXPORT_SYMBOL_GPL(nic_vf_msglog_save);

/* Is every entry of a saved log well formed, and are there @nr of them? */
static int check_entries(const struct nic_vf_msglog *log, const u8 *p,
			 u32 bytes, u32 nr)
{
	u32 pos = 0, n = 0;

	while (pos < bytes) {
		const u8 *e = p + pos;
		u32 len, size;

		if (bytes - pos < NIC_VF_MSG_HDR_LEN)
			return -EINVAL;
		len = nic_vf_get32(e + 8);
		if (len > log->max_msg)
			return -EINVAL;
		size = entry_size(len);
		if (size > bytes - pos ||
		    (nic_vf_get16(e + 12) & ~ENTRY_STICKY) ||
		    nic_vf_get16(e + 14) ||
		    memchr_inv(e + NIC_VF_MSG_HDR_LEN + len, 0,
			       size - NIC_VF_MSG_HDR_LEN - len))
			return -EINVAL;
		pos += size;
		n++;
	}
	return n == nr ? 0 : -EINVAL;
}

/**
 * nic_vf_msglog_load() - replace a log's contents with a saved log
 * @log: the log, initialised (its bounds apply to what is loaded)
 * @buf: the saved log
 * @len: its exact length
 *
 * Everything is checked before anything is copied; on error the log is
 * untouched.
 *
 * Return: 0, or -EINVAL for a malformed log or one beyond @log's bounds.
 */
int nic_vf_msglog_load(struct nic_vf_msglog *log, const void *buf,
		       size_t len)
{
	const u8 *p = buf;
	u32 flags, nr, bytes;

	if (len < NIC_VF_LOG_HDR_LEN ||
	    nic_vf_get16(p) != NIC_VF_LOG_VERSION)
		return -EINVAL;
	flags = nic_vf_get16(p + 2);
	nr = nic_vf_get32(p + 4);
	bytes = nic_vf_get32(p + 8);
	if ((flags & ~NIC_VF_LOG_FLAGS) || nic_vf_get32(p + 12) ||
	    bytes != len - NIC_VF_LOG_HDR_LEN || bytes > log->cap ||
	    nr > log->max_nr ||
	    check_entries(log, p + NIC_VF_LOG_HDR_LEN, bytes, nr))
		return -EINVAL;

	memcpy(log->buf, p + NIC_VF_LOG_HDR_LEN, bytes);
	log->used = bytes;
	log->nr = nr;
	log->flags = flags;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_msglog_load);
