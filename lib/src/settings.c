/* Getters and setters of the settings an SSL_CTX and an SSL share
 * (struct ms_cfg), with OpenSSL's names, and the SSL_ctrl/SSL_CTX_ctrl
 * commands behind OpenSSL's macros.  Each setting has one cfg-level
 * helper; the SSL_CTX_ and SSL_ functions are thin wrappers over it.
 * One thread at a time per object (ssl.h contract 3 and 4). */
#include <string.h>

#include "internal.h"

typedef int (*ms_sec_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                         int nid, void *other, void *ex);
typedef void (*ms_info_cb)(const SSL *ssl, int type, int val);
typedef void (*ms_msg_cb)(int write_p, int version, int content_type,
                          const void *buf, size_t len, SSL *ssl, void *arg);
typedef DH *(*ms_dh_cb)(SSL *ssl, int is_export, int keylength);

#define CTX_CFG(ctx, fail)                      \
    MS_CHECK(ctx, MINISSL_SSL_CTX, fail);       \
    struct ms_cfg *c = &(ctx)->cfg
#define SSL_CFG(s, fail)                        \
    MS_CHECK(s, MINISSL_SSL, fail);             \
    struct ms_cfg *c = &(s)->cfg
/* const objects: the cfg is only read */
#define CTX_CCFG(ctx, fail)                     \
    MS_CHECK(ctx, MINISSL_SSL_CTX, fail);       \
    const struct ms_cfg *c = &(ctx)->cfg
#define SSL_CCFG(s, fail)                       \
    MS_CHECK(s, MINISSL_SSL, fail);             \
    const struct ms_cfg *c = &(s)->cfg

/* ---- Options ---- */
uint64_t SSL_CTX_get_options(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, 0);
    return c->options;
}

uint64_t SSL_get_options(const SSL *s)
{
    SSL_CCFG(s, 0);
    return c->options;
}

uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op)
{
    CTX_CFG(ctx, 0);
    return c->options |= op;
}

uint64_t SSL_set_options(SSL *s, uint64_t op)
{
    SSL_CFG(s, 0);
    return c->options |= op;
}

uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op)
{
    CTX_CFG(ctx, 0);
    return c->options &= ~op;
}

uint64_t SSL_clear_options(SSL *s, uint64_t op)
{
    SSL_CFG(s, 0);
    return c->options &= ~op;
}

/* ---- Verification ---- */
void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb cb)
{
    CTX_CFG(ctx, );
    c->verify_mode = mode;
    c->verify_cb = cb;
}

/* As OpenSSL: a NULL callback keeps the current one. */
void SSL_set_verify(SSL *s, int mode, SSL_verify_cb cb)
{
    SSL_CFG(s, );
    c->verify_mode = mode;
    if (cb != NULL)
        c->verify_cb = cb;
}

void SSL_CTX_set_verify_depth(SSL_CTX *ctx, int depth)
{
    CTX_CFG(ctx, );
    X509_VERIFY_PARAM_set_depth(c->param, depth);
}

void SSL_set_verify_depth(SSL *s, int depth)
{
    SSL_CFG(s, );
    X509_VERIFY_PARAM_set_depth(c->param, depth);
}

int SSL_CTX_get_verify_mode(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, 0);
    return c->verify_mode;
}

int SSL_get_verify_mode(const SSL *s)
{
    SSL_CCFG(s, 0);
    return c->verify_mode;
}

int SSL_CTX_get_verify_depth(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, -1);
    return X509_VERIFY_PARAM_get_depth(c->param);
}

int SSL_get_verify_depth(const SSL *s)
{
    SSL_CCFG(s, -1);
    return X509_VERIFY_PARAM_get_depth(c->param);
}

SSL_verify_cb SSL_CTX_get_verify_callback(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->verify_cb;
}

SSL_verify_cb SSL_get_verify_callback(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->verify_cb;
}

X509_VERIFY_PARAM *SSL_CTX_get0_param(SSL_CTX *ctx)
{
    CTX_CFG(ctx, NULL);
    return c->param;
}

X509_VERIFY_PARAM *SSL_get0_param(SSL *s)
{
    SSL_CFG(s, NULL);
    return c->param;
}

int SSL_CTX_set1_param(SSL_CTX *ctx, X509_VERIFY_PARAM *vpm)
{
    CTX_CFG(ctx, 0);
    return X509_VERIFY_PARAM_set1(c->param, vpm);
}

int SSL_set1_param(SSL *s, X509_VERIFY_PARAM *vpm)
{
    SSL_CFG(s, 0);
    return X509_VERIFY_PARAM_set1(c->param, vpm);
}

int SSL_set1_host(SSL *s, const char *hostname)
{
    SSL_CFG(s, 0);
    return X509_VERIFY_PARAM_set1_host(c->param, hostname, 0);
}

int SSL_add1_host(SSL *s, const char *hostname)
{
    SSL_CFG(s, 0);
    return X509_VERIFY_PARAM_add1_host(c->param, hostname, 0);
}

void SSL_set_hostflags(SSL *s, unsigned int flags)
{
    SSL_CFG(s, );
    X509_VERIFY_PARAM_set_hostflags(c->param, flags);
}

/* ---- Ciphers ---- */
static int set_list(struct ms_cfg *c, const char *str, int tls13)
{
    unsigned char tmp[MS_MAX_CIPHERS];
    size_t n = ms_cipher_parse(str, tls13, tmp);

    if (n == 0)
        return 0;
    if (tls13) {
        memcpy(c->suites, tmp, n);
        c->nsuites = n;
    } else {
        memcpy(c->ciphers, tmp, n);
        c->nciphers = n;
    }
    return 1;
}

int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str)
{
    CTX_CFG(ctx, 0);
    return set_list(c, str, 0);
}

int SSL_set_cipher_list(SSL *s, const char *str)
{
    SSL_CFG(s, 0);
    return set_list(c, str, 0);
}

int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str)
{
    CTX_CFG(ctx, 0);
    return set_list(c, str, 1);
}

int SSL_set_ciphersuites(SSL *s, const char *str)
{
    SSL_CFG(s, 0);
    return set_list(c, str, 1);
}

const char *SSL_get_cipher_list(const SSL *s, int n)
{
    if (s == NULL || n < 0)
        return NULL;
    ms_obj_check(&s->hdr, MINISSL_SSL, "SSL_get_cipher_list");
    /* The TLS 1.3 suites first, then the TLS 1.2 ciphers, as OpenSSL
     * names them.  The list is one of an ms_cfg, which an SSL and its
     * SSL_CTX both hold, so one function walks it for either
     * (cipher.c; an SSL_CTX's: minissl_SSL_CTX_get_cipher_list, which
     * `inherited` compares with an SSL's). */
    return ms_cfg_cipher_name(&s->cfg, n);
}

/* ---- read_ahead, security level and callback ---- */
void SSL_set_read_ahead(SSL *s, int yes)
{
    SSL_CFG(s, );
    c->read_ahead = yes;
}

int SSL_get_read_ahead(const SSL *s)
{
    SSL_CCFG(s, 0);
    return c->read_ahead;
}

void SSL_CTX_set_security_level(SSL_CTX *ctx, int level)
{
    CTX_CFG(ctx, );
    c->sec_level = level;
}

int SSL_CTX_get_security_level(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, 0);
    return c->sec_level;
}

void SSL_set_security_level(SSL *s, int level)
{
    SSL_CFG(s, );
    c->sec_level = level;
}

int SSL_get_security_level(const SSL *s)
{
    SSL_CCFG(s, 0);
    return c->sec_level;
}

void SSL_CTX_set_security_callback(SSL_CTX *ctx, ms_sec_cb cb)
{
    CTX_CFG(ctx, );
    c->sec_cb = cb;
}

ms_sec_cb SSL_CTX_get_security_callback(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->sec_cb;
}

void SSL_set_security_callback(SSL *s, ms_sec_cb cb)
{
    SSL_CFG(s, );
    c->sec_cb = cb;
}

ms_sec_cb SSL_get_security_callback(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->sec_cb;
}

void SSL_CTX_set0_security_ex_data(SSL_CTX *ctx, void *ex)
{
    CTX_CFG(ctx, );
    c->sec_ex = ex;
}

void *SSL_CTX_get0_security_ex_data(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->sec_ex;
}

void SSL_set0_security_ex_data(SSL *s, void *ex)
{
    SSL_CFG(s, );
    c->sec_ex = ex;
}

void *SSL_get0_security_ex_data(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->sec_ex;
}

/* ---- CA lists ---- */
static void set0_names(STACK_OF(X509_NAME) **slot, STACK_OF(X509_NAME) *l)
{
    if (*slot != l)
        sk_X509_NAME_pop_free(*slot, X509_NAME_free);
    *slot = l;
}

static int add1_name(STACK_OF(X509_NAME) **slot, const X509 *x)
{
    X509_NAME *n;
    int created = 0;

    if (x == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    ms_obj_check(&x->hdr, MINISSL_X509, "add CA name");
    if (*slot == NULL) {
        if ((*slot = sk_X509_NAME_new_null()) == NULL)
            return 0;
        created = 1;
    }
    if ((n = X509_NAME_dup(x->subject)) == NULL
        || sk_X509_NAME_push(*slot, n) == 0) {
        X509_NAME_free(n);
        if (created) {
            sk_X509_NAME_free(*slot);
            *slot = NULL;
        }
        return 0;
    }
    return 1;
}

void SSL_CTX_set0_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) *name_list)
{
    CTX_CFG(ctx, );
    set0_names(&c->ca_names, name_list);
}

void SSL_set0_CA_list(SSL *s, STACK_OF(X509_NAME) *name_list)
{
    SSL_CFG(s, );
    set0_names(&c->ca_names, name_list);
}

const STACK_OF(X509_NAME) *SSL_CTX_get0_CA_list(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->ca_names;
}

const STACK_OF(X509_NAME) *SSL_get0_CA_list(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->ca_names != NULL ? c->ca_names : s->ctx->cfg.ca_names;
}

int SSL_CTX_add1_to_CA_list(SSL_CTX *ctx, const X509 *x)
{
    CTX_CFG(ctx, 0);
    return add1_name(&c->ca_names, x);
}

int SSL_add1_to_CA_list(SSL *s, const X509 *x)
{
    SSL_CFG(s, 0);
    return add1_name(&c->ca_names, x);
}

void SSL_CTX_set_client_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) *name_list)
{
    CTX_CFG(ctx, );
    set0_names(&c->client_ca_names, name_list);
}

void SSL_set_client_CA_list(SSL *s, STACK_OF(X509_NAME) *name_list)
{
    SSL_CFG(s, );
    set0_names(&c->client_ca_names, name_list);
}

STACK_OF(X509_NAME) *SSL_CTX_get_client_CA_list(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->client_ca_names;
}

/* A server's own list (or its SSL_CTX's); a client's is the one the
 * server sent, as in OpenSSL. */
STACK_OF(X509_NAME) *SSL_get_client_CA_list(const SSL *s)
{
    SSL_CCFG(s, NULL);
    if (!s->server)
        return s->peer_ca_names;
    return c->client_ca_names != NULL ? c->client_ca_names
                                      : s->ctx->cfg.client_ca_names;
}

int SSL_CTX_add_client_CA(SSL_CTX *ctx, X509 *cacert)
{
    CTX_CFG(ctx, 0);
    return add1_name(&c->client_ca_names, cacert);
}

int SSL_add_client_CA(SSL *s, X509 *cacert)
{
    SSL_CFG(s, 0);
    return add1_name(&c->client_ca_names, cacert);
}

/* ---- Callbacks ---- */
void SSL_CTX_set_info_callback(SSL_CTX *ctx, ms_info_cb cb)
{
    CTX_CFG(ctx, );
    c->info_cb = cb;
}

ms_info_cb SSL_CTX_get_info_callback(SSL_CTX *ctx)
{
    CTX_CFG(ctx, NULL);
    return c->info_cb;
}

void SSL_set_info_callback(SSL *s, ms_info_cb cb)
{
    SSL_CFG(s, );
    c->info_cb = cb;
}

ms_info_cb SSL_get_info_callback(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->info_cb;
}

void SSL_CTX_set_msg_callback(SSL_CTX *ctx, ms_msg_cb cb)
{
    CTX_CFG(ctx, );
    c->msg_cb = cb;
}

void SSL_set_msg_callback(SSL *s, ms_msg_cb cb)
{
    SSL_CFG(s, );
    c->msg_cb = cb;
}

void SSL_CTX_set_default_passwd_cb(SSL_CTX *ctx, pem_password_cb *cb)
{
    CTX_CFG(ctx, );
    c->passwd_cb = cb;
}

void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *ctx, void *u)
{
    CTX_CFG(ctx, );
    c->passwd_userdata = u;
}

pem_password_cb *SSL_CTX_get_default_passwd_cb(SSL_CTX *ctx)
{
    CTX_CFG(ctx, NULL);
    return c->passwd_cb;
}

void *SSL_CTX_get_default_passwd_cb_userdata(SSL_CTX *ctx)
{
    CTX_CFG(ctx, NULL);
    return c->passwd_userdata;
}

void SSL_set_default_passwd_cb(SSL *s, pem_password_cb *cb)
{
    SSL_CFG(s, );
    c->passwd_cb = cb;
}

void SSL_set_default_passwd_cb_userdata(SSL *s, void *u)
{
    SSL_CFG(s, );
    c->passwd_userdata = u;
}

pem_password_cb *SSL_get_default_passwd_cb(SSL *s)
{
    SSL_CFG(s, NULL);
    return c->passwd_cb;
}

void *SSL_get_default_passwd_cb_userdata(SSL *s)
{
    SSL_CFG(s, NULL);
    return c->passwd_userdata;
}

int SSL_CTX_set_generate_session_id(SSL_CTX *ctx, GEN_SESSION_CB cb)
{
    CTX_CFG(ctx, 0);
    c->gen_session_id = cb;
    return 1;
}

int SSL_set_generate_session_id(SSL *s, GEN_SESSION_CB cb)
{
    SSL_CFG(s, 0);
    c->gen_session_id = cb;
    return 1;
}

/* ---- Session id context ---- */
static int set_sid_ctx(struct ms_cfg *c, const unsigned char *sid_ctx,
                       unsigned int len)
{
    if (len > SSL_MAX_SID_CTX_LENGTH) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
        return 0;
    }
    if (sid_ctx == NULL && len > 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (len > 0)
        memcpy(c->sid_ctx, sid_ctx, len);
    c->sid_ctx_len = len;
    return 1;
}

int SSL_CTX_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx,
                                   unsigned int sid_ctx_len)
{
    CTX_CFG(ctx, 0);
    return set_sid_ctx(c, sid_ctx, sid_ctx_len);
}

int SSL_set_session_id_context(SSL *s, const unsigned char *sid_ctx,
                               unsigned int sid_ctx_len)
{
    SSL_CFG(s, 0);
    return set_sid_ctx(c, sid_ctx, sid_ctx_len);
}

/* ---- Certificates and keys ---- */
static int use_cert(struct ms_cfg *c, X509 *x)
{
    if (x == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    ms_obj_check(&x->hdr, MINISSL_X509, "use_certificate");
    X509_up_ref(x);
    if (c->key != NULL && !ms_pkey_matches(x->pubkey, c->key)) {
        EVP_PKEY_free(c->key);          /* as OpenSSL: drop the old key */
        c->key = NULL;
    }
    X509_free(c->cert);
    c->cert = x;
    return 1;
}

static int use_key(struct ms_cfg *c, EVP_PKEY *pkey)
{
    if (pkey == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    ms_obj_check(&pkey->hdr, MINISSL_EVP_PKEY, "use_PrivateKey");
    if (pkey->type == EVP_PKEY_NONE) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNKNOWN_PKEY_TYPE);
        return 0;
    }
    if (c->cert != NULL && c->cert->pubkey != NULL
        && !X509_check_private_key(c->cert, pkey))
        return 0;
    EVP_PKEY_up_ref(pkey);
    EVP_PKEY_free(c->key);
    c->key = pkey;
    return 1;
}

static int check_key(const struct ms_cfg *c)
{
    if (c->cert == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CERTIFICATE_ASSIGNED);
        return 0;
    }
    if (c->key == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_PRIVATE_KEY_ASSIGNED);
        return 0;
    }
    return X509_check_private_key(c->cert, c->key);
}

int SSL_CTX_use_certificate(SSL_CTX *ctx, X509 *x)
{
    CTX_CFG(ctx, 0);
    return use_cert(c, x);
}

int SSL_use_certificate(SSL *s, X509 *x)
{
    SSL_CFG(s, 0);
    return use_cert(c, x);
}

int SSL_CTX_use_PrivateKey(SSL_CTX *ctx, EVP_PKEY *pkey)
{
    CTX_CFG(ctx, 0);
    return use_key(c, pkey);
}

int SSL_use_PrivateKey(SSL *s, EVP_PKEY *pkey)
{
    SSL_CFG(s, 0);
    return use_key(c, pkey);
}

int SSL_CTX_check_private_key(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, 0);
    return check_key(c);
}

int SSL_check_private_key(const SSL *s)
{
    SSL_CCFG(s, 0);
    return check_key(c);
}

X509 *SSL_CTX_get0_certificate(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->cert;
}

EVP_PKEY *SSL_CTX_get0_privatekey(const SSL_CTX *ctx)
{
    CTX_CCFG(ctx, NULL);
    return c->key;
}

X509 *SSL_get_certificate(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->cert;
}

EVP_PKEY *SSL_get_privatekey(const SSL *s)
{
    SSL_CCFG(s, NULL);
    return c->key;
}

/* set0 (|ref| 0) takes the caller's references, set1 its own. */
static long set_chain(struct ms_cfg *c, STACK_OF(X509) *sk, int ref)
{
    STACK_OF(X509) *n = NULL;

    if (sk != NULL) {
        if (ref) {
            if ((n = ms_chain_dup(sk)) == NULL)
                return 0;
        } else {
            n = sk;
        }
    }
    if (c->chain != n)
        sk_X509_pop_free(c->chain, X509_free);
    c->chain = n;
    return 1;
}

static long add_chain_cert(struct ms_cfg *c, X509 *x, int ref)
{
    int created = 0;

    if (x == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (c->chain == NULL) {
        if ((c->chain = sk_X509_new_null()) == NULL)
            return 0;
        created = 1;
    }
    if (sk_X509_push(c->chain, x) == 0) {
        if (created) {
            sk_X509_free(c->chain);
            c->chain = NULL;
        }
        return 0;
    }
    if (ref)
        X509_up_ref(x);
    return 1;
}

/* ---- tmp DH ---- */
int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX *ctx, EVP_PKEY *dhpkey)
{
    CTX_CFG(ctx, 0);
    EVP_PKEY_free(c->dh_tmp);
    c->dh_tmp = dhpkey;
    return 1;
}

int SSL_set0_tmp_dh_pkey(SSL *s, EVP_PKEY *dhpkey)
{
    SSL_CFG(s, 0);
    EVP_PKEY_free(c->dh_tmp);
    c->dh_tmp = dhpkey;
    return 1;
}

void SSL_CTX_set_tmp_dh_callback(SSL_CTX *ctx, ms_dh_cb dh)
{
    CTX_CFG(ctx, );
    c->dh_tmp_cb = dh;
}

void SSL_set_tmp_dh_callback(SSL *s, ms_dh_cb dh)
{
    SSL_CFG(s, );
    c->dh_tmp_cb = dh;
}

/* ---- sigalgs, client certificate types ---- */
static long set_sigalgs(uint16_t **slot, size_t *n, const char *str)
{
    uint16_t *v;
    size_t k;

    if (!ms_sigalgs_parse(str, &v, &k))
        return 0;
    ms_free(*slot);
    *slot = v;
    *n = k;
    return 1;
}

static long set_cert_types(struct ms_cfg *c, const unsigned char *types,
                           long len)
{
    unsigned char *v = NULL;

    if (len < 0 || len > 0xff || (types == NULL && len > 0)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return 0;
    }
    if (len > 0 && (v = ms_memdup(types, (size_t)len)) == NULL)
        return 0;
    ms_free(c->client_cert_types);
    c->client_cert_types = v;
    c->nclient_cert_types = (size_t)len;
    return 1;
}

/* ---- DANE ---- */
int SSL_CTX_dane_enable(SSL_CTX *ctx)
{
    CTX_CFG(ctx, 0);
    c->dane.ctx_enabled = 1;
    return 1;
}

unsigned long SSL_CTX_dane_set_flags(SSL_CTX *ctx, unsigned long flags)
{
    unsigned long old;

    CTX_CFG(ctx, 0);
    old = c->dane.flags;
    c->dane.flags |= flags;
    return old;
}

unsigned long SSL_CTX_dane_clear_flags(SSL_CTX *ctx, unsigned long flags)
{
    unsigned long old;

    CTX_CFG(ctx, 0);
    old = c->dane.flags;
    c->dane.flags &= ~flags;
    return old;
}

int SSL_dane_enable(SSL *s, const char *basedomain)
{
    char *b = NULL;

    SSL_CFG(s, 0);
    if (!s->ctx->cfg.dane.ctx_enabled) {
        ERR_raise(ERR_LIB_SSL, SSL_R_CONTEXT_NOT_DANE_ENABLED);
        return 0;
    }
    if (c->dane.enabled) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_ALREADY_ENABLED);
        return 0;
    }
    if (basedomain != NULL) {
        if ((b = ms_strdup(basedomain)) == NULL)
            return -1;
        if (!X509_VERIFY_PARAM_set1_host(c->param, basedomain, 0)) {
            ms_free(b);
            return -1;
        }
    }
    c->dane.basedomain = b;
    c->dane.enabled = 1;
    return 1;
}

int SSL_dane_tlsa_add(SSL *s, uint8_t usage, uint8_t selector, uint8_t mtype,
                      const unsigned char *data, size_t dlen)
{
    struct ms_tlsa *t;
    unsigned char *d;

    SSL_CFG(s, -1);
    if (!c->dane.enabled) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_NOT_ENABLED);
        return -1;
    }
    if (usage > 3) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_TLSA_BAD_CERTIFICATE_USAGE);
        return 0;
    }
    if (selector > 1) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_TLSA_BAD_SELECTOR);
        return 0;
    }
    if (mtype > 2) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_TLSA_BAD_MATCHING_TYPE);
        return 0;
    }
    if (data == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_TLSA_NULL_DATA);
        return 0;
    }
    if ((mtype == 1 && dlen != 32) || (mtype == 2 && dlen != 64)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_TLSA_BAD_DIGEST_LENGTH);
        return 0;
    }
    if (dlen == 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DANE_TLSA_BAD_DATA_LENGTH);
        return 0;
    }
    if ((d = ms_memdup(data, dlen)) == NULL)
        return -1;
    t = CRYPTO_realloc(c->dane.tlsa, (c->dane.ntlsa + 1) * sizeof(*t),
                       OPENSSL_FILE, OPENSSL_LINE);
    if (t == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        ms_free(d);
        return -1;
    }
    c->dane.tlsa = t;
    t[c->dane.ntlsa++] = (struct ms_tlsa){usage, selector, mtype, d, dlen};
    return 1;
}

unsigned long SSL_dane_set_flags(SSL *s, unsigned long flags)
{
    unsigned long old;

    SSL_CFG(s, 0);
    old = c->dane.flags;
    if (flags != 0)     /* with 0 a getter: reads only, like SSL_get_mode */
        c->dane.flags |= flags;
    return old;
}

unsigned long SSL_dane_clear_flags(SSL *s, unsigned long flags)
{
    unsigned long old;

    SSL_CFG(s, 0);
    old = c->dane.flags;
    if (flags != 0)     /* with 0 a getter (the copied check's): reads only */
        c->dane.flags &= ~flags;
    return old;
}

/* ---- serverinfo ---- */
static int serverinfo_valid(unsigned int version, const unsigned char *p,
                            size_t len)
{
    size_t hdr = version == SSL_SERVERINFOV2 ? 8 : 4;

    if (version != SSL_SERVERINFOV1 && version != SSL_SERVERINFOV2)
        return 0;
    while (len > 0) {
        size_t elen;

        if (len < hdr)
            return 0;
        elen = ((size_t)p[hdr - 2] << 8) | p[hdr - 1];
        if (len - hdr < elen)
            return 0;
        p += hdr + elen;
        len -= hdr + elen;
    }
    return 1;
}

static int use_serverinfo(struct ms_cfg *c, unsigned int version,
                          const unsigned char *si, size_t len)
{
    unsigned char *v;

    if (si == NULL || len == 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (!serverinfo_valid(version, si, len)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_SERVERINFO_DATA);
        return 0;
    }
    if ((v = ms_memdup(si, len)) == NULL)
        return 0;
    ms_free(c->serverinfo);
    c->serverinfo = v;
    c->serverinfo_len = len;
    return 1;
}

int SSL_CTX_use_serverinfo_ex(SSL_CTX *ctx, unsigned int version,
                              const unsigned char *serverinfo,
                              size_t serverinfo_length)
{
    CTX_CFG(ctx, 0);
    return use_serverinfo(c, version, serverinfo, serverinfo_length);
}

int SSL_CTX_use_serverinfo(SSL_CTX *ctx, const unsigned char *serverinfo,
                           size_t serverinfo_length)
{
    return SSL_CTX_use_serverinfo_ex(ctx, SSL_SERVERINFOV1, serverinfo,
                                     serverinfo_length);
}

int minissl_SSL_use_serverinfo(SSL *s, const unsigned char *serverinfo,
                               size_t serverinfo_length)
{
    SSL_CFG(s, 0);
    return use_serverinfo(c, SSL_SERVERINFOV1, serverinfo,
                          serverinfo_length);
}

/* ---- PSK identity hint ---- */
static int use_psk_hint(struct ms_cfg *c, const char *hint)
{
    char *v = NULL;

    if (hint != NULL && strlen(hint) > PSK_MAX_IDENTITY_LEN) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DATA_LENGTH_TOO_LONG);
        return 0;
    }
    if (hint != NULL && (v = ms_strdup(hint)) == NULL)
        return 0;
    ms_free(c->psk_hint);
    c->psk_hint = v;
    return 1;
}

int SSL_CTX_use_psk_identity_hint(SSL_CTX *ctx, const char *identity_hint)
{
    CTX_CFG(ctx, 0);
    return use_psk_hint(c, identity_hint);
}

int SSL_use_psk_identity_hint(SSL *s, const char *identity_hint)
{
    SSL_CFG(s, 0);
    return use_psk_hint(c, identity_hint);
}

/* ---- Custom extensions ---- */
int SSL_extension_supported(unsigned int ext_type)
{
    static const unsigned int builtin[] = {
        0, 5, 10, 11, 13, 16, 18, 21, 22, 23, 35, 41, 42, 43, 44, 45, 47,
        49, 50, 51, 65281,
    };
    size_t i;

    for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
        if (builtin[i] == ext_type)
            return 1;
    return 0;
}

static int add_custom_ext(struct ms_cfg *c, const struct ms_custom_ext *e)
{
    struct ms_custom_ext *v;
    size_t i;

    if (e->ext_type > 0xffff || (e->add_cb == NULL && e->free_cb != NULL)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
        return 0;
    }
    if (SSL_extension_supported(e->ext_type)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_CUSTOM_EXT_HANDLER_ALREADY_INSTALLED);
        return 0;
    }
    for (i = 0; i < c->nexts; i++)
        if (c->exts[i].ext_type == e->ext_type) {
            ERR_raise(ERR_LIB_SSL, SSL_R_CUSTOM_EXT_HANDLER_ALREADY_INSTALLED);
            return 0;
        }
    v = CRYPTO_realloc(c->exts, (c->nexts + 1) * sizeof(*v), OPENSSL_FILE,
                       OPENSSL_LINE);
    if (v == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    c->exts = v;
    v[c->nexts++] = *e;
    return 1;
}

int SSL_CTX_add_custom_ext(SSL_CTX *ctx, unsigned int ext_type,
                           unsigned int context,
                           SSL_custom_ext_add_cb_ex add_cb,
                           SSL_custom_ext_free_cb_ex free_cb, void *add_arg,
                           SSL_custom_ext_parse_cb_ex parse_cb,
                           void *parse_arg)
{
    struct ms_custom_ext e = {ext_type, context, add_cb, free_cb, add_arg,
                              parse_cb, parse_arg};

    CTX_CFG(ctx, 0);
    return add_custom_ext(c, &e);
}

int minissl_SSL_add_custom_ext(SSL *s, unsigned int ext_type,
                               unsigned int context,
                               SSL_custom_ext_add_cb_ex add_cb,
                               SSL_custom_ext_free_cb_ex free_cb,
                               void *add_arg,
                               SSL_custom_ext_parse_cb_ex parse_cb,
                               void *parse_arg)
{
    struct ms_custom_ext e = {ext_type, context, add_cb, free_cb, add_arg,
                              parse_cb, parse_arg};

    SSL_CFG(s, 0);
    return add_custom_ext(c, &e);
}

/* ---- ctrl ---- */
static int valid_version(long v)
{
    return v == 0 || (v >= SSL3_VERSION && v <= TLS1_3_VERSION);
}

long ms_cfg_ctrl(struct ms_cfg *c, int cmd, long larg, void *parg,
                 int *handled)
{
    long old;

    *handled = 1;
    switch (cmd) {
    case SSL_CTRL_MODE:
        /* SSL_get_mode is this with 0: a getter, which ssl.h 3 lets run
         * beside SSL_dup's copy, so it must not store. */
        if (larg != 0)
            c->mode |= (uint32_t)larg;
        return (long)c->mode;
    case SSL_CTRL_CLEAR_MODE:
        return (long)(c->mode &= ~(uint32_t)larg);
    case SSL_CTRL_GET_READ_AHEAD:
        return c->read_ahead;
    case SSL_CTRL_SET_READ_AHEAD:
        old = c->read_ahead;
        c->read_ahead = (int)larg;
        return old;
    case SSL_CTRL_GET_MAX_CERT_LIST:
        return c->max_cert_list;
    case SSL_CTRL_SET_MAX_CERT_LIST:
        if (larg < 0) {
            ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
            return 0;
        }
        old = c->max_cert_list;
        c->max_cert_list = larg;
        return old;
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
    case SSL_CTRL_SET_MAX_PROTO_VERSION:
        if (!valid_version(larg)) {
            ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_PROTOCOL_VERSION_NUMBER,
                           "version=0x%lx", larg);
            return 0;
        }
        if (cmd == SSL_CTRL_SET_MIN_PROTO_VERSION)
            c->min_proto = (int)larg;
        else
            c->max_proto = (int)larg;
        return 1;
    case SSL_CTRL_GET_MIN_PROTO_VERSION:
        return c->min_proto;
    case SSL_CTRL_GET_MAX_PROTO_VERSION:
        return c->max_proto;
    case SSL_CTRL_SET_MSG_CALLBACK_ARG:
        c->msg_cb_arg = parg;
        return 1;
    case SSL_CTRL_CHAIN:
        return set_chain(c, parg, larg != 0);
    case SSL_CTRL_CHAIN_CERT:
        return add_chain_cert(c, parg, larg != 0);
    case SSL_CTRL_EXTRA_CHAIN_CERT:
        return add_chain_cert(c, parg, 0);
    case SSL_CTRL_GET_CHAIN_CERTS:
    case SSL_CTRL_GET_EXTRA_CHAIN_CERTS:
        if (parg == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
            return 0;
        }
        *(STACK_OF(X509) **)parg = c->chain;
        return 1;
    case SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS:
        return set_chain(c, NULL, 0);
    case SSL_CTRL_SET_SIGALGS_LIST:
        return set_sigalgs(&c->sigalgs, &c->nsigalgs, parg);
    case SSL_CTRL_SET_CLIENT_SIGALGS_LIST:
        return set_sigalgs(&c->client_sigalgs, &c->nclient_sigalgs, parg);
    case SSL_CTRL_SET_CLIENT_CERT_TYPES:
        return set_cert_types(c, parg, larg);
    case SSL_CTRL_SET_DH_AUTO:
        c->dh_auto = (int)larg;
        return 1;
    default:
        *handled = 0;
        return 0;
    }
}
