/* The validator: names, types and reference balance of a parsed scenario.
 *
 * Names.  Every object name is created by exactly one statement (`ctx`,
 * `new`, `dup`, `session`, `get1_session`, `cert`, `pkey`, `rsa`, `dh`,
 * `ec_key`) of its block, and its type is the creator's; its owner is
 * that block.  The names of `global`, `setup` and `check` are shared: each
 * is unique in the file.  A name of a thread is local to it, like a local
 * variable: several threads may each make a `d`, one slot each, but a
 * thread may not make a name that global or setup made.  A name may be
 * used by its owner after the creating statement; names of `global`
 * everywhere after that; names of `setup` by the threads and `check`;
 * names of a thread by that thread and `check` (another thread gets
 * "belongs to thread A").  `check` writes a thread's name A.d, or plain d
 * when only one thread makes a `d` (else "ambiguous").
 *
 * Resolution.  A plain name in thread T is T's own, else a shared one; in
 * `check` a shared one, else the only thread's; A.d is thread A's `d`, and
 * a thread may write only its own (A.d in A).  Each mention is resolved
 * when the abstract iteration below first meets it, so its errors come in
 * execution order like every other name error.
 *
 * References.  The validator runs the iteration abstractly, counting the
 * references each name holds: a creation gives 1, `up_ref` +1, `free` -1,
 * `repeat N` multiplies its body.  The iteration runs setup, then the
 * threads, then check:
 *
 *  - setup and check run alone: a name whose count is 0 has been freed, and
 *    any later use is "used after its last reference was dropped".
 *  - threads run at once.  A thread may take over references that setup
 *    (or global) left: it borrows as many as it frees beyond what it took
 *    itself (its deficit).  After the free that returns its last borrowed
 *    reference the thread no longer holds the name, and any use is "used
 *    after thread A dropped its last reference".  A thread that borrows
 *    nothing uses the name under the references of others: that is safe
 *    only if some reference outlives all the threads, i.e. if the threads'
 *    deficits together leave setup's references not all taken; otherwise
 *    "thread B uses 's' while the other threads drop every reference to
 *    it".  The deficits together may not exceed what setup leaves.
 *  - after check every name must be back to 0: every new/dup/up_ref/
 *    get1_session matched by exactly one free over the whole iteration.
 *    Names of `global` keep the harness's own reference, released after the
 *    last iteration: in an iteration their up_refs and frees must match,
 *    and a free may not take the harness's reference.
 *
 * BIO pairs.  `pair A B` (setup only, two distinct SSLs) marks both names
 * paired from there on, until a `repeat` makes the name again; `handshake S
 * peer=pair` and `read S` need S paired, and a paired S's `handshake` must
 * say peer=pair (the harness's peer would replace its BIOs).
 *
 * Statements that compare handles without touching the objects (`A == B`,
 * `same(A, B)`, `freed A`) may name an object that is already freed.
 *
 * A repeat body is simulated for its first round.  If that round leaves
 * every count where it found it, all rounds are alike and the others are
 * only counted.  Otherwise the rounds between are added arithmetically (the
 * counts move by the same amount each round, so the extremes are in the
 * first or the last round) and the last round is simulated too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "parse_local.h"

#define HASH_SIZE 2048                  /* > 2 * ST_MAX_NAMES, power of 2 */
/* Bounds the work on hostile input: repeat bodies whose counts change
 * every round are simulated twice per nesting level. */
#define ST_MAX_CHECK_STEPS 20000000LL

struct frame {
    unsigned epoch;
    int *touched;                       /* slots saved in this frame */
    size_t ntouched;
};

struct vstate {
    struct st_scenario *sc;
    const struct st_prefs *refs;
    const struct st_src *src;
    struct st_diag *d;
    int *ref2slot;                      /* -1 until resolved */
    int hash[HASH_SIZE];                /* slot + 1, 0 empty */
    size_t nslots;

    int ctx;                            /* ST_OWNER_* or a thread index */
    int pass;                           /* threads: 1 infer, 2 check; else 0 */
    long long *val;                     /* cnt or tl */
    long long *cnt;                     /* the iteration's counts */
    long long *tl;                      /* the current thread's counts */
    long long *minv;                    /* thread pass 1: lowest tl */
    long long *deficit;                 /* thread: borrowed references */
    long long *taken, *freed;
    unsigned char *created;
    struct st_loc *deficit_loc;         /* thread: first free into deficit */
    unsigned char *deficit_set;
    struct st_loc *share_loc;           /* first use under others' refs */
    int *share_thread;                  /* -1 none */
    struct st_loc *first_ref;           /* global names: first up_ref/free */
    unsigned char *first_ref_set;
    struct st_loc *paired;              /* setup's SSLs: the `pair` that
                                           gave it its BIOs; line 0: none */

    int fdepth;
    unsigned epoch_next;
    long long steps;                    /* statements simulated so far */
    struct frame frames[ST_MAX_REPEAT_DEPTH + 1];
    unsigned *stamp[ST_MAX_REPEAT_DEPTH + 1];
    long long *saved[ST_MAX_REPEAT_DEPTH + 1];  /* 3 per slot */
};

static int verr(struct vstate *v, struct st_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int verr(struct vstate *v, struct st_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_diag_vsrc(v->d, v->src, loc, fmt, ap);
    va_end(ap);
    return -1;
}

static unsigned hash_name(const char *s)
{
    unsigned h = 2166136261u;

    while (*s != '\0')
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

enum { SHARED = -100 };          /* find_slot: owned by global, setup or check */

/* The slot of `name` owned by `owner` (a thread index or SHARED), or -1.
 * Equal names share a probe run, so every one of them is met. */
static int find_slot(const struct vstate *v, const char *name, int owner)
{
    unsigned h = hash_name(name) & (HASH_SIZE - 1);

    while (v->hash[h] != 0) {
        const struct st_name *nm = &v->sc->names[v->hash[h] - 1];

        if (strcmp(nm->name, name) == 0
            && (nm->owner == owner || (owner == SHARED && nm->owner < 0)))
            return v->hash[h] - 1;
        h = (h + 1) & (HASH_SIZE - 1);
    }
    return -1;
}

/* The lowest slot above `after` of a thread that makes `name`, or -1:
 * the makers in thread order (threads are collected in file order). */
static int next_maker(const struct vstate *v, const char *name, int after)
{
    unsigned h = hash_name(name) & (HASH_SIZE - 1);
    int best = -1;

    for (; v->hash[h] != 0; h = (h + 1) & (HASH_SIZE - 1)) {
        int k = v->hash[h] - 1;

        if (k > after && (best < 0 || k < best) && v->sc->names[k].owner >= 0
            && strcmp(v->sc->names[k].name, name) == 0)
            best = k;
    }
    return best;
}

static int first_maker(const struct vstate *v, const char *name)
{
    return next_maker(v, name, -1);
}

/* The mention as written, "d" or "A.d", in buf[ST_QNAME_MAX + 1]. */
static const char *written(const struct st_pref *r, char *buf)
{
    snprintf(buf, ST_QNAME_MAX + 1, "%s%s%s", r->thread,
             r->thread[0] != '\0' ? "." : "", r->name);
    return buf;
}

static int thread_index(const struct st_scenario *sc, const char *name)
{
    size_t t;

    for (t = 0; t < sc->nthreads; t++)
        if (strcmp(sc->threads[t].name, name) == 0)
            return (int)t;
    return -1;
}

static const char *a_type(enum st_type t)
{
    switch (t) {
    case ST_TY_CTX: return "a ctx";
    case ST_TY_SSL: return "an SSL";
    case ST_TY_SESSION: return "a session";
    case ST_TY_X509: return "an x509";
    case ST_TY_PKEY: return "a pkey";
    case ST_TY_RSA: return "an rsa";
    case ST_TY_DH: return "a dh";
    case ST_TY_EC_KEY: return "an ec_key";
    case ST_TY_COUNT: break;
    }
    return "?";
}

/* The type of the name |st| creates. */
static enum st_type created_type(const struct st_stmt *st)
{
    switch (st->op) {
    case ST_OP_CTX: return ST_TY_CTX;
    case ST_OP_NEW:
    case ST_OP_DUP: return ST_TY_SSL;
    case ST_OP_CERT: return ST_TY_X509;
    case ST_OP_PKEY: return ST_TY_PKEY;
    case ST_OP_KEY: return st->otype;
    default: return ST_TY_SESSION;
    }
}

/* ---- phase 1: the names ---- */

static int collect(struct vstate *v, struct st_stmt *st, size_t n, int owner)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct st_pref *r;
        struct st_name *nm;
        int s;
        unsigned h;

        if (st[i].op == ST_OP_REPEAT) {
            if (collect(v, st[i].body, st[i].nbody, owner) < 0)
                return -1;
            continue;
        }
        if (st[i].dst < 0)
            continue;
        r = &v->refs->v[st[i].dst];
        /* A shared name clashes with any other; a thread's with its own
         * and with global's and setup's (check's are collected last). */
        s = find_slot(v, r->name, owner >= 0 ? owner : SHARED);
        if (s < 0 && owner < 0)
            s = first_maker(v, r->name);
        if (s >= 0)
            return verr(v, r->loc, "duplicate name '%s' (first created at %d:%d)",
                        r->name, v->sc->names[s].loc.line,
                        v->sc->names[s].loc.col);
        if (owner >= 0 && (s = find_slot(v, r->name, SHARED)) >= 0)
            return verr(v, r->loc, "name '%s' is already made by %s at %d:%d",
                        r->name, v->sc->names[s].owner == ST_OWNER_GLOBAL
                        ? "global" : "setup", v->sc->names[s].loc.line,
                        v->sc->names[s].loc.col);
        if (v->nslots == ST_MAX_NAMES)
            return verr(v, r->loc, "more than %d names", ST_MAX_NAMES);
        nm = &v->sc->names[v->nslots];
        memcpy(nm->name, r->name, sizeof(nm->name));
        nm->type = created_type(&st[i]);
        nm->owner = owner;
        nm->loc = r->loc;
        v->ref2slot[st[i].dst] = (int)v->nslots;
        for (h = hash_name(r->name) & (HASH_SIZE - 1); v->hash[h] != 0;
             h = (h + 1) & (HASH_SIZE - 1))
            ;
        v->hash[h] = (int)v->nslots + 1;
        v->nslots++;
    }
    return 0;
}

/* A thread's name shows as "A.d" where another thread makes a `d` too. */
static void name_shown(struct vstate *v)
{
    size_t s;

    for (s = 0; s < v->nslots; s++) {
        struct st_name *nm = &v->sc->names[s];

        if (nm->owner >= 0 && (first_maker(v, nm->name) != (int)s
                               || next_maker(v, nm->name, (int)s) >= 0))
            snprintf(nm->shown, sizeof(nm->shown), "%s.%s",
                     v->sc->threads[nm->owner].name, nm->name);
        else
            snprintf(nm->shown, sizeof(nm->shown), "%s", nm->name);
    }
}

/* "name 'd' is ambiguous: made by thread A at 7:3 and thread B at 12:3
 * (write A.d or B.d)"; threads after the third are only counted. */
static int ambiguous(struct vstate *v, const struct st_pref *r, int first)
{
    char made[600] = "", alts[300] = "";
    int m[3], n = 0, total = 0, s, k;

    for (s = first; s >= 0; s = next_maker(v, r->name, s), total++)
        if (n < 3)
            m[n++] = s;
    for (k = 0; k < n; k++) {
        const struct st_name *nm = &v->sc->names[m[k]];
        int closes = k > 0 && k == n - 1 && total == n;   /* the last one */
        size_t lm = strlen(made), la = strlen(alts);

        snprintf(made + lm, sizeof(made) - lm, "%sthread %s at %d:%d",
                 k == 0 ? "" : closes ? " and " : ", ",
                 v->sc->threads[nm->owner].name, nm->loc.line, nm->loc.col);
        snprintf(alts + la, sizeof(alts) - la, "%s%s",
                 k == 0 ? "" : closes ? " or " : ", ", nm->shown);
    }
    if (total > n)
        return verr(v, r->loc, "name '%s' is ambiguous: made by %s and %d "
                    "other thread%s (write THREAD.%s)", r->name, made,
                    total - n, total - n == 1 ? "" : "s", r->name);
    return verr(v, r->loc, "name '%s' is ambiguous: made by %s (write %s)",
                r->name, made, alts);
}

/* The slot mention ix names from the block running now (v->ctx), or -1
 * with the diagnostic.  See "Resolution" at the top. */
static int resolve(struct vstate *v, int ix)
{
    const struct st_pref *r = &v->refs->v[ix];
    char w[ST_QNAME_MAX + 1];
    int s, t;

    if (v->ref2slot[ix] >= 0)       /* a mention is in one block: resolved once */
        return v->ref2slot[ix];
    if (r->thread[0] != '\0') {
        if ((t = thread_index(v->sc, r->thread)) < 0)
            return verr(v, r->loc, "unknown thread '%s' in '%s'", r->thread,
                        written(r, w));
        if (v->ctx >= 0 && t != v->ctx)
            return verr(v, r->loc, "a thread cannot name another thread's "
                        "'%s'", r->name);
        if ((s = find_slot(v, r->name, t)) < 0)
            return verr(v, r->loc, "thread %s makes no name '%s'", r->thread,
                        r->name);
    } else if ((v->ctx < 0 || (s = find_slot(v, r->name, v->ctx)) < 0)
               && (s = find_slot(v, r->name, SHARED)) < 0) {
        /* Only threads make it: check may name the only one; elsewhere the
         * first says "belongs to" or "used before it is created". */
        if ((s = first_maker(v, r->name)) < 0)
            return verr(v, r->loc, "unknown name '%s'", r->name);
        if (v->ctx == ST_OWNER_CHECK && next_maker(v, r->name, s) >= 0)
            return ambiguous(v, r, s);
    }
    v->ref2slot[ix] = s;
    return s;
}

/* ---- phase 2: the abstract iteration ---- */

/* Save slot s in every open repeat frame before it changes. */
static void touch(struct vstate *v, int s)
{
    int k;

    for (k = 0; k < v->fdepth; k++) {
        struct frame *f = &v->frames[k];

        if (v->stamp[k][s] == f->epoch)
            continue;
        v->stamp[k][s] = f->epoch;
        v->saved[k][3 * s] = v->val[s];
        v->saved[k][3 * s + 1] = v->taken[s];
        v->saved[k][3 * s + 2] = v->freed[s];
        f->touched[f->ntouched++] = s;
    }
}

enum { USE_EXEMPT = 1 };        /* compares handles only */

#define T_CTX (1u << ST_TY_CTX)
#define T_SSL (1u << ST_TY_SSL)
#define T_SESSION (1u << ST_TY_SESSION)
#define T_X509 (1u << ST_TY_X509)
#define T_PKEY (1u << ST_TY_PKEY)
#define T_KEYOBJ ((1u << ST_TY_RSA) | (1u << ST_TY_DH) | (1u << ST_TY_EC_KEY))
#define T_ANY ((1u << ST_TY_COUNT) - 1)

/* "an SSL or a ctx", "a ctx, an SSL or a session": the types in |types|,
 * in enum order, into buf. */
static const char *types_needed(unsigned types, char *buf, size_t len)
{
    size_t used = 0, left = 0;

    for (unsigned t = 0; t < ST_TY_COUNT; t++)
        left += (types >> t) & 1u;
    buf[0] = '\0';
    if (types == (T_SSL | T_CTX))       /* as the messages always said */
        return "an SSL or a ctx";
    for (unsigned t = 0; t < ST_TY_COUNT && used < len; t++) {
        if (!(types & (1u << t)))
            continue;
        left--;
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 a_type((enum st_type)t),
                                 left > 1 ? ", " : left == 1 ? " or " : "");
    }
    return buf;
}

/* A use of reference ix as `what` (for type errors), needing a type in
 * types.  Returns the slot or -1 with the diagnostic. */
static int use(struct vstate *v, int ix, unsigned types, const char *what,
               unsigned flags)
{
    const struct st_pref *r = &v->refs->v[ix];
    int s = resolve(v, ix);
    const struct st_name *nm;
    char w[ST_QNAME_MAX + 1];

    if (s < 0)
        return -1;
    nm = &v->sc->names[s];
    written(r, w);
    if (nm->owner >= 0 && v->ctx >= 0 && nm->owner != v->ctx)
        return verr(v, r->loc, "name '%s' belongs to thread %s", w,
                    v->sc->threads[nm->owner].name);
    if ((nm->owner == v->ctx && !v->created[s])
        || (nm->owner != ST_OWNER_GLOBAL && v->ctx == ST_OWNER_GLOBAL)
        || (nm->owner != ST_OWNER_GLOBAL && nm->owner != ST_OWNER_SETUP
            && v->ctx == ST_OWNER_SETUP)
        || (nm->owner == ST_OWNER_CHECK && v->ctx != ST_OWNER_CHECK))
        return verr(v, r->loc, "name '%s' used before it is created", w);
    if (!(types & (1u << nm->type))) {
        char need[128];

        return verr(v, r->loc, "type mismatch: %s needs %s, '%s' is %s", what,
                    types_needed(types, need, sizeof(need)), w,
                    a_type(nm->type));
    }
    if ((flags & USE_EXEMPT) || v->ctx == ST_OWNER_GLOBAL
        || nm->owner == ST_OWNER_GLOBAL || v->val[s] > 0)
        return s;
    if (v->ctx < 0)
        return verr(v, r->loc, "name '%s' used after its last reference was "
                    "dropped", w);
    /* A thread, count 0. */
    if (nm->owner == v->ctx || (v->pass == 2 && v->deficit[s] > 0))
        return verr(v, r->loc, "name '%s' used after thread %s dropped its last "
                    "reference", w, v->sc->threads[v->ctx].name);
    if (v->pass == 2) {
        if (v->share_thread[s] < 0) {
            v->share_thread[s] = v->ctx;
            v->share_loc[s] = r->loc;
        }
    }
    return s;
}

static void note_ref(struct vstate *v, int s, struct st_loc loc)
{
    if (!v->first_ref_set[s]) {
        v->first_ref_set[s] = 1;
        v->first_ref[s] = loc;
    }
}

static int create(struct vstate *v, const struct st_stmt *st)
{
    const struct st_pref *r = &v->refs->v[st->dst];
    int s = v->ref2slot[st->dst];

    touch(v, s);
    if (v->created[s] && v->val[s] > 0 && v->ctx != ST_OWNER_GLOBAL)
        return verr(v, r->loc, "name '%s' created again while it holds a "
                    "reference (free it before the repeat comes round)",
                    r->name);
    if (v->created[s] && v->ctx == ST_OWNER_GLOBAL)
        return verr(v, r->loc, "name '%s' created again in global (global "
                    "objects are made once)", r->name);
    v->created[s] = 1;
    v->paired[s].line = 0;          /* a new object has no BIOs */
    v->val[s] = 1;
    if (v->pass != 2)
        v->taken[s]++;
    return 0;
}

/* The two sides |a| and |b| (slots) of |e| must have one type. */
static int same_type(struct vstate *v, const struct st_expr *e, int a, int b)
{
    char wa[ST_QNAME_MAX + 1], wb[ST_QNAME_MAX + 1];

    if (v->sc->names[a].type == v->sc->names[b].type)
        return 0;
    return verr(v, v->refs->v[e->b].loc, "type mismatch: '%s' is %s, "
                "'%s' is %s", written(&v->refs->v[e->a], wa),
                a_type(v->sc->names[a].type), written(&v->refs->v[e->b], wb),
                a_type(v->sc->names[b].type));
}

static int check_expr(struct vstate *v, const struct st_expr *e)
{
    int a, b;

    switch (e->kind) {
    case ST_E_IDENT:
    case ST_E_SAME:
        if ((a = use(v, e->a, T_ANY, e->kind == ST_E_SAME ? "'same'" : "'=='",
                     USE_EXEMPT)) < 0
            || (b = use(v, e->b, T_ANY, "'=='", USE_EXEMPT)) < 0)
            return -1;
        return same_type(v, e, a, b);
    case ST_E_COPIED:
        if ((a = use(v, e->a, T_SSL | T_SESSION, "'copied'", 0)) < 0
            || (b = use(v, e->b, T_SSL | T_SESSION, "'copied'", 0)) < 0)
            return -1;
        return same_type(v, e, a, b);
    case ST_E_KEPT:
        if (use(v, e->a, T_SESSION, "'kept'", 0) < 0
            || use(v, e->b, T_SESSION, "'kept'", 0) < 0)
            return -1;
        return 0;
    case ST_E_INHERITED:
        if (use(v, e->a, T_SSL, "'inherited'", 0) < 0
            || use(v, e->b, T_CTX, "'inherited'", 0) < 0)
            return -1;
        return 0;
    case ST_E_NEGOTIATED:
        /* It compares with the harness's peer and the handshake's start,
         * which only `handshake` makes. */
        v->sc->requires |= ST_FEAT_HANDSHAKE;
        return use(v, e->a, T_SSL, "'negotiated'", 0) < 0 ? -1 : 0;
    case ST_E_STATE:
        return use(v, e->a, T_SSL, "'state'", 0) < 0 ? -1 : 0;
    case ST_E_VERIFY_RESULT:
        return use(v, e->a, T_SSL, "'verify_result'", 0) < 0 ? -1 : 0;
    case ST_E_SESSIONS:
        return use(v, e->a, T_CTX, "'sessions'", 0) < 0 ? -1 : 0;
    case ST_E_REFS:
        v->sc->requires |= ST_FEAT_INTROSPECTION;
        return use(v, e->a, T_ANY, "'refs'", 0) < 0 ? -1 : 0;
    case ST_E_FREED:
        /* The types whose freed objects minissl quarantines: a freed X509
         * or key is not there to look at. */
        v->sc->requires |= ST_FEAT_INTROSPECTION;
        return use(v, e->a, T_CTX | T_SSL | T_SESSION, "'freed'",
                   USE_EXEMPT) < 0 ? -1 : 0;
    case ST_E_LEAKS:
    case ST_E_ERRORS:
        return 0;
    }
    return 0;
}

/* `handshake S peer=pair` and `read S` need the BIO pair a `pair` in setup
 * gave S; the harness's peer (`handshake S` without it) would replace
 * that pair with BIOs of its own, under the other end. */
static int check_paired(struct vstate *v, const struct st_stmt *st, int s)
{
    const struct st_pref *r = &v->refs->v[st->a];
    const struct st_loc *at = &v->paired[s];
    char w[ST_QNAME_MAX + 1];

    written(r, w);
    if (st->op == ST_OP_HANDSHAKE && !st->pair) {
        if (at->line == 0)
            return 0;
        return verr(v, r->loc, "'%s' is paired (at %d:%d): its handshake "
                    "needs peer=pair", w, at->line, at->col);
    }
    if (at->line == 0)
        return verr(v, r->loc, "'%s' has no BIO pair (write 'pair %s PEER' "
                    "in setup)", w, w);
    return 0;
}

static int walk(struct vstate *v, const struct st_stmt *st, size_t n);

static int run_repeat(struct vstate *v, const struct st_stmt *st)
{
    struct frame *f = &v->frames[v->fdepth];
    int d = v->fdepth, same = 1;
    long long k;
    size_t i;

    f->epoch = ++v->epoch_next;
    f->ntouched = 0;
    v->fdepth++;
    if (walk(v, st->body, st->nbody) < 0)
        goto err;
    for (i = 0; i < f->ntouched; i++)
        if (v->val[f->touched[i]] != v->saved[d][3 * f->touched[i]])
            same = 0;
    /* If the first round left every count as it found it, every round
     * runs like the first: count the others without running them.  Else
     * move the counts over the middle rounds and run the last one. */
    k = same ? st->n - 1 : st->n - 2;
    for (i = 0; k > 0 && i < f->ntouched; i++) {
        int s = f->touched[i];

        v->val[s] += (v->val[s] - v->saved[d][3 * s]) * k;
        v->taken[s] += (v->taken[s] - v->saved[d][3 * s + 1]) * k;
        v->freed[s] += (v->freed[s] - v->saved[d][3 * s + 2]) * k;
    }
    if (!same && st->n >= 2 && walk(v, st->body, st->nbody) < 0)
        goto err;
    v->fdepth--;
    return 0;
 err:
    v->fdepth--;
    return -1;
}

static int walk(struct vstate *v, const struct st_stmt *st, size_t n)
{
    size_t i, k;
    int s;

    for (i = 0; i < n; i++, st++) {
        if (++v->steps > ST_MAX_CHECK_STEPS)
            return verr(v, st->loc, "scenario too large to check (repeats "
                        "would take over %lld steps)", ST_MAX_CHECK_STEPS);
        switch (st->op) {
        case ST_OP_CTX:
        case ST_OP_SESSION:
            if ((st->a >= 0 && use(v, st->a, T_SESSION, "'session'", 0) < 0)
                || create(v, st) < 0)
                return -1;
            break;
        case ST_OP_CERT:
            if (use(v, st->a, T_CTX | T_SSL | T_SESSION, "'cert'", 0) < 0
                || create(v, st) < 0)
                return -1;
            break;
        case ST_OP_PKEY:
            if (use(v, st->a, T_CTX | T_SSL | T_X509 | T_KEYOBJ, "'pkey'",
                    0) < 0 || create(v, st) < 0)
                return -1;
            break;
        case ST_OP_KEY:
            if ((st->a >= 0 && use(v, st->a, T_PKEY, st->otype == ST_TY_RSA
                                   ? "'rsa'" : st->otype == ST_TY_DH
                                   ? "'dh'" : "'ec_key'", 0) < 0)
                || create(v, st) < 0)
                return -1;
            break;
        case ST_OP_ADD_SESSION:
        case ST_OP_REMOVE_SESSION: {
            const char *w = st->op == ST_OP_ADD_SESSION ? "'add_session'"
                                                        : "'remove_session'";

            if (use(v, st->a, T_CTX, w, 0) < 0
                || use(v, st->b, T_SESSION, w, 0) < 0)
                return -1;
            break;
        }
        case ST_OP_FLUSH_SESSIONS:
            if (use(v, st->a, T_CTX, "'flush_sessions'", 0) < 0)
                return -1;
            break;
        case ST_OP_NEW:
        case ST_OP_DUP:
        case ST_OP_GET1_SESSION:
            if (use(v, st->a, st->op == ST_OP_NEW ? T_CTX : T_SSL,
                    st->op == ST_OP_NEW ? "'new'" : st->op == ST_OP_DUP
                    ? "'dup'" : "'get1_session'", 0) < 0
                || create(v, st) < 0)
                return -1;
            break;
        case ST_OP_UP_REF:
            if ((s = use(v, st->a, T_ANY, "'up_ref'", 0)) < 0)
                return -1;
            touch(v, s);
            v->val[s]++;
            if (v->pass != 2) {
                v->taken[s]++;
                note_ref(v, s, v->refs->v[st->a].loc);
            }
            break;
        case ST_OP_FREE:
            if ((s = use(v, st->a, T_ANY, "'free'", 0)) < 0)
                return -1;
            if (v->ctx < 0 && v->sc->names[s].owner == ST_OWNER_GLOBAL
                && v->val[s] == 0)
                return verr(v, v->refs->v[st->a].loc, "free of '%s' would drop "
                            "the reference that global holds (up_ref it in the "
                            "iteration first)", v->sc->names[s].name);
            touch(v, s);
            v->val[s]--;
            if (v->pass != 2) {
                v->freed[s]++;
                note_ref(v, s, v->refs->v[st->a].loc);
            }
            if (v->pass == 1 && v->val[s] < v->minv[s]) {
                v->minv[s] = v->val[s];
                if (!v->deficit_set[s]) {
                    v->deficit_set[s] = 1;
                    v->deficit_loc[s] = v->refs->v[st->a].loc;
                }
            }
            break;
        case ST_OP_CONNECT:
        case ST_OP_ACCEPT:
        case ST_OP_CLEAR:
            if (use(v, st->a, T_SSL, st->op == ST_OP_CONNECT ? "'connect'"
                    : st->op == ST_OP_ACCEPT ? "'accept'" : "'clear'", 0) < 0)
                return -1;
            break;
        case ST_OP_HANDSHAKE:
        case ST_OP_READ:
            if ((s = use(v, st->a, T_SSL, st->op == ST_OP_READ ? "'read'"
                         : "'handshake'", 0)) < 0
                || check_paired(v, st, s) < 0)
                return -1;
            v->sc->requires |= ST_FEAT_HANDSHAKE;
            break;
        case ST_OP_PAIR: {
            int b;

            if ((s = use(v, st->a, T_SSL, "'pair'", 0)) < 0
                || (b = use(v, st->b, T_SSL, "'pair'", 0)) < 0)
                return -1;
            if (s == b) {
                char w[ST_QNAME_MAX + 1];

                return verr(v, v->refs->v[st->b].loc, "cannot pair '%s' with "
                            "itself", written(&v->refs->v[st->b], w));
            }
            v->paired[s] = v->paired[b] = st->loc;
            v->sc->requires |= ST_FEAT_HANDSHAKE;
            break;
        }
        case ST_OP_SET:
            if ((s = use(v, st->a, T_SSL | T_CTX | T_SESSION, "'set'", 0)) < 0)
                return -1;
            for (k = 0; k < st->nsettings; k++) {
                const struct st_setting *se = &st->settings[k];
                const struct st_keyspec *ks = st_key_spec(se->key);
                enum st_type ty = v->sc->names[s].type;

                char w[ST_QNAME_MAX + 1];

                if (!(ks->on & (ty == ST_TY_CTX ? ST_ON_CTX
                                : ty == ST_TY_SSL ? ST_ON_SSL : ST_ON_SESSION)))
                    return verr(v, se->loc, "key '%s' is for %s, '%s' is %s",
                                ks->name, ks->on == ST_ON_CTX ? "a ctx"
                                : ks->on == ST_ON_SSL ? "an SSL"
                                : ks->on == ST_ON_SESSION ? "a session"
                                : "an SSL or a ctx",
                                written(&v->refs->v[st->a], w), a_type(ty));
                if (se->val.kind == ST_V_NAME
                    && use(v, se->val.slot, T_SESSION, "'session'", 0) < 0)
                    return -1;
            }
            break;
        case ST_OP_EXPECT:
        case ST_OP_OBSERVE:
            if (check_expr(v, &st->expr) < 0)
                return -1;
            break;
        case ST_OP_SPIN:
        case ST_OP_EX_INDEX:
            break;
        case ST_OP_REPEAT:
            if (run_repeat(v, st) < 0)
                return -1;
            break;
        }
    }
    return 0;
}

/* ---- phase 3: slots into the model ---- */

static void remap(struct vstate *v, struct st_stmt *st, size_t n)
{
    size_t i, k;

    for (i = 0; i < n; i++, st++) {
        if (st->dst >= 0)
            st->dst = v->ref2slot[st->dst];
        if (st->a >= 0)
            st->a = v->ref2slot[st->a];
        if (st->b >= 0)
            st->b = v->ref2slot[st->b];
        if (st->expr.a >= 0)
            st->expr.a = v->ref2slot[st->expr.a];
        if (st->expr.b >= 0)
            st->expr.b = v->ref2slot[st->expr.b];
        for (k = 0; k < st->nsettings; k++)
            if (st->settings[k].val.kind == ST_V_NAME)
                st->settings[k].val.slot = v->ref2slot[st->settings[k].val.slot];
            else
                st->settings[k].val.slot = -1;
        remap(v, st->body, st->nbody);
    }
}

static int run_thread(struct vstate *v, int t)
{
    const struct st_block *b = &v->sc->threads[t];
    size_t s;

    v->ctx = t;
    v->val = v->tl;
    for (s = 0; s < v->nslots; s++) {
        v->tl[s] = 0;
        v->minv[s] = 0;
        v->deficit_set[s] = 0;
        if (v->sc->names[s].owner == t)
            v->created[s] = 0;
    }
    v->pass = 1;
    if (walk(v, b->stmts, b->nstmts) < 0)
        return -1;
    for (s = 0; s < v->nslots; s++) {
        v->deficit[s] = v->sc->names[s].owner == t ? 0 : -v->minv[s];
        v->tl[s] = v->deficit[s];
        if (v->sc->names[s].owner == t)
            v->created[s] = 0;
    }
    v->pass = 2;
    return walk(v, b->stmts, b->nstmts);
}

int st_validate(struct st_scenario *sc, const struct st_prefs *refs,
                const struct st_src *src, struct st_diag *d)
{
    struct vstate *v = calloc(1, sizeof(*v));
    long long *sumd = NULL, *tnet = NULL;
    size_t i, s, n;
    int t, k, rc = -1;

    if (v == NULL)
        goto oom;
    v->sc = sc;
    v->refs = refs;
    v->src = src;
    v->d = d;
    sc->names = calloc(ST_MAX_NAMES, sizeof(*sc->names));
    v->ref2slot = malloc((refs->n + 1) * sizeof(int));
    if (sc->names == NULL || v->ref2slot == NULL)
        goto oom;
    for (i = 0; i < refs->n; i++)
        v->ref2slot[i] = -1;
    if (collect(v, sc->global.stmts, sc->global.nstmts, ST_OWNER_GLOBAL) < 0
        || collect(v, sc->setup.stmts, sc->setup.nstmts, ST_OWNER_SETUP) < 0)
        goto out;
    for (i = 0; i < sc->nthreads; i++)
        if (collect(v, sc->threads[i].stmts, sc->threads[i].nstmts, (int)i) < 0)
            goto out;
    if (collect(v, sc->check.stmts, sc->check.nstmts, ST_OWNER_CHECK) < 0)
        goto out;
    sc->nnames = n = v->nslots;
    name_shown(v);

    v->cnt = calloc(n + 1, sizeof(long long));
    v->tl = calloc(n + 1, sizeof(long long));
    v->minv = calloc(n + 1, sizeof(long long));
    v->deficit = calloc(n + 1, sizeof(long long));
    v->taken = calloc(n + 1, sizeof(long long));
    v->freed = calloc(n + 1, sizeof(long long));
    v->created = calloc(n + 1, 1);
    v->deficit_loc = calloc(n + 1, sizeof(struct st_loc));
    v->deficit_set = calloc(n + 1, 1);
    v->share_loc = calloc(n + 1, sizeof(struct st_loc));
    v->share_thread = malloc((n + 1) * sizeof(int));
    v->first_ref = calloc(n + 1, sizeof(struct st_loc));
    v->first_ref_set = calloc(n + 1, 1);
    v->paired = calloc(n + 1, sizeof(struct st_loc));
    sumd = calloc(n + 1, sizeof(long long));
    tnet = calloc(n + 1, sizeof(long long));
    if (v->cnt == NULL || v->tl == NULL
        || v->minv == NULL || v->deficit == NULL || v->taken == NULL
        || v->freed == NULL || v->created == NULL || v->deficit_loc == NULL
        || v->deficit_set == NULL || v->share_loc == NULL
        || v->share_thread == NULL || v->first_ref == NULL
        || v->first_ref_set == NULL || v->paired == NULL || sumd == NULL
        || tnet == NULL)
        goto oom;
    for (k = 0; k <= ST_MAX_REPEAT_DEPTH; k++) {
        v->stamp[k] = calloc(n + 1, sizeof(unsigned));
        v->saved[k] = calloc(3 * (n + 1), sizeof(long long));
        v->frames[k].touched = malloc((n + 1) * sizeof(int));
        if (v->stamp[k] == NULL || v->saved[k] == NULL
            || v->frames[k].touched == NULL)
            goto oom;
    }
    for (s = 0; s < n; s++)
        v->share_thread[s] = -1;

    /* global, then setup, alone. */
    v->val = v->cnt;
    v->ctx = ST_OWNER_GLOBAL;
    if (walk(v, sc->global.stmts, sc->global.nstmts) < 0)
        goto out;
    for (s = 0; s < n; s++) {       /* the harness's reference is not counted */
        v->cnt[s] = 0;
        v->taken[s] = 0;
    }
    v->ctx = ST_OWNER_SETUP;
    if (walk(v, sc->setup.stmts, sc->setup.nstmts) < 0)
        goto out;

    /* The threads, each against what setup left. */
    for (t = 0; t < (int)sc->nthreads; t++) {
        if (run_thread(v, t) < 0)
            goto out;
        for (s = 0; s < n; s++) {
            tnet[s] += v->tl[s] - v->deficit[s];
            sumd[s] += v->deficit[s];
            if (v->deficit[s] > 0 && sumd[s] > v->cnt[s])
                goto unbalanced_threads;
        }
        continue;
 unbalanced_threads:
        verr(v, v->deficit_loc[s], "references not balanced: the threads drop "
             "%lld reference%s to '%s' but setup leaves %lld", sumd[s],
             sumd[s] == 1 ? "" : "s", sc->names[s].shown, v->cnt[s]);
        goto out;
    }
    for (s = 0; s < n; s++) {
        if (v->share_thread[s] >= 0 && v->cnt[s] == 0) {
            verr(v, v->share_loc[s], "name '%s' used after its last reference "
                 "was dropped", sc->names[s].shown);
            goto out;
        }
        if (v->share_thread[s] >= 0 && sumd[s] >= v->cnt[s]) {
            verr(v, v->share_loc[s], "thread %s uses '%s' while the other "
                 "threads drop every reference to it",
                 sc->threads[v->share_thread[s]].name, sc->names[s].shown);
            goto out;
        }
        v->cnt[s] += tnet[s];
    }

    /* check, alone; then every count must be back to 0. */
    v->val = v->cnt;
    v->pass = 0;
    v->ctx = ST_OWNER_CHECK;
    if (walk(v, sc->check.stmts, sc->check.nstmts) < 0)
        goto out;
    for (s = 0; s < n; s++) {
        if (v->cnt[s] == 0)
            continue;
        if (sc->names[s].owner == ST_OWNER_GLOBAL)
            verr(v, v->first_ref[s], "references not balanced: '%s' (made in "
                 "global) gets %lld up_ref%s but %lld free%s in an iteration",
                 sc->names[s].shown, v->taken[s], v->taken[s] == 1 ? "" : "s",
                 v->freed[s], v->freed[s] == 1 ? "" : "s");
        else
            verr(v, sc->names[s].loc, "references not balanced: '%s' gets %lld "
                 "reference%s but %lld free%s", sc->names[s].shown, v->taken[s],
                 v->taken[s] == 1 ? "" : "s", v->freed[s],
                 v->freed[s] == 1 ? "" : "s");
        goto out;
    }

    remap(v, sc->global.stmts, sc->global.nstmts);
    remap(v, sc->setup.stmts, sc->setup.nstmts);
    for (i = 0; i < sc->nthreads; i++)
        remap(v, sc->threads[i].stmts, sc->threads[i].nstmts);
    remap(v, sc->check.stmts, sc->check.nstmts);
    rc = 0;
    goto out;
 oom:
    {
        struct st_loc loc = { 1, 1 };

        st_diag_set(d, src->path, "", 0, loc, "out of memory");
    }
 out:
    if (v != NULL) {
        free(v->ref2slot);
        free(v->cnt);
        free(v->tl);
        free(v->minv);
        free(v->deficit);
        free(v->taken);
        free(v->freed);
        free(v->created);
        free(v->deficit_loc);
        free(v->deficit_set);
        free(v->share_loc);
        free(v->share_thread);
        free(v->first_ref);
        free(v->first_ref_set);
        free(v->paired);
        for (k = 0; k <= ST_MAX_REPEAT_DEPTH; k++) {
            free(v->stamp[k]);
            free(v->saved[k]);
            free(v->frames[k].touched);
        }
    }
    free(sumd);
    free(tnet);
    free(v);
    return rc;
}
