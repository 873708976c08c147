/* Start barriers for the free-running runner: spin briefly, then block.
 *
 * Two shapes, same waiting policy:
 *
 *   struct st_barrier   n symmetric parties; st_barrier_wait() returns when
 *                       all n have arrived.  Returns true in exactly one of
 *                       them (the last to arrive).  Reusable at once.
 *
 *   struct st_gate      one leader and n-1 workers, the runner's iteration
 *                       loop: the leader opens the gate (st_gate_open), each
 *                       worker passes it (st_gate_pass) and later reports
 *                       back (st_gate_done); the leader waits for all
 *                       reports (st_gate_join).  A worker blocks once per
 *                       iteration, not twice as with two symmetric barriers.
 *
 * Waiting policy: spin `spin` rounds of a pause loop, then, when the
 * threads outnumber the CPUs, yield the CPU a bounded number of times, then
 * sleep on a futex (Linux), so 64 threads on 2 cores do not burn each
 * other's time slices.  (Measured with `sslstress bench`, 64 threads on 2
 * CPUs: sleeping at once 4.3k iterations/s; yielding first 8.3k; a futex
 * wake-up per thread per round is what costs.)
 * st_barrier_spin_for(n) picks the spin budget: generous when every party
 * has its own CPU, none when they outnumber the CPUs (st_barrier_yields_for
 * then gives the yield budget) or under Valgrind.  Under Valgrind (RUNNING_ON_VALGRIND), which runs one thread at
 * a time, both shapes block at once on a pthread mutex and condition
 * variable: spinning there would wait for a thread that cannot run, and
 * Helgrind/DRD see the ordering of pthread primitives directly.
 *
 * Memory ordering (both shapes): everything a party wrote before arriving
 * happens before everything any party does after leaving.  The argument is
 * beside each atomic in barrier.c.
 *
 * Returns: *_init 0 or a negative errno.  No other call fails. */
#ifndef ST_BARRIER_H
#define ST_BARRIER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct st_barrier {
    _Alignas(64) atomic_uint arrived;   /* parties arrived this round */
    _Alignas(64) atomic_uint gen;       /* round number; futex word */
    atomic_uint sleepers;               /* parties asleep on gen */
    unsigned n;
    unsigned spin;
    bool blocking;                      /* Valgrind: mutex + cond only */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned b_arrived, b_gen;          /* blocking mode, under mu */
};

int st_barrier_init(struct st_barrier *b, unsigned n, unsigned spin);
bool st_barrier_wait(struct st_barrier *b);
void st_barrier_destroy(struct st_barrier *b);

/* Blocking mode (Valgrind) keeps the start and the end of a round on
 * different mutexes, and alternates the start between two: see barrier.c,
 * "Blocking mode and race detectors". */
struct st_gate_go {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned round;                     /* last round opened here, under mu */
};

struct st_gate {
    _Alignas(64) atomic_uint go;        /* generation; futex word, workers */
    atomic_uint go_sleepers;
    _Alignas(64) atomic_uint done;      /* reports this round; futex word */
    atomic_uint done_sleeping;          /* the leader sleeps on done */
    unsigned nworkers;
    unsigned spin;
    unsigned yields;                    /* sched_yield rounds before sleeping */
    bool blocking;
    unsigned round;                     /* leader only: rounds opened */
    struct st_gate_go b_go[2];          /* blocking: round r opens b_go[r & 1] */
    pthread_mutex_t done_mu;            /* blocking: the reports */
    pthread_cond_t done_cv;
    unsigned b_done;                    /* under done_mu */
};

int st_gate_init(struct st_gate *g, unsigned nworkers, unsigned spin);
/* Leader: release every worker waiting in st_gate_pass for round `*gen`. */
void st_gate_open(struct st_gate *g);
/* Worker: wait until the leader opens the round after `*seen`; updates
 * *seen.  Start with *seen = 0. */
void st_gate_pass(struct st_gate *g, unsigned *seen);
/* Worker: this round's work is done. */
void st_gate_done(struct st_gate *g);
/* Leader: wait for every worker's st_gate_done of this round. */
void st_gate_join(struct st_gate *g);
void st_gate_destroy(struct st_gate *g);

/* Declare to Helgrind and DRD that |addr| (size bytes) is a C11 atomic
 * they cannot model (both treat atomic instructions as plain accesses):
 * racing on it is by design and its order argument is beside it.  Nothing
 * outside Valgrind; ThreadSanitizer understands the atomics themselves. */
void st_declare_atomic(const volatile void *addr, size_t size,
                       const char *why);

/* The spin budget for `parties` threads on this machine (0 under Valgrind). */
unsigned st_barrier_spin_for(unsigned parties);
/* The sched_yield budget after the spin: none when every party has a CPU
 * (a waiter then sleeps at once, leaving the CPU to other processes), a few
 * rounds of all parties when they outnumber the CPUs, so that the one we
 * wait for gets the CPU without a futex sleep and wake-up per wait. */
unsigned st_barrier_yields_for(unsigned parties);
/* True when running under Valgrind. */
bool st_on_valgrind(void);
/* One pause instruction (x86 PAUSE / arm YIELD), for spin loops. */
void st_cpu_relax(void);

#endif
