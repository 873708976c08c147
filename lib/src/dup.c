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
#include <stdbool.h>

#include "internal.h"

/* FAULT dup_shared_cfg, the shape of CVE-2015-3196: the copy takes the
 * original's PSK identity hint buffer instead of its own copy, so a
 * setter on either frees the other's hint. */
static void ms_fault_share_cfg(SSL *d, SSL *s)
{
    MS_SCHED_YIELD("dup.share_cfg", "SSL", s->hdr.id, s);
    ms_free(d->cfg.psk_hint);
    d->cfg.psk_hint = s->cfg.psk_hint;
    MS_SCHED_NOTE("dup.share_cfg", "SSL", s->hdr.id, s, MINISSL_SCHED_NOVALUE,
                  MINISSL_SCHED_NOVALUE, "psk_hint shared");
}

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
    if (MS_FAULT(dup_shared_cfg)) { ms_fault_share_cfg(d, s); }  /* FAULT */
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

/* SSL_dup's decision, with the yield point "dup.state_check": 1 copy
 * (initial), 0 share.  The NOTE carries the coarse state seen. */
static int state_check(SSL *s)
{
    int r;

    MS_SCHED_YIELD("dup.state_check", "SSL", s->hdr.id, s);
    r = in_initial(s);
    MS_SCHED_NOTE("dup.state_check", "SSL", s->hdr.id, s, ms_conn_state(s),
                  r, r ? "copy" : "share");
    return r;
}

/* SSL_dup's postcondition: a copy is of an SSL still in its initial state
 * when the copy is complete, so the copy is a snapshot of one state, never
 * a mix of two.  Under the lock the handshake cannot move on (set_pos in
 * statem.c takes the same lock), so the check never fires in a correct
 * build; it is minissl's own detector for a dup that copies outside the
 * lock (abort, as for every contract violation minissl can prove).  It
 * tests the same predicate as state_check, whose fields are written only
 * under the lock.  (An SSL_clear inside the window would put the state
 * back to "before" and hide a tear: a detector, not a proof.)  `note`:
 * the fault path's yield point "dup.copy" notes the state seen. */
static void check_not_torn(SSL *s, bool note)
{
    bool torn = !ms_conn_in_initial(s);
    int st = torn ? (int)ms_conn_state(s) : MS_HS_BEFORE;

    if (note)
        MS_SCHED_NOTE("dup.copy", "SSL", s->hdr.id, s, MS_HS_BEFORE, st,
                      torn ? "torn" : NULL);
    if (torn)
        ms_contract_abort("torn copy: SSL_dup copied SSL #%lu while its "
                          "handshake moved on (state %d at the end of the "
                          "copy)", s->hdr.id, st);
}

/* FAULT dup_check_unlocked: OpenSSL 3.0's SSL_dup, which takes no lock:
 * the state check and the copy race the owner's handshake (a torn copy:
 * reads of the connection state, the session and the settings while the
 * handshake writes them). */
static SSL *ms_fault_dup_unlocked(SSL *s)
{
    SSL *d;

    if (!state_check(s)) {
        ms_ref_up(&s->hdr.refs, "SSL", s->hdr.id);
        return s;
    }
    ms_fault_window();
    /* The window: the owner's handshake may run here and during the copy. */
    MS_SCHED_YIELD("dup.copy", "SSL", s->hdr.id, s);
    d = dup_locked(s);
    check_not_torn(s, true);
    return d;
}

SSL *SSL_dup(SSL *s)
{
    SSL *d;

    MS_CHECK(s, MINISSL_SSL, NULL);
    if (MS_FAULT(dup_check_unlocked)) { return ms_fault_dup_unlocked(s); }  /* FAULT */
    ms_ssl_lock(s);
    if (!state_check(s)) {
        if (!MS_FAULT(dup_noref) && !MS_FAULT(ssl_free_ndebug))  /* FAULT: skipped */
            ms_ref_up(&s->hdr.refs, "SSL", s->hdr.id);
        ms_ssl_unlock(s);
        return s;
    }
    d = dup_locked(s);
    check_not_torn(s, false);
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
