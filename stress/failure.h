/* Building failures: every finding of a run becomes a struct st_failure
 * (result.h) through here, whoever saw it (the runner's statements,
 * expectations and outcomes, minissl's detectors, a sanitizer or Valgrind,
 * a child that crashed or hung), so that each carries the run's seed, its
 * iteration, and the command that replays it, made the same way.
 *
 * Below the runner (run.c, isolate.c) and the detectors (detector.c,
 * outcome.c): it knows results, options and scenarios, and calls none of
 * them.
 *
 * Ownership: strings are copied; what a function makes belongs to the
 * failure (st_failure_free releases it, also when a call failed half way).
 * Errors: 0 or -ENOMEM; a pointer function returns NULL on ENOMEM. */
#ifndef ST_FAILURE_H
#define ST_FAILURE_H

#include <stdint.h>

#include "opts.h"
#include "result.h"
#include "scenario.h"

/* Append a failure of iteration |it| to |r|: the run's seed (o->seed),
 * |kind| and |message|; everything else empty.  NULL on ENOMEM, and |r| is
 * as it was. */
struct st_failure *st_failure_add(struct st_result *r, const struct st_opts *o,
                                  uint64_t it, const char *kind,
                                  const char *message);
/* Replace |f|'s kind and message.  On ENOMEM |f| keeps its old ones. */
int st_failure_set_text(struct st_failure *f, const char *kind,
                        const char *message);
/* f->where = "FILE:LINE:COL" of statement |st| of |sc| (NULL |st|: none). */
int st_failure_at(struct st_failure *f, const struct st_scenario *sc,
                  const struct st_stmt *st);
/* Each thread's name and trace: thread i of |sc| had started pos[i]
 * statements (st_block_trace). */
int st_failure_threads(struct st_failure *f, const struct st_scenario *sc,
                       const unsigned *pos);
/* Set (or replace) f->replay, the command that reruns exactly |f|: in
 * controlled mode (o->sched, not free) `replay FILE --schedule` of
 * f->schedule (none while f has no schedule), else `run` from the run's
 * seed at f->iteration (st_replay_command). */
int st_failure_replay(struct st_failure *f, const struct st_scenario *sc,
                      const struct st_opts *o);

/* The statements thread block |blk| had started when its position counter
 * was |pos|, one "LINE: TEXT" per line, repeat bodies expanded (the first
 * 200 and the last).  malloc'ed. */
char *st_block_trace(const struct st_block *blk, unsigned pos);
/* `ARGV0 run --seed S --jitter J --start I --iterations N [--affinity A]
 * FILE`: reruns iteration |iteration| of |sc| as run with |o|.  malloc'ed. */
char *st_replay_command(const struct st_scenario *sc, const struct st_opts *o,
                        uint64_t iteration);
/* `ARGV0 replay FILE --schedule 'STR'`; NULL when |schedule| is NULL. */
char *st_sched_replay_command(const struct st_scenario *sc,
                              const struct st_opts *o, const char *schedule);

#endif
