#!/bin/sh
# The detectors' options, for every run of this project that uses one: the
# one place that spells them out.  The Makefile, the scripts and matrix.py
# take them from here.
#
#   eval "$(scripts/detector-env.sh MODE)"      set them in a shell script
#   scripts/detector-env.sh --plain MODE       NAME=VALUE lines (matrix.py)
#
# prints, for MODE, the variables the tools read themselves: TSAN_OPTIONS,
# ASAN_OPTIONS, UBSAN_OPTIONS and VALGRIND_OPTS (Valgrind's own variable for
# its options; a script gives --tool and --log-file on the command line).
# Ours come first, then the caller's own value of each, so that a caller
# can override one option: TSAN_OPTIONS=halt_on_error=1 make tsan.
#
# MODE is what a run does with a report:
#   count   the harness is the judge: it counts every report of a scenario
#           and fails the scenario itself, so a child must live to hand over
#           its result (an `expect race` scenario passes by its report).
#           TSan halt_on_error=0, ASan's leak check on, Valgrind goes on
#           after an error.  For the suite and what times or reports it:
#           scripts/detect.sh (make check, make tsan|asan|helgrind|drd),
#           scripts/stress.sh (make stress), make tsan-openssl,
#           scripts/slowdown.sh, scripts/vg-sensitivity.sh.
#   first   the first report is the finding and ends the run: TSan
#           halt_on_error=1, Valgrind --exit-on-first-error=yes, and no leak
#           check at exit (a run cut short leaks by design).  For runs that
#           ask "does this detector see it": scripts/check-faults.sh and
#           scripts/reproduce.sh (a seeded bug), scripts/matrix.py (the
#           detection matrix: time to the first report), and
#           scripts/backend-diff.sh --tsan (which runs with -f 1).
#
# In both modes a process that reported exits non-zero, whoever judges:
# TSan exitcode=66, Valgrind --error-exitcode=9; UBSan stops at its first
# report (the asan builds also compile with -fno-sanitize-recover).
# Suppressions: scripts/tsan.supp, scripts/valgrind.supp (Valgrind's path
# is relative: every caller runs from the top directory).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

plain=0
if [ "${1:-}" = --plain ]; then
    plain=1
    shift
fi
case "${1:-}" in
count) tsan_halt=0 asan_leaks=1 vg_first= ;;
first) tsan_halt=1 asan_leaks=0 vg_first=" --exit-on-first-error=yes" ;;
*)
    echo "usage: scripts/detector-env.sh [--plain] count|first" >&2
    exit 2
    ;;
esac

tsan="halt_on_error=$tsan_halt exitcode=66 second_deadlock_stack=1"
tsan="$tsan suppressions=$root/scripts/tsan.supp"
asan="detect_leaks=$asan_leaks abort_on_error=0"
ubsan="print_stacktrace=1 halt_on_error=1"
# --error-limit=no: past 100 errors Valgrind shows the rest in less
# detail, past 1000 none; the harness must read every report's frames to
# tell a declared (`known race`) one from the others.
vg="-q --error-exitcode=9 --error-limit=no$vg_first --suppressions=scripts/valgrind.supp"

# out NAME OURS: NAME=OURS followed by the caller's NAME, if set.
out() {
    eval "v=\${$1:-}"
    v="$2${v:+ $v}"
    if [ "$plain" = 1 ]; then
        printf '%s=%s\n' "$1" "$v"
    else
        printf "%s='%s'; export %s\n" "$1" \
            "$(printf '%s' "$v" | sed "s/'/'\\\\''/g")" "$1"
    fi
}
out TSAN_OPTIONS "$tsan"
out ASAN_OPTIONS "$asan"
out UBSAN_OPTIONS "$ubsan"
out VALGRIND_OPTS "$vg"
