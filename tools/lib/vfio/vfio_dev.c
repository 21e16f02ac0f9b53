// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO client shared by the test programs and tools/vfio: open a
 * device the way a VMM does (type1 container, group, device), query and
 * access it.  See vfio_dev.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

static int iommu_group_of(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	return atoi(basename(target));
}

int vfio_group_open(struct vfio_dev *d, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int group, ret;

	memset(d, 0, sizeof(*d));
	d->container = -1;
	d->group = -1;
	d->fd = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);

	group = iommu_group_of(bdf);
	if (group < 0)
		return group;

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		goto err;
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		errno = EINVAL;
		goto err;
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		goto err;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		goto err;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		goto err;
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		goto err;
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		goto err;
	return 0;
err:
	ret = -errno;
	vfio_dev_close(d);
	return ret;
}

int vfio_dev_open(struct vfio_dev *d, const char *bdf)
{
	int ret = vfio_group_open(d, bdf);

	if (ret)
		return ret;
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->fd < 0) {
		ret = -errno;
		vfio_dev_close(d);
		return ret;
	}
	return 0;
}

int vfio_dev_open_cmd(struct vfio_dev *d, const char *prog, const char *bdf)
{
	int ret = vfio_dev_open(d, bdf);

	if (ret)
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, bdf,
			vfio_errname(ret));
	return ret;
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->fd = -1;
	d->group = -1;
	d->container = -1;
}

int vfio_device_info(struct vfio_dev *d, struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(d->fd, VFIO_DEVICE_GET_INFO, info) ? -errno : 0;
}

int vfio_region_info(struct vfio_dev *d, unsigned int index,
		     struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info) ? -errno : 0;
}

int vfio_irq_info(struct vfio_dev *d, unsigned int index,
		  struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
}

uint64_t vfio_region_offset(struct vfio_dev *d, unsigned int index)
{
	struct vfio_region_info info;

	if (vfio_region_info(d, index, &info))
		return (uint64_t)index << 40;
	return info.offset;
}

int vfio_region_read(struct vfio_dev *d, unsigned int index, uint64_t off,
		     void *buf, size_t len)
{
	ssize_t n = pread(d->fd, buf, len, vfio_region_offset(d, index) + off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int vfio_region_write(struct vfio_dev *d, unsigned int index, uint64_t off,
		      const void *buf, size_t len)
{
	ssize_t n = pwrite(d->fd, buf, len, vfio_region_offset(d, index) + off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int vfio_device_feature(int fd, uint32_t flags, void *data, size_t len)
{
	char buf[sizeof(struct vfio_device_feature) + 512];
	struct vfio_device_feature *f = (void *)buf;

	if (len > sizeof(buf) - sizeof(*f))
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	if (len)
		memcpy(f->data, data, len);
	if (ioctl(fd, VFIO_DEVICE_FEATURE, f))
		return -errno;
	if (len)
		memcpy(data, f->data, len);
	return 0;
}

int vfio_mig_state_set(int fd, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state st = { .device_state = state };
	int ret = vfio_device_feature(fd, VFIO_DEVICE_FEATURE_SET |
				      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
				      &st, sizeof(st));

	if (data_fd)
		*data_fd = ret ? -1 : st.data_fd;
	else if (!ret && st.data_fd >= 0)
		close(st.data_fd);
	return ret;
}

uint32_t vfio_mig_state_get(int fd)
{
	struct vfio_device_feature_mig_state st = {};

	if (vfio_device_feature(fd, VFIO_DEVICE_FEATURE_GET |
				VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
				&st, sizeof(st)))
		return ~0U;
	return st.device_state;
}

int vfio_read32(struct vfio_dev *d, unsigned int index, uint64_t off,
		uint32_t *val)
{
	return vfio_region_read(d, index, off, val, sizeof(*val));
}

int vfio_write32(struct vfio_dev *d, unsigned int index, uint64_t off,
		 uint32_t val)
{
	return vfio_region_write(d, index, off, &val, sizeof(val));
}

void *vfio_info_get(int fd, unsigned long request, size_t minsz,
		    uint32_t index)
{
	size_t size = minsz;
	int tries;

	/*
	 * A chain that does not fit leaves cap_offset 0 and asks for more in
	 * argsz; the answer can grow between calls, so try a few times.
	 */
	for (tries = 0; tries < 4; tries++) {
		uint32_t *buf = calloc(1, size);

		if (!buf)
			return NULL;
		buf[0] = size;		/* argsz */
		buf[2] = index;		/* index: third field of each struct */
		if (ioctl(fd, request, buf)) {
			int err = errno;

			free(buf);
			errno = err;
			return NULL;
		}
		if (buf[0] <= size)
			return buf;
		size = buf[0];
		free(buf);
	}
	errno = EOVERFLOW;
	return NULL;
}

void *vfio_info_cap_sized(void *info, uint32_t cap_offset, uint16_t id,
			  size_t size)
{
	uint32_t len = *(uint32_t *)info;	/* argsz: what the kernel wrote */
	uint32_t off = cap_offset;
	int guard;

	for (guard = 0; off && guard < 64; guard++) {
		struct vfio_info_cap_header *hdr;

		if (off % 4 || off > len || len - off < sizeof(*hdr))
			return NULL;
		hdr = (void *)((char *)info + off);
		if (hdr->id == id)
			return len - off >= size ? hdr : NULL;
		off = hdr->next;
	}
	return NULL;
}

struct vfio_info_cap_header *vfio_info_cap(void *info, uint32_t cap_offset,
					   uint16_t id)
{
	return vfio_info_cap_sized(info, cap_offset, id,
				   sizeof(struct vfio_info_cap_header));
}

int vfio_find_region(struct vfio_dev *d, uint32_t type, uint32_t subtype,
		     struct vfio_region_info *out)
{
	struct vfio_device_info dinfo;
	unsigned int i;
	int ret;

	ret = vfio_device_info(d, &dinfo);
	if (ret)
		return ret;

	for (i = VFIO_PCI_NUM_REGIONS; i < dinfo.num_regions; i++) {
		struct vfio_region_info_cap_type *cap = NULL;
		struct vfio_region_info *info;

		info = vfio_info_get(d->fd, VFIO_DEVICE_GET_REGION_INFO,
				     sizeof(*info), i);
		if (!info)
			continue;
		if (info->flags & VFIO_REGION_INFO_FLAG_CAPS)
			cap = vfio_info_cap_sized(info, info->cap_offset,
						  VFIO_REGION_INFO_CAP_TYPE,
						  sizeof(*cap));
		if (cap && cap->type == type && cap->subtype == subtype) {
			if (out)
				memcpy(out, info, sizeof(*out));
			free(info);
			return (int)i;
		}
		free(info);
	}
	return -ENOENT;
}

int vfio_dma_map(struct vfio_dev *d, void *vaddr, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = len,
	};

	return ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

int vfio_dma_unmap(struct vfio_dev *d, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	return ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
}

static int vfio_pci_command_update(struct vfio_dev *d, uint16_t set,
				   uint16_t clear)
{
	uint16_t cmd;
	int ret;

	ret = vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
			       &cmd, sizeof(cmd));
	if (ret)
		return ret;
	cmd = (cmd | set) & ~clear;
	return vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
				 &cmd, sizeof(cmd));
}

int vfio_pci_command_set(struct vfio_dev *d, uint16_t bits)
{
	return vfio_pci_command_update(d, bits, 0);
}

int vfio_pci_command_clear(struct vfio_dev *d, uint16_t bits)
{
	return vfio_pci_command_update(d, 0, bits);
}

unsigned int vfio_pci_find_cap(const uint8_t *cfg, uint8_t id)
{
	unsigned int pos = cfg[PCI_CAPABILITY_LIST] & ~3u;
	int guard = 48;

	if (!(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	while (pos >= 0x40 && pos < 256 && guard--) {
		if (cfg[pos] == id)
			return pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

int vfio_irq_trigger(struct vfio_dev *d, unsigned int index, int fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;
	int32_t efd = fd;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(buf);
	set->index = index;
	set->start = 0;
	if (fd < 0) {
		set->flags = VFIO_IRQ_SET_DATA_NONE |
			     VFIO_IRQ_SET_ACTION_TRIGGER;
		set->count = 0;
	} else {
		set->flags = VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER;
		set->count = 1;
		memcpy(set->data, &efd, sizeof(efd));
	}
	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

const char *vfio_errname(int err)
{
	static char other[16];
	const char *name;

	if (err < 0)
		err = -err;
	if (!err)
		return "ok";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(other, sizeof(other), "E%d", err);
	return other;
}
