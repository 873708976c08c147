/* Diagnosis of reference-count misuse; see refcount.h for the counting.
 *
 * The diagnosis is counted and kept (minissl/inspect.h:
 * minissl_misuse_count, minissl_last_misuse) before the abort, so that a
 * SIGABRT handler, such as the harness's, can report what was diagnosed.
 * |old| INT_MIN marks a pointer that is not a minissl object of the
 * expected type at all (obj.c). */
#include <limits.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refcount.h"

static atomic_ulong misuses;
static char last_misuse[160];

_Noreturn void ms_contract_abort(const char *fmt, ...)
{
    va_list ap;

    /* relaxed: a tally; the process aborts right after. */
    atomic_fetch_add_explicit(&misuses, 1, memory_order_relaxed);
    va_start(ap, fmt);
    vsnprintf(last_misuse, sizeof(last_misuse), fmt, ap);
    va_end(ap);
    fprintf(stderr, "minissl: %s\n", last_misuse);
    fflush(stderr);
    abort();
}

unsigned long minissl_misuse_count(void);
const char *minissl_last_misuse(void);

_Noreturn void ms_ref_misuse(const char *type, unsigned long id, int old,
                             const char *op)
{
    const char *what;

    if (old == INT_MIN)
        what = "use of an invalid object";
    else if (old <= 0 && strcmp(op, "free") == 0)
        what = old == 0 ? "double free" : "free with a count below zero";
    else if (old <= 0 && strcmp(op, "up_ref") == 0)
        what = "up_ref after free";
    else if (old <= 0)
        what = "use after free";
    else
        what = "saturated reference count";
    if (old == INT_MIN)
        ms_contract_abort("%s: %s called on a pointer that is not a live %s",
                          what, op, type);
    ms_contract_abort("%s of %s #%lu (%s with count %d)", what, type, id, op,
                      old);
}

unsigned long minissl_misuse_count(void)
{
    return atomic_load_explicit(&misuses, memory_order_relaxed);
}

const char *minissl_last_misuse(void)
{
    return last_misuse;
}
