/* <openssl/tls1.h>: TLS version constants. */
#ifndef OPENSSL_TLS1_H
#define OPENSSL_TLS1_H

#define TLS1_VERSION 0x0301
#define TLS1_1_VERSION 0x0302
#define TLS1_2_VERSION 0x0303
#define TLS1_3_VERSION 0x0304
#define TLS_MAX_VERSION TLS1_3_VERSION
#define TLS_ANY_VERSION 0x10000
#define TLS1_VERSION_MAJOR 0x03
#define TLS1_VERSION_MINOR 0x01

#endif
