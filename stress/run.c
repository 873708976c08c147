/* The runner: the iteration loop and the statements.  See runner.h for the
 * contract.  What it leans on: workers.h (the threads, the gate, the start
 * rendezvous), outcome.h (expectations and the outcome histogram),
 * detector.h (a sanitizer's or Valgrind's reports), failure.h (what a
 * failing iteration keeps).
 *
 * Threads and ordering
 *   Thread 0 is the caller (the "leader"); threads 1..n-1 are workers
 *   created once per run (workers.h).  Per iteration the leader runs
 *   `setup`, opens the gate, runs its own block, joins the gate, then runs
 *   `check`.  The gate (barrier.h) orders the leader's setup before every
 *   worker's block and every worker's block before the leader's check, so
 *   the run's plain arrays (slots, observations, per-thread failure
 *   records) need no other synchronisation: during the threads phase each
 *   thread writes only the slots it creates and its own record.  The
 *   scenario's own objects are the experiment: racing on them is the
 *   point.
 *
 * Hot path: when nothing fails an iteration makes no allocation and no
 * system call (the gate sleeps on a futex only when a thread must wait).
 * Strings are made only for failures and new outcome rows.
 *
 * Controlled mode (o->sched, controlled.h) reuses all of this: the same
 * threads, gate, statements and checks.  The controller takes over through
 * the statement hook (installed by st_ctl_install; exec() is unchanged),
 * one call at the end of each block (st_ctl_finish), and per iteration
 * (controlled_next / st_ctl_end, in a loop of its own); jitter and the
 * start rendezvous are off.  The free-running path pays two predictable
 * branches per block.  A replay's history (run_history) and --shrink
 * (shrink_here, or shrink_forked in a child of its own) are controlled
 * iterations too, none of them counted or kept. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "backend_inspect.h"
#include "barrier.h"
#include "detector.h"
#include "failure.h"
#include "measure.h"
#include "names.h"
#include "outcome.h"
#include "prng.h"
#include "sweep.h"
#include "workers.h"

#define KEEP_FAILURES_DEFAULT 8

/* ---- run state ------------------------------------------------------------- */

struct run;

#define ROLE_SERVER 1u          /* takes the server role in a handshake */
#define ROLE_SET 2u             /* chosen by `connect`/`accept` */
#define ROLE_OWN 4u             /* a new object (SSL_new, or a dup that
                                   copied): its role and peer are its own,
                                   never those of another name that held
                                   the same address (freed, then reused) */

struct thr {
    struct run *r;
    unsigned idx;
    const struct st_block *blk;
    struct st_prng prng;
    unsigned pos;
    atomic_uint *shpos;
    /* This iteration's first problem, if any (written by this thread only). */
    bool failed;
    bool aborted;
    const char *kind;
    const struct st_stmt *where;
    size_t fail_step;           /* controlled: the trace step (controlled.h) */
    char msg[320];
    char pad[64];
};

struct run {
    /* Read by every thread, written only before the workers start (or
     * between iterations, published by the gate). */
    const struct st_scenario *sc;
    const struct st_opts *o;
    struct st_shared *sh;
    void **slot;
    uint64_t *ids;
    void **peer;
    unsigned char *server;      /* ROLE_* bits of each slot's object */
    /* [thread * nnames + slot]: the leader made the harness's peer of a
     * shared SSL before the threads started (prepare_peers), and that
     * thread's first `handshake` still chooses its role.  Written by the
     * leader before the gate, then by that thread alone. */
    unsigned char *early;
    struct st_val *obs;
    struct thr *thr;
    unsigned nthr;
    bool uses_leaks, uses_freed, uses_errors, detect_live;
    bool expects_no_leaks;      /* an `expect leaks == 0`: end_leaks() */
    unsigned jitter_max;
    /* Controlled mode (controlled.h); NULL when free-running. */
    struct st_ctl *ctl;
    bool meet;                  /* the start rendezvous: free-running, 2+
                                   threads */
    /* The leader's, written every iteration: on lines of their own, so
     * that the workers' reads of the fields above do not miss each time. */
    _Alignas(64) uint64_t iteration;
    long long live_base, live_ssl_base;
    struct st_be_detect det_base;
    /* Timing aids the threads of an iteration all write: one line. */
    _Alignas(64) atomic_uint finished;  /* threads done this iteration */
    atomic_bool no_overlap;     /* a thread started after one finished */
    _Alignas(64) struct st_workers w;   /* workers.h */
    struct st_shared local_sh;
    struct thr leader_setup, leader_check, leader_global;
    struct st_hist hist;        /* outcome.h */
    struct st_result *res;
    bool stop;                  /* max failures reached or a hard error */
    bool error;
    bool unsupported;           /* a setting the backend lacks: skip */
    char error_msg[320];
    bool unkept;                /* shrink and history runs: nothing is
                                   kept (run_history, controlled_end) */
    bool global_fresh;          /* controlled: `global` ran for this one */
    /* `alloc_failures sweep` (sweep.h): sweep setup's statements in the
     * first iteration this run executes (sweep_pending until it ran);
     * sweeping while setup runs it (off again after a finding, and in a
     * repeat's later rounds). */
    bool sweep_pending, sweeping;
    const char *last_kind;      /* this iteration's failure, if any */
    size_t last_step;
};

/* ---- scenario analysis ------------------------------------------------------ */

static void scan_expr(const struct st_expr *e, unsigned *needs,
                      struct run *r)
{
    switch (e->kind) {
    case ST_E_REFS:
        *needs |= ST_FEAT_INTROSPECTION;
        break;
    case ST_E_FREED:
        *needs |= ST_FEAT_INTROSPECTION;
        if (r != NULL)
            r->uses_freed = true;
        break;
    case ST_E_LEAKS:
        if (r != NULL)
            r->uses_leaks = true;
        break;
    case ST_E_ERRORS:
        if (r != NULL)
            r->uses_errors = true;
        break;
    case ST_E_NEGOTIATED:       /* against the harness's peer */
        *needs |= ST_FEAT_HANDSHAKE;
        break;
    default:
        break;
    }
}

static void scan_stmts(const struct st_stmt *st, size_t n, unsigned *needs,
                       struct run *r)
{
    for (size_t i = 0; i < n; i++) {
        if (st[i].op == ST_OP_HANDSHAKE || st[i].op == ST_OP_PAIR ||
            st[i].op == ST_OP_READ)
            *needs |= ST_FEAT_HANDSHAKE;
        if (st[i].op == ST_OP_EXPECT || st[i].op == ST_OP_OBSERVE)
            scan_expr(&st[i].expr, needs, r);
        if (r != NULL && st[i].op == ST_OP_EXPECT &&
            st[i].expr.kind == ST_E_LEAKS && st[i].expr.has_cmp &&
            !st[i].expr.negate && st[i].expr.num == 0)
            r->expects_no_leaks = true;
        if (st[i].op == ST_OP_REPEAT)
            scan_stmts(st[i].body, st[i].nbody, needs, r);
    }
}

static unsigned scan(const struct st_scenario *sc, struct run *r)
{
    unsigned needs = sc->requires;

    if (sc->has_global)
        scan_stmts(sc->global.stmts, sc->global.nstmts, &needs, r);
    if (sc->has_setup)
        scan_stmts(sc->setup.stmts, sc->setup.nstmts, &needs, r);
    if (sc->has_check)
        scan_stmts(sc->check.stmts, sc->check.nstmts, &needs, r);
    for (size_t i = 0; i < sc->nthreads; i++)
        scan_stmts(sc->threads[i].stmts, sc->threads[i].nstmts, &needs, r);
    return needs;
}

unsigned st_scenario_needs(const struct st_scenario *sc)
{
    return scan(sc, NULL);
}

/* The first statement of |st| (in file order, into repeats) the backend
 * cannot run: its reason in why, or NULL. */
static const char *stmts_lack(const struct st_scenario *sc,
                              const struct st_stmt *st, size_t n, char *why,
                              size_t len)
{
    for (size_t i = 0; i < n; i++) {
        const char *r = st[i].op == ST_OP_REPEAT
                        ? stmts_lack(sc, st[i].body, st[i].nbody, why, len)
                        : st_be_stmt_lacks(sc, &st[i], why, len);

        if (r != NULL)
            return r;
    }
    return NULL;
}

const char *st_scenario_lacks(const struct st_scenario *sc, char *why,
                              size_t len)
{
    const struct st_block *b[] = { &sc->global, &sc->setup };
    const char *r = st_be_missing(st_scenario_needs(sc));

    if (r != NULL)
        return r;
    for (size_t i = 0; i < 2; i++)
        if ((r = stmts_lack(sc, b[i]->stmts, b[i]->nstmts, why, len)) != NULL)
            return r;
    for (size_t i = 0; i < sc->nthreads; i++)
        if ((r = stmts_lack(sc, sc->threads[i].stmts, sc->threads[i].nstmts,
                            why, len)) != NULL)
            return r;
    return stmts_lack(sc, sc->check.stmts, sc->check.nstmts, why, len);
}

/* ---- failures ---------------------------------------------------------------- */

/* Record the first problem of this iteration in thread |t|. */
static void fail(struct thr *t, const char *kind, const struct st_stmt *where,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(struct thr *t, const char *kind, const struct st_stmt *where,
                 const char *fmt, ...)
{
    va_list ap;

    if (t->failed)
        return;
    t->failed = true;
    t->kind = kind;
    t->where = where;
    if (t->r->ctl != NULL)
        t->fail_step = st_ctl_fail_step(t->r->ctl, st_current_thread);
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
    va_end(ap);
}

static char *xstrdup(const char *s)
{
    return s == NULL ? NULL : strdup(s);
}

/* Keep this iteration's failure, |t|'s, unless the limit is kept already
 * (or this is a shrink run): failure.h builds it. */
static void keep_failure(struct run *r, struct thr *t)
{
    struct st_result *res = r->res;
    unsigned keep = r->o->keep_failures ? r->o->keep_failures
                                        : KEEP_FAILURES_DEFAULT;
    unsigned pos[ST_MAX_THREADS];
    struct st_failure *f;

    if (res->nfailures >= keep || r->unkept)
        return;
    if ((f = st_failure_add(res, r->o, r->iteration, t->kind,
                            t->msg)) == NULL)
        return;
    for (unsigned i = 0; i < r->nthr; i++)
        pos[i] = r->thr[i].pos;
    /* What ENOMEM leaves out is left out; the failure stays. */
    (void)st_failure_at(f, r->sc, t->where);
    (void)st_failure_threads(f, r->sc, pos);
    if (r->ctl != NULL)
        st_ctl_fill_failure(r->ctl, f, t->fail_step, t->msg);
    (void)st_failure_replay(f, r->sc, r->o);
}

/* ---- expressions --------------------------------------------------------------- */

static enum st_type slot_type(const struct run *r, int slot)
{
    return r->sc->names[slot].type;
}

static const char *slot_name(const struct run *r, int slot)
{
    return slot >= 0 ? r->sc->names[slot].shown : "?";   /* "A.d" where ambiguous */
}

/* What `expect` and `observe` read (outcome.h). */
/* ---- statements -------------------------------------------------------------- */

static void jitter(struct thr *t, unsigned max)
{
    unsigned n = st_prng_below(&t->prng, max);

    for (unsigned i = 0; i < n; i++)
        st_cpu_relax();
}

/* Slots another slot's lookup may read now: during the threads phase a
 * thread reads only the slots of global/setup/check and its own (the others
 * are being written by their threads). */
static bool slot_visible(const struct run *r, size_t i)
{
    int owner = r->sc->names[i].owner;

    return st_current_thread < 0 || owner < 0 || owner == st_current_thread;
}

static bool role_server(const struct run *r, int slot, void *obj)
{
    if (r->server[slot] & ROLE_SERVER)
        return true;
    if (r->server[slot] & ROLE_OWN)
        return false;
    /* A dup that returned the same handle shares its source's role. */
    for (size_t i = 0; i < r->sc->nnames; i++)
        if (slot_visible(r, i) && r->slot[i] == obj &&
            (r->server[i] & ROLE_SERVER))
            return true;
    return false;
}

static void **peer_of(struct run *r, int slot, void *obj)
{
    if (r->peer[slot] == NULL && !(r->server[slot] & ROLE_OWN))
        for (size_t i = 0; i < r->sc->nnames; i++)
            if (slot_visible(r, i) && r->slot[i] == obj &&
                r->peer[i] != NULL)
                return &r->peer[i];
    return &r->peer[slot];
}

/* What |e| reads: the objects, and for `negotiated S` S's harness peer
 * (none for an SSL driven by `pair`, or cleared since its handshake). */
static struct st_objects expr_objects(struct run *r, const struct st_expr *e)
{
    struct st_objects ob = { .sc = r->sc, .slot = r->slot, .ids = r->ids,
                             .live_base = r->live_base };

    if (e->kind == ST_E_NEGOTIATED && r->slot[e->a] != NULL)
        ob.peer = *peer_of(r, e->a, r->slot[e->a]);
    return ob;
}

/* The harness's peer of a shared SSL (made in setup or global) that a
 * thread handshakes with it, made by the leader before the threads start.
 * Making the peer gives the SSL its BIOs (SSL_set_bio) and, for a server
 * without a certificate, the test certificate and key: setters, which
 * another thread's SSL_dup or SSL_get1_session of that SSL, racing the
 * handshake as the contract allows, must not race.  Only where the
 * handshake is the first statement of its thread to name the SSL (one
 * named before runs in the order written, as before); the role is still
 * chosen by the handshake, in its thread, as SSL_connect/SSL_accept
 * choose it.  A peer that cannot be made now is made by the handshake,
 * which then fails saying why. */
static void prepare_peers(struct run *r)
{
    const struct st_scenario *sc = r->sc;

    memset(r->early, 0, sc->nnames * (r->nthr ? r->nthr : 1));
    for (unsigned t = 0; t < r->nthr; t++) {
        const struct st_block *b = &sc->threads[t];

        for (size_t i = 0; i < b->nstmts; i++) {
            const struct st_stmt *s = &b->stmts[i];
            int owner;
            void *a, **peer;
            bool server;

            if (s->op != ST_OP_HANDSHAKE || s->pair || s->a < 0)
                continue;
            owner = sc->names[s->a].owner;
            if ((owner != ST_OWNER_SETUP && owner != ST_OWNER_GLOBAL) ||
                (a = r->slot[s->a]) == NULL ||
                st_stmts_name(b->stmts, i, s->a))
                continue;
            peer = peer_of(r, s->a, a);
            if (*peer != NULL)
                continue;
            server = s->as != ST_AS_ANY ? s->as == ST_AS_SERVER
                     : (r->server[s->a] & ROLE_SET)
                     ? (r->server[s->a] & ROLE_SERVER) != 0
                     : role_server(r, s->a, a);
            if (st_be_peer_prepare(peer, a, server, !s->no_resume) == 0)
                r->early[t * sc->nnames + s->a] = 1;
            else
                st_be_clear_errors();   /* the handshake tries again */
        }
    }
}

/* Slots the running thread may write: its own, or every slot outside the
 * threads phase. */
static bool slot_mine(const struct run *r, size_t i)
{
    return st_current_thread < 0 || r->sc->names[i].owner == st_current_thread;
}

/* `dst` is about to hold `o` (new or dup; `fresh`: a new object).  The
 * harness peer of the object dst held before must not be lost: it stays
 * when dst gets that same connection again, moves to another slot of ours
 * that still holds the object, and is freed otherwise (the object is gone,
 * e.g. the previous round of a `repeat`). */
static void keep_or_free_peer(struct run *r, int dst, void *o, bool fresh)
{
    void *p = r->peer[dst], *old = r->slot[dst];

    r->peer[dst] = NULL;
    if (p == NULL)
        return;
    if (!fresh && old == o) {
        r->peer[dst] = p;
        return;
    }
    for (size_t i = 0; i < r->sc->nnames; i++)
        if ((int)i != dst && slot_mine(r, i) && r->slot[i] == old &&
            r->peer[i] == NULL) {
            r->peer[i] = p;
            return;
        }
    st_be_peer_free(p);
}

static void created(struct run *r, int dst, void *obj)
{
    r->slot[dst] = obj;
    if (r->uses_freed && obj != NULL)
        r->ids[dst] = st_be_id(slot_type(r, dst), obj);
}

/* `alloc_failures sweep`: sweep statement |s| of setup (its setting
 * |key|, for a `set`) before it runs (sweep.h).  A finding fails the
 * iteration at |s| and ends the sweep; the statement then runs as ever.
 * True when the sweep applied the setting (one that adds): the statement
 * must not set it again. */
static bool sweep(struct run *r, struct thr *t, const struct st_stmt *s,
                  size_t key)
{
    struct st_sweep_result res;

    st_sweep_stmt(r->sc, s, key, r->slot, &res);
    /* What the sweep left is not the scenario's to count. */
    r->live_base += res.residue;
    if (res.found) {
        fail(t, res.kind, s, "%s", res.msg);
        r->sweeping = false;
    }
    return res.applied;
}

static int exec(struct run *r, struct thr *t, const struct st_stmt *st,
                size_t n);

/* ---- the two ends of a BIO pair -------------------------------------------
 *
 * `pair A B` joins two of the scenario's SSLs; `handshake S peer=pair` and
 * `read S` drive one end, a backend call at a time, and wait between calls
 * for whatever drives the other end (another thread, as a rule) to read or
 * write.  The wait spins, then yields, and gives up when nothing arrives
 * for half the iteration's watchdog limit: the statement then fails saying
 * so, before the watchdog would kill the iteration. */

/* Choose |slot|'s role as `handshake` would (connect/accept, else its
 * SSL_CTX's method) unless a `connect`/`accept` chose it. */
static void pair_role(struct run *r, int slot)
{
    void *o = r->slot[slot];

    if (r->server[slot] & ROLE_SET)
        return;
    if (role_server(r, slot, o)) {
        st_be_accept(o);
        r->server[slot] |= ROLE_SET | ROLE_SERVER;
    } else {
        st_be_connect(o);
        r->server[slot] |= ROLE_SET;
    }
}

/* Waits until |ssl|'s half can serve |want|: 0, or -ETIMEDOUT.  Under a
 * controlled schedule a scenario thread that finds nothing waits in the
 * scheduler instead (st_ctl_wait), so the other end gets its turn; one
 * that never could is the scheduler's deadlock, not a timeout. */
static int pair_wait(const struct run *r, const struct thr *t, void *ssl,
                     enum st_be_io want)
{
    double limit = (r->sc->timeout_ms > 0 ? (double)r->sc->timeout_ms
                                           : 10000.0)
                   * st_timeout_multiplier() / 2000.0;
    double start = 0;
    bool controlled = r->ctl != NULL && st_current_thread >= 0;

    for (unsigned spins = 0;; spins++) {
        uint64_t seen = controlled ? st_ctl_others(r->ctl, t->idx) : 0;

        if (st_be_pair_ready(ssl, want))
            return 0;
        if (controlled) {
            /* The first wait follows the library call that stopped, which
             * may have written what the other end waits for. */
            st_ctl_wait(r->ctl, t->idx, seen, spins == 0, "bio_pair.wait");
            continue;
        }
        if (spins < 64) {
            st_cpu_relax();
            continue;
        }
        if (spins == 64)
            start = st_now_s();
        else if ((spins & 63) == 0 && st_now_s() - start > limit)
            return -ETIMEDOUT;
        sched_yield();
    }
}

/* `handshake S peer=pair ...` or `read S`: 0, -EIO (the library failed,
 * reason on the stack) or -ETIMEDOUT (the other end went silent). */
static int pair_drive(const struct run *r, const struct thr *t,
                      const struct st_stmt *s, void *ssl)
{
    long long calls = 0;

    for (;;) {
        enum st_be_io io;
        int e;

        if (s->op == ST_OP_READ) {
            io = st_be_pair_read(ssl);
        } else {
            if (s->n > 0 && calls >= s->n)
                return 0;               /* steps=N: as far as N calls go */
            io = st_be_pair_handshake(ssl);
            calls++;
            if (io != ST_IO_FAILED && s->until == ST_HS_MID &&
                st_be_state(ssl) != ST_HS_BEFORE)
                return 0;
        }
        switch (io) {
        case ST_IO_DONE:
            if (s->op == ST_OP_HANDSHAKE && s->until == ST_HS_SHUTDOWN)
                return st_be_shutdown(ssl);
            return 0;
        case ST_IO_AGAIN:
            break;
        case ST_IO_FAILED:
            return -EIO;
        case ST_IO_WANT_READ:
        case ST_IO_WANT_WRITE:
            if ((e = pair_wait(r, t, ssl, io)) != 0)
                return e;
            break;
        }
    }
}

/* A `pair`, `read` or `handshake ... peer=pair` that returned |e|: the
 * statement's failure, with the library's reason or the silence. */
static int pair_failed(struct thr *t, const struct st_stmt *s, int e)
{
    char err[256];

    if (e == -ETIMEDOUT)
        fail(t, "statement", s, "%s failed: no progress: nothing came from "
             "the other end of its BIO pair", s->text);
    else {
        st_be_last_error(err, sizeof(err));
        fail(t, "statement", s, "%s failed: %s", s->text, err);
    }
    t->aborted = true;
    return -1;
}

/* The statements exec_one sweeps itself, at the point where the sweep
 * must see them: `set` key by key, `handshake` and `pair` once the roles
 * are chosen.  The others are swept before they run. */
static bool swept_by_exec(enum st_op op)
{
    return op == ST_OP_SET || op == ST_OP_HANDSHAKE || op == ST_OP_PAIR;
}

static int exec_one(struct run *r, struct thr *t, const struct st_stmt *s)
{
    char why[320], err[256];
    void *a = s->a >= 0 ? r->slot[s->a] : NULL;
    enum st_type made;
    void *o;
    int e;

    switch (s->op) {
    case ST_OP_CTX:
        if ((o = st_be_make(r->sc, s, r->slot, &made)) == NULL)
            goto failed;
        r->server[s->dst] = s->method == ST_METHOD_SERVER ? ROLE_SERVER : 0;
        created(r, s->dst, o);
        return 0;
    case ST_OP_NEW:
        if ((o = st_be_make(r->sc, s, r->slot, &made)) == NULL)
            goto failed;
        keep_or_free_peer(r, s->dst, o, true);
        r->server[s->dst] = (r->server[s->a] & ROLE_SERVER) | ROLE_OWN;
        created(r, s->dst, o);
        return 0;
    case ST_OP_DUP:
        if ((o = st_be_make(r->sc, s, r->slot, &made)) == NULL)
            goto failed;
        keep_or_free_peer(r, s->dst, o, o != a);
        /* A copy is its own connection; the same handle shares a's. */
        r->server[s->dst] = o != a ? r->server[s->a] | ROLE_OWN
                                   : r->server[s->a] & ~ROLE_OWN;
        created(r, s->dst, o);
        return 0;
    case ST_OP_SESSION:
    case ST_OP_CERT:
    case ST_OP_PKEY:
    case ST_OP_KEY:
        if ((o = st_be_make(r->sc, s, r->slot, &made)) == NULL)
            goto failed;
        created(r, s->dst, o);
        return 0;
    case ST_OP_GET1_SESSION:
        /* NULL is a valid answer: no session yet.  `free` accepts it. */
        created(r, s->dst, st_be_get1_session(a));
        return 0;
    case ST_OP_ADD_SESSION:
        return st_be_add_session(a, r->slot[s->b]) == 0 ? 0 : -1;
    case ST_OP_REMOVE_SESSION:
        st_be_remove_session(a, r->slot[s->b]);
        return 0;
    case ST_OP_FLUSH_SESSIONS:
        st_be_flush_sessions(a);
        return 0;
    case ST_OP_EX_INDEX:
        if (st_be_ex_index(s->otype) != 0)
            goto failed;
        return 0;
    case ST_OP_UP_REF:
        if (st_be_up_ref(slot_type(r, s->a), a) != 0)
            goto failed;
        return 0;
    case ST_OP_FREE:
        st_be_free(slot_type(r, s->a), a);
        return 0;
    case ST_OP_CONNECT:
        r->server[s->a] = (r->server[s->a] & ROLE_OWN) | ROLE_SET;
        return st_be_connect(a) == 0 ? 0 : -1;
    case ST_OP_ACCEPT:
        r->server[s->a] = (r->server[s->a] & ROLE_OWN) | ROLE_SET |
                          ROLE_SERVER;
        return st_be_accept(a) == 0 ? 0 : -1;
    case ST_OP_CLEAR: {
        void **peer = peer_of(r, s->a, a);

        if (st_be_clear(a) != 0)
            goto failed;
        /* The connection is over: the next handshake talks to a new peer
         * (which sets new BIOs over the ones the SSL kept). */
        st_be_peer_free(*peer);
        *peer = NULL;
        return 0;
    }
    case ST_OP_PAIR:
        pair_role(r, s->a);
        pair_role(r, s->b);
        /* Swept once the roles are chosen, on copies (sweep.h). */
        if (r->sweeping)
            (void)sweep(r, t, s, 0);
        e = st_be_pair(a, r->slot[s->b], s->via_mem);
        if (e == -EINVAL) {
            fail(t, "statement", s, "%s failed: both SSLs play the %s "
                 "(`accept` one, `connect` the other)", s->text,
                 r->server[s->a] & ROLE_SERVER ? "server" : "client");
            t->aborted = true;
            return -1;
        }
        return e == 0 ? 0 : pair_failed(t, s, e);
    case ST_OP_READ:
        e = pair_drive(r, t, s, a);
        if (e == 0 && !r->uses_errors)
            st_be_clear_errors();       /* an unexpected EOF's reason */
        return e == 0 ? 0 : pair_failed(t, s, e);
    case ST_OP_HANDSHAKE: {
        void **peer = peer_of(r, s->a, a);

        if (s->pair) {
            e = pair_drive(r, t, s, a);
            if (s->must_fail) {
                if (e == 0)
                    fail(t, "statement", s, "%s: the handshake did not "
                         "fail", s->text);
                else if (!r->uses_errors)
                    st_be_clear_errors();
                return 0;
            }
            return e == 0 ? 0 : pair_failed(t, s, e);
        }

        /* Choose the role from the SSL_CTX's method unless a `connect` or
         * `accept` statement chose it: at the first handshake, whose peer
         * is new, or was made early for it (prepare_peers). */
        unsigned char *early = &r->early[t->idx * r->sc->nnames + s->a];
        bool first = *peer == NULL || *early;

        *early = 0;
        if (first && !(r->server[s->a] & ROLE_SET)) {
            if (role_server(r, s->a, a))
                st_be_accept(a);
            else
                st_be_connect(a);
        }
        /* Swept once its role is chosen, on a copy of S with a peer of
         * its own: only a new connection (no peer yet) of an SSL in its
         * initial state, which SSL_dup copies (sweep.h). */
        if (r->sweeping && *peer == NULL && st_sweep_applies(s) &&
            st_be_state(a) == ST_HS_BEFORE)
            (void)sweep(r, t, s, 0);
        struct st_hs_opts ho = { .until = s->until, .steps = s->n,
                                 .as = s->as, .no_resume = s->no_resume };

        e = st_be_handshake(peer, a, &ho);
        /* result=fail: the failure is the expected outcome, its reason
         * stays on the error stack for `errors`. */
        if (s->must_fail) {
            if (e == 0)
                fail(t, "statement", s, "%s: the handshake did not fail",
                     s->text);
            else if (!r->uses_errors)
                st_be_clear_errors();
            return 0;
        }
        if (e != 0)
            goto failed;
        return 0;
    }
    case ST_OP_SET:
        for (size_t i = 0; i < s->nsettings; i++) {
            /* Each key swept just before it is set, on the object as the
             * keys before it left it; one the sweep set is set. */
            if (r->sweeping && sweep(r, t, s, i))
                continue;
            e = st_be_set(slot_type(r, s->a), a, &s->settings[i], r->slot);
            if (e == -ENOTSUP) {
                fail(t, "error", s, "set %s %s=...: the %s backend cannot "
                     "set this on this object", slot_name(r, s->a),
                     st_key_name(s->settings[i].key), st_be_name());
                t->aborted = true;
                r->unsupported = true;
                return -1;
            }
            /* A scenario that reads the error stack expects setters to
             * fail: the reason stays on the stack for `errors`. */
            if (e != 0 && !r->uses_errors) {
                st_be_last_error(err, sizeof(err));
                fail(t, "statement", s, "%s failed: %s", s->text, err);
                t->aborted = true;
                return -1;
            }
        }
        return 0;
    case ST_OP_EXPECT: {
        struct st_objects ob = expr_objects(r, &s->expr);

        if (!st_eval_expect(&ob, &s->expr, why, sizeof(why)))
            fail(t, "expect", s, "%s: %s", s->text,
                 why[0] ? why : "false");
        return 0;
    }
    case ST_OP_OBSERVE: {
        int li = st_label_index(r->sc, s->label);
        struct st_objects ob = expr_objects(r, &s->expr);
        struct st_val v = st_eval_observe(&ob, &s->expr, why, sizeof(why));

        if (li >= 0)
            r->obs[li] = v;
        return 0;
    }
    case ST_OP_SPIN:
        for (long long i = 0; i < s->n; i++)
            st_cpu_relax();
        return 0;
    case ST_OP_REPEAT: {
        /* The sweep takes a repeat's first round only.  r->sweeping is
         * written only while it is on, in setup's one thread: a repeat of
         * a thread block, which runs beside others, only reads it. */
        bool sweeping = r->sweeping;

        e = 0;
        for (long long i = 0; i < s->n && e == 0; i++) {
            e = exec(r, t, s->body, s->nbody);
            if (i == 0 && sweeping) {
                sweeping = r->sweeping;     /* a finding ends it */
                r->sweeping = false;
            }
        }
        if (sweeping)
            r->sweeping = true;
        return e != 0 ? -1 : 0;
    }
    }
    return 0;
 failed:
    st_be_last_error(err, sizeof(err));
    fail(t, "statement", s, "%s failed: %s", s->text, err);
    t->aborted = true;
    return -1;
}

static int exec(struct run *r, struct thr *t, const struct st_stmt *st,
                size_t n)
{
    for (size_t i = 0; i < n; i++) {
        t->pos++;
        if (t->shpos != NULL)
            /* relaxed: a position snapshot for the parent, see runner.h. */
            atomic_store_explicit(t->shpos, t->pos, memory_order_relaxed);
        if (r->jitter_max)
            jitter(t, r->jitter_max);
        if (st_stmt_hook != NULL)
            st_stmt_hook(r->iteration, st_current_thread, &st[i]);
        if (r->sweeping && !swept_by_exec(st[i].op) &&
            st_sweep_applies(&st[i]))
            (void)sweep(r, t, &st[i], 0);
        if (exec_one(r, t, &st[i]) != 0)
            return -1;
    }
    return 0;
}

static void thr_reset(struct thr *t)
{
    t->pos = 0;
    t->failed = false;
    t->aborted = false;
}

_Thread_local int st_current_thread = -1;
void (*st_stmt_hook)(uint64_t iteration, int thread,
                     const struct st_stmt *st);

/* One thread's block of the current iteration. */
static void run_block(struct run *r, struct thr *t)
{
    st_current_thread = (int)t->idx;
    thr_reset(t);
    if (t->shpos != NULL)
        atomic_store_explicit(t->shpos, 0, memory_order_relaxed);
    if (r->jitter_max) {
        st_prng_seed(&t->prng, r->o->seed, r->iteration, t->idx);
        jitter(t, r->jitter_max * 4);
    }
    if (r->uses_errors)
        st_be_clear_errors();
    if (r->meet)
        st_workers_meet(&r->w);
    /* The overlap statistic: did this thread start after another one had
     * finished?  Relaxed ON PURPOSE, both here and at the increment below:
     * an acquire load that reads a release increment is a happens-before
     * edge to ThreadSanitizer, so with seq_cst every iteration in which the
     * threads happened not to overlap would order one thread's statements
     * before the other's, and TSan would stay silent on exactly the races
     * this harness is for (measured: an `expect race` scenario went
     * unreported in all 50 of its non-overlapping iterations).  The
     * statistic is a hint: coherence makes a finish that is already
     * visible be seen, and that is all it needs. */
    if (r->nthr > 1 &&
        atomic_load_explicit(&r->finished, memory_order_relaxed) != 0)
        atomic_store_explicit(&r->no_overlap, true, memory_order_relaxed);
    exec(r, t, t->blk->stmts, t->blk->nstmts);
    /* A block's reasons are its own (each block starts with an empty
     * stack): dropped when it ends, so that the error queue's records
     * (allocations on OpenSSL) are not counted by `leaks`. */
    if (r->uses_errors)
        st_be_clear_errors();
    if (r->ctl != NULL)
        st_ctl_finish(r->ctl, t->idx);      /* hands the turn on */
    /* relaxed: see the load above. */
    atomic_fetch_add_explicit(&r->finished, 1, memory_order_relaxed);
    st_current_thread = -1;
}

/* A worker's block (workers.h calls it once per iteration). */
static void worker_block(void *arg, unsigned idx)
{
    struct run *r = arg;

    run_block(r, &r->thr[idx]);
    st_be_thread_done();
}

/* ---- the iteration loop -------------------------------------------------------- */

static void set_phase(struct run *r, enum st_phase p)
{
    /* relaxed: progress snapshot for the parent. */
    atomic_store_explicit(&r->sh->phase, (int)p, memory_order_relaxed);
}

static void free_peers(struct run *r)
{
    for (size_t i = 0; i < r->sc->nnames; i++)
        if (r->peer[i] != NULL) {
            st_be_peer_free(r->peer[i]);
            r->peer[i] = NULL;
        }
}

/* Returns true when the iteration failed.  Always inlined: the free-running
 * loop is the hot path, and a second caller (controlled mode) would
 * otherwise make the compiler call it out of line there. */
static inline __attribute__((always_inline)) bool iteration(struct run *r)
{
    const struct st_scenario *sc = r->sc;
    struct thr *bad = NULL;
    const struct st_hist_row *row;
    bool ran_threads = false;

    atomic_store_explicit(&r->sh->iteration, r->iteration,
                          memory_order_relaxed);
    for (size_t i = 0; i < sc->nlabels; i++)
        r->obs[i] = st_val_word(ST_W_UNSET);
    if (r->uses_leaks)
        r->live_base = st_be_live();
    if (r->detect_live)
        r->live_ssl_base = st_be_live_ssl();
    if (r->uses_errors)
        st_be_clear_errors();
    /* Names made per iteration start empty: a handle freed in an earlier
     * iteration must not match a new object that reuses its address
     * (role_server, peer_of compare handles). */
    for (size_t i = 0; i < sc->nnames; i++)
        if (sc->names[i].owner != ST_OWNER_GLOBAL) {
            r->slot[i] = NULL;
            r->server[i] = 0;
        }
    thr_reset(&r->leader_setup);
    thr_reset(&r->leader_check);
    /* Each thread resets its own record in run_block: a reset here would
     * only move the workers' lines to the leader and back. */
    if (sc->has_setup) {
        /* Written only when it changes: the workers read r->sweeping. */
        bool sweep_now = r->sweep_pending;

        set_phase(r, ST_PH_SETUP);
        if (sweep_now) {
            r->sweep_pending = false;
            r->sweeping = true;
        }
        exec(r, &r->leader_setup, sc->setup.stmts, sc->setup.nstmts);
        if (sweep_now)
            r->sweeping = false;
        if (r->uses_errors)
            st_be_clear_errors();       /* as at the end of run_block */
        if (r->leader_setup.failed)
            bad = &r->leader_setup;
    }
    if (!r->leader_setup.aborted) {
        prepare_peers(r);
        set_phase(r, ST_PH_THREADS);
        /* relaxed: published to the workers by the gate opening. */
        atomic_store_explicit(&r->finished, 0, memory_order_relaxed);
        atomic_store_explicit(&r->no_overlap, false, memory_order_relaxed);
        st_workers_open(&r->w);
        run_block(r, &r->thr[0]);
        st_workers_join(&r->w);
        ran_threads = true;
        if (atomic_load_explicit(&r->no_overlap, memory_order_relaxed))
            r->res->no_overlap++;
        for (unsigned i = 0; i < r->nthr && bad == NULL; i++)
            if (r->thr[i].failed)
                bad = &r->thr[i];
        for (unsigned i = 0; i < r->nthr; i++)
            if (r->thr[i].aborted)
                ran_threads = false;    /* do not trust the objects */
    }
    free_peers(r);      /* harness objects: not the check's to count */
    if (sc->has_check && ran_threads) {
        set_phase(r, ST_PH_CHECK);
        /* The leader also ran thread 0's block: `errors` in check sees
         * only check's own errors, as in every other block. */
        if (r->uses_errors)
            st_be_clear_errors();
        exec(r, &r->leader_check, sc->check.stmts, sc->check.nstmts);
        if (bad == NULL && r->leader_check.failed)
            bad = &r->leader_check;
    }
    free_peers(r);
    if (ran_threads && sc->nlabels > 0) {
        row = st_hist_count(&r->hist, r->obs);
        if (row != NULL && row->cls == ST_FORBIDDEN && bad == NULL) {
            char txt[256];

            st_hist_text(&r->hist, row, txt, sizeof(txt));
            bad = &r->leader_check;
            fail(bad, "outcome", NULL, "forbidden outcome: %s", txt);
        }
    }
    if (bad == NULL && ran_threads) {
        struct st_be_detect d;

        st_be_detectors(&d);
        if (d.quarantine_hits != r->det_base.quarantine_hits ||
            d.misuse != r->det_base.misuse) {
            bad = &r->leader_check;
            fail(bad, "detector", NULL, "minissl detector fired: %" PRIu64
                 " quarantine hit(s), %" PRIu64 " refcount misuse(s)",
                 d.quarantine_hits - r->det_base.quarantine_hits,
                 d.misuse - r->det_base.misuse);
        }
        r->det_base = d;
        if (bad == NULL && r->detect_live) {
            long long live = st_be_live_ssl() - r->live_ssl_base;

            if (live != 0) {
                bad = &r->leader_check;
                fail(bad, "leak", NULL, "%lld SSL object(s) created in the "
                     "iteration still live after it", live);
            }
        }
    }
    if (bad == NULL)
        return false;
    r->last_kind = bad->kind;
    r->last_step = bad->fail_step;
    keep_failure(r, bad);
    if (r->error || r->unsupported) {
        r->stop = true;
        snprintf(r->error_msg, sizeof(r->error_msg), "%s", bad->msg);
    }
    return true;
}

static void free_global(struct run *r)
{
    const struct st_scenario *sc = r->sc;

    /* Everything `global` created, newest first, one reference each. */
    for (size_t i = sc->nnames; i-- > 0;)
        if (sc->names[i].owner == ST_OWNER_GLOBAL && r->slot[i] != NULL) {
            st_be_free(sc->names[i].type, r->slot[i]);
            r->slot[i] = NULL;
        }
}

/* The failures kept so far (a skipped scenario reports none). */
static int result_head(const struct st_scenario *sc, const struct st_opts *o,
                       struct st_result *res)
{
    memset(res, 0, sizeof(*res));
    res->file = xstrdup(sc->path);
    res->name = xstrdup(sc->name);
    res->about = xstrdup(sc->about);
    res->backend = xstrdup(st_be_name());
    res->backend_version = xstrdup(st_be_version());
    res->seed = o->seed;
    res->jitter = xstrdup(st_jitter_name(o->jitter));
    res->schedule = xstrdup("free");
    res->nthreads = (unsigned)sc->nthreads;
    res->shard_index = o->shard_index;
    res->shard_count = o->shard_count > 0 ? o->shard_count : 1;
    if (res->file == NULL || res->name == NULL || res->backend == NULL ||
        res->backend_version == NULL || res->jitter == NULL ||
        res->schedule == NULL || (sc->about != NULL && res->about == NULL))
        return -ENOMEM;
    return 0;
}

int st_result_skip(const struct st_scenario *sc, const struct st_opts *o,
                   const char *reason, struct st_result *out)
{
    int e = result_head(sc, o, out);

    out->verdict = ST_SKIP;
    out->reason = xstrdup(reason);
    if (e == 0 && out->reason == NULL)
        e = -ENOMEM;
    if (e != 0) {
        st_result_free(out);
        memset(out, 0, sizeof(*out));
    }
    return e;
}

static void run_free(struct run *r)
{
    st_hist_free(&r->hist);
    free(r->slot);
    free(r->ids);
    free(r->peer);
    free(r->server);
    free(r->early);
    free(r->obs);
    free(r->thr);
}

static int run_alloc(struct run *r)
{
    const struct st_scenario *sc = r->sc;
    size_t nn = sc->nnames ? sc->nnames : 1;

    r->slot = calloc(nn, sizeof(*r->slot));
    r->ids = calloc(nn, sizeof(*r->ids));
    r->peer = calloc(nn, sizeof(*r->peer));
    r->server = calloc(nn, 1);
    r->early = calloc(nn * (r->nthr ? r->nthr : 1), 1);
    r->obs = calloc(sc->nlabels ? sc->nlabels : 1, sizeof(*r->obs));
    r->thr = calloc(r->nthr ? r->nthr : 1, sizeof(*r->thr));
    if (r->slot == NULL || r->ids == NULL || r->peer == NULL ||
        r->server == NULL || r->early == NULL || r->obs == NULL ||
        r->thr == NULL)
        return -ENOMEM;
    return 0;
}

/* Each thread's record, then the workers (workers.h). */
static int start_workers(struct run *r)
{
    for (unsigned i = 0; i < r->nthr; i++) {
        struct thr *t = &r->thr[i];

        t->r = r;
        t->idx = i;
        t->blk = &r->sc->threads[i];
        t->shpos = &r->sh->th[i].pos;
    }
    st_declare_atomic(&r->finished, sizeof(r->finished),
                      "overlap statistic: relaxed on purpose, see run_block");
    st_declare_atomic(&r->no_overlap, sizeof(r->no_overlap),
                      "overlap statistic: read after the gate join");
    return st_workers_start(&r->w, r->o->affinity, worker_block, r);
}

/* Controlled mode, before iteration |it|: false when the strategy is done
 * (or `global` failed).  Every schedule starts from the same objects, as a
 * stateless search and a replay in a fresh process need: `global` runs
 * again for each iteration after the first (what an earlier iteration did
 * to a global object, e.g. its session cache, cannot leak into the next).
 * What this process keeps beyond them (the harness's test material, the
 * library's process-wide state) is not reset: history.h. */
static bool controlled_next(struct run *r, uint64_t it)
{
    const struct st_scenario *sc = r->sc;

    if (!st_ctl_begin(r->ctl, it))
        return false;
    if (!sc->has_global)
        return true;
    if (!r->global_fresh) {
        r->global_fresh = true;         /* the first: global just ran */
        return true;
    }
    free_global(r);
    thr_reset(&r->leader_global);
    set_phase(r, ST_PH_GLOBAL);
    exec(r, &r->leader_global, sc->global.stmts, sc->global.nstmts);
    if (r->leader_global.failed) {
        r->error = true;
        snprintf(r->error_msg, sizeof(r->error_msg), "%s",
                 r->leader_global.msg);
        return false;
    }
    return true;
}

/* After iteration |it| ran (free-running or controlled): count it and a
 * failure, poll the detectors, and stop at --max-failures or, checked every
 * 64 iterations (|*count|), at the |deadline| (0: none).  The counts go to
 * r->sh with relaxed stores: a snapshot for the parent's progress line and
 * post-mortem (struct st_shared), ordered by nothing else. */
static void iteration_done(struct run *r, struct st_result *out, uint64_t it,
                           bool failed, double deadline, uint64_t *count)
{
    if (failed) {
        out->iterations_failed++;
        atomic_store_explicit(&r->sh->failed, out->iterations_failed,
                              memory_order_relaxed);
        if (r->o->max_failures > 0 &&
            out->iterations_failed >= r->o->max_failures)
            r->stop = true;
    }
    out->iterations_run++;
    st_detector_poll(r->sh, it);
    atomic_store_explicit(&r->sh->done, out->iterations_run,
                          memory_order_relaxed);
    if (deadline > 0 && (++*count & 63) == 0 && st_now_s() >= deadline)
        r->stop = true;
}

/* A scenario that expects `leaks == 0` and whose iterations all passed:
 * once its threads are stopped and `global` freed, the library must hold
 * nothing the harness does not (st_be_end_leaks).  Per iteration, `leaks`
 * counts objects; a reference forgotten on an object that outlives the
 * iteration anyway (the harness's certificate and key, which every SSL
 * shares) or a buffer forgotten inside a freed object shows only here.
 * Counted as a failure of the last iteration.  Free-running only: a
 * controlled run's leaks are the free-running run's. */
static void end_leaks(struct run *r, struct st_result *out)
{
    char what[200];
    long long n;

    if (!r->expects_no_leaks || r->ctl != NULL || r->error ||
        r->unsupported || out->iterations_run == 0 ||
        out->iterations_failed > 0)
        return;
    if ((n = st_be_end_leaks(what, sizeof(what))) <= 0)
        return;
    thr_reset(&r->leader_check);
    fail(&r->leader_check, "leak", NULL, "leaks == 0 after the scenario: "
         "once every object it made and the harness's own were freed, "
         "%lld still live (%s)", n, what);
    keep_failure(r, &r->leader_check);
    out->iterations_failed++;
}

/* Controlled mode: one iteration.  Its findings are the scenario's own
 * checks and minissl's detectors, as when free-running: a yield point's
 * NOTE only feeds the timeline. */
static __attribute__((noinline)) bool controlled_iteration(struct run *r)
{
    r->last_kind = NULL;
    return iteration(r);
}

/* Shrink and history runs are not the run's: their outcome counts are put
 * back afterwards (hist_save / hist_restore; rows they added are dropped).
 * NULL on ENOMEM. */
static uint64_t *hist_save(const struct run *r)
{
    size_t n = r->hist.nrows;
    uint64_t *counts = malloc((n ? n : 1) * sizeof(*counts));

    for (size_t i = 0; counts != NULL && i < n; i++)
        counts[i] = r->hist.rows[i].count;
    return counts;
}

static void hist_restore(struct run *r, uint64_t *counts, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++)
        r->hist.rows[i].count = counts[i];
    st_hist_truncate(&r->hist, nrows);
    free(counts);
}

/* Controlled replay with a history (o->history, history.h): before the
 * replayed schedule, run the iterations the original process ran before
 * it, with the original strategy and seed, so that the replay starts from
 * the state they left.  One thread runs at a time and each of them is a
 * function of its schedule and the state before it, so they are the
 * original's again.  They are not the replay's: nothing is counted or
 * kept.  false when they could not run (no memory, `global` failed, the
 * strategy ran out of schedules first: r->error says why). */
static bool run_history(struct run *r)
{
    const struct st_history *h = r->o->history;
    struct st_ctl *main_ctl = r->ctl, *hc;
    size_t nrows0 = r->hist.nrows;
    uint64_t *counts, ran = 0;
    bool ok = true;

    if ((counts = hist_save(r)) == NULL ||
        (hc = st_ctl_new(r->sc, h->spec, r->o->seed, NULL)) == NULL) {
        free(counts);
        r->error = true;
        snprintf(r->error_msg, sizeof(r->error_msg), "the history could not "
                 "run: out of memory");
        return false;
    }
    st_ctl_uninstall(main_ctl);     /* the workers wait at the gate */
    st_ctl_install(hc);
    r->ctl = hc;
    r->unkept = true;
    for (size_t k = 0; k < h->nrg && ok; k++)
        for (uint64_t it = h->rg[k].begin; it < h->rg[k].end && ok; it++) {
            bool failed;

            r->iteration = it;
            if (!controlled_next(r, it)) {
                if (!r->error) {
                    r->error = true;
                    snprintf(r->error_msg, sizeof(r->error_msg), "the "
                             "history does not fit: the strategy had no "
                             "schedule left after %" PRIu64 " of them, "
                             "before iteration %" PRIu64, ran, it);
                }
                ok = false;
                break;
            }
            failed = controlled_iteration(r);
            st_ctl_end(hc, failed, r->last_kind, r->last_step);
            ran++;
        }
    r->unkept = false;
    hist_restore(r, counts, nrows0);
    st_ctl_free(hc);                /* uninstalls it */
    r->ctl = main_ctl;
    st_ctl_install(main_ctl);
    return ok;
}

/* --shrink here: search for a smaller schedule failing as the first
 * failure did (in shrink runs nothing is counted or kept: the outcome
 * counts are put back); the best goes to the failure and to the shared
 * block (st_ctl_shrunk). */
static void shrink_here(struct run *r)
{
    struct st_result *res = r->res;
    size_t nrows0 = r->hist.nrows;
    uint64_t *counts;
    unsigned pre = 0, steps = 0;
    bool stop = r->stop, error = r->error, shrink_ok;
    char *s;

    if ((counts = hist_save(r)) == NULL)
        return;
    r->unkept = true;
    shrink_ok = st_ctl_shrink_begin(r->ctl);
    for (uint64_t it = 0; shrink_ok && controlled_next(r, it); it++) {
        bool failed;

        failed = controlled_iteration(r);
        st_ctl_end(r->ctl, failed, r->last_kind, r->last_step);
    }
    r->unkept = false;
    hist_restore(r, counts, nrows0);
    if (shrink_ok && (s = st_ctl_shrunk(r->ctl, &pre, &steps)) != NULL) {
        free(res->failures[0].schedule_shrunk);
        res->failures[0].schedule_shrunk = s;
        res->failures[0].shrunk_preemptions = pre;
        res->failures[0].shrunk_steps = steps;
    }
    r->stop = stop;
    r->error = error;
}

/* Wait for the shrinking child |pid|; kill it when its schedules make no
 * step for half the scenario's timeout (a hang: the parent's watchdog
 * would otherwise kill this process, and the run's result with it). */
static void shrink_wait(pid_t pid, const struct st_sched_shared *gs,
                        const struct st_scenario *sc)
{
    double quiet = (sc->timeout_ms > 0 ? (double)sc->timeout_ms : 10000.0)
                   / 2000.0, last = st_now_s();
    uint64_t seen = UINT64_MAX;
    int status;

    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        /* Written by the child, read racily: a progress hint only. */
        uint64_t now_seen = (uint64_t)gs->nsteps + gs->shrink_schedules;

        if (w == pid || (w < 0 && errno != EINTR))
            return;
        if (now_seen != seen) {
            seen = now_seen;
            last = st_now_s();
        } else if (st_now_s() - last > quiet) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return;
        }
        usleep(2000);
    }
}

/* --shrink of an isolated run (r->sh->sched, the parent's shared block):
 * in a child of its own, so that a candidate schedule that kills its
 * process (a double free the first failure did not reach, a deadlock)
 * cannot take this run's result with it.  Forked while no worker runs
 * (they are stopped first: under TSan a forked copy of a threaded process
 * cannot start threads); the child starts its own, shrinks with its own
 * shared block, and its best schedule is copied to the parent's, where
 * isolate.c takes it.  A child that dies or hangs leaves nothing; its
 * messages go nowhere (they are the candidates', not the run's). */
static void shrink_forked(struct run *r)
{
    struct st_sched_shared *ss = r->sh->sched, *gs;
    pid_t pid;

    gs = mmap(NULL, sizeof(*gs), PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (gs == MAP_FAILED)
        return;
    st_workers_stop(&r->w);
    fflush(NULL);
    if ((pid = fork()) == 0) {
        int null = open("/dev/null", O_WRONLY);

        /* Killed with this process (the parent's watchdog), not left to
         * shrink on alone. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        st_ctl_rebind(r->ctl, gs);
        st_workers_init(&r->w, r->nthr);
        if (start_workers(r) == 0)
            shrink_here(r);
        _exit(0);
    }
    if (pid > 0)
        shrink_wait(pid, gs, r->sc);
    if (pid > 0 && gs->shrunk) {
        memcpy(ss->shrunk_schedule, gs->shrunk_schedule,
               sizeof(ss->shrunk_schedule));
        ss->shrunk_preemptions = gs->shrunk_preemptions;
        ss->shrunk_step = gs->shrunk_step;
        ss->shrink_schedules = gs->shrink_schedules;
        ss->shrunk = 1;
    }
    munmap(gs, sizeof(*gs));
}

/* Controlled mode, after the iterations: --shrink the first failure's
 * schedule, then remove the hooks while no scenario thread runs. */
static void controlled_end(struct run *r)
{
    if (r->o->sched->shrink && r->res->nfailures > 0 &&
        st_ctl_misfit(r->ctl) == NULL) {
        if (r->sh->sched != NULL)
            shrink_forked(r);
        else
            shrink_here(r);
    }
    st_ctl_uninstall(r->ctl);
}

int st_run_scenario(const struct st_scenario *sc, const struct st_opts *o,
                    const struct st_range *rg, size_t nrg,
                    struct st_shared *sh, struct st_result *out)
{
    struct run r;
    double t0, deadline;
    uint64_t planned = 0, count = 0;
    bool fault_on = false;
    int e;

    memset(&r, 0, sizeof(r));
    r.sc = sc;
    r.o = o;
    r.res = out;
    r.hist.sc = sc;
    r.sh = sh != NULL ? sh : &r.local_sh;
    st_detector_attach(r.sh);   /* detached below, before r goes away */
    r.nthr = (unsigned)sc->nthreads;
    st_workers_init(&r.w, r.nthr);
    atomic_init(&r.finished, 0);
    atomic_init(&r.no_overlap, false);
    if ((e = result_head(sc, o, out)) != 0)
        goto err;
    for (size_t i = 0; i < nrg; i++)
        planned += rg[i].end - rg[i].begin;
    out->iterations_planned = planned;
    scan(sc, &r);
    r.detect_live = st_be_live_ssl() >= 0;
    r.jitter_max = o->jitter == ST_JITTER_LOW ? 32
                 : o->jitter == ST_JITTER_HIGH ? 1024 : 0;
    if (o->sched != NULL && o->sched->kind != ST_SCHED_FREE)
        r.jitter_max = 0;   /* controlled: the schedule decides, no timing */
    if (r.nthr == 0 || r.nthr > ST_MAX_THREADS) {
        e = -EINVAL;
        goto err;
    }
    if ((e = run_alloc(&r)) != 0)
        goto err;
    r.leader_setup.r = r.leader_check.r = r.leader_global.r = &r;
    r.leader_setup.shpos = &r.sh->setup_pos;
    r.leader_check.shpos = &r.sh->check_pos;
    r.leader_global.shpos = &r.sh->global_pos;
    r.leader_setup.prng.s = r.leader_check.prng.s = o->seed;

    /* `fault NAME`: switched on here, in the process that runs the
     * scenario (the forked child), before anything runs; so is what the
     * scenario needs registered in the library (its ex_data index). */
    fault_on = sc->fault != NULL && st_be_fault_header(sc->fault);
    st_be_prepare(sc);
    t0 = st_now_s();
    deadline = o->seconds > 0 ? t0 + o->seconds : 0;
    if (sc->has_global) {
        set_phase(&r, ST_PH_GLOBAL);
        exec(&r, &r.leader_global, sc->global.stmts, sc->global.nstmts);
        if (r.leader_global.failed) {
            out->verdict = ST_ERROR;
            out->reason = xstrdup(r.leader_global.msg);
            free_global(&r);
            goto done;
        }
    }
    if (o->sched != NULL && o->sched->kind != ST_SCHED_FREE) {
        if ((r.ctl = st_ctl_new(sc, o->sched, o->seed, r.sh->sched)) == NULL) {
            free_global(&r);
            e = -ENOMEM;
            goto err;
        }
        st_ctl_install(r.ctl);  /* after global: no worker runs yet */
    }
    r.meet = r.nthr > 1 && r.ctl == NULL;
    /* Free-running only: a controlled run's iterations are schedules of
     * the threads, which the sweep of setup has nothing to add to. */
    r.sweep_pending = (sc->alloc_sweep || o->alloc_failures) &&
                      r.ctl == NULL;
    if ((e = start_workers(&r)) != 0) {
        st_workers_stop(&r.w);
        free_global(&r);
        goto err;
    }
    st_be_detectors(&r.det_base);
    if (r.ctl != NULL && o->history != NULL && !run_history(&r))
        r.stop = true;
    for (size_t k = 0; k < nrg && !r.stop && r.ctl == NULL; k++)
        for (uint64_t it = rg[k].begin; it < rg[k].end && !r.stop; it++) {
            r.iteration = it;
            iteration_done(&r, out, it, iteration(&r), deadline, &count);
        }
    /* Controlled mode: the same loop, each iteration one schedule. */
    for (size_t k = 0; k < nrg && !r.stop && r.ctl != NULL; k++)
        for (uint64_t it = rg[k].begin; it < rg[k].end && !r.stop; it++) {
            bool failed;

            r.iteration = it;
            if (!controlled_next(&r, it)) {
                r.stop = true;      /* dfs exhausted, or a misfit */
                break;
            }
            failed = controlled_iteration(&r);
            st_ctl_end(r.ctl, failed, r.last_kind, r.last_step);
            iteration_done(&r, out, it, failed, deadline, &count);
        }
    if (r.ctl != NULL)
        controlled_end(&r);
    st_workers_stop(&r.w);
    free_global(&r);
    set_phase(&r, ST_PH_END);
    end_leaks(&r, out);
 done:
    out->seconds = st_now_s() - t0;
    if ((e = st_hist_fill(&r.hist, out)) != 0)
        goto err;
    if (out->verdict != ST_ERROR) {
        if (r.unsupported) {
            /* Not a failure of the library: this backend cannot run it. */
            out->verdict = ST_SKIP;
            out->reason = xstrdup(r.error_msg);
            out->iterations_failed = 0;
            st_result_drop_failures(out);
        } else if (r.error) {
            out->verdict = ST_ERROR;
            out->reason = xstrdup(r.error_msg);
        } else {
            out->verdict = out->iterations_failed > 0 ? ST_FAIL : ST_PASS;
        }
    }
    /* What the detector saw in this process (the parent of an isolated
     * run adds the log, detector.h; where a `known race` applies only the
     * log can tell the expected reports, so the parent alone judges). */
    if (sh == NULL) {
        if ((e = st_detector_collect_self(sc, o, r.sh, out)) != 0)
            goto err;
    } else if (!st_detector_known_applies(sc, out->backend,
                                          st_detector_name()) &&
               (e = st_detector_apply(sc, o, out, st_detector_name(),
                                      atomic_load_explicit(&r.sh->det_reports,
                                                           memory_order_relaxed),
                                      atomic_load_explicit(
                                          &r.sh->det_first_iteration,
                                          memory_order_relaxed),
                                      st_detector_first_summary(),
                                      NULL)) != 0) {
        goto err;
    }
    if (r.ctl != NULL) {
        const char *mf = st_ctl_misfit(r.ctl);
        char name[64];

        st_sched_spec_name(o->sched, name, sizeof(name));
        free(out->schedule);
        out->schedule = xstrdup(name);
        out->schedules = st_ctl_schedules(r.ctl);
        out->schedule_seconds = st_ctl_seconds(r.ctl);
        out->exhausted = st_ctl_exhausted(r.ctl);
        out->same_failures = st_ctl_same_failures(r.ctl);
        if (mf != NULL) {
            /* Not a finding: the schedule belongs to another run. */
            out->verdict = ST_ERROR;
            free(out->reason);
            out->reason = xstrdup(mf);
            out->schedule_misfit = 1;
            out->iterations_failed = 0;
            st_result_drop_failures(out);
            if (r.sh->sched != NULL) {
                r.sh->sched->misfit = 1;
                snprintf(r.sh->sched->misfit_msg,
                         sizeof(r.sh->sched->misfit_msg), "%s", mf);
            }
        }
        st_ctl_free(r.ctl);
        r.ctl = NULL;
    }
    st_detector_attach(NULL);
    if (fault_on)
        st_be_fault_header_end();
    run_free(&r);
    return 0;
 err:
    if (r.ctl != NULL)
        st_ctl_free(r.ctl);
    if (fault_on)
        st_be_fault_header_end();
    st_detector_attach(NULL);
    run_free(&r);
    st_result_free(out);
    memset(out, 0, sizeof(*out));
    return e < 0 ? e : -ENOMEM;
}
