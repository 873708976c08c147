#!/bin/sh
# The scenarios generated from the thread-safety contract table
# (stress/contract.c; doc/generated-scenarios.md says how and why).
#   scripts/gen.sh          `make gen`: write scenarios/generated/ and the
#                           table between the markers of
#                           doc/generated-scenarios.md
#   scripts/gen.sh --check  `make check`: generate both into a scratch
#                           directory; any difference from the checked-in
#                           ones fails, saying how to regenerate
#   scripts/gen.sh --run    `make check`: run scenarios/generated/
#                           natively and under ThreadSanitizer, each with a
#                           bounded number of iterations, and print the time
#                           each took
#   scripts/gen.sh --faults [FAULT...]
#                           by hand (minutes): each seeded fault (default:
#                           all, `sslstress faults --names`) switched on in
#                           the faults build, against scenarios/ and against
#                           scenarios/generated/; where the generated suite
#                           sees nothing natively, again in the tsan-faults
#                           build.  One line per fault: the scenarios of each
#                           suite that failed (doc/generated-scenarios.md,
#                           "What they catch")
# Environment:
#   BUILD          the native build (default build/native)
#   TSAN_BUILD     the TSan build (default build/tsan; built when missing)
#   GEN_ITER       iterations per scenario natively (default 1000)
#   GEN_TSAN_ITER  iterations per scenario under TSan (default 200)
#   FAULTS_BUILD, TSAN_FAULTS_BUILD   for --faults (default build/faults,
#                  build/tsan-faults; built when missing)
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
BUILD=${BUILD:-build/native}
TSAN_BUILD=${TSAN_BUILD:-build/tsan}
GEN_ITER=${GEN_ITER:-1000}
GEN_TSAN_ITER=${GEN_TSAN_ITER:-200}
DOC=doc/generated-scenarios.md
DIR=scenarios/generated
BEGIN='<!-- BEGIN sslstress gen --table -->'
END='<!-- END sslstress gen --table -->'
ROOT=$(pwd)

fail() { printf '%s\n' "gen.sh: FAILED: $*" >&2; exit 1; }

[ -x "$BUILD/sslstress" ] ||
    $MAKE --no-print-directory BUILDDIR="$BUILD" "$BUILD/sslstress" |
    grep -v '^  \(CC\|LD\|AR\) ' || true

# doc_with_table OUT: $DOC with the lines between the markers replaced by
# `sslstress gen --table`.
doc_with_table() {
    grep -qxF "$BEGIN" "$DOC" && grep -qxF "$END" "$DOC" ||
        fail "$DOC lacks the lines '$BEGIN' and '$END'"
    "$BUILD/sslstress" gen --table > "$1.table"
    awk -v b="$BEGIN" -v e="$END" -v t="$1.table" '
        $0 == b { print; print ""; while ((getline l < t) > 0) print l;
                  print ""; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$DOC" > "$1"
    rm -f "$1.table"
}

# now: a clock in milliseconds
now() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# suite BIN ITER LABEL WHERE: the generated scenarios, quietly (output,
# JSON and detector logs in BIN's directory, detector-logs/generated-LABEL*);
# the failures and the verdict when one fails.
suite() {
    bin=$1; it=$2; label=$3; where=$4
    logs="$ROOT/${bin%/sslstress}/detector-logs"
    mkdir -p "$logs"
    out="$logs/generated-$label.txt"
    t0=$(now)
    if SSLSTRESS_LOG_DIR="$logs/generated-$label" "$bin" run --quiet \
        --no-color --seed 1 --iterations "$it" \
        --json "$logs/generated-$label.json" "$DIR/" > "$out" 2>&1; then
        t1=$(now)
        echo "gen: $n scenarios $where, $it iterations each: PASS in $(secs "$t0" "$t1") s"
    else
        grep -v ' PASS ' "$out" | tail -n 60 >&2
        fail "$DIR/ $where (whole output: $out)"
    fi
}

case "${1:-}" in
"")
    "$BUILD/sslstress" gen "$DIR"
    doc_with_table "$DOC.new"
    mv "$DOC.new" "$DOC"
    echo "gen: the table in $DOC rewritten"
    ;;
--check)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$BUILD/sslstress" gen -q "$tmp/generated"
    doc_with_table "$tmp/doc.md"
    bad=0
    if ! diff -r "$DIR" "$tmp/generated" > "$tmp/diff"; then
        head -n 40 "$tmp/diff" >&2
        bad=1
    fi
    if ! diff -u "$DOC" "$tmp/doc.md" > "$tmp/diff"; then
        head -n 40 "$tmp/diff" >&2
        bad=1
    fi
    [ "$bad" = 0 ] || fail "$DIR/ or the table in $DOC is not what" \
        "stress/contract.c and stress/gen.c give (diff above): run" \
        "'make gen' and commit what it writes"
    echo "gen: $DIR/ ($(ls "$tmp/generated" | wc -l) files) and the table in $DOC are up to date"
    ;;
--run)
    n=$(ls "$DIR"/*.scn | wc -l)
    suite "$BUILD/sslstress" "$GEN_ITER" native natively
    $MAKE --no-print-directory VARIANT=tsan BUILDDIR="$TSAN_BUILD" \
        "$TSAN_BUILD/sslstress" | grep -v '^  \(CC\|LD\|AR\) ' || true
    # the detectors' options (mode count: the harness fails the scenario)
    eval "$(scripts/detector-env.sh count)"
    suite "$TSAN_BUILD/sslstress" "$GEN_TSAN_ITER" tsan "under TSan"
    ;;
--faults)
    shift
    FB=${FAULTS_BUILD:-build/faults}
    TFB=${TSAN_FAULTS_BUILD:-build/tsan-faults}
    for v in faults:$FB tsan-faults:$TFB; do
        $MAKE --no-print-directory VARIANT="${v%%:*}" BUILDDIR="${v#*:}" \
            "${v#*:}/sslstress" | grep -v '^  \(CC\|LD\|AR\) ' || true
    done
    eval "$(scripts/detector-env.sh count)"
    [ $# -gt 0 ] || set -- $("$FB/sslstress" faults --names)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # failed BIN ITER DIR: how many scenarios of DIR failed, "K/N"
    failed() {
        SSLSTRESS_LOG_DIR="$tmp/logs" "$1" run --quiet --no-color --seed 1 \
            --iterations "$2" "$3" > "$tmp/out" 2>&1 || true
        sed -n 's/^\([0-9]*\) scenarios\{0,1\}: [0-9]* passed, \([0-9]*\) failed.*/\2\/\1/p' \
            "$tmp/out" | tail -n 1
    }
    printf '%-30s %-12s %-12s %s\n' FAULT scenarios/ generated/ \
        "generated/ under TSan (when not natively)"
    for f in "$@"; do
        export MINISSL_FAULT="$f"
        hand=$(failed "$FB/sslstress" "$GEN_ITER" scenarios/)
        gen=$(failed "$FB/sslstress" "$GEN_ITER" "$DIR/")
        tsan=-
        case $gen in 0/*) tsan=$(failed "$TFB/sslstress" "$GEN_TSAN_ITER" "$DIR/") ;; esac
        printf '%-30s %-12s %-12s %s\n' "$f" "$hand" "$gen" "$tsan"
    done
    ;;
*)
    echo "usage: scripts/gen.sh [--check | --run | --faults [FAULT...]]" >&2
    exit 2
    ;;
esac
