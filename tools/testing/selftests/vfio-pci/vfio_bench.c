// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pass-through throughput: 4-byte preads through the VFIO device file, for
 * a fixed time, on an edu device's BAR0 (the ID register) and on its
 * config space (vendor and device ID).  Every value read is checked.
 *
 * usage: vfio_bench <domain:bus:slot.fn> [seconds]   (default 0.5)
 * prints: "bar0 <ops> <ns>" and "config <ops> <ns>": preads completed and
 * the time they took.  Exit status 0 when every read returned the
 * expected value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

#define EDU_ID_VALUE	0x010000ed
#define EDU_PCI_IDS	0x11e81234	/* device << 16 | vendor */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * pread 4 bytes at @off until @ns have passed; the clock is read every 16
 * reads.  Returns the number of reads, or -1 after a bad read.
 */
static long long measure(int fd, uint64_t off, uint32_t expect, uint64_t ns,
			 uint64_t *took)
{
	uint64_t start = now_ns(), end = start + ns, t;
	long long ops = 0;
	uint32_t val;
	int i;

	do {
		for (i = 0; i < 16; i++) {
			if (pread(fd, &val, sizeof(val), off) != sizeof(val) ||
			    val != expect) {
				fprintf(stderr, "read %lld at 0x%llx: %s, 0x%08x\n",
					ops, (unsigned long long)off,
					strerror(errno), val);
				return -1;
			}
		}
		ops += 16;
		t = now_ns();
	} while (t < end);
	*took = t - start;
	return ops;
}

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 0.5;
	uint64_t ns = seconds * 1e9, took;
	long long ops;
	struct vfio_dev d;
	int ret;

	if (argc < 2 || argc > 3 || seconds <= 0 || seconds > 60) {
		fprintf(stderr, "usage: %s <bdf> [seconds]\n", argv[0]);
		return 2;
	}
	ret = vfio_dev_open(&d, argv[1]);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], vfio_errname(ret));
		return 1;
	}
	ret = vfio_pci_command_set(&d, PCI_COMMAND_MEMORY);
	if (ret) {
		fprintf(stderr, "%s: memory enable: %s\n", argv[1],
			vfio_errname(ret));
		return 1;
	}

	ops = measure(d.fd, vfio_region_offset(&d, VFIO_PCI_BAR0_REGION_INDEX),
		      EDU_ID_VALUE, ns, &took);
	if (ops < 0)
		return 1;
	printf("bar0 %lld %llu\n", ops, (unsigned long long)took);

	ops = measure(d.fd,
		      vfio_region_offset(&d, VFIO_PCI_CONFIG_REGION_INDEX),
		      EDU_PCI_IDS, ns, &took);
	if (ops < 0)
		return 1;
	printf("config %lld %llu\n", ops, (unsigned long long)took);

	vfio_dev_close(&d);
	return 0;
}
