#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <minissl/inspect.h>

#include "backend.h"
#include "stress_util.h"
#include "testutil.h"

#ifdef TU_ALLOC_HOOK
static void heap_watch_start(void);
static void heap_watch_stop(const char *where);
#else
static void heap_watch_start(void) {}
static void heap_watch_stop(const char *where) { (void)where; }
#endif

static void stress_setup(void)
{
    tu_setup();
    heap_watch_start();
}

static void stress_teardown(void)
{
    st_be_cleanup();
    minissl_quarantine_flush();         /* freed objects it still holds */
    heap_watch_stop("teardown");
    tu_teardown();
}

void tu_add_stress_leak_checks(TCase *tc)
{
    tcase_add_checked_fixture(tc, stress_setup, stress_teardown);
}

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

bool tu_assert_report_valid(const char *who, const char *path)
{
    char cmd[1024];
    int st;

    if (system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") != 0) {
        fprintf(stderr, "%s: python3-jsonschema not installed, schema check "
                "SKIPPED\n", who);
        return false;
    }
    snprintf(cmd, sizeof(cmd), "tests/scripts/validate-report.py '%s' "
             ">/dev/null", path);
    st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s does not "
                  "validate against doc/sslstress-report.schema.json (see "
                  "above)", who, path);
    return true;
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

/* The heap watch of the leak checks: each block that malloc, calloc or
 * realloc hands out between a test's setup and its teardown is kept in
 * |watched| until it is freed, so the teardown can say what the test left.
 * Any thread may allocate meanwhile: |watch_lock| guards the table (open
 * addressing, linear probing, deletion by moving entries back, so no
 * tombstones).  A forked child stops watching: what it allocates dies with
 * it, and the fork handlers keep the lock whole across the fork. */
#define WATCH_SLOTS (1u << 18)
struct watched { void *p; size_t n; };
static struct watched watched[WATCH_SLOTS];
static size_t nwatched;
static bool watch_overflow;
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
/* relaxed: setup turns it on before the test starts any thread
 * (pthread_create orders that for them) and teardown off after the test
 * joined them; a read outside the lock only decides whether to take it,
 * and under the lock, where every other write happens (an overflow), it
 * is read again.  A fork child, one thread, turns it off for itself. */
static atomic_bool watching;

static size_t watch_home(const void *p)
{
    return (size_t)(((uintptr_t)p >> 4) * UINT64_C(0x9E3779B97F4A7C15) >> 40)
           & (WATCH_SLOTS - 1);
}

/* The table's two operations; the caller holds watch_lock and has seen
 * |watching| on under it. */
static void watch_insert(void *p, size_t n)
{
    size_t i;

    if (nwatched >= WATCH_SLOTS / 2) {
        watch_overflow = true;          /* too many to tell: stop */
        atomic_store_explicit(&watching, false, memory_order_relaxed);
        return;
    }
    for (i = watch_home(p); watched[i].p != NULL;
         i = (i + 1) & (WATCH_SLOTS - 1))
        ;
    watched[i] = (struct watched){p, n};
    nwatched++;
}

static void watch_remove(void *p)
{
    size_t i, j, k;

    for (i = watch_home(p); watched[i].p != NULL && watched[i].p != p;
         i = (i + 1) & (WATCH_SLOTS - 1))
        ;
    if (watched[i].p == NULL)
        return;                         /* allocated before the watch */
    nwatched--;
    for (j = i;;) {                     /* close the gap at i */
        j = (j + 1) & (WATCH_SLOTS - 1);
        if (watched[j].p == NULL)
            break;
        k = watch_home(watched[j].p);
        /* Move j's entry back into the gap unless its home lies
         * cyclically in (i, j]. */
        if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
            watched[i] = watched[j];
            i = j;
        }
    }
    watched[i].p = NULL;
}

/* Lock when watching; true when locked (and still watching). */
static bool watch_lock_if_on(void)
{
    if (!atomic_load_explicit(&watching, memory_order_relaxed))
        return false;
    pthread_mutex_lock(&watch_lock);
    if (atomic_load_explicit(&watching, memory_order_relaxed))
        return true;
    pthread_mutex_unlock(&watch_lock);
    return false;
}

/* The program's own code: its start and end, from the linker.  Blocks
 * that libc or the dynamic linker allocate for themselves (a new thread's
 * TLS, kept with its cached stack; stdio buffers) are not the test's, so
 * only allocations called from the program are watched. */
extern const char __executable_start[], etext[];

static bool from_program(const void *caller)
{
    return (const char *)caller >= __executable_start
           && (const char *)caller < etext;
}

static void watch_add(void *p, size_t n, const void *caller)
{
    if (p != NULL && from_program(caller) && watch_lock_if_on()) {
        watch_insert(p, n);
        pthread_mutex_unlock(&watch_lock);
    }
}

static void watch_drop(void *p)
{
    if (p != NULL && watch_lock_if_on()) {
        watch_remove(p);
        pthread_mutex_unlock(&watch_lock);
    }
}

static void watch_prefork(void)
{
    pthread_mutex_lock(&watch_lock);
}

static void watch_postfork_parent(void)
{
    pthread_mutex_unlock(&watch_lock);
}

static void watch_postfork_child(void)
{
    atomic_store_explicit(&watching, false, memory_order_relaxed);
    pthread_mutex_unlock(&watch_lock);
}

static void watch_atfork(void)
{
    if (pthread_atfork(watch_prefork, watch_postfork_parent,
                       watch_postfork_child) != 0)
        abort();
}

static void heap_watch_start(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, watch_atfork);
    pthread_mutex_lock(&watch_lock);
    memset(watched, 0, sizeof(watched));
    nwatched = 0;
    watch_overflow = false;
    atomic_store_explicit(&watching, true, memory_order_relaxed);
    pthread_mutex_unlock(&watch_lock);
}

/* Stop watching; fail the test when a block it allocated is still live,
 * naming how many and the size of one. */
static void heap_watch_stop(const char *where)
{
    size_t left, i, size = 0;
    bool overflow;

    pthread_mutex_lock(&watch_lock);
    atomic_store_explicit(&watching, false, memory_order_relaxed);
    left = nwatched;
    overflow = watch_overflow;
    for (i = 0; left > 0 && i < WATCH_SLOTS; i++)
        if (watched[i].p != NULL) {
            size = watched[i].n;
            break;
        }
    pthread_mutex_unlock(&watch_lock);
    if (overflow)
        fprintf(stderr, "%s: more than %u blocks live at once; the heap "
                "check let this test go\n", where, WATCH_SLOTS / 2);
    ck_assert_msg(overflow || left == 0, "%s: %zu heap block(s) the test "
                  "allocated are still live (one of %zu bytes)", where, left,
                  size);
}

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
    watch_add(p, n, __builtin_return_address(0));
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
    watch_add(p, n * m, __builtin_return_address(0));
    return p;
}

void *realloc(void *p, size_t n)
{
    bool locked;
    void *q;

    if (hook_fails())
        return NULL;
    /* Under the lock: libc may free |p| inside and hand its address to
     * another thread, whose entry must come after our removal. */
    locked = watch_lock_if_on();
    q = __libc_realloc(p, n);
    if (q != NULL && p == NULL && counting)
        live++;
    if (locked) {
        if (p != NULL && (q != NULL || n == 0))
            watch_remove(p);            /* moved, resized, or freed */
        if (q != NULL && from_program(__builtin_return_address(0))
            && atomic_load_explicit(&watching, memory_order_relaxed))
            watch_insert(q, n);
        pthread_mutex_unlock(&watch_lock);
    }
    return q;
}

void free(void *p)
{
    if (p != NULL && counting)
        live--;
    watch_drop(p);                      /* before libc may reuse p */
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
