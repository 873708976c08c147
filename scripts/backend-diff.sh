#!/bin/sh
# Run the scenario suite on both backends and list where they differ.
#
#   scripts/backend-diff.sh [-n ITERATIONS] [-s SEED] [--tsan] [SCENARIO|DIR...]
#   (default: scenarios/ and tests/openssl/scenarios/, the departures from
#   the manual found on OpenSSL)
#
# Both binaries run the same files with the same seed and iterations and
# write JSON (build/backend-diff/minissl.json, openssl.json), and
# `sslstress diff` compares them.  Per scenario the report lists:
#   - verdicts and skips (with the skip's reason) that differ;
#   - outcomes (the scenario's recorded values) seen on one backend and
#     never on the other;
#   - detector reports and failures on one backend and not the other
#     (--tsan: both binaries built with ThreadSanitizer; OpenSSL's libssl
#     itself is not instrumented, see doc/openssl-findings.md);
# then the skips of each backend with their reasons.
# SSLSTRESS_MINISSL / SSLSTRESS_OPENSSL name prebuilt binaries (then
# nothing is built).
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
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        -*) echo "backend-diff: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- scenarios/ tests/openssl/scenarios/
out=build/backend-diff
mkdir -p "$out"

if [ -n "${SSLSTRESS_MINISSL:-}" ] && [ -n "${SSLSTRESS_OPENSSL:-}" ]; then
    ms=$SSLSTRESS_MINISSL
    os=$SSLSTRESS_OPENSSL
elif [ "$tsan" = 1 ]; then
    $MAKE --no-print-directory -s VARIANT=tsan build/tsan/sslstress \
        build/openssl-tsan/sslstress-openssl || exit 2
    ms=build/tsan/sslstress
    os=build/openssl-tsan/sslstress-openssl
else
    $MAKE --no-print-directory -s build/native/sslstress \
        build/openssl/sslstress-openssl || exit 2
    ms=build/native/sslstress
    os=build/openssl/sslstress-openssl
fi
# --tsan: the detectors' options, mode first (with -f 1, the first report
# of a scenario is its finding on that backend).
[ "$tsan" = 0 ] || eval "$(scripts/detector-env.sh first)"

# Exit 1 means "a failure was found": still a result to compare.
"$ms" run -q --no-color -n "$n" -s "$seed" -f 1 --json "$out/minissl.json" \
    "$@" >"$out/minissl.txt" 2>&1 || true
"$os" run -q --no-color -n "$n" -s "$seed" -f 1 --json "$out/openssl.json" \
    "$@" >"$out/openssl.txt" 2>&1 || true
for f in "$out/minissl.json" "$out/openssl.json"; do
    [ -s "$f" ] || { echo "backend-diff: no results in $f" >&2; exit 2; }
done

# The comparison: sslstress diff (stress/diff.c); its exit status 1 says
# that the backends differ, which is this script's result, not a failure.
"$ms" diff "$out/minissl.json" "$out/openssl.json" || [ $? -eq 1 ] || exit 2
