// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write zeros of given sizes at given offsets of a device's region and
 * print what each write returned, one line per write:
 *   <len>@0x<offset> <ok|ERRNAME>
 * for tests that a vendor driver refuses the access shapes its filters
 * cannot see (a 2-byte write over a tail register, an unaligned one).
 *
 * usage: vfio_write_shape <domain:bus:slot.fn> <region> <len>@<offset>...
 * Exit status: 0 if the device opened, 1 if not, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vfio_dev.h"

int main(int argc, char **argv)
{
	static const uint8_t zeros[8];
	struct vfio_dev d;
	unsigned int region;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: %s <bdf> <region> <len>@<offset>...\n",
			argv[0]);
		return 2;
	}
	region = strtoul(argv[2], NULL, 0);
	if (vfio_dev_open_cmd(&d, argv[0], argv[1]))
		return 1;
	for (i = 3; i < argc; i++) {
		unsigned int len;
		uint64_t off;
		ssize_t n;

		if (sscanf(argv[i], "%u@%" SCNi64, &len, &off) != 2 ||
		    !len || len > sizeof(zeros)) {
			fprintf(stderr, "%s: bad access '%s'\n", argv[0], argv[i]);
			return 2;
		}
		n = pwrite(d.fd, zeros, len, vfio_region_offset(&d, region) + off);
		printf("%u@0x%" PRIx64 " %s\n", len, off,
		       n < 0 ? vfio_errname(-errno) :
		       (size_t)n == len ? "ok" : "short");
	}
	vfio_dev_close(&d);
	return 0;
}
