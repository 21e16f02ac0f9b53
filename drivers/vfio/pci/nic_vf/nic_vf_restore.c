// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared part of putting a VF back on a destination: the
 * administrator's settings, the VF reset, the saved registers, in that
 * order.  What the guest configured comes back afterwards, by the vendor
 * driver's own means.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/restore.h>

/**
 * nic_vf_restore_needs_reset() - must the guest renegotiate?
 * @log: what the guest had configured on the source
 * @guest_driver_active: the guest's driver had the VF's mailbox or admin
 *                       queue enabled on the source
 *
 * A guest that never configured the VF has nothing to bring back; for any
 * other the destination VF is reset, so that the PF forgets whatever it
 * held, before the guest's configuration is brought back: by the vendor
 * driver (igb sends it again on the VF's mailbox) or by the guest's own
 * driver, told of the reset.
 *
 * Return: true if the destination must reset the VF.
 */
bool nic_vf_restore_needs_reset(const struct nic_vf_msglog *log,
				bool guest_driver_active)
{
	return guest_driver_active || log->nr ||
	       (log->flags & NIC_VF_LOG_FLAGS);
}
EXPORT_SYMBOL_GPL(nic_vf_restore_needs_reset);

/**
 * nic_vf_restore() - put a VF back on a destination
 * @seam: the destination VF's seam
 * @plan: what to put back
 * @res: what nic_vf_admin_apply() did (may be NULL)
 *
 * In order: the administrator's settings (first, as on some PFs they reset
 * the VF), the VF reset if @plan asks for one, then the registers (after
 * the reset, which would clear them).
 *
 * Return: 0, or the first error (nothing later is done).
 */
int nic_vf_restore(const struct nic_vf_seam *seam,
		   const struct nic_vf_restore_plan *plan,
		   struct nic_vf_admin_result *res)
{
	int ret;

	if (plan->admin) {
		ret = nic_vf_admin_apply(seam, plan->admin, res);
		if (ret)
			return ret;
	} else if (res) {
		memset(res, 0, sizeof(*res));
	}
	if (plan->reset) {
		ret = seam->ops->vf_reset(seam->ctx);
		if (ret)
			return ret;
	}
	if (plan->blocks && plan->vals)
		nic_vf_regs_restore(seam, plan->blocks, plan->nr_blocks,
				    plan->vals, plan->groups);
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_restore);
