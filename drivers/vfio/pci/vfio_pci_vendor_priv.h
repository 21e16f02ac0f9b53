/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci internals shared between its files; vendors never see this.
 */
#ifndef VFIO_PCI_VENDOR_PRIV_H
#define VFIO_PCI_VENDOR_PRIV_H

#include <linux/vfio_pci_core.h>
#include <linux/vfio_pci_vendor.h>

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
};

static inline struct vfio_pci_device *to_vfio_pci(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_device, core.vdev);
}

/* vfio_pci_registry.c */
const struct vfio_pci_vendor_driver_ops *
vfio_pci_vendor_find(struct pci_dev *pdev, void **vendor_data);
void vfio_pci_vendor_release(const struct vfio_pci_vendor_driver_ops *ops,
			     void *vendor_data);

/* vfio_pci_device.c */
extern const struct vfio_device_ops vfio_pci_default_ops;
extern const struct attribute_group *vfio_pci_dev_groups[];

#endif /* VFIO_PCI_VENDOR_PRIV_H */
