/* The free-running runner: runs one parsed scenario for a range of
 * iterations and fills a struct st_result.
 *
 *   st_run_scenario()   in this process (used by the forked child, by the
 *                       tests and by `bench`).
 *   st_run_isolated()   in a forked child (isolate.c): a crash or a hang is
 *                       a reported failure, and the caller goes on.
 *
 * Iteration model (ARCHITECTURE.md, "free-running"): worker threads are
 * created once per run and reused.  The calling thread is thread 0 (it runs
 * the first `thread` block) and also runs `global` once, `setup` before and
 * `check` after each iteration; a gate (barrier.h) releases all threads
 * together and joins them.  Every random choice of iteration I derives from
 * (seed, I, thread) only (prng.h), so `--start I` replays iteration I's
 * jitter exactly, and a shard running iterations [a, b) makes the choices
 * an unsharded run makes there.
 *
 * Controlled mode (o->sched != NULL, controlled.h): the same threads and
 * checks, but one scenario thread runs at a time and each iteration is one
 * schedule of the strategy; `global` runs again before every iteration
 * after the first, so that each schedule starts from the same objects.
 * The process's own state is not reset (the harness's test material, the
 * library's process-wide state): an iteration may still depend on the
 * ones before it, which the parent checks for each failure (history.h).
 * With o->history (a replay), the iterations it names run first, with
 * their own strategy, uncounted and unreported.  --shrink runs in a child
 * of its own when isolated, so that a candidate that kills its process
 * does not take the run's result with it.
 *
 * Returns: 0, or a negative errno when the run could not be set up (no
 * memory, no threads); a scenario that fails is a result, not an error. */
#ifndef ST_RUNNER_H
#define ST_RUNNER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "controlled.h"
#include "opts.h"
#include "result.h"
#include "scenario.h"

/* Live state of a run, in a MAP_SHARED region when isolated, so the parent
 * can draw progress and, after the child died, say where each thread was.
 * Written by the child's threads with relaxed stores (a snapshot for
 * reports; the parent reads it after waitpid, or racily for progress). */
enum st_phase { ST_PH_START, ST_PH_GLOBAL, ST_PH_SETUP, ST_PH_THREADS,
                ST_PH_CHECK, ST_PH_END };
struct st_shared {
    _Alignas(64) atomic_uint_least64_t iteration;   /* current */
    atomic_uint_least64_t done;                     /* iterations run */
    atomic_uint_least64_t failed;                   /* iterations failed */
    atomic_int phase;                               /* enum st_phase */
    atomic_int crash_thread;    /* thread that took a fatal signal; -1 */
    atomic_uint setup_pos, check_pos, global_pos;
    struct {
        _Alignas(64) atomic_uint pos;   /* statements started this iteration */
    } th[ST_MAX_THREADS];
    /* Detector reports seen by the child (detector.h), and the iteration
     * that was running at the first one; kept here so that they survive a
     * child killed by its detector (halt_on_error, ASan's exit). */
    _Alignas(64) atomic_uint det_reports;
    atomic_uint_least64_t det_first_iteration;
    /* Controlled mode: the schedule so far, the trace and the totals, in
     * a MAP_SHARED block of its own (isolate.c maps it before the fork;
     * NULL otherwise). */
    struct st_sched_shared *sched;
};

/* The scenario thread index the calling thread runs (-1: setup, check,
 * global or not a runner thread); read by the child's crash handler. */
extern _Thread_local int st_current_thread;

/* Test hook: when non-NULL, called before every statement with the
 * iteration, the scenario thread index (-1 for setup/check/global) and the
 * statement.  Tests use it to make an iteration crash or hang on purpose
 * (isolation and watchdog tests); set it before st_run_isolated forks. */
extern void (*st_stmt_hook)(uint64_t iteration, int thread,
                            const struct st_stmt *st);

/* Features the scenario needs: its `requires` plus what its statements
 * imply (refs/freed: introspection; handshake: handshake). */
unsigned st_scenario_needs(const struct st_scenario *sc);
/* NULL when this backend can run |sc|, else why not: a feature it lacks
 * (st_be_missing, a static string) or the first statement that needs a
 * capability it lacks (st_be_stmt_lacks, written into why). */
const char *st_scenario_lacks(const struct st_scenario *sc, char *why,
                              size_t len);

/* Run |sc| over the iteration ranges |rg| in this process.  |sh| may be
 * NULL.  |out| is filled (previous contents ignored; st_result_free). */
int st_run_scenario(const struct st_scenario *sc, const struct st_opts *o,
                    const struct st_range *rg, size_t nrg,
                    struct st_shared *sh, struct st_result *out);

/* The same in a forked child.  |tick| (may be NULL) is called about every
 * 100 ms with the shared state, for progress.  A crash or a hang past the
 * scenario's timeout becomes a FAIL result with kind "crash" / "timeout",
 * the signal, the iteration, and each thread's position. */
int st_run_isolated(const struct st_scenario *sc, const struct st_opts *o,
                    const struct st_range *rg, size_t nrg,
                    struct st_result *out,
                    void (*tick)(void *arg, const struct st_shared *sh),
                    void *arg);

/* How much the watchdog stretches a scenario's timeout: the positive
 * number in SSLSTRESS_TIMEOUT_MULTIPLIER if set, else 20 under Valgrind,
 * else 1 (isolate.c).  A statement that waits for another thread (the
 * other end of a BIO pair) gives up after half the stretched timeout. */
double st_timeout_multiplier(void);

/* A result for a scenario that does not run: SKIP with |reason|. */
int st_result_skip(const struct st_scenario *sc, const struct st_opts *o,
                   const char *reason, struct st_result *out);

#endif
