/* Spin-then-block barriers.  See barrier.h for the contract.
 *
 * Correctness argument (futex mode)
 *   st_barrier: a party reads gen (acquire) before it arrives.  Arrivals
 *   are RMWs on `arrived` (acq_rel), so they form one release sequence: the
 *   last arriver's RMW acquires every earlier arriver's writes.  The last
 *   arriver resets `arrived` (relaxed: nobody arrives for the next round
 *   before seeing the new gen) and then bumps gen (seq_cst, which includes
 *   release); every waiter leaves only after loading the new gen (acquire),
 *   so it sees the last arriver's writes and, transitively, everyone's.
 *
 *   Lost wake-ups: a sleeper increments `sleepers` and re-reads gen, the
 *   waker bumps gen and reads `sleepers`, all seq_cst.  In the single total
 *   order either the sleeper's increment precedes the waker's read (the
 *   waker calls FUTEX_WAKE) or the waker's bump precedes the sleeper's
 *   re-read (the sleeper does not sleep).  FUTEX_WAIT itself compares the
 *   word with the value the sleeper saw, so a wake between the re-read and
 *   the sleep makes FUTEX_WAIT return at once.
 *
 *   st_gate is the same argument twice: workers sleep on `go` (leader
 *   bumps it), the leader sleeps on `done` (the last worker's increment
 *   completes it).  `done` is reset by the leader after it saw every
 *   report and before it opens the next round, and workers touch it only
 *   after passing that next opening, so the reset cannot lose a report.
 *
 * ThreadSanitizer understands these atomics; Helgrind and DRD do not see
 * futexes, which is one more reason why Valgrind gets the pthread path. */
#include "barrier.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <valgrind/valgrind.h>
/* helgrind.h first: drd.h then reuses its client requests, which DRD
 * implements too, so one annotation feeds both tools. */
#include <valgrind/helgrind.h>
#include <valgrind/drd.h>

void st_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

bool st_on_valgrind(void)
{
    return RUNNING_ON_VALGRIND != 0;
}

void st_declare_atomic(const volatile void *addr, size_t size,
                       const char *why)
{
    (void)why;
    (void)addr;
    (void)size;
    /* Each tool has its own request (drd.h redefines the ANNOTATE_ macro
     * for DRD only), so make both; each tool ignores the other's. */
    VALGRIND_HG_DISABLE_CHECKING(addr, size);
    ANNOTATE_BENIGN_RACE_SIZED(addr, size, why);
}

unsigned st_barrier_spin_for(unsigned parties)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    if (st_on_valgrind())
        return 0;
    if (ncpu < 1)
        ncpu = 1;
    if (parties <= (unsigned long)ncpu)
        return 1u << 12;    /* up to ~100-500 us: the others are running */
    /* Oversubscribed: the one we wait for needs our CPU, so go straight to
     * yielding it (measured, 64 threads on 2 CPUs: 15.5k iterations/s
     * with no spin, 14k with 8 pauses, 10.6k-13k with 64). */
    return 0;
}

unsigned st_barrier_yields_for(unsigned parties)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    if (st_on_valgrind() || ncpu < 1 || parties <= (unsigned long)ncpu)
        return 0;
    /* About four turns of every party: a round needs each to run once. */
    return parties * 4;
}

static void futex_wait(atomic_uint *word, unsigned val)
{
    /* EAGAIN (word changed), EINTR: the caller re-checks its condition. */
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, val, NULL,
            NULL, 0);
}

static void futex_wake_all(atomic_uint *word)
{
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
            NULL, 0);
}

/* Adaptive spinning, per thread: a wait that had to sleep halves the next
 * spin, so when other processes take the CPUs our waiters stop holding
 * theirs; a wait that ended while spinning lets the spin grow back (to at
 * least twice what it needed), but never shrinks it: shrinking to "what
 * the last wait needed" was measured to collapse (2 threads on 2 pinned
 * CPUs: 0.79M iterations/s against 2.4M with the full budget), because
 * one slow round then sends the next waits to sleep, and each futex
 * wake-up makes the following round slower still.  Every 64th wait probes
 * with the full budget. */
static _Thread_local unsigned adapt_spin = 1u << 12;
static _Thread_local unsigned adapt_waits;

static unsigned spin_budget(unsigned max)
{
    if ((++adapt_waits & 63) == 0)
        return max;
    return adapt_spin < max ? adapt_spin : max;
}

static void spin_ok(unsigned used, unsigned max)
{
    unsigned want = used * 2 < 64 ? 64 : used * 2;

    if (want > adapt_spin)
        adapt_spin = want < max ? want : max;
}

static void spin_failed(void)
{
    adapt_spin = adapt_spin / 2 < 16 ? 16 : adapt_spin / 2;
}

/* Wait until *word != old: spin, then sleep.  Returns with an acquire load
 * of the new value done. */
static void wait_change(atomic_uint *word, unsigned old, atomic_uint *sleepers,
                        unsigned spin, unsigned yields)
{
    unsigned budget = spin_budget(spin);

    for (unsigned i = 0; i < budget; i++) {
        /* acquire: pairs with the waker's release of the new value. */
        if (atomic_load_explicit(word, memory_order_acquire) != old) {
            spin_ok(i, spin);
            return;
        }
        st_cpu_relax();
    }
    if (spin > 0)
        spin_failed();
    for (unsigned y = 0; y < yields; y++) {
        sched_yield();
        /* acquire: as in the spin loop. */
        if (atomic_load_explicit(word, memory_order_acquire) != old)
            return;
    }
    for (;;) {
        /* seq_cst: the lost-wake-up argument in the header comment. */
        atomic_fetch_add_explicit(sleepers, 1, memory_order_seq_cst);
        if (atomic_load_explicit(word, memory_order_seq_cst) != old) {
            atomic_fetch_sub_explicit(sleepers, 1, memory_order_relaxed);
            return;
        }
        futex_wait(word, old);
        /* relaxed: only a hint for the waker; no data rides on it. */
        atomic_fetch_sub_explicit(sleepers, 1, memory_order_relaxed);
        /* acquire: as in the spin loop. */
        if (atomic_load_explicit(word, memory_order_acquire) != old)
            return;
    }
}

/* Publish a new value of *word (the caller's RMW) and wake sleepers. */
static void wake(atomic_uint *word, atomic_uint *sleepers)
{
    /* seq_cst: the lost-wake-up argument. */
    if (atomic_load_explicit(sleepers, memory_order_seq_cst) != 0)
        futex_wake_all(word);
}

static int init_blocking(pthread_mutex_t *mu, pthread_cond_t *a,
                         pthread_cond_t *b)
{
    int e = pthread_mutex_init(mu, NULL);

    if (e != 0)
        return -e;
    if ((e = pthread_cond_init(a, NULL)) != 0)
        goto err_mu;
    if (b != NULL && (e = pthread_cond_init(b, NULL)) != 0)
        goto err_a;
    return 0;
 err_a:
    pthread_cond_destroy(a);
 err_mu:
    pthread_mutex_destroy(mu);
    return -e;
}

int st_barrier_init(struct st_barrier *b, unsigned n, unsigned spin)
{
    if (n == 0)
        return -EINVAL;
    atomic_init(&b->arrived, 0);
    atomic_init(&b->gen, 0);
    atomic_init(&b->sleepers, 0);
    b->n = n;
    b->blocking = st_on_valgrind();
    b->spin = b->blocking ? 0 : spin;
    b->b_arrived = b->b_gen = 0;
    return init_blocking(&b->mu, &b->cv, NULL);
}

void st_barrier_destroy(struct st_barrier *b)
{
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
}

static bool barrier_wait_blocking(struct st_barrier *b)
{
    bool last = false;
    unsigned g;

    pthread_mutex_lock(&b->mu);
    g = b->b_gen;
    if (++b->b_arrived == b->n) {
        b->b_arrived = 0;
        b->b_gen++;
        pthread_cond_broadcast(&b->cv);
        last = true;
    } else {
        while (b->b_gen == g)
            pthread_cond_wait(&b->cv, &b->mu);
    }
    pthread_mutex_unlock(&b->mu);
    return last;
}

bool st_barrier_wait(struct st_barrier *b)
{
    unsigned g;

    if (b->blocking)
        return barrier_wait_blocking(b);
    /* acquire: the round we wait in; paired with the bump below. */
    g = atomic_load_explicit(&b->gen, memory_order_acquire);
    /* acq_rel: one release sequence of arrivals; the last acquires all. */
    if (atomic_fetch_add_explicit(&b->arrived, 1, memory_order_acq_rel) ==
        b->n - 1) {
        /* relaxed: next-round arrivals happen after they see the new gen. */
        atomic_store_explicit(&b->arrived, 0, memory_order_relaxed);
        /* seq_cst (release + the lost-wake-up order). */
        atomic_fetch_add_explicit(&b->gen, 1, memory_order_seq_cst);
        wake(&b->gen, &b->sleepers);
        return true;
    }
    wait_change(&b->gen, g, &b->sleepers, b->spin, 0);
    return false;
}

int st_gate_init(struct st_gate *g, unsigned nworkers, unsigned spin)
{
    int e;

    atomic_init(&g->go, 0);
    atomic_init(&g->go_sleepers, 0);
    atomic_init(&g->done, 0);
    atomic_init(&g->done_sleeping, 0);
    g->nworkers = nworkers;
    g->blocking = st_on_valgrind();
    g->spin = g->blocking ? 0 : spin;
    g->yields = g->blocking ? 0 : st_barrier_yields_for(nworkers + 1);
    g->round = 0;
    g->b_done = 0;
    g->b_go[0].round = g->b_go[1].round = 0;
    if ((e = init_blocking(&g->done_mu, &g->done_cv, NULL)) != 0)
        return e;
    if ((e = init_blocking(&g->b_go[0].mu, &g->b_go[0].cv, NULL)) != 0)
        goto err_done;
    if ((e = init_blocking(&g->b_go[1].mu, &g->b_go[1].cv, NULL)) != 0)
        goto err_go0;
    return 0;
 err_go0:
    pthread_cond_destroy(&g->b_go[0].cv);
    pthread_mutex_destroy(&g->b_go[0].mu);
 err_done:
    pthread_cond_destroy(&g->done_cv);
    pthread_mutex_destroy(&g->done_mu);
    return e;
}

void st_gate_destroy(struct st_gate *g)
{
    for (int i = 0; i < 2; i++) {
        pthread_cond_destroy(&g->b_go[i].cv);
        pthread_mutex_destroy(&g->b_go[i].mu);
    }
    pthread_cond_destroy(&g->done_cv);
    pthread_mutex_destroy(&g->done_mu);
}

/* Blocking mode and race detectors
 *   Helgrind and DRD derive happens-before from pthread calls, and Valgrind
 *   runs one thread at a time, so which thread wakes when decides which
 *   edges they see.  The gate must give them exactly the edges it promises
 *   (setup -> every block, every block -> check) and none between two
 *   blocks of one round, or a race between those blocks goes unseen:
 *
 *   - If the start and the reports shared one mutex, a worker waking from
 *     its start wait would re-acquire the mutex after the leader released
 *     it in st_gate_join, that is after the leader's own block: an edge
 *     leader's block -> worker's block (measured: DRD missed a deliberate
 *     two-thread race in 3 of 4 runs).  So the reports have their own
 *     mutex (done_mu), which a worker takes only after its block.
 *   - If every round started on one mutex, a fast worker that finished its
 *     block and began waiting for the next round would release that mutex
 *     while a slower worker of the same round had yet to re-acquire it:
 *     an edge fast worker's block -> slow worker's block.  So round r
 *     starts on b_go[r & 1]: the next round's waits use the other one, and
 *     round r + 2 cannot open before every worker reported round r + 1,
 *     so nobody still waits on b_go[r & 1] from round r then. */
void st_gate_open(struct st_gate *g)
{
    g->round++;
    if (g->blocking) {
        struct st_gate_go *go = &g->b_go[g->round & 1];

        pthread_mutex_lock(&g->done_mu);
        g->b_done = 0;
        pthread_mutex_unlock(&g->done_mu);
        pthread_mutex_lock(&go->mu);
        go->round = g->round;
        pthread_cond_broadcast(&go->cv);
        pthread_mutex_unlock(&go->mu);
        return;
    }
    /* relaxed: every worker reported (join acquired that), and none
     * touches `done` again before it passes the opening below. */
    atomic_store_explicit(&g->done, 0, memory_order_relaxed);
    /* seq_cst: release of the leader's setup + the lost-wake-up order. */
    atomic_fetch_add_explicit(&g->go, 1, memory_order_seq_cst);
    wake(&g->go, &g->go_sleepers);
}

void st_gate_pass(struct st_gate *g, unsigned *seen)
{
    if (g->blocking) {
        unsigned want = *seen + 1;
        struct st_gate_go *go = &g->b_go[want & 1];

        pthread_mutex_lock(&go->mu);
        while (go->round != want)
            pthread_cond_wait(&go->cv, &go->mu);
        pthread_mutex_unlock(&go->mu);
        *seen = want;
        return;
    }
    wait_change(&g->go, *seen, &g->go_sleepers, g->spin, g->yields);
    /* relaxed: wait_change already did the acquire load of this value;
     * the leader bumps go only after our st_gate_done. */
    *seen = atomic_load_explicit(&g->go, memory_order_relaxed);
}

void st_gate_done(struct st_gate *g)
{
    if (g->blocking) {
        pthread_mutex_lock(&g->done_mu);
        if (++g->b_done == g->nworkers)
            pthread_cond_signal(&g->done_cv);
        pthread_mutex_unlock(&g->done_mu);
        return;
    }
    /* seq_cst: release of this worker's iteration (one release sequence
     * of reports) + the lost-wake-up order against the leader. */
    if (atomic_fetch_add_explicit(&g->done, 1, memory_order_seq_cst) + 1 ==
        g->nworkers)
        wake(&g->done, &g->done_sleeping);
}

static bool all_done(struct st_gate *g)
{
    /* acquire: pairs with the workers' release sequence on done. */
    return atomic_load_explicit(&g->done, memory_order_acquire) ==
           g->nworkers;
}

void st_gate_join(struct st_gate *g)
{
    if (g->blocking) {
        pthread_mutex_lock(&g->done_mu);
        while (g->b_done != g->nworkers)
            pthread_cond_wait(&g->done_cv, &g->done_mu);
        pthread_mutex_unlock(&g->done_mu);
        return;
    }
    unsigned budget = spin_budget(g->spin);

    for (unsigned i = 0; i < budget; i++) {
        if (all_done(g)) {
            spin_ok(i, g->spin);
            return;
        }
        st_cpu_relax();
    }
    if (g->spin > 0)
        spin_failed();
    for (unsigned y = 0; y < g->yields; y++) {
        sched_yield();
        if (all_done(g))
            return;
    }
    for (;;) {
        unsigned d;

        /* seq_cst: the lost-wake-up argument. */
        atomic_fetch_add_explicit(&g->done_sleeping, 1, memory_order_seq_cst);
        d = atomic_load_explicit(&g->done, memory_order_seq_cst);
        if (d != g->nworkers)
            futex_wait(&g->done, d);
        atomic_fetch_sub_explicit(&g->done_sleeping, 1, memory_order_relaxed);
        if (all_done(g))
            return;
    }
}
