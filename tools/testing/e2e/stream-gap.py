#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The packet stream of an L2 guest across a migration, from its serial
# console logs (lines stamped with L1's time by l2.sh's L2_SERIAL_TS):
# the echo replies busybox ping printed ("<time> 64 bytes from A: seq=N
# ..."), on the source and then on the destination.
#
# usage: stream-gap.py <src-serial.log> <dst-serial.log>
# prints one line of key=value figures:
#   src, dst        replies printed by each side
#   gap_ms          longest time between two consecutive replies across
#                   the migration: from the last source reply through the
#                   destination's first AFTER_S seconds (L1 time, so it
#                   includes the migration's downtime)
#   gap_seq         the sequence numbers around that gap, "a-b"
#   any_gap_ms      longest time between two consecutive replies anywhere
#                   in the stream (a loaded test machine delays some)
#   lost            echo requests without a reply across the whole stream
#   rtt_us          mean round trip the guest measured before migrating
#   dst_first_s     seconds from the last source reply to the first
#                   destination reply
# Exits 1 when either side printed no reply.
import re
import sys

# The destination's first seconds, where the guest's driver recovers.
AFTER_S = 10.0
REPLY = re.compile(r'^(\d+\.\d+) \d+ bytes from [0-9.]+: seq=(\d+) ttl=\d+ time=([0-9.]+) ms')


def replies(path):
    out = []
    with open(path, errors='replace') as f:
        for line in f:
            m = REPLY.match(line)
            if m:
                out.append((float(m.group(1)), int(m.group(2)),
                            float(m.group(3))))
    return out


def main():
    src = replies(sys.argv[1])
    dst = replies(sys.argv[2])
    # A line the source began before it stopped may reach its log only
    # when its QEMU quits: its time is not the reply's.
    if dst:
        src = [r for r in src if r[0] <= dst[0][0]]
    stream = src + dst
    fig = {'src': len(src), 'dst': len(dst)}
    if src and dst:
        window = [src[-1]] + [r for r in dst if r[0] - dst[0][0] <= AFTER_S]
        gap, at = max((window[i + 1][0] - window[i][0], i)
                      for i in range(len(window) - 1))
        fig['gap_ms'] = '%.0f' % (gap * 1000)
        fig['gap_seq'] = '%d-%d' % (window[at][1], window[at + 1][1])
    if len(stream) >= 2:
        fig['any_gap_ms'] = '%.0f' % (1000 * max(
            stream[i + 1][0] - stream[i][0] for i in range(len(stream) - 1)))
        seqs = sorted(set(s for _, s, _ in stream))
        fig['lost'] = seqs[-1] - seqs[0] + 1 - len(seqs)
    if src:
        fig['rtt_us'] = '%.0f' % (1000 * sum(r for _, _, r in src) / len(src))
    if src and dst:
        fig['dst_first_s'] = '%.2f' % (dst[0][0] - src[-1][0])
    print(' '.join('%s=%s' % kv for kv in fig.items()))
    return 0 if src and dst else 1


if __name__ == '__main__':
    sys.exit(main())
