/* minissl-only introspection.  See backend_inspect.h.  Everything that
 * depends on minissl/inspect.h is in the ST_BACKEND_MINISSL branch. */
#include "backend_inspect.h"

#include <stdio.h>
#include <string.h>

#if defined(ST_BACKEND_MINISSL)
#define ST_HAVE_INSPECT 1
#include <minissl/fault.h>
#include <minissl/inspect.h>
#endif

#include <stdlib.h>

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

#ifdef ST_HAVE_INSPECT

static enum minissl_type mtype(enum st_type t)
{
    return t == ST_TY_CTX ? MINISSL_SSL_CTX
         : t == ST_TY_SSL ? MINISSL_SSL : MINISSL_SSL_SESSION;
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

long long st_be_inspect_live_ssl(void)
{
    return minissl_live_objects(MINISSL_SSL);
}

void st_be_inspect_detectors(struct st_be_detect *d)
{
    d->quarantine_hits = 0;     /* a quarantine hit aborts: a crash report */
    d->misuse = minissl_misuse_count();
}

static int ext_add(SSL *s, unsigned int ext_type, unsigned int context,
                   const unsigned char **out, size_t *outlen, X509 *x,
                   size_t chainidx, int *al, void *add_arg)
{
    (void)s; (void)ext_type; (void)context; (void)x; (void)chainidx;
    (void)al; (void)add_arg;
    *out = NULL;
    *outlen = 0;
    return 0;
}

static int ext_parse(SSL *s, unsigned int ext_type, unsigned int context,
                     const unsigned char *in, size_t inlen, X509 *x,
                     size_t chainidx, int *al, void *parse_arg)
{
    (void)s; (void)ext_type; (void)context; (void)in; (void)inlen; (void)x;
    (void)chainidx; (void)al; (void)parse_arg;
    return 1;
}

int st_be_inspect_set_ssl(void *ssl, enum st_key key, const char *str,
                          bool on)
{
    unsigned char buf[64];
    size_t len;

    switch (key) {
    case ST_K_SERVERINFO:
        if (!on)
            return 1;
        str = "sslstress";
        len = strlen(str) > sizeof(buf) - 4 ? sizeof(buf) - 4 : strlen(str);
        buf[0] = 0xff;
        buf[1] = 0xdc;
        buf[2] = (unsigned char)(len >> 8);
        buf[3] = (unsigned char)len;
        memcpy(buf + 4, str, len);
        return minissl_SSL_use_serverinfo(ssl, buf, len + 4);
    case ST_K_CUSTOM_EXT:
        if (!on)
            return 1;
        return minissl_SSL_add_custom_ext(ssl, 0xff77, SSL_EXT_CLIENT_HELLO,
                                          ext_add, NULL, NULL, ext_parse,
                                          NULL);
    default:
        return -1;
    }
}

static bool bytes_eq(const void *a, size_t na, const void *b, size_t nb,
                     size_t elem)
{
    return na == nb && (na == 0 || memcmp(a, b, na * elem) == 0);
}

#define DIFF(cond, what) \
    do { \
        if (cond) { \
            snprintf(why, whylen, "%s differs", what); \
            return false; \
        } \
    } while (0)

static bool str_eq(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

bool st_be_inspect_copied(void *pa, void *pb, char *why, size_t whylen)
{
    const SSL *a = pa, *b = pb;
    const unsigned char *ua, *ub;
    const uint16_t *wa, *wb;
    size_t na, nb;
    STACK_OF(X509) *ca, *cb;
    STACK_OF(X509_NAME) *la, *lb;

    na = minissl_SSL_get0_session_id_context(a, &ua);
    nb = minissl_SSL_get0_session_id_context(b, &ub);
    DIFF(!bytes_eq(ua, na, ub, nb, 1), "session id context");
    DIFF(minissl_SSL_get0_tmp_dh_pkey(a) != minissl_SSL_get0_tmp_dh_pkey(b),
         "tmp_dh key");
    DIFF(minissl_SSL_get_tmp_dh_callback(a) !=
         minissl_SSL_get_tmp_dh_callback(b), "tmp_dh callback");
    DIFF(minissl_SSL_get_dh_auto(a) != minissl_SSL_get_dh_auto(b), "dh_auto");
    na = minissl_SSL_get0_sigalgs(a, &wa);
    nb = minissl_SSL_get0_sigalgs(b, &wb);
    DIFF(!bytes_eq(wa, na, wb, nb, sizeof(*wa)), "sigalgs");
    na = minissl_SSL_get0_client_sigalgs(a, &wa);
    nb = minissl_SSL_get0_client_sigalgs(b, &wb);
    DIFF(!bytes_eq(wa, na, wb, nb, sizeof(*wa)), "client sigalgs");
    DIFF(minissl_SSL_dane_enabled(a) != minissl_SSL_dane_enabled(b), "DANE");
    DIFF(!str_eq(minissl_SSL_get0_dane_basedomain(a),
                 minissl_SSL_get0_dane_basedomain(b)), "DANE base domain");
    DIFF(minissl_SSL_dane_tlsa_count(a) != minissl_SSL_dane_tlsa_count(b),
         "DANE TLSA records");
    DIFF(minissl_SSL_get_dane_flags(a) != minissl_SSL_get_dane_flags(b),
         "DANE flags");
    DIFF(minissl_SSL_get_msg_callback(a) != minissl_SSL_get_msg_callback(b),
         "msg callback");
    DIFF(minissl_SSL_get_msg_callback_arg(a) !=
         minissl_SSL_get_msg_callback_arg(b), "msg callback arg");
    DIFF(minissl_SSL_get_generate_session_id(a) !=
         minissl_SSL_get_generate_session_id(b), "session id callback");
    na = minissl_SSL_get0_serverinfo(a, &ua);
    nb = minissl_SSL_get0_serverinfo(b, &ub);
    DIFF(!bytes_eq(ua, na, ub, nb, 1), "serverinfo");
    DIFF(!str_eq(minissl_SSL_get0_psk_identity_hint(a),
                 minissl_SSL_get0_psk_identity_hint(b)), "PSK identity hint");
    DIFF(minissl_SSL_custom_ext_count(a) != minissl_SSL_custom_ext_count(b),
         "custom extensions");
    na = minissl_SSL_get0_client_cert_types(a, &ua);
    nb = minissl_SSL_get0_client_cert_types(b, &ub);
    DIFF(!bytes_eq(ua, na, ub, nb, 1), "client certificate types");
    la = minissl_SSL_get0_own_client_CA_list(a);
    lb = minissl_SSL_get0_own_client_CA_list(b);
    na = la == NULL ? 0 : (size_t)sk_X509_NAME_num(la);
    nb = lb == NULL ? 0 : (size_t)sk_X509_NAME_num(lb);
    DIFF(na != nb, "own client CA list");
    for (size_t i = 0; i < na; i++)
        DIFF(X509_NAME_cmp(sk_X509_NAME_value(la, (int)i),
                           sk_X509_NAME_value(lb, (int)i)) != 0,
             "own client CA list");
    ca = minissl_SSL_get0_chain(a);
    cb = minissl_SSL_get0_chain(b);
    na = ca == NULL ? 0 : (size_t)sk_X509_num(ca);
    nb = cb == NULL ? 0 : (size_t)sk_X509_num(cb);
    DIFF(na != nb, "certificate chain");
    for (size_t i = 0; i < na; i++)
        DIFF(sk_X509_value(ca, (int)i) != sk_X509_value(cb, (int)i),
             "certificate chain");
    return true;
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

int st_be_inspect_set_ssl(void *ssl, enum st_key key, const char *str,
                          bool on)
{
    (void)ssl;
    (void)key;
    (void)str;
    (void)on;
    return -1;
}

bool st_be_inspect_copied(void *a, void *b, char *why, size_t whylen)
{
    (void)a;
    (void)b;
    (void)why;
    (void)whylen;
    return true;
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
