/* The harness backend over the OpenSSL API.  See backend.h.
 *
 * Only OpenSSL's public API is called here, so the file compiles against
 * minissl, the system OpenSSL 3 and BoringSSL.  What one of them lacks is
 * a capability of backend_caps.h, used through ST_PICK and listed at run
 * time by st_be_caps() below; minissl-only introspection lives in
 * backend_inspect.c, the key objects (RSA, DH, EC_KEY) in backend_keys.c.
 *
 * Concurrency: the statics below are written once by st_be_init() before
 * any thread or child exists and only read afterwards, except the
 * allocation counter (an atomic), the ex_data dup counter (an atomic) and
 * the harness's ex_data indexes (atomics written once, under pthread_once:
 * "What the harness registers in the library" below). */
#include "backend.h"

#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "backend_caps.h"
#include "backend_inspect.h"
#include "backend_keys.h"
#include "barrier.h"
#include "dupitems.h"
#include "names.h"

/* ---- allocation counters (leaks on a backend without introspection) --- */

/* relaxed everywhere: a statistic read single-threaded in `check`, after
 * the iteration's threads were joined (the join orders it). */
static atomic_llong live_allocs;
static bool counting;
/* True while this thread runs its warm-up (thread_warm_up below), or
 * registers an ex_data index (st_be_ex_index): its allocations and frees
 * are OpenSSL's per-thread, one-time or process-long state and not the
 * scenario's. */
static _Thread_local bool uncounted;
static atomic_ulong exdata_dups;    /* relaxed: a statistic */
/* The harness's ex_data boxes alive (struct st_exbox, dupitems.h): counted in
 * `leaks` on both backends, so that a library that never runs an SSL's
 * ex_data free callback (or runs it twice) shows in a scenario.  relaxed:
 * like live_allocs, read after the iteration's threads were joined. */
static atomic_llong live_boxes;
static atomic_uint next_id;         /* relaxed: only uniqueness matters */
/* The SSL ex_data index of the `ex_data` setting: -1 until registered (see
 * "What the harness registers in the library"). */
static atomic_int exdata_index = -1;
/* The SSL_CTX ex_data index of the `ex_data` setting on a ctx, registered
 * with the SSL one. */
static atomic_int ctx_exdata_index = -1;
/* The SSL_SESSION ex_data index of the `ex_data` setting on a session,
 * registered on its own, for a scenario that sets one on a session. */
static atomic_int sess_exdata_index = -1;

/* The sweep's failing allocation (backend.h, "The allocation-failure
 * sweep"): the calling thread's countdown to the allocation that fails,
 * 0 when disarmed, and whether it was reached.  Thread-local, so arming
 * it orders nothing and no other thread's allocations ever fail; a
 * thread's uncounted warm-up (OpenSSL's one-time state) is never failed. */
static _Thread_local unsigned long fail_countdown;
static _Thread_local bool fail_hit;

/* True when this allocation is the armed one: it must return NULL. */
static bool alloc_fails(void)
{
    if (fail_countdown == 0 || uncounted || --fail_countdown != 0)
        return false;
    fail_hit = true;
    return true;
}

static void count_free(void *p, const char *file, int line)
{
    (void)file; (void)line;
    if (p == NULL)
        return;
    free(p);
    if (!uncounted)
        atomic_fetch_sub_explicit(&live_allocs, 1, memory_order_relaxed);
}

static void *count_malloc(size_t n, const char *file, int line)
{
    void *p;

    (void)file; (void)line;
    if (alloc_fails())
        return NULL;
    p = malloc(n);
    if (p != NULL && !uncounted)
        atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
    return p;
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
    void *q;

    (void)file; (void)line;
    if (p == NULL)
        return count_malloc(n, file, line);
    if (n == 0) {
        count_free(p, file, line);
        return NULL;
    }
    if (alloc_fails())
        return NULL;                /* |p| stays as it was */
    q = realloc(p, n);
    return q;
}

#if !ST_HAVE_MEM_FUNCTIONS
/* A library without CRYPTO_set_mem_functions (BoringSSL) calls these from
 * its OPENSSL_malloc/OPENSSL_free when the program defines them (libcrypto
 * holds weak references to them), from the start of the process: the
 * counters above, without the file and line. */
void *OPENSSL_memory_alloc(size_t n);
void OPENSSL_memory_free(void *p);
size_t OPENSSL_memory_get_size(void *p);

void *OPENSSL_memory_alloc(size_t n)
{
    return count_malloc(n, NULL, 0);
}

void OPENSSL_memory_free(void *p)
{
    count_free(p, NULL, 0);
}

size_t OPENSSL_memory_get_size(void *p)
{
    return malloc_usable_size(p);
}
#endif

static char version_buf[128];

/* "OpenSSL 3.0.19 ...", or for BoringSSL, which has no version string,
 * its API version and (from the Makefile) the package it came from. */
static void version_init(void)
{
#if defined(BORINGSSL_API_VERSION)
#ifndef ST_LIB_PACKAGE
#define ST_LIB_PACKAGE ""
#endif
    snprintf(version_buf, sizeof(version_buf), "BoringSSL (API %d%s%s)",
             BORINGSSL_API_VERSION, ST_LIB_PACKAGE[0] != '\0' ? "; " : "",
             ST_LIB_PACKAGE);
#else
    snprintf(version_buf, sizeof(version_buf), "%s",
             OpenSSL_version(OPENSSL_VERSION));
#endif
}

int st_be_preinit(void)
{
    st_declare_atomic(&live_allocs, sizeof(live_allocs),
                      "allocation statistic: relaxed, read after a join");
    st_declare_atomic(&live_boxes, sizeof(live_boxes),
                      "ex_data box statistic: relaxed, read after a join");
    st_declare_atomic(&exdata_dups, sizeof(exdata_dups),
                      "ex_data dup statistic: relaxed");
    st_declare_atomic(&next_id, sizeof(next_id),
                      "session id counter: relaxed, uniqueness only");
    st_declare_atomic(&exdata_index, sizeof(exdata_index),
                      "ex_data index: written once under pthread_once");
    st_declare_atomic(&sess_exdata_index, sizeof(sess_exdata_index),
                      "session ex_data index: written once under "
                      "pthread_once");
    version_init();
    ST_PICK(MEM_FUNCTIONS,
            if (!CRYPTO_set_mem_functions(count_malloc, count_realloc,
                                          count_free))
                return -EBUSY;,
            (void)count_realloc;)
    counting = true;
    return 0;
}

/* ---- ThreadSanitizer and an uninstrumented libssl ----------------------
 *
 * The one backend difference that only matters under a detector.  Built
 * with -fsanitize=thread against the system OpenSSL (`make VARIANT=tsan
 * build/openssl-tsan/sslstress-openssl`), TSan sees what libssl does
 * through intercepted calls (pthread locks, malloc/free, memcpy/memset)
 * but not libssl's own loads, stores and atomics, so it misses the edge
 * OpenSSL's atomic reference counts provide: the destroyer's
 * pthread_rwlock_destroy/free of an SSL then looks unordered with another
 * thread's earlier SSL_get1_session on it (a false "data race").  The edge
 * is restated here, exactly as the count provides it: each free the
 * harness makes releases the object first (its writes happen before its
 * decrement), and the ex_data free callbacks, which OpenSSL runs only on
 * the thread whose decrement reached zero and before it tears the object
 * down, acquire it.  An SSL's destroyer also releases the SSL's session
 * and SSL_CTX, whose references SSL_free drops inside libssl.  minissl is
 * compiled with the sanitizer itself: nothing to restate there. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define ST_TSAN 1
#endif
/* With libssl itself compiled with -fsanitize=thread (an OPENSSL_PREFIX
 * build that scripts/build-openssl.sh made with its tsan flavour: the
 * Makefile then defines ST_LIBSSL_INSTRUMENTED), TSan sees the count's own
 * atomics and these edges would only add an ordering the library may lack
 * (in OpenSSL 3.0 it does: doc/openssl-findings.md, class B).  Off there,
 * with the free callbacks that carried them: see also "What the detector
 * sees of the library" below. */
#if defined(ST_TSAN) && !defined(ST_BACKEND_MINISSL) && \
    !defined(ST_LIBSSL_INSTRUMENTED)
#define ST_TSAN_EDGES 1
#endif
#if defined(ST_TSAN_EDGES)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define ossl_hb_release(p) do { if ((p) != NULL) __tsan_release(p); } while (0)
#define ossl_hb_acquire(p) do { if ((p) != NULL) __tsan_acquire(p); } while (0)
#else
#define ossl_hb_release(p) ((void)(p))
#define ossl_hb_acquire(p) ((void)(p))
#endif

#if defined(ST_TSAN_EDGES)
/* An SSL_CTX's or an SSL_SESSION's destroyer. */
static void destroyer_exfree(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
                             int idx, long argl, void *argp)
{
    (void)ptr; (void)ad; (void)idx; (void)argl; (void)argp;
    ossl_hb_acquire(parent);
}
#endif

/* ---- test material and peers ------------------------------------------ */

static EVP_PKEY *test_key;
static X509 *test_cert;
static X509_NAME *test_name;
static SSL_CTX *peer_server_ctx, *peer_client_ctx;

/* ---- What the harness registers in the library -------------------------
 *
 * A scenario sees the library as a program would that made the same calls:
 * the harness registers an ex_data index only where the scenario asks for
 * one, so that what a library does with no index registered shows (OpenSSL
 * 3.0's SSL_dup of an SSL with app data fails then: doc/openssl-findings.md,
 * tests/openssl/scenarios/dup-app-data-no-ex-index.scn).
 *
 *   - `ex_data=N` on an SSL (the harness's box below, with dup and free
 *     callbacks) needs an SSL index.  It is registered for a scenario that
 *     has such a setting anywhere, by st_be_prepare, which the runner calls
 *     in the process that runs the scenario before its first statement,
 *     while no scenario thread exists: as a program registers its indexes
 *     at start-up.  Not at the setting itself: that may stand in a thread
 *     block, and a registration there would run inside the race (and, under
 *     controlled scheduling, a thread waiting in pthread_once for another's
 *     registration is blocked where the scheduler cannot see it: a hang).
 *     pthread_once makes it happen once per process (st_be_prepare runs for
 *     every scenario of a --no-fork run); a setting without it fails.
 *     Each scenario runs in a child forked from a parent that never
 *     registers, so each starts without the index; with --no-fork the
 *     index, once registered, stays for the scenarios after.  `copied`
 *     compares the boxes only when the index exists and never registers it.
 *     The SSL_CTX index of `ex_data=N` on a ctx comes with the SSL one.
 *   - `ex_data=N` on a session needs an SSL_SESSION index (the same box,
 *     dup and free callbacks): registered likewise, on its own, only for a
 *     scenario that sets `ex_data` on a session, so that a scenario setting
 *     it on an SSL or a ctx alone still runs where no SSL_SESSION index
 *     exists (and one setting it on a session alone, where no SSL index
 *     does).
 *   - Under TSan on the OpenSSL backend against an uninstrumented libssl
 *     the annotations need free callbacks on every SSL, SSL_CTX and
 *     SSL_SESSION ("ThreadSanitizer and an uninstrumented libssl" above):
 *     st_be_init registers that SSL index and an SSL_CTX and an SSL_SESSION
 *     index before anything is freed.  There, and only there, an SSL index
 *     always exists (not with ST_LIBSSL_INSTRUMENTED).
 *
 * The rest of what the harness leaves in the library is listed in
 * doc/scenario-format.md ("How the harness applies statements"). */

/* The harness's ex_data value is a struct st_exbox (dupitems.h) per SSL,
 * copied by the dup callback, so `ex_data=N` exercises ex_data dup
 * callbacks under concurrency. */

static void exdata_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                        long argl, void *argp)
{
    (void)ad; (void)idx; (void)argl; (void)argp;
    /* The SSL's destroyer (see "ThreadSanitizer and an uninstrumented
     * libssl" above). */
    ossl_hb_acquire(parent);
    ossl_hb_release(SSL_get_session(parent));
    ossl_hb_release(SSL_get_SSL_CTX(parent));
    if (ptr != NULL)
        atomic_fetch_sub_explicit(&live_boxes, 1, memory_order_relaxed);
    free(ptr);
}

static int exdata_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from,
                      void **from_d, int idx, long argl, void *argp)
{
    struct st_exbox *src, *copy;

    (void)to; (void)from; (void)idx; (void)argl; (void)argp;
    src = *from_d;
    atomic_fetch_add_explicit(&exdata_dups, 1, memory_order_relaxed);
    if (src == NULL)
        return 1;
    if ((copy = malloc(sizeof(*copy))) == NULL)
        return 0;
    *copy = *src;
    *from_d = copy;
    atomic_fetch_add_explicit(&live_boxes, 1, memory_order_relaxed);
    return 1;
}

/* An SSL_CTX's box (SSL_CTX has no dup, and an SSL_new starts with no
 * ex_data value of its SSL_CTX's) or an SSL_SESSION's (SSL_SESSION_dup
 * copies it through exdata_dup).  The TSan destroyer's acquire of either
 * is destroyer_exfree's, in an index of its own. */
static void box_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                     long argl, void *argp)
{
    (void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
    if (ptr != NULL)
        atomic_fetch_sub_explicit(&live_boxes, 1, memory_order_relaxed);
    free(ptr);
}

static pthread_once_t exdata_once = PTHREAD_ONCE_INIT;

/* Under exdata_once.  A failure leaves an index at -1: every `ex_data`
 * setting of its type then fails with the library's reason. */
static void exdata_register(void)
{
    int idx = SSL_get_ex_new_index(0, NULL, NULL, exdata_dup, exdata_free);
    int cidx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, box_free);

    /* relaxed: the index is all a reader needs (the library's registry has
     * its own lock), and pthread_once orders this store before the return
     * of every pthread_once call, the one reader that needs it set. */
    atomic_store_explicit(&exdata_index, idx, memory_order_relaxed);
    atomic_store_explicit(&ctx_exdata_index, cidx, memory_order_relaxed);
}

/* The index, registered now if it was not; -1 if registration failed.
 * Only before a scenario's threads start (st_be_prepare, st_be_init). */
static int exdata_index_use(void)
{
    pthread_once(&exdata_once, exdata_register);
    return atomic_load_explicit(&exdata_index, memory_order_relaxed);
}

static pthread_once_t sess_exdata_once = PTHREAD_ONCE_INIT;

/* Under sess_exdata_once; a failure leaves the index at -1, as above.
 * BoringSSL takes the dup callback and ignores it (its CRYPTO_EX_dup is
 * "a legacy callback function type which is ignored"). */
static void sess_exdata_register(void)
{
    int idx = SSL_SESSION_get_ex_new_index(0, NULL, NULL, exdata_dup,
                                           box_free);

    /* relaxed: as exdata_register's. */
    atomic_store_explicit(&sess_exdata_index, idx, memory_order_relaxed);
}

/* The index if some statement registered it, else -1 (never registers).
 * relaxed: a reader that sees -1 while another thread registers sees a
 * scenario racing its own `ex_data` setting with `copied`; the boxes'
 * values are ordered as the scenario orders the SSLs. */
static int exdata_index_seen(void)
{
    return atomic_load_explicit(&exdata_index, memory_order_relaxed);
}

/* The SSL_CTX index, likewise. */
static int ctx_exdata_index_seen(void)
{
    return atomic_load_explicit(&ctx_exdata_index, memory_order_relaxed);
}

/* The SSL_SESSION index, likewise. */
static int sess_exdata_index_seen(void)
{
    return atomic_load_explicit(&sess_exdata_index, memory_order_relaxed);
}

int st_be_exdata_index(void)
{
    return exdata_index_seen();
}

int st_be_session_exdata_index(void)
{
    return sess_exdata_index_seen();
}

/* The index of the SSL_dup table's ex_data rows (dupitems.h). */
int st_dup_exbox_index(void)
{
    return exdata_index_seen();
}

/* The objects the `ex_data` settings of |st| apply to, added to *on as
 * ST_ON_* bits (names.h): a session's or another's. */
static void sets_ex_data(const struct st_scenario *sc,
                         const struct st_stmt *st, size_t n, unsigned *on)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; st[i].op == ST_OP_SET && k < st[i].nsettings; k++)
            if (st[i].settings[k].key == ST_K_EX_DATA)
                *on |= sc->names[st[i].a].type == ST_TY_SESSION
                       ? ST_ON_SESSION : ST_ON_SSL;
        if (st[i].op == ST_OP_REPEAT)
            sets_ex_data(sc, st[i].body, st[i].nbody, on);
    }
}

void st_be_prepare(const struct st_scenario *sc)
{
    unsigned on = 0;

    sets_ex_data(sc, sc->global.stmts, sc->global.nstmts, &on);
    sets_ex_data(sc, sc->setup.stmts, sc->setup.nstmts, &on);
    sets_ex_data(sc, sc->check.stmts, sc->check.nstmts, &on);
    for (size_t i = 0; i < sc->nthreads; i++)
        sets_ex_data(sc, sc->threads[i].stmts, sc->threads[i].nstmts, &on);
    /* A failure fails each ex_data= of the index's type. */
    if (on & ST_ON_SSL)             /* an SSL's or a ctx's */
        (void)exdata_index_use();
    if (on & ST_ON_SESSION)
        pthread_once(&sess_exdata_once, sess_exdata_register);
}

/* The test certificate is valid from 2000-01-01 to the end of 2099, so
 * that a scenario's `verify_time` decides the same every day. */
#define ST_CERT_NOT_BEFORE 946684800LL      /* 2000-01-01T00:00:00Z */
#define ST_CERT_NOT_AFTER 4102444799LL      /* 2099-12-31T23:59:59Z */

static X509 *make_cert(EVP_PKEY *key)
{
    X509 *x = X509_new();
    X509_NAME *n;
    long long now = (long long)time(NULL);

    if (x == NULL)
        return NULL;
    if (!ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
        ASN1_TIME_set(X509_getm_notBefore(x),
                      (time_t)ST_CERT_NOT_BEFORE) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x),
                        (long)(ST_CERT_NOT_AFTER - now)) == NULL ||
        !X509_set_pubkey(x, key))
        goto err;
    n = X509_get_subject_name(x);
    if (!X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                                    (const unsigned char *)"sslstress test",
                                    -1, -1, 0) ||
        !X509_set_issuer_name(x, n) ||
        !X509_sign(x, key, EVP_sha256()))
        goto err;
    return x;
 err:
    X509_free(x);
    return NULL;
}

static int hs_step(SSL *s);
static void resume_cleanup(void);

/* The live objects one remembered session keeps (minissl; see "the peer
 * client resumes"): the session and the peer certificate it holds, with
 * the certificate's names and key.  Measured by warm_up(). */
static long long resume_footprint = 1;
/* What the remembered sessions keep alive in all, kept up to date where the
 * table changes (under resume_lock), so that st_be_live(), called twice per
 * iteration, reads one counter instead of taking the lock and scanning.
 * relaxed: the leader reads it after the gate join, which orders the
 * threads' updates before. */
static atomic_llong resume_kept;

/* One handshake between a client of |cctx| and the peer server, the client
 * offering |offer|; returns the client's session (one reference) or NULL.
 * The client reads what the server sent after the handshake (TLS 1.3
 * tickets). */
static SSL_SESSION *warm_handshake(SSL_CTX *cctx, SSL_SESSION *offer)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(peer_server_ctx);
    BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem());
    SSL_SESSION *sess = NULL;
    unsigned char byte;

    if (c == NULL || s == NULL || a == NULL || b == NULL ||
        !BIO_up_ref(a) || !BIO_up_ref(b)) {
        BIO_free(a);
        BIO_free(b);
        goto out;
    }
    SSL_set_bio(c, a, b);
    SSL_set_bio(s, b, a);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (offer != NULL)
        (void)SSL_set_session(c, offer);
    for (int i = 0; i < 8; i++) {
        int rc = hs_step(c), rs = hs_step(s);

        if (rc < 0 || rs < 0 || (rc == 1 && rs == 1))
            break;
    }
    (void)SSL_read(c, &byte, 1);
    sess = SSL_get1_session(c);
    SSL_shutdown(c);
 out:
    SSL_free(c);
    SSL_free(s);
    return sess;
}

/* A full and (OpenSSL, BoringSSL) a resumed handshake between the peer
 * contexts, in TLS 1.3 and in TLS 1.2, so that the library's lazy,
 * process-wide caches (algorithms, providers, the ticket ciphers of each
 * version) exist before any iteration counts allocations for `leaks`.
 * minissl has no such caches; its warm-up stays one handshake, which a
 * seeded fault switched on from the environment cannot turn into a
 * diagnosis in the harness's own objects. */
static void warm_up(void)
{
    SSL_SESSION *first = warm_handshake(peer_client_ctx, NULL);

#ifndef ST_BACKEND_MINISSL
    SSL_CTX *c12 = SSL_CTX_new(TLS_client_method());

    SSL_SESSION_free(warm_handshake(peer_client_ctx, first));
    if (c12 != NULL && SSL_CTX_set_max_proto_version(c12, TLS1_2_VERSION)) {
        SSL_SESSION *s12 = warm_handshake(c12, NULL);

        SSL_SESSION_free(warm_handshake(c12, s12));
        SSL_SESSION_free(s12);
    }
    SSL_CTX_free(c12);
#endif
    /* |first| alone keeps its certificate now: measure what it holds. */
    if (first != NULL && SSL_SESSION_get0_peer(first) != NULL &&
        (st_be_inspect_features() & ST_FEAT_INTROSPECTION)) {
        long long before = st_be_inspect_live();

        SSL_SESSION_free(first);
        first = NULL;
        if (before - st_be_inspect_live() > 1)
            resume_footprint = before - st_be_inspect_live();
    }
    SSL_SESSION_free(first);
    ERR_clear_error();
}

/* ---- What the detector sees of the library ------------------------------
 *
 * OpenSSL 3 also keeps per-thread state it makes on a thread's first use
 * (its random generators, the error queue, the thread-stop handlers) and
 * frees only when the thread exits (or calls OPENSSL_thread_stop): a
 * worker's first iteration would count it as the scenario's leak.
 *
 * Where the detector does not see inside libssl (natively, or TSan against
 * an uninstrumented libssl), each thread that calls the backend runs the
 * warm-up handshake once, uncounted, before its first statement
 * (thread_warm_up).
 *
 * Where it does (libssl_seen: TSan with ST_LIBSSL_INSTRUMENTED, or any
 * Valgrind tool, which sees every instruction of libssl), that warm-up is
 * off: its handshake on the harness's shared peer contexts takes the
 * library's locks inside the first iteration's race, and those are
 * happens-before edges between the scenario's threads that a program
 * making the scenario's calls would not have; they would hide the
 * library's own ordering bugs, and a thread's first use of the library
 * (its lazy per-thread set-up) would never be inside a race.  Instead each
 * worker ends every iteration as an ending thread does: st_be_thread_done
 * calls OPENSSL_thread_stop after its last statement, which frees, counted,
 * the per-thread state its statements made, so `leaks` balances, and the
 * next iteration makes it again, inside the race.  The leader (thread 0)
 * keeps the state the start-up warm-up made for it in the parent; the
 * process-wide warm-up in st_be_init stays in every mode.  Under Valgrind
 * this also keeps the 64-thread scenarios' first iteration within its time
 * limit: 64 warm-up handshakes took DRD over 200 s (doc/race-detection.md).
 *
 * minissl has no such state (and its `leaks` counts objects): nothing to
 * do. */
#ifdef ST_BACKEND_MINISSL
#define thread_warm_up() ((void)0)
#else
static bool libssl_seen(void)
{
#if defined(ST_LIBSSL_INSTRUMENTED)
    return true;
#else
    return st_on_valgrind();
#endif
}

static _Thread_local bool thread_warm;

/* |always|: the start-up warm-up (process-wide caches and st_be_init's
 * thread), which runs in every mode. */
static void warm_up_thread(bool always)
{
    if (thread_warm || peer_client_ctx == NULL)
        return;
    thread_warm = true;
    if (!always && libssl_seen())
        return;
    uncounted = true;
    warm_up();
    uncounted = false;
}

static void thread_warm_up(void)
{
    warm_up_thread(false);
}
#endif

/* What the libraries make on first use inside the test material and keep
 * there: the decoded public key of the certificate (BoringSSL's
 * X509_get_pubkey), the EC_KEY of each EVP_PKEY (OpenSSL 3's legacy
 * cache, EVP_PKEY_get1_EC_KEY).  Made now, before any scenario, so that a
 * scenario's `pkey`/`ec_key` of the test material does not count them in
 * `leaks` on its first iteration. */
static void warm_material(void)
{
    EVP_PKEY *pub = X509_get_pubkey(test_cert);

    st_bk_free(ST_TY_EC_KEY, st_bk_get1(ST_TY_EC_KEY, pub));
    st_bk_free(ST_TY_EC_KEY, st_bk_get1(ST_TY_EC_KEY, test_key));
    EVP_PKEY_free(pub);
    ERR_clear_error();
}

/* BoringSSL has no OPENSSL_thread_stop: its per-thread state goes with
 * the thread (a pthread key's destructor). */
void st_be_thread_done(void)
{
#if !defined(ST_BACKEND_MINISSL) && !defined(OPENSSL_IS_BORINGSSL)
    if (libssl_seen())
        OPENSSL_thread_stop();
#endif
}

int st_be_init(void)
{
    if (version_buf[0] == '\0')
        version_init();         /* st_be_preinit was not called (tests) */
    if (test_key != NULL)
        return 0;
    test_key = ST_PICK(Q_KEYGEN, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"),
                       st_bk_ec_test_key());
    if (test_key == NULL)
        goto err;
    if ((test_cert = make_cert(test_key)) == NULL)
        goto err;
    if ((test_name = X509_NAME_dup(X509_get_subject_name(test_cert))) == NULL)
        goto err;
    if ((peer_server_ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
        !SSL_CTX_use_certificate(peer_server_ctx, test_cert) ||
        !SSL_CTX_use_PrivateKey(peer_server_ctx, test_key))
        goto err;
    /* No session cache on the harness's peer: its sessions would count as
     * the scenario's leaks. */
    SSL_CTX_set_session_cache_mode(peer_server_ctx, SSL_SESS_CACHE_OFF);
    /* The client has the test certificate too, for a server SSL that asks
     * for one (verify=PEER). */
    if ((peer_client_ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
        !SSL_CTX_use_certificate(peer_client_ctx, test_cert) ||
        !SSL_CTX_use_PrivateKey(peer_client_ctx, test_key))
        goto err;
#if defined(ST_TSAN_EDGES)
    /* Only for the destroyer's acquire (see "ThreadSanitizer and ..." and
     * "What the harness registers in the library"). */
    if (exdata_index_use() < 0 ||
        SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, destroyer_exfree) < 0 ||
        SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL,
                                     destroyer_exfree) < 0)
        goto err;
#endif
    warm_material();
#ifdef ST_BACKEND_MINISSL
    warm_up();
#else
    warm_up_thread(true);   /* this thread's state, the process-wide caches */
#endif
    return 0;
 err:
    st_be_cleanup();
    return -EIO;
}

void st_be_cleanup(void)
{
    resume_cleanup();
    SSL_CTX_free(peer_client_ctx);
    SSL_CTX_free(peer_server_ctx);
    X509_NAME_free(test_name);
    X509_free(test_cert);
    EVP_PKEY_free(test_key);
    peer_client_ctx = peer_server_ctx = NULL;
    test_name = NULL;
    test_cert = NULL;
    test_key = NULL;
}

const char *st_be_name(void)
{
    return ST_LIB_NAME;
}

const char *st_be_version(void)
{
    return version_buf;
}

unsigned st_be_features(void)
{
    return ST_FEAT_HANDSHAKE | st_be_inspect_features();
}

const char *st_be_missing(unsigned requires)
{
    unsigned missing = requires & ~st_be_features();

    if (missing & ST_FEAT_INTROSPECTION)
        return "requires introspection (reference counts, object liveness), "
               "which this backend lacks";
    if (missing & ST_FEAT_CONTROLLED)
        return "requires controlled scheduling, which this backend lacks";
    if (missing & ST_FEAT_HANDSHAKE)
        return "requires handshake, which this backend lacks";
    return NULL;
}

/* ---- the capability table (backend_caps.h) ------------------------------ */

enum cap {
    CAP_SSL_SHARE, CAP_IN_BEFORE, CAP_KEY_OBJECTS, CAP_PKEY_DH,
    CAP_CIPHERSUITES, CAP_SECURITY, CAP_TMP_DH, CAP_DANE, CAP_CA_LIST,
    CAP_CLIENT_SIGALGS, CAP_CERT_TYPES, CAP_GEN_SESSION_ID, CAP_SERVERINFO,
    CAP_CUSTOM_EXT, CAP_SSL_PASSWD_CB, CAP_PARAM_HOST, CAP_PARAM_GET,
    CAP_AUTH_LEVEL, CAP_PAIR_THREADS, CAP_MEM_FUNCTIONS, CAP_Q_KEYGEN,
    CAP_SESSION_NEW_CTX, CAP_SESSION_DUP, CAP_ALLOC_SWEEP, CAP_SSL_METHOD,
    CAP_CTX_GET_CIPHERS, CAP_FREE_EX_INDEX,
    CAP_COUNT
};

/* Where the allocation-failure sweep's premise fails (CAP_ALLOC_SWEEP),
 * as measured: what scenarios/alloc-failures-setup.scn finds there. */
#if defined(OPENSSL_IS_BORINGSSL)
#define ST_SWEEP_LACKING ALLOC_SWEEP_BORINGSSL
#else
#define ST_SWEEP_LACKING ALLOC_SWEEP_OPENSSL
#endif
#define ALLOC_SWEEP_OPENSSL                                                   \
    "under allocation failure OpenSSL 3.0 fails SSL_CTX_new, SSL_dup, "       \
    "SSL_CTX_add_session, SSL_CTX_add_custom_ext, the PSK identity hint's "   \
    "setters and the verify parameters' host, email and IP setters with no "  \
    "reason on the error stack, and a failed SSL_dane_enable keeps the SNI "  \
    "name it set (doc/openssl-findings.md; --alloc-failures sweeps anyway)"
#define ALLOC_SWEEP_BORINGSSL                                                 \
    "under allocation failure BoringSSL's PSK identity hint and signature "   \
    "algorithm setters drop the value they were to replace "                  \
    "(doc/boringssl-findings.md; --alloc-failures sweeps anyway)"

/* In enum cap's order. */
static const struct st_be_cap caps[CAP_COUNT] = {
    { "ssl_share", "SSL_up_ref, SSL_dup", ST_HAVE_SSL_SHARE, false,
      "an SSL is never shared (BoringSSL's design: one thread, one "
      "connection)" },
    { "in_before", "SSL_in_before", ST_HAVE_IN_BEFORE, false,
      "no handshake state `before`, so neither `handshake until=mid` nor "
      "`state`" },
    { "key_objects", "RSA_new, DH_new, EC_KEY_new, *_up_ref, *_free, "
      "EVP_PKEY_get1_RSA/_EC_KEY, EVP_PKEY_set1_RSA/_EC_KEY",
      ST_HAVE_KEY_OBJECTS, false,
      "no RSA, DH or EC_KEY objects under an EVP_PKEY" },
    { "pkey_dh", "EVP_PKEY_set1_DH, EVP_PKEY_get1_DH", ST_HAVE_PKEY_DH, false,
      "no DH key in an EVP_PKEY" },
    { "ciphersuites", "SSL_set_ciphersuites, SSL_CTX_set_ciphersuites",
      ST_HAVE_CIPHERSUITES, false, "the TLS 1.3 cipher suites are fixed" },
    { "security", "SSL_(CTX_)set/get_security_level, "
      "SSL_(CTX_)set/get_security_callback", ST_HAVE_SECURITY, false,
      "no security level or callback" },
    { "tmp_dh", "SSL_(CTX_)set0_tmp_dh_pkey, SSL_(CTX_)set_dh_auto, "
      "SSL_(CTX_)set_tmp_dh_callback", ST_HAVE_TMP_DH, false,
      "no finite-field DH in TLS" },
    { "dane", "SSL_CTX_dane_enable, SSL_dane_enable", ST_HAVE_DANE, false,
      "no DANE" },
    { "ca_list", "SSL_(CTX_)set0_CA_list, SSL_get0_CA_list", ST_HAVE_CA_LIST,
      false, "only the client CA list" },
    { "client_sigalgs", "SSL_(CTX_)set1_client_sigalgs_list",
      ST_HAVE_CLIENT_SIGALGS, false, "one signature algorithm list" },
    { "client_cert_types", "SSL_(CTX_)set1_client_certificate_types",
      ST_HAVE_CERT_TYPES, false, "no client certificate types to set" },
    { "gen_session_id", "SSL_(CTX_)set_generate_session_id",
      ST_HAVE_GEN_SESSION_ID, false, "no session id callback" },
    { "serverinfo", "SSL_CTX_use_serverinfo", ST_HAVE_SERVERINFO, false,
      "no serverinfo blocks" },
    { "custom_ext", "SSL_CTX_add_custom_ext", ST_HAVE_CUSTOM_EXT, false,
      "no custom extensions" },
    { "ssl_passwd_cb", "SSL_set/get_default_passwd_cb(_userdata)",
      ST_HAVE_SSL_PASSWD_CB, false,
      "the password callback is the SSL_CTX's only" },
    { "param_host", "X509_VERIFY_PARAM_get0_host", ST_HAVE_PARAM_HOST, true,
      "`copied` does not compare the verify host" },
    { "param_get", "X509_VERIFY_PARAM_get_hostflags, _get_time, "
      "_get_auth_level, _get0_email, _get1_ip_asc", ST_HAVE_PARAM_GET, true,
      "`copied` does not compare those verify parameters" },
    { "auth_level", "X509_VERIFY_PARAM_set_auth_level", ST_HAVE_AUTH_LEVEL,
      false, "no auth level to set" },
    { "pair_threads", "BIO_new_bio_pair's halves, or one memory BIO, used "
      "by two threads at once", ST_HAVE_PAIR_THREADS, false,
      "BIO pairs and memory BIOs have no lock (one thread is meant to "
      "drive both ends), so two threads cannot drive the two SSLs of a "
      "`pair`" },
    { "mem_functions", "CRYPTO_set_mem_functions", ST_HAVE_MEM_FUNCTIONS, true,
      "`leaks` counts allocations through the OPENSSL_memory_alloc/_free "
      "hooks instead" },
    { "q_keygen", "EVP_PKEY_Q_keygen", ST_HAVE_Q_KEYGEN, true,
      "the test key is made with EC_KEY_generate_key" },
    { "session_new_ctx", "SSL_SESSION_new(const SSL_CTX *)",
      ST_HAVE_SESSION_NEW_CTX, true,
      "SSL_SESSION_new(void), OpenSSL's form: `session` calls that (with "
      "the SSL_CTX form, it passes the harness's client SSL_CTX)" },
    { "session_dup", "SSL_SESSION_dup", ST_HAVE_SESSION_DUP, false,
      "no copy of a session (`session SESSION`)" },
    { "alloc_sweep", "a reason and nothing kept at every failed allocation",
      ST_HAVE_ALLOC_SWEEP, false, ST_SWEEP_LACKING },
    { "ssl_method", "SSL_set_ssl_method, SSL_get_ssl_method, "
      "SSL_CTX_get_ssl_method", ST_HAVE_SSL_METHOD, false,
      "an SSL's method cannot be changed or read: no `method` key on an SSL, "
      "and neither `copied` nor `inherited` compares the method" },
    { "ctx_get_ciphers", "SSL_CTX_get_ciphers", ST_HAVE_CTX_GET_CIPHERS, true,
      "`inherited` reads the SSL_CTX's cipher list through minissl's "
      "inspect getter" },
    { "free_ex_index", "CRYPTO_get_ex_new_index, CRYPTO_free_ex_index",
      ST_HAVE_FREE_EX_INDEX, false,
      "an ex_data index is registered per class (SSL_get_ex_new_index, ...) "
      "and never freed, so no `ex_index`" },
};

const struct st_be_cap *st_be_caps(size_t *n)
{
    *n = CAP_COUNT;
    return caps;
}

/* The capability a setting needs on an object of type |t|, or CAP_COUNT:
 * none; *api: the call it makes. */
static enum cap key_cap(enum st_key k, enum st_type t, const char **api)
{
    bool ssl = t == ST_TY_SSL;

    switch (k) {
    case ST_K_CIPHERSUITES:
        *api = ssl ? "SSL_set_ciphersuites" : "SSL_CTX_set_ciphersuites";
        return CAP_CIPHERSUITES;
    case ST_K_SECURITY_LEVEL:
        *api = ssl ? "SSL_set_security_level" : "SSL_CTX_set_security_level";
        return CAP_SECURITY;
    case ST_K_SECURITY_CB:
        *api = ssl ? "SSL_set_security_callback"
                   : "SSL_CTX_set_security_callback";
        return CAP_SECURITY;
    case ST_K_TMP_DH:
        *api = ssl ? "SSL_set0_tmp_dh_pkey" : "SSL_CTX_set0_tmp_dh_pkey";
        return CAP_TMP_DH;
    case ST_K_TMP_DH_CB:
        *api = ssl ? "SSL_set_tmp_dh_callback" : "SSL_CTX_set_tmp_dh_callback";
        return CAP_TMP_DH;
    case ST_K_METHOD:
        *api = "SSL_set_ssl_method";
        return CAP_SSL_METHOD;
    case ST_K_DH_AUTO:
        *api = ssl ? "SSL_set_dh_auto" : "SSL_CTX_set_dh_auto";
        return CAP_TMP_DH;
    case ST_K_DANE:
        *api = ssl ? "SSL_dane_enable" : "SSL_CTX_dane_enable";
        return CAP_DANE;
    case ST_K_CA_LIST:
        *api = ssl ? "SSL_set0_CA_list" : "SSL_CTX_set0_CA_list";
        return CAP_CA_LIST;
    case ST_K_CLIENT_SIGALGS:
        *api = ssl ? "SSL_set1_client_sigalgs_list"
                   : "SSL_CTX_set1_client_sigalgs_list";
        return CAP_CLIENT_SIGALGS;
    case ST_K_CLIENT_CERT_TYPES:
        *api = ssl ? "SSL_set1_client_certificate_types"
                   : "SSL_CTX_set1_client_certificate_types";
        return CAP_CERT_TYPES;
    case ST_K_GEN_SESSION_ID_CB:
        *api = ssl ? "SSL_set_generate_session_id"
                   : "SSL_CTX_set_generate_session_id";
        return CAP_GEN_SESSION_ID;
    case ST_K_SERVERINFO:       /* on an SSL: st_be_set's -ENOTSUP */
        *api = "SSL_CTX_use_serverinfo";
        return ssl ? CAP_COUNT : CAP_SERVERINFO;
    case ST_K_CUSTOM_EXT:
        *api = "SSL_CTX_add_custom_ext";
        return CAP_CUSTOM_EXT;
    case ST_K_PASSWD_CB:
        *api = "SSL_set_default_passwd_cb";
        return ssl ? CAP_SSL_PASSWD_CB : CAP_COUNT;
    case ST_K_AUTH_LEVEL:
        *api = "X509_VERIFY_PARAM_set_auth_level";
        return CAP_AUTH_LEVEL;
    case ST_K_DANE_TLSA:
        *api = "SSL_dane_tlsa_add";
        return CAP_DANE;
    case ST_K_DANE_FLAGS:
        *api = ssl ? "SSL_dane_set_flags" : "SSL_CTX_dane_set_flags";
        return CAP_DANE;
    case ST_K_SECURITY_EX:
        *api = ssl ? "SSL_set0_security_ex_data"
                   : "SSL_CTX_set0_security_ex_data";
        return CAP_SECURITY;
    default:
        return CAP_COUNT;
    }
}

static bool expr_in_before(const struct st_expr *e)
{
    return e->kind == ST_E_STATE;
}

/* The threads of |sc| that name one of the SSLs `pair` |st| joins. */
static size_t pair_users(const struct st_scenario *sc,
                         const struct st_stmt *st)
{
    size_t users = 0;

    for (size_t t = 0; t < sc->nthreads; t++)
        if (st_stmts_name(sc->threads[t].stmts, sc->threads[t].nstmts, st->a) ||
            st_stmts_name(sc->threads[t].stmts, sc->threads[t].nstmts, st->b))
            users++;
    return users;
}

const char *st_be_stmt_lacks(const struct st_scenario *sc,
                             const struct st_stmt *st, char *why, size_t len)
{
    enum st_type ta = st->a >= 0 ? sc->names[st->a].type : ST_TY_COUNT;
    enum cap c = CAP_COUNT;
    const char *api = NULL;

    switch (st->op) {
    case ST_OP_DUP:
        c = CAP_SSL_SHARE, api = "SSL_dup";
        break;
    case ST_OP_SESSION:
        if (st->a >= 0)
            c = CAP_SESSION_DUP, api = "SSL_SESSION_dup";
        break;
    case ST_OP_UP_REF:
    case ST_OP_FREE:
        if (st->op == ST_OP_UP_REF && ta == ST_TY_SSL)
            c = CAP_SSL_SHARE, api = "SSL_up_ref";
        else if (ta == ST_TY_RSA || ta == ST_TY_DH || ta == ST_TY_EC_KEY)
            c = CAP_KEY_OBJECTS, api = st->op == ST_OP_FREE ? "RSA/DH/EC_KEY_free"
                                                            : "RSA/DH/EC_KEY_up_ref";
        break;
    case ST_OP_HANDSHAKE:
        if (st->until == ST_HS_MID)
            c = CAP_IN_BEFORE, api = "SSL_in_before";
        break;
    case ST_OP_EX_INDEX:
        c = CAP_FREE_EX_INDEX, api = "CRYPTO_free_ex_index";
        break;
    case ST_OP_PAIR:
        /* One thread at a time on a pair is what every library offers. */
        if (pair_users(sc, st) >= 2)
            c = CAP_PAIR_THREADS, api = st->via_mem
                ? "memory BIOs that two threads use at once"
                : "a BIO pair whose halves two threads use at once";
        break;
    case ST_OP_EXPECT:
    case ST_OP_OBSERVE:
        if (expr_in_before(&st->expr))
            c = CAP_IN_BEFORE, api = "SSL_in_before";
        break;
    case ST_OP_KEY:
        c = CAP_KEY_OBJECTS, api = st->otype == ST_TY_RSA ? "RSA"
                                 : st->otype == ST_TY_DH ? "DH" : "EC_KEY";
        if (caps[c].have && st->otype == ST_TY_DH && st->a >= 0)
            c = CAP_PKEY_DH, api = "EVP_PKEY_get1_DH";
        break;
    case ST_OP_PKEY:
        if (ta == ST_TY_DH)
            c = CAP_PKEY_DH, api = "EVP_PKEY_set1_DH";
        break;
    case ST_OP_SET:
        for (size_t k = 0; k < st->nsettings; k++) {
            c = key_cap(st->settings[k].key, ta, &api);
            if (c != CAP_COUNT && !caps[c].have)
                break;
        }
        break;
    default:
        break;
    }
    if (c == CAP_COUNT || caps[c].have)
        return NULL;
    snprintf(why, len, "line %d: `%s` needs %s, which %s lacks: %s",
             st->loc.line, st->text != NULL ? st->text : st_op_name(st->op),
             api, st_be_name(), caps[c].lacking);
    return why;
}

const char *st_be_sweep_lacks(const struct st_scenario *sc, char *why,
                              size_t len)
{
    if (!sc->alloc_sweep || caps[CAP_ALLOC_SWEEP].have)
        return NULL;
    snprintf(why, len, "line %d: `alloc_failures sweep` needs %s, which %s "
             "lacks: %s", sc->alloc_sweep_loc.line, caps[CAP_ALLOC_SWEEP].api,
             st_be_name(), caps[CAP_ALLOC_SWEEP].lacking);
    return why;
}

/* ---- objects ------------------------------------------------------------ */

static const SSL_METHOD *method_of(enum st_method m)
{
    return m == ST_METHOD_CLIENT ? TLS_client_method()
           : m == ST_METHOD_SERVER ? TLS_server_method()
           : TLS_method();
}

void *st_be_ctx_new(enum st_method m)
{
    thread_warm_up();
    return SSL_CTX_new(method_of(m));
}

void *st_be_ssl_new(void *ctx)
{
    thread_warm_up();
    return SSL_new(ctx);
}

void *st_be_dup(void *ssl)
{
    thread_warm_up();
    /* (a `dup` skips its scenario where SSL_dup is missing) */
    return ST_PICK(SSL_SHARE, SSL_dup(ssl), ((void)ssl, NULL));
}

void *st_be_session_new(void)
{
    SSL_SESSION *sess;
    unsigned char id[16] = "sslstress-sess";
    unsigned n;

    thread_warm_up();
    sess = ST_PICK(SESSION_NEW_CTX, SSL_SESSION_new(peer_client_ctx),
                   SSL_SESSION_new());
    if (sess == NULL)
        return NULL;
    n = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
    memcpy(id + 12, &n, sizeof(n));
    if (!SSL_SESSION_set1_id(sess, id, sizeof(id))) {
        SSL_SESSION_free(sess);
        return NULL;
    }
    return sess;
}

void *st_be_make(const struct st_scenario *sc, const struct st_stmt *st,
                 void *const *slots, enum st_type *made)
{
    void *a = st->a >= 0 ? slots[st->a] : NULL;
    enum st_type ta = st->a >= 0 ? sc->names[st->a].type : ST_TY_COUNT;

    switch (st->op) {
    case ST_OP_CTX:
        *made = ST_TY_CTX;
        return st_be_ctx_new(st->method);
    case ST_OP_NEW:
        *made = ST_TY_SSL;
        return st_be_ssl_new(a);
    case ST_OP_DUP:             /* a copy, or |a| with one more reference */
        *made = ST_TY_SSL;
        return st_be_dup(a);
    case ST_OP_SESSION:         /* `session` or `session SESSION` */
        *made = ST_TY_SESSION;
        return a != NULL ? st_be_session_dup(a) : st_be_session_new();
    case ST_OP_CERT:
        *made = ST_TY_X509;
        return st_be_cert(ta, a);
    case ST_OP_PKEY:
        *made = ST_TY_PKEY;
        return st_be_pkey(ta, a);
    case ST_OP_KEY:
        *made = st->otype;
        return st_be_key(st->otype, a);
    default:
        *made = ST_TY_COUNT;
        return NULL;
    }
}

void *st_be_session_dup(void *sess)
{
    thread_warm_up();
    /* (a `session SESSION` skips its scenario where SSL_SESSION_dup is
     * missing) */
    return sess == NULL ? NULL : ST_PICK(SESSION_DUP, SSL_SESSION_dup(sess),
                                         NULL);
}

void *st_be_get1_session(void *ssl)
{
    thread_warm_up();
    return SSL_get1_session(ssl);
}

int st_be_up_ref(enum st_type t, void *obj)
{
    int ok;

    thread_warm_up();
    switch (t) {
    case ST_TY_CTX: ok = SSL_CTX_up_ref(obj); break;
    case ST_TY_SSL: ok = ST_PICK(SSL_SHARE, SSL_up_ref(obj), 0); break;
    case ST_TY_SESSION: ok = SSL_SESSION_up_ref(obj); break;
    case ST_TY_X509: ok = X509_up_ref(obj); break;
    case ST_TY_PKEY: ok = EVP_PKEY_up_ref(obj); break;
    default: ok = st_bk_up_ref(t, obj); break;
    }
    return ok ? 0 : -EIO;
}

void st_be_free(enum st_type t, void *obj)
{
    thread_warm_up();
    ossl_hb_release(obj);   /* see "ThreadSanitizer and ..." above */
    switch (t) {
    case ST_TY_CTX: SSL_CTX_free(obj); break;
    case ST_TY_SSL: SSL_free(obj); break;
    case ST_TY_SESSION: SSL_SESSION_free(obj); break;
    case ST_TY_X509: X509_free(obj); break;
    case ST_TY_PKEY: EVP_PKEY_free(obj); break;
    default: st_bk_free(t, obj); break;
    }
}

/* False, with |reason| raised, when the object held nothing (|p| NULL). */
static bool held(const void *p, int reason)
{
    if (p == NULL)
        ST_RAISE(reason);
    return p != NULL;
}

void *st_be_cert(enum st_type t, void *obj)
{
    X509 *x;

    thread_warm_up();
    switch (t) {
    case ST_TY_CTX: x = SSL_CTX_get0_certificate(obj); break;
    case ST_TY_SSL: x = SSL_get_certificate(obj); break;
    case ST_TY_SESSION: x = SSL_SESSION_get0_peer(obj); break;
    default: x = NULL; break;
    }
    return held(x, SSL_R_NO_CERTIFICATE_ASSIGNED) && X509_up_ref(x) ? x : NULL;
}

void *st_be_pkey(enum st_type t, void *obj)
{
    EVP_PKEY *k;

    thread_warm_up();
    switch (t) {
    case ST_TY_CTX: k = SSL_CTX_get0_privatekey(obj); break;
    case ST_TY_SSL: k = SSL_get_privatekey(obj); break;
    case ST_TY_X509: return X509_get_pubkey(obj);      /* get1 */
    case ST_TY_RSA:
    case ST_TY_DH:
    case ST_TY_EC_KEY: return st_bk_pkey_of(t, obj);
    default: k = NULL; break;
    }
    return held(k, SSL_R_NO_PRIVATE_KEY_ASSIGNED) && EVP_PKEY_up_ref(k) ? k
                                                                       : NULL;
}

void *st_be_key(enum st_type t, void *pkey)
{
    thread_warm_up();
    return pkey == NULL ? st_bk_new(t) : st_bk_get1(t, pkey);
}

int st_be_add_session(void *ctx, void *sess)
{
    (void)st_be_cache_add(ctx, sess);   /* 0: it was there already */
    ERR_clear_error();
    return 0;
}

void st_be_remove_session(void *ctx, void *sess)
{
    (void)st_be_cache_remove(ctx, sess);    /* 0: it was not there */
    ERR_clear_error();
}

/* Every session expires before ten years from now: a flush then empties
 * the cache on every library (OpenSSL 3.0 also reads 0 as "all"; minissl
 * and BoringSSL do not). */
#define ST_FLUSH_AHEAD (10LL * 366 * 86400)

void st_be_flush_sessions(void *ctx)
{
    thread_warm_up();
    SSL_CTX_flush_sessions(ctx, (long)(time(NULL) + ST_FLUSH_AHEAD));
}

int st_be_ex_index(enum st_type t)
{
#if ST_HAVE_FREE_EX_INDEX
    int cls = t == ST_TY_SSL ? CRYPTO_EX_INDEX_SSL
              : t == ST_TY_CTX ? CRYPTO_EX_INDEX_SSL_CTX
                               : CRYPTO_EX_INDEX_SSL_SESSION;
    int idx;

    bool ok;

    thread_warm_up();
    /* The registry is the library's for the life of the process: OpenSSL
     * keeps each index's entry after CRYPTO_free_ex_index (it never
     * reuses an index), so its blocks are no scenario's leak. */
    uncounted = true;
    idx = CRYPTO_get_ex_new_index(cls, 0, NULL, NULL, NULL, NULL);
    ok = idx < 0 || CRYPTO_free_ex_index(cls, idx);
    uncounted = false;
    if (idx < 0)
        ERR_clear_error();          /* full: see backend.h */
    return ok ? 0 : -EIO;
#else
    (void)t;
    return -ENOTSUP;                /* skipped: st_be_stmt_lacks */
#endif
}

int st_be_connect(void *ssl)
{
    thread_warm_up();
    SSL_set_connect_state(ssl);
    return 0;
}

int st_be_accept(void *ssl)
{
    thread_warm_up();
    SSL_set_accept_state(ssl);
    return 0;
}

int st_be_clear(void *ssl)
{
    thread_warm_up();
    return SSL_clear(ssl) == 1 ? 0 : -EIO;
}

/* ---- the peer client resumes --------------------------------------------
 *
 * A real client that talks to the same server again offers the session of
 * its last handshake there, and the server looks it up (minissl: its
 * SSL_CTX's session cache, ms_cache_lookup; OpenSSL: its cache for TLS 1.2
 * session ids, or the ticket it issued).  The harness's peer does the same:
 * when it is the client of a server SSL, it offers the session of the last
 * handshake a peer finished with a server SSL of the same SSL_CTX, so
 * server handshakes in a loop resume as real clients make them, and a
 * scenario that drives server handshakes reaches the server's session
 * lookup.  Always on; a server SSL_CTX whose cache is off, or a version or
 * cipher the session does not match, just makes a full handshake.
 *
 * The remembered sessions are harness state, like the peers, and are not a
 * scenario's leaks:
 *  - minissl: a private copy (SSL_SESSION_dup) per SSL_CTX; st_be_live()
 *    subtracts the objects the copies keep alive (the session and the peer
 *    certificate it references, which no one else holds once the peer is
 *    freed);
 *  - OpenSSL: the DER encoding, in malloc() memory the allocation counters
 *    do not see (the library's own temporaries are freed before i2d
 *    returns); a peer offers a fresh d2i_SSL_SESSION copy, freed with it.
 * Each peer offers its own copy, never one shared with another peer.  The
 * table is direct-mapped by SSL_CTX address and guarded by resume_lock; a
 * collision only costs a full handshake.  An SSL_CTX freed and another
 * allocated at its address is another server: with introspection the
 * entry also keeps the SSL_CTX's id, so the new one is offered nothing,
 * as a fresh process would offer it (otherwise a later iteration, or a
 * controlled schedule after `global` ran again, would start from an offer
 * an earlier one left, and its replay would not; history.h).  Kept until
 * st_be_cleanup. */
#define ST_RESUME_SLOTS 64

struct st_resume {
    const SSL_CTX *ctx;     /* compared, never dereferenced */
    uint64_t ctx_id;        /* st_be_inspect_id(ctx), 0 without */
#ifdef ST_BACKEND_MINISSL
    SSL_SESSION *sess;      /* the table's copy (one reference) */
#else
    unsigned char *der;     /* i2d_SSL_SESSION, malloc'd */
    size_t len;
#endif
};

static struct st_resume resume_tab[ST_RESUME_SLOTS];
static pthread_mutex_t resume_lock = PTHREAD_MUTEX_INITIALIZER;

static struct st_resume *resume_slot(const SSL_CTX *ctx)
{
    uintptr_t h = (uintptr_t)ctx;

    h ^= h >> 17;
    h *= 0x9e3779b1u;
    return &resume_tab[(h >> 7) % ST_RESUME_SLOTS];
}

/* A new session (one reference, the caller's) to offer to a server of
 * |ctx| (with id |id|), or NULL when no peer finished a handshake with
 * one. */
static SSL_SESSION *resume_offer(const SSL_CTX *ctx, uint64_t id)
{
    struct st_resume *e = resume_slot(ctx);
    SSL_SESSION *sess = NULL;

    st_be_internal_enter();
    pthread_mutex_lock(&resume_lock);
#ifdef ST_BACKEND_MINISSL
    if (e->ctx == ctx && e->ctx_id == id && e->sess != NULL)
        sess = SSL_SESSION_dup(e->sess);
    pthread_mutex_unlock(&resume_lock);
    st_be_internal_leave();
#else
    unsigned char *der = NULL;
    size_t len = 0;

    if (e->ctx == ctx && e->ctx_id == id && e->der != NULL &&
        (der = malloc(e->len)) != NULL) {
        memcpy(der, e->der, e->len);
        len = e->len;
    }
    pthread_mutex_unlock(&resume_lock);
    st_be_internal_leave();
    if (der != NULL) {
        const unsigned char *p = der;

        sess = d2i_SSL_SESSION(NULL, &p, (long)len);
        free(der);
    }
#endif
    return sess;
}

#ifdef ST_BACKEND_MINISSL
/* The live objects one remembered session keeps: the session alone, or
 * with the peer certificate it holds, resume_footprint. */
static long long resume_objects(const SSL_SESSION *s)
{
    return SSL_SESSION_get0_peer((SSL_SESSION *)s) != NULL ? resume_footprint
                                                            : 1;
}
#endif

/* Remember the session |peer| holds for later handshakes with |ctx| (with
 * id |id|). */
static void resume_keep(const SSL_CTX *ctx, uint64_t id, SSL *peer)
{
    SSL_SESSION *sess = SSL_get1_session(peer);
    struct st_resume *e = resume_slot(ctx);

    if (sess == NULL)
        return;
    if (!SSL_SESSION_is_resumable(sess)) {
        SSL_SESSION_free(sess);
        return;
    }
#ifdef ST_BACKEND_MINISSL
    SSL_SESSION *copy = SSL_SESSION_dup(sess), *old;

    SSL_SESSION_free(sess);
    if (copy == NULL)
        return;
    st_be_internal_enter();
    pthread_mutex_lock(&resume_lock);
    old = e->sess;
    e->ctx = ctx;
    e->ctx_id = id;
    e->sess = copy;
    atomic_fetch_add_explicit(&resume_kept, resume_objects(copy) -
                              (old != NULL ? resume_objects(old) : 0),
                              memory_order_relaxed);
    pthread_mutex_unlock(&resume_lock);
    st_be_internal_leave();
    SSL_SESSION_free(old);
#else
    int n = i2d_SSL_SESSION(sess, NULL);
    unsigned char *der = n > 0 ? malloc((size_t)n) : NULL, *p = der, *old;

    if (der != NULL && i2d_SSL_SESSION(sess, &p) != n) {
        free(der);
        der = NULL;
    }
    SSL_SESSION_free(sess);
    if (der == NULL)
        return;
    pthread_mutex_lock(&resume_lock);
    old = e->der;
    e->ctx = ctx;
    e->ctx_id = id;
    e->der = der;
    e->len = (size_t)n;
    pthread_mutex_unlock(&resume_lock);
    free(old);
#endif
}

static void resume_cleanup(void)
{
    atomic_store_explicit(&resume_kept, 0, memory_order_relaxed);
    for (size_t i = 0; i < ST_RESUME_SLOTS; i++) {
#ifdef ST_BACKEND_MINISSL
        SSL_SESSION_free(resume_tab[i].sess);
        resume_tab[i].sess = NULL;
#else
        free(resume_tab[i].der);
        resume_tab[i].der = NULL;
        resume_tab[i].len = 0;
#endif
        resume_tab[i].ctx = NULL;
        resume_tab[i].ctx_id = 0;
    }
}

/* minissl: the live objects the remembered sessions keep (see above). */
static long long resume_live(void)
{
    return atomic_load_explicit(&resume_kept, memory_order_relaxed);
}

/* ---- handshakes against a harness-owned peer ---------------------------- */

struct st_peer {
    SSL *ssl;
    time_t started;             /* when the connection's first handshake
                                   call began (`negotiated`'s earliest
                                   session time), 0 before */
    bool server;                /* the SSL under test is the server */
    const SSL_CTX *server_ctx;  /* the server's SSL_CTX when we are its client */
    uint64_t server_ctx_id;     /* its id (st_be_inspect_id), read while live */
    bool kept;                  /* its session is remembered */
};

/* After the server under test finished: let the peer client finish too
 * (TLS 1.2: the server's Finished comes last) and read what the server
 * sent after its handshake (TLS 1.3 tickets on OpenSSL), then remember
 * the session.  Nothing here is the scenario's: errors are dropped. */
static void peer_keep_session(struct st_peer *peer)
{
    unsigned char b;

    if (peer->server_ctx == NULL || peer->kept)
        return;
    peer->kept = true;
    ERR_set_mark();
    for (int i = 0; i < 4 && !SSL_is_init_finished(peer->ssl); i++)
        if (hs_step(peer->ssl) < 0)
            break;
    if (SSL_is_init_finished(peer->ssl)) {
        (void)SSL_read(peer->ssl, &b, 1);
        resume_keep(peer->server_ctx, peer->server_ctx_id, peer->ssl);
    }
    ERR_pop_to_mark();
}

long st_be_verify_result(void *ssl)
{
    return SSL_get_verify_result(ssl);
}

long st_be_sess_number(void *ctx)
{
    return (long)SSL_CTX_sess_number(ctx);
}

void st_be_peer_free(void *p)
{
    struct st_peer *peer = p;

    if (peer == NULL)
        return;
    SSL_free(peer->ssl);
    free(peer);
}

/* A server SSL without a certificate gets the test one and its key, as
 * `handshake` and `pair` promise; 1, or 0 (reason on the stack). */
static int server_material(SSL *s)
{
    return !SSL_is_server(s) || SSL_get_certificate(s) != NULL ||
           (SSL_use_certificate(s, test_cert) &&
            SSL_use_PrivateKey(s, test_key));
}

static struct st_peer *peer_new(SSL *s, bool server, bool resume)
{
    struct st_peer *peer = calloc(1, sizeof(*peer));
    BIO *to_s = NULL, *from_s = NULL;

    if (peer == NULL)
        return NULL;
    peer->server = server;
    if (server && SSL_get_certificate(s) == NULL &&
        (!SSL_use_certificate(s, test_cert) ||
         !SSL_use_PrivateKey(s, test_key)))
        goto err;
    peer->ssl = SSL_new(server ? peer_client_ctx : peer_server_ctx);
    if (server && peer->ssl != NULL) {
        SSL_SESSION *sess;

        peer->server_ctx = SSL_get_SSL_CTX(s);
        peer->server_ctx_id = st_be_inspect_id(ST_TY_CTX,
                                               (void *)peer->server_ctx);
        ERR_set_mark();     /* no session to offer is no failure */
        if (resume && (sess = resume_offer(peer->server_ctx,
                                           peer->server_ctx_id)) != NULL) {
            (void)SSL_set_session(peer->ssl, sess);
            SSL_SESSION_free(sess);
        }
        ERR_pop_to_mark();
    }
    to_s = BIO_new(BIO_s_mem());
    from_s = BIO_new(BIO_s_mem());
    if (peer->ssl == NULL || to_s == NULL || from_s == NULL)
        goto err;
    /* Each BIO is shared: one reference for s, one for the peer. */
    if (!BIO_up_ref(to_s) || !BIO_up_ref(from_s))
        goto err;
    SSL_set_bio(s, to_s, from_s);
    SSL_set_bio(peer->ssl, from_s, to_s);
    if (server)
        SSL_set_connect_state(peer->ssl);
    else
        SSL_set_accept_state(peer->ssl);
    return peer;
 err:
    BIO_free(to_s);
    BIO_free(from_s);
    st_be_peer_free(peer);
    return NULL;
}

/* One SSL_do_handshake; 1 finished, 0 wants more, -1 failed. */
static int hs_step(SSL *s)
{
    int r = SSL_do_handshake(s);

    if (r == 1)
        return 1;
    switch (SSL_get_error(s, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return 0;
    default:
        return -1;
    }
}

int st_be_peer_prepare(void **peerp, void *ssl, bool server, bool resume)
{
    thread_warm_up();
    if (*peerp == NULL && (*peerp = peer_new(ssl, server, resume)) == NULL)
        return -EIO;
    return 0;
}

int st_be_handshake(void **peerp, void *ssl, const struct st_hs_opts *o)
{
    enum st_hs_state until = o->until;
    long long steps = o->steps;
    SSL *s = ssl;
    struct st_peer *peer = *peerp;
    long long done_steps = 0;
    int sr = 0, pr = 0;
    bool server;

    thread_warm_up();
    if (peer == NULL) {
        server = o->as == ST_AS_ANY ? SSL_is_server(s) != 0
                                    : o->as == ST_AS_SERVER;
        if ((peer = peer_new(s, server, !o->no_resume)) == NULL)
            return -EIO;
        *peerp = peer;
    }
    if (peer->started == 0)
        peer->started = time(NULL);
    server = peer->server;
    for (int round = 0; round < 64; round++) {
        if (server || round > 0) {
            if (pr != 1 && (pr = hs_step(peer->ssl)) < 0)
                return -EIO;
        }
        if (sr != 1) {
            if (steps > 0 && done_steps >= steps)
                return 0;
            sr = hs_step(s);
            done_steps++;
            if (sr < 0)
                return -EIO;
        }
        /* (until=mid skips its scenario where SSL_in_before is missing) */
        if (until == ST_HS_MID && ST_PICK(IN_BEFORE, !SSL_in_before(s), true))
            return 0;
        if (sr == 1 && SSL_is_init_finished(s)) {
            if (server && !o->no_keep)
                peer_keep_session(peer);
            if (until == ST_HS_SHUTDOWN)
                return st_be_shutdown(s);
            return 0;
        }
    }
    return -EIO;    /* no progress: the handshake is stuck */
}

void st_be_handshake_forget(void *ssl)
{
    SSL *s = ssl;
    SSL_SESSION *sess = SSL_get_session(s);

    if (sess == NULL || SSL_session_reused(s))
        return;
    ERR_set_mark();
    (void)SSL_CTX_remove_session(SSL_get_SSL_CTX(s), sess);
    ERR_pop_to_mark();
}

/* ---- two scenario SSLs over a BIO pair ---------------------------------
 *
 * `pair A B` gives the two SSLs the two halves of one BIO pair, each SSL
 * reading and writing through its own half; `pair A B via=mem` gives them
 * two memory BIOs instead, crosswise (A writes the one B reads, and the
 * other way round), each BIO held by both SSLs.  `handshake S peer=pair`
 * and `read S` then drive one end only, a call at a time: the runner
 * waits between calls for the other end, which another thread drives.  No
 * peer of the harness's takes part, and nothing here keeps state: the
 * SSLs own their BIOs (SSL_set_bio), so freeing each SSL frees its
 * references, and the last of the two frees the pair or the memory BIOs.
 * Only minissl's BIOs let two threads use a pair's halves or one memory
 * BIO at once (ST_HAVE_PAIR_THREADS). */

/* The memory BIOs of `via=mem`: one for each direction, each with a
 * reference for the SSL that writes it and one for the SSL that reads it.
 * A memory BIO that is empty says "retry", not "end", so a reader waits
 * for the writer (BIO_eof is only "empty" for a memory BIO). */
static int mem_crosswise(SSL *sa, SSL *sb)
{
    BIO *ab = BIO_new(BIO_s_mem()), *ba = BIO_new(BIO_s_mem());

    if (ab == NULL || ba == NULL || !BIO_up_ref(ab) || !BIO_up_ref(ba)) {
        BIO_free(ab);
        BIO_free(ba);
        return 0;
    }
    SSL_set_bio(sa, ba, ab);            /* a reads b's writes */
    SSL_set_bio(sb, ab, ba);
    return 1;
}

static bool is_mem(BIO *b)
{
    return BIO_method_type(b) == BIO_TYPE_MEM;
}

int st_be_pair(void *a, void *b, bool mem)
{
    SSL *sa = a, *sb = b;
    BIO *ha = NULL, *hb = NULL;

    thread_warm_up();
    if (SSL_is_server(sa) == SSL_is_server(sb))
        return -EINVAL;
    if (!server_material(sa) || !server_material(sb))
        return -EIO;
    if (mem)
        return mem_crosswise(sa, sb) ? 0 : -EIO;
    if (!BIO_new_bio_pair(&ha, 0, &hb, 0))
        return -EIO;
    /* One reference each, for both directions: SSL_set_bio takes it. */
    SSL_set_bio(sa, ha, ha);
    SSL_set_bio(sb, hb, hb);
    return 0;
}

enum st_be_io st_be_pair_handshake(void *ssl)
{
    SSL *s = ssl;
    int r;

    thread_warm_up();
    if ((r = SSL_do_handshake(s)) == 1)
        return ST_IO_DONE;
    switch (SSL_get_error(s, r)) {
    case SSL_ERROR_WANT_READ:
        return ST_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return ST_IO_WANT_WRITE;
    default:
        return ST_IO_FAILED;
    }
}

enum st_be_io st_be_pair_read(void *ssl)
{
    SSL *s = ssl;
    BIO *rb;
    unsigned char buf[512];
    int r;

    thread_warm_up();
    if ((r = SSL_read(s, buf, (int)sizeof(buf))) > 0)
        return ST_IO_AGAIN;             /* data: discarded */
    switch (SSL_get_error(s, r)) {
    case SSL_ERROR_ZERO_RETURN:         /* close_notify */
        return ST_IO_DONE;
    case SSL_ERROR_WANT_READ:
        return ST_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return ST_IO_WANT_WRITE;
    default:
        /* The other end's half freed or shut down: an end of the
         * transport without close_notify (the reason, OpenSSL 3's and
         * minissl's UNEXPECTED_EOF_WHILE_READING, stays on the stack).
         * A memory BIO has no such end: it only runs dry. */
        rb = SSL_get_rbio(s);
        return rb != NULL && !is_mem(rb) && BIO_eof(rb)
               ? ST_IO_DONE : ST_IO_FAILED;
    }
}

bool st_be_pair_ready(void *ssl, enum st_be_io want)
{
    BIO *b = SSL_get_rbio(ssl);

    if (b == NULL)
        return true;                    /* the next call fails, saying so */
    if (is_mem(b))                      /* never full; empty is no end */
        return want == ST_IO_WANT_WRITE || BIO_ctrl_pending(b) > 0;
    if (want == ST_IO_WANT_WRITE)
        return BIO_ctrl_get_write_guarantee(b) > 0 || BIO_eof(b);
    return BIO_ctrl_pending(b) > 0 || BIO_eof(b);
}

int st_be_shutdown(void *ssl)
{
    return SSL_shutdown(ssl) < 0 ? -EIO : 0;
}

/* ---- settings ------------------------------------------------------------ */

/* `verify_cb=on`: accepts the one error the harness's self-signed test
 * certificate raises as a peer (no trust store: DEPTH_ZERO_SELF_SIGNED_CERT
 * on a certificate equal to the test one) and clears it, as an
 * application that pins its peer's certificate does; any other error
 * stands, so the verify parameters decide (host, email, IP address, time,
 * purpose, auth level, DANE). */
static int cb_verify(int ok, X509_STORE_CTX *x)
{
    X509 *cur = X509_STORE_CTX_get_current_cert(x);

    if (!ok && X509_STORE_CTX_get_error(x)
               == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT &&
        cur != NULL && X509_cmp(cur, test_cert) == 0) {
        X509_STORE_CTX_set_error(x, X509_V_OK);
        return 1;
    }
    return ok;
}

static int cb_security(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                       int nid, void *other, void *ex)
{
    (void)s; (void)ctx; (void)op; (void)bits; (void)nid; (void)other;
    (void)ex;
    return 1;
}

static void cb_info(const SSL *s, int where, int ret)
{
    (void)s; (void)where; (void)ret;
}

static void cb_msg(int write_p, int version, int content_type,
                   const void *buf, size_t len, SSL *s, void *arg)
{
    (void)write_p; (void)version; (void)content_type; (void)buf; (void)len;
    (void)s; (void)arg;
}

static int cb_passwd(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag; (void)u;
    if (size < 1)
        return 0;
    buf[0] = '\0';
    return 0;
}

/* `gen_session_id_cb=on`: ids the harness can tell (0x5a bytes) and no
 * two alike (a counter in front), as a server's cache needs. */
static int cb_gen_session_id(SSL *s, unsigned char *id, unsigned int *len)
{
    unsigned n = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);

    (void)s;
    memset(id, 0x5a, *len);
    memcpy(id, &n, *len < sizeof(n) ? *len : sizeof(n));
    return 1;
}

static int cb_ext_add(SSL *s, unsigned int ext_type, unsigned int context,
                      const unsigned char **out, size_t *outlen, X509 *x,
                      size_t chainidx, int *al, void *add_arg)
{
    (void)s; (void)ext_type; (void)context; (void)x; (void)chainidx;
    (void)al; (void)add_arg;
    *out = NULL;
    *outlen = 0;
    return 0;   /* 0: do not send the extension */
}

static int cb_ext_parse(SSL *s, unsigned int ext_type, unsigned int context,
                        const unsigned char *in, size_t inlen, X509 *x,
                        size_t chainidx, int *al, void *parse_arg)
{
    (void)s; (void)ext_type; (void)context; (void)in; (void)inlen; (void)x;
    (void)chainidx; (void)al; (void)parse_arg;
    return 1;
}

/* `serverinfo=test`: one extension block as SSL_CTX_use_serverinfo takes
 * it (type 0xffdc, private use; a two-byte length; the data). */
static const unsigned char test_serverinfo[] = {
    0xff, 0xdc, 0x00, 9, 's', 's', 'l', 's', 't', 'r', 'e', 's', 's',
};

static STACK_OF(X509_NAME) *test_names(void)
{
    STACK_OF(X509_NAME) *sk = sk_X509_NAME_new_null();
    X509_NAME *n;

    if (sk == NULL)
        return NULL;
    if ((n = X509_NAME_dup(test_name)) == NULL || !sk_X509_NAME_push(sk, n)) {
        X509_NAME_free(n);
        sk_X509_NAME_pop_free(sk, X509_NAME_free);
        return NULL;
    }
    return sk;
}

struct target;
static int set_dane(const struct target *t, const char *domain);
static int set_tmp_dh(const struct target *t);

/* The object a `set` applies to: an SSL or an SSL_CTX (the other NULL).
 * OpenSSL names the setter of a key SSL_X for an SSL and SSL_CTX_X for an
 * SSL_CTX, with the same arguments after the object: SET(X, ...) calls the
 * one for the object at hand, GET(X) its getter.  So each key below is one
 * case for both types; the few that differ say how. */
struct target {
    SSL *s;
    SSL_CTX *c;
    void *obj;                  /* s or c */
};

#define SET(f, ...) (t->s != NULL ? SSL_##f(t->s, __VA_ARGS__) \
                                  : SSL_CTX_##f(t->c, __VA_ARGS__))
#define GET(f) (t->s != NULL ? SSL_##f(t->s) : SSL_CTX_##f(t->c))

/* The harness's box on |obj|, an SSL, an SSL_CTX or an SSL_SESSION
 * (|ty|), in the index of its type (-1: none). */
static int exbox_index(enum st_type ty)
{
    return ty == ST_TY_SSL ? exdata_index_seen()
           : ty == ST_TY_CTX ? ctx_exdata_index_seen()
                             : sess_exdata_index_seen();
}

static struct st_exbox *exbox_get(enum st_type ty, const void *obj, int idx)
{
    return ty == ST_TY_SSL ? SSL_get_ex_data(obj, idx)
           : ty == ST_TY_CTX ? SSL_CTX_get_ex_data(obj, idx)
                             : SSL_SESSION_get_ex_data(obj, idx);
}

/* `ex_data=N` on the SSL, SSL_CTX or SSL_SESSION |obj| (|ty|): the index
 * of its type is st_be_prepare's, registered before the scenario's first
 * statement; none (the registration failed, or the caller did not
 * prepare) fails the setting.  A refused set frees the new box and leaves
 * the old one where it was. */
static int set_exbox(enum st_type ty, void *obj, long value)
{
    int idx = exbox_index(ty), ok;
    struct st_exbox *old, *box;

    if (idx < 0) {
        ST_RAISE(ST_R_INIT_FAIL);
        return 0;
    }
    old = exbox_get(ty, obj, idx);
    if ((box = malloc(sizeof(*box))) == NULL)
        return 0;
    box->value = value;
    ok = ty == ST_TY_SSL ? SSL_set_ex_data(obj, idx, box)
         : ty == ST_TY_CTX ? SSL_CTX_set_ex_data(obj, idx, box)
                           : SSL_SESSION_set_ex_data(obj, idx, box);
    if (!ok) {
        free(box);
        return 0;
    }
    /* relaxed: see live_boxes. */
    atomic_fetch_add_explicit(&live_boxes, old != NULL ? 0 : 1,
                              memory_order_relaxed);
    free(old);
    return 1;
}

/* The object's own verify parameters. */
static X509_VERIFY_PARAM *param(const struct target *t)
{
    return t->s != NULL ? SSL_get0_param(t->s) : SSL_CTX_get0_param(t->c);
}

/* `dane_tlsa=test`: a DANE-EE(3) SPKI(1) SHA2-256(1) record whose digest
 * matches no key (the harness's peers never pass it). */
static const unsigned char test_tlsa[32] = { 's', 's', 'l', 's', 't', 'r',
                                             'e', 's', 's' };

/* 1 set, 0 the library refused, -1 the key does not apply to the type. */
static int set_one(const struct target *t, const struct st_setting *st,
                   void *const *slots)
{
    const struct st_value *v = &st->val;
    bool on = v->kind == ST_V_ON || v->kind == ST_V_TEST;
    const char *str = v->str != NULL ? v->str : "";
    long long num = v->num;
    unsigned char buf[64];

    switch (st->key) {
    case ST_K_OPTIONS:
        SET(set_options, (uint64_t)num);
        return 1;
    case ST_K_MODE:
        SET(set_mode, (long)num);
        return 1;
    case ST_K_VERIFY:
        SET(set_verify, (int)num, GET(get_verify_callback));
        return 1;
    case ST_K_VERIFY_DEPTH:
        SET(set_verify_depth, (int)num);
        return 1;
    case ST_K_VERIFY_CB:
        SET(set_verify, GET(get_verify_mode), on ? cb_verify : NULL);
        return 1;
    case ST_K_MIN_PROTO:
        return (int)SET(set_min_proto_version, (int)num);
    case ST_K_MAX_PROTO:
        return (int)SET(set_max_proto_version, (int)num);
    case ST_K_READ_AHEAD:
        SET(set_read_ahead, (int)num);
        return 1;
    case ST_K_MAX_CERT_LIST:
        SET(set_max_cert_list, (long)num);
        return 1;
    case ST_K_CIPHER_LIST:
        return SET(set_cipher_list, str);
    case ST_K_CIPHERSUITES:
        return ST_PICK(CIPHERSUITES, SET(set_ciphersuites, str), -1);
    case ST_K_SID_CTX:
        return SET(set_session_id_context, (const unsigned char *)str,
                   (unsigned)strlen(str));
    case ST_K_SESSION:          /* an SSL's own */
        if (t->s == NULL)
            return -1;
        return SSL_set_session(t->s, v->kind == ST_V_NAME ? slots[v->slot]
                                                          : NULL);
    case ST_K_CERT:
        return on ? SET(use_certificate, test_cert) : 1;
    case ST_K_KEY:
        return on ? SET(use_PrivateKey, test_key) : 1;
    case ST_K_CHAIN:            /* none: SSL_(CTX_)clear_chain_certs */
        return on ? (int)SET(add1_chain_cert, test_cert)
                  : (int)(t->s != NULL ? SSL_clear_chain_certs(t->s)
                                       : SSL_CTX_clear_chain_certs(t->c));
    case ST_K_SIGALGS:
        return (int)SET(set1_sigalgs_list, str);
    case ST_K_CLIENT_SIGALGS:
        return ST_PICK(CLIENT_SIGALGS,
                       (int)SET(set1_client_sigalgs_list, str), -1);
    case ST_K_DANE:
        if (v->kind == ST_V_OFF || v->kind == ST_V_NONE)
            return 1;
        return set_dane(t, v->kind == ST_V_STR ? str : "sslstress.test");
    case ST_K_TMP_DH:
        return on ? set_tmp_dh(t) : 1;
    case ST_K_DH_AUTO:
        return ST_PICK(TMP_DH, (int)SET(set_dh_auto, (int)(v->kind == ST_V_ON
                                                          ? 1 : num)), -1);
    case ST_K_TMP_DH_CB:        /* deprecated in OpenSSL 3.0: backend_keys.c */
        return st_bk_set_tmp_dh_cb(t->s, t->c, on);
    case ST_K_METHOD:           /* an SSL's only (validate.c) */
        if (t->s == NULL)
            return -1;
        return ST_PICK(SSL_METHOD,
                       SSL_set_ssl_method(t->s, method_of((enum st_method)num)),
                       -1);
    case ST_K_SECURITY_LEVEL:
        return ST_PICK(SECURITY, (SET(set_security_level, (int)num), 1), -1);
    case ST_K_SECURITY_CB:
        return ST_PICK(SECURITY, (SET(set_security_callback,
                                      on ? cb_security : NULL), 1),
                       ((void)cb_security, -1));
    case ST_K_INFO_CB:
        SET(set_info_callback, on ? cb_info : NULL);
        return 1;
    case ST_K_MSG_CB:
        SET(set_msg_callback, on ? cb_msg : NULL);
        return 1;
    case ST_K_PASSWD_CB:
        if (t->s != NULL)
            return ST_PICK(SSL_PASSWD_CB,
                           (SSL_set_default_passwd_cb(t->s, on ? cb_passwd
                                                              : NULL),
                            SSL_set_default_passwd_cb_userdata(t->s, on ? t->obj
                                                                        : NULL),
                            1), -1);
        SSL_CTX_set_default_passwd_cb(t->c, on ? cb_passwd : NULL);
        SSL_CTX_set_default_passwd_cb_userdata(t->c, on ? t->obj : NULL);
        return 1;
    case ST_K_GEN_SESSION_ID_CB:
        return ST_PICK(GEN_SESSION_ID,
                       SET(set_generate_session_id,
                           on ? cb_gen_session_id : NULL),
                       ((void)cb_gen_session_id, -1));
    case ST_K_PSK_HINT:
        return SET(use_psk_identity_hint, str);
    case ST_K_CA_LIST:
    case ST_K_CLIENT_CA_LIST: {
        STACK_OF(X509_NAME) *sk = on ? test_names() : NULL;

        if (on && sk == NULL)
            return 0;
        if (st->key == ST_K_CA_LIST) {
            ST_PICK(CA_LIST, SET(set0_CA_list, sk);,
                    sk_X509_NAME_pop_free(sk, X509_NAME_free); return -1;)
        } else {
            SET(set_client_CA_list, sk);
        }
        return 1;
    }
    case ST_K_APP_DATA:         /* ex_data index 0: nothing registered */
        return SET(set_app_data, (char *)(intptr_t)num) != 0;
    case ST_K_EX_DATA:
        return set_exbox(t->s != NULL ? ST_TY_SSL : ST_TY_CTX, t->obj,
                         (long)num);
    case ST_K_SERVERINFO:
        /* OpenSSL has it per SSL_CTX only: on an SSL, minissl's own. */
        if (t->s != NULL)
            return st_be_inspect_use_serverinfo(t->s, on ? test_serverinfo
                                                         : NULL,
                                                sizeof(test_serverinfo));
        return !on ? 1 : ST_PICK(SERVERINFO,
                                 SSL_CTX_use_serverinfo(t->c, test_serverinfo,
                                                 sizeof(test_serverinfo)), -1);
    case ST_K_CLIENT_CERT_TYPES: {
        size_t n = st_cert_types(v, buf, sizeof(buf));

        (void)n;
        return ST_PICK(CERT_TYPES,
                       (int)SET(set1_client_certificate_types, buf, n), -1);
    }
    case ST_K_VERIFY_FLAGS:
        return X509_VERIFY_PARAM_set_flags(param(t), (unsigned long)num);
    /* The lengths are given: OpenSSL and minissl take 0 for strlen,
     * BoringSSL refuses it. */
    case ST_K_HOST:
        return X509_VERIFY_PARAM_set1_host(param(t), str, strlen(str));
    case ST_K_ADD_HOST:
        return X509_VERIFY_PARAM_add1_host(param(t), str, strlen(str));
    case ST_K_HOSTFLAGS:
        X509_VERIFY_PARAM_set_hostflags(param(t), (unsigned)num);
        return 1;
    case ST_K_PURPOSE:
        return X509_VERIFY_PARAM_set_purpose(param(t), (int)num);
    case ST_K_TRUST:
        return X509_VERIFY_PARAM_set_trust(param(t), (int)num);
    case ST_K_VERIFY_TIME:
        X509_VERIFY_PARAM_set_time(param(t), (time_t)num);
        return 1;
    case ST_K_AUTH_LEVEL:
        return ST_PICK(AUTH_LEVEL,
                       (X509_VERIFY_PARAM_set_auth_level(param(t), (int)num),
                        1), -1);
    case ST_K_VERIFY_EMAIL:
        return X509_VERIFY_PARAM_set1_email(param(t), str, strlen(str));
    case ST_K_VERIFY_IP:
        return X509_VERIFY_PARAM_set1_ip_asc(param(t), str);
    case ST_K_DANE_TLSA:        /* an SSL's only (validate.c) */
        if (t->s == NULL)
            return -1;
        return ST_PICK(DANE, on ? SSL_dane_tlsa_add(t->s, 3, 1, 1, test_tlsa,
                                                    sizeof(test_tlsa)) > 0
                                : 1, ((void)test_tlsa, -1));
    case ST_K_DANE_FLAGS:
        return ST_PICK(DANE, ((void)SET(dane_set_flags, (unsigned long)num),
                              1), -1);
    case ST_K_MSG_CB_ARG:       /* a ctrl in OpenSSL, void in BoringSSL */
        (void)SET(set_msg_callback_arg, (void *)(intptr_t)num);
        return 1;
    case ST_K_SECURITY_EX:
        return ST_PICK(SECURITY, (SET(set0_security_ex_data,
                                      (void *)(intptr_t)num), 1), -1);
    case ST_K_BIO: {            /* an SSL's only (validate.c) */
        BIO *b = NULL;

        /* test: one new memory BIO as both (SSL_set_bio takes one
         * reference for the two); none: no BIOs.  Either frees the ones
         * the SSL had. */
        if (t->s == NULL)
            return -1;
        if (on && (b = BIO_new(BIO_s_mem())) == NULL)
            return 0;
        SSL_set_bio(t->s, b, b);
        return 1;
    }
    case ST_K_SESSION_TIMEOUT:  /* the session cache's: an SSL_CTX's */
    case ST_K_CACHE_SIZE:       /* only (validate.c) */
    case ST_K_CACHE_MODE:
        if (t->c == NULL)
            return -1;
        /* Each returns the old value and refuses nothing in [0, INT_MAX]
         * (minissl refuses a negative size only); BoringSSL takes the
         * mode as an int, which every mode bit fits. */
        if (st->key == ST_K_SESSION_TIMEOUT)
            (void)SSL_CTX_set_timeout(t->c, (long)num);
        else if (st->key == ST_K_CACHE_SIZE)
            (void)SSL_CTX_sess_set_cache_size(t->c, (long)num);
        else
            (void)SSL_CTX_set_session_cache_mode(t->c, (int)num);
        return 1;
    case ST_K_CUSTOM_EXT:       /* an SSL_CTX's only (validate.c) */
        if (t->c == NULL)
            return -1;
        return !on ? 1 : ST_PICK(CUSTOM_EXT,
                                 SSL_CTX_add_custom_ext(t->c, 0xff77,
                                                        SSL_EXT_CLIENT_HELLO,
                                                        cb_ext_add, NULL, NULL,
                                                        cb_ext_parse, NULL),
                                 ((void)cb_ext_add, (void)cb_ext_parse, -1));
    default:
        return -1;
    }
}

/* `dane=on`: an SSL's DANE needs its SSL_CTX's, and a base domain.
 * 1, 0 (refused), -1 (no DANE in this library). */
static int set_dane(const struct target *t, const char *domain)
{
    (void)t; (void)domain;
    ST_PICK(DANE,
            if (SSL_CTX_dane_enable(t->s != NULL ? SSL_get_SSL_CTX(t->s)
                                                 : t->c) <= 0)
                return 0;
            return t->s == NULL || SSL_dane_enable(t->s, domain) > 0;,
            return -1;)
}

/* `tmp_dh=test`: a test key stands in for DH parameters; the setter only
 * stores it (set0: the object takes our reference).  1, 0, -1 as above. */
static int set_tmp_dh(const struct target *t)
{
    (void)t;
    ST_PICK(TMP_DH,
            if (!EVP_PKEY_up_ref(test_key))
                return 0;
            if (!SET(set0_tmp_dh_pkey, test_key)) {
                EVP_PKEY_free(test_key);
                return 0;
            }
            return 1;,
            return -1;)
}

#undef SET
#undef GET

int st_be_set(enum st_type type, void *obj, const struct st_setting *set,
              void *const *slots)
{
    struct target t = { .obj = obj };
    int r;

    thread_warm_up();
    if (type == ST_TY_SESSION) {
        /* A session's keys (validate.c).  ex_data: no library refuses it
         * on a shared session.  SSL_SESSION_set_time returns the time it
         * set, so it has nothing to refuse.  SSL_SESSION_set_timeout 0:
         * refused, as minissl refuses a shared session (ssl_conn.h). */
        if (set->key == ST_K_EX_DATA)
            return set_exbox(type, obj, (long)set->val.num) ? 0 : -EIO;
        if (set->key == ST_K_TIME) {
            (void)SSL_SESSION_set_time(obj, (long)set->val.num);
            return 0;
        }
        if (set->key != ST_K_TIMEOUT)
            return -ENOTSUP;
        return SSL_SESSION_set_timeout(obj, (long)set->val.num) ? 0 : -EIO;
    }
    if (type == ST_TY_SSL)
        t.s = obj;
    else if (type == ST_TY_CTX)
        t.c = obj;
    else
        return -ENOTSUP;
    r = set_one(&t, set, slots);
    if (r < 0)
        return -ENOTSUP;
    return r > 0 ? 0 : -EIO;
}

/* ---- expressions ----------------------------------------------------------- */

/* `copied` of two sessions: every field a program can read through the
 * public getters of all three libraries, as text (dupitems.h's forms).
 * Not the cipher (minissl has no SSL_CIPHER; its session's seal covers
 * the cipher id, session.c) nor the library's private fields. */
static void sess_id(SSL_SESSION *s, struct st_text *t)
{
    unsigned int n = 0;
    const unsigned char *p = SSL_SESSION_get_id(s, &n);

    st_text_bytes(t, p, n);
}

static void sess_id_ctx(SSL_SESSION *s, struct st_text *t)
{
    unsigned int n = 0;
    const unsigned char *p = SSL_SESSION_get0_id_context(s, &n);

    st_text_bytes(t, p, n);
}

static void sess_version(SSL_SESSION *s, struct st_text *t)
{
    st_text_add(t, "%#x", (unsigned)SSL_SESSION_get_protocol_version(s));
}

static void sess_master_key(SSL_SESSION *s, struct st_text *t)
{
    unsigned char k[256];
    size_t n = SSL_SESSION_get_master_key(s, k, sizeof(k));

    st_text_bytes(t, k, n);
    OPENSSL_cleanse(k, sizeof(k));
}

static void sess_time(SSL_SESSION *s, struct st_text *t)
{
    st_text_add(t, "%lld", (long long)SSL_SESSION_get_time(s));
}

static void sess_timeout(SSL_SESSION *s, struct st_text *t)
{
    st_text_add(t, "%lld", (long long)SSL_SESSION_get_timeout(s));
}

static void sess_resumable(SSL_SESSION *s, struct st_text *t)
{
    st_text_add(t, "%d", SSL_SESSION_is_resumable(s));
}

/* The peer certificate by identity: a copy shares it (an up_ref). */
static void sess_peer(SSL_SESSION *s, struct st_text *t)
{
    st_text_ptr(t, SSL_SESSION_get0_peer(s));
}

static void sess_ticket(SSL_SESSION *s, struct st_text *t)
{
    const unsigned char *p = NULL;
    size_t n = 0;

    if (SSL_SESSION_has_ticket(s))
        SSL_SESSION_get0_ticket(s, &p, &n);
    st_text_bytes(t, p, n);
}

/* The harness's ex_data value (`ex_data=N` on a session), or "none". */
static struct st_exbox *sess_box(SSL_SESSION *s)
{
    int idx = sess_exdata_index_seen();

    return idx >= 0 ? exbox_get(ST_TY_SESSION, s, idx) : NULL;
}

static void sess_exbox(SSL_SESSION *s, struct st_text *t)
{
    st_exbox_text(sess_box(s), t);
}

/* Each field; |kept|: one a session that replaces another must keep
 * (`kept`), where the id, the ticket, the time and the master key are the
 * new ticket's.  The peer certificate is compared by identity for
 * `copied` (a copy shares it) and by content for `kept`.  Not the ex_data
 * value for `kept`: a full handshake's new session (minissl's, where
 * OpenSSL's resumption copies the old one) has none of the old one's,
 * in every library. */
static const struct {
    const char *field;
    void (*render)(SSL_SESSION *s, struct st_text *t);
    bool kept;
} sess_fields[] = {
    { "id", sess_id, false },
    { "id context", sess_id_ctx, true },
    { "protocol version", sess_version, true },
    { "master key", sess_master_key, false },
    { "time", sess_time, false },
    { "timeout", sess_timeout, true },
    { "resumable flag", sess_resumable, true },
    { "peer certificate", sess_peer, false },
    { "ticket", sess_ticket, false },
    { "ex_data value", sess_exbox, false },
};

static bool sessions_agree(SSL_SESSION *a, SSL_SESSION *b, bool kept,
                           char *why, size_t whylen)
{
    struct st_text ta, tb;
    X509 *pa, *pb;

    if (a == NULL || b == NULL) {
        snprintf(why, whylen, "%s is no session", a == NULL ? "A" : "B");
        return a == b;
    }
    for (size_t i = 0; i < sizeof(sess_fields) / sizeof(sess_fields[0]);
         i++) {
        if (kept && !sess_fields[i].kept)
            continue;
        st_text_clear(&ta);
        st_text_clear(&tb);
        sess_fields[i].render(a, &ta);
        sess_fields[i].render(b, &tb);
        if (strcmp(ta.s, tb.s) != 0) {
            snprintf(why, whylen, "the session's %s differs (A: %s; B: %s)",
                     sess_fields[i].field, ta.s, tb.s);
            return false;
        }
    }
    /* A copy's value is its own, from the dup callback (as for an SSL's,
     * dupitems.h's ex_data.own); the same box in both would be freed
     * twice. */
    if (!kept && a != b && sess_box(a) != NULL && sess_box(a) == sess_box(b)) {
        snprintf(why, whylen, "the session's ex_data value is the same box "
                 "in both (the dup callback did not run)");
        return false;
    }
    if (!kept)
        return true;
    pa = SSL_SESSION_get0_peer(a);
    pb = SSL_SESSION_get0_peer(b);
    if ((pa == NULL) != (pb == NULL) || (pa != NULL && X509_cmp(pa, pb) != 0)) {
        snprintf(why, whylen, "the session's peer certificate differs (A: "
                 "%s; B: %s)", pa == NULL ? "none" : "a certificate",
                 pb == NULL ? "none" : pa == NULL ? "a certificate"
                                                  : "another certificate");
        return false;
    }
    return true;
}

bool st_be_session_kept(void *a, void *b, char *why, size_t whylen)
{
    return sessions_agree(a, b, true, why, whylen);
}

/* `negotiated` is false: the field that disagrees, as |fmt| says, into
 * why; returns false. */
static bool unnegotiated(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool unnegotiated(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return false;
}

/* The master key of |sess| into k (0: none); the caller cleanses k. */
static size_t master_key(SSL_SESSION *sess, unsigned char *k, size_t len)
{
    return sess == NULL ? 0 : SSL_SESSION_get_master_key(sess, k, len);
}

bool st_be_negotiated(void *ssl, void *peerp, char *why, size_t whylen)
{
    SSL *s = ssl;
    const struct st_peer *peer = peerp;
    SSL_SESSION *sess = SSL_get_session(s);
    unsigned char k[256], pk[256];
    size_t n, pn = 0;
    long long now = (long long)time(NULL), t, lo, ctx_timeout;
    unsigned int idlen = 0;
    bool reused = SSL_session_reused(s) != 0, fin, same, zero = true;

    if (st_be_state(s) != ST_HS_DONE && st_be_state(s) != ST_HS_SHUTDOWN)
        return unnegotiated(why, whylen, "the handshake has not finished "
                            "(state %s)", st_hs_state_name(st_be_state(s)));
    if (sess == NULL)
        return unnegotiated(why, whylen, "the SSL has no session");
    if (SSL_SESSION_get_protocol_version(sess) != SSL_version(s))
        return unnegotiated(why, whylen, "the session's protocol version "
                            "is %#x, the connection's %#x",
                            (unsigned)SSL_SESSION_get_protocol_version(sess),
                            (unsigned)SSL_version(s));
    /* The peer server of a client finishes after it (it reads the
     * client's Finished last), so only a finished peer has the key. */
    fin = peer != NULL && SSL_is_init_finished(peer->ssl);
    n = master_key(sess, k, sizeof(k));
    if (fin)
        pn = master_key(SSL_get_session(peer->ssl), pk, sizeof(pk));
    same = n == pn && memcmp(k, pk, n) == 0;
    for (size_t i = 0; i < n && zero; i++)
        zero = k[i] == 0;
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(pk, sizeof(pk));
    /* In TLS 1.3 a session's key is the resumption secret of its ticket
     * (OpenSSL): a client has none before the server's ticket came. */
    if (n == 0 && (SSL_is_server(s) || SSL_version(s) < TLS1_3_VERSION ||
                   SSL_SESSION_has_ticket(sess)))
        return unnegotiated(why, whylen, "the session's master key is empty");
    /* The peer's library may have left its key unset too (minissl's
     * own peer): a key of zero bytes is one nobody derived. */
    if (n > 0 && zero)
        return unnegotiated(why, whylen, "the session's master key is all "
                            "zero bytes");
    if (fin && !same)
        return unnegotiated(why, whylen, "the session's master key (%zu "
                            "bytes) is not the peer's (%zu bytes)", n, pn);
    /* A resumed session is the one an earlier handshake made, with its
     * SSL_CTX's timeout and time then. */
    ctx_timeout = (long long)SSL_CTX_get_timeout(SSL_get_SSL_CTX(s));
    if (!reused && (long long)SSL_SESSION_get_timeout(sess) != ctx_timeout)
        return unnegotiated(why, whylen, "the session's timeout is %lld, "
                            "its SSL_CTX's %lld",
                            (long long)SSL_SESSION_get_timeout(sess),
                            ctx_timeout);
    /* time() counts whole seconds: a second either side. */
    t = (long long)SSL_SESSION_get_time(sess);
    lo = !reused && peer != NULL && peer->started != 0
         ? (long long)peer->started - 1 : 1;
    if (t < lo || t > now + 1)
        return unnegotiated(why, whylen, "the session's time is %lld, not "
                            "within %lld to %lld", t, lo, now + 1);
    (void)SSL_SESSION_get_id(sess, &idlen);
    if ((idlen > 0 || SSL_SESSION_has_ticket(sess)) &&
        !SSL_SESSION_is_resumable(sess))
        return unnegotiated(why, whylen, "the session has %s but is not "
                            "resumable", idlen > 0 ? "an id" : "a ticket");
    return true;
}

/* `copied`: the SSL_dup table's every row (dupitems.h), or every field of
 * two sessions. */
bool st_be_copied(enum st_type t, void *a, void *b, char *why, size_t whylen)
{
    if (t == ST_TY_SESSION)
        return sessions_agree(a, b, false, why, whylen);
    return st_dup_compare(a, b, why, whylen);
}

/* `inherited`: the SSL_dup table's rows that SSL_new takes from the
 * SSL_CTX (dupitems.h's st_dup_inherit). */
bool st_be_inherited(void *ssl, void *ctx, char *why, size_t whylen)
{
    return st_dup_inherited(ssl, ctx, why, whylen);
}

enum st_hs_state st_be_state(void *ssl)
{
    SSL *s = ssl;

    if (SSL_get_shutdown(s) != 0)
        return ST_HS_SHUTDOWN;
    /* (`state` skips its scenario where SSL_in_before is missing) */
    ST_PICK(IN_BEFORE, if (SSL_in_before(s)) return ST_HS_BEFORE;, )
    if (SSL_is_init_finished(s))
        return ST_HS_DONE;
    return ST_HS_MID;
}

/* ---- errors ------------------------------------------------------------------ */

/* The runner clears a thread's error stack before the block's first
 * statement: OpenSSL makes the thread's error state there (err.c) on a
 * worker's first iteration, so the warm-up runs first, as for every
 * statement (else `leaks` counts the error state, 3 allocations). */
unsigned long st_be_peek_error(void)
{
    thread_warm_up();
    return ERR_peek_error();
}

void st_be_clear_errors(void)
{
    thread_warm_up();
    ERR_clear_error();
}

int st_be_error_reason(unsigned long code)
{
    return ERR_GET_REASON(code);
}

void st_be_error_text(unsigned long code, char *buf, size_t len)
{
    const char *r = ERR_reason_error_string(code);

    if (r != NULL)
        snprintf(buf, len, "%s", r);
    else
        snprintf(buf, len, "reason %d", ERR_GET_REASON(code));
}

bool st_be_error_is(unsigned long code, const char *reason)
{
    char text[256];
    const char *a = text, *b = reason;

    int want;

    if (code == 0)
        return false;
    if (st_reason_code(reason, &want))
        return ERR_GET_REASON(code) == want;
    st_be_error_text(code, text, sizeof(text));
    if (strncmp(b, "SSL_R_", 6) == 0)
        b += 6;
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = (char)tolower((unsigned char)*a);
        char y = (char)tolower((unsigned char)*b);

        if (x == '_')
            x = ' ';
        if (y == '_')
            y = ' ';
        if (x != y)
            return false;
    }
    return *a == '\0' && *b == '\0';
}

void st_be_last_error(char *buf, size_t len)
{
    unsigned long e;
    size_t used = 0;

    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        char t[160];

        st_be_error_text(e, t, sizeof(t));
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                     used ? "; " : "", t);
    }
    if (buf[0] == '\0')
        snprintf(buf, len, "no reason on the error stack");
}

/* ---- introspection ---------------------------------------------------------- */

int st_be_refs(enum st_type t, void *obj)
{
    return st_be_inspect_refs(t, obj);
}

uint64_t st_be_id(enum st_type t, void *obj)
{
    return st_be_inspect_id(t, obj);
}

bool st_be_freed(enum st_type t, void *obj, uint64_t id)
{
    return st_be_inspect_freed(t, obj, id);
}

long long st_be_live_ssl(void)
{
    return st_be_inspect_live_ssl();
}

long long st_be_live(void)
{
    long long n;

    /* relaxed: see the counters' comments. */
    n = atomic_load_explicit(&live_boxes, memory_order_relaxed);
    if (st_be_inspect_features() & ST_FEAT_INTROSPECTION)
        return n + st_be_inspect_live() - resume_live();
    if (!counting)
        return n;
    return n + atomic_load_explicit(&live_allocs, memory_order_relaxed);
}

long long st_be_end_leaks(char *what, size_t len)
{
    long long n, boxes;

    if (!(st_be_inspect_features() & ST_FEAT_INTROSPECTION))
        return -1;
    st_be_clear_errors();
    st_be_cleanup();
    n = st_be_inspect_remaining(what, len);
    /* relaxed: see the counters' comments. */
    boxes = atomic_load_explicit(&live_boxes, memory_order_relaxed);
    if (boxes > 0) {
        size_t used = strlen(what);

        snprintf(what + used, len - used, "%s%lld app_data value(s)",
                 used ? ", " : "", boxes);
        n += boxes;
    }
    if (st_be_init() != 0)
        return -1;
    return n;
}

/* ---- the allocation-failure sweep (backend.h) ------------------------------ */

bool st_be_alloc_fail_available(void)
{
    return counting;
}

void st_be_alloc_fail_arm(unsigned long k)
{
    thread_warm_up();       /* OpenSSL's per-thread state first, unfailed */
    fail_hit = false;
    fail_countdown = k;
}

bool st_be_alloc_fail_disarm(void)
{
    bool hit = fail_hit;

    fail_countdown = 0;
    fail_hit = false;
    return hit;
}

void st_be_census(struct st_be_census *c)
{
    long long quarantined = 0;

    memset(c, 0, sizeof(*c));
    c->ntypes = st_be_inspect_census(c->objects, ST_BE_CENSUS_TYPES,
                                     &quarantined);
    /* relaxed: see the counters' comments. */
    c->allocations = atomic_load_explicit(&live_allocs, memory_order_relaxed)
                     - quarantined;
    c->boxes = atomic_load_explicit(&live_boxes, memory_order_relaxed);
}

const char *st_be_census_type(size_t i)
{
    return st_be_inspect_type_name(i);
}

static void census_add(char *buf, size_t len, size_t *used, long long was,
                       long long now, const char *what)
{
    if (now == was || *used >= len)
        return;
    *used += (size_t)snprintf(buf + *used, len - *used, "%s%+lld %s (%lld "
                              "-> %lld)", *used ? ", " : "", now - was, what,
                              was, now);
}

bool st_be_census_diff(const struct st_be_census *before,
                       const struct st_be_census *after, char *buf,
                       size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < after->ntypes && i < before->ntypes; i++)
        census_add(buf, len, &used, before->objects[i], after->objects[i],
                   st_be_census_type(i));
    census_add(buf, len, &used, before->allocations, after->allocations,
               "allocation(s)");
    census_add(buf, len, &used, before->boxes, after->boxes,
               "ex_data value(s)");
    return buf[0] != '\0';
}

/* The sentinel st_be_err_aside puts on the stack, marked, above what was
 * there (itself marked too, when there was something): ERR_LIB_USER with
 * this reason, which no library raises for itself. */
#define ST_R_SWEEP_MARK 0x5357
#if defined(OPENSSL_IS_BORINGSSL)
#define sweep_mark_raise() \
    ERR_put_error(ERR_LIB_USER, 0, ST_R_SWEEP_MARK, __FILE__, __LINE__)
#else
#define sweep_mark_raise() ERR_raise(ERR_LIB_USER, ST_R_SWEEP_MARK)
#endif

static bool is_sweep_mark(unsigned long e)
{
    return ERR_GET_LIB(e) == ERR_LIB_USER &&
           ERR_GET_REASON(e) == ST_R_SWEEP_MARK;
}

void st_be_err_aside(void)
{
    thread_warm_up();
    (void)ERR_set_mark();       /* 0: the stack is empty, nothing to keep */
    sweep_mark_raise();
    (void)ERR_set_mark();
}

bool st_be_err_restore(char *why, size_t len)
{
    unsigned long e;
    bool raised = !is_sweep_mark(ERR_peek_last_error());

    why[0] = '\0';
    if (raised && (e = ERR_peek_last_error()) != 0)
        st_be_error_text(e, why, len);
    (void)ERR_pop_to_mark();    /* the attempt's, down to the sentinel */
    (void)ERR_pop_to_mark();    /* the sentinel, down to what was there */
    return raised;
}

int st_be_cache_add(void *ctx, void *sess)
{
    thread_warm_up();
    return SSL_CTX_add_session(ctx, sess);
}

int st_be_cache_remove(void *ctx, void *sess)
{
    thread_warm_up();
    return SSL_CTX_remove_session(ctx, sess);
}

void st_be_detectors(struct st_be_detect *d)
{
    st_be_inspect_detectors(d);
}

