/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the kernels this tree builds for (Debian's 6.1 and
 * 6.12 LTS lines), in one place.  Each helper names what changed and in
 * which release; the drivers call the helper and never test a version.
 */
#ifndef _LINUX_VFIO_PCI_COMPAT_H
#define _LINUX_VFIO_PCI_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/version.h>

/**
 * vfio_pci_compat_vm_flags_set() - set flags on a VMA being mmapped
 * @vma: the VMA, in an mmap handler
 * @flags: VM_* flags to add
 *
 * 6.3 made vm_flags read-only outside vm_flags_set().
 */
static inline void vfio_pci_compat_vm_flags_set(struct vm_area_struct *vma,
						vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/**
 * vfio_pci_compat_eventfd_add() - signal an eventfd
 * @ctx: the eventfd
 * @n: what to add to its counter (not 0)
 *
 * 6.8 dropped eventfd_signal()'s count: from then on every signal adds 1,
 * whatever @n says.  Callers must treat the value userspace reads as a
 * hint (a number of signals at least), never as data.
 */
static inline void vfio_pci_compat_eventfd_add(struct eventfd_ctx *ctx, u64 n)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, n);
#endif
}

#endif /* _LINUX_VFIO_PCI_COMPAT_H */
