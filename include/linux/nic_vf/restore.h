/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the shared part of a restore: administrator settings, VF
 * reset, registers.
 */
#ifndef _LINUX_NIC_VF_RESTORE_H
#define _LINUX_NIC_VF_RESTORE_H

#include <linux/types.h>
#include <linux/nic_vf/admin.h>
#include <linux/nic_vf/msglog.h>
#include <linux/nic_vf/regs.h>
#include <linux/nic_vf/seam.h>

/**
 * struct nic_vf_restore_plan - what a destination puts back, in order
 * @admin: administrator settings (applied first: on some PFs they reset
 *         the VF, which would undo anything done before them)
 * @reset: reset the VF afterwards, so that the PF forgets what it held
 *         for the VF before the guest's configuration comes back
 * @blocks: register table (may be NULL)
 * @nr_blocks: entries in @blocks
 * @vals: saved values, nic_vf_regs_count() of them
 * @groups: restore groups to write
 */
struct nic_vf_restore_plan {
	const struct nic_vf_admin *admin;
	bool reset;
	const struct nic_vf_reg_block *blocks;
	unsigned int nr_blocks;
	const u32 *vals;
	u32 groups;
};

bool nic_vf_restore_needs_reset(const struct nic_vf_msglog *log,
				bool guest_driver_active);
int nic_vf_restore(const struct nic_vf_seam *seam,
		   const struct nic_vf_restore_plan *plan,
		   struct nic_vf_admin_result *res);

#endif /* _LINUX_NIC_VF_RESTORE_H */
