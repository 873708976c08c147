/* minissl's wire format: framed records and the handshake messages they
 * carry.  Pure functions over byte buffers: no SSL, no allocation, no error
 * stack, so the fuzz target (tests/fuzz/fuzz_record.c) drives them alone.
 *
 * Record   type u8 | version u16 | length u16 | body[length]
 *          type: MS_CT_*; version 0x0300..0x0304; length <= MS_REC_MAX
 *          (alerts exactly 2, handshake >= 4, application data >= 1).
 * Handshake record body: one whole message
 *          msg_type u8 | length u24 | body[length], length == record - 4.
 * Messages (all integers big-endian):
 *   ClientHello   max_version u16 | min_version u16 | random[32]
 *                 | sid_len u8 (<= 32) | sid | n u16 (even, >= 2) | ciphers u16..
 *   ServerHello   version u16 | random[32] | sid_len u8 (<= 32) | sid | cipher u16
 *   Certificate   count u8 (<= MS_MAX_CHAIN) | { len u16 (>= 1) | bytes }..
 *                 (a certificate's bytes: hs_cert.c)
 *   CertificateRequest, ServerHelloDone   empty
 *   Finished      verify_data[MS_FINISHED_LEN]
 * Alert body: level u8 (1 warning, 2 fatal) | description u8.
 *
 * Every parser checks each length against what remains before reading, and
 * rejects trailing bytes; it returns 1, or 0 with *reason set to an SSL_R_*
 * code (OpenSSL's values, see <openssl/ssl.h>) and never reads outside
 * [buf, buf + len).  Parsed structures point into the caller's buffer. */
#ifndef MS_RECORD_H
#define MS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define MS_REC_HEADER 5
#define MS_REC_MAX 16384            /* largest record body */
#define MS_HS_HEADER 4
#define MS_RANDOM_LEN 32
#define MS_SID_MAX 32
#define MS_FINISHED_LEN 32
#define MS_WIRE_MAX_CIPHERS 64
#define MS_MAX_CHAIN 8

enum ms_content_type {
    MS_CT_CHANGE_CIPHER_SPEC = 20,
    MS_CT_ALERT = 21,
    MS_CT_HANDSHAKE = 22,
    MS_CT_APPLICATION_DATA = 23,
};

enum ms_hs_type {
    MS_HT_CLIENT_HELLO = 1,
    MS_HT_SERVER_HELLO = 2,
    MS_HT_CERTIFICATE = 11,
    MS_HT_CERTIFICATE_REQUEST = 13,
    MS_HT_SERVER_HELLO_DONE = 14,
    MS_HT_FINISHED = 20,
};

struct ms_record {
    uint8_t type;
    uint16_t version;
    const unsigned char *body;
    size_t len;
};

struct ms_hs_msg {
    uint8_t type;
    const unsigned char *body;      /* the message body, after its header */
    size_t len;
    const unsigned char *whole;     /* header + body, for the transcript */
    size_t whole_len;
};

struct ms_client_hello {
    uint16_t max_version, min_version;
    const unsigned char *random;
    const unsigned char *sid;
    size_t sid_len;
    uint16_t ciphers[MS_WIRE_MAX_CIPHERS];
    size_t n_ciphers;
};

struct ms_server_hello {
    uint16_t version;
    const unsigned char *random;
    const unsigned char *sid;
    size_t sid_len;
    uint16_t cipher;
};

struct ms_cert_list {
    size_t n;
    const unsigned char *cert[MS_MAX_CHAIN];
    size_t len[MS_MAX_CHAIN];
};

/* Frames one record at the start of buf[0..n).  Returns the bytes it spans
 * (> 0) with *rec filled, 0 if more bytes are needed (nothing wrong yet), or
 * -1 with *reason set: unknown type, bad version, oversized or ill-sized. */
int ms_record_parse(const unsigned char *buf, size_t n, struct ms_record *rec,
                    int *reason);
/* Splits a handshake record into its one message; 1, or 0 with *reason. */
int ms_hs_parse(const struct ms_record *rec, struct ms_hs_msg *msg,
                int *reason);
int ms_client_hello_parse(const struct ms_hs_msg *m,
                          struct ms_client_hello *ch, int *reason);
int ms_server_hello_parse(const struct ms_hs_msg *m,
                          struct ms_server_hello *sh, int *reason);
int ms_cert_list_parse(const struct ms_hs_msg *m, struct ms_cert_list *cl,
                       int *reason);
int ms_empty_parse(const struct ms_hs_msg *m, int *reason);
int ms_finished_parse(const struct ms_hs_msg *m,
                      const unsigned char **verify_data, int *reason);
/* Alert body: 1 with level and description, or 0 with *reason. */
int ms_alert_parse(const struct ms_record *rec, int *level, int *desc,
                   int *reason);

/* A bounds-checked reader: a read past the end returns 0 / NULL and sets
 * |bad|, so a parser checks once, at its end, with ms_rd_done (1 when the
 * input was consumed exactly and never overrun). */
struct ms_rd {
    const unsigned char *p;
    size_t left;
    int bad;
};
void ms_rd_init(struct ms_rd *r, const unsigned char *p, size_t n);
const unsigned char *ms_rd_take(struct ms_rd *r, size_t n);
unsigned ms_rd_u8(struct ms_rd *r);
unsigned ms_rd_u16(struct ms_rd *r);
int ms_rd_done(const struct ms_rd *r);

/* Writers append big-endian integers and bytes to a caller-sized buffer;
 * one that does not fit sets |overflow| (and every later one does nothing),
 * so a builder checks once, at its end. */
struct ms_wbuf {
    unsigned char *p;
    size_t len, cap;
    int overflow;
};
void ms_wbuf_u8(struct ms_wbuf *w, unsigned v);
void ms_wbuf_u16(struct ms_wbuf *w, unsigned v);
void ms_wbuf_u24(struct ms_wbuf *w, unsigned long v);
void ms_wbuf_bytes(struct ms_wbuf *w, const void *b, size_t n);

/* The transcript digest: a 256-bit non-cryptographic hash (four FNV-1a
 * lanes and a final mix).  It makes Finished detect any altered, dropped or
 * reordered handshake byte; it is not a MAC against an attacker. */
struct ms_digest {
    uint64_t lane[4];
};
void ms_digest_init(struct ms_digest *d);
void ms_digest_update(struct ms_digest *d, const void *data, size_t n);
void ms_digest_final(const struct ms_digest *d,
                     unsigned char out[MS_FINISHED_LEN]);

#endif
