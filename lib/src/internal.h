/* minissl's object layouts and the helpers every object module uses.
 *
 * Public headers keep every type opaque; this file is the one place that
 * says what an SSL, SSL_CTX, SSL_SESSION, X509, ... holds.  Modules:
 *   mem.c      CRYPTO_malloc & co, allocation accounting, failure injection
 *   obj.c      object header: ids, live counts, validity, quarantine
 *   err.c      the per-thread error stack and the reason tables
 *   exdata.c   CRYPTO_get_ex_new_index and the per-object ex_data
 *   stack.c    OPENSSL_sk_*
 *   cfg.c      struct ms_cfg: the settings an SSL_CTX and an SSL share
 *   ctx.c ssl.c dup.c session.c method.c cipher.c
 *   x509.c name.c param.c pkey.c   the X509 / EVP_PKEY stand-ins
 *   statem.c bio.c sesscache.c conn_reasons.c   the connection half (conn.h)
 *
 * Ownership words as in the public headers: get0 borrows, get1/new/dup give
 * a reference, set0 takes the caller's, set1 takes its own. */
#ifndef MS_INTERNAL_H
#define MS_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <minissl/inspect.h>

#include "refcount.h"
#include "faults.h"
#include "sched_hook.h"
#include "conn.h"

/* ------------------------------------------------------------------ */
/* Memory (mem.c).  Every allocation goes through CRYPTO_malloc & co so
 * that failure injection and the live-allocation count see it.  The ms_
 * helpers raise ERR_R_MALLOC_FAILURE themselves when they fail, so a
 * caller only has to return its failure value. */
void *ms_malloc(size_t n);
void *ms_zalloc(size_t n);
void *ms_memdup(const void *p, size_t n);   /* n == 0: returns NULL, no error */
char *ms_strdup(const char *s);             /* s == NULL: returns NULL, no error */
void ms_free(void *p);                      /* accepts NULL */

/* ------------------------------------------------------------------ */
/* Object header (obj.c).  The first member of every heap object.
 *
 * magic   MS_MAGIC_LIVE from ms_obj_new until the object is destroyed;
 *         MS_MAGIC_DEAD while it sits poisoned in the quarantine.
 *         Written only by the creating and the destroying thread, both of
 *         which own the object exclusively at that moment.
 * type    enum minissl_type; never changes.
 * id      per-type serial number from 1 ("SSL #17"); never changes.
 * refs    the reference count (refcount.h).  Objects that OpenSSL does not
 *         reference-count (X509_NAME, X509_VERIFY_PARAM) keep it at 1.
 *         Kept intact by the poisoning, at 0, so that a double free or an
 *         up_ref of a quarantined object is diagnosed by ms_ref_*. */
#define MS_MAGIC_LIVE 0x6d73736cu    /* "mssl" */
#define MS_MAGIC_DEAD 0xdeadf7eeu
#define MS_POISON_BYTE 0xa5

struct ms_obj {
    uint32_t magic;
    uint32_t type;
    unsigned long id;
    struct ms_ref refs;
};

/* A zeroed object of |size| bytes with its header filled in (count 1) and
 * counted live.  NULL with ERR_R_MALLOC_FAILURE raised on failure. */
void *ms_obj_new(enum minissl_type type, size_t size);
/* The end of an object whose destructor has run: counted dead, then either
 * freed or (SSL, SSL_CTX, SSL_SESSION) poisoned and quarantined: the bytes
 * after the header are overwritten with MS_POISON_BYTE, magic becomes
 * MS_MAGIC_DEAD, and the block is held in a bounded FIFO before it is
 * freed, so that a late free/up_ref/use is diagnosed deterministically. */
void ms_obj_retire(void *obj, size_t size);
/* Aborts with "use after free of SSL #17" (via ms_ref_misuse) when |h| is
 * not a live object of |type|.  |h| must not be NULL. */
void ms_obj_check(const struct ms_obj *h, enum minissl_type type,
                  const char *op);
const char *ms_type_name(enum minissl_type type);
/* For up_ref/free: aborts when |h| is a live object of another type (or
 * not an object); a quarantined one is left to ms_ref_up/ms_ref_down,
 * whose diagnosis ("double free of SSL #17") is the precise one.  Reading
 * the header here races nothing in a correct program: the caller holds a
 * reference, and the destroying thread writes it only after every other
 * reference was dropped (acq_rel, refcount.h). */
static inline void ms_obj_check_ref(const struct ms_obj *h,
                                    enum minissl_type type, const char *op)
{
    if (h->magic != MS_MAGIC_DEAD)
        ms_obj_check(h, type, op);
}

/* Entry checks for public functions: a NULL object raises
 * ERR_R_PASSED_NULL_PARAMETER and returns |fail| (leave it empty in a void
 * function); a dead object aborts with a diagnosis. */
#define MS_CHECK(o, typ, fail)                                        \
    do {                                                              \
        if ((o) == NULL) {                                            \
            ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);      \
            return fail;                                              \
        }                                                             \
        ms_obj_check(&(o)->hdr, (typ), __func__);                     \
    } while (0)
#define MS_CHECK_LIB(o, typ, lib, fail)                               \
    do {                                                              \
        if ((o) == NULL) {                                            \
            ERR_raise((lib), ERR_R_PASSED_NULL_PARAMETER);            \
            return fail;                                              \
        }                                                             \
        ms_obj_check(&(o)->hdr, (typ), __func__);                     \
    } while (0)

/* ------------------------------------------------------------------ */
/* Errors (err.c).  Reason text tables: {code, text}, ended by {0, NULL}.
 * err.c holds the object half's SSL_R_* texts and the common ERR_R_*
 * texts; the connection half (conn_reasons.c) defines
 * ms_conn_reasons[] for its SSL_R_* codes.  ERR_reason_error_string
 * consults both for ERR_LIB_SSL. */
struct ms_reason {
    int code;
    const char *text;
};
extern const struct ms_reason ms_conn_reasons[];

/* ------------------------------------------------------------------ */
/* ex_data (exdata.c).  The layout of CRYPTO_EX_DATA is in crypto.h. */
/* Calls every registered new_func of |class_index| for the new |obj| and
 * leaves |ad| empty.  1, or 0 with a reason (nothing to undo: |ad| stays
 * empty). */
int ms_ex_new(int class_index, void *obj, CRYPTO_EX_DATA *ad);
/* OpenSSL's order: every slot of |from| is offered to its index's
 * dup_func (which may change the pointer) and stored into |to|.  0 with a
 * reason when a dup_func returns 0 or memory runs out; |to| then holds
 * what was copied so far and is freed by its object's free. */
int ms_ex_dup(int class_index, CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from);
/* Calls every registered free_func with the slot's value (NULL too, as
 * OpenSSL does), then releases the slots. */
void ms_ex_free(int class_index, void *obj, CRYPTO_EX_DATA *ad);

/* ------------------------------------------------------------------ */
/* Methods (method.c): static, never freed. */
struct ssl_method_st {
    int version;            /* 0: any (TLS_method); else fixed */
    int can_connect;
    int can_accept;
    const char *name;
};

/* ------------------------------------------------------------------ */
/* Ciphers (cipher.c).  A list is a short array of indexes into the
 * cipher table; TLS 1.3 suites and TLS 1.2 ciphers are kept apart as in
 * OpenSSL (SSL_set_ciphersuites / SSL_set_cipher_list). */
#define MS_MAX_CIPHERS 16

struct ms_cipher {
    const char *name;       /* OpenSSL's name */
    uint16_t id;            /* IANA code point */
    int tls13;
};

const struct ms_cipher *ms_cipher_at(int index);
/* Parses an OpenSSL cipher string of names ("A:B", ',' and ' ' also
 * separate; "DEFAULT"/"ALL" expand to the defaults) into |out|.  Returns
 * the count, or 0 with SSL_R_NO_CIPHER_MATCH raised for an unknown or
 * wrong-version name or an empty list. */
size_t ms_cipher_parse(const char *str, int tls13, unsigned char *out);
size_t ms_cipher_default(int tls13, unsigned char *out);
/* Parses a signature-algorithm list ("ECDSA+SHA256:rsa_pss_rsae_sha256")
 * into a new array of code points: 1 (with *out, *n), or 0 with
 * SSL_R_BAD_VALUE (unknown or repeated name, empty list) or no memory. */
int ms_sigalgs_parse(const char *str, uint16_t **out, size_t *n);

/* ------------------------------------------------------------------ */
/* Custom extensions and DANE, as held by the settings. */
struct ms_custom_ext {
    unsigned int ext_type;
    unsigned int context;
    SSL_custom_ext_add_cb_ex add_cb;
    SSL_custom_ext_free_cb_ex free_cb;
    void *add_arg;
    SSL_custom_ext_parse_cb_ex parse_cb;
    void *parse_arg;
};

struct ms_tlsa {
    uint8_t usage, selector, mtype;
    unsigned char *data;
    size_t dlen;
};

struct ms_dane {
    int ctx_enabled;        /* SSL_CTX_dane_enable (an SSL_CTX's cfg) */
    int enabled;            /* SSL_dane_enable (an SSL's cfg) */
    char *basedomain;       /* SSL only */
    unsigned long flags;    /* DANE_FLAG_* */
    struct ms_tlsa *tlsa;   /* SSL only */
    size_t ntlsa;
};

/* ------------------------------------------------------------------ */
/* The settings an SSL_CTX holds, an SSL inherits at SSL_new and SSL_dup
 * copies: exactly the items of the manual page's SSL_dup list (plus the
 * TLS 1.3 suites, half of "the cipher list").  Every pointer is owned by
 * the holder: a copy is deep, except immutable shared objects (X509,
 * EVP_PKEY), which are shared by reference count.  (cfg.c) */
struct ms_cfg {
    uint64_t options;
    uint32_t mode;
    int verify_mode;
    SSL_verify_cb verify_cb;
    X509_VERIFY_PARAM *param;       /* never NULL once built; holds depth */
    int min_proto, max_proto;       /* 0: no bound */
    unsigned char ciphers[MS_MAX_CIPHERS];  /* TLS <= 1.2 */
    size_t nciphers;
    unsigned char suites[MS_MAX_CIPHERS];   /* TLS 1.3 */
    size_t nsuites;
    X509 *cert;
    EVP_PKEY *key;
    STACK_OF(X509) *chain;
    unsigned char sid_ctx[SSL_MAX_SID_CTX_LENGTH];
    size_t sid_ctx_len;
    STACK_OF(X509_NAME) *ca_names;          /* SSL_set0_CA_list */
    STACK_OF(X509_NAME) *client_ca_names;   /* SSL_set_client_CA_list */
    void (*info_cb)(const SSL *ssl, int type, int val);
    void (*msg_cb)(int write_p, int version, int content_type,
                   const void *buf, size_t len, SSL *ssl, void *arg);
    void *msg_cb_arg;
    pem_password_cb *passwd_cb;
    void *passwd_userdata;
    GEN_SESSION_CB gen_session_id;
    int sec_level;
    int (*sec_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits,
                  int nid, void *other, void *ex);
    void *sec_ex;
    int read_ahead;
    long max_cert_list;
    char *psk_hint;
    unsigned char *client_cert_types;
    size_t nclient_cert_types;
    EVP_PKEY *dh_tmp;
    DH *(*dh_tmp_cb)(SSL *ssl, int is_export, int keylength);
    int dh_auto;
    uint16_t *sigalgs;              /* TLS SignatureScheme code points */
    size_t nsigalgs;
    uint16_t *client_sigalgs;
    size_t nclient_sigalgs;
    unsigned char *serverinfo;
    size_t serverinfo_len;
    struct ms_custom_ext *exts;
    size_t nexts;
    struct ms_dane dane;
};

/* The defaults of a new SSL_CTX (OpenSSL 3's).  1, or 0 with a reason;
 * ms_cfg_cleanup then takes what was built. */
int ms_cfg_init(struct ms_cfg *c);
/* |dst| (zeroed) becomes an independent deep copy of |src|.  1, or 0
 * with a reason; ms_cfg_cleanup(dst) then releases the partial copy. */
int ms_cfg_copy(struct ms_cfg *dst, const struct ms_cfg *src);
void ms_cfg_cleanup(struct ms_cfg *c);   /* accepts a zeroed cfg */
/* New stacks: a chain sharing its certificates (one more reference each),
 * a deep copy of a name list.  NULL with a reason. */
STACK_OF(X509) *ms_chain_dup(const STACK_OF(X509) *sk);
STACK_OF(X509_NAME) *ms_names_dup(const STACK_OF(X509_NAME) *sk);
/* The name of the |n|th cipher of |c| as SSL_get_cipher_list counts
 * them (the TLS 1.3 suites first), NULL past the end.  (cipher.c) */
const char *ms_cfg_cipher_name(const struct ms_cfg *c, int n);

/* ------------------------------------------------------------------ */
/* SSL_CTX (ctx.c) */
struct ssl_ctx_st {
    struct ms_obj hdr;
    const SSL_METHOD *method;
    pthread_mutex_t lock;           /* for the connection half's use */
    struct ms_cfg cfg;
    CRYPTO_EX_DATA ex_data;
    struct ms_sess_cache cache;     /* conn.h; ms_cache_init/cleanup */
};

/* ------------------------------------------------------------------ */
/* SSL (ssl.c, dup.c) */
struct ssl_st {
    struct ms_obj hdr;
    /* Guards the state check + copy of SSL_dup, SSL_get1_session and
     * SSL_set_session; the handshake module takes it around every change
     * of conn's state, of the role and of |session|.  Never held while calling out to
     * application callbacks, except the ex_data new/dup callbacks that
     * SSL_dup runs for the copy (which must not call SSL_dup on the
     * original). */
    pthread_mutex_t lock;
    SSL_CTX *ctx;                   /* one reference, from SSL_new */
    const SSL_METHOD *method;
    /* Role.  |server| is OpenSSL's: 1 for a method that can accept
     * (TLS_method too) until SSL_set_connect_state, 0 for a client-only
     * method.  |role_set| is 1 once SSL_set_connect_state or
     * SSL_set_accept_state has chosen (OpenSSL: handshake_func set).
     * Both are written, under |lock|, by statem.c's SSL_set_*_state
     * (which SSL_connect / SSL_accept call on an SSL without a role, so
     * racing SSL_dup), read by SSL_is_server and copied by SSL_dup: they
     * are the one record of the role; ms_conn holds none of its own. */
    int server;
    int role_set;
    /* minissl_SSL_force_not_initial: makes SSL_dup treat the SSL as past
     * its initial state whatever conn says (tests, before a handshake). */
    int forced_not_initial;
    struct ms_cfg cfg;
    SSL_SESSION *session;           /* one reference or NULL */
    /* A client's view of the server's CA list (SSL_get_client_CA_list on
     * a client), filled by the handshake module, freed with the SSL. */
    STACK_OF(X509_NAME) *peer_ca_names;
    CRYPTO_EX_DATA ex_data;
    struct ms_conn conn;            /* conn.h; ms_conn_init/cleanup */
};

/* A new SSL of |ctx| with the settings |cfg| (deep copy): SSL_new passes
 * the SSL_CTX's, SSL_dup the original's.  Takes a reference on |ctx|,
 * runs the ex_data new callbacks and ms_conn_init.  NULL with a reason. */
SSL *ms_ssl_new_from(SSL_CTX *ctx, const struct ms_cfg *cfg);

/* The SSL_ctrl / SSL_CTX_ctrl commands that act on a cfg (settings.c).
 * Sets *handled to 0 for a command it does not know. */
long ms_cfg_ctrl(struct ms_cfg *c, int cmd, long larg, void *parg,
                 int *handled);

/* The SSL's lock; yield points "ssl.lock.acquire" / "ssl.lock.release"
 * in the sched build (sched_hook.h). */
static inline void ms_ssl_lock(SSL *s)
{
    MS_LOCK(&s->lock, "ssl", "SSL", s->hdr.id);
}

static inline void ms_ssl_unlock(SSL *s)
{
    MS_UNLOCK(&s->lock, "ssl", "SSL", s->hdr.id);
}

/* ------------------------------------------------------------------ */
/* SSL_SESSION (session.c).  Immutable once shared (more than one
 * reference): only its creator sets fields, before handing it out. */
struct ssl_session_st {
    struct ms_obj hdr;
    unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    size_t id_len;
    unsigned char sid_ctx[SSL_MAX_SID_CTX_LENGTH];
    size_t sid_ctx_len;
    int version;                    /* protocol, TLS1_2_VERSION ... */
    uint16_t cipher_id;             /* IANA code point, 0: none */
    time_t time;
    long timeout;                   /* seconds */
    X509 *peer;                     /* one reference or NULL */
    unsigned char master_key[SSL_MAX_MASTER_KEY_LENGTH];
    size_t master_key_len;
    int not_resumable;
    unsigned char *ticket;
    size_t ticket_len;
    char *psk_hint;                 /* the server's hint, on a client */
    CRYPTO_EX_DATA ex_data;
    /* The immutability check (session.c): a digest of the fields that
     * must not change once the session is shared, taken when its count
     * goes from 1 to 2 and compared whenever a reference is dropped from
     * a shared state; 0: never shared. */
    atomic_uint_least64_t seal;
};

/* ------------------------------------------------------------------ */
/* X509 stand-ins (x509.c, name.c, param.c, pkey.c).  Not crypto: a
 * certificate is a subject, an issuer, a serial, a validity and the
 * public key it names; a key is a type, a size and random bytes. */
struct asn1_string_st {
    int type;                       /* V_ASN1_INTEGER, V_ASN1_UTCTIME ... */
    long value;                     /* an INTEGER's value */
    time_t time;                    /* a TIME's value */
};

struct ms_name_entry {
    int nid;
    unsigned char *value;
    size_t len;
};

struct X509_name_st {
    struct ms_obj hdr;
    struct ms_name_entry *ent;
    size_t n;
};

struct evp_pkey_st {
    struct ms_obj hdr;
    int type;                       /* EVP_PKEY_RSA, EVP_PKEY_EC ... */
    int bits;
    unsigned char raw[32];          /* the key's identity */
};

struct evp_md_st {
    int nid;
    const char *name;
    int size;
};

struct x509_st {
    struct ms_obj hdr;
    long version;
    ASN1_INTEGER serial;
    ASN1_TIME not_before, not_after;
    X509_NAME *subject, *issuer;    /* owned, never NULL once built */
    EVP_PKEY *pubkey;               /* one reference or NULL */
    unsigned char sig[32];          /* X509_sign's stand-in signature */
    size_t sig_len;
    CRYPTO_EX_DATA ex_data;
};

#define MS_MAX_HOSTS 8

struct X509_VERIFY_PARAM_st {
    struct ms_obj hdr;
    char *hosts[MS_MAX_HOSTS];      /* owned; hosts[0..nhosts) */
    int nhosts;
    unsigned int hostflags;
    unsigned long flags;
    int depth;                      /* -1: unset */
    int auth_level;                 /* -1: unset */
    int purpose;
    int trust;
    time_t check_time;
    char *email;                    /* owned or NULL */
    unsigned char ip[16];           /* ip[0..iplen): 0, 4 or 16 bytes */
    size_t iplen;
};

/* 1 when |k| is the private half of |x|'s public key (same identity). */
int ms_pkey_matches(const EVP_PKEY *a, const EVP_PKEY *b);

#endif
