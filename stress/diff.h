/* `sslstress diff`: the results of one suite on several backends (or
 * builds), side by side.  Reads the JSON of `sslstress run --json`
 * (st_run_read_json) and prints, per scenario, what one result shows that
 * another never does:
 *
 *   only run on A, B                     the scenario is missing elsewhere
 *   verdict: A PASS; B SKIP (reason)     verdicts or reasons differ
 *   outcome only on A: L = V xN (class)  an outcome (observe values) seen
 *                                        on A and never on another result
 *                                        that ran the scenario (skips do
 *                                        not count); "xN on A, xM on B"
 *                                        when several saw it
 *   detector only on A: N report(s): SUMMARY (log PATH)
 *   failure only on A: KIND: MESSAGE     A's first failure, where another
 *                                        result has none
 *
 * ("detector on A, not on C: ..." and "failure on A, not on C: ..." when
 * some but not all of the others share it), then "K of M scenarios
 * differ" and, per result, its skipped scenarios with their reasons.
 * Scenarios are matched by name (the last of a name in a run counts) and
 * listed in byte order.  A result is named by its backend, or by its file
 * when two results have the same backend.
 *
 * Functions return what they say or a negative errno; they only read the
 * runs given and may run in several threads at once. */
#ifndef ST_DIFF_H
#define ST_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "result.h"

/* Print to |out| the differences between the |n| runs (n >= 2) read from
 * |paths| (used to name them where backends repeat).  Returns the number
 * of scenarios that differ (0 when none), or -ENOMEM (|out| then holds a
 * partial report). */
int st_diff_print(FILE *out, const struct st_run *runs,
                  const char *const *paths, size_t n);

/* `sslstress diff A.json B.json [C.json ...]`: exit 0 when no scenario
 * differs, 1 when some do, 2 usage, unreadable or bad input.  argv[0] is
 * "diff". */
int st_diff_main(int argc, char **argv);

#endif
