#!/bin/sh
# How much slower is each detector than a native run?  Runs the same
# scenarios with the same iterations and seed natively and under each
# detector, and prints the time of each and its ratio to the native one:
#   run s    the scenarios' own time (sslstress's JSON totals.seconds: global
#            setup, thread start and the iterations, summed over the
#            scenarios; no process start-up, no fork)
#   wall s   the whole command, start-up and forks included
#
#   scripts/slowdown.sh [SCENARIO-DIR-OR-FILE...]   (default: scenarios/)
# Environment:
#   ITER        iterations per scenario (default 20: DRD needs ~1 s per
#               iteration of the whole default suite)
#   DETECTORS   which to measure (default "tsan asan helgrind drd")
#   SLOWDOWN_PREFIX  build directories ${SLOWDOWN_PREFIX}native,
#               ...tsan, ...asan (default build/)
# Builds what is missing.  Exit status 1 if any run failed (a detector
# report is a failure too: the figures of a failing run mean nothing).
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
ITER=${ITER:-20}
DETECTORS=${DETECTORS:-tsan asan helgrind drd}
P=${SLOWDOWN_PREFIX:-build/}
[ $# -gt 0 ] || set -- scenarios/
tmp=$(mktemp -d "${TMPDIR:-/tmp}/slowdown.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

need() {    # need VARIANT
    [ -x "$P$1/sslstress" ] ||
        $MAKE --no-print-directory VARIANT="$1" BUILDDIR="$P$1" all >&2
}

now() { date +%s.%N; }

# measure LABEL BIN [wrapper...] -- prints "run wall" seconds
measure() {
    label=$1; bin=$2; shift 2
    j="$tmp/$label.json"
    t0=$(now); t1=
    ok=ok
    if ! SSLSTRESS_LOG_DIR="$tmp/logs-$label" "$@" "$bin" run --quiet \
        --iterations "$ITER" --seed 1 --jitter none --json "$j" \
        $scen > "$tmp/$label.out" 2>&1; then
        t1=$(now)
        echo "slowdown: the $label run FAILED (its figures are still shown):" >&2
        grep -v ' PASS  ' "$tmp/$label.out" | tail -n 12 >&2
        [ -s "$j" ] || return 1
        ok=FAILED
    fi
    t1=${t1:-$(now)}
    run=$(sed -n '/"totals"/,/}/s/.*"seconds": *\([0-9.eE+-]*\).*/\1/p' "$j" | head -n 1)
    awk -v a="$t0" -v b="$t1" -v r="$run" -v ok="$ok" \
        'BEGIN { printf "%s %.3f %s\n", r, b - a, ok }'
}

scen="$*"
need native
# The detectors' options: mode count, as in the suite runs being timed.
eval "$(scripts/detector-env.sh count)"
status=0
base=$(measure native "${P}native/sslstress") || exit 1
set -- $base
brun=$1; bwall=$2
[ "$3" = ok ] || status=1
printf '%s\n' "scenarios: $scen; $ITER iterations each, seed 1, jitter none; $(nproc) CPUs"
printf '%-10s %10s %8s %10s %8s\n' detector "run s" ratio "wall s" ratio
printf '%-10s %10.3f %8s %10.3f %8s\n' native "$brun" 1.0 "$bwall" 1.0
for d in $DETECTORS; do
    case $d in
    tsan|asan)
        need "$d"
        r=$(measure "$d" "$P$d/sslstress") || { status=1; continue; }
        ;;
    helgrind|drd)
        mkdir -p "$tmp/vg-$d"
        r=$(SSLSTRESS_DETECTOR=$d SSLSTRESS_VALGRIND_LOG="$tmp/vg-$d/vg.%p.log" \
            measure "$d" "${P}native/sslstress" valgrind --tool="$d" \
            --log-file="$tmp/vg-$d/vg.%p.log") || { status=1; continue; }
        ;;
    *) echo "slowdown: unknown detector $d" >&2; status=1; continue ;;
    esac
    set -- $r
    [ "$3" = ok ] || status=1
    awk -v d="$d" -v r="$1" -v w="$2" -v br="$brun" -v bw="$bwall" \
        -v ok="$3" 'BEGIN { printf "%-10s %10.3f %8.1f %10.3f %8.1f%s\n", d, r,
        r / br, w, w / bw, ok == "ok" ? "" : "  (run FAILED)" }'
done
exit "$status"
