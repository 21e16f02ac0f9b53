# SPDX-License-Identifier: GPL-2.0-only
"""The outage a migrated guest has, from QEMU's own downtime checkpoints:
raw lines "stop-to-start <label> <ms>" (from the source VM's stop to the
destination VM's start, both QEMUs on one clock; "-" if not traced), shared
by the migration and sriov summaries.
"""
import statistics


def collect(fields, outage):
    """Take one raw line's fields if they are a stop-to-start line."""
    if len(fields) != 3 or fields[0] != "stop-to-start":
        return False
    if fields[2] != "-":
        outage.setdefault(fields[1], []).append(float(fields[2]))
    return True


def summarise(outage, prefix, section):
    """Medians per v2 mode, the pre-copy ratio and the device's share."""
    med = {}
    for label, suffix in (("v2", ""), ("v2-nopart", "-no-precopy"),
                          ("v2-nodev", "-no-device")):
        if outage.get(label):
            med[label] = statistics.median(outage[label])
            print("# %s: %s: source stop to destination start %s ms" %
                  (section, label,
                   ", ".join("%.1f" % v for v in outage[label])))
            print("bench: %sstop-to-start-ms%s %.0f ms" %
                  (prefix, suffix, med[label]))
    if "v2" in med and "v2-nopart" in med:
        print("bench: %sstop-to-start-precopy-ratio %.2f" %
              (prefix, med["v2"] / med["v2-nopart"]))
    if "v2" in med and "v2-nodev" in med:
        print("bench: %sstop-to-start-device-share-ms %.0f ms" %
              (prefix, med["v2"] - med["v2-nodev"]))
