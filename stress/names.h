/* The names of the scenario format (the model printer is format.h).
 *
 * Constant names (`set s options=NO_TICKET|NO_COMPRESSION`, `verify=PEER`,
 * `min_proto=TLS1_2`, `errors == NULL_SSL_CTX`) map to the values of the
 * macros of <openssl/ssl.h> and <openssl/err.h> as the backend is compiled:
 * names.c builds the same tables against minissl (-Ilib/include) and against
 * the system OpenSSL, and a name the headers do not define is simply not in
 * the table (the validator then says "unknown value").
 *
 * Everything here is read-only data or a pure function of its arguments:
 * safe to call from any thread at any time. */
#ifndef ST_NAMES_H
#define ST_NAMES_H

#include <stddef.h>

#include "scenario.h"

/* The constant tables. */
enum st_ctab {
    ST_CT_OPTIONS,      /* SSL_OP_X      written X         (options=) */
    ST_CT_MODE,         /* SSL_MODE_X    written X         (mode=) */
    ST_CT_VERIFY,       /* SSL_VERIFY_X  written X         (verify=) */
    ST_CT_PROTO,        /* X_VERSION     written X         (min_proto=, max_proto=) */
    ST_CT_CERT_TYPE,    /* TLS_CT_X      written X         (client_cert_types=) */
    ST_CT_REASON,       /* SSL_R_X, then ERR_R_X, written X (errors ==) */
    ST_CT_VERIFY_FLAGS, /* X509_V_FLAG_X written X     (verify_flags=) */
    ST_CT_HOSTFLAGS,    /* X509_CHECK_FLAG_X written X (hostflags=) */
    ST_CT_PURPOSE,      /* X509_PURPOSE_X written X    (purpose=) */
    ST_CT_TRUST,        /* X509_TRUST_X written X      (trust=) */
    ST_CT_DANE_FLAGS,   /* DANE_FLAG_X written X       (dane_flags=) */
    ST_CT_VERIFY_RESULT, /* X509_V_ERR_X written X, OK (verify_result ==) */
    ST_CT_SESS_CACHE,   /* SSL_SESS_CACHE_X written X  (cache_mode=) */
    ST_CT_COUNT
};

/* 1 and *v = the value if the len bytes at name are a name of table t
 * (exact case), else 0.  For ST_CT_REASON the prefixed spellings SSL_R_X
 * and ERR_R_X are accepted too. */
int st_const_lookup(enum st_ctab t, const char *name, size_t len,
                    long long *v);
/* The first name of table t with value v (without prefix), or NULL. */
const char *st_const_name(enum st_ctab t, long long v);
/* Number of names table t holds with the headers compiled in. */
size_t st_const_count(enum st_ctab t);
/* The i-th name of table t (i < st_const_count(t)), for listings. */
const char *st_const_at(enum st_ctab t, size_t i, long long *v);

/* The reason code (ERR_GET_REASON of a packed error) that an
 * `errors == REASON` expression names: 1 and *code, or 0 if unknown.
 * expr.reason holds the name without prefix, as st_reason_name gives it. */
int st_reason_code(const char *name, int *code);
/* The name (without prefix) of reason code `code`, or NULL. */
const char *st_reason_name(int code);

/* The certificate type bytes of a client_cert_types value, in the order
 * written: returns how many (at most max are stored in out). */
size_t st_cert_types(const struct st_value *v, unsigned char *out,
                     size_t max);

/* How the values of a settings key are written. */
enum st_keytype {
    ST_KT_FLAGS,        /* NAME('|'NAME)* of a table, or a number: ST_V_FLAGS */
    ST_KT_PROTO,        /* one version NAME, or 0: ST_V_FLAGS */
    ST_KT_ONE,          /* one NAME of a table: ST_V_FLAGS */
    ST_KT_IP,           /* an IP address, IPv4 or IPv6, "quoted": ST_V_STR */
    ST_KT_NUM,          /* number in [min, max]: ST_V_NUM */
    ST_KT_BOOL,         /* on|off|1|0: ST_V_NUM 1 or 0 */
    ST_KT_ONOFF,        /* on|off: ST_V_ON / ST_V_OFF (callbacks) */
    ST_KT_STR,          /* "string" or a bare NAME: ST_V_STR */
    ST_KT_MATERIAL,     /* test|none: ST_V_TEST / ST_V_NONE */
    ST_KT_SESSION,      /* a session NAME (ST_V_NAME) or none (ST_V_NONE) */
    ST_KT_METHOD,       /* tls|client|server: ST_V_NUM, an enum st_method */
};

#define ST_ON_CTX 1u
#define ST_ON_SSL 2u
#define ST_ON_SESSION 4u

struct st_keyspec {
    const char *name;
    enum st_keytype type;
    enum st_ctab table;         /* ST_KT_FLAGS, ST_KT_PROTO */
    long long min, max;         /* ST_KT_NUM; ST_KT_STR: max bytes (0: any) */
    unsigned on;                /* ST_ON_* objects that accept the key */
};

const struct st_keyspec *st_key_spec(enum st_key k);
/* The key called name (len bytes), or -1. */
int st_key_lookup(const char *name, size_t len);

const char *st_op_name(enum st_op op);
const char *st_type_name(enum st_type t);          /* "ctx", "SSL", "session" */
const char *st_feature_name(enum st_feature f);
const char *st_method_name(enum st_method m);      /* "tls", "client", "server" */

#endif
