/* History: failures that need what the iterations before them left in
 * their process, and replays that recreate it.
 *
 * The iterations of a scenario run one after another in one process (its
 * forked child, runner.h), so iteration I starts from the state iterations
 * [P, I) left there, P being the first one that process ran.  That state
 * is more than what `global` made:
 *   - what earlier iterations did to the objects `global` made (their
 *     session caches, counts, settings), in free-running mode (controlled
 *     mode runs `global` again before each schedule);
 *   - the harness's own objects: the test key and certificate that every
 *     `cert=test` hands out, the peers' SSL_CTXs, the remembered sessions
 *     the peer client resumes with (backend.c);
 *   - the library's process-wide state: minissl's object ids, its
 *     quarantine of freed objects (a FIFO: whether a freed object is still
 *     in it depends on every free before), the counters of seeded faults
 *     that fire on the Nth call, the shared error stack of a fault, the
 *     ex_data registrations; OpenSSL's caches.
 * A bug whose effect outlives its iteration (a reference dropped on the
 * test certificate, scenarios/bugs/dup_cert_noref.scn) can fail a later
 * iteration that would pass from a fresh start.  A replay runs in a fresh
 * process: `run --start I` or `replay --schedule STR` alone then starts
 * from another state than the failing iteration did, and passes.
 *
 * What the harness does about it:
 *   st_history_check()  after a scenario's run, in the parent: each kept
 *       failure past its process's first iteration is replayed alone in a
 *       fresh child.  Controlled mode: its schedule, once (one thread runs
 *       at a time, so the outcome is a function of the schedule and the
 *       starting state); free-running: iteration I alone, up to 8 tries
 *       within 2 s (a race may need several).  One that fails the same way
 *       (kind and signal, and the step when controlled) keeps its replay.
 *       One that does not gets f->history, "SPEC RANGES": the strategy
 *       ("free" when free-running) and the iterations its process ran
 *       before it; its replay runs them first (failure.h), and
 *       f->replay_note says so.  In controlled mode that replay is run
 *       once as well, and the note says when even it did not fail the
 *       same way.  A --shrink'ed schedule (found after the whole run, in
 *       the same process) is checked the same way, with the failure's
 *       history, and dropped when it does not fail again.
 *   st_replay_times()  `sslstress replay ... --times N`: N replays, each in
 *       a fresh child, so that none starts from what an earlier one left.
 *
 * Costs: nothing per iteration; after a run, one child per failure that
 * replays alone, a few more per one that does not (free-running), and for
 * a controlled failure that needs its history, a second run of that
 * history.
 *   st_history_unchecked()  --no-fork, where there is no fresh process to
 *       check in: each failure past its process's first iteration gets the
 *       history it may need, unchecked, and a note that says so; a note
 *       names the scenarios that ran before it in the process too (no
 *       replay runs them).
 *
 * Errors: 0 or a negative errno (no memory, no child); a replay that does
 * not fail is a finding of the check, not an error. */
#ifndef ST_HISTORY_H
#define ST_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "result.h"
#include "runner.h"
#include "scenario.h"

/* Check the failures of |res|, the result of |sc| run with |o| over the
 * ranges |rg| in one process, as described above. */
int st_history_check(const struct st_scenario *sc, const struct st_opts *o,
                     const struct st_range *rg, size_t nrg,
                     struct st_result *res);

/* The failures of |res| (|sc| run with |o| over |rg| in this process,
 * after |earlier| other scenarios), not checked: as described above. */
int st_history_unchecked(const struct st_scenario *sc,
                         const struct st_opts *o, const struct st_range *rg,
                         size_t nrg, size_t earlier, struct st_result *res);

/* Replay |sc| under |o| (o->sched: the replay; o->history: the iterations
 * before it, or NULL) as iteration |it|, |times| times, each in a fresh
 * child (|no_fork|: all in this process, one after another, each starting
 * from what the one before it left), into |res|: the first replay's
 * result, with iterations_run, iterations_failed and same_failures (the
 * replays that failed as the first did: kind, signal, step) counted over
 * all of them.  |tick| as for st_run_isolated. */
int st_replay_times(const struct st_scenario *sc, const struct st_opts *o,
                    uint64_t it, uint64_t times, bool no_fork,
                    struct st_result *res,
                    void (*tick)(void *arg, const struct st_shared *sh),
                    void *arg);

#endif
