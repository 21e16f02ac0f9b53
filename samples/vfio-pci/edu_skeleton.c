// SPDX-License-Identifier: GPL-2.0-only
/*
 * The smallest useful vendor driver for vfio-pci, for QEMU's "edu" device.
 *
 * It claims the device, keeps a little per-device state, and otherwise runs
 * entirely on vfio-pci's defaults: start here when writing your own.
 *
 * vfio-pci loads it by its alias when an edu device (1234:11e8) is bound:
 *
 *   echo vfio-pci > /sys/bus/pci/devices/0000:00:03.0/driver_override
 *   echo 0000:00:03.0 > /sys/bus/pci/drivers_probe
 *   cat /sys/bus/pci/devices/0000:00:03.0/vfio_vendor_driver   # edu_skeleton
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio_pci_vendor.h>

#define EDU_VENDOR_ID	0x1234
#define EDU_DEVICE_ID	0x11e8

/* Per-device data: whatever the driver needs; here, just who we are. */
struct edu_skeleton {
	struct pci_dev *pdev;
};

/* Decide whether the device is ours; return our data or an ERR_PTR. */
static void *edu_skeleton_probe(struct pci_dev *pdev)
{
	struct edu_skeleton *edu;

	if (pdev->vendor != EDU_VENDOR_ID || pdev->device != EDU_DEVICE_ID)
		return ERR_PTR(-ENODEV);

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return ERR_PTR(-ENOMEM);
	edu->pdev = pdev;
	pci_info(pdev, "edu_skeleton: taking the device\n");
	return edu;
}

static void edu_skeleton_remove(void *vendor_data)
{
	kfree(vendor_data);
}

/* Every operation is vfio-pci's default: override the ones you need. */
static const struct vfio_device_ops edu_skeleton_device_ops = {
	.name		= "edu-skeleton",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= vfio_pci_vendor_open_device,
	.close_device	= vfio_pci_vendor_close_device,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= vfio_pci_vendor_read,
	.write		= vfio_pci_vendor_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

static struct vfio_pci_vendor_driver_ops edu_skeleton_ops = {
	.name		= "edu_skeleton",
	.owner		= THIS_MODULE,
	.probe		= edu_skeleton_probe,
	.remove		= edu_skeleton_remove,
	.device_ops	= &edu_skeleton_device_ops,
};

module_vfio_pci_vendor_driver(edu_skeleton_ops);

VFIO_PCI_VENDOR_ALIAS(1234, 11e8);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Skeleton vfio-pci vendor driver for QEMU's edu device");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
