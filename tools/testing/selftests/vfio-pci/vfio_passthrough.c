// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drive an edu device (QEMU, 1234:11e8) through the whole VFIO device uAPI
 * and print a deterministic fingerprint of every result, so that the same
 * run under different vfio-pci drivers (ours with or without a vendor
 * driver, Debian's stock module) can be compared line by line.
 *
 * A kselftest harness program: one case per part of the uAPI, each on the
 * device opened afresh (the fixture), each checking what holds under any
 * correct driver.  Output on stdout, besides the harness's TAP:
 *   R <category>.<key> <value>   one result; <category> is one of info,
 *                                feature, config, bar0, mmap, msi, intx,
 *                                reset, badinput
 * Errors are printed by name (EINVAL), never as raw numbers, and nothing
 * that depends on timing or history (counts of polls, addresses of user
 * buffers) is part of a value.  A failed check names itself on stderr.
 *
 * usage: VFIO_TEST_BDF=<domain:bus:slot.fn> vfio_passthrough
 * Exit status: 0 when every case passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "edu_test.h"
#include "vfio_dev.h"
#include "vfio_harness.h"

#define EDU_ID_VALUE		0x010000ed

#define BAR0			VFIO_PCI_BAR0_REGION_INDEX
#define CONFIG			VFIO_PCI_CONFIG_REGION_INDEX

/* Region offsets of indexes vfio-pci does not report: its fixed encoding. */
#define INDEX_TO_OFFSET(i)	((uint64_t)(i) << 40)

/* The device of the running case (its fixture's), for the helpers. */
static struct vfio_dev *dev;
static uint64_t cfg_size;
static uint64_t bar0_size;
static unsigned int num_regions;
static unsigned int msi_cap;

static void __printf(2, 3) rec(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("R %s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* pread/pwrite at an absolute device-file offset: bytes or -errno. */
static ssize_t raw_read(void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(dev->fd, buf, len, off);

	return n < 0 ? -errno : n;
}

static ssize_t raw_write(const void *buf, size_t len, uint64_t off)
{
	ssize_t n = pwrite(dev->fd, buf, len, off);

	return n < 0 ? -errno : n;
}

/* "n=<bytes>" or the error name, for region accesses. */
static const char *io_result(ssize_t n)
{
	static char buf[32];

	if (n < 0)
		return vfio_errname(n);
	snprintf(buf, sizeof(buf), "n=%zd", n);
	return buf;
}

static int rd32(uint64_t off, uint32_t *val)
{
	return vfio_read32(dev, BAR0, off, val);
}

static int wr32(uint64_t off, uint32_t val)
{
	return vfio_write32(dev, BAR0, off, val);
}

static int cfg_read(uint64_t off, void *val, size_t len)
{
	return vfio_region_read(dev, CONFIG, off, val, len);
}

static int cfg_write(uint64_t off, const void *val, size_t len)
{
	return vfio_region_write(dev, CONFIG, off, val, len);
}

/* "0x..." of a 1, 2, 4 or 8 byte little-endian value read, or the error. */
static const char *read_value(unsigned int index, uint64_t off, size_t len)
{
	static char buf[32];
	uint64_t val = 0;
	int ret;

	ret = vfio_region_read(dev, index, off, &val, len);
	if (ret)
		return vfio_errname(ret);
	snprintf(buf, sizeof(buf), "0x%0*llx", (int)len * 2,
		 (unsigned long long)val);
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to 2 s for the factorial unit to finish; 0, -ETIMEDOUT, -errno. */
static int fact_wait(void)
{
	double end = now() + 2;
	uint32_t status;
	int ret;

	do {
		ret = rd32(EDU_STATUS, &status);
		if (ret)
			return ret;
		if (!(status & EDU_STATUS_COMPUTING))
			return 0;
		usleep(1000);
	} while (now() < end);
	return -ETIMEDOUT;
}

/* Wait up to @ms for the eventfd; returns its count (0 if none). */
static uint64_t eventfd_wait(int efd, int ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t count = 0;

	if (poll(&pfd, 1, ms) == 1 && read(efd, &count, sizeof(count)) < 0)
		count = 0;
	return count;
}

/* Describe a capability chain: "sparse[0x0+0x1000],type[3/1],msix". */
static void describe_caps(void *info, uint32_t cap_offset, char *out,
			  size_t len)
{
	uint32_t off = cap_offset;
	int guard = 16;
	size_t n = 0;

	out[0] = '\0';
	while (off && guard-- && n < len) {
		struct vfio_info_cap_header *hdr = (void *)((char *)info + off);

		n += snprintf(out + n, len - n, "%s", n ? "," : "");
		if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			struct vfio_region_info_cap_sparse_mmap *s = (void *)hdr;
			uint32_t i;

			n += snprintf(out + n, len - n, "sparse[");
			for (i = 0; i < s->nr_areas && i < 16 && n < len; i++)
				n += snprintf(out + n, len - n, "%s0x%llx+0x%llx",
					      i ? " " : "",
					      (unsigned long long)s->areas[i].offset,
					      (unsigned long long)s->areas[i].size);
			n += snprintf(out + n, len - n, "]");
		} else if (hdr->id == VFIO_REGION_INFO_CAP_TYPE) {
			struct vfio_region_info_cap_type *t = (void *)hdr;

			n += snprintf(out + n, len - n, "type[%u/%u]", t->type,
				      t->subtype);
		} else if (hdr->id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE) {
			n += snprintf(out + n, len - n, "msix");
		} else {
			n += snprintf(out + n, len - n, "cap%u.v%u", hdr->id,
				      hdr->version);
		}
		off = hdr->next;
	}
	if (!out[0])
		snprintf(out, len, "none");
}

/* Each case on the device opened afresh; sizes learnt quietly first. */
FIXTURE(passthrough) {
	struct vfio_dev dev;
};

FIXTURE_SETUP(passthrough)
{
	const char *bdf = getenv("VFIO_TEST_BDF");
	struct vfio_region_info rinfo;
	struct vfio_device_info dinfo;
	uint8_t cfg[256];
	int ret;

	ASSERT_NE(NULL, bdf) TH_LOG("VFIO_TEST_BDF names the device");
	dev = &self->dev;
	ret = vfio_dev_open(dev, bdf);
	ASSERT_EQ(0, ret) TH_LOG("%s opens through its VFIO group: %s", bdf,
				 vfio_errname(ret));
	ASSERT_EQ(0, vfio_device_info(dev, &dinfo));
	num_regions = dinfo.num_regions;
	ASSERT_EQ(0, vfio_region_info(dev, CONFIG, &rinfo));
	cfg_size = rinfo.size;
	ASSERT_EQ(0, vfio_region_info(dev, BAR0, &rinfo));
	bar0_size = rinfo.size;
	ASSERT_EQ(0, cfg_read(0, cfg, sizeof(cfg)));
	msi_cap = vfio_pci_find_cap(cfg, PCI_CAP_ID_MSI);
}

FIXTURE_TEARDOWN(passthrough)
{
	vfio_dev_close(&self->dev);
}

/* Memory decode and bus mastering on, as config_space leaves them. */
static void enable(TEST_ARGS)
{
	ASSERT_EQ(0, vfio_pci_command_set(dev, PCI_COMMAND_MEMORY |
					  PCI_COMMAND_MASTER));
}

/* Slow under emulation: factorials, irq waits of up to 2 s each. */
#define CASE_TIMEOUT	120

/* VFIO_DEVICE_GET_INFO, GET_REGION_INFO and GET_IRQ_INFO of every index. */
TEST_F_TIMEOUT(passthrough, device_and_irq_info, CASE_TIMEOUT)
{
	struct vfio_device_info dinfo;
	unsigned int i;
	int ret;

	ret = vfio_device_info(dev, &dinfo);
	if (ret) {
		rec("info.device", "%s", vfio_errname(ret));
		check(false, "VFIO_DEVICE_GET_INFO succeeds");
		return;
	}
	num_regions = dinfo.num_regions;
	rec("info.device", "flags=0x%x num_regions=%u num_irqs=%u",
	    dinfo.flags, dinfo.num_regions, dinfo.num_irqs);
	check(dinfo.flags & VFIO_DEVICE_FLAGS_PCI,
	      "device info: a PCI device with %u regions and %u irqs",
	      dinfo.num_regions, dinfo.num_irqs);
	check(dinfo.num_regions >= VFIO_PCI_NUM_REGIONS &&
	      dinfo.num_irqs >= VFIO_PCI_NUM_IRQS,
	      "device info: at least the standard vfio-pci regions and irqs");

	/* Every index, and two past the end. */
	for (i = 0; i < dinfo.num_regions + 2; i++) {
		char buf[4096], key[64], caps[512];
		struct vfio_region_info *info = (void *)buf;
		struct vfio_region_info small;

		memset(buf, 0, sizeof(buf));
		info->argsz = sizeof(buf);
		info->index = i;
		snprintf(key, sizeof(key), "info.region.%u", i);
		if (ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, info)) {
			rec(key, "%s", vfio_errname(errno));
			continue;
		}
		if (info->flags & VFIO_REGION_INFO_FLAG_CAPS)
			describe_caps(info, info->cap_offset, caps,
				      sizeof(caps));
		else
			snprintf(caps, sizeof(caps), "none");
		rec(key, "flags=0x%x size=0x%llx offset=0x%llx caps=%s",
		    info->flags, (unsigned long long)info->size,
		    (unsigned long long)info->offset, caps);
		if (i == CONFIG)
			cfg_size = info->size;
		if (i == BAR0)
			bar0_size = info->size;

		/* The minimum argsz: what size does the kernel ask for? */
		memset(&small, 0, sizeof(small));
		small.argsz = sizeof(small);
		small.index = i;
		ret = ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &small);
		snprintf(key, sizeof(key), "info.region.%u.minsz", i);
		rec(key, "%s argsz=%u flags=0x%x cap_offset=%u",
		    vfio_errname(ret ? errno : 0), small.argsz, small.flags,
		    small.cap_offset);
	}

	for (i = 0; i < dinfo.num_irqs + 2; i++) {
		struct vfio_irq_info irq;
		char key[64];

		snprintf(key, sizeof(key), "info.irq.%u", i);
		ret = vfio_irq_info(dev, i, &irq);
		if (ret)
			rec(key, "%s", vfio_errname(ret));
		else
			rec(key, "flags=0x%x count=%u", irq.flags, irq.count);
	}
}

/* Probe every feature number 0..8 for GET and SET support. */
TEST_F_TIMEOUT(passthrough, feature_probes, CASE_TIMEOUT)
{
	unsigned int f;

	for (f = 0; f <= 8; f++) {
		struct vfio_device_feature feat = { .argsz = sizeof(feat) };
		int get, set;
		char key[64];

		feat.flags = f | VFIO_DEVICE_FEATURE_PROBE |
			     VFIO_DEVICE_FEATURE_GET;
		get = ioctl(dev->fd, VFIO_DEVICE_FEATURE, &feat) ? errno : 0;
		feat.flags = f | VFIO_DEVICE_FEATURE_PROBE |
			     VFIO_DEVICE_FEATURE_SET;
		set = ioctl(dev->fd, VFIO_DEVICE_FEATURE, &feat) ? errno : 0;
		snprintf(key, sizeof(key), "feature.%u.probe", f);
		rec(key, "get=%s set=%s", vfio_errname(get), vfio_errname(set));
	}
}

/* Config space, read before anything is enabled, then written. */
TEST_F_TIMEOUT(passthrough, config_space, CASE_TIMEOUT)
{
	static const struct {
		unsigned int off, len;
	} partial[] = {
		{ 0x00, 1 }, { 0x00, 2 }, { 0x01, 1 }, { 0x02, 2 }, { 0x03, 1 },
		{ 0x06, 2 }, { 0x08, 1 }, { 0x2c, 2 }, { 0x2e, 2 }, { 0x3c, 1 },
		{ 0x3d, 1 }, { 0x0e, 1 }, { 0x01, 2 }, { 0x02, 4 },
	};
	uint8_t dword[4096], bulk[4096];
	uint32_t bar, mask, orig;
	uint16_t id16, cmd;
	unsigned int off, i;
	bool ok = true;
	ssize_t n;
	char key[64];
	int ret;

	if (!cfg_size || cfg_size > sizeof(dword)) {
		check(false, "config region has a sane size (0x%llx)",
		      (unsigned long long)cfg_size);
		return;
	}

	for (off = 0; off < cfg_size; off += 4)
		if (cfg_read(off, dword + off, 4))
			ok = false;
	check(ok, "config space reads 4 bytes at a time over 0x%llx bytes",
	      (unsigned long long)cfg_size);
	for (off = 0; off < cfg_size; off += 16) {
		uint32_t *w = (uint32_t *)(dword + off);

		snprintf(key, sizeof(key), "config.dump.%03x", off);
		rec(key, "%08x %08x %08x %08x", w[0], w[1], w[2], w[3]);
	}
	check(dword[0] == 0x34 && dword[1] == 0x12 && dword[2] == 0xe8 &&
	      dword[3] == 0x11, "config space reads vendor:device 1234:11e8");

	n = raw_read(bulk, cfg_size, vfio_region_offset(dev, CONFIG));
	rec("config.bulk-read", "%s %s", io_result(n),
	    n == (ssize_t)cfg_size && !memcmp(bulk, dword, cfg_size) ?
	    "same" : "differs");

	for (i = 0; i < ARRAY_SIZE(partial); i++) {
		snprintf(key, sizeof(key), "config.read%u@%02x",
			 partial[i].len, partial[i].off);
		rec(key, "%s", read_value(CONFIG, partial[i].off,
					  partial[i].len));
	}

	msi_cap = vfio_pci_find_cap(dword, PCI_CAP_ID_MSI);
	rec("config.msi-cap", "0x%02x", msi_cap);

	/* The IDs are read-only. */
	id16 = 0xffff;
	ret = cfg_write(PCI_VENDOR_ID, &id16, 2);
	rec("config.write-vendor-id", "%s then %s", vfio_errname(ret),
	    read_value(CONFIG, PCI_VENDOR_ID, 2));

	/* BAR0 sizing, as a guest's BIOS does it, then restored. */
	ret = cfg_read(PCI_BASE_ADDRESS_0, &orig, 4);
	bar = 0xffffffff;
	ret = ret ?: cfg_write(PCI_BASE_ADDRESS_0, &bar, 4);
	ret = ret ?: cfg_read(PCI_BASE_ADDRESS_0, &mask, 4);
	ret = ret ?: cfg_write(PCI_BASE_ADDRESS_0, &orig, 4);
	ret = ret ?: cfg_read(PCI_BASE_ADDRESS_0, &bar, 4);
	rec("config.bar0-sizing", "%s mask=0x%08x restored=%s",
	    vfio_errname(ret), ret ? 0 : mask, bar == orig ? "yes" : "no");
	check(!ret && (uint32_t)(~(mask & ~0xfu) + 1) == bar0_size,
	      "BAR0 sizing through config space gives the region size 0x%llx",
	      (unsigned long long)bar0_size);

	/* With memory decode off, BAR0 must not be accessible. */
	ret = cfg_read(PCI_COMMAND, &cmd, 2);
	cmd &= ~PCI_COMMAND_MEMORY;
	ret = ret ?: cfg_write(PCI_COMMAND, &cmd, 2);
	rec("config.decode-off", "%s", vfio_errname(ret));
	ret = vfio_region_read(dev, BAR0, EDU_ID, &bar, 4);
	rec("bar0.decode-off.read", "%s", vfio_errname(ret));
	check(ret == -EIO, "BAR0 read refused with EIO while memory decode is off");

	/* Memory decode and bus mastering (for MSI) on. */
	ret = vfio_pci_command_set(dev, PCI_COMMAND_MEMORY |
				   PCI_COMMAND_MASTER);
	cmd = 0;
	cfg_read(PCI_COMMAND, &cmd, 2);
	rec("config.command-enable", "%s command=0x%04x", vfio_errname(ret),
	    cmd);
	check(!ret && (cmd & PCI_COMMAND_MEMORY) && (cmd & PCI_COMMAND_MASTER),
	      "command register takes memory decode and bus master");
}

/* The edu registers through the BAR0 region. */
TEST_F_TIMEOUT(passthrough, bar0_registers, CASE_TIMEOUT)
{
	static const uint32_t patterns[] = {
		0x00000000, 0x12345678, 0xffffffff, 0xa5a5a5a5,
	};
	static const struct {
		unsigned int off, len;
	} partial[] = {
		{ EDU_ID, 1 }, { EDU_ID, 2 }, { EDU_ID, 8 }, { 0x02, 4 },
		{ 0x80, 8 }, { 0x1000, 4 },
	}, shapes[] = {
		{ EDU_FACTORIAL, 2 }, { EDU_FACTORIAL, 8 }, { 0x04, 8 },
	};
	uint32_t val, fact;
	unsigned int i;
	int ret, wait;
	char key[64];
	bool ok;

	enable(_metadata);
	rec("bar0.size", "0x%llx", (unsigned long long)bar0_size);
	ret = rd32(EDU_ID, &val);
	if (ret)
		rec("bar0.id", "%s", vfio_errname(ret));
	else
		rec("bar0.id", "0x%08x", val);
	check(!ret && val == EDU_ID_VALUE,
	      "BAR0 ID register reads 0x010000ed");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		ret = wr32(EDU_LIVENESS, patterns[i]);
		ret = ret ?: rd32(EDU_LIVENESS, &val);
		snprintf(key, sizeof(key), "bar0.liveness.%08x", patterns[i]);
		if (ret)
			rec(key, "%s", vfio_errname(ret));
		else
			rec(key, "0x%08x", val);
		ok = ok && !ret && val == ~patterns[i];
	}
	check(ok, "liveness register reads back the inverse of what was written");

	for (i = 0; i < ARRAY_SIZE(partial); i++) {
		snprintf(key, sizeof(key), "bar0.read%u@%x", partial[i].len,
			 partial[i].off);
		rec(key, "%s", read_value(BAR0, partial[i].off,
					  partial[i].len));
	}

	/* 5! = 120 and 12! = 479001600 fit in 32 bits. */
	ret = wr32(EDU_FACTORIAL, 5);
	ret = ret ?: fact_wait();
	ret = ret ?: rd32(EDU_FACTORIAL, &fact);
	rec("bar0.fact5", "%s 0x%08x", vfio_errname(ret), ret ? 0 : fact);
	check(!ret && fact == 120,
	      "factorial: write 5, read 120 once the status bit clears");

	ret = wr32(EDU_FACTORIAL, 12);
	ret = ret ?: fact_wait();
	ret = ret ?: rd32(EDU_FACTORIAL, &fact);
	rec("bar0.fact12", "%s 0x%08x", vfio_errname(ret), ret ? 0 : fact);
	check(!ret && fact == 479001600, "factorial: write 12, read 479001600");

	/* 13! overflows: stock passes it on; a filtering vendor may refuse. */
	ret = wr32(EDU_FACTORIAL, 13);
	wait = fact_wait();
	val = 0;
	rd32(EDU_FACTORIAL, &val);
	rec("bar0.fact13", "write=%s wait=%s read=0x%08x", vfio_errname(ret),
	    vfio_errname(wait), val);
	ok = !ret && val == 0x7328cc00;
	ok = ok || (ret == -EINVAL && val == 479001600);
	check(!wait && ok,
	      "factorial 13: computed (mod 2^32) or refused with EINVAL, register consistent");

	/*
	 * Other shapes of write that touch the factorial register: stock
	 * hands them to the device; a filter must refuse (or check) them,
	 * never let 13 slip past it.
	 */
	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		uint8_t bytes[8] = { 0 };

		bytes[EDU_FACTORIAL - shapes[i].off] = 13;
		ret = vfio_region_write(dev, BAR0, shapes[i].off, bytes,
					shapes[i].len);
		wait = fact_wait();
		val = 0;
		rd32(EDU_FACTORIAL, &val);
		snprintf(key, sizeof(key), "bar0.fact-write%u@%x",
			 shapes[i].len, shapes[i].off);
		rec(key, "write=%s wait=%s read=0x%08x", vfio_errname(ret),
		    vfio_errname(wait), val);
	}

	/* Status: bit 7 is writable, bit 0 is not. */
	ret = wr32(EDU_STATUS, EDU_STATUS_IRQFACT | EDU_STATUS_COMPUTING);
	ret = ret ?: rd32(EDU_STATUS, &val);
	rec("bar0.status-set", "%s 0x%08x", vfio_errname(ret), ret ? 0 : val);
	ret = wr32(EDU_STATUS, 0);
	ret = ret ?: rd32(EDU_STATUS, &val);
	rec("bar0.status-clear", "%s 0x%08x", vfio_errname(ret), ret ? 0 : val);
	check(!ret && val == 0, "status register bit 7 set and cleared");
}

/* One 32-bit access each: edu answers other sizes with all ones. */
static uint32_t mmio_read32(uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void mmio_write32(uint32_t *p, uint32_t val)
{
	__atomic_store_n(p, val, __ATOMIC_SEQ_CST);
}

/* mmap of BAR0, where the region info allows it. */
TEST_F_TIMEOUT(passthrough, bar0_mmap, CASE_TIMEOUT)
{
	uint64_t base = vfio_region_offset(dev, BAR0);
	long page = sysconf(_SC_PAGESIZE);
	uint32_t *regs;
	void *map;

	enable(_metadata);
	map = mmap(NULL, bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   dev->fd, base);
	if (map == MAP_FAILED) {
		rec("mmap.bar0.whole", "%s", vfio_errname(errno));
	} else {
		uint32_t id, live;

		regs = map;
		id = mmio_read32(&regs[EDU_ID / 4]);
		mmio_write32(&regs[EDU_LIVENESS / 4], 0x0f0f0f0f);
		live = mmio_read32(&regs[EDU_LIVENESS / 4]);
		rec("mmap.bar0.whole", "ok id=0x%08x liveness=0x%08x", id,
		    live);
		check(id == EDU_ID_VALUE && live == 0xf0f0f0f0,
		      "mmap of BAR0: ID and liveness through the mapping");
		munmap(map, bar0_size);
	}

	map = mmap(NULL, page, PROT_READ, MAP_SHARED, dev->fd, base + page);
	if (map == MAP_FAILED) {
		rec("mmap.bar0.page1", "%s", vfio_errname(errno));
	} else {
		regs = map;
		rec("mmap.bar0.page1", "ok 0x%08x", mmio_read32(regs));
		munmap(map, page);
	}

	map = mmap(NULL, bar0_size + page, PROT_READ, MAP_SHARED, dev->fd,
		   base);
	rec("mmap.bar0.too-long", "%s",
	    map == MAP_FAILED ? vfio_errname(errno) : "ok");
	if (map != MAP_FAILED)
		munmap(map, bar0_size + page);

	map = mmap(NULL, page, PROT_READ, MAP_SHARED, dev->fd,
		   vfio_region_offset(dev, CONFIG));
	rec("mmap.config", "%s", map == MAP_FAILED ? vfio_errname(errno) : "ok");
	if (map != MAP_FAILED)
		munmap(map, page);

	map = mmap(NULL, page, PROT_READ, MAP_SHARED, dev->fd,
		   INDEX_TO_OFFSET(20));
	rec("mmap.index20", "%s", map == MAP_FAILED ? vfio_errname(errno) : "ok");
	if (map != MAP_FAILED)
		munmap(map, page);
}

static uint16_t msi_control(void)
{
	uint16_t ctrl = 0xffff;

	if (msi_cap)
		cfg_read(msi_cap + PCI_MSI_FLAGS, &ctrl, 2);
	return ctrl;
}

/* Raise the edu irq @times times and count what reaches @efd. */
static bool raise_irqs(const char *cat, int efd, int times, bool unmask)
{
	bool ok = true;
	int i;

	for (i = 0; i < times; i++) {
		uint32_t status = 0, after = 0;
		uint64_t count;
		int ret;
		char key[64];

		ret = wr32(EDU_IRQ_RAISE, 1u << i);
		count = ret ? 0 : eventfd_wait(efd, 2000);
		rd32(EDU_IRQ_STATUS, &status);
		ret = ret ?: wr32(EDU_IRQ_ACK, 1u << i);
		rd32(EDU_IRQ_STATUS, &after);
		if (unmask) {
			char buf[sizeof(struct vfio_irq_set)];
			struct vfio_irq_set *set = (void *)buf;

			memset(buf, 0, sizeof(buf));
			set->argsz = sizeof(buf);
			set->flags = VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_UNMASK;
			set->index = VFIO_PCI_INTX_IRQ_INDEX;
			set->count = 1;
			if (!ret && ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, set))
				ret = -errno;
		}
		snprintf(key, sizeof(key), "%s.raise%d", cat, i);
		rec(key, "%s count=%llu status=0x%x after-ack=0x%x",
		    vfio_errname(ret), (unsigned long long)count, status,
		    after);
		ok = ok && !ret && count == 1 && status == 1u << i && !after;
	}
	return ok;
}

/* MSI: eventfd trigger, raise with 0x60, ack with 0x64. */
TEST_F_TIMEOUT(passthrough, msi, CASE_TIMEOUT)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int ret;
	bool ok;

	enable(_metadata);
	if (efd < 0) {
		check(false, "eventfd");
		return;
	}
	wr32(EDU_IRQ_ACK, 0xffffffff);
	rec("msi.control-before", "0x%04x", msi_control());
	ret = vfio_irq_trigger(dev, VFIO_PCI_MSI_IRQ_INDEX, efd);
	rec("msi.enable", "%s control=0x%04x", vfio_errname(ret),
	    msi_control());
	ok = !ret && raise_irqs("msi", efd, 3, false);
	check(ok, "MSI: each raise (0x60) signals the eventfd once, ack (0x64) clears it");
	ret = vfio_irq_trigger(dev, VFIO_PCI_MSI_IRQ_INDEX, -1);
	rec("msi.disable", "%s control=0x%04x", vfio_errname(ret),
	    msi_control());
	check(!ret, "MSI disabled again");
	close(efd);
}

/* INTx: the line is masked by vfio after each irq until unmasked. */
TEST_F_TIMEOUT(passthrough, intx, CASE_TIMEOUT)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct vfio_irq_info info;
	int ret;
	bool ok;

	enable(_metadata);
	if (efd < 0) {
		check(false, "eventfd");
		return;
	}
	if (vfio_irq_info(dev, VFIO_PCI_INTX_IRQ_INDEX, &info) ||
	    !info.count) {
		rec("intx.enable", "no-intx");
		close(efd);
		return;
	}
	wr32(EDU_IRQ_ACK, 0xffffffff);
	ret = vfio_irq_trigger(dev, VFIO_PCI_INTX_IRQ_INDEX, efd);
	rec("intx.enable", "%s", vfio_errname(ret));
	ok = !ret && raise_irqs("intx", efd, 2, true);
	check(ok, "INTx: each raise signals the eventfd once, ack and unmask re-arm it");
	ret = vfio_irq_trigger(dev, VFIO_PCI_INTX_IRQ_INDEX, -1);
	rec("intx.disable", "%s", vfio_errname(ret));
	close(efd);
}

/* VFIO_DEVICE_RESET and the hot-reset query, then the device still works. */
TEST_F_TIMEOUT(passthrough, device_reset, CASE_TIMEOUT)
{
	struct vfio_pci_hot_reset_info hot = { .argsz = sizeof(hot) };
	struct vfio_device_info dinfo;
	uint32_t id = 0, live = 0;
	int ret;

	enable(_metadata);
	ret = vfio_device_info(dev, &dinfo);
	rec("reset.flag", "%s", ret ? vfio_errname(ret) :
	    dinfo.flags & VFIO_DEVICE_FLAGS_RESET ? "yes" : "no");
	ret = ioctl(dev->fd, VFIO_DEVICE_RESET) ? errno : 0;
	rec("reset.ioctl", "%s", vfio_errname(ret));
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hot) ?
	      errno : 0;
	rec("reset.hot-reset-info", "%s count=%u", vfio_errname(ret),
	    hot.count);

	/* A reset may have cleared the command register: enable again. */
	vfio_pci_command_set(dev, PCI_COMMAND_MEMORY);
	ret = rd32(EDU_ID, &id);
	ret = ret ?: wr32(EDU_LIVENESS, 0x5a5a5a5a);
	ret = ret ?: rd32(EDU_LIVENESS, &live);
	rec("reset.after", "%s id=0x%08x liveness=0x%08x", vfio_errname(ret),
	    id, live);
	check(!ret && id == EDU_ID_VALUE && live == 0xa5a5a5a5,
	      "device works after the reset attempt");
}

/* One bad SET_IRQS: header fields, optional eventfd data. */
static int set_irqs(uint32_t argsz, uint32_t flags, uint32_t index,
		    uint32_t start, uint32_t count)
{
	char buf[sizeof(struct vfio_irq_set) + 8 * sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;

	memset(buf, 0xff, sizeof(buf));	/* fds of -1 */
	set->argsz = argsz;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	return ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, set) ? errno : 0;
}

/* The device answers after bad input: nothing was left broken. */
static void still_works(TEST_ARGS)
{
	uint32_t val = 0;
	int ret = rd32(EDU_ID, &val);

	check(!ret && val == EDU_ID_VALUE, "device still works after the bad input");
}

/* Out-of-range, zero and huge region accesses: errors, never success. */
TEST_F_TIMEOUT(passthrough, bad_region_access, CASE_TIMEOUT)
{
	const size_t big = 2 << 20;
	uint64_t bar0 = vfio_region_offset(dev, BAR0);
	uint64_t cfg = vfio_region_offset(dev, CONFIG);
	bool refused = true;
	uint32_t val = 0;
	unsigned int i;
	uint8_t *buf;
	ssize_t n;
	char key[64];

	enable(_metadata);
	/* A big buffer with an inaccessible page after it. */
	buf = mmap(NULL, big + 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf) TH_LOG("bad input: buffer");
	mprotect(buf + big, 4096, PROT_NONE);

	rec("badinput.config-read0", "%s", io_result(raw_read(buf, 0, cfg)));
	rec("badinput.config-at-end", "%s",
	    io_result(raw_read(buf, 4, cfg + cfg_size)));
	rec("badinput.config-across-end", "%s",
	    io_result(raw_read(buf, 4, cfg + cfg_size - 2)));
	n = raw_read(buf, big, cfg);
	rec("badinput.config-huge", "%s", io_result(n));
	n = raw_read(buf, 1 << 30, cfg + cfg_size - 8);
	rec("badinput.config-1g-near-end", "%s", io_result(n));
	rec("badinput.config-write-at-end", "%s",
	    io_result(raw_write(&val, 4, cfg + cfg_size)));
	rec("badinput.bar0-read0", "%s", io_result(raw_read(buf, 0, bar0)));
	n = raw_read(buf, 4, bar0 + bar0_size);
	rec("badinput.bar0-at-end", "%s", io_result(n));
	refused = refused && n < 0;
	rec("badinput.bar0-across-end", "%s",
	    io_result(raw_read(buf, 4, bar0 + bar0_size - 2)));
	rec("badinput.bar0-last", "%s",
	    io_result(raw_read(buf, 4, bar0 + bar0_size - 4)));
	rec("badinput.bar0-1g-near-end", "%s",
	    io_result(raw_read(buf, 1 << 30, bar0 + bar0_size - 8)));
	n = raw_write(&val, 4, bar0 + bar0_size);
	rec("badinput.bar0-write-at-end", "%s", io_result(n));
	refused = refused && n < 0;
	rec("badinput.bar0-far", "%s",
	    io_result(raw_read(buf, 4, bar0 + (1ull << 39))));
	for (i = 1; i <= 20; i++) {
		if (i == CONFIG)
			continue;
		n = raw_read(buf, 4, INDEX_TO_OFFSET(i));
		snprintf(key, sizeof(key), "badinput.read-index%u", i);
		rec(key, "%s", io_result(n));
		if (i >= num_regions)
			refused = refused && n < 0;
		/* Never write to a device-specific region. */
		if (i >= VFIO_PCI_NUM_REGIONS && i < num_regions)
			continue;
		n = raw_write(&val, 4, INDEX_TO_OFFSET(i));
		snprintf(key, sizeof(key), "badinput.write-index%u", i);
		rec(key, "%s", io_result(n));
	}
	n = raw_read(buf, 4, ~0ull >> 1);
	rec("badinput.read-max-offset", "%s", io_result(n));
	refused = refused && n < 0;

	check(refused, "out-of-range region accesses are refused");
	munmap(buf, big + 4096);
	still_works(_metadata);
}

/* Info ioctls with bad argsz and index: errors. */
TEST_F_TIMEOUT(passthrough, bad_info_ioctls, CASE_TIMEOUT)
{
	struct vfio_region_info rinfo;
	struct vfio_device_info dinfo;
	struct vfio_irq_info iinfo;
	bool refused = true;
	uint8_t buf[4096];
	int ret;

	enable(_metadata);
	memset(&dinfo, 0, sizeof(dinfo));
	dinfo.argsz = 4;
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &dinfo) ? errno : 0;
	rec("badinput.get-info-argsz4", "%s", vfio_errname(ret));
	refused = refused && ret;
	dinfo.argsz = 0xffffffff;
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &dinfo) ? errno : 0;
	rec("badinput.get-info-argsz-huge", "%s num_regions=%u",
	    vfio_errname(ret), ret ? 0 : dinfo.num_regions);

	memset(&rinfo, 0, sizeof(rinfo));
	rinfo.argsz = offsetof(struct vfio_region_info, offset);
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &rinfo) ? errno : 0;
	rec("badinput.region-info-short", "%s", vfio_errname(ret));
	refused = refused && ret;
	memset(&rinfo, 0, sizeof(rinfo));
	rinfo.argsz = 0;
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &rinfo) ? errno : 0;
	rec("badinput.region-info-argsz0", "%s", vfio_errname(ret));
	refused = refused && ret;
	memset(&rinfo, 0, sizeof(rinfo));
	rinfo.argsz = sizeof(rinfo);
	rinfo.index = 0xffffffff;
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &rinfo) ? errno : 0;
	rec("badinput.region-info-index-max", "%s", vfio_errname(ret));
	refused = refused && ret;
	memset(buf, 0, 4096);
	((struct vfio_region_info *)buf)->argsz = 0xffffffff;
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, buf) ? errno : 0;
	rec("badinput.region-info-argsz-huge", "%s size=0x%llx",
	    vfio_errname(ret),
	    (unsigned long long)((struct vfio_region_info *)buf)->size);

	memset(&iinfo, 0, sizeof(iinfo));
	iinfo.argsz = offsetof(struct vfio_irq_info, count);
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &iinfo) ? errno : 0;
	rec("badinput.irq-info-short", "%s", vfio_errname(ret));
	refused = refused && ret;
	memset(&iinfo, 0, sizeof(iinfo));
	iinfo.argsz = sizeof(iinfo);
	iinfo.index = 0xffffffff;
	ret = ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &iinfo) ? errno : 0;
	rec("badinput.irq-info-index-max", "%s", vfio_errname(ret));
	refused = refused && ret;

	check(refused, "info ioctls with a bad argsz or index are refused");
	still_works(_metadata);
}

/* SET_IRQS: bad index, range, flags and argsz. */
TEST_F_TIMEOUT(passthrough, bad_set_irqs, CASE_TIMEOUT)
{
	bool refused = true;
	int ret;

	enable(_metadata);
	ret = set_irqs(sizeof(struct vfio_irq_set) - 1,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 0);
	rec("badinput.set-irqs-short", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_NUM_IRQS + 3, 0, 1);
	rec("badinput.set-irqs-index-past", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       0xffffffff, 0, 1);
	rec("badinput.set-irqs-index-max", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set) + 32,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 8);
	rec("badinput.set-irqs-msi-count8", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_MSI_IRQ_INDEX, 0xffffffff, 1);
	rec("badinput.set-irqs-start-max", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_DATA_BOOL |
		       VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 1);
	rec("badinput.set-irqs-two-data-types", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK |
		       VFIO_IRQ_SET_ACTION_UNMASK,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 1);
	rec("badinput.set-irqs-two-actions", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(sizeof(struct vfio_irq_set),
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 1);
	rec("badinput.set-irqs-data-missing", "%s", vfio_errname(ret));
	refused = refused && ret;
	ret = set_irqs(0xffffffff,
		       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 0);
	rec("badinput.set-irqs-argsz-huge", "%s", vfio_errname(ret));
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK,
		       VFIO_PCI_MSI_IRQ_INDEX, 0, 1);
	rec("badinput.set-irqs-mask-msi", "%s", vfio_errname(ret));
	ret = set_irqs(sizeof(struct vfio_irq_set) + 4, 0x80000000u,
		       VFIO_PCI_INTX_IRQ_INDEX, 0, 1);
	rec("badinput.set-irqs-unknown-flag", "%s", vfio_errname(ret));
	refused = refused && ret;

	check(refused, "SET_IRQS with a bad index, range, flags or argsz is refused");
	still_works(_metadata);
}

/* Unknown ioctls and features. */
TEST_F_TIMEOUT(passthrough, unknown_ioctls, CASE_TIMEOUT)
{
	bool refused = true;
	int ret;

	enable(_metadata);
	ret = ioctl(dev->fd, VFIO_DEVICE_RESET + 0x40) ? errno : 0;
	rec("badinput.unknown-ioctl", "%s", vfio_errname(ret));
	refused = refused && ret;
	{
		struct vfio_device_feature feat = { .argsz = 4 };

		feat.flags = VFIO_DEVICE_FEATURE_PROBE |
			     VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
		ret = ioctl(dev->fd, VFIO_DEVICE_FEATURE, &feat) ? errno : 0;
		rec("badinput.feature-short", "%s", vfio_errname(ret));
		refused = refused && ret;
		feat.argsz = sizeof(feat);
		feat.flags = VFIO_DEVICE_FEATURE_PROBE |
			     VFIO_DEVICE_FEATURE_GET | 0x1234;
		ret = ioctl(dev->fd, VFIO_DEVICE_FEATURE, &feat) ? errno : 0;
		rec("badinput.feature-unknown", "%s", vfio_errname(ret));
		refused = refused && ret;
		feat.flags = VFIO_DEVICE_FEATURE_PROBE | 0x00ff0000 |
			     VFIO_DEVICE_FEATURE_GET;
		ret = ioctl(dev->fd, VFIO_DEVICE_FEATURE, &feat) ? errno : 0;
		rec("badinput.feature-bad-flags", "%s", vfio_errname(ret));
		refused = refused && ret;
	}

	check(refused, "unknown ioctls and features are refused");
	still_works(_metadata);
}

TEST_HARNESS_MAIN
