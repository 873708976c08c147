#!/bin/sh
# replay-check.sh: every failure a seeded bug prints replays (issue 14).
#
#   scripts/replay-check.sh [BUG...]
#
# For every scenarios/bugs/*.scn (or the BUG names given), in each mode:
#   free     free-running, seed 1, at most 200000 iterations or 20 s, in
#            the faults build (FAULTS, default build/faults), or in the
#            tsan-faults build (TSAN, default build/tsan-faults) for a
#            scenario marked "# detector: tsan", as check-faults.sh does;
#   random, pct:depth=3, dfs:preemptions=2
#            controlled, seed 1, in the sched build (SCHED, default
#            build/sched);
# the run must fail, and the replay it prints is run REPLAYS (20) times.
# Controlled: `replay --times 20`, which runs each replay in a fresh
# process; counted: the replays that failed as the first did (kind and
# step).  Free-running: the printed `run` command REPLAYS times, each a
# process of its own; counted: the runs that failed (exit 1); those whose
# first failure is of another kind than the original's are named (a race
# such as ssl_ref_nonatomic's lost update can leak or free early: which
# update is lost is not the replay's to choose).  A cell is "it I: K/20":
# the iteration the run failed at, the replays that failed again; "(h)"
# marks a replay that runs the iterations before its failure first
# (history.h); ", N KIND": N of them failed by KIND.
# A fault in MEMORY_ORDER (ssl_free_relaxed: a missing acquire) cannot
# fail under a scheduler that runs one thread at a time; its controlled
# runs are shown ("-") and not judged.  Prints a Markdown table and the
# wall time; exit 0 when every judged replay failed again REPLAYS times out
# of REPLAYS, 1 otherwise, 2 when a build cannot be made.
set -u
cd "$(dirname "$0")/.." || exit 2
MAKE=${MAKE:-make}
FAULTS=${FAULTS:-build/faults}
TSAN=${TSAN:-build/tsan-faults}
SCHED=${SCHED:-build/sched}
REPLAYS=${REPLAYS:-20}
LIMIT=${LIMIT:-120}          # seconds per command
MEMORY_ORDER=${MEMORY_ORDER:-ssl_free_relaxed}
STRATEGIES="random pct:depth=3 dfs:preemptions=2"
unset MINISSL_FAULT
# The detectors' options, as check-faults.sh sets them.
eval "$(scripts/detector-env.sh first)"

need_tsan=no
grep -l '^# detector: tsan' scenarios/bugs/*.scn >/dev/null 2>&1 && need_tsan=yes
for v in faults:$FAULTS sched:$SCHED tsan-faults:$TSAN; do
    variant=${v%%:*} dir=${v#*:}
    [ "$variant" = tsan-faults ] && [ $need_tsan = no ] && continue
    # Up to date, not only there: a stale binary would check old code.
    if ! out=$($MAKE --no-print-directory VARIANT="$variant" \
            BUILDDIR="$dir" "$dir/sslstress" 2>&1); then
        printf '%s\n' "$out" >&2
        exit 2
    fi
    printf '%s\n' "$out" | grep -v -e '^  \(CC\|LD\|AR\) ' -e 'is up to date' -e '^$' >&2
done
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# The kind of a run's first failure ("expect", "crash", ...).
kind_of() { sed -n '/^FAILURE in/{n;s/^  \([a-z]*\):.*/\1/p;}' "$1" | head -n 1; }
replay_of() { sed -n 's/^  replay: //p' "$1" | head -n 1; }
# The iteration of a run's first failure.
iteration_of() {
    sed -n 's/^FAILURE in .*: iteration \([0-9]*\),.*/\1/p' "$1" | head -n 1
}
# A table cell: "it I: K/REPLAYS", "(h)" when the run printed a history.
cell() {
    c="it $(iteration_of "$1"): $2/$REPLAYS"
    grep -q '^  history: ' "$1" && c="$c (h)"
    echo "$c"
}

if [ $# -gt 0 ]; then
    files=
    for b in "$@"; do files="$files scenarios/bugs/$b.scn"; done
else
    files=$(ls scenarios/bugs/*.scn)
fi

status=0
t0=$(date +%s)
echo "## Replays of the seeded bugs' failures (${REPLAYS} each)"
echo
echo "| bug | free | random | pct:depth=3 | dfs:preemptions=2 |"
echo "|---|---|---|---|---|"
for f in $files; do
    name=$(basename "$f" .scn)
    mo=
    case " $MEMORY_ORDER " in *" $name "*) mo=yes ;; esac
    row="| $name"

    # Free-running: the printed `run` command, REPLAYS processes.
    bin=$FAULTS/sslstress
    grep -q '^# detector: tsan' "$f" && bin=$TSAN/sslstress
    timeout "$LIMIT" "$bin" run -q --no-color --seed 1 --iterations 200000 \
        --duration 20s "$f" >"$tmp/run" 2>/dev/null
    cmd=$(replay_of "$tmp/run")
    kind=$(kind_of "$tmp/run")
    if [ -z "$cmd" ]; then
        row="$row | no failure"
        status=1
    else
        k=0 i=0
        : >"$tmp/kinds"
        while [ $i -lt "$REPLAYS" ]; do
            # shellcheck disable=SC2086 # the printed command, split as a shell would
            timeout "$LIMIT" $cmd -q --no-color >"$tmp/r" 2>/dev/null
            if [ $? -eq 1 ]; then
                k=$((k + 1))
                rk=$(kind_of "$tmp/r")
                [ "$rk" = "$kind" ] || echo "${rk:-no failure line}" >>"$tmp/kinds"
            fi
            i=$((i + 1))
        done
        c=$(cell "$tmp/run" "$k")
        # A race's replay may lose the other update: name those kinds.
        other=$(sort "$tmp/kinds" | uniq -c |
                awk '{ printf "%s%d %s", (NR > 1 ? ", " : ""), $1, $2 }')
        [ -n "$other" ] && c="$c, $other"
        row="$row | $c"
        [ "$k" -eq "$REPLAYS" ] || status=1
    fi

    # Controlled: `replay --times REPLAYS` of the printed schedule.
    for st in $STRATEGIES; do
        timeout "$LIMIT" "$SCHED/sslstress" run -q --no-color --seed 1 \
            --schedule "$st" "$f" >"$tmp/run" 2>/dev/null
        cmd=$(replay_of "$tmp/run")
        if [ -z "$cmd" ]; then
            if [ -n "$mo" ]; then
                row="$row | - (memory order)"
            else
                row="$row | no failure"
                status=1
            fi
            continue
        fi
        # The command quotes its schedule: let the shell read it.
        eval "timeout $LIMIT $cmd --times $REPLAYS -q --no-color" \
            >"$tmp/r" 2>/dev/null
        k=$(sed -n 's/^replayed [0-9]* times*: [0-9]* failed, \([0-9]*\) the same way.*/\1/p' "$tmp/r")
        k=${k:-0}
        row="$row | $(cell "$tmp/run" "$k")"
        [ "$k" -eq "$REPLAYS" ] || status=1
    done
    echo "$row |"
done
echo
echo "wall time: $(($(date +%s) - t0)) s"
exit $status
