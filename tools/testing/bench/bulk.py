#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""TCP throughput to or from the nested guest's l2_bulk, measured here.

usage: bulk.py tx|rx HOST PORT SECONDS
  tx  the guest transmits: connect to its source port, read for one second
      (the connection's start), then count what arrives in SECONDS
  rx  the guest receives: connect to its sink port, send for SECONDS, close
      the sending side and wait until the guest has read it all and closed
prints "<bytes> <seconds> <bytes per second>"; exits 1 on a socket error,
or if nothing moved.
"""
import socket
import sys
import time

CHUNK = 65536
# No single call may wait longer: a silent guest fails the measurement.
STALL = 20


def transmitted(host, port, seconds):
    with socket.create_connection((host, port), timeout=STALL) as s:
        warm = time.monotonic() + 1
        while time.monotonic() < warm:
            if not s.recv(CHUNK):
                raise OSError('the guest closed during the start')
        total = 0
        t0 = time.monotonic()
        end = t0 + seconds
        while True:
            now = time.monotonic()
            if now >= end:
                break
            n = len(s.recv(CHUNK))
            if not n:
                raise OSError('the guest closed early')
            total += n
        return total, now - t0


def received(host, port, seconds):
    data = bytes(CHUNK)
    with socket.create_connection((host, port), timeout=STALL) as s:
        total = 0
        t0 = time.monotonic()
        end = t0 + seconds
        while time.monotonic() < end:
            total += s.send(data)
        s.shutdown(socket.SHUT_WR)
        # The guest closes once it has read everything.
        while s.recv(CHUNK):
            pass
        return total, time.monotonic() - t0


def main(argv):
    if len(argv) != 4 or argv[0] not in ('tx', 'rx'):
        sys.exit(__doc__)
    what, host, port, seconds = argv[0], argv[1], int(argv[2]), float(argv[3])
    try:
        if what == 'tx':
            total, elapsed = transmitted(host, port, seconds)
        else:
            total, elapsed = received(host, port, seconds)
    except OSError as e:
        print(f'bulk.py {what}: {e}', file=sys.stderr)
        return 1
    if not total or elapsed <= 0:
        print(f'bulk.py {what}: nothing moved', file=sys.stderr)
        return 1
    print(f'{total} {elapsed:.3f} {total / elapsed:.0f}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
