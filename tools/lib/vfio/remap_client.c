// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference client of the vfio-pci remap protocol: what a VMM does.  Read
 * remap_client.h first; the comments here say why each step is the way it
 * is.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "remap_client.h"
#include "vfio_dev.h"

static void vrc_logf(struct vrc *c, const char *fmt, ...) __printf(2, 3);

static void vrc_logf(struct vrc *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->log(c->log_arg, msg);
}

int vrc_find_irq(int device)
{
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	unsigned int i;

	if (ioctl(device, VFIO_DEVICE_GET_INFO, &dinfo))
		return -errno;

	/* Device-specific irqs follow the standard ones. */
	for (i = VFIO_PCI_NUM_IRQS; i < dinfo.num_irqs; i++) {
		struct vfio_irq_info_cap_type *type;
		struct vfio_irq_info_cap *info;
		bool found = false;

		info = vfio_info_get(device, VFIO_DEVICE_GET_IRQ_INFO,
				     sizeof(*info), i);
		if (!info)
			continue;
		/* A kernel without irq capabilities leaves the flag clear. */
		if (info->flags & VFIO_IRQ_INFO_FLAG_CAPS) {
			type = vfio_info_cap_sized(info, info->cap_offset,
						   VFIO_IRQ_INFO_CAP_TYPE,
						   sizeof(*type));
			found = type &&
				type->type == VFIO_IRQ_TYPE_REMAP_BAR_REGION &&
				type->subtype == VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION;
		}
		free(info);
		if (found)
			return i;
	}
	return -ENOENT;
}

/* Areas region info allows to map now; returns how many (0: none). */
static int allowed_areas(int device, unsigned int index,
			 struct vrc_region *r, struct vrc_area *out)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_region_info *info;
	unsigned int i, nr = 0;

	info = vfio_info_get(device, VFIO_DEVICE_GET_REGION_INFO,
			     sizeof(*info), index);
	if (!info)
		return -errno;
	r->flags = info->flags;
	r->size = info->size;
	r->fd_offset = info->offset;
	r->mappable = info->flags & VFIO_REGION_INFO_FLAG_MMAP;

	if (!r->mappable || !info->size)
		goto out;
	sparse = NULL;
	if (info->flags & VFIO_REGION_INFO_FLAG_CAPS)
		sparse = vfio_info_cap_sized(info, info->cap_offset,
					     VFIO_REGION_INFO_CAP_SPARSE_MMAP,
					     sizeof(*sparse));
	if (sparse && (char *)&sparse->areas[sparse->nr_areas] >
		      (char *)info + info->argsz)
		goto out;	/* truncated: map nothing rather than guess */
	if (!sparse) {
		/* No sparse-mmap capability: the whole region. */
		out[0].offset = 0;
		out[0].size = info->size;
		nr = 1;
		goto out;
	}
	for (i = 0; i < sparse->nr_areas && nr < VRC_MAX_AREAS; i++) {
		uint64_t off = sparse->areas[i].offset;
		uint64_t size = sparse->areas[i].size;

		if (!size || off >= info->size || size > info->size - off)
			continue;	/* nonsense: do not map it */
		out[nr].offset = off;
		out[nr].size = size;
		nr++;
	}
out:
	free(info);
	return nr;
}

static bool has_area(const struct vrc_area *areas, unsigned int nr,
		     const struct vrc_area *a)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (areas[i].offset == a->offset && areas[i].size == a->size)
			return true;
	return false;
}

/*
 * Drop a mapping by putting the reservation back over it: one mmap() with
 * MAP_FIXED replaces the device pages atomically, so the range never
 * becomes free for another mapping to land in.
 */
static int drop_area(struct vrc_region *r, const struct vrc_area *a)
{
	void *p = mmap(r->base + a->offset, a->size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		       -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

static int map_area(struct vrc *c, struct vrc_region *r,
		    const struct vrc_area *a)
{
	void *p = mmap(r->base + a->offset, a->size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, c->device,
		       r->fd_offset + a->offset);

	return p == MAP_FAILED ? -errno : 0;
}

/* Make region @index's mappings follow its region info. */
static int map_region(struct vrc *c, unsigned int index)
{
	struct vrc_region *r = &c->regions[index];
	struct vrc_area want[VRC_MAX_AREAS];
	unsigned int i, nr_kept = 0;
	long page = sysconf(_SC_PAGESIZE);
	int nr, ret;

	nr = allowed_areas(c->device, index, r, want);
	if (nr < 0)
		return nr;

	if (nr && !r->base) {
		r->reserved = (r->size + page - 1) & ~(uint64_t)(page - 1);
		r->base = mmap(NULL, r->reserved, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);
		if (r->base == MAP_FAILED) {
			r->base = NULL;
			return -errno;
		}
	}

	/*
	 * First drop what is no longer listed: this is what the driver waits
	 * for, and it must be done before the acknowledgment.
	 */
	for (i = 0; i < r->nr_areas; i++) {
		if (has_area(want, nr, &r->areas[i])) {
			r->areas[nr_kept++] = r->areas[i];
			continue;
		}
		ret = drop_area(r, &r->areas[i]);
		if (ret)
			return ret;	/* cannot happen short of ENOMEM */
		vrc_logf(c, "region %u: unmapped [0x%llx, 0x%llx)", index,
			 (unsigned long long)r->areas[i].offset,
			 (unsigned long long)(r->areas[i].offset +
					      r->areas[i].size));
	}
	r->nr_areas = nr_kept;

	/*
	 * Then map what is newly listed.  mmap() may refuse an area if the
	 * driver trapped it again since we read the region info; that change
	 * has a newer generation, so our ack will be refused as stale and we
	 * will come back.  Not mapping is always safe: accesses take the
	 * trapped path.
	 */
	for (i = 0; i < (unsigned int)nr; i++) {
		if (has_area(r->areas, r->nr_areas, &want[i]))
			continue;
		ret = map_area(c, r, &want[i]);
		if (ret) {
			c->mmap_refused++;
			vrc_logf(c, "region %u: mmap [0x%llx, 0x%llx) refused: %s",
				 index, (unsigned long long)want[i].offset,
				 (unsigned long long)(want[i].offset +
						      want[i].size),
				 strerror(-ret));
			continue;
		}
		r->areas[r->nr_areas++] = want[i];
		vrc_logf(c, "region %u: mapped [0x%llx, 0x%llx)", index,
			 (unsigned long long)want[i].offset,
			 (unsigned long long)(want[i].offset + want[i].size));
	}
	return 0;
}

int vrc_init(struct vrc *c, int device)
{
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	void (*log)(void *, const char *) = c->log;
	void (*acked)(void *, uint64_t) = c->acked;
	void *log_arg = c->log_arg;
	unsigned int i;
	int ret;

	/* Keep the caller's hooks, clear the rest. */
	memset(c, 0, sizeof(*c));
	c->log = log;
	c->acked = acked;
	c->log_arg = log_arg;
	c->device = device;
	c->eventfd = -1;
	if (ioctl(device, VFIO_DEVICE_GET_INFO, &dinfo))
		return -errno;
	c->nr_regions = dinfo.num_regions < VRC_MAX_REGIONS ?
			dinfo.num_regions : VRC_MAX_REGIONS;

	c->irq_index = vrc_find_irq(device);
	if (c->irq_index >= 0)
		vrc_logf(c, "remap irq: index %d", c->irq_index);
	else
		vrc_logf(c, "no remap irq: mappings never change");

	for (i = 0; i < c->nr_regions; i++) {
		ret = map_region(c, i);
		/* Indexes without a region (e.g. no VGA) answer EINVAL. */
		if (ret && ret != -EINVAL) {
			vrc_cleanup(c);
			return ret;
		}
	}
	return 0;
}

void vrc_cleanup(struct vrc *c)
{
	unsigned int i;

	if (c->eventfd >= 0)
		vrc_disable(c);
	for (i = 0; i < c->nr_regions; i++) {
		struct vrc_region *r = &c->regions[i];

		if (r->base)
			munmap(r->base, r->reserved);
		r->base = NULL;
		r->nr_areas = 0;
	}
}

/* VFIO_DEVICE_SET_IRQS, ACTION_TRIGGER with one eventfd (or -1). */
static int set_trigger(struct vrc *c, int32_t fd)
{
	uint64_t buf[(sizeof(struct vfio_irq_set) + sizeof(int32_t) + 7) / 8];
	struct vfio_irq_set *set = (void *)buf;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(struct vfio_irq_set) + sizeof(int32_t);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = c->irq_index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	return ioctl(c->device, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

int vrc_enable(struct vrc *c)
{
	int ret;

	if (c->irq_index < 0)
		return -ENOENT;
	if (c->eventfd < 0) {
		c->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (c->eventfd < 0)
			return -errno;
	}
	ret = set_trigger(c, c->eventfd);
	if (ret) {
		close(c->eventfd);
		c->eventfd = -1;
		return ret;
	}
	vrc_logf(c, "opted in: eventfd attached to irq %d", c->irq_index);
	/*
	 * Requests made before we attached (for instance while we mapped the
	 * regions) are outstanding: apply them now rather than wait.
	 */
	ret = vrc_handle(c);
	return ret < 0 ? ret : 0;
}

int vrc_disable(struct vrc *c)
{
	int ret;

	if (c->eventfd < 0)
		return 0;
	ret = set_trigger(c, -1);
	close(c->eventfd);
	c->eventfd = -1;
	vrc_logf(c, "opted out");
	return ret;
}

int vrc_wait(struct vrc *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->eventfd, .events = POLLIN };
	int n;

	if (c->eventfd < 0)
		return -EBADF;
	do {
		n = poll(&pfd, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n > 0;
}

uint64_t vrc_drain(struct vrc *c)
{
	uint64_t v = 0;

	if (c->eventfd < 0 || read(c->eventfd, &v, sizeof(v)) != sizeof(v))
		return 0;
	c->signals++;
	return v;
}

/* One VFIO_DEVICE_FEATURE call on the remap feature. */
static int remap_feature(struct vrc *c, uint32_t op,
			 struct vfio_device_feature_region_remap *st)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) +
		      sizeof(*st) + 7) / 8];
	struct vfio_device_feature *f = (void *)buf;
	int ret;

	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(*f) + sizeof(*st);
	f->flags = op | VFIO_DEVICE_FEATURE_REGION_REMAP;
	memcpy(f->data, st, sizeof(*st));
	ret = ioctl(c->device, VFIO_DEVICE_FEATURE, f);
	if (ret < 0)
		return -errno;
	if (ret > 0)
		return -EPROTO;	/* not what the uAPI promises: do not guess */
	memcpy(st, f->data, sizeof(*st));
	return 0;
}

int vrc_status(struct vrc *c, struct vrc_status *out)
{
	struct vfio_device_feature_region_remap st = {};
	int ret = remap_feature(c, VFIO_DEVICE_FEATURE_GET, &st);

	if (ret)
		return ret;
	out->generation = st.generation;
	out->regions = st.regions;
	out->acked = st.acked;
	out->irq_index = st.irq_index;
	return 0;
}

int vrc_apply(struct vrc *c, uint64_t regions)
{
	unsigned int i;
	int n = 0, ret;

	for (i = 0; i < c->nr_regions; i++) {
		if (!(regions & (1ULL << i)))
			continue;
		ret = map_region(c, i);
		if (ret)
			return ret;
		n++;
	}
	return n;
}

int vrc_ack(struct vrc *c, uint64_t generation)
{
	struct vfio_device_feature_region_remap st = {
		.generation = generation,
	};
	int ret = remap_feature(c, VFIO_DEVICE_FEATURE_SET, &st);

	if (ret == -ESTALE)
		c->stale++;
	if (ret)
		return ret;
	c->last_acked = generation;
	return 0;
}

int vrc_handle(struct vrc *c)
{
	struct vrc_status st;
	int tries, ret;

	/*
	 * Drain the eventfd before reading the status: a request made after
	 * this point signals again, so it cannot be lost.  The value read
	 * only says "look" (a count of signals since Linux 6.8, the OR of
	 * region bits before): the status alone says which regions changed.
	 */
	vrc_drain(c);

	for (tries = 0; tries < 8; tries++) {
		/* 1. Which request is the latest, which regions changed. */
		ret = vrc_status(c, &st);
		if (ret)
			return ret;
		if (!st.generation || st.acked == st.generation)
			return 0;	/* nothing outstanding */

		/*
		 * 2. Region info is read after the status, so it reflects
		 * that request or a newer one, never an older one.
		 */
		ret = vrc_apply(c, st.regions);
		if (ret < 0)
			return ret;

		/* 3. Acknowledge exactly the generation we read. */
		ret = vrc_ack(c, st.generation);
		if (!ret) {
			c->handled++;
			vrc_logf(c, "acked generation %llu (regions 0x%llx)",
				 (unsigned long long)st.generation,
				 (unsigned long long)st.regions);
			/* 4. Migrating?  All guest memory dirty once more. */
			if (c->acked)
				c->acked(c->log_arg, st.generation);
			return 1;
		}
		if (ret != -ESTALE)
			return ret;
		/* A newer request arrived meanwhile: start again. */
		vrc_logf(c, "generation %llu superseded, reading again",
			 (unsigned long long)st.generation);
	}
	/* The driver keeps changing: its next request signals us again. */
	return 0;
}

void *vrc_mapped(struct vrc *c, unsigned int index, uint64_t offset,
		 uint64_t len)
{
	struct vrc_region *r;
	unsigned int i;

	if (index >= c->nr_regions)
		return NULL;
	r = &c->regions[index];
	for (i = 0; i < r->nr_areas; i++) {
		const struct vrc_area *a = &r->areas[i];

		if (offset >= a->offset && len <= a->size &&
		    offset - a->offset <= a->size - len)
			return r->base + offset;
	}
	return NULL;
}

/*
 * One 32-bit access through a mapping, which the compiler may neither
 * split, merge, reorder with other accesses nor drop (on x86 these are
 * plain moves, as a vCPU's access would be).
 */
static uint32_t mmio_read32(void *p)
{
	return __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE);
}

static void mmio_write32(void *p, uint32_t val)
{
	__atomic_store_n((uint32_t *)p, val, __ATOMIC_RELEASE);
}

int vrc_read32(struct vrc *c, unsigned int index, uint64_t offset,
	       uint32_t *val)
{
	void *p = vrc_mapped(c, index, offset, sizeof(*val));
	ssize_t n;

	if (p) {
		*val = mmio_read32(p);
		return 0;
	}
	if (index >= c->nr_regions)
		return -EINVAL;
	n = pread(c->device, val, sizeof(*val),
		  c->regions[index].fd_offset + offset);
	if (n < 0)
		return -errno;
	return n == sizeof(*val) ? 0 : -EIO;
}

int vrc_write32(struct vrc *c, unsigned int index, uint64_t offset,
		uint32_t val)
{
	void *p = vrc_mapped(c, index, offset, sizeof(val));
	ssize_t n;

	if (p) {
		mmio_write32(p, val);
		return 0;
	}
	if (index >= c->nr_regions)
		return -EINVAL;
	n = pwrite(c->device, &val, sizeof(val),
		   c->regions[index].fd_offset + offset);
	if (n < 0)
		return -errno;
	return n == sizeof(val) ? 0 : -EIO;
}
