/* The parser of scenario files: tokens (lexer.c) -> struct st_scenario.
 *
 * One statement per line, so the parser works line by line: the first word
 * picks a header, a block header, an `outcome` line, `end`, or a statement
 * (`NAME = ...` when the second token is '=').  Block bodies are collected in
 * a stack of frames, one per open `repeat`, and attached to their block when
 * the next header (or the end of the file) closes it.  Object names are not
 * resolved here: each mention becomes an entry of a reference table
 * (struct st_pref) whose index sits where the model wants a slot, and
 * validate.c resolves them in execution order.  Everything that needs no
 * name resolution is checked here, in file order: syntax, keys, values,
 * numbers and their ranges, block layout, observe labels and outcomes.
 *
 * Memory: the model is built in place; on any error st_scenario_free()
 * takes the half-built scenario and the frames are freed by frames_free(). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "parse_local.h"

#define MAX_ITERATIONS 1000000000000LL
#define MAX_TIMEOUT_MS 86400000LL
#define MAX_SPIN 1000000000LL
#define MAX_REPEAT 1000000000LL         /* also the product of nested ones */
#define MAX_STEPS 1000000LL
#define MAX_COUNT 2147483647LL          /* refs == N, leaks == N */
#define MAX_OUTCOMES 4096
#define MAX_LABELS 64

/* What an observe label records, for checking outcome values. */
enum vkind { VK_BOOL, VK_SAME, VK_STATE, VK_NUM, VK_ERRORS };

struct frame {
    struct st_stmt *v;          /* statements collected so far */
    size_t n, cap;
    struct st_stmt rep;         /* the open repeat (frames above the first) */
    long long product;          /* repeat counts multiplied down to here */
};

enum blk { B_NONE, B_GLOBAL, B_SETUP, B_CHECK, B_THREAD };

struct parser {
    struct st_lexer lx;
    struct st_diag *d;
    struct st_scenario *sc;
    struct st_prefs refs;
    int seen_scenario;
    struct st_loc scenario_loc;
    int in_blocks, in_outcomes;
    unsigned seen_headers;      /* bit per header word, see hdr_words */
    enum blk cur;
    struct frame frames[ST_MAX_REPEAT_DEPTH + 1];
    int depth;                  /* frames in use; 0 outside a block */
    enum vkind labkind[MAX_LABELS];
    struct st_loc labloc[MAX_LABELS];
};

/* ---- helpers: tokens and errors ---- */

static const struct st_tok *tok(struct parser *p, size_t i)
{
    return i < p->lx.ntoks ? &p->lx.toks[i] : NULL;
}

static int is_word(const struct st_tok *t, const char *w)
{
    return t != NULL && t->kind == ST_T_NAME && strlen(w) == t->len
           && memcmp(t->start, w, t->len) == 0;
}

static struct st_loc tok_loc(struct parser *p, size_t i)
{
    const struct st_lexer *lx = &p->lx;
    struct st_loc loc;

    if (i < lx->ntoks)
        return lx->toks[i].loc;
    /* End of line: right after the last token. */
    loc.line = lx->line;
    loc.col = lx->ntoks > 0 ? lx->toks[lx->ntoks - 1].loc.col
                                  + (int)lx->toks[lx->ntoks - 1].len
                            : 1;
    return loc;
}

static int perr_at(struct parser *p, struct st_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr_at(struct parser *p, struct st_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_diag_vset(p->d, p->lx.path, p->lx.lstart, p->lx.llen, loc, fmt, ap);
    va_end(ap);
    return -1;
}

#define perr(p, i, ...) perr_at((p), tok_loc((p), (i)), __VA_ARGS__)

/* "'tok'" or "end of line" (in a static-per-call buffer of the parser). */
static const char *desc(struct parser *p, size_t i, char *buf, size_t n)
{
    return st_tok_desc(&p->lx, i, buf, n);
}

static int expected(struct parser *p, size_t i, const char *what)
{
    char b[64];

    return perr(p, i, "expected %s, found %s", what, desc(p, i, b, sizeof(b)));
}

static int no_more(struct parser *p, size_t i)
{
    char b[64];

    if (i < p->lx.ntoks)
        return perr(p, i, "extra %s at end of line", desc(p, i, b, sizeof(b)));
    return 0;
}

static char *xstrndup(struct parser *p, size_t i, const char *s, size_t n)
{
    char *r = malloc(n + 1);

    if (r == NULL) {
        perr(p, i, "out of memory");
        return NULL;
    }
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

/* A plain name at token i (no '-'), copied to out[ST_NAME_MAX + 1]. */
static int plain_name(struct parser *p, size_t i, const char *what, char *out)
{
    const struct st_tok *t = tok(p, i);

    if (t == NULL || t->kind != ST_T_NAME)
        return expected(p, i, what);
    if (memchr(t->start, '-', t->len) != NULL)
        return perr(p, i, "invalid name '%.*s' (letters, digits and _ only)",
                    (int)t->len, t->start);
    memcpy(out, t->start, t->len);
    out[t->len] = '\0';
    return 0;
}

static const char *const reserved[] = {
    "same", "copied", "kept", "state", "refs", "freed", "leaks", "errors",
    "none", "verify_result", "inherited", "sessions", "negotiated", NULL
};

/* An object name at token i: a new reference table entry; its index in *ix.
 * create: the name is being created (reserved words and a thread part
 * refused); else it may be a thread's name, THREAD.NAME. */
static int obj_name(struct parser *p, size_t i, int create, int *ix)
{
    const struct st_tok *t = tok(p, i);
    struct st_pref r;
    size_t k;

    if (t != NULL && t->kind == ST_T_QNAME) {
        if (create)
            return perr(p, i, "cannot create '%.*s' (a new name has no "
                        "thread part: it belongs to the block that makes it)",
                        (int)t->len, t->start);
        if (memchr(t->start, '-', t->len) != NULL)
            return perr(p, i, "invalid name '%.*s' (letters, digits and _ "
                        "only)", (int)t->len, t->start);
        memcpy(r.thread, t->start, t->dot);
        r.thread[t->dot] = '\0';
        memcpy(r.name, t->start + t->dot + 1, t->len - t->dot - 1);
        r.name[t->len - t->dot - 1] = '\0';
    } else {
        if (plain_name(p, i, "a name", r.name) < 0)
            return -1;
        r.thread[0] = '\0';
    }
    if (create)
        for (k = 0; reserved[k] != NULL; k++)
            if (strcmp(reserved[k], r.name) == 0)
                return perr(p, i, "'%s' is a reserved word", r.name);
    r.loc = t->loc;
    if (p->refs.n == p->refs.cap) {
        size_t ncap = p->refs.cap ? p->refs.cap * 2 : 64;
        struct st_pref *nv = realloc(p->refs.v, ncap * sizeof(*nv));

        if (nv == NULL)
            return perr(p, i, "out of memory");
        p->refs.v = nv;
        p->refs.cap = ncap;
    }
    p->refs.v[p->refs.n] = r;
    *ix = (int)p->refs.n++;
    return 0;
}

/* A number without suffix at token i in [min, max]. */
static int number(struct parser *p, size_t i, const char *what, long long min,
                  long long max, long long *out)
{
    const struct st_tok *t = tok(p, i);

    if (t == NULL || t->kind != ST_T_NUM)
        return expected(p, i, "a number");
    if (t->suffix_len > 0)
        return perr(p, i, "malformed number '%.*s'", (int)t->len, t->start);
    if (t->num < min || t->num > max)
        return perr(p, i, "number out of range for '%s' (%lld to %lld)", what,
                    min, max);
    *out = t->num;
    return 0;
}

/* Token i must be one of words[] (NULL-ended): its index, else an error
 * "unknown value 'x' for 'what' (a, b or c)". */
static int one_of(struct parser *p, size_t i, const char *what,
                  const char *const *words, int *out)
{
    const struct st_tok *t = tok(p, i);
    char alts[160] = "", b[64];
    int k, nw;

    if (t == NULL)
        return perr(p, i, "expected a value for '%s', found end of line", what);
    for (k = 0; words[k] != NULL; k++) {
        if (is_word(t, words[k])) {
            *out = k;
            return 0;
        }
    }
    for (nw = 0; words[nw] != NULL; nw++)
        ;
    for (k = 0; k < nw; k++) {
        size_t l = strlen(alts);

        snprintf(alts + l, sizeof(alts) - l, "%s%s",
                 k == 0 ? "" : k == nw - 1 ? " or " : ", ", words[k]);
    }
    return perr(p, i, "unknown value %s for '%s' (%s)",
                desc(p, i, b, sizeof(b)), what, alts);
}

/* ---- statements ---- */

static void stmts_free(struct st_stmt *v, size_t n);

static void stmt_clear(struct st_stmt *st)
{
    size_t i;

    free(st->text);
    for (i = 0; i < st->nsettings; i++)
        free(st->settings[i].val.str);
    free(st->settings);
    free(st->expr.reason);
    stmts_free(st->body, st->nbody);
    memset(st, 0, sizeof(*st));
}

bool st_stmts_name(const struct st_stmt *st, size_t n, int slot)
{
    for (size_t i = 0; i < n; i++) {
        if (st[i].dst == slot || st[i].a == slot || st[i].b == slot ||
            st[i].expr.a == slot || st[i].expr.b == slot)
            return true;
        for (size_t k = 0; k < st[i].nsettings; k++)
            if (st[i].settings[k].val.kind == ST_V_NAME &&
                st[i].settings[k].val.slot == slot)
                return true;
        if (st_stmts_name(st[i].body, st[i].nbody, slot))
            return true;
    }
    return false;
}

static void stmts_free(struct st_stmt *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        stmt_clear(&v[i]);
    free(v);
}

static void frames_free(struct parser *p)
{
    int k;

    for (k = 0; k < p->depth; k++) {
        stmts_free(p->frames[k].v, p->frames[k].n);
        if (k > 0)
            stmt_clear(&p->frames[k].rep);
    }
    p->depth = 0;
}

static struct st_stmt *new_stmt(struct parser *p, enum st_op op)
{
    struct frame *f = &p->frames[p->depth - 1];
    const struct st_lexer *lx = &p->lx;
    const struct st_tok *first = &lx->toks[0], *last = &lx->toks[lx->ntoks - 1];
    struct st_stmt *st;

    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 8;
        struct st_stmt *nv = realloc(f->v, ncap * sizeof(*nv));

        if (nv == NULL) {
            perr(p, 0, "out of memory");
            return NULL;
        }
        f->v = nv;
        f->cap = ncap;
    }
    st = &f->v[f->n];
    memset(st, 0, sizeof(*st));
    st->op = op;
    st->loc = first->loc;
    st->dst = st->a = st->b = -1;
    st->expr.a = st->expr.b = -1;
    st->text = xstrndup(p, 0, first->start,
                        (size_t)(last->start + last->len - first->start));
    if (st->text == NULL)
        return NULL;
    f->n++;
    return st;
}

/* The methods of `ctx NAME method=...` and of the `method` key, in enum
 * st_method's order. */
static const char *const methods[] = { "tls", "client", "server", NULL };

/* `KEY=VALUE` settings of `set`, from token i. */
static int setting_value(struct parser *p, size_t *ip, enum st_key k,
                         struct st_setting *s)
{
    const struct st_keyspec *ks = st_key_spec(k);
    size_t i = *ip;
    const struct st_tok *t = tok(p, i);
    char b[64];
    int w;
    static const char *const onoff[] = { "on", "off", NULL };
    static const char *const material[] = { "test", "none", NULL };

    if (t == NULL)
        return perr(p, i, "expected a value for '%s', found end of line",
                    ks->name);
    switch (ks->type) {
    case ST_KT_FLAGS:
    case ST_KT_PROTO:
    case ST_KT_ONE: {
        const struct st_tok *first = t;
        long long v, acc = 0;

        for (;;) {
            t = tok(p, i);
            if (t != NULL && t->kind == ST_T_NUM && ks->type != ST_KT_ONE) {
                if (number(p, i, ks->name, 0, 0x7fffffffffffffffLL, &v) < 0)
                    return -1;
                if (ks->type == ST_KT_PROTO && v != 0)
                    return perr(p, i, "unknown value %s for '%s'",
                                desc(p, i, b, sizeof(b)), ks->name);
            } else if (t != NULL && t->kind == ST_T_NAME) {
                if (!st_const_lookup(ks->table, t->start, t->len, &v))
                    return perr(p, i, "unknown value %s for '%s'",
                                desc(p, i, b, sizeof(b)), ks->name);
            } else if (t == NULL) {
                return perr(p, i, "expected a value for '%s', found end of line",
                            ks->name);
            } else {
                return perr(p, i, "unknown value %s for '%s'",
                            desc(p, i, b, sizeof(b)), ks->name);
            }
            acc |= v;
            i++;
            t = tok(p, i);
            if (t == NULL || t->kind != ST_T_BAR)
                break;
            if (ks->type == ST_KT_PROTO)
                return perr(p, i, "'%s' takes one version", ks->name);
            if (ks->type == ST_KT_ONE)
                return perr(p, i, "'%s' takes one value", ks->name);
            i++;
        }
        s->val.kind = ST_V_FLAGS;
        s->val.num = acc;
        t = tok(p, i - 1);
        s->val.str = xstrndup(p, *ip, first->start,
                              (size_t)(t->start + t->len - first->start));
        if (s->val.str == NULL)
            return -1;
        *ip = i;
        return 0;
    }
    case ST_KT_NUM:
        if (t->kind != ST_T_NUM)
            return perr(p, i, "expected a number for '%s', found %s", ks->name,
                        desc(p, i, b, sizeof(b)));
        if (number(p, i, ks->name, ks->min, ks->max, &s->val.num) < 0)
            return -1;
        s->val.kind = ST_V_NUM;
        break;
    case ST_KT_BOOL:
        if (t->kind == ST_T_NUM && t->suffix_len == 0
            && (t->num == 0 || t->num == 1)) {
            s->val.num = t->num;
        } else {
            static const char *const b01[] = { "on", "off", "1", "0", NULL };

            if (one_of(p, i, ks->name, b01, &w) < 0)
                return -1;
            s->val.num = w == 0;
        }
        s->val.kind = ST_V_NUM;
        break;
    case ST_KT_ONOFF:
        if (one_of(p, i, ks->name, onoff, &w) < 0)
            return -1;
        s->val.kind = w == 0 ? ST_V_ON : ST_V_OFF;
        break;
    case ST_KT_METHOD:          /* as `ctx NAME method=...` */
        if (one_of(p, i, ks->name, methods, &w) < 0)
            return -1;
        s->val.kind = ST_V_FLAGS;
        s->val.num = w;
        if ((s->val.str = xstrndup(p, i, t->start, t->len)) == NULL)
            return -1;
        break;
    case ST_KT_MATERIAL:
        if (one_of(p, i, ks->name, material, &w) < 0)
            return -1;
        s->val.kind = w == 0 ? ST_V_TEST : ST_V_NONE;
        break;
    case ST_KT_STR:
        if (t->kind == ST_T_STR)
            s->val.str = xstrndup(p, i, t->str, strlen(t->str));
        else if (t->kind == ST_T_NAME)
            s->val.str = xstrndup(p, i, t->start, t->len);
        else
            return perr(p, i, "expected a string for '%s', found %s", ks->name,
                        desc(p, i, b, sizeof(b)));
        if (s->val.str == NULL)
            return -1;
        s->val.kind = ST_V_STR;
        if (ks->max > 0 && (long long)strlen(s->val.str) > ks->max)
            return perr(p, i, "value of '%s' longer than %lld bytes", ks->name,
                        ks->max);
        break;
    case ST_KT_IP: {
        unsigned char addr[16];

        if (t->kind != ST_T_STR)
            return perr(p, i, "expected a string for '%s', found %s", ks->name,
                        desc(p, i, b, sizeof(b)));
        if (inet_pton(AF_INET, t->str, addr) != 1
            && inet_pton(AF_INET6, t->str, addr) != 1)
            return perr(p, i, "value of '%s' is not an IPv4 or IPv6 address",
                        ks->name);
        if ((s->val.str = xstrndup(p, i, t->str, strlen(t->str))) == NULL)
            return -1;
        s->val.kind = ST_V_STR;
        break;
    }
    case ST_KT_SESSION:
        if (is_word(t, "none")) {
            s->val.kind = ST_V_NONE;
        } else {
            if (t->kind != ST_T_NAME && t->kind != ST_T_QNAME)
                return perr(p, i, "expected a session name for '%s', found %s",
                            ks->name, desc(p, i, b, sizeof(b)));
            s->val.kind = ST_V_NAME;
            if (obj_name(p, i, 0, &s->val.slot) < 0)
                return -1;
        }
        break;
    }
    *ip = i + 1;
    return 0;
}

static int parse_set(struct parser *p, struct st_stmt *st)
{
    size_t i = 2, cap = 0, k;

    if (obj_name(p, 1, 0, &st->a) < 0)
        return -1;
    if (tok(p, i) == NULL)
        return expected(p, i, "KEY=VALUE");
    while (tok(p, i) != NULL) {
        const struct st_tok *t = tok(p, i);
        struct st_setting *s;
        int key;

        if (t->kind != ST_T_NAME)
            return expected(p, i, "KEY=VALUE");
        key = st_key_lookup(t->start, t->len);
        if (key < 0)
            return perr(p, i, "unknown key '%.*s'", (int)t->len, t->start);
        for (k = 0; k < st->nsettings; k++)
            if (st->settings[k].key == (enum st_key)key)
                return perr(p, i, "duplicate key '%s'", st_key_name(key));
        if (tok(p, i + 1) == NULL || tok(p, i + 1)->kind != ST_T_EQ) {
            char b[64];

            return perr(p, i + 1, "expected '=' after '%s', found %s",
                        st_key_name(key), desc(p, i + 1, b, sizeof(b)));
        }
        if (st->nsettings == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct st_setting *nv = realloc(st->settings, ncap * sizeof(*nv));

            if (nv == NULL)
                return perr(p, i, "out of memory");
            st->settings = nv;
            cap = ncap;
        }
        s = &st->settings[st->nsettings++];
        memset(s, 0, sizeof(*s));
        s->key = key;
        s->loc = t->loc;
        s->val.slot = -1;
        i += 2;
        if (setting_value(p, &i, key, s) < 0)
            return -1;
    }
    return 0;
}

/* `handshake S [until=mid|done|shutdown] [steps=N] [as=client|server]
 * [result=ok|fail] [resume=on|off] [peer=harness|pair]`,
 * `ctx NAME [method=...]` and `pair A B [via=pair|mem]`. */
static int parse_opts(struct parser *p, struct st_stmt *st, size_t i)
{
    static const char *const untils[] = { "mid", "done", "shutdown", NULL };
    static const char *const roles[] = { "client", "server", NULL };
    static const char *const results[] = { "ok", "fail", NULL };
    static const char *const onoff[] = { "on", "off", NULL };
    static const char *const peers[] = { "harness", "pair", NULL };
    static const char *const vias[] = { "pair", "mem", NULL };
    int seen_until = 0, seen_steps = 0, seen_method = 0, seen_as = 0;
    int seen_via = 0;
    int seen_result = 0, seen_resume = 0, seen_peer = 0, w;
    size_t as_at = 0, resume_at = 0;

    while (tok(p, i) != NULL) {
        const struct st_tok *t = tok(p, i);
        char b[64];

        if (t->kind != ST_T_NAME)
            return expected(p, i, "KEY=VALUE");
        if (st->op == ST_OP_HANDSHAKE && is_word(t, "until")) {
            if (seen_until++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_HANDSHAKE && is_word(t, "steps")) {
            if (seen_steps++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_HANDSHAKE && is_word(t, "as")) {
            if (seen_as++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_HANDSHAKE && is_word(t, "result")) {
            if (seen_result++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_HANDSHAKE && is_word(t, "resume")) {
            if (seen_resume++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_HANDSHAKE && is_word(t, "peer")) {
            if (seen_peer++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_CTX && is_word(t, "method")) {
            if (seen_method++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else if (st->op == ST_OP_PAIR && is_word(t, "via")) {
            if (seen_via++)
                return perr(p, i, "duplicate key '%.*s'", (int)t->len, t->start);
        } else {
            return perr(p, i, "unknown key '%.*s'", (int)t->len, t->start);
        }
        if (tok(p, i + 1) == NULL || tok(p, i + 1)->kind != ST_T_EQ)
            return perr(p, i + 1, "expected '=' after '%.*s', found %s",
                        (int)t->len, t->start, desc(p, i + 1, b, sizeof(b)));
        if (is_word(t, "until")) {
            if (one_of(p, i + 2, "until", untils, &w) < 0)
                return -1;
            st->until = w == 0 ? ST_HS_MID : w == 1 ? ST_HS_DONE : ST_HS_SHUTDOWN;
        } else if (is_word(t, "steps")) {
            if (number(p, i + 2, "steps", 1, MAX_STEPS, &st->n) < 0)
                return -1;
        } else if (is_word(t, "as")) {
            if (one_of(p, i + 2, "as", roles, &w) < 0)
                return -1;
            st->as = w == 0 ? ST_AS_CLIENT : ST_AS_SERVER;
            as_at = i;
        } else if (is_word(t, "result")) {
            if (one_of(p, i + 2, "result", results, &w) < 0)
                return -1;
            st->must_fail = w == 1;
        } else if (is_word(t, "resume")) {
            if (one_of(p, i + 2, "resume", onoff, &w) < 0)
                return -1;
            st->no_resume = w == 1;
            resume_at = i;
        } else if (is_word(t, "peer")) {
            if (one_of(p, i + 2, "peer", peers, &w) < 0)
                return -1;
            st->pair = w == 1;
        } else if (is_word(t, "via")) {
            if (one_of(p, i + 2, "via", vias, &w) < 0)
                return -1;
            st->via_mem = w == 1;
        } else {
            if (one_of(p, i + 2, "method", methods, &w) < 0)
                return -1;
            st->method = (enum st_method)w;
        }
        i += 3;
    }
    /* as= and resume= are about the peer the harness makes: with
     * peer=pair the other end is a scenario's SSL, whose role and session
     * are its own. */
    if (st->pair && seen_as)
        return perr(p, as_at, "key 'as' needs the harness's peer (not "
                    "with peer=pair)");
    if (st->pair && seen_resume)
        return perr(p, resume_at, "key 'resume' needs the harness's peer "
                    "(not with peer=pair)");
    return 0;
}

static int cmp_op(struct parser *p, size_t i, struct st_expr *e)
{
    const struct st_tok *t = tok(p, i);

    if (t != NULL && (t->kind == ST_T_EQEQ || t->kind == ST_T_NE)) {
        e->has_cmp = 1;
        e->negate = t->kind == ST_T_NE;
        return 1;
    }
    return 0;
}

/* The expression from token i; observe: inside `observe`.  *vk: what it
 * records. */
static int parse_expr(struct parser *p, size_t i, int observe,
                      struct st_expr *e, enum vkind *vk)
{
    const struct st_tok *t = tok(p, i);
    static const char *const states[] = { "before", "mid", "done", "shutdown",
                                          NULL };
    char b[64];
    int w;

    e->a = e->b = -1;
    if (t == NULL || (t->kind != ST_T_NAME && t->kind != ST_T_QNAME))
        return expected(p, i, "an expression");
    *vk = VK_BOOL;
    if (is_word(t, "same")) {
        if (!observe)
            return perr(p, i, "'same' only works in observe (use A == B in expect)");
        if (tok(p, i + 1) == NULL || tok(p, i + 1)->kind != ST_T_LPAREN)
            return expected(p, i + 1, "'('");
        if (obj_name(p, i + 2, 0, &e->a) < 0)
            return -1;
        if (tok(p, i + 3) == NULL || tok(p, i + 3)->kind != ST_T_COMMA)
            return expected(p, i + 3, "','");
        if (obj_name(p, i + 4, 0, &e->b) < 0)
            return -1;
        if (tok(p, i + 5) == NULL || tok(p, i + 5)->kind != ST_T_RPAREN)
            return expected(p, i + 5, "')'");
        e->kind = ST_E_SAME;
        *vk = VK_SAME;
        return no_more(p, i + 6);
    }
    if (is_word(t, "copied") || is_word(t, "kept") ||
        is_word(t, "inherited")) {
        e->kind = is_word(t, "copied") ? ST_E_COPIED
                  : is_word(t, "kept") ? ST_E_KEPT : ST_E_INHERITED;
        if (obj_name(p, i + 1, 0, &e->a) < 0 || obj_name(p, i + 2, 0, &e->b) < 0)
            return -1;
        return no_more(p, i + 3);
    }
    if (is_word(t, "freed") || is_word(t, "negotiated")) {
        e->kind = is_word(t, "freed") ? ST_E_FREED : ST_E_NEGOTIATED;
        if (obj_name(p, i + 1, 0, &e->a) < 0)
            return -1;
        return no_more(p, i + 2);
    }
    if (is_word(t, "state") || is_word(t, "refs")
        || is_word(t, "verify_result") || is_word(t, "sessions")) {
        e->kind = is_word(t, "refs") ? ST_E_REFS
                  : is_word(t, "sessions") ? ST_E_SESSIONS
                  : is_word(t, "state") ? ST_E_STATE : ST_E_VERIFY_RESULT;
        if (obj_name(p, i + 1, 0, &e->a) < 0)
            return -1;
        i += 2;
    } else if (is_word(t, "leaks") || is_word(t, "errors")) {
        e->kind = is_word(t, "leaks") ? ST_E_LEAKS : ST_E_ERRORS;
        i += 1;
    } else {
        e->kind = ST_E_IDENT;
        if (obj_name(p, i, 0, &e->a) < 0)
            return -1;
        if (!cmp_op(p, i + 1, e)) {
            return perr(p, i + 1, "expected '==' or '!=' after '%.*s', found %s",
                        (int)t->len, t->start, desc(p, i + 1, b, sizeof(b)));
        }
        if (obj_name(p, i + 2, 0, &e->b) < 0)
            return -1;
        return no_more(p, i + 3);
    }
    if (!cmp_op(p, i, e)) {
        if (!observe)
            return expected(p, i, "'==' or '!='");
        *vk = e->kind == ST_E_STATE ? VK_STATE
              : e->kind == ST_E_ERRORS ? VK_ERRORS : VK_NUM;
        return no_more(p, i);
    }
    i++;
    switch (e->kind) {
    case ST_E_STATE:
        if (one_of(p, i, "state", states, &w) < 0)
            return -1;
        e->state = (enum st_hs_state)w;
        break;
    case ST_E_REFS:
    case ST_E_LEAKS:
    case ST_E_SESSIONS:
        if (number(p, i, e->kind == ST_E_REFS ? "refs"
                         : e->kind == ST_E_LEAKS ? "leaks" : "sessions",
                   0, MAX_COUNT, &e->num) < 0)
            return -1;
        break;
    case ST_E_VERIFY_RESULT:
        t = tok(p, i);
        if (t != NULL && t->kind == ST_T_NAME) {
            if (!st_const_lookup(ST_CT_VERIFY_RESULT, t->start, t->len,
                                 &e->num))
                return perr(p, i, "unknown verify result '%.*s'",
                            (int)t->len, t->start);
        } else if (t != NULL && t->kind == ST_T_NUM) {
            if (number(p, i, "verify_result", 0, MAX_COUNT, &e->num) < 0)
                return -1;
        } else {
            return expected(p, i, "a verify result");
        }
        break;
    default:                    /* ST_E_ERRORS */
        t = tok(p, i);
        if (t == NULL || t->kind != ST_T_NAME)
            return expected(p, i, "none or an error reason");
        if (!is_word(t, "none")) {
            size_t skip = 0;

            if (!st_const_lookup(ST_CT_REASON, t->start, t->len, NULL))
                return perr(p, i, "unknown error reason '%.*s'", (int)t->len,
                            t->start);
            if (t->len > 6 && (memcmp(t->start, "SSL_R_", 6) == 0
                               || memcmp(t->start, "ERR_R_", 6) == 0))
                skip = 6;
            e->reason = xstrndup(p, i, t->start + skip, t->len - skip);
            if (e->reason == NULL)
                return -1;
        }
        break;
    }
    return no_more(p, i + 1);
}

static int label_index(struct parser *p, const char *s, size_t len)
{
    size_t k;

    for (k = 0; k < p->sc->nlabels; k++)
        if (strlen(p->sc->observe_labels[k]) == len
            && memcmp(p->sc->observe_labels[k], s, len) == 0)
            return (int)k;
    return -1;
}

static int parse_observe(struct parser *p, struct st_stmt *st)
{
    struct st_scenario *sc = p->sc;
    enum vkind vk;
    int k;

    if (plain_name(p, 1, "a label", st->label) < 0)
        return -1;
    k = label_index(p, st->label, strlen(st->label));
    if (k >= 0)
        return perr(p, 1, "duplicate observe label '%s' (first at %d:%d)",
                    st->label, p->labloc[k].line, p->labloc[k].col);
    if (sc->nlabels == MAX_LABELS)
        return perr(p, 1, "more than %d observe labels", MAX_LABELS);
    if (parse_expr(p, 2, 1, &st->expr, &vk) < 0)
        return -1;
    if (sc->observe_labels == NULL) {
        sc->observe_labels = calloc(MAX_LABELS, sizeof(*sc->observe_labels));
        if (sc->observe_labels == NULL)
            return perr(p, 1, "out of memory");
    }
    memcpy(sc->observe_labels[sc->nlabels], st->label, sizeof(st->label));
    p->labkind[sc->nlabels] = vk;
    p->labloc[sc->nlabels] = tok(p, 1)->loc;
    sc->nlabels++;
    return 0;
}

static const char *const stmt_words[] = {
    "ctx", "up_ref", "free", "connect", "accept", "clear", "handshake", "set",
    "expect", "observe", "spin", "repeat", "add_session", "remove_session",
    "flush_sessions", "ex_index", "pair", "read", NULL
};

static int is_stmt_word(const struct st_tok *t)
{
    size_t k;

    for (k = 0; stmt_words[k] != NULL; k++)
        if (is_word(t, stmt_words[k]))
            return 1;
    return 0;
}

static int parse_stmt(struct parser *p)
{
    const struct st_tok *t0 = tok(p, 0), *t1 = tok(p, 1);
    struct st_stmt *st;
    enum vkind vk;

    if (t1 != NULL && t1->kind == ST_T_EQ
        && (t0->kind == ST_T_NAME || t0->kind == ST_T_QNAME)) {
        static const char *const ops[] = { "new", "dup", "session",
                                           "get1_session", "cert", "pkey",
                                           "rsa", "dh", "ec_key", NULL };
        static const enum st_op opv[] = { ST_OP_NEW, ST_OP_DUP, ST_OP_SESSION,
                                          ST_OP_GET1_SESSION, ST_OP_CERT,
                                          ST_OP_PKEY, ST_OP_KEY, ST_OP_KEY,
                                          ST_OP_KEY };
        static const enum st_type keyty[] = { ST_TY_RSA, ST_TY_DH,
                                              ST_TY_EC_KEY };
        const struct st_tok *t2 = tok(p, 2);
        int k;

        for (k = 0; ops[k] != NULL; k++)
            if (is_word(t2, ops[k]))
                break;
        if (ops[k] == NULL)
            return expected(p, 2, "new, dup, session, get1_session, cert, "
                            "pkey, rsa, dh or ec_key");
        st = new_stmt(p, opv[k]);
        if (st == NULL || obj_name(p, 0, 1, &st->dst) < 0)
            return -1;
        /* `session` alone makes a new session; `session SESSION` a copy
         * of one (SSL_SESSION_dup). */
        if (opv[k] == ST_OP_SESSION && p->lx.ntoks == 3)
            return 0;
        if (opv[k] == ST_OP_KEY) {
            /* `rsa` alone makes a new key; `rsa PKEY` gets the one under
             * PKEY. */
            st->otype = keyty[k - 6];
            if (p->lx.ntoks == 3)
                return 0;
        }
        if (obj_name(p, 3, 0, &st->a) < 0)
            return -1;
        return no_more(p, 4);
    }
    if (!is_stmt_word(t0)) {
        if (t0->kind != ST_T_NAME)
            return expected(p, 0, "a statement");
        return perr(p, 0, "unknown statement '%.*s'", (int)t0->len, t0->start);
    }
    if (p->cur == B_GLOBAL
        && (is_word(t0, "free") || is_word(t0, "up_ref") || is_word(t0, "expect")
            || is_word(t0, "observe")))
        return perr(p, 0, "'%.*s' is not allowed in global", (int)t0->len,
                    t0->start);
    if (is_word(t0, "ctx")) {
        st = new_stmt(p, ST_OP_CTX);
        if (st == NULL || obj_name(p, 1, 1, &st->dst) < 0)
            return -1;
        st->method = ST_METHOD_TLS;
        return parse_opts(p, st, 2);
    }
    if (is_word(t0, "handshake")) {
        st = new_stmt(p, ST_OP_HANDSHAKE);
        if (st == NULL || obj_name(p, 1, 0, &st->a) < 0)
            return -1;
        st->until = ST_HS_DONE;
        return parse_opts(p, st, 2);
    }
    if (is_word(t0, "up_ref") || is_word(t0, "free") || is_word(t0, "connect")
        || is_word(t0, "accept") || is_word(t0, "clear")
        || is_word(t0, "read")) {
        st = new_stmt(p, is_word(t0, "up_ref") ? ST_OP_UP_REF
                         : is_word(t0, "free") ? ST_OP_FREE
                         : is_word(t0, "connect") ? ST_OP_CONNECT
                         : is_word(t0, "accept") ? ST_OP_ACCEPT
                         : is_word(t0, "read") ? ST_OP_READ : ST_OP_CLEAR);
        if (st == NULL || obj_name(p, 1, 0, &st->a) < 0)
            return -1;
        return no_more(p, 2);
    }
    if (is_word(t0, "pair")) {
        /* The two ends are driven by the threads: the SSLs get their BIOs
         * before any thread starts, and keep them. */
        if (p->cur != B_SETUP)
            return perr(p, 0, "'pair' is only allowed in setup");
        st = new_stmt(p, ST_OP_PAIR);
        if (st == NULL || obj_name(p, 1, 0, &st->a) < 0
            || obj_name(p, 2, 0, &st->b) < 0)
            return -1;
        return parse_opts(p, st, 3);
    }
    if (is_word(t0, "add_session") || is_word(t0, "remove_session")) {
        st = new_stmt(p, is_word(t0, "add_session") ? ST_OP_ADD_SESSION
                                                    : ST_OP_REMOVE_SESSION);
        if (st == NULL || obj_name(p, 1, 0, &st->a) < 0
            || obj_name(p, 2, 0, &st->b) < 0)
            return -1;
        return no_more(p, 3);
    }
    if (is_word(t0, "ex_index")) {
        static const char *const classes[] = { "ssl", "ctx", "session", NULL };
        static const enum st_type types[] = { ST_TY_SSL, ST_TY_CTX,
                                               ST_TY_SESSION };
        int w;

        st = new_stmt(p, ST_OP_EX_INDEX);
        if (st == NULL || one_of(p, 1, "ex_index", classes, &w) < 0)
            return -1;
        st->otype = types[w];
        return no_more(p, 2);
    }
    if (is_word(t0, "flush_sessions")) {
        st = new_stmt(p, ST_OP_FLUSH_SESSIONS);
        if (st == NULL || obj_name(p, 1, 0, &st->a) < 0)
            return -1;
        return no_more(p, 2);
    }
    if (is_word(t0, "set")) {
        st = new_stmt(p, ST_OP_SET);
        return st == NULL ? -1 : parse_set(p, st);
    }
    if (is_word(t0, "expect")) {
        if (is_word(t1, "race") && p->lx.ntoks == 2)
            return perr(p, 0, "'expect race' is a header: put it before the first block");
        st = new_stmt(p, ST_OP_EXPECT);
        return st == NULL ? -1 : parse_expr(p, 1, 0, &st->expr, &vk);
    }
    if (is_word(t0, "observe")) {
        st = new_stmt(p, ST_OP_OBSERVE);
        return st == NULL ? -1 : parse_observe(p, st);
    }
    if (is_word(t0, "spin")) {
        st = new_stmt(p, ST_OP_SPIN);
        if (st == NULL || number(p, 1, "spin", 0, MAX_SPIN, &st->n) < 0)
            return -1;
        return no_more(p, 2);
    }
    /* repeat N: open a frame; `end` closes it. */
    {
        struct frame *f;
        long long n;

        if (number(p, 1, "repeat", 1, MAX_REPEAT, &n) < 0 || no_more(p, 2) < 0)
            return -1;
        if (p->depth > ST_MAX_REPEAT_DEPTH)
            return perr(p, 0, "repeat nested deeper than %d",
                        ST_MAX_REPEAT_DEPTH);
        if (p->frames[p->depth - 1].product > MAX_REPEAT / n)
            return perr(p, 1, "number out of range for 'repeat' (nested "
                        "repeats run more than %lld times)", MAX_REPEAT);
        st = new_stmt(p, ST_OP_REPEAT);     /* built in the parent, moved */
        if (st == NULL)
            return -1;
        st->n = n;
        f = &p->frames[p->depth];
        memset(f, 0, sizeof(*f));
        f->rep = *st;
        f->product = p->frames[p->depth - 1].product * n;
        p->frames[p->depth - 1].n--;
        p->depth++;
        return 0;
    }
}

static int parse_end(struct parser *p)
{
    struct frame *f, *up;
    struct st_stmt *st;

    if (p->depth < 2)
        return perr(p, 0, "'end' without 'repeat'");
    if (no_more(p, 1) < 0)
        return -1;
    f = &p->frames[p->depth - 1];
    up = &p->frames[p->depth - 2];
    if (up->n == up->cap) {
        size_t ncap = up->cap ? up->cap * 2 : 8;
        struct st_stmt *nv = realloc(up->v, ncap * sizeof(*nv));

        if (nv == NULL)
            return perr(p, 0, "out of memory");
        up->v = nv;
        up->cap = ncap;
    }
    st = &up->v[up->n++];
    *st = f->rep;
    st->body = f->v;
    st->nbody = f->n;
    memset(f, 0, sizeof(*f));
    p->depth--;
    return 0;
}

/* ---- blocks, headers, outcomes ---- */

static struct st_block *cur_block(struct parser *p)
{
    switch (p->cur) {
    case B_GLOBAL: return &p->sc->global;
    case B_SETUP: return &p->sc->setup;
    case B_CHECK: return &p->sc->check;
    case B_THREAD: return &p->sc->threads[p->sc->nthreads - 1];
    case B_NONE: break;
    }
    return NULL;
}

static int close_block(struct parser *p)
{
    struct st_block *b = cur_block(p);

    if (b == NULL)
        return 0;
    if (p->depth > 1) {
        struct st_src src = { p->lx.path, p->lx.buf, p->lx.len };

        st_diag_src(p->d, &src, p->frames[p->depth - 1].rep.loc,
                    "'repeat' without 'end'");
        return -1;
    }
    b->stmts = p->frames[0].v;
    b->nstmts = p->frames[0].n;
    memset(&p->frames[0], 0, sizeof(p->frames[0]));
    p->depth = 0;
    p->cur = B_NONE;
    return 0;
}

static int open_block(struct parser *p)
{
    struct st_scenario *sc = p->sc;
    const struct st_tok *t0 = tok(p, 0);
    struct st_block *b;

    if (p->in_outcomes)
        return perr(p, 0, "'%.*s' after 'outcome' lines (outcome lines come last)",
                    (int)t0->len, t0->start);
    if (close_block(p) < 0)
        return -1;
    if (is_word(t0, "thread")) {
        char name[ST_NAME_MAX + 1];
        size_t k;
        struct st_block *nv;

        if (plain_name(p, 1, "a thread name", name) < 0)
            return -1;
        for (k = 0; k < sc->nthreads; k++)
            if (strcmp(sc->threads[k].name, name) == 0)
                return perr(p, 1, "duplicate thread '%s'", name);
        if (sc->nthreads == ST_MAX_THREADS)
            return perr(p, 0, "more than %d threads", ST_MAX_THREADS);
        if (no_more(p, 2) < 0)
            return -1;
        nv = realloc(sc->threads, (sc->nthreads + 1) * sizeof(*nv));
        if (nv == NULL)
            return perr(p, 0, "out of memory");
        sc->threads = nv;
        b = &sc->threads[sc->nthreads++];
        memset(b, 0, sizeof(*b));
        memcpy(b->name, name, sizeof(name));
        p->cur = B_THREAD;
    } else {
        int *has = is_word(t0, "global") ? &sc->has_global
                   : is_word(t0, "setup") ? &sc->has_setup : &sc->has_check;

        if (*has)
            return perr(p, 0, "duplicate '%.*s' block", (int)t0->len, t0->start);
        if (no_more(p, 1) < 0)
            return -1;
        *has = 1;
        p->cur = is_word(t0, "global") ? B_GLOBAL
                 : is_word(t0, "setup") ? B_SETUP : B_CHECK;
        b = cur_block(p);
    }
    b->loc = t0->loc;
    p->in_blocks = 1;
    p->depth = 1;
    memset(&p->frames[0], 0, sizeof(p->frames[0]));
    p->frames[0].product = 1;
    return 0;
}

static const char *const hdr_words[] = {
    "about", "iterations", "timeout", "requires", "fault", "expect", "known",
    "alloc_failures", NULL
};
#define HDR_KNOWN 6             /* may repeat */
#define HDR_ALLOC 7

const char *const st_backend_names[] = { "minissl", "openssl", "boringssl",
                                         NULL };

/* `known race on BACKEND... [in FUNCTION...] "why"` (scenario.h). */
static int parse_known(struct parser *p)
{
    struct st_scenario *sc = p->sc;
    struct st_known_race *k;
    const struct st_tok *t;
    size_t i = 3;
    char b[64];

    if (!is_word(tok(p, 1), "race"))
        return expected(p, 1, "'race'");
    if (!is_word(tok(p, 2), "on"))
        return expected(p, 2, "'on'");
    if (sc->expect_race)
        return perr(p, 0, "'known race' in an 'expect race' scenario (a report "
                    "is its pass already)");
    k = realloc(sc->known, (sc->nknown + 1) * sizeof(*k));
    if (k == NULL)
        return perr(p, 0, "out of memory");
    sc->known = k;
    k = &sc->known[sc->nknown++];
    memset(k, 0, sizeof(*k));
    k->loc = tok(p, 0)->loc;
    for (; (t = tok(p, i)) != NULL && t->kind == ST_T_NAME && !is_word(t, "in");
         i++) {
        char (*v)[ST_NAME_MAX + 1];
        size_t w;

        for (w = 0; st_backend_names[w] != NULL; w++)
            if (is_word(t, st_backend_names[w]))
                break;
        if (st_backend_names[w] == NULL)
            return perr(p, i, "unknown backend %s (minissl, openssl or "
                        "boringssl)", desc(p, i, b, sizeof(b)));
        for (size_t j = 0; j < k->nbackends; j++)
            if (strcmp(k->backends[j], st_backend_names[w]) == 0)
                return perr(p, i, "duplicate backend '%s'",
                            st_backend_names[w]);
        if ((v = realloc(k->backends, (k->nbackends + 1) * sizeof(*v))) == NULL)
            return perr(p, i, "out of memory");
        k->backends = v;
        snprintf(k->backends[k->nbackends++], sizeof(*v), "%s",
                 st_backend_names[w]);
    }
    if (k->nbackends == 0)
        return expected(p, i, "a backend name");
    if (is_word(tok(p, i), "in")) {
        for (i++; (t = tok(p, i)) != NULL && t->kind == ST_T_NAME; i++) {
            char (*v)[ST_NAME_MAX + 1];

            if ((v = realloc(k->functions,
                             (k->nfunctions + 1) * sizeof(*v))) == NULL)
                return perr(p, i, "out of memory");
            k->functions = v;
            if (plain_name(p, i, "a function name",
                           k->functions[k->nfunctions]) < 0)
                return -1;
            k->nfunctions++;
        }
        if (k->nfunctions == 0)
            return expected(p, i, "a function name");
    }
    t = tok(p, i);
    if (t == NULL || t->kind != ST_T_STR)
        return expected(p, i, "a string saying what the library does");
    if ((k->why = xstrndup(p, i, t->str, strlen(t->str))) == NULL)
        return -1;
    return no_more(p, i + 1);
}

static int header_index(struct parser *p)
{
    const struct st_tok *t0 = tok(p, 0);
    int k;

    for (k = 0; hdr_words[k] != NULL; k++)
        if (is_word(t0, hdr_words[k]))
            return k;
    return -1;
}

static int parse_duration(struct parser *p, size_t i, long long *ms)
{
    const struct st_tok *t = tok(p, i);
    long long mul;

    if (t == NULL || t->kind != ST_T_NUM)
        return expected(p, i, "a duration");
    if (t->suffix_len == 0)
        return perr(p, i, "duration '%.*s' needs a unit (ms, s or m)",
                    (int)t->len, t->start);
    if (t->suffix_len == 2 && memcmp(t->suffix, "ms", 2) == 0)
        mul = 1;
    else if (t->suffix_len == 1 && t->suffix[0] == 's')
        mul = 1000;
    else if (t->suffix_len == 1 && t->suffix[0] == 'm')
        mul = 60000;
    else
        return perr(p, i, "unknown unit '%.*s' in duration (ms, s or m)",
                    (int)t->suffix_len, t->suffix);
    if (t->num < 1 || t->num > MAX_TIMEOUT_MS / mul)
        return perr(p, i, "number out of range for 'timeout' (1ms to %lldms)",
                    MAX_TIMEOUT_MS);
    *ms = t->num * mul;
    return 0;
}

static int parse_header(struct parser *p, int h)
{
    struct st_scenario *sc = p->sc;
    const struct st_tok *t0 = tok(p, 0), *t;
    static const char *const feats[] = { "introspection", "handshake",
                                         "controlled", NULL };
    size_t i;
    int w;

    if (p->in_blocks)
        return perr(p, 0, "header '%.*s' after the first block (headers come first)",
                    (int)t0->len, t0->start);
    if (h == HDR_KNOWN)
        return parse_known(p);
    if (p->seen_headers & (1u << h))
        return perr(p, 0, "duplicate '%.*s' header", (int)t0->len, t0->start);
    p->seen_headers |= 1u << h;
    switch (h) {
    case 0:                     /* about STRING */
        t = tok(p, 1);
        if (t == NULL || t->kind != ST_T_STR)
            return expected(p, 1, "a string");
        sc->about = xstrndup(p, 1, t->str, strlen(t->str));
        return sc->about == NULL ? -1 : no_more(p, 2);
    case 1:
        if (number(p, 1, "iterations", 1, MAX_ITERATIONS, &sc->iterations) < 0)
            return -1;
        return no_more(p, 2);
    case 2:
        if (parse_duration(p, 1, &sc->timeout_ms) < 0)
            return -1;
        return no_more(p, 2);
    case 3:
        if (tok(p, 1) == NULL)
            return expected(p, 1, "a feature");
        for (i = 1; i < p->lx.ntoks; i++) {
            char b[64];

            t = tok(p, i);
            for (w = 0; feats[w] != NULL; w++)
                if (is_word(t, feats[w]))
                    break;
            if (feats[w] == NULL)
                return perr(p, i, "unknown feature %s (introspection, "
                            "handshake or controlled)", desc(p, i, b, sizeof(b)));
            sc->requires |= 1u << w;
        }
        return 0;
    case 4: {
        char name[ST_NAME_MAX + 1];

        if (plain_name(p, 1, "a fault name", name) < 0)
            return -1;
        sc->fault = xstrndup(p, 1, name, strlen(name));
        return sc->fault == NULL ? -1 : no_more(p, 2);
    }
    case HDR_ALLOC:             /* alloc_failures sweep */
        if (!is_word(tok(p, 1), "sweep"))
            return expected(p, 1, "'sweep'");
        sc->alloc_sweep = 1;
        sc->alloc_sweep_loc = t0->loc;
        return no_more(p, 2);
    default:                    /* expect race */
        if (!is_word(tok(p, 1), "race")) {
            if (tok(p, 1) == NULL)
                return expected(p, 1, "'race'");
            return perr(p, 0, "statement outside a block (start one with "
                        "'setup' or 'thread NAME')");
        }
        if (sc->nknown > 0)
            return perr(p, 0, "'expect race' in a scenario with 'known race' "
                        "lines (a report is its pass already)");
        sc->expect_race = 1;
        return no_more(p, 2);
    }
}

static int parse_outcome(struct parser *p)
{
    struct st_scenario *sc = p->sc;
    static const char *const classes[] = { "acceptable", "interesting",
                                           "forbidden", NULL };
    static const char *const same_v[] = { "same", "copy", NULL };
    static const char *const bool_v[] = { "true", "false", NULL };
    static const char *const state_v[] = { "before", "mid", "done",
                                           "shutdown", NULL };
    struct st_outcome *o;
    size_t i = 1, k, j;
    int w;

    if (close_block(p) < 0)
        return -1;
    p->in_outcomes = 1;
    if (sc->noutcomes == MAX_OUTCOMES)
        return perr(p, 0, "more than %d outcome lines", MAX_OUTCOMES);
    o = realloc(sc->outcomes, (sc->noutcomes + 1) * sizeof(*o));
    if (o == NULL)
        return perr(p, 0, "out of memory");
    sc->outcomes = o;
    o = &sc->outcomes[sc->noutcomes++];
    memset(o, 0, sizeof(*o));
    o->loc = tok(p, 0)->loc;
    if (sc->nlabels > 0) {
        o->keys = calloc(sc->nlabels, sizeof(*o->keys));
        o->values = calloc(sc->nlabels, sizeof(*o->values));
        if (o->keys == NULL || o->values == NULL)
            return perr(p, 0, "out of memory");
    }
    while (tok(p, i + 1) != NULL && tok(p, i)->kind == ST_T_NAME
           && tok(p, i + 1)->kind == ST_T_EQ) {
        const struct st_tok *kt = tok(p, i), *vt = tok(p, i + 2);
        int lab = label_index(p, kt->start, kt->len);
        char val[32], b[64];

        if (lab < 0)
            return perr(p, i, "outcome key '%.*s' is not an observe label",
                        (int)kt->len, kt->start);
        for (k = 0; k < o->nkeys; k++)
            if (strcmp(o->keys[k], sc->observe_labels[lab]) == 0)
                return perr(p, i, "duplicate key '%s'", o->keys[k]);
        if (vt == NULL || (vt->kind != ST_T_NAME && vt->kind != ST_T_NUM))
            return perr(p, i + 2, "expected a value for '%s', found %s",
                        sc->observe_labels[lab], desc(p, i + 2, b, sizeof(b)));
        switch (p->labkind[lab]) {
        case VK_SAME:
            if (one_of(p, i + 2, sc->observe_labels[lab], same_v, &w) < 0)
                return -1;
            break;
        case VK_BOOL:
            if (one_of(p, i + 2, sc->observe_labels[lab], bool_v, &w) < 0)
                return -1;
            break;
        case VK_STATE:
            if (one_of(p, i + 2, sc->observe_labels[lab], state_v, &w) < 0)
                return -1;
            break;
        case VK_NUM:
            if (vt->kind != ST_T_NUM)
                return perr(p, i + 2, "unknown value %s for '%s' (a number)",
                            desc(p, i + 2, b, sizeof(b)), sc->observe_labels[lab]);
            break;
        case VK_ERRORS:
            if (!is_word(vt, "none")
                && (vt->kind != ST_T_NAME
                    || !st_const_lookup(ST_CT_REASON, vt->start, vt->len, NULL)))
                return perr(p, i + 2, "unknown error reason %s",
                            desc(p, i + 2, b, sizeof(b)));
            break;
        }
        memcpy(o->keys[o->nkeys], sc->observe_labels[lab], ST_NAME_MAX + 1);
        if (vt->kind == ST_T_NUM) {
            if (number(p, i + 2, sc->observe_labels[lab], 0,
                       0x7fffffffffffffffLL, &(long long){ 0 }) < 0)
                return -1;
            snprintf(val, sizeof(val), "%lld", vt->num);
            o->values[o->nkeys] = xstrndup(p, i + 2, val, strlen(val));
        } else {
            size_t skip = vt->len > 6 && p->labkind[lab] == VK_ERRORS
                          && (memcmp(vt->start, "SSL_R_", 6) == 0
                              || memcmp(vt->start, "ERR_R_", 6) == 0) ? 6 : 0;

            o->values[o->nkeys] = xstrndup(p, i + 2, vt->start + skip,
                                           vt->len - skip);
        }
        if (o->values[o->nkeys] == NULL)
            return -1;
        o->nkeys++;
        i += 3;
    }
    if (o->nkeys == 0)
        return expected(p, i, "LABEL=VALUE");
    if (tok(p, i) == NULL || tok(p, i)->kind != ST_T_NAME) {
        char b[64];

        return perr(p, i, "expected acceptable, interesting or forbidden, found %s",
                    desc(p, i, b, sizeof(b)));
    }
    {
        const struct st_tok *t = tok(p, i);

        for (w = 0; classes[w] != NULL; w++)
            if (is_word(t, classes[w]))
                break;
        if (classes[w] == NULL) {
            char b[64];

            return perr(p, i, "expected acceptable, interesting or forbidden, "
                        "found %s", desc(p, i, b, sizeof(b)));
        }
        o->cls = (enum st_class)w;
    }
    i++;
    if (tok(p, i) != NULL && tok(p, i)->kind == ST_T_STR) {
        o->desc = xstrndup(p, i, tok(p, i)->str, strlen(tok(p, i)->str));
        if (o->desc == NULL)
            return -1;
        i++;
    }
    if (no_more(p, i) < 0)
        return -1;
    for (k = 0; k < sc->nlabels; k++) {
        for (j = 0; j < o->nkeys; j++)
            if (strcmp(o->keys[j], sc->observe_labels[k]) == 0)
                break;
        if (j == o->nkeys)
            return perr(p, 0, "outcome lacks observe label '%s'",
                        sc->observe_labels[k]);
    }
    /* The same values on two lines would make the class ambiguous. */
    for (k = 0; k + 1 < sc->noutcomes; k++) {
        const struct st_outcome *q = &sc->outcomes[k];
        size_t same = 0, m;

        for (j = 0; j < o->nkeys; j++)
            for (m = 0; m < q->nkeys; m++)
                if (strcmp(o->keys[j], q->keys[m]) == 0
                    && strcmp(o->values[j], q->values[m]) == 0)
                    same++;
        if (same == o->nkeys)
            return perr(p, 0, "outcome repeats the values of line %d",
                        q->loc.line);
    }
    return 0;
}

static int parse_line(struct parser *p)
{
    const struct st_tok *t0 = tok(p, 0);
    char b[64];
    int h;

    if (!p->seen_scenario) {
        if (!is_word(t0, "scenario"))
            return perr(p, 0, "missing 'scenario' line (the file must start "
                        "with 'scenario NAME')");
        if (tok(p, 1) == NULL || tok(p, 1)->kind != ST_T_NAME)
            return expected(p, 1, "a scenario name");
        p->sc->name = xstrndup(p, 1, tok(p, 1)->start, tok(p, 1)->len);
        if (p->sc->name == NULL)
            return -1;
        p->seen_scenario = 1;
        p->scenario_loc = t0->loc;
        return no_more(p, 2);
    }
    /* `A.d = ...` in a block: parse_stmt says a new name has no thread. */
    if (t0->kind == ST_T_QNAME && p->cur != B_NONE && tok(p, 1) != NULL
        && tok(p, 1)->kind == ST_T_EQ)
        return parse_stmt(p);
    if (t0->kind != ST_T_NAME)
        return perr(p, 0, "expected a statement, found %s", desc(p, 0, b, sizeof(b)));
    if (is_word(t0, "scenario"))
        return perr(p, 0, "duplicate 'scenario' line");
    /* `NAME = ...` in a block, whatever the name (`timeout = new c`). */
    if (p->cur != B_NONE && tok(p, 1) != NULL && tok(p, 1)->kind == ST_T_EQ)
        return parse_stmt(p);
    if (is_word(t0, "global") || is_word(t0, "setup") || is_word(t0, "check")
        || is_word(t0, "thread"))
        return open_block(p);
    if (is_word(t0, "outcome"))
        return parse_outcome(p);
    h = header_index(p);
    if (h >= 0 && (!p->in_blocks || !is_word(t0, "expect")))
        return parse_header(p, h);
    if (p->in_outcomes)
        return perr(p, 0, "statement after 'outcome' lines (outcome lines come last)");
    if (!p->in_blocks) {
        if (is_stmt_word(t0) || is_word(t0, "end")
            || (tok(p, 1) != NULL && tok(p, 1)->kind == ST_T_EQ))
            return perr(p, 0, "statement outside a block (start one with "
                        "'setup' or 'thread NAME')");
        return perr(p, 0, "unknown statement '%.*s'", (int)t0->len, t0->start);
    }
    if (is_word(t0, "end"))
        return parse_end(p);
    return parse_stmt(p);
}

/* ---- the whole file ---- */

void st_scenario_free(struct st_scenario *sc)
{
    size_t i, k;

    if (sc == NULL)
        return;
    free(sc->path);
    free(sc->name);
    free(sc->about);
    free(sc->fault);
    for (i = 0; i < sc->nknown; i++) {
        free(sc->known[i].backends);
        free(sc->known[i].functions);
        free(sc->known[i].why);
    }
    free(sc->known);
    stmts_free(sc->global.stmts, sc->global.nstmts);
    stmts_free(sc->setup.stmts, sc->setup.nstmts);
    stmts_free(sc->check.stmts, sc->check.nstmts);
    for (i = 0; i < sc->nthreads; i++)
        stmts_free(sc->threads[i].stmts, sc->threads[i].nstmts);
    free(sc->threads);
    for (i = 0; i < sc->noutcomes; i++) {
        for (k = 0; k < sc->nlabels && sc->outcomes[i].values != NULL; k++)
            free(sc->outcomes[i].values[k]);
        free(sc->outcomes[i].values);
        free(sc->outcomes[i].keys);
        free(sc->outcomes[i].desc);
    }
    free(sc->outcomes);
    free(sc->names);
    free(sc->observe_labels);
    free(sc);
}

struct st_scenario *st_scenario_parse(const char *path, const char *text,
                                      size_t len, struct st_diag *d)
{
    struct parser p;
    struct st_src src = { path, text, len };
    int r;

    memset(&p, 0, sizeof(p));
    p.d = d;
    if (len > ST_MAX_FILE_BYTES) {
        struct st_loc loc = { 1, 1 };

        st_diag_set(d, path, "", 0, loc, "file larger than %u bytes",
                    ST_MAX_FILE_BYTES);
        return NULL;
    }
    st_lex_init(&p.lx, path, text != NULL ? text : "", text != NULL ? len : 0);
    p.sc = calloc(1, sizeof(*p.sc));
    if (p.sc == NULL) {
        struct st_loc loc = { 1, 1 };

        st_diag_set(d, path, "", 0, loc, "out of memory");
        return NULL;
    }
    p.sc->iterations = 10000;
    p.sc->timeout_ms = 10000;
    p.sc->path = strdup(path != NULL ? path : "<input>");
    if (p.sc->path == NULL) {
        struct st_loc loc = { 1, 1 };

        st_diag_set(d, path, "", 0, loc, "out of memory");
        goto err;
    }
    while ((r = st_lex_next(&p.lx, d)) > 0)
        if (parse_line(&p) < 0)
            goto err;
    if (r < 0)
        goto err;
    if (close_block(&p) < 0)
        goto err;
    if (!p.seen_scenario) {
        struct st_loc loc = { 1, 1 };

        st_diag_src(d, &src, loc, "missing 'scenario' line (the file must "
                    "start with 'scenario NAME')");
        goto err;
    }
    if (p.sc->nthreads == 0) {
        st_diag_src(d, &src, p.scenario_loc,
                    "no 'thread' block (a scenario needs 1 to %d threads)",
                    ST_MAX_THREADS);
        goto err;
    }
    if (st_validate(p.sc, &p.refs, &src, d) < 0)
        goto err;
    st_lex_free(&p.lx);
    free(p.refs.v);
    return p.sc;
 err:
    frames_free(&p);
    st_lex_free(&p.lx);
    free(p.refs.v);
    st_scenario_free(p.sc);
    return NULL;
}

struct st_scenario *st_scenario_load(const char *path, struct st_diag *d)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    struct st_scenario *sc;
    struct st_loc loc = { 0, 0 };

    if (f == NULL) {
        st_diag_set(d, path, "", 0, loc, "cannot open: %s", strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;

        if (len == cap) {
            char *nb;

            if (cap > ST_MAX_FILE_BYTES) {
                loc.line = loc.col = 1;
                st_diag_set(d, path, "", 0, loc, "file larger than %u bytes",
                            ST_MAX_FILE_BYTES);
                goto err;
            }
            cap = cap ? cap * 2 : 8192;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                st_diag_set(d, path, "", 0, loc, "out of memory");
                goto err;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        st_diag_set(d, path, "", 0, loc, "cannot read: %s", strerror(errno));
        goto err;
    }
    fclose(f);
    sc = st_scenario_parse(path, buf, len, d);
    free(buf);
    return sc;
 err:
    fclose(f);
    free(buf);
    return NULL;
}
