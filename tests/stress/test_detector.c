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
#include <dirent.h>
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
#include "detlog.h"
#include "opts.h"
#include "failure.h"
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
                     "settings.c:53:23 in SSL_set_options; "
                     "write of size 8 by thread T1 at SSL_set_options "
                     "(settings.c:53)");
    /* An interceptor's frame names its object and build id: the id says
     * nothing and goes. */
    ck_assert_uint_eq(st_detector_count("tsan",
        "WARNING: ThreadSanitizer: data race (pid=1)\n"
        "SUMMARY: ThreadSanitizer: data race (/x/sslstress-openssl+0xcaf64) "
        "(BuildId: 2c7ba8ce) in free\n", sum, sizeof(sum)), 1);
    ck_assert_str_eq(sum, "ThreadSanitizer: data race "
                     "(sslstress-openssl+0xcaf64) in free");
}
END_TEST

START_TEST(asan_and_ubsan_reports_are_counted_with_their_summary)
{
    char sum[256];

    ck_assert_uint_eq(st_detector_count("asan", asan_log, sum, sizeof(sum)),
                      1);
    ck_assert_str_eq(sum, "AddressSanitizer: double-free "
                     "(sslstress+0xa3ea2) in free");
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
    /* The access and the one it conflicts with, each down to the
     * harness's call (apply_set), without the address. */
    ck_assert_str_eq(sum, "Possible data race during read of size 8 by "
                     "thread #1 at SSL_set_options (settings.c:53); previous "
                     "write of size 8 by thread #3 at SSL_set_options "
                     "(settings.c:53)");
}
END_TEST

START_TEST(drd_errors_are_counted_without_thread_lines_or_contexts)
{
    char sum[256];

    ck_assert_uint_eq(st_detector_count("drd", drd_log, sum, sizeof(sum)),
                      3);
    ck_assert_str_eq(sum, "Conflicting load by thread 2 size 8"
                     " at SSL_set_options (settings.c:53)");
}
END_TEST

/* Valgrind's notices past its error limits are no reports: a DRD log of
 * scenarios/handshake-paths-shutdown.scn counted "More than 100 errors
 * detected." as one, and as the first report's summary. */
START_TEST(valgrinds_error_limit_notices_are_no_reports)
{
    static const char log[] =
        "==24572== Conflicting store by thread 2 at 0x060ebf7c size 4\n"
        "==24572==    at 0x4B70067: SSL_free (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
        "==24572== \n"
        "==24572== More than 100 errors detected.  Subsequent errors\n"
        "==24572== will still be recorded, but in less detail than before.\n"
        "==24572== \n"
        "==24572== More than 1000 different errors detected.  I'm not reporting any more.\n"
        "==24572== Final error counts will be inaccurate.  Go fix your program!\n"
        "==24572== \n";
    char sum[256];

    ck_assert_uint_eq(st_detector_count("drd", log, sum, sizeof(sum)), 1);
    ck_assert_str_eq(sum, "Conflicting store by thread 2 size 4 at SSL_free"
                     " (libssl.so.3)");
}
END_TEST

/* Helgrind on the system's libssl (no debug symbols): trimmed from a run
 * of scenarios/dup-racing-handshake.scn, with the harness's iteration
 * markers. */
static const char openssl_helgrind_log[] =
    "==21044== ----------------------------------------------------------------\n"
    "==21044== \n"
    "==21044== Possible data race during read of size 4 at 0x51B87A4 by thread #2\n"
    "==21044== Locks held: none\n"
    "==21044==    at 0x48CBD30: SSL_in_init (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x48A1CE1: SSL_dup (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x139287: exec_one (run.c:361)\n"
    "==21044==    by 0x14223B: worker (workers.c:157)\n"
    "==21044==    by 0x484C7D6: ??? (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)\n"
    "==21044== \n"
    "==21044== This conflicts with a previous write of size 4 by thread #1\n"
    "==21044== Locks held: none\n"
    "==21044==    at 0x48CCCB0: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x48D8457: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x48CBFF2: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x1133F5: hs_step (backend.c:846)\n"
    "==21044==    by 0x1133F5: st_be_handshake (backend.c:883)\n"
    "==21044==  Address 0x51b87a4 is 100 bytes inside a block of size 7,608 alloc'd\n"
    "==21044==    at 0x48437F4: malloc (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)\n"
    "==21044==    by 0x112605: count_malloc (backend.c:66)\n"
    "==21044==    by 0x48A1733: SSL_new (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==  Block was alloc'd by thread #1\n"
    "==21044== \n"
    "**21044** sslstress: iteration 3\n"
    "==21044== ----------------------------------------------------------------\n"
    "==21044== \n"
    "==21044== Possible data race during write of size 8 at 0x51CF858 by thread #2\n"
    "==21044== Locks held: none\n"
    "==21044==    at 0x483F0B4: free (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)\n"
    "==21044==    by 0x112650: count_free (backend.c:60)\n"
    "==21044==    by 0x4B42471: CRYPTO_free (in /usr/lib/x86_64-linux-gnu/libcrypto.so.3)\n"
    "==21044==    by 0x48A13B6: SSL_free (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x139394: exec_one (run.c:383)\n"
    "==21044== \n"
    "==21044== This conflicts with a previous read of size 8 by thread #1\n"
    "==21044==    at 0x48A1D5D: SSL_dup (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x139287: exec_one (run.c:361)\n"
    "==21044== \n"
    "**21044** sslstress: iteration 5\n";

/* A race in one of the harness's callbacks (made up from the shape of
 * the one above): the harness's, whoever called it. */
static const char harness_helgrind_log[] =
    "==21044== ----------------------------------------------------------------\n"
    "==21044== \n"
    "==21044== Possible data race during write of size 8 at 0x51CF858 by thread #2\n"
    "==21044== Locks held: none\n"
    "==21044==    at 0x112650: exdata_free (backend.c:211)\n"
    "==21044==    by 0x4B42471: CRYPTO_free_ex_data (in /usr/lib/x86_64-linux-gnu/libcrypto.so.3)\n"
    "==21044==    by 0x48A13B6: SSL_free (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==21044==    by 0x139394: exec_one (run.c:383)\n"
    "==21044== \n";

/* TSan with libssl built with it (scripts/build-openssl.sh tsan): full
 * paths, the harness's frames under stress/. */
static const char openssl_tsan_log[] =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=16178)\n"
    "  Read of size 4 at 0x7b9000002064 by thread T1:\n"
    "    #0 SSL_in_init /work/ossl/tsan-3.0.22/src/ssl/statem/statem.c:78:22 (sslstress-openssl+0x1dbc6a) (BuildId: 074b)\n"
    "    #1 SSL_dup /work/ossl/tsan-3.0.22/src/ssl/ssl_lib.c:4054:10 (sslstress-openssl+0x1a4b54) (BuildId: 074b)\n"
    "    #2 st_be_dup /work/h15x/stress/backend.c:437:12 (sslstress-openssl+0x14b90a) (BuildId: 074b)\n"
    "\n"
    "  Previous write of size 4 at 0x7b9000002064 by main thread:\n"
    "    #0 ossl_statem_set_in_init /work/ossl/tsan-3.0.22/src/ssl/statem/statem.c:177:23 (sslstress-openssl+0x1dbfde)\n"
    "    #1 tls_finish_handshake /work/ossl/tsan-3.0.22/src/ssl/statem/statem_lib.c:1147:5 (sslstress-openssl+0x1edff3)\n"
    "    #2 ossl_statem_client_pre_work /work/ossl/tsan-3.0.22/src/ssl/statem/statem_clnt.c (sslstress-openssl+0x1de5b4)\n"
    "    #3 write_state_machine /work/ossl/tsan-3.0.22/src/ssl/statem/statem.c:794:44 (sslstress-openssl+0x1dc8c5)\n"
    "    #4 state_machine /work/ossl/tsan-3.0.22/src/ssl/statem/statem.c:449:21 (sslstress-openssl+0x1dc8c5)\n"
    "    #5 SSL_do_handshake /work/ossl/tsan-3.0.22/src/ssl/ssl_lib.c:3934:19 (sslstress-openssl+0x19fd80)\n"
    "    #6 peer_step /work/h15x/stress/backend.c:762:13 (sslstress-openssl+0x14bf5a)\n"
    "\n"
    "  Location is heap block of size 7608 at 0x7b9000002000 allocated by main thread:\n"
    "    #0 malloc <null> (sslstress-openssl+0xca971)\n"
    "    #1 count_malloc /work/h15x/stress/backend.c:52:15 (sslstress-openssl+0x14af28)\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race /work/ossl/tsan-3.0.22/src/ssl/statem/statem.c:78:22 in SSL_in_init\n"
    "sslstress: iteration 12\n"
    "==================\n";

START_TEST(helgrind_reports_in_a_libssl_without_symbols_name_its_object_once)
{
    struct st_detlog lg;
    char sum[1024];

    ck_assert_int_eq(st_detlog_read("helgrind", openssl_helgrind_log, &lg), 0);
    ck_assert_uint_eq(lg.n, 2);
    st_detlog_summary(&lg.reports[0], sum, sizeof(sum));
    ck_assert_str_eq(sum, "Possible data race during read of size 4 by "
                     "thread #2 at SSL_in_init < SSL_dup (libssl.so.3); "
                     "previous write of size 4 by thread #1 at ??? < ??? < "
                     "??? (libssl.so.3)");
    ck_assert(lg.reports[0].race);
    ck_assert(st_detlog_in_library(&lg.reports[0]));
    ck_assert(st_detlog_has_function(&lg.reports[0], "SSL_dup"));
    /* The allocation stack is neither access: SSL_new is not in it. */
    ck_assert(!st_detlog_has_function(&lg.reports[0], "SSL_new"));
    ck_assert_int_eq(lg.reports[0].iteration, 3);
    /* The destroyer's free, through the harness's memory functions: the
     * library's allocator, so the library's access. */
    st_detlog_summary(&lg.reports[1], sum, sizeof(sum));
    ck_assert_str_eq(sum, "Possible data race during write of size 8 by "
                     "thread #2 at CRYPTO_free (libcrypto.so.3) < SSL_free "
                     "(libssl.so.3); previous read of size 8 by thread #1 at "
                     "SSL_dup (libssl.so.3)");
    ck_assert(st_detlog_in_library(&lg.reports[1]));
    ck_assert(st_detlog_has_function(&lg.reports[1], "SSL_free"));
    ck_assert_int_eq(lg.reports[1].iteration, 5);
    st_detlog_free(&lg);
    /* One of the harness's own callbacks the library calls is the
     * harness's. */
    ck_assert_int_eq(st_detlog_read("helgrind", harness_helgrind_log, &lg), 0);
    ck_assert_uint_eq(lg.n, 1);
    ck_assert(!st_detlog_in_library(&lg.reports[0]));
    st_detlog_summary(&lg.reports[0], sum, sizeof(sum));
    ck_assert_str_eq(sum, "Possible data race during write of size 8 by "
                     "thread #2 in the harness at exdata_free (backend.c:211) "
                     "< CRYPTO_free_ex_data (libcrypto.so.3)");
    st_detlog_free(&lg);
}
END_TEST

START_TEST(tsan_reports_in_an_instrumented_libssl_keep_the_call_into_it)
{
    struct st_detlog lg;
    char sum[1024];

    ck_assert_int_eq(st_detlog_read("tsan", openssl_tsan_log, &lg), 0);
    ck_assert_uint_eq(lg.n, 1);
    st_detlog_summary(&lg.reports[0], sum, sizeof(sum));
    /* More than four library frames: the first three, then the call
     * into the library. */
    ck_assert_str_eq(sum, "ThreadSanitizer: data race "
                     "statem.c:78:22 in SSL_in_init; read of "
                     "size 4 by thread T1 at SSL_in_init (statem.c:78) < "
                     "SSL_dup (ssl_lib.c:4054); previous write of size 4 by "
                     "main thread at ossl_statem_set_in_init (statem.c:177) < "
                     "tls_finish_handshake (statem_lib.c:1147) < "
                     "ossl_statem_client_pre_work (statem_clnt.c) < ... < "
                     "SSL_do_handshake (ssl_lib.c:3934)");
    ck_assert(st_detlog_in_library(&lg.reports[0]));
    ck_assert(st_detlog_has_function(&lg.reports[0], "state_machine"));
    ck_assert(!st_detlog_has_function(&lg.reports[0], "peer_step"));
    ck_assert_int_eq(lg.reports[0].iteration, 12);
    st_detlog_free(&lg);
}
END_TEST

START_TEST(the_harness_table_names_every_source_file_of_the_harness)
{
    char dir[512];
    DIR *d;
    struct dirent *e;
    size_t n = 0;

    snprintf(dir, sizeof(dir), "%.*sstress",
             (int)(strlen(__FILE__) - strlen("tests/stress/test_detector.c")),
             __FILE__);
    ck_assert_ptr_nonnull(d = opendir(dir));
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);

        if (l < 3 || (strcmp(e->d_name + l - 2, ".c") != 0 &&
                      strcmp(e->d_name + l - 2, ".h") != 0))
            continue;
        ck_assert_msg(st_detlog_harness_file(e->d_name),
                      "stress/%s is not among the harness's files "
                      "(the Makefile's HARNESS_FILES)",
                      e->d_name);
        n++;
    }
    closedir(d);
    ck_assert_uint_gt(n, 40);
    ck_assert(st_detlog_harness_file("test_dup.c"));
    ck_assert(st_detlog_harness_file("/work/x/stress/names.c"));
    ck_assert(st_detlog_harness_file("tests/lib/test_dup.c"));
    /* minissl's and OpenSSL's files are the library's. */
    ck_assert(!st_detlog_harness_file("settings.c"));
    ck_assert(!st_detlog_harness_file("ssl_lib.c"));
    ck_assert(!st_detlog_harness_file("/work/ossl/src/crypto/evp/names.c"));
    ck_assert(!st_detlog_harness_file("/work/x/lib/src/refcount.h"));
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

/* The harness's own check runs (history.c: a replay tried from a fresh
 * start) write their detector log apart: the failure's log stays. */
START_TEST(a_check_run_tags_its_log_and_leaves_the_failures_log)
{
    struct st_scenario *sc = fake_scenario(0);
    struct st_opts o;
    char dir[] = "/tmp/test-detector-log.XXXXXX";
    char *plain, *tagged, *sharded, *want;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(setenv("SSLSTRESS_LOG_DIR", dir, 1), 0);
    st_opts_default(&o);
    plain = st_detector_log_path(sc, &o, "helgrind");
    o.log_tag = "replay-try";
    tagged = st_detector_log_path(sc, &o, "helgrind");
    o.shard_index = 1;
    o.shard_count = 2;
    sharded = st_detector_log_path(sc, &o, "helgrind");
    ck_assert_int_ge(asprintf(&want, "%s/race.helgrind.log", dir), 0);
    ck_assert_str_eq(plain, want);
    free(want);
    ck_assert_int_ge(asprintf(&want, "%s/race.replay-try.helgrind.log", dir), 0);
    ck_assert_str_eq(tagged, want);
    free(want);
    ck_assert_int_ge(asprintf(&want, "%s/race.shard2.helgrind.log", dir), 0);
    ck_assert_str_eq(sharded, want);
    free(want);
    ck_assert_int_eq(unsetenv("SSLSTRESS_LOG_DIR"), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    free(plain);
    free(tagged);
    free(sharded);
    free(sc);
}
END_TEST

/* A replay's budget is REPLAY_BUDGET (10) times the run's rate: the planned
 * count when there is one, else (a --duration run, whose bound is no count)
 * the iterations it took to come at the failure. */
START_TEST(a_replay_of_a_duration_run_is_budgeted_by_where_it_failed)
{
    struct st_scenario *sc = fake_scenario(0);
    struct st_opts o;
    char *counted, *timed;

    st_opts_default(&o);
    o.seed = 3;
    o.iterations = 50;
    counted = st_replay_command(sc, &o, 7);
    o.iterations = ST_DURATION_ITERATIONS;
    o.seconds = 60;
    timed = st_replay_command(sc, &o, 7);
    ck_assert_ptr_nonnull(counted);
    ck_assert_ptr_nonnull(timed);
    ck_assert_ptr_nonnull(strstr(counted, " --start 7 --iterations 507 "));
    ck_assert_ptr_nonnull(strstr(timed, " --start 7 --iterations 87 "));
    free(counted);
    free(timed);
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

static struct st_scenario *known_scenario(const char *known)
{
    struct st_diag d;
    char text[512];
    struct st_scenario *sc;

    snprintf(text, sizeof(text), "scenario k\n%s\nthread A\n spin 1\n",
             known);
    sc = st_scenario_parse("k.scn", text, strlen(text), &d);
    ck_assert_msg(sc != NULL, "%d:%d: %s", d.loc.line, d.loc.col, d.msg);
    return sc;
}

/* |r| a passing result of the openssl backend, then judged by |det| on
 * |log| (|counted|: the reports the run counted itself). */
static void judge_openssl(const struct st_scenario *sc,
                          const struct st_opts *o, struct st_result *r,
                          const char *det, const char *log, unsigned counted)
{
    passing_result(r);
    ck_assert_ptr_nonnull(r->backend = strdup("openssl"));
    ck_assert_int_eq(st_detector_judge(sc, o, r, det, log, counted, 0, NULL,
                                       false), 0);
}

/* Two handshakes writing one shared structure inside a libssl without
 * symbols for its static functions: no library frame has a name. */
static const char unnamed_helgrind_log[] =
    "==15148== ----------------------------------------------------------------\n"
    "==15148== \n"
    "==15148== Possible data race during write of size 4 at 0x5CD19D0 by thread #2\n"
    "==15148== Locks held: none\n"
    "==15148==    at 0x48AF71D: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==15148==    by 0x48DF794: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==15148==    by 0x11A1D5: hs_step (backend.c:1311)\n"
    "==15148== \n"
    "==15148== This conflicts with a previous write of size 4 by thread #1\n"
    "==15148== Locks held: none\n"
    "==15148==    at 0x48AF71D: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==15148==    by 0x48CC704: ??? (in /usr/lib/x86_64-linux-gnu/libssl.so.3)\n"
    "==15148==    by 0x11A1D5: hs_step (backend.c:1311)\n"
    "==15148== \n";

START_TEST(a_known_race_in_unnamed_covers_only_reports_with_no_library_name)
{
    struct st_scenario *sc = known_scenario(
        "known race on openssl in custom_ext_init unnamed \"shared CERT\"");
    struct st_detlog lg;
    struct st_opts o;
    struct st_result r;

    ck_assert_int_eq(st_detlog_read("helgrind", unnamed_helgrind_log, &lg), 0);
    ck_assert_uint_eq(lg.n, 1);
    ck_assert(st_detlog_in_library(&lg.reports[0]));
    ck_assert(st_detlog_library_unnamed(&lg.reports[0]));
    st_detlog_free(&lg);
    ck_assert_int_eq(st_detlog_read("helgrind", openssl_helgrind_log, &lg), 0);
    /* SSL_in_init < SSL_dup against ???: a name, so not unnamed. */
    ck_assert(!st_detlog_library_unnamed(&lg.reports[0]));
    st_detlog_free(&lg);
    st_opts_default(&o);
    judge_openssl(sc, &o, &r, "helgrind", unnamed_helgrind_log, 1);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.expected_reports, 1);
    st_result_free(&r);
    /* The named reports stay failures: neither is in custom_ext_init. */
    judge_openssl(sc, &o, &r, "helgrind", openssl_helgrind_log, 2);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.expected_reports, 0);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_known_race_makes_its_library_reports_expected_on_its_backend)
{
    struct st_scenario *sc = known_scenario(
        "known race on openssl in SSL_in_init \"SSL_dup reads unlocked\"");
    struct st_opts o;
    struct st_result r;

    st_opts_default(&o);
    o.seed = 9;
    /* The first report is inside libssl and in SSL_in_init; the second one
     * is inside it too but not there (CRYPTO_free < SSL_free against
     * SSL_dup): still a failure. */
    judge_openssl(sc, &o, &r, "helgrind", openssl_helgrind_log, 2);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.detector_reports, 2);
    ck_assert_uint_eq(r.expected_reports, 1);
    ck_assert_uint_eq(r.nexpected, 1);
    ck_assert_uint_eq(r.expected[0].reports, 1);
    ck_assert_uint_eq(r.expected[0].iteration, 3);
    ck_assert_str_eq(r.expected[0].known, "on openssl in SSL_in_init: SSL_dup "
                     "reads unlocked");
    ck_assert_ptr_nonnull(strstr(r.expected[0].summary,
                                 "SSL_in_init < SSL_dup"));
    ck_assert_uint_eq(r.nfailures, 1);
    ck_assert_uint_eq(r.failures[0].iteration, 5);
    ck_assert_uint_eq(r.failures[0].seed, 9);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message,
                                 "1 report besides 1 expected"));
    ck_assert_ptr_nonnull(strstr(r.failures[0].message, "at CRYPTO_free "
                                 "(libcrypto.so.3) < SSL_free"));
    st_result_free(&r);
    st_result_free(&r);
    st_scenario_free(sc);
    /* Without `in`, any library report is covered, but not one the
     * harness began in its own callback. */
    sc = known_scenario("known race on openssl \"anything in libssl\"");
    judge_openssl(sc, &o, &r, "helgrind", harness_helgrind_log, 1);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.expected_reports, 0);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message, "in the harness at "
                                 "exdata_free"));
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

/* The Helgrind log above up to its iteration 3 (a copy to free). */
static char *helgrind_log_before_iteration_3(void)
{
    const char *end = strstr(openssl_helgrind_log, "**21044** sslstress: "
                             "iteration 3");

    ck_assert_ptr_nonnull(end);
    return strndup(openssl_helgrind_log, (size_t)(end - openssl_helgrind_log));
}

START_TEST(a_known_race_alone_passes_and_is_kept_even_when_unseen)
{
    struct st_scenario *sc = known_scenario(
        "known race on openssl in SSL_dup \"SSL_dup reads unlocked\"");
    char *first = helgrind_log_before_iteration_3();
    struct st_opts o;
    struct st_result r;

    ck_assert_ptr_nonnull(first);
    st_opts_default(&o);
    /* Helgrind counted 7 (repeats it logged once): all expected. */
    judge_openssl(sc, &o, &r, "helgrind", first, 7);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.nfailures, 0);
    ck_assert_uint_eq(r.detector_reports, 7);
    ck_assert_uint_eq(r.expected_reports, 7);
    st_result_free(&r);
    /* Nothing reported: a pass that still names the known race. */
    judge_openssl(sc, &o, &r, "drd", "", 0);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.nexpected, 1);
    ck_assert_str_eq(r.expected[0].known, "on openssl in SSL_dup: SSL_dup "
                     "reads unlocked");
    ck_assert_uint_eq(r.expected[0].reports, 0);
    ck_assert_ptr_null(r.expected[0].summary);
    st_result_free(&r);
    free(first);
    st_scenario_free(sc);
}
END_TEST

START_TEST(valgrinds_repeats_are_shared_among_the_known_races_that_logged)
{
    struct st_scenario *sc = known_scenario(
        "known race on openssl in SSL_in_init \"a\"\n"
        "known race on openssl in SSL_free \"b\"\n"
        "known race on openssl in SSL_clear_options \"c\"");
    struct st_opts o;
    struct st_result r;

    st_opts_default(&o);
    /* Two reports logged, one for a and one for b; Helgrind counted 12. */
    judge_openssl(sc, &o, &r, "helgrind", openssl_helgrind_log, 12);
    ck_assert_int_eq(r.verdict, ST_PASS);
    ck_assert_uint_eq(r.detector_reports, 12);
    ck_assert_uint_eq(r.nexpected, 3);
    ck_assert_uint_eq(r.expected[0].reports, 6);
    ck_assert_uint_eq(r.expected[1].reports, 6);
    ck_assert_uint_eq(r.expected[1].iteration, 5);
    ck_assert_uint_eq(r.expected[2].reports, 0);
    st_result_free(&r);
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_known_race_covers_nothing_on_another_backend_or_function)
{
    struct st_scenario *other = known_scenario(
        "known race on boringssl \"another library\"");
    struct st_scenario *fn = known_scenario(
        "known race on openssl in SSL_clear_options \"not this one\"");
    char *first = helgrind_log_before_iteration_3();
    struct st_opts o;
    struct st_result r;

    ck_assert_ptr_nonnull(first);
    st_opts_default(&o);
    judge_openssl(other, &o, &r, "helgrind", first, 1);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.nexpected, 0);
    st_result_free(&r);
    judge_openssl(fn, &o, &r, "helgrind", first, 1);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.expected_reports, 0);
    st_result_free(&r);
    /* Under ASan, which sees no races, nothing is a known race. */
    judge_openssl(fn, &o, &r, "asan", asan_log, 1);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_uint_eq(r.nexpected, 0);
    st_result_free(&r);
    free(first);
    st_scenario_free(fn);
    st_scenario_free(other);
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
    tcase_add_test(tc, valgrinds_error_limit_notices_are_no_reports);
    tcase_add_test(tc, helgrind_reports_in_a_libssl_without_symbols_name_its_object_once);
    tcase_add_test(tc, tsan_reports_in_an_instrumented_libssl_keep_the_call_into_it);
    tcase_add_test(tc, the_harness_table_names_every_source_file_of_the_harness);
    tcase_add_test(tc, a_crash_caught_by_a_sanitizer_is_no_report_of_its_own);
    tcase_add_test(tc, a_clean_log_counts_nothing);
    tu_add_stress_leak_checks(tc);
    suite_add_tcase(s, tc);

    tcase_add_test(tv, a_report_fails_a_scenario_with_a_detector_failure);
    tcase_add_test(tv, silence_passes_a_correct_scenario);
    tcase_add_test(tv, a_replay_of_a_duration_run_is_budgeted_by_where_it_failed);
    tcase_add_test(tv, a_check_run_tags_its_log_and_leaves_the_failures_log);
    tcase_add_test(tv, an_expected_race_passes_by_a_report_and_fails_by_silence);
    tcase_add_test(tv, an_expected_race_is_skipped_without_a_race_detector);
    tcase_add_test(tv, a_known_race_makes_its_library_reports_expected_on_its_backend);
    tcase_add_test(tv, a_known_race_in_unnamed_covers_only_reports_with_no_library_name);
    tcase_add_test(tv, a_known_race_alone_passes_and_is_kept_even_when_unseen);
    tcase_add_test(tv, a_known_race_covers_nothing_on_another_backend_or_function);
    tcase_add_test(tv, valgrinds_repeats_are_shared_among_the_known_races_that_logged);
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
