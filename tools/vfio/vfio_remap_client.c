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
 * The protocol logic is in remap_client.c; this file is only the plumbing
 * around it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "remap_client.h"

struct device {
	int container, group, fd;
};

static int quiet;

static void log_line(void *arg, const char *msg)
{
	if (!quiet || !strncmp(msg, "acked", 5))
		printf("%s\n", msg);
}

/* The VFIO group of a PCI device, from its iommu_group link. */
static int group_of(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	return atoi(basename(target));
}

static int open_device(struct device *d, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int group;

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return -errno;
	group = group_of(bdf);
	if (group < 0)
		return group;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		return -errno;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) ||
	    ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	return d->fd < 0 ? -errno : 0;
}

/* Memory decoding on, as the guest's driver would set it. */
static int enable_memory(struct device *d)
{
	uint64_t cfg = (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40;
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	uint16_t cmd;

	if (!ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &info))
		cfg = info.offset;
	if (pread(d->fd, &cmd, sizeof(cmd), cfg + PCI_COMMAND) != sizeof(cmd))
		return -EIO;
	cmd |= PCI_COMMAND_MEMORY;
	if (pwrite(d->fd, &cmd, sizeof(cmd), cfg + PCI_COMMAND) != sizeof(cmd))
		return -EIO;
	return 0;
}

static void help(const char *prog)
{
	fprintf(stderr, "usage: %s [-n COUNT] [-t SECONDS] [-q] <domain:bus:dev.fn>\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct device d = { -1, -1, -1 };
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

	ret = open_device(&d, argv[optind]);
	if (!ret)
		ret = enable_memory(&d);
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
	close(d.fd);
	close(d.group);
	close(d.container);
	return ret < 0;
}
