/* The error stack: one ring of ERR_NUM_ERRORS entries per thread
 * (thread-local storage, so no lock and no allocation), and the reason
 * texts.  The object half's SSL_R_* texts are here; the connection half's
 * are ms_conn_reasons[] (conn_reasons.c). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct ms_err_entry {
    unsigned long code;
    const char *file;
    int line;
    const char *func;
    int flags;              /* ERR_TXT_STRING when |data| is set */
    int mark;
    char data[128];
};

struct ms_err_state {
    struct ms_err_entry e[ERR_NUM_ERRORS];
    int start;              /* oldest entry */
    int count;
};

static _Thread_local struct ms_err_state es_own;
/* FAULT err_stack_shared: one global error stack for every thread, as in
 * libraries whose error queue was a process global (errors of one thread
 * show up in another; the ring is updated without synchronisation). */
static struct ms_err_state es_shared;

static inline struct ms_err_state *es_state(void)
{
    if (MS_FAULT(err_stack_shared)) { return &es_shared; }  /* FAULT */
    return &es_own;
}
#define es (*es_state())

/* FAULT err_stack_shared: each operation on the shared stack is a yield
 * point "err.<op>" in the sched build (sched_hook.h), so that a controlled
 * scheduler can run other threads between them; the per-thread stack
 * races nothing and has none. */
#define ERR_YIELD(op)                                                        \
    MS_SCHED_YIELD_IF(MS_FAULT(err_stack_shared), "err." op, "ERR", 0,       \
                      &es_shared)

static struct ms_err_entry *entry(int i)        /* 0: oldest */
{
    return &es.e[(es.start + i) % ERR_NUM_ERRORS];
}

void ERR_new(void)
{
    struct ms_err_entry *x;

    ERR_YIELD("push");
    if (es.count == ERR_NUM_ERRORS) {           /* drop the oldest */
        es.start = (es.start + 1) % ERR_NUM_ERRORS;
        es.count--;
    }
    x = entry(es.count++);
    memset(x, 0, sizeof(*x));
}

void ERR_set_debug(const char *file, int line, const char *func)
{
    struct ms_err_entry *x;

    if (es.count == 0)
        return;
    x = entry(es.count - 1);
    x->file = file;
    x->line = line;
    x->func = func;
}

void ERR_set_error(int lib, int reason, const char *fmt, ...)
{
    struct ms_err_entry *x;
    va_list ap;

    ERR_YIELD("set");
    if (es.count == 0)
        ERR_new();
    x = entry(es.count - 1);
    x->code = ERR_PACK(lib, 0, reason);
    if (fmt != NULL) {
        va_start(ap, fmt);
        vsnprintf(x->data, sizeof(x->data), fmt, ap);
        va_end(ap);
        x->flags = ERR_TXT_STRING;
    }
}

static unsigned long report(const struct ms_err_entry *x, const char **file,
                            int *line, const char **func, const char **data,
                            int *flags)
{
    if (x == NULL) {
        if (file != NULL)
            *file = "";
        if (line != NULL)
            *line = 0;
        if (func != NULL)
            *func = "";
        if (data != NULL)
            *data = "";
        if (flags != NULL)
            *flags = 0;
        return 0;
    }
    if (file != NULL)
        *file = x->file != NULL ? x->file : "";
    if (line != NULL)
        *line = x->line;
    if (func != NULL)
        *func = x->func != NULL ? x->func : "";
    if (data != NULL)
        *data = x->flags & ERR_TXT_STRING ? x->data : "";
    if (flags != NULL)
        *flags = x->flags;
    return x->code;
}

/* The data strings of a popped entry stay readable until the next ERR_new
 * on this thread reuses the slot, as OpenSSL's do until the next call. */
unsigned long ERR_get_error_all(const char **file, int *line,
                                const char **func, const char **data,
                                int *flags)
{
    struct ms_err_entry *x;

    ERR_YIELD("pop");
    if (es.count == 0)
        return report(NULL, file, line, func, data, flags);
    x = entry(0);
    es.start = (es.start + 1) % ERR_NUM_ERRORS;
    es.count--;
    return report(x, file, line, func, data, flags);
}

unsigned long ERR_peek_error_all(const char **file, int *line,
                                 const char **func, const char **data,
                                 int *flags)
{
    ERR_YIELD("peek");
    return report(es.count == 0 ? NULL : entry(0), file, line, func, data,
                  flags);
}

unsigned long ERR_peek_last_error_all(const char **file, int *line,
                                      const char **func, const char **data,
                                      int *flags)
{
    ERR_YIELD("peek");
    return report(es.count == 0 ? NULL : entry(es.count - 1), file, line,
                  func, data, flags);
}

unsigned long ERR_get_error(void)
{
    return ERR_get_error_all(NULL, NULL, NULL, NULL, NULL);
}

unsigned long ERR_peek_error(void)
{
    return ERR_peek_error_all(NULL, NULL, NULL, NULL, NULL);
}

unsigned long ERR_peek_last_error(void)
{
    return ERR_peek_last_error_all(NULL, NULL, NULL, NULL, NULL);
}

void ERR_clear_error(void)
{
    ERR_YIELD("clear");
    es.start = 0;
    es.count = 0;
}

int ERR_set_mark(void)
{
    ERR_YIELD("mark");
    if (es.count == 0)
        return 0;
    entry(es.count - 1)->mark++;
    return 1;
}

int ERR_pop_to_mark(void)
{
    ERR_YIELD("mark");
    while (es.count > 0) {
        struct ms_err_entry *x = entry(es.count - 1);

        if (x->mark > 0) {
            x->mark--;
            return 1;
        }
        es.count--;
    }
    return 0;
}

int ERR_clear_last_mark(void)
{
    int i;

    ERR_YIELD("mark");
    for (i = es.count - 1; i >= 0; i--)
        if (entry(i)->mark > 0) {
            entry(i)->mark--;
            return 1;
        }
    return 0;
}

int ERR_load_ERR_strings(void)
{
    return 1;
}

/* ---- Texts ---- */
static const struct ms_reason lib_names[] = {
    {ERR_LIB_NONE, "unknown library"},
    {ERR_LIB_SYS, "system library"},
    {ERR_LIB_BN, "bignum routines"},
    {ERR_LIB_RSA, "rsa routines"},
    {ERR_LIB_DH, "Diffie-Hellman routines"},
    {ERR_LIB_EVP, "digital envelope routines"},
    {ERR_LIB_BUF, "memory buffer routines"},
    {ERR_LIB_OBJ, "object identifier routines"},
    {ERR_LIB_PEM, "PEM routines"},
    {ERR_LIB_X509, "x509 certificate routines"},
    {ERR_LIB_ASN1, "asn1 encoding routines"},
    {ERR_LIB_CRYPTO, "common libcrypto routines"},
    {ERR_LIB_EC, "elliptic curve routines"},
    {ERR_LIB_SSL, "SSL routines"},
    {ERR_LIB_BIO, "BIO routines"},
    {ERR_LIB_X509V3, "X509 V3 routines"},
    {ERR_LIB_USER, "user library"},
    {0, NULL},
};

static const struct ms_reason common_reasons[] = {
    {ERR_R_MALLOC_FAILURE, "malloc failure"},
    {ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED, "called a function you should not call"},
    {ERR_R_PASSED_NULL_PARAMETER, "passed a null parameter"},
    {ERR_R_INTERNAL_ERROR, "internal error"},
    {ERR_R_DISABLED, "called a function that was disabled at compile-time"},
    {ERR_R_INIT_FAIL, "init fail"},
    {ERR_R_PASSED_INVALID_ARGUMENT, "passed invalid argument"},
    {ERR_R_OPERATION_FAIL, "operation fail"},
    {ERR_R_UNSUPPORTED, "unsupported"},
    {ERR_R_SYS_LIB, "system lib"},
    {ERR_R_EVP_LIB, "EVP lib"},
    {ERR_R_X509_LIB, "X509 lib"},
    {ERR_R_ASN1_LIB, "ASN1 lib"},
    {ERR_R_CRYPTO_LIB, "CRYPTO lib"},
    {ERR_R_SSL_LIB, "SSL lib"},
    {ERR_R_BIO_LIB, "BIO lib"},
    {0, NULL},
};

static const struct ms_reason ssl_reasons[] = {
    {SSL_R_BAD_DATA, "bad data"},
    {SSL_R_BAD_LENGTH, "bad length"},
    {SSL_R_BAD_PROTOCOL_VERSION_NUMBER, "bad protocol version number"},
    {SSL_R_BAD_VALUE, "bad value"},
    {SSL_R_CALLBACK_FAILED, "callback failed"},
    {SSL_R_CONTEXT_NOT_DANE_ENABLED, "context not dane enabled"},
    {SSL_R_CUSTOM_EXT_HANDLER_ALREADY_INSTALLED,
     "custom ext handler already installed"},
    {SSL_R_DANE_ALREADY_ENABLED, "dane already enabled"},
    {SSL_R_DANE_NOT_ENABLED, "dane not enabled"},
    {SSL_R_DANE_TLSA_BAD_CERTIFICATE_USAGE, "dane tlsa bad certificate usage"},
    {SSL_R_DANE_TLSA_BAD_DATA_LENGTH, "dane tlsa bad data length"},
    {SSL_R_DANE_TLSA_BAD_DIGEST_LENGTH, "dane tlsa bad digest length"},
    {SSL_R_DANE_TLSA_BAD_MATCHING_TYPE, "dane tlsa bad matching type"},
    {SSL_R_DANE_TLSA_BAD_SELECTOR, "dane tlsa bad selector"},
    {SSL_R_DANE_TLSA_NULL_DATA, "dane tlsa null data"},
    {SSL_R_DATA_LENGTH_TOO_LONG, "data length too long"},
    {SSL_R_INVALID_COMMAND, "invalid command"},
    {SSL_R_INVALID_SERVERINFO_DATA, "invalid serverinfo data"},
    {SSL_R_LENGTH_MISMATCH, "length mismatch"},
    {SSL_R_NO_CERTIFICATE_ASSIGNED, "no certificate assigned"},
    {SSL_R_NO_CIPHER_MATCH, "no cipher match"},
    {SSL_R_NO_METHOD_SPECIFIED, "no method specified"},
    {SSL_R_NO_PRIVATE_KEY_ASSIGNED, "no private key assigned"},
    {SSL_R_NULL_SSL_CTX, "null ssl ctx"},
    {SSL_R_NULL_SSL_METHOD_PASSED, "null ssl method passed"},
    {SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG, "ssl session id context too long"},
    {SSL_R_SSL_SESSION_ID_TOO_LONG, "ssl session id too long"},
    {SSL_R_UNINITIALIZED, "uninitialized"},
    {SSL_R_UNKNOWN_CERTIFICATE_TYPE, "unknown certificate type"},
    {SSL_R_UNKNOWN_PKEY_TYPE, "unknown pkey type"},
    {SSL_R_UNSUPPORTED_PROTOCOL, "unsupported protocol"},
    {SSL_R_WRONG_SSL_VERSION, "wrong ssl version"},
    {SSL_R_X509_LIB, "x509 lib"},
    {0, NULL},
};

static const struct ms_reason x509_reasons[] = {
    {X509_R_CERT_ALREADY_IN_HASH_TABLE, "cert already in hash table"},
    {X509_R_KEY_VALUES_MISMATCH, "key values mismatch"},
    {X509_R_UNKNOWN_KEY_TYPE, "unknown key type"},
    {X509_R_INVALID_FIELD_NAME, "invalid field name"},
    {X509_R_WRONG_TYPE, "wrong type"},
    {0, NULL},
};

static const struct ms_reason evp_reasons[] = {
    {EVP_R_UNSUPPORTED_KEY_SIZE, "unsupported key size"},
    {EVP_R_INVALID_KEY_LENGTH, "invalid key length"},
    {EVP_R_UNSUPPORTED_ALGORITHM, "unsupported algorithm"},
    {EVP_R_INVALID_KEY, "invalid key"},
    {EVP_R_UNKNOWN_OPTION, "unknown option"},
    {EVP_R_UNSUPPORTED_KEY_TYPE, "unsupported key type"},
    {0, NULL},
};

static const char *find(const struct ms_reason *t, int code)
{
    for (; t->text != NULL; t++)
        if (t->code == code)
            return t->text;
    return NULL;
}

const char *ERR_lib_error_string(unsigned long e)
{
    return find(lib_names, ERR_GET_LIB(e));
}

const char *ERR_func_error_string(unsigned long e)
{
    (void)e;
    return NULL;
}

const char *ERR_reason_error_string(unsigned long e)
{
    int r = ERR_GET_REASON(e);
    const char *s;

    if (ERR_SYSTEM_ERROR(e))
        return NULL;
    if (ERR_COMMON_ERROR(e))
        return find(common_reasons, r);
    switch (ERR_GET_LIB(e)) {
    case ERR_LIB_SSL:
        if ((s = find(ssl_reasons, r)) != NULL)
            return s;
        return find(ms_conn_reasons, r);
    case ERR_LIB_X509:
        return find(x509_reasons, r);
    case ERR_LIB_EVP:
        return find(evp_reasons, r);
    default:
        return NULL;
    }
}

void ERR_error_string_n(unsigned long e, char *buf, size_t len)
{
    char lbuf[32], rbuf[32];
    const char *ls, *rs;

    if (buf == NULL || len == 0)
        return;
    if ((ls = ERR_lib_error_string(e)) == NULL) {
        snprintf(lbuf, sizeof(lbuf), "lib(%d)", ERR_GET_LIB(e));
        ls = lbuf;
    }
    if ((rs = ERR_reason_error_string(e)) == NULL) {
        snprintf(rbuf, sizeof(rbuf), "reason(%d)", ERR_GET_REASON(e));
        rs = rbuf;
    }
    snprintf(buf, len, "error:%08lX:%s:%s:%s", e, ls, "", rs);
}

char *ERR_error_string(unsigned long e, char *buf)
{
    static _Thread_local char own[256];

    if (buf == NULL)
        buf = own;
    ERR_error_string_n(e, buf, 256);
    return buf;
}

void ERR_print_errors_cb(int (*cb)(const char *str, size_t len, void *u),
                         void *u)
{
    const char *file, *func, *data;
    int line, flags;
    unsigned long e;
    char es_buf[256], out[640];

    while ((e = ERR_get_error_all(&file, &line, &func, &data, &flags)) != 0) {
        ERR_error_string_n(e, es_buf, sizeof(es_buf));
        snprintf(out, sizeof(out), "%lX:%s:%s:%d:%s\n",
                 (unsigned long)pthread_self(), es_buf, file, line, data);
        if (cb(out, strlen(out), u) <= 0)
            break;
    }
}

static int print_fp(const char *str, size_t len, void *u)
{
    return fwrite(str, 1, len, u) == len;
}

void ERR_print_errors_fp(FILE *fp)
{
    if (fp == NULL) {
        ERR_clear_error();
        return;
    }
    ERR_print_errors_cb(print_fp, fp);
}
