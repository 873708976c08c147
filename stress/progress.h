/* Progress of a run on the terminal: a live line on a TTY (redrawn about
 * every 100 ms with iterations, iterations/s and failures so far), one
 * plain line per finished scenario otherwise.  Colour only on a TTY and
 * when NO_COLOR is unset (https://no-color.org).  Single-threaded: the
 * parent process draws, from the child's shared counters. */
#ifndef ST_PROGRESS_H
#define ST_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "result.h"
#include "runner.h"

struct st_progress {
    FILE *out;
    bool tty, color, quiet;
    size_t index, total;        /* scenario k of n (1-based) */
    const char *name;
    double start, last_draw;
    bool drawn;                 /* a live line is on screen */
};

void st_progress_init(struct st_progress *p, FILE *out, bool quiet,
                      bool no_color);
/* Scenario |index| of |total| named |name| starts. */
void st_progress_begin(struct st_progress *p, size_t index, size_t total,
                       const char *name);
/* The tick callback of st_run_isolated (arg: struct st_progress *). */
void st_progress_tick(void *arg, const struct st_shared *sh);
/* The scenario ended with |r|: clear the live line, print the plain one. */
void st_progress_end(struct st_progress *p, const struct st_result *r);
/* Erase a live line before other output (no-op when none is drawn). */
void st_progress_clear(struct st_progress *p);

#endif
