// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's function-level reset through the config region, as a VMM
 * forwards it: from each migration state given, write Initiate FLR into
 * the device's PCI Express Device Control register and print the state
 * the device is in once the write returns, one line per state:
 *   <state> -> <state after the FLR> (<errno of the steps>)
 * A reset reaches the migration engine whoever asked for it, so the
 * device is RUNNING again after each.
 *
 * usage: vfio_flr <domain:bus:slot.fn> <state>...
 *        state: stop, running_p2p, stop_copy (a number is taken as is)
 * Exit status: 0 if the device opened, 1 if not, 2 on bad usage, 3 if
 * the device has no FLR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "vfio_dev.h"

static const struct {
	const char *name;
	uint32_t state;
} states[] = {
	{ "running", VFIO_DEVICE_STATE_RUNNING },
	{ "stop", VFIO_DEVICE_STATE_STOP },
	{ "running_p2p", VFIO_DEVICE_STATE_RUNNING_P2P },
	{ "stop_copy", VFIO_DEVICE_STATE_STOP_COPY },
};

static const char *state_name(uint32_t state)
{
	static char num[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (states[i].state == state)
			return states[i].name;
	snprintf(num, sizeof(num), "%u", state);
	return num;
}

static int parse_state(const char *s, uint32_t *state)
{
	unsigned int i;
	char *end;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		if (!strcmp(s, states[i].name)) {
			*state = states[i].state;
			return 0;
		}
	}
	*state = strtoul(s, &end, 0);
	return *s && !*end ? 0 : -EINVAL;
}

/* Offset of the PCI Express capability, or 0. */
static unsigned int pcie_cap(struct vfio_dev *d)
{
	uint8_t cfg[256];

	if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, cfg,
			     sizeof(cfg)))
		return 0;
	return vfio_pci_find_cap(cfg, PCI_CAP_ID_EXP);
}

/* Reach @state from RUNNING along the uAPI's arcs. */
static int enter(struct vfio_dev *d, uint32_t state, int *data_fd)
{
	int ret = 0;

	*data_fd = -1;
	if (state == VFIO_DEVICE_STATE_STOP_COPY)
		ret = vfio_mig_state_set(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	return ret ?: vfio_mig_state_set(d->fd, state, data_fd);
}

int main(int argc, char **argv)
{
	uint16_t ctl = 0, flr;
	struct vfio_dev d;
	unsigned int cap;
	uint32_t devcap;
	int i, ret;

	if (argc < 3) {
		fprintf(stderr, "usage: %s <bdf> <state>...\n", argv[0]);
		return 2;
	}
	if (vfio_dev_open_cmd(&d, argv[0], argv[1]))
		return 1;
	cap = pcie_cap(&d);
	if (!cap || vfio_read32(&d, VFIO_PCI_CONFIG_REGION_INDEX,
				cap + PCI_EXP_DEVCAP, &devcap) ||
	    !(devcap & PCI_EXP_DEVCAP_FLR)) {
		fprintf(stderr, "%s: %s has no function-level reset\n",
			argv[0], argv[1]);
		vfio_dev_close(&d);
		return 3;
	}
	for (i = 2; i < argc; i++) {
		uint32_t want;
		int data_fd;

		if (parse_state(argv[i], &want)) {
			fprintf(stderr, "%s: bad state '%s'\n", argv[0], argv[i]);
			vfio_dev_close(&d);
			return 2;
		}
		ret = enter(&d, want, &data_fd);
		ret = ret ?: vfio_region_read(&d, VFIO_PCI_CONFIG_REGION_INDEX,
					      cap + PCI_EXP_DEVCTL, &ctl,
					      sizeof(ctl));
		flr = ctl | PCI_EXP_DEVCTL_BCR_FLR;
		ret = ret ?: vfio_region_write(&d, VFIO_PCI_CONFIG_REGION_INDEX,
					       cap + PCI_EXP_DEVCTL, &flr,
					       sizeof(flr));
		printf("%s -> %s (%s)\n", state_name(want),
		       state_name(vfio_mig_state_get(d.fd)), vfio_errname(ret));
		if (data_fd >= 0)
			close(data_fd);
		/* Whatever happened, start the next one from RUNNING. */
		if (vfio_mig_state_set(d.fd, VFIO_DEVICE_STATE_RUNNING, NULL))
			vfio_mig_state_set(d.fd, VFIO_DEVICE_STATE_STOP, NULL);
		vfio_mig_state_set(d.fd, VFIO_DEVICE_STATE_RUNNING, NULL);
	}
	vfio_dev_close(&d);
	return 0;
}
