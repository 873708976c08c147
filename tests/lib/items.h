/* The settings SSL_dup copies (the manual page's 23 items) and SSL_new
 * inherits, as test items: set variant 1 or 2 on an SSL (or its SSL_CTX),
 * and check that an SSL holds variant v.  Shared by test_dup.c,
 * test_ssl_new.c and test_allocfail.c; static data only, so that each
 * test binary has its own copy. */
#ifndef TESTS_LIB_ITEMS_H
#define TESTS_LIB_ITEMS_H

#include <string.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "testutil.h"

struct item {
    const char *name;
    void (*set)(SSL *s, int v);           /* v: 1 or 2 */
    void (*ctx_set)(SSL_CTX *ctx, int v); /* NULL: not an SSL_CTX setting */
    int (*check)(const SSL *s, int v);    /* 1 if |s| holds variant v */
};

/* Callbacks and argument markers, distinct per variant. */
static int marker[3];
#define ARG(v) ((void *)&marker[v])

static int verify_cb1(int ok, X509_STORE_CTX *c) { (void)c; return ok; }
static int verify_cb2(int ok, X509_STORE_CTX *c) { (void)c; return !ok; }
static SSL_verify_cb verify_cb(int v) { return v == 1 ? verify_cb1 : verify_cb2; }

static void info_cb1(const SSL *s, int t, int val) { (void)s; (void)t; (void)val; }
static void info_cb2(const SSL *s, int t, int val) { (void)s; (void)t; (void)val; marker[0]++; }

static void msg_cb1(int w, int ver, int ct, const void *b, size_t l, SSL *s, void *a)
{ (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s; (void)a; }
static void msg_cb2(int w, int ver, int ct, const void *b, size_t l, SSL *s, void *a)
{ (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s; (void)a; marker[0]++; }

static int pw_cb1(char *b, int n, int rw, void *u) { (void)b; (void)n; (void)rw; (void)u; return 1; }
static int pw_cb2(char *b, int n, int rw, void *u) { (void)b; (void)n; (void)rw; (void)u; return 2; }

static int gen_cb1(SSL *s, unsigned char *id, unsigned int *l) { (void)s; (void)id; (void)l; return 1; }
static int gen_cb2(SSL *s, unsigned char *id, unsigned int *l) { (void)s; (void)id; (void)l; return 2; }

static int sec_cb1(const SSL *s, const SSL_CTX *c, int op, int bits, int nid, void *o, void *ex)
{ (void)s; (void)c; (void)op; (void)bits; (void)nid; (void)o; (void)ex; return 1; }
static int sec_cb2(const SSL *s, const SSL_CTX *c, int op, int bits, int nid, void *o, void *ex)
{ (void)s; (void)c; (void)op; (void)bits; (void)nid; (void)o; (void)ex; return 0; }

static DH *dh_cb1(SSL *s, int e, int k) { (void)s; (void)e; (void)k; return NULL; }
static DH *dh_cb2(SSL *s, int e, int k) { (void)s; (void)e; (void)k; marker[0]++; return NULL; }

static int ext_add(SSL *s, unsigned int t, unsigned int c, const unsigned char **o,
                   size_t *ol, X509 *x, size_t ci, int *al, void *a)
{ (void)s; (void)t; (void)c; (void)o; (void)ol; (void)x; (void)ci; (void)al; (void)a; return 0; }
static int ext_parse(SSL *s, unsigned int t, unsigned int c, const unsigned char *i,
                     size_t il, X509 *x, size_t ci, int *al, void *a)
{ (void)s; (void)t; (void)c; (void)i; (void)il; (void)x; (void)ci; (void)al; (void)a; return 1; }

/* Objects an item set on an SSL, remembered per variant for the checks
 * (the SSL holds its own references). */
static X509 *cert_v[3], *chain_v[3];
static EVP_PKEY *key_v[3], *dh_v[3];

/* ---- 1. session data (and session id context) ---- */
static const char *sess_id(int v) { return v == 1 ? "session-one" : "session-two"; }
static const char *sid_ctx(int v) { return v == 1 ? "sidctx-one" : "sidctx-2"; }

static void session_set(SSL *s, int v)
{
    SSL_SESSION *ss = tu_make_session(sess_id(v));

    ck_assert_int_eq(SSL_set_session(s, ss), 1);
    SSL_SESSION_free(ss);
    ck_assert_int_eq(SSL_set_session_id_context(s, (const unsigned char *)sid_ctx(v),
                                                (unsigned int)strlen(sid_ctx(v))), 1);
}

static int sid_ctx_is(const unsigned char *p, size_t n, int v)
{
    return n == strlen(sid_ctx(v)) && memcmp(p, sid_ctx(v), n) == 0;
}

static int session_check(const SSL *s, int v)
{
    const unsigned char *p;
    size_t n = minissl_SSL_get0_session_id_context(s, &p);
    unsigned int idlen;
    const unsigned char *id;

    if (SSL_get_session(s) == NULL)
        return 0;
    id = SSL_SESSION_get_id(SSL_get_session(s), &idlen);
    return sid_ctx_is(p, n, v) && idlen == strlen(sess_id(v))
           && memcmp(id, sess_id(v), idlen) == 0;
}

/* ---- 2. tmp_dh ---- */
static EVP_PKEY *dh_key(int v)
{
    if (dh_v[v] == NULL)
        dh_v[v] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    ck_assert_ptr_nonnull(dh_v[v]);
    ck_assert_int_eq(EVP_PKEY_up_ref(dh_v[v]), 1);   /* set0 takes it */
    return dh_v[v];
}

static void tmp_dh_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set0_tmp_dh_pkey(s, dh_key(v)), 1);
    SSL_set_tmp_dh_callback(s, v == 1 ? dh_cb1 : dh_cb2);
    ck_assert_int_eq(SSL_set_dh_auto(s, v == 1), 1);
}

static void tmp_dh_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_set0_tmp_dh_pkey(c, dh_key(v)), 1);
    SSL_CTX_set_tmp_dh_callback(c, v == 1 ? dh_cb1 : dh_cb2);
    ck_assert_int_eq(SSL_CTX_set_dh_auto(c, v == 1), 1);
}

static int tmp_dh_check(const SSL *s, int v)
{
    return minissl_SSL_get0_tmp_dh_pkey(s) == dh_v[v]
           && minissl_SSL_get_tmp_dh_callback(s) == (v == 1 ? dh_cb1 : dh_cb2)
           && minissl_SSL_get_dh_auto(s) == (v == 1);
}

/* ---- 3. certificates, private keys, chains ---- */
static void make_cert_v(int v)
{
    EVP_PKEY *k2;

    if (cert_v[v] != NULL)
        return;
    cert_v[v] = tu_make_cert(v == 1 ? "leaf one" : "leaf two", &key_v[v]);
    chain_v[v] = tu_make_cert(v == 1 ? "ca one" : "ca two", &k2);
    EVP_PKEY_free(k2);
}

static void certs_set(SSL *s, int v)
{
    make_cert_v(v);
    ck_assert_int_eq(SSL_use_certificate(s, cert_v[v]), 1);
    ck_assert_int_eq(SSL_use_PrivateKey(s, key_v[v]), 1);
    ck_assert_int_eq(SSL_clear_chain_certs(s), 1);
    ck_assert_int_eq(SSL_add1_chain_cert(s, chain_v[v]), 1);
}

static void certs_ctx_set(SSL_CTX *c, int v)
{
    make_cert_v(v);
    ck_assert_int_eq(SSL_CTX_use_certificate(c, cert_v[v]), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(c, key_v[v]), 1);
    ck_assert_int_eq(SSL_CTX_clear_chain_certs(c), 1);
    ck_assert_int_eq(SSL_CTX_add1_chain_cert(c, chain_v[v]), 1);
}

static int certs_check(const SSL *s, int v)
{
    STACK_OF(X509) *ch = minissl_SSL_get0_chain(s);

    return SSL_get_certificate(s) == cert_v[v] && SSL_get_privatekey(s) == key_v[v]
           && SSL_check_private_key(s) == 1 && sk_X509_num(ch) == 1
           && sk_X509_value(ch, 0) == chain_v[v];
}

/* ---- 4. signature algorithms, client signature algorithms ---- */
static const char *sigalgs_str(int v) { return v == 1 ? "ECDSA+SHA256:RSA+SHA256" : "ed25519"; }
static const char *csigalgs_str(int v) { return v == 1 ? "rsa_pss_rsae_sha256" : "ECDSA+SHA384:ECDSA+SHA256"; }

static void sigalgs_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set1_sigalgs_list(s, sigalgs_str(v)), 1);
    ck_assert_int_eq(SSL_set1_client_sigalgs_list(s, csigalgs_str(v)), 1);
}

static void sigalgs_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(c, sigalgs_str(v)), 1);
    ck_assert_int_eq(SSL_CTX_set1_client_sigalgs_list(c, csigalgs_str(v)), 1);
}

static int sigalgs_check(const SSL *s, int v)
{
    const uint16_t *a, *b;
    size_t n = minissl_SSL_get0_sigalgs(s, &a);
    size_t m = minissl_SSL_get0_client_sigalgs(s, &b);

    if (v == 1)
        return n == 2 && a[0] == 0x0403 && a[1] == 0x0401 && m == 1 && b[0] == 0x0804;
    return n == 1 && a[0] == 0x0807 && m == 2 && b[0] == 0x0503 && b[1] == 0x0403;
}

/* ---- 5. DANE (the SSL_CTX is DANE-enabled by new_ssl) ---- */
static const unsigned char tlsa_data[32] = {1, 2, 3};

static void dane_set(SSL *s, int v)
{
    if (v == 1) {
        if (!minissl_SSL_dane_enabled(s))
            ck_assert_int_eq(SSL_dane_enable(s, "dane.example"), 1);
        SSL_dane_set_flags(s, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    } else {
        SSL_dane_clear_flags(s, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    }
    ck_assert_int_eq(SSL_dane_tlsa_add(s, 3, 1, 1, tlsa_data, sizeof(tlsa_data)), 1);
}

static int dane_check(const SSL *s, int v)
{
    const char *b = minissl_SSL_get0_dane_basedomain(s);

    return minissl_SSL_dane_enabled(s) && b != NULL && strcmp(b, "dane.example") == 0
           && minissl_SSL_dane_tlsa_count(s) == (size_t)v
           && minissl_SSL_get_dane_flags(s) == (v == 1 ? DANE_FLAG_NO_DANE_EE_NAMECHECKS : 0);
}

/* ---- 6. options ---- */
static void options_set(SSL *s, int v)
{
    SSL_clear_options(s, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_set_options(s, v == 1 ? SSL_OP_NO_TICKET : SSL_OP_CIPHER_SERVER_PREFERENCE);
}

static void options_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_clear_options(c, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_options(c, v == 1 ? SSL_OP_NO_TICKET : SSL_OP_CIPHER_SERVER_PREFERENCE);
}

static int options_check(const SSL *s, int v)
{
    uint64_t o = SSL_get_options(s);

    return (o & (SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE))
           == (v == 1 ? SSL_OP_NO_TICKET : SSL_OP_CIPHER_SERVER_PREFERENCE);
}

/* ---- 7. mode ---- */
#define MODE_BITS (SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE)
static long mode_v(int v) { return v == 1 ? SSL_MODE_RELEASE_BUFFERS : SSL_MODE_ENABLE_PARTIAL_WRITE; }

static void mode_set(SSL *s, int v)
{
    SSL_clear_mode(s, MODE_BITS);
    SSL_set_mode(s, mode_v(v));
}

static void mode_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_clear_mode(c, MODE_BITS);
    SSL_CTX_set_mode(c, mode_v(v));
}

static int mode_check(const SSL *s, int v)
{
    return (SSL_get_mode((SSL *)s) & MODE_BITS) == mode_v(v);
}

/* ---- 8. min / max protocol ---- */
static void proto_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set_min_proto_version(s, v == 1 ? TLS1_2_VERSION : TLS1_3_VERSION), 1);
    ck_assert_int_eq(SSL_set_max_proto_version(s, v == 1 ? TLS1_3_VERSION : 0), 1);
}

static void proto_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_set_min_proto_version(c, v == 1 ? TLS1_2_VERSION : TLS1_3_VERSION), 1);
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(c, v == 1 ? TLS1_3_VERSION : 0), 1);
}

static int proto_check(const SSL *s, int v)
{
    return SSL_get_min_proto_version((SSL *)s) == (v == 1 ? TLS1_2_VERSION : TLS1_3_VERSION)
           && SSL_get_max_proto_version((SSL *)s) == (v == 1 ? TLS1_3_VERSION : 0);
}

/* ---- 9. verify mode, callback, depth, X509 verify parameters ---- */
static int verify_mode_v(int v) { return v == 1 ? SSL_VERIFY_PEER : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT; }
static const char *host_v(int v) { return v == 1 ? "one.example" : "two.example"; }
static unsigned long vflags_v(int v) { return v == 1 ? X509_V_FLAG_PARTIAL_CHAIN : X509_V_FLAG_CRL_CHECK; }

static void verify_set(SSL *s, int v)
{
    X509_VERIFY_PARAM *p = SSL_get0_param(s);

    SSL_set_verify(s, verify_mode_v(v), verify_cb(v));
    SSL_set_verify_depth(s, v == 1 ? 3 : 7);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_host(p, host_v(v), 0), 1);
    X509_VERIFY_PARAM_clear_flags(p, vflags_v(1) | vflags_v(2));
    ck_assert_int_eq(X509_VERIFY_PARAM_set_flags(p, vflags_v(v)), 1);
}

static void verify_ctx_set(SSL_CTX *c, int v)
{
    X509_VERIFY_PARAM *p = SSL_CTX_get0_param(c);

    SSL_CTX_set_verify(c, verify_mode_v(v), verify_cb(v));
    SSL_CTX_set_verify_depth(c, v == 1 ? 3 : 7);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_host(p, host_v(v), 0), 1);
    X509_VERIFY_PARAM_clear_flags(p, vflags_v(1) | vflags_v(2));
    ck_assert_int_eq(X509_VERIFY_PARAM_set_flags(p, vflags_v(v)), 1);
}

static int verify_check(const SSL *s, int v)
{
    X509_VERIFY_PARAM *p = SSL_get0_param((SSL *)s);
    const char *h = X509_VERIFY_PARAM_get0_host(p, 0);

    return SSL_get_verify_mode(s) == verify_mode_v(v)
           && SSL_get_verify_callback(s) == verify_cb(v)
           && SSL_get_verify_depth(s) == (v == 1 ? 3 : 7)
           && h != NULL && strcmp(h, host_v(v)) == 0
           && X509_VERIFY_PARAM_get0_host(p, 1) == NULL
           && (X509_VERIFY_PARAM_get_flags(p) & (vflags_v(1) | vflags_v(2))) == vflags_v(v);
}

/* ---- 10. msg callback and info callback ---- */
static void callbacks_set(SSL *s, int v)
{
    SSL_set_msg_callback(s, v == 1 ? msg_cb1 : msg_cb2);
    ck_assert_int_eq(SSL_set_msg_callback_arg(s, ARG(v)), 1);
    SSL_set_info_callback(s, v == 1 ? info_cb1 : info_cb2);
}

static void callbacks_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_set_msg_callback(c, v == 1 ? msg_cb1 : msg_cb2);
    ck_assert_int_eq(SSL_CTX_set_msg_callback_arg(c, ARG(v)), 1);
    SSL_CTX_set_info_callback(c, v == 1 ? info_cb1 : info_cb2);
}

static int callbacks_check(const SSL *s, int v)
{
    return minissl_SSL_get_msg_callback(s) == (v == 1 ? msg_cb1 : msg_cb2)
           && minissl_SSL_get_msg_callback_arg(s) == ARG(v)
           && SSL_get_info_callback(s) == (v == 1 ? info_cb1 : info_cb2);
}

/* ---- 11. default password callback and userdata ---- */
static void passwd_set(SSL *s, int v)
{
    SSL_set_default_passwd_cb(s, v == 1 ? pw_cb1 : pw_cb2);
    SSL_set_default_passwd_cb_userdata(s, ARG(v));
}

static void passwd_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_set_default_passwd_cb(c, v == 1 ? pw_cb1 : pw_cb2);
    SSL_CTX_set_default_passwd_cb_userdata(c, ARG(v));
}

static int passwd_check(const SSL *s, int v)
{
    return SSL_get_default_passwd_cb((SSL *)s) == (v == 1 ? pw_cb1 : pw_cb2)
           && SSL_get_default_passwd_cb_userdata((SSL *)s) == ARG(v);
}

/* ---- 12. session id generation callback ---- */
static void gen_id_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set_generate_session_id(s, v == 1 ? gen_cb1 : gen_cb2), 1);
}

static void gen_id_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_set_generate_session_id(c, v == 1 ? gen_cb1 : gen_cb2), 1);
}

static int gen_id_check(const SSL *s, int v)
{
    return minissl_SSL_get_generate_session_id(s) == (v == 1 ? gen_cb1 : gen_cb2);
}

/* ---- 13. cipher list (TLS 1.2 list and TLS 1.3 suites) ---- */
static void ciphers_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set_ciphersuites(s, v == 1 ? "TLS_AES_128_GCM_SHA256"
                                                    : "TLS_CHACHA20_POLY1305_SHA256"), 1);
    ck_assert_int_eq(SSL_set_cipher_list(s, v == 1 ? "AES128-SHA:AES256-SHA"
                                                   : "ECDHE-RSA-AES128-GCM-SHA256"), 1);
}

static void ciphers_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(c, v == 1 ? "TLS_AES_128_GCM_SHA256"
                                                        : "TLS_CHACHA20_POLY1305_SHA256"), 1);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(c, v == 1 ? "AES128-SHA:AES256-SHA"
                                                       : "ECDHE-RSA-AES128-GCM-SHA256"), 1);
}

static int str_is(const char *a, const char *b)
{
    return a != NULL && strcmp(a, b) == 0;
}

static int ciphers_check(const SSL *s, int v)
{
    if (v == 1)
        return str_is(SSL_get_cipher_list(s, 0), "TLS_AES_128_GCM_SHA256")
               && str_is(SSL_get_cipher_list(s, 1), "AES128-SHA")
               && str_is(SSL_get_cipher_list(s, 2), "AES256-SHA")
               && SSL_get_cipher_list(s, 3) == NULL;
    return str_is(SSL_get_cipher_list(s, 0), "TLS_CHACHA20_POLY1305_SHA256")
           && str_is(SSL_get_cipher_list(s, 1), "ECDHE-RSA-AES128-GCM-SHA256")
           && SSL_get_cipher_list(s, 2) == NULL;
}

/* ---- 14. initial accept (server) or connect (client) state ---- */
static void role_set(SSL *s, int v)
{
    if (v == 1)
        SSL_set_connect_state(s);
    else
        SSL_set_accept_state(s);
}

static int role_check(const SSL *s, int v)
{
    return SSL_is_server(s) == (v == 2);
}

/* ---- 15. max cert list ---- */
static void max_cert_list_set(SSL *s, int v)
{
    SSL_set_max_cert_list(s, v == 1 ? 4096 : 8192);
}

static void max_cert_list_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_set_max_cert_list(c, v == 1 ? 4096 : 8192);
}

static int max_cert_list_check(const SSL *s, int v)
{
    return SSL_get_max_cert_list((SSL *)s) == (v == 1 ? 4096 : 8192);
}

/* ---- 16. read_ahead ---- */
static void read_ahead_set(SSL *s, int v)
{
    SSL_set_read_ahead(s, v == 1);
}

static void read_ahead_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_set_read_ahead(c, v == 1);
}

static int read_ahead_check(const SSL *s, int v)
{
    return SSL_get_read_ahead(s) == (v == 1);
}

/* ---- 17. application data ---- */
static void app_data_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set_app_data(s, ARG(v)), 1);
}

static int app_data_check(const SSL *s, int v)
{
    return SSL_get_app_data(s) == ARG(v);
}

/* ---- 18. CA list and client CA list ---- */
static void ca_lists_set(SSL *s, int v)
{
    SSL_set0_CA_list(s, tu_name_list(v == 1 ? "CA one" : "CA two"));
    SSL_set_client_CA_list(s, tu_name_list(v == 1 ? "client CA one" : "client CA two"));
}

static void ca_lists_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_set0_CA_list(c, tu_name_list(v == 1 ? "CA one" : "CA two"));
    SSL_CTX_set_client_CA_list(c, tu_name_list(v == 1 ? "client CA one" : "client CA two"));
}

static int ca_lists_check(const SSL *s, int v)
{
    return strcmp(tu_first_cn(SSL_get0_CA_list(s)), v == 1 ? "CA one" : "CA two") == 0
           && strcmp(tu_first_cn(minissl_SSL_get0_own_client_CA_list(s)),
                     v == 1 ? "client CA one" : "client CA two") == 0;
}

/* ---- 19. security level and callback ---- */
static void security_set(SSL *s, int v)
{
    SSL_set_security_level(s, v == 1 ? 3 : 0);
    SSL_set_security_callback(s, v == 1 ? sec_cb1 : sec_cb2);
    SSL_set0_security_ex_data(s, ARG(v));
}

static void security_ctx_set(SSL_CTX *c, int v)
{
    SSL_CTX_set_security_level(c, v == 1 ? 3 : 0);
    SSL_CTX_set_security_callback(c, v == 1 ? sec_cb1 : sec_cb2);
    SSL_CTX_set0_security_ex_data(c, ARG(v));
}

static int security_check(const SSL *s, int v)
{
    return SSL_get_security_level(s) == (v == 1 ? 3 : 0)
           && SSL_get_security_callback(s) == (v == 1 ? sec_cb1 : sec_cb2)
           && SSL_get0_security_ex_data(s) == ARG(v);
}

/* ---- 20. serverinfo ---- */
static const unsigned char si1[] = {0x12, 0x34, 0x00, 0x02, 0xaa, 0xbb};
static const unsigned char si2[] = {0x56, 0x78, 0x00, 0x01, 0xcc};

static void serverinfo_set(SSL *s, int v)
{
    ck_assert_int_eq(minissl_SSL_use_serverinfo(s, v == 1 ? si1 : si2,
                                                v == 1 ? sizeof(si1) : sizeof(si2)), 1);
}

static void serverinfo_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_use_serverinfo(c, v == 1 ? si1 : si2,
                                            v == 1 ? sizeof(si1) : sizeof(si2)), 1);
}

static int serverinfo_check(const SSL *s, int v)
{
    const unsigned char *p;
    size_t n = minissl_SSL_get0_serverinfo(s, &p);

    return v == 1 ? n == sizeof(si1) && memcmp(p, si1, n) == 0
                  : n == sizeof(si2) && memcmp(p, si2, n) == 0;
}

/* ---- 21. PSK identity hint ---- */
static void psk_hint_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_use_psk_identity_hint(s, v == 1 ? "hint one" : "hint two"), 1);
}

static void psk_hint_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_use_psk_identity_hint(c, v == 1 ? "hint one" : "hint two"), 1);
}

static int psk_hint_check(const SSL *s, int v)
{
    return str_is(minissl_SSL_get0_psk_identity_hint(s), v == 1 ? "hint one" : "hint two");
}

/* ---- 22. custom extensions ---- */
static void custom_ext_set(SSL *s, int v)
{
    if (minissl_SSL_has_custom_ext(s, v == 1 ? 1000 : 1001, NULL))
        return;
    ck_assert_int_eq(minissl_SSL_add_custom_ext(s, v == 1 ? 1000 : 1001,
                                                SSL_EXT_CLIENT_HELLO, ext_add, NULL,
                                                ARG(v), ext_parse, NULL), 1);
}

static void custom_ext_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_add_custom_ext(c, v == 1 ? 1000 : 1001, SSL_EXT_CLIENT_HELLO,
                                            ext_add, NULL, ARG(v), ext_parse, NULL), 1);
}

static int custom_ext_check(const SSL *s, int v)
{
    void *arg = NULL;

    if (v == 1)
        return minissl_SSL_custom_ext_count(s) == 1
               && minissl_SSL_has_custom_ext(s, 1000, &arg) && arg == ARG(1);
    return minissl_SSL_has_custom_ext(s, 1001, &arg) && arg == ARG(2);
}

/* ---- 23. client certificate types ---- */
static const unsigned char ctypes1[] = {1, 64};
static const unsigned char ctypes2[] = {2};

static void cert_types_set(SSL *s, int v)
{
    ck_assert_int_eq(SSL_set1_client_certificate_types(s, v == 1 ? ctypes1 : ctypes2,
                                                       v == 1 ? 2 : 1), 1);
}

static void cert_types_ctx_set(SSL_CTX *c, int v)
{
    ck_assert_int_eq(SSL_CTX_set1_client_certificate_types(c, v == 1 ? ctypes1 : ctypes2,
                                                           v == 1 ? 2 : 1), 1);
}

static int cert_types_check(const SSL *s, int v)
{
    const unsigned char *p;
    size_t n = minissl_SSL_get0_client_cert_types(s, &p);

    return v == 1 ? n == 2 && memcmp(p, ctypes1, 2) == 0
                  : n == 1 && p[0] == 2;
}

#define ITEM(n, ctxset) {#n, n##_set, ctxset, n##_check}

static const struct item items[] = {
    ITEM(session, NULL),
    ITEM(tmp_dh, tmp_dh_ctx_set),
    ITEM(certs, certs_ctx_set),
    ITEM(sigalgs, sigalgs_ctx_set),
    ITEM(dane, NULL),
    ITEM(options, options_ctx_set),
    ITEM(mode, mode_ctx_set),
    ITEM(proto, proto_ctx_set),
    ITEM(verify, verify_ctx_set),
    ITEM(callbacks, callbacks_ctx_set),
    ITEM(passwd, passwd_ctx_set),
    ITEM(gen_id, gen_id_ctx_set),
    ITEM(ciphers, ciphers_ctx_set),
    ITEM(role, NULL),
    ITEM(max_cert_list, max_cert_list_ctx_set),
    ITEM(read_ahead, read_ahead_ctx_set),
    ITEM(app_data, NULL),
    ITEM(ca_lists, ca_lists_ctx_set),
    ITEM(security, security_ctx_set),
    ITEM(serverinfo, serverinfo_ctx_set),
    ITEM(psk_hint, psk_hint_ctx_set),
    ITEM(custom_ext, custom_ext_ctx_set),
    ITEM(cert_types, cert_types_ctx_set),
};

#define NITEMS ((int)(sizeof(items) / sizeof(items[0])))

/* An SSL from a DANE-enabled SSL_CTX whose verify parameters differ from
 * every item's values (so that "the SSL's value wins" is observable);
 * the SSL holds the only reference to its SSL_CTX. */
static inline SSL *new_ssl(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s;

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(SSL_CTX_dane_enable(ctx), 1);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ctx), "ctx.example", 0), 1);
    SSL_CTX_set_verify_depth(ctx, 11);
    ck_assert_ptr_nonnull(s = SSL_new(ctx));
    SSL_CTX_free(ctx);
    return s;
}

/* Releases the per-variant objects the items made (the test's own
 * references; SSLs hold theirs). */
static inline void items_reset(void)
{
    int v;

    for (v = 1; v <= 2; v++) {
        X509_free(cert_v[v]);
        X509_free(chain_v[v]);
        EVP_PKEY_free(key_v[v]);
        EVP_PKEY_free(dh_v[v]);
        cert_v[v] = chain_v[v] = NULL;
        key_v[v] = dh_v[v] = NULL;
    }
}

/* Every item set to variant 1 on |s|. */
static inline void set_all(SSL *s)
{
    int i;

    for (i = 0; i < NITEMS; i++)
        items[i].set(s, 1);
}

#endif
