// SPDX-License-Identifier: GPL-2.0-only
/*
 * l2_bulk SINK_PORT SOURCE_PORT: the nested guest's end of the data-path
 * benchmark (bench/bulk.py is the other end).  A TCP connection to
 * SINK_PORT is read and discarded until its peer closes it: the guest
 * receives.  A connection to SOURCE_PORT is sent zeros until its peer
 * closes it: the guest transmits.  One connection at a time per port,
 * until killed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

static int listen_on(const char *port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(atoi(port));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		fprintf(stderr, "l2_bulk: port %s: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Never returns: the peer's close (or reset) ends one connection. */
static void serve(int lfd, int transmit)
{
	ssize_t n;
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("l2_bulk: accept");
			exit(1);
		}
		do {
			n = transmit ? write(fd, buf, sizeof(buf)) :
				       read(fd, buf, sizeof(buf));
		} while (n > 0 || (n < 0 && errno == EINTR));
		close(fd);
	}
}

int main(int argc, char **argv)
{
	int sink, source;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SINK_PORT SOURCE_PORT\n", argv[0]);
		return 2;
	}
	/* A peer that closes first ends a transmission, not the program. */
	signal(SIGPIPE, SIG_IGN);
	sink = listen_on(argv[1]);
	source = listen_on(argv[2]);
	printf("L2-BULK sink %s source %s\n", argv[1], argv[2]);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("l2_bulk: fork");
		return 1;
	}
	if (pid == 0) {
		close(sink);
		serve(source, 1);
	}
	close(source);
	serve(sink, 0);
	return 0;
}
