/* <openssl/x509_vfy.h>: X509_VERIFY_PARAM, the verification parameters an
 * SSL_CTX and each SSL own (SSL_get0_param), and the verify callback's
 * types.  A param is owned by one object and follows its object's
 * one-thread-at-a-time rule for setters. */
#ifndef OPENSSL_X509_VFY_H
#define OPENSSL_X509_VFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>

#define X509_V_OK 0
#define X509_V_FLAG_USE_CHECK_TIME 0x2
#define X509_V_FLAG_CRL_CHECK 0x4
#define X509_V_FLAG_CRL_CHECK_ALL 0x8
#define X509_V_FLAG_IGNORE_CRITICAL 0x10
#define X509_V_FLAG_X509_STRICT 0x20
#define X509_V_FLAG_ALLOW_PROXY_CERTS 0x40
#define X509_V_FLAG_POLICY_CHECK 0x80
#define X509_V_FLAG_TRUSTED_FIRST 0x8000
#define X509_V_FLAG_PARTIAL_CHAIN 0x80000
#define X509_V_FLAG_NO_ALT_CHAINS 0x100000
#define X509_V_FLAG_NO_CHECK_TIME 0x200000

#define X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT 0x1
#define X509_CHECK_FLAG_NO_WILDCARDS 0x2
#define X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS 0x4
#define X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS 0x8
#define X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS 0x10
#define X509_CHECK_FLAG_NEVER_CHECK_SUBJECT 0x20

#define DANE_FLAG_NO_DANE_EE_NAMECHECKS (1L << 0)

/* Purposes and trust settings (X509_VERIFY_PARAM_set_purpose / _trust),
 * OpenSSL's values.  minissl's certificates carry no extensions, so a
 * certificate serves every purpose OpenSSL grants one without extensions:
 * all but X509_PURPOSE_TIMESTAMP_SIGN (which needs an extended key usage);
 * trust is stored and copied, and decides nothing without a trust store. */
#define X509_PURPOSE_SSL_CLIENT 1
#define X509_PURPOSE_SSL_SERVER 2
#define X509_PURPOSE_NS_SSL_SERVER 3
#define X509_PURPOSE_SMIME_SIGN 4
#define X509_PURPOSE_SMIME_ENCRYPT 5
#define X509_PURPOSE_CRL_SIGN 6
#define X509_PURPOSE_ANY 7
#define X509_PURPOSE_OCSP_HELPER 8
#define X509_PURPOSE_TIMESTAMP_SIGN 9
#define X509_TRUST_COMPAT 1
#define X509_TRUST_SSL_CLIENT 2
#define X509_TRUST_SSL_SERVER 3
#define X509_TRUST_EMAIL 4
#define X509_TRUST_OBJECT_SIGN 5
#define X509_TRUST_OCSP_SIGN 6
#define X509_TRUST_OCSP_REQUEST 7
#define X509_TRUST_TSA 8

X509_VERIFY_PARAM *X509_VERIFY_PARAM_new(void);
void X509_VERIFY_PARAM_free(X509_VERIFY_PARAM *param);
/* |to| becomes a copy of every value of |from|.  1, or 0 with a reason
 * (|to| then keeps a partial copy but stays valid). */
int X509_VERIFY_PARAM_set1(X509_VERIFY_PARAM *to,
                           const X509_VERIFY_PARAM *from);
/* Replaces the host list with |name| (namelen 0: strlen; NULL: clears).
 * 1, or 0 with a reason. */
int X509_VERIFY_PARAM_set1_host(X509_VERIFY_PARAM *param, const char *name,
                                size_t namelen);
int X509_VERIFY_PARAM_add1_host(X509_VERIFY_PARAM *param, const char *name,
                                size_t namelen);
/* The |idx|th host (borrowed), NULL past the end. */
char *X509_VERIFY_PARAM_get0_host(X509_VERIFY_PARAM *param, int idx);
void X509_VERIFY_PARAM_set_hostflags(X509_VERIFY_PARAM *param,
                                     unsigned int flags);
unsigned int X509_VERIFY_PARAM_get_hostflags(const X509_VERIFY_PARAM *param);
int X509_VERIFY_PARAM_set_flags(X509_VERIFY_PARAM *param, unsigned long flags);
int X509_VERIFY_PARAM_clear_flags(X509_VERIFY_PARAM *param,
                                  unsigned long flags);
unsigned long X509_VERIFY_PARAM_get_flags(const X509_VERIFY_PARAM *param);
void X509_VERIFY_PARAM_set_depth(X509_VERIFY_PARAM *param, int depth);
int X509_VERIFY_PARAM_get_depth(const X509_VERIFY_PARAM *param);
void X509_VERIFY_PARAM_set_auth_level(X509_VERIFY_PARAM *param,
                                      int auth_level);
int X509_VERIFY_PARAM_get_auth_level(const X509_VERIFY_PARAM *param);
/* Any value is stored (OpenSSL refuses an unknown one); no getter, as in
 * OpenSSL 3.0 (minissl/inspect.h has one). */
int X509_VERIFY_PARAM_set_purpose(X509_VERIFY_PARAM *param, int purpose);
int X509_VERIFY_PARAM_set_trust(X509_VERIFY_PARAM *param, int trust);
/* Verify at time |t| instead of now (sets X509_V_FLAG_USE_CHECK_TIME). */
void X509_VERIFY_PARAM_set_time(X509_VERIFY_PARAM *param, time_t t);
time_t X509_VERIFY_PARAM_get_time(const X509_VERIFY_PARAM *param);
/* The peer's email address to check (the leaf's subject emailAddress;
 * minissl's certificates have no subjectAltName).  emaillen 0: strlen;
 * NULL: clears.  1, or 0 with a reason. */
int X509_VERIFY_PARAM_set1_email(X509_VERIFY_PARAM *param, const char *email,
                                 size_t emaillen);
char *X509_VERIFY_PARAM_get0_email(X509_VERIFY_PARAM *param);
/* The peer's IP address to check: 4 or 16 bytes (NULL: clears), or its
 * text (IPv4 dotted or IPv6).  An IP address is matched against the
 * subjectAltName only, as in OpenSSL, and minissl's certificates have
 * none: a set address never matches.  1, or 0 with a reason. */
int X509_VERIFY_PARAM_set1_ip(X509_VERIFY_PARAM *param,
                              const unsigned char *ip, size_t iplen);
int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *param,
                                  const char *ipasc);
/* The address as text, as OpenSSL writes it ("192.0.2.1"; IPv6 as eight
 * upper-case hex groups); the caller frees it (OPENSSL_free).  NULL when
 * none is set (ERR_R_PASSED_NULL_PARAMETER raised, as OpenSSL does) or
 * memory runs out. */
char *X509_VERIFY_PARAM_get1_ip_asc(X509_VERIFY_PARAM *param);

#endif
