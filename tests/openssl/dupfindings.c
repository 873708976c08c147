/* dupfindings: what SSL_dup does with each of the 23 settings its manual
 * page (SSL_new.pod) says it duplicates, row by row of the one table that
 * `copied` uses too (stress/dupitems.h), observed through the public API,
 * so it compiles unchanged against the system OpenSSL 3 and against
 * minissl (-Ilib/include + libminissl.a).  scripts/openssl-findings.sh
 * builds and runs it and writes doc/openssl-findings.md from its output.
 *
 * Method, per row of the table and per mode (without / with a session set
 * on the original before the dup), with the two values of
 * tests/dupvariants.h:
 *   1. a fresh SSL_CTX and s = SSL_new(ctx); in mode "session",
 *      SSL_set_session(s, sess);
 *   2. set variant 1 on s; d = SSL_dup(s);
 *   3. set variant 2 on s (a change to the original after the dup);
 *   4. observe d once: variant 1 -> copied, variant 2 -> SHARED (the
 *      change to s shows in d), what a new SSL of the SSL_CTX holds ->
 *      DROPPED.
 * For the verify parameters and the CA lists, which an SSL_CTX may hold a
 * value of its own that SSL_new hands on, the row runs once more with that
 * SSL_CTX value, and says so where the verdict differs.  A row is observed
 * through the table's getter where this library has one for it; where
 * OpenSSL 3.0 has none, through the setting's effect: d's first flight (a
 * ClientHello into a memory BIO, no peer) shows the msg callback and its
 * argument, custom extensions, signature algorithms and whether a role was
 * chosen; a TLS 1.2 handshake with d as the server shows, to its client,
 * DH parameters and dh_auto, the session id callback and context, the PSK
 * identity hint, client certificate types and signature algorithms, and
 * serverinfo; a handshake with d as the client shows the purpose and
 * whether d holds a TLSA record.  What
 * stays out of reach says "not observable" rather than guess.
 *
 * Output: one line per row, tab-separated:
 *   ROW <item#> <item> <aspect> <without session> <with session>
 * plus INFO lines (library version, the ex_data finding, whether SSL_new
 * gives an SSL its SSL_CTX's info callback).  Exit 0; 1 if
 * the table fails its own check (an item of the page without a row), a
 * row has no values to set and no reason, or the material could not be
 * made. */
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

#include "../dupvariants.h"
#include "dupitems.h"

/* The harness's ex_data value is not set here. */
int st_dup_exbox_index(void)
{
    return -1;
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

/* ---- observers: the setting in use, where no getter shows it ------------ */
/* Each returns the variant d shows: 0 none or the default, 1 or 2, 3 the
 * SSL_CTX's value; -1 not observed (the flight or handshake failed). */

static int get_sigalgs(SSL *s)
{
    first_sigalg = 0;
    SSL_set_msg_callback(s, capture_cb);
    if (!first_flight(s))
        return -1;
    return first_sigalg == 0x0401 ? 1 : first_sigalg == 0x0503 ? 2 : 0;
}

static int get_msgcb(SSL *s)
{
    dv_msg_hits[1] = dv_msg_hits[2] = 0;
    if (!first_flight(s))
        return -1;
    return dv_msg_hits[1] && !dv_msg_hits[2] ? 1
         : dv_msg_hits[2] && !dv_msg_hits[1] ? 2 : 0;
}

/* The argument a msg callback of ours is given in the first flight. */
static void *arg_seen;
static void arg_cb(int w, int ver, int ct, const void *b, size_t l, SSL *s,
                   void *a)
{
    (void)w; (void)ver; (void)ct; (void)b; (void)l; (void)s;
    arg_seen = a;
}

static int get_msgarg(SSL *s)
{
    arg_seen = NULL;
    SSL_set_msg_callback(s, arg_cb);
    if (!first_flight(s))
        return -1;
    return arg_seen == DV_ARG(1) ? 1 : arg_seen == DV_ARG(2) ? 2 : 0;
}

/* Custom extensions (set per SSL_CTX on OpenSSL): the SSL_CTX has A when s
 * is made and A and B after the dup.  d asked for A only: copied from s;
 * for A and B: the SSL_CTX's; neither: dropped. */
static int get_ext(SSL *s)
{
    dv_ext_seen_a = dv_ext_seen_b = 0;
    if (!first_flight(s))
        return -1;
    return dv_ext_seen_a && !dv_ext_seen_b ? 1 : dv_ext_seen_a ? 3 : 0;
}

/* A role chosen (variant 1: connect) or not: SSL_do_handshake fails at
 * once with "connection type not set" without one. */
static int get_role_chosen(SSL *s)
{
    BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());
    int rc, unset;

    if (r == NULL || w == NULL) {
        BIO_free(r);
        BIO_free(w);
        return -1;
    }
    SSL_set_bio(s, r, w);
    rc = SSL_do_handshake(s);
    unset = rc <= 0 && ERR_GET_REASON(ERR_peek_error())
                       == SSL_R_CONNECTION_TYPE_NOT_SET;
    ERR_clear_error();
    return unset ? 0 : 1;
}

/* SSL_dane_tlsa_add fails with "dane not enabled" on an SSL without DANE:
 * the one public test of the enabled state. */
static int get_dane_enabled(SSL *s)
{
    static const unsigned char digest[32] = { 1 };

    if (SSL_dane_tlsa_add(s, 3, 1, 1, digest, sizeof(digest)) <= 0) {
        ERR_clear_error();
        return 0;
    }
    return 1;
}
/* ---- a full TLS 1.2 handshake with d as the server ---------------------
 *
 * Settings a server only uses (the session id callback, the client
 * certificate types, the PSK identity hint, DH parameters) are observed by
 * the client of a TLS 1.2 handshake over memory BIOs.  minissl's toy
 * handshake has no PSK or DHE, and the table's getters show all of these
 * on minissl anyway. */
#ifndef MINISSL_VERSION_TEXT
#define DF_SERVER_PROBES 1
#endif

#ifdef DF_SERVER_PROBES
static int types_seen, hint_seen, sigalg_seen, sinfo_seen;
static unsigned dh_bits_seen;

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

        sigalg_seen = v == 0x0401 ? 1 : v == 0x0503 ? 2 : 0;
    }
    return 0;   /* no client certificate */
}

/* serverinfo: the client asks for extensions DV_SINFO_TYPE + 1 and + 2 and
 * records which the server answered (variant v uses type DV_SINFO_TYPE + v:
 * OpenSSL registers each type once per SSL_CTX). */
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
    if (inlen == 1 && type == DV_SINFO_TYPE + (unsigned)in[0])
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
    SSL_CTX_add_client_custom_ext(c, DV_SINFO_TYPE + 1, sinfo_add, NULL, NULL,
                                  sinfo_parse, NULL);
    SSL_CTX_add_client_custom_ext(c, DV_SINFO_TYPE + 2, sinfo_add, NULL, NULL,
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
    return SSL_CTX_use_certificate(ctx, dv_cert[0]) == 1 &&
           SSL_CTX_use_PrivateKey(ctx, dv_key[0]) == 1;
}

static int get_gen(SSL *s)
{
    dv_gen_hits[1] = dv_gen_hits[2] = 0;
    if (!serve_with(s, NULL))
        return -1;
    return dv_gen_hits[1] && !dv_gen_hits[2] ? 1 : dv_gen_hits[2] && !dv_gen_hits[1] ? 2
                                                                          : 0;
}

static int types_ctx(SSL_CTX *ctx)
{
    if (!server_ctx(ctx))
        return 0;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_all);
    return 1;
}
static int get_types(SSL *s)
{
    types_seen = -1;
    if (!serve_with(s, NULL) || types_seen < 0)
        return -1;
    return types_seen;
}

static int get_csigalgs(SSL *s)
{
    sigalg_seen = -1;
    if (!serve_with(s, NULL) || sigalg_seen < 0)
        return -1;
    return sigalg_seen;
}

/* serverinfo (set per SSL_CTX on OpenSSL): the SSL_CTX has variant 1
 * when s is made and variant 2 after the dup. */
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
static int get_hint(SSL *s)
{
    hint_seen = -1;
    if (!serve_with(s, PSK_CIPHER) || hint_seen < 0)
        return -1;
    return hint_seen;
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
/* The session id context: the server's session carries it. */
static int get_sidctx(SSL *s)
{
    SSL_SESSION *ss;
    const unsigned char *p;
    unsigned int n = 0;

    if (!serve_with(s, NULL) || (ss = SSL_get_session(s)) == NULL)
        return -1;
    p = SSL_SESSION_get0_id_context(ss, &n);
    if (n == 7 && memcmp(p, "sid-one", 7) == 0)
        return 1;
    return n == 7 && memcmp(p, "sid-two", 7) == 0 ? 2 : 0;
}

/* dh_auto: a DHE-only handshake works with it and without DH parameters,
 * and fails without either. */
static int get_dh_auto(SSL *s)
{
    SSL_CTX *c = client_ctx(DHE_CIPHER);
    int ok;

    if (c == NULL)
        return -1;
    ok = serve(s, c);
    SSL_CTX_free(c);
    return ok ? 1 : 0;
}

/* The purpose, as d (a client) verifying a server of the self-signed
 * dv_cert[0]: variant 1 (X509_PURPOSE_TIMESTAMP_SIGN) fails with
 * X509_V_ERR_INVALID_PURPOSE; every other purpose passes. */
static int accept_self_signed(int ok, X509_STORE_CTX *c)
{
    if (!ok && X509_STORE_CTX_get_error(c)
               == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
        X509_STORE_CTX_set_error(c, X509_V_OK);
        return 1;
    }
    return ok;
}

/* d (a client) verifying a server of dv_cert[0]: the verify result. */
static long verify_as_client(SSL *d)
{
    SSL_CTX *sc = SSL_CTX_new(TLS_server_method());
    SSL *s = sc != NULL && server_ctx(sc) ? SSL_new(sc) : NULL;
    BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem());
    int rd = 0, rs = 0;

    if (s == NULL || a == NULL || b == NULL || !BIO_up_ref(a) ||
        !BIO_up_ref(b)) {
        BIO_free(a);
        BIO_free(b);
        SSL_free(s);
        SSL_CTX_free(sc);
        return -1;
    }
    SSL_set_bio(d, a, b);
    SSL_set_bio(s, b, a);
    SSL_set_connect_state(d);
    SSL_set_accept_state(s);
    SSL_set_verify(d, SSL_VERIFY_PEER, accept_self_signed);
    for (int i = 0; i < 16 && !(rd == 1 && rs == 1); i++) {
        if (rd != 1 && (rd = SSL_do_handshake(d)) <= 0 &&
            SSL_get_error(d, rd) != SSL_ERROR_WANT_READ)
            break;
        if (rs != 1 && (rs = SSL_do_handshake(s)) <= 0 &&
            SSL_get_error(s, rs) != SSL_ERROR_WANT_READ)
            break;
    }
    ERR_clear_error();
    SSL_free(s);
    SSL_CTX_free(sc);
    return SSL_get_verify_result(d);
}

static int get_purpose(SSL *d)
{
    long r = verify_as_client(d);

    return r < 0 ? -1 : r == X509_V_ERR_INVALID_PURPOSE ? 1 : 0;
}

/* TLSA records: a DANE-EE record of the variants matches no key, so an
 * SSL that holds one rejects the server with DANE_NO_MATCH. */
static int get_dane_tlsa(SSL *d)
{
    long r = verify_as_client(d);

    return r < 0 ? -1 : r == X509_V_ERR_DANE_NO_MATCH ? 1 : 0;
}
#endif


/* ---- the rows ---------------------------------------------------------------- */

/* How a row is observed where the table's getter is not available on this
 * library: the setting in use (above). */
struct observer {
    const char *id;
    int (*ctx_setup)(SSL_CTX *ctx);     /* 1 done, 0 failed; or NULL */
    int (*observe)(SSL *s);
};

static const struct observer observers[] = {
    { "sigalgs", NULL, get_sigalgs },
    { "msg_callback", NULL, get_msgcb },
    { "msg_callback.arg", NULL, get_msgarg },
    { "custom_ext", NULL, get_ext },
    { "role.chosen", NULL, get_role_chosen },
    { "dane.enabled", NULL, get_dane_enabled },
#ifdef DF_SERVER_PROBES
    { "sid_ctx", server_ctx, get_sidctx },
    { "tmp_dh.key", psk_ctx, get_dh },
    { "tmp_dh.auto", psk_ctx, get_dh_auto },
    { "client_sigalgs", types_ctx, get_csigalgs },
    { "param.purpose", NULL, get_purpose },
    { "dane.tlsa", NULL, get_dane_tlsa },
    { "gen_session_id", server_ctx, get_gen },
    { "serverinfo", server_ctx, get_sinfo },
    { "psk_hint", psk_ctx, get_hint },
    { "client_cert_types", types_ctx, get_types },
#endif
};

static const struct observer *observer_of(const struct st_dup_row *row)
{
    if (row->render != NULL)
        return NULL;
    for (size_t i = 0; i < sizeof(observers) / sizeof(observers[0]); i++)
        if (strcmp(observers[i].id, row->id) == 0)
            return &observers[i];
    return NULL;
}

/* How this library shows |row|: 1 the table's getter, 2 an observer, 0
 * neither. */
static int how_observed(const struct st_dup_row *row, SSL *probe)
{
    struct st_text t;

    if (st_dup_render(row, probe, &t))
        return 1;
    return observer_of(row) != NULL ? 2 : 0;
}

/* What |s| shows of |row|, as text: the getter's, or "variant N" from the
 * observer (0: the default, 3: the SSL_CTX's); NULL when the observer
 * could not run. */
static const char *observe(const struct st_dup_row *row, int how, SSL *s,
                           struct st_text *t)
{
    int v;

    if (how == 1) {
        st_dup_render(row, s, t);
        return t->s;
    }
    st_text_clear(t);
    v = observer_of(row)->observe(s);
    ERR_clear_error();
    if (v < 0)
        return NULL;
    st_text_add(t, "variant %d", v);
    return t->s;
}

/* A new SSL of |ctx|, observed (and freed); NULL when it could not be. */
static const char *observe_new(const struct st_dup_row *row, int how,
                               SSL_CTX *ctx, struct st_text *t)
{
    SSL *x = SSL_new(ctx);
    const char *r = x != NULL ? observe(row, how, x, t) : NULL;

    SSL_free(x);
    return r;
}

static void lasterr(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();

    snprintf(buf, len, "%s", e ? ERR_reason_error_string(e) : "no reason");
    if (buf[0] == '\0' || strcmp(buf, "(null)") == 0)
        snprintf(buf, len, "error %lu", e);
    ERR_clear_error();
}

/* The rows without values to set: the SSL_CTX, the objects a copy must
 * own, the harness's ex_data value.  Compared between s and d only. */
static void run_fixed(const struct st_dup_row *row, SSL *s, SSL *d,
                      char *out, size_t len)
{
    char why[2 * ST_TEXT_MAX];

    if (strncmp(row->id, "ex_data", 7) == 0)
        snprintf(out, len, "not probed here: the harness's own `ex_data` "
                 "value (scenarios/exdata-dup-callbacks.scn)");
    else if (st_dup_row_agrees(row, s, d, why, sizeof(why)))
        snprintf(out, len, row->how == ST_DUP_OWN ? "the copy's own"
                                                  : "the same");
    else
        snprintf(out, len, row->how == ST_DUP_OWN
                 ? "SHARED: one object for both" : "DIFFERENT");
}

/* One row in one mode; ctx_own: the SSL_CTX holds a value of its own
 * (dv_ctx_own) before s is made.  The verdict into out. */
static void run_row(const struct st_dup_row *row, int with_session,
                    int ctx_own, char *out, size_t len)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    const struct observer *ob = observer_of(row);
    SSL *s = NULL, *d = NULL;
    struct st_text t0, t1, t2, td, tf;
    const char *v0, *v1, *v2, *vd, *vf;
    int how, r1, r2 = -1, per_ctx;
    char why[160];

    if (ctx == NULL || dv_ctx_set(row->id, ctx, 1) == 0 ||
        (ctx_own && dv_ctx_set(row->id, ctx, 0) != 1) ||
        (ob != NULL && ob->ctx_setup != NULL && !ob->ctx_setup(ctx)) ||
        (s = SSL_new(ctx)) == NULL) {
        snprintf(out, len, "setup failed");
        goto out;
    }
    if (with_session && strncmp(row->id, "session", 7) != 0 &&
        !SSL_set_session(s, dv_sess[0])) {
        snprintf(out, len, "SSL_set_session failed");
        goto out;
    }
    if ((how = how_observed(row, s)) == 0) {
        snprintf(out, len, "not observable: %s", row->openssl);
        goto out;
    }
    v0 = observe_new(row, how, ctx, &t0);   /* what SSL_new hands on */
    r1 = dv_set(row->id, s, 1);
    if (r1 == 0) {
        lasterr(why, sizeof(why));
        snprintf(out, len, "setter failed: %s", why);
        goto out;
    }
    per_ctx = r1 == -1;
    /* The observers change the SSL they look at: s is looked at last. */
    v1 = how == 1 ? observe(row, how, s, &t1) : (per_ctx ? v0 : "variant 1");
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
    if (r1 == -2) {
        run_fixed(row, s, d, out, len);
        goto out;
    }
    if (per_ctx)
        r2 = dv_ctx_set(row->id, ctx, 2);
    else
        r2 = dv_set(row->id, s, 2);
    vd = observe(row, how, d, &td);
    v2 = observe(row, how, s, &t2);
    vf = observe_new(row, how, ctx, &tf);
    if (v0 == NULL || v1 == NULL || vd == NULL || v2 == NULL || vf == NULL) {
        snprintf(out, len, "not observed (the flight or handshake failed)");
        goto out;
    }
    /* The observation works only if the original shows its values: for a
     * getter, variant 1 differs from what SSL_new hands on; for an
     * observer, the original shows variant 2 once set (or, without a
     * per-SSL setter, a new SSL shows the SSL_CTX's second value). */
    if ((how == 1 && !per_ctx && strcmp(v1, v0) == 0) ||
        (how == 2 && !per_ctx && r2 == 1 && strcmp(v2, "variant 2") != 0 &&
         strcmp(v2, "variant 0") != 0 && strcmp(v2, "variant 1") != 0) ||
        (how == 2 && !per_ctx && strcmp(v0, "variant 1") == 0) ||
        (how == 2 && per_ctx && strcmp(vf, "variant 3") != 0)) {
        snprintf(out, len, "not observable with this library (the "
                 "original does not show the setting either)");
        goto out;
    }
    if (strcmp(vd, v1) == 0) {
        if (per_ctx)
            snprintf(out, len, "copied (no per-SSL setter, so sharing not "
                     "tested)");
        else if (r2 != 1 || strcmp(v2, v1) == 0)
            snprintf(out, len, "copied (the original takes no second value, "
                     "so sharing not tested)");
        else
            snprintf(out, len, "copied");
    } else if (strcmp(vd, v2) == 0 && strcmp(v2, vf) == 0) {
        snprintf(out, len, "DROPPED or SHARED: the copy has the original's "
                 "second value, which is also what a new SSL has");
    } else if (strcmp(vd, vf) == 0 || strcmp(vd, v0) == 0) {
        snprintf(out, len, ctx_own || per_ctx || strcmp(vd, "variant 3") == 0
                 ? "DROPPED: the copy has the SSL_CTX's value"
                 : "DROPPED: the copy has the default");
    } else if (strcmp(vd, v2) == 0) {
        snprintf(out, len, "SHARED: a change to the original shows in the "
                 "copy");
    } else {
        snprintf(out, len, "DIFFERENT: the copy shows %s", vd);
    }
 out:
    ERR_clear_error();
    SSL_free(d);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* The verdict of a row in one mode; for the rows whose SSL_CTX may hold a
 * value of its own, also with that value when the verdict differs. */
static void run_mode(const struct st_dup_row *row, int with_session,
                     char *out, size_t len)
{
    SSL_CTX *probe = SSL_CTX_new(TLS_method());
    int has_own = probe != NULL && dv_ctx_set(row->id, probe, 0) == 1;
    char a[256], b[256];

    SSL_CTX_free(probe);
    ERR_clear_error();
    run_row(row, with_session, 0, a, sizeof(a));
    if (!has_own) {
        snprintf(out, len, "%s", a);
        return;
    }
    run_row(row, with_session, 1, b, sizeof(b));
    if (strcmp(a, b) == 0)
        snprintf(out, len, "%s", a);
    else
        snprintf(out, len, "%s; SSL_CTX with its own value: %s", a, b);
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
        SSL_set_app_data(s, DV_ARG(1));
        d = SSL_dup(s);
        if (d == NULL) {
            lasterr(why, sizeof(why));
            snprintf(line, sizeof(line), "SSL_dup returned NULL (%s)", why);
        } else {
            snprintf(line, sizeof(line), "SSL_dup succeeded, app_data %s",
                     SSL_get_app_data(d) == DV_ARG(1) ? "copied" : "dropped");
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

/* SSL_new of an SSL_CTX with an info callback: does the SSL hold it
 * (the table's info callback row, as `inherited` compares it)? */
static void new_info_cb(const SSL *s, int where, int ret)
{
    (void)s; (void)where; (void)ret;
}

static void info_callback_of_new(void)
{
    const struct st_dup_row *row = st_dup_row_find("info_callback");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = NULL;
    char why[600] = "";
    const char *r;

    if (ctx != NULL) {
        SSL_CTX_set_info_callback(ctx, new_info_cb);
        s = SSL_new(ctx);
    }
    if (row == NULL || s == NULL)
        r = "probe failed";
    else if (st_dup_row_inherited(row, s, ctx, why, sizeof(why)))
        r = "the SSL holds the SSL_CTX's (SSL_get_info_callback)";
    else
        r = SSL_get_info_callback(s) == NULL
            ? "the SSL holds none (SSL_get_info_callback returns NULL)"
            : why;
    printf("INFO\tSSL_new of an SSL_CTX with an info callback\t%s\n", r);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

int main(void)
{
    char a[600], b[600], why[256];

    if (st_dup_table_check(why, sizeof(why)) != 0) {
        fprintf(stderr, "dupfindings: the SSL_dup table fails its check: %s\n",
                why);
        return 1;
    }
    printf("INFO\tlibrary\t%s\n", OpenSSL_version(OPENSSL_VERSION));
    app_data_without_index();
    info_callback_of_new();
    /* From here on, one index is registered, as any application using
     * ex_data has (the probes need SSL_dup to succeed). */
    if (SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL) < 0 || !dv_init()) {
        fprintf(stderr, "dupfindings: cannot make the test material\n");
        return 1;
    }
    for (size_t i = 0; i < st_dup_row_count(); i++) {
        const struct st_dup_row *row = st_dup_row_at(i);

        run_mode(row, 0, a, sizeof(a));
        run_mode(row, 1, b, sizeof(b));
        if (strncmp(a, "setup failed", 12) == 0) {
            fprintf(stderr, "dupfindings: row %s: %s\n", row->id, a);
            return 1;
        }
        printf("ROW\t%d\t%s\t%s\t%s\t%s\n", row->item,
               st_dup_item_name(row->item), row->aspect, a, b);
    }
    dv_cleanup();
    return 0;
}
