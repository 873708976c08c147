/* The connection half of an SSL: handshake state machine, BIOs, peer data,
 * and the session cache of an SSL_CTX.  Owned by statem.c / bio.c /
 * sesscache.c (the handshake module); the object modules (ssl.c, ctx.c,
 * dup.c) see only these hooks and the two structs, which they embed.
 *
 * Contract for the object modules:
 *   ms_conn_init(s)      in SSL_new after the settings are inherited; 1/0
 *   ms_conn_cleanup(s)   in SSL_free's destructor; accepts a zeroed conn
 *   ms_conn_in_initial(s) the SSL_dup predicate: in init and in "before"
 *                        (OpenSSL 3: SSL_in_init(s) && SSL_in_before(s));
 *                        caller holds s's lock
 *   ms_cache_init(ctx)   in SSL_CTX_new; 1/0
 *   ms_cache_cleanup(ctx) in SSL_CTX's destructor; accepts a zeroed cache
 * This file is a placeholder until the handshake module lands: the structs
 * grow there, the hooks keep their names. */
#ifndef MS_CONN_H
#define MS_CONN_H

#include <openssl/types.h>

enum ms_hs_state {
    MS_HS_BEFORE = 0,   /* no handshake call yet (OpenSSL's TLS_ST_BEFORE) */
    MS_HS_MID,          /* first flight sent, not finished */
    MS_HS_DONE,         /* handshake finished */
    MS_HS_SHUTDOWN,     /* shutdown sent or received */
};

struct ms_conn {
    enum ms_hs_state state;
    int handshake_set;      /* connect or accept state chosen */
    BIO *rbio, *wbio;
};

struct ms_sess_cache {
    int mode;
    long timeout;
};

int ms_conn_init(SSL *s);
void ms_conn_cleanup(SSL *s);
int ms_conn_in_initial(const SSL *s);
int ms_cache_init(SSL_CTX *ctx);
void ms_cache_cleanup(SSL_CTX *ctx);

#endif
