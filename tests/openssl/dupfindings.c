/* dupfindings: what SSL_dup does with each of the 23 settings its manual
 * page (SSL_new.pod) says it duplicates, observed through the public API
 * only, so it compiles unchanged against the system OpenSSL 3 and against
 * minissl (-Ilib/include + libminissl.a).  scripts/openssl-findings.sh
 * builds and runs it and writes doc/openssl-findings.md from its output.
 *
 * Method, per item and per mode (without / with a session set on the
 * original before the dup):
 *   1. a fresh SSL_CTX (ctx-level baseline where the item has one) and
 *      s = SSL_new(ctx); in mode "session", SSL_set_session(s, sess);
 *   2. set variant 1 on s; d = SSL_dup(s);
 *   3. set variant 2 on s (a change to the original after the dup);
 *   4. observe d once: variant 1 -> COPIED, variant 2 -> SHARED (the
 *      change to s shows in d), the SSL_CTX's value -> "ctx's value",
 *      nothing -> DROPPED.
 * OpenSSL keeps many settings write-only (or its getter returns the peer's
 * value), so some observations use the setting: d's first handshake flight
 * (a ClientHello into a memory BIO, no peer) shows the msg callback, custom
 * extensions and signature algorithms; a TLS 1.2 handshake with d as the
 * server shows, to its client, DH parameters, the session id callback, the
 * PSK identity hint, client certificate types and signature algorithms, and
 * serverinfo.  What stays out of reach says "not observable" rather than
 * guess.
 *
 * Output: one line per row, tab-separated:
 *   ROW <item#> <item> <aspect> <without session> <with session>
 * plus INFO lines (library version, the ex_data finding).  Exit 0, or 1 if
 * the material could not be made. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* ---- test material ------------------------------------------------------- */

static EVP_PKEY *key_v[3];
static X509 *cert_v[3];
static SSL_SESSION *sess_v[3], *mode_sess;
static X509_NAME *name_v[3];

static X509 *make_cert(EVP_PKEY *key, const char *cn)
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

static SSL_SESSION *make_session(const char *id)
{
    SSL_SESSION *s = SSL_SESSION_new();

    if (s == NULL)
        return NULL;
    if (!SSL_SESSION_set1_id(s, (const unsigned char *)id,
                             (unsigned int)strlen(id))) {
        SSL_SESSION_free(s);
        return NULL;
    }
    return s;
}

static int make_material(void)
{
    static const char *cn[3] = { "dupfindings-0", "dupfindings-one",
                                 "dupfindings-two" };

    for (int v = 0; v < 3; v++) {
        if ((key_v[v] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL
            || (cert_v[v] = make_cert(key_v[v], cn[v])) == NULL
            || (name_v[v] = X509_NAME_dup(X509_get_subject_name(cert_v[v])))
               == NULL
            || (sess_v[v] = make_session(cn[v])) == NULL)
            return 0;
    }
    mode_sess = make_session("dupfindings-mode");
    return mode_sess != NULL;
}

/* ---- callbacks, one per variant ------------------------------------------ */

static int cb_hits[3];   /* msg / info callback calls by variant */

static int verify_cb1(int ok, X509_STORE_CTX *c) { (void)c; return ok; }
static int verify_cb2(int ok, X509_STORE_CTX *c) { (void)c; return !ok; }
static SSL_verify_cb verify_cb(int v) { return v == 1 ? verify_cb1 : verify_cb2; }

static void info_cb1(const SSL *s, int w, int r) { (void)s; (void)w; (void)r; }
static void info_cb2(const SSL *s, int w, int r) { (void)s; (void)w; (void)r; }

static void msg_cb1(int w, int ver, int ct, const void *b, size_t l, SSL *s,
                    void *a)
{
    (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s; (void)a;
    cb_hits[1]++;
}

static void msg_cb2(int w, int ver, int ct, const void *b, size_t l, SSL *s,
                    void *a)
{
    (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s; (void)a;
    cb_hits[2]++;
}

static int pw_cb1(char *b, int n, int rw, void *u) { (void)b; (void)n; (void)rw; (void)u; return 0; }
static int pw_cb2(char *b, int n, int rw, void *u) { (void)b; (void)n; (void)rw; (void)u; return 0; }

static int sec_cb1(const SSL *s, const SSL_CTX *c, int op, int bits, int nid,
                   void *o, void *ex)
{ (void)s; (void)c; (void)op; (void)bits; (void)nid; (void)o; (void)ex; return 1; }
static int sec_cb2(const SSL *s, const SSL_CTX *c, int op, int bits, int nid,
                   void *o, void *ex)
{ (void)s; (void)c; (void)op; (void)bits; (void)nid; (void)o; (void)ex; return 1; }

static int marker[3];
#define ARG(v) ((void *)&marker[v])

/* Custom extensions: the add callback records which types d sends. */
#define EXT_A 0x7e01   /* not 0xff01: that is renegotiation_info */
#define EXT_B 0x7e02
static int ext_seen_a, ext_seen_b;

static int ext_add(SSL *s, unsigned int type, unsigned int context,
                   const unsigned char **out, size_t *outlen, X509 *x,
                   size_t chainidx, int *al, void *arg)
{
    (void)s; (void)context; (void)x; (void)chainidx; (void)al; (void)arg;
    if (type == EXT_A)
        ext_seen_a = 1;
    if (type == EXT_B)
        ext_seen_b = 1;
    *out = NULL;
    *outlen = 0;
    return 0;   /* do not send it: being asked is the observation */
}

static int ext_parse(SSL *s, unsigned int type, unsigned int context,
                     const unsigned char *in, size_t inlen, X509 *x,
                     size_t chainidx, int *al, void *arg)
{
    (void)s; (void)type; (void)context; (void)in; (void)inlen; (void)x;
    (void)chainidx; (void)al; (void)arg;
    return 1;
}

/* ---- the first flight: d writes its ClientHello into a memory BIO -------- */

static unsigned first_sigalg;   /* first entry of signature_algorithms */

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Find extension 13 (signature_algorithms) in a ClientHello handshake
 * message and keep its first entry. */
static void parse_client_hello(const unsigned char *p, size_t n)
{
    size_t i = 4 + 2 + 32, end;

    if (n < i + 1 || p[0] != 1)
        return;
    i += 1 + p[i];                              /* session id */
    if (n < i + 2)
        return;
    i += 2 + get16(p + i);                      /* cipher suites */
    if (n < i + 1)
        return;
    i += 1 + p[i];                              /* compression */
    if (n < i + 2)
        return;
    end = i + 2 + get16(p + i);
    i += 2;
    while (i + 4 <= end && end <= n) {
        unsigned type = get16(p + i), len = get16(p + i + 2);

        if (type == 13 && len >= 4 && i + 4 + len <= n)
            first_sigalg = get16(p + i + 6);
        i += 4 + len;
    }
}

static void capture_cb(int w, int ver, int ct, const void *b, size_t l,
                       SSL *s, void *a)
{
    (void)ver; (void)s; (void)a;
    if (w && ct == 22)      /* SSL3_RT_HANDSHAKE */
        parse_client_hello(b, l);
}

/* 1 when d produced its first flight (and is now waiting for the peer). */
static int first_flight(SSL *d)
{
    BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());
    int rc;

    if (r == NULL || w == NULL) {
        BIO_free(r);
        BIO_free(w);
        return 0;
    }
    SSL_set_bio(d, r, w);
    SSL_set_connect_state(d);
    rc = SSL_do_handshake(d);
    ERR_clear_error();
    return rc <= 0 && SSL_get_error(d, rc) == SSL_ERROR_WANT_READ;
}

/* ---- probes ----------------------------------------------------------------- */

/* set: 1 done, 0 failed, -1 no per-SSL setter.  get: the variant d (or s)
 * holds: 0 none/default, 1, 2, 3 the SSL_CTX's value, -1 not observable. */
struct probe {
    const char *num, *item, *aspect;
    int (*ctx_setup)(SSL_CTX *ctx);    /* 1 done, 0 failed */
    int (*set)(SSL *s, int v);
    int (*get)(SSL *s);
    const char *unobservable;   /* why, when get is NULL */
};

static int which_ptr(const void *p, const void *p1, const void *p2)
{
    return p == NULL ? 0 : p == p1 ? 1 : p == p2 ? 2 : 0;
}

static int set_session(SSL *s, int v) { return SSL_set_session(s, sess_v[v]); }
static int get_session(SSL *s)
{
    return which_ptr(SSL_get_session(s), sess_v[1], sess_v[2]);
}

static int set_cert(SSL *s, int v)
{
    return SSL_use_certificate(s, cert_v[v]) == 1 &&
           SSL_use_PrivateKey(s, key_v[v]) == 1;
}
static int get_cert(SSL *s)
{
    return which_ptr(SSL_get_certificate(s), cert_v[1], cert_v[2]);
}
static int get_key(SSL *s)
{
    return which_ptr(SSL_get_privatekey(s), key_v[1], key_v[2]);
}

static int set_chain(SSL *s, int v)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    int ok;

    if (sk == NULL || !sk_X509_push(sk, cert_v[v])) {
        sk_X509_free(sk);
        return 0;
    }
    if (SSL_get_certificate(s) != cert_v[0] &&
        (SSL_use_certificate(s, cert_v[0]) != 1 ||
         SSL_use_PrivateKey(s, key_v[0]) != 1)) {
        sk_X509_free(sk);
        return 0;
    }
    ok = (int)SSL_set1_chain(s, sk);
    sk_X509_free(sk);
    return ok;
}
static int get_chain(SSL *s)
{
    STACK_OF(X509) *sk = NULL;

    if (!SSL_get0_chain_certs(s, &sk) || sk == NULL || sk_X509_num(sk) < 1)
        return 0;
    return which_ptr(sk_X509_value(sk, 0), cert_v[1], cert_v[2]);
}

static int set_sigalgs(SSL *s, int v)
{
    return (int)SSL_set1_sigalgs_list(s, v == 1 ? "ECDSA+SHA256:RSA+SHA256"
                                                : "ECDSA+SHA384:RSA+SHA384");
}
static int get_sigalgs(SSL *s)
{
    first_sigalg = 0;
    SSL_set_msg_callback(s, capture_cb);
    if (!first_flight(s))
        return -1;
    return first_sigalg == 0x0403 ? 1 : first_sigalg == 0x0503 ? 2 : 0;
}

static int dane_ctx(SSL_CTX *ctx) { return SSL_CTX_dane_enable(ctx) > 0; }
static int set_dane(SSL *s, int v)
{
    if (v == 1)
        return SSL_dane_enable(s, "dane-one.example") > 0;
    SSL_dane_set_flags(s, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    return 1;
}
static int get_dane(SSL *s)
{
    static const unsigned char digest[32] = { 1 };
    unsigned long flags = SSL_dane_clear_flags(s, 0);   /* reads them */

    /* SSL_dane_tlsa_add fails with "dane not enabled" on an SSL without
     * DANE: the one public test of the enabled state. */
    if (SSL_dane_tlsa_add(s, 3, 1, 1, digest, sizeof(digest)) <= 0) {
        ERR_clear_error();
        return 0;
    }
    return (flags & DANE_FLAG_NO_DANE_EE_NAMECHECKS) ? 2 : 1;
}

#define OPT1 SSL_OP_CIPHER_SERVER_PREFERENCE
#define OPT2 SSL_OP_NO_RENEGOTIATION
static int set_options(SSL *s, int v)
{
    SSL_clear_options(s, OPT1 | OPT2);
    SSL_set_options(s, v == 1 ? OPT1 : OPT2);
    return 1;
}
static int get_options(SSL *s)
{
    uint64_t o = SSL_get_options(s) & (OPT1 | OPT2);

    return o == OPT1 ? 1 : o == OPT2 ? 2 : 0;
}

#define MODE1 SSL_MODE_ENABLE_PARTIAL_WRITE
#define MODE2 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
static int set_mode(SSL *s, int v)
{
    SSL_clear_mode(s, MODE1 | MODE2);
    SSL_set_mode(s, v == 1 ? MODE1 : MODE2);
    return 1;
}
static int get_mode(SSL *s)
{
    long m = SSL_get_mode(s) & (MODE1 | MODE2);

    return m == MODE1 ? 1 : m == MODE2 ? 2 : 0;
}

static int set_min(SSL *s, int v)
{
    return (int)SSL_set_min_proto_version(s, v == 1 ? TLS1_1_VERSION
                                                    : TLS1_2_VERSION);
}
static int get_min(SSL *s)
{
    long m = SSL_get_min_proto_version(s);

    return m == TLS1_1_VERSION ? 1 : m == TLS1_2_VERSION ? 2 : 0;
}
static int set_max(SSL *s, int v)
{
    return (int)SSL_set_max_proto_version(s, v == 1 ? TLS1_1_VERSION
                                                    : TLS1_2_VERSION);
}
static int get_max(SSL *s)
{
    long m = SSL_get_max_proto_version(s);

    return m == TLS1_1_VERSION ? 1 : m == TLS1_2_VERSION ? 2 : 0;
}

static int set_vmode(SSL *s, int v)
{
    SSL_set_verify(s, v == 1 ? SSL_VERIFY_PEER
                             : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                   SSL_get_verify_callback(s));
    return 1;
}
static int get_vmode(SSL *s)
{
    int m = SSL_get_verify_mode(s);

    return m == SSL_VERIFY_PEER ? 1
         : m == (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) ? 2 : 0;
}
static int set_vcb(SSL *s, int v)
{
    SSL_set_verify(s, SSL_get_verify_mode(s), verify_cb(v));
    return 1;
}
static int get_vcb(SSL *s)
{
    SSL_verify_cb cb = SSL_get_verify_callback(s);

    return cb == verify_cb1 ? 1 : cb == verify_cb2 ? 2 : 0;
}
static int set_vdepth(SSL *s, int v)
{
    SSL_set_verify_depth(s, v == 1 ? 3 : 7);
    return 1;
}
static int get_vdepth(SSL *s)
{
    int d = SSL_get_verify_depth(s);

    return d == 3 ? 1 : d == 7 ? 2 : 0;
}

static int host_ctx(SSL_CTX *ctx)
{
    return X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ctx), "ctx.example",
                                       0);
}
static int set_host(SSL *s, int v)
{
    return SSL_set1_host(s, v == 1 ? "one.example" : "two.example");
}
static int get_host(SSL *s)
{
    const char *h = X509_VERIFY_PARAM_get0_host(SSL_get0_param(s), 0);

    if (h == NULL)
        return 0;
    return strcmp(h, "one.example") == 0 ? 1
         : strcmp(h, "two.example") == 0 ? 2
         : strcmp(h, "ctx.example") == 0 ? 3 : 0;
}

#define VF1 X509_V_FLAG_PARTIAL_CHAIN
#define VF2 X509_V_FLAG_X509_STRICT
static int set_vflags(SSL *s, int v)
{
    X509_VERIFY_PARAM *p = SSL_get0_param(s);

    X509_VERIFY_PARAM_clear_flags(p, VF1 | VF2);
    return X509_VERIFY_PARAM_set_flags(p, v == 1 ? VF1 : VF2);
}
static int get_vflags(SSL *s)
{
    unsigned long f = X509_VERIFY_PARAM_get_flags(SSL_get0_param(s))
                      & (VF1 | VF2);

    return f == VF1 ? 1 : f == VF2 ? 2 : 0;
}

static int set_msgcb(SSL *s, int v)
{
    SSL_set_msg_callback(s, v == 1 ? msg_cb1 : msg_cb2);
    return 1;
}
static int get_msgcb(SSL *s)
{
    cb_hits[1] = cb_hits[2] = 0;
    if (!first_flight(s))
        return -1;
    return cb_hits[1] && !cb_hits[2] ? 1 : cb_hits[2] && !cb_hits[1] ? 2 : 0;
}
static int set_infocb(SSL *s, int v)
{
    SSL_set_info_callback(s, v == 1 ? info_cb1 : info_cb2);
    return 1;
}
static int get_infocb(SSL *s)
{
    void (*cb)(const SSL *, int, int) = SSL_get_info_callback(s);

    return cb == info_cb1 ? 1 : cb == info_cb2 ? 2 : 0;
}

static int set_pwcb(SSL *s, int v)
{
    SSL_set_default_passwd_cb(s, v == 1 ? pw_cb1 : pw_cb2);
    return 1;
}
static int get_pwcb(SSL *s)
{
    pem_password_cb *cb = SSL_get_default_passwd_cb(s);

    return cb == pw_cb1 ? 1 : cb == pw_cb2 ? 2 : 0;
}
static int set_pwud(SSL *s, int v)
{
    SSL_set_default_passwd_cb_userdata(s, ARG(v));
    return 1;
}
static int get_pwud(SSL *s)
{
    return which_ptr(SSL_get_default_passwd_cb_userdata(s), ARG(1), ARG(2));
}

static int has_cipher(SSL *s, const char *name)
{
    const char *c;

    for (int i = 0; (c = SSL_get_cipher_list(s, i)) != NULL; i++)
        if (strcmp(c, name) == 0)
            return 1;
    return 0;
}
#define C1 "ECDHE-ECDSA-AES128-GCM-SHA256"
#define C2 "ECDHE-ECDSA-AES256-GCM-SHA384"
static int set_ciphers(SSL *s, int v)
{
    return SSL_set_cipher_list(s, v == 1 ? C1 : C2);
}
static int get_ciphers(SSL *s)
{
    int a = has_cipher(s, C1), b = has_cipher(s, C2);

    return a && !b ? 1 : b && !a ? 2 : 0;
}
#define S1 "TLS_AES_128_GCM_SHA256"
#define S2 "TLS_AES_256_GCM_SHA384"
static int set_suites(SSL *s, int v)
{
    return SSL_set_ciphersuites(s, v == 1 ? S1 : S2);
}
static int get_suites(SSL *s)
{
    int a = has_cipher(s, S1), b = has_cipher(s, S2);

    return a && !b ? 1 : b && !a ? 2 : 0;
}

static int set_state(SSL *s, int v)
{
    if (v == 1)
        SSL_set_connect_state(s);
    else
        SSL_set_accept_state(s);
    return 1;
}
static int get_state(SSL *s) { return SSL_is_server(s) ? 2 : 1; }

static int set_certlist(SSL *s, int v)
{
    SSL_set_max_cert_list(s, v == 1 ? 10000 : 20000);
    return 1;
}
static int get_certlist(SSL *s)
{
    long n = SSL_get_max_cert_list(s);

    return n == 10000 ? 1 : n == 20000 ? 2 : 0;
}

static int set_readahead(SSL *s, int v)
{
    SSL_set_read_ahead(s, v == 1 ? 1 : 0);
    return 1;
}
static int get_readahead(SSL *s) { return SSL_get_read_ahead(s) ? 1 : 2; }
/* read_ahead is a flag: variant 2 is "off", so DROPPED reads as SHARED
 * unless variant 1 survives a change; the row says which. */

static int set_appdata(SSL *s, int v) { return SSL_set_app_data(s, ARG(v)); }
static int get_appdata(SSL *s)
{
    return which_ptr(SSL_get_app_data(s), ARG(1), ARG(2));
}

static STACK_OF(X509_NAME) *names(int v)
{
    STACK_OF(X509_NAME) *sk = sk_X509_NAME_new_null();
    X509_NAME *n = X509_NAME_dup(name_v[v]);

    if (sk == NULL || n == NULL || !sk_X509_NAME_push(sk, n)) {
        X509_NAME_free(n);
        sk_X509_NAME_pop_free(sk, X509_NAME_free);
        return NULL;
    }
    return sk;
}
static int which_name(const STACK_OF(X509_NAME) *sk)
{
    if (sk == NULL || sk_X509_NAME_num(sk) < 1)
        return 0;
    for (int v = 0; v < 3; v++)
        if (X509_NAME_cmp(sk_X509_NAME_value(sk, 0), name_v[v]) == 0)
            return v == 0 ? 3 : v;
    return 0;
}
static int ca_ctx(SSL_CTX *ctx)
{
    STACK_OF(X509_NAME) *sk = names(0);

    if (sk != NULL)
        SSL_CTX_set0_CA_list(ctx, sk);
    return sk != NULL;
}
static int set_ca(SSL *s, int v)
{
    STACK_OF(X509_NAME) *sk = names(v);

    if (sk == NULL)
        return 0;
    SSL_set0_CA_list(s, sk);
    return 1;
}
static int get_ca(SSL *s) { return which_name(SSL_get0_CA_list(s)); }
static int cca_ctx(SSL_CTX *ctx)
{
    STACK_OF(X509_NAME) *sk = names(0);

    if (sk != NULL)
        SSL_CTX_set_client_CA_list(ctx, sk);
    return sk != NULL;
}
static int set_cca(SSL *s, int v)
{
    STACK_OF(X509_NAME) *sk = names(v);

    if (sk == NULL)
        return 0;
    SSL_set_accept_state(s);    /* a client reads the peer's list instead */
    SSL_set_client_CA_list(s, sk);
    return 1;
}
static int get_cca(SSL *s)
{
    SSL_set_accept_state(s);
    return which_name(SSL_get_client_CA_list(s));
}

static int set_seclevel(SSL *s, int v)
{
    SSL_set_security_level(s, v == 1 ? 0 : 2);
    return 1;
}
static int get_seclevel(SSL *s)
{
    int l = SSL_get_security_level(s);

    return l == 0 ? 1 : l == 2 ? 2 : l == 1 ? 3 : 0;
}
static int set_seccb(SSL *s, int v)
{
    SSL_set_security_callback(s, v == 1 ? sec_cb1 : sec_cb2);
    return 1;
}
static int get_seccb(SSL *s)
{
    int (*cb)(const SSL *, const SSL_CTX *, int, int, int, void *, void *) =
        SSL_get_security_callback(s);

    return cb == sec_cb1 ? 1 : cb == sec_cb2 ? 2 : 0;
}

/* Custom extensions have no per-SSL setter: an SSL takes the SSL_CTX's at
 * SSL_new.  The probe gives the SSL_CTX extension A before s exists and B
 * after: s has {A}, the SSL_CTX {A, B}.  d asked for A only: copied from
 * s; for A and B: the SSL_CTX's; neither: dropped. */
static int ext_ctx(SSL_CTX *ctx)
{
    return SSL_CTX_add_custom_ext(ctx, EXT_A, SSL_EXT_CLIENT_HELLO, ext_add, NULL,
                           NULL, ext_parse, NULL);
}
static int set_ext(SSL *s, int v)
{
    if (v == 2)
        return -1;
    return SSL_CTX_add_custom_ext(SSL_get_SSL_CTX(s), EXT_B,
                                  SSL_EXT_CLIENT_HELLO, ext_add, NULL, NULL,
                                  ext_parse, NULL);
}
static int get_ext(SSL *s)
{
    ext_seen_a = ext_seen_b = 0;
    if (!first_flight(s))
        return -1;
    return ext_seen_a && !ext_seen_b ? 1 : ext_seen_a ? 3 : 0;
}

/* ---- a full TLS 1.2 handshake with d as the server ---------------------
 *
 * Settings a server only uses (the session id callback, the client
 * certificate types, the PSK identity hint, DH parameters) are observed by
 * the client of a TLS 1.2 handshake over memory BIOs.  minissl's toy
 * handshake has no TLS 1.2, PSK or DHE: there the rows say so. */
#ifndef MINISSL_VERSION_TEXT
#define DF_SERVER_PROBES 1
#endif

#ifdef DF_SERVER_PROBES
static int gen_hits[3], types_seen, hint_seen, sigalg_seen, sinfo_seen;
static unsigned dh_bits_seen;

static int gen_cb1(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    memset(id, 1, *len);
    gen_hits[1]++;
    return 1;
}

static int gen_cb2(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    memset(id, 2, *len);
    gen_hits[2]++;
    return 1;
}

static const unsigned char psk_key[16] = "dupfindings-psk";

static unsigned int psk_server(SSL *s, const char *identity,
                               unsigned char *psk, unsigned int max)
{
    (void)s; (void)identity;
    if (max < sizeof(psk_key))
        return 0;
    memcpy(psk, psk_key, sizeof(psk_key));
    return sizeof(psk_key);
}

static unsigned int psk_client(SSL *s, const char *hint, char *identity,
                               unsigned int max_id, unsigned char *psk,
                               unsigned int max)
{
    (void)s;
    hint_seen = hint == NULL ? 0 : strcmp(hint, "hint-one") == 0 ? 1
              : strcmp(hint, "hint-two") == 0 ? 2 : 0;
    if (max_id < 8 || max < sizeof(psk_key))
        return 0;
    strcpy(identity, "client");
    memcpy(psk, psk_key, sizeof(psk_key));
    return sizeof(psk_key);
}

/* The CertificateRequest arrived: read the types it carried. */
static int client_cert(SSL *s, X509 **x, EVP_PKEY **k)
{
    const unsigned char *t = NULL;
    long n = SSL_get0_certificate_types(s, &t);
    unsigned char rsig = 0, rhash = 0;

    (void)x; (void)k;
    types_seen = n == 1 && t[0] == 64 ? 1 : n == 1 && t[0] == 1 ? 2 : 0;
    /* The signature algorithms the server asked for: its client_sigalgs. */
    sigalg_seen = 0;
    if (SSL_get_sigalgs(s, 0, NULL, NULL, NULL, &rsig, &rhash) > 0) {
        unsigned v = (unsigned)rhash << 8 | rsig;

        sigalg_seen = v == 0x0403 ? 1 : v == 0x0503 ? 2 : 0;
    }
    return 0;   /* no client certificate */
}

/* serverinfo: the client asks for extensions SINFO_TYPE + 1 and + 2 and
 * records which the server answered (variant v uses type SINFO_TYPE + v:
 * OpenSSL registers each type once per SSL_CTX). */
#define SINFO_TYPE 0x7e10
static int sinfo_add(SSL *s, unsigned int type, const unsigned char **out,
                     size_t *outlen, int *al, void *arg)
{
    (void)s; (void)type; (void)al; (void)arg;
    *out = NULL;
    *outlen = 0;
    return 1;   /* send it empty: a request */
}

static int sinfo_parse(SSL *s, unsigned int type, const unsigned char *in,
                       size_t inlen, int *al, void *arg)
{
    (void)s; (void)al; (void)arg;
    if (inlen == 1 && type == SINFO_TYPE + (unsigned)in[0])
        sinfo_seen |= in[0];
    return 1;
}

static int accept_all(int ok, X509_STORE_CTX *c) { (void)ok; (void)c; return 1; }

/* 1 when the handshake between d (server) and a client of cctx finished;
 * the client is freed. */
static int serve(SSL *d, SSL_CTX *cctx)
{
    SSL *c = SSL_new(cctx);
    BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem());
    int ok = 0, rc = 0, rd = 0;

    if (c == NULL || a == NULL || b == NULL || !BIO_up_ref(a) ||
        !BIO_up_ref(b)) {
        BIO_free(a);
        BIO_free(b);
        SSL_free(c);
        return 0;
    }
    SSL_set_bio(c, a, b);       /* c reads a, writes b */
    SSL_set_bio(d, b, a);       /* d reads b, writes a */
    SSL_set_connect_state(c);
    SSL_set_accept_state(d);
    for (int i = 0; i < 32 && !(rc == 1 && rd == 1); i++) {
        if (rc != 1 && (rc = SSL_do_handshake(c)) <= 0 &&
            SSL_get_error(c, rc) != SSL_ERROR_WANT_READ)
            break;
        if (rd != 1 && (rd = SSL_do_handshake(d)) <= 0 &&
            SSL_get_error(d, rd) != SSL_ERROR_WANT_READ)
            break;
    }
    ok = rc == 1 && rd == 1;
    ERR_clear_error();
    SSL_free(c);
    return ok;
}

static SSL_CTX *client_ctx(const char *ciphers)
{
    SSL_CTX *c = SSL_CTX_new(TLS_client_method());

    if (c == NULL)
        return NULL;
    SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    SSL_CTX_set_security_level(c, 0);
    SSL_CTX_set_psk_client_callback(c, psk_client);
    SSL_CTX_set_client_cert_cb(c, client_cert);
    SSL_CTX_add_client_custom_ext(c, SINFO_TYPE + 1, sinfo_add, NULL, NULL,
                                  sinfo_parse, NULL);
    SSL_CTX_add_client_custom_ext(c, SINFO_TYPE + 2, sinfo_add, NULL, NULL,
                                  sinfo_parse, NULL);
    if (ciphers != NULL && !SSL_CTX_set_cipher_list(c, ciphers)) {
        SSL_CTX_free(c);
        return NULL;
    }
    return c;
}

static int serve_with(SSL *d, const char *ciphers)
{
    SSL_CTX *c = client_ctx(ciphers);
    int ok = c != NULL && serve(d, c);

    SSL_CTX_free(c);
    return ok;
}

/* Server credentials for the probes that need a certificate. */
static int server_ctx(SSL_CTX *ctx)
{
    return SSL_CTX_use_certificate(ctx, cert_v[0]) == 1 &&
           SSL_CTX_use_PrivateKey(ctx, key_v[0]) == 1;
}

static int set_gen(SSL *s, int v)
{
    return SSL_set_generate_session_id(s, v == 1 ? gen_cb1 : gen_cb2);
}
static int get_gen(SSL *s)
{
    gen_hits[1] = gen_hits[2] = 0;
    if (!serve_with(s, NULL))
        return -1;
    return gen_hits[1] && !gen_hits[2] ? 1 : gen_hits[2] && !gen_hits[1] ? 2
                                                                          : 0;
}

static int types_ctx(SSL_CTX *ctx)
{
    if (!server_ctx(ctx))
        return 0;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_all);
    return 1;
}
static int set_types(SSL *s, int v)
{
    const unsigned char t = v == 1 ? 64 : 1;   /* ecdsa_sign, rsa_sign */

    return (int)SSL_set1_client_certificate_types(s, &t, 1);
}
static int get_types(SSL *s)
{
    types_seen = -1;
    if (!serve_with(s, NULL) || types_seen < 0)
        return -1;
    return types_seen;
}

static int set_csigalgs(SSL *s, int v)
{
    return (int)SSL_set1_client_sigalgs_list(s, v == 1 ? "ECDSA+SHA256"
                                                       : "ECDSA+SHA384");
}
static int get_csigalgs(SSL *s)
{
    sigalg_seen = -1;
    if (!serve_with(s, NULL) || sigalg_seen < 0)
        return -1;
    return sigalg_seen;
}

/* serverinfo has no per-SSL setter: as for custom extensions, the SSL_CTX
 * gets variant 1 before s exists and variant 2 after, so s holds 1 and the
 * SSL_CTX 2 (reported as "the SSL_CTX's value"). */
static int sinfo_use(SSL_CTX *ctx, int v)
{
    const unsigned char info[5] = { (SINFO_TYPE + v) >> 8,
                                    (SINFO_TYPE + v) & 0xff, 0, 1,
                                    (unsigned char)v };

    return SSL_CTX_use_serverinfo(ctx, info, sizeof(info));
}
static int sinfo_ctx(SSL_CTX *ctx) { return server_ctx(ctx) && sinfo_use(ctx, 1); }
static int set_sinfo(SSL *s, int v)
{
    if (v == 2)
        return -1;
    return sinfo_use(SSL_get_SSL_CTX(s), 2);
}
static int get_sinfo(SSL *s)     /* 1: s's, 3: the SSL_CTX's */
{
    sinfo_seen = 0;
    if (!serve_with(s, NULL))
        return -1;
    return sinfo_seen == 1 ? 1 : (sinfo_seen & 2) ? 3 : 0;
}

#define PSK_CIPHER "PSK-AES128-GCM-SHA256"
#define DHE_CIPHER "DHE-PSK-AES128-GCM-SHA256"
static int psk_ctx(SSL_CTX *ctx)
{
    SSL_CTX_set_psk_server_callback(ctx, psk_server);
    SSL_CTX_set_security_level(ctx, 0);
    return SSL_CTX_set_cipher_list(ctx, PSK_CIPHER ":" DHE_CIPHER);
}
static int set_hint(SSL *s, int v)
{
    return SSL_use_psk_identity_hint(s, v == 1 ? "hint-one" : "hint-two");
}
static int get_hint(SSL *s)
{
    hint_seen = -1;
    if (!serve_with(s, PSK_CIPHER) || hint_seen < 0)
        return -1;
    return hint_seen;
}

static EVP_PKEY *dh_params(const char *group)
{
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *pk = NULL;

    if (pc == NULL || EVP_PKEY_paramgen_init(pc) <= 0 ||
        EVP_PKEY_CTX_set_group_name(pc, group) <= 0 ||
        EVP_PKEY_paramgen(pc, &pk) <= 0)
        pk = NULL;
    EVP_PKEY_CTX_free(pc);
    return pk;
}
static int set_dh(SSL *s, int v)
{
    EVP_PKEY *pk = dh_params(v == 1 ? "ffdhe3072" : "ffdhe4096");

    if (pk == NULL)
        return 0;
    if (!SSL_set0_tmp_dh_pkey(s, pk)) {
        EVP_PKEY_free(pk);
        return 0;
    }
    return 1;
}
static void dh_info(const SSL *s, int where, int ret)
{
    EVP_PKEY *pk = NULL;

    (void)ret;
    if ((where & SSL_CB_HANDSHAKE_DONE) &&
        SSL_get_peer_tmp_key((SSL *)s, &pk) && pk != NULL) {
        dh_bits_seen = (unsigned)EVP_PKEY_get_bits(pk);
        EVP_PKEY_free(pk);
    }
}
static int get_dh(SSL *s)
{
    SSL_CTX *c = client_ctx(DHE_CIPHER);
    int ok;

    if (c == NULL)
        return -1;
    SSL_CTX_set_info_callback(c, dh_info);
    dh_bits_seen = 0;
    ok = serve(s, c);
    SSL_CTX_free(c);
    if (!ok)
        return 0;   /* no DH parameters: a DHE-only handshake fails */
    return dh_bits_seen == 3072 ? 1 : dh_bits_seen == 4096 ? 2 : 0;
}
#endif

#define NOGET "no public getter for the configured value in OpenSSL 3.0"
#define NOTLS12 "seen only in a TLS 1.2 handshake, which this library lacks"
static const struct probe probes[] = {
    { "1", "session data", "session (SSL_get_session)", NULL, set_session,
      get_session, NULL },
    { "1", "session data", "session_id_context", NULL, NULL, NULL, NOGET },
#ifdef DF_SERVER_PROBES
    { "2", "tmp_dh", "SSL_set0_tmp_dh_pkey (the DH size a TLS 1.2 DHE-PSK "
      "client sees)", psk_ctx, set_dh, get_dh, NULL },
#else
    { "2", "tmp_dh", "SSL_set0_tmp_dh_pkey", NULL, NULL, NULL, NOTLS12 },
#endif
    { "3", "certificates, keys, chains", "certificate", NULL, set_cert,
      get_cert, NULL },
    { "3", "certificates, keys, chains", "private key", NULL, set_cert,
      get_key, NULL },
    { "3", "certificates, keys, chains", "chain", NULL, set_chain, get_chain,
      NULL },
    { "4", "signature algorithms", "sigalgs (sent in d's ClientHello)", NULL,
      set_sigalgs, get_sigalgs, NULL },
#ifdef DF_SERVER_PROBES
    { "4", "signature algorithms", "client sigalgs (asked for in a TLS 1.2 "
      "CertificateRequest)", types_ctx, set_csigalgs, get_csigalgs, NULL },
#else
    { "4", "signature algorithms", "client sigalgs", NULL, NULL, NULL,
      NOTLS12 },
#endif
    { "5", "DANE", "enabled + flags", dane_ctx, set_dane, get_dane, NULL },
    { "6", "options", "SSL_get_options", NULL, set_options, get_options,
      NULL },
    { "7", "mode", "SSL_get_mode", NULL, set_mode, get_mode, NULL },
    { "8", "min/max protocol", "min", NULL, set_min, get_min, NULL },
    { "8", "min/max protocol", "max", NULL, set_max, get_max, NULL },
    { "9", "verify settings", "mode", NULL, set_vmode, get_vmode, NULL },
    { "9", "verify settings", "callback", NULL, set_vcb, get_vcb, NULL },
    { "9", "verify settings", "depth", NULL, set_vdepth, get_vdepth, NULL },
    { "9", "verify settings", "X509_VERIFY_PARAM host (SSL_set1_host), "
      "SSL_CTX with a host", host_ctx, set_host, get_host, NULL },
    { "9", "verify settings", "X509_VERIFY_PARAM host (SSL_set1_host), "
      "SSL_CTX without one", NULL, set_host, get_host, NULL },
    { "9", "verify settings", "X509_VERIFY_PARAM flags", NULL, set_vflags,
      get_vflags, NULL },
    { "10", "msg/info callback", "msg callback (called in d's first flight)",
      NULL, set_msgcb, get_msgcb, NULL },
    { "10", "msg/info callback", "info callback", NULL, set_infocb,
      get_infocb, NULL },
    { "11", "default password callback", "callback", NULL, set_pwcb,
      get_pwcb, NULL },
    { "11", "default password callback", "userdata", NULL, set_pwud,
      get_pwud, NULL },
#ifdef DF_SERVER_PROBES
    { "12", "session id generation callback", "SSL_set_generate_session_id "
      "(called in a TLS 1.2 handshake)", server_ctx, set_gen, get_gen, NULL },
#else
    { "12", "session id generation callback", "SSL_set_generate_session_id",
      NULL, NULL, NULL, NOTLS12 },
#endif
    { "13", "cipher list", "SSL_set_cipher_list", NULL, set_ciphers,
      get_ciphers, NULL },
    { "13", "cipher list", "SSL_set_ciphersuites (TLS 1.3)", NULL,
      set_suites, get_suites, NULL },
    { "14", "accept/connect state", "SSL_is_server", NULL, set_state,
      get_state, NULL },
    { "15", "max cert list", "SSL_get_max_cert_list", NULL, set_certlist,
      get_certlist, NULL },
    { "16", "read_ahead", "SSL_get_read_ahead (1, then 0)", NULL,
      set_readahead, get_readahead, NULL },
    { "17", "application data", "SSL_set_app_data (ex_data index 0)", NULL,
      set_appdata, get_appdata, NULL },
    { "18", "CA lists", "CA list (SSL_set0_CA_list)", ca_ctx, set_ca, get_ca,
      NULL },
    { "18", "CA lists", "client CA list (server side)", cca_ctx, set_cca,
      get_cca, NULL },
    { "19", "security level/callback", "level", NULL, set_seclevel,
      get_seclevel, NULL },
    { "19", "security level/callback", "callback", NULL, set_seccb,
      get_seccb, NULL },
#ifdef DF_SERVER_PROBES
    { "20", "serverinfo", "sent to a TLS 1.2 client (set per SSL_CTX only)",
      sinfo_ctx, set_sinfo, get_sinfo, NULL },
#else
    { "20", "serverinfo", "", NULL, NULL, NULL, NOTLS12 },
#endif
#ifdef DF_SERVER_PROBES
    { "21", "PSK identity hint", "SSL_use_psk_identity_hint (the hint a "
      "TLS 1.2 PSK client receives)", psk_ctx, set_hint, get_hint, NULL },
#else
    { "21", "PSK identity hint", "SSL_use_psk_identity_hint", NULL, NULL,
      NULL, NOTLS12 },
#endif
    { "22", "custom extensions", "asked for in d's ClientHello", ext_ctx,
      set_ext, get_ext, NULL },
#ifdef DF_SERVER_PROBES
    { "23", "client certificate types", "SSL_set1_client_certificate_types "
      "(the types a TLS 1.2 client receives)", types_ctx, set_types,
      get_types, NULL },
#else
    { "23", "client certificate types", "SSL_set1_client_certificate_types",
      NULL, NULL, NULL, NOTLS12 },
#endif
};

static void lasterr(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();

    snprintf(buf, len, "%s", e ? ERR_reason_error_string(e) : "no reason");
    if (buf[0] == '\0' || strcmp(buf, "(null)") == 0)
        snprintf(buf, len, "error %lu", e);
    ERR_clear_error();
}

/* One probe in one mode: the verdict text into out. */
static void run_probe(const struct probe *p, int with_session, char *out,
                      size_t len)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = NULL, *d = NULL;
    int r, held, sane;
    char why[160];

    if (p->get == NULL) {
        snprintf(out, len, "not observable: %s", p->unobservable);
        goto out;
    }
    if (ctx == NULL || (p->ctx_setup != NULL && !p->ctx_setup(ctx)) ||
        (s = SSL_new(ctx)) == NULL) {
        snprintf(out, len, "setup failed");
        goto out;
    }
    if (with_session && p->set != set_session &&
        !SSL_set_session(s, mode_sess)) {
        snprintf(out, len, "SSL_set_session failed");
        goto out;
    }
    if (p->set(s, 1) != 1) {
        lasterr(why, sizeof(why));
        snprintf(out, len, "setter failed: %s", why);
        goto out;
    }
    if ((d = SSL_dup(s)) == NULL) {
        lasterr(why, sizeof(why));
        snprintf(out, len, "SSL_dup returned NULL (%s)", why);
        goto out;
    }
    if (d == s) {
        snprintf(out, len, "same handle returned");
        SSL_free(d);
        d = NULL;
        goto out;
    }
    r = p->set(s, 2);
    held = p->get(d);
    if (r == 1) {
        sane = p->get(s) == 2;
    } else {
        /* No per-SSL setter: a fresh SSL from the SSL_CTX must show the
         * SSL_CTX's value, else the observation does not work here. */
        SSL *x = SSL_new(ctx);

        sane = x != NULL && p->get(x) == 3;
        SSL_free(x);
    }
    if (!sane) {
        snprintf(out, len, "not observable with this library (the "
                 "original does not show the setting either)");
        goto out;
    }
    if (held < 0) {
        snprintf(out, len, "not observed (first flight failed)");
        goto out;
    }
    if (held == 1)
        snprintf(out, len, r == 1 ? "copied" : "copied (no per-SSL setter, "
                 "so sharing not tested)");
    else if (held == 2)
        snprintf(out, len, "SHARED: a change to the original shows in the "
                 "copy");
    else if (held == 3)
        snprintf(out, len, "DROPPED: the copy has the SSL_CTX's value");
    else
        snprintf(out, len, "DROPPED: the copy has the default");
 out:
    ERR_clear_error();
    SSL_free(d);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* SSL_set_app_data stores ex_data index 0; OpenSSL 3.0's SSL_dup copies
 * ex_data through the class's registered indexes.  Probed in a child, as
 * the very first thing its process does with ex_data. */
static void app_data_without_index(void)
{
    int fds[2], status;
    char buf[256] = "";
    pid_t pid;
    ssize_t n;

    if (pipe(fds) != 0)
        return;
    fflush(stdout);
    if ((pid = fork()) == 0) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_method());
        SSL *s = ctx ? SSL_new(ctx) : NULL, *d;
        char why[160], line[256];

        close(fds[0]);
        if (s == NULL) {
            SSL_CTX_free(ctx);
            _exit(1);
        }
        SSL_set_app_data(s, ARG(1));
        d = SSL_dup(s);
        if (d == NULL) {
            lasterr(why, sizeof(why));
            snprintf(line, sizeof(line), "SSL_dup returned NULL (%s)", why);
        } else {
            snprintf(line, sizeof(line), "SSL_dup succeeded, app_data %s",
                     SSL_get_app_data(d) == ARG(1) ? "copied" : "dropped");
        }
        SSL_free(d);
        SSL_free(s);
        SSL_CTX_free(ctx);
        if (write(fds[1], line, strlen(line)) < 0)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (pid > 0) {
        n = read(fds[0], buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = '\0';
        waitpid(pid, &status, 0);
    }
    close(fds[0]);
    printf("INFO\tapp_data without a registered SSL ex_data index\t%s\n",
           buf[0] ? buf : "probe failed");
}

int main(void)
{
    char a[256], b[256];

    printf("INFO\tlibrary\t%s\n", OpenSSL_version(OPENSSL_VERSION));
    app_data_without_index();
    /* From here on, one index is registered, as any application using
     * ex_data has (the probes need SSL_dup to succeed). */
    if (SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL) < 0 ||
        !make_material()) {
        fprintf(stderr, "dupfindings: cannot make the test material\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        run_probe(&probes[i], 0, a, sizeof(a));
        run_probe(&probes[i], 1, b, sizeof(b));
        printf("ROW\t%s\t%s\t%s\t%s\t%s\n", probes[i].num, probes[i].item,
               probes[i].aspect, a, b);
    }
    for (int v = 0; v < 3; v++) {
        X509_free(cert_v[v]);
        EVP_PKEY_free(key_v[v]);
        X509_NAME_free(name_v[v]);
        SSL_SESSION_free(sess_v[v]);
    }
    SSL_SESSION_free(mode_sess);
    return 0;
}
