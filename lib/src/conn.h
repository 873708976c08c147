/* The connection half of an SSL: handshake state machine, BIOs, peer data,
 * and the session cache of an SSL_CTX.  Owned by statem.c / bio.c /
 * sesscache.c (the handshake module); the object modules (ssl.c, ctx.c,
 * dup.c) see only these hooks and the two structs, which they embed.
 *
 * Contract for the object modules:
 *   ms_conn_init(s)      in SSL_new after the settings are inherited; 1/0
 *   ms_conn_cleanup(s)   in SSL_free's destructor; accepts a zeroed conn
 *   ms_conn_in_initial(s) the SSL_dup predicate: in init and in "before"
 *                        (OpenSSL 3: SSL_in_init(s) && SSL_in_before(s));
 *                        caller holds s's lock
 *   ms_cache_init(ctx)   in SSL_CTX_new; 1/0
 *   ms_cache_cleanup(ctx) in SSL_CTX's destructor; accepts a zeroed cache
 * A dup'ed SSL gets a fresh conn from ms_conn_init: BIOs, buffers and
 * handshake progress are never copied (the role is in struct ssl_st).
 *
 * Concurrency.  |flow|, |in_init| and |hand_state| say where the handshake
 * is; they change only with the SSL's lock held (ms_ssl_lock), so that
 * SSL_dup, which tests ms_conn_in_initial under the same lock, sees the
 * state before or after a change, never between.  They are atomics only so
 * that a getter (SSL_in_init, SSL_get_state ...) called by another thread
 * reads a value instead of racing; relaxed suffices, since such a read
 * orders nothing, and the lock orders everything SSL_dup relies on.  Every
 * other field belongs to the thread driving the connection. */
#ifndef MS_CONN_H
#define MS_CONN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "record.h"

/* Coarse state, for minissl/inspect.h and the tests. */
enum ms_hs_state {
    MS_HS_BEFORE = 0,   /* no handshake call yet (OpenSSL's TLS_ST_BEFORE) */
    MS_HS_MID,          /* first call made, not finished */
    MS_HS_DONE,         /* handshake finished */
    MS_HS_SHUTDOWN,     /* shutdown sent or received */
};

/* |flow| values. */
enum ms_flow {
    MS_FLOW_UNINITED = 0,   /* no handshake call since SSL_new/clear/set_*_state */
    MS_FLOW_RUNNING,        /* the handshake has started */
    MS_FLOW_FINISHED,       /* it finished */
    MS_FLOW_ERROR,          /* it failed; only SSL_clear or a new role resets */
};

struct ms_conn {
    /* Position (see Concurrency above). */
    atomic_int flow;            /* enum ms_flow */
    atomic_int in_init;         /* 1 until the handshake finishes */
    atomic_int hand_state;      /* OSSL_HANDSHAKE_STATE */
    int step;                   /* statem.c's next step */

    BIO *rbio, *wbio;           /* one reference each (one if equal) */
    int rwstate;                /* SSL_NOTHING / SSL_READING / SSL_WRITING */
    int io_retry;               /* BIO_FLAGS_* of the BIO call that stopped us */
    int shutdown;               /* SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN */
    int warn_alert;             /* last warning alert received (-1: none) */
    int fatal_alert;            /* last fatal alert received (-1: none) */
    int alert_pending;          /* an alert is queued in |out| */

    /* Raw input not yet consumed, and output not yet written to wbio. */
    unsigned char *in;
    size_t in_len, in_cap;
    unsigned char *out;
    size_t out_off, out_len, out_cap;
    int wpend;                  /* SSL_write: bytes queued, awaiting retry */
    /* Decoded application data not yet returned by SSL_read. */
    unsigned char *app;
    size_t app_off, app_len, app_cap;

    /* The handshake's values. */
    int version;                /* negotiated, 0 before ServerHello */
    uint16_t cipher;            /* negotiated, 0 before ServerHello */
    unsigned char client_random[32], server_random[32];
    unsigned char master[32];
    struct ms_digest transcript;
    unsigned char sent_sid[32]; /* client: the id it offered */
    size_t sent_sid_len;
    int hit;                    /* this handshake resumed a session */
    int cert_requested;         /* the server asked for our certificate */
    int got_peer_fin;
    X509 *peer;                 /* the peer's leaf certificate, one ref */
    long verify_result;
    SSL_SESSION *new_sess;      /* built during the handshake, one ref */
};

/* The SSL_CTX's server-side session cache (sesscache.c): a hash table of
 * sessions by id, each holding one reference, with an LRU list for
 * eviction.  |lock| guards everything below it; counters are read under it. */
struct ms_cache_entry;

struct ms_sess_cache {
    int inited;
    pthread_mutex_t lock;
    long mode;                  /* SSL_SESS_CACHE_* (default SERVER) */
    long timeout;               /* seconds given to new sessions */
    long max_size;              /* 0: unlimited */
    struct ms_cache_entry **buckets;
    size_t nbuckets, count;
    struct ms_cache_entry *lru_head, *lru_tail;  /* head: most recent */
    long hits, misses, timeouts, evictions;
};

int ms_conn_init(SSL *s);
void ms_conn_cleanup(SSL *s);
int ms_conn_in_initial(const SSL *s);
int ms_cache_init(SSL_CTX *ctx);
void ms_cache_cleanup(SSL_CTX *ctx);

/* Coarse state of |s| (relaxed snapshot). */
enum ms_hs_state ms_conn_state(const SSL *s);

/* Cache internals for statem.c (sesscache.c).  lookup: the cached session
 * with |id| that has not expired at |now|, with a new reference for the
 * caller, or NULL.  add: 1 if inserted (the cache takes its own
 * reference), 0 if already present or failed. */
SSL_SESSION *ms_cache_lookup(SSL_CTX *ctx, const unsigned char *id,
                             size_t id_len, long now);
int ms_cache_add(SSL_CTX *ctx, SSL_SESSION *sess);
int ms_cache_has_id(SSL_CTX *ctx, const unsigned char *id, size_t id_len);

#endif
