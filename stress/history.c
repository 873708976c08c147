/* History: failures that need the iterations before them.  See history.h. */
#include "history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlled.h"
#include "failure.h"
#include "measure.h"

#define FREE_TRIES 8            /* fresh runs of a free-running iteration */
#define FREE_SECONDS 2.0        /* ... within this long */

static bool streq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* |r| failed as |f| did: kind and signal, and in controlled mode
 * (|steps|, not 0) at the same step. */
static bool fails_like(const struct st_result *r, const struct st_failure *f,
                       unsigned steps)
{
    const struct st_failure *g = r->nfailures > 0 ? &r->failures[0] : NULL;

    return g != NULL && !r->schedule_misfit && streq(g->kind, f->kind) &&
           g->signal == f->signal && (steps == 0 || g->steps == steps);
}

/* The parts of |rg| before iteration |it|: malloc'ed, |*nb| entries
 * holding |*n| iterations; NULL on ENOMEM. */
static struct st_range *ranges_before(const struct st_range *rg, size_t nrg,
                                      uint64_t it, size_t *nb, uint64_t *n)
{
    struct st_range *out = calloc(nrg > 0 ? nrg : 1, sizeof(*out));
    size_t k = 0;

    *n = 0;
    for (size_t i = 0; out != NULL && i < nrg && rg[i].begin < it; i++) {
        out[k].begin = rg[i].begin;
        out[k].end = rg[i].end < it ? rg[i].end : it;
        *n += out[k].end - out[k].begin;
        k++;
    }
    *nb = k;
    return out;
}

/* |f| needs the |nb| ranges |before| of strategy |spec|: f->history, and
 * the replay that runs them first; their text into |*ranges| (to free).
 * 0 or -ENOMEM. */
static int give_history(struct st_failure *f, const struct st_scenario *sc,
                        const struct st_opts *o, const char *spec,
                        const struct st_range *before, size_t nb,
                        char **ranges)
{
    free(f->history);
    if ((f->history = st_history_string(spec, before, nb)) == NULL ||
        (*ranges = st_ranges_format(before, nb)) == NULL ||
        st_failure_replay(f, sc, o) != 0)
        return -ENOMEM;
    return 0;
}

/* Iteration |it| of |sc| alone, in a fresh child: free-running as |o|
 * says, or (|sched|) under that schedule after history |h| (may be NULL).
 * Everything else is the run's own (seed, jitter, affinity). */
static int run_once(const struct st_scenario *sc, const struct st_opts *o,
                    const struct st_sched_spec *sched,
                    const struct st_history *h, uint64_t it,
                    struct st_result *res)
{
    struct st_opts so = *o;
    struct st_range rg = { it, it + 1 };

    so.sched = sched != NULL ? sched : o->sched;
    so.history = h;
    so.max_failures = 1;
    so.keep_failures = 1;
    so.seconds = 0;
    so.start = 0;
    so.shard_index = 0;
    so.shard_count = 1;
    so.quiet_child = true;      /* its messages are the run's already */
    so.log_tag = "replay-try";  /* the failure's own log stays as it was */
    return st_run_isolated(sc, &so, &rg, 1, res, NULL, NULL);
}

/* Append sentence |s| to f->replay_note ("; " between two). */
static int add_note(struct st_failure *f, const char *s)
{
    char *n = NULL;

    if (s == NULL)
        return -ENOMEM;
    if (asprintf(&n, "%s%s%s", f->replay_note != NULL ? f->replay_note : "",
                 f->replay_note != NULL ? "; " : "", s) < 0)
        return -ENOMEM;
    free(f->replay_note);
    f->replay_note = n;
    return 0;
}

/* A shrunk schedule that does not fail again from the state its failure's
 * replay starts from (after |h|, or a fresh start) is not shown. */
static int check_shrunk(const struct st_scenario *sc, const struct st_opts *o,
                        const struct st_history *h, struct st_failure *f)
{
    struct st_sched_spec rp = { .kind = ST_SCHED_REPLAY,
                                .replay = f->schedule_shrunk };
    struct st_result one;
    char *msg = NULL;
    bool ok;
    int e;

    if ((e = run_once(sc, o, &rp, h, f->iteration, &one)) != 0)
        return e;
    ok = fails_like(&one, f, f->shrunk_steps);
    st_result_free(&one);
    if (ok)
        return 0;
    if (asprintf(&msg, "the shrunk schedule %s does not fail again %s; "
                 "it is not shown", f->schedule_shrunk,
                 h != NULL ? "after that history" : "from a fresh start") < 0)
        msg = NULL;
    e = add_note(f, msg);
    free(msg);
    free(f->schedule_shrunk);
    f->schedule_shrunk = NULL;
    f->shrunk_preemptions = f->shrunk_steps = 0;
    return e;
}

/* Controlled failure |f| of a process that ran |rg| under o->sched. */
static int check_controlled(const struct st_scenario *sc,
                            const struct st_opts *o,
                            const struct st_range *rg, size_t nrg,
                            struct st_failure *f)
{
    struct st_sched_spec rp = { .kind = ST_SCHED_REPLAY,
                                .replay = f->schedule };
    struct st_history h = { .spec = o->sched };
    struct st_range *before = NULL;
    struct st_result one;
    char spec[64], *ranges = NULL, *msg = NULL;
    bool alone = true, after;
    uint64_t n = 0;
    int e = 0;

    if (nrg > 0 && f->iteration > rg[0].begin) {
        if ((e = run_once(sc, o, &rp, NULL, f->iteration, &one)) != 0)
            return e;
        alone = fails_like(&one, f, f->steps);
        st_result_free(&one);
    }
    if (alone)
        return f->schedule_shrunk != NULL ? check_shrunk(sc, o, NULL, f) : 0;
    /* It needs its history: the schedules the run made before it. */
    if ((before = ranges_before(rg, nrg, f->iteration, &h.nrg, &n)) == NULL)
        return -ENOMEM;
    h.rg = before;
    st_sched_spec_name(o->sched, spec, sizeof(spec));
    if ((e = run_once(sc, o, &rp, &h, f->iteration, &one)) != 0)
        goto out;
    after = fails_like(&one, f, f->steps);
    st_result_free(&one);
    if ((e = give_history(f, sc, o, spec, before, h.nrg, &ranges)) != 0)
        goto out;
    if (asprintf(&msg, after
                 ? "alone, from a fresh start, this schedule does not fail "
                   "the same way: it needs what the %" PRIu64 " schedule%s "
                   "the run made before it (iterations %s of %s) left in "
                   "the process, and the replay runs them first"
                 : "alone, from a fresh start, this schedule does not fail "
                   "the same way, nor after the %" PRIu64 " schedule%s the "
                   "run made before it (iterations %s of %s): something "
                   "outside the schedule and its history decides it (time, "
                   "randomness, addresses); the replay runs them first all "
                   "the same",
                 n, n == 1 ? "" : "s", ranges, spec) < 0)
        msg = NULL;
    if ((e = add_note(f, msg)) == 0 && f->schedule_shrunk != NULL)
        e = check_shrunk(sc, o, &h, f);
 out:
    free(msg);
    free(ranges);
    free(before);
    return e;
}

/* Free-running failure |f| of a process that ran |rg|. */
static int check_free(const struct st_scenario *sc, const struct st_opts *o,
                      const struct st_range *rg, size_t nrg,
                      struct st_failure *f)
{
    struct st_range *before;
    double t0 = st_now_s();
    char *ranges = NULL, *msg = NULL;
    unsigned tries = 0;
    uint64_t n;
    size_t nb;
    int e = 0;

    if (nrg == 0 || f->iteration <= rg[0].begin)
        return 0;
    while (tries < FREE_TRIES && (tries == 0 || st_now_s() - t0 < FREE_SECONDS)) {
        struct st_result one;
        bool ok;

        if ((e = run_once(sc, o, NULL, NULL, f->iteration, &one)) != 0)
            return e;
        ok = fails_like(&one, f, 0);
        st_result_free(&one);
        tries++;
        if (ok)
            return 0;
    }
    if ((before = ranges_before(rg, nrg, f->iteration, &nb, &n)) == NULL)
        return -ENOMEM;
    if ((e = give_history(f, sc, o, "free", before, nb, &ranges)) != 0)
        goto out;
    if (asprintf(&msg, "alone, from a fresh start, iteration %" PRIu64
                 " did not fail the same way in %u tr%s: it may need what "
                 "iterations %s left in its process, and the replay starts "
                 "at %" PRIu64 "%s",
                 f->iteration, tries, tries == 1 ? "y" : "ies", ranges,
                 before[0].begin,
                 nb > 1 ? " (its shard ran only those: the shard's own "
                          "command recreates them exactly)" : "") < 0)
        msg = NULL;
    e = add_note(f, msg);
 out:
    free(msg);
    free(ranges);
    free(before);
    return e;
}

int st_history_check(const struct st_scenario *sc, const struct st_opts *o,
                     const struct st_range *rg, size_t nrg,
                     struct st_result *res)
{
    bool controlled = o->sched != NULL && o->sched->kind != ST_SCHED_FREE;
    int e = 0;

    if (res->schedule_misfit)
        return 0;
    for (size_t k = 0; k < res->nfailures && e == 0; k++) {
        struct st_failure *f = &res->failures[k];

        /* A finding at the process's exit names no iteration to replay. */
        if (f->replay == NULL)
            continue;
        if (controlled && f->schedule != NULL)
            e = check_controlled(sc, o, rg, nrg, f);
        else if (!controlled)
            e = check_free(sc, o, rg, nrg, f);
    }
    return e;
}

int st_history_unchecked(const struct st_scenario *sc,
                         const struct st_opts *o, const struct st_range *rg,
                         size_t nrg, size_t earlier, struct st_result *res)
{
    bool controlled = o->sched != NULL && o->sched->kind != ST_SCHED_FREE;
    char spec[64] = "free", others[160] = "";
    int e = 0;

    if (controlled)
        st_sched_spec_name(o->sched, spec, sizeof(spec));
    if (earlier > 0)
        snprintf(others, sizeof(others), "%zu scenario%s ran before it in "
                 "this process, which no replay runs: without --no-fork "
                 "each scenario starts in a fresh process", earlier,
                 earlier == 1 ? "" : "s");
    for (size_t k = 0; k < res->nfailures && e == 0; k++) {
        struct st_failure *f = &res->failures[k];
        struct st_range *before;
        char *ranges = NULL, *msg = NULL;
        uint64_t n;
        size_t nb;

        if (f->replay == NULL || (controlled && f->schedule == NULL))
            continue;
        if (nrg == 0 || f->iteration <= rg[0].begin) {
            if (earlier > 0)
                e = add_note(f, others);
            continue;
        }
        if ((before = ranges_before(rg, nrg, f->iteration, &nb, &n)) == NULL)
            return -ENOMEM;
        if ((e = give_history(f, sc, o, spec, before, nb, &ranges)) == 0 &&
            (controlled
             ? asprintf(&msg, "not checked (--no-fork: no fresh process "
                        "to check in): this process ran iterations %s of "
                        "%s before it, and the replay runs them first%s%s",
                        ranges, spec, earlier > 0 ? "; " : "", others)
             : asprintf(&msg, "not checked (--no-fork: no fresh process "
                        "to check in): this process ran iterations %s "
                        "before it, and the replay starts at %" PRIu64
                        "%s%s", ranges, before[0].begin,
                        earlier > 0 ? "; " : "", others)) < 0)
            msg = NULL;
        if (e == 0)
            e = add_note(f, msg);
        free(msg);
        free(ranges);
        free(before);
    }
    return e;
}

/* Add the outcome counts of |one| to the rows of |res| that show the same
 * values (a replay that ended elsewhere is counted by same_failures). */
static void add_counts(struct st_result *res, const struct st_result *one)
{
    for (size_t i = 0; i < one->nrows; i++)
        for (size_t k = 0; k < res->nrows; k++) {
            bool same = res->nlabels == one->nlabels;

            for (size_t l = 0; same && l < res->nlabels; l++)
                same = streq(res->rows[k].values[l], one->rows[i].values[l]);
            if (same) {
                res->rows[k].count += one->rows[i].count;
                break;
            }
        }
}

int st_replay_times(const struct st_scenario *sc, const struct st_opts *o,
                    uint64_t it, uint64_t times, bool no_fork,
                    struct st_result *res,
                    void (*tick)(void *arg, const struct st_shared *sh),
                    void *arg)
{
    struct st_range rg = { it, it + (no_fork ? times : 1) };
    const struct st_failure *f0;
    unsigned steps;
    int e;

    if (no_fork)
        return st_run_scenario(sc, o, &rg, 1, NULL, res);
    if ((e = st_run_isolated(sc, o, &rg, 1, res, tick, arg)) != 0 ||
        res->schedule_misfit)
        return e;
    f0 = res->nfailures > 0 ? &res->failures[0] : NULL;
    steps = f0 != NULL && f0->steps > 0 ? f0->steps : 0;
    res->same_failures = f0 != NULL;
    for (uint64_t k = 1; k < times; k++) {
        struct st_result one;

        if ((e = st_run_isolated(sc, o, &rg, 1, &one, tick, arg)) != 0) {
            st_result_free(res);
            memset(res, 0, sizeof(*res));
            return e;
        }
        res->iterations_run += one.iterations_run;
        res->iterations_failed += one.iterations_failed > 0;
        res->schedules += one.schedules;
        res->schedule_seconds += one.schedule_seconds;
        res->seconds += one.seconds;
        res->no_overlap += one.no_overlap;
        if (f0 != NULL && fails_like(&one, f0, steps))
            res->same_failures++;
        if (one.verdict == ST_FAIL && res->verdict == ST_PASS)
            res->verdict = ST_FAIL;
        add_counts(res, &one);
        st_result_free(&one);
    }
    return 0;
}
