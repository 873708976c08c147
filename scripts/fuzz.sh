#!/bin/sh
# Run the libFuzzer targets (tests/fuzz/fuzz_NAME.c, built by `make
# fuzz-build` into build/fuzz/fuzz_NAME with clang, ASan and UBSan), each
# over its seeds for a bounded time or number of executions.
#
#   scripts/fuzz.sh [-t SECONDS] [-n RUNS] [-p JOBS] [-f] [--no-build]
#                   [--if-clang] [NAME...]
#   scripts/fuzz.sh --seeds [NAME...]
#
#   -t SECONDS   per target (default 60; with -n and no -t: no time bound)
#   -n RUNS      stop a target after RUNS executions
#   -p JOBS      targets run at a time (default 1); each is one process
#   -f           fresh: start from the seeds only, not the corpus kept in
#                build/fuzz/NAME/corpus from earlier runs
#   --no-build   do not run `make fuzz-build` first (the Makefile's targets)
#   --if-clang   when FUZZ_CC (clang) cannot link -fsanitize=fuzzer, say
#                so and exit 0 (`make fuzz-check` in `make check`)
#   --seeds      only (re)make the seeds of each NAME and say how many
#   NAME         record, scenario, schedule, json (default: all of them)
#
# Seeds, made from the tree at every run (build/fuzz/NAME/seeds; --seeds
# makes only them), so they follow the scenario language and the report
# format as they change:
#   record    tests/fuzz/corpus/record (records captured from handshakes)
#   scenario  every *.scn of scenarios/, tests/data/good and bad,
#             tests/openssl/scenarios and tests/fuzz
#   schedule  every schedule string (FINGERPRINT/STEPS) and --schedule
#             spec in doc/, README.md, tests/ and scripts/, and the
#             schedules of the reports made for `json`
#   json      reports of `sslstress run --json` (SSLSTRESS, default
#             build/native/sslstress) on a few scenarios: passing, with
#             outcomes, skipped, a shard, controlled-mode failures with
#             their timelines (tests/fuzz/preempt-once.scn), shrunk, dfs
#             exhausted, a replay, a merge; and a dictionary of the
#             reports' member names
# plus tests/fuzz/corpus/NAME (inputs that once found a bug, and hand-made
# hostile ones), which is read as it is.
#
# Each target is one libFuzzer process on one core (no -jobs/-workers),
# with -timeout=10 -rss_limit_mb=2048, ASan and UBSan.  Prints per target
# "NAME: Ns, E executions (R/s), C crashes, V edges, F features, corpus
# K/SIZE (N files in build/fuzz/NAME/corpus), peak rss M MB" (the corpus:
# the K inputs libFuzzer keeps at the end, SIZE their bytes; the directory
# also holds inputs it later replaced by smaller ones) and the fuzzer's
# command line.  A crash, leak, sanitizer report or timeout leaves its
# input in build/fuzz/NAME/crashes/ (emptied when NAME runs again) and
# prints "reproduce: build/fuzz/fuzz_NAME FILE".
# Exits 1 on any, 2 on a usage or build error.
set -u
secs= runs= jobs=1 fresh=0 build=1 seeds_only=0 if_clang=0
usage() {
    sed -n '6,19p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    -t) [ $# -ge 2 ] || usage; secs=$2; shift 2 ;;
    -n) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
    -p) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    -f) fresh=1; shift ;;
    --no-build) build=0; shift ;;
    --seeds) seeds_only=1; shift ;;
    --if-clang) if_clang=1; shift ;;
    -h|--help) usage ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage ;;
    *) break ;;
    esac
done
for v in "${secs:-1}" "${runs:-1}" "$jobs"; do
    case $v in ''|*[!0-9]*) echo "fuzz.sh: '$v' is not a number" >&2; exit 2 ;; esac
done
[ -n "$secs" ] || [ -n "$runs" ] || secs=60
[ "$jobs" -ge 1 ] || jobs=1
all=$(for f in tests/fuzz/fuzz_*.c; do n=${f#tests/fuzz/fuzz_}; echo "${n%.c}"; done)
[ $# -gt 0 ] || set -- $all
for t in "$@"; do
    case " $(echo $all) " in *" $t "*) ;; *)
        echo "fuzz.sh: no target '$t' (have: $(echo $all))" >&2; exit 2 ;;
    esac
done
B=build/fuzz
SSLSTRESS=${SSLSTRESS:-build/native/sslstress}
if [ "$if_clang" -eq 1 ] && [ "$seeds_only" -eq 0 ]; then
    probe=$(mktemp -d) || exit 2
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
        '{ (void)d; (void)n; return 0; }' > "$probe/p.c"
    if ! "${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined \
            -o "$probe/p" "$probe/p.c" >"$probe/log" 2>&1; then
        echo "fuzz.sh: SKIPPED: ${FUZZ_CC:-clang} cannot link -fsanitize=fuzzer" \
            "($(head -n 1 "$probe/log")); scripts/install-deps.sh installs" \
            "clang and libclang-rt-14-dev"
        rm -rf "$probe"
        exit 0
    fi
    rm -rf "$probe"
fi
if [ "$build" -eq 1 ]; then
    if [ "$seeds_only" -eq 1 ]; then
        ${MAKE:-make} --no-print-directory "$SSLSTRESS" || exit 2
    else
        ${MAKE:-make} --no-print-directory fuzz-build "$SSLSTRESS" || exit 2
    fi
fi

# One seed file per line of stdin, named by its checksum.
seed_lines() {
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        printf '%s' "$line" > "$1/$(printf '%s' "$line" | cksum | cut -d' ' -f1)"
    done
}

# The reports the json seeds are, and the schedule seeds come from.
reports() {
    d=$B/reports
    rm -rf "$d" && mkdir -p "$d" || exit 2
    if [ ! -x "$SSLSTRESS" ]; then
        echo "fuzz.sh: no $SSLSTRESS: no report seeds" >&2
        return
    fi
    run="$SSLSTRESS run -q --no-color"
    {
    $run -n 50 -s 1 --json "$d/pass.json" scenarios/updown-2.scn \
        scenarios/dup-free-initial.scn
    $run -n 200 -s 2 --json "$d/outcomes.json" scenarios/dup-dup-initial.scn
    $run -n 5 -s 3 --json "$d/skip.json" tests/data/good/outcomes.scn
    $run -n 20 -s 4 --shard 1/2 --json "$d/shard.json" scenarios/dup-free-*.scn
    $run -s 5 --schedule dfs:preemptions=1 --json "$d/dfs.json" \
        tests/fuzz/preempt-once.scn
    $run -n 200 -s 6 --schedule pct:depth=2 --shrink --json "$d/shrunk.json" \
        tests/fuzz/preempt-once.scn
    $run -s 7 --schedule dfs:preemptions=1 --json "$d/exhausted.json" \
        scenarios/upref-free-last-2.scn
    $SSLSTRESS merge --quiet --no-color --json "$d/merged.json" "$d/shard.json"
    sched=$(sed -n 's/^ *"schedule": "\([0-9a-f]\{8\}\/[^"]*\)",*$/\1/p' \
        "$d/dfs.json" | head -n 1)
    $SSLSTRESS replay -q --times 2 --json "$d/replay.json" \
        tests/fuzz/preempt-once.scn --schedule "$sched"
    } >/dev/null 2>&1
    for f in pass outcomes skip shard dfs shrunk exhausted merged replay; do
        [ -s "$d/$f.json" ] || echo "fuzz.sh: warning: no seed $d/$f.json" >&2
    done
}

make_seeds() {
    d=$B/$1/seeds
    rm -rf "$d" && mkdir -p "$d" || exit 2
    case $1 in
    scenario)
        for f in scenarios/*.scn scenarios/*/*.scn tests/data/*/*.scn \
                 tests/openssl/scenarios/*.scn tests/fuzz/*.scn; do
            [ -f "$f" ] && cp "$f" "$d/$(echo "$f" | tr / _)"
        done
        # A dictionary: the words of the scenarios that pass (keywords,
        # keys, constants), outside comments, and the language's marks.
        { cat scenarios/*.scn scenarios/*/*.scn tests/data/good/*.scn \
              tests/openssl/scenarios/*.scn 2>/dev/null | sed 's/#.*//' |
              grep -oE '[A-Za-z_][A-Za-z0-9_]*' | sort -u
          printf '%s\n' '=' '==' '!=' '(' ')' ',' '.' '#' '\x0A' '\x22'
        } | sed 's/"/\\"/g; s/.*/"&"/' > "$B/scenario/dict" ;;
    json)
        cp "$B"/reports/*.json "$d/" 2>/dev/null
        # A dictionary: the member names the reports use, and the words of
        # the enumerations.
        { cat "$B"/reports/*.json | grep -oE '"[a-z_]+":' | sort -u
          for w in pass fail skip error acceptable interesting forbidden \
                   free random replay none low high; do echo "\"$w\""; done
        } | sed 's/"/\\"/g; s/.*/"&"/' > "$B/json/dict" ;;
    schedule)
        { grep -rhoE '[0-9a-f]{8}/[A-Za-z0-9_:,]*' doc README.md tests scripts \
              "$B/reports"
          grep -rhoE '(random|pct:depth=[0-9]+|dfs:preemptions=[0-9]+)' \
              doc README.md tests scripts
        } 2>/dev/null | sort -u | seed_lines "$d"
        # A dictionary: the strategies, the thread names of fuzz_schedule.c's
        # scenarios, the marks.
        printf '"%s"\n' random pct:depth= dfs:preemptions= A B duper owner \
            own A_1 T0 T63 : , / > "$B/schedule/dict" ;;
    esac
    return 0
}

# run NAME: one target; writes build/fuzz/NAME/result (the summary line)
# and exits with its status.
run() {
    t=$1 dir=$B/$1
    log=$dir/fuzz.log
    mkdir -p "$dir/corpus" "$dir/crashes" || exit 2
    [ "$fresh" -eq 0 ] || { rm -rf "$dir/corpus" && mkdir -p "$dir/corpus"; }
    rm -f "$dir"/crashes/*
    make_seeds "$t"
    case $t in
    record) opt=-max_len=4096 ;;
    scenario) opt=-max_len=8192 ;;
    schedule) opt=-max_len=512 ;;
    json) opt=-max_len=8192 ;;
    *) opt= ;;
    esac
    [ ! -s "$dir/dict" ] || opt="$opt -dict=$dir/dict"
    set -- "$B/fuzz_$t" $opt -max_total_time="${secs:-0}" -runs="${runs:--1}" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/" "$dir/corpus" "$dir/seeds"
    [ ! -d "tests/fuzz/corpus/$t" ] || set -- "$@" "tests/fuzz/corpus/$t"
    echo "$*" > "$dir/command"
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    end=$(date +%s)
    final() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
    crashes=$(find "$dir/crashes" -type f \( -name 'crash-*' -o -name 'leak-*' \
        -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    # libFuzzer's last line: "#N DONE cov: E ft: F corp: K/SIZE ..."
    done_=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
    cov=$(echo "$done_" | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1 edges, \2 features, corpus \3/p')
    echo "$t: $((end - start))s, $(final number_of_executed_units) executions" \
        "($(final average_exec_per_sec)/s), $crashes crashes, ${cov:-no final" \
        "stats} ($(ls "$dir/corpus" | wc -l) files in $dir/corpus), peak rss" \
        "$(final peak_rss_mb) MB (log: $log)" > "$dir/result"
    [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]
}

status=0
report() {
    cat "$B/$1/result"
    echo "  $(cat "$B/$1/command")"
    if [ "$2" -ne 0 ]; then
        status=1
        tail -n 30 "$B/$1/fuzz.log"
        for f in "$B/$1/crashes/"*; do
            [ ! -f "$f" ] || echo "reproduce: $B/fuzz_$1 $f"
        done
        echo "fuzz.sh: $1 FAILED"
    fi
}
case " $* " in *" json "*|*" schedule "*) reports ;; esac
if [ "$seeds_only" -eq 1 ]; then
    for t in "$@"; do
        make_seeds "$t"
        kept=0
        [ ! -d "tests/fuzz/corpus/$t" ] || kept=$(ls "tests/fuzz/corpus/$t" | wc -l)
        echo "$t: $(ls "$B/$t/seeds" | wc -l) seeds in $B/$t/seeds, $kept kept in tests/fuzz/corpus/$t"
    done
    exit 0
fi
# Batches of JOBS targets at a time.
while [ $# -gt 0 ]; do
    batch=
    i=0
    while [ $# -gt 0 ] && [ "$i" -lt "$jobs" ]; do
        run "$1" &
        batch="$batch $1:$!"
        i=$((i + 1))
        shift
    done
    for tp in $batch; do
        wait "${tp#*:}"
        report "${tp%%:*}" $?
    done
done
exit $status
