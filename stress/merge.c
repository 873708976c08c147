/* `sslstress merge`: the JSON results of the shards of one campaign (N CI
 * jobs or a Slurm job array, each run with --shard I/N and the same seed)
 * combined into one run, as if one process had done all the work.
 *
 * What may be combined: runs of one campaign only, so the same base seed,
 * backend and backend version, jitter, iteration budget, schedule and
 * shard count, each shard index at most once; anything else is refused
 * with the two values that differ, because summing runs of different
 * seeds would report counts that no run produced.  Missing shards are allowed (a
 * partial campaign) and named in a warning.
 *
 * How a scenario (same file and name) seen by several shards combines:
 * iterations planned, run and failed, no-overlap count, seconds and
 * detector report counts add up; outcome rows with the same values add
 * their counts (observe labels must agree); every kept failure is kept,
 * in shard order (in controlled mode with its schedule strings and
 * timeline, which the HTML report draws again); the verdict is the worst
 * (error > fail > pass > skip) and its reason comes from the shard that
 * gave that verdict.  Controlled mode: schedules run add up; exhausted
 * and misfit when one shard says so. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "shard.h"

static int streq0(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static const char *nz(const char *s)
{
    return s != NULL ? s : "(none)";
}

/* Replace *dst with a copy of src (NULL allowed).  0 or -ENOMEM. */
static int set_str(char **dst, const char *src)
{
    char *d = NULL;

    if (src != NULL && (d = strdup(src)) == NULL)
        return -ENOMEM;
    free(*dst);
    *dst = d;
    return 0;
}

static char **dup_strv(char *const *v, size_t n)
{
    char **d;

    if (v == NULL || n == 0)
        return NULL;
    if ((d = calloc(n, sizeof(*d))) == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (v[i] != NULL && (d[i] = strdup(v[i])) == NULL) {
            for (size_t k = 0; k < i; k++)
                free(d[k]);
            free(d);
            return NULL;
        }
    return d;
}

static int same_values(const struct st_outcome_row *a,
                       const struct st_outcome_row *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const char *x = a->values ? a->values[k] : NULL;
        const char *y = b->values ? b->values[k] : NULL;

        if (!streq0(x, y))
            return 0;
    }
    return 1;
}

static int labels_equal(const struct st_result *a, const struct st_result *b)
{
    if (a->nlabels != b->nlabels)
        return 0;
    for (size_t k = 0; k < a->nlabels; k++)
        if (!streq0(a->labels ? a->labels[k] : NULL,
                    b->labels ? b->labels[k] : NULL))
            return 0;
    return 1;
}

/* A result without rows and labels (skipped, erred) takes the labels of
 * the first shard that observed something. */
static int adopt_labels(struct st_result *acc, const struct st_result *r)
{
    char **l;

    if (r->nlabels == 0)
        return 0;
    if ((l = dup_strv(r->labels, r->nlabels)) == NULL)
        return -ENOMEM;
    free(acc->labels);                  /* an empty array, if any */
    acc->labels = l;
    acc->nlabels = r->nlabels;
    return 0;
}

static int add_rows(struct st_result *acc, const struct st_result *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        const struct st_outcome_row *row = &r->rows[i];
        struct st_outcome_row *dst = NULL, *grown;
        size_t k;

        for (k = 0; k < acc->nrows; k++)
            if (same_values(&acc->rows[k], row, acc->nlabels)) {
                dst = &acc->rows[k];
                break;
            }
        if (dst != NULL) {
            dst->count += row->count;
            if (row->cls > dst->cls)        /* forbidden wins */
                dst->cls = row->cls;
            if (dst->desc == NULL && set_str(&dst->desc, row->desc) != 0)
                return -ENOMEM;
            continue;
        }
        grown = realloc(acc->rows, (acc->nrows + 1) * sizeof(*acc->rows));
        if (grown == NULL)
            return -ENOMEM;
        acc->rows = grown;
        dst = &acc->rows[acc->nrows];
        memset(dst, 0, sizeof(*dst));
        acc->nrows++;               /* counted now: a partial row frees */
        dst->count = row->count;
        dst->cls = row->cls;
        if (acc->nlabels > 0
            && (dst->values = dup_strv(row->values, acc->nlabels)) == NULL
            && row->values != NULL)
            return -ENOMEM;
        if (set_str(&dst->desc, row->desc) != 0)
            return -ENOMEM;
    }
    return 0;
}

static int copy_failure(struct st_failure *d, const struct st_failure *s)
{
    memset(d, 0, sizeof(*d));
    d->iteration = s->iteration;
    d->seed = s->seed;
    d->signal = s->signal;
    d->nthreads = s->nthreads;
    if (set_str(&d->kind, s->kind) || set_str(&d->message, s->message)
        || set_str(&d->where, s->where) || set_str(&d->replay, s->replay))
        return -ENOMEM;
    d->thread_names = dup_strv(s->thread_names, s->nthreads);
    if (d->thread_names == NULL && s->thread_names != NULL && s->nthreads)
        return -ENOMEM;
    d->thread_trace = dup_strv(s->thread_trace, s->nthreads);
    if (d->thread_trace == NULL && s->thread_trace != NULL && s->nthreads)
        return -ENOMEM;
    /* controlled mode: the schedule strings, and the timeline through its
     * JSON (the copy owns its thread names; trace.h) */
    d->preemptions = s->preemptions;
    d->steps = s->steps;
    d->shrunk_preemptions = s->shrunk_preemptions;
    d->shrunk_steps = s->shrunk_steps;
    if (set_str(&d->schedule, s->schedule)
        || set_str(&d->schedule_shrunk, s->schedule_shrunk))
        return -ENOMEM;
    if (s->trace != NULL) {
        json_t *j = st_timeline_json(s->trace);
        int ret;

        if (j == NULL)
            return -ENOMEM;
        ret = st_timeline_from_json(j, &d->trace, NULL, 0);
        json_decref(j);
        if (ret != 0)
            return ret;
    }
    return 0;
}

static int add_failures(struct st_result *acc, const struct st_result *r)
{
    struct st_failure *grown;

    if (r->nfailures == 0)
        return 0;
    grown = realloc(acc->failures,
                    (acc->nfailures + r->nfailures) * sizeof(*acc->failures));
    if (grown == NULL)
        return -ENOMEM;
    acc->failures = grown;
    for (size_t i = 0; i < r->nfailures; i++) {
        int ret = copy_failure(&acc->failures[acc->nfailures], &r->failures[i]);

        acc->nfailures++;           /* counted now: a partial copy frees */
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* Fold |r| (from file |rfile|) into |acc| (first seen in |afile|). */
static int combine(struct st_result *acc, const struct st_result *r,
                   const char *afile, const char *rfile, char *err,
                   size_t errlen)
{
    int ret;

    if (acc->nlabels == 0 && acc->nrows == 0) {
        if ((ret = adopt_labels(acc, r)) != 0)
            return ret;
    } else if (!(r->nlabels == 0 && r->nrows == 0) && !labels_equal(acc, r)) {
        return st_read_fail(err, errlen, "scenario %s observes different labels in "
                     "%s and %s: not shards of the same scenario file",
                     nz(acc->name), afile, rfile);
    }
    /* the reason goes with the verdict: from the shard that gave it */
    if (st_verdict_worst(acc->verdict, r->verdict) != acc->verdict
        || (r->verdict == acc->verdict && acc->reason == NULL))
        if ((ret = set_str(&acc->reason, r->reason)) != 0)
            return ret;
    acc->verdict = st_verdict_worst(acc->verdict, r->verdict);
    if (r->nthreads > acc->nthreads)
        acc->nthreads = r->nthreads;
    acc->iterations_planned += r->iterations_planned;
    acc->iterations_run += r->iterations_run;
    acc->iterations_failed += r->iterations_failed;
    acc->no_overlap += r->no_overlap;
    acc->seconds += r->seconds;
    /* controlled mode: schedules add up like iterations; a shard that
     * exhausted its space, or whose schedule did not fit, says so */
    acc->schedules += r->schedules;
    acc->same_failures += r->same_failures;
    acc->exhausted |= r->exhausted;
    acc->schedule_misfit |= r->schedule_misfit;
    if ((ret = add_rows(acc, r)) != 0 || (ret = add_failures(acc, r)) != 0)
        return ret;
    if (acc->about == NULL && (ret = set_str(&acc->about, r->about)) != 0)
        return ret;
    if (acc->jitter == NULL && (ret = set_str(&acc->jitter, r->jitter)) != 0)
        return ret;
    if (acc->schedule == NULL
        && (ret = set_str(&acc->schedule, r->schedule)) != 0)
        return ret;
    if (acc->backend_version == NULL
        && (ret = set_str(&acc->backend_version, r->backend_version)) != 0)
        return ret;
    if (r->detector != NULL && acc->detector == NULL
        && (ret = set_str(&acc->detector, r->detector)) != 0)
        return ret;
    /* the first shard with a report gives the summary and log */
    if (r->detector_reports > 0 && acc->detector_reports == 0) {
        if ((ret = set_str(&acc->detector_summary, r->detector_summary)) != 0
            || (ret = set_str(&acc->detector_log, r->detector_log)) != 0)
            return ret;
    } else if (acc->detector_log == NULL && r->detector_log != NULL) {
        if ((ret = set_str(&acc->detector_log, r->detector_log)) != 0)
            return ret;
    }
    acc->detector_reports += r->detector_reports;
    return 0;
}

static int same_scenario(const struct st_result *a, const struct st_result *b)
{
    return streq0(a->file, b->file) && streq0(a->name, b->name);
}

/* Campaign parameters of |b| (file |bf|) against |a| (file |af|). */
static int check_compatible(const struct st_run *a, const struct st_run *b,
                            const char *af, const char *bf, char *err,
                            size_t errlen)
{
    char sa[ST_SHARD_NAME_MAX], sb[ST_SHARD_NAME_MAX];

    if (a->seed != b->seed)
        return st_read_fail(err, errlen, "%s has seed %" PRIu64 " but %s has seed %"
                     PRIu64 ": shards of one campaign share one --seed",
                     af, a->seed, bf, b->seed);
    if (!streq0(a->backend, b->backend))
        return st_read_fail(err, errlen, "%s ran backend %s but %s ran backend %s: "
                     "merge the results of one backend at a time",
                     af, nz(a->backend), bf, nz(b->backend));
    if (!streq0(a->backend_version, b->backend_version))
        return st_read_fail(err, errlen, "%s ran %s but %s ran %s: shards of one "
                     "campaign use one library version", af,
                     nz(a->backend_version), bf, nz(b->backend_version));
    if (!streq0(a->jitter, b->jitter))
        return st_read_fail(err, errlen, "%s has jitter %s but %s has jitter %s",
                     af, nz(a->jitter), bf, nz(b->jitter));
    if (a->iterations != b->iterations)
        return st_read_fail(err, errlen, "%s has --iterations %" PRIu64 " but %s "
                     "has %" PRIu64, af, a->iterations, bf, b->iterations);
    if (!streq0(a->schedule, b->schedule))
        return st_read_fail(err, errlen, "%s has --schedule %s but %s has %s",
                     af, nz(a->schedule), bf, nz(b->schedule));
    st_shard_name(sa, sizeof(sa), a->shard_index, a->shard_count);
    st_shard_name(sb, sizeof(sb), b->shard_index, b->shard_count);
    if (a->shard_count != b->shard_count)
        return st_read_fail(err, errlen, "%s is shard %s but %s is shard %s: "
                     "not shards of the same split", af, sa, bf, sb);
    if (a->shard_index == b->shard_index)
        return st_read_fail(err, errlen, "%s and %s are both shard %s: each "
                     "shard may be merged once", af, bf, sa);
    return 0;
}

static int merge_files(const struct st_run *in, const char *const *names,
                       size_t n, struct st_run *out, char *err, size_t errlen)
{
    size_t *order = NULL, *from = NULL, i, j, k;
    int ret = 0;

    memset(out, 0, sizeof(*out));
    out->shard_count = 1;
    if (n == 0)
        return st_read_fail(err, errlen, "nothing to merge");
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++)
            if ((ret = check_compatible(&in[j], &in[i], names[j], names[i],
                                        err, errlen)) != 0)
                return ret;
    /* Visit shards in index order, so results come in the order an
     * unsharded run lists them. */
    if ((order = malloc(n * sizeof(*order))) == NULL)
        return -ENOMEM;
    for (i = 0; i < n; i++) {
        for (k = i; k > 0 && in[order[k - 1]].shard_index > in[i].shard_index;
             k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    if (set_str(&out->tool_version, in[0].tool_version)
        || set_str(&out->backend, in[0].backend)
        || set_str(&out->backend_version, in[0].backend_version)
        || set_str(&out->jitter, in[0].jitter)
        || set_str(&out->affinity, in[0].affinity)
        || set_str(&out->schedule, in[0].schedule))
        goto err_nomem;
    out->shrink = in[0].shrink;
    out->seed = in[0].seed;
    out->iterations = in[0].iterations;
    out->duration = in[0].duration;
    out->max_failures = in[0].max_failures;
    for (i = 0; i < n; i++)
        if (in[i].seconds > out->seconds)   /* the shards ran in parallel */
            out->seconds = in[i].seconds;
    for (i = 0; i < n; i++) {
        const struct st_run *run = &in[order[i]];

        for (j = 0; j < run->nresults; j++) {
            const struct st_result *r = &run->results[j];
            struct st_result *grown;
            size_t *fgrown;

            for (k = 0; k < out->nresults; k++)
                if (same_scenario(&out->results[k], r))
                    break;
            if (k < out->nresults) {
                ret = combine(&out->results[k], r, names[from[k]],
                              names[order[i]], err, errlen);
                if (ret == -ENOMEM)
                    goto err_nomem;
                if (ret != 0)
                    goto err;
                continue;
            }
            grown = realloc(out->results,
                            (out->nresults + 1) * sizeof(*out->results));
            if (grown == NULL)
                goto err_nomem;
            out->results = grown;
            fgrown = realloc(from, (out->nresults + 1) * sizeof(*from));
            if (fgrown == NULL)
                goto err_nomem;
            from = fgrown;
            from[out->nresults] = order[i];
            ret = st_result_copy(&out->results[out->nresults], r);
            out->nresults++;
            if (ret != 0)
                goto err_nomem;
            out->results[out->nresults - 1].shard_index = 0;
            out->results[out->nresults - 1].shard_count = 1;
        }
    }
    free(order);
    free(from);
    return 0;
 err_nomem:
    ret = -ENOMEM;
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "out of memory");
 err:
    free(order);
    free(from);
    st_run_free(out);
    return ret;
}

int st_run_merge(const struct st_run *in, size_t n, struct st_run *out,
                 char *err, size_t errlen)
{
    const char **names = malloc((n ? n : 1) * sizeof(*names));
    char (*bufs)[32] = malloc((n ? n : 1) * sizeof(*bufs));
    int ret;

    if (names == NULL || bufs == NULL) {
        free(names);
        free(bufs);
        memset(out, 0, sizeof(*out));
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(bufs[i], sizeof(bufs[i]), "input %zu", i + 1);
        names[i] = bufs[i];
    }
    ret = merge_files(in, names, n, out, err, errlen);
    free(names);
    free(bufs);
    return ret;
}

/* ---- the command ---------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: sslstress merge [--json OUT] [--junit OUT] [--html OUT]\n"
          "                       [--color | --no-color] [--quiet] "
          "RESULT.json...\n"
          "\n"
          "Combine the JSON results of the shards of one campaign (runs with\n"
          "--shard I/N and the same --seed) into one summary, and optionally\n"
          "one JSON, JUnit and HTML report.  A missing shard is a warning.\n"
          "\n"
          "Options:\n"
          "      --json OUT         write the merged run as JSON (\"-\": stdout,\n"
          "                         the summary then goes to stderr)\n"
          "      --junit OUT        write it as JUnit XML\n"
          "      --html OUT         write it as one HTML page\n"
          "      --color            ANSI colours even when not on a terminal\n"
          "      --no-color         no ANSI colours (NO_COLOR is honoured too)\n"
          "  -q, --quiet            print only the summary table and the verdict\n"
          "  -h, --help             this help\n"
          "\n"
          "Exit status: 0 all passed, 1 a scenario failed, 2 usage or bad "
          "input.\n", f);
}

/* The value of option |name| at argv[*i] ("--name V" or "--name=V"), or
 * NULL when argv[*i] is not that option; *bad set when the value is
 * missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
                             int *bad)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=') {
        if (a[n + 1] == '\0')
            *bad = 1;
        return a[n + 1] != '\0' ? a + n + 1 : NULL;
    }
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *bad = 1;
        return NULL;
    }
    return argv[++*i];
}

static char *join_command(int argc, char **argv)
{
    size_t len = strlen("sslstress") + 1;
    char *s;

    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) * 4 + 3;
    if ((s = malloc(len)) == NULL)
        return NULL;
    strcpy(s, "sslstress");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        char *p = s + strlen(s);
        int plain = *a != '\0';

        for (const char *c = a; *c; c++)
            if (!(strchr("-_./=:,+@%", *c) || (*c >= '0' && *c <= '9')
                  || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
                plain = 0;
        *p++ = ' ';
        if (plain) {
            strcpy(p, a);
            continue;
        }
        *p++ = '\'';
        for (const char *c = a; *c; c++) {
            if (*c == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *c;
            }
        }
        *p++ = '\'';
        *p = '\0';
    }
    return s;
}

int st_merge_main(int argc, char **argv)
{
    const char *json = NULL, *junit = NULL, *html = NULL, *v;
    const char **files = NULL;
    struct st_run *runs = NULL, out;
    FILE *human = stdout;
    size_t nfiles = 0, nread = 0, i;
    int color = -1, quiet = 0, bad = 0, status = 2, ret;
    char err[512];

    memset(&out, 0, sizeof(out));
    if ((files = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*files)))
        == NULL)
        goto err_nomem;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
            usage(stdout);
            free(files);
            return 0;
        } else if ((v = opt_value(argc, argv, &a, "--json", &bad)) != NULL) {
            json = v;
        } else if ((v = opt_value(argc, argv, &a, "--junit", &bad)) != NULL) {
            junit = v;
        } else if ((v = opt_value(argc, argv, &a, "--html", &bad)) != NULL) {
            html = v;
        } else if (bad) {
            fprintf(stderr, "sslstress merge: %s needs a file name\n",
                    argv[a]);
            goto usage;
        } else if (strcmp(argv[a], "--color") == 0) {
            color = 1;
        } else if (strcmp(argv[a], "--no-color") == 0) {
            color = 0;
        } else if (strcmp(argv[a], "--quiet") == 0
                   || strcmp(argv[a], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[a], "--") == 0) {
            while (++a < argc)
                files[nfiles++] = argv[a];
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            fprintf(stderr, "sslstress merge: unknown option %s\n", argv[a]);
            goto usage;
        } else {
            files[nfiles++] = argv[a];
        }
    }
    if (nfiles == 0) {
        fprintf(stderr, "sslstress merge: no result files given\n");
        goto usage;
    }
    /* A report written to stdout keeps it to itself. */
    if ((json != NULL && strcmp(json, "-") == 0)
        || (junit != NULL && strcmp(junit, "-") == 0)
        || (html != NULL && strcmp(html, "-") == 0))
        human = stderr;
    if (color < 0) {                    /* no-color.org: set and not empty */
        const char *nc = getenv("NO_COLOR");

        color = (nc == NULL || *nc == '\0') && isatty(fileno(human));
    }
    if ((runs = calloc(nfiles, sizeof(*runs))) == NULL)
        goto err_nomem;
    for (i = 0; i < nfiles; i++, nread++) {
        if ((ret = st_run_read_json(files[i], &runs[i], err, sizeof(err)))
            != 0) {
            fprintf(stderr, "sslstress merge: %s\n", err);
            goto out;
        }
    }
    if ((ret = merge_files(runs, files, nfiles, &out, err, sizeof(err))) != 0) {
        fprintf(stderr, "sslstress merge: %s\n", err);
        goto out;
    }
    if ((out.command = join_command(argc, argv)) == NULL)
        goto err_nomem;
    {
        int count = runs[0].shard_count;
        int missing = 0;
        char name[ST_SHARD_NAME_MAX];

        for (int s = 0; s < count && count > 1; s++) {
            for (i = 0; i < nfiles; i++)
                if (runs[i].shard_index == s)
                    break;
            if (i == nfiles) {
                if (missing++ == 0)
                    fprintf(stderr, "sslstress merge: warning: incomplete "
                            "campaign, missing shard");
                fprintf(stderr, " %s", st_shard_name(name, sizeof(name), s,
                                                     count));
            }
        }
        if (missing > 0)
            fputc('\n', stderr);
    }
    if (!quiet) {
        st_run_print_params(human, &out);
        fputc('\n', human);
        for (i = 0; i < out.nresults; i++) {
            const struct st_result *r = &out.results[i];

            if (r->verdict == ST_FAIL || r->verdict == ST_ERROR) {
                for (size_t k = 0; k < r->nfailures; k++)
                    st_failure_print(human, r, &r->failures[k], color);
                if (r->verdict == ST_ERROR && r->reason != NULL) {
                    fputs("ERROR in ", human);
                    st_put_text(human, r->name, 0);
                    fputs(": ", human);
                    st_put_text(human, r->reason, 1);
                    fputc('\n', human);
                }
                st_result_print_detector(human, r, color);
                st_result_print_outcomes(human, r, color);
                fputc('\n', human);
            }
        }
    }
    st_run_print_summary(human, &out, color);
    fflush(human);
    status = st_run_exit_status(&out);
    if (json != NULL && (ret = st_run_write_json(&out, json)) != 0) {
        fprintf(stderr, "sslstress merge: cannot write %s: %s\n", json,
                strerror(-ret));
        status = 2;
    }
    if (junit != NULL && (ret = st_run_write_junit(&out, junit)) != 0) {
        fprintf(stderr, "sslstress merge: cannot write %s: %s\n", junit,
                strerror(-ret));
        status = 2;
    }
    if (html != NULL && (ret = st_run_write_html(&out, html)) != 0) {
        fprintf(stderr, "sslstress merge: cannot write %s: %s\n", html,
                strerror(-ret));
        status = 2;
    }
 out:
    for (i = 0; i < nread; i++)
        st_run_free(&runs[i]);
    free(runs);
    free(files);
    st_run_free(&out);
    return status;
 usage:
    usage(stderr);
    free(files);
    return 2;
 err_nomem:
    fprintf(stderr, "sslstress merge: out of memory\n");
    status = 2;
    goto out;
}
