/* Framing and message parsing of minissl's wire format (see record.h).
 * Every read goes through struct ms_rd, which refuses to step past the end
 * and remembers that it did, so a parser checks once at its end. */
#include <string.h>

#include <openssl/ssl_conn.h>
#include <openssl/sslerr.h>

#include "record.h"

void ms_rd_init(struct ms_rd *r, const unsigned char *p, size_t n)
{
    r->p = p;
    r->left = n;
    r->bad = 0;
}

const unsigned char *ms_rd_take(struct ms_rd *r, size_t n)
{
    const unsigned char *q;

    if (r->bad || n > r->left) {
        r->bad = 1;
        return NULL;
    }
    q = r->p;
    r->p += n;
    r->left -= n;
    return q;
}

unsigned ms_rd_u8(struct ms_rd *r)
{
    const unsigned char *q = ms_rd_take(r, 1);

    return q == NULL ? 0 : q[0];
}

unsigned ms_rd_u16(struct ms_rd *r)
{
    const unsigned char *q = ms_rd_take(r, 2);

    return q == NULL ? 0 : (unsigned)q[0] << 8 | q[1];
}

int ms_rd_done(const struct ms_rd *r)
{
    return !r->bad && r->left == 0;
}

int ms_record_parse(const unsigned char *buf, size_t n, struct ms_record *rec,
                    int *reason)
{
    size_t len;
    unsigned version;

    if (n < MS_REC_HEADER)
        return 0;
    rec->type = buf[0];
    version = (unsigned)buf[1] << 8 | buf[2];
    len = (size_t)buf[3] << 8 | buf[4];
    switch (rec->type) {
    case MS_CT_ALERT:
    case MS_CT_HANDSHAKE:
    case MS_CT_APPLICATION_DATA:
        break;
    default:
        *reason = SSL_R_BAD_RECORD_TYPE;
        return -1;
    }
    if ((version >> 8) != 3 || (version & 0xff) > 4) {
        *reason = SSL_R_WRONG_VERSION_NUMBER;
        return -1;
    }
    if (len > MS_REC_MAX) {
        *reason = SSL_R_PACKET_LENGTH_TOO_LONG;
        return -1;
    }
    if ((rec->type == MS_CT_ALERT && len != 2)
        || (rec->type == MS_CT_HANDSHAKE && len < MS_HS_HEADER)
        || len == 0) {
        *reason = SSL_R_RECORD_TOO_SMALL;
        if (rec->type == MS_CT_ALERT)
            *reason = SSL_R_INVALID_ALERT;
        return -1;
    }
    if (n - MS_REC_HEADER < len)
        return 0;
    rec->version = (uint16_t)version;
    rec->body = buf + MS_REC_HEADER;
    rec->len = len;
    return (int)(MS_REC_HEADER + len);
}

int ms_hs_parse(const struct ms_record *rec, struct ms_hs_msg *msg,
                int *reason)
{
    size_t len;

    if (rec->type != MS_CT_HANDSHAKE || rec->len < MS_HS_HEADER) {
        *reason = SSL_R_UNEXPECTED_RECORD;
        return 0;
    }
    len = (size_t)rec->body[1] << 16 | (size_t)rec->body[2] << 8
          | rec->body[3];
    if (len != rec->len - MS_HS_HEADER) {
        *reason = SSL_R_BAD_HANDSHAKE_LENGTH;
        return 0;
    }
    msg->type = rec->body[0];
    msg->body = rec->body + MS_HS_HEADER;
    msg->len = len;
    msg->whole = rec->body;
    msg->whole_len = rec->len;
    return 1;
}

static int bad(int *reason, int why)
{
    *reason = why;
    return 0;
}

int ms_client_hello_parse(const struct ms_hs_msg *m,
                          struct ms_client_hello *ch, int *reason)
{
    struct ms_rd r;
    size_t i, n;

    if (m->type != MS_HT_CLIENT_HELLO)
        return bad(reason, SSL_R_UNEXPECTED_MESSAGE);
    ms_rd_init(&r, m->body, m->len);
    ch->max_version = (uint16_t)ms_rd_u16(&r);
    ch->min_version = (uint16_t)ms_rd_u16(&r);
    ch->random = ms_rd_take(&r, MS_RANDOM_LEN);
    ch->sid_len = ms_rd_u8(&r);
    if (ch->sid_len > MS_SID_MAX)
        return bad(reason, SSL_R_LENGTH_MISMATCH);
    ch->sid = ms_rd_take(&r, ch->sid_len);
    n = ms_rd_u16(&r);
    if (r.bad)
        return bad(reason, SSL_R_LENGTH_TOO_SHORT);
    if (n < 2 || n % 2 != 0 || n / 2 > MS_WIRE_MAX_CIPHERS)
        return bad(reason, SSL_R_BAD_LENGTH);
    ch->n_ciphers = n / 2;
    for (i = 0; i < ch->n_ciphers; i++)
        ch->ciphers[i] = (uint16_t)ms_rd_u16(&r);
    if (!ms_rd_done(&r))
        return bad(reason, SSL_R_LENGTH_MISMATCH);
    if (ch->min_version > ch->max_version)
        return bad(reason, SSL_R_BAD_VALUE);
    return 1;
}

int ms_server_hello_parse(const struct ms_hs_msg *m,
                          struct ms_server_hello *sh, int *reason)
{
    struct ms_rd r;

    if (m->type != MS_HT_SERVER_HELLO)
        return bad(reason, SSL_R_UNEXPECTED_MESSAGE);
    ms_rd_init(&r, m->body, m->len);
    sh->version = (uint16_t)ms_rd_u16(&r);
    sh->random = ms_rd_take(&r, MS_RANDOM_LEN);
    sh->sid_len = ms_rd_u8(&r);
    if (sh->sid_len > MS_SID_MAX)
        return bad(reason, SSL_R_LENGTH_MISMATCH);
    sh->sid = ms_rd_take(&r, sh->sid_len);
    sh->cipher = (uint16_t)ms_rd_u16(&r);
    if (!ms_rd_done(&r))
        return bad(reason, SSL_R_LENGTH_MISMATCH);
    return 1;
}

int ms_cert_list_parse(const struct ms_hs_msg *m, struct ms_cert_list *cl,
                       int *reason)
{
    struct ms_rd r;
    size_t i;

    if (m->type != MS_HT_CERTIFICATE)
        return bad(reason, SSL_R_UNEXPECTED_MESSAGE);
    ms_rd_init(&r, m->body, m->len);
    cl->n = ms_rd_u8(&r);
    if (cl->n > MS_MAX_CHAIN)
        return bad(reason, SSL_R_EXCESSIVE_MESSAGE_SIZE);
    for (i = 0; i < cl->n; i++) {
        cl->len[i] = ms_rd_u16(&r);
        if (cl->len[i] == 0)
            return bad(reason, SSL_R_LENGTH_MISMATCH);
        cl->cert[i] = ms_rd_take(&r, cl->len[i]);
    }
    if (!ms_rd_done(&r))
        return bad(reason, SSL_R_LENGTH_MISMATCH);
    return 1;
}

int ms_empty_parse(const struct ms_hs_msg *m, int *reason)
{
    if (m->len != 0)
        return bad(reason, SSL_R_LENGTH_MISMATCH);
    return 1;
}

int ms_finished_parse(const struct ms_hs_msg *m,
                      const unsigned char **verify_data, int *reason)
{
    if (m->type != MS_HT_FINISHED)
        return bad(reason, SSL_R_UNEXPECTED_MESSAGE);
    if (m->len != MS_FINISHED_LEN)
        return bad(reason, SSL_R_BAD_LENGTH);
    *verify_data = m->body;
    return 1;
}

int ms_alert_parse(const struct ms_record *rec, int *level, int *desc,
                   int *reason)
{
    if (rec->type != MS_CT_ALERT || rec->len != 2)
        return bad(reason, SSL_R_INVALID_ALERT);
    *level = rec->body[0];
    *desc = rec->body[1];
    if (*level != SSL3_AL_WARNING && *level != SSL3_AL_FATAL)
        return bad(reason, SSL_R_UNKNOWN_ALERT_TYPE);
    return 1;
}

void ms_wbuf_bytes(struct ms_wbuf *w, const void *b, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    if (n > 0)
        memcpy(w->p + w->len, b, n);
    w->len += n;
}

void ms_wbuf_u8(struct ms_wbuf *w, unsigned v)
{
    unsigned char b = (unsigned char)v;

    ms_wbuf_bytes(w, &b, 1);
}

void ms_wbuf_u16(struct ms_wbuf *w, unsigned v)
{
    unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};

    ms_wbuf_bytes(w, b, 2);
}

void ms_wbuf_u24(struct ms_wbuf *w, unsigned long v)
{
    unsigned char b[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8),
                          (unsigned char)v};

    ms_wbuf_bytes(w, b, 3);
}

/* FNV-1a, 64-bit, four lanes with distinct offsets; see record.h. */
#define MS_FNV_PRIME 0x100000001b3ULL

void ms_digest_init(struct ms_digest *d)
{
    d->lane[0] = 0xcbf29ce484222325ULL;
    d->lane[1] = 0x84222325cbf29ce4ULL;
    d->lane[2] = 0x9e3779b97f4a7c15ULL;
    d->lane[3] = 0xbf58476d1ce4e5b9ULL;
}

void ms_digest_update(struct ms_digest *d, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i;
    int k;

    for (i = 0; i < n; i++)
        for (k = 0; k < 4; k++)
            d->lane[k] = (d->lane[k] ^ (uint64_t)(p[i] + k)) * MS_FNV_PRIME;
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ms_digest_final(const struct ms_digest *d,
                     unsigned char out[MS_FINISHED_LEN])
{
    int k, j;

    for (k = 0; k < 4; k++) {
        uint64_t v = mix64(d->lane[k] ^ mix64(d->lane[(k + 1) % 4]));

        for (j = 0; j < 8; j++)
            out[k * 8 + j] = (unsigned char)(v >> (56 - 8 * j));
    }
}
