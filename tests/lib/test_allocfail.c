/* Suite allocfail: for SSL_CTX_new, SSL_new and SSL_dup (every setting
 * set), and SSL_CTX_add_session, fail the k-th allocation for k = 1, 2,
 * ... until the call succeeds.  Each failure returns NULL (0) with a
 * reason on the error stack and leaves no live allocation or object
 * behind.  Prints the number of failure sites swept.  A setter that fails
 * leaves the value it was to replace (X509_VERIFY_PARAM_set1_host). */
#include <stdio.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "items.h"
#include "testutil.h"

static SSL_CTX *sweep_ctx;
static SSL *sweep_ssl;

static void *call_ctx_new(void)
{
    return SSL_CTX_new(TLS_method());
}

static void *call_ssl_new(void)
{
    return SSL_new(sweep_ctx);
}

static void *call_ssl_dup(void)
{
    SSL *d = SSL_dup(sweep_ssl);

    ck_assert_ptr_ne(d, sweep_ssl);
    return d;
}

/* Returns the number of allocation sites that failed the call. */
static unsigned long sweep(const char *name, void *(*call)(void),
                           void (*release)(void *))
{
    unsigned long k;
    long allocs, objs;

    minissl_quarantine_flush();
    allocs = minissl_live_allocations();
    objs = minissl_live_objects_total();
    for (k = 1;; k++) {
        void *r;
        int fired;

        ERR_clear_error();
        minissl_fail_allocation(k);
        r = call();
        fired = !minissl_fail_allocation_pending();
        minissl_fail_allocation(0);
        if (!fired) {
            ck_assert_msg(r != NULL, "%s: failed with no injected failure", name);
            release(r);
            break;
        }
        ck_assert_msg(r == NULL, "%s: allocation %lu failed but the call "
                      "succeeded", name, k);
        ck_assert_msg(ERR_peek_error() != 0, "%s: allocation %lu failed with "
                      "no reason on the error stack", name, k);
        minissl_quarantine_flush();
        ck_assert_msg(minissl_live_allocations() == allocs,
                      "%s: allocation %lu failed: %ld allocations leaked", name,
                      k, minissl_live_allocations() - allocs);
        ck_assert_msg(minissl_live_objects_total() == objs,
                      "%s: allocation %lu failed: %ld objects leaked", name, k,
                      minissl_live_objects_total() - objs);
    }
    printf("allocfail: %s: %lu failure sites swept, 0 leaks\n", name, k - 1);
    return k - 1;
}

static void release_ctx(void *p)
{
    SSL_CTX_free(p);
}

static void release_ssl(void *p)
{
    SSL_free(p);
}

/* An SSL_CTX with every setting the SSL inherits set. */
static SSL_CTX *full_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    int i;

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(SSL_CTX_dane_enable(ctx), 1);
    for (i = 0; i < NITEMS; i++)
        if (items[i].ctx_set != NULL)
            items[i].ctx_set(ctx, 1);
    return ctx;
}

START_TEST(ssl_ctx_new_fails_cleanly_at_every_allocation)
{
    ck_assert_uint_gt(sweep("SSL_CTX_new", call_ctx_new, release_ctx), 0);
}
END_TEST

START_TEST(ssl_new_with_every_setting_fails_cleanly_at_every_allocation)
{
    sweep_ctx = full_ctx();
    ck_assert_uint_gt(sweep("SSL_new", call_ssl_new, release_ssl), 0);
    SSL_CTX_free(sweep_ctx);
    items_reset();
}
END_TEST

START_TEST(ssl_dup_with_every_setting_fails_cleanly_at_every_allocation)
{
    int idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    SSL_SESSION *sess = tu_make_session("sweep");

    sweep_ssl = new_ssl();
    set_all(sweep_ssl);
    ck_assert_int_eq(SSL_set_session(sweep_ssl, sess), 1);
    ck_assert_int_eq(SSL_set_ex_data(sweep_ssl, idx, &marker[1]), 1);
    SSL_SESSION_free(sess);
    ck_assert_uint_gt(sweep("SSL_dup", call_ssl_dup, release_ssl), 0);
    SSL_free(sweep_ssl);
    items_reset();
    CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL, idx);
}
END_TEST

/* SSL_CTX_add_session on a fresh SSL_CTX, whose first add allocates the
 * cache's table too: a failure returns 0 with a reason, the session not
 * cached and its count untouched, and nothing left behind. */
START_TEST(ssl_ctx_add_session_fails_with_a_reason_at_every_allocation)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL_SESSION *sess = tu_make_session("add-sweep");
    unsigned long k;
    long allocs, objs;

    ck_assert_ptr_nonnull(ctx);
    minissl_quarantine_flush();
    allocs = minissl_live_allocations();
    objs = minissl_live_objects_total();
    for (k = 1;; k++) {
        int r, fired;

        ERR_clear_error();
        minissl_fail_allocation(k);
        r = SSL_CTX_add_session(ctx, sess);
        fired = !minissl_fail_allocation_pending();
        minissl_fail_allocation(0);
        if (!fired) {
            ck_assert_int_eq(r, 1);
            break;
        }
        ck_assert_msg(r == 0, "allocation %lu failed but the add succeeded",
                      k);
        ck_assert_msg(ERR_peek_error() != 0, "allocation %lu failed with no "
                      "reason on the error stack", k);
        ck_assert_int_eq(minissl_refcount(sess), 1);
        ck_assert_int_eq(SSL_CTX_remove_session(ctx, sess), 0);
        ck_assert_int_eq(minissl_live_allocations(), allocs);
        ck_assert_int_eq(minissl_live_objects_total(), objs);
    }
    ck_assert_uint_ge(k, 3);    /* the entry, then the first table */
    ck_assert_int_eq(minissl_refcount(sess), 2);    /* the cache's */
    printf("allocfail: SSL_CTX_add_session: %lu failure sites swept, "
           "0 leaks\n", k - 1);
    SSL_SESSION_free(sess);
    SSL_CTX_free(ctx);
}
END_TEST

/* X509_VERIFY_PARAM_set1_host copies the new name before it drops the
 * list: a failed call leaves the names there were. */
START_TEST(set1_host_keeps_the_old_names_when_an_allocation_fails)
{
    X509_VERIFY_PARAM *p = X509_VERIFY_PARAM_new();
    long allocs;

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_host(p, "old.example", 0), 1);
    ck_assert_int_eq(X509_VERIFY_PARAM_add1_host(p, "alt.example", 0), 1);
    allocs = minissl_live_allocations();
    ERR_clear_error();
    minissl_fail_allocation(1);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_host(p, "new.example", 0), 0);
    ck_assert_int_eq(minissl_fail_allocation_pending(), 0);
    ck_assert_uint_ne(ERR_peek_error(), 0);
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(p, 0), "old.example");
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(p, 1), "alt.example");
    ck_assert_ptr_null(X509_VERIFY_PARAM_get0_host(p, 2));
    ck_assert_int_eq(minissl_live_allocations(), allocs);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_host(p, "new.example", 0), 1);
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(p, 0), "new.example");
    ck_assert_ptr_null(X509_VERIFY_PARAM_get0_host(p, 1));
    ERR_clear_error();
    X509_VERIFY_PARAM_free(p);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("allocfail");
    TCase *tc = tcase_create("sweep");

    tcase_add_test(tc, ssl_ctx_new_fails_cleanly_at_every_allocation);
    tcase_add_test(tc, ssl_new_with_every_setting_fails_cleanly_at_every_allocation);
    tcase_add_test(tc, ssl_dup_with_every_setting_fails_cleanly_at_every_allocation);
    tcase_add_test(tc, ssl_ctx_add_session_fails_with_a_reason_at_every_allocation);
    tcase_add_test(tc, set1_host_keeps_the_old_names_when_an_allocation_fails);
    tu_add_leak_checks(tc);
    suite_add_tcase(su, tc);
    return su;
}
