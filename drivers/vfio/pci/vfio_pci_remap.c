// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped BAR ranges and the remap handshake (protocol in
 * <uapi/linux/vfio_pci_vendor.h>).  Region info and new mmaps follow the
 * traps at once; existing mappings are never pulled, so a vendor relies on
 * trapping only after userspace acknowledges the request.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/vfio_pci_vendor.h>

#include "vfio_pci_vendor_priv.h"

static bool traps_valid(struct pci_dev *pdev, unsigned int index,
			const struct vfio_pci_trap *traps, unsigned int nr)
{
	u64 size = PAGE_ALIGN(pci_resource_len(pdev, index));
	unsigned int i;

	if (nr > VFIO_PCI_MAX_TRAPS || (nr && !traps))
		return false;
	for (i = 0; i < nr; i++) {
		if (!traps[i].len || !PAGE_ALIGNED(traps[i].offset) ||
		    !PAGE_ALIGNED(traps[i].len) || traps[i].offset >= size ||
		    traps[i].len > size - traps[i].offset)
			return false;
	}
	return true;
}

/**
 * vfio_pci_remap_set_traps() - choose which parts of a BAR are trapped
 * @vdev: a device owned by a vendor driver, open
 * @index: the BAR's region index (0 to 5), a memory BAR
 * @traps: ranges that must not be mmapped (page aligned); replaces the
 *         previous set
 * @nr: entries in @traps, at most VFIO_PCI_MAX_TRAPS; 0 untraps the BAR
 *
 * GET_REGION_INFO and new mmaps follow at once.  If the device has a
 * VFIO_IRQ_TYPE_REMAP_BAR_REGION irq with an eventfd attached, userspace
 * is signalled to remap; until it acknowledges the returned generation
 * (vfio_pci_remap_acked()), its existing mappings keep working and writes
 * through them do not reach the vendor.  Traps are dropped when the device
 * is closed.
 *
 * Return: the request's generation (> 0), or -EINVAL for a bad index or
 * range.  Process context (takes a mutex).
 */
s64 vfio_pci_remap_set_traps(struct vfio_device *vdev, unsigned int index,
			     const struct vfio_pci_trap *traps,
			     unsigned int nr)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct vfio_pci_remap *remap = &vpdev->remap;
	struct pci_dev *pdev = vpdev->core.pdev;
	int irq;
	s64 gen;

	if (index >= PCI_STD_NUM_BARS ||
	    !(pci_resource_flags(pdev, index) & IORESOURCE_MEM) ||
	    !traps_valid(pdev, index, traps, nr))
		return -EINVAL;

	irq = vfio_pci_irq_find(vpdev, VFIO_IRQ_TYPE_REMAP_BAR_REGION,
				VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION);

	mutex_lock(&vpdev->irq_lock);
	if (nr)
		memcpy(remap->traps[index], traps, nr * sizeof(*traps));
	remap->nr_traps[index] = nr;
	gen = ++remap->generation;
	remap->changed |= BIT_ULL(index);
	/* Add only bits not yet signalled, so the eventfd sum is their OR. */
	if (irq >= 0 && vpdev->irq_ctx[irq] &&
	    !(remap->signalled & BIT_ULL(index)))
		vfio_pci_compat_eventfd_add(vpdev->irq_ctx[irq], BIT_ULL(index));
	remap->signalled |= BIT_ULL(index);
	mutex_unlock(&vpdev->irq_lock);
	return gen;
}
EXPORT_SYMBOL_GPL(vfio_pci_remap_set_traps);

/**
 * vfio_pci_remap_acked() - has userspace applied a remap request?
 * @vdev: a device owned by a vendor driver
 * @generation: what vfio_pci_remap_set_traps() returned
 *
 * Return: true once userspace acknowledged @generation or a later request;
 * never for a VMM that did not opt in to the remap irq.  Process context.
 */
bool vfio_pci_remap_acked(struct vfio_device *vdev, s64 generation)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	bool acked;

	mutex_lock(&vpdev->irq_lock);
	acked = generation > 0 && vpdev->remap.acked >= generation;
	mutex_unlock(&vpdev->irq_lock);
	return acked;
}
EXPORT_SYMBOL_GPL(vfio_pci_remap_acked);

void vfio_pci_remap_close(struct vfio_pci_device *vpdev)
{
	mutex_lock(&vpdev->irq_lock);
	memset(&vpdev->remap, 0, sizeof(vpdev->remap));
	mutex_unlock(&vpdev->irq_lock);
}

/**
 * vfio_pci_remap_opted_in() - userspace attached an eventfd to the remap irq
 * @remap: the device's traps and handshake
 * @ctx: the eventfd
 *
 * Requests userspace has not acknowledged may have been made before (while
 * nothing listened, or on another eventfd): signal them now, so a VMM that
 * opts in after mapping never waits for a signal that was never sent.
 * Those regions count as signalled until userspace reads the status.
 * Caller holds irq_lock, which guards the remap state and the irq's
 * eventfd together.
 */
void vfio_pci_remap_opted_in(struct vfio_pci_remap *remap,
			     struct eventfd_ctx *ctx)
{
	remap->signalled = remap->changed;
	if (remap->changed)
		vfio_pci_compat_eventfd_add(ctx, remap->changed);
}

/* Is [start, end) of BAR @index free of traps?  Caller holds irq_lock. */
static bool range_untrapped(struct vfio_pci_remap *remap, unsigned int index,
			    u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < remap->nr_traps[index]; i++) {
		const struct vfio_pci_trap *t = &remap->traps[index][i];

		if (start < t->offset + t->len && t->offset < end)
			return false;
	}
	return true;
}

/**
 * vfio_pci_remap_check_mmap() - refuse mmaps of trapped BAR pages
 * @vpdev: the device
 * @vma: the mapping asked for
 *
 * Return: 0 if it may proceed, -EINVAL if it covers a trapped page.
 */
int vfio_pci_remap_check_mmap(struct vfio_pci_device *vpdev,
			      struct vm_area_struct *vma)
{
	unsigned int index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	u64 pgoff = vma->vm_pgoff &
		    ((1ULL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
	u64 start = pgoff << PAGE_SHIFT;
	bool ok;

	if (index >= PCI_STD_NUM_BARS)
		return 0;
	mutex_lock(&vpdev->irq_lock);
	ok = range_untrapped(&vpdev->remap, index, start,
			     start + (vma->vm_end - vma->vm_start));
	mutex_unlock(&vpdev->irq_lock);
	return ok ? 0 : -EINVAL;
}

/* Sparse-mmap areas of a BAR: its pages minus the trapped ranges. */
static struct vfio_region_info_cap_sparse_mmap *
sparse_areas(struct vfio_pci_remap *remap, unsigned int index, u64 size,
	     size_t *cap_size)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	unsigned int nr = 0;
	u64 pos = 0;

	sparse = kzalloc(struct_size(sparse, areas, VFIO_PCI_MAX_TRAPS + 1),
			 GFP_KERNEL);
	if (!sparse)
		return NULL;
	while (pos < size) {
		u64 end = pos;

		while (end < size && range_untrapped(remap, index, end,
						     end + PAGE_SIZE))
			end += PAGE_SIZE;
		if (end > pos) {
			sparse->areas[nr].offset = pos;
			sparse->areas[nr].size = end - pos;
			nr++;
		}
		pos = end + PAGE_SIZE;
	}
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = nr;
	*cap_size = struct_size(sparse, areas, nr);
	return sparse;
}

static int msix_cap(struct vfio_info_cap *caps)
{
	struct vfio_info_cap_header header = {
		.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
		.version = 1,
	};

	return vfio_info_add_capability(caps, &header, sizeof(header));
}

/**
 * vfio_pci_remap_region_info() - GET_REGION_INFO of a BAR with traps
 * @vpdev: the device
 * @arg: user pointer to struct vfio_region_info
 *
 * Return: 1 if the BAR has no traps (core answers), else 0 or a negative
 * errno as GET_REGION_INFO returns.
 */
long vfio_pci_remap_region_info(struct vfio_pci_device *vpdev,
				void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info_cap_sparse_mmap *sparse = NULL;
	struct vfio_pci_core_device *core = &vpdev->core;
	struct vfio_region_info info;
	size_t sparse_size = 0;
	u64 size;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= PCI_STD_NUM_BARS)
		return 1;

	mutex_lock(&vpdev->irq_lock);
	if (!vpdev->remap.nr_traps[info.index]) {
		mutex_unlock(&vpdev->irq_lock);
		return 1;
	}
	size = pci_resource_len(core->pdev, info.index);
	if (core->bar_mmap_supported[info.index])
		sparse = sparse_areas(&vpdev->remap, info.index,
				      PAGE_ALIGN(size), &sparse_size);
	mutex_unlock(&vpdev->irq_lock);
	if (core->bar_mmap_supported[info.index] && !sparse)
		return -ENOMEM;

	info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
	info.size = size;
	info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (sparse && sparse->nr_areas) {
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		ret = vfio_info_add_capability(&caps, &sparse->header,
					       sparse_size);
		if (!ret && info.index == core->msix_bar)
			ret = msix_cap(&caps);
	}
	kfree(sparse);
	if (ret)
		goto out;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + sizeof(info), caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out;
			}
			info.cap_offset = sizeof(info);
		}
	}
	ret = copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
out:
	kfree(caps.buf);
	return ret;
}

/**
 * vfio_pci_remap_feature() - VFIO_DEVICE_FEATURE_REGION_REMAP
 * @vpdev: the device
 * @flags: feature flags from the ioctl
 * @arg: user pointer to struct vfio_device_feature_region_remap
 * @argsz: its size
 *
 * An acknowledgment (SET) is only taken from a user that has opted in, i.e.
 * attached an eventfd to the remap irq: the vendor relies on nothing else.
 *
 * Return: 0; -ENOTTY if the device has no remap irq; -EINVAL for bad flags,
 * size, generation or a non-zero reserved field; -ENOTCONN for an ack while no eventfd is attached;
 * -ESTALE for an ack of a superseded request; -EFAULT.
 */
int vfio_pci_remap_feature(struct vfio_pci_device *vpdev, u32 flags,
			   void __user *arg, size_t argsz)
{
	const struct vfio_pci_vendor_driver_ops *vendor = vpdev->vendor;
	struct vfio_device_feature_region_remap st = {};
	struct vfio_pci_remap *remap = &vpdev->remap;
	bool notify = false;
	int irq, ret;

	irq = vfio_pci_irq_find(vpdev, VFIO_IRQ_TYPE_REMAP_BAR_REGION,
				VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION);
	if (irq < 0)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz,
				 VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET,
				 sizeof(st));
	if (ret != 1)
		return ret;

	if (flags & VFIO_DEVICE_FEATURE_GET) {
		mutex_lock(&vpdev->irq_lock);
		st.generation = remap->generation;
		st.regions = remap->changed;
		st.acked = remap->acked;
		st.irq_index = VFIO_PCI_NUM_IRQS + irq;
		remap->signalled = 0;
		mutex_unlock(&vpdev->irq_lock);
		return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
	}

	if (copy_from_user(&st, arg, sizeof(st)))
		return -EFAULT;
	if (st.reserved)
		return -EINVAL;
	ret = 0;	/* vfio_check_feature() returned 1 */
	mutex_lock(&vpdev->irq_lock);
	if (!vpdev->irq_ctx[irq]) {
		ret = -ENOTCONN;
	} else if (!st.generation || st.generation > remap->generation) {
		ret = -EINVAL;
	} else if (st.generation < remap->generation) {
		ret = -ESTALE;
	} else if (remap->acked != st.generation) {
		remap->acked = st.generation;
		remap->changed = 0;
		notify = true;
	}
	mutex_unlock(&vpdev->irq_lock);

	if (notify && vendor->remap_acked)
		vendor->remap_acked(&vpdev->core.vdev, st.generation);
	return ret;
}
