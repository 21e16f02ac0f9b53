/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the seam, the few kernel services the pure logic uses, as
 * function pointers, so that the logic also builds in the userspace unit
 * tests (nic_vf/host.h implements it over vfio-pci and the PF).
 */
#ifndef _LINUX_NIC_VF_SEAM_H
#define _LINUX_NIC_VF_SEAM_H

#include <linux/types.h>
#include <linux/nic_vf/admin.h>

/**
 * struct nic_vf_seam_ops - the kernel services the pure logic uses
 * @dma_read: read @len bytes of guest memory at device address @iova;
 *            0, or -EINVAL/-EFAULT when the range is not guest memory
 * @dirty_mark: report [@iova, @iova + @len) dirty once (the device wrote
 *              it already); errors as @dirty_hold
 * @dirty_hold: keep [@iova, @iova + @len) reported dirty at every sync
 *              until @dirty_release of the same range (the device may
 *              write it later); -EINVAL/-EFAULT when the range is not
 *              guest memory the device can reach, any other errno when
 *              dirty tracking itself failed
 * @dirty_release: end a @dirty_hold
 * @pf_get: read the VF's administrator settings from its PF; sets
 *          @cfg->valid to what the PF reports
 * @pf_set: set one administrator setting through the PF (values in @cfg);
 *          -EOPNOTSUPP when the PF has no operation for it
 * @vf_reset: reset the VF so its guest driver renegotiates
 * @reg_read: read a 32-bit register of the VF's register BAR
 * @reg_write: write one
 * @zalloc: zeroed memory for the logic's tables, NULL on failure
 * @free: give it back (NULL is allowed)
 * @pause: optional; let about @us microseconds pass (the logic polls the
 *         device, e.g. waiting for its PF's answer)
 *
 * All callbacks may sleep; the caller serialises them per VF.
 */
struct nic_vf_seam_ops {
	int (*dma_read)(void *ctx, u64 iova, void *buf, size_t len);
	int (*dirty_mark)(void *ctx, u64 iova, size_t len);
	int (*dirty_hold)(void *ctx, u64 iova, size_t len);
	void (*dirty_release)(void *ctx, u64 iova, size_t len);
	int (*pf_get)(void *ctx, struct nic_vf_admin *cfg);
	int (*pf_set)(void *ctx, enum nic_vf_admin_field field,
		      const struct nic_vf_admin *cfg);
	int (*vf_reset)(void *ctx);
	u32 (*reg_read)(void *ctx, u32 offset);
	void (*reg_write)(void *ctx, u32 offset, u32 value);
	void *(*zalloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr);
	void (*pause)(void *ctx, unsigned int us);
};

/**
 * struct nic_vf_seam - the seam of one VF
 * @ops: the services
 * @ctx: passed to each of them
 */
struct nic_vf_seam {
	const struct nic_vf_seam_ops *ops;
	void *ctx;
};

#endif /* _LINUX_NIC_VF_SEAM_H */
