/* X509 stand-in and the ASN1 INTEGER/TIME subset.  A certificate is
 * reference counted (atomic) and immutable once shared. */
#include <string.h>
#include <time.h>

#include "internal.h"

/* ---- ASN1 ---- */
ASN1_INTEGER *ASN1_INTEGER_new(void)
{
    ASN1_INTEGER *a = ms_zalloc(sizeof(*a));

    if (a != NULL)
        a->type = V_ASN1_INTEGER;
    return a;
}

void ASN1_INTEGER_free(ASN1_INTEGER *a)
{
    ms_free(a);
}

int ASN1_INTEGER_set(ASN1_INTEGER *a, long v)
{
    if (a == NULL) {
        ERR_raise(ERR_LIB_ASN1, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    a->type = V_ASN1_INTEGER;
    a->value = v;
    return 1;
}

long ASN1_INTEGER_get(const ASN1_INTEGER *a)
{
    return a == NULL ? -1 : a->value;
}

ASN1_TIME *ASN1_TIME_new(void)
{
    ASN1_TIME *t = ms_zalloc(sizeof(*t));

    if (t != NULL)
        t->type = V_ASN1_UTCTIME;
    return t;
}

void ASN1_TIME_free(ASN1_TIME *t)
{
    ms_free(t);
}

ASN1_TIME *ASN1_TIME_set(ASN1_TIME *s, time_t t)
{
    if (s == NULL && (s = ASN1_TIME_new()) == NULL)
        return NULL;
    s->type = V_ASN1_UTCTIME;
    s->time = t;
    return s;
}

int ASN1_TIME_diff(int *pday, int *psec, const ASN1_TIME *from,
                   const ASN1_TIME *to)
{
    time_t a, b;
    long long d;

    a = from == NULL ? time(NULL) : from->time;
    b = to == NULL ? time(NULL) : to->time;
    d = (long long)b - (long long)a;
    if (pday != NULL)
        *pday = (int)(d / 86400);
    if (psec != NULL)
        *psec = (int)(d % 86400);
    return 1;
}

ASN1_TIME *X509_time_adj_ex(ASN1_TIME *s, int offset_day, long offset_sec,
                            time_t *in_tm)
{
    time_t t = in_tm != NULL ? *in_tm : time(NULL);

    return ASN1_TIME_set(s, t + (time_t)offset_day * 86400 + offset_sec);
}

ASN1_TIME *X509_gmtime_adj(ASN1_TIME *s, long adj)
{
    return X509_time_adj_ex(s, 0, adj, NULL);
}

int X509_cmp_current_time(const ASN1_TIME *s)
{
    if (s == NULL)
        return 0;
    return s->time <= time(NULL) ? -1 : 1;
}

/* ---- X509 ---- */
static void x509_destroy(X509 *x)
{
    ms_ex_free(CRYPTO_EX_INDEX_X509, x, &x->ex_data);
    X509_NAME_free(x->subject);
    X509_NAME_free(x->issuer);
    EVP_PKEY_free(x->pubkey);
    ms_obj_retire(x, sizeof(*x));
}

X509 *X509_new(void)
{
    X509 *x = ms_obj_new(MINISSL_X509, sizeof(X509));

    if (x == NULL)
        return NULL;
    x->serial.type = V_ASN1_INTEGER;
    x->not_before.type = V_ASN1_UTCTIME;
    x->not_after.type = V_ASN1_UTCTIME;
    if ((x->subject = X509_NAME_new()) == NULL
        || (x->issuer = X509_NAME_new()) == NULL
        || !ms_ex_new(CRYPTO_EX_INDEX_X509, x, &x->ex_data)) {
        x509_destroy(x);
        return NULL;
    }
    return x;
}

int X509_up_ref(X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    return ms_ref_up(&x->hdr.refs, "X509", x->hdr.id);
}

void X509_free(X509 *x)
{
    if (x == NULL)
        return;
    ms_obj_check_ref(&x->hdr, MINISSL_X509, "X509_free");
    if (ms_ref_down(&x->hdr.refs, "X509", x->hdr.id) > 0)
        return;
    x509_destroy(x);
}

X509 *X509_dup(const X509 *x)
{
    X509 *d;

    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    if ((d = X509_new()) == NULL)
        return NULL;
    d->version = x->version;
    d->serial = x->serial;
    d->not_before = x->not_before;
    d->not_after = x->not_after;
    memcpy(d->sig, x->sig, sizeof(d->sig));
    d->sig_len = x->sig_len;
    if (!X509_set_subject_name(d, x->subject)
        || !X509_set_issuer_name(d, x->issuer)
        || (x->pubkey != NULL && !X509_set_pubkey(d, x->pubkey))) {
        X509_free(d);
        return NULL;
    }
    return d;
}

int X509_set_version(X509 *x, long version)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    if (version < 0 || version > 2) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT);
        return 0;
    }
    x->version = version;
    return 1;
}

long X509_get_version(const X509 *x)
{
    return x == NULL ? 0 : x->version;
}

ASN1_INTEGER *X509_get_serialNumber(X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    return &x->serial;
}

const ASN1_INTEGER *X509_get0_serialNumber(const X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    return &x->serial;
}

ASN1_TIME *X509_getm_notBefore(const X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    return (ASN1_TIME *)&x->not_before;
}

ASN1_TIME *X509_getm_notAfter(const X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    return (ASN1_TIME *)&x->not_after;
}

const ASN1_TIME *X509_get0_notBefore(const X509 *x)
{
    return X509_getm_notBefore(x);
}

const ASN1_TIME *X509_get0_notAfter(const X509 *x)
{
    return X509_getm_notAfter(x);
}

int X509_set_pubkey(X509 *x, EVP_PKEY *pkey)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    MS_CHECK_LIB(pkey, MINISSL_EVP_PKEY, ERR_LIB_X509, 0);
    if (pkey->type == EVP_PKEY_NONE) {
        ERR_raise(ERR_LIB_X509, X509_R_UNKNOWN_KEY_TYPE);
        return 0;
    }
    EVP_PKEY_up_ref(pkey);
    EVP_PKEY_free(x->pubkey);
    x->pubkey = pkey;
    return 1;
}

EVP_PKEY *X509_get0_pubkey(const X509 *x)
{
    return x == NULL ? NULL : x->pubkey;
}

EVP_PKEY *X509_get_pubkey(X509 *x)
{
    if (x == NULL || x->pubkey == NULL)
        return NULL;
    EVP_PKEY_up_ref(x->pubkey);
    return x->pubkey;
}

X509_NAME *X509_get_subject_name(const X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    return x->subject;
}

X509_NAME *X509_get_issuer_name(const X509 *x)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, NULL);
    return x->issuer;
}

static int set_name(X509_NAME **dst, const X509_NAME *name)
{
    X509_NAME *d;

    if (name == NULL) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (*dst == name)
        return 1;
    if ((d = X509_NAME_dup(name)) == NULL)
        return 0;
    X509_NAME_free(*dst);
    *dst = d;
    return 1;
}

int X509_set_subject_name(X509 *x, const X509_NAME *name)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    return set_name(&x->subject, name);
}

int X509_set_issuer_name(X509 *x, const X509_NAME *name)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    return set_name(&x->issuer, name);
}

static void mix(uint32_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;

    while (n-- > 0) {                   /* FNV-1a */
        *h ^= *b++;
        *h *= 16777619u;
    }
}

int X509_sign(X509 *x, EVP_PKEY *pkey, const EVP_MD *md)
{
    uint32_t h = 2166136261u;
    size_t i;

    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    MS_CHECK_LIB(pkey, MINISSL_EVP_PKEY, ERR_LIB_X509, 0);
    if (pkey->type == EVP_PKEY_NONE || pkey->type == EVP_PKEY_X25519) {
        ERR_raise(ERR_LIB_X509, X509_R_UNKNOWN_KEY_TYPE);
        return 0;
    }
    if (md == NULL && pkey->type != EVP_PKEY_ED25519) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    for (i = 0; i < x->subject->n; i++)
        mix(&h, x->subject->ent[i].value, x->subject->ent[i].len);
    mix(&h, &x->serial.value, sizeof(x->serial.value));
    mix(&h, pkey->raw, sizeof(pkey->raw));
    for (i = 0; i < sizeof(x->sig); i++) {
        mix(&h, &i, sizeof(i));
        x->sig[i] = (unsigned char)h;
    }
    switch (pkey->type) {
    case EVP_PKEY_RSA:
        x->sig_len = (size_t)(pkey->bits + 7) / 8;
        break;
    case EVP_PKEY_EC:
        x->sig_len = 2 * (size_t)((pkey->bits + 7) / 8) + 8;
        break;
    default:
        x->sig_len = 64;
        break;
    }
    return (int)x->sig_len;
}

int X509_check_private_key(const X509 *x, const EVP_PKEY *pkey)
{
    MS_CHECK_LIB(x, MINISSL_X509, ERR_LIB_X509, 0);
    MS_CHECK_LIB(pkey, MINISSL_EVP_PKEY, ERR_LIB_X509, 0);
    if (x->pubkey == NULL) {
        ERR_raise(ERR_LIB_X509, X509_R_UNKNOWN_KEY_TYPE);
        return 0;
    }
    if (!ms_pkey_matches(x->pubkey, pkey)) {
        ERR_raise(ERR_LIB_X509, X509_R_KEY_VALUES_MISMATCH);
        return 0;
    }
    return 1;
}

int X509_cmp(const X509 *a, const X509 *b)
{
    int r;

    if (a == b)
        return 0;
    if (a == NULL || b == NULL)
        return a == NULL ? -1 : 1;
    if ((r = X509_NAME_cmp(a->subject, b->subject)) != 0
        || (r = X509_NAME_cmp(a->issuer, b->issuer)) != 0)
        return r;
    if (a->serial.value != b->serial.value)
        return a->serial.value < b->serial.value ? -1 : 1;
    if (a->pubkey != NULL && b->pubkey != NULL
        && !ms_pkey_matches(a->pubkey, b->pubkey))
        return memcmp(a->pubkey->raw, b->pubkey->raw, 32) < 0 ? -1 : 1;
    return (a->pubkey != NULL) - (b->pubkey != NULL);
}
