/* <minissl/sched.h>: yield points for controlled scheduling.
 *
 * A build with -DMINISSL_SCHED (build/sched) calls a hook at every
 * reference-count load, store and read-modify-write, every lock acquire and
 * release, the SSL_dup state check and every session-cache operation.  A
 * controlled-scheduling harness installs the hook and, inside it, decides
 * which of its threads runs next: exactly one runs at a time, so the order
 * of the calls below is the interleaving.  In every other build the hook is
 * never called and minissl_sched_available() returns 0; the yield points
 * compile to nothing.
 *
 * Events, in the order one labelled operation makes them:
 *
 *   MINISSL_SCHED_YIELD     before the operation: the hook may run other
 *                           threads before it returns (a preemption point).
 *   MINISSL_SCHED_NOTE      after the operation, with the values seen and
 *                           written (before/after) and what it did ("freed").
 *                           Never a preemption point: for the timeline.
 *   MINISSL_SCHED_BLOCKED   a lock acquire found the lock held: the calling
 *                           thread cannot go on until some thread makes a
 *                           MINISSL_SCHED_RELEASE of the same obj.  The hook
 *                           must run another thread; when it returns, the
 *                           caller tries again (and may report BLOCKED again).
 *                           All threads blocked is a deadlock.
 *   MINISSL_SCHED_RELEASE   after a lock release (a NOTE that unblocks).
 *
 * A lock acquire is YIELD "<x>.lock.acquire", then BLOCKED (same label)
 * for as long as the lock is held elsewhere, then a NOTE with what
 * "acquired"; a release is RELEASE "<x>.lock.release" right after the
 * unlock, with no YIELD before it.
 *
 * Labels are stable strings ("ssl.refcount.dec", "ssl.lock.acquire",
 * "dup.state_check", "sess_cache.lookup", ...); the list, with what each
 * NOTE carries, is in doc/controlled-scheduling.md (and at the top of
 * lib/src/sched_hook.h).  A hook is called only on the thread making
 * the operation; with no hook installed (or on a thread the harness does not
 * control, which the hook itself decides) the operations run as usual. */
#ifndef MINISSL_SCHED_H
#define MINISSL_SCHED_H

#include <limits.h>

enum minissl_sched_event {
    MINISSL_SCHED_YIELD,
    MINISSL_SCHED_NOTE,
    MINISSL_SCHED_BLOCKED,
    MINISSL_SCHED_RELEASE
};

#define MINISSL_SCHED_NOVALUE LONG_MIN

struct minissl_sched_point {
    const char *label;      /* stable: "ssl.refcount.dec" */
    const char *kind;       /* object type: "SSL", "SSL_CTX", "SSL_SESSION",
                             * "BIO", "EVP_PKEY", "X509"; "lock" for a
                             * global lock, "ERR" for the shared error
                             * stack (a seeded fault) */
    unsigned long id;       /* the object's minissl id (SSL#3), 0 if none */
    const void *obj;        /* an address: the object's; for a lock's
                             * events the mutex's (BLOCKED and RELEASE of
                             * one lock carry the same obj); for the session
                             * cache's operations the cache's */
    long before, after;     /* NOTE: value seen and written, or NOVALUE */
    const char *what;       /* NOTE: NULL or what happened ("freed") */
};

typedef void (*minissl_sched_hook_fn)(enum minissl_sched_event ev,
                                      const struct minissl_sched_point *p,
                                      void *arg);

/* 1 in a -DMINISSL_SCHED build, else 0. */
int minissl_sched_available(void);
/* Install (or with NULL remove) the hook; process-wide.  Call it while no
 * other thread is inside minissl. */
void minissl_sched_set_hook(minissl_sched_hook_fn fn, void *arg);

#endif
