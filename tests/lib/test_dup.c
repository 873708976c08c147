/* Suite dup: SSL_dup as the manual page says, item by item, with and
 * without a session on the original; the not-initial case; ex_data dup
 * callbacks called as OpenSSL calls them. */
#include <string.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "items.h"
#include "testutil.h"

/* Set variant 1 on an original (with or without a session), dup it:
 * the copy is a different SSL holding variant 1.  Change the original to
 * variant 2: the copy keeps variant 1.  Dup the changed original and
 * change that copy back to variant 1: the original keeps variant 2. */
static void run_dup_item(const struct item *it, int with_session)
{
    SSL *s = new_ssl(), *d, *d2;
    SSL_SESSION *sess = NULL;

    if (with_session) {
        sess = tu_make_session("base session");
        ck_assert_int_eq(SSL_set_session(s, sess), 1);
    }
    it->set(s, 1);
    ck_assert_msg(it->check(s, 1), "%s: not set on the original", it->name);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_ptr_ne(d, s);
    ck_assert_int_eq(minissl_refcount(s), 1);
    ck_assert_int_eq(minissl_refcount(d), 1);
    ck_assert_ptr_eq(SSL_get_SSL_CTX(d), SSL_get_SSL_CTX(s));
    ck_assert_msg(it->check(d, 1), "%s: not copied by SSL_dup", it->name);
    if (with_session && strcmp(it->name, "session") != 0)
        ck_assert_ptr_eq(SSL_get_session(d), sess);    /* shared, counted */

    it->set(s, 2);
    ck_assert_msg(it->check(s, 2), "%s: not changed on the original", it->name);
    ck_assert_msg(it->check(d, 1), "%s: the copy changed with the original",
                  it->name);

    ck_assert_ptr_nonnull(d2 = SSL_dup(s));
    ck_assert_msg(it->check(d2, 2), "%s: second copy differs", it->name);
    it->set(d2, 1);
    ck_assert_msg(it->check(s, 2), "%s: the original changed with its copy",
                  it->name);

    SSL_free(d2);
    SSL_free(d);
    SSL_free(s);
    SSL_SESSION_free(sess);
    items_reset();
}

#define DUP_ITEM_TESTS(n, i)                                                 \
    START_TEST(dup_copies_##n##_and_each_side_keeps_its_own)                 \
    {                                                                        \
        ck_assert_str_eq(items[i].name, #n);                                 \
        run_dup_item(&items[i], 0);                                          \
    }                                                                        \
    END_TEST                                                                 \
    START_TEST(dup_with_a_session_copies_##n##_and_each_side_keeps_its_own)  \
    {                                                                        \
        ck_assert_str_eq(items[i].name, #n);                                 \
        run_dup_item(&items[i], 1);                                          \
    }                                                                        \
    END_TEST

DUP_ITEM_TESTS(session, 0)
DUP_ITEM_TESTS(tmp_dh, 1)
DUP_ITEM_TESTS(certs, 2)
DUP_ITEM_TESTS(sigalgs, 3)
DUP_ITEM_TESTS(dane, 4)
DUP_ITEM_TESTS(options, 5)
DUP_ITEM_TESTS(mode, 6)
DUP_ITEM_TESTS(proto, 7)
DUP_ITEM_TESTS(verify, 8)
DUP_ITEM_TESTS(callbacks, 9)
DUP_ITEM_TESTS(passwd, 10)
DUP_ITEM_TESTS(gen_id, 11)
DUP_ITEM_TESTS(ciphers, 12)
DUP_ITEM_TESTS(role, 13)
DUP_ITEM_TESTS(max_cert_list, 14)
DUP_ITEM_TESTS(read_ahead, 15)
DUP_ITEM_TESTS(app_data, 16)
DUP_ITEM_TESTS(ca_lists, 17)
DUP_ITEM_TESTS(security, 18)
DUP_ITEM_TESTS(serverinfo, 19)
DUP_ITEM_TESTS(psk_hint, 20)
DUP_ITEM_TESTS(custom_ext, 21)
DUP_ITEM_TESTS(cert_types, 22)

START_TEST(dup_of_every_setting_at_once_copies_them_all)
{
    SSL *s = new_ssl(), *d;
    int i;

    set_all(s);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    for (i = 0; i < NITEMS; i++)
        ck_assert_msg(items[i].check(d, 1), "%s not copied", items[i].name);
    SSL_free(d);
    SSL_free(s);
    items_reset();
}
END_TEST

START_TEST(dup_keeps_the_originals_verify_params_over_the_ctxs)
{
    SSL *s = new_ssl(), *d;

    /* new_ssl's SSL_CTX has host ctx.example and depth 11. */
    ck_assert_int_eq(SSL_set1_host(s, "mine.example"), 1);
    SSL_set_verify_depth(s, 2);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_host(SSL_get0_param(d), 0),
                     "mine.example");
    ck_assert_ptr_null(X509_VERIFY_PARAM_get0_host(SSL_get0_param(d), 1));
    ck_assert_int_eq(SSL_get_verify_depth(d), 2);
    SSL_free(d);
    SSL_free(s);
}
END_TEST

START_TEST(dup_shares_certificates_and_the_session_by_reference_count)
{
    SSL *s = new_ssl(), *d;
    SSL_SESSION *sess = tu_make_session("shared");
    EVP_PKEY *k;
    X509 *x = tu_make_cert("shared", &k);

    ck_assert_int_eq(SSL_use_certificate(s, x), 1);
    ck_assert_int_eq(SSL_set_session(s, sess), 1);
    ck_assert_int_eq(minissl_refcount(x), 2);
    ck_assert_int_eq(minissl_refcount(sess), 2);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_ptr_eq(SSL_get_certificate(d), x);
    ck_assert_ptr_eq(SSL_get_session(d), sess);
    ck_assert_int_eq(minissl_refcount(x), 3);
    ck_assert_int_eq(minissl_refcount(sess), 3);
    SSL_free(d);
    ck_assert_int_eq(minissl_refcount(x), 2);
    ck_assert_int_eq(minissl_refcount(sess), 2);
    SSL_free(s);
    X509_free(x);
    EVP_PKEY_free(k);
    SSL_SESSION_free(sess);
}
END_TEST

START_TEST(dup_of_a_non_initial_ssl_is_the_same_handle_with_one_more_reference)
{
    SSL *s = new_ssl(), *d;
    long ssls = minissl_live_objects(MINISSL_SSL);

    ck_assert_int_eq(minissl_SSL_force_not_initial(s, 1), 1);
    ck_assert_int_eq(minissl_SSL_in_initial_state(s), 0);
    ck_assert_ptr_eq(d = SSL_dup(s), s);
    ck_assert_int_eq(minissl_refcount(s), 2);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL), ssls);
    SSL_free(d);
    ck_assert_int_eq(minissl_refcount(s), 1);
    ck_assert_int_eq(minissl_SSL_force_not_initial(s, 0), 1);
    ck_assert_ptr_ne(d = SSL_dup(s), s);
    SSL_free(d);
    SSL_free(s);
}
END_TEST

START_TEST(dup_after_the_role_is_chosen_is_still_a_copy)
{
    SSL *s = new_ssl(), *d;

    SSL_set_connect_state(s);
    ck_assert_int_eq(minissl_SSL_in_initial_state(s), 1);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_ptr_ne(d, s);
    ck_assert_int_eq(SSL_is_server(d), 0);
    SSL_free(d);
    SSL_free(s);
}
END_TEST

START_TEST(dup_of_null_fails_with_a_reason)
{
    ck_assert_ptr_null(SSL_dup(NULL));
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), ERR_R_PASSED_NULL_PARAMETER);
}
END_TEST

/* ---- ex_data callbacks ---- */
static int n_new, n_dup, n_free, dup_result = 1;
static void *seen_from, *last_free;
static int slot_a, slot_b, slot_copy;

static void ex_new(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                   long argl, void *argp)
{
    (void)parent; (void)ad; (void)idx;
    ck_assert_ptr_null(ptr);
    ck_assert_int_eq(argl, 42);
    ck_assert_ptr_eq(argp, &slot_b);
    n_new++;
}

static int ex_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from,
                  void **from_d, int idx, long argl, void *argp)
{
    (void)to; (void)from; (void)idx; (void)argl; (void)argp;
    n_dup++;
    seen_from = *from_d;
    *from_d = &slot_copy;
    return dup_result;
}

static void ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                    long argl, void *argp)
{
    (void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
    n_free++;
    last_free = ptr;
}

static int register_index(void)
{
    int idx = SSL_get_ex_new_index(42, &slot_b, ex_new, ex_dup, ex_free);

    ck_assert_int_gt(idx, 0);                  /* 0 is the app-data slot */
    n_new = n_dup = n_free = 0;
    dup_result = 1;
    seen_from = last_free = NULL;
    return idx;
}

START_TEST(ex_data_callbacks_run_on_new_dup_and_free_as_openssl_runs_them)
{
    int idx = register_index();
    SSL *s = new_ssl(), *d;

    ck_assert_int_eq(n_new, 1);
    ck_assert_int_eq(SSL_set_ex_data(s, idx, &slot_a), 1);
    ck_assert_int_eq(SSL_set_app_data(s, &slot_b), 1);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_int_eq(n_new, 2);                 /* the copy is a new SSL */
    ck_assert_int_eq(n_dup, 1);
    ck_assert_ptr_eq(seen_from, &slot_a);
    ck_assert_ptr_eq(SSL_get_ex_data(d, idx), &slot_copy);
    ck_assert_ptr_eq(SSL_get_ex_data(s, idx), &slot_a);
    ck_assert_ptr_eq(SSL_get_app_data(d), &slot_b);
    SSL_free(d);
    ck_assert_int_eq(n_free, 1);
    ck_assert_ptr_eq(last_free, &slot_copy);
    SSL_free(s);
    ck_assert_int_eq(n_free, 2);
    ck_assert_ptr_eq(last_free, &slot_a);
    CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL, idx);
}
END_TEST

START_TEST(ex_data_dup_callback_is_not_called_when_nothing_was_set)
{
    int idx = register_index();
    SSL *s = new_ssl(), *d;

    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_int_eq(n_dup, 0);
    ck_assert_ptr_null(SSL_get_ex_data(d, idx));
    SSL_free(d);
    SSL_free(s);
    ck_assert_int_eq(n_free, 2);               /* free_func: NULL values too */
    ck_assert_ptr_null(last_free);
    CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL, idx);
}
END_TEST

START_TEST(ex_data_dup_callback_failing_fails_the_dup_without_leaks)
{
    int idx = register_index();
    SSL *s = new_ssl();

    ck_assert_int_eq(SSL_set_ex_data(s, idx, &slot_a), 1);
    dup_result = 0;
    ERR_clear_error();
    ck_assert_ptr_null(SSL_dup(s));
    ck_assert_int_ne(ERR_get_error(), 0);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL), 1);
    SSL_free(s);
    CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL, idx);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("dup");
    TCase *items_tc = tcase_create("items");
    TCase *tc = tcase_create("semantics");
    TCase *ex = tcase_create("ex_data");

#define ADD(n)                                                               \
    tcase_add_test(items_tc, dup_copies_##n##_and_each_side_keeps_its_own);  \
    tcase_add_test(items_tc,                                                 \
                   dup_with_a_session_copies_##n##_and_each_side_keeps_its_own)
    ADD(session);
    ADD(tmp_dh);
    ADD(certs);
    ADD(sigalgs);
    ADD(dane);
    ADD(options);
    ADD(mode);
    ADD(proto);
    ADD(verify);
    ADD(callbacks);
    ADD(passwd);
    ADD(gen_id);
    ADD(ciphers);
    ADD(role);
    ADD(max_cert_list);
    ADD(read_ahead);
    ADD(app_data);
    ADD(ca_lists);
    ADD(security);
    ADD(serverinfo);
    ADD(psk_hint);
    ADD(custom_ext);
    ADD(cert_types);
#undef ADD
    tcase_add_test(items_tc, dup_of_every_setting_at_once_copies_them_all);
    tcase_add_test(tc, dup_keeps_the_originals_verify_params_over_the_ctxs);
    tcase_add_test(tc, dup_shares_certificates_and_the_session_by_reference_count);
    tcase_add_test(tc, dup_of_a_non_initial_ssl_is_the_same_handle_with_one_more_reference);
    tcase_add_test(tc, dup_after_the_role_is_chosen_is_still_a_copy);
    tcase_add_test(tc, dup_of_null_fails_with_a_reason);
    tcase_add_test(ex, ex_data_callbacks_run_on_new_dup_and_free_as_openssl_runs_them);
    tcase_add_test(ex, ex_data_dup_callback_is_not_called_when_nothing_was_set);
    tcase_add_test(ex, ex_data_dup_callback_failing_fails_the_dup_without_leaks);
    tu_add_leak_checks(items_tc);
    tu_add_leak_checks(tc);
    tu_add_leak_checks(ex);
    suite_add_tcase(su, items_tc);
    suite_add_tcase(su, tc);
    suite_add_tcase(su, ex);
    return su;
}
