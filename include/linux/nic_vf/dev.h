/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf_dev: the vfio side that NIC VF migration drivers share.
 *
 * A driver describes itself in a struct nic_vf_dev_desc (its PF driver,
 * its register BAR, what its logic does on a trapped access, which pages
 * it traps) and embeds a struct nic_vf_dev per VF.  The library then
 * supplies the device ops that every such driver has alike: open and
 * close, the trapped BAR reads and writes (32-bit registers, the user's
 * buffer read once, every register seen by the logic in order), and the
 * migration callbacks that only forward to the device state
 * (<linux/nic_vf/state.h>) under the VF's lock.  What is the device's own
 * (stopping and restoring it, tracking modes, extra irqs) stays in the
 * driver, which takes the same lock.
 */
#ifndef _LINUX_NIC_VF_DEV_H
#define _LINUX_NIC_VF_DEV_H

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>
#include <linux/vfio_pci_vendor.h>

#include <linux/nic_vf/host.h>
#include <linux/nic_vf/shadow.h>
#include <linux/nic_vf/state.h>
#include <linux/nic_vf/trap.h>

struct nic_vf_dev;

/**
 * struct nic_vf_shadow - a VF's register page swapped for memory while
 * saving (nic_vf_dev_shadow.c)
 * @page: mapped in the device's place, or NULL
 * @regs: its followed registers, and what the device holds
 * @timer: looks for changes while @page is mapped
 * @work: passes them on (it may sleep: the logic reads guest memory)
 * @exposed: this save found the device's page reached while swapped
 *           (vfio_pci_shadow_exposed()) and gave its tracking up
 * @swaps: times the page was swapped for memory, since probe
 * @exposures: saves that found it, since probe
 */
struct nic_vf_shadow {
	struct page *page;
	struct nic_vf_shadow_regs regs;
	struct hrtimer timer;
	struct work_struct work;
	bool exposed;
	unsigned long swaps;
	unsigned long exposures;
};

/**
 * struct nic_vf_dev_desc - a NIC VF migration driver, as the library sees it
 * @pf_driver: name of the PF driver it works with
 * @bar: index of the register BAR
 * @bar_len: bytes of that BAR the logic follows (the BAR is at least as
 *           long); accesses beyond go to vfio-pci untouched
 * @read_regs: registers whose reads the logic may change (@reg_read)
 * @nr_read_regs: entries in @read_regs
 * @opened: the device was opened (which reset the VF) and its BAR mapped;
 *          forget the guest's configuration and any state of a previous
 *          user
 * @closed: vfio-pci closed the device (ending any migration in progress)
 * @traps: fill @traps (at most NIC_VF_MAX_TRAPS) with the pages to trap,
 *         at open (@saving false) and whenever the driver asks
 *         (nic_vf_dev_set_traps()); return how many
 * @reg_write: the guest writes @val to register @off; called before the
 *             device sees it
 * @reg_written: optional; the device took that write
 * @reg_read: the device answered @val for one of @read_regs; return what
 *            the guest reads
 * @shadow_page: offset of the page swapped for memory while saving
 *               (<linux/nic_vf/shadow.h>); used with @nr_shadow_regs
 * @shadow_regs: the registers of that page the logic follows, in the order
 *               their changes are passed on
 * @nr_shadow_regs: entries in @shadow_regs (0: no page is swapped)
 *
 * Every hook but @traps runs under the VF's lock.
 */
struct nic_vf_dev_desc {
	const char *pf_driver;
	int bar;
	u32 bar_len;
	const u32 *read_regs;
	unsigned int nr_read_regs;
	void (*opened)(struct nic_vf_dev *nv);
	void (*closed)(struct nic_vf_dev *nv);
	unsigned int (*traps)(struct nic_vf_dev *nv, bool saving,
			      struct nic_vf_trap *traps);
	void (*reg_write)(struct nic_vf_dev *nv, u32 off, u32 val);
	void (*reg_written)(struct nic_vf_dev *nv, u32 off);
	u32 (*reg_read)(struct nic_vf_dev *nv, u32 off, u32 val);
	u32 shadow_page;
	const u32 *shadow_regs;
	unsigned int nr_shadow_regs;
};

/**
 * struct nic_vf_dev - one VF of a NIC VF migration driver
 * @host: the VF, its PF, and while open its vfio device and BAR mapping
 * @desc: the driver's description
 * @st: the VF's device state (the driver's logic owns it)
 * @resuming: a stream is being loaded; the driver's start() applies it
 * @admin_checked: this stream's administrator settings matched the VF's
 * @shadow: the swapped page, while saving
 */
struct nic_vf_dev {
	struct nic_vf_host host;
	/** @lock: serialises trapped accesses and migration callbacks */
	struct mutex lock;
	const struct nic_vf_dev_desc *desc;
	struct nic_vf_state *st;
	bool resuming;
	bool admin_checked;
	struct nic_vf_shadow shadow;
};

/**
 * nic_vf_dev_get() - the VF behind a vfio device of a NIC VF driver
 * @vdev: the device; its vendor driver's probe returned a struct nic_vf_dev
 *
 * Return: the VF.
 */
static inline struct nic_vf_dev *nic_vf_dev_get(struct vfio_device *vdev)
{
	return vfio_pci_vendor_data(vdev);
}

int nic_vf_dev_probe(struct nic_vf_dev *nv, struct pci_dev *pdev,
		     const struct nic_vf_dev_desc *desc,
		     struct nic_vf_seam *seam);
void nic_vf_dev_remove(struct nic_vf_dev *nv);
s64 nic_vf_dev_set_traps(struct nic_vf_dev *nv, bool saving);
int nic_vf_dev_shadow_begin(struct nic_vf_dev *nv);
void nic_vf_dev_shadow_flush(struct nic_vf_dev *nv);
void nic_vf_dev_shadow_end(struct nic_vf_dev *nv);

/* Device ops (struct vfio_device_ops). */
int nic_vf_dev_open(struct vfio_device *vdev);
void nic_vf_dev_close(struct vfio_device *vdev);
ssize_t nic_vf_dev_read(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos);
ssize_t nic_vf_dev_write(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos);

/* Migration callbacks (struct vfio_pci_migration_ops). */
int nic_vf_dev_start_resuming(struct vfio_device *vdev);
size_t nic_vf_dev_pending_bytes(struct vfio_device *vdev);
ssize_t nic_vf_dev_save(struct vfio_device *vdev, void *buf, size_t len);
int nic_vf_dev_load(struct vfio_device *vdev, const void *buf, size_t len,
		    u32 version);

/* Inside the library: the swapped page (nic_vf_dev_shadow.c). */
int nic_vf_dev_write_locked(struct nic_vf_dev *nv, u32 off, u32 val);
void nic_vf_shadow_init(struct nic_vf_dev *nv);
bool nic_vf_shadow_active(struct nic_vf_dev *nv);
void nic_vf_dev_shadow_written(struct nic_vf_dev *nv, u32 off, u32 val);
void nic_vf_shadow_close(struct nic_vf_dev *nv);

/* What happened to the VF: dmesg and debugfs (vfio-pci/<bdf>/stats). */
void nic_vf_dev_restored(struct nic_vf_dev *nv, int err,
			 const struct nic_vf_admin_result *res, const char *how);
void nic_vf_dev_show_stats(struct vfio_device *vdev, struct seq_file *m);

#endif /* _LINUX_NIC_VF_DEV_H */
