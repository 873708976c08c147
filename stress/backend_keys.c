/* The key objects under an EVP_PKEY.  See backend_keys.h.
 *
 * Each call is one library call (or two, for a new EVP_PKEY holding a
 * key); nothing here is shared between threads but what the scenario
 * passes in. */
#define OPENSSL_SUPPRESS_DEPRECATED     /* OpenSSL 3: RSA, DH, EC_KEY */

#include "backend_keys.h"

#include <stddef.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "backend_caps.h"

#if ST_HAVE_KEY_OBJECTS
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#endif

void *st_bk_new(enum st_type t)
{
    (void)t;
    return ST_PICK(KEY_OBJECTS,
                   t == ST_TY_RSA ? (void *)RSA_new()
                   : t == ST_TY_DH ? (void *)DH_new()
                   : (void *)EC_KEY_new_by_curve_name(NID_X9_62_prime256v1),
                   NULL);
}

void *st_bk_get1(enum st_type t, void *pkey)
{
    (void)t; (void)pkey;
    return ST_PICK(KEY_OBJECTS,
                   t == ST_TY_RSA ? (void *)EVP_PKEY_get1_RSA(pkey)
                   : t == ST_TY_DH ? ST_PICK(PKEY_DH,
                                             (void *)EVP_PKEY_get1_DH(pkey),
                                             NULL)
                   : (void *)EVP_PKEY_get1_EC_KEY(pkey),
                   NULL);
}

void *st_bk_pkey_of(enum st_type t, void *key)
{
    EVP_PKEY *k = EVP_PKEY_new();
    int ok = 0;

    (void)t; (void)key;
    if (k == NULL)
        return NULL;
    ok = ST_PICK(KEY_OBJECTS,
                 t == ST_TY_RSA ? EVP_PKEY_set1_RSA(k, key)
                 : t == ST_TY_DH ? ST_PICK(PKEY_DH, EVP_PKEY_set1_DH(k, key), 0)
                 : EVP_PKEY_set1_EC_KEY(k, key),
                 0);
    if (!ok) {
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

int st_bk_up_ref(enum st_type t, void *key)
{
    (void)t; (void)key;
    return ST_PICK(KEY_OBJECTS,
                   t == ST_TY_RSA ? RSA_up_ref(key)
                   : t == ST_TY_DH ? DH_up_ref(key) : EC_KEY_up_ref(key),
                   0);
}

void st_bk_free(enum st_type t, void *key)
{
    (void)t; (void)key;
    ST_PICK(KEY_OBJECTS,
            if (t == ST_TY_RSA)
                RSA_free(key);
            else if (t == ST_TY_DH)
                DH_free(key);
            else
                EC_KEY_free(key);, )
}

void *st_bk_ec_test_key(void)
{
    ST_PICK(KEY_OBJECTS,
            EC_KEY *ec = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
            EVP_PKEY *k = EVP_PKEY_new();

            if (ec == NULL || k == NULL || !EC_KEY_generate_key(ec) ||
                !EVP_PKEY_assign_EC_KEY(k, ec)) {
                EC_KEY_free(ec);
                EVP_PKEY_free(k);
                return NULL;
            }
            return k;,
            return NULL;)
}

/* `tmp_dh_cb=on`: the harness's tmp_dh callback, which is never called
 * (no scenario handshakes with DHE) and would give no parameters. */
#if ST_HAVE_TMP_DH
static DH *cb_tmp_dh(SSL *s, int is_export, int keylength)
{
    (void)s; (void)is_export; (void)keylength;
    return NULL;
}
#endif

int st_bk_set_tmp_dh_cb(void *ssl, void *ctx, bool on)
{
    (void)ssl; (void)ctx; (void)on;
    ST_PICK(TMP_DH,
            if (ssl != NULL)
                SSL_set_tmp_dh_callback(ssl, on ? cb_tmp_dh : NULL);
            else
                SSL_CTX_set_tmp_dh_callback(ctx, on ? cb_tmp_dh : NULL);
            return 1;,
            return -1;)
}
