/* Texts of the connection module: reason strings for its SSL_R_* codes
 * (err.c consults ms_conn_reasons after its own table), the names of the
 * handshake states and of alerts. */
#include "internal.h"

const struct ms_reason ms_conn_reasons[] = {
    {SSL_R_SHUTDOWN_WHILE_IN_INIT, "shutdown while in init"},
    {SSL_R_READ_BIO_NOT_SET, "read bio not set"},
    {SSL_R_BAD_HANDSHAKE_LENGTH, "bad handshake length"},
    {SSL_R_BAD_PACKET, "bad packet"},
    {SSL_R_BAD_RECORD_TYPE, "bad record type"},
    {SSL_R_BIO_NOT_SET, "bio not set"},
    {SSL_R_CERTIFICATE_VERIFY_FAILED, "certificate verify failed"},
    {SSL_R_CONNECTION_TYPE_NOT_SET, "connection type not set"},
    {SSL_R_DIGEST_CHECK_FAILED, "digest check failed"},
    {SSL_R_EXCESSIVE_MESSAGE_SIZE, "excessive message size"},
    {SSL_R_INVALID_ALERT, "invalid alert"},
    {SSL_R_LENGTH_TOO_SHORT, "length too short"},
    {SSL_R_NO_CERTIFICATE_SET, "no certificate set"},
    {SSL_R_NO_CIPHERS_AVAILABLE, "no ciphers available"},
    {SSL_R_NO_PROTOCOLS_AVAILABLE, "no protocols available"},
    {SSL_R_NO_SHARED_CIPHER, "no shared cipher"},
    {SSL_R_PACKET_LENGTH_TOO_LONG, "packet length too long"},
    {SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
     "peer did not return a certificate"},
    {SSL_R_PROTOCOL_IS_SHUTDOWN, "protocol is shutdown"},
    {SSL_R_RECORD_TOO_SMALL, "record too small"},
    {SSL_R_SSL_HANDSHAKE_FAILURE, "ssl handshake failure"},
    {SSL_R_SSL_SESSION_ID_CALLBACK_FAILED, "ssl session id callback failed"},
    {SSL_R_SSL_SESSION_ID_CONFLICT, "ssl session id conflict"},
    {SSL_R_SSL_SESSION_ID_HAS_BAD_LENGTH, "ssl session id has bad length"},
    {SSL_R_SSL_SESSION_VERSION_MISMATCH, "ssl session version mismatch"},
    {SSL_R_UNEXPECTED_EOF_WHILE_READING, "unexpected eof while reading"},
    {SSL_R_UNEXPECTED_MESSAGE, "unexpected message"},
    {SSL_R_UNEXPECTED_RECORD, "unexpected record"},
    {SSL_R_UNKNOWN_ALERT_TYPE, "unknown alert type"},
    {SSL_R_UNKNOWN_CIPHER_RETURNED, "unknown cipher returned"},
    {SSL_R_WRONG_CIPHER_RETURNED, "wrong cipher returned"},
    {SSL_R_WRONG_VERSION_NUMBER, "wrong version number"},
    {SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY,
     "application data after close notify"},
    {SSL_R_SSLV3_ALERT_UNEXPECTED_MESSAGE, "sslv3 alert unexpected message"},
    {SSL_R_TLSV1_ALERT_RECORD_OVERFLOW, "tlsv1 alert record overflow"},
    {SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, "sslv3 alert handshake failure"},
    {SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, "sslv3 alert bad certificate"},
    {SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE,
     "sslv3 alert unsupported certificate"},
    {SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED, "sslv3 alert certificate expired"},
    {SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER, "sslv3 alert illegal parameter"},
    {SSL_R_TLSV1_ALERT_UNKNOWN_CA, "tlsv1 alert unknown ca"},
    {SSL_R_TLSV1_ALERT_DECODE_ERROR, "tlsv1 alert decode error"},
    {SSL_R_TLSV1_ALERT_DECRYPT_ERROR, "tlsv1 alert decrypt error"},
    {SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, "tlsv1 alert protocol version"},
    {SSL_R_TLSV1_ALERT_INTERNAL_ERROR, "tlsv1 alert internal error"},
    {SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED,
     "tlsv13 alert certificate required"},
    {0, NULL},
};

static const struct {
    int state;
    const char *abbrev, *text;
} ms_state_names[] = {
    {TLS_ST_BEFORE, "PINIT", "before SSL initialization"},
    {TLS_ST_OK, "SSLOK", "SSL negotiation finished successfully"},
    {TLS_ST_CR_SRVR_HELLO, "TRSH", "SSLv3/TLS read server hello"},
    {TLS_ST_CR_CERT, "TRSC", "SSLv3/TLS read server certificate"},
    {TLS_ST_CR_CERT_REQ, "TRCR", "SSLv3/TLS read server certificate request"},
    {TLS_ST_CR_SRVR_DONE, "TRSD", "SSLv3/TLS read server done"},
    {TLS_ST_CR_FINISHED, "TRFIN", "SSLv3/TLS read finished"},
    {TLS_ST_CW_CLNT_HELLO, "TWCH", "SSLv3/TLS write client hello"},
    {TLS_ST_CW_CERT, "TWCC", "SSLv3/TLS write client certificate"},
    {TLS_ST_CW_FINISHED, "TWFIN", "SSLv3/TLS write finished"},
    {TLS_ST_SR_CLNT_HELLO, "TRCH", "SSLv3/TLS read client hello"},
    {TLS_ST_SW_SRVR_HELLO, "TWSH", "SSLv3/TLS write server hello"},
    {TLS_ST_SW_CERT, "TWSC", "SSLv3/TLS write certificate"},
    {TLS_ST_SW_CERT_REQ, "TWCR", "SSLv3/TLS write certificate request"},
    {TLS_ST_SW_SRVR_DONE, "TWSD", "SSLv3/TLS write server done"},
    {TLS_ST_SR_CERT, "TRCC", "SSLv3/TLS read client certificate"},
    {TLS_ST_SR_FINISHED, "TRFIN", "SSLv3/TLS read finished"},
    {TLS_ST_SW_FINISHED, "TWFIN", "SSLv3/TLS write finished"},
    {TLS_ST_EARLY_DATA, "TED", "TLSv1.3 early data"},
};

static int state_index(const SSL *s)
{
    int st = SSL_get_state(s);
    size_t i;

    for (i = 0; i < sizeof(ms_state_names) / sizeof(ms_state_names[0]); i++)
        if (ms_state_names[i].state == st)
            return (int)i;
    return -1;
}

const char *SSL_state_string(const SSL *s)
{
    int i;

    if (s != NULL
        && atomic_load_explicit(&((SSL *)s)->conn.flow, memory_order_relaxed)
               == MS_FLOW_ERROR)
        return "SSLERR";
    i = s == NULL ? -1 : state_index(s);
    return i < 0 ? "UNKWN" : ms_state_names[i].abbrev;
}

const char *SSL_state_string_long(const SSL *s)
{
    int i;

    if (s != NULL
        && atomic_load_explicit(&((SSL *)s)->conn.flow, memory_order_relaxed)
               == MS_FLOW_ERROR)
        return "error";
    i = s == NULL ? -1 : state_index(s);
    return i < 0 ? "unknown state" : ms_state_names[i].text;
}

const char *SSL_alert_type_string_long(int value)
{
    switch (value >> 8) {
    case SSL3_AL_WARNING:
        return "warning";
    case SSL3_AL_FATAL:
        return "fatal";
    default:
        return "unknown";
    }
}

const char *SSL_alert_desc_string_long(int value)
{
    switch (value & 0xff) {
    case SSL_AD_CLOSE_NOTIFY:
        return "close notify";
    case SSL_AD_UNEXPECTED_MESSAGE:
        return "unexpected_message";
    case SSL_AD_RECORD_OVERFLOW:
        return "record overflow";
    case SSL_AD_HANDSHAKE_FAILURE:
        return "handshake failure";
    case SSL_AD_BAD_CERTIFICATE:
        return "bad certificate";
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
        return "unsupported certificate";
    case SSL_AD_CERTIFICATE_EXPIRED:
        return "certificate expired";
    case SSL_AD_ILLEGAL_PARAMETER:
        return "illegal parameter";
    case SSL_AD_UNKNOWN_CA:
        return "unknown CA";
    case SSL_AD_DECODE_ERROR:
        return "decode error";
    case SSL_AD_DECRYPT_ERROR:
        return "decrypt error";
    case SSL_AD_PROTOCOL_VERSION:
        return "protocol version";
    case SSL_AD_INTERNAL_ERROR:
        return "internal error";
    case SSL_AD_CERTIFICATE_REQUIRED:
        return "certificate required";
    default:
        return "unknown";
    }
}
