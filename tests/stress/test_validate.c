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

Suite *make_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *files = tcase_create("files");
    TCase *diag = tcase_create("diagnostics");
    TCase *hostile = tcase_create("hostile");

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
    tcase_set_timeout(hostile, 120);
    tu_add_stress_leak_checks(files);
    suite_add_tcase(s, files);
    tu_add_stress_leak_checks(diag);
    suite_add_tcase(s, diag);
    tu_add_stress_leak_checks(hostile);
    suite_add_tcase(s, hostile);
    return s;
}
