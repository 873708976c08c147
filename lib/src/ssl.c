/* SSL: creation (SSL_new inherits its SSL_CTX's settings), reference
 * counting, destruction, and the SSL's session slot.
 *
 * Concurrency (ssl.h contract 1): SSL_up_ref/SSL_free are ms_ref_up/down
 * (refcount.h); the destructor runs once, in the thread whose decrement
 * reached 0, after acquiring every other thread's writes.  |session| is
 * changed and taken (get1) under the SSL's lock, which also serialises
 * SSL_dup against the handshake (dup.c). */
#include <pthread.h>

#include "internal.h"

/* FAULT free_unfinished_not_resumable, the shape of openssl/openssl
 * #20223: SSL_free of a connection whose handshake did not finish marks
 * its session not resumable (OpenSSL's bad-session clean-up), writing
 * into a session that other connections share and may be resuming. */
static void ms_fault_mark_not_resumable(SSL *s)
{
    SSL_SESSION *ss = s->session;

    if (ss != NULL && SSL_in_init(s) && !SSL_in_before(s)) {
        MS_SCHED_YIELD("ssl_session.write", "SSL_SESSION", ss->hdr.id, ss);
        ss->not_resumable = 1;
        MS_SCHED_NOTE("ssl_session.write", "SSL_SESSION", ss->hdr.id, ss,
                      MINISSL_SCHED_NOVALUE, 1, "not_resumable");
    }
}

static void ssl_destroy(SSL *s)
{
    if (MS_FAULT(free_unfinished_not_resumable)) { ms_fault_mark_not_resumable(s); }  /* FAULT */
    ms_ex_free(CRYPTO_EX_INDEX_SSL, s, &s->ex_data);
    ms_conn_cleanup(s);
    SSL_SESSION_free(s->session);
    /* s->session is left dangling but only compared with NULL below. */
    sk_X509_NAME_pop_free(s->peer_ca_names, X509_NAME_free);
    ms_cfg_cleanup(&s->cfg);
    if (MS_FAULT(ssl_free_ctx_twice) && s->session != NULL) { SSL_CTX_free(s->ctx); }  /* FAULT */
    SSL_CTX_free(s->ctx);
    pthread_mutex_destroy(&s->lock);
    ms_obj_retire(s, sizeof(*s));
}

/* FAULT ssl_new_fail_early_free, the shape of openssl/openssl#4580 and
 * #15052: SSL_new stores its SSL_CTX pointer first and sets the count,
 * the lock and the SSL_CTX reference last; a failure in between (every
 * 4th call fails its settings copy here, as under allocation failure)
 * hands the half-built object to the full destructor, which drops an
 * SSL_CTX reference that was never taken. */
static SSL *ms_fault_ssl_new_early_free(SSL *s, SSL_CTX *ctx,
                                        const struct ms_cfg *cfg)
{
    static atomic_uint calls;

    s->ctx = ctx;
    s->method = ctx->method;
    s->server = ctx->method->can_accept;
    ms_ref_init(&s->hdr.refs, 0);           /* "set later" */
    if (atomic_fetch_add(&calls, 1) % 4 == 3 || !ms_cfg_copy(&s->cfg, cfg)) {
        ssl_destroy(s);                     /* the bug */
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    SSL_CTX_up_ref(ctx);
    ms_ref_init(&s->hdr.refs, 1);
    if (!ms_ex_new(CRYPTO_EX_INDEX_SSL, s, &s->ex_data) || !ms_conn_init(s)) {
        ssl_destroy(s);
        return NULL;
    }
    return s;
}

SSL *ms_ssl_new_from(SSL_CTX *ctx, const struct ms_cfg *cfg)
{
    SSL *s = ms_obj_new(MINISSL_SSL, sizeof(SSL));

    if (s == NULL)
        return NULL;
    if (MS_FAULT(ssl_new_fail_early_free)) { return ms_fault_ssl_new_early_free(s, ctx, cfg); }  /* FAULT */
    pthread_mutex_init(&s->lock, NULL);
    if (!MS_FAULT(ssl_new_ctx_noref)) SSL_CTX_up_ref(ctx);  /* FAULT: skipped */
    s->ctx = ctx;
    s->method = ctx->method;
    /* OpenSSL: a server unless the method cannot accept. */
    s->server = ctx->method->can_accept;
    if (!ms_cfg_copy(&s->cfg, cfg)
        || !ms_ex_new(CRYPTO_EX_INDEX_SSL, s, &s->ex_data)
        || !ms_conn_init(s)) {
        ssl_destroy(s);
        return NULL;
    }
    return s;
}

SSL *SSL_new(SSL_CTX *ctx)
{
    if (ctx == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_CTX);
        return NULL;
    }
    ms_obj_check(&ctx->hdr, MINISSL_SSL_CTX, "SSL_new");
    return ms_ssl_new_from(ctx, &ctx->cfg);
}

int SSL_up_ref(SSL *s)
{
    if (s == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    ms_obj_check_ref(&s->hdr, MINISSL_SSL, "SSL_up_ref");
    if (MS_FAULT(ssl_ref_nonatomic)) { return ms_fault_ref_plain(&s->hdr.refs, 1, "SSL", s->hdr.id) > 0; }  /* FAULT */
    return ms_ref_up(&s->hdr.refs, "SSL", s->hdr.id);
}

void SSL_free(SSL *s)
{
    if (s == NULL)
        return;
    ms_obj_check_ref(&s->hdr, MINISSL_SSL, "SSL_free");
    if (MS_FAULT(ssl_ref_nonatomic)) { if (ms_fault_ref_plain(&s->hdr.refs, -1, "SSL", s->hdr.id) == 0) ssl_destroy(s); return; }  /* FAULT */
    if (MS_FAULT(ssl_free_check_then_act)) { if (ms_fault_ref_down_cta(&s->hdr.refs, "SSL", s->hdr.id) == 0) ssl_destroy(s); return; }  /* FAULT */
    if (MS_FAULT(ssl_free_relaxed)) { if (ms_fault_ref_down_relaxed(&s->hdr.refs, "SSL", s->hdr.id) == 0) ssl_destroy(s); return; }  /* FAULT */
    if (MS_FAULT(ssl_free_ndebug)) { if (ms_fault_ref_down_unchecked(&s->hdr.refs, "SSL", s->hdr.id) <= 0) ssl_destroy(s); return; }  /* FAULT */
    if (ms_ref_down(&s->hdr.refs, "SSL", s->hdr.id) > 0)
        return;
    ssl_destroy(s);
}

long SSL_ctrl(SSL *s, int cmd, long larg, void *parg)
{
    int handled;
    long r;

    MS_CHECK(s, MINISSL_SSL, 0);
    r = ms_cfg_ctrl(&s->cfg, cmd, larg, parg, &handled);
    if (handled)
        return r;
    if (cmd == SSL_CTRL_GET_CLIENT_CERT_TYPES)
        return 0;       /* a client learns them in the handshake */
    ERR_raise_data(ERR_LIB_SSL, SSL_R_INVALID_COMMAND, "cmd=%d", cmd);
    return 0;
}

SSL_CTX *SSL_get_SSL_CTX(const SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, NULL);
    return s->ctx;
}

int SSL_is_server(const SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, 0);
    return s->server;
}

int SSL_set_ex_data(SSL *s, int idx, void *data)
{
    MS_CHECK(s, MINISSL_SSL, 0);
    return CRYPTO_set_ex_data(&s->ex_data, idx, data);
}

void *SSL_get_ex_data(const SSL *s, int idx)
{
    MS_CHECK(s, MINISSL_SSL, NULL);
    return CRYPTO_get_ex_data(&s->ex_data, idx);
}

/* ---- The session slot ---- */
int SSL_set_session(SSL *s, SSL_SESSION *session)
{
    SSL_SESSION *old;

    MS_CHECK(s, MINISSL_SSL, 0);
    if (session != NULL) {
        ms_obj_check(&session->hdr, MINISSL_SSL_SESSION, "SSL_set_session");
        SSL_SESSION_up_ref(session);
    }
    ms_ssl_lock(s);
    old = s->session;
    s->session = session;
    ms_ssl_unlock(s);
    SSL_SESSION_free(old);
    return 1;
}

SSL_SESSION *SSL_get_session(const SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, NULL);
    return s->session;
}

SSL_SESSION *SSL_get1_session(SSL *s)
{
    SSL_SESSION *sess;

    MS_CHECK(s, MINISSL_SSL, NULL);
    ms_ssl_lock(s);
    if ((sess = s->session) != NULL)
        SSL_SESSION_up_ref(sess);
    ms_ssl_unlock(s);
    return sess;
}

int SSL_copy_session_id(SSL *to, const SSL *from)
{
    SSL_SESSION *sess;
    int ok;

    MS_CHECK(to, MINISSL_SSL, 0);
    MS_CHECK(from, MINISSL_SSL, 0);
    sess = SSL_get1_session((SSL *)from);
    ok = SSL_set_session(to, sess)
         && SSL_set_session_id_context(to, from->cfg.sid_ctx,
                                       (unsigned int)from->cfg.sid_ctx_len);
    SSL_SESSION_free(sess);
    return ok;
}

const char *SSL_get_psk_identity_hint(const SSL *s)
{
    if (s == NULL || s->session == NULL)
        return NULL;
    return s->session->psk_hint;
}
