/* minissl/inspect.h getters for the settings OpenSSL has no public getter
 * for.  Getter rules of ssl.h; pointers are borrowed. */
#include "internal.h"

typedef DH *(*ms_dh_cb)(SSL *ssl, int is_export, int keylength);
typedef void (*ms_msg_cb)(int write_p, int version, int content_type,
                          const void *buf, size_t len, SSL *ssl, void *arg);

#define GET(s, fail) MS_CHECK(s, MINISSL_SSL, fail)

size_t minissl_SSL_get0_session_id_context(const SSL *s,
                                           const unsigned char **out)
{
    GET(s, 0);
    if (out != NULL)
        *out = s->cfg.sid_ctx;
    return s->cfg.sid_ctx_len;
}

size_t minissl_SSL_CTX_get0_session_id_context(const SSL_CTX *ctx,
                                               const unsigned char **out)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    if (out != NULL)
        *out = ctx->cfg.sid_ctx;
    return ctx->cfg.sid_ctx_len;
}

/* The getters below read one setting of an ms_cfg, which an SSL and an
 * SSL_CTX both hold: BOTH(RET, NAME, FAIL, ARGS, CALLARGS) defines
 * minissl_SSL_NAME and minissl_SSL_CTX_NAME over cfg_NAME(cfg, ARGS). */
#define BOTH(ret, name, fail, params, args)                                  \
    ret minissl_SSL_##name(const SSL *s params)                              \
    {                                                                        \
        GET(s, fail);                                                        \
        return cfg_##name(&s->cfg args);                                     \
    }                                                                        \
    ret minissl_SSL_CTX_##name(const SSL_CTX *ctx params)                    \
    {                                                                        \
        MS_CHECK(ctx, MINISSL_SSL_CTX, fail);                                \
        return cfg_##name(&ctx->cfg args);                                   \
    }
#define NOARGS
#define OUT(type) , type out
#define OUTARG , out
/* A getter of one field, and of an array and its count. */
#define FIELD(ret, name, fail, field)                                        \
    static ret cfg_##name(const struct ms_cfg *c)                            \
    {                                                                        \
        return c->field;                                                     \
    }                                                                        \
    BOTH(ret, name, fail, NOARGS, NOARGS)
#define ARRAY(name, type, field, count)                                      \
    static size_t cfg_##name(const struct ms_cfg *c, type out)               \
    {                                                                        \
        if (out != NULL)                                                     \
            *out = c->field;                                                 \
        return c->count;                                                     \
    }                                                                        \
    BOTH(size_t, name, 0, OUT(type), OUTARG)

FIELD(EVP_PKEY *, get0_tmp_dh_pkey, NULL, dh_tmp)

FIELD(ms_dh_cb, get_tmp_dh_callback, NULL, dh_tmp_cb)

FIELD(int, get_dh_auto, 0, dh_auto)

ARRAY(get0_sigalgs, const uint16_t **, sigalgs, nsigalgs)

ARRAY(get0_client_sigalgs, const uint16_t **, client_sigalgs,
      nclient_sigalgs)

int minissl_SSL_dane_enabled(const SSL *s)
{
    GET(s, 0);
    return s->cfg.dane.enabled;
}

const char *minissl_SSL_get0_dane_basedomain(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.dane.basedomain;
}

size_t minissl_SSL_dane_tlsa_count(const SSL *s)
{
    GET(s, 0);
    return s->cfg.dane.ntlsa;
}

int minissl_SSL_get0_dane_tlsa(const SSL *s, size_t i, uint8_t *usage,
                               uint8_t *selector, uint8_t *mtype,
                               const unsigned char **data, size_t *dlen)
{
    const struct ms_tlsa *t;

    GET(s, 0);
    if (i >= s->cfg.dane.ntlsa)
        return 0;
    t = &s->cfg.dane.tlsa[i];
    if (usage != NULL)
        *usage = t->usage;
    if (selector != NULL)
        *selector = t->selector;
    if (mtype != NULL)
        *mtype = t->mtype;
    if (data != NULL)
        *data = t->data;
    if (dlen != NULL)
        *dlen = t->dlen;
    return 1;
}

unsigned long minissl_SSL_get_dane_flags(const SSL *s)
{
    GET(s, 0);
    return s->cfg.dane.flags;
}

FIELD(ms_msg_cb, get_msg_callback, NULL, msg_cb)

FIELD(void *, get_msg_callback_arg, NULL, msg_cb_arg)

FIELD(GEN_SESSION_CB, get_generate_session_id, NULL, gen_session_id)

ARRAY(get0_serverinfo, const unsigned char **, serverinfo, serverinfo_len)

FIELD(const char *, get0_psk_identity_hint, NULL, psk_hint)

static const char *cfg_get_cipher_list(const struct ms_cfg *c, int n)
{
    return ms_cfg_cipher_name(c, n);
}
BOTH(const char *, get_cipher_list, NULL, OUT(int), OUTARG)

size_t minissl_SSL_custom_ext_count(const SSL *s)
{
    GET(s, 0);
    return s->cfg.nexts;
}

int minissl_SSL_has_custom_ext(const SSL *s, unsigned int ext_type,
                               void **add_arg)
{
    size_t i;

    GET(s, 0);
    for (i = 0; i < s->cfg.nexts; i++)
        if (s->cfg.exts[i].ext_type == ext_type) {
            if (add_arg != NULL)
                *add_arg = s->cfg.exts[i].add_arg;
            return 1;
        }
    return 0;
}

static int cfg_get_custom_ext(const struct ms_cfg *c, size_t i,
                              unsigned int *ext_type, unsigned int *context,
                              SSL_custom_ext_add_cb_ex *add_cb,
                              SSL_custom_ext_free_cb_ex *free_cb,
                              void **add_arg,
                              SSL_custom_ext_parse_cb_ex *parse_cb,
                              void **parse_arg)
{
    const struct ms_custom_ext *e;

    if (i >= c->nexts)
        return 0;
    e = &c->exts[i];
    if (ext_type != NULL)
        *ext_type = e->ext_type;
    if (context != NULL)
        *context = e->context;
    if (add_cb != NULL)
        *add_cb = e->add_cb;
    if (free_cb != NULL)
        *free_cb = e->free_cb;
    if (add_arg != NULL)
        *add_arg = e->add_arg;
    if (parse_cb != NULL)
        *parse_cb = e->parse_cb;
    if (parse_arg != NULL)
        *parse_arg = e->parse_arg;
    return 1;
}
#define EXT_PARAMS                                                           \
    , size_t i, unsigned int *ext_type, unsigned int *context,               \
    SSL_custom_ext_add_cb_ex *add_cb, SSL_custom_ext_free_cb_ex *free_cb,    \
    void **add_arg, SSL_custom_ext_parse_cb_ex *parse_cb, void **parse_arg
#define EXT_ARGS                                                             \
    , i, ext_type, context, add_cb, free_cb, add_arg, parse_cb, parse_arg
BOTH(int, get_custom_ext, 0, EXT_PARAMS, EXT_ARGS)

ARRAY(get0_client_cert_types, const unsigned char **, client_cert_types,
      nclient_cert_types)

FIELD(STACK_OF(X509_NAME) *, get0_own_client_CA_list, NULL,
      client_ca_names)

STACK_OF(X509) *minissl_SSL_get0_chain(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.chain;
}

int minissl_SSL_role_chosen(const SSL *s)
{
    GET(s, 0);
    return s->role_set;
}
