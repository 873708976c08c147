/* <minissl/fault.h>: seeded faults, for proving that the harness and the
 * detectors catch real classes of reference-counting bugs.
 *
 * A fault is a deliberate bug compiled into minissl only when it is built
 * with -DMINISSL_FAULTS (make VARIANT=faults, tsan-faults, asan-faults).
 * Each is off by default and switched on at run time by name, either with
 * minissl_fault_enable() or with the environment variable
 * MINISSL_FAULT=NAME[,NAME...], read once when the library is loaded.
 * In a normal build the hooks compile to nothing (MS_FAULT(x) is 0), no
 * fault can be enabled, and the catalogue is still listed.
 *
 * The catalogue (names, one-line descriptions, the real bug each models)
 * is doc/seeded-bugs.md; scenarios/bugs/NAME.scn reproduces fault NAME.
 *
 * Concurrency: enable/disable/reset before the threads that should see the
 * change start (the switch is a relaxed atomic word: a thread already
 * running may see the old setting for a while).  The list is constant. */
#ifndef MINISSL_FAULT_H
#define MINISSL_FAULT_H

#include <stddef.h>

struct minissl_fault_info {
    const char *name;       /* "ssl_ref_nonatomic": an identifier */
    const char *about;      /* one line: what the fault does */
    const char *models;     /* the real bug class / CVE it models */
};

/* 1 when this library was built with -DMINISSL_FAULTS. */
int minissl_faults_built(void);
/* Switches fault |name| on: 1 if it is known and this is a faults build,
 * 0 otherwise (unknown name, or a normal build). */
int minissl_fault_enable(const char *name);
/* Switches it off again: 1 if known, else 0. */
int minissl_fault_disable(const char *name);
/* Every fault off. */
void minissl_fault_reset(void);
/* 1 if fault |name| is on. */
int minissl_fault_enabled(const char *name);
/* The catalogue, constant, in every build: *n entries. */
const struct minissl_fault_info *minissl_fault_list(size_t *n);

#endif
