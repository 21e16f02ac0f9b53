// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suite "irq": device-specific irqs and the remap protocol, against an edu
 * device owned by samples/vfio-pci/edu_remap and one owned by a vendor
 * driver without irqs (vfio_pci_test_vendor).  The remap side is driven
 * with the protocol's reference client (remap_client.h), step by step
 * where a case needs to stop between steps.
 *
 * A kselftest harness program, each case on a device opened afresh with
 * nothing trapped.  The fixtures: remap (the edu_remap device), set_irqs
 * (the same and eventfds), client (the same with the reference client set
 * up on it), plain (the other device) and opens (nothing open: its case
 * opens the edu_remap device again and again).  A failed check names
 * itself on stderr.
 *
 * usage: VFIO_TEST_REMAP_BDF=<edu_remap-bdf> VFIO_TEST_PLAIN_BDF=<plain-bdf>
 *        [VFIO_IRQ_CYCLES=<n>] [VFIO_IRQ_OPENS=<n>] vfio_irq
 *   VFIO_IRQ_CYCLES  remap cycles of the leak test (1 to 1000, default 1000)
 *   VFIO_IRQ_OPENS   opens closed with a request outstanding (1 to 300,
 *                    default 300)
 * Exit status: 0 when every case passed.
 *
 * The driver's knob is /sys/module/edu_remap/parameters/trap, its view
 * of each device /sys/kernel/debug/edu_remap/<bdf> (debugfs mounted).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "edu_regs.h"
#include "remap_client.h"
#include "vfio_dev.h"
#include "vfio_harness.h"

#define KNOB		"/sys/module/edu_remap/parameters/trap"
#define STATUS_DIR	"/sys/kernel/debug/edu_remap"
#define TRAP_PAGE0	"0x0,0x1000"
#define BAR0		VFIO_PCI_BAR0_REGION_INDEX
#define BAR0_SIZE	((uint64_t)EDU_BAR0_SIZE)
#define PAGE		4096ULL
#define REMAP_IRQ	VFIO_PCI_NUM_IRQS	/* edu_remap's only vendor irq */
/* A request must not take the driver this long: nothing waits. */
#define PROMPT_MS	1000
/* How long a signal may take to arrive (TCG guests are slow). */
#define SIGNAL_MS	2000

/*
 * A hang is a failure of its case: the harness kills a case that outlives
 * its timeout.  A case of single steps takes seconds even under TCG.
 */
#define CASE_TIMEOUT	120
/* 501 knob writes against the client's loop. */
#define RACE_TIMEOUT	300

/*
 * The loops of the leak cases.  A case's timeout is fixed when the program
 * is built, so the environment may ask for fewer than these, not more.
 * The timeouts allow 250 ms a remap cycle and a second an open, for the
 * warm-up and both windows of slab_no_leak(): many times what they take
 * under TCG, where the whole suite runs in a few minutes.
 */
#define CYCLES_DEFAULT	1000
#define OPENS_DEFAULT	300
#define WARM_UP		20
#define CYCLES_TIMEOUT	(60 + (WARM_UP + 2 * CYCLES_DEFAULT) / 4)
#define OPENS_TIMEOUT	(60 + 2 * OPENS_DEFAULT)

/* The edu_remap device, for the helpers that read the driver's view. */
static const char *remap_bdf;

/* ---- time ----------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the driver's knob and its view of a device ------------------- */

static long long knob_ms;	/* how long the last knob write took */

static int knob(const char *val)
{
	long long t0 = now_ms();
	int fd, ret = 0;

	fd = open(KNOB, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	knob_ms = now_ms() - t0;
	return ret;
}

struct drv {
	int open;
	char trap[64];
	long long requested, acked, acks, writes;
	char mode[64];
};

static int drv_status(const char *bdf, struct drv *s)
{
	char path[128], line[128], key[32], val[64];
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), STATUS_DIR "/%s", bdf);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* "key value" lines, see samples/vfio-pci/edu_remap.c */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %63s", key, val) != 2)
			continue;
		if (!strcmp(key, "open"))
			s->open = atoi(val);
		else if (!strcmp(key, "trap"))
			snprintf(s->trap, sizeof(s->trap), "%s", val);
		else if (!strcmp(key, "requested"))
			s->requested = strtoll(val, NULL, 0);
		else if (!strcmp(key, "acked"))
			s->acked = strtoll(val, NULL, 0);
		else if (!strcmp(key, "acks"))
			s->acks = strtoll(val, NULL, 0);
		else if (!strcmp(key, "writes"))
			s->writes = strtoll(val, NULL, 0);
		else if (!strcmp(key, "mode"))
			snprintf(s->mode, sizeof(s->mode), "%s", val);
	}
	fclose(f);
	return 0;
}

static struct drv drv(void)
{
	struct drv s;

	if (drv_status(remap_bdf, &s))
		strcpy(s.mode, "<no status>");
	return s;
}

static bool mode_is(TEST_ARGS, const char *want)
{
	struct drv s = drv();

	if (strcmp(s.mode, want))
		TH_LOG("driver mode is %s, expected %s", s.mode, want);
	return !strcmp(s.mode, want);
}

/* ---- devices -------------------------------------------------------- */

/* Open @bdf with memory decoding on, as a VMM's guest would have it. */
static int dev_open(struct vfio_dev *d, const char *bdf)
{
	int ret = vfio_dev_open(d, bdf);

	if (!ret)
		ret = vfio_pci_command_set(d, PCI_COMMAND_MEMORY);
	if (ret)
		vfio_dev_close(d);
	return ret;
}

/* Open and set up the reference client on it; 0 or -errno. */
static int client_open(struct vfio_dev *d, struct vrc *c)
{
	int ret = dev_open(d, remap_bdf);

	if (ret)
		return ret;
	memset(c, 0, sizeof(*c));
	ret = vrc_init(c, d->fd);
	if (ret)
		vfio_dev_close(d);
	return ret;
}

static void client_close(struct vfio_dev *d, struct vrc *c)
{
	vrc_cleanup(c);
	vfio_dev_close(d);
}

/* mmap() of [@off, @off + @len) of BAR0: 0 or -errno; unmapped again. */
static int try_mmap(struct vfio_dev *d, uint64_t off, uint64_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		       vfio_region_offset(d, BAR0) + off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

/*
 * BAR0's mmap areas as GET_REGION_INFO reports them: -1 if the MMAP flag
 * is clear, 0 for "whole region" (no sparse capability), else the count.
 */
static int bar0_areas(struct vfio_dev *d, struct vfio_region_sparse_mmap_area *out,
		      int max)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	char buf[1024];
	struct vfio_region_info *info = (void *)buf;
	int i;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	info->index = BAR0;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, info))
		return -2;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -1;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;
	sparse = (void *)vfio_info_cap(info, info->cap_offset,
				       VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (!sparse)
		return 0;
	for (i = 0; i < (int)sparse->nr_areas && i < max; i++)
		out[i] = sparse->areas[i];
	return sparse->nr_areas;
}

/* BAR0 is mmappable except page 0: one area [0x1000, 1 MiB). */
static bool bar0_page0_trapped(TEST_ARGS, struct vfio_dev *d)
{
	struct vfio_region_sparse_mmap_area a[4];
	int n = bar0_areas(d, a, 4);

	if (n != 1 || a[0].offset != PAGE || a[0].size != BAR0_SIZE - PAGE) {
		TH_LOG("BAR0 areas: %d (first 0x%llx+0x%llx)", n,
		       n > 0 ? (unsigned long long)a[0].offset : 0ULL,
		       n > 0 ? (unsigned long long)a[0].size : 0ULL);
		return false;
	}
	return true;
}

/* ---- raw ioctls ----------------------------------------------------- */

static int set_irqs(int fd, uint32_t flags, uint32_t index, uint32_t start,
		    uint32_t count, const void *data, size_t len, size_t argsz)
{
	uint64_t buf[8];
	struct vfio_irq_set *set = (void *)buf;

	memset(buf, 0, sizeof(buf));
	set->argsz = argsz ? argsz : sizeof(*set) + len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (len)
		memcpy(set->data, data, len);
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

static int attach(int fd, uint32_t index, int32_t efd)
{
	return set_irqs(fd, VFIO_IRQ_SET_DATA_EVENTFD |
			VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1, &efd,
			sizeof(efd), 0);
}

static int fire(int fd, uint32_t index)
{
	return set_irqs(fd, VFIO_IRQ_SET_DATA_NONE |
			VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1, NULL, 0, 0);
}

/* Wait up to @ms for @efd; its value, or 0 if it was not signalled. */
static uint64_t efd_wait(int efd, int ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int feature(int fd, uint32_t flags,
		   struct vfio_device_feature_region_remap *st, size_t len)
{
	uint64_t buf[8];
	struct vfio_device_feature *f = (void *)buf;
	int ret;

	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(*f) + len;
	f->flags = flags | VFIO_DEVICE_FEATURE_REGION_REMAP;
	if (st)
		memcpy(f->data, st, sizeof(*st));
	ret = ioctl(fd, VFIO_DEVICE_FEATURE, f);
	if (ret < 0)
		return -errno;
	if (st)
		memcpy(st, f->data, sizeof(*st));
	return ret;	/* > 0 would be a kernel bug: ioctls return 0 */
}

static int ack(int fd, uint64_t gen)
{
	struct vfio_device_feature_region_remap st = { .generation = gen };

	return feature(fd, VFIO_DEVICE_FEATURE_SET, &st, sizeof(st));
}

/* @name answers @want (0 or -errno); a failure says what it got. */
static void check_err(TEST_ARGS, int got, int want, const char *name)
{
	if (got > 0)
		check(false, "%s: the ioctl returned %d, expected %s", name,
		      got, vfio_errname(want));
	else
		check(got == want, "%s: got %s, expected %s", name,
		      vfio_errname(got), vfio_errname(want));
}

/* ---- the fixtures --------------------------------------------------- */

/* The edu_remap device named, and nothing trapped on it. */
static void remap_env(TEST_ARGS)
{
	int ret;

	remap_bdf = getenv("VFIO_TEST_REMAP_BDF");
	ASSERT_NE(NULL, remap_bdf)
		TH_LOG("VFIO_TEST_REMAP_BDF names the edu_remap device");
	ret = knob("none");
	ASSERT_EQ(0, ret) TH_LOG("edu_remap's knob %s takes \"none\" (%s)",
				 KNOB, vfio_errname(ret));
}

/* The edu_remap device opened afresh, memory decoding on. */
FIXTURE(remap) {
	struct vfio_dev d;
};

FIXTURE_SETUP(remap)
{
	int ret;

	remap_env(_metadata);
	ret = dev_open(&self->d, remap_bdf);
	ASSERT_EQ(0, ret) TH_LOG("open %s (%s)", remap_bdf, vfio_errname(ret));
}

FIXTURE_TEARDOWN(remap)
{
	vfio_dev_close(&self->d);
	knob("none");
}

/* The device of a vendor driver without irqs, opened afresh. */
FIXTURE(plain) {
	struct vfio_dev p;
};

FIXTURE_SETUP(plain)
{
	const char *bdf = getenv("VFIO_TEST_PLAIN_BDF");
	int ret;

	ASSERT_NE(NULL, bdf)
		TH_LOG("VFIO_TEST_PLAIN_BDF names the device of a vendor driver without irqs");
	ret = dev_open(&self->p, bdf);
	ASSERT_EQ(0, ret) TH_LOG("open %s (%s)", bdf, vfio_errname(ret));
}

FIXTURE_TEARDOWN(plain)
{
	vfio_dev_close(&self->p);
}

/*
 * The edu_remap device for VFIO_DEVICE_SET_IRQS: two eventfds, a pipe (an
 * fd that is not an eventfd) and the number of an fd that is not open.
 */
FIXTURE(set_irqs) {
	struct vfio_dev d;
	int efd, efd2, pipefd[2], closed;
};

FIXTURE_SETUP(set_irqs)
{
	int ret;

	remap_env(_metadata);
	ret = dev_open(&self->d, remap_bdf);
	ASSERT_EQ(0, ret) TH_LOG("open %s (%s)", remap_bdf, vfio_errname(ret));
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	self->efd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_TRUE(self->efd >= 0 && self->efd2 >= 0 && !pipe(self->pipefd))
		TH_LOG("eventfds and a pipe for the SET_IRQS cases");
	self->closed = dup(self->efd2);
	close(self->closed);
}

FIXTURE_TEARDOWN(set_irqs)
{
	close(self->pipefd[0]);
	close(self->pipefd[1]);
	close(self->efd);
	close(self->efd2);
	vfio_dev_close(&self->d);
	knob("none");
}

/*
 * The edu_remap device with the reference client set up on it: BAR0
 * mapped, not opted in.  @open is false while a case has closed both.
 */
FIXTURE(client) {
	struct vfio_dev d;
	struct vrc c;
	bool open;
};

FIXTURE_SETUP(client)
{
	int ret;

	remap_env(_metadata);
	ret = client_open(&self->d, &self->c);
	ASSERT_EQ(0, ret) TH_LOG("open %s with the client (%s)", remap_bdf,
				 vfio_errname(ret));
	self->open = true;
}

FIXTURE_TEARDOWN(client)
{
	if (self->open)
		client_close(&self->d, &self->c);
	knob("none");
}

/* Opt the fixture's client in, as a case's first step. */
static void enable(TEST_ARGS, struct vrc *c)
{
	int ret = vrc_enable(c);

	ASSERT_EQ(0, ret) TH_LOG("the client opts in (%s)", vfio_errname(ret));
}

/* ---- 1. discovery: counts, capability chain, argsz ----------------- */

TEST_F_TIMEOUT(remap, get_info_counts_the_vendor_irq, CASE_TIMEOUT)
{
	struct vfio_device_info dinfo;
	int ret;

	ret = vfio_device_info(&self->d, &dinfo);
	check(!ret && dinfo.num_irqs == VFIO_PCI_NUM_IRQS + 1 &&
	      dinfo.num_regions == VFIO_PCI_NUM_REGIONS,
	      "GET_INFO with one vendor irq: num_irqs %u (standard + 1), num_regions %u",
	      dinfo.num_irqs, dinfo.num_regions);
}

TEST_F_TIMEOUT(plain, get_info_of_a_vendor_without_irqs, CASE_TIMEOUT)
{
	struct vfio_device_info dinfo;
	int ret;

	ret = vfio_device_info(&self->p, &dinfo);
	check(!ret && dinfo.num_irqs == VFIO_PCI_NUM_IRQS,
	      "GET_INFO of a vendor without irqs: num_irqs %u (standard only)",
	      dinfo.num_irqs);
}

/* The old caller: struct vfio_irq_info, 16 bytes. */
TEST_F_TIMEOUT(remap, irq_info_with_the_old_argsz, CASE_TIMEOUT)
{
	uint8_t buf[64];
	struct vfio_irq_info_cap *info = (void *)buf;
	bool canary = true;
	unsigned int i;
	int ret;

	memset(buf, 0xa5, sizeof(buf));
	info->argsz = sizeof(struct vfio_irq_info);
	info->index = REMAP_IRQ;
	ret = ioctl(self->d.fd, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
	for (i = sizeof(struct vfio_irq_info); i < sizeof(buf); i++)
		canary &= buf[i] == 0xa5;
	check(!ret && info->count == 1 &&
	      info->argsz == sizeof(struct vfio_irq_info) &&
	      info->flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE) &&
	      canary,
	      "GET_IRQ_INFO with the old argsz (16): eventfd irq, count 1, no CAPS flag, nothing written past 16 bytes (flags 0x%x)",
	      info->flags);
}

/* argsz covers cap_offset but not the chain: told the size. */
TEST_F_TIMEOUT(remap, irq_info_without_room_for_the_chain, CASE_TIMEOUT)
{
	uint8_t buf[64];
	struct vfio_irq_info_cap *info = (void *)buf;
	bool canary = true;
	unsigned int i;
	int ret;

	memset(buf, 0xa5, sizeof(buf));
	info->argsz = sizeof(*info);
	info->index = REMAP_IRQ;
	ret = ioctl(self->d.fd, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
	for (i = sizeof(*info); i < sizeof(buf); i++)
		canary &= buf[i] == 0xa5;
	check(!ret && (info->flags & VFIO_IRQ_INFO_FLAG_CAPS) &&
	      info->cap_offset == 0 &&
	      info->argsz >= sizeof(*info) +
			     sizeof(struct vfio_irq_info_cap_type) &&
	      canary,
	      "GET_IRQ_INFO with argsz %zu (no room for the chain): CAPS flag, cap_offset 0, argsz raised to %u",
	      sizeof(*info), info->argsz);
}

/* Room for the chain: the type capability. */
TEST_F_TIMEOUT(remap, irq_info_type_capability, CASE_TIMEOUT)
{
	uint64_t buf[512];
	struct vfio_irq_info_cap *info = (void *)buf;
	struct vfio_irq_info_cap_type *type;
	uint32_t sizes[] = { 40, sizeof(buf) };
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(buf, 0, sizeof(buf));
		info->argsz = sizes[i];
		info->index = REMAP_IRQ;
		ret = ioctl(self->d.fd, VFIO_DEVICE_GET_IRQ_INFO, info) ?
		      -errno : 0;
		type = (void *)((char *)buf + info->cap_offset);
		check(!ret && (info->flags & VFIO_IRQ_INFO_FLAG_CAPS) &&
		      info->cap_offset >= sizeof(*info) &&
		      info->cap_offset % 8 == 0 &&
		      info->cap_offset + sizeof(*type) <= sizes[i] &&
		      info->argsz == sizes[i] &&
		      type->header.id == VFIO_IRQ_INFO_CAP_TYPE &&
		      type->header.version == 1 &&
		      type->header.next == 0 &&
		      type->type == VFIO_IRQ_TYPE_REMAP_BAR_REGION &&
		      type->subtype == VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION,
		      "GET_IRQ_INFO with argsz %u: one VFIO_IRQ_INFO_CAP_TYPE v1 at offset %u, type %u subtype %u, end of chain",
		      sizes[i], info->cap_offset, type->type, type->subtype);
	}
}

/* Standard indexes stay core's: no capability. */
TEST_F_TIMEOUT(remap, standard_irq_info_has_no_capability, CASE_TIMEOUT)
{
	uint64_t buf[8];
	struct vfio_irq_info_cap *info = (void *)buf;
	int ret;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	info->index = VFIO_PCI_MSI_IRQ_INDEX;
	ret = ioctl(self->d.fd, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
	check(!ret && !(info->flags & VFIO_IRQ_INFO_FLAG_CAPS) &&
	      info->cap_offset == 0,
	      "GET_IRQ_INFO of a standard irq (MSI) with a large argsz: no capability");
}

TEST_F_TIMEOUT(remap, irq_info_refuses_a_short_argsz_and_bad_indexes,
	       CASE_TIMEOUT)
{
	struct vfio_irq_info info = { .argsz = 12, .index = REMAP_IRQ };
	int ret;

	ret = ioctl(self->d.fd, VFIO_DEVICE_GET_IRQ_INFO, &info) ? -errno : 0;
	check_err(_metadata, ret, -EINVAL,
		  "GET_IRQ_INFO of the vendor irq with argsz 12");
	check_err(_metadata, vfio_irq_info(&self->d, REMAP_IRQ + 1, &info),
		  -EINVAL, "GET_IRQ_INFO of index num_irqs");
	check_err(_metadata, vfio_irq_info(&self->d, 0xffffffff, &info),
		  -EINVAL, "GET_IRQ_INFO of index 0xffffffff");
}

TEST_F_TIMEOUT(plain, irq_info_of_index_5_refused_without_irqs, CASE_TIMEOUT)
{
	struct vfio_irq_info info;

	check_err(_metadata, vfio_irq_info(&self->p, REMAP_IRQ, &info), -EINVAL,
		  "GET_IRQ_INFO of index 5 on a vendor without irqs");
}

TEST_F_TIMEOUT(remap, client_finds_the_remap_irq_by_its_capability,
	       CASE_TIMEOUT)
{
	int ret = vrc_find_irq(self->d.fd);

	check(ret == REMAP_IRQ,
	      "the reference client finds the remap irq by its capability (index %d)",
	      ret);
}

TEST_F_TIMEOUT(plain, client_finds_no_remap_irq_without_irqs, CASE_TIMEOUT)
{
	int ret = vrc_find_irq(self->p.fd);

	check(ret == -ENOENT,
	      "the reference client finds no remap irq on a vendor without irqs (%s)",
	      vfio_errname(ret));
}

/* The status and acknowledgment feature. */
TEST_F_TIMEOUT(remap, remap_feature_probe_for_get_and_set, CASE_TIMEOUT)
{
	check_err(_metadata, feature(self->d.fd, VFIO_DEVICE_FEATURE_PROBE |
				     VFIO_DEVICE_FEATURE_GET |
				     VFIO_DEVICE_FEATURE_SET, NULL, 0), 0,
		  "VFIO_DEVICE_FEATURE_REGION_REMAP: PROBE for GET and SET");
}

TEST_F_TIMEOUT(plain, remap_feature_probe_refused_without_irqs, CASE_TIMEOUT)
{
	check_err(_metadata, feature(self->p.fd, VFIO_DEVICE_FEATURE_PROBE |
				     VFIO_DEVICE_FEATURE_GET, NULL, 0), -ENOTTY,
		  "VFIO_DEVICE_FEATURE_REGION_REMAP: PROBE on a device without a remap irq");
}

TEST_F_TIMEOUT(remap, remap_feature_get_refuses_a_short_argsz, CASE_TIMEOUT)
{
	struct vfio_device_feature_region_remap st;

	memset(&st, 0xa5, sizeof(st));
	check_err(_metadata, feature(self->d.fd, VFIO_DEVICE_FEATURE_GET, &st, 8),
		  -EINVAL, "VFIO_DEVICE_FEATURE_REGION_REMAP: GET with a short argsz");
}

TEST_F_TIMEOUT(remap, remap_status_of_a_fresh_open, CASE_TIMEOUT)
{
	struct vfio_device_feature_region_remap st;
	int ret;

	memset(&st, 0xa5, sizeof(st));
	ret = feature(self->d.fd, VFIO_DEVICE_FEATURE_GET, &st, sizeof(st));
	check(!ret && st.generation == 0 && st.regions == 0 &&
	      st.acked == 0 && st.irq_index == REMAP_IRQ && st.reserved == 0,
	      "VFIO_DEVICE_FEATURE_REGION_REMAP: GET on a fresh open: generation 0, regions 0, acked 0, irq_index %u",
	      st.irq_index);
}

TEST_F_TIMEOUT(remap, ack_before_anyone_opted_in_refused, CASE_TIMEOUT)
{
	check_err(_metadata, ack(self->d.fd, 1), -ENOTCONN,
		  "VFIO_DEVICE_FEATURE_REGION_REMAP: SET (an ack) before anyone opted in");
}

/*
 * edu_remap does the guest's 64-bit DMA register accesses itself, whole;
 * like core's own paths they fail with EIO while memory decoding is off
 * and leave the register as it was.
 */
TEST_F_TIMEOUT(remap, memory_decode_off_fails_whole_64_bit_accesses,
	       CASE_TIMEOUT)
{
	const uint64_t probe = 0x2345000;
	uint64_t before = 0, val = 0, after = 0;
	struct vfio_dev *d = &self->d;
	int ret, rd, wr;

	ret = vfio_region_read(d, BAR0, EDU_DMA_SRC, &before, 8) ?:
	      vfio_pci_command_clear(d, PCI_COMMAND_MEMORY);
	rd = vfio_region_read(d, BAR0, EDU_DMA_SRC, &val, 8);
	wr = vfio_region_write(d, BAR0, EDU_DMA_SRC, &probe, 8);
	ret = ret ?: vfio_pci_command_set(d, PCI_COMMAND_MEMORY);
	ret = ret ?: vfio_region_read(d, BAR0, EDU_DMA_SRC, &after, 8);
	check(!ret && rd == -EIO && wr == -EIO && after == before,
	      "memory decode off: the driver's whole 64-bit read and write fail with EIO (%s, %s), the register unchanged",
	      vfio_errname(rd), vfio_errname(wr));
}

/* ---- 2. VFIO_DEVICE_SET_IRQS on the vendor index ------------------- */

#define TRIG	VFIO_IRQ_SET_ACTION_TRIGGER

TEST_F_TIMEOUT(set_irqs, vendor_irq_fires_by_data_none_and_data_bool,
	       CASE_TIMEOUT)
{
	int fd = self->d.fd;
	uint8_t b;
	int ret;

	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach an eventfd");
	check_err(_metadata, fire(fd, REMAP_IRQ), 0,
		  "DATA_NONE, count 1 fires the irq");
	check(efd_wait(self->efd, SIGNAL_MS) == 1,
	      "DATA_NONE: the eventfd reads 1");
	b = 1;
	ret = set_irqs(fd, VFIO_IRQ_SET_DATA_BOOL | TRIG, REMAP_IRQ, 0, 1, &b,
		       1, 0);
	check(!ret && efd_wait(self->efd, SIGNAL_MS) == 1,
	      "DATA_BOOL true fires it (%s)", vfio_errname(ret));
	b = 0;
	ret = set_irqs(fd, VFIO_IRQ_SET_DATA_BOOL | TRIG, REMAP_IRQ, 0, 1, &b,
		       1, 0);
	check(!ret && efd_wait(self->efd, 200) == 0,
	      "DATA_BOOL false does not (%s)", vfio_errname(ret));
}

/* After refused calls the first eventfd is still the one attached. */
static void still_attached(TEST_ARGS, int fd, int efd, int efd2)
{
	check(!fire(fd, REMAP_IRQ) && efd_wait(efd, SIGNAL_MS) == 1 &&
	      efd_wait(efd2, 100) == 0,
	      "after the refused calls the first eventfd is still the one attached");
}

TEST_F_TIMEOUT(set_irqs, set_irqs_refuses_bad_flags, CASE_TIMEOUT)
{
	int fd = self->d.fd;
	uint8_t b = 1;

	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach an eventfd");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_ACTION_MASK, REMAP_IRQ, 0,
				      1, NULL, 0, 0),
		  -EINVAL, "bad flags: ACTION_MASK (the irq cannot be masked)");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_ACTION_UNMASK, REMAP_IRQ,
				      0, 1, NULL, 0, 0),
		  -EINVAL, "bad flags: ACTION_UNMASK");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_DATA_BOOL | TRIG,
				      REMAP_IRQ, 0, 1, &b, 1, 0),
		  -EINVAL, "bad flags: two data types");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE | TRIG |
				      VFIO_IRQ_SET_ACTION_MASK, REMAP_IRQ, 0,
				      1, NULL, 0, 0),
		  -EINVAL, "bad flags: two actions");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE | TRIG |
				      (1U << 8), REMAP_IRQ, 0, 1, NULL, 0, 0),
		  -EINVAL, "bad flags: an undefined bit");
	still_attached(_metadata, fd, self->efd, self->efd2);
}

TEST_F_TIMEOUT(set_irqs, set_irqs_refuses_bad_index_count_start_and_argsz,
	       CASE_TIMEOUT)
{
	int32_t fds[2] = { self->efd, self->efd2 };
	int fd = self->d.fd;

	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach an eventfd");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE | TRIG,
				      REMAP_IRQ + 1, 0, 1, NULL, 0, 0),
		  -EINVAL, "bad index: num_irqs");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE | TRIG,
				      0x7fffffff, 0, 1, NULL, 0, 0),
		  -EINVAL, "bad index: 0x7fffffff");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_EVENTFD | TRIG,
				      REMAP_IRQ, 0, 2, fds, sizeof(fds), 0),
		  -EINVAL, "bad count: two eventfds for a one-vector irq");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_EVENTFD | TRIG,
				      REMAP_IRQ, 0, 0, NULL, 0, 0),
		  -EINVAL, "bad count: DATA_EVENTFD with count 0");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_EVENTFD | TRIG,
				      REMAP_IRQ, 1, 1, &fds[1],
				      sizeof(int32_t), 0),
		  -EINVAL, "bad start: vector 1");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_EVENTFD | TRIG,
				      REMAP_IRQ, 0, 1, &fds[1],
				      sizeof(int32_t),
				      sizeof(struct vfio_irq_set)),
		  -EINVAL, "argsz without room for the eventfd");
	still_attached(_metadata, fd, self->efd, self->efd2);
}

TEST_F_TIMEOUT(set_irqs, set_irqs_refuses_fds_that_are_not_eventfds,
	       CASE_TIMEOUT)
{
	int fd = self->d.fd;

	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach an eventfd");
	check_err(_metadata, attach(fd, REMAP_IRQ, self->pipefd[0]), -EINVAL,
		  "an fd that is not an eventfd (a pipe)");
	check_err(_metadata, attach(fd, REMAP_IRQ, self->closed), -EBADF,
		  "an fd that is not open");
	check_err(_metadata, attach(fd, REMAP_IRQ, -2), -EINVAL, "fd -2");
	still_attached(_metadata, fd, self->efd, self->efd2);
}

TEST_F_TIMEOUT(set_irqs, attaching_another_eventfd_replaces_the_first,
	       CASE_TIMEOUT)
{
	int fd = self->d.fd;

	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach an eventfd");
	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd2), 0,
		  "attaching another eventfd replaces it");
	check(!fire(fd, REMAP_IRQ) && efd_wait(self->efd2, SIGNAL_MS) == 1 &&
	      efd_wait(self->efd, 100) == 0,
	      "signals reach the new eventfd only");
}

TEST_F_TIMEOUT(set_irqs, detach_by_fd_minus_1_and_by_count_0, CASE_TIMEOUT)
{
	int fd = self->d.fd;

	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach an eventfd");
	check_err(_metadata, attach(fd, REMAP_IRQ, -1), 0, "detach with fd -1");
	check(!fire(fd, REMAP_IRQ) && efd_wait(self->efd, 200) == 0,
	      "after a detach with fd -1 firing reaches no eventfd");
	check_err(_metadata, attach(fd, REMAP_IRQ, self->efd), 0,
		  "attach again");
	check_err(_metadata, set_irqs(fd, VFIO_IRQ_SET_DATA_NONE | TRIG,
				      REMAP_IRQ, 0, 0, NULL, 0, 0),
		  0, "detach with DATA_NONE, count 0");
	check(!fire(fd, REMAP_IRQ) && efd_wait(self->efd, 200) == 0,
	      "after a detach with count 0 firing reaches no eventfd");
}

/* ---- 3. opting in after a request ---------------------------------- */

TEST_F_TIMEOUT(client, opting_in_signals_a_request_made_before, CASE_TIMEOUT)
{
	struct vrc *c = &self->c;
	struct vrc_status st;
	uint64_t v;
	int ret, efd;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd) TH_LOG("an eventfd for the VMM");
	/* The VMM has mapped BAR0 but not attached its eventfd yet. */
	ret = knob(TRAP_PAGE0);
	check(!ret && mode_is(_metadata, "conservative"),
	      "a trap requested before the VMM opts in: driver conservative");
	ret = attach(self->d.fd, REMAP_IRQ, efd);
	v = efd_wait(efd, SIGNAL_MS);
	check(!ret && v == 1,
	      "opting in signals the request already outstanding (eventfd reads 0x%llx, want 0x1)",
	      (unsigned long long)v);
	ret = vrc_status(c, &st);
	check(!ret && st.generation == (uint64_t)drv().requested &&
	      st.regions == 1 && st.acked == 0,
	      "the status names it: generation %llu, regions 0x%llx, acked %llu",
	      (unsigned long long)st.generation,
	      (unsigned long long)st.regions,
	      (unsigned long long)st.acked);
	knob("none");
	v = efd_wait(efd, SIGNAL_MS);
	check(v == 1, "a request after the status was read signals again (0x%llx)",
	      (unsigned long long)v);
	/* Leave through the client, opted in with our eventfd. */
	c->eventfd = efd;
	ret = vrc_handle(c);
	check(ret == 1 && mode_is(_metadata, "direct"),
	      "the client applies and acknowledges the latest request");
}

/* ---- 4. a full remap cycle with the reference client ---------------- */

static uint64_t acked_hook;

static void count_ack(void *arg, uint64_t generation)
{
	*(uint64_t *)arg = generation;
}

/* One sequence: each step relies on the state the one before left. */
TEST_F_TIMEOUT(client, trap_and_untrap_with_the_reference_client,
	       CASE_TIMEOUT)
{
	struct vfio_dev *d = &self->d;
	struct vrc *c = &self->c;
	struct drv before, s;
	struct vrc_status st;
	uint32_t v = 0;
	uint64_t hint;
	int ret;

	check(vrc_mapped(c, BAR0, 0, PAGE) &&
	      vrc_mapped(c, BAR0, BAR0_SIZE - PAGE, PAGE),
	      "before: the client maps all of BAR0");
	c->acked = count_ack;
	c->log_arg = &acked_hook;
	ret = vrc_enable(c);
	check(!ret && mode_is(_metadata, "direct"),
	      "the client opts in (nothing outstanding); driver mode direct");

	before = drv();
	ret = vrc_write32(c, BAR0, EDU_LIVENESS, 0x12345678) ?:
	      vrc_read32(c, BAR0, EDU_LIVENESS, &v);
	check(!ret && v == ~0x12345678U && drv().writes == before.writes,
	      "before: a BAR0 write goes through the mapping to the device, not the driver");

	ret = knob(TRAP_PAGE0);
	check(!ret && knob_ms < PROMPT_MS,
	      "the driver requests a trap of page 0 and returns at once (%lld ms)",
	      knob_ms);
	check(bar0_page0_trapped(_metadata, d),
	      "GET_REGION_INFO reports it at once: one sparse area [0x1000, 1 MiB)");
	check_err(_metadata, try_mmap(d, 0, PAGE), -EINVAL,
		  "a new mmap of the trapped page is refused");
	check_err(_metadata, try_mmap(d, PAGE, PAGE), 0,
		  "a new mmap of another page is allowed");
	check(mode_is(_metadata, "conservative"),
	      "until the VMM acknowledges, the driver is conservative");
	before = drv();
	v = 0;
	ret = vrc_write32(c, BAR0, EDU_LIVENESS, 0x0badcafe) ?:
	      vrc_read32(c, BAR0, EDU_LIVENESS, &v);
	check(!ret && vrc_mapped(c, BAR0, EDU_LIVENESS, 4) &&
	      v == ~0x0badcafeU && drv().writes == before.writes,
	      "the VMM's old mapping of page 0 keeps working until it remaps");

	ret = vrc_wait(c, SIGNAL_MS);
	hint = vrc_drain(c);
	check(ret == 1 && hint == 1,
	      "the remap irq fired; its value 0x%llx names region 0 (BAR0)",
	      (unsigned long long)hint);
	ret = vrc_status(c, &st);
	s = drv();
	check(!ret && st.generation == (uint64_t)s.requested &&
	      st.regions == 1 && st.acked != st.generation,
	      "the status: generation %llu (the driver's request), regions 0x%llx, not acked",
	      (unsigned long long)st.generation,
	      (unsigned long long)st.regions);
	ret = vrc_apply(c, st.regions);
	check(ret == 1 && !vrc_mapped(c, BAR0, 0, 4) &&
	      vrc_mapped(c, BAR0, PAGE, PAGE) &&
	      vrc_mapped(c, BAR0, BAR0_SIZE - PAGE, PAGE),
	      "the client remaps: page 0 unmapped, the rest still mapped");
	check(mode_is(_metadata, "conservative"),
	      "remapped but not yet acknowledged: still conservative");
	before = drv();
	ret = vrc_ack(c, st.generation);
	s = drv();
	check(!ret && s.acked == (long long)st.generation &&
	      s.acks == before.acks + 1,
	      "the acknowledgment reaches the driver's remap_acked (acked %lld)",
	      s.acked);
	check(mode_is(_metadata, "trapping"),
	      "after it the driver relies on the trap");
	memset(&st, 0, sizeof(st));
	ret = vrc_status(c, &st);
	check(!ret && st.acked == st.generation && st.regions == 0,
	      "the status: acked == generation, no region outstanding");

	before = drv();
	v = 0;
	ret = vrc_write32(c, BAR0, EDU_LIVENESS, 0x600dd00d) ?:
	      vrc_read32(c, BAR0, EDU_LIVENESS, &v);
	s = drv();
	check(!ret && v == ~0x600dd00dU && s.writes == before.writes + 1,
	      "a write to page 0 now reaches the driver (and the device)");

	acked_hook = 0;
	ret = knob("none");
	if (!ret && vrc_wait(c, SIGNAL_MS) != 1)
		ret = -ETIMEDOUT;
	if (!ret && vrc_handle(c) != 1)
		ret = -EPROTO;
	check(acked_hook == c->last_acked && acked_hook,
	      "the client's acked hook ran for generation %llu (where a migrating VMM marks all memory dirty)",
	      (unsigned long long)acked_hook);
	check(!ret && mode_is(_metadata, "direct") &&
	      vrc_mapped(c, BAR0, 0, PAGE) && bar0_areas(d, NULL, 0) == 0,
	      "untrap: signalled, region info whole again, the client maps page 0 again and acks (%s)",
	      vfio_errname(ret));
	before = drv();
	ret = vrc_write32(c, BAR0, EDU_LIVENESS, 0x1) ?:
	      vrc_read32(c, BAR0, EDU_LIVENESS, &v);
	check(!ret && v == ~0x1U && drv().writes == before.writes,
	      "after untrap, writes go through the mapping again");
}

/* ---- 5. late and duplicated acknowledgments ------------------------ */

TEST_F_TIMEOUT(client, late_and_repeated_acks_confirm_nothing, CASE_TIMEOUT)
{
	struct vrc *c = &self->c;
	int fd = self->d.fd;
	long long g1, g2, g3;
	struct vrc_status st;
	struct drv s, t;
	int ret;

	enable(_metadata, c);
	/* Three requests before the VMM gets round to the first. */
	knob(TRAP_PAGE0);
	g1 = drv().requested;
	knob("none");
	g2 = drv().requested;
	knob(TRAP_PAGE0);
	g3 = drv().requested;
	TH_LOG("requests %lld, %lld, %lld", g1, g2, g3);
	s = drv();
	check_err(_metadata, ack(fd, g1), -ESTALE,
		  "an ack of the first of three requests");
	check_err(_metadata, ack(fd, g2), -ESTALE, "an ack of the second");
	t = drv();
	check(t.acks == s.acks && t.acked == s.acked &&
	      !strcmp(t.mode, "conservative"),
	      "late acks confirm nothing: no remap_acked call, driver still conservative");
	check_err(_metadata, ack(fd, g3 + 1), -EINVAL,
		  "an ack of a generation not yet requested");
	check_err(_metadata, ack(fd, 0), -EINVAL, "an ack of generation 0");

	vrc_drain(c);
	ret = vrc_status(c, &st);
	check(!ret && st.generation == (uint64_t)g3 && st.regions == 1,
	      "the status names the latest request and region 0");
	vrc_apply(c, st.regions);
	check_err(_metadata, ack(fd, g3), 0, "the ack of the latest request");
	s = drv();
	check(s.acked == g3 && !strcmp(s.mode, "trapping"),
	      "the ack of the latest request confirms it (driver trapping)");
	check_err(_metadata, ack(fd, g3), 0, "the same ack again is harmless");
	t = drv();
	check(t.acks == s.acks && !strcmp(t.mode, "trapping"),
	      "the same ack again does not call remap_acked again");
	check_err(_metadata, ack(fd, g1), -ESTALE, "an older ack after it");
	knob("none");
	check_err(_metadata, ack(fd, g3), -ESTALE,
		  "a repeated ack once a newer request exists");
	check(vrc_wait(c, SIGNAL_MS) == 1 && vrc_handle(c) == 1 &&
	      mode_is(_metadata, "direct"),
	      "the client then handles the newer request");
}

/* ---- 6. the driver changing its mind while the VMM remaps ---------- */

struct flipper {
	int flips;
	int errors;
};

static void *flip(void *arg)
{
	struct flipper *f = arg;
	int i;

	for (i = 0; i < f->flips; i++)
		if (knob(i % 2 ? "none" : TRAP_PAGE0))
			f->errors++;
	return NULL;
}

TEST_F_TIMEOUT(client, trap_and_untrap_requests_racing_the_client,
	       RACE_TIMEOUT)
{
	struct flipper f = { .flips = 501 };	/* ends trapped */
	struct vrc *c = &self->c;
	int ret = 0, done = 0, rounds = 0;
	struct vrc_status st;
	pthread_t thread;

	enable(_metadata, c);
	ASSERT_EQ(0, pthread_create(&thread, NULL, flip, &f))
		TH_LOG("start the knob thread");
	/* The VMM's loop, while the driver traps and untraps page 0. */
	while (!done) {
		done = pthread_tryjoin_np(thread, NULL) == 0;
		if (vrc_wait(c, done ? 0 : 50) == 1 || done) {
			ret = vrc_handle(c);
			if (ret < 0)
				break;
			rounds++;
		}
	}
	if (!done)
		pthread_join(thread, NULL);
	check(ret >= 0 && !f.errors,
	      "%d trap/untrap requests in a row while the client remaps: no error (%d rounds, %llu acks refused as stale, %llu mmaps refused)",
	      f.flips, rounds, (unsigned long long)c->stale,
	      (unsigned long long)c->mmap_refused);
	ret = vrc_status(c, &st);
	check(!ret && st.generation == (uint64_t)drv().requested &&
	      st.acked == st.generation && mode_is(_metadata, "trapping") &&
	      !vrc_mapped(c, BAR0, 0, 4) &&
	      bar0_page0_trapped(_metadata, &self->d) &&
	      vrc_mapped(c, BAR0, PAGE, BAR0_SIZE - PAGE),
	      "afterwards the client's mappings match region info, the last request (%llu) is acknowledged and the driver traps",
	      (unsigned long long)st.generation);
	knob("none");
	check(vrc_wait(c, SIGNAL_MS) == 1 && vrc_handle(c) == 1 &&
	      mode_is(_metadata, "direct") && vrc_mapped(c, BAR0, 0, BAR0_SIZE),
	      "and the next request is handled as usual");
}

/* ---- 7. a VMM that never opts in (stock QEMU 7.2) ------------------ */

TEST_F_TIMEOUT(client, a_vmm_that_never_opts_in, CASE_TIMEOUT)
{
	struct vfio_device_feature_region_remap st = {};
	struct vfio_dev *d = &self->d;
	struct vrc *c = &self->c;
	struct drv before;
	uint32_t v = 0;
	int ret;

	/* Like stock QEMU: map BAR0, never look at the remap irq. */
	ret = knob(TRAP_PAGE0);
	check(!ret && knob_ms < PROMPT_MS,
	      "a request with no VMM listening returns at once (%lld ms)",
	      knob_ms);
	before = drv();
	ret = vrc_write32(c, BAR0, EDU_LIVENESS, 0xfeed) ?:
	      vrc_read32(c, BAR0, EDU_LIVENESS, &v);
	check(!ret && vrc_mapped(c, BAR0, EDU_LIVENESS, 4) &&
	      v == ~0xfeedU && drv().writes == before.writes,
	      "the VMM's mapping keeps working; its writes bypass the driver");
	check(mode_is(_metadata, "conservative"),
	      "the driver knows it: conservative");
	check(bar0_page0_trapped(_metadata, d) &&
	      try_mmap(d, 0, PAGE) == -EINVAL &&
	      try_mmap(d, 0, BAR0_SIZE) == -EINVAL &&
	      try_mmap(d, PAGE, BAR0_SIZE - PAGE) == 0,
	      "region info and new mmaps follow the trap all the same");
	before = drv();
	ret = vfio_write32(d, BAR0, EDU_LIVENESS, 0xbeef) ?:
	      vfio_read32(d, BAR0, EDU_LIVENESS, &v);
	check(!ret && v == ~0xbeefU && drv().writes == before.writes + 1,
	      "accesses through the device fd reach the driver");
	ret = feature(d->fd, VFIO_DEVICE_FEATURE_GET, &st, sizeof(st));
	check(!ret && st.generation && st.acked != st.generation,
	      "the request stays outstanding (generation %llu, acked %llu)",
	      (unsigned long long)st.generation,
	      (unsigned long long)st.acked);
	/* A VMM that reads the status and acks without opting in. */
	check_err(_metadata, ack(d->fd, st.generation), -ENOTCONN,
		  "an ack from a VMM that never attached an eventfd is refused");
	check(mode_is(_metadata, "conservative"),
	      "the driver does not rely on an ack it refused");
	sleep_ms(500);
	check(mode_is(_metadata, "conservative") &&
	      vrc_mapped(c, BAR0, 0, PAGE),
	      "nothing changes by itself: still conservative, still mapped");
	ret = knob("none");
	check(!ret && knob_ms < PROMPT_MS && mode_is(_metadata, "direct") &&
	      try_mmap(d, 0, BAR0_SIZE) == 0,
	      "untrap: direct at once, BAR0 mappable again");
}

/* ---- 8. closing the device with a request outstanding -------------- */

TEST_F_TIMEOUT(client, closing_with_a_request_outstanding, CASE_TIMEOUT)
{
	struct vrc *c = &self->c;
	struct vrc_status st;
	long long t0, dt;
	int ret, efd;

	enable(_metadata, c);
	knob(TRAP_PAGE0);
	check(vrc_wait(c, SIGNAL_MS) == 1 && mode_is(_metadata, "conservative"),
	      "a request is signalled and left outstanding");
	/* Close as a VMM that dies would: eventfd still attached. */
	efd = c->eventfd;
	c->eventfd = -1;
	efd_wait(efd, 0);
	t0 = now_ms();
	client_close(&self->d, c);
	self->open = false;
	dt = now_ms() - t0;
	check(dt < PROMPT_MS + 2000 && mode_is(_metadata, "closed"),
	      "closing the device with the request outstanding returns (%lld ms)",
	      dt);
	knob("none");
	knob(TRAP_PAGE0);
	check(efd_wait(efd, 300) == 0,
	      "the closed device's eventfd was detached: no signal after close");

	ret = client_open(&self->d, c);
	ASSERT_EQ(0, ret) TH_LOG("reopen %s (%s)", remap_bdf, vfio_errname(ret));
	self->open = true;
	ret = vrc_status(c, &st);
	check(!ret && st.generation == 1 && st.acked == 0 &&
	      mode_is(_metadata, "trapping") &&
	      bar0_page0_trapped(_metadata, &self->d) &&
	      !vrc_mapped(c, BAR0, 0, 4),
	      "reopened: a fresh request history (generation %llu), the trap set at open holds at once",
	      (unsigned long long)st.generation);
	check(!fire(self->d.fd, REMAP_IRQ) && efd_wait(efd, 200) == 0,
	      "the new open starts opted out (the old eventfd is not attached)");
	ret = vrc_enable(c);
	check(!ret && c->handled == 1 && c->last_acked == 1 &&
	      mode_is(_metadata, "trapping"),
	      "opting in acknowledges the open's request");
	knob("none");
	check(vrc_wait(c, SIGNAL_MS) == 1 && vrc_handle(c) == 1 &&
	      mode_is(_metadata, "direct"), "then untrap as usual");
	close(efd);
}

/* ---- 9. many cycles, no leak --------------------------------------- */

/* A loop count from the environment variable @name, else @max. */
static int env_count(TEST_ARGS, const char *name, int max)
{
	const char *val = getenv(name);
	char *end;
	long n;

	if (!val)
		return max;
	errno = 0;
	n = strtol(val, &end, 10);
	ASSERT_TRUE(!errno && end != val && !*end && n > 0 && n <= max)
		TH_LOG("%s=%s: a count from 1 to %d, the most the case's timeout allows",
		       name, val, max);
	return n;
}

#define MAX_CACHES	128

struct slab {
	int n;
	char name[MAX_CACHES][64];
	long long active[MAX_CACHES];
};

static bool measured(const char *name)
{
	return !strncmp(name, "kmalloc-", 8) ||
	       !strcmp(name, "vm_area_struct") || !strcmp(name, "filp");
}

/* One reading of /proc/slabinfo, measured caches only. */
static void slab_sample(struct slab *s)
{
	char line[512], name[64];
	long long active;
	FILE *f;

	s->n = 0;
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->n < MAX_CACHES) {
		if (sscanf(line, "%63s %lld", name, &active) != 2 ||
		    !measured(name))
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->active[s->n++] = active;
	}
	fclose(f);
}

static void slab_shrink(TEST_ARGS, const struct slab *s)
{
	char path[128];
	int i, fd;

	for (i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 s->name[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) < 0)
			TH_LOG("cannot shrink %s", s->name[i]);
		close(fd);
	}
}

/*
 * Objects in use per kmalloc cache (and VMAs, files).  slabinfo counts
 * the free objects of per-CPU slabs as active; shrinking a cache flushes
 * those, but our own reading refills some, so the noise is only ever
 * upwards: take the smallest of a few shrink-and-read rounds.
 */
static void slab_read(TEST_ARGS, struct slab *s)
{
	struct slab t;
	int round, i;

	slab_sample(s);
	for (round = 0; round < 3; round++) {
		sleep_ms(100);	/* let RCU-deferred frees land */
		slab_shrink(_metadata, s);
		slab_sample(&t);
		if (t.n != s->n)
			continue;
		for (i = 0; i < s->n; i++)
			if (t.active[i] < s->active[i])
				s->active[i] = t.active[i];
	}
}

/* Largest growth of one cache from @a to @b; its name in *@which. */
static long long slab_growth(const struct slab *a, const struct slab *b,
			     const char **which)
{
	long long grow = 0;
	int i, j;

	*which = "none";
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]))
				break;
		if (j < a->n && b->active[i] - a->active[j] > grow) {
			grow = b->active[i] - a->active[j];
			*which = b->name[i];
		}
	}
	return grow;
}

/*
 * Did @n more steps leak?  One object lost per step would be >= @n, but
 * caches also grow once in a while by themselves (per-CPU slabs, frees
 * still deferred): a growth from @s0 to @s1 that large is measured again
 * over another @n steps of @more, and only one that repeats, as a leak
 * does, counts.  Checks it as @what.  Returns false if @more failed.
 */
static bool slab_no_leak(TEST_ARGS, const struct slab *s0,
			 const struct slab *s1, int n,
			 int (*more)(TEST_ARGS, void *arg, int n), void *arg,
			 const char *what)
{
	static struct slab s2;
	const char *which, *which2 = "not needed";
	long long grow, grow2 = 0;
	int failed = 0;

	grow = slab_growth(s0, s1, &which);
	if (grow >= n / 2) {
		failed = more(_metadata, arg, n);
		slab_read(_metadata, &s2);
		grow2 = slab_growth(s1, &s2, &which2);
	}
	check(s0->n > 0 && !failed && (grow < n / 2 || grow2 < n / 2),
	      "%s: largest slab growth %lld objects (%s) over %d, then %lld (%s) over as many",
	      what, grow, which, n, grow2, which2);
	return !failed;
}

static int count_lines(const char *path)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static int count_fds(void)
{
	struct dirent *e;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n++;
	closedir(dir);
	return n;
}

/* One trap/untrap cycle; 0, or a description of what went wrong. */
static const char *one_cycle(struct vrc *c)
{
	long long w;
	uint32_t v;

	if (knob(TRAP_PAGE0))
		return "knob write failed";
	if (vrc_wait(c, SIGNAL_MS) != 1)
		return "no signal for the trap";
	if (vrc_handle(c) != 1)
		return "trap request not handled";
	if (vrc_mapped(c, BAR0, 0, 4))
		return "page 0 still mapped after the trap";
	w = drv().writes;
	if (vrc_write32(c, BAR0, EDU_LIVENESS, 0x5a5a) ||
	    vrc_read32(c, BAR0, EDU_LIVENESS, &v) || v != ~0x5a5aU)
		return "trapped liveness write/read failed";
	if (drv().writes != w + 1)
		return "trapped write did not reach the driver";
	if (strcmp(drv().mode, "trapping"))
		return "driver not trapping after the ack";
	if (knob("none"))
		return "knob write failed";
	if (vrc_wait(c, SIGNAL_MS) != 1)
		return "no signal for the untrap";
	if (vrc_handle(c) != 1)
		return "untrap request not handled";
	if (!vrc_mapped(c, BAR0, 0, 4))
		return "page 0 not mapped again";
	return NULL;
}

/* @n more remap cycles on the client @arg; nonzero if one failed. */
static int more_cycles(TEST_ARGS, void *arg, int n)
{
	const char *why;
	int i;

	for (i = 0; i < n; i++) {
		why = one_cycle(arg);
		if (why) {
			TH_LOG("second window, cycle %d: %s", i, why);
			return 1;
		}
	}
	return 0;
}

TEST_F_TIMEOUT(client, remap_cycles_handled_without_a_leak, CYCLES_TIMEOUT)
{
	const char *leak = "no kernel memory leaked over the remap cycles";
	int cycles = env_count(_metadata, "VFIO_IRQ_CYCLES", CYCLES_DEFAULT);
	int fds0, maps0, i, failed = 0;
	static struct slab s0, s1;
	struct vrc *c = &self->c;
	struct drv a, b;
	const char *why;
	long long t0;

	enable(_metadata, c);
	for (i = 0; i < WARM_UP && !failed; i++) {
		why = one_cycle(c);
		if (why) {
			TH_LOG("warm-up cycle %d: %s", i, why);
			failed = 1;
		}
	}
	fds0 = count_fds();
	maps0 = count_lines("/proc/self/maps");
	slab_read(_metadata, &s0);
	a = drv();

	t0 = now_ms();
	for (i = 0; i < cycles && !failed; i++) {
		why = one_cycle(c);
		if (why) {
			TH_LOG("cycle %d: %s", i, why);
			failed = 1;
		}
	}
	check(!failed,
	      "%d remap cycles (trap, signal, remap, ack, trapped write, untrap, remap, ack): all handled (%lld ms)",
	      cycles, now_ms() - t0);
	b = drv();
	check(b.acks - a.acks == 2LL * cycles && b.writes - a.writes == cycles,
	      "the driver saw %lld acknowledgments and %lld trapped writes (want %d and %d)",
	      b.acks - a.acks, b.writes - a.writes, 2 * cycles, cycles);
	check(c->stale == 0 && c->mmap_refused == 0,
	      "no stale ack and no refused mmap on the way (%llu, %llu)",
	      (unsigned long long)c->stale,
	      (unsigned long long)c->mmap_refused);

	slab_read(_metadata, &s1);
	check(count_fds() == fds0 && count_lines("/proc/self/maps") == maps0,
	      "no fd or mapping leaked in the VMM (%d fds, %d maps)",
	      count_fds(), count_lines("/proc/self/maps"));
	if (failed)
		check(false, "%s: not measured, a cycle failed", leak);
	else
		slab_no_leak(_metadata, &s0, &s1, cycles, more_cycles, c, leak);
}

/* ---- 10. opens closed with a request outstanding ------------------- */

/* @n opens closed with a request outstanding; nonzero if one failed. */
static int open_close(TEST_ARGS, void *arg, int n)
{
	struct vfio_dev d;
	int i, efd, ret;

	for (i = 0; i < n; i++) {
		ret = dev_open(&d, remap_bdf);
		if (ret) {
			TH_LOG("open %d: %s", i, vfio_errname(ret));
			return 1;
		}
		efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ret = attach(d.fd, REMAP_IRQ, efd) || knob(TRAP_PAGE0) ||
		      efd_wait(efd, SIGNAL_MS) != 1;
		if (ret)
			TH_LOG("open %d: attach/trap/signal failed", i);
		close(efd);	/* the kernel holds its own reference */
		vfio_dev_close(&d);
		knob("none");
		if (ret)
			return 1;
	}
	return 0;
}

/* The edu_remap device, closed: the case opens it again and again. */
FIXTURE(opens) {
	int n;		/* VFIO_IRQ_OPENS */
};

FIXTURE_SETUP(opens)
{
	remap_env(_metadata);
	self->n = env_count(_metadata, "VFIO_IRQ_OPENS", OPENS_DEFAULT);
}

FIXTURE_TEARDOWN(opens)
{
	knob("none");
}

TEST_F_TIMEOUT(opens, opens_closed_with_a_request_outstanding_leak_nothing,
	       OPENS_TIMEOUT)
{
	static struct slab s0, s1;
	char what[128];
	int failed;

	slab_read(_metadata, &s0);
	failed = open_close(_metadata, NULL, self->n);
	slab_read(_metadata, &s1);
	snprintf(what, sizeof(what),
		 "%d opens closed with a request outstanding and an eventfd attached",
		 self->n);
	if (failed)
		check(false, "%s: every open, attach, trap and signal worked",
		      what);
	else
		slab_no_leak(_metadata, &s0, &s1, self->n, open_close, NULL,
			     what);
}

TEST_HARNESS_MAIN
