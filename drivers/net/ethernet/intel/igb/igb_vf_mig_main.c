// SPDX-License-Identifier: GPL-2.0-only
/*
 * igb_vf_migration: live migration of Intel 82576 virtual functions
 * assigned with vfio-pci.
 *
 * A vfio-pci vendor driver.  It takes a VF only when the VF's PF is driven
 * by the in-tree igb driver, and reaches that PF only through public
 * interfaces: pci_physfn(), pci_iov_vf_id() and the PF netdev's
 * ndo_get_vf_config()/ndo_set_vf_*() under rtnl (the vendor-neutral
 * library's <linux/nic_vf/host.h>).  Nothing of igb's or igbvf's own
 * headers is used.
 *
 * This file is the kernel side only: what the logic does on a trapped
 * BAR0 access, the VF reset and the migration callbacks that are the
 * device's own; open and close, the trapped accesses themselves and saving
 * and loading the state are the library's (<linux/nic_vf/dev.h>).  The
 * logic is in igb_vf_mig_{state,mbx,desc,replay}.c and in the library
 * (<linux/nic_vf.h>); the
 * operator's guide and the design are in
 * Documentation/networking/device_drivers/ethernet/intel/igb_vf_migration.rst.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vfio_pci_vendor.h>
#include <linux/workqueue.h>

#include <linux/nic_vf/dev.h>
#include "igb_vf_mig.h"

#define DRV_NAME	"igb_vf_migration"
#define PF_DRIVER	"igb"

/* The VF reset: time for the PF to see it before the VF is used again. */
#define VF_RESET_MS	10
/* After a restore, the guest's mailbox interrupt is raised again until the
 * guest reads the reset indication: first after KICK_MS, doubling, at most
 * KICK_TRIES times (igbvf's own watchdog looks every two seconds anyway).
 */
#define KICK_MS		20
#define KICK_TRIES	7

static bool guest_reset;
module_param(guest_reset, bool, 0644);
MODULE_PARM_DESC(guest_reset, "On a destination, tell the guest's driver of a VF reset (it then sets the VF up again) instead of resuming the VF where the source stopped");

static bool all_dirty;
module_param(all_dirty, bool, 0444);
MODULE_PARM_DESC(all_dirty, "Do not trap the RX queue registers: no dirty page is reported, so the IOMMU reports all guest memory dirty (for comparison; VMMs speaking protocol v2 then need their own dirty tracking)");

/**
 * struct igb_vfm_dev - one VF owned by this driver
 * @nv: the library's part: the VF, its lock, open state and stream
 * @saving: device writes are being reported
 * @stopped: stop() disabled the queues; start() enables them again
 * @p2p: RUNNING_P2P or PRE_COPY_P2P: the queues stay disabled and the
 *       restore's mailbox interrupt waits
 * @kick_held: a restore's mailbox interrupt waits for the end of P2P
 * @closing: close has begun: @kick must not touch the BAR any more
 * @kick: raises the guest's mailbox interrupt again after a restore
 * @kicks: times @kick ran since the restore
 * @m: the logic
 * @stats: under @nv's lock, for debugfs (igb_vfm_show_stats()): restores
 *         that resumed the guest driver or told it of a reset, the guest's
 *         configuration seen again after a resume, runs after a stop
 */
struct igb_vfm_dev {
	struct nic_vf_dev nv;
	bool saving;
	bool stopped;
	bool p2p;
	bool kick_held;
	bool closing;
	struct delayed_work kick;
	unsigned int kicks;
	struct igb_vfm m;
	struct {
		u32 resumed;
		u32 reset_told;
		u32 config_verified;
		u32 restarted;
	} stats;
};

static struct igb_vfm_dev *nv_to_dev(struct nic_vf_dev *nv)
{
	return container_of(nv, struct igb_vfm_dev, nv);
}

static struct igb_vfm_dev *to_dev(struct vfio_device *vdev)
{
	return nv_to_dev(nic_vf_dev_get(vdev));
}

/* A VF reset of the device's own (CTRL.RST), which the PF is told of like a
 * function-level reset, without touching PCI config space.  Interrupts are
 * masked afterwards, as a reset VF has them.
 */
static int igb_vfm_hw_reset(struct nic_vf_host *host)
{
	if (!host->regs)
		return -ENODEV;
	if (!vfio_pci_vendor_mem_begin(host->vdev))
		return -EIO;
	iowrite32(IGB_VFM_CTRL_RST, host->regs + IGB_VFM_CTRL);
	ioread32(host->regs + IGB_VFM_STATUS);
	msleep(VF_RESET_MS);
	iowrite32(IGB_VFM_EIMS_ALL, host->regs + IGB_VFM_EIMC);
	vfio_pci_vendor_mem_end(host->vdev);
	return 0;
}

static void igb_vfm_kick_work(struct work_struct *work)
{
	struct igb_vfm_dev *d = container_of(to_delayed_work(work),
					     struct igb_vfm_dev, kick);

	mutex_lock(&d->nv.lock);
	if (d->nv.host.vdev && !d->closing && !d->stopped &&
	    igb_vfm_kick(&d->m) && ++d->kicks < KICK_TRIES)
		schedule_delayed_work(&d->kick,
				      msecs_to_jiffies(KICK_MS << d->kicks));
	mutex_unlock(&d->nv.lock);
}

/* ---- what the library asks of the driver ---- */

static void igb_vfm_opened(struct nic_vf_dev *nv)
{
	struct igb_vfm_dev *d = nv_to_dev(nv);

	d->saving = false;
	d->stopped = false;
	d->p2p = false;
	d->kick_held = false;
	d->closing = false;
	igb_vfm_vf_was_reset(&d->m);
}

static void igb_vfm_closed(struct nic_vf_dev *nv)
{
	struct igb_vfm_dev *d = nv_to_dev(nv);

	igb_vfm_saving_end(&d->m);
	igb_vfm_vf_was_reset(&d->m);
}

/* For the device's whole life, from before the VMM maps BAR0. */
static unsigned int igb_vfm_dev_traps(struct nic_vf_dev *nv, bool saving,
				      struct nic_vf_trap *traps)
{
	return igb_vfm_traps(traps);
}

static void igb_vfm_reg_write(struct nic_vf_dev *nv, u32 off, u32 val)
{
	struct igb_vfm_dev *d = nv_to_dev(nv);
	const struct igb_vfm_summary *s = d->m.cap.sum_dst;

	if (!(igb_vfm_bar0_write(&d->m, off, val) & IGB_VFM_EV_VERIFIED))
		return;
	d->stats.config_verified++;
	pci_info(nv->host.pdev, "guest sent again the configuration it had on the source (%u multicast, %u VLANs, largest frame %u)\n",
		 s->mc_count, s->nr_vlan, s->lpe);
}

static void igb_vfm_reg_written(struct nic_vf_dev *nv, u32 off)
{
	igb_vfm_bar0_written(&nv_to_dev(nv)->m, off);
}

static u32 igb_vfm_reg_read(struct nic_vf_dev *nv, u32 off, u32 val)
{
	return igb_vfm_bar0_read(&nv_to_dev(nv)->m, off, val);
}

/* Only the mailbox registers may read differently after a restore. */
static const u32 igb_vfm_read_regs[] = { IGB_VFM_MBX_CTL, IGB_VFM_MBX_MEM(0) };

/* The RX queue page while saving: a queue's set-up before its enable, its
 * tail last (posted buffers only count on an enabled queue).
 */
static const u32 igb_vfm_shadow_regs[] = {
	IGB_VFM_RDBAL(0), IGB_VFM_RDBAH(0), IGB_VFM_RDLEN(0),
	IGB_VFM_SRRCTL(0), IGB_VFM_RDH(0), IGB_VFM_RXDCTL(0), IGB_VFM_RDT(0),
	IGB_VFM_RDBAL(1), IGB_VFM_RDBAH(1), IGB_VFM_RDLEN(1),
	IGB_VFM_SRRCTL(1), IGB_VFM_RDH(1), IGB_VFM_RXDCTL(1), IGB_VFM_RDT(1),
};

static const struct nic_vf_dev_desc igb_vfm_desc = {
	.pf_driver	= PF_DRIVER,
	.bar		= IGB_VFM_BAR,
	.bar_len	= IGB_VFM_BAR0_LEN,
	.read_regs	= igb_vfm_read_regs,
	.nr_read_regs	= ARRAY_SIZE(igb_vfm_read_regs),
	.opened		= igb_vfm_opened,
	.closed		= igb_vfm_closed,
	.traps		= igb_vfm_dev_traps,
	.reg_write	= igb_vfm_reg_write,
	.reg_written	= igb_vfm_reg_written,
	.reg_read	= igb_vfm_reg_read,
	.shadow_page	= IGB_VFM_PAGE_RXQ,
	.shadow_regs	= igb_vfm_shadow_regs,
	.nr_shadow_regs	= ARRAY_SIZE(igb_vfm_shadow_regs),
};

/* The kick writes the BAR that vfio-pci's close unmaps: stop it first. */
static void igb_vfm_close(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	d->closing = true;
	mutex_unlock(&d->nv.lock);
	cancel_delayed_work_sync(&d->kick);
	nic_vf_dev_close(vdev);
}

static const struct vfio_device_ops igb_vfm_device_ops = {
	.name		= "igb-vf-migration",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= nic_vf_dev_open,
	.close_device	= igb_vfm_close,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= nic_vf_dev_read,
	.write		= nic_vf_dev_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

/* ---- migration ---- */

static int mig_start_saving(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	int ret;

	mutex_lock(&d->nv.lock);
	d->saving = true;
	/* Swapped first: the ring scan must see everything posted before. */
	ret = all_dirty ? 0 : nic_vf_dev_shadow_begin(&d->nv);
	if (ret) {
		igb_vfm_saving_begin(&d->m);
		nic_vf_tracker_lose(&d->m.trk, ret);
	} else {
		ret = igb_vfm_saving_begin(&d->m);
	}
	if (ret)
		pci_warn(d->nv.host.pdev, "dirty tracking failed (%pe): this migration will fail rather than lose guest memory\n",
			 ERR_PTR(ret));
	else if (!all_dirty)
		pci_info(d->nv.host.pdev, "precise dirty tracking: rings held, RX buffers reported as the guest takes them\n");
	mutex_unlock(&d->nv.lock);
	/* Not an error here: the save reports it (-EIO). */
	return 0;
}

static void mig_stop_saving(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	const struct nic_vf_track_stats *t = &d->m.trk.stats;

	mutex_lock(&d->nv.lock);
	if (d->saving)
		pci_info(d->nv.host.pdev, "dirty tracking ended (totals): %llu descriptors posted, %llu buffers reported, %llu holds, %llu tail writes, %llu unusable addresses\n",
			 t->posted, t->marks, t->holds,
			 d->m.stats.tail_writes, t->bad_addr);
	/* Its last writes are passed on while still tracked. */
	nic_vf_dev_shadow_end(&d->nv);
	igb_vfm_saving_end(&d->m);
	d->saving = false;
	mutex_unlock(&d->nv.lock);
}

static int mig_stop(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	if (!d->stopped && !d->nv.resuming) {
		nic_vf_dev_shadow_flush(&d->nv);
		igb_vfm_stop(&d->m);
		d->stopped = true;
	}
	mutex_unlock(&d->nv.lock);
	return 0;
}

static void report_restore(struct igb_vfm_dev *d, int err,
			   const struct nic_vf_admin_result *res)
{
	const struct igb_vfm_summary *s = d->m.cap.sum_dst;
	char how[192];

	if (err) {
		nic_vf_dev_restored(&d->nv, err, res, NULL);
		return;
	}
	if (d->m.resumed) {
		d->stats.resumed++;
		snprintf(how, sizeof(how),
			 "resumed where the source stopped, no reset for the guest driver (%llu messages sent to the PF in its place: %u multicast, %u VLANs, largest frame %u)",
			 d->m.stats.replayed, s->mc_count, s->nr_vlan, s->lpe);
	} else if (d->m.rstd_pending) {
		d->stats.reset_told++;
		snprintf(how, sizeof(how),
			 "the guest driver was told of a VF reset (not resumed: %pe)",
			 ERR_PTR(d->m.resume_err));
	} else {
		snprintf(how, sizeof(how), "no guest driver had the VF");
	}
	nic_vf_dev_restored(&d->nv, err, res, how);
}

/* Raise the guest's mailbox interrupt until it answers (after a restore). */
static void start_kick(struct igb_vfm_dev *d)
{
	if (d->m.rstd_pending && !d->closing) {
		d->kicks = 0;
		schedule_delayed_work(&d->kick, msecs_to_jiffies(KICK_MS));
	}
}

static int mig_start(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	struct nic_vf_admin_result res;
	int ret = 0;

	mutex_lock(&d->nv.lock);
	if (d->nv.resuming) {
		d->nv.resuming = false;
		d->stopped = false;
		d->m.guest_reset = READ_ONCE(guest_reset);
		ret = igb_vfm_restore(&d->m, !d->p2p, &res);
		/* Resumed in P2P: its queues start when P2P ends. */
		if (!ret && d->p2p && d->m.resumed)
			d->stopped = true;
		if (!ret && d->p2p)
			d->kick_held = true;
		else if (!ret)
			start_kick(d);
		report_restore(d, ret, &res);
	} else if (d->stopped && !d->p2p) {
		igb_vfm_resume(&d->m);
		d->stopped = false;
		d->stats.restarted++;
		pci_info(d->nv.host.pdev, "running again after a stop: queues re-enabled where they stopped\n");
	}
	mutex_unlock(&d->nv.lock);
	return ret;
}

/* P2P: the queues are disabled as for a stop (the VF fetches no descriptor
 * and writes no buffer; on the emulated 82576 a disabled queue stops at
 * once), while every register, the mailbox included, still answers.  A
 * restore in P2P holds back the mailbox interrupt that tells the guest of
 * the reset; an interrupt the PF's own messages raise is not held back.
 */
static int mig_set_p2p(struct vfio_device *vdev, bool quiesce)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	if (quiesce) {
		if (!d->stopped && !d->nv.resuming) {
			igb_vfm_stop(&d->m);
			d->stopped = true;
		}
		d->p2p = true;
	} else if (d->p2p) {
		d->p2p = false;
		if (d->stopped && !d->nv.resuming) {
			igb_vfm_resume(&d->m);
			d->stopped = false;
		}
		if (d->kick_held) {
			d->kick_held = false;
			igb_vfm_kick(&d->m);
			start_kick(d);
		}
	}
	mutex_unlock(&d->nv.lock);
	return 0;
}

static void mig_sync_dirty(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	igb_vfm_sync_tx(&d->m);
	mutex_unlock(&d->nv.lock);
}

/* Pre-copy (v2, 6.2 and later): the settings and the VF reset early. */
static ssize_t mig_save_precopy(struct vfio_device *vdev, void *buf,
				size_t len)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	ssize_t n;

	mutex_lock(&d->nv.lock);
	n = igb_vfm_save_precopy(&d->m, buf, len);
	mutex_unlock(&d->nv.lock);
	if (n < 0)
		pci_err(d->nv.host.pdev, "saving the pre-copy part failed: %pe\n",
			ERR_PTR(n));
	return n;
}

/* While the VM still runs on the source: a destination VF without the
 * source's settings refuses the migration now, before any downtime (the
 * default policy), or gets them now (apply); and the VF is reset now.
 */
static int mig_load_precopy(struct vfio_device *vdev, const void *buf,
			    size_t len, u32 version)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	struct nic_vf_admin_result res;
	int ret;

	mutex_lock(&d->nv.lock);
	ret = igb_vfm_load_precopy(&d->m, buf, len, version);
	if (ret) {
		mutex_unlock(&d->nv.lock);
		pci_err(d->nv.host.pdev, "refusing a corrupt or foreign pre-copy part\n");
		return ret;
	}
	if (!d->m.st.apply_admin)
		ret = nic_vf_host_admin_verify(&d->nv.host, &d->m.pre_admin);
	if (!ret) {
		ret = igb_vfm_prepare(&d->m, &res);
		if (ret)
			pci_err(d->nv.host.pdev, "preparing the VF before the switch-over failed: %pe\n",
				ERR_PTR(ret));
	}
	if (!ret)
		pci_info(d->nv.host.pdev, "prepared before the switch-over: administrator settings applied 0x%x, VF %s\n",
			 res.applied,
			 d->m.pre_reset_done ? "reset" : "not reset (no guest driver)");
	mutex_unlock(&d->nv.lock);
	return ret;
}

static void mig_reset(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	d->nv.resuming = false;
	d->stopped = false;
	d->p2p = false;
	d->kick_held = false;
	igb_vfm_vf_was_reset(&d->m);
	mutex_unlock(&d->nv.lock);
}

static void mig_error(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->nv.lock);
	d->nv.resuming = false;
	d->p2p = false;
	d->kick_held = false;
	if (d->stopped) {
		igb_vfm_resume(&d->m);
		d->stopped = false;
	}
	mutex_unlock(&d->nv.lock);
}

#define IGB_VFM_MIGRATION_CALLBACKS					\
	.protocols	= VFIO_PCI_MIGRATION_V1 | VFIO_PCI_MIGRATION_V2,	\
	.version	= IGB_VFM_STATE_VERSION,				\
	.max_state_size	= IGB_VFM_MAX_STATE,					\
	.start_saving	= mig_start_saving,					\
	.stop_saving	= mig_stop_saving,					\
	.stop		= mig_stop,						\
	.start		= mig_start,						\
	.start_resuming	= nic_vf_dev_start_resuming,				\
	.pending_bytes	= nic_vf_dev_pending_bytes,				\
	.sync_dirty	= mig_sync_dirty,					\
	.save		= nic_vf_dev_save,					\
	.load		= nic_vf_dev_load,					\
	.reset		= mig_reset,						\
	.error		= mig_error,						\
	.set_p2p	= mig_set_p2p,						\
	.save_precopy	= mig_save_precopy,					\
	.load_precopy	= mig_load_precopy

/* Precise tracking: every write the device makes is reported. */
static const struct vfio_pci_migration_ops igb_vfm_migration_ops = {
	IGB_VFM_MIGRATION_CALLBACKS,
	.reports_all_dma = true,
};

/* all_dirty=1: none is, so the IOMMU's tracking has to do. */
static const struct vfio_pci_migration_ops igb_vfm_migration_ops_all_dirty = {
	IGB_VFM_MIGRATION_CALLBACKS,
};

/* ---- probe ---- */

static void *igb_vfm_probe(struct pci_dev *pdev)
{
	struct igb_vfm_dev *d;
	struct nic_vf_seam seam;
	int ret;

	if (pdev->vendor != IGB_VFM_VENDOR_ID ||
	    pdev->device != IGB_VFM_DEV_82576_VF)
		return ERR_PTR(-ENODEV);

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	ret = nic_vf_dev_probe(&d->nv, pdev, &igb_vfm_desc, &seam);
	if (ret)
		goto err_free;
	d->nv.host.reset = igb_vfm_hw_reset;
	INIT_DELAYED_WORK(&d->kick, igb_vfm_kick_work);
	ret = igb_vfm_init(&d->m, &seam, !all_dirty);
	if (ret)
		goto err_destroy;
	d->nv.st = &d->m.st;
	pci_info(pdev, "VF %d of %s: live migration by %s (%s dirty tracking)\n",
		 d->nv.host.vf_id, pci_name(d->nv.host.pf), DRV_NAME,
		 all_dirty ? "no" : "precise");
	return &d->nv;

err_destroy:
	igb_vfm_destroy(&d->m);
	nic_vf_dev_remove(&d->nv);
err_free:
	kfree(d);
	return ERR_PTR(ret);
}

static void igb_vfm_remove(void *data)
{
	struct igb_vfm_dev *d = nv_to_dev(data);

	cancel_delayed_work_sync(&d->kick);
	igb_vfm_destroy(&d->m);
	nic_vf_dev_remove(&d->nv);
	kfree(d);
}

/* The library's counters, then the 82576's own ("igb.<name> <value>"). */
static void igb_vfm_show_stats(struct vfio_device *vdev, struct seq_file *m)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	nic_vf_dev_show_stats(vdev, m);
	mutex_lock(&d->nv.lock);
	seq_printf(m, "igb.resumed %u\n", d->stats.resumed);
	seq_printf(m, "igb.reset_told %u\n", d->stats.reset_told);
	seq_printf(m, "igb.config_verified %u\n", d->stats.config_verified);
	seq_printf(m, "igb.restarted %u\n", d->stats.restarted);
	seq_printf(m, "igb.tail_writes %llu\n", d->m.stats.tail_writes);
	mutex_unlock(&d->nv.lock);
}

static struct vfio_pci_vendor_driver_ops igb_vfm_vendor_ops = {
	.name		= DRV_NAME,
	.owner		= THIS_MODULE,
	.probe		= igb_vfm_probe,
	.remove		= igb_vfm_remove,
	.device_ops	= &igb_vfm_device_ops,
	.migration	= &igb_vfm_migration_ops,
	.show_stats	= igb_vfm_show_stats,
};

static int __init igb_vfm_module_init(void)
{
	if (all_dirty)
		igb_vfm_vendor_ops.migration = &igb_vfm_migration_ops_all_dirty;
	return vfio_pci_vendor_register(&igb_vfm_vendor_ops);
}
module_init(igb_vfm_module_init);

static void __exit igb_vfm_module_exit(void)
{
	vfio_pci_vendor_unregister(&igb_vfm_vendor_ops);
}
module_exit(igb_vfm_module_exit);

VFIO_PCI_VENDOR_ALIAS(8086, 10ca);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Live migration of Intel 82576 VFs assigned with vfio-pci");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
