// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci with vendor operations: the PCI driver.
 *
 * A drop-in for the stock vfio-pci module (same driver name, parameters and
 * driver_override/new_id/ids= behaviour) that hands a device to a vendor
 * driver when one claims it, and otherwise drives it with vfio_pci_core's
 * defaults exactly as stock vfio-pci does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "vfio_pci_vendor_priv.h"

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "Initial PCI IDs to add to the vfio driver, format is \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\", comma separated");

static bool nointxmask;
module_param(nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask, "Disable support for PCI 2.3 style INTx masking");

static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Disable VGA resource access through vfio-pci");

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0644);
MODULE_PARM_DESC(disable_idle_d3, "Disable using the PCI D3 low power state for idle, unused devices");

static bool enable_sriov;
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Enable support for SR-IOV configuration (needs a userspace PF driver)");

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Disable use of device denylist (devices with known exploitable errata)");

static bool vfio_pci_dev_in_denylist(struct pci_dev *pdev)
{
	if (pdev->vendor != PCI_VENDOR_ID_INTEL)
		return false;

	switch (pdev->device) {
	case PCI_DEVICE_ID_INTEL_QAT_C3XXX:
	case PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF:
	case PCI_DEVICE_ID_INTEL_QAT_C62X:
	case PCI_DEVICE_ID_INTEL_QAT_C62X_VF:
	case PCI_DEVICE_ID_INTEL_QAT_DH895XCC:
	case PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF:
	case PCI_DEVICE_ID_INTEL_DSA_SPR0:
	case PCI_DEVICE_ID_INTEL_IAX_SPR0:
		return true;
	default:
		return false;
	}
}

static bool vfio_pci_is_denylisted(struct pci_dev *pdev)
{
	if (!vfio_pci_dev_in_denylist(pdev))
		return false;

	if (disable_denylist) {
		pci_warn(pdev, "%04x:%04x is denylisted, bound anyway (disable_denylist=1)\n",
			 pdev->vendor, pdev->device);
		return false;
	}

	pci_warn(pdev, "%04x:%04x is denylisted (known exploitable errata), not bound\n",
		 pdev->vendor, pdev->device);
	return true;
}

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct vfio_pci_vendor_driver_ops *vendor;
	const struct vfio_device_ops *ops = &vfio_pci_default_ops;
	struct vfio_pci_device *vpdev;
	void *vendor_data = NULL;
	int ret;

	if (vfio_pci_is_denylisted(pdev))
		return -EINVAL;

	vendor = vfio_pci_vendor_find(pdev, &vendor_data);
	if (IS_ERR(vendor))
		return PTR_ERR(vendor);
	if (vendor)
		ops = vendor->device_ops;

	vpdev = vfio_alloc_device(vfio_pci_device, core.vdev, &pdev->dev, ops);
	if (IS_ERR(vpdev)) {
		ret = PTR_ERR(vpdev);
		goto out_release_vendor;
	}
	vpdev->vendor = vendor;
	vpdev->vendor_data = vendor_data;
	vfio_pci_mig_v2_setup(vpdev);

	dev_set_drvdata(&pdev->dev, &vpdev->core);
	ret = vfio_pci_core_register_device(&vpdev->core);
	if (ret)
		goto out_put_vdev;
	vfio_pci_debugfs_add(vpdev);

	if (vendor)
		pci_info(pdev, "vendor driver %s (module %s) owns %04x:%04x\n",
			 vendor->name, module_name(vendor->owner),
			 pdev->vendor, pdev->device);
	else
		pci_info(pdev, "no vendor driver for %04x:%04x, default ops\n",
			 pdev->vendor, pdev->device);
	return 0;

out_put_vdev:
	dev_set_drvdata(&pdev->dev, NULL);
	vfio_put_device(&vpdev->core.vdev);
out_release_vendor:
	if (vendor)
		vfio_pci_vendor_release(vendor, vendor_data);
	return ret;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_device *vpdev = dev_get_drvdata(&pdev->dev);
	const struct vfio_pci_vendor_driver_ops *vendor = vpdev->vendor;
	void *vendor_data = vpdev->vendor_data;

	vfio_pci_debugfs_remove(vpdev);
	vfio_pci_core_unregister_device(&vpdev->core);
	vfio_put_device(&vpdev->core.vdev);
	if (vendor)
		vfio_pci_vendor_release(vendor, vendor_data);
}

static int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	struct vfio_pci_device *vpdev = dev_get_drvdata(&pdev->dev);

	if (!enable_sriov)
		return -ENOENT;

	return vfio_pci_core_sriov_configure(&vpdev->core, nr_virtfn);
}

static const struct pci_device_id vfio_pci_table[] = {
	/* Matches nothing by itself: driver_override, new_id or ids= only. */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

/* Every function reset, whoever asked for it, reaches the engine. */
static void vfio_pci_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);

	if (core)
		vfio_pci_mig_reset_done(container_of(core, struct vfio_pci_device,
						     core));
}

static const struct pci_error_handlers vfio_pci_err_handlers = {
	.error_detected		= vfio_pci_core_aer_err_detected,
	.reset_done		= vfio_pci_reset_done,
};

static struct pci_driver vfio_pci_driver = {
	.name			= "vfio-pci",
	.id_table		= vfio_pci_table,
	.probe			= vfio_pci_probe,
	.remove			= vfio_pci_remove,
	.sriov_configure	= vfio_pci_sriov_configure,
	.err_handler		= &vfio_pci_err_handlers,
	.driver_managed_dma	= true,
	.dev_groups		= vfio_pci_dev_groups,
};

static void __init vfio_pci_fill_ids(void)
{
	char *p = ids, *id;

	while ((id = strsep(&p, ","))) {
		unsigned int vendor, device, subvendor = PCI_ANY_ID,
			subdevice = PCI_ANY_ID, class = 0, class_mask = 0;
		int ret;

		if (!*id)
			continue;

		if (sscanf(id, "%x:%x:%x:%x:%x:%x", &vendor, &device,
			   &subvendor, &subdevice, &class, &class_mask) < 2) {
			pr_warn("ids: \"%s\" is not vendor:device[:...], ignored\n",
				id);
			continue;
		}

		ret = pci_add_dynid(&vfio_pci_driver, vendor, device, subvendor,
				    subdevice, class, class_mask, 0);
		if (ret)
			pr_warn("ids: cannot add %04x:%04x sub %04x:%04x class %06x/%06x: %d\n",
				vendor, device, subvendor, subdevice, class,
				class_mask, ret);
		else
			pr_info("ids: added %04x:%04x sub %04x:%04x class %06x/%06x\n",
				vendor, device, subvendor, subdevice, class,
				class_mask);
	}
}

static int __init vfio_pci_init(void)
{
	int ret;

	vfio_pci_core_set_params(nointxmask, disable_vga, disable_idle_d3);

	vfio_pci_debugfs_init();
	ret = pci_register_driver(&vfio_pci_driver);
	if (ret) {
		vfio_pci_debugfs_exit();
		return ret;
	}

	vfio_pci_fill_ids();

	if (disable_denylist)
		pr_warn("device denylist disabled by disable_denylist=1\n");
	vfio_pci_vendor_loaded();
	return 0;
}
module_init(vfio_pci_init);

static void __exit vfio_pci_exit(void)
{
	vfio_pci_vendor_unloading();
	pci_unregister_driver(&vfio_pci_driver);
	vfio_pci_debugfs_exit();
}
module_exit(vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI with vendor operations");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
