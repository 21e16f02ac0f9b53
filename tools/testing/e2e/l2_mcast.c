// SPDX-License-Identifier: GPL-2.0-only
/*
 * l2_mcast GROUP IFNAME: join an IPv4 multicast group on an interface and
 * stay in it (until killed), for the nested guest of the sriov-e2e suite.
 * Joining adds the group's link-layer address to the interface, which the
 * VF driver passes to its PF as its multicast list.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct ip_mreqn mreq;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s GROUP IFNAME\n", argv[0]);
		return 2;
	}
	memset(&mreq, 0, sizeof(mreq));
	if (inet_pton(AF_INET, argv[1], &mreq.imr_multiaddr) != 1) {
		fprintf(stderr, "l2_mcast: bad group %s\n", argv[1]);
		return 2;
	}
	mreq.imr_ifindex = if_nametoindex(argv[2]);
	if (!mreq.imr_ifindex) {
		perror("l2_mcast: interface");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq))) {
		perror("l2_mcast: join");
		return 1;
	}
	printf("L2-MCAST joined %s on %s\n", argv[1], argv[2]);
	fflush(stdout);
	for (;;)
		pause();
}
