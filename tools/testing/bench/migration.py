#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Summarise the raw lines of the migration benchmark (bench.sh, section
migration) into "bench: <name> <value> <unit>" lines.

Input lines: run <label> <status> <total-ms> <downtime-ms> <bytes> <dmas> <ok>,
tracking v2 <device|iommu>, part <label> <yes|no> and driver <label>
<set-p2p-ms> <save-ms> (edu_migration's time in set_p2p, both ends added
up, and in save; "-" where it did not run), and stop-to-start <label> <ms>
(stop_to_start.py).

Labels: precise, all-dirty, all-dirty-notrack (QEMU 7.2), v2 (QEMU 10.0,
with the pre-copy part where the kernel has PRE_COPY), v2-nopart (the part
turned off), v2-nodev (the same VM without any device: the baseline).
"""
import statistics
import sys

import stop_to_start


def median(values):
    return statistics.median(values) if values else None


def main():
    runs = {}
    tracking = []
    parts = {}
    driver = {}
    outage = {}
    for line in open(sys.argv[1]):
        f = line.split()
        if stop_to_start.collect(f, outage):
            continue
        if f[0] == "tracking":
            tracking.append(f[2])
            continue
        if f[0] == "part":
            parts.setdefault(f[1], []).append(f[2] == "yes")
            continue
        if f[0] == "driver":
            for i, what in ((2, "set-p2p"), (3, "save")):
                if i < len(f) and f[i] != "-":
                    driver.setdefault((f[1], what), []).append(float(f[i]))
            continue
        label, status, total, down, size = f[1], f[2], f[3], f[4], f[5]
        runs.setdefault(label, []).append((status, total, down, size))

    def figures(label):
        done = [r for r in runs.get(label, []) if r[0] == "completed"]
        total = median([float(r[1]) for r in done if r[1] != "-"])
        down = median([float(r[2]) for r in done if r[2] != "-"])
        size = median([float(r[3]) for r in done if r[3] != "-"])
        return len(done), len(runs.get(label, [])), total, down, size

    failed = 0
    for label, suffix in (("precise", ""), ("all-dirty", "-all-dirty"),
                          ("all-dirty-notrack", "-all-dirty-notrack"),
                          ("v2", ""), ("v2-nopart", "-no-precopy"),
                          ("v2-nodev", "-no-device")):
        ok, n, total, down, size = figures(label)
        prefix = "v2-" if label.startswith("v2") else ""
        if not n:
            continue
        print("# migration: %s: %d of %d runs completed (%s)" %
              (label, ok, n, ", ".join(r[0] for r in runs[label])))
        if not ok:
            print("bench: %smigration-downtime-ms%s none (did not converge)"
                  % (prefix, suffix))
            if label in ("precise", "v2", "v2-nopart", "v2-nodev"):
                failed = 1
            continue
        print("# migration: %s: downtime per run %s ms" % (label, ", ".join(
            r[2] for r in runs[label] if r[0] == "completed")))
        print("bench: %smigration-downtime-ms%s %.0f ms" % (prefix, suffix, down))
        print("bench: %smigration-total-s%s %.1f s" % (prefix, suffix, total / 1000))
        if label in ("precise", "v2") and size is not None:
            print("bench: %sdevice-state-bytes %.0f bytes" % (prefix, size))
    p = figures("precise")
    a = figures("all-dirty")
    if p[0] and a[0]:
        print("bench: downtime-precise-vs-all-dirty %.2f" % (p[3] / a[3]))
    elif p[0]:
        print("bench: downtime-precise-vs-all-dirty 0 (all-dirty never converged)")
    n = figures("all-dirty-notrack")
    if p[0] and n[0]:
        print("bench: downtime-precise-vs-all-dirty-notrack %.3f" % (p[3] / n[3]))
    if tracking:
        print("bench: v2-dirty-tracking %s" % statistics.mode(tracking))
    failed |= precopy_and_share(figures, parts)
    stop_to_start.summarise(outage, "", "migration")
    for label in ("v2", "v2-nopart"):
        for what in ("set-p2p", "save"):
            vals = driver.get((label, what))
            if vals:
                suffix = "-no-precopy" if label == "v2-nopart" else ""
                print("# migration: %s: driver %s %s ms" %
                      (label, what, ", ".join("%.2f" % v for v in vals)))
                print("bench: v2-driver-%s-ms%s %.2f ms" %
                      (what, suffix, statistics.median(vals)))
    return failed


def precopy_and_share(figures, parts):
    """The pre-copy ratio and the device's share of downtime, from the v2
    modes; non-zero if a mode did not do what its name says."""
    failed = 0
    for label in ("v2", "v2-nopart"):
        if label in parts:
            print("# migration: %s: the destination loaded a pre-copy part "
                  "in %d of %d runs" % (label, sum(parts[label]),
                                        len(parts[label])))
    if any(parts.get("v2-nopart", [])):
        print("# migration: a run with the part turned off had one")
        failed = 1
    v2, nopart, nodev = figures("v2"), figures("v2-nopart"), figures("v2-nodev")
    if v2[0] and nopart[0]:
        if not all(parts.get("v2", [])):
            print("# migration: a v2 run had no pre-copy part")
            failed = 1
        print("bench: downtime-precopy-ratio %.2f" % (v2[3] / nopart[3]))
    if v2[0] and nodev[0]:
        share = v2[3] - nodev[3]
        print("# migration: downtime %.0f ms with the device, %.0f ms "
              "without any (medians)" % (v2[3], nodev[3]))
        print("bench: downtime-device-share-ms %.0f ms" % share)
    return failed


if __name__ == "__main__":
    sys.exit(main())
