/* Suite timeline: the interleaving of a controlled-mode failure drawn by
 * stress/timeline.c (text columns, JSON and back, SVG), and carried by the
 * reports (text, JSON, HTML) and `sslstress merge`.  Traces are built by
 * hand: what the scheduler records is the scheduler's suite.
 *
 * XML checks: libxml2 when the process can load it (dlopen, so the build
 * needs no new dependency), else xmllint when /usr/bin/xmllint exists;
 * a balanced-tag and entity check runs in every case. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "stress_util.h"
#include "testutil.h"
#include "trace.h"

#define NV ST_TRACE_NOVALUE

static const char *const NAMES3[] = { "owner", "duper", "freer" };

static void step(struct st_trace *t, unsigned th, const char *label,
                 const char *obj, const char *text, long before, long after,
                 const char *what, bool preempted)
{
    struct st_trace_step s;

    memset(&s, 0, sizeof(s));
    s.thread = th;
    snprintf(s.label, sizeof(s.label), "%s", label);
    snprintf(s.obj, sizeof(s.obj), "%s", obj);
    snprintf(s.text, sizeof(s.text), "%s", text);
    s.before = before;
    s.after = after;
    snprintf(s.what, sizeof(s.what), "%s", what);
    s.preempted = preempted;
    ck_assert_int_eq(st_trace_add(t, &s), 0);
}

/* An empty trace of |n| unnamed threads (#0, #1, ...). */
static void empty_trace(struct st_trace *t, unsigned n)
{
    memset(t, 0, sizeof(*t));
    t->nthreads = n;
}

/* Two threads drop the same reference: the second decrement frees, the
 * first thread's load sees the freed object.  8 steps, 3 preemptions. */
static void trace2(struct st_trace *t)
{
    empty_trace(t, 2);
    t->thread_names = NAMES3;
    step(t, 0, "stmt", "", "up_ref s", NV, NV, "", false);
    step(t, 0, "ssl.refcount.inc", "SSL#3", "", 1, 2, "", false);
    step(t, 1, "stmt", "", "free s", NV, NV, "", true);
    step(t, 1, "ssl.refcount.dec", "SSL#3", "", 2, 1, "", false);
    step(t, 0, "stmt", "", "free s", NV, NV, "", true);
    step(t, 0, "ssl.refcount.dec", "SSL#3", "", 1, 0, "freed", false);
    step(t, 1, "stmt", "", "observe refs s", NV, NV, "", true);
    step(t, 1, "ssl.refcount.load", "SSL#3", "", 0, NV, "", false);
    snprintf(t->fired, sizeof(t->fired),
             "quarantine hit: SSL#3 used after free");
}

/* Three threads, one blocked on a lock; nothing fired. */
static void trace3(struct st_trace *t)
{
    empty_trace(t, 3);
    t->thread_names = NAMES3;
    step(t, 0, "ssl.lock.acquire", "lock SSL#1", "", NV, NV, "", false);
    step(t, 1, "dup.state_check", "SSL#1", "", 0, NV, "", true);
    step(t, 1, "ssl.lock.acquire", "lock SSL#1", "", NV, NV, "blocked", false);
    step(t, 2, "stmt", "", "free s", NV, NV, "", false);
    step(t, 2, "ssl.refcount.dec", "SSL#1", "", 3, 2, "", false);
    step(t, 0, "ssl.lock.release", "lock SSL#1", "", NV, NV, "", false);
    step(t, 1, "ssl.lock.acquire", "lock SSL#1", "", NV, NV, "", true);
}

/* |n| threads, a step each, round robin. */
static void trace_many(struct st_trace *t, unsigned n)
{
    empty_trace(t, n);
    for (unsigned i = 0; i < n; i++)
        step(t, i, "ssl.refcount.inc", "SSL#9", "", i + 1, i + 2, "", i > 0);
    snprintf(t->fired, sizeof(t->fired), "expect failed");
}

/* ---- helpers -------------------------------------------------------- */

static char *render_text(const struct st_trace *t, bool color,
                         const char *columns)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(setenv("COLUMNS", columns, 1), 0);
    st_timeline_text(f, t, color);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* Line |k| (0-based) of |s| in |buf|; false when there are fewer lines. */
static bool line_of(const char *s, size_t k, char *buf, size_t len)
{
    const char *p = s, *nl;

    for (; k > 0; k--) {
        if ((p = strchr(p, '\n')) == NULL)
            return false;
        p++;
    }
    if (*p == '\0')
        return false;
    nl = strchr(p, '\n');
    snprintf(buf, len, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
    return true;
}

static size_t nlines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Asserts that |s| holds each string that follows, up to a NULL. */
static __attribute__((sentinel)) void has_all(const char *s, ...)
{
    const char *needle;
    va_list ap;

    va_start(ap, s);
    while ((needle = va_arg(ap, const char *)) != NULL)
        ck_assert_msg(strstr(s, needle) != NULL, "missing \"%s\"", needle);
    va_end(ap);
}

/* Asserts that |s| holds none of the strings that follow, up to a NULL. */
static __attribute__((sentinel)) void has_none(const char *s, ...)
{
    const char *needle;
    va_list ap;

    va_start(ap, s);
    while ((needle = va_arg(ap, const char *)) != NULL)
        ck_assert_msg(strstr(s, needle) == NULL, "unwanted \"%s\"", needle);
    va_end(ap);
}

/* The column (0-based thread index) of the one non-blank cell of a table
 * row "  *N | a | b | c"; -1 when none or several. */
static int filled_column(const char *row)
{
    const char *p = strchr(row, '|');
    int col = -1, c = 0;

    for (; p != NULL; c++) {
        const char *q = strchr(p + 1, '|'), *end = q ? q : p + strlen(p);

        for (const char *x = p + 1; x < end; x++)
            if (*x != ' ') {
                if (col != -1)
                    return -1;
                col = c;
                break;
            }
        p = q;
    }
    return col;
}

/* Byte offsets of the '|' separators of |row|, into |at| (up to 16). */
static size_t bars(const char *row, size_t *at)
{
    size_t n = 0;

    for (const char *p = row; *p && n < 16; p++)
        if (*p == '|')
            at[n++] = (size_t)(p - row);
    return n;
}

/* Well-formedness without a parser: tags balance, every '&' starts one of
 * the entities the writers use, no '<' inside text. */
static void assert_balanced(const char *x)
{
    const char *stack[256];
    size_t len[256], depth = 0;
    const char *p = x;

    while ((p = strpbrk(p, "<&")) != NULL) {
        if (*p == '&') {
            ck_assert_msg(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4)
                          == 0 || strncmp(p, "&gt;", 4) == 0
                          || strncmp(p, "&quot;", 6) == 0
                          || strncmp(p, "&#", 2) == 0,
                          "bare '&' at: %.30s", p);
            p++;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            ck_assert_ptr_nonnull(p = strstr(p, "-->"));
            continue;
        }
        if (p[1] == '!' || p[1] == '?') {
            ck_assert_ptr_nonnull(p = strchr(p, '>'));
            continue;
        }
        if (p[1] == '/') {
            size_t n = strcspn(p + 2, ">");

            ck_assert_msg(depth > 0, "close tag with nothing open: %.30s", p);
            depth--;
            ck_assert_msg(n == len[depth] && strncmp(p + 2, stack[depth], n)
                          == 0, "</%.*s> closes <%.*s>", (int)n, p + 2,
                          (int)len[depth], stack[depth]);
            p += 2 + n;
            continue;
        }
        {
            const char *end = strchr(p, '>');
            size_t n = strcspn(p + 1, " \t\n/>");

            ck_assert_ptr_nonnull(end);
            ck_assert_msg(memchr(p + 1, '<', (size_t)(end - p - 1)) == NULL,
                          "'<' inside a tag: %.30s", p);
            ck_assert_msg(n > 0, "empty tag name at: %.30s", p);
            if (end[-1] != '/') {
                ck_assert_uint_lt(depth, 256);
                stack[depth] = p + 1;
                len[depth++] = n;
            }
            p = end;
        }
    }
    ck_assert_msg(depth == 0, "%zu unclosed elements, first <%.*s>", depth,
                  (int)(depth ? len[0] : 0), depth ? stack[0] : "");
}

typedef void *(*xml_read_fn)(const char *, int, const char *, const char *,
                             int);
typedef void (*xml_free_fn)(void *);

/* Parse |x| as XML: 1 well-formed, 0 not, -1 no parser available. */
static int xml_parse(const char *x, const char *what)
{
    static void *lib;
    xml_read_fn rd;
    xml_free_fn fr;
    void *doc;
    FILE *p;

    if (lib == NULL)
        lib = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (lib != NULL
        && (rd = (xml_read_fn)dlsym(lib, "xmlReadMemory")) != NULL
        && (fr = (xml_free_fn)dlsym(lib, "xmlFreeDoc")) != NULL) {
        /* 2048: XML_PARSE_NONET */
        doc = rd(x, (int)strlen(x), what, "UTF-8", 2048);
        if (doc == NULL)
            return 0;
        fr(doc);
        return 1;
    }
    if (access("/usr/bin/xmllint", X_OK) == 0) {
        ck_assert_ptr_nonnull(p = popen("/usr/bin/xmllint --noout -", "w"));
        fputs(x, p);
        return pclose(p) == 0;
    }
    fprintf(stderr, "%s: no libxml2 and no xmllint: balanced-tag check "
            "only\n", what);
    return -1;
}

static void assert_xml(const char *x, const char *what)
{
    assert_balanced(x);
    ck_assert_msg(xml_parse(x, what) != 0, "%s is not well-formed XML", what);
}

/* ---- text ----------------------------------------------------------- */

START_TEST(text_has_a_title_a_header_a_row_per_step_and_the_fired_line)
{
    struct st_trace t;
    char *s, line[512];

    trace2(&t);
    s = render_text(&t, false, "120");
    /* title, header, rule, 8 rows, fired */
    ck_assert_uint_eq(nlines(s), 3 + t.n + 1);
    ck_assert(line_of(s, 0, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "2 threads, 8 steps"));
    ck_assert(line_of(s, 1, line, sizeof(line)));
    has_all(line, "owner", "duper", NULL);
    ck_assert(line_of(s, 3 + t.n, line, sizeof(line)));
    ck_assert_str_eq(line, "  fired at step 8: quarantine hit: SSL#3 used "
                     "after free");
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(text_of_a_long_trace_shows_its_start_and_its_end_and_says_what_it_left_out)
{
    struct st_trace t;
    char *s, line[512];

    empty_trace(&t, 2);
    for (unsigned i = 0; i < 500; i++)
        step(&t, i % 2, "ssl.refcount.inc", "SSL#1", "", i, i + 1, "",
             false);
    snprintf(t.fired, sizeof(t.fired), "expect failed");
    s = render_text(&t, false, "120");
    /* title, header, rule, 20 rows, the marker, 100 rows, fired */
    ck_assert_uint_eq(nlines(s), 3 + 20 + 1 + 100 + 1);
    ck_assert(line_of(s, 3 + 20, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "380 steps not shown"));
    /* the last step, where the failure fired, is there */
    ck_assert_ptr_nonnull(strstr(s, "499 -> 500"));
    ck_assert_ptr_null(strstr(s, "100 -> 101"));
    ck_assert_ptr_nonnull(strstr(s, "fired at step 500"));
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(text_puts_each_step_in_its_threads_column_with_label_object_and_values)
{
    struct st_trace t;
    char *s, line[512], want[32];

    trace2(&t);
    s = render_text(&t, false, "120");
    for (size_t i = 0; i < t.n; i++) {
        ck_assert(line_of(s, 3 + i, line, sizeof(line)));
        snprintf(want, sizeof(want), "%zu |", i + 1);
        ck_assert_msg(strstr(line, want) != NULL, "row %zu: %s", i + 1, line);
        ck_assert_msg(filled_column(line) == (int)t.steps[i].thread,
                      "row %zu should fill column %u: %s", i + 1,
                      t.steps[i].thread, line);
    }
    ck_assert(line_of(s, 3 + 5, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "ssl.refcount.dec SSL#3 1 -> 0, "
                                 "freed"));
    ck_assert(line_of(s, 3 + 7, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "ssl.refcount.load SSL#3 = 0"));
    ck_assert(line_of(s, 3 + 3, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "  4 |"));       /* no marker */
    ck_assert(line_of(s, 3 + 4, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, " *5 |"));       /* preempted */
    ck_assert(line_of(s, 3 + 2, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "| free s"));    /* statement text */
    ck_assert_ptr_null(strstr(line, "stmt"));
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(text_marks_the_preempting_steps_and_only_those)
{
    struct st_trace t;
    char *s, line[512];

    trace3(&t);
    /* a load notes the value read as before and after: "= 2" */
    step(&t, 0, "ssl.refcount.load", "SSL#1", "", 2, 2, "", true);
    step(&t, 0, "ssl.refcount.store", "SSL#1", "", 1, 1, "lost update",
         false);
    s = render_text(&t, false, "200");
    has_all(s, "ssl.refcount.load SSL#1 = 2 ",
            "ssl.refcount.store SSL#1 1 -> 1, lost "
            "update",
            NULL);
    for (size_t i = 0; i < t.n; i++) {
        ck_assert(line_of(s, 3 + i, line, sizeof(line)));
        ck_assert_msg((memchr(line, '*', strcspn(line, "|")) != NULL)
                      == t.steps[i].preempted, "row %zu: %s", i + 1, line);
        ck_assert_msg(filled_column(line) == (int)t.steps[i].thread,
                      "row %zu: %s", i + 1, line);
    }
    ck_assert(line_of(s, 3 + 2, line, sizeof(line)));
    ck_assert_ptr_nonnull(strstr(line, "lock SSL#1, blocked"));
    /* nothing fired: no fired line */
    ck_assert_ptr_null(strstr(s, "fired"));
    ck_assert_uint_eq(nlines(s), 3 + t.n);
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(text_cuts_long_cells_to_the_width_and_keeps_columns_aligned)
{
    struct st_trace t;
    char *s, line[512];
    size_t at0[16], at[16], nb0;

    trace3(&t);
    step(&t, 2, "stmt", "", "observe a_rather_long_label = "
         "same(session_of(s), session_of(d))", NV, NV, "", false);
    s = render_text(&t, false, "60");
    ck_assert(line_of(s, 1, line, sizeof(line)));
    nb0 = bars(line, at0);
    ck_assert_uint_eq(nb0, 3);
    for (size_t k = 1; line_of(s, k, line, sizeof(line)); k++) {
        ck_assert_msg(strlen(line) <= 60, "line %zu is %zu wide: %s", k,
                      strlen(line), line);
        if (k >= 3) {               /* the rows: same separators */
            ck_assert_uint_eq(bars(line, at), nb0);
            for (size_t b = 0; b < nb0; b++)
                ck_assert_uint_eq(at[b], at0[b]);
        }
    }
    ck_assert_ptr_nonnull(strstr(s, "..."));
    /* the cut keeps the end of a cell (the values) */
    ck_assert_ptr_nonnull(strstr(s, "3 -> 2"));
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(text_with_more_than_eight_threads_prints_one_line_per_step)
{
    struct st_trace t;
    char *s, line[512];

    trace_many(&t, 9);
    s = render_text(&t, false, "120");
    ck_assert_uint_eq(nlines(s), 1 + t.n + 1);
    ck_assert(line_of(s, 1, line, sizeof(line)));
    ck_assert_str_eq(line, "   1  #0: ssl.refcount.inc SSL#9 1 -> 2");
    ck_assert(line_of(s, 9, line, sizeof(line)));
    ck_assert_str_eq(line, "  *9  #8: ssl.refcount.inc SSL#9 9 -> 10");
    ck_assert(line_of(s, 10, line, sizeof(line)));
    ck_assert_str_eq(line, "  fired at step 9: expect failed");
    free(s);
    st_trace_free(&t);
    /* eight still get columns */
    trace_many(&t, 8);
    s = render_text(&t, false, "200");
    ck_assert_uint_eq(nlines(s), 3 + t.n + 1);
    ck_assert(line_of(s, 3 + 7, line, sizeof(line)));
    ck_assert_int_eq(filled_column(line), 7);
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(text_of_an_empty_trace_says_so_and_still_says_what_fired)
{
    struct st_trace t;
    char *s;

    empty_trace(&t, 2);
    s = render_text(&t, false, "120");
    ck_assert_str_eq(s, "  timeline: 2 threads, 0 steps (none recorded)\n");
    free(s);
    snprintf(t.fired, sizeof(t.fired), "deadlock");
    s = render_text(&t, false, "120");
    ck_assert_str_eq(s, "  timeline: 2 threads, 0 steps (none recorded)\n"
                     "  fired: deadlock\n");
    free(s);
}
END_TEST

START_TEST(text_colours_only_when_asked_and_never_passes_control_characters)
{
    struct st_trace t;
    char *s;

    trace2(&t);
    step(&t, 1, "stmt", "", "evil \x1b[2J\x07 text", NV, NV, "", false);
    s = render_text(&t, false, "120");
    ck_assert_ptr_null(strchr(s, '\x1b'));
    ck_assert_ptr_null(strchr(s, '\x07'));
    ck_assert_ptr_nonnull(strstr(s, "evil \\x1b[2J\\x07 text"));
    free(s);
    s = render_text(&t, true, "120");
    has_all(s, "\033[1;31mfired at step", "\\x1b[2J", NULL);
    free(s);
    st_trace_free(&t);
}
END_TEST

/* ---- JSON ----------------------------------------------------------- */

START_TEST(json_parses_back_with_every_step_and_its_fields)
{
    struct st_trace t;
    json_t *j, *back, *steps, *st;
    json_error_t je;
    char *text;

    trace2(&t);
    ck_assert_ptr_nonnull(j = st_timeline_json(&t));
    ck_assert_ptr_nonnull(text = json_dumps(j, JSON_COMPACT));
    json_decref(j);
    back = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    ck_assert_msg(back != NULL, "%s", je.text);
    ck_assert_uint_eq(json_array_size(json_object_get(back, "threads")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(
        json_object_get(back, "threads"), 1)), "duper");
    ck_assert_ptr_nonnull(steps = json_object_get(back, "steps"));
    ck_assert_uint_eq(json_array_size(steps), t.n);
    for (size_t i = 0; i < t.n; i++) {
        st = json_array_get(steps, i);
        ck_assert_int_eq(json_integer_value(json_object_get(st, "step")),
                         (json_int_t)i + 1);
        ck_assert_int_eq(json_integer_value(json_object_get(st, "thread")),
                         t.steps[i].thread);
        ck_assert_str_eq(json_string_value(json_object_get(st, "label")),
                         t.steps[i].label);
        ck_assert(json_is_true(json_object_get(st, "preempted"))
                  == t.steps[i].preempted);
    }
    st = json_array_get(steps, 5);
    ck_assert_str_eq(json_string_value(json_object_get(st, "object")),
                     "SSL#3");
    ck_assert_int_eq(json_integer_value(json_object_get(st, "before")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(st, "after")), 0);
    ck_assert_str_eq(json_string_value(json_object_get(st, "what")), "freed");
    st = json_array_get(steps, 7);            /* a load: no "after" */
    ck_assert_int_eq(json_integer_value(json_object_get(st, "before")), 0);
    ck_assert_ptr_null(json_object_get(st, "after"));
    st = json_array_get(steps, 0);            /* a statement: no values */
    ck_assert_str_eq(json_string_value(json_object_get(st, "text")),
                     "up_ref s");
    ck_assert_ptr_null(json_object_get(st, "before"));
    ck_assert_str_eq(json_string_value(json_object_get(back, "fired")),
                     "quarantine hit: SSL#3 used after free");
    json_decref(back);
    free(text);
    st_trace_free(&t);
}
END_TEST

static void eq_trace(const struct st_trace *a, const struct st_trace *b)
{
    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->nthreads, b->nthreads);
    for (unsigned c = 0; c < a->nthreads; c++)
        ck_assert_str_eq(a->thread_names[c], b->thread_names[c]);
    for (size_t i = 0; i < a->n; i++) {
        const struct st_trace_step *x = &a->steps[i], *y = &b->steps[i];

        ck_assert_uint_eq(x->thread, y->thread);
        ck_assert_str_eq(x->label, y->label);
        ck_assert_str_eq(x->obj, y->obj);
        ck_assert_str_eq(x->text, y->text);
        ck_assert_int_eq(x->before, y->before);
        ck_assert_int_eq(x->after, y->after);
        ck_assert_str_eq(x->what, y->what);
        ck_assert(x->preempted == y->preempted);
    }
    ck_assert_str_eq(a->fired, b->fired);
}

START_TEST(json_reads_back_into_the_same_trace_which_owns_its_names)
{
    struct st_trace t, *back;
    json_t *j;
    char err[200];

    trace3(&t);
    ck_assert_ptr_nonnull(j = st_timeline_json(&t));
    ck_assert_msg(st_timeline_from_json(j, &back, err, sizeof(err)) == 0,
                  "%s", err);
    json_decref(j);                     /* the names must not point here */
    eq_trace(&t, back);
    ck_assert_ptr_ne(back->thread_names, t.thread_names);
    st_trace_free(back);
    free(back);
    st_trace_free(&t);
}
END_TEST

static const struct {
    const char *json;
    const char *msg;
} bad_timelines[] = {
    { "[]", "expected an object" },
    { "{\"threads\":[\"a\"],\"steps\":[{\"thread\":1}]}",
      "steps[0].thread: expected an integer below the number of threads (1)" },
    { "{\"threads\":[\"a\"],\"steps\":[{\"thread\":0,\"label\":3}]}",
      "steps[0].label: expected a string" },
    { "{\"threads\":[\"a\"],\"steps\":[{\"thread\":0,\"before\":\"1\"}]}",
      "steps[0].before: expected an integer" },
    { "{\"threads\":[\"a\"],\"steps\":[{\"thread\":0,\"preempted\":1}]}",
      "steps[0].preempted: expected true or false" },
    { "{\"threads\":[7]}", "threads[0]: expected a string" },
    { "{\"steps\":{}}", "steps: expected an array" },
    { "{\"fired\":[]}", "fired: expected a string" },
};

START_TEST(json_reader_rejects_a_malformed_timeline_with_a_named_member)
{
    static struct st_trace sentinel;
    struct st_trace *t = &sentinel;     /* must become NULL */
    json_error_t je;
    json_t *j = json_loads(bad_timelines[_i].json, 0, &je);
    char err[200];

    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(st_timeline_from_json(j, &t, err, sizeof(err)),
                     -EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err, bad_timelines[_i].msg) != NULL,
                  "want \"%s\", got \"%s\"", bad_timelines[_i].msg, err);
    json_decref(j);
}
END_TEST

START_TEST(json_of_a_cut_utf8_field_is_valid_json)
{
    struct st_trace t;
    json_t *j;
    char *s;

    empty_trace(&t, 1);
    /* "é" cut after its first byte, as a fixed field may be */
    step(&t, 0, "stmt", "", "caf\xc3", NV, NV, "", false);
    ck_assert_ptr_nonnull(j = st_timeline_json(&t));
    ck_assert_ptr_nonnull(s = json_dumps(j, JSON_COMPACT));
    ck_assert_ptr_nonnull(strstr(s, "\"caf\xEF\xBF\xBD\""));
    free(s);
    json_decref(j);
    st_trace_free(&t);
}
END_TEST

/* ---- SVG ------------------------------------------------------------ */

START_TEST(svg_is_one_well_formed_self_contained_element)
{
    struct st_trace t;
    char *s;

    trace2(&t);
    ck_assert_ptr_nonnull(s = st_timeline_svg(&t));
    ck_assert_int_eq(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"",
                             39), 0);
    ck_assert_uint_eq(tu_count(s, "<svg"), 1);
    has_none(s, "<script", "href", "url(", "<style", NULL);
    assert_xml(s, "timeline.svg");
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(svg_draws_a_box_per_step_with_a_tooltip_preemptions_and_the_fired_step)
{
    struct st_trace t;
    char *s;

    trace2(&t);
    ck_assert_ptr_nonnull(s = st_timeline_svg(&t));
    ck_assert_uint_eq(tu_count(s, "<g class=\"step"), t.n);
    ck_assert_uint_eq(tu_count(s, "<g class=\"step preempted"), 3);
    ck_assert_uint_eq(tu_count(s, "class=\"step fired\""), 1);
    ck_assert_uint_eq(tu_count(s, "class=\"lane\""), 2);
    has_all(s,
            "<title>step 6, thread owner: "
            "ssl.refcount.dec SSL#3 1 -&gt; 0, freed"
            "</title>",
            "fill=\"#c62828\"", "fired at step 8: quarantine hit", NULL);
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(svg_escapes_markup_in_labels_names_and_the_fired_text)
{
    static const char *const names[] = { "a<b>&c", "\"q\"" };
    struct st_trace t;
    char *s;

    empty_trace(&t, 2);
    t.thread_names = names;
    step(&t, 0, "x<&>y", "SSL#<1>", "", NV, NV, "", false);
    step(&t, 1, "stmt", "", "a & b < c > d \x01", NV, NV, "", true);
    snprintf(t.fired, sizeof(t.fired), "<script>alert(1)</script> & co");
    ck_assert_ptr_nonnull(s = st_timeline_svg(&t));
    has_none(s, "<&>", "<script", "a<b>", NULL);
    has_all(s, "x&lt;&amp;&gt;y", "a&lt;b&gt;&amp;c", "&lt;script&gt;", NULL);
    assert_xml(s, "escaped.svg");
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(svg_of_a_long_trace_is_capped_and_says_so)
{
    struct st_trace t;
    char *s;

    empty_trace(&t, 2);
    for (unsigned i = 0; i < 1000; i++)
        step(&t, i % 2, "ssl.refcount.inc", "SSL#1", "", i, i + 1, "",
             i % 7 == 0);
    snprintf(t.fired, sizeof(t.fired), "expect failed");
    ck_assert_ptr_nonnull(s = st_timeline_svg(&t));
    ck_assert_uint_eq(tu_count(s, "<g class=\"step"), 400);
    has_all(s, "1000 steps; steps 41 to 640 not drawn", "600 steps not drawn",
            NULL);
    /* the end, where it fired, is drawn */
    ck_assert_ptr_nonnull(strstr(s, "<title>step 1000, thread #1"));
    ck_assert_ptr_null(strstr(s, "<title>step 41,"));
    ck_assert_ptr_nonnull(strstr(s, "<title>step 641,"));
    ck_assert_uint_lt(strlen(s), 400 * 1024);
    assert_xml(s, "long.svg");
    free(s);
    st_trace_free(&t);
}
END_TEST

START_TEST(svg_of_an_empty_trace_and_of_many_threads_is_well_formed)
{
    struct st_trace t;
    char *s;

    empty_trace(&t, 2);
    ck_assert_ptr_nonnull(s = st_timeline_svg(&t));
    ck_assert_ptr_nonnull(strstr(s, "no steps recorded"));
    ck_assert_uint_eq(tu_count(s, "<g class=\"step"), 0);
    assert_xml(s, "empty.svg");
    free(s);
    trace_many(&t, 12);
    ck_assert_ptr_nonnull(s = st_timeline_svg(&t));
    ck_assert_uint_eq(tu_count(s, "class=\"lane\""), 12);
    ck_assert_uint_eq(tu_count(s, "<g class=\"step"), 12);
    /* narrow lanes: a box's text is cut in the middle, values kept; the
     * tooltip has it whole */
    has_all(s, ">ssl.re...#9 1 -&gt; 2</text>",
            "<title>step 1, thread #0: "
            "ssl.refcount.inc SSL#9 1 -&gt; 2</title>",
            NULL);
    assert_xml(s, "many.svg");
    free(s);
    st_trace_free(&t);
}
END_TEST

/* ---- reports -------------------------------------------------------- */

static char *S(const char *s)
{
    char *d = strdup(s);

    ck_assert_ptr_nonnull(d);
    return d;
}

/* A run with one controlled failure (schedule, shrunk, trace) and one
 * free-running failure (all three NULL). */
static void fill_run(struct st_run *run)
{
    struct st_result *r;
    struct st_failure *f;

    memset(run, 0, sizeof(*run));
    run->tool_version = S("sslstress 0.1");
    run->backend = S("minissl");
    run->seed = 5;
    run->shard_count = 1;
    run->nresults = 1;
    ck_assert_ptr_nonnull(run->results = calloc(1, sizeof(*r)));
    r = &run->results[0];
    r->file = S("scenarios/upref-free.scn");
    r->name = S("upref-free");
    r->backend = S("minissl");
    r->verdict = ST_FAIL;
    r->seed = 5;
    r->schedule = S("dfs:preemptions=2");
    r->nthreads = 2;
    r->iterations_run = 10;
    r->iterations_failed = 2;
    r->schedules = 10;
    r->exhausted = 1;
    r->same_failures = 2;
    r->shard_count = 1;
    r->nfailures = 2;
    ck_assert_ptr_nonnull(r->failures = calloc(2, sizeof(*f)));
    f = &r->failures[0];
    f->iteration = 3;
    f->seed = 5;
    f->kind = S("detector");
    f->message = S("quarantine hit: SSL#3 used after free");
    f->nthreads = 2;
    ck_assert_ptr_nonnull(f->thread_names = calloc(2, sizeof(char *)));
    f->thread_names[0] = S("owner");
    f->thread_names[1] = S("duper");
    f->replay = S("sslstress replay scenarios/upref-free.scn --schedule "
                  "'0x3,1x2,0*'");
    f->schedule = S("0x3,1x2,0*");
    f->preemptions = 3;
    f->steps = 8;
    f->schedule_shrunk = S("0x2,1*");
    f->shrunk_preemptions = 1;
    f->shrunk_steps = 5;
    ck_assert_ptr_nonnull(f->trace = calloc(1, sizeof(*f->trace)));
    trace2(f->trace);
    f->trace->thread_names = (const char *const *)f->thread_names;
    f = &r->failures[1];
    f->iteration = 7;
    f->seed = 5;
    f->kind = S("expect");
    f->message = S("expect freed s: s is still live");
}

static char *text_of(const struct st_result *r, const struct st_failure *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(setenv("COLUMNS", "120", 1), 0);
    st_failure_print(m, r, f, 0);
    ck_assert_int_eq(fclose(m), 0);
    return buf;
}

START_TEST(text_report_prints_schedule_shrunk_and_timeline_of_a_controlled_failure)
{
    struct st_run run;
    char *s, *sched, *shrunk, *tl, *replay;

    fill_run(&run);
    s = text_of(&run.results[0], &run.results[0].failures[0]);
    ck_assert_ptr_nonnull(sched = strstr(s, "\n  schedule: 0x3,1x2,0* "
                                         "(3 preemptions, 8 steps)\n"));
    ck_assert_ptr_nonnull(shrunk = strstr(s, "\n  shrunk: 0x2,1* "
                                          "(1 preemption, 5 steps)\n"));
    ck_assert_ptr_nonnull(tl = strstr(s, "\n  timeline: 2 threads, 8 steps"));
    ck_assert_ptr_nonnull(strstr(s, "ssl.refcount.dec SSL#3 1 -> 0, freed"));
    ck_assert_ptr_nonnull(replay = strstr(s, "\n  replay: "));
    ck_assert(sched < shrunk && shrunk < tl && tl < replay);
    free(s);
    /* a free-running failure: none of it */
    s = text_of(&run.results[0], &run.results[0].failures[1]);
    has_none(s, "schedule:", "shrunk:", "timeline", NULL);
    free(s);
    st_run_free(&run);
}
END_TEST

START_TEST(json_report_carries_schedule_shrunk_and_timeline_through_the_pipe)
{
    struct st_run run;
    struct st_result back;
    char *s, err[256];
    json_t *j, *fl;

    fill_run(&run);
    ck_assert_ptr_nonnull(s = st_result_to_json_string(&run.results[0]));
    ck_assert_ptr_null(strchr(s, '\n'));
    ck_assert_ptr_nonnull(j = json_loads(s, 0, NULL));
    fl = json_object_get(j, "failures");
    ck_assert_str_eq(json_string_value(json_object_get(
        json_array_get(fl, 0), "schedule")), "0x3,1x2,0*");
    ck_assert_str_eq(json_string_value(json_object_get(
        json_array_get(fl, 0), "schedule_shrunk")), "0x2,1*");
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(
        json_array_get(fl, 0), "timeline"), "steps")), 8);
    /* a free-running failure's JSON is what it was before */
    ck_assert_ptr_null(json_object_get(json_array_get(fl, 1), "schedule"));
    ck_assert_ptr_null(json_object_get(json_array_get(fl, 1),
                                       "schedule_shrunk"));
    ck_assert_ptr_null(json_object_get(json_array_get(fl, 1), "timeline"));
    ck_assert_ptr_null(json_object_get(json_array_get(fl, 1), "steps"));
    json_decref(j);
    ck_assert_msg(st_result_from_json_string(s, strlen(s), &back, err,
                                             sizeof(err)) == 0, "%s", err);
    ck_assert_str_eq(back.failures[0].schedule, "0x3,1x2,0*");
    ck_assert_str_eq(back.failures[0].schedule_shrunk, "0x2,1*");
    ck_assert_uint_eq(back.failures[0].preemptions, 3);
    ck_assert_uint_eq(back.failures[0].steps, 8);
    ck_assert_uint_eq(back.failures[0].shrunk_preemptions, 1);
    ck_assert_uint_eq(back.failures[0].shrunk_steps, 5);
    ck_assert_uint_eq(back.schedules, 10);
    ck_assert_int_eq(back.exhausted, 1);
    ck_assert_int_eq(back.schedule_misfit, 0);
    ck_assert_uint_eq(back.same_failures, 2);
    ck_assert_ptr_nonnull(back.failures[0].trace);
    eq_trace(run.results[0].failures[0].trace, back.failures[0].trace);
    ck_assert_ptr_null(back.failures[1].schedule);
    ck_assert_ptr_null(back.failures[1].trace);
    st_result_free(&back);
    free(s);
    st_run_free(&run);
}
END_TEST

START_TEST(json_report_of_a_free_running_result_has_no_controlled_mode_keys)
{
    static const char *const keys[] = { "\"schedules\"", "\"exhausted\"",
        "\"schedule_misfit\"", "\"same_failures\"", "\"schedule_shrunk\"",
        "\"timeline\"", "\"preemptions\"", "\"steps\"",
        "\"shrunk_preemptions\"", "\"shrunk_steps\"" };
    struct st_run run;
    struct st_result *r;
    struct st_failure tmp;
    char *s;

    fill_run(&run);
    r = &run.results[0];
    r->schedules = r->same_failures = 0;
    r->exhausted = 0;
    free(r->schedule);
    r->schedule = S("free");
    tmp = r->failures[0];                       /* the free-running one */
    r->failures[0] = r->failures[1];            /* first, and alone */
    r->failures[1] = tmp;
    r->nfailures = 1;
    ck_assert_ptr_nonnull(s = st_result_to_json_string(r));
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        ck_assert_msg(strstr(s, keys[k]) == NULL, "%s in %s", keys[k], s);
    free(s);
    r->nfailures = 2;
    st_run_free(&run);
}
END_TEST

START_TEST(json_report_names_a_bad_timeline)
{
    struct st_result r;
    char err[256];
    const char *j = "{\"name\":\"x\",\"verdict\":\"fail\",\"failures\":[{"
        "\"timeline\":{\"threads\":[],\"steps\":[{\"thread\":0}]}}]}";

    ck_assert_int_eq(st_result_from_json_string(j, strlen(j), &r, err,
                                                sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "failures[0].timeline: steps[0].thread")
                  != NULL, "%s", err);
}
END_TEST

static char *html_of(const struct st_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(st_run_write_html_fp(run, m), 0);
    ck_assert_int_eq(fclose(m), 0);
    return buf;
}

START_TEST(html_report_embeds_one_svg_timeline_per_controlled_failure)
{
    struct st_run run;
    char *s;

    fill_run(&run);
    s = html_of(&run);
    ck_assert_uint_eq(tu_count(s, "<svg xmlns=\"http://www.w3.org/2000/"
                               "svg\" class=\"timeline\""), 1);
    has_all(s,
            "<th>schedule</th><td><code>0x3,1x2,0*"
            "</code> (3 preemptions, 8 steps)",
            "<th>shrunk schedule</th><td><code>"
            "0x2,1*</code> (1 preemption, 5 steps)",
            NULL);
    ck_assert_ptr_null(strstr(s, "<script"));
    assert_xml(s, "report.html");
    free(s);
    st_run_free(&run);
}
END_TEST

START_TEST(merge_keeps_schedules_and_timelines_of_every_shard)
{
    struct st_run in[2], out;
    char err[256], *s;

    fill_run(&in[0]);
    fill_run(&in[1]);
    in[0].shard_count = in[1].shard_count = 2;
    in[1].shard_index = 1;
    in[0].results[0].shard_count = in[1].results[0].shard_count = 2;
    in[1].results[0].shard_index = 1;
    ck_assert_msg(st_run_merge(in, 2, &out, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_uint_eq(out.nresults, 1);
    ck_assert_uint_eq(out.results[0].nfailures, 4);
    ck_assert_uint_eq(out.results[0].schedules, 20);
    ck_assert_int_eq(out.results[0].exhausted, 1);
    for (size_t k = 0; k < 4; k += 2) {
        const struct st_failure *f = &out.results[0].failures[k];

        ck_assert_str_eq(f->schedule, "0x3,1x2,0*");
        ck_assert_str_eq(f->schedule_shrunk, "0x2,1*");
        ck_assert_uint_eq(f->preemptions, 3);
        ck_assert_uint_eq(f->shrunk_steps, 5);
        ck_assert_ptr_nonnull(f->trace);
        eq_trace(in[0].results[0].failures[0].trace, f->trace);
        ck_assert_ptr_null(out.results[0].failures[k + 1].trace);
    }
    s = html_of(&out);
    ck_assert_uint_eq(tu_count(s, "<svg xmlns=\"http://www.w3.org/2000/"
                               "svg\" class=\"timeline\""), 2);
    free(s);
    st_run_free(&out);
    st_run_free(&in[0]);
    st_run_free(&in[1]);
}
END_TEST

/* ---- failing allocations -------------------------------------------- */

/* Every renderer and reader must survive any allocation failing: return
 * NULL / -ENOMEM (the text renderer: print what it can) and free what it
 * took.  stress_util's allocation hook fails the Nth allocation and counts
 * what is still live; jansson's parser is never run while armed. */
#ifdef TU_ALLOC_HOOK
enum op { OP_JSON, OP_FROM_JSON, OP_SVG, OP_TEXT, OP_RESULT_TO_JSON,
          OP_RESULT_FROM_JSON, OP_HTML, OP_MERGE, OP_COUNT };
static const char *const op_names[] = { "timeline_json",
    "timeline_from_json", "timeline_svg", "timeline_text", "result_to_json",
    "result_from_json", "html", "merge" };

/* What the operations work on. */
struct alloc_ctx {
    struct st_run run, shards[2];
    struct st_trace *t;
    json_t *tj, *rj;
    FILE *devnull;
};

static int run_op(void *arg, int op, char *err, size_t errlen)
{
    struct alloc_ctx *c = arg;
    struct st_result back;
    struct st_trace *tb;
    void *p;
    int ret = 0;

    switch (op) {
    case OP_JSON:
        p = st_timeline_json(c->t);
        ret = p != NULL ? 0 : -ENOMEM;
        json_decref(p);
        break;
    case OP_FROM_JSON:
        ret = st_timeline_from_json(c->tj, &tb, err, errlen);
        if (ret == 0) {
            st_trace_free(tb);
            free(tb);
        }
        break;
    case OP_SVG:
        p = st_timeline_svg(c->t);
        ret = p != NULL ? 0 : -ENOMEM;
        free(p);
        break;
    case OP_TEXT:
        st_timeline_text(c->devnull, c->t, false);
        break;
    case OP_RESULT_TO_JSON:
        p = st_result_to_json(&c->run.results[0]);
        ret = p != NULL ? 0 : -ENOMEM;
        json_decref(p);
        break;
    case OP_RESULT_FROM_JSON:
        ret = st_result_from_json(c->rj, &back, err, errlen);
        if (ret == 0)
            st_result_free(&back);
        break;
    case OP_HTML:
        ret = st_run_write_html_fp(&c->run, c->devnull);
        break;
    case OP_MERGE:
        ret = tu_merge_and_free(c->shards, 2, err, errlen);
        break;
    }
    return ret;
}

START_TEST(every_failing_allocation_is_reported_and_leaks_nothing)
{
    struct alloc_ctx c;

    /* under Valgrind its malloc replaces ours: nothing to test here */
    if (!tu_alloc_replaced()) {
        fprintf(stderr, "every_failing_allocation: malloc not replaceable "
                "here (Valgrind?): SKIPPED\n");
        return;
    }
    fill_run(&c.run);
    c.t = c.run.results[0].failures[0].trace;
    ck_assert_ptr_nonnull(c.tj = st_timeline_json(c.t));
    ck_assert_ptr_nonnull(c.rj = st_result_to_json(&c.run.results[0]));
    fill_run(&c.shards[0]);
    fill_run(&c.shards[1]);
    c.shards[0].shard_count = c.shards[1].shard_count = 2;
    c.shards[1].shard_index = 1;
    c.shards[0].results[0].shard_count = 2;
    c.shards[1].results[0].shard_count = 2;
    c.shards[1].results[0].shard_index = 1;
    ck_assert_ptr_nonnull(c.devnull = fopen("/dev/null", "w"));
    ck_assert_int_eq(setenv("COLUMNS", "100", 1), 0);
    tu_alloc_fail_each(OP_COUNT, op_names, run_op, &c);
    fclose(c.devnull);
    json_decref(c.tj);
    json_decref(c.rj);
    for (int i = 0; i < 2; i++)
        st_run_free(&c.shards[i]);
    st_run_free(&c.run);
}
END_TEST
#endif

Suite *make_suite(void)
{
    Suite *s = suite_create("timeline");
    TCase *text = tcase_create("text");
    TCase *json = tcase_create("json");
    TCase *svg = tcase_create("svg");
    TCase *reports = tcase_create("reports");

    tcase_add_test(text,
                   text_has_a_title_a_header_a_row_per_step_and_the_fired_line);
    tcase_add_test(text,
        text_puts_each_step_in_its_threads_column_with_label_object_and_values);
    tcase_add_test(text, text_marks_the_preempting_steps_and_only_those);
    tcase_add_test(text,
        text_of_a_long_trace_shows_its_start_and_its_end_and_says_what_it_left_out);
    tcase_add_test(text,
                   text_cuts_long_cells_to_the_width_and_keeps_columns_aligned);
    tcase_add_test(text,
                   text_with_more_than_eight_threads_prints_one_line_per_step);
    tcase_add_test(text,
                   text_of_an_empty_trace_says_so_and_still_says_what_fired);
    tcase_add_test(text,
        text_colours_only_when_asked_and_never_passes_control_characters);
    tu_add_stress_leak_checks(text);
    suite_add_tcase(s, text);
    tcase_add_test(json, json_parses_back_with_every_step_and_its_fields);
    tcase_add_test(json,
                   json_reads_back_into_the_same_trace_which_owns_its_names);
    tcase_add_loop_test(json,
                        json_reader_rejects_a_malformed_timeline_with_a_named_member,
                        0, sizeof(bad_timelines) / sizeof(bad_timelines[0]));
    tcase_add_test(json, json_of_a_cut_utf8_field_is_valid_json);
    tu_add_stress_leak_checks(json);
    suite_add_tcase(s, json);
    tcase_add_test(svg, svg_is_one_well_formed_self_contained_element);
    tcase_add_test(svg,
        svg_draws_a_box_per_step_with_a_tooltip_preemptions_and_the_fired_step);
    tcase_add_test(svg, svg_escapes_markup_in_labels_names_and_the_fired_text);
    tcase_add_test(svg, svg_of_a_long_trace_is_capped_and_says_so);
    tcase_add_test(svg,
                   svg_of_an_empty_trace_and_of_many_threads_is_well_formed);
    tu_add_stress_leak_checks(svg);
    suite_add_tcase(s, svg);
    tcase_add_test(reports,
        text_report_prints_schedule_shrunk_and_timeline_of_a_controlled_failure);
    tcase_add_test(reports,
        json_report_carries_schedule_shrunk_and_timeline_through_the_pipe);
    tcase_add_test(reports,
        json_report_of_a_free_running_result_has_no_controlled_mode_keys);
    tcase_add_test(reports, json_report_names_a_bad_timeline);
    tcase_add_test(reports,
                   html_report_embeds_one_svg_timeline_per_controlled_failure);
    tcase_add_test(reports, merge_keeps_schedules_and_timelines_of_every_shard);
    tu_add_stress_leak_checks(reports);
    suite_add_tcase(s, reports);
#ifdef TU_ALLOC_HOOK
    {
        TCase *mem = tcase_create("allocation_failures");

        tcase_add_test(mem,
                       every_failing_allocation_is_reported_and_leaks_nothing);
        tu_add_stress_leak_checks(mem);
        suite_add_tcase(s, mem);
    }
#endif
    return s;
}
