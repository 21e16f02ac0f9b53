/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci internals shared between its files; vendors never see this.
 */
#ifndef VFIO_PCI_VENDOR_PRIV_H
#define VFIO_PCI_VENDOR_PRIV_H

#include <linux/vfio_pci_core.h>
#include <linux/vfio_pci_vendor.h>
#include <linux/vfio_pci_compat.h>

#include <linux/eventfd.h>
#include <linux/seq_file.h>
#include <linux/xarray.h>

#include "vfio_pci_mig_fsm.h"
#include "vfio_pci_mig_stream.h"

/**
 * struct vfio_pci_mig_stats - what the engine did for one device, shown in
 * debugfs as "migration.<member> <value>"
 * @saved: device states saved (stop-copy streams built)
 * @saved_bytes: length of the last one
 * @precopy_saved: pre-copy parts saved
 * @loaded: device states loaded
 * @loaded_bytes: length of the last one
 * @precopy_loaded: pre-copy parts received and validated
 * @rejected_checksum: streams rejected for a checksum mismatch
 * @rejected_identity: streams saved from another device or vendor driver
 * @rejected_truncated: streams that ended early
 * @rejected_by_vendor: valid streams whose state the vendor refused
 * @rejected_other: streams rejected for any other reason (malformed, too
 *                  long, unknown format or version)
 * @reporting_lost: saves after which device writes went unreported
 *                  (start_saving() failed after a late pin)
 * @precopy_entered: v2 pre-copy entries (device writes reported from then)
 * @logging_started: v2 device DMA logging starts
 */
struct vfio_pci_mig_stats {
	u64 saved;
	u64 saved_bytes;
	u64 precopy_saved;
	u64 loaded;
	u64 loaded_bytes;
	u64 precopy_loaded;
	u64 rejected_checksum;
	u64 rejected_identity;
	u64 rejected_truncated;
	u64 rejected_by_vendor;
	u64 rejected_other;
	u64 reporting_lost;
	u64 precopy_entered;
	u64 logging_started;
};

/**
 * struct vfio_pci_mig - migration engine state of one device
 * @state: current engine state
 * @id: identity written into and expected from streams
 * @max_stream: largest stream this device produces or accepts
 * @stream: the saved stream (stop-copy), vmalloc'ed
 * @stream_len: its length
 * @pre: the pre-copy part (v2 pre-copy, vendors with save_precopy), or NULL
 * @pre_len: its length
 * @stream_pos: bytes of it handed out so far
 * @rx: the stream being received, allocated once its header is checked
 * @rx_hdr: header bytes received before @rx exists
 * @rx_len: bytes received so far
 * @rx_total: declared total length (0 until the header is checked)
 * @rx_loaded: the whole stream was validated and given to the vendor
 * @rx_pre_loaded: a pre-copy part was validated and given to the vendor
 * @v1_data: the v1 region's data section (mmappable), or NULL
 * @v1_staged: bytes of @stream staged in @v1_data, not yet consumed
 * @reporting: why device writes must be reported now (MIG_REPORT_*)
 * @epoch: counts the streams that ended; a front end's file made current
 *         in an epoch ends with it (v2 data files)
 * @reset_pending: a function reset happened and is not applied yet
 * @own_reset: resets in progress that are part of open, close or the
 *             vendor's own sequence (not reported to the vendor)
 * @stats: what the engine did, for debugfs (under @lock)
 */
struct vfio_pci_mig {
	/** @lock: serialises transitions, data access and vendor callbacks */
	struct mutex lock;
	enum vfio_pci_mig_state state;
	struct vfio_pci_mig_identity id;
	size_t max_stream;
	u8 *stream;
	size_t stream_len;
	size_t stream_pos;
	u8 *pre;
	size_t pre_len;
	u8 *rx;
	u8 rx_hdr[sizeof(struct vfio_pci_mig_hdr)];
	size_t rx_len;
	u64 rx_total;
	bool rx_loaded;
	bool rx_pre_loaded;
	void *v1_data;
	u64 v1_staged;
	u32 reporting;
	u64 epoch;
	/** @reset_lock: guards @reset_pending and @own_reset */
	spinlock_t reset_lock;
	bool reset_pending;
	unsigned int own_reset;
	/** @reset_work: applies a function reset outside the resetting context */
	struct work_struct reset_work;
	struct vfio_pci_mig_stats stats;
};

#define MIG_REPORT_SAVING	BIT(0)	/* a v1 or v2 save is in progress */
#define MIG_REPORT_LOGGING	BIT(1)	/* v2 device DMA logging is on */
#define MIG_REPORT_PINNED	BIT(2)	/* type1 reports pinned pages only */

/**
 * struct vfio_pci_dirty_log - v2 device DMA logging of one device
 * @page_size: logging granularity
 * @page_shift: log2 of @page_size
 * @nr_ranges: entries in @ranges
 * @ranges: the IOVA ranges userspace asked to log (inclusive ends)
 * @pages: dirty pages, indexed by IOVA >> @page_shift
 * @nr_pages: entries in @pages
 * @overflow: too many dirty pages to track: report whole ranges
 */
struct vfio_pci_dirty_log {
	u64 page_size;
	unsigned int page_shift;
	unsigned int nr_ranges;
	struct vfio_pci_log_range {
		u64 start;
		u64 last;
	} *ranges;
	struct xarray pages;
	unsigned long nr_pages;
	bool overflow;
};

/**
 * struct vfio_pci_remap - trapped BAR ranges and the remap handshake
 * @traps: per BAR, ranges that must not be mmapped
 * @nr_traps: per BAR, entries used in @traps
 * @generation: latest remap request (0: none)
 * @acked: latest generation userspace acknowledged
 * @changed: regions changed since the last acknowledged request
 * @signalled: regions added to the eventfd since userspace last read the
 *             status (each bit is added once, so the eventfd sums to an OR)
 */
struct vfio_pci_remap {
	struct vfio_pci_trap traps[PCI_STD_NUM_BARS][VFIO_PCI_MAX_TRAPS];
	u8 nr_traps[PCI_STD_NUM_BARS];
	u64 generation;
	u64 acked;
	u64 changed;
	u64 signalled;
};

/**
 * struct vfio_pci_shadow - a BAR page the kernel may swap for memory
 * @index: the BAR
 * @offset: the page's offset in it
 * @reserved: the vendor reserved the page for this open
 * @untracked: 6.1: a copied mapping could not be recorded; no swap then
 * @exposed: 6.1: since the swap to @page, core refilled a mapping and the
 *           device's page was mapped until our fault handler replaced it
 *           (set under the lock held for reading: WRITE_ONCE)
 * @page: the memory mapped in the device's place, or NULL
 * @vmas: 6.1: the user mappings of the page (core fills whole mappings)
 */
struct vfio_pci_shadow {
	/** @lock: orders swaps against faults; protects the rest */
	struct rw_semaphore lock;
	unsigned int index;
	u32 offset;
	bool reserved;
	bool untracked;
	bool exposed;
	struct page *page;
	struct list_head vmas;
};

/**
 * struct vfio_pci_device - one device bound to vfio-pci
 * @core: vfio_pci_core's device; must stay first (vfio_alloc_device)
 * @vendor: vendor driver that owns the device, or NULL
 * @vendor_data: what @vendor's probe() returned
 */
struct vfio_pci_device {
	struct vfio_pci_core_device core;
	const struct vfio_pci_vendor_driver_ops *vendor;
	void *vendor_data;
	/** @barmap_lock: serialises vfio_pci_get_barmap() */
	struct mutex barmap_lock;
	/** @mig: migration engine, used when @vendor has migration ops */
	struct vfio_pci_mig mig;
	/** @dirty_lock: protects @holds and @log */
	struct mutex dirty_lock;
	/** @holds: ranges held dirty by vfio_pci_dirty_hold(), by IOVA */
	struct rb_root_cached holds;
	/** @log: v2 device DMA logging, or NULL when off */
	struct vfio_pci_dirty_log *log;
	/**
	 * @pinned_scope: a page was pinned through the container since open;
	 * type1 then reports only pinned pages of this device
	 */
	bool pinned_scope;
	/** @irq_lock: protects @irq_ctx and @remap */
	struct mutex irq_lock;
	/** @irq_ctx: eventfds of the vendor irqs */
	struct eventfd_ctx *irq_ctx[VFIO_PCI_MAX_VENDOR_IRQS];
	/** @remap: trapped ranges and handshake state */
	struct vfio_pci_remap remap;
	/** @shadow: the swappable BAR page (vfio_pci_shadow.c) */
	struct vfio_pci_shadow shadow;
	/** @debugfs: this device's directory (vfio_pci_debugfs.c) */
	struct dentry *debugfs;
};

static inline struct vfio_pci_device *to_vfio_pci(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_device, core.vdev);
}

/* vfio_pci_registry.c */
const struct vfio_pci_vendor_driver_ops *
vfio_pci_vendor_find(struct pci_dev *pdev, void **vendor_data);
void vfio_pci_vendor_loaded(void);
void vfio_pci_vendor_unloading(void);
void vfio_pci_vendor_release(const struct vfio_pci_vendor_driver_ops *ops,
			     void *vendor_data);

static inline const struct vfio_pci_migration_ops *
vfio_pci_mig_ops(struct vfio_pci_device *vpdev)
{
	return vpdev->vendor ? vpdev->vendor->migration : NULL;
}

/* vfio_pci_mig_engine.c */
void vfio_pci_mig_init(struct vfio_pci_device *vpdev);
int vfio_pci_mig_open(struct vfio_pci_device *vpdev);
void vfio_pci_mig_close(struct vfio_pci_device *vpdev);
void vfio_pci_mig_unlock(struct vfio_pci_device *vpdev);
void vfio_pci_mig_reset_done(struct vfio_pci_device *vpdev);
void vfio_pci_mig_reset_flush(struct vfio_pci_device *vpdev);
void vfio_pci_mig_own_reset(struct vfio_pci_device *vpdev, bool begin);
int vfio_pci_mig_set_state(struct vfio_pci_device *vpdev,
			   enum vfio_pci_mig_state new);
size_t vfio_pci_mig_take(struct vfio_pci_device *vpdev, void *dst,
			 size_t len);
int vfio_pci_mig_receive(struct vfio_pci_device *vpdev, const void *src,
			 const void __user *usrc, size_t len);
size_t vfio_pci_mig_stop_copy_size(struct vfio_pci_device *vpdev);
void vfio_pci_mig_sync_dirty(struct vfio_pci_device *vpdev);
void vfio_pci_mig_precopy_part(struct vfio_pci_device *vpdev);
bool vfio_pci_migration_ops_valid(const struct vfio_pci_migration_ops *ops);
int vfio_pci_mig_report(struct vfio_pci_device *vpdev, u32 why, bool on);
void vfio_pci_mig_show_stats(struct vfio_pci_device *vpdev, struct seq_file *m);

/* vfio_pci_debugfs.c */
void vfio_pci_debugfs_init(void);
void vfio_pci_debugfs_exit(void);
void vfio_pci_debugfs_add(struct vfio_pci_device *vpdev);
void vfio_pci_debugfs_remove(struct vfio_pci_device *vpdev);

/*
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, which upstream added after 6.1: QEMU
 * 8.0 and later size their buffers and, above all, estimate the remaining
 * downtime with it (without it QEMU assumes 100 GiB and never converges).
 */
#define VFIO_PCI_FEATURE_MIG_DATA_SIZE	9

/* vfio_pci_mig_v2.c */
void vfio_pci_mig_v2_setup(struct vfio_pci_device *vpdev);
int vfio_pci_mig_data_size(struct vfio_pci_device *vpdev, u32 flags,
			   void __user *arg, size_t argsz);

/* vfio_pci_mig_dma_log.c */
extern const struct vfio_log_ops vfio_pci_mig_dma_log_ops;
void vfio_pci_mig_dma_log_close(struct vfio_pci_device *vpdev);

/* vfio_pci_dirty_log.c */
struct vfio_pci_dirty_log *vfio_pci_dirty_log_new(struct rb_root_cached *ranges,
						  u32 nnodes, u64 page_size);
void vfio_pci_dirty_log_destroy(struct vfio_pci_dirty_log *log);
void vfio_pci_dirty_log_record(struct vfio_pci_device *vpdev, u64 iova,
			       u64 len);
void vfio_pci_dirty_log_free(struct vfio_pci_device *vpdev);
int vfio_pci_dirty_log_report(struct vfio_pci_device *vpdev, u64 iova,
			      u64 length, struct iova_bitmap *dirty);

/* vfio_pci_mig_v1.c */
int vfio_pci_mig_v1_open(struct vfio_pci_device *vpdev);

/* vfio_pci_dirty.c */
void vfio_pci_dirty_init(struct vfio_pci_device *vpdev);
void vfio_pci_dirty_release_all(struct vfio_pci_device *vpdev, u64 iova,
				u64 len);
void vfio_pci_dirty_log_holds(struct vfio_pci_device *vpdev);

/* vfio_pci_vendor_irq.c */
void vfio_pci_irq_init(struct vfio_pci_device *vpdev);
void vfio_pci_irq_close(struct vfio_pci_device *vpdev);
long vfio_pci_irq_get_info(struct vfio_pci_device *vpdev, void __user *arg);
long vfio_pci_irq_set(struct vfio_pci_device *vpdev, void __user *arg);
int vfio_pci_irq_find(struct vfio_pci_device *vpdev, u32 type, u32 subtype);

/* vfio_pci_remap.c */
long vfio_pci_remap_region_info(struct vfio_pci_device *vpdev,
				void __user *arg);
int vfio_pci_remap_check_mmap(struct vfio_pci_device *vpdev,
			      struct vm_area_struct *vma);
int vfio_pci_remap_feature(struct vfio_pci_device *vpdev, u32 flags,
			   void __user *arg, size_t argsz);
void vfio_pci_remap_close(struct vfio_pci_device *vpdev);
void vfio_pci_remap_opted_in(struct vfio_pci_remap *remap,
			     struct eventfd_ctx *ctx);

/* vfio_pci_shadow.c */
void vfio_pci_shadow_init(struct vfio_pci_device *vpdev);
int vfio_pci_shadow_mmap(struct vfio_pci_device *vpdev,
			 struct vm_area_struct *vma);
void vfio_pci_shadow_close(struct vfio_pci_device *vpdev);

/* vfio_pci_device.c */
extern const struct vfio_device_ops vfio_pci_default_ops;
extern const struct attribute_group *vfio_pci_dev_groups[];

#endif /* VFIO_PCI_VENDOR_PRIV_H */
