/* <openssl/x509v3.h>: where OpenSSL declares the host check flags
 * (X509_CHECK_FLAG_*) and the purposes (X509_PURPOSE_*).  minissl keeps
 * them in <openssl/x509_vfy.h>, beside the verify parameters they go to;
 * this header makes a program that includes OpenSSL's place build. */
#ifndef OPENSSL_X509V3_H
#define OPENSSL_X509V3_H

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#endif
