/* JUnit XML for CI systems, valid against the Jenkins xUnit plugin's
 * schema (junit-10.xsd): <testsuites> holds one <testsuite> per backend
 * (name, tests, failures, errors required; time with at most three
 * decimals), each with the run's parameters as <properties> and one
 * <testcase> per scenario.  A failed scenario gets one <failure> whose
 * message says what fired and whose body is the text failure report of
 * every kept failure (iteration, seed, per-thread trace, replay command)
 * plus the detector's finding; an erred one <error>, a skipped one
 * <skipped>, each with its reason.  <system-out> carries the scenario's
 * parameters, outcome histogram and detector summary + log path.
 *
 * The text parts are produced by report_text.c into a memory stream and
 * escaped as a whole, so XML and terminal reports say the same thing. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "shard.h"

/* A text fragment built by a report_text.c printer, for escaping. */
struct frag {
    char *buf;
    size_t len;
    FILE *f;
};

static FILE *frag_open(struct frag *fr)
{
    fr->buf = NULL;
    fr->len = 0;
    fr->f = open_memstream(&fr->buf, &fr->len);
    return fr->f;
}

/* Close the fragment and write it escaped; -ENOMEM when it could not be
 * built. */
static int frag_emit(struct frag *fr, FILE *out, int attr)
{
    int ret = 0;

    if (fr->f == NULL)
        return -ENOMEM;
    if (fclose(fr->f) != 0)
        ret = -ENOMEM;
    else
        st_put_xml(out, fr->buf, attr);
    free(fr->buf);
    fr->buf = NULL;
    return ret;
}

static void attr(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    st_put_xml(f, value, 1);
    fputc('"', f);
}

/* SUREFIRE_TIME: digits, optionally a dot and up to three decimals. */
static void attr_time(FILE *f, double secs)
{
    if (!isfinite(secs) || secs < 0)
        secs = 0;
    fprintf(f, " time=\"%.3f\"", secs);
}

static void property(FILE *f, const char *name, const char *value)
{
    fputs("      <property", f);
    attr(f, "name", name);
    attr(f, "value", value ? value : "");
    fputs("/>\n", f);
}

static void property_u64(FILE *f, const char *name, uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    property(f, name, buf);
}

static const char *backend_of(const struct st_run *run,
                              const struct st_result *r)
{
    if (r->backend != NULL)
        return r->backend;
    return run->backend != NULL ? run->backend : "unknown";
}

static void properties(FILE *f, const struct st_run *run)
{
    char buf[64];

    fputs("    <properties>\n", f);
    property(f, "tool_version", run->tool_version);
    property(f, "backend", run->backend);
    property(f, "backend_version", run->backend_version);
    property_u64(f, "seed", run->seed);
    property(f, "jitter", run->jitter);
    property_u64(f, "iterations", run->iterations);
    snprintf(buf, sizeof(buf), "%g", run->duration);
    property(f, "duration", buf);
    property_u64(f, "max_failures", run->max_failures);
    property(f, "affinity", run->affinity);
    property(f, "shard", st_shard_name(buf, sizeof(buf), run->shard_index,
                                       run->shard_count));
    property(f, "command", run->command);
    fputs("    </properties>\n", f);
}

/* What fired, for the failure's message attribute. */
static void failure_message(FILE *f, const struct st_result *r)
{
    if (r->nfailures > 0) {
        const struct st_failure *x = &r->failures[0];

        if (x->kind != NULL)
            fprintf(f, "%s: ", x->kind);
        fputs(x->message ? x->message : "failed", f);
        if (r->iterations_failed > 1)
            fprintf(f, " (%" PRIu64 " failing iterations)",
                    r->iterations_failed);
    } else if (r->detector != NULL && r->detector_reports > 0) {
        fprintf(f, "%s: %s", r->detector,
                r->detector_summary ? r->detector_summary : "report");
    } else {
        fputs(r->reason ? r->reason : "failed", f);
    }
}

static const char *failure_type(const struct st_result *r)
{
    if (r->nfailures > 0 && r->failures[0].kind != NULL)
        return r->failures[0].kind;
    if (r->detector != NULL && r->detector_reports > 0)
        return "detector";
    return "fail";
}

static void failure_body(FILE *f, const struct st_result *r)
{
    for (size_t i = 0; i < r->nfailures; i++) {
        st_failure_print(f, r, &r->failures[i], 0);
        fputc('\n', f);
    }
    if (r->iterations_failed > r->nfailures && r->nfailures > 0)
        fprintf(f, "%" PRIu64 " failing iterations in all; the first %zu "
                "are shown.\n", r->iterations_failed, r->nfailures);
    if (r->reason != NULL)
        fprintf(f, "%s\n", r->reason);
    st_result_print_detector(f, r, 0);
}

static void system_out(FILE *f, const struct st_result *r)
{
    fprintf(f, "scenario: %s\n", r->name ? r->name : "?");
    if (r->file != NULL)
        fprintf(f, "file: %s\n", r->file);
    if (r->about != NULL)
        fprintf(f, "about: %s\n", r->about);
    fprintf(f, "backend: %s%s%s%s\n", r->backend ? r->backend : "?",
            r->backend_version ? " (" : "",
            r->backend_version ? r->backend_version : "",
            r->backend_version ? ")" : "");
    fprintf(f, "verdict: %s\n", st_verdict_str(r->verdict));
    if (r->reason != NULL)
        fprintf(f, "reason: %s\n", r->reason);
    fprintf(f, "seed: %" PRIu64 "\njitter: %s\nschedule: %s\nthreads: %u\n",
            r->seed, r->jitter ? r->jitter : "none",
            r->schedule ? r->schedule : "free", r->nthreads);
    fprintf(f, "iterations: %" PRIu64 " run of %" PRIu64 " planned, %"
            PRIu64 " failed, %" PRIu64 " without thread overlap\n",
            r->iterations_run, r->iterations_planned, r->iterations_failed,
            r->no_overlap);
    fprintf(f, "seconds: %.3f\n", r->seconds);
    if (r->shard_count > 1) {
        char shard[ST_SHARD_NAME_MAX];

        fprintf(f, "shard: %s\n", st_shard_name(shard, sizeof(shard),
                r->shard_index, r->shard_count));
    }
    if (r->nrows > 0 || r->verdict == ST_PASS || r->verdict == ST_FAIL)
        st_result_print_outcomes(f, r, 0);
    st_result_print_detector(f, r, 0);
}

static int testcase(FILE *out, const struct st_run *run,
                    const struct st_result *r)
{
    struct frag fr;
    int ret = 0;

    fputs("    <testcase", out);
    attr(out, "name", r->name ? r->name : "?");
    fputs(" classname=\"sslstress.", out);
    st_put_xml(out, backend_of(run, r), 1);
    fputc('"', out);
    attr_time(out, r->seconds);
    fputs(">\n", out);
    switch (r->verdict) {
    case ST_FAIL:
        fputs("      <failure", out);
        attr(out, "type", failure_type(r));
        fputs(" message=\"", out);
        if (frag_open(&fr) != NULL)
            failure_message(fr.f, r);
        ret |= frag_emit(&fr, out, 1);
        fputs("\">", out);
        if (frag_open(&fr) != NULL)
            failure_body(fr.f, r);
        ret |= frag_emit(&fr, out, 0);
        fputs("</failure>\n", out);
        break;
    case ST_ERROR:
        fputs("      <error type=\"error\"", out);
        attr(out, "message", r->reason ? r->reason : "error");
        fputc('>', out);
        st_put_xml(out, r->reason ? r->reason : "error", 0);
        fputs("</error>\n", out);
        break;
    case ST_SKIP:
        fputs("      <skipped", out);
        attr(out, "message", r->reason ? r->reason : "skipped");
        fputs("/>\n", out);
        break;
    case ST_PASS:
        break;
    }
    fputs("      <system-out>", out);
    if (frag_open(&fr) != NULL)
        system_out(fr.f, r);
    ret |= frag_emit(&fr, out, 0);
    fputs("</system-out>\n    </testcase>\n", out);
    return ret ? -ENOMEM : 0;
}

struct tally {
    size_t tests, failures, errors, skipped;
    double secs;
};

static void add(struct tally *t, const struct st_result *r)
{
    t->tests++;
    t->failures += r->verdict == ST_FAIL;
    t->errors += r->verdict == ST_ERROR;
    t->skipped += r->verdict == ST_SKIP;
    if (isfinite(r->seconds) && r->seconds > 0)
        t->secs += r->seconds;
}

int st_run_write_junit_fp(const struct st_run *run, FILE *out)
{
    struct tally all = { 0, 0, 0, 0, 0 };
    char host[256] = "";
    int ret = 0;

    for (size_t i = 0; i < run->nresults; i++)
        add(&all, &run->results[i]);
    if (gethostname(host, sizeof(host) - 1) != 0)
        host[0] = '\0';
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"
          " name=\"sslstress\"", out);
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", all.tests,
            all.failures, all.errors);
    attr_time(out, run->seconds > 0 ? run->seconds : all.secs);
    fputs(">\n", out);
    /* One suite per backend, in order of first appearance. */
    for (size_t i = 0; i < run->nresults; i++) {
        const char *be = backend_of(run, &run->results[i]);
        struct tally t = { 0, 0, 0, 0, 0 };
        size_t j;

        for (j = 0; j < i; j++)
            if (strcmp(backend_of(run, &run->results[j]), be) == 0)
                break;
        if (j < i)
            continue;                   /* suite already written */
        for (j = i; j < run->nresults; j++)
            if (strcmp(backend_of(run, &run->results[j]), be) == 0)
                add(&t, &run->results[j]);
        fputs("  <testsuite name=\"sslstress.", out);
        st_put_xml(out, be, 1);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\""
                " skipped=\"%zu\"", t.tests, t.failures, t.errors, t.skipped);
        attr_time(out, t.secs);
        if (host[0] != '\0')
            attr(out, "hostname", host);
        fputs(" package=\"sslstress\">\n", out);
        properties(out, run);
        for (j = i; j < run->nresults; j++)
            if (strcmp(backend_of(run, &run->results[j]), be) == 0)
                ret |= testcase(out, run, &run->results[j]);
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    if (ret != 0)
        return -ENOMEM;
    return ferror(out) ? -EIO : 0;
}

int st_run_write_junit(const struct st_run *run, const char *path)
{
    struct st_out o;
    int ret = st_out_open(&o, path);

    if (ret != 0)
        return ret;
    return st_out_close(&o, st_run_write_junit_fp(run, o.f));
}
