/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor operations for vfio-pci: the API a vendor driver sees.
 *
 * A vendor driver is a module that registers a struct
 * vfio_pci_vendor_driver_ops with vfio-pci.  When vfio-pci binds a device it
 * asks the module loader for "vfio-pci:VVVV-DDDD" (four lower-case hex
 * digits each, see VFIO_PCI_VENDOR_ALIAS()), then offers the device to each
 * registered vendor driver in registration order.  The first whose probe()
 * succeeds owns the device: it is registered with the vendor's
 * vfio_device_ops, which call the defaults exported here for everything the
 * vendor does not do itself.
 *
 * Documentation/driver-api/vfio-pci-vendor-ops.rst is the guide; this header
 * is the reference.
 */
#ifndef _LINUX_VFIO_PCI_VENDOR_H
#define _LINUX_VFIO_PCI_VENDOR_H

#include <linux/device/driver.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <linux/vfio_pci_compat.h>

/*
 * The release of this tree; every module of it carries it (MODULE_VERSION),
 * which also lets DKMS install our vfio-pci over the kernel's unversioned
 * one.  scripts/package/debian/changelog must name the same release.
 */
#define VFIO_PCI_VENDOR_OPS_VERSION "0.5.0"

struct vfio_pci_vendor_irq;
struct vfio_pci_migration_ops;
struct seq_file;

/**
 * VFIO_PCI_VENDOR_ALIAS() - module alias that makes vfio-pci load a vendor
 * @vendor: PCI vendor ID, four lower-case hex digits, no "0x" (e.g. 8086)
 * @device: PCI device ID, same format (e.g. 154c)
 *
 * Use once per supported ID: VFIO_PCI_VENDOR_ALIAS(8086, 154c);
 */
#define VFIO_PCI_VENDOR_ALIAS(vendor, device) \
	MODULE_ALIAS("vfio-pci:" #vendor "-" #device)

/* How many device-specific irqs a vendor driver may declare. */
#define VFIO_PCI_MAX_VENDOR_IRQS	8

/**
 * struct vfio_pci_vendor_driver_ops - a vendor driver for vfio-pci devices
 * @name: short name, shown in sysfs and dmesg; unique among vendor drivers
 * @owner: the module that implements the ops (THIS_MODULE); must be set
 * @probe: offered every device vfio-pci binds while the vendor is
 *         registered.  Return the vendor's per-device data (any non-error
 *         pointer, NULL included) to take the device, or an ERR_PTR to
 *         decline it (-ENODEV when it is simply not ours).
 * @remove: called with the data probe() returned, after the device has been
 *          unregistered from vfio and before the vendor's module reference
 *          is dropped
 * @device_ops: the vfio_device_ops the device is registered with.  Its
 *              @init and @release must be vfio_pci_vendor_init_dev() and
 *              vfio_pci_vendor_release_dev(); other members call the
 *              vfio_pci_vendor_*() defaults for what they do not handle.
 * @irqs: optional array of device-specific irqs, appended after the
 *        standard vfio-pci irq indexes (see vfio_pci_vendor_irq)
 * @num_irqs: number of entries in @irqs, at most VFIO_PCI_MAX_VENDOR_IRQS
 * @migration: optional live-migration callbacks; vfio-pci then provides the
 *             migration protocol(s) the callbacks select
 * @remap_acked: optional; userspace acknowledged remap request @generation
 *               (see vfio_pci_remap_set_traps()); runs in the ioctl
 *               caller's context, may sleep
 * @show_stats: optional; print the vendor's counters for the device, one
 *              "<vendor>.<name> <value>" line each, into the device's
 *              debugfs file vfio-pci/<bdf>/stats (after the engine's
 *              "migration.*" lines); may sleep
 * @node: private to vfio-pci
 *
 * Register with vfio_pci_vendor_register() from the module's init and
 * unregister from its exit, or let module_vfio_pci_vendor_driver() write
 * both.  While a device is owned the vendor module cannot be unloaded;
 * while a vendor driver is registered vfio-pci cannot be unloaded.
 */
struct vfio_pci_vendor_driver_ops {
	const char *name;
	struct module *owner;
	void *(*probe)(struct pci_dev *pdev);
	void (*remove)(void *vendor_data);
	const struct vfio_device_ops *device_ops;
	const struct vfio_pci_vendor_irq *irqs;
	unsigned int num_irqs;
	const struct vfio_pci_migration_ops *migration;
	void (*remap_acked)(struct vfio_device *vdev, s64 generation);
	void (*show_stats)(struct vfio_device *vdev, struct seq_file *m);
	struct list_head node;
};

int vfio_pci_vendor_register(struct vfio_pci_vendor_driver_ops *ops);
void vfio_pci_vendor_unregister(struct vfio_pci_vendor_driver_ops *ops);

/*
 * VFIO_PCI_VENDOR_IOMMUFD_OPS: the iommufd members of a vendor's struct
 * vfio_device_ops, core's helpers for a physical device.  Put it in every
 * vendor's ops: a kernel built with CONFIG_IOMMUFD (6.2 and later) refuses
 * to register a device without them, and vfio_pci_vendor_register() refuses
 * such a vendor up front.  Empty on 6.1; NULLs where iommufd is off.
 */
#define VFIO_PCI_VENDOR_IOMMUFD_OPS	VFIO_PCI_COMPAT_IOMMUFD_OPS

/**
 * module_vfio_pci_vendor_driver() - write a vendor module's init and exit
 * @__ops: the module's struct vfio_pci_vendor_driver_ops (not a pointer)
 *
 * Registers @__ops on module load and always unregisters it on unload.
 * Replaces module_init() and module_exit().
 */
#define module_vfio_pci_vendor_driver(__ops) \
	module_driver(__ops, vfio_pci_vendor_register, \
		      vfio_pci_vendor_unregister)

/* Accessors for a device bound to vfio-pci. */
struct pci_dev *vfio_pci_vendor_pdev(struct vfio_device *vdev);
void *vfio_pci_vendor_data(struct vfio_device *vdev);
int vfio_pci_vendor_irq_type(struct vfio_device *vdev);
unsigned int vfio_pci_vendor_num_regions(struct vfio_device *vdev);
void __iomem *vfio_pci_get_barmap(struct vfio_device *vdev, int bar);
bool vfio_pci_vendor_mem_begin(struct vfio_device *vdev);
void vfio_pci_vendor_mem_end(struct vfio_device *vdev);
int vfio_pci_vendor_reset_function(struct vfio_device *vdev);
bool vfio_pci_vendor_bus_master(struct vfio_device *vdev, bool on);
int vfio_pci_vendor_bar_write(struct vfio_device *vdev, int bar, u64 offset,
			      u64 val, unsigned int size);
int vfio_pci_vendor_bar_read(struct vfio_device *vdev, int bar, u64 offset,
			     u64 *val, unsigned int size);

/* A BAR page swapped for memory while the vendor must see its writes. */
int vfio_pci_shadow_reserve(struct vfio_device *vdev, unsigned int index,
			    u32 offset);
int vfio_pci_shadow_swap(struct vfio_device *vdev, struct page *page);
bool vfio_pci_shadow_exposed(struct vfio_device *vdev);

/* Default device operations, for a vendor's vfio_device_ops. */
int vfio_pci_vendor_init_dev(struct vfio_device *vdev);
void vfio_pci_vendor_release_dev(struct vfio_device *vdev);
int vfio_pci_vendor_open_device(struct vfio_device *vdev);
void vfio_pci_vendor_close_device(struct vfio_device *vdev);
long vfio_pci_vendor_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg);
int vfio_pci_vendor_device_feature(struct vfio_device *vdev, u32 flags,
				   void __user *arg, size_t argsz);
ssize_t vfio_pci_vendor_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos);
ssize_t vfio_pci_vendor_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos);
int vfio_pci_vendor_mmap(struct vfio_device *vdev, struct vm_area_struct *vma);
void vfio_pci_vendor_request(struct vfio_device *vdev, unsigned int count);
int vfio_pci_vendor_match(struct vfio_device *vdev, char *buf);
void vfio_pci_vendor_dma_unmap(struct vfio_device *vdev, u64 iova,
			       u64 length);

/* Device-specific regions, registered for the current open. */
int vfio_pci_vendor_add_region(struct vfio_device *vdev, u32 type,
			       u32 subtype, const struct vfio_pci_regops *ops,
			       size_t size, u32 flags, void *data);

/*
 * Live migration.
 *
 * A vendor supplies the callbacks below; vfio-pci provides the protocols:
 * v1, the migration region QEMU 5.2-7.2 use (type 3, subtype 1), and v2,
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE with data files (QEMU 8.0 and later).
 * Device state travels in one versioned, checksummed stream that vfio-pci
 * frames and validates in full before the vendor sees a byte of it.
 *
 * Every callback runs in process context with the device's migration lock
 * held, so callbacks never run concurrently for one device; they may sleep.
 */

#define VFIO_PCI_MIGRATION_V1	BIT(0)	/* v1 migration region */
#define VFIO_PCI_MIGRATION_V2	BIT(1)	/* v2 device feature and data fds */

/**
 * struct vfio_pci_migration_ops - a vendor's live-migration callbacks
 * @protocols: VFIO_PCI_MIGRATION_V1 and/or VFIO_PCI_MIGRATION_V2
 * @version: format version of the vendor's state (non-zero); recorded in
 *           the stream.  A destination loads streams of this version or
 *           older and passes the version to @load.
 * @max_state_size: most bytes @save produces in one migration; bounds the
 *                  buffers vfio-pci allocates on both sides
 * @reports_all_dma: the vendor reports every write its device makes to guest
 *                   memory (vfio_pci_dirty_mark()/hold()) whenever
 *                   vfio_pci_migration_saving() is true; vfio-pci then offers
 *                   v2 clients device DMA logging, which QEMU 8.0 and later
 *                   need to migrate without extra options
 * @start_saving: device writes must be reported from now on (a save begins,
 *                with the device running or not, or a v2 client turned
 *                device DMA logging on); begin tracking what it writes
 * @stop_saving: no more reason to report device writes; stop tracking
 * @stop: quiesce the device: no DMA and no state change until @start
 * @start: let the device run again; after a load, apply the loaded state
 *         first (config space, and so memory decode, is restored by the
 *         VMM after the data is loaded)
 * @start_resuming: a stream is about to be loaded into the stopped device
 * @pending_bytes: optional; how many bytes @save would produce now
 * @sync_dirty: optional; while saving, the VMM is about to read the dirty
 *              pages (a v1 client's pending_bytes read, which precedes its
 *              dirty syncs, and every device DMA-log report): bring the
 *              reports up to date with what the device was set up to do
 *              since the last call.  For vendors that read part of their
 *              device's DMA setup from the device instead of trapping the
 *              guest's writes to it (an untrapped TX ring's base).
 * @save: with the device stopped, write the next chunk of its state into
 *        @buf (at most @len bytes); return the chunk's length, 0 when all
 *        state has been saved, or a negative errno.  Each chunk is loaded
 *        back by one @load call.
 * @load: apply one chunk of a validated stream, in the order it was saved,
 *        written by state format @version; a negative errno rejects the
 *        stream
 * @reset: optional; the device was reset by its user (VFIO_DEVICE_RESET, a
 *         guest FLR through config space, a hot reset, AER recovery; also
 *         how the error state is left): forget any half-done save or load.
 *         Called with the migration lock held, never in the resetting
 *         context itself, so it may take the vendor's locks and core's
 *         memory lock.  Not called for the resets of open and close, nor
 *         for vfio_pci_vendor_reset_function().  Device DMA logging stays
 *         on across a reset.
 * @error: optional; a transition failed and the device is in the error
 *         state until userspace resets it
 * @set_p2p: optional; offers v2 clients the P2P states (RUNNING_P2P, and
 *           PRE_COPY_P2P where the kernel has pre-copy), which QEMU needs
 *           to migrate a VM with more than one VFIO device.  With @quiesce
 *           true the device must stop initiating DMA, and finish what is
 *           in flight, before the call returns, while its registers keep
 *           answering; with false it may initiate DMA again.  Called with
 *           true on a running device (RUNNING -> RUNNING_P2P, PRE_COPY ->
 *           PRE_COPY_P2P) and on a stopped one just before @start (STOP ->
 *           RUNNING_P2P): @start must then apply loaded state without
 *           letting the device initiate DMA.  May be called with true when
 *           DMA is already quiesced, and with false when it is not (after
 *           @start on the other ways into a running state).  @stop may
 *           follow a true call.  A reset or a close ends the P2P state, so
 *           a vendor with @set_p2p must have @reset.
 * @save_precopy: optional, with @load_precopy; protocol v2 on kernels with
 *                PRE_COPY (6.2 and later).  When pre-copy begins, with the
 *                device running, write the next chunk of a pre-copy part,
 *                as @save does: what the destination can prepare before
 *                the switch-over (settings, layout).  The part reaches the
 *                destination while the VM still runs on the source.  @save
 *                still writes the whole state at stop-copy, so a
 *                destination without the part (a v1 source) loses nothing.
 *                A failure leaves the part out (the device runs on).  Off
 *                while vfio-pci's precopy_part parameter is 0.
 * @load_precopy: apply one chunk of a validated pre-copy part, on the
 *                destination while it is resuming, before any @load of
 *                the stop-copy stream; prepare what need not wait for it
 *                (the VM does not run yet, and its memory is still being
 *                copied: do not touch guest memory here).  A negative
 *                errno rejects the migration.
 */
struct vfio_pci_migration_ops {
	u32 protocols;
	u32 version;
	size_t max_state_size;
	bool reports_all_dma;
	int (*start_saving)(struct vfio_device *vdev);
	void (*stop_saving)(struct vfio_device *vdev);
	int (*stop)(struct vfio_device *vdev);
	int (*start)(struct vfio_device *vdev);
	int (*start_resuming)(struct vfio_device *vdev);
	size_t (*pending_bytes)(struct vfio_device *vdev);
	void (*sync_dirty)(struct vfio_device *vdev);
	ssize_t (*save)(struct vfio_device *vdev, void *buf, size_t len);
	int (*load)(struct vfio_device *vdev, const void *buf, size_t len,
		    u32 version);
	void (*reset)(struct vfio_device *vdev);
	void (*error)(struct vfio_device *vdev);
	int (*set_p2p)(struct vfio_device *vdev, bool quiesce);
	ssize_t (*save_precopy)(struct vfio_device *vdev, void *buf, size_t len);
	int (*load_precopy)(struct vfio_device *vdev, const void *buf,
			    size_t len, u32 version);
};

bool vfio_pci_migration_saving(struct vfio_device *vdev);

/*
 * Dirty-page reporting.  While vfio_pci_migration_saving() is true, a
 * vendor reports every guest page its device writes (or may write) with
 * vfio_pci_dirty_mark(), or vfio_pci_dirty_hold() for DMA in flight.
 *
 * For a v1 client, and a v2 client without device DMA logging (on kernels
 * that cannot carry its reports, see <linux/vfio_pci_compat.h>), the
 * reports go through the type1 IOMMU.  Before the
 * first report, type1 reports every mapped page dirty at every sync
 * (correct, but migration of a busy guest may never converge); after it,
 * type1 reports only pages marked or pinned through the device's container,
 * so from then on every device write must be reported: vfio-pci keeps
 * vfio_pci_migration_saving() true after such a save until the device is
 * closed.  For a v2 client
 * with device DMA logging on (see @reports_all_dma), reports go to the
 * device's log and nothing is pinned.
 *
 * -EINVAL and -EFAULT from vfio_pci_dirty_mark() and vfio_pci_dirty_hold()
 * always mean the range is not guest memory mapped in the container, so
 * there is nothing to report; other errors are real failures.
 */
int vfio_pci_dirty_mark(struct vfio_device *vdev, dma_addr_t iova,
			size_t len);
int vfio_pci_dirty_hold(struct vfio_device *vdev, dma_addr_t iova,
			size_t len);
void vfio_pci_dirty_release(struct vfio_device *vdev, dma_addr_t iova,
			    size_t len);
bool vfio_pci_dirty_logging(struct vfio_device *vdev);
int vfio_pci_dma_read(struct vfio_device *vdev, dma_addr_t iova, void *buf,
		      size_t len);
int vfio_pci_dma_write(struct vfio_device *vdev, dma_addr_t iova,
		       const void *buf, size_t len);

/*
 * Device-specific irqs, numbered after the standard vfio-pci irq indexes:
 * vendor irq n is VFIO irq index VFIO_PCI_NUM_IRQS + n.  vfio-pci reports
 * them in VFIO_DEVICE_GET_INFO and GET_IRQ_INFO (with a type capability)
 * and handles VFIO_DEVICE_SET_IRQS for them (eventfd trigger only).
 */

/**
 * struct vfio_pci_vendor_irq - a device-specific irq a vendor declares
 * @type: VFIO_IRQ_TYPE_* reported in the irq's type capability
 * @subtype: subtype within @type
 */
struct vfio_pci_vendor_irq {
	u32 type;
	u32 subtype;
};

int vfio_pci_vendor_irq_signal(struct vfio_device *vdev, unsigned int n,
			       u64 value);
bool vfio_pci_vendor_irq_enabled(struct vfio_device *vdev, unsigned int n);

/*
 * Trapping parts of a BAR, with the remap handshake (the protocol is in
 * <uapi/linux/vfio_pci_vendor.h>).  A vendor that declares a
 * VFIO_IRQ_TYPE_REMAP_BAR_REGION irq may change which pages of a BAR can be
 * mmapped.  Region info and new mmaps follow the change at once; mappings
 * the VMM already has stay valid until it remaps and acknowledges, so the
 * vendor may rely on trapping only once vfio_pci_remap_acked() says so.
 */

#define VFIO_PCI_MAX_TRAPS	4	/* trapped ranges per region */

/**
 * struct vfio_pci_trap - a range of a region that must not be mmapped
 * @offset: start, page aligned
 * @len: length, page aligned, non-zero
 */
struct vfio_pci_trap {
	u64 offset;
	u64 len;
};

s64 vfio_pci_remap_set_traps(struct vfio_device *vdev, unsigned int index,
			     const struct vfio_pci_trap *traps,
			     unsigned int nr);
bool vfio_pci_remap_acked(struct vfio_device *vdev, s64 generation);

#endif /* _LINUX_VFIO_PCI_VENDOR_H */
