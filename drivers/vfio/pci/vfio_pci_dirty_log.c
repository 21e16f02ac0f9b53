// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device DMA log's store: the pages a v2 client's log holds, filled by
 * vfio_pci_dirty.c as vendors report device writes, reported and cleared
 * by the DMA-logging front end (vfio_pci_mig_dma_log.c).
 *
 * Dirty pages are kept in an xarray, so memory follows the number of pages
 * the device actually wrote, not the size of the logged ranges (QEMU logs
 * whole address-space holes).  Past MAX_DIRTY_PAGES the log stops counting
 * and reports every logged page dirty until it is restarted.
 *
 * A report's window and page size need not match the log's: core splits a
 * large report into bitmap windows, and the uAPI lets the report's page size
 * and iova differ from the start's.  So each entry keeps the byte span of
 * its log page not yet reported; a report marks only what lies inside its
 * window and keeps the rest for the next one.
 */
#include <linux/err.h>
#include <linux/interval_tree.h>
#include <linux/iova_bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "vfio_pci_vendor_priv.h"

/* Where the bitmap lives in iommufd's symbol namespace (6.7 and later). */
VFIO_PCI_COMPAT_IMPORT_IOVA_BITMAP();

#define MAX_DIRTY_PAGES		BIT(20)
#define MIN_LOG_PAGE		SZ_4K
#define MAX_LOG_PAGE		SZ_1G

/* An entry's span: first and last unreported byte offsets in its page. */
#define SPAN_SHIFT		31
#define SPAN_MASK		(BIT_ULL(SPAN_SHIFT) - 1)
static_assert(MAX_LOG_PAGE <= SPAN_MASK);

static void *log_span(u64 first, u64 last)
{
	return xa_mk_value((unsigned long)(first << SPAN_SHIFT | last));
}

static u64 span_first(void *entry)
{
	return (u64)xa_to_value(entry) >> SPAN_SHIFT;
}

static u64 span_last(void *entry)
{
	return (u64)xa_to_value(entry) & SPAN_MASK;
}

/**
 * vfio_pci_dirty_logging() - is device DMA logging on?
 * @vdev: a device bound to vfio-pci
 *
 * Return: true while a v2 client has device DMA logging on: device writes
 * then go to the device's log, not through type1.
 */
bool vfio_pci_dirty_logging(struct vfio_device *vdev)
{
	return READ_ONCE(to_vfio_pci(vdev)->log);
}
EXPORT_SYMBOL_GPL(vfio_pci_dirty_logging);

/**
 * vfio_pci_dirty_log_record() - log device writes to a range
 * @vpdev: the device; caller holds dirty_lock, with the log on
 * @iova: start
 * @len: bytes
 */
void vfio_pci_dirty_log_record(struct vfio_pci_device *vpdev, u64 iova,
			       u64 len)
{
	struct vfio_pci_dirty_log *log = vpdev->log;
	void *whole = log_span(0, log->page_size - 1);
	unsigned int i;

	if (log->overflow || !len)
		return;
	for (i = 0; i < log->nr_ranges; i++) {
		u64 first = max(iova, log->ranges[i].start);
		u64 last = min(iova + len - 1, log->ranges[i].last);
		unsigned long idx;

		if (first > last)
			continue;
		for (idx = first >> log->page_shift;
		     idx <= last >> log->page_shift; idx++) {
			void *old = xa_load(&log->pages, idx);

			if (old == whole)
				continue;
			if ((!old && log->nr_pages >= MAX_DIRTY_PAGES) ||
			    xa_err(xa_store(&log->pages, idx, whole,
					    GFP_KERNEL_ACCOUNT))) {
				log->overflow = true;
				return;
			}
			if (!old)
				log->nr_pages++;
		}
	}
}

/**
 * vfio_pci_dirty_log_destroy() - free a log that is not installed
 * @log: from vfio_pci_dirty_log_new()
 */
void vfio_pci_dirty_log_destroy(struct vfio_pci_dirty_log *log)
{
	xa_destroy(&log->pages);
	kfree(log->ranges);
	kfree(log);
}

/**
 * vfio_pci_dirty_log_free() - end the device's log, if any
 * @vpdev: the device; caller holds dirty_lock
 */
void vfio_pci_dirty_log_free(struct vfio_pci_device *vpdev)
{
	if (!vpdev->log)
		return;
	vfio_pci_dirty_log_destroy(vpdev->log);
	vpdev->log = NULL;
}

/**
 * vfio_pci_dirty_log_new() - a log of the ranges a v2 client asked for
 * @ranges: the ranges, as core checked them (aligned, disjoint, bounded)
 * @nnodes: how many
 * @page_size: the client's page size
 *
 * Return: the log, not installed yet, or an ERR_PTR (-EINVAL for a page
 * size out of bounds, -ENOMEM).
 */
struct vfio_pci_dirty_log *vfio_pci_dirty_log_new(struct rb_root_cached *ranges,
						  u32 nnodes, u64 page_size)
{
	struct vfio_pci_dirty_log *log;
	struct interval_tree_node *node;
	unsigned int i = 0;

	if (!is_power_of_2(page_size) || page_size < MIN_LOG_PAGE ||
	    page_size > MAX_LOG_PAGE || !nnodes)
		return ERR_PTR(-EINVAL);

	log = kzalloc(sizeof(*log), GFP_KERNEL_ACCOUNT);
	if (!log)
		return ERR_PTR(-ENOMEM);
	log->ranges = kcalloc(nnodes, sizeof(*log->ranges), GFP_KERNEL_ACCOUNT);
	if (!log->ranges) {
		kfree(log);
		return ERR_PTR(-ENOMEM);
	}
	log->page_size = page_size;
	log->page_shift = ilog2(page_size);
	xa_init(&log->pages);
	for (node = interval_tree_iter_first(ranges, 0, ULONG_MAX);
	     node && i < nnodes; node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		log->ranges[i].start = node->start;
		log->ranges[i].last = node->last;
		i++;
	}
	log->nr_ranges = i;
	return log;
}

/**
 * vfio_pci_dirty_log_report() - report and clear a window of the log
 * @vpdev: the device; caller holds dirty_lock
 * @iova: the window's start
 * @length: its length, not 0
 * @dirty: the client's bitmap
 *
 * Return: 0, or -EINVAL if the log is off.
 */
int vfio_pci_dirty_log_report(struct vfio_pci_device *vpdev, u64 iova,
			      u64 length, struct iova_bitmap *dirty)
{
	struct vfio_pci_dirty_log *log = vpdev->log;
	unsigned long idx;
	unsigned int i;
	void *entry;
	u64 lo, hi;

	if (!log)
		return -EINVAL;

	if (log->overflow) {
		for (i = 0; i < log->nr_ranges; i++) {
			u64 lo = max_t(u64, iova, log->ranges[i].start);
			u64 hi = min_t(u64, iova + length - 1, log->ranges[i].last);

			if (lo <= hi)
				iova_bitmap_set(dirty, lo, hi - lo + 1);
		}
		return 0;
	}

	lo = iova;
	hi = iova + length - 1;
	xa_for_each_range(&log->pages, idx, entry, lo >> log->page_shift,
			  hi >> log->page_shift) {
		u64 base = (u64)idx << log->page_shift;
		u64 first = base + span_first(entry);
		u64 last = base + span_last(entry);
		u64 from = max(first, lo), to = min(last, hi);

		if (from > to)
			continue;
		iova_bitmap_set(dirty, from, to - from + 1);
		if (from == first && to == last) {
			xa_erase(&log->pages, idx);
			log->nr_pages--;
		} else {
			/* Keep what lies outside the window (both sides: their hull). */
			if (from == first)
				first = to + 1;
			if (to == last)
				last = from - 1;
			xa_store(&log->pages, idx, log_span(first - base, last - base),
				 GFP_KERNEL_ACCOUNT);
		}
		cond_resched();
	}
	return 0;
}
