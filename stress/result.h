/* What a run found: the contract between the runner (which fills it, in a
 * forked child per scenario) and the reports (text summary, JSON, JUnit,
 * HTML, merge).  A child hands its st_result to the parent as JSON
 * (st_result_to_json / st_result_from_json in report_json.c), so every
 * field here round-trips through JSON.
 *
 * Ownership: every pointer is owned by its struct; st_result_free() and
 * st_run_free() release everything. */
#ifndef ST_RESULT_H
#define ST_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#include "scenario.h"

enum st_verdict { ST_PASS, ST_FAIL, ST_SKIP, ST_ERROR };

/* One row of the outcome histogram (jcstress style). */
struct st_outcome_row {
    char **values;              /* one per label of st_result.labels */
    uint64_t count;
    enum st_class cls;
    char *desc;                 /* the outcome line's description, or NULL */
};

/* One failing iteration, with what reproduces it. */
struct st_failure {
    uint64_t iteration;         /* 0-based within the scenario's run */
    uint64_t seed;              /* the run's seed (iteration seeds derive from it) */
    char *kind;                 /* "expect", "outcome", "detector", "leak",
                                   "crash", "timeout", "misuse" */
    char *message;              /* e.g. "expect freed s: s is still live" */
    char *where;                /* "file:line:col" of the statement, or NULL */
    int signal;                 /* crash signal, else 0 */
    size_t nthreads;
    char **thread_names;
    char **thread_trace;        /* per thread: the statements it executed,
                                   one per line; the last is where it was */
    char *replay;               /* a command line that reruns exactly this */
    /* Controlled mode only (NULL when free-running): the schedule string
     * that replays this failure, the shrunk one (--shrink), and the
     * interleaving up to the step where the detector fired (trace.h). */
    char *schedule;
    char *schedule_shrunk;
    struct st_trace *trace;
    /* Controlled mode: preemptions of |schedule| and steps up to the
     * failure (trace steps, the failing one included); the same for
     * |schedule_shrunk|.  0 when free-running. */
    unsigned preemptions, steps;
    unsigned shrunk_preemptions, shrunk_steps;
};

/* Free what |f| owns (not |f| itself). */
void st_failure_free(struct st_failure *f);

struct st_result {
    char *file;
    char *name;
    char *about;
    char *backend;              /* "minissl" or "openssl" */
    char *backend_version;      /* OpenSSL_version(OPENSSL_VERSION) */
    enum st_verdict verdict;
    char *reason;               /* skip reason, or error text */
    uint64_t seed;
    char *jitter;               /* "none", "low", "high" */
    char *schedule;             /* "free" for free-running, else the
                                   strategy: "random", "pct:depth=3",
                                   "dfs:preemptions=2", "replay" */
    uint64_t schedules;         /* controlled: schedules (iterations) run */
    double schedule_seconds;    /* the time they took (shrinking excluded) */
    int exhausted;              /* dfs: every schedule within the bound ran */
    int schedule_misfit;        /* replay: the schedule did not fit (the
                                   reason says why); exit status 2 */
    uint64_t same_failures;     /* controlled: failing iterations that failed
                                   as the first did (kind and step) */
    unsigned nthreads;
    uint64_t iterations_planned;
    uint64_t iterations_run;
    uint64_t iterations_failed;
    uint64_t no_overlap;        /* iterations where some thread finished
                                   before another started */
    double seconds;
    size_t nlabels;
    char **labels;              /* observe labels, in file order */
    size_t nrows;
    struct st_outcome_row *rows;
    size_t nfailures;           /* kept failures (the first few) */
    struct st_failure *failures;
    /* Detector (TSan, ASan, Helgrind, DRD), when the run was under one. */
    char *detector;             /* NULL when none */
    unsigned detector_reports;
    char *detector_summary;     /* the first report's SUMMARY line */
    char *detector_log;         /* path of the log */
    int shard_index, shard_count;   /* from 0 (shard.h); 0/1: unsharded */
};

/* One invocation of `sslstress run` (or a merge of several). */
struct st_run {
    char *tool_version;
    char *backend;
    char *backend_version;
    uint64_t seed;
    char *jitter;
    uint64_t iterations;        /* 0: each file's own */
    double duration;            /* seconds; 0: none */
    uint64_t max_failures;
    char *affinity;             /* "none", "pin", "spread" */
    int shard_index, shard_count;
    char *schedule;             /* "free", or the --schedule strategy as a
                                   result names it ("random", "pct:depth=3",
                                   "dfs:preemptions=2", "replay"); NULL:
                                   not recorded */
    int shrink;                 /* --shrink */
    char *command;              /* the command line */
    double seconds;
    size_t nresults;
    struct st_result *results;
};

/* Free and forget r's kept failures (a verdict that turns out not to be
 * a finding: skip, schedule misfit, expected race). */
void st_result_drop_failures(struct st_result *r);
/* True when |r|'s first failure is of a child that did not finish its run
 * (kind "crash", "timeout" or "deadlock", isolate.c); |r| has a failure. */
bool st_result_died(const struct st_result *r);
void st_result_free(struct st_result *r);   /* frees members, not r */
void st_run_free(struct st_run *run);       /* frees members, not run */

/* The names of the enums (result.c).  "pass", "fail", "skip", "error";
 * "?" for a value out of range. */
const char *st_verdict_str(enum st_verdict v);
/* "acceptable", "interesting", "forbidden"; "?" out of range. */
const char *st_class_str(enum st_class c);
/* "SIGSEGV" etc. for the usual crash signals, NULL for others. */
const char *st_signal_str(int sig);
/* Worst of two verdicts for a merged scenario: ERROR > FAIL > PASS > SKIP
 * (a shard that skipped loses to one that ran). */
enum st_verdict st_verdict_worst(enum st_verdict a, enum st_verdict b);

#endif
