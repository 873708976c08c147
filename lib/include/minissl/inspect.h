/* <minissl/inspect.h>: what only minissl offers.  Never part of OpenSSL's
 * API; a program that includes this header builds only against minissl.
 *
 *  - live object counts per type and the live-allocation count, for leak
 *    checks (a test's teardown asserts both are zero);
 *  - an object's reference count, id and validity;
 *  - the quarantine of freed SSL, SSL_CTX and SSL_SESSION objects: a freed
 *    object is poisoned and held in a bounded FIFO (MINISSL_QUARANTINE
 *    objects) before its memory is released, so a use after free, an
 *    up_ref after free or a double free of a recently freed object is
 *    reported deterministically ("minissl: double free of SSL #17 ...")
 *    and aborts, instead of corrupting memory (MINISSL_QUARANTINE=0 in
 *    the environment at start-up turns it off, so that AddressSanitizer
 *    sees the raw use after free instead);
 *  - the immutability check of sessions: a session is sealed when it
 *    becomes shared (count 1 -> 2) and SSL_SESSION_free aborts with
 *    "minissl: write to a shared SSL_SESSION #3" when a field changed
 *    meanwhile (MINISSL_SEAL=0 in the environment at start-up turns it
 *    off, so that a race detector reports instead);
 *  - allocation-failure injection: fail the k-th allocation from now;
 *  - getters for settings OpenSSL has no public getter for, and setters
 *    for the ones OpenSSL sets on an SSL_CTX only, so that tests can
 *    observe every item SSL_new inherits and SSL_dup copies;
 *  - a way to make an SSL count as "not in its initial state" for SSL_dup
 *    without running a handshake.
 *
 * Everything here is thread-safe in the sense of the ssl.h contract:
 * counts are snapshots (relaxed atomics) that order nothing; the
 * getters on one SSL follow the getter rules of ssl.h. */
#ifndef MINISSL_INSPECT_H
#define MINISSL_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

enum minissl_type {
    MINISSL_SSL_CTX = 0,
    MINISSL_SSL,
    MINISSL_SSL_SESSION,
    MINISSL_X509,
    MINISSL_X509_NAME,
    MINISSL_EVP_PKEY,
    MINISSL_X509_VERIFY_PARAM,
    MINISSL_BIO,
    MINISSL_TYPE_COUNT
};

#define MINISSL_QUARANTINE 64

/* ---- Accounting ---- */
/* Objects of |type| created and not yet destroyed (quarantined objects are
 * destroyed).  -1 for an unknown type. */
long minissl_live_objects(enum minissl_type type);
/* All types together. */
long minissl_live_objects_total(void);
/* "SSL", "SSL_CTX", ... */
const char *minissl_type_name(enum minissl_type type);
/* Blocks from CRYPTO_malloc & co not yet released, including the ones the
 * quarantine holds; call minissl_quarantine_flush first for a leak check. */
long minissl_live_allocations(void);
/* Releases every quarantined block; returns how many. */
size_t minissl_quarantine_flush(void);
size_t minissl_quarantine_count(void);

/* ---- Objects.  |obj| is any minissl object pointer (SSL *, SSL_CTX *,
 * SSL_SESSION *, X509 *, X509_NAME *, EVP_PKEY *, X509_VERIFY_PARAM *),
 * live or in quarantine. ---- */
/* The reference count (0 for a quarantined object; 1 for types that are
 * not reference counted), -1 for NULL. */
int minissl_refcount(const void *obj);
/* The per-type serial number ("SSL #17" has id 17), 0 for NULL. */
unsigned long minissl_object_id(const void *obj);
/* 1 if |obj| is a live minissl object of |type|, 0 if not (NULL, another
 * type, or freed and still in quarantine). */
int minissl_object_valid(const void *obj, enum minissl_type type);

/* ---- Misuse diagnoses (refcount.c).  A misuse aborts; these let a
 * SIGABRT handler (the harness) report what was diagnosed. ---- */
unsigned long minissl_misuse_count(void);
/* The last diagnosis line ("double free of SSL #17 (free with count 0)"),
 * or "" if none. */
const char *minissl_last_misuse(void);

/* ---- Allocation-failure injection ---- */
/* The |k|th allocation from now (k >= 1) fails as if memory ran out;
 * later ones succeed again.  k == 0 disarms. */
void minissl_fail_allocation(unsigned long k);
/* 1 while an armed failure has not happened yet. */
int minissl_fail_allocation_pending(void);
/* Allocations made since the process started (a counter for sweeps). */
unsigned long minissl_allocation_count(void);

/* ---- SSL_dup's state predicate ---- */
/* |on| 1: SSL_dup treats |s| as past its initial state (same handle, one
 * more reference) whatever its handshake state; 0: back to the real
 * predicate.  1, or 0 for NULL. */
int minissl_SSL_force_not_initial(SSL *s, int on);
/* 1 if SSL_dup would copy |s| now (locks |s| to decide). */
int minissl_SSL_in_initial_state(SSL *s);

/* ---- Getters for what OpenSSL has no public getter for.  Pointers are
 * borrowed; sizes are counts of elements. ---- */
size_t minissl_SSL_get0_session_id_context(const SSL *s,
                                           const unsigned char **out);
size_t minissl_SSL_CTX_get0_session_id_context(const SSL_CTX *ctx,
                                               const unsigned char **out);
EVP_PKEY *minissl_SSL_get0_tmp_dh_pkey(const SSL *s);
DH *(*minissl_SSL_get_tmp_dh_callback(const SSL *s))(SSL *ssl, int is_export,
                                                     int keylength);
int minissl_SSL_get_dh_auto(const SSL *s);
/* TLS SignatureScheme code points (0x0403 ecdsa_secp256r1_sha256 ...). */
size_t minissl_SSL_get0_sigalgs(const SSL *s, const uint16_t **out);
size_t minissl_SSL_get0_client_sigalgs(const SSL *s, const uint16_t **out);
int minissl_SSL_dane_enabled(const SSL *s);
const char *minissl_SSL_get0_dane_basedomain(const SSL *s);
size_t minissl_SSL_dane_tlsa_count(const SSL *s);
/* The |i|th TLSA record SSL_dane_tlsa_add gave |s| (i < the count), every
 * field as it was added (|*data| borrowed, |*dlen| bytes); 1, or 0 past
 * the end (nothing written).  NULL out pointers are skipped.  (OpenSSL's
 * SSL_get0_dane_tlsa gives only the record that matched a handshake.) */
int minissl_SSL_get0_dane_tlsa(const SSL *s, size_t i, uint8_t *usage,
                               uint8_t *selector, uint8_t *mtype,
                               const unsigned char **data, size_t *dlen);
unsigned long minissl_SSL_get_dane_flags(const SSL *s);
void (*minissl_SSL_get_msg_callback(const SSL *s))(int write_p, int version,
                                                   int content_type,
                                                   const void *buf,
                                                   size_t len, SSL *ssl,
                                                   void *arg);
void *minissl_SSL_get_msg_callback_arg(const SSL *s);
GEN_SESSION_CB minissl_SSL_get_generate_session_id(const SSL *s);
size_t minissl_SSL_get0_serverinfo(const SSL *s, const unsigned char **out);
const char *minissl_SSL_get0_psk_identity_hint(const SSL *s);
size_t minissl_SSL_custom_ext_count(const SSL *s);
/* The |i|th custom extension handler of |s| (i < the count), every field
 * as it was added; 1, or 0 past the end (nothing written).  NULL out
 * pointers are skipped. */
int minissl_SSL_get_custom_ext(const SSL *s, size_t i, unsigned int *ext_type,
                               unsigned int *context,
                               SSL_custom_ext_add_cb_ex *add_cb,
                               SSL_custom_ext_free_cb_ex *free_cb,
                               void **add_arg,
                               SSL_custom_ext_parse_cb_ex *parse_cb,
                               void **parse_arg);
/* 1 if |s| has a handler for |ext_type|, with its add_arg in |*add_arg|. */
int minissl_SSL_has_custom_ext(const SSL *s, unsigned int ext_type,
                               void **add_arg);
size_t minissl_SSL_get0_client_cert_types(const SSL *s,
                                          const unsigned char **out);
/* The own list, even on a client (SSL_get_client_CA_list gives the
 * peer's there). */
STACK_OF(X509_NAME) *minissl_SSL_get0_own_client_CA_list(const SSL *s);
/* The same of an SSL_CTX's settings, which SSL_new gives an SSL: the
 * getters above of an SSL_CTX (`inherited` compares the two), and its
 * cipher list as SSL_get_cipher_list names an SSL's (OpenSSL has
 * SSL_CTX_get_ciphers, which minissl lacks). */
EVP_PKEY *minissl_SSL_CTX_get0_tmp_dh_pkey(const SSL_CTX *ctx);
DH *(*minissl_SSL_CTX_get_tmp_dh_callback(const SSL_CTX *ctx))(SSL *ssl,
                                                               int is_export,
                                                               int keylength);
int minissl_SSL_CTX_get_dh_auto(const SSL_CTX *ctx);
size_t minissl_SSL_CTX_get0_sigalgs(const SSL_CTX *ctx, const uint16_t **out);
size_t minissl_SSL_CTX_get0_client_sigalgs(const SSL_CTX *ctx,
                                           const uint16_t **out);
void (*minissl_SSL_CTX_get_msg_callback(const SSL_CTX *ctx))(
    int write_p, int version, int content_type, const void *buf, size_t len,
    SSL *ssl, void *arg);
void *minissl_SSL_CTX_get_msg_callback_arg(const SSL_CTX *ctx);
GEN_SESSION_CB minissl_SSL_CTX_get_generate_session_id(const SSL_CTX *ctx);
size_t minissl_SSL_CTX_get0_serverinfo(const SSL_CTX *ctx,
                                       const unsigned char **out);
const char *minissl_SSL_CTX_get0_psk_identity_hint(const SSL_CTX *ctx);
int minissl_SSL_CTX_get_custom_ext(const SSL_CTX *ctx, size_t i,
                                   unsigned int *ext_type,
                                   unsigned int *context,
                                   SSL_custom_ext_add_cb_ex *add_cb,
                                   SSL_custom_ext_free_cb_ex *free_cb,
                                   void **add_arg,
                                   SSL_custom_ext_parse_cb_ex *parse_cb,
                                   void **parse_arg);
size_t minissl_SSL_CTX_get0_client_cert_types(const SSL_CTX *ctx,
                                              const unsigned char **out);
STACK_OF(X509_NAME) *minissl_SSL_CTX_get0_own_client_CA_list(
    const SSL_CTX *ctx);
const char *minissl_SSL_get_cipher_list(const SSL *s, int n);
const char *minissl_SSL_CTX_get_cipher_list(const SSL_CTX *ctx, int n);
/* The own chain (borrowed). */
STACK_OF(X509) *minissl_SSL_get0_chain(const SSL *s);
/* 1 once SSL_set_connect_state / SSL_set_accept_state (or SSL_connect /
 * SSL_accept) chose the role, as OpenSSL's handshake function being set;
 * 0 before (SSL_do_handshake then fails: connection type not set). */
int minissl_SSL_role_chosen(const SSL *s);
/* The purpose and trust of a parameter set (OpenSSL 3.0 has no getter);
 * 0: unset. */
int minissl_X509_VERIFY_PARAM_get_purpose(const X509_VERIFY_PARAM *param);
int minissl_X509_VERIFY_PARAM_get_trust(const X509_VERIFY_PARAM *param);

/* ---- Setters for settings OpenSSL sets on an SSL_CTX only (same
 * contracts as the SSL_CTX_ versions), so tests can change an SSL's. ---- */
int minissl_SSL_use_serverinfo(SSL *s, const unsigned char *serverinfo,
                               size_t serverinfo_length);
int minissl_SSL_add_custom_ext(SSL *s, unsigned int ext_type,
                               unsigned int context,
                               SSL_custom_ext_add_cb_ex add_cb,
                               SSL_custom_ext_free_cb_ex free_cb,
                               void *add_arg,
                               SSL_custom_ext_parse_cb_ex parse_cb,
                               void *parse_arg);

#endif
