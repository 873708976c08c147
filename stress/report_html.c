/* One self-contained HTML page for a run: inline CSS and SVG, no script,
 * no external asset, so it can be archived by CI and opened anywhere.
 * Sections: run parameters, a summary table, then per scenario its
 * parameters, its outcome histogram as horizontal SVG bars (green
 * acceptable, amber interesting, red forbidden; each labelled with its
 * values and count), its detector finding, and each kept failure with the
 * statements every thread executed and the replay command (in controlled
 * mode also its schedule strings and the interleaving as an SVG timeline,
 * timeline.c).
 *
 * The page is also well-formed XML (every element closed, only the five
 * XML entities), so both HTML and XML parsers read it; every string goes
 * through st_put_xml. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "shard.h"

#define BAR_W 360               /* px for the largest count */
#define ROW_H 22
#define CHAR_W 7.3              /* 12px monospace */
#define LABEL_MAX 48            /* chars of a row label shown in the bar */

static const char CSS[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;"
    "max-width:75em}\n"
    "h1 .v,h2 .v{font-size:70%;padding:.1em .5em;border-radius:.3em;"
    "color:#fff;vertical-align:middle}\n"
    ".pass{background:#2e7d32}.fail{background:#c62828}"
    ".skip{background:#9e9e9e}.error{background:#6a1b9a}\n"
    "table{border-collapse:collapse;margin:.5em 0}\n"
    "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "pre{background:#f5f5f5;padding:.5em;overflow-x:auto;margin:.3em 0}\n"
    "section{border-top:2px solid #ddd;margin-top:1.5em}\n"
    ".threads{display:flex;flex-wrap:wrap;gap:1em}\n"
    ".threads div{flex:1;min-width:16em}\n"
    ".here{background:#ffcdd2;font-weight:bold}\n"
    ".failure{border-left:4px solid #c62828;padding-left:1em;margin:1em 0}\n"
    ".detector{border-left:4px solid #6a1b9a;padding-left:1em}\n"
    "svg text{font:12px monospace}\n";

static const char *class_fill(enum st_class c)
{
    switch (c) {
    case ST_ACCEPTABLE:
        return "#2e7d32";
    case ST_INTERESTING:
        return "#f9a825";
    case ST_FORBIDDEN:
        return "#c62828";
    }
    return "#757575";
}

static void esc(FILE *f, const char *s)
{
    st_put_xml(f, s, 0);
}

static void verdict_badge(FILE *f, enum st_verdict v)
{
    fprintf(f, "<span class=\"v %s\">%s</span>", st_verdict_str(v),
            st_verdict_str(v));
}

static void row_kv(FILE *f, const char *k, const char *v)
{
    if (v == NULL)
        return;
    fprintf(f, "<tr><th>%s</th><td>", k);
    esc(f, v);
    fputs("</td></tr>\n", f);
}

static void row_u64(FILE *f, const char *k, uint64_t v)
{
    fprintf(f, "<tr><th>%s</th><td>%" PRIu64 "</td></tr>\n", k, v);
}

static void params(FILE *f, const struct st_run *run)
{
    char buf[64];

    fputs("<h2>Run</h2>\n<table class=\"params\">\n", f);
    row_kv(f, "tool", run->tool_version);
    row_kv(f, "backend", run->backend);
    row_kv(f, "backend version", run->backend_version);
    row_u64(f, "seed", run->seed);
    row_kv(f, "jitter", run->jitter);
    if (run->iterations > 0)
        row_u64(f, "iterations", run->iterations);
    else
        row_kv(f, "iterations", "each file's own");
    snprintf(buf, sizeof(buf), "%gs", run->duration);
    row_kv(f, "duration", run->duration > 0 ? buf : "none");
    row_u64(f, "max failures", run->max_failures);
    row_kv(f, "affinity", run->affinity);
    if (run->shard_count > 1) {
        row_kv(f, "shard", st_shard_name(buf, sizeof(buf), run->shard_index,
                                         run->shard_count));
    }
    snprintf(buf, sizeof(buf), "%.3f", run->seconds);
    row_kv(f, "seconds", buf);
    if (run->command != NULL) {
        fputs("<tr><th>command</th><td><code>", f);
        esc(f, run->command);
        fputs("</code></td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void summary(FILE *f, const struct st_run *run)
{
    fputs("<h2>Scenarios</h2>\n<table class=\"summary\">\n<tr><th>scenario"
          "</th><th>verdict</th><th>iterations</th><th>failures</th>"
          "<th>rate/s</th><th>seconds</th></tr>\n", f);
    for (size_t i = 0; i < run->nresults; i++) {
        const struct st_result *r = &run->results[i];

        fprintf(f, "<tr><td><a href=\"#s%zu\">", i);
        esc(f, r->name ? r->name : "?");
        fputs("</a></td><td>", f);
        verdict_badge(f, r->verdict);
        fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
                PRIu64 "</td><td class=\"n\">", r->iterations_run,
                r->iterations_failed);
        if (r->seconds > 0 && isfinite(r->seconds))
            fprintf(f, "%.0f", (double)r->iterations_run / r->seconds);
        else
            fputs("-", f);
        fprintf(f, "</td><td class=\"n\">%.3f</td></tr>\n",
                isfinite(r->seconds) ? r->seconds : 0.0);
    }
    fputs("</table>\n", f);
}

/* "label=value, label=value" for one histogram row, at most |max| chars
 * (then cut with "..."); 0 for no limit. */
static char *row_label(const struct st_result *r,
                       const struct st_outcome_row *row, size_t max)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    if (m == NULL)
        return NULL;
    for (size_t k = 0; k < r->nlabels; k++)
        fprintf(m, "%s%s=%s", k ? ", " : "",
                r->labels && r->labels[k] ? r->labels[k] : "?",
                row->values && row->values[k] ? row->values[k] : "?");
    if (r->nlabels == 0)
        fputs("(no observation)", m);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    if (max > 0 && len > max) {
        /* cut on a UTF-8 boundary */
        size_t cut = max - 3;

        while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(buf + cut, "...", 4);
    }
    return buf;
}

/* Visible characters of a UTF-8 string (continuation bytes not counted). */
static size_t nchars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int histogram(FILE *f, const struct st_result *r)
{
    uint64_t max = 0, total = 0;
    size_t label_chars = 8, i;
    double lw, width, height;
    char **labels;

    if (r->nrows == 0) {
        fputs("<p>No outcome observed.</p>\n", f);
        return 0;
    }
    if ((labels = calloc(r->nrows, sizeof(*labels))) == NULL)
        return -ENOMEM;
    for (i = 0; i < r->nrows; i++) {
        if ((labels[i] = row_label(r, &r->rows[i], LABEL_MAX)) == NULL)
            goto err_nomem;
        if (nchars(labels[i]) > label_chars)
            label_chars = nchars(labels[i]);
        if (r->rows[i].count > max)
            max = r->rows[i].count;
        total += r->rows[i].count;
    }
    lw = (double)label_chars * CHAR_W + 12;
    width = lw + BAR_W + 230;
    height = (double)r->nrows * ROW_H + 30;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\""
            " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
            " role=\"img\" aria-label=\"outcome histogram\">\n",
            width, height, width, height);
    for (i = 0; i < r->nrows; i++) {
        const struct st_outcome_row *row = &r->rows[i];
        double y = (double)i * ROW_H + 4, w = 0;
        char *full = row_label(r, row, 0);

        if (max > 0)
            w = (double)BAR_W * (double)row->count / (double)max;
        if (row->count > 0 && w < 2)
            w = 2;                      /* a rare outcome stays visible */
        fprintf(f, "<g class=\"bar %s\"><title>", st_class_str(row->cls));
        esc(f, full ? full : labels[i]);
        fprintf(f, ": %" PRIu64 " (%s)", row->count, st_class_str(row->cls));
        if (row->desc != NULL) {
            fputs(" - ", f);
            esc(f, row->desc);
        }
        free(full);
        fprintf(f, "</title>\n<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">",
                lw - 6, y + 14);
        esc(f, labels[i]);
        fprintf(f, "</text>\n<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" "
                "height=\"%d\" fill=\"%s\"/>\n", lw, y, w, ROW_H - 6,
                class_fill(row->cls));
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%" PRIu64 " (%.2f%%) %s"
                "</text></g>\n", lw + w + 6, y + 14, row->count,
                total ? 100.0 * (double)row->count / (double)total : 0.0,
                st_class_str(row->cls));
    }
    /* legend */
    for (i = 0; i < 3; i++) {
        double x = lw + (double)i * 110, y = (double)r->nrows * ROW_H + 10;

        fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" "
                "fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x, y,
                class_fill((enum st_class)i), x + 16, y + 11,
                st_class_str((enum st_class)i));
    }
    fputs("</svg>\n", f);
    for (i = 0; i < r->nrows; i++)
        free(labels[i]);
    free(labels);
    return 0;
 err_nomem:
    for (i = 0; i < r->nrows; i++)
        free(labels[i]);
    free(labels);
    return -ENOMEM;
}

/* A thread's trace, its last statement marked as where it was.
 * 0 or -ENOMEM. */
static int trace(FILE *f, const char *s)
{
    const char *p = s, *nl;

    fputs("<pre>", f);
    if (s == NULL || *s == '\0')
        fputs("(no statement executed)", f);
    while (p != NULL && *p != '\0') {
        char *line;
        size_t n;
        int last;

        nl = strchr(p, '\n');
        n = nl ? (size_t)(nl - p) : strlen(p);
        last = nl == NULL || nl[1] == '\0';
        if ((line = malloc(n + 1)) == NULL)
            return -ENOMEM;
        memcpy(line, p, n);
        line[n] = '\0';
        if (last)
            fputs("<span class=\"here\">", f);
        esc(f, line);
        fputs(last ? "</span>" : "\n", f);
        free(line);
        p = nl ? nl + 1 : NULL;
    }
    fputs("</pre>\n", f);
    return 0;
}

/* A schedule string's row, with its preemptions and steps when known;
 * none for NULL. */
static void schedule_row(FILE *f, const char *k, const char *v,
                         unsigned preemptions, unsigned steps)
{
    if (v == NULL)
        return;
    fprintf(f, "<tr><th>%s</th><td><code>", k);
    esc(f, v);
    fputs("</code>", f);
    if (steps > 0)
        fprintf(f, " (%u preemption%s, %u step%s)", preemptions,
                preemptions == 1 ? "" : "s", steps, steps == 1 ? "" : "s");
    fputs("</td></tr>\n", f);
}

static int failure(FILE *f, const struct st_failure *x)
{
    const char *sig = st_signal_str(x->signal);

    fputs("<div class=\"failure\">\n<p><b>", f);
    esc(f, x->kind ? x->kind : "failure");
    fputs("</b>: ", f);
    esc(f, x->message ? x->message : "");
    fprintf(f, "</p>\n<table>\n");
    row_u64(f, "iteration", x->iteration);
    row_u64(f, "seed", x->seed);
    row_kv(f, "where", x->where);
    if (x->signal != 0)
        fprintf(f, "<tr><th>signal</th><td>%s (%d)</td></tr>\n",
                sig ? sig : "?", x->signal);
    schedule_row(f, "schedule", x->schedule, x->preemptions, x->steps);
    schedule_row(f, "shrunk schedule", x->schedule_shrunk,
                 x->shrunk_preemptions, x->shrunk_steps);
    fputs("</table>\n<div class=\"threads\">\n", f);
    for (size_t t = 0; t < x->nthreads; t++) {
        fputs("<div><b>thread ", f);
        if (x->thread_names != NULL && x->thread_names[t] != NULL)
            esc(f, x->thread_names[t]);
        else
            fprintf(f, "#%zu", t);
        fputs("</b>\n", f);
        if (trace(f, x->thread_trace ? x->thread_trace[t] : NULL) != 0)
            return -ENOMEM;
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
    if (x->trace != NULL) {
        /* controlled mode: the interleaving, drawn (timeline.c) */
        char *svg = st_timeline_svg(x->trace);

        if (svg == NULL)
            return -ENOMEM;
        fputs("<p>Timeline:</p>\n<div class=\"timeline\" "
              "style=\"overflow-x:auto\">\n", f);
        fputs(svg, f);
        fputs("</div>\n", f);
        free(svg);
    }
    if (x->replay != NULL) {
        fputs("<p>Replay:</p>\n<pre class=\"replay\"><code>", f);
        esc(f, x->replay);
        fputs("</code></pre>\n", f);
    }
    fputs("</div>\n", f);
    return 0;
}

static int scenario(FILE *f, const struct st_result *r, size_t i)
{
    char buf[160];
    int ret;

    fprintf(f, "<section id=\"s%zu\">\n<h2>", i);
    esc(f, r->name ? r->name : "?");
    fputc(' ', f);
    verdict_badge(f, r->verdict);
    fputs("</h2>\n", f);
    if (r->about != NULL) {
        fputs("<p>", f);
        esc(f, r->about);
        fputs("</p>\n", f);
    }
    fputs("<table>\n", f);
    row_kv(f, "file", r->file);
    row_kv(f, "backend", r->backend);
    row_kv(f, "backend version", r->backend_version);
    row_kv(f, r->verdict == ST_SKIP ? "skipped" : "reason", r->reason);
    row_u64(f, "seed", r->seed);
    row_kv(f, "jitter", r->jitter);
    row_kv(f, "schedule", r->schedule);
    fprintf(f, "<tr><th>threads</th><td>%u</td></tr>\n", r->nthreads);
    snprintf(buf, sizeof(buf), "%" PRIu64 " run of %" PRIu64 " planned, %"
             PRIu64 " failed", r->iterations_run, r->iterations_planned,
             r->iterations_failed);
    row_kv(f, "iterations", buf);
    snprintf(buf, sizeof(buf), "%" PRIu64 "%s", r->no_overlap,
             r->no_overlap > 0 ? " (some iterations did not race)" : "");
    row_kv(f, "without thread overlap", buf);
    snprintf(buf, sizeof(buf), "%.3f", isfinite(r->seconds) ? r->seconds : 0);
    row_kv(f, "seconds", buf);
    if (r->shard_count > 1) {
        row_kv(f, "shard", st_shard_name(buf, sizeof(buf), r->shard_index,
                                         r->shard_count));
    }
    fputs("</table>\n<h3>Outcomes</h3>\n", f);
    if ((ret = histogram(f, r)) != 0)
        return ret;
    if (r->detector != NULL) {
        fputs("<div class=\"detector\">\n<h3>Detector: ", f);
        esc(f, r->detector);
        fprintf(f, "</h3>\n<p>%u report%s%s</p>\n", r->detector_reports,
                r->detector_reports == 1 ? "" : "s",
                r->verdict == ST_PASS && r->detector_reports > 0
                ? " (expected: the scenario declares <code>expect race</code>)"
                : "");
        if (r->detector_summary != NULL) {
            fputs("<pre>", f);
            esc(f, r->detector_summary);
            fputs("</pre>\n", f);
        }
        if (r->detector_log != NULL) {
            fputs("<p>Log: <code>", f);
            esc(f, r->detector_log);
            fputs("</code></p>\n", f);
        }
        fputs("</div>\n", f);
    }
    if (r->nfailures > 0) {
        fprintf(f, "<h3>Failures (%zu shown of %" PRIu64 " failing "
                "iterations)</h3>\n", r->nfailures,
                r->iterations_failed > r->nfailures ? r->iterations_failed
                : (uint64_t)r->nfailures);
        for (size_t k = 0; k < r->nfailures; k++)
            if ((ret = failure(f, &r->failures[k])) != 0)
                return ret;
    }
    fputs("</section>\n", f);
    return 0;
}

int st_run_write_html_fp(const struct st_run *run, FILE *f)
{
    int status = st_run_exit_status(run), ret = 0;
    enum st_verdict v = status == 0 ? ST_PASS : ST_FAIL;

    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
            "<meta charset=\"utf-8\"/>\n<title>sslstress: %s</title>\n"
            "<style>\n%s</style>\n</head>\n<body>\n<h1>sslstress report ",
            status == 0 ? "PASS" : "FAIL", CSS);
    verdict_badge(f, v);
    fputs("</h1>\n", f);
    params(f, run);
    summary(f, run);
    for (size_t i = 0; i < run->nresults && ret == 0; i++)
        ret = scenario(f, &run->results[i], i);
    fputs("</body>\n</html>\n", f);
    if (ret != 0)
        return ret;
    return ferror(f) ? -EIO : 0;
}

int st_run_write_html(const struct st_run *run, const char *path)
{
    struct st_out o;
    int ret = st_out_open(&o, path);

    if (ret != 0)
        return ret;
    return st_out_close(&o, st_run_write_html_fp(run, o.f));
}
