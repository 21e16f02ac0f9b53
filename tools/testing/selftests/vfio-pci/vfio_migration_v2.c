// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suite "migration-v2": a userspace client of VFIO migration protocol v2
 * (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, data files, DMA logging) against
 * two edu devices driven by samples/vfio-pci/edu_migration.
 * A kselftest harness program: each case on both devices opened afresh
 * (the fixture), the destination scrubbed; a failed check names itself on
 * stderr.  The harness owns the command line, so what the kernel under
 * test lets a vendor offer comes from the environment:
 *   VFIO_TEST_PRECOPY=1     the kernel has PRE_COPY (6.2 and later): the
 *                           device must offer it.  Unset, the device must
 *                           neither offer PRE_COPY nor enter its states,
 *                           and the cases that need them are skipped.
 *   VFIO_TEST_NO_LOGGING=1  the kernel cannot carry DMA logging reports
 *                           (6.7 and later without CONFIG_IOMMUFD_DRIVER):
 *                           the device must not offer logging, and the
 *                           cases that need it are skipped.
 * guest.sh's guest_v2_env gives both for the running kernel.
 *
 * usage: [VFIO_TEST_PRECOPY=1] [VFIO_TEST_NO_LOGGING=1]
 *        VFIO_TEST_SRC_BDF=<source-bdf> VFIO_TEST_DST_BDF=<destination-bdf>
 *        vfio_migration_v2
 * Exit status: 0 when every case passed or was skipped.
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
#include "vfio_harness.h"

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

/* What the kernel under test offers (environment, read by the fixture). */
static bool precopy;
static bool logging;

/*
 * Skip reasons.  The harness's SKIP line carries the reason but not the
 * case's name, so the reason names the case (its first argument).
 */
#define NO_PRECOPY	"%s: no PRE_COPY on this kernel (VFIO_TEST_PRECOPY is not 1)"
#define HAS_PRECOPY	"%s: the kernel has PRE_COPY (VFIO_TEST_PRECOPY=1)"
#define NO_LOGGING	"%s: no DMA logging reports on this kernel (VFIO_TEST_NO_LOGGING=1)"
#define HAS_LOGGING	"%s: the kernel carries DMA logging reports (VFIO_TEST_NO_LOGGING is not 1)"

/*
 * The streams of a case.  Each case runs in a process of its own, so the
 * buffers are the running case's alone.
 */
static uint8_t stream[STREAM_MAX];
static uint8_t damaged[STREAM_MAX];

static const char * const state_names[] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
	"PRE_COPY", "PRE_COPY_P2P",
};

/* Is environment variable @name set to 1? */
static bool env_flag(const char *name)
{
	const char *val = getenv(name);

	return val && !strcmp(val, "1");
}

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
static void fix_trailer(uint8_t *buf, size_t len)
{
	uint32_t crc = crc32_buf(buf, len - 8);

	memcpy(buf + len - 4, &crc, 4);
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

static ssize_t save(struct edu_dev *s, uint8_t *buf, size_t chunk)
{
	ssize_t len;
	int fd;

	if (set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd))
		return -EIO;
	len = read_all(fd, buf, STREAM_MAX, chunk);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
	return len;
}

static int load(struct edu_dev *d, const uint8_t *buf, size_t len,
		size_t chunk)
{
	int fd, ret;

	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (ret)
		return ret;
	ret = write_all(fd, buf, len, chunk);
	if (!ret)
		ret = set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	if (!ret)
		ret = set_state(d, VFIO_DEVICE_STATE_RUNNING, NULL);
	close(fd);
	return ret;
}

static int precopy_info(int fd, struct precopy_info *info)
{
	memset(info, 0xff, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(fd, MIG_GET_PRECOPY_INFO, info) ? -errno : 0;
}

/* Put the recognisable state into the source; the case ends if it fails. */
static void program_source(TEST_ARGS, struct edu_dev *s)
{
	ASSERT_EQ(0, edu_program_state(s)) TH_LOG("program the source device");
}

/*
 * The programmed source's stream, saved in @chunk-byte reads into
 * stream[]: its length.  A precondition of the cases that use it (the
 * save itself is round_trip_to_the_destination's): the case ends if it
 * fails.
 */
static ssize_t saved_stream(TEST_ARGS, struct edu_dev *s, size_t chunk)
{
	ssize_t len;

	program_source(_metadata, s);
	len = save(s, stream, chunk);
	ASSERT_LT(HDR_LEN, len) TH_LOG("save the source's stream (%zd)", len);
	return len;
}

/*
 * A pre-copy session on the programmed source: RUNNING -> PRE_COPY, its
 * data fd.  The case ends if there is none.
 */
static int precopy_start(TEST_ARGS, struct edu_dev *s)
{
	int fd = -1, ret;

	program_source(_metadata, s);
	ret = set_state(s, STATE_PRE_COPY, &fd);
	ASSERT_TRUE(!ret && fd >= 0)
		TH_LOG("RUNNING -> PRE_COPY returns a data fd (%d)", ret);
	return fd;
}

/*
 * A whole save through PRE_COPY into stream[]: the pre-copy part (its
 * length in *@pre_len), then from STOP_COPY the stream on the same fd;
 * the length of both.  A precondition of the cases that load it (the
 * session's own checks are the pre_copy cases'): the case ends if it
 * fails.
 */
static ssize_t precopy_saved(TEST_ARGS, struct edu_dev *s, ssize_t *pre_len)
{
	ssize_t len = -EIO;
	int fd;

	fd = precopy_start(_metadata, s);
	*pre_len = read_precopy(fd, stream, STREAM_MAX);
	if (*pre_len > 0 && !set_state(s, VFIO_DEVICE_STATE_STOP_COPY, NULL))
		len = read_all(fd, stream + *pre_len, STREAM_MAX - *pre_len, 4096);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
	ASSERT_TRUE(*pre_len > HDR_LEN && len > HDR_LEN)
		TH_LOG("save through PRE_COPY: a pre-copy part (%zd) and the stream (%zd)",
		       *pre_len, len);
	return *pre_len + len;
}

/* Both devices opened afresh for each case, the destination scrubbed. */
FIXTURE(migration_v2) {
	struct edu_dev s, d;
	bool part_off;		/* the case turned the pre-copy part off */
};

FIXTURE_SETUP(migration_v2)
{
	const char *src_bdf = getenv("VFIO_TEST_SRC_BDF");
	const char *dst_bdf = getenv("VFIO_TEST_DST_BDF");
	int ret;

	precopy = env_flag("VFIO_TEST_PRECOPY");
	logging = !env_flag("VFIO_TEST_NO_LOGGING");
	ASSERT_TRUE(src_bdf && dst_bdf)
		TH_LOG("VFIO_TEST_SRC_BDF and VFIO_TEST_DST_BDF name the devices");
	ret = edu_open(&self->s, src_bdf);
	ASSERT_EQ(0, ret) TH_LOG("open the source %s: %s", src_bdf,
				 vfio_errname(ret));
	ret = edu_open(&self->d, dst_bdf);
	ASSERT_EQ(0, ret) TH_LOG("open the destination %s: %s", dst_bdf,
				 vfio_errname(ret));
	/* A device keeps its registers across opens: forget earlier loads. */
	edu_scrub(&self->d);
}

FIXTURE_TEARDOWN(migration_v2)
{
	/* The default back, for the later cases and suites. */
	if (self->part_off)
		write_param(PRECOPY_PART, "1");
	edu_close(&self->s);
	edu_close(&self->d);
}

/* Slow under emulation: DMA transfers start 100 ms after the command. */
#define CASE_TIMEOUT	120

/* The migration flags: exactly what the kernel lets a vendor offer. */
TEST_F_TIMEOUT(migration_v2, migration_flags_match_the_kernel, CASE_TIMEOUT)
{
	struct vfio_device_feature_migration mig = {};
	int ret;

	ret = vfio_device_feature(self->s.vfio.fd, VFIO_DEVICE_FEATURE_GET |
				  VFIO_DEVICE_FEATURE_MIGRATION,
				  &mig, sizeof(mig));
	check(!ret && mig.flags == (VFIO_MIGRATION_STOP_COPY |
				    VFIO_MIGRATION_P2P |
				    (precopy ? MIGRATION_PRE_COPY : 0)),
	      "VFIO_DEVICE_FEATURE_MIGRATION: STOP_COPY, P2P%s (flags 0x%llx, %d)",
	      precopy ? " and PRE_COPY" : "",
	      (unsigned long long)mig.flags, ret);
}

TEST_F_TIMEOUT(migration_v2, device_state_reads_running_after_open, CASE_TIMEOUT)
{
	check(get_state(&self->s) == VFIO_DEVICE_STATE_RUNNING,
	      "MIG_DEVICE_STATE reads RUNNING after open");
}

TEST_F_TIMEOUT(migration_v2, data_size_gives_the_stop_copy_size, CASE_TIMEOUT)
{
	struct { uint64_t len; } size = { 0 };
	int ret;

	ret = vfio_device_feature(self->s.vfio.fd, VFIO_DEVICE_FEATURE_GET |
				  FEATURE_MIG_DATA_SIZE, &size, sizeof(size));
	check(!ret && size.len > 72 && size.len < STREAM_MAX,
	      "MIG_DATA_SIZE gives the stop-copy size (%llu bytes)",
	      (unsigned long long)size.len);
}

/*
 * DMA logging: offered exactly where the kernel can carry its reports.
 * Checked both ways, never skipped: a vendor offering what the kernel
 * cannot carry, or hiding what it can, is the regression.
 */
TEST_F_TIMEOUT(migration_v2, dma_logging_offered_as_the_kernel_allows, CASE_TIMEOUT)
{
	int fd = self->s.vfio.fd;

	if (logging)
		check(vfio_device_feature(fd, VFIO_DEVICE_FEATURE_PROBE |
					  VFIO_DEVICE_FEATURE_GET |
					  VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					  NULL, 0) == -EINVAL &&
		      vfio_device_feature(fd, VFIO_DEVICE_FEATURE_PROBE |
					  VFIO_DEVICE_FEATURE_SET |
					  VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					  NULL, 0) == 0,
		      "DMA logging is offered (PROBE of SET succeeds, of GET is EINVAL)");
	else
		check(vfio_device_feature(fd, VFIO_DEVICE_FEATURE_PROBE |
					  VFIO_DEVICE_FEATURE_SET |
					  VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					  NULL, 0) == -ENOTTY,
		      "DMA logging is not offered where the kernel cannot report it (PROBE: ENOTTY)");
}

/*
 * Every request from @from, one at a time: its result, the state after,
 * and whether it returns a data fd; back to RUNNING after each.
 */
static void arcs_from(TEST_ARGS, struct edu_dev *s, uint32_t from)
{
	uint32_t to;

	for (to = 0; to < 8; to++) {
		int fd = -1, want = expect(from, to), ret;
		uint32_t after, want_after;

		if (set_state(s, from, NULL) || get_state(s) != from) {
			check(false, "reach %s", state_names[from]);
			back_to_running(s);
			continue;
		}
		ret = set_state(s, to, &fd);
		after = get_state(s);
		want_after = !want ? to : want == -EINVAL ? from :
			     VFIO_DEVICE_STATE_ERROR;
		check(ret == want && after == want_after &&
		      (fd >= 0) == (!want && expect_fd(from, to)),
		      "%s -> %s: %s, then %s, data fd %s (got %d, %s)",
		      state_names[from], state_names[to],
		      want ? strerror(-want) : "ok",
		      state_names[want_after],
		      fd >= 0 ? "returned" : "none", ret,
		      after < 8 ? state_names[after] : "?");
		if (fd >= 0)
			close(fd);
		back_to_running(s);
	}
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_running, CASE_TIMEOUT)
{
	arcs_from(_metadata, &self->s, VFIO_DEVICE_STATE_RUNNING);
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_stop, CASE_TIMEOUT)
{
	arcs_from(_metadata, &self->s, VFIO_DEVICE_STATE_STOP);
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_stop_copy, CASE_TIMEOUT)
{
	arcs_from(_metadata, &self->s, VFIO_DEVICE_STATE_STOP_COPY);
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_resuming, CASE_TIMEOUT)
{
	arcs_from(_metadata, &self->s, VFIO_DEVICE_STATE_RESUMING);
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_running_p2p, CASE_TIMEOUT)
{
	arcs_from(_metadata, &self->s, VFIO_DEVICE_STATE_RUNNING_P2P);
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_pre_copy, CASE_TIMEOUT)
{
	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	arcs_from(_metadata, &self->s, STATE_PRE_COPY);
}

TEST_F_TIMEOUT(migration_v2, every_arc_from_pre_copy_p2p, CASE_TIMEOUT)
{
	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	arcs_from(_metadata, &self->s, STATE_PRE_COPY_P2P);
}

TEST_F_TIMEOUT(migration_v2, reset_leaves_error_for_running, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	int ret;

	/* Leaving RESUMING without a stream is a way into ERROR. */
	ret = set_state(s, VFIO_DEVICE_STATE_RESUMING, NULL);
	ret = ret ?: set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	ASSERT_TRUE(ret == -ENODATA && get_state(s) == VFIO_DEVICE_STATE_ERROR)
		TH_LOG("RESUMING -> STOP without a stream puts the device in ERROR (%s)",
		       vfio_errname(ret));
	check(!reset(s) && get_state(s) == VFIO_DEVICE_STATE_RUNNING,
	      "VFIO_DEVICE_RESET leaves ERROR for RUNNING");
}

/* A whole migration: the saving fd read a byte at a time. */
TEST_F_TIMEOUT(migration_v2, round_trip_to_the_destination, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	char why[160] = "";
	ssize_t len;
	int ret;

	program_source(_metadata, s);
	len = save(s, stream, 1);
	check(len > 72 && !memcmp(stream, "VFPCIMIG", 8),
	      "saving fd read one byte at a time: %zd bytes, then EOF", len);
	if (len <= 0)
		return;
	ret = load(d, stream, len, 1000);
	check(!ret && get_state(d) == VFIO_DEVICE_STATE_RUNNING,
	      "resuming fd written in 1000-byte chunks, RESUMING -> STOP -> RUNNING (%d)",
	      ret);
	check(!ret && !edu_check_state(d, why, sizeof(why)),
	      "destination holds every register and the DMA buffer %s", why);
}

/* EOF is sticky; the file ends when the device leaves STOP_COPY. */
TEST_F_TIMEOUT(migration_v2, saving_fd_reads_to_eof_until_stop_copy_ends, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	struct pollfd pfd;
	ssize_t len, n;
	uint8_t byte;
	int fd;

	len = saved_stream(_metadata, s, 65536);
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	n = read_all(fd, stream, STREAM_MAX, 4096);
	check(n == len && read(fd, &byte, 1) == 0 && read(fd, &byte, 1) == 0,
	      "saving fd: the same %zd bytes again, then EOF, EOF", len);
	pfd.fd = fd;
	pfd.events = POLLIN;
	check(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN),
	      "saving fd polls readable");
	check(write(fd, "x", 1) < 0 && errno == EBADF,
	      "saving fd is read-only (write: EBADF)");
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	check(read(fd, &byte, 1) < 0 && errno == ENODEV,
	      "saving fd read after leaving STOP_COPY: ENODEV");
	close(fd);
}

/* Closed mid-stream, then a second transfer. */
TEST_F_TIMEOUT(migration_v2, saving_fd_closed_mid_stream, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	int fd, fd2 = -1;
	ssize_t len;
	bool ok;

	len = saved_stream(_metadata, s, 65536);
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	ok = read(fd, stream, 100) == 100;
	close(fd);
	ok = ok && !set_state(s, VFIO_DEVICE_STATE_STOP, NULL) &&
	     !set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd2) &&
	     read_all(fd2, stream, STREAM_MAX, 65536) == len;
	if (fd2 >= 0)
		close(fd2);
	back_to_running(s);
	check(ok, "saving fd closed mid-stream: state kept, a new transfer reads it whole");
}

/* Two fds at once: one saving on the source, one resuming. */
TEST_F_TIMEOUT(migration_v2, saving_and_resuming_fds_at_once, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t len;
	int fd, fd2;
	bool ok;

	len = saved_stream(_metadata, s, 65536);
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd2);
	ok = read_all(fd, stream, STREAM_MAX, 3000) == len &&
	     !write_all(fd2, stream, len, 3000) &&
	     !set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	check(ok && write(fd2, "x", 1) < 0 && errno == ENODEV,
	      "a saving and a resuming fd at once; writes after RESUMING ended: ENODEV");
	close(fd);
	close(fd2);
	back_to_running(s);
	back_to_running(d);
}

/* Bytes beyond the end of the stream; and no reading back. */
TEST_F_TIMEOUT(migration_v2, resuming_fd_refuses_reads_and_a_byte_past_the_end, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	uint8_t byte;
	ssize_t len;
	int fd, ret;

	len = saved_stream(_metadata, s, 65536);
	set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	ret = write_all(fd, stream, len, 65536);
	check(!ret && write(fd, "x", 1) < 0 && errno == EINVAL &&
	      get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "resuming fd: a byte after the end is refused (EINVAL), device in ERROR");
	check(read(fd, &byte, 1) < 0 && errno == EBADF,
	      "resuming fd is write-only (read: EBADF)");
	close(fd);
	reset(d);
}

/* The device closes under an open data fd. */
TEST_F_TIMEOUT(migration_v2, device_closed_under_a_saving_fd, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	char bdf[32];
	uint8_t byte;
	bool ok;
	int fd;

	program_source(_metadata, s);
	snprintf(bdf, sizeof(bdf), "%s", s->vfio.bdf);
	set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	edu_close(s);
	ok = !edu_open(s, bdf);
	check(ok && read(fd, &byte, 1) < 0 && errno == ENODEV &&
	      get_state(s) == VFIO_DEVICE_STATE_RUNNING,
	      "device closed with a saving fd open: the fd ends (ENODEV), reopened RUNNING");
	close(fd);
}

/* After a damaged stream was refused and the device reset, the intact one loads. */
static void intact_stream_loads(TEST_ARGS, struct edu_dev *d, ssize_t len)
{
	reset(d);
	check(!load(d, stream, len, 65536), "the intact stream still loads");
}

TEST_F_TIMEOUT(migration_v2, destination_refuses_a_stream_of_another_device, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	uint32_t crc;
	ssize_t len;
	int ret;

	len = saved_stream(_metadata, s, 65536);
	memcpy(damaged, stream, len);
	damaged[HDR_PCI_DEVICE] ^= 1;
	crc = crc32_buf(damaged, HDR_CRC);
	memcpy(damaged + HDR_CRC, &crc, 4);
	ret = load(d, damaged, len, 65536);
	check(ret == -ENODEV && get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "v2 stream of another PCI device refused with ENODEV (%d)", ret);
	intact_stream_loads(_metadata, d, len);
}

TEST_F_TIMEOUT(migration_v2, destination_refuses_a_corrupted_stream, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t len;
	int ret;

	len = saved_stream(_metadata, s, 65536);
	memcpy(damaged, stream, len);
	damaged[len - 100] ^= 0xff;
	ret = load(d, damaged, len, 65536);
	check(ret == -EBADMSG && get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "corrupted v2 stream refused with EBADMSG (%d)", ret);
	intact_stream_loads(_metadata, d, len);
}

TEST_F_TIMEOUT(migration_v2, destination_refuses_a_truncated_stream, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t len;
	int ret;

	len = saved_stream(_metadata, s, 65536);
	ret = load(d, stream, len - 8, 65536);
	check(ret == -ENODATA && get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "truncated v2 stream: RESUMING -> STOP fails with ENODATA (%d)", ret);
	intact_stream_loads(_metadata, d, len);
}

/* A kernel without PRE_COPY: the device refuses its states. */
TEST_F_TIMEOUT(migration_v2, pre_copy_refused_on_a_kernel_without_it, CASE_TIMEOUT)
{
	static const uint32_t states[] = { STATE_PRE_COPY, STATE_PRE_COPY_P2P };
	struct edu_dev *s = &self->s;
	unsigned int i;

	if (precopy)
		SKIP(return, HAS_PRECOPY, _metadata->name);
	for (i = 0; i < ARRAY_SIZE(states); i++)
		check(set_state(s, states[i], NULL) == -EINVAL &&
		      get_state(s) == VFIO_DEVICE_STATE_RUNNING,
		      "no %s on this kernel: refused with EINVAL, still RUNNING",
		      state_names[states[i]]);
}

/*
 * PRE_COPY: the pre-copy part, a temporary end of stream, then the session
 * goes on.
 */
TEST_F_TIMEOUT(migration_v2, pre_copy_yields_its_part_then_a_temporary_end, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	struct precopy_info info;
	struct pollfd pfd;
	ssize_t pre_len;
	uint8_t byte;
	int fd, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	fd = precopy_start(_metadata, s);
	ret = precopy_info(fd, &info);
	pfd.fd = fd;
	pfd.events = POLLIN;
	check(!ret && info.initial_bytes > HDR_LEN && info.initial_bytes < 4096 &&
	      !info.dirty_bytes && !info.flags && poll(&pfd, 1, 0) == 1,
	      "VFIO_MIG_GET_PRECOPY_INFO: the pre-copy part waits (initial %llu, dirty %llu, %d), the fd polls readable",
	      (unsigned long long)info.initial_bytes,
	      (unsigned long long)info.dirty_bytes, ret);
	pre_len = read_precopy(fd, stream, STREAM_MAX);
	check(pre_len > 0 && pre_len == (ssize_t)info.initial_bytes &&
	      !memcmp(stream, "VFPCIMIG", 8) && (stream[HDR_FLAGS] & 1),
	      "in PRE_COPY the fd yields the pre-copy part (%zd bytes, pre-copy flag), then a temporary end (ENOMSG)",
	      pre_len);
	ret = precopy_info(fd, &info);
	check(!ret && !info.initial_bytes && !info.dirty_bytes,
	      "GET_PRECOPY_INFO after the part was read: nothing left (initial %llu, %d)",
	      (unsigned long long)info.initial_bytes, ret);
	info.argsz = 8;
	check(ioctl(fd, MIG_GET_PRECOPY_INFO, &info) < 0 && errno == EINVAL,
	      "GET_PRECOPY_INFO with a short argsz: EINVAL");
	check(ioctl(fd, _IO(VFIO_TYPE, VFIO_BASE + 30), 0) < 0 && errno == ENOTTY,
	      "another ioctl on the data fd: ENOTTY");
	check(poll(&pfd, 1, 0) == 0 && read(fd, &byte, 1) < 0 && errno == ENOMSG,
	      "then the saving fd does not poll readable, read: ENOMSG");
	close(fd);
	back_to_running(s);
}

/* The VM stops: the same file now yields the whole stream. */
TEST_F_TIMEOUT(migration_v2, pre_copy_to_stop_copy_on_the_same_fd, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	struct precopy_info info;
	ssize_t len, pre_len;
	int fd, fd2, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	fd = precopy_start(_metadata, s);
	/* The part's own checks are another case's: here it is only read. */
	pre_len = read_precopy(fd, stream, STREAM_MAX);
	if (pre_len <= 0)
		pre_len = 0;
	ret = set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd2);
	check(!ret && fd2 < 0, "PRE_COPY -> STOP_COPY: no new data fd (%d)", ret);
	if (fd2 >= 0)
		close(fd2);
	check(precopy_info(fd, &info) == -EINVAL,
	      "GET_PRECOPY_INFO outside PRE_COPY: EINVAL");
	len = read_all(fd, stream + pre_len, STREAM_MAX - pre_len, 4096);
	check(len > 72 && !memcmp(stream + pre_len, "VFPCIMIG", 8) &&
	      !(stream[pre_len + HDR_FLAGS] & 1),
	      "the pre-copy fd reads the stop-copy stream, then EOF (%zd bytes)", len);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
}

/*
 * 1000-byte writes: one of them holds the end of the part and the start
 * of the stream.
 */
TEST_F_TIMEOUT(migration_v2, pre_copy_part_and_stream_load_on_the_destination, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	char why[160] = "";
	ssize_t len, pre_len;
	int ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	len = precopy_saved(_metadata, s, &pre_len);
	ret = load(d, stream, len, 1000);
	check(!ret && !edu_check_state(d, why, sizeof(why)),
	      "pre-copy part and stream, written across their boundary, load on the destination %s (%d)",
	      why, ret);
}

/* What a destination refuses, each before the VM runs there. */
TEST_F_TIMEOUT(migration_v2, destination_refuses_a_part_from_another_revision, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t len, pre_len;
	int ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	len = precopy_saved(_metadata, s, &pre_len);
	memcpy(damaged, stream, len);
	damaged[HDR_LEN + SECT_HDR_LEN] ^= 0x40;	/* the part's PCI revision */
	fix_trailer(damaged, pre_len);
	ret = load(d, damaged, len, 65536);
	check(ret == -ENODEV && get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "a pre-copy part from another device revision: refused by the driver (%d)", ret);
	reset(d);
}

TEST_F_TIMEOUT(migration_v2, destination_refuses_a_second_pre_copy_part, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t len, pre_len;
	int ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	len = precopy_saved(_metadata, s, &pre_len);
	memcpy(damaged, stream, pre_len);
	memcpy(damaged + pre_len, stream, len);
	ret = load(d, damaged, len + pre_len, 65536);
	check(ret == -EINVAL && get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "a second pre-copy part: refused with EINVAL (%d)", ret);
	reset(d);
}

TEST_F_TIMEOUT(migration_v2, destination_refuses_a_part_without_the_stream, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t pre_len;
	int fd, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	precopy_saved(_metadata, s, &pre_len);
	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (!ret) {
		ret = write_all(fd, stream, pre_len, 7);
		close(fd);
	}
	ret = ret ?: set_state(d, VFIO_DEVICE_STATE_STOP, NULL);
	check(ret == -ENODATA && get_state(d) == VFIO_DEVICE_STATE_ERROR,
	      "a pre-copy part without the stream: RESUMING -> STOP fails with ENODATA (%d)",
	      ret);
	reset(d);
}

TEST_F_TIMEOUT(migration_v2, destination_loads_the_stream_without_its_part, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	char why[160] = "";
	ssize_t len, pre_len;
	int ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	len = precopy_saved(_metadata, s, &pre_len);
	ret = load(d, stream + pre_len, len - pre_len, 65536);
	check(!ret && !edu_check_state(d, why, sizeof(why)),
	      "the stream alone, as from a source without pre-copy, loads %s (%d)", why, ret);
}

/* Cancelled migration: PRE_COPY -> RUNNING ends the session. */
TEST_F_TIMEOUT(migration_v2, cancelled_pre_copy_ends_the_data_fd, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	struct precopy_info info;
	uint8_t byte;
	int fd, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	fd = precopy_start(_metadata, s);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING, NULL);
	check(!ret && read(fd, &byte, 1) < 0 && errno == ENODEV &&
	      precopy_info(fd, &info) == -EINVAL,
	      "PRE_COPY -> RUNNING ends the data fd (read: ENODEV, info: EINVAL)");
	close(fd);
}

TEST_F_TIMEOUT(migration_v2, no_precopy_info_on_a_resuming_fd, CASE_TIMEOUT)
{
	struct edu_dev *d = &self->d;
	struct precopy_info info;
	int fd, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	ret = set_state(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	check(!ret && precopy_info(fd, &info) == -EINVAL,
	      "GET_PRECOPY_INFO on a resuming fd: EINVAL");
	close(fd);
	back_to_running(d);
	reset(d);
}

/*
 * Parts turned off (an older destination): nothing before stop-copy.  The
 * teardown turns them on again, whatever happens here.
 */
TEST_F_TIMEOUT(migration_v2, precopy_part_0_turns_the_part_off, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	struct precopy_info info;
	uint8_t byte;
	int fd, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	program_source(_metadata, s);
	ret = write_param(PRECOPY_PART, "0");
	ASSERT_EQ(0, ret) TH_LOG("set %s (%s)", PRECOPY_PART, vfio_errname(ret));
	self->part_off = true;
	ret = set_state(s, STATE_PRE_COPY, &fd);
	check(!ret && !precopy_info(fd, &info) && !info.initial_bytes &&
	      read(fd, &byte, 1) < 0 && errno == ENOMSG,
	      "precopy_part=0: no pre-copy part (initial_bytes 0, read: ENOMSG) (%d)", ret);
	if (fd >= 0)
		close(fd);
	back_to_running(s);
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
 * transfer it held back runs when it may initiate DMA again.
 */
TEST_F_TIMEOUT(migration_v2, running_p2p_holds_a_transfer_back_until_running, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	int fd, ret;

	program_source(_metadata, s);
	memset(s->mem + P2P_OFF, 0, P2P_LEN);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, &fd);
	check(!ret && fd < 0 && get_state(s) == VFIO_DEVICE_STATE_RUNNING_P2P,
	      "RUNNING -> RUNNING_P2P, no data fd (%d)", ret);
	p2p_transfer(s);
	check(p2p_held(s),
	      "in RUNNING_P2P a transfer the guest starts is held back (no run bit at the device, guest memory untouched)");
	edu_wr(s, EDU_LIVENESS, 0x5a5a0001);
	check(edu_rd(s, EDU_LIVENESS) == ~0x5a5a0001U,
	      "in RUNNING_P2P the registers still answer (liveness)");
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING, &fd);
	check(!ret && fd < 0 && p2p_written(s),
	      "RUNNING_P2P -> RUNNING: the held-back transfer runs and writes guest memory (%d)",
	      ret);
}

/* Held back, then saved: the destination runs it, after P2P. */
TEST_F_TIMEOUT(migration_v2, held_transfer_runs_on_the_destination, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	ssize_t len = -EIO;
	int fd, ret;

	program_source(_metadata, s);
	memset(s->mem + P2P_OFF, 0, P2P_LEN);
	memset(d->mem + P2P_OFF, 0, P2P_LEN);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	/* The guest's last register write, which the destination must see. */
	edu_wr(s, EDU_LIVENESS, 0x5a5a0001);
	p2p_transfer(s);
	ret = ret ?: set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	ret = ret ?: set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (!ret) {
		len = read_all(fd, stream, STREAM_MAX, 4096);
		close(fd);
	}
	check(len > 72 && p2p_held(s),
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
	check(!ret && get_state(d) == VFIO_DEVICE_STATE_RUNNING_P2P &&
	      edu_rd(d, EDU_LIVENESS) == ~0x5a5a0001U && p2p_held(d) &&
	      !edu_rd(d, EDU_IRQ_STATUS),
	      "destination STOP -> RUNNING_P2P: state loaded, the restored transfer and interrupt held back (%d)",
	      ret);
	ret = set_state(d, VFIO_DEVICE_STATE_RUNNING, NULL);
	check(!ret && p2p_written(d) && edu_rd(d, EDU_IRQ_STATUS) == 0x2,
	      "destination RUNNING_P2P -> RUNNING: the transfer runs and the interrupt is raised (%d)",
	      ret);
}

/*
 * A held transfer whose registers the guest then changed to reach past
 * the device buffer: refused when P2P ends, as it would have been when
 * written; the device is in ERROR until reset.  The source is programmed
 * so that a transfer that ran would leave non-zero bytes.
 */
TEST_F_TIMEOUT(migration_v2, held_transfer_changed_past_the_buffer_is_refused, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	int ret, err;

	program_source(_metadata, s);
	memset(s->mem + P2P_OFF, 0, P2P_LEN);
	ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	p2p_transfer(s);
	edu_wr64(s, EDU_DMA_CNT, EDU_BUF_SIZE * 2);
	err = ret ?: set_state(s, VFIO_DEVICE_STATE_RUNNING, NULL);
	check(!ret && err && get_state(s) == VFIO_DEVICE_STATE_ERROR &&
	      !s->mem[P2P_OFF] && !reset(s) &&
	      get_state(s) == VFIO_DEVICE_STATE_RUNNING && p2p_held(s),
	      "RUNNING_P2P -> RUNNING with a held transfer changed to reach past the device buffer: refused (%d), ERROR until reset, nothing written",
	      err);
}

/* A reset leaves RUNNING_P2P for RUNNING. */
TEST_F_TIMEOUT(migration_v2, reset_leaves_running_p2p_for_running, CASE_TIMEOUT)
{
	struct edu_dev *d = &self->d;
	int ret;

	ret = set_state(d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	check(!ret && !reset(d) && get_state(d) == VFIO_DEVICE_STATE_RUNNING &&
	      !set_state(d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL) &&
	      !set_state(d, VFIO_DEVICE_STATE_RUNNING, NULL),
	      "VFIO_DEVICE_RESET in RUNNING_P2P: RUNNING, and P2P works again (%d)", ret);
}

/* Pre-copy with P2P (6.2 and later): one data fd across every arc. */
TEST_F_TIMEOUT(migration_v2, pre_copy_p2p_migration_to_the_destination, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s, *d = &self->d;
	struct precopy_info info;
	char why[160] = "";
	ssize_t len = -EIO, pre_len;
	int fd, fd2, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	fd = precopy_start(_metadata, s);
	ret = set_state(s, STATE_PRE_COPY_P2P, &fd2);
	pre_len = read_precopy(fd, stream, STREAM_MAX);
	check(!ret && fd2 < 0 && pre_len > HDR_LEN && !precopy_info(fd, &info),
	      "PRE_COPY -> PRE_COPY_P2P: the same fd yields the pre-copy part (%zd bytes), GET_PRECOPY_INFO works (%d)",
	      pre_len, ret);
	if (pre_len < 0)
		pre_len = 0;
	ret = set_state(s, STATE_PRE_COPY, &fd2);
	ret = ret ?: set_state(s, STATE_PRE_COPY_P2P, &fd2);
	check(!ret && fd2 < 0,
	      "PRE_COPY_P2P -> PRE_COPY -> PRE_COPY_P2P: no new data fd (%d)", ret);
	ret = set_state(s, VFIO_DEVICE_STATE_STOP_COPY, &fd2);
	if (!ret && fd2 < 0)
		len = read_all(fd, stream + pre_len, STREAM_MAX - pre_len, 4096);
	check(len > 72 && !memcmp(stream + pre_len, "VFPCIMIG", 8),
	      "PRE_COPY_P2P -> STOP_COPY: the pre-copy fd reads the stream, then EOF (%zd bytes)",
	      len);
	close(fd);
	set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	back_to_running(s);
	ret = len > 0 ? load(d, stream, pre_len + len, 65536) : -EIO;
	check(!ret && !edu_check_state(d, why, sizeof(why)),
	      "a stream saved through PRE_COPY_P2P loads on the destination %s (%d)",
	      why, ret);
}

/* Cancelled: PRE_COPY_P2P -> RUNNING_P2P ends the session. */
TEST_F_TIMEOUT(migration_v2, cancelled_pre_copy_p2p_ends_the_data_fd, CASE_TIMEOUT)
{
	struct edu_dev *s = &self->s;
	uint8_t byte;
	int fd, ret;

	if (!precopy)
		SKIP(return, NO_PRECOPY, _metadata->name);
	program_source(_metadata, s);
	ret = set_state(s, STATE_PRE_COPY_P2P, &fd);
	if (!ret)
		ret = set_state(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	check(!ret && read(fd, &byte, 1) < 0 && errno == ENODEV &&
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

/* Words of a 4 KiB-page bitmap of the whole test memory. */
#define BITMAP_WORDS	(EDU_MEM_SIZE / 4096 / 64)

/* The whole test memory logged in @page_size pages; the case ends if not. */
static void log_all(TEST_ARGS, struct edu_dev *s, uint64_t page_size)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	int ret = log_start(s, &all, 1, page_size);

	ASSERT_EQ(0, ret) TH_LOG("DMA logging starts with %llu-byte pages (%d)",
				 (unsigned long long)page_size, ret);
}

TEST_F_TIMEOUT(migration_v2, no_dma_logging_where_the_kernel_cannot_report, CASE_TIMEOUT)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	uint64_t bitmap[BITMAP_WORDS];
	struct edu_dev *s = &self->s;

	if (logging)
		SKIP(return, HAS_LOGGING, _metadata->name);
	check(log_start(s, &all, 1, 4096) == -ENOTTY &&
	      log_report(s, EDU_IOVA, 4096, 4096, bitmap) == -ENOTTY,
	      "without DMA logging, start and report fail with ENOTTY");
}

TEST_F_TIMEOUT(migration_v2, dma_logging_start_refuses_bad_ranges, CASE_TIMEOUT)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	struct edu_dev *s = &self->s;
	struct range many[300];
	unsigned int i;
	int bad = 0;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
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
	check(!bad, "%s%s", "DMA logging start refuses: no range, 300 ranges (E2BIG),",
	      " unaligned, overlapping, bad page sizes");
}

TEST_F_TIMEOUT(migration_v2, dma_logging_stop_and_report_without_start, CASE_TIMEOUT)
{
	uint64_t bitmap[BITMAP_WORDS];
	struct edu_dev *s = &self->s;
	int bad;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	bad = log_stop(s) != 0;
	bad += log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap) != -EINVAL;
	check(!bad, "stop without start is harmless; report without start: EINVAL");
}

TEST_F_TIMEOUT(migration_v2, dma_logging_starts_once, CASE_TIMEOUT)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	uint64_t bitmap[BITMAP_WORDS];
	struct edu_dev *s = &self->s;
	int bad, ret;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	ret = log_start(s, &all, 1, 4096);
	bad = ret != 0;
	bad += log_start(s, &all, 1, 4096) != -EBUSY;
	bad += log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096 + 1, bitmap) != -EINVAL;
	check(!bad, "%s (start %d)",
	      "start succeeds once (then EBUSY); report with a bad page size: EINVAL", ret);
	log_stop(s);
}

TEST_F_TIMEOUT(migration_v2, dma_logging_reports_a_device_write_once, CASE_TIMEOUT)
{
	uint64_t bitmap[BITMAP_WORDS];
	struct edu_dev *s = &self->s;
	int ret;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	log_all(_metadata, s, 4096);
	memset(bitmap, 0, sizeof(bitmap));
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	memset(bitmap, 0, sizeof(bitmap));
	/* The device writes 3000 bytes at page 0x30 of the test memory. */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x30000 + 100, 3000, EDU_DMA_TO_RAM, 1);
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	check(!ret && (bitmap[0] & (1ULL << 0x30)) && popcount(bitmap, 4) >= 1 &&
	      popcount(bitmap, BITMAP_WORDS) <= 2,
	      "a device-to-RAM transfer is reported dirty, and little else (%d pages)",
	      popcount(bitmap, BITMAP_WORDS));
	/* The next DMA command releases the held pages; then it is clean. */
	edu_dma(s, EDU_IOVA, EDU_BUF_BASE, 16, 0, 1);
	memset(bitmap, 0, sizeof(bitmap));
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	check(!ret && !popcount(bitmap, BITMAP_WORDS),
	      "a report clears what it returned (%d pages left)",
	      popcount(bitmap, BITMAP_WORDS));
	log_stop(s);
}

TEST_F_TIMEOUT(migration_v2, dma_logging_stop_ends_reports, CASE_TIMEOUT)
{
	uint64_t bitmap[BITMAP_WORDS];
	struct edu_dev *s = &self->s;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	log_all(_metadata, s, 4096);
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	check(!log_stop(s) && log_report(s, EDU_IOVA, 4096, 4096, bitmap) == -EINVAL,
	      "stop ends logging (report: EINVAL)");
}

/*
 * A report whose window and page size differ from the log's: the log keeps
 * 1 MiB pages, the report asks 4 KiB pages from an unaligned iova for a
 * short length.  Only bits inside the window may be set (a canary word
 * follows it), and the part of the log page outside the window must still
 * be reported by the next report.
 */
TEST_F_TIMEOUT(migration_v2, report_window_inside_a_larger_log_page, CASE_TIMEOUT)
{
	uint64_t bitmap[BITMAP_WORDS + 1];
	const uint64_t canary = 0x5a5a5a5a5a5a5a5aULL;
	uint64_t win = EDU_IOVA + 0x10000 + 512;
	struct edu_dev *s = &self->s;
	int ret, n;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	log_all(_metadata, s, EDU_MEM_SIZE);
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	/* Dirty page 0x30 of the test memory, then release the held pages. */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x30000 + 100, 64, EDU_DMA_TO_RAM, 1);
	edu_dma(s, EDU_IOVA, EDU_BUF_BASE, 16, 0, 1);

	bitmap[0] = 0;
	bitmap[1] = canary;
	ret = log_report(s, win, 0x8000, 4096, bitmap);
	check(!ret && bitmap[0] == 0xff && bitmap[1] == canary,
	      "a 4 KiB report of 32 KiB from an unaligned iova inside a dirty 1 MiB log page sets its 8 bits and nothing past them (%d, 0x%llx, canary %s)",
	      ret, (unsigned long long)bitmap[0],
	      bitmap[1] == canary ? "intact" : "overwritten");

	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	n = popcount(bitmap, BITMAP_WORDS);
	check(!ret && (bitmap[0] & (1ULL << 0x30)) && n >= 256 - 8,
	      "the rest of the log page is still dirty at the next report, the written page included (%d pages)",
	      n);

	memset(bitmap, 0, sizeof(bitmap));
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	check(!ret && !popcount(bitmap, BITMAP_WORDS),
	      "after a report covering the whole page it is clean (%d pages)",
	      popcount(bitmap, BITMAP_WORDS));
	log_stop(s);
}

/* A report with pages larger than the log's: whole report pages. */
TEST_F_TIMEOUT(migration_v2, report_pages_larger_than_the_log_pages, CASE_TIMEOUT)
{
	uint64_t bitmap[BITMAP_WORDS + 1];
	const uint64_t canary = 0x5a5a5a5a5a5a5a5aULL;
	struct edu_dev *s = &self->s;
	int ret;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	log_all(_metadata, s, EDU_MEM_SIZE);
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x30000, 64, EDU_DMA_TO_RAM, 1);
	edu_dma(s, EDU_IOVA, EDU_BUF_BASE, 16, 0, 1);
	bitmap[0] = 0;
	bitmap[1] = canary;
	ret = log_report(s, EDU_IOVA, EDU_MEM_SIZE, 2 * EDU_MEM_SIZE, bitmap);
	check(!ret && bitmap[0] == 1 && bitmap[1] == canary,
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
 * VFIO_DEVICE_RESET: @do_reset, called @name, from STOP.
 */
static void reset_from_stop(TEST_ARGS, struct edu_dev *s,
			    int (*do_reset)(struct edu_dev *e), const char *name)
{
	uint32_t state;
	int ret;

	ret = set_state(s, VFIO_DEVICE_STATE_STOP, NULL);
	ret = ret ?: do_reset(s);
	state = get_state(s);
	check(!ret && state == VFIO_DEVICE_STATE_RUNNING,
	      "%s from STOP leaves the device RUNNING (%s, state %u)",
	      name, vfio_errname(ret), state);
	back_to_running(s);
}

TEST_F_TIMEOUT(migration_v2, bus_hot_reset_from_stop_leaves_running, CASE_TIMEOUT)
{
	reset_from_stop(_metadata, &self->s, hot_reset,
			"a hot reset of the bus (VFIO_DEVICE_PCI_HOT_RESET)");
}

TEST_F_TIMEOUT(migration_v2, device_reset_from_stop_leaves_running, CASE_TIMEOUT)
{
	reset_from_stop(_metadata, &self->s, reset, "VFIO_DEVICE_RESET");
}

/*
 * The VMM's DMA log outlives a reset: a guest that reboots while its RAM
 * is being copied must not fail the next report.
 */
TEST_F_TIMEOUT(migration_v2, dma_log_outlives_a_device_reset, CASE_TIMEOUT)
{
	struct range all = { EDU_IOVA, EDU_MEM_SIZE };
	uint64_t bitmap[BITMAP_WORDS];
	struct edu_dev *s = &self->s;
	int ret;

	if (!logging)
		SKIP(return, NO_LOGGING, _metadata->name);
	ret = log_start(s, &all, 1, 4096);
	log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);	/* clear */
	edu_dma(s, EDU_BUF_BASE, EDU_IOVA + 0x40000, 64, EDU_DMA_TO_RAM, 1);
	ret = ret ?: reset(s);
	vfio_pci_command_set(&s->vfio, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	memset(bitmap, 0, sizeof(bitmap));
	ret = ret ?: log_report(s, EDU_IOVA, EDU_MEM_SIZE, 4096, bitmap);
	check(!ret && (bitmap[1] & 1),
	      "DMA logging outlives a device reset: the next report works and has the page written before it (%s)",
	      vfio_errname(ret));
	log_stop(s);
}

TEST_HARNESS_MAIN
