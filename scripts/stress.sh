#!/bin/sh
# `make stress [DETECTOR=tsan|asan|helgrind|drd] [DURATION=2m] [JITTER=low]`:
# the whole default suite with a time budget, then a summary table.
# Reports land in build/stress/ (JSON, JUnit, HTML: NAME.json/.xml/.html,
# NAME being the detector or "native"); under a detector each scenario's
# detector output is in build/stress/logs-NAME/SCENARIO.DETECTOR.log, and
# the reports name the detector, its report count, the first report's
# summary line and that log.  Any report fails the run (exit status 1).
# Under a sanitizer the build is build/tsan or build/asan; under Valgrind
# the native build (build/native).  Environment: DURATION, JITTER, and
# STRESS_BUILDDIR to use another build directory than build/native or
# build/VARIANT.
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
det=${1:-}
DURATION=${DURATION:-2m}
JITTER=${JITTER:-low}
out=build/stress
name=${det:-native}
root=$(pwd)
mkdir -p "$out"
export SSLSTRESS_LOG_DIR="$root/$out/logs-$name"
# The detectors' options: mode count (the harness counts the reports per
# scenario and fails it; a child must live to hand over its result).
eval "$(scripts/detector-env.sh count)"

case "$det" in
"")
    b=${STRESS_BUILDDIR:-build/native}
    set --
    ;;
tsan|asan)
    b=${STRESS_BUILDDIR:-build/$det}
    $MAKE --no-print-directory VARIANT="$det" BUILDDIR="$b" all
    set --
    ;;
helgrind|drd)
    b=${STRESS_BUILDDIR:-build/native}
    [ -x "$b/sslstress" ] || $MAKE --no-print-directory BUILDDIR="$b" all
    # Each process logs to its own file (%p); sslstress folds a scenario
    # child's file into that scenario's log.
    vglogs=$root/$out/vg-$det
    rm -rf "$vglogs"
    mkdir -p "$vglogs"
    export SSLSTRESS_DETECTOR=$det
    export SSLSTRESS_VALGRIND_LOG="$vglogs/vg.%p.log"
    set -- valgrind --tool="$det" --log-file="$vglogs/vg.%p.log"
    ;;
*) echo "stress: unknown DETECTOR '$det' (tsan, asan, helgrind, drd)" >&2; exit 2 ;;
esac

status=0
"$@" "$b/sslstress" run --duration "$DURATION" --jitter "$JITTER" \
    --max-failures 1 \
    --json "$out/$name.json" --junit "$out/$name.xml" --html "$out/$name.html" \
    scenarios/ || status=$?
if [ -n "${vglogs:-}" ]; then
    # What is left is not a scenario's: the harness's own process.
    for f in "$vglogs"/vg.*.log; do
        [ -s "$f" ] || { rm -f "$f"; continue; }
        echo "== Valgrind errors outside the scenarios ($f):" >&2
        cat "$f" >&2
        [ "$status" != 0 ] || status=1
    done
fi
exit "$status"
