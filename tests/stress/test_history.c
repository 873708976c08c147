/* Suite history: failures that need the iterations before them
 * (stress/history.c), the replays that recreate that state, replays that
 * each start afresh, the notes of --no-fork's unchecked replays, and
 * --shrink in a child of its own (stress/run.c).
 *
 * The state an iteration leaves is played here by a statement hook that
 * counts, per process, the iterations it has seen (thread A's one
 * statement each): a forked child starts from the test process's count,
 * as it starts from a fresh library, and counts its own. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "controlled.h"
#include "history.h"
#include "opts.h"
#include "report.h"
#include "result.h"
#include "runner.h"
#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

static void make_tmpdir(void)
{
    tu_make_tmpdir("test_history");
    ck_assert_int_eq(st_be_init(), 0);
    st_stmt_hook = NULL;
}

static void remove_tmpdir(void)
{
    st_stmt_hook = NULL;
    tu_remove_tmpdir();
}

/* Thread A has one statement: each call of the hook on thread 0 is one
 * iteration of this process. */
static const char probe[] =
    "scenario history-probe\n"
    "iterations 10\n"
    "thread A\n"
    "  spin 1\n"
    "thread B\n"
    "  spin 1\n"
    "  spin 1\n";

/* The same, failing in every iteration by its own expectation. */
static const char always_fails[] =
    "scenario always-fails\n"
    "iterations 10\n"
    "setup\n"
    "  ctx c\n"
    "thread A\n"
    "  spin 1\n"
    "thread B\n"
    "  spin 1\n"
    "  expect refs c == 99\n"
    "check\n"
    "  free c\n";

static uint64_t seen;           /* iterations this process has started */

/* Iteration 1 crashes, but only after iteration 0 ran in the same
 * process: a failure that needs its history. */
static void crash_after_iteration_0(uint64_t it, int thread,
                                    const struct st_stmt *st)
{
    (void)st;
    if (thread == 0 && ++seen >= 2 && it == 1)
        abort();
}

/* The second iteration of any process crashes: what an iteration leaves
 * for the next one. */
static void crash_in_second_iteration(uint64_t it, int thread,
                                      const struct st_stmt *st)
{
    (void)it;
    (void)st;
    if (thread == 0 && ++seen >= 2)
        abort();
}

/* Iteration 2 crashes whatever ran before. */
static void crash_at_iteration_2(uint64_t it, int thread,
                                 const struct st_stmt *st)
{
    (void)st;
    if (thread == 0 && it == 2)
        abort();
}

static void opts_for(struct st_opts *o, const struct st_sched_spec *sp)
{
    st_opts_default(o);
    o->seed = 5;
    o->sched = sp;
    o->quiet_child = true;      /* the crashes' messages are expected */
}

/* |sc| over [0, n) in a child with |hook|, then the parent's check. */
static void run_checked(const struct st_scenario *sc, const struct st_opts *o,
                        uint64_t n,
                        void (*hook)(uint64_t, int, const struct st_stmt *),
                        struct st_result *res)
{
    struct st_range rg = { 0, n };

    seen = 0;
    st_stmt_hook = hook;
    ck_assert_int_eq(st_run_isolated(sc, o, &rg, 1, res, NULL, NULL), 0);
    ck_assert_int_eq(res->verdict, ST_FAIL);
    ck_assert_uint_ge(res->nfailures, 1);
    ck_assert_int_eq(st_history_check(sc, o, &rg, 1, res), 0);
}

/* |f| failed at iteration |it| and needs history |history| ("SPEC
 * RANGES"): its replay has |in_replay| in it and its note |in_note|. */
static void assert_needs_history(const struct st_failure *f, uint64_t it,
                                 const char *history, const char *in_replay,
                                 const char *in_note)
{
    ck_assert_uint_eq(f->iteration, it);
    ck_assert_ptr_nonnull(f->history);
    ck_assert_str_eq(f->history, history);
    ck_assert_ptr_nonnull(f->replay);
    ck_assert_ptr_nonnull(strstr(f->replay, in_replay));
    ck_assert_ptr_nonnull(f->replay_note);
    ck_assert_ptr_nonnull(strstr(f->replay_note, in_note));
}

/* |ro|'s replay of iteration |it|, |times| times in fresh children with
 * |hook|, into |again|: every one fails, by |kind|, as the first did. */
static void replay_fails(const struct st_scenario *sc,
                         const struct st_opts *ro, uint64_t it, uint64_t times,
                         void (*hook)(uint64_t, int, const struct st_stmt *),
                         const char *kind, struct st_result *again)
{
    seen = 0;
    st_stmt_hook = hook;
    ck_assert_int_eq(st_replay_times(sc, ro, it, times, false, again, NULL,
                                     NULL), 0);
    ck_assert_uint_eq(again->iterations_run, times);
    ck_assert_uint_eq(again->iterations_failed, times);
    ck_assert_uint_eq(again->same_failures, times);
    ck_assert_str_eq(again->failures[0].kind, kind);
}

/* The first failure of |res|, at iteration |it|, replays alone: no
 * history, no note, and a replay that has |in_replay| in it. */
static void assert_replays_alone(const struct st_result *res, uint64_t it,
                                 const char *in_replay)
{
    const struct st_failure *f = &res->failures[0];

    ck_assert_uint_eq(f->iteration, it);
    ck_assert_ptr_null(f->history);
    ck_assert_ptr_null(f->replay_note);
    ck_assert_ptr_nonnull(f->replay);
    ck_assert_ptr_null(strstr(f->replay, "--history"));
    ck_assert_ptr_nonnull(strstr(f->replay, in_replay));
}

START_TEST(ranges_round_trip_and_malformed_ones_are_refused)
{
    const struct st_range rg[] = { { 0, 42 }, { 50, 50 }, { 96, 97 },
                                   { 100, 110 } };
    static const char *const bad[] = { "", "a", "5-3", "1,1", "3-4,2",
                                       "1,", ",1", "1-", "-1", "1 2",
                                       "18446744073709551615" };
    struct st_range *out;
    size_t n;
    char *s = st_ranges_format(rg, 4);

    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "0-41,96,100-109");
    ck_assert_int_eq(st_ranges_parse(s, &out, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(out[0].begin, 0);
    ck_assert_uint_eq(out[0].end, 42);
    ck_assert_uint_eq(out[1].begin, 96);
    ck_assert_uint_eq(out[1].end, 97);
    ck_assert_uint_eq(out[2].begin, 100);
    ck_assert_uint_eq(out[2].end, 110);
    free(out);
    free(s);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(st_ranges_parse(bad[i], &out, &n) == -EINVAL,
                      "'%s' was accepted", bad[i]);
}
END_TEST

START_TEST(a_controlled_failure_that_needs_its_history_replays_with_it)
{
    struct st_scenario *sc = tu_load_text("p.scn", probe);
    struct st_sched_spec sp = { .kind = ST_SCHED_RANDOM };
    struct st_sched_spec rp = { .kind = ST_SCHED_REPLAY };
    const struct st_range before = { 0, 1 };
    struct st_history h = { .spec = &sp, .rg = &before, .nrg = 1 };
    struct st_opts o, ro;
    struct st_result res, again;
    struct st_failure *f;

    opts_for(&o, &sp);
    run_checked(sc, &o, 3, crash_after_iteration_0, &res);
    f = &res.failures[0];
    ck_assert_str_eq(f->kind, "crash");
    assert_needs_history(f, 1, "random 0", " --history random "
                         "--history-iterations 0 --seed 5",
                         "does not fail the same way: it needs");
    ck_assert_ptr_nonnull(strstr(f->replay, f->schedule));

    /* That replay, three times: each runs iteration 0 first, and fails. */
    opts_for(&ro, &rp);
    rp.replay = f->schedule;
    ro.history = &h;
    ro.max_failures = 0;
    replay_fails(sc, &ro, 1, 3, crash_after_iteration_0, "crash", &again);
    /* The replay's own replay command carries the same history. */
    ck_assert_ptr_nonnull(strstr(again.failures[0].replay,
                                 "--history-iterations 0"));
    st_result_free(&again);

    /* Without it, from a fresh start, the schedule passes. */
    ro.history = NULL;
    ck_assert_int_eq(st_replay_times(sc, &ro, 1, 3, false, &again, NULL,
                                     NULL), 0);
    ck_assert_uint_eq(again.iterations_failed, 0);
    st_result_free(&again);
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_failures_history_and_its_note_survive_json)
{
    struct st_scenario *sc = tu_load_text("p.scn", probe);
    struct st_sched_spec sp = { .kind = ST_SCHED_RANDOM };
    struct st_opts o;
    struct st_result res, back;
    char err[200], *json;

    opts_for(&o, &sp);
    run_checked(sc, &o, 3, crash_after_iteration_0, &res);
    ck_assert_ptr_nonnull(json = st_result_to_json_string(&res));
    ck_assert_int_eq(st_result_from_json_string(json, strlen(json), &back,
                                                err, sizeof(err)), 0);
    ck_assert_str_eq(back.failures[0].history, res.failures[0].history);
    ck_assert_str_eq(back.failures[0].replay_note,
                     res.failures[0].replay_note);
    ck_assert_str_eq(back.failures[0].replay, res.failures[0].replay);
    free(json);
    st_result_free(&back);
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_failure_that_fails_again_alone_keeps_its_short_replay)
{
    struct st_scenario *sc = tu_load_text("p.scn", probe);
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 1 };
    struct st_opts o;
    struct st_result res;

    opts_for(&o, &sp);
    run_checked(sc, &o, 10, crash_at_iteration_2, &res);
    assert_replays_alone(&res, 2, " --schedule ");
    st_result_free(&res);
    /* Free-running: --start at its own iteration. */
    opts_for(&o, NULL);
    run_checked(sc, &o, 5, crash_at_iteration_2, &res);
    assert_replays_alone(&res, 2, " --start 2 ");
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_free_running_failure_that_needs_its_history_replays_from_the_first_iteration)
{
    struct st_scenario *sc = tu_load_text("p.scn", probe);
    struct st_opts o;
    struct st_result res;
    struct st_failure *f;

    opts_for(&o, NULL);
    run_checked(sc, &o, 5, crash_after_iteration_0, &res);
    f = &res.failures[0];
    assert_needs_history(f, 1, "free 0", " --start 0 ",
                         "iteration 1 did not fail");
    ck_assert_ptr_nonnull(strstr(f->replay, " run --seed 5 "));
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(each_replay_starts_afresh_not_from_what_the_one_before_left)
{
    struct st_scenario *sc = tu_load_text("a.scn", always_fails);
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 0 };
    struct st_sched_spec rp = { .kind = ST_SCHED_REPLAY };
    struct st_opts o, ro;
    struct st_result res, again;

    opts_for(&o, &sp);
    run_checked(sc, &o, 1, NULL, &res);
    ck_assert_str_eq(res.failures[0].kind, "expect");
    opts_for(&ro, &rp);
    rp.replay = res.failures[0].schedule;
    ro.max_failures = 0;
    /* In one process the second replay would crash; each fresh one
     * fails by its expectation, as the first. */
    replay_fails(sc, &ro, 0, 4, crash_in_second_iteration, "expect",
                 &again);
    st_result_free(&again);
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_shrink_candidate_that_kills_its_process_leaves_the_runs_failure)
{
    struct st_scenario *sc = tu_load_text("a.scn", always_fails);
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 1,
                                .shrink = true };
    struct st_opts o;
    struct st_result res;

    opts_for(&o, &sp);
    /* The first candidate is this process's second iteration: it dies. */
    run_checked(sc, &o, 10, crash_in_second_iteration, &res);
    ck_assert_uint_eq(res.failures[0].iteration, 0);
    ck_assert_str_eq(res.failures[0].kind, "expect");
    ck_assert_ptr_nonnull(res.failures[0].schedule);
    ck_assert_ptr_null(res.failures[0].schedule_shrunk);
    ck_assert_uint_eq(res.iterations_failed, 1);
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

/* --no-fork: |sc| over [0, 5) in this process, failing in every
 * iteration, keeping the first two failures; then the unchecked notes,
 * as if |earlier| scenarios had run in this process before. */
static void run_unchecked(const struct st_scenario *sc, struct st_opts *o,
                          size_t earlier, struct st_result *res)
{
    struct st_range rg = { 0, 5 };

    o->max_failures = 2;
    o->keep_failures = 2;
    ck_assert_int_eq(st_run_scenario(sc, o, &rg, 1, NULL, res), 0);
    ck_assert_uint_eq(res->nfailures, 2);
    ck_assert_uint_eq(res->failures[1].iteration, 1);
    ck_assert_int_eq(st_history_unchecked(sc, o, &rg, 1, earlier, res), 0);
}

START_TEST(under_no_fork_a_failure_past_the_first_iteration_replays_with_its_history_unchecked)
{
    struct st_scenario *sc = tu_load_text("a.scn", always_fails);
    struct st_sched_spec sp = { .kind = ST_SCHED_RANDOM };
    struct st_opts o;
    struct st_result res;

    opts_for(&o, &sp);
    run_unchecked(sc, &o, 0, &res);
    /* The process's first iteration needs nothing before it. */
    ck_assert_ptr_null(res.failures[0].history);
    ck_assert_ptr_null(res.failures[0].replay_note);
    assert_needs_history(&res.failures[1], 1, "random 0", " --history "
                         "random --history-iterations 0 --seed 5",
                         "not checked (--no-fork");
    st_result_free(&res);

    /* Free-running: the replay starts at the process's first iteration. */
    opts_for(&o, NULL);
    run_unchecked(sc, &o, 0, &res);
    assert_needs_history(&res.failures[1], 1, "free 0", " --start 0 ",
                         "the replay starts at 0");
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

START_TEST(under_no_fork_a_replay_names_the_scenarios_that_ran_before_it)
{
    struct st_scenario *sc = tu_load_text("a.scn", always_fails);
    struct st_opts o;
    struct st_result res;

    opts_for(&o, NULL);
    run_unchecked(sc, &o, 2, &res);
    for (size_t k = 0; k < 2; k++) {
        ck_assert_ptr_nonnull(res.failures[k].replay_note);
        ck_assert_ptr_nonnull(strstr(res.failures[k].replay_note,
                                     "2 scenarios ran before it in this "
                                     "process, which no replay runs"));
    }
    st_result_free(&res);
    st_scenario_free(sc);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("history");
    TCase *t = tcase_create("history");
    const TTest *const run_tests[] = {
        a_controlled_failure_that_needs_its_history_replays_with_it,
        a_failures_history_and_its_note_survive_json,
        a_failure_that_fails_again_alone_keeps_its_short_replay,
        a_free_running_failure_that_needs_its_history_replays_from_the_first_iteration,
        each_replay_starts_afresh_not_from_what_the_one_before_left,
        a_shrink_candidate_that_kills_its_process_leaves_the_runs_failure,
        under_no_fork_a_failure_past_the_first_iteration_replays_with_its_history_unchecked,
        under_no_fork_a_replay_names_the_scenarios_that_ran_before_it,
    };

    tcase_add_checked_fixture(t, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, ranges_round_trip_and_malformed_ones_are_refused);
    /* The rest run scenarios (`refs`: introspection). */
    tu_add_tests_if(t, ST_FEAT_INTROSPECTION, "history", run_tests,
                    sizeof(run_tests) / sizeof(run_tests[0]));
    tu_add_stress_leak_checks(t);
    suite_add_tcase(s, t);
    return s;
}
