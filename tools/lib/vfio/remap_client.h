/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference client of the vfio-pci remap protocol, for VMM authors.
 *
 * The protocol is specified in include/uapi/linux/vfio_pci_vendor.h and
 * explained, with a sequence diagram, in
 * Documentation/driver-api/vfio-pci-vendor-ops.rst ("The remap protocol,
 * for VMM authors").  This library is what a VMM does, in the order it
 * does it, with nothing else around it:
 *
 *   vrc_init()    discover the remap irq by its type capability, map every
 *                 mmappable region as its region info allows
 *   vrc_enable()  opt in: attach an eventfd to the remap irq, then apply
 *                 whatever was requested before (vrc_handle())
 *   vrc_wait()    wait for a signal (a VMM adds the eventfd to its loop)
 *   vrc_handle()  drain the eventfd, read the status, rebuild the mappings
 *                 of the regions it names, acknowledge; again if stale;
 *                 then c->acked() (where a migrating VMM marks all guest
 *                 memory dirty once)
 *   vrc_read32(), vrc_write32()
 *                 a guest access to a region: through the mapping when the
 *                 offset is mapped, else through the device fd (the trapped
 *                 path, where the vendor driver sees it)
 *
 * The steps of vrc_handle() are separate functions (vrc_drain(),
 * vrc_status(), vrc_apply(), vrc_ack()) so that tests can stop between
 * them.  The library is single threaded: a VMM whose vCPU threads access
 * the mappings directly must switch each region from its old to its new
 * layout so that a vCPU sees one or the other (QEMU does this with a
 * memory transaction); falling back to the trapped path for a moment is
 * always correct.
 *
 * Every function returns 0 (or a count) on success and -errno on failure.
 * __printf(a, b) is expected from the build, as in kernel code (see
 * tools/testing/Makefile).
 */
#ifndef VFIO_REMAP_CLIENT_H
#define VFIO_REMAP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_vendor.h>

/* Regions the library follows: the remap bitmap has 64 bits. */
#define VRC_MAX_REGIONS		64
/* Areas of one region; vfio-pci lists at most VFIO_PCI_MAX_TRAPS + 1. */
#define VRC_MAX_AREAS		16

/* One mmapped area of a region. */
struct vrc_area {
	uint64_t offset;	/* in the region */
	uint64_t size;
};

/*
 * A region the client maps.  @base reserves the whole region in the
 * address space (PROT_NONE, never accessed); each area is mapped over it
 * at base + offset, and an area that is dropped is replaced by PROT_NONE
 * again, so the region keeps one contiguous range as a guest's BAR would.
 */
struct vrc_region {
	bool mappable;		/* has VFIO_REGION_INFO_FLAG_MMAP now */
	uint32_t flags;		/* region info flags */
	uint64_t size;		/* region size */
	uint64_t fd_offset;	/* offset of the region in the device fd */
	uint8_t *base;		/* reservation, NULL if never mappable */
	uint64_t reserved;	/* its length (size rounded up to a page) */
	unsigned int nr_areas;
	struct vrc_area areas[VRC_MAX_AREAS];
};

/* The status VFIO_DEVICE_FEATURE_REGION_REMAP reports. */
struct vrc_status {
	uint64_t generation;	/* latest request */
	uint64_t regions;	/* changed since the last acknowledged one */
	uint64_t acked;		/* latest acknowledged */
	uint32_t irq_index;
};

struct vrc {
	int device;		/* the VFIO device fd (not owned) */
	int irq_index;		/* the remap irq, -1 if the device has none */
	int eventfd;		/* attached eventfd, -1 when not opted in */
	unsigned int nr_regions;
	struct vrc_region regions[VRC_MAX_REGIONS];

	/* Statistics, for logs and tests. */
	uint64_t signals;	/* eventfd reads that returned a value */
	uint64_t handled;	/* requests acknowledged */
	uint64_t stale;		/* acknowledgments refused with ESTALE */
	uint64_t mmap_refused;	/* listed areas mmap() refused */
	uint64_t last_acked;	/* generation of our latest ack */

	/* Optional log of what the client does; NULL: quiet. */
	void (*log)(void *arg, const char *msg);
	void *log_arg;
	/*
	 * Optional, called after each acknowledgment the kernel accepted.  A
	 * VMM that is migrating marks all guest memory dirty once here: the
	 * driver reports device writes precisely only from the ack on, and
	 * those since the previous dirty sync would otherwise be missed.
	 */
	void (*acked)(void *arg, uint64_t generation);
};

/*
 * Find the remap irq by its capability: GET_INFO's num_irqs, then
 * GET_IRQ_INFO with a buffer large enough for the capability chain on each
 * index from VFIO_PCI_NUM_IRQS.  Returns the index or -ENOENT.
 */
int vrc_find_irq(int device);

/*
 * Set up @c for @device: find the remap irq (none is fine: the client then
 * only maps), and map every region whose info has the MMAP flag.  The
 * device must have memory decoding enabled before the mappings are used.
 */
int vrc_init(struct vrc *c, int device);

/* Unmap everything and detach the eventfd.  @device stays open. */
void vrc_cleanup(struct vrc *c);

/*
 * Opt in: create an eventfd, attach it with VFIO_DEVICE_SET_IRQS, and
 * apply any request made before (one vrc_handle()).  -ENOENT if the device
 * has no remap irq.
 */
int vrc_enable(struct vrc *c);

/* Opt out: detach the eventfd (fd -1) and close it. */
int vrc_disable(struct vrc *c);

/* Wait up to @timeout_ms (-1: forever) for a signal: 1, 0 on timeout. */
int vrc_wait(struct vrc *c, int timeout_ms);

/* Read the eventfd if signalled, without blocking: its value, or 0. */
uint64_t vrc_drain(struct vrc *c);

/* VFIO_DEVICE_FEATURE_REGION_REMAP, GET. */
int vrc_status(struct vrc *c, struct vrc_status *st);

/*
 * Rebuild the mappings of every region whose bit is set in @regions from
 * its current region info.  Returns the number of regions examined.
 */
int vrc_apply(struct vrc *c, uint64_t regions);

/* VFIO_DEVICE_FEATURE_REGION_REMAP, SET: acknowledge @generation. */
int vrc_ack(struct vrc *c, uint64_t generation);

/*
 * Handle a signal: drain, status, apply, ack; on -ESTALE read the status
 * again.  Returns the number of requests acknowledged (0 if none was
 * outstanding) or -errno.
 */
int vrc_handle(struct vrc *c);

/*
 * Address of [@offset, @offset + @len) of region @index if it lies in one
 * mapped area, else NULL (the range is trapped: use the device fd).
 */
void *vrc_mapped(struct vrc *c, unsigned int index, uint64_t offset,
		 uint64_t len);

/* A 32-bit guest access, through the mapping or the device fd. */
int vrc_read32(struct vrc *c, unsigned int index, uint64_t offset,
	       uint32_t *val);
int vrc_write32(struct vrc *c, unsigned int index, uint64_t offset,
		uint32_t val);

#endif /* VFIO_REMAP_CLIENT_H */
