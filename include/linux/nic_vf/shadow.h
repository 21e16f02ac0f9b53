/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: a register page swapped for memory while saving.
 *
 * Some registers (an RX tail) must be seen by the logic before the device
 * acts on them, but only while saving; a stock VMM maps the BAR once, so
 * the page cannot be trapped then.  Instead vfio-pci swaps the user's
 * mapping of the page for a page of memory (vfio_pci_shadow_swap()) while
 * saving: the guest's writes land there, and the library passes each
 * change to the logic and then the device, in the driver's order, from a
 * timer and before any trapped access (which keeps the guest's order
 * between this page and the trapped ones).  Outside saving the page is
 * the device's and costs nothing.
 *
 * The pure half (struct nic_vf_shadow_regs, nic_vf_shadow.c) compares the
 * page with the device and passes changes on; the kernel half
 * (struct nic_vf_shadow, nic_vf_dev_shadow.c) owns the page, the swap, the
 * timer and the work.
 */
#ifndef _LINUX_NIC_VF_SHADOW_H
#define _LINUX_NIC_VF_SHADOW_H

#include <linux/types.h>

/* Registers of the page the library follows at most. */
#define NIC_VF_SHADOW_MAX_REGS	32

/**
 * struct nic_vf_shadow_ops - how the pure half reaches the device
 * @read: the device's register @off into @val; non-zero if it cannot be
 *        read now (that register is then left as it is)
 * @write: the guest wrote @val to @off: to the logic, then the device
 */
struct nic_vf_shadow_ops {
	int (*read)(void *ctx, u32 off, u32 *val);
	int (*write)(void *ctx, u32 off, u32 val);
};

/**
 * struct nic_vf_shadow_regs - the followed registers of a swapped page
 * @words: the page (its 32-bit words), written by the guest at any time
 * @regs: offsets of the followed registers, in the order changes go on
 * @nr: entries in @regs
 * @last: per register, what the device was last known to hold
 * @ops: the device
 * @ctx: passed to @ops
 * @forwarded: register writes passed on
 * @flushes: passes that found something to pass on
 */
struct nic_vf_shadow_regs {
	u32 *words;
	const u32 *regs;
	unsigned int nr;
	u32 last[NIC_VF_SHADOW_MAX_REGS];
	const struct nic_vf_shadow_ops *ops;
	void *ctx;
	unsigned long forwarded;
	unsigned long flushes;
};

void nic_vf_shadow_fill(struct nic_vf_shadow_regs *r);
bool nic_vf_shadow_changed(const struct nic_vf_shadow_regs *r);
unsigned int nic_vf_shadow_pass_on(struct nic_vf_shadow_regs *r);
void nic_vf_shadow_read_back(struct nic_vf_shadow_regs *r);
bool nic_vf_shadow_written(struct nic_vf_shadow_regs *r, u32 off, u32 val);
unsigned int nic_vf_shadow_drain(struct nic_vf_shadow_regs *r);

#endif /* _LINUX_NIC_VF_SHADOW_H */
