/* Suite faults_peer: the harness's peer client resumes (stress/backend.c,
 * "the peer client resumes"), which is what lets a scenario reach the
 * server's session-cache lookup (and the seeded fault cache_get_noref).
 * Driven through the backend API, as the runner drives it. */
#include <minissl/fault.h>
#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "backend.h"
#include "stress_util.h"
#include "testutil.h"

static void setup(void)
{
    ck_assert_int_eq(st_be_init(), 0);
}

/* A server SSL of |ctx| with its handshake driven to the end; the peer is
 * freed as the runner frees it after an iteration. */
static SSL *served(void *ctx)
{
    SSL *s = st_be_ssl_new(ctx);
    void *peer = NULL;

    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(st_be_accept(s), 0);
    ck_assert_int_eq(st_be_handshake(&peer, s, ST_HS_DONE, 0), 0);
    ck_assert_int_eq(SSL_is_init_finished(s), 1);
    st_be_peer_free(peer);
    return s;
}

START_TEST(second_server_handshake_on_one_ctx_resumes_the_cached_session)
{
    void *ctx = st_be_ctx_new(ST_METHOD_SERVER);
    SSL *a, *b;

    ck_assert_ptr_nonnull(ctx);
    a = served(ctx);
    ck_assert_int_eq(SSL_session_reused(a), 0);
    b = served(ctx);
    ck_assert_int_eq(SSL_session_reused(b), 1);
    /* minissl's server resumed the very object its cache holds. */
    ck_assert_ptr_eq(SSL_get_session(a), SSL_get_session(b));
    ck_assert_int_eq(SSL_CTX_sess_hits(ctx), 1);
    SSL_free(a);
    SSL_free(b);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(server_of_another_ctx_is_offered_nothing_and_makes_a_full_handshake)
{
    void *c1 = st_be_ctx_new(ST_METHOD_SERVER);
    void *c2 = st_be_ctx_new(ST_METHOD_SERVER);
    SSL *a, *b;

    ck_assert_ptr_nonnull(c1);
    ck_assert_ptr_nonnull(c2);
    a = served(c1);
    b = served(c2);
    ck_assert_int_eq(SSL_session_reused(b), 0);
    ck_assert_int_eq(SSL_CTX_sess_hits(c2), 0);
    SSL_free(a);
    SSL_free(b);
    SSL_CTX_free(c1);
    SSL_CTX_free(c2);
}
END_TEST

START_TEST(remembered_peer_sessions_are_not_counted_as_live_objects)
{
    long long before = st_be_live();
    void *ctx = st_be_ctx_new(ST_METHOD_SERVER);
    SSL *a, *b;

    ck_assert_ptr_nonnull(ctx);
    a = served(ctx);
    b = served(ctx);
    SSL_free(a);
    SSL_free(b);
    SSL_CTX_free(ctx);
    /* The peer still remembers a session (with its certificate) for the
     * freed SSL_CTX: harness state, not a leak. */
    ck_assert_int_eq(st_be_live(), before);
}
END_TEST

START_TEST(cache_get_noref_fault_hands_out_the_cached_session_without_a_reference)
{
    void *ctx = st_be_ctx_new(ST_METHOD_SERVER);
    SSL *a, *b, *c;

    ck_assert_ptr_nonnull(ctx);
    a = served(ctx);                /* the cache's reference and a's */
    b = served(ctx);                /* resumed: b's own */
    ck_assert_int_eq(minissl_refcount(SSL_get_session(b)), 3);
    if (minissl_fault_enable("cache_get_noref")) {
        c = served(ctx);            /* resumed: the seeded bug */
        ck_assert_ptr_eq(SSL_get_session(c), SSL_get_session(a));
        ck_assert_int_eq(minissl_refcount(SSL_get_session(c)), 3);
        minissl_fault_reset();
        SSL_SESSION_up_ref(SSL_get_session(c));   /* c's missing one */
        SSL_free(c);
    }
    SSL_free(a);
    SSL_free(b);
    SSL_CTX_free(ctx);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("faults_peer");
    TCase *t = tcase_create("resumption");

    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, second_server_handshake_on_one_ctx_resumes_the_cached_session);
    tcase_add_test(t, server_of_another_ctx_is_offered_nothing_and_makes_a_full_handshake);
    tcase_add_test(t, remembered_peer_sessions_are_not_counted_as_live_objects);
    tcase_add_test(t, cache_get_noref_fault_hands_out_the_cached_session_without_a_reference);
    tu_add_stress_leak_checks(t);
    suite_add_tcase(s, t);
    return s;
}
