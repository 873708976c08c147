#!/bin/sh
# Reproduce a seeded refcount bug on demand (make reproduce BUG=NAME).
#
#   scripts/reproduce.sh                 list the catalogue: name + one line
#   scripts/reproduce.sh NAME            build the faults variant, run
#                                        scenarios/bugs/NAME.scn with fault
#                                        NAME on until it fails, print the
#                                        failure report (seed included) and
#                                        the replay command, then run the
#                                        replay once to show it fails again
#
# Environment:
#   BUG        the fault name (instead of the argument)
#   BUILD      build directory of the faults variant (default build/faults);
#              the TSan one is BUILD with "faults" -> "tsan-faults"
#              (default build/tsan-faults)
#   ATTEMPTS   runs of up to 30 s each before giving up (default 10)
#   MAKE       make program
# A scenario whose bug only a race detector sees says so in a comment line
# "# detector: tsan"; it is then built and run as VARIANT=tsan-faults.
# Exit status: 0 reproduced (and the replay failed again), 1 not
# reproduced or the replay passed, 2 usage error.
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
BUG=${1:-${BUG:-}}
ATTEMPTS=${ATTEMPTS:-10}

# The catalogue: `sslstress faults` (the same in every minissl build; the
# native one is made if need be).
catalogue() {
    $MAKE --no-print-directory sslstress >/dev/null
    ./sslstress faults "$@"
}

if [ -z "$BUG" ]; then
    echo "Seeded refcount bugs (scripts/reproduce.sh NAME, make reproduce BUG=NAME):"
    echo
    catalogue
    exit 0
fi
if ! catalogue --names | grep -qx "$BUG"; then
    echo "reproduce: unknown bug '$BUG' (run scripts/reproduce.sh for the list)" >&2
    exit 2
fi
SCN=scenarios/bugs/$BUG.scn
if [ ! -f "$SCN" ]; then
    echo "reproduce: $SCN does not exist yet" >&2
    exit 2
fi

variant=faults
if grep -q '^# detector: tsan' "$SCN"; then
    variant=tsan-faults
fi
BUILD=${BUILD:-build/faults}
if [ "$variant" = tsan-faults ]; then
    BUILD=$(printf '%s' "$BUILD" | sed 's/faults$/tsan-faults/')
    [ "$BUILD" != "${BUILD%tsan-faults}" ] || BUILD=build/tsan-faults
    tsanlog=$(mktemp -d)
    # The detectors' options: mode first (the first report is the
    # finding); the report also goes to a file of ours, shown below.
    eval "$(scripts/detector-env.sh first)"
    TSAN_OPTIONS="$TSAN_OPTIONS log_path=$tsanlog/tsan"
fi

echo "== building VARIANT=$variant in $BUILD"
$MAKE --no-print-directory VARIANT=$variant BUILDDIR="$BUILD" "$BUILD/sslstress" \
    | grep -v '^  \(CC\|LD\|AR\) ' || true
[ -x "$BUILD/sslstress" ] || { echo "reproduce: build failed" >&2; exit 1; }

out=$(mktemp)
trap 'rm -f "$out"; [ -z "${tsanlog:-}" ] || rm -rf "$tsanlog"' EXIT INT TERM
echo "== fault $BUG on: MINISSL_FAULT=$BUG $BUILD/sslstress run $SCN (until it fails)"
i=0
found=0
while [ $i -lt "$ATTEMPTS" ]; do
    i=$((i + 1))
    seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
    set +e
    MINISSL_FAULT=$BUG "$BUILD/sslstress" run --seed "$seed" --duration 30s \
        --iterations 100000000 "$SCN" >"$out" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 1 ]; then
        found=1
        break
    fi
    echo "   attempt $i (seed $seed): no failure (exit $rc)"
done
if [ $found -eq 0 ]; then
    cat "$out"
    echo "reproduce: $BUG did not fail in $ATTEMPTS attempts" >&2
    exit 1
fi
# The failure report: from the first FAILURE line to the verdict.
sed -n '/^FAILURE/,$p' "$out"
if [ -n "${tsanlog:-}" ] && ls "$tsanlog"/tsan.* >/dev/null 2>&1; then
    echo "== the ThreadSanitizer report (first 40 lines)"
    cat "$tsanlog"/tsan.* | head -n 40
    rm -f "$tsanlog"/tsan.*
fi
replay=$(grep -m1 '^ *replay: ' "$out" | sed 's/^ *replay: //')
if [ -z "$replay" ]; then
    echo "reproduce: no replay line in the report" >&2
    exit 1
fi
cmd="MINISSL_FAULT=$BUG $replay"
[ "$variant" = tsan-faults ] && cmd="eval \"\$(scripts/detector-env.sh first)\"; $cmd"
echo
echo "== reproduced $BUG (attempt $i).  Replay it with:"
echo "   $cmd"
echo
echo "== running the replay"
set +e
MINISSL_FAULT=$BUG sh -c "$replay" >"$out" 2>&1
rc=$?
set -e
grep -E '^(FAILURE|verdict:)' "$out" || true
if [ $rc -eq 1 ]; then
    echo "== the replay failed again (exit 1): reproduced"
    exit 0
fi
echo "== the replay passed (exit $rc): not reproduced on replay" >&2
exit 1
