// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU edu device helpers for the in-guest tests.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/pci_regs.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "edu_test.h"

int edu_open(struct edu_dev *e, const char *bdf)
{
	uint16_t cmd;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = vfio_dev_open(&e->vfio, bdf);
	if (ret)
		return ret;

	/* Memory decode and bus mastering, as a guest driver would set. */
	ret = vfio_region_read(&e->vfio, VFIO_PCI_CONFIG_REGION_INDEX,
			       PCI_COMMAND, &cmd, sizeof(cmd));
	if (!ret) {
		cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
		ret = vfio_region_write(&e->vfio, VFIO_PCI_CONFIG_REGION_INDEX,
					PCI_COMMAND, &cmd, sizeof(cmd));
	}
	if (ret)
		goto err;

	e->mem_size = EDU_MEM_SIZE;
	e->mem = mmap(NULL, e->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e->mem == MAP_FAILED) {
		e->mem = NULL;
		ret = -errno;
		goto err;
	}
	ret = vfio_dma_map(&e->vfio, e->mem, EDU_IOVA, e->mem_size);
	if (ret)
		goto err;
	return 0;
err:
	edu_close(e);
	return ret;
}

void edu_close(struct edu_dev *e)
{
	vfio_dev_close(&e->vfio);
	if (e->mem)
		munmap(e->mem, e->mem_size);
	e->mem = NULL;
}

uint32_t edu_rd(struct edu_dev *e, uint32_t reg)
{
	uint32_t v = ~0U;

	vfio_read32(&e->vfio, VFIO_PCI_BAR0_REGION_INDEX, reg, &v);
	return v;
}

void edu_wr(struct edu_dev *e, uint32_t reg, uint32_t val)
{
	vfio_write32(&e->vfio, VFIO_PCI_BAR0_REGION_INDEX, reg, val);
}

uint64_t edu_rd64(struct edu_dev *e, uint32_t reg)
{
	uint64_t v = ~0ULL;

	vfio_region_read(&e->vfio, VFIO_PCI_BAR0_REGION_INDEX, reg, &v,
			 sizeof(v));
	return v;
}

void edu_wr64(struct edu_dev *e, uint32_t reg, uint64_t val)
{
	vfio_region_write(&e->vfio, VFIO_PCI_BAR0_REGION_INDEX, reg, &val,
			  sizeof(val));
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int edu_dma_wait(struct edu_dev *e)
{
	int ms;

	/* The device model starts a transfer 100 ms after the command. */
	for (ms = 0; ms < 3000; ms += 5) {
		if (!(edu_rd64(e, EDU_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		sleep_ms(5);
	}
	return -ETIMEDOUT;
}

int edu_dma(struct edu_dev *e, uint64_t src, uint64_t dst, uint64_t cnt,
	    uint32_t cmd, int wait)
{
	edu_wr64(e, EDU_DMA_SRC, src);
	edu_wr64(e, EDU_DMA_DST, dst);
	edu_wr64(e, EDU_DMA_CNT, cnt);
	edu_wr64(e, EDU_DMA_CMD, cmd | EDU_DMA_RUN);
	return wait ? edu_dma_wait(e) : 0;
}

uint32_t edu_factorial(struct edu_dev *e, uint32_t n)
{
	int i;

	edu_wr(e, EDU_FACTORIAL, n);
	for (i = 0; i < 1000 && (edu_rd(e, EDU_STATUS) & EDU_STATUS_COMPUTING); i++)
		sleep_ms(1);
	return edu_rd(e, EDU_FACTORIAL);
}

/* Put a recognisable state into a device (the migration source). */
int edu_program_state(struct edu_dev *e)
{
	unsigned int i;

	edu_wr(e, EDU_STATUS, 0);
	edu_wr(e, EDU_IRQ_ACK, ~0U);
	edu_wr(e, EDU_LIVENESS, 0x12345678);
	if (edu_factorial(e, 7) != 5040)
		return -EIO;
	edu_wr(e, EDU_STATUS, EDU_STATUS_IRQFACT);
	edu_wr(e, EDU_IRQ_RAISE, 0x2);
	for (i = 0; i < EDU_BUF_USABLE; i++)
		e->mem[i] = (uint8_t)(i * 7 + 3);
	return edu_dma(e, EDU_IOVA, EDU_BUF_BASE, EDU_BUF_USABLE, 0, 1);
}

/* Does @e hold what edu_program_state() put in? Reason in @why if not. */
int edu_check_state(struct edu_dev *e, char *why, size_t whylen)
{
	uint8_t *back = e->mem + 0x10000;
	unsigned int i;

	if (edu_rd(e, EDU_LIVENESS) != (uint32_t)~0x12345678U)
		return snprintf(why, whylen, "liveness 0x%x", edu_rd(e, EDU_LIVENESS)), -1;
	if (edu_rd(e, EDU_FACTORIAL) != 5040)
		return snprintf(why, whylen, "factorial %u", edu_rd(e, EDU_FACTORIAL)), -1;
	if (!(edu_rd(e, EDU_STATUS) & EDU_STATUS_IRQFACT))
		return snprintf(why, whylen, "status 0x%x", edu_rd(e, EDU_STATUS)), -1;
	if (edu_rd(e, EDU_IRQ_STATUS) != 0x2)
		return snprintf(why, whylen, "irq status 0x%x", edu_rd(e, EDU_IRQ_STATUS)), -1;
	if (edu_rd64(e, EDU_DMA_SRC) != EDU_IOVA ||
	    edu_rd64(e, EDU_DMA_DST) != EDU_BUF_BASE ||
	    edu_rd64(e, EDU_DMA_CNT) != EDU_BUF_USABLE)
		return snprintf(why, whylen, "dma registers 0x%llx 0x%llx 0x%llx",
				(unsigned long long)edu_rd64(e, EDU_DMA_SRC),
				(unsigned long long)edu_rd64(e, EDU_DMA_DST),
				(unsigned long long)edu_rd64(e, EDU_DMA_CNT)), -1;
	/* Read the device buffer back with the device's own engine. */
	memset(back, 0, EDU_BUF_SIZE);
	if (edu_dma(e, EDU_BUF_BASE, EDU_IOVA + 0x10000, EDU_BUF_USABLE,
		    EDU_DMA_TO_RAM, 1))
		return snprintf(why, whylen, "read-back DMA timed out"), -1;
	for (i = 0; i < EDU_BUF_USABLE; i++)
		if (back[i] != (uint8_t)(i * 7 + 3))
			return snprintf(why, whylen, "buffer byte %u is 0x%x", i, back[i]), -1;
	/* Put the registers back as they were for the next round. */
	edu_wr64(e, EDU_DMA_SRC, EDU_IOVA);
	edu_wr64(e, EDU_DMA_DST, EDU_BUF_BASE);
	edu_wr64(e, EDU_DMA_CNT, EDU_BUF_USABLE);
	return 0;
}

/* Make the destination forget everything a previous round restored. */
void edu_scrub(struct edu_dev *e)
{
	memset(e->mem + 0x20000, 0, EDU_BUF_SIZE);
	edu_dma(e, EDU_IOVA + 0x20000, EDU_BUF_BASE, EDU_BUF_USABLE, 0, 1);
	edu_wr(e, EDU_LIVENESS, 0);
	/* No factorial irq: the device raises it late, after the BQL. */
	edu_wr(e, EDU_STATUS, 0);
	edu_factorial(e, 1);
	edu_wr(e, EDU_IRQ_ACK, ~0U);
}
