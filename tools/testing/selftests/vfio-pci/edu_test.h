/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU edu device helpers for the in-guest tests: registers through the
 * VFIO region (BAR0 may be trapped, so no mmap), DMA through a type1
 * mapping of test memory.
 */
#ifndef EDU_TEST_H
#define EDU_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "vfio_dev.h"

#include "edu_regs.h"

/* A device with its test memory mapped for DMA at EDU_IOVA. */
struct edu_dev {
	struct vfio_dev vfio;
	uint8_t *mem;
	uint64_t mem_size;
};

#define EDU_IOVA		0x100000ULL
#define EDU_MEM_SIZE		0x100000ULL

int edu_open(struct edu_dev *e, const char *bdf);
void edu_close(struct edu_dev *e);
uint32_t edu_rd(struct edu_dev *e, uint32_t reg);
void edu_wr(struct edu_dev *e, uint32_t reg, uint32_t val);
uint64_t edu_rd64(struct edu_dev *e, uint32_t reg);
void edu_wr64(struct edu_dev *e, uint32_t reg, uint64_t val);
/* Start a transfer; wait for it when @wait.  0, or -ETIMEDOUT. */
int edu_dma(struct edu_dev *e, uint64_t src, uint64_t dst, uint64_t cnt,
	    uint32_t cmd, int wait);
int edu_dma_wait(struct edu_dev *e);
/* Compute n! on the device; returns the register after computing. */
uint32_t edu_factorial(struct edu_dev *e, uint32_t n);

/*
 * A distinctive device state for migration tests: program it into the
 * source, check it in the destination, and scrub a device of it.
 */
int edu_program_state(struct edu_dev *e);
int edu_check_state(struct edu_dev *e, char *why, size_t whylen);
void edu_scrub(struct edu_dev *e);

#endif /* EDU_TEST_H */
