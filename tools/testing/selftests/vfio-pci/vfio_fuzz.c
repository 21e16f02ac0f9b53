// SPDX-License-Identifier: GPL-2.0-only
/*
 * A seeded random walk over the VFIO device uAPI of one edu device: every
 * device ioctl and device feature with random and boundary arguments,
 * reads, writes and mmaps of every region index, migration state changes,
 * data-file reads, writes and ioctls, DMA-logging starts and reports.
 * What it checks here is only what any correct driver must do: every
 * error is one a VFIO user expects.  The kernel's side (no oops, no
 * warning, no slab report, the modules unload afterwards) is checked by
 * the suite around it.
 *
 * Left alone, for QEMU's sake rather than ours: BAR0's DMA registers
 * (QEMU's edu model aborts on some transfers) and writes to config space
 * (a random MSI or command value only makes the rest of the walk moot).
 *
 * A kselftest harness program, one case: the walk stops at the first
 * unexpected errno, and the failure names the operation.
 * usage: VFIO_TEST_BDF=<domain:bus:slot.fn> [VFIO_FUZZ_SEED=N]
 *        [VFIO_FUZZ_OPS=N] vfio_fuzz
 * The seed (the time by default) is printed first, so a failure can be
 * replayed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vfio_dev.h"
#include "vfio_harness.h"

/* Not in every uAPI header this builds against: upstream's numbers. */
#define FEATURE_MIG_DATA_SIZE	9
#define MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)

#define EDU_DMA_FIRST		0x80
#define EDU_DMA_END		0xa0
#define BITMAP_BYTES		0x100000

static uint64_t rng;
static struct vfio_dev dev;
static int data_fd = -1;
static uint8_t *bitmap;
static unsigned int nr_ops, nr_failed, nr_errors[256];
/* The first unexpected errno, which ends the walk. */
static char unexpected[160];

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed alone. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t pick(const uint64_t *v, unsigned int n)
{
	return v[rnd() % n];
}

/* A size or offset: mostly boundaries, sometimes anything. */
static uint64_t rnd_num(uint64_t around)
{
	const uint64_t edges[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 4095, 4096, 4097, around - 1, around,
		around + 1, around / 2, UINT32_MAX, (uint64_t)INT32_MAX + 1,
		UINT64_MAX, UINT64_MAX - 7,
	};

	return rnd() % 4 ? pick(edges, ARRAY_SIZE(edges)) :
			   rnd() % (around * 2 + 1);
}

/*
 * Stock vfio-pci's errnos, plus those the migration stream and the remap
 * protocol document (Documentation/driver-api/vfio-pci-migration.rst,
 * vfio-pci-vendor-ops.rst): a truncated stream (ENODATA), a bad checksum
 * (EBADMSG), one too long (EFBIG), a superseded remap ack (ESTALE).
 */
static bool expected_errno(int err)
{
	switch (err) {
	case EINVAL: case EFAULT: case ENOTTY: case EBUSY: case ENODEV:
	case EPERM: case E2BIG: case EIO: case ENXIO: case EOVERFLOW:
	case ENOSPC: case ESPIPE: case EBADF: case EAGAIN: case ENOMSG:
	case EOPNOTSUPP: case ERANGE: case EACCES: case ENOMEM: case ENOENT:
	case ENODATA: case EBADMSG: case EFBIG: case ESTALE:
		return true;
	default:
		return false;
	}
}

/* Account one call; an unexpected errno fails the run, naming the call. */
static void note(long ret, const char *what)
{
	int err = errno;

	nr_ops++;
	if (ret >= 0)
		return;
	nr_failed++;
	nr_errors[err & 0xff]++;
	if (!expected_errno(err) && !unexpected[0])
		snprintf(unexpected, sizeof(unexpected),
			 "op %u: %s failed with %s (errno %d), not an errno a VFIO user expects",
			 nr_ops, what, vfio_errname(-err), err);
}

static void fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rnd();
}

/* A header-led ioctl argument: argsz at a boundary, the rest random. */
static void op_ioctl(void)
{
	static const uint64_t cmds[] = {
		VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO,
		VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS,
		VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, VFIO_DEVICE_QUERY_GFX_PLANE,
		VFIO_DEVICE_GET_GFX_DMABUF, VFIO_DEVICE_IOEVENTFD,
		VFIO_DEVICE_RESET, VFIO_DEVICE_PCI_HOT_RESET,
		_IO(VFIO_TYPE, VFIO_BASE + 30), _IO(VFIO_TYPE, VFIO_BASE + 40),
	};
	uint32_t buf[64];
	uint64_t cmd = pick(cmds, ARRAY_SIZE(cmds));

	fill(buf, sizeof(buf));
	buf[0] = rnd_num(sizeof(buf));
	if (rnd() % 2)
		buf[0] = rnd() % sizeof(buf);
	/* SET_IRQS with an eventfd array of random numbers is fair game. */
	note(ioctl(dev.fd, cmd, buf), "device ioctl");
}

static void op_feature(void)
{
	static const uint64_t features[] = {
		VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, VFIO_DEVICE_FEATURE_MIGRATION,
		VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
		VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
		VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, FEATURE_MIG_DATA_SIZE,
		0, 50,
	};
	static const uint64_t flags[] = {
		VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_SET,
		VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET,
		VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET, 1U << 31,
	};
	uint64_t buf[16];
	struct vfio_device_feature *f = (void *)buf;
	uint64_t *data = (uint64_t *)f->data;
	uint64_t feat = pick(features, ARRAY_SIZE(features));
	int ret;

	fill(buf, sizeof(buf));
	f->argsz = rnd() % 3 ? sizeof(buf) : rnd_num(sizeof(buf));
	f->flags = feat | pick(flags, ARRAY_SIZE(flags));
	switch (feat) {
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		/* A state, mostly a valid one. */
		((uint32_t *)data)[0] = rnd() % 4 ? rnd() % 10 : rnd();
		break;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START: {
		static struct vfio_device_feature_dma_logging_range r[4];
		unsigned int i;

		for (i = 0; i < 4; i++) {
			r[i].iova = rnd() % 2 ? 0x100000ULL * (rnd() % 4) :
						rnd_num(1 << 24);
			r[i].length = rnd() % 2 ? 0x100000 : rnd_num(1 << 24);
		}
		data[0] = rnd() % 2 ? 4096 : rnd_num(1 << 21);	/* page size */
		((uint32_t *)&data[1])[0] = rnd() % 5;		/* ranges */
		((uint32_t *)&data[1])[1] = rnd() % 4 ? 0 : rnd();
		data[2] = rnd() % 8 ? (uintptr_t)r : rnd();
		break;
	}
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		data[0] = rnd() % 2 ? 0x100000 : rnd_num(1 << 24);	/* iova */
		data[1] = rnd() % 2 ? 0x100000 : rnd_num(1 << 24);	/* length */
		data[2] = rnd() % 2 ? 4096 : rnd_num(1 << 21);	/* page size */
		/* The bitmap must hold what the kernel may write: no more. */
		if (data[2] && data[2] < 4096)
			data[2] = 4096;
		if (data[1] / (data[2] ? data[2] : 4096) / 8 >= BITMAP_BYTES - 8)
			data[1] = 0x100000;
		data[3] = rnd() % 8 ? (uintptr_t)bitmap : rnd();
		break;
	}
	ret = ioctl(dev.fd, VFIO_DEVICE_FEATURE, f);
	note(ret, "VFIO_DEVICE_FEATURE");
	if (!ret && feat == VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE &&
	    (f->flags & VFIO_DEVICE_FEATURE_SET) &&
	    !(f->flags & (VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET))) {
		/* A returned data fd replaces the one we had. */
		int fd = ((int32_t *)data)[1];

		if (fd > 2 && fd != dev.fd && fd != dev.group &&
		    fd != dev.container && fcntl(fd, F_GETFD) >= 0 &&
		    fd != data_fd) {
			if (data_fd >= 0)
				close(data_fd);
			data_fd = fd;
		}
	}
}

static bool forbidden(unsigned int index, uint64_t off, uint64_t len,
		      bool write)
{
	if (write && index == VFIO_PCI_CONFIG_REGION_INDEX)
		return true;
	return index == VFIO_PCI_BAR0_REGION_INDEX && write &&
	       off < EDU_DMA_END && off + len > EDU_DMA_FIRST;
}

static void op_region(void)
{
	unsigned int index = rnd() % 12;
	uint64_t off = rnd_num(0x1000), len = rnd() % 3 ? rnd() % 9 : rnd() % 4097;
	bool write = rnd() % 2;
	static uint8_t buf[4096];

	if (forbidden(index, off, len, write))
		return;
	if (write) {
		fill(buf, len);
		note(pwrite(dev.fd, buf, len, ((uint64_t)index << 40) + off),
		     "region write");
	} else {
		note(pread(dev.fd, buf, len, ((uint64_t)index << 40) + off),
		     "region read");
	}
}

static void op_mmap(void)
{
	unsigned int index = rnd() % 10;
	uint64_t off = rnd() % 2 ? 0 : rnd_num(0x1000) & ~0xfffULL;
	uint64_t len = rnd() % 2 ? 4096 : rnd_num(0x100000);
	uint8_t *p;

	if (!len)
		return;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, dev.fd,
		 ((uint64_t)index << 40) + off);
	note(p == MAP_FAILED ? -1 : 0, "mmap");
	if (p != MAP_FAILED) {
		(void)__atomic_load_n(p, __ATOMIC_RELAXED);
		munmap(p, len);
	}
}

static void op_data_fd(void)
{
	static uint8_t buf[8192];
	uint64_t info[3];
	size_t len = rnd() % 2 ? rnd() % sizeof(buf) : rnd_num(sizeof(buf));

	if (data_fd < 0)
		return;
	if (len > sizeof(buf))
		len = sizeof(buf);
	switch (rnd() % 4) {
	case 0:
		note(read(data_fd, buf, len), "data fd read");
		break;
	case 1:
		fill(buf, len);
		note(write(data_fd, buf, len), "data fd write");
		break;
	case 2:
		info[0] = rnd() % 2 ? sizeof(info) : rnd_num(sizeof(info));
		note(ioctl(data_fd, MIG_GET_PRECOPY_INFO, info), "PRECOPY_INFO");
		break;
	default:
		note(lseek(data_fd, rnd_num(4096), SEEK_SET), "data fd lseek");
		break;
	}
}

static void step(void)
{
	switch (rnd() % 10) {
	case 0: case 1:
		op_ioctl();
		break;
	case 2: case 3: case 4:
		op_feature();
		break;
	case 5: case 6:
		op_region();
		break;
	case 7:
		op_mmap();
		break;
	default:
		op_data_fd();
		break;
	}
}

/* An unsigned number from the environment, or @def. */
static unsigned long long env_num(const char *name, unsigned long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

FIXTURE(fuzz) {
	unsigned long ops;
};

FIXTURE_SETUP(fuzz)
{
	const char *bdf = getenv("VFIO_TEST_BDF");
	uint64_t seed = env_num("VFIO_FUZZ_SEED", time(NULL));
	int ret;

	ASSERT_NE(NULL, bdf) TH_LOG("VFIO_TEST_BDF names the device");
	self->ops = env_num("VFIO_FUZZ_OPS", 2000);
	ksft_print_msg("seed %llu, %lu operations on %s\n",
		       (unsigned long long)seed, self->ops, bdf);
	fflush(stdout);		/* the case's process ends in _exit() */
	rng = seed ? seed : 1;
	bitmap = mmap(NULL, BITMAP_BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bitmap);
	ret = vfio_dev_open(&dev, bdf);
	ASSERT_EQ(0, ret) TH_LOG("open %s: %s", bdf, vfio_errname(ret));
}

FIXTURE_TEARDOWN(fuzz)
{
	if (data_fd >= 0)
		close(data_fd);
	vfio_dev_close(&dev);
}

/* make fuzz walks 20000 operations; 1500 take seconds under TCG. */
TEST_F_TIMEOUT(fuzz, random_walk_meets_only_expected_errnos, 1200)
{
	unsigned long i;

	for (i = 0; i < self->ops && !unexpected[0]; i++)
		step();
	ksft_print_msg("%u calls, %u refused (EINVAL %u, ENOTTY %u, EFAULT %u, other %u)\n",
		       nr_ops, nr_failed, nr_errors[EINVAL],
		       nr_errors[ENOTTY], nr_errors[EFAULT],
		       nr_failed - nr_errors[EINVAL] - nr_errors[ENOTTY] -
		       nr_errors[EFAULT]);
	fflush(stdout);
	check(!unexpected[0], "%s", unexpected);
}

TEST_HARNESS_MAIN
