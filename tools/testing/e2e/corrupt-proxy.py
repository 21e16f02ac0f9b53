#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Forward one TCP connection (a QEMU migration stream), flipping one byte
of the vfio-pci device-state stream inside it: the byte OFFSET bytes after
the stream's magic "VFPCIMIG", counted in device-state bytes only.  The
return direction is copied unchanged.

QEMU carries device state in chunks, each "be64 DEV_DATA_STATE, be64 size,
size bytes", and between two chunks of one device there may be sections of
RAM.  So the stream starts at a magic that follows such a chunk head (a
magic inside a RAM page does not), and the byte to flip is found by
following the chunk heads from there, never by a bare offset into the
migration stream.

The byte is flipped on its way through, so OFFSET may not fall inside the
magic itself (whose last byte is what identifies the stream): OFFSET >= 8.

usage: corrupt-proxy.py <listen-addr> <listen-port> <to-addr> <to-port> <offset>
"""
import select
import socket
import struct
import sys

MAGIC = b"VFPCIMIG"
DATA_STATE = struct.pack(">Q", 0xffffffffef100004)
HEAD = len(DATA_STATE) + 8      # chunk head: flag and be64 size
KEEP = 64                       # bytes of the past kept to match across reads


class DeviceByte:
    """Finds the absolute position of one device-state byte in the stream."""

    def __init__(self, offset, log=print):
        if offset < len(MAGIC):
            raise ValueError("offset inside the magic")
        self.offset = offset
        self.log = log
        self.tail = b""         # last KEEP bytes before the current block
        self.base = 0           # absolute position of the current block
        self.dev = None         # device bytes in the chunks before this one
        self.chunk = None       # (start, end) of the current chunk's data
        self.after = 0          # next chunk head lies at or after this
        self.done = False

    def _next_chunk(self, window, wbase):
        """Sets self.chunk to the next chunk in window; False if none yet."""
        if self.dev is None:
            at = window.find(MAGIC, max(self.after - wbase, HEAD))
            while at >= 0:
                head = window[at - HEAD:at]
                if head[:8] == DATA_STATE:
                    size = struct.unpack(">Q", head[8:])[0]
                    self.dev = 0
                    self.chunk = (wbase + at, wbase + at + size)
                    self.log(f"corrupt-proxy: device state at {wbase + at}, "
                             f"first chunk {size} bytes")
                    return True
                at = window.find(MAGIC, at + 1)
            self.after = max(self.after, wbase + len(window) - KEEP)
            return False
        at = window.find(DATA_STATE, max(self.after - wbase, 0))
        while at >= 0 and at + HEAD <= len(window):
            size = struct.unpack(">Q", window[at + 8:at + HEAD])[0]
            self.after = wbase + at + HEAD
            if size:
                self.chunk = (self.after, self.after + size)
                return True
            at = window.find(DATA_STATE, at + HEAD)
        if at < 0:
            self.after = max(self.after, wbase + len(window) - HEAD)
        return False

    def feed(self, data):
        """Returns data, with the byte flipped if it lies in it."""
        window = self.tail + data
        wbase = self.base - len(self.tail)
        end_of_block = self.base + len(data)
        out = data
        while not self.done:
            if self.chunk is None and not self._next_chunk(window, wbase):
                break
            start, end = self.chunk
            target = start + self.offset - self.dev
            if target < end:
                if target >= end_of_block:
                    break
                # A chunk is found with its head, before its data has been
                # forwarded, and OFFSET is past the magic: never behind us.
                assert target >= self.base
                buf = bytearray(data)
                buf[target - self.base] ^= 0x5a
                out = bytes(buf)
                self.done = True
                self.log(f"corrupt-proxy: flipped device byte {self.offset} "
                         f"at {target}")
                break
            if end > end_of_block:
                break
            self.dev += end - start
            self.after = end
            self.chunk = None
        self.base = end_of_block
        self.tail = window[-KEEP:]
        return out


def main():
    laddr, lport, taddr, tport, offset = sys.argv[1:6]
    finder = DeviceByte(int(offset),
                        lambda line: print(line, flush=True))
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((laddr, int(lport)))
    srv.listen(1)
    src, _ = srv.accept()
    dst = socket.create_connection((taddr, int(tport)))
    while True:
        ready, _, _ = select.select([src, dst], [], [])
        for s in ready:
            data = s.recv(65536)
            if not data:
                return
            if s is dst:
                src.sendall(data)
            else:
                dst.sendall(finder.feed(data))


if __name__ == "__main__":
    main()
