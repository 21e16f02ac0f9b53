// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty-page reporting for vendor drivers, through the device's container.
 *
 * The type1 IOMMU marks a page dirty when a driver pins it while dirty
 * tracking is on, and from a device's first pin on it reports only such
 * pages for that device ("pinned-page dirty scope").  A transient pin and
 * unpin therefore reports a page once; a page held pinned is reported at
 * every sync until released, which suits DMA still in flight.
 */
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vfio_pci_vendor_priv.h"

/* A range pinned by vfio_pci_dirty_hold(), released by iova and length. */
struct dirty_hold {
	struct list_head node;
	dma_addr_t iova;
	int npage;
};

void vfio_pci_dirty_init(struct vfio_pci_device *vpdev)
{
	mutex_init(&vpdev->holds_lock);
	INIT_LIST_HEAD(&vpdev->holds);
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
 * Pins and unpins each page of the range through the container, which
 * makes the type1 IOMMU report it dirty at the next sync while dirty
 * tracking is on.  Call it for every device write to guest memory while
 * vfio_pci_migration_saving() is true.  May sleep.
 *
 * Return: 0; -EINVAL if the range is empty, wraps, or is not mapped in the
 * container; -ENOMEM; -EFAULT if a page cannot be pinned.
 */
int vfio_pci_dirty_mark(struct vfio_device *vdev, dma_addr_t iova, size_t len)
{
	struct page **pages;
	dma_addr_t start;
	u64 npage;
	int ret;

	ret = page_span(iova, len, &start, &npage);
	if (ret)
		return ret;
	pages = kmalloc_array(min_t(u64, npage, VFIO_PIN_PAGES_MAX_ENTRIES),
			      sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	while (npage) {
		int n = min_t(u64, npage, VFIO_PIN_PAGES_MAX_ENTRIES);

		ret = pin_batch(vdev, start, n, pages);
		if (ret)
			break;
		vfio_unpin_pages(vdev, start, n);
		start += (dma_addr_t)n * PAGE_SIZE;
		npage -= n;
	}
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
 * For DMA that has been started but may not have landed yet: the pages stay
 * pinned, so every sync reports them, until vfio_pci_dirty_release() with
 * the same range, until userspace unmaps them from the container, or until
 * the device is closed, whichever comes first.  May sleep.
 *
 * Return: 0; -EINVAL for an empty, wrapping or unmapped range; -E2BIG for a
 * range of more pages than one hold may pin; -ENOMEM; -EFAULT.
 */
int vfio_pci_dirty_hold(struct vfio_device *vdev, dma_addr_t iova, size_t len)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct dirty_hold *hold;
	struct page **pages;
	dma_addr_t start;
	u64 npage;
	int ret;

	ret = page_span(iova, len, &start, &npage);
	if (ret)
		return ret;
	if (npage > VFIO_PIN_PAGES_MAX_ENTRIES)
		return -E2BIG;

	hold = kzalloc(sizeof(*hold), GFP_KERNEL);
	pages = kmalloc_array(npage, sizeof(*pages), GFP_KERNEL);
	if (!hold || !pages) {
		ret = -ENOMEM;
		goto out;
	}
	hold->iova = start;
	hold->npage = npage;

	mutex_lock(&vpdev->holds_lock);
	ret = pin_batch(vdev, start, npage, pages);
	if (!ret) {
		list_add_tail(&hold->node, &vpdev->holds);
		hold = NULL;
	}
	mutex_unlock(&vpdev->holds_lock);
out:
	kfree(pages);
	kfree(hold);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_dirty_hold);

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
	struct dirty_hold *hold;
	dma_addr_t start;
	u64 npage;

	if (page_span(iova, len, &start, &npage))
		return;

	mutex_lock(&vpdev->holds_lock);
	list_for_each_entry(hold, &vpdev->holds, node) {
		if (hold->iova == start && hold->npage == npage) {
			vfio_unpin_pages(vdev, hold->iova, hold->npage);
			list_del(&hold->node);
			kfree(hold);
			break;
		}
	}
	mutex_unlock(&vpdev->holds_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_dirty_release);

/*
 * Release every hold that overlaps [iova, iova + len): userspace is
 * unmapping it (type1 insists that pins go first) or the device is closing
 * (len == U64_MAX).
 */
void vfio_pci_dirty_release_all(struct vfio_pci_device *vpdev, u64 iova,
				u64 len)
{
	struct dirty_hold *hold, *tmp;
	u64 last = len ? iova + (len - 1) : iova;

	if (last < iova)
		last = U64_MAX;

	mutex_lock(&vpdev->holds_lock);
	list_for_each_entry_safe(hold, tmp, &vpdev->holds, node) {
		u64 hold_last = hold->iova + (u64)hold->npage * PAGE_SIZE - 1;

		if (hold->iova > last || hold_last < iova)
			continue;
		vfio_unpin_pages(&vpdev->core.vdev, hold->iova, hold->npage);
		list_del(&hold->node);
		kfree(hold);
	}
	mutex_unlock(&vpdev->holds_lock);
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
 * While dirty tracking is on, type1 reports the written pages dirty.
 *
 * Return: 0, or a negative errno (-EINVAL/-EFAULT for an unmapped range).
 */
int vfio_pci_dma_write(struct vfio_device *vdev, dma_addr_t iova,
		       const void *buf, size_t len)
{
	return vfio_dma_rw(vdev, iova, (void *)buf, len, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_dma_write);
