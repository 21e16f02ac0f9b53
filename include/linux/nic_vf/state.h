/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: a VF's device state in the migration stream, as three chunks
 * in a fixed order: the administrator's settings, the registers, the
 * guest's configuration messages.
 */
#ifndef _LINUX_NIC_VF_STATE_H
#define _LINUX_NIC_VF_STATE_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/nic_vf/admin.h>
#include <linux/nic_vf/capture.h>
#include <linux/nic_vf/chunk.h>
#include <linux/nic_vf/regs.h>
#include <linux/nic_vf/ring.h>
#include <linux/nic_vf/seam.h>

/* The chunks, in stream order; BIT(n) of each in struct nic_vf_state.loaded. */
enum nic_vf_state_chunk {
	NIC_VF_STATE_ADMIN,
	NIC_VF_STATE_REGS,
	NIC_VF_STATE_LOG,
	NIC_VF_STATE_CHUNKS,
};

#define NIC_VF_STATE_ALL	(BIT(NIC_VF_STATE_CHUNKS) - 1)
#define NIC_VF_TAG_ADMIN	NIC_VF_TAG('A', 'D', 'M', 'N')
#define NIC_VF_TAG_REGS		NIC_VF_TAG('R', 'E', 'G', 'S')

struct nic_vf_state;

/**
 * struct nic_vf_state_desc - what a driver's state looks like
 * @version: the driver's state format version (also each chunk's)
 * @log_tag: NIC_VF_TAG() of the message-log chunk
 * @blocks: the register table
 * @nr_blocks: entries in @blocks
 * @flags_valid: the REGS chunk flags the driver defines; others are refused
 * @snapshot: read the registers into @regs and set @flags, for the first
 *            chunk of a save
 * @load_begin: optional; the driver's own part of "a stream begins"
 */
struct nic_vf_state_desc {
	u16 version;
	u32 log_tag;
	const struct nic_vf_reg_block *blocks;
	unsigned int nr_blocks;
	u32 flags_valid;
	void (*snapshot)(struct nic_vf_state *st);
	void (*load_begin)(struct nic_vf_state *st);
};

/**
 * struct nic_vf_state - one VF's state, saved or loaded
 * @desc: its description
 * @seam: the VF's seam
 * @trk: its dirty tracking (a save fails once tracking was lost)
 * @cap: its message capture (the log saved, the log expected)
 * @regs: register values, nic_vf_regs_count() of @desc's table
 * @save_step: next chunk a save produces
 * @admin: administrator settings, saved or loaded
 * @flags: the driver's REGS chunk flags, saved or loaded
 * @apply_admin: a restore sets the loaded @admin through the PF (else the
 *               destination VF is checked to carry it)
 * @loaded: BIT(n) of each chunk n loaded
 */
struct nic_vf_state {
	const struct nic_vf_state_desc *desc;
	const struct nic_vf_seam *seam;
	struct nic_vf_tracker *trk;
	struct nic_vf_capture *cap;
	u32 *regs;
	int save_step;
	struct nic_vf_admin admin;
	u32 flags;
	bool apply_admin;
	u32 loaded;
};

void nic_vf_state_init(struct nic_vf_state *st,
		       const struct nic_vf_state_desc *desc,
		       const struct nic_vf_seam *seam,
		       struct nic_vf_tracker *trk, struct nic_vf_capture *cap,
		       u32 *regs);
size_t nic_vf_state_pending(const struct nic_vf_state *st);
ssize_t nic_vf_state_save(struct nic_vf_state *st, void *buf, size_t len);
void nic_vf_state_load_begin(struct nic_vf_state *st);
int nic_vf_state_load(struct nic_vf_state *st, const void *buf, size_t len,
		      u32 version);

#endif /* _LINUX_NIC_VF_STATE_H */
