/* The SSL_CTX's session cache: sessions by id, with timeouts and LRU
 * eviction (contract in <openssl/ssl_conn.h>; layout in conn.h).
 *
 * Concurrency argument.  One mutex per cache guards the table, the LRU
 * list and the counters; every operation holds it for its whole
 * read-modify-write, so concurrent handshakes' lookups and adds, and the
 * application's add/remove/flush, are linearized by it.  A session enters
 * the cache with a reference of the cache's own and is immutable from then
 * on (its creator finished it before publishing, and the mutex release
 * publishes its fields to every later lookup).  A lookup takes a new
 * reference for its caller while still holding the mutex, so the session
 * cannot be freed between "found" and "referenced"; references given up
 * by removal are dropped after unlocking (SSL_SESSION_free may run the
 * application's ex_data free callbacks, which must not run under our
 * lock). */
#include <string.h>
#include <time.h>

#include "internal.h"
#include "hs_local.h"

#define MS_CACHE_DEFAULT_TIMEOUT 7200     /* OpenSSL 3: two hours */

/* The cache lock, with the yield points "sess_cache.lock.acquire" and
 * "sess_cache.lock.release" in the sched build (sched_hook.h); the
 * operations below add "sess_cache.lookup", ".add", ".remove", ".flush". */
#define CACHE_LOCK(c, ctx)                                                   \
    MS_LOCK(&(c)->lock, "sess_cache", "SSL_CTX", (ctx)->hdr.id)
#define CACHE_UNLOCK(c, ctx)                                                 \
    MS_UNLOCK(&(c)->lock, "sess_cache", "SSL_CTX", (ctx)->hdr.id)
#define CACHE_YIELD(ctx, op)                                                 \
    MS_SCHED_YIELD("sess_cache." op, "SSL_CTX", (ctx)->hdr.id, &(ctx)->cache)
#define CACHE_NOTE(ctx, op, after, what)                                     \
    MS_SCHED_NOTE("sess_cache." op, "SSL_CTX", (ctx)->hdr.id,               \
                  &(ctx)->cache, MINISSL_SCHED_NOVALUE, (after), (what))
#define MS_CACHE_MIN_BUCKETS 64

struct ms_cache_entry {
    SSL_SESSION *sess;                  /* the cache's reference */
    uint64_t hash;
    struct ms_cache_entry *next;        /* bucket chain */
    struct ms_cache_entry *lru_prev, *lru_next;
};

static uint64_t id_hash(const unsigned char *id, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ id[i]) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

int ms_cache_init(SSL_CTX *ctx)
{
    struct ms_sess_cache *c = &ctx->cache;

    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    c->inited = 1;
    c->mode = SSL_SESS_CACHE_SERVER;
    c->timeout = MS_CACHE_DEFAULT_TIMEOUT;
    c->max_size = SSL_SESSION_CACHE_MAX_SIZE_DEFAULT;
    return 1;
}

/* Unlinks |e| from its bucket and the LRU list (lock held); the caller
 * frees |e| and drops e->sess after unlocking. */
static void unlink_entry(struct ms_sess_cache *c, struct ms_cache_entry *e)
{
    struct ms_cache_entry **pp = &c->buckets[e->hash % c->nbuckets];

    while (*pp != e)
        pp = &(*pp)->next;
    *pp = e->next;
    if (e->lru_prev != NULL)
        e->lru_prev->lru_next = e->lru_next;
    else
        c->lru_head = e->lru_next;
    if (e->lru_next != NULL)
        e->lru_next->lru_prev = e->lru_prev;
    else
        c->lru_tail = e->lru_prev;
    e->next = e->lru_prev = e->lru_next = NULL;
    c->count--;
}

/* Frees a chain of unlinked entries linked through |next| (no lock). */
static void free_entries(struct ms_cache_entry *e)
{
    while (e != NULL) {
        struct ms_cache_entry *n = e->next;

        SSL_SESSION_free(e->sess);
        ms_free(e);
        e = n;
    }
}

void ms_cache_cleanup(SSL_CTX *ctx)
{
    struct ms_sess_cache *c = &ctx->cache;
    struct ms_cache_entry *dead = NULL, *e;

    if (!c->inited)
        return;
    /* The SSL_CTX is being destroyed: no other thread can reach it. */
    while ((e = c->lru_head) != NULL) {
        unlink_entry(c, e);
        e->next = dead;
        dead = e;
    }
    free_entries(dead);
    ms_free(c->buckets);
    c->buckets = NULL;
    c->nbuckets = 0;
    pthread_mutex_destroy(&c->lock);
    c->inited = 0;
}

static struct ms_cache_entry *find(struct ms_sess_cache *c,
                                   const unsigned char *id, size_t n,
                                   uint64_t h)
{
    struct ms_cache_entry *e;

    if (c->nbuckets == 0)
        return NULL;
    for (e = c->buckets[h % c->nbuckets]; e != NULL; e = e->next)
        if (e->hash == h && e->sess->id_len == n
            && memcmp(e->sess->id, id, n) == 0)
            return e;
    return NULL;
}

static int expired(const SSL_SESSION *s, long now)
{
    return s->timeout > 0 && (long)s->time + s->timeout < now;
}

/* Doubles the table when it is as full as it is wide (lock held).  A
 * failed allocation leaves the old table, which still works. */
static void maybe_grow(struct ms_sess_cache *c)
{
    struct ms_cache_entry **nb, *e, *next;
    size_t i, n;

    if (c->nbuckets != 0 && c->count < c->nbuckets)
        return;
    n = c->nbuckets == 0 ? MS_CACHE_MIN_BUCKETS : c->nbuckets * 2;
    ERR_set_mark();
    nb = ms_zalloc(n * sizeof(*nb));
    ERR_pop_to_mark();          /* not the caller's failure */
    if (nb == NULL)
        return;
    for (i = 0; i < c->nbuckets; i++)
        for (e = c->buckets[i]; e != NULL; e = next) {
            next = e->next;
            e->next = nb[e->hash % n];
            nb[e->hash % n] = e;
        }
    ms_free(c->buckets);
    c->buckets = nb;
    c->nbuckets = n;
}

SSL_SESSION *ms_cache_lookup(SSL_CTX *ctx, const unsigned char *id,
                             size_t id_len, long now)
{
    struct ms_sess_cache *c = &ctx->cache;
    struct ms_cache_entry *e, *dead = NULL;
    SSL_SESSION *found = NULL;
    uint64_t h = id_hash(id, id_len);

    CACHE_YIELD(ctx, "lookup");
    CACHE_LOCK(c, ctx);
    e = find(c, id, id_len, h);
    if (e != NULL && expired(e->sess, now)) {
        unlink_entry(c, e);
        dead = e;
        c->timeouts++;
        e = NULL;
    }
    if (e != NULL) {
        found = e->sess;
        if (!MS_FAULT(cache_get_noref)) SSL_SESSION_up_ref(found);  /* FAULT: skipped; the caller's own reference */
        c->hits++;
    } else {
        c->misses++;
    }
    CACHE_NOTE(ctx, "lookup", found != NULL ? (long)found->hdr.id : 0,
               found != NULL ? "hit" : "miss");
    CACHE_UNLOCK(c, ctx);
    free_entries(dead);
    return found;
}

int ms_cache_has_id(SSL_CTX *ctx, const unsigned char *id, size_t id_len)
{
    struct ms_sess_cache *c = &ctx->cache;
    int r;

    CACHE_LOCK(c, ctx);
    r = find(c, id, id_len, id_hash(id, id_len)) != NULL;
    CACHE_UNLOCK(c, ctx);
    return r;
}

static int cache_add(SSL_CTX *ctx, SSL_SESSION *sess)
{
    struct ms_sess_cache *c = &ctx->cache;
    struct ms_cache_entry *e, *dead = NULL;
    uint64_t h = id_hash(sess->id, sess->id_len);

    if ((e = ms_zalloc(sizeof(*e))) == NULL)
        return 0;
    e->sess = sess;
    e->hash = h;
    CACHE_LOCK(c, ctx);
    if (find(c, sess->id, sess->id_len, h) != NULL) {
        CACHE_UNLOCK(c, ctx);
        ms_free(e);
        return 0;
    }
    SSL_SESSION_up_ref(sess);           /* the cache's reference */
    maybe_grow(c);
    if (c->nbuckets == 0) {             /* no table at all: give up */
        CACHE_UNLOCK(c, ctx);
        SSL_SESSION_free(sess);
        ms_free(e);
        /* maybe_grow dropped its reason (a larger table is optional);
         * the first one is not, and its failure is the caller's. */
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    e->next = c->buckets[h % c->nbuckets];
    c->buckets[h % c->nbuckets] = e;
    e->lru_next = c->lru_head;
    if (c->lru_head != NULL)
        c->lru_head->lru_prev = e;
    c->lru_head = e;
    if (c->lru_tail == NULL)
        c->lru_tail = e;
    c->count++;
    while (c->max_size > 0 && c->count > (size_t)c->max_size) {
        struct ms_cache_entry *old = c->lru_tail;

        unlink_entry(c, old);
        old->next = dead;
        dead = old;
        c->evictions++;
    }
    CACHE_UNLOCK(c, ctx);
    free_entries(dead);
    return 1;
}

int ms_cache_add(SSL_CTX *ctx, SSL_SESSION *sess)
{
    int r;

    CACHE_YIELD(ctx, "add");
    r = cache_add(ctx, sess);
    CACHE_NOTE(ctx, "add", r, r ? "added" : "not added");
    return r;
}

/* ---- public API ---- */

int SSL_CTX_add_session(SSL_CTX *ctx, SSL_SESSION *session)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    MS_CHECK(session, MINISSL_SSL_SESSION, 0);
    if (session->id_len == 0)
        return 0;
    return ms_cache_add(ctx, session);
}

int SSL_CTX_remove_session(SSL_CTX *ctx, SSL_SESSION *session)
{
    struct ms_sess_cache *c;
    struct ms_cache_entry *e;

    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    if (session == NULL || session->id_len == 0)
        return 0;
    c = &ctx->cache;
    CACHE_YIELD(ctx, "remove");
    CACHE_LOCK(c, ctx);
    e = find(c, session->id, session->id_len,
             id_hash(session->id, session->id_len));
    if (e != NULL)
        unlink_entry(c, e);
    CACHE_UNLOCK(c, ctx);
    CACHE_NOTE(ctx, "remove", e != NULL, e != NULL ? "removed" : "absent");
    free_entries(e);
    return e != NULL;
}

void SSL_CTX_flush_sessions(SSL_CTX *ctx, long tm)
{
    struct ms_sess_cache *c;
    struct ms_cache_entry *e, *next, *dead = NULL;

    MS_CHECK(ctx, MINISSL_SSL_CTX, );
    c = &ctx->cache;
    CACHE_YIELD(ctx, "flush");
    CACHE_LOCK(c, ctx);
    for (e = c->lru_head; e != NULL; e = next) {
        next = e->lru_next;
        if (expired(e->sess, tm)) {
            unlink_entry(c, e);
            e->next = dead;
            dead = e;
            c->timeouts++;
        }
    }
    CACHE_UNLOCK(c, ctx);
    CACHE_NOTE(ctx, "flush", MINISSL_SCHED_NOVALUE, NULL);
    free_entries(dead);
}

/* The getters and setters below follow the SSL_CTX rule (one thread at a
 * time for setters, not racing SSL_new), but take the cache lock anyway so
 * that handshakes reading the mode on other threads never race them. */
static long cache_get(SSL_CTX *ctx, const long *field)
{
    long v;

    CACHE_LOCK(&ctx->cache, ctx);
    v = *field;
    CACHE_UNLOCK(&ctx->cache, ctx);
    return v;
}

static long cache_set(SSL_CTX *ctx, long *field, long v)
{
    long old;

    CACHE_LOCK(&ctx->cache, ctx);
    old = *field;
    *field = v;
    CACHE_UNLOCK(&ctx->cache, ctx);
    return old;
}

long SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_set(ctx, &ctx->cache.mode, mode);
}

long SSL_CTX_get_session_cache_mode(SSL_CTX *ctx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_get(ctx, &ctx->cache.mode);
}

long SSL_CTX_set_timeout(SSL_CTX *ctx, long t)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_set(ctx, &ctx->cache.timeout, t);
}

long SSL_CTX_get_timeout(const SSL_CTX *ctx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_get((SSL_CTX *)ctx, &ctx->cache.timeout);
}

long SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long t)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    if (t < 0)
        return 0;
    return cache_set(ctx, &ctx->cache.max_size, t);
}

long SSL_CTX_sess_get_cache_size(SSL_CTX *ctx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_get(ctx, &ctx->cache.max_size);
}

long SSL_CTX_sess_number(SSL_CTX *ctx)
{
    long n;

    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    CACHE_LOCK(&ctx->cache, ctx);
    n = (long)ctx->cache.count;
    CACHE_UNLOCK(&ctx->cache, ctx);
    return n;
}

long SSL_CTX_sess_hits(SSL_CTX *ctx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_get(ctx, &ctx->cache.hits);
}

long SSL_CTX_sess_misses(SSL_CTX *ctx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return cache_get(ctx, &ctx->cache.misses);
}
