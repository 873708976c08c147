#!/bin/sh
# For `make check`: every seeded fault's scenario (scenarios/bugs/NAME.scn)
# must fail with its fault on and pass with it off, in bounded runs.
# Natively in the faults build (VARIANT=faults); a scenario marked
# "# detector: tsan" (a bug only a race detector can see on x86) is
# checked in the tsan-faults build instead.
#   BUILD       faults build dir (default build/faults)
#   TSAN_BUILD  tsan-faults build dir (default build/tsan-faults)
#   NATIVE_BUILD  the normal build, where every bug scenario must pass
#               (default build/native; skipped when not built)
# Exit 1 if any scenario misbehaves; prints one line per scenario.
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
BUILD=${BUILD:-build/faults}
TSAN_BUILD=${TSAN_BUILD:-build/tsan-faults}
# The detectors' options: mode first (the first report of a seeded bug is
# its finding).
eval "$(scripts/detector-env.sh first)"

$MAKE --no-print-directory VARIANT=faults BUILDDIR="$BUILD" "$BUILD/sslstress" \
    | grep -v '^  \(CC\|LD\|AR\) ' || true
if grep -l '^# detector: tsan' scenarios/bugs/*.scn >/dev/null 2>&1; then
    $MAKE --no-print-directory VARIANT=tsan-faults BUILDDIR="$TSAN_BUILD" \
        "$TSAN_BUILD/sslstress" | grep -v '^  \(CC\|LD\|AR\) ' || true
fi

bad=0
n=0
for scn in scenarios/bugs/*.scn; do
    name=$(basename "$scn" .scn)
    bin=$BUILD/sslstress
    where=native
    if grep -q '^# detector: tsan' "$scn"; then
        bin=$TSAN_BUILD/sslstress
        where=tsan
    fi
    n=$((n + 1))
    set +e
    MINISSL_FAULT=$name "$bin" run -q --seed 1 --iterations 200000 \
        --duration 20s "$scn" >/dev/null 2>&1
    on=$?
    MINISSL_FAULT=none "$bin" run -q --seed 1 --iterations 2000 "$scn" \
        >/dev/null 2>&1
    off=$?
    set -e
    if [ $on -eq 1 ] && [ $off -eq 0 ]; then
        echo "ok    $name ($where): fails with the fault (exit 1), passes without (exit 0)"
    else
        echo "FAIL  $name ($where): with the fault exit $on (want 1), without exit $off (want 0)"
        bad=$((bad + 1))
    fi
done
# The normal build contains no fault: every bug scenario passes there.
NATIVE=${NATIVE_BUILD:-build/native}
if [ -x "$NATIVE/sslstress" ]; then
    if "$NATIVE/sslstress" run -q --seed 1 --iterations 2000 scenarios/bugs/ \
        >/dev/null 2>&1; then
        echo "ok    the normal build ($NATIVE) passes every scenarios/bugs/*.scn"
    else
        echo "FAIL  the normal build ($NATIVE) fails a scenarios/bugs/*.scn"
        bad=$((bad + 1))
    fi
fi
echo "check-faults: $n scenarios, $bad misbehaved"
[ $bad -eq 0 ]
