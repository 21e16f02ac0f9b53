// SPDX-License-Identifier: GPL-2.0-only
/*
 * What one trapped RX tail write costs igb_vf_migration while saving, by
 * how many descriptors it posts: the driver reads each newly posted
 * descriptor from guest memory, records its buffer and reports the buffer
 * the slot held before (issue 15's bound on one tail write).
 *
 * This program plays the guest's driver on an 82576 VF bound to our
 * vfio-pci: it maps <pool> pages of its own memory as guest memory, sets
 * RX queue 0 up with a ring of <ring> descriptors (4 KiB buffers taken
 * from the pool in turn), starts a v1 save (precise tracking from there),
 * then alternates, <rounds> times, a tail write posting one descriptor and
 * one posting ring - 1 (a whole ring but the slot the tail stands on).
 * One line per timed write:
 *   post <descriptors> <nanoseconds>
 * The VF receives nothing meanwhile (no frame reaches it), so the device
 * writes no buffer; the driver cannot know that and does all its work.
 *
 * usage: vfio_tail_bench <domain:bus:slot.fn> <ring> <pool> <rounds>
 * Exit status: 0, 1 if a step failed, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/pci_regs.h>

#include "igb_vf_test.h"

#define RING_MAX	65535

#define PAGE		4096ULL
#define RING_IOVA	0x10000000ULL
#define POOL_IOVA	0x20000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Post @n descriptors after @tail; returns the new tail. */
static uint32_t post(uint8_t *ring_mem, uint32_t ring, uint32_t pool,
		     uint32_t tail, uint32_t n, uint64_t *gen)
{
	uint32_t i;

	for (i = 0; i < n; i++, tail = (tail + 1) % ring) {
		uint64_t buf = POOL_IOVA + (*gen)++ % pool * PAGE;

		memcpy(ring_mem + (size_t)tail * IGB_DESC_SIZE, &buf, 8);
		memset(ring_mem + (size_t)tail * IGB_DESC_SIZE + 8, 0, 8);
	}
	return tail;
}

int main(int argc, char **argv)
{
	uint32_t ring, pool, dctl, tail = 0;
	struct vfio_region_info info;
	uint64_t gen = 0, ring_len, t0;
	int index = -1, ret, rounds, r, k;
	uint8_t *ring_mem, *pool_mem;
	struct vfio_dev d;

	if (argc != 5) {
		fprintf(stderr, "usage: %s <bdf> <ring> <pool> <rounds>\n",
			argv[0]);
		return 2;
	}
	ring = strtoul(argv[2], NULL, 0);
	pool = strtoul(argv[3], NULL, 0);
	rounds = atoi(argv[4]);
	if (ring < 2 || ring > RING_MAX || !pool || rounds < 1) {
		fprintf(stderr, "%s: ring 2..%d, pool and rounds at least 1\n",
			argv[0], RING_MAX);
		return 2;
	}
	ring_len = ((uint64_t)ring * IGB_DESC_SIZE + PAGE - 1) / PAGE * PAGE;
	ring_mem = mmap(NULL, ring_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pool_mem = mmap(NULL, pool * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring_mem == MAP_FAILED || pool_mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (vfio_dev_open_cmd(&d, argv[0], argv[1]))
		return 1;
	ret = vfio_dma_map(&d, ring_mem, RING_IOVA, ring_len);
	ret = ret ?: vfio_dma_map(&d, pool_mem, POOL_IOVA, pool * PAGE);
	ret = ret ?: vfio_pci_command_set(&d, PCI_COMMAND_MEMORY |
					  PCI_COMMAND_MASTER);
	ret = ret ?: igb_rx_setup(&d, RING_IOVA, ring, IGB_SRRCTL_4K);
	ret = ret ?: vfio_read32(&d, 0, IGB_RXDCTL, &dctl);
	if (!ret && !(dctl & IGB_QUEUE_ENABLE)) {
		fprintf(stderr, "%s: RX queue 0 did not enable (RXDCTL %#x)\n",
			argv[0], dctl);
		ret = -EIO;
	}
	if (!ret) {
		index = vfio_find_region(&d, VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
					 VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED,
					 &info);
		ret = index < 0 ? index : v1_state(&d, index,
						  V1_SAVING | V1_RUNNING);
	}
	for (r = 0; !ret && r < rounds; r++) {
		for (k = 0; !ret && k < 2; k++) {
			uint32_t n = k ? ring - 1 : 1;

			tail = post(ring_mem, ring, pool, tail, n, &gen);
			t0 = now_ns();
			ret = vfio_write32(&d, 0, IGB_RDT, tail);
			if (!ret)
				printf("post %u %llu\n", n,
				       (unsigned long long)(now_ns() - t0));
		}
	}
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			vfio_errname(ret));
	if (index >= 0)
		v1_state(&d, index, V1_RUNNING);
	vfio_write32(&d, 0, IGB_RXDCTL, 0);
	vfio_dev_close(&d);
	return ret ? 1 : 0;
}
