/* Suite schedule: controlled scheduling (stress/controlled.c) and schedule
 * strings (stress/schedule.c): exhaustive DFS counts, round trips, replay,
 * misfits, deadlock detection, random/PCT determinism, shrinking, crashes.
 * Scenarios run in this process (st_run_scenario, as `--no-fork` does) or
 * in a forked child (st_run_isolated) where the child must die. */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "backend_inspect.h"
#include "result.h"
#include "runner.h"
#include "scenario.h"
#include "controlled.h"
#include "schedule.h"
#include "stress_util.h"
#include "testutil.h"

static void make_tmpdir(void)
{
    tu_make_tmpdir("test_schedule");
    ck_assert_int_eq(st_be_init(), 0);
    st_stmt_hook = NULL;
}

/* Two threads of two statements that never enter minissl: statement-level
 * scheduling points only, in every build. */
static const char two_by_two[] =
    "scenario two-by-two\n"
    "iterations 1000\n"
    "thread A\n"
    "  spin 1\n"
    "  spin 1\n"
    "thread B\n"
    "  spin 1\n"
    "  spin 1\n";

/* B sees A's extra reference only when A is preempted between its up_ref
 * and its free: fails with exactly one preemption.  PREEMPT_ONCE(A's body)
 * is the scenario, edited or not. */
#define PREEMPT_ONCE(body) \
    "scenario preempt-once\n" \
    "iterations 200\n" \
    "global\n" \
    "  ctx c\n" \
    "  s = new c\n" \
    "thread A\n" \
    body \
    "thread B\n" \
    "  expect refs s == 1\n"
static const char preempt_once[] = PREEMPT_ONCE("  up_ref s\n  free s\n");

static int run_spec(const struct st_scenario *sc,
                    const struct st_sched_spec *sp, uint64_t seed,
                    uint64_t iterations, uint64_t max_failures,
                    struct st_result *res)
{
    struct st_opts o;
    struct st_range rg = { 0, iterations };

    st_opts_default(&o);
    o.seed = seed;
    o.iterations = iterations;
    o.max_failures = max_failures;
    o.sched = sp;
    return st_run_scenario(sc, &o, &rg, 1, NULL, res);
}

/* run_spec's twin in a forked child (st_run_isolated), with HOOK as
 * st_stmt_hook there; ten iterations. */
static void run_isolated_spec(const struct st_scenario *sc,
                              const struct st_sched_spec *sp, uint64_t seed,
                              void (*hook)(uint64_t, int,
                                           const struct st_stmt *),
                              struct st_result *res)
{
    struct st_opts o;
    struct st_range rg = { 0, 10 };

    st_opts_default(&o);
    o.seed = seed;
    o.sched = sp;
    st_stmt_hook = hook;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, res, NULL, NULL), 0);
    st_stmt_hook = NULL;
    ck_assert_int_eq(res->verdict, ST_FAIL);
}

static uint64_t dfs_count(const struct st_scenario *sc, unsigned p)
{
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = p };
    struct st_result res;
    uint64_t n;

    ck_assert_int_eq(run_spec(sc, &sp, 1, 100000, 1, &res), 0);
    ck_assert_int_eq(res.verdict, ST_PASS);
    ck_assert_int_eq(res.exhausted, 1);
    ck_assert_uint_eq(res.schedules, res.iterations_run);
    ck_assert_str_eq(res.schedule, p == 0 ? "dfs:preemptions=0"
                                 : p == 1 ? "dfs:preemptions=1"
                                          : "dfs:preemptions=2");
    n = res.schedules;
    st_result_free(&res);
    return n;
}

START_TEST(dfs_enumerates_every_interleaving_of_two_threads_by_two_statements)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);

    /* a1 a2 b1 b2 interleaved: C(4,2) = 6 in all; without preemption only
     * AABB and BBAA; with one also ABBA and BAAB. */
    ck_assert_uint_eq(dfs_count(sc, 0), 2);
    ck_assert_uint_eq(dfs_count(sc, 1), 4);
    ck_assert_uint_eq(dfs_count(sc, 2), 6);
    st_scenario_free(sc);
}
END_TEST

START_TEST(dfs_with_minissl_yield_points_explores_more_than_statements)
{
    struct st_scenario *sc = tu_load_text("p.scn", preempt_once);
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 0 };
    struct st_result res;

    ck_assert_int_eq(run_spec(sc, &sp, 1, 100000, 1, &res), 0);
    ck_assert_int_eq(res.verdict, ST_PASS);
    ck_assert_int_eq(res.exhausted, 1);
    /* Without preemptions each thread runs whole: A then B, or B then A. */
    ck_assert_uint_eq(res.schedules, 2);
    st_result_free(&res);
    sp.preemptions = 5;
    ck_assert_int_eq(run_spec(sc, &sp, 1, 100000, 0, &res), 0);
    ck_assert_int_eq(res.exhausted, 1);
    if (st_be_sched_available())
        /* up_ref/free's yield points are preemption points too. */
        ck_assert_uint_gt(res.schedules, 3);
    else
        /* a1 a2 b1: 3 interleavings at statement level. */
        ck_assert_uint_eq(res.schedules, 3);
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

/* Malformed schedule strings and what their error says (at least). */
static const struct {
    bool after_fingerprint;     /* prefixed by a valid "xxxxxxxx/" */
    const char *text, *err;
} malformed[] = {
    { true, "C", "names thread 'C'" },
    { true, "A:0", "count after ':' must be a positive number" },
    { true, "A,", "ends with ','" },
    { false, "A:3,B", "expected 8 hex digits and '/'" },
    /* Hostile input: control characters are not echoed raw, and a string
     * longer than an iteration's decisions is refused before it is
     * expanded (1 MB per 10 characters otherwise). */
    { true, "\x1b[31mA", "names thread '?[31mA'" },
    { true, "A:1\x1b", "unexpected byte 0x1b" },
    { true, "A:200000,B:200000", "more than 262144 decisions" },
};

START_TEST(schedule_strings_round_trip_and_reject_malformed_ones)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);
    static const unsigned char d[] = { 0, 0, 0, 1, 1, 0 };
    unsigned char *back;
    size_t n;
    char err[300], *s, bad[64];

    s = st_schedule_format(sc, d, sizeof(d));
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(strstr(s, "/A:3,B:2,A"));
    ck_assert_int_eq(strlen(strchr(s, '/')), strlen("/A:3,B:2,A"));
    ck_assert_int_eq(st_schedule_parse(sc, s, &back, &n, err, sizeof(err)),
                     0);
    ck_assert_uint_eq(n, sizeof(d));
    ck_assert_int_eq(memcmp(back, d, n), 0);
    free(back);
    ck_assert_uint_eq(st_schedule_segments(d, sizeof(d)), 3);
    /* Shell-safe characters only. */
    ck_assert_uint_eq(strspn(s, "0123456789abcdefAB/:,"), strlen(s));
    /* Unknown thread, bad count, trailing comma (each after the 8-digit
     * fingerprint and its '/'), no fingerprint. */
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        if (malformed[i].after_fingerprint)
            snprintf(bad, sizeof(bad), "%.9s%s", s, malformed[i].text);
        else
            snprintf(bad, sizeof(bad), "%s", malformed[i].text);
        ck_assert_int_eq(st_schedule_parse(sc, bad, &back, &n, err,
                                           sizeof(err)), -EINVAL);
        ck_assert_msg(strstr(err, malformed[i].err) != NULL, "%s: '%s' "
                      "lacks '%s'", bad, err, malformed[i].err);
    }
    free(s);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_schedule_for_an_edited_scenario_is_refused)
{
    struct st_scenario *sc = tu_load_text("p.scn", preempt_once);
    struct st_scenario *edited = tu_load_text("p2.scn", PREEMPT_ONCE(
        "  up_ref s\n  up_ref s\n  free s\n  free s\n"));
    static const unsigned char d[] = { 0, 1 };
    struct st_sched_spec sp = { .kind = ST_SCHED_REPLAY };
    struct st_result res;
    unsigned char *back;
    size_t n;
    char err[300], *s = st_schedule_format(sc, d, 2);

    ck_assert_int_eq(st_schedule_parse(edited, s, &back, &n, err,
                                       sizeof(err)), -ESTALE);
    ck_assert_ptr_nonnull(strstr(err, "made for another version"));
    /* At run time the same: an error result, no iteration failed. */
    sp.replay = s;
    ck_assert_int_eq(run_spec(edited, &sp, 0, 5, 0, &res), 0);
    ck_assert_int_eq(res.verdict, ST_ERROR);
    ck_assert_int_eq(res.schedule_misfit, 1);
    ck_assert_ptr_nonnull(strstr(res.reason, "made for another version"));
    ck_assert_uint_eq(res.iterations_failed, 0);
    st_result_free(&res);
    free(s);
    st_scenario_free(edited);
    st_scenario_free(sc);
}
END_TEST

/* Replays the N decisions D on SC: a misfit whose reason holds REASON.
 * The run stops at the first misfit: no hang, one iteration. */
static void assert_replay_misfits(const struct st_scenario *sc,
                                  const unsigned char *d, size_t n,
                                  const char *reason)
{
    struct st_sched_spec sp = { .kind = ST_SCHED_REPLAY };
    struct st_result res;
    char *s = st_schedule_format(sc, d, n);

    ck_assert_ptr_nonnull(s);
    sp.replay = s;
    ck_assert_int_eq(run_spec(sc, &sp, 0, 3, 0, &res), 0);
    ck_assert_int_eq(res.schedule_misfit, 1);
    ck_assert_msg(strstr(res.reason, reason) != NULL, "reason '%s' lacks "
                  "'%s'", res.reason, reason);
    ck_assert_uint_eq(res.iterations_run, 1);
    st_result_free(&res);
    free(s);
}

START_TEST(a_schedule_that_names_a_finished_thread_or_ends_early_is_a_misfit)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);
    static const unsigned char too_many_b[] = { 1, 1, 1, 0 };
    static const unsigned char too_short[] = { 0 };

    /* B has two statements: a third B decision cannot be made. */
    assert_replay_misfits(sc, too_many_b, sizeof(too_many_b),
                          "does not fit");
    assert_replay_misfits(sc, too_short, sizeof(too_short),
                          "ends after 1 steps");
    st_scenario_free(sc);
}
END_TEST

START_TEST(replay_reproduces_a_failure_at_the_same_step_every_time)
{
    struct st_scenario *sc = tu_load_text("p.scn", preempt_once);
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 2 };
    struct st_sched_spec rp = { .kind = ST_SCHED_REPLAY };
    struct st_result res, again;
    unsigned steps;

    ck_assert_int_eq(run_spec(sc, &sp, 7, 1000, 1, &res), 0);
    ck_assert_int_eq(res.verdict, ST_FAIL);
    ck_assert_uint_eq(res.nfailures, 1);
    ck_assert_ptr_nonnull(res.failures[0].schedule);
    ck_assert_ptr_nonnull(res.failures[0].trace);
    ck_assert_uint_eq(res.failures[0].preemptions, 1);
    steps = res.failures[0].steps;
    ck_assert_uint_eq(res.failures[0].trace->n, steps);
    ck_assert_ptr_nonnull(strstr(res.failures[0].replay, " replay "));
    ck_assert_ptr_nonnull(strstr(res.failures[0].replay,
                                 res.failures[0].schedule));
    {
        const struct st_trace *tr = res.failures[0].trace;
        bool inc = false, other = false;

        for (size_t i = 0; i < tr->n; i++) {
            if (strcmp(tr->steps[i].label, "ssl.refcount.inc") == 0 &&
                tr->steps[i].before == 1 && tr->steps[i].after == 2 &&
                strcmp(tr->steps[i].obj, "SSL#1") == 0)
                inc = true;
            if (strcmp(tr->steps[i].label, "stmt") != 0)
                other = true;
        }
        /* The last step is B's expect, which saw A's reference. */
        ck_assert_uint_eq(tr->steps[tr->n - 1].thread, 1);
        ck_assert_str_eq(tr->steps[tr->n - 1].text, "expect refs s == 1");
        ck_assert(tr->steps[tr->n - 1].preempted);
        if (st_be_sched_available())
            ck_assert_msg(inc, "no ssl.refcount.inc SSL#1 1 -> 2 step");
        else
            ck_assert_msg(!other, "a yield point step without yield points");
    }
    rp.replay = res.failures[0].schedule;
    ck_assert_int_eq(run_spec(sc, &rp, 0, 50, 0, &again), 0);
    ck_assert_int_eq(again.schedule_misfit, 0);
    ck_assert_uint_eq(again.iterations_run, 50);
    ck_assert_uint_eq(again.iterations_failed, 50);
    ck_assert_uint_eq(again.same_failures, 50);
    ck_assert_str_eq(again.failures[0].kind, res.failures[0].kind);
    ck_assert_uint_eq(again.failures[0].steps, steps);
    ck_assert_str_eq(again.failures[0].schedule, res.failures[0].schedule);
    st_result_free(&again);
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(random_and_pct_schedules_are_a_function_of_the_seed)
{
    struct st_scenario *sc = tu_load_text("p.scn", preempt_once);
    struct st_sched_spec sp[2] = {
        { .kind = ST_SCHED_RANDOM },
        { .kind = ST_SCHED_PCT, .depth = 2 },
    };

    for (int k = 0; k < 2; k++) {
        struct st_result a, b;

        ck_assert_int_eq(run_spec(sc, &sp[k], 42, 500, 1, &a), 0);
        ck_assert_int_eq(run_spec(sc, &sp[k], 42, 500, 1, &b), 0);
        /* Found (one preemption is enough), at the same iteration, with
         * the same schedule. */
        ck_assert_int_eq(a.verdict, ST_FAIL);
        ck_assert_uint_eq(a.iterations_run, b.iterations_run);
        ck_assert_uint_eq(a.failures[0].iteration, b.failures[0].iteration);
        ck_assert_str_eq(a.failures[0].schedule, b.failures[0].schedule);
        st_result_free(&a);
        st_result_free(&b);
    }
    st_scenario_free(sc);
}
END_TEST

/* Shrink the first failure of random schedules of |sc| for seeds 1, 2, ...
 * until one had preemptions to spare, in this process or (|isolated|) in
 * a forked child, where the shrink runs in a child of its own and its
 * result comes back through the shared block. */
static void shrinks_to_one_preemption(const struct st_scenario *sc,
                                      bool isolated)
{
    struct st_sched_spec sp = { .kind = ST_SCHED_RANDOM, .shrink = true };
    struct st_range rg = { 0, 500 };
    struct st_opts o;
    struct st_result res;
    bool more = false;

    for (uint64_t seed = 1; seed < 40 && !more; seed++) {
        if (isolated) {
            st_opts_default(&o);
            o.seed = seed;
            o.sched = &sp;
            ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &res, NULL,
                                             NULL), 0);
        } else {
            ck_assert_int_eq(run_spec(sc, &sp, seed, 500, 1, &res), 0);
        }
        ck_assert_int_eq(res.verdict, ST_FAIL);
        ck_assert_ptr_nonnull(res.failures[0].schedule_shrunk);
        ck_assert_uint_le(res.failures[0].shrunk_preemptions,
                          res.failures[0].preemptions);
        ck_assert_uint_eq(res.failures[0].shrunk_preemptions, 1);
        /* A shrink run is not counted in the result. */
        ck_assert_uint_eq(res.iterations_failed, 1);
        more = res.failures[0].preemptions > 1;
        st_result_free(&res);
    }
    ck_assert_msg(more, "no seed gave a schedule with spare preemptions");
}

START_TEST(shrink_reduces_a_failing_schedule_to_one_preemption)
{
    /* B fails if it runs between A's two statements; A has many more
     * points, so random finds schedules with extra preemptions. */
    struct st_scenario *sc = tu_load_text("s.scn",
        "scenario shrink-me\n"
        "iterations 500\n"
        "global\n"
        "  ctx c\n"
        "  s = new c\n"
        "thread A\n"
        "  spin 1\n"
        "  spin 1\n"
        "  up_ref s\n"
        "  spin 1\n"
        "  free s\n"
        "  spin 1\n"
        "thread B\n"
        "  spin 1\n"
        "  spin 1\n"
        "  spin 1\n"
        "  expect refs s == 1\n"
        "  spin 1\n");

    shrinks_to_one_preemption(sc, false);
    shrinks_to_one_preemption(sc, true);
    st_scenario_free(sc);
}
END_TEST

/* A dfs controller (two preemptions) over SC, its first iteration begun. */
static struct st_ctl *begun_ctl(const struct st_scenario *sc)
{
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 2 };
    struct st_ctl *c = st_ctl_new(sc, &sp, 1, NULL);

    ck_assert_ptr_nonnull(c);
    ck_assert(st_ctl_begin(c, 0));
    return c;
}

START_TEST(all_threads_blocked_is_a_deadlock_with_each_threads_position)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);
    struct st_ctl *c = begun_ctl(sc);
    static const char lx[] = "x", ly[] = "y";
    char text[600];
    int t, u;

    /* Nobody runs until both threads reached their first point. */
    ck_assert_int_eq(st_ctl_event(c, 0, ST_EV_POINT, NULL, "stmt", "",
                                  "take x"), ST_CORE_WAIT);
    t = st_ctl_event(c, 1, ST_EV_POINT, NULL, "stmt", "", "take y");
    ck_assert_int_eq(t, 0);     /* dfs: the lowest first */
    /* A holds x and blocks on y (held by B): B runs. */
    u = st_ctl_event(c, 0, ST_EV_BLOCKED, ly, "ssl.lock.acquire", "SSL#2",
                     NULL);
    ck_assert_int_eq(u, 1);
    /* B releasing something else unblocks nobody. */
    st_ctl_release(c, "z");
    /* B blocks on x: every unfinished thread is blocked. */
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_BLOCKED, lx,
                                  "ssl.lock.acquire", "SSL#1", NULL),
                     ST_CORE_DEADLOCK);
    st_ctl_deadlock_text(c, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "every unfinished thread is blocked"));
    ck_assert_ptr_nonnull(strstr(text, "A blocked at ssl.lock.acquire "
                                       "SSL#2 (statement: take x)"));
    ck_assert_ptr_nonnull(strstr(text, "B blocked at ssl.lock.acquire "
                                       "SSL#1 (statement: take y)"));
    /* A release of x makes B runnable again: no deadlock. */
    st_ctl_release(c, lx);
    ck_assert_int_eq(st_ctl_event(c, 0, ST_EV_BLOCKED, ly,
                                  "ssl.lock.acquire", "SSL#2", NULL), 1);
    /* B finishes; A is still blocked on y with nobody to release it. */
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_DONE, NULL, NULL, NULL, NULL),
                     ST_CORE_DEADLOCK);
    st_ctl_deadlock_text(c, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "B finished"));
    st_ctl_free(c);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_blocked_thread_is_not_picked_until_released)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);
    struct st_ctl *c = begun_ctl(sc);
    static const char lk[] = "lock";

    st_ctl_event(c, 0, ST_EV_POINT, NULL, "stmt", "", "a");
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_POINT, NULL, "stmt", "", "b"),
                     0);
    ck_assert_int_eq(st_ctl_event(c, 0, ST_EV_BLOCKED, lk, "l", "", NULL),
                     1);
    /* B's points are forced while A is blocked: no decision recorded. */
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_POINT, NULL, "stmt", "", "b2"),
                     1);
    st_ctl_release(c, lk);
    /* Now both can run: dfs's default goes on with B (no preemption). */
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_POINT, NULL, "stmt", "", "b3"),
                     1);
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_DONE, NULL, NULL, NULL, NULL),
                     0);
    ck_assert_int_eq(st_ctl_event(c, 0, ST_EV_DONE, NULL, NULL, NULL, NULL),
                     ST_CORE_IDLE);
    ck_assert_uint_eq(st_ctl_preemptions(c), 0);
    st_ctl_free(c);
    st_scenario_free(sc);
}
END_TEST

/* The two ends of a BIO pair under the scheduler (run.c's pair_wait): a
 * waiting thread is not picked until another thread makes a step; a wait
 * right after a thread's own work counts as its step and wakes the other
 * waiter; two threads that only look and wait again are a deadlock. */
START_TEST(a_waiting_thread_runs_after_another_threads_step_and_idle_waits_deadlock)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);
    struct st_ctl *c = begun_ctl(sc);
    char text[600];

    st_ctl_event(c, 0, ST_EV_POINT, NULL, "stmt", "", "client");
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_POINT, NULL, "stmt", "",
                                  "server"), 0);
    /* A wrote its first flight and waits for the answer: B runs. */
    ck_assert_int_eq(st_ctl_wait_event(c, 0, true, "bio_pair.wait"), 1);
    /* B's own points are forced: A waits until B makes a step... */
    ck_assert_int_eq(st_ctl_event(c, 1, ST_EV_POINT, NULL, "stmt", "", "b"),
                     1);
    /* ...and B's wait after its work wakes A, who runs next. */
    ck_assert_int_eq(st_ctl_wait_event(c, 1, true, "bio_pair.wait"), 0);
    /* A looks, finds nothing and waits again without work: that wakes
     * nobody, and both wait for each other. */
    ck_assert_int_eq(st_ctl_wait_event(c, 0, false, "bio_pair.wait"),
                     ST_CORE_DEADLOCK);
    st_ctl_deadlock_text(c, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "A blocked at bio_pair.wait"));
    ck_assert_ptr_nonnull(strstr(text, "B blocked at bio_pair.wait"));
    ck_assert_uint_eq(st_ctl_preemptions(c), 0);
    st_ctl_free(c);
    st_scenario_free(sc);
}
END_TEST

/* Plays minissl's part: each thread finds a different lock held before its
 * first statement, and nobody ever releases them. */
static void block_each_thread(uint64_t it, int thread,
                              const struct st_stmt *st)
{
    static const char locks[2][8] = { "lock x", "lock y" };
    struct st_ctl *c = st_ctl_current();

    (void)it;
    (void)st;
    if (c != NULL && thread >= 0 && thread < 2)
        st_ctl_blocked(c, (unsigned)thread, locks[thread],
                       "ssl.lock.acquire", "SSL", (unsigned long)thread + 7);
}

START_TEST(a_real_deadlock_is_a_reported_failure_not_a_hang)
{
    struct st_scenario *sc = tu_load_text("two.scn", two_by_two);
    struct st_sched_spec sp = { .kind = ST_SCHED_RANDOM };
    struct st_result res;
    const struct st_failure *f;

    run_isolated_spec(sc, &sp, 3, block_each_thread, &res);
    ck_assert_uint_eq(res.nfailures, 1);
    f = &res.failures[0];
    ck_assert_str_eq(f->kind, "deadlock");
    /* Blocked before any step ran: the objects were never named. */
    ck_assert_ptr_nonnull(strstr(f->message, "A blocked at ssl.lock.acquire "
                                             "SSL (not touched before)"));
    ck_assert_ptr_nonnull(strstr(f->message, "B blocked at ssl.lock.acquire "
                                             "SSL (not touched before)"));
    /* Replayable: the decisions so far (none: nobody could run). */
    ck_assert_ptr_nonnull(f->schedule);
    ck_assert_ptr_nonnull(strstr(f->replay, " replay "));
    ck_assert_str_eq(res.schedule, "random");
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

/* Aborts thread B at its statement on line 11 (`spin 2`). */
static void abort_at_b(uint64_t it, int thread, const struct st_stmt *st)
{
    (void)it;
    if (thread == 1 && st->loc.line == 11)
        abort();
}

START_TEST(a_crash_keeps_its_schedule_and_its_last_steps)
{
    struct st_scenario *sc = tu_load_text("crash.scn",
        "scenario crash-late\n"
        "iterations 10\n"
        "thread A\n"
        "  repeat 3000\n"
        "    spin 1\n"
        "  end\n"
        "thread B\n"
        "  repeat 3000\n"
        "    spin 1\n"
        "  end\n"
        "  spin 2\n");
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 1 };
    struct st_result res;
    const struct st_failure *f;
    const struct st_trace *tr;

    run_isolated_spec(sc, &sp, 5, abort_at_b, &res);
    f = &res.failures[0];
    ck_assert_str_eq(f->kind, "crash");
    /* dfs's first schedule: A whole, then B: 2 + 3000 + 3000 + 2 steps
     * were taken (the repeats and their bodies), B's `spin 2` last. */
    ck_assert_ptr_nonnull(f->schedule);
    ck_assert_ptr_nonnull(strstr(f->schedule, "/A:"));
    ck_assert_ptr_nonnull(strstr(f->replay, f->schedule));
    tr = f->trace;
    ck_assert_ptr_nonnull(tr);
    ck_assert_uint_eq(tr->n, ST_SCHED_SH_STEPS);
    ck_assert_uint_eq(tr->first + tr->n, f->steps);
    ck_assert_uint_gt(tr->first, 0);
    ck_assert_uint_eq(tr->steps[tr->n - 1].thread, 1);
    ck_assert_str_eq(tr->steps[tr->n - 1].text, "spin 2");
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("schedule");
    TCase *t = tcase_create("schedule");
    const TTest *const run_tests[] = {
        dfs_enumerates_every_interleaving_of_two_threads_by_two_statements,
        dfs_with_minissl_yield_points_explores_more_than_statements,
        a_schedule_for_an_edited_scenario_is_refused,
        a_schedule_that_names_a_finished_thread_or_ends_early_is_a_misfit,
        replay_reproduces_a_failure_at_the_same_step_every_time,
        random_and_pct_schedules_are_a_function_of_the_seed,
        shrink_reduces_a_failing_schedule_to_one_preemption,
        a_real_deadlock_is_a_reported_failure_not_a_hang,
        a_crash_keeps_its_schedule_and_its_last_steps,
    };

    tcase_add_checked_fixture(t, make_tmpdir, tu_remove_tmpdir);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, schedule_strings_round_trip_and_reject_malformed_ones);
    tcase_add_test(t, all_threads_blocked_is_a_deadlock_with_each_threads_position);
    tcase_add_test(t, a_blocked_thread_is_not_picked_until_released);
    tcase_add_test(t, a_waiting_thread_runs_after_another_threads_step_and_idle_waits_deadlock);
    /* The rest run scenarios: they need the backend's introspection. */
    tu_add_tests_if(t, ST_FEAT_INTROSPECTION, "schedule", run_tests,
                    sizeof(run_tests) / sizeof(run_tests[0]));
    tu_add_stress_leak_checks(t);
    suite_add_tcase(s, t);
    return s;
}
