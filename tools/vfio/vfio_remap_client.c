// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_remap_client: the reference client of the vfio-pci remap protocol
 * as a program.  It opens a device bound to vfio-pci the way a VMM does
 * (type1 container, group, device), maps its regions as region info
 * allows, opts in to the remap irq and then follows every request:
 * re-reads, remaps, acknowledges, and says so on stdout.
 *
 * usage: vfio_remap_client [-n COUNT] [-t SECONDS] [-q] <domain:bus:dev.fn>
 *   -n COUNT    exit (status 0) after acknowledging COUNT requests
 *   -t SECONDS  give up (status 1) after this long (default: never)
 *   -q          print only "ready" and the acknowledgments
 *
 * With samples/vfio-pci/edu_remap owning an edu device:
 *
 *   vfio_remap_client -n 2 0000:01:00.0 &
 *   echo 0x0,0x1000 > /sys/module/edu_remap/parameters/trap
 *   echo none > /sys/module/edu_remap/parameters/trap
 *
 * The protocol logic is in tools/lib/vfio/remap_client.c, the device
 * access in vfio_dev.c; this file is only the plumbing around them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "remap_client.h"
#include "vfio_dev.h"

static int quiet;

static void log_line(void *arg, const char *msg)
{
	if (!quiet || !strncmp(msg, "acked", 5))
		printf("%s\n", msg);
}

static void help(const char *prog)
{
	fprintf(stderr, "usage: %s [-n COUNT] [-t SECONDS] [-q] <domain:bus:dev.fn>\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct vfio_dev d;
	long count = -1, seconds = -1;
	struct vrc c = { .log = log_line };
	time_t end;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:t:q")) != -1) {
		switch (opt) {
		case 'n':
			count = strtol(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtol(optarg, NULL, 0);
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			help(argv[0]);
		}
	}
	if (optind != argc - 1)
		help(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Memory decoding on, as the guest's driver would set it. */
	ret = vfio_dev_open(&d, argv[optind]);
	if (!ret)
		ret = vfio_pci_command_set(&d, PCI_COMMAND_MEMORY);
	if (!ret)
		ret = vrc_init(&c, d.fd);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[optind], strerror(-ret));
		return 1;
	}
	ret = vrc_enable(&c);
	if (ret) {
		fprintf(stderr, "%s: cannot opt in: %s\n", argv[optind],
			strerror(-ret));
		return 1;
	}
	printf("ready\n");

	end = seconds >= 0 ? time(NULL) + seconds : 0;
	while (count < 0 || (long)c.handled < count) {
		ret = vrc_wait(&c, 200);
		if (ret < 0)
			break;
		if (ret > 0) {
			ret = vrc_handle(&c);
			if (ret < 0)
				break;
		}
		if (end && time(NULL) >= end) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	if (ret < 0)
		fprintf(stderr, "%s: %s after %llu requests\n", argv[optind],
			strerror(-ret), (unsigned long long)c.handled);
	else
		printf("done: %llu requests acknowledged, %llu stale, %llu signals\n",
		       (unsigned long long)c.handled,
		       (unsigned long long)c.stale,
		       (unsigned long long)c.signals);
	vrc_cleanup(&c);
	vfio_dev_close(&d);
	return ret < 0;
}
