/* Diagnosis of reference-count misuse; see refcount.h for the counting. */
#include <stdio.h>
#include <stdlib.h>

#include "refcount.h"

_Noreturn void ms_ref_misuse(const char *type, unsigned long id, int old,
                             const char *op)
{
    const char *what;

    if (old <= 0)
        what = old == 0 ? (op[0] == 'f' ? "double free" : "up_ref after free")
                        : "count below zero";
    else
        what = "reference count saturated";
    fprintf(stderr, "minissl: %s of %s #%lu (%s with count %d)\n",
            what, type, id, op, old);
    fflush(stderr);
    abort();
}
