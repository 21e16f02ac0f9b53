// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device-specific irqs declared by vendor drivers: GET_IRQ_INFO with the
 * irq type capability, SET_IRQS (eventfd trigger), and signalling from the
 * vendor.  Standard irq indexes never reach this file.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/vfio_pci_vendor.h>

#include "vfio_pci_vendor_priv.h"

static unsigned int nr_vendor_irqs(struct vfio_pci_device *vpdev)
{
	return vpdev->vendor ? vpdev->vendor->num_irqs : 0;
}

void vfio_pci_irq_init(struct vfio_pci_device *vpdev)
{
	mutex_init(&vpdev->irq_lock);
}

/* Detach every eventfd: the device's user is gone. */
void vfio_pci_irq_close(struct vfio_pci_device *vpdev)
{
	unsigned int i;

	mutex_lock(&vpdev->irq_lock);
	for (i = 0; i < VFIO_PCI_MAX_VENDOR_IRQS; i++) {
		if (vpdev->irq_ctx[i]) {
			eventfd_ctx_put(vpdev->irq_ctx[i]);
			vpdev->irq_ctx[i] = NULL;
		}
	}
	mutex_unlock(&vpdev->irq_lock);
}

/**
 * vfio_pci_irq_find() - vendor irq of a given type
 * @vpdev: the device
 * @type: VFIO_IRQ_TYPE_*
 * @subtype: subtype
 *
 * Return: the vendor irq number (0-based), or -ENOENT.
 */
int vfio_pci_irq_find(struct vfio_pci_device *vpdev, u32 type, u32 subtype)
{
	unsigned int i;

	for (i = 0; i < nr_vendor_irqs(vpdev); i++)
		if (vpdev->vendor->irqs[i].type == type &&
		    vpdev->vendor->irqs[i].subtype == subtype)
			return i;
	return -ENOENT;
}

/**
 * vfio_pci_irq_get_info() - VFIO_DEVICE_GET_IRQ_INFO for a vendor irq
 * @vpdev: the device
 * @arg: user pointer to struct vfio_irq_info or struct vfio_irq_info_cap
 *
 * Return: 0, -EFAULT, -EINVAL for a bad argsz or index, -ENOMEM.
 */
long vfio_pci_irq_get_info(struct vfio_pci_device *vpdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_irq_info_cap_type cap_type = {
		.header.id = VFIO_IRQ_INFO_CAP_TYPE,
		.header.version = 1,
	};
	/* Capabilities start 8-byte aligned after the extended structure. */
	size_t caps_at = ALIGN(sizeof(struct vfio_irq_info_cap), 8);
	struct vfio_irq_info_cap info = {};
	unsigned int n;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index < VFIO_PCI_NUM_IRQS ||
	    info.index - VFIO_PCI_NUM_IRQS >= nr_vendor_irqs(vpdev))
		return -EINVAL;
	n = array_index_nospec(info.index - VFIO_PCI_NUM_IRQS,
			       nr_vendor_irqs(vpdev));

	info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
	info.count = 1;
	if (info.argsz < sizeof(info))
		return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;

	/* A caller that knows cap_offset gets the type capability. */
	minsz = sizeof(info);
	info.flags |= VFIO_IRQ_INFO_FLAG_CAPS;
	info.cap_offset = 0;
	cap_type.type = vpdev->vendor->irqs[n].type;
	cap_type.subtype = vpdev->vendor->irqs[n].subtype;
	ret = vfio_info_add_capability(&caps, &cap_type.header, sizeof(cap_type));
	if (ret)
		return ret;

	if (info.argsz < caps_at + caps.size) {
		info.argsz = caps_at + caps.size;
	} else {
		vfio_info_cap_shift(&caps, caps_at);
		if (copy_to_user(arg + caps_at, caps.buf, caps.size)) {
			kfree(caps.buf);
			return -EFAULT;
		}
		info.cap_offset = caps_at;
	}
	kfree(caps.buf);
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int irq_set_eventfd(struct vfio_pci_device *vpdev, unsigned int n,
			   s32 fd)
{
	struct eventfd_ctx *ctx = NULL;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != -1) {
		return -EINVAL;
	}

	mutex_lock(&vpdev->irq_lock);
	if (vpdev->irq_ctx[n])
		eventfd_ctx_put(vpdev->irq_ctx[n]);
	vpdev->irq_ctx[n] = ctx;
	if (ctx && (int)n == vfio_pci_irq_find(vpdev,
					       VFIO_IRQ_TYPE_REMAP_BAR_REGION,
					       VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION))
		vfio_pci_remap_opted_in(&vpdev->remap, ctx);
	mutex_unlock(&vpdev->irq_lock);
	return 0;
}

/**
 * vfio_pci_irq_set() - VFIO_DEVICE_SET_IRQS for a vendor irq
 * @vpdev: the device
 * @arg: user pointer to struct vfio_irq_set and its data
 *
 * Only ACTION_TRIGGER: DATA_EVENTFD attaches (fd >= 0) or detaches (-1),
 * DATA_NONE with count 1 and DATA_BOOL true fire the irq, DATA_NONE with
 * count 0 detaches.
 *
 * Return: 0; -EFAULT; -EINVAL for bad flags, index, start or count, or an
 * fd that is not an eventfd; -EBADF for a closed fd.
 */
long vfio_pci_irq_set(struct vfio_pci_device *vpdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	unsigned int n;
	u8 data[4];
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, 1, VFIO_PCI_NUM_IRQS +
						 nr_vendor_irqs(vpdev),
						 &data_size);
	if (ret)
		return ret;
	if (hdr.index < VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	n = array_index_nospec(hdr.index - VFIO_PCI_NUM_IRQS,
			       nr_vendor_irqs(vpdev));
	if ((hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;
	if (data_size && copy_from_user(data, arg + minsz, data_size))
		return -EFAULT;

	switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		if (hdr.count != 1)
			return -EINVAL;
		return irq_set_eventfd(vpdev, n, *(s32 *)data);
	case VFIO_IRQ_SET_DATA_NONE:
		if (!hdr.count)
			return irq_set_eventfd(vpdev, n, -1);
		vfio_pci_vendor_irq_signal(&vpdev->core.vdev, n, 1);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (hdr.count != 1)
			return -EINVAL;
		if (data[0])
			vfio_pci_vendor_irq_signal(&vpdev->core.vdev, n, 1);
		return 0;
	}
	return -EINVAL;
}

/**
 * vfio_pci_vendor_irq_signal() - fire a device-specific irq
 * @vdev: a device owned by a vendor driver
 * @n: the vendor irq, 0-based (VFIO index VFIO_PCI_NUM_IRQS + @n)
 * @value: what to add to the eventfd's counter (non-zero); from Linux 6.8
 *	on the kernel adds 1 whatever @value is, so userspace must not take
 *	the counter for data
 *
 * Process context (takes a mutex).
 *
 * Return: 0, -EINVAL for a bad @n or @value, or -ENOTCONN if userspace has
 * not attached an eventfd to the irq.
 */
int vfio_pci_vendor_irq_signal(struct vfio_device *vdev, unsigned int n,
			       u64 value)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	int ret = 0;

	if (n >= nr_vendor_irqs(vpdev) || !value)
		return -EINVAL;
	mutex_lock(&vpdev->irq_lock);
	if (vpdev->irq_ctx[n])
		vfio_pci_compat_eventfd_add(vpdev->irq_ctx[n], value);
	else
		ret = -ENOTCONN;
	mutex_unlock(&vpdev->irq_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_irq_signal);

/**
 * vfio_pci_vendor_irq_enabled() - has userspace attached an eventfd?
 * @vdev: a device owned by a vendor driver
 * @n: the vendor irq, 0-based
 *
 * Return: true if signals of irq @n reach userspace.
 */
bool vfio_pci_vendor_irq_enabled(struct vfio_device *vdev, unsigned int n)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	bool on;

	if (n >= nr_vendor_irqs(vpdev))
		return false;
	mutex_lock(&vpdev->irq_lock);
	on = vpdev->irq_ctx[n];
	mutex_unlock(&vpdev->irq_lock);
	return on;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_irq_enabled);
