#!/bin/sh
# `make stress [DETECTOR=tsan|asan|helgrind|drd] [DURATION=2m] [JITTER=low]`:
# the whole default suite with a time budget, then a summary table.
# Reports land in build/stress/ (JSON, JUnit, HTML).
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
det=${1:-}
DURATION=${DURATION:-2m}
JITTER=${JITTER:-low}
out=build/stress
mkdir -p "$out"

case "$det" in
"") bin=build/native/sslstress; wrap="" ;;
tsan|asan)
    $MAKE --no-print-directory VARIANT="$det" all
    bin=build/$det/sslstress; wrap=""
    export TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$(pwd)/scripts/tsan.supp ${TSAN_OPTIONS:-}"
    ;;
helgrind|drd)
    bin=build/native/sslstress
    wrap="valgrind -q --tool=$det --error-exitcode=9 --suppressions=scripts/valgrind.supp"
    ;;
*) echo "stress: unknown DETECTOR '$det' (tsan, asan, helgrind, drd)" >&2; exit 2 ;;
esac

name=${det:-native}
# shellcheck disable=SC2086
exec $wrap "$bin" run --duration "$DURATION" --jitter "$JITTER" --max-failures 1 \
    --json "$out/$name.json" --junit "$out/$name.xml" --html "$out/$name.html" \
    scenarios/
