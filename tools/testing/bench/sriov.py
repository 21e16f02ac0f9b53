#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Summarise the raw lines of the SR-IOV migration benchmark (bench.sh,
section sriov) into "bench: <name> <value> <unit>" lines.

Input lines: run <label> <status> <total-ms> <downtime-ms> <gap-ms> <ok>
"""
import statistics
import sys


def figures(runs, label):
    """Completed runs of a label, and the medians of their figures."""
    done = [r for r in runs.get(label, []) if r[0] == "completed"]

    def med(i):
        vals = [float(r[i]) for r in done if r[i] != "-"]
        return statistics.median(vals) if vals else None
    return done, med(1), med(2), med(3)


def main():
    runs = {}
    for line in open(sys.argv[1]):
        f = line.split()
        if len(f) == 7 and f[0] == "run":
            runs.setdefault(f[1], []).append(f[2:6])

    failed = 0
    for label, suffix in (("precise", ""), ("all-dirty", "-all-dirty")):
        every = runs.get(label, [])
        done, total, down, gap = figures(runs, label)
        print("# sriov: %s: %d of %d runs completed (%s)" %
              (label, len(done), len(every), ", ".join(r[0] for r in every)))
        if not done or down is None:
            print("bench: sriov-migration-downtime-ms%s none (did not complete)"
                  % suffix)
            failed |= label == "precise"
            continue
        print("bench: sriov-migration-downtime-ms%s %.0f ms" % (suffix, down))
        print("bench: sriov-migration-total-s%s %.1f s" % (suffix, total / 1000))
        if gap is not None:
            print("bench: sriov-packet-gap-ms%s %.0f ms" % (suffix, gap))
    p = figures(runs, "precise")
    a = figures(runs, "all-dirty")
    if p[0] and a[0] and p[2] and a[2]:
        print("bench: sriov-downtime-precise-vs-all-dirty %.2f" % (p[2] / a[2]))
    elif p[0]:
        print("bench: sriov-downtime-precise-vs-all-dirty 0 (all-dirty never completed)")
    return failed


if __name__ == "__main__":
    sys.exit(main())
