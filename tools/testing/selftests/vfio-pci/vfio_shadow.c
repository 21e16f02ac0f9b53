// SPDX-License-Identifier: GPL-2.0-only
/*
 * igb_vf_migration's RX queue page through the user's BAR mapping: the
 * device's own outside saving, swapped for memory while saving, each
 * write then passed on by the driver, from its timer or at once before a
 * trapped access.
 *
 * This program plays the guest on an 82576 VF bound to our vfio-pci: it
 * sets RX queue 0 up (a ring in its own memory), maps the RX queue page
 * and posts descriptors by writing the tail through the mapping, as a
 * guest's igbvf does through a VMM's mapping.  It counts the tail writes
 * the driver saw (igb.tail_writes in vfio-pci's debugfs stats) and reads
 * the device's tail through the region.  One line per step:
 *   idle: device tail <t> (wrote <w>), driver saw <n>
 *   saving, timer: device tail <t> (wrote <w>), driver saw <n> after <ms> ms
 *   saving, trapped read: device tail <t> (wrote <w>), driver saw <n>
 *   stopped: device tail <t> (wrote <w>), driver saw <n>
 *   done: device tail <t> (wrote <w>), driver saw <n>, reporting <mask>
 *   refilled: device tail <t> (wrote <w>), driver saw <n>, <e> exposed,
 *             save <errno or 0>
 *   reset after the failed save: device state <s>   (6.1 only)
 * Saving is a v1 save (RUNNING|SAVING), then STOP_COPY (SAVING), which
 * must pass on a write the timer has not; "done" is back to RUNNING, where
 * the page is the device's again unless vfio-pci keeps the driver
 * reporting (migration.reporting: the save pinned pages through type1),
 * in which case a trapped read still passes the write on.
 * "refilled" is a second save during which memory is turned off and on,
 * so core tears the mapping down and refills it: on 6.1, where core
 * refills a whole mapping at once, the device's page was reachable for a
 * moment, and that save must fail with EIO (the device then stays in the
 * error state until VFIO_DEVICE_RESET); on 6.12 nothing was exposed and
 * the save goes on.
 *
 * usage: vfio_shadow <domain:bus:slot.fn>
 * Exit status: 0 if every step behaved, 1 if not, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "igb_vf_test.h"

#define RING		64

#define PAGE		4096ULL
#define RING_IOVA	0x10000000ULL
#define POOL_IOVA	0x20000000ULL

#define POLL_PARAM	"/sys/module/vfio_pci_nic_vf/parameters/shadow_poll_us"
#define WAIT_MS		3000

static char stats_path[256];

/* The counter @name from the device's stats (decimal or 0x), or -1. */
static long stat_value(const char *name)
{
	char line[128];
	size_t len = strlen(name);
	long n = -1;
	FILE *f = fopen(stats_path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ' &&
		    sscanf(line + len, "%li", &n) == 1)
			break;
	fclose(f);
	return n;
}

static long driver_tail_writes(void)
{
	return stat_value("igb.tail_writes");
}

/* Does this kernel's vfio-pci core refill a whole BAR mapping at once? */
static int core_refills_whole(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return major < 6 || (major == 6 && minor < 12);
}

/* Reading pending_bytes makes the driver save: 0 or its errno. */
static int v1_pending(struct vfio_dev *d, int index)
{
	uint64_t pending;

	return vfio_region_read(d, index, V1_PENDING, &pending,
				sizeof(pending));
}

static int write_param(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(val, f) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : ret;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

struct ctx {
	struct vfio_dev d;
	uint8_t *ring;
	uint32_t *rxq;			/* the mapped RX queue page */
	uint32_t tail;
	long seen0;
	int bad;
};

/* Post @n descriptors and write the tail through the mapping. */
static void post(struct ctx *c, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, c->tail = (c->tail + 1) % RING) {
		uint64_t buf = POOL_IOVA + (uint64_t)c->tail * 2048;

		memcpy(c->ring + (size_t)c->tail * IGB_DESC_SIZE, &buf, 8);
		memset(c->ring + (size_t)c->tail * IGB_DESC_SIZE + 8, 0, 8);
	}
	/* Descriptors first, then the tail, one 32-bit store. */
	__atomic_store_n(&c->rxq[(IGB_RDT - IGB_RXQ_PAGE) / 4], c->tail,
			 __ATOMIC_RELEASE);
}

/* One step's line; @want_seen tail writes the driver should have seen. */
static void report(struct ctx *c, const char *step, long want_seen,
		   const char *extra)
{
	uint32_t dev = ~0U;
	long seen = driver_tail_writes() - c->seen0;

	vfio_read32(&c->d, 0, IGB_RDT, &dev);
	printf("%s: device tail %u (wrote %u), driver saw %ld%s\n", step, dev,
	       c->tail, seen, extra);
	if (dev != c->tail || seen != want_seen)
		c->bad = 1;
}

/* Wait for the driver to have seen @want tail writes in all. */
static void wait_seen(struct ctx *c, long want)
{
	uint64_t t0 = now_ms();

	while (driver_tail_writes() - c->seen0 < want &&
	       now_ms() - t0 < WAIT_MS)
		usleep(1000);
}

/*
 * A save during which core tears the mapping down and refills it (memory
 * off and on, as a reset does).  The tail write after it faults the
 * mapping in; the timer passes it on in both kernels.
 */
static int refilled(struct ctx *c, int index)
{
	long exposed0 = stat_value("nic_vf.shadow_exposures"), exposed;
	long seen = driver_tail_writes() - c->seen0;
	int whole = core_refills_whole(), ret, save;
	uint32_t state;
	char extra[64];

	if (exposed0 < 0 || whole < 0) {
		fprintf(stderr, "no nic_vf.shadow_exposures, or no kernel release\n");
		return -ENOENT;
	}
	if (write_param(POLL_PARAM, "500"))
		c->bad = 1;
	ret = v1_state(&c->d, index, V1_SAVING | V1_RUNNING);
	ret = ret ?: vfio_pci_command_clear(&c->d, PCI_COMMAND_MEMORY);
	ret = ret ?: vfio_pci_command_set(&c->d, PCI_COMMAND_MEMORY);
	if (ret)
		return ret;
	post(c, 4);
	wait_seen(c, seen + 1);
	save = v1_state(&c->d, index, V1_SAVING);
	save = save ?: v1_pending(&c->d, index);
	exposed = stat_value("nic_vf.shadow_exposures") - exposed0;
	snprintf(extra, sizeof(extra), ", %ld exposed, save %s", exposed,
		 save ? vfio_errname(save) : "0");
	report(c, "refilled", seen + 1, extra);
	if (whole ? exposed != 1 || save != -EIO : exposed || save)
		c->bad = 1;
	if (!save)
		return v1_state(&c->d, index, V1_RUNNING);
	/* A failed save leaves the error state, which only a reset leaves. */
	if (v1_state(&c->d, index, V1_RUNNING) != -EINVAL)
		c->bad = 1;
	if (ioctl(c->d.fd, VFIO_DEVICE_RESET))
		return -errno;
	ret = vfio_region_read(&c->d, index, V1_STATE, &state, sizeof(state));
	printf("reset after the failed save: device state %u\n", ret ? 0 : state);
	if (ret || state != V1_RUNNING)
		c->bad = 1;
	return ret;
}

int main(int argc, char **argv)
{
	struct vfio_region_info info;
	char extra[64], old_poll[32] = "500";
	struct ctx c = {};
	long reporting;
	uint32_t status;
	uint8_t *pool;
	void *bar;
	uint64_t t0;
	int index, ret;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <bdf>\n", argv[0]);
		return 2;
	}
	snprintf(stats_path, sizeof(stats_path),
		 "/sys/kernel/debug/vfio-pci/%s/stats", argv[1]);
	f = fopen(POLL_PARAM, "r");
	if (f) {
		if (!fgets(old_poll, sizeof(old_poll), f))
			strcpy(old_poll, "500");
		fclose(f);
	}
	c.ring = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pool = mmap(NULL, RING * 2048, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.ring == MAP_FAILED || pool == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (vfio_dev_open_cmd(&c.d, argv[0], argv[1]))
		return 1;
	ret = vfio_dma_map(&c.d, c.ring, RING_IOVA, PAGE);
	ret = ret ?: vfio_dma_map(&c.d, pool, POOL_IOVA, RING * 2048);
	ret = ret ?: vfio_pci_command_set(&c.d, PCI_COMMAND_MEMORY |
					  PCI_COMMAND_MASTER);
	ret = ret ?: igb_rx_setup(&c.d, RING_IOVA, RING, IGB_SRRCTL_2K);
	if (ret)
		goto out;
	bar = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   c.d.fd, vfio_region_offset(&c.d, 0) + IGB_RXQ_PAGE);
	if (bar == MAP_FAILED) {
		ret = -errno;
		fprintf(stderr, "%s: mapping the RX queue page: %s\n",
			argv[0], vfio_errname(ret));
		goto out;
	}
	c.rxq = bar;
	c.seen0 = driver_tail_writes();
	if (c.seen0 < 0) {
		fprintf(stderr, "%s: no igb.tail_writes in %s\n", argv[0],
			stats_path);
		ret = -ENOENT;
		goto out;
	}
	index = vfio_find_region(&c.d, VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
				 VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED,
				 &info);
	if (index < 0) {
		ret = index;
		goto out;
	}

	/* Not saving: the page is the device's, the driver sees nothing. */
	post(&c, 4);
	report(&c, "idle", 0, "");

	/* Saving: the timer passes the write on, nothing else touches the
	 * device until the driver saw it.
	 */
	ret = v1_state(&c.d, index, V1_SAVING | V1_RUNNING);
	if (ret)
		goto out;
	post(&c, 4);
	t0 = now_ms();
	while (driver_tail_writes() - c.seen0 < 1 && now_ms() - t0 < WAIT_MS)
		usleep(1000);
	snprintf(extra, sizeof(extra), " after %llu ms",
		 (unsigned long long)(now_ms() - t0));
	report(&c, "saving, timer", 1, extra);

	/* With the timer slowed to 100 ms, a trapped access (a read of the
	 * mailbox page's STATUS) passes the write on first.
	 */
	if (write_param(POLL_PARAM, "100000")) {
		fprintf(stderr, "%s: cannot set %s\n", argv[0], POLL_PARAM);
		c.bad = 1;
	}
	usleep(200000);		/* the timer's current period ends */
	post(&c, 4);
	vfio_read32(&c.d, 0, IGB_STATUS, &status);
	report(&c, "saving, trapped read", 2, "");

	/* The switch-over: a write the timer has not passed on yet goes to
	 * the device before the driver quiesces it.
	 */
	post(&c, 4);
	ret = v1_state(&c.d, index, V1_SAVING);
	if (ret)
		goto out;
	report(&c, "stopped", 3, "");

	/* Running again: the device's page once more, unless the engine
	 * keeps the driver reporting (the save pinned pages through type1);
	 * then a trapped read passes the write on, as while saving.
	 */
	ret = v1_state(&c.d, index, V1_RUNNING);
	if (ret)
		goto out;
	post(&c, 4);
	reporting = stat_value("migration.reporting");
	vfio_read32(&c.d, 0, IGB_STATUS, &status);
	snprintf(extra, sizeof(extra), ", reporting %#lx", reporting);
	report(&c, "done", reporting ? 4 : 3, extra);
	if (reporting < 0)
		c.bad = 1;

	ret = refilled(&c, index);
out:
	write_param(POLL_PARAM, old_poll);
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			vfio_errname(ret));
	vfio_write32(&c.d, 0, IGB_RXDCTL, 0);
	vfio_dev_close(&c.d);
	return ret || c.bad ? 1 : 0;
}
