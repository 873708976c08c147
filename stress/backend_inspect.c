/* minissl-only introspection.  See backend_inspect.h.  Everything that
 * depends on minissl/inspect.h is in the ST_BACKEND_MINISSL branch; the
 * rest (the internal sections) is the same on every backend. */
#include "backend_inspect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#if defined(ST_BACKEND_MINISSL)
#define ST_HAVE_INSPECT 1
#include <minissl/fault.h>
#include <minissl/inspect.h>
#endif

bool st_be_fault_header(const char *name)
{
#ifdef ST_HAVE_INSPECT
    if (getenv("MINISSL_FAULT") != NULL || !minissl_faults_built())
        return false;
    return minissl_fault_enable(name) == 1;
#else
    (void)name;
    return false;
#endif
}

void st_be_fault_header_end(void)
{
#ifdef ST_HAVE_INSPECT
    minissl_fault_reset();
#endif
}

bool st_be_fault_info(size_t i, const char **name, const char **about,
                      const char **models)
{
#ifdef ST_HAVE_INSPECT
    size_t n;
    const struct minissl_fault_info *f = minissl_fault_list(&n);

    if (i >= n)
        return false;
    *name = f[i].name;
    *about = f[i].about;
    *models = f[i].models;
    return true;
#else
    (void)i, (void)name, (void)about, (void)models;
    return false;
#endif
}

#ifdef ST_HAVE_INSPECT

static enum minissl_type mtype(enum st_type t)
{
    return t == ST_TY_CTX ? MINISSL_SSL_CTX
         : t == ST_TY_SSL ? MINISSL_SSL
         : t == ST_TY_X509 ? MINISSL_X509
         : t == ST_TY_PKEY ? MINISSL_EVP_PKEY : MINISSL_SSL_SESSION;
}

unsigned st_be_inspect_features(void)
{
    return ST_FEAT_INTROSPECTION;
}

int st_be_inspect_refs(enum st_type t, void *obj)
{
    (void)t;
    return minissl_refcount(obj);
}

uint64_t st_be_inspect_id(enum st_type t, void *obj)
{
    (void)t;
    return minissl_object_id(obj);
}

bool st_be_inspect_freed(enum st_type t, void *obj, uint64_t id)
{
    if (obj == NULL)
        return true;
    /* A live object of the type with the same id is the same object. */
    return !(minissl_object_valid(obj, mtype(t)) &&
             minissl_object_id(obj) == id);
}

long long st_be_inspect_live(void)
{
    return minissl_live_objects_total();
}

long long st_be_inspect_remaining(char *what, size_t len)
{
    long long total = 0;
    size_t used = 0;
    long n;
    int t;

    minissl_quarantine_flush();
    what[0] = '\0';
    for (t = 0; t <= MINISSL_TYPE_COUNT; t++) {
        n = t < MINISSL_TYPE_COUNT
            ? minissl_live_objects((enum minissl_type)t)
            : minissl_live_allocations();
        if (n <= 0)
            continue;
        total += n;
        if (used < len)
            used += (size_t)snprintf(what + used, len - used, "%s%ld %s",
                                     used ? ", " : "", n,
                                     t < MINISSL_TYPE_COUNT
                                         ? minissl_type_name((enum minissl_type)t)
                                         : "allocation(s)");
    }
    return total;
}

long long st_be_inspect_live_ssl(void)
{
    return minissl_live_objects(MINISSL_SSL);
}

void st_be_inspect_detectors(struct st_be_detect *d)
{
    d->quarantine_hits = 0;     /* a quarantine hit aborts: a crash report */
    d->misuse = minissl_misuse_count();
}

size_t st_be_inspect_census(long long *objs, size_t n, long long *quarantined)
{
    size_t t;

    for (t = 0; t < MINISSL_TYPE_COUNT && t < n; t++)
        objs[t] = minissl_live_objects((enum minissl_type)t);
    *quarantined = (long long)minissl_quarantine_count();
    return t;
}

const char *st_be_inspect_type_name(size_t i)
{
    return minissl_type_name((enum minissl_type)i);
}

int st_be_inspect_use_serverinfo(void *ssl, const unsigned char *info,
                                 size_t len)
{
    return info == NULL ? 1 : minissl_SSL_use_serverinfo(ssl, info, len);
}

static void add_u16s(struct st_text *t, const uint16_t *p, size_t n)
{
    if (p == NULL || n == 0) {
        st_text_add(t, "none");
        return;
    }
    for (size_t i = 0; i < n; i++)
        st_text_add(t, "%s%#06x", i ? ":" : "", (unsigned)p[i]);
}

/* The minissl getter NAME of the object at hand: minissl_SSL_NAME of an
 * SSL, minissl_SSL_CTX_NAME of an SSL_CTX (one of s and c is NULL). */
#define G(name, ...) (s != NULL ? minissl_SSL_##name(s, __VA_ARGS__) \
                                : minissl_SSL_CTX_##name(c, __VA_ARGS__))
#define G0(name) (s != NULL ? minissl_SSL_##name(s) : minissl_SSL_CTX_##name(c))

static void custom_exts(const SSL *s, const SSL_CTX *c, struct st_text *t)
{
    unsigned int type, context;
    SSL_custom_ext_add_cb_ex add;
    SSL_custom_ext_free_cb_ex fr;
    SSL_custom_ext_parse_cb_ex parse;
    void *add_arg, *parse_arg;

    st_text_add(t, "[");
    for (size_t i = 0; G(get_custom_ext, i, &type, &context, &add, &fr,
                         &add_arg, &parse, &parse_arg); i++) {
        st_text_add(t, "%s{type %u context %#x add ", i ? ", " : "", type,
                    context);
        st_text_fn(t, (st_fn)add);
        st_text_add(t, " free ");
        st_text_fn(t, (st_fn)fr);
        st_text_add(t, " add_arg ");
        st_text_ptr(t, add_arg);
        st_text_add(t, " parse ");
        st_text_fn(t, (st_fn)parse);
        st_text_add(t, " parse_arg ");
        st_text_ptr(t, parse_arg);
        st_text_add(t, "}");
    }
    st_text_add(t, "]");
}

/* Every TLSA record, every field: usage, selector, matching type, data. */
static void dane_tlsa(const SSL *s, struct st_text *t)
{
    uint8_t usage, selector, mtype;
    const unsigned char *data;
    size_t dlen;

    st_text_add(t, "[");
    for (size_t i = 0; minissl_SSL_get0_dane_tlsa(s, i, &usage, &selector,
                                                  &mtype, &data, &dlen); i++) {
        st_text_add(t, "%s{usage %u selector %u mtype %u data ", i ? ", " : "",
                    usage, selector, mtype);
        st_text_bytes(t, data, dlen);
        st_text_add(t, "}");
    }
    st_text_add(t, "]");
}

/* The cipher list of an SSL_CTX, in the form of dupitems.c's ciphers
 * rows: one half, the TLS 1.3 suites (TLS_*) or the others. */
static void ctx_ciphers(const SSL_CTX *c, struct st_text *t, int tls13)
{
    const char *name;
    int n = 0;

    st_text_add(t, "[");
    for (int i = 0; (name = minissl_SSL_CTX_get_cipher_list(c, i)) != NULL;
         i++)
        if ((strncmp(name, "TLS_", 4) == 0) == (tls13 != 0))
            st_text_add(t, "%s%s", n++ ? ":" : "", name);
    st_text_add(t, "]");
}

/* One aspect of an SSL (s) or of an SSL_CTX (c): false when the object
 * has no such aspect (DANE's per-SSL state, the role). */
static bool render(enum st_dup_inspect what, const SSL *s, const SSL_CTX *c,
                   struct st_text *t)
{
    const X509_VERIFY_PARAM *param =
        s != NULL ? SSL_get0_param((SSL *)s) : SSL_CTX_get0_param((SSL_CTX *)c);
    const unsigned char *u;
    const uint16_t *w;
    size_t n;

    switch (what) {
    case ST_DI_NONE:
        return false;
    case ST_DI_SID_CTX:
        n = G(get0_session_id_context, &u);
        st_text_bytes(t, u, n);
        return true;
    case ST_DI_TMP_DH_KEY:
        st_text_ptr(t, G0(get0_tmp_dh_pkey));
        return true;
    case ST_DI_TMP_DH_CB:
        st_text_fn(t, (st_fn)G0(get_tmp_dh_callback));
        return true;
    case ST_DI_DH_AUTO:
        st_text_add(t, "%d", G0(get_dh_auto));
        return true;
    case ST_DI_SIGALGS:
        n = G(get0_sigalgs, &w);
        add_u16s(t, w, n);
        return true;
    case ST_DI_CLIENT_SIGALGS:
        n = G(get0_client_sigalgs, &w);
        add_u16s(t, w, n);
        return true;
    case ST_DI_PURPOSE:
        st_text_add(t, "%d", minissl_X509_VERIFY_PARAM_get_purpose(param));
        return true;
    case ST_DI_TRUST:
        st_text_add(t, "%d", minissl_X509_VERIFY_PARAM_get_trust(param));
        return true;
    case ST_DI_MSG_CB:
        st_text_fn(t, (st_fn)G0(get_msg_callback));
        return true;
    case ST_DI_MSG_CB_ARG:
        st_text_ptr(t, G0(get_msg_callback_arg));
        return true;
    case ST_DI_GEN_SESSION_ID:
        st_text_fn(t, (st_fn)G0(get_generate_session_id));
        return true;
    case ST_DI_OWN_CLIENT_CA_LIST:
        st_text_names(t, G0(get0_own_client_CA_list));
        return true;
    case ST_DI_SERVERINFO:
        n = G(get0_serverinfo, &u);
        st_text_bytes(t, u, n);
        return true;
    case ST_DI_PSK_HINT:
        st_text_str(t, G0(get0_psk_identity_hint));
        return true;
    case ST_DI_CUSTOM_EXT:
        custom_exts(s, c, t);
        return true;
    case ST_DI_CLIENT_CERT_TYPES:
        n = G(get0_client_cert_types, &u);
        st_text_bytes(t, u, n);
        return true;
    case ST_DI_CTX_CIPHERS:
    case ST_DI_CTX_SUITES:      /* the SSL's: a public getter (dupitems.c) */
        if (c == NULL)
            return false;
        ctx_ciphers(c, t, what == ST_DI_CTX_SUITES);
        return true;
    case ST_DI_DANE_ENABLED:
    case ST_DI_DANE_BASEDOMAIN:
    case ST_DI_DANE_TLSA:
    case ST_DI_ROLE_CHOSEN:
        break;
    }
    if (s == NULL)
        return false;
    switch (what) {
    case ST_DI_DANE_ENABLED:
        st_text_add(t, "%d", minissl_SSL_dane_enabled(s));
        return true;
    case ST_DI_DANE_BASEDOMAIN:
        st_text_str(t, minissl_SSL_get0_dane_basedomain(s));
        return true;
    case ST_DI_DANE_TLSA:
        dane_tlsa(s, t);
        return true;
    case ST_DI_ROLE_CHOSEN:
        st_text_add(t, "%d", minissl_SSL_role_chosen(s));
        return true;
    default:
        return false;
    }
}
#undef G
#undef G0

bool st_be_inspect_render(enum st_dup_inspect what, void *ssl,
                          struct st_text *t)
{
    return render(what, ssl, NULL, t);
}

bool st_be_inspect_render_ctx(enum st_dup_inspect what, void *ctx,
                              struct st_text *t)
{
    return render(what, NULL, ctx, t);
}

#else

unsigned st_be_inspect_features(void)
{
    return 0;
}

int st_be_inspect_refs(enum st_type t, void *obj)
{
    (void)t;
    (void)obj;
    return -1;
}

uint64_t st_be_inspect_id(enum st_type t, void *obj)
{
    (void)t;
    (void)obj;
    return 0;
}

bool st_be_inspect_freed(enum st_type t, void *obj, uint64_t id)
{
    (void)t;
    (void)obj;
    (void)id;
    return false;
}

long long st_be_inspect_remaining(char *what, size_t len)
{
    (void)what;
    (void)len;
    return -1;
}

long long st_be_inspect_live(void)
{
    return 0;
}

long long st_be_inspect_live_ssl(void)
{
    return -1;
}

void st_be_inspect_detectors(struct st_be_detect *d)
{
    memset(d, 0, sizeof(*d));
}

size_t st_be_inspect_census(long long *objs, size_t n, long long *quarantined)
{
    (void)objs;
    (void)n;
    (void)quarantined;
    return 0;
}

const char *st_be_inspect_type_name(size_t i)
{
    (void)i;
    return "object";
}

int st_be_inspect_use_serverinfo(void *ssl, const unsigned char *info,
                                 size_t len)
{
    (void)ssl;
    (void)info;
    (void)len;
    return -1;
}

bool st_be_inspect_render(enum st_dup_inspect what, void *ssl,
                          struct st_text *out)
{
    (void)what;
    (void)ssl;
    (void)out;
    return false;
}

bool st_be_inspect_render_ctx(enum st_dup_inspect what, void *ctx,
                              struct st_text *out)
{
    return st_be_inspect_render(what, ctx, out);
}
#endif

/* ---- controlled scheduling (controlled.c): minissl's yield-point hook ----
 * The one place that sees <minissl/sched.h>: translates its events for the
 * harness's scheduler.  minissl_sched_* come from lib/src/sched.c; in a
 * build without -DMINISSL_SCHED they exist but no yield point calls them. */

/* The calling thread's depth of harness-internal sections (see the
 * header).  Thread-local: only its own thread reads or writes it. */
static _Thread_local unsigned internal_depth;

void st_be_internal_enter(void)
{
    internal_depth++;
}

void st_be_internal_leave(void)
{
    internal_depth--;
}

#ifdef ST_HAVE_INSPECT
#include <minissl/sched.h>

static st_sched_point_fn sched_fn;

static void sched_hook(enum minissl_sched_event ev,
                       const struct minissl_sched_point *p, void *arg)
{
    struct st_sched_point sp = {
        .label = p->label, .kind = p->kind, .id = p->id, .obj = p->obj,
        .before = p->before, .after = p->after, .what = p->what,
    };
    int e = ev == MINISSL_SCHED_YIELD ? ST_SP_YIELD
          : ev == MINISSL_SCHED_NOTE ? ST_SP_NOTE
          : ev == MINISSL_SCHED_BLOCKED ? ST_SP_BLOCKED : ST_SP_RELEASE;

    (void)arg;
    /* A harness-internal section: not a point, not a step. */
    if (internal_depth > 0 && (e == ST_SP_YIELD || e == ST_SP_NOTE))
        return;
    sched_fn(e, &sp);
}

bool st_be_sched_available(void)
{
    return minissl_sched_available() != 0;
}

bool st_be_sched_install(st_sched_point_fn fn)
{
    if (!st_be_sched_available())
        return false;
    sched_fn = fn;
    minissl_sched_set_hook(fn != NULL ? sched_hook : NULL, NULL);
    return true;
}
#else
bool st_be_sched_available(void)
{
    return false;
}

bool st_be_sched_install(st_sched_point_fn fn)
{
    (void)fn;
    return false;
}
#endif
