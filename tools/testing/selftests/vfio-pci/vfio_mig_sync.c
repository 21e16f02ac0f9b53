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
 * vendor's count of devices whose reporting is on).
 *
 * usage: vfio_mig_sync <domain:bus:slot.fn> <n> [log]
 *        vfio_mig_sync <domain:bus:slot.fn> pin <file>
 * Exit status: 0 if every step succeeded, 1 if one failed, 2 on bad usage,
 * 3 if the device offers no DMA logging.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	bool pin = argc == 4 && !strcmp(argv[2], "pin");
	bool log = argc == 4 && !strcmp(argv[3], "log");
	struct vfio_dev d;
	int ret, n;

	n = argc == 3 || log ? atoi(argv[2]) : -1;
	if (n < 0 && !pin) {
		fprintf(stderr, "usage: %s <bdf> <n> [log] | <bdf> pin <file>\n",
			argv[0]);
		return 2;
	}
	if (vfio_dev_open_cmd(&d, argv[0], argv[1]))
		return 1;
	if (pin)
		ret = pin_session(&d, argv[3]);
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
