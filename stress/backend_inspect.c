/* minissl-only introspection.  See backend_inspect.h.  Everything that
 * depends on minissl/inspect.h is in the ST_BACKEND_MINISSL branch; the
 * rest (st_be_names_equal, the internal sections) is the same on every
 * backend. */
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

/* OpenSSL's public API only: the same on every backend. */
bool st_be_names_equal(const void *pa, const void *pb)
{
    const STACK_OF(X509_NAME) *a = pa, *b = pb;
    int n = a == NULL ? 0 : sk_X509_NAME_num(a);

    if (n != (b == NULL ? 0 : sk_X509_NAME_num(b)))
        return false;
    for (int i = 0; i < n; i++)
        if (X509_NAME_cmp(sk_X509_NAME_value(a, i),
                          sk_X509_NAME_value(b, i)) != 0)
            return false;
    return true;
}

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

int st_be_inspect_use_serverinfo(void *ssl, const unsigned char *info,
                                 size_t len)
{
    return info == NULL ? 1 : minissl_SSL_use_serverinfo(ssl, info, len);
}

static bool bytes_eq(const void *a, size_t na, const void *b, size_t nb,
                     size_t elem)
{
    return na == nb && (na == 0 || memcmp(a, b, na * elem) == 0);
}

#define DIFF ST_BE_DIFF              /* backend_inspect.h */
#define SAME ST_BE_SAME

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

    na = minissl_SSL_get0_session_id_context(a, &ua);
    nb = minissl_SSL_get0_session_id_context(b, &ub);
    DIFF(!bytes_eq(ua, na, ub, nb, 1), "session id context");
    SAME(minissl_SSL_get0_tmp_dh_pkey, "tmp_dh key");
    SAME(minissl_SSL_get_tmp_dh_callback, "tmp_dh callback");
    SAME(minissl_SSL_get_dh_auto, "dh_auto");
    na = minissl_SSL_get0_sigalgs(a, &wa);
    nb = minissl_SSL_get0_sigalgs(b, &wb);
    DIFF(!bytes_eq(wa, na, wb, nb, sizeof(*wa)), "sigalgs");
    na = minissl_SSL_get0_client_sigalgs(a, &wa);
    nb = minissl_SSL_get0_client_sigalgs(b, &wb);
    DIFF(!bytes_eq(wa, na, wb, nb, sizeof(*wa)), "client sigalgs");
    SAME(minissl_SSL_dane_enabled, "DANE");
    DIFF(!str_eq(minissl_SSL_get0_dane_basedomain(a),
                 minissl_SSL_get0_dane_basedomain(b)), "DANE base domain");
    SAME(minissl_SSL_dane_tlsa_count, "DANE TLSA records");
    SAME(minissl_SSL_get_dane_flags, "DANE flags");
    SAME(minissl_SSL_get_msg_callback, "msg callback");
    SAME(minissl_SSL_get_msg_callback_arg, "msg callback arg");
    SAME(minissl_SSL_get_generate_session_id, "session id callback");
    na = minissl_SSL_get0_serverinfo(a, &ua);
    nb = minissl_SSL_get0_serverinfo(b, &ub);
    DIFF(!bytes_eq(ua, na, ub, nb, 1), "serverinfo");
    DIFF(!str_eq(minissl_SSL_get0_psk_identity_hint(a),
                 minissl_SSL_get0_psk_identity_hint(b)), "PSK identity hint");
    SAME(minissl_SSL_custom_ext_count, "custom extensions");
    na = minissl_SSL_get0_client_cert_types(a, &ua);
    nb = minissl_SSL_get0_client_cert_types(b, &ub);
    DIFF(!bytes_eq(ua, na, ub, nb, 1), "client certificate types");
    DIFF(!st_be_names_equal(minissl_SSL_get0_own_client_CA_list(a),
                            minissl_SSL_get0_own_client_CA_list(b)),
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

int st_be_inspect_use_serverinfo(void *ssl, const unsigned char *info,
                                 size_t len)
{
    (void)ssl;
    (void)info;
    (void)len;
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
