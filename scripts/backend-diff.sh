#!/bin/sh
# Run the scenario suite on every built backend and list where they differ.
#
#   scripts/backend-diff.sh [-n ITERATIONS] [-s SEED] [--tsan] [SCENARIO|DIR...]
#   (default: scenarios/ and tests/openssl/scenarios/, the departures from
#   the manual found on OpenSSL)
#
# The backends are the ones the Makefile builds (`make print-backends`):
# sslstress (minissl), sslstress-openssl (the system OpenSSL, or the one
# OPENSSL_PREFIX= names) and sslstress-boringssl where BoringSSL's headers
# are installed; they are built first.  Each runs the same files with the
# same seed and iterations and writes JSON (build/backend-diff/NAME.json,
# NAME its backend: minissl, openssl, boringssl), and `sslstress diff`
# compares them all at once.  Per scenario the report lists:
#   - verdicts and skips (with the skip's reason) that differ;
#   - outcomes (the scenario's recorded values) seen on one backend and
#     never on another that ran the scenario;
#   - detector reports and failures on one backend and not another
#     (--tsan: every binary built with ThreadSanitizer; the TLS libraries
#     themselves are not instrumented, see doc/openssl-findings.md);
# then the skips of each backend with their reasons.
# SSLSTRESS_BACKENDS="BIN BIN..." names prebuilt binaries instead (two or
# more; then nothing is built).  MAKE and make's variables in the
# environment (OPENSSL_PREFIX, BORINGSSL_INC, ...) reach the build.
# Exit status: 0 the report was written (differences are findings, not
# failures), 2 a binary could not be built, produced no JSON, or the
# comparison failed.
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
n=2000
seed=1
tsan=0
while [ $# -gt 0 ]; do
    case "$1" in
        -n) n=$2; shift 2 ;;
        -s) seed=$2; shift 2 ;;
        --tsan) tsan=1; shift ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        -*) echo "backend-diff: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- scenarios/ tests/openssl/scenarios/
out=build/backend-diff
mkdir -p "$out"

variant=native
[ "$tsan" = 0 ] || variant=tsan
if [ -n "${SSLSTRESS_BACKENDS:-}" ]; then
    bins=$SSLSTRESS_BACKENDS
else
    bins=$($MAKE --no-print-directory -s VARIANT=$variant print-backends) || exit 2
    # shellcheck disable=SC2086
    $MAKE --no-print-directory -s VARIANT=$variant $bins || exit 2
fi
# --tsan: the detectors' options, mode first (with -f 1, the first report
# of a scenario is its finding on that backend).
[ "$tsan" = 0 ] || eval "$(scripts/detector-env.sh first)"

jsons=
first=
for bin in $bins; do
    name=$("$bin" -V | sed -n 's/^.*(backend \([^:]*\):.*$/\1/p')
    [ -n "$name" ] || { echo "backend-diff: $bin -V names no backend" >&2; exit 2; }
    echo "backend-diff: $name ($bin)" >&2
    # Exit 1 means "a failure was found": still a result to compare.
    "$bin" run -q --no-color -n "$n" -s "$seed" -f 1 --json "$out/$name.json" \
        "$@" >"$out/$name.txt" 2>&1 || true
    [ -s "$out/$name.json" ] || { echo "backend-diff: no results in $out/$name.json" >&2; exit 2; }
    jsons="$jsons $out/$name.json"
    [ -n "$first" ] || first=$bin
done
[ "$(echo $jsons | wc -w)" -ge 2 ] ||
    { echo "backend-diff: fewer than two backends ($bins)" >&2; exit 2; }

# The comparison: sslstress diff (stress/diff.c); its exit status 1 says
# that the backends differ, which is this script's result, not a failure.
# shellcheck disable=SC2086
"$first" diff $jsons || [ $? -eq 1 ] || exit 2
