/* Suite validate: every error of the scenario format stops at the right
 * file:line:col with its message, and hostile input never crashes.
 *
 * Each tests/data/bad/NAME.scn starts with a comment
 *   # expect: LINE:COL: MESSAGE
 * and must be refused with exactly that diagnostic.  Each
 * tests/data/good/NAME.scn must be accepted. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

#define MAX_FILES 512

static char *bad_files[MAX_FILES];
static int nbad;
static char *good_files[MAX_FILES];
static int ngood;

static const char *data_dir(void)
{
    static char dir[512];
    const char *env = getenv("ST_TEST_DATA");

    if (env != NULL)
        snprintf(dir, sizeof(dir), "%s", env);
    else
        snprintf(dir, sizeof(dir), "%.*sdata",
                 (int)(strlen(__FILE__) - strlen("stress/test_validate.c")),
                 __FILE__);
    return dir;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.scn files of data/SUB, sorted, into v. */
static int list(const char *sub, char **v)
{
    char dir[600];
    DIR *dp;
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/%s", data_dir(), sub);
    dp = opendir(dir);
    if (dp == NULL)
        return 0;
    while ((e = readdir(dp)) != NULL && n < MAX_FILES) {
        size_t l = strlen(e->d_name);

        if (l > 4 && strcmp(e->d_name + l - 4, ".scn") == 0
            && asprintf(&v[n], "%s/%s", dir, e->d_name) > 0)
            n++;
    }
    closedir(dp);
    qsort(v, (size_t)n, sizeof(*v), cmp_str);
    return n;
}

static char *first_line(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (f == NULL)
        return NULL;
    n = getline(&line, &cap, f);
    fclose(f);
    if (n <= 0) {
        free(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return line;
}

START_TEST(the_data_directories_hold_the_test_files)
{
    ck_assert_msg(nbad >= 100, "only %d bad files under %s/bad", nbad,
                  data_dir());
    ck_assert_msg(ngood >= 5, "only %d good files under %s/good", ngood,
                  data_dir());
}
END_TEST

START_TEST(every_bad_file_stops_at_its_expected_line_col_and_message)
{
    const char *path = bad_files[_i];
    char *want = first_line(path), got[600];
    struct st_diag d;
    struct st_scenario *sc;

    ck_assert_msg(want != NULL && strncmp(want, "# expect: ", 10) == 0,
                  "%s: no '# expect: ' first line", path);
    sc = st_scenario_load(path, &d);
    if (sc != NULL) {
        st_scenario_free(sc);
        ck_abort_msg("%s: accepted, expected %s", path, want + 10);
    }
    ck_assert_str_eq(d.file, path);
    snprintf(got, sizeof(got), "%d:%d: %s", d.loc.line, d.loc.col, d.msg);
    ck_assert_msg(strcmp(got, want + 10) == 0, "%s:\n  want %s\n  got  %s",
                  path, want + 10, got);
    free(want);
}
END_TEST

/* A message in a comparable form: a closing " (...)" dropped, quoted parts
 * 'x' -> '_', digit runs -> 0, object types -> T.  In place. */
static void normalize(char *m)
{
    static const char *const types[] = { "an SSL or a ctx", "an SSL", "a ctx",
                                         "a session", NULL };
    char *w = m, *r = m, *p;
    size_t l = strlen(m), k;

    if (l > 0 && m[l - 1] == ')' && (p = strstr(m, " (")) != NULL)
        *p = '\0';
    while (*r != '\0') {
        if (*r == '\'' && (p = strchr(r + 1, '\'')) != NULL) {
            memcpy(w, "'_'", 3);
            w += 3;
            r = p + 1;
            continue;
        }
        if (*r >= '0' && *r <= '9') {
            *w++ = '0';
            while (*r >= '0' && *r <= '9')
                r++;
            continue;
        }
        for (k = 0; types[k] != NULL; k++)
            if (strncmp(r, types[k], strlen(types[k])) == 0)
                break;
        if (types[k] != NULL) {
            *w++ = 'T';
            r += strlen(types[k]);
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Every `span` of the reference page, normalized. */
static char **doc_spans(size_t *n)
{
    char path[600], *text = NULL, *p, *q, **v = NULL;
    size_t cap = 0, len;
    FILE *f;

    snprintf(path, sizeof(path), "%s/../../doc/scenario-format.md", data_dir());
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert(getdelim(&text, &cap, '\0', f) > 0);
    fclose(f);
    *n = 0;
    for (p = text; (p = strchr(p, '`')) != NULL; p = q + 1) {
        if (strncmp(p, "```", 3) == 0) {        /* skip code blocks */
            q = strstr(p + 3, "```");
            if (q == NULL)
                break;
            q += 2;
            continue;
        }
        q = strchr(p + 1, '`');
        if (q == NULL)
            break;
        len = (size_t)(q - p - 1);
        v = realloc(v, (*n + 1) * sizeof(*v));
        v[*n] = strndup(p + 1, len);
        normalize(v[(*n)++]);
    }
    free(text);
    return v;
}

START_TEST(every_bad_file_message_is_on_the_reference_page)
{
    size_t n, i, k;
    char **spans = doc_spans(&n);
    int b, missing = 0;

    for (b = 0; b < nbad; b++) {
        char *want = first_line(bad_files[b]), *msg, *found;
        int ok = 0;

        ck_assert_ptr_nonnull(want);
        msg = strchr(strchr(want + 10, ':') + 1, ':') + 2;  /* after L:C: */
        if (strncmp(msg, "expected ", 9) == 0
            && (found = strstr(msg, ", found ")) != NULL) {
            *found = '\0';                      /* the X of "expected X" */
            msg += 9;
        }
        normalize(msg);
        for (i = 0; i < n && !ok; i++)
            ok = strcmp(spans[i], msg) == 0;
        if (!ok) {
            fprintf(stderr, "%s: message '%s' not on doc/scenario-format.md\n",
                    bad_files[b], msg);
            missing++;
        }
        free(want);
    }
    for (k = 0; k < n; k++)
        free(spans[k]);
    free(spans);
    ck_assert_msg(missing == 0, "%d messages not on the page (listed above)",
                  missing);
}
END_TEST

START_TEST(every_good_file_is_accepted)
{
    struct st_diag d;
    struct st_scenario *sc = st_scenario_load(good_files[_i], &d);

    ck_assert_msg(sc != NULL, "%s:%d:%d: %s", d.file, d.loc.line, d.loc.col,
                  d.msg);
    ck_assert_uint_ge(sc->nthreads, 1);
    st_scenario_free(sc);
}
END_TEST

/* The diagnostic of text, printed. */
static char *printed(const char *text, size_t len)
{
    struct st_diag d;
    struct st_scenario *sc = st_scenario_parse("t.scn", text, len, &d);
    char *out = NULL;
    size_t n = 0;
    FILE *f;

    if (sc != NULL) {
        st_scenario_free(sc);
        return NULL;
    }
    f = open_memstream(&out, &n);
    ck_assert_ptr_nonnull(f);
    st_diag_print(f, &d);
    fclose(f);
    return out;
}

START_TEST(diagnostic_prints_position_then_the_line_then_a_caret)
{
    char *out = printed("scenario x\nthread A\n  frob s   # comment\n", 44);

    ck_assert_str_eq(out, "t.scn:3:3: error: unknown statement 'frob'\n"
                     "  frob s   # comment\n"
                     "  ^\n");
    free(out);
}
END_TEST

START_TEST(caret_keeps_the_tabs_and_counts_utf8_characters_once)
{
    static const char text[] = "scenario x\nthread A\n\tspin 1 # \xc3\xa9t\xc3\xa9\n"
                               "\t\"\xc3\xa9\" spin\n";
    char *out = printed(text, sizeof(text) - 1);

    ck_assert_str_eq(out, "t.scn:4:2: error: expected a statement, found "
                     "'\"\xc3\xa9\"'\n\t\"\xc3\xa9\" spin\n\t^\n");
    free(out);
    out = printed("scenario x\nthread A\n\t\"\xc3\xa9\"\t@\n", 28);
    ck_assert_str_eq(out, "t.scn:3:7: error: unexpected character '@'\n"
                     "\t\"\xc3\xa9\"\t@\n\t   \t^\n");
    free(out);
}
END_TEST

START_TEST(a_file_that_cannot_be_opened_is_reported_without_a_line)
{
    struct st_diag d;
    char *out = NULL;
    size_t n = 0;
    FILE *f;

    ck_assert_ptr_null(st_scenario_load("/nonexistent/x.scn", &d));
    ck_assert_int_eq(d.loc.line, 0);
    f = open_memstream(&out, &n);
    st_diag_print(f, &d);
    fclose(f);
    ck_assert_str_eq(out, "/nonexistent/x.scn: error: cannot open: "
                     "No such file or directory\n");
    free(out);
}
END_TEST

START_TEST(a_huge_line_is_cut_in_the_diagnostic)
{
    size_t len = 1 << 20, i;
    char *text = malloc(len + 32);
    struct st_diag d;

    strcpy(text, "scenario x\nthread A\n  spin 1 ");
    for (i = strlen(text); i < len; i++)
        text[i] = 'z';                  /* one giant name: too long */
    ck_assert_ptr_null(st_scenario_parse("t.scn", text, len, &d));
    ck_assert_int_eq(d.loc.line, 3);
    ck_assert_int_eq(d.loc.col, 10);
    ck_assert_str_eq(d.msg, "name longer than 63 bytes");
    ck_assert_uint_eq(strlen(d.text), sizeof(d.text) - 1);
    free(text);
}
END_TEST

START_TEST(binary_junk_is_refused_without_crashing)
{
    unsigned char buf[4096];
    unsigned x = 12345;
    int round;

    for (round = 0; round < 200; round++) {
        struct st_diag d;
        size_t i;

        for (i = 0; i < sizeof(buf); i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (unsigned char)(x >> 16);
        }
        if (round % 2)                  /* a valid start, then junk */
            memcpy(buf, "scenario j\nthread A\n", 20);
        ck_assert_ptr_null(st_scenario_parse("j.scn", (char *)buf,
                                             sizeof(buf), &d));
        ck_assert_int_ge(d.loc.line, 1);
        ck_assert_int_ge(d.loc.col, 1);
    }
}
END_TEST

START_TEST(deep_repeat_nesting_is_refused)
{
    size_t n = 100000, i;
    char *text = malloc(n * 10 + 64), *p = text;
    struct st_diag d;

    p += sprintf(p, "scenario deep\nthread A\n");
    for (i = 0; i < n; i++)
        p += sprintf(p, "repeat 1\n");
    ck_assert_ptr_null(st_scenario_parse("d.scn", text, (size_t)(p - text), &d));
    ck_assert_str_eq(d.msg, "repeat nested deeper than 8");
    ck_assert_int_eq(d.loc.line, 11);
    free(text);
}
END_TEST

START_TEST(an_unterminated_string_at_the_end_of_the_file_is_reported)
{
    struct st_diag d;

    ck_assert_ptr_null(st_scenario_parse("u.scn", "scenario u\nabout \"abc\\",
                                         22, &d));
    ck_assert_int_eq(d.loc.line, 2);
    ck_assert_int_eq(d.loc.col, 7);
    ck_assert_str_eq(d.msg, "unterminated string");
}
END_TEST

START_TEST(a_nul_byte_is_an_unexpected_character)
{
    struct st_diag d;

    ck_assert_ptr_null(st_scenario_parse("n.scn", "scenario n\0x\n", 13, &d));
    ck_assert_int_eq(d.loc.col, 11);
    ck_assert_str_eq(d.msg, "unexpected character '\\x00'");
    ck_assert_str_eq(d.text, "scenario n?x");
}
END_TEST

START_TEST(repeats_that_would_take_too_long_to_check_are_refused)
{
    /* 8 nested repeats whose counts change every round: each level runs
     * its body twice, each thread twice: 512 * 40000 steps > 2 * 10^7. */
    size_t n = 40000, i;
    char *text = malloc(n * 10 + 512), *p = text;
    struct st_diag d;

    p += sprintf(p, "scenario slow\nsetup\n ctx c\n s = new c\nthread A\n");
    for (i = 0; i < 8; i++)
        p += sprintf(p, "repeat 2\n");
    for (i = 0; i < n; i++)
        p += sprintf(p, "up_ref s\n");
    for (i = 0; i < 8; i++)
        p += sprintf(p, "end\n");
    ck_assert_ptr_null(st_scenario_parse("s.scn", text, (size_t)(p - text), &d));
    ck_assert_str_eq(d.msg, "scenario too large to check (repeats would take "
                     "over 20000000 steps)");
    free(text);
}
END_TEST

START_TEST(a_file_over_16_mib_is_refused_before_parsing)
{
    size_t len = (16u << 20) + 1;
    char *text = calloc(1, len);
    struct st_diag d;

    ck_assert_ptr_null(st_scenario_parse("big.scn", text, len, &d));
    ck_assert_str_eq(d.msg, "file larger than 16777216 bytes");
    free(text);
}
END_TEST

START_TEST(the_first_problem_of_a_file_wins)
{
    struct st_diag d;
    static const char text[] = "scenario two\nthread A\n  frob\n  blah\n";

    ck_assert_ptr_null(st_scenario_parse("f.scn", text, sizeof(text) - 1, &d));
    ck_assert_int_eq(d.loc.line, 3);
    ck_assert_str_eq(d.msg, "unknown statement 'frob'");
}
END_TEST

/* ---- names local to a thread ---- */

/* text must be refused with exactly the printed diagnostic want. */
static void refused_as(const char *text, const char *want)
{
    char *out = printed(text, strlen(text));

    ck_assert_msg(out != NULL, "accepted: %s", text);
    ck_assert_str_eq(out, want);
    free(out);
}

static void accepted(const char *text)
{
    struct st_diag d;
    struct st_scenario *sc = st_scenario_parse("t.scn", text, strlen(text), &d);

    ck_assert_msg(sc != NULL, "%d:%d: %s\n%s", d.loc.line, d.loc.col, d.msg,
                  text);
    st_scenario_free(sc);
}

#define TWO_DS "scenario x\nglobal\n ctx c\nthread A\n d = new c\n" \
               "thread B\n d = new c\n"

START_TEST(four_threads_may_each_dup_and_free_their_own_d)
{
    accepted("scenario x\nglobal\n ctx c\nsetup\n s = new c\n up_ref s\n"
             " up_ref s\n up_ref s\nthread A\n d = dup s\n free d\n free s\n"
             "thread B\n d = dup s\n free d\n free s\nthread C\n d = dup s\n"
             " free d\n free s\nthread D\n d = dup s\n free d\n free s\n");
}
END_TEST

START_TEST(a_plain_name_in_check_is_ambiguous_when_two_threads_make_it)
{
    refused_as(TWO_DS "check\n free A.d\n  free d\n",
               "t.scn:10:8: error: name 'd' is ambiguous: made by thread A at "
               "5:2 and thread B at 7:2 (write A.d or B.d)\n  free d\n       ^\n");
    accepted(TWO_DS "check\n free A.d\n free B.d\n");
}
END_TEST

START_TEST(an_ambiguous_name_lists_three_threads_and_counts_the_others)
{
    refused_as(TWO_DS "thread C\n d = new c\ncheck\n free d\n",
               "t.scn:11:7: error: name 'd' is ambiguous: made by thread A at "
               "5:2, thread B at 7:2 and thread C at 9:2 (write A.d, B.d or "
               "C.d)\n free d\n      ^\n");
    refused_as(TWO_DS "thread C\n d = new c\nthread D\n d = new c\n"
               "check\n free d\n",
               "t.scn:13:7: error: name 'd' is ambiguous: made by thread A at "
               "5:2, thread B at 7:2, thread C at 9:2 and 1 other thread (write "
               "THREAD.d)\n free d\n      ^\n");
}
END_TEST

START_TEST(a_thread_cannot_name_another_threads_name)
{
    refused_as(TWO_DS " free d\n free A.d\n",
               "t.scn:9:7: error: a thread cannot name another thread's 'd'\n"
               " free A.d\n      ^\n");
    /* its own, qualified, is its own */
    accepted("scenario x\nglobal\n ctx c\nthread A\n d = new c\n free A.d\n");
}
END_TEST

START_TEST(reference_balance_counts_each_threads_name_apart)
{
    /* B's d is never freed: A's free does not balance it */
    refused_as(TWO_DS " up_ref d\n free d\nthread C\n spin 1\n"
               "check\n free A.d\n",
               "t.scn:7:2: error: references not balanced: 'B.d' gets 2 "
               "references but 1 free\n d = new c\n ^\n");
    /* A cannot use its d after its last free, whatever B's d holds */
    refused_as("scenario x\nglobal\n ctx c\nthread A\n d = new c\n free d\n"
               " free d\nthread B\n d = new c\n up_ref d\n free d\n free d\n",
               "t.scn:7:7: error: name 'd' used after thread A dropped its last "
               "reference\n free d\n      ^\n");
    /* check's free balances the thread it names */
    accepted(TWO_DS " free d\ncheck\n expect refs A.d == 1\n free A.d\n");
}
END_TEST

START_TEST(a_thread_may_not_make_a_name_global_or_setup_made)
{
    refused_as("scenario x\nglobal\n ctx c\nsetup\n s = new c\nthread A\n"
               " free s\n s = new c\n free s\n",
               "t.scn:8:2: error: name 's' is already made by setup at 5:2\n"
               " s = new c\n ^\n");
    refused_as("scenario x\nglobal\n ctx c\nthread A\n ctx c\n",
               "t.scn:5:6: error: name 'c' is already made by global at 3:6\n"
               " ctx c\n     ^\n");
    /* check's names are shared too: not one a thread makes */
    refused_as(TWO_DS " free d\ncheck\n free A.d\n d = new c\n",
               "t.scn:11:2: error: duplicate name 'd' (first created at 5:2)\n"
               " d = new c\n ^\n");
    /* twice in one thread */
    refused_as(TWO_DS " free d\n d = new c\n",
               "t.scn:9:2: error: duplicate name 'd' (first created at 7:2)\n"
               " d = new c\n ^\n");
}
END_TEST

START_TEST(a_new_name_cannot_have_a_thread_part)
{
    refused_as("scenario x\nglobal\n ctx c\nthread A\n A.d = new c\n",
               "t.scn:5:2: error: cannot create 'A.d' (a new name has no thread "
               "part: it belongs to the block that makes it)\n A.d = new c\n"
               " ^\n");
    refused_as("scenario x\nglobal\n ctx A.c\nthread A\n spin 1\n",
               "t.scn:3:6: error: cannot create 'A.c' (a new name has no thread "
               "part: it belongs to the block that makes it)\n ctx A.c\n"
               "     ^\n");
}
END_TEST

START_TEST(a_thread_part_names_a_thread_that_makes_the_name)
{
    refused_as(TWO_DS "check\n free A.d\n free X.d\n",
               "t.scn:10:7: error: unknown thread 'X' in 'X.d'\n free X.d\n"
               "      ^\n");
    refused_as(TWO_DS "check\n free A.d\n free B.d\n expect freed A.e\n",
               "t.scn:11:15: error: thread A makes no name 'e'\n"
               " expect freed A.e\n              ^\n");
    /* setup runs before the threads */
    refused_as("scenario x\nglobal\n ctx c\nsetup\n free A.d\nthread A\n"
               " d = new c\n free d\n",
               "t.scn:5:7: error: name 'A.d' used before it is created\n"
               " free A.d\n      ^\n");
}
END_TEST

START_TEST(a_dot_that_does_not_join_two_names_is_refused)
{
    static const struct { const char *name, *msg; int col; } c[] = {
        { "A.", "malformed name 'A.' (a thread's name is written THREAD.NAME)", 7 },
        { "A.B.c", "malformed name 'A.B.c' (a thread's name is written "
                   "THREAD.NAME)", 7 },
        { "A.1", "malformed name 'A.1' (a thread's name is written "
                 "THREAD.NAME)", 7 },
        { "A..d", "malformed name 'A..d' (a thread's name is written "
                  "THREAD.NAME)", 7 },
        { "A. d", "malformed name 'A.' (a thread's name is written "
                  "THREAD.NAME)", 7 },
        { "A .d", "unexpected character '.'", 9 },
        { ".d", "unexpected character '.'", 7 },
        { "1.5", "unexpected character '.'", 8 },
        { "A-b.c", "invalid name 'A-b.c' (letters, digits and _ only)", 7 },
    };
    size_t i;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        char text[128];
        struct st_diag d;

        snprintf(text, sizeof(text), "scenario x\ncheck\n free %s\n",
                 c[i].name);
        ck_assert_ptr_null(st_scenario_parse("t.scn", text, strlen(text), &d));
        ck_assert_msg(strcmp(d.msg, c[i].msg) == 0, "%s: %s", c[i].name, d.msg);
        ck_assert_int_eq(d.loc.line, 3);
        ck_assert_int_eq(d.loc.col, c[i].col);
    }
}
END_TEST

START_TEST(the_longest_thread_and_object_names_join_and_a_longer_part_is_refused)
{
    char t[64], n[64], text[512];
    struct st_diag d;

    memset(t, 'T', 63);
    t[63] = '\0';
    memset(n, 'n', 63);
    n[63] = '\0';
    snprintf(text, sizeof(text), "scenario x\nglobal\n ctx c\nthread %s\n"
             " %s = new c\ncheck\n free %s.%s\n", t, n, t, n);
    accepted(text);
    snprintf(text, sizeof(text), "scenario x\ncheck\n free %s.%sn\n", t, n);
    ck_assert_ptr_null(st_scenario_parse("t.scn", text, strlen(text), &d));
    ck_assert_str_eq(d.msg, "name longer than 63 bytes");
    ck_assert_int_eq(d.loc.col, 7 + 64);        /* the second part */
    snprintf(text, sizeof(text), "scenario x\ncheck\n free %sT.%s\n", t, n);
    ck_assert_ptr_null(st_scenario_parse("t.scn", text, strlen(text), &d));
    ck_assert_str_eq(d.msg, "name longer than 63 bytes");
    ck_assert_int_eq(d.loc.col, 7);
    /* a long malformed name is cut in the message */
    snprintf(text, sizeof(text), "scenario x\ncheck\n free %s.%s.x\n", t, n);
    ck_assert_ptr_null(st_scenario_parse("t.scn", text, strlen(text), &d));
    ck_assert_str_eq(d.msg, "malformed name 'TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"
                     "...' (a thread's name is written THREAD.NAME)");
}
END_TEST

START_TEST(a_thread_name_is_refused_where_no_object_is_named)
{
    static const struct { const char *line, *msg; } c[] = {
        { "thread A.b", "expected a thread name, found 'A.b'" },
        { "observe A.d leaks", "expected a label, found 'A.d'" },
        { "set s A.x=1", "expected KEY=VALUE, found 'A.x'" },
        { "set s options=A.x", "unknown value 'A.x' for 'options'" },
        { "expect errors == A.x", "expected none or an error reason, found 'A.x'" },
        { "spin A.x", "expected a number, found 'A.x'" },
        { "A.x", "expected a statement, found 'A.x'" },
    };
    size_t i;

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        char text[128];
        struct st_diag d;

        snprintf(text, sizeof(text), "scenario x\nglobal\n ctx c\n"
                 "thread A\n s = new c\n %s\n", c[i].line);
        ck_assert_ptr_null(st_scenario_parse("t.scn", text, strlen(text), &d));
        ck_assert_msg(strcmp(d.msg, c[i].msg) == 0, "%s: %s", c[i].line, d.msg);
    }
}
END_TEST

START_TEST(soup_of_dots_names_and_blocks_never_crashes)
{
    static const char *const words[] = {
        "A.d", "B.d", "A.", ".d", "A.B.c", "d", "s", "c", "X.d", "A.s",
        "=", "==", "!=", "new", "dup", "free", "up_ref", "expect", "refs",
        "freed", "same(", ",", ")", "session=", "set", "copied", "repeat 2",
        "end", "\nthread A\n", "\nthread B\n", "\ncheck\n", "\nsetup\n",
        "\nglobal\n", "\n", "\n", "\n", "1", ".", "..", "A.d.",
    };
    unsigned x = 2024;
    int round;

    for (round = 0; round < 3000; round++) {
        char text[1024];
        size_t len;
        struct st_diag d;
        struct st_scenario *sc;
        int k;

        len = (size_t)snprintf(text, sizeof(text), "scenario soup\nglobal\n"
                               " ctx c\nsetup\n s = new c\nthread A\n");
        for (k = 0; k < 40; k++) {
            const char *w;

            x = x * 1103515245u + 12345u;
            w = words[(x >> 16) % (sizeof(words) / sizeof(words[0]))];
            if (len + strlen(w) + 2 >= sizeof(text))
                break;
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", w,
                                    (x >> 8) & 1 ? " " : "");
        }
        sc = st_scenario_parse("soup.scn", text, len, &d);
        if (sc != NULL) {
            st_scenario_free(sc);
            continue;
        }
        ck_assert_int_ge(d.loc.line, 1);
        ck_assert_int_ge(d.loc.col, 1);
        ck_assert_uint_lt(strlen(d.msg), sizeof(d.msg));
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *files = tcase_create("files");
    TCase *diag = tcase_create("diagnostics");
    TCase *hostile = tcase_create("hostile");
    TCase *local = tcase_create("thread names");

    nbad = list("bad", bad_files);
    ngood = list("good", good_files);
    tcase_add_test(files, the_data_directories_hold_the_test_files);
    tcase_add_loop_test(files,
                        every_bad_file_stops_at_its_expected_line_col_and_message,
                        0, nbad);
    tcase_add_loop_test(files, every_good_file_is_accepted, 0, ngood);
    tcase_add_test(files, every_bad_file_message_is_on_the_reference_page);
    tcase_add_test(diag, diagnostic_prints_position_then_the_line_then_a_caret);
    tcase_add_test(diag, caret_keeps_the_tabs_and_counts_utf8_characters_once);
    tcase_add_test(diag, a_file_that_cannot_be_opened_is_reported_without_a_line);
    tcase_add_test(diag, the_first_problem_of_a_file_wins);
    tcase_add_test(hostile, a_huge_line_is_cut_in_the_diagnostic);
    tcase_add_test(hostile, binary_junk_is_refused_without_crashing);
    tcase_add_test(hostile, deep_repeat_nesting_is_refused);
    tcase_add_test(hostile, an_unterminated_string_at_the_end_of_the_file_is_reported);
    tcase_add_test(hostile, a_nul_byte_is_an_unexpected_character);
    tcase_add_test(hostile, a_file_over_16_mib_is_refused_before_parsing);
    tcase_add_test(hostile, repeats_that_would_take_too_long_to_check_are_refused);
    tcase_add_test(hostile, soup_of_dots_names_and_blocks_never_crashes);
    tcase_set_timeout(hostile, 120);
    tcase_add_test(local, four_threads_may_each_dup_and_free_their_own_d);
    tcase_add_test(local, a_plain_name_in_check_is_ambiguous_when_two_threads_make_it);
    tcase_add_test(local, an_ambiguous_name_lists_three_threads_and_counts_the_others);
    tcase_add_test(local, a_thread_cannot_name_another_threads_name);
    tcase_add_test(local, reference_balance_counts_each_threads_name_apart);
    tcase_add_test(local, a_thread_may_not_make_a_name_global_or_setup_made);
    tcase_add_test(local, a_new_name_cannot_have_a_thread_part);
    tcase_add_test(local, a_thread_part_names_a_thread_that_makes_the_name);
    tcase_add_test(local, a_dot_that_does_not_join_two_names_is_refused);
    tcase_add_test(local,
                   the_longest_thread_and_object_names_join_and_a_longer_part_is_refused);
    tcase_add_test(local, a_thread_name_is_refused_where_no_object_is_named);
    tu_add_stress_leak_checks(files);
    suite_add_tcase(s, files);
    tu_add_stress_leak_checks(diag);
    suite_add_tcase(s, diag);
    tu_add_stress_leak_checks(hostile);
    suite_add_tcase(s, hostile);
    tu_add_stress_leak_checks(local);
    suite_add_tcase(s, local);
    return s;
}
