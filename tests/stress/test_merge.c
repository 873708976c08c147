/* Suite merge: `sslstress merge` (stress/merge.c) combines the JSON results
 * of the shards of one campaign exactly, and refuses runs that are not
 * shards of one campaign. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "stress_util.h"
#include "testutil.h"

#define SCHEMA "../shared/schemas/junit-10.xsd"

static char *S(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    ck_assert_ptr_nonnull(d = strdup(s));
    return d;
}

static void init_run(struct st_run *run, int index, int count, uint64_t seed)
{
    memset(run, 0, sizeof(*run));
    run->tool_version = S("sslstress 0.1");
    run->backend = S("minissl");
    run->backend_version = S("minissl 0.1");
    run->seed = seed;
    run->jitter = S("low");
    run->iterations = 1000;
    run->max_failures = 0;
    run->affinity = S("none");
    run->schedule = S("free");
    run->shard_index = index;
    run->shard_count = count;
    run->seconds = 1.0 + index;
}

/* Append a scenario result observing labels "a" and "b"; |rows| is
 * "A,B=count;A,B=count" (empty: no rows, no labels). */
static struct st_result *add(struct st_run *run, const char *name,
                             enum st_verdict v, uint64_t iters,
                             uint64_t failed, const char *rows)
{
    struct st_result *r;
    char *spec, *save = NULL, *tok;

    run->results = realloc(run->results,
                           (run->nresults + 1) * sizeof(*run->results));
    ck_assert_ptr_nonnull(run->results);
    r = &run->results[run->nresults++];
    memset(r, 0, sizeof(*r));
    r->file = malloc(strlen(name) + 16);
    ck_assert_ptr_nonnull(r->file);
    sprintf(r->file, "scenarios/%s.scn", name);
    r->name = S(name);
    r->backend = S("minissl");
    r->verdict = v;
    r->seed = run->seed;
    r->jitter = S("low");
    r->schedule = S("free");
    r->nthreads = 2;
    r->iterations_planned = iters;
    r->iterations_run = iters;
    r->iterations_failed = failed;
    r->no_overlap = iters / 100;
    r->seconds = 0.5;
    r->shard_index = run->shard_index;
    r->shard_count = run->shard_count;
    if (*rows == '\0')
        return r;
    r->nlabels = 2;
    ck_assert_ptr_nonnull(r->labels = calloc(2, sizeof(char *)));
    r->labels[0] = S("a");
    r->labels[1] = S("b");
    spec = S(rows);
    for (tok = strtok_r(spec, ";", &save); tok != NULL;
         tok = strtok_r(NULL, ";", &save)) {
        struct st_outcome_row *row;
        char *comma = strchr(tok, ','), *eq = strchr(tok, '=');

        ck_assert(comma != NULL && eq != NULL);
        *comma = *eq = '\0';
        r->rows = realloc(r->rows, (r->nrows + 1) * sizeof(*r->rows));
        ck_assert_ptr_nonnull(r->rows);
        row = &r->rows[r->nrows++];
        memset(row, 0, sizeof(*row));
        ck_assert_ptr_nonnull(row->values = calloc(2, sizeof(char *)));
        row->values[0] = S(tok);
        row->values[1] = S(comma + 1);
        row->count = strtoull(eq + 1, NULL, 10);
        row->cls = strcmp(tok, "torn") == 0 ? ST_FORBIDDEN : ST_ACCEPTABLE;
    }
    free(spec);
    return r;
}

static void add_failure(struct st_result *r, uint64_t iteration,
                        const char *msg)
{
    struct st_failure *f;

    r->failures = realloc(r->failures,
                          (r->nfailures + 1) * sizeof(*r->failures));
    ck_assert_ptr_nonnull(r->failures);
    f = &r->failures[r->nfailures++];
    memset(f, 0, sizeof(*f));
    f->iteration = iteration;
    f->seed = r->seed;
    f->kind = S("expect");
    f->message = S(msg);
    f->nthreads = 1;
    ck_assert_ptr_nonnull(f->thread_trace = calloc(1, sizeof(char *)));
    f->thread_trace[0] = S("free s");
    f->replay = S("sslstress run --seed 5 x.scn");
}

/* Three shards of seed 5: "dup" in all, "upref" in two, "ctx" in one. */
static void make_shards(struct st_run s[3])
{
    struct st_result *r;

    init_run(&s[0], 0, 3, 5);
    add(&s[0], "dup", ST_PASS, 300, 0, "copy,1=200;same,2=100");
    add(&s[0], "upref", ST_PASS, 500, 0, "x,1=500");
    init_run(&s[1], 1, 3, 5);
    r = add(&s[1], "dup", ST_FAIL, 400, 2, "same,2=150;torn,0=2;copy,1=248");
    add_failure(r, 17, "first failure");
    add_failure(r, 40, "second failure");
    add(&s[1], "ctx", ST_SKIP, 0, 0, "");
    s[1].results[1].reason = S("requires introspection");
    init_run(&s[2], 2, 3, 5);
    r = add(&s[2], "dup", ST_FAIL, 300, 1, "copy,1=299;torn,0=1");
    add_failure(r, 5, "third failure");
    add(&s[2], "upref", ST_PASS, 500, 0, "x,1=499;x,2=1");
}

static void free_shards(struct st_run *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st_run_free(&s[i]);
}

static const struct st_result *find(const struct st_run *run, const char *n)
{
    for (size_t i = 0; i < run->nresults; i++)
        if (strcmp(run->results[i].name, n) == 0)
            return &run->results[i];
    ck_abort_msg("no result %s", n);
    return NULL;
}

static uint64_t row_count(const struct st_result *r, const char *a,
                          const char *b)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (strcmp(r->rows[i].values[0], a) == 0
            && strcmp(r->rows[i].values[1], b) == 0)
            return r->rows[i].count;
    return 0;
}

START_TEST(merging_shards_sums_iterations_failures_and_outcomes_exactly)
{
    struct st_run s[3], m;
    const struct st_result *dup, *upref;
    char err[256];

    make_shards(s);
    ck_assert_msg(st_run_merge(s, 3, &m, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(m.nresults, 3);
    ck_assert_int_eq(m.shard_index, 0);
    ck_assert_int_eq(m.shard_count, 1);
    ck_assert_uint_eq(m.seed, 5);
    dup = find(&m, "dup");
    ck_assert_uint_eq(dup->iterations_run, 1000);
    ck_assert_uint_eq(dup->iterations_planned, 1000);
    ck_assert_uint_eq(dup->iterations_failed, 3);
    ck_assert_uint_eq(dup->no_overlap, 3 + 4 + 3);
    ck_assert(dup->seconds == 1.5);
    ck_assert_uint_eq(dup->nrows, 3);
    ck_assert_uint_eq(row_count(dup, "copy", "1"), 200 + 248 + 299);
    ck_assert_uint_eq(row_count(dup, "same", "2"), 100 + 150);
    ck_assert_uint_eq(row_count(dup, "torn", "0"), 2 + 1);
    upref = find(&m, "upref");
    ck_assert_uint_eq(upref->iterations_run, 1000);
    ck_assert_uint_eq(upref->nrows, 2);
    ck_assert_uint_eq(row_count(upref, "x", "1"), 999);
    ck_assert_uint_eq(row_count(upref, "x", "2"), 1);
    ck_assert_int_eq(find(&m, "ctx")->verdict, ST_SKIP);
    /* every result is now the whole campaign's */
    for (size_t i = 0; i < m.nresults; i++)
        ck_assert_int_eq(m.results[i].shard_count, 1);
    st_run_free(&m);
    free_shards(s, 3);
}
END_TEST

START_TEST(merge_result_does_not_depend_on_the_input_order)
{
    struct st_run s[3], perm[3], a, b;
    char err[256];

    make_shards(s);
    ck_assert_int_eq(st_run_merge(s, 3, &a, err, sizeof(err)), 0);
    perm[0] = s[2];
    perm[1] = s[0];
    perm[2] = s[1];
    ck_assert_int_eq(st_run_merge(perm, 3, &b, err, sizeof(err)), 0);
    ck_assert_uint_eq(a.nresults, b.nresults);
    for (size_t i = 0; i < a.nresults; i++) {
        /* results in the order of an unsharded run: shard 0's first */
        ck_assert_str_eq(a.results[i].name, b.results[i].name);
        ck_assert_uint_eq(a.results[i].iterations_run,
                          b.results[i].iterations_run);
        ck_assert_uint_eq(a.results[i].nrows, b.results[i].nrows);
        for (size_t k = 0; k < a.results[i].nrows; k++)
            ck_assert_uint_eq(a.results[i].rows[k].count,
                              b.results[i].rows[k].count);
    }
    ck_assert_str_eq(a.results[0].name, "dup");
    ck_assert_str_eq(a.results[1].name, "upref");
    ck_assert_str_eq(a.results[2].name, "ctx");
    st_run_free(&a);
    st_run_free(&b);
    free_shards(s, 3);
}
END_TEST

START_TEST(merge_keeps_every_failure_in_shard_order)
{
    struct st_run s[3], m;
    const struct st_result *dup;

    make_shards(s);
    ck_assert_int_eq(st_run_merge(s, 3, &m, NULL, 0), 0);
    dup = find(&m, "dup");
    ck_assert_uint_eq(dup->nfailures, 3);
    ck_assert_str_eq(dup->failures[0].message, "first failure");
    ck_assert_str_eq(dup->failures[1].message, "second failure");
    ck_assert_str_eq(dup->failures[2].message, "third failure");
    ck_assert_uint_eq(dup->failures[2].iteration, 5);
    ck_assert_str_eq(dup->failures[2].thread_trace[0], "free s");
    st_run_free(&m);
    free_shards(s, 3);
}
END_TEST

START_TEST(merge_verdict_is_the_worst_and_its_reason_follows_it)
{
    struct st_run s[3], m;
    struct st_result *r;

    init_run(&s[0], 0, 3, 9);
    add(&s[0], "a", ST_SKIP, 0, 0, "");
    s[0].results[0].reason = S("no work in this shard");
    add(&s[0], "b", ST_FAIL, 10, 1, "copy,1=10");
    init_run(&s[1], 1, 3, 9);
    add(&s[1], "a", ST_PASS, 10, 0, "copy,1=10");
    r = add(&s[1], "b", ST_ERROR, 0, 0, "");
    r->reason = S("child crashed outside an iteration");
    init_run(&s[2], 2, 3, 9);
    add(&s[2], "a", ST_PASS, 10, 0, "copy,1=10");
    add(&s[2], "b", ST_PASS, 10, 0, "copy,1=10");
    ck_assert_int_eq(st_run_merge(s, 3, &m, NULL, 0), 0);
    ck_assert_int_eq(find(&m, "a")->verdict, ST_PASS);     /* skip < pass */
    ck_assert_ptr_null(find(&m, "a")->reason);
    ck_assert_uint_eq(find(&m, "a")->nlabels, 2);  /* adopted from shard 1 */
    ck_assert_uint_eq(row_count(find(&m, "a"), "copy", "1"), 20);
    ck_assert_int_eq(find(&m, "b")->verdict, ST_ERROR);
    ck_assert_str_eq(find(&m, "b")->reason,
                     "child crashed outside an iteration");
    ck_assert_int_eq(st_run_exit_status(&m), 1);
    st_run_free(&m);
    free_shards(s, 3);
}
END_TEST

START_TEST(merge_sums_detector_reports_and_keeps_the_first_summary)
{
    struct st_run s[2], m;
    struct st_result *r;

    init_run(&s[0], 0, 2, 1);
    r = add(&s[0], "race", ST_PASS, 10, 0, "");
    r->detector = S("helgrind");
    r->detector_log = S("logs/race.0.log");
    init_run(&s[1], 1, 2, 1);
    r = add(&s[1], "race", ST_FAIL, 10, 1, "");
    r->detector = S("helgrind");
    r->detector_reports = 3;
    r->detector_summary = S("Possible data race during write of size 4");
    r->detector_log = S("logs/race.1.log");
    ck_assert_int_eq(st_run_merge(s, 2, &m, NULL, 0), 0);
    r = &m.results[0];
    ck_assert_uint_eq(r->detector_reports, 3);
    ck_assert_str_eq(r->detector_summary,
                     "Possible data race during write of size 4");
    ck_assert_str_eq(r->detector_log, "logs/race.1.log");
    st_run_free(&m);
    free_shards(s, 2);
}
END_TEST

/* Each case breaks one campaign parameter of shard 1 and names the words
 * the refusal must contain. */
static const struct {
    const char *what;
    const char *msg1, *msg2;
} refusals[] = {
    { "seed", "seed 5", "seed 6" },
    { "backend", "backend minissl", "backend openssl" },
    { "version", "minissl 0.1", "minissl 0.2" },
    { "jitter", "jitter low", "jitter high" },
    { "iterations", "--iterations 1000", "has 2000" },
    { "schedule", "has --schedule free", "has random" },
    { "count", "shard 1/3", "shard 2/4" },     /* counted from 1 */
    { "twice", "both shard 1/3", "once" },
    { "labels", "observes different labels", "dup" },
};

START_TEST(merge_refuses_runs_that_are_not_shards_of_one_campaign)
{
    struct st_run s[3], m;
    const char *what = refusals[_i].what;
    char err[256];

    make_shards(s);
    if (strcmp(what, "seed") == 0) {
        s[1].seed = 6;
    } else if (strcmp(what, "backend") == 0) {
        free(s[1].backend);
        s[1].backend = S("openssl");
    } else if (strcmp(what, "version") == 0) {
        free(s[1].backend_version);
        s[1].backend_version = S("minissl 0.2");
    } else if (strcmp(what, "jitter") == 0) {
        free(s[1].jitter);
        s[1].jitter = S("high");
    } else if (strcmp(what, "iterations") == 0) {
        s[1].iterations = 2000;
    } else if (strcmp(what, "schedule") == 0) {
        free(s[1].schedule);
        s[1].schedule = S("random");
    } else if (strcmp(what, "count") == 0) {
        s[1].shard_count = 4;
    } else if (strcmp(what, "twice") == 0) {
        s[1].shard_index = 0;
    } else if (strcmp(what, "labels") == 0) {
        free(s[1].results[0].labels[1]);
        s[1].results[0].labels[1] = S("c");
    }
    ck_assert_int_eq(st_run_merge(s, 3, &m, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, refusals[_i].msg1) != NULL
                  && strstr(err, refusals[_i].msg2) != NULL,
                  "%s: \"%s\" lacks \"%s\" or \"%s\"", what, err,
                  refusals[_i].msg1, refusals[_i].msg2);
    ck_assert_ptr_null(m.results);
    free_shards(s, 3);
}
END_TEST

/* ---- the command ---------------------------------------------------- */

static char tmpdir[64];

static char *tmp_path(const char *name)
{
    static char buf[8][128];
    static int k;

    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_shards(void)
{
    struct st_run s[3];

    strcpy(tmpdir, "/tmp/test_merge.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    make_shards(s);
    ck_assert_int_eq(st_run_write_json(&s[0], tmp_path("s0.json")), 0);
    ck_assert_int_eq(st_run_write_json(&s[1], tmp_path("s1.json")), 0);
    ck_assert_int_eq(st_run_write_json(&s[2], tmp_path("s2.json")), 0);
    free_shards(s, 3);
}

static void remove_tmpdir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
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
    ck_assert_ptr_nonnull(s = malloc((size_t)n + 1));
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* Run st_merge_main with stdout and stderr captured in *out / *err (the
 * caller frees); returns its exit status. */
static int run_merge(char **out, char **errs, ...)
{
    char *argv[16];
    int argc = 0, status, o, e, so, se;
    const char *a;
    va_list ap;

    argv[argc++] = (char *)"merge";
    va_start(ap, errs);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 15)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    so = dup(1);
    se = dup(2);
    o = open(tmp_path("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    e = open(tmp_path("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert(so >= 0 && se >= 0 && o >= 0 && e >= 0);
    dup2(o, 1);
    dup2(e, 2);
    status = st_merge_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(o);
    close(e);
    close(so);
    close(se);
    *out = slurp(tmp_path("stdout"));
    *errs = slurp(tmp_path("stderr"));
    return status;
}

START_TEST(merge_command_writes_reports_and_exits_1_on_a_failure)
{
    char *out, *err, rerr[256];
    struct st_run back;
    int st;

    write_shards();
    st = run_merge(&out, &err, tmp_path("s0.json"), tmp_path("s1.json"),
                   "--no-color", tmp_path("s2.json"), "--json",
                   tmp_path("m.json"), "--junit=", NULL);
    ck_assert_int_eq(st, 2);            /* an empty file name */
    ck_assert_ptr_nonnull(strstr(err, "--junit= needs a file name"));
    free(out);
    free(err);
    st = run_merge(&out, &err, tmp_path("s0.json"), tmp_path("s1.json"),
                   "--no-color", tmp_path("s2.json"), "--json",
                   tmp_path("m.json"), "--junit", tmp_path("m.xml"),
                   "--html", tmp_path("m.html"), NULL);
    ck_assert_msg(st == 1, "exit %d, stderr: %s", st, err);
    ck_assert_str_eq(err, "");
    ck_assert_ptr_nonnull(strstr(out, "seed: 5\n"));    /* parameters */
    ck_assert_ptr_nonnull(strstr(out, "FAILURE in dup"));
    ck_assert_ptr_nonnull(strstr(out, "replay: sslstress run --seed 5"));
    ck_assert_ptr_nonnull(strstr(out, "3 scenarios: 1 passed, 1 failed, "
                                 "1 skipped, 0 errors; 2000 iterations, 3 "
                                 "failed"));
    ck_assert_ptr_nonnull(strstr(out, "verdict: FAIL (seed 5)\n"));
    ck_assert_ptr_null(strstr(out, "\033["));   /* --no-color */
    ck_assert_int_eq(st_run_read_json(tmp_path("m.json"), &back, rerr,
                                      sizeof(rerr)), 0);
    ck_assert_uint_eq(back.nresults, 3);
    ck_assert_uint_eq(find(&back, "dup")->iterations_run, 1000);
    ck_assert_ptr_nonnull(strstr(back.command, "sslstress merge "));
    ck_assert_str_eq(back.schedule, "free");
    st_run_free(&back);
    /* the shards and their merge are reports of the published format */
    if (tu_assert_report_valid("merge_command_writes_reports_and_exits_1_on_"
                               "a_failure", tmp_path("m.json"))) {
        tu_assert_report_valid("", tmp_path("s0.json"));
        tu_assert_report_valid("", tmp_path("s1.json"));
        tu_assert_report_valid("", tmp_path("s2.json"));
    }
    {
        json_error_t je;
        json_t *j = json_load_file(tmp_path("m.json"), 0, &je), *t;

        ck_assert_ptr_nonnull(j);
        /* the merge's totals: the whole campaign's, not one shard's */
        t = json_object_get(j, "totals");
        ck_assert_int_eq(json_integer_value(json_object_get(t, "scenarios")),
                         3);
        ck_assert_int_eq(json_integer_value(json_object_get(t,
                         "iterations_run")), 2000);
        ck_assert_int_eq(json_integer_value(json_object_get(t,
                         "iterations_failed")), 3);
        ck_assert_int_eq(json_integer_value(json_object_get(t, "failed")), 1);
        ck_assert(json_real_value(json_object_get(t, "seconds")) == 3.0);
        ck_assert_int_eq(json_integer_value(json_object_get(
                         json_object_get(j, "options"), "shard_count")), 1);
        json_decref(j);
    }
    {
        char *html = slurp(tmp_path("m.html"));

        ck_assert_uint_eq(tu_count(html, "class=\"overview\""), 1);
        ck_assert_uint_eq(tu_count(html, "class=\"measures\""), 3);
        free(html);
    }
    if (system("command -v xmllint >/dev/null 2>&1") == 0) {
        char cmd[512];

        snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s %s "
                 "2>/dev/null", SCHEMA, tmp_path("m.xml"));
        ck_assert_int_eq(system(cmd), 0);
        snprintf(cmd, sizeof(cmd), "xmllint --noout %s", tmp_path("m.html"));
        ck_assert_int_eq(system(cmd), 0);
    }
    free(out);
    free(err);
    remove_tmpdir();
}
END_TEST

START_TEST(merge_command_exits_0_when_every_shard_passed)
{
    struct st_run s[2];
    char *out, *err;

    strcpy(tmpdir, "/tmp/test_merge.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    init_run(&s[0], 0, 2, 3);
    add(&s[0], "upref", ST_PASS, 5, 0, "x,1=5");
    init_run(&s[1], 1, 2, 3);
    add(&s[1], "upref", ST_PASS, 5, 0, "x,1=5");
    ck_assert_int_eq(st_run_write_json(&s[0], tmp_path("a.json")), 0);
    ck_assert_int_eq(st_run_write_json(&s[1], tmp_path("b.json")), 0);
    free_shards(s, 2);
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("a.json"),
                               tmp_path("b.json"), NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "verdict: PASS (seed 3)\n"));
    free(out);
    free(err);
    /* --json - : stdout is the JSON alone, the summary goes to stderr */
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("a.json"),
                               tmp_path("b.json"), "--json", "-", NULL), 0);
    {
        json_error_t je;
        json_t *j = json_loads(out, 0, &je);
        struct st_run m;
        char e[256];

        ck_assert_msg(j != NULL, "stdout is not JSON: %s", je.text);
        ck_assert_int_eq(st_run_from_json(j, &m, e, sizeof(e)), 0);
        ck_assert_uint_eq(m.results[0].iterations_run, 10);
        st_run_free(&m);
        json_decref(j);
    }
    ck_assert_ptr_nonnull(strstr(err, "verdict: PASS (seed 3)\n"));
    free(out);
    free(err);
    /* a shard missing is a warning, not an error */
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("a.json"), NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "missing shard 2/2"));  /* b.json */
    free(out);
    free(err);
    remove_tmpdir();
}
END_TEST

START_TEST(merge_command_exits_2_on_bad_input_with_a_clear_message)
{
    char *out, *err;
    FILE *f;
    struct st_run s;

    write_shards();
    ck_assert_ptr_nonnull(f = fopen(tmp_path("bad.json"), "w"));
    fputs("{\"format\":\"sslstress-run\",\"results\":[{\"name\":\"x\",", f);
    fclose(f);
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("s0.json"),
                               tmp_path("bad.json"), NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "bad.json:1:"));
    free(out);
    free(err);
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("nope.json"), NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "nope.json: No such file"));
    free(out);
    free(err);
    /* a shard of another seed */
    init_run(&s, 1, 3, 77);
    add(&s, "dup", ST_PASS, 1, 0, "");
    ck_assert_int_eq(st_run_write_json(&s, tmp_path("other.json")), 0);
    st_run_free(&s);
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("s0.json"),
                               tmp_path("other.json"), NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "seed 5 but"));
    ck_assert_ptr_nonnull(strstr(err, "other.json has seed 77"));
    free(out);
    free(err);
    /* a report of the format before options and totals */
    ck_assert_ptr_nonnull(f = fopen(tmp_path("v1.json"), "w"));
    fputs("{\"format\":\"sslstress-run\",\"format_version\":1,\"seed\":"
          "\"5\",\"iterations\":1000,\"results\":[]}", f);
    fclose(f);
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("s0.json"),
                               tmp_path("v1.json"), NULL), 2);
    ck_assert_msg(strstr(err, "v1.json: format_version: 1 is the format of "
                         "an older sslstress") != NULL, "%s", err);
    free(out);
    free(err);
    /* usage */
    ck_assert_int_eq(run_merge(&out, &err, NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "no result files"));
    free(out);
    free(err);
    ck_assert_int_eq(run_merge(&out, &err, "--frob", tmp_path("s0.json"),
                               NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown option --frob"));
    free(out);
    free(err);
    ck_assert_int_eq(run_merge(&out, &err, tmp_path("s0.json"), "--json",
                               NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "--json needs a file name"));
    free(out);
    free(err);
    remove_tmpdir();
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("merge");
    TCase *sum = tcase_create("combining");
    TCase *cmd = tcase_create("command");

    tcase_add_test(sum,
                   merging_shards_sums_iterations_failures_and_outcomes_exactly);
    tcase_add_test(sum,
                   merge_result_does_not_depend_on_the_input_order);
    tcase_add_test(sum, merge_keeps_every_failure_in_shard_order);
    tcase_add_test(sum, merge_verdict_is_the_worst_and_its_reason_follows_it);
    tcase_add_test(sum, merge_sums_detector_reports_and_keeps_the_first_summary);
    tcase_add_loop_test(sum,
                        merge_refuses_runs_that_are_not_shards_of_one_campaign,
                        0, (int)(sizeof(refusals) / sizeof(refusals[0])));
    tcase_add_test(cmd, merge_command_writes_reports_and_exits_1_on_a_failure);
    tcase_add_test(cmd, merge_command_exits_0_when_every_shard_passed);
    tcase_add_test(cmd, merge_command_exits_2_on_bad_input_with_a_clear_message);
    tcase_set_timeout(cmd, 30);
    tu_add_stress_leak_checks(sum);
    suite_add_tcase(s, sum);
    tu_add_stress_leak_checks(cmd);
    suite_add_tcase(s, cmd);
    return s;
}
