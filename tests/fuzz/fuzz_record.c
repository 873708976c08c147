/* libFuzzer target: minissl's record framing and message parsers, and the
 * state machine that consumes them.
 *
 * Each input is used three ways:
 *   1. read as a stream of records, as the record layer reads its BIO:
 *      each framed record is split into its message and handed to every
 *      message parser (each must refuse what is not its own, with a
 *      reason, without reading outside the buffer);
 *   2. fed to a server SSL as what a client sent;
 *   3. fed to a client SSL, after its ClientHello, as what a server sent.
 * In 2 and 3 the SSL must fail with a reason on the error stack, wait for
 * more (WANT_READ), or succeed; and free everything it made.
 * Build and run with scripts/fuzz.sh (clang -fsanitize=fuzzer,address). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/ssl.h>
#include <openssl/err.h>

#include "record.h"

static void parse_messages(const struct ms_record *rec)
{
    struct ms_hs_msg m;
    struct ms_client_hello ch;
    struct ms_server_hello sh;
    struct ms_cert_list cl;
    const unsigned char *vd;
    int reason = 0, level, desc;
    size_t i;
    unsigned sum = 0;

    if (rec->type == MS_CT_ALERT) {
        if (ms_alert_parse(rec, &level, &desc, &reason) && desc > 255)
            abort();                    /* a byte cannot exceed 255 */
        return;
    }
    if (!ms_hs_parse(rec, &m, &reason)) {
        if (reason == 0)
            abort();                    /* a failure must say why */
        return;
    }
    if (m.body + m.len > rec->body + rec->len)
        abort();
    reason = 0;
    if (ms_client_hello_parse(&m, &ch, &reason)) {
        for (i = 0; i < ch.sid_len; i++)
            sum += ch.sid[i];           /* touch what the parser exposed */
        if (ch.n_ciphers == 0 || ch.n_ciphers > MS_WIRE_MAX_CIPHERS)
            abort();
    } else if (reason == 0) {
        abort();
    }
    if (ms_server_hello_parse(&m, &sh, &reason))
        for (i = 0; i < sh.sid_len; i++)
            sum += sh.sid[i];
    if (ms_cert_list_parse(&m, &cl, &reason))
        for (i = 0; i < cl.n; i++)
            sum += cl.cert[i][cl.len[i] - 1];
    if (ms_finished_parse(&m, &vd, &reason))
        sum += vd[MS_FINISHED_LEN - 1];
    (void)ms_empty_parse(&m, &reason);
    (void)sum;
}

static SSL_CTX *fuzz_sctx, *fuzz_cctx;

static void make_ctxs(void)
{
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();

    X509_set_pubkey(x, pk);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"fuzz", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_sign(x, pk, EVP_sha256());
    fuzz_sctx = SSL_CTX_new(TLS_server_method());
    fuzz_cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_use_certificate(fuzz_sctx, x);
    SSL_CTX_use_PrivateKey(fuzz_sctx, pk);
    X509_free(x);
    EVP_PKEY_free(pk);
    if (fuzz_sctx == NULL || fuzz_cctx == NULL)
        abort();
}

/* Feeds |data| to a fresh SSL of |ctx| in |server| role. */
static void feed_ssl(SSL_CTX *ctx, int server, const uint8_t *data,
                     size_t size)
{
    SSL *s = SSL_new(ctx);
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
    char buf[64];
    int r, e, i;

    if (s == NULL || in == NULL || out == NULL)
        abort();
    SSL_set_bio(s, in, out);
    if (server) {
        SSL_set_accept_state(s);
    } else {
        SSL_set_connect_state(s);
        if (SSL_do_handshake(s) != -1)      /* sends its ClientHello */
            abort();
    }
    if (size > 0 && BIO_write(in, data, (int)size) != (int)size)
        abort();
    for (i = 0; i < 3; i++) {
        ERR_clear_error();
        r = SSL_do_handshake(s);
        e = SSL_get_error(s, r);
        if (r == 1) {
            (void)SSL_read(s, buf, sizeof(buf));
            break;
        }
        if (e == SSL_ERROR_SSL && ERR_peek_error() == 0)
            abort();                        /* a failure must say why */
        if (e != SSL_ERROR_SSL && e != SSL_ERROR_WANT_READ
            && e != SSL_ERROR_ZERO_RETURN && e != SSL_ERROR_SYSCALL)
            abort();
    }
    ERR_clear_error();
    SSL_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ms_record rec;
    struct ms_digest d;
    unsigned char out[MS_FINISHED_LEN];
    size_t off = 0;
    int n, reason;

    ms_digest_init(&d);
    ms_digest_update(&d, data, size);
    ms_digest_final(&d, out);
    while (off < size) {
        reason = 0;
        n = ms_record_parse(data + off, size - off, &rec, &reason);
        if (n == 0)
            break;                      /* truncated: the layer would wait */
        if (n < 0) {
            if (reason == 0)
                abort();
            break;                      /* malformed: the layer fails */
        }
        if ((size_t)n > size - off || rec.len > MS_REC_MAX)
            abort();
        parse_messages(&rec);
        off += (size_t)n;
    }
    if (fuzz_sctx == NULL)
        make_ctxs();
    feed_ssl(fuzz_sctx, 1, data, size);
    feed_ssl(fuzz_cctx, 0, data, size);
    return 0;
}
