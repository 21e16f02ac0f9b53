#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The benchmark summaries (bench/migration.py, bench/sriov.py) and paired
ratios (bench/ratio.py) on raw lines made here: the figures are the medians,
differences and ratios they claim, and a run whose pre-copy part is not
where its mode says fails the section.
Prints "ok - ..." / "not ok - ..." lines."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "../bench")
failed = 0


def check(ok, name):
    global failed
    print(("ok - " if ok else "not ok - ") + "bench_summary: " + name)
    failed |= not ok


def summary(script, lines):
    """Runs a summary on raw lines: (exit status, {figure: value})."""
    with tempfile.NamedTemporaryFile("w", suffix=".raw", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        p = subprocess.run([sys.executable, os.path.join(BENCH, script), f.name],
                           capture_output=True, text=True, check=False)
    finally:
        os.unlink(f.name)
    figures = {}
    for line in p.stdout.splitlines():
        w = line.split()
        if w[:1] == ["bench:"] and len(w) >= 3:
            figures[w[1]] = w[2]
    return p.returncode, figures


def migration_runs(part_in_nopart="no"):
    lines = []
    for down, nopart, nodev in ((200, 150, 100), (300, 170, 90), (280, 400, 120)):
        lines += ["run v2 completed 6000 %d 4760 150 1" % down, "part v2 yes",
                  "tracking v2 iommu",
                  "run v2-nopart completed 6000 %d 4760 150 1" % nopart,
                  "part v2-nopart %s" % part_in_nopart,
                  "driver v2 %d 0.3" % (down // 4),
                  "run v2-nodev completed 4000 %d - 90 1" % nodev,
                  "part v2-nodev no", "stop-to-start v2 %d.5" % (down + 20),
                  "stop-to-start v2-nopart %d.5" % (nopart + 40),
                  "stop-to-start v2-nodev -"]
    return lines


rc, fig = summary("migration.py", migration_runs())
got = [fig.get("v2-migration-downtime-ms" + s, "none")
       for s in ("", "-no-precopy", "-no-device")]
check(rc == 0 and got == ["280", "170", "100"],
      "migration: medians of each v2 mode (%s ms)" % ", ".join(got))
check(fig.get("downtime-precopy-ratio") == "1.65",
      "migration: pre-copy ratio is the ratio of the medians (%s)" %
      fig.get("downtime-precopy-ratio"))
check(fig.get("downtime-device-share-ms") == "180",
      "migration: device share is the difference of the medians (%s)" %
      fig.get("downtime-device-share-ms"))
check(fig.get("v2-driver-set-p2p-ms") == "70.00" and
      fig.get("v2-driver-save-ms") == "0.30",
      "migration: the driver's set_p2p and save medians (%s, %s)" %
      (fig.get("v2-driver-set-p2p-ms"), fig.get("v2-driver-save-ms")))
check(fig.get("stop-to-start-ms") == "300" and
      fig.get("stop-to-start-ms-no-precopy") == "210" and
      fig.get("stop-to-start-precopy-ratio") == "1.43" and
      "stop-to-start-ms-no-device" not in fig and
      "stop-to-start-device-share-ms" not in fig,
      "migration: stop-to-start medians and ratio, no share without a traced baseline")
rc, fig = summary("migration.py", migration_runs("yes"))
check(rc != 0, "migration: a part in a run with parts off fails the section")
rc, fig = summary("migration.py", [l for l in migration_runs()
                                   if not l.startswith("run v2-nodev")])
check(rc != 0 or "downtime-device-share-ms" not in fig,
      "migration: no device share without the baseline runs")

sriov = []
for down, nopart, nodev, rst, rst0, drv, drv0, out, out0, outn in (
        (200, 300, 150, 50, 70, 5.0, 20.0, 250, 380, "190.0"),
        (260, 280, 170, 60, 65, 6.0, 22.0, 310, 350, "-"),
        (230, 500, 160, 55, 90, 7.0, 18.0, 280, 600, "210.0")):
    sriov += ["run v2 completed 5000 %d 3000 1" % down, "part v2 yes %d" % rst,
              "driver v2 %.1f 11.0 0.5" % drv, "stop-to-start v2 %d.0" % out,
              "run v2-nopart completed 5000 %d 3000 1" % nopart,
              "part v2-nopart no %d" % rst0, "driver v2-nopart %.1f -" % drv0,
              "stop-to-start v2-nopart %d.0" % out0,
              "run v2-reset completed 5000 %d %d 1" % (down, down + 2000 + rst),
              "part v2-reset yes %d" % rst, "driver v2-reset 1.0 11.0 0.5",
              "run v2-nodev completed 4000 %d - 1" % nodev,
              "part v2-nodev no -", "driver v2-nodev - -",
              "stop-to-start v2-nodev %s" % outn]
# The emulated NIC's runs: gap over downtime 1000, 830, 1100.
emul = ["run v2-emul completed 4000 %d %d 1" % dg
        for dg in ((150, 1150), (170, 1000), (160, 1260))]
rc, fig = summary("sriov.py", sriov)
check(rc == 0 and "sriov-packet-gap-vf-share-ms" not in fig,
      "sriov: no VF share of the gap without the emulated NIC's runs")
sriov += emul
rc, fig = summary("sriov.py", sriov)
check(fig.get("sriov-v2-packet-gap-over-downtime-ms-emulated-nic") == "1000" and
      fig.get("sriov-packet-gap-vf-share-ms") == "1770",
      "sriov: the emulated NIC's gap over downtime 1000 and the VF's share 2770-1000 (%s, %s)" %
      (fig.get("sriov-v2-packet-gap-over-downtime-ms-emulated-nic"),
       fig.get("sriov-packet-gap-vf-share-ms")))
check(rc == 0 and fig.get("sriov-downtime-precopy-ratio") == "0.77",
      "sriov: pre-copy ratio of the medians 230/300 (%s)" %
      fig.get("sriov-downtime-precopy-ratio"))
check(fig.get("sriov-downtime-device-share-ms") == "70",
      "sriov: device share 230-160 (%s)" % fig.get("sriov-downtime-device-share-ms"))
check(fig.get("sriov-dst-restore-ms") == "55.0" and
      fig.get("sriov-dst-restore-ms-no-precopy") == "70.0",
      "sriov: destination switch-over medians (%s, %s)" %
      (fig.get("sriov-dst-restore-ms"), fig.get("sriov-dst-restore-ms-no-precopy")))
check(fig.get("sriov-driver-restore-ms") == "6.00" and
      fig.get("sriov-driver-restore-ms-no-precopy") == "20.00" and
      fig.get("sriov-driver-restore-precopy-ratio") == "0.30" and
      fig.get("sriov-driver-prepare-ms") == "11.00" and
      "sriov-driver-prepare-ms-no-precopy" not in fig and
      fig.get("sriov-driver-stop-save-ms") == "0.50",
      "sriov: the driver's restore, prepare and stop-save medians, no prepare without a part")
check(fig.get("sriov-stop-to-start-ms") == "280" and
      fig.get("sriov-stop-to-start-ms-no-precopy") == "380" and
      fig.get("sriov-stop-to-start-ms-no-device") == "200" and
      fig.get("sriov-stop-to-start-precopy-ratio") == "0.74" and
      fig.get("sriov-stop-to-start-device-share-ms") == "80",
      "sriov: stop-to-start medians 280/380/200 (an untraced run left out), ratio and share")
check(fig.get("sriov-v2-packet-gap-ms") == "3000" and
      fig.get("sriov-v2-packet-gap-over-downtime-ms") == "2770" and
      fig.get("sriov-v2-packet-gap-ms-guest-reset") == "2285" and
      fig.get("sriov-v2-packet-gap-over-downtime-ms-guest-reset") == "2055",
      "sriov: packet gap and its excess over the downtime, resumed and guest reset (%s, %s)" %
      (fig.get("sriov-v2-packet-gap-over-downtime-ms"),
       fig.get("sriov-v2-packet-gap-over-downtime-ms-guest-reset")))
rc, fig = summary("sriov.py", [l for l in sriov if not l.startswith("stop-to-start")])
check(rc == 0 and not any(k.startswith("sriov-stop-to-start") for k in fig),
      "sriov: no stop-to-start figure from runs that were not traced")
rc, fig = summary("sriov.py", [l.replace("part v2 yes", "part v2 no") for l in sriov])
check(rc != 0, "sriov: a run with parts on but no part fails the section")
rc, fig = summary("sriov.py", [l.replace("v2-nopart completed", "v2-nopart failed")
                               for l in sriov])
check(rc != 0, "sriov: a mode with no completed run fails the section")


def ratios(lines, *specs):
    """ratio.py on raw lines: (exit status, {name: [ratio, lo, hi, pairs]})."""
    with tempfile.NamedTemporaryFile("w", suffix=".raw", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        p = subprocess.run([sys.executable, os.path.join(BENCH, "ratio.py"),
                            f.name, "--"] + list(specs),
                           capture_output=True, text=True, check=False)
    finally:
        os.unlink(f.name)
    return p.returncode, {w[0]: w[1:] for w in
                          (l.split() for l in p.stdout.splitlines())
                          if w and w[0] != "boot"}


# The datapath section's rounds: <rtt med> <p99> <tx> <rx> <lost>; cycle 1
# has no "ours" round (failed), so it pairs nothing.
datapath = [
    "1 0 stock 2000 4000 1000 8000 0",
    "1 0 ours 3000 6000 700 6000 0",
    "1 1 stock 1000 2000 900 9000 0",
    "1 1 all-dirty 1500 3000 1000 9000 1",
    "1 2 ours 2000 5000 800 7000 0",
    "1 2 stock 2000 3000 1100 9000 0",
]
rc, fig = ratios(datapath, "rtt:0:ours:stock", "tx:2:ours:stock",
                 "rx:3:all-dirty:stock")
check(rc == 0 and fig.get("rtt", [None])[0] == "1.2500" and
      fig["rtt"][3] == "2" and fig.get("tx", [None])[0] == "0.7143",
      "ratio: sums of paired rounds only, ours / stock (rtt %s, tx %s)" %
      (fig.get("rtt"), fig.get("tx")))
check(fig.get("rx", [None])[0] == "1.0000" and fig["rx"][3] == "1",
      "ratio: one pair gives its own ratio (%s)" % fig.get("rx"))
lo, hi = float(fig["rtt"][1]), float(fig["rtt"][2])
check(lo <= 1.25 <= hi and lo >= 1.0 and hi <= 1.5,
      "ratio: the interval holds the ratio within the pairs' range (%s-%s)" % (lo, hi))
# A transfer that stalled ("-") leaves its pair out of that column only.
stalled = [l.replace("1 2 ours 2000 5000 800", "1 2 ours 2000 5000 -")
           for l in datapath]
rc, fig = ratios(stalled, "rtt:0:ours:stock", "tx:2:ours:stock")
check(rc == 0 and fig.get("rtt", [None])[0] == "1.2500" and
      fig["rtt"][3] == "2" and fig.get("tx", [None])[0] == "0.7000" and
      fig["tx"][3] == "1",
      "ratio: a stalled transfer's pair is left out of its column only "
      "(rtt %s, tx %s)" % (fig.get("rtt"), fig.get("tx")))
rc, fig = ratios([l.replace(" 1000 8000", " - 8000") for l in stalled],
                 "tx:2:ours:stock")
check(rc != 0 and fig.get("tx", [None])[0] == "nan",
      "ratio: a column with no pair left gives nan and fails (%s)" % fig.get("tx"))
rc, fig = ratios(datapath, "none:0:stock2:stock")
check(rc != 0 and fig.get("none", [None])[0] == "nan",
      "ratio: a label that never ran gives nan and fails")

sys.exit(1 if failed else 0)
