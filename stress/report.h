/* Reports of a run: JSON (the results' own format, read back by `sslstress
 * merge` and used to carry one scenario's result from its forked child to
 * the parent), JUnit XML for CI systems, one self-contained HTML page, and
 * the plain-text summary printed at the end of a run.
 *
 * Conventions (the harness's): functions returning int return 0 on success
 * or a negative errno (-ENOMEM, -EINVAL for bad input, -errno of a failed
 * I/O call); pointer-returning functions return NULL on allocation failure.
 * Everything here only reads the st_run / st_result given; nothing keeps a
 * pointer into it.  May run in several threads at once on different
 * structs.  The one global effect: the first JSON read installs jansson
 * allocation functions (malloc/free that note a failure, so a load that
 * ran out of memory says -ENOMEM rather than "syntax error").
 *
 * A path argument of "-" means stdout for the writers.  Writers to a file
 * write PATH.tmp.PID and rename it over PATH, so a reader never sees half a
 * report.
 *
 * JSON format (format "sslstress-run", format_version 2; the schema is
 * doc/sslstress-report.schema.json): one object per run with
 * "tool_version", "backend", "backend_version"; "options", what was asked
 * for (the st_run fields seed, jitter, iterations, duration, max_failures,
 * affinity, shard_index, shard_count, schedule, shrink, command);
 * "totals", what the results add up to (st_run_totals: scenarios, passed,
 * failed, skipped, errors, iterations planned, run and failed, no_overlap,
 * detector_reports, seconds); and "results": [ one object per st_result
 * with its fields by name ].  Strings that are NULL in C are JSON null.
 * One field differs from its C value: "shard_index" is I of --shard I/N,
 * counting from 1 as users do (1 when not sharded), where C keeps the
 * index from 0 (shard.h).
 * Seeds are decimal strings ("seed": "1234"), because they use all 64 bits
 * and JSON readers lose integers above 2^53; other 64-bit counters are
 * integers (a decimal string only above INT64_MAX, accepted back); a
 * non-finite double (seconds, duration) is written as null.  Strings
 * are UTF-8; a byte that is not valid UTF-8 is written as U+FFFD (the only
 * lossy case of the round trip).  Readers take the members in any order,
 * ignore members they do not know (a newer writer), give a missing member
 * its zero value (NULL, 0; shard_count 1, shard_index 1) except a result's
 * "name" and "verdict", and reject a member of the wrong type or range, a
 * duplicate key, malformed JSON, a total the results do not add up to, or
 * a format_version other than 2 (version 1, which kept the options at the
 * top level and counted shards from 0, is refused with a message saying
 * so) with a message naming the member
 * ("results[2].rows[0].count: expected a non-negative integer"). */
#ifndef ST_REPORT_H
#define ST_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "result.h"

#define ST_JSON_FORMAT "sslstress-run"
#define ST_JSON_FORMAT_VERSION 2

/* ---- output files, escaping, reading errors (report_out.c) ------------ */

/* A report being written: |f| is stdout for "-", else PATH.tmp.PID. */
struct st_out {
    FILE *f;
    char *path;                 /* NULL for stdout */
    char *tmp;
};
/* Open |path| for a writer.  0, or -errno (nothing left open). */
int st_out_open(struct st_out *o, const char *path);
/* Finish: when |ok| and every write succeeded, flush and rename the
 * temporary over the path (0); else remove it and return |ok|'s error or
 * -EIO.  Always releases |o|.  |ok| is 0 or a negative errno. */
int st_out_close(struct st_out *o, int ok);

/* Write |s| (NULL: nothing) escaped for XML/HTML text, or for a
 * double-quoted attribute value when |attr| (then tab, newline and CR
 * become character references so they survive attribute normalisation).
 * Characters XML 1.0 forbids (C0 controls other than tab/newline/CR, and
 * U+FFFE/U+FFFF) become a visible "\xNN"; invalid UTF-8 bytes become
 * U+FFFD.  So any C string gives well-formed output. */
void st_put_xml(FILE *f, const char *s, int attr);
/* Write |s| for a terminal: control characters other than newline (and
 * tab) as "\xNN", so a name cannot move the cursor or change colours.
 * |nl| non-zero keeps newlines, else they print as "\n". */
void st_put_text(FILE *f, const char *s, int nl);
/* A JSON string (one reference, the caller's) of the |n| bytes at |s|,
 * which may hold any byte: an invalid UTF-8 byte becomes U+FFFD.  NULL on
 * allocation failure. */
json_t *st_json_text(const char *s, size_t n);
/* Format a reading error into err[errlen] (nothing when err is NULL or
 * errlen 0) and return -EINVAL: the one-line failure of the readers of
 * report files (merge.c, timeline.c). */
int st_read_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- totals (report_text.c) ---------------------------------------- */

/* What a run's results add up to: the JSON report's "totals", the text
 * summary's totals line and the HTML report's overview. */
struct st_totals {
    size_t scenarios;
    size_t verdicts[4];             /* by enum st_verdict */
    uint64_t iterations_planned, iterations_run, iterations_failed;
    uint64_t no_overlap, detector_reports;
    double seconds;                 /* run->seconds when above 0, else the
                                       results' sum */
};
/* Fill |t| from |run|'s results (sums wrap at 2^64, as counters do). */
void st_run_totals(const struct st_run *run, struct st_totals *t);
/* A result's throughput, iterations run per second; 0 when it took no
 * (or no finite) time. */
double st_result_rate(const struct st_result *r);

/* ---- JSON (report_json.c) ------------------------------------------- */

/* A new JSON object for |r| (one reference, the caller's), or NULL on
 * allocation failure. */
json_t *st_result_to_json(const struct st_result *r);
/* Fill |r| from |j|.  |r|'s previous contents are ignored (not freed) and
 * overwritten.  On success |r| owns fresh copies of everything and the
 * caller frees it with st_result_free().  On failure returns -EINVAL (bad
 * input; message in err[errlen], may be NULL/0) or -ENOMEM, and |r| is left
 * zeroed with nothing allocated. */
int st_result_from_json(json_t *j, struct st_result *r, char *err,
                        size_t errlen);

/* The same as one line of compact JSON text (no newline), for a pipe:
 * returns a malloc'ed NUL-terminated string the caller free()s, or NULL on
 * allocation failure. */
char *st_result_to_json_string(const struct st_result *r);
/* Parse |len| bytes at |s| (need not be NUL-terminated); as
 * st_result_from_json otherwise. */
int st_result_from_json_string(const char *s, size_t len,
                               struct st_result *r, char *err, size_t errlen);

json_t *st_run_to_json(const struct st_run *run);
/* As st_result_from_json, for a whole run. */
int st_run_from_json(json_t *j, struct st_run *run, char *err, size_t errlen);

/* Write |run| as indented JSON to |path| ("-": stdout). */
int st_run_write_json(const struct st_run *run, const char *path);
/* Read a file written by st_run_write_json.  As st_run_from_json; an
 * unreadable file gives -errno, malformed JSON -EINVAL with "FILE:LINE:COL:
 * message" in err. */
int st_run_read_json(const char *path, struct st_run *run, char *err,
                     size_t errlen);

/* Deep copy |src| into |dst| (previous contents ignored).  0 or -ENOMEM
 * (|dst| zeroed). */
int st_result_copy(struct st_result *dst, const struct st_result *src);

/* ---- JUnit XML (report_junit.c) --------------------------------------- */

/* One <testsuites> with one <testsuite> per backend in the run, one
 * <testcase> per scenario: <failure> for FAIL (message = what fired; body =
 * each kept failure with iteration, seed, trace and replay command),
 * <error> for ERROR, <skipped> for SKIP, and <system-out> with the
 * scenario's parameters, outcome histogram and detector summary + log.
 * Valid against the Jenkins xUnit junit-10.xsd. */
int st_run_write_junit(const struct st_run *run, const char *path);
int st_run_write_junit_fp(const struct st_run *run, FILE *f);

/* ---- HTML (report_html.c) ------------------------------------------- */

/* One self-contained page (inline CSS and SVG, no script, no external
 * asset): run parameters, an overview picture (the verdicts, each
 * scenario's throughput), a verdict table, and per scenario a picture of
 * its throughput and of the share of its iterations whose threads
 * overlapped, its outcome histogram as SVG bars coloured by class (a
 * scenario without observe lines: its iterations that held every
 * expectation and those that failed; none when no iteration ran),
 * failures with their traces and replay commands (controlled mode: the
 * timeline, drawn), detector findings.  Every page, of a passing, failing
 * or empty run, has at least the overview picture; every picture is an
 * <svg role="img"> with an accessible name (a title and a description in
 * words; the timeline's aria-label). */
int st_run_write_html(const struct st_run *run, const char *path);
int st_run_write_html_fp(const struct st_run *run, FILE *f);

/* ---- plain text (report_text.c) ------------------------------------- */

/* The run's parameters, one "key: value" line each (printed first by a
 * run and by merge). */
void st_run_print_params(FILE *out, const struct st_run *run);
/* The summary table: scenario, verdict, iterations, failures, rate
 * (iterations/s), seconds; then a totals line (and the no-overlap total
 * when not 0), and last the verdict line, st_run_print_verdict() with
 * st_run_exit_status().  |color| non-zero adds ANSI colours. */
void st_run_print_summary(FILE *out, const struct st_run *run, int color);
/* "verdict: PASS (seed N)" for exit status 0, FAIL for 1, ERROR for 2:
 * the last line of a run or merge. */
void st_run_print_verdict(FILE *out, const struct st_run *run, int status,
                          int color);
/* One scenario's outcome histogram, jcstress style: values, count,
 * percentage, class, description; plus the no-overlap count. */
void st_result_print_outcomes(FILE *out, const struct st_result *r,
                              int color);
/* One failure: what fired, iteration, seed, per-thread trace, replay. */
void st_failure_print(FILE *out, const struct st_result *r,
                      const struct st_failure *f, int color);
/* The detector line(s) of a result run under a detector: which one, how
 * many reports, the first report's summary and the log path.  Prints
 * nothing when r->detector is NULL. */
void st_result_print_detector(FILE *out, const struct st_result *r,
                              int color);
/* 0 when every result passed or was skipped, 1 when one failed or erred
 * (the `run` and `merge` exit status for a complete run). */
int st_run_exit_status(const struct st_run *run);

/* ---- merge (merge.c) ---------------------------------------------------- */

/* Combine the runs |in[0..n-1]| (shards of one campaign) into |out|
 * (previous contents ignored): same base seed, backend (and version),
 * jitter, iterations, schedule and shard count required, each shard index
 * at most once; results of the same scenario (file + name) are summed:
 * iterations, failures, no-overlap, outcome rows by value combination;
 * failures kept; worst verdict.  0; -EINVAL with the reason in err (out zeroed); -ENOMEM. */
int st_run_merge(const struct st_run *in, size_t n, struct st_run *out,
                 char *err, size_t errlen);
/* `sslstress merge A.json B.json ... [--json OUT] [--junit OUT]
 * [--html OUT] [--no-color]`: exit 0 all passed, 1 a failure, 2 usage or
 * bad input.  argv[0] is "merge". */
int st_merge_main(int argc, char **argv);

#endif
