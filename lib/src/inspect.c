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

EVP_PKEY *minissl_SSL_get0_tmp_dh_pkey(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.dh_tmp;
}

ms_dh_cb minissl_SSL_get_tmp_dh_callback(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.dh_tmp_cb;
}

int minissl_SSL_get_dh_auto(const SSL *s)
{
    GET(s, 0);
    return s->cfg.dh_auto;
}

size_t minissl_SSL_get0_sigalgs(const SSL *s, const uint16_t **out)
{
    GET(s, 0);
    if (out != NULL)
        *out = s->cfg.sigalgs;
    return s->cfg.nsigalgs;
}

size_t minissl_SSL_get0_client_sigalgs(const SSL *s, const uint16_t **out)
{
    GET(s, 0);
    if (out != NULL)
        *out = s->cfg.client_sigalgs;
    return s->cfg.nclient_sigalgs;
}

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

unsigned long minissl_SSL_get_dane_flags(const SSL *s)
{
    GET(s, 0);
    return s->cfg.dane.flags;
}

ms_msg_cb minissl_SSL_get_msg_callback(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.msg_cb;
}

void *minissl_SSL_get_msg_callback_arg(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.msg_cb_arg;
}

GEN_SESSION_CB minissl_SSL_get_generate_session_id(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.gen_session_id;
}

size_t minissl_SSL_get0_serverinfo(const SSL *s, const unsigned char **out)
{
    GET(s, 0);
    if (out != NULL)
        *out = s->cfg.serverinfo;
    return s->cfg.serverinfo_len;
}

const char *minissl_SSL_get0_psk_identity_hint(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.psk_hint;
}

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

int minissl_SSL_get_custom_ext(const SSL *s, size_t i, unsigned int *ext_type,
                               unsigned int *context,
                               SSL_custom_ext_add_cb_ex *add_cb,
                               SSL_custom_ext_free_cb_ex *free_cb,
                               void **add_arg,
                               SSL_custom_ext_parse_cb_ex *parse_cb,
                               void **parse_arg)
{
    const struct ms_custom_ext *e;

    GET(s, 0);
    if (i >= s->cfg.nexts)
        return 0;
    e = &s->cfg.exts[i];
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

size_t minissl_SSL_get0_client_cert_types(const SSL *s,
                                          const unsigned char **out)
{
    GET(s, 0);
    if (out != NULL)
        *out = s->cfg.client_cert_types;
    return s->cfg.nclient_cert_types;
}

STACK_OF(X509_NAME) *minissl_SSL_get0_own_client_CA_list(const SSL *s)
{
    GET(s, NULL);
    return s->cfg.client_ca_names;
}

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
