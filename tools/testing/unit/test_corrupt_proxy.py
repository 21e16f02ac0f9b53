#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The corrupted-stream runs rely on corrupt-proxy.py flipping a byte of the
device state and nothing else: check it on migration streams built here,
cut into reads of every size, with RAM between the device's chunks and a
stray magic inside a RAM page.  Prints "ok - ..." / "not ok - ..." lines."""
import importlib.util
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "corrupt_proxy", os.path.join(HERE, "../e2e/corrupt-proxy.py"))
proxy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(proxy)

DATA_STATE = struct.pack(">Q", 0xffffffffef100004)
END_OF_STATE = struct.pack(">Q", 0xffffffffef100001)
failed = 0


def chunk(data):
    return DATA_STATE + struct.pack(">Q", len(data)) + data


def ram(n, rnd):
    page = bytes(rnd.getrandbits(8) for _ in range(n))
    # A RAM page that happens to hold the magic, not after a chunk head.
    return b"\x02RAM" + page[:n // 2] + proxy.MAGIC + page[n // 2:]


def run(stream, offset, rnd, max_read):
    """Feeds stream in random pieces; returns the positions that changed."""
    finder = proxy.DeviceByte(offset, log=lambda line: None)
    out, pos = b"", 0
    while pos < len(stream):
        n = rnd.randint(1, max_read)
        out += finder.feed(stream[pos:pos + n])
        pos += n
    return [i for i in range(len(stream)) if stream[i] != out[i]]


def check(name, ok):
    global failed
    print(("ok - " if ok else "not ok - ") + "corrupt_proxy: " + name)
    failed += 0 if ok else 1


def main():
    rnd = random.Random(7)
    device = proxy.MAGIC + bytes(rnd.getrandbits(8) for _ in range(1200))
    # Pre-copy: each chunk in a section of its own, RAM in between (v1).
    pieces = [device[:300], device[300:301], device[301:900], device[900:]]
    precopy = ram(500, rnd) + b"".join(
        chunk(p) + END_OF_STATE + ram(700, rnd) for p in pieces)
    # Stop-copy: chunks back to back, ended by an empty one (v1 and v2).
    stopcopy = ram(300, rnd) + chunk(device[:40]) + chunk(device[40:]) + \
        chunk(b"") + END_OF_STATE + ram(100, rnd)

    for layout, stream in (("pre-copy", precopy), ("stop-copy", stopcopy)):
        for offset in (8, 100, 299, 300, 301, 1000, len(device) - 1):
            # Exactly one byte changed, and it is device byte "offset".
            ok = all(
                [flipped_device_byte(stream, p) for p in
                 run(stream, offset, rnd, max_read)] == [offset]
                for max_read in (1, 7, 17, 64, 4096))
            check(f"{layout}: flips device byte {offset} and only it, "
                  f"whatever the read sizes", ok)
    check("a device byte past the end of the state flips nothing",
          run(stopcopy, len(device) + 10, rnd, 64) == [])
    check("a magic only inside RAM flips nothing",
          run(ram(900, rnd) * 3, 10, rnd, 64) == [])
    try:
        proxy.DeviceByte(len(proxy.MAGIC) - 1)
        refused = False
    except ValueError:
        refused = True
    check("an offset inside the magic is refused", refused)
    return 1 if failed else 0


def flipped_device_byte(stream, pos):
    """Device offset of stream position pos, from the chunk heads."""
    dev, at = 0, stream.find(DATA_STATE)
    while at >= 0:
        size = struct.unpack(">Q", stream[at + 8:at + 16])[0]
        start = at + 16
        if start <= pos < start + size:
            return dev + pos - start
        dev += size
        at = stream.find(DATA_STATE, start + size)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
