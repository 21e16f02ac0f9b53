// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read an edu device's identification register (BAR0 offset 0) through the
 * VFIO device file and print it.  Exit status 0 only if it reads
 * 0x010000ed, the value QEMU's edu device reports.
 *
 * usage: vfio_edu_id <domain:bus:slot.fn>
 */
#include <stdio.h>
#include <string.h>

#include "vfio_dev.h"

#define EDU_ID_REG	0x00
#define EDU_ID		0x010000ed

int main(int argc, char **argv)
{
	struct vfio_dev dev;
	uint32_t id;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <bdf>\n", argv[0]);
		return 2;
	}

	ret = vfio_dev_open(&dev, argv[1]);
	if (ret) {
		fprintf(stderr, "%s: cannot open through VFIO: %s\n", argv[1],
			strerror(-ret));
		return 1;
	}
	ret = vfio_read32(&dev, VFIO_PCI_BAR0_REGION_INDEX, EDU_ID_REG, &id);
	vfio_dev_close(&dev);
	if (ret) {
		fprintf(stderr, "%s: BAR0 read failed: %s\n", argv[1],
			strerror(-ret));
		return 1;
	}
	printf("%s: edu ID register 0x%08x\n", argv[1], id);
	return id == EDU_ID ? 0 : 1;
}
