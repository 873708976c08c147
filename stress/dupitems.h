/* The one table of what SSL_dup copies, as a user can observe it.
 *
 * The manual page (SSL_new.pod) lists 23 settings SSL_dup duplicates
 * (st_dup_item_name); each row of the table (st_dup_row_at) is one aspect
 * of one item a program can see, with a getter that renders the aspect's
 * value of an SSL as canonical text: two SSLs agree on the aspect exactly
 * when their texts are equal.  `copied A B` (backend.c's st_be_copied)
 * and the findings program against real OpenSSL
 * (tests/openssl/dupfindings.c) both iterate this table, so neither can
 * look at an aspect the other does not.
 *
 * Getters.  A row's getter uses OpenSSL's public API where OpenSSL 3.0
 * has one, so it works on every backend.  Where OpenSSL 3.0 has no public
 * getter (the session id context of an SSL, tmp_dh, sigalgs, most of
 * DANE, the msg callback, purpose and trust of the verify parameters,
 * ...) the row names minissl's inspect getter (backend_inspect.c, the one
 * file that includes minissl/inspect.h) and says in `openssl` what OpenSSL
 * 3.0 offers instead; on a backend without introspection such a row
 * renders nothing and is skipped by `copied` (the findings program
 * observes it through the setting's effect instead, or says why not).
 *
 * Texts.  Numbers in decimal or 0x hex, strings quoted, pointers as
 * @0x..., functions as fn@0x..., names in X509_NAME_oneline form, lists
 * in [ ], "none" for an absent value.  Pointer texts are canonical within
 * one process only.
 *
 * Relations.  An ST_DUP_EQUAL row must render equal texts for a copy and
 * its original.  An ST_DUP_OWN row renders the identity of an object the
 * copy must own (its X509_VERIFY_PARAM, its ex_data value): the texts
 * must differ unless both are "none".
 *
 * Getters may call SSL_ctrl (SSL_get_mode and friends), as OpenSSL's
 * do: call them only where no other thread uses the SSL (the `check`
 * block, or the thread that owns it).  Everything else here is read-only
 * data or a pure function of its arguments. */
#ifndef ST_DUPITEMS_H
#define ST_DUPITEMS_H

#include <stdbool.h>
#include <stddef.h>

struct ssl_st;
struct ssl_ctx_st;

#define ST_DUP_ITEMS 23         /* the page's list */

/* Canonical text of one aspect.  A text that does not fit ends in "..."
 * (st_text_add keeps the first ST_TEXT_MAX - 4 bytes). */
#define ST_TEXT_MAX 1024
struct st_text {
    char s[ST_TEXT_MAX];
    size_t len;
};
void st_text_clear(struct st_text *t);
void st_text_add(struct st_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The forms of the texts above: a pointer (@0x..., or none), a function
 * by its bytes (fn@0x..., or none; cast it to st_fn), bytes in hex (none
 * when empty), a quoted string (or none), a STACK_OF(X509_NAME) as a list
 * of X509_NAME_oneline names (or none). */
typedef void (*st_fn)(void);
void st_text_ptr(struct st_text *t, const void *p);
void st_text_fn(struct st_text *t, st_fn fn);
void st_text_bytes(struct st_text *t, const unsigned char *p, size_t n);
void st_text_str(struct st_text *t, const char *s);
void st_text_names(struct st_text *t, const void *names);

/* The aspects only minissl's inspect getters show (backend_inspect.c). */
enum st_dup_inspect {
    ST_DI_NONE,                 /* the row has a public getter */
    ST_DI_SID_CTX, ST_DI_TMP_DH_KEY, ST_DI_TMP_DH_CB, ST_DI_DH_AUTO,
    ST_DI_SIGALGS, ST_DI_CLIENT_SIGALGS, ST_DI_DANE_ENABLED,
    ST_DI_DANE_BASEDOMAIN, ST_DI_DANE_TLSA, ST_DI_PURPOSE, ST_DI_TRUST,
    ST_DI_MSG_CB, ST_DI_MSG_CB_ARG, ST_DI_GEN_SESSION_ID, ST_DI_ROLE_CHOSEN,
    ST_DI_OWN_CLIENT_CA_LIST, ST_DI_SERVERINFO, ST_DI_PSK_HINT,
    ST_DI_CUSTOM_EXT, ST_DI_CLIENT_CERT_TYPES,
    /* An SSL_CTX's cipher list (an SSL's has a public getter). */
    ST_DI_CTX_CIPHERS, ST_DI_CTX_SUITES,
};

enum st_dup_how { ST_DUP_EQUAL, ST_DUP_OWN };

/* What SSL_new gives an SSL of the aspect (`inherited S C`): nothing of
 * the SSL_CTX's (the session, app data, ex_data, DANE's per-SSL state,
 * the role chosen); the SSL_CTX's value; an object of its own (the
 * verify parameters); the SSL_CTX's value, which the getter shows of a
 * server only (SSL_get_client_CA_list shows a client its peer's). */
enum st_dup_inherit { ST_INH_NO, ST_INH_EQUAL, ST_INH_OWN, ST_INH_SERVER };

struct st_dup_row {
    const char *id;             /* stable key: "param.hosts" */
    int item;                   /* 1..ST_DUP_ITEMS; 0: the SSL_CTX */
    const char *aspect;         /* what the getter shows, for reports */
    /* Public-API getter, or NULL: minissl's, named by inspect. */
    void (*render)(struct ssl_st *s, struct st_text *out);
    enum st_dup_inspect inspect;
    enum st_dup_how how;
    /* Rows without a public getter: what OpenSSL 3.0 offers instead. */
    const char *openssl;
    /* The SSL_CTX's value (`inherited`): its public getter, else NULL and
     * minissl's, named by inspect_ctx. */
    void (*render_ctx)(struct ssl_ctx_st *c, struct st_text *out);
    enum st_dup_inspect inspect_ctx;
    enum st_dup_inherit inherit;
};

/* Item |n| (1..ST_DUP_ITEMS) of the page's list, shortened; item 0 is
 * "the same SSL_CTX" (the page's first sentence about SSL_dup).  NULL
 * past the end. */
const char *st_dup_item_name(int n);
/* Row |i|, NULL past the last. */
const struct st_dup_row *st_dup_row_at(size_t i);
size_t st_dup_row_count(void);
/* The row whose id is |id|, or NULL. */
const struct st_dup_row *st_dup_row_find(const char *id);

/* Renders |row| of |ssl| into |out|: true, or false when this backend
 * cannot show the aspect (out then says why). */
bool st_dup_render(const struct st_dup_row *row, void *ssl,
                   struct st_text *out);
/* True when |a| and |b| hold the same value of |row| (ST_DUP_EQUAL) or
 * each its own object (ST_DUP_OWN), judged by their texts; a row this
 * backend cannot show is true.  On false, why (whylen bytes) says
 * "ITEM: ASPECT differs (A: TEXT; B: TEXT)". */
bool st_dup_row_agrees(const struct st_dup_row *row, void *a, void *b,
                       char *why, size_t whylen);
/* Every row, in table order: true when all agree, else false with the
 * first disagreement in why. */
bool st_dup_compare(void *a, void *b, char *why, size_t whylen);

/* Renders the SSL_CTX |ctx|'s value of |row|, which SSL_new gives an SSL,
 * into |out|: true, or false when the row is not inherited or this
 * backend cannot show the SSL_CTX's value. */
bool st_dup_render_ctx(const struct st_dup_row *row, void *ctx,
                       struct st_text *out);
/* True when SSL |ssl| holds what SSL_new gave it of SSL_CTX |ctx| on
 * |row| (ST_INH_*), or the row is not inherited or not shown here; on
 * false, why says "ITEM: ASPECT differs (SSL: TEXT; SSL_CTX: TEXT)". */
bool st_dup_row_inherited(const struct st_dup_row *row, void *ssl,
                          void *ctx, char *why, size_t whylen);
/* `inherited S C`: every row, in table order, as st_dup_compare. */
bool st_dup_inherited(void *ssl, void *ctx, char *why, size_t whylen);

/* The table's own check: every item 1..ST_DUP_ITEMS has at least one
 * row, every row names an item and a unique id, every row without a
 * public getter names an inspect getter and says what OpenSSL offers.
 * 0, or the number of problems with the first one in why. */
int st_dup_table_check(char *why, size_t whylen);

/* The harness's ex_data value (the `ex_data=N` setting): a box per SSL
 * that the index's dup callback copies.  The ex_data rows read the SSL
 * index st_dup_exbox_index() names, -1: none.  The program provides the
 * function (backend.c: the index the harness registered; the findings
 * program: -1). */
struct st_exbox {
    long value;
};
int st_dup_exbox_index(void);
/* |b|'s value as `copied` shows it, or "none" for NULL (no box). */
void st_exbox_text(const struct st_exbox *b, struct st_text *t);

#endif
