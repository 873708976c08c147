/* The plain-text reports: run parameters, the summary table printed at the
 * end of a run (and by merge), one scenario's outcome histogram in
 * jcstress's layout, and one failure with what replays it (in controlled
 * mode also its schedule strings and the timeline, timeline.c).  Every string
 * from a scenario or a crash goes through st_put_text, so it cannot drive
 * the terminal; colour only when the caller says so (it decides from
 * NO_COLOR and isatty). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "shard.h"

#define C_RESET "\033[0m"
#define C_RED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_MAGENTA "\033[1;35m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *verdict_colour(enum st_verdict v)
{
    switch (v) {
    case ST_PASS:
        return C_GREEN;
    case ST_FAIL:
        return C_RED;
    case ST_SKIP:
        return C_YELLOW;
    case ST_ERROR:
        return C_MAGENTA;
    }
    return "";
}

static const char *verdict_upper(enum st_verdict v)
{
    switch (v) {
    case ST_PASS:
        return "PASS";
    case ST_FAIL:
        return "FAIL";
    case ST_SKIP:
        return "SKIP";
    case ST_ERROR:
        return "ERROR";
    }
    return "?";
}

static const char *class_upper(enum st_class c)
{
    switch (c) {
    case ST_ACCEPTABLE:
        return "ACCEPTABLE";
    case ST_INTERESTING:
        return "INTERESTING";
    case ST_FORBIDDEN:
        return "FORBIDDEN";
    }
    return "?";
}

/* Columns |s| takes once printed by st_put_text(.., 0): escapes count
 * four, UTF-8 continuation bytes none. */
static size_t text_width(const char *s)
{
    size_t w = 0;

    if (s == NULL)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\t')
            w += 1;
        else if (*p == '\n')
            w += 2;
        else if (*p < 0x20 || *p == 0x7F)
            w += 4;
        else if ((*p & 0xC0) != 0x80)
            w += 1;
    }
    return w;
}

/* |s| left-aligned in |width| columns. */
static void put_cell(FILE *out, const char *s, size_t width)
{
    size_t w = text_width(s);

    st_put_text(out, s, 0);
    for (; w < width; w++)
        fputc(' ', out);
}

void st_run_print_params(FILE *out, const struct st_run *run)
{
    const char *v = run->tool_version ? run->tool_version : "?";

    if (strncmp(v, "sslstress", 9) != 0)
        fputs("sslstress ", out);
    st_put_text(out, v, 0);
    fputs("\nbackend: ", out);
    st_put_text(out, run->backend ? run->backend : "?", 0);
    if (run->backend_version != NULL) {
        fputs(" (", out);
        st_put_text(out, run->backend_version, 0);
        fputc(')', out);
    }
    fprintf(out, "\nseed: %" PRIu64 "\njitter: ", run->seed);
    st_put_text(out, run->jitter ? run->jitter : "none", 0);
    if (run->iterations > 0)
        fprintf(out, "\niterations: %" PRIu64, run->iterations);
    else
        fputs("\niterations: each file's own", out);
    if (run->duration > 0)
        fprintf(out, "\nduration: %gs", run->duration);
    else
        fputs("\nduration: none", out);
    fprintf(out, "\nmax-failures: %" PRIu64 "%s\naffinity: ", run->max_failures,
            run->max_failures == 0 ? " (run the whole budget)" : "");
    st_put_text(out, run->affinity ? run->affinity : "none", 0);
    if (run->shard_count > 1) {
        char shard[ST_SHARD_NAME_MAX];

        fprintf(out, "\nshard: %s", st_shard_name(shard, sizeof(shard),
                run->shard_index, run->shard_count));
    }
    if (run->command != NULL) {
        fputs("\ncommand: ", out);
        st_put_text(out, run->command, 0);
    }
    fputc('\n', out);
}

void st_run_totals(const struct st_run *run, struct st_totals *t)
{
    double secs = 0;

    memset(t, 0, sizeof(*t));
    t->scenarios = run->nresults;
    for (size_t i = 0; i < run->nresults; i++) {
        const struct st_result *r = &run->results[i];

        if ((unsigned)r->verdict < 4)
            t->verdicts[r->verdict]++;
        t->iterations_planned += r->iterations_planned;
        t->iterations_run += r->iterations_run;
        t->iterations_failed += r->iterations_failed;
        t->no_overlap += r->no_overlap;
        t->detector_reports += r->detector_reports;
        secs += r->seconds;
    }
    t->seconds = run->seconds > 0 ? run->seconds : secs;
}

double st_result_rate(const struct st_result *r)
{
    return r->seconds > 0 && isfinite(r->seconds)
           ? (double)r->iterations_run / r->seconds : 0;
}

void st_run_print_summary(FILE *out, const struct st_run *run, int color)
{
    size_t w = strlen("SCENARIO");
    struct st_totals t;

    for (size_t i = 0; i < run->nresults; i++) {
        size_t n = text_width(run->results[i].name);

        if (n > w)
            w = n;
    }
    fprintf(out, "%s", color ? C_BOLD : "");
    put_cell(out, "SCENARIO", w);
    fprintf(out, "  %-7s %12s %10s %12s %9s%s\n", "VERDICT", "ITERATIONS",
            "FAILURES", "RATE/s", "SECONDS", color ? C_RESET : "");
    for (size_t i = 0; i < run->nresults; i++) {
        const struct st_result *r = &run->results[i];

        put_cell(out, r->name ? r->name : "?", w);
        fprintf(out, "  %s%-7s%s %12" PRIu64 " %10" PRIu64 " ",
                color ? verdict_colour(r->verdict) : "",
                verdict_upper(r->verdict), color ? C_RESET : "",
                r->iterations_run, r->iterations_failed);
        if (r->seconds > 0)
            fprintf(out, "%12.0f", st_result_rate(r));
        else
            fprintf(out, "%12s", "-");
        fprintf(out, " %9.2f\n", r->seconds);
    }
    st_run_totals(run, &t);
    fprintf(out, "%zu scenario%s: %zu passed, %zu failed, %zu skipped, "
            "%zu error%s; %" PRIu64 " iterations, %" PRIu64 " failed, in "
            "%.2f s\n", t.scenarios, t.scenarios == 1 ? "" : "s",
            t.verdicts[ST_PASS], t.verdicts[ST_FAIL], t.verdicts[ST_SKIP],
            t.verdicts[ST_ERROR], t.verdicts[ST_ERROR] == 1 ? "" : "s",
            t.iterations_run, t.iterations_failed, t.seconds);
    if (t.no_overlap > 0)
        fprintf(out, "iterations without thread overlap: %" PRIu64 "\n",
                t.no_overlap);
    st_run_print_verdict(out, run, st_run_exit_status(run), color);
}

void st_result_print_outcomes(FILE *out, const struct st_result *r, int color)
{
    size_t *w, i, k;
    uint64_t total = 0;

    fputs("  outcomes of ", out);
    st_put_text(out, r->name ? r->name : "?", 0);
    fprintf(out, " (%" PRIu64 " iterations", r->iterations_run);
    if (r->no_overlap > 0)
        fprintf(out, ", %" PRIu64 " without thread overlap", r->no_overlap);
    fputs("):\n", out);
    if (r->nrows == 0) {
        fputs("    (no outcome observed)\n", out);
        return;
    }
    if ((w = calloc(r->nlabels + 1, sizeof(*w))) == NULL)
        return;
    for (k = 0; k < r->nlabels; k++)
        w[k] = text_width(r->labels ? r->labels[k] : NULL);
    for (i = 0; i < r->nrows; i++) {
        total += r->rows[i].count;
        for (k = 0; k < r->nlabels; k++) {
            size_t n = text_width(r->rows[i].values
                                  ? r->rows[i].values[k] : NULL);

            if (n > w[k])
                w[k] = n;
        }
    }
    fputs("    ", out);
    for (k = 0; k < r->nlabels; k++) {
        put_cell(out, r->labels ? r->labels[k] : "", w[k]);
        fputs("  ", out);
    }
    fprintf(out, "%12s %8s  %-11s  %s\n", "COUNT", "FREQ", "EXPECT",
            "DESCRIPTION");
    for (i = 0; i < r->nrows; i++) {
        const struct st_outcome_row *row = &r->rows[i];
        const char *col = "";

        if (color)
            col = row->cls == ST_FORBIDDEN ? C_RED
                : row->cls == ST_INTERESTING ? C_YELLOW : C_GREEN;
        fputs("    ", out);
        for (k = 0; k < r->nlabels; k++) {
            put_cell(out, row->values ? row->values[k] : "", w[k]);
            fputs("  ", out);
        }
        fprintf(out, "%12" PRIu64 " %7.2f%%  %s%-11s%s  ", row->count,
                total > 0 ? 100.0 * (double)row->count / (double)total : 0.0,
                col, class_upper(row->cls), color ? C_RESET : "");
        st_put_text(out, row->desc, 0);
        fputc('\n', out);
    }
    free(w);
}

/* |s| indented by |ind| on every line, the last line marked "<- here". */
static void put_trace(FILE *out, const char *s, const char *ind, int mark)
{
    const char *p = s, *nl;

    while (p != NULL && *p != '\0') {
        char line[1024];
        size_t n;

        nl = strchr(p, '\n');
        n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof(line))
            n = sizeof(line) - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        fputs(ind, out);
        st_put_text(out, line, 0);
        if (mark && (nl == NULL || nl[1] == '\0'))
            fputs("   <- here", out);
        fputc('\n', out);
        p = nl ? nl + 1 : NULL;
    }
}

/* " (P preemptions, S steps)" after a schedule string, when known. */
static void put_counts(FILE *out, unsigned preemptions, unsigned steps)
{
    if (steps > 0)
        fprintf(out, " (%u preemption%s, %u step%s)", preemptions,
                preemptions == 1 ? "" : "s", steps, steps == 1 ? "" : "s");
    fputc('\n', out);
}

void st_failure_print(FILE *out, const struct st_result *r,
                      const struct st_failure *f, int color)
{
    const char *sig = st_signal_str(f->signal);

    fprintf(out, "%sFAILURE%s in ", color ? C_RED : "", color ? C_RESET : "");
    st_put_text(out, r->name ? r->name : "?", 0);
    if (r->file != NULL) {
        fputs(" (", out);
        st_put_text(out, r->file, 0);
        fputc(')', out);
    }
    fprintf(out, ": iteration %" PRIu64 ", seed %" PRIu64 "\n", f->iteration,
            f->seed);
    fputs("  ", out);
    if (f->kind != NULL) {
        st_put_text(out, f->kind, 0);
        fputs(": ", out);
    }
    st_put_text(out, f->message ? f->message : "(no message)", 1);
    fputc('\n', out);
    if (f->where != NULL) {
        fputs("  at ", out);
        st_put_text(out, f->where, 0);
        fputc('\n', out);
    }
    if (f->signal != 0)
        fprintf(out, "  signal: %s (%d)\n", sig ? sig : "?", f->signal);
    /* controlled mode: the schedule that replays it, and the shrunk one */
    if (f->schedule != NULL) {
        fputs("  schedule: ", out);
        st_put_text(out, f->schedule, 0);
        put_counts(out, f->preemptions, f->steps);
    }
    if (f->schedule_shrunk != NULL) {
        fputs("  shrunk: ", out);
        st_put_text(out, f->schedule_shrunk, 0);
        put_counts(out, f->shrunk_preemptions, f->shrunk_steps);
    }
    for (size_t t = 0; t < f->nthreads; t++) {
        const char *name = f->thread_names ? f->thread_names[t] : NULL;

        fputs("  thread ", out);
        if (name != NULL)
            st_put_text(out, name, 0);
        else
            fprintf(out, "#%zu", t);
        fputs(":\n", out);
        if (f->thread_trace == NULL || f->thread_trace[t] == NULL
            || *f->thread_trace[t] == '\0')
            fputs("    (no statement executed)\n", out);
        else
            put_trace(out, f->thread_trace[t], "    ", 1);
    }
    if (f->trace != NULL)
        st_timeline_text(out, f->trace, color != 0);
    if (f->replay != NULL) {
        fprintf(out, "  %sreplay:%s ", color ? C_BOLD : "", color ? C_RESET : "");
        st_put_text(out, f->replay, 0);
        fputc('\n', out);
    }
}

void st_result_print_detector(FILE *out, const struct st_result *r,
                              int color)
{
    if (r->detector == NULL)
        return;
    fputs("  detector ", out);
    st_put_text(out, r->detector, 0);
    fprintf(out, ": %s%u report%s%s", color && r->detector_reports ? C_RED : "",
            r->detector_reports, r->detector_reports == 1 ? "" : "s",
            color && r->detector_reports ? C_RESET : "");
    /* Only an `expect race` scenario passes with reports (detector.h). */
    if (r->verdict == ST_PASS && r->detector_reports > 0)
        fputs(" (expected: the scenario declares `expect race`)", out);
    fputc('\n', out);
    if (r->detector_summary != NULL) {
        fputs("    ", out);
        st_put_text(out, r->detector_summary, 0);
        fputc('\n', out);
    }
    if (r->detector_log != NULL) {
        fputs("    log: ", out);
        st_put_text(out, r->detector_log, 0);
        fputc('\n', out);
    }
}

void st_run_print_verdict(FILE *out, const struct st_run *run, int status,
                          int color)
{
    fprintf(out, "verdict: %s%s%s (seed %" PRIu64 ")\n",
            color ? (status == 0 ? C_GREEN : C_RED) : "",
            status == 0 ? "PASS" : status == 1 ? "FAIL" : "ERROR",
            color ? C_RESET : "", run->seed);
}

int st_run_exit_status(const struct st_run *run)
{
    for (size_t i = 0; i < run->nresults; i++)
        if (run->results[i].verdict == ST_FAIL
            || run->results[i].verdict == ST_ERROR)
            return 1;
    return 0;
}
