/* Yield points: the hook of <minissl/sched.h> and the helpers behind the
 * macros of sched_hook.h (labels, events, the cooperative lock).
 *
 * Concurrency.  The hook and its argument are installed while no other
 * thread is inside minissl (the API's rule) and only read afterwards, so
 * relaxed atomics suffice: they are atomics only so that a reader never
 * sees a torn pointer, and they publish nothing (the hook's own state is
 * the harness's to synchronise).  The events add no synchronisation of
 * their own between the threads that make them.
 *
 * Without -DMINISSL_SCHED only the two public functions exist: the hook is
 * never stored, never called, and no other object refers to this file. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <minissl/sched.h>

#include "internal.h"
#include "sched_hook.h"

#ifdef MINISSL_SCHED

static _Atomic(minissl_sched_hook_fn) hook;
static _Atomic(void *) hook_arg;

int minissl_sched_available(void)
{
    return 1;
}

void minissl_sched_set_hook(minissl_sched_hook_fn fn, void *arg)
{
    /* relaxed: see the top comment (set while no thread is inside). */
    atomic_store_explicit(&hook_arg, arg, memory_order_relaxed);
    atomic_store_explicit(&hook, fn, memory_order_relaxed);
}

void ms_sched_event(enum minissl_sched_event ev, const char *label,
                    const char *kind, unsigned long id, const void *obj,
                    long before, long after, const char *what)
{
    /* relaxed: see the top comment. */
    minissl_sched_hook_fn fn = atomic_load_explicit(&hook,
                                                    memory_order_relaxed);
    struct minissl_sched_point p;

    if (fn == NULL)
        return;
    p.label = label;
    p.kind = kind;
    p.id = id;
    p.obj = obj;
    p.before = before;
    p.after = after;
    p.what = what;
    fn(ev, &p, atomic_load_explicit(&hook_arg, memory_order_relaxed));
}

/* Types whose counts have labels, and the labels: kind, then one label per
 * enum ms_sched_refop. */
static const struct {
    const char *kind;
    const char *label[MS_SCHED_REFOP_COUNT];
} ref_labels[] = {
#define REF_LABELS(kind, t)                                                  \
    { kind, { t ".refcount.inc", t ".refcount.dec", t ".refcount.load",     \
              t ".refcount.store" } }
    REF_LABELS("SSL", "ssl"),
    REF_LABELS("SSL_CTX", "ssl_ctx"),
    REF_LABELS("SSL_SESSION", "ssl_session"),
    REF_LABELS("BIO", "bio"),
    REF_LABELS("EVP_PKEY", "evp_pkey"),
    REF_LABELS("X509", "x509"),
    REF_LABELS("object", "object"),     /* last: anything else */
#undef REF_LABELS
};

void ms_sched_ref(enum minissl_sched_event ev, const char *type,
                  enum ms_sched_refop op, unsigned long id,
                  const struct ms_ref *r, long before, long after,
                  const char *what)
{
    size_t n = sizeof(ref_labels) / sizeof(ref_labels[0]), i;
    /* The object that embeds |r| (struct ms_obj's refs): an address for
     * the hook to compare, never dereferenced here.  Integer arithmetic:
     * a count outside an object (unit tests) gives a meaningless but
     * harmless value. */
    const void *obj = (const void *)((uintptr_t)r
                                     - offsetof(struct ms_obj, refs));

    /* relaxed: see the top comment. */
    if (atomic_load_explicit(&hook, memory_order_relaxed) == NULL)
        return;
    for (i = 0; i < n - 1; i++)
        if (strcmp(ref_labels[i].kind, type) == 0)
            break;
    ms_sched_event(ev, ref_labels[i].label[op],
                   i < n - 1 ? ref_labels[i].kind : type, id, obj, before,
                   after, what);
}

void ms_sched_lock(pthread_mutex_t *m, const char *label, const char *kind,
                   unsigned long id)
{
    /* relaxed: see the top comment. */
    minissl_sched_hook_fn fn = atomic_load_explicit(&hook,
                                                    memory_order_relaxed);
    struct minissl_sched_point p = {
        label, kind, id, m, MINISSL_SCHED_NOVALUE, MINISSL_SCHED_NOVALUE, NULL
    };
    void *arg;

    if (fn == NULL) {
        pthread_mutex_lock(m);
        return;
    }
    arg = atomic_load_explicit(&hook_arg, memory_order_relaxed);
    fn(MINISSL_SCHED_YIELD, &p, arg);
    /* The hook runs the thread that holds |m| (or waits for it); the
     * holder's unlock raises RELEASE for the same |m|. */
    while (pthread_mutex_trylock(m) != 0)
        fn(MINISSL_SCHED_BLOCKED, &p, arg);
    p.what = "acquired";
    fn(MINISSL_SCHED_NOTE, &p, arg);
}

void ms_sched_unlock(pthread_mutex_t *m, const char *label, const char *kind,
                     unsigned long id)
{
    pthread_mutex_unlock(m);
    ms_sched_event(MINISSL_SCHED_RELEASE, label, kind, id, m,
                   MINISSL_SCHED_NOVALUE, MINISSL_SCHED_NOVALUE, NULL);
}

#else /* !MINISSL_SCHED */

int minissl_sched_available(void)
{
    return 0;
}

void minissl_sched_set_hook(minissl_sched_hook_fn fn, void *arg)
{
    /* No yield points in this build: the hook would never be called. */
    (void)fn;
    (void)arg;
}

#endif
