/* Suite gen: the contract table (stress/contract.c) and the scenarios
 * `sslstress gen` writes from it (stress/gen.c).  The table names each
 * pair once; every allowed row gives one valid scenario per state and
 * role, a forbidden one none; the files carry the checks the header
 * promises; generation is byte-identical when repeated; writing a
 * directory rewrites only changed files and removes only generated ones. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contract.h"
#include "gen.h"
#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

static struct st_gen_file *files;
static size_t nfiles;

static void gen_setup(void)
{
    ck_assert_int_eq(st_gen_all(&files, &nfiles), 0);
}

static void gen_teardown(void)
{
    st_gen_free(files, nfiles);
    files = NULL;
    nfiles = 0;
}

static const struct st_gen_file *find(const char *name)
{
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(files[i].name, name) == 0)
            return &files[i];
    return NULL;
}

/* Files whose name begins "FAMILY-A-vs-B" and goes on with '-' or '.'. */
static size_t count_pair(const struct st_cpair *r)
{
    char stem[128];
    size_t n = 0, l;

    l = (size_t)snprintf(stem, sizeof(stem), "%s-%s-vs-%s",
                         st_cfam_slug(r->fam), st_cop_slug(r->a),
                         st_cop_slug(r->b));
    for (size_t i = 0; i < nfiles; i++)
        n += strncmp(files[i].name, stem, l) == 0
             && (files[i].name[l] == '-' || files[i].name[l] == '.');
    return n;
}

static int bits(unsigned m)
{
    int n = 0;

    for (; m != 0; m &= m - 1)
        n++;
    return n;
}

START_TEST(the_table_names_each_pair_of_a_family_once)
{
    gen_setup();
    for (size_t i = 0; i < st_ncontract; i++) {
        const struct st_cpair *r = &st_contract[i];

        ck_assert_ptr_nonnull(r->why);
        ck_assert_msg(strstr(r->why, ".h") != NULL
                      || strstr(r->why, "the page") != NULL,
                      "row %s cites no source: %s", r->id, r->why);
        ck_assert_msg(r->allowed || r->states == 0, "row %s", r->id);
        for (size_t k = 0; k < i; k++) {
            const struct st_cpair *q = &st_contract[k];

            ck_assert_msg(strcmp(q->id, r->id) != 0, "row %s twice", r->id);
            ck_assert_msg(q->fam != r->fam
                          || !((q->a == r->a && q->b == r->b)
                               || (q->a == r->b && q->b == r->a)),
                          "rows %s and %s pair the same operations", q->id,
                          r->id);
        }
    }
    gen_teardown();
}
END_TEST

START_TEST(every_allowed_row_gives_a_file_per_state_and_role_and_a_forbidden_one_none)
{
    size_t want = 0;
    gen_setup();

    for (size_t i = 0; i < st_ncontract; i++) {
        const struct st_cpair *r = &st_contract[i];
        size_t n = !r->allowed ? 0
                   : r->states == 0 ? 2
                   : r->fam == ST_CF_CACHE
                   ? (size_t)(bits(r->states) * 2 - !!(r->states & ST_CS_INITIAL))
                   : (size_t)bits(r->states) * 2;

        ck_assert_msg(count_pair(r) == n, "row %s: %zu files, want %zu",
                      r->id, count_pair(r), n);
        want += n;
    }
    ck_assert_uint_eq(nfiles, want);
    /* the dimensions, spelled out for one row of each kind */
    ck_assert_ptr_nonnull(find("ssl-free-vs-dup-initial-client.scn"));
    ck_assert_ptr_nonnull(find("ssl-free-vs-dup-finished-server.scn"));
    ck_assert_ptr_nonnull(find("ssl-dup-vs-handshake-mid-server.scn"));
    ck_assert_ptr_null(find("ssl-dup-vs-handshake-finished-client.scn"));
    ck_assert_ptr_nonnull(find("ctx-ctx_up_ref-vs-ctx_free-client.scn"));
    ck_assert_ptr_nonnull(find("cache-add-vs-remove-initial.scn"));
    ck_assert_ptr_nonnull(find("cache-add-vs-remove-finished-client.scn"));
    ck_assert_ptr_null(find("cache-add-vs-remove-initial-client.scn"));
    /* an operation no allowed row names is in no file */
    for (int op = ST_CO_UP_REF; op <= ST_CO_CACHE_SET; op++) {
        bool used = false;

        for (size_t i = 0; i < st_ncontract; i++)
            used |= st_contract[i].allowed
                    && ((int)st_contract[i].a == op || (int)st_contract[i].b == op);
        for (size_t i = 0; !used && i < nfiles; i++) {
            char a[64], b[64];

            ck_assert_int_eq(sscanf(files[i].name, "%*[a-z]-%63[a-z0-9_]-vs-"
                                    "%63[a-z0-9_]", a, b), 2);
            ck_assert_msg(strcmp(a, st_cop_slug(op)) != 0
                          && strcmp(b, st_cop_slug(op)) != 0,
                          "%s: %s is in no allowed row", files[i].name,
                          st_cop_slug(op));
        }
    }
    gen_teardown();
}
END_TEST

/* The statements of |b| (no repeats are generated) that satisfy |pred|. */
static size_t count_stmts(const struct st_block *b,
                          int (*pred)(const struct st_stmt *))
{
    size_t n = 0;

    for (size_t i = 0; i < b->nstmts; i++)
        n += pred(&b->stmts[i]) != 0;
    return n;
}

static int is_dup(const struct st_stmt *s) { return s->op == ST_OP_DUP; }

static int is_copied(const struct st_stmt *s)
{
    return s->op == ST_OP_EXPECT && s->expr.kind == ST_E_COPIED;
}

static int is_freed(const struct st_stmt *s)
{
    return s->op == ST_OP_EXPECT && s->expr.kind == ST_E_FREED;
}

START_TEST(every_generated_scenario_validates_and_carries_its_checks)
{
    for (size_t i = 0; i < nfiles; i++) {
        const struct st_gen_file *g = &files[i];
        struct st_diag d;
        struct st_scenario *sc = st_scenario_parse(g->name, g->text, g->len,
                                                   &d);
        const struct st_stmt *last;
        size_t dups = 0, copied = 0;
    gen_setup();

        ck_assert_msg(sc != NULL, "%s:%d:%d: %s", g->name, d.loc.line,
                      d.loc.col, d.msg);
        ck_assert_msg(strncmp(g->text, ST_GEN_MARK, strlen(ST_GEN_MARK)) == 0,
                      "%s", g->name);
        ck_assert_int_eq(strncmp(sc->name, g->name, strlen(sc->name)), 0);
        ck_assert_str_eq(g->name + strlen(sc->name), ".scn");
        ck_assert_uint_eq(sc->nthreads, 2);
        ck_assert(sc->has_setup && sc->has_check);
        last = &sc->check.stmts[sc->check.nstmts - 1];
        ck_assert_msg(last->op == ST_OP_EXPECT && last->expr.kind == ST_E_LEAKS
                      && last->expr.has_cmp && last->expr.num == 0,
                      "%s: check does not end with leaks == 0", g->name);
        ck_assert_msg(count_stmts(&sc->check, is_freed) > 0,
                      "%s: no object is checked freed", g->name);
        for (size_t t = 0; t < sc->nthreads; t++) {
            dups += count_stmts(&sc->threads[t], is_dup);
            copied += count_stmts(&sc->threads[t], is_copied);
        }
        /* a dup of an initial SSL is checked for its copy, unless the
         * other thread's handshake decides (then: the outcome table) */
        if (strstr(g->name, "-initial") != NULL && sc->noutcomes == 0)
            ck_assert_msg(copied == dups, "%s: %zu dups, %zu copied", g->name,
                          dups, copied);
        else
            ck_assert_msg(copied == 0, "%s: copied on a shared handle",
                          g->name);
        if (dups > 0 && strstr(g->name, "-initial") != NULL
            && strstr(g->name, "vs-handshake") != NULL)
            ck_assert_uint_eq(sc->noutcomes, 5);
        st_scenario_free(sc);
    }
    gen_teardown();
}
END_TEST

START_TEST(generating_twice_gives_byte_identical_files)
{
    struct st_gen_file *again;
    size_t n;
    gen_setup();

    ck_assert_int_eq(st_gen_all(&again, &n), 0);
    ck_assert_uint_eq(n, nfiles);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(again[i].name, files[i].name);
        ck_assert_uint_eq(again[i].len, files[i].len);
        ck_assert(memcmp(again[i].text, files[i].text, files[i].len) == 0);
    }
    st_gen_free(again, n);
    gen_teardown();
}
END_TEST

static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static bool exists(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

START_TEST(writing_rewrites_changed_files_and_removes_only_stale_generated_ones)
{
    char dir[] = "/tmp/test_gen.XXXXXX", sub[64], err[256], cmd[128];
    struct st_gen_stats st;
    gen_setup();

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/generated", dir);
    ck_assert_int_eq(st_gen_write(sub, &st, err, sizeof(err)), 0);
    ck_assert_uint_eq(st.written, nfiles);
    ck_assert_uint_eq(st.unchanged + st.removed, 0);
    put(sub, files[0].name, ST_GEN_MARK " but edited by hand\n");
    put(sub, "old-pair.scn", ST_GEN_MARK " from a row since deleted\n");
    put(sub, "mine.scn", "# written by hand\nscenario mine\n");
    put(sub, "notes.txt", ST_GEN_MARK "\n");
    ck_assert_int_eq(st_gen_write(sub, &st, err, sizeof(err)), 0);
    ck_assert_uint_eq(st.written, 1);
    ck_assert_uint_eq(st.unchanged, nfiles - 1);
    ck_assert_uint_eq(st.removed, 1);
    ck_assert(!exists(sub, "old-pair.scn"));
    ck_assert(exists(sub, "mine.scn"));
    ck_assert(exists(sub, "notes.txt"));
    /* a directory that cannot be made is an error that names it */
    snprintf(sub, sizeof(sub), "%s/no/such", dir);
    ck_assert_int_lt(st_gen_write(sub, &st, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, sub));
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    gen_teardown();
}
END_TEST

START_TEST(the_table_print_lists_every_row_and_the_totals)
{
    char *text = NULL, want[128], row[32];
    size_t len = 0, allowed = 0;
    FILE *f = open_memstream(&text, &len);
    gen_setup();

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(st_gen_table(f), 0);
    ck_assert_int_eq(fclose(f), 0);
    for (size_t i = 0; i < st_ncontract; i++) {
        snprintf(row, sizeof(row), "\n| %s | ", st_contract[i].id);
        ck_assert_msg(tu_count(text, row) == 1, "row %s", st_contract[i].id);
        allowed += st_contract[i].allowed;
    }
    snprintf(want, sizeof(want), "%zu rows: %zu allowed, %zu forbidden; %zu "
             "generated files.", st_ncontract, allowed, st_ncontract - allowed,
             nfiles);
    ck_assert_ptr_nonnull(strstr(text, want));
    free(text);
    gen_teardown();
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("gen");
    TCase *table = tcase_create("table");
    TCase *files_tc = tcase_create("files");

    tu_add_stress_leak_checks(table);
    tu_add_stress_leak_checks(files_tc);
    tcase_set_timeout(files_tc, 60);
    tcase_add_test(table, the_table_names_each_pair_of_a_family_once);
    tcase_add_test(table, the_table_print_lists_every_row_and_the_totals);
    tcase_add_test(files_tc,
                   every_allowed_row_gives_a_file_per_state_and_role_and_a_forbidden_one_none);
    tcase_add_test(files_tc,
                   every_generated_scenario_validates_and_carries_its_checks);
    tcase_add_test(files_tc, generating_twice_gives_byte_identical_files);
    tcase_add_test(files_tc,
                   writing_rewrites_changed_files_and_removes_only_stale_generated_ones);
    suite_add_tcase(s, table);
    suite_add_tcase(s, files_tc);
    return s;
}
