/* Suite runner: stress/run.c and stress/isolate.c, the free-running runner
 * and its forked isolation.  Scenarios are written to a temp dir and loaded
 * through the parser, as a user's files would be. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "backend.h"
#include "format.h"
#include "result.h"
#include "runner.h"
#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_runner.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    ck_assert_int_eq(st_be_init(), 0);
    st_stmt_hook = NULL;
}

static void remove_tmpdir(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    st_stmt_hook = NULL;
}

static struct st_scenario *load_text(const char *name, const char *text)
{
    return tu_load_scenario_text(tmpdir, name, text);
}

static const char copy_is_same_text[] =
    "# must fail: a dup of an initial SSL is a copy, not the same handle\n"
    "scenario dup-initial-claims-same\n"
    "iterations 100\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "  up_ref s\n"
    "thread A\n"
    "  d = dup s\n"
    "  expect d == s\n"
    "  free d\n"
    "  free s\n"
    "thread B\n"
    "  free s\n";

static void opts_for(struct st_opts *o, uint64_t seed)
{
    st_opts_default(o);
    o->seed = seed;
}

START_TEST(failing_scenario_fails_and_reports_its_seed)
{
    struct st_scenario *sc = load_text("fail.scn", copy_is_same_text);
    struct st_opts o;
    struct st_range rg = { 0, 100 };
    struct st_result r;
    char want[64];

    opts_for(&o, 1234567);
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.seed, 1234567);
    ck_assert_uint_eq(r.iterations_failed, 1);      /* --max-failures 1 */
    ck_assert_uint_ge(r.nfailures, 1);
    ck_assert_uint_eq(r.failures[0].seed, 1234567);
    ck_assert_uint_eq(r.failures[0].iteration, 0);
    ck_assert_str_eq(r.failures[0].kind, "expect");
    ck_assert_ptr_nonnull(strstr(r.failures[0].message, "expect d == s"));
    ck_assert_ptr_nonnull(r.failures[0].where);
    ck_assert_ptr_nonnull(strstr(r.failures[0].where, ":11:"));
    snprintf(want, sizeof(want), "--seed %d", 1234567);
    ck_assert_ptr_nonnull(strstr(r.failures[0].replay, want));
    /* The trace of thread A ends at the statement that failed or after. */
    ck_assert_uint_eq(r.failures[0].nthreads, 2);
    ck_assert_ptr_nonnull(strstr(r.failures[0].thread_trace[0],
                                 "d = dup s"));
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

/* `sessions C` counts the cache as SSL_CTX_sess_number does: one entry
 * per session added, none after a remove; a wrong count fails the
 * expectation, naming the count it found. */
START_TEST(sessions_counts_the_cache_and_names_a_wrong_count)
{
    struct st_scenario *sc = load_text("sessions.scn",
        "scenario sessions-count\niterations 3\nglobal\n  ctx c\n"
        "setup\n  x = session\n  y = session\nthread A\n"
        "  expect sessions c == 0\n  add_session c x\n  add_session c y\n"
        "  expect sessions c == 2\n  remove_session c x\n"
        "  expect sessions c == 2\n"
        "check\n  flush_sessions c\n  free x\n  free y\n");
    struct st_opts o;
    struct st_range rg = { 0, 3 };
    struct st_result r;

    opts_for(&o, 5);
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_ge(r.nfailures, 1);
    ck_assert_str_eq(r.failures[0].kind, "expect");
    /* The first two hold; the third finds the one left after the remove. */
    ck_assert_msg(strstr(r.failures[0].message, "sessions c is 1") != NULL,
                  "%s", r.failures[0].message);
    ck_assert_ptr_nonnull(strstr(r.failures[0].where, ":14:"));
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

/* Pull "--NAME VALUE" out of a replay command. */
static uint64_t replay_arg(const char *cmd, const char *name)
{
    const char *p = strstr(cmd, name);

    ck_assert_msg(p != NULL, "%s lacks %s", cmd, name);
    return strtoull(p + strlen(name) + 1, NULL, 10);
}

START_TEST(replaying_a_failure_fails_again_at_the_same_iteration)
{
    struct st_scenario *sc = load_text("fail.scn", copy_is_same_text);
    struct st_opts o, ro;
    struct st_range rg = { 0, 100 };
    struct st_result r, again;
    uint64_t start;

    opts_for(&o, 99);
    o.jitter = ST_JITTER_LOW;
    o.max_failures = 3;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.nfailures, 3);
    /* Replay the third failure from its own command line. */
    ck_assert_ptr_nonnull(strstr(r.failures[2].replay, "--jitter low"));
    start = replay_arg(r.failures[2].replay, "--start");
    ck_assert_uint_eq(start, r.failures[2].iteration);
    opts_for(&ro, replay_arg(r.failures[2].replay, "--seed"));
    ro.jitter = ST_JITTER_LOW;
    rg.begin = start;
    rg.end = replay_arg(r.failures[2].replay, "--iterations");
    ck_assert_int_eq(st_run_isolated(sc, &ro, &rg, 1, &again, NULL, NULL), 0);
    ck_assert_int_eq(again.verdict, ST_FAIL);
    ck_assert_uint_eq(again.failures[0].iteration, start);
    ck_assert_uint_eq(again.failures[0].seed, 99);
    ck_assert_str_eq(again.failures[0].message, r.failures[2].message);
    st_result_free(&again);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

static const char counting_text[] =
    "scenario counting\n"
    "iterations 1000\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "  up_ref s\n"
    "  up_ref s\n"
    "thread A\n"
    "  d = dup s\n"
    "  observe a same(d, s)\n"
    "  free d\n"
    "  free s\n"
    "thread B\n"
    "  observe st state s\n"
    "  free s\n"
    "check\n"
    "  observe e errors\n"
    "  free s\n"
    "outcome a=copy st=before e=none acceptable \"a copy\"\n"
    "outcome a=same st=before e=none forbidden \"not a copy\"\n";

START_TEST(outcome_counting_is_exact_on_a_deterministic_scenario)
{
    struct st_scenario *sc = load_text("count.scn", counting_text);
    struct st_opts o;
    struct st_range rg[2] = { { 0, 300 }, { 500, 1000 } };
    struct st_result r;

    opts_for(&o, 7);
    o.jitter = ST_JITTER_HIGH;
    ck_assert_int_eq(st_run_isolated(sc, &o, rg, 2, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.iterations_planned, 800);
    ck_assert_uint_eq(r.iterations_run, 800);
    ck_assert_uint_eq(r.nlabels, 3);
    ck_assert_str_eq(r.labels[0], "a");
    ck_assert_str_eq(r.labels[1], "st");
    ck_assert_str_eq(r.labels[2], "e");
    ck_assert_uint_eq(r.nrows, 1);
    ck_assert_uint_eq(r.rows[0].count, 800);
    ck_assert_str_eq(r.rows[0].values[0], "copy");
    ck_assert_str_eq(r.rows[0].values[1], "before");
    ck_assert_str_eq(r.rows[0].values[2], "none");
    ck_assert_int_eq(r.rows[0].cls, ST_ACCEPTABLE);
    ck_assert_str_eq(r.rows[0].desc, "a copy");
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

static const char forbidden_text[] =
    "scenario always-forbidden\n"
    "iterations 400\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "thread A\n"
    "  d = dup s\n"
    "  observe a same(d, s)\n"
    "  free d\n"
    "  free s\n"
    "outcome a=same acceptable\n";

START_TEST(max_failures_zero_runs_the_whole_budget_and_counts_every_failure)
{
    struct st_scenario *sc = load_text("forbid.scn", forbidden_text);
    struct st_opts o;
    struct st_range rg = { 0, 400 };
    struct st_result r;

    opts_for(&o, 3);
    o.max_failures = 0;
    ck_assert_int_eq(st_run_scenario(sc, &o, &rg, 1, NULL, &r), 0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.iterations_run, 400);
    ck_assert_uint_eq(r.iterations_failed, 400);
    ck_assert_uint_eq(r.nrows, 1);
    ck_assert_uint_eq(r.rows[0].count, 400);
    ck_assert_int_eq(r.rows[0].cls, ST_FORBIDDEN);
    ck_assert_str_eq(r.failures[0].kind, "outcome");
    ck_assert_uint_le(r.nfailures, 8);      /* only the first few are kept */
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

static const char two_thread_text[] =
    "scenario hooked\n"
    "iterations 50\n"
    "timeout 500ms\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "  up_ref s\n"
    "thread A\n"
    "  up_ref s\n"
    "  free s\n"
    "  free s\n"
    "thread B\n"
    "  up_ref s\n"
    "  free s\n"
    "  free s\n";

static void crash_at_7(uint64_t it, int thread, const struct st_stmt *st)
{
    if (it == 7 && thread == 1 && st->op == ST_OP_FREE)
        raise(SIGSEGV);
}

START_TEST(crashing_scenario_is_reported_and_the_run_goes_on)
{
    struct st_scenario *sc = load_text("hook.scn", two_thread_text);
    struct st_opts o;
    struct st_range rg = { 0, 50 };
    struct st_result r;

    opts_for(&o, 11);
    st_stmt_hook = crash_at_7;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    st_stmt_hook = NULL;
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.nfailures, 1);
    ck_assert_str_eq(r.failures[0].kind, "crash");
    ck_assert_int_eq(r.failures[0].signal, SIGSEGV);
    ck_assert_uint_eq(r.failures[0].iteration, 7);
    ck_assert_uint_eq(r.failures[0].seed, 11);
    /* Thread B was at its first free. */
    ck_assert_ptr_nonnull(r.failures[0].thread_trace[1]);
    ck_assert_ptr_nonnull(strstr(r.failures[0].thread_trace[1], "free s"));
    ck_assert_ptr_nonnull(r.failures[0].replay);
    st_result_free(&r);
    /* This process is fine: the next run works. */
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.iterations_run, 50);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

static void hang_at_3(uint64_t it, int thread, const struct st_stmt *st)
{
    (void)st;
    if (it == 3 && thread == 0)
        for (;;)
            pause();
}

START_TEST(hanging_scenario_is_killed_by_the_watchdog)
{
    struct st_scenario *sc = load_text("hook.scn", two_thread_text);
    struct st_opts o;
    struct st_range rg = { 0, 50 };
    struct st_result r;
    time_t t0 = time(NULL);

    opts_for(&o, 5);
    st_stmt_hook = hang_at_3;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    st_stmt_hook = NULL;
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_str_eq(r.failures[0].kind, "timeout");
    ck_assert_uint_eq(r.failures[0].iteration, 3);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message, "watchdog"));
    ck_assert_ptr_nonnull(strstr(r.failures[0].thread_trace[0], "up_ref s"));
    ck_assert_int_lt(time(NULL) - t0, 20);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

static const char repeat_text[] =
    "scenario repeated\n"
    "iterations 5\n"
    "global\n"
    "  ctx c\n"
    "  s = new c\n"
    "thread A\n"
    "  up_ref s\n"
    "  free s\n"
    "thread B\n"
    "  repeat 3\n"
    "    up_ref s\n"
    "    free s\n"
    "  end\n";

static int frees_seen;

static void abort_at_second_free(uint64_t it, int thread,
                                 const struct st_stmt *st)
{
    if (it == 2 && thread == 1 && st->op == ST_OP_FREE && ++frees_seen == 2)
        abort();
}

START_TEST(crash_trace_lists_each_statement_run_with_repeats_expanded)
{
    struct st_scenario *sc = load_text("repeat.scn", repeat_text);
    struct st_opts o;
    struct st_range rg = { 0, 5 };
    struct st_result r;

    opts_for(&o, 21);
    frees_seen = 0;
    st_stmt_hook = abort_at_second_free;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    st_stmt_hook = NULL;
    ck_assert_str_eq(r.failures[0].kind, "crash");
    ck_assert_int_eq(r.failures[0].signal, SIGABRT);
    ck_assert_uint_eq(r.failures[0].iteration, 2);
    /* repeat, up_ref, free, up_ref, free: the abort came at the last. */
    ck_assert_str_eq(r.failures[0].thread_trace[1],
                     "10: repeat 3\n11: up_ref s\n12: free s\n"
                     "11: up_ref s\n12: free s");
    ck_assert_ptr_nonnull(r.failures[0].where);
    ck_assert_ptr_nonnull(strstr(r.failures[0].where, "thread B"));
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

START_TEST(every_parameter_and_the_seed_are_in_the_result)
{
    struct st_scenario *sc = load_text("count.scn", counting_text);
    struct st_opts o;
    struct st_range rg = { 0, 10 };
    struct st_result r;

    opts_for(&o, 0xdeadbeefcafeULL);
    o.jitter = ST_JITTER_LOW;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_uint_eq(r.seed, 0xdeadbeefcafeULL);
    ck_assert_str_eq(r.jitter, "low");
    ck_assert_str_eq(r.schedule, "free");
    ck_assert_str_eq(r.name, "counting");
    ck_assert_str_eq(r.backend, st_be_name());
    ck_assert_uint_eq(r.nthreads, 2);
    ck_assert_uint_eq(r.iterations_planned, 10);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

/* A block the library holds after every object was freed, as a free path
 * that forgets a buffer leaves it: allocated once, in iteration 3. */
static void *forgotten;

static void forget_a_block(uint64_t it, int thread, const struct st_stmt *st)
{
    (void)st;
    if (it == 3 && thread == 0 && forgotten == NULL)
        forgotten = OPENSSL_malloc(8);
}

static const char no_leaks_text[] =
    "scenario no-leaks\n"
    "iterations 20\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "thread A\n"
    "  free s\n"
    "check\n"
    "  expect leaks == 0\n";

START_TEST(a_block_left_after_the_scenario_fails_leaks_zero_at_its_end)
{
    struct st_scenario *sc = load_text("noleak.scn", no_leaks_text);
    struct st_opts o;
    struct st_range rg = { 0, 20 };
    struct st_result r;

    opts_for(&o, 5);
    st_stmt_hook = forget_a_block;
    ck_assert_int_eq(st_run_scenario(sc, &o, &rg, 1, NULL, &r), 0);
    st_stmt_hook = NULL;
    ck_assert_ptr_nonnull(forgotten);
    /* Every iteration's objects were freed: only the end sees the block. */
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.iterations_run, 20);
    ck_assert_uint_eq(r.iterations_failed, 1);
    ck_assert_uint_eq(r.nfailures, 1);
    ck_assert_str_eq(r.failures[0].kind, "leak");
    ck_assert_uint_eq(r.failures[0].iteration, 19);
    ck_assert_msg(strstr(r.failures[0].message, "(1 allocation(s))") != NULL,
                  "%s", r.failures[0].message);
    st_result_free(&r);
    OPENSSL_free(forgotten);
    forgotten = NULL;
    /* The harness was set up again: the same scenario now passes. */
    ck_assert_int_eq(st_run_scenario(sc, &o, &rg, 1, NULL, &r), 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.nfailures, 0);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

static const char clear_text[] =
    "scenario clear-between-handshakes\n"
    "iterations 20\n"
    "requires handshake\n"
    "setup\n"
    "  ctx sc method=server\n"
    "  s = new sc\n"
    "  handshake s\n"
    "  clear s\n"
    "  expect state s == before\n"
    "  handshake s until=shutdown\n"
    "  clear s\n"
    "  up_ref s\n"
    "thread A\n"
    "  handshake s\n"
    "  observe st state s\n"
    "  free s\n"
    "check\n"
    "  clear s\n"
    "  expect state s == before\n"
    "  free s\n"
    "  free sc\n"
    "  expect leaks == 0\n"
    "outcome st=done acceptable \"the third handshake finished\"\n";

/* `clear` is SSL_clear: the SSL is back before its handshake, the next
 * `handshake` is a new connection against a new peer, and a second
 * SSL_clear after a finished handshake leaves nothing behind. */
START_TEST(clear_puts_an_ssl_back_before_its_handshake_and_the_next_is_new)
{
    struct st_scenario *sc = load_text("clear.scn", clear_text);
    struct st_opts o;
    struct st_range rg = { 0, 20 };
    struct st_result r;
    char buf[64];

    ck_assert_ptr_nonnull(sc);
    ck_assert_int_eq(sc->setup.stmts[3].op, ST_OP_CLEAR);
    ck_assert_int_eq(sc->check.stmts[0].op, ST_OP_CLEAR);
    ck_assert_int_eq(sc->check.stmts[0].a, sc->setup.stmts[1].dst);
    st_stmt_format(sc, &sc->check.stmts[0], buf, sizeof(buf));
    ck_assert_str_eq(buf, "clear s");
    opts_for(&o, 11);
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.iterations_run, 20);
    ck_assert_uint_eq(r.nrows, 1);
    ck_assert_uint_eq(r.rows[0].count, 20);
    ck_assert_str_eq(r.rows[0].values[0], "done");
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("runner");
    TCase *t = tcase_create("runner");

    tcase_add_checked_fixture(t, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(t, 60);
    if (st_be_missing(0) != NULL) {
        /* The stub backend (minissl not linkable yet) runs nothing. */
        fprintf(stderr, "runner: backend unavailable (%s); runner tests "
                "not registered\n", st_be_missing(0));
    } else {
        tcase_add_test(t, failing_scenario_fails_and_reports_its_seed);
        tcase_add_test(t, sessions_counts_the_cache_and_names_a_wrong_count);
        tcase_add_test(t, replaying_a_failure_fails_again_at_the_same_iteration);
        tcase_add_test(t, outcome_counting_is_exact_on_a_deterministic_scenario);
        tcase_add_test(t, max_failures_zero_runs_the_whole_budget_and_counts_every_failure);
        tcase_add_test(t, crashing_scenario_is_reported_and_the_run_goes_on);
        tcase_add_test(t, hanging_scenario_is_killed_by_the_watchdog);
        tcase_add_test(t, every_parameter_and_the_seed_are_in_the_result);
        tcase_add_test(t, crash_trace_lists_each_statement_run_with_repeats_expanded);
        tcase_add_test(t, a_block_left_after_the_scenario_fails_leaks_zero_at_its_end);
        tcase_add_test(t, clear_puts_an_ssl_back_before_its_handshake_and_the_next_is_new);
    }
    tu_add_stress_leak_checks(t);
    suite_add_tcase(s, t);
    return s;
}
