/* <openssl/ssl.h>: minissl, a reference implementation of OpenSSL's
 * SSL-object API for a subset, with OpenSSL 3's names, signatures and
 * constants: a program written against this subset compiles unchanged
 * against minissl (-Ilib/include ... -lminissl) and against OpenSSL.
 * This file holds the objects and their settings; the connection half
 * (handshake, BIOs, session cache) is <openssl/ssl_conn.h>, included at
 * the end.  minissl-only introspection is <minissl/inspect.h>.
 *
 * Ownership: get0 borrows; get1/new/dup give the caller a reference it
 * must free; set0 takes the caller's reference; set1 takes its own.
 * Failure: int functions return 0 (or the documented value), pointer
 * functions NULL, with a reason on this thread's error stack
 * (ERR_get_error).  A NULL object where OpenSSL would crash gets
 * ERR_R_PASSED_NULL_PARAMETER and the failure value.  A call on an object
 * that was already freed, while it is still in minissl's quarantine, is
 * diagnosed ("minissl: double free of SSL #17 ...") and aborts.
 *
 * THREAD-SAFETY CONTRACT
 *   1. SSL_up_ref, SSL_free and SSL_dup may be called at the same time on
 *      one SSL from threads that each hold a reference to it.  The last
 *      SSL_free destroys it, exactly once.
 *   2. SSL_dup may also race the owner's SSL_connect/SSL_accept/
 *      SSL_do_handshake: it decides "initial state or not" and copies
 *      under the SSL's lock, the lock the handshake takes around every
 *      state change, so no state change falls between the decision and
 *      the copy (what it returns: SSL_dup below).  SSL_get1_session
 *      takes its reference under the same lock, so it may race the
 *      owner's handshake too (it returns the session from before or
 *      after the handshake replaced it).  (OpenSSL promises neither.)
 *   3. Everything else on one SSL (setters, getters that race setters,
 *      SSL_set_session, handshake and I/O calls) needs one thread at a
 *      time.  Getters alone may run concurrently with each other and
 *      with SSL_up_ref/SSL_free/SSL_dup.
 *   4. SSL_CTX_up_ref/SSL_CTX_free and SSL_new on one SSL_CTX may run from
 *      any number of threads; an SSL holds a reference on its SSL_CTX, so
 *      the SSL_CTX outlives its SSLs.  SSL_CTX setters need one thread at
 *      a time and must not race SSL_new on that SSL_CTX.
 *   5. SSL_SESSION, X509 and EVP_PKEY counts are atomic: up_ref/free from
 *      any thread that holds a reference.  A session (certificate, key) is
 *      immutable once shared; set its fields before handing it out.
 *   6. The error stack is per thread.  ex_data index registration and
 *      the memory functions are thread-safe (<openssl/crypto.h> says how),
 *      and so is minissl/inspect.h.
 */
#ifndef OPENSSL_SSL_H
#define OPENSSL_SSL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/safestack.h>
#include <openssl/err.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/pem.h>
#include <openssl/ssl3.h>
#include <openssl/tls1.h>
#include <openssl/sslerr.h>

typedef struct dh_st DH;

#define SSL_MAX_SSL_SESSION_ID_LENGTH 32
#define SSL_MAX_SID_CTX_LENGTH 32
#define SSL_MAX_MASTER_KEY_LENGTH 48
#define SSL_MAX_CERT_LIST_DEFAULT (1024 * 100)
#define PSK_MAX_IDENTITY_LEN 256
#define PSK_MAX_PSK_LEN 512

#define SSL_FILETYPE_ASN1 X509_FILETYPE_ASN1
#define SSL_FILETYPE_PEM X509_FILETYPE_PEM

/* Options (OpenSSL 3: 64 bits). */
#define SSL_OP_BIT(n) ((uint64_t)1 << (uint64_t)n)
#define SSL_OP_NO_EXTENDED_MASTER_SECRET SSL_OP_BIT(0)
#define SSL_OP_CLEANSE_PLAINTEXT SSL_OP_BIT(1)
#define SSL_OP_LEGACY_SERVER_CONNECT SSL_OP_BIT(2)
#define SSL_OP_ENABLE_KTLS SSL_OP_BIT(3)
#define SSL_OP_TLSEXT_PADDING SSL_OP_BIT(4)
#define SSL_OP_SAFARI_ECDHE_ECDSA_BUG SSL_OP_BIT(6)
#define SSL_OP_IGNORE_UNEXPECTED_EOF SSL_OP_BIT(7)
#define SSL_OP_ALLOW_CLIENT_RENEGOTIATION SSL_OP_BIT(8)
#define SSL_OP_DISABLE_TLSEXT_CA_NAMES SSL_OP_BIT(9)
#define SSL_OP_ALLOW_NO_DHE_KEX SSL_OP_BIT(10)
#define SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS SSL_OP_BIT(11)
#define SSL_OP_NO_QUERY_MTU SSL_OP_BIT(12)
#define SSL_OP_COOKIE_EXCHANGE SSL_OP_BIT(13)
#define SSL_OP_NO_TICKET SSL_OP_BIT(14)
#define SSL_OP_CISCO_ANYCONNECT SSL_OP_BIT(15)
#define SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION SSL_OP_BIT(16)
#define SSL_OP_NO_COMPRESSION SSL_OP_BIT(17)
#define SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION SSL_OP_BIT(18)
#define SSL_OP_NO_ENCRYPT_THEN_MAC SSL_OP_BIT(19)
#define SSL_OP_ENABLE_MIDDLEBOX_COMPAT SSL_OP_BIT(20)
#define SSL_OP_PRIORITIZE_CHACHA SSL_OP_BIT(21)
#define SSL_OP_CIPHER_SERVER_PREFERENCE SSL_OP_BIT(22)
#define SSL_OP_TLS_ROLLBACK_BUG SSL_OP_BIT(23)
#define SSL_OP_NO_ANTI_REPLAY SSL_OP_BIT(24)
#define SSL_OP_NO_SSLv3 SSL_OP_BIT(25)
#define SSL_OP_NO_TLSv1 SSL_OP_BIT(26)
#define SSL_OP_NO_TLSv1_2 SSL_OP_BIT(27)
#define SSL_OP_NO_TLSv1_1 SSL_OP_BIT(28)
#define SSL_OP_NO_TLSv1_3 SSL_OP_BIT(29)
#define SSL_OP_NO_DTLSv1 SSL_OP_BIT(26)
#define SSL_OP_NO_DTLSv1_2 SSL_OP_BIT(27)
#define SSL_OP_NO_RENEGOTIATION SSL_OP_BIT(30)
#define SSL_OP_CRYPTOPRO_TLSEXT_BUG SSL_OP_BIT(31)
#define SSL_OP_NO_SSL_MASK                                               \
    (SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 |              \
     SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3)
#define SSL_OP_ALL                                                       \
    (SSL_OP_CRYPTOPRO_TLSEXT_BUG | SSL_OP_TLSEXT_PADDING |                \
     SSL_OP_SAFARI_ECDHE_ECDSA_BUG)
#define SSL_OP_NO_SSLv2 0x0

/* Modes. */
#define SSL_MODE_ENABLE_PARTIAL_WRITE 0x00000001U
#define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER 0x00000002U
#define SSL_MODE_AUTO_RETRY 0x00000004U
#define SSL_MODE_NO_AUTO_CHAIN 0x00000008U
#define SSL_MODE_RELEASE_BUFFERS 0x00000010U
#define SSL_MODE_SEND_CLIENTHELLO_TIME 0x00000020U
#define SSL_MODE_SEND_SERVERHELLO_TIME 0x00000040U
#define SSL_MODE_SEND_FALLBACK_SCSV 0x00000080U
#define SSL_MODE_ASYNC 0x00000100U

/* Verify modes. */
#define SSL_VERIFY_NONE 0x00
#define SSL_VERIFY_PEER 0x01
#define SSL_VERIFY_FAIL_IF_NO_PEER_CERT 0x02
#define SSL_VERIFY_CLIENT_ONCE 0x04
#define SSL_VERIFY_POST_HANDSHAKE 0x08

/* Custom extension contexts. */
#define SSL_EXT_TLS_ONLY 0x0001
#define SSL_EXT_DTLS_ONLY 0x0002
#define SSL_EXT_TLS_IMPLEMENTATION_ONLY 0x0004
#define SSL_EXT_SSL3_ALLOWED 0x0008
#define SSL_EXT_TLS1_2_AND_BELOW_ONLY 0x0010
#define SSL_EXT_TLS1_3_ONLY 0x0020
#define SSL_EXT_IGNORE_ON_RESUMPTION 0x0040
#define SSL_EXT_CLIENT_HELLO 0x0080
#define SSL_EXT_TLS1_2_SERVER_HELLO 0x0100
#define SSL_EXT_TLS1_3_SERVER_HELLO 0x0200
#define SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS 0x0400
#define SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST 0x0800
#define SSL_EXT_TLS1_3_CERTIFICATE 0x1000
#define SSL_EXT_TLS1_3_NEW_SESSION_TICKET 0x2000
#define SSL_EXT_TLS1_3_CERTIFICATE_REQUEST 0x4000

#define SSL_SERVERINFOV1 1
#define SSL_SERVERINFOV2 2

/* SSL_ctrl / SSL_CTX_ctrl commands (OpenSSL's numbers).  The connection
 * half handles the session-cache ones (ssl_conn.h). */
#define SSL_CTRL_SET_TMP_DH 3
#define SSL_CTRL_SET_TMP_DH_CB 6
#define SSL_CTRL_EXTRA_CHAIN_CERT 14
#define SSL_CTRL_SET_MSG_CALLBACK 15
#define SSL_CTRL_SET_MSG_CALLBACK_ARG 16
#define SSL_CTRL_MODE 33
#define SSL_CTRL_GET_READ_AHEAD 40
#define SSL_CTRL_SET_READ_AHEAD 41
#define SSL_CTRL_GET_MAX_CERT_LIST 50
#define SSL_CTRL_SET_MAX_CERT_LIST 51
#define SSL_CTRL_CLEAR_MODE 78
#define SSL_CTRL_GET_EXTRA_CHAIN_CERTS 82
#define SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS 83
#define SSL_CTRL_CHAIN 88
#define SSL_CTRL_CHAIN_CERT 89
#define SSL_CTRL_SET_SIGALGS_LIST 98
#define SSL_CTRL_SET_CLIENT_SIGALGS_LIST 102
#define SSL_CTRL_GET_CLIENT_CERT_TYPES 103
#define SSL_CTRL_SET_CLIENT_CERT_TYPES 104
#define SSL_CTRL_GET_CHAIN_CERTS 115
#define SSL_CTRL_SET_DH_AUTO 118
#define SSL_CTRL_SET_MIN_PROTO_VERSION 123
#define SSL_CTRL_SET_MAX_PROTO_VERSION 124
#define SSL_CTRL_GET_MIN_PROTO_VERSION 130
#define SSL_CTRL_GET_MAX_PROTO_VERSION 131

/* Callback types. */
typedef int (*SSL_verify_cb)(int preverify_ok, X509_STORE_CTX *x509_ctx);
typedef int (*GEN_SESSION_CB)(SSL *ssl, unsigned char *id,
                              unsigned int *id_len);
typedef int (*SSL_custom_ext_add_cb_ex)(SSL *s, unsigned int ext_type,
                                        unsigned int context,
                                        const unsigned char **out,
                                        size_t *outlen, X509 *x,
                                        size_t chainidx, int *al,
                                        void *add_arg);
typedef void (*SSL_custom_ext_free_cb_ex)(SSL *s, unsigned int ext_type,
                                          unsigned int context,
                                          const unsigned char *out,
                                          void *add_arg);
typedef int (*SSL_custom_ext_parse_cb_ex)(SSL *s, unsigned int ext_type,
                                          unsigned int context,
                                          const unsigned char *in,
                                          size_t inlen, X509 *x,
                                          size_t chainidx, int *al,
                                          void *parse_arg);

/* ---- Library initialisation: nothing to do; these succeed. ---- */
#define OPENSSL_INIT_LOAD_SSL_STRINGS 0x00200000L
#define OPENSSL_INIT_SSL_DEFAULT 0x00200000L
int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
#define SSL_library_init() OPENSSL_init_ssl(0, NULL)
#define SSL_load_error_strings() ((void)0)
#define OpenSSL_add_ssl_algorithms() SSL_library_init()
#define SSLeay_add_ssl_algorithms() SSL_library_init()

/* ---- Methods: static objects, never freed. ---- */
const SSL_METHOD *TLS_method(void);
const SSL_METHOD *TLS_server_method(void);
const SSL_METHOD *TLS_client_method(void);
#define SSLv23_method TLS_method
#define SSLv23_server_method TLS_server_method
#define SSLv23_client_method TLS_client_method
const SSL_METHOD *SSL_CTX_get_ssl_method(const SSL_CTX *ctx);
const SSL_METHOD *SSL_get_ssl_method(const SSL *s);
/* 1, or 0 with a reason.  Sets the role as SSL_new does. */
int SSL_set_ssl_method(SSL *s, const SSL_METHOD *method);

/* ---- SSL_CTX ---- */
/* A new SSL_CTX (one reference) with OpenSSL 3's defaults; NULL with a
 * reason (NULL method: SSL_R_NULL_SSL_METHOD_PASSED; no memory). */
SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth);
SSL_CTX *SSL_CTX_new_ex(OSSL_LIB_CTX *libctx, const char *propq,
                        const SSL_METHOD *meth);
int SSL_CTX_up_ref(SSL_CTX *ctx);      /* 1, or 0 for NULL */
/* Drops one reference; destroys at the last one.  An SSL_CTX lives as
 * long as any SSL made from it.  Accepts NULL. */
void SSL_CTX_free(SSL_CTX *ctx);
long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg);

/* ---- SSL ---- */
/* A new SSL (one reference) holding a reference on |ctx| and inheriting
 * its settings: method, options, mode, verify mode/callback/depth and
 * verify param, min/max protocol, cipher lists, certificate/key/chain,
 * session id context, CA lists, callbacks, security level and callback,
 * read_ahead, max cert list, PSK hint, client certificate types, tmp_dh,
 * sigalgs, DANE, serverinfo, custom extensions.  Independent of |ctx|
 * afterwards.  NULL with a reason (NULL ctx: SSL_R_NULL_SSL_CTX). */
SSL *SSL_new(SSL_CTX *ctx);
/* 1, or 0 for NULL.  See the contract above. */
int SSL_up_ref(SSL *s);
/* Drops one reference; the last one destroys the SSL and drops its
 * SSL_CTX reference.  Accepts NULL. */
void SSL_free(SSL *s);
/* Copy |s| if it is still in its initial state (SSL_in_init and
 * SSL_in_before), else share it.  Returns a new SSL (one reference) from
 * the same SSL_CTX with the manual page's settings duplicated (session
 * and session id context, tmp_dh, certificates/keys/chains, sigalgs and
 * client sigalgs, DANE, options, mode, min/max protocol, verify
 * mode/callback/depth/param, msg and info callbacks, default password
 * callback and userdata, session id generation callback, cipher lists,
 * accept/connect state, max cert list, read_ahead, ex_data through the
 * registered dup callbacks, CA and client CA lists, security level and
 * callback, serverinfo, PSK identity hint, custom extensions, client
 * certificate types), independent of |s| afterwards, sharing only
 * immutable objects (the session, X509, EVP_PKEY) by reference count; or
 * |s| with one more reference.  NULL on failure: reason on the error
 * stack, |s| untouched.  May race SSL_up_ref/SSL_free/SSL_dup and the
 * owner's handshake on |s|; never returns a torn copy. */
SSL *SSL_dup(SSL *s);
long SSL_ctrl(SSL *s, int cmd, long larg, void *parg);
SSL_CTX *SSL_get_SSL_CTX(const SSL *s);                 /* borrowed */
/* 1 for a server (accept) SSL, 0 for a client. */
int SSL_is_server(const SSL *s);

/* ---- Options and mode ---- */
/* set/clear return the new options; get the current ones (0 for NULL). */
uint64_t SSL_CTX_get_options(const SSL_CTX *ctx);
uint64_t SSL_get_options(const SSL *s);
uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op);
uint64_t SSL_clear_options(SSL *s, uint64_t op);
uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op);
uint64_t SSL_set_options(SSL *s, uint64_t op);
#define SSL_CTX_set_mode(ctx, op) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, (op), NULL)
#define SSL_CTX_clear_mode(ctx, op) \
    SSL_CTX_ctrl((ctx), SSL_CTRL_CLEAR_MODE, (op), NULL)
#define SSL_CTX_get_mode(ctx) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, 0, NULL)
#define SSL_set_mode(ssl, op) SSL_ctrl((ssl), SSL_CTRL_MODE, (op), NULL)
#define SSL_clear_mode(ssl, op) SSL_ctrl((ssl), SSL_CTRL_CLEAR_MODE, (op), NULL)
#define SSL_get_mode(ssl) SSL_ctrl((ssl), SSL_CTRL_MODE, 0, NULL)

/* ---- Verification ---- */
void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb callback);
void SSL_set_verify(SSL *s, int mode, SSL_verify_cb callback);
void SSL_CTX_set_verify_depth(SSL_CTX *ctx, int depth);
void SSL_set_verify_depth(SSL *s, int depth);
int SSL_CTX_get_verify_mode(const SSL_CTX *ctx);
int SSL_get_verify_mode(const SSL *s);
int SSL_CTX_get_verify_depth(const SSL_CTX *ctx);    /* -1: unset */
int SSL_get_verify_depth(const SSL *s);
SSL_verify_cb SSL_CTX_get_verify_callback(const SSL_CTX *ctx);
SSL_verify_cb SSL_get_verify_callback(const SSL *s);
/* The object's own parameters (borrowed, mutable). */
X509_VERIFY_PARAM *SSL_CTX_get0_param(SSL_CTX *ctx);
X509_VERIFY_PARAM *SSL_get0_param(SSL *ssl);
int SSL_CTX_set1_param(SSL_CTX *ctx, X509_VERIFY_PARAM *vpm);
int SSL_set1_param(SSL *ssl, X509_VERIFY_PARAM *vpm);
int SSL_set1_host(SSL *s, const char *hostname);
int SSL_add1_host(SSL *s, const char *hostname);
void SSL_set_hostflags(SSL *s, unsigned int flags);

/* ---- Protocol versions: 0 means no bound; 1, or 0 for a bad version. */
#define SSL_CTX_set_min_proto_version(ctx, version) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
#define SSL_CTX_set_max_proto_version(ctx, version) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
#define SSL_CTX_get_min_proto_version(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
#define SSL_CTX_get_max_proto_version(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)
#define SSL_set_min_proto_version(s, version) \
    SSL_ctrl(s, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
#define SSL_set_max_proto_version(s, version) \
    SSL_ctrl(s, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
#define SSL_get_min_proto_version(s) \
    SSL_ctrl(s, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
#define SSL_get_max_proto_version(s) \
    SSL_ctrl(s, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)

/* ---- Ciphers.  OpenSSL's names: the TLS 1.3 suites (set_ciphersuites)
 * TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
 * TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_CCM_SHA256,
 * TLS_AES_128_CCM_8_SHA256; the TLS 1.2 ciphers (set_cipher_list)
 * ECDHE-{ECDSA,RSA}-AES{128-GCM-SHA256,256-GCM-SHA384},
 * ECDHE-{ECDSA,RSA}-CHACHA20-POLY1305, AES128-GCM-SHA256,
 * AES256-GCM-SHA384, AES128-SHA, AES256-SHA; and DEFAULT / ALL.
 * Unlike OpenSSL, any unknown name fails the whole call (1, or 0 with
 * SSL_R_NO_CIPHER_MATCH and the old list kept). */
int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str);
int SSL_set_cipher_list(SSL *s, const char *str);
int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str);
int SSL_set_ciphersuites(SSL *s, const char *str);
/* The name of the |n|th cipher the SSL would offer (TLS 1.3 suites
 * first), NULL past the end. */
const char *SSL_get_cipher_list(const SSL *s, int n);

/* ---- Limits and flags ---- */
#define SSL_CTX_get_max_cert_list(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_CERT_LIST, 0, NULL)
#define SSL_CTX_set_max_cert_list(ctx, m) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_CERT_LIST, m, NULL)
#define SSL_get_max_cert_list(ssl) \
    SSL_ctrl(ssl, SSL_CTRL_GET_MAX_CERT_LIST, 0, NULL)
#define SSL_set_max_cert_list(ssl, m) \
    SSL_ctrl(ssl, SSL_CTRL_SET_MAX_CERT_LIST, m, NULL)
#define SSL_CTX_get_read_ahead(ctx) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_READ_AHEAD, 0, NULL)
#define SSL_CTX_set_read_ahead(ctx, m) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, m, NULL)
void SSL_set_read_ahead(SSL *s, int yes);
int SSL_get_read_ahead(const SSL *s);
void SSL_CTX_set_security_level(SSL_CTX *ctx, int level);
int SSL_CTX_get_security_level(const SSL_CTX *ctx);
void SSL_set_security_level(SSL *s, int level);
int SSL_get_security_level(const SSL *s);
void SSL_CTX_set_security_callback(SSL_CTX *ctx,
                                   int (*cb)(const SSL *s, const SSL_CTX *ctx,
                                             int op, int bits, int nid,
                                             void *other, void *ex));
int (*SSL_CTX_get_security_callback(const SSL_CTX *ctx))(const SSL *s,
                                                         const SSL_CTX *ctx,
                                                         int op, int bits,
                                                         int nid, void *other,
                                                         void *ex);
void SSL_set_security_callback(SSL *s,
                               int (*cb)(const SSL *s, const SSL_CTX *ctx,
                                         int op, int bits, int nid,
                                         void *other, void *ex));
int (*SSL_get_security_callback(const SSL *s))(const SSL *s,
                                               const SSL_CTX *ctx, int op,
                                               int bits, int nid, void *other,
                                               void *ex);
void SSL_CTX_set0_security_ex_data(SSL_CTX *ctx, void *ex);
void *SSL_CTX_get0_security_ex_data(const SSL_CTX *ctx);
void SSL_set0_security_ex_data(SSL *s, void *ex);
void *SSL_get0_security_ex_data(const SSL *s);

/* ---- ex_data and application data (index 0) ---- */
#define SSL_get_ex_new_index(l, p, newf, dupf, freef) \
    CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, l, p, newf, dupf, freef)
#define SSL_CTX_get_ex_new_index(l, p, newf, dupf, freef) \
    CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, l, p, newf, dupf, freef)
#define SSL_SESSION_get_ex_new_index(l, p, newf, dupf, freef) \
    CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_SESSION, l, p, newf, dupf, freef)
int SSL_set_ex_data(SSL *ssl, int idx, void *data);
void *SSL_get_ex_data(const SSL *ssl, int idx);
int SSL_CTX_set_ex_data(SSL_CTX *ctx, int idx, void *data);
void *SSL_CTX_get_ex_data(const SSL_CTX *ctx, int idx);
int SSL_SESSION_set_ex_data(SSL_SESSION *ss, int idx, void *data);
void *SSL_SESSION_get_ex_data(const SSL_SESSION *ss, int idx);
#define SSL_set_app_data(s, arg) (SSL_set_ex_data(s, 0, (char *)(arg)))
#define SSL_get_app_data(s) (SSL_get_ex_data(s, 0))
#define SSL_CTX_set_app_data(ctx, arg) (SSL_CTX_set_ex_data(ctx, 0, (char *)(arg)))
#define SSL_CTX_get_app_data(ctx) (SSL_CTX_get_ex_data(ctx, 0))
#define SSL_SESSION_set_app_data(s, a) (SSL_SESSION_set_ex_data(s, 0, (char *)(a)))
#define SSL_SESSION_get_app_data(s) (SSL_SESSION_get_ex_data(s, 0))

/* ---- CA lists.  set0 takes ownership of |list| (NULL clears).  get0 /
 * get return the object's own list (an SSL without one: its SSL_CTX's);
 * SSL_get_client_CA_list on a client returns the list the server sent. */
void SSL_CTX_set0_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) *name_list);
void SSL_set0_CA_list(SSL *s, STACK_OF(X509_NAME) *name_list);
const STACK_OF(X509_NAME) *SSL_CTX_get0_CA_list(const SSL_CTX *ctx);
const STACK_OF(X509_NAME) *SSL_get0_CA_list(const SSL *s);
int SSL_CTX_add1_to_CA_list(SSL_CTX *ctx, const X509 *x);
int SSL_add1_to_CA_list(SSL *ssl, const X509 *x);
void SSL_CTX_set_client_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) *name_list);
void SSL_set_client_CA_list(SSL *s, STACK_OF(X509_NAME) *name_list);
STACK_OF(X509_NAME) *SSL_CTX_get_client_CA_list(const SSL_CTX *ctx);
STACK_OF(X509_NAME) *SSL_get_client_CA_list(const SSL *s);
int SSL_CTX_add_client_CA(SSL_CTX *ctx, X509 *cacert);
int SSL_add_client_CA(SSL *ssl, X509 *cacert);

/* ---- Callbacks ---- */
void SSL_CTX_set_info_callback(SSL_CTX *ctx,
                               void (*cb)(const SSL *ssl, int type, int val));
void (*SSL_CTX_get_info_callback(SSL_CTX *ctx))(const SSL *ssl, int type,
                                                int val);
void SSL_set_info_callback(SSL *ssl,
                           void (*cb)(const SSL *ssl, int type, int val));
void (*SSL_get_info_callback(const SSL *ssl))(const SSL *ssl, int type,
                                              int val);
void SSL_CTX_set_msg_callback(SSL_CTX *ctx,
                              void (*cb)(int write_p, int version,
                                         int content_type, const void *buf,
                                         size_t len, SSL *ssl, void *arg));
void SSL_set_msg_callback(SSL *ssl,
                          void (*cb)(int write_p, int version,
                                     int content_type, const void *buf,
                                     size_t len, SSL *ssl, void *arg));
#define SSL_CTX_set_msg_callback_arg(ctx, arg) \
    SSL_CTX_ctrl((ctx), SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, (arg))
#define SSL_set_msg_callback_arg(ssl, arg) \
    SSL_ctrl((ssl), SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, (arg))
void SSL_CTX_set_default_passwd_cb(SSL_CTX *ctx, pem_password_cb *cb);
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *ctx, void *u);
pem_password_cb *SSL_CTX_get_default_passwd_cb(SSL_CTX *ctx);
void *SSL_CTX_get_default_passwd_cb_userdata(SSL_CTX *ctx);
void SSL_set_default_passwd_cb(SSL *s, pem_password_cb *cb);
void SSL_set_default_passwd_cb_userdata(SSL *s, void *u);
pem_password_cb *SSL_get_default_passwd_cb(SSL *s);
void *SSL_get_default_passwd_cb_userdata(SSL *s);
int SSL_CTX_set_generate_session_id(SSL_CTX *ctx, GEN_SESSION_CB cb);
int SSL_set_generate_session_id(SSL *s, GEN_SESSION_CB cb);

/* ---- Session id context: at most SSL_MAX_SID_CTX_LENGTH bytes; 1, or
 * 0 with SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG. */
int SSL_CTX_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx,
                                   unsigned int sid_ctx_len);
int SSL_set_session_id_context(SSL *ssl, const unsigned char *sid_ctx,
                               unsigned int sid_ctx_len);

/* ---- Certificates and keys.  use_*: takes its own reference; a key
 * that does not match the certificate fails (X509_R_KEY_VALUES_MISMATCH);
 * a certificate that does not match the key drops the key. */
int SSL_CTX_use_certificate(SSL_CTX *ctx, X509 *x);
int SSL_CTX_use_PrivateKey(SSL_CTX *ctx, EVP_PKEY *pkey);
int SSL_use_certificate(SSL *ssl, X509 *x);
int SSL_use_PrivateKey(SSL *ssl, EVP_PKEY *pkey);
int SSL_CTX_check_private_key(const SSL_CTX *ctx);
int SSL_check_private_key(const SSL *ssl);
X509 *SSL_CTX_get0_certificate(const SSL_CTX *ctx);      /* borrowed */
EVP_PKEY *SSL_CTX_get0_privatekey(const SSL_CTX *ctx);   /* borrowed */
X509 *SSL_get_certificate(const SSL *ssl);               /* borrowed */
EVP_PKEY *SSL_get_privatekey(const SSL *ssl);            /* borrowed */
#define SSL_CTX_set0_chain(ctx, sk) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN, 0, (char *)(sk))
#define SSL_CTX_set1_chain(ctx, sk) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN, 1, (char *)(sk))
#define SSL_CTX_add0_chain_cert(ctx, x509) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, (char *)(x509))
#define SSL_CTX_add1_chain_cert(ctx, x509) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, (char *)(x509))
#define SSL_CTX_get0_chain_certs(ctx, px509) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_GET_CHAIN_CERTS, 0, px509)
#define SSL_CTX_clear_chain_certs(ctx) SSL_CTX_set0_chain(ctx, NULL)
#define SSL_CTX_add_extra_chain_cert(ctx, x509) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_EXTRA_CHAIN_CERT, 0, (char *)(x509))
#define SSL_set0_chain(s, sk) SSL_ctrl(s, SSL_CTRL_CHAIN, 0, (char *)(sk))
#define SSL_set1_chain(s, sk) SSL_ctrl(s, SSL_CTRL_CHAIN, 1, (char *)(sk))
#define SSL_add0_chain_cert(s, x509) \
    SSL_ctrl(s, SSL_CTRL_CHAIN_CERT, 0, (char *)(x509))
#define SSL_add1_chain_cert(s, x509) \
    SSL_ctrl(s, SSL_CTRL_CHAIN_CERT, 1, (char *)(x509))
#define SSL_get0_chain_certs(s, px509) \
    SSL_ctrl(s, SSL_CTRL_GET_CHAIN_CERTS, 0, px509)
#define SSL_clear_chain_certs(s) SSL_set0_chain(s, NULL)

/* ---- Temporary DH ---- */
int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX *ctx, EVP_PKEY *dhpkey);
int SSL_set0_tmp_dh_pkey(SSL *s, EVP_PKEY *dhpkey);
void SSL_CTX_set_tmp_dh_callback(SSL_CTX *ctx,
                                 DH *(*dh)(SSL *ssl, int is_export,
                                           int keylength));
void SSL_set_tmp_dh_callback(SSL *ssl,
                             DH *(*dh)(SSL *ssl, int is_export,
                                       int keylength));
#define SSL_CTX_set_dh_auto(ctx, onoff) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_DH_AUTO, onoff, NULL)
#define SSL_set_dh_auto(s, onoff) SSL_ctrl(s, SSL_CTRL_SET_DH_AUTO, onoff, NULL)

/* ---- Signature algorithms: "ECDSA+SHA256:RSA-PSS+SHA256:ed25519" or
 * TLS 1.3 names ("rsa_pss_rsae_sha256"); 1, or 0 with SSL_R_BAD_VALUE. */
#define SSL_CTX_set1_sigalgs_list(ctx, s) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SIGALGS_LIST, 0, (char *)(s))
#define SSL_set1_sigalgs_list(s, str) \
    SSL_ctrl(s, SSL_CTRL_SET_SIGALGS_LIST, 0, (char *)(str))
#define SSL_CTX_set1_client_sigalgs_list(ctx, s) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CLIENT_SIGALGS_LIST, 0, (char *)(s))
#define SSL_set1_client_sigalgs_list(s, str) \
    SSL_ctrl(s, SSL_CTRL_SET_CLIENT_SIGALGS_LIST, 0, (char *)(str))

/* ---- Client certificate types (set1 copies the list). ---- */
#define SSL_CTX_set1_client_certificate_types(ctx, clist, clistlen) \
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CLIENT_CERT_TYPES, clistlen, (char *)(clist))
#define SSL_set1_client_certificate_types(s, clist, clistlen) \
    SSL_ctrl(s, SSL_CTRL_SET_CLIENT_CERT_TYPES, clistlen, (char *)(clist))
/* A client's view of the types the server requested (0: none yet). */
#define SSL_get0_certificate_types(s, clist) \
    SSL_ctrl(s, SSL_CTRL_GET_CLIENT_CERT_TYPES, 0, (char *)(clist))

/* ---- DANE ---- */
int SSL_CTX_dane_enable(SSL_CTX *ctx);
unsigned long SSL_CTX_dane_set_flags(SSL_CTX *ctx, unsigned long flags);
unsigned long SSL_CTX_dane_clear_flags(SSL_CTX *ctx, unsigned long flags);
/* 1, or 0/-1 with a reason (SSL_CTX not DANE-enabled, already enabled). */
int SSL_dane_enable(SSL *s, const char *basedomain);
/* 1 for a usable record, 0 for an unusable one, -1 when DANE is not
 * enabled; a reason in both failure cases. */
int SSL_dane_tlsa_add(SSL *s, uint8_t usage, uint8_t selector, uint8_t mtype,
                      const unsigned char *data, size_t dlen);
unsigned long SSL_dane_set_flags(SSL *ssl, unsigned long flags);
unsigned long SSL_dane_clear_flags(SSL *ssl, unsigned long flags);

/* ---- serverinfo (SSL_SERVERINFOV1: 2-byte type, 2-byte length, data,
 * repeated), PSK identity hint, custom extensions ---- */
int SSL_CTX_use_serverinfo(SSL_CTX *ctx, const unsigned char *serverinfo,
                           size_t serverinfo_length);
int SSL_CTX_use_serverinfo_ex(SSL_CTX *ctx, unsigned int version,
                              const unsigned char *serverinfo,
                              size_t serverinfo_length);
/* NULL clears; longer than PSK_MAX_IDENTITY_LEN: SSL_R_DATA_LENGTH_TOO_LONG. */
int SSL_CTX_use_psk_identity_hint(SSL_CTX *ctx, const char *identity_hint);
int SSL_use_psk_identity_hint(SSL *s, const char *identity_hint);
/* The hint of the SSL's session (a client's: the server's hint), or NULL. */
const char *SSL_get_psk_identity_hint(const SSL *s);
/* 1, or 0 when |ext_type| already has a handler
 * (SSL_R_CUSTOM_EXT_HANDLER_ALREADY_INSTALLED) or memory runs out. */
int SSL_CTX_add_custom_ext(SSL_CTX *ctx, unsigned int ext_type,
                           unsigned int context,
                           SSL_custom_ext_add_cb_ex add_cb,
                           SSL_custom_ext_free_cb_ex free_cb, void *add_arg,
                           SSL_custom_ext_parse_cb_ex parse_cb,
                           void *parse_arg);
int SSL_extension_supported(unsigned int ext_type);

/* ---- Sessions as objects.  SSL_SESSION_new: one reference, the
 * current time, a 304 s timeout.  set1_*: copy the bytes (id: at most
 * SSL_MAX_SSL_SESSION_ID_LENGTH, context: SSL_MAX_SID_CTX_LENGTH; else 0
 * with a reason). ---- */
SSL_SESSION *SSL_SESSION_new(void);
int SSL_SESSION_up_ref(SSL_SESSION *ses);      /* 1, or 0 for NULL */
void SSL_SESSION_free(SSL_SESSION *ses);       /* accepts NULL */
SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *src);
int SSL_SESSION_set1_id(SSL_SESSION *s, const unsigned char *sid,
                        unsigned int sid_len);
const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *s,
                                        unsigned int *len);
int SSL_SESSION_set1_id_context(SSL_SESSION *s, const unsigned char *sid_ctx,
                                unsigned int sid_ctx_len);
const unsigned char *SSL_SESSION_get0_id_context(const SSL_SESSION *s,
                                                 unsigned int *len);
long SSL_SESSION_get_time(const SSL_SESSION *s);
long SSL_SESSION_set_time(SSL_SESSION *s, long t);
int SSL_SESSION_get_protocol_version(const SSL_SESSION *s);
int SSL_SESSION_set_protocol_version(SSL_SESSION *s, int version);
int SSL_SESSION_set1_master_key(SSL_SESSION *sess, const unsigned char *in,
                                size_t len);
size_t SSL_SESSION_get_master_key(const SSL_SESSION *sess,
                                  unsigned char *out, size_t outlen);
X509 *SSL_SESSION_get0_peer(SSL_SESSION *s);
int SSL_SESSION_is_resumable(const SSL_SESSION *s);
/* The session ticket a client was given, borrowed: has_ticket 1 when
 * there is one; get0_ticket sets *tick (NULL when none) and *len. */
int SSL_SESSION_has_ticket(const SSL_SESSION *s);
void SSL_SESSION_get0_ticket(const SSL_SESSION *s, const unsigned char **tick,
                             size_t *len);
/* The SSL's session: set takes its own reference (NULL clears); get0
 * borrows; get1 gives a reference, taken under the SSL's lock. */
int SSL_set_session(SSL *to, SSL_SESSION *session);
SSL_SESSION *SSL_get_session(const SSL *ssl);
#define SSL_get0_session SSL_get_session
SSL_SESSION *SSL_get1_session(SSL *ssl);

#include <openssl/ssl_conn.h>

#endif
