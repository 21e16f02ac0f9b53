// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device glue: vfio_device_ops defaults over vfio_pci_core, the
 * accessors a vendor driver uses, and the sysfs attribute naming the owner.
 */
#include <linux/device.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "vfio_pci_vendor_priv.h"

/**
 * vfio_pci_vendor_pdev() - the PCI device behind a vfio-pci device
 * @vdev: a device bound to vfio-pci
 *
 * Return: the pci_dev; valid as long as @vdev is.
 */
struct pci_dev *vfio_pci_vendor_pdev(struct vfio_device *vdev)
{
	return to_vfio_pci(vdev)->core.pdev;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_pdev);

/**
 * vfio_pci_vendor_data() - the vendor's per-device data
 * @vdev: a device owned by a vendor driver
 *
 * Return: what the vendor's probe() returned for this device.
 */
void *vfio_pci_vendor_data(struct vfio_device *vdev)
{
	return to_vfio_pci(vdev)->vendor_data;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_data);

/**
 * vfio_pci_vendor_irq_type() - the interrupt type userspace has enabled
 * @vdev: a device bound to vfio-pci
 *
 * A snapshot: userspace may change it with VFIO_DEVICE_SET_IRQS at any time.
 *
 * Return: VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX or
 * VFIO_PCI_MSIX_IRQ_INDEX, or VFIO_PCI_NUM_IRQS when none is enabled.
 */
int vfio_pci_vendor_irq_type(struct vfio_device *vdev)
{
	return READ_ONCE(to_vfio_pci(vdev)->core.irq_type);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_irq_type);

/**
 * vfio_pci_vendor_num_regions() - regions VFIO_DEVICE_GET_INFO reports
 * @vdev: a device bound to vfio-pci
 *
 * Counts the fixed vfio-pci regions plus the device-specific ones
 * registered for the current open (the migration region among them).
 *
 * Return: the number of regions.
 */
unsigned int vfio_pci_vendor_num_regions(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = &to_vfio_pci(vdev)->core;

	return VFIO_PCI_NUM_REGIONS + READ_ONCE(core->num_regions);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_num_regions);

/**
 * vfio_pci_get_barmap() - kernel mapping of a memory BAR
 * @vdev: a device bound to vfio-pci, currently open
 * @bar: BAR number, 0 to 5
 *
 * Shares vfio_pci_core's lazily created mapping: if core has mapped the BAR
 * already that mapping is returned, otherwise the BAR is requested and mapped
 * exactly as core would, and core releases it when the device is closed.
 * Call it from open_device() or later; the mapping is valid until the
 * device is closed.
 *
 * Return: the mapping, or ERR_PTR(-EINVAL) for a bad or non-memory BAR,
 * ERR_PTR(-EBUSY) if another driver holds the BAR's resources,
 * ERR_PTR(-ENOMEM) if it cannot be mapped.
 */
void __iomem *vfio_pci_get_barmap(struct vfio_device *vdev, int bar)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct vfio_pci_core_device *core = &vpdev->core;
	struct pci_dev *pdev = core->pdev;
	void __iomem *io;
	int ret;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS ||
	    !pci_resource_len(pdev, bar) ||
	    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return IOMEM_ERR_PTR(-EINVAL);

	mutex_lock(&vpdev->barmap_lock);
	io = READ_ONCE(core->barmap[bar]);
	if (io)
		goto out;

	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio");
	if (ret) {
		/* Core may have won a race for the same BAR: use its map. */
		io = READ_ONCE(core->barmap[bar]) ?: IOMEM_ERR_PTR(ret);
		goto out;
	}
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		io = IOMEM_ERR_PTR(-ENOMEM);
		goto out;
	}
	WRITE_ONCE(core->barmap[bar], io);
out:
	mutex_unlock(&vpdev->barmap_lock);
	return io;
}
EXPORT_SYMBOL_GPL(vfio_pci_get_barmap);

/**
 * vfio_pci_vendor_init_dev() - default vfio_device_ops.init
 * @vdev: the device being allocated
 *
 * Return: 0 or a negative errno from vfio_pci_core.
 */
int vfio_pci_vendor_init_dev(struct vfio_device *vdev)
{
	mutex_init(&to_vfio_pci(vdev)->barmap_lock);
	return vfio_pci_core_init_dev(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_init_dev);

/**
 * vfio_pci_vendor_release_dev() - default vfio_device_ops.release
 * @vdev: the device whose last reference is gone; freed on return
 */
void vfio_pci_vendor_release_dev(struct vfio_device *vdev)
{
	mutex_destroy(&to_vfio_pci(vdev)->barmap_lock);
	vfio_pci_core_release_dev(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_release_dev);

/**
 * vfio_pci_vendor_open_device() - default vfio_device_ops.open_device
 * @vdev: the device userspace opens for the first time
 *
 * Enables the device through vfio_pci_core.  A vendor that overrides
 * open_device calls this first and may then map BARs and register
 * device-specific regions before returning.
 *
 * Return: 0 or a negative errno; on error nothing stays enabled.
 */
int vfio_pci_vendor_open_device(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = &to_vfio_pci(vdev)->core;
	int ret;

	ret = vfio_pci_core_enable(core);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(core);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_open_device);

/**
 * vfio_pci_vendor_close_device() - default vfio_device_ops.close_device
 * @vdev: the device whose last user is gone
 *
 * Disables the device; core releases BAR mappings and device regions.
 */
void vfio_pci_vendor_close_device(struct vfio_device *vdev)
{
	vfio_pci_core_close_device(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_close_device);

/**
 * vfio_pci_vendor_ioctl() - default vfio_device_ops.ioctl
 * @vdev: the device
 * @cmd: VFIO_DEVICE_* ioctl number
 * @arg: user pointer argument
 *
 * Return: what the ioctl returns; -ENOTTY for an unknown @cmd.
 */
long vfio_pci_vendor_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	return vfio_pci_core_ioctl(vdev, cmd, arg);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_ioctl);

/**
 * vfio_pci_vendor_device_feature() - default vfio_device_ops.device_feature
 * @vdev: the device
 * @flags: VFIO_DEVICE_FEATURE flags and feature number
 * @arg: user pointer to the feature's data
 * @argsz: size of @arg
 *
 * Return: 0 or a negative errno; -ENOTTY for an unknown feature.
 */
int vfio_pci_vendor_device_feature(struct vfio_device *vdev, u32 flags,
				   void __user *arg, size_t argsz)
{
	return vfio_pci_core_ioctl_feature(vdev, flags, arg, argsz);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_device_feature);

/**
 * vfio_pci_vendor_read() - default vfio_device_ops.read
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes to read
 * @ppos: region index (VFIO_PCI_INDEX_TO_OFFSET) plus offset
 *
 * Return: bytes read or a negative errno.
 */
ssize_t vfio_pci_vendor_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	return vfio_pci_core_read(vdev, buf, count, ppos);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_read);

/**
 * vfio_pci_vendor_write() - default vfio_device_ops.write
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: region index (VFIO_PCI_INDEX_TO_OFFSET) plus offset
 *
 * Return: bytes written or a negative errno.
 */
ssize_t vfio_pci_vendor_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	return vfio_pci_core_write(vdev, buf, count, ppos);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_write);

/**
 * vfio_pci_vendor_mmap() - default vfio_device_ops.mmap
 * @vdev: the device
 * @vma: the mapping userspace asks for
 *
 * Return: 0 or a negative errno (-EINVAL for a region that cannot be mapped).
 */
int vfio_pci_vendor_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	return vfio_pci_core_mmap(vdev, vma);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_mmap);

/**
 * vfio_pci_vendor_request() - default vfio_device_ops.request
 * @vdev: the device the kernel wants back
 * @count: how many times it has asked
 */
void vfio_pci_vendor_request(struct vfio_device *vdev, unsigned int count)
{
	vfio_pci_core_request(vdev, count);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_request);

/**
 * vfio_pci_vendor_match() - default vfio_device_ops.match
 * @vdev: a candidate device
 * @buf: the name userspace passed to VFIO_GROUP_GET_DEVICE_FD
 *
 * Return: >0 on a match, 0 otherwise, or a negative errno (bad VF token).
 */
int vfio_pci_vendor_match(struct vfio_device *vdev, char *buf)
{
	return vfio_pci_core_match(vdev, buf);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_match);

/**
 * vfio_pci_vendor_dma_unmap() - default vfio_device_ops.dma_unmap
 * @vdev: the device
 * @iova: start of the range userspace unmapped from the container
 * @length: its length
 *
 * Having this callback is what allows vfio_pin_pages() on the device.  A
 * vendor that pins pages overrides it, unpins what lies in the range, and
 * calls this.
 */
void vfio_pci_vendor_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_dma_unmap);

/* The ops of a device no vendor driver owns: core's, as in stock vfio-pci. */
const struct vfio_device_ops vfio_pci_default_ops = {
	.name		= "vfio-pci",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	.open_device	= vfio_pci_vendor_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
};

static ssize_t vfio_vendor_driver_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct vfio_pci_device *vpdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n",
			  vpdev->vendor ? vpdev->vendor->name : "none");
}
static DEVICE_ATTR_RO(vfio_vendor_driver);

static struct attribute *vfio_pci_dev_attrs[] = {
	&dev_attr_vfio_vendor_driver.attr,
	NULL,
};

static const struct attribute_group vfio_pci_dev_group = {
	.attrs = vfio_pci_dev_attrs,
};

const struct attribute_group *vfio_pci_dev_groups[] = {
	&vfio_pci_dev_group,
	NULL,
};
