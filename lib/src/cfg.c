/* struct ms_cfg: the settings an SSL_CTX holds, an SSL inherits at SSL_new
 * and SSL_dup copies.  A copy is deep: the two holders never share a
 * mutable object afterwards; certificates and keys, immutable, are shared
 * by reference count.  One thread at a time per cfg (its holder's rule). */
#include <string.h>

#include "internal.h"

int ms_cfg_init(struct ms_cfg *c)
{
    memset(c, 0, sizeof(*c));
    /* OpenSSL 3's SSL_CTX_new defaults. */
    c->options = SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT;
    c->mode = SSL_MODE_AUTO_RETRY;
    c->verify_mode = SSL_VERIFY_NONE;
    c->sec_level = 1;
    c->max_cert_list = SSL_MAX_CERT_LIST_DEFAULT;
    c->nciphers = ms_cipher_default(0, c->ciphers);
    c->nsuites = ms_cipher_default(1, c->suites);
    if ((c->param = X509_VERIFY_PARAM_new()) == NULL)
        return 0;
    return 1;
}

static void free_tlsa(struct ms_dane *d)
{
    size_t i;

    for (i = 0; i < d->ntlsa; i++)
        ms_free(d->tlsa[i].data);
    ms_free(d->tlsa);
    d->tlsa = NULL;
    d->ntlsa = 0;
}

void ms_cfg_cleanup(struct ms_cfg *c)
{
    X509_VERIFY_PARAM_free(c->param);
    X509_free(c->cert);
    EVP_PKEY_free(c->key);
    sk_X509_pop_free(c->chain, X509_free);
    sk_X509_NAME_pop_free(c->ca_names, X509_NAME_free);
    sk_X509_NAME_pop_free(c->client_ca_names, X509_NAME_free);
    ms_free(c->psk_hint);
    ms_free(c->client_cert_types);
    EVP_PKEY_free(c->dh_tmp);
    ms_free(c->sigalgs);
    ms_free(c->client_sigalgs);
    ms_free(c->serverinfo);
    ms_free(c->exts);
    ms_free(c->dane.basedomain);
    free_tlsa(&c->dane);
    memset(c, 0, sizeof(*c));
}

/* Owned pointers of a struct copy that still alias the source. */
static void forget_owned(struct ms_cfg *c)
{
    c->param = NULL;
    c->cert = NULL;
    c->key = NULL;
    c->chain = NULL;
    c->ca_names = NULL;
    c->client_ca_names = NULL;
    c->psk_hint = NULL;
    c->client_cert_types = NULL;
    c->nclient_cert_types = 0;
    c->dh_tmp = NULL;
    c->sigalgs = NULL;
    c->nsigalgs = 0;
    c->client_sigalgs = NULL;
    c->nclient_sigalgs = 0;
    c->serverinfo = NULL;
    c->serverinfo_len = 0;
    c->exts = NULL;
    c->nexts = 0;
    c->dane.basedomain = NULL;
    c->dane.tlsa = NULL;
    c->dane.ntlsa = 0;
}

STACK_OF(X509) *ms_chain_dup(const STACK_OF(X509) *sk)
{
    STACK_OF(X509) *r;
    int i;

    if ((r = sk_X509_dup(sk)) == NULL)
        return NULL;
    for (i = 0; i < sk_X509_num(r); i++)
        X509_up_ref(sk_X509_value(r, i));
    return r;
}

STACK_OF(X509_NAME) *ms_names_dup(const STACK_OF(X509_NAME) *sk)
{
    return sk_X509_NAME_deep_copy(sk, X509_NAME_dup, X509_NAME_free);
}

/* A copy of |n| bytes at |src|, NULL when there is nothing to copy;
 * sets *fail (reason raised) when memory runs out. */
static void *copy_bytes(const void *src, size_t n, int *fail)
{
    void *p;

    if (src == NULL || n == 0)
        return NULL;
    if ((p = ms_memdup(src, n)) == NULL)
        *fail = 1;
    return p;
}

int ms_cfg_copy(struct ms_cfg *dst, const struct ms_cfg *src)
{
    size_t i;
    int fail = 0;

    *dst = *src;
    forget_owned(dst);
    if ((dst->param = X509_VERIFY_PARAM_new()) == NULL
        || !X509_VERIFY_PARAM_set1(dst->param, src->param))
        return 0;
    if (src->cert != NULL) {
        X509_up_ref(src->cert);
        dst->cert = src->cert;
    }
    if (src->key != NULL) {
        EVP_PKEY_up_ref(src->key);
        dst->key = src->key;
    }
    if (src->dh_tmp != NULL) {
        EVP_PKEY_up_ref(src->dh_tmp);
        dst->dh_tmp = src->dh_tmp;
    }
    if (src->chain != NULL && (dst->chain = ms_chain_dup(src->chain)) == NULL)
        return 0;
    if (src->ca_names != NULL
        && (dst->ca_names = ms_names_dup(src->ca_names)) == NULL)
        return 0;
    if (src->client_ca_names != NULL
        && (dst->client_ca_names = ms_names_dup(src->client_ca_names)) == NULL)
        return 0;
    if (src->psk_hint != NULL
        && (dst->psk_hint = ms_strdup(src->psk_hint)) == NULL)
        return 0;
    dst->client_cert_types = copy_bytes(src->client_cert_types,
                                        src->nclient_cert_types, &fail);
    dst->sigalgs = copy_bytes(src->sigalgs,
                              src->nsigalgs * sizeof(*src->sigalgs), &fail);
    dst->client_sigalgs = copy_bytes(src->client_sigalgs,
                                     src->nclient_sigalgs
                                         * sizeof(*src->client_sigalgs),
                                     &fail);
    dst->serverinfo = copy_bytes(src->serverinfo, src->serverinfo_len, &fail);
    dst->exts = copy_bytes(src->exts, src->nexts * sizeof(*src->exts), &fail);
    /* A count is set only with its array: the cleanup frees by pointer. */
    if (dst->client_cert_types != NULL)
        dst->nclient_cert_types = src->nclient_cert_types;
    if (dst->sigalgs != NULL)
        dst->nsigalgs = src->nsigalgs;
    if (dst->client_sigalgs != NULL)
        dst->nclient_sigalgs = src->nclient_sigalgs;
    if (dst->serverinfo != NULL)
        dst->serverinfo_len = src->serverinfo_len;
    if (dst->exts != NULL)
        dst->nexts = src->nexts;
    if (fail)
        return 0;
    if (src->dane.basedomain != NULL
        && (dst->dane.basedomain = ms_strdup(src->dane.basedomain)) == NULL)
        return 0;
    if (src->dane.ntlsa > 0) {
        dst->dane.tlsa = ms_zalloc(src->dane.ntlsa * sizeof(*dst->dane.tlsa));
        if (dst->dane.tlsa == NULL)
            return 0;
        for (i = 0; i < src->dane.ntlsa; i++) {
            const struct ms_tlsa *t = &src->dane.tlsa[i];

            dst->dane.tlsa[i] = *t;
            dst->dane.tlsa[i].data = NULL;
            dst->dane.ntlsa = i + 1;
            dst->dane.tlsa[i].data = copy_bytes(t->data, t->dlen, &fail);
            if (fail)
                return 0;
        }
    }
    return 1;
}
