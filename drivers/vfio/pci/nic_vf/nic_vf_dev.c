// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio side NIC VF migration drivers share (see <linux/nic_vf/dev.h>):
 * open and close, the trapped register accesses, and the migration
 * callbacks that only forward to the device state.
 *
 * Trapped accesses: the BAR's registers are 32 bits wide.  A 64-bit access
 * is two of them, each seen by the logic in order; any other size or
 * alignment within the followed part of the BAR is refused, or a write
 * could reach a tail register unseen.  The user's buffer is read or
 * written once, so the value the logic sees is the value the device gets.
 */
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_vendor.h>

#include <linux/nic_vf/dev.h>

/**
 * nic_vf_dev_probe() - may a driver take this VF? Set it up if so
 * @nv: the driver's per-VF part, zeroed
 * @pdev: the device vfio-pci offers; the caller checked its IDs
 * @desc: the driver's description; it must outlive @nv
 * @seam: filled in with the VF's seam, for the driver's logic
 *
 * After this, the driver sets up its logic and points @nv->st at its
 * device state; its probe returns @nv to vfio-pci.
 *
 * Return: 0, -ENODEV when the device is not one to take, or -EINVAL for
 * a driver following too many registers of its swapped page.
 */
int nic_vf_dev_probe(struct nic_vf_dev *nv, struct pci_dev *pdev,
		     const struct nic_vf_dev_desc *desc,
		     struct nic_vf_seam *seam)
{
	int ret;

	if (desc->nr_shadow_regs > NIC_VF_SHADOW_MAX_REGS)
		return -EINVAL;
	ret = nic_vf_host_probe(&nv->host, pdev, desc->pf_driver, desc->bar,
				desc->bar_len);
	if (ret)
		return ret;
	nv->desc = desc;
	mutex_init(&nv->lock);
	nic_vf_shadow_init(nv);
	nic_vf_host_seam(&nv->host, seam);
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_probe);

/**
 * nic_vf_dev_remove() - undo nic_vf_dev_probe()
 * @nv: the VF, closed
 */
void nic_vf_dev_remove(struct nic_vf_dev *nv)
{
	mutex_destroy(&nv->lock);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_remove);

/**
 * nic_vf_dev_set_traps() - trap the pages the driver names
 * @nv: the VF, open; the caller holds its lock
 * @saving: passed to the driver's traps()
 *
 * Return: see nic_vf_host_set_traps().
 */
s64 nic_vf_dev_set_traps(struct nic_vf_dev *nv, bool saving)
{
	struct nic_vf_trap traps[NIC_VF_MAX_TRAPS];

	BUILD_BUG_ON(NIC_VF_MAX_TRAPS > VFIO_PCI_MAX_TRAPS);
	lockdep_assert_held(&nv->lock);
	return nic_vf_host_set_traps(&nv->host, traps,
				     nv->desc->traps(nv, saving, traps));
}
EXPORT_SYMBOL_GPL(nic_vf_dev_set_traps);

/**
 * nic_vf_dev_open() - device op: open, reset the logic, trap
 * @vdev: the device
 *
 * The traps are in place before the VMM can map the BAR.
 *
 * Return: 0, or vfio-pci's or the trap request's error (nothing is left
 * open then).
 */
int nic_vf_dev_open(struct vfio_device *vdev)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	s64 gen;
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;
	mutex_lock(&nv->lock);
	ret = nic_vf_host_open(&nv->host, vdev);
	if (!ret) {
		nv->resuming = false;
		nv->admin_checked = false;
		nv->desc->opened(nv);
		gen = nic_vf_dev_set_traps(nv, false);
		if (gen >= 0 && nv->desc->nr_shadow_regs)
			gen = vfio_pci_shadow_reserve(vdev, nv->desc->bar,
						      nv->desc->shadow_page);
		if (gen < 0) {
			ret = gen;
			nic_vf_host_close(&nv->host);
		}
	}
	mutex_unlock(&nv->lock);
	if (ret)
		vfio_pci_vendor_close_device(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_open);

/**
 * nic_vf_dev_close() - device op: close, and forget the user's VF
 * @vdev: the device
 *
 * vfio-pci ends a migration in progress and drops holds and traps first.
 * A destination whose guest never sent its configuration again says so.
 */
void nic_vf_dev_close(struct vfio_device *vdev)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	struct nic_vf_capture *cap = nv->st->cap;

	/* Saving normally ended it already; the page is freed either way. */
	mutex_lock(&nv->lock);
	nic_vf_dev_shadow_end(nv);
	mutex_unlock(&nv->lock);
	vfio_pci_vendor_close_device(vdev);
	nic_vf_shadow_close(nv);
	mutex_lock(&nv->lock);
	if (cap->verify_pending && cap->verified)
		pci_warn(nv->host.pdev, "guest never sent again the configuration it had on the source (differences 0x%x)\n",
			 cap->verify_diff);
	nv->resuming = false;
	nv->desc->closed(nv);
	nic_vf_capture_expect_none(cap);
	nic_vf_host_close(&nv->host);
	mutex_unlock(&nv->lock);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_close);

/* Is @pos in the part of the register BAR the logic follows? */
static bool in_regs(const struct nic_vf_dev *nv, loff_t pos)
{
	return VFIO_PCI_OFFSET_TO_INDEX(pos) ==
	       VFIO_PCI_BAR0_REGION_INDEX + nv->desc->bar &&
	       (pos & VFIO_PCI_OFFSET_MASK) < nv->desc->bar_len;
}

/* The offset of the 32-bit register at @pos, if it is one. */
static bool reg_at(const struct nic_vf_dev *nv, loff_t pos, u32 *off)
{
	u64 o = pos & VFIO_PCI_OFFSET_MASK;

	if (!in_regs(nv, pos) || o % 4 || o + 4 > nv->desc->bar_len)
		return false;
	*off = o;
	return true;
}

static bool read_followed(const struct nic_vf_dev *nv, u32 off)
{
	unsigned int i;

	for (i = 0; i < nv->desc->nr_read_regs; i++)
		if (nv->desc->read_regs[i] == off)
			return true;
	return false;
}

/* A trapped access: the guest's earlier writes to the swapped page first. */
static void flush_before_access(struct nic_vf_dev *nv)
{
	if (!nic_vf_shadow_active(nv))
		return;
	mutex_lock(&nv->lock);
	nic_vf_dev_shadow_flush(nv);
	mutex_unlock(&nv->lock);
}

/**
 * nic_vf_dev_read() - device op: read, the logic's registers adjusted
 * @vdev: the device
 * @buf: the user's buffer
 * @count: bytes
 * @ppos: region offset; advanced by what was read
 *
 * Return: bytes read, or a negative errno.
 */
ssize_t nic_vf_dev_read(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	__le32 raw;
	ssize_t ret;
	u64 val;
	u32 off;

	if (!in_regs(nv, *ppos))
		return vfio_pci_vendor_read(vdev, buf, count, ppos);
	flush_before_access(nv);
	if (!nv->desc->reg_read)
		return vfio_pci_vendor_read(vdev, buf, count, ppos);
	if (count == 8 && reg_at(nv, *ppos, &off) &&
	    reg_at(nv, *ppos + 4, &off)) {
		ret = nic_vf_dev_read(vdev, buf, 4, ppos);
		if (ret != 4)
			return ret;
		ret = nic_vf_dev_read(vdev, buf + 4, 4, ppos);
		return ret == 4 ? 8 : ret;
	}
	if (count != 4 || !reg_at(nv, *ppos, &off) || !read_followed(nv, off))
		return vfio_pci_vendor_read(vdev, buf, count, ppos);

	mutex_lock(&nv->lock);
	ret = vfio_pci_vendor_bar_read(vdev, nv->desc->bar, off, &val,
				       sizeof(raw));
	if (!ret)
		raw = cpu_to_le32(nv->desc->reg_read(nv, off, val));
	mutex_unlock(&nv->lock);
	if (ret)
		return ret;
	if (copy_to_user(buf, &raw, sizeof(raw)))
		return -EFAULT;
	*ppos += sizeof(raw);
	return sizeof(raw);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_read);

/**
 * nic_vf_dev_write_locked() - one register: seen by the logic first, then
 * written exactly as seen
 * @nv: the VF, open; the caller holds its lock
 * @off: the register
 * @val: the value
 *
 * Return: 0 or vfio-pci's error.
 */
int nic_vf_dev_write_locked(struct nic_vf_dev *nv, u32 off, u32 val)
{
	int ret;

	lockdep_assert_held(&nv->lock);
	nv->desc->reg_write(nv, off, val);
	ret = vfio_pci_vendor_bar_write(nv->host.vdev, nv->desc->bar, off,
					val, sizeof(val));
	if (ret)
		return ret;
	if (nv->desc->reg_written)
		nv->desc->reg_written(nv, off);
	return 0;
}

static int write_reg(struct nic_vf_dev *nv, u32 off, u32 val)
{
	int ret;

	mutex_lock(&nv->lock);
	/* Writes to the swapped page came first: they go first. */
	nic_vf_dev_shadow_flush(nv);
	ret = nic_vf_dev_write_locked(nv, off, val);
	if (!ret)
		nic_vf_dev_shadow_written(nv, off, val);
	mutex_unlock(&nv->lock);
	return ret;
}

/**
 * nic_vf_dev_write() - device op: write, every register seen by the logic
 * @vdev: the device
 * @buf: the user's buffer
 * @count: bytes
 * @ppos: region offset; advanced by what was written
 *
 * Return: bytes written (4 of a 64-bit write whose second half failed),
 * -EINVAL for an access that is not one or two whole registers, -EFAULT,
 * or vfio-pci's error.
 */
ssize_t nic_vf_dev_write(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	loff_t pos = *ppos;
	unsigned int i;
	__le32 raw[2];
	u32 off[2];
	int ret = 0;

	if (!in_regs(nv, pos))
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	if ((count != 4 && count != 8) || !reg_at(nv, pos, &off[0]) ||
	    (count == 8 && !reg_at(nv, pos + 4, &off[1]))) {
		pci_info_ratelimited(nv->host.pdev, "refused a %zu-byte BAR%d write at 0x%llx: registers are 32 bits wide\n",
				     count, nv->desc->bar,
				     pos & VFIO_PCI_OFFSET_MASK);
		return -EINVAL;
	}
	if (copy_from_user(raw, buf, count))
		return -EFAULT;
	for (i = 0; i < count / 4; i++) {
		ret = write_reg(nv, off[i], le32_to_cpu(raw[i]));
		if (ret)
			break;
	}
	if (!i)
		return ret;
	*ppos += 4 * i;
	return 4 * i;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_write);

/**
 * nic_vf_dev_start_resuming() - migration callback: a stream begins
 * @vdev: the device
 *
 * The operator's policy for administrator settings is read here, fixed
 * for this stream.
 *
 * Return: 0.
 */
int nic_vf_dev_start_resuming(struct vfio_device *vdev)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);

	mutex_lock(&nv->lock);
	nic_vf_state_load_begin(nv->st);
	nv->st->apply_admin = nic_vf_host_apply_admin();
	nv->admin_checked = false;
	nv->resuming = true;
	mutex_unlock(&nv->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_start_resuming);

/**
 * nic_vf_dev_pending_bytes() - migration callback: size of the state
 * @vdev: the device
 *
 * Return: see nic_vf_state_pending().
 */
size_t nic_vf_dev_pending_bytes(struct vfio_device *vdev)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	size_t n;

	mutex_lock(&nv->lock);
	n = nic_vf_state_pending(nv->st);
	mutex_unlock(&nv->lock);
	return n;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_pending_bytes);

/**
 * nic_vf_dev_save() - migration callback: the next chunk of the state
 * @vdev: the device, stopped
 * @buf: where
 * @len: room
 *
 * Return: see nic_vf_state_save().
 */
ssize_t nic_vf_dev_save(struct vfio_device *vdev, void *buf, size_t len)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	ssize_t n;

	mutex_lock(&nv->lock);
	n = nic_vf_state_save(nv->st, buf, len);
	mutex_unlock(&nv->lock);
	if (n < 0)
		pci_err(nv->host.pdev, "saving the VF state failed: %pe\n",
			ERR_PTR(n));
	return n;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_save);

/**
 * nic_vf_dev_load() - migration callback: take one chunk of the state
 * @vdev: the device, resuming
 * @buf: the chunk
 * @len: its length
 * @version: the stream's state format version
 *
 * Under the default policy the destination VF must already carry the
 * source's administrator settings: checked once their chunk is in.
 *
 * Return: 0, -EINVAL for a chunk that is corrupt or not this driver's,
 * or the settings check's error.
 */
int nic_vf_dev_load(struct vfio_device *vdev, const void *buf, size_t len,
		    u32 version)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	struct nic_vf_state *st = nv->st;
	int ret;

	mutex_lock(&nv->lock);
	ret = nic_vf_state_load(st, buf, len, version);
	if (ret) {
		mutex_unlock(&nv->lock);
		pci_err(nv->host.pdev, "refusing a corrupt or foreign VF state\n");
		return ret;
	}
	if (!st->apply_admin && (st->loaded & BIT(NIC_VF_STATE_ADMIN)) &&
	    !nv->admin_checked) {
		ret = nic_vf_host_admin_verify(&nv->host, &st->admin);
		nv->admin_checked = !ret;
	}
	mutex_unlock(&nv->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nic_vf_dev_load);

/**
 * nic_vf_dev_restored() - say how a restore went, in dmesg and the counters
 * @nv: the VF, just restored from a loaded state; caller holds @nv->lock
 * @err: the restore's result
 * @res: the administrator settings it applied (read only if @err is 0)
 * @how: what the guest driver sees next, for the operator (read only if
 *	 @err is 0)
 */
void nic_vf_dev_restored(struct nic_vf_dev *nv, int err,
			 const struct nic_vf_admin_result *res, const char *how)
{
	struct nic_vf_stats *st = &nv->host.stats;

	lockdep_assert_held(&nv->lock);
	if (err) {
		st->restore_failed++;
		pci_err(nv->host.pdev, "restoring the VF failed: %pe\n",
			ERR_PTR(err));
		return;
	}
	st->restored++;
	st->admin_applied = res->applied;
	pci_info(nv->host.pdev, "restored: administrator settings applied 0x%x, unchanged 0x%x, unsupported by the PF 0x%x; %s\n",
		 res->applied, res->unchanged, res->unsupported, how);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_restored);

/**
 * nic_vf_dev_show_stats() - the VF's counters ("nic_vf.<name> <value>")
 * @vdev: the device
 * @m: the debugfs file being read
 *
 * A driver without counters of its own uses this as its show_stats op; one
 * with its own calls it first.
 */
void nic_vf_dev_show_stats(struct vfio_device *vdev, struct seq_file *m)
{
	struct nic_vf_dev *nv = nic_vf_dev_get(vdev);
	const struct nic_vf_stats *st = &nv->host.stats;

	mutex_lock(&nv->lock);
	seq_printf(m, "nic_vf.restored %u\n", st->restored);
	seq_printf(m, "nic_vf.restore_failed %u\n", st->restore_failed);
	seq_printf(m, "nic_vf.admin_applied 0x%x\n", st->admin_applied);
	seq_printf(m, "nic_vf.admin_differs %u\n", st->admin_differs);
	seq_printf(m, "nic_vf.admin_refused %u\n", st->admin_refused);
	seq_printf(m, "nic_vf.shadow_swaps %lu\n", nv->shadow.swaps);
	seq_printf(m, "nic_vf.shadow_forwarded %lu\n",
		   nv->shadow.regs.forwarded);
	seq_printf(m, "nic_vf.shadow_flushes %lu\n", nv->shadow.regs.flushes);
	seq_printf(m, "nic_vf.shadow_exposures %lu\n", nv->shadow.exposures);
	mutex_unlock(&nv->lock);
}
EXPORT_SYMBOL_GPL(nic_vf_dev_show_stats);
