/* ms_ref: the one reference count that every minissl object uses.
 *
 * Contract
 *   ms_ref_init(r, n)      n >= 1, before the object is shared.
 *   ms_ref_up(r, ...)      caller holds a reference.  Returns 1.  An up_ref
 *                          of a dead object (count <= 0) or past
 *                          MS_REF_SATURATED is diagnosed and aborts.
 *   ms_ref_down(r, ...)    caller gives up one reference.  Returns the count
 *                          after the decrement: 0 means the caller owns the
 *                          object exclusively and must destroy it.  A
 *                          decrement of a count already <= 0 (double free,
 *                          or free of a freed object still in quarantine)
 *                          is diagnosed and aborts.
 *   ms_ref_get(r)          a snapshot for introspection only.
 *   ms_ref_load(r, ...)    the same where the value decides something.
 *
 * Any number of threads that each hold a reference may call up and down
 * concurrently.
 *
 * Memory order argument
 *   up:   relaxed.  The caller already holds a reference, so the object
 *         cannot be destroyed under it, and the increment publishes nothing.
 *   down: acq_rel on the read-modify-write.  The release half orders every
 *         write this thread made to the object before its decrement; the
 *         acquire half lets the thread that reaches 0 see all of them before
 *         it destroys the object.  We do not use release + a lone acquire
 *         fence on the zero path: ThreadSanitizer does not model standalone
 *         fences and would report the destructor's reads as races.
 *   Helgrind and DRD do not derive ordering from atomics, so the same edge is
 *   declared to them: HAPPENS_BEFORE on the count before each decrement,
 *   HAPPENS_AFTER on it by the thread that reached zero.
 *
 * Yield points (sched_hook.h, sched build only): "<type>.refcount.inc",
 * ".dec" and ".load" before each operation, with a NOTE of the old and new
 * count after it; they add no synchronisation.
 *
 * Saturation: counts never wrap.  MS_REF_SATURATED leaves headroom so that
 * racing increments past the check cannot reach INT_MAX. */
#ifndef MS_REFCOUNT_H
#define MS_REFCOUNT_H

#include <limits.h>
#include <stdatomic.h>

#include "annotate.h"
#include "sched_hook.h"

#define MS_REF_SATURATED (INT_MAX / 2)

struct ms_ref {
    atomic_int n;
};

/* Diagnoses a misuse ("SSL #17: up_ref of a freed object (count 0)") on
 * stderr, counts it for minissl/inspect.h, and aborts.  Never returns. */
_Noreturn void ms_ref_misuse(const char *type, unsigned long id, int old,
                             const char *op);
/* The same for another contract violation minissl can prove (a torn
 * SSL_dup copy): counts it, prints "minissl: MESSAGE", aborts. */
_Noreturn void ms_contract_abort(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void ms_ref_init(struct ms_ref *r, int n)
{
    atomic_init(&r->n, n);
}

static inline int ms_ref_up(struct ms_ref *r, const char *type,
                            unsigned long id)
{
    int old;

    MS_SCHED_REF_YIELD(type, MS_SCHED_INC, id, r);
    /* relaxed: see the header comment; we hold a reference. */
    old = atomic_fetch_add_explicit(&r->n, 1, memory_order_relaxed);
    MS_SCHED_REF_NOTE(type, MS_SCHED_INC, id, r, old, old + 1,
                      old <= 0 || old >= MS_REF_SATURATED ? "misuse" : NULL);
    if (old <= 0 || old >= MS_REF_SATURATED)
        ms_ref_misuse(type, id, old, "up_ref");
    return 1;
}

static inline int ms_ref_down(struct ms_ref *r, const char *type,
                              unsigned long id)
{
    int old;

    MS_SCHED_REF_YIELD(type, MS_SCHED_DEC, id, r);
    /* Helgrind/DRD: our writes to the object happen before the thread
     * that destroys it (paired with MS_HAPPENS_AFTER below). */
    MS_HAPPENS_BEFORE(&r->n);
    /* acq_rel: release publishes our writes with the decrement; acquire
     * makes the last thread see everyone's before it destroys. */
    old = atomic_fetch_sub_explicit(&r->n, 1, memory_order_acq_rel);
    MS_SCHED_REF_NOTE(type, MS_SCHED_DEC, id, r, old, old - 1,
                      old <= 0 ? "misuse" : old == 1 ? "freed" : NULL);
    if (old <= 0)
        ms_ref_misuse(type, id, old, "free");
    if (old == 1) {
        MS_HAPPENS_AFTER(&r->n);
        MS_HAPPENS_FORGET_ALL(&r->n);   /* the memory will be reused */
    }
    return old - 1;
}

static inline int ms_ref_get(const struct ms_ref *r)
{
    /* relaxed: a snapshot for introspection; orders nothing. */
    return atomic_load_explicit(&((struct ms_ref *)r)->n,
                                memory_order_relaxed);
}

/* ms_ref_get of an object's count where the value decides something (a
 * yield point "<type>.refcount.load" in the sched build). */
static inline int ms_ref_load(const struct ms_ref *r, const char *type,
                              unsigned long id)
{
    int v;

    MS_SCHED_REF_YIELD(type, MS_SCHED_LOAD, id, r);
    v = ms_ref_get(r);
    MS_SCHED_REF_NOTE(type, MS_SCHED_LOAD, id, r, v, v, NULL);
    return v;
}

#endif
