/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the kernels this tree builds for (Debian's 6.1 and
 * 6.12 LTS lines), in one place.  Each entry says what changed and in which
 * release; code elsewhere uses these names and never tests a version.
 */
#ifndef _LINUX_VFIO_PCI_COMPAT_H
#define _LINUX_VFIO_PCI_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/version.h>
#include <linux/vfio.h>

/*
 * 6.2: vfio core answers VFIO_DEVICE_FEATURE_MIG_DATA_SIZE itself, through
 * vfio_migration_ops.migration_get_data_size (which it then requires), and
 * protocol v2 gained the PRE_COPY states with VFIO_MIG_GET_PRECOPY_INFO.
 * Before, vfio-pci serves MIG_DATA_SIZE itself (QEMU asks for it) and
 * offers STOP_COPY only.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VFIO_PCI_COMPAT_CORE_DATA_SIZE		1
#define VFIO_PCI_COMPAT_PRE_COPY		1
#define VFIO_PCI_COMPAT_MIGRATION_PRE_COPY	VFIO_MIGRATION_PRE_COPY
#else
#define VFIO_PCI_COMPAT_CORE_DATA_SIZE		0
#define VFIO_PCI_COMPAT_PRE_COPY		0
#define VFIO_PCI_COMPAT_MIGRATION_PRE_COPY	0
#endif

/*
 * 6.2: the vfio device ops gained the iommufd callbacks; a kernel built
 * with CONFIG_IOMMUFD refuses to register a device without them (6.12 with
 * CONFIG_IOMMUFD off, like Debian's, compiles the helpers to NULL).  Put
 * VFIO_PCI_COMPAT_IOMMUFD_OPS in every struct vfio_device_ops of a
 * physical device.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VFIO_PCI_COMPAT_IOMMUFD_OPS \
	.bind_iommufd	= vfio_iommufd_physical_bind, \
	.unbind_iommufd	= vfio_iommufd_physical_unbind, \
	.attach_ioas	= vfio_iommufd_physical_attach_ioas, \
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#else
#define VFIO_PCI_COMPAT_IOMMUFD_OPS
#endif

/**
 * vfio_pci_compat_has_iommufd_ops() - can core register devices with @ops?
 * @ops: a vendor's device ops
 *
 * Return: false on a kernel with CONFIG_IOMMUFD when @ops lack the iommufd
 * callbacks (core would refuse each device at probe, with a WARN).
 */
static inline bool
vfio_pci_compat_has_iommufd_ops(const struct vfio_device_ops *ops)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return !IS_ENABLED(CONFIG_IOMMUFD) ||
	       (ops->bind_iommufd && ops->unbind_iommufd &&
		ops->attach_ioas && ops->detach_ioas);
#else
	return true;
#endif
}

/*
 * 6.12: vfio-pci fills a BAR mapping page by page from its fault handler
 * and tears mappings down with unmap_mapping_range() on the device's own
 * inode.  Before, the first fault filled the whole mapping and core tore
 * down each mapping it had recorded (6.1).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define VFIO_PCI_COMPAT_BAR_FAULT_PER_PAGE	1
#else
#define VFIO_PCI_COMPAT_BAR_FAULT_PER_PAGE	0
#endif

/*
 * 6.7: the iova_bitmap that device DMA logging reports through moved into
 * iommufd (symbol namespace IOMMUFD), built only with
 * CONFIG_IOMMUFD_DRIVER.  Without it core fails every DMA_LOGGING_REPORT,
 * so a device must not offer logging at all (VMMs then fall back on the
 * IOMMU's dirty tracking).  Debian's 6.12 is such a kernel.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define VFIO_PCI_COMPAT_DMA_LOGGING	IS_ENABLED(CONFIG_IOMMUFD_DRIVER)
#if IS_ENABLED(CONFIG_IOMMUFD_DRIVER)
#define VFIO_PCI_COMPAT_IMPORT_IOVA_BITMAP()	MODULE_IMPORT_NS(IOMMUFD)
#endif
#else
#define VFIO_PCI_COMPAT_DMA_LOGGING	1
#endif
#ifndef VFIO_PCI_COMPAT_IMPORT_IOVA_BITMAP
#define VFIO_PCI_COMPAT_IMPORT_IOVA_BITMAP()
#endif

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
