/* Suite sweep: the allocation-failure sweep (stress/sweep.c) and the
 * backend's parts of it (stress/backend.c): failing the k-th allocation of
 * the calling thread only, the census of what is live, the error stack set
 * aside and put back.  A call that leaks at its k-th allocation, or fails
 * there without a reason, is found at k; state a call makes once and keeps
 * is not a leak; a setting that adds is applied once; a swept scenario
 * keeps the reasons it tests with `errors`.
 *
 * The allocation hooks are installed (st_be_preinit) in make_suite,
 * before anything is allocated, as sslstress's main does. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minissl/inspect.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "backend.h"
#include "failure.h"
#include "result.h"
#include "runner.h"
#include "stress_util.h"
#include "sweep.h"
#include "testutil.h"

static void setup(void)
{
    tu_make_tmpdir("test_sweep");
    ck_assert_int_eq(st_be_init(), 0);
}

static void teardown(void)
{
    tu_remove_tmpdir();
}

static void *other_thread_malloc(void *arg)
{
    void **p = arg;

    *p = OPENSSL_malloc(8);
    return NULL;
}

START_TEST(the_kth_allocation_of_the_arming_thread_fails_and_no_other)
{
    void *a, *b, *c, *theirs = NULL;
    pthread_t t;

    ck_assert(st_be_alloc_fail_available());
    st_be_alloc_fail_arm(2);
    a = OPENSSL_malloc(8);
    b = OPENSSL_malloc(8);
    c = OPENSSL_malloc(8);
    ck_assert(st_be_alloc_fail_disarm());
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(b);
    ck_assert_ptr_nonnull(c);
    OPENSSL_free(a);
    OPENSSL_free(c);
    /* Armed beyond what the call makes: nothing fails, nothing reached. */
    st_be_alloc_fail_arm(3);
    a = OPENSSL_malloc(8);
    ck_assert(!st_be_alloc_fail_disarm());
    ck_assert_ptr_nonnull(a);
    OPENSSL_free(a);
    /* Another thread's allocations are never failed. */
    st_be_alloc_fail_arm(1);
    ck_assert_int_eq(pthread_create(&t, NULL, other_thread_malloc, &theirs), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_ptr_nonnull(theirs);
    ck_assert_ptr_null(OPENSSL_malloc(8));
    ck_assert(st_be_alloc_fail_disarm());
    OPENSSL_free(theirs);
}
END_TEST

START_TEST(a_realloc_is_an_allocation_and_its_failure_keeps_the_block)
{
    char *p = OPENSSL_malloc(8), *q;

    ck_assert_ptr_nonnull(p);
    memcpy(p, "sweep", 6);
    st_be_alloc_fail_arm(1);
    q = OPENSSL_realloc(p, 4096);
    ck_assert(st_be_alloc_fail_disarm());
    ck_assert_ptr_null(q);
    ck_assert_str_eq(p, "sweep");
    OPENSSL_free(p);
}
END_TEST

START_TEST(the_error_stack_is_put_back_as_it_was)
{
    unsigned long mine;
    char why[96];

    ERR_clear_error();
    ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_CTX);
    mine = ERR_peek_last_error();
    /* Nothing raised in between. */
    st_be_err_aside();
    ck_assert(!st_be_err_restore(why, sizeof(why)));
    ck_assert_str_eq(why, "");
    ck_assert_uint_eq(ERR_peek_last_error(), mine);
    /* Two raised: told, with the newest reason, and dropped. */
    st_be_err_aside();
    ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    ERR_raise(ERR_LIB_SSL, SSL_R_DANE_NOT_ENABLED);
    ck_assert(st_be_err_restore(why, sizeof(why)));
    ck_assert_str_eq(why, "dane not enabled");
    ck_assert_uint_eq(ERR_get_error(), mine);
    ck_assert_uint_eq(ERR_get_error(), 0);
    /* From an empty stack, back to an empty one. */
    st_be_err_aside();
    ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    ck_assert(st_be_err_restore(why, sizeof(why)));
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

START_TEST(the_census_names_each_count_that_changed)
{
    struct st_be_census a, b;
    char diff[200];
    SSL_CTX *ctx;

    st_be_census(&a);
    ck_assert_ptr_nonnull(ctx = SSL_CTX_new(TLS_method()));
    st_be_census(&b);
    ck_assert(st_be_census_diff(&a, &b, diff, sizeof(diff)));
    ck_assert_msg(strstr(diff, "+1 SSL_CTX (") != NULL, "%s", diff);
    ck_assert_msg(strstr(diff, "allocation(s) (") != NULL, "%s", diff);
    SSL_CTX_free(ctx);
    minissl_quarantine_flush();
    st_be_census(&b);
    st_be_census(&a);
    ck_assert(!st_be_census_diff(&a, &b, diff, sizeof(diff)));
    ck_assert_str_eq(diff, "");
}
END_TEST

/* Calls of our own for st_sweep_call: each makes two allocations. */
static void *kept[8];
static size_t nkept;

/* Leaks its first block when its second cannot be had. */
static int leaky(void *arg)
{
    void *p, *q;

    (void)arg;
    if ((p = OPENSSL_malloc(16)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    if ((q = OPENSSL_malloc(16)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        if (nkept < 8)
            kept[nkept++] = p;      /* the leak, freed by the test */
        return 0;
    }
    OPENSSL_free(q);
    OPENSSL_free(p);
    return 1;
}

/* Fails at its second allocation without saying why. */
static int silent(void *arg)
{
    void *p, *q;

    (void)arg;
    if ((p = OPENSSL_malloc(16)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    q = OPENSSL_malloc(16);
    OPENSSL_free(p);
    if (q == NULL)
        return 0;
    OPENSSL_free(q);
    return 1;
}

/* Makes a block once, on its first run that gets it, and keeps it (a
 * library's lazy state): not a leak. */
static void *once;

static int lazy(void *arg)
{
    void *q;

    (void)arg;
    if (once == NULL && (once = OPENSSL_malloc(32)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    if ((q = OPENSSL_malloc(16)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    OPENSSL_free(q);
    return 1;
}

START_TEST(a_call_that_leaks_is_found_at_the_allocation_it_leaks_on)
{
    struct st_sweep_call c = { .attempt = leaky, .name = "`leaky`" };
    struct st_sweep_result res;

    memset(&res, 0, sizeof(res));
    ck_assert(!st_sweep_call(&c, &res));
    ck_assert(res.found);
    ck_assert_str_eq(res.kind, "leak");
    ck_assert_msg(strstr(res.msg, "alloc_failures sweep: `leaky`, allocation "
                         "2 failing: failed (malloc failure), and what is "
                         "live changed: +1 allocation(s) (") != NULL,
                  "%s", res.msg);
    ck_assert_uint_eq(res.attempts, 2);
    ck_assert_uint_eq(nkept, 2);        /* the attempt, and its repeat */
    while (nkept > 0)
        OPENSSL_free(kept[--nkept]);
}
END_TEST

START_TEST(a_call_that_fails_without_a_reason_is_found)
{
    struct st_sweep_call c = { .attempt = silent, .name = "`silent`" };
    struct st_sweep_result res;

    memset(&res, 0, sizeof(res));
    ck_assert(!st_sweep_call(&c, &res));
    ck_assert(res.found);
    ck_assert_str_eq(res.kind, "statement");
    ck_assert_str_eq(res.msg, "alloc_failures sweep: `silent`, allocation 2 "
                     "failing: failed with no reason on the error stack");
}
END_TEST

START_TEST(state_a_call_makes_once_and_keeps_is_no_leak)
{
    struct st_sweep_call c = { .attempt = lazy, .name = "`lazy`" };
    struct st_sweep_result res;

    memset(&res, 0, sizeof(res));
    ck_assert(!st_sweep_call(&c, &res));
    ck_assert_msg(!res.found, "%s", res.msg);
    ck_assert_uint_eq(res.attempts, 2);
    ck_assert_ptr_nonnull(once);
    OPENSSL_free(once);
    once = NULL;
}
END_TEST

static int slot_of(const struct st_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->nnames; i++)
        if (strcmp(sc->names[i].name, name) == 0)
            return (int)i;
    ck_abort_msg("no name %s", name);
    return -1;
}

static const char adds_text[] =
    "scenario adds\n"
    "setup\n"
    "  ctx c\n"
    "  s = new c\n"
    "  set s dane=on verify_depth=3 dane_tlsa=test host=\"a.example\" "
    "add_host=\"b.example\"\n"
    "thread A\n"
    "  free s\n"
    "check\n"
    "  free c\n";

/* A `set` as the runner applies it: each key swept, then set unless the
 * sweep set it (a key that adds), so that each is swept on the object as
 * the keys before it left it: `add_host` adds to the `host` before it. */
START_TEST(a_setting_that_adds_is_applied_once_by_the_sweep)
{
    struct st_scenario *sc = tu_load_text("adds.scn", adds_text);
    const struct st_stmt *st = &sc->setup.stmts[2];
    struct st_sweep_result res;
    X509_VERIFY_PARAM *param;
    void *slots[4] = { NULL };
    int c = slot_of(sc, "c"), s = slot_of(sc, "s");
    unsigned applied = 0, attempts = 0;

    ck_assert_ptr_nonnull(slots[c] = st_be_ctx_new(ST_METHOD_TLS));
    ck_assert_ptr_nonnull(slots[s] = st_be_ssl_new(slots[c]));
    for (size_t i = 0; i < st->nsettings; i++) {
        st_sweep_stmt(sc, st, i, slots, &res);
        ck_assert_msg(!res.found, "%s", res.msg);
        attempts += res.attempts;
        if (res.applied)
            applied |= 1u << i;
        else
            ck_assert_int_eq(st_be_set(ST_TY_SSL, slots[s], &st->settings[i],
                                       slots), 0);
    }
    ck_assert_uint_gt(attempts, 0);
    /* dane, dane_tlsa, add_host */
    ck_assert_uint_eq(applied, 1u << 0 | 1u << 2 | 1u << 4);
    ck_assert_int_eq(minissl_SSL_dane_enabled(slots[s]), 1);
    ck_assert_uint_eq(minissl_SSL_dane_tlsa_count(slots[s]), 1);
    ck_assert_int_eq(SSL_get_verify_depth(slots[s]), 3);
    param = SSL_get0_param(slots[s]);
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(param, 0), "a.example");
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(param, 1), "b.example");
    ck_assert_ptr_null(X509_VERIFY_PARAM_get0_host(param, 2));
    ck_assert_uint_eq(ERR_peek_error(), 0);
    st_be_free(ST_TY_SSL, slots[s]);
    st_be_free(ST_TY_CTX, slots[c]);
    st_scenario_free(sc);
}
END_TEST

/* The sweep runs in a scenario that tests `errors`: the reason a refused
 * setting leaves for `errors` is still there after the sweep of the
 * statements that follow it, and the sweep's own are gone. */
static const char errors_text[] =
    "scenario sweep-keeps-errors\n"
    "alloc_failures sweep\n"
    "iterations 3\n"
    "setup\n"
    "  ctx c\n"
    "  s = new c\n"
    "  set s dane_tlsa=test\n"
    "  d = dup s\n"
    "  x = session\n"
    "  expect errors == DANE_NOT_ENABLED\n"
    "thread A\n"
    "  free d\n"
    "  free s\n"
    "check\n"
    "  free x\n"
    "  free c\n"
    "  expect leaks == 0\n";

START_TEST(a_swept_scenario_keeps_the_reasons_it_tests)
{
    struct st_scenario *sc = tu_load_text("errors.scn", errors_text);
    struct st_opts o;
    struct st_range rg = { 0, 3 };
    struct st_result r;

    st_opts_default(&o);
    o.seed = 5;
    ck_assert(sc->alloc_sweep);
    ck_assert_ptr_null(st_be_sweep_lacks(sc, NULL, 0));   /* minissl */
    ck_assert_int_eq(st_run_scenario(sc, &o, &rg, 1, NULL, &r), 0);
    ck_assert_msg(r.verdict == ST_PASS, "%s",
                  r.nfailures > 0 ? r.failures[0].message : "no failure");
    ck_assert_uint_eq(r.iterations_run, 3);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

/* prepare and release (the `handshake` sweep's copy and peer) run around
 * each attempt with nothing failing, inside the census: a block prepare
 * makes is never the failing one, and one release forgets is a leak. */
static void *prepared;
static bool forget;

static int prepare_block(void *arg)
{
    (void)arg;
    return (prepared = OPENSSL_malloc(8)) != NULL ? 0 : -1;
}

static void release_block(void *arg)
{
    (void)arg;
    if (forget && nkept < 8)
        kept[nkept++] = prepared;
    else
        OPENSSL_free(prepared);
    prepared = NULL;
}

static int two_blocks(void *arg)
{
    void *p, *q;

    (void)arg;
    ck_assert_ptr_nonnull(prepared);
    if ((p = OPENSSL_malloc(16)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    if ((q = OPENSSL_malloc(16)) == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        OPENSSL_free(p);
        return 0;
    }
    OPENSSL_free(q);
    OPENSSL_free(p);
    return 1;
}

START_TEST(what_prepare_makes_never_fails_and_what_release_forgets_is_a_leak)
{
    struct st_sweep_call c = { .attempt = two_blocks, .prepare = prepare_block,
                               .release = release_block, .name = "`two`" };
    struct st_sweep_result res;

    forget = false;
    memset(&res, 0, sizeof(res));
    ck_assert(!st_sweep_call(&c, &res));
    ck_assert_msg(!res.found, "%s", res.msg);
    ck_assert_uint_eq(res.attempts, 2);     /* the attempt's two, not more */
    forget = true;
    memset(&res, 0, sizeof(res));
    ck_assert(!st_sweep_call(&c, &res));
    ck_assert(res.found);
    ck_assert_str_eq(res.kind, "leak");
    ck_assert_msg(strstr(res.msg, "allocation 1 failing: failed (malloc "
                         "failure), and what is live changed: +1 "
                         "allocation(s)") != NULL, "%s", res.msg);
    forget = false;
    while (nkept > 0)
        OPENSSL_free(kept[--nkept]);
}
END_TEST

static const char handshake_text[] =
    "scenario hs\n"
    "alloc_failures sweep\n"
    "setup\n"
    "  ctx sc method=server\n"
    "  set sc cert=test key=test options=NO_TICKET max_proto=TLS1_2\n"
    "  s = new sc\n"
    "  set s client_ca_list=test verify=PEER verify_cb=on\n"
    "  handshake s until=shutdown\n"
    "  m = new sc\n"
    "  handshake m until=mid\n"
    "  handshake m\n"
    "thread A\n"
    "  free s\n"
    "  free m\n"
    "check\n"
    "  free sc\n";

/* `handshake s`: every attempt on a copy of s against a fresh peer, none
 * on s, nothing left in the SSL_CTX's cache; s then handshakes as ever. */
START_TEST(a_handshake_is_swept_on_a_copy_and_leaves_the_ssl_and_cache_alone)
{
    struct st_scenario *sc = tu_load_text("hs.scn", handshake_text);
    const struct st_stmt *hs = &sc->setup.stmts[4];
    struct st_sweep_result res;
    struct st_hs_opts ho = { .until = ST_HS_SHUTDOWN };
    void *slots[4] = { NULL }, *peer = NULL;
    int c = slot_of(sc, "sc"), s = slot_of(sc, "s");

    ck_assert_int_eq(hs->op, ST_OP_HANDSHAKE);
    ck_assert(st_sweep_applies(hs));
    ck_assert_ptr_nonnull(slots[c] = st_be_ctx_new(ST_METHOD_SERVER));
    for (size_t i = 0; i < sc->setup.stmts[1].nsettings; i++)
        ck_assert_int_eq(st_be_set(ST_TY_CTX, slots[c],
                                   &sc->setup.stmts[1].settings[i], slots), 0);
    ck_assert_ptr_nonnull(slots[s] = st_be_ssl_new(slots[c]));
    for (size_t i = 0; i < sc->setup.stmts[3].nsettings; i++)
        ck_assert_int_eq(st_be_set(ST_TY_SSL, slots[s],
                                   &sc->setup.stmts[3].settings[i], slots), 0);
    ck_assert_int_eq(st_be_accept(slots[s]), 0);
    st_sweep_stmt(sc, hs, 0, slots, &res);
    ck_assert_msg(!res.found, "%s", res.msg);
    /* The server's handshake, the client certificate's too: dozens. */
    ck_assert_uint_gt(res.attempts, 20);
    ck_assert_int_eq(res.residue, 0);
    ck_assert_int_eq(SSL_in_before(slots[s]), 1);
    ck_assert_int_eq(minissl_refcount(slots[s]), 1);
    ck_assert_int_eq(SSL_CTX_sess_number(slots[c]), 0);
    ck_assert_uint_eq(ERR_peek_error(), 0);
    /* The statement itself: a full handshake, its session cached. */
    ck_assert_int_eq(st_be_handshake(&peer, slots[s], &ho), 0);
    ck_assert_int_eq(SSL_session_reused(slots[s]), 0);
    ck_assert_int_eq(SSL_CTX_sess_number(slots[c]), 1);
    /* A started SSL is shared by SSL_dup, not copied: no attempt. */
    st_sweep_stmt(sc, hs, 0, slots, &res);
    ck_assert_msg(!res.found, "%s", res.msg);
    ck_assert_uint_eq(res.attempts, 0);
    ck_assert_int_eq(minissl_refcount(slots[s]), 1);
    st_be_peer_free(peer);
    st_be_free(ST_TY_SSL, slots[s]);
    st_be_free(ST_TY_CTX, slots[c]);
    st_scenario_free(sc);
}
END_TEST

/* The run: `handshake m` after `until=mid` continues against m's peer and
 * is not swept (SSL_dup would share m); the sweep finds nothing, and the
 * second iteration does not sweep. */
START_TEST(a_swept_run_of_handshakes_passes_and_sweeps_new_connections_only)
{
    struct st_scenario *sc = tu_load_text("hs.scn", handshake_text);
    struct st_opts o;
    struct st_range rg = { 0, 2 };
    struct st_result r;

    st_opts_default(&o);
    o.seed = 3;
    ck_assert(!st_sweep_applies(&(struct st_stmt){ .op = ST_OP_HANDSHAKE,
                                                   .must_fail = true }));
    ck_assert(!st_sweep_applies(&(struct st_stmt){ .op = ST_OP_HANDSHAKE,
                                                   .pair = true }));
    ck_assert_int_eq(st_run_scenario(sc, &o, &rg, 1, NULL, &r), 0);
    ck_assert_msg(r.verdict == ST_PASS, "%s",
                  r.nfailures > 0 ? r.failures[0].message : "no failure");
    ck_assert_uint_eq(r.iterations_run, 2);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

/* `pair a b` is swept on copies of a and b, each attempt's pair freed with
 * them, and `z = session y` as SSL_SESSION_dup of y: both make attempts,
 * find nothing, and leave a, b and y as they were. */
static const char pair_text[] =
    "scenario pair-and-copy\n"
    "setup\n"
    "  ctx sc method=server\n"
    "  ctx cc method=client\n"
    "  a = new sc\n"
    "  b = new cc\n"
    "  pair a b\n"
    "  y = session\n"
    "  set y ex_data=3\n"
    "  z = session y\n"
    "thread A\n"
    "  free a\n"
    "  free b\n"
    "check\n"
    "  free z\n"
    "  free y\n"
    "  free sc\n"
    "  free cc\n";

START_TEST(a_pair_and_a_session_copy_are_swept_on_what_they_copy)
{
    struct st_scenario *sc = tu_load_text("pair.scn", pair_text);
    const struct st_stmt *pair = &sc->setup.stmts[4];
    const struct st_stmt *copy = &sc->setup.stmts[7];
    struct st_sweep_result res;
    void *slots[8] = { NULL };
    int a = slot_of(sc, "a"), b = slot_of(sc, "b"), y = slot_of(sc, "y");
    unsigned long plain;

    ck_assert_int_eq(pair->op, ST_OP_PAIR);
    ck_assert(st_sweep_applies(pair));
    st_be_prepare(sc);          /* the session ex_data index */
    ck_assert_ptr_nonnull(slots[slot_of(sc, "sc")] =
                              st_be_ctx_new(ST_METHOD_SERVER));
    ck_assert_ptr_nonnull(slots[slot_of(sc, "cc")] =
                              st_be_ctx_new(ST_METHOD_CLIENT));
    ck_assert_ptr_nonnull(slots[a] = st_be_ssl_new(slots[slot_of(sc, "sc")]));
    ck_assert_ptr_nonnull(slots[b] = st_be_ssl_new(slots[slot_of(sc, "cc")]));
    ck_assert_int_eq(st_be_accept(slots[a]), 0);
    ck_assert_int_eq(st_be_connect(slots[b]), 0);
    st_sweep_stmt(sc, pair, 0, slots, &res);
    ck_assert_msg(!res.found, "%s", res.msg);
    ck_assert_uint_gt(res.attempts, 0);     /* the pair's own allocations */
    ck_assert_int_eq(res.residue, 0);
    ck_assert_ptr_null(SSL_get_rbio(slots[a]));     /* a and b untouched */
    ck_assert_ptr_null(SSL_get_rbio(slots[b]));
    ck_assert_int_eq(minissl_refcount(slots[a]), 1);

    /* The copy of a session with ex_data makes more allocations than a
     * new session: it is swept as the copy it is. */
    ck_assert_ptr_nonnull(slots[y] = st_be_session_new());
    ck_assert_int_eq(st_be_set(ST_TY_SESSION, slots[y],
                               &sc->setup.stmts[6].settings[0], slots), 0);
    st_sweep_stmt(sc, &sc->setup.stmts[5], 0, slots, &res);   /* y = session */
    ck_assert_msg(!res.found, "%s", res.msg);
    plain = res.attempts;
    st_sweep_stmt(sc, copy, 0, slots, &res);
    ck_assert_msg(!res.found, "%s", res.msg);
    ck_assert_uint_gt(res.attempts, plain);
    ck_assert_int_eq(minissl_refcount(slots[y]), 1);
    st_be_free(ST_TY_SESSION, slots[y]);
    st_be_free(ST_TY_SSL, slots[a]);
    st_be_free(ST_TY_SSL, slots[b]);
    st_be_free(ST_TY_CTX, slots[slot_of(sc, "sc")]);
    st_be_free(ST_TY_CTX, slots[slot_of(sc, "cc")]);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_replay_of_a_run_that_sweeps_every_scenario_sweeps_too)
{
    struct st_scenario *sc = tu_load_text("errors.scn", errors_text);
    struct st_opts o;
    char *cmd;

    st_opts_default(&o);
    o.alloc_failures = true;
    ck_assert_ptr_nonnull(cmd = st_replay_command(sc, &o, 0));
    ck_assert_msg(strstr(cmd, " --alloc-failures ") != NULL, "%s", cmd);
    free(cmd);
    o.alloc_failures = false;
    ck_assert_ptr_nonnull(cmd = st_replay_command(sc, &o, 0));
    ck_assert_ptr_null(strstr(cmd, "--alloc-failures"));
    free(cmd);
    st_scenario_free(sc);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("sweep");
    TCase *prim = tcase_create("backend");
    TCase *loop = tcase_create("sweep");

    /* sslstress's main does this first; here, before any allocation (the
     * first test asserts that it worked). */
    if (st_be_preinit() != 0)
        fprintf(stderr, "sweep: the allocation hooks were not installed\n");
    tcase_add_test(prim, the_kth_allocation_of_the_arming_thread_fails_and_no_other);
    tcase_add_test(prim, a_realloc_is_an_allocation_and_its_failure_keeps_the_block);
    tcase_add_test(prim, the_error_stack_is_put_back_as_it_was);
    tcase_add_test(prim, the_census_names_each_count_that_changed);
    tu_add_stress_leak_checks(prim);
    tcase_add_checked_fixture(prim, setup, teardown);
    suite_add_tcase(su, prim);
    tcase_add_test(loop, a_call_that_leaks_is_found_at_the_allocation_it_leaks_on);
    tcase_add_test(loop, a_pair_and_a_session_copy_are_swept_on_what_they_copy);
    tcase_add_test(loop, a_call_that_fails_without_a_reason_is_found);
    tcase_add_test(loop, state_a_call_makes_once_and_keeps_is_no_leak);
    tcase_add_test(loop, a_setting_that_adds_is_applied_once_by_the_sweep);
    tcase_add_test(loop, a_swept_scenario_keeps_the_reasons_it_tests);
    tcase_add_test(loop, a_replay_of_a_run_that_sweeps_every_scenario_sweeps_too);
    tcase_add_test(loop, what_prepare_makes_never_fails_and_what_release_forgets_is_a_leak);
    tcase_add_test(loop, a_handshake_is_swept_on_a_copy_and_leaves_the_ssl_and_cache_alone);
    tcase_add_test(loop, a_swept_run_of_handshakes_passes_and_sweeps_new_connections_only);
    tu_add_stress_leak_checks(loop);
    tcase_add_checked_fixture(loop, setup, teardown);
    suite_add_tcase(su, loop);
    return su;
}
