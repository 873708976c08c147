/* Suite barrier: stress/barrier.c, the runner's start barriers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "barrier.h"
#include "stress_util.h"
#include "testutil.h"

#define ROUNDS 2000

struct bctx {
    struct st_barrier b;
    unsigned n;
    atomic_uint counter;     /* arrivals, all rounds */
    atomic_uint lasts;       /* st_barrier_wait returned true */
    atomic_uint bad;         /* a party saw an incomplete round */
};

static void *barrier_party(void *arg)
{
    struct bctx *c = arg;

    for (unsigned r = 1; r <= ROUNDS; r++) {
        atomic_fetch_add(&c->counter, 1);
        if (st_barrier_wait(&c->b))
            atomic_fetch_add(&c->lasts, 1);
        /* Everyone arrived for round r, nobody can be past round r+1's
         * barrier yet. */
        unsigned seen = atomic_load(&c->counter);
        if (seen < r * c->n || seen > (r + 1) * c->n)
            atomic_fetch_add(&c->bad, 1);
        st_barrier_wait(&c->b);
    }
    return NULL;
}

static double slowdown(void)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    double f = m != NULL && atof(m) > 0 ? atof(m) : 1.0;

    return st_on_valgrind() ? f * 10 : f;
}

static double run_parties(unsigned n, unsigned spin, struct bctx *c)
{
    pthread_t *t = calloc(n, sizeof(*t));
    struct timespec a, b;

    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(st_barrier_init(&c->b, n, spin), 0);
    c->n = n;
    atomic_init(&c->counter, 0);
    atomic_init(&c->lasts, 0);
    atomic_init(&c->bad, 0);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (unsigned i = 0; i < n; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, barrier_party, c), 0);
    for (unsigned i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    st_barrier_destroy(&c->b);
    free(t);
    return (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

START_TEST(barrier_releases_parties_only_when_all_arrived)
{
    struct bctx c;

    run_parties(4, st_barrier_spin_for(4), &c);
    ck_assert_uint_eq(atomic_load(&c.bad), 0);
    ck_assert_uint_eq(atomic_load(&c.counter), 4 * ROUNDS);
}
END_TEST

START_TEST(barrier_returns_true_in_exactly_one_party_per_round)
{
    struct bctx c;

    run_parties(3, st_barrier_spin_for(3), &c);
    ck_assert_uint_eq(atomic_load(&c.lasts), ROUNDS);
}
END_TEST

START_TEST(barrier_without_spinning_still_synchronizes)
{
    struct bctx c;

    run_parties(4, 0, &c);
    ck_assert_uint_eq(atomic_load(&c.bad), 0);
    ck_assert_uint_eq(atomic_load(&c.lasts), ROUNDS);
}
END_TEST

START_TEST(barrier_with_64_threads_on_few_cpus_does_not_collapse)
{
    struct bctx c;
    double s = run_parties(64, st_barrier_spin_for(64), &c);

    ck_assert_uint_eq(atomic_load(&c.bad), 0);
    /* 4000 crossings of 64 threads: a spinning barrier on 2 CPUs takes
     * minutes (each waiter burns its slice); blocking takes well under a
     * second natively.  The bound leaves room for sanitizers, and stretches
     * with CK_TIMEOUT_MULTIPLIER and under Valgrind (one thread at a time). */
    ck_assert_msg(s < 20.0 * slowdown(), "64 threads x %d rounds took %.1f s",
                  ROUNDS, s);
}
END_TEST

struct gctx {
    struct st_gate g;
    unsigned nworkers;
    int setup;               /* written by the leader before opening */
    atomic_uint reports;
    atomic_uint bad;
    int *work;               /* one slot per worker, written each round */
};

struct gworker {
    struct gctx *c;
    unsigned idx;
};

static void *gate_worker(void *arg)
{
    struct gworker *w = arg;
    struct gctx *c = w->c;
    unsigned seen = 0;

    for (unsigned r = 1; r <= ROUNDS; r++) {
        st_gate_pass(&c->g, &seen);
        if (c->setup != (int)r)     /* plain read: ordered by the gate */
            atomic_fetch_add(&c->bad, 1);
        c->work[w->idx] = (int)r;   /* plain write: ordered by the gate */
        st_gate_done(&c->g);
    }
    return NULL;
}

static void run_gate(unsigned nworkers, struct gctx *c)
{
    pthread_t *t = calloc(nworkers + 1, sizeof(*t));
    struct gworker *w = calloc(nworkers + 1, sizeof(*w));

    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(w);
    c->work = calloc(nworkers + 1, sizeof(int));
    c->nworkers = nworkers;
    c->setup = 0;
    atomic_init(&c->bad, 0);
    ck_assert_int_eq(st_gate_init(&c->g, nworkers,
                                  st_barrier_spin_for(nworkers + 1)), 0);
    for (unsigned i = 0; i < nworkers; i++) {
        w[i].c = c;
        w[i].idx = i;
        ck_assert_int_eq(pthread_create(&t[i], NULL, gate_worker, &w[i]), 0);
    }
    for (unsigned r = 1; r <= ROUNDS; r++) {
        c->setup = (int)r;
        st_gate_open(&c->g);
        st_gate_join(&c->g);
        for (unsigned i = 0; i < nworkers; i++)
            if (c->work[i] != (int)r)
                atomic_fetch_add(&c->bad, 1);
    }
    for (unsigned i = 0; i < nworkers; i++)
        pthread_join(t[i], NULL);
    st_gate_destroy(&c->g);
    free(c->work);
    free(w);
    free(t);
}

START_TEST(gate_orders_leader_setup_before_workers_and_their_work_before_join)
{
    struct gctx c;

    run_gate(3, &c);
    ck_assert_uint_eq(atomic_load(&c.bad), 0);
}
END_TEST

START_TEST(gate_with_63_workers_on_few_cpus_completes)
{
    struct gctx c;

    run_gate(63, &c);
    ck_assert_uint_eq(atomic_load(&c.bad), 0);
}
END_TEST

START_TEST(gate_with_no_workers_joins_at_once)
{
    struct gctx c;

    run_gate(0, &c);
    ck_assert_uint_eq(atomic_load(&c.bad), 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("barrier");
    TCase *b = tcase_create("barrier");
    TCase *g = tcase_create("gate");

    tcase_set_timeout(b, 60 * slowdown());
    tcase_set_timeout(g, 60 * slowdown());
    tcase_add_test(b, barrier_releases_parties_only_when_all_arrived);
    tcase_add_test(b, barrier_returns_true_in_exactly_one_party_per_round);
    tcase_add_test(b, barrier_without_spinning_still_synchronizes);
    tcase_add_test(b, barrier_with_64_threads_on_few_cpus_does_not_collapse);
    tcase_add_test(g, gate_orders_leader_setup_before_workers_and_their_work_before_join);
    tcase_add_test(g, gate_with_63_workers_on_few_cpus_completes);
    tcase_add_test(g, gate_with_no_workers_joins_at_once);
    tu_add_stress_leak_checks(b);
    suite_add_tcase(s, b);
    tu_add_stress_leak_checks(g);
    suite_add_tcase(s, g);
    return s;
}
