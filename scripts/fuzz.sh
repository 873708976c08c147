#!/bin/sh
# Build tests/fuzz/fuzz_record.c with clang's libFuzzer and AddressSanitizer
# and run it for a bounded time over a copy of the seed corpus.
#   scripts/fuzz.sh [SECONDS] [BUILDDIR]     (defaults: 60, build/fuzz)
# Prints the executions and the crashes found; exits 1 on any crash.
set -u
secs=${1:-60}
bdir=${2:-build/fuzz}
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null 2>&1 || cc=clang-14
mkdir -p "$bdir/corpus" "$bdir/crashes"
bin="$bdir/fuzz_record"
$cc -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_GNU_SOURCE -Ilib/include -Ilib/src \
    tests/fuzz/fuzz_record.c lib/src/*.c -pthread -o "$bin" || exit 2
cp tests/fuzz/corpus/* "$bdir/corpus/" 2>/dev/null
log="$bdir/fuzz.log"
"$bin" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$bdir/crashes/" "$bdir/corpus" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
crashes=$(find "$bdir/crashes" -type f | wc -l)
echo "fuzz_record: ${secs}s, ${execs:-?} executions, $crashes crashes (log: $log)"
[ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || { tail -n 30 "$log"; exit 1; }
