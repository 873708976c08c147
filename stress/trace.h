/* The interleaving of one controlled-mode iteration, step by step: what the
 * scheduler (controlled.c) records and the timeline renderers (timeline.c) draw.
 *
 * A step is one scheduling point that ran: a statement boundary of the
 * scenario ("stmt", with the statement's text) or a minissl yield point
 * (<minissl/sched.h>: its label, object, and the values its NOTE carried).
 * Steps are in execution order; exactly one thread ran at a time. */
#ifndef ST_TRACE_H
#define ST_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ST_TRACE_NOVALUE (-0x7fffffffffffffffL - 1)   /* == LONG_MIN */

struct st_trace_step {
    unsigned thread;        /* index into the scenario's threads */
    char label[40];         /* "ssl.refcount.dec", or "stmt" */
    char obj[32];           /* "SSL#3", "lock SSL#3", or "" */
    char text[64];          /* stmt: the statement ("free s"); else "" */
    long before, after;     /* values seen / written, or ST_TRACE_NOVALUE */
    char what[24];          /* "freed", "blocked", "deadlock", or "" */
    bool preempted;         /* the scheduler switched to this thread here
                             * while the previous one could still run */
};

struct st_trace {
    struct st_trace_step *steps;
    size_t n, cap;
    unsigned nthreads;
    const char *const *thread_names;    /* nthreads names; not owned */
    size_t first;           /* the iteration's step number (0-based) of
                             * steps[0]: 0, except for a crashed child's
                             * trace, which keeps only its last steps */
    char fired[256];        /* what fired at the last step ("" if none):
                             * "quarantine hit: SSL#3 used after free" */
};

/* Append a step (copying strings, truncating); 0 or -ENOMEM. */
int st_trace_add(struct st_trace *t, const struct st_trace_step *s);
void st_trace_clear(struct st_trace *t);   /* n = 0, keeps the buffer */
void st_trace_free(struct st_trace *t);

/* Renderers (timeline.c).  Text: one column per thread, one row per step
 * ("SSL#3 refcount 1 -> 0, freed"), ending with the fired line.  JSON: an
 * object {"threads": [...], "steps": [{...}], "fired": "..."} as a jansson
 * json_t * (returned as void * so that this header needs no jansson), NULL
 * on ENOMEM.  SVG: one self-contained <svg> element (no external assets),
 * for the HTML report; a malloc'd string or NULL. */
void st_timeline_text(FILE *out, const struct st_trace *t, bool color);
void *st_timeline_json(const struct st_trace *t);
char *st_timeline_svg(const struct st_trace *t);

/* The trace back from st_timeline_json's object |json| (a json_t *): how a
 * failure's timeline crosses from the forked child to the parent, and
 * into `sslstress merge`.  0 and *out a new trace, freed with
 * st_trace_free(t) then free(t); unlike a recorded trace it owns its
 * thread names (they live in the same block as *out).  -EINVAL with the
 * reason in err ("steps[3].thread: ..."), or -ENOMEM; *out NULL. */
int st_timeline_from_json(const void *json, struct st_trace **out,
                          char *err, size_t errlen);

#endif
