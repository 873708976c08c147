/* Version macros.  minissl implements a subset of the OpenSSL 3.0 API, so
 * it reports that API's version: a program that tests
 * OPENSSL_VERSION_NUMBER >= 0x30000000L picks the 3.0 calls minissl has. */
#ifndef OPENSSL_OPENSSLV_H
#define OPENSSL_OPENSSLV_H

#define OPENSSL_VERSION_MAJOR 3
#define OPENSSL_VERSION_MINOR 0
#define OPENSSL_VERSION_PATCH 0
#define OPENSSL_VERSION_NUMBER 0x30000000L
#define OPENSSL_VERSION_TEXT "minissl 0.1 (OpenSSL 3.0 API subset)"
#define OPENSSL_VERSION_STR "3.0.0"
#define MINISSL_VERSION_TEXT OPENSSL_VERSION_TEXT

#endif
