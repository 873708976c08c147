/* minissl-only introspection for the backend (backend_inspect.c): the one
 * place that includes minissl/inspect.h, behind ST_BACKEND_MINISSL.  On the
 * OpenSSL backend every introspection function reports "not available":
 * features 0, refs -1, id 0, freed false, live 0, detectors zero, the
 * table's inspect rows not rendered, serverinfo on an SSL -1.  Objects are
 * SSL / SSL_CTX / SSL_SESSION as void *.  The lowest layer of the backend:
 * backend.c and controlled.c call down into it, it calls neither. */
#ifndef ST_BACKEND_INSPECT_H
#define ST_BACKEND_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "dupitems.h"

unsigned st_be_inspect_features(void);      /* ST_FEAT_INTROSPECTION or 0 */
int st_be_inspect_refs(enum st_type t, void *obj);
uint64_t st_be_inspect_id(enum st_type t, void *obj);
bool st_be_inspect_freed(enum st_type t, void *obj, uint64_t id);
long long st_be_inspect_live(void);
long long st_be_inspect_live_ssl(void);
/* Everything minissl still holds (its quarantine flushed first): live
 * objects of every type and live CRYPTO_malloc blocks, described in |what|
 * ("1 EVP_PKEY, 3 allocations"); -1 on the OpenSSL backend. */
long long st_be_inspect_remaining(char *what, size_t len);
/* serverinfo, which OpenSSL sets per SSL_CTX only, on an SSL: |info| and
 * |len| as for SSL_CTX_use_serverinfo (the backend's test material), or
 * info NULL for `none` (nothing to set).  1 set, 0 failed, -1 not
 * available on this backend (whatever |info|). */
int st_be_inspect_use_serverinfo(void *ssl, const unsigned char *info,
                                 size_t len);
void st_be_inspect_detectors(struct st_be_detect *d);
/* The allocation-failure sweep's census (st_be_census): minissl's live
 * objects of each of its types into objs[0..n) (n at least
 * ST_BE_CENSUS_TYPES) and the blocks its quarantine holds in *quarantined;
 * returns the number of types (0 on the OpenSSL backend, which sets
 * nothing).  st_be_inspect_type_name(i): type i's name ("SSL"). */
size_t st_be_inspect_census(long long *objs, size_t n, long long *quarantined);
const char *st_be_inspect_type_name(size_t i);
/* The rows of the SSL_dup table (dupitems.h) that only minissl's
 * inspect getters show: renders aspect |what| of |ssl| into |out| and
 * returns true, or returns false on a backend without them. */
bool st_be_inspect_render(enum st_dup_inspect what, void *ssl,
                          struct st_text *out);
/* The same aspect of an SSL_CTX, the value SSL_new gives an SSL
 * (`inherited`): false also for an aspect only an SSL has (DANE's
 * records, base domain and enabling, the role chosen). */
bool st_be_inspect_render_ctx(enum st_dup_inspect what, void *ctx,
                              struct st_text *out);

/* A scenario's `fault NAME` header (seeded-bug scenarios).  In a minissl
 * built with -DMINISSL_FAULTS and with MINISSL_FAULT unset in the
 * environment, switches fault NAME on for the run; MINISSL_FAULT, when set
 * ("none" included), decides instead, so that scripts can run a bug
 * scenario with its fault off.  Elsewhere (normal build, OpenSSL) the fault
 * does not exist and the scenario runs as written.  Returns true when this
 * call switched the fault on; st_be_fault_header_end() then switches it off
 * again (a --no-fork run goes on with other scenarios). */
bool st_be_fault_header(const char *name);
void st_be_fault_header_end(void);
/* Entry |i| of the seeded-fault catalogue (minissl's, in every minissl
 * build; OpenSSL has none): its name, one-line description and the real
 * bug it models, constant strings.  False past the last entry. */
bool st_be_fault_info(size_t i, const char **name, const char **about,
                      const char **models);

/* Controlled scheduling (controlled.c): minissl's yield points (a
 * -DMINISSL_SCHED build, <minissl/sched.h>) as harness events.  ev is ST_SP_*; the point's
 * strings are borrowed for the call.  st_be_sched_install(fn) installs fn
 * (NULL: removes it) process-wide and returns false when this build has no
 * yield points (other minissl builds, OpenSSL): statement-level control
 * only.  Call it while no scenario thread runs. */
enum { ST_SP_YIELD, ST_SP_NOTE, ST_SP_BLOCKED, ST_SP_RELEASE };
struct st_sched_point {
    const char *label;          /* "ssl.refcount.dec" */
    const char *kind;           /* "SSL", "lock", ... */
    unsigned long id;           /* minissl object id, 0 if none */
    const void *obj;            /* matches BLOCKED with RELEASE */
    long before, after;         /* NOTE values, or LONG_MIN */
    const char *what;           /* NOTE: "freed", ... or NULL */
};
typedef void (*st_sched_point_fn)(int ev, const struct st_sched_point *p);
bool st_be_sched_available(void);
bool st_be_sched_install(st_sched_point_fn fn);

/* Harness-internal sections: code of the backend that holds a lock of its
 * own (a pthread mutex the scheduler does not see, such as the peer's
 * table of sessions to offer) while it calls minissl.  Inside one, the
 * installed fn receives no YIELD and no NOTE from this thread (no
 * scheduling point, no trace step): the scheduler must not park a thread
 * that holds a lock another scenario thread may wait for in
 * pthread_mutex_lock, which would hang the iteration (the watchdog then
 * reports a timeout).  BLOCKED and RELEASE still reach fn.  Nestable, per
 * thread; without an installed fn (free-running runs, OpenSSL) they only
 * count.
 *
 *     st_be_internal_enter();
 *     pthread_mutex_lock(&table_lock);
 *     ... minissl calls ...
 *     pthread_mutex_unlock(&table_lock);
 *     st_be_internal_leave(); */
void st_be_internal_enter(void);
void st_be_internal_leave(void);

#endif
