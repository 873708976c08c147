/* Building failures.  See failure.h. */
#include "failure.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlled.h"

#define TRACE_MAX_LINES 200

static char *xstrdup(const char *s)
{
    return s == NULL ? NULL : strdup(s);
}

struct st_failure *st_failure_add(struct st_result *r, const struct st_opts *o,
                                  uint64_t it, const char *kind,
                                  const char *message)
{
    char *k = xstrdup(kind), *m = xstrdup(message);
    struct st_failure *nf, *f;

    if ((kind != NULL && k == NULL) || (message != NULL && m == NULL) ||
        (nf = realloc(r->failures,
                      (r->nfailures + 1) * sizeof(*nf))) == NULL) {
        free(k);
        free(m);
        return NULL;
    }
    r->failures = nf;
    f = &nf[r->nfailures++];
    memset(f, 0, sizeof(*f));
    f->iteration = it;
    f->seed = o->seed;
    f->kind = k;
    f->message = m;
    return f;
}

int st_failure_set_text(struct st_failure *f, const char *kind,
                        const char *message)
{
    char *k = xstrdup(kind), *m = xstrdup(message);

    if ((kind != NULL && k == NULL) || (message != NULL && m == NULL)) {
        free(k);
        free(m);
        return -ENOMEM;
    }
    free(f->kind);
    free(f->message);
    f->kind = k;
    f->message = m;
    return 0;
}

int st_failure_at(struct st_failure *f, const struct st_scenario *sc,
                  const struct st_stmt *st)
{
    char where[300];

    if (st == NULL)
        return 0;
    snprintf(where, sizeof(where), "%s:%d:%d", sc->path, st->loc.line,
             st->loc.col);
    free(f->where);
    return (f->where = strdup(where)) != NULL ? 0 : -ENOMEM;
}

int st_failure_threads(struct st_failure *f, const struct st_scenario *sc,
                       const unsigned *pos)
{
    f->nthreads = sc->nthreads;
    f->thread_names = calloc(sc->nthreads, sizeof(char *));
    f->thread_trace = calloc(sc->nthreads, sizeof(char *));
    if (f->thread_names == NULL || f->thread_trace == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < sc->nthreads; i++) {
        f->thread_names[i] = strdup(sc->threads[i].name);
        f->thread_trace[i] = st_block_trace(&sc->threads[i], pos[i]);
        if (f->thread_names[i] == NULL || f->thread_trace[i] == NULL)
            return -ENOMEM;
    }
    return 0;
}

int st_failure_replay(struct st_failure *f, const struct st_scenario *sc,
                      const struct st_opts *o)
{
    bool controlled = o->sched != NULL && o->sched->kind != ST_SCHED_FREE;

    free(f->replay);
    if (controlled) {
        f->replay = st_sched_replay_command(sc, o, f->schedule);
        return f->replay != NULL || f->schedule == NULL ? 0 : -ENOMEM;
    }
    f->replay = st_replay_command(sc, o, f->iteration);
    return f->replay != NULL ? 0 : -ENOMEM;
}

/* ---- traces ---------------------------------------------------------------- */

struct trace {
    char *buf;
    size_t len, cap;
    unsigned left;          /* statements still to list */
    unsigned lines;
    bool oom;
};

static void trace_add(struct trace *t, const char *s)
{
    size_t n = strlen(s);

    if (t->oom)
        return;
    if (t->len + n + 2 > t->cap) {
        size_t cap = (t->cap + n + 2) * 2;
        char *b = realloc(t->buf, cap);

        if (b == NULL) {
            t->oom = true;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
    if (t->len > 0)
        t->buf[t->len++] = '\n';
    memcpy(t->buf + t->len, s, n + 1);
    t->len += n;
}

static void trace_walk(struct trace *t, const struct st_stmt *st, size_t n)
{
    for (size_t i = 0; i < n && t->left > 0; i++) {
        char line[600];

        t->left--;
        if (t->lines < TRACE_MAX_LINES || t->left == 0) {
            snprintf(line, sizeof(line), "%d: %s", st[i].loc.line,
                     st[i].text != NULL ? st[i].text : "?");
            trace_add(t, line);
        } else if (t->lines == TRACE_MAX_LINES) {
            trace_add(t, "...");
        }
        t->lines++;
        if (st[i].op == ST_OP_REPEAT)
            for (long long k = 0; k < st[i].n && t->left > 0; k++)
                trace_walk(t, st[i].body, st[i].nbody);
    }
}

char *st_block_trace(const struct st_block *blk, unsigned pos)
{
    struct trace t = { .left = pos };

    trace_walk(&t, blk->stmts, blk->nstmts);
    if (t.buf == NULL && !t.oom)
        trace_add(&t, "(no statement started)");
    if (t.oom) {
        free(t.buf);
        return NULL;
    }
    return t.buf;
}

/* ---- replay commands -------------------------------------------------------- */

static bool shell_safe(const char *s)
{
    for (; *s != '\0'; s++)
        if (strchr("/._-+,:=@%", *s) == NULL &&
            !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

char *st_sched_replay_command(const struct st_scenario *sc,
                              const struct st_opts *o, const char *schedule)
{
    char *cmd = NULL;
    const char *path = sc->path != NULL ? sc->path : "SCENARIO";

    if (schedule == NULL)
        return NULL;
    if (asprintf(&cmd, "%s replay %s%s%s --schedule '%s'",
                 o->argv0 != NULL ? o->argv0 : "sslstress",
                 shell_safe(path) ? "" : "'", path,
                 shell_safe(path) ? "" : "'", schedule) < 0)
        return NULL;
    return cmd;
}

char *st_replay_command(const struct st_scenario *sc, const struct st_opts *o,
                        uint64_t iteration)
{
    char aff[32] = "";
    char *cmd = NULL;
    const char *path = sc->path != NULL ? sc->path : "SCENARIO";
    int n;

    if (o->affinity != ST_AFFINITY_NONE)
        snprintf(aff, sizeof(aff), " --affinity %s",
                 st_affinity_name(o->affinity));
    n = asprintf(&cmd, "%s run --seed %" PRIu64 " --jitter %s --start %"
                 PRIu64 " --iterations %" PRIu64 "%s %s%s%s",
                 o->argv0 != NULL ? o->argv0 : "sslstress", o->seed,
                 st_jitter_name(o->jitter), iteration,
                 st_planned_iterations(sc, o), aff,
                 shell_safe(path) ? "" : "'", path,
                 shell_safe(path) ? "" : "'");
    return n < 0 ? NULL : cmd;
}
