/* Controlled scheduling: exactly one scenario thread runs at a
 * time and the scheduler decides, at every scheduling point, which one.
 *
 * Scheduling points of a scenario thread (during its block only; global,
 * setup, check and every thread outside a controlled run are never held):
 *   - before each statement ("stmt"; repeat bodies included), so every
 *     backend, OpenSSL too, gets statement-level control;
 *   - minissl yield points in a -DMINISSL_SCHED build (<minissl/sched.h>,
 *     through st_be_sched_install in backend_inspect.c): YIELD is a point,
 *     NOTE fills the values of the thread's last step, BLOCKED parks the
 *     thread until a RELEASE of the same object, RELEASE unparks.
 *   The harness's own minissl calls made on a scenario thread during its
 *   block (the peer of a `handshake`, `expect`'s introspection) are
 *   controlled like the scenario's: they are part of the statement, except
 *   inside the backend's internal sections, where the backend forwards no
 *   YIELD or NOTE (st_be_internal_enter in backend_inspect.h).
 *
 * A decision is a point where two or more threads are enabled (ready, not
 * blocked, not finished); a point with one enabled thread is forced.  The
 * decisions of an iteration are its schedule (schedule.h).  A preemption is
 * a decision that switches away from the thread that reached the point
 * while it could have gone on.  All unfinished threads blocked is a
 * deadlock: reported as a failure of kind "deadlock" with each thread's
 * position; the process then exits with ST_SCHED_EXIT_DEADLOCK (its threads
 * are parked inside minissl's lock loop and cannot be unwound), which the
 * parent (isolate.c) turns into the failure.
 *
 * Strategies (st_sched_spec):
 *   random           uniform among the enabled threads; PRNG from (seed,
 *                    iteration) only (prng.h)
 *   pct:depth=D      PCT (Burckhardt et al., ASPLOS 2010): distinct random
 *                    priorities, D-1 change points uniform over the
 *                    estimated step count k (the most steps an earlier
 *                    iteration took); the highest-priority enabled thread
 *                    runs
 *   dfs:preemptions=P  stateless depth-first search over all schedules with
 *                    at most P preemptions: replay a prefix, then run
 *                    non-preemptively; backtrack to the deepest decision
 *                    with an untried alternative within the bound.  Each
 *                    iteration is one schedule; exhausted when none is left.
 *   replay           the decisions of a schedule string, strictly: a step
 *                    that names a thread that cannot run, a schedule that
 *                    ends while a decision remains, or steps left over, is
 *                    a misfit (an error; the run stops, exit 2).
 *
 * Determinism: no jitter in controlled mode; with one thread running at a
 * time and decisions from the schedule, an iteration is a function of its
 * schedule.  Object ids in the trace are renumbered per iteration in
 * first-touch order, so "SSL#1" is the same object in every replay.
 *
 * Threads: one controlled run per process at a time (the hooks are
 * process-wide); the controller's state is guarded by its mutex and handed
 * from thread to thread with per-thread condition variables. */
#ifndef ST_CONTROLLED_H
#define ST_CONTROLLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "schedule.h"
#include "trace.h"

enum st_sched_kind { ST_SCHED_FREE, ST_SCHED_RANDOM, ST_SCHED_PCT,
                     ST_SCHED_DFS, ST_SCHED_REPLAY };

struct st_sched_spec {
    enum st_sched_kind kind;
    unsigned depth;             /* pct: D >= 1 */
    unsigned preemptions;       /* dfs: P */
    const char *replay;         /* replay: the schedule string (borrowed) */
    bool shrink;                /* --shrink the first failing schedule */
    double shrink_seconds;      /* budget of the shrink (0: 10 s) */
};

/* "random", "pct:depth=D", "dfs:preemptions=P".  0, or -EINVAL with a
 * message in err. */
int st_sched_spec_parse(const char *s, struct st_sched_spec *sp,
                        char *err, size_t errlen);
/* The spec as the user writes it ("replay" for replays). */
void st_sched_spec_name(const struct st_sched_spec *sp, char *buf,
                        size_t len);

#define ST_SCHED_SH_STEPS 4096              /* the last steps, for crashes */
#define ST_SCHED_STR_MAX (1u << 20)
#define ST_SCHED_EXIT_DEADLOCK 4

/* What a controlled child leaves for its parent (a MAP_SHARED block that
 * isolate.c maps; st_shared.sched points to it).  Written by the child
 * while one thread runs at a time (the controller's mutex orders the
 * writers); read by the parent after waitpid. */
struct st_sched_shared {
    /* The current iteration, live: a crash leaves where it was. */
    unsigned ndec, preemptions;
    unsigned char dec[ST_SCHED_MAX_DECISIONS];
    unsigned nsteps;                    /* steps taken; step i is kept in
                                           steps[i % ST_SCHED_SH_STEPS]
                                           while it is among the last */
    struct st_trace_step steps[ST_SCHED_SH_STEPS];
    /* The run. */
    uint64_t schedules;                 /* schedules (iterations) run */
    double seconds;
    int exhausted;                      /* dfs: the space was exhausted */
    int misfit;
    char misfit_msg[512];
    int deadlock;
    char deadlock_msg[1024];
    /* The first failure and its shrunk schedule. */
    int failed;
    char fail_kind[32];
    unsigned fail_step, fail_preemptions;
    char fail_schedule[ST_SCHED_STR_MAX];
    int shrunk;
    unsigned shrunk_step, shrunk_preemptions;
    uint64_t shrink_schedules;
    char shrunk_schedule[ST_SCHED_STR_MAX];
    uint64_t same_failures;             /* failures like the first (kind,
                                           step): replay's 100/100 */
};

struct st_ctl;

/* A controller for |sc| with |sp|, seeded by |seed|.  |sh| (may be NULL)
 * receives what the parent needs.  NULL on ENOMEM. */
struct st_ctl *st_ctl_new(const struct st_scenario *sc,
                          const struct st_sched_spec *sp, uint64_t seed,
                          struct st_sched_shared *sh);
void st_ctl_free(struct st_ctl *c);

/* Install / remove the hooks (statement hook, minissl hook): |c| becomes
 * the process's controller.  Call while no scenario thread runs. */
void st_ctl_install(struct st_ctl *c);
void st_ctl_uninstall(struct st_ctl *c);

/* Before iteration |it|: false when the strategy has nothing left to run
 * (dfs exhausted, shrink done, a misfit).  After it: |failed| with the
 * failure's |kind| and trace step (st_ctl_fail_step). */
bool st_ctl_begin(struct st_ctl *c, uint64_t it);
void st_ctl_end(struct st_ctl *c, bool failed, const char *kind,
                size_t step);

/* Scenario-thread events (called on the thread, from run.c and the
 * hooks).  They block until the thread may run. */
void st_ctl_point(struct st_ctl *c, unsigned th, const char *label,
                  const char *kind, unsigned long id, const char *text);
void st_ctl_finish(struct st_ctl *c, unsigned th);
/* A lock acquire of |obj| found it held (minissl's BLOCKED): parks the
 * thread until a release of |obj| and its turn.  Every unfinished thread
 * parked: the deadlock report and ST_SCHED_EXIT_DEADLOCK. */
void st_ctl_blocked(struct st_ctl *c, unsigned th, const void *obj,
                    const char *label, const char *kind, unsigned long id);
/* Waiting for another thread (the other end of a BIO pair): a thread that
 * found nothing to do reads st_ctl_others (the steps the other threads
 * have made this iteration), looks again, and, finding nothing still,
 * calls st_ctl_wait with what it read: unless another thread made a step
 * since, it is parked (|label| names the wait in the trace and a deadlock
 * report) until one does, and its turn comes; every step of another thread
 * wakes it.  |worked|: the thread did something since its last wait (a
 * library call that may have written what another thread waits for,
 * which the scheduler sees no step of where the library has no yield
 * points): the wait counts as its step, and wakes the waiting threads
 * first.  A wait that only follows a look is no step: it wakes nobody, so
 * threads that all wait for each other are a deadlock, reported as for
 * locks. */
uint64_t st_ctl_others(struct st_ctl *c, unsigned th);
void st_ctl_wait(struct st_ctl *c, unsigned th, uint64_t seen, bool worked,
                 const char *label);
/* The controller of this process's controlled run, NULL outside one (for
 * tests that play minissl's part). */
struct st_ctl *st_ctl_current(void);

/* The step at which a failure of thread |th| (-1: after the threads, in
 * check) shows: th's last step; for check, the step where minissl's
 * detector fired if it did, else the last step. */
size_t st_ctl_fail_step(struct st_ctl *c, int th);

/* Fill |f|'s controlled-mode fields (schedule, trace up to |step| with
 * |fired| as its last line, preemptions, steps) from this iteration. */
struct st_failure;
int st_ctl_fill_failure(struct st_ctl *c, struct st_failure *f, size_t step,
                        const char *fired);

/* Shrinking: after the first failure, st_ctl_shrink_begin switches the
 * controller to searching for a failing schedule with fewer preemptions
 * (dfs with bounds 0, 1, ...), then fewer steps (greedy removal of
 * decisions); run iterations while st_ctl_begin says so; then
 * st_ctl_shrunk gives the best (malloc'd) or NULL when none is better. */
bool st_ctl_shrink_begin(struct st_ctl *c);   /* false: nothing to shrink, or no memory */
char *st_ctl_shrunk(struct st_ctl *c, unsigned *preemptions, unsigned *steps);
/* From now on |c| writes what it leaves for the parent to |sh| instead
 * (the old block keeps what it holds): a shrink in a child of its own
 * (run.c) must not overwrite the run's failure there.  Between
 * iterations only. */
void st_ctl_rebind(struct st_ctl *c, struct st_sched_shared *sh);

/* Totals and state. */
uint64_t st_ctl_schedules(const struct st_ctl *c);
bool st_ctl_exhausted(const struct st_ctl *c);
uint64_t st_ctl_same_failures(const struct st_ctl *c);
double st_ctl_seconds(const struct st_ctl *c);  /* of the schedules run */
const char *st_ctl_misfit(const struct st_ctl *c);   /* NULL: fits */

/* ---- the decision core, without threads (unit tests) ------------------- */

#define ST_CORE_WAIT (-1)       /* not every thread reached its first point */
#define ST_CORE_IDLE (-2)       /* every thread finished */
#define ST_CORE_DEADLOCK (-3)   /* every unfinished thread is blocked */

enum st_core_ev { ST_EV_POINT, ST_EV_BLOCKED, ST_EV_DONE };

/* Thread |th| reached a point (POINT), found |obj| locked (BLOCKED), or
 * finished (DONE).  Returns the thread to run next or an ST_CORE_ value;
 * records the decision and the step.  Caller holds no lock (tests) or the
 * controller's mutex (the blocking wrappers). */
int st_ctl_event(struct st_ctl *c, unsigned th, enum st_core_ev ev,
                 const void *obj, const char *label, const char *objname,
                 const char *text);
/* Thread |th| waits for another thread's step (st_ctl_wait, without its
 * check of what the thread saw): after a step of its own when |worked|.
 * Returns as st_ctl_event. */
int st_ctl_wait_event(struct st_ctl *c, unsigned th, bool worked,
                      const char *label);
/* RELEASE of |obj|: the threads blocked on it become enabled. */
void st_ctl_release(struct st_ctl *c, const void *obj);
/* The deadlock report: each thread's position, one per thread. */
void st_ctl_deadlock_text(const struct st_ctl *c, char *buf, size_t len);
/* This iteration's decisions so far. */
size_t st_ctl_decisions(const struct st_ctl *c, const unsigned char **dec);
const struct st_trace *st_ctl_trace(const struct st_ctl *c);
unsigned st_ctl_preemptions(const struct st_ctl *c);

#endif
