#!/usr/bin/env python3
"""The detection matrix: every seeded fault x every detector, 5 seeds each.

Detectors (columns):
  harness   the scenario's expectations + minissl's own checks (double free,
            use after free, saturation diagnoses), VARIANT=faults build
  tsan      ThreadSanitizer, VARIANT=tsan-faults build
  asan      AddressSanitizer + UBSan, VARIANT=asan-faults build, with
            MINISSL_QUARANTINE=0 so that ASan (not minissl) sees freed memory
  helgrind  valgrind --tool=helgrind on the faults build
  drd       valgrind --tool=drd on the faults build

A cell counts a seed as detected only when that detector itself reported
(harness: the run failed; the others: their own report in the output, not
merely a failed expectation).  Every fault's scenario is also run once per
detector with the fault off (control): a control that fails is a false
positive and is printed in the document.

Usage: scripts/matrix.py [--out doc/detection-matrix.md] [--seeds 5]
                         [--faults a,b] [--detectors harness,tsan]
Environment: MATRIX_BUILD (build-dir prefix, default build/), MAKE.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PREFIX = os.environ.get("MATRIX_BUILD", "build/")


def detector_env(mode):
    """The detectors' options of MODE (scripts/detector-env.sh)."""
    out = subprocess.run([os.path.join(ROOT, "scripts", "detector-env.sh"),
                          "--plain", mode], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines())


# Mode first: a cell asks whether (and how soon) the detector reports, so
# the first report ends the run.  Valgrind's options go on the command
# line, where the document's commands show them.
FIRST = detector_env("first")
VG = ["valgrind"] + shlex.split(FIRST["VALGRIND_OPTS"])
TSAN_OPT = FIRST["TSAN_OPTIONS"]
FREE_CAP = ["--iterations", "20000", "--duration", "3s"]
# Valgrind runs one thread at a time: a run's fixed cost (~0.7 s) dwarfs
# an iteration's (~2 ms), and 40 iterations left the interleaving-dependent
# cells at 1/5..4/5.  200 costs ~0.3 s more per undetected run.
VG_CAP = ["--iterations", "200"]
# A cell whose first seeds disagree (some detected, some not) runs as many
# seeds again, so that its rate is measured on twice the runs; it is
# reported as "sometimes k/n" and never counts towards the bar.
EXTRA_SEEDS_FACTOR = 1

DETECTORS = {
    "harness": dict(variant="faults", wrap=[], env={},
                    args=["-f", "1"] + FREE_CAP, sig=None, timeout=30),
    "tsan": dict(variant="tsan-faults", wrap=[],
                 env={"TSAN_OPTIONS": TSAN_OPT, "MINISSL_SEAL": "0"},
                 args=["-f", "0"] + FREE_CAP,
                 sig=r"WARNING: ThreadSanitizer|ThreadSanitizer: ",
                 timeout=60),
    "asan": dict(variant="asan-faults", wrap=[],
                 env={"ASAN_OPTIONS": FIRST["ASAN_OPTIONS"],
                      "UBSAN_OPTIONS": FIRST["UBSAN_OPTIONS"],
                      "MINISSL_QUARANTINE": "0", "MINISSL_SEAL": "0"},
                 args=["-f", "0"] + FREE_CAP,
                 sig=r"ERROR: AddressSanitizer|runtime error:", timeout=60),
    "helgrind": dict(variant="faults", wrap=VG + ["--tool=helgrind"],
                     env={"MINISSL_SEAL": "0"},
                     args=["-f", "0"] + VG_CAP,
                     sig=r"==\d+== (Possible data race|Thread #\d+ |"
                         r"Lock at|.*lock order|.*unlocked|.*pthread)",
                     timeout=120),
    "drd": dict(variant="faults", wrap=VG + ["--tool=drd"],
                env={"MINISSL_SEAL": "0"},
                args=["-f", "0"] + VG_CAP,
                sig=r"==\d+== (Conflicting (load|store)|.*[Mm]utex|"
                    r".*[Rr]ace)", timeout=120),
}
ORDER = ["harness", "tsan", "asan", "helgrind", "drd"]


def build_dir(variant):
    return PREFIX + ("h6-" if False else "") + variant


def build(variant, log):
    cmd = [os.environ.get("MAKE", "make"), "--no-print-directory", "-j2",
           "VARIANT=" + variant, "BUILDDIR=" + build_dir(variant),
           build_dir(variant) + "/sslstress"]
    log.write("$ %s\n" % " ".join(cmd))
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    log.write(r.stdout)
    if r.returncode != 0:
        sys.exit("matrix: build of %s failed (see the log)" % variant)


def catalogue(variant):
    """The seeded faults' names, from `sslstress faults --names`."""
    exe = os.path.join(ROOT, build_dir(variant), "sslstress")
    return subprocess.run([exe, "faults", "--names"], cwd=ROOT, check=True,
                          stdout=subprocess.PIPE, text=True).stdout.split()


def command(det, fault, seed, on, jsonfile):
    d = DETECTORS[det]
    env = dict(d["env"])
    # "none" (an unknown name, ignored by minissl) also overrides a runner
    # that applies the scenario's `fault` header when MINISSL_FAULT is unset.
    env["MINISSL_FAULT"] = fault if on else "none"
    argv = d["wrap"] + [build_dir(d["variant"]) + "/sslstress", "run", "-q",
                        "--seed", str(seed)] + d["args"] + [
        "--json", jsonfile, "scenarios/bugs/%s.scn" % fault]
    return env, argv


def shown(env, argv):
    e = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in sorted(env.items())
                 if k != "TSAN_OPTIONS") + (
        " TSAN_OPTIONS=..." if "TSAN_OPTIONS" in env else "")
    i = argv.index("--json")
    argv = argv[:i] + argv[i + 2:]
    return (e + " " if e else "") + " ".join(shlex.quote(a) for a in argv)


def run_cell(det, fault, seed, on, log):
    fd, jf = tempfile.mkstemp(prefix="matrix-", suffix=".json")
    os.close(fd)
    env, argv = command(det, fault, seed, on, jf)
    full = dict(os.environ)
    full.pop("MINISSL_FAULT", None)
    full.update(env)
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, cwd=ROOT, env=full, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace",
                           timeout=DETECTORS[det]["timeout"])
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") \
            if isinstance(e.stdout, bytes) else (e.stdout or "")
        rc = -1
    wall = time.monotonic() - t0
    res = None
    try:
        with open(jf) as f:
            res = json.load(f)["results"][0]
    except (OSError, ValueError, KeyError, IndexError):
        pass
    os.unlink(jf)
    sig = DETECTORS[det]["sig"]
    if sig is None:
        detected = rc == 1 and res is not None and res["verdict"] == "fail"
    else:
        detected = re.search(sig, out, re.M) is not None
    iters = secs = None
    if detected and res is not None:
        fails = res.get("failures") or []
        crash = [f for f in fails if f.get("kind") in ("crash", "detector")]
        pick = crash[-1] if (sig is not None and crash) else (
            fails[0] if fails else None)
        iters = int(pick["iteration"]) + 1 - int(
            res.get("start", 0) or 0) if pick else res["iterations_run"]
        secs = res["seconds"]
    log.write("%s %s seed=%d fault=%s rc=%d detected=%s it=%s s=%s wall=%.2f\n"
              % (det, fault, seed, "on" if on else "off", rc, detected, iters,
                 secs, wall))
    if not on and detected:
        log.write(out[-3000:] + "\n")
    return dict(detected=detected, iters=iters, secs=secs, wall=wall,
                cmd=shown(env, argv), rc=rc)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def always(cells):
    """Detected in every seed run (the cells a rerun reproduces)."""
    return all(c["detected"] for c in cells)


def reliable(cells):
    """Counts towards the bar: every seed, median <= 1 s."""
    return always(cells) and (med([c["secs"] for c in cells]) or 0) <= 1.0


def fmt_cell(cells, nseeds):
    n = len(cells)
    k = sum(c["detected"] for c in cells)
    if k == 0:
        return "no 0/%d" % n
    it = med([c["iters"] for c in cells if c["detected"]])
    s = med([c["secs"] for c in cells if c["detected"]])
    return "%s %d/%d · %s it · %s s" % (
        "**yes**" if k == n else "sometimes", k, n,
        "%g" % it if it is not None else "?",
        "%.3f" % s if s is not None else "?")


def tool_versions():
    def first(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True
                                  ).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return [first(["gcc", "--version"]), first(["clang", "--version"]),
            first(["valgrind", "--version"])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="doc/detection-matrix.md")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--faults", default="")
    ap.add_argument("--detectors", default=",".join(ORDER))
    ap.add_argument("--no-control", action="store_true")
    ap.add_argument("--render", metavar="RESULTS_JSON",
                    help="rewrite the document from a saved run, no runs")
    a = ap.parse_args()
    if a.render:
        with open(a.render) as f:
            saved = json.load(f)
        a.seeds = saved["seeds"]
        res = {tuple(k.split("|")): v for k, v in saved["results"].items()}
        ctl = {tuple(k.split("|")): v for k, v in saved["controls"].items()}
        write_doc(a, saved["faults"], saved["dets"], res, ctl,
                  saved["total"], saved["log"], saved["when"])
        return
    dets = [d for d in a.detectors.split(",") if d]
    for d in dets:
        if d not in DETECTORS:
            sys.exit("matrix: unknown detector %s" % d)
    os.makedirs(os.path.join(ROOT, PREFIX + "matrix"), exist_ok=True)
    logpath = os.path.join(ROOT, PREFIX + "matrix", "matrix.log")
    t_start = time.monotonic()
    with open(logpath, "w") as log:
        variants = sorted({DETECTORS[d]["variant"] for d in dets})
        for v in variants:
            print("matrix: building VARIANT=%s" % v, flush=True)
            build(v, log)
        if a.faults:
            faults = [f for f in a.faults.split(",") if f]
        else:
            faults = catalogue(variants[0]) if variants else []
        results = {}
        controls = {}
        for f in faults:
            if not os.path.exists(os.path.join(ROOT, "scenarios", "bugs",
                                               f + ".scn")):
                print("matrix: %s has no scenario, skipped" % f)
                continue
            for d in dets:
                cells = [run_cell(d, f, s, True, log)
                         for s in range(1, a.seeds + 1)]
                if 0 < sum(c["detected"] for c in cells) < len(cells):
                    cells += [run_cell(d, f, s, True, log) for s in range(
                        a.seeds + 1,
                        a.seeds * (1 + EXTRA_SEEDS_FACTOR) + 1)]
                results[(f, d)] = cells
                if not a.no_control:
                    controls[(f, d)] = run_cell(d, f, 1, False, log)
                log.flush()
                print("  %-26s %-9s %s%s" % (
                    f, d, fmt_cell(cells, a.seeds),
                    "" if a.no_control or not controls[(f, d)]["detected"]
                    else "  (CONTROL FAILED)"), flush=True)
    total = time.monotonic() - t_start
    when = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M")
    with open(os.path.join(ROOT, PREFIX + "matrix", "results.json"),
              "w") as f:
        json.dump(dict(seeds=a.seeds, faults=faults, dets=dets, total=total,
                       log=logpath, when=when,
                       results={"|".join(k): v for k, v in results.items()},
                       controls={"|".join(k): v
                                 for k, v in controls.items()}), f)
    write_doc(a, faults, dets, results, controls, total, logpath, when)


def write_doc(a, faults, dets, results, controls, total, logpath, when):
    lines = []
    w = lines.append
    w("# Detection matrix")
    w("")
    w("Generated by `make matrix` (scripts/matrix.sh) on %s UTC, machine "
      "`%s` (%s, %d CPUs), in %.0f s." % (
          when, platform.node(),
          platform.platform(), os.cpu_count() or 0, total))
    w("Tools: %s." % "; ".join(tool_versions()))
    w("")
    w("Each cell: the seeded fault switched on (`MINISSL_FAULT=NAME`), its "
      "scenario `scenarios/bugs/NAME.scn` run with seeds 1..%d under the "
      "detector; a cell whose seeds disagree runs seeds %d..%d as well.  "
      "The detector itself must report (see the rules below).  "
      "**yes** n/n: it reported in every run; **sometimes** k/n: in k of "
      "the n runs; **no** 0/%d: in none.  Then the median iterations and "
      "the median seconds (the harness's own clock for the scenario, "
      "process start-up excluded) to the first report, over the detecting "
      "runs.  Free-running schedule, no jitter." % (
          a.seeds, a.seeds + 1, a.seeds * (1 + EXTRA_SEEDS_FACTOR), a.seeds))
    w("")
    w("**What a rerun reproduces.**  The seed fixes the harness's own "
      "random choices, not the operating system's scheduling: a free-running "
      "iteration's interleaving depends on the machine and its load (here 2 "
      "CPUs shared with other jobs), and Valgrind runs one thread at a time "
      "with its own scheduler.  A bug whose symptom needs a particular "
      "interleaving (the last decrement on a given thread, a free between "
      "another thread's load and store) is seen by such a detector in some "
      "runs only.  Most of all: in the tool columns minissl's own checks stay "
      "on (only the seal, and for ASan the quarantine, are off), and a "
      "fault whose first symptom is a double free ends the run with "
      "minissl's diagnosis (a crash of the iteration's process) in the "
      "first failing iteration, so the tool has one chance: it reports only "
      "when that iteration's interleaving showed it the race before minissl "
      "aborted (such cells read \"1 it\" when they detect, and more "
      "iterations do not help).  Those are the **sometimes** cells, and "
      "their k moves between reruns (in earlier runs of this matrix the "
      "same cells read anywhere from 1/5 to 4/5 and flipped between a "
      "majority yes and no).  A **yes** cell is one that detected in every "
      "run, almost always from the first iteration; a **no** cell never "
      "detected.  Only **yes** cells within a median of 1 s count towards the "
      "bar of two detectors per fault (last column), so the bar does not "
      "depend on a lucky rerun.")
    w("")
    w("| fault | " + " | ".join(dets) + " | detectors |")
    w("| --- | " + " | ".join("---" for _ in dets) + " | --- |")
    short = []
    for f in faults:
        if (f, dets[0]) not in results:
            continue
        row = [fmt_cell(results[(f, d)], a.seeds) for d in dets]
        solid = sum(1 for d in dets if reliable(results[(f, d)]))
        some = sum(1 for d in dets
                   if not always(results[(f, d)])
                   and any(c["detected"] for c in results[(f, d)]))
        if solid < 2:
            short.append(f)
        w("| `%s` | %s | %d%s |" % (
            f, " | ".join(row), solid,
            " (+%d sometimes)" % some if some else ""))
    w("")
    w("Last column: the detectors that caught the fault in every run "
      "within a median of 1 s (the bar is two), then how many more caught "
      "it in some runs only.")
    w("")
    if short:
        w("**Below the bar** (fewer than two detectors within a median of "
          "1 s): %s." % ", ".join("`%s`" % s for s in short))
    else:
        w("Every fault is caught by at least two detectors within a median "
          "of 1 s.")
    w("")
    fp = [k for k, c in controls.items() if c["detected"]]
    if controls:
        w("Controls (each scenario with its fault off, seed 1, every "
          "detector): %s." % (
              "no false positive" if not fp else
              "FALSE POSITIVES in " + ", ".join("%s/%s" % k for k in fp)))
        w("")
    w("## Commands")
    w("")
    w("Each cell ran, for seeds 1..%d (shown here for the first fault, "
      "seed 1; `--json` omitted):" % a.seeds)
    w("")
    first = next((f for f in faults if (f, dets[0]) in results), None)
    if first:
        w("```sh")
        for d in dets:
            w("# %s" % d)
            w(results[(first, d)][0]["cmd"])
        w("```")
    w("")
    w("Detection rules: harness = the run failed (exit 1: an expectation, "
      "an outcome, a crash or a minissl diagnosis); tsan = a "
      "`WARNING: ThreadSanitizer` report; asan = an `ERROR: AddressSanitizer` "
      "or UBSan `runtime error:` report; helgrind / drd = an error report "
      "from the tool (`--exit-on-first-error=yes` stops the run at the "
      "first).  The sanitizer and Valgrind runs use `-f 0`, so a failed "
      "expectation does not stop the run before the tool has its say, and "
      "`MINISSL_SEAL=0` (and, for ASan, `MINISSL_QUARANTINE=0`), so that "
      "minissl's own aborting checks do not pre-empt the tool.  "
      "Caps per run: %s (sanitizers and harness), %s under Valgrind." % (
          " ".join(FREE_CAP), " ".join(VG_CAP)))
    w("")
    w("Regenerate: `make matrix` (or `scripts/matrix.sh`); per-run log: "
      "`%s`." % os.path.relpath(logpath, ROOT))
    with open(os.path.join(ROOT, a.out), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("matrix: wrote %s in %.0f s" % (a.out, total))


if __name__ == "__main__":
    main()
