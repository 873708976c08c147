/* Two values of every row of the SSL_dup table (stress/dupitems.h), set
 * through OpenSSL's public API (and, where OpenSSL sets a thing on an
 * SSL_CTX only, minissl's per-SSL setter), for the two programs that
 * check the table: tests/stress/test_dupitems.c (each getter tells the two
 * values apart) and tests/openssl/dupfindings.c (variant 1 on an SSL,
 * SSL_dup, variant 2 on the original: which one the copy shows).  Static
 * data and functions only, so that each program has its own copy; plain C
 * without Check, so that it builds against the system OpenSSL too.
 *
 * dv_set(id, s, v) sets variant v (1 or 2) of row |id| on |s|: variant 2
 * on an SSL that holds variant 1 changes it, on a fresh SSL it is the
 * second value.  Returns 1 done, 0 failed (reason on the error stack),
 * -1 not on this SSL: the row has no per-SSL setter here (its value comes
 * from the SSL_CTX: dv_ctx_set) or cannot change once set (DANE's base
 * domain); -2 the table has no such row here (the ex_data rows are the
 * harness's own `ex_data` value, the ctx row and the ST_DUP_OWN rows have
 * no value to set).  dv_init() makes the material (1, or 0 on failure),
 * dv_cleanup() frees it. */
#ifndef TESTS_DUPVARIANTS_H
#define TESTS_DUPVARIANTS_H

#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#ifdef MINISSL_VERSION_TEXT
#include <minissl/inspect.h>
#endif

/* ---- material ------------------------------------------------------------ */

/* Index 0: the SSL_CTX's (or the fixed) value; 1 and 2: the variants. */
static EVP_PKEY *dv_key[3];
static X509 *dv_cert[3];
static X509_NAME *dv_name[3];
static SSL_SESSION *dv_sess[3];

static X509 *dv_make_cert(EVP_PKEY *key, const char *cn)
{
    X509 *x = X509_new();

    if (x == NULL)
        return NULL;
    if (!ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
        X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 86400L) == NULL ||
        !X509_set_pubkey(x, key) ||
        !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
                                    MBSTRING_ASC, (const unsigned char *)cn,
                                    -1, -1, 0) ||
        !X509_set_issuer_name(x, X509_get_subject_name(x)) ||
        !X509_sign(x, key, EVP_sha256())) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* A TLS 1.2 handshake over memory BIOs with a server using dv_cert[0];
 * the client's session (peer certificate, id, resumable), or NULL. */
static SSL_SESSION *dv_handshake_session(void)
{
    SSL_CTX *sc = SSL_CTX_new(TLS_server_method());
    SSL_CTX *cc = SSL_CTX_new(TLS_client_method());
    SSL *c = NULL, *s = NULL;
    BIO *a = NULL, *b = NULL;
    SSL_SESSION *sess = NULL;
    int rc = 0, rs = 0;

    if (sc == NULL || cc == NULL ||
        SSL_CTX_use_certificate(sc, dv_cert[0]) != 1 ||
        SSL_CTX_use_PrivateKey(sc, dv_key[0]) != 1 ||
        !SSL_CTX_set_max_proto_version(cc, TLS1_2_VERSION) ||
        (c = SSL_new(cc)) == NULL || (s = SSL_new(sc)) == NULL ||
        (a = BIO_new(BIO_s_mem())) == NULL ||
        (b = BIO_new(BIO_s_mem())) == NULL || !BIO_up_ref(a) ||
        !BIO_up_ref(b)) {
        BIO_free(a);
        BIO_free(b);
        goto out;
    }
    SSL_set_bio(c, a, b);
    SSL_set_bio(s, b, a);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    for (int i = 0; i < 16 && !(rc == 1 && rs == 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(c);
        if (rs != 1)
            rs = SSL_do_handshake(s);
    }
    if (rc == 1 && rs == 1)
        sess = SSL_get1_session(c);
    /* A clean close: SSL_free of an SSL that sent no close_notify
     * removes its session from the cache and marks it not resumable. */
    if (c != NULL)
        (void)SSL_shutdown(c);
 out:
    ERR_clear_error();
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
    return sess;
}

static int dv_init(void)
{
    static const char *cn[3] = { "dupvariants-0", "dupvariants-one",
                                 "dupvariants-two" };

    for (int v = 0; v < 3; v++)
        if ((dv_key[v] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL
            || (dv_cert[v] = dv_make_cert(dv_key[v], cn[v])) == NULL
            || (dv_name[v] = X509_NAME_dup(X509_get_subject_name(dv_cert[v])))
               == NULL)
            return 0;
    /* Variant 1: a session from a handshake (a peer, an id, resumable);
     * variant 2: a bare one with another id context, time, timeout and
     * protocol, no id (not resumable) and no peer; 0: a bare one with an
     * id, for "with a session set" runs. */
    if ((dv_sess[1] = dv_handshake_session()) == NULL ||
        (dv_sess[2] = SSL_SESSION_new()) == NULL ||
        !SSL_SESSION_set1_id_context(dv_sess[2], (const unsigned char *)"two",
                                     3) ||
        !SSL_SESSION_set_time(dv_sess[2], 1000) ||
        !SSL_SESSION_set_timeout(dv_sess[2], 100) ||
        !SSL_SESSION_set_protocol_version(dv_sess[2], TLS1_1_VERSION) ||
        (dv_sess[0] = SSL_SESSION_new()) == NULL ||
        !SSL_SESSION_set1_id(dv_sess[0], (const unsigned char *)"dv-mode", 7))
        return 0;
    return 1;
}

static void dv_cleanup(void)
{
    for (int v = 0; v < 3; v++) {
        EVP_PKEY_free(dv_key[v]);
        X509_free(dv_cert[v]);
        X509_NAME_free(dv_name[v]);
        SSL_SESSION_free(dv_sess[v]);
        dv_key[v] = NULL;
        dv_cert[v] = NULL;
        dv_name[v] = NULL;
        dv_sess[v] = NULL;
    }
}

/* ---- callbacks and markers, one per variant ------------------------------- */
/* The two callbacks of a pair differ in their bodies, so that no compiler
 * folds them into one function (one address). */

static int dv_marker[3];
#define DV_ARG(v) ((void *)&dv_marker[v])
/* Calls of the msg callbacks and session id callbacks by variant (the
 * findings program counts them in a first flight or a handshake). */
static int dv_msg_hits[3], dv_gen_hits[3];

static int dv_verify_cb1(int ok, X509_STORE_CTX *c) { (void)c; return ok; }
static int dv_verify_cb2(int ok, X509_STORE_CTX *c) { (void)c; return !ok; }
static void dv_info_cb1(const SSL *s, int w, int r) { (void)s; (void)w; (void)r; }
static void dv_info_cb2(const SSL *s, int w, int r) { (void)s; (void)w; (void)r; dv_marker[0]++; }

static void dv_msg_cb1(int w, int ver, int ct, const void *b, size_t l,
                       SSL *s, void *a)
{
    (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s; (void)a;
    dv_msg_hits[1]++;
}

static void dv_msg_cb2(int w, int ver, int ct, const void *b, size_t l,
                       SSL *s, void *a)
{
    (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s; (void)a;
    dv_msg_hits[2]++;
}

static int dv_pw_cb1(char *b, int n, int rw, void *u) { (void)b; (void)n; (void)rw; (void)u; return 0; }
static int dv_pw_cb2(char *b, int n, int rw, void *u) { (void)b; (void)n; (void)rw; (void)u; return -1; }

static int dv_sec_cb1(const SSL *s, const SSL_CTX *c, int op, int bits,
                      int nid, void *o, void *ex)
{ (void)s; (void)c; (void)op; (void)bits; (void)nid; (void)o; (void)ex; return 1; }
static int dv_sec_cb2(const SSL *s, const SSL_CTX *c, int op, int bits,
                      int nid, void *o, void *ex)
{ (void)s; (void)c; (void)op; (void)bits; (void)nid; (void)o; (void)ex; dv_marker[0]++; return 1; }

static int dv_gen_cb1(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    memset(id, 1, *len);
    dv_gen_hits[1]++;
    return 1;
}

static int dv_gen_cb2(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    memset(id, 2, *len);
    dv_gen_hits[2]++;
    return 1;
}

#ifdef MINISSL_VERSION_TEXT
static DH *dv_dh_cb1(SSL *s, int e, int k) { (void)s; (void)e; (void)k; return NULL; }
static DH *dv_dh_cb2(SSL *s, int e, int k) { (void)s; (void)e; (void)k; dv_marker[0]++; return NULL; }
#endif

/* Custom extensions: the add callback records which types an SSL's
 * first flight asks for. */
#define DV_EXT_A 0x7e01   /* not 0xff01: that is renegotiation_info */
#define DV_EXT_B 0x7e02
static int dv_ext_seen_a, dv_ext_seen_b;

static int dv_ext_add(SSL *s, unsigned int type, unsigned int context,
                      const unsigned char **out, size_t *outlen, X509 *x,
                      size_t chainidx, int *al, void *arg)
{
    (void)s; (void)context; (void)x; (void)chainidx; (void)al; (void)arg;
    if (type == DV_EXT_A)
        dv_ext_seen_a = 1;
    if (type == DV_EXT_B)
        dv_ext_seen_b = 1;
    *out = NULL;
    *outlen = 0;
    return 0;   /* do not send it: being asked is the observation */
}

static int dv_ext_parse(SSL *s, unsigned int type, unsigned int context,
                        const unsigned char *in, size_t inlen, X509 *x,
                        size_t chainidx, int *al, void *arg)
{
    (void)s; (void)type; (void)context; (void)in; (void)inlen; (void)x;
    (void)chainidx; (void)al; (void)arg;
    return 1;
}

/* serverinfo of variant v: one extension of type DV_SINFO_TYPE + v whose
 * one byte is v (OpenSSL registers each type once per SSL_CTX). */
#define DV_SINFO_TYPE 0x7e10
static void dv_sinfo(int v, unsigned char info[5])
{
    info[0] = (DV_SINFO_TYPE + v) >> 8;
    info[1] = (DV_SINFO_TYPE + v) & 0xff;
    info[2] = 0;
    info[3] = 1;
    info[4] = (unsigned char)v;
}

static STACK_OF(X509_NAME) *dv_names(int v)
{
    STACK_OF(X509_NAME) *sk = sk_X509_NAME_new_null();
    X509_NAME *n = X509_NAME_dup(dv_name[v]);

    if (sk == NULL || n == NULL || !sk_X509_NAME_push(sk, n)) {
        X509_NAME_free(n);
        sk_X509_NAME_pop_free(sk, X509_NAME_free);
        return NULL;
    }
    return sk;
}

/* tmp_dh: real DH parameters on OpenSSL (a TLS 1.2 DHE client sees their
 * size); minissl's stand-in keys carry no DH, so a key of the material. */
static EVP_PKEY *dv_dh(int v)
{
#ifdef MINISSL_VERSION_TEXT
    return EVP_PKEY_up_ref(dv_key[v]) ? dv_key[v] : NULL;
#else
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *pk = NULL;

    if (pc == NULL || EVP_PKEY_paramgen_init(pc) <= 0 ||
        EVP_PKEY_CTX_set_group_name(pc, v == 1 ? "ffdhe3072"
                                               : "ffdhe4096") <= 0 ||
        EVP_PKEY_paramgen(pc, &pk) <= 0)
        pk = NULL;
    EVP_PKEY_CTX_free(pc);
    return pk;
#endif
}

/* ---- the variants, by row id ------------------------------------------------- */

#define DV_OPT1 SSL_OP_CIPHER_SERVER_PREFERENCE
#define DV_OPT2 SSL_OP_NO_RENEGOTIATION
#define DV_MODE1 SSL_MODE_ENABLE_PARTIAL_WRITE
#define DV_MODE2 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
#define DV_VF1 X509_V_FLAG_PARTIAL_CHAIN
#define DV_VF2 X509_V_FLAG_X509_STRICT
#define DV_C1 "ECDHE-ECDSA-AES128-GCM-SHA256"
#define DV_C2 "ECDHE-ECDSA-AES256-GCM-SHA384"
#define DV_S1 "TLS_AES_128_GCM_SHA256"
#define DV_S2 "TLS_AES_256_GCM_SHA384"

static int dv_is(const char *id, const char *name)
{
    return strcmp(id, name) == 0;
}

static int dv_set_chain(SSL *s, int v)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    int ok;

    if (sk == NULL || !sk_X509_push(sk, dv_cert[v])) {
        sk_X509_free(sk);
        return 0;
    }
    ok = (int)SSL_set1_chain(s, sk);
    sk_X509_free(sk);
    return ok;
}

/* DANE rows need a DANE-enabled SSL_CTX (dv_ctx_set). */
static int dv_dane_enable(SSL *s, const char *domain)
{
    if (SSL_dane_enable(s, domain) > 0)
        return 1;
    ERR_clear_error();          /* already enabled */
    return 0;
}

static int dv_set_param(const char *id, SSL *s, int v)
{
    X509_VERIFY_PARAM *p = SSL_get0_param(s);

    if (dv_is(id, "param.flags")) {
        X509_VERIFY_PARAM_clear_flags(p, DV_VF1 | DV_VF2);
        return X509_VERIFY_PARAM_set_flags(p, v == 1 ? DV_VF1 : DV_VF2);
    }
    if (dv_is(id, "param.hostflags")) {
        SSL_set_hostflags(s, v == 1 ? X509_CHECK_FLAG_NO_WILDCARDS
                                    : X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
        return 1;
    }
    if (dv_is(id, "param.hosts"))       /* the second host shows "every" */
        return SSL_set1_host(s, v == 1 ? "one.example" : "two.example") &&
               (v == 1 || SSL_add1_host(s, "two-b.example"));
    if (dv_is(id, "param.auth_level")) {
        X509_VERIFY_PARAM_set_auth_level(p, v == 1 ? 2 : 3);
        return 1;
    }
    if (dv_is(id, "param.purpose"))     /* variant 1 fails a verification */
        return X509_VERIFY_PARAM_set_purpose(p, v == 1
                                             ? X509_PURPOSE_TIMESTAMP_SIGN
                                             : X509_PURPOSE_SSL_SERVER);
    if (dv_is(id, "param.trust"))
        return X509_VERIFY_PARAM_set_trust(p, v == 1 ? X509_TRUST_SSL_CLIENT
                                                     : X509_TRUST_EMAIL);
    if (dv_is(id, "param.time")) {
        X509_VERIFY_PARAM_set_time(p, v == 1 ? 1000000 : 2000000);
        return 1;
    }
    if (dv_is(id, "param.email"))
        return X509_VERIFY_PARAM_set1_email(p, v == 1 ? "one@dv.example"
                                                      : "two@dv.example", 0);
    if (dv_is(id, "param.ip"))
        return X509_VERIFY_PARAM_set1_ip_asc(p, v == 1 ? "192.0.2.1"
                                                       : "2001:db8::2");
    return -2;
}

static int dv_set(const char *id, SSL *s, int v)
{
    if (strncmp(id, "param.", 6) == 0 && !dv_is(id, "param.own"))
        return dv_set_param(id, s, v);
    if (strncmp(id, "session", 7) == 0)
        return SSL_set_session(s, dv_sess[v]);
    if (dv_is(id, "sid_ctx"))
        return SSL_set_session_id_context(s, (const unsigned char *)
                                          (v == 1 ? "sid-one" : "sid-two"), 7);
    if (dv_is(id, "tmp_dh.key")) {
        EVP_PKEY *pk = dv_dh(v);

        if (pk == NULL)
            return 0;
        if (!SSL_set0_tmp_dh_pkey(s, pk)) {
            EVP_PKEY_free(pk);
            return 0;
        }
        return 1;
    }
    if (dv_is(id, "tmp_dh.auto"))
        return (int)SSL_set_dh_auto(s, v == 1);
    if (dv_is(id, "cert") || dv_is(id, "key"))
        return SSL_use_certificate(s, dv_cert[v]) == 1 &&
               SSL_use_PrivateKey(s, dv_key[v]) == 1;
    if (dv_is(id, "chain"))
        return dv_set_chain(s, v);
    /* The first entry differs from the default's (ECDSA+SHA256), so that
     * an observer of the first entry tells variant 1 from the default. */
    if (dv_is(id, "sigalgs"))
        return (int)SSL_set1_sigalgs_list(s, v == 1 ? "RSA+SHA256:ECDSA+SHA256"
                                                    : "ECDSA+SHA384:RSA+SHA384");
    if (dv_is(id, "client_sigalgs"))
        return (int)SSL_set1_client_sigalgs_list(s, v == 1 ? "RSA+SHA256"
                                                           : "ECDSA+SHA384");
    if (dv_is(id, "dane.enabled"))      /* variant 2: not enabled */
        return v == 1 ? dv_dane_enable(s, "dane-one.example") : 1;
    if (dv_is(id, "dane.basedomain"))
        return dv_dane_enable(s, v == 1 ? "dane-one.example"
                                        : "dane-two.example") ? 1 : -1;
    if (dv_is(id, "dane.tlsa")) {       /* v records */
        static const unsigned char digest[32] = { 1 };
        int fresh = dv_dane_enable(s, "dane-tlsa.example");

        for (int i = 0; i < (v == 2 && fresh ? 2 : 1); i++)
            if (SSL_dane_tlsa_add(s, 3, 1, 1, digest, sizeof(digest)) <= 0)
                return 0;
        return 1;
    }
    if (dv_is(id, "dane.flags")) {
        if (v == 1)
            SSL_dane_set_flags(s, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
        else
            SSL_dane_clear_flags(s, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
        return 1;
    }
    if (dv_is(id, "options")) {
        SSL_clear_options(s, DV_OPT1 | DV_OPT2);
        SSL_set_options(s, v == 1 ? DV_OPT1 : DV_OPT2);
        return 1;
    }
    if (dv_is(id, "mode")) {
        SSL_clear_mode(s, DV_MODE1 | DV_MODE2);
        SSL_set_mode(s, v == 1 ? DV_MODE1 : DV_MODE2);
        return 1;
    }
    if (dv_is(id, "proto.min"))
        return (int)SSL_set_min_proto_version(s, v == 1 ? TLS1_1_VERSION
                                                        : TLS1_2_VERSION);
    if (dv_is(id, "proto.max"))
        return (int)SSL_set_max_proto_version(s, v == 1 ? TLS1_1_VERSION
                                                        : TLS1_2_VERSION);
    if (dv_is(id, "verify.mode")) {
        SSL_set_verify(s, v == 1 ? SSL_VERIFY_PEER
                       : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       SSL_get_verify_callback(s));
        return 1;
    }
    if (dv_is(id, "verify.callback")) {
        SSL_set_verify(s, SSL_get_verify_mode(s),
                       v == 1 ? dv_verify_cb1 : dv_verify_cb2);
        return 1;
    }
    if (dv_is(id, "verify.depth")) {
        SSL_set_verify_depth(s, v == 1 ? 3 : 7);
        return 1;
    }
    if (dv_is(id, "msg_callback")) {
        SSL_set_msg_callback(s, v == 1 ? dv_msg_cb1 : dv_msg_cb2);
        return 1;
    }
    if (dv_is(id, "msg_callback.arg"))
        return (int)SSL_set_msg_callback_arg(s, DV_ARG(v));
    if (dv_is(id, "info_callback")) {
        SSL_set_info_callback(s, v == 1 ? dv_info_cb1 : dv_info_cb2);
        return 1;
    }
    if (dv_is(id, "passwd.callback")) {
        SSL_set_default_passwd_cb(s, v == 1 ? dv_pw_cb1 : dv_pw_cb2);
        return 1;
    }
    if (dv_is(id, "passwd.userdata")) {
        SSL_set_default_passwd_cb_userdata(s, DV_ARG(v));
        return 1;
    }
    if (dv_is(id, "gen_session_id"))
        return SSL_set_generate_session_id(s, v == 1 ? dv_gen_cb1
                                                     : dv_gen_cb2);
    if (dv_is(id, "ciphers"))
        return SSL_set_cipher_list(s, v == 1 ? DV_C1 : DV_C2);
    if (dv_is(id, "ciphersuites"))
        return SSL_set_ciphersuites(s, v == 1 ? DV_S1 : DV_S2);
    if (dv_is(id, "role.server")) {
        if (v == 1)
            SSL_set_connect_state(s);
        else
            SSL_set_accept_state(s);
        return 1;
    }
    if (dv_is(id, "method"))            /* the role stays (SSL_new's) */
        return SSL_set_ssl_method(s, v == 1 ? TLS_client_method()
                                            : TLS_server_method());
    if (dv_is(id, "role.chosen")) {     /* variant 2: none chosen */
        if (v == 1)
            SSL_set_connect_state(s);
        return 1;
    }
    if (dv_is(id, "max_cert_list")) {
        SSL_set_max_cert_list(s, v == 1 ? 10000 : 20000);
        return 1;
    }
    if (dv_is(id, "read_ahead")) {
        SSL_set_read_ahead(s, v == 1);
        return 1;
    }
    if (dv_is(id, "app_data"))
        return SSL_set_app_data(s, DV_ARG(v));
    if (dv_is(id, "ca_list") || dv_is(id, "client_ca_list") ||
        dv_is(id, "client_ca_list.own")) {
        STACK_OF(X509_NAME) *sk = dv_names(v);

        if (sk == NULL)
            return 0;
        if (dv_is(id, "ca_list")) {
            SSL_set0_CA_list(s, sk);
            return 1;
        }
        /* SSL_get_client_CA_list shows a client its peer's list. */
        if (dv_is(id, "client_ca_list"))
            SSL_set_accept_state(s);
        SSL_set_client_CA_list(s, sk);
        return 1;
    }
    if (dv_is(id, "security.level")) {      /* the default: 1, Debian's 2 */
        SSL_set_security_level(s, v == 1 ? 0 : 3);
        return 1;
    }
    if (dv_is(id, "security.callback")) {
        SSL_set_security_callback(s, v == 1 ? dv_sec_cb1 : dv_sec_cb2);
        return 1;
    }
    if (dv_is(id, "security.ex_data")) {
        SSL_set0_security_ex_data(s, DV_ARG(v));
        return 1;
    }
    if (dv_is(id, "psk_hint"))
        return SSL_use_psk_identity_hint(s, v == 1 ? "hint-one" : "hint-two");
    if (dv_is(id, "client_cert_types")) {
        const unsigned char t = v == 1 ? 64 : 1;   /* ecdsa_sign, rsa_sign */

        return (int)SSL_set1_client_certificate_types(s, &t, 1);
    }
#ifdef MINISSL_VERSION_TEXT
    if (dv_is(id, "tmp_dh.callback")) {  /* deprecated in OpenSSL 3.0 */
        SSL_set_tmp_dh_callback(s, v == 1 ? dv_dh_cb1 : dv_dh_cb2);
        return 1;
    }
    if (dv_is(id, "serverinfo")) {
        unsigned char info[5];

        dv_sinfo(v, info);
        return minissl_SSL_use_serverinfo(s, info, sizeof(info));
    }
    if (dv_is(id, "custom_ext"))
        return minissl_SSL_add_custom_ext(s, v == 1 ? DV_EXT_A : DV_EXT_B,
                                          SSL_EXT_CLIENT_HELLO, dv_ext_add,
                                          NULL, NULL, dv_ext_parse, NULL);
#else
    if (dv_is(id, "tmp_dh.callback") || dv_is(id, "serverinfo") ||
        dv_is(id, "custom_ext"))
        return -1;
#endif
    return -2;
}

/* The rows whose SSL_CTX may hold a value of its own (variant 0) that an
 * SSL_new takes and a copy must not keep instead of the original's: the
 * verify parameters and the CA lists.  1 set, 0 failed, -1 none. */
static int dv_ctx_own(const char *id, SSL_CTX *ctx)
{
    X509_VERIFY_PARAM *p = SSL_CTX_get0_param(ctx);

    if (dv_is(id, "param.flags"))
        return X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_NO_ALT_CHAINS);
    if (dv_is(id, "param.hostflags")) {
        X509_VERIFY_PARAM_set_hostflags(p, X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS);
        return 1;
    }
    if (dv_is(id, "param.hosts"))
        return X509_VERIFY_PARAM_set1_host(p, "ctx.example", 0);
    if (dv_is(id, "param.auth_level")) {
        X509_VERIFY_PARAM_set_auth_level(p, 1);
        return 1;
    }
    if (dv_is(id, "param.purpose"))
        return X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_ANY);
    if (dv_is(id, "param.trust"))
        return X509_VERIFY_PARAM_set_trust(p, X509_TRUST_COMPAT);
    if (dv_is(id, "param.time")) {
        X509_VERIFY_PARAM_set_time(p, 500000);
        return 1;
    }
    if (dv_is(id, "param.email"))
        return X509_VERIFY_PARAM_set1_email(p, "ctx@dv.example", 0);
    if (dv_is(id, "param.ip"))
        return X509_VERIFY_PARAM_set1_ip_asc(p, "198.51.100.1");
    if (dv_is(id, "verify.depth")) {
        SSL_CTX_set_verify_depth(ctx, 11);
        return 1;
    }
    if (dv_is(id, "ca_list") || dv_is(id, "client_ca_list")) {
        STACK_OF(X509_NAME) *sk = dv_names(0);

        if (sk == NULL)
            return 0;
        if (dv_is(id, "ca_list"))
            SSL_CTX_set0_CA_list(ctx, sk);
        else
            SSL_CTX_set_client_CA_list(ctx, sk);
        return 1;
    }
    return -1;
}

/* What an SSL_CTX needs before SSL_new for row |id|: DANE enabled for the
 * DANE rows; for the rows OpenSSL sets per SSL_CTX only (serverinfo,
 * custom extensions), variant v there (minissl sets them per SSL); v 0:
 * the SSL_CTX's own value (dv_ctx_own).  1 done, 0 failed, -1 nothing. */
static int dv_ctx_set(const char *id, SSL_CTX *ctx, int v)
{
    if (v == 0)
        return dv_ctx_own(id, ctx);
    if (strncmp(id, "dane.", 5) == 0)
        return SSL_CTX_dane_enable(ctx) > 0;
#ifdef MINISSL_VERSION_TEXT
    (void)v;
    return -1;
#else
    if (dv_is(id, "serverinfo")) {
        unsigned char info[5];

        dv_sinfo(v, info);
        return SSL_CTX_use_serverinfo(ctx, info, sizeof(info));
    }
    if (dv_is(id, "custom_ext"))
        return SSL_CTX_add_custom_ext(ctx, v == 1 ? DV_EXT_A : DV_EXT_B,
                                      SSL_EXT_CLIENT_HELLO, dv_ext_add, NULL,
                                      NULL, dv_ext_parse, NULL);
    return -1;
#endif
}

#endif
