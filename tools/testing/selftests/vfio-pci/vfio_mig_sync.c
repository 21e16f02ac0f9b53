// SPDX-License-Identifier: GPL-2.0-only
/*
 * A v1 client's dirty-sync rhythm, without QEMU: put the device in
 * SAVING|RUNNING, read pending_bytes <n> times (a v1 client reads it before
 * each of its dirty syncs), then back to RUNNING.  The test vendor counts
 * the sync_dirty calls vfio-pci makes for it.
 *
 * usage: vfio_mig_sync <domain:bus:slot.fn> <n>
 * Exit status: 0 if every step succeeded, 1 if one failed, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_test.h"

#define V1_STATE	0x00
#define V1_PENDING	0x08
#define V1_RUNNING	1
#define V1_SAVING	2

static int v1_state(struct vfio_dev *d, int index, uint32_t state)
{
	return vfio_region_write(d, index, V1_STATE, &state, sizeof(state));
}

int main(int argc, char **argv)
{
	struct vfio_region_info info;
	struct vfio_dev d;
	int index, ret, i, n;
	uint64_t pending;

	n = argc == 3 ? atoi(argv[2]) : -1;
	if (n < 0) {
		fprintf(stderr, "usage: %s <bdf> <n>\n", argv[0]);
		return 2;
	}
	ret = vfio_dev_open(&d, argv[1]);
	if (ret) {
		fprintf(stderr, "%s: cannot open %s: %s\n", argv[0], argv[1],
			vfio_errname(ret));
		return 1;
	}
	index = vfio_find_region(&d, VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
				 VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED, &info);
	ret = index < 0 ? index : v1_state(&d, index, V1_SAVING | V1_RUNNING);
	for (i = 0; !ret && i < n; i++)
		ret = vfio_region_read(&d, index, V1_PENDING, &pending,
				       sizeof(pending));
	if (index >= 0 && !ret)
		ret = v1_state(&d, index, V1_RUNNING);
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			vfio_errname(ret));
	vfio_dev_close(&d);
	return ret ? 1 : 0;
}
