/* X509_NAME: an ordered list of (nid, value) entries, and the object
 * identifier names minissl knows.  Not reference counted (as in
 * OpenSSL); one thread at a time per name. */
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct {
    int nid;
    const char *sn, *ln;
} objs[] = {
    {NID_commonName, "CN", "commonName"},
    {NID_countryName, "C", "countryName"},
    {NID_localityName, "L", "localityName"},
    {NID_stateOrProvinceName, "ST", "stateOrProvinceName"},
    {NID_organizationName, "O", "organizationName"},
    {NID_organizationalUnitName, "OU", "organizationalUnitName"},
    {NID_pkcs9_emailAddress, "emailAddress", "emailAddress"},
    {NID_serialNumber, "serialNumber", "serialNumber"},
    {NID_domainComponent, "DC", "domainComponent"},
    {NID_rsaEncryption, "rsaEncryption", "rsaEncryption"},
    {NID_X9_62_id_ecPublicKey, "id-ecPublicKey", "id-ecPublicKey"},
    {NID_X25519, "X25519", "X25519"},
    {NID_ED25519, "ED25519", "ED25519"},
    {NID_sha1, "SHA1", "sha1"},
    {NID_sha256, "SHA256", "sha256"},
    {NID_sha384, "SHA384", "sha384"},
    {NID_sha512, "SHA512", "sha512"},
};

#define NOBJS (sizeof(objs) / sizeof(objs[0]))

int OBJ_txt2nid(const char *s)
{
    size_t i;

    if (s == NULL)
        return NID_undef;
    for (i = 0; i < NOBJS; i++)
        if (strcmp(s, objs[i].sn) == 0 || strcmp(s, objs[i].ln) == 0)
            return objs[i].nid;
    return NID_undef;
}

const char *OBJ_nid2sn(int n)
{
    size_t i;

    for (i = 0; i < NOBJS; i++)
        if (objs[i].nid == n)
            return objs[i].sn;
    return NULL;
}

const char *OBJ_nid2ln(int n)
{
    size_t i;

    for (i = 0; i < NOBJS; i++)
        if (objs[i].nid == n)
            return objs[i].ln;
    return NULL;
}

/* The attribute types a name may hold: the first NAME_OBJS of objs[]. */
#define NAME_OBJS 9

static int is_name_nid(int nid)
{
    size_t i;

    for (i = 0; i < NAME_OBJS; i++)
        if (objs[i].nid == nid)
            return 1;
    return 0;
}

X509_NAME *X509_NAME_new(void)
{
    return ms_obj_new(MINISSL_X509_NAME, sizeof(X509_NAME));
}

void X509_NAME_free(X509_NAME *name)
{
    size_t i;

    if (name == NULL)
        return;
    ms_obj_check(&name->hdr, MINISSL_X509_NAME, "X509_NAME_free");
    for (i = 0; i < name->n; i++)
        ms_free(name->ent[i].value);
    ms_free(name->ent);
    ms_obj_retire(name, sizeof(*name));
}

static int add_entry(X509_NAME *name, int nid, const unsigned char *bytes,
                     size_t len, int loc)
{
    struct ms_name_entry *e;
    unsigned char *v;

    if ((v = ms_malloc(len + 1)) == NULL)
        return 0;
    memcpy(v, bytes, len);
    v[len] = '\0';
    e = CRYPTO_realloc(name->ent, (name->n + 1) * sizeof(*e), OPENSSL_FILE,
                       OPENSSL_LINE);
    if (e == NULL) {
        ERR_raise(ERR_LIB_X509, ERR_R_MALLOC_FAILURE);
        ms_free(v);
        return 0;
    }
    name->ent = e;
    if (loc < 0 || (size_t)loc > name->n)
        loc = (int)name->n;
    memmove(e + loc + 1, e + loc, (name->n - (size_t)loc) * sizeof(*e));
    e[loc] = (struct ms_name_entry){nid, v, len};
    name->n++;
    return 1;
}

int X509_NAME_add_entry_by_NID(X509_NAME *name, int nid, int type,
                               const unsigned char *bytes, int len, int loc,
                               int set)
{
    (void)type;
    (void)set;
    MS_CHECK_LIB(name, MINISSL_X509_NAME, ERR_LIB_X509, 0);
    if (bytes == NULL) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (!is_name_nid(nid)) {
        ERR_raise_data(ERR_LIB_X509, X509_R_INVALID_FIELD_NAME, "nid=%d", nid);
        return 0;
    }
    return add_entry(name, nid, bytes,
                     len < 0 ? strlen((const char *)bytes) : (size_t)len, loc);
}

int X509_NAME_add_entry_by_txt(X509_NAME *name, const char *field, int type,
                               const unsigned char *bytes, int len, int loc,
                               int set)
{
    int nid = OBJ_txt2nid(field);

    MS_CHECK_LIB(name, MINISSL_X509_NAME, ERR_LIB_X509, 0);
    if (!is_name_nid(nid)) {
        ERR_raise_data(ERR_LIB_X509, X509_R_INVALID_FIELD_NAME, "name=%s",
                       field != NULL ? field : "(null)");
        return 0;
    }
    return X509_NAME_add_entry_by_NID(name, nid, type, bytes, len, loc, set);
}

int X509_NAME_entry_count(const X509_NAME *name)
{
    return name == NULL ? 0 : (int)name->n;
}

int X509_NAME_get_text_by_NID(const X509_NAME *name, int nid, char *buf,
                              int len)
{
    size_t i, n;

    if (name == NULL)
        return -1;
    for (i = 0; i < name->n; i++) {
        if (name->ent[i].nid != nid)
            continue;
        if (buf == NULL)
            return (int)name->ent[i].len;
        if (len <= 0)
            return -1;
        n = name->ent[i].len < (size_t)len - 1 ? name->ent[i].len
                                                : (size_t)len - 1;
        memcpy(buf, name->ent[i].value, n);
        buf[n] = '\0';
        return (int)n;
    }
    return -1;
}

X509_NAME *X509_NAME_dup(const X509_NAME *src)
{
    X509_NAME *d;
    size_t i;

    MS_CHECK_LIB(src, MINISSL_X509_NAME, ERR_LIB_X509, NULL);
    if ((d = X509_NAME_new()) == NULL)
        return NULL;
    for (i = 0; i < src->n; i++)
        if (!add_entry(d, src->ent[i].nid, src->ent[i].value,
                       src->ent[i].len, -1)) {
            X509_NAME_free(d);
            return NULL;
        }
    return d;
}

int X509_NAME_cmp(const X509_NAME *a, const X509_NAME *b)
{
    size_t i;
    int r;

    if (a == b)
        return 0;
    if (a == NULL)
        return -1;
    if (b == NULL)
        return 1;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (i = 0; i < a->n; i++) {
        const struct ms_name_entry *x = &a->ent[i], *y = &b->ent[i];

        if (x->nid != y->nid)
            return x->nid < y->nid ? -1 : 1;
        if (x->len != y->len)
            return x->len < y->len ? -1 : 1;
        if ((r = memcmp(x->value, y->value, x->len)) != 0)
            return r < 0 ? -1 : 1;
    }
    return 0;
}

char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size)
{
    size_t i, need = 1, off = 0;
    char *out;

    if (a == NULL) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER);
        return NULL;
    }
    for (i = 0; i < a->n; i++)
        need += 2 + strlen(OBJ_nid2sn(a->ent[i].nid)) + a->ent[i].len;
    if (buf == NULL) {
        if ((out = ms_malloc(need)) == NULL)
            return NULL;
        size = (int)need;
    } else {
        if (size <= 0)
            return NULL;
        out = buf;
    }
    out[0] = '\0';
    for (i = 0; i < a->n && off + 1 < (size_t)size; i++) {
        int w = snprintf(out + off, (size_t)size - off, "/%s=%.*s",
                         OBJ_nid2sn(a->ent[i].nid), (int)a->ent[i].len,
                         (const char *)a->ent[i].value);

        if (w < 0)
            break;
        off += (size_t)w;
    }
    return out;
}
