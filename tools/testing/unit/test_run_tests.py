#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The test runner itself (tools/testing/run-tests.sh), without a guest:
RUN_TESTS_FAKE_DIR puts a stand-in in place of every job's command (it gets
the real command as its arguments and logs what it was given and when it
ran), RUN_TESTS_KERNELS stands in for the installed kernels.  Checks the
kernel matrix and job selection, the lanes (jobs at once, weights, build
and install never together, no guest of a kernel starting while its
modules are rebuilt), the output (blocks whole, consecutive numbers, the
summary line), and the retry of a failure with the emulator's signature.
Prints "ok - run_tests: ..." / "not ok - ..." lines; takes a few seconds."""
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "../../.."))
RUNNER = os.path.join(TOP, "tools/testing/run-tests.sh")
FIXTURES = os.path.join(HERE, "fixtures/consoles")
K61, K612 = "6.1.0-91-amd64", "6.12.90+deb13-amd64"
SUITES = ["build", "unit", "install", "vm", "registry", "passthrough",
          "migration", "migration-v2", "fuzz", "irq", "qemu-e2e", "qemu10-e2e",
          "multi-device", "i40e", "sriov-e2e", "libvirt"]
# The second kernel's list, as the runner's default says.
SECOND = re.search(r'^SECOND_KERNEL_SUITES=\$\{SECOND_KERNEL_SUITES-"([^"]*)"\}',
                   open(RUNNER).read(), re.M).group(1).split()
GUESTS = set(SUITES) - {"build", "unit", "install"}
failed = 0

# The stand-in.  FAKE_* (space-separated job names) choose what a job does:
# INFRA fails its first attempt with a console of the emulator's signature,
# INFRA_ALWAYS every attempt, OURS fails with a clean console, SKIP prints
# a skipped test, MARKER writes the guest's job file (run-vm.sh does after
# laying out the module tree) at once, LONG runs for FAKE_LONG_SECS.
FAKE = r"""#!/bin/bash
set -u
args="$*"
name=
while [ $# -gt 0 ]; do
	[ "$1" = --name ] && name=$2
	shift
done
has() { [[ " ${!1:-} " == *" $RUN_TESTS_JOB "* ]]; }
echo "$EPOCHREALTIME start $RUN_TESTS_JOB $RUN_TESTS_ATTEMPT $KVER $args" >>"$OUT/trace"
if has FAKE_MARKER; then
	mkdir -p "$OUT/vm/$name"
	echo "$EPOCHREALTIME marker $RUN_TESTS_JOB" >>"$OUT/trace"
	touch "$OUT/vm/$name/job"
fi
steps=3
has FAKE_LONG && steps=$(awk -v s="$FAKE_LONG_SECS" -v t="$FAKE_STEP" 'BEGIN { print int(s / t) }')
for ((i = 1; i <= steps; i++)); do
	echo "ok - $RUN_TESTS_JOB step $i"
	sleep "$FAKE_STEP"
done
has FAKE_SKIP && echo "ok - $RUN_TESTS_JOB optional # SKIP not here"
echo "# phase: $RUN_TESTS_JOB done"
rc=0
if has FAKE_INFRA_ALWAYS || { has FAKE_INFRA && [ "$RUN_TESTS_ATTEMPT" = 1 ]; }; then
	cp "$FAKE_FIXTURES/watchdog-9p.console.log" "$OUT/logs/$name.console.log"
	echo "not ok - guest $name finished within 1500s"
	rc=1
elif has FAKE_OURS; then
	cp "$FAKE_FIXTURES/clean-fail.console.log" "$OUT/logs/$name.console.log"
	echo "not ok - $RUN_TESTS_JOB refcount"
	rc=1
fi
echo "$EPOCHREALTIME end $RUN_TESTS_JOB $RUN_TESTS_ATTEMPT" >>"$OUT/trace"
exit $rc
"""


def ok(name, cond, diag=""):
    global failed
    print(("ok - " if cond else "not ok - ") + "run_tests: " + name)
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:30]:
            print("# " + line)
    return cond


class Run:
    """One run of the runner with stand-in jobs, in a folder of its own."""

    def __init__(self, args, step=0.3, **env):
        self.dir = tempfile.mkdtemp(prefix="run-tests-test.")
        fake = os.path.join(self.dir, "fake")
        os.makedirs(fake)
        with open(os.path.join(fake, "job"), "w") as f:
            f.write(FAKE)
        os.chmod(os.path.join(fake, "job"), 0o755)
        for s in SUITES:
            os.symlink("job", os.path.join(fake, s))
        e = {k: v for k, v in os.environ.items()
             if k not in ("KVER", "KDIR", "LANES", "PARALLEL_SMP",
                          "SECOND_KERNEL_SUITES", "VM_TIMEOUT_SCALE")}
        e.update(OUT=os.path.join(self.dir, "out"), RUN_TESTS_FAKE_DIR=fake,
                 RUN_TESTS_KERNELS=K61 + " " + K612, LANES="2",
                 FAKE_STEP=str(step), FAKE_FIXTURES=FIXTURES)
        e.update(env)
        self.out = os.path.join(self.dir, "out")
        p = subprocess.run([RUNNER] + args, env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        self.rc, self.stdout, self.stderr = p.returncode, p.stdout, p.stderr
        self.lines = self.stdout.splitlines()
        self.starts, self.ends, self.markers = {}, {}, {}
        self.args, self.kver, self.attempts = {}, {}, {}
        trace = os.path.join(self.out, "trace")
        for line in open(trace) if os.path.exists(trace) else []:
            w = line.split()
            t, what, job = float(w[0]), w[1], w[2]
            if what == "start":
                self.starts.setdefault(job, []).append(t)
                self.attempts[job] = int(w[3])
                self.kver[job] = w[4]
                self.args[job] = w[5:]
            elif what == "end":
                self.ends.setdefault(job, []).append(t)
            else:
                self.markers[job] = t

    def spans(self):
        """(start, end, job) of every attempt."""
        return [(s, e, j) for j in self.starts
                for s, e in zip(self.starts[j], self.ends.get(j, []))]

    def tap(self):
        """(status, number, job, rest) of the TAP lines."""
        out = []
        for line in self.lines:
            m = re.match(r"^(ok|not ok) (\d+) - ([^:]+): (.*)$", line)
            if m:
                out.append((m[1], int(m[2]), m[3], m[4]))
        return out

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def overlap(a, b):
    return a[0] < b[1] and b[0] < a[1]


def max_at_once(spans, weight=lambda j: 1):
    events = sorted([(s, 1, j) for s, e, j in spans] +
                    [(e, -1, j) for s, e, j in spans])
    cur = best = 0
    for _, d, j in events:
        cur += d * weight(j)
        best = max(best, cur)
    return best


def suite_of(job):
    return job.split("@")[0]


def check_summary(r, what):
    tap = r.tap()
    nums = [t[1] for t in tap]
    ok(what + ": TAP lines numbered 1.." + str(len(nums)) + " in order",
       nums == list(range(1, len(nums) + 1)), nums)
    p = sum(1 for t in tap if t[0] == "ok" and "# SKIP" not in t[3])
    s = sum(1 for t in tap if t[0] == "ok" and "# SKIP" in t[3])
    f = sum(1 for t in tap if t[0] == "not ok")
    want = "%d passed, %d failed" % (p, f) + (", %d skipped" % s if s else "")
    ok(what + ": the last line is exactly '" + want + "'",
       r.lines and r.lines[-1] == want, r.lines[-3:])
    ok(what + ": exit status " + ("1" if f else "0"),
       r.rc == (1 if f else 0), r.rc)


def check_blocks(r, what):
    """Each job's lines are one block, closed by its "# job" line."""
    current, done, bad = None, set(), []
    for line in r.lines:
        m = re.match(r"^(?:ok|not ok) \d+ - ([^:]+): ", line)
        if m:
            job = m[1]
            if job in done or (current and current != job):
                bad.append(line)
            current = job
            continue
        m = re.match(r"^# job (\S+): \d+ passed, \d+ failed(, \d+ skipped)? in \d+s$", line)
        if m:
            if m[1] != current:
                bad.append(line)
            done.add(m[1])
            current = None
    ok(what + ": each job's lines come as one block, closed by '# job <name>: ...'",
       not bad and current is None, bad)


def full_run():
    r = Run([], step=0.15, FAKE_INFRA="qemu-e2e", FAKE_OURS="registry",
            FAKE_SKIP="i40e@6.12")
    what = "full run"
    want = SUITES + [s + "@6.12" for s in SECOND]
    ok(what + ": every suite on 6.1, the second kernel's list on 6.12, nothing else",
       sorted(r.starts) == sorted(want), sorted(r.starts))
    ok(what + ": each job runs with KVER of its kernel",
       all(r.kver[j] == (K612 if "@" in j else K61) for j in r.kver), r.kver)
    check_summary(r, what)
    check_blocks(r, what)
    spans = r.spans()
    ok(what + ": two jobs run at once", max_at_once(spans) == 2,
       max_at_once(spans))
    compiles = [x for x in spans if suite_of(x[2]) in ("build", "install")]
    ok(what + ": build and install never run at the same time",
       not any(overlap(a, b) for a in compiles for b in compiles if a is not b),
       compiles)
    # No marker from these guests: build@K waits for K's guests to end.
    bad = [(b[2], g[2]) for b in spans if suite_of(b[2]) == "build"
           for g in spans if suite_of(g[2]) in GUESTS
           and ("@" in b[2]) == ("@" in g[2]) and overlap(b, g)]
    ok(what + ": no guest of a kernel runs while its build job does", not bad, bad)
    names = {j: r.args[j][r.args[j].index("--name") + 1]
             for j in r.args if "--name" in r.args[j]}
    ok(what + ": run names unique, '-6.12' on the second kernel",
       len(set(names.values())) == len(names) and
       all(n == suite_of(j) + ("-6.12" if "@" in j else "")
           for j, n in names.items()), names)
    ok(what + ": build and install with --common on the first kernel only",
       r.args["build"][-1] == "--common" and r.args["install"][-1] == "--common"
       and "--common" not in r.args["build@6.12"] + r.args["install@6.12"],
       {j: r.args[j] for j in ("build", "install", "build@6.12", "install@6.12")})
    smp = {j: " ".join(r.args[j]).count("--smp 1") for j in names}
    ok(what + ": every guest on one vCPU, --smp given once",
       all(v == 1 for v in smp.values()), smp)
    # The retry.
    ok(what + ": a failure of the emulator's signature runs once more, ours not",
       len(r.starts["qemu-e2e"]) == 2 and len(r.starts["registry"]) == 1 and
       all(len(r.starts[j]) == 1 for j in r.starts if j != "qemu-e2e"),
       {j: len(v) for j, v in r.starts.items()})
    i = next((k for k, line in enumerate(r.lines)
              if line.startswith("# retried: qemu-e2e: the guest watchdog fired")), None)
    nxt = r.lines[i + 1] if i is not None and i + 1 < len(r.lines) else ""
    ok(what + ": '# retried: <job>: <reason>' heads the second attempt's block",
       re.match(r"^ok \d+ - qemu-e2e: qemu-e2e step 1$", nxt) is not None, r.lines[i:i + 2] if i else r.lines)
    ok(what + ": only the second attempt's lines are reported",
       not any(t[2] == "qemu-e2e" and t[0] == "not ok" for t in r.tap()))
    ok(what + ": the first attempt's console is kept",
       os.path.exists(os.path.join(r.out, "logs/qemu-e2e.attempt1.console.log")))
    ok(what + ": '# retries: 1 (qemu-e2e)' and '# classified registry: ours: ...'",
       "# retries: 1 (qemu-e2e)" in r.lines and
       any(x.startswith("# classified registry: ours: ") for x in r.lines))
    times = [x.split()[2] for x in r.lines if x.startswith("# time ")]
    start = {}
    for j, v in r.starts.items():
        start[j] = v[-1]
        if len(v) > 1:
            start[j + ".attempt1"] = v[0]
    # In the order the runner started them: a job's command may start a
    # few milliseconds after the next one's.
    ok(what + ": '# time' for every job and attempt, by start",
       sorted(times) == sorted(start) and
       all(start[b] > start[a] - 0.1 for a, b in zip(times, times[1:])),
       (times, start))
    njobs = len(SUITES) + len(SECOND)
    ok(what + ": '# wall <s>s for %d jobs in 2 lanes'" % njobs,
       any(re.match(r"^# wall \d+s for %d jobs in 2 lanes$" % njobs, x)
           for x in r.lines))
    ok(what + ": phase lines of the jobs pass through",
       "# phase: vm done" in r.lines)
    tm = dict(line.split() for line in open(os.path.join(r.out, "timings")))
    ok(what + ": $OUT/timings holds every job's time", sorted(tm) == sorted(want), tm)
    r.cleanup()


def weights_run():
    r = Run(["vm", "registry", "sriov-e2e", "unit"], PARALLEL_SMP="0",
            step=0.15)
    spans = r.spans()
    heavy = [x for x in spans if x[2] in ("vm", "registry")]
    ok("PARALLEL_SMP=0: a two-vCPU guest runs alone",
       not any(overlap(h, x) for h in heavy for x in spans if x is not h), spans)
    ok("PARALLEL_SMP=0: no --smp added to the guests",
       "--smp" not in r.args["vm"] and "--smp" not in r.args["registry"],
       r.args["vm"])
    check_summary(r, "PARALLEL_SMP=0")
    r.cleanup()
    # Longest first: sriov-e2e and unit side by side, then vm alone.
    r = Run(["vm", "unit", "sriov-e2e"], PARALLEL_SMP="0", step=0.15)
    spans = r.spans()
    ok("PARALLEL_SMP=0: one-vCPU jobs still share the machine",
       overlap(*[x for x in spans if x[2] in ("sriov-e2e", "unit")]) and
       not any(overlap(x, y) for x in spans if x[2] == "vm"
               for y in spans if y[2] != "vm"), spans)
    r.cleanup()


def serial_run():
    r = Run(["unit", "vm@6.12", "@6.12", "vm@6.12", "registry@6.1"], LANES="1",
            SECOND_KERNEL_SUITES="vm registry", step=0.1)
    order = [j for s, j in sorted((s, j) for j, v in r.starts.items() for s in v)]
    ok("LANES=1: jobs one after the other, in the order named, each once",
       order == ["unit", "vm@6.12", "registry@6.12", "registry"] and
       max_at_once(r.spans()) == 1, order)
    ok("LANES=1: no --smp added",
       "--smp" not in r.args["vm@6.12"], r.args["vm@6.12"])
    ok("LANES=1: '# wall ... in 1 lanes'",
       any(re.match(r"^# wall \d+s for 4 jobs in 1 lanes$", x) for x in r.lines))
    check_summary(r, "LANES=1")
    r.cleanup()

    r = Run(["registry@6.12"], step=0.1)
    ok("one job by name: registry@6.12 alone, KVER the 6.12 release",
       list(r.starts) == ["registry@6.12"] and r.kver["registry@6.12"] == K612 and
       "registry-6.12" in r.args["registry@6.12"], r.args)
    r.cleanup()

    r = Run(["vm"], step=0.1, RUN_TESTS_KERNELS="", KVER=K612)
    ok("KVER given: that kernel only, plain job names",
       list(r.starts) == ["vm"] and r.kver["vm"] == K612, (r.starts, r.kver))
    plain = r.args.get("vm", [])
    r.cleanup()

    r = Run(["vm"], step=0.1, VM_TIMEOUT_SCALE="4")
    scaled = r.args.get("vm", [])
    limit = (lambda a: int(a[a.index("--timeout") + 1])
             if "--timeout" in a else None)
    ok("VM_TIMEOUT_SCALE=4: the guest's time limit four times the suite's",
       limit(plain) is not None and limit(scaled) == 4 * limit(plain),
       (plain, scaled))
    r.cleanup()

    r = Run(["vm"], step=0.1, VM_TIMEOUT_SCALE="0")
    ok("VM_TIMEOUT_SCALE=0: refused (status 2), nothing run",
       r.rc == 2 and not r.starts and "VM_TIMEOUT_SCALE" in r.stderr,
       (r.rc, r.stderr))
    r.cleanup()


def marker_run():
    # build first (the longest), then a guest of its kernel: the guest
    # waits; a guest of the other kernel does not.
    r = Run(["build", "vm", "vm@6.12"], step=0.15)
    s = {x[2]: x for x in r.spans()}
    ok("no guest of a kernel starts while its build job runs, one of another kernel does",
       len(s) == 3 and not overlap(s["build"], s["vm"]) and
       overlap(s["build"], s["vm@6.12"]), s)
    r.cleanup()

    # build waits for the guest of its kernel to lay out its module tree
    # (here at once), then runs beside it.
    r = Run(["sriov-e2e", "build"], FAKE_MARKER="sriov-e2e",
            FAKE_LONG="sriov-e2e", FAKE_LONG_SECS="2.4")
    s = r.spans()
    b = [x for x in s if x[2] == "build"]
    g = [x for x in s if x[2] == "sriov-e2e"]
    ok("build@K starts beside a guest of K once that guest has its module tree",
       b and g and overlap(b[0], g[0]) and b[0][0] > r.markers.get("sriov-e2e", 1e20),
       (s, r.markers))
    r.cleanup()


def retry_twice_run():
    r = Run(["i40e"], step=0.1, FAKE_INFRA_ALWAYS="i40e")
    ok("a job retried fails again: run twice, not three times, its failure reported",
       len(r.starts["i40e"]) == 2 and
       sum(1 for t in r.tap() if t[0] == "not ok") == 1 and
       any(x.startswith("# classified i40e: infra: ") for x in r.lines) and
       r.rc == 1, r.lines)
    check_summary(r, "retried twice")
    r.cleanup()


def errors():
    for args, why in ((["unit@6.12"], "unit on the second kernel"),
                      (["nosuch"], "an unknown suite"),
                      (["registry@7.0"], "a series without a kernel"),
                      (["@7.0"], "@ a series without a kernel")):
        r = Run(args, step=0.1)
        ok("refuses " + why + " (exit 2, nothing run)",
           r.rc == 2 and not r.starts and r.stderr, (r.rc, r.stderr))
        r.cleanup()


def main():
    full_run()
    weights_run()
    serial_run()
    marker_run()
    retry_twice_run()
    errors()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
