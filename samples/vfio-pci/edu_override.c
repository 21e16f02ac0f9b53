// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vendor driver for QEMU's edu device that overrides one operation.
 *
 * edu computes the factorial of what is written to BAR0 offset 0x08, in 32
 * bits, so arguments above 12 silently overflow.  This driver filters
 * writes: such an argument is refused with -EINVAL (and a dmesg line)
 * before it reaches the device.  Every other access, and every other
 * operation, is vfio-pci's default.
 *
 * A filter only sees what goes through the region's read/write path, so
 * open_device also asks vfio-pci never to let userspace mmap the page
 * holding the register (QEMU then traps that page and forwards accesses).
 *
 * It shares the edu alias with the other samples; choose one with modprobe
 * blacklists (Documentation/driver-api/vfio-pci-vendor-ops.rst).
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_vendor.h>

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8
#define EDU_FACTORIAL		0x08
#define EDU_FACTORIAL_MAX	12	/* 13! does not fit in 32 bits */

static void *edu_override_probe(struct pci_dev *pdev)
{
	if (pdev->vendor != EDU_VENDOR_ID || pdev->device != EDU_DEVICE_ID)
		return ERR_PTR(-ENODEV);
	return pdev;
}

static void edu_override_remove(void *vendor_data)
{
}

/* Keep the register's page out of userspace mappings, so writes reach us. */
static int edu_override_open(struct vfio_device *vdev)
{
	const struct vfio_pci_trap page0 = { .offset = 0, .len = PAGE_SIZE };
	s64 gen;
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;
	/* Nothing is mapped yet, so this takes effect without a remap. */
	gen = vfio_pci_remap_set_traps(vdev, VFIO_PCI_BAR0_REGION_INDEX,
				       &page0, 1);
	if (gen < 0) {
		vfio_pci_vendor_close_device(vdev);
		return gen;
	}
	return 0;
}

/*
 * The filter: check factorial arguments, pass the rest through.  Two rules
 * make a filter hold.  Write the value that was checked, never the user's
 * buffer again: another thread may change it after the check.  And refuse
 * any other shape of access that touches the register (a 2-byte write, an
 * 8-byte one spanning it), or it would slip past the check.
 */
static ssize_t edu_override_write(struct vfio_device *vdev,
				  const char __user *buf, size_t count,
				  loff_t *ppos)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	u64 offset = *ppos & VFIO_PCI_OFFSET_MASK;
	struct pci_dev *pdev = vfio_pci_vendor_pdev(vdev);
	u32 arg;
	int ret;

	if (index != VFIO_PCI_BAR0_REGION_INDEX ||
	    offset >= EDU_FACTORIAL + sizeof(arg) || offset + count <= EDU_FACTORIAL)
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	if (offset != EDU_FACTORIAL || count != sizeof(arg)) {
		pci_info_ratelimited(pdev, "edu_override: refused a %zu-byte write at 0x%llx over the factorial register\n",
				     count, offset);
		return -EINVAL;
	}
	if (copy_from_user(&arg, buf, sizeof(arg)))
		return -EFAULT;
	if (arg > EDU_FACTORIAL_MAX) {
		pci_info_ratelimited(pdev, "edu_override: refused factorial of %u (max %u)\n",
				     arg, EDU_FACTORIAL_MAX);
		return -EINVAL;
	}
	ret = vfio_pci_vendor_bar_write(vdev, 0, offset, arg, sizeof(arg));
	if (ret)
		return ret;
	*ppos += sizeof(arg);
	return sizeof(arg);
}

static const struct vfio_device_ops edu_override_device_ops = {
	.name		= "edu-override",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= edu_override_open,
	.close_device	= vfio_pci_vendor_close_device,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= vfio_pci_vendor_read,
	.write		= edu_override_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

static struct vfio_pci_vendor_driver_ops edu_override_ops = {
	.name		= "edu_override",
	.owner		= THIS_MODULE,
	.probe		= edu_override_probe,
	.remove		= edu_override_remove,
	.device_ops	= &edu_override_device_ops,
};

module_vfio_pci_vendor_driver(edu_override_ops);

VFIO_PCI_VENDOR_ALIAS(1234, 11e8);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci vendor driver for QEMU's edu device that filters one register");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
