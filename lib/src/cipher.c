/* Cipher and signature-algorithm names: the tables and the parsers of
 * OpenSSL-style lists ("A:B:C").  Static data only; thread-safe. */
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct ms_cipher ciphers[] = {
    /* TLS 1.3, OpenSSL's default order first. */
    {"TLS_AES_256_GCM_SHA384", 0x1302, 1},
    {"TLS_CHACHA20_POLY1305_SHA256", 0x1303, 1},
    {"TLS_AES_128_GCM_SHA256", 0x1301, 1},
    {"TLS_AES_128_CCM_SHA256", 0x1304, 1},
    {"TLS_AES_128_CCM_8_SHA256", 0x1305, 1},
    /* TLS 1.2 and below. */
    {"ECDHE-ECDSA-AES256-GCM-SHA384", 0xc02c, 0},
    {"ECDHE-RSA-AES256-GCM-SHA384", 0xc030, 0},
    {"ECDHE-ECDSA-CHACHA20-POLY1305", 0xcca9, 0},
    {"ECDHE-RSA-CHACHA20-POLY1305", 0xcca8, 0},
    {"ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, 0},
    {"ECDHE-RSA-AES128-GCM-SHA256", 0xc02f, 0},
    {"AES256-GCM-SHA384", 0x009d, 0},
    {"AES128-GCM-SHA256", 0x009c, 0},
    {"AES256-SHA", 0x0035, 0},
    {"AES128-SHA", 0x002f, 0},
};

#define NCIPHERS ((int)(sizeof(ciphers) / sizeof(ciphers[0])))
#define NDEFAULT_TLS13 3        /* the first three: OpenSSL 3's default */

const struct ms_cipher *ms_cipher_at(int index)
{
    if (index < 0 || index >= NCIPHERS)
        return NULL;
    return &ciphers[index];
}

size_t ms_cipher_default(int tls13, unsigned char *out)
{
    size_t n = 0;
    int i;

    for (i = 0; i < NCIPHERS; i++) {
        if (ciphers[i].tls13 != tls13)
            continue;
        if (tls13 && n == NDEFAULT_TLS13)
            break;
        out[n++] = (unsigned char)i;
    }
    return n;
}

static int add_unique(unsigned char *out, size_t *n, int idx)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (out[i] == idx)
            return 1;                   /* a repeat is ignored, as OpenSSL */
    if (*n == MS_MAX_CIPHERS)
        return 0;
    out[(*n)++] = (unsigned char)idx;
    return 1;
}

size_t ms_cipher_parse(const char *str, int tls13, unsigned char *out)
{
    unsigned char tmp[MS_MAX_CIPHERS];
    size_t n = 0, len, k;
    const char *p = str;
    int i;

    if (str == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    while (*p != '\0') {
        len = strcspn(p, ":, ");
        if (len == 0) {
            p++;
            continue;
        }
        if ((len == 7 && strncmp(p, "DEFAULT", 7) == 0)
            || (len == 3 && strncmp(p, "ALL", 3) == 0)) {
            unsigned char d[MS_MAX_CIPHERS];
            size_t nd = ms_cipher_default(tls13, d);

            for (k = 0; k < nd; k++)
                add_unique(tmp, &n, d[k]);
        } else {
            for (i = 0; i < NCIPHERS; i++)
                if (strlen(ciphers[i].name) == len
                    && strncmp(ciphers[i].name, p, len) == 0)
                    break;
            if (i == NCIPHERS || ciphers[i].tls13 != tls13) {
                ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH, "%.*s",
                               (int)len, p);
                return 0;
            }
            add_unique(tmp, &n, i);
        }
        p += len;
    }
    if (n == 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
        return 0;
    }
    memcpy(out, tmp, n);
    return n;
}

/* ---- Signature algorithms ---- */
static const struct {
    const char *name;       /* TLS 1.3 name */
    const char *alg, *hash; /* "ALG+HASH" form, NULL if none */
    uint16_t code;
} sigalgs[] = {
    {"ecdsa_secp256r1_sha256", "ECDSA", "SHA256", 0x0403},
    {"ecdsa_secp384r1_sha384", "ECDSA", "SHA384", 0x0503},
    {"ecdsa_secp521r1_sha512", "ECDSA", "SHA512", 0x0603},
    {"ed25519", NULL, NULL, 0x0807},
    {"ed448", NULL, NULL, 0x0808},
    {"rsa_pss_rsae_sha256", "RSA-PSS", "SHA256", 0x0804},
    {"rsa_pss_rsae_sha384", "RSA-PSS", "SHA384", 0x0805},
    {"rsa_pss_rsae_sha512", "RSA-PSS", "SHA512", 0x0806},
    {"rsa_pss_pss_sha256", NULL, NULL, 0x0809},
    {"rsa_pss_pss_sha384", NULL, NULL, 0x080a},
    {"rsa_pss_pss_sha512", NULL, NULL, 0x080b},
    {"rsa_pkcs1_sha256", "RSA", "SHA256", 0x0401},
    {"rsa_pkcs1_sha384", "RSA", "SHA384", 0x0501},
    {"rsa_pkcs1_sha512", "RSA", "SHA512", 0x0601},
    {"ecdsa_sha1", "ECDSA", "SHA1", 0x0203},
    {"rsa_pkcs1_sha1", "RSA", "SHA1", 0x0201},
};

#define NSIGALGS (sizeof(sigalgs) / sizeof(sigalgs[0]))
#define MS_MAX_SIGALGS 32

static int sigalg_code(const char *p, size_t len)
{
    const char *plus = memchr(p, '+', len);
    size_t i;

    for (i = 0; i < NSIGALGS; i++) {
        if (plus == NULL) {
            if (strlen(sigalgs[i].name) == len
                && strncmp(sigalgs[i].name, p, len) == 0)
                return sigalgs[i].code;
            continue;
        }
        if (sigalgs[i].alg == NULL)
            continue;
        if ((strlen(sigalgs[i].alg) == (size_t)(plus - p)
             && strncasecmp(sigalgs[i].alg, p, (size_t)(plus - p)) == 0)
            || ((size_t)(plus - p) == 3 && strncasecmp(p, "PSS", 3) == 0
                && strcmp(sigalgs[i].alg, "RSA-PSS") == 0)) {
            const char *h = plus + 1;
            size_t hl = len - (size_t)(plus - p) - 1;

            if (strlen(sigalgs[i].hash) == hl
                && strncasecmp(sigalgs[i].hash, h, hl) == 0)
                return sigalgs[i].code;
        }
    }
    return -1;
}

int ms_sigalgs_parse(const char *str, uint16_t **out, size_t *n)
{
    uint16_t tmp[MS_MAX_SIGALGS];
    size_t cnt = 0, len, i;
    const char *p = str;
    int code;

    if (str == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    while (*p != '\0') {
        len = strcspn(p, ":");
        if (len == 0 || (code = sigalg_code(p, len)) < 0) {
            ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_VALUE, "%.*s", (int)len, p);
            return 0;
        }
        for (i = 0; i < cnt; i++)
            if (tmp[i] == code) {
                ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_VALUE, "repeated %.*s",
                               (int)len, p);
                return 0;
            }
        if (cnt == MS_MAX_SIGALGS) {
            ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
            return 0;
        }
        tmp[cnt++] = (uint16_t)code;
        p += len;
        if (*p == ':')
            p++;
    }
    if (cnt == 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_VALUE);
        return 0;
    }
    if ((*out = ms_memdup(tmp, cnt * sizeof(tmp[0]))) == NULL)
        return 0;
    *n = cnt;
    return 1;
}

const char *ms_cfg_cipher_name(const struct ms_cfg *c, int n)
{
    if (n < 0)
        return NULL;
    if ((size_t)n < c->nsuites)
        return ms_cipher_at(c->suites[n])->name;
    n -= (int)c->nsuites;
    if ((size_t)n < c->nciphers)
        return ms_cipher_at(c->ciphers[n])->name;
    return NULL;
}
