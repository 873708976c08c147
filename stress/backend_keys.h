/* The key objects under an EVP_PKEY (backend_keys.c): RSA, DH and EC_KEY,
 * for the scenario statements `rsa`, `dh`, `ec_key` and `pkey KEY`, and the
 * EC test key of a library without EVP_PKEY_Q_keygen.
 *
 * OpenSSL 3 deprecates these objects (backend_keys.c alone is compiled
 * with OPENSSL_SUPPRESS_DEPRECATED), BoringSSL keeps them, minissl has
 * none: there (ST_HAVE_KEY_OBJECTS 0, backend_caps.h) every function fails
 * (NULL, 0) and a scenario that names a key object is skipped before it
 * runs, so none is called.  DH inside an EVP_PKEY is ST_HAVE_PKEY_DH.
 *
 * |t| is ST_TY_RSA, ST_TY_DH or ST_TY_EC_KEY; the objects are RSA *, DH *,
 * EC_KEY * as void *.  The library's own rules apply to concurrent calls
 * (the scenario is the experiment); these keep no state of their own. */
#ifndef ST_BACKEND_KEYS_H
#define ST_BACKEND_KEYS_H

#include <stdbool.h>

#include "scenario.h"

/* A new, empty key object of type |t| (one reference; an EC_KEY on
 * P-256 with no key yet: making a key is not what the scenarios race), or
 * NULL with the library's reason. */
void *st_bk_new(enum st_type t);
/* The key object of type |t| under EVP_PKEY |pkey|, with one more
 * reference (EVP_PKEY_get1_RSA, _DH, _EC_KEY), or NULL: |pkey| holds
 * another type. */
void *st_bk_get1(enum st_type t, void *pkey);
/* A new EVP_PKEY holding |key| (EVP_PKEY_set1_*: it takes its own
 * reference; the caller's is untouched), or NULL. */
void *st_bk_pkey_of(enum st_type t, void *key);
int st_bk_up_ref(enum st_type t, void *key);     /* 1, or 0 on failure */
void st_bk_free(enum st_type t, void *key);      /* accepts NULL */
/* `tmp_dh_cb=on|off` on SSL |ssl| or, NULL, SSL_CTX |ctx|: the harness's
 * tmp_dh callback or none (SSL_(CTX_)set_tmp_dh_callback, deprecated in
 * OpenSSL 3.0, whose header this file alone may use).  1, or -1 where the
 * library has no tmp_dh (BoringSSL). */
int st_bk_set_tmp_dh_cb(void *ssl, void *ctx, bool on);
/* A new P-256 key by EC_KEY_generate_key, as an EVP_PKEY: the harness's
 * test key where EVP_PKEY_Q_keygen is missing (BoringSSL). */
void *st_bk_ec_test_key(void);

#endif
