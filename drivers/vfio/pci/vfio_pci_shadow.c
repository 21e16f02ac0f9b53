// SPDX-License-Identifier: GPL-2.0-only
/*
 * A BAR page the kernel swaps, behind the user's back, between the device
 * and a page of memory (the "shadow").
 *
 * A stock VMM maps a BAR once and never asks again, so a vendor that must
 * see the guest's writes to some registers only while saving cannot trap
 * them through the sparse-mmap areas.  Instead, the user's mappings of
 * that page are pointed at a memory page for as long as the vendor needs
 * to look: the guest's accesses then land in memory at full speed, and the
 * vendor forwards what changed to the device itself, after looking at it.
 * Between two swaps, the user's mappings are torn down and refilled by the
 * fault handler, which never leaves the page unmapped for a fault it
 * served: a VMM's KVM would fail the guest access otherwise.
 *
 * How the mappings are found differs by kernel: 6.12's vfio-pci fills a
 * BAR mapping page by page and tears it down through the device's inode,
 * so one unmap_mapping_range() of the page suffices.  6.1's fills the
 * whole mapping on its first fault and tears it down per mapping, so the
 * page's entry is replaced in each mapping we track, under core's
 * vma_lock (which orders us with its own teardown).
 *
 * Locks: a swap holds the shadow lock for writing, then (6.1) tries each
 * mapping's mmap lock and takes core's vma_lock; a fault holds the mmap
 * lock, then the shadow lock for reading, then core's locks.  Nothing
 * takes the shadow lock under core's memory_lock or vma_lock, so a vendor
 * may swap under its own lock as long as core's locks nest inside it, as
 * they already must for its BAR accesses.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "vfio_pci_vendor_priv.h"

/* Core's operations for BAR mappings, which ours call (one set per kernel). */
static const struct vm_operations_struct *core_vm_ops;
static DEFINE_MUTEX(vm_ops_lock);

static struct vfio_pci_device *vma_to_vpdev(struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *core = vma->vm_private_data;

	return container_of(core, struct vfio_pci_device, core);
}

static unsigned long device_pfn(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;

	return (pci_resource_start(vpdev->core.pdev, sh->index) +
		sh->offset) >> PAGE_SHIFT;
}

/*
 * The page's vm_pgoff in a BAR mapping: 6.12's core keeps the file's page
 * offset there, 6.1's replaces it with the physical page number.
 */
static unsigned long shadow_pgoff(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;

	if (VFIO_PCI_COMPAT_BAR_FAULT_PER_PAGE)
		return (VFIO_PCI_INDEX_TO_OFFSET(sh->index) + sh->offset) >>
		       PAGE_SHIFT;
	return device_pfn(vpdev);
}

/* The user address of the shadowed page in @vma, or 0 if not in it. */
static unsigned long shadow_addr(struct vfio_pci_device *vpdev,
				 struct vm_area_struct *vma)
{
	unsigned long want = shadow_pgoff(vpdev);

	if (!vpdev->shadow.reserved || want < vma->vm_pgoff ||
	    want - vma->vm_pgoff >= vma_pages(vma))
		return 0;
	return vma->vm_start + ((want - vma->vm_pgoff) << PAGE_SHIFT);
}

#if VFIO_PCI_COMPAT_BAR_FAULT_PER_PAGE

static vm_fault_t shadow_fault(struct vm_fault *vmf)
{
	struct vfio_pci_device *vpdev = vma_to_vpdev(vmf->vma);
	struct vfio_pci_shadow *sh = &vpdev->shadow;
	unsigned long addr = shadow_addr(vpdev, vmf->vma);
	vm_fault_t ret;

	if (!addr || (vmf->address & PAGE_MASK) != addr)
		return core_vm_ops->fault(vmf);
	down_read(&sh->lock);
	if (sh->page)
		ret = vmf_insert_pfn(vmf->vma, addr, page_to_pfn(sh->page));
	else
		ret = core_vm_ops->fault(vmf);
	up_read(&sh->lock);
	return ret;
}

static vm_fault_t shadow_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vfio_pci_device *vpdev = vma_to_vpdev(vmf->vma);
	unsigned long addr = shadow_addr(vpdev, vmf->vma);
	unsigned long size = PAGE_SIZE << order;

	/* A large entry must not cover the page we may swap. */
	if (!core_vm_ops->huge_fault ||
	    (order && addr && (vmf->address & ~(size - 1)) == (addr & ~(size - 1))))
		return VM_FAULT_FALLBACK;
	return core_vm_ops->huge_fault(vmf, order);
}

static int track_vma(struct vfio_pci_device *vpdev, struct vm_area_struct *vma)
{
	return 0;
}

static void swap_mappings(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;

	unmap_mapping_range(vpdev->core.vdev.inode->i_mapping,
			    VFIO_PCI_INDEX_TO_OFFSET(sh->index) + sh->offset,
			    PAGE_SIZE, true);
}

/* Core's are fault and, where huge mappings exist, huge_fault. */
static const struct vm_operations_struct shadow_vm_ops = {
	.fault = shadow_fault,
	.huge_fault = shadow_huge_fault,
};

#else /* core fills and tears down whole mappings */

struct shadow_vma {
	struct list_head node;
	struct vm_area_struct *vma;
};

/* The pfn @vma maps at @addr, or 0 if none.  Caller holds the mmap lock. */
static unsigned long mapped_pfn(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long pfn = 0;
	spinlock_t *ptl;	/* the page table's, taken by follow_pte() */
	pte_t *ptep;

	if (follow_pte(vma->vm_mm, addr, &ptep, &ptl))
		return 0;
	__acquire(ptl);		/* follow_pte() returned with it held */
	if (pte_present(*ptep))
		pfn = pte_pfn(*ptep);
	pte_unmap_unlock(ptep, ptl);
	return pfn;
}

/*
 * Point @vma's entry for the page at what it should map now.  An empty
 * entry is left empty: core has torn the mapping down (or is about to
 * fill it) and the next fault comes back here.  Caller holds the mmap
 * lock and the shadow lock; core's vma_lock keeps core's teardown out.
 * After a fault (@refill), a device entry while swapped was core's fill,
 * which another thread may have used before we got here: say so.
 */
static vm_fault_t fix_entry(struct vfio_pci_device *vpdev,
			    struct vm_area_struct *vma, unsigned long addr,
			    bool refill)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;
	unsigned long want, cur;
	vm_fault_t ret = 0;

	want = sh->page ? page_to_pfn(sh->page) : device_pfn(vpdev);
	mutex_lock(&vpdev->core.vma_lock);
	cur = mapped_pfn(vma, addr);
	if (cur && cur != want) {
		if (refill && sh->page)
			WRITE_ONCE(sh->exposed, true);
		zap_vma_ptes(vma, addr, PAGE_SIZE);
		ret = vmf_insert_pfn(vma, addr, want);
	}
	mutex_unlock(&vpdev->core.vma_lock);
	return ret;
}

static vm_fault_t shadow_fault(struct vm_fault *vmf)
{
	struct vfio_pci_device *vpdev = vma_to_vpdev(vmf->vma);
	struct vfio_pci_shadow *sh = &vpdev->shadow;
	vm_fault_t ret = core_vm_ops->fault(vmf);
	unsigned long addr;

	if (ret & VM_FAULT_ERROR)
		return ret;
	down_read(&sh->lock);
	addr = shadow_addr(vpdev, vmf->vma);
	if (addr && (fix_entry(vpdev, vmf->vma, addr, true) & VM_FAULT_ERROR))
		ret = VM_FAULT_SIGBUS;
	up_read(&sh->lock);
	return ret;
}

static int track_vma(struct vfio_pci_device *vpdev, struct vm_area_struct *vma)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;
	struct shadow_vma *sv = kzalloc(sizeof(*sv), GFP_KERNEL);

	if (!sv)
		return -ENOMEM;
	sv->vma = vma;
	down_write(&sh->lock);
	list_add(&sv->node, &sh->vmas);
	up_write(&sh->lock);
	return 0;
}

static void shadow_open(struct vm_area_struct *vma)
{
	struct vfio_pci_device *vpdev = vma_to_vpdev(vma);

	core_vm_ops->open(vma);
	/* Without a record the swap cannot reach this copy: say so then. */
	if (track_vma(vpdev, vma)) {
		down_write(&vpdev->shadow.lock);
		vpdev->shadow.untracked = true;
		up_write(&vpdev->shadow.lock);
	}
}

static void shadow_close(struct vm_area_struct *vma)
{
	struct vfio_pci_shadow *sh = &vma_to_vpdev(vma)->shadow;
	struct shadow_vma *sv;

	down_write(&sh->lock);
	list_for_each_entry(sv, &sh->vmas, node) {
		if (sv->vma == vma) {
			list_del(&sv->node);
			kfree(sv);
			break;
		}
	}
	up_write(&sh->lock);
	core_vm_ops->close(vma);
}

/*
 * Each mapping's entry is replaced under its mm's mmap lock; a mapping
 * being closed holds that lock for writing and waits for ours, so it is
 * only tried, and the whole pass is retried without our lock.
 */
static void swap_mappings(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;
	struct shadow_vma *sv;
	bool again;

	do {
		again = false;
		list_for_each_entry(sv, &sh->vmas, node) {
			struct vm_area_struct *vma = sv->vma;
			unsigned long addr = shadow_addr(vpdev, vma);

			if (!addr)
				continue;
			if (!mmap_read_trylock(vma->vm_mm)) {
				again = true;
				continue;
			}
			fix_entry(vpdev, vma, addr, false);
			mmap_read_unlock(vma->vm_mm);
		}
		if (again) {
			up_write(&sh->lock);
			cond_resched();
			down_write(&sh->lock);
		}
	} while (again);
}

/* Core's are open, close and fault. */
static const struct vm_operations_struct shadow_vm_ops = {
	.open = shadow_open,
	.close = shadow_close,
	.fault = shadow_fault,
};

#endif

void vfio_pci_shadow_init(struct vfio_pci_device *vpdev)
{
	init_rwsem(&vpdev->shadow.lock);
	INIT_LIST_HEAD(&vpdev->shadow.vmas);
}

/**
 * vfio_pci_shadow_mmap() - let a new BAR mapping follow the swaps
 * @vpdev: the device
 * @vma: a mapping core's mmap has just set up
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_pci_shadow_mmap(struct vfio_pci_device *vpdev,
			 struct vm_area_struct *vma)
{
	int ret;

	if (!shadow_addr(vpdev, vma))
		return 0;
	mutex_lock(&vm_ops_lock);
	if (!core_vm_ops)
		core_vm_ops = vma->vm_ops;
	mutex_unlock(&vm_ops_lock);
	/* Core's mappings are all alike; anything else is left alone. */
	if (vma->vm_ops != core_vm_ops)
		return 0;
	ret = track_vma(vpdev, vma);
	if (!ret)
		vma->vm_ops = &shadow_vm_ops;
	return ret;
}

/**
 * vfio_pci_shadow_reserve() - make a BAR page swappable
 * @vdev: a device owned by a vendor driver, open, before userspace maps
 *        the BAR (from the vendor's open_device)
 * @index: the BAR's region index, a memory BAR
 * @offset: page-aligned offset of the page in the BAR
 *
 * Mappings of that page made from now on follow vfio_pci_shadow_swap().
 * Dropped when the device is closed.
 *
 * Return: 0, -EINVAL for a bad BAR or offset, -EBUSY if another page is
 * reserved.
 */
int vfio_pci_shadow_reserve(struct vfio_device *vdev, unsigned int index,
			    u32 offset)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct vfio_pci_shadow *sh = &vpdev->shadow;
	struct pci_dev *pdev = vpdev->core.pdev;
	int ret = 0;

	if (index >= PCI_STD_NUM_BARS ||
	    !(pci_resource_flags(pdev, index) & IORESOURCE_MEM) ||
	    !PAGE_ALIGNED(offset) || !PAGE_ALIGNED(pci_resource_start(pdev, index)) ||
	    offset >= pci_resource_len(pdev, index))
		return -EINVAL;
	down_write(&sh->lock);
	if (sh->reserved && (sh->index != index || sh->offset != offset)) {
		ret = -EBUSY;
	} else {
		sh->index = index;
		sh->offset = offset;
		sh->reserved = true;
	}
	up_write(&sh->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_shadow_reserve);

/**
 * vfio_pci_shadow_swap() - point the user's mappings of the reserved page
 * @vdev: the device, open, with a reserved page
 * @page: a page of memory (order 0, the caller's) to map instead of the
 *        device, or NULL to map the device again
 *
 * On return no user access reaches what was mapped before: with @page,
 * the caller may read the device's registers and know that any later
 * guest write lands in @page; with NULL, the caller may free the page it
 * had given.  Process context; may sleep.  Not with the mmap lock held.
 *
 * Return: 0, -EINVAL without a reserved page, -ENOMEM if a mapping could
 * not be followed (the swap is then not made).
 */
int vfio_pci_shadow_swap(struct vfio_device *vdev, struct page *page)
{
	struct vfio_pci_shadow *sh = &to_vfio_pci(vdev)->shadow;
	int ret = 0;

	down_write(&sh->lock);
	if (!sh->reserved)
		ret = -EINVAL;
	else if (page && sh->untracked)
		ret = -ENOMEM;
	if (!ret && sh->page != page) {
		sh->page = page;
		WRITE_ONCE(sh->exposed, false);
		swap_mappings(to_vfio_pci(vdev));
	}
	up_write(&sh->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_shadow_swap);

/**
 * vfio_pci_shadow_exposed() - did a user reach the device's page while
 * swapped?
 * @vdev: the device, open, with a reserved page
 *
 * 6.1's core refills a whole mapping at once after tearing it down (a
 * reset, memory turned off and on); until vfio-pci swaps the page back
 * in, microseconds later, another thread of the user can access the
 * device's page, and a write it makes then is not in the swapped page.
 * 6.12's core fills page by page and never maps the device's page while
 * swapped.
 *
 * Return: true if that happened since the page was last swapped for
 * memory; false again once the page is swapped back.  Lockless: the
 * answer may be out of date by one fault in flight.
 */
bool vfio_pci_shadow_exposed(struct vfio_device *vdev)
{
	return READ_ONCE(to_vfio_pci(vdev)->shadow.exposed);
}
EXPORT_SYMBOL_GPL(vfio_pci_shadow_exposed);

/* The device is closed: no user mapping is left. */
void vfio_pci_shadow_close(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_shadow *sh = &vpdev->shadow;

	down_write(&sh->lock);
	WARN_ON_ONCE(!list_empty(&sh->vmas));
	sh->page = NULL;
	sh->reserved = false;
	sh->untracked = false;
	WRITE_ONCE(sh->exposed, false);
	up_write(&sh->lock);
}
