// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vendor driver's own accesses to the device's memory BARs: the shared
 * kernel mapping, the bracket that keeps them out of a reset or a disabled
 * decoder, and whole-register reads and writes of kernel values.
 *
 * The value helpers exist for trapped registers: a vendor that checks what
 * userspace writes must write the value it checked.  Passing the user's
 * buffer on to the default write op reads it a second time, and another
 * thread of the VMM can change it in between.
 */
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/pci.h>

#include "vfio_pci_vendor_priv.h"

/**
 * vfio_pci_get_barmap() - kernel mapping of a memory BAR
 * @vdev: a device bound to vfio-pci, currently open
 * @bar: BAR number, 0 to 5
 *
 * Shares vfio_pci_core's lazily created mapping: if core has mapped the BAR
 * already that mapping is returned, otherwise the BAR is requested and mapped
 * exactly as core would, and core releases it when the device is closed.
 * Call it from open_device() or later; the mapping is valid until the
 * device is closed.
 *
 * Return: the mapping, or ERR_PTR(-EINVAL) for a bad or non-memory BAR,
 * ERR_PTR(-EBUSY) if another driver holds the BAR's resources,
 * ERR_PTR(-ENOMEM) if it cannot be mapped.
 */
void __iomem *vfio_pci_get_barmap(struct vfio_device *vdev, int bar)
{
	struct vfio_pci_device *vpdev = to_vfio_pci(vdev);
	struct vfio_pci_core_device *core = &vpdev->core;
	struct pci_dev *pdev = core->pdev;
	void __iomem *io;
	int ret;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS ||
	    !pci_resource_len(pdev, bar) ||
	    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return IOMEM_ERR_PTR(-EINVAL);

	mutex_lock(&vpdev->barmap_lock);
	io = READ_ONCE(core->barmap[bar]);
	if (io)
		goto out;

	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio");
	if (ret) {
		/* Core may have won a race for the same BAR: use its map. */
		io = READ_ONCE(core->barmap[bar]) ?: IOMEM_ERR_PTR(ret);
		goto out;
	}
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		io = IOMEM_ERR_PTR(-ENOMEM);
		goto out;
	}
	WRITE_ONCE(core->barmap[bar], io);
out:
	mutex_unlock(&vpdev->barmap_lock);
	return io;
}
EXPORT_SYMBOL_GPL(vfio_pci_get_barmap);

/**
 * vfio_pci_vendor_mem_begin() - start an access to the device's memory BARs
 * @vdev: a device bound to vfio-pci, currently open
 *
 * A vendor driver that reads or writes BAR registers on its own (outside
 * the default read and write ops) brackets the access with this and
 * vfio_pci_vendor_mem_end(), as core does for userspace: the access must
 * not happen while the user has memory decoding off or the device is in
 * D3, and must not race with a reset.  Do not call it around
 * vfio_pci_vendor_read() or vfio_pci_vendor_write(), which take the same
 * lock themselves.
 *
 * Return: true if memory decoding is enabled: the access may go ahead,
 * and vfio_pci_vendor_mem_end() must follow; false if not: skip it (and
 * do not call vfio_pci_vendor_mem_end()).
 */
bool vfio_pci_vendor_mem_begin(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = &to_vfio_pci(vdev)->core;
	struct pci_dev *pdev = core->pdev;
	u16 cmd;

	down_read(&core->memory_lock);
	cmd = le16_to_cpu(*(__le16 *)&core->vconfig[PCI_COMMAND]);
	if ((__force int)pdev->current_state < (__force int)PCI_D3hot &&
	    (pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY)))
		return true;
	up_read(&core->memory_lock);
	return false;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_mem_begin);

/**
 * vfio_pci_vendor_mem_end() - end an access begun by vfio_pci_vendor_mem_begin()
 * @vdev: the device
 */
void vfio_pci_vendor_mem_end(struct vfio_device *vdev)
{
	up_read(&to_vfio_pci(vdev)->core.memory_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_mem_end);

/*
 * Is [@offset, @offset + @size) a whole register the helpers may access:
 * a known size, aligned, inside the BAR, and clear of the MSI-X table that
 * core keeps away from userspace?
 */
static int bar_access_check(struct vfio_pci_core_device *core, int bar,
			    u64 offset, unsigned int size)
{
	struct pci_dev *pdev = core->pdev;
	u64 end;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	if (bar < 0 || bar >= PCI_STD_NUM_BARS || offset % size ||
	    check_add_overflow(offset, (u64)size, &end) ||
	    end > pci_resource_len(pdev, bar))
		return -EINVAL;
	if (bar == core->msix_bar && offset < core->msix_offset + core->msix_size &&
	    core->msix_offset < end)
		return -EINVAL;
	return 0;
}

/*
 * Check the access, map the BAR and take core's memory lock: on success
 * the caller accesses *@io + @offset, then calls vfio_pci_vendor_mem_end().
 */
static int bar_access_begin(struct vfio_device *vdev, int bar, u64 offset,
			    unsigned int size, void __iomem **io)
{
	int ret;

	ret = bar_access_check(&to_vfio_pci(vdev)->core, bar, offset, size);
	if (ret)
		return ret;
	*io = vfio_pci_get_barmap(vdev, bar);
	if (IS_ERR(*io))
		return PTR_ERR(*io);
	if (!vfio_pci_vendor_mem_begin(vdev))
		return -EIO;
	return 0;
}

/**
 * vfio_pci_vendor_bar_write() - write a checked value to a BAR register
 * @vdev: a device bound to vfio-pci, currently open
 * @bar: BAR number, 0 to 5 (a memory BAR)
 * @offset: register offset in the BAR, a multiple of @size
 * @val: the register value (written little-endian, as the device expects)
 * @size: register width in bytes: 1, 2, 4 or 8
 *
 * For a vendor's write op that copied and checked the user's value: writes
 * that same value the way the default write op would (under core's memory
 * lock, only with memory decoding on) without reading the user's buffer
 * again.  An 8-byte register is written as one access where the platform
 * has one, low half first otherwise.  The caller moves the file position.
 *
 * Return: 0, -EINVAL for a bad size, an unaligned offset, a range outside
 * the BAR or over the MSI-X table, -EIO with memory decoding off or the
 * device in D3, or the error vfio_pci_get_barmap() returns.
 */
int vfio_pci_vendor_bar_write(struct vfio_device *vdev, int bar, u64 offset,
			      u64 val, unsigned int size)
{
	void __iomem *io;
	int ret;

	ret = bar_access_begin(vdev, bar, offset, size, &io);
	if (ret)
		return ret;
	switch (size) {
	case 1:
		iowrite8(val, io + offset);
		break;
	case 2:
		iowrite16(val, io + offset);
		break;
	case 4:
		iowrite32(val, io + offset);
		break;
	default:
		iowrite64(val, io + offset);
		break;
	}
	vfio_pci_vendor_mem_end(vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_bar_write);

/**
 * vfio_pci_vendor_bar_read() - read a BAR register into a kernel value
 * @vdev: a device bound to vfio-pci, currently open
 * @bar: BAR number, 0 to 5 (a memory BAR)
 * @offset: register offset in the BAR, a multiple of @size
 * @val: where the register value goes
 * @size: register width in bytes: 1, 2, 4 or 8
 *
 * The read counterpart of vfio_pci_vendor_bar_write(), for a read op that
 * changes what userspace sees: read, adjust, then copy to the user once.
 *
 * Return: as vfio_pci_vendor_bar_write().
 */
int vfio_pci_vendor_bar_read(struct vfio_device *vdev, int bar, u64 offset,
			     u64 *val, unsigned int size)
{
	void __iomem *io;
	int ret;

	ret = bar_access_begin(vdev, bar, offset, size, &io);
	if (ret)
		return ret;
	switch (size) {
	case 1:
		*val = ioread8(io + offset);
		break;
	case 2:
		*val = ioread16(io + offset);
		break;
	case 4:
		*val = ioread32(io + offset);
		break;
	default:
		*val = ioread64(io + offset);
		break;
	}
	vfio_pci_vendor_mem_end(vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_vendor_bar_read);
