#!/bin/sh
# Run the project's tests under a race or memory detector.
#   scripts/detect.sh tsan|asan     build/VARIANT: every unit suite, then the
#                                   scenario suite, under the sanitizer
#   scripts/detect.sh helgrind|drd  the native build's threaded suites and a
#                                   bounded scenario run under Valgrind
#   scripts/detect.sh check         what `make check` runs after the unit
#                                   suites: scenarios natively, the TSan run,
#                                   a bounded Helgrind and DRD run
# A detector report anywhere is a failure.  Environment:
#   VG_ROUNDS     rounds of the threaded suites under Valgrind (default 2000)
#   SUITE_ITER    iterations per scenario under a detector (default 200)
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
VG_ROUNDS=${VG_ROUNDS:-2000}
SUITE_ITER=${SUITE_ITER:-200}
# Threaded unit suites: the ones that race on purpose.
THREADED="test_concurrency test_handshake_threads"

say() { printf '%s\n' "== $*"; }

threaded_bins() {
    for t in $THREADED; do
        [ -x "$1/tests/lib/$t" ] && printf '%s ' "$1/tests/lib/$t"
    done
    return 0
}

suite() {   # suite BUILDDIR ITER [wrapper...]
    b=$1; it=$2; shift 2
    [ -f stress/main.c ] || return 0      # the harness is not in this tree yet
    say "scenario suite ($b, $it iterations each)"
    "$@" "$b/sslstress" run --quiet --iterations "$it" --seed 1 scenarios/
}

run_sanitizer() {   # run_sanitizer tsan|asan
    v=$1
    say "building VARIANT=$v"
    $MAKE --no-print-directory VARIANT="$v" all
    export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$(pwd)/scripts/tsan.supp ${TSAN_OPTIONS:-}"
    export ASAN_OPTIONS="detect_leaks=1 abort_on_error=0 ${ASAN_OPTIONS:-}"
    export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"
    say "unit suites under $v"
    scripts/run-tests.sh $(find build/$v/tests -name 'test_*' -type f -perm -u+x | sort)
    suite build/$v "$SUITE_ITER"
}

run_valgrind() {    # run_valgrind helgrind|drd
    tool=$1
    $MAKE --no-print-directory all
    bins=$(threaded_bins build/native)
    if [ -z "$bins" ]; then
        echo "no threaded suites built" >&2
        exit 1
    fi
    for bin in $bins; do
        say "$tool: $(basename "$bin") ($VG_ROUNDS rounds)"
        CK_FORK=no MS_TEST_ROUNDS=$VG_ROUNDS valgrind -q --tool="$tool" \
            --error-exitcode=9 --suppressions=scripts/valgrind.supp "$bin"
    done
    suite build/native 20 valgrind -q --tool="$tool" --error-exitcode=9 \
        --suppressions=scripts/valgrind.supp
}

case "${1:-}" in
tsan|asan) run_sanitizer "$1" ;;
helgrind|drd) run_valgrind "$1" ;;
check)
    suite build/native 2000
    $MAKE --no-print-directory VARIANT=tsan all
    for bin in $(threaded_bins build/tsan); do
        say "tsan: $(basename "$bin")"
        TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$(pwd)/scripts/tsan.supp" \
            scripts/run-tests.sh "$bin"
    done
    suite build/tsan "$SUITE_ITER"
    run_valgrind helgrind
    run_valgrind drd
    ;;
*) echo "usage: scripts/detect.sh tsan|asan|helgrind|drd|check" >&2; exit 2 ;;
esac
