/* The allocation-failure sweep: every allocation a setup statement makes,
 * failed in turn, must leave nothing behind.
 *
 * A scenario with the header `alloc_failures sweep` (doc/scenario-format.md,
 * "The allocation-failure sweep") has each statement of its `setup` block
 * that the sweep applies to (st_sweep_applies) swept in the first
 * iteration a free-running run executes (every scenario's, with
 * --alloc-failures): before the statement runs (for a `set`, before each
 * of its keys is set), the harness makes its call again and again,
 * attempt k with the k-th
 * allocation made during the call failing (st_be_alloc_fail_arm), for
 * k = 1, 2, ... until an attempt makes no k-th allocation.  After each
 * attempt that reached its failing allocation:
 *
 *   - the call returned its failure value (NULL, 0) or succeeded;
 *   - if it failed, a reason is on the thread's error stack (dropped
 *     again: st_be_err_aside / st_be_err_restore keep what the scenario
 *     had put there);
 *   - what the call made is undone (a new object freed, a session the
 *     cache took removed again), and the library holds what it held
 *     before the attempt (st_be_census: live allocations, ex_data values,
 *     and on minissl the live objects of each type).
 *
 * A difference must come again when the attempt is repeated from the same
 * objects: what a library makes once and keeps is not a leak.  A crash or
 * a hang in an attempt is the scenario's failure, as ever (isolation).
 * Then the statement runs normally.
 *
 * Runs single-threaded (the leader's setup), between st_be_init and
 * st_be_cleanup. */
#ifndef ST_SWEEP_H
#define ST_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "scenario.h"

/* More attempts than this on one call end its sweep as a finding: the
 * call never stops allocating (an allocation retried forever). */
#define ST_SWEEP_MAX_ATTEMPTS 100000

/* True when the sweep applies to |st|: ctx, new, dup, session,
 * get1_session, cert, pkey, rsa/dh/ec_key, add_session and set (each of
 * its keys) -- the statements whose failure leaves their operands as they
 * were, and whose success the harness can undo (or repeat, for a setting
 * that replaces) -- and `handshake S` with the harness's peer and
 * result=ok, which is swept on a fresh copy of S (st_sweep_stmt), where
 * the runner gives it one: S in its initial state, with no peer yet (a
 * new connection, not the rest of one that stopped at until=mid); and
 * `pair A B`, swept on fresh copies of A and B once their roles are
 * chosen (freed with the pair's BIOs after each attempt). */
bool st_sweep_applies(const struct st_stmt *st);

/* A setting that adds to what the object has instead of replacing it
 * (`chain`, `add_host`, `dane`, `dane_tlsa`, `custom_ext`, `serverinfo`,
 * which registers its extension types on OpenSSL): applying it
 * twice is not applying it once, so the first attempt of its sweep that
 * succeeds is the statement's own application (the sweep of the key stops
 * there, and the statement does not apply it again). */
bool st_sweep_key_adds(enum st_key k);

/* What one statement's sweep found. */
struct st_sweep_result {
    unsigned long attempts;     /* calls made with an allocation failing */
    /* A setting that adds (st_sweep_key_adds) that an attempt applied:
     * the statement must not apply it again. */
    bool applied;
    /* What the sweep itself left live, as st_be_live() counts it (the
     * runner's `leaks`): the state a library made once and kept during
     * attempts that were no finding (OpenSSL's, made on a first error
     * path, or by a warm-up), or what a finding left.  Not the statement's
     * own: what a setting that adds, or the first application of one that
     * replaces, made.  The runner takes it out of `leaks`. */
    long long residue;
    bool found;                 /* a finding: msg says what */
    const char *kind;           /* its kind: "leak" or "statement" */
    char msg[600];
};

/* One call to sweep, whatever makes it: st_sweep_stmt makes one per
 * statement (per setting of a `set`); a test may pass its own. */
enum st_sweep_how {
    ST_SWEEP_UNDONE,    /* attempt undoes what a success made (frees the
                           new object, takes back what the cache took) */
    ST_SWEEP_REPLACES,  /* a success sets what the object already holds
                           its own of: made once first, every allocation
                           granted, and again before a repeated attempt */
    ST_SWEEP_ADDS,      /* a success adds: the first is kept, and the
                           sweep ends there (st_sweep_key_adds) */
};
struct st_sweep_call {
    /* Make the call once, undoing a success as |how| says: 1 it
     * succeeded, 0 it failed (its reason, if any, on the error stack), -1
     * it cannot be made here (the sweep of it ends). */
    int (*attempt)(void *arg);
    /* Optional, around each attempt, inside the census and the error
     * stack's set-aside but outside the failing allocation's window:
     * prepare makes what the call runs on (every allocation granted; -1:
     * it cannot be made, and the attempt counts as one that cannot),
     * release frees it and what the attempt made on it.  The `handshake`
     * sweep's fresh SSL and peer. */
    int (*prepare)(void *arg);
    void (*release)(void *arg);
    void *arg;
    const char *name;           /* as a finding names it: "`s = new c`" */
    enum st_sweep_how how;
};
/* Sweep |c| (see the top of this file): attempts added to res->attempts;
 * a finding sets res->found, res->kind and res->msg and ends the sweep.
 * On a backend without introspection a call that does not add is first
 * made once, every allocation granted, so that what the library makes
 * once and keeps (OpenSSL's lazy state) is not counted; a difference
 * after an attempt must come again when the attempt is repeated from the
 * same objects (a setting made again first) to be a finding.  Returns
 * true when an ST_SWEEP_ADDS call was made (succeeded) by an attempt. */
bool st_sweep_call(const struct st_sweep_call *c, struct st_sweep_result *res);

/* Sweep statement |st| of |sc| (for a `set`, its setting |key|, which
 * the runner sweeps just before it applies it, so that each key is swept
 * on the object as the keys before it left it; else |key| is unused),
 * with |slots| the run's objects by slot.  Fills |res|; res->found means
 * the scenario fails with res->kind and res->msg ("alloc_failures sweep:
 * `s = new c`, allocation 3 failing: failed (malloc failure), and what is
 * live changed: +1 SSL (3 -> 4), +2 allocation(s) (410 -> 412)"), and the
 * sweep of this call stopped at that attempt.  Nothing to do (0
 * attempts) where the sweep does not apply or the backend cannot fail
 * allocations (st_be_alloc_fail_available).
 *
 * `handshake S` (the runner calls this only for an S in its initial state
 * with no peer yet): each attempt runs on a fresh SSL that is what S is,
 * SSL_dup(S), which for an SSL in its initial state copies every setting
 * of the manual page's list, the role and the session (a dup that returns
 * S itself, or none where the backend lacks SSL_dup, ends the sweep with
 * no attempt), against a fresh peer of the harness's on the same thread:
 * the peer's allocations count, and fail, as the copy's do.  A success is
 * undone: the session a full handshake put in its SSL_CTX's cache is taken
 * out again (st_be_handshake_forget), and the peer remembers no session,
 * so that S's own handshake offers what it would have.  The copy is made,
 * and the copy and peer freed, outside the failing window (prepare,
 * release) but inside the census.  Then the statement runs on S as
 * ever. */
void st_sweep_stmt(const struct st_scenario *sc, const struct st_stmt *st,
                   size_t key, void *const *slots,
                   struct st_sweep_result *res);

#endif
