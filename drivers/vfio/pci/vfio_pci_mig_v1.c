// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO migration protocol v1: the migration region (type 3, subtype 1) that
 * QEMU 5.2 to 7.2 drive.
 *
 *   0x0000  u32 device_state   RUNNING 1 | SAVING 2 | RESUMING 4 (6: error)
 *   0x0004  u32 reserved
 *   0x0008  u64 pending_bytes  saving only: stream bytes not yet staged
 *   0x0010  u64 data_offset    saving: reading it stages the next chunk
 *   0x0018  u64 data_size      saving: staged bytes; resuming: write it to
 *                              consume that many bytes of the data section
 *   0x1000  data section       V1_DATA_SIZE bytes, mmappable
 *
 * Header fields are accessed whole (4 or 8 bytes, aligned); pending_bytes
 * and data_offset are read-only.  Every access holds the engine's lock.
 */
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vfio_pci_vendor_priv.h"

#define V1_STATE	0x00
#define V1_RESERVED	0x04
#define V1_PENDING	0x08
#define V1_DATA_OFFSET	0x10
#define V1_DATA_SIZE_REG 0x18
#define V1_DATA_START	PAGE_SIZE
#define V1_DATA_SIZE	(64 * 1024)
#define V1_REGION_SIZE	(V1_DATA_START + V1_DATA_SIZE)

static bool v1_saving(enum vfio_pci_mig_state s)
{
	return s == MIG_PRECOPY || s == MIG_STOPCOPY;
}

/* Read one header field into *val. */
static int v1_read_field(struct vfio_pci_device *vpdev, loff_t pos,
			 size_t count, u64 *val)
{
	struct vfio_pci_mig *mig = &vpdev->mig;

	switch (pos) {
	case V1_STATE:
		if (count != 4)
			return -EINVAL;
		*val = vfio_pci_mig_to_v1(mig->state);
		return 0;
	case V1_RESERVED:
		if (count != 4)
			return -EINVAL;
		*val = 0;
		return 0;
	case V1_PENDING:
		if (count != 8 || !v1_saving(mig->state))
			return -EINVAL;
		/* Reading pending_bytes consumes the chunk staged before. */
		mig->v1_staged = 0;
		/* A v1 client reads it before each of its dirty syncs. */
		vfio_pci_mig_sync_dirty(vpdev);
		*val = mig->stream ? mig->stream_len - mig->stream_pos : 0;
		return 0;
	case V1_DATA_OFFSET:
		if (count != 8 || (!v1_saving(mig->state) &&
				   mig->state != MIG_RESUMING))
			return -EINVAL;
		if (v1_saving(mig->state) && !mig->v1_staged)
			mig->v1_staged = vfio_pci_mig_take(vpdev, mig->v1_data,
							   V1_DATA_SIZE);
		*val = V1_DATA_START;
		return 0;
	case V1_DATA_SIZE_REG:
		if (count != 8 || !v1_saving(mig->state))
			return -EINVAL;
		*val = mig->v1_staged;
		return 0;
	default:
		return -EINVAL;
	}
}

static int v1_write_field(struct vfio_pci_device *vpdev, loff_t pos,
			  size_t count, u64 val)
{
	struct vfio_pci_mig *mig = &vpdev->mig;
	enum vfio_pci_mig_state new;
	int ret;

	switch (pos) {
	case V1_STATE:
		if (count != 4)
			return -EINVAL;
		ret = vfio_pci_mig_from_v1(val, &new);
		if (ret)
			return ret;
		mig->v1_staged = 0;
		return vfio_pci_mig_set_state(vpdev, new);
	case V1_DATA_SIZE_REG:
		if (count != 8 || mig->state != MIG_RESUMING ||
		    val > V1_DATA_SIZE)
			return -EINVAL;
		return vfio_pci_mig_receive(vpdev, mig->v1_data, NULL, val);
	default:
		/* reserved, pending_bytes and data_offset are read-only */
		return -EINVAL;
	}
}

static ssize_t v1_rw_header(struct vfio_pci_device *vpdev, char __user *buf,
			    size_t count, loff_t pos, bool iswrite)
{
	u64 val = 0;
	int ret;

	if (pos % count)
		return -EINVAL;
	if (iswrite) {
		if (copy_from_user(&val, buf, count))
			return -EFAULT;
		ret = v1_write_field(vpdev, pos, count, val);
	} else {
		ret = v1_read_field(vpdev, pos, count, &val);
		if (!ret && copy_to_user(buf, &val, count))
			ret = -EFAULT;
	}
	return ret ? ret : count;
}

static ssize_t v1_rw_data(struct vfio_pci_device *vpdev, char __user *buf,
			  size_t count, loff_t pos, bool iswrite)
{
	void *p = vpdev->mig.v1_data + (pos - V1_DATA_START);

	if (count > V1_REGION_SIZE - pos)
		return -EINVAL;
	if (iswrite ? copy_from_user(p, buf, count) : copy_to_user(buf, p, count))
		return -EFAULT;
	return count;
}

static ssize_t vfio_pci_mig_v1_rw(struct vfio_pci_core_device *core,
				  char __user *buf, size_t count, loff_t *ppos,
				  bool iswrite)
{
	struct vfio_pci_device *vpdev = container_of(core, struct vfio_pci_device, core);
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	ssize_t ret;

	if (pos >= V1_REGION_SIZE)
		return -EINVAL;

	mutex_lock(&vpdev->mig.lock);
	if (pos >= V1_DATA_START)
		ret = v1_rw_data(vpdev, buf, count, pos, iswrite);
	else if (count == 4 || count == 8)
		ret = v1_rw_header(vpdev, buf, count, pos, iswrite);
	else
		ret = -EINVAL;
	vfio_pci_mig_unlock(vpdev);
	return ret;
}

static int vfio_pci_mig_v1_mmap(struct vfio_pci_core_device *core,
				struct vfio_pci_region *region,
				struct vm_area_struct *vma)
{
	struct vfio_pci_device *vpdev = container_of(core, struct vfio_pci_device, core);
	u64 pgoff = vma->vm_pgoff & ((1ULL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
	u64 start = pgoff << PAGE_SHIFT, len = vma->vm_end - vma->vm_start;

	/* Only the data section is mmappable. */
	if (start < V1_DATA_START || len > V1_REGION_SIZE - start)
		return -EINVAL;
	vfio_pci_compat_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return remap_vmalloc_range(vma, vpdev->mig.v1_data,
				   (start - V1_DATA_START) >> PAGE_SHIFT);
}

static int vfio_pci_mig_v1_add_cap(struct vfio_pci_core_device *core,
				   struct vfio_pci_region *region,
				   struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t size = struct_size(sparse, areas, 1);
	int ret;

	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = 1;
	sparse->areas[0].offset = V1_DATA_START;
	sparse->areas[0].size = V1_DATA_SIZE;
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

static void vfio_pci_mig_v1_release(struct vfio_pci_core_device *core,
				    struct vfio_pci_region *region)
{
	struct vfio_pci_device *vpdev = container_of(core, struct vfio_pci_device, core);

	vfree(vpdev->mig.v1_data);
	vpdev->mig.v1_data = NULL;
}

static const struct vfio_pci_regops vfio_pci_mig_v1_regops = {
	.rw		= vfio_pci_mig_v1_rw,
	.mmap		= vfio_pci_mig_v1_mmap,
	.add_capability	= vfio_pci_mig_v1_add_cap,
	.release	= vfio_pci_mig_v1_release,
};

/**
 * vfio_pci_mig_v1_open() - add the v1 migration region for this open
 * @vpdev: the device, being opened; core and the engine are ready
 *
 * Nothing for a vendor without v1.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_pci_mig_v1_open(struct vfio_pci_device *vpdev)
{
	const struct vfio_pci_migration_ops *ops = vfio_pci_mig_ops(vpdev);
	int ret;

	if (!ops || !(ops->protocols & VFIO_PCI_MIGRATION_V1))
		return 0;
	vpdev->mig.v1_data = vmalloc_user(V1_DATA_SIZE);
	if (!vpdev->mig.v1_data)
		return -ENOMEM;
	ret = vfio_pci_core_register_dev_region(&vpdev->core,
						VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
						VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED,
						&vfio_pci_mig_v1_regops,
						V1_REGION_SIZE,
						VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE |
						VFIO_REGION_INFO_FLAG_MMAP,
						NULL);
	if (ret) {
		vfree(vpdev->mig.v1_data);
		vpdev->mig.v1_data = NULL;
	}
	return ret;
}
