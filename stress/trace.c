/* The step log of a controlled iteration.  See trace.h. */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int st_trace_add(struct st_trace *t, const struct st_trace_step *s)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct st_trace_step *p = realloc(t->steps, cap * sizeof(*p));

        if (p == NULL)
            return -ENOMEM;
        t->steps = p;
        t->cap = cap;
    }
    t->steps[t->n++] = *s;      /* fixed-size strings: copied whole */
    return 0;
}

void st_trace_clear(struct st_trace *t)
{
    t->n = 0;
    t->fired[0] = '\0';
}

void st_trace_free(struct st_trace *t)
{
    free(t->steps);
    t->steps = NULL;
    t->n = t->cap = 0;
}
