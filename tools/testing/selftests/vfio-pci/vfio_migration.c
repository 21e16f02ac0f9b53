// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suite "migration": a userspace client of the v1 migration region (no
 * QEMU) against two edu devices driven by samples/vfio-pci/edu_migration.
 * A kselftest harness program: each case on both devices opened afresh
 * (the fixture); a failed check names itself on stderr.
 *
 * usage: VFIO_TEST_SRC_BDF=<source-bdf> VFIO_TEST_DST_BDF=<destination-bdf>
 *        vfio_migration
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "edu_test.h"
#include "vfio_harness.h"

#define V1_STATE	0x00
#define V1_RESERVED	0x04
#define V1_PENDING	0x08
#define V1_DATA_OFFSET	0x10
#define V1_DATA_SIZE	0x18
#define V1_RUNNING	1
#define V1_SAVING	2
#define V1_RESUMING	4
#define V1_ERROR	6

#define SECTION_START	0x1000
#define SECTION_SIZE	0x10000
#define REGION_SIZE	(SECTION_START + SECTION_SIZE)
#define STREAM_MAX	(1024 * 1024)

/* Offsets in the stream header (drivers/vfio/pci/vfio_pci_mig_stream.h). */
#define HDR_PCI_DEVICE	14
#define HDR_DRIVER	16
#define HDR_TOTAL	56
#define HDR_CRC		68
#define HDR_LEN		72

struct mig {
	struct edu_dev edu;
	unsigned int index;
	uint64_t off;		/* region offset in the device fd */
	uint8_t *section;	/* mmap of the data section, or NULL */
};

static const char *src_bdf;

static int region_rw(struct mig *m, uint64_t pos, void *buf, size_t len,
		     int write)
{
	ssize_t n = write ? pwrite(m->edu.vfio.fd, buf, len, m->off + pos) :
			    pread(m->edu.vfio.fd, buf, len, m->off + pos);

	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

static int get_state(struct mig *m, uint32_t *state)
{
	return region_rw(m, V1_STATE, state, 4, 0);
}

static int set_state(struct mig *m, uint32_t state)
{
	return region_rw(m, V1_STATE, &state, 4, 1);
}

static int rd64(struct mig *m, uint64_t pos, uint64_t *v)
{
	return region_rw(m, pos, v, 8, 0);
}

static int wr64(struct mig *m, uint64_t pos, uint64_t v)
{
	return region_rw(m, pos, &v, 8, 1);
}

static uint32_t state_of(struct mig *m)
{
	uint32_t s = ~0U;

	get_state(m, &s);
	return s;
}

static int reset(struct mig *m)
{
	return ioctl(m->edu.vfio.fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

static int mig_open(struct mig *m, const char *bdf, struct vfio_region_info *ri)
{
	struct vfio_region_info info;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = edu_open(&m->edu, bdf);
	if (ret)
		return ret;
	ret = vfio_find_region(&m->edu.vfio, VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
			       VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED, &info);
	if (ret < 0) {
		edu_close(&m->edu);
		return ret;
	}
	m->index = ret;
	m->off = info.offset;
	if (ri)
		*ri = info;
	return 0;
}

static int mig_map(struct mig *m)
{
	void *p = mmap(NULL, SECTION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       m->edu.vfio.fd, m->off + SECTION_START);

	if (p == MAP_FAILED)
		return -errno;
	m->section = p;
	return 0;
}

static void mig_close(struct mig *m)
{
	if (m->section)
		munmap(m->section, SECTION_SIZE);
	m->section = NULL;
	edu_close(&m->edu);
}

/* Walk the state machine from running to @target (v1 bits). */
static int reach(struct mig *m, uint32_t target)
{
	switch (target) {
	case V1_RUNNING:
		return 0;
	case 0:
	case V1_RESUMING:
	case V1_RUNNING | V1_SAVING:
	case V1_SAVING:
		return set_state(m, target);
	}
	return -EINVAL;
}

/* Read the whole stream in stop-copy; returns its length or -errno. */
static ssize_t save_stream(struct mig *m, uint8_t *out, int use_mmap)
{
	uint64_t pending, offset, size;
	size_t total = 0;
	int ret;

	ret = rd64(m, V1_PENDING, &pending);
	while (!ret && pending) {
		ret = rd64(m, V1_DATA_OFFSET, &offset);
		if (!ret)
			ret = rd64(m, V1_DATA_SIZE, &size);
		if (ret)
			break;
		if (!size || size > SECTION_SIZE || total + size > STREAM_MAX ||
		    offset != SECTION_START)
			return -EPROTO;
		if (use_mmap)
			memcpy(out + total, m->section, size);
		else
			ret = region_rw(m, offset, out + total, size, 0);
		total += size;
		if (!ret)
			ret = rd64(m, V1_PENDING, &pending);
	}
	return ret ? ret : (ssize_t)total;
}

/* Write @len bytes of stream in chunks of @chunk; first error returned. */
static int load_stream(struct mig *m, const uint8_t *in, size_t len,
		       size_t chunk, int use_mmap)
{
	size_t done = 0;
	uint64_t offset;
	int ret = 0;

	while (!ret && done < len) {
		size_t n = len - done < chunk ? len - done : chunk;

		ret = rd64(m, V1_DATA_OFFSET, &offset);
		if (ret)
			break;
		if (use_mmap)
			memcpy(m->section, in + done, n);
		else
			ret = region_rw(m, offset, (void *)(in + done), n, 1);
		if (!ret)
			ret = wr64(m, V1_DATA_SIZE, n);
		done += n;
	}
	return ret;
}

static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0U;
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

static void fix_header_crc(uint8_t *s)
{
	uint32_t crc = crc32_ieee(s, HDR_CRC);

	memcpy(s + HDR_CRC, &crc, 4);
}

/* Both devices opened afresh for each case, their data sections mapped. */
FIXTURE(migration) {
	struct mig s, d;
	struct vfio_region_info ri;
};

FIXTURE_SETUP(migration)
{
	const char *dst_bdf = getenv("VFIO_TEST_DST_BDF");
	int ret;

	src_bdf = getenv("VFIO_TEST_SRC_BDF");
	ASSERT_TRUE(src_bdf && dst_bdf)
		TH_LOG("VFIO_TEST_SRC_BDF and VFIO_TEST_DST_BDF name the devices");
	ret = mig_open(&self->s, src_bdf, &self->ri);
	ASSERT_EQ(0, ret) TH_LOG("source %s has a v1 migration region (%s)",
				 src_bdf, vfio_errname(ret));
	ret = mig_open(&self->d, dst_bdf, NULL);
	ASSERT_EQ(0, ret) TH_LOG("destination %s has a v1 migration region (%s)",
				 dst_bdf, vfio_errname(ret));
	ASSERT_EQ(0, mig_map(&self->s)) TH_LOG("source data section mmapped");
	ASSERT_EQ(0, mig_map(&self->d)) TH_LOG("destination data section mmapped");
	edu_scrub(&self->d.edu);
}

FIXTURE_TEARDOWN(migration)
{
	mig_close(&self->s);
	mig_close(&self->d);
}

/* Slow under emulation: hundreds of region accesses per case. */
#define CASE_TIMEOUT	120

TEST_F_TIMEOUT(migration, region_layout, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	struct vfio_region_info *ri = &self->ri;
	char buf[4096];
	struct vfio_region_info *info = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *sp;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	info->index = s->index;
	ioctl(s->edu.vfio.fd, VFIO_DEVICE_GET_REGION_INFO, info);
	sp = (void *)vfio_info_cap(info, info->cap_offset,
				   VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	check(ri->size == REGION_SIZE &&
	      (ri->flags & VFIO_REGION_INFO_FLAG_READ) &&
	      (ri->flags & VFIO_REGION_INFO_FLAG_WRITE) &&
	      (ri->flags & VFIO_REGION_INFO_FLAG_MMAP) &&
	      sp && sp->nr_areas == 1 && sp->areas[0].offset == SECTION_START &&
	      sp->areas[0].size == SECTION_SIZE,
	      "v1 region (index %u): 68 KiB, read/write/mmap, one sparse area = data section",
	      s->index);
	check(state_of(s) == V1_RUNNING, "device_state reads RUNNING after open");
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, s->edu.vfio.fd, s->off) ==
	      MAP_FAILED && errno == EINVAL,
	      "the header page cannot be mmapped (EINVAL)");
}

/*
 * The sample's own BAR0 accesses (whole 64-bit DMA registers, the look at
 * a trapped write) honour memory decoding as core's do: EIO while it is
 * off, and the register untouched.
 */
TEST_F_TIMEOUT(migration, memory_decode_off, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	struct vfio_dev *v = &s->edu.vfio;
	const uint64_t probe = 0x1234000;
	uint64_t before, val = 0, after = 0;
	int ret, rd, wr, fact;

	ret = vfio_pci_command_set(v, PCI_COMMAND_MEMORY);
	before = edu_rd64(&s->edu, EDU_DMA_SRC);
	ret = ret ?: vfio_pci_command_clear(v, PCI_COMMAND_MEMORY);
	rd = vfio_region_read(v, VFIO_PCI_BAR0_REGION_INDEX, EDU_DMA_SRC,
			      &val, 8);
	wr = vfio_region_write(v, VFIO_PCI_BAR0_REGION_INDEX, EDU_DMA_SRC,
			       &probe, 8);
	fact = vfio_write32(v, VFIO_PCI_BAR0_REGION_INDEX, EDU_FACTORIAL, 5);
	ret = ret ?: vfio_pci_command_set(v, PCI_COMMAND_MEMORY);
	ret = ret ?: vfio_region_read(v, VFIO_PCI_BAR0_REGION_INDEX,
				      EDU_DMA_SRC, &after, 8);
	check(!ret && rd == -EIO && wr == -EIO && fact == -EIO &&
	      after == before,
	      "memory decode off: the sample's 64-bit read and write and its trapped write fail with EIO (%s, %s, %s), the register unchanged",
	      vfio_errname(rd), vfio_errname(wr), vfio_errname(fact));
}

/*
 * read(2) on the device fd reads at the file position (the fd has no
 * lseek, so it starts at 0, which is BAR0's offset 0) and moves it on.
 * The sample serves the whole 64-bit DMA registers itself: after reading
 * DMA_SRC the next read must return DMA_DST, not DMA_SRC again.
 */
TEST_F_TIMEOUT(migration, file_position, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	const uint64_t src = 0x5550000, dst = 0x6660000;
	int fd = s->edu.vfio.fd;
	uint64_t val, got_src = 0, got_dst = 0;
	unsigned int off;
	int ok = 1;

	edu_wr64(&s->edu, EDU_DMA_SRC, src);
	edu_wr64(&s->edu, EDU_DMA_DST, dst);
	for (off = 0; off < EDU_DMA_SRC && ok; off += sizeof(val))
		ok = read(fd, &val, sizeof(val)) == sizeof(val);
	ok = ok && read(fd, &got_src, sizeof(got_src)) == sizeof(got_src);
	ok = ok && read(fd, &got_dst, sizeof(got_dst)) == sizeof(got_dst);
	check(ok && got_src == src && got_dst == dst,
	      "read(2) at the file position: the sample's 64-bit reads move it on (DMA_SRC 0x%llx, then DMA_DST 0x%llx)",
	      (unsigned long long)got_src, (unsigned long long)got_dst);
}

/* Which (offset, size) header reads succeed, as a compact signature. */
TEST_F_TIMEOUT(migration, header_field_access, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	static const size_t sizes[] = { 1, 2, 4, 8 };
	unsigned int off, i, bad = 0;
	uint64_t v;
	uint32_t st;

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			set_state(s, V1_RUNNING | V1_SAVING);
		for (off = 0; off < 32; off++) {
			for (i = 0; i < 4; i++) {
				int ret = region_rw(s, off, &v, sizes[i], 0);
				int want = (off == 0 && sizes[i] == 4) ||
					   (off == 4 && sizes[i] == 4) ||
					   (pass && sizes[i] == 8 &&
					    (off == 8 || off == 16 || off == 24));

				if (ret ? want || ret != -EINVAL : !want) {
					if (bad++ < 5)
						TH_LOG("pass %d: read %zu at %u gave %d",
						       pass, sizes[i], off, ret);
				}
			}
		}
	}
	check(!bad, "%s%s", "header reads at every offset and size: whole fields only,",
	      " pending and data fields only while saving, else EINVAL");

	bad = 0;
	bad += region_rw(s, V1_RESERVED, &st, 4, 1) != -EINVAL;
	bad += wr64(s, V1_PENDING, 1) != -EINVAL;
	bad += wr64(s, V1_DATA_OFFSET, 0) != -EINVAL;
	check(!bad, "writes to reserved, pending_bytes and data_offset fail with EINVAL");

	st = V1_RUNNING;
	bad = region_rw(s, V1_STATE, &st, 2, 1) != -EINVAL;
	bad += region_rw(s, V1_STATE, &v, 8, 1) != -EINVAL;
	check(!bad, "device_state writes of 2 or 8 bytes fail with EINVAL");

	check(region_rw(s, REGION_SIZE, &st, 4, 0) == -EINVAL &&
	      region_rw(s, REGION_SIZE - 2, &st, 4, 0) == -EINVAL,
	      "accesses past the end of the region fail with EINVAL");
	check(wr64(s, V1_DATA_SIZE, 8) == -EINVAL,
	      "writing data_size while saving fails with EINVAL");
	set_state(s, V1_RUNNING);
	check(state_of(s) == V1_RUNNING, "pre-copy cancelled back to RUNNING");
}

/* Every (from, to) pair of v1 states; expect[from][to]: 0 ok, else errno. */
TEST_F_TIMEOUT(migration, state_transitions, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	static const uint32_t from[] = { V1_RUNNING, 0, V1_RUNNING | V1_SAVING,
					 V1_SAVING, V1_RESUMING };
	unsigned int i, to;

	for (i = 0; i < 5; i++) {
		for (to = 0; to < 8; to++) {
			int want, ret;
			uint32_t after, want_after;

			if (reach(s, from[i]) || state_of(s) != from[i]) {
				check(false, "reach state %u", from[i]);
				continue;
			}
			switch (to) {
			case 0:
			case V1_RUNNING:
				/* leaving RESUMING without a stream */
				want = from[i] == V1_RESUMING ? -ENODATA : 0;
				break;
			case V1_SAVING:
				want = from[i] == V1_RESUMING ? -EINVAL : 0;
				break;
			case V1_RUNNING | V1_SAVING:
				want = (from[i] == V1_RESUMING ||
					from[i] == V1_SAVING) ? -EINVAL : 0;
				break;
			case V1_RESUMING:
				want = (from[i] & V1_SAVING) ? -EINVAL : 0;
				break;
			default:
				want = -EINVAL;
			}
			ret = set_state(s, to);
			after = state_of(s);
			want_after = !want ? to : want == -EINVAL ? from[i] : V1_ERROR;
			check(ret == want && after == want_after,
			      "transition %u -> %u: %s, state then %u (got %d, %u)",
			      from[i], to, want ? strerror(-want) : "ok",
			      want_after, ret, after);
			/* Back to RUNNING; a resume in progress needs a reset. */
			if (after != V1_RESUMING && after != V1_ERROR)
				set_state(s, V1_RUNNING);
			if (state_of(s) != V1_RUNNING)
				reset(s);
		}
	}
}

TEST_F_TIMEOUT(migration, error_state, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	uint32_t err = V1_ERROR;
	int bad = 0;

	set_state(s, V1_RESUMING);
	set_state(s, V1_RUNNING);	/* no stream: fails into error */
	bad += state_of(s) != V1_ERROR;
	bad += set_state(s, V1_RUNNING) != -EINVAL;
	bad += set_state(s, 0) != -EINVAL;
	bad += region_rw(s, V1_STATE, &err, 4, 1) != -EINVAL;
	check(!bad, "error state (6) refuses every state write with EINVAL");
	check(!reset(s) && state_of(s) == V1_RUNNING,
	      "VFIO_DEVICE_RESET leaves the error state for RUNNING");
}

static int do_save(struct mig *s, uint8_t *stream, int use_mmap, ssize_t *len)
{
	uint64_t pending = ~0ULL;
	int ret;

	ret = set_state(s, V1_RUNNING | V1_SAVING);
	if (!ret)
		ret = rd64(s, V1_PENDING, &pending);
	if (ret || pending)
		return ret ? ret : -EPROTO;
	ret = set_state(s, V1_SAVING);
	if (ret)
		return ret;
	*len = save_stream(s, stream, use_mmap);
	if (*len < 0)
		return *len;
	return set_state(s, 0);
}

static void save_resume(TEST_ARGS, struct mig *s, struct mig *d,
			int save_mmap, int load_mmap)
{
	static uint8_t stream[STREAM_MAX];
	const char *how = save_mmap ? "mmap" : "read";
	const char *load_how = load_mmap ? "mmap" : "write";
	char why[128] = "";
	ssize_t len = 0;
	int ret;

	ret = edu_program_state(&s->edu);
	if (ret) {
		check(false, "program the source device (%d)", ret);
		return;
	}
	ret = do_save(s, stream, save_mmap, &len);
	check(!ret && len > HDR_LEN && !memcmp(stream, "VFPCIMIG", 8),
	      "save loop with %s: pre-copy pending 0, stop-copy stream of %zd bytes starting with the magic (ret %d)",
	      how, len, ret);
	if (ret)
		return;
	check(state_of(s) == 0, "source stopped after saving");
	set_state(s, V1_RUNNING);

	ret = set_state(d, V1_RESUMING);
	if (!ret)
		ret = load_stream(d, stream, len, 4096, load_mmap);
	if (!ret)
		ret = set_state(d, V1_RUNNING);
	check(!ret && state_of(d) == V1_RUNNING,
	      "resume loop with %s in 4 KiB chunks, then RUNNING (ret %d)",
	      load_how, ret);
	check(!ret && !edu_check_state(&d->edu, why, sizeof(why)),
	      "destination holds liveness, factorial, status, irq status, DMA registers and the 4095-byte buffer %s",
	      why);
	check(edu_factorial(&d->edu, 6) == 720 &&
	      edu_rd(&s->edu, EDU_ID) == 0x010000ed,
	      "both devices keep working after the migration");
	edu_scrub(&d->edu);
	edu_wr(&s->edu, EDU_IRQ_ACK, ~0U);
}

TEST_F_TIMEOUT(migration, save_by_mmap_resume_by_write, CASE_TIMEOUT)
{
	save_resume(_metadata, &self->s, &self->d, 1, 0);
}

TEST_F_TIMEOUT(migration, save_by_read_resume_by_mmap, CASE_TIMEOUT)
{
	save_resume(_metadata, &self->s, &self->d, 0, 1);
}

/* Save once, then feed the destination damaged copies. */
/*
 * A restored device is a source like any other: s to d, then d back to s
 * after s was scrubbed, and s holds everything s was given first.
 */
/*
 * One whole migration from @from to @to (data section by mmap or not), both
 * RUNNING after; then @to must hold what edu_program_state() put in.
 * Returns 0 or -errno (-EPROTO, with the reason in @why, if @to differs).
 */
static int hop(struct mig *from, struct mig *to, int use_mmap, char *why,
	       size_t whylen)
{
	static uint8_t stream[STREAM_MAX];
	ssize_t len = 0;
	int ret;

	ret = do_save(from, stream, use_mmap, &len);
	ret = ret ?: set_state(from, V1_RUNNING);
	ret = ret ?: set_state(to, V1_RESUMING);
	ret = ret ?: load_stream(to, stream, len, 4096, use_mmap);
	ret = ret ?: set_state(to, V1_RUNNING);
	if (!ret && edu_check_state(&to->edu, why, whylen))
		ret = -EPROTO;
	return ret;
}

TEST_F_TIMEOUT(migration, second_hop, CASE_TIMEOUT)
{
	struct mig *s = &self->s, *d = &self->d;
	char why[128] = "";
	int ret;

	ret = edu_program_state(&s->edu);
	ret = ret ?: hop(s, d, 1, why, sizeof(why));
	if (!ret)
		edu_scrub(&s->edu);
	ret = ret ?: hop(d, s, 0, why, sizeof(why));
	check(!ret,
	      "second hop: migrated s to d, then d back to the scrubbed s, which holds all it was given first (%s%s%s)",
	      vfio_errname(ret), *why ? ": " : "", why);
	edu_scrub(&d->edu);
	edu_wr(&s->edu, EDU_IRQ_ACK, ~0U);
}

TEST_F_TIMEOUT(migration, damaged_streams_rejected, CASE_TIMEOUT)
{
	struct mig *s = &self->s, *d = &self->d;
	static uint8_t stream[STREAM_MAX], bad[STREAM_MAX + 64];
	ssize_t len = 0;
	uint64_t total;
	int ret;

	if (edu_program_state(&s->edu) || do_save(s, stream, 0, &len)) {
		check(false, "save a stream to damage");
		return;
	}
	set_state(s, V1_RUNNING);

	set_state(d, V1_RESUMING);
	check(wr64(d, V1_DATA_SIZE, SECTION_SIZE + 1) == -EINVAL &&
	      state_of(d) == V1_RESUMING,
	      "data_size larger than the data section: EINVAL, still resuming");
	set_state(d, V1_RUNNING);
	reset(d);

	memcpy(bad, stream, len);
	bad[len / 2] ^= 0x40;
	set_state(d, V1_RESUMING);
	ret = load_stream(d, bad, len, 4096, 0);
	check(ret == -EBADMSG && state_of(d) == V1_ERROR,
	      "corrupted stream refused with EBADMSG, device in error state (got %d)", ret);
	check(!reset(d) && state_of(d) == V1_RUNNING &&
	      edu_rd(&d->edu, EDU_ID) == 0x010000ed,
	      "reset recovers the device after a rejected stream");

	set_state(d, V1_RESUMING);
	ret = load_stream(d, stream, len - 8, 4096, 0);
	check(!ret && set_state(d, V1_RUNNING) == -ENODATA &&
	      state_of(d) == V1_ERROR,
	      "truncated stream: leaving RESUMING fails with ENODATA");
	reset(d);

	memcpy(bad, stream, len);
	memset(bad + len, 0, 8);
	set_state(d, V1_RESUMING);
	ret = load_stream(d, bad, len + 8, len + 8, 0);
	check(ret == -EINVAL && state_of(d) == V1_ERROR,
	      "bytes beyond the declared end refused with EINVAL (got %d)", ret);
	reset(d);

	memcpy(bad, stream, len);
	total = 1ULL << 40;
	memcpy(bad + HDR_TOTAL, &total, 8);
	fix_header_crc(bad);
	set_state(d, V1_RESUMING);
	ret = load_stream(d, bad, HDR_LEN, HDR_LEN, 0);
	check(ret == -EFBIG && state_of(d) == V1_ERROR,
	      "stream declaring 1 TiB refused at its header with EFBIG (got %d)", ret);
	reset(d);

	memcpy(bad, stream, len);
	bad[HDR_PCI_DEVICE] ^= 1;
	fix_header_crc(bad);
	set_state(d, V1_RESUMING);
	ret = load_stream(d, bad, len, 4096, 0);
	check(ret == -ENODEV && state_of(d) == V1_ERROR,
	      "stream of another PCI device refused with ENODEV (got %d)", ret);
	reset(d);

	memcpy(bad, stream, len);
	memcpy(bad + HDR_DRIVER, "edu_skeleton\0", 13);
	fix_header_crc(bad);
	set_state(d, V1_RESUMING);
	ret = load_stream(d, bad, len, 4096, 0);
	check(ret == -ENODEV && state_of(d) == V1_ERROR,
	      "stream of another vendor driver refused with ENODEV (got %d)", ret);
	reset(d);

	/* Byte by byte: the header check must wait for the whole header. */
	set_state(d, V1_RESUMING);
	ret = load_stream(d, stream, len, 1, 0);
	check(!ret && !set_state(d, V1_RUNNING),
	      "a stream written one byte at a time loads (ret %d)", ret);
}

struct hammer {
	struct mig *m;
	int stop;	/* accessed with __atomic builtins */
	int errors;
};

static void *reader(void *arg)
{
	struct hammer *h = arg;
	uint64_t v;
	uint32_t st;

	while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
		int r1 = get_state(h->m, &st);
		int r2 = rd64(h->m, V1_PENDING, &v);
		int r3 = rd64(h->m, V1_DATA_OFFSET, &v);

		if (r1 || (r2 && r2 != -EINVAL) || (r3 && r3 != -EINVAL))
			h->errors++;
	}
	return NULL;
}

TEST_F_TIMEOUT(migration, concurrent_transitions_and_reads, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	struct hammer h = { .m = s };
	pthread_t t;
	int i, bad = 0;

	pthread_create(&t, NULL, reader, &h);
	for (i = 0; i < 300; i++) {
		bad += set_state(s, V1_RUNNING | V1_SAVING) != 0;
		bad += set_state(s, V1_SAVING) != 0;
		bad += set_state(s, V1_RUNNING) != 0;
	}
	__atomic_store_n(&h.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	check(!bad && !h.errors && state_of(s) == V1_RUNNING,
	      "two threads: 900 transitions against header reads, no error (%d, %d)",
	      bad, h.errors);
}

TEST_F_TIMEOUT(migration, close_mid_save, CASE_TIMEOUT)
{
	struct mig *s = &self->s;
	uint64_t pending = 0;
	int ok;

	ok = !set_state(s, V1_SAVING) && !rd64(s, V1_PENDING, &pending) &&
	     pending;
	mig_close(s);
	ok = ok && !mig_open(s, src_bdf, NULL);
	check(ok && state_of(s) == V1_RUNNING &&
	      rd64(s, V1_PENDING, &pending) == -EINVAL &&
	      edu_rd(&s->edu, EDU_ID) == 0x010000ed,
	      "closing the device mid-save: reopened RUNNING, no stream left, device works");
}

TEST_HARNESS_MAIN
