// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU edu device helpers for the in-guest tests.
 */
#include <errno.h>
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
