// SPDX-License-Identifier: GPL-2.0-only
/*
 * A live-migratable vendor driver for QEMU's edu device: a complete example
 * of vfio-pci's migration engine.
 *
 * What is migrated, and how:
 *  - liveness, status (the factorial irq enable), irq status and the DMA
 *    address and count registers are read back from the device when it is
 *    saved and written on the destination;
 *  - the factorial register computes on write, so the driver traps BAR0
 *    (it is never mmapped) and remembers the last argument the device
 *    accepted; the destination writes it again;
 *  - the 4 KiB DMA buffer cannot be read by the CPU.  The driver keeps a
 *    shadow of it from the DMA traffic it sees: when the guest starts a
 *    RAM-to-device transfer, the driver reads the same guest memory through
 *    the container (a guest must not change a DMA source before the
 *    transfer completes, so the shadow is exact).  Bytes no transfer ever
 *    wrote are not guest state and are not migrated.  The destination
 *    writes the shadow back with the device's own DMA engine, from a guest
 *    page it borrows (and restores) while the VM is not running yet;
 *  - device-to-RAM transfers the guest starts while the source is saving
 *    are reported dirty: their target pages stay pinned through the
 *    container until the transfer is over, so every dirty sync reports
 *    them (vfio_pci_dirty_hold());
 *  - a transfer still running when the VM stops is started again on the
 *    destination, which writes the same bytes there.
 *
 * Not migrated: the direction and irq bits left in the DMA command register
 * by a completed transfer (the device ignores command writes without the
 * run bit), and the byte at buffer offset 4095, which no transfer can
 * reach (QEMU aborts on a transfer ending at the buffer's end).
 *
 * Both protocols: v1 for QEMU 7.2, v2 (with device DMA logging, since the
 * driver sees every transfer) for QEMU 8.0 and later.
 *
 * Pre-copy (v2, 6.2 and later): a small pre-copy part names the device
 * (PCI revision, buffer size), so a destination with another device
 * refuses the migration while the VM still runs on the source, before any
 * downtime.  The stop-copy stream still carries everything.
 *
 * P2P (v2): entering RUNNING_P2P waits for a transfer in flight to end;
 * from then on a transfer the guest starts is held back (its command is
 * not written to the device) until the device may initiate DMA again, and
 * is saved as running if the device is stopped first.  A destination
 * started in RUNNING_P2P holds back the transfer and the interrupt it
 * restores in the same way.  The factorial unit does no DMA and keeps
 * computing; its interrupt, when the guest enabled it, still fires.
 *
 * all_dirty=1 turns off precise reporting to the type1 IOMMU: nothing is
 * pinned, and type1 reports all guest memory dirty at every sync, for
 * comparison (v1 only; a v2 DMA log is always fed).
 */
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_vendor.h>

#include "edu_regs.h"

#define EDU_STATE_VERSION	1

static bool all_dirty;
module_param(all_dirty, bool, 0644);
MODULE_PARM_DESC(all_dirty, "Do not report DMA writes precisely: type1 then reports all guest memory dirty (for comparison)");

static bool p2p = true;
module_param(p2p, bool, 0444);
MODULE_PARM_DESC(p2p, "Offer the P2P migration states (0: as a vendor that cannot quiesce its DMA alone, for comparison)");

/* Registers as saved, little endian. */
struct edu_regs_state {
	__le32 liveness;	/* value read back */
	__le32 factorial;	/* value read back */
	__le32 fact_arg;	/* last argument the device accepted */
	__le32 status;
	__le32 irq_status;
	__le32 flags;
	__le64 dma_src;
	__le64 dma_dst;
	__le64 dma_cnt;
	__le64 dma_cmd;
};

#define EDU_STATE_FACT_ARG	BIT(0)	/* fact_arg is known */
#define EDU_STATE_FLAGS		EDU_STATE_FACT_ARG

/* The pre-copy part: what the destination checks before the switch-over. */
struct edu_pre_state {
	__le32 revision;	/* PCI revision ID */
	__le32 buf_size;
};

/* The buffer as saved: which bytes are known, and their values. */
struct edu_buf_state {
	u8 known[EDU_BUF_SIZE / BITS_PER_BYTE];
	u8 data[EDU_BUF_SIZE];
};

struct edu_mig {
	struct pci_dev *pdev;
	struct vfio_device *vdev;
	void __iomem *bar0;
	/* Serialises trapped BAR0 writes with migration callbacks. */
	struct mutex lock;
	u8 shadow[EDU_BUF_SIZE];
	DECLARE_BITMAP(known, EDU_BUF_SIZE);
	u32 fact_arg;
	bool fact_known;
	/* A device-to-RAM transfer held dirty while saving. */
	dma_addr_t held_iova;
	size_t held_len;
	/* Save and load cursors (sections in order). */
	unsigned int save_next;
	unsigned int load_next;
	bool pre_saved;
	/* Loaded state waiting for start(). */
	bool restore_pending;
	struct edu_regs_state restore;
	/* P2P: no DMA is started; a held-back command and irq wait here. */
	bool in_p2p;
	u64 held_cmd;
	u32 held_irq;
};

static struct edu_mig *to_edu(struct vfio_device *vdev)
{
	return vfio_pci_vendor_data(vdev);
}

static u32 edu_read32(struct edu_mig *edu, u32 reg)
{
	return ioread32(edu->bar0 + reg);
}

static void edu_write32(struct edu_mig *edu, u32 reg, u32 val)
{
	iowrite32(val, edu->bar0 + reg);
}

static u64 edu_read64(struct edu_mig *edu, u32 reg)
{
	return readq(edu->bar0 + reg);
}

static void edu_write64(struct edu_mig *edu, u32 reg, u64 val)
{
	writeq(val, edu->bar0 + reg);
}

/* Would the device accept this transfer?  QEMU aborts on some it would not. */
static bool edu_dma_range_ok(u64 buf_addr, u64 cnt)
{
	return cnt && buf_addr >= EDU_BUF_BASE &&
	       buf_addr < EDU_BUF_BASE + EDU_BUF_SIZE &&
	       cnt < EDU_BUF_BASE + EDU_BUF_SIZE - buf_addr;
}

static void edu_release_held(struct edu_mig *edu)
{
	if (edu->held_len)
		vfio_pci_dirty_release(edu->vdev, edu->held_iova, edu->held_len);
	edu->held_len = 0;
}

static void edu_hold(struct edu_mig *edu, dma_addr_t iova, size_t len)
{
	int ret;

	/* all_dirty is a v1 comparison: a DMA log must see every write. */
	if (all_dirty && !vfio_pci_dirty_logging(edu->vdev))
		return;
	ret = vfio_pci_dirty_hold(edu->vdev, iova, len);
	if (ret) {
		dev_warn_ratelimited(&edu->pdev->dev, "edu_migration: cannot report DMA to %pad+%zu dirty: %d\n",
				     &iova, len, ret);
		return;
	}
	edu->held_iova = iova;
	edu->held_len = len;
}

/* A transfer the guest starts, as its command write found the registers. */
struct edu_dma {
	bool to_ram;
	bool from_ram;
	u64 src;
	u64 dst;
	u64 cnt;
};

/*
 * The guest starts a transfer (a command write with the run bit): note
 * what it will do.  Caller holds edu->lock and core's memory lock.
 * Returns -EINVAL to refuse a command the device model would abort on.
 */
static int edu_dma_command(struct edu_mig *edu, u64 cmd, struct edu_dma *dma)
{
	/* A command written while one runs is ignored by the device. */
	if (edu_read64(edu, EDU_DMA_CMD) & EDU_DMA_RUN)
		return 0;

	dma->src = edu_read64(edu, EDU_DMA_SRC);
	dma->dst = edu_read64(edu, EDU_DMA_DST);
	dma->cnt = edu_read64(edu, EDU_DMA_CNT);
	if (cmd & EDU_DMA_TO_RAM) {
		if (!edu_dma_range_ok(dma->src, dma->cnt))
			goto refuse;
		dma->to_ram = true;
	} else {
		if (!edu_dma_range_ok(dma->dst, dma->cnt))
			goto refuse;
		dma->from_ram = true;
	}
	return 0;

refuse:
	dev_warn_ratelimited(&edu->pdev->dev, "edu_migration: refused DMA of %llu bytes outside the device buffer\n",
			     dma->cnt);
	return -EINVAL;
}

/*
 * Look at a trapped BAR0 write before it reaches the device: registers
 * only.  Caller holds edu->lock and core's memory lock.
 */
static int edu_before_write(struct edu_mig *edu, u64 offset, u64 val,
			    struct edu_dma *dma)
{
	switch (offset) {
	case EDU_FACTORIAL:
		if (!(edu_read32(edu, EDU_STATUS) & EDU_STATUS_COMPUTING)) {
			edu->fact_arg = val;
			edu->fact_known = true;
		}
		return 0;
	case EDU_DMA_CMD:
		return (val & EDU_DMA_RUN) ? edu_dma_command(edu, val, dma) : 0;
	default:
		return 0;
	}
}

/*
 * Once a command reached the device: mirror a transfer into its buffer,
 * or hold the pages a transfer to RAM writes.  Both reach into the VMM's
 * memory (faults, pins), so core's memory lock must not be held here: a
 * fault on a BAR mapping takes the two the other way round.  Caller holds
 * edu->lock.
 */
static void edu_after_write(struct edu_mig *edu, const struct edu_dma *dma)
{
	u64 off;

	if (!dma->to_ram && !dma->from_ram)
		return;
	/* The previous transfer is over: the device was idle. */
	edu_release_held(edu);
	if (dma->to_ram) {
		if (vfio_pci_migration_saving(edu->vdev))
			edu_hold(edu, dma->dst, dma->cnt);
		return;
	}
	/* An unreadable source leaves the bytes unknown. */
	off = dma->dst - EDU_BUF_BASE;
	if (vfio_pci_dma_read(edu->vdev, dma->src, edu->shadow + off,
			      dma->cnt))
		bitmap_clear(edu->known, off, dma->cnt);
	else
		bitmap_set(edu->known, off, dma->cnt);
}

/*
 * The device's 64-bit DMA registers need 64-bit accesses, which 6.1's
 * region path splits in two; with BAR0 trapped, do them whole here.
 */
static bool edu_is_wide(u64 offset, size_t count)
{
	return count == 8 && offset >= EDU_DMA_SRC && offset <= EDU_DMA_CMD &&
	       !(offset % 8);
}

static ssize_t edu_mig_read(struct vfio_device *vdev, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct edu_mig *edu = to_edu(vdev);
	u64 offset = *ppos & VFIO_PCI_OFFSET_MASK;
	u64 val;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    !edu_is_wide(offset, count))
		return vfio_pci_vendor_read(vdev, buf, count, ppos);
	/*
	 * As the default op would: no access with memory decoding off.  Core's
	 * memory lock nests inside ours, as in edu_mig_write().
	 */
	mutex_lock(&edu->lock);
	if (!vfio_pci_vendor_mem_begin(vdev)) {
		mutex_unlock(&edu->lock);
		return -EIO;
	}
	val = edu_read64(edu, offset);
	vfio_pci_vendor_mem_end(vdev);
	mutex_unlock(&edu->lock);
	if (copy_to_user(buf, &val, count))
		return -EFAULT;
	*ppos += count;
	return count;
}

/* Does the write touch a register edu_before_write() looks at? */
static bool edu_write_tracked(u64 offset, size_t count)
{
	return (offset < EDU_FACTORIAL + 4 && EDU_FACTORIAL < offset + count) ||
	       (offset < EDU_DMA_CMD + 8 && EDU_DMA_SRC < offset + count);
}

/* Leave P2P with nothing held back (open, reset). */
static void edu_p2p_forget(struct edu_mig *edu)
{
	edu->in_p2p = false;
	edu->held_cmd = 0;
	edu->held_irq = 0;
}

static ssize_t edu_mig_write(struct vfio_device *vdev, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct edu_mig *edu = to_edu(vdev);
	u64 offset = *ppos & VFIO_PCI_OFFSET_MASK;
	struct edu_dma dma = {};
	u64 val = 0;
	int ret;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    !edu_write_tracked(offset, count))
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	/*
	 * The writes the filter understands: 4 bytes at a register, 8 at a
	 * 64-bit DMA register.  Any other shape over those registers would
	 * slip past it (the device ignores such writes anyway).
	 */
	if (!(count == 4 && !(offset % 4)) && !edu_is_wide(offset, count)) {
		dev_info_ratelimited(&edu->pdev->dev, "edu_migration: refused a %zu-byte write at 0x%llx over a tracked register\n",
				     count, offset);
		return -EINVAL;
	}
	/* The value checked is the value written: buf is not read again. */
	if (copy_from_user(&val, buf, count))
		return -EFAULT;

	mutex_lock(&edu->lock);
	if (!vfio_pci_vendor_mem_begin(vdev)) {
		ret = -EIO;
		goto out;
	}
	ret = edu_before_write(edu, offset, val, &dma);
	vfio_pci_vendor_mem_end(vdev);
	if (!ret && edu->in_p2p && (dma.to_ram || dma.from_ram)) {
		/* Started when DMA is allowed again; a second one is ignored,
		 * as the device ignores a command while one runs.
		 */
		if (!(edu->held_cmd & EDU_DMA_RUN))
			edu->held_cmd = val;
		goto out;
	}
	/* The helper takes core's memory lock itself. */
	if (!ret)
		ret = vfio_pci_vendor_bar_write(vdev, 0, offset, val, count);
	if (!ret)
		edu_after_write(edu, &dma);
out:
	mutex_unlock(&edu->lock);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static int edu_mig_open(struct vfio_device *vdev)
{
	const struct vfio_pci_trap all = { .offset = 0, .len = EDU_BAR0_SIZE };
	struct edu_mig *edu = to_edu(vdev);
	void __iomem *bar0;
	s64 gen;
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;

	bar0 = vfio_pci_get_barmap(vdev, 0);
	if (IS_ERR(bar0)) {
		ret = PTR_ERR(bar0);
		goto err;
	}
	/* Every BAR0 write must pass edu_mig_write(): never mmap it. */
	gen = vfio_pci_remap_set_traps(vdev, 0, &all, 1);
	if (gen < 0) {
		ret = gen;
		goto err;
	}

	mutex_lock(&edu->lock);
	edu->vdev = vdev;
	edu->bar0 = bar0;
	bitmap_zero(edu->known, EDU_BUF_SIZE);
	edu->fact_known = false;
	edu->held_len = 0;
	edu->restore_pending = false;
	edu_p2p_forget(edu);
	mutex_unlock(&edu->lock);
	return 0;
err:
	vfio_pci_vendor_close_device(vdev);
	return ret;
}

static void edu_mig_close(struct vfio_device *vdev)
{
	struct edu_mig *edu = to_edu(vdev);

	/* vfio-pci ends any migration and releases held pages first. */
	vfio_pci_vendor_close_device(vdev);
	mutex_lock(&edu->lock);
	edu->held_len = 0;
	edu->bar0 = NULL;
	mutex_unlock(&edu->lock);
}

/* Migration callbacks: vfio-pci holds its migration lock around each. */

static int edu_start_saving(struct vfio_device *vdev)
{
	struct edu_mig *edu = to_edu(vdev);
	u64 cmd = 0, dst = 0, cnt = 0;

	mutex_lock(&edu->lock);
	edu->save_next = 0;
	edu->pre_saved = false;
	/*
	 * A device-to-RAM transfer started before saving may still land.
	 * With memory decoding off the registers cannot be read: nothing is
	 * held then.  The hold pins the VMM's memory: after core's lock.
	 */
	if (vfio_pci_vendor_mem_begin(vdev)) {
		cmd = edu_read64(edu, EDU_DMA_CMD);
		dst = edu_read64(edu, EDU_DMA_DST);
		cnt = edu_read64(edu, EDU_DMA_CNT);
		vfio_pci_vendor_mem_end(vdev);
	}
	if ((cmd & EDU_DMA_RUN) && (cmd & EDU_DMA_TO_RAM))
		edu_hold(edu, dst, cnt);
	mutex_unlock(&edu->lock);
	return 0;
}

static void edu_stop_saving(struct vfio_device *vdev)
{
	struct edu_mig *edu = to_edu(vdev);

	mutex_lock(&edu->lock);
	edu_release_held(edu);
	mutex_unlock(&edu->lock);
}

/*
 * The VM no longer runs, so the guest cannot touch the device.  A transfer
 * still running is saved as such and started again on the destination.
 */
static int edu_stop(struct vfio_device *vdev)
{
	return 0;
}

static u32 edu_factorial(u32 n)
{
	u32 r = 1;

	while (n > 1)
		r *= n--;
	return r;
}

static u16 edu_enable_access(struct pci_dev *pdev);

static ssize_t edu_save_regs(struct edu_mig *edu, struct edu_regs_state *s)
{
	u16 cmd = edu_enable_access(edu->pdev);
	u32 status = edu_read32(edu, EDU_STATUS);
	u32 fact = edu_read32(edu, EDU_FACTORIAL);

	/* Check what the trap saw against the device before trusting it. */
	if (edu->fact_known && !(status & EDU_STATUS_COMPUTING) &&
	    edu_factorial(edu->fact_arg) != fact) {
		pci_warn(edu->pdev, "edu_migration: factorial register 0x%x is not %u!, cannot save it\n",
			 fact, edu->fact_arg);
		pci_write_config_word(edu->pdev, PCI_COMMAND, cmd);
		return -EIO;
	}
	memset(s, 0, sizeof(*s));
	s->liveness = cpu_to_le32(edu_read32(edu, EDU_LIVENESS));
	s->factorial = cpu_to_le32(fact);
	s->fact_arg = cpu_to_le32(edu->fact_arg);
	s->status = cpu_to_le32(status);
	s->irq_status = cpu_to_le32(edu_read32(edu, EDU_IRQ_STATUS) |
				    edu->held_irq);
	s->flags = cpu_to_le32(edu->fact_known ? EDU_STATE_FACT_ARG : 0);
	s->dma_src = cpu_to_le64(edu_read64(edu, EDU_DMA_SRC));
	s->dma_dst = cpu_to_le64(edu_read64(edu, EDU_DMA_DST));
	s->dma_cnt = cpu_to_le64(edu_read64(edu, EDU_DMA_CNT));
	/* A transfer held back by P2P is saved as running: the destination
	 * starts it.
	 */
	s->dma_cmd = cpu_to_le64(edu->held_cmd & EDU_DMA_RUN ? edu->held_cmd :
				 edu_read64(edu, EDU_DMA_CMD));
	pci_write_config_word(edu->pdev, PCI_COMMAND, cmd);
	return sizeof(*s);
}

static ssize_t edu_save_buf(struct edu_mig *edu, struct edu_buf_state *s)
{
	unsigned int i;

	bitmap_to_arr32((u32 *)s->known, edu->known, EDU_BUF_SIZE);
	for (i = 0; i < EDU_BUF_SIZE; i++)
		s->data[i] = test_bit(i, edu->known) ? edu->shadow[i] : 0;
	return sizeof(*s);
}

/* Sections: registers, then the buffer. */
static ssize_t edu_save(struct vfio_device *vdev, void *buf, size_t len)
{
	struct edu_mig *edu = to_edu(vdev);
	ssize_t ret = 0;

	mutex_lock(&edu->lock);
	switch (edu->save_next) {
	case 0:
		ret = len < sizeof(struct edu_regs_state) ? -ENOSPC :
		      edu_save_regs(edu, buf);
		break;
	case 1:
		ret = len < sizeof(struct edu_buf_state) ? -ENOSPC :
		      edu_save_buf(edu, buf);
		break;
	}
	if (ret > 0)
		edu->save_next++;
	mutex_unlock(&edu->lock);
	return ret;
}

/* One section: the device's identity, as pre-copy begins. */
static ssize_t edu_save_precopy(struct vfio_device *vdev, void *buf, size_t len)
{
	struct edu_mig *edu = to_edu(vdev);
	struct edu_pre_state *s = buf;
	ssize_t ret = sizeof(*s);

	mutex_lock(&edu->lock);
	if (edu->pre_saved) {
		ret = 0;
	} else if (len < sizeof(*s)) {
		ret = -ENOSPC;
	} else {
		s->revision = cpu_to_le32(edu->pdev->revision);
		s->buf_size = cpu_to_le32(EDU_BUF_SIZE);
		edu->pre_saved = true;
	}
	mutex_unlock(&edu->lock);
	return ret;
}

/* On the destination, while the source still runs: the same device? */
static int edu_load_precopy(struct vfio_device *vdev, const void *buf,
			    size_t len, u32 version)
{
	struct edu_mig *edu = to_edu(vdev);
	const struct edu_pre_state *s = buf;

	if (len != sizeof(*s))
		return -EINVAL;
	if (le32_to_cpu(s->revision) != edu->pdev->revision ||
	    le32_to_cpu(s->buf_size) != EDU_BUF_SIZE) {
		pci_warn(edu->pdev, "edu_migration: the source's device (revision %u, %u-byte buffer) is not this one (revision %u)\n",
			 le32_to_cpu(s->revision), le32_to_cpu(s->buf_size),
			 edu->pdev->revision);
		return -ENODEV;
	}
	return 0;
}

static size_t edu_pending_bytes(struct vfio_device *vdev)
{
	return sizeof(struct edu_regs_state) + sizeof(struct edu_buf_state);
}

static int edu_start_resuming(struct vfio_device *vdev)
{
	struct edu_mig *edu = to_edu(vdev);

	mutex_lock(&edu->lock);
	edu->load_next = 0;
	edu->restore_pending = false;
	/* What P2P held back belongs to the state a load replaces. */
	edu->held_cmd = 0;
	edu->held_irq = 0;
	mutex_unlock(&edu->lock);
	return 0;
}

static int edu_check_regs(const struct edu_regs_state *s)
{
	u64 cmd = le64_to_cpu(s->dma_cmd);
	u64 buf_addr = cmd & EDU_DMA_TO_RAM ? le64_to_cpu(s->dma_src) :
					     le64_to_cpu(s->dma_dst);

	if (le32_to_cpu(s->flags) & ~EDU_STATE_FLAGS)
		return -EINVAL;
	/* A transfer to restart must be one the device accepts. */
	if ((cmd & EDU_DMA_RUN) &&
	    !edu_dma_range_ok(buf_addr, le64_to_cpu(s->dma_cnt)))
		return -EINVAL;
	return 0;
}

/* Enable memory decode and bus mastering around our own device access. */
static u16 edu_enable_access(struct pci_dev *pdev)
{
	u16 cmd;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	pci_write_config_word(pdev, PCI_COMMAND,
			      cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return cmd;
}

static int edu_wait_dma(struct edu_mig *edu)
{
	int ms;

	/* The device model starts a transfer 100 ms after the command. */
	for (ms = 0; ms < 2000; ms += 10) {
		if (!(edu_read64(edu, EDU_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		usleep_range(10000, 11000);
	}
	return -ETIMEDOUT;
}

/*
 * Write the known span of the shadow into the device buffer with one
 * RAM-to-device transfer from a guest page borrowed for the purpose: one
 * the guest used for DMA, so it is mapped.  The VM is not running.
 */
static int edu_restore_buffer(struct edu_mig *edu, const struct edu_regs_state *s)
{
	const dma_addr_t candidates[] = {
		le64_to_cpu(s->dma_src) & PAGE_MASK,
		le64_to_cpu(s->dma_dst) & PAGE_MASK,
	};
	unsigned long first, last;
	dma_addr_t page = 0;
	u8 *saved;
	size_t len;
	u16 cmd;
	int i, ret;

	first = find_first_bit(edu->known, EDU_BUF_SIZE);
	if (first >= EDU_BUF_SIZE)
		return 0;
	last = find_last_bit(edu->known, EDU_BUF_SIZE);
	len = last - first + 1;

	saved = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!saved)
		return -ENOMEM;
	ret = -EFAULT;
	for (i = 0; i < ARRAY_SIZE(candidates); i++) {
		if (!vfio_pci_dma_read(edu->vdev, candidates[i], saved, PAGE_SIZE)) {
			page = candidates[i];
			ret = 0;
			break;
		}
	}
	if (ret) {
		pci_warn(edu->pdev, "edu_migration: no mapped guest page to restore the DMA buffer through\n");
		goto out;
	}

	ret = vfio_pci_dma_write(edu->vdev, page, edu->shadow + first, len);
	if (ret)
		goto out;
	cmd = edu_enable_access(edu->pdev);
	edu_write64(edu, EDU_DMA_SRC, page);
	edu_write64(edu, EDU_DMA_DST, EDU_BUF_BASE + first);
	edu_write64(edu, EDU_DMA_CNT, len);
	edu_write64(edu, EDU_DMA_CMD, EDU_DMA_RUN);
	ret = edu_wait_dma(edu);
	pci_write_config_word(edu->pdev, PCI_COMMAND, cmd);
	if (ret)
		pci_warn(edu->pdev, "edu_migration: restoring the DMA buffer timed out\n");
	/* Give the guest its page back whatever happened. */
	if (vfio_pci_dma_write(edu->vdev, page, saved, PAGE_SIZE) && !ret)
		ret = -EFAULT;
out:
	kfree(saved);
	return ret;
}

static int edu_load_buf(struct edu_mig *edu, const struct edu_buf_state *s)
{
	bitmap_from_arr32(edu->known, (const u32 *)s->known, EDU_BUF_SIZE);
	/* No transfer can write the last byte: a stream that says so lies. */
	if (test_bit(EDU_BUF_SIZE - 1, edu->known))
		return -EINVAL;
	memcpy(edu->shadow, s->data, EDU_BUF_SIZE);
	return edu_restore_buffer(edu, &edu->restore);
}

static int edu_load(struct vfio_device *vdev, const void *buf, size_t len,
		    u32 version)
{
	struct edu_mig *edu = to_edu(vdev);
	int ret = -EINVAL;

	mutex_lock(&edu->lock);
	switch (edu->load_next) {
	case 0:
		if (len != sizeof(edu->restore))
			break;
		memcpy(&edu->restore, buf, len);
		ret = edu_check_regs(&edu->restore);
		break;
	case 1:
		if (len != sizeof(struct edu_buf_state))
			break;
		ret = edu_load_buf(edu, buf);
		if (!ret)
			edu->restore_pending = true;
		break;
	}
	if (!ret)
		edu->load_next++;
	mutex_unlock(&edu->lock);
	return ret;
}

/* With config space restored and interrupts set up: the registers. */
static void edu_restore_regs(struct edu_mig *edu, const struct edu_regs_state *s)
{
	u32 status = le32_to_cpu(s->status);
	u64 cmd = le64_to_cpu(s->dma_cmd);
	u16 pci_cmd = edu_enable_access(edu->pdev);
	int ms;

	edu_write32(edu, EDU_LIVENESS, ~le32_to_cpu(s->liveness));

	edu->fact_known = le32_to_cpu(s->flags) & EDU_STATE_FACT_ARG;
	edu->fact_arg = le32_to_cpu(s->fact_arg);
	if (edu->fact_known) {
		/* Recompute without raising the factorial irq again. */
		edu_write32(edu, EDU_STATUS, 0);
		edu_write32(edu, EDU_FACTORIAL, edu->fact_arg);
		for (ms = 0; ms < 1000 &&
		     (edu_read32(edu, EDU_STATUS) & EDU_STATUS_COMPUTING); ms++)
			usleep_range(1000, 2000);
	}
	edu_write32(edu, EDU_STATUS, status & EDU_STATUS_IRQFACT);

	edu_write32(edu, EDU_IRQ_ACK, ~0U);
	if (edu->in_p2p)
		edu->held_irq = le32_to_cpu(s->irq_status);
	else if (le32_to_cpu(s->irq_status))
		edu_write32(edu, EDU_IRQ_RAISE, le32_to_cpu(s->irq_status));

	edu_write64(edu, EDU_DMA_SRC, le64_to_cpu(s->dma_src));
	edu_write64(edu, EDU_DMA_DST, le64_to_cpu(s->dma_dst));
	edu_write64(edu, EDU_DMA_CNT, le64_to_cpu(s->dma_cnt));
	if ((cmd & EDU_DMA_RUN) && edu->in_p2p)
		edu->held_cmd = cmd;
	else if (cmd & EDU_DMA_RUN)
		edu_write64(edu, EDU_DMA_CMD, cmd);
	pci_write_config_word(edu->pdev, PCI_COMMAND, pci_cmd);
}

static int edu_start(struct vfio_device *vdev)
{
	struct edu_mig *edu = to_edu(vdev);

	mutex_lock(&edu->lock);
	if (edu->restore_pending) {
		edu_restore_regs(edu, &edu->restore);
		edu->restore_pending = false;
	}
	mutex_unlock(&edu->lock);
	return 0;
}

static void edu_reset(struct vfio_device *vdev)
{
	struct edu_mig *edu = to_edu(vdev);

	mutex_lock(&edu->lock);
	edu->restore_pending = false;
	edu->held_len = 0;
	edu_p2p_forget(edu);
	mutex_unlock(&edu->lock);
}

/* Start what P2P held back: the interrupt, then the transfer. */
static int edu_release_p2p(struct edu_mig *edu)
{
	struct edu_dma dma = {};
	u64 cmd = edu->held_cmd;
	u32 irq = edu->held_irq;
	u16 pci_cmd;
	int ret = 0;

	edu->held_cmd = 0;
	edu->held_irq = 0;
	if (!(cmd & EDU_DMA_RUN) && !irq)
		return 0;
	pci_cmd = edu_enable_access(edu->pdev);
	if (irq)
		edu_write32(edu, EDU_IRQ_RAISE, irq);
	if (cmd & EDU_DMA_RUN) {
		ret = edu_before_write(edu, EDU_DMA_CMD, cmd, &dma);
		if (!ret)
			edu_write64(edu, EDU_DMA_CMD, cmd);
	}
	pci_write_config_word(edu->pdev, PCI_COMMAND, pci_cmd);
	if (!ret)
		edu_after_write(edu, &dma);
	return ret;
}

/*
 * RUNNING_P2P and PRE_COPY_P2P: the device starts no transfer.  One
 * already running is waited for (the device model starts a transfer 100 ms
 * after its command, and then runs it at once).
 */
static int edu_set_p2p(struct vfio_device *vdev, bool quiesce)
{
	struct edu_mig *edu = to_edu(vdev);
	u16 pci_cmd;
	int ret = 0;

	mutex_lock(&edu->lock);
	if (quiesce && !edu->in_p2p) {
		edu->in_p2p = true;
		pci_cmd = edu_enable_access(edu->pdev);
		ret = edu_wait_dma(edu);
		pci_write_config_word(edu->pdev, PCI_COMMAND, pci_cmd);
		if (ret)
			pci_warn(edu->pdev, "edu_migration: a DMA transfer did not end: cannot enter P2P\n");
	} else if (!quiesce && edu->in_p2p) {
		edu->in_p2p = false;
		ret = edu_release_p2p(edu);
	}
	mutex_unlock(&edu->lock);
	return ret;
}

/* Every callback but set_p2p: the two tables below differ only there. */
#define EDU_MIGRATION_CALLBACKS						\
	.protocols	= VFIO_PCI_MIGRATION_V1 | VFIO_PCI_MIGRATION_V2,	\
	.version	= EDU_STATE_VERSION,					\
	.reports_all_dma = true,						\
	.max_state_size	= sizeof(struct edu_regs_state) +			\
			  sizeof(struct edu_buf_state),				\
	.start_saving	= edu_start_saving,					\
	.stop_saving	= edu_stop_saving,					\
	.stop		= edu_stop,						\
	.start		= edu_start,						\
	.start_resuming	= edu_start_resuming,					\
	.pending_bytes	= edu_pending_bytes,					\
	.save		= edu_save,						\
	.load		= edu_load,						\
	.reset		= edu_reset,						\
	.save_precopy	= edu_save_precopy,					\
	.load_precopy	= edu_load_precopy

static const struct vfio_pci_migration_ops edu_migration_ops = {
	EDU_MIGRATION_CALLBACKS,
	.set_p2p	= edu_set_p2p,
};

/* p2p=0: as a vendor that cannot quiesce its DMA alone. */
static const struct vfio_pci_migration_ops edu_migration_ops_no_p2p = {
	EDU_MIGRATION_CALLBACKS,
};

static const struct vfio_device_ops edu_mig_device_ops = {
	.name		= "edu-migration",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= edu_mig_open,
	.close_device	= edu_mig_close,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= edu_mig_read,
	.write		= edu_mig_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

static void *edu_mig_probe(struct pci_dev *pdev)
{
	struct edu_mig *edu;

	if (pdev->vendor != EDU_VENDOR_ID || pdev->device != EDU_DEVICE_ID)
		return ERR_PTR(-ENODEV);
	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return ERR_PTR(-ENOMEM);
	edu->pdev = pdev;
	mutex_init(&edu->lock);
	return edu;
}

static void edu_mig_remove(void *vendor_data)
{
	struct edu_mig *edu = vendor_data;

	mutex_destroy(&edu->lock);
	kfree(edu);
}

static struct vfio_pci_vendor_driver_ops edu_mig_ops = {
	.name		= "edu_migration",
	.owner		= THIS_MODULE,
	.probe		= edu_mig_probe,
	.remove		= edu_mig_remove,
	.device_ops	= &edu_mig_device_ops,
	.migration	= &edu_migration_ops,
};

static int __init edu_mig_init(void)
{
	if (!p2p)
		edu_mig_ops.migration = &edu_migration_ops_no_p2p;
	return vfio_pci_vendor_register(&edu_mig_ops);
}
module_init(edu_mig_init);

static void __exit edu_mig_exit(void)
{
	vfio_pci_vendor_unregister(&edu_mig_ops);
}
module_exit(edu_mig_exit);

VFIO_PCI_VENDOR_ALIAS(1234, 11e8);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Live-migratable vfio-pci vendor driver for QEMU's edu device");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
