#!/bin/sh
# Run the scenario suite on both backends and list where they differ.
#
#   scripts/backend-diff.sh [-n ITERATIONS] [-s SEED] [--tsan] [SCENARIO|DIR...]
#   (default: scenarios/ and tests/openssl/scenarios/, the departures from
#   the manual found on OpenSSL)
#
# Both binaries run the same files with the same seed and iterations and
# write JSON (build/backend-diff/minissl.json, openssl.json).  Per
# scenario the report lists:
#   - verdicts and skips (with the skip's reason) that differ;
#   - outcomes (the scenario's recorded values) seen on one backend and
#     never on the other;
#   - detector reports on one backend and not the other (--tsan: both
#     binaries built with ThreadSanitizer; OpenSSL's libssl itself is not
#     instrumented, see doc/openssl-findings.md).
# SSLSTRESS_MINISSL / SSLSTRESS_OPENSSL name prebuilt binaries (then
# nothing is built).
# Exit status: 0 the report was written (differences are findings, not
# failures), 2 a binary could not be built or produced no JSON.
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
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
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

python3 - "$out/minissl.json" "$out/openssl.json" <<'EOF'
import json, sys

def load(path):
    d = json.load(open(path))
    return d, {r["name"]: r for r in d["results"]}

(ma, mr), (oa, orr) = load(sys.argv[1]), load(sys.argv[2])
print("backends: %s (%s) vs %s (%s); seed %s, %s iterations per scenario"
      % (ma["backend"], ma["backend_version"], oa["backend"],
         oa["backend_version"], ma["seed"], ma["iterations"]))
print()

def outcomes(r):
    labels = r.get("labels") or []
    return {tuple(row["values"]): row for row in r.get("rows") or []}, labels

def verdict(r):
    v = r["verdict"].upper()
    return v + (" (%s)" % r["reason"] if r.get("reason") else "")

ndiff = 0
for name in sorted(set(mr) | set(orr)):
    a, b = mr.get(name), orr.get(name)
    lines = []
    if a is None or b is None:
        lines.append("only run on %s" % ("openssl" if a is None else "minissl"))
    else:
        if a["verdict"] != b["verdict"] or a.get("reason") != b.get("reason"):
            lines.append("verdict: minissl %s; openssl %s" % (verdict(a), verdict(b)))
        oa_, la = outcomes(a)
        ob_, lb = outcomes(b)
        skipped = a["verdict"] == "skip" or b["verdict"] == "skip"
        if not skipped:
            for vals in sorted(set(oa_) - set(ob_)):
                row = oa_[vals]
                lines.append("outcome only on minissl: %s = %s x%d (%s)"
                             % (",".join(la), ",".join(vals), row["count"], row["class"]))
            for vals in sorted(set(ob_) - set(oa_)):
                row = ob_[vals]
                lines.append("outcome only on openssl: %s = %s x%d (%s)"
                             % (",".join(lb), ",".join(vals), row["count"], row["class"]))
        for who, r, other in (("minissl", a, b), ("openssl", b, a)):
            if (r.get("detector_reports") or 0) > 0 and not (other.get("detector_reports") or 0):
                lines.append("detector only on %s: %d report(s): %s (log %s)"
                             % (who, r["detector_reports"], r.get("detector_summary"),
                                r.get("detector_log")))
            if r.get("failures") and not other.get("failures"):
                f = r["failures"][0]
                lines.append("failure only on %s: %s: %s" % (who, f.get("kind"), f.get("message")))
    if lines:
        ndiff += 1
        print(name)
        for l in lines:
            print("  " + l)
print()
print("%d of %d scenarios differ" % (ndiff, len(set(mr) | set(orr))))
# Every skip, on either backend, with its reason (a skip is never a pass).
for who, res in (("minissl", mr), ("openssl", orr)):
    skips = [(n, r.get("reason")) for n, r in sorted(res.items()) if r["verdict"] == "skip"]
    print("skipped on %s: %s" % (who, "none" if not skips else
          "; ".join("%s (%s)" % s for s in skips)))
EOF
