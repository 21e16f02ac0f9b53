#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Summarise the raw lines of the SR-IOV migration benchmark (bench.sh,
section sriov) into "bench: <name> <value> <unit>" lines.

Input lines: run <label> <status> <total-ms> <downtime-ms> <gap-ms> <ok>
and part <label> yes|no [<restore-ms>] (the destination loaded a pre-copy
part; milliseconds from its "device state loaded" to "restored:", the
switch-over work on the destination VF, which QEMU's downtime does not
include: QEMU times the downtime on the source), and driver <label>
<restore-ms> <prepare-ms> [<stop-save-ms>] (igb_vfm_restore(), the
driver's own share of that work; igb_vfm_prepare(), done before the
switch-over; the source driver's stop and save, inside QEMU's downtime;
"-" where none ran), and stop-to-start <label> <ms> (from the source VM's
stop to the destination VM's start, QEMU's own checkpoints on one clock:
the outage the guest has, destination work included; "-" if not traced).

Labels: precise, all-dirty (QEMU 7.2); v2 (QEMU 10.0, with the pre-copy
part), v2-nopart (the part turned off), v2-reset (the destination tells
the guest's driver of a reset instead of resuming its VF, guest_reset=1),
v2-nodev (the same VM without any device: the baseline), v2-emul (the
same VM and stream on an emulated NIC instead of the VF).

The longest gap in the guest's ping stream is what the guest feels; its
excess over QEMU's downtime (median of per-run differences) is what the
device's way back costs on top of the migration itself.  v2-emul's
excess is what a guest feels with no VF at all (the emulator's and the
guest's share); the VF's own share is the difference of the two.
"""
import statistics
import sys

import stop_to_start

# label, figure suffix, a run must complete for the section to pass
MODES = (("precise", "", True), ("all-dirty", "-all-dirty", False),
         ("v2", "", True), ("v2-nopart", "-no-precopy", True),
         ("v2-reset", "-guest-reset", True), ("v2-nodev", "-no-device", True),
         ("v2-emul", "-emulated-nic", True))


def figures(runs, label):
    """Completed runs of a label, and the medians of their figures."""
    done = [r for r in runs.get(label, []) if r[0] == "completed"]

    def med(i):
        vals = [float(r[i]) for r in done if r[i] != "-"]
        return statistics.median(vals) if vals else None
    return done, med(1), med(2), med(3)


def gap_over_downtime(done):
    """Median of the completed runs' gap minus downtime, or None."""
    over = [float(r[3]) - float(r[2]) for r in done
            if r[3] != "-" and r[2] != "-"]
    return statistics.median(over) if over else None


def main():
    runs = {}
    parts = {}
    restore = {}
    driver = {}
    outage = {}
    for line in open(sys.argv[1]):
        f = line.split()
        if len(f) == 7 and f[0] == "run":
            runs.setdefault(f[1], []).append(f[2:6])
        elif len(f) in (3, 4) and f[0] == "part":
            parts.setdefault(f[1], []).append(f[2] == "yes")
            if len(f) == 4 and f[3] != "-":
                restore.setdefault(f[1], []).append(float(f[3]))
        elif stop_to_start.collect(f, outage):
            pass
        elif len(f) in (4, 5) and f[0] == "driver":
            for i, what in ((2, "restore"), (3, "prepare"), (4, "stop-save")):
                if i < len(f) and f[i] != "-":
                    driver.setdefault((f[1], what), []).append(float(f[i]))

    failed = 0
    for label, suffix, needed in MODES:
        if label not in runs:
            continue
        every = runs[label]
        done, total, down, gap = figures(runs, label)
        prefix = "sriov-v2-" if label.startswith("v2") else "sriov-"
        print("# sriov: %s: %d of %d runs completed (%s)" %
              (label, len(done), len(every), ", ".join(r[0] for r in every)))
        if not done or down is None:
            print("bench: %smigration-downtime-ms%s none (did not complete)"
                  % (prefix, suffix))
            failed |= needed
            continue
        print("# sriov: %s: downtime per run %s ms" %
              (label, ", ".join(r[2] for r in done)))
        print("bench: %smigration-downtime-ms%s %.0f ms" % (prefix, suffix, down))
        print("bench: %smigration-total-s%s %.1f s" % (prefix, suffix, total / 1000))
        if gap is not None:
            print("bench: %spacket-gap-ms%s %.0f ms" % (prefix, suffix, gap))
            over = gap_over_downtime(done)
            if over is not None:
                print("bench: %spacket-gap-over-downtime-ms%s %.0f ms" %
                      (prefix, suffix, over))
    p = figures(runs, "precise")
    a = figures(runs, "all-dirty")
    if p[0] and a[0] and p[2] and a[2]:
        print("bench: sriov-downtime-precise-vs-all-dirty %.2f" % (p[2] / a[2]))
    elif p[0] and "all-dirty" in runs:
        print("bench: sriov-downtime-precise-vs-all-dirty 0 (all-dirty never completed)")

    for label in ("v2", "v2-nopart"):
        if label in parts:
            print("# sriov: %s: the destination loaded a pre-copy part in %d of %d runs"
                  % (label, sum(parts[label]), len(parts[label])))
    v2, nopart, nodev = (figures(runs, m) for m in ("v2", "v2-nopart", "v2-nodev"))
    if v2[0] and nopart[0]:
        # Comparing the part with no part needs both to be what they say.
        if not all(parts.get("v2", [])) or any(parts.get("v2-nopart", [])):
            print("# sriov: the pre-copy part was not where the mode says")
            failed = 1
        print("bench: sriov-downtime-precopy-ratio %.2f" % (v2[2] / nopart[2]))
    for label, suffix in (("v2", ""), ("v2-nopart", "-no-precopy")):
        if restore.get(label):
            print("# sriov: %s: destination switch-over work %s ms" %
                  (label, ", ".join("%.1f" % r for r in restore[label])))
            print("bench: sriov-dst-restore-ms%s %.1f ms" %
                  (suffix, statistics.median(restore[label])))
    for label, suffix in (("v2", ""), ("v2-nopart", "-no-precopy")):
        for what in ("restore", "prepare", "stop-save"):
            vals = driver.get((label, what))
            if vals:
                print("# sriov: %s: driver %s %s ms" %
                      (label, what, ", ".join("%.2f" % v for v in vals)))
                print("bench: sriov-driver-%s-ms%s %.2f ms" %
                      (what, suffix, statistics.median(vals)))
    a, b = driver.get(("v2", "restore")), driver.get(("v2-nopart", "restore"))
    if a and b:
        print("bench: sriov-driver-restore-precopy-ratio %.2f" %
              (statistics.median(a) / statistics.median(b)))
    if restore.get("v2") and restore.get("v2-nopart"):
        print("bench: sriov-dst-restore-precopy-ratio %.2f" %
              (statistics.median(restore["v2"]) /
               statistics.median(restore["v2-nopart"])))
    if v2[0] and nodev[0]:
        print("# sriov: downtime %.0f ms with the VF, %.0f ms without any device (medians)"
              % (v2[2], nodev[2]))
        print("bench: sriov-downtime-device-share-ms %.0f ms" % (v2[2] - nodev[2]))
    emul = figures(runs, "v2-emul")
    vf_over, emul_over = gap_over_downtime(v2[0]), gap_over_downtime(emul[0])
    if vf_over is not None and emul_over is not None:
        # What the VF's way back adds to the gap a guest has anyway.
        print("# sriov: gap over downtime %.0f ms with the VF, %.0f ms on an emulated NIC (medians)"
              % (vf_over, emul_over))
        print("bench: sriov-packet-gap-vf-share-ms %.0f ms" % (vf_over - emul_over))
    stop_to_start.summarise(outage, "sriov-", "sriov")
    return failed


if __name__ == "__main__":
    sys.exit(main())
