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
 * This file is the kernel side only: the trapped BAR0 accesses, the VF
 * reset and the migration callbacks.  The logic is in
 * igb_vf_mig_{state,mbx,desc}.c and in the library (<linux/nic_vf.h>); the
 * operator's guide and the design are in
 * Documentation/networking/device_drivers/ethernet/intel/igb_vf_migration.rst.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_vendor.h>
#include <linux/workqueue.h>

#include "igb_vf_mig.h"
#include <linux/nic_vf/host.h>

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
 * @host: the VF, its PF, and while open its vfio device and BAR0 mapping
 * @saving: device writes are being reported
 * @resuming: a stream is being loaded; start() applies it
 * @admin_checked: this stream's administrator settings matched the VF's
 * @stopped: stop() disabled the queues; start() enables them again
 * @p2p: RUNNING_P2P or PRE_COPY_P2P: the queues stay disabled and the
 *       restore's mailbox interrupt waits
 * @kick_held: a restore's mailbox interrupt waits for the end of P2P
 * @closing: close has begun: @kick must not touch the BAR any more
 * @kick: raises the guest's mailbox interrupt again after a restore
 * @kicks: times @kick ran since the restore
 * @m: the logic
 */
struct igb_vfm_dev {
	struct nic_vf_host host;
	/** @lock: serialises trapped accesses and migration callbacks */
	struct mutex lock;
	bool saving;
	bool resuming;
	bool admin_checked;
	bool stopped;
	bool p2p;
	bool kick_held;
	bool closing;
	struct delayed_work kick;
	unsigned int kicks;
	struct igb_vfm m;
};

static struct igb_vfm_dev *to_dev(struct vfio_device *vdev)
{
	return vfio_pci_vendor_data(vdev);
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

	mutex_lock(&d->lock);
	if (d->host.vdev && !d->closing && !d->stopped &&
	    igb_vfm_kick(&d->m) && ++d->kicks < KICK_TRIES)
		schedule_delayed_work(&d->kick,
				      msecs_to_jiffies(KICK_MS << d->kicks));
	mutex_unlock(&d->lock);
}

static void report_events(struct igb_vfm_dev *d, u32 ev)
{
	const struct igb_vfm_summary *s = d->m.cap.sum_dst;

	if (ev & IGB_VFM_EV_VERIFIED)
		pci_info(d->host.pdev, "guest sent again the configuration it had on the source (%u multicast, %u VLANs, largest frame %u)\n",
			 s->mc_count, s->nr_vlan, s->lpe);
}

/* ---- device ops ---- */

/* BAR0 offset of a register access, if it is one the logic follows. */
static bool bar0_reg(loff_t pos, size_t count, u32 *off)
{
	u64 o = pos & VFIO_PCI_OFFSET_MASK;

	if (VFIO_PCI_OFFSET_TO_INDEX(pos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    o >= IGB_VFM_BAR0_LEN || o % 4 || count != 4)
		return false;
	*off = o;
	return true;
}

static ssize_t igb_vfm_read(struct vfio_device *vdev, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	__le32 raw;
	ssize_t ret;
	u64 val;
	u32 off;

	/* A 64-bit read is two 32-bit ones, each seen by the logic. */
	if (count == 8 && bar0_reg(*ppos, 4, &off) &&
	    bar0_reg(*ppos + 4, 4, &off)) {
		ret = igb_vfm_read(vdev, buf, 4, ppos);
		if (ret != 4)
			return ret;
		ret = igb_vfm_read(vdev, buf + 4, 4, ppos);
		return ret == 4 ? 8 : ret;
	}
	/* Only the mailbox registers may read differently after a restore. */
	if (!bar0_reg(*ppos, count, &off) ||
	    (off != IGB_VFM_MBX_CTL && off != IGB_VFM_MBX_MEM(0)))
		return vfio_pci_vendor_read(vdev, buf, count, ppos);

	/* Adjust a kernel copy; the user's buffer is written once. */
	mutex_lock(&d->lock);
	ret = vfio_pci_vendor_bar_read(vdev, 0, off, &val, sizeof(raw));
	if (!ret)
		raw = cpu_to_le32(igb_vfm_bar0_read(&d->m, off, val));
	mutex_unlock(&d->lock);
	if (ret)
		return ret;
	if (copy_to_user(buf, &raw, sizeof(raw)))
		return -EFAULT;
	*ppos += sizeof(raw);
	return sizeof(raw);
}

/* One 4-byte register write: seen by the logic, passed on, followed.  The
 * value the logic saw is the value written: the user's buffer is read once.
 */
static ssize_t write_reg(struct igb_vfm_dev *d, struct vfio_device *vdev,
			 const char __user *buf, loff_t *ppos, u32 off)
{
	__le32 raw;
	int ret;
	u32 ev;

	if (copy_from_user(&raw, buf, sizeof(raw)))
		return -EFAULT;
	mutex_lock(&d->lock);
	ev = igb_vfm_bar0_write(&d->m, off, le32_to_cpu(raw));
	ret = vfio_pci_vendor_bar_write(vdev, 0, off, le32_to_cpu(raw),
					sizeof(raw));
	if (!ret)
		igb_vfm_bar0_written(&d->m, off);
	report_events(d, ev);
	mutex_unlock(&d->lock);
	if (ret)
		return ret;
	*ppos += sizeof(raw);
	return sizeof(raw);
}

static ssize_t refuse_write(struct igb_vfm_dev *d, loff_t pos, size_t count)
{
	pci_info_ratelimited(d->host.pdev, "refused a %zu-byte BAR0 write at 0x%llx: registers are 32 bits wide\n",
			     count, pos & VFIO_PCI_OFFSET_MASK);
	return -EINVAL;
}

static ssize_t igb_vfm_write(struct vfio_device *vdev,
			     const char __user *buf, size_t count,
			     loff_t *ppos)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	loff_t pos = *ppos;
	ssize_t ret;
	u32 off, hi;

	if (VFIO_PCI_OFFSET_TO_INDEX(pos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    (pos & VFIO_PCI_OFFSET_MASK) >= IGB_VFM_BAR0_LEN)
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	/* The registers are 32 bits wide; a 64-bit write is two of them,
	 * both checked before either is written.
	 */
	if (count == 8) {
		if (!bar0_reg(pos, 4, &off) || !bar0_reg(pos + 4, 4, &hi))
			return refuse_write(d, pos, count);
		ret = write_reg(d, vdev, buf, &pos, off);
		if (ret != 4)
			return ret;
		ret = write_reg(d, vdev, buf + 4, &pos, hi);
		if (ret != 4)
			return ret;
		*ppos = pos;
		return count;
	}
	if (!bar0_reg(pos, count, &off))
		return refuse_write(d, pos, count);
	return write_reg(d, vdev, buf, ppos, off);
}

static int igb_vfm_open(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	struct nic_vf_trap traps[NIC_VF_MAX_TRAPS];
	s64 gen = 0;
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;

	mutex_lock(&d->lock);
	ret = nic_vf_host_open(&d->host, vdev);
	if (!ret) {
		d->saving = false;
		d->resuming = false;
		d->stopped = false;
		d->p2p = false;
		d->kick_held = false;
		d->closing = false;
		/* Opening reset the VF: the guest will configure it afresh. */
		igb_vfm_vf_was_reset(&d->m);
		/* Before the VMM maps BAR0: these pages are never mapped. */
		gen = nic_vf_host_set_traps(&d->host, traps,
					    igb_vfm_traps(!all_dirty, traps));
		if (gen < 0)
			nic_vf_host_close(&d->host);
	}
	mutex_unlock(&d->lock);
	if (!ret && gen < 0)
		ret = gen;
	if (ret)
		vfio_pci_vendor_close_device(vdev);
	return ret;
}

static void igb_vfm_close(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	/* Core's close resets the VF and unmaps the BAR the kick writes. */
	mutex_lock(&d->lock);
	d->closing = true;
	mutex_unlock(&d->lock);
	cancel_delayed_work_sync(&d->kick);
	/* vfio-pci ends a migration in progress and drops holds and traps. */
	vfio_pci_vendor_close_device(vdev);
	mutex_lock(&d->lock);
	if (d->m.cap.verify_pending && d->m.cap.verified)
		pci_warn(d->host.pdev, "guest never sent again the configuration it had on the source (differences 0x%x)\n",
			 d->m.cap.verify_diff);
	igb_vfm_saving_end(&d->m);
	igb_vfm_vf_was_reset(&d->m);
	nic_vf_capture_expect_none(&d->m.cap);
	nic_vf_host_close(&d->host);
	mutex_unlock(&d->lock);
}

static const struct vfio_device_ops igb_vfm_device_ops = {
	.name		= "igb-vf-migration",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= igb_vfm_open,
	.close_device	= igb_vfm_close,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= igb_vfm_read,
	.write		= igb_vfm_write,
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

	mutex_lock(&d->lock);
	d->saving = true;
	ret = igb_vfm_saving_begin(&d->m);
	if (ret)
		pci_warn(d->host.pdev, "dirty tracking failed (%pe): this migration will fail rather than lose guest memory\n",
			 ERR_PTR(ret));
	else if (!all_dirty)
		pci_info(d->host.pdev, "precise dirty tracking: rings held, RX buffers reported as the guest takes them\n");
	mutex_unlock(&d->lock);
	/* Not an error here: the save reports it (-EIO). */
	return 0;
}

static void mig_stop_saving(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	const struct nic_vf_track_stats *t = &d->m.trk.stats;

	mutex_lock(&d->lock);
	if (d->saving)
		pci_info(d->host.pdev, "dirty tracking ended (totals): %llu descriptors posted, %llu buffers reported, %llu holds, %llu tail writes, %llu unusable addresses\n",
			 t->posted, t->marks, t->holds,
			 d->m.stats.tail_writes, t->bad_addr);
	igb_vfm_saving_end(&d->m);
	d->saving = false;
	mutex_unlock(&d->lock);
}

static int mig_stop(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	if (!d->stopped && !d->resuming) {
		igb_vfm_stop(&d->m);
		d->stopped = true;
	}
	mutex_unlock(&d->lock);
	return 0;
}

static void report_restore(struct igb_vfm_dev *d,
			   const struct nic_vf_admin_result *res)
{
	const struct igb_vfm_summary *s = d->m.cap.sum_dst;
	char how[192];

	if (d->m.resumed)
		snprintf(how, sizeof(how),
			 "resumed where the source stopped, no reset for the guest driver (%llu messages sent to the PF in its place: %u multicast, %u VLANs, largest frame %u)",
			 d->m.stats.replayed, s->mc_count, s->nr_vlan, s->lpe);
	else if (d->m.rstd_pending)
		snprintf(how, sizeof(how),
			 "the guest driver was told of a VF reset (not resumed: %pe)",
			 ERR_PTR(d->m.resume_err));
	else
		snprintf(how, sizeof(how), "no guest driver had the VF");
	pci_info(d->host.pdev, "restored: administrator settings applied 0x%x, unchanged 0x%x, unsupported by the PF 0x%x; %s\n",
		 res->applied, res->unchanged, res->unsupported, how);
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

	mutex_lock(&d->lock);
	if (d->resuming) {
		d->resuming = false;
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
		if (ret)
			pci_err(d->host.pdev, "restoring the VF failed: %pe\n",
				ERR_PTR(ret));
		else
			report_restore(d, &res);
	} else if (d->stopped && !d->p2p) {
		igb_vfm_resume(&d->m);
		d->stopped = false;
		pci_info(d->host.pdev, "running again after a stop: queues re-enabled where they stopped\n");
	}
	mutex_unlock(&d->lock);
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

	mutex_lock(&d->lock);
	if (quiesce) {
		if (!d->stopped && !d->resuming) {
			igb_vfm_stop(&d->m);
			d->stopped = true;
		}
		d->p2p = true;
	} else if (d->p2p) {
		d->p2p = false;
		if (d->stopped && !d->resuming) {
			igb_vfm_resume(&d->m);
			d->stopped = false;
		}
		if (d->kick_held) {
			d->kick_held = false;
			igb_vfm_kick(&d->m);
			start_kick(d);
		}
	}
	mutex_unlock(&d->lock);
	return 0;
}

static int mig_start_resuming(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	igb_vfm_load_begin(&d->m);
	/* The operator's policy, fixed for this stream. */
	d->m.apply_admin = nic_vf_host_apply_admin();
	d->admin_checked = false;
	d->resuming = true;
	mutex_unlock(&d->lock);
	return 0;
}

static size_t mig_pending_bytes(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	size_t n;

	mutex_lock(&d->lock);
	n = igb_vfm_pending(&d->m);
	mutex_unlock(&d->lock);
	return n;
}

static void mig_sync_dirty(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	igb_vfm_sync_tx(&d->m);
	mutex_unlock(&d->lock);
}

static ssize_t mig_save(struct vfio_device *vdev, void *buf, size_t len)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	ssize_t n;

	mutex_lock(&d->lock);
	n = igb_vfm_save(&d->m, buf, len);
	mutex_unlock(&d->lock);
	if (n < 0)
		pci_err(d->host.pdev, "saving the VF state failed: %pe\n",
			ERR_PTR(n));
	return n;
}

static int mig_load(struct vfio_device *vdev, const void *buf, size_t len,
		    u32 version)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	int ret;

	mutex_lock(&d->lock);
	ret = igb_vfm_load(&d->m, buf, len, version);
	if (ret) {
		mutex_unlock(&d->lock);
		pci_err(d->host.pdev, "refusing a corrupt or foreign VF state\n");
		return ret;
	}
	/* Default policy: this VF must already carry the source's settings. */
	if (!d->m.apply_admin && (d->m.loaded & BIT(0)) && !d->admin_checked) {
		ret = nic_vf_host_admin_verify(&d->host, &d->m.admin);
		d->admin_checked = !ret;
	}
	mutex_unlock(&d->lock);
	return ret;
}

/* Pre-copy (v2, 6.2 and later): the settings and the VF reset early. */
static ssize_t mig_save_precopy(struct vfio_device *vdev, void *buf,
				size_t len)
{
	struct igb_vfm_dev *d = to_dev(vdev);
	ssize_t n;

	mutex_lock(&d->lock);
	n = igb_vfm_save_precopy(&d->m, buf, len);
	mutex_unlock(&d->lock);
	if (n < 0)
		pci_err(d->host.pdev, "saving the pre-copy part failed: %pe\n",
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

	mutex_lock(&d->lock);
	ret = igb_vfm_load_precopy(&d->m, buf, len, version);
	if (ret) {
		mutex_unlock(&d->lock);
		pci_err(d->host.pdev, "refusing a corrupt or foreign pre-copy part\n");
		return ret;
	}
	if (!d->m.apply_admin)
		ret = nic_vf_host_admin_verify(&d->host, &d->m.pre_admin);
	if (!ret) {
		ret = igb_vfm_prepare(&d->m, &res);
		if (ret)
			pci_err(d->host.pdev, "preparing the VF before the switch-over failed: %pe\n",
				ERR_PTR(ret));
	}
	if (!ret)
		pci_info(d->host.pdev, "prepared before the switch-over: administrator settings applied 0x%x, VF %s\n",
			 res.applied,
			 d->m.pre_reset_done ? "reset" : "not reset (no guest driver)");
	mutex_unlock(&d->lock);
	return ret;
}

static void mig_reset(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	d->resuming = false;
	d->stopped = false;
	d->p2p = false;
	d->kick_held = false;
	igb_vfm_vf_was_reset(&d->m);
	mutex_unlock(&d->lock);
}

static void mig_error(struct vfio_device *vdev)
{
	struct igb_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	d->resuming = false;
	d->p2p = false;
	d->kick_held = false;
	if (d->stopped) {
		igb_vfm_resume(&d->m);
		d->stopped = false;
	}
	mutex_unlock(&d->lock);
}

#define IGB_VFM_MIGRATION_CALLBACKS					\
	.protocols	= VFIO_PCI_MIGRATION_V1 | VFIO_PCI_MIGRATION_V2,	\
	.version	= IGB_VFM_STATE_VERSION,				\
	.max_state_size	= IGB_VFM_MAX_STATE,					\
	.start_saving	= mig_start_saving,					\
	.stop_saving	= mig_stop_saving,					\
	.stop		= mig_stop,						\
	.start		= mig_start,						\
	.start_resuming	= mig_start_resuming,					\
	.pending_bytes	= mig_pending_bytes,					\
	.sync_dirty	= mig_sync_dirty,					\
	.save		= mig_save,						\
	.load		= mig_load,						\
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
	ret = nic_vf_host_probe(&d->host, pdev, PF_DRIVER, IGB_VFM_BAR,
				IGB_VFM_BAR0_LEN);
	if (ret) {
		kfree(d);
		return ERR_PTR(ret);
	}
	d->host.reset = igb_vfm_hw_reset;
	mutex_init(&d->lock);
	INIT_DELAYED_WORK(&d->kick, igb_vfm_kick_work);
	nic_vf_host_seam(&d->host, &seam);
	ret = igb_vfm_init(&d->m, &seam, !all_dirty);
	if (ret) {
		igb_vfm_destroy(&d->m);
		mutex_destroy(&d->lock);
		kfree(d);
		return ERR_PTR(ret);
	}
	pci_info(pdev, "VF %d of %s: live migration by %s (%s dirty tracking)\n",
		 d->host.vf_id, pci_name(d->host.pf), DRV_NAME,
		 all_dirty ? "no" : "precise");
	return d;
}

static void igb_vfm_remove(void *data)
{
	struct igb_vfm_dev *d = data;

	cancel_delayed_work_sync(&d->kick);
	igb_vfm_destroy(&d->m);
	mutex_destroy(&d->lock);
	kfree(d);
}

static struct vfio_pci_vendor_driver_ops igb_vfm_vendor_ops = {
	.name		= DRV_NAME,
	.owner		= THIS_MODULE,
	.probe		= igb_vfm_probe,
	.remove		= igb_vfm_remove,
	.device_ops	= &igb_vfm_device_ops,
	.migration	= &igb_vfm_migration_ops,
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
