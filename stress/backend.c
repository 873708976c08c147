/* The harness backend over the OpenSSL API.  See backend.h.
 *
 * Only OpenSSL's public API is called here, so the file compiles unchanged
 * against minissl and against the system OpenSSL 3.  minissl-only
 * introspection lives in backend_inspect.c.
 *
 * Concurrency: the statics below are written once by st_be_init() before
 * any thread or child exists and only read afterwards, except the
 * allocation counter (an atomic), the ex_data dup counter (an atomic) and
 * the harness's ex_data index (an atomic written once, under pthread_once:
 * "What the harness registers in the library" below). */
#include "backend.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "backend_inspect.h"
#include "barrier.h"
#include "names.h"

/* ---- allocation counters (leaks on a backend without introspection) --- */

/* relaxed everywhere: a statistic read single-threaded in `check`, after
 * the iteration's threads were joined (the join orders it). */
static atomic_llong live_allocs;
static bool counting;
/* True while this thread runs its warm-up (thread_warm_up below): its
 * allocations and frees are OpenSSL's per-thread, one-time state and not
 * the scenario's. */
static _Thread_local bool uncounted;
static atomic_ulong exdata_dups;    /* relaxed: a statistic */
/* The harness's ex_data boxes alive (struct st_exbox below): counted in
 * `leaks` on both backends, so that a library that never runs an SSL's
 * ex_data free callback (or runs it twice) shows in a scenario.  relaxed:
 * like live_allocs, read after the iteration's threads were joined. */
static atomic_llong live_boxes;
static atomic_uint next_id;         /* relaxed: only uniqueness matters */
/* The SSL ex_data index of the `ex_data` setting: -1 until registered (see
 * "What the harness registers in the library"). */
static atomic_int exdata_index = -1;

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
    void *p = malloc(n);

    (void)file; (void)line;
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
    q = realloc(p, n);
    return q;
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
    if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free))
        return -EBUSY;
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
#if defined(ST_TSAN) && !defined(ST_BACKEND_MINISSL)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define ossl_hb_release(p) do { if ((p) != NULL) __tsan_release(p); } while (0)
#define ossl_hb_acquire(p) do { if ((p) != NULL) __tsan_acquire(p); } while (0)
#else
#define ossl_hb_release(p) ((void)(p))
#define ossl_hb_acquire(p) ((void)(p))
#endif

#if defined(ST_TSAN) && !defined(ST_BACKEND_MINISSL)
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
static char version_buf[128];

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
 *   - Under TSan on the OpenSSL backend the annotations need free callbacks
 *     on every SSL, SSL_CTX and SSL_SESSION ("ThreadSanitizer and an
 *     uninstrumented libssl" above): st_be_init registers that SSL index and
 *     an SSL_CTX and an SSL_SESSION index before anything is freed.  There,
 *     and only there, an SSL index always exists.
 *
 * The rest of what the harness leaves in the library is listed in
 * doc/scenario-format.md ("How the harness applies statements"). */

/* The harness's ex_data value: a box per SSL, copied by the dup callback,
 * so `ex_data=N` exercises ex_data dup callbacks under concurrency. */
struct st_exbox {
    long value;
};

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

static pthread_once_t exdata_once = PTHREAD_ONCE_INIT;

/* Under exdata_once.  A failure leaves the index at -1: every `ex_data`
 * setting then fails with the library's reason. */
static void exdata_register(void)
{
    int idx = SSL_get_ex_new_index(0, NULL, NULL, exdata_dup, exdata_free);

    /* relaxed: the index is all a reader needs (the library's registry has
     * its own lock), and pthread_once orders this store before the return
     * of every pthread_once call, the one reader that needs it set. */
    atomic_store_explicit(&exdata_index, idx, memory_order_relaxed);
}

/* The index, registered now if it was not; -1 if registration failed.
 * Only before a scenario's threads start (st_be_prepare, st_be_init). */
static int exdata_index_use(void)
{
    pthread_once(&exdata_once, exdata_register);
    return atomic_load_explicit(&exdata_index, memory_order_relaxed);
}

/* The index if some statement registered it, else -1 (never registers).
 * relaxed: a reader that sees -1 while another thread registers sees a
 * scenario racing its own `ex_data` setting with `copied`; the boxes'
 * values are ordered as the scenario orders the SSLs. */
static int exdata_index_seen(void)
{
    return atomic_load_explicit(&exdata_index, memory_order_relaxed);
}

int st_be_exdata_index(void)
{
    return exdata_index_seen();
}

static bool sets_ex_data(const struct st_stmt *st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; st[i].op == ST_OP_SET && k < st[i].nsettings; k++)
            if (st[i].settings[k].key == ST_K_EX_DATA)
                return true;
        if (st[i].op == ST_OP_REPEAT && sets_ex_data(st[i].body,
                                                     st[i].nbody))
            return true;
    }
    return false;
}

void st_be_prepare(const struct st_scenario *sc)
{
    bool used = sets_ex_data(sc->global.stmts, sc->global.nstmts) ||
                sets_ex_data(sc->setup.stmts, sc->setup.nstmts) ||
                sets_ex_data(sc->check.stmts, sc->check.nstmts);

    for (size_t i = 0; i < sc->nthreads && !used; i++)
        used = sets_ex_data(sc->threads[i].stmts, sc->threads[i].nstmts);
    if (used)
        (void)exdata_index_use();   /* a failure fails each ex_data= */
}

static X509 *make_cert(EVP_PKEY *key)
{
    X509 *x = X509_new();
    X509_NAME *n;

    if (x == NULL)
        return NULL;
    if (!ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
        X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365) == NULL ||
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

/* One handshake between the peer contexts, the client offering |offer|;
 * returns the client's session (one reference) or NULL.  The client reads
 * what the server sent after the handshake (TLS 1.3 tickets). */
static SSL_SESSION *warm_handshake(SSL_SESSION *offer)
{
    SSL *c = SSL_new(peer_client_ctx), *s = SSL_new(peer_server_ctx);
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

/* A full and (OpenSSL) a resumed handshake between the peer contexts, so
 * that the library's lazy, process-wide caches (algorithms, providers, the
 * ticket ciphers) exist before any iteration counts allocations for
 * `leaks`.  minissl has no such caches; its warm-up stays one handshake,
 * which a seeded fault switched on from the environment cannot turn into
 * a diagnosis in the harness's own objects. */
static void warm_up(void)
{
    SSL_SESSION *first = warm_handshake(NULL);

#ifndef ST_BACKEND_MINISSL
    SSL_SESSION_free(warm_handshake(first));
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

/* OpenSSL 3 also keeps per-thread state it makes on a thread's first use
 * (its random generators, the error queue, the thread-stop handlers) and
 * frees only when the thread exits: a worker's first iteration would count
 * it as the scenario's leak.  Each thread that calls the backend runs the
 * warm-up handshake once, uncounted, before its first statement.  minissl
 * has no such state (and its `leaks` counts objects): nothing to do. */
#ifdef ST_BACKEND_MINISSL
#define thread_warm_up() ((void)0)
#else
static _Thread_local bool thread_warm;

static void thread_warm_up(void)
{
    if (thread_warm || peer_client_ctx == NULL)
        return;
    thread_warm = true;
    uncounted = true;
    warm_up();
    uncounted = false;
}
#endif

int st_be_init(void)
{
    if (test_key != NULL)
        return 0;
    if ((test_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
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
    if ((peer_client_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
        goto err;
#if defined(ST_TSAN) && !defined(ST_BACKEND_MINISSL)
    /* Only for the destroyer's acquire (see "ThreadSanitizer and ..." and
     * "What the harness registers in the library"). */
    if (exdata_index_use() < 0 ||
        SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, destroyer_exfree) < 0 ||
        SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL,
                                     destroyer_exfree) < 0)
        goto err;
#endif
#ifdef ST_BACKEND_MINISSL
    warm_up();
#else
    thread_warm_up();   /* this thread's state and the process-wide caches */
#endif
    snprintf(version_buf, sizeof(version_buf), "%s",
             OpenSSL_version(OPENSSL_VERSION));
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
#ifdef ST_BACKEND_MINISSL
    return "minissl";
#else
    return "openssl";
#endif
}

const char *st_be_version(void)
{
    return version_buf[0] != '\0' ? version_buf
                                  : OpenSSL_version(OPENSSL_VERSION);
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

/* ---- objects ------------------------------------------------------------ */

void *st_be_ctx_new(enum st_method m)
{
    const SSL_METHOD *meth = m == ST_METHOD_CLIENT ? TLS_client_method()
                           : m == ST_METHOD_SERVER ? TLS_server_method()
                           : TLS_method();

    thread_warm_up();
    return SSL_CTX_new(meth);
}

void *st_be_ssl_new(void *ctx)
{
    thread_warm_up();
    return SSL_new(ctx);
}

void *st_be_dup(void *ssl)
{
    thread_warm_up();
    return SSL_dup(ssl);
}

void *st_be_session_new(void)
{
    SSL_SESSION *sess;
    unsigned char id[16] = "sslstress-sess";
    unsigned n;

    thread_warm_up();
    if ((sess = SSL_SESSION_new()) == NULL)
        return NULL;
    n = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
    memcpy(id + 12, &n, sizeof(n));
    if (!SSL_SESSION_set1_id(sess, id, sizeof(id))) {
        SSL_SESSION_free(sess);
        return NULL;
    }
    return sess;
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
    case ST_TY_SSL: ok = SSL_up_ref(obj); break;
    default: ok = SSL_SESSION_up_ref(obj); break;
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
    default: SSL_SESSION_free(obj); break;
    }
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
 * table is direct-mapped by SSL_CTX address and guarded by resume_lock; an
 * SSL_CTX freed and another allocated at its address, or a collision, only
 * costs a full handshake (the server does not find the session).  Kept
 * until st_be_cleanup. */
#define ST_RESUME_SLOTS 64

struct st_resume {
    const SSL_CTX *ctx;     /* compared, never dereferenced */
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
 * |ctx|, or NULL when no peer finished a handshake with one. */
static SSL_SESSION *resume_offer(const SSL_CTX *ctx)
{
    struct st_resume *e = resume_slot(ctx);
    SSL_SESSION *sess = NULL;

    st_be_internal_enter();
    pthread_mutex_lock(&resume_lock);
#ifdef ST_BACKEND_MINISSL
    if (e->ctx == ctx && e->sess != NULL)
        sess = SSL_SESSION_dup(e->sess);
    pthread_mutex_unlock(&resume_lock);
    st_be_internal_leave();
#else
    unsigned char *der = NULL;
    size_t len = 0;

    if (e->ctx == ctx && e->der != NULL && (der = malloc(e->len)) != NULL) {
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

/* Remember the session |peer| holds for later handshakes with |ctx|. */
static void resume_keep(const SSL_CTX *ctx, SSL *peer)
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
    const SSL_CTX *server_ctx;  /* the server's SSL_CTX when we are its client */
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
        resume_keep(peer->server_ctx, peer->ssl);
    }
    ERR_pop_to_mark();
}

void st_be_peer_free(void *p)
{
    struct st_peer *peer = p;

    if (peer == NULL)
        return;
    SSL_free(peer->ssl);
    free(peer);
}

static struct st_peer *peer_new(SSL *s)
{
    struct st_peer *peer = calloc(1, sizeof(*peer));
    BIO *to_s = NULL, *from_s = NULL;
    bool server = SSL_is_server(s) != 0;

    if (peer == NULL)
        return NULL;
    if (server && SSL_get_certificate(s) == NULL &&
        (!SSL_use_certificate(s, test_cert) ||
         !SSL_use_PrivateKey(s, test_key)))
        goto err;
    peer->ssl = SSL_new(server ? peer_client_ctx : peer_server_ctx);
    if (server && peer->ssl != NULL) {
        SSL_SESSION *sess;

        peer->server_ctx = SSL_get_SSL_CTX(s);
        ERR_set_mark();     /* no session to offer is no failure */
        if ((sess = resume_offer(peer->server_ctx)) != NULL) {
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

int st_be_handshake(void **peerp, void *ssl, enum st_hs_state until,
                    long long steps)
{
    SSL *s = ssl;
    struct st_peer *peer = *peerp;
    long long done_steps = 0;
    int sr = 0, pr = 0;
    bool server;

    thread_warm_up();
    if (peer == NULL) {
        if ((peer = peer_new(s)) == NULL)
            return -EIO;
        *peerp = peer;
    }
    server = SSL_is_server(s) != 0;
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
        if (until == ST_HS_MID && !SSL_in_before(s))
            return 0;
        if (sr == 1 && SSL_is_init_finished(s)) {
            if (server)
                peer_keep_session(peer);
            if (until == ST_HS_SHUTDOWN && SSL_shutdown(s) < 0)
                return -EIO;
            return 0;
        }
    }
    return -EIO;    /* no progress: the handshake is stuck */
}

/* ---- settings ------------------------------------------------------------ */

static int cb_verify(int ok, X509_STORE_CTX *x)
{
    (void)x;
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

static int cb_gen_session_id(SSL *s, unsigned char *id, unsigned int *len)
{
    (void)s;
    memset(id, 0x5a, *len);
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

/* `ex_data=N` on |s|: the index is st_be_prepare's, registered before the
 * scenario's first statement; none (the registration failed, or the
 * caller did not prepare) fails the setting. */
static int set_exbox(SSL *s, long value)
{
    int idx = exdata_index_seen();
    struct st_exbox *old, *box;

    if (idx < 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_INIT_FAIL);
        return 0;
    }
    old = SSL_get_ex_data(s, idx);
    if ((box = malloc(sizeof(*box))) == NULL)
        return 0;
    box->value = value;
    if (!SSL_set_ex_data(s, idx, box)) {
        free(box);
        return 0;
    }
    /* relaxed: see live_boxes. */
    atomic_fetch_add_explicit(&live_boxes, old != NULL ? 0 : 1,
                              memory_order_relaxed);
    free(old);
    return 1;
}

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
        return SET(set_ciphersuites, str);
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
    case ST_K_CHAIN:
        return on ? (int)SET(add1_chain_cert, test_cert) : 1;
    case ST_K_SIGALGS:
        return (int)SET(set1_sigalgs_list, str);
    case ST_K_CLIENT_SIGALGS:
        return (int)SET(set1_client_sigalgs_list, str);
    case ST_K_DANE:
        if (v->kind == ST_V_OFF || v->kind == ST_V_NONE)
            return 1;
        /* An SSL's DANE needs its SSL_CTX's, and a base domain. */
        if (SSL_CTX_dane_enable(t->s != NULL ? SSL_get_SSL_CTX(t->s)
                                             : t->c) <= 0)
            return 0;
        return t->s == NULL ||
               SSL_dane_enable(t->s, v->kind == ST_V_STR
                                     ? str : "sslstress.test") > 0;
    case ST_K_TMP_DH:
        if (!on)
            return 1;
        if (!EVP_PKEY_up_ref(test_key))
            return 0;
        /* A test key stands in for DH parameters; the setter only stores
         * it (set0: the object takes our reference). */
        if (!SET(set0_tmp_dh_pkey, test_key)) {
            EVP_PKEY_free(test_key);
            return 0;
        }
        return 1;
    case ST_K_DH_AUTO:
        return (int)SET(set_dh_auto, (int)(v->kind == ST_V_ON ? 1 : num));
    case ST_K_SECURITY_LEVEL:
        SET(set_security_level, (int)num);
        return 1;
    case ST_K_SECURITY_CB:
        SET(set_security_callback, on ? cb_security : NULL);
        return 1;
    case ST_K_INFO_CB:
        SET(set_info_callback, on ? cb_info : NULL);
        return 1;
    case ST_K_MSG_CB:
        SET(set_msg_callback, on ? cb_msg : NULL);
        return 1;
    case ST_K_PASSWD_CB:
        SET(set_default_passwd_cb, on ? cb_passwd : NULL);
        SET(set_default_passwd_cb_userdata, on ? t->obj : NULL);
        return 1;
    case ST_K_GEN_SESSION_ID_CB:
        return SET(set_generate_session_id, on ? cb_gen_session_id : NULL);
    case ST_K_PSK_HINT:
        return SET(use_psk_identity_hint, str);
    case ST_K_CA_LIST:
    case ST_K_CLIENT_CA_LIST: {
        STACK_OF(X509_NAME) *sk = on ? test_names() : NULL;

        if (on && sk == NULL)
            return 0;
        if (st->key == ST_K_CA_LIST)
            SET(set0_CA_list, sk);
        else
            SET(set_client_CA_list, sk);
        return 1;
    }
    case ST_K_APP_DATA:         /* ex_data index 0: nothing registered */
        return SET(set_app_data, (char *)(intptr_t)num) != 0;
    case ST_K_EX_DATA:          /* an SSL's only (validate.c) */
        if (t->s == NULL)
            return -1;
        return set_exbox(t->s, (long)num);
    case ST_K_SERVERINFO:
        /* OpenSSL has it per SSL_CTX only: on an SSL, minissl's own. */
        if (t->s != NULL)
            return st_be_inspect_use_serverinfo(t->s, on ? test_serverinfo
                                                         : NULL,
                                                sizeof(test_serverinfo));
        return on ? SSL_CTX_use_serverinfo(t->c, test_serverinfo,
                                           sizeof(test_serverinfo)) : 1;
    case ST_K_CLIENT_CERT_TYPES: {
        size_t n = st_cert_types(v, buf, sizeof(buf));

        return (int)SET(set1_client_certificate_types, buf, n);
    }
    case ST_K_CUSTOM_EXT:       /* an SSL_CTX's only (validate.c) */
        if (t->c == NULL)
            return -1;
        return on ? SSL_CTX_add_custom_ext(t->c, 0xff77, SSL_EXT_CLIENT_HELLO,
                                           cb_ext_add, NULL, NULL,
                                           cb_ext_parse, NULL) : 1;
    default:
        return -1;
    }
}

#undef SET
#undef GET

int st_be_set(enum st_type type, void *obj, const struct st_setting *set,
              void *const *slots)
{
    struct target t = { .obj = obj };
    int r;

    thread_warm_up();
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

static bool exbox_equal(const SSL *a, const SSL *b)
{
    int idx = exdata_index_seen();
    const struct st_exbox *x, *y;

    if (idx < 0)
        return true;            /* no box anywhere */
    x = SSL_get_ex_data(a, idx);
    y = SSL_get_ex_data(b, idx);
    if (x == NULL || y == NULL)
        return x == y;
    /* A copy must hold its own box (the dup callback made one). */
    return x != y && x->value == y->value;
}

#define DIFF ST_BE_DIFF              /* backend_inspect.h */
#define SAME ST_BE_SAME

bool st_be_copied(void *pa, void *pb, char *why, size_t whylen)
{
    SSL *a = pa, *b = pb;
    const char *ca, *cb;
    const char *ha, *hb;

    if (a == NULL || b == NULL) {
        snprintf(why, whylen, "an object is missing");
        return false;
    }
    SAME(SSL_get_SSL_CTX, "SSL_CTX");
    SAME(SSL_get_options, "options");
    SAME(SSL_get_mode, "mode");
    SAME(SSL_get_verify_mode, "verify mode");
    SAME(SSL_get_verify_callback, "verify callback");
    SAME(SSL_get_verify_depth, "verify depth");
    SAME(SSL_get_min_proto_version, "min protocol");
    SAME(SSL_get_max_proto_version, "max protocol");
    SAME(SSL_get_read_ahead, "read_ahead");
    SAME(SSL_get_max_cert_list, "max cert list");
    for (int i = 0;; i++) {
        ca = SSL_get_cipher_list(a, i);
        cb = SSL_get_cipher_list(b, i);
        if (ca == NULL || cb == NULL) {
            DIFF(ca != cb, "cipher list");
            break;
        }
        DIFF(strcmp(ca, cb) != 0, "cipher list");
    }
    SAME(SSL_get_session, "session");
    SAME(SSL_get_certificate, "certificate");
    SAME(SSL_get_privatekey, "private key");
    SAME(SSL_get_security_level, "security level");
    SAME(SSL_get_security_callback, "security callback");
    SAME(SSL_get_info_callback, "info callback");
    SAME(SSL_get_default_passwd_cb, "password callback");
    DIFF((SSL_get_default_passwd_cb_userdata(a) == a) !=
         (SSL_get_default_passwd_cb_userdata(b) == b) &&
         SSL_get_default_passwd_cb_userdata(a) !=
         SSL_get_default_passwd_cb_userdata(b), "password callback userdata");
    SAME(SSL_get_app_data, "app_data");
    DIFF(!exbox_equal(a, b), "ex_data (dup callback)");
    DIFF(!st_be_names_equal(SSL_get0_CA_list(a), SSL_get0_CA_list(b)),
         "CA list");
    DIFF(!st_be_names_equal(SSL_get_client_CA_list(a),
                            SSL_get_client_CA_list(b)), "client CA list");
    SAME(SSL_is_server, "accept/connect state");
    ha = X509_VERIFY_PARAM_get0_host(SSL_get0_param(a), 0);
    hb = X509_VERIFY_PARAM_get0_host(SSL_get0_param(b), 0);
    DIFF((ha == NULL) != (hb == NULL) ||
         (ha != NULL && strcmp(ha, hb) != 0), "verify param host");
    DIFF(X509_VERIFY_PARAM_get_flags(SSL_get0_param(a)) !=
         X509_VERIFY_PARAM_get_flags(SSL_get0_param(b)), "verify param flags");
    return st_be_inspect_copied(a, b, why, whylen);
}

enum st_hs_state st_be_state(void *ssl)
{
    SSL *s = ssl;

    if (SSL_get_shutdown(s) != 0)
        return ST_HS_SHUTDOWN;
    if (SSL_in_before(s))
        return ST_HS_BEFORE;
    if (SSL_is_init_finished(s))
        return ST_HS_DONE;
    return ST_HS_MID;
}

/* ---- errors ------------------------------------------------------------------ */

unsigned long st_be_peek_error(void)
{
    return ERR_peek_error();
}

void st_be_clear_errors(void)
{
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

void st_be_detectors(struct st_be_detect *d)
{
    st_be_inspect_detectors(d);
}

