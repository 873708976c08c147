/* The scenario model: what a parsed and validated *.scn file is.
 *
 * This is the contract between the scenario language (lexer.c, parser.c,
 * validate.c: file -> struct st_scenario) and everything after it (the
 * runner, the backend, the reports).  See doc/scenario-format.md for the
 * language itself.
 *
 * Ownership: st_scenario_load() returns one heap block tree that
 * st_scenario_free() releases; nothing in it is shared.  Names are resolved
 * to slot indexes by the validator, so the runner never looks up a string.
 * A name made in a thread block is local to that thread: several threads
 * may each make a `d`, and each is its own slot, owned by its thread. */
#ifndef ST_SCENARIO_H
#define ST_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ST_NAME_MAX 63          /* bytes in a name, without the NUL */
/* bytes of a thread's name written THREAD.NAME, without the NUL */
#define ST_QNAME_MAX (2 * ST_NAME_MAX + 1)
#define ST_MAX_THREADS 64

struct st_loc {
    int line;                   /* 1-based */
    int col;                    /* 1-based, in bytes */
};

/* One diagnostic: prints as "file:line:col: error: msg", the line, a caret. */
struct st_diag {
    char file[256];
    struct st_loc loc;
    char msg[256];
    char text[512];             /* the offending source line, no newline */
};
void st_diag_print(FILE *out, const struct st_diag *d);

/* The object types of the scenario language: the three of the SSL API,
 * then what a certificate or a session holds (X509, EVP_PKEY) and the
 * library's key objects under an EVP_PKEY (RSA, DH, EC_KEY). */
enum st_type {
    ST_TY_CTX, ST_TY_SSL, ST_TY_SESSION,
    ST_TY_X509, ST_TY_PKEY, ST_TY_RSA, ST_TY_DH, ST_TY_EC_KEY,
    ST_TY_COUNT
};

/* Who creates a name. */
enum { ST_OWNER_GLOBAL = -1, ST_OWNER_SETUP = -2, ST_OWNER_CHECK = -3 };

struct st_name {
    char name[ST_NAME_MAX + 1];     /* as created: "d" */
    /* The name as a report shows it out of its block: "A.d" for a name of
     * thread A when another thread makes a `d` too, else the name. */
    char shown[ST_QNAME_MAX + 1];
    enum st_type type;
    int owner;                  /* ST_OWNER_* or a thread index */
    struct st_loc loc;          /* where it is created */
};

enum st_feature {
    ST_FEAT_INTROSPECTION = 1u << 0,   /* refs, freed, exact leaks by object */
    ST_FEAT_HANDSHAKE = 1u << 1,       /* handshake statement */
    ST_FEAT_CONTROLLED = 1u << 2,      /* controlled scheduling */
};

enum st_method { ST_METHOD_TLS, ST_METHOD_CLIENT, ST_METHOD_SERVER };

/* Settings: `set OBJ KEY=VALUE ...`. */
enum st_key {
    ST_K_OPTIONS, ST_K_MODE, ST_K_VERIFY, ST_K_VERIFY_DEPTH, ST_K_VERIFY_CB,
    ST_K_MIN_PROTO, ST_K_MAX_PROTO, ST_K_READ_AHEAD, ST_K_MAX_CERT_LIST,
    ST_K_CIPHER_LIST, ST_K_CIPHERSUITES, ST_K_SID_CTX, ST_K_SESSION,
    ST_K_CERT, ST_K_KEY, ST_K_CHAIN, ST_K_SIGALGS, ST_K_CLIENT_SIGALGS,
    ST_K_DANE, ST_K_TMP_DH, ST_K_DH_AUTO, ST_K_SECURITY_LEVEL,
    ST_K_SECURITY_CB, ST_K_INFO_CB, ST_K_MSG_CB, ST_K_PASSWD_CB,
    ST_K_GEN_SESSION_ID_CB, ST_K_PSK_HINT, ST_K_CA_LIST,
    ST_K_CLIENT_CA_LIST, ST_K_APP_DATA, ST_K_SERVERINFO,
    ST_K_CLIENT_CERT_TYPES, ST_K_CUSTOM_EXT, ST_K_EX_DATA,
    /* The verify parameters, DANE records and flags, callback arguments. */
    ST_K_VERIFY_FLAGS, ST_K_HOST, ST_K_ADD_HOST, ST_K_HOSTFLAGS,
    ST_K_PURPOSE, ST_K_TRUST, ST_K_VERIFY_TIME, ST_K_AUTH_LEVEL,
    ST_K_VERIFY_EMAIL, ST_K_VERIFY_IP, ST_K_DANE_TLSA, ST_K_DANE_FLAGS,
    ST_K_MSG_CB_ARG, ST_K_SECURITY_EX,
    /* The deprecated tmp_dh callback; an SSL's method (SSL_set_ssl_method). */
    ST_K_TMP_DH_CB, ST_K_METHOD,
    /* A session's own (SSL_SESSION_set_timeout). */
    ST_K_TIMEOUT,
    /* An SSL's BIOs (SSL_set_bio). */
    ST_K_BIO,
    /* An SSL_CTX's session timeout (SSL_CTX_set_timeout), which the
     * sessions its handshakes make take. */
    ST_K_SESSION_TIMEOUT,
    /* A session's time (SSL_SESSION_set_time). */
    ST_K_TIME,
    /* An SSL_CTX's session cache: its size limit
     * (SSL_CTX_sess_set_cache_size, 0 for none) and its mode
     * (SSL_CTX_set_session_cache_mode, SSL_SESS_CACHE_X). */
    ST_K_CACHE_SIZE,
    ST_K_CACHE_MODE,
    ST_K_COUNT
};

enum st_val_kind {
    ST_V_NUM,       /* num */
    ST_V_FLAGS,     /* num = the OR of the named constants; str = as written */
    ST_V_STR,       /* str (unescaped) */
    ST_V_ON, ST_V_OFF,          /* callback keys */
    ST_V_TEST, ST_V_NONE,       /* cert, key, chain, ca_list, client_ca_list */
    ST_V_NAME,      /* slot: an object name (session=NAME) */
};

struct st_value {
    enum st_val_kind kind;
    long long num;
    char *str;
    int slot;
};

struct st_setting {
    enum st_key key;
    struct st_value val;
    struct st_loc loc;
};

/* Expressions of `expect` and `observe`. */
enum st_expr_kind {
    ST_E_IDENT,     /* A == B / A != B: handle identity; bool */
    ST_E_SAME,      /* same(A, B): "same" or "copy" */
    ST_E_COPIED,    /* copied A B: bool */
    ST_E_KEPT,      /* kept A B: two sessions; bool */
    ST_E_INHERITED, /* inherited S C: an SSL and a ctx; bool */
    ST_E_STATE,     /* state S [== before|mid|done|shutdown] */
    ST_E_REFS,      /* refs OBJ [== N] */
    ST_E_FREED,     /* freed OBJ: bool */
    ST_E_LEAKS,     /* leaks [== N] */
    ST_E_ERRORS,    /* errors [== none|REASON] */
    ST_E_VERIFY_RESULT, /* verify_result S [== X509_V_ERR name | N] */
    ST_E_SESSIONS,  /* sessions C [== N]: SSL_CTX_sess_number */
    ST_E_NEGOTIATED, /* negotiated S: S's session is its handshake's; bool */
};

enum st_hs_state { ST_HS_BEFORE, ST_HS_MID, ST_HS_DONE, ST_HS_SHUTDOWN };
/* handshake as=: the role the SSL must play (the harness's peer takes the
 * other one); ST_AS_ANY: the one SSL_is_server says. */
enum st_hs_as { ST_AS_ANY, ST_AS_CLIENT, ST_AS_SERVER };

struct st_expr {
    enum st_expr_kind kind;
    int a, b;               /* slots; -1 when unused */
    int has_cmp;            /* a comparison follows; else the value is observed */
    int negate;             /* != instead of == */
    long long num;          /* refs/leaks/verify_result/sessions right-hand side */
    enum st_hs_state state; /* state right-hand side */
    char *reason;           /* errors right-hand side; NULL means none */
};

enum st_op {
    ST_OP_CTX,          /* ctx NAME [method=]: dst, method */
    ST_OP_NEW,          /* dst = new a */
    ST_OP_DUP,          /* dst = dup a */
    ST_OP_SESSION,      /* dst = session */
    ST_OP_GET1_SESSION, /* dst = get1_session a */
    ST_OP_CERT,         /* dst = cert a: the certificate a holds (get1) */
    ST_OP_PKEY,         /* dst = pkey a: the key a holds, or a new EVP_PKEY
                           holding key object a */
    ST_OP_KEY,          /* dst = rsa|dh|ec_key [a]: a new key object (a -1),
                           or the one under EVP_PKEY a (get1); otype */
    ST_OP_ADD_SESSION,  /* add_session a b: SSL_CTX_add_session */
    ST_OP_REMOVE_SESSION, /* remove_session a b: SSL_CTX_remove_session */
    ST_OP_FLUSH_SESSIONS, /* flush_sessions a */
    ST_OP_EX_INDEX,     /* ex_index ssl|ctx|session: register an ex_data
                           index of that class and free it again; otype */
    ST_OP_UP_REF,       /* up_ref a */
    ST_OP_FREE,         /* free a */
    ST_OP_CONNECT,      /* connect a */
    ST_OP_ACCEPT,       /* accept a */
    ST_OP_CLEAR,        /* clear a: SSL_clear */
    ST_OP_HANDSHAKE,    /* handshake a [until=] [steps=] [as=] [result=]
                           [resume=] [peer=harness|pair] */
    ST_OP_PAIR,         /* pair a b [via=pair|mem]: a BIO pair (or two
                           memory BIOs) between SSLs a and b */
    ST_OP_READ,         /* read a: SSL_read until the other end closes */
    ST_OP_SET,          /* set a KEY=VALUE ... */
    ST_OP_EXPECT,       /* expect expr */
    ST_OP_OBSERVE,      /* observe label expr */
    ST_OP_SPIN,         /* spin n */
    ST_OP_REPEAT,       /* repeat n ... end */
};

struct st_stmt {
    enum st_op op;
    struct st_loc loc;
    char *text;             /* the source line, trimmed, for reports */
    int dst;                /* slot created, or -1 */
    int a;                  /* slot operated on, or -1 */
    int b;                  /* add_session, remove_session: the session's
                               slot; pair: the second SSL; else -1 */
    enum st_type otype;     /* ST_OP_KEY: ST_TY_RSA, ST_TY_DH or ST_TY_EC_KEY;
                               ST_OP_EX_INDEX: ST_TY_SSL, _CTX or _SESSION */
    enum st_method method;
    enum st_hs_state until; /* handshake: ST_HS_MID or ST_HS_DONE */
    enum st_hs_as as;       /* handshake as= */
    int must_fail;          /* handshake result=fail */
    int no_resume;          /* handshake resume=off */
    int pair;               /* handshake peer=pair: the other end of a's BIO
                               pair is driven elsewhere (no harness peer) */
    int via_mem;            /* pair via=mem: two memory BIOs, crosswise,
                               not a BIO pair */
    long long n;            /* handshake steps (0: no limit), spin, repeat */
    struct st_setting *settings;
    size_t nsettings;
    struct st_expr expr;
    char label[ST_NAME_MAX + 1];    /* observe */
    struct st_stmt *body;   /* repeat */
    size_t nbody;
};

struct st_block {
    char name[ST_NAME_MAX + 1];     /* thread name; "" for the others */
    struct st_loc loc;
    struct st_stmt *stmts;
    size_t nstmts;
};

enum st_class { ST_ACCEPTABLE, ST_INTERESTING, ST_FORBIDDEN };

struct st_outcome {
    size_t nkeys;
    char (*keys)[ST_NAME_MAX + 1];  /* observe labels */
    char **values;                  /* as written */
    enum st_class cls;
    char *desc;                     /* NULL if none */
    struct st_loc loc;
};

/* A header `known race on BACKEND... [in FUNCTION...] "why"`
 * (extension): what a library is known to do in this scenario.  Under a
 * race detector, on one of |backends|, a data race report inside the
 * library (its access's first frame not the system's is the library's)
 * whose library frames include one of |functions| (or any, without `in`;
 * the word ST_KNOWN_UNNAMED: one whose library frames the tool could name
 * none of) is expected: it fails nothing and the report says "expected race" with
 * its frames (detector.h).  Any other report still fails the scenario. */
#define ST_KNOWN_UNNAMED "unnamed"

struct st_known_race {
    size_t nbackends;
    char (*backends)[ST_NAME_MAX + 1];
    size_t nfunctions;              /* 0: any library frame */
    char (*functions)[ST_NAME_MAX + 1];
    char *why;
    struct st_loc loc;
};

/* The backends a `known race` may name: each backend's st_be_name(). */
extern const char *const st_backend_names[];

struct st_scenario {
    char *path;
    char *name;
    char *about;                    /* NULL if none */
    long long iterations;           /* default 10000 */
    long long timeout_ms;           /* default 10000 */
    unsigned requires;              /* enum st_feature bits */
    int expect_race;                /* header `expect race`: a deliberate
                                       contract violation; a detector report
                                       is the pass, silence the failure */
    char *fault;                    /* header `fault NAME` (seeded-bug
                                       builds), or NULL */
    int alloc_sweep;                /* header `alloc_failures sweep`: the
                                       first iteration sweeps setup's
                                       statements with each allocation
                                       failing in turn (sweep.h) */
    struct st_loc alloc_sweep_loc;  /* where that header is */
    struct st_known_race *known;    /* headers `known race ...`, in order */
    size_t nknown;
    int has_global, has_setup, has_check;
    struct st_block global, setup, check;
    struct st_block *threads;
    size_t nthreads;
    struct st_outcome *outcomes;
    size_t noutcomes;
    struct st_name *names;          /* slot table */
    size_t nnames;
    char (*observe_labels)[ST_NAME_MAX + 1];  /* distinct labels, first-use order */
    size_t nlabels;
};

/* Parse and validate FILE.  Returns the scenario, or NULL with *d filled
 * (the first problem found). */
struct st_scenario *st_scenario_load(const char *path, struct st_diag *d);
/* The same from a buffer; path is used in diagnostics only. */
struct st_scenario *st_scenario_parse(const char *path, const char *text,
                                      size_t len, struct st_diag *d);
void st_scenario_free(struct st_scenario *sc);
/* Whether one of the |n| statements |st| (into repeats) names slot |slot|:
 * makes it, operates on it, or reads it in an expression or a setting. */
bool st_stmts_name(const struct st_stmt *st, size_t n, int slot);

const char *st_key_name(enum st_key k);
const char *st_hs_state_name(enum st_hs_state s);

#endif
