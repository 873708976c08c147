/* The thread-safety contract as one table: which two operations may run at
 * the same time on shared objects, and why (stress/contract.c).
 *
 * A row pairs two operations on one family of shared objects (the SSL s;
 * the SSL_CTX c; the SSL_SESSION x; the session cache of c) and says
 * whether minissl's contract lets them race, quoting the text that decides
 * it: the THREAD-SAFETY CONTRACT at the top of <openssl/ssl.h> (items 1 to
 * 6, also doc/thread-safety.md), the thread-safety paragraph at the top of
 * <openssl/ssl_conn.h>, and, for what SSL_dup returns, the manual page
 * (SSL_new.pod: an SSL in its initial state is copied, any other gets one
 * more reference and comes back).  A pair the contract does not promise is
 * forbidden, with the item that keeps it one thread at a time.
 *
 * An allowed row also says in which handshake states of the SSL involved
 * the race is meant (initial: fresh from SSL_new; mid: after the first
 * flight; finished: the handshake done); a row whose objects hold no SSL in
 * a handshake has none.  `sslstress gen` (gen.h) writes one scenario per
 * allowed row, state and role; `sslstress gen --table` prints the table
 * (doc/generated-scenarios.md holds that print).
 *
 * Everything here is constant data: safe from any thread. */
#ifndef ST_CONTRACT_H
#define ST_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

/* What the two operations of a row share. */
enum st_cfam {
    ST_CF_SSL,          /* one SSL s; each thread holds a reference to it */
    ST_CF_CTX,          /* one SSL_CTX c; SSLs of the threads' own */
    ST_CF_SESSION,      /* one SSL_SESSION x, which the SSL s holds */
    ST_CF_CACHE,        /* the session cache of one server SSL_CTX c */
};

/* The operations, by API call. */
enum st_cop {
    ST_CO_UP_REF,       /* SSL_up_ref */
    ST_CO_FREE,         /* SSL_free */
    ST_CO_DUP,          /* SSL_dup */
    ST_CO_GET1_SESSION, /* SSL_get1_session */
    ST_CO_HANDSHAKE,    /* the owner's SSL_connect/SSL_accept/SSL_do_handshake */
    ST_CO_IO,           /* the owner's SSL_read/SSL_write/SSL_shutdown */
    ST_CO_SET,          /* an SSL setter (SSL_set_options, ...) */
    ST_CO_SET_SESSION,  /* SSL_set_session */
    ST_CO_CTX_UP_REF,   /* SSL_CTX_up_ref */
    ST_CO_CTX_FREE,     /* SSL_CTX_free */
    ST_CO_NEW,          /* SSL_new (and the new SSL's handshake) */
    ST_CO_CTX_SET,      /* an SSL_CTX setter */
    ST_CO_SESS_UP_REF,  /* SSL_SESSION_up_ref */
    ST_CO_SESS_FREE,    /* SSL_SESSION_free */
    ST_CO_SESS_SET,     /* an SSL_SESSION setter */
    ST_CO_CACHE_ADD,    /* SSL_CTX_add_session */
    ST_CO_CACHE_LOOKUP, /* a server handshake's lookup (and insert) */
    ST_CO_CACHE_REMOVE, /* SSL_CTX_remove_session */
    ST_CO_CACHE_FLUSH,  /* SSL_CTX_flush_sessions */
    ST_CO_CACHE_SET,    /* SSL_CTX_set_session_cache_mode, _sess_set_cache_size */
};

/* Handshake states of a row (a mask); 0: its objects hold no SSL in a
 * handshake. */
enum {
    ST_CS_INITIAL = 1u << 0,
    ST_CS_MID = 1u << 1,
    ST_CS_FINISHED = 1u << 2,
};

struct st_cpair {
    const char *id;             /* "S5": family letter and number */
    enum st_cfam fam;
    enum st_cop a, b;           /* thread A's operation, thread B's */
    bool allowed;
    unsigned states;            /* ST_CS_* of an allowed row */
    const char *why;            /* the text that decides, quoted */
};

/* The table, in the order doc/generated-scenarios.md prints it. */
extern const struct st_cpair st_contract[];
extern const size_t st_ncontract;

/* The operation's API call(s) as the table prints them ("SSL_dup"). */
const char *st_cop_call(enum st_cop op);
/* Its part of a generated file's name ("dup", "ctx_free"). */
const char *st_cop_slug(enum st_cop op);
/* The family's part of a file name ("ssl") and its shared objects as the
 * table states them. */
const char *st_cfam_slug(enum st_cfam fam);
const char *st_cfam_objects(enum st_cfam fam);

#endif
