#!/bin/sh
# Run the project's tests under a race or memory detector.
#   scripts/detect.sh tsan|asan     build/VARIANT: every unit suite, then the
#                                   scenario suite, under the sanitizer, then
#                                   the sensitivity checks
#   scripts/detect.sh helgrind|drd  the native build's threaded suites and a
#                                   bounded scenario run under Valgrind, then
#                                   the sensitivity checks
#   scripts/detect.sh helgrind-openssl|drd-openssl
#                                   sslstress-openssl (SSLSTRESS_OSSL, default
#                                   build/openssl/sslstress-openssl, the
#                                   system's OpenSSL) under Valgrind: the
#                                   bounded scenario suite, then
#                                   scenarios/race/ (the tool must see the
#                                   race inside libssl); a report inside
#                                   libssl/libcrypto fails its scenario
#                                   unless the scenario declares it
#                                   (`known race on openssl`); each known
#                                   race is listed, and the one of
#                                   dup-racing-handshake (SSL_dup against
#                                   the owner's handshake) must be shown
#   scripts/detect.sh check         what `make check` runs after the unit
#                                   suites: the scenarios natively, the TSan
#                                   run, a bounded Helgrind run, and the
#                                   sensitivity checks of TSan, Helgrind,
#                                   DRD, ASan and the quarantine
# A detector report anywhere is a failure, except one a scenario declares
# (`known race on BACKEND`: expected, listed, failing nothing; see
# doc/race-detection.md), and in scenarios/race/, whose
# scenarios race on purpose (`expect race`): there each race detector MUST
# report (sensitivity), and a double free must be diagnosed by minissl's
# quarantine and by ASan (tests/stress/test_detector.c).
#
# Findings: sslstress writes each scenario's detector output to
# $B/detector-logs/LABEL/NAME.DETECTOR.log and its reports (text, and JSON
# in $B/detector-logs/LABEL.json) name the detector, the report count, the
# first report's summary and that log.
#
# Environment:
#   DETECT_PREFIX  build directories are ${DETECT_PREFIX}VARIANT
#                  (default build/: build/native, build/tsan, build/asan)
#   SUITE_ITER     iterations per scenario under a sanitizer (default 200)
#   VG_ITER        iterations per scenario under Valgrind (default 20;
#                  `check`: 10; the OpenSSL backend: 10).  DRD needs ~0.6 s
#                  per iteration of upref-free-last-64, Helgrind ~0.1 s
#   SSLSTRESS_OSSL the sslstress-openssl binary (the Makefile passes its
#                  own: OPENSSL_PREFIX=DIR picks another OpenSSL)
#   VG_ROUNDS      rounds of the threaded unit suites under Valgrind
#                  (default 200 under Helgrind, 100 under DRD:
#                  test_handshake_threads needs ~12 ms per handshake
#                  natively, 50-100x that under Valgrind; `check` runs
#                  only test_concurrency and test_detector there, 2000)
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
P=${DETECT_PREFIX:-build/}
SUITE_ITER=${SUITE_ITER:-200}
# Threaded unit suites: the ones that race on purpose, and the detector's.
THREADED="lib/test_concurrency lib/test_handshake_threads stress/test_detector"
ROOT=$(pwd)

say() { printf '%s\n' "== $*"; }
fail() { printf '%s\n' "detect.sh: FAILED: $*" >&2; exit 1; }

build() {   # build VARIANT
    say "building VARIANT=$1 in $P$1"
    $MAKE --no-print-directory VARIANT="$1" BUILDDIR="$P$1" all
}

threaded_bins() {
    for t in $THREADED; do
        [ -x "$1/tests/$t" ] && printf '%s ' "$1/tests/$t"
    done
    return 0
}

# The detectors' options, for every run below: scripts/detector-env.sh,
# mode count (the harness counts the reports and fails the scenario
# itself, and a child must live to hand over its result: an `expect race`
# scenario passes by its report; a process that reported still exits
# non-zero).
eval "$(scripts/detector-env.sh count)"

sanitizer_env() {
    # A sanitizer makes the code 2-15x slower: stretch Check's per-test
    # timeouts (a 4 s default) so that a busy 2-core CI machine does not
    # time out the parser's 100 KB hostile inputs.
    export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
}

# vg TOOL LOGDIR CMD...: CMD under Valgrind (its other options:
# VALGRIND_OPTS above), each process logging to LOGDIR/vg.PID.log;
# sslstress folds a scenario child's log into that scenario's log
# (SSLSTRESS_VALGRIND_LOG) and deletes it.
# VG_SCHED: more options for minissl's runs (run_valgrind below):
# --fair-sched=yes hands Valgrind's one running thread over in turn, at
# every switch, which meets the handoffs a loaded or many-core machine
# makes and the default scheduler rarely does (a false positive in the
# BIO pair's teardown, lib/src/bio.c pair_detach, failed CI's Helgrind
# run once and showed under it in 2 of 2 suite runs of 30 iterations).
vg() {
    tool=$1; dir=$2; shift 2
    mkdir -p "$dir"
    SSLSTRESS_DETECTOR=$tool SSLSTRESS_VALGRIND_LOG="$dir/vg.%p.log" \
        valgrind --tool="$tool" ${VG_SCHED:-} --log-file="$dir/vg.%p.log" "$@"
}

# Any Valgrind log left non-empty holds errors of a process that was not a
# scenario child (the harness's parent, a unit suite): show them, fail.
vg_leftovers() {    # vg_leftovers LOGDIR
    bad=0
    for f in "$1"/vg.*.log; do
        [ -s "$f" ] || { rm -f "$f"; continue; }
        say "Valgrind errors in $f:"
        cat "$f" >&2
        bad=1
    done
    [ "$bad" = 0 ] || fail "Valgrind reported errors (logs above)"
}

# digest REPORT.json: each scenario that did not pass or skip, with its
# reason, its first failure and the head of its detector log, on stderr:
# a CI log that keeps only its tail then still names what failed.
digest() {
    python3 - "$1" <<'PY' >&2 || true
import json, sys
try:
    run = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    sys.exit("   (no report to digest: %s)" % e)
for r in run.get("results", []):
    if r["verdict"] in ("pass", "skip"):
        continue
    print("== failed: %s (%s): %s" % (r["name"], r["file"], r["verdict"]))
    if r.get("reason"):
        print("   reason: %s" % r["reason"])
    for f in r.get("failures", [])[:1]:
        print("   iteration %s, seed %s: %s: %s"
              % (f["iteration"], f["seed"], f["kind"], f["message"]))
        if f.get("replay"):
            print("   replay: %s" % f["replay"])
    log = r.get("detector_log")
    if log:
        try:
            lines = open(log, errors="replace").read().splitlines()
        except OSError:
            lines = []
        print("   %s, its first %d of %d lines:" % (log, min(60, len(lines)), len(lines)))
        for line in lines[:60]:
            print("   | " + line)
PY
}

# suite BUILDDIR ITER LABEL [wrapper...]: the default suite; any detector
# report fails it (sslstress exits non-zero).  BIN: the binary (default
# BUILDDIR/sslstress).
suite() {
    b=$1; it=$2; label=$3; shift 3
    logs="$ROOT/$b/detector-logs"
    mkdir -p "$logs"
    say "scenario suite (${BIN:-$b/sslstress}, $label, $it iterations each)"
    SSLSTRESS_LOG_DIR="$logs/$label" "$@" "${BIN:-$b/sslstress}" run --quiet \
        --iterations "$it" --seed 1 --json "$logs/$label.json" \
        --junit "$logs/$label.xml" scenarios/ ||
        { digest "$logs/$label.json"
          fail "scenario suite under $label (see $logs/$label.json)"; }
}

# race BUILDDIR LABEL EXPECT [wrapper...]: scenarios/race/ (`expect race`).
# EXPECT=report: a race detector must report each: --require-report makes
# sslstress exit non-zero on a skip or a pass without a report.
# EXPECT=skip: no race detector, each must be skipped.
race() {
    b=$1; label=$2; want=$3; shift 3
    logs="$ROOT/$b/detector-logs"
    j="$logs/race-$label.json"
    mkdir -p "$logs"
    say "sensitivity: scenarios/race/ ($label must $want)"
    req=
    [ "$want" = report ] && req=--require-report
    SSLSTRESS_LOG_DIR="$logs/race-$label" "$@" "${BIN:-$b/sslstress}" run --quiet \
        --seed 1 $req --json "$j" scenarios/race/ ||
        { digest "$j"
          fail "scenarios/race/ under $label: a racy scenario was skipped or went unreported ($j)"; }
    case $want in
    report)
        grep -o '"detector_summary": *"[^"]*"' "$j" | sed 's/^/   /'
        ;;
    skip)
        ! grep -q '"verdict": *"pass"' "$j" ||
            fail "scenarios/race/ natively: ran without a race detector ($j)"
        ;;
    esac
}

run_sanitizer() {   # run_sanitizer tsan|asan
    v=$1
    build "$v"
    sanitizer_env
    say "unit suites under $v"
    scripts/run-tests.sh $(find "$P$v/tests" -name 'test_*' -type f -perm -u+x | sort)
    suite "$P$v" "$SUITE_ITER" "$v"
    if [ "$v" = tsan ]; then
        race "$P$v" tsan report
    else
        race "$P$v" asan skip      # ASan does not see races
    fi
}

# run_valgrind TOOL ITER [all|bounded|sensitivity]   (bounded: no handshake storm)
run_valgrind() {
    tool=$1; it=$2; what=${3:-all}
    VG_SCHED=--fair-sched=yes
    b=${P}native
    [ -x "$b/sslstress" ] || build native
    logs="$ROOT/$b/detector-logs/$tool-vg"
    rm -rf "$logs"
    bins=$(threaded_bins "$b")
    [ -n "$bins" ] || fail "no threaded suites built in $b"
    for bin in $bins; do
        case $what:$bin in
        sensitivity:*test_detector) ;;
        sensitivity:*) continue ;;
        # In `check`, not the handshake storm: ~12 ms per handshake natively,
        # 50-100x under Valgrind, and below ~200 handshakes its threads
        # never overlap there (it asserts they do).  `make helgrind` runs it.
        bounded:*test_handshake_threads) continue ;;
        # DRD: minutes per 10 handshakes of the storm; only when asked for
        # with VG_ROUNDS (Helgrind and TSan run it by default).
        all:*test_handshake_threads)
            [ "$tool" != drd ] || [ -n "${VG_ROUNDS:-}" ] || continue ;;
        esac
        rounds=${VG_ROUNDS:-$([ "$tool" = drd ] && echo 100 || echo 200)}
        say "$tool: $(basename "$bin") ($rounds rounds)"
        CK_FORK=no MS_TEST_ROUNDS=$rounds vg "$tool" "$logs" "$bin" ||
            { vg_leftovers "$logs"; fail "$tool: $(basename "$bin")"; }
    done
    [ "$what" = sensitivity ] || suite "$b" "$it" "$tool" vg "$tool" "$logs"
    # Sensitivity: the racy scenario must be reported.  Valgrind runs one
    # thread at a time, so this holds only because the runner's gate gives
    # Helgrind/DRD no happens-before edge between two blocks of one round
    # (stress/barrier.c, "Blocking mode and race detectors"; measured before
    # that fix: DRD reported it in 5 of 10 seeds, Helgrind 8 of 10; after:
    # 20/20 and 10/10: scripts/vg-sensitivity.sh helgrind|drd 20).
    race "$b" "$tool" report vg "$tool" "$logs"
    vg_leftovers "$logs"
}

# known LABEL.json [SCENARIO:CLASS]: each scenario's known races (`known
# race`), whether this run showed each, with its first report; the summary
# line says how many.  With SCENARIO:CLASS, that scenario's known race
# whose text starts with CLASS must have been shown (exit 1 otherwise).
known() {
    python3 - "$@" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
want = sys.argv[2].split(":", 1) if len(sys.argv) > 2 else None
ok = want is None
seen = declared = 0
for r in run["results"]:
    races = r.get("expected_races", [])
    if not races:
        continue
    declared += 1
    seen += any(x["reports"] > 0 for x in races)
    for x in races:
        why = x["known"].split(": ")[1] if ": " in x["known"] else x["known"]
        if want and r["name"] == want[0] and why.startswith(want[1]):
            ok = ok or x["reports"] > 0
        print("   %s: %s: %s" % (r["name"], why,
              "%d expected report(s), the first in iteration %d: %s"
              % (x["reports"], x["iteration"], x["summary"])
              if x["reports"] else "not reported in this run"))
print("   known races: %d of %d scenarios that declare one on %s showed one"
      % (seen, declared, run["backend"]))
if not ok:
    sys.exit("   %s: its known race '%s' went unreported" % tuple(want))
PY
}
# run_valgrind_openssl TOOL ITER: sslstress-openssl's suite and
# scenarios/race/ under TOOL (no unit suites: they are minissl's).
run_valgrind_openssl() {
    tool=$1; it=$2
    VG_SCHED=        # as the recorded runs of doc/findings/ were made
    BIN=${SSLSTRESS_OSSL:-build/openssl/sslstress-openssl}
    [ -x "$BIN" ] || $MAKE --no-print-directory openssl
    [ -x "$BIN" ] || fail "no $BIN"
    b=$(dirname "$BIN")
    logs="$ROOT/$b/detector-logs/$tool-vg"
    rm -rf "$logs"
    export BIN
    say "$BIN: $("$BIN" -V | head -n 1)"
    suite "$b" "$it" "$tool" vg "$tool" "$logs"
    # Sensitivity inside the library: the race the scenario exists for,
    # SSL_dup against the owner's handshake, must be seen.
    known "$ROOT/$b/detector-logs/$tool.json" \
        "dup-racing-handshake:SSL_dup against the owner's handshake" ||
        fail "$tool did not show SSL_dup racing the handshake inside libssl"
    race "$b" "$tool" report vg "$tool" "$logs"
    vg_leftovers "$logs"
}

case "${1:-}" in
tsan|asan) run_sanitizer "$1" ;;
helgrind-openssl|drd-openssl)
    run_valgrind_openssl "${1%-openssl}" "${VG_ITER:-10}" ;;
helgrind|drd) run_valgrind "$1" "${VG_ITER:-20}" ;;
check)
    VG_ROUNDS=${VG_ROUNDS:-2000}
    b=${P}native
    [ -x "$b/sslstress" ] || build native
    suite "$b" 2000 native
    race "$b" native skip
    build tsan
    sanitizer_env
    for bin in $(threaded_bins "$P"tsan); do
        say "tsan: $(basename "$bin")"
        scripts/run-tests.sh "$bin"
    done
    suite "$P"tsan "$SUITE_ITER" tsan
    race "$P"tsan tsan report
    run_valgrind helgrind "${VG_ITER:-10}" bounded
    run_valgrind drd "${VG_ITER:-5}" bounded
    build asan
    say "asan: test_detector (double free: quarantine and ASan)"
    scripts/run-tests.sh "$P"asan/tests/stress/test_detector
    say "check: every detector run clean; TSan, Helgrind and DRD reported the racy scenario; minissl and ASan the double free"
    ;;
*) echo "usage: scripts/detect.sh tsan|asan|helgrind|drd|helgrind-openssl|drd-openssl|check" >&2; exit 2 ;;
esac
