/* The allocation-failure sweep.  See sweep.h; the rules a scenario author
 * reads are in doc/scenario-format.md, "The allocation-failure sweep".
 *
 * One statement's call is made again and again through the backend
 * (attempt), with the k-th allocation failing; what a success made is
 * undone there, so that every attempt starts from the objects as the
 * scenario left them.  What "as it was" means is the backend's census,
 * taken around each attempt with the thread's error stack set aside.
 *
 * `handshake S` cannot be made twice on S (a failed handshake leaves its
 * SSL unusable), so each attempt makes its own: a copy of S (SSL_dup of an
 * SSL in its initial state copies every setting, the role and the
 * session: it is S as the handshake would find it; SSL_new from S's
 * SSL_CTX would miss what `set S` changed), handshaking against a fresh
 * peer of the harness's.  The copy is made, and it and its peer freed,
 * with every allocation granted but inside the census (prepare,
 * release), so that what the handshake left on the copy (its session, the
 * peer's certificate, record buffers, BIOs) is freed by SSL_free and
 * compared: a handshake that failed half-way and kept a block of its own
 * shows.  A success also left the session of a full handshake in the
 * SSL_CTX's cache: taken out again (st_be_handshake_forget).
 *
 * Warm-up.  A library may make state on a call's first use and keep it
 * (OpenSSL 3: its providers' and decoders' caches, a thread's error
 * state): the attempt that fails after such an allocation would then show
 * it as left behind.  So where the backend has no introspection (OpenSSL,
 * BoringSSL) the call is made once, every allocation granted and its
 * result undone, before its sweep.  minissl keeps nothing of the kind, and
 * is swept from the objects as they are: its first-use paths (the session
 * cache's first table) are then inside the sweep.  A setting that replaces
 * is applied once first on every backend (the statement's own effect), so
 * that each attempt replaces a value the object already has its own of; a
 * setting that adds (st_sweep_key_adds) cannot be warmed up.
 *
 * Repeat.  A difference after an attempt may still be state the library
 * made once, on the first run of an error path: the attempt is made again
 * from the same objects, and only a difference that comes again is a
 * finding.  What the sweep leaves live all the same is its residue, which
 * the runner keeps out of the scenario's `leaks`. */
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool st_sweep_applies(const struct st_stmt *st)
{
    switch (st->op) {
    case ST_OP_CTX:
    case ST_OP_NEW:
    case ST_OP_DUP:
    case ST_OP_SESSION:
    case ST_OP_GET1_SESSION:
    case ST_OP_CERT:
    case ST_OP_PKEY:
    case ST_OP_KEY:
    case ST_OP_ADD_SESSION:
    case ST_OP_SET:
        return true;
    case ST_OP_HANDSHAKE:
        /* A failure that is the expected outcome need not raise a reason
         * (an SSL in the wrong role makes no progress); a pair's other
         * end is a scenario SSL, not a fresh peer the sweep can make. */
        return !st->pair && !st->must_fail;
    case ST_OP_PAIR:
        return true;
    default:
        return false;
    }
}

bool st_sweep_key_adds(enum st_key k)
{
    switch (k) {
    case ST_K_CHAIN:            /* SSL_add1_chain_cert */
    case ST_K_ADD_HOST:         /* X509_VERIFY_PARAM_add1_host */
    case ST_K_DANE:             /* SSL_dane_enable refuses a second time */
    case ST_K_DANE_TLSA:        /* SSL_dane_tlsa_add */
    case ST_K_CUSTOM_EXT:       /* SSL_CTX_add_custom_ext: one per type */
    case ST_K_SERVERINFO:       /* OpenSSL: its extension types, likewise */
        return true;
    default:
        return false;
    }
}

/* A statement's call: statement |st|, and for a `set` its setting |key|
 * (the arg of its struct st_sweep_call). */
struct stmt_call {
    const struct st_scenario *sc;
    const struct st_stmt *st;
    void *const *slots;
    size_t key;
};

/* Make the call once and undo what a success made: 1 it succeeded, 0 it
 * failed (its reason, if any, on the error stack), -1 the backend cannot
 * make it at all (a setting it lacks: the statement itself says so). */
static int stmt_attempt(void *arg)
{
    const struct stmt_call *c = arg;
    const struct st_stmt *st = c->st;
    void *a = st->a >= 0 ? c->slots[st->a] : NULL;
    enum st_type ta = st->a >= 0 ? c->sc->names[st->a].type : ST_TY_COUNT;
    enum st_type made;
    void *o;

    switch (st->op) {
    case ST_OP_CTX:
    case ST_OP_NEW:
    case ST_OP_DUP:             /* a copy or a reference: free drops either */
    case ST_OP_SESSION:
    case ST_OP_CERT:
    case ST_OP_PKEY:
    case ST_OP_KEY:
        o = st_be_make(c->sc, st, c->slots, &made);
        break;
    case ST_OP_GET1_SESSION:
        /* NULL is an answer (no session yet), not a failure. */
        st_be_free(ST_TY_SESSION, st_be_get1_session(a));
        return 1;
    case ST_OP_ADD_SESSION:
        /* 0 also when the session is in the cache already: then nothing
         * changed, and the call allocates nothing after its refusal. */
        if (st_be_cache_add(a, c->slots[st->b]) != 1)
            return 0;
        (void)st_be_cache_remove(a, c->slots[st->b]);
        return 1;
    case ST_OP_SET:
        switch (st_be_set(ta, a, &st->settings[c->key], c->slots)) {
        case 0:
            return 1;
        case -ENOTSUP:
            return -1;
        default:
            return 0;
        }
    default:
        return -1;
    }
    if (o == NULL)
        return 0;
    st_be_free(made, o);
    return 1;
}

/* A fresh copy of |ssl|, SSL_dup of an SSL in its initial state, or NULL
 * where there is none: no SSL_dup here, or |ssl| not initial after all
 * (SSL_dup then shares it). */
static void *initial_copy(void *ssl)
{
    void *copy = st_be_dup(ssl);

    if (copy == ssl) {
        st_be_free(ST_TY_SSL, copy);
        return NULL;
    }
    return copy;
}

/* `handshake S`: a fresh copy of S (prepare) handshakes against a fresh
 * peer (attempt); release undoes what a success left and frees both. */
struct hs_call {
    const struct st_stmt *st;
    void *ssl;                  /* S */
    void *copy, *peer;
    bool done;                  /* the attempt's handshake succeeded */
};

static int hs_prepare(void *arg)
{
    struct hs_call *h = arg;

    h->peer = NULL;
    h->done = false;
    if ((h->copy = initial_copy(h->ssl)) == NULL)
        return -1;
    return 0;
}

static int hs_attempt(void *arg)
{
    struct hs_call *h = arg;
    const struct st_stmt *st = h->st;
    struct st_hs_opts ho = { .until = st->until, .steps = st->n,
                             .as = st->as, .no_resume = st->no_resume,
                             .no_keep = true };

    h->done = st_be_handshake(&h->peer, h->copy, &ho) == 0;
    return h->done ? 1 : 0;
}

static void hs_release(void *arg)
{
    struct hs_call *h = arg;

    if (h->done)
        st_be_handshake_forget(h->copy);
    st_be_peer_free(h->peer);
    st_be_free(ST_TY_SSL, h->copy);
    h->peer = h->copy = NULL;
}

/* `pair A B`: swept on fresh copies of A and B (SSL_dup: both in their
 * initial state, with the roles the runner just chose), which the attempt
 * pairs and release frees, and the pair's BIOs with them. */
struct pair_call {
    const struct st_stmt *st;
    void *a, *b;                /* A and B */
    void *ca, *cb;              /* their copies */
};

static void pair_release(void *arg)
{
    struct pair_call *p = arg;

    st_be_free(ST_TY_SSL, p->ca);
    st_be_free(ST_TY_SSL, p->cb);
    p->ca = p->cb = NULL;
}

static int pair_prepare(void *arg)
{
    struct pair_call *p = arg;

    p->ca = initial_copy(p->a);
    p->cb = initial_copy(p->b);
    if (p->ca == NULL || p->cb == NULL) {
        pair_release(p);
        return -1;
    }
    return 0;
}

static int pair_attempt(void *arg)
{
    struct pair_call *p = arg;
    int e = st_be_pair(p->ca, p->cb, p->st->via_mem);

    return e == 0 ? 1 : e == -EINVAL ? -1 : 0;
}

static void found(struct st_sweep_result *res, const char *kind,
                  const struct st_sweep_call *c, unsigned long k,
                  const char *what)
{
    res->found = true;
    res->kind = kind;
    snprintf(res->msg, sizeof(res->msg), "alloc_failures sweep: %.150s, "
             "allocation %lu failing: %s", c->name, k, what);
}

/* One attempt, what it did and what the library held around it. */
struct outcome {
    int r;                      /* the attempt's */
    bool hit;                   /* the k-th allocation was made (failed) */
    bool raised;                /* a reason was raised */
    char why[96];               /* the newest one's text */
    struct st_be_census before, after;
    long long live;             /* st_be_live() after less before */
};

/* Attempt |c| with its k-th allocation failing (k 0: none), the error
 * stack set aside around it.  The census is taken outside the set-aside:
 * putting a library's error stack aside and back may allocate and free
 * (OpenSSL 3 keeps an error's data in a block of its own). */
static void attempt_at(const struct st_sweep_call *c, unsigned long k,
                       struct outcome *o)
{
    o->live = -st_be_live();
    st_be_census(&o->before);
    st_be_err_aside();
    o->r = c->prepare != NULL ? c->prepare(c->arg) : 0;
    o->hit = false;
    if (o->r == 0) {
        if (k > 0)
            st_be_alloc_fail_arm(k);
        o->r = c->attempt(c->arg);
        o->hit = k > 0 && st_be_alloc_fail_disarm();
        if (c->release != NULL)
            c->release(c->arg);
    }
    o->raised = st_be_err_restore(o->why, sizeof(o->why));
    st_be_census(&o->after);
    o->live += st_be_live();
}

/* Make the call once with every allocation granted, its result undone or,
 * for a call that replaces, kept (see the top of the file).  |own|: the
 * first of a call that replaces, whose effect is the statement's own (not
 * the sweep's residue). */
static void warm_up(const struct st_sweep_call *c, bool own,
                    struct st_sweep_result *res)
{
    struct outcome o;

    attempt_at(c, 0, &o);
    if (!own)
        res->residue += o.live;
}

bool st_sweep_call(const struct st_sweep_call *c, struct st_sweep_result *res)
{
    bool adds = c->how == ST_SWEEP_ADDS, replaces = c->how == ST_SWEEP_REPLACES;
    struct outcome o;
    char diff[200], what[360];

    if (!adds && (replaces || !(st_be_features() & ST_FEAT_INTROSPECTION)))
        warm_up(c, replaces, res);
    for (unsigned long k = 1;; k++) {
        if (k > ST_SWEEP_MAX_ATTEMPTS) {
            snprintf(what, sizeof(what), "still allocating after %d "
                     "attempts", ST_SWEEP_MAX_ATTEMPTS);
            found(res, "statement", c, k, what);
            return false;
        }
        attempt_at(c, k, &o);
        if (o.r < 0)
            return false;       /* not this backend's: the statement says */
        /* What a call that adds made when it succeeded is the statement's
         * own; anything else an attempt left is the sweep's. */
        if (!(adds && o.r == 1))
            res->residue += o.live;
        /* Every allocation granted: the sweep of this call is done.  A
         * call that adds was made by it (see sweep.h). */
        if (!o.hit)
            return adds && o.r == 1;
        res->attempts++;
        if (o.r == 0 && !o.raised) {
            found(res, "statement", c, k, "failed with no reason on the "
                  "error stack");
            return false;
        }
        /* A call that adds and succeeded has added: nothing to compare
         * with, and it is the statement's own. */
        if (adds && o.r == 1)
            return true;
        if (!st_be_census_diff(&o.before, &o.after, diff, sizeof(diff)))
            continue;
        /* A difference once may be state the library makes on the first
         * run of a path and keeps (OpenSSL 3 does on some error paths); a
         * leak comes again.  So the same attempt once more, from the same
         * objects: a call that replaces is made again first (the attempt
         * may have dropped the object's value: then the repeat drops it
         * again). */
        if (replaces)
            warm_up(c, false, res);
        attempt_at(c, k, &o);
        if (!(adds && o.r == 1))
            res->residue += o.live;
        if (o.r < 0 || !o.hit ||
            !st_be_census_diff(&o.before, &o.after, diff, sizeof(diff)))
            continue;
        if (o.r == 0)
            snprintf(what, sizeof(what), "failed (%s), and what is live "
                     "changed: %s", o.why, diff);
        else
            snprintf(what, sizeof(what), "succeeded, and with its result "
                     "%s, what is live changed: %s",
                     replaces ? "applied" : "undone", diff);
        found(res, "leak", c, k, what);
        return false;
    }
}

void st_sweep_stmt(const struct st_scenario *sc, const struct st_stmt *st,
                   size_t key, void *const *slots, struct st_sweep_result *res)
{
    struct stmt_call sc_call = { .sc = sc, .st = st, .slots = slots,
                                 .key = key };
    struct st_sweep_call c = { .attempt = stmt_attempt, .arg = &sc_call };
    struct hs_call hs = { .st = st };
    struct pair_call pc = { .st = st };
    char name[160];

    memset(res, 0, sizeof(*res));
    if (!st_sweep_applies(st) || !st_be_alloc_fail_available() ||
        (st->op == ST_OP_SET && key >= st->nsettings))
        return;
    c.name = name;
    if (st->op == ST_OP_HANDSHAKE) {
        hs.ssl = slots[st->a];
        c = (struct st_sweep_call){ .attempt = hs_attempt, .arg = &hs,
                                    .prepare = hs_prepare,
                                    .release = hs_release, .name = name };
    }
    if (st->op == ST_OP_PAIR) {
        pc.a = slots[st->a];
        pc.b = slots[st->b];
        c = (struct st_sweep_call){ .attempt = pair_attempt, .arg = &pc,
                                    .prepare = pair_prepare,
                                    .release = pair_release, .name = name };
    }
    if (st->op == ST_OP_SET && st->nsettings > 1)
        snprintf(name, sizeof(name), "`%.100s` (its %s)", st->text,
                 st_key_name(st->settings[key].key));
    else
        snprintf(name, sizeof(name), "`%.140s`", st->text);
    if (st->op == ST_OP_SET)
        c.how = st_sweep_key_adds(st->settings[key].key) ? ST_SWEEP_ADDS
                                                         : ST_SWEEP_REPLACES;
    res->applied = st_sweep_call(&c, res);
}
