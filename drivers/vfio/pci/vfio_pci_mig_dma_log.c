// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_START/STOP/REPORT):
 * the protocol v2 front end, for vendors that report every device write
 * with vfio_pci_dirty_mark() and vfio_pci_dirty_hold().
 *
 * Starting the log is one reason for the engine to have the vendor report
 * (a v2 client may log before it migrates); each report first lets the
 * vendor bring its reports up to date, then reads and clears the window
 * and logs again what is still held (DMA in flight stays dirty).  The log
 * itself is vfio_pci_dirty_log.c's.
 */
#include <linux/err.h>

#include "vfio_pci_vendor_priv.h"

static int vfio_pci_log_start(struct vfio_device *vdev,
			      struct rb_root_cached *ranges, u32 nnodes,
			      u64 *page_size)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct vfio_pci_dirty_log *log;
	int ret;

	log = vfio_pci_dirty_log_new(ranges, nnodes, *page_size);
	if (IS_ERR(log))
		return PTR_ERR(log);

	mutex_lock(&vpdev->mig.lock);
	mutex_lock(&vpdev->dirty_lock);
	if (vpdev->log) {
		ret = -EBUSY;
	} else {
		vpdev->log = log;
		log = NULL;
		/* What is already in flight is dirty from the start. */
		vfio_pci_dirty_log_holds(vpdev);
		ret = 0;
		vpdev->mig.stats.logging_started++;
		pci_info(vpdev->core.pdev, "migration: device DMA logging started, %u ranges, %llu-byte pages\n",
			 vpdev->log->nr_ranges, vpdev->log->page_size);
	}
	mutex_unlock(&vpdev->dirty_lock);
	if (!ret) {
		ret = vfio_pci_mig_report(vpdev, MIG_REPORT_LOGGING, true);
		if (ret) {
			mutex_lock(&vpdev->dirty_lock);
			vfio_pci_dirty_log_free(vpdev);
			mutex_unlock(&vpdev->dirty_lock);
		}
	}
	vfio_pci_mig_unlock(vpdev);

	if (log)
		vfio_pci_dirty_log_destroy(log);
	return ret;
}

/* Caller holds the migration lock. */
static void log_end(struct vfio_pci_device *vpdev)
{
	mutex_lock(&vpdev->dirty_lock);
	if (vpdev->log) {
		vfio_pci_dirty_log_free(vpdev);
		mutex_unlock(&vpdev->dirty_lock);
		vfio_pci_mig_report(vpdev, MIG_REPORT_LOGGING, false);
	} else {
		mutex_unlock(&vpdev->dirty_lock);
	}
}

static int vfio_pci_log_stop(struct vfio_device *vdev)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);

	mutex_lock(&vpdev->mig.lock);
	log_end(vpdev);
	vfio_pci_mig_unlock(vpdev);
	return 0;
}

static int vfio_pci_log_read_and_clear(struct vfio_device *vdev,
				       unsigned long iova, unsigned long length,
				       struct iova_bitmap *dirty)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	int ret;

	if (!length)
		return 0;
	mutex_lock(&vpdev->mig.lock);
	vfio_pci_mig_sync_dirty(vpdev);
	vfio_pci_mig_unlock(vpdev);

	mutex_lock(&vpdev->dirty_lock);
	ret = vfio_pci_dirty_log_report(vpdev, iova, length, dirty);
	/* DMA still in flight stays dirty for the next report too. */
	if (!ret)
		vfio_pci_dirty_log_holds(vpdev);
	mutex_unlock(&vpdev->dirty_lock);
	return ret;
}

const struct vfio_log_ops vfio_pci_mig_dma_log_ops = {
	.log_start		= vfio_pci_log_start,
	.log_stop		= vfio_pci_log_stop,
	.log_read_and_clear	= vfio_pci_log_read_and_clear,
};

/**
 * vfio_pci_mig_dma_log_close() - the last user closed the device
 * @vpdev: the device
 *
 * The log is the VMM's: it survives device resets and goes only here.
 */
void vfio_pci_mig_dma_log_close(struct vfio_pci_device *vpdev)
{
	if (!vfio_pci_mig_ops(vpdev))
		return;
	mutex_lock(&vpdev->mig.lock);
	log_end(vpdev);
	vfio_pci_mig_unlock(vpdev);
}
