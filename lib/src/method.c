/* SSL_METHOD: three static, immutable objects. */
#include "internal.h"

static const SSL_METHOD tls_method = {0, 1, 1, "TLS"};
static const SSL_METHOD tls_client_method = {0, 1, 0, "TLS client"};
static const SSL_METHOD tls_server_method = {0, 0, 1, "TLS server"};

const SSL_METHOD *TLS_method(void)
{
    return &tls_method;
}

const SSL_METHOD *TLS_client_method(void)
{
    return &tls_client_method;
}

const SSL_METHOD *TLS_server_method(void)
{
    return &tls_server_method;
}

const SSL_METHOD *SSL_CTX_get_ssl_method(const SSL_CTX *ctx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, NULL);
    return ctx->method;
}

const SSL_METHOD *SSL_get_ssl_method(const SSL *s)
{
    MS_CHECK(s, MINISSL_SSL, NULL);
    return s->method;
}

/* As OpenSSL: the role (s->server) is kept. */
int SSL_set_ssl_method(SSL *s, const SSL_METHOD *method)
{
    MS_CHECK(s, MINISSL_SSL, 0);
    if (method == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_METHOD_PASSED);
        return 0;
    }
    s->method = method;
    return 1;
}
