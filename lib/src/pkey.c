/* EVP_PKEY stand-in and the digests: a key is a type, a size and 32
 * identity bytes, unique per generated key.  Reference counted through
 * ms_ref (atomic); immutable once made, so any thread holding a reference
 * may read it. */
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

EVP_PKEY *EVP_PKEY_new(void)
{
    EVP_PKEY *k = ms_obj_new(MINISSL_EVP_PKEY, sizeof(EVP_PKEY));

    if (k != NULL)
        k->type = EVP_PKEY_NONE;
    return k;
}

int EVP_PKEY_up_ref(EVP_PKEY *pkey)
{
    MS_CHECK_LIB(pkey, MINISSL_EVP_PKEY, ERR_LIB_EVP, 0);
    return ms_ref_up(&pkey->hdr.refs, "EVP_PKEY", pkey->hdr.id);
}

void EVP_PKEY_free(EVP_PKEY *pkey)
{
    if (pkey == NULL)
        return;
    ms_obj_check_ref(&pkey->hdr, MINISSL_EVP_PKEY, "EVP_PKEY_free");
    if (ms_ref_down(&pkey->hdr.refs, "EVP_PKEY", pkey->hdr.id) > 0)
        return;
    ms_obj_retire(pkey, sizeof(*pkey));
}

int EVP_PKEY_get_id(const EVP_PKEY *pkey)
{
    return pkey == NULL ? EVP_PKEY_NONE : pkey->type;
}

int EVP_PKEY_get_bits(const EVP_PKEY *pkey)
{
    return pkey == NULL ? 0 : pkey->bits;
}

int EVP_PKEY_get_security_bits(const EVP_PKEY *pkey)
{
    if (pkey == NULL)
        return 0;
    switch (pkey->type) {
    case EVP_PKEY_RSA:      /* NIST SP 800-57 equivalences */
        return pkey->bits >= 15360 ? 256 : pkey->bits >= 7680 ? 192
             : pkey->bits >= 3072 ? 128 : pkey->bits >= 2048 ? 112
             : pkey->bits >= 1024 ? 80 : 0;
    case EVP_PKEY_EC:
        return pkey->bits / 2;
    case EVP_PKEY_X25519:
    case EVP_PKEY_ED25519:
        return 128;
    default:
        return 0;
    }
}

int ms_pkey_matches(const EVP_PKEY *a, const EVP_PKEY *b)
{
    return a != NULL && b != NULL && a->type == b->type && a->bits == b->bits
           && memcmp(a->raw, b->raw, sizeof(a->raw)) == 0;
}

int EVP_PKEY_eq(const EVP_PKEY *a, const EVP_PKEY *b)
{
    if (a == NULL || b == NULL)
        return 0;
    if (a->type != b->type)
        return -1;
    return ms_pkey_matches(a, b);
}

/* Identity bytes: splitmix64 over a process-wide counter mixed with the
 * time and pid, so keys differ; not secret, not crypto. */
static void fill_identity(unsigned char *raw, size_t n)
{
    static atomic_ullong ctr;
    /* relaxed: only distinctness matters. */
    unsigned long long x = atomic_fetch_add_explicit(&ctr, 1,
                                                     memory_order_relaxed);
    size_t i;

    x = x * 0x9e3779b97f4a7c15ULL ^ (unsigned long long)time(NULL)
        ^ ((unsigned long long)getpid() << 32);
    for (i = 0; i < n; i++) {
        unsigned long long z;

        x += 0x9e3779b97f4a7c15ULL;
        z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        raw[i] = (unsigned char)(z ^ (z >> 31));
    }
}

static int ec_bits(const char *curve)
{
    if (curve == NULL)
        return 0;
    if (strcmp(curve, "P-256") == 0 || strcmp(curve, "prime256v1") == 0
        || strcmp(curve, "secp256r1") == 0)
        return 256;
    if (strcmp(curve, "P-384") == 0 || strcmp(curve, "secp384r1") == 0)
        return 384;
    if (strcmp(curve, "P-521") == 0 || strcmp(curve, "secp521r1") == 0)
        return 521;
    return 0;
}

EVP_PKEY *EVP_PKEY_Q_keygen(OSSL_LIB_CTX *libctx, const char *propq,
                            const char *type, ...)
{
    EVP_PKEY *k;
    va_list ap;
    int id, bits;

    (void)libctx;
    (void)propq;
    if (type == NULL) {
        ERR_raise(ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER);
        return NULL;
    }
    va_start(ap, type);
    if (strcasecmp(type, "RSA") == 0) {
        size_t b = va_arg(ap, size_t);

        id = EVP_PKEY_RSA;
        bits = b >= 512 && b <= 16384 ? (int)b : 0;
    } else if (strcasecmp(type, "EC") == 0) {
        id = EVP_PKEY_EC;
        bits = ec_bits(va_arg(ap, const char *));
    } else if (strcasecmp(type, "X25519") == 0) {
        id = EVP_PKEY_X25519;
        bits = 253;
    } else if (strcasecmp(type, "ED25519") == 0) {
        id = EVP_PKEY_ED25519;
        bits = 256;
    } else {
        va_end(ap);
        ERR_raise_data(ERR_LIB_EVP, EVP_R_UNSUPPORTED_ALGORITHM, "type=%s",
                       type);
        return NULL;
    }
    va_end(ap);
    if (bits == 0) {
        ERR_raise(ERR_LIB_EVP, EVP_R_UNSUPPORTED_KEY_SIZE);
        return NULL;
    }
    if ((k = EVP_PKEY_new()) == NULL)
        return NULL;
    k->type = id;
    k->bits = bits;
    fill_identity(k->raw, sizeof(k->raw));
    return k;
}

static const struct evp_md_st md_sha1 = {NID_sha1, "SHA1", 20};
static const struct evp_md_st md_sha256 = {NID_sha256, "SHA256", 32};
static const struct evp_md_st md_sha384 = {NID_sha384, "SHA384", 48};
static const struct evp_md_st md_sha512 = {NID_sha512, "SHA512", 64};

const EVP_MD *EVP_sha1(void)
{
    return &md_sha1;
}

const EVP_MD *EVP_sha256(void)
{
    return &md_sha256;
}

const EVP_MD *EVP_sha384(void)
{
    return &md_sha384;
}

const EVP_MD *EVP_sha512(void)
{
    return &md_sha512;
}

int EVP_MD_get_size(const EVP_MD *md)
{
    return md == NULL ? -1 : md->size;
}

int EVP_MD_get_type(const EVP_MD *md)
{
    return md == NULL ? NID_undef : md->nid;
}
