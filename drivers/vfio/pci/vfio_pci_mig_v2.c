// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO migration protocol v2 (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE with data
 * files), the one QEMU 8.0 and later speak, on the same engine, vendor
 * callbacks and stream as v1.
 *
 * The state graph without P2P: RUNNING <-> STOP <-> STOP_COPY and
 * STOP <-> RESUMING, and on kernels that have it (6.2 and later) RUNNING
 * <-> PRE_COPY -> STOP_COPY.  With a vendor that can quiesce its DMA
 * alone, RUNNING_P2P sits between RUNNING and STOP, and PRE_COPY_P2P
 * between PRE_COPY and STOP_COPY.  vfio core steps multi-arc requests one
 * arc at a time (vfio_mig_get_next_state()); each arc is one engine
 * transition.  RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P, STOP ->
 * STOP_COPY and STOP -> RESUMING return a data file; the arcs between the
 * pre-copy states and on to STOP_COPY go on with the same one.
 *
 * PRE_COPY is where device writes start being reported, early enough for
 * the IOMMU's dirty tracking to be precise while RAM is copied.  A saving
 * file in PRE_COPY yields the vendor's pre-copy part, if it has one
 * (VFIO_MIG_GET_PRECOPY_INFO's initial_bytes counts what is left of it),
 * then is at a temporary end (read() fails with -ENOMSG).  In STOP_COPY the
 * file yields what is left of the pre-copy part, the stream, then EOF; the
 * resuming file takes both, each validated and loaded as its last byte
 * arrives.  A data
 * file ends (reads and writes fail with -ENODEV) when the device leaves the
 * saving (or resuming) states, is reset or closed; closing the file itself
 * changes no state.
 *
 * The file pins the vfio device's memory and the vendor's module, so it may
 * outlive the device's user and even its driver binding.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_vendor_priv.h"

/* VFIO_PCI_FEATURE_MIG_DATA_SIZE's result (see vfio_pci_vendor_priv.h). */
struct mig_data_size {
	__aligned_u64 stop_copy_length;
};

/**
 * struct vfio_pci_mig_file - an open v2 data file
 * @vpdev: the device (its memory is pinned by a device reference)
 * @owner: the vendor's module, pinned while the file is open
 * @resuming: a resuming file (else a saving file)
 * @pos: bytes read or written so far (a stream: no file position)
 * @epoch: the engine's stream epoch the file belongs to (file_current())
 */
struct vfio_pci_mig_file {
	struct vfio_pci_device *vpdev;
	struct module *owner;
	bool resuming;
	size_t pos;
	u64 epoch;
};

static enum vfio_device_mig_state to_v2(enum vfio_pci_mig_state s)
{
	switch (s) {
	case MIG_STOP:
		return VFIO_DEVICE_STATE_STOP;
	case MIG_STOPCOPY:
		return VFIO_DEVICE_STATE_STOP_COPY;
	case MIG_RESUMING:
		return VFIO_DEVICE_STATE_RESUMING;
	case MIG_RUNNING_P2P:
		return VFIO_DEVICE_STATE_RUNNING_P2P;
	case MIG_ERROR:
		return VFIO_DEVICE_STATE_ERROR;
#if VFIO_PCI_COMPAT_PRE_COPY
	case MIG_PRECOPY:
		return VFIO_DEVICE_STATE_PRE_COPY;
	case MIG_PRECOPY_P2P:
		return VFIO_DEVICE_STATE_PRE_COPY_P2P;
#endif
	case MIG_RUNNING:
	default:
		return VFIO_DEVICE_STATE_RUNNING;
	}
}

static int from_v2(enum vfio_device_mig_state s, enum vfio_pci_mig_state *out)
{
	switch (s) {
	case VFIO_DEVICE_STATE_STOP:
		*out = MIG_STOP;
		return 0;
	case VFIO_DEVICE_STATE_RUNNING:
		*out = MIG_RUNNING;
		return 0;
	case VFIO_DEVICE_STATE_STOP_COPY:
		*out = MIG_STOPCOPY;
		return 0;
	case VFIO_DEVICE_STATE_RESUMING:
		*out = MIG_RESUMING;
		return 0;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		*out = MIG_RUNNING_P2P;
		return 0;
#if VFIO_PCI_COMPAT_PRE_COPY
	case VFIO_DEVICE_STATE_PRE_COPY:
		*out = MIG_PRECOPY;
		return 0;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		*out = MIG_PRECOPY_P2P;
		return 0;
#endif
	default:
		return -EINVAL;
	}
}

/*
 * Is @migf still the device's current data file?  A file is bound to the
 * engine's stream epoch it was made current in; the engine ends the epoch
 * when the stream ends, and a newer file ends it too.  Caller holds
 * mig.lock.
 */
static bool file_current(struct vfio_pci_mig_file *migf)
{
	return migf->epoch == migf->vpdev->mig.epoch;
}

/* Copy from @data, which starts at file offset @base, at the file's pos. */
static ssize_t read_from(struct vfio_pci_mig_file *migf, char __user *buf,
			 size_t len, const u8 *data, size_t data_len,
			 size_t base)
{
	size_t off = migf->pos - base;
	ssize_t n;

	if (off >= data_len)
		return 0;
	n = min(len, data_len - off);
	if (copy_to_user(buf, data + off, n))
		return -EFAULT;
	migf->pos += n;
	return n;
}

static ssize_t mig_file_read(struct file *filp, char __user *buf, size_t len,
			     loff_t *pos)
{
	struct vfio_pci_mig_file *migf = filp->private_data;
	struct vfio_pci_mig *mig = &migf->vpdev->mig;
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	mutex_lock(&mig->lock);
	if (!file_current(migf) || migf->resuming) {
		ret = -ENODEV;
	} else if (migf->pos < mig->pre_len) {
		/* The pre-copy part first, in pre-copy and stop-copy alike. */
		ret = read_from(migf, buf, len, mig->pre, mig->pre_len, 0);
	} else if (vfio_pci_mig_state_precopy(mig->state)) {
		ret = -ENOMSG;	/* nothing more before stop-copy */
	} else if (mig->state != MIG_STOPCOPY || !mig->stream) {
		ret = -ENODEV;
	} else {
		ret = read_from(migf, buf, len, mig->stream, mig->stream_len,
				mig->pre_len);
	}
	vfio_pci_mig_unlock(migf->vpdev);
	return ret;
}

static ssize_t mig_file_write(struct file *filp, const char __user *buf,
			      size_t len, loff_t *pos)
{
	struct vfio_pci_mig_file *migf = filp->private_data;
	struct vfio_pci_mig *mig = &migf->vpdev->mig;
	ssize_t ret;

	if (pos)
		return -ESPIPE;
	mutex_lock(&mig->lock);
	if (!file_current(migf) || mig->state != MIG_RESUMING) {
		ret = -ENODEV;
	} else {
		ret = vfio_pci_mig_receive(migf->vpdev, NULL, buf, len);
		if (!ret) {
			migf->pos += len;
			ret = len;
		}
	}
	vfio_pci_mig_unlock(migf->vpdev);
	return ret;
}

static __poll_t mig_file_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct vfio_pci_mig_file *migf = filp->private_data;
	struct vfio_pci_mig *mig = &migf->vpdev->mig;
	__poll_t mask;

	/*
	 * In stop-copy the stream exists as soon as the file does; pre-copy
	 * has data only while its part is unread (a waiter wakes when the
	 * state changes: never, as the engine does not notify, which the uAPI
	 * allows).
	 */
	mutex_lock(&mig->lock);
	if (!file_current(migf))
		mask = EPOLLERR | EPOLLHUP;
	else if (migf->resuming)
		mask = EPOLLOUT | EPOLLWRNORM;
	else if (vfio_pci_mig_state_precopy(mig->state) &&
		 migf->pos >= mig->pre_len)
		mask = 0;
	else
		mask = EPOLLIN | EPOLLRDNORM;
	vfio_pci_mig_unlock(migf->vpdev);
	return mask;
}

#if VFIO_PCI_COMPAT_PRE_COPY
/*
 * VFIO_MIG_GET_PRECOPY_INFO: initial_bytes is what is left of the pre-copy
 * part; nothing else is sent before stop-copy, so dirty_bytes is 0.
 */
static long mig_file_precopy_info(struct vfio_pci_mig_file *migf,
				  void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct vfio_pci_mig *mig = &migf->vpdev->mig;
	struct vfio_precopy_info info;
	u64 initial = 0;
	long ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	mutex_lock(&mig->lock);
	if (!file_current(migf) || migf->resuming ||
	    !vfio_pci_mig_state_precopy(mig->state))
		ret = -EINVAL;
	else if (migf->pos < mig->pre_len)
		initial = mig->pre_len - migf->pos;
	vfio_pci_mig_unlock(migf->vpdev);
	if (ret)
		return ret;
	info.flags = 0;
	info.initial_bytes = initial;
	info.dirty_bytes = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}
#endif

static long mig_file_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
#if VFIO_PCI_COMPAT_PRE_COPY
	if (cmd == VFIO_MIG_GET_PRECOPY_INFO)
		return mig_file_precopy_info(filp->private_data,
					     (void __user *)arg);
#endif
	return -ENOTTY;
}

static int mig_file_release(struct inode *inode, struct file *filp)
{
	struct vfio_pci_mig_file *migf = filp->private_data;
	struct vfio_pci_device *vpdev = migf->vpdev;

	put_device(&vpdev->core.vdev.device);
	module_put(migf->owner);
	kfree(migf);
	return 0;
}

static const struct file_operations vfio_pci_mig_fops = {
	.owner		= THIS_MODULE,
	.read		= mig_file_read,
	.write		= mig_file_write,
	.poll		= mig_file_poll,
	.unlocked_ioctl	= mig_file_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= mig_file_release,
};

static struct file *mig_file_new(struct vfio_pci_device *vpdev, bool resuming)
{
	struct vfio_pci_mig_file *migf;
	struct file *filp;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->vpdev = vpdev;
	migf->resuming = resuming;
	/* Not current until the transition that made it succeeds. */
	migf->epoch = vpdev->mig.epoch - 1;
	migf->owner = vpdev->vendor->owner;
	if (!try_module_get(migf->owner)) {
		kfree(migf);
		return ERR_PTR(-ENODEV);
	}
	filp = anon_inode_getfile("vfio_pci_mig", &vfio_pci_mig_fops, migf,
				  resuming ? O_WRONLY : O_RDONLY);
	if (IS_ERR(filp)) {
		module_put(migf->owner);
		kfree(migf);
		return filp;
	}
	/* A stream: read() and write() only, no file position. */
	stream_open(file_inode(filp), filp);
	get_device(&vpdev->core.vdev.device);
	return filp;
}

/* Does the arc @cur -> @next begin a saving or resuming session? */
static bool arc_opens_file(enum vfio_device_mig_state cur,
			   enum vfio_device_mig_state next)
{
	switch (next) {
	case VFIO_DEVICE_STATE_RESUMING:
		return true;
	case VFIO_DEVICE_STATE_STOP_COPY:
		/* From pre-copy the session, and its file, go on. */
		return cur == VFIO_DEVICE_STATE_STOP;
#if VFIO_PCI_COMPAT_PRE_COPY
	case VFIO_DEVICE_STATE_PRE_COPY:
		return cur == VFIO_DEVICE_STATE_RUNNING;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return cur == VFIO_DEVICE_STATE_RUNNING_P2P;
#endif
	default:
		return false;
	}
}

static struct file *
vfio_pci_mig_set_state_v2(struct vfio_device *vdev,
			  enum vfio_device_mig_state new)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct vfio_pci_mig *mig = &vpdev->mig;
	enum vfio_device_mig_state cur, next;
	struct vfio_pci_mig_file *migf;
	enum vfio_pci_mig_state arc;
	struct file *filp = NULL;
	int ret = 0;

	mutex_lock(&mig->lock);
	/* Nobody asks for ERROR, and only a reset leaves it. */
	if (new == VFIO_DEVICE_STATE_ERROR || mig->state == MIG_ERROR)
		ret = -EINVAL;
	while (!ret && (cur = to_v2(mig->state)) != new) {
		struct file *opened = NULL;

		ret = vfio_mig_get_next_state(vdev, cur, new, &next);
		if (!ret)
			ret = from_v2(next, &arc);
		if (ret)
			break;
		/* The file first: failing to make it must not change the state. */
		if (arc_opens_file(cur, next)) {
			opened = mig_file_new(vpdev, next == VFIO_DEVICE_STATE_RESUMING);
			if (IS_ERR(opened)) {
				ret = PTR_ERR(opened);
				break;
			}
		}
		ret = vfio_pci_mig_set_state(vpdev, arc);
		if (ret) {
			if (opened)
				fput(opened);
			break;
		}
		if (opened) {
			if (filp)
				fput(filp);
			filp = opened;
			/* The older file, if any, ends; this one is current. */
			migf = filp->private_data;
			migf->epoch = ++mig->epoch;
			/* A saving session that begins in pre-copy. */
			if (vfio_pci_mig_state_precopy(mig->state))
				vfio_pci_mig_precopy_part(vpdev);
		}
	}
	vfio_pci_mig_unlock(vpdev);

	if (ret) {
		if (filp)
			fput(filp);
		return ERR_PTR(ret);
	}
	return filp;
}

static int vfio_pci_mig_get_state_v2(struct vfio_device *vdev,
				     enum vfio_device_mig_state *state)
{
	struct vfio_pci_mig *mig = &to_vfio_pci(vdev)->mig;

	mutex_lock(&mig->lock);
	*state = to_v2(mig->state);
	vfio_pci_mig_unlock(to_vfio_pci(vdev));
	return 0;
}

#if VFIO_PCI_COMPAT_CORE_DATA_SIZE
/* Core's VFIO_DEVICE_FEATURE_MIG_DATA_SIZE. */
static int vfio_pci_mig_get_data_size_v2(struct vfio_device *vdev,
					 unsigned long *stop_copy_length)
{
	struct vfio_pci_mig *mig = &to_vfio_pci(vdev)->mig;

	mutex_lock(&mig->lock);
	*stop_copy_length = vfio_pci_mig_stop_copy_size(to_vfio_pci(vdev));
	vfio_pci_mig_unlock(to_vfio_pci(vdev));
	return 0;
}
#endif

static const struct vfio_migration_ops vfio_pci_mig_v2_ops = {
	.migration_set_state = vfio_pci_mig_set_state_v2,
	.migration_get_state = vfio_pci_mig_get_state_v2,
#if VFIO_PCI_COMPAT_CORE_DATA_SIZE
	.migration_get_data_size = vfio_pci_mig_get_data_size_v2,
#endif
};

/**
 * vfio_pci_mig_data_size() - VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (GET)
 * @vpdev: a device with v2 migration (only called before 6.2: later core
 *	answers the feature through vfio_pci_mig_v2_ops)
 * @flags: feature flags from the ioctl
 * @arg: user pointer to the result
 * @argsz: its size
 *
 * Return: 0, -ENOTTY without v2 migration, -EINVAL, -EFAULT.
 */
int vfio_pci_mig_data_size(struct vfio_pci_device *vpdev, u32 flags,
			   void __user *arg, size_t argsz)
{
	struct mig_data_size size = {};
	int ret;

	if (!vpdev->core.vdev.mig_ops)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				 sizeof(size));
	if (ret != 1)
		return ret;
	mutex_lock(&vpdev->mig.lock);
	size.stop_copy_length = vfio_pci_mig_stop_copy_size(vpdev);
	vfio_pci_mig_unlock(vpdev);
	return copy_to_user(arg, &size, sizeof(size)) ? -EFAULT : 0;
}

/**
 * vfio_pci_mig_v2_setup() - offer protocol v2, if the vendor chose it
 * @vpdev: a device just allocated, before it is registered with vfio
 *
 * v2 goes through vfio core: mig_ops, and device DMA logging for a vendor
 * that reports every device write where the kernel can carry the reports
 * (v1 is a region added at each open, vfio_pci_mig_v1_open()).
 */
void vfio_pci_mig_v2_setup(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);

	if (!ops || !(ops->protocols & VFIO_PCI_MIGRATION_V2))
		return;
	vpdev->core.vdev.mig_ops = &vfio_pci_mig_v2_ops;
	vpdev->core.vdev.migration_flags = VFIO_MIGRATION_STOP_COPY;
	/* P2P: the vendor can stop its device initiating DMA alone. */
	if (ops->set_p2p)
		vpdev->core.vdev.migration_flags |= VFIO_MIGRATION_P2P;
	/*
	 * Pre-copy starts the vendor's reporting while the VM still runs, so
	 * the IOMMU's dirty tracking is precise from the first RAM pass on.
	 */
	vpdev->core.vdev.migration_flags |= VFIO_PCI_COMPAT_MIGRATION_PRE_COPY;
	/* Where the kernel cannot report for a device, offer no logging. */
	if (ops->reports_all_dma && VFIO_PCI_COMPAT_DMA_LOGGING)
		vpdev->core.vdev.log_ops = &vfio_pci_mig_dma_log_ops;
}
