/* The harness backend: executes scenario statements through the OpenSSL API.
 *
 * One source (backend.c, with backend_keys.c) compiles three times:
 * against minissl (-Ilib/include, ST_BACKEND_MINISSL defined by the
 * Makefile) for `sslstress`, against the system OpenSSL 3
 * (ST_BACKEND_MINISSL undefined) for `sslstress-openssl`, and against
 * BoringSSL for `sslstress-boringssl`.  What a library lacks is a
 * capability (backend_caps.h, st_be_caps below): a scenario that needs a
 * missing one is skipped with the reason.  backend.c calls only OpenSSL's
 * public API; what only
 * minissl can do (reference counts, object ids and liveness, live-object
 * counts, quarantine and misuse counters, getters OpenSSL lacks) sits in
 * backend_inspect.c, the one file that includes minissl/inspect.h.
 *
 * Objects are passed as void * with their enum st_type.  Functions
 * returning int return 0 on success or a negative errno (-EIO: the library
 * call failed; its reason is on the calling thread's error stack, and
 * st_be_last_error() formats it); predicates return bool.
 *
 * Thread safety: st_be_init() runs once, single-threaded, before any other
 * call (the runner calls it in the parent before forking).  Everything else
 * may be called from any thread, with the library's own rules on the
 * objects passed (the scenario is the experiment: its threads race). */
#ifndef ST_BACKEND_H
#define ST_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* Install the allocation counters (CRYPTO_set_mem_functions): call first
 * thing in main(), before the library allocates anything.  0 or -EBUSY
 * (too late: `leaks` then counts nothing on a backend without
 * introspection).  On OpenSSL the counters skip the library's one-time
 * state: st_be_init() runs a warm-up handshake (process-wide caches), and
 * each other thread runs one, uncounted, on its first backend call
 * (per-thread random generators and error queue, freed at thread exit),
 * except where the detector sees inside libssl (st_be_thread_done). */
int st_be_preinit(void);
/* Make the test material (key, self-signed certificate, CA names) and the
 * harness-owned peer contexts.  Registers no ex_data index (but in the
 * OpenSSL backend's TSan build, whose annotations need free callbacks;
 * backend.c, "What the harness registers in the library").  0 or a
 * negative errno. */
int st_be_init(void);
void st_be_cleanup(void);
/* A worker thread (not the leader) has run its last statement of the
 * iteration.  Where the detector sees inside libssl (Valgrind, or TSan
 * against a libssl built with it: ST_LIBSSL_INSTRUMENTED), the OpenSSL
 * backend runs no per-thread warm-up and ends the iteration as an ending
 * thread would, with OPENSSL_thread_stop (backend.c, "What the detector
 * sees of the library").  Otherwise nothing. */
void st_be_thread_done(void);
/* Before the first statement of |sc|, in the process that runs it and
 * with none of its threads started: register what its statements need
 * from the library (the SSL and SSL_CTX ex_data indexes of the `ex_data`
 * setting, when a statement sets it on an SSL or a ctx; the SSL_SESSION
 * one, when a statement sets it on a session), as a program registers its
 * indexes at start-up.
 * A scenario that sets no ex_data registers nothing.  Once per process:
 * a later scenario (--no-fork) finds the index made.  Without it (it
 * failed, or was not called) each `ex_data` setting fails. */
void st_be_prepare(const struct st_scenario *sc);
/* The SSL ex_data index the harness registered in this process for the
 * `ex_data` setting, or -1: none. */
int st_be_exdata_index(void);
/* The SSL_SESSION ex_data index of the `ex_data` setting on a session,
 * likewise (registered only for a scenario that sets one on a session). */
int st_be_session_exdata_index(void);

/* "minissl", "openssl" or "boringssl" */
const char *st_be_name(void);
/* OpenSSL_version(OPENSSL_VERSION), or for BoringSSL "BoringSSL (API 17;
 * PACKAGE VERSION)" (it has no version string). */
const char *st_be_version(void);
unsigned st_be_features(void);          /* enum st_feature bits */
/* NULL when the backend has every feature in |requires|, else a static
 * reason ("requires introspection, which the openssl backend lacks"). */
const char *st_be_missing(unsigned requires);

/* One row of the capability table (backend_caps.h): an API some backend
 * lacks.  |have|: this one has it.  |harness|: lacking it changes only how
 * the harness does its own work (skips nothing).  |lacking|: what a
 * scenario meets where it is missing.  Constant strings. */
struct st_be_cap {
    const char *name;           /* "ssl_share" */
    const char *api;            /* "SSL_up_ref, SSL_dup" */
    bool have;
    bool harness;
    const char *lacking;
};
/* The table, *n rows; static, for the life of the process. */
const struct st_be_cap *st_be_caps(size_t *n);
/* The object constructor statement |st| of |sc| makes (`ctx`, `new`,
 * `dup`, `session` and `session SESSION`, `cert`, `pkey`, `rsa`/`dh`/
 * `ec_key`), its operand from |slots|: the one call both the runner and
 * the allocation-failure sweep make for it, so the two never differ.
 * NULL on failure (the reason on the error stack); *made: the type of
 * what it returns. */
void *st_be_make(const struct st_scenario *sc, const struct st_stmt *st,
                 void *const *slots, enum st_type *made);

/* NULL when this backend has what statement |st| of |sc| needs, else the
 * reason into why ("line 12: `d = dup s` needs SSL_dup, which boringssl
 * lacks: ..."), returned. */
const char *st_be_stmt_lacks(const struct st_scenario *sc,
                             const struct st_stmt *st, char *why, size_t len);
/* NULL unless |sc| has the header `alloc_failures sweep` and this
 * backend's library is known not to fail cleanly under allocation failure
 * (the capability alloc_sweep): then the reason into why ("line 3:
 * `alloc_failures sweep` needs ..., which openssl lacks: ..."), returned.
 * The runner skips such a scenario unless the run sweeps anyway
 * (--alloc-failures). */
const char *st_be_sweep_lacks(const struct st_scenario *sc, char *why,
                              size_t len);

/* Statements.  The pointer-returning ones give one reference (NULL on
 * failure, reason on the error stack). */
void *st_be_ctx_new(enum st_method m);
void *st_be_ssl_new(void *ctx);
void *st_be_dup(void *ssl);
void *st_be_session_new(void);
void *st_be_get1_session(void *ssl);
/* `cert OBJ`: the certificate a ctx or an SSL holds (its own) or a
 * session holds (the peer's), with one more reference (X509_up_ref). */
void *st_be_cert(enum st_type t, void *obj);
/* `pkey OBJ`: a ctx's or an SSL's private key (up_ref), an x509's public
 * key (X509_get_pubkey), or a new EVP_PKEY holding key object OBJ. */
void *st_be_pkey(enum st_type t, void *obj);
/* `rsa|dh|ec_key [PKEY]`: a new key object of type |t|, or the one under
 * |pkey| (get1; NULL: it holds another type).  backend_keys.h. */
void *st_be_key(enum st_type t, void *pkey);
/* `add_session CTX SESSION`: SSL_CTX_add_session (the cache takes its own
 * reference; a session already there is no failure).  Always 0. */
int st_be_add_session(void *ctx, void *sess);
/* `remove_session CTX SESSION`: SSL_CTX_remove_session (the cache gives
 * back its reference); a session that is not there is no failure. */
void st_be_remove_session(void *ctx, void *sess);
/* `flush_sessions CTX`: SSL_CTX_flush_sessions as of ten years from now,
 * so that every cached session counts as expired and goes. */
void st_be_flush_sessions(void *ctx);
/* `ex_index ssl|ctx|session` (type |t|): CRYPTO_get_ex_new_index of that
 * class with no callbacks, then CRYPTO_free_ex_index of it, as a program
 * that registers an index while others make, copy and free objects does.
 * A full registry (minissl keeps 63 indexes a class, and never reuses
 * one) is no failure.  0, or -EIO (the reason on the error stack). */
int st_be_ex_index(enum st_type t);
/* up_ref / free of an object of any type (SSL_up_ref, X509_free, ...). */
int st_be_up_ref(enum st_type t, void *obj);
/* Under TSan on the OpenSSL backend, also tells TSan about the ordering
 * OpenSSL's (uninstrumented) atomic reference count gives the destroying
 * free; see backend.c. */
void st_be_free(enum st_type t, void *obj);
int st_be_connect(void *ssl);
int st_be_accept(void *ssl);
/* SSL_clear: back to the state before the handshake, settings, BIOs and
 * role kept (and the session, unless the connection finished without a
 * shutdown: the library drops it then, and takes it out of the cache).
 * 0, or -EIO when the library refuses (the reason on the error stack). */
int st_be_clear(void *ssl);

/* Drive |ssl|'s handshake against a harness-owned peer, created on first
 * use and kept in *peer (st_be_peer_free releases it).  o->until:
 * ST_HS_MID (stop once SSL_in_before() is false), ST_HS_DONE,
 * ST_HS_SHUTDOWN (done, then SSL_shutdown).  o->steps > 0 bounds the
 * SSL_do_handshake calls on |ssl|.  o->as: the role |ssl| must play, the
 * peer (when this call makes it) taking the other one; ST_AS_ANY: the one
 * SSL_is_server(ssl) says.  An SSL that plays another role makes no
 * progress (-EIO, the error stack empty) or fails with the library's
 * reason.  When |ssl| is the server, the peer client offers the session of
 * the last handshake finished against the same SSL_CTX, as a reconnecting
 * client does, so the server looks it up in its session cache (resumption;
 * the harness keeps that session outside the scenario's accounting),
 * unless o->no_resume (then the handshake is a full one, which verifies
 * the client's certificate again), and remembers the session of a
 * handshake it finished for the next one, unless o->no_keep.
 * 0 or -EIO. */
struct st_hs_opts {
    enum st_hs_state until;
    long long steps;
    enum st_hs_as as;
    bool no_resume;             /* the peer client offers no session */
    /* The peer remembers nothing (the sweep's attempts, sweep.h: the
     * server's own handshake then offers what it would without them). */
    bool no_keep;
};
int st_be_handshake(void **peer, void *ssl, const struct st_hs_opts *o);
/* Makes *peer, when NULL, as st_be_handshake's first call would (the
 * SSL's BIOs; a server's test certificate and key), taking the |server|
 * role's other side (|server|: |ssl| is the server), so that the
 * handshake's thread sets nothing on |ssl| itself.  0, or -EIO (reason
 * on the stack; *peer stays NULL). */
int st_be_peer_prepare(void **peer, void *ssl, bool server, bool resume);
/* Undo what a finished handshake of |ssl| left outside |ssl| (the sweep's
 * attempts at `handshake`): the session of a full handshake (not a
 * resumed one, SSL_session_reused) taken out of its SSL_CTX's cache
 * (SSL_CTX_remove_session; one that is not there is no failure, its
 * reason dropped). */
void st_be_handshake_forget(void *ssl);
/* `pair A B`: one BIO pair (BIO_new_bio_pair), a half each, with
 * SSL_set_bio(A, half, half): each SSL owns its half, freed with it; the
 * last of the two frees the pair.  With |mem| (`via=mem`) two memory BIOs
 * instead, crosswise: SSL_set_bio(A, BA, AB) and SSL_set_bio(B, AB, BA),
 * each BIO with a reference for each SSL, so the last SSL freed frees
 * them.  The roles must already be chosen
 * (connect/accept); a server SSL without a certificate gets the test
 * certificate and key.  0, -EINVAL (both SSLs play the same role: nothing
 * done, the error stack empty) or -EIO. */
int st_be_pair(void *a, void *b, bool mem);
/* One call on a paired SSL, for the runner's loop: the call finished
 * (DONE), moved data and may go on at once (AGAIN), must wait until the
 * other end of the pair reads or writes (WANT_READ, WANT_WRITE), or
 * failed (reason on the error stack). */
enum st_be_io { ST_IO_DONE, ST_IO_AGAIN, ST_IO_WANT_READ, ST_IO_WANT_WRITE,
                ST_IO_FAILED };
/* SSL_do_handshake: DONE once it returns 1. */
enum st_be_io st_be_pair_handshake(void *ssl);
/* SSL_read, the data discarded: DONE when the other end has closed, by
 * close_notify (SSL_ERROR_ZERO_RETURN) or by the end of the transport (its
 * half freed or shut down: BIO_eof; the library's reason for the
 * unexpected EOF, SSL_R_UNEXPECTED_EOF_WHILE_READING on OpenSSL 3 and
 * minissl, stays on the error stack).  A memory BIO never ends: only
 * close_notify ends a read over `via=mem`. */
enum st_be_io st_be_pair_read(void *ssl);
/* True when the paired |ssl|'s half can serve |want| now: bytes to read
 * or the end of the transport (WANT_READ), room to write or a dead other
 * end (WANT_WRITE); over memory BIOs, bytes to read (a memory BIO is
 * never full).  Reads the BIO's state under its lock (minissl). */
bool st_be_pair_ready(void *ssl, enum st_be_io want);
/* SSL_shutdown once (close_notify sent; the peer's not awaited): 0, or
 * -EIO when it fails. */
int st_be_shutdown(void *ssl);

/* SSL_get_verify_result: X509_V_OK (0) or an X509_V_ERR_* code. */
long st_be_verify_result(void *ssl);
/* SSL_CTX_sess_number: the sessions in the SSL_CTX's cache now. */
long st_be_sess_number(void *ctx);
void st_be_peer_free(void *peer);

/* `set OBJ KEY=VALUE`: slots resolves ST_V_NAME values.  0, -EIO (the
 * setter failed), -ENOTSUP (the key does not apply to this type). */
int st_be_set(enum st_type t, void *obj, const struct st_setting *set,
              void *const *slots);

/* `copied A B`, both of type |t|: for two SSLs, true when every dup-list
 * setting both objects expose compares equal; for two sessions, when
 * every field of a session the backend can read does (id, id context,
 * protocol version, master key, time, timeout, resumable flag, peer
 * certificate, ticket); otherwise false with the first difference in
 * why. */
bool st_be_copied(enum st_type t, void *a, void *b, char *why, size_t whylen);
/* `inherited S C`: true when SSL |ssl| holds, of every setting SSL_new
 * gives an SSL from its SSL_CTX, the value SSL_CTX |ctx| holds (its own
 * verify parameters, of the SSL_CTX's values); the rows of the SSL_dup
 * table both objects expose on this backend.  Otherwise false with the
 * first difference in why. */
bool st_be_inherited(void *ssl, void *ctx, char *why, size_t whylen);
/* `kept A B`: true when session B has what session A had and a session
 * that replaces another (a new ticket's copy, a resumption's) must keep:
 * the protocol version, the id context, the timeout, the resumable flag
 * and the peer certificate (equal by content, X509_cmp: a session decoded
 * from a ticket holds a new X509 of the same certificate); otherwise
 * false with the first difference in why. */
bool st_be_session_kept(void *a, void *b, char *why, size_t whylen);
/* `negotiated S`: true when SSL |ssl|'s handshake finished (state done or
 * shutdown) and its session (SSL_get_session) is what that handshake
 * negotiated: there is one; its protocol version
 * is SSL_version's; its master key is not empty and, where |peer| (the
 * harness's peer of |ssl|, st_be_handshake's; NULL when there is none)
 * is given and has finished, the peer's session's (a TLS 1.3 client's
 * session before a ticket may have none: OpenSSL's key is the ticket's
 * resumption secret); for a new session (not
 * SSL_session_reused) its timeout is its SSL_CTX's (SSL_CTX_get_timeout)
 * and its time lies between a second before the connection's first
 * handshake call and a second from now (a resumed one's time is only not
 * in the future); a session with an id or a ticket is resumable.
 * Otherwise false with the first field that disagrees in why.  Reads the
 * peer, so never while another thread drives the handshake. */
bool st_be_negotiated(void *ssl, void *peer, char *why, size_t whylen);
/* A new session (one reference) that is a copy of |sess|
 * (SSL_SESSION_dup), or NULL. */
void *st_be_session_dup(void *sess);
enum st_hs_state st_be_state(void *ssl);

/* The calling thread's error stack: 0 when empty, else the packed code of
 * the oldest error (ERR_peek_error). */
unsigned long st_be_peek_error(void);
void st_be_clear_errors(void);
/* True when |code| matches |reason| as written in a scenario: the reason
 * text or its SSL_R_ name, case-insensitive, `_` matching a space. */
bool st_be_error_is(unsigned long code, const char *reason);
/* ERR_GET_REASON(code). */
int st_be_error_reason(unsigned long code);
/* The reason text of |code| into buf (e.g. "null ssl ctx"). */
void st_be_error_text(unsigned long code, char *buf, size_t len);
/* Drain the calling thread's error stack into buf ("reason; reason"). */
void st_be_last_error(char *buf, size_t len);

/* Introspection (ST_FEAT_INTROSPECTION; otherwise -1 / 0 / false). */
int st_be_refs(enum st_type t, void *obj);
uint64_t st_be_id(enum st_type t, void *obj);   /* 0: unknown */
/* True when the object |obj| created with |id| no longer exists (|obj| may
 * be dangling: minissl keeps freed objects in a quarantine, so the check
 * reads only quarantined or live memory when the object was freed during
 * the current iteration). */
bool st_be_freed(enum st_type t, void *obj, uint64_t id);
/* Live objects (introspection) or live allocations (allocation counters),
 * plus the harness's live `app_data` boxes (so that ex_data free callbacks
 * that never run show as leaks), minus what the harness keeps for peer
 * resumption. */
long long st_be_live(void);
/* Live SSL objects (introspection), or -1: the per-iteration leak detector. */
long long st_be_live_ssl(void);
/* The end-of-scenario leak check (introspection; -1 without, or when the
 * harness cannot be set up again): frees the harness's own objects (its
 * certificate, key, peers, remembered sessions: st_be_cleanup), counts
 * what the library still holds, objects and allocations, with the
 * harness's live `app_data` boxes (describing them in |what|), and sets
 * the harness up again (st_be_init).  A reference a free path forgot on an
 * object the harness also holds, or a buffer it forgot inside an object
 * that was freed, shows only here.  Single-threaded, after a scenario's
 * threads were stopped and its objects freed. */
long long st_be_end_leaks(char *what, size_t len);

/* ---- The allocation-failure sweep (sweep.h, the `alloc_failures sweep`
 * header) ----
 *
 * Failing one allocation: armed with |k| (k >= 1), the calling thread's
 * k-th allocation from now through the library's memory functions (the
 * counting wrappers st_be_preinit installs: malloc and realloc alike)
 * returns NULL as if memory ran out, and the ones after it succeed again.
 * Per thread: the other threads' allocations, and this thread's when
 * disarmed, are never failed.  st_be_alloc_fail_disarm() disarms and
 * returns true when the armed allocation was reached (and failed).
 * Unavailable (false) where st_be_preinit could not install the wrappers:
 * the library's allocations then cannot be failed. */
bool st_be_alloc_fail_available(void);
void st_be_alloc_fail_arm(unsigned long k);
bool st_be_alloc_fail_disarm(void);

/* What is alive in the library, as the sweep compares it around one
 * attempt: the live allocations through the counting wrappers (minus the
 * blocks minissl's quarantine holds, which a free moves in and an eviction
 * out, whoever's they are), the harness's ex_data values, and, with
 * introspection (minissl), the live objects of each type.  Types, and
 * what each counts, are the backend's: st_be_census_type(i) names type i.
 * A snapshot of relaxed counters: meaningful single-threaded (setup). */
#define ST_BE_CENSUS_TYPES 16
struct st_be_census {
    long long allocations;
    long long boxes;
    size_t ntypes;                      /* 0 without introspection */
    long long objects[ST_BE_CENSUS_TYPES];
};
void st_be_census(struct st_be_census *c);
const char *st_be_census_type(size_t i);
/* What |after| holds beyond |before| (or fewer), into buf, each count
 * that differs with both values: "+1 SSL (3 -> 4), +3 allocation(s) (410
 * -> 413)" ("-1 allocation(s) (...)" for fewer); "" when they are equal.
 * Returns true when they differ. */
bool st_be_census_diff(const struct st_be_census *before,
                       const struct st_be_census *after, char *buf,
                       size_t len);

/* Set the calling thread's error stack aside for one attempt and put it
 * back: st_be_err_aside() marks what is on it (the reasons a scenario
 * that tests `errors` left there stay); st_be_err_restore() drops what
 * was raised since, leaving the stack as it was, and returns true when
 * something was raised; the newest reason's text goes into |why|.  Pairs
 * do not nest. */
void st_be_err_aside(void);
bool st_be_err_restore(char *why, size_t len);

/* SSL_CTX_add_session / SSL_CTX_remove_session with the library's result
 * (1 or 0), the reason of a 0 left on the error stack (st_be_add_session
 * and st_be_remove_session drop it: there a session already in, or not
 * in, the cache is no failure). */
int st_be_cache_add(void *ctx, void *sess);
int st_be_cache_remove(void *ctx, void *sess);

/* minissl's own detectors: cumulative counts since the process started;
 * the runner reports an increase during an iteration. */
struct st_be_detect {
    uint64_t quarantine_hits;   /* use of a freed object caught in quarantine */
    uint64_t misuse;            /* refcount misuse diagnosed (non-fatal ones) */
};
void st_be_detectors(struct st_be_detect *d);

#endif
