// SPDX-License-Identifier: GPL-2.0-only
/*
 * Does a filtering vendor driver write the value it checked?  A driver
 * that copies the user's value, checks it, then hands the user's buffer
 * on to the default write op reads the buffer twice, and another thread
 * can change it in between.  This program makes that happen every time,
 * without relying on timing:
 *
 * The 4-byte value written to edu's factorial register straddles two
 * pages.  Its low bytes (5) sit at the end of an ordinary page, its high
 * bytes (0) at the start of a page registered with userfaultfd and not
 * yet present.  The kernel's first copy of the value faults on the second
 * page; while it waits, our fault handler changes the low bytes to 13,
 * then supplies the second page.  The first copy therefore sees 5, any
 * later copy 13.  A filter refusing arguments above 12 must let 5 through
 * and the device must compute 5! = 120; 13! in the register means the
 * device got a value the filter never saw.
 *
 * A kselftest harness program, one case.
 * usage: VFIO_TEST_BDF=<domain:bus:slot.fn> vfio_write_race   (edu bound
 * to a filter such as edu_override); exit status 0 on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "edu_test.h"
#include "vfio_dev.h"
#include "vfio_harness.h"

#define SAFE_ARG	5
#define HOSTILE_ARG	13
#define SAFE_RESULT	120		/* 5! */

struct race {
	int uffd;
	uint8_t *pages;			/* two pages: plain, then userfault */
	long page;
	int faults;
	int err;
};

/* Serve the one fault: change the low bytes, then supply the page. */
static void *fault_handler(void *arg)
{
	struct race *r = arg;
	struct pollfd pfd = { .fd = r->uffd, .events = POLLIN };
	struct uffd_msg msg;
	struct uffdio_copy copy;
	static uint8_t zero[65536];

	if (poll(&pfd, 1, 10000) != 1 ||
	    read(r->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		r->err = errno ? errno : EIO;
		return NULL;
	}
	r->faults++;
	r->pages[r->page - 2] = HOSTILE_ARG;
	copy = (struct uffdio_copy) {
		.dst = (uintptr_t)r->pages + r->page,
		.src = (uintptr_t)zero,
		.len = r->page,
	};
	if (ioctl(r->uffd, UFFDIO_COPY, &copy))
		r->err = errno;
	return NULL;
}

static int race_setup(struct race *r)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	r->page = sysconf(_SC_PAGESIZE);
	if (r->page > 65536)
		return -EINVAL;
	r->pages = mmap(NULL, 2 * r->page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->pages == MAP_FAILED)
		return -errno;
	r->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (r->uffd < 0)
		return -errno;
	if (ioctl(r->uffd, UFFDIO_API, &api))
		return -errno;
	reg = (struct uffdio_register) {
		.range = { .start = (uintptr_t)r->pages + r->page,
			   .len = r->page },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	if (ioctl(r->uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	/* Low bytes of the value, last two bytes of the plain page. */
	r->pages[r->page - 2] = SAFE_ARG;
	r->pages[r->page - 1] = 0;
	return 0;
}

FIXTURE(write_race) {
	struct edu_dev e;
	struct race r;
};

FIXTURE_SETUP(write_race)
{
	const char *bdf = getenv("VFIO_TEST_BDF");
	int ret;

	self->r.uffd = -1;
	ASSERT_NE(NULL, bdf) TH_LOG("VFIO_TEST_BDF names the device");
	ret = edu_open(&self->e, bdf);
	ASSERT_EQ(0, ret) TH_LOG("open %s: %s", bdf, vfio_errname(ret));
	ret = race_setup(&self->r);
	ASSERT_EQ(0, ret)
		TH_LOG("a value straddling a plain and a userfaultfd page (%s)",
		       vfio_errname(ret));
}

FIXTURE_TEARDOWN(write_race)
{
	if (self->r.uffd >= 0)
		close(self->r.uffd);
	if (self->r.pages && self->r.pages != MAP_FAILED)
		munmap(self->r.pages, 2 * self->r.page);
	edu_close(&self->e);
}

TEST_F_TIMEOUT(write_race, filter_writes_the_value_it_checked, 60)
{
	struct race *r = &self->r;
	struct edu_dev *e = &self->e;
	uint32_t before, after;
	pthread_t handler;
	ssize_t n;
	int ret, i;

	before = edu_factorial(e, 12);
	ASSERT_EQ(0, pthread_create(&handler, NULL, fault_handler, r))
		TH_LOG("fault handler thread started");
	n = pwrite(e->vfio.fd, r->pages + r->page - 2, 4,
		   vfio_region_offset(&e->vfio, VFIO_PCI_BAR0_REGION_INDEX) +
		   EDU_FACTORIAL);
	ret = n < 0 ? -errno : 0;
	pthread_join(handler, NULL);
	EXPECT_TRUE(r->faults == 1 && !r->err)
		TH_LOG("first copy faulted once, value changed under it (%d, %s)",
		       r->faults, vfio_errname(-r->err));
	for (i = 0; i < 2000 && (edu_rd(e, EDU_STATUS) & EDU_STATUS_COMPUTING); i++)
		usleep(1000);
	after = edu_rd(e, EDU_FACTORIAL);
	EXPECT_TRUE(n == 4 && after == SAFE_RESULT)
		TH_LOG("factorial of the checked value: write %s, 0x%08x (was 0x%08x, %u! 0x%08x)",
		       vfio_errname(ret), after, before, SAFE_ARG, SAFE_RESULT);
}

TEST_HARNESS_MAIN
