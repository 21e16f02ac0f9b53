// SPDX-License-Identifier: GPL-2.0-only
/*
 * A client's dirty-sync rhythm, without QEMU.  v1 (the default): put the
 * device in SAVING|RUNNING, read pending_bytes <n> times (a v1 client reads
 * it before each of its dirty syncs), then back to RUNNING.  "log": start
 * device DMA logging over 1 MiB, ask for <n> reports, stop.  The test
 * vendor counts the sync_dirty calls vfio-pci makes for it.  "pin": map a
 * page at IOVA 0, take the device (protocol v2) from RUNNING to STOP_COPY
 * and back, twice, and print "saving after save 1: <v>" and "saving after
 * the session: <v>" with <v> the contents of <file> read then (the test
 * vendor's count of devices whose reporting is on).  "dirty": map <pages>
 * pages at IOVA 0, start type1's dirty tracking, take the device to
 * STOP_COPY (the test vendor with mig_pin marks its pages then), and print
 * "dirty: <count> of <pages> pages, first <i>, last <j>" from type1's
 * bitmap (-1 for none).
 *
 * usage: vfio_mig_sync <domain:bus:slot.fn> <n> [log]
 *        vfio_mig_sync <domain:bus:slot.fn> pin <file>
 *        vfio_mig_sync <domain:bus:slot.fn> dirty <pages>
 * Exit status: 0 if every step succeeded, 1 if one failed, 2 on bad usage,
 * 3 if the device offers no DMA logging.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vfio_dev.h"

#define V1_STATE	0x00
#define V1_PENDING	0x08
#define V1_RUNNING	1
#define V1_SAVING	2

#define LOG_PAGE	4096ULL
#define LOG_LEN		0x100000ULL

static int v1_state(struct vfio_dev *d, int index, uint32_t state)
{
	return vfio_region_write(d, index, V1_STATE, &state, sizeof(state));
}

static int v1_syncs(struct vfio_dev *d, int n)
{
	struct vfio_region_info info;
	uint64_t pending;
	int index, ret, i;

	index = vfio_find_region(d, VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
				 VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED, &info);
	if (index < 0)
		return index;
	ret = v1_state(d, index, V1_SAVING | V1_RUNNING);
	for (i = 0; !ret && i < n; i++)
		ret = vfio_region_read(d, index, V1_PENDING, &pending,
				       sizeof(pending));
	return ret ?: v1_state(d, index, V1_RUNNING);
}

static int log_syncs(struct vfio_dev *d, int n)
{
	struct vfio_device_feature_dma_logging_range range = {
		.iova = 0, .length = LOG_LEN,
	};
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = LOG_PAGE, .num_ranges = 1,
		.ranges = (uintptr_t)&range,
	};
	uint64_t bitmap[LOG_LEN / LOG_PAGE / 64];
	struct vfio_device_feature_dma_logging_report r = {
		.iova = 0, .length = LOG_LEN, .page_size = LOG_PAGE,
		.bitmap = (uintptr_t)bitmap,
	};
	int ret, i;

	ret = vfio_device_feature(d->fd, VFIO_DEVICE_FEATURE_SET |
				  VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
				  &c, sizeof(c));
	for (i = 0; !ret && i < n; i++)
		ret = vfio_device_feature(d->fd, VFIO_DEVICE_FEATURE_GET |
					  VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
					  &r, sizeof(r));
	if (!i)
		return ret;
	return vfio_device_feature(d->fd, VFIO_DEVICE_FEATURE_SET |
				   VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
				   NULL, 0) ?: ret;
}

/* Print "<what>: <contents of @file>". */
static int print_file(const char *what, const char *file)
{
	char v[32] = "";
	FILE *f = fopen(file, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(v, sizeof(v), f))
		ret = -EIO;
	fclose(f);
	printf("%s: %s", what, v);
	return ret;
}

static int pin_session(struct vfio_dev *d, const char *file)
{
	void *page = mmap(NULL, LOG_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret, i;

	if (page == MAP_FAILED)
		return -errno;
	ret = vfio_dma_map(d, page, 0, LOG_PAGE);
	for (i = 0; !ret && i < 2; i++) {
		ret = vfio_mig_state_set(d->fd, VFIO_DEVICE_STATE_STOP_COPY,
					 NULL);
		ret = ret ?: vfio_mig_state_set(d->fd,
						VFIO_DEVICE_STATE_RUNNING,
						NULL);
		if (!ret && !i)
			ret = print_file("saving after save 1", file);
	}
	return ret ?: print_file("saving after the session", file);
}

static int dirty_pages_op(struct vfio_dev *d, uint32_t flags)
{
	struct vfio_iommu_type1_dirty_bitmap db = {
		.argsz = sizeof(db), .flags = flags,
	};

	return ioctl(d->container, VFIO_IOMMU_DIRTY_PAGES, &db) ? -errno : 0;
}

/* Count the pages type1 reports dirty in [0, @pages). */
static int dirty_report(struct vfio_dev *d, uint64_t pages)
{
	size_t words = (pages + 63) / 64;
	/* The request follows the 8-byte header with no padding. */
	struct {
		struct vfio_iommu_type1_dirty_bitmap db;
		struct vfio_iommu_type1_dirty_bitmap_get get;
	} q = {
		.db = {
			.argsz = sizeof(q),
			.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		},
		.get = {
			.iova = 0, .size = pages * LOG_PAGE,
			.bitmap = { .pgsize = LOG_PAGE, .size = words * 8 },
		},
	};
	uint64_t *bitmap = calloc(words, 8);
	long long first = -1, last = -1, n = 0;
	uint64_t i;

	static_assert(sizeof(q) == sizeof(q.db) + sizeof(q.get),
		      "the request must follow the header");
	if (!bitmap)
		return -ENOMEM;
	q.get.bitmap.data = (__u64 *)bitmap;
	if (ioctl(d->container, VFIO_IOMMU_DIRTY_PAGES, &q)) {
		free(bitmap);
		return -errno;
	}
	for (i = 0; i < pages; i++) {
		if (!(bitmap[i / 64] & (1ULL << (i % 64))))
			continue;
		if (first < 0)
			first = i;
		last = i;
		n++;
	}
	free(bitmap);
	printf("dirty: %lld of %llu pages, first %lld, last %lld\n", n,
	       (unsigned long long)pages, first, last);
	return 0;
}

static int dirty_session(struct vfio_dev *d, uint64_t pages)
{
	void *mem = mmap(NULL, pages * LOG_PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret;

	if (mem == MAP_FAILED)
		return -errno;
	ret = vfio_dma_map(d, mem, 0, pages * LOG_PAGE);
	ret = ret ?: dirty_pages_op(d, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	if (ret)
		return ret;
	ret = vfio_mig_state_set(d->fd, VFIO_DEVICE_STATE_STOP_COPY, NULL);
	ret = ret ?: dirty_report(d, pages);
	ret = ret ?: vfio_mig_state_set(d->fd, VFIO_DEVICE_STATE_RUNNING,
					NULL);
	return dirty_pages_op(d, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) ?: ret;
}

int main(int argc, char **argv)
{
	bool dirty = argc == 4 && !strcmp(argv[2], "dirty");
	bool pin = argc == 4 && !strcmp(argv[2], "pin");
	bool log = argc == 4 && !strcmp(argv[3], "log");
	struct vfio_dev d;
	int ret, n;

	n = argc == 3 || log ? atoi(argv[2]) : -1;
	if (dirty)
		n = atoi(argv[3]);
	if (n < 0 && !pin) {
		fprintf(stderr,
			"usage: %s <bdf> <n> [log] | <bdf> pin <file> | <bdf> dirty <pages>\n",
			argv[0]);
		return 2;
	}
	if (vfio_dev_open_cmd(&d, argv[0], argv[1]))
		return 1;
	if (pin)
		ret = pin_session(&d, argv[3]);
	else if (dirty)
		ret = n ? dirty_session(&d, n) : -EINVAL;
	else
		ret = log ? log_syncs(&d, n) : v1_syncs(&d, n);
	if (ret == -ENOTTY && log) {
		vfio_dev_close(&d);
		return 3;
	}
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			vfio_errname(ret));
	vfio_dev_close(&d);
	return ret ? 1 : 0;
}
