/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * uAPI additions of vfio-pci with vendor ops: device-specific irq types and
 * the region remap protocol.  Use beside the system's <linux/vfio.h>.
 *
 * Device-specific irqs
 * --------------------
 * A vendor driver may add irqs after the standard vfio-pci ones: their
 * indexes start at VFIO_PCI_NUM_IRQS and VFIO_DEVICE_GET_INFO's num_irqs
 * counts them.  VFIO_DEVICE_GET_IRQ_INFO describes one with a capability
 * chain when the caller passes argsz >= sizeof(struct vfio_irq_info_cap):
 * flags then has VFIO_IRQ_INFO_FLAG_CAPS, and cap_offset points at a
 * VFIO_IRQ_INFO_CAP_TYPE capability naming the irq's type and subtype (if
 * argsz is too small for the chain, argsz is raised to the size needed and
 * cap_offset is 0: call again).  A caller with the old argsz
 * (sizeof(struct vfio_irq_info)) gets the old answer and no capability.
 * Such an irq is triggered through an eventfd set with VFIO_DEVICE_SET_IRQS
 * (ACTION_TRIGGER, DATA_EVENTFD with fd -1 to detach; DATA_NONE or
 * DATA_BOOL to fire it once, for testing); it cannot be masked.
 *
 * The remap protocol (VFIO_IRQ_TYPE_REMAP_BAR_REGION)
 * ---------------------------------------------------
 * Why: a vendor driver sometimes needs writes to part of a region that the
 * VMM has mmapped to reach the driver instead, e.g. to see a NIC's doorbell
 * writes while dirty pages are tracked.  The driver cannot revoke a mapping
 * without killing the VM (a refused fault is SIGBUS), so it asks the VMM.
 *
 * 1. Opt in.  The VMM finds the irq by its type capability and attaches an
 *    eventfd with VFIO_DEVICE_SET_IRQS.  Until it does, the driver never
 *    relies on the protocol: it keeps working in a conservative mode its
 *    documentation describes (for instance reporting all guest memory
 *    dirty), and acknowledgments are refused with ENOTCONN.  Attaching
 *    signals at once any request made before, so the VMM handles one
 *    signal right after opting in.  Detaching the eventfd opts out again;
 *    closing the device drops every trap and request (the next open starts
 *    opted out, generations from 0).
 *
 * 2. Signal.  When the driver changes which parts of a region may be
 *    mmapped it raises the request generation and signals the eventfd.
 *    What the VMM reads from the eventfd only says "look": the feature
 *    below is the answer.  (Before Linux 6.8 the value added has bit n set
 *    for each region index n newly changed, so it is usually the OR of
 *    those bits; from 6.8 on the kernel can only add 1 per signal.  A test
 *    trigger through SET_IRQS adds 1 on every kernel.)
 *
 * 3. Remap.  The VMM drains the eventfd, then reads
 *    VFIO_DEVICE_FEATURE_REGION_REMAP (GET): it returns the latest
 *    generation and the regions changed since the last acknowledged one.
 *    For each, it re-reads VFIO_DEVICE_GET_REGION_INFO, whose sparse-mmap
 *    capability (or the absence of the MMAP flag) is always the current
 *    truth, unmaps what is no longer listed and maps what is.  mmap() of a
 *    range that is not listed fails with -EINVAL.
 *
 * 4. Acknowledge, on a different channel from the signal: a SET of
 *    VFIO_DEVICE_FEATURE_REGION_REMAP with the generation the VMM has
 *    applied, meaning "I map nothing outside the listed areas".  Only the
 *    latest generation can be acknowledged: an older one fails with
 *    -ESTALE (the VMM must read again), so a late ack never confirms a
 *    newer request; repeating an ack is harmless.
 *
 *    If a migration is in progress, the VMM then treats all guest memory
 *    as dirty once more: a driver may only begin reporting device writes
 *    precisely once the acknowledgment arrives, and writes between the
 *    VMM's previous dirty sync and that moment would otherwise be missed.
 *
 * 5. Until the acknowledgment, mappings the VMM already has keep working
 *    and the driver stays conservative.  No kernel path waits for the VMM:
 *    the driver learns of the ack when it arrives, and migration state
 *    changes never depend on it.  A VMM that never remaps simply keeps its
 *    mappings and the conservative mode for as long as the request stands.
 */
#ifndef _UAPI_LINUX_VFIO_PCI_VENDOR_H
#define _UAPI_LINUX_VFIO_PCI_VENDOR_H

#include <linux/types.h>
#include <linux/vfio.h>

/* In struct vfio_irq_info_cap.flags: cap_offset is valid. */
#define VFIO_IRQ_INFO_FLAG_CAPS		(1 << 4)

/**
 * struct vfio_irq_info_cap - struct vfio_irq_info with a capability chain
 * @argsz: as in struct vfio_irq_info; >= sizeof(this) to get capabilities
 * @flags: VFIO_IRQ_INFO_* flags, VFIO_IRQ_INFO_FLAG_CAPS among them
 * @index: irq index
 * @count: number of vectors
 * @cap_offset: offset of the first capability from the start of the
 *              structure, or 0
 *
 * The first four fields are struct vfio_irq_info; @cap_offset is appended
 * after @count so older callers keep working.
 */
struct vfio_irq_info_cap {
	__u32 argsz;
	__u32 flags;
	__u32 index;
	__u32 count;
	__u32 cap_offset;
};

/* The type of a device-specific irq. */
#define VFIO_IRQ_INFO_CAP_TYPE		1

/**
 * struct vfio_irq_info_cap_type - capability naming an irq's type
 * @header: id VFIO_IRQ_INFO_CAP_TYPE, version 1
 * @type: VFIO_IRQ_TYPE_*
 * @subtype: subtype within @type
 */
struct vfio_irq_info_cap_type {
	struct vfio_info_cap_header header;
	__u32 type;
	__u32 subtype;
};

/* The VMM must re-query region info and rebuild its mmaps. */
#define VFIO_IRQ_TYPE_REMAP_BAR_REGION		1
#define VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION	0

/*
 * VFIO_DEVICE_FEATURE number of the remap status and acknowledgment,
 * chosen far above the numbers upstream assigns.  Supports PROBE, GET, SET.
 */
#define VFIO_DEVICE_FEATURE_REGION_REMAP	0x7f01

/**
 * struct vfio_device_feature_region_remap - remap status and acknowledgment
 * @generation: GET: latest request (0: none yet); SET: the request the VMM
 *              has applied
 * @regions: GET: bitmap of region indexes changed since the last
 *           acknowledged request; ignored by SET
 * @acked: GET: latest acknowledged generation; ignored by SET
 * @irq_index: GET: index of the device's remap irq; ignored by SET
 * @reserved: zero
 */
struct vfio_device_feature_region_remap {
	__u64 generation;
	__u64 regions;
	__u64 acked;
	__u32 irq_index;
	__u32 reserved;
};

#endif /* _UAPI_LINUX_VFIO_PCI_VENDOR_H */
