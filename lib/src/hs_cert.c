/* Certificates on the wire and their verification (the X509_STORE_CTX
 * the verify callback sees).  minissl's X509 is a stand-in (internal.h);
 * its wire form carries every field, so the peer's copy compares equal
 * (X509_cmp) to the sender's:
 *   version u32 | serial u64 | not_before u64 | not_after u64
 *   | subject name | issuer name | key_type u32 | key_bits u32 | raw[32]
 *   | sig_len u16 (the nominal size X509_sign reported) | sig[32]
 *   name: n u8 | { nid u16 | len u16 | value }.. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"
#include "hs_local.h"

struct x509_store_ctx_st {
    SSL *ssl;
    X509 *const *chain;
    size_t n;
    int depth;
    int error;
};

static void put_u32(struct ms_wbuf *w, uint32_t v)
{
    ms_wbuf_u16(w, v >> 16);
    ms_wbuf_u16(w, v & 0xffff);
}

static void put_u64(struct ms_wbuf *w, uint64_t v)
{
    put_u32(w, (uint32_t)(v >> 32));
    put_u32(w, (uint32_t)v);
}

static void put_name(struct ms_wbuf *w, const X509_NAME *nm)
{
    size_t i, n = nm == NULL ? 0 : nm->n;

    if (n > 255) {
        w->overflow = 1;
        return;
    }
    ms_wbuf_u8(w, (unsigned)n);
    for (i = 0; i < n; i++) {
        if (nm->ent[i].len > 0xffff) {
            w->overflow = 1;
            return;
        }
        ms_wbuf_u16(w, (unsigned)nm->ent[i].nid);
        ms_wbuf_u16(w, (unsigned)nm->ent[i].len);
        ms_wbuf_bytes(w, nm->ent[i].value, nm->ent[i].len);
    }
}

void ms_x509_encode(const X509 *x, struct ms_wbuf *w)
{
    size_t at = w->len, end;

    ms_wbuf_u16(w, 0);                  /* length, patched below */
    put_u32(w, (uint32_t)x->version);
    put_u64(w, (uint64_t)x->serial.value);
    put_u64(w, (uint64_t)x->not_before.time);
    put_u64(w, (uint64_t)x->not_after.time);
    put_name(w, x->subject);
    put_name(w, x->issuer);
    put_u32(w, x->pubkey == NULL ? 0 : (uint32_t)x->pubkey->type);
    put_u32(w, x->pubkey == NULL ? 0 : (uint32_t)x->pubkey->bits);
    if (x->pubkey != NULL)
        ms_wbuf_bytes(w, x->pubkey->raw, sizeof(x->pubkey->raw));
    else
        ms_wbuf_bytes(w, (const unsigned char[32]){0}, 32);
    ms_wbuf_u16(w, x->sig_len > 0xffff ? 0xffff : (unsigned)x->sig_len);
    ms_wbuf_bytes(w, x->sig, sizeof(x->sig));
    if (w->overflow)
        return;
    end = w->len - at - 2;
    if (end > 0xffff) {
        w->overflow = 1;
        return;
    }
    w->p[at] = (unsigned char)(end >> 8);
    w->p[at + 1] = (unsigned char)end;
}

static uint32_t get_u32(struct ms_rd *r)
{
    uint32_t hi = ms_rd_u16(r);

    return hi << 16 | ms_rd_u16(r);
}

static uint64_t get_u64(struct ms_rd *r)
{
    uint64_t hi = get_u32(r);

    return hi << 32 | get_u32(r);
}

/* 1, 0 malformed (*reason), -1 allocation (reason raised). */
static int get_name(struct ms_rd *r, X509_NAME *nm, int *reason)
{
    unsigned i, n = ms_rd_u8(r);

    for (i = 0; i < n; i++) {
        unsigned nid = ms_rd_u16(r), len = ms_rd_u16(r);
        const unsigned char *v = ms_rd_take(r, len);

        if (v == NULL || len == 0) {
            *reason = SSL_R_BAD_PACKET;
            return 0;
        }
        ERR_set_mark();
        if (!X509_NAME_add_entry_by_NID(nm, (int)nid, MBSTRING_UTF8, v,
                                        (int)len, -1, 0)) {
            ERR_pop_to_mark();          /* an unknown nid is the peer's */
            *reason = SSL_R_BAD_PACKET;
            return 0;
        }
        ERR_clear_last_mark();
    }
    return 1;
}

X509 *ms_x509_decode(const unsigned char *p, size_t len, int *reason)
{
    struct ms_rd r;
    X509 *x = X509_new();
    EVP_PKEY *pk = NULL;
    uint32_t type, bits;
    const unsigned char *raw, *sig;
    size_t sig_len;

    if (x == NULL)
        return NULL;
    ms_rd_init(&r, p, len);
    x->version = (long)get_u32(&r);
    x->serial.value = (long)get_u64(&r);
    x->not_before.time = (time_t)get_u64(&r);
    x->not_after.time = (time_t)get_u64(&r);
    if (get_name(&r, x->subject, reason) <= 0
        || get_name(&r, x->issuer, reason) <= 0)
        goto err;
    type = get_u32(&r);
    bits = get_u32(&r);
    raw = ms_rd_take(&r, 32);
    sig_len = ms_rd_u16(&r);
    sig = ms_rd_take(&r, sizeof(x->sig));
    if (!ms_rd_done(&r)) {
        *reason = SSL_R_BAD_PACKET;
        goto err;
    }
    if (type != 0) {
        if ((pk = EVP_PKEY_new()) == NULL)
            goto err;
        pk->type = (int)type;
        pk->bits = (int)bits;
        memcpy(pk->raw, raw, sizeof(pk->raw));
        x->pubkey = pk;
    }
    memcpy(x->sig, sig, sizeof(x->sig));
    x->sig_len = sig_len;
    return x;
 err:
    X509_free(x);
    return NULL;
}

/* ---- verification ---- */

static int self_issued(const X509 *x)
{
    return X509_NAME_cmp(x->subject, x->issuer) == 0;
}

static int verify_alert(int err)
{
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return SSL_AD_CERTIFICATE_EXPIRED;
    case X509_V_ERR_INVALID_PURPOSE:
        return SSL_AD_UNSUPPORTED_CERTIFICATE;
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_DANE_NO_MATCH:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
        return SSL_AD_BAD_CERTIFICATE;
    default:
        return SSL_AD_UNKNOWN_CA;
    }
}

/* Reports |err| at |depth| (preverify_ok 0); 1 if the callback accepts.
 * As OpenSSL's verify_cb_cert: the error becomes the store context's,
 * which the callback may change (X509_STORE_CTX_set_error); the SSL's
 * verify result is the context's error when verification ends. */
static int report(X509_STORE_CTX *ctx, SSL_verify_cb cb, int depth, int err)
{
    ctx->depth = depth;
    ctx->error = err;
    return cb != NULL ? cb(0, ctx) : 0;
}

/* The host names of |p| against the leaf: minissl's certificates have no
 * subjectAltName, so a name matches the subject's commonName, which
 * X509_CHECK_FLAG_NEVER_CHECK_SUBJECT rules out (as in OpenSSL for a
 * certificate without DNS names). */
static int host_matches(const X509 *leaf, const X509_VERIFY_PARAM *p)
{
    char cn[256];
    int i;

    if (p == NULL || p->nhosts == 0)
        return 1;
    if (p->hostflags & X509_CHECK_FLAG_NEVER_CHECK_SUBJECT)
        return 0;
    if (X509_NAME_get_text_by_NID(leaf->subject, NID_commonName, cn,
                                  sizeof(cn)) < 0)
        return 0;
    for (i = 0; i < p->nhosts; i++)
        if (strcasecmp(cn, p->hosts[i]) == 0)
            return 1;
    return 0;
}

/* The email address of |p| against the leaf's subject emailAddress
 * (case-insensitive; OpenSSL's fallback when there is no subjectAltName). */
static int email_matches(const X509 *leaf, const X509_VERIFY_PARAM *p)
{
    char e[256];

    if (p == NULL || p->email == NULL)
        return 1;
    if (X509_NAME_get_text_by_NID(leaf->subject, NID_pkcs9_emailAddress, e,
                                  sizeof(e)) < 0)
        return 0;
    return strcasecmp(e, p->email) == 0;
}

/* OpenSSL's minimum key strength of each security level 1..5 (bits). */
static int level_bits(int level)
{
    static const int bits[] = { 80, 112, 128, 192, 256 };

    return level <= 0 ? 0 : bits[(level > 5 ? 5 : level) - 1];
}

/* X509_V_FLAG_USE_CHECK_TIME: the parameters' time; else now, unless
 * X509_V_FLAG_NO_CHECK_TIME (then *when is not set and 0 is returned). */
static int check_time_at(const X509_VERIFY_PARAM *p, time_t *when)
{
    if (p != NULL && (p->flags & X509_V_FLAG_USE_CHECK_TIME)) {
        *when = p->check_time;
        return 1;
    }
    if (p != NULL && (p->flags & X509_V_FLAG_NO_CHECK_TIME))
        return 0;
    *when = time(NULL);
    return 1;
}

/* DANE with TLSA records and none of them a trust-anchor record: as
 * OpenSSL's dane_verify, the leaf must match a DANE-EE record, and no
 * chain is built.  minissl's stand-in certificates have no
 * SubjectPublicKeyInfo to digest, so no record ever matches. */
static int dane_ee_only(const struct ms_dane *d)
{
    size_t i;

    if (!d->enabled || d->ntlsa == 0)
        return 0;
    for (i = 0; i < d->ntlsa; i++)
        if (d->tlsa[i].usage == 0 || d->tlsa[i].usage == 2)
            return 0;
    return 1;
}

/* The checks in OpenSSL 3's order (X509_verify_cert): the leaf's key
 * strength, DANE, the chain's end, the purpose, the issuers' key
 * strength, the reference identities (host, email, IP address), then the
 * validity times from the top down, each certificate reported to the
 * callback with preverify_ok 1. */
int ms_verify_chain(SSL *s, X509 *const *chain, size_t n, long *result,
                    int *alert)
{
    X509_STORE_CTX ctx = {s, chain, n, 0, X509_V_OK};
    SSL_verify_cb cb = s->cfg.verify_cb;
    const X509_VERIFY_PARAM *param = s->cfg.param;
    int limit = param != NULL && param->depth >= 0 ? param->depth : 100;
    int level = param != NULL && param->auth_level >= 0 ? param->auth_level
                                                        : s->cfg.sec_level;
    int top = (int)n - 1, d, err, ok = 1;
    time_t now = 0;
    int timed = check_time_at(param, &now);

    if (EVP_PKEY_get_security_bits(chain[0]->pubkey) < level_bits(level)
        && !report(&ctx, cb, 0, X509_V_ERR_EE_KEY_TOO_SMALL))
        goto fail;
    if (dane_ee_only(&s->cfg.dane)) {
        ok = report(&ctx, cb, 0, X509_V_ERR_DANE_NO_MATCH);
        goto done;
    }
    /* The chain ends where the next certificate is not the issuer. */
    for (d = 0; d < top; d++)
        if (X509_NAME_cmp(chain[d]->issuer, chain[d + 1]->subject) != 0)
            top = d;
    if (top > limit + 1) {
        if (!report(&ctx, cb, limit + 1, X509_V_ERR_CERT_CHAIN_TOO_LONG))
            goto fail;
        top = limit + 1;
    }
    if (self_issued(chain[top]))
        err = top == 0 ? X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
                       : X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
    else
        err = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    if (!report(&ctx, cb, top, err))
        goto fail;
    for (d = 0; d <= top; d++)
        if (param != NULL && param->purpose == X509_PURPOSE_TIMESTAMP_SIGN
            && !report(&ctx, cb, d, X509_V_ERR_INVALID_PURPOSE))
            goto fail;
    for (d = 1; d <= top; d++)
        if (EVP_PKEY_get_security_bits(chain[d]->pubkey) < level_bits(level)
            && !report(&ctx, cb, d, X509_V_ERR_CA_KEY_TOO_SMALL))
            goto fail;
    if (!host_matches(chain[0], param)
        && !report(&ctx, cb, 0, X509_V_ERR_HOSTNAME_MISMATCH))
        goto fail;
    if (!email_matches(chain[0], param)
        && !report(&ctx, cb, 0, X509_V_ERR_EMAIL_MISMATCH))
        goto fail;
    if (param != NULL && param->iplen > 0
        && !report(&ctx, cb, 0, X509_V_ERR_IP_ADDRESS_MISMATCH))
        goto fail;
    for (d = top; d >= 0; d--) {
        const X509 *x = chain[d];

        if (timed && x->not_before.time != 0 && now < x->not_before.time
            && !report(&ctx, cb, d, X509_V_ERR_CERT_NOT_YET_VALID))
            goto fail;
        if (timed && x->not_after.time != 0 && now > x->not_after.time
            && !report(&ctx, cb, d, X509_V_ERR_CERT_HAS_EXPIRED))
            goto fail;
        ctx.depth = d;
        if (cb != NULL && !cb(1, &ctx)) {
            if (ctx.error == X509_V_OK)
                ctx.error = X509_V_ERR_APPLICATION_VERIFICATION;
            goto fail;
        }
    }
 done:
    *result = ctx.error;
    if (ok)
        return 1;
 fail:
    *result = ctx.error;
    *alert = verify_alert((int)*result);
    return 0;
}

int X509_STORE_CTX_get_error(const X509_STORE_CTX *ctx)
{
    return ctx == NULL ? X509_V_OK : ctx->error;
}

void X509_STORE_CTX_set_error(X509_STORE_CTX *ctx, int s)
{
    if (ctx != NULL)
        ctx->error = s;
}

int X509_STORE_CTX_get_error_depth(const X509_STORE_CTX *ctx)
{
    return ctx == NULL ? -1 : ctx->depth;
}

X509 *X509_STORE_CTX_get_current_cert(const X509_STORE_CTX *ctx)
{
    if (ctx == NULL || ctx->depth < 0 || (size_t)ctx->depth >= ctx->n)
        return NULL;
    return ctx->chain[ctx->depth];
}

X509 *X509_STORE_CTX_get0_cert(const X509_STORE_CTX *ctx)
{
    return ctx == NULL || ctx->n == 0 ? NULL : ctx->chain[0];
}

/* minissl's store context has one ex_data slot: the SSL. */
#define MS_STORE_CTX_SSL_IDX 0

void *X509_STORE_CTX_get_ex_data(const X509_STORE_CTX *ctx, int idx)
{
    if (ctx == NULL || idx != MS_STORE_CTX_SSL_IDX)
        return NULL;
    return ctx->ssl;
}

int SSL_get_ex_data_X509_STORE_CTX_idx(void)
{
    return MS_STORE_CTX_SSL_IDX;
}

const char *X509_verify_cert_error_string(long n)
{
    switch (n) {
    case X509_V_OK:
        return "ok";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        return "unable to get issuer certificate";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return "certificate is not yet valid";
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return "certificate has expired";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return "self-signed certificate";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return "self-signed certificate in certificate chain";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        return "unable to get local issuer certificate";
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        return "certificate chain too long";
    case X509_V_ERR_APPLICATION_VERIFICATION:
        return "application verification failure";
    case X509_V_ERR_HOSTNAME_MISMATCH:
        return "hostname mismatch";
    case X509_V_ERR_INVALID_PURPOSE:
        return "unsuitable certificate purpose";
    case X509_V_ERR_EMAIL_MISMATCH:
        return "email address mismatch";
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return "IP address mismatch";
    case X509_V_ERR_DANE_NO_MATCH:
        return "no matching DANE TLSA records";
    case X509_V_ERR_EE_KEY_TOO_SMALL:
        return "EE certificate key too weak";
    case X509_V_ERR_CA_KEY_TOO_SMALL:
        return "CA certificate key too weak";
    default:
        return "certificate verify error";
    }
}
