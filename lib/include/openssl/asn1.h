/* <openssl/asn1.h>: the INTEGER and TIME subset minissl's certificate
 * stand-in needs (a serial number and a validity period). */
#ifndef OPENSSL_ASN1_H
#define OPENSSL_ASN1_H

#include <time.h>

#include <openssl/types.h>

#define V_ASN1_INTEGER 2
#define V_ASN1_UTF8STRING 12
#define V_ASN1_PRINTABLESTRING 19
#define V_ASN1_IA5STRING 22
#define V_ASN1_UTCTIME 23
#define V_ASN1_GENERALIZEDTIME 24

#define MBSTRING_FLAG 0x1000
#define MBSTRING_UTF8 (MBSTRING_FLAG)
#define MBSTRING_ASC (MBSTRING_FLAG | 1)
#define MBSTRING_BMP (MBSTRING_FLAG | 2)
#define MBSTRING_UNIV (MBSTRING_FLAG | 4)

ASN1_INTEGER *ASN1_INTEGER_new(void);
void ASN1_INTEGER_free(ASN1_INTEGER *a);
/* 1, or 0 for a NULL |a| (reason raised). */
int ASN1_INTEGER_set(ASN1_INTEGER *a, long v);
/* The value; -1 for NULL (as OpenSSL). */
long ASN1_INTEGER_get(const ASN1_INTEGER *a);
ASN1_TIME *ASN1_TIME_new(void);
void ASN1_TIME_free(ASN1_TIME *t);
ASN1_TIME *ASN1_TIME_set(ASN1_TIME *s, time_t t);
/* |*pday|/|*psec|: to - from.  1, or 0 for a NULL argument. */
int ASN1_TIME_diff(int *pday, int *psec, const ASN1_TIME *from,
                   const ASN1_TIME *to);

#endif
