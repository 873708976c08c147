/* The handshake state machine, the record layer over the SSL's BIOs,
 * application data and shutdown (contract in <openssl/ssl_conn.h>; wire
 * format in record.h).
 *
 * Flights (what one SSL_do_handshake call sends before it must wait),
 * chosen to match OpenSSL's so that return values line up call by call:
 *   TLS 1.3 full     C: ClientHello                          -> WANT_READ
 *                    S: ServerHello Certificate [CertReq] Finished -> WANT_READ
 *                    C: [Certificate] Finished               -> 1
 *                    S: reads them                           -> 1
 *   TLS 1.2 full     C: ClientHello                          -> WANT_READ
 *                    S: ServerHello Certificate [CertReq] ServerHelloDone
 *                    C: [Certificate] Finished               -> WANT_READ
 *                    S: Finished                             -> 1
 *                    C: reads it                             -> 1
 *   resumption       C: ClientHello(session id)              -> WANT_READ
 *                    S: ServerHello(same id) Finished        -> WANT_READ
 *                    C: Finished                             -> 1
 *                    S: reads it                             -> 1
 * Finished carries a digest of the transcript and of the session's master
 * value, so a dropped, altered or reordered message, or a resumption with
 * the wrong secret, fails with SSL_R_DIGEST_CHECK_FAILED.  Nothing here is
 * cryptography: records travel in the clear and a full handshake's master
 * value comes from the two public randoms.  It is a protocol with TLS's
 * shape and OpenSSL's observable behaviour, for exercising the objects.
 *
 * Locking: see conn.h.  set_pos() is the one writer of the position
 * fields; it takes the SSL's lock.  Nothing else here takes it, except
 * around replacing s->session and choosing the role, and no callback runs
 * with it held. */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "internal.h"
#include "record.h"
#include "hs_local.h"

enum ms_step {
    ST_NONE = 0,
    /* client */
    ST_C_SEND_HELLO,
    ST_C_READ_SERVER_HELLO,
    ST_C_READ_CERT,
    ST_C_READ_AFTER_CERT,      /* CertificateRequest, ServerHelloDone, Finished */
    ST_C_SEND_FINISH,          /* [Certificate] Finished */
    ST_C_READ_FINISHED,
    /* server */
    ST_S_READ_HELLO,
    ST_S_SEND_FLIGHT,
    ST_S_READ_CERT,
    ST_S_READ_FINISHED,
    ST_S_SEND_FINISHED,        /* TLS 1.2 full: the server's Finished last */
    ST_DONE,
};

/* ------------------------------------------------------------------ */
/* Position: the only writer of flow / in_init / hand_state. */

static void set_pos(SSL *s, int flow, int in_init, int hand_state)
{
    ms_ssl_lock(s);
    /* relaxed: the lock orders these for SSL_dup; see conn.h. */
    if (flow >= 0)
        atomic_store_explicit(&s->conn.flow, flow, memory_order_relaxed);
    if (in_init >= 0)
        atomic_store_explicit(&s->conn.in_init, in_init, memory_order_relaxed);
    if (hand_state >= 0)
        atomic_store_explicit(&s->conn.hand_state, hand_state,
                              memory_order_relaxed);
    ms_ssl_unlock(s);
}

static int get_flow(const SSL *s)
{
    /* relaxed: a snapshot; see conn.h. */
    return atomic_load_explicit(&((SSL *)s)->conn.flow, memory_order_relaxed);
}

static int get_in_init(const SSL *s)
{
    return atomic_load_explicit(&((SSL *)s)->conn.in_init,
                                memory_order_relaxed);
}

static int get_hand_state(const SSL *s)
{
    return atomic_load_explicit(&((SSL *)s)->conn.hand_state,
                                memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Callbacks */

static void info_cb(const SSL *s, int where, int ret)
{
    void (*cb)(const SSL *, int, int) = s->cfg.info_cb;

    if (cb == NULL && s->ctx != NULL)
        cb = s->ctx->cfg.info_cb;
    if (cb != NULL)
        cb(s, where, ret);
}

static void loop_cb(const SSL *s)
{
    info_cb(s, (s->server ? SSL_ST_ACCEPT : SSL_ST_CONNECT) | SSL_CB_LOOP, 1);
}

/* Moves to |state| and tells the info callback, as each step does. */
static void enter(SSL *s, int state)
{
    set_pos(s, -1, -1, state);
    loop_cb(s);
}

/* OpenSSL passes through states for messages minissl does not send
 * (EncryptedExtensions, CertificateVerify, key exchange, ChangeCipherSpec,
 * NewSessionTicket); minissl passes through them too, at the same points,
 * so that the info callback and SSL_get_state read alike. */
static void pass(SSL *s, int state)
{
    enter(s, state);
}

static int proto_version(const SSL *s)
{
    return s->conn.version != 0 ? s->conn.version : TLS1_3_VERSION;
}

static void msg_cb(SSL *s, int write_p, int version, int type,
                   const void *buf, size_t len)
{
    if (s->cfg.msg_cb != NULL)
        s->cfg.msg_cb(write_p, version, type, buf, len, s, s->cfg.msg_cb_arg);
}

/* ------------------------------------------------------------------ */
/* Randomness: getrandom, else a mixed counter (ids must only differ). */

void ms_random_bytes(unsigned char *out, size_t n)
{
    static atomic_ulong ctr;
    size_t got = 0;

    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, GRND_NONBLOCK);

        if (r <= 0)
            break;
        got += (size_t)r;
    }
    while (got < n) {
        /* relaxed: uniqueness only. */
        unsigned long v = atomic_fetch_add_explicit(&ctr, 1,
                                                    memory_order_relaxed);
        uint64_t z = (uint64_t)v * 0x9e3779b97f4a7c15ULL
                     ^ (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)out;

        z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
        out[got++] = (unsigned char)(z >> 24);
    }
}

/* ------------------------------------------------------------------ */
/* Errors and alerts */

static int queue_record(SSL *s, int type, const void *body, size_t len);
static int flush_out(SSL *s);

/* Queues an alert and tells the info callback. */
static void send_alert(SSL *s, int level, int desc)
{
    unsigned char b[2] = {(unsigned char)level, (unsigned char)desc};

    if (s->conn.wbio == NULL)
        return;
    if (queue_record(s, MS_CT_ALERT, b, 2))
        s->conn.alert_pending = 1;
    info_cb(s, SSL_CB_WRITE_ALERT, level << 8 | desc);
}

/* A fatal failure seen here: the reason goes on the error stack, a fatal
 * alert (desc >= 0) goes to the peer as far as the BIO takes it, and the
 * handshake is over.  Returns -1 for the caller to return. */
static int fatal(SSL *s, int desc, int reason)
{
    if (reason != 0)
        ERR_raise(ERR_LIB_SSL, reason);
    if (get_flow(s) == MS_FLOW_ERROR)
        return -1;
    set_pos(s, MS_FLOW_ERROR, -1, -1);
    s->conn.rwstate = SSL_NOTHING;
    if (desc >= 0) {
        send_alert(s, SSL3_AL_FATAL, desc);
        (void)flush_out(s);
        s->conn.rwstate = SSL_NOTHING;
    }
    return -1;
}

static int alert_for_reason(int reason)
{
    switch (reason) {
    case SSL_R_PACKET_LENGTH_TOO_LONG:
        return SSL_AD_RECORD_OVERFLOW;
    case SSL_R_BAD_RECORD_TYPE:
    case SSL_R_UNEXPECTED_MESSAGE:
    case SSL_R_UNEXPECTED_RECORD:
        return SSL_AD_UNEXPECTED_MESSAGE;
    case SSL_R_WRONG_VERSION_NUMBER:
        return SSL_AD_PROTOCOL_VERSION;
    case SSL_R_UNKNOWN_ALERT_TYPE:
        return SSL_AD_ILLEGAL_PARAMETER;
    default:
        return SSL_AD_DECODE_ERROR;
    }
}

/* ------------------------------------------------------------------ */
/* Output */

static int out_reserve(SSL *s, size_t n)
{
    struct ms_conn *c = &s->conn;
    unsigned char *nb;
    size_t ncap;

    if (c->out_off > 0 && c->out_off + c->out_len + n > c->out_cap) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    if (c->out_len + n <= c->out_cap)
        return 1;
    ncap = c->out_cap < 1024 ? 1024 : c->out_cap;
    while (ncap < c->out_len + n)
        ncap *= 2;
    if ((nb = ms_realloc(c->out, ncap)) == NULL)
        return 0;
    c->out = nb;
    c->out_cap = ncap;
    return 1;
}

static int record_version(const SSL *s)
{
    return s->conn.version == 0 ? TLS1_VERSION
           : s->conn.version > TLS1_2_VERSION ? TLS1_2_VERSION
           : s->conn.version;
}

/* Appends one framed record to the output; 1/0 (reason raised). */
static int queue_record(SSL *s, int type, const void *body, size_t len)
{
    struct ms_conn *c = &s->conn;
    unsigned char *h;
    int v = record_version(s);

    if (len > MS_REC_MAX) {
        ERR_raise(ERR_LIB_SSL, SSL_R_EXCESSIVE_MESSAGE_SIZE);
        return 0;
    }
    if (!out_reserve(s, MS_REC_HEADER + len))
        return 0;
    h = c->out + c->out_off + c->out_len;
    h[0] = (unsigned char)type;
    h[1] = (unsigned char)(v >> 8);
    h[2] = (unsigned char)v;
    h[3] = (unsigned char)(len >> 8);
    h[4] = (unsigned char)len;
    if (len > 0)
        memcpy(h + MS_REC_HEADER, body, len);
    c->out_len += MS_REC_HEADER + len;
    msg_cb(s, 1, v, SSL3_RT_HEADER, h, MS_REC_HEADER);
    msg_cb(s, 1, proto_version(s), type, h + MS_REC_HEADER, len);
    return 1;
}

/* Queues a handshake message and adds it to the transcript; 1/0. */
static int queue_hs(SSL *s, int type, const unsigned char *body, size_t len)
{
    unsigned char *m;
    int ok;

    if (len > MS_REC_MAX - MS_HS_HEADER) {
        ERR_raise(ERR_LIB_SSL, SSL_R_EXCESSIVE_MESSAGE_SIZE);
        return 0;
    }
    if ((m = ms_malloc(MS_HS_HEADER + len)) == NULL)
        return 0;
    m[0] = (unsigned char)type;
    m[1] = (unsigned char)(len >> 16);
    m[2] = (unsigned char)(len >> 8);
    m[3] = (unsigned char)len;
    if (len > 0)
        memcpy(m + MS_HS_HEADER, body, len);
    ms_digest_update(&s->conn.transcript, m, MS_HS_HEADER + len);
    ok = queue_record(s, MS_CT_HANDSHAKE, m, MS_HS_HEADER + len);
    ms_free(m);
    return ok;
}

/* Writes the queued output to wbio.  1 when all is written; -1 when the
 * BIO takes no more or there is no wbio (rwstate SSL_WRITING; io_retry
 * tells a retry from a transport failure). */
static int flush_out(SSL *s)
{
    struct ms_conn *c = &s->conn;

    while (c->out_len > 0) {
        int chunk = c->out_len > 65536 ? 65536 : (int)c->out_len;
        int n;

        if (c->wbio == NULL) {
            /* As OpenSSL 3 (whose buffering BIO then has nowhere to
             * write): a transport failure without a reason, so
             * SSL_get_error says SYSCALL.  Setting a BIO and calling
             * again goes on. */
            c->rwstate = SSL_WRITING;
            c->io_retry = 0;
            return -1;
        }
        n = ms_bio_io(c->wbio, 1, c->out + c->out_off, chunk, &c->io_retry);
        if (n <= 0) {
            c->rwstate = SSL_WRITING;
            return -1;
        }
        c->out_off += (size_t)n;
        c->out_len -= (size_t)n;
    }
    c->out_off = 0;
    c->alert_pending = 0;
    c->rwstate = SSL_NOTHING;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Input */

/* Reads until one whole record is buffered.  1 with *rec pointing into
 * the buffer (valid until consume_record); -1 on retry, transport
 * failure or a malformed record (fatal, reason raised). */
static int read_record(SSL *s, struct ms_record *rec)
{
    struct ms_conn *c = &s->conn;

    for (;;) {
        int reason = 0, n;
        size_t want;
        unsigned char *nb;

        n = ms_record_parse(c->in, c->in_len, rec, &reason);
        if (n > 0) {
            msg_cb(s, 0, rec->version, SSL3_RT_HEADER, c->in, MS_REC_HEADER);
            msg_cb(s, 0, proto_version(s), rec->type, rec->body, rec->len);
            return 1;
        }
        if (n < 0)
            return fatal(s, alert_for_reason(reason), reason);
        if (c->rbio == NULL) {
            ERR_raise(ERR_LIB_SSL, SSL_R_READ_BIO_NOT_SET);
            return -1;
        }
        want = c->in_len < MS_REC_HEADER
               ? MS_REC_HEADER - c->in_len
               : MS_REC_HEADER + ((size_t)c->in[3] << 8 | c->in[4])
                 - c->in_len;
        if (c->in_cap < c->in_len + want) {
            size_t ncap = c->in_cap < 512 ? 512 : c->in_cap;

            while (ncap < c->in_len + want)
                ncap *= 2;
            if ((nb = ms_realloc(c->in, ncap)) == NULL)
                return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
            c->in = nb;
            c->in_cap = ncap;
        }
        /* Read no further than this record: the rest stays in the BIO,
         * where BIO_pending shows it, as OpenSSL without read_ahead. */
        n = ms_bio_io(c->rbio, 0, c->in + c->in_len, (int)want, &c->io_retry);
        if (n > 0) {
            c->in_len += (size_t)n;
            continue;
        }
        c->rwstate = SSL_READING;
        if (c->io_retry & BIO_FLAGS_SHOULD_RETRY)
            return -1;
        if (n == 0 || BIO_eof(c->rbio)) {
            c->rwstate = SSL_NOTHING;
            return fatal(s, SSL_AD_DECODE_ERROR,
                         SSL_R_UNEXPECTED_EOF_WHILE_READING);
        }
        return -1;                      /* transport failure: SYSCALL */
    }
}

static void consume_record(SSL *s, const struct ms_record *rec)
{
    struct ms_conn *c = &s->conn;
    size_t n = MS_REC_HEADER + rec->len;

    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* Handles an alert record.  Returns 1 to go on reading (a warning), 0 for
 * close_notify, -1 for a fatal alert (reason 1000 + description raised). */
static int handle_alert(SSL *s, const struct ms_record *rec)
{
    int level, desc, reason = 0;

    if (!ms_alert_parse(rec, &level, &desc, &reason))
        return fatal(s, alert_for_reason(reason), reason);
    info_cb(s, SSL_CB_READ_ALERT, level << 8 | desc);
    if (level == SSL3_AL_FATAL) {
        s->conn.fatal_alert = desc;
        s->conn.shutdown |= SSL_RECEIVED_SHUTDOWN;
        fatal(s, -1, SSL_AD_REASON_OFFSET + desc);
        return -1;
    }
    s->conn.warn_alert = desc;
    if (desc == SSL_AD_CLOSE_NOTIFY) {
        s->conn.shutdown |= SSL_RECEIVED_SHUTDOWN;
        return 0;
    }
    return 1;
}

/* Reads the next handshake message into *m (and its record into *rec, to
 * be consumed by the caller) and adds it to the transcript unless it is a
 * Finished (whose check needs the transcript before it).  1, 0 (peer
 * closed), -1 (retry or failure). */
static int read_hs(SSL *s, struct ms_record *rec, struct ms_hs_msg *m)
{
    for (;;) {
        int r = read_record(s, rec), reason = 0;

        if (r <= 0)
            return r;
        if (rec->type == MS_CT_ALERT) {
            r = handle_alert(s, rec);
            consume_record(s, rec);
            if (r <= 0)
                return r;
            continue;
        }
        if (rec->type != MS_CT_HANDSHAKE) {
            consume_record(s, rec);
            return fatal(s, SSL_AD_UNEXPECTED_MESSAGE,
                         SSL_R_UNEXPECTED_RECORD);
        }
        if (!ms_hs_parse(rec, m, &reason)) {
            consume_record(s, rec);
            return fatal(s, alert_for_reason(reason), reason);
        }
        if (m->type != MS_HT_FINISHED)
            ms_digest_update(&s->conn.transcript, m->whole, m->whole_len);
        return 1;
    }
}

/* ------------------------------------------------------------------ */
/* Versions and ciphers */

static void version_range(const SSL *s, int *lo, int *hi)
{
    int min = s->cfg.min_proto != 0 ? s->cfg.min_proto : TLS1_VERSION;
    int max = s->cfg.max_proto != 0 ? s->cfg.max_proto : TLS1_3_VERSION;

    if (s->method != NULL && s->method->version != 0)
        min = max = s->method->version;
    /* OpenSSL 3: below TLS 1.2 only at security level 0. */
    if (s->cfg.sec_level >= 1 && min < TLS1_2_VERSION)
        min = TLS1_2_VERSION;
#ifdef SSL_OP_NO_TLSv1_3
    if ((s->cfg.options & SSL_OP_NO_TLSv1_3) && max >= TLS1_3_VERSION)
        max = TLS1_2_VERSION;
#endif
#ifdef SSL_OP_NO_TLSv1_2
    if ((s->cfg.options & SSL_OP_NO_TLSv1_2) && min == TLS1_2_VERSION)
        min = TLS1_3_VERSION;
#endif
    *lo = min;
    *hi = max;
}

static int have_cipher(const unsigned char *list, size_t n, uint16_t id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (ms_cipher_at(list[i])->id == id)
            return 1;
    return 0;
}

/* The server's choice among the client's offer, or 0. */
static uint16_t choose_cipher(const SSL *s, const struct ms_client_hello *ch,
                              int version)
{
    const unsigned char *list = version >= TLS1_3_VERSION ? s->cfg.suites
                                                          : s->cfg.ciphers;
    size_t n = version >= TLS1_3_VERSION ? s->cfg.nsuites : s->cfg.nciphers;
    size_t i, j;

#ifdef SSL_OP_CIPHER_SERVER_PREFERENCE
    if (s->cfg.options & SSL_OP_CIPHER_SERVER_PREFERENCE) {
        for (i = 0; i < n; i++)
            for (j = 0; j < ch->n_ciphers; j++)
                if (ms_cipher_at(list[i])->id == ch->ciphers[j])
                    return ch->ciphers[j];
        return 0;
    }
#endif
    for (j = 0; j < ch->n_ciphers; j++)
        for (i = 0; i < n; i++)
            if (ms_cipher_at(list[i])->id == ch->ciphers[j])
                return ch->ciphers[j];
    return 0;
}

/* ------------------------------------------------------------------ */
/* Finished */

static void finished_value(const SSL *s, int from_server,
                           unsigned char out[MS_FINISHED_LEN])
{
    struct ms_digest d = s->conn.transcript;
    static const char cl[] = "minissl client finished";
    static const char sl[] = "minissl server finished";

    if (from_server)
        ms_digest_update(&d, sl, sizeof(sl));
    else
        ms_digest_update(&d, cl, sizeof(cl));
    ms_digest_update(&d, s->conn.master, sizeof(s->conn.master));
    ms_digest_final(&d, out);
}

static int send_finished(SSL *s)
{
    unsigned char v[MS_FINISHED_LEN];

    finished_value(s, s->server, v);
    return queue_hs(s, MS_HT_FINISHED, v, sizeof(v));
}

/* Checks the peer's Finished in |m|; then adds it to the transcript. */
static int check_finished(SSL *s, const struct ms_hs_msg *m)
{
    unsigned char v[MS_FINISHED_LEN];
    const unsigned char *got;
    int reason = 0;

    if (!ms_finished_parse(m, &got, &reason))
        return fatal(s, alert_for_reason(reason), reason);
    finished_value(s, !s->server, v);
    if (memcmp(v, got, sizeof(v)) != 0)
        return fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_DIGEST_CHECK_FAILED);
    ms_digest_update(&s->conn.transcript, m->whole, m->whole_len);
    s->conn.got_peer_fin = 1;
    return 1;
}

static void derive_master(SSL *s)
{
    struct ms_digest d;
    static const char label[] = "minissl master";

    ms_digest_init(&d);
    ms_digest_update(&d, label, sizeof(label));
    ms_digest_update(&d, s->conn.client_random, 32);
    ms_digest_update(&d, s->conn.server_random, 32);
    ms_digest_final(&d, s->conn.master);
}

/* ------------------------------------------------------------------ */
/* Sessions */

static long now_sec(void)
{
    return (long)time(NULL);
}

/* A new session for this handshake, not yet shared; 1/0. */
static int new_session(SSL *s, const unsigned char *id, size_t id_len)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    if (ss == NULL)
        return 0;
    if (id_len > 0 && !SSL_SESSION_set1_id(ss, id, (unsigned int)id_len)) {
        SSL_SESSION_free(ss);
        return 0;
    }
    memcpy(ss->sid_ctx, s->cfg.sid_ctx, s->cfg.sid_ctx_len);
    ss->sid_ctx_len = s->cfg.sid_ctx_len;
    ss->version = s->conn.version;
    ss->cipher_id = s->conn.cipher;
    ss->time = time(NULL);
    ss->timeout = SSL_CTX_get_timeout(s->ctx);
    memcpy(ss->master_key, s->conn.master, sizeof(s->conn.master));
    ss->master_key_len = sizeof(s->conn.master);
    ss->not_resumable = id_len == 0;
    SSL_SESSION_free(s->conn.new_sess);
    s->conn.new_sess = ss;
    return 1;
}

/* The server's session id for a new session: the generation callback's
 * (checked as OpenSSL checks it) or 32 random bytes.  1/0 (fatal). */
static int make_session_id(SSL *s, unsigned char *id, size_t *id_len)
{
    GEN_SESSION_CB cb = s->cfg.gen_session_id;
    unsigned int len = SSL_MAX_SSL_SESSION_ID_LENGTH;

    if (cb == NULL && s->ctx != NULL)
        cb = s->ctx->cfg.gen_session_id;
    memset(id, 0, SSL_MAX_SSL_SESSION_ID_LENGTH);
    if (cb == NULL) {
        ms_random_bytes(id, SSL_MAX_SSL_SESSION_ID_LENGTH);
        *id_len = SSL_MAX_SSL_SESSION_ID_LENGTH;
        return 1;
    }
    if (!cb(s, id, &len)) {
        fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SSL_SESSION_ID_CALLBACK_FAILED);
        return 0;
    }
    if (len == 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH) {
        fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SSL_SESSION_ID_HAS_BAD_LENGTH);
        return 0;
    }
    if (ms_cache_has_id(s->ctx, id, len)) {
        fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SSL_SESSION_ID_CONFLICT);
        return 0;
    }
    *id_len = len;
    return 1;
}

/* The client's session to offer, or NULL. */
static const SSL_SESSION *offerable_session(const SSL *s, int lo, int hi)
{
    const SSL_SESSION *ss = s->session;

    if (ss == NULL || ss->id_len == 0 || ss->not_resumable
        || ss->version < lo || ss->version > hi
        || (ss->timeout > 0 && (long)ss->time + ss->timeout < now_sec()))
        return NULL;
    return ss;
}

/* Installs conn.new_sess as s->session (under the lock: SSL_get1_session
 * may read it concurrently) and, on a server or with client caching, in
 * the SSL_CTX's cache.  From here on the session is shared: immutable. */
static void publish_session(SSL *s)
{
    SSL_SESSION *old, *ss = s->conn.new_sess;
    long mode = SSL_CTX_get_session_cache_mode(s->ctx);

    if (ss == NULL)
        return;
    s->conn.new_sess = NULL;
    if (!s->conn.hit && ss->id_len > 0
        && !(mode & SSL_SESS_CACHE_NO_INTERNAL_STORE)
        && (mode & (s->server ? SSL_SESS_CACHE_SERVER
                              : SSL_SESS_CACHE_CLIENT))) {
        /* A session the cache cannot take (no memory) is only not cached:
         * the handshake has succeeded, so its reason is not kept. */
        ERR_set_mark();
        (void)ms_cache_add(s->ctx, ss);
        ERR_pop_to_mark();
    }
    ms_ssl_lock(s);
    old = s->session;
    s->session = ss;
    ms_ssl_unlock(s);
    SSL_SESSION_free(old);
}

/* ------------------------------------------------------------------ */
/* Certificates */

static int send_certificate(SSL *s, int own)
{
    struct ms_wbuf w;
    unsigned char *buf;
    int ok, i, n = 0;
    X509 *leaf = own ? s->cfg.cert : NULL;

    if ((buf = ms_malloc(MS_REC_MAX)) == NULL)
        return 0;
    w.p = buf;
    w.len = 0;
    w.cap = MS_REC_MAX - MS_HS_HEADER;
    w.overflow = 0;
    if (leaf != NULL && s->cfg.chain != NULL)
        n = sk_X509_num(s->cfg.chain);
    if (n > MS_MAX_CHAIN - 1)
        n = MS_MAX_CHAIN - 1;
    ms_wbuf_u8(&w, leaf == NULL ? 0 : (unsigned)(1 + n));
    if (leaf != NULL) {
        ms_x509_encode(leaf, &w);
        for (i = 0; i < n; i++)
            ms_x509_encode(sk_X509_value(s->cfg.chain, i), &w);
    }
    if (w.overflow) {
        ms_free(buf);
        ERR_raise(ERR_LIB_SSL, SSL_R_EXCESSIVE_MESSAGE_SIZE);
        return 0;
    }
    ok = queue_hs(s, MS_HT_CERTIFICATE, buf, w.len);
    ms_free(buf);
    return ok;
}

/* Parses the peer's Certificate message and verifies it.  1 (go on),
 * or -1 (fatal, reason raised).  An empty list is left to the caller. */
static int take_certificate(SSL *s, const struct ms_hs_msg *m, size_t *count)
{
    struct ms_cert_list cl;
    X509 *chain[MS_MAX_CHAIN];
    size_t i;
    int reason = 0, alert, ok;

    if (!ms_cert_list_parse(m, &cl, &reason))
        return fatal(s, alert_for_reason(reason), reason);
    *count = cl.n;
    if (cl.n == 0)
        return 1;
    for (i = 0; i < cl.n; i++) {
        chain[i] = ms_x509_decode(cl.cert[i], cl.len[i], &reason);
        if (chain[i] == NULL) {
            while (i-- > 0)
                X509_free(chain[i]);
            return fatal(s, SSL_AD_BAD_CERTIFICATE, reason);
        }
    }
    X509_free(s->conn.peer);
    s->conn.peer = chain[0];
    X509_up_ref(chain[0]);
    ok = ms_verify_chain(s, chain, cl.n, &s->conn.verify_result, &alert);
    for (i = 0; i < cl.n; i++)
        X509_free(chain[i]);
    if (!ok && (s->cfg.verify_mode & SSL_VERIFY_PEER))
        return fatal(s, alert, SSL_R_CERTIFICATE_VERIFY_FAILED);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Client steps */

static int client_hello(SSL *s)
{
    unsigned char buf[2 + 2 + 32 + 1 + 32 + 2 + 2 * MS_WIRE_MAX_CIPHERS];
    struct ms_wbuf w = {buf, 0, sizeof(buf), 0};
    const SSL_SESSION *ss;
    int lo, hi;
    size_t i, n = 0;

    version_range(s, &lo, &hi);
    if (lo > hi)
        return fatal(s, -1, SSL_R_NO_PROTOCOLS_AVAILABLE);
    if (hi >= TLS1_3_VERSION)
        n += s->cfg.nsuites;
    if (lo <= TLS1_2_VERSION)
        n += s->cfg.nciphers;
    if (n == 0)
        return fatal(s, -1, SSL_R_NO_CIPHERS_AVAILABLE);
    ms_random_bytes(s->conn.client_random, 32);
    ss = offerable_session(s, lo, hi);
    s->conn.sent_sid_len = ss != NULL ? ss->id_len : 0;
    if (ss != NULL)
        memcpy(s->conn.sent_sid, ss->id, ss->id_len);
    ms_wbuf_u16(&w, (unsigned)hi);
    ms_wbuf_u16(&w, (unsigned)lo);
    ms_wbuf_bytes(&w, s->conn.client_random, 32);
    ms_wbuf_u8(&w, (unsigned)s->conn.sent_sid_len);
    ms_wbuf_bytes(&w, s->conn.sent_sid, s->conn.sent_sid_len);
    ms_wbuf_u16(&w, (unsigned)(2 * n));
    if (hi >= TLS1_3_VERSION)
        for (i = 0; i < s->cfg.nsuites; i++)
            ms_wbuf_u16(&w, ms_cipher_at(s->cfg.suites[i])->id);
    if (lo <= TLS1_2_VERSION)
        for (i = 0; i < s->cfg.nciphers; i++)
            ms_wbuf_u16(&w, ms_cipher_at(s->cfg.ciphers[i])->id);
    if (w.overflow || !queue_hs(s, MS_HT_CLIENT_HELLO, buf, w.len))
        return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
    set_pos(s, -1, -1, TLS_ST_CW_CLNT_HELLO);
    loop_cb(s);
    s->conn.step = ST_C_READ_SERVER_HELLO;
    return 1;
}

static int client_read_server_hello(SSL *s, const struct ms_hs_msg *m)
{
    struct ms_server_hello sh;
    int reason = 0, lo, hi;
    const SSL_SESSION *ss = s->session;

    if (!ms_server_hello_parse(m, &sh, &reason))
        return fatal(s, alert_for_reason(reason), reason);
    version_range(s, &lo, &hi);
    if (sh.version < lo || sh.version > hi)
        return fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_WRONG_SSL_VERSION);
    s->conn.version = sh.version;
    memcpy(s->conn.server_random, sh.random, 32);
    if (!have_cipher(sh.version >= TLS1_3_VERSION ? s->cfg.suites
                                                  : s->cfg.ciphers,
                     sh.version >= TLS1_3_VERSION ? s->cfg.nsuites
                                                  : s->cfg.nciphers,
                     sh.cipher))
        return fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                     SSL_R_WRONG_CIPHER_RETURNED);
    s->conn.cipher = sh.cipher;
    if (MS_FAULT(resume_writes_shared_session)) { ms_fault_write_parsed_into(s->session, sh.version, sh.cipher); }  /* FAULT */
    if (MS_FAULT(ticket_replace_in_place)) { ms_fault_replace_ticket_in_place(s->session); }  /* FAULT */
    if (s->conn.sent_sid_len > 0 && sh.sid_len == s->conn.sent_sid_len
        && memcmp(sh.sid, s->conn.sent_sid, sh.sid_len) == 0) {
        /* Resumed: the server echoed our session's id. */
        if (ss == NULL || ss->version != sh.version)
            return fatal(s, SSL_AD_PROTOCOL_VERSION,
                         SSL_R_SSL_SESSION_VERSION_MISMATCH);
        if (ss->cipher_id != sh.cipher)
            return fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                         SSL_R_WRONG_CIPHER_RETURNED);
        s->conn.hit = 1;
        memcpy(s->conn.master, ss->master_key, sizeof(s->conn.master));
        s->conn.step = ST_C_READ_FINISHED;
    } else {
        derive_master(s);
        if (!new_session(s, sh.sid, sh.sid_len))
            return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
        s->conn.step = ST_C_READ_CERT;
    }
    enter(s, TLS_ST_CR_SRVR_HELLO);
    if (s->conn.version >= TLS1_3_VERSION)
        pass(s, TLS_ST_CR_ENCRYPTED_EXTENSIONS);
    return 1;
}

static int client_step(SSL *s)
{
    struct ms_record rec;
    struct ms_hs_msg m;
    int r = 1;
    size_t n;

    switch (s->conn.step) {
    case ST_C_SEND_HELLO:
        return client_hello(s);
    case ST_C_READ_SERVER_HELLO:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type != MS_HT_SERVER_HELLO)
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        else
            r = client_read_server_hello(s, &m);
        break;
    case ST_C_READ_CERT:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type != MS_HT_CERTIFICATE) {
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        } else if ((r = take_certificate(s, &m, &n)) > 0) {
            if (n == 0) {
                r = fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
            } else {
                if (s->conn.new_sess != NULL) {
                    X509_up_ref(s->conn.peer);
                    s->conn.new_sess->peer = s->conn.peer;
                }
                enter(s, TLS_ST_CR_CERT);
                pass(s, s->conn.version >= TLS1_3_VERSION
                        ? TLS_ST_CR_CERT_VRFY : TLS_ST_CR_KEY_EXCH);
                s->conn.step = ST_C_READ_AFTER_CERT;
            }
        }
        break;
    case ST_C_READ_AFTER_CERT:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type == MS_HT_CERTIFICATE_REQUEST && !s->conn.cert_requested) {
            int reason = 0;

            if (!ms_empty_parse(&m, &reason)) {
                r = fatal(s, SSL_AD_DECODE_ERROR, reason);
            } else {
                s->conn.cert_requested = 1;
                set_pos(s, -1, -1, TLS_ST_CR_CERT_REQ);
                loop_cb(s);
            }
        } else if (m.type == MS_HT_SERVER_HELLO_DONE
                   && s->conn.version <= TLS1_2_VERSION) {
            int reason = 0;

            if (!ms_empty_parse(&m, &reason)) {
                r = fatal(s, SSL_AD_DECODE_ERROR, reason);
            } else {
                set_pos(s, -1, -1, TLS_ST_CR_SRVR_DONE);
                loop_cb(s);
                s->conn.step = ST_C_SEND_FINISH;
            }
        } else if (m.type == MS_HT_FINISHED
                   && s->conn.version >= TLS1_3_VERSION) {
            if ((r = check_finished(s, &m)) > 0) {
                set_pos(s, -1, -1, TLS_ST_CR_FINISHED);
                loop_cb(s);
                s->conn.step = ST_C_SEND_FINISH;
            }
        } else {
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        }
        break;
    case ST_C_SEND_FINISH:
        if (s->conn.cert_requested) {
            if (!send_certificate(s, 1))
                return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
            enter(s, TLS_ST_CW_CERT);
        }
        if (s->conn.version <= TLS1_2_VERSION && !s->conn.hit)
            pass(s, TLS_ST_CW_KEY_EXCH);
        pass(s, TLS_ST_CW_CHANGE);
        if (!send_finished(s))
            return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
        set_pos(s, -1, -1, TLS_ST_CW_FINISHED);
        loop_cb(s);
        s->conn.step = s->conn.got_peer_fin ? ST_DONE : ST_C_READ_FINISHED;
        return 1;
    case ST_C_READ_FINISHED:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type != MS_HT_FINISHED) {
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        } else if ((r = check_finished(s, &m)) > 0) {
            if (s->conn.version <= TLS1_2_VERSION) {
                if (!s->conn.hit)
                    pass(s, TLS_ST_CR_SESSION_TICKET);
                pass(s, TLS_ST_CR_CHANGE);
            }
            enter(s, TLS_ST_CR_FINISHED);
            /* resumed: our Finished follows; full 1.2: we are done. */
            s->conn.step = s->conn.hit ? ST_C_SEND_FINISH : ST_DONE;
        }
        break;
    default:
        return fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    consume_record(s, &rec);
    return r;
}

/* ------------------------------------------------------------------ */
/* Server steps */

/* Looks up the offered session; 1 with conn.hit set and conn.new_sess
 * holding it when it can be resumed. */
static void server_try_resume(SSL *s, const struct ms_client_hello *ch)
{
    long mode = SSL_CTX_get_session_cache_mode(s->ctx);
    SSL_SESSION *ss;
    size_t j;
    int offered = 0;

    if (ch->sid_len == 0 || !(mode & SSL_SESS_CACHE_SERVER)
        || (mode & SSL_SESS_CACHE_NO_INTERNAL_LOOKUP))
        return;
    ss = ms_cache_lookup(s->ctx, ch->sid, ch->sid_len, now_sec());
    if (ss == NULL)
        return;
    for (j = 0; j < ch->n_ciphers; j++)
        if (ch->ciphers[j] == ss->cipher_id)
            offered = 1;
    if (!offered || ss->version != s->conn.version
        || ss->sid_ctx_len != s->cfg.sid_ctx_len
        || memcmp(ss->sid_ctx, s->cfg.sid_ctx, ss->sid_ctx_len) != 0) {
        SSL_SESSION_free(ss);
        return;
    }
    s->conn.hit = 1;
    s->conn.cipher = ss->cipher_id;
    memcpy(s->conn.master, ss->master_key, sizeof(s->conn.master));
    SSL_SESSION_free(s->conn.new_sess);
    s->conn.new_sess = ss;
}

static int server_read_hello(SSL *s, const struct ms_hs_msg *m)
{
    struct ms_client_hello ch;
    int reason = 0, lo, hi, v;
    unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    size_t id_len = 0;

    if (!ms_client_hello_parse(m, &ch, &reason))
        return fatal(s, alert_for_reason(reason), reason);
    set_pos(s, -1, -1, TLS_ST_SR_CLNT_HELLO);
    loop_cb(s);
    memcpy(s->conn.client_random, ch.random, 32);
    version_range(s, &lo, &hi);
    v = hi < ch.max_version ? hi : ch.max_version;
    if (v < lo || v < ch.min_version)
        return fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_UNSUPPORTED_PROTOCOL);
    s->conn.version = v;
    ms_random_bytes(s->conn.server_random, 32);
    server_try_resume(s, &ch);
    if (!s->conn.hit) {
        if (s->cfg.cert == NULL || s->cfg.key == NULL
            || (s->conn.cipher = choose_cipher(s, &ch, v)) == 0)
            return fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_SHARED_CIPHER);
        derive_master(s);
        if ((SSL_CTX_get_session_cache_mode(s->ctx) & SSL_SESS_CACHE_SERVER)
            && !make_session_id(s, id, &id_len))
            return -1;
        if (!new_session(s, id, id_len))
            return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
    }
    s->conn.step = ST_S_SEND_FLIGHT;
    return 1;
}

static int server_send_flight(SSL *s)
{
    unsigned char buf[2 + 32 + 1 + 32 + 2];
    struct ms_wbuf w = {buf, 0, sizeof(buf), 0};
    const SSL_SESSION *ss = s->conn.new_sess;
    int tls13 = s->conn.version >= TLS1_3_VERSION;

    ms_wbuf_u16(&w, (unsigned)s->conn.version);
    ms_wbuf_bytes(&w, s->conn.server_random, 32);
    ms_wbuf_u8(&w, (unsigned)ss->id_len);
    ms_wbuf_bytes(&w, ss->id, ss->id_len);
    ms_wbuf_u16(&w, s->conn.cipher);
    if (w.overflow || !queue_hs(s, MS_HT_SERVER_HELLO, buf, w.len))
        return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
    enter(s, TLS_ST_SW_SRVR_HELLO);
    if (tls13) {
        pass(s, TLS_ST_SW_CHANGE);
        pass(s, TLS_ST_SW_ENCRYPTED_EXTENSIONS);
    }
    if (!s->conn.hit) {
        if (!send_certificate(s, 1))
            return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
        enter(s, TLS_ST_SW_CERT);
        if (s->cfg.verify_mode & SSL_VERIFY_PEER) {
            if (!queue_hs(s, MS_HT_CERTIFICATE_REQUEST, NULL, 0))
                return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
            s->conn.cert_requested = 1;
            enter(s, TLS_ST_SW_CERT_REQ);
        }
        if (!tls13) {
            pass(s, TLS_ST_SW_KEY_EXCH);
            if (!queue_hs(s, MS_HT_SERVER_HELLO_DONE, NULL, 0))
                return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
            set_pos(s, -1, -1, TLS_ST_SW_SRVR_DONE);
            loop_cb(s);
            s->conn.step = s->conn.cert_requested ? ST_S_READ_CERT
                                                  : ST_S_READ_FINISHED;
            return 1;
        }
        pass(s, TLS_ST_SW_CERT_VRFY);
    }
    if (!tls13)
        pass(s, TLS_ST_SW_CHANGE);
    if (!send_finished(s))
        return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
    set_pos(s, -1, -1, TLS_ST_SW_FINISHED);
    loop_cb(s);
    if (tls13) {
        set_pos(s, -1, -1, TLS_ST_EARLY_DATA);
        loop_cb(s);
    }
    s->conn.step = s->conn.cert_requested ? ST_S_READ_CERT
                                          : ST_S_READ_FINISHED;
    return 1;
}

static int server_step(SSL *s)
{
    struct ms_record rec;
    struct ms_hs_msg m;
    int r = 1;
    size_t n;

    switch (s->conn.step) {
    case ST_S_READ_HELLO:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type != MS_HT_CLIENT_HELLO)
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        else
            r = server_read_hello(s, &m);
        break;
    case ST_S_SEND_FLIGHT:
        return server_send_flight(s);
    case ST_S_READ_CERT:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type != MS_HT_CERTIFICATE) {
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        } else if ((r = take_certificate(s, &m, &n)) > 0) {
            if (n == 0 && (s->cfg.verify_mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT)) {
                r = fatal(s, s->conn.version >= TLS1_3_VERSION
                             ? SSL_AD_CERTIFICATE_REQUIRED
                             : SSL_AD_HANDSHAKE_FAILURE,
                          SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
            } else {
                if (n > 0 && s->conn.new_sess != NULL && !s->conn.hit) {
                    X509_up_ref(s->conn.peer);
                    s->conn.new_sess->peer = s->conn.peer;
                }
                set_pos(s, -1, -1, TLS_ST_SR_CERT);
                loop_cb(s);
                s->conn.step = ST_S_READ_FINISHED;
            }
        }
        break;
    case ST_S_READ_FINISHED:
        if ((r = read_hs(s, &rec, &m)) <= 0)
            return r;
        if (m.type != MS_HT_FINISHED) {
            r = fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        } else if ((r = check_finished(s, &m)) > 0) {
            if (s->conn.version <= TLS1_2_VERSION) {
                if (!s->conn.hit)
                    pass(s, TLS_ST_SR_KEY_EXCH);
                pass(s, TLS_ST_SR_CHANGE);
            }
            enter(s, TLS_ST_SR_FINISHED);
            s->conn.step = s->conn.version <= TLS1_2_VERSION && !s->conn.hit
                           ? ST_S_SEND_FINISHED : ST_DONE;
        }
        break;
    case ST_S_SEND_FINISHED:
        pass(s, TLS_ST_SW_SESSION_TICKET);
        pass(s, TLS_ST_SW_CHANGE);
        if (!send_finished(s))
            return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
        set_pos(s, -1, -1, TLS_ST_SW_FINISHED);
        loop_cb(s);
        s->conn.step = ST_DONE;
        return 1;
    default:
        return fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    consume_record(s, &rec);
    return r;
}

/* ------------------------------------------------------------------ */
/* The driver */

/* Resets the connection to "before" (SSL_clear, the role setters, and the
 * first handshake call): buffers emptied, BIOs and session kept. */
static void conn_reset(SSL *s)
{
    struct ms_conn *c = &s->conn;

    c->step = ST_NONE;
    c->rwstate = SSL_NOTHING;
    c->shutdown = 0;
    c->warn_alert = 0;
    c->fatal_alert = -1;
    c->alert_pending = 0;
    c->in_len = 0;
    c->out_off = c->out_len = 0;
    c->wpend = 0;
    c->app_off = c->app_len = 0;
    c->version = 0;
    c->cipher = 0;
    c->sent_sid_len = 0;
    c->hit = 0;
    c->cert_requested = 0;
    c->got_peer_fin = 0;
    X509_free(c->peer);
    c->peer = NULL;
    c->verify_result = X509_V_OK;
    SSL_SESSION_free(c->new_sess);
    c->new_sess = NULL;
    ms_digest_init(&c->transcript);
    set_pos(s, MS_FLOW_UNINITED, 1, TLS_ST_BEFORE);
}

static int handshake(SSL *s)
{
    int r, where_exit = s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT;

    if (!s->role_set) {
        ERR_raise(ERR_LIB_SSL, SSL_R_CONNECTION_TYPE_NOT_SET);
        return -1;
    }
    if (get_flow(s) == MS_FLOW_ERROR)
        return -1;
    if (!get_in_init(s))
        return 1;
    ERR_clear_error();
    s->conn.rwstate = SSL_NOTHING;
    if (get_flow(s) == MS_FLOW_UNINITED) {
        /* Leave "before" first, under the lock: from here on SSL_dup
         * shares the handle instead of copying it. */
        set_pos(s, MS_FLOW_RUNNING, 1, TLS_ST_BEFORE);
        s->conn.step = s->server ? ST_S_READ_HELLO : ST_C_SEND_HELLO;
        info_cb(s, SSL_CB_HANDSHAKE_START, 1);
    }
    loop_cb(s);
    for (;;) {
        if (s->conn.out_len > 0 && (r = flush_out(s)) <= 0)
            break;
        if (s->conn.step == ST_DONE) {
            publish_session(s);
            set_pos(s, MS_FLOW_FINISHED, 0, TLS_ST_OK);
            info_cb(s, SSL_CB_HANDSHAKE_DONE, 1);
            r = 1;
            break;
        }
        r = s->server ? server_step(s) : client_step(s);
        if (r <= 0)
            break;
    }
    info_cb(s, where_exit, r);
    return r;
}

int SSL_do_handshake(SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, -1);
    return handshake(s);
}

int SSL_connect(SSL *ssl)
{
    MS_CHECK(ssl, MINISSL_SSL, -1);
    if (!ssl->role_set)
        SSL_set_connect_state(ssl);
    return handshake(ssl);
}

int SSL_accept(SSL *ssl)
{
    MS_CHECK(ssl, MINISSL_SSL, -1);
    if (!ssl->role_set)
        SSL_set_accept_state(ssl);
    return handshake(ssl);
}

/* Chooses the role under the SSL's lock: SSL_connect and SSL_accept call
 * this on an SSL without one, and may race SSL_dup (ssl.h contract 2),
 * which copies the role under that lock. */
static void set_role(SSL *s, int server)
{
    ms_ssl_lock(s);
    s->server = server;
    s->role_set = 1;
    ms_ssl_unlock(s);
    conn_reset(s);
}

void SSL_set_connect_state(SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, );
    set_role(s, 0);
}

void SSL_set_accept_state(SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, );
    set_role(s, 1);
}

/* ------------------------------------------------------------------ */
/* Application data */

/* Reads records until application data is buffered.  1, 0 (close_notify
 * received), -1 (retry / failure). */
static int fill_app(SSL *s)
{
    struct ms_conn *c = &s->conn;
    struct ms_record rec;
    int r;

    while (c->app_len == 0) {
        if ((r = read_record(s, &rec)) <= 0)
            return r;
        if (rec.type == MS_CT_ALERT) {
            r = handle_alert(s, &rec);
            consume_record(s, &rec);
            if (r <= 0)
                return r;
            continue;
        }
        if (rec.type != MS_CT_APPLICATION_DATA) {
            consume_record(s, &rec);
            return fatal(s, SSL_AD_UNEXPECTED_MESSAGE,
                         SSL_R_UNEXPECTED_MESSAGE);
        }
        if (c->app_cap < rec.len) {
            unsigned char *nb = ms_realloc(c->app, MS_REC_MAX);

            if (nb == NULL) {
                consume_record(s, &rec);
                return fatal(s, SSL_AD_INTERNAL_ERROR, 0);
            }
            c->app = nb;
            c->app_cap = MS_REC_MAX;
        }
        memcpy(c->app, rec.body, rec.len);
        c->app_off = 0;
        c->app_len = rec.len;
        consume_record(s, &rec);
    }
    return 1;
}

static int read_internal(SSL *s, void *buf, int num, int peek)
{
    int r;
    size_t n;

    MS_CHECK(s, MINISSL_SSL, -1);
    if (!s->role_set) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (num < 0 || (buf == NULL && num > 0)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return -1;
    }
    if (s->conn.shutdown & SSL_RECEIVED_SHUTDOWN) {
        s->conn.rwstate = SSL_NOTHING;
        return 0;
    }
    if (get_in_init(s) && (r = handshake(s)) <= 0)
        return r;
    s->conn.rwstate = SSL_NOTHING;
    if (s->conn.app_len == 0 && (r = fill_app(s)) <= 0)
        return r;
    n = (size_t)num < s->conn.app_len ? (size_t)num : s->conn.app_len;
    memcpy(buf, s->conn.app + s->conn.app_off, n);
    if (!peek) {
        s->conn.app_off += n;
        s->conn.app_len -= n;
    }
    return (int)n;
}

int SSL_read(SSL *ssl, void *buf, int num)
{
    return read_internal(ssl, buf, num, 0);
}

int SSL_peek(SSL *ssl, void *buf, int num)
{
    return read_internal(ssl, buf, num, 1);
}

int SSL_write(SSL *ssl, const void *buf, int num)
{
    struct ms_conn *c;
    int r, done = 0;

    MS_CHECK(ssl, MINISSL_SSL, -1);
    c = &ssl->conn;
    if (!ssl->role_set) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (c->shutdown & SSL_SENT_SHUTDOWN) {
        c->rwstate = SSL_NOTHING;
        ERR_raise(ERR_LIB_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN);
        return -1;
    }
    if (num < 0 || (buf == NULL && num > 0)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return -1;
    }
    if (get_in_init(ssl) && (r = handshake(ssl)) <= 0)
        return r;
    if (c->wpend > 0) {                 /* the retry of a queued write */
        if ((r = flush_out(ssl)) <= 0)
            return r;
        r = c->wpend;
        c->wpend = 0;
        return r;
    }
    if (num == 0)
        return 0;
    while (done < num) {
        size_t k = (size_t)(num - done) > MS_REC_MAX ? MS_REC_MAX
                                                     : (size_t)(num - done);

        if (!queue_record(ssl, MS_CT_APPLICATION_DATA,
                          (const unsigned char *)buf + done, k))
            return -1;
        done += (int)k;
    }
    if ((r = flush_out(ssl)) <= 0) {
        c->wpend = num;
        return r;
    }
    return num;
}

int SSL_pending(const SSL *s)
{
    if (s == NULL)
        return 0;
    return (int)s->conn.app_len;
}

int SSL_has_pending(const SSL *s)
{
    if (s == NULL)
        return 0;
    return s->conn.app_len > 0 || s->conn.in_len > 0;
}

/* ------------------------------------------------------------------ */
/* Shutdown */

int SSL_shutdown(SSL *s)
{
    struct ms_conn *c;
    int r;

    MS_CHECK(s, MINISSL_SSL, -1);
    c = &s->conn;
    if (!s->role_set) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (get_in_init(s) && !SSL_in_before(s)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SHUTDOWN_WHILE_IN_INIT);
        return -1;
    }
    if (SSL_in_before(s)) {
        c->shutdown = SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN;
        return 1;
    }
    if (!(c->shutdown & SSL_SENT_SHUTDOWN)) {
        c->shutdown |= SSL_SENT_SHUTDOWN;
        send_alert(s, SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY);
        if (flush_out(s) <= 0)
            return -1;
    } else if (c->alert_pending) {
        if (flush_out(s) <= 0)
            return -1;
    } else if (!(c->shutdown & SSL_RECEIVED_SHUTDOWN)) {
        /* Wait for the peer's close_notify, discarding data before it. */
        for (;;) {
            c->app_len = 0;
            r = fill_app(s);
            if (r <= 0)
                break;
        }
        if (!(c->shutdown & SSL_RECEIVED_SHUTDOWN))
            return -1;
    }
    if (c->shutdown == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN)
        && !c->alert_pending)
        return 1;
    return 0;
}

int SSL_get_shutdown(const SSL *ssl)
{
    return ssl == NULL ? 0 : ssl->conn.shutdown;
}

void SSL_set_shutdown(SSL *ssl, int mode)
{
    if (ssl != NULL)
        ssl->conn.shutdown = mode & (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

int SSL_clear(SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, 0);
    if (s->method == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_METHOD_SPECIFIED);
        return 0;
    }
    /* OpenSSL drops a session whose connection ended without shutdown. */
    if (s->session != NULL && !(s->conn.shutdown & SSL_SENT_SHUTDOWN)
        && get_flow(s) == MS_FLOW_FINISHED) {
        SSL_SESSION *old;

        SSL_CTX_remove_session(s->ctx, s->session);
        ms_ssl_lock(s);
        old = s->session;
        s->session = NULL;
        ms_ssl_unlock(s);
        SSL_SESSION_free(old);
    }
    conn_reset(s);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Errors and predicates */

int SSL_want(const SSL *s)
{
    return s == NULL ? SSL_NOTHING : s->conn.rwstate;
}

int SSL_get_error(const SSL *s, int ret_code)
{
    unsigned long l;
    int fl;

    if (ret_code > 0)
        return SSL_ERROR_NONE;
    if ((l = ERR_peek_error()) != 0)
        return ERR_GET_LIB(l) == ERR_LIB_SYS ? SSL_ERROR_SYSCALL
                                              : SSL_ERROR_SSL;
    if (s == NULL)
        return SSL_ERROR_SSL;
    /* The retry flags of the BIO call that stopped us, as that call
     * returned them (ms_bio_io), not as the BIO shows them now: another
     * thread may be using the other end of a shared memory BIO. */
    fl = s->conn.io_retry;
    if (s->conn.rwstate == SSL_READING) {
        if (fl & BIO_FLAGS_READ)
            return SSL_ERROR_WANT_READ;
        if (fl & BIO_FLAGS_WRITE)
            return SSL_ERROR_WANT_WRITE;
    }
    if (s->conn.rwstate == SSL_WRITING) {
        if (fl & BIO_FLAGS_WRITE)
            return SSL_ERROR_WANT_WRITE;
        if (fl & BIO_FLAGS_READ)
            return SSL_ERROR_WANT_READ;
    }
    if ((s->conn.shutdown & SSL_RECEIVED_SHUTDOWN)
        && s->conn.warn_alert == SSL_AD_CLOSE_NOTIFY)
        return SSL_ERROR_ZERO_RETURN;
    return SSL_ERROR_SYSCALL;
}

int SSL_in_init(const SSL *s)
{
    return s == NULL ? 0 : get_in_init(s);
}

int SSL_in_before(const SSL *s)
{
    return s == NULL ? 0
           : get_hand_state(s) == TLS_ST_BEFORE
             && get_flow(s) == MS_FLOW_UNINITED;
}

int SSL_is_init_finished(const SSL *s)
{
    return s == NULL ? 0
           : !get_in_init(s) && get_hand_state(s) == TLS_ST_OK;
}

OSSL_HANDSHAKE_STATE SSL_get_state(const SSL *ssl)
{
    return ssl == NULL ? TLS_ST_BEFORE
           : (OSSL_HANDSHAKE_STATE)get_hand_state(ssl);
}

enum ms_hs_state ms_conn_state(const SSL *s)
{
    int flow = get_flow(s);

    if (s->conn.shutdown != 0 && flow == MS_FLOW_FINISHED)
        return MS_HS_SHUTDOWN;
    if (flow == MS_FLOW_FINISHED)
        return MS_HS_DONE;
    return flow == MS_FLOW_UNINITED ? MS_HS_BEFORE : MS_HS_MID;
}

/* ------------------------------------------------------------------ */
/* Negotiated values */

int SSL_session_reused(const SSL *s)
{
    return s == NULL ? 0 : s->conn.hit;
}

int SSL_version(const SSL *s)
{
    int lo, hi;

    if (s == NULL)
        return 0;
    if (s->conn.version != 0)
        return s->conn.version;
    version_range(s, &lo, &hi);
    return hi;
}

const char *SSL_get_version(const SSL *s)
{
    switch (SSL_version(s)) {
    case TLS1_3_VERSION:
        return "TLSv1.3";
    case TLS1_2_VERSION:
        return "TLSv1.2";
    case TLS1_1_VERSION:
        return "TLSv1.1";
    case TLS1_VERSION:
        return "TLSv1";
    default:
        return "unknown";
    }
}

X509 *SSL_get1_peer_certificate(const SSL *s)
{
    X509 *x;

    if (s == NULL)
        return NULL;
    x = s->conn.peer;
    if (x == NULL && s->session != NULL)
        x = s->session->peer;
    if (x != NULL)
        X509_up_ref(x);
    return x;
}

long SSL_get_verify_result(const SSL *ssl)
{
    return ssl == NULL ? X509_V_OK : ssl->conn.verify_result;
}

void SSL_set_verify_result(SSL *ssl, long v)
{
    if (ssl != NULL)
        ssl->conn.verify_result = v;
}

/* ------------------------------------------------------------------ */
/* BIOs of an SSL */

void SSL_set0_rbio(SSL *s, BIO *rbio)
{
    MS_CHECK(s, MINISSL_SSL, );
    BIO_free_all(s->conn.rbio);
    s->conn.rbio = rbio;
}

void SSL_set0_wbio(SSL *s, BIO *wbio)
{
    MS_CHECK(s, MINISSL_SSL, );
    BIO_free_all(s->conn.wbio);
    s->conn.wbio = wbio;
}

void SSL_set_bio(SSL *s, BIO *rbio, BIO *wbio)
{
    MS_CHECK(s, MINISSL_SSL, );
    if (rbio == s->conn.rbio && wbio == s->conn.wbio)
        return;
    /* The caller gives one reference when both are the same BIO. */
    if (rbio != NULL && rbio == wbio)
        BIO_up_ref(rbio);
    if (rbio == s->conn.rbio) {
        SSL_set0_wbio(s, wbio);
        return;
    }
    if (wbio == s->conn.wbio && s->conn.rbio != s->conn.wbio) {
        SSL_set0_rbio(s, rbio);
        return;
    }
    SSL_set0_rbio(s, rbio);
    SSL_set0_wbio(s, wbio);
}

BIO *SSL_get_rbio(const SSL *s)
{
    return s == NULL ? NULL : s->conn.rbio;
}

BIO *SSL_get_wbio(const SSL *s)
{
    return s == NULL ? NULL : s->conn.wbio;
}

/* ------------------------------------------------------------------ */
/* Hooks for the object modules (conn.h) */

int ms_conn_init(SSL *s)
{
    struct ms_conn *c = &s->conn;

    atomic_init(&c->flow, MS_FLOW_UNINITED);
    atomic_init(&c->in_init, 1);
    atomic_init(&c->hand_state, TLS_ST_BEFORE);
    c->warn_alert = 0;
    c->fatal_alert = -1;
    c->rwstate = SSL_NOTHING;
    c->verify_result = X509_V_OK;
    ms_digest_init(&c->transcript);
    return 1;
}

void ms_conn_cleanup(SSL *s)
{
    struct ms_conn *c = &s->conn;

    /* rbio == wbio holds one reference per assignment, as in SSL_set_bio. */
    BIO_free_all(c->rbio);
    BIO_free_all(c->wbio);
    c->rbio = c->wbio = NULL;
    ms_free(c->in);
    ms_free(c->out);
    ms_free(c->app);
    c->in = c->out = c->app = NULL;
    X509_free(c->peer);
    c->peer = NULL;
    SSL_SESSION_free(c->new_sess);
    c->new_sess = NULL;
}

int ms_conn_in_initial(const SSL *s)
{
    return get_in_init(s) && get_flow(s) == MS_FLOW_UNINITED
           && get_hand_state(s) == TLS_ST_BEFORE;
}
