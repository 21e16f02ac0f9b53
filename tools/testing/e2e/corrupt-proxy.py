#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Forward one TCP connection (a QEMU migration stream), flipping one byte
of the vfio-pci device-state stream inside it: the byte OFFSET bytes after
the stream's magic "VFPCIMIG".  The return direction is copied unchanged.

usage: corrupt-proxy.py <listen-addr> <listen-port> <to-addr> <to-port> <offset>
"""
import select
import socket
import sys

MAGIC = b"VFPCIMIG"


def main():
    laddr, lport, taddr, tport, offset = sys.argv[1:6]
    offset = int(offset)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((laddr, int(lport)))
    srv.listen(1)
    src, _ = srv.accept()
    dst = socket.create_connection((taddr, int(tport)))
    seen = b""          # bytes forwarded so far, tail only
    total = 0           # bytes forwarded so far
    target = None       # absolute position of the byte to flip
    while True:
        ready, _, _ = select.select([src, dst], [], [])
        for s in ready:
            data = s.recv(65536)
            if not data:
                return
            if s is dst:
                src.sendall(data)
                continue
            if target is None:
                window = seen[-len(MAGIC):] + data
                at = window.find(MAGIC)
                if at >= 0:
                    target = total - (len(window) - len(data)) + at + offset
                    print("corrupt-proxy: magic at", target - offset, flush=True)
            if target is not None and total <= target < total + len(data):
                data = bytearray(data)
                data[target - total] ^= 0x5a
                data = bytes(data)
                print("corrupt-proxy: flipped byte", target, flush=True)
            dst.sendall(data)
            total += len(data)
            seen = (seen + data)[-64:]


if __name__ == "__main__":
    main()
