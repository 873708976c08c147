/* libFuzzer target: the JSON readers, JSON text -> struct st_run (what
 * `sslstress merge` reads, report_json.c with timeline.c's reader of a
 * failure's timeline) and JSON text -> struct st_result (what a forked
 * child hands its parent).
 *
 * Each input is a report file.  st_run_read_json reads it from a memfd
 * under a /proc/self/fd path, as merge reads a file:
 *   - refused: a negative errno and a message;
 *   - accepted: written back (st_run_to_json), the text read again must
 *     write the same text: the writer's output is always readable and the
 *     round trip settles after one pass (invalid UTF-8 becoming U+FFFD is
 *     its one documented loss).  Then what merge does with it: the merge of
 *     the one run, and the merged run rendered as text, JUnit and HTML (to
 *     /dev/null), so that nothing a hostile report holds can crash them.
 * The same text goes to st_result_from_json_string, with the same round
 * trip for an accepted result.  Everything is freed on both paths.
 * Build and run with scripts/fuzz.sh. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "result.h"

static int memfd = -1;
static char path[64];
static FILE *devnull;

static void init(void)
{
    if ((memfd = memfd_create("fuzz_json", 0)) < 0)
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    if ((devnull = fopen("/dev/null", "w")) == NULL)
        abort();
}

static char *dump_run(const struct st_run *run)
{
    json_t *j = st_run_to_json(run);
    char *s;

    if (j == NULL)
        abort();
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s == NULL)
        abort();
    return s;
}

static void round_trip_run(const struct st_run *run)
{
    struct st_run again;
    char err[300], *a = dump_run(run), *b;
    json_t *j = json_loads(a, JSON_REJECT_DUPLICATES, NULL);

    if (j == NULL || st_run_from_json(j, &again, err, sizeof(err)) != 0) {
        fprintf(stderr, "written run not readable: %s\n%s\n", err, a);
        abort();
    }
    json_decref(j);
    b = dump_run(&again);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "round trip changed the run:\n%s\n%s\n", a, b);
        abort();
    }
    free(a);
    free(b);
    st_run_free(&again);
}

/* What merge prints and writes for a merged run. */
static void render(const struct st_run *run)
{
    st_run_print_params(devnull, run);
    for (size_t i = 0; i < run->nresults; i++) {
        const struct st_result *r = &run->results[i];

        for (size_t k = 0; k < r->nfailures; k++)
            st_failure_print(devnull, r, &r->failures[k], 1);
        st_result_print_detector(devnull, r, 1);
        st_result_print_outcomes(devnull, r, 1);
    }
    st_run_print_summary(devnull, run, st_run_exit_status(run), 1);
    if (st_run_write_junit_fp(run, devnull) != 0 ||
        st_run_write_html_fp(run, devnull) != 0)
        abort();
}

static void run_reader(const uint8_t *data, size_t size)
{
    struct st_run run, merged;
    char err[400] = "";
    int r;

    if (ftruncate(memfd, 0) != 0 ||
        pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    r = st_run_read_json(path, &run, err, sizeof(err));
    if (r != 0) {
        if (r >= 0 || err[0] == '\0')
            abort();                    /* a refusal must say why */
        return;
    }
    round_trip_run(&run);
    if (st_run_merge(&run, 1, &merged, err, sizeof(err)) == 0) {
        render(&merged);
        st_run_free(&merged);
    }
    st_run_free(&run);
}

static void result_reader(const uint8_t *data, size_t size)
{
    struct st_result r, again;
    char err[300] = "", *a, *b;

    if (st_result_from_json_string((const char *)data, size, &r, err,
                                   sizeof(err)) != 0) {
        if (err[0] == '\0')
            abort();
        return;
    }
    if ((a = st_result_to_json_string(&r)) == NULL)
        abort();
    if (st_result_from_json_string(a, strlen(a), &again, err,
                                   sizeof(err)) != 0) {
        fprintf(stderr, "written result not readable: %s\n%s\n", err, a);
        abort();
    }
    if ((b = st_result_to_json_string(&again)) == NULL || strcmp(a, b) != 0)
        abort();
    free(a);
    free(b);
    st_result_free(&again);
    st_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0)
        init();
    run_reader(data, size);
    result_reader(data, size);
    return 0;
}
