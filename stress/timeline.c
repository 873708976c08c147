/* Timelines of a controlled-mode iteration (trace.h): the interleaving as
 * text (a column per thread, a row per step), as JSON (what the reports
 * and `sslstress merge` carry), back from that JSON, and as one SVG
 * element for the HTML report.
 *
 * A step's cell reads "LABEL OBJECT VALUES, WHAT": "ssl.refcount.dec
 * SSL#3 1 -> 0, freed"; a value only seen (a load) reads "= 2", one only
 * written "-> 2"; a statement step shows its statement ("free s").  Every
 * string is sanitised where it is drawn (terminal: control characters as
 * "\xNN"; XML: st_put_xml; JSON: invalid UTF-8 as U+FFFD), because the
 * fixed-size fields of a step may hold anything a scenario wrote, cut at
 * any byte.
 *
 * Text layout: up to TEXT_MAX_COLS threads get a column each, as wide as
 * their widest cell, and cells are cut ("...") so that the table fits the
 * terminal (its width when |out| is one, else $COLUMNS, else 120); with
 * more threads, or when a column would be narrower than TEXT_MIN_COL, one
 * line per step, "THREAD: cell".  The step number is marked '*' where the
 * scheduler preempted the previous thread; the last line names what fired
 * and at which step (the last one).  Every line starts with two spaces, so
 * the timeline sits inside a failure report.
 *
 * SVG layout: time runs down, a lane per thread, a box per step; a long
 * trace shows its first SVG_HEAD and last SVG_TAIL steps (the end is where
 * the bug is) with a marked gap, and says so in its heading. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "trace.h"
#include "utf8.h"

#define TEXT_MAX_COLS 8
/* A long text timeline shows its first TEXT_HEAD and last TEXT_TAIL steps
 * (the end is where the failure fired); JSON and HTML keep every step. */
#define TEXT_HEAD 20
#define TEXT_TAIL 100
#define TEXT_MIN_COL 12         /* narrower columns: one line per step */
#define TEXT_DEFAULT_WIDTH 120

#define SVG_MAX_STEPS 400       /* longer traces are cut in the middle */
#define SVG_HEAD 40
#define SVG_TAIL (SVG_MAX_STEPS - SVG_HEAD)
#define SVG_ROW 20              /* px per step */
#define SVG_BOX 16
#define SVG_STEPCOL 56          /* px for the step numbers */
#define SVG_TOP 50              /* heading and lane names */
#define SVG_CHAR 7.3            /* px per character, 12px monospace (the
                                 * HTML report's CSS sets 12px) */

#define C_RESET "\033[0m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[33m"
#define C_BOLD "\033[1m"

/* ---- cells ---------------------------------------------------------- */

/* |field| (a fixed array of |cap| bytes, perhaps not NUL-terminated) as a
 * printf precision. */
static int flen(const char *field, size_t cap)
{
    return (int)strnlen(field, cap);
}

#define FIELD(s, m) flen((s)->m, sizeof((s)->m)), (s)->m

static bool is_stmt(const struct st_trace_step *s)
{
    return strncmp(s->label, "stmt", sizeof(s->label)) == 0;
}

/* A load ("ssl.refcount.load") notes the value it read as both before
 * and after: drawn as "= 2". */
static bool is_load(const struct st_trace_step *s)
{
    size_t n = strnlen(s->label, sizeof(s->label));

    return n >= 5 && memcmp(s->label + n - 5, ".load", 5) == 0;
}

/* The raw text of a step's cell into |buf|, which is large enough for
 * every field of a step. */
#define CELL_MAX 256
static void cell_raw(const struct st_trace_step *s, char *buf)
{
    size_t n = 0, cap = CELL_MAX;
    const char *sep = "";

#define ADD(...) \
    do { \
        int k_ = snprintf(buf + n, cap - n, __VA_ARGS__); \
        if (k_ > 0) \
            n += (size_t)k_ < cap - n ? (size_t)k_ : cap - n - 1; \
    } while (0)

    buf[0] = '\0';
    if (!is_stmt(s) || s->text[0] == '\0') {
        ADD("%.*s", FIELD(s, label));
        sep = " ";
    }
    if (s->obj[0] != '\0') {
        ADD("%s%.*s", sep, FIELD(s, obj));
        sep = " ";
    }
    if (s->text[0] != '\0') {
        ADD("%s%.*s", sep, FIELD(s, text));
        sep = " ";
    }
    if (s->before != ST_TRACE_NOVALUE && s->after != ST_TRACE_NOVALUE
        && !(s->before == s->after && is_load(s)))
        ADD("%s%ld -> %ld", sep, s->before, s->after);
    else if (s->before != ST_TRACE_NOVALUE)
        ADD("%s= %ld", sep, s->before);
    else if (s->after != ST_TRACE_NOVALUE)
        ADD("%s-> %ld", sep, s->after);
    if (s->what[0] != '\0')
        ADD("%s%.*s", n > 0 ? ", " : "", FIELD(s, what));
#undef ADD
}

static unsigned ncolumns(const struct st_trace *t)
{
    unsigned n = t->nthreads;

    for (size_t i = 0; i < t->n; i++)
        if (t->steps[i].thread >= n)
            n = t->steps[i].thread + 1;
    return n;
}

/* Thread |i|'s name, or "#i" in |buf|. */
static const char *thread_name(const struct st_trace *t, unsigned i,
                               char *buf, size_t len)
{
    if (t->thread_names != NULL && i < t->nthreads
        && t->thread_names[i] != NULL)
        return t->thread_names[i];
    snprintf(buf, len, "#%u", i);
    return buf;
}

/* ---- text ----------------------------------------------------------- */

/* |s| made safe for a terminal and cut to |width| columns: control
 * characters become "\xNN", bytes that are not UTF-8 '?'; a cut keeps
 * both ends ("ssl.refcoun...1 -> 0, freed"), for the values are at the
 * end.  A malloc'd string, *cols its width; NULL on ENOMEM. */
static char *term_cell(const char *s, size_t width, size_t *cols)
{
    size_t n = strlen(s), w = 0, i, k, len = 0, ng = 0, g, hw, tw, h, tl;
    char *d = malloc(4 * n + 4);
    size_t *at = malloc((n + 1) * sizeof(*at));    /* glyph starts in d */
    const unsigned char *p = (const unsigned char *)s;

    if (d == NULL || at == NULL) {
        free(d);
        free(at);
        return NULL;
    }
    for (i = 0; i < n; i += k) {
        k = st_utf8_len(p + i, n - i);
        at[ng++] = len;
        if (k == 0) {
            k = 1;
            d[len++] = '?';
        } else if (p[i] < 0x20 || p[i] == 0x7F) {
            len += (size_t)sprintf(d + len, "\\x%02x", p[i]);
        } else {
            memcpy(d + len, p + i, k);
            len += k;
        }
    }
    at[ng] = len;
    d[len] = '\0';
    /* every glyph is 1 column, or 4 for an escape */
#define GW(g_) (at[(g_) + 1] - at[g_] == 4 && d[at[g_]] == '\\' ? 4 : 1)
    for (g = 0; g < ng; g++)
        w += GW(g);
    if (w > width) {
        if (width < 3) {
            d[0] = '\0';
            w = 0;
        } else {
            hw = (width - 3) * 2 / 5;       /* head columns; the tail,
                                             * with the values, gets more */
            tw = width - 3 - hw;
            for (h = 0, w = 0; h < ng && w + GW(h) <= hw; h++)
                w += GW(h);
            for (tl = ng; tl > h && tw >= GW(tl - 1); tl--) {
                tw -= GW(tl - 1);
                w += GW(tl - 1);
            }
            /* the tail first: "..." may be longer than what it replaces
             * (d has room: len <= 4n) */
            memmove(d + at[h] + 3, d + at[tl], len - at[tl] + 1);
            memcpy(d + at[h], "...", 3);
            w += 3;
        }
    }
#undef GW
    free(at);
    *cols = w;
    return d;
}

static size_t term_width(FILE *out)
{
    struct winsize ws;
    const char *c = getenv("COLUMNS");
    int fd = fileno(out);

    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0
        && ws.ws_col >= 40)
        return ws.ws_col;
    if (c != NULL) {
        char *end;
        long v = strtol(c, &end, 10);

        if (*c != '\0' && *end == '\0' && v >= 40 && v <= 10000)
            return (size_t)v;
    }
    return TEXT_DEFAULT_WIDTH;
}

static void pad(FILE *out, size_t n)
{
    while (n-- > 0)
        fputc(' ', out);
}

static size_t digits(size_t n)
{
    size_t d = 1;

    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* Step |i|'s number (1-based) right-aligned in |sw| columns, "*" before
 * it when the scheduler preempted there. */
static void step_no(FILE *out, const struct st_trace_step *s, size_t i,
                    size_t sw, bool color)
{
    char num[32];

    snprintf(num, sizeof(num), "%s%zu", s->preempted ? "*" : "", i + 1);
    fprintf(out, "%s%*s%s", color && s->preempted ? C_YELLOW : "", (int)sw,
            num, color && s->preempted ? C_RESET : "");
}

static void fired_line(FILE *out, const struct st_trace *t, bool color)
{
    char fired[sizeof(t->fired)], *f;
    size_t cols;

    if (t->fired[0] == '\0')
        return;
    snprintf(fired, sizeof(fired), "%.*s", FIELD(t, fired));
    f = term_cell(fired, SIZE_MAX, &cols);
    if (t->n > 0)
        fprintf(out, "  %sfired at step %zu: %s%s\n", color ? C_RED : "",
                t->n, f ? f : "(out of memory)", color ? C_RESET : "");
    else
        fprintf(out, "  %sfired: %s%s\n", color ? C_RED : "",
                f ? f : "(out of memory)", color ? C_RESET : "");
    free(f);
}

/* Shrink the natural widths |w[0..n-1]| to share |avail| columns: a
 * column that needs less than an even share keeps its width, the others
 * split what is left (water-filling). */
static void fit_columns(size_t *w, unsigned n, size_t avail)
{
    size_t sum = 0, left = avail, share;
    unsigned open = n, c;
    bool changed = true;
    bool *fixed;

    for (c = 0; c < n; c++)
        sum += w[c];
    if (sum <= avail || (fixed = calloc(n, sizeof(*fixed))) == NULL) {
        if (sum > avail)            /* no memory: even shares */
            for (c = 0; c < n; c++)
                w[c] = w[c] < avail / n ? w[c] : avail / n;
        return;
    }
    while (changed && open > 0) {
        changed = false;
        share = left / open;
        for (c = 0; c < n; c++)
            if (!fixed[c] && w[c] <= share) {
                fixed[c] = true;
                left -= w[c];
                open--;
                changed = true;
            }
    }
    for (c = 0; c < n && open > 0; c++)
        if (!fixed[c]) {
            w[c] = left / open;
            left -= w[c];
            open--;
        }
    free(fixed);
}

/* True when step i of n is left out of the text timeline; prints the
 * marker line in its place once. */
static bool elided(FILE *out, size_t n, size_t i)
{
    if (n <= TEXT_HEAD + TEXT_TAIL + 10 || i < TEXT_HEAD || i >= n - TEXT_TAIL)
        return false;
    if (i == TEXT_HEAD)
        fprintf(out, "  ... %zu steps not shown here (the JSON and HTML "
                "reports have every step) ...\n", n - TEXT_HEAD - TEXT_TAIL);
    return true;
}

void st_timeline_text(FILE *out, const struct st_trace *t, bool color)
{
    size_t width = term_width(out), sw, total, cap, i;
    unsigned nc = ncolumns(t), c;
    size_t *colw = NULL, *cellw = NULL, *headw = NULL;
    char **cells = NULL, **heads = NULL, raw[CELL_MAX], nb[16];
    bool lines;

    fprintf(out, "  %stimeline:%s %u thread%s, %zu step%s", color ? C_BOLD
            : "", color ? C_RESET : "", nc, nc == 1 ? "" : "s", t->n,
            t->n == 1 ? "" : "s");
    if (t->n == 0) {
        fputs(" (none recorded)\n", out);
        fired_line(out, t, color);
        return;
    }
    fputs(" (* marks a preemption)\n", out);
    sw = digits(t->n) + 1;              /* marker and number */
    lines = nc > TEXT_MAX_COLS || nc == 0;
    cap = 0;
    if (!lines) {
        /* columns "STEP | c0 | c1 ...": 2 + sw + nc * 3 + sum(colw) */
        total = 2 + sw + (size_t)nc * 3;
        cap = width > total ? (width - total) / nc : 0;
        lines = cap < TEXT_MIN_COL;
    }
    if (lines) {
        for (i = 0; i < t->n; i++) {
            const struct st_trace_step *s = &t->steps[i];
            const char *name = thread_name(t, s->thread, nb, sizeof(nb));
            size_t ncols, ccols, used;
            char *nm, *cell;

            if (elided(out, t->n, i))
                continue;
            nm = term_cell(name, 24, &ncols);

            cell_raw(s, raw);
            used = 2 + sw + 2 + ncols + 2;
            cell = term_cell(raw, width > used + 8 ? width - used : 8, &ccols);
            fputs("  ", out);
            step_no(out, s, i, sw, color);
            fprintf(out, "  %s: %s\n", nm ? nm : "?", cell ? cell : "?");
            free(nm);
            free(cell);
        }
        fired_line(out, t, color);
        return;
    }
    if ((colw = calloc(nc, sizeof(*colw))) == NULL
        || (headw = calloc(nc, sizeof(*headw))) == NULL
        || (heads = calloc(nc, sizeof(*heads))) == NULL
        || (cells = calloc(t->n, sizeof(*cells))) == NULL
        || (cellw = calloc(t->n, sizeof(*cellw))) == NULL)
        goto err_nomem;
    /* natural widths first */
    for (c = 0; c < nc; c++) {
        if ((heads[c] = term_cell(thread_name(t, c, nb, sizeof(nb)), SIZE_MAX,
                                  &headw[c])) == NULL)
            goto err_nomem;
        colw[c] = headw[c];
    }
    for (i = 0; i < t->n; i++) {
        c = t->steps[i].thread;
        cell_raw(&t->steps[i], raw);
        if ((cells[i] = term_cell(raw, SIZE_MAX, &cellw[i])) == NULL)
            goto err_nomem;
        if (cellw[i] > colw[c])
            colw[c] = cellw[i];
    }
    fit_columns(colw, nc, width - total);
    /* then cut what does not fit its column */
    for (c = 0; c < nc; c++)
        if (headw[c] > colw[c]) {
            free(heads[c]);
            if ((heads[c] = term_cell(thread_name(t, c, nb, sizeof(nb)),
                                      colw[c], &headw[c])) == NULL)
                goto err_nomem;
        }
    for (i = 0; i < t->n; i++) {
        c = t->steps[i].thread;
        if (cellw[i] <= colw[c])
            continue;
        free(cells[i]);
        cell_raw(&t->steps[i], raw);
        if ((cells[i] = term_cell(raw, colw[c], &cellw[i])) == NULL)
            goto err_nomem;
    }
    /* header: "  STEP | name | name" */
    fprintf(out, "  %s%*s", color ? C_BOLD : "", (int)sw, "#");
    for (c = 0; c < nc; c++) {
        fputs(" | ", out);
        fputs(heads[c], out);
        if (c + 1 < nc)
            pad(out, colw[c] - headw[c]);
    }
    fprintf(out, "%s\n  ", color ? C_RESET : "");
    for (i = 0; i < sw; i++)
        fputc('-', out);
    for (c = 0; c < nc; c++) {
        fputs("-+-", out);
        for (i = 0; i < colw[c]; i++)
            fputc('-', out);
    }
    fputc('\n', out);
    for (i = 0; i < t->n; i++) {
        const struct st_trace_step *s = &t->steps[i];
        bool last_fired = i + 1 == t->n && t->fired[0] != '\0';

        if (elided(out, t->n, i))
            continue;
        fputs("  ", out);
        step_no(out, s, i, sw, color);
        for (c = 0; c <= s->thread; c++) {
            fputs(" | ", out);
            if (c == s->thread) {
                fprintf(out, "%s%s%s", color && last_fired ? C_RED : "",
                        cells[i], color && last_fired ? C_RESET : "");
                if (c + 1 < nc)
                    pad(out, colw[c] - cellw[i]);
            } else {
                pad(out, colw[c]);
            }
        }
        for (; c < nc; c++) {
            fputs(" |", out);
            if (c + 1 < nc)
                pad(out, colw[c] + 1);
        }
        fputc('\n', out);
    }
    fired_line(out, t, color);
    goto out_free;
 err_nomem:
    fputs("  (timeline: out of memory)\n", out);
 out_free:
    if (heads != NULL)
        for (c = 0; c < nc; c++)
            free(heads[c]);
    if (cells != NULL)
        for (i = 0; i < t->n; i++)
            free(cells[i]);
    free(heads);
    free(cells);
    free(cellw);
    free(headw);
    free(colw);
}

/* ---- JSON ----------------------------------------------------------- */

/* A JSON string of the first |cap| bytes at |s| (up to a NUL), invalid
 * UTF-8 as U+FFFD; NULL on ENOMEM. */
static json_t *jfield(const char *s, size_t cap)
{
    return st_json_text(s, strnlen(s, cap));
}

#define JFIELD(s, m) jfield((s)->m, sizeof((s)->m))

static int jset(json_t *o, const char *key, json_t *v)
{
    if (v == NULL)
        return -1;
    return json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

static json_t *step_json(const struct st_trace_step *s, size_t i)
{
    json_t *o = json_object();
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= jset(o, "step", json_integer((json_int_t)i + 1));
    bad |= jset(o, "thread", json_integer(s->thread));
    bad |= jset(o, "label", JFIELD(s, label));
    bad |= jset(o, "object", JFIELD(s, obj));
    bad |= jset(o, "text", JFIELD(s, text));
    if (s->before != ST_TRACE_NOVALUE)
        bad |= jset(o, "before", json_integer(s->before));
    if (s->after != ST_TRACE_NOVALUE)
        bad |= jset(o, "after", json_integer(s->after));
    bad |= jset(o, "what", JFIELD(s, what));
    bad |= jset(o, "preempted", json_boolean(s->preempted));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

void *st_timeline_json(const struct st_trace *t)
{
    json_t *o = json_object(), *a;
    unsigned nc = ncolumns(t);
    char nb[16];
    int bad = 0;

    if (o == NULL)
        return NULL;
    /* a name for every thread a step names, so that a reader can check
     * "thread" against "threads" */
    if ((bad = jset(o, "threads", a = json_array())) == 0)
        for (unsigned c = 0; c < nc && !bad; c++) {
            const char *name = thread_name(t, c, nb, sizeof(nb));

            bad |= json_array_append_new(a, jfield(name, strlen(name)));
        }
    if (!bad && (bad = jset(o, "steps", a = json_array())) == 0)
        for (size_t i = 0; i < t->n && !bad; i++)
            bad |= json_array_append_new(a, step_json(&t->steps[i], i));
    if (!bad)
        bad |= jset(o, "fired", JFIELD(t, fired));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- JSON back to a trace ------------------------------------------- */

/* |s| into the fixed field |dst| of |cap| bytes, cut on a UTF-8
 * boundary. */
static void copy_cut(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);

    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Copy string member |key| of |o| into the fixed field |dst| of |cap|
 * bytes (a NUL inside ends it).  Absent or null: "". */
static int rd_field(json_t *o, const char *key, char *dst, size_t cap,
                    size_t i, char *err, size_t errlen)
{
    json_t *v = json_object_get(o, key);
    dst[0] = '\0';
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return st_read_fail(err, errlen, "steps[%zu].%s: expected a string", i,
                       key);
    copy_cut(dst, cap, json_string_value(v));
    return 0;
}

static int rd_value(json_t *o, const char *key, long *dst, size_t i,
                    char *err, size_t errlen)
{
    json_t *v = json_object_get(o, key);

    *dst = ST_TRACE_NOVALUE;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < -LONG_MAX
        || json_integer_value(v) > LONG_MAX)
        return st_read_fail(err, errlen, "steps[%zu].%s: expected an integer", i,
                       key);
    *dst = (long)json_integer_value(v);
    return 0;
}

int st_timeline_from_json(const void *json, struct st_trace **out,
                          char *err, size_t errlen)
{
    json_t *j = (json_t *)json, *names, *steps, *v;
    size_t nn = 0, ns = 0, bytes, i;
    struct st_trace *t;
    const char **tn;
    char *str;
    int ret;

    *out = NULL;
    if (err != NULL && errlen > 0)
        *err = '\0';
    if (j == NULL || !json_is_object(j))
        return st_read_fail(err, errlen, "expected an object");
    names = json_object_get(j, "threads");
    steps = json_object_get(j, "steps");
    if (names != NULL && !json_is_array(names))
        return st_read_fail(err, errlen, "threads: expected an array of strings");
    if (steps != NULL && !json_is_array(steps))
        return st_read_fail(err, errlen, "steps: expected an array");
    nn = names ? json_array_size(names) : 0;
    ns = steps ? json_array_size(steps) : 0;
    if (nn > 100000)
        return st_read_fail(err, errlen, "threads: too many (%zu)", nn);
    /* one block: the struct, the name pointers, the names; so that the
     * trace owns its names and free(t) releases them (trace.h) */
    bytes = sizeof(*t) + nn * sizeof(char *);
    for (i = 0; i < nn; i++) {
        v = json_array_get(names, i);
        if (!json_is_string(v))
            return st_read_fail(err, errlen, "threads[%zu]: expected a string", i);
        bytes += strlen(json_string_value(v)) + 1;
    }
    if ((t = calloc(1, bytes)) == NULL)
        return -ENOMEM;
    tn = (const char **)(t + 1);
    str = (char *)(tn + nn);
    for (i = 0; i < nn; i++) {
        const char *s = json_string_value(json_array_get(names, i));
        size_t n = strlen(s) + 1;

        memcpy(str, s, n);
        tn[i] = str;
        str += n;
    }
    t->nthreads = (unsigned)nn;
    t->thread_names = nn > 0 ? tn : NULL;
    if (ns > 0) {
        if ((t->steps = calloc(ns, sizeof(*t->steps))) == NULL) {
            ret = -ENOMEM;
            goto err;
        }
        t->cap = ns;
    }
    for (i = 0; i < ns; i++) {
        struct st_trace_step *s = &t->steps[i];
        json_t *o = json_array_get(steps, i);

        if (!json_is_object(o)) {
            ret = st_read_fail(err, errlen, "steps[%zu]: expected an object", i);
            goto err;
        }
        v = json_object_get(o, "thread");
        if (v == NULL || !json_is_integer(v) || json_integer_value(v) < 0
            || (size_t)json_integer_value(v) >= nn) {
            ret = st_read_fail(err, errlen, "steps[%zu].thread: expected an "
                          "integer below the number of threads (%zu)", i, nn);
            goto err;
        }
        s->thread = (unsigned)json_integer_value(v);
        v = json_object_get(o, "preempted");
        if (v != NULL && !json_is_boolean(v)) {
            ret = st_read_fail(err, errlen, "steps[%zu].preempted: expected true "
                          "or false", i);
            goto err;
        }
        s->preempted = v != NULL && json_is_true(v);
        if ((ret = rd_field(o, "label", s->label, sizeof(s->label), i, err,
                            errlen)) != 0
            || (ret = rd_field(o, "object", s->obj, sizeof(s->obj), i, err,
                               errlen)) != 0
            || (ret = rd_field(o, "text", s->text, sizeof(s->text), i, err,
                               errlen)) != 0
            || (ret = rd_field(o, "what", s->what, sizeof(s->what), i, err,
                               errlen)) != 0
            || (ret = rd_value(o, "before", &s->before, i, err, errlen)) != 0
            || (ret = rd_value(o, "after", &s->after, i, err, errlen)) != 0)
            goto err;
        t->n = i + 1;
    }
    v = json_object_get(j, "fired");
    if (v != NULL && !json_is_null(v) && !json_is_string(v)) {
        ret = st_read_fail(err, errlen, "fired: expected a string");
        goto err;
    }
    if (v != NULL && json_is_string(v))
        copy_cut(t->fired, sizeof(t->fired), json_string_value(v));
    *out = t;
    return 0;
 err:
    st_trace_free(t);
    free(t);
    return ret;
}

/* ---- SVG ------------------------------------------------------------ */

/* |s| (at most CELL_MAX - 1 bytes of it) cut to |max| characters, escaped
 * for XML.  A cut keeps both ends, "..." between, as the text does. */
static void svg_put(FILE *f, const char *s, size_t max)
{
    char buf[CELL_MAX + 4];
    size_t at[CELL_MAX + 1], n = 0, chars = 0, h, tl;

    while (s[n] != '\0' && n < CELL_MAX - 1)
        n++;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80 && s[n] != '\0')
        n--;                    /* cut at CELL_MAX: on a character */
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            at[chars++] = i;
    at[chars] = n;
    if (chars <= max) {
        memcpy(buf, s, n);
        buf[n] = '\0';
    } else if (max >= 3) {
        h = (max - 3) * 2 / 5;
        tl = chars - (max - 3 - h);
        memcpy(buf, s, at[h]);
        memcpy(buf + at[h], "...", 3);
        memcpy(buf + at[h] + 3, s + at[tl], n - at[tl]);
        buf[at[h] + 3 + n - at[tl]] = '\0';
    } else {
        buf[0] = '\0';
    }
    st_put_xml(f, buf, 0);
}

static const char *svg_fill(const struct st_trace_step *s, bool fired)
{
    if (fired)
        return "#c62828";
    if (strncmp(s->what, "deadlock", sizeof(s->what)) == 0
        || strncmp(s->what, "blocked", sizeof(s->what)) == 0)
        return "#ffe0b2";
    if (strncmp(s->what, "freed", sizeof(s->what)) == 0)
        return "#ffcdd2";
    return is_stmt(s) ? "#eceff1" : "#e3f2fd";
}

char *st_timeline_svg(const struct st_trace *t)
{
    unsigned nc = ncolumns(t);
    double lw = nc <= 4 ? 300 : nc <= 8 ? 220 : 150, width, height;
    bool cut = t->n > SVG_MAX_STEPS, fired = t->fired[0] != '\0';
    size_t rows = cut ? SVG_MAX_STEPS + 1 : t->n, r, i, prev = SIZE_MAX;
    size_t boxchars = (size_t)((lw - 16) / SVG_CHAR), linechars;
    char *buf = NULL, raw[CELL_MAX], nb[16];
    size_t len = 0;
    FILE *f;
    int bad;

    width = SVG_STEPCOL + nc * lw + 10;
    if (width < 480)
        width = 480;
    linechars = (size_t)((width - 16) / SVG_CHAR);
    height = SVG_TOP + (double)(rows ? rows : 1) * SVG_ROW + (fired ? 30 : 10);
    if ((f = open_memstream(&buf, &len)) == NULL)
        return NULL;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
            "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"monospace\" font-size=\"12\" role=\"img\" "
            "aria-label=\"interleaving timeline\">\n", width, height, width,
            height);
    fprintf(f, "<text x=\"4\" y=\"16\" font-weight=\"bold\">timeline: %u "
            "thread%s, %zu step%s", nc, nc == 1 ? "" : "s", t->n,
            t->n == 1 ? "" : "s");
    if (cut)
        fprintf(f, "; steps %d to %zu not drawn (the text and JSON timelines "
                "have them)", SVG_HEAD + 1, t->n - SVG_TAIL);
    fputs("</text>\n<text x=\"4\" y=\"30\" fill=\"#555\">orange border: the "
          "scheduler preempted here; red: where the failure fired</text>\n",
          f);
    /* lanes */
    for (unsigned c = 0; c < nc; c++) {
        double x = SVG_STEPCOL + c * lw;
        const char *name = thread_name(t, c, nb, sizeof(nb));

        fprintf(f, "<g class=\"lane\"><title>thread ");
        svg_put(f, name, CELL_MAX);
        fprintf(f, "</title><rect x=\"%.0f\" y=\"%d\" width=\"%.0f\" "
                "height=\"%.0f\" fill=\"%s\"/><text x=\"%.0f\" y=\"%d\" "
                "font-weight=\"bold\">", x, SVG_TOP - 14, lw,
                (double)(rows ? rows : 1) * SVG_ROW + 14,
                c % 2 ? "#ffffff" : "#f5f5f5", x + 6, SVG_TOP - 3);
        svg_put(f, name, boxchars);
        fputs("</text></g>\n", f);
    }
    if (t->n == 0)
        fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#555\">no steps "
                "recorded</text>\n", SVG_STEPCOL + 6, SVG_TOP + 13);
    for (r = 0, i = 0; i < t->n; r++, i++) {
        const struct st_trace_step *s = &t->steps[i];
        bool here = fired && i + 1 == t->n;
        double y = SVG_TOP + (double)r * SVG_ROW, x, cx;

        if (cut && i == SVG_HEAD) {     /* the gap row */
            fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\" "
                    "font-style=\"italic\">... %zu steps not drawn ..."
                    "</text>\n", SVG_STEPCOL + 6.0, y + 13,
                    t->n - SVG_TAIL - SVG_HEAD);
            i = t->n - SVG_TAIL;
            s = &t->steps[i];
            prev = SIZE_MAX;
            r++;
            y += SVG_ROW;
        }
        x = SVG_STEPCOL + s->thread * lw + 4;
        cx = x + (lw - 8) / 2;
        if (prev != SIZE_MAX && t->steps[prev].thread != s->thread)
            fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" "
                    "y2=\"%.0f\" stroke=\"%s\"%s/>\n",
                    SVG_STEPCOL + t->steps[prev].thread * lw + lw / 2,
                    y - SVG_ROW + SVG_BOX, cx, y,
                    s->preempted ? "#ef6c00" : "#b0bec5",
                    s->preempted ? " stroke-dasharray=\"3,2\"" : "");
        prev = i;
        cell_raw(s, raw);
        fprintf(f, "<g class=\"step%s%s\"><title>step %zu, thread ",
                s->preempted ? " preempted" : "", here ? " fired" : "", i + 1);
        svg_put(f, thread_name(t, s->thread, nb, sizeof(nb)), CELL_MAX);
        fputs(": ", f);
        svg_put(f, raw, CELL_MAX);
        if (s->preempted)
            fputs(" (preempted the previous thread)", f);
        if (here) {
            fputs("; fired: ", f);
            svg_put(f, t->fired, CELL_MAX);
        }
        fprintf(f, "</title><text x=\"%d\" y=\"%.0f\" text-anchor=\"end\""
                "%s>%s%zu</text><rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
                "height=\"%d\" rx=\"3\" fill=\"%s\" stroke=\"%s\" "
                "stroke-width=\"%d\"/><text x=\"%.0f\" y=\"%.0f\"%s>",
                SVG_STEPCOL - 6, y + 13,
                s->preempted ? " fill=\"#ef6c00\" font-weight=\"bold\"" : "",
                s->preempted ? "*" : "", i + 1, x, y, lw - 8, SVG_BOX,
                svg_fill(s, here), s->preempted ? "#ef6c00" : "#90a4ae",
                s->preempted ? 2 : 1, x + 4, y + 12,
                here ? " fill=\"#ffffff\"" : "");
        svg_put(f, raw, boxchars);
        fputs("</text></g>\n", f);
    }
    if (fired) {
        fprintf(f, "<g class=\"fired\"><title>");
        svg_put(f, t->fired, CELL_MAX);
        fprintf(f, "</title><text x=\"4\" y=\"%.0f\" fill=\"#c62828\" "
                "font-weight=\"bold\">", height - 10);
        if (t->n > 0)
            fprintf(f, "fired at step %zu: ", t->n);
        else
            fputs("fired: ", f);
        svg_put(f, t->fired, linechars > 20 ? linechars - 20 : 1);
        fputs("</text></g>\n", f);
    }
    fputs("</svg>\n", f);
    bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}
