/* A campaign: the scenarios one `sslstress run` names, run one after
 * another, each isolated in a child (runner.h) unless asked otherwise, and
 * reported.  main.c parses the command line and loads the scenarios; this
 * is everything after that:
 *
 *   - each scenario's iterations: --start's range, or its shard's ranges
 *     (shard.h), or all of them;
 *   - --duration shared out: each scenario gets an equal share of the time
 *     still left, so one that ends early (by its iterations) leaves its
 *     time to the others;
 *   - a skip where the backend lacks a feature the scenario needs, or an
 *     `expect race` scenario has no race detector (detector.h);
 *   - --shrink of a controlled failure that killed its child;
 *   - the parameters first, each scenario's progress, outcomes and
 *     failures, the summary and the verdict last, then the JSON, JUnit and
 *     HTML reports.
 *
 * Returns the exit status: 0 every scenario passed or was skipped, 1 a
 * failure was found (or, with require_report, a scenario was skipped or an
 * `expect race` scenario passed without a detector report), 2 a report
 * could not be written, a schedule did not fit, or no memory. */
#ifndef ST_CAMPAIGN_H
#define ST_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"
#include "scenario.h"

struct st_campaign {
    const char *prog;           /* program name in messages */
    const char *tool_version;
    const char *command;        /* the command line, for the reports */
    struct st_opts o;           /* seed chosen; o.seconds set per scenario */
    double duration;            /* --duration in seconds; 0: none */
    bool shrink;                /* --shrink (o.sched is set) */
    bool quiet, no_color, no_fork;
    /* --require-report: a skip, or an `expect race` scenario without a
     * detector report, fails the run (exit 1). */
    bool require_report;
    const char *json, *junit, *html;    /* report files, or NULL */
};

/* Run scenarios |sc| (loaded from |paths|, |n| of each) as |c| says. */
int st_campaign_run(struct st_campaign *c, char *const *paths,
                    struct st_scenario *const *sc, size_t n);

#endif
