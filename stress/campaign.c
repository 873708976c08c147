/* A campaign: running and reporting the scenarios of one `sslstress run`.
 * See campaign.h. */
#include "campaign.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "backend_inspect.h"
#include "controlled.h"
#include "detector.h"
#include "failure.h"
#include "history.h"
#include "measure.h"
#include "progress.h"
#include "report.h"
#include "result.h"
#include "runner.h"
#include "shard.h"

/* --shrink of a failure that killed its child (a crash, an abort, a
 * deadlock): the child could not shrink it itself, so each bound of the
 * search gets a child of its own.  dfs:preemptions=B for B = 0, 1, ...
 * below the failure's count (at most 2000 schedules or 5 s each, going on
 * past failures that do not kill); the first child that dies the same way
 * (kind and signal) gives the shrunk schedule.  None: the original is the
 * smallest found. */
static void shrink_dead(const struct st_scenario *sc, const struct st_opts *o,
                        struct st_result *res)
{
    struct st_failure *f = &res->failures[0];
    struct st_sched_spec sp;
    struct st_opts so = *o;
    struct st_range rg = { 0, 2000 };

    memset(&sp, 0, sizeof(sp));
    sp.kind = ST_SCHED_DFS;
    so.sched = &sp;
    so.iterations = 2000;
    so.max_failures = 0;       /* past other failures, to a death */
    so.keep_failures = 1;
    so.seconds = 5;
    so.start = 0;
    so.shard_index = 0;
    so.shard_count = 1;
    for (unsigned b = 0; b < f->preemptions; b++) {
        struct st_result one;
        const struct st_failure *g;

        sp.preemptions = b;
        if (st_run_isolated(sc, &so, &rg, 1, &one, NULL, NULL) != 0)
            return;
        g = one.nfailures > 0 ? &one.failures[0] : NULL;
        if (g != NULL && g->schedule != NULL && g->kind != NULL &&
            strcmp(g->kind, f->kind) == 0 && g->signal == f->signal) {
            free(f->schedule_shrunk);
            f->schedule_shrunk = strdup(g->schedule);
            f->shrunk_preemptions = g->preemptions;
            f->shrunk_steps = g->steps;
            st_result_free(&one);
            return;
        }
        st_result_free(&one);
    }
    free(f->schedule_shrunk);
    f->schedule_shrunk = strdup(f->schedule);
    f->shrunk_preemptions = f->preemptions;
    f->shrunk_steps = f->steps;
}

/* Controlled mode, after a scenario's failures: schedules explored and
 * their rate, dfs's exhaustion, each schedule's preemptions and steps. */
static void print_controlled(FILE *out, const struct st_scenario *sc,
                             const struct st_opts *o,
                             const struct st_result *r)
{
    double secs = r->schedule_seconds > 0 ? r->schedule_seconds : r->seconds;

    if (r->schedule == NULL || strcmp(r->schedule, "free") == 0 ||
        r->verdict == ST_SKIP)
        return;
    fprintf(out, "  schedules: %" PRIu64 " in %.2f s (%.0f schedules/s)\n",
            r->schedules, secs,
            secs > 0 ? (double)r->schedules / secs : 0.0);
    if (r->exhausted)
        fprintf(out, "  %s exhausted: %" PRIu64 " schedules\n", r->schedule,
                r->schedules);
    /* The failure's own lines (st_failure_print) carry the schedules with
     * their preemptions and steps; the shrunk one's replay command is
     * here. */
    for (size_t k = 0; k < r->nfailures; k++) {
        const struct st_failure *f = &r->failures[k];
        char *cmd = st_sched_replay_command(sc, o, f->schedule_shrunk,
                                            f->history);

        if (cmd != NULL)
            fprintf(out, "  replay shrunk (%u preemption%s, %u step%s; "
                    "original %u, %u): %s\n",
                    f->shrunk_preemptions,
                    f->shrunk_preemptions == 1 ? "" : "s", f->shrunk_steps,
                    f->shrunk_steps == 1 ? "" : "s", f->preemptions,
                    f->steps, cmd);
        free(cmd);
    }
}

/* --require-report: why |r| (of |sc|) does not count as a confirmed run,
 * or NULL. */
static const char *unconfirmed(const struct st_scenario *sc,
                               const struct st_result *r)
{
    if (r->verdict == ST_SKIP)
        return "was skipped";
    if (sc->expect_race && r->verdict == ST_PASS && r->detector_reports == 0)
        return "races on purpose (expect race) and passed without a "
               "detector report";
    return NULL;
}

/* The iteration ranges of scenario |i|'s |planned| iterations: --start's,
 * or this shard's (|*unit_base| counts the shard units of the scenarios
 * before it).  Returns how many; |rg| holds st_shard_chunks() entries. */
static size_t ranges(const struct st_opts *o, uint64_t planned,
                     uint64_t *unit_base, struct st_range *rg,
                     uint64_t chunks)
{
    size_t nrg;

    if (o->start > 0) {
        rg[0].begin = o->start < planned ? o->start : planned;
        rg[0].end = planned;
        nrg = rg[0].begin < rg[0].end;
    } else {
        nrg = st_shard_ranges(planned, *unit_base, o->shard_index,
                              o->shard_count, rg, chunks);
    }
    *unit_base += chunks;
    return nrg;
}

/* Scenario |sc| into |res|: skipped, in this process (after |earlier|
 * others that ran in it), or in a child; then --shrink of a failure that
 * killed its child, and the check that each failure's replay recreates
 * its state (history.h).  0 or a negative errno (the run could not be
 * made). */
static int run_one(const struct st_campaign *c, const struct st_opts *o,
                   const struct st_scenario *sc, const struct st_range *rg,
                   size_t nrg, size_t earlier, struct st_progress *pg,
                   struct st_result *res)
{
    char why[512];
    const char *missing = st_scenario_lacks(sc, why, sizeof(why));
    int e;

    if (missing == NULL)
        missing = st_detector_missing(sc);  /* expect race */
    if (missing == NULL && !o->alloc_failures)
        missing = st_be_sweep_lacks(sc, why, sizeof(why));
    if (missing != NULL)
        e = st_result_skip(sc, o, missing, res);
    else if (c->no_fork)
        e = st_run_scenario(sc, o, rg, nrg, NULL, res);
    else
        e = st_run_isolated(sc, o, rg, nrg, res, st_progress_tick, pg);
    if (e == 0 && c->shrink && !c->no_fork && res->nfailures > 0 &&
        res->failures[0].schedule != NULL &&
        res->failures[0].schedule_shrunk == NULL && st_result_died(res))
        shrink_dead(sc, o, res);
    /* Each replay it prints must start from the state its failure started
     * from: checked in fresh children (history.h). */
    if (e == 0 && !c->no_fork && res->nfailures > 0)
        e = st_history_check(sc, o, rg, nrg, res);
    else if (e == 0 && res->nfailures > 0)
        e = st_history_unchecked(sc, o, rg, nrg, earlier, res);
    return e;
}

/* The reports the command line asked for; 0, or 2 when one failed. */
static int write_reports(const struct st_campaign *c, const struct st_run *run)
{
    int status = 0;

    if (c->json != NULL && st_run_write_json(run, c->json) != 0) {
        fprintf(stderr, "%s: %s: could not write the JSON report\n", c->prog,
                c->json);
        status = 2;
    }
    if (c->junit != NULL && st_run_write_junit(run, c->junit) != 0) {
        fprintf(stderr, "%s: %s: could not write the JUnit report\n",
                c->prog, c->junit);
        status = 2;
    }
    if (c->html != NULL && st_run_write_html(run, c->html) != 0) {
        fprintf(stderr, "%s: %s: could not write the HTML report\n", c->prog,
                c->html);
        status = 2;
    }
    return status;
}

/* The run's header: what the reports say about the whole run. */
static int run_head(const struct st_campaign *c, size_t n, struct st_run *run)
{
    const struct st_opts *o = &c->o;
    char sched[64] = "free";

    memset(run, 0, sizeof(*run));
    if (o->sched != NULL)
        st_sched_spec_name(o->sched, sched, sizeof(sched));
    run->schedule = strdup(sched);
    run->shrink = c->shrink;
    run->tool_version = strdup(c->tool_version);
    run->backend = strdup(st_be_name());
    run->backend_version = strdup(st_be_version());
    run->seed = o->seed;
    run->jitter = strdup(st_jitter_name(o->jitter));
    run->iterations = o->iterations;
    run->duration = c->duration;
    run->max_failures = o->max_failures;
    run->affinity = strdup(st_affinity_name(o->affinity));
    run->shard_index = o->shard_index;
    run->shard_count = o->shard_count;
    run->command = strdup(c->command);
    run->results = calloc(n, sizeof(*run->results));
    if (run->tool_version == NULL || run->backend == NULL ||
        run->backend_version == NULL || run->jitter == NULL ||
        run->affinity == NULL || run->command == NULL || run->results == NULL
        || run->schedule == NULL)
        return -1;
    return 0;
}

int st_campaign_run(struct st_campaign *c, char *const *paths,
                    struct st_scenario *const *sc, size_t n)
{
    struct st_opts *o = &c->o;
    struct st_run run;
    struct st_progress pg;
    FILE *txt = c->json != NULL && strcmp(c->json, "-") == 0
              ? stderr : stdout;  /* stdout carries the JSON */
    double run_start = st_now_s();
    uint64_t unit_base = 0;
    size_t ran = 0;             /* scenarios run so far (--no-fork: in this
                                   process) */
    int status = 2, color, e;

    if (run_head(c, n, &run) != 0) {
        fprintf(stderr, "%s: out of memory\n", c->prog);
        goto out;
    }
    st_progress_init(&pg, txt, c->quiet, c->no_color);
    color = pg.color;
    /* Parameters first: a run is reproducible from this block. */
    st_run_print_params(txt, &run);
    if (o->sched != NULL) {
        char name[64];

        st_sched_spec_name(o->sched, name, sizeof(name));
        fprintf(txt, "schedule: %s%s (controlled: one thread at a time; "
                "scheduling points: statements%s)\n", name,
                c->shrink ? " --shrink" : "",
                st_be_sched_available() ? " and minissl yield points" : "");
    }
    fprintf(txt, "scenarios: %zu\n\n", n);
    fflush(txt);

    for (size_t i = 0; i < n; i++) {
        struct st_result *res = &run.results[i];
        uint64_t planned = st_planned_iterations(sc[i], o);
        uint64_t chunks = st_shard_chunks(planned, o->shard_count);
        struct st_range *rg = calloc(chunks ? chunks : 1, sizeof(*rg));
        size_t nrg;

        if (rg == NULL)
            goto out;
        nrg = ranges(o, planned, &unit_base, rg, chunks);
        /* --duration: what is left, shared by the scenarios still to run
         * (one that ends early, by its iterations, leaves time to the
         * others). */
        if (c->duration > 0) {
            double left = c->duration - (st_now_s() - run_start);

            o->seconds = left > 0.01 * (double)(n - i)
                       ? left / (double)(n - i) : 0.01;
        }
        st_progress_begin(&pg, i + 1, n, sc[i]->name);
        e = run_one(c, o, sc[i], rg, nrg, ran, &pg, res);
        ran += res->verdict != ST_SKIP;
        free(rg);
        if (e != 0) {
            st_progress_clear(&pg);
            fprintf(stderr, "%s: %s: the run failed: %s\n", c->prog,
                    paths[i], strerror(-e));
            /* Keep the table complete: an ERROR result for this file. */
            if (st_result_skip(sc[i], o, strerror(-e), res) == 0)
                res->verdict = ST_ERROR;
        }
        run.nresults = i + 1;
        st_progress_end(&pg, res);
        if (!c->quiet && res->nrows > 0)
            st_result_print_outcomes(txt, res, color);
        for (size_t k = 0; k < res->nfailures; k++)
            st_failure_print(txt, res, &res->failures[k], color);
        /* A known race stays visible where the scenario passes by it. */
        st_result_print_expected(txt, res, color);
        print_controlled(txt, sc[i], o, res);
        if (res->schedule_misfit)
            fprintf(stderr, "%s: %s: %s\n", c->prog, paths[i], res->reason);
        if (!c->quiet && (res->nrows > 0 || res->nfailures > 0 ||
                          res->nexpected > 0))
            fputc('\n', txt);
        fflush(txt);
    }
    for (size_t i = 0; i < run.nresults; i++)
        run.seconds += run.results[i].seconds;

    status = st_run_exit_status(&run);
    for (size_t i = 0; i < run.nresults; i++) {
        const char *why = c->require_report
                        ? unconfirmed(sc[i], &run.results[i]) : NULL;

        if (run.results[i].schedule_misfit)
            status = 2;
        if (why != NULL) {
            fprintf(stderr, "%s: %s: --require-report: %s\n", c->prog,
                    paths[i], why);
            if (status == 0)
                status = 1;
        }
    }
    fputc('\n', txt);
    st_run_print_summary(txt, &run, status, color);
    fflush(txt);
    if (write_reports(c, &run) != 0)
        status = 2;
 out:
    st_run_free(&run);
    return status;
}
