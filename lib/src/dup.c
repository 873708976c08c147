/* SSL_dup, as the manual page says, made safe against the owner's
 * handshake.
 *
 * Correctness argument.  The state check (ms_conn_in_initial: in init and
 * in "before", OpenSSL 3's predicate) and the copy of every setting happen
 * with the original's lock held.  The handshake module changes the
 * connection state only with that lock held (conn.h), so the check sees
 * the state before or after any change, and while we copy no handshake
 * step can start: the copy is of an SSL in its initial state, whole.  If
 * the SSL is not in its initial state we take one more reference under
 * the same lock and return the same handle.  The caller holds a
 * reference, so |s| cannot be destroyed meanwhile (ssl.h contract 1); a
 * concurrent SSL_up_ref/SSL_free touches only the count (atomic).
 *
 * What is copied: every item of the page's list.  The settings live in
 * struct ms_cfg and are deep-copied (ms_cfg_copy), so copy and original
 * are independent afterwards whether or not a session is set (unlike
 * OpenSSL, which shares its CERT with the copy when a session is set),
 * and the original's values win over its SSL_CTX's (verify parameters
 * included: they are copied whole, not "inherited").  The session, X509
 * and EVP_PKEY objects are shared by reference count.  The role
 * (accept/connect state) is copied; BIOs and handshake progress are not
 * (the copy is in "before").  ex_data: new callbacks run for the copy
 * (it is a new SSL), then every slot of the original goes through its
 * index's dup callback, as OpenSSL's CRYPTO_dup_ex_data does. */
#include "internal.h"

static SSL *dup_locked(SSL *s)
{
    SSL *d = ms_ssl_new_from(s->ctx, &s->cfg);

    if (d == NULL)
        return NULL;
    if (MS_FAULT(dup_cert_noref)) { X509_free(d->cfg.cert); EVP_PKEY_free(d->cfg.key); }  /* FAULT: drops the copy's references */
    d->method = s->method;
    d->server = s->server;
    d->role_set = s->role_set;
    if (s->session != NULL) {
        if (!MS_FAULT(dup_session_noref)) SSL_SESSION_up_ref(s->session);  /* FAULT: skipped */
        d->session = s->session;
    }
    if (MS_FAULT(dup_shared_cfg)) { ms_free(d->cfg.psk_hint); d->cfg.psk_hint = s->cfg.psk_hint; }  /* FAULT */
    if (!ms_ex_dup(CRYPTO_EX_INDEX_SSL, &d->ex_data, &s->ex_data)) {
        SSL_free(d);
        return NULL;
    }
    return d;
}

static int in_initial(const SSL *s)
{
    return !s->forced_not_initial && ms_conn_in_initial(s);
}

/* FAULT dup_check_unlocked: OpenSSL 3.0's SSL_dup, which takes no lock:
 * the state check and the copy race the owner's handshake (a torn copy:
 * reads of the connection state, the session and the settings while the
 * handshake writes them). */
static SSL *ms_fault_dup_unlocked(SSL *s)
{
    if (!in_initial(s)) {
        ms_ref_up(&s->hdr.refs, "SSL", s->hdr.id);
        return s;
    }
    ms_fault_window();
    return dup_locked(s);
}

SSL *SSL_dup(SSL *s)
{
    SSL *d;

    MS_CHECK(s, MINISSL_SSL, NULL);
    if (MS_FAULT(dup_check_unlocked)) { return ms_fault_dup_unlocked(s); }  /* FAULT */
    ms_ssl_lock(s);
    if (!in_initial(s)) {
        if (!MS_FAULT(dup_noref) && !MS_FAULT(ssl_free_ndebug))  /* FAULT: skipped */
            ms_ref_up(&s->hdr.refs, "SSL", s->hdr.id);
        ms_ssl_unlock(s);
        return s;
    }
    d = dup_locked(s);
    ms_ssl_unlock(s);
    return d;
}

int minissl_SSL_force_not_initial(SSL *s, int on)
{
    MS_CHECK(s, MINISSL_SSL, 0);
    ms_ssl_lock(s);
    s->forced_not_initial = on != 0;
    ms_ssl_unlock(s);
    return 1;
}

int minissl_SSL_in_initial_state(SSL *s)
{
    int r;

    MS_CHECK(s, MINISSL_SSL, 0);
    ms_ssl_lock(s);
    r = in_initial(s);
    ms_ssl_unlock(s);
    return r;
}
