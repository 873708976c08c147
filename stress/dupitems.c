/* The table of what SSL_dup copies.  See dupitems.h.
 *
 * Only OpenSSL's public API is called here (the file compiles against
 * minissl, the system OpenSSL 3 and BoringSSL); the rows without a public
 * getter are rendered by backend_inspect.c.  A getter the library lacks
 * (backend_caps.h) is compiled out: its row renders nothing there. */
#include "dupitems.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "backend_caps.h"
#include "backend_inspect.h"

/* ---- texts ------------------------------------------------------------- */

void st_text_clear(struct st_text *t)
{
    t->s[0] = '\0';
    t->len = 0;
}

void st_text_add(struct st_text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->len >= sizeof(t->s) - 1)
        return;
    va_start(ap, fmt);
    n = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(t->s) - t->len) {
        t->len = sizeof(t->s) - 1;
        memcpy(t->s + t->len - 3, "...", 4);
        return;
    }
    t->len += (size_t)n;
}

void st_text_ptr(struct st_text *t, const void *p)
{
    if (p == NULL)
        st_text_add(t, "none");
    else
        st_text_add(t, "@%p", p);
}

/* A function pointer, whatever its type, by its bytes (C has no
 * conversion of a function pointer to void *). */
void st_text_fn(struct st_text *t, st_fn fn)
{
    uintmax_t u = 0;

    if (fn == NULL) {
        st_text_add(t, "none");
        return;
    }
    memcpy(&u, &fn, sizeof(fn) < sizeof(u) ? sizeof(fn) : sizeof(u));
    st_text_add(t, "fn@%#jx", u);
}

void st_text_bytes(struct st_text *t, const unsigned char *p, size_t n)
{
    if (p == NULL || n == 0) {
        st_text_add(t, "none");
        return;
    }
    for (size_t i = 0; i < n; i++)
        st_text_add(t, "%02x", p[i]);
}

void st_text_str(struct st_text *t, const char *s)
{
    if (s == NULL)
        st_text_add(t, "none");
    else
        st_text_add(t, "\"%s\"", s);
}

static void add_name(struct st_text *t, const X509_NAME *n)
{
    char buf[256];

    if (n == NULL)
        st_text_add(t, "none");
    else
        st_text_add(t, "%s", X509_NAME_oneline(n, buf, sizeof(buf)));
}

void st_text_names(struct st_text *t, const void *names)
{
    const STACK_OF(X509_NAME) *sk = names;
    int n = sk == NULL ? 0 : (int)sk_X509_NAME_num(sk);

    if (sk == NULL) {
        st_text_add(t, "none");
        return;
    }
    st_text_add(t, "[");
    for (int i = 0; i < n; i++) {
        st_text_add(t, "%s", i ? ", " : "");
        add_name(t, sk_X509_NAME_value(sk, i));
    }
    st_text_add(t, "]");
}

/* ---- getters over the public API -------------------------------------- */

/* The object a getter reads: an SSL or an SSL_CTX (the other NULL).
 * OpenSSL names the getter of an aspect SSL_X for an SSL and SSL_CTX_X for
 * an SSL_CTX: GET(X) calls the one for the object at hand.  PAIR(name)
 * makes of g_name(obj) the row's getter of an SSL, r_name, and of an
 * SSL_CTX, c_name (`inherited`). */
struct obj {
    SSL *s;
    SSL_CTX *c;
};

#define GET(f) (o->s != NULL ? SSL_##f(o->s) : SSL_CTX_##f(o->c))
#define GETA(f, ...) (o->s != NULL ? SSL_##f(o->s, __VA_ARGS__) \
                                   : SSL_CTX_##f(o->c, __VA_ARGS__))
#define PAIR(name)                                                          \
    static void r_##name(SSL *s, struct st_text *t)                          \
    {                                                                        \
        const struct obj ob = { s, NULL };                                   \
        g_##name(&ob, t);                                                    \
    }                                                                        \
    static void c_##name(SSL_CTX *c, struct st_text *t)                      \
    {                                                                        \
        const struct obj ob = { NULL, c };                                   \
        g_##name(&ob, t);                                                    \
    }

static void r_ctx(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_SSL_CTX(s));
}

static void c_ctx(SSL_CTX *c, struct st_text *t)
{
    st_text_ptr(t, c);
}

/* 1. session data */
static void r_session(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_session(s));
}

/* The bytes |get| shows of |s|'s session, or "no session". */
static void session_bytes(SSL *s, struct st_text *t,
                          const unsigned char *(*get)(const SSL_SESSION *,
                                                      unsigned int *))
{
    SSL_SESSION *ss = SSL_get_session(s);
    const unsigned char *p;
    unsigned int n = 0;

    if (ss == NULL) {
        st_text_add(t, "no session");
        return;
    }
    p = get(ss, &n);
    st_text_bytes(t, p, n);
}

static void r_session_id(SSL *s, struct st_text *t)
{
    session_bytes(s, t, SSL_SESSION_get_id);
}

static void r_session_id_ctx(SSL *s, struct st_text *t)
{
    session_bytes(s, t, SSL_SESSION_get0_id_context);
}

static void r_session_times(SSL *s, struct st_text *t)
{
    SSL_SESSION *ss = SSL_get_session(s);

    if (ss == NULL)
        st_text_add(t, "no session");
    else
        st_text_add(t, "time %lld timeout %lld",
                    (long long)SSL_SESSION_get_time(ss),
                    (long long)SSL_SESSION_get_timeout(ss));
}

static void r_session_resumable(SSL *s, struct st_text *t)
{
    SSL_SESSION *ss = SSL_get_session(s);

    if (ss == NULL)
        st_text_add(t, "no session");
    else
        st_text_add(t, "%d", SSL_SESSION_is_resumable(ss));
}

static void r_session_peer(SSL *s, struct st_text *t)
{
    SSL_SESSION *ss = SSL_get_session(s);
    X509 *x = ss != NULL ? SSL_SESSION_get0_peer(ss) : NULL;

    if (ss == NULL)
        st_text_add(t, "no session");
    else if (x == NULL)
        st_text_add(t, "no peer");
    else
        add_name(t, X509_get_subject_name(x));
}

static void r_session_protocol(SSL *s, struct st_text *t)
{
    SSL_SESSION *ss = SSL_get_session(s);

    if (ss == NULL)
        st_text_add(t, "no session");
    else
        st_text_add(t, "%#x", (unsigned)SSL_SESSION_get_protocol_version(ss));
}

/* 3. certificates, keys, chains */
static void g_cert(const struct obj *o, struct st_text *t)
{
    X509 *x = o->s != NULL ? SSL_get_certificate(o->s)
                           : SSL_CTX_get0_certificate(o->c);

    st_text_ptr(t, x);
    if (x != NULL) {
        st_text_add(t, " ");
        add_name(t, X509_get_subject_name(x));
    }
}

PAIR(cert)

static void g_key(const struct obj *o, struct st_text *t)
{
    st_text_ptr(t, o->s != NULL ? SSL_get_privatekey(o->s)
                                : SSL_CTX_get0_privatekey(o->c));
}
PAIR(key)

static void g_chain(const struct obj *o, struct st_text *t)
{
    STACK_OF(X509) *sk = NULL;

    if (!GETA(get0_chain_certs, &sk) || sk == NULL) {
        st_text_add(t, "none");
        return;
    }
    st_text_add(t, "[");
    for (int i = 0; i < (int)sk_X509_num(sk); i++) {
        st_text_add(t, "%s", i ? ", " : "");
        st_text_ptr(t, sk_X509_value(sk, i));
    }
    st_text_add(t, "]");
}
PAIR(chain)

/* 5. DANE: SSL_dane_clear_flags(s, 0) returns the flags and clears none. */
#if ST_HAVE_DANE
static void g_dane_flags(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#lx", GETA(dane_clear_flags, 0));
}
PAIR(dane_flags)
#endif

/* 6-8 */
static void g_options(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#llx", (unsigned long long)GET(get_options));
}
PAIR(options)

static void g_mode(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#lx", (long)GET(get_mode));
}
PAIR(mode)

static void g_min_proto(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#lx", (long)GET(get_min_proto_version));
}
PAIR(min_proto)

static void g_max_proto(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#lx", (long)GET(get_max_proto_version));
}
PAIR(max_proto)

/* 9. verify mode, callback, depth, X509 verify parameters */
static void g_verify_mode(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#x", (unsigned)GET(get_verify_mode));
}
PAIR(verify_mode)

static void g_verify_cb(const struct obj *o, struct st_text *t)
{
    st_text_fn(t, (st_fn)GET(get_verify_callback));
}
PAIR(verify_cb)

static void g_verify_depth(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%d", GET(get_verify_depth));
}
PAIR(verify_depth)

static void g_param_own(const struct obj *o, struct st_text *t)
{
    st_text_ptr(t, GET(get0_param));
}
PAIR(param_own)

static void g_param_flags(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#lx", X509_VERIFY_PARAM_get_flags(GET(get0_param)));
}
PAIR(param_flags)

#if ST_HAVE_PARAM_GET
static void g_param_hostflags(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%#x", X509_VERIFY_PARAM_get_hostflags(GET(get0_param)));
}
PAIR(param_hostflags)
#endif

#if ST_HAVE_PARAM_HOST
static void g_param_hosts(const struct obj *o, struct st_text *t)
{
    X509_VERIFY_PARAM *p = GET(get0_param);
    const char *h;

    st_text_add(t, "[");
    for (int i = 0; (h = X509_VERIFY_PARAM_get0_host(p, i)) != NULL; i++) {
        st_text_add(t, "%s", i ? ", " : "");
        st_text_str(t, h);
    }
    st_text_add(t, "]");
}
PAIR(param_hosts)
#endif

#if ST_HAVE_PARAM_GET
static void g_param_auth_level(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%d", X509_VERIFY_PARAM_get_auth_level(GET(get0_param)));
}
PAIR(param_auth_level)

static void g_param_time(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%lld",
                (long long)X509_VERIFY_PARAM_get_time(GET(get0_param)));
}
PAIR(param_time)

static void g_param_email(const struct obj *o, struct st_text *t)
{
    st_text_str(t, X509_VERIFY_PARAM_get0_email(GET(get0_param)));
}
PAIR(param_email)

static void g_param_ip(const struct obj *o, struct st_text *t)
{
    char *ip = X509_VERIFY_PARAM_get1_ip_asc(GET(get0_param));

    st_text_str(t, ip);
    OPENSSL_free(ip);
}
PAIR(param_ip)
#endif

/* 10-11 */
static void g_info_cb(const struct obj *o, struct st_text *t)
{
    st_text_fn(t, (st_fn)GET(get_info_callback));
}
PAIR(info_cb)

#if ST_HAVE_SSL_PASSWD_CB
static void g_passwd_cb(const struct obj *o, struct st_text *t)
{
    st_text_fn(t, (st_fn)GET(get_default_passwd_cb));
}
PAIR(passwd_cb)

static void g_passwd_userdata(const struct obj *o, struct st_text *t)
{
    st_text_ptr(t, GET(get_default_passwd_cb_userdata));
}
PAIR(passwd_userdata)
#endif

/* 13. The cipher list as SSL_get_cipher_list gives it, in two halves:
 * OpenSSL (and minissl) name every TLS 1.3 suite TLS_* and no TLS 1.2
 * cipher so. */
static void ciphers(SSL *s, struct st_text *t, int tls13)
{
    const char *c;
    int n = 0;

    st_text_add(t, "[");
    for (int i = 0; (c = SSL_get_cipher_list(s, i)) != NULL; i++)
        if ((strncmp(c, "TLS_", 4) == 0) == (tls13 != 0))
            st_text_add(t, "%s%s", n++ ? ":" : "", c);
    st_text_add(t, "]");
}

static void r_ciphers(SSL *s, struct st_text *t)
{
    ciphers(s, t, 0);
}

static void r_suites(SSL *s, struct st_text *t)
{
    ciphers(s, t, 1);
}

/* An SSL_CTX's, in the same form: SSL_CTX_get_ciphers where the library
 * has it (minissl: its inspect getter, backend_inspect.c). */
#if ST_HAVE_CTX_GET_CIPHERS
static void ctx_ciphers(SSL_CTX *c, struct st_text *t, int tls13)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(c);
    int n = 0;

    st_text_add(t, "[");
    for (int i = 0; sk != NULL && i < (int)sk_SSL_CIPHER_num(sk); i++) {
        const char *name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i));

        if ((strncmp(name, "TLS_", 4) == 0) == (tls13 != 0))
            st_text_add(t, "%s%s", n++ ? ":" : "", name);
    }
    st_text_add(t, "]");
}

static void c_ciphers(SSL_CTX *c, struct st_text *t)
{
    ctx_ciphers(c, t, 0);
}

static void c_suites(SSL_CTX *c, struct st_text *t)
{
    ctx_ciphers(c, t, 1);
}
#endif

/* 14-17 */
static void r_is_server(SSL *s, struct st_text *t)
{
    st_text_add(t, "%s", SSL_is_server(s) ? "server" : "client");
}

/* The role SSL_new gives an SSL of |c|: a server unless the method cannot
 * accept (of the harness's three methods, TLS_client_method). */
#if ST_HAVE_SSL_METHOD
static void c_is_server(SSL_CTX *c, struct st_text *t)
{
    st_text_add(t, "%s", SSL_CTX_get_ssl_method(c) == TLS_client_method()
                             ? "client" : "server");
}

/* The method, named when it is one of the harness's three. */
static void g_method(const struct obj *o, struct st_text *t)
{
    const SSL_METHOD *m = GET(get_ssl_method);

    if (m == TLS_method())
        st_text_add(t, "TLS_method");
    else if (m == TLS_client_method())
        st_text_add(t, "TLS_client_method");
    else if (m == TLS_server_method())
        st_text_add(t, "TLS_server_method");
    else
        st_text_ptr(t, m);
}
PAIR(method)
#endif

static void g_max_cert_list(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%ld", (long)GET(get_max_cert_list));
}
PAIR(max_cert_list)

static void g_read_ahead(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%d", (int)GET(get_read_ahead));
}
PAIR(read_ahead)

static void r_app_data(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_app_data(s));
}

void st_exbox_text(const struct st_exbox *b, struct st_text *t)
{
    if (b == NULL)
        st_text_add(t, "none");
    else
        st_text_add(t, "%ld", b->value);
}

static void r_exbox(SSL *s, struct st_text *t)
{
    int idx = st_dup_exbox_index();

    st_exbox_text(idx >= 0 ? SSL_get_ex_data(s, idx) : NULL, t);
}

static void r_exbox_own(SSL *s, struct st_text *t)
{
    int idx = st_dup_exbox_index();

    st_text_ptr(t, idx >= 0 ? SSL_get_ex_data(s, idx) : NULL);
}

/* 18-19 */
#if ST_HAVE_CA_LIST
static void g_ca_list(const struct obj *o, struct st_text *t)
{
    st_text_names(t, GET(get0_CA_list));
}
PAIR(ca_list)
#endif

static void g_client_ca_list(const struct obj *o, struct st_text *t)
{
    st_text_names(t, GET(get_client_CA_list));
}
PAIR(client_ca_list)

#if ST_HAVE_SECURITY
static void g_sec_level(const struct obj *o, struct st_text *t)
{
    st_text_add(t, "%d", GET(get_security_level));
}
PAIR(sec_level)

static void g_sec_cb(const struct obj *o, struct st_text *t)
{
    st_text_fn(t, (st_fn)GET(get_security_callback));
}
PAIR(sec_cb)

static void g_sec_ex(const struct obj *o, struct st_text *t)
{
    st_text_ptr(t, GET(get0_security_ex_data));
}
PAIR(sec_ex)
#endif

#undef GET
#undef GETA
#undef PAIR

/* ---- the table --------------------------------------------------------- */

static const char *const items[ST_DUP_ITEMS + 1] = {
    "the same SSL_CTX",
    "session data (including the session_id_context)",
    "tmp_dh settings",
    "certificates, private keys, certificate chains",
    "signature algorithms, client signature algorithms",
    "DANE settings",
    "options (SSL_set_options)",
    "mode (SSL_set_mode)",
    "minimum and maximum protocol",
    "verify mode, callback, depth, X509 verification parameters",
    "msg callback, info callback",
    "default password callback",
    "session id generation callback",
    "cipher list",
    "initial accept (server) or connect (client) state",
    "max cert list",
    "read_ahead",
    "application data (SSL_set_app_data)",
    "CA list, client CA list",
    "security level and callback",
    "serverinfo",
    "PSK identity hint",
    "custom extensions",
    "client certificate types",
};

/* Rows SSL_new gives no value of the SSL_CTX's (the session, the SSL's
 * own DANE state, the role chosen, app data and ex_data): */
#define ROW(id_, item_, aspect_, fn, di, how_, ossl, cfn, cdi, inh)        \
    { .id = id_, .item = item_, .aspect = aspect_, .render = fn,           \
      .inspect = di, .how = how_, .openssl = ossl, .render_ctx = cfn,      \
      .inspect_ctx = cdi, .inherit = inh }
#define PUB(id, item, aspect, fn) \
    ROW(id, item, aspect, fn, ST_DI_NONE, ST_DUP_EQUAL, NULL, NULL, \
        ST_DI_NONE, ST_INH_NO)
#define OWN(id, item, aspect, fn) \
    ROW(id, item, aspect, fn, ST_DI_NONE, ST_DUP_OWN, NULL, NULL, \
        ST_DI_NONE, ST_INH_NO)
#define INS(id, item, aspect, di, ossl) \
    ROW(id, item, aspect, NULL, di, ST_DUP_EQUAL, ossl, NULL, ST_DI_NONE, \
        ST_INH_NO)
/* ... and those it does (`inherited`), with the SSL_CTX's getter: */
#define PUBI(...) PUBI_(__VA_ARGS__)  /* BOTH() is two arguments */
#define PUBI_(id, item, aspect, fn, cfn) \
    ROW(id, item, aspect, fn, ST_DI_NONE, ST_DUP_EQUAL, NULL, cfn, \
        ST_DI_NONE, ST_INH_EQUAL)
#define OWNI(id, item, aspect, fn, cfn) \
    ROW(id, item, aspect, fn, ST_DI_NONE, ST_DUP_OWN, NULL, cfn, \
        ST_DI_NONE, ST_INH_OWN)
#define INSI(id, item, aspect, di, ossl) \
    ROW(id, item, aspect, NULL, di, ST_DUP_EQUAL, ossl, NULL, di, \
        ST_INH_EQUAL)
/* Both of a pair of getters, where the library has them (backend_caps.h). */
#define BOTH(cap, name) \
    ST_PICK(cap, r_##name, NULL), ST_PICK(cap, c_##name, NULL)

#define NOGET "no public getter in OpenSSL 3.0"
static const struct st_dup_row rows[] = {
    PUBI("ctx", 0, "SSL_get_SSL_CTX", r_ctx, c_ctx),
    PUB("session", 1, "session (SSL_get_session)", r_session),
    PUB("session.id", 1, "session id (SSL_SESSION_get_id)", r_session_id),
    PUB("session.id_context", 1,
        "session's id context (SSL_SESSION_get0_id_context)",
        r_session_id_ctx),
    PUB("session.times", 1, "session time and timeout", r_session_times),
    PUB("session.resumable", 1, "session resumable (SSL_SESSION_is_resumable)",
        r_session_resumable),
    PUB("session.peer", 1, "session peer (SSL_SESSION_get0_peer)",
        r_session_peer),
    PUB("session.protocol", 1, "session protocol version",
        r_session_protocol),
    INSI("sid_ctx", 1, "the SSL's session id context", ST_DI_SID_CTX,
         NOGET " (it shows in the sessions the SSL makes)"),
    INSI("tmp_dh.key", 2, "tmp_dh key (SSL_set0_tmp_dh_pkey)",
         ST_DI_TMP_DH_KEY, NOGET " (a TLS 1.2 DHE client sees its size)"),
    INSI("tmp_dh.callback", 2, "tmp_dh callback", ST_DI_TMP_DH_CB,
         NOGET " (its setter is deprecated in 3.0)"),
    INSI("tmp_dh.auto", 2, "dh_auto", ST_DI_DH_AUTO, NOGET),
    PUBI("cert", 3, "certificate (SSL_get_certificate)", r_cert, c_cert),
    PUBI("key", 3, "private key (SSL_get_privatekey)", r_key, c_key),
    PUBI("chain", 3, "chain (SSL_get0_chain_certs)", r_chain, c_chain),
    INSI("sigalgs", 4, "signature algorithms", ST_DI_SIGALGS,
         NOGET " (they show in the ClientHello)"),
    INSI("client_sigalgs", 4, "client signature algorithms",
         ST_DI_CLIENT_SIGALGS,
         NOGET " (they show in a TLS 1.2 CertificateRequest)"),
    INS("dane.enabled", 5, "DANE enabled (SSL_dane_enable)",
        ST_DI_DANE_ENABLED,
        NOGET " (SSL_dane_tlsa_add fails on an SSL without DANE)"),
    INS("dane.basedomain", 5, "DANE base domain", ST_DI_DANE_BASEDOMAIN,
        NOGET " (SSL_dane_enable also makes it the first host name)"),
    INS("dane.tlsa", 5, "DANE TLSA records, each's usage, selector, "
        "matching type and data", ST_DI_DANE_TLSA,
        NOGET " (only the record that matched a handshake: "
        "SSL_get0_dane_tlsa)"),
    PUBI("dane.flags", 5, "DANE flags (SSL_dane_clear_flags(s, 0))",
         BOTH(DANE, dane_flags)),
    PUBI("options", 6, "SSL_get_options", r_options, c_options),
    PUBI("mode", 7, "SSL_get_mode", r_mode, c_mode),
    PUBI("proto.min", 8, "SSL_get_min_proto_version", r_min_proto,
         c_min_proto),
    PUBI("proto.max", 8, "SSL_get_max_proto_version", r_max_proto,
         c_max_proto),
    PUBI("verify.mode", 9, "verify mode (SSL_get_verify_mode)",
         r_verify_mode, c_verify_mode),
    PUBI("verify.callback", 9, "verify callback (SSL_get_verify_callback)",
         r_verify_cb, c_verify_cb),
    PUBI("verify.depth", 9, "verify depth (SSL_get_verify_depth)",
         r_verify_depth, c_verify_depth),
    OWNI("param.own", 9, "verify parameters are the copy's own object "
         "(SSL_get0_param)", r_param_own, c_param_own),
    PUBI("param.flags", 9, "verify parameter flags", r_param_flags,
         c_param_flags),
    PUBI("param.hostflags", 9, "verify parameter host flags",
         BOTH(PARAM_GET, param_hostflags)),
    PUBI("param.hosts", 9, "verify parameter host names, every one",
         BOTH(PARAM_HOST, param_hosts)),
    PUBI("param.auth_level", 9, "verify parameter auth level",
         BOTH(PARAM_GET, param_auth_level)),
    INSI("param.purpose", 9, "verify parameter purpose", ST_DI_PURPOSE,
         NOGET " (X509_VERIFY_PARAM_get_purpose is newer; the verify result "
         "shows it)"),
    INSI("param.trust", 9, "verify parameter trust", ST_DI_TRUST,
         NOGET " (and without a trust store it decides nothing)"),
    PUBI("param.time", 9, "verify parameter time",
         BOTH(PARAM_GET, param_time)),
    PUBI("param.email", 9, "verify parameter email address",
         BOTH(PARAM_GET, param_email)),
    PUBI("param.ip", 9, "verify parameter IP address",
         BOTH(PARAM_GET, param_ip)),
    INSI("msg_callback", 10, "msg callback", ST_DI_MSG_CB,
         NOGET " (it is called in the first flight)"),
    INSI("msg_callback.arg", 10, "msg callback argument", ST_DI_MSG_CB_ARG,
         NOGET),
    PUBI("info_callback", 10, "info callback (SSL_get_info_callback)",
         r_info_cb, c_info_cb),
    PUBI("passwd.callback", 11, "default password callback",
         BOTH(SSL_PASSWD_CB, passwd_cb)),
    PUBI("passwd.userdata", 11, "default password callback userdata",
         BOTH(SSL_PASSWD_CB, passwd_userdata)),
    INSI("gen_session_id", 12, "session id generation callback",
         ST_DI_GEN_SESSION_ID, NOGET " (a TLS 1.2 server calls it)"),
    ROW("ciphers", 13, "TLS 1.2 cipher list (SSL_get_cipher_list)",
        r_ciphers, ST_DI_NONE, ST_DUP_EQUAL, NULL,
        ST_PICK(CTX_GET_CIPHERS, c_ciphers, NULL), ST_DI_CTX_CIPHERS,
        ST_INH_EQUAL),
    ROW("ciphersuites", 13, "TLS 1.3 suites (SSL_get_cipher_list)",
        r_suites, ST_DI_NONE, ST_DUP_EQUAL, NULL,
        ST_PICK(CTX_GET_CIPHERS, c_suites, NULL), ST_DI_CTX_SUITES,
        ST_INH_EQUAL),
    PUBI("role.server", 14, "SSL_is_server", r_is_server,
         ST_PICK(SSL_METHOD, c_is_server, NULL)),
    PUBI("method", 14, "the method (SSL_get_ssl_method), which has the "
         "accept and connect functions", BOTH(SSL_METHOD, method)),
    INS("role.chosen", 14, "a role chosen (connect or accept state)",
        ST_DI_ROLE_CHOSEN,
        NOGET " (SSL_do_handshake fails without one: the scenarios hand-"
        "shake the copy)"),
    PUBI("max_cert_list", 15, "SSL_get_max_cert_list", r_max_cert_list,
         c_max_cert_list),
    PUBI("read_ahead", 16, "SSL_get_read_ahead", r_read_ahead, c_read_ahead),
    PUB("app_data", 17, "SSL_get_app_data", r_app_data),
    PUB("ex_data", 17, "the harness's ex_data value", r_exbox),
    OWN("ex_data.own", 17, "the harness's ex_data value is the copy's own "
        "(its dup callback ran)", r_exbox_own),
    PUBI("ca_list", 18, "CA list (SSL_get0_CA_list)", BOTH(CA_LIST, ca_list)),
    ROW("client_ca_list", 18, "client CA list (SSL_get_client_CA_list: a "
        "client's is its peer's)", r_client_ca_list, ST_DI_NONE,
        ST_DUP_EQUAL, NULL, c_client_ca_list, ST_DI_NONE, ST_INH_SERVER),
    INSI("client_ca_list.own", 18, "the SSL's own client CA list",
         ST_DI_OWN_CLIENT_CA_LIST,
         NOGET " on a client (SSL_get_client_CA_list gives the peer's)"),
    PUBI("security.level", 19, "security level", BOTH(SECURITY, sec_level)),
    PUBI("security.callback", 19, "security callback",
         BOTH(SECURITY, sec_cb)),
    PUBI("security.ex_data", 19, "security callback ex data",
         BOTH(SECURITY, sec_ex)),
    INSI("serverinfo", 20, "serverinfo", ST_DI_SERVERINFO,
         NOGET " (set per SSL_CTX only; a TLS 1.2 client receives it)"),
    INSI("psk_hint", 21, "PSK identity hint", ST_DI_PSK_HINT,
         NOGET " (SSL_get_psk_identity_hint gives the received one)"),
    INSI("custom_ext", 22, "custom extensions: type, context, callbacks, "
         "arguments", ST_DI_CUSTOM_EXT,
         NOGET " (the add callback is called in the first flight)"),
    INSI("client_cert_types", 23, "client certificate types",
         ST_DI_CLIENT_CERT_TYPES,
         NOGET " (a TLS 1.2 CertificateRequest carries them)"),
};
#undef NOGET

#define NROWS (sizeof(rows) / sizeof(rows[0]))

const char *st_dup_item_name(int n)
{
    return n >= 0 && n <= ST_DUP_ITEMS ? items[n] : NULL;
}

const struct st_dup_row *st_dup_row_at(size_t i)
{
    return i < NROWS ? &rows[i] : NULL;
}

size_t st_dup_row_count(void)
{
    return NROWS;
}

const struct st_dup_row *st_dup_row_find(const char *id)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(rows[i].id, id) == 0)
            return &rows[i];
    return NULL;
}

bool st_dup_render(const struct st_dup_row *row, void *ssl,
                   struct st_text *out)
{
    st_text_clear(out);
    if (row->render != NULL) {
        /* A getter leaves the error stack as it was: OpenSSL's
         * X509_VERIFY_PARAM_get1_ip_asc raises an error when no address
         * is set. */
        ERR_set_mark();
        row->render(ssl, out);
        ERR_pop_to_mark();
        return true;
    }
    if (st_be_inspect_render(row->inspect, ssl, out))
        return true;
    st_text_clear(out);
    if (row->inspect == ST_DI_NONE)     /* a getter this library lacks */
        st_text_add(out, "not observable here: %s has no getter for it",
                    ST_LIB_NAME);
    else
        st_text_add(out, "not observable here: %s", row->openssl);
    return false;
}

bool st_dup_render_ctx(const struct st_dup_row *row, void *ctx,
                       struct st_text *out)
{
    st_text_clear(out);
    if (row->inherit == ST_INH_NO)
        return false;
    if (row->render_ctx != NULL) {
        ERR_set_mark();             /* as st_dup_render */
        row->render_ctx(ctx, out);
        ERR_pop_to_mark();
        return true;
    }
    if (st_be_inspect_render_ctx(row->inspect_ctx, ctx, out))
        return true;
    st_text_clear(out);
    return false;
}

/* Texts |ta| (A's) and |tb| (B's) of |row| in relation |how|: equal, or
 * each its own object.  On false, why says so, A and B named |na|, |nb|. */
static bool judge(const struct st_dup_row *row, bool own,
                  const struct st_text *ta, const struct st_text *tb,
                  const char *na, const char *nb, char *why, size_t whylen)
{
    bool same = strcmp(ta->s, tb->s) == 0;
    bool ok = !own ? same : !same || strcmp(ta->s, "none") == 0;

    if (!ok)
        snprintf(why, whylen, "%s: %s %s (%s: %s; %s: %s)",
                 items[row->item], row->aspect,
                 own ? "is shared" : "differs", na, ta->s, nb, tb->s);
    return ok;
}

bool st_dup_row_agrees(const struct st_dup_row *row, void *a, void *b,
                       char *why, size_t whylen)
{
    struct st_text ta, tb;

    if (!st_dup_render(row, a, &ta) || !st_dup_render(row, b, &tb))
        return true;
    return judge(row, row->how == ST_DUP_OWN, &ta, &tb, "A", "B", why,
                 whylen);
}

bool st_dup_row_inherited(const struct st_dup_row *row, void *ssl,
                          void *ctx, char *why, size_t whylen)
{
    struct st_text ts, tc;

    if (row->inherit == ST_INH_NO ||
        (row->inherit == ST_INH_SERVER && !SSL_is_server(ssl)))
        return true;
    if (!st_dup_render(row, ssl, &ts) || !st_dup_render_ctx(row, ctx, &tc))
        return true;
    return judge(row, row->inherit == ST_INH_OWN, &ts, &tc, "SSL",
                 "SSL_CTX", why, whylen);
}

bool st_dup_inherited(void *ssl, void *ctx, char *why, size_t whylen)
{
    if (ssl == NULL || ctx == NULL) {
        snprintf(why, whylen, "an object is missing");
        return false;
    }
    for (size_t i = 0; i < NROWS; i++)
        if (!st_dup_row_inherited(&rows[i], ssl, ctx, why, whylen))
            return false;
    return true;
}

bool st_dup_compare(void *a, void *b, char *why, size_t whylen)
{
    if (a == NULL || b == NULL) {
        snprintf(why, whylen, "an object is missing");
        return false;
    }
    for (size_t i = 0; i < NROWS; i++)
        if (!st_dup_row_agrees(&rows[i], a, b, why, whylen))
            return false;
    return true;
}

int st_dup_table_check(char *why, size_t whylen)
{
    int problems = 0;
    bool covered[ST_DUP_ITEMS + 1] = { false };

#define PROBLEM(...) \
    do { \
        if (problems++ == 0) \
            snprintf(why, whylen, __VA_ARGS__); \
    } while (0)
    for (size_t i = 0; i < NROWS; i++) {
        const struct st_dup_row *r = &rows[i];

        if (r->item < 0 || r->item > ST_DUP_ITEMS)
            PROBLEM("row %s names item %d", r->id, r->item);
        else
            covered[r->item] = true;
        /* A library without SSL_dup (BoringSSL) lacks getters OpenSSL 3.0
         * has too (backend_caps.h): its rows stay, unrendered. */
        if (r->render == NULL && (r->inspect == ST_DI_NONE ||
                                  r->openssl == NULL) && ST_HAVE_SSL_SHARE)
            PROBLEM("row %s has no getter, or does not say what OpenSSL "
                    "offers", r->id);
        for (size_t k = 0; k < i; k++)
            if (strcmp(rows[k].id, r->id) == 0)
                PROBLEM("row id %s twice", r->id);
    }
    for (int n = 1; n <= ST_DUP_ITEMS; n++)
        if (!covered[n])
            PROBLEM("item %d (%s) has no row", n, items[n]);
#undef PROBLEM
    return problems;
}
