/* <openssl/evp.h>: minissl's key stand-in and the digests X509_sign names.
 *
 * An EVP_PKEY here is a key type, a size and random identity bytes: enough
 * to tell keys apart and to pair a certificate with its key, no crypto.
 * Reference counted (atomic); immutable once made. */
#ifndef OPENSSL_EVP_H
#define OPENSSL_EVP_H

#include <stddef.h>
#include <string.h>

#include <openssl/types.h>

#define NID_undef 0
#define NID_rsaEncryption 6
#define NID_X9_62_id_ecPublicKey 408
#define NID_X25519 1034
#define NID_ED25519 1087
#define NID_sha1 64
#define NID_sha256 672
#define NID_sha384 673
#define NID_sha512 674

#define EVP_PKEY_NONE NID_undef
#define EVP_PKEY_RSA NID_rsaEncryption
#define EVP_PKEY_EC NID_X9_62_id_ecPublicKey
#define EVP_PKEY_X25519 NID_X25519
#define EVP_PKEY_ED25519 NID_ED25519

EVP_PKEY *EVP_PKEY_new(void);
int EVP_PKEY_up_ref(EVP_PKEY *pkey);     /* 1 */
void EVP_PKEY_free(EVP_PKEY *pkey);      /* accepts NULL */
int EVP_PKEY_get_id(const EVP_PKEY *pkey);
int EVP_PKEY_get_bits(const EVP_PKEY *pkey);
int EVP_PKEY_get_security_bits(const EVP_PKEY *pkey);
#define EVP_PKEY_id EVP_PKEY_get_id
#define EVP_PKEY_bits EVP_PKEY_get_bits
#define EVP_PKEY_security_bits EVP_PKEY_get_security_bits
/* 1 when |a| and |b| are the same key, 0 when not. */
int EVP_PKEY_eq(const EVP_PKEY *a, const EVP_PKEY *b);

/* A new key: |type| "RSA" (then a size_t bit count, 512..16384), "EC"
 * (then the curve name: "P-256", "P-384", "P-521", "prime256v1",
 * "secp384r1", "secp521r1"), "X25519" or "ED25519" (nothing more).
 * NULL with a reason for anything else.  |libctx| and |propq| are
 * ignored. */
EVP_PKEY *EVP_PKEY_Q_keygen(OSSL_LIB_CTX *libctx, const char *propq,
                            const char *type, ...);
#define EVP_RSA_gen(bits) \
    EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)(0 + (bits)))
#define EVP_EC_gen(curve) \
    EVP_PKEY_Q_keygen(NULL, NULL, "EC", (char *)(strstr(curve, "")))

const EVP_MD *EVP_sha1(void);
const EVP_MD *EVP_sha256(void);
const EVP_MD *EVP_sha384(void);
const EVP_MD *EVP_sha512(void);
int EVP_MD_get_size(const EVP_MD *md);
int EVP_MD_get_type(const EVP_MD *md);
#define EVP_MD_size EVP_MD_get_size
#define EVP_MD_type EVP_MD_get_type

#define EVP_R_UNSUPPORTED_KEY_SIZE 108
#define EVP_R_INVALID_KEY_LENGTH 130
#define EVP_R_UNSUPPORTED_ALGORITHM 156
#define EVP_R_INVALID_KEY 163
#define EVP_R_UNKNOWN_OPTION 169
#define EVP_R_UNSUPPORTED_KEY_TYPE 224

#endif
