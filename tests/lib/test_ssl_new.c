/* Suite ssl_new: SSL_new inherits its SSL_CTX's settings item by item and
 * is independent of it afterwards; OpenSSL 3's defaults; the SSL_CTX
 * outlives its SSLs. */
#include <string.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "items.h"
#include "testutil.h"

/* Set variant 1 on the SSL_CTX: a new SSL holds it.  Change the SSL_CTX
 * to variant 2: that SSL keeps variant 1, a newer SSL gets variant 2. */
static void run_inherit_item(const struct item *it)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s, *s2;

    ck_assert_ptr_nonnull(ctx);
    it->ctx_set(ctx, 1);
    ck_assert_ptr_nonnull(s = SSL_new(ctx));
    ck_assert_msg(it->check(s, 1), "%s: not inherited by SSL_new", it->name);
    it->ctx_set(ctx, 2);
    ck_assert_msg(it->check(s, 1), "%s: the SSL changed with its SSL_CTX",
                  it->name);
    ck_assert_ptr_nonnull(s2 = SSL_new(ctx));
    ck_assert_msg(it->check(s2, 2), "%s: not inherited by SSL_new", it->name);
    SSL_free(s2);
    SSL_free(s);
    SSL_CTX_free(ctx);
    items_reset();
}

START_TEST(ssl_new_inherits_each_ctx_setting_and_is_independent_afterwards)
{
    const struct item *it = &items[_i];

    if (it->ctx_set == NULL)
        return;                 /* session, role, app data, DANE: below */
    run_inherit_item(it);
}
END_TEST

START_TEST(ssl_new_takes_its_role_from_the_method)
{
    SSL_CTX *c1 = SSL_CTX_new(TLS_client_method());
    SSL_CTX *c2 = SSL_CTX_new(TLS_server_method());
    SSL_CTX *c3 = SSL_CTX_new(TLS_method());
    SSL *a = SSL_new(c1), *b = SSL_new(c2), *c = SSL_new(c3);

    ck_assert_int_eq(SSL_is_server(a), 0);
    ck_assert_int_eq(SSL_is_server(b), 1);
    ck_assert_int_eq(SSL_is_server(c), 1);          /* as OpenSSL */
    ck_assert_ptr_eq(SSL_get_ssl_method(a), TLS_client_method());
    ck_assert_ptr_eq(SSL_CTX_get_ssl_method(c3), TLS_method());
    SSL_free(a);
    SSL_free(b);
    SSL_free(c);
    SSL_CTX_free(c1);
    SSL_CTX_free(c2);
    SSL_CTX_free(c3);
}
END_TEST

START_TEST(ssl_new_inherits_dane_enablement_and_flags)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx), *t;

    ck_assert_int_eq(SSL_dane_enable(s, "x.example"), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_CONTEXT_NOT_DANE_ENABLED);
    ck_assert_int_eq(SSL_CTX_dane_enable(ctx), 1);
    SSL_CTX_dane_set_flags(ctx, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    ck_assert_ptr_nonnull(t = SSL_new(ctx));
    ck_assert_uint_eq(minissl_SSL_get_dane_flags(t), DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    ck_assert_int_eq(SSL_dane_enable(t, "x.example"), 1);
    ck_assert_int_eq(SSL_dane_enable(t, "x.example"), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_DANE_ALREADY_ENABLED);
    ck_assert_int_eq(SSL_dane_tlsa_add(t, 4, 0, 0, tlsa_data, 3), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()),
                     SSL_R_DANE_TLSA_BAD_CERTIFICATE_USAGE);
    ck_assert_int_eq(SSL_dane_tlsa_add(s, 3, 0, 0, tlsa_data, 3), -1);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_DANE_NOT_ENABLED);
    SSL_free(t);
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(a_new_ctx_has_openssl_3s_defaults)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    ck_assert_uint_eq(SSL_CTX_get_options(ctx),
                      SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
    ck_assert_uint_eq(SSL_get_options(s), SSL_CTX_get_options(ctx));
    ck_assert_int_eq(SSL_get_mode(s), SSL_MODE_AUTO_RETRY);
    ck_assert_int_eq(SSL_get_verify_mode(s), SSL_VERIFY_NONE);
    ck_assert_int_eq(SSL_get_verify_depth(s), -1);
    ck_assert_int_eq(SSL_get_max_cert_list(s), SSL_MAX_CERT_LIST_DEFAULT);
    ck_assert_int_eq(SSL_get_security_level(s), 1);
    ck_assert_int_eq(SSL_get_min_proto_version(s), 0);
    ck_assert_int_eq(SSL_get_read_ahead(s), 0);
    ck_assert_str_eq(SSL_get_cipher_list(s, 0), "TLS_AES_256_GCM_SHA384");
    ck_assert_ptr_null(SSL_get_app_data(s));
    ck_assert_ptr_null(SSL_get_session(s));
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(the_ctx_outlives_its_ssls)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *a = SSL_new(ctx), *b = SSL_new(ctx);

    ck_assert_int_eq(minissl_refcount(ctx), 3);
    SSL_CTX_free(ctx);                      /* our reference */
    ck_assert_int_eq(minissl_object_valid(ctx, MINISSL_SSL_CTX), 1);
    ck_assert_ptr_eq(SSL_get_SSL_CTX(a), ctx);
    ck_assert_int_eq(SSL_CTX_get_security_level(SSL_get_SSL_CTX(b)), 1);
    SSL_free(a);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL_CTX), 1);
    SSL_free(b);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL_CTX), 0);
    ck_assert_int_eq(minissl_object_valid(ctx, MINISSL_SSL_CTX), 0);
}
END_TEST

START_TEST(ssl_new_of_null_fails_with_null_ssl_ctx)
{
    ck_assert_ptr_null(SSL_new(NULL));
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_NULL_SSL_CTX);
    ck_assert_ptr_null(SSL_CTX_new(NULL));
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_last_error()),
                     SSL_R_NULL_SSL_METHOD_PASSED);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("ssl_new");
    TCase *tc = tcase_create("inherit");
    TCase *life = tcase_create("lifecycle");

    tcase_add_loop_test(tc, ssl_new_inherits_each_ctx_setting_and_is_independent_afterwards,
                        0, NITEMS);
    tcase_add_test(tc, ssl_new_takes_its_role_from_the_method);
    tcase_add_test(tc, ssl_new_inherits_dane_enablement_and_flags);
    tcase_add_test(tc, a_new_ctx_has_openssl_3s_defaults);
    tcase_add_test(life, the_ctx_outlives_its_ssls);
    tcase_add_test(life, ssl_new_of_null_fails_with_null_ssl_ctx);
    tu_add_leak_checks(tc);
    tu_add_leak_checks(life);
    suite_add_tcase(su, tc);
    suite_add_tcase(su, life);
    return su;
}
