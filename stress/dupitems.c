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

static void r_ctx(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_SSL_CTX(s));
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
static void r_cert(SSL *s, struct st_text *t)
{
    X509 *x = SSL_get_certificate(s);

    st_text_ptr(t, x);
    if (x != NULL) {
        st_text_add(t, " ");
        add_name(t, X509_get_subject_name(x));
    }
}

static void r_key(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_privatekey(s));
}

static void r_chain(SSL *s, struct st_text *t)
{
    STACK_OF(X509) *sk = NULL;

    if (!SSL_get0_chain_certs(s, &sk) || sk == NULL) {
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

/* 5. DANE: SSL_dane_clear_flags(s, 0) returns the flags and clears none. */
#if ST_HAVE_DANE
static void r_dane_flags(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#lx", SSL_dane_clear_flags(s, 0));
}
#endif

/* 6-8 */
static void r_options(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#llx", (unsigned long long)SSL_get_options(s));
}

static void r_mode(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#lx", (long)SSL_get_mode(s));
}

static void r_min_proto(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#lx", (long)SSL_get_min_proto_version(s));
}

static void r_max_proto(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#lx", (long)SSL_get_max_proto_version(s));
}

/* 9. verify mode, callback, depth, X509 verify parameters */
static void r_verify_mode(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#x", (unsigned)SSL_get_verify_mode(s));
}

static void r_verify_cb(SSL *s, struct st_text *t)
{
    st_text_fn(t, (st_fn)SSL_get_verify_callback(s));
}

static void r_verify_depth(SSL *s, struct st_text *t)
{
    st_text_add(t, "%d", SSL_get_verify_depth(s));
}

static void r_param_own(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get0_param(s));
}

static void r_param_flags(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#lx", X509_VERIFY_PARAM_get_flags(SSL_get0_param(s)));
}

#if ST_HAVE_PARAM_GET
static void r_param_hostflags(SSL *s, struct st_text *t)
{
    st_text_add(t, "%#x", X509_VERIFY_PARAM_get_hostflags(SSL_get0_param(s)));
}
#endif

#if ST_HAVE_PARAM_HOST
static void r_param_hosts(SSL *s, struct st_text *t)
{
    X509_VERIFY_PARAM *p = SSL_get0_param(s);
    const char *h;

    st_text_add(t, "[");
    for (int i = 0; (h = X509_VERIFY_PARAM_get0_host(p, i)) != NULL; i++) {
        st_text_add(t, "%s", i ? ", " : "");
        st_text_str(t, h);
    }
    st_text_add(t, "]");
}
#endif

#if ST_HAVE_PARAM_GET
static void r_param_auth_level(SSL *s, struct st_text *t)
{
    st_text_add(t, "%d", X509_VERIFY_PARAM_get_auth_level(SSL_get0_param(s)));
}

static void r_param_time(SSL *s, struct st_text *t)
{
    st_text_add(t, "%lld",
                (long long)X509_VERIFY_PARAM_get_time(SSL_get0_param(s)));
}

static void r_param_email(SSL *s, struct st_text *t)
{
    st_text_str(t, X509_VERIFY_PARAM_get0_email(SSL_get0_param(s)));
}

static void r_param_ip(SSL *s, struct st_text *t)
{
    char *ip = X509_VERIFY_PARAM_get1_ip_asc(SSL_get0_param(s));

    st_text_str(t, ip);
    OPENSSL_free(ip);
}
#endif

/* 10-11 */
static void r_info_cb(SSL *s, struct st_text *t)
{
    st_text_fn(t, (st_fn)SSL_get_info_callback(s));
}

#if ST_HAVE_SSL_PASSWD_CB
static void r_passwd_cb(SSL *s, struct st_text *t)
{
    st_text_fn(t, (st_fn)SSL_get_default_passwd_cb(s));
}

static void r_passwd_userdata(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_default_passwd_cb_userdata(s));
}
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

/* 14-17 */
static void r_is_server(SSL *s, struct st_text *t)
{
    st_text_add(t, "%s", SSL_is_server(s) ? "server" : "client");
}

static void r_max_cert_list(SSL *s, struct st_text *t)
{
    st_text_add(t, "%ld", (long)SSL_get_max_cert_list(s));
}

static void r_read_ahead(SSL *s, struct st_text *t)
{
    st_text_add(t, "%d", SSL_get_read_ahead(s));
}

static void r_app_data(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get_app_data(s));
}

static void r_exbox(SSL *s, struct st_text *t)
{
    int idx = st_dup_exbox_index();
    const struct st_exbox *b = idx >= 0 ? SSL_get_ex_data(s, idx) : NULL;

    if (b == NULL)
        st_text_add(t, "none");
    else
        st_text_add(t, "%ld", b->value);
}

static void r_exbox_own(SSL *s, struct st_text *t)
{
    int idx = st_dup_exbox_index();

    st_text_ptr(t, idx >= 0 ? SSL_get_ex_data(s, idx) : NULL);
}

/* 18-19 */
#if ST_HAVE_CA_LIST
static void r_ca_list(SSL *s, struct st_text *t)
{
    st_text_names(t, SSL_get0_CA_list(s));
}
#endif

static void r_client_ca_list(SSL *s, struct st_text *t)
{
    st_text_names(t, SSL_get_client_CA_list(s));
}

#if ST_HAVE_SECURITY
static void r_sec_level(SSL *s, struct st_text *t)
{
    st_text_add(t, "%d", SSL_get_security_level(s));
}

static void r_sec_cb(SSL *s, struct st_text *t)
{
    st_text_fn(t, (st_fn)SSL_get_security_callback(s));
}

static void r_sec_ex(SSL *s, struct st_text *t)
{
    st_text_ptr(t, SSL_get0_security_ex_data(s));
}
#endif

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

#define PUB(id, item, aspect, fn) \
    { id, item, aspect, fn, ST_DI_NONE, ST_DUP_EQUAL, NULL }
#define OWN(id, item, aspect, fn) \
    { id, item, aspect, fn, ST_DI_NONE, ST_DUP_OWN, NULL }
#define INS(id, item, aspect, di, ossl) \
    { id, item, aspect, NULL, di, ST_DUP_EQUAL, ossl }

#define NOGET "no public getter in OpenSSL 3.0"
static const struct st_dup_row rows[] = {
    PUB("ctx", 0, "SSL_get_SSL_CTX", r_ctx),
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
    INS("sid_ctx", 1, "the SSL's session id context", ST_DI_SID_CTX,
        NOGET " (it shows in the sessions the SSL makes)"),
    INS("tmp_dh.key", 2, "tmp_dh key (SSL_set0_tmp_dh_pkey)",
        ST_DI_TMP_DH_KEY, NOGET " (a TLS 1.2 DHE client sees its size)"),
    INS("tmp_dh.callback", 2, "tmp_dh callback", ST_DI_TMP_DH_CB, NOGET),
    INS("tmp_dh.auto", 2, "dh_auto", ST_DI_DH_AUTO, NOGET),
    PUB("cert", 3, "certificate (SSL_get_certificate)", r_cert),
    PUB("key", 3, "private key (SSL_get_privatekey)", r_key),
    PUB("chain", 3, "chain (SSL_get0_chain_certs)", r_chain),
    INS("sigalgs", 4, "signature algorithms", ST_DI_SIGALGS,
        NOGET " (they show in the ClientHello)"),
    INS("client_sigalgs", 4, "client signature algorithms",
        ST_DI_CLIENT_SIGALGS,
        NOGET " (they show in a TLS 1.2 CertificateRequest)"),
    INS("dane.enabled", 5, "DANE enabled (SSL_dane_enable)",
        ST_DI_DANE_ENABLED,
        NOGET " (SSL_dane_tlsa_add fails on an SSL without DANE)"),
    INS("dane.basedomain", 5, "DANE base domain", ST_DI_DANE_BASEDOMAIN,
        NOGET " (SSL_dane_enable also makes it the first host name)"),
    INS("dane.tlsa", 5, "DANE TLSA records", ST_DI_DANE_TLSA,
        NOGET " (only matches after a handshake: SSL_get0_dane_tlsa)"),
    PUB("dane.flags", 5, "DANE flags (SSL_dane_clear_flags(s, 0))",
        ST_PICK(DANE, r_dane_flags, NULL)),
    PUB("options", 6, "SSL_get_options", r_options),
    PUB("mode", 7, "SSL_get_mode", r_mode),
    PUB("proto.min", 8, "SSL_get_min_proto_version", r_min_proto),
    PUB("proto.max", 8, "SSL_get_max_proto_version", r_max_proto),
    PUB("verify.mode", 9, "verify mode (SSL_get_verify_mode)", r_verify_mode),
    PUB("verify.callback", 9, "verify callback (SSL_get_verify_callback)",
        r_verify_cb),
    PUB("verify.depth", 9, "verify depth (SSL_get_verify_depth)",
        r_verify_depth),
    OWN("param.own", 9, "verify parameters are the copy's own object "
        "(SSL_get0_param)", r_param_own),
    PUB("param.flags", 9, "verify parameter flags", r_param_flags),
    PUB("param.hostflags", 9, "verify parameter host flags",
        ST_PICK(PARAM_GET, r_param_hostflags, NULL)),
    PUB("param.hosts", 9, "verify parameter host names, every one",
        ST_PICK(PARAM_HOST, r_param_hosts, NULL)),
    PUB("param.auth_level", 9, "verify parameter auth level",
        ST_PICK(PARAM_GET, r_param_auth_level, NULL)),
    INS("param.purpose", 9, "verify parameter purpose", ST_DI_PURPOSE,
        NOGET " (X509_VERIFY_PARAM_get_purpose is newer; the verify result "
        "shows it)"),
    INS("param.trust", 9, "verify parameter trust", ST_DI_TRUST,
        NOGET " (and without a trust store it decides nothing)"),
    PUB("param.time", 9, "verify parameter time",
        ST_PICK(PARAM_GET, r_param_time, NULL)),
    PUB("param.email", 9, "verify parameter email address",
        ST_PICK(PARAM_GET, r_param_email, NULL)),
    PUB("param.ip", 9, "verify parameter IP address",
        ST_PICK(PARAM_GET, r_param_ip, NULL)),
    INS("msg_callback", 10, "msg callback", ST_DI_MSG_CB,
        NOGET " (it is called in the first flight)"),
    INS("msg_callback.arg", 10, "msg callback argument", ST_DI_MSG_CB_ARG,
        NOGET),
    PUB("info_callback", 10, "info callback (SSL_get_info_callback)",
        r_info_cb),
    PUB("passwd.callback", 11, "default password callback",
        ST_PICK(SSL_PASSWD_CB, r_passwd_cb, NULL)),
    PUB("passwd.userdata", 11, "default password callback userdata",
        ST_PICK(SSL_PASSWD_CB, r_passwd_userdata, NULL)),
    INS("gen_session_id", 12, "session id generation callback",
        ST_DI_GEN_SESSION_ID, NOGET " (a TLS 1.2 server calls it)"),
    PUB("ciphers", 13, "TLS 1.2 cipher list (SSL_get_cipher_list)",
        r_ciphers),
    PUB("ciphersuites", 13, "TLS 1.3 suites (SSL_get_cipher_list)",
        r_suites),
    PUB("role.server", 14, "SSL_is_server", r_is_server),
    INS("role.chosen", 14, "a role chosen (connect or accept state)",
        ST_DI_ROLE_CHOSEN,
        NOGET " (SSL_do_handshake fails without one: the scenarios hand-"
        "shake the copy)"),
    PUB("max_cert_list", 15, "SSL_get_max_cert_list", r_max_cert_list),
    PUB("read_ahead", 16, "SSL_get_read_ahead", r_read_ahead),
    PUB("app_data", 17, "SSL_get_app_data", r_app_data),
    PUB("ex_data", 17, "the harness's ex_data value", r_exbox),
    OWN("ex_data.own", 17, "the harness's ex_data value is the copy's own "
        "(its dup callback ran)", r_exbox_own),
    PUB("ca_list", 18, "CA list (SSL_get0_CA_list)",
        ST_PICK(CA_LIST, r_ca_list, NULL)),
    PUB("client_ca_list", 18, "client CA list (SSL_get_client_CA_list: a "
        "client's is its peer's)", r_client_ca_list),
    INS("client_ca_list.own", 18, "the SSL's own client CA list",
        ST_DI_OWN_CLIENT_CA_LIST,
        NOGET " on a client (SSL_get_client_CA_list gives the peer's)"),
    PUB("security.level", 19, "security level",
        ST_PICK(SECURITY, r_sec_level, NULL)),
    PUB("security.callback", 19, "security callback",
        ST_PICK(SECURITY, r_sec_cb, NULL)),
    PUB("security.ex_data", 19, "security callback ex data",
        ST_PICK(SECURITY, r_sec_ex, NULL)),
    INS("serverinfo", 20, "serverinfo", ST_DI_SERVERINFO,
        NOGET " (set per SSL_CTX only; a TLS 1.2 client receives it)"),
    INS("psk_hint", 21, "PSK identity hint", ST_DI_PSK_HINT,
        NOGET " (SSL_get_psk_identity_hint gives the received one)"),
    INS("custom_ext", 22, "custom extensions: type, context, callbacks, "
        "arguments", ST_DI_CUSTOM_EXT,
        NOGET " (the add callback is called in the first flight)"),
    INS("client_cert_types", 23, "client certificate types",
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

bool st_dup_row_agrees(const struct st_dup_row *row, void *a, void *b,
                       char *why, size_t whylen)
{
    struct st_text ta, tb;
    bool same, ok;

    if (!st_dup_render(row, a, &ta) || !st_dup_render(row, b, &tb))
        return true;
    same = strcmp(ta.s, tb.s) == 0;
    ok = row->how == ST_DUP_EQUAL ? same
                                  : !same || strcmp(ta.s, "none") == 0;
    if (!ok)
        snprintf(why, whylen, "%s: %s %s (A: %s; B: %s)",
                 items[row->item], row->aspect,
                 row->how == ST_DUP_EQUAL ? "differs" : "is shared",
                 ta.s, tb.s);
    return ok;
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
