// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested (L2) guest's program for the live-migration runs.  It drives
 * every edu device assigned to its VM (up to four) through sysfs (BAR0) and
 * /dev/mem (DMA memory above the kernel's mem= limit, 4 MiB per device),
 * and proves after a migration that each device came across intact.  With
 * more than one device, each check's name carries the device's index
 * ("liveness#1"); the first device's names are bare.
 *
 *  1. Put the device in a distinctive state: liveness, a factorial, the
 *     factorial irq enable, an irq status, a 4095-byte pattern moved into the
 *     device buffer by DMA.  Print "EDU-READY".
 *  2. Until a line "GO" arrives on the console (the test sends it to the
 *     destination once QEMU reports the migration complete), keep issuing
 *     device-to-RAM transfers of changing slices of the buffer, each into a
 *     page the CPU first filled with 0xee, and log each completed one.
 *  3. Check every register, the device buffer, and that every logged
 *     transfer's data is in RAM.  Print "EDU-CHECK <what> ok|FAIL ..." lines
 *     and "EDU-DONE <failures> <transfers>".
 *
 * Kernel command line of the L2 guest: iomem=relaxed mem=112M.  With
 * l2nodev on it, the same program runs in a VM without any device (the
 * benchmarks' baseline): the CPU writes what the transfers would, at the
 * pace edu keeps, and the copies in RAM are checked after the migration.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu_regs.h"

#define PATTERN_LEN		EDU_BUF_USABLE
#define SLICE_LEN		2048
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* DMA memory: guest-physical, above mem=112M, below edu's 28-bit mask. */
#define DMA_PHYS		0x7000000UL
#define DMA_SIZE		0x400000UL
#define MAX_DEVS		4
#define PATTERN_OFF		0x0
#define CHECK_OFF		0x1000
#define SLOTS_OFF		0x100000UL
#define NR_SLOTS		512

#define LIVENESS_VALUE		0xa5a5f00dU
#define FACT_ARG		10
#define FACT_VALUE		3628800U
#define IRQ_VALUE		0x5U
/* QEMU's edu completes a transfer 100 ms (virtual) after its command. */
#define EDU_DMA_MS		100

struct logged {
	uint32_t slot;
	uint32_t off;
};

/* One device: its BAR0, its DMA memory (mapped, guest-physical). */
struct dev {
	uint8_t *bar;
	uint8_t *mem;
	uint64_t phys;
	char tag[12];
	struct logged log[1 << 16];
};

static struct dev devs[MAX_DEVS];
static unsigned int nr_devs;
static int failures;

/* The device the helpers below act on. */
static uint8_t *bar;
static uint8_t *mem;
static uint64_t phys;
static struct logged *dma_log;
static const char *tag;

static void select_dev(unsigned int k)
{
	bar = devs[k].bar;
	mem = devs[k].mem;
	phys = devs[k].phys;
	dma_log = devs[k].log;
	tag = devs[k].tag;
}

/*
 * MMIO: exactly one access of the register's width (a relaxed atomic is a
 * plain mov), kept in program order by compiler barriers.
 */
#define barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

static uint32_t rd32(uint32_t reg)
{
	uint32_t v;

	barrier();
	v = __atomic_load_n((uint32_t *)(bar + reg), __ATOMIC_RELAXED);
	barrier();
	return v;
}

static void wr32(uint32_t reg, uint32_t v)
{
	barrier();
	__atomic_store_n((uint32_t *)(bar + reg), v, __ATOMIC_RELAXED);
	barrier();
}

static uint64_t rd64(uint32_t reg)
{
	uint64_t v;

	barrier();
	v = __atomic_load_n((uint64_t *)(bar + reg), __ATOMIC_RELAXED);
	barrier();
	return v;
}

static void wr64(uint32_t reg, uint64_t v)
{
	barrier();
	__atomic_store_n((uint64_t *)(bar + reg), v, __ATOMIC_RELAXED);
	barrier();
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int dma_wait(void)
{
	int ms;

	for (ms = 0; ms < 5000; ms++) {
		if (!(rd64(EDU_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		sleep_ms(1);
	}
	return -1;
}

static int dma(uint64_t src, uint64_t dst, uint64_t cnt, uint64_t cmd)
{
	wr64(EDU_DMA_SRC, src);
	wr64(EDU_DMA_DST, dst);
	wr64(EDU_DMA_CNT, cnt);
	wr64(EDU_DMA_CMD, cmd | EDU_DMA_RUN);
	return dma_wait();
}

static uint8_t pattern(unsigned int i)
{
	return (uint8_t)(i * 13 + 7);
}

static void check(int ok, const char *what, const char *fmt, uint64_t a,
		  uint64_t b)
{
	printf("EDU-CHECK %s%s %s ", what, tag, ok ? "ok" : "FAIL");
	printf(fmt, (unsigned long long)a, (unsigned long long)b);
	printf("\n");
	if (!ok)
		failures++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The edu devices' PCI addresses, in order; returns how many. */
static unsigned int find_edus(char names[MAX_DEVS][64])
{
	struct dirent **de;
	unsigned int found = 0;
	int i, n = scandir("/sys/bus/pci/devices", &de, NULL, by_name);

	for (i = 0; i < n; i++) {
		char p[512], id[32] = "";
		FILE *f;

		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", de[i]->d_name);
		f = fopen(p, "r");
		if (f && fgets(id, sizeof(id), f) && !strncmp(id, "0x11e8", 6) &&
		    found < MAX_DEVS)
			snprintf(names[found++], 64, "%.63s", de[i]->d_name);
		if (f)
			fclose(f);
		free(de[i]);
	}
	if (n >= 0)
		free(de);
	return found;
}

/* The DMA memory of device k, guest-physical, through /dev/mem. */
static int map_memory(struct dev *e, unsigned int k)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (fd < 0)
		return -1;
	e->phys = DMA_PHYS + k * DMA_SIZE;
	e->mem = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      e->phys);
	close(fd);
	if (k)
		snprintf(e->tag, sizeof(e->tag), "#%u", k);
	return e->mem == MAP_FAILED ? -1 : 0;
}

/* "l2nodev" on the kernel command line: the device-less baseline. */
static int no_device_wanted(void)
{
	char line[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return !!strstr(line, "l2nodev");
}

static int map_device(const char *dev, struct dev *e, unsigned int k)
{
	char p[128];
	uint16_t cmd;
	int fd;

	/* Memory decode, bus mastering; INTx off: nobody handles it here. */
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%.63s/config", dev);
	fd = open(p, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		return -1;
	cmd |= 0x2 | 0x4 | 0x400;
	if (pwrite(fd, &cmd, 2, 4) != 2)
		return -1;
	close(fd);

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%.63s/resource0", dev);
	fd = open(p, O_RDWR | O_SYNC);
	if (fd < 0)
		return -1;
	e->bar = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (e->bar == MAP_FAILED)
		return -1;

	return map_memory(e, k);
}

static int map_devices(void)
{
	char names[MAX_DEVS][64];
	unsigned int k;

	nr_devs = find_edus(names);
	if (!nr_devs)
		return -1;
	for (k = 0; k < nr_devs; k++)
		if (map_device(names[k], &devs[k], k))
			return -1;
	return 0;
}

static int setup_state(void)
{
	unsigned int i;
	int ms;

	wr32(EDU_LIVENESS, LIVENESS_VALUE);
	wr32(EDU_FACTORIAL, FACT_ARG);
	for (ms = 0; ms < 1000 && (rd32(EDU_STATUS) & EDU_STATUS_COMPUTING); ms++)
		sleep_ms(1);
	wr32(EDU_STATUS, EDU_STATUS_IRQFACT);
	wr32(EDU_IRQ_RAISE, IRQ_VALUE);
	for (i = 0; i < PATTERN_LEN; i++)
		mem[PATTERN_OFF + i] = pattern(i);
	return dma(phys + PATTERN_OFF, EDU_BUF_BASE, PATTERN_LEN, 0);
}

static int go_received(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char buf[64];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	n = read(0, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return !!strstr(buf, "GO");
}

/* One logged device-to-RAM transfer on the current device. */
static int log_transfer(unsigned int i)
{
	uint32_t slot = i % NR_SLOTS, off = (i * 40) % (PATTERN_LEN - SLICE_LEN);
	uint8_t *page = mem + SLOTS_OFF + slot * 4096UL;
	unsigned int j;

	memset(page, 0xee, SLICE_LEN);
	if (!bar) {
		/* No device: the CPU writes what the transfer would. */
		for (j = 0; j < SLICE_LEN; j++)
			page[j] = pattern(off + j);
		sleep_ms(EDU_DMA_MS);
	} else if (dma(EDU_BUF_BASE + off, phys + SLOTS_OFF + slot * 4096UL,
		       SLICE_LEN, EDU_DMA_TO_RAM)) {
		printf("EDU-CHECK transfer%s FAIL timeout at %u\n", tag, i);
		failures++;
		return -1;
	}
	dma_log[i].slot = slot;
	dma_log[i].off = off;
	return 0;
}

/*
 * Device-to-RAM transfers, one on each device in turn, until told to stop;
 * returns how many completed on every device.
 */
static unsigned int transfer_loop(void)
{
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(devs[0].log); i++) {
		if (go_received())
			break;
		for (k = 0; k < nr_devs; k++) {
			select_dev(k);
			if (log_transfer(i))
				return i;
		}
		if (i % 20 == 0) {
			printf("EDU-PROGRESS %u\n", i);
			fflush(stdout);
		}
	}
	return i;
}

/* Logged transfers from the first on whose data is not in RAM. */
static unsigned int ram_copies_bad(unsigned int first, unsigned int n)
{
	unsigned int i, j, bad = 0;

	for (i = first; i < n; i++) {
		uint8_t *page = mem + SLOTS_OFF + dma_log[i].slot * 4096UL;

		for (j = 0; j < SLICE_LEN; j++) {
			if (page[j] != pattern(dma_log[i].off + j)) {
				if (bad++ < 3)
					printf("EDU-MISS%s transfer %u slot %u byte %u is 0x%x\n",
					       tag, i, dma_log[i].slot, j, page[j]);
				break;
			}
		}
	}
	return bad;
}

static void final_checks(unsigned int n)
{
	unsigned int i, first = n > NR_SLOTS ? n - NR_SLOTS : 0, bad;
	uint64_t last_dst = phys + SLOTS_OFF +
			    ((n ? n - 1 : 0) % NR_SLOTS) * 4096UL;

	if (!bar) {
		bad = ram_copies_bad(first, n);
		check(!bad, "ram-copies", "%llu of %llu copies differ", bad,
		      n - first);
		return;
	}
	check(rd32(EDU_LIVENESS) == (uint32_t)~LIVENESS_VALUE, "liveness",
	      "0x%llx want 0x%llx", rd32(EDU_LIVENESS), (uint32_t)~LIVENESS_VALUE);
	check(rd32(EDU_FACTORIAL) == FACT_VALUE, "factorial", "%llu want %llu",
	      rd32(EDU_FACTORIAL), FACT_VALUE);
	check(rd32(EDU_STATUS) & EDU_STATUS_IRQFACT, "status", "0x%llx%.0llu",
	      rd32(EDU_STATUS), 0);
	check(rd32(EDU_IRQ_STATUS) == IRQ_VALUE, "irq-status", "0x%llx want 0x%llx",
	      rd32(EDU_IRQ_STATUS), IRQ_VALUE);
	if (n) {
		check(rd64(EDU_DMA_DST) == last_dst &&
		      rd64(EDU_DMA_CNT) == SLICE_LEN, "dma-registers",
		      "dst 0x%llx cnt %llu", rd64(EDU_DMA_DST), rd64(EDU_DMA_CNT));
	}

	bad = ram_copies_bad(first, n);
	check(!bad, "dma-to-ram", "%llu of %llu logged transfers missing",
	      bad, n - first);

	memset(mem + CHECK_OFF, 0, PATTERN_LEN);
	if (dma(EDU_BUF_BASE, phys + CHECK_OFF, PATTERN_LEN, EDU_DMA_TO_RAM)) {
		check(0, "device-buffer", "%llu%llu", 0, 0);
	} else {
		for (i = 0, bad = 0; i < PATTERN_LEN; i++)
			bad += mem[CHECK_OFF + i] != pattern(i);
		check(!bad, "device-buffer", "%llu of %llu bytes differ", bad,
		      PATTERN_LEN);
	}
}

int main(void)
{
	unsigned int n, k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (no_device_wanted()) {
		if (map_memory(&devs[0], 0)) {
			printf("EDU-DONE 1 0 cannot map memory: %s\n", strerror(errno));
			return 1;
		}
		nr_devs = 1;
		select_dev(0);
		printf("EDU-READY 0 devices\n");
		n = transfer_loop();
		final_checks(n);
		printf("EDU-DONE %d %u\n", failures, n);
		return failures ? 1 : 0;
	}
	if (map_devices()) {
		printf("EDU-DONE 1 0 cannot map the edu devices: %s\n", strerror(errno));
		return 1;
	}
	for (k = 0; k < nr_devs; k++) {
		select_dev(k);
		if (setup_state()) {
			printf("EDU-DONE 1 0 setting up device %u failed\n", k);
			return 1;
		}
	}
	printf("EDU-READY %u devices\n", nr_devs);
	n = transfer_loop();
	for (k = 0; k < nr_devs; k++) {
		select_dev(k);
		final_checks(n);
	}
	printf("EDU-DONE %d %u\n", failures, n);
	return failures ? 1 : 0;
}
