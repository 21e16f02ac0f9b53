// SPDX-License-Identifier: GPL-2.0-only
/*
 * A NIC VF's device state in the migration stream: three nic_vf chunks,
 * in this order, each checked before a byte of it is used:
 *
 *   ADMN  the administrator's settings (nic_vf admin record)
 *   REGS  le32 flags (the driver's), le32 reserved (zero), the register
 *         set of the driver's table (nic_vf_regs_save())
 *   log   the guest's configuration messages (nic_vf message log), under
 *         the driver's tag
 *
 * What a destination does with them (the restore) is the driver's.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/msglog.h>
#include <linux/nic_vf/state.h>

/* The REGS chunk's own header: flags, reserved. */
#define REGS_HDR	8

/**
 * nic_vf_state_init() - tie a VF's state to its parts
 * @st: the state, zeroed by the caller
 * @desc: the driver's description; it must outlive @st
 * @seam: the VF's seam
 * @trk: the VF's dirty tracking
 * @cap: the VF's message capture
 * @regs: room for nic_vf_regs_count() values of @desc's table
 */
void nic_vf_state_init(struct nic_vf_state *st,
		       const struct nic_vf_state_desc *desc,
		       const struct nic_vf_seam *seam,
		       struct nic_vf_tracker *trk, struct nic_vf_capture *cap,
		       u32 *regs)
{
	st->desc = desc;
	st->seam = seam;
	st->trk = trk;
	st->cap = cap;
	st->regs = regs;
}
EXPORT_SYMBOL_GPL(nic_vf_state_init);

static size_t regs_len(const struct nic_vf_state_desc *desc)
{
	return REGS_HDR + nic_vf_regs_save_len(desc->blocks, desc->nr_blocks);
}

/**
 * nic_vf_state_pending() - bytes the saved state will take
 * @st: the VF's state
 *
 * Return: the size of the three chunks as things stand.
 */
size_t nic_vf_state_pending(const struct nic_vf_state *st)
{
	return NIC_VF_STATE_CHUNKS * NIC_VF_CHUNK_HDR + NIC_VF_ADMIN_REC_LEN +
	       regs_len(st->desc) + NIC_VF_LOG_HDR_LEN + st->cap->log.used;
}
EXPORT_SYMBOL_GPL(nic_vf_state_pending);

static ssize_t save_regs(struct nic_vf_state *st, u8 *p, size_t room)
{
	const struct nic_vf_state_desc *desc = st->desc;
	ssize_t n;

	if (room < REGS_HDR)
		return -ENOSPC;
	memset(p, 0, REGS_HDR);
	nic_vf_put32(p, st->flags);
	n = nic_vf_regs_save(desc->blocks, desc->nr_blocks, st->regs,
			     p + REGS_HDR, room - REGS_HDR);
	return n < 0 ? n : n + REGS_HDR;
}

/**
 * nic_vf_state_save() - produce the next chunk of the VF's state
 * @st: the VF's state; the VF is stopped
 * @buf: where
 * @len: room
 *
 * The first call reads the administrator's settings and takes the
 * driver's register snapshot.  Rewind with @st->save_step = 0.
 *
 * Return: chunk length, 0 after the last chunk, -EIO if dirty tracking
 * failed during this migration (the destination would miss guest memory),
 * -ENOSPC, or the PF's error reading the settings.
 */
ssize_t nic_vf_state_save(struct nic_vf_state *st, void *buf, size_t len)
{
	const struct nic_vf_state_desc *desc = st->desc;
	u8 *p = buf, *pl = p + NIC_VF_CHUNK_HDR;
	size_t room;
	ssize_t n;
	u32 tag;
	int ret;

	if (len < NIC_VF_CHUNK_HDR)
		return -ENOSPC;
	room = len - NIC_VF_CHUNK_HDR;
	switch (st->save_step) {
	case NIC_VF_STATE_ADMIN:
		if (st->trk->lost)
			return -EIO;
		ret = nic_vf_admin_read(st->seam, &st->admin);
		if (ret)
			return ret;
		desc->snapshot(st);
		n = nic_vf_admin_save(&st->admin, pl, room);
		tag = NIC_VF_TAG_ADMIN;
		break;
	case NIC_VF_STATE_REGS:
		n = save_regs(st, pl, room);
		tag = NIC_VF_TAG_REGS;
		break;
	case NIC_VF_STATE_LOG:
		n = nic_vf_msglog_save(&st->cap->log, pl, room);
		tag = desc->log_tag;
		break;
	default:
		return 0;
	}
	if (n < 0)
		return n;
	nic_vf_chunk_header(p, tag, desc->version, n);
	st->save_step++;
	return NIC_VF_CHUNK_HDR + n;
}
EXPORT_SYMBOL_GPL(nic_vf_state_save);

/**
 * nic_vf_state_load_begin() - a stream is about to be loaded
 * @st: the VF's state
 *
 * Forgets what a previous stream loaded, and the driver's part with it.
 */
void nic_vf_state_load_begin(struct nic_vf_state *st)
{
	st->loaded = 0;
	st->flags = 0;
	memset(&st->admin, 0, sizeof(st->admin));
	nic_vf_capture_expect_none(st->cap);
	if (st->desc->load_begin)
		st->desc->load_begin(st);
}
EXPORT_SYMBOL_GPL(nic_vf_state_load_begin);

static int load_regs(struct nic_vf_state *st, const u8 *p, u32 len)
{
	const struct nic_vf_state_desc *desc = st->desc;
	u32 flags;

	if (len < REGS_HDR)
		return -EINVAL;
	flags = nic_vf_get32(p);
	if ((flags & ~desc->flags_valid) || nic_vf_get32(p + 4))
		return -EINVAL;
	if (nic_vf_regs_load(desc->blocks, desc->nr_blocks, st->regs,
			     p + REGS_HDR, len - REGS_HDR))
		return -EINVAL;
	st->flags = flags;
	return 0;
}

/**
 * nic_vf_state_load() - take one chunk of a validated stream
 * @st: the VF's state, resuming
 * @buf: the chunk
 * @len: its length
 * @version: the stream's state format version
 *
 * Chunks must come once each, in the order they are saved, each exactly
 * as long as it says, in the format this driver reads; every message of
 * the log must be one the capture could have logged.
 *
 * Return: 0, or -EINVAL to reject the stream.
 */
int nic_vf_state_load(struct nic_vf_state *st, const void *buf, size_t len,
		      u32 version)
{
	const struct nic_vf_state_desc *desc = st->desc;
	const u32 tags[] = {
		[NIC_VF_STATE_ADMIN] = NIC_VF_TAG_ADMIN,
		[NIC_VF_STATE_REGS] = NIC_VF_TAG_REGS,
		[NIC_VF_STATE_LOG] = desc->log_tag,
	};
	const u8 *p;
	u32 plen;
	int chunk, ret;

	if (version != desc->version)
		return -EINVAL;
	chunk = nic_vf_chunk_open(buf, len, desc->version, tags,
				  ARRAY_SIZE(tags), st->loaded, &p, &plen);
	if (chunk < 0)
		return chunk;
	switch (chunk) {
	case NIC_VF_STATE_ADMIN:
		ret = nic_vf_admin_load(&st->admin, p, plen);
		break;
	case NIC_VF_STATE_REGS:
		ret = load_regs(st, p, plen);
		break;
	default:
		ret = nic_vf_capture_expect(st->cap, p, plen);
		break;
	}
	if (ret)
		return ret;
	st->loaded |= BIT(chunk);
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_state_load);
