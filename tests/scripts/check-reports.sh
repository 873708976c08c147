#!/bin/sh
# The reports' checks of `make check` (also `make check-reports`):
#
#  1. every JSON report sslstress writes validates against
#     doc/sslstress-report.schema.json (tests/scripts/validate-report.py,
#     Debian's python3-jsonschema): a passing run, a failing one, a skipped
#     scenario, a controlled run whose failure has a timeline and a shrunk
#     schedule, a replay, two shards and their merge, a run under TSan with
#     a detector report (when build/tsan is built, as `make check` builds
#     it before this), and the JSON that scripts/detect.sh wrote in this
#     `make check` (the whole suite natively and under TSan);
#  2. the validator refuses a report with a member the schema does not
#     know, and sslstress merge refuses format_version 1 with a message
#     saying so;
#  3. HTML reports render with their pictures in headless Chromium
#     (tests/scripts/render-html.py): the passing run, the controlled
#     failure (its timeline), the merge; and the same page with its SVG
#     taken out is caught as missing its pictures.  Skipped, saying so,
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

say "JSON reports of $bin"
run 0 "$bin" run -q --seed 1 -n 2000 --json "$tmp/pass.json" \
    --html "$tmp/pass.html" scenarios/updown-2.scn scenarios/dup-free-initial.scn
run 1 "$bin" run -q --seed 1 --max-failures 3 --json "$tmp/fail.json" \
    "$tmp/always-fails.scn" scenarios/upref-free-last-2.scn
run 0 "$bin" run -q --seed 1 --json "$tmp/skip.json" \
    scenarios/race/setters-two-threads.scn
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
reports="pass fail skip controlled replay shard1 shard2 merged"
files=
for r in $reports; do files="$files $tmp/$r.json"; done
if [ -x "${P}tsan/sslstress" ]; then
    eval "$(scripts/detector-env.sh count)"
    SSLSTRESS_LOG_DIR="$tmp/tsan-logs" run 0 "${P}tsan/sslstress" run -q \
        --seed 1 --require-report --json "$tmp/tsan.json" \
        scenarios/race/setters-two-threads.scn
    grep -q '"detector_reports": [1-9]' "$tmp/tsan.json" ||
        fail "the TSan run has no detector report ($tmp/tsan.json)"
    files="$files $tmp/tsan.json"
else
    echo "check-reports: ${P}tsan/sslstress not built: the detector report is SKIPPED (make tsan builds it)"
fi
# The suite's own reports of this make check (scripts/detect.sh), when
# they are newer than the binary that wrote them.
for j in "$P"native/detector-logs/*.json "$P"tsan/detector-logs/*.json; do
    [ -f "$j" ] || continue
    case $j in "$P"tsan/*) w=${P}tsan/sslstress ;; *) w=${P}native/sslstress ;; esac
    if [ -n "$(find "$j" -newer "$w")" ]; then files="$files $j"; fi
done
# shellcheck disable=SC2086
$here/validate-report.py $files || fail "a report does not validate against doc/sslstress-report.schema.json"

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
echo "ok: the schema refuses an unknown member; merge refuses format_version 1"

say "HTML reports in headless Chromium"
# The colours are fills of the pictures only: #1565c0 a throughput bar,
# #2e7d32 a pass verdict or an acceptable outcome, #eceff1 a timeline's
# statement box, #c62828 a forbidden outcome or a failing verdict.
perl -0pe 's{<svg.*?</svg>}{}gs' "$tmp/pass.html" >"$tmp/no-svg.html"
! grep -q '<svg' "$tmp/no-svg.html" || fail "could not strip the pictures"
rc=0
$here/render-html.py "$tmp/pass.html=#1565c0,#2e7d32" \
    "$tmp/controlled.html=#1565c0,#eceff1,#c62828" \
    "$tmp/merged.html=#1565c0,#c62828" || rc=$?
case $rc in
0) ;;
77) echo "check-reports: the Chromium rendering is SKIPPED: ${CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)"
   exit 0 ;;
*) fail "an HTML report rendered blank or without its pictures" ;;
esac
if $here/render-html.py "$tmp/no-svg.html=#1565c0"; then
    fail "the rendering check passed a page without its pictures"
fi
echo "ok: every report drew its pictures; the page without them was caught"
