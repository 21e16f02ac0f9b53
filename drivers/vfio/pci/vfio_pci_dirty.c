// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty-page reporting for vendor drivers.
 *
 * Two consumers, chosen by the VMM:
 *  - the type1 IOMMU's dirty tracking (VFIO_IOMMU_DIRTY_PAGES, protocol v1
 *    clients): type1 marks a page dirty when a driver pins it while
 *    tracking is on, and from a device's first pin on it reports only such
 *    pages for that device ("pinned-page dirty scope").  A transient pin
 *    and unpin reports a page once; a page held pinned is reported at every
 *    sync until released, which suits DMA still in flight;
 *  - the device's own DMA log (VFIO_DEVICE_FEATURE_DMA_LOGGING_*, v2
 *    clients, vfio_pci_dirty_log.c): while it is on, reports go there and
 *    nothing is pinned.
 */
#include <linux/interval_tree.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "vfio_pci_vendor_priv.h"

/*
 * A range held dirty by vfio_pci_dirty_hold(), released by iova and length.
 * A NIC may hold a few hundred thousand (every posted RX buffer), so they
 * are found by IOVA in an interval tree, never by a walk of them all.
 */
struct dirty_hold {
	struct interval_tree_node it;	/* [iova, last byte] */
	int npage;
	bool pinned;	/* through type1; else recorded in the DMA log */
};

/* Marks of up to this many pages (a receive buffer's) need no allocation. */
#define DIRTY_MARK_FEW	4

void vfio_pci_dirty_init(struct vfio_pci_device *vpdev)
{
	mutex_init(&vpdev->dirty_lock);
	vpdev->holds = RB_ROOT_CACHED;
}

/* Pages of [iova, iova + len) as a page-aligned start and a count. */
static int page_span(dma_addr_t iova, size_t len, dma_addr_t *start,
		     u64 *npage)
{
	dma_addr_t end;

	if (!len || check_add_overflow(iova, (dma_addr_t)len - 1, &end))
		return -EINVAL;
	*start = iova & PAGE_MASK;
	*npage = ((end & PAGE_MASK) - *start) / PAGE_SIZE + 1;
	return 0;
}

static int pin_batch(struct vfio_device *vdev, dma_addr_t iova, int npage,
		     struct page **pages)
{
	int ret = vfio_pin_pages(vdev, iova, npage, IOMMU_READ, pages);

	if (ret > 0)
		WRITE_ONCE(to_vfio_pci(vdev)->pinned_scope, true);
	if (ret >= 0 && ret != npage) {
		if (ret)
			vfio_unpin_pages(vdev, iova, ret);
		return -EFAULT;
	}
	return ret < 0 ? ret : 0;
}

/**
 * vfio_pci_dirty_mark() - report guest pages the device wrote
 * @vdev: a device bound to vfio-pci and open
 * @iova: start of the range, an IOVA of the device's container
 * @len: length in bytes, non-zero
 *
 * Call it for every device write to guest memory while
 * vfio_pci_migration_saving() is true.  With device DMA logging on, the
 * pages are logged; otherwise each is pinned and unpinned through the
 * container, which makes the type1 IOMMU report it dirty at the next sync.
 * May sleep.
 *
 * Return: 0; -EINVAL if the range is empty or wraps, and -EINVAL or -EFAULT
 * if it is not guest memory mapped in the container (nothing to report);
 * -ENOMEM.
 */
int vfio_pci_dirty_mark(struct vfio_device *vdev, dma_addr_t iova, size_t len)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct page *few[DIRTY_MARK_FEW], **pages = few;
	dma_addr_t start;
	u64 npage;
	int ret;

	ret = page_span(iova, len, &start, &npage);
	if (ret)
		return ret;

	mutex_lock(&vpdev->dirty_lock);
	if (vpdev->log) {
		vfio_pci_dirty_log_record(vpdev, iova, len);
		mutex_unlock(&vpdev->dirty_lock);
		return 0;
	}
	mutex_unlock(&vpdev->dirty_lock);

	if (npage > DIRTY_MARK_FEW) {
		pages = kmalloc_array(min_t(u64, npage,
					    VFIO_PIN_PAGES_MAX_ENTRIES),
				      sizeof(*pages), GFP_KERNEL);
		if (!pages)
			return -ENOMEM;
	}
	while (npage) {
		int n = min_t(u64, npage, VFIO_PIN_PAGES_MAX_ENTRIES);

		ret = pin_batch(vdev, start, n, pages);
		if (ret)
			break;
		vfio_unpin_pages(vdev, start, n);
		start += (dma_addr_t)n * PAGE_SIZE;
		npage -= n;
	}
	if (pages != few)
		kfree(pages);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_dirty_mark);

/**
 * vfio_pci_dirty_hold() - keep guest pages reported dirty until released
 * @vdev: a device bound to vfio-pci and open
 * @iova: start of the range
 * @len: length in bytes, at most VFIO_PIN_PAGES_MAX_ENTRIES pages
 *
 * For DMA that has been started but may not have landed yet: the pages are
 * reported at every sync (type1: they stay pinned; DMA log: every report)
 * until vfio_pci_dirty_release() with the same range, until userspace
 * unmaps them from the container, or until the device is closed, whichever
 * comes first.  May sleep.
 *
 * Return: 0; -EINVAL for an empty or wrapping range, -EINVAL or -EFAULT
 * for a range that is not guest memory mapped in the container; -E2BIG for
 * more pages than one hold may pin; -ENOMEM.
 */
int vfio_pci_dirty_hold(struct vfio_device *vdev, dma_addr_t iova, size_t len)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct dirty_hold *hold;
	struct page **pages = NULL;
	dma_addr_t start;
	u64 npage;
	int ret;

	ret = page_span(iova, len, &start, &npage);
	if (ret)
		return ret;
	if (npage > VFIO_PIN_PAGES_MAX_ENTRIES)
		return -E2BIG;

	/* Sized by what the guest posts: charged to the VMM. */
	hold = kzalloc(sizeof(*hold), GFP_KERNEL_ACCOUNT);
	if (!hold)
		return -ENOMEM;
	hold->it.start = start;
	hold->it.last = start + npage * PAGE_SIZE - 1;
	hold->npage = npage;

	mutex_lock(&vpdev->dirty_lock);
	if (vpdev->log) {
		vfio_pci_dirty_log_record(vpdev, start, npage * PAGE_SIZE);
	} else {
		pages = kmalloc_array(npage, sizeof(*pages), GFP_KERNEL_ACCOUNT);
		ret = pages ? pin_batch(vdev, start, npage, pages) : -ENOMEM;
		hold->pinned = true;
	}
	if (!ret) {
		interval_tree_insert(&hold->it, &vpdev->holds);
		hold = NULL;
	}
	mutex_unlock(&vpdev->dirty_lock);
	kfree(pages);
	kfree(hold);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_dirty_hold);

static void hold_free(struct vfio_pci_device *vpdev, struct dirty_hold *hold)
{
	if (hold->pinned)
		vfio_unpin_pages(&vpdev->core.vdev, hold->it.start, hold->npage);
	interval_tree_remove(&hold->it, &vpdev->holds);
	kfree(hold);
}

/**
 * vfio_pci_dirty_release() - end a vfio_pci_dirty_hold()
 * @vdev: the device
 * @iova: the range given to vfio_pci_dirty_hold()
 * @len: its length
 *
 * Releasing a range that is not held (already released, or unmapped by
 * userspace meanwhile) does nothing.  May sleep.
 */
void vfio_pci_dirty_release(struct vfio_device *vdev, dma_addr_t iova,
			    size_t len)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct interval_tree_node *it;
	dma_addr_t start;
	u64 npage;

	if (page_span(iova, len, &start, &npage))
		return;

	mutex_lock(&vpdev->dirty_lock);
	for (it = interval_tree_iter_first(&vpdev->holds, start, start); it;
	     it = interval_tree_iter_next(it, start, start)) {
		if (it->start == start &&
		    it->last == start + npage * PAGE_SIZE - 1) {
			hold_free(vpdev, container_of(it, struct dirty_hold, it));
			break;
		}
	}
	mutex_unlock(&vpdev->dirty_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_dirty_release);

/*
 * Release every hold that overlaps [iova, iova + len): userspace is
 * unmapping it (type1 insists that pins go first) or the device is closing.
 */
void vfio_pci_dirty_release_all(struct vfio_pci_device *vpdev, u64 iova,
				u64 len)
{
	struct interval_tree_node *it;
	u64 last;

	if (!len || check_add_overflow(iova, len - 1, &last))
		last = U64_MAX;

	mutex_lock(&vpdev->dirty_lock);
	while ((it = interval_tree_iter_first(&vpdev->holds, iova, last))) {
		hold_free(vpdev, container_of(it, struct dirty_hold, it));
		cond_resched();
	}
	mutex_unlock(&vpdev->dirty_lock);
}

/*
 * Log every page still held: a report must include DMA in flight.  Caller
 * holds dirty_lock, with the log on.
 */
void vfio_pci_dirty_log_holds(struct vfio_pci_device *vpdev)
{
	struct interval_tree_node *it;

	for (it = interval_tree_iter_first(&vpdev->holds, 0, ULONG_MAX); it;
	     it = interval_tree_iter_next(it, 0, ULONG_MAX)) {
		vfio_pci_dirty_log_record(vpdev, it->start,
					  it->last - it->start + 1);
		cond_resched();
	}
}

/**
 * vfio_pci_dma_read() - read guest memory through the device's container
 * @vdev: a device bound to vfio-pci and open
 * @iova: where, as the device would address it
 * @buf: kernel buffer
 * @len: bytes to read
 *
 * For vendors that parse what the guest put in memory for the device
 * (descriptor rings, command buffers).  Never trust what it returns.
 *
 * Return: 0, or a negative errno (-EINVAL/-EFAULT for an unmapped range).
 */
int vfio_pci_dma_read(struct vfio_device *vdev, dma_addr_t iova, void *buf,
		      size_t len)
{
	return vfio_dma_rw(vdev, iova, buf, len, false);
}
EXPORT_SYMBOL_GPL(vfio_pci_dma_read);

/**
 * vfio_pci_dma_write() - write guest memory through the device's container
 * @vdev: a device bound to vfio-pci and open
 * @iova: where, as the device would address it
 * @buf: kernel buffer
 * @len: bytes to write
 *
 * While type1 dirty tracking is on, type1 reports the written pages dirty;
 * with device DMA logging on, the caller reports them.
 *
 * Return: 0, or a negative errno (-EINVAL/-EFAULT for an unmapped range).
 */
int vfio_pci_dma_write(struct vfio_device *vdev, dma_addr_t iova,
		       const void *buf, size_t len)
{
	return vfio_dma_rw(vdev, iova, (void *)buf, len, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_dma_write);
