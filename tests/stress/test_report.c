/* Suite report: the JSON, JUnit and HTML writers of stress/report*.c, fed a
 * run built by hand with every awkward string a scenario or a crash can
 * produce (quotes, <, &, ]]>, control characters, non-ASCII, invalid UTF-8,
 * NULL members, 64-bit seeds). */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "stress_util.h"
#include "testutil.h"

#define SCHEMA "../shared/schemas/junit-10.xsd"

static const char *const TRICKY =
    "q\"uo'te <tag> & amp; ]]> \x01\x02\x1b[31m tab\t nl\n cr\r é ✓ 🚀";

static char *S(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    ck_assert_ptr_nonnull(d);
    return d;
}

static char **strv(size_t n, ...)
{
    char **v = calloc(n, sizeof(*v));
    va_list ap;

    ck_assert_ptr_nonnull(v);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        v[i] = S(va_arg(ap, const char *));
    va_end(ap);
    return v;
}

/* A failing scenario with histogram, failures and a detector finding. */
static void fill_failing(struct st_result *r)
{
    struct st_failure *f;

    memset(r, 0, sizeof(*r));
    r->file = S("scenarios/dup-free \"mid\" <handshake>.scn");
    r->name = S("dup-free-mid-handshake");
    r->about = S(TRICKY);
    r->backend = S("minissl");
    r->backend_version = S("minissl 0.1 & <friends>");
    r->verdict = ST_FAIL;
    r->reason = NULL;
    r->seed = UINT64_MAX - 5;           /* above INT64_MAX on purpose */
    r->jitter = S("high");
    r->schedule = S("free");
    r->nthreads = 2;
    r->iterations_planned = 10000;
    r->iterations_run = 4321;
    r->iterations_failed = 3;
    r->no_overlap = 17;
    r->seconds = 1.25;
    r->nlabels = 2;
    r->labels = strv(2, "dup", "ref<s>");
    r->nrows = 3;
    r->rows = calloc(3, sizeof(*r->rows));
    ck_assert_ptr_nonnull(r->rows);
    r->rows[0].values = strv(2, "copy", "1");
    r->rows[0].count = 4000;
    r->rows[0].cls = ST_ACCEPTABLE;
    r->rows[0].desc = S("a full copy & \"fine\"");
    r->rows[1].values = strv(2, "same", "2");
    r->rows[1].count = 318;
    r->rows[1].cls = ST_INTERESTING;
    r->rows[1].desc = NULL;
    r->rows[2].values = strv(2, "torn<>&", "0");
    r->rows[2].count = 3;
    r->rows[2].cls = ST_FORBIDDEN;
    r->rows[2].desc = S(TRICKY);
    r->nfailures = 2;
    r->failures = calloc(2, sizeof(*r->failures));
    ck_assert_ptr_nonnull(r->failures);
    f = &r->failures[0];
    f->iteration = 17;
    f->seed = UINT64_MAX - 5;
    f->kind = S("outcome");
    f->message = S("forbidden outcome dup=torn<>& refs=0 ]]>");
    f->where = S("dup-free.scn:12:5");
    f->signal = 0;
    f->nthreads = 2;
    f->thread_names = strv(2, "owner", "du\"per");
    f->thread_trace = strv(2, "handshake s until=mid\nfree s",
                           "d = dup s\nobserve dup same(s, d)\n\x07<bell>");
    f->replay = S("sslstress run --seed 18446744073709551610 --jitter high "
                  "'scenarios/dup-free \"mid\" <handshake>.scn'");
    f = &r->failures[1];
    f->iteration = 99;
    f->seed = 42;
    f->kind = S("crash");
    f->message = S("SIGSEGV in thread owner");
    f->where = NULL;
    f->signal = 11;
    f->nthreads = 1;
    f->thread_names = NULL;             /* NULL arrays must survive too */
    f->thread_trace = strv(1, NULL);
    f->replay = NULL;
    r->detector = S("tsan");
    r->detector_reports = 2;
    r->detector_summary = S("SUMMARY: ThreadSanitizer: data race "
                            "ssl.c:42 in SSL_free & <co>");
    r->detector_log = S("build/tsan/logs/dup-free.tsan.1234");
    r->shard_index = 1;
    r->shard_count = 3;
}

static void fill_skipped(struct st_result *r)
{
    memset(r, 0, sizeof(*r));
    r->file = S("scenarios/controlled.scn");
    r->name = S("controlled-only");
    r->backend = S("openssl");
    r->verdict = ST_SKIP;
    r->reason = S("requires introspection: not available on \"openssl\" <3>");
    r->seed = 7;
    r->shard_count = 1;
}

static void fill_passing(struct st_result *r)
{
    memset(r, 0, sizeof(*r));
    r->file = S("scenarios/upref-free-64.scn");
    r->name = S("upref-free-64");
    r->about = S("64 threads race SSL_up_ref and SSL_free");
    r->backend = S("minissl");
    r->backend_version = S("minissl 0.1");
    r->verdict = ST_PASS;
    r->seed = 7;
    r->jitter = S("none");
    r->schedule = S("free");
    r->nthreads = 64;
    r->iterations_planned = (uint64_t)INT64_MAX + 10;  /* string in JSON */
    r->iterations_run = 100000;
    r->seconds = 0.1 + 0.2;             /* not exactly representable */
    r->nlabels = 1;
    r->labels = strv(1, "refs");
    r->nrows = 2;
    r->rows = calloc(2, sizeof(*r->rows));
    ck_assert_ptr_nonnull(r->rows);
    r->rows[0].values = strv(1, "1");
    r->rows[0].count = 100000;
    r->rows[0].cls = ST_ACCEPTABLE;
    r->rows[1].values = NULL;           /* a declared row never seen */
    r->rows[1].count = 0;
    r->rows[1].cls = ST_INTERESTING;
    r->shard_count = 1;
}

/* A scenario without observe lines (no labels, no outcome rows): 3 of
 * its 100000 iterations failed an expectation. */
static void fill_unobserved(struct st_result *r)
{
    memset(r, 0, sizeof(*r));
    r->file = S("scenarios/updown-2.scn");
    r->name = S("updown-2");
    r->verdict = ST_FAIL;
    r->seed = 7;
    r->jitter = S("none");
    r->schedule = S("free");
    r->nthreads = 2;
    r->iterations_planned = 100000;
    r->iterations_run = 100000;
    r->iterations_failed = 3;
    r->seconds = 0.5;
    r->shard_count = 1;
}

static void fill_error(struct st_result *r)
{
    memset(r, 0, sizeof(*r));
    r->file = S("scenarios/broken.scn");
    r->name = S("broken");
    r->verdict = ST_ERROR;
    r->reason = S("broken.scn:3:1: error: unknown statement 'frob'");
    r->shard_count = 1;
}

static void fill_run(struct st_run *run)
{
    memset(run, 0, sizeof(*run));
    run->tool_version = S("sslstress 0.1");
    run->backend = S("minissl");
    run->backend_version = S("minissl 0.1 & <friends>");
    run->seed = UINT64_MAX - 5;
    run->jitter = S("high");
    run->iterations = 0;
    run->duration = 30;
    run->max_failures = 0;
    run->affinity = S("spread");
    run->shard_index = 0;
    run->shard_count = 1;
    run->schedule = S("free");
    run->shrink = 0;
    run->command = S("sslstress run --seed 18446744073709551610 "
                     "--json 'out \"x\".json' scenarios/");
    run->seconds = 12.3456789;
    run->nresults = 4;
    run->results = calloc(4, sizeof(*run->results));
    ck_assert_ptr_nonnull(run->results);
    fill_failing(&run->results[0]);
    fill_skipped(&run->results[1]);
    fill_passing(&run->results[2]);
    fill_error(&run->results[3]);
}

/* A controlled-mode failure, as dfs with --shrink reports it: schedule
 * strings, counts and the interleaving up to the failure. */
static void fill_controlled(struct st_result *r)
{
    static const char *const names[] = { "A", "B <b>" };
    struct st_trace_step step;
    struct st_failure *f;
    struct st_trace *t;

    memset(r, 0, sizeof(*r));
    r->file = S("scenarios/observe-order.scn");
    r->name = S("observe-order");
    r->backend = S("minissl");
    r->verdict = ST_FAIL;
    r->seed = 9;
    r->jitter = S("none");
    r->schedule = S("dfs:preemptions=2");
    r->schedules = 12;
    r->schedule_seconds = 0.25;
    r->exhausted = 1;
    r->same_failures = 2;
    r->nthreads = 2;
    r->iterations_planned = 1000000;
    r->iterations_run = 12;
    r->iterations_failed = 3;
    r->seconds = 0.5;
    r->shard_count = 1;
    r->nfailures = 1;
    ck_assert_ptr_nonnull(r->failures = calloc(1, sizeof(*r->failures)));
    f = &r->failures[0];
    f->iteration = 4;
    f->seed = 9;
    f->kind = S("outcome");
    f->message = S("forbidden outcome: a=3 b=3");
    f->nthreads = 2;
    f->thread_names = strv(2, "A", "B <b>");
    f->thread_trace = strv(2, "up_ref s\nobserve a refs s",
                           "up_ref s\nobserve b refs s");
    f->replay = S("sslstress replay scenarios/observe-order.scn --schedule "
                  "'0/A,B,A,B'");
    f->schedule = S("0/A,B,A,B");
    f->preemptions = 3;
    f->steps = 4;
    f->schedule_shrunk = S("0/A,B,A");
    f->shrunk_preemptions = 2;
    f->shrunk_steps = 4;
    ck_assert_ptr_nonnull(t = calloc(1, sizeof(*t)));
    t->nthreads = 2;
    t->thread_names = names;
    for (unsigned i = 0; i < 4; i++) {
        memset(&step, 0, sizeof(step));
        step.thread = i % 2;
        strcpy(step.label, "stmt");
        strcpy(step.text, i < 2 ? "up_ref s" : "observe refs s");
        step.before = step.after = ST_TRACE_NOVALUE;
        step.preempted = i > 0;
        ck_assert_int_eq(st_trace_add(t, &step), 0);
    }
    strcpy(t->fired, "forbidden outcome: a=3 b=3");
    f->trace = t;
}

/* A run of the given results (passing, failing, ...), empty for none:
 * fill_run's header. */
static void fill_run_of(struct st_run *run, size_t n,
                        void (*const fill[])(struct st_result *))
{
    fill_run(run);
    for (size_t i = 0; i < run->nresults; i++)
        st_result_free(&run->results[i]);
    free(run->results);
    run->results = NULL;
    run->nresults = n;
    if (n > 0)
        ck_assert_ptr_nonnull(run->results = calloc(n, sizeof(*run->results)));
    for (size_t i = 0; i < n; i++)
        fill[i](&run->results[i]);
}

/* ---- field-by-field equality ---------------------------------------- */

static void eq_str(const char *a, const char *b, const char *what)
{
    if (a == NULL || b == NULL)
        ck_assert_msg(a == b, "%s: %s vs %s", what, a ? a : "NULL",
                      b ? b : "NULL");
    else
        ck_assert_msg(strcmp(a, b) == 0, "%s: \"%s\" vs \"%s\"", what, a, b);
}

static void eq_strv(char **a, char **b, size_t n, const char *what)
{
    ck_assert_msg((a == NULL) == (b == NULL), "%s: NULL-ness differs", what);
    if (a != NULL)
        for (size_t i = 0; i < n; i++)
            eq_str(a[i], b[i], what);
}

static void eq_result(const struct st_result *a, const struct st_result *b)
{
    eq_str(a->file, b->file, "file");
    eq_str(a->name, b->name, "name");
    eq_str(a->about, b->about, "about");
    eq_str(a->backend, b->backend, "backend");
    eq_str(a->backend_version, b->backend_version, "backend_version");
    ck_assert_int_eq(a->verdict, b->verdict);
    eq_str(a->reason, b->reason, "reason");
    ck_assert_uint_eq(a->seed, b->seed);
    eq_str(a->jitter, b->jitter, "jitter");
    eq_str(a->schedule, b->schedule, "schedule");
    ck_assert_uint_eq(a->schedules, b->schedules);
    ck_assert(a->schedule_seconds == b->schedule_seconds);
    ck_assert_int_eq(a->exhausted, b->exhausted);
    ck_assert_uint_eq(a->same_failures, b->same_failures);
    ck_assert_uint_eq(a->nthreads, b->nthreads);
    ck_assert_uint_eq(a->iterations_planned, b->iterations_planned);
    ck_assert_uint_eq(a->iterations_run, b->iterations_run);
    ck_assert_uint_eq(a->iterations_failed, b->iterations_failed);
    ck_assert_uint_eq(a->no_overlap, b->no_overlap);
    ck_assert(a->seconds == b->seconds);
    ck_assert_uint_eq(a->nlabels, b->nlabels);
    eq_strv(a->labels, b->labels, a->nlabels, "labels");
    ck_assert_uint_eq(a->nrows, b->nrows);
    for (size_t i = 0; i < a->nrows; i++) {
        eq_strv(a->rows[i].values, b->rows[i].values, a->nlabels, "values");
        ck_assert_uint_eq(a->rows[i].count, b->rows[i].count);
        ck_assert_int_eq(a->rows[i].cls, b->rows[i].cls);
        eq_str(a->rows[i].desc, b->rows[i].desc, "desc");
    }
    ck_assert_uint_eq(a->nfailures, b->nfailures);
    for (size_t i = 0; i < a->nfailures; i++) {
        const struct st_failure *f = &a->failures[i], *g = &b->failures[i];

        ck_assert_uint_eq(f->iteration, g->iteration);
        ck_assert_uint_eq(f->seed, g->seed);
        eq_str(f->kind, g->kind, "kind");
        eq_str(f->message, g->message, "message");
        eq_str(f->where, g->where, "where");
        ck_assert_int_eq(f->signal, g->signal);
        ck_assert_uint_eq(f->nthreads, g->nthreads);
        eq_strv(f->thread_names, g->thread_names, f->nthreads, "thread_names");
        eq_strv(f->thread_trace, g->thread_trace, f->nthreads, "thread_trace");
        eq_str(f->replay, g->replay, "replay");
        eq_str(f->schedule, g->schedule, "failure schedule");
        eq_str(f->schedule_shrunk, g->schedule_shrunk, "schedule_shrunk");
        ck_assert_uint_eq(f->steps, g->steps);
        ck_assert_uint_eq(f->shrunk_preemptions, g->shrunk_preemptions);
        ck_assert((f->trace == NULL) == (g->trace == NULL));
        if (f->trace != NULL) {
            ck_assert_uint_eq(f->trace->n, g->trace->n);
            ck_assert_str_eq(f->trace->fired, g->trace->fired);
        }
    }
    eq_str(a->detector, b->detector, "detector");
    ck_assert_uint_eq(a->detector_reports, b->detector_reports);
    eq_str(a->detector_summary, b->detector_summary, "detector_summary");
    eq_str(a->detector_log, b->detector_log, "detector_log");
    ck_assert_int_eq(a->shard_index, b->shard_index);
    ck_assert_int_eq(a->shard_count, b->shard_count);
}

static void eq_run(const struct st_run *a, const struct st_run *b)
{
    eq_str(a->tool_version, b->tool_version, "tool_version");
    eq_str(a->backend, b->backend, "backend");
    eq_str(a->backend_version, b->backend_version, "backend_version");
    ck_assert_uint_eq(a->seed, b->seed);
    eq_str(a->jitter, b->jitter, "jitter");
    ck_assert_uint_eq(a->iterations, b->iterations);
    ck_assert(a->duration == b->duration);
    ck_assert_uint_eq(a->max_failures, b->max_failures);
    eq_str(a->affinity, b->affinity, "affinity");
    ck_assert_int_eq(a->shard_index, b->shard_index);
    ck_assert_int_eq(a->shard_count, b->shard_count);
    eq_str(a->schedule, b->schedule, "schedule");
    ck_assert_int_eq(a->shrink, b->shrink);
    eq_str(a->command, b->command, "command");
    ck_assert(a->seconds == b->seconds);
    ck_assert_uint_eq(a->nresults, b->nresults);
    for (size_t i = 0; i < a->nresults; i++)
        eq_result(&a->results[i], &b->results[i]);
}

/* ---- helpers -------------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/test_report.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *tmp_path(const char *name)
{
    static char buf[4][128];
    static int k;

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static int have_xmllint(void)
{
    return system("command -v xmllint >/dev/null 2>&1") == 0;
}

/* Exit status of a shell command (its output goes to our stderr). */
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- JSON ----------------------------------------------------------- */

START_TEST(json_file_round_trips_every_field)
{
    struct st_run run, back;
    char err[256];

    make_tmpdir();
    fill_run(&run);
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("run.json")), 0);
    ck_assert_msg(st_run_read_json(tmp_path("run.json"), &back, err,
                                   sizeof(err)) == 0, "%s", err);
    eq_run(&run, &back);
    st_run_free(&back);
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

START_TEST(json_controlled_run_round_trips_its_schedules_and_timeline)
{
    void (*const fill[])(struct st_result *) = { fill_controlled };
    struct st_run run, back;
    char err[256];

    make_tmpdir();
    fill_run_of(&run, 1, fill);
    free(run.schedule);
    run.schedule = S("dfs:preemptions=2");
    run.shrink = 1;
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("ctl.json")), 0);
    ck_assert_msg(st_run_read_json(tmp_path("ctl.json"), &back, err,
                                   sizeof(err)) == 0, "%s", err);
    eq_run(&run, &back);
    st_run_free(&back);
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

/* The member |key| of object |o|, which must be there. */
static json_t *member(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    ck_assert_msg(v != NULL, "no member %s", key);
    return v;
}

static void assert_int_member(json_t *o, const char *key, json_int_t want)
{
    json_t *v = member(o, key);

    ck_assert_msg(json_is_integer(v) && json_integer_value(v) == want,
                  "%s: want %lld", key, (long long)want);
}

START_TEST(json_report_keeps_options_and_totals_apart_from_results)
{
    static const char *const top[] = { "format", "format_version",
        "tool_version", "backend", "backend_version", "options", "totals",
        "results" };
    struct st_run run;
    json_t *j, *o, *t;
    json_error_t je;
    size_t i;

    make_tmpdir();
    fill_run(&run);
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("run.json")), 0);
    st_run_free(&run);
    ck_assert_ptr_nonnull(j = json_load_file(tmp_path("run.json"), 0, &je));
    /* the top level holds these and nothing else, in this order */
    ck_assert_uint_eq(json_object_size(j), sizeof(top) / sizeof(top[0]));
    i = 0;
    for (void *it = json_object_iter(j); it != NULL;
         it = json_object_iter_next(j, it))
        ck_assert_str_eq(json_object_iter_key(it), top[i++]);
    assert_int_member(j, "format_version", 2);
    /* options: what was asked for; 0 iterations is "each file's own" */
    o = member(j, "options");
    ck_assert_str_eq(json_string_value(member(o, "seed")),
                     "18446744073709551610");
    assert_int_member(o, "iterations", 0);
    ck_assert(json_real_value(member(o, "duration")) == 30);
    ck_assert_str_eq(json_string_value(member(o, "affinity")), "spread");
    ck_assert_str_eq(json_string_value(member(o, "schedule")), "free");
    ck_assert(json_is_false(member(o, "shrink")));
    assert_int_member(o, "shard_count", 1);
    ck_assert_ptr_nonnull(strstr(json_string_value(member(o, "command")),
                                 "--json 'out \"x\".json'"));
    ck_assert_ptr_null(json_object_get(o, "seconds"));
    /* totals: what the four results add up to */
    t = member(j, "totals");
    assert_int_member(t, "scenarios", 4);
    assert_int_member(t, "passed", 1);
    assert_int_member(t, "failed", 1);
    assert_int_member(t, "skipped", 1);
    assert_int_member(t, "errors", 1);
    assert_int_member(t, "iterations_run", 4321 + 100000);
    assert_int_member(t, "iterations_failed", 3);
    assert_int_member(t, "no_overlap", 17);
    assert_int_member(t, "detector_reports", 2);
    ck_assert(json_real_value(member(t, "seconds")) == 12.3456789);
    /* 10000 + INT64_MAX + 10 planned: above INT64_MAX, a decimal string */
    ck_assert_str_eq(json_string_value(member(t, "iterations_planned")),
                     "9223372036854785817");
    ck_assert_uint_eq(json_array_size(member(j, "results")), 4);
    json_decref(j);
    remove_tmpdir();
}
END_TEST

START_TEST(json_reports_validate_against_the_schema)
{
    void (*const ctl[])(struct st_result *) = { fill_controlled };
    void (*const pass[])(struct st_result *) = { fill_passing };
    struct st_run run;

    make_tmpdir();
    fill_run(&run);                     /* pass, fail, skip, error */
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("all.json")), 0);
    st_run_free(&run);
    fill_run_of(&run, 1, ctl);
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("ctl.json")), 0);
    st_run_free(&run);
    fill_run_of(&run, 1, pass);
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("pass.json")), 0);
    st_run_free(&run);
    fill_run_of(&run, 0, NULL);
    ck_assert_int_eq(st_run_write_json(&run, tmp_path("empty.json")), 0);
    st_run_free(&run);
    if (tu_assert_report_valid("json_reports_validate_against_the_schema",
                               tmp_path("all.json"))) {
        tu_assert_report_valid("", tmp_path("ctl.json"));
        tu_assert_report_valid("", tmp_path("pass.json"));
        tu_assert_report_valid("", tmp_path("empty.json"));
        /* the validator bites: a member the schema does not know */
        ck_assert_int_eq(sh("sed 's/\"shrink\": false/\"shrink\": false, "
                            "\"extra\": 1/' '%s' > '%s'", tmp_path("pass.json"),
                            tmp_path("extra.json")), 0);
        ck_assert_int_ne(sh("tests/scripts/validate-report.py '%s' "
                            ">/dev/null 2>&1", tmp_path("extra.json")), 0);
    }
    remove_tmpdir();
}
END_TEST

/* |text| as a run file; its st_run_read_json must fail with |msg|. */
static void assert_read_fails(const char *text, const char *msg)
{
    struct st_run run;
    char err[512];

    spit(tmp_path("bad.json"), text);
    ck_assert_int_eq(st_run_read_json(tmp_path("bad.json"), &run, err,
                                      sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, msg) != NULL, "\"%s\" lacks \"%s\"", err, msg);
    ck_assert_ptr_null(run.results);
}

START_TEST(json_reader_refuses_other_format_versions_saying_what_to_do)
{
    make_tmpdir();
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":1,"
                      "\"seed\":\"5\",\"results\":[]}",
                      "bad.json: format_version: 1 is the format of an older "
                      "sslstress (options at the top level, no totals); this "
                      "one reads version 2 only: rerun with this sslstress, "
                      "or use the one that wrote the file");
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":3}",
                      "format_version: 3 is newer than this sslstress reads "
                      "(2)");
    assert_read_fails("{\"format\":\"sslstress-run\"}",
                      "format_version: missing");
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":\"2\"}",
                      "format_version: expected a positive integer");
    remove_tmpdir();
}
END_TEST

START_TEST(json_reader_refuses_totals_the_results_do_not_add_up_to)
{
    struct st_run run;
    char err[256];

    make_tmpdir();
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":2,"
                      "\"totals\":{\"scenarios\":2,\"seconds\":1},"
                      "\"results\":[{\"name\":\"a\",\"verdict\":\"pass\"}]}",
                      "totals.scenarios: 2, but the results add up to 1");
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":2,"
                      "\"totals\":{\"iterations_run\":7},\"results\":[{\"name\""
                      ":\"a\",\"verdict\":\"pass\",\"iterations_run\":5}]}",
                      "totals.iterations_run: 7, but the results add up to 5");
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":2,"
                      "\"options\":[]}", "options: expected an object");
    assert_read_fails("{\"format\":\"sslstress-run\",\"format_version\":2,"
                      "\"options\":{\"shard_index\":3,\"shard_count\":2}}",
                      "options.shard_index: 3 is not a shard of shard_count 2 "
                      "(1 to 2)");
    /* what does add up is read: the seconds are the run's own */
    spit(tmp_path("ok.json"), "{\"format\":\"sslstress-run\","
         "\"format_version\":2,\"options\":{\"seed\":\"7\",\"schedule\":"
         "\"random\",\"shrink\":true},\"totals\":{\"scenarios\":1,"
         "\"passed\":1,\"iterations_run\":5,\"seconds\":2.5},\"results\":"
         "[{\"name\":\"a\",\"verdict\":\"pass\",\"iterations_run\":5,"
         "\"seconds\":1}]}");
    ck_assert_msg(st_run_read_json(tmp_path("ok.json"), &run, err,
                                   sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(run.seed, 7);
    ck_assert_str_eq(run.schedule, "random");
    ck_assert_int_eq(run.shrink, 1);
    ck_assert(run.seconds == 2.5);
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

START_TEST(json_string_round_trips_a_result_for_the_pipe)
{
    struct st_run run;
    struct st_result back;
    char err[256], *s;

    fill_run(&run);
    for (size_t i = 0; i < run.nresults; i++) {
        s = st_result_to_json_string(&run.results[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_ptr_null(strchr(s, '\n'));    /* one line on the pipe */
        ck_assert_msg(st_result_from_json_string(s, strlen(s), &back, err,
                                                 sizeof(err)) == 0, "%s", err);
        eq_result(&run.results[i], &back);
        st_result_free(&back);
        free(s);
    }
    st_run_free(&run);
}
END_TEST

START_TEST(json_seeds_are_decimal_strings)
{
    struct st_result r;
    char *s;

    fill_failing(&r);
    s = st_result_to_json_string(&r);
    ck_assert_ptr_nonnull(strstr(s, "\"seed\":\"18446744073709551610\""));
    free(s);
    st_result_free(&r);
}
END_TEST

START_TEST(json_invalid_utf8_becomes_replacement_characters)
{
    struct st_result r, back;
    char *s;

    fill_skipped(&r);
    free(r.reason);
    r.reason = S("bad \xff\xfe byte, overlong \xc0\xaf, cut \xe2\x82");
    s = st_result_to_json_string(&r);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(st_result_from_json_string(s, strlen(s), &back, NULL, 0),
                     0);
    ck_assert_str_eq(back.reason, "bad \xEF\xBF\xBD\xEF\xBF\xBD byte, "
                     "overlong \xEF\xBF\xBD\xEF\xBF\xBD, cut "
                     "\xEF\xBF\xBD\xEF\xBF\xBD");
    st_result_free(&back);
    st_result_free(&r);
    free(s);
}
END_TEST

START_TEST(json_copy_is_deep_and_equal)
{
    struct st_result r, c;

    fill_failing(&r);
    ck_assert_int_eq(st_result_copy(&c, &r), 0);
    eq_result(&r, &c);
    ck_assert_ptr_ne(c.failures[0].thread_trace[0],
                     r.failures[0].thread_trace[0]);
    st_result_free(&r);
    st_result_free(&c);
}
END_TEST

/* Each line is a malformed input and the message it must produce. */
static const struct {
    const char *json;
    const char *msg;
} bad_results[] = {
    { "{", "1:1:" },
    { "[]", "expected an object" },
    { "{\"verdict\":\"pass\"}", "name: missing" },
    { "{\"name\":\"x\"}", "verdict: missing" },
    { "{\"name\":\"x\",\"verdict\":\"maybe\"}",
      "verdict: expected one of pass, fail, skip, error" },
    { "{\"name\":7,\"verdict\":\"pass\"}", "name: expected a string or null" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"seed\":\"12a\"}",
      "seed: expected a non-negative integer" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"seed\":\"99999999999999999999\"}",
      "seed: expected a non-negative integer" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"iterations_run\":-1}",
      "iterations_run: expected a non-negative integer" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"labels\":[\"a\"],"
      "\"rows\":[{\"values\":[],\"count\":1,\"class\":\"acceptable\"}]}",
      "rows[0].values: expected 1 elements, found 0" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"labels\":[\"a\"],"
      "\"rows\":[{\"values\":[\"1\"],\"count\":1,\"class\":\"fine\"}]}",
      "rows[0].class: expected one of acceptable, interesting, forbidden" },
    { "{\"name\":\"x\",\"verdict\":\"fail\",\"failures\":[{\"nthreads\":2,"
      "\"thread_trace\":[\"a\"]}]}",
      "failures[0].thread_trace: expected 2 elements, found 1" },
    { "{\"name\":\"x\",\"verdict\":\"fail\",\"failures\":{}}",
      "failures: expected an array" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"shard_index\":3,"
      "\"shard_count\":2}", "shard_index: 3 is not a shard of shard_count 2 "
      "(1 to 2)" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"shard_index\":0,"
      "\"shard_count\":2}", "shard_index: 0 is not a shard of shard_count 2 "
      "(1 to 2)" },
    { "{\"name\":\"x\",\"verdict\":\"pass\",\"name\":\"y\"}", "duplicate" },
};

START_TEST(json_malformed_result_is_a_named_error)
{
    struct st_result r;
    char err[256];
    const char *j = bad_results[_i].json;

    ck_assert_int_eq(st_result_from_json_string(j, strlen(j), &r, err,
                                                sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, bad_results[_i].msg) != NULL,
                  "input %s: message \"%s\" lacks \"%s\"", j, err,
                  bad_results[_i].msg);
    ck_assert_ptr_null(r.name);         /* left zeroed, nothing to free */
    ck_assert_ptr_null(r.failures);
}
END_TEST

START_TEST(json_read_rejects_files_that_are_not_runs)
{
    struct st_run run;
    char err[256];

    make_tmpdir();
    ck_assert_int_eq(st_run_read_json(tmp_path("missing.json"), &run, err,
                                      sizeof(err)), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "missing.json: No such file"));
    spit(tmp_path("empty.json"), "");
    ck_assert_int_eq(st_run_read_json(tmp_path("empty.json"), &run, err,
                                      sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "empty.json:"));
    spit(tmp_path("other.json"), "{\"format\":\"something-else\"}");
    ck_assert_int_eq(st_run_read_json(tmp_path("other.json"), &run, err,
                                      sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "not an sslstress JSON report"));
    spit(tmp_path("trunc.json"), "{\"format\":\"sslstress-run\",\"results\":[");
    ck_assert_int_eq(st_run_read_json(tmp_path("trunc.json"), &run, err,
                                      sizeof(err)), -EINVAL);
    spit(tmp_path("badres.json"), "{\"format\":\"sslstress-run\","
         "\"format_version\":2,\"results\":[{\"name\":\"a\",\"verdict\":"
         "\"pass\"},{\"name\":1}]}");
    ck_assert_int_eq(st_run_read_json(tmp_path("badres.json"), &run, err,
                                      sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "results[1].name: expected a string"));
    ck_assert_ptr_null(run.results);
    remove_tmpdir();
}
END_TEST

START_TEST(json_writer_reports_a_missing_directory)
{
    struct st_run run;

    fill_run(&run);
    ck_assert_int_eq(st_run_write_json(&run, "/nonexistent-dir/x/run.json"),
                     -ENOENT);
    st_run_free(&run);
}
END_TEST

START_TEST(json_writer_leaves_no_temporary_file_when_rename_fails)
{
    struct st_run run;
    char cmd[256];

    make_tmpdir();
    fill_run(&run);
    /* the target is a non-empty directory: the rename over it fails */
    ck_assert_int_eq(mkdir(tmp_path("sub"), 0700), 0);
    spit(tmp_path("sub/keep"), "x");
    ck_assert_int_lt(st_run_write_json(&run, tmp_path("sub")), 0);
    snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", tmpdir);
    ck_assert_msg(system(cmd) == 0, "a temporary file was left in %s",
                  tmpdir);
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

/* ---- JUnit --------------------------------------------------------- */

/* The output of `xmllint --xpath EXPR FILE` (the caller frees), or NULL
 * when it failed. */
static char *xpath(const char *file, const char *expr)
{
    char cmd[1024], *buf = NULL;
    size_t cap = 0, len = 0;
    FILE *p;

    size_t k = 0;

    k += (size_t)snprintf(cmd, sizeof(cmd), "xmllint --xpath '");
    for (const char *e = expr; *e != '\0' && k < sizeof(cmd) - 8; e++) {
        if (*e == '\'') {                    /* ' -> '\'' for the shell */
            memcpy(cmd + k, "'\\''", 4);
            k += 4;
        } else {
            cmd[k++] = *e;
        }
    }
    snprintf(cmd + k, sizeof(cmd) - k, "' '%s' 2>/dev/null", file);
    ck_assert_ptr_nonnull(p = popen(cmd, "r"));
    for (;;) {
        if (len + 512 > cap) {
            cap = cap * 2 + 1024;
            ck_assert_ptr_nonnull(buf = realloc(buf, cap));
        }
        size_t n = fread(buf + len, 1, cap - len - 1, p);

        if (n == 0)
            break;
        len += n;
    }
    if (len > 0 && buf[len - 1] == '\n')    /* xmllint adds one */
        len--;
    buf[len] = '\0';
    if (pclose(p) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void assert_xpath(const char *file, const char *expr, const char *want)
{
    char *got = xpath(file, expr);

    ck_assert_msg(got != NULL, "xpath %s failed on %s", expr, file);
    ck_assert_msg(strcmp(got, want) == 0, "xpath %s: \"%s\", want \"%s\"",
                  expr, got, want);
    free(got);
}

static void assert_xpath_has(const char *file, const char *expr,
                             const char *part)
{
    char *got = xpath(file, expr);

    ck_assert_msg(got != NULL, "xpath %s failed on %s", expr, file);
    ck_assert_msg(strstr(got, part) != NULL, "xpath %s: \"%s\" lacks \"%s\"",
                  expr, got, part);
    free(got);
}

/* 0 when |file| validates against the JUnit schema; xmllint's complaints
 * go to stderr, its "validates" line nowhere. */
static int validate(const char *file)
{
    return sh("out=$(xmllint --noout --schema %s '%s' 2>&1) "
              "|| { printf '%%s\\n' \"$out\" >&2; exit 1; }", SCHEMA, file);
}

static void write_junit_fixture(const char *path)
{
    struct st_run run;

    fill_run(&run);
    ck_assert_int_eq(st_run_write_junit(&run, path), 0);
    st_run_free(&run);
}

START_TEST(junit_validates_against_the_jenkins_schema)
{
    if (!have_xmllint()) {
        fprintf(stderr, "junit_validates_against_the_jenkins_schema: SKIPPED, "
                "xmllint not installed\n");
        return;
    }
    ck_assert_msg(access(SCHEMA, R_OK) == 0, "%s not found: run the test "
                  "from the repository root", SCHEMA);
    make_tmpdir();
    write_junit_fixture(tmp_path("junit.xml"));
    ck_assert_int_eq(validate(tmp_path("junit.xml")), 0);
    remove_tmpdir();
}
END_TEST

START_TEST(junit_of_an_empty_run_validates)
{
    struct st_run run;

    if (!have_xmllint())
        return;
    memset(&run, 0, sizeof(run));
    run.shard_count = 1;
    make_tmpdir();
    ck_assert_int_eq(st_run_write_junit(&run, tmp_path("e.xml")), 0);
    ck_assert_int_eq(validate(tmp_path("e.xml")), 0);
    assert_xpath(tmp_path("e.xml"), "string(/testsuites/@tests)", "0");
    remove_tmpdir();
}
END_TEST

START_TEST(junit_counts_and_verdicts_match_the_run)
{
    const char *f;

    if (!have_xmllint())
        return;
    make_tmpdir();
    f = tmp_path("junit.xml");
    write_junit_fixture(f);
    assert_xpath(f, "string(/testsuites/@tests)", "4");
    assert_xpath(f, "string(/testsuites/@failures)", "1");
    assert_xpath(f, "string(/testsuites/@errors)", "1");
    /* minissl and openssl results: one suite each */
    assert_xpath(f, "count(//testsuite)", "2");
    assert_xpath(f, "string(//testsuite[1]/@name)", "sslstress.minissl");
    assert_xpath(f, "string(//testsuite[1]/@tests)", "3");
    assert_xpath(f, "string(//testsuite[2]/@skipped)", "1");
    assert_xpath(f, "count(//testcase)", "4");
    assert_xpath(f, "count(//testcase/failure)", "1");
    assert_xpath(f, "count(//testcase/error)", "1");
    assert_xpath(f, "count(//testcase/skipped)", "1");
    assert_xpath(f, "string(//testcase[skipped]/skipped/@message)",
                 "requires introspection: not available on \"openssl\" <3>");
    assert_xpath(f, "string(//testcase[error]/@name)", "broken");
    assert_xpath(f, "string(//testsuite[1]/properties/"
                 "property[@name=\"seed\"]/@value)", "18446744073709551610");
    remove_tmpdir();
}
END_TEST

START_TEST(junit_failure_says_what_fired_with_seed_trace_and_replay)
{
    const char *f;

    if (!have_xmllint())
        return;
    make_tmpdir();
    f = tmp_path("junit.xml");
    write_junit_fixture(f);
    /* the message attribute round-trips its awkward characters */
    assert_xpath(f, "string(//failure/@message)", "outcome: forbidden outcome "
                 "dup=torn<>& refs=0 ]]> (3 failing iterations)");
    assert_xpath(f, "string(//failure/@type)", "outcome");
    assert_xpath_has(f, "string(//failure)", "iteration 17, seed "
                     "18446744073709551610");
    assert_xpath_has(f, "string(//failure)", "thread du\"per:\n"
                     "    d = dup s\n");
    assert_xpath_has(f, "string(//failure)", "\\x07<bell>   <- here");
    assert_xpath_has(f, "string(//failure)", "replay: sslstress run --seed "
                     "18446744073709551610 --jitter high "
                     "'scenarios/dup-free \"mid\" <handshake>.scn'");
    assert_xpath_has(f, "string(//failure)", "signal: SIGSEGV (11)");
    /* detector finding: summary and log, in the failure and system-out */
    assert_xpath_has(f, "string(//failure)", "SUMMARY: ThreadSanitizer: data "
                     "race ssl.c:42 in SSL_free & <co>");
    assert_xpath_has(f, "string(//testcase[failure]/system-out)",
                     "log: build/tsan/logs/dup-free.tsan.1234");
    assert_xpath_has(f, "string(//testcase[failure]/system-out)",
                     "torn<>&  0  ");
    assert_xpath_has(f, "string(//testcase[failure]/system-out)",
                     " 3    0.07%  FORBIDDEN ");
    remove_tmpdir();
}
END_TEST

START_TEST(junit_detector_only_failure_names_the_detector)
{
    struct st_run run;
    struct st_result *r;
    const char *f;

    if (!have_xmllint())
        return;
    fill_run(&run);
    r = &run.results[0];
    for (size_t i = 0; i < r->nfailures; i++) {
        free(r->failures[i].kind);
        free(r->failures[i].message);
        free(r->failures[i].where);
        free(r->failures[i].replay);
        for (size_t t = 0; t < r->failures[i].nthreads; t++) {
            if (r->failures[i].thread_names)
                free(r->failures[i].thread_names[t]);
            free(r->failures[i].thread_trace[t]);
        }
        free(r->failures[i].thread_names);
        free(r->failures[i].thread_trace);
    }
    free(r->failures);
    r->failures = NULL;
    r->nfailures = 0;
    make_tmpdir();
    f = tmp_path("d.xml");
    ck_assert_int_eq(st_run_write_junit(&run, f), 0);
    ck_assert_int_eq(validate(f), 0);
    assert_xpath(f, "string(//failure/@type)", "detector");
    assert_xpath(f, "string(//failure/@message)", "tsan: SUMMARY: "
                 "ThreadSanitizer: data race ssl.c:42 in SSL_free & <co>");
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

START_TEST(junit_control_characters_and_bad_utf8_stay_well_formed)
{
    struct st_run run;
    const char *f;

    if (!have_xmllint())
        return;
    fill_run(&run);
    free(run.results[1].reason);
    run.results[1].reason = S("nul-less \x01\x1f\x7f bad \xff\xc3 "
                              "nonchar \xef\xbf\xbf end");
    make_tmpdir();
    f = tmp_path("c.xml");
    ck_assert_int_eq(st_run_write_junit(&run, f), 0);
    ck_assert_int_eq(validate(f), 0);
    assert_xpath(f, "string(//skipped/@message)", "nul-less \\x01\\x1f"
                 "\\x7f bad \xEF\xBF\xBD\xEF\xBF\xBD nonchar "
                 "\xEF\xBF\xBD end");
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

/* ---- HTML ---------------------------------------------------------- */

static void write_html_fixture(const char *path)
{
    struct st_run run;

    fill_run(&run);
    ck_assert_int_eq(st_run_write_html(&run, path), 0);
    st_run_free(&run);
}

START_TEST(html_is_well_formed_and_self_contained)
{
    const char *f;
    char *text, *p;

    make_tmpdir();
    f = tmp_path("r.html");
    write_html_fixture(f);
    text = slurp(f);
    ck_assert_ptr_nonnull(strstr(text, "<!DOCTYPE html>"));
    ck_assert_ptr_null(strstr(text, "<script"));
    ck_assert_ptr_null(strstr(text, "<link"));
    ck_assert_ptr_null(strstr(text, "src="));
    ck_assert_ptr_null(strstr(text, "@import"));
    ck_assert_ptr_null(strstr(text, "url("));
    /* the only URI is the SVG namespace name; links are in-page */
    for (p = text; (p = strstr(p, "http")) != NULL; p++)
        ck_assert_msg(strncmp(p, "http://www.w3.org/2000/svg\"", 27) == 0,
                      "external reference at: %.40s", p);
    for (p = text; (p = strstr(p, "href=\"")) != NULL; p++)
        ck_assert_msg(p[6] == '#', "non-local link at: %.40s", p);
    free(text);
    if (have_xmllint()) {
        /* strict: well-formed XML; and the HTML parser finds nothing but
         * the HTML5/SVG element names its HTML4 tables do not know */
        ck_assert_int_eq(sh("xmllint --noout '%s'", f), 0);
        ck_assert_int_eq(sh("xmllint --html --noout '%s' 2>&1 "
                            "| grep 'parser error' "
                            "| grep -v 'Tag [a-z]* invalid' >&2; "
                            "test $? -eq 1", f), 0);
    } else {
        fprintf(stderr, "html_is_well_formed_and_self_contained: xmllint "
                "not installed, parse check SKIPPED\n");
    }
    remove_tmpdir();
}
END_TEST

START_TEST(html_draws_one_histogram_per_scenario_with_a_bar_per_outcome)
{
    const char *f, *H = "//section[1]//*[local-name()='svg']"
                        "[@class='histogram']";
    char *text, e[256];

    make_tmpdir();
    f = tmp_path("r.html");
    write_html_fixture(f);
    text = slurp(f);
    /* the failing and the passing scenario observed outcomes */
    ck_assert_uint_eq(tu_count(text, "class=\"histogram\""), 2);
    free(text);
    if (!have_xmllint()) {
        remove_tmpdir();
        return;
    }
    assert_xpath(f, "count(//section)", "4");
    assert_xpath(f, "count(//section[1]//*[local-name()='svg']"
                 "[@class='histogram'])", "1");
    assert_xpath(f, "count(//section[3]//*[local-name()='svg']"
                 "[@class='histogram'])", "1");
    /* one bar group per outcome row, coloured by its class */
#define IN_H(fn, x) (snprintf(e, sizeof(e), "%s(%s%s)", fn, H, x), e)
    assert_xpath(f, IN_H("count", "/*[local-name()='g']"), "3");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][1]/"
                         "*[local-name()='rect']/@fill"), "#2e7d32");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][2]/"
                         "*[local-name()='rect']/@fill"), "#f9a825");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][3]/"
                         "*[local-name()='rect']/@fill"), "#c62828");
    /* the largest count gets the full width; labels carry values, counts */
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][1]/"
                         "*[local-name()='rect']/@width"), "360.0");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][3]/"
                         "*[local-name()='text'][1]"), "dup=torn<>&, ref<s>=0");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][3]/"
                         "*[local-name()='text'][2]"), "3 (0.07%) forbidden");
    /* and says so in words, for a screen reader */
    assert_xpath_has(f, IN_H("string", "/*[local-name()='desc']"),
                     "3 outcomes of 4321 observed iterations: dup=copy, "
                     "ref<s>=1 4000 times, acceptable;");
#undef IN_H
    remove_tmpdir();
}
END_TEST

/* The runs every HTML report is drawn for: passing or failing, mixed,
 * skipped, controlled, and empty. */
static void (*const one_pass[])(struct st_result *) = { fill_passing };
static void (*const one_fail[])(struct st_result *) = { fill_failing };
static void (*const one_skip[])(struct st_result *) = { fill_skipped };
static void (*const one_error[])(struct st_result *) = { fill_error };
static void (*const one_ctl[])(struct st_result *) = { fill_controlled };
static void (*const one_unobserved[])(struct st_result *) = {
    fill_unobserved
};
static const struct {
    const char *what;
    size_t n;
    void (*const *fill)(struct st_result *);
} html_runs[] = {
    { "mixed", 0, NULL },               /* fill_run's four */
    { "passing", 1, one_pass },
    { "failing", 1, one_fail },
    { "skipped", 1, one_skip },
    { "erred", 1, one_error },
    { "controlled", 1, one_ctl },
    { "without observations", 1, one_unobserved },
    { "empty", 0, NULL },
};

START_TEST(html_every_report_passing_or_failing_shows_an_svg_picture)
{
    struct st_run run;
    const char *f, *p;
    char *text;
    size_t nsvg = 0;

    make_tmpdir();
    if (_i == 0)
        fill_run(&run);
    else
        fill_run_of(&run, html_runs[_i].n, html_runs[_i].fill);
    f = tmp_path("r.html");
    ck_assert_int_eq(st_run_write_html(&run, f), 0);
    text = slurp(f);
    /* the overview, always; the measures of every scenario */
    ck_assert_msg(tu_count(text, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                           "class=\"overview\"") == 1, "%s run: no overview "
                  "picture", html_runs[_i].what);
    ck_assert_uint_eq(tu_count(text, "class=\"measures\""), run.nresults);
    /* the outcome histogram of every scenario that ran an iteration */
    {
        size_t ran = 0;

        for (size_t k = 0; k < run.nresults; k++)
            ran += run.results[k].iterations_run > 0;
        ck_assert_uint_eq(tu_count(text, "class=\"histogram"), ran);
    }
    /* every picture is an image with a name and a size */
    for (p = text; (p = strstr(p, "<svg ")) != NULL; p++) {
        const char *end = strchr(p, '>');
        char tag[512];
        double w = 0, h = 0;

        ck_assert_ptr_nonnull(end);
        ck_assert_uint_lt((size_t)(end - p), sizeof(tag));
        memcpy(tag, p, (size_t)(end - p));
        tag[end - p] = '\0';
        ck_assert_msg(strstr(tag, " role=\"img\"") != NULL, "%s", tag);
        ck_assert_msg(strstr(tag, " aria-label") != NULL, "%s", tag);
        ck_assert_msg(sscanf(strstr(tag, " width=\""), " width=\"%lf", &w) == 1
                      && sscanf(strstr(tag, " height=\""), " height=\"%lf",
                                &h) == 1 && w > 0 && h > 0, "%s", tag);
        if (strstr(tag, "aria-labelledby") != NULL)
            ck_assert_msg(strncmp(end, "><title id=", 11) == 0
                          || strncmp(end, ">\n<title id=", 12) == 0,
                          "a picture without its title: %s", tag);
        nsvg++;
    }
    ck_assert_uint_ge(nsvg, 1 + run.nresults);
    free(text);
    if (have_xmllint()) {
        char n[16];

        ck_assert_int_eq(sh("xmllint --noout '%s'", f), 0);
        /* every scenario's section holds a picture */
        snprintf(n, sizeof(n), "%zu", run.nresults);
        assert_xpath(f, "count(//section[.//*[local-name()='svg']])", n);
        /* every title and desc a picture is labelled by is there */
        assert_xpath(f, "count(//*[local-name()='svg'][@aria-labelledby]"
                     "[not(*[local-name()='title'][@id] and "
                     "*[local-name()='desc'][@id])])", "0");
    }
    st_run_free(&run);
    remove_tmpdir();
}
END_TEST

START_TEST(html_without_observations_draws_each_iterations_outcome)
{
    struct st_run run;
    struct st_result *r;
    const char *f, *H = "//*[local-name()='svg'][@class='histogram "
                        "iterations']";
    char e[256];

    if (!have_xmllint())
        return;
    make_tmpdir();
    f = tmp_path("r.html");
    fill_run(&run);
    /* the third scenario observes nothing */
    r = &run.results[2];
    st_result_free(r);
    fill_unobserved(r);
    ck_assert_int_eq(st_run_write_html(&run, f), 0);
    st_run_free(&run);
#define IN_H(fn, x) (snprintf(e, sizeof(e), "%s(%s%s)", fn, H, x), e)
    assert_xpath(f, IN_H("count", ""), "1");
    assert_xpath(f, "count(//section[3]//*[local-name()='svg'][@class="
                 "'histogram iterations'])", "1");
    /* two bars: held (the longest) and failed, each with its count */
    assert_xpath(f, IN_H("count", "/*[local-name()='g']"), "2");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][1]/"
                         "*[local-name()='text'][1]"),
                 "held every expectation");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][1]/"
                         "*[local-name()='rect']/@width"), "360.0");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][1]/"
                         "*[local-name()='text'][2]"), "99997 (100.00%) held");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][2]/"
                         "*[local-name()='text'][2]"), "3 (0.00%) failed");
    /* a rare failure stays visible, in the failing colour */
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][2]/"
                         "*[local-name()='rect']/@width"), "2.0");
    assert_xpath(f, IN_H("string", "/*[local-name()='g'][2]/"
                         "*[local-name()='rect']/@fill"), "#c62828");
    assert_xpath_has(f, IN_H("string", "/*[local-name()='desc']"),
                     "100000 iterations, 99997 held, 3 failed.");
#undef IN_H
    /* nothing ran in the skipped and the erred scenario: no histogram */
    assert_xpath(f, "count(//section[2]//*[local-name()='svg'][starts-with("
                 "@class,'histogram')])", "0");
    assert_xpath(f, "string(//section[4]/*[local-name()='p'][last()])",
                 "No iterations ran, so no outcome.");
    remove_tmpdir();
}
END_TEST

START_TEST(html_measures_give_throughput_and_overlap_share)
{
    struct st_run run;
    const char *f;

    if (!have_xmllint())
        return;
    make_tmpdir();
    f = tmp_path("r.html");
    fill_run(&run);
    /* one of 100000 without overlap: 99.999%, shown as 99.9%, never as
     * 100.0% (rounded down) */
    run.results[2].no_overlap = 1;
    ck_assert_int_eq(st_run_write_html(&run, f), 0);
    st_run_free(&run);
    /* 4321 iterations in 1.25 s; 17 of them without overlap */
    assert_xpath(f, "string(//section[1]//*[local-name()='g']"
                 "[@class='throughput']/*[local-name()='text'][2])",
                 "3457 iterations/s");
    assert_xpath(f, "string(//section[1]//*[local-name()='g']"
                 "[@class='overlap']/*[local-name()='text'][2])",
                 "99.6% of 4321 iterations");
    assert_xpath(f, "string(//section[1]//*[local-name()='g']"
                 "[@class='overlap']/*[local-name()='rect'][2]/@width)",
                 "298.8");
    /* the bars' scale is the fastest scenario: 100000 in 0.3 s */
    assert_xpath(f, "string(//section[1]//*[local-name()='g']"
                 "[@class='throughput']/*[local-name()='rect'][2]/@width)",
                 "3.1");
    assert_xpath(f, "string(//section[3]//*[local-name()='g']"
                 "[@class='throughput']/*[local-name()='rect'][2]/@width)",
                 "300.0");
    assert_xpath(f, "string(//section[3]//*[local-name()='g']"
                 "[@class='overlap']/*[local-name()='text'][2])",
                 "99.9% of 100000 iterations");
    assert_xpath_has(f, "string(//section[3]//*[local-name()='desc'])",
                     "333333 iterations/s (100000 iterations in 0.300 s); "
                     "the threads overlapped in 99.9% of the iterations "
                     "(1 without overlap).");
    /* a skipped scenario ran nothing, and says so */
    assert_xpath(f, "string(//section[2]//*[local-name()='g']"
                 "[@class='overlap']/*[local-name()='text'][2])",
                 "no iterations ran");
    /* the overview: the verdicts, then a row per scenario */
    assert_xpath(f, "string(//*[local-name()='svg'][@class='overview']/"
                 "*[local-name()='text'][1])",
                 "4 scenarios: 1 passed, 1 failed, 1 skipped, 1 error");
    assert_xpath(f, "count(//*[local-name()='svg'][@class='overview']/"
                 "*[local-name()='g'][@class='rate'])", "4");
    assert_xpath(f, "string(//*[local-name()='svg'][@class='overview']/"
                 "*[local-name()='g'][@class='rate'][3]/*[local-name()="
                 "'text'][2])", "333333/s pass");
    assert_xpath(f, "count(//*[local-name()='svg'][@class='overview']/"
                 "*[local-name()='g'][starts-with(@class,'verdict')])", "4");
    remove_tmpdir();
}
END_TEST

START_TEST(html_draws_the_timeline_of_a_controlled_failure)
{
    void (*const fill[])(struct st_result *) = { fill_controlled };
    struct st_run run;
    const char *f;

    if (!have_xmllint())
        return;
    make_tmpdir();
    fill_run_of(&run, 1, fill);
    f = tmp_path("r.html");
    ck_assert_int_eq(st_run_write_html(&run, f), 0);
    st_run_free(&run);
    assert_xpath(f, "count(//div[@class='failure']//*[local-name()='svg']"
                 "[@class='timeline'])", "1");
    /* a box per step, the last one where the failure fired */
    assert_xpath(f, "count(//*[local-name()='svg'][@class='timeline']//"
                 "*[local-name()='g'][starts-with(@class,'step')])", "4");
    assert_xpath_has(f, "string(//*[local-name()='svg'][@class='timeline']//"
                     "*[local-name()='g'][@class='step preempted fired'])",
                     "fired: forbidden outcome: a=3 b=3");
    remove_tmpdir();
}
END_TEST

START_TEST(html_shows_failures_with_trace_replay_and_detector)
{
    const char *f;

    if (!have_xmllint())
        return;
    make_tmpdir();
    f = tmp_path("r.html");
    write_html_fixture(f);
    assert_xpath(f, "count(//section[1]//div[@class='failure'])", "2");
    assert_xpath(f, "string(//section[1]//pre[@class='replay'])",
                 "sslstress run --seed 18446744073709551610 --jitter high "
                 "'scenarios/dup-free \"mid\" <handshake>.scn'");
    assert_xpath(f, "string((//section[1]//div[@class='failure'][1]"
                 "//span[@class='here'])[2])", "\\x07<bell>");
    assert_xpath_has(f, "string(//section[1]//div[@class='detector'])",
                     "SUMMARY: ThreadSanitizer: data race ssl.c:42 in "
                     "SSL_free & <co>");
    assert_xpath_has(f, "string(//section[1]//div[@class='detector'])",
                     "build/tsan/logs/dup-free.tsan.1234");
    assert_xpath_has(f, "string(//section[2])", "requires introspection: "
                     "not available on \"openssl\" <3>");
    assert_xpath_has(f, "string(//section[1]/p[1])", "q\"uo'te <tag> & amp; "
                     "]]> \\x01\\x02\\x1b[31m tab\t nl\n cr\r é ✓ 🚀");
    remove_tmpdir();
}
END_TEST

/* ---- plain text ----------------------------------------------------- */

/* Everything the text printers say about the fixture run, colour or not. */
static char *text_of(int color)
{
    struct st_run run;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    fill_run(&run);
    st_run_print_params(f, &run);
    for (size_t i = 0; i < run.nresults; i++) {
        const struct st_result *r = &run.results[i];

        st_result_print_outcomes(f, r, color);
        st_result_print_detector(f, r, color);
        for (size_t k = 0; k < r->nfailures; k++)
            st_failure_print(f, r, &r->failures[k], color);
    }
    st_run_print_summary(f, &run, color);
    st_run_free(&run);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

START_TEST(text_summary_lists_every_scenario_and_ends_with_the_verdict)
{
    char *t = text_of(0);

    ck_assert_ptr_nonnull(strstr(t, "dup-free-mid-handshake  FAIL"));
    ck_assert_ptr_nonnull(strstr(t, "controlled-only         SKIP"));
    ck_assert_ptr_nonnull(strstr(t, "upref-free-64           PASS"));
    ck_assert_ptr_nonnull(strstr(t, "broken                  ERROR"));
    /* 100000 iterations in 0.3 s */
    ck_assert_ptr_nonnull(strstr(t, "  100000          0       333333 "));
    ck_assert_ptr_nonnull(strstr(t, "4 scenarios: 1 passed, 1 failed, 1 "
                                 "skipped, 1 error; 104321 iterations, 3 "
                                 "failed, in 12.35 s\n"));
    ck_assert_ptr_nonnull(strstr(t, "iterations without thread overlap: "
                                 "17\n"));
    /* the verdict is the summary's last line */
    ck_assert_msg(strlen(t) > 43 && strcmp(t + strlen(t) - 43, "\nverdict: "
                  "FAIL (seed 18446744073709551610)\n") == 0,
                  "summary ends: %s", t + strlen(t) - 60);
    free(t);
}
END_TEST

START_TEST(text_histogram_gives_count_share_and_class_of_each_outcome)
{
    char *t = text_of(0);

    ck_assert_ptr_nonnull(strstr(t, "outcomes of dup-free-mid-handshake "
                                 "(4321 iterations, 17 without thread "
                                 "overlap):\n"));
    ck_assert_ptr_nonnull(strstr(t, "    dup      ref<s>         COUNT     "
                                 "FREQ  EXPECT       DESCRIPTION\n"));
    ck_assert_ptr_nonnull(strstr(t, "    copy     1               4000   "
                                 "92.57%  ACCEPTABLE   a full copy & "
                                 "\"fine\"\n"));
    ck_assert_ptr_nonnull(strstr(t, "    torn<>&  0                  3    "
                                 "0.07%  FORBIDDEN    "));
    free(t);
}
END_TEST

START_TEST(text_failure_gives_seed_trace_and_replay)
{
    char *t = text_of(0);

    ck_assert_ptr_nonnull(strstr(t, "FAILURE in dup-free-mid-handshake "
                                 "(scenarios/dup-free \"mid\" "
                                 "<handshake>.scn): iteration 17, seed "
                                 "18446744073709551610\n"));
    ck_assert_ptr_nonnull(strstr(t, "  thread owner:\n    handshake s "
                                 "until=mid\n    free s   <- here\n"));
    ck_assert_ptr_nonnull(strstr(t, "  replay: sslstress run --seed "
                                 "18446744073709551610 --jitter high "));
    ck_assert_ptr_nonnull(strstr(t, "  signal: SIGSEGV (11)\n"));
    ck_assert_ptr_nonnull(strstr(t, "  thread #0:\n    (no statement "
                                 "executed)\n"));
    free(t);
}
END_TEST

START_TEST(text_never_passes_control_characters_to_the_terminal)
{
    char *plain = text_of(0), *colored = text_of(1);

    /* the fixture's strings carry ESC, BEL, CR and \x01..: all escaped */
    for (const char *p = plain; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t',
                      "raw control character 0x%02x in: %.40s",
                      (unsigned char)*p, p);
    ck_assert_ptr_nonnull(strstr(plain, "\\x1b[31m"));
    /* with colour, ESC appears only as the start of our own SGR codes */
    for (const char *p = colored; (p = strchr(p, '\033')) != NULL; p++)
        ck_assert_msg(p[1] == '[' && (strncmp(p + 2, "0m", 2) == 0
                                      || strncmp(p + 2, "1m", 2) == 0
                                      || strncmp(p + 2, "2m", 2) == 0
                                      || strncmp(p + 2, "32m", 3) == 0
                                      || strncmp(p + 2, "33m", 3) == 0
                                      || strncmp(p + 2, "1;31m", 5) == 0
                                      || strncmp(p + 2, "1;35m", 5) == 0),
                      "unexpected escape: %.12s", p);
    ck_assert_ptr_nonnull(strstr(colored, "\033[1;31mFAIL"));
    free(plain);
    free(colored);
}
END_TEST

START_TEST(text_detector_reports_on_a_passing_scenario_are_called_expected)
{
    struct st_result r;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    fill_failing(&r);
    st_result_print_detector(f, &r, 0);     /* FAIL: no such remark */
    r.verdict = ST_PASS;                    /* an `expect race` pass */
    st_result_print_detector(f, &r, 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_uint_eq(tu_count(buf, "detector tsan: 2 reports"), 2);
    ck_assert_uint_eq(tu_count(buf, "(expected: the scenario declares "
                               "`expect race`)"), 1);
    ck_assert_uint_eq(tu_count(buf, "    log: build/tsan/logs/"
                               "dup-free.tsan.1234\n"), 2);
    free(buf);
    st_result_free(&r);
}
END_TEST

/* ---- failing allocations -------------------------------------------- */

/* The writers and readers must survive any allocation failing: return
 * NULL / -ENOMEM and free everything they took (stress_util's allocation
 * hook fails the Nth allocation and counts what is still live). */
#ifdef TU_ALLOC_HOOK
/* jansson 2.14's lexer is not safe against a failing allocation (it
 * ignores a failed buffer append and then asserts, load.c
 * lex_scan_string), so allocations made while it parses are let through:
 * the loaders are interposed here to say when that is. */
typedef json_t *(*loadb_fn)(const char *, size_t, size_t, json_error_t *);
typedef json_t *(*loadf_fn)(FILE *, size_t, json_error_t *);
static loadb_fn real_loadb;
static loadf_fn real_loadf;

static void find_real_loaders(void)
{
    *(void **)&real_loadb = dlsym(RTLD_NEXT, "json_loadb");
    *(void **)&real_loadf = dlsym(RTLD_NEXT, "json_loadf");
    if (real_loadb == NULL || real_loadf == NULL)
        abort();                        /* jansson not linked dynamically */
}

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags,
                   json_error_t *error)
{
    json_t *j;

    if (real_loadb == NULL)
        find_real_loaders();
    tu_alloc_exempt(1);
    j = real_loadb(buffer, buflen, flags, error);
    tu_alloc_exempt(-1);
    return j;
}

json_t *json_loadf(FILE *input, size_t flags, json_error_t *error)
{
    json_t *j;

    if (real_loadf == NULL)
        find_real_loaders();
    tu_alloc_exempt(1);
    j = real_loadf(input, flags, error);
    tu_alloc_exempt(-1);
    return j;
}

enum op { OP_TO_STRING, OP_FROM_STRING, OP_JUNIT, OP_HTML, OP_MERGE,
          OP_WRITE_JSON, OP_READ_JSON, OP_COUNT };
static const char *const op_names[] = { "to_json_string",
    "from_json_string", "junit", "html", "merge", "write_json", "read_json" };

/* What the operations work on. */
struct alloc_ctx {
    struct st_run run, shards[2];
    char *json;
};

static int run_op(void *arg, int op, char *err, size_t errlen)
{
    struct alloc_ctx *c = arg;
    struct st_run out;
    struct st_result back;
    FILE *f;
    char *s;
    int ret = 0;

    switch (op) {
    case OP_TO_STRING:
        s = st_result_to_json_string(&c->run.results[0]);
        ret = s != NULL ? 0 : -ENOMEM;
        free(s);
        break;
    case OP_FROM_STRING:
        ret = st_result_from_json_string(c->json, strlen(c->json), &back,
                                         err, errlen);
        if (ret == 0)
            st_result_free(&back);
        break;
    case OP_JUNIT:
    case OP_HTML:
        if ((f = fopen("/dev/null", "w")) == NULL)
            return -ENOMEM;
        ret = op == OP_JUNIT ? st_run_write_junit_fp(&c->run, f)
            : st_run_write_html_fp(&c->run, f);
        fclose(f);
        break;
    case OP_MERGE:
        ret = tu_merge_and_free(c->shards, 2, err, errlen);
        break;
    case OP_WRITE_JSON:
        ret = st_run_write_json(&c->run, tmp_path("out.json"));
        break;
    case OP_READ_JSON:
        ret = st_run_read_json(tmp_path("in.json"), &out, err, errlen);
        if (ret == 0)
            st_run_free(&out);
        break;
    }
    return ret;
}

START_TEST(every_failing_allocation_is_reported_and_leaks_nothing)
{
    struct alloc_ctx c;
    char err[256];

    err[0] = '\0';
    make_tmpdir();
    fill_run(&c.run);
    if (real_loadb == NULL)
        find_real_loaders();            /* dlsym may allocate: not armed */
    ck_assert_ptr_nonnull(c.json =
                          st_result_to_json_string(&c.run.results[0]));
    ck_assert_int_eq(st_run_write_json(&c.run, tmp_path("in.json")), 0);
    c.run.shard_count = 2;
    ck_assert_int_eq(st_run_write_json(&c.run, tmp_path("s0.json")), 0);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(st_run_read_json(tmp_path("s0.json"), &c.shards[i],
                                          err, sizeof(err)), 0);
    c.shards[1].shard_index = 1;
    tu_alloc_fail_each(OP_COUNT, op_names, run_op, &c);
    free(c.json);
    for (int i = 0; i < 2; i++)
        st_run_free(&c.shards[i]);
    st_run_free(&c.run);
    remove_tmpdir();
}
END_TEST
#endif

Suite *make_suite(void)
{
    Suite *s = suite_create("report");
    TCase *json = tcase_create("json");
    TCase *junit = tcase_create("junit");
    TCase *html = tcase_create("html");
    TCase *text = tcase_create("text");

    tcase_add_test(json, json_file_round_trips_every_field);
    tcase_add_test(json,
                   json_controlled_run_round_trips_its_schedules_and_timeline);
    tcase_add_test(json,
                   json_report_keeps_options_and_totals_apart_from_results);
    tcase_add_test(json, json_reports_validate_against_the_schema);
    tcase_add_test(json,
                   json_reader_refuses_other_format_versions_saying_what_to_do);
    tcase_add_test(json,
                   json_reader_refuses_totals_the_results_do_not_add_up_to);
    tcase_add_test(json, json_string_round_trips_a_result_for_the_pipe);
    tcase_add_test(json, json_seeds_are_decimal_strings);
    tcase_add_test(json, json_invalid_utf8_becomes_replacement_characters);
    tcase_add_test(json, json_copy_is_deep_and_equal);
    tcase_add_loop_test(json, json_malformed_result_is_a_named_error, 0,
                        (int)(sizeof(bad_results) / sizeof(bad_results[0])));
    tcase_add_test(json, json_read_rejects_files_that_are_not_runs);
    tcase_add_test(json, json_writer_reports_a_missing_directory);
    tcase_add_test(json,
                   json_writer_leaves_no_temporary_file_when_rename_fails);
    tcase_set_timeout(json, 30);
    tu_add_stress_leak_checks(json);
    suite_add_tcase(s, json);
    tcase_add_test(junit, junit_validates_against_the_jenkins_schema);
    tcase_add_test(junit, junit_of_an_empty_run_validates);
    tcase_add_test(junit, junit_counts_and_verdicts_match_the_run);
    tcase_add_test(junit,
                   junit_failure_says_what_fired_with_seed_trace_and_replay);
    tcase_add_test(junit, junit_detector_only_failure_names_the_detector);
    tcase_add_test(junit,
                   junit_control_characters_and_bad_utf8_stay_well_formed);
    tcase_set_timeout(junit, 30);
    tu_add_stress_leak_checks(junit);
    suite_add_tcase(s, junit);
    tcase_add_test(html, html_is_well_formed_and_self_contained);
    tcase_add_test(html,
                   html_draws_one_histogram_per_scenario_with_a_bar_per_outcome);
    tcase_add_test(html, html_shows_failures_with_trace_replay_and_detector);
    tcase_add_loop_test(html,
                        html_every_report_passing_or_failing_shows_an_svg_picture,
                        0, (int)(sizeof(html_runs) / sizeof(html_runs[0])));
    tcase_add_test(html, html_measures_give_throughput_and_overlap_share);
    tcase_add_test(html,
                   html_without_observations_draws_each_iterations_outcome);
    tcase_add_test(html, html_draws_the_timeline_of_a_controlled_failure);
    tcase_set_timeout(html, 30);
    tu_add_stress_leak_checks(html);
    suite_add_tcase(s, html);
    tcase_add_test(text, text_summary_lists_every_scenario_and_ends_with_the_verdict);
    tcase_add_test(text,
                   text_histogram_gives_count_share_and_class_of_each_outcome);
    tcase_add_test(text, text_failure_gives_seed_trace_and_replay);
    tcase_add_test(text, text_never_passes_control_characters_to_the_terminal);
    tcase_add_test(text,
                   text_detector_reports_on_a_passing_scenario_are_called_expected);
    tu_add_stress_leak_checks(text);
    suite_add_tcase(s, text);
#ifdef TU_ALLOC_HOOK
    {
        TCase *mem = tcase_create("allocation_failures");

        tcase_add_test(mem,
                       every_failing_allocation_is_reported_and_leaks_nothing);
        tcase_set_timeout(mem, 120);
        tu_add_stress_leak_checks(mem);
        suite_add_tcase(s, mem);
    }
#endif
    return s;
}
