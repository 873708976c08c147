/* Helpers shared by the tests/stress suites (linked only into those). */
#ifndef STRESS_UTIL_H
#define STRESS_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <check.h>

#include "report.h"
#include "scenario.h"

/* Leak checks, as tests/lib's (testutil.h): tu_setup before each test;
 * after it, the backend's own material is released (st_be_cleanup: the
 * test key and certificate, the peer contexts, the remembered peer
 * sessions; the next st_be_init makes them again), and the teardown
 * asserts that no minissl object and no CRYPTO_malloc block is left alive
 * and, where the allocation hook below exists, that no heap block the
 * program allocated during the test (the harness's own, minissl's, from
 * any thread) is still live; what libc keeps for itself is not counted.
 * Checked fixture: a leak fails the test that left it. */
void tu_add_stress_leak_checks(TCase *tc);

/* Write TEXT to DIR/NAME and load it as a scenario; a load error prints its
 * diagnostic and fails the calling test. */
struct st_scenario *tu_load_scenario_text(const char *dir, const char *name,
                                          const char *text);

/* A suite's scratch directory: tu_make_tmpdir makes a fresh
 * /tmp/PREFIX.XXXXXX (failing the calling test when it cannot),
 * tu_remove_tmpdir removes it and everything in it (a failure is said on
 * stderr), and tu_load_text is tu_load_scenario_text there. */
void tu_make_tmpdir(const char *prefix);
void tu_remove_tmpdir(void);
struct st_scenario *tu_load_text(const char *name, const char *text);

/* Add the N TESTS to TC when the backend has every feature in REQUIRES
 * (st_be_missing); else say on stderr that SUITE registers none of them. */
void tu_add_tests_if(TCase *tc, unsigned requires, const char *suite,
                     const TTest *const tests[], size_t n);

/* st_run_merge of the N runs IN, its result freed: 0 or its error. */
int tu_merge_and_free(const struct st_run *in, size_t n, char *err,
                      size_t errlen);

/* Assert that the JSON report at PATH validates against
 * doc/sslstress-report.schema.json (tests/scripts/validate-report.py, run
 * from the top directory as every suite is; Debian's python3-jsonschema
 * validates, and the violations go to stderr).  Where /usr/bin/python3
 * has no jsonschema, says on stderr that WHO skipped the check and
 * returns false; else true. */
bool tu_assert_report_valid(const char *who, const char *path);

/* Occurrences of NEEDLE in HAY, overlapping ones included. */
size_t tu_count(const char *hay, const char *needle);

/* ---- failing allocations ---------------------------------------------
 * stress_util.c replaces malloc, calloc, realloc and free (glibc forwards
 * them to __libc_*) so that a suite can fail the Nth allocation and count
 * what is still live.  Disarmed (the default) they only forward.  Not
 * under ASan/TSan/MSan, whose runtimes own malloc: TU_ALLOC_HOOK is
 * defined only where the hook exists.  One thread at a time may arm it. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TU_NO_ALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) \
    || __has_feature(memory_sanitizer)
#define TU_NO_ALLOC_HOOK 1
#endif
#endif
#ifndef TU_NO_ALLOC_HOOK
#define TU_ALLOC_HOOK 1

/* While the sum of the deltas is positive, an armed hook fails nothing
 * (it still counts): for callees that cannot survive a failure. */
void tu_alloc_exempt(int delta);
/* False when our malloc is not the one called (Valgrind replaces it). */
bool tu_alloc_replaced(void);
/* For each OP below NOPS, call RUN(CTX, OP, ERR, ERRLEN) with allocation
 * 0, 1, 2, ... failing until a call reaches no failure; RUN returns 0 or
 * a negative errno (ERR: a message, "" before each call).  Asserts after
 * each call that nothing it allocated is still live, that it returned 0,
 * -ENOMEM or -EIO, and 0 when nothing failed; and that OP allocated at all.
 * NAMES[OP] names it in a failure. */
typedef int tu_alloc_op_fn(void *ctx, int op, char *err, size_t errlen);
void tu_alloc_fail_each(int nops, const char *const names[],
                        tu_alloc_op_fn *run, void *ctx);
#endif

#endif
