/* The worker threads of a free-running or controlled run (run.c).
 *
 * Thread 0 is the caller, the leader; threads 1..n-1 are workers created
 * once per run by st_workers_start() and reused for every iteration.  Each
 * iteration the leader opens the gate (st_workers_open: every worker runs
 * |block|(arg, idx) once), runs its own block, and joins the gate
 * (st_workers_join: every worker's block is done).  The gate (barrier.h)
 * orders what the leader wrote before st_workers_open before every
 * worker's block, and every worker's block before st_workers_join returns.
 *
 * The start rendezvous (st_workers_meet), called by every thread at the
 * start of its block when 2+ threads run free: the threads meet and wait
 * for one common start time, so that their blocks really overlap (see
 * workers.c).  Bounded: a thread that does not come costs the others a
 * budget, never a hang.  It publishes nothing.
 *
 * Thread affinity (--affinity): pin thread i to CPU i mod ncpu, or spread
 * the threads over the CPUs; best effort.
 *
 * Lifetime: st_workers_init(), st_workers_start() (on error the workers
 * that started are stopped again), iterations, st_workers_stop() (which
 * accepts a run that never started).  0 or a negative errno. */
#ifndef ST_WORKERS_H
#define ST_WORKERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "barrier.h"
#include "opts.h"
#include "scenario.h"

struct st_workers {
    /* Written before the workers start, then only read. */
    unsigned n;                 /* threads, the leader included */
    unsigned meet_spin, meet_yields;
    void (*block)(void *arg, unsigned idx);
    void *arg;
    bool gate_ok;
    unsigned nstarted;
    struct st_worker {
        struct st_workers *w;
        unsigned idx;
        pthread_t tid;
    } th[ST_MAX_THREADS];       /* [0]: the leader's, unused */
    /* The start rendezvous: written by every thread of an iteration. */
    _Alignas(64) atomic_uint arrived;   /* threads at the rendezvous */
    atomic_llong start_ns;      /* common start time, 0 unset */
    atomic_llong meet_delay_ns; /* how far ahead the last arriver sets it */
    _Alignas(64) struct st_gate gate;
    atomic_bool quit;
};

/* Before anything else: |n| threads, the leader included (1..64). */
void st_workers_init(struct st_workers *w, unsigned n);
/* Create threads 1..n-1, each running |block|(arg, idx) once per
 * st_workers_open, pinned as |aff| says (the leader too). */
int st_workers_start(struct st_workers *w, enum st_affinity aff,
                     void (*block)(void *arg, unsigned idx), void *arg);
/* Let the workers return and join them; the gate is destroyed. */
void st_workers_stop(struct st_workers *w);
/* The start rendezvous; every thread of the iteration calls it once. */
void st_workers_meet(struct st_workers *w);

/* Leader: start an iteration's blocks. */
static inline void st_workers_open(struct st_workers *w)
{
    /* relaxed: published to the workers by the gate opening. */
    atomic_store_explicit(&w->arrived, 0, memory_order_relaxed);
    atomic_store_explicit(&w->start_ns, 0, memory_order_relaxed);
    st_gate_open(&w->gate);
}

/* Leader: wait until every worker's block of the iteration is done. */
static inline void st_workers_join(struct st_workers *w)
{
    st_gate_join(&w->gate);
}

#endif
