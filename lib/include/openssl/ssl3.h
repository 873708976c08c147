/* <openssl/ssl3.h>: the SSL 3.0 version constants. */
#ifndef OPENSSL_SSL3_H
#define OPENSSL_SSL3_H

#define SSL3_VERSION 0x0300
#define SSL3_VERSION_MAJOR 0x03
#define SSL3_VERSION_MINOR 0x00

#endif
