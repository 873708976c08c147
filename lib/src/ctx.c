/* SSL_CTX: creation, reference counting, destruction.
 *
 * An SSL_CTX is destroyed when its count reaches 0; every SSL holds one
 * reference (SSL_new takes it, the SSL's destructor drops it), so the
 * SSL_CTX outlives its SSLs.  Counting: refcount.h. */
#include <pthread.h>

#include "internal.h"

static void ctx_destroy(SSL_CTX *ctx)
{
    ms_ex_free(CRYPTO_EX_INDEX_SSL_CTX, ctx, &ctx->ex_data);
    ms_cache_cleanup(ctx);
    ms_cfg_cleanup(&ctx->cfg);
    pthread_mutex_destroy(&ctx->lock);
    ms_obj_retire(ctx, sizeof(*ctx));
}

SSL_CTX *SSL_CTX_new_ex(OSSL_LIB_CTX *libctx, const char *propq,
                        const SSL_METHOD *meth)
{
    SSL_CTX *ctx;

    (void)libctx;
    (void)propq;
    if (meth == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_METHOD_PASSED);
        return NULL;
    }
    if ((ctx = ms_obj_new(MINISSL_SSL_CTX, sizeof(*ctx))) == NULL)
        return NULL;
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->method = meth;
    if (!ms_cfg_init(&ctx->cfg)
        || !ms_ex_new(CRYPTO_EX_INDEX_SSL_CTX, ctx, &ctx->ex_data)
        || !ms_cache_init(ctx)) {
        ctx_destroy(ctx);
        return NULL;
    }
    return ctx;
}

SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth)
{
    return SSL_CTX_new_ex(NULL, NULL, meth);
}

int SSL_CTX_up_ref(SSL_CTX *ctx)
{
    if (ctx == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    ms_obj_check_ref(&ctx->hdr, MINISSL_SSL_CTX, "SSL_CTX_up_ref");
    return ms_ref_up(&ctx->hdr.refs, "SSL_CTX", ctx->hdr.id);
}

void SSL_CTX_free(SSL_CTX *ctx)
{
    if (ctx == NULL)
        return;
    ms_obj_check_ref(&ctx->hdr, MINISSL_SSL_CTX, "SSL_CTX_free");
    if (ms_ref_down(&ctx->hdr.refs, "SSL_CTX", ctx->hdr.id) > 0)
        return;
    ctx_destroy(ctx);
}

long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg)
{
    int handled;
    long r;

    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    r = ms_cfg_ctrl(&ctx->cfg, cmd, larg, parg, &handled);
    if (handled)
        return r;
    if (cmd == SSL_CTRL_GET_CLIENT_CERT_TYPES)
        return 0;
    ERR_raise_data(ERR_LIB_SSL, SSL_R_INVALID_COMMAND, "cmd=%d", cmd);
    return 0;
}

int SSL_CTX_set_ex_data(SSL_CTX *ctx, int idx, void *data)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, 0);
    return CRYPTO_set_ex_data(&ctx->ex_data, idx, data);
}

void *SSL_CTX_get_ex_data(const SSL_CTX *ctx, int idx)
{
    MS_CHECK(ctx, MINISSL_SSL_CTX, NULL);
    return CRYPTO_get_ex_data(&ctx->ex_data, idx);
}
