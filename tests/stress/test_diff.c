/* Suite diff: `sslstress diff` (stress/diff.c) names, per scenario, what
 * one backend's results show that another's never do, and only that. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "report.h"
#include "stress_util.h"
#include "testutil.h"

static char *str(const char *s)
{
    char *d = strdup(s);

    ck_assert_ptr_nonnull(d);
    return d;
}

static void run_init(struct st_run *run, const char *backend)
{
    memset(run, 0, sizeof(*run));
    run->backend = str(backend);
    run->backend_version = str(strcmp(backend, "openssl") == 0
                               ? "OpenSSL 3.0.19" : "minissl 0.1");
    run->seed = 7;
    run->iterations = 300;
    run->shard_count = 1;
}

static struct st_result *scenario(struct st_run *run, const char *name,
                                  enum st_verdict v, const char *reason)
{
    struct st_result *r;

    run->results = realloc(run->results,
                           (run->nresults + 1) * sizeof(*run->results));
    ck_assert_ptr_nonnull(run->results);
    r = memset(&run->results[run->nresults++], 0, sizeof(*r));
    r->name = str(name);
    r->backend = str(run->backend);
    r->verdict = v;
    r->reason = reason != NULL ? str(reason) : NULL;
    r->shard_count = 1;
    return r;
}

/* One outcome row of the scenario's one observe label, "follows". */
static void outcome(struct st_result *r, const char *value, uint64_t count,
                    enum st_class cls)
{
    struct st_outcome_row *row;

    if (r->nlabels == 0) {
        ck_assert_ptr_nonnull(r->labels = calloc(1, sizeof(char *)));
        r->labels[r->nlabels++] = str("follows");
    }
    r->rows = realloc(r->rows, (r->nrows + 1) * sizeof(*r->rows));
    ck_assert_ptr_nonnull(r->rows);
    row = memset(&r->rows[r->nrows++], 0, sizeof(*row));
    ck_assert_ptr_nonnull(row->values = calloc(1, sizeof(char *)));
    row->values[0] = str(value);
    row->count = count;
    row->cls = cls;
}

static void failure(struct st_result *r, const char *kind, const char *msg)
{
    ck_assert_ptr_nonnull(r->failures = calloc(1, sizeof(*r->failures)));
    r->nfailures = 1;
    r->failures[0].kind = str(kind);
    r->failures[0].message = str(msg);
}

static void reports(struct st_result *r, unsigned n, const char *summary)
{
    r->detector = str("tsan");
    r->detector_reports = n;
    r->detector_summary = str(summary);
    r->detector_log = str("/tmp/sslstress-logs/x.tsan.log");
}

/* st_diff_print of the |n| runs into a string the caller frees; *ndiff
 * gets its return value. */
static char *print(const struct st_run *runs, const char *const *paths,
                   size_t n, int *ndiff)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    *ndiff = st_diff_print(f, runs, paths, n);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

static void free_runs(struct st_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st_run_free(&runs[i]);
}

static const char *const two_paths[] = { "minissl.json", "openssl.json" };

/* minissl and openssl: one scenario each way of differing, one alike. */
static void make_pair(struct st_run runs[2])
{
    struct st_result *r;

    run_init(&runs[0], "minissl");
    run_init(&runs[1], "openssl");
    for (int i = 0; i < 2; i++) {
        r = scenario(&runs[i], "alike", ST_PASS, NULL);
        outcome(r, "false", 300, ST_ACCEPTABLE);
        r = scenario(&runs[i], "dup-shares", i ? ST_FAIL : ST_PASS, NULL);
        outcome(r, "false", i ? 5 : 300, ST_ACCEPTABLE);
        if (i) {
            outcome(r, "true", 1, ST_FORBIDDEN);
            failure(r, "outcome", "forbidden outcome: follows=true");
        }
        r = scenario(&runs[i], "needs-refs", i ? ST_SKIP : ST_PASS,
                     i ? "requires introspection" : NULL);
        if (!i)
            outcome(r, "true", 300, ST_ACCEPTABLE);
        r = scenario(&runs[i], "chain-race", i ? ST_FAIL : ST_PASS, NULL);
        if (i) {
            reports(r, 2, "ThreadSanitizer: data race in realloc");
            failure(r, "detector", "tsan: 2 reports");
        }
    }
    scenario(&runs[0], "minissl-only", ST_PASS, NULL);
}

START_TEST(diff_names_what_each_of_two_backends_shows_alone)
{
    struct st_run runs[2];
    int ndiff;
    char *text;

    make_pair(runs);
    text = print(runs, two_paths, 2, &ndiff);
    ck_assert_str_eq(text,
        "backends: minissl (minissl 0.1) vs openssl (OpenSSL 3.0.19); "
        "seed 7, 300 iterations per scenario\n"
        "\n"
        "chain-race\n"
        "  verdict: minissl PASS; openssl FAIL\n"
        "  detector only on openssl: 2 report(s): ThreadSanitizer: data "
        "race in realloc (log /tmp/sslstress-logs/x.tsan.log)\n"
        "  failure only on openssl: detector: tsan: 2 reports\n"
        "dup-shares\n"
        "  verdict: minissl PASS; openssl FAIL\n"
        "  outcome only on openssl: follows = true x1 (forbidden)\n"
        "  failure only on openssl: outcome: forbidden outcome: "
        "follows=true\n"
        "minissl-only\n"
        "  only run on minissl\n"
        "needs-refs\n"
        "  verdict: minissl PASS; openssl SKIP (requires introspection)\n"
        "\n"
        "4 of 5 scenarios differ\n"
        "skipped on minissl: none\n"
        "skipped on openssl: needs-refs (requires introspection)\n");
    ck_assert_int_eq(ndiff, 4);
    free(text);
    free_runs(runs, 2);
}
END_TEST

START_TEST(diff_of_runs_that_agree_lists_no_scenario_but_every_skip)
{
    struct st_run runs[2];
    struct st_result *r;
    int ndiff;
    char *text;

    for (int i = 0; i < 2; i++) {
        run_init(&runs[i], i ? "openssl" : "minissl");
        r = scenario(&runs[i], "alike", ST_PASS, NULL);
        outcome(r, "copy", 10, ST_ACCEPTABLE);
        outcome(r, "same", i ? 1 : 290, ST_ACCEPTABLE);
        scenario(&runs[i], "skipped", ST_SKIP, "needs a race detector");
    }
    text = print(runs, two_paths, 2, &ndiff);
    ck_assert_int_eq(ndiff, 0);
    ck_assert_ptr_null(strstr(text, "\nalike\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n\n0 of 2 scenarios differ\n"
        "skipped on minissl: skipped (needs a race detector)\n"
        "skipped on openssl: skipped (needs a race detector)\n"));
    free(text);
    free_runs(runs, 2);
}
END_TEST

START_TEST(diff_three_ways_names_who_saw_an_outcome_and_who_lacks_a_report)
{
    static const char *const paths[] = { "a.json", "b.json", "c.json" };
    static const char *const backend[] = { "minissl", "openssl", "wolfssl" };
    struct st_run runs[3];
    int ndiff;
    char *text;

    for (int i = 0; i < 3; i++) {
        struct st_result *r;

        run_init(&runs[i], backend[i]);
        runs[i].seed = 7 + (uint64_t)i;
        r = scenario(&runs[i], "s", ST_PASS, NULL);
        outcome(r, "true", 10, ST_ACCEPTABLE);
        if (i < 2) {
            outcome(r, "false", 3 + (uint64_t)i, ST_INTERESTING);
            reports(r, 1 + (unsigned)i, "race");
        }
    }
    text = print(runs, paths, 3, &ndiff);
    ck_assert_int_eq(ndiff, 1);
    ck_assert_ptr_nonnull(strstr(text, "; seeds 7, 8, 9, 300 iterations"));
    ck_assert_ptr_nonnull(strstr(text, "\ns\n"
        "  outcome only on minissl, openssl: follows = false x3 on minissl, "
        "x4 on openssl (interesting)\n"
        "  detector on minissl, not on wolfssl: 1 report(s): race (log "
        "/tmp/sslstress-logs/x.tsan.log)\n"
        "  detector on openssl, not on wolfssl: 2 report(s): race (log "
        "/tmp/sslstress-logs/x.tsan.log)\n\n"));
    /* What all three saw, and a verdict all three share, are no news. */
    ck_assert_ptr_null(strstr(text, "follows = true"));
    ck_assert_ptr_null(strstr(text, "verdict:"));
    free(text);
    free_runs(runs, 3);
}
END_TEST

START_TEST(diff_names_results_of_one_backend_by_their_files)
{
    static const char *const paths[] = { "old.json", "new.json" };
    struct st_run runs[2];
    int ndiff;
    char *text;

    for (int i = 0; i < 2; i++) {
        run_init(&runs[i], "minissl");
        scenario(&runs[i], "s", i ? ST_FAIL : ST_PASS, NULL);
    }
    text = print(runs, paths, 2, &ndiff);
    ck_assert_int_eq(ndiff, 1);
    ck_assert_ptr_nonnull(strstr(text, "backends: old.json (minissl, "
                                       "minissl 0.1) vs new.json ("));
    ck_assert_ptr_nonnull(strstr(text, "  verdict: old.json PASS; new.json "
                                       "FAIL\n"));
    free(text);
    free_runs(runs, 2);
}
END_TEST

#ifdef TU_ALLOC_HOOK
static int run_print(void *ctx, int op, char *err, size_t errlen)
{
    FILE *null = fopen("/dev/null", "w");
    int ret;

    (void)op; (void)err; (void)errlen;
    if (null == NULL)
        return -ENOMEM;
    setvbuf(null, NULL, _IONBF, 0);
    ret = st_diff_print(null, ctx, two_paths, 2);
    fclose(null);
    return ret < 0 ? ret : 0;
}

START_TEST(every_failing_allocation_of_diff_is_reported_and_leaks_nothing)
{
    static const char *const names[] = { "st_diff_print" };
    struct st_run runs[2];

    make_pair(runs);
    tu_alloc_fail_each(1, names, run_print, runs);
    free_runs(runs, 2);
}
END_TEST
#endif

static char tmpdir[] = "/tmp/test_diff.XXXXXX";

static const char *tmp_path(const char *name)
{
    static char buf[64];

    snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
    return buf;
}

/* st_diff_main on |argc| arguments, its report and messages sent to
 * /dev/null. */
static int diff_main(int argc, const char *a1, const char *a2,
                     const char *a3)
{
    char *argv[] = { "diff", (char *)a1, (char *)a2, (char *)a3, NULL };
    int out = dup(1), errfd = dup(2), null = open("/dev/null", O_WRONLY);
    int status;

    ck_assert(out >= 0 && errfd >= 0 && null >= 0);
    fflush(stdout);
    ck_assert(dup2(null, 1) == 1 && dup2(null, 2) == 2);
    status = st_diff_main(argc, argv);
    fflush(stdout);
    ck_assert(dup2(out, 1) == 1 && dup2(errfd, 2) == 2);
    close(null);
    close(out);
    close(errfd);
    return status;
}

START_TEST(diff_command_reads_json_results_and_exits_by_what_it_found)
{
    struct st_run runs[2];
    char a[64], b[64];

    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    make_pair(runs);
    snprintf(a, sizeof(a), "%s", tmp_path("minissl.json"));
    snprintf(b, sizeof(b), "%s", tmp_path("openssl.json"));
    ck_assert_int_eq(st_run_write_json(&runs[0], a), 0);
    ck_assert_int_eq(st_run_write_json(&runs[1], b), 0);
    ck_assert_int_eq(diff_main(3, a, b, NULL), 1);
    ck_assert_int_eq(diff_main(3, a, a, NULL), 0);
    ck_assert_int_eq(diff_main(4, a, b, a), 1);
    ck_assert_int_eq(diff_main(2, a, NULL, NULL), 2);
    ck_assert_int_eq(diff_main(3, a, tmp_path("missing.json"), NULL), 2);
    ck_assert_int_eq(diff_main(4, "--json", a, b), 2);
    ck_assert_int_eq(diff_main(2, "--help", NULL, NULL), 0);
    ck_assert_int_eq(unlink(a), 0);
    ck_assert_int_eq(unlink(b), 0);
    ck_assert_int_eq(rmdir(tmpdir), 0);
    free_runs(runs, 2);
}
END_TEST

Suite *make_suite(void)
{
    TCase *cmp = tcase_create("comparing"), *cmd = tcase_create("command");
    Suite *s = suite_create("diff");

    tu_add_stress_leak_checks(cmp);
    tu_add_stress_leak_checks(cmd);
    tcase_add_test(cmp, diff_names_what_each_of_two_backends_shows_alone);
    tcase_add_test(cmp,
                   diff_of_runs_that_agree_lists_no_scenario_but_every_skip);
    tcase_add_test(cmp,
        diff_three_ways_names_who_saw_an_outcome_and_who_lacks_a_report);
    tcase_add_test(cmp, diff_names_results_of_one_backend_by_their_files);
#ifdef TU_ALLOC_HOOK
    /* Under Valgrind its malloc replaces ours: nothing could fail. */
    if (tu_alloc_replaced())
        tcase_add_test(cmp,
            every_failing_allocation_of_diff_is_reported_and_leaks_nothing);
    else
        fprintf(stderr, "diff: malloc is not the suite's here (Valgrind?): "
                "the failing-allocation test is not registered\n");
#endif
    tcase_add_test(cmd,
                   diff_command_reads_json_results_and_exits_by_what_it_found);
    suite_add_tcase(s, cmp);
    suite_add_tcase(s, cmd);
    return s;
}
