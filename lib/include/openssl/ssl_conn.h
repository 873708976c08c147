/* The connection half of <openssl/ssl.h>: BIOs of an SSL, the handshake,
 * application data, shutdown, sessions' cache and the handshake's reason
 * codes.  OpenSSL's names, signatures and constant values.  Include
 * <openssl/ssl.h>, not this file (it is self-contained so that minissl's
 * own modules may include it alone).
 *
 * Thread safety: every call here on one SSL needs one thread at a time,
 * except that SSL_dup, SSL_up_ref, SSL_free and SSL_get1_session may race
 * the owner's SSL_connect/SSL_accept/SSL_do_handshake (ssl.h).  The session cache calls on one SSL_CTX
 * (SSL_CTX_add_session, SSL_CTX_remove_session, SSL_CTX_flush_sessions,
 * the server's lookups during handshakes) may run on any number of threads
 * at once; a session found in the cache is returned with its own reference
 * and is never modified once shared.
 *
 * Return conventions are OpenSSL's: handshake and I/O calls return > 0 on
 * success and <= 0 otherwise, and SSL_get_error() tells why: WANT_READ /
 * WANT_WRITE (retry when the BIO has data / room), ZERO_RETURN (the peer
 * closed with close_notify), SSL (a protocol failure: a reason is on this
 * thread's error stack), SYSCALL (the transport failed or closed without a
 * reason, or SSL_shutdown's 0 "not yet finished"). */
#ifndef OPENSSL_SSL_CONN_H
#define OPENSSL_SSL_CONN_H

#include <stddef.h>

#include <openssl/types.h>
#include <openssl/bio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SSL_get_error ---------------------------------------------------- */
#define SSL_ERROR_NONE 0
#define SSL_ERROR_SSL 1
#define SSL_ERROR_WANT_READ 2
#define SSL_ERROR_WANT_WRITE 3
#define SSL_ERROR_WANT_X509_LOOKUP 4
#define SSL_ERROR_SYSCALL 5
#define SSL_ERROR_ZERO_RETURN 6
#define SSL_ERROR_WANT_CONNECT 7
#define SSL_ERROR_WANT_ACCEPT 8
#define SSL_ERROR_WANT_ASYNC 9
#define SSL_ERROR_WANT_ASYNC_JOB 10
#define SSL_ERROR_WANT_CLIENT_HELLO_CB 11
#define SSL_ERROR_WANT_RETRY_VERIFY 12

/* SSL_want() */
#define SSL_NOTHING 1
#define SSL_WRITING 2
#define SSL_READING 3
#define SSL_X509_LOOKUP 4

/* SSL_get_shutdown() bits */
#define SSL_SENT_SHUTDOWN 1
#define SSL_RECEIVED_SHUTDOWN 2

/* ---- info callback |where| values --------------------------------------- */
#define SSL_ST_CONNECT 0x1000
#define SSL_ST_ACCEPT 0x2000
#define SSL_ST_MASK 0x0FFF
#define SSL_CB_LOOP 0x01
#define SSL_CB_EXIT 0x02
#define SSL_CB_READ 0x04
#define SSL_CB_WRITE 0x08
#define SSL_CB_ALERT 0x4000
#define SSL_CB_READ_ALERT (SSL_CB_ALERT | SSL_CB_READ)
#define SSL_CB_WRITE_ALERT (SSL_CB_ALERT | SSL_CB_WRITE)
#define SSL_CB_ACCEPT_LOOP (SSL_ST_ACCEPT | SSL_CB_LOOP)
#define SSL_CB_ACCEPT_EXIT (SSL_ST_ACCEPT | SSL_CB_EXIT)
#define SSL_CB_CONNECT_LOOP (SSL_ST_CONNECT | SSL_CB_LOOP)
#define SSL_CB_CONNECT_EXIT (SSL_ST_CONNECT | SSL_CB_EXIT)
#define SSL_CB_HANDSHAKE_START 0x10
#define SSL_CB_HANDSHAKE_DONE 0x20

/* ---- msg callback content types (OpenSSL's <openssl/ssl3.h>) ------------ */
#ifndef SSL3_RT_CHANGE_CIPHER_SPEC
#define SSL3_RT_CHANGE_CIPHER_SPEC 20
#define SSL3_RT_ALERT 21
#define SSL3_RT_HANDSHAKE 22
#define SSL3_RT_APPLICATION_DATA 23
#define SSL3_RT_HEADER 0x100
#define SSL3_RT_INNER_CONTENT_TYPE 0x101
#define SSL3_AL_WARNING 1
#define SSL3_AL_FATAL 2
#endif

/* ---- alert descriptions (the ones minissl sends) ------------------------ */
#define SSL_AD_CLOSE_NOTIFY 0
#define SSL_AD_UNEXPECTED_MESSAGE 10
#define SSL_AD_RECORD_OVERFLOW 22
#define SSL_AD_HANDSHAKE_FAILURE 40
#define SSL_AD_BAD_CERTIFICATE 42
#define SSL_AD_UNSUPPORTED_CERTIFICATE 43
#define SSL_AD_CERTIFICATE_EXPIRED 45
#define SSL_AD_ILLEGAL_PARAMETER 47
#define SSL_AD_UNKNOWN_CA 48
#define SSL_AD_DECODE_ERROR 50
#define SSL_AD_DECRYPT_ERROR 51
#define SSL_AD_PROTOCOL_VERSION 70
#define SSL_AD_INTERNAL_ERROR 80
#define SSL_AD_CERTIFICATE_REQUIRED 116

/* ---- handshake states (OpenSSL 3's OSSL_HANDSHAKE_STATE, same order) ---- */
/* minissl enters: BEFORE, OK, CR_SRVR_HELLO, CR_CERT, CR_CERT_REQ,
 * CR_SRVR_DONE, CR_FINISHED, CW_CLNT_HELLO, CW_CERT, CW_FINISHED,
 * SR_CLNT_HELLO, SW_SRVR_HELLO, SW_CERT, SW_CERT_REQ, SW_SRVR_DONE, SR_CERT,
 * SR_FINISHED, SW_FINISHED and EARLY_DATA (a TLS 1.3 server waiting for the
 * client's Finished, as OpenSSL reports it). */
typedef enum {
    TLS_ST_BEFORE,
    TLS_ST_OK,
    DTLS_ST_CR_HELLO_VERIFY_REQUEST,
    TLS_ST_CR_SRVR_HELLO,
    TLS_ST_CR_CERT,
    TLS_ST_CR_CERT_STATUS,
    TLS_ST_CR_KEY_EXCH,
    TLS_ST_CR_CERT_REQ,
    TLS_ST_CR_SRVR_DONE,
    TLS_ST_CR_SESSION_TICKET,
    TLS_ST_CR_CHANGE,
    TLS_ST_CR_FINISHED,
    TLS_ST_CW_CLNT_HELLO,
    TLS_ST_CW_CERT,
    TLS_ST_CW_KEY_EXCH,
    TLS_ST_CW_CERT_VRFY,
    TLS_ST_CW_CHANGE,
    TLS_ST_CW_NEXT_PROTO,
    TLS_ST_CW_FINISHED,
    TLS_ST_SW_HELLO_REQ,
    TLS_ST_SR_CLNT_HELLO,
    DTLS_ST_SW_HELLO_VERIFY_REQUEST,
    TLS_ST_SW_SRVR_HELLO,
    TLS_ST_SW_CERT,
    TLS_ST_SW_KEY_EXCH,
    TLS_ST_SW_CERT_REQ,
    TLS_ST_SW_SRVR_DONE,
    TLS_ST_SR_CERT,
    TLS_ST_SR_KEY_EXCH,
    TLS_ST_SR_CERT_VRFY,
    TLS_ST_SR_NEXT_PROTO,
    TLS_ST_SR_CHANGE,
    TLS_ST_SR_FINISHED,
    TLS_ST_SW_SESSION_TICKET,
    TLS_ST_SW_CERT_STATUS,
    TLS_ST_SW_CHANGE,
    TLS_ST_SW_FINISHED,
    TLS_ST_SW_ENCRYPTED_EXTENSIONS,
    TLS_ST_CR_ENCRYPTED_EXTENSIONS,
    TLS_ST_CR_CERT_VRFY,
    TLS_ST_SW_CERT_VRFY,
    TLS_ST_CR_HELLO_REQ,
    TLS_ST_SW_KEY_UPDATE,
    TLS_ST_CW_KEY_UPDATE,
    TLS_ST_SR_KEY_UPDATE,
    TLS_ST_CR_KEY_UPDATE,
    TLS_ST_EARLY_DATA,
    TLS_ST_PENDING_EARLY_DATA_END,
    TLS_ST_CW_END_OF_EARLY_DATA,
    TLS_ST_SR_END_OF_EARLY_DATA
} OSSL_HANDSHAKE_STATE;

/* ---- session cache modes ------------------------------------------------- */
#define SSL_SESS_CACHE_OFF 0x0000
#define SSL_SESS_CACHE_CLIENT 0x0001
#define SSL_SESS_CACHE_SERVER 0x0002
#define SSL_SESS_CACHE_BOTH (SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER)
#define SSL_SESS_CACHE_NO_AUTO_CLEAR 0x0080
#define SSL_SESS_CACHE_NO_INTERNAL_LOOKUP 0x0100
#define SSL_SESS_CACHE_NO_INTERNAL_STORE 0x0200
#define SSL_SESS_CACHE_NO_INTERNAL \
    (SSL_SESS_CACHE_NO_INTERNAL_LOOKUP | SSL_SESS_CACHE_NO_INTERNAL_STORE)
#define SSL_SESS_CACHE_UPDATE_TIME 0x0400
#define SSL_SESSION_CACHE_MAX_SIZE_DEFAULT (1024 * 20)

/* ---- reasons raised by the connection module (ERR_LIB_SSL) -------------- */
/* (It also raises SSL_R_BAD_LENGTH, SSL_R_BAD_VALUE, SSL_R_LENGTH_MISMATCH,
 * SSL_R_UNINITIALIZED, SSL_R_UNSUPPORTED_PROTOCOL and SSL_R_WRONG_SSL_VERSION,
 * which <openssl/sslerr.h> declares.) */
#define SSL_R_SHUTDOWN_WHILE_IN_INIT 407
#define SSL_R_READ_BIO_NOT_SET 211
#define SSL_R_BAD_HANDSHAKE_LENGTH 332
#define SSL_R_BAD_PACKET 240
#define SSL_R_BAD_RECORD_TYPE 443
#define SSL_R_BIO_NOT_SET 128
#define SSL_R_CERTIFICATE_VERIFY_FAILED 134
#define SSL_R_CONNECTION_TYPE_NOT_SET 144
#define SSL_R_DIGEST_CHECK_FAILED 149
#define SSL_R_EXCESSIVE_MESSAGE_SIZE 152
#define SSL_R_INVALID_ALERT 205
#define SSL_R_LENGTH_TOO_SHORT 160
#define SSL_R_NO_CERTIFICATE_SET 179
#define SSL_R_NO_CIPHERS_AVAILABLE 181
#define SSL_R_NO_PROTOCOLS_AVAILABLE 191
#define SSL_R_NO_SHARED_CIPHER 193
#define SSL_R_PACKET_LENGTH_TOO_LONG 198
#define SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE 199
#define SSL_R_PROTOCOL_IS_SHUTDOWN 207
#define SSL_R_RECORD_TOO_SMALL 298
#define SSL_R_SSL_HANDSHAKE_FAILURE 229
#define SSL_R_SSL_SESSION_ID_CALLBACK_FAILED 301
#define SSL_R_SSL_SESSION_ID_CONFLICT 302
#define SSL_R_SSL_SESSION_ID_HAS_BAD_LENGTH 303
#define SSL_R_SSL_SESSION_VERSION_MISMATCH 210
#define SSL_R_UNEXPECTED_EOF_WHILE_READING 294
#define SSL_R_UNEXPECTED_MESSAGE 244
#define SSL_R_UNEXPECTED_RECORD 245
#define SSL_R_UNKNOWN_ALERT_TYPE 246
#define SSL_R_UNKNOWN_CIPHER_RETURNED 248
#define SSL_R_WRONG_CIPHER_RETURNED 261
#define SSL_R_WRONG_VERSION_NUMBER 267
#define SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY 291
/* A received fatal alert: SSL_AD_REASON_OFFSET + its description. */
#define SSL_AD_REASON_OFFSET 1000
#define SSL_R_SSLV3_ALERT_UNEXPECTED_MESSAGE 1010
#define SSL_R_TLSV1_ALERT_RECORD_OVERFLOW 1022
#define SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE 1040
#define SSL_R_SSLV3_ALERT_BAD_CERTIFICATE 1042
#define SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE 1043
#define SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED 1045
#define SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER 1047
#define SSL_R_TLSV1_ALERT_UNKNOWN_CA 1048
#define SSL_R_TLSV1_ALERT_DECODE_ERROR 1050
#define SSL_R_TLSV1_ALERT_DECRYPT_ERROR 1051
#define SSL_R_TLSV1_ALERT_PROTOCOL_VERSION 1070
#define SSL_R_TLSV1_ALERT_INTERNAL_ERROR 1080
#define SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED 1116

/* ---- BIOs of an SSL ------------------------------------------------------ */
/* Takes ownership of one reference to each of |rbio| and |wbio| (one in all
 * when they are the same BIO), freeing the ones the SSL held, with
 * OpenSSL's exceptions: if nothing changes, nothing happens; if only the
 * write BIO changes, only it is adopted; if only the read BIO changes and the
 * old read and write BIOs differed, only it is adopted. */
void SSL_set_bio(SSL *s, BIO *rbio, BIO *wbio);
/* Takes the caller's reference to |rbio| (|wbio|), freeing the old one. */
void SSL_set0_rbio(SSL *s, BIO *rbio);
void SSL_set0_wbio(SSL *s, BIO *wbio);
/* Borrowed (get0 semantics despite the name); NULL if none. */
BIO *SSL_get_rbio(const SSL *s);
BIO *SSL_get_wbio(const SSL *s);

/* ---- handshake ----------------------------------------------------------- */
/* Choose the role and reset the handshake state to "before" (SSL_dup of the
 * SSL afterwards still makes a full copy, which inherits the role). */
void SSL_set_connect_state(SSL *s);
void SSL_set_accept_state(SSL *s);
/* SSL_set_connect_state / SSL_set_accept_state, then SSL_do_handshake. */
int SSL_connect(SSL *ssl);
int SSL_accept(SSL *ssl);
/* Runs the handshake as far as the BIOs allow.  1: finished; 0: the
 * handshake failed and was shut down cleanly by the protocol; < 0: failed or
 * must be retried (SSL_get_error).  Without a role: -1,
 * SSL_R_CONNECTION_TYPE_NOT_SET; without BIOs: -1, SSL_R_BIO_NOT_SET.
 * The first call leaves "before" (SSL_in_before() == 0) even when it must
 * wait; a client has then sent its ClientHello. */
int SSL_do_handshake(SSL *s);
/* Why the call on |s| that returned |ret_code| did so (see the top). */
int SSL_get_error(const SSL *s, int ret_code);
/* SSL_NOTHING, SSL_READING or SSL_WRITING: what the last call waited for. */
int SSL_want(const SSL *s);
#define SSL_want_nothing(s) (SSL_want(s) == SSL_NOTHING)
#define SSL_want_read(s) (SSL_want(s) == SSL_READING)
#define SSL_want_write(s) (SSL_want(s) == SSL_WRITING)

/* 1 while a handshake is pending or running (from SSL_new until it finishes),
 * 0 after it finished. */
int SSL_in_init(const SSL *s);
/* 1 until the first handshake call on |s| (or after SSL_clear /
 * SSL_set_connect_state / SSL_set_accept_state), 0 afterwards. */
int SSL_in_before(const SSL *s);
/* 1 once the handshake has finished (and not failed). */
int SSL_is_init_finished(const SSL *s);
#define SSL_in_connect_init(a) (SSL_in_init(a) && !SSL_is_server(a))
#define SSL_in_accept_init(a) (SSL_in_init(a) && SSL_is_server(a))
OSSL_HANDSHAKE_STATE SSL_get_state(const SSL *ssl);
/* Short / long names of SSL_get_state(s) (static strings). */
const char *SSL_state_string(const SSL *s);
const char *SSL_state_string_long(const SSL *s);
/* Names of an alert's level / description (static strings). */
const char *SSL_alert_type_string_long(int value);
const char *SSL_alert_desc_string_long(int value);

/* ---- application data and shutdown ------------------------------------- */
/* Run the handshake first if it is pending.  > 0 bytes moved; <= 0 see
 * SSL_get_error.  SSL_write sends everything or nothing new: after a
 * WANT_WRITE, call again with the same arguments. */
int SSL_read(SSL *ssl, void *buf, int num);
int SSL_peek(SSL *ssl, void *buf, int num);
int SSL_write(SSL *ssl, const void *buf, int num);
/* Bytes of application data already decoded and waiting for SSL_read. */
int SSL_pending(const SSL *s);
int SSL_has_pending(const SSL *s);
/* Sends close_notify (once), then returns 1 if the peer's close_notify has
 * been received, else 0 (SSL_get_error then says SYSCALL, as OpenSSL's
 * does); a later call waits for the peer's close_notify (-1, WANT_READ,
 * until it arrives), discarding application data before it.  Without a
 * role: -1, SSL_R_UNINITIALIZED; before any handshake call: 1 (nothing to
 * close); during the handshake: -1, SSL_R_SHUTDOWN_WHILE_IN_INIT. */
int SSL_shutdown(SSL *s);
int SSL_get_shutdown(const SSL *ssl);
void SSL_set_shutdown(SSL *ssl, int mode);
/* Resets the connection for reuse with the same settings and role; a
 * finished connection's session is kept for resumption.  1, or 0 with a
 * reason. */
int SSL_clear(SSL *s);

/* ---- negotiated values ------------------------------------------------- */
/* 1 if the finished handshake resumed a session. */
int SSL_session_reused(const SSL *s);
/* The negotiated protocol version (TLS1_2_VERSION, ...), or before a
 * handshake the highest one the SSL allows; its name ("TLSv1.3"). */
int SSL_version(const SSL *s);
const char *SSL_get_version(const SSL *s);
/* The peer's certificate with a new reference (caller frees), or NULL. */
X509 *SSL_get1_peer_certificate(const SSL *s);
#define SSL_get_peer_certificate SSL_get1_peer_certificate
/* X509_V_OK (0) or the X509_V_ERR_* code of the peer verification. */
long SSL_get_verify_result(const SSL *ssl);
void SSL_set_verify_result(SSL *ssl, long v);

/* ---- peer verification: the verify callback's view (OpenSSL's
 * <openssl/x509_vfy.h> names).  minissl has no trust store: a chain ends
 * untrusted (DEPTH_ZERO_SELF_SIGNED_CERT for a self-signed leaf,
 * SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_GET_ISSUER_CERT_LOCALLY) unless the
 * callback accepts it, as with an OpenSSL that has no CA loaded.  The
 * checks run in OpenSSL 3's order: the leaf's key strength against the
 * auth level (the parameters', else the security level), DANE-EE records
 * (never matched: DANE_NO_MATCH, and no chain is checked), the chain's
 * end, the purpose, the issuers' key strength, the host names, email
 * address and IP address of the SSL's X509_VERIFY_PARAM, and the validity
 * times (at the parameters' time with X509_V_FLAG_USE_CHECK_TIME, none
 * with X509_V_FLAG_NO_CHECK_TIME).  The callback is called with
 * preverify_ok 0 for each error and with 1 for each certificate from the
 * top of the chain down to depth 0; the verify result is the store
 * context's error at the end, which the callback may change
 * (X509_STORE_CTX_set_error), as in OpenSSL. */
#ifndef X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
#define X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT 2
#define X509_V_ERR_CERT_NOT_YET_VALID 9
#define X509_V_ERR_CERT_HAS_EXPIRED 10
#define X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT 18
#define X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN 19
#define X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY 20
#define X509_V_ERR_CERT_CHAIN_TOO_LONG 22
#define X509_V_ERR_INVALID_PURPOSE 26
#define X509_V_ERR_APPLICATION_VERIFICATION 50
#define X509_V_ERR_HOSTNAME_MISMATCH 62
#define X509_V_ERR_EMAIL_MISMATCH 63
#define X509_V_ERR_IP_ADDRESS_MISMATCH 64
#define X509_V_ERR_DANE_NO_MATCH 65
#define X509_V_ERR_EE_KEY_TOO_SMALL 66
#define X509_V_ERR_CA_KEY_TOO_SMALL 67
#endif
int X509_STORE_CTX_get_error(const X509_STORE_CTX *ctx);
void X509_STORE_CTX_set_error(X509_STORE_CTX *ctx, int s);
int X509_STORE_CTX_get_error_depth(const X509_STORE_CTX *ctx);
/* Borrowed; valid during the callback. */
X509 *X509_STORE_CTX_get_current_cert(const X509_STORE_CTX *ctx);
X509 *X509_STORE_CTX_get0_cert(const X509_STORE_CTX *ctx);
/* With SSL_get_ex_data_X509_STORE_CTX_idx(): the SSL being verified. */
void *X509_STORE_CTX_get_ex_data(const X509_STORE_CTX *ctx, int idx);
int SSL_get_ex_data_X509_STORE_CTX_idx(void);
const char *X509_verify_cert_error_string(long n);

/* ---- sessions: timeouts and the SSL_CTX's cache ------------------------ */
/* Lifetime in seconds given to the sessions |ctx| makes (default 7200,
 * as in OpenSSL 3); returns the previous value. */
long SSL_CTX_set_timeout(SSL_CTX *ctx, long t);
long SSL_CTX_get_timeout(const SSL_CTX *ctx);
/* A session's lifetime in seconds (its creation time is
 * SSL_SESSION_get_time, <openssl/ssl.h>).  The setter returns 1, or 0 when
 * the session is already shared (cached, or held by an SSL and someone
 * else): a shared session is immutable. */
long SSL_SESSION_get_timeout(const SSL_SESSION *s);
long SSL_SESSION_set_timeout(SSL_SESSION *s, long t);
/* |to| gets |from|'s session (shared by reference) and session id context.
 * 1, or 0 with a reason. */
int SSL_copy_session_id(SSL *to, const SSL *from);

/* Cache modes SSL_SESS_CACHE_* (default SERVER); return the previous. */
long SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
long SSL_CTX_get_session_cache_mode(SSL_CTX *ctx);
/* Maximum number of cached sessions (0: unlimited; default 20480); the
 * oldest is evicted first.  set returns the previous value. */
long SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long t);
long SSL_CTX_sess_get_cache_size(SSL_CTX *ctx);
/* Number of sessions in the cache; server-side resumptions and misses. */
long SSL_CTX_sess_number(SSL_CTX *ctx);
long SSL_CTX_sess_hits(SSL_CTX *ctx);
long SSL_CTX_sess_misses(SSL_CTX *ctx);
/* Adds |session| (the cache takes its own reference); 1 if added, 0 if it
 * was already there or has no id (reason on the stack if invalid). */
int SSL_CTX_add_session(SSL_CTX *ctx, SSL_SESSION *session);
/* Removes the cache's entry with |session|'s id; 1 if one was removed. */
int SSL_CTX_remove_session(SSL_CTX *ctx, SSL_SESSION *session);
/* Removes every session that has expired at time |tm| (seconds). */
void SSL_CTX_flush_sessions(SSL_CTX *ctx, long tm);

#ifdef __cplusplus
}
#endif

#endif
