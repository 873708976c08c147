/* Releasing results, and the names of their enums.  Every pointer of a
 * st_result / st_run is owned by its struct (result.h), allocated with
 * malloc, so free() releases it; NULL members and partly built structs are
 * fine, which lets every builder hand a half-built result here. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

static void free_strv(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void st_failure_free(struct st_failure *f)
{
    free(f->kind);
    free(f->message);
    free(f->where);
    free_strv(f->thread_names, f->nthreads);
    free_strv(f->thread_trace, f->nthreads);
    free(f->replay);
    free(f->schedule);
    free(f->schedule_shrunk);
    if (f->trace != NULL) {
        st_trace_free(f->trace);
        free(f->trace);
    }
}

void st_result_drop_failures(struct st_result *r)
{
    for (size_t i = 0; i < r->nfailures; i++)
        st_failure_free(&r->failures[i]);
    free(r->failures);
    r->failures = NULL;
    r->nfailures = 0;
}

bool st_result_died(const struct st_result *r)
{
    const char *k = r->failures[0].kind;

    return k != NULL && (strcmp(k, "crash") == 0 ||
                         strcmp(k, "timeout") == 0 ||
                         strcmp(k, "deadlock") == 0);
}

void st_result_free(struct st_result *r)
{
    if (r == NULL)
        return;
    free(r->file);
    free(r->name);
    free(r->about);
    free(r->backend);
    free(r->backend_version);
    free(r->reason);
    free(r->jitter);
    free(r->schedule);
    if (r->rows != NULL) {
        for (size_t i = 0; i < r->nrows; i++) {
            free_strv(r->rows[i].values, r->nlabels);
            free(r->rows[i].desc);
        }
        free(r->rows);
    }
    free_strv(r->labels, r->nlabels);
    if (r->failures != NULL) {
        for (size_t i = 0; i < r->nfailures; i++)
            st_failure_free(&r->failures[i]);
        free(r->failures);
    }
    free(r->detector);
    free(r->detector_summary);
    free(r->detector_log);
    memset(r, 0, sizeof(*r));
}

void st_run_free(struct st_run *run)
{
    if (run == NULL)
        return;
    free(run->tool_version);
    free(run->backend);
    free(run->backend_version);
    free(run->jitter);
    free(run->affinity);
    free(run->schedule);
    free(run->command);
    if (run->results != NULL) {
        for (size_t i = 0; i < run->nresults; i++)
            st_result_free(&run->results[i]);
        free(run->results);
    }
    memset(run, 0, sizeof(*run));
}

const char *st_verdict_str(enum st_verdict v)
{
    switch (v) {
    case ST_PASS:
        return "pass";
    case ST_FAIL:
        return "fail";
    case ST_SKIP:
        return "skip";
    case ST_ERROR:
        return "error";
    }
    return "?";
}

const char *st_class_str(enum st_class c)
{
    switch (c) {
    case ST_ACCEPTABLE:
        return "acceptable";
    case ST_INTERESTING:
        return "interesting";
    case ST_FORBIDDEN:
        return "forbidden";
    }
    return "?";
}

/* SKIP < PASS < FAIL < ERROR. */
static int verdict_rank(enum st_verdict v)
{
    switch (v) {
    case ST_SKIP:
        return 0;
    case ST_PASS:
        return 1;
    case ST_FAIL:
        return 2;
    case ST_ERROR:
        return 3;
    }
    return 3;
}

enum st_verdict st_verdict_worst(enum st_verdict a, enum st_verdict b)
{
    return verdict_rank(a) >= verdict_rank(b) ? a : b;
}

const char *st_signal_str(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    case SIGALRM:
        return "SIGALRM";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGINT:
        return "SIGINT";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGSYS:
        return "SIGSYS";
    }
    return NULL;
}
