/* Detector awareness: the harness knows when it runs under a race or
 * memory detector (ThreadSanitizer, AddressSanitizer+UBSan, Helgrind, DRD,
 * another Valgrind tool), and turns the detector's findings into its own.
 *
 * Which detector.  st_detector_name() says, in this order:
 *   1. SSLSTRESS_DETECTOR in the environment, if set and not empty (the
 *      scripts set it; "none" forces none);
 *   2. a ThreadSanitizer or AddressSanitizer build (known at compile time:
 *      __SANITIZE_THREAD__ / __SANITIZE_ADDRESS__ or clang's __has_feature);
 *   3. RUNNING_ON_VALGRIND: the tool is the one whose preload object
 *      (vgpreload_TOOL-ARCH.so) is mapped into this process.
 * Names: "tsan", "asan", "helgrind", "drd", "memcheck" (or any other
 * Valgrind tool's name), or NULL when none.
 *
 * Where the reports go.  Each scenario runs in a forked child (isolate.c)
 * whose stderr goes to a memory file; the sanitizers write their reports to
 * fd 2, so they land there (or in LOG_PATH.PID when TSAN_OPTIONS/
 * ASAN_OPTIONS set log_path).  Valgrind keeps its own copy of the log fd,
 * so a dup2 in the child does not move it: run Valgrind with
 * --log-file=PATTERN containing %p (a forked child gets its own file) and
 * set SSLSTRESS_VALGRIND_LOG=PATTERN, and the parent picks the child's
 * file up.  The parent writes everything the child's detector said into
 * one log per scenario, DIR/NAME.DETECTOR.log, DIR being SSLSTRESS_LOG_DIR
 * or ${TMPDIR:-/tmp}/sslstress-logs.
 *
 * Counting.  In the child, a sanitizer calls our
 * __sanitizer_report_error_summary() once per report with its SUMMARY line,
 * and under Valgrind the runner polls VALGRIND_COUNT_ERRORS after every
 * iteration (st_detector_poll): either way the child knows the count and
 * the iteration of the first report, even when it dies afterwards (TSan's
 * halt_on_error=1, ASan's abort): they live in struct st_shared.  The
 * parent also counts the reports in the log ("WARNING: ThreadSanitizer:",
 * "ERROR: AddressSanitizer", "runtime error:", Helgrind's and DRD's error
 * headers) and keeps the larger count.
 *
 * Reports (detlog.h).  The parent reads the log as reports, each with
 * its stacks' first frames inside the library, and the iteration it came
 * from: after every iteration that added errors the child writes a marker
 * into the log ("sslstress: iteration N": VALGRIND_PRINTF under Valgrind,
 * a line after each report's SUMMARY under a sanitizer).  A summary is the
 * report's head and those frames ("Possible data race during read of size
 * 4 by thread #2 at SSL_in_init < SSL_dup (libssl.so.3); previous write of
 * size 4 by thread #1 at ??? < ??? < ??? (libssl.so.3)").
 *
 * Verdict (st_detector_apply).  Reports fail the scenario with a failure of
 * kind "detector" (the first report's iteration, the seed, the summary, a
 * replay command), unless the scenario says `expect race`: then a report
 * is its pass and silence under a race detector is its failure.  Without a
 * race detector an `expect race` scenario is skipped
 * (st_detector_missing).
 *
 * Known races (`known race on BACKEND [in FUNCTION...] "why"`, scenario.h).
 * Under a race detector, on a backend a `known race` names, a data race
 * report whose access begins in the library and whose library frames
 * include one of the named functions is expected (the first declaration
 * that covers it takes it): it fails nothing; the result keeps, per
 * declaration that applies, its text, the count, the first one's
 * iteration and summary (st_result_add_expected), and the reports say
 * "expected race".  A
 * report the harness began (its first own frame in stress/), any other
 * library report, and every report of another kind fail the scenario as
 * ever.  Silence passes: a known race is what the library may do, not
 * what the scenario must show (the result says it was not seen).  Only
 * where the harness reads the log: a forked scenario (the default), or
 * --no-fork under Valgrind with SSLSTRESS_VALGRIND_LOG; otherwise every
 * report counts as unexpected. */
#ifndef ST_DETECTOR_H
#define ST_DETECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "result.h"
#include "runner.h"
#include "scenario.h"

/* The detector this process runs under, or NULL.  Constant for the
 * process; the first call decides (call it before creating threads). */
const char *st_detector_name(void);
/* True for a detector that sees data races (tsan, helgrind, drd). */
bool st_detector_sees_races(void);

/* Why |sc| cannot run here (a skip reason), or NULL: an `expect race`
 * scenario needs a race detector. */
const char *st_detector_missing(const struct st_scenario *sc);

/* In the process that runs the iterations: count reports into |sh| from
 * now on (resets its detector fields); NULL detaches (call it before |sh|
 * goes away).  Safe to call without a detector. */
void st_detector_attach(struct st_shared *sh);
/* After iteration |it|: under Valgrind, fold new errors into the count
 * (and note |it| as the first report's iteration).  Cheap otherwise. */
void st_detector_poll(struct st_shared *sh, uint64_t it);
/* The first report's summary line seen in this process, or NULL. */
const char *st_detector_first_summary(void);

/* Count the reports in a detector log, and copy the first report's summary
 * line into |sum| (len bytes; "" when none).  |detector| selects the
 * markers; NULL or unknown: all of them. */
unsigned st_detector_count(const char *detector, const char *log,
                           char *sum, size_t len);

/* The per-scenario log path for |sc| (malloc'ed), creating its directory:
 * DIR/NAME[.shardI|.TAG].DETECTOR.log (o->log_tag); NULL on error. */
char *st_detector_log_path(const struct st_scenario *sc,
                           const struct st_opts *o, const char *detector);

/* Parent side, after the child |pid| ended: gather what the detector said
 * (|childlog|, the child's stderr, plus the sanitizer's log_path file or
 * Valgrind's --log-file of |pid|), write it to the scenario's log, count
 * the reports (the larger of the log's count and |sh|'s), and apply them to
 * |r| with st_detector_apply().  *|absorbed| is set when the reports
 * explain a non-zero exit status of the child (Valgrind's --error-exitcode,
 * TSan's exitcode), so the caller adds no failure of its own for it.
 * Does nothing (returns 0) without a detector.  0 or -ENOMEM. */
int st_detector_collect(const struct st_scenario *sc, const struct st_opts *o,
                        pid_t pid, const char *childlog,
                        const struct st_shared *sh, struct st_result *r,
                        bool *absorbed);

/* True when a `known race` of |sc| names |backend| and this process has a
 * race detector: the reports need the log to be judged, so a forked child
 * leaves the verdict to its parent (st_detector_collect). */
bool st_detector_known_applies(const struct st_scenario *sc,
                               const char *backend, const char *detector);
struct st_det_report;
/* The `known race` of |sc| that covers |rep| on |backend| under
 * |detector|, or NULL (rules above). */
const struct st_known_race *st_detector_known(const struct st_scenario *sc,
                                              const char *backend,
                                              const char *detector,
                                              const struct st_det_report *rep);

/* Judge what |det| said in |all| (the scenario's whole log) into |r|, on
 * the backend r->backend: the reports a `known race` covers are expected
 * (r->expected, replaced), every other one fails the scenario
 * (st_detector_apply: the first one's summary and iteration, from the
 * log's markers, else |counted_it|).  |counted|: the reports the run
 * counted itself (Valgrind counts an error's repeats, which it logs once:
 * beyond the log they are expected when every logged report was, shared
 * among the known races in proportion to what each logged, else
 * unexpected).  |path|: the scenario's log, for the reports; |vg_unlogged|:
 * Valgrind's reports are not in |all| (no SSLSTRESS_VALGRIND_LOG), which
 * the summary then says.  0 or -ENOMEM. */
int st_detector_judge(const struct st_scenario *sc, const struct st_opts *o,
                      struct st_result *r, const char *det, const char *all,
                      unsigned counted, uint64_t counted_it, const char *path,
                      bool vg_unlogged);

/* --no-fork, at the end of |sc|'s run in this process: judge what the
 * detector said since st_detector_attach (Valgrind's own log, when
 * SSLSTRESS_VALGRIND_LOG names it; else the counts in |sh|, every report
 * unexpected) into |r|.  0 or -ENOMEM. */
int st_detector_collect_self(const struct st_scenario *sc,
                             const struct st_opts *o,
                             const struct st_shared *sh, struct st_result *r);

/* Fill |r|'s detector fields (|summary| and |log| may be NULL: kept as
 * they are) and decide the verdict: reports fail the scenario (one failure
 * of kind "detector" at |first_it|), unless sc->expect_race, where reports
 * pass it (its other failures are silenced) and none fail it.  |reports|
 * are the unexpected ones: detector_reports becomes them plus
 * r->expected_reports (st_detector_judge fills those first).  Idempotent: a second call updates the fields and
 * the one detector failure. */
int st_detector_apply(const struct st_scenario *sc, const struct st_opts *o,
                      struct st_result *r, const char *detector,
                      unsigned reports, uint64_t first_it,
                      const char *summary, const char *log);

#endif
