// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device glue: vfio_device_ops defaults over vfio_pci_core, the
 * accessors a vendor driver uses, and the sysfs attribute naming the owner.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <uapi/linux/vfio_pci_vendor.h>

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
 * vfio_pci_vendor_init_dev() - default vfio_device_ops.init
 * @vdev: the device being allocated
 *
 * Return: 0 or a negative errno from vfio_pci_core.
 */
int vfio_pci_vendor_init_dev(struct vfio_device *vdev)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);

	mutex_init(&vpdev->barmap_lock);
	vfio_pci_shadow_init(vpdev);
	vfio_pci_mig_init(vpdev);
	vfio_pci_dirty_init(vpdev);
	vfio_pci_irq_init(vpdev);
	return vfio_pci_core_init_dev(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_init_dev);

/**
 * vfio_pci_vendor_release_dev() - default vfio_device_ops.release
 * @vdev: the device whose last reference is gone; freed on return
 */
void vfio_pci_vendor_release_dev(struct vfio_device *vdev)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);

	cancel_work_sync(&vpdev->mig.reset_work);
	mutex_destroy(&vpdev->irq_lock);
	mutex_destroy(&vpdev->dirty_lock);
	mutex_destroy(&vpdev->mig.lock);
	mutex_destroy(&vpdev->barmap_lock);
	vfio_pci_core_release_dev(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_release_dev);

/**
 * vfio_pci_vendor_open_device() - default vfio_device_ops.open_device
 * @vdev: the device userspace opens for the first time
 *
 * Enables the device through vfio_pci_core and, for a vendor with
 * migration ops, readies the migration engine and its region.  A vendor
 * that overrides open_device calls this first and may then map BARs and
 * add device-specific regions; if it then fails, it calls
 * vfio_pci_vendor_close_device() before returning the error.
 *
 * Return: 0 or a negative errno; on error nothing stays enabled.
 */
int vfio_pci_vendor_open_device(struct vfio_device *vdev)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	int ret;

	/* Opening resets the device: the vendor's open accounts for that. */
	vfio_pci_mig_own_reset(vpdev, true);
	ret = vfio_pci_core_enable(&vpdev->core);
	vfio_pci_mig_own_reset(vpdev, false);
	if (ret)
		return ret;
	ret = vfio_pci_mig_open(vpdev);
	if (!ret)
		ret = vfio_pci_mig_v1_open(vpdev);
	if (ret) {
		vfio_pci_mig_own_reset(vpdev, true);
		vfio_pci_core_disable(&vpdev->core);
		vfio_pci_mig_own_reset(vpdev, false);
		return ret;
	}
	vfio_pci_core_finish_enable(&vpdev->core);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_open_device);

/**
 * vfio_pci_vendor_close_device() - default vfio_device_ops.close_device
 * @vdev: the device whose last user is gone
 *
 * Ends a migration cut short, releases pages held for dirty reporting and
 * disables the device; core releases BAR mappings and device regions.
 */
void vfio_pci_vendor_close_device(struct vfio_device *vdev)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);

	vfio_pci_mig_close(vpdev);
	vfio_pci_mig_dma_log_close(vpdev);
	vfio_pci_dirty_release_all(vpdev, 0, U64_MAX);
	vfio_pci_irq_close(vpdev);
	vfio_pci_remap_close(vpdev);
	vfio_pci_shadow_close(vpdev);
	vfio_pci_mig_own_reset(vpdev, true);
	vfio_pci_core_close_device(vdev);
	vfio_pci_mig_own_reset(vpdev, false);
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
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	void __user *uarg = (void __user *)arg;
	struct vfio_irq_info irq_hdr;
	struct vfio_device_info __user *dinfo = uarg;
	long ret;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		ret = vfio_pci_core_ioctl(vdev, cmd, arg);
		/* Core counts device regions; add the vendor's irqs. */
		if (!ret && vpdev->vendor && vpdev->vendor->num_irqs &&
		    put_user(VFIO_PCI_NUM_IRQS + vpdev->vendor->num_irqs,
			     &dinfo->num_irqs))
			ret = -EFAULT;
		return ret;
	case VFIO_DEVICE_GET_IRQ_INFO:
	case VFIO_DEVICE_SET_IRQS:
		/* index follows argsz and flags in both structures */
		if (copy_from_user(&irq_hdr, uarg,
				   offsetofend(struct vfio_irq_info, index)))
			return -EFAULT;
		if (irq_hdr.index < VFIO_PCI_NUM_IRQS)
			break;
		if (cmd == VFIO_DEVICE_GET_IRQ_INFO)
			return vfio_pci_irq_get_info(vpdev, uarg);
		return vfio_pci_irq_set(vpdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		ret = vfio_pci_remap_region_info(vpdev, uarg);
		if (ret != 1)
			return ret;
		break;
	case VFIO_DEVICE_RESET:
	case VFIO_DEVICE_PCI_HOT_RESET:
		ret = vfio_pci_core_ioctl(vdev, cmd, arg);
		/* Returning, the reset device holds no migration state. */
		vfio_pci_mig_reset_flush(vpdev);
		return ret;
	}
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
	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_REGION_REMAP:
		return vfio_pci_remap_feature(to_vfio_pci(vdev), flags, arg,
					      argsz);
	case VFIO_PCI_FEATURE_MIG_DATA_SIZE:
		return vfio_pci_mig_data_size(to_vfio_pci(vdev), flags, arg,
					      argsz);
	default:
		return vfio_pci_core_ioctl_feature(vdev, flags, arg, argsz);
	}
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
 * A config write may reset the function, and the reset reaches the
 * vendor's migration @reset callback before this returns: call it for
 * config space without holding a lock that callback takes.
 *
 * Return: bytes written or a negative errno.
 */
ssize_t vfio_pci_vendor_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	loff_t pos = *ppos;
	ssize_t ret;

	ret = vfio_pci_core_write(vdev, buf, count, ppos);
	/* A config write may have been a function-level reset. */
	if (VFIO_PCI_OFFSET_TO_INDEX(pos) == VFIO_PCI_CONFIG_REGION_INDEX)
		vfio_pci_mig_reset_flush(vpdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_write);

/**
 * vfio_pci_vendor_bus_master() - turn the device's bus mastering on or off
 * @vdev: a device bound to vfio-pci, currently open
 * @on: the new state
 *
 * For a vendor that stops its device's DMA at STOP.  The command register
 * is changed under core's memory lock, as core's config-space emulation
 * changes it, so a write of the user's to the same register is never
 * lost.  Not with core's memory lock held.
 *
 * Return: whether bus mastering was on before.
 */
bool vfio_pci_vendor_bus_master(struct vfio_device *vdev, bool on)
{
	struct vfio_pci_core_device *core = &to_vfio_pci(vdev)->core;
	u16 cmd, new;

	down_write(&core->memory_lock);
	pci_read_config_word(core->pdev, PCI_COMMAND, &cmd);
	new = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
	if (new != cmd)
		pci_write_config_word(core->pdev, PCI_COMMAND, new);
	up_write(&core->memory_lock);
	return cmd & PCI_COMMAND_MASTER;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_bus_master);

/**
 * vfio_pci_vendor_reset_function() - reset the device the way core does
 * @vdev: a device bound to vfio-pci, currently open
 *
 * For a vendor whose own sequence needs a function reset (a VF restored on
 * the destination): the user's BAR mappings are zapped and the reset runs
 * under core's memory lock, exactly as for VFIO_DEVICE_RESET, so no user
 * access reaches the device halfway.  The vendor's migration @reset
 * callback is not called for it.  May be called from migration callbacks;
 * not with core's memory lock held.
 *
 * Return: 0, -EINVAL if the device has no reset, -EAGAIN if it is busy
 * (another reset, or its device lock held), or another errno of the reset.
 */
int vfio_pci_vendor_reset_function(struct vfio_device *vdev)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	int ret;

	vfio_pci_mig_own_reset(vpdev, true);
	ret = vfio_pci_core_ioctl(vdev, VFIO_DEVICE_RESET, 0);
	vfio_pci_mig_own_reset(vpdev, false);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_reset_function);

/**
 * vfio_pci_vendor_mmap() - default vfio_device_ops.mmap
 * @vdev: the device
 * @vma: the mapping userspace asks for
 *
 * Refuses ranges a vendor has trapped (vfio_pci_remap_set_traps()); a
 * mapping of a page the vendor reserved (vfio_pci_shadow_reserve()) follows
 * its swaps.
 *
 * Return: 0 or a negative errno (-EINVAL for a region that cannot be
 * mapped, -ENOMEM).
 */
int vfio_pci_vendor_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	int ret = vfio_pci_remap_check_mmap(vpdev, vma);

	if (!ret)
		ret = vfio_pci_core_mmap(vdev, vma);
	/* Nothing is mapped before the first fault: a refusal leaves none. */
	return ret ? ret : vfio_pci_shadow_mmap(vpdev, vma);
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
 * Having this callback is what allows vfio_pin_pages() on the device.  It
 * releases the vfio_pci_dirty_hold() pins in the range, which type1 insists
 * on before it unmaps.  A vendor that pins pages itself overrides it,
 * unpins what lies in the range, and must call this too.
 */
void vfio_pci_vendor_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	vfio_pci_dirty_release_all(to_vfio_pci(vdev), iova, length);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_dma_unmap);

/**
 * vfio_pci_vendor_add_region() - add a device-specific region
 * @vdev: the device, from its open_device() after the default open
 * @type: VFIO_REGION_TYPE_* reported in the region's type capability
 * @subtype: its subtype
 * @ops: access callbacks (rw mandatory; mmap, add_capability, release)
 * @size: region size in bytes
 * @flags: VFIO_REGION_INFO_FLAG_* (READ, WRITE, MMAP)
 * @data: private pointer, given back in @ops through the region
 *
 * The region takes the next index after the standard and earlier added
 * ones; VFIO_DEVICE_GET_INFO counts it and GET_REGION_INFO describes it
 * until the device is closed, when @ops->release is called.
 *
 * Return: 0, -EINVAL for missing ops or size, or -ENOMEM.
 */
int vfio_pci_vendor_add_region(struct vfio_device *vdev, u32 type,
			       u32 subtype, const struct vfio_pci_regops *ops,
			       size_t size, u32 flags, void *data)
{
	if (!ops || !ops->rw || !size ||
	    ((flags & VFIO_REGION_INFO_FLAG_MMAP) && !ops->mmap))
		return -EINVAL;
	return vfio_pci_core_register_dev_region(&to_vfio_pci(vdev)->core, type,
						 subtype, ops, size, flags,
						 data);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_add_region);

/* The ops of a device no vendor driver owns: core's, as in stock vfio-pci. */
const struct vfio_device_ops vfio_pci_default_ops = {
	.name		= "vfio-pci",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
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
