/* Suite backend: the harness leaves the library as the scenario found it
 * (stress/backend.c, "What the harness registers in the library").  Its
 * start-up and a scenario that sets no ex_data register no ex_data index,
 * so a scenario sees what a program that registered none sees; a scenario
 * that sets ex_data gets the index of what it sets it on (an SSL's, with
 * the SSL_CTX one, or a session's), registered before its threads start
 * (st_be_prepare), in the process that runs it only.
 *
 * A registration is seen from outside by registering an index of our own
 * before and after (a probe): indexes count up, one per registration.
 *
 * The session-cache statements (add_session, remove_session,
 * flush_sessions) hold a reference on the session exactly while it is
 * cached, and leave no error behind when their answer is "already there"
 * or "not found".  The cache_size and cache_mode keys reach the cache.
 *
 * `negotiated` holds of an SSL whose handshake finished, and of no other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "backend.h"
#include "report.h"
#include "result.h"
#include "runner.h"
#include "stress_util.h"
#include "testutil.h"

/* A fresh ex_data index of our own in |class_index|, without callbacks. */
static int probe_class(int class_index)
{
    int idx = CRYPTO_get_ex_new_index(class_index, 0, NULL, NULL, NULL, NULL);

    ck_assert_int_ge(idx, 0);
    return idx;
}

/* An SSL one. */
static int probe(void)
{
    return probe_class(CRYPTO_EX_INDEX_SSL);
}

static int session_probe(void)
{
    return probe_class(CRYPTO_EX_INDEX_SSL_SESSION);
}

/* App data and a dup: what tests/openssl/scenarios/dup-app-data-no-ex-
 * index.scn does. */
static const char app_data_only[] =
    "scenario app-data-only\n"
    "iterations 20\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "  set s app_data=7\n"
    "thread A\n"
    "  d = dup s\n"
    "  expect copied s d\n"
    "  free d\n"
    "  free s\n"
    "check\n"
    "  expect leaks == 0\n";

/* Four threads set the harness's ex_data on their own SSL at once (one of
 * them in a repeat), then dup it; `check` compares the copies' boxes. */
static const char ex_data_in_threads[] =
    "scenario ex-data-in-threads\n"
    "iterations 50\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s1 = new c\n"
    "  s2 = new c\n"
    "  s3 = new c\n"
    "  s4 = new c\n"
    "thread A\n"
    "  set s1 ex_data=1\n"
    "  d1 = dup s1\n"
    "thread B\n"
    "  set s2 ex_data=2\n"
    "  d2 = dup s2\n"
    "thread C\n"
    "  repeat 2\n"
    "    set s3 ex_data=3\n"
    "  end\n"
    "  d3 = dup s3\n"
    "thread D\n"
    "  set s4 ex_data=4\n"
    "  d4 = dup s4\n"
    "check\n"
    "  expect copied s1 d1\n"
    "  expect copied s2 d2\n"
    "  expect copied s3 d3\n"
    "  expect copied s4 d4\n"
    "  free d1\n"
    "  free d2\n"
    "  free d3\n"
    "  free d4\n"
    "  free s1\n"
    "  free s2\n"
    "  free s3\n"
    "  free s4\n"
    "  expect leaks == 0\n";

/* The harness's ex_data on a session, copied in two threads. */
static const char session_ex_data[] =
    "scenario session-ex-data\n"
    "iterations 20\n"
    "setup\n"
    "  x = session\n"
    "  set x ex_data=5 timeout=60\n"
    "thread A\n"
    "  y = session x\n"
    "  expect copied y x\n"
    "  free y\n"
    "thread B\n"
    "  z = session x\n"
    "  expect copied z x\n"
    "  free z\n"
    "check\n"
    "  free x\n"
    "  expect leaks == 0\n";

/* The backend made, and |text| loaded from a scratch directory. */
static struct st_scenario *begin(const char *text)
{
    ck_assert_int_eq(st_be_init(), 0);
    tu_make_tmpdir("test_backend");
    return tu_load_text("s.scn", text);
}

static void end(struct st_scenario *sc)
{
    st_scenario_free(sc);
    tu_remove_tmpdir();
}

/* Run |sc| in this process (in a child when |isolated|); it must pass. */
static void run_passes(const struct st_scenario *sc, bool isolated)
{
    struct st_opts o;
    struct st_range rg = { 0, (uint64_t)sc->iterations };
    struct st_result res;

    st_opts_default(&o);
    o.seed = 1;
    if (isolated)
        ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &res, NULL, NULL),
                         0);
    else
        ck_assert_int_eq(st_run_scenario(sc, &o, &rg, 1, NULL, &res), 0);
    ck_assert_msg(res.verdict == ST_PASS, "%s: %s: %s", sc->name,
                  st_verdict_str(res.verdict),
                  res.nfailures > 0 ? res.failures[0].message
                  : res.reason != NULL ? res.reason : "");
    ck_assert_uint_eq(res.iterations_run, (uint64_t)sc->iterations);
    st_result_free(&res);
}

START_TEST(start_up_and_a_scenario_without_ex_data_register_no_index)
{
    int before = st_be_exdata_index(), a = probe();
    struct st_scenario *sc = begin(app_data_only);

    run_passes(sc, false);      /* minissl copies app data with no index */
    st_be_prepare(sc);
    ck_assert_int_eq(probe(), a + 1);
    ck_assert_int_eq(st_be_exdata_index(), before);
    end(sc);
}
END_TEST

START_TEST(a_scenario_registers_its_ex_data_index_in_its_child_only)
{
    int before = st_be_exdata_index(), a = probe();
    struct st_scenario *sc = begin(ex_data_in_threads);

    run_passes(sc, true);
    ck_assert_int_eq(probe(), a + 1);
    ck_assert_int_eq(st_be_exdata_index(), before);
    end(sc);
}
END_TEST

/* Two runs in this process (--no-fork): one registration, made before the
 * four threads set ex_data at once. */
START_TEST(ex_data_set_by_four_threads_at_once_registers_one_index_first)
{
    int before = st_be_exdata_index(), a = probe();
    int sbefore = st_be_session_exdata_index();
    struct st_scenario *sc = begin(ex_data_in_threads);

    st_be_prepare(sc);
    /* ex_data on SSLs only: no SSL_SESSION index */
    ck_assert_int_eq(st_be_session_exdata_index(), sbefore);
    if (before < 0) {
        /* a fresh process (Check forks each test): prepare registered */
        ck_assert_int_eq(st_be_exdata_index(), a + 1);
    } else {
        /* CK_FORK=no, after a test that registered: nothing new */
        ck_assert_int_eq(st_be_exdata_index(), before);
    }
    run_passes(sc, false);
    run_passes(sc, false);
    ck_assert_int_eq(probe(), before < 0 ? a + 2 : a + 1);
    end(sc);
}
END_TEST

/* ex_data on a session alone: one SSL_SESSION index, registered before
 * the threads copy the session, and no SSL index; the copies' values are
 * their own and every value is freed. */
START_TEST(session_ex_data_registers_a_session_index_and_no_ssl_index)
{
    int before = st_be_session_exdata_index(), p = session_probe();
    int a = probe();
    struct st_scenario *sc = begin(session_ex_data);

    st_be_prepare(sc);
    if (before < 0)
        ck_assert_int_eq(st_be_session_exdata_index(), p + 1);
    else        /* CK_FORK=no, after a test that registered */
        ck_assert_int_eq(st_be_session_exdata_index(), before);
    ck_assert_int_eq(probe(), a + 1);
    run_passes(sc, false);
    ck_assert_int_eq(session_probe(), before < 0 ? p + 2 : p + 1);
    end(sc);
}
END_TEST

/* `ex_index ctx` takes a new index of the class (the next one a program
 * gets is one further on) and counts nothing live. */
START_TEST(ex_index_takes_a_new_index_and_counts_nothing_live)
{
    int a = probe_class(CRYPTO_EX_INDEX_SSL_CTX);
    long long live = st_be_live();

    ck_assert_int_eq(st_be_ex_index(ST_TY_CTX), 0);
    ck_assert_int_eq(st_be_live(), live);
    ck_assert_int_eq(probe_class(CRYPTO_EX_INDEX_SSL_CTX), a + 2);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

/* minissl's column of the capability table (stress/backend_caps.h): it
 * has every SSL-object API, and no key objects under its EVP_PKEY. */
START_TEST(minissl_lacks_key_objects_only_and_says_so_per_statement)
{
    static const char text[] =
        "scenario keys\n"
        "setup\n"
        "  s = session\n"
        "thread A\n"
        "  free s\n"
        "  r = rsa\n"
        "  free r\n";
    struct st_scenario *sc = begin(text);
    const struct st_be_cap *caps;
    size_t n, lacking = 0;
    char why[256];
    const char *r;

    caps = st_be_caps(&n);
    for (size_t i = 0; i < n; i++)
        if (!caps[i].have) {
            lacking++;
            ck_assert_msg(strcmp(caps[i].name, "key_objects") == 0 ||
                          strcmp(caps[i].name, "pkey_dh") == 0 ||
                          strcmp(caps[i].name, "session_new_ctx") == 0 ||
                          strcmp(caps[i].name, "ctx_get_ciphers") == 0,
                          "minissl lacks %s", caps[i].name);
        }
    ck_assert_uint_eq(lacking, 4);
    ck_assert_ptr_eq(st_be_stmt_lacks(sc, &sc->setup.stmts[0], why,
                                      sizeof(why)), NULL);
    r = st_scenario_lacks(sc, why, sizeof(why));
    ck_assert_ptr_eq(r, why);
    ck_assert_str_eq(r, "line 6: `r = rsa` needs RSA, which minissl lacks: "
                     "no RSA, DH or EC_KEY objects under an EVP_PKEY");
    end(sc);
}
END_TEST

/* One thread, so every count is exact: the cache's reference comes and
 * goes with the entry; a second add or remove changes nothing. */
static const char cache_refs[] =
    "scenario cache-refs\n"
    "iterations 20\n"
    "setup\n"
    "  ctx c method=server\n"
    "  x = session\n"
    "thread A\n"
    "  add_session c x\n"
    "  expect refs x == 2\n"
    "  add_session c x\n"
    "  expect refs x == 2\n"
    "  remove_session c x\n"
    "  expect refs x == 1\n"
    "  remove_session c x\n"
    "  expect refs x == 1\n"
    "  expect errors == none\n"
    "  add_session c x\n"
    "  flush_sessions c\n"
    "  expect refs x == 1\n"
    "  add_session c x\n"
    "  expect refs x == 2\n"
    "  free x\n"
    "check\n"
    "  free c\n"
    "  expect freed x\n"
    "  expect leaks == 0\n";

START_TEST(the_cache_holds_a_reference_exactly_while_the_session_is_cached)
{
    struct st_scenario *sc = begin(cache_refs);

    run_passes(sc, true);
    end(sc);
}
END_TEST

/* The cache's size and mode, one thread: three inserts into a cache of
 * two leave two (minissl evicts the least recently used after the
 * insert); a server handshake adds its session and evicts again; a server
 * whose mode lacks SERVER stores nothing. */
static const char cache_size_mode[] =
    "scenario cache-size-mode\n"
    "iterations 10\n"
    "setup\n"
    "  ctx c method=server\n"
    "  ctx o method=server\n"
    "  set c cert=test key=test options=NO_TICKET max_proto=TLS1_2 cache_size=2\n"
    "  set o cert=test key=test options=NO_TICKET max_proto=TLS1_2\n"
    "  set o cache_mode=CLIENT|NO_AUTO_CLEAR\n"
    "thread A\n"
    "  repeat 3\n"
    "    x = session\n"
    "    add_session c x\n"
    "    free x\n"
    "  end\n"
    "  expect sessions c == 2\n"
    "  s = new c\n"
    "  handshake s\n"
    "  expect sessions c == 2\n"
    "  free s\n"
    "  t = new o\n"
    "  handshake t\n"
    "  expect negotiated t\n"
    "  expect sessions o == 0\n"
    "  free t\n"
    "check\n"
    "  free c\n"
    "  free o\n"
    "  expect leaks == 0\n";

START_TEST(the_cache_keeps_its_size_and_a_server_without_its_mode_stores_nothing)
{
    struct st_scenario *sc = begin(cache_size_mode);

    run_passes(sc, true);
    end(sc);
}
END_TEST

/* `negotiated`: false before a handshake and after SSL_clear took the
 * connection back before one; true once a server's and a client's
 * handshakes finished, on ctxs whose session timeout is not the default
 * (the sessions take it), and for a server that resumed. */
static const char negotiated[] =
    "scenario negotiated\n"
    "iterations 10\n"
    "global\n"
    "  ctx c method=server\n"
    "  ctx k method=client\n"
    "  set c session_timeout=600\n"
    "  set k session_timeout=700\n"
    "setup\n"
    "  s = new c\n"
    "  cl = new k\n"
    "thread A\n"
    "  observe before negotiated s\n"
    "  handshake s until=shutdown\n"
    "  expect negotiated s\n"
    "  clear s\n"
    "  observe cleared negotiated s\n"
    "  handshake s until=shutdown\n"
    "  expect negotiated s\n"
    "thread B\n"
    "  handshake cl\n"
    "  expect negotiated cl\n"
    "check\n"
    "  free s\n"
    "  free cl\n"
    "outcome before=false cleared=false acceptable\n";

START_TEST(negotiated_holds_after_a_handshake_only)
{
    struct st_scenario *sc = begin(negotiated);

    run_passes(sc, true);
    end(sc);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("backend");
    TCase *reg = tcase_create("registrations");
    TCase *cap = tcase_create("capabilities");
    TCase *cache = tcase_create("session cache");
    TCase *hs = tcase_create("handshake sessions");

    tcase_set_timeout(reg, 60);
    tu_add_stress_leak_checks(reg);
    if (st_be_missing(0) == NULL) {
        tcase_add_test(reg,
                       start_up_and_a_scenario_without_ex_data_register_no_index);
        tcase_add_test(reg,
                       a_scenario_registers_its_ex_data_index_in_its_child_only);
        tcase_add_test(reg,
                       ex_data_set_by_four_threads_at_once_registers_one_index_first);
        tcase_add_test(reg,
                       session_ex_data_registers_a_session_index_and_no_ssl_index);
        tcase_add_test(reg, ex_index_takes_a_new_index_and_counts_nothing_live);
    } else {
        fprintf(stderr, "backend: backend unavailable (%s); no test is "
                "registered\n", st_be_missing(0));
    }
    suite_add_tcase(s, reg);
    tcase_add_test(cap, minissl_lacks_key_objects_only_and_says_so_per_statement);
    suite_add_tcase(s, cap);
    tcase_set_timeout(hs, 60);
    tu_add_stress_leak_checks(hs);
    if (st_be_missing(ST_FEAT_HANDSHAKE) == NULL)
        tcase_add_test(hs, negotiated_holds_after_a_handshake_only);
    else
        fprintf(stderr, "backend: %s; no handshake test is registered\n",
                st_be_missing(ST_FEAT_HANDSHAKE));
    suite_add_tcase(s, hs);
    tcase_set_timeout(cache, 60);
    tu_add_stress_leak_checks(cache);
    if (st_be_missing(ST_FEAT_INTROSPECTION) == NULL)
        tcase_add_test(cache,
                       the_cache_holds_a_reference_exactly_while_the_session_is_cached);
    else
        fprintf(stderr, "backend: %s; no cache test is registered\n",
                st_be_missing(ST_FEAT_INTROSPECTION));
    if (st_be_missing(ST_FEAT_INTROSPECTION | ST_FEAT_HANDSHAKE) == NULL)
        tcase_add_test(cache,
                       the_cache_keeps_its_size_and_a_server_without_its_mode_stores_nothing);
    suite_add_tcase(s, cache);
    return s;
}
