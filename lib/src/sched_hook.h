/* Yield points for controlled scheduling: the internal half of
 * <minissl/sched.h> (events, hook) and sched.c (the hook's storage).
 *
 * Only a -DMINISSL_SCHED build (make VARIANT=sched) has them.  Without it
 * every macro below expands to nothing, or to the plain pthread call for
 * MS_LOCK/MS_UNLOCK, and never evaluates its other arguments: the normal,
 * tsan, asan and faults builds compile the same code as before the yield
 * points existed, and contain no reference to the hook.
 *
 * Events of one labelled operation: YIELD before it (the only preemption
 * point), NOTE after it with the values seen and written.  kind/id name
 * the object (minissl type name and object id: "SSL" 3 is SSL#3); obj is
 * its address, except for locks (the pthread_mutex_t, which BLOCKED and
 * RELEASE share) and the session cache (&ctx->cache).  Values a NOTE does
 * not carry are MINISSL_SCHED_NOVALUE; what is NULL unless said below.
 *
 * A lock: YIELD "<x>.lock.acquire"; while pthread_mutex_trylock fails,
 * BLOCKED "<x>.lock.acquire" (the hook runs other threads and returns when
 * this one may retry); NOTE "<x>.lock.acquire" what "acquired" once held.
 * Release: pthread_mutex_unlock, then RELEASE "<x>.lock.release" (no
 * YIELD before it).  With no hook installed, MS_LOCK is a plain blocking
 * pthread_mutex_lock and raises nothing.
 *
 * Labels, one a line (stable; doc/controlled-scheduling.md copies them).
 * <t>: ssl ssl_ctx ssl_session bio evp_pkey x509, of kind SSL SSL_CTX
 * SSL_SESSION BIO EVP_PKEY X509 ("object" for any other count).
 * "NOTE b>a w": the NOTE's before, after and what ("-": no value).
 * (F): only with that seeded fault switched on.
 *
 *   <t>.refcount.inc          up_ref's atomic increment. NOTE old>old+1;
 *                             "misuse" if old <= 0 or saturated (aborts)
 *   <t>.refcount.dec          free's atomic decrement. NOTE old>old-1;
 *                             "freed" at 0 (destructor next), "misuse" if
 *                             old <= 0 (aborts)
 *   <t>.refcount.load         a read of the count that decides something
 *                             (session seal checks, set_timeout; (F) the
 *                             load of a split update). NOTE v>v
 *   <t>.refcount.store        (F ssl_ref_nonatomic, ssl_free_check_then_act)
 *                             the store of a split update. NOTE count in
 *                             memory>stored; "freed" at 0, else "lost
 *                             update" if the count changed since the load
 *   ssl.lock.acquire          an SSL's lock (kind SSL)
 *   ssl.lock.release
 *   sess_cache.lock.acquire   an SSL_CTX's session cache (kind SSL_CTX)
 *   sess_cache.lock.release
 *   bio.lock.acquire          a BIO's own lock (kind BIO)
 *   bio.lock.release
 *   bio_pair.lock.acquire     a BIO pair's buffers (kind BIO: the caller)
 *   bio_pair.lock.release
 *   ex_data.lock.acquire      the ex_data registry (kind "lock", id 0)
 *   ex_data.lock.release
 *   quarantine.lock.acquire   freed-object quarantine (kind "lock", id 0)
 *   quarantine.lock.release
 *   dup.state_check           SSL_dup's "initial?" (under ssl.lock; not
 *                             under (F dup_check_unlocked)). NOTE state
 *                             seen (0 before, 1 mid, 2 done, 3 shutdown)
 *                             > 1 copy / 0 share, "copy" / "share"
 *   dup.copy                  (F dup_check_unlocked) between the check and
 *                             the copy. NOTE 0>state after the copy, "torn"
 *                             if the original left its initial state
 *   dup.share_cfg             (F dup_shared_cfg) before the copy takes the
 *                             original's PSK hint. NOTE ->- "psk_hint shared"
 *   sess_cache.lookup         a server's lookup. NOTE ->session id (0 none),
 *                             "hit" / "miss"
 *   sess_cache.add            NOTE ->1 "added" / ->0 "not added"
 *   sess_cache.remove         SSL_CTX_remove_session. NOTE ->1 "removed" /
 *                             ->0 "absent"
 *   sess_cache.flush          SSL_CTX_flush_sessions. NOTE ->-
 *   ssl_session.write         (F resume_writes_shared_session,
 *                             free_unfinished_not_resumable) before a write
 *                             into a shared session. NOTE ->value, field
 *                             ("version", "cipher_id", "not_resumable")
 *   ssl_session.ticket.load   (F ticket_replace_in_place) before it reads
 *                             the ticket. NOTE ->length read
 *   ssl_session.ticket.replace  (F) before it stores a new ticket and frees
 *                             the one it read. NOTE ->new length, "freed
 *                             old ticket"
 *   err.push err.set err.pop err.peek err.clear err.mark
 *                             (F err_stack_shared: kind "ERR", id 0) before
 *                             ERR_new, ERR_set_error, ERR_get_error*,
 *                             ERR_peek*, ERR_clear_error, the mark calls;
 *                             YIELD only
 * The four sess_cache operations' YIELDs come right before their
 * sess_cache.lock.acquire YIELD.  Not yield points: minissl_refcount()
 * and the other inspection calls, and the misuse diagnosis's read.
 */
#ifndef MS_SCHED_HOOK_H
#define MS_SCHED_HOOK_H

#include <pthread.h>

#include <minissl/sched.h>

struct ms_ref;

/* The count operations a refcount label names. */
enum ms_sched_refop {
    MS_SCHED_INC,
    MS_SCHED_DEC,
    MS_SCHED_LOAD,
    MS_SCHED_STORE,
    MS_SCHED_REFOP_COUNT
};

#ifdef MINISSL_SCHED

/* Calls the hook, if one is installed, with the point built from the
 * arguments (sched.c). */
void ms_sched_event(enum minissl_sched_event ev, const char *label,
                    const char *kind, unsigned long id, const void *obj,
                    long before, long after, const char *what);
/* The same for a reference count of type |type| ("SSL"): the label is
 * "<type in lower case>.refcount.<op>", obj the object holding |r|. */
void ms_sched_ref(enum minissl_sched_event ev, const char *type,
                  enum ms_sched_refop op, unsigned long id,
                  const struct ms_ref *r, long before, long after,
                  const char *what);
/* A cooperative pthread_mutex_lock (see the top comment) and unlock. */
void ms_sched_lock(pthread_mutex_t *m, const char *label, const char *kind,
                   unsigned long id);
void ms_sched_unlock(pthread_mutex_t *m, const char *label,
                     const char *kind, unsigned long id);

#define MS_SCHED_YIELD(label, kind, id, obj)                                 \
    ms_sched_event(MINISSL_SCHED_YIELD, (label), (kind), (id), (obj),        \
                   MINISSL_SCHED_NOVALUE, MINISSL_SCHED_NOVALUE, NULL)
#define MS_SCHED_NOTE(label, kind, id, obj, before, after, what)             \
    ms_sched_event(MINISSL_SCHED_NOTE, (label), (kind), (id), (obj),         \
                   (long)(before), (long)(after), (what))
/* A YIELD only when |cond| holds (points of a fault's shared state). */
#define MS_SCHED_YIELD_IF(cond, label, kind, id, obj)                        \
    do {                                                                     \
        if (cond)                                                            \
            MS_SCHED_YIELD(label, kind, id, obj);                            \
    } while (0)
#define MS_SCHED_REF_YIELD(type, op, id, r)                                  \
    ms_sched_ref(MINISSL_SCHED_YIELD, (type), (op), (id), (r),               \
                 MINISSL_SCHED_NOVALUE, MINISSL_SCHED_NOVALUE, NULL)
#define MS_SCHED_REF_NOTE(type, op, id, r, before, after, what)              \
    ms_sched_ref(MINISSL_SCHED_NOTE, (type), (op), (id), (r),                \
                 (long)(before), (long)(after), (what))
/* |name| is a string literal: "ssl" makes "ssl.lock.acquire". */
#define MS_LOCK(m, name, kind, id)                                           \
    ms_sched_lock((m), name ".lock.acquire", (kind), (id))
#define MS_UNLOCK(m, name, kind, id)                                         \
    ms_sched_unlock((m), name ".lock.release", (kind), (id))

#else /* !MINISSL_SCHED: no yield points, arguments never evaluated */

#define MS_SCHED_YIELD(label, kind, id, obj) ((void)0)
#define MS_SCHED_NOTE(label, kind, id, obj, before, after, what) ((void)0)
#define MS_SCHED_YIELD_IF(cond, label, kind, id, obj) ((void)0)
/* The count's type and id are parameters of the inline functions that use
 * these: cast to void so that those do not warn. */
#define MS_SCHED_REF_YIELD(type, op, id, r) ((void)(type), (void)(id))
#define MS_SCHED_REF_NOTE(type, op, id, r, before, after, what)              \
    ((void)(type), (void)(id))
#define MS_LOCK(m, name, kind, id) ((void)pthread_mutex_lock(m))
#define MS_UNLOCK(m, name, kind, id) ((void)pthread_mutex_unlock(m))

#endif

#endif
