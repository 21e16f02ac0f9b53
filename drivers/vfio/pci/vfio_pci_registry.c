// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of vendor drivers: registration, the module-alias request on
 * bind, the probe walk and the operator's policy knob.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "vfio_pci_vendor_priv.h"

static LIST_HEAD(vendor_list);
static DEFINE_MUTEX(vendor_lock);

enum vendor_policy {
	VENDOR_POLICY_AUTO,		/* request_module() and use */
	VENDOR_POLICY_NOAUTOLOAD,	/* use drivers already loaded */
	VENDOR_POLICY_OFF,		/* never hand a device to a vendor */
};

static const char * const vendor_policy_names[] = {
	[VENDOR_POLICY_AUTO] = "auto",
	[VENDOR_POLICY_NOAUTOLOAD] = "noautoload",
	[VENDOR_POLICY_OFF] = "off",
};

static int vendor_policy = VENDOR_POLICY_AUTO;

static int vendor_policy_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(vendor_policy_names, val);
	char shown[16];

	if (i < 0) {
		strscpy(shown, val, sizeof(shown));
		pr_err("vendor_drivers: \"%s\" is not one of auto, noautoload, off\n",
		       strim(shown));
		return -EINVAL;
	}
	WRITE_ONCE(vendor_policy, i);
	return 0;
}

static int vendor_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  vendor_policy_names[READ_ONCE(vendor_policy)]);
}

static const struct kernel_param_ops vendor_policy_ops = {
	.set = vendor_policy_set,
	.get = vendor_policy_get,
};

module_param_cb(vendor_drivers, &vendor_policy_ops, NULL, 0644);
MODULE_PARM_DESC(vendor_drivers,
		 "Vendor drivers for bound devices: auto (load by alias and use, default), noautoload (use only drivers already loaded), off (never)");

static struct vfio_pci_vendor_driver_ops *vendor_lookup(const char *name)
{
	struct vfio_pci_vendor_driver_ops *ops;

	list_for_each_entry(ops, &vendor_list, node)
		if (!strcmp(ops->name, name))
			return ops;
	return NULL;
}

/**
 * vfio_pci_vendor_register() - make a vendor driver available to vfio-pci
 * @ops: the vendor driver; lives until vfio_pci_vendor_unregister()
 *
 * Takes a reference on vfio-pci, dropped by vfio_pci_vendor_unregister(),
 * so vfio-pci stays loaded while any vendor driver is registered.  Devices
 * that are already bound are not offered to @ops; they are at their next
 * bind.
 *
 * Return: 0, -EINVAL if @ops lacks a name, owner, probe, remove or device
 * ops with init and release (and, on kernels with iommufd, the iommufd ops;
 * with migration, dma_unmap) or declares more than VFIO_PCI_MAX_VENDOR_IRQS
 * irqs, -EEXIST if a driver of that name (or @ops
 * itself) is registered, -ENODEV if vfio-pci is being unloaded.
 */
int vfio_pci_vendor_register(struct vfio_pci_vendor_driver_ops *ops)
{
	const struct vfio_device_ops *dops = ops->device_ops;
	int ret = 0;

	if (!ops->name || !*ops->name || !ops->owner || !ops->probe ||
	    !ops->remove || !dops ||
	    dops->init != vfio_pci_vendor_init_dev ||
	    dops->release != vfio_pci_vendor_release_dev ||
	    (ops->num_irqs && !ops->irqs) ||
	    (ops->migration && !vfio_pci_migration_ops_valid(ops->migration))) {
		pr_err("vendor driver %s: incomplete ops, not registered\n",
		       ops->name ?: "(unnamed)");
		return -EINVAL;
	}
	/* The per-device eventfd table has room for that many. */
	if (ops->num_irqs > VFIO_PCI_MAX_VENDOR_IRQS) {
		pr_err("vendor driver %s: %u device irqs, at most %u are supported, not registered\n",
		       ops->name, ops->num_irqs, VFIO_PCI_MAX_VENDOR_IRQS);
		return -EINVAL;
	}
	/* Core would refuse each device at probe, with a WARN. */
	if (!vfio_pci_compat_has_iommufd_ops(dops)) {
		pr_err("vendor driver %s: this kernel has iommufd and the device ops lack VFIO_PCI_VENDOR_IOMMUFD_OPS, not registered\n",
		       ops->name);
		return -EINVAL;
	}
	/* Without it type1 never lets the vendor pin pages to report them. */
	if (ops->migration && !dops->dma_unmap) {
		pr_err("vendor driver %s: migration needs .dma_unmap in the device ops, not registered\n",
		       ops->name);
		return -EINVAL;
	}

	if (!try_module_get(THIS_MODULE))
		return -ENODEV;

	mutex_lock(&vendor_lock);
	if (vendor_lookup(ops->name)) {
		pr_err("vendor driver %s: already registered\n", ops->name);
		ret = -EEXIST;
	} else {
		list_add_tail(&ops->node, &vendor_list);
		pr_info("vendor driver %s registered (module %s)\n", ops->name,
			module_name(ops->owner));
	}
	mutex_unlock(&vendor_lock);

	if (ret)
		module_put(THIS_MODULE);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_register);

/**
 * vfio_pci_vendor_unregister() - withdraw a vendor driver
 * @ops: a driver registered with vfio_pci_vendor_register()
 *
 * Call from the vendor module's exit.  No device can be owned by @ops at
 * that point: each owned device holds a reference on @ops->owner.
 */
void vfio_pci_vendor_unregister(struct vfio_pci_vendor_driver_ops *ops)
{
	bool found;

	mutex_lock(&vendor_lock);
	found = vendor_lookup(ops->name) == ops;
	if (found)
		list_del(&ops->node);
	mutex_unlock(&vendor_lock);

	if (WARN(!found, "vendor driver %s was not registered\n", ops->name))
		return;
	pr_info("vendor driver %s unregistered\n", ops->name);
	module_put(THIS_MODULE);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_unregister);

/*
 * A vendor module links against vfio-pci, so it cannot finish loading
 * before vfio-pci's init has returned.  A probe run from that init (ids=,
 * or a driver_override set before the load) would wait in request_module()
 * for a modprobe that waits for vfio-pci: such probes are deferred, and
 * retried by a work item once vfio-pci is live.
 */
struct vendor_deferred {
	struct list_head node;
	struct pci_dev *pdev;
};

static LIST_HEAD(deferred_list);
static bool vfio_pci_loading = true;	/* under vendor_lock */

static void vendor_deferred_retry(struct work_struct *work)
{
	struct vendor_deferred *d, *tmp;
	LIST_HEAD(list);

	mutex_lock(&vendor_lock);
	list_splice_init(&deferred_list, &list);
	mutex_unlock(&vendor_lock);

	list_for_each_entry_safe(d, tmp, &list, node) {
		int ret;

		/* The probe now loads the vendor module itself. */
		ret = device_attach(&d->pdev->dev);
		if (ret < 0)
			pci_warn(d->pdev, "deferred bind failed: %d\n", ret);
		pci_dev_put(d->pdev);
		kfree(d);
	}
}

static DECLARE_WORK(deferred_work, vendor_deferred_retry);

/* Called with vendor_lock held, from a probe during vfio-pci's init. */
static int vendor_defer(struct pci_dev *pdev)
{
	struct vendor_deferred *d;

	list_for_each_entry(d, &deferred_list, node)
		if (d->pdev == pdev)
			return -EPROBE_DEFER;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->pdev = pci_dev_get(pdev);
	list_add_tail(&d->node, &deferred_list);
	pci_info(pdev, "bind deferred until vfio-pci has loaded (its vendor module needs it)\n");
	return -EPROBE_DEFER;
}

/* The end of vfio-pci's init: binds from now on load vendor modules. */
void vfio_pci_vendor_loaded(void)
{
	mutex_lock(&vendor_lock);
	vfio_pci_loading = false;
	if (!list_empty(&deferred_list))
		schedule_work(&deferred_work);
	mutex_unlock(&vendor_lock);
}

/* vfio-pci's exit: let a retry in flight finish first. */
void vfio_pci_vendor_unloading(void)
{
	flush_work(&deferred_work);
}

/*
 * Find the vendor driver for @pdev: first whose probe() accepts it, in
 * registration order.  On success the owner's module is pinned until
 * vfio_pci_vendor_release().  Returns NULL for none, or an error pointer
 * (-EPROBE_DEFER while vfio-pci itself loads) that fails the probe.
 */
const struct vfio_pci_vendor_driver_ops *
vfio_pci_vendor_find(struct pci_dev *pdev, void **vendor_data)
{
	const struct vfio_pci_vendor_driver_ops *found = NULL;
	struct vfio_pci_vendor_driver_ops *ops;
	int policy = READ_ONCE(vendor_policy);

	if (policy == VENDOR_POLICY_OFF)
		return NULL;

	if (policy == VENDOR_POLICY_AUTO) {
		int ret = 0;

		mutex_lock(&vendor_lock);
		if (vfio_pci_loading)
			ret = vendor_defer(pdev);
		mutex_unlock(&vendor_lock);
		if (ret)
			return ERR_PTR(ret);
	}

	/* Failure only means no module has the alias. */
	if (policy == VENDOR_POLICY_AUTO)
		request_module("vfio-pci:%04x-%04x", pdev->vendor,
			       pdev->device);

	mutex_lock(&vendor_lock);
	list_for_each_entry(ops, &vendor_list, node) {
		void *data;

		if (!try_module_get(ops->owner))
			continue;
		data = ops->probe(pdev);
		if (!IS_ERR(data)) {
			*vendor_data = data;
			found = ops;
			break;
		}
		if (PTR_ERR(data) != -ENODEV)
			pci_info(pdev, "vendor driver %s declined: %pe\n",
				 ops->name, data);
		module_put(ops->owner);
	}
	mutex_unlock(&vendor_lock);

	return found;
}

void vfio_pci_vendor_release(const struct vfio_pci_vendor_driver_ops *ops,
			     void *vendor_data)
{
	ops->remove(vendor_data);
	module_put(ops->owner);
}
