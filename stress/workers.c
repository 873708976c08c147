/* The worker threads of a run and their start rendezvous.  See workers.h.
 *
 * Every atomic here is a timing aid or a flag that the gate publishes: the
 * gate (barrier.c) carries every happens-before edge between the leader
 * and the workers; what the threads race on is the scenario's. */
#include "workers.h"

#include <string.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/* The start rendezvous: the gate has released every thread, but a thread
 * woken from a futex needs microseconds while a minissl up_ref/free pair
 * takes nanoseconds, so without this the leader would finish its block
 * before the others start.  Each thread announces itself and waits (a
 * bounded spin; a few yields when the threads outnumber the CPUs) until
 * all have, so the blocks really start together.  Bounded: a descheduled
 * thread costs at most the budget, never a hang.
 *
 * Meeting is not yet starting together: the last to arrive knows at once,
 * the others a cache-line transfer later (100-300 ns on a VM), and a short
 * block is over by then.  So the last arriver sets a common start time a
 * little ahead (meet_delay_ns) and every thread waits for that moment on
 * one timebase (timebase() below), as litmus-test tools synchronise.  The
 * delay adapts: a thread that reads a start time already past was late,
 * and doubles it; otherwise the last arriver takes 1/16 off.  (Measured,
 * updown-2 on 2 CPUs: without a common start 99.9% of the iterations had
 * no overlap; with it 97-99% of the blocks start within 30 ns of each
 * other.  The no-overlap count of updown-2 stays at 20-45%: its blocks are
 * two atomic operations, shorter than that.) */
static _Thread_local unsigned meet_budget = 256, meet_count;

#define MEET_DELAY_MIN 50       /* timebase units (TSC ticks or ns) */
#define MEET_DELAY_MAX 60000

/* The clock the start time is on: the TSC where there is one (one
 * instruction, where a vDSO clock_gettime takes ~20 ns and so leaves the
 * threads up to that far apart; measured, updown-2: 97-99% of the starts
 * within 30 ns of each other against 92% with clock_gettime), else the
 * monotonic clock.  Units do not matter: the delay adapts in them.  An
 * unsynchronised TSC only makes threads late, which grows the delay, up to
 * MEET_DELAY_MAX units: never a hang. */
static inline long long timebase(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return (long long)__builtin_ia32_rdtsc();
#else
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
#endif
}

/* Wait for the common start time set by the last arriver (bounded). */
static void start_together(struct st_workers *w, bool last)
{
    /* relaxed, all three: a timing aid; no data is published through it. */
    long long d = atomic_load_explicit(&w->meet_delay_ns,
                                       memory_order_relaxed);
    long long t, now;
    unsigned i;

    if (last) {
        t = timebase() + d;
        atomic_store_explicit(&w->start_ns, t, memory_order_relaxed);
    } else {
        for (i = 0; (t = atomic_load_explicit(&w->start_ns,
                                              memory_order_relaxed)) == 0;
             i++) {
            if (i >= w->meet_spin)
                return;
            st_cpu_relax();
        }
    }
    now = timebase();
    if (now >= t) {
        if (!last && d < MEET_DELAY_MAX)
            atomic_store_explicit(&w->meet_delay_ns, d * 2,
                                  memory_order_relaxed);
        return;
    }
    if (last && d > MEET_DELAY_MIN)
        atomic_store_explicit(&w->meet_delay_ns, d - d / 16,
                              memory_order_relaxed);
    while (now < t && t - now <= MEET_DELAY_MAX)
        now = timebase();
}

void st_workers_meet(struct st_workers *w)
{
    /* relaxed: a timing aid only; no data is published through it. */
    unsigned a = atomic_fetch_add_explicit(&w->arrived, 1,
                                           memory_order_relaxed) + 1;
    unsigned i, budget = meet_budget < w->meet_spin ? meet_budget
                                                    : w->meet_spin;

    if ((++meet_count & 63) == 0)
        budget = w->meet_spin;      /* probe: has the machine gone quiet? */
    if (a == w->n && w->meet_spin > 0) {
        start_together(w, true);
        return;
    }

    /* Adaptive, like the gate's spin: grow to twice what a meeting took,
     * halve after a timeout (the others are not running: the machine is
     * busy), never below 16; every 64th meeting probes the full budget. */
    for (i = 0; a < w->n && i < budget; i++) {
        st_cpu_relax();
        a = atomic_load_explicit(&w->arrived, memory_order_relaxed);
    }
    if (w->meet_spin > 0) {
        if (a >= w->n) {
            meet_budget = i * 2 < 64 ? 64 : i * 2 > w->meet_spin
                                              ? w->meet_spin : i * 2;
            start_together(w, false);
        } else {
            meet_budget = meet_budget / 2 < 16 ? 16 : meet_budget / 2;
        }
    }
    for (unsigned y = 0; a < w->n && y < w->meet_yields; y++) {
        sched_yield();
        a = atomic_load_explicit(&w->arrived, memory_order_relaxed);
    }
}

static void set_affinity(struct st_workers *w, enum st_affinity aff,
                         unsigned idx, pthread_t tid)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned cpu, stride;
    cpu_set_t set;

    if (aff == ST_AFFINITY_NONE || ncpu < 1)
        return;
    stride = 1;
    if (aff == ST_AFFINITY_SPREAD && w->n < (unsigned)ncpu)
        stride = (unsigned)ncpu / w->n;
    cpu = (idx * stride) % (unsigned)ncpu;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(tid, sizeof(set), &set);   /* best effort */
}

static void *worker(void *arg)
{
    struct st_worker *me = arg;
    struct st_workers *w = me->w;
    unsigned seen = 0;

    for (;;) {
        st_gate_pass(&w->gate, &seen);
        /* relaxed: the gate opening that woke us ordered the store. */
        if (atomic_load_explicit(&w->quit, memory_order_relaxed))
            return NULL;
        w->block(w->arg, me->idx);
        st_gate_done(&w->gate);
    }
}

void st_workers_init(struct st_workers *w, unsigned n)
{
    memset(w, 0, sizeof(*w));
    w->n = n;
    atomic_init(&w->quit, false);
    atomic_init(&w->arrived, 0);
    atomic_init(&w->start_ns, 0);
    atomic_init(&w->meet_delay_ns, 200);
}

int st_workers_start(struct st_workers *w, enum st_affinity aff,
                     void (*block)(void *arg, unsigned idx), void *arg)
{
    unsigned spin = st_barrier_spin_for(w->n);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int e;

    w->block = block;
    w->arg = arg;
    if ((e = st_gate_init(&w->gate, w->n - 1, spin)) != 0)
        return e;
    st_declare_atomic(&w->arrived, sizeof(w->arrived),
                      "start rendezvous: timing only, publishes nothing");
    st_declare_atomic(&w->start_ns, sizeof(w->start_ns),
                      "start rendezvous: timing only, publishes nothing");
    st_declare_atomic(&w->meet_delay_ns, sizeof(w->meet_delay_ns),
                      "start rendezvous: timing only, publishes nothing");
    if (st_on_valgrind()) {
        w->meet_spin = 0;
        w->meet_yields = 1;
    } else if (ncpu >= 1 && w->n <= (unsigned)ncpu) {
        w->meet_spin = 1u << 12;
    } else {
        w->meet_yields = 0;
    }
    w->gate_ok = true;
    set_affinity(w, aff, 0, pthread_self());
    for (unsigned i = 1; i < w->n; i++) {
        w->th[i].w = w;
        w->th[i].idx = i;
        if ((e = pthread_create(&w->th[i].tid, NULL, worker,
                                &w->th[i])) != 0) {
            st_workers_stop(w);
            return -e;
        }
        w->nstarted++;
        set_affinity(w, aff, i, w->th[i].tid);
    }
    return 0;
}

void st_workers_stop(struct st_workers *w)
{
    if (!w->gate_ok)
        return;
    /* relaxed: the gate opening below publishes it. */
    atomic_store_explicit(&w->quit, true, memory_order_relaxed);
    st_gate_open(&w->gate);
    for (unsigned i = 1; i <= w->nstarted; i++)
        pthread_join(w->th[i].tid, NULL);
    st_gate_destroy(&w->gate);
    w->gate_ok = false;
}
