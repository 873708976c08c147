/* `sslstress diff`: what each backend's results show that another's never
 * do.  See diff.h.  Everything is read from struct st_run as the JSON
 * reader (report_json.c) filled it; nothing here parses JSON. */
#include "diff.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* One scenario across the runs. */
struct scen {
    FILE *out;
    const char *name;
    size_t n;                       /* runs */
    const char *const *label;       /* per run */
    const struct st_result **r;     /* per run; NULL: not in that run */
    bool *present, *ran, *pick;     /* per run: scratch sets */
    bool shown;                     /* the name is printed */
};

/* An outcome (one combination of observed values) across the runs that
 * ran the scenario. */
struct outcome {
    char *key;                      /* the values joined by \x1f: strcmp
                                       orders them as value lists */
    size_t first;                   /* the first run that saw it */
    const struct st_result *res;    /* that run's result (its labels) */
    const struct st_outcome_row **row;  /* per run; NULL: never seen */
};

/* Start a line about the scenario (its name first, once); the caller
 * writes the rest and the newline. */
static FILE *line(struct scen *s)
{
    if (!s->shown) {
        fprintf(s->out, "%s\n", s->name);
        s->shown = true;
    }
    fputs("  ", s->out);
    return s->out;
}

/* The labels of the runs in |set|, joined by ", ". */
static void put_labels(const struct scen *s, const bool *set)
{
    const char *sep = "";

    for (size_t i = 0; i < s->n; i++)
        if (set[i]) {
            fprintf(s->out, "%s%s", sep, s->label[i]);
            sep = ", ";
        }
}

static size_t count(const bool *set, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += set[i];
    return k;
}

static bool str_eq(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void put_verdict(FILE *out, const struct st_result *r)
{
    for (const char *p = st_verdict_str(r->verdict); *p != '\0'; p++)
        fputc(toupper((unsigned char)*p), out);
    if (r->reason != NULL)
        fprintf(out, " (%s)", r->reason);
}

static void put_joined(FILE *out, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i > 0 ? "," : "", v[i] != NULL ? v[i] : "");
}

/* The values of |row| (|nvalues| of them) joined by \x1f; NULL: ENOMEM. */
static char *row_key(const struct st_outcome_row *row, size_t nvalues)
{
    size_t len = 1;
    char *key, *p;

    for (size_t i = 0; i < nvalues; i++)
        len += strlen(row->values[i] != NULL ? row->values[i] : "") + 1;
    if ((p = key = malloc(len)) == NULL)
        return NULL;
    for (size_t i = 0; i < nvalues; i++) {
        const char *v = row->values[i] != NULL ? row->values[i] : "";
        size_t l = strlen(v);

        if (i > 0)
            *p++ = '\x1f';
        memcpy(p, v, l);
        p += l;
    }
    *p = '\0';
    return key;
}

static int outcome_cmp(const void *pa, const void *pb)
{
    const struct outcome *a = pa, *b = pb;

    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* "outcome only on A, B: LABELS = VALUES xN on A, xM on B (class)" for
 * each outcome that some run in s->ran never saw.  0 or -ENOMEM. */
static int compare_outcomes(struct scen *s)
{
    size_t total = 0, m = 0, nran = count(s->ran, s->n);
    struct outcome *o;
    const struct st_outcome_row **rows;
    int ret = 0;

    for (size_t i = 0; i < s->n; i++)
        if (s->ran[i])
            total += s->r[i]->nrows;
    if (total == 0)
        return 0;
    o = calloc(total, sizeof(*o));
    rows = calloc(total * s->n, sizeof(*rows));
    if (o == NULL || rows == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct st_result *r = s->r[i];

        for (size_t k = 0; s->ran[i] && k < r->nrows; k++) {
            char *key = row_key(&r->rows[k], r->nlabels);
            size_t j;

            if (key == NULL) {
                ret = -ENOMEM;
                goto out;
            }
            for (j = 0; j < m && strcmp(o[j].key, key) != 0; j++)
                ;
            if (j == m) {
                o[m].key = key;
                o[m].first = i;
                o[m].res = r;
                o[m].row = rows + m * s->n;
                m++;
            } else {
                free(key);
            }
            o[j].row[i] = &r->rows[k];
        }
    }
    qsort(o, m, sizeof(*o), outcome_cmp);
    for (size_t j = 0; j < m; j++) {
        const struct outcome *e = &o[j];
        size_t seen = 0;
        FILE *out;

        for (size_t i = 0; i < s->n; i++)
            seen += (s->pick[i] = e->row[i] != NULL);
        if (seen == nran)
            continue;
        out = line(s);
        fputs("outcome only on ", out);
        put_labels(s, s->pick);
        fputs(": ", out);
        put_joined(out, e->res->labels, e->res->nlabels);
        fputs(" = ", out);
        put_joined(out, e->row[e->first]->values, e->res->nlabels);
        for (size_t i = 0, k = 0; i < s->n; i++) {
            if (e->row[i] == NULL)
                continue;
            fprintf(out, "%s x%" PRIu64, k++ > 0 ? "," : "",
                    e->row[i]->count);
            if (seen > 1)
                fprintf(out, " on %s", s->label[i]);
        }
        fprintf(out, " (%s)\n", st_class_str(e->row[e->first]->cls));
    }
 out:
    for (size_t j = 0; o != NULL && j < m; j++)
        free(o[j].key);
    free(o);
    free(rows);
    return ret;
}

/* "WHAT only on A: " when no other present run shares what run |i| has
 * (|has| per run), else "WHAT on A, not on C, D: "; nothing (false) when
 * every present run has it. */
static bool start_only(struct scen *s, size_t i, const bool *has,
                       const char *what)
{
    size_t lacking = 0;
    FILE *out;

    for (size_t j = 0; j < s->n; j++)
        lacking += (s->pick[j] = s->present[j] && !has[j]);
    if (lacking == 0)
        return false;
    out = line(s);
    if (lacking + 1 == count(s->present, s->n)) {
        fprintf(out, "%s only on %s: ", what, s->label[i]);
    } else {
        fprintf(out, "%s on %s, not on ", what, s->label[i]);
        put_labels(s, s->pick);
        fputs(": ", out);
    }
    return true;
}

/* Print what differs about s->name; 1 when something did, 0 when not,
 * -ENOMEM. */
static int compare(struct scen *s, bool *has)
{
    size_t npresent = 0, first = 0;
    bool verdicts_differ = false;
    int ret;

    s->shown = false;
    for (size_t i = 0; i < s->n; i++) {
        s->present[i] = s->r[i] != NULL;
        s->ran[i] = s->present[i] && s->r[i]->verdict != ST_SKIP;
        if (s->present[i] && npresent++ == 0)
            first = i;
    }
    if (npresent < s->n) {
        fputs("only run on ", line(s));
        put_labels(s, s->present);
        fputc('\n', s->out);
    }
    if (npresent < 2)
        return s->shown;
    for (size_t i = first + 1; i < s->n; i++)
        if (s->present[i] &&
            (s->r[i]->verdict != s->r[first]->verdict ||
             !str_eq(s->r[i]->reason, s->r[first]->reason)))
            verdicts_differ = true;
    if (verdicts_differ) {
        FILE *out = line(s);
        const char *sep = "verdict: ";

        for (size_t i = 0; i < s->n; i++)
            if (s->present[i]) {
                fprintf(out, "%s%s ", sep, s->label[i]);
                put_verdict(out, s->r[i]);
                sep = "; ";
            }
        fputc('\n', out);
    }
    if (count(s->ran, s->n) >= 2 && (ret = compare_outcomes(s)) != 0)
        return ret;
    for (size_t i = 0; i < s->n; i++)
        has[i] = s->present[i] && s->r[i]->detector_reports > 0;
    for (size_t i = 0; i < s->n; i++)
        if (has[i] && start_only(s, i, has, "detector")) {
            const struct st_result *r = s->r[i];

            fprintf(s->out, "%u report(s): %s", r->detector_reports,
                    r->detector_summary != NULL ? r->detector_summary
                                                : "no summary line");
            if (r->detector_log != NULL)
                fprintf(s->out, " (log %s)", r->detector_log);
            fputc('\n', s->out);
        }
    for (size_t i = 0; i < s->n; i++)
        has[i] = s->present[i] && s->r[i]->nfailures > 0;
    for (size_t i = 0; i < s->n; i++)
        if (has[i] && start_only(s, i, has, "failure")) {
            const struct st_failure *f = &s->r[i]->failures[0];

            fprintf(s->out, "%s: %s\n", f->kind != NULL ? f->kind : "?",
                    f->message != NULL ? f->message : "");
        }
    return s->shown;
}

/* The last result named |name| in |run|, or NULL. */
static const struct st_result *find(const struct st_run *run,
                                    const char *name)
{
    const struct st_result *found = NULL;

    for (size_t i = 0; i < run->nresults; i++)
        if (run->results[i].name != NULL &&
            strcmp(run->results[i].name, name) == 0)
            found = &run->results[i];
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *backend_of(const struct st_run *run)
{
    return run->backend != NULL ? run->backend : "?";
}

/* "backends: A (version) vs B (version); seed S, N iterations per
 * scenario" (a run named by its file shows its backend too). */
static void put_header(FILE *out, const struct st_run *runs,
                       const char *const *label, size_t n)
{
    bool same_seed = true, same_iter = true;

    fputs("backends: ", out);
    for (size_t i = 0; i < n; i++) {
        const char *v = runs[i].backend_version != NULL
                        ? runs[i].backend_version : "?";

        fprintf(out, "%s%s (", i > 0 ? " vs " : "", label[i]);
        if (strcmp(label[i], backend_of(&runs[i])) != 0)
            fprintf(out, "%s, ", backend_of(&runs[i]));
        fprintf(out, "%s)", v);
        same_seed = same_seed && runs[i].seed == runs[0].seed;
        same_iter = same_iter && runs[i].iterations == runs[0].iterations;
    }
    fputs(same_seed ? "; seed " : "; seeds ", out);
    for (size_t i = 0; i < (same_seed ? 1 : n); i++)
        fprintf(out, "%s%" PRIu64, i > 0 ? ", " : "", runs[i].seed);
    if (!same_iter) {
        fputs(", iterations ", out);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%s%" PRIu64, i > 0 ? ", " : "",
                    runs[i].iterations);
        fputs(" per scenario\n", out);
    } else if (runs[0].iterations == 0) {
        fputs(", each file's iterations per scenario\n", out);
    } else {
        fprintf(out, ", %" PRIu64 " iterations per scenario\n",
                runs[0].iterations);
    }
}

int st_diff_print(FILE *out, const struct st_run *runs,
                  const char *const *paths, size_t n)
{
    const char **label = calloc(n, sizeof(*label)), **names = NULL;
    const struct st_result **r = calloc(n, sizeof(*r));
    bool *sets = calloc(4 * n, sizeof(*sets));
    size_t total = 0, nnames = 0, ndiff = 0;
    struct scen s;
    int ret = -ENOMEM;

    if (label == NULL || r == NULL || sets == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        label[i] = backend_of(&runs[i]);
        for (size_t j = 0; j < n; j++)
            if (j != i && strcmp(backend_of(&runs[j]), label[i]) == 0)
                label[i] = paths[i];
        total += runs[i].nresults;
    }
    if ((names = malloc((total > 0 ? total : 1) * sizeof(*names))) == NULL)
        goto out;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < runs[i].nresults; k++)
            if (runs[i].results[k].name != NULL)
                names[nnames++] = runs[i].results[k].name;
    qsort(names, nnames, sizeof(*names), cmp_str);
    {
        size_t u = 0;

        for (size_t k = 0; k < nnames; k++)
            if (u == 0 || strcmp(names[u - 1], names[k]) != 0)
                names[u++] = names[k];
        nnames = u;
    }
    put_header(out, runs, label, n);
    fputc('\n', out);
    s = (struct scen){ .out = out, .n = n, .label = label, .r = r,
                       .present = sets, .ran = sets + n,
                       .pick = sets + 2 * n };
    for (size_t k = 0; k < nnames; k++) {
        s.name = names[k];
        for (size_t i = 0; i < n; i++)
            r[i] = find(&runs[i], names[k]);
        if ((ret = compare(&s, sets + 3 * n)) < 0)
            goto out;
        ndiff += (size_t)ret;
    }
    fprintf(out, "\n%zu of %zu scenarios differ\n", ndiff, nnames);
    /* Every skip, on every backend, with its reason: a skip is never a
     * pass. */
    for (size_t i = 0; i < n; i++) {
        const char *sep = "";

        fprintf(out, "skipped on %s: ", label[i]);
        for (size_t k = 0; k < nnames; k++) {
            const struct st_result *x = find(&runs[i], names[k]);

            if (x == NULL || x->verdict != ST_SKIP)
                continue;
            fprintf(out, "%s%s", sep, x->name);
            if (x->reason != NULL)
                fprintf(out, " (%s)", x->reason);
            sep = "; ";
        }
        fprintf(out, "%s\n", *sep == '\0' ? "none" : "");
    }
    ret = ndiff < INT_MAX ? (int)ndiff : INT_MAX;
 out:
    free(label);
    free(names);
    free(r);
    free(sets);
    return ret;
}

static void usage(FILE *f)
{
    fprintf(f,
"usage: sslstress diff A.json B.json [C.json ...]\n"
"\n"
"Compare the JSON results (`sslstress run --json`) of the same scenarios on\n"
"two or more backends or builds.  Per scenario it prints what one result\n"
"shows that another never does: a scenario run on some only, verdicts and\n"
"skip reasons that differ, outcomes seen on one and never on another that\n"
"ran it, detector reports and failures on one and not on another; then the\n"
"skipped scenarios of each result with their reasons.  A result is named\n"
"by its backend, or by its file where two have the same backend.\n"
"\n"
"Options:\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 no scenario differs, 1 some do, 2 usage or bad input.\n");
}

int st_diff_main(int argc, char **argv)
{
    const char **files;
    struct st_run *runs = NULL;
    size_t nfiles = 0;
    int status = 2, ret;
    char err[512];

    if ((files = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*files)))
        == NULL) {
        fprintf(stderr, "sslstress diff: out of memory\n");
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
            usage(stdout);
            status = 0;
            goto out;
        } else if (strcmp(argv[a], "--") == 0) {
            while (++a < argc)
                files[nfiles++] = argv[a];
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            fprintf(stderr, "sslstress diff: unknown option %s\n", argv[a]);
            usage(stderr);
            goto out;
        } else {
            files[nfiles++] = argv[a];
        }
    }
    if (nfiles < 2) {
        fprintf(stderr, "sslstress diff: needs two or more result files\n");
        usage(stderr);
        goto out;
    }
    if ((runs = calloc(nfiles, sizeof(*runs))) == NULL) {
        fprintf(stderr, "sslstress diff: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < nfiles; i++)
        if (st_run_read_json(files[i], &runs[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "sslstress diff: %s\n", err);
            goto out;
        }
    ret = st_diff_print(stdout, runs, files, nfiles);
    if (fflush(stdout) != 0 || ferror(stdout))
        fprintf(stderr, "sslstress diff: could not write the report\n");
    else if (ret < 0)
        fprintf(stderr, "sslstress diff: %s\n", strerror(-ret));
    else
        status = ret > 0 ? 1 : 0;
 out:
    for (size_t i = 0; runs != NULL && i < nfiles; i++)
        st_run_free(&runs[i]);
    free(runs);
    free(files);
    return status;
}
