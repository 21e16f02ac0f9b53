// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration engine: one state machine and one stream behind both uAPI
 * protocols.  It runs the vendor's callbacks for each transition, builds
 * the device-state stream at stop-copy, and on the destination buffers an
 * incoming stream, validates all of it and only then hands its sections to
 * the vendor.
 */
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vfio_pci_vendor_priv.h"

static bool precopy_part = true;
module_param(precopy_part, bool, 0644);
MODULE_PARM_DESC(precopy_part, "Send vendor drivers' pre-copy parts (v2, 6.2 and later); 0 when migrating to a destination whose vfio-pci predates them");

/* Sections a stream may hold; bounds the framing overhead. */
#define MIG_MAX_SECTIONS	256
/* Largest max_state_size a vendor may declare. */
#define MIG_MAX_STATE		(64UL << 20)

static struct vfio_pci_device *mig_dev(struct vfio_pci_mig *mig)
{
	return container_of(mig, struct vfio_pci_device, mig);
}

static struct vfio_device *mig_vdev(struct vfio_pci_mig *mig)
{
	return &mig_dev(mig)->core.vdev;
}

static struct pci_dev *mig_pdev(struct vfio_pci_mig *mig)
{
	return mig_dev(mig)->core.pdev;
}

static size_t stream_cap(size_t max_state)
{
	return VFIO_PCI_MIG_MIN_LEN +
	       MIG_MAX_SECTIONS * (sizeof(struct vfio_pci_mig_sect) +
				   VFIO_PCI_MIG_ALIGN) +
	       ALIGN(max_state, VFIO_PCI_MIG_ALIGN);
}

static void mig_reset_work(struct work_struct *work);

void vfio_pci_mig_init(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_mig *mig = &vpdev->mig;

	mutex_init(&mig->lock);
	spin_lock_init(&mig->reset_lock);
	INIT_WORK(&mig->reset_work, mig_reset_work);
	mig->state = MIG_RUNNING;
}

/**
 * vfio_pci_migration_saving() - must device writes be reported now?
 * @vdev: a device bound to vfio-pci
 *
 * True while a migration is saving the device (pre-copy and stop-copy of
 * either protocol; v2 has pre-copy from 6.2), while userspace has device
 * DMA logging on (v2), and after a migration in which the device pinned
 * pages through the type1 IOMMU until the device is closed (type1 then
 * reports only pinned pages, and a v2 client's next migration may track
 * dirty pages long before it tells the device): every
 * device write to guest memory must then be reported with
 * vfio_pci_dirty_mark() or vfio_pci_dirty_hold().  A snapshot, for fast
 * paths; the vendor's start_saving() and stop_saving() bound it exactly.
 *
 * Return: true while writes must be reported.
 */
bool vfio_pci_migration_saving(struct vfio_device *vdev)
{
	return READ_ONCE(to_vfio_pci(vdev)->mig.reporting);
}
EXPORT_SYMBOL_GPL(vfio_pci_migration_saving);

/*
 * The device pinned a page while its save ended (a write the vendor was
 * still reporting when the engine looked): type1 now sees only pinned
 * pages, so reporting goes back on, as if the pin had come earlier.
 */
static void mig_report_pinned_late(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	struct vfio_pci_mig *mig = &vpdev->mig;
	int ret;

	WRITE_ONCE(mig->reporting, MIG_REPORT_PINNED);
	ret = ops->start_saving(&vpdev->core.vdev);
	if (ret) {
		WRITE_ONCE(mig->reporting, 0);
		mig->stats.reporting_lost++;
		pci_warn(mig_pdev(mig), "migration: device writes go unreported after a save in which the device pinned pages (start_saving: %pe); a migration that tracks dirty pages through the IOMMU before the device saves may miss some\n",
			 ERR_PTR(ret));
	}
}

/**
 * vfio_pci_mig_report() - start or stop one reason to report device writes
 * @vpdev: the device; caller holds its migration lock
 * @why: MIG_REPORT_SAVING, MIG_REPORT_LOGGING or MIG_REPORT_PINNED (off
 *       only)
 * @on: start or stop
 *
 * The vendor's start_saving() runs when the first reason starts and
 * stop_saving() when the last one stops.  The flag is set before
 * start_saving(), so a device write racing with it is already reported.
 * A save that ends after the device pinned a page leaves MIG_REPORT_PINNED
 * on: type1 no longer sees the device's other writes (a pin during the
 * vendor's stop_saving() turns it back on at once).  The next save
 * restarts the vendor (stop_saving(), then start_saving()), so each save
 * begins afresh.
 *
 * Return: 0, or what start_saving() returned (the reason is then off).
 */
int vfio_pci_mig_report(struct vfio_pci_device *vpdev, u32 why, bool on)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	struct vfio_pci_mig *mig = &vpdev->mig;
	u32 old = mig->reporting, new;
	int ret = 0;

	lockdep_assert_held(&mig->lock);
	new = on ? old | why : old & ~why;
	if (!on && (why & MIG_REPORT_SAVING) && (old & MIG_REPORT_SAVING) &&
	    READ_ONCE(vpdev->pinned_scope))
		new |= MIG_REPORT_PINNED;
	if (on && why == MIG_REPORT_SAVING && old == MIG_REPORT_PINNED) {
		/* A new save: the vendor starts it afresh. */
		ops->stop_saving(&vpdev->core.vdev);
		old = 0;
		new = why;
	}
	if (new == old)
		return 0;
	WRITE_ONCE(mig->reporting, new);
	if (!old) {
		ret = ops->start_saving(&vpdev->core.vdev);
		if (ret)
			WRITE_ONCE(mig->reporting, old);
	} else if (!new) {
		ops->stop_saving(&vpdev->core.vdev);
		if (!on && (old & MIG_REPORT_SAVING) &&
		    READ_ONCE(vpdev->pinned_scope))
			mig_report_pinned_late(vpdev);
	}
	return ret;
}

/**
 * vfio_pci_mig_show_stats() - the engine's counters, for debugfs
 * @vpdev: a device whose vendor has migration ops
 * @m: where to print, one "migration.<name> <value>" line each
 */
void vfio_pci_mig_show_stats(struct vfio_pci_device *vpdev, struct seq_file *m)
{
	struct vfio_pci_mig *mig = &vpdev->mig;
	const struct vfio_pci_mig_stats *st = &mig->stats;

	mutex_lock(&mig->lock);
	seq_printf(m, "migration.saved %llu\n", st->saved);
	seq_printf(m, "migration.saved_bytes %llu\n", st->saved_bytes);
	seq_printf(m, "migration.precopy_saved %llu\n", st->precopy_saved);
	seq_printf(m, "migration.loaded %llu\n", st->loaded);
	seq_printf(m, "migration.loaded_bytes %llu\n", st->loaded_bytes);
	seq_printf(m, "migration.precopy_loaded %llu\n", st->precopy_loaded);
	seq_printf(m, "migration.rejected_checksum %llu\n",
		   st->rejected_checksum);
	seq_printf(m, "migration.rejected_identity %llu\n",
		   st->rejected_identity);
	seq_printf(m, "migration.rejected_truncated %llu\n",
		   st->rejected_truncated);
	seq_printf(m, "migration.rejected_by_vendor %llu\n",
		   st->rejected_by_vendor);
	seq_printf(m, "migration.rejected_other %llu\n", st->rejected_other);
	seq_printf(m, "migration.reporting_lost %llu\n", st->reporting_lost);
	seq_printf(m, "migration.precopy_entered %llu\n", st->precopy_entered);
	seq_printf(m, "migration.logging_started %llu\n", st->logging_started);
	/* Why device writes are reported now: MIG_REPORT_* bits, 0 for none. */
	seq_printf(m, "migration.reporting 0x%x\n", READ_ONCE(mig->reporting));
	mutex_unlock(&mig->lock);
}

static void mig_free_stream(struct vfio_pci_mig *mig)
{
	vfree(mig->stream);
	mig->stream = NULL;
	mig->stream_len = 0;
	mig->stream_pos = 0;
	mig->v1_staged = 0;
}

/* Files a front end bound to the stream that ends see it end. */
static void mig_end_epoch(struct vfio_pci_mig *mig)
{
	mig->epoch++;
}

/* The saving session ends: its pre-copy part too. */
static void mig_drop_stream(struct vfio_pci_mig *mig)
{
	mig_end_epoch(mig);
	mig_free_stream(mig);
	vfree(mig->pre);
	mig->pre = NULL;
	mig->pre_len = 0;
}

static void mig_drop_rx(struct vfio_pci_mig *mig)
{
	mig_end_epoch(mig);
	vfree(mig->rx);
	mig->rx = NULL;
	mig->rx_len = 0;
	mig->rx_total = 0;
	mig->rx_loaded = false;
	mig->rx_pre_loaded = false;
}

/* Build a stream (flags VFIO_PCI_MIG_F_*) from the chunks of @save. */
static int mig_build(struct vfio_pci_mig *mig,
		     ssize_t (*save)(struct vfio_device *vdev, void *buf,
				     size_t len),
		     u32 flags, u8 **out, size_t *out_len)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(mig_dev(mig));
	struct vfio_device *vdev = mig_vdev(mig);
	struct vfio_pci_mig_writer w;
	ssize_t n;
	u8 *buf;
	int ret;

	buf = vmalloc(mig->max_stream);
	if (!buf)
		return -ENOMEM;
	ret = vfio_pci_mig_writer_init(&w, buf, mig->max_stream);
	if (ret)
		goto err;

	for (;;) {
		size_t space;
		void *p = vfio_pci_mig_section_begin(&w, &space);

		if (!p || w.nr >= MIG_MAX_SECTIONS) {
			pci_warn(mig_pdev(mig), "migration: vendor state exceeds %zu bytes\n",
				 ops->max_state_size);
			ret = -EFBIG;
			goto err;
		}
		n = save(vdev, p, space);
		if (n <= 0) {
			vfio_pci_mig_section_cancel(&w);
			ret = n;
			if (ret)
				goto err;
			break;
		}
		ret = vfio_pci_mig_section_end(&w, n);
		if (ret)
			goto err;
	}

	w.flags = flags;
	n = vfio_pci_mig_writer_finish(&w, &mig->id);
	if (n < 0) {
		ret = n;
		goto err;
	}
	*out = buf;
	*out_len = n;
	if (flags & VFIO_PCI_MIG_F_PRECOPY) {
		mig->stats.precopy_saved++;
	} else {
		mig->stats.saved++;
		mig->stats.saved_bytes = n;
	}
	pci_info(mig_pdev(mig), "migration: %s saved, %zd bytes in %u sections\n",
		 flags & VFIO_PCI_MIG_F_PRECOPY ? "pre-copy part" : "device state",
		 n, w.nr);
	return 0;
err:
	vfree(buf);
	return ret;
}

/* The whole state, at stop-copy, from the vendor's save() chunks. */
static int mig_snapshot(struct vfio_pci_mig *mig,
			const struct vfio_pci_migration_ops *ops)
{
	int ret;

	/* A v2 file opened in pre-copy reads this stream: keep the file. */
	mig_free_stream(mig);
	ret = mig_build(mig, ops->save, 0, &mig->stream, &mig->stream_len);
	mig->stream_pos = 0;
	return ret;
}

/**
 * vfio_pci_mig_precopy_part() - save the pre-copy part, as pre-copy begins
 * @vpdev: the device, just moved to a pre-copy state; caller holds its
 *	   migration lock
 *
 * Only v2 has one (v1 sends everything at stop-copy), only for a vendor
 * with save_precopy, and only while the precopy_part parameter is on.  The
 * part is a preparation, the stop-copy stream carries everything: a part
 * that cannot be made is left out, and the running device is untouched.
 */
void vfio_pci_mig_precopy_part(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	struct vfio_pci_mig *mig = &vpdev->mig;
	size_t len;
	u8 *buf;
	int ret;

	lockdep_assert_held(&mig->lock);
	if (!ops->save_precopy || mig->pre || !READ_ONCE(precopy_part))
		return;
	ret = mig_build(mig, ops->save_precopy, VFIO_PCI_MIG_F_PRECOPY, &buf,
			&len);
	if (ret) {
		pci_warn(mig_pdev(mig), "migration: no pre-copy part (%pe), the state moves at stop-copy\n",
			 ERR_PTR(ret));
		return;
	}
	/* Held through pre-copy: only what it needs, not the stream's cap. */
	mig->pre = vmalloc(len);
	if (mig->pre) {
		memcpy(mig->pre, buf, len);
		mig->pre_len = len;
	}
	vfree(buf);
}

static void mig_count_reject(struct vfio_pci_mig *mig, int err, bool vendor)
{
	struct vfio_pci_mig_stats *st = &mig->stats;

	if (vendor)
		st->rejected_by_vendor++;
	else if (err == -EBADMSG)
		st->rejected_checksum++;
	else if (err == -ENODEV)
		st->rejected_identity++;
	else if (err == -ENODATA)
		st->rejected_truncated++;
	else
		st->rejected_other++;
}

static int mig_run_step(struct vfio_pci_mig *mig, enum vfio_pci_mig_step step)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(mig_dev(mig));
	struct vfio_device *vdev = mig_vdev(mig);

	switch (step) {
	case MIG_STEP_STOP:
		return ops->stop(vdev);
	case MIG_STEP_START:
		return ops->start(vdev);
	case MIG_STEP_SAVE_BEGIN:
		return vfio_pci_mig_report(mig_dev(mig), MIG_REPORT_SAVING, true);
	case MIG_STEP_SNAPSHOT:
		return mig_snapshot(mig, ops);
	case MIG_STEP_SAVE_END:
		mig_drop_stream(mig);
		return vfio_pci_mig_report(mig_dev(mig), MIG_REPORT_SAVING, false);
	case MIG_STEP_RESUME_BEGIN:
		mig_drop_rx(mig);
		return ops->start_resuming(vdev);
	case MIG_STEP_RESUME_END:
		if (!mig->rx_loaded) {
			mig_count_reject(mig, -ENODATA, false);
			pci_warn(mig_pdev(mig), "migration: stream rejected: truncated (%zu of %llu bytes)\n",
				 mig->rx_len, mig->rx_total);
			mig_drop_rx(mig);
			return -ENODATA;
		}
		mig_drop_rx(mig);
		return 0;
	case MIG_STEP_P2P_ON:
		return ops->set_p2p ? ops->set_p2p(vdev, true) : 0;
	case MIG_STEP_P2P_OFF:
		return ops->set_p2p ? ops->set_p2p(vdev, false) : 0;
	}
	return -EINVAL;
}

static void mig_enter_error(struct vfio_pci_mig *mig, int err)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(mig_dev(mig));
	enum vfio_pci_mig_state old = mig->state;

	pci_warn(mig_pdev(mig), "migration: %s failed (%pe), device in error state until reset\n",
		 vfio_pci_mig_state_name(old), ERR_PTR(err));
	vfio_pci_mig_report(mig_dev(mig), MIG_REPORT_SAVING, false);
	mig_drop_stream(mig);
	mig_drop_rx(mig);
	WRITE_ONCE(mig->state, MIG_ERROR);
	if (ops->error)
		ops->error(mig_vdev(mig));
}

/**
 * vfio_pci_mig_set_state() - move a device to another migration state
 * @vpdev: the device; caller holds its migration lock
 * @new: the requested state
 *
 * Return: 0; -EINVAL for a transition that is not allowed (the state does
 * not change); another negative errno if a step failed, in which case the
 * device is in the error state.
 */
int vfio_pci_mig_set_state(struct vfio_pci_device *vpdev,
			   enum vfio_pci_mig_state new)
{
	struct vfio_pci_mig *mig = &vpdev->mig;
	enum vfio_pci_mig_step steps[MIG_MAX_STEPS];
	int i, n, ret;

	lockdep_assert_held(&mig->lock);
	/* vfio core offers the P2P states only to vendors that have them. */
	if (vfio_pci_mig_state_p2p(new) && !vfio_pci_mig_ops(vpdev)->set_p2p)
		return -EINVAL;
	n = vfio_pci_mig_plan(mig->state, new, steps);
	if (n < 0)
		return n;

	for (i = 0; i < n; i++) {
		ret = mig_run_step(mig, steps[i]);
		if (ret) {
			mig_enter_error(mig, ret);
			return ret;
		}
	}
	if (vfio_pci_mig_state_precopy(new) &&
	    !vfio_pci_mig_state_precopy(mig->state)) {
		mig->stats.precopy_entered++;
		pci_info(mig_pdev(mig), "migration: pre-copy, the device's writes to guest memory are reported from now on\n");
	}
	WRITE_ONCE(mig->state, new);
	return 0;
}

/**
 * vfio_pci_mig_take() - hand out the next bytes of the saved stream
 * @vpdev: the device, in stop-copy; caller holds the migration lock
 * @dst: where to copy them
 * @len: most bytes to copy
 *
 * Return: bytes copied; 0 once the whole stream has been handed out.
 */
size_t vfio_pci_mig_take(struct vfio_pci_device *vpdev, void *dst, size_t len)
{
	struct vfio_pci_mig *mig = &vpdev->mig;
	size_t n;

	lockdep_assert_held(&mig->lock);
	if (mig->state != MIG_STOPCOPY || !mig->stream)
		return 0;
	n = min(len, mig->stream_len - mig->stream_pos);
	memcpy(dst, mig->stream + mig->stream_pos, n);
	mig->stream_pos += n;
	return n;
}

/* @vendor: the stream was sound, the vendor refused the state in it. */
static int mig_reject(struct vfio_pci_mig *mig, int err, const char *why,
		      bool vendor)
{
	mig_count_reject(mig, err, vendor);
	pci_warn(mig_pdev(mig), "migration: stream rejected: %s (%pe)\n", why,
		 ERR_PTR(err));
	mig_enter_error(mig, err);
	return err;
}

/*
 * Whole stream received: validate it, then give its sections to the vendor.
 * A pre-copy part goes to load_precopy(), and the next stream may follow.
 */
static int mig_load(struct vfio_pci_mig *mig)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(mig_dev(mig));
	bool pre;
	const char *why = NULL;
	const void *payload;
	size_t pos = 0;
	u32 len, version;
	int ret;

	ret = vfio_pci_mig_validate(mig->rx, mig->rx_len, &mig->id,
				    mig->max_stream, &why);
	if (ret)
		return mig_reject(mig, ret, why, false);

	pre = vfio_pci_mig_stream_flags(mig->rx) & VFIO_PCI_MIG_F_PRECOPY;
	if (pre && mig->rx_pre_loaded)
		return mig_reject(mig, -EINVAL, "a second pre-copy part",
				  false);
	version = vfio_pci_mig_stream_version(mig->rx);
	/* A preparation this driver does not make: the stream has it all. */
	while ((!pre || ops->load_precopy) &&
	       vfio_pci_mig_next_section(mig->rx, mig->rx_len, &pos, &payload,
					 &len)) {
		ret = pre ? ops->load_precopy(mig_vdev(mig), payload, len, version) :
			    ops->load(mig_vdev(mig), payload, len, version);
		if (ret)
			return mig_reject(mig, ret, "vendor driver refused its state",
					  true);
	}
	pci_info(mig_pdev(mig), "migration: %s %s, %zu bytes\n",
		 pre ? "pre-copy part" : "device state",
		 pre && !ops->load_precopy ? "skipped" : "loaded", mig->rx_len);
	if (pre) {
		mig->stats.precopy_loaded++;
	} else {
		mig->stats.loaded++;
		mig->stats.loaded_bytes = mig->rx_len;
	}
	if (pre) {
		/* Ready for the stop-copy stream. */
		vfree(mig->rx);
		mig->rx = NULL;
		mig->rx_len = 0;
		mig->rx_total = 0;
		mig->rx_pre_loaded = true;
	} else {
		mig->rx_loaded = true;
	}
	return 0;
}

/* Copy stream bytes from a kernel or a user buffer. */
static int mig_copy_in(void *dst, const void *src, const void __user *usrc,
		       size_t off, size_t len)
{
	if (src) {
		memcpy(dst, src + off, len);
		return 0;
	}
	return copy_from_user(dst, usrc + off, len) ? -EFAULT : 0;
}

/*
 * Take bytes @off..@off+@len of the caller's buffer into the stream being
 * received; returns how many were taken (up to its end) or an errno.
 */
static ssize_t mig_receive_part(struct vfio_pci_mig *mig, const void *src,
				const void __user *usrc, size_t off, size_t len)
{
	size_t hdr = sizeof(mig->rx_hdr), taken = 0, n;
	const char *why = NULL;
	u64 total;
	int ret;

	if (!mig->rx_total) {
		n = min(len, hdr - mig->rx_len);
		ret = mig_copy_in(mig->rx_hdr + mig->rx_len, src, usrc, off, n);
		if (ret)
			return ret;
		mig->rx_len += n;
		taken = n;
		if (mig->rx_len < hdr)
			return taken;

		ret = vfio_pci_mig_check_header(mig->rx_hdr, hdr, &mig->id,
						mig->max_stream, &total, &why);
		if (ret)
			return mig_reject(mig, ret, why, false);
		mig->rx = vmalloc(total);
		if (!mig->rx)
			return -ENOMEM;
		memcpy(mig->rx, mig->rx_hdr, hdr);
		mig->rx_total = total;
	}

	n = min_t(u64, len - taken, mig->rx_total - mig->rx_len);
	ret = mig_copy_in(mig->rx + mig->rx_len, src, usrc, off + taken, n);
	if (ret)
		return ret;
	mig->rx_len += n;
	taken += n;
	if (mig->rx_len == mig->rx_total) {
		ret = mig_load(mig);
		if (ret)
			return ret;
	}
	return taken;
}

/**
 * vfio_pci_mig_receive() - accept the next bytes of an incoming stream
 * @vpdev: the device, resuming; caller holds the migration lock
 * @src: the bytes, in kernel memory, or NULL
 * @usrc: the bytes, in user memory, when @src is NULL
 * @len: how many
 *
 * A stream's header is checked as soon as it is complete, before any
 * buffer is sized from it; its last byte triggers validation of the whole
 * stream and the vendor's load.  A v2 source may send a pre-copy part
 * before the stream; the bytes of both may come in any pieces.  A
 * rejected stream puts the device in the error state.
 *
 * Return: 0; -EINVAL when not resuming or for bytes beyond the end; -EFAULT
 * for a bad user buffer; -ENOMEM; or the stream's rejection errno (see
 * vfio_pci_mig_validate()).
 */
int vfio_pci_mig_receive(struct vfio_pci_device *vpdev, const void *src,
			 const void __user *usrc, size_t len)
{
	struct vfio_pci_mig *mig = &vpdev->mig;
	size_t done = 0;
	ssize_t n;

	lockdep_assert_held(&mig->lock);
	if (mig->state != MIG_RESUMING)
		return -EINVAL;
	while (done < len) {
		if (mig->rx_loaded)
			return mig_reject(mig, -EINVAL,
					  "data beyond the end of the stream", false);
		n = mig_receive_part(mig, src, usrc, done, len - done);
		if (n < 0)
			return n;
		done += n;
	}
	return 0;
}

/**
 * vfio_pci_mig_stop_copy_size() - expected stream size at stop-copy
 * @vpdev: the device
 *
 * Return: the vendor's estimate plus framing, or the most it may produce.
 */
size_t vfio_pci_mig_stop_copy_size(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	size_t est;

	if (!ops->pending_bytes)
		return vpdev->mig.max_stream;
	est = ops->pending_bytes(&vpdev->core.vdev);
	return min(vpdev->mig.max_stream,
		   VFIO_PCI_MIG_MIN_LEN + 4 * sizeof(struct vfio_pci_mig_sect) +
		   ALIGN(est, VFIO_PCI_MIG_ALIGN));
}

/**
 * vfio_pci_mig_sync_dirty() - the VMM is about to read the dirty pages
 * @vpdev: the device; caller holds its migration lock
 *
 * Lets a vendor that reads part of its device's DMA setup, rather than
 * trapping it, report what changed since it last looked.
 */
void vfio_pci_mig_sync_dirty(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);

	if (ops && ops->sync_dirty && vpdev->mig.reporting)
		ops->sync_dirty(&vpdev->core.vdev);
}

/**
 * vfio_pci_mig_open() - ready the engine for a new user of the device
 * @vpdev: the device, being opened
 *
 * Return: 0, or a negative errno if the vendor's ops are unusable or the
 * protocol regions cannot be set up.
 */
int vfio_pci_mig_open(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	struct vfio_pci_mig *mig = &vpdev->mig;
	struct pci_dev *pdev = vpdev->core.pdev;

	if (!ops)
		return 0;

	mig->state = MIG_RUNNING;
	mig->id.vendor = pdev->vendor;
	mig->id.device = pdev->device;
	strscpy(mig->id.driver, vpdev->vendor->name, sizeof(mig->id.driver));
	mig->id.version = ops->version;
	mig->max_stream = stream_cap(ops->max_state_size);
	return 0;
}

/*
 * End whatever migration is in progress, as if cancelled.  Device DMA
 * logging is not the engine's: the VMM's log survives a device reset (a
 * guest rebooting during pre-copy must not fail the next report), and its
 * front end ends it when the device is closed.
 */
static void mig_abandon(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_mig *mig = &vpdev->mig;

	vfio_pci_mig_report(vpdev, MIG_REPORT_SAVING, false);
	mig_drop_stream(mig);
	mig_drop_rx(mig);
	WRITE_ONCE(mig->state, MIG_RUNNING);
}

/**
 * vfio_pci_mig_close() - the last user closed the device
 * @vpdev: the device
 *
 * A migration cut short by the close ends here: saving is stopped, buffers
 * are freed.  The v1 data section goes with the region, released by core.
 */
void vfio_pci_mig_close(struct vfio_pci_device *vpdev)
{
	if (!vfio_pci_mig_ops(vpdev))
		return;
	/* Core's reset at close must reach the vendor before it forgets us. */
	vfio_pci_mig_reset_flush(vpdev);
	mutex_lock(&vpdev->mig.lock);
	mig_abandon(vpdev);
	vfio_pci_mig_report(vpdev, MIG_REPORT_PINNED, false);
	WRITE_ONCE(vpdev->pinned_scope, false);
	vfio_pci_mig_unlock(vpdev);
}

/**
 * vfio_pci_mig_unlock() - release the migration lock
 * @vpdev: the device
 *
 * A function reset that happened while the lock was held is applied first:
 * any migration in progress ends, the device is running, and the vendor's
 * @reset callback forgets what it had half done.
 */
void vfio_pci_mig_unlock(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	struct vfio_pci_mig *mig = &vpdev->mig;

	for (;;) {
		spin_lock(&mig->reset_lock);
		if (!mig->reset_pending)
			break;
		mig->reset_pending = false;
		spin_unlock(&mig->reset_lock);
		mig_abandon(vpdev);
		if (ops && ops->reset)
			ops->reset(&vpdev->core.vdev);
	}
	mutex_unlock(&mig->lock);
	spin_unlock(&mig->reset_lock);
}

static void mig_reset_work(struct work_struct *work)
{
	struct vfio_pci_mig *mig = container_of(work, struct vfio_pci_mig,
						reset_work);

	mutex_lock(&mig->lock);
	vfio_pci_mig_unlock(mig_dev(mig));
}

/**
 * vfio_pci_mig_reset_done() - the PCI function was reset
 * @vpdev: the device
 *
 * The PCI core calls this after every function reset: VFIO_DEVICE_RESET,
 * a guest's FLR through config space, a hot reset of the bus, AER
 * recovery, core's own resets at open and close.  It runs inside the
 * resetting context, which may hold core's memory lock, and vendor paths
 * take that lock under their own: so the reset is only noted here, and
 * applied by whoever holds the migration lock next, or by a work item.
 * Resets a vendor does itself (vfio_pci_vendor_reset_function()) are
 * part of its own sequence and not reported back to it.
 */
void vfio_pci_mig_reset_done(struct vfio_pci_device *vpdev)
{
	struct vfio_pci_mig *mig = &vpdev->mig;

	if (!vfio_pci_mig_ops(vpdev))
		return;
	spin_lock(&mig->reset_lock);
	if (!mig->own_reset) {
		mig->reset_pending = true;
		schedule_work(&mig->reset_work);
	}
	spin_unlock(&mig->reset_lock);
}

/**
 * vfio_pci_mig_own_reset() - bracket a reset the vendor side does itself
 * @vpdev: the device
 * @begin: true before the reset, false after it
 *
 * Core's resets at open and close, and a vendor's own, are part of a
 * sequence that already accounts for them.
 */
void vfio_pci_mig_own_reset(struct vfio_pci_device *vpdev, bool begin)
{
	struct vfio_pci_mig *mig = &vpdev->mig;

	spin_lock(&mig->reset_lock);
	if (begin)
		mig->own_reset++;
	else if (!WARN_ON_ONCE(!mig->own_reset))
		mig->own_reset--;
	spin_unlock(&mig->reset_lock);
}

/**
 * vfio_pci_mig_reset_flush() - apply a noted reset before going on
 * @vpdev: the device
 *
 * After VFIO_DEVICE_RESET or a config write returns, userspace sees the
 * device running, its migration state included.  Caller holds no lock of
 * the migration engine's, nor core's memory lock.
 */
void vfio_pci_mig_reset_flush(struct vfio_pci_device *vpdev)
{
	if (vfio_pci_mig_ops(vpdev) && READ_ONCE(vpdev->mig.reset_pending)) {
		mutex_lock(&vpdev->mig.lock);
		vfio_pci_mig_unlock(vpdev);
	}
}

/**
 * vfio_pci_migration_ops_valid() - check a vendor's migration ops
 * @ops: the ops a vendor registers
 *
 * Return: true if every mandatory callback is there and the bounds are sane.
 */
bool vfio_pci_migration_ops_valid(const struct vfio_pci_migration_ops *ops)
{
	return ops->protocols &&
	       !(ops->protocols & ~(VFIO_PCI_MIGRATION_V1 | VFIO_PCI_MIGRATION_V2)) &&
	       ops->version && ops->max_state_size &&
	       ops->max_state_size <= MIG_MAX_STATE &&
	       ops->start_saving && ops->stop_saving && ops->stop &&
	       ops->start && ops->start_resuming && ops->save && ops->load &&
	       (!ops->set_p2p || ops->reset) &&
	       !ops->save_precopy == !ops->load_precopy;
}
