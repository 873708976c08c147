/* Suite shard: stress/shard.c, the split of a campaign into --shard I/N
 * shares, and the promise that merged shards count what an unsharded run
 * with the same seed counts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "backend.h"
#include "campaign.h"
#include "report.h"
#include "result.h"
#include "runner.h"
#include "shard.h"
#include "stress_util.h"
#include "testutil.h"

/* Three scenarios of these sizes make one campaign. */
static const uint64_t sizes[] = { 1, 7, 100, 10007, 3 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

START_TEST(shards_cover_every_iteration_exactly_once)
{
    static const int counts[] = { 1, 2, 3, 4, 7, 16 };

    for (size_t ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++) {
        int n = counts[ci];
        uint64_t base = 0;

        for (size_t k = 0; k < NSIZES; k++) {
            uint64_t planned = sizes[k];
            uint64_t chunks = st_shard_chunks(planned, n);
            unsigned char *seen = calloc(planned, 1);
            struct st_range *rg = calloc(chunks, sizeof(*rg));

            ck_assert_ptr_nonnull(seen);
            ck_assert_ptr_nonnull(rg);
            for (int i = 0; i < n; i++) {
                size_t nr = st_shard_ranges(planned, base, i, n, rg, chunks);

                for (size_t j = 0; j < nr; j++) {
                    ck_assert_uint_lt(rg[j].begin, rg[j].end);
                    ck_assert_uint_le(rg[j].end, planned);
                    for (uint64_t it = rg[j].begin; it < rg[j].end; it++)
                        seen[it]++;
                }
            }
            for (uint64_t it = 0; it < planned; it++)
                ck_assert_msg(seen[it] == 1, "N=%d size=%llu: iteration "
                              "%llu run %d times", n,
                              (unsigned long long)planned,
                              (unsigned long long)it, seen[it]);
            base += chunks;
            free(rg);
            free(seen);
        }
    }
}
END_TEST

START_TEST(each_shard_gets_an_equal_share_of_a_large_scenario)
{
    struct st_range rg[64];

    for (int i = 0; i < 4; i++) {
        size_t nr = st_shard_ranges(100000, 5, i, 4, rg, 64);
        uint64_t total = 0;

        for (size_t j = 0; j < nr; j++)
            total += rg[j].end - rg[j].begin;
        ck_assert_uint_eq(total, 25000);
    }
}
END_TEST

/* --shard I/N counts from 1, as jest, Playwright, vitest and cargo-nextest
 * do; the index inside is I - 1. */
START_TEST(shard_spec_counts_from_one)
{
    int i = -1, n = -1;

    ck_assert_int_eq(st_shard_parse("1/1", &i, &n, NULL, 0), 0);
    ck_assert_int_eq(i, 0);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(st_shard_parse("1/4", &i, &n, NULL, 0), 0);
    ck_assert_int_eq(i, 0);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(st_shard_parse("4/4", &i, &n, NULL, 0), 0);
    ck_assert_int_eq(i, 3);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(st_shard_parse("1000000/1000000", &i, &n, NULL, 0), 0);
    ck_assert_int_eq(i, 999999);
}
END_TEST

static const struct {
    const char *spec, *message;
} bad_specs[] = {
    { "0/4", "--shard 0/4: shards count from 1 (1/4 to 4/4)" },
    { "0/1", "--shard 0/1: shards count from 1 (1/1 only)" },
    { "5/4", "--shard 5/4: no such shard (1/4 to 4/4)" },
    { "2/1", "--shard 2/1: no such shard (1/1 only)" },
    { "1/0", "--shard 1/0: N must be from 1 to 1000000" },
    { "1/1000001", "--shard 1/1000001: N must be from 1 to 1000000" },
    { "-1/4", "--shard '-1/4': expected I/N" },
    { "+1/4", "--shard '+1/4': expected I/N" },
    { " 1/4", "--shard ' 1/4': expected I/N" },
    { "1/ 4", "--shard '1/ 4': expected I/N" },
    { "1", "--shard '1': expected I/N" },
    { "1/2x", "--shard '1/2x': expected I/N" },
    { "99999999/4", "--shard '99999999/4': expected I/N" },
    { "", "--shard '': expected I/N" },
};

START_TEST(bad_shard_specs_are_refused_with_a_message_that_says_why)
{
    int i = -7, n = -7;
    char err[200];

    memset(err, 'x', sizeof(err));
    ck_assert_int_eq(st_shard_parse(bad_specs[_i].spec, &i, &n, err,
                                    sizeof(err)), -EINVAL);
    ck_assert_msg(strncmp(err, bad_specs[_i].message,
                          strlen(bad_specs[_i].message)) == 0,
                  "'%s': got \"%s\"", bad_specs[_i].spec, err);
    ck_assert_int_eq(i, -7);          /* nothing stored */
    ck_assert_int_eq(n, -7);
    ck_assert_int_eq(st_shard_parse(bad_specs[_i].spec, &i, &n, NULL, 0),
                     -EINVAL);
}
END_TEST

START_TEST(shard_names_count_from_one)
{
    char buf[ST_SHARD_NAME_MAX];

    ck_assert_str_eq(st_shard_name(buf, sizeof(buf), 0, 4), "1/4");
    ck_assert_str_eq(st_shard_name(buf, sizeof(buf), 3, 4), "4/4");
    ck_assert_str_eq(st_shard_name(buf, sizeof(buf), 0, 1), "1/1");
    ck_assert_str_eq(st_shard_name(buf, sizeof(buf), 999999, 1000000),
                     "1000000/1000000");
}
END_TEST

/* The JSON says what users say: "shard_index" is I of I/N, in the
 * options and in every result.  Format 1, which counted from 0, is
 * refused, not misread. */
START_TEST(json_counts_shards_from_one_and_refuses_version_1)
{
    static const char v1[] =
        "{\"format\":\"sslstress-run\",\"format_version\":1,"
        "\"shard_index\":0,\"shard_count\":2,\"results\":[{\"name\":\"x\","
        "\"verdict\":\"pass\",\"shard_index\":1,\"shard_count\":2}]}";
    static const char v2_zero[] =
        "{\"format\":\"sslstress-run\",\"format_version\":2,"
        "\"options\":{\"shard_index\":0,\"shard_count\":2}}";
    struct st_result res;
    struct st_run run, back;
    json_t *j;
    char err[256];

    memset(&run, 0, sizeof(run));
    memset(&res, 0, sizeof(res));
    res.name = (char *)"x";
    res.shard_index = 2;
    res.shard_count = 3;
    run.shard_index = 2;
    run.shard_count = 3;
    run.results = &res;
    run.nresults = 1;
    ck_assert_ptr_nonnull(j = st_run_to_json(&run));
    ck_assert_int_eq(json_integer_value(json_object_get(
        json_object_get(j, "options"), "shard_index")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(
        json_array_get(json_object_get(j, "results"), 0), "shard_index")), 3);
    ck_assert_int_eq(st_run_from_json(j, &back, err, sizeof(err)), 0);
    ck_assert_int_eq(back.shard_index, 2);
    ck_assert_int_eq(back.results[0].shard_index, 2);
    st_run_free(&back);
    json_decref(j);

    ck_assert_ptr_nonnull(j = json_loads(v1, 0, NULL));
    ck_assert_int_eq(st_run_from_json(j, &back, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "format_version: 1 is the format of an older")
                  != NULL, "%s", err);
    json_decref(j);

    ck_assert_ptr_nonnull(j = json_loads(v2_zero, 0, NULL));
    ck_assert_int_eq(st_run_from_json(j, &back, err, sizeof(err)), -EINVAL);
    ck_assert_str_eq(err, "options.shard_index: 0 is not a shard of "
                     "shard_count 2 "
                     "(1 to 2)");
    json_decref(j);
}
END_TEST

/* s, with two references, and thread A's dup of it. */
#define DUP_OF_S \
    "global\n" \
    "  ctx c\n" \
    "setup\n" \
    "  s = new c\n" \
    "  up_ref s\n" \
    "thread A\n" \
    "  d = dup s\n"

static const char text[] =
    "scenario shard-counting\n"
    "iterations 600\n"
    DUP_OF_S
    "  observe a same(d, s)\n"
    "  free d\n"
    "  free s\n"
    "thread B\n"
    "  observe e errors\n"
    "  free s\n"
    "outcome a=copy e=none acceptable\n";

static void fill_run(struct st_run *run, struct st_result *res, int index,
                     int count)
{
    memset(run, 0, sizeof(*run));
    run->tool_version = strdup("test");
    run->backend = strdup(st_be_name());
    run->backend_version = strdup(st_be_version());
    run->seed = 42;
    run->jitter = strdup("low");
    run->affinity = strdup("none");
    run->command = strdup("test_shard");
    run->shard_index = index;
    run->shard_count = count;
    run->max_failures = 1;
    run->results = res;
    run->nresults = 1;
}

START_TEST(merged_shard_counts_equal_an_unsharded_run_with_the_same_seed)
{
    char dir[] = "/tmp/test_shard.XXXXXX", path[300];
    struct st_scenario *sc;
    struct st_diag d;
    struct st_opts o;
    struct st_range rg[16];
    struct st_result whole;
    struct st_run *runs, merged;
    char err[256];
    FILE *f;
    enum { N = 3 };

    ck_assert_int_eq(st_be_init(), 0);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/s.scn", dir);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
    sc = st_scenario_load(path, &d);
    ck_assert_ptr_nonnull(sc);

    st_opts_default(&o);
    o.seed = 42;
    o.jitter = ST_JITTER_LOW;
    ck_assert_uint_eq(st_shard_ranges(600, 0, 0, 1, rg, 16), 1);
    ck_assert_int_eq(st_run_scenario(sc, &o, rg, 1, NULL, &whole), 0);
    ck_assert_int_eq(whole.verdict, ST_PASS);

    runs = calloc(N, sizeof(*runs));
    ck_assert_ptr_nonnull(runs);
    for (int i = 0; i < N; i++) {
        size_t nr = st_shard_ranges(600, 0, i, N, rg, 16);
        /* Each run owns its results array (st_run_free frees it). */
        struct st_result *part = calloc(1, sizeof(*part));

        ck_assert_ptr_nonnull(part);
        ck_assert_uint_ge(nr, 1);
        o.shard_index = i;
        o.shard_count = N;
        ck_assert_int_eq(st_run_isolated(sc, &o, rg, nr, part, NULL, NULL),
                         0);
        ck_assert_uint_lt(part->iterations_run, 600);
        fill_run(&runs[i], part, i, N);
    }
    ck_assert_int_eq(st_run_merge(runs, N, &merged, err, sizeof(err)), 0);
    ck_assert_uint_eq(merged.nresults, 1);
    ck_assert_uint_eq(merged.results[0].iterations_run, whole.iterations_run);
    ck_assert_uint_eq(merged.results[0].iterations_planned,
                      whole.iterations_planned);
    ck_assert_uint_eq(merged.results[0].iterations_failed,
                      whole.iterations_failed);
    ck_assert_uint_eq(merged.results[0].nrows, whole.nrows);
    ck_assert_uint_eq(whole.nrows, 1);
    ck_assert_uint_eq(merged.results[0].rows[0].count, whole.rows[0].count);
    ck_assert_str_eq(merged.results[0].rows[0].values[0],
                     whole.rows[0].values[0]);
    st_run_free(&merged);
    for (int i = 0; i < N; i++)
        st_run_free(&runs[i]);
    free(runs);
    st_result_free(&whole);
    st_scenario_free(sc);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* ---- a CI matrix: --shard 1/2 and --shard 2/2 merge to the unsharded run */

/* The campaign: the scenario above (600 iterations of one outcome), one
 * whose every iteration fails (so each shard keeps failures), and one of a
 * single iteration (so shard 2/2 has no work in it). */
static const char failing[] =
    "scenario shard-failing\n"
    "iterations 6\n"
    DUP_OF_S
    "  expect d == s\n"
    "  free d\n"
    "  free s\n"
    "thread B\n"
    "  observe e errors\n"
    "  free s\n";

#define NSCN 3

static char dir[64];

/* DIR/NAME (four at a time). */
static const char *tmp_file(const char *name)
{
    static char buf[4][128];
    static int k;

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
    return buf[k];
}

struct matrix {
    char *paths[NSCN];
    struct st_scenario *sc[NSCN];
};

/* `sslstress run --seed 42 --jitter low --max-failures 0 [--shard SPEC]
 * --json JSON` of the campaign, as main.c sets it up; the text it prints
 * goes to OUT_PATH.  Returns the exit status. */
static int run_campaign(struct matrix *m, const char *spec, const char *json,
                        const char *out_path)
{
    struct st_campaign c = { .prog = "sslstress", .tool_version = "test",
                             .command = "test_shard", .quiet = true,
                             .no_color = true, .json = json };
    char err[200];
    int status, out, saved;

    st_opts_default(&c.o);
    c.o.argv0 = "sslstress";
    c.o.seed = 42;
    c.o.jitter = ST_JITTER_LOW;
    c.o.max_failures = 0;
    if (spec != NULL)
        ck_assert_msg(st_shard_parse(spec, &c.o.shard_index, &c.o.shard_count,
                                     err, sizeof(err)) == 0, "%s", err);
    fflush(stdout);
    ck_assert_int_ge(saved = dup(1), 0);
    ck_assert_int_ge(out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
    dup2(out, 1);
    close(out);
    status = st_campaign_run(&c, m->paths, m->sc, NSCN);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    return status;
}

static const struct st_outcome_row *find_row(const struct st_result *r,
                                             const struct st_outcome_row *w)
{
    for (size_t i = 0; i < r->nrows; i++) {
        size_t k = 0;

        while (k < r->nlabels && strcmp(r->rows[i].values[k],
                                        w->values[k]) == 0)
            k++;
        if (k == r->nlabels)
            return &r->rows[i];
    }
    return NULL;
}

static const struct st_failure *find_failure(const struct st_result *r,
                                             uint64_t iteration)
{
    for (size_t i = 0; i < r->nfailures; i++)
        if (r->failures[i].iteration == iteration)
            return &r->failures[i];
    return NULL;
}

/* |m| (merged) counts what |w| (whole) counts: iterations, every outcome
 * row, every failure. */
static void assert_same_counts(const struct st_result *m,
                               const struct st_result *w)
{
    ck_assert_str_eq(m->name, w->name);
    ck_assert_str_eq(m->file, w->file);
    ck_assert_int_eq(m->verdict, w->verdict);
    ck_assert_uint_eq(m->iterations_planned, w->iterations_planned);
    ck_assert_uint_eq(m->iterations_run, w->iterations_run);
    ck_assert_uint_eq(m->iterations_failed, w->iterations_failed);
    ck_assert_uint_eq(m->nlabels, w->nlabels);
    ck_assert_uint_eq(m->nrows, w->nrows);
    for (size_t i = 0; i < w->nrows; i++) {
        const struct st_outcome_row *r = find_row(m, &w->rows[i]);

        ck_assert_msg(r != NULL, "%s: outcome row %zu missing", w->name, i);
        ck_assert_uint_eq(r->count, w->rows[i].count);
        ck_assert_int_eq(r->cls, w->rows[i].cls);
    }
    ck_assert_uint_eq(m->nfailures, w->nfailures);
    for (size_t i = 0; i < w->nfailures; i++) {
        const struct st_failure *g = &w->failures[i];
        const struct st_failure *f = find_failure(m, g->iteration);

        ck_assert_msg(f != NULL, "%s: failure of iteration %llu missing",
                      w->name, (unsigned long long)g->iteration);
        ck_assert_uint_eq(f->seed, g->seed);
        ck_assert_str_eq(f->kind, g->kind);
        ck_assert_str_eq(f->message, g->message);
        ck_assert_str_eq(f->where, g->where);
        ck_assert_str_eq(f->replay, g->replay);
    }
}

/* What a user reads of shard 2/2: "shard: 2/2" in the parameters, and
 * shard_index 2 in the JSON, the run's and each result's. */
static void assert_shard_2_of_2_reads_so(const char *json,
                                         const char *out_path)
{
    json_error_t je;
    json_t *j = json_load_file(json, 0, &je), *r;
    size_t i;
    FILE *f;
    char line[256];
    int seen = 0;

    ck_assert_msg(j != NULL, "%s: %s", json, je.text);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "shard_index")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "shard_count")), 2);
    json_array_foreach(json_object_get(j, "results"), i, r) {
        if (json_is_null(json_object_get(r, "shard_index")))
            continue;
        ck_assert_int_eq(json_integer_value(json_object_get(r,
                                                            "shard_index")),
                         2);
    }
    json_decref(j);
    ck_assert_ptr_nonnull(f = fopen(out_path, "r"));
    while (fgets(line, sizeof(line), f) != NULL)
        seen += strcmp(line, "shard: 2/2\n") == 0;
    fclose(f);
    ck_assert_int_eq(seen, 1);
}

START_TEST(a_ci_matrix_of_shards_1_2_and_2_2_merges_to_the_unsharded_run)
{
    static const char *const names[NSCN] = { "counting.scn", "failing.scn",
                                             "single.scn" };
    char single[sizeof(text) + 64], err[256];
    const char *const texts[NSCN] = { text, failing, single };
    struct matrix m;
    struct st_run whole, shards[2], merged;

    /* the counting scenario's blocks, one iteration */
    snprintf(single, sizeof(single), "scenario shard-single\n"
             "iterations 1\n%s", strstr(text, DUP_OF_S));
    snprintf(dir, sizeof(dir), "/tmp/test_shard.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (int i = 0; i < NSCN; i++) {
        m.sc[i] = tu_load_scenario_text(dir, names[i], texts[i]);
        m.paths[i] = m.sc[i]->path;
    }
    ck_assert_int_eq(st_be_init(), 0);
    /* exit 1: the failing scenario fails, in the whole run and in each
     * shard (it has iterations in both) */
    ck_assert_int_eq(run_campaign(&m, NULL, tmp_file("whole.json"),
                                  tmp_file("whole.txt")), 1);
    ck_assert_int_eq(run_campaign(&m, "1/2", tmp_file("s1.json"),
                                  tmp_file("s1.txt")), 1);
    ck_assert_int_eq(run_campaign(&m, "2/2", tmp_file("s2.json"),
                                  tmp_file("s2.txt")), 1);
    assert_shard_2_of_2_reads_so(tmp_file("s2.json"), tmp_file("s2.txt"));

    ck_assert_int_eq(st_run_read_json(tmp_file("whole.json"), &whole, err,
                                      sizeof(err)), 0);
    ck_assert_int_eq(st_run_read_json(tmp_file("s1.json"), &shards[0], err,
                                      sizeof(err)), 0);
    ck_assert_int_eq(st_run_read_json(tmp_file("s2.json"), &shards[1], err,
                                      sizeof(err)), 0);
    ck_assert_int_eq(shards[0].shard_index, 0);     /* from 0 inside */
    ck_assert_int_eq(shards[1].shard_index, 1);
    ck_assert_int_eq(st_run_merge(shards, 2, &merged, err, sizeof(err)), 0);
    ck_assert_uint_eq(merged.nresults, NSCN);
    ck_assert_uint_eq(whole.nresults, NSCN);
    /* Each shard ran a share, and the shares differ. */
    ck_assert_uint_lt(shards[0].results[0].iterations_run, 600);
    ck_assert_uint_lt(shards[1].results[0].iterations_run, 600);
    ck_assert_uint_gt(shards[0].results[1].nfailures, 0);
    ck_assert_uint_gt(shards[1].results[1].nfailures, 0);
    for (int i = 0; i < NSCN; i++)
        assert_same_counts(&merged.results[i], &whole.results[i]);
    ck_assert_uint_eq(whole.results[0].rows[0].count, 600);
    ck_assert_uint_eq(whole.results[1].iterations_failed, 6);
    ck_assert_uint_eq(whole.results[1].nfailures, 6);
    ck_assert_uint_eq(whole.results[2].iterations_run, 1);
    ck_assert_int_eq(st_run_exit_status(&merged), st_run_exit_status(&whole));
    st_run_free(&merged);
    st_run_free(&shards[0]);
    st_run_free(&shards[1]);
    st_run_free(&whole);
    for (int i = 0; i < NSCN; i++)
        st_scenario_free(m.sc[i]);
    snprintf(err, sizeof(err), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(err), 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *t = tcase_create("shard");

    tcase_set_timeout(t, 60);
    tcase_add_test(t, shards_cover_every_iteration_exactly_once);
    tcase_add_test(t, each_shard_gets_an_equal_share_of_a_large_scenario);
    tcase_add_test(t, shard_spec_counts_from_one);
    tcase_add_loop_test(t, bad_shard_specs_are_refused_with_a_message_that_says_why,
                        0, (int)(sizeof(bad_specs) / sizeof(bad_specs[0])));
    tcase_add_test(t, shard_names_count_from_one);
    tcase_add_test(t, json_counts_shards_from_one_and_refuses_version_1);
    if (st_be_missing(0) == NULL) {
        tcase_add_test(t, merged_shard_counts_equal_an_unsharded_run_with_the_same_seed);
        tcase_add_test(t, a_ci_matrix_of_shards_1_2_and_2_2_merges_to_the_unsharded_run);
    } else {
        fprintf(stderr, "shard: backend unavailable (%s); the merge tests "
                "are not registered\n", st_be_missing(0));
    }
    tu_add_stress_leak_checks(t);
    suite_add_tcase(s, t);
    return s;
}
