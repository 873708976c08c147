/* Seeded faults: the internal half of <minissl/fault.h>.
 *
 * MS_FAULTS_LIST is the catalogue: X(name, about, models).  Each fault's
 * hook in the library is one clearly marked line
 *     if (MS_FAULT(name)) { ...the bug... }   FAULT: name
 * and the comment beside X() names the real bug class it models.
 *
 * Without -DMINISSL_FAULTS, MS_FAULT(name) is the constant 0: the branch
 * and the code it guards are removed by the compiler, so the normal build
 * contains no check at all.  With it, MS_FAULT reads one relaxed atomic
 * bit: the word is written before the racing threads start (library load
 * or the harness's set-up), so relaxed suffices; it orders nothing. */
#ifndef MS_FAULTS_H
#define MS_FAULTS_H

#include <stdatomic.h>
#include <stdint.h>

#include "refcount.h"

#define MS_FAULTS_LIST(X)                                                    \
    X(ssl_ref_nonatomic,                                                     \
      "SSL_up_ref/SSL_free update the count with a plain load and store",    \
      "non-atomic reference count (lost updates: leak or early free)")      \
    X(ssl_free_check_then_act,                                               \
      "SSL_free loads the count, compares, then stores count-1",             \
      "check-then-act free instead of one atomic read-modify-write")        \
    X(ssl_free_relaxed,                                                      \
      "SSL_free decrements relaxed: no acquire before the destructor",       \
      "CRYPTO_DOWN_REF ordering bug, openssl/openssl#25660")                 \
    X(ssl_free_ndebug,                                                       \
      "SSL_dup's missing reference makes an extra SSL_free, unchecked",      \
      "REF_ASSERT compiled out (-DNDEBUG): the destructor runs twice")       \
    X(dup_noref,                                                             \
      "SSL_dup of a non-initial SSL returns it without a reference",         \
      "missing up_ref on a shared handle (double free by the caller)")       \
    X(dup_check_unlocked,                                                    \
      "SSL_dup checks the initial state and copies without the lock",        \
      "OpenSSL 3.0 SSL_dup takes no lock: torn copy racing the handshake")   \
    X(dup_session_noref,                                                     \
      "SSL_dup shares the session without taking a reference",               \
      "shared SSL_SESSION without a reference (double free)")                \
    X(dup_cert_noref,                                                        \
      "SSL_dup shares the certificate and key without references",           \
      "shared X509/EVP_PKEY without a reference (double free)")              \
    X(dup_shared_cfg,                                                        \
      "SSL_dup shares the PSK identity hint buffer with its original",       \
      "CVE-2015-3196: hint written into a shared parent (double free)")     \
    X(ssl_new_ctx_noref,                                                     \
      "SSL_new keeps its SSL_CTX without taking a reference",                \
      "missing up_ref of the parent object (SSL_CTX freed under the SSL)")   \
    X(ssl_free_ctx_twice,                                                    \
      "SSL_free of an SSL holding a session drops the SSL_CTX twice",       \
      "double release of a parent reference on one path")                  \
    X(ssl_new_fail_early_free,                                               \
      "SSL_new's failure path frees the half-built SSL before its count, "   \
      "lock and SSL_CTX reference are set (every 4th SSL_new fails)",        \
      "openssl/openssl#4580, #15052: error path under allocation failure")  \
    X(exdata_dup_skipped,                                                    \
      "SSL_dup copies ex_data pointers without calling the dup callback",    \
      "ex_data dup callback skipped: one pointer freed by both objects")     \
    X(free_unfinished_not_resumable,                                         \
      "SSL_free of an unfinished connection marks its shared session "       \
      "not resumable",                                                       \
      "openssl/openssl#20223: a write into a session another thread resumes") \
    X(resume_writes_shared_session,                                          \
      "a handshake writes its parsed ServerHello into the session it "       \
      "offered, which other connections share",                              \
      "CVE-2010-3864, CVE-2014-3509: parsed data written into a shared "     \
      "session")                                                            \
    X(ticket_replace_in_place,                                               \
      "new tickets replace the shared session's ticket in place (free old)", \
      "CVE-2015-1791: NewSessionTicket double free (no copy-on-write)")     \
    X(err_stack_shared,                                                      \
      "the error stack is one global stack shared by every thread",          \
      "thread-unsafe error queue (errors leak between threads, races)")     \
    /* The lookup hands out the cache's entry without SSL_SESSION_up_ref:  \
     * the caller's SSL_free drops the cache's own reference, and the      \
     * cache keeps a freed session (wolfSSL/wolfssl#11460: get_sess_cb's   \
     * copy flag; curl/curl#815: a session cache getter without ownership).*/ \
    X(cache_get_noref,                                                       \
      "the session cache lookup returns its session without a reference "    \
      "for the caller",                                                      \
      "session-cache refcount bug: a cached session freed by the resuming "  \
      "connection while the cache and other connections use it "             \
      "(wolfSSL/wolfssl#11460, curl/curl#815)")

enum ms_fault_id {
#define MS_FAULT_ENUM(n, a, m) MS_FAULT_##n,
    MS_FAULTS_LIST(MS_FAULT_ENUM)
#undef MS_FAULT_ENUM
    MS_FAULT_COUNT
};

#ifdef MINISSL_FAULTS
extern atomic_uint_least64_t ms_fault_mask;
#define MS_FAULT(name)                                                       \
    ((atomic_load_explicit(&ms_fault_mask, memory_order_relaxed)             \
      >> MS_FAULT_##name) & 1u)
#else
#define MS_FAULT(name) 0
#endif

struct ssl_session_st;
/* Helpers of the handshake module's faults (fault.c). */
void ms_fault_write_parsed_into(struct ssl_session_st *ss, int version,
                                uint16_t cipher);
void ms_fault_replace_ticket_in_place(struct ssl_session_st *ss);

/* A busy-wait that widens a fault's race window so that free-running
 * iterations hit it quickly (a few hundred pause instructions). */
void ms_fault_window(void);

/* The reference-count faults below take the count's object type and id
 * for their yield points (sched_hook.h): each racing access of the count
 * sits after a yield point of its own, "ssl.refcount.load" before the
 * load and "ssl.refcount.store" before the store of a split update, so
 * that a controlled scheduler can run another thread between the two. */

/* FAULT ssl_ref_nonatomic: the count updated with a plain load and a
 * plain store (no atomic read-modify-write; volatile only so the compiler
 * keeps both accesses).  Returns the count after the change. */
static inline int ms_fault_ref_plain(struct ms_ref *r, int delta,
                                     const char *type, unsigned long id)
{
    volatile int *p = (volatile int *)(void *)&r->n;
    int v;
#ifdef MINISSL_SCHED
    int seen;
#endif

    MS_SCHED_REF_YIELD(type, MS_SCHED_LOAD, id, r);
    v = *p;
    MS_SCHED_REF_NOTE(type, MS_SCHED_LOAD, id, r, v, v, NULL);
    ms_fault_window();
    MS_SCHED_REF_YIELD(type, MS_SCHED_STORE, id, r);
#ifdef MINISSL_SCHED
    seen = *p;                          /* for the NOTE only */
#endif
    *p = v + delta;
    MS_SCHED_REF_NOTE(type, MS_SCHED_STORE, id, r, seen, v + delta,
                      v + delta == 0 ? "freed"
                      : seen != v ? "lost update" : NULL);
    return v + delta;
}

/* FAULT ssl_free_check_then_act: load, compare, store: each step atomic,
 * the whole not.  Returns the count after the change. */
static inline int ms_fault_ref_down_cta(struct ms_ref *r, const char *type,
                                        unsigned long id)
{
    int v;
#ifdef MINISSL_SCHED
    int seen;
#endif

    MS_SCHED_REF_YIELD(type, MS_SCHED_LOAD, id, r);
    v = atomic_load_explicit(&r->n, memory_order_acquire);
    MS_SCHED_REF_NOTE(type, MS_SCHED_LOAD, id, r, v, v, NULL);
    ms_fault_window();
    MS_SCHED_REF_YIELD(type, MS_SCHED_STORE, id, r);
#ifdef MINISSL_SCHED
    /* relaxed: for the NOTE only; orders nothing. */
    seen = atomic_load_explicit(&r->n, memory_order_relaxed);
#endif
    atomic_store_explicit(&r->n, v - 1, memory_order_release);
    MS_SCHED_REF_NOTE(type, MS_SCHED_STORE, id, r, seen, v - 1,
                      v - 1 == 0 ? "freed"
                      : seen != v ? "lost update" : NULL);
    return v - 1;
}

/* FAULT ssl_free_relaxed: a relaxed decrement and no Helgrind/DRD edge:
 * the destroying thread has not acquired the other threads' writes. */
static inline int ms_fault_ref_down_relaxed(struct ms_ref *r,
                                            const char *type,
                                            unsigned long id)
{
    int old;

    MS_SCHED_REF_YIELD(type, MS_SCHED_DEC, id, r);
    old = atomic_fetch_sub_explicit(&r->n, 1, memory_order_relaxed);
    MS_SCHED_REF_NOTE(type, MS_SCHED_DEC, id, r, old, old - 1,
                      old == 1 ? "freed" : NULL);
    return old - 1;
}

/* FAULT ssl_free_ndebug: the decrement with its underflow check compiled
 * out, as REF_ASSERT_ISNT is in an NDEBUG build. */
static inline int ms_fault_ref_down_unchecked(struct ms_ref *r,
                                              const char *type,
                                              unsigned long id)
{
    int old;

    MS_SCHED_REF_YIELD(type, MS_SCHED_DEC, id, r);
    MS_HAPPENS_BEFORE(&r->n);
    old = atomic_fetch_sub_explicit(&r->n, 1, memory_order_acq_rel);
    MS_SCHED_REF_NOTE(type, MS_SCHED_DEC, id, r, old, old - 1,
                      old <= 1 ? "freed" : NULL);   /* the caller's test */
    if (old == 1)
        MS_HAPPENS_AFTER(&r->n);
    return old - 1;
}

#endif
