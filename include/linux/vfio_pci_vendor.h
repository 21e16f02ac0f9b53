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

struct vfio_pci_vendor_irq;
struct vfio_pci_migration_ops;

/**
 * VFIO_PCI_VENDOR_ALIAS() - module alias that makes vfio-pci load a vendor
 * @vendor: PCI vendor ID, four lower-case hex digits, no "0x" (e.g. 8086)
 * @device: PCI device ID, same format (e.g. 154c)
 *
 * Use once per supported ID: VFIO_PCI_VENDOR_ALIAS(8086, 154c);
 */
#define VFIO_PCI_VENDOR_ALIAS(vendor, device) \
	MODULE_ALIAS("vfio-pci:" #vendor "-" #device)

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
 * @num_irqs: number of entries in @irqs
 * @migration: optional live-migration callbacks; vfio-pci then provides the
 *             migration protocol(s) the callbacks select
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
	struct list_head node;
};

int vfio_pci_vendor_register(struct vfio_pci_vendor_driver_ops *ops);
void vfio_pci_vendor_unregister(struct vfio_pci_vendor_driver_ops *ops);

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

#endif /* _LINUX_VFIO_PCI_VENDOR_H */
