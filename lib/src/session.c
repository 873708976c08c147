/* SSL_SESSION as an object: creation, reference counting (atomic, any
 * thread holding a reference), the fields a program sets before sharing
 * it.  A session is immutable once shared (ssl.h contract 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static void session_destroy(SSL_SESSION *ss)
{
    ms_ex_free(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data);
    X509_free(ss->peer);
    ms_free(ss->ticket);
    ms_free(ss->psk_hint);
    OPENSSL_cleanse(ss->master_key, sizeof(ss->master_key));
    ms_obj_retire(ss, sizeof(*ss));
}

SSL_SESSION *SSL_SESSION_new(void)
{
    SSL_SESSION *ss = ms_obj_new(MINISSL_SSL_SESSION, sizeof(SSL_SESSION));

    if (ss == NULL)
        return NULL;
    ss->time = time(NULL);
    ss->timeout = 304;                  /* OpenSSL 3's default */
    if (!ms_ex_new(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data)) {
        session_destroy(ss);
        return NULL;
    }
    return ss;
}

/* The immutability check ("a session is immutable once shared").  The
 * thread that takes the count from 1 to 2 owns the only reference, so it
 * reads the fields alone and seals them (a digest; never 0).  Every drop
 * of a reference while the session is shared recomputes the digest: a
 * difference means some thread wrote into a shared session (the class of
 * CVE-2010-3864, CVE-2014-3509, CVE-2015-1791, openssl/openssl#20223),
 * diagnosed and aborted like a double free.  The reads race nothing in a
 * correct program: nobody writes a shared session.  Relaxed on |seal|:
 * it is written before the reference that makes the session shared is
 * handed to another thread, and that hand-over orders it. */
static uint64_t seal_of(const SSL_SESSION *ss)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const unsigned char *parts[] = {
        ss->id, ss->sid_ctx, (const unsigned char *)&ss->version,
        (const unsigned char *)&ss->cipher_id, ss->master_key,
        (const unsigned char *)&ss->not_resumable,
        (const unsigned char *)&ss->ticket,
        (const unsigned char *)&ss->ticket_len,
        (const unsigned char *)&ss->psk_hint,
        (const unsigned char *)&ss->peer,
        (const unsigned char *)&ss->id_len,
        (const unsigned char *)&ss->sid_ctx_len,
    };
    const size_t lens[] = {
        sizeof(ss->id), sizeof(ss->sid_ctx), sizeof(ss->version),
        sizeof(ss->cipher_id), sizeof(ss->master_key),
        sizeof(ss->not_resumable), sizeof(ss->ticket),
        sizeof(ss->ticket_len), sizeof(ss->psk_hint), sizeof(ss->peer),
        sizeof(ss->id_len), sizeof(ss->sid_ctx_len),
    };
    size_t i, j;

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
        for (j = 0; j < lens[i]; j++)
            h = (h ^ parts[i][j]) * 0x100000001b3ULL;
    if (ss->ticket != NULL)
        for (j = 0; j < ss->ticket_len; j++)
            h = (h ^ ss->ticket[j]) * 0x100000001b3ULL;
    return h | 1;
}

/* MINISSL_SEAL=0 in the environment (read once at load, before any
 * thread exists) turns the check off, so that a race detector, not this
 * check, is the one that reports a write into a shared session (the
 * detection matrix's sanitizer and Valgrind columns). */
static int seal_off;

__attribute__((constructor)) static void seal_env_init(void)
{
    const char *e = getenv("MINISSL_SEAL");

    seal_off = e != NULL && strcmp(e, "0") == 0;
}

_Noreturn static void shared_write_detected(const SSL_SESSION *ss)
{
    fprintf(stderr, "minissl: write to a shared SSL_SESSION #%lu (a session "
            "is immutable once shared), seen by SSL_SESSION_free\n",
            ss->hdr.id);
    fflush(stderr);
    abort();
}

int SSL_SESSION_up_ref(SSL_SESSION *ss)
{
    if (ss == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    ms_obj_check_ref(&ss->hdr, MINISSL_SSL_SESSION, "SSL_SESSION_up_ref");
    /* Now shared: seal.  An exchange, not a store: Helgrind and DRD take a
     * relaxed store (a plain mov) for a write racing the seal's relaxed
     * loads in SSL_SESSION_free; a locked read-modify-write they model as
     * the atomic access it is. */
    if (!seal_off
        && ms_ref_load(&ss->hdr.refs, "SSL_SESSION", ss->hdr.id) == 1)
        (void)atomic_exchange_explicit(&ss->seal, seal_of(ss),
                                       memory_order_relaxed);
    return ms_ref_up(&ss->hdr.refs, "SSL_SESSION", ss->hdr.id);
}

void SSL_SESSION_free(SSL_SESSION *ss)
{
    uint64_t seal;

    if (ss == NULL)
        return;
    ms_obj_check_ref(&ss->hdr, MINISSL_SSL_SESSION, "SSL_SESSION_free");
    seal = atomic_load_explicit(&ss->seal, memory_order_relaxed);
    if (seal != 0
        && ms_ref_load(&ss->hdr.refs, "SSL_SESSION", ss->hdr.id) >= 2
        && seal_of(ss) != seal)
        shared_write_detected(ss);
    if (ms_ref_down(&ss->hdr.refs, "SSL_SESSION", ss->hdr.id) > 0)
        return;
    session_destroy(ss);
}

SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *src)
{
    SSL_SESSION *d;

    MS_CHECK(src, MINISSL_SSL_SESSION, NULL);
    if ((d = SSL_SESSION_new()) == NULL)
        return NULL;
    memcpy(d->id, src->id, sizeof(d->id));
    d->id_len = src->id_len;
    memcpy(d->sid_ctx, src->sid_ctx, sizeof(d->sid_ctx));
    d->sid_ctx_len = src->sid_ctx_len;
    d->version = src->version;
    d->cipher_id = src->cipher_id;
    d->time = src->time;
    d->timeout = src->timeout;
    memcpy(d->master_key, src->master_key, sizeof(d->master_key));
    d->master_key_len = src->master_key_len;
    d->not_resumable = src->not_resumable;
    if (src->peer != NULL) {
        X509_up_ref(src->peer);
        d->peer = src->peer;
    }
    if ((src->ticket != NULL
         && (d->ticket = ms_memdup(src->ticket, src->ticket_len)) == NULL)
        || (src->psk_hint != NULL
            && (d->psk_hint = ms_strdup(src->psk_hint)) == NULL)
        || !ms_ex_dup(CRYPTO_EX_INDEX_SSL_SESSION, &d->ex_data,
                      &src->ex_data)) {
        SSL_SESSION_free(d);
        return NULL;
    }
    d->ticket_len = src->ticket != NULL ? src->ticket_len : 0;
    return d;
}

int SSL_SESSION_set1_id(SSL_SESSION *s, const unsigned char *sid,
                        unsigned int sid_len)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    if (sid_len > SSL_MAX_SSL_SESSION_ID_LENGTH) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_SESSION_ID_TOO_LONG);
        return 0;
    }
    if (sid == NULL && sid_len > 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (sid_len > 0)
        memcpy(s->id, sid, sid_len);
    s->id_len = sid_len;
    return 1;
}

const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *s,
                                        unsigned int *len)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, NULL);
    if (len != NULL)
        *len = (unsigned int)s->id_len;
    return s->id;
}

int SSL_SESSION_set1_id_context(SSL_SESSION *s, const unsigned char *sid_ctx,
                                unsigned int sid_ctx_len)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    if (sid_ctx_len > SSL_MAX_SID_CTX_LENGTH) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
        return 0;
    }
    if (sid_ctx == NULL && sid_ctx_len > 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (sid_ctx_len > 0)
        memcpy(s->sid_ctx, sid_ctx, sid_ctx_len);
    s->sid_ctx_len = sid_ctx_len;
    return 1;
}

const unsigned char *SSL_SESSION_get0_id_context(const SSL_SESSION *s,
                                                 unsigned int *len)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, NULL);
    if (len != NULL)
        *len = (unsigned int)s->sid_ctx_len;
    return s->sid_ctx;
}

long SSL_SESSION_get_time(const SSL_SESSION *s)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    return (long)s->time;
}

long SSL_SESSION_set_time(SSL_SESSION *s, long t)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    s->time = (time_t)t;
    return t;
}

long SSL_SESSION_get_timeout(const SSL_SESSION *s)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    return s->timeout;
}

long SSL_SESSION_set_timeout(SSL_SESSION *s, long t)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    /* Shared sessions are immutable (ssl.h, rule 5). */
    if (ms_ref_load(&s->hdr.refs, "SSL_SESSION", s->hdr.id) > 1) {
        ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
        return 0;
    }
    s->timeout = t;
    return 1;
}

int SSL_SESSION_get_protocol_version(const SSL_SESSION *s)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    return s->version;
}

int SSL_SESSION_set_protocol_version(SSL_SESSION *s, int version)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    s->version = version;
    return 1;
}

int SSL_SESSION_set1_master_key(SSL_SESSION *s, const unsigned char *in,
                                size_t len)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    if (len > sizeof(s->master_key) || (in == NULL && len > 0)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return 0;
    }
    if (len > 0)
        memcpy(s->master_key, in, len);
    s->master_key_len = len;
    return 1;
}

size_t SSL_SESSION_get_master_key(const SSL_SESSION *s, unsigned char *out,
                                  size_t outlen)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    if (outlen == 0)
        return s->master_key_len;
    if (outlen > s->master_key_len)
        outlen = s->master_key_len;
    if (out != NULL)
        memcpy(out, s->master_key, outlen);
    return outlen;
}

X509 *SSL_SESSION_get0_peer(SSL_SESSION *s)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, NULL);
    return s->peer;
}

int SSL_SESSION_is_resumable(const SSL_SESSION *s)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    return !s->not_resumable && (s->id_len > 0 || s->ticket_len > 0);
}

int SSL_SESSION_set_ex_data(SSL_SESSION *s, int idx, void *data)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    return CRYPTO_set_ex_data(&s->ex_data, idx, data);
}

void *SSL_SESSION_get_ex_data(const SSL_SESSION *s, int idx)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, NULL);
    return CRYPTO_get_ex_data(&s->ex_data, idx);
}

int SSL_SESSION_has_ticket(const SSL_SESSION *s)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, 0);
    return s->ticket_len > 0;
}

void SSL_SESSION_get0_ticket(const SSL_SESSION *s, const unsigned char **tick,
                             size_t *len)
{
    MS_CHECK(s, MINISSL_SSL_SESSION, );
    if (tick != NULL)
        *tick = s->ticket_len > 0 ? s->ticket : NULL;
    if (len != NULL)
        *len = s->ticket_len;
}
