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
 * usage: vfio_write_race <domain:bus:slot.fn>   (edu bound to a filter
 * such as edu_override).  TAP lines on stdout; exit status 0 on success.
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
#include "vfio_test.h"

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

int main(int argc, char **argv)
{
	struct race r = { .uffd = -1 };
	struct edu_dev e;
	pthread_t handler;
	uint32_t before, after;
	ssize_t n;
	int ret, i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <domain:bus:slot.fn>\n", argv[0]);
		return 2;
	}
	if (!tap_check(!edu_open(&e, argv[1]), "open %s", argv[1]))
		return 1;
	ret = race_setup(&r);
	if (!tap_check(!ret, "a value straddling a plain and a userfaultfd page (%s)",
		       vfio_errname(ret)))
		return 1;
	before = edu_factorial(&e, 12);
	if (pthread_create(&handler, NULL, fault_handler, &r)) {
		tap_check(false, "fault handler thread started");
		return 1;
	}
	n = pwrite(e.vfio.fd, r.pages + r.page - 2, 4,
		   vfio_region_offset(&e.vfio, VFIO_PCI_BAR0_REGION_INDEX) +
		   EDU_FACTORIAL);
	ret = n < 0 ? -errno : 0;
	pthread_join(handler, NULL);
	tap_check(r.faults == 1 && !r.err,
		  "the kernel's first copy faulted once and the value changed under it (%d faults, %s)",
		  r.faults, vfio_errname(-r.err));
	for (i = 0; i < 2000 && (edu_rd(&e, EDU_STATUS) & EDU_STATUS_COMPUTING); i++)
		usleep(1000);
	after = edu_rd(&e, EDU_FACTORIAL);
	tap_check(n == 4 && after == SAFE_RESULT,
		  "the device computed the factorial of the value the filter checked (write %s, register 0x%08x, was 0x%08x; %u! would be 0x%08x)",
		  vfio_errname(ret), after, before, SAFE_ARG, SAFE_RESULT);
	edu_close(&e);
	return tap_failures() ? 1 : 0;
}
