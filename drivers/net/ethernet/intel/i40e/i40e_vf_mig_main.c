// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vf_migration: live migration of Intel XL710/X710 and X722 virtual
 * functions assigned with vfio-pci.
 *
 * A vfio-pci vendor driver.  It takes a VF only when the VF's PF is driven
 * by the in-tree i40e driver, and reaches that PF only through public
 * interfaces: pci_physfn(), pci_iov_vf_id() and the PF netdev's
 * ndo_get_vf_config()/ndo_set_vf_*() under rtnl.  Nothing of i40e's own
 * headers is used.
 *
 * This file is the kernel side only: what the logic does on a trapped
 * BAR0 write, the remap handshake and the migration callbacks that are the
 * device's own.  The rest of the kernel side (open and close, the trapped
 * accesses, saving and loading the state, the seam over vfio-pci and the
 * PF's netdev) is the vendor-neutral library's (<linux/nic_vf/dev.h>), as
 * is the logic's other half (<linux/nic_vf.h>); this driver's own logic is
 * in i40e_vf_mig_{state,vc,desc}.c.  The
 * operator's guide and the design are in
 * Documentation/networking/device_drivers/ethernet/intel/i40e_vf_migration.rst.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio_pci_vendor.h>
#include <uapi/linux/vfio_pci_vendor.h>

#include <linux/nic_vf/dev.h>
#include "i40e_vf_mig.h"

#define DRV_NAME	"i40e_vf_migration"
#define PF_DRIVER	"i40e"

/* Our only device-specific irq: the remap request. */
#define REMAP_IRQ	0

/**
 * struct i40e_vfm_dev - one VF owned by this driver
 * @nv: the library's part: the VF, its lock, open state and stream
 * @saving: between start_saving and stop_saving
 * @remap_gen: generation of the request that traps the tails, 0 if none
 * @precise: precise dirty tracking was reached in this migration
 * @quiesced: stop() turned bus mastering off
 * @m: the logic
 */
struct i40e_vfm_dev {
	struct nic_vf_dev nv;
	bool saving;
	s64 remap_gen;
	bool precise;
	bool quiesced;
	struct i40e_vfm m;
};

static struct i40e_vfm_dev *nv_to_dev(struct nic_vf_dev *nv)
{
	return container_of(nv, struct i40e_vfm_dev, nv);
}

static struct i40e_vfm_dev *to_dev(struct vfio_device *vdev)
{
	return nv_to_dev(nic_vf_dev_get(vdev));
}

/* Caller holds the lock. */
static void go_precise(struct i40e_vfm_dev *d)
{
	int ret = i40e_vfm_tracking_precise(&d->m);

	d->precise = true;
	if (ret)
		pci_warn(d->nv.host.pdev, "dirty tracking failed (%pe): this migration will fail rather than lose guest memory\n",
			 ERR_PTR(ret));
	else
		pci_info(d->nv.host.pdev, "tail registers trapped: precise dirty tracking\n");
}

/* ---- what the library asks of the driver ---- */

static void i40e_vfm_opened(struct nic_vf_dev *nv)
{
	struct i40e_vfm_dev *d = nv_to_dev(nv);

	d->saving = false;
	d->remap_gen = 0;
	d->quiesced = false;
	i40e_vfm_vf_was_reset(&d->m);
}

static void i40e_vfm_closed(struct nic_vf_dev *nv)
{
	struct i40e_vfm_dev *d = nv_to_dev(nv);

	i40e_vfm_saving_end(&d->m);
	i40e_vfm_vf_was_reset(&d->m);
}

/* The ATQ tail page always (nothing is mapped at open); the RX and ARQ
 * tail pages too while saving.
 */
static unsigned int i40e_vfm_dev_traps(struct nic_vf_dev *nv, bool saving,
				       struct nic_vf_trap *traps)
{
	return i40e_vfm_traps(saving, traps);
}

/* Seen before the device sees it: descriptors are read while it has not. */
static void i40e_vfm_reg_write(struct nic_vf_dev *nv, u32 off, u32 val)
{
	struct i40e_vfm_dev *d = nv_to_dev(nv);
	const struct i40e_vfm_summary *s = d->m.cap.sum_dst;

	if (i40e_vfm_bar0_write(&d->m, off, val) & I40E_VFM_EV_VERIFIED)
		pci_info(nv->host.pdev, "guest renegotiated the configuration it had on the source (%u queue pairs, %u MAC and %u VLAN filters)\n",
			 s->num_qp, s->nr_mac, s->nr_vlan);
}

static const struct nic_vf_dev_desc i40e_vfm_desc = {
	.pf_driver	= PF_DRIVER,
	.bar		= I40E_VFM_BAR,
	.bar_len	= I40E_VFM_BAR0_LEN,
	.opened		= i40e_vfm_opened,
	.closed		= i40e_vfm_closed,
	.traps		= i40e_vfm_dev_traps,
	.reg_write	= i40e_vfm_reg_write,
};

static const struct vfio_device_ops i40e_vfm_device_ops = {
	.name		= "i40e-vf-migration",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= nic_vf_dev_open,
	.close_device	= nic_vf_dev_close,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= vfio_pci_vendor_read,
	.write		= nic_vf_dev_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

/* ---- migration ---- */

static int i40e_vfm_start_saving(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	s64 gen;

	mutex_lock(&d->nv.lock);
	i40e_vfm_saving_begin(&d->m);
	d->saving = true;
	d->precise = false;
	/* Ask the VMM to stop mmapping the tail pages. */
	gen = nic_vf_dev_set_traps(&d->nv, true);
	d->remap_gen = gen > 0 ? gen : 0;
	if (gen > 0 && vfio_pci_remap_acked(vdev, gen))
		go_precise(d);
	mutex_unlock(&d->nv.lock);
	return gen < 0 ? gen : 0;
}

static void i40e_vfm_remap_acked(struct vfio_device *vdev, s64 generation)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	if (d->saving && !d->precise && d->remap_gen &&
	    generation >= d->remap_gen)
		go_precise(d);
	mutex_unlock(&d->nv.lock);
}

static void i40e_vfm_stop_saving(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	if (d->saving && !d->precise)
		pci_info(d->nv.host.pdev, "saved without precise tracking (the VMM did not acknowledge the remap): all guest memory was reported dirty\n");
	i40e_vfm_saving_end(&d->m);
	d->saving = false;
	d->precise = false;
	d->remap_gen = 0;
	/* Give the VMM its mappings back. */
	if (d->nv.host.vdev && nic_vf_dev_set_traps(&d->nv, false) < 0)
		pci_warn(d->nv.host.pdev, "could not restore the BAR0 mappings\n");
	mutex_unlock(&d->nv.lock);
}

/* No DMA while stopped: turn bus mastering off (the VMM set it through
 * config space, so the register is the truth), start() turns it back on.
 */
static int i40e_vfm_stop(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	if (vfio_pci_vendor_bus_master(vdev, false))
		d->quiesced = true;
	mutex_unlock(&d->nv.lock);
	return 0;
}

/* Bus mastering back on, if stop() turned it off.  Caller holds the lock. */
static void unquiesce(struct i40e_vfm_dev *d, struct vfio_device *vdev)
{
	if (d->quiesced) {
		vfio_pci_vendor_bus_master(vdev, true);
		d->quiesced = false;
	}
}

static int i40e_vfm_start(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	struct nic_vf_admin_result res;
	int ret = 0;

	mutex_lock(&d->nv.lock);
	if (d->nv.resuming) {
		d->nv.resuming = false;
		ret = i40e_vfm_restore(&d->m, &res);
		nic_vf_dev_restored(&d->nv, ret, &res,
				    "the guest driver renegotiates after the VF reset");
	}
	unquiesce(d, vdev);
	mutex_unlock(&d->nv.lock);
	return ret;
}

static void i40e_vfm_reset(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	d->nv.resuming = false;
	/* The reset restored the command register STOP had changed. */
	unquiesce(d, vdev);
	i40e_vfm_vf_was_reset(&d->m);
	mutex_unlock(&d->nv.lock);
}

static void i40e_vfm_error(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	d->nv.resuming = false;
	unquiesce(d, vdev);
	mutex_unlock(&d->nv.lock);
}

static const struct vfio_pci_migration_ops i40e_vfm_migration_ops = {
	.protocols	= VFIO_PCI_MIGRATION_V1 | VFIO_PCI_MIGRATION_V2,
	.version	= I40E_VFM_STATE_VERSION,
	.max_state_size	= I40E_VFM_MAX_STATE,
	.start_saving	= i40e_vfm_start_saving,
	.stop_saving	= i40e_vfm_stop_saving,
	.stop		= i40e_vfm_stop,
	.start		= i40e_vfm_start,
	.start_resuming	= nic_vf_dev_start_resuming,
	.pending_bytes	= nic_vf_dev_pending_bytes,
	.save		= nic_vf_dev_save,
	.load		= nic_vf_dev_load,
	.reset		= i40e_vfm_reset,
	.error		= i40e_vfm_error,
};

static const struct vfio_pci_vendor_irq i40e_vfm_irqs[] = {
	[REMAP_IRQ] = {
		.type = VFIO_IRQ_TYPE_REMAP_BAR_REGION,
		.subtype = VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION,
	},
};

/* ---- probe ---- */

static void *i40e_vfm_probe(struct pci_dev *pdev)
{
	struct i40e_vfm_dev *d;
	struct nic_vf_seam seam;
	int ret;

	if (pdev->vendor != I40E_VFM_VENDOR_ID ||
	    (pdev->device != I40E_VFM_DEV_XL710_VF &&
	     pdev->device != I40E_VFM_DEV_X722_VF))
		return ERR_PTR(-ENODEV);

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	ret = nic_vf_dev_probe(&d->nv, pdev, &i40e_vfm_desc, &seam);
	if (ret)
		goto err_free;
	ret = i40e_vfm_init(&d->m, &seam, pdev->device);
	if (ret)
		goto err_remove;
	d->nv.st = &d->m.st;
	pci_info(pdev, "VF %d of %s: live migration by %s\n", d->nv.host.vf_id,
		 pci_name(d->nv.host.pf), DRV_NAME);
	return &d->nv;

err_remove:
	nic_vf_dev_remove(&d->nv);
err_free:
	kfree(d);
	return ERR_PTR(ret);
}

static void i40e_vfm_remove(void *data)
{
	struct i40e_vfm_dev *d = nv_to_dev(data);

	i40e_vfm_destroy(&d->m);
	nic_vf_dev_remove(&d->nv);
	kfree(d);
}

static struct vfio_pci_vendor_driver_ops i40e_vfm_vendor_ops = {
	.name		= DRV_NAME,
	.owner		= THIS_MODULE,
	.probe		= i40e_vfm_probe,
	.remove		= i40e_vfm_remove,
	.device_ops	= &i40e_vfm_device_ops,
	.irqs		= i40e_vfm_irqs,
	.num_irqs	= ARRAY_SIZE(i40e_vfm_irqs),
	.migration	= &i40e_vfm_migration_ops,
	.remap_acked	= i40e_vfm_remap_acked,
	.show_stats	= nic_vf_dev_show_stats,
};

module_vfio_pci_vendor_driver(i40e_vfm_vendor_ops);

VFIO_PCI_VENDOR_ALIAS(8086, 154c);
VFIO_PCI_VENDOR_ALIAS(8086, 37cd);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Live migration of Intel XL710/X722 VFs assigned with vfio-pci");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
