/* Suite errors: the per-thread error stack, OpenSSL 3's packing and
 * texts, and the reasons failing calls push. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minissl/inspect.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "internal.h"
#include "testutil.h"

START_TEST(err_raise_packs_library_and_reason_as_openssl_3)
{
    unsigned long e;
    char buf[256];

    ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_CTX);
    e = ERR_get_error();
    ck_assert_uint_eq(e, 0x0A0000C3UL);
    ck_assert_int_eq(ERR_GET_LIB(e), ERR_LIB_SSL);
    ck_assert_int_eq(ERR_GET_REASON(e), SSL_R_NULL_SSL_CTX);
    ERR_error_string_n(e, buf, sizeof(buf));
    ck_assert_str_eq(buf, "error:0A0000C3:SSL routines::null ssl ctx");
    ck_assert_str_eq(ERR_reason_error_string(e), "null ssl ctx");
    ck_assert_str_eq(ERR_lib_error_string(e), "SSL routines");
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    e = ERR_get_error();
    ck_assert_int_eq(ERR_GET_REASON(e), ERR_R_MALLOC_FAILURE);
    ck_assert_str_eq(ERR_reason_error_string(e), "malloc failure");
    ck_assert_uint_eq(ERR_get_error(), 0);
}
END_TEST

START_TEST(get_takes_the_oldest_peek_last_sees_the_newest)
{
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
    ERR_raise(ERR_LIB_X509, X509_R_WRONG_TYPE);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_BAD_VALUE);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_last_error()), X509_R_WRONG_TYPE);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_BAD_VALUE);
    ck_assert_int_eq(ERR_GET_LIB(ERR_get_error()), ERR_LIB_X509);
    ck_assert_uint_eq(ERR_peek_error(), 0);
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
    ERR_clear_error();
    ck_assert_uint_eq(ERR_peek_last_error(), 0);
}
END_TEST

START_TEST(a_full_stack_drops_its_oldest_entry)
{
    int i;

    for (i = 1; i <= ERR_NUM_ERRORS + 3; i++)
        ERR_raise(ERR_LIB_USER, i);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), 4);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_last_error()), ERR_NUM_ERRORS + 3);
}
END_TEST

static void *raise_in_thread(void *arg)
{
    (void)arg;
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
    return (void *)ERR_peek_error();
}

START_TEST(each_thread_has_its_own_error_stack)
{
    pthread_t t;
    void *r;

    ck_assert_int_eq(pthread_create(&t, NULL, raise_in_thread, NULL), 0);
    pthread_join(t, &r);
    ck_assert_int_eq(ERR_GET_REASON((unsigned long)r), SSL_R_BAD_LENGTH);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

START_TEST(reason_texts_include_the_connection_modules_table)
{
    if (ms_conn_reasons[0].text == NULL)
        return;                 /* the connection module lists none yet */
    ck_assert_str_eq(ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0,
                                                      ms_conn_reasons[0].code)),
                     ms_conn_reasons[0].text);
}
END_TEST

START_TEST(print_errors_writes_one_line_per_entry_and_empties_the_stack)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH, "name=%s", "FOO");
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
    ERR_print_errors_fp(f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, ":error:0A0000B9:SSL routines::no cipher match:"));
    ck_assert_ptr_nonnull(strstr(buf, "test_errors.c"));
    ck_assert_ptr_nonnull(strstr(buf, "name=FOO\n"));
    ck_assert_ptr_nonnull(strstr(buf, "bad value"));
    ck_assert_uint_eq(ERR_peek_error(), 0);
    free(buf);
}
END_TEST

START_TEST(bad_arguments_get_a_reason_and_the_failure_value)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    unsigned char big[SSL_MAX_SID_CTX_LENGTH + 1] = {0};
    char hint[PSK_MAX_IDENTITY_LEN + 2];

    ck_assert_int_eq(SSL_set_cipher_list(s, "AES128-SHA:NO-SUCH-CIPHER"), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_NO_CIPHER_MATCH);
    ck_assert_str_eq(SSL_get_cipher_list(s, 3), "ECDHE-ECDSA-AES256-GCM-SHA384");
    ck_assert_int_eq(SSL_set_cipher_list(s, "TLS_AES_128_GCM_SHA256"), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_NO_CIPHER_MATCH);
    ck_assert_int_eq(SSL_set_session_id_context(s, big, sizeof(big)), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()),
                     SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
    memset(hint, 'h', sizeof(hint) - 1);
    hint[sizeof(hint) - 1] = '\0';
    ck_assert_int_eq(SSL_use_psk_identity_hint(s, hint), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_DATA_LENGTH_TOO_LONG);
    ck_assert_int_eq(SSL_set_min_proto_version(s, 0x0305), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()),
                     SSL_R_BAD_PROTOCOL_VERSION_NUMBER);
    ck_assert_int_eq(SSL_set1_sigalgs_list(s, "ECDSA+MD4"), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_BAD_VALUE);
    ck_assert_int_eq(SSL_CTX_use_serverinfo(ctx, (const unsigned char *)"\0\1\0\5x", 5), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_INVALID_SERVERINFO_DATA);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(ctx, 0, SSL_EXT_CLIENT_HELLO, NULL, NULL,
                                            NULL, NULL, NULL), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()),
                     SSL_R_CUSTOM_EXT_HANDLER_ALREADY_INSTALLED);
    ck_assert_int_eq(SSL_use_certificate(s, NULL), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), ERR_R_PASSED_NULL_PARAMETER);
    ck_assert_int_eq(SSL_check_private_key(s), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_NO_CERTIFICATE_ASSIGNED);
    ck_assert_uint_eq(SSL_get_options(NULL), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), ERR_R_PASSED_NULL_PARAMETER);
    ck_assert_int_eq(SSL_ctrl(s, 9999, 0, NULL), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_INVALID_COMMAND);
    ck_assert_int_eq(SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL) > 0, 1);
    ck_assert_int_eq(CRYPTO_get_ex_new_index(99, 0, NULL, NULL, NULL, NULL), -1);
    ck_assert_int_ne(ERR_get_error(), 0);
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("errors");
    TCase *tc = tcase_create("stack");

    tcase_add_test(tc, err_raise_packs_library_and_reason_as_openssl_3);
    tcase_add_test(tc, get_takes_the_oldest_peek_last_sees_the_newest);
    tcase_add_test(tc, a_full_stack_drops_its_oldest_entry);
    tcase_add_test(tc, each_thread_has_its_own_error_stack);
    tcase_add_test(tc, reason_texts_include_the_connection_modules_table);
    tcase_add_test(tc, print_errors_writes_one_line_per_entry_and_empties_the_stack);
    tcase_add_test(tc, bad_arguments_get_a_reason_and_the_failure_value);
    tu_add_leak_checks(tc);
    suite_add_tcase(su, tc);
    return su;
}
