/* Placeholder: the connection half of <openssl/ssl.h> (handshake, BIOs,
 * sessions' cache), written by the handshake module.  Include
 * <openssl/ssl.h>, not this file. */
#ifndef OPENSSL_SSL_CONN_H
#define OPENSSL_SSL_CONN_H
#endif
