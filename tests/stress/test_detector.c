/* Suite detector: stress/detector.c, the harness's awareness of race and
 * memory detectors, and proof that the detectors fire on something real.
 *
 * - Counting and summaries on real logs of each detector (the samples
 *   below are trimmed from logs of this project's own runs).
 * - The verdict: a report fails a scenario; an `expect race` scenario
 *   passes by a report and fails by silence; without a race detector it is
 *   skipped.
 * - Sensitivity, in whatever build this binary is and whatever detector
 *   it runs under: the racy scenario (two threads call setters on one SSL)
 *   is reported by TSan, Helgrind and DRD, and a correct scenario is not;
 *   a double free is diagnosed by minissl's quarantine, and, in the ASan
 *   build, by AddressSanitizer once the quarantine has let the memory go.
 *   Tests that need a detector are only registered under one. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "backend.h"
#include "barrier.h"
#include "detector.h"
#include "result.h"
#include "runner.h"
#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif

/* ---- logs ------------------------------------------------------------ */

static const char tsan_log[] =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=27010)\n"
    "  Write of size 8 at 0x7b4c00001b90 by thread T1:\n"
    "    #0 SSL_set_options /work/main/lib/src/settings.c:53:23\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race /work/main/lib/src/settings.c:53:23 in SSL_set_options\n"
    "==================\n"
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=27010)\n"
    "  Read of size 4 at 0x7b4c00001b98 by thread T1:\n"
    "SUMMARY: ThreadSanitizer: data race /work/main/lib/src/settings.c:234:21 in SSL_set_read_ahead\n"
    "==================\n"
    "ThreadSanitizer: reported 2 warnings\n";

static const char asan_log[] =
    "=================================================================\n"
    "==31337==ERROR: AddressSanitizer: attempting double-free on 0x606000000020 in thread T0:\n"
    "    #0 0x4a3ea2 in free\n"
    "SUMMARY: AddressSanitizer: double-free (/work/main/build/asan/sslstress+0xa3ea2) in free\n"
    "==31337==ABORTING\n";

static const char ubsan_log[] =
    "stress/parser.c:120:17: runtime error: signed integer overflow: "
    "2147483647 + 1 cannot be represented in type 'int'\n";

static const char helgrind_log[] =
    "==26500== ---Thread-Announcement------------------------------------------\n"
    "==26500== \n"
    "==26500== Thread #3 was created\n"
    "==26500==    at 0x49A6B3F: clone (clone.S:76)\n"
    "==26500== \n"
    "==26500== ----------------------------------------------------------------\n"
    "==26500== \n"
    "==26500== Possible data race during read of size 8 at 0x4A5E570 by thread #1\n"
    "==26500== Locks held: none\n"
    "==26500==    at 0x11F2A5: SSL_set_options (settings.c:53)\n"
    "==26500==    by 0x10F3A1: apply_set (backend.c:420)\n"
    "==26500== \n"
    "==26500== This conflicts with a previous write of size 8 by thread #3\n"
    "==26500== Locks held: none\n"
    "==26500==    at 0x11F2B0: SSL_set_options (settings.c:53)\n"
    "==26500== \n"
    "==26500== ----------------------------------------------------------------\n"
    "==26500== \n"
    "==26500==  Lock at 0x4A7C688 was first observed\n"
    "==26500==    at 0x484DEA9: pthread_mutex_init (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)\n"
    "==26500==  Address 0x4a7c688 is 24 bytes inside a block of size 904 alloc'd\n"
    "==26500== \n"
    "==26500== Possible data race during write of size 4 at 0x4A5E578 by thread #1\n"
    "==26500== Locks held: none\n"
    "==26500==    at 0x11F9C1: SSL_set_read_ahead (settings.c:234)\n"
    "==26500== \n";

static const char drd_log[] =
    "==26549== Thread 2:\n"
    "==26549== Conflicting load by thread 2 at 0x04a7e8f0 size 8\n"
    "==26549==    at 0x11F2A5: SSL_set_options (settings.c:53)\n"
    "==26549==    by 0x10F3A1: apply_set (backend.c:420)\n"
    "==26549== Allocation context: heap, offset 48 of size 1024 at 0x4A7E8C0\n"
    "==26549== Other segment start (thread 1)\n"
    "==26549==    (thread finished, call stack no longer available)\n"
    "==26549== \n"
    "==26549== Conflicting store by thread 2 at 0x04a7e8f0 size 8\n"
    "==26549==    at 0x11F2B0: SSL_set_options (settings.c:53)\n"
    "==26549== Other segment end (thread 1)\n"
    "==26549== \n"
    "==26549== Thread 3:\n"
    "==26549== Conflicting store by thread 3 at 0x04a7e8f8 size 4\n"
    "==26549==    at 0x11F9C1: SSL_set_read_ahead (settings.c:234)\n"
    "==26549== \n";

START_TEST(tsan_reports_are_counted_and_the_first_summary_kept)
{
    char sum[256];

    ck_assert_uint_eq(st_detector_count("tsan", tsan_log, sum, sizeof(sum)),
                      2);
    ck_assert_str_eq(sum, "ThreadSanitizer: data race "
                     "/work/main/lib/src/settings.c:53:23 in SSL_set_options");
}
END_TEST

START_TEST(asan_and_ubsan_reports_are_counted_with_their_summary)
{
    char sum[256];

    ck_assert_uint_eq(st_detector_count("asan", asan_log, sum, sizeof(sum)),
                      1);
    ck_assert_str_eq(sum, "AddressSanitizer: double-free "
                     "(/work/main/build/asan/sslstress+0xa3ea2) in free");
    ck_assert_uint_eq(st_detector_count("asan", ubsan_log, sum, sizeof(sum)),
                      1);
    ck_assert_ptr_nonnull(strstr(sum, "runtime error: signed integer overflow"));
}
END_TEST

START_TEST(helgrind_errors_are_counted_without_thread_announcements)
{
    char sum[256];

    ck_assert_uint_eq(st_detector_count("helgrind", helgrind_log, sum,
                                        sizeof(sum)), 2);
    ck_assert_str_eq(sum, "Possible data race during read of size 8 at "
                     "0x4A5E570 by thread #1 at SSL_set_options "
                     "(settings.c:53)");
}
END_TEST

START_TEST(drd_errors_are_counted_without_thread_lines_or_contexts)
{
    char sum[256];

    ck_assert_uint_eq(st_detector_count("drd", drd_log, sum, sizeof(sum)),
                      3);
    ck_assert_str_eq(sum, "Conflicting load by thread 2 at 0x04a7e8f0 size 8"
                     " at SSL_set_options (settings.c:53)");
}
END_TEST

START_TEST(a_crash_caught_by_a_sanitizer_is_no_report_of_its_own)
{
    char sum[64];
    const char crash[] =
        "ThreadSanitizer:DEADLYSIGNAL\n"
        "==14923==ERROR: ThreadSanitizer: SEGV on unknown address 0x3a4b\n"
        "SUMMARY: ThreadSanitizer: SEGV nptl/pthread_kill.c:44:76 in f\n"
        "==20348==ERROR: AddressSanitizer: SEGV on unknown address 0x4f7c\n"
        "SUMMARY: AddressSanitizer: SEGV nptl/pthread_kill.c:44:76 in f\n";

    ck_assert_uint_eq(st_detector_count("tsan", crash, sum, sizeof(sum)), 0);
    ck_assert_str_eq(sum, "");
}
END_TEST

START_TEST(a_clean_log_counts_nothing)
{
    char sum[64];
    const char clean[] = "==1== \nsslstress: note\n==1== Thread 2:\n";

    ck_assert_uint_eq(st_detector_count("tsan", clean, sum, sizeof(sum)), 0);
    ck_assert_uint_eq(st_detector_count("drd", clean, sum, sizeof(sum)), 0);
    ck_assert_uint_eq(st_detector_count("helgrind", clean, sum, sizeof(sum)),
                      0);
    ck_assert_uint_eq(st_detector_count(NULL, "", sum, sizeof(sum)), 0);
    ck_assert_str_eq(sum, "");
}
END_TEST

/* ---- the verdict ------------------------------------------------------ */

static void passing_result(struct st_result *r)
{
    memset(r, 0, sizeof(*r));
    r->verdict = ST_PASS;
    r->iterations_run = 10;
}

static struct st_scenario *fake_scenario(int expect_race)
{
    struct st_scenario *sc = calloc(1, sizeof(*sc));

    ck_assert_ptr_nonnull(sc);
    sc->path = (char *)"race.scn";
    sc->name = (char *)"race";
    sc->expect_race = expect_race;
    return sc;
}

START_TEST(a_report_fails_a_scenario_with_a_detector_failure)
{
    struct st_scenario *sc = fake_scenario(0);
    struct st_opts o;
    struct st_result r;

    st_opts_default(&o);
    o.seed = 42;
    passing_result(&r);
    ck_assert_int_eq(st_detector_apply(sc, &o, &r, "tsan", 3, 7,
                                       "ThreadSanitizer: data race x.c:1",
                                       "/tmp/race.tsan.log"), 0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_str_eq(r.detector, "tsan");
    ck_assert_uint_eq(r.detector_reports, 3);
    ck_assert_str_eq(r.detector_summary, "ThreadSanitizer: data race x.c:1");
    ck_assert_str_eq(r.detector_log, "/tmp/race.tsan.log");
    ck_assert_uint_eq(r.nfailures, 1);
    ck_assert_str_eq(r.failures[0].kind, "detector");
    ck_assert_uint_eq(r.failures[0].iteration, 7);
    ck_assert_uint_eq(r.failures[0].seed, 42);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message, "x.c:1"));
    ck_assert_ptr_nonnull(strstr(r.failures[0].replay, "--start 7"));
    /* Applied again (the parent adds the log): still one failure. */
    ck_assert_int_eq(st_detector_apply(sc, &o, &r, "tsan", 3, 7, NULL,
                                       NULL), 0);
    ck_assert_uint_eq(r.nfailures, 1);
    st_result_free(&r);
    free(sc);
}
END_TEST

START_TEST(silence_passes_a_correct_scenario)
{
    struct st_scenario *sc = fake_scenario(0);
    struct st_opts o;
    struct st_result r;

    st_opts_default(&o);
    passing_result(&r);
    ck_assert_int_eq(st_detector_apply(sc, &o, &r, "helgrind", 0, 0, NULL,
                                       "/tmp/x.log"), 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.nfailures, 0);
    ck_assert_str_eq(r.detector, "helgrind");
    st_result_free(&r);
    free(sc);
}
END_TEST

START_TEST(an_expected_race_passes_by_a_report_and_fails_by_silence)
{
    struct st_scenario *sc = fake_scenario(1);
    struct st_opts o;
    struct st_result r;

    st_opts_default(&o);
    /* Reported: the pass, and the race's other damage is silenced. */
    passing_result(&r);
    r.verdict = ST_FAIL;
    r.iterations_failed = 2;
    ck_assert_ptr_nonnull(r.failures = calloc(1, sizeof(*r.failures)));
    r.nfailures = 1;
    r.failures[0].kind = strdup("expect");
    ck_assert_int_eq(st_detector_apply(sc, &o, &r, "drd", 5, 1, NULL, NULL),
                     0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.nfailures, 0);
    ck_assert_uint_eq(r.iterations_failed, 0);
    ck_assert_uint_eq(r.detector_reports, 5);
    st_result_free(&r);
    /* Silent under a race detector: the failure. */
    passing_result(&r);
    ck_assert_int_eq(st_detector_apply(sc, &o, &r, "tsan", 0, 0, NULL, NULL),
                     0);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.nfailures, 1);
    ck_assert_str_eq(r.failures[0].kind, "detector");
    ck_assert_ptr_nonnull(strstr(r.failures[0].message, "no report"));
    st_result_free(&r);
    /* Silent under ASan, which does not see races: no verdict from it. */
    passing_result(&r);
    ck_assert_int_eq(st_detector_apply(sc, &o, &r, "asan", 0, 0, NULL, NULL),
                     0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    st_result_free(&r);
    free(sc);
}
END_TEST

START_TEST(an_expected_race_is_skipped_without_a_race_detector)
{
    struct st_scenario *race = fake_scenario(1), *plain = fake_scenario(0);
    const char *why = st_detector_missing(race);

    if (st_detector_sees_races())
        ck_assert_ptr_null(why);
    else
        ck_assert_str_eq(why, "needs a race detector");
    ck_assert_ptr_null(st_detector_missing(plain));
    free(race);
    free(plain);
}
END_TEST

/* ---- sensitivity: the detector this binary runs under fires ---------- */

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_detector.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    ck_assert_int_eq(setenv("SSLSTRESS_LOG_DIR", tmpdir, 1), 0);
    ck_assert_int_eq(st_be_init(), 0);
}

static void remove_tmpdir(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

static struct st_scenario *load_text(const char *name, const char *text)
{
    return tu_load_scenario_text(tmpdir, name, text);
}

/* scenarios/race/setters-two-threads.scn, in short. */
static const char setters_text[] =
    "scenario setters-two-threads\n"
    "expect race\n"
    "iterations 20\n"
    "global\n"
    "  ctx c\n"
    "  s = new c\n"
    "thread A\n"
    "  set s options=NO_TICKET verify_depth=3 read_ahead=on\n"
    "thread B\n"
    "  set s options=NO_COMPRESSION verify_depth=5 read_ahead=off\n";

/* The same threads on two SSLs: correct, must stay silent. */
static const char own_ssl_text[] =
    "scenario setters-own-ssl\n"
    "iterations 20\n"
    "global\n"
    "  ctx c\n"
    "  s = new c\n"
    "  t = new c\n"
    "thread A\n"
    "  set s options=NO_TICKET verify_depth=3 read_ahead=on\n"
    "  up_ref s\n"
    "  free s\n"
    "thread B\n"
    "  set t options=NO_COMPRESSION verify_depth=5 read_ahead=off\n"
    "  up_ref s\n"
    "  free s\n";

static void run_isolated(const struct st_scenario *sc, struct st_result *r)
{
    struct st_opts o;
    struct st_range rg = { 0, (uint64_t)sc->iterations };

    st_opts_default(&o);
    o.seed = 1;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, r, NULL, NULL), 0);
}

START_TEST(the_racy_scenario_is_reported_by_the_race_detector)
{
    struct st_scenario *sc;
    struct st_result r;

    make_tmpdir();
    sc = load_text("race.scn", setters_text);
    run_isolated(sc, &r);
    ck_assert_str_eq(r.detector, st_detector_name());
    ck_assert_uint_gt(r.detector_reports, 0);
    ck_assert_ptr_nonnull(r.detector_summary);
    /* Valgrind's reports reach the harness through its --log-file only.
     * The summary names the first racing access: which setter or getter of
     * the SSL that is depends on the interleaving, but it is in minissl's
     * settings code either way. */
    if (!st_on_valgrind() || getenv("SSLSTRESS_VALGRIND_LOG") != NULL)
        ck_assert_msg(strstr(r.detector_summary, "SSL_") != NULL ||
                      strstr(r.detector_summary, "lib/src/") != NULL,
                      "summary names no minissl code: %s", r.detector_summary);
    ck_assert_ptr_nonnull(r.detector_log);
    ck_assert_int_eq(access(r.detector_log, R_OK), 0);
    ck_assert_int_eq(r.verdict, ST_PASS);     /* expect race */
    st_result_free(&r);
    st_scenario_free(sc);
    remove_tmpdir();
}
END_TEST

START_TEST(the_same_threads_on_their_own_ssl_are_not_reported)
{
    struct st_scenario *sc;
    struct st_result r;

    make_tmpdir();
    sc = load_text("own.scn", own_ssl_text);
    run_isolated(sc, &r);
    ck_assert_str_eq(r.detector, st_detector_name());
    ck_assert_uint_eq(r.detector_reports, 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    st_result_free(&r);
    st_scenario_free(sc);
    remove_tmpdir();
}
END_TEST

/* ---- sensitivity: double free ---------------------------------------- */

/* Runs |fn| in a child with its stderr captured into |buf|; returns the
 * child's wait status. */
static int in_child(void (*fn)(void), char *buf, size_t len)
{
    int pfd[2], status = 0;
    size_t n = 0;
    ssize_t r;
    pid_t pid;

    ck_assert_int_eq(pipe(pfd), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(pfd[0]);
        dup2(pfd[1], STDERR_FILENO);
        fn();
        _exit(0);
    }
    close(pfd[1]);
    while (n + 1 < len && (r = read(pfd[0], buf + n, len - n - 1)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    close(pfd[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

static void free_twice(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    SSL_free(s);
    SSL_free(s);        /* the caller's double free */
    SSL_CTX_free(ctx);
}

START_TEST(a_double_free_is_diagnosed_by_the_quarantine)
{
    char buf[8192];
    int st = in_child(free_twice, buf, sizeof(buf));

    ck_assert_msg(!(WIFEXITED(st) && WEXITSTATUS(st) == 0),
                  "the double free went unnoticed: %s", buf);
    ck_assert_msg(strstr(buf, "double free of SSL #") != NULL,
                  "no quarantine diagnosis in: %s", buf);
}
END_TEST

#if defined(T_ASAN)
static void free_twice_unquarantined(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    SSL_free(s);
    minissl_quarantine_flush();     /* the memory really goes now */
    SSL_free(s);
    SSL_CTX_free(ctx);
}

START_TEST(a_double_free_is_reported_by_asan_once_the_quarantine_let_go)
{
    char buf[16384];
    int st = in_child(free_twice_unquarantined, buf, sizeof(buf));

    ck_assert_msg(!(WIFEXITED(st) && WEXITSTATUS(st) == 0),
                  "the double free went unnoticed: %s", buf);
    ck_assert_msg(strstr(buf, "ERROR: AddressSanitizer") != NULL,
                  "no ASan report in: %s", buf);
    ck_assert_uint_gt(st_detector_count("asan", buf, NULL, 0), 0);
}
END_TEST
#endif

Suite *make_suite(void)
{
    Suite *s = suite_create("detector");
    TCase *tc = tcase_create("logs");
    TCase *tv = tcase_create("verdict");
    TCase *ts = tcase_create("sensitivity");

    tcase_add_test(tc, tsan_reports_are_counted_and_the_first_summary_kept);
    tcase_add_test(tc, asan_and_ubsan_reports_are_counted_with_their_summary);
    tcase_add_test(tc, helgrind_errors_are_counted_without_thread_announcements);
    tcase_add_test(tc, drd_errors_are_counted_without_thread_lines_or_contexts);
    tcase_add_test(tc, a_crash_caught_by_a_sanitizer_is_no_report_of_its_own);
    tcase_add_test(tc, a_clean_log_counts_nothing);
    tu_add_stress_leak_checks(tc);
    suite_add_tcase(s, tc);

    tcase_add_test(tv, a_report_fails_a_scenario_with_a_detector_failure);
    tcase_add_test(tv, silence_passes_a_correct_scenario);
    tcase_add_test(tv, an_expected_race_passes_by_a_report_and_fails_by_silence);
    tcase_add_test(tv, an_expected_race_is_skipped_without_a_race_detector);
    tu_add_stress_leak_checks(tv);
    suite_add_tcase(s, tv);

    /* Valgrind runs one thread at a time, 20-100x slower. */
    tcase_set_timeout(ts, 300);
    if (st_detector_sees_races()) {
        tcase_add_test(ts, the_racy_scenario_is_reported_by_the_race_detector);
        tcase_add_test(ts, the_same_threads_on_their_own_ssl_are_not_reported);
    }
    tcase_add_test(ts, a_double_free_is_diagnosed_by_the_quarantine);
#if defined(T_ASAN)
    tcase_add_test(ts, a_double_free_is_reported_by_asan_once_the_quarantine_let_go);
#endif
    tu_add_stress_leak_checks(ts);
    suite_add_tcase(s, ts);
    return s;
}
