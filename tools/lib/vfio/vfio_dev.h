/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A userspace client of the VFIO device uAPI, one library for the test
 * programs (tools/testing/selftests/vfio-pci) and the tools (tools/vfio):
 * open a device through its group and a type1 container, query regions
 * and irqs, access regions, device features and migration state, DMA
 * maps.  The remap protocol's client (remap_client.h) builds on it.
 *
 * Functions returning int give 0 (or an index) on success, -errno on
 * failure.  __printf(a, b) is expected from the build, as in kernel code.
 */
#ifndef VFIO_DEV_H
#define VFIO_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct vfio_dev {
	int container;
	int group;
	int fd;
	char bdf[32];
};

/* Open @bdf: container (type1v2), group, device.  Returns 0 or -errno. */
int vfio_dev_open(struct vfio_dev *d, const char *bdf);
/* vfio_dev_open() for a command @prog: says on stderr why it failed. */
int vfio_dev_open_cmd(struct vfio_dev *d, const char *prog, const char *bdf);
/* Same, but only the group and container (no device fd). */
int vfio_group_open(struct vfio_dev *d, const char *bdf);
void vfio_dev_close(struct vfio_dev *d);

/* VFIO_DEVICE_GET_INFO / GET_REGION_INFO / GET_IRQ_INFO; 0 or -errno. */
int vfio_device_info(struct vfio_dev *d, struct vfio_device_info *info);
int vfio_region_info(struct vfio_dev *d, unsigned int index,
		     struct vfio_region_info *info);
int vfio_irq_info(struct vfio_dev *d, unsigned int index,
		  struct vfio_irq_info *info);

/* Full-length pread/pwrite on a region; 0 or -errno (-EIO if short). */
int vfio_region_read(struct vfio_dev *d, unsigned int index, uint64_t off,
		     void *buf, size_t len);
int vfio_region_write(struct vfio_dev *d, unsigned int index, uint64_t off,
		      const void *buf, size_t len);
int vfio_read32(struct vfio_dev *d, unsigned int index, uint64_t off,
		uint32_t *val);
int vfio_write32(struct vfio_dev *d, unsigned int index, uint64_t off,
		 uint32_t val);

/* Offset of region @index in the device fd (from GET_REGION_INFO). */
uint64_t vfio_region_offset(struct vfio_dev *d, unsigned int index);

/* Find a region by its type capability; returns its index or -ENOENT. */
int vfio_find_region(struct vfio_dev *d, uint32_t type, uint32_t subtype,
		     struct vfio_region_info *out);

/*
 * An info ioctl (VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_IRQ_INFO) of
 * @index on device fd @fd, in a buffer grown until its capability chain
 * fits; @minsz is the structure's size.  Returns a malloc'ed buffer to
 * free(), or NULL with errno set.
 */
void *vfio_info_get(int fd, unsigned long request, size_t minsz,
		    uint32_t index);

/*
 * Capability @id in the chain starting at @cap_offset of an info buffer,
 * if all @size bytes of it lie within the argsz the kernel answered; NULL
 * when absent or truncated.  vfio_info_cap() asks for the header only.
 */
void *vfio_info_cap_sized(void *info, uint32_t cap_offset, uint16_t id,
			  size_t size);
struct vfio_info_cap_header *vfio_info_cap(void *info, uint32_t cap_offset,
					   uint16_t id);

/* Enable a type1 identity-ish DMA map of @len bytes at @iova. */
int vfio_dma_map(struct vfio_dev *d, void *vaddr, uint64_t iova,
		 uint64_t len);
int vfio_dma_unmap(struct vfio_dev *d, uint64_t iova, uint64_t len);

/*
 * Set bits in the PCI command register through the config region (e.g.
 * PCI_COMMAND_MEMORY, which BAR access needs).  Returns 0 or -errno.
 */
int vfio_pci_command_set(struct vfio_dev *d, uint16_t bits);

/* Clear bits in the PCI command register.  Returns 0 or -errno. */
int vfio_pci_command_clear(struct vfio_dev *d, uint16_t bits);

/*
 * Offset of capability @id in @cfg, the first 256 bytes of a device's
 * config space, or 0 if it has none.
 */
unsigned int vfio_pci_find_cap(const uint8_t *cfg, uint8_t id);

/*
 * Attach eventfd @fd as the trigger of all @count vectors from 0 of irq
 * @index (VFIO_IRQ_SET_ACTION_TRIGGER), or with @fd < 0 disable the irq
 * (DATA_NONE, count 0).  Returns 0 or -errno.
 */
int vfio_irq_trigger(struct vfio_dev *d, unsigned int index, int fd);

/*
 * VFIO_DEVICE_FEATURE with @flags (feature and GET/SET/PROBE) and @len
 * bytes of @data, copied back after the call.  Returns 0 or -errno.
 */
int vfio_device_feature(int fd, uint32_t flags, void *data, size_t len);

/*
 * Migration state (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE) of device fd @fd.
 * vfio_mig_state_set() returns 0 or -errno and gives the data file in
 * *@data_fd (-1 if none), or closes it when @data_fd is NULL;
 * vfio_mig_state_get() returns the state, or ~0U on error.
 */
int vfio_mig_state_set(int fd, uint32_t state, int *data_fd);
uint32_t vfio_mig_state_get(int fd);

/* "EINVAL" for -EINVAL or EINVAL, "ok" for 0, "E<n>" when unknown. */
const char *vfio_errname(int err);

#endif /* VFIO_DEV_H */
