#!/bin/sh
# The reports' checks of `make check` (also `make check-reports`):
#
#  1. every JSON report sslstress writes validates against
#     doc/sslstress-report.schema.json (tests/scripts/validate-report.py,
#     Debian's python3-jsonschema): a passing run, a failing one, a skipped
#     scenario, one that erred, a controlled run whose failure has a
#     timeline and a shrunk schedule, a replay, two shards and their merge,
#     a run under TSan with a detector report (when build/tsan is built, as
#     `make check` builds it before this), and the JSON that
#     scripts/detect.sh wrote in this `make check` (the whole suite
#     natively and under TSan);
#  2. every member stress/report_json.c and timeline.c can write is named by the schema
#     (read from the writer's source, so paths no run above takes count);
#     the validator refuses a report with a member the schema does not
#     know, and sslstress merge and diff refuse format_version 1 with a
#     message saying so;
#  3. HTML reports render with their pictures in headless Chromium
#     (tests/scripts/render-html.py): the passing run, the controlled
#     failure (its timeline), the merge of failing shards; and a page whose
#     pictures are there but of zero size is caught.  Skipped, saying so,
#     where /usr/bin/chromium is missing.
#
# Environment: BUILD (default build/native), DETECT_PREFIX (default build/),
# CHROMIUM (default /usr/bin/chromium).
set -eu
cd "$(dirname "$0")/../.."
B=${BUILD:-build/native}
P=${DETECT_PREFIX:-build/}
bin=$B/sslstress
here=tests/scripts
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-reports.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

say() { printf '%s\n' "== $*"; }
fail() { printf '%s\n' "check-reports: FAILED: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin not built (make)"

# run WANT CMD...: run sslstress quietly; its exit status must be WANT.
run() {
    want=$1; shift
    rc=0
    "$@" >"$tmp/out" 2>&1 || rc=$?
    [ "$rc" = "$want" ] || { cat "$tmp/out" >&2; fail "$* exited $rc, not $want"; }
}

# Two threads up_ref one SSL, then observe its count: both seeing 3 is
# not listed, so it is forbidden (a controlled schedule finds it).
cat >"$tmp/observe-order.scn" <<'SCN'
scenario observe-order
about "two threads up_ref and observe one SSL's count"
iterations 200

setup
  ctx c
  s = new c

thread A
  up_ref s
  observe a refs s
  free s

thread B
  up_ref s
  observe b refs s
  free s

check
  free s
  free c

outcome a=2 b=3 acceptable "A observed first"
outcome a=3 b=2 acceptable "B observed first"
outcome a=2 b=2 interesting "one thread finished before the other began"
SCN
# An expectation that is always false: fails every iteration.
cat >"$tmp/always-fails.scn" <<'SCN'
scenario always-fails
about "an expectation that never holds"
iterations 50

setup
  ctx c
  s = new c

thread A
  up_ref s
  free s

thread B
  up_ref s
  free s

check
  expect refs s == 2
  free s
  free c
SCN

# A global setter the library refuses: the scenario errs before its
# first iteration.
cat >"$tmp/global-fails.scn" <<'SCN'
scenario global-fails
about "a global setter that the library refuses"

global
  ctx c
  set c cipher_list=NO-SUCH-CIPHER

thread A
  spin 1

thread B
  spin 1
SCN

say "JSON reports of $bin"
run 0 "$bin" run -q --seed 1 -n 2000 --json "$tmp/pass.json" \
    --html "$tmp/pass.html" scenarios/updown-2.scn scenarios/dup-free-initial.scn \
    scenarios/error-stacks-per-thread.scn
run 1 "$bin" run -q --seed 1 --max-failures 3 --json "$tmp/fail.json" \
    "$tmp/always-fails.scn" scenarios/upref-free-last-2.scn
run 0 "$bin" run -q --seed 1 --json "$tmp/skip.json" \
    scenarios/race/setters-two-threads.scn
run 1 "$bin" run -q --seed 1 --json "$tmp/error.json" "$tmp/global-fails.scn"
grep -q '"errors": 1' "$tmp/error.json" ||
    fail "the global-fails run is not an error ($tmp/error.json)"
run 1 "$bin" run -q --seed 1 --schedule dfs:preemptions=2 --shrink \
    --json "$tmp/controlled.json" --html "$tmp/controlled.html" \
    "$tmp/observe-order.scn"
sched=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["results"][0]["failures"][0]["schedule"])' \
    "$tmp/controlled.json")
run 1 "$bin" replay "$tmp/observe-order.scn" --schedule "$sched" --times 3 \
    --json "$tmp/replay.json"
# Two shards of three (1/3 and 2/3 name two shards whether --shard counts
# from 0 or from 1), merged: a partial campaign, with a warning.
for s in 1 2; do
    run 1 "$bin" run -q --seed 5 -n 300 --max-failures 0 --shard "$s/3" \
        --json "$tmp/shard$s.json" "$tmp/always-fails.scn" \
        "$tmp/observe-order.scn" scenarios/updown-2.scn \
        scenarios/race/setters-two-threads.scn
done
run 1 "$bin" merge -q --json "$tmp/merged.json" --html "$tmp/merged.html" \
    "$tmp/shard1.json" "$tmp/shard2.json"
reports="pass fail skip error controlled replay shard1 shard2 merged"
files=
for r in $reports; do files="$files $tmp/$r.json"; done
# A TSan binary older than a source would report an older format.
stale=
[ -x "${P}tsan/sslstress" ] &&
    stale=$(find stress lib -name '*.[ch]' -newer "${P}tsan/sslstress" | head -n 1)
if [ -x "${P}tsan/sslstress" ] && [ -z "$stale" ]; then
    eval "$(scripts/detector-env.sh count)"
    SSLSTRESS_LOG_DIR="$tmp/tsan-logs" run 0 "${P}tsan/sslstress" run -q \
        --seed 1 --require-report --json "$tmp/tsan.json" \
        scenarios/race/setters-two-threads.scn
    grep -q '"detector_reports": [1-9]' "$tmp/tsan.json" ||
        fail "the TSan run has no detector report ($tmp/tsan.json)"
    files="$files $tmp/tsan.json"
else
    why="not built"
    [ -z "$stale" ] || why="older than $stale"
    echo "check-reports: ${P}tsan/sslstress $why: the detector report is SKIPPED (make tsan builds it)"
fi
# The suite's own reports of this make check (scripts/detect.sh), when
# they are newer than the binary that wrote them.
for j in "$P"native/detector-logs/*.json "$P"tsan/detector-logs/*.json; do
    [ -f "$j" ] || continue
    case $j in
    "$P"tsan/*) w=${P}tsan/sslstress; [ -z "$stale" ] || continue ;;
    *) w=${P}native/sslstress ;;
    esac
    if [ -n "$(find "$j" -newer "$w")" ]; then files="$files $j"; fi
done
# shellcheck disable=SC2086
$here/validate-report.py $files || fail "a report does not validate against doc/sslstress-report.schema.json"

say "every member the JSON writer can emit is one the schema names"
# A member written only on some paths (a failure's history, say, that only
# a replay which cannot fail alone sets) is missed by the runs above when
# no run takes that path: read the writer's keys from its source instead.
python3 - doc/sslstress-report.schema.json stress/report_json.c stress/timeline.c <<'PY' ||
import json, re, sys
schema, writers = sys.argv[1], sys.argv[2:]
keys = set()
for w in writers:
    keys |= set(re.findall(r'\b(?:put|jset)\(\w+, "(\w+)"', open(w).read()))
named = set()
def walk(o):
    if isinstance(o, dict):
        named.update(o.get("properties", {}))
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(json.load(open(schema)))
if not keys:
    sys.exit("check-reports: no put/jset(obj, \"key\", ...) in " + " ".join(writers))
missing = sorted(keys - named)
for k in missing:
    print("check-reports: %s writes \"%s\", which %s does not name" % (" or ".join(writers), k, schema))
print("%d members written, %d not in the schema" % (len(keys), len(missing)))
sys.exit(1 if missing else 0)
PY
    fail "the schema does not name every member the writer emits"

say "the schema and the reader refuse what is not format 2"
sed 's/"shrink": false/"shrink": false, "bogus": 1/' "$tmp/pass.json" >"$tmp/bogus.json"
grep -q '"bogus"' "$tmp/bogus.json" || fail "could not make the bad report"
if $here/validate-report.py "$tmp/bogus.json" >"$tmp/out" 2>&1; then
    fail "the schema accepted an unknown member of options"
fi
grep -q "options: Additional properties are not allowed ('bogus'" "$tmp/out" ||
    { cat "$tmp/out"; fail "the validator did not name the unknown member"; }
sed 's/"format_version": 2/"format_version": 1/' "$tmp/pass.json" >"$tmp/v1.json"
run 2 "$bin" merge -q "$tmp/v1.json"
grep -q "v1.json: format_version: 1 is the format of an older sslstress" "$tmp/out" ||
    { cat "$tmp/out"; fail "merge did not say why it refused format_version 1"; }
run 2 "$bin" diff "$tmp/v1.json" "$tmp/pass.json"
grep -q "v1.json: format_version: 1 is the format of an older sslstress" "$tmp/out" ||
    { cat "$tmp/out"; fail "diff did not say why it refused format_version 1"; }
echo "ok: the schema refuses an unknown member; merge and diff refuse format_version 1"

say "HTML reports in headless Chromium"
# Each colour must cover more pixels in the page than in the page without
# its <svg> elements (render-html.py): #1565c0 the throughput bars,
# #e0e0e0 the tracks of the measures, #2e7d32 a histogram's held or
# acceptable bar, #c62828 its failed or forbidden bar (and a timeline's
# fired step), #eceff1 a timeline's statement box.  The control: the
# passing page with every picture at zero size.
sed 's/<svg \([^>]*\) width="[0-9.]*" height="[0-9.]*"/<svg \1 width="0" height="0"/' \
    "$tmp/pass.html" >"$tmp/zero-size.html"
[ "$(grep -c '<svg ' "$tmp/pass.html")" = "$(grep -c 'width="0" height="0"' "$tmp/zero-size.html")" ] ||
    fail "could not make the pictures of zero size"
rc=0
$here/render-html.py "$tmp/pass.html=#1565c0,#e0e0e0,#2e7d32" \
    "$tmp/controlled.html=#1565c0,#eceff1,#c62828" \
    "$tmp/merged.html=#1565c0,#e0e0e0,#c62828" \
    "!$tmp/zero-size.html=#1565c0,#e0e0e0,#2e7d32" || rc=$?
case $rc in
0) echo "ok: every report drew its pictures; the page with empty ones was caught" ;;
77) echo "check-reports: the Chromium rendering is SKIPPED: ${CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)" ;;
*) fail "an HTML report rendered blank or without its pictures, or the control passed" ;;
esac
