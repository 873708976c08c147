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
#define REPLAY_BUDGET 10        /* a free-running replay: the run's budget, times */

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

char *st_history_string(const char *spec, const struct st_range *rg,
                        size_t nrg)
{
    char *ranges = st_ranges_format(rg, nrg), *h = NULL;

    if (ranges != NULL && asprintf(&h, "%s %s", spec, ranges) < 0)
        h = NULL;
    free(ranges);
    return h;
}

/* The history a replay of run |o| carries: |f_history| when the failure
 * has one, else the replay's own (o->history: a failure of a replay). */
static char *history_of(const struct st_opts *o, const char *f_history)
{
    char spec[64];

    if (f_history != NULL)
        return strdup(f_history);
    if (o->history == NULL)
        return NULL;
    st_sched_spec_name(o->history->spec, spec, sizeof(spec));
    return st_history_string(spec, o->history->rg, o->history->nrg);
}

int st_failure_replay(struct st_failure *f, const struct st_scenario *sc,
                      const struct st_opts *o)
{
    bool controlled = o->sched != NULL && o->sched->kind != ST_SCHED_FREE;
    const char *ranges;

    free(f->replay);
    if (controlled) {
        f->replay = st_sched_replay_command(sc, o, f->schedule, f->history);
        return f->replay != NULL || f->schedule == NULL ? 0 : -ENOMEM;
    }
    /* Free-running with a history: run from its first iteration on. */
    ranges = f->history != NULL ? strchr(f->history, ' ') : NULL;
    f->replay = st_replay_command(sc, o, ranges != NULL
                                  ? strtoull(ranges + 1, NULL, 10)
                                  : f->iteration);
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
                              const struct st_opts *o, const char *schedule,
                              const char *history)
{
    char *cmd = NULL, *h;
    const char *path = sc->path != NULL ? sc->path : "SCENARIO", *ranges;
    int n;

    if (schedule == NULL)
        return NULL;
    h = history_of(o, history);
    ranges = h != NULL ? strchr(h, ' ') : NULL;
    if (h != NULL && ranges == NULL) {
        free(h);
        return NULL;
    }
    if (h != NULL)
        n = asprintf(&cmd, "%s replay %s%s%s --schedule '%s' --history %.*s "
                     "--history-iterations %s --seed %" PRIu64,
                     o->argv0 != NULL ? o->argv0 : "sslstress",
                     shell_safe(path) ? "" : "'", path,
                     shell_safe(path) ? "" : "'", schedule,
                     (int)(ranges - h), h, ranges + 1, o->seed);
    else
        n = asprintf(&cmd, "%s replay %s%s%s --schedule '%s'",
                     o->argv0 != NULL ? o->argv0 : "sslstress",
                     shell_safe(path) ? "" : "'", path,
                     shell_safe(path) ? "" : "'", schedule);
    free(h);
    return n < 0 ? NULL : cmd;
}

char *st_replay_command(const struct st_scenario *sc, const struct st_opts *o,
                        uint64_t iteration)
{
    char aff[32] = "";
    char *cmd = NULL;
    const char *path = sc->path != NULL ? sc->path : "SCENARIO";
    uint64_t planned = st_planned_iterations(sc, o), end = UINT64_MAX;
    int n;

    /* A race comes back at its own rate, not at the iteration it came
     * at: a run that found it in |planned| iterations makes about one in
     * that many fail, so REPLAY_BUDGET times as many from |iteration| on
     * miss it with a chance near e^-REPLAY_BUDGET, where what was left of
     * the run's budget could be nothing.  The replay ends at its first
     * failure (--max-failures 1), so a failure that comes back at once
     * costs no more. */
    /* A run that only its --duration bounded planned no count: it came at
     * the failure in |iteration| + 1 iterations, the rate to budget by. */
    if (planned == ST_DURATION_ITERATIONS)
        planned = iteration + 1;
    if (planned <= (UINT64_MAX - iteration) / REPLAY_BUDGET)
        end = iteration + REPLAY_BUDGET * planned;

    if (o->affinity != ST_AFFINITY_NONE)
        snprintf(aff, sizeof(aff), " --affinity %s",
                 st_affinity_name(o->affinity));
    n = asprintf(&cmd, "%s run --seed %" PRIu64 " --jitter %s --start %"
                 PRIu64 " --iterations %" PRIu64 "%s%s %s%s%s",
                 o->argv0 != NULL ? o->argv0 : "sslstress", o->seed,
                 st_jitter_name(o->jitter), iteration, end, aff,
                 o->alloc_failures ? " --alloc-failures" : "",
                 shell_safe(path) ? "" : "'", path,
                 shell_safe(path) ? "" : "'");
    return n < 0 ? NULL : cmd;
}
