// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suite "migration-v2": a userspace client of VFIO migration protocol v2
 * (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, data files, DMA logging) against
 * two edu devices driven by samples/vfio-pci/edu_migration.
 *
 * usage: vfio_migration_v2 [--precopy] [--no-logging] <source> <destination>
 *   --precopy     the kernel has PRE_COPY (6.2 and later): the device must
 *                 offer it
 *   --no-logging  the kernel cannot carry DMA logging reports (6.7 and
 *                 later without CONFIG_IOMMUFD_DRIVER): the device must
 *                 not offer logging
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "edu_test.h"

#define STREAM_MAX	(1024 * 1024)
#define HDR_PCI_DEVICE	14
#define HDR_FLAGS	64
#define HDR_CRC		68
#define HDR_LEN		72
#define SECT_HDR_LEN	8
/* Not in 6.1's uAPI header (this program's): upstream's numbers. */
#define FEATURE_MIG_DATA_SIZE	9
#define MIGRATION_PRE_COPY	4	/* VFIO_MIGRATION_PRE_COPY */
#define STATE_PRE_COPY		6
#define STATE_PRE_COPY_P2P	7
#define MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)

struct precopy_info {
	uint32_t argsz;
	uint32_t flags;
	uint64_t initial_bytes;
	uint64_t dirty_bytes;
};

/* What the kernel under test offers (command line). */
static bool precopy;
static bool logging = true;

static const char * const state_names[] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
	"PRE_COPY", "PRE_COPY_P2P",
};

static int set_state(struct edu_dev *e, uint32_t state, int *fd)
{
	return vfio_mig_state_set(e->vfio.fd, state, fd);
}

static uint32_t get_state(struct edu_dev *e)
{
	return vfio_mig_state_get(e->vfio.fd);
}

static int reset(struct edu_dev *e)
{
	return ioctl(e->vfio.fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

/* Back to RUNNING from wherever; a reset when nothing else works. */
static void back_to_running(struct edu_dev *e)
{
	if (set_state(e, VFIO_DEVICE_STATE_RUNNING, NULL))
		reset(e);
}

static ssize_t read_all(int fd, uint8_t *buf, size_t max, size_t chunk)
{
	size_t total = 0;
	ssize_t n;

	while (total < max) {
		n = read(fd, buf + total, chunk < max - total ? chunk : max - total);
		if (n < 0)
			return -errno;
		if (!n)
			return total;
		total += n;
	}
	return -E2BIG;
}

#define PRECOPY_PART	"/sys/module/vfio_pci/parameters/precopy_part"

/* Write a module parameter; 0 or -errno. */
static int write_param(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Read a saving fd in pre-copy until its temporary end (ENOMSG). */
static ssize_t read_precopy(int fd, uint8_t *buf, size_t max)
{
	size_t total = 0;
	ssize_t n;

	while (total < max) {
		n = read(fd, buf + total, max - total);
		if (n < 0)
			return errno == ENOMSG ? (ssize_t)total : -errno;
		if (!n)
			return -EPIPE;	/* EOF is stop-copy's, not pre-copy's */
		total += n;
	}
	return -E2BIG;
}

/* CRC32 (IEEE, as the stream uses) of @len bytes. */
static uint32_t crc32_buf(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0U;
	size_t k;
	int i;

	for (k = 0; k < len; k++) {
		crc ^= p[k];
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

/* Fix the trailer's checksum of a stream of @len bytes after an edit. */
static void fix_trailer(uint8_t *stream, size_t len)
{
	uint32_t crc = crc32_buf(stream, len - 8);

	memcpy(stream + len - 4, &crc, 4);
}

static int write_all(int fd, const uint8_t *buf, size_t len, size_t chunk)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, chunk < len - done ? chunk : len - done);
		if (n < 0)
			return -errno;
		if (!n)
			return -EIO;
		done += n;
	}
	return 0;
}

static void test_flags(struct edu_dev *s)
{
	struct vfio_device_feature_migration mig = {};
	struct { uint64_t len; } size = { 0 };
	int ret;

	ret = vfio_device_feature(s->vfio.fd, VFIO_DEVICE_FEATURE_GET |
				  VFIO_DEVICE_FEATURE_MIGRATION,
				  &mig, sizeof(mig));
	tap_check(!ret && mig.flags == (VFIO_MIGRATION_STOP_COPY |
					VFIO_MIGRATION_P2P |
					(precopy ? MIGRATION_PRE_COPY : 0)),
		  "VFIO_DEVICE_FEATURE_MIGRATION: STOP_COPY, P2P%s (flags 0x%llx, %d)",
		  precopy ? " and PRE_COPY" : "",
		  (unsigned long long)mig.flags, ret);
	tap_check(get_state(s) == VFIO_DEVICE_STATE_RUNNING,
		  "MIG_DEVICE_STATE reads RUNNING after open");
	ret = vfio_device_feature(s->vfio.fd, VFIO_DEVICE_FEATURE_GET |
				  FEATURE_MIG_DATA_SIZE, &size, sizeof(size));
	tap_check(!ret && size.len > 72 && size.len < STREAM_MAX,
		  "MIG_DATA_SIZE gives the stop-copy size (%llu bytes)",
		  (unsigned long long)size.len);
	if (logging)
		tap_check(vfio_device_feature(s->vfio.fd,
					      VFIO_DEVICE_FEATURE_PROBE |
					      VFIO_DEVICE_FEATURE_GET |
					      VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					      NULL, 0) == -EINVAL &&
			  vfio_device_feature(s->vfio.fd,
					      VFIO_DEVICE_FEATURE_PROBE |
					      VFIO_DEVICE_FEATURE_SET |
					      VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					      NULL, 0) == 0,
			  "DMA logging is offered (PROBE of SET succeeds, of GET is EINVAL)");
	else
		tap_check(vfio_device_feature(s->vfio.fd,
					      VFIO_DEVICE_FEATURE_PROBE |
					      VFIO_DEVICE_FEATURE_SET |
					      VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					      NULL, 0) == -ENOTTY,
			  "DMA logging is not offered where the kernel cannot report it (PROBE: ENOTTY)");
}

static bool is_precopy(uint32_t s)
{
	return s == STATE_PRE_COPY || s == STATE_PRE_COPY_P2P;
}

/* Expected result of a single request from @from to @to. */
static int expect(uint32_t from, uint32_t to)
{
	if (to == VFIO_DEVICE_STATE_ERROR ||
	    to > (precopy ? STATE_PRE_COPY_P2P : VFIO_DEVICE_STATE_RUNNING_P2P))
		return -EINVAL;
	if (from == VFIO_DEVICE_STATE_STOP_COPY && is_precopy(to))
		return -EINVAL;		/* a snapshot cannot go back */
	if (from == VFIO_DEVICE_STATE_RESUMING && to != from)
		return -ENODATA;	/* no stream was written */
	return 0;
}

/* Does a successful @from -> @to request return a data fd? */
static bool expect_fd(uint32_t from, uint32_t to)
{
	if (to == from)
		return false;
	/* From pre-copy, with or without P2P, the same session goes on. */
	if (to == VFIO_DEVICE_STATE_STOP_COPY || is_precopy(to))
		return !is_precopy(from);
	return to == VFIO_DEVICE_STATE_RESUMING;
}

static void test_arcs(struct edu_dev *s)
{
	static const uint32_t from[] = {
		VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP,
		VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RESUMING,
		VFIO_DEVICE_STATE_RUNNING_P2P, STATE_PRE_COPY,
		STATE_PRE_COPY_P2P,
	};
	unsigned int i, to;

	for (i = 0; i < (precopy ? 7 : 5); i++) {
		for (to = 0; to < 8; to++) {
			int fd = -1, want = expect(from[i], to), ret;
			uint32_t after, want_after;

			if (set_state(s, from[i], NULL) || get_state(s) != from[i]) {
				tap_fail("reach %s", state_names[from[i]]);
				back_to_running(s);
				continue;
			}
			ret = set_state(s, to, &fd);
			after = get_state(s);
			want_after = !want ? to : want == -EINVAL ? from[i] :
				     VFIO_DEVICE_STATE_ERROR;
			tap_check(ret == want && after == want_after &&
				  (fd >= 0) == (!want && expect_fd(from[i], to)),
				  "%s -> %s: %s, then %s, data fd %s (got %d, %s)",
				  state_names[from[i]], state_names[to],
				  want ? strerror(-want) : "ok",
				  state_names[want_after],
				  fd >= 0 ? "returned" : "none", ret,
				  after < 8 ? state_names[after] : "?");
			if (fd >= 0)
				close(fd);
			back_to_running(s);
		}
	}
	tap_check(!reset(s) && get_state(s) == VFIO_DEVICE_STATE_RUNNING,
		  "VFIO_DEVICE_RESET leaves ERROR for RUNNING");
}

static ssize_t save(struct edu_dev *s, uint8_t *stream, size_t chunk)
{
	ssize_t len;
	int fd;

	if (set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd))
		return -EIO;
	len = read_all(fd, stream, STREAM_MAX, chunk);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
	return len;
}

static int load(struct edu_dev *d, const uint8_t *stream, size_t len,
		size_t chunk)
{
	int fd, ret;

	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (ret)
		return ret;
	ret = write_all(fd, stream, len, chunk);
	if (!ret)
		ret = set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	if (!ret)
		ret = set_state(d, VFIO_DEVICE_STATE_RUNNING, NULL);
	close(fd);
	return ret;
}

static void test_round_trip(struct edu_dev *s, struct edu_dev *d,
			    uint8_t *stream)
{
	char why[160] = "";
	ssize_t len;
	int ret;

	edu_scrub(d);
	if (edu_program_state(s)) {
		tap_fail("program the source device");
		return;
	}
	len = save(s, stream, 1);
	tap_check(len > 72 && !memcmp(stream, "VFPCIMIG", 8),
		  "saving fd read one byte at a time: %zd bytes, then EOF", len);
	if (len <= 0)
		return;
	ret = load(d, stream, len, 1000);
	tap_check(!ret && get_state(d) == VFIO_DEVICE_STATE_RUNNING,
		  "resuming fd written in 1000-byte chunks, RESUMING -> STOP -> RUNNING (%d)",
		  ret);
	tap_check(!ret && !edu_check_state(d, why, sizeof(why)),
		  "destination holds every register and the DMA buffer %s", why);
	edu_scrub(d);
}

static void test_data_fd(struct edu_dev *s, struct edu_dev *d, uint8_t *stream)
{
	struct pollfd pfd;
	char bdf[32];
	uint8_t byte;
	ssize_t len;
	int fd, fd2, ret;

	if (edu_program_state(s)) {
		tap_fail("program the source device");
		return;
	}
	len = save(s, stream, 65536);

	/* EOF is sticky; the file ends when the device leaves STOP_COPY. */
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	ret = read_all(fd, stream, STREAM_MAX, 4096);
	tap_check(ret == len && read(fd, &byte, 1) == 0 && read(fd, &byte, 1) == 0,
		  "saving fd: the same %zd bytes again, then EOF, EOF", len);
	pfd.fd = fd;
	pfd.events = POLLIN;
	tap_check(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN),
		  "saving fd polls readable");
	tap_check(write(fd, "x", 1) < 0 && errno == EBADF,
		  "saving fd is read-only (write: EBADF)");
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	tap_check(read(fd, &byte, 1) < 0 && errno == ENODEV,
		  "saving fd read after leaving STOP_COPY: ENODEV");
	close(fd);

	/* Close mid-stream, then a second transfer. */
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	ret = read(fd, stream, 100) == 100;
	close(fd);
	ret = ret && !set_state(s, VFIO_DEVICE_STATE_STOP, NULL) &&
	      !set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd2) &&
	      read_all(fd2, stream, STREAM_MAX, 65536) == len;
	close(fd2);
	back_to_running(s);
	tap_check(ret, "saving fd closed mid-stream: state kept, a new transfer reads it whole");

	/* Two fds at once: one saving on the source, one resuming. */
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd2);
	ret = read_all(fd, stream, STREAM_MAX, 3000) == len &&
	      !write_all(fd2, stream, len, 3000) &&
	      !set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	tap_check(ret && write(fd2, "x", 1) < 0 && errno == ENODEV,
		  "a saving and a resuming fd at once; writes after RESUMING ended: ENODEV");
	close(fd);
	close(fd2);
	back_to_running(s);
	back_to_running(d);

	/* Bytes beyond the end of the stream. */
	set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	ret = write_all(fd, stream, len, 65536);
	tap_check(!ret && write(fd, "x", 1) < 0 && errno == EINVAL &&
		  get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "resuming fd: a byte after the end is refused (EINVAL), device in ERROR");
	tap_check(read(fd, &byte, 1) < 0 && errno == EBADF,
		  "resuming fd is write-only (read: EBADF)");
	close(fd);
	reset(d);

	/* The device closes under an open data fd. */
	snprintf(bdf, sizeof(bdf), "%s", s->vfio.bdf);
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	edu_close(s);
	ret = !edu_open(s, bdf);
	tap_check(ret && read(fd, &byte, 1) < 0 && errno == ENODEV &&
		  get_state(s) == VFIO_DEVICE_STATE_RUNNING,
		  "device closed with a saving fd open: the fd ends (ENODEV), reopened RUNNING");
	close(fd);
}

static void test_rejections(struct edu_dev *s, struct edu_dev *d,
			    uint8_t *stream)
{
	static uint8_t bad[STREAM_MAX];
	ssize_t len;
	int ret;

	if (edu_program_state(s)) {
		tap_fail("program the source device");
		return;
	}
	len = save(s, stream, 65536);
	memcpy(bad, stream, len);
	bad[HDR_PCI_DEVICE] ^= 1;
	{
		uint32_t crc = crc32_buf(bad, HDR_CRC);

		memcpy(bad + HDR_CRC, &crc, 4);
	}
	ret = load(d, bad, len, 65536);
	tap_check(ret == -ENODEV && get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "v2 stream of another PCI device refused with ENODEV (%d)", ret);
	reset(d);

	memcpy(bad, stream, len);
	bad[len - 100] ^= 0xff;
	ret = load(d, bad, len, 65536);
	tap_check(ret == -EBADMSG && get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "corrupted v2 stream refused with EBADMSG (%d)", ret);
	reset(d);

	ret = load(d, stream, len - 8, 65536);
	tap_check(ret == -ENODATA && get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "truncated v2 stream: RESUMING -> STOP fails with ENODATA (%d)", ret);
	reset(d);
	tap_check(!load(d, stream, len, 65536), "the intact stream still loads");
}

static int precopy_info(int fd, struct precopy_info *info)
{
	memset(info, 0xff, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(fd, MIG_GET_PRECOPY_INFO, info) ? -errno : 0;
}

/*
 * A pre-copy session on the programmed source: its data fd, or -1.  On a
 * kernel without pre-copy, checks that @state is refused instead.
 */
static int precopy_start(struct edu_dev *s, uint32_t state)
{
	int fd, ret;

	if (!precopy) {
		tap_check(set_state(s, state, NULL) == -EINVAL &&
			  get_state(s) == VFIO_DEVICE_STATE_RUNNING,
			  "no %s on this kernel: refused with EINVAL, still RUNNING",
			  state_names[state]);
		return -1;
	}
	if (edu_program_state(s)) {
		tap_fail("program the source device");
		return -1;
	}
	ret = set_state(s, STATE_PRE_COPY, &fd);
	if (!tap_check(!ret && fd >= 0, "RUNNING -> PRE_COPY returns a data fd (%d)", ret))
		return -1;
	return fd;
}

/*
 * PRE_COPY: the pre-copy part, a temporary end of stream, then the session
 * goes on.
 */
static void test_precopy(struct edu_dev *s, struct edu_dev *d, uint8_t *stream)
{
	static uint8_t bad[STREAM_MAX];
	struct precopy_info info;
	struct pollfd pfd;
	char why[160] = "";
	ssize_t len, pre_len;
	uint8_t byte;
	int fd, fd2, ret;

	fd = precopy_start(s, STATE_PRE_COPY);
	if (fd < 0)
		return;
	ret = precopy_info(fd, &info);
	pfd.fd = fd;
	pfd.events = POLLIN;
	tap_check(!ret && info.initial_bytes > HDR_LEN && info.initial_bytes < 4096 &&
		  !info.dirty_bytes && !info.flags && poll(&pfd, 1, 0) == 1,
		  "VFIO_MIG_GET_PRECOPY_INFO: the pre-copy part waits (initial %llu, dirty %llu, %d), the fd polls readable",
		  (unsigned long long)info.initial_bytes,
		  (unsigned long long)info.dirty_bytes, ret);
	pre_len = read_precopy(fd, stream, STREAM_MAX);
	tap_check(pre_len > 0 && pre_len == (ssize_t)info.initial_bytes &&
		  !memcmp(stream, "VFPCIMIG", 8) && (stream[HDR_FLAGS] & 1),
		  "in PRE_COPY the fd yields the pre-copy part (%zd bytes, pre-copy flag), then a temporary end (ENOMSG)",
		  pre_len);
	if (pre_len <= 0)
		pre_len = 0;
	ret = precopy_info(fd, &info);
	tap_check(!ret && !info.initial_bytes && !info.dirty_bytes,
		  "GET_PRECOPY_INFO after the part was read: nothing left (initial %llu, %d)",
		  (unsigned long long)info.initial_bytes, ret);
	info.argsz = 8;
	tap_check(ioctl(fd, MIG_GET_PRECOPY_INFO, &info) < 0 && errno == EINVAL,
		  "GET_PRECOPY_INFO with a short argsz: EINVAL");
	tap_check(ioctl(fd, _IO(VFIO_TYPE, VFIO_BASE + 30), 0) < 0 && errno == ENOTTY,
		  "another ioctl on the data fd: ENOTTY");
	tap_check(poll(&pfd, 1, 0) == 0 && read(fd, &byte, 1) < 0 && errno == ENOMSG,
		  "then the saving fd does not poll readable, read: ENOMSG");

	/* The VM stops: the same file now yields the whole stream. */
	ret = set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd2);
	tap_check(!ret && fd2 < 0, "PRE_COPY -> STOP_COPY: no new data fd (%d)", ret);
	tap_check(precopy_info(fd, &info) == -EINVAL,
		  "GET_PRECOPY_INFO outside PRE_COPY: EINVAL");
	len = read_all(fd, stream + pre_len, STREAM_MAX - pre_len, 4096);
	tap_check(len > 72 && !memcmp(stream + pre_len, "VFPCIMIG", 8) &&
		  !(stream[pre_len + HDR_FLAGS] & 1),
		  "the pre-copy fd reads the stop-copy stream, then EOF (%zd bytes)", len);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
	if (len <= 0)
		return;
	len += pre_len;
	/* 1000-byte writes: one of them holds the end of the part and the
	 * start of the stream.
	 */
	edu_scrub(d);
	ret = load(d, stream, len, 1000);
	tap_check(!ret && !edu_check_state(d, why, sizeof(why)),
		  "pre-copy part and stream, written across their boundary, load on the destination %s (%d)",
		  why, ret);
	edu_scrub(d);

	/* What a destination refuses, each before the VM runs there. */
	memcpy(bad, stream, len);
	bad[HDR_LEN + SECT_HDR_LEN] ^= 0x40;	/* the part's PCI revision */
	fix_trailer(bad, pre_len);
	ret = load(d, bad, len, 65536);
	tap_check(ret == -ENODEV && get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "a pre-copy part from another device revision: refused by the driver (%d)", ret);
	reset(d);
	memcpy(bad, stream, pre_len);
	memcpy(bad + pre_len, stream, len);
	ret = load(d, bad, len + pre_len, 65536);
	tap_check(ret == -EINVAL && get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "a second pre-copy part: refused with EINVAL (%d)", ret);
	reset(d);
	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (!ret) {
		ret = write_all(fd, stream, pre_len, 7);
		close(fd);
	}
	ret = ret ?: set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	tap_check(ret == -ENODATA && get_state(d) == VFIO_DEVICE_STATE_ERROR,
		  "a pre-copy part without the stream: RESUMING -> STOP fails with ENODATA (%d)",
		  ret);
	reset(d);
	ret = load(d, stream + pre_len, len - pre_len, 65536);
	tap_check(!ret && !edu_check_state(d, why, sizeof(why)),
		  "the stream alone, as from a source without pre-copy, loads %s (%d)", why, ret);
	edu_scrub(d);

	/* Cancelled migration: PRE_COPY -> RUNNING ends the session. */
	ret = set_state(s, STATE_PRE_COPY, &fd);
	ret = ret || set_state(s, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_check(!ret && read(fd, &byte, 1) < 0 && errno == ENODEV &&
		  precopy_info(fd, &info) == -EINVAL,
		  "PRE_COPY -> RUNNING ends the data fd (read: ENODEV, info: EINVAL)");
	close(fd);
	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	tap_check(!ret && precopy_info(fd, &info) == -EINVAL,
		  "GET_PRECOPY_INFO on a resuming fd: EINVAL");
	close(fd);
	back_to_running(d);
	reset(d);

	/* Parts turned off (an older destination): nothing before stop-copy. */
	if (write_param(PRECOPY_PART, "0")) {
		tap_fail("set %s", PRECOPY_PART);
		return;
	}
	ret = set_state(s, STATE_PRE_COPY, &fd);
	tap_check(!ret && !precopy_info(fd, &info) && !info.initial_bytes &&
		  read(fd, &byte, 1) < 0 && errno == ENOMSG,
		  "precopy_part=0: no pre-copy part (initial_bytes 0, read: ENOMSG) (%d)", ret);
	if (fd >= 0)
		close(fd);
	back_to_running(s);
	write_param(PRECOPY_PART, "1");
}

/* A device-to-RAM transfer of the buffer edu_program_state() filled. */
#define P2P_OFF		0x20000
#define P2P_LEN		256

static void p2p_transfer(struct edu_dev *e)
{
	edu_dma(e, EDU_BUF_BASE, EDU_IOVA + P2P_OFF, P2P_LEN, EDU_DMA_TO_RAM, 0);
}

/* Nothing of the transfer reached guest memory, nor is it at the device. */
static bool p2p_held(struct edu_dev *e)
{
	unsigned int i;

	for (i = 0; i < P2P_LEN; i++)
		if (e->mem[P2P_OFF + i])
			return false;
	return !(edu_rd64(e, EDU_DMA_CMD) & EDU_DMA_RUN);
}

static bool p2p_written(struct edu_dev *e)
{
	unsigned int i;

	if (edu_dma_wait(e))
		return false;
	for (i = 0; i < P2P_LEN; i++)
		if (e->mem[P2P_OFF + i] != (uint8_t)(i * 7 + 3))
			return false;
	return true;
}

/*
 * RUNNING_P2P: the device starts no DMA but its registers answer; the
 * transfer it held back runs when it may initiate DMA again, or, when it
 * is stopped first, on the destination.
 */
static void test_p2p(struct edu_dev *s, struct edu_dev *d, uint8_t *stream)
{
	ssize_t len = -EIO;
	int fd, ret, err;

	edu_scrub(d);
	if (edu_program_state(s)) {
		tap_fail("program the source device");
		return;
	}
	memset(s->mem + P2P_OFF, 0, P2P_LEN);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, &fd);
	tap_check(!ret && fd < 0 && get_state(s) == VFIO_DEVICE_STATE_RUNNING_P2P,
		  "RUNNING -> RUNNING_P2P, no data fd (%d)", ret);
	p2p_transfer(s);
	tap_check(p2p_held(s),
		  "in RUNNING_P2P a transfer the guest starts is held back (no run bit at the device, guest memory untouched)");
	edu_wr(s, EDU_LIVENESS, 0x5a5a0001);
	tap_check(edu_rd(s, EDU_LIVENESS) == ~0x5a5a0001U,
		  "in RUNNING_P2P the registers still answer (liveness)");
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING, &fd);
	tap_check(!ret && fd < 0 && p2p_written(s),
		  "RUNNING_P2P -> RUNNING: the held-back transfer runs and writes guest memory (%d)",
		  ret);

	/* Held back, then saved: the destination runs it, after P2P. */
	memset(s->mem + P2P_OFF, 0, P2P_LEN);
	memset(d->mem + P2P_OFF, 0, P2P_LEN);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	p2p_transfer(s);
	ret = ret ?: set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	ret = ret ?: set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (!ret) {
		len = read_all(fd, stream, STREAM_MAX, 4096);
		close(fd);
	}
	tap_check(len > 72 && p2p_held(s),
		  "RUNNING_P2P -> STOP -> STOP_COPY with a transfer held back: %zd bytes saved, the source never ran it",
		  len);
	/* A finished migration: the source is reset, never run again. */
	reset(s);
	if (len <= 0)
		return;
	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (!ret) {
		ret = write_all(fd, stream, len, 65536);
		close(fd);
	}
	ret = ret ?: set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	ret = ret ?: set_state(d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	tap_check(!ret && get_state(d) == VFIO_DEVICE_STATE_RUNNING_P2P &&
		  edu_rd(d, EDU_LIVENESS) == ~0x5a5a0001U && p2p_held(d) &&
		  !edu_rd(d, EDU_IRQ_STATUS),
		  "destination STOP -> RUNNING_P2P: state loaded, the restored transfer and interrupt held back (%d)",
		  ret);
	ret = set_state(d, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_check(!ret && p2p_written(d) && edu_rd(d, EDU_IRQ_STATUS) == 0x2,
		  "destination RUNNING_P2P -> RUNNING: the transfer runs and the interrupt is raised (%d)",
		  ret);

	/*
	 * A held transfer whose registers the guest then changed to reach
	 * past the device buffer: refused when P2P ends, as it would have
	 * been when written; the device is in ERROR until reset.
	 */
	memset(s->mem + P2P_OFF, 0, P2P_LEN);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	p2p_transfer(s);
	edu_wr64(s, EDU_DMA_CNT, EDU_BUF_SIZE * 2);
	err = ret ?: set_state(s, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_check(!ret && err && get_state(s) == VFIO_DEVICE_STATE_ERROR &&
		  !s->mem[P2P_OFF] && !reset(s) &&
		  get_state(s) == VFIO_DEVICE_STATE_RUNNING && p2p_held(s),
		  "RUNNING_P2P -> RUNNING with a held transfer changed to reach past the device buffer: refused (%d), ERROR until reset, nothing written",
		  err);

	/* A reset leaves RUNNING_P2P for RUNNING. */
	ret = set_state(d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	tap_check(!ret && !reset(d) && get_state(d) == VFIO_DEVICE_STATE_RUNNING &&
		  !set_state(d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL) &&
		  !set_state(d, VFIO_DEVICE_STATE_RUNNING, NULL),
		  "VFIO_DEVICE_RESET in RUNNING_P2P: RUNNING, and P2P works again (%d)", ret);
	edu_scrub(d);
}

/* Pre-copy with P2P (6.2 and later): one data fd across every arc. */
static void test_p2p_precopy(struct edu_dev *s, struct edu_dev *d,
			     uint8_t *stream)
{
	struct precopy_info info;
	char why[160] = "";
	ssize_t len = -EIO, pre_len;
	uint8_t byte;
	int fd, fd2, ret;

	fd = precopy_start(s, STATE_PRE_COPY_P2P);
	if (fd < 0)
		return;
	ret = set_state(s, STATE_PRE_COPY_P2P, &fd2);
	pre_len = read_precopy(fd, stream, STREAM_MAX);
	tap_check(!ret && fd2 < 0 && pre_len > HDR_LEN && !precopy_info(fd, &info),
		  "PRE_COPY -> PRE_COPY_P2P: the same fd yields the pre-copy part (%zd bytes), GET_PRECOPY_INFO works (%d)",
		  pre_len, ret);
	if (pre_len < 0)
		pre_len = 0;
	ret = set_state(s, STATE_PRE_COPY, &fd2);
	ret = ret ?: set_state(s, STATE_PRE_COPY_P2P, &fd2);
	tap_check(!ret && fd2 < 0,
		  "PRE_COPY_P2P -> PRE_COPY -> PRE_COPY_P2P: no new data fd (%d)", ret);
	ret = set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd2);
	if (!ret && fd2 < 0)
		len = read_all(fd, stream + pre_len, STREAM_MAX - pre_len, 4096);
	tap_check(len > 72 && !memcmp(stream + pre_len, "VFPCIMIG", 8),
		  "PRE_COPY_P2P -> STOP_COPY: the pre-copy fd reads the stream, then EOF (%zd bytes)",
		  len);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
	edu_scrub(d);
	ret = len > 0 ? load(d, stream, pre_len + len, 65536) : -EIO;
	tap_check(!ret && !edu_check_state(d, why, sizeof(why)),
		  "a stream saved through PRE_COPY_P2P loads on the destination %s (%d)",
		  why, ret);
	edu_scrub(d);

	/* Cancelled: PRE_COPY_P2P -> RUNNING_P2P ends the session. */
	ret = set_state(s, STATE_PRE_COPY_P2P, &fd);
	if (!ret)
		ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	tap_check(!ret && read(fd, &byte, 1) < 0 && errno == ENODEV &&
		  get_state(s) == VFIO_DEVICE_STATE_RUNNING_P2P,
		  "RUNNING -> PRE_COPY_P2P -> RUNNING_P2P: the data fd ends (read: ENODEV) (%d)",
		  ret);
	if (fd >= 0)
		close(fd);
	back_to_running(s);
}

struct range {
	uint64_t iova;
	uint64_t length;
};

static int log_start(struct edu_dev *e, const struct range *r, unsigned int n,
		     uint64_t page_size)
{
	char buf[sizeof(struct vfio_device_feature_dma_logging_control)];
	struct vfio_device_feature_dma_logging_control *c = (void *)buf;
	struct vfio_device_feature_dma_logging_range ranges[300];
	unsigned int i;

	for (i = 0; i < n && i < 300; i++) {
		ranges[i].iova = r[i].iova;
		ranges[i].length = r[i].length;
	}
	c->page_size = page_size;
	c->num_ranges = n;
	c->__reserved = 0;
	c->ranges = (uintptr_t)ranges;
	return vfio_device_feature(e->vfio.fd, VFIO_DEVICE_FEATURE_SET |
				   VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
				   c, sizeof(*c));
}

static int log_stop(struct edu_dev *e)
{
	return vfio_device_feature(e->vfio.fd, VFIO_DEVICE_FEATURE_SET |
				   VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0);
}

static int log_report(struct edu_dev *e, uint64_t iova, uint64_t length,
		      uint64_t page_size, uint64_t *bitmap)
{
	struct vfio_device_feature_dma_logging_report r = {
		.iova = iova, .length = length, .page_size = page_size,
		.bitmap = (uintptr_t)bitmap,
	};

	return vfio_device_feature(e->vfio.fd, VFIO_DEVICE_FEATURE_GET |
				   VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
				   &r, sizeof(r));
}

static int popcount(const uint64_t *b, unsigned int words)
{
	int n = 0;

	while (words--)
		n += __builtin_popcountll(b[words]);
	return n;
}

static void test_dma_logging(struct edu_dev *s)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	struct range many[300];
	uint64_t bitmap[EDU_MEM_SIZE / 4096 / 64];
	unsigned int i;
	int bad = 0, ret;

	if (!logging) {
		tap_check(log_start(s, &all, 1, 4096) == -ENOTTY &&
			  log_report(s, EDU_IOVA, 4096, 4096, bitmap) == -ENOTTY,
			  "without DMA logging, start and report fail with ENOTTY");
		return;
	}

	bad += log_start(s, &all, 0, 4096) != -EINVAL;
	for (i = 0; i < 300; i++) {
		many[i].iova = EDU_IOVA + i * 8192ULL;
		many[i].length = 4096;
	}
	bad += log_start(s, many, 300, 4096) != -E2BIG;
	many[1].iova = EDU_IOVA + 2048;
	bad += log_start(s, many, 2, 4096) != -EINVAL;	/* unaligned */
	many[1].iova = EDU_IOVA;
	bad += log_start(s, many, 2, 4096) != -EINVAL;	/* overlapping */
	bad += log_start(s, &all, 1, 4096 * 3) != -EINVAL;	/* not a power of 2 */
	bad += log_start(s, &all, 1, 1024) != -EINVAL;	/* below 4 KiB */
	tap_check(!bad, "%s%s", "DMA logging start refuses: no range, 300 ranges (E2BIG),",
		  " unaligned, overlapping, bad page sizes");

	bad = log_stop(s) != 0;
	bad += log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap) != -EINVAL;
	tap_check(!bad, "stop without start is harmless; report without start: EINVAL");

	ret = log_start(s, &all, 1, 4096);
	bad = ret != 0;
	bad += log_start(s, &all, 1, 4096) != -EBUSY;
	bad += log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096 + 1, bitmap) != -EINVAL;
	tap_check(!bad, "%s (start %d)",
		  "start succeeds once (then EBUSY); report with a bad page size: EINVAL", ret);

	memset(bitmap, 0, sizeof(bitmap));
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	memset(bitmap, 0, sizeof(bitmap));
	/* The device writes 5000 bytes at page 0x30 of the test memory. */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x30000 + 100, 3000, EDU_DMA_TO_RAM, 1);
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	tap_check(!ret && (bitmap[0] & (1ULL << 0x30)) && popcount(bitmap, 4) >= 1 &&
		  popcount(bitmap, EDU_MEM_SIZE / 4096 / 64) <= 2,
		  "a device-to-RAM transfer is reported dirty, and little else (%d pages)",
		  popcount(bitmap, EDU_MEM_SIZE / 4096 / 64));
	/* The next DMA command releases the held pages; then it is clean. */
	edu_dma(s, EDU_IOVA, EDU_BUF_BASE, 16, 0, 1);
	memset(bitmap, 0, sizeof(bitmap));
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	tap_check(!ret && !popcount(bitmap, EDU_MEM_SIZE / 4096 / 64),
		  "a report clears what it returned (%d pages left)",
		  popcount(bitmap, EDU_MEM_SIZE / 4096 / 64));
	tap_check(!log_stop(s) && log_report(s, EDU_IOVA, 4096, 4096, bitmap) == -EINVAL,
		  "stop ends logging (report: EINVAL)");
}

/*
 * A report whose window and page size differ from the log's: the log keeps
 * 1 MiB pages, the report asks 4 KiB pages from an unaligned iova for a
 * short length.  Only bits inside the window may be set (a canary word
 * follows it), and the part of the log page outside the window must still
 * be reported by the next report.
 */
static void test_dma_logging_window(struct edu_dev *s)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	uint64_t bitmap[EDU_MEM_SIZE / 4096 / 64 + 1];
	const uint64_t canary = 0x5a5a5a5a5a5a5a5aULL;
	uint64_t win = EDU_IOVA + 0x10000 + 512;
	unsigned int words = EDU_MEM_SIZE / 4096 / 64;
	int ret, n;

	if (!logging)
		return;
	ret = log_start(s, &all, 1, EDU_MEM_SIZE);
	if (!tap_check(!ret, "DMA logging starts with %llu-byte pages (%d)",
		       (unsigned long long)EDU_MEM_SIZE, ret))
		return;
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	/* Dirty page 0x30 of the test memory, then release the held pages. */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x30000 + 100, 64, EDU_DMA_TO_RAM, 1);
	edu_dma(s, EDU_IOVA, EDU_BUF_BASE, 16, 0, 1);

	bitmap[0] = 0;
	bitmap[1] = canary;
	ret = log_report(s, win, 0x8000, 4096, bitmap);
	tap_check(!ret && bitmap[0] == 0xff && bitmap[1] == canary,
		  "a 4 KiB report of 32 KiB from an unaligned iova inside a dirty 1 MiB log page sets its 8 bits and nothing past them (%d, 0x%llx, canary %s)",
		  ret, (unsigned long long)bitmap[0],
		  bitmap[1] == canary ? "intact" : "overwritten");

	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	n = popcount(bitmap, words);
	tap_check(!ret && (bitmap[0] & (1ULL << 0x30)) && n >= 256 - 8,
		  "the rest of the log page is still dirty at the next report, the written page included (%d pages)",
		  n);

	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	tap_check(!ret && !popcount(bitmap, words),
		  "after a report covering the whole page it is clean (%d pages)",
		  popcount(bitmap, words));

	/* A report with pages larger than the log's: whole report pages. */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x30000, 64, EDU_DMA_TO_RAM, 1);
	edu_dma(s, EDU_IOVA, EDU_BUF_BASE, 16, 0, 1);
	bitmap[0] = 0;
	bitmap[1] = canary;
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 2 * EDU_MEM_SIZE, bitmap);
	tap_check(!ret && bitmap[0] == 1 && bitmap[1] == canary,
		  "a report with 2 MiB pages sets one bit for the dirty 1 MiB log page (0x%llx)",
		  (unsigned long long)bitmap[0]);
	log_stop(s);
}

/* VFIO_DEVICE_PCI_HOT_RESET of the device's bus, with its own group. */
static int hot_reset(struct edu_dev *e)
{
	char buf[sizeof(struct vfio_pci_hot_reset) + sizeof(int32_t)];
	struct vfio_pci_hot_reset *h = (void *)buf;

	memset(buf, 0, sizeof(buf));
	h->argsz = sizeof(buf);
	h->count = 1;
	h->group_fds[0] = e->vfio.group;
	return ioctl(e->vfio.fd, VFIO_DEVICE_PCI_HOT_RESET, h) ? -errno : 0;
}

/*
 * Every reset of the function reaches the engine, not only
 * VFIO_DEVICE_RESET; and the VMM's DMA log outlives a reset (a guest that
 * reboots while its RAM is being copied must not fail the next report).
 */
static void test_reset_paths(struct edu_dev *s)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	uint64_t bitmap[EDU_MEM_SIZE / 4096 / 64];
	uint32_t state;
	int ret;

	static const struct {
		int (*reset)(struct edu_dev *e);
		const char *name;
	} resets[] = {
		{ hot_reset, "a hot reset of the bus (VFIO_DEVICE_PCI_HOT_RESET)" },
		{ reset, "VFIO_DEVICE_RESET" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(resets); i++) {
		ret = set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
		ret = ret ?: resets[i].reset(s);
		state = get_state(s);
		tap_check(!ret && state == VFIO_DEVICE_STATE_RUNNING,
			  "%s from STOP leaves the device RUNNING (%s, state %u)",
			  resets[i].name, vfio_errname(ret), state);
		back_to_running(s);
		vfio_pci_command_set(&s->vfio, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	}
	if (!logging)
		return;

	ret = log_start(s, &all, 1, 4096);
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x40000, 64, EDU_DMA_TO_RAM, 1);
	ret = ret ?: reset(s);
	vfio_pci_command_set(&s->vfio, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	memset(bitmap, 0, sizeof(bitmap));
	ret = ret ?: log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	tap_check(!ret && (bitmap[1] & 1),
		  "DMA logging outlives a device reset: the next report works and has the page written before it (%s)",
		  vfio_errname(ret));
	log_stop(s);
}

int main(int argc, char **argv)
{
	static uint8_t stream[STREAM_MAX];
	struct edu_dev s, d;

	int a = 1;

	for (; a < argc && !strncmp(argv[a], "--", 2); a++) {
		if (!strcmp(argv[a], "--precopy")) {
			precopy = true;
		} else if (!strcmp(argv[a], "--no-logging")) {
			logging = false;
		} else {
			fprintf(stderr, "%s: unknown option %s\n", argv[0], argv[a]);
			return 2;
		}
	}
	if (argc - a != 2) {
		fprintf(stderr, "usage: %s [--precopy] [--no-logging] %s\n",
			argv[0], "<source-bdf> <destination-bdf>");
		return 2;
	}
	if (!tap_check(!edu_open(&s, argv[a]) && !edu_open(&d, argv[a + 1]),
		       "open %s and %s", argv[a], argv[a + 1]))
		return 1;

	test_flags(&s);
	test_arcs(&s);
	test_round_trip(&s, &d, stream);
	test_data_fd(&s, &d, stream);
	test_rejections(&s, &d, stream);
	test_precopy(&s, &d, stream);
	test_p2p(&s, &d, stream);
	test_p2p_precopy(&s, &d, stream);
	test_dma_logging(&s);
	test_dma_logging_window(&s);
	test_reset_paths(&s);

	edu_close(&s);
	edu_close(&d);
	return tap_failures() ? 1 : 0;
}
