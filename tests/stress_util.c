#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "stress_util.h"
#include "testutil.h"

struct st_scenario *tu_load_scenario_text(const char *dir, const char *name,
                                          const char *text)
{
    char path[512];
    struct st_diag d;
    struct st_scenario *sc;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
    sc = st_scenario_load(path, &d);
    if (sc == NULL)
        st_diag_print(stderr, &d);
    ck_assert_ptr_nonnull(sc);
    return sc;
}

static char tmpdir[256];

void tu_make_tmpdir(const char *prefix)
{
    ck_assert_int_lt(snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX",
                              prefix), (int)sizeof(tmpdir));
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

void tu_remove_tmpdir(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

struct st_scenario *tu_load_text(const char *name, const char *text)
{
    return tu_load_scenario_text(tmpdir, name, text);
}

void tu_add_tests_if(TCase *tc, unsigned requires, const char *suite,
                     const TTest *const tests[], size_t n)
{
    const char *why = st_be_missing(requires);

    if (why != NULL) {
        fprintf(stderr, "%s: %s; %zu tests not registered\n", suite, why, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
}

int tu_merge_and_free(const struct st_run *in, size_t n, char *err,
                      size_t errlen)
{
    struct st_run out;
    int ret = st_run_merge(in, n, &out, err, errlen);

    if (ret == 0)
        st_run_free(&out);
    return ret;
}

size_t tu_count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

#ifdef TU_ALLOC_HOOK
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

/* Plain ints: armed and read by the one thread under test (the header's
 * rule); other threads only ever see them disarmed. */
static int counting;            /* hook armed */
static long fail_at = -1;       /* allocations to let through; -1: none */
static long live;               /* allocations minus frees while armed */
static int exempt;              /* tu_alloc_exempt's sum */

static int hook_fails(void)
{
    if (!counting || fail_at < 0 || exempt > 0)
        return 0;
    if (fail_at-- == 0) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    void *p;

    if (hook_fails())
        return NULL;
    p = __libc_malloc(n);
    if (p != NULL && counting)
        live++;
    return p;
}

void *calloc(size_t n, size_t m)
{
    void *p;

    if (hook_fails())
        return NULL;
    p = __libc_calloc(n, m);
    if (p != NULL && counting)
        live++;
    return p;
}

void *realloc(void *p, size_t n)
{
    void *q;

    if (hook_fails())
        return NULL;
    q = __libc_realloc(p, n);
    if (q != NULL && p == NULL && counting)
        live++;
    return q;
}

void free(void *p)
{
    if (p != NULL && counting)
        live--;
    __libc_free(p);
}

/* Let N allocations through, fail the next (N < 0: none), and count
 * allocations minus frees from zero. */
static void alloc_arm(long n)
{
    live = 0;
    fail_at = n;
    counting = 1;
}

/* Disarm; true when the Nth allocation was reached (so it failed). */
static bool alloc_disarm(void)
{
    counting = 0;
    return fail_at < 0;
}

void tu_alloc_exempt(int delta)
{
    exempt += delta;
}

bool tu_alloc_replaced(void)
{
    void *(*volatile alloc)(size_t) = malloc;   /* not optimised away */
    void *probe;

    alloc_arm(-1);
    probe = alloc(1);
    alloc_disarm();
    free(probe);
    return live != 0;
}

/* Disarm after operation OP ran with allocation N failing and returned
 * RET; true when the Nth allocation was not reached. */
static bool disarm_check(const char *op, long n, int ret, const char *err)
{
    bool failed = alloc_disarm();

    ck_assert_msg(live == 0, "%s, allocation %ld failing: %ld allocations "
                  "leaked", op, n, live);
    if (!failed) {
        ck_assert_msg(ret == 0, "%s: %d with no failure (%s)", op, ret, err);
        return true;
    }
    ck_assert_msg(ret == 0 || ret == -ENOMEM || ret == -EIO,
                  "%s, allocation %ld failing: returned %d (%s)", op, n, ret,
                  err);
    return false;
}

void tu_alloc_fail_each(int nops, const char *const names[],
                        tu_alloc_op_fn *run, void *ctx)
{
    char err[256];
    long n;
    int ret;

    for (int op = 0; op < nops; op++) {
        for (n = 0;; n++) {
            err[0] = '\0';
            alloc_arm(n);
            ret = run(ctx, op, err, sizeof(err));
            if (disarm_check(names[op], n, ret, err))
                break;
        }
        ck_assert_msg(n > 0, "%s allocated nothing", names[op]);
    }
}
#endif
