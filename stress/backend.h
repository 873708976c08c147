/* The harness backend: executes scenario statements through the OpenSSL API.
 *
 * One source (backend.c) compiles twice: against minissl (-Ilib/include,
 * ST_BACKEND_MINISSL defined by the Makefile) for `sslstress`, and against
 * the system OpenSSL 3 (ST_BACKEND_MINISSL undefined) for
 * `sslstress-openssl`.  backend.c calls only OpenSSL's public API; what only
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
 * (per-thread random generators and error queue, freed at thread exit). */
int st_be_preinit(void);
/* Make the test material (key, self-signed certificate, CA names) and the
 * harness-owned peer contexts.  Registers no ex_data index (but in the
 * OpenSSL backend's TSan build, whose annotations need free callbacks;
 * backend.c, "What the harness registers in the library").  0 or a
 * negative errno. */
int st_be_init(void);
void st_be_cleanup(void);
/* Before the first statement of |sc|, in the process that runs it and
 * with none of its threads started: register what its statements need
 * from the library (the SSL ex_data index of the `ex_data` setting, when
 * a statement sets it), as a program registers its indexes at start-up.
 * A scenario that sets no ex_data registers nothing.  Once per process:
 * a later scenario (--no-fork) finds the index made.  Without it (it
 * failed, or was not called) each `ex_data` setting fails. */
void st_be_prepare(const struct st_scenario *sc);
/* The SSL ex_data index the harness registered in this process for the
 * `ex_data` setting, or -1: none. */
int st_be_exdata_index(void);

const char *st_be_name(void);           /* "minissl" or "openssl" */
const char *st_be_version(void);        /* OpenSSL_version(OPENSSL_VERSION) */
unsigned st_be_features(void);          /* enum st_feature bits */
/* NULL when the backend has every feature in |requires|, else a static
 * reason ("requires introspection, which the openssl backend lacks"). */
const char *st_be_missing(unsigned requires);

/* Statements.  The pointer-returning ones give one reference (NULL on
 * failure, reason on the error stack). */
void *st_be_ctx_new(enum st_method m);
void *st_be_ssl_new(void *ctx);
void *st_be_dup(void *ssl);
void *st_be_session_new(void);
void *st_be_get1_session(void *ssl);
int st_be_up_ref(enum st_type t, void *obj);
/* Under TSan on the OpenSSL backend, also tells TSan about the ordering
 * OpenSSL's (uninstrumented) atomic reference count gives the destroying
 * free; see backend.c. */
void st_be_free(enum st_type t, void *obj);
int st_be_connect(void *ssl);
int st_be_accept(void *ssl);

/* Drive |ssl|'s handshake against a harness-owned peer, created on first
 * use and kept in *peer (st_be_peer_free releases it).  until: ST_HS_MID
 * (stop once SSL_in_before() is false), ST_HS_DONE, ST_HS_SHUTDOWN (done,
 * then SSL_shutdown).  steps > 0 bounds the SSL_do_handshake calls on
 * |ssl|.  When |ssl| is the server, the peer client offers the session of
 * the last handshake finished against the same SSL_CTX, as a reconnecting
 * client does, so the server looks it up in its session cache (resumption;
 * the harness keeps that session outside the scenario's accounting).
 * 0 or -EIO. */
int st_be_handshake(void **peer, void *ssl, enum st_hs_state until,
                    long long steps);
void st_be_peer_free(void *peer);

/* `set OBJ KEY=VALUE`: slots resolves ST_V_NAME values.  0, -EIO (the
 * setter failed), -ENOTSUP (the key does not apply to this type). */
int st_be_set(enum st_type t, void *obj, const struct st_setting *set,
              void *const *slots);

/* `copied A B`: true when every dup-list setting both objects expose
 * compares equal; otherwise false with the first difference in why. */
bool st_be_copied(void *a, void *b, char *why, size_t whylen);
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

/* minissl's own detectors: cumulative counts since the process started;
 * the runner reports an increase during an iteration. */
struct st_be_detect {
    uint64_t quarantine_hits;   /* use of a freed object caught in quarantine */
    uint64_t misuse;            /* refcount misuse diagnosed (non-fatal ones) */
};
void st_be_detectors(struct st_be_detect *d);

#endif
