/* Suite pair: two scenario SSLs joined by a BIO pair (`pair A B`), each
 * end driven on its own (`handshake S peer=pair`, `read S`).
 *
 *  - the backend: st_be_pair gives each SSL one half, which it owns (the
 *    halves are live objects exactly while the SSLs are); the two ends
 *    handshake when driven in turn; a read ends at close_notify or at the
 *    end of the pair, whose reason stays on the stack; two SSLs of one
 *    role are refused and keep no BIO;
 *  - the language: `pair` and `peer=pair` in the model and printed back;
 *  - the runner: two threads handshake over the pair and free their ends,
 *    free-running and under a controlled schedule (where a waiting end
 *    waits in the scheduler); an end whose other end never answers fails
 *    its statement, saying so, within half the scenario's timeout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "backend.h"
#include "controlled.h"
#include "format.h"
#include "result.h"
#include "runner.h"
#include "stress_util.h"
#include "testutil.h"

/* A client and a server SSL, roles chosen, in *c and *s, with their
 * contexts in *cc and *sc. */
static void two_ends(void **cc, void **sc, void **c, void **s)
{
    ck_assert_int_eq(st_be_init(), 0);
    ck_assert_ptr_nonnull(*cc = st_be_ctx_new(ST_METHOD_CLIENT));
    ck_assert_ptr_nonnull(*sc = st_be_ctx_new(ST_METHOD_SERVER));
    ck_assert_ptr_nonnull(*c = st_be_ssl_new(*cc));
    ck_assert_ptr_nonnull(*s = st_be_ssl_new(*sc));
    ck_assert_int_eq(st_be_connect(*c), 0);
    ck_assert_int_eq(st_be_accept(*s), 0);
}

/* Drive both ends in turn, as two threads would, until both are done. */
static void handshake_both(void *c, void *s)
{
    enum st_be_io rc = ST_IO_WANT_READ, rs = ST_IO_WANT_READ;

    for (int round = 0; round < 16 && (rc != ST_IO_DONE || rs != ST_IO_DONE);
         round++) {
        if (rc != ST_IO_DONE)
            rc = st_be_pair_handshake(c);
        if (rs != ST_IO_DONE)
            rs = st_be_pair_handshake(s);
        ck_assert_int_ne(rc, ST_IO_FAILED);
        ck_assert_int_ne(rs, ST_IO_FAILED);
    }
    ck_assert_int_eq(rc, ST_IO_DONE);
    ck_assert_int_eq(rs, ST_IO_DONE);
    ck_assert_int_eq(st_be_state(c), ST_HS_DONE);
    ck_assert_int_eq(st_be_state(s), ST_HS_DONE);
}

/* Nothing to read before the client's first flight, something after;
 * then the two ends handshake in turn. */
static void first_flight_then_both(void *c, void *s)
{
    ck_assert(!st_be_pair_ready(s, ST_IO_WANT_READ));
    ck_assert(st_be_pair_ready(s, ST_IO_WANT_WRITE));
    ck_assert_int_eq(st_be_pair_handshake(c), ST_IO_WANT_READ);
    ck_assert(st_be_pair_ready(s, ST_IO_WANT_READ));
    ck_assert(!st_be_pair_ready(c, ST_IO_WANT_READ));
    handshake_both(c, s);
}

START_TEST(each_ssl_owns_its_half_and_the_two_ends_handshake_in_turn)
{
    void *cc, *sc, *c, *s;
    long long live;

    two_ends(&cc, &sc, &c, &s);
    live = st_be_live();
    ck_assert_int_eq(st_be_pair(c, s, false), 0);
    ck_assert_int_eq(st_be_live() - live, 2);     /* the two halves */
    ck_assert_ptr_nonnull(SSL_get_rbio(c));
    ck_assert_ptr_eq(SSL_get_rbio(c), SSL_get_wbio(c));
    ck_assert_ptr_ne(SSL_get_rbio(c), SSL_get_rbio(s));
    first_flight_then_both(c, s);
    /* close_notify ends the other end's read, with no error. */
    ck_assert_int_eq(st_be_shutdown(s), 0);
    ck_assert_int_eq(st_be_pair_read(c), ST_IO_DONE);
    ck_assert_uint_eq(st_be_peek_error(), 0);
    /* The halves go with their SSLs (the fixture finds nothing left). */
    st_be_free(ST_TY_SSL, s);
    st_be_free(ST_TY_SSL, c);
    st_be_free(ST_TY_CTX, cc);
    st_be_free(ST_TY_CTX, sc);
}
END_TEST

START_TEST(a_read_ends_at_the_end_of_the_pair_and_keeps_its_reason)
{
    void *cc, *sc, *c, *s;

    two_ends(&cc, &sc, &c, &s);
    ck_assert_int_eq(st_be_pair(c, s, false), 0);
    handshake_both(c, s);
    ck_assert_int_eq(st_be_pair_read(c), ST_IO_WANT_READ);
    st_be_clear_errors();
    st_be_free(ST_TY_SSL, s);                     /* no close_notify */
    ck_assert(st_be_pair_ready(c, ST_IO_WANT_READ));
    ck_assert_int_eq(st_be_pair_read(c), ST_IO_DONE);
    ck_assert(st_be_error_is(st_be_peek_error(),
                             "UNEXPECTED_EOF_WHILE_READING"));
    st_be_clear_errors();
    st_be_free(ST_TY_SSL, c);
    st_be_free(ST_TY_CTX, cc);
    st_be_free(ST_TY_CTX, sc);
}
END_TEST

START_TEST(two_ssls_of_one_role_are_refused_and_get_no_bio)
{
    void *cc, *sc, *c, *s, *c2;
    long long live;

    two_ends(&cc, &sc, &c, &s);
    ck_assert_ptr_nonnull(c2 = st_be_ssl_new(cc));
    ck_assert_int_eq(st_be_connect(c2), 0);
    live = st_be_live();
    ck_assert_int_eq(st_be_pair(c, c2, false), -EINVAL);
    ck_assert_int_eq(st_be_live(), live);
    ck_assert_ptr_null(SSL_get_rbio(c));
    ck_assert_ptr_null(SSL_get_rbio(c2));
    ck_assert_uint_eq(st_be_peek_error(), 0);
    st_be_free(ST_TY_SSL, c2);
    st_be_free(ST_TY_SSL, c);
    st_be_free(ST_TY_SSL, s);
    st_be_free(ST_TY_CTX, cc);
    st_be_free(ST_TY_CTX, sc);
}
END_TEST

/* via=mem: two memory BIOs crosswise, each held by both SSLs, so either
 * SSL may go first and the BIOs go with the last; an empty memory BIO is
 * "wait", never "end". */
START_TEST(memory_bios_cross_and_each_is_held_by_both_ends)
{
    void *cc, *sc, *c, *s;
    long long live;

    two_ends(&cc, &sc, &c, &s);
    live = st_be_live();
    ck_assert_int_eq(st_be_pair(c, s, true), 0);
    ck_assert_int_eq(st_be_live() - live, 2);     /* the two memory BIOs */
    ck_assert_ptr_nonnull(SSL_get_rbio(c));
    ck_assert_ptr_ne(SSL_get_rbio(c), SSL_get_wbio(c));
    ck_assert_ptr_eq(SSL_get_rbio(c), SSL_get_wbio(s));
    ck_assert_ptr_eq(SSL_get_wbio(c), SSL_get_rbio(s));
    first_flight_then_both(c, s);
    ck_assert_int_eq(st_be_shutdown(s), 0);
    st_be_free(ST_TY_SSL, s);
    /* c still holds both BIOs: its read finds the close_notify s left. */
    ck_assert(st_be_pair_ready(c, ST_IO_WANT_READ));
    ck_assert_int_eq(st_be_pair_read(c), ST_IO_DONE);
    ck_assert_uint_eq(st_be_peek_error(), 0);
    /* Dry and with no writer left, it waits: a memory BIO has no end. */
    ck_assert(!st_be_pair_ready(c, ST_IO_WANT_READ));
    st_be_free(ST_TY_SSL, c);
    st_be_free(ST_TY_CTX, cc);
    st_be_free(ST_TY_CTX, sc);
}
END_TEST

static const char two_threads[] =
    "scenario pair-two-threads\n"
    "iterations 300\n"
    "global\n"
    "  ctx cc method=client\n"
    "setup\n"
    "  ctx sc method=server\n"
    "  c = new cc\n"
    "  s = new sc\n"
    "  pair c s\n"
    "thread client\n"
    "  handshake c peer=pair\n"
    "  read c\n"
    "  observe end errors\n"
    "  free c\n"
    "thread server\n"
    "  handshake s peer=pair until=shutdown\n"
    "  free s\n"
    "check\n"
    "  free sc\n"
    "  expect leaks == 0\n"
    "outcome end=none acceptable\n";

START_TEST(pair_and_peer_pair_are_in_the_model_and_print_back)
{
    struct st_scenario *sc;
    const struct st_stmt *p, *h;
    char buf[128];

    tu_make_tmpdir("test_pair");
    sc = tu_load_text("p.scn", two_threads);
    p = &sc->setup.stmts[3];
    ck_assert_int_eq(p->op, ST_OP_PAIR);
    ck_assert_str_eq(sc->names[p->a].name, "c");
    ck_assert_str_eq(sc->names[p->b].name, "s");
    ck_assert_int_eq(p->dst, -1);
    st_stmt_format(sc, p, buf, sizeof(buf));
    ck_assert_str_eq(buf, "pair c s");
    h = &sc->threads[0].stmts[0];
    ck_assert_int_eq(h->op, ST_OP_HANDSHAKE);
    ck_assert_int_eq(h->pair, 1);
    st_stmt_format(sc, h, buf, sizeof(buf));
    ck_assert_str_eq(buf, "handshake c until=done peer=pair");
    ck_assert_int_eq(sc->threads[0].stmts[1].op, ST_OP_READ);
    st_stmt_format(sc, &sc->threads[0].stmts[1], buf, sizeof(buf));
    ck_assert_str_eq(buf, "read c");
    ck_assert_uint_ne(sc->requires & ST_FEAT_HANDSHAKE, 0);
    st_scenario_free(sc);
    tu_remove_tmpdir();
}
END_TEST

/* Runs |text| free-running for 300 iterations with |seed|: every one must
 * pass; the number of outcome rows goes to *nrows, the first row's count
 * to *first_count. */
static void run_300_passing(const char *text, unsigned long long seed,
                            size_t *nrows, unsigned long long *first_count)
{
    struct st_scenario *sc;
    struct st_opts o;
    struct st_range rg = { 0, 300 };
    struct st_result r;

    ck_assert_int_eq(st_be_init(), 0);
    tu_make_tmpdir("test_pair");
    sc = tu_load_text("p.scn", text);
    st_opts_default(&o);
    o.seed = seed;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_msg(r.verdict == ST_PASS, "%s",
                  r.nfailures > 0 ? r.failures[0].message : "");
    ck_assert_uint_eq(r.iterations_run, 300);
    *nrows = r.nrows;
    *first_count = r.nrows > 0 ? r.rows[0].count : 0;
    st_result_free(&r);
    st_scenario_free(sc);
    tu_remove_tmpdir();
}

START_TEST(two_threads_handshake_over_the_pair_and_free_their_ends)
{
    size_t nrows;
    unsigned long long count;

    run_300_passing(two_threads, 5, &nrows, &count);
    ck_assert_uint_eq(nrows, 1);
    ck_assert_uint_eq(count, 300);
}
END_TEST

static const char two_threads_mem[] =
    "scenario mem-two-threads\n"
    "iterations 300\n"
    "global\n"
    "  ctx cc method=client\n"
    "setup\n"
    "  ctx sc method=server\n"
    "  c = new cc\n"
    "  s = new sc\n"
    "  pair c s via=mem\n"
    "thread client\n"
    "  handshake c peer=pair\n"
    "  free c\n"
    "thread server\n"
    "  handshake s peer=pair\n"
    "  free s\n"
    "check\n"
    "  free sc\n"
    "  expect leaks == 0\n";

START_TEST(via_mem_is_in_the_model_prints_back_and_refuses_other_values)
{
    struct st_scenario *sc;
    const struct st_stmt *p;
    struct st_diag d;
    char buf[128];

    tu_make_tmpdir("test_pair");
    sc = tu_load_text("m.scn", two_threads_mem);
    p = &sc->setup.stmts[3];
    ck_assert_int_eq(p->op, ST_OP_PAIR);
    ck_assert_int_eq(p->via_mem, 1);
    st_stmt_format(sc, p, buf, sizeof(buf));
    ck_assert_str_eq(buf, "pair c s via=mem");
    st_scenario_free(sc);
    {
        static const char bad[] =
            "scenario x\nsetup\n  ctx sc method=server\n"
            "  ctx cc method=client\n  c = new cc\n  s = new sc\n"
            "  pair c s via=tcp\ncheck\n  free c\n  free s\n"
            "  free sc\n  free cc\n";

        ck_assert_ptr_null(st_scenario_parse("bad.scn", bad, strlen(bad),
                                             &d));
    }
    ck_assert_int_eq(d.loc.line, 7);
    ck_assert_int_eq(d.loc.col, 16);
    ck_assert_str_eq(d.msg, "unknown value 'tcp' for 'via' (pair or mem)");
    tu_remove_tmpdir();
}
END_TEST

START_TEST(two_threads_handshake_over_memory_bios_and_free_their_ends)
{
    size_t nrows;
    unsigned long long count;

    run_300_passing(two_threads_mem, 7, &nrows, &count);
    ck_assert_uint_eq(nrows, 0);        /* no outcome table */
}
END_TEST

/* Under a controlled schedule the waiting end waits in the scheduler, so
 * the other end gets its turn: every schedule within one preemption runs
 * and passes, none hangs. */
START_TEST(under_a_schedule_each_end_waits_for_the_others_turn)
{
    struct st_sched_spec sp = { .kind = ST_SCHED_DFS, .preemptions = 1 };
    struct st_scenario *sc;
    struct st_opts o;
    struct st_range rg = { 0, 300 };
    struct st_result r;

    ck_assert_int_eq(st_be_init(), 0);
    tu_make_tmpdir("test_pair");
    sc = tu_load_text("p.scn", two_threads);
    st_opts_default(&o);
    o.seed = 2;
    o.sched = &sp;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_msg(r.verdict == ST_PASS, "%s",
                  r.nfailures > 0 ? r.failures[0].message : "");
    ck_assert_int_eq(r.exhausted, 1);
    ck_assert_uint_ge(r.iterations_run, 2);
    st_result_free(&r);
    st_scenario_free(sc);
    tu_remove_tmpdir();
}
END_TEST

/* The server's thread never drives it: the client's handshake waits for
 * a reply that never comes, and gives up after half of the 400 ms. */
static const char silent_other_end[] =
    "scenario pair-silent\n"
    "iterations 3\n"
    "timeout 400ms\n"
    "global\n"
    "  ctx cc method=client\n"
    "setup\n"
    "  ctx sc method=server\n"
    "  c = new cc\n"
    "  s = new sc\n"
    "  pair c s\n"
    "thread client\n"
    "  handshake c peer=pair\n"
    "  free c\n"
    "check\n"
    "  free s\n"
    "  free sc\n";

START_TEST(an_end_whose_other_end_is_silent_fails_saying_so)
{
    struct st_scenario *sc;
    struct st_opts o;
    struct st_range rg = { 0, 3 };
    struct st_result r;

    ck_assert_int_eq(st_be_init(), 0);
    tu_make_tmpdir("test_pair");
    sc = tu_load_text("silent.scn", silent_other_end);
    st_opts_default(&o);
    o.seed = 1;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_ge(r.nfailures, 1);
    ck_assert_str_eq(r.failures[0].kind, "statement");
    ck_assert_str_eq(r.failures[0].message, "handshake c peer=pair failed: "
                     "no progress: nothing came from the other end of its "
                     "BIO pair");
    st_result_free(&r);
    st_scenario_free(sc);
    tu_remove_tmpdir();
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("pair");
    TCase *be = tcase_create("backend");
    TCase *lang = tcase_create("language");
    TCase *run = tcase_create("runner");

    tu_add_stress_leak_checks(be);
    tu_add_stress_leak_checks(run);
    tcase_set_timeout(run, 60);
    if (st_be_missing(ST_FEAT_INTROSPECTION) == NULL) {
        tcase_add_test(be,
                       each_ssl_owns_its_half_and_the_two_ends_handshake_in_turn);
        tcase_add_test(be, a_read_ends_at_the_end_of_the_pair_and_keeps_its_reason);
        tcase_add_test(be, two_ssls_of_one_role_are_refused_and_get_no_bio);
        tcase_add_test(be, memory_bios_cross_and_each_is_held_by_both_ends);
        tcase_add_test(run, two_threads_handshake_over_memory_bios_and_free_their_ends);
        tcase_add_test(run, two_threads_handshake_over_the_pair_and_free_their_ends);
        tcase_add_test(run, an_end_whose_other_end_is_silent_fails_saying_so);
        tcase_add_test(run, under_a_schedule_each_end_waits_for_the_others_turn);
    } else {
        fprintf(stderr, "pair: %s; no backend or runner test is "
                "registered\n", st_be_missing(ST_FEAT_INTROSPECTION));
    }
    tcase_add_test(lang, pair_and_peer_pair_are_in_the_model_and_print_back);
    tcase_add_test(lang, via_mem_is_in_the_model_prints_back_and_refuses_other_values);
    suite_add_tcase(s, be);
    suite_add_tcase(s, lang);
    suite_add_tcase(s, run);
    return s;
}
