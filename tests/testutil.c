#include <stdlib.h>
#include <string.h>

#include <minissl/inspect.h>
#include <openssl/err.h>

#include "testutil.h"

void tu_setup(void)
{
    ERR_clear_error();
}

void tu_assert_no_leaks(const char *where)
{
    int t;

    minissl_quarantine_flush();
    for (t = 0; t < MINISSL_TYPE_COUNT; t++)
        ck_assert_msg(minissl_live_objects((enum minissl_type)t) == 0,
                      "%s: %ld %s object(s) still alive", where,
                      minissl_live_objects((enum minissl_type)t),
                      minissl_type_name((enum minissl_type)t));
    ck_assert_msg(minissl_live_allocations() == 0,
                  "%s: %ld allocation(s) still live", where,
                  minissl_live_allocations());
}

void tu_teardown(void)
{
    ERR_clear_error();
    tu_assert_no_leaks("teardown");
}

void tu_add_leak_checks(TCase *tc)
{
    tcase_add_checked_fixture(tc, tu_setup, tu_teardown);
}

X509 *tu_make_cert(const char *cn, EVP_PKEY **key)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    X509_NAME *name;

    ck_assert_ptr_nonnull(k);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), 0));
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
    ck_assert_int_eq(X509_set_pubkey(x, k), 1);
    name = X509_get_subject_name(x);
    ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                (const unsigned char *)cn,
                                                -1, -1, 0), 1);
    ck_assert_int_eq(X509_set_issuer_name(x, name), 1);
    ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
    *key = k;
    return x;
}

STACK_OF(X509_NAME) *tu_name_list(const char *cn)
{
    STACK_OF(X509_NAME) *sk = sk_X509_NAME_new_null();
    X509_NAME *n = X509_NAME_new();

    ck_assert_ptr_nonnull(sk);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                                                (const unsigned char *)cn,
                                                -1, -1, 0), 1);
    ck_assert_int_eq(sk_X509_NAME_push(sk, n), 1);
    return sk;
}

const char *tu_first_cn(const STACK_OF(X509_NAME) *sk)
{
    static char buf[128];

    buf[0] = '\0';
    if (sk != NULL && sk_X509_NAME_num(sk) > 0)
        X509_NAME_get_text_by_NID(sk_X509_NAME_value(sk, 0), NID_commonName,
                                  buf, sizeof(buf));
    return buf;
}

SSL_SESSION *tu_make_session(const char *id)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    ck_assert_ptr_nonnull(ss);
    ck_assert_int_eq(SSL_SESSION_set1_id(ss, (const unsigned char *)id,
                                         (unsigned int)strlen(id)), 1);
    return ss;
}

unsigned long tu_env_ulong(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);
    char *end;
    unsigned long r;

    if (v == NULL || *v == '\0')
        return dflt;
    r = strtoul(v, &end, 10);
    return *end == '\0' ? r : dflt;
}
