/* <openssl/x509.h>: minissl's certificate stand-in.
 *
 * An X509 here is not a certificate: it holds a subject and an issuer
 * name, a serial, a validity period, a public key (EVP_PKEY, shared by
 * reference count) and a stand-in signature.  The calls a program makes
 * to build a throwaway self-signed certificate in memory exist with
 * OpenSSL's names and succeed.  X509 and EVP_PKEY are reference counted
 * with atomic counts; a certificate is immutable once it is shared.
 * X509_NAME is not reference counted (as in OpenSSL): a holder keeps its
 * own copy (X509_NAME_dup). */
#ifndef OPENSSL_X509_H
#define OPENSSL_X509_H

#include <stddef.h>
#include <time.h>

#include <openssl/types.h>
#include <openssl/safestack.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

MINISSL_DEFINE_STACK_OF(X509)
MINISSL_DEFINE_STACK_OF(X509_NAME)

#define X509_FILETYPE_PEM 1
#define X509_FILETYPE_ASN1 2
#define X509_FILETYPE_DEFAULT 3

#define NID_commonName 13
#define NID_countryName 14
#define NID_localityName 15
#define NID_stateOrProvinceName 16
#define NID_organizationName 17
#define NID_organizationalUnitName 18
#define NID_pkcs9_emailAddress 48
#define NID_serialNumber 105
#define NID_domainComponent 391

X509 *X509_new(void);
int X509_up_ref(X509 *x);          /* 1 */
void X509_free(X509 *x);           /* accepts NULL */
X509 *X509_dup(const X509 *x);

int X509_set_version(X509 *x, long version);
long X509_get_version(const X509 *x);
ASN1_INTEGER *X509_get_serialNumber(X509 *x);          /* borrowed */
const ASN1_INTEGER *X509_get0_serialNumber(const X509 *x);
ASN1_TIME *X509_getm_notBefore(const X509 *x);         /* borrowed, mutable */
ASN1_TIME *X509_getm_notAfter(const X509 *x);
const ASN1_TIME *X509_get0_notBefore(const X509 *x);
const ASN1_TIME *X509_get0_notAfter(const X509 *x);
/* Sets |s| to now + |adj| seconds and returns it; NULL with a reason. */
ASN1_TIME *X509_gmtime_adj(ASN1_TIME *s, long adj);
ASN1_TIME *X509_time_adj_ex(ASN1_TIME *s, int offset_day, long offset_sec,
                            time_t *in_tm);
int X509_cmp_current_time(const ASN1_TIME *s);

/* set: takes a reference on |pkey|.  get: get1 (caller frees), get0
 * borrows. */
int X509_set_pubkey(X509 *x, EVP_PKEY *pkey);
EVP_PKEY *X509_get_pubkey(X509 *x);
EVP_PKEY *X509_get0_pubkey(const X509 *x);

/* get: borrowed (mutable, as in OpenSSL).  set: copies |name|. */
X509_NAME *X509_get_subject_name(const X509 *x);
X509_NAME *X509_get_issuer_name(const X509 *x);
int X509_set_subject_name(X509 *x, const X509_NAME *name);
int X509_set_issuer_name(X509 *x, const X509_NAME *name);

/* Records a stand-in signature; returns its size (> 0), or 0 with a
 * reason (NULL argument, no key, a key that is not private). */
int X509_sign(X509 *x, EVP_PKEY *pkey, const EVP_MD *md);
/* 1 when |pkey| is the key whose public half |x| carries, else 0 with
 * X509_R_KEY_VALUES_MISMATCH. */
int X509_check_private_key(const X509 *x, const EVP_PKEY *pkey);
/* 0 when a and b are the same certificate (subject, issuer, serial, key). */
int X509_cmp(const X509 *a, const X509 *b);

X509_NAME *X509_NAME_new(void);
void X509_NAME_free(X509_NAME *name);
X509_NAME *X509_NAME_dup(const X509_NAME *name);
/* |field|: a short or long name ("CN", "commonName", "O", "C", ...).
 * |len| -1: strlen.  |loc| -1 appends.  1, or 0 with
 * X509_R_INVALID_FIELD_NAME for an unknown field. */
int X509_NAME_add_entry_by_txt(X509_NAME *name, const char *field, int type,
                               const unsigned char *bytes, int len, int loc,
                               int set);
int X509_NAME_add_entry_by_NID(X509_NAME *name, int nid, int type,
                               const unsigned char *bytes, int len, int loc,
                               int set);
int X509_NAME_entry_count(const X509_NAME *name);
/* Copies the first |nid| value into |buf| (NUL-terminated); its length,
 * or -1 if absent. */
int X509_NAME_get_text_by_NID(const X509_NAME *name, int nid, char *buf,
                              int len);
/* 0 when equal, else <0 / >0 (a total order). */
int X509_NAME_cmp(const X509_NAME *a, const X509_NAME *b);
/* "/CN=example/O=org" into |buf| (of |size|), or a new buffer when |buf|
 * is NULL (free with OPENSSL_free). */
char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size);

int OBJ_txt2nid(const char *s);
const char *OBJ_nid2sn(int n);
const char *OBJ_nid2ln(int n);

#define X509_R_CERT_ALREADY_IN_HASH_TABLE 101
#define X509_R_KEY_VALUES_MISMATCH 116
#define X509_R_UNKNOWN_KEY_TYPE 117
#define X509_R_INVALID_FIELD_NAME 119
#define X509_R_WRONG_TYPE 122

#endif
