/* One self-contained HTML page for a run: inline CSS and SVG, no script,
 * no external asset, so it can be archived by CI and opened anywhere.
 * Sections: run parameters, an overview picture (the verdicts, and each
 * scenario's throughput beside the others'), a summary table, then per
 * scenario its parameters, a picture of its measures (throughput in
 * iterations/s, drawn to the scale of the fastest scenario of the run, and
 * the share of iterations whose threads overlapped), its outcome
 * histogram as horizontal SVG bars (green acceptable, amber interesting,
 * red forbidden; each labelled with its values and count; without observe
 * lines, the iterations that held every expectation beside those that
 * failed), its detector
 * finding, and each kept failure with the statements every thread
 * executed and the replay command (in controlled mode also its schedule
 * strings and the interleaving as an SVG timeline, timeline.c).
 *
 * Every report, passing or failing, empty or not, holds at least the
 * overview picture.  Every picture drawn here is an <svg role="img">
 * labelled by its <title> and described by its <desc> (what a screen
 * reader says, and the numbers it shows in words; the timeline, drawn by
 * timeline.c, has its aria-label); every bar is labelled in text, so that
 * no colour carries a meaning alone.
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
#define NAME_MAX_CHARS 40       /* chars of a scenario name in the overview */
#define GAUGE_W 300             /* px of a measure's bar at its largest */
#define RATE_FILL "#1565c0"     /* throughput bars */
#define OVERLAP_FILL "#00897b"  /* iterations whose threads overlapped */
#define REST_FILL "#e0e0e0"     /* the rest of a share */

static const char CSS[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;"
    "max-width:75em}\n"
    ".v{padding:.1em .5em;border-radius:.3em;color:#fff}\n"
    "h1 .v,h2 .v{font-size:70%;vertical-align:middle}\n"
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

/* The CSS classes' colours, for SVG fills. */
static const char *verdict_fill(enum st_verdict v)
{
    switch (v) {
    case ST_PASS:
        return "#2e7d32";
    case ST_FAIL:
        return "#c62828";
    case ST_SKIP:
        return "#9e9e9e";
    case ST_ERROR:
        return "#6a1b9a";
    }
    return "#757575";
}

/* Open a picture: an <svg> labelled by its title and described by its
 * desc, both with ids from |id| (unique in the page).  The caller writes
 * the title's text, calls svg_desc, writes the description and closes it
 * with "</desc>". */
static void svg_begin(FILE *f, const char *cls, const char *id, double w,
                      double h)
{
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\""
            " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
            " role=\"img\" aria-labelledby=\"%s-t %s-d\">\n<title id=\"%s-t\">",
            cls, w, h, w, h, id, id, id);
}

static void svg_desc(FILE *f, const char *id)
{
    fprintf(f, "</title>\n<desc id=\"%s-d\">", id);
}

/* A count with a unit, singular for 1: "1 scenario", "3 scenarios". */
static void put_count(FILE *f, uint64_t n, const char *unit)
{
    fprintf(f, "%" PRIu64 " %s%s", n, unit, n == 1 ? "" : "s");
}

/* Iterations whose threads overlapped: all but the no-overlap ones. */
static uint64_t overlapped(const struct st_result *r)
{
    return r->no_overlap < r->iterations_run
           ? r->iterations_run - r->no_overlap : 0;
}

static double max_rate(const struct st_run *run)
{
    double m = 0;

    for (size_t i = 0; i < run->nresults; i++)
        if (st_result_rate(&run->results[i]) > m)
            m = st_result_rate(&run->results[i]);
    return m;
}

/* A bar's width for |v| of |max| at |full| px; a non-zero value is at
 * least 2 px, so that it stays visible. */
static double bar_w(double v, double max, double full)
{
    double w = max > 0 ? full * v / max : 0;

    return v > 0 && w < 2 ? 2 : w;
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
    if (run->schedule != NULL) {
        snprintf(buf, sizeof(buf), "%.40s%s", run->schedule,
                 run->shrink ? " --shrink" : "");
        row_kv(f, "schedule", buf);
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
            fprintf(f, "%.0f", st_result_rate(r));
        else
            fputs("-", f);
        fprintf(f, "</td><td class=\"n\">%.3f</td></tr>\n",
                isfinite(r->seconds) ? r->seconds : 0.0);
    }
    fputs("</table>\n", f);
}

/* Visible characters of a UTF-8 string (continuation bytes not counted). */
static size_t nchars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* |s| cut to |max| characters ("..." last), escaped; |max| from 4 to
 * NAME_MAX_CHARS. */
static void put_cut(FILE *f, const char *s, size_t max)
{
    char buf[NAME_MAX_CHARS * 4 + 4];
    size_t n, c;

    if (nchars(s) <= max) {
        esc(f, s);
        return;
    }
    /* to the start of character max - 3, within buf */
    for (n = 0, c = 0; s[n] != '\0' && n < sizeof(buf) - 4; n++)
        if (((unsigned char)s[n] & 0xC0) != 0x80 && c++ == max - 3)
            break;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    esc(f, buf);
}

/* "4 scenarios: 1 passed, 1 failed, 1 skipped, 1 error" */
static void verdict_words(FILE *f, const struct st_totals *t)
{
    put_count(f, t->scenarios, "scenario");
    fprintf(f, ": %zu passed, %zu failed, %zu skipped, ",
            t->verdicts[ST_PASS], t->verdicts[ST_FAIL],
            t->verdicts[ST_SKIP]);
    put_count(f, t->verdicts[ST_ERROR], "error");
}

/* The overview picture: the verdicts as one bar cut in proportion, then a
 * row per scenario, its verdict and its throughput to the scale of the
 * fastest.  Drawn for every run, an empty one too. */
static void overview(FILE *f, const struct st_run *run)
{
    static const enum st_verdict order[] = { ST_PASS, ST_FAIL, ST_ERROR,
                                             ST_SKIP };
    const double top = 60;
    double rmax = max_rate(run), lw, width, height, x = 4;
    struct st_totals t;
    size_t chars = 8, i;

    st_run_totals(run, &t);
    for (i = 0; i < run->nresults; i++) {
        size_t n = nchars(run->results[i].name ? run->results[i].name : "?");

        chars = n > chars ? n : chars;
    }
    if (chars > NAME_MAX_CHARS)
        chars = NAME_MAX_CHARS;
    lw = (double)chars * CHAR_W + 12;
    width = lw + 18 + GAUGE_W + 160;
    if (width < 560)
        width = 560;
    height = top + (double)(run->nresults ? run->nresults : 1) * ROW_H + 6;
    fputs("<h2>Overview</h2>\n", f);
    svg_begin(f, "overview", "overview", width, height);
    fputs("Overview: the verdicts, and each scenario's throughput", f);
    svg_desc(f, "overview");
    verdict_words(f, &t);
    fputc('.', f);
    for (i = 0; i < run->nresults; i++) {
        const struct st_result *r = &run->results[i];

        fputc(' ', f);
        esc(f, r->name ? r->name : "?");
        fprintf(f, ": %s, %.0f iterations/s.", st_verdict_str(r->verdict),
                st_result_rate(r));
    }
    fputs("</desc>\n", f);
    fprintf(f, "<text x=\"4\" y=\"14\" font-weight=\"bold\">");
    verdict_words(f, &t);
    fputs("</text>\n", f);
    for (i = 0; i < 4 && t.scenarios > 0; i++) {
        size_t n = t.verdicts[order[i]];
        double w = (width - 8) * (double)n / (double)t.scenarios;

        if (n == 0)
            continue;
        fprintf(f, "<g class=\"verdict %s\"><title>%zu %s</title><rect "
                "x=\"%.1f\" y=\"22\" width=\"%.1f\" height=\"14\" "
                "fill=\"%s\"/></g>\n", st_verdict_str(order[i]), n,
                st_verdict_str(order[i]), x, w, verdict_fill(order[i]));
        x += w;
    }
    if (run->nresults == 0) {
        fprintf(f, "<text x=\"4\" y=\"%.0f\" fill=\"#555\">no scenario "
                "ran</text>\n", top + 14);
    } else {
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\">iterations/s "
                "(the longest bar: the fastest scenario)</text>\n", lw + 18,
                top - 6);
    }
    for (i = 0; i < run->nresults; i++) {
        const struct st_result *r = &run->results[i];
        double y = top + (double)i * ROW_H, rate = st_result_rate(r);
        double w = bar_w(rate, rmax, GAUGE_W);

        fputs("<g class=\"rate\"><title>", f);
        esc(f, r->name ? r->name : "?");
        fprintf(f, ": %s, %.0f iterations/s</title>\n<text x=\"%.0f\" "
                "y=\"%.0f\" text-anchor=\"end\">", st_verdict_str(r->verdict),
                rate, lw - 6, y + 14);
        put_cut(f, r->name ? r->name : "?", chars);
        fprintf(f, "</text>\n<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" "
                "height=\"12\" fill=\"%s\"/>\n", lw, y + 4,
                verdict_fill(r->verdict));
        fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
                "fill=\"%s\"/>\n", lw + 18, y + 3, w, ROW_H - 6, RATE_FILL);
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">", lw + 18 + w + 6, y + 14);
        if (r->iterations_run > 0 && rate > 0)
            fprintf(f, "%.0f/s %s", rate, st_verdict_str(r->verdict));
        else
            fprintf(f, "%s, no iterations timed", st_verdict_str(r->verdict));
        fputs("</text></g>\n", f);
    }
    fputs("</svg>\n", f);
}

/* One scenario's measures: its throughput, to the scale of the run's
 * fastest scenario, and the share of its iterations whose threads
 * overlapped (every thread started before any finished), 0 to 100%. */
static void measures(FILE *f, const struct st_result *r, size_t i,
                     double rmax)
{
    const double lw = 150, width = lw + GAUGE_W + 330;
    const double height = 2 * ROW_H + 8;
    double rate = st_result_rate(r), share = 0, pct = 0;
    uint64_t ov = overlapped(r);
    char id[32];

    if (r->iterations_run > 0) {
        share = (double)ov / (double)r->iterations_run;
        /* rounded down: 100.0% only when every iteration overlapped */
        pct = floor(share * 1000) / 10;
    }
    snprintf(id, sizeof(id), "s%zu-measures", i);
    fputs("<h3>Measures</h3>\n", f);
    svg_begin(f, "measures", id, width, height);
    esc(f, r->name ? r->name : "?");
    fputs(": throughput and thread overlap", f);
    svg_desc(f, id);
    if (r->iterations_run == 0)
        fprintf(f, "No iterations ran (%s).", st_verdict_str(r->verdict));
    else
        fprintf(f, "%.0f iterations/s (%" PRIu64 " iterations in %.3f s); "
                "the threads overlapped in %.1f%% of the iterations (%"
                PRIu64 " without overlap).", rate, r->iterations_run,
                isfinite(r->seconds) ? r->seconds : 0.0, pct, r->no_overlap);
    fputs("</desc>\n", f);
    /* throughput: a track as long as the fastest scenario's bar */
    fprintf(f, "<g class=\"throughput\"><title>throughput: %.0f "
            "iterations/s</title>\n<text x=\"%.0f\" y=\"%d\" "
            "text-anchor=\"end\">throughput</text>\n<rect x=\"%.0f\" y=\"4\" "
            "width=\"%d\" height=\"%d\" fill=\"%s\"/>\n<rect x=\"%.0f\" "
            "y=\"4\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n<text "
            "x=\"%.0f\" y=\"%d\">", rate, lw - 8, 18, lw, GAUGE_W,
            ROW_H - 6, REST_FILL, lw, bar_w(rate, rmax, GAUGE_W), ROW_H - 6,
            RATE_FILL, lw + GAUGE_W + 8, 18);
    if (rate > 0)
        fprintf(f, "%.0f iterations/s", rate);
    else
        fputs("no iterations timed", f);
    fputs("</text></g>\n", f);
    /* overlap: a share of 0..100% */
    fprintf(f, "<g class=\"overlap\"><title>threads overlapped in %.1f%% of "
            "%" PRIu64 " iterations</title>\n<text x=\"%.0f\" y=\"%d\" "
            "text-anchor=\"end\">threads overlapped</text>\n<rect x=\"%.0f\" "
            "y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n<rect "
            "x=\"%.0f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n"
            "<text x=\"%.0f\" y=\"%d\">", pct, r->iterations_run, lw - 8,
            ROW_H + 18, lw, ROW_H + 4, GAUGE_W, ROW_H - 6, REST_FILL, lw,
            ROW_H + 4, bar_w(share, 1, GAUGE_W), ROW_H - 6, OVERLAP_FILL,
            lw + GAUGE_W + 8, ROW_H + 18);
    if (r->iterations_run > 0) {
        fprintf(f, "%.1f%% of ", pct);
        put_count(f, r->iterations_run, "iteration");
    } else {
        fputs("no iterations ran", f);
    }
    fputs("</text></g>\n</svg>\n", f);
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

/* One bar of a histogram: its label (cut to LABEL_MAX), its tooltip
 * (the full label and more; NULL: the label), its count, the word written
 * after the count, the group's class and the fill. */
struct bar {
    const char *label, *title, *note, *cls, *fill;
    uint64_t count;
};

/* The bars of an open histogram picture, one row each, the largest count
 * at BAR_W px, each with its count and share, then (|legend|) the three
 * classes' colours; closes the <svg>.  |lw|: the label column's width. */
static void bars(FILE *f, const struct bar *b, size_t n, double lw,
                 int legend)
{
    uint64_t max = 0, total = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        max = b[i].count > max ? b[i].count : max;
        total += b[i].count;
    }
    for (i = 0; i < n; i++) {
        double y = (double)i * ROW_H + 4, w = 0;

        if (max > 0)
            w = (double)BAR_W * (double)b[i].count / (double)max;
        if (b[i].count > 0 && w < 2)
            w = 2;                      /* a rare outcome stays visible */
        fprintf(f, "<g class=\"bar %s\"><title>", b[i].cls);
        esc(f, b[i].title ? b[i].title : b[i].label);
        fprintf(f, "</title>\n<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">",
                lw - 6, y + 14);
        esc(f, b[i].label);
        fprintf(f, "</text>\n<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" "
                "height=\"%d\" fill=\"%s\"/>\n", lw, y, w, ROW_H - 6,
                b[i].fill);
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%" PRIu64 " (%.2f%%) %s"
                "</text></g>\n", lw + w + 6, y + 14, b[i].count,
                total ? 100.0 * (double)b[i].count / (double)total : 0.0,
                b[i].note);
    }
    for (i = 0; legend && i < 3; i++) {
        double x = lw + (double)i * 110, y = (double)n * ROW_H + 10;

        fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" "
                "fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x, y,
                class_fill((enum st_class)i), x + 16, y + 11,
                st_class_str((enum st_class)i));
    }
    fputs("</svg>\n", f);
}

/* The label column's width for labels of up to |chars| characters. */
static double label_w(size_t chars)
{
    return (double)(chars > 8 ? chars : 8) * CHAR_W + 12;
}

/* A scenario without observe lines: the outcome of each iteration is
 * whether it held every expectation, so its histogram has two bars. */
static void iteration_histogram(FILE *f, const struct st_result *r,
                                size_t si)
{
    static const char held[] = "held every expectation";
    uint64_t failed = r->iterations_failed < r->iterations_run
                      ? r->iterations_failed : r->iterations_run;
    const struct bar b[2] = {
        { held, NULL, "held", "held", verdict_fill(ST_PASS),
          r->iterations_run - failed },
        { "failed", NULL, "failed", "failed", verdict_fill(ST_FAIL), failed },
    };
    double lw = label_w(sizeof(held) - 1);
    char id[32];

    snprintf(id, sizeof(id), "s%zu-outcomes", si);
    svg_begin(f, "histogram iterations", id, lw + BAR_W + 230,
              2 * ROW_H + 8);
    esc(f, r->name ? r->name : "?");
    fputs(": outcome of each iteration", f);
    svg_desc(f, id);
    fputs("The scenario observes no values, so an iteration's outcome is "
          "whether it held every expectation: ", f);
    put_count(f, r->iterations_run, "iteration");
    fprintf(f, ", %" PRIu64 " held, %" PRIu64 " failed.</desc>\n",
            b[0].count, b[1].count);
    bars(f, b, 2, lw, 0);
}

static int histogram(FILE *f, const struct st_result *r, size_t si)
{
    uint64_t total = 0;
    size_t label_chars = 8, i;
    struct bar *b;
    char **labels, **titles, id[32];
    double lw;
    int ret = -ENOMEM;

    if (r->nrows == 0) {
        if (r->iterations_run == 0)
            fputs("<p>No iterations ran, so no outcome.</p>\n", f);
        else
            iteration_histogram(f, r, si);
        return 0;
    }
    labels = calloc(r->nrows, sizeof(*labels));
    titles = calloc(r->nrows, sizeof(*titles));
    b = calloc(r->nrows, sizeof(*b));
    if (labels == NULL || titles == NULL || b == NULL)
        goto out;
    for (i = 0; i < r->nrows; i++) {
        const struct st_outcome_row *row = &r->rows[i];
        char *full, *t = NULL;
        size_t len = 0;
        FILE *m;

        if ((labels[i] = row_label(r, row, LABEL_MAX)) == NULL
            || (full = row_label(r, row, 0)) == NULL)
            goto out;
        /* the tooltip: the full label, the count, the class, the desc */
        if ((m = open_memstream(&t, &len)) == NULL) {
            free(full);
            goto out;
        }
        fprintf(m, "%s: %" PRIu64 " (%s)%s%s", full, row->count,
                st_class_str(row->cls), row->desc ? " - " : "",
                row->desc ? row->desc : "");
        free(full);
        if (fclose(m) != 0) {
            free(t);
            goto out;
        }
        titles[i] = t;
        if (nchars(labels[i]) > label_chars)
            label_chars = nchars(labels[i]);
        total += row->count;
        b[i] = (struct bar){ labels[i], titles[i], st_class_str(row->cls),
                             st_class_str(row->cls), class_fill(row->cls),
                             row->count };
    }
    lw = label_w(label_chars);
    snprintf(id, sizeof(id), "s%zu-outcomes", si);
    svg_begin(f, "histogram", id, lw + BAR_W + 230,
              (double)r->nrows * ROW_H + 30);
    esc(f, r->name ? r->name : "?");
    fputs(": outcome histogram", f);
    svg_desc(f, id);
    put_count(f, r->nrows, "outcome");
    fputs(" of ", f);
    put_count(f, total, "observed iteration");
    fputc(':', f);
    for (i = 0; i < r->nrows; i++) {
        fprintf(f, "%s ", i ? ";" : "");
        esc(f, labels[i]);
        fprintf(f, " %" PRIu64 " times, %s", r->rows[i].count,
                st_class_str(r->rows[i].cls));
    }
    fputs(".</desc>\n", f);
    bars(f, b, r->nrows, lw, 1);
    ret = 0;
 out:
    for (i = 0; i < r->nrows; i++) {
        if (labels != NULL)
            free(labels[i]);
        if (titles != NULL)
            free(titles[i]);
    }
    free(labels);
    free(titles);
    free(b);
    return ret;
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

static int scenario(FILE *f, const struct st_result *r, size_t i,
                    double rmax)
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
    fputs("</table>\n", f);
    measures(f, r, i, rmax);
    fputs("<h3>Outcomes</h3>\n", f);
    if ((ret = histogram(f, r, i)) != 0)
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
    double rmax = max_rate(run);

    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
            "<meta charset=\"utf-8\"/>\n<title>sslstress: %s</title>\n"
            "<style>\n%s</style>\n</head>\n<body>\n<h1>sslstress report ",
            status == 0 ? "PASS" : "FAIL", CSS);
    verdict_badge(f, v);
    fputs("</h1>\n", f);
    params(f, run);
    overview(f, run);
    summary(f, run);
    for (size_t i = 0; i < run->nresults && ret == 0; i++)
        ret = scenario(f, &run->results[i], i, rmax);
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
