#!/bin/sh
# sched-eval.sh: how controlled scheduling (issue 9) does on the seeded
# races, and that the correct minissl passes exhaustive exploration.
#
#   scripts/sched-eval.sh [BUG...]        BUILD=build/sched by default
#
# For every scenarios/bugs/*.scn (or the BUG names given), in a sched build
# (-DMINISSL_SCHED -DMINISSL_FAULTS; the file's `fault` header switches its
# fault on):
#   - dfs:preemptions=0 first: a fault found without any preemption is a
#     plain (order or single-thread) bug, listed but not judged as a race;
#   - the races: dfs:preemptions=2 (found? schedules, seconds), pct:depth=3
#     over seeds 1..20 with at most 1000 runs each (how many seeds found
#     it), the replay the dfs failure printed run 100 times, each in a
#     fresh process (how many failed the same way at the same step), and
#     --shrink (the shrunk schedule's preemptions);
# then dfs:preemptions=2 over the suite's 2- and 3-thread scenarios in
# scenarios/ with no fault: each must pass every schedule, exhausted or,
# where they do not all fit in EXHAUST_BUDGET seconds (default 10), every
# schedule explored within it ("budget").
# Prints two Markdown tables.  Exit 0 when every judged race was found by
# dfs, replayed 100/100 and the correct library passed everything, else 1.
# MEMORY_ORDER lists the faults that are ordering bugs, not interleaving
# bugs (ssl_free_relaxed: a relaxed decrement before the destructor, a
# missing acquire): under a scheduler that runs one thread at a time every
# execution is sequentially consistent, so no schedule can show them (TSan,
# Helgrind and DRD do).  They are run and shown like the others, marked,
# and do not decide the exit status.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build/sched}
S=$BUILD/sslstress
PCT_SEEDS=${PCT_SEEDS:-20}
PCT_RUNS=${PCT_RUNS:-1000}
REPLAYS=${REPLAYS:-100}
LIMIT=${LIMIT:-600}          # seconds per command
MEMORY_ORDER=${MEMORY_ORDER:-ssl_free_relaxed}
unset MINISSL_FAULT

if [ ! -x "$S" ]; then
    make --no-print-directory VARIANT=sched BUILDDIR="$BUILD" "$S" >&2 || exit 2
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# field FILE: values from a run's output
verdict() { sed -n 's/^verdict: \([A-Z]*\).*/\1/p' "$1" | head -n 1; }
scheds() { sed -n 's/^  schedules: \([0-9]*\) in \([0-9.]*\) s.*/\1 \2/p' "$1" | head -n 1; }
# The printed replay command (with its history, if it needs one).
replay_of() { sed -n 's/^  replay: //p' "$1" | head -n 1; }

status=0
if [ $# -gt 0 ]; then
    files=
    for b in "$@"; do files="$files scenarios/bugs/$b.scn"; done
else
    files=$(ls scenarios/bugs/*.scn)
fi

echo "## Seeded races under controlled scheduling ($S)"
echo
echo "| fault | dfs:preemptions=2 found | schedules | seconds | pct:depth=3 seeds | replay ${REPLAYS}x | shrunk preemptions |"
echo "|---|---|---|---|---|---|---|"
plain=
for f in $files; do
    name=$(basename "$f" .scn)
    timeout "$LIMIT" "$S" run -q --no-color --seed 1 \
        --schedule dfs:preemptions=0 "$f" >"$tmp/d0" 2>&1
    if [ "$(verdict "$tmp/d0")" = FAIL ]; then
        plain="$plain $name"
        continue
    fi
    t0=$(date +%s.%N)
    timeout "$LIMIT" "$S" run -q --no-color --seed 1 \
        --schedule dfs:preemptions=2 "$f" >"$tmp/d2" 2>&1
    t1=$(date +%s.%N)
    v=$(verdict "$tmp/d2")
    # shellcheck disable=SC2046 # split on purpose: "N SECONDS"
    set -- $(scheds "$tmp/d2") - -
    n=$1 secs=$2
    [ "$secs" = - ] && secs=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
    mo=
    case " $MEMORY_ORDER " in *" $name "*) mo=yes ;; esac
    if [ "$v" = FAIL ]; then
        found=yes
    else
        found="no ($v$(grep -q exhausted "$tmp/d2" && echo ", exhausted"))"
        if [ -n "$mo" ]; then
            found="$found; memory-order bug, no schedule can show it"
        else
            status=1
        fi
    fi
    hits=0
    s=1
    while [ "$s" -le "$PCT_SEEDS" ]; do
        timeout "$LIMIT" "$S" run -q --no-color --seed "$s" -n "$PCT_RUNS" \
            --schedule pct:depth=3 "$f" >"$tmp/p" 2>&1
        [ "$(verdict "$tmp/p")" = FAIL ] && hits=$((hits + 1))
        s=$((s + 1))
    done
    rep=-
    shr=-
    cmd=$(replay_of "$tmp/d2")
    if [ -n "$cmd" ]; then
        # The command quotes its schedule: let the shell read it.
        eval "timeout $LIMIT $cmd --times $REPLAYS --no-color" \
            >"$tmp/r" 2>/dev/null
        rep=$(sed -n 's/^replayed [0-9]* times*: [0-9]* failed, \([0-9]*\) the same way.*/\1/p' "$tmp/r")
        rep="${rep:-0}/$REPLAYS"
        [ "$rep" = "$REPLAYS/$REPLAYS" ] || status=1
        timeout "$LIMIT" "$S" run -q --no-color --seed 1 --shrink \
            --schedule dfs:preemptions=2 "$f" >"$tmp/s" 2>&1
        shr=$(sed -n 's/^  replay shrunk (\([0-9]*\) preemption.*original \([0-9]*\),.*/\1 (dfs: \2)/p' "$tmp/s" | head -n 1)
        [ -n "$shr" ] || shr=-
    fi
    echo "| $name | $found | $n | $secs | $hits/$PCT_SEEDS | $rep | $shr |"
done
echo
if [ -n "$plain" ]; then
    echo "Found by dfs:preemptions=0 (no preemption needed: plain bugs, not races):$plain"
    echo
fi

echo "## The correct minissl, dfs:preemptions=2 (2- and 3-thread scenarios)"
echo
echo "| scenario | threads | verdict | schedules | seconds |"
echo "|---|---|---|---|---|"
for f in scenarios/*.scn; do
    nt=$(grep -c '^thread ' "$f")
    if [ "$nt" -lt 2 ] || [ "$nt" -gt 3 ]; then
        continue
    fi
    # EXHAUST_BUDGET seconds each: a scenario whose schedules do not all
    # fit (the handshake-path ones: thousands of steps) must pass every
    # schedule explored within it, and is listed as "budget".
    timeout "$LIMIT" "$S" run -q --no-color --seed 1 \
        --duration "${EXHAUST_BUDGET:-10}s" \
        --schedule dfs:preemptions=2 "$f" >"$tmp/c" 2>&1
    v=$(verdict "$tmp/c")
    # shellcheck disable=SC2046 # split on purpose: "N SECONDS"
    set -- $(scheds "$tmp/c") - -
    ex=$(grep -q 'exhausted:' "$tmp/c" && echo exhausted || echo "budget")
    # A scenario minissl cannot run (its key objects) is skipped, saying
    # why, and judged on the backends that have what it needs.
    if grep -q ' 0 passed, 0 failed, 1 skipped' "$tmp/c"; then
        why=$("$S" run --no-color -n 1 "$f" 2>&1 | sed -n 's/^\[1\/1\] [^:]*: SKIP (\(.*\))$/\1/p')
        echo "| $(basename "$f" .scn) | $nt | SKIP ($why) | - | - |"
        continue
    fi
    if [ "$v" != PASS ]; then
        status=1
    fi
    echo "| $(basename "$f" .scn) | $nt | $v, $ex | $1 | $2 |"
done
exit $status
