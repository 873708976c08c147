/* Memory: CRYPTO_malloc & co, the live-allocation count and allocation
 * failure injection.
 *
 * Concurrency.  Every counter is an atomic with relaxed order: each is a
 * tally that no other memory access depends on (a reader gets a snapshot).
 * The custom functions are atomics too, so that a late (refused)
 * CRYPTO_set_mem_functions never races an allocation; OpenSSL's rule that
 * they are set before the first allocation is what makes a set one
 * consistent, and that rule is enforced: once anything was allocated the
 * call returns 0. */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static _Atomic(CRYPTO_malloc_fn) malloc_impl;
static _Atomic(CRYPTO_realloc_fn) realloc_impl;
static _Atomic(CRYPTO_free_fn) free_impl;
static atomic_int allow_customize = 1;

static atomic_long live_allocs;          /* blocks handed out, not freed */
static atomic_ulong alloc_count;         /* allocation calls so far */
static atomic_ulong fail_target;         /* alloc_count value that fails; 0: none */

int CRYPTO_set_mem_functions(CRYPTO_malloc_fn m, CRYPTO_realloc_fn r,
                             CRYPTO_free_fn f)
{
    if (!atomic_load_explicit(&allow_customize, memory_order_relaxed))
        return 0;
    if (m != NULL)
        atomic_store_explicit(&malloc_impl, m, memory_order_relaxed);
    if (r != NULL)
        atomic_store_explicit(&realloc_impl, r, memory_order_relaxed);
    if (f != NULL)
        atomic_store_explicit(&free_impl, f, memory_order_relaxed);
    return 1;
}

void CRYPTO_get_mem_functions(CRYPTO_malloc_fn *m, CRYPTO_realloc_fn *r,
                              CRYPTO_free_fn *f)
{
    if (m != NULL)
        *m = atomic_load_explicit(&malloc_impl, memory_order_relaxed);
    if (r != NULL)
        *r = atomic_load_explicit(&realloc_impl, memory_order_relaxed);
    if (f != NULL)
        *f = atomic_load_explicit(&free_impl, memory_order_relaxed);
}

/* One more allocation call; 1 if it is the one armed to fail. */
static int next_alloc_fails(void)
{
    unsigned long n, t;

    /* An exchange, not a store: a relaxed store is a plain mov, which
     * Helgrind and DRD take for a racing write when two threads allocate;
     * a locked read-modify-write they treat as the atomic it is. */
    (void)atomic_exchange_explicit(&allow_customize, 0, memory_order_relaxed);
    n = atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed) + 1;
    t = n;
    /* relaxed: only one caller can swap a given target to 0. */
    return atomic_compare_exchange_strong_explicit(&fail_target, &t, 0,
                                                   memory_order_relaxed,
                                                   memory_order_relaxed);
}

void *CRYPTO_malloc(size_t num, const char *file, int line)
{
    CRYPTO_malloc_fn m;
    void *p;

    if (num == 0 || next_alloc_fails())
        return NULL;
    m = atomic_load_explicit(&malloc_impl, memory_order_relaxed);
    p = m != NULL ? m(num, file, line) : malloc(num);
    if (p != NULL)
        atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
    return p;
}

void *CRYPTO_zalloc(size_t num, const char *file, int line)
{
    void *p = CRYPTO_malloc(num, file, line);

    if (p != NULL)
        memset(p, 0, num);
    return p;
}

void *CRYPTO_realloc(void *addr, size_t num, const char *file, int line)
{
    CRYPTO_realloc_fn r;

    if (addr == NULL)
        return CRYPTO_malloc(num, file, line);
    if (num == 0) {
        CRYPTO_free(addr, file, line);
        return NULL;
    }
    if (next_alloc_fails())
        return NULL;
    r = atomic_load_explicit(&realloc_impl, memory_order_relaxed);
    return r != NULL ? r(addr, num, file, line) : realloc(addr, num);
}

void CRYPTO_free(void *ptr, const char *file, int line)
{
    CRYPTO_free_fn f;

    if (ptr == NULL)
        return;
    atomic_fetch_sub_explicit(&live_allocs, 1, memory_order_relaxed);
    f = atomic_load_explicit(&free_impl, memory_order_relaxed);
    if (f != NULL)
        f(ptr, file, line);
    else
        free(ptr);
}

void OPENSSL_cleanse(void *ptr, size_t len)
{
    volatile unsigned char *p = ptr;

    while (len-- > 0)
        *p++ = 0;
}

void CRYPTO_clear_free(void *ptr, size_t num, const char *file, int line)
{
    if (ptr == NULL)
        return;
    if (num > 0)
        OPENSSL_cleanse(ptr, num);
    CRYPTO_free(ptr, file, line);
}

char *CRYPTO_strdup(const char *str, const char *file, int line)
{
    size_t n;
    char *r;

    if (str == NULL)
        return NULL;
    n = strlen(str) + 1;
    if ((r = CRYPTO_malloc(n, file, line)) != NULL)
        memcpy(r, str, n);
    return r;
}

char *CRYPTO_strndup(const char *str, size_t s, const char *file, int line)
{
    size_t n;
    char *r;

    if (str == NULL)
        return NULL;
    n = strnlen(str, s);
    if ((r = CRYPTO_malloc(n + 1, file, line)) != NULL) {
        memcpy(r, str, n);
        r[n] = '\0';
    }
    return r;
}

void *CRYPTO_memdup(const void *str, size_t siz, const char *file, int line)
{
    void *r;

    if (str == NULL || siz == 0 || siz >= INT_MAX)
        return NULL;
    if ((r = CRYPTO_malloc(siz, file, line)) != NULL)
        memcpy(r, str, siz);
    return r;
}

/* ---- minissl's helpers: raise the reason themselves ---- */
void *ms_malloc(size_t n)
{
    void *p = CRYPTO_malloc(n, OPENSSL_FILE, OPENSSL_LINE);

    if (p == NULL)
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    return p;
}

void *ms_zalloc(size_t n)
{
    void *p = CRYPTO_zalloc(n, OPENSSL_FILE, OPENSSL_LINE);

    if (p == NULL)
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    return p;
}

void *ms_memdup(const void *p, size_t n)
{
    void *r;

    if (p == NULL || n == 0)
        return NULL;
    if ((r = ms_malloc(n)) != NULL)
        memcpy(r, p, n);
    return r;
}

char *ms_strdup(const char *s)
{
    char *r;

    if (s == NULL)
        return NULL;
    r = CRYPTO_strdup(s, OPENSSL_FILE, OPENSSL_LINE);
    if (r == NULL)
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    return r;
}

void ms_free(void *p)
{
    CRYPTO_free(p, OPENSSL_FILE, OPENSSL_LINE);
}

/* ---- minissl/inspect.h ---- */
long minissl_live_allocations(void)
{
    return atomic_load_explicit(&live_allocs, memory_order_relaxed);
}

unsigned long minissl_allocation_count(void)
{
    return atomic_load_explicit(&alloc_count, memory_order_relaxed);
}

void minissl_fail_allocation(unsigned long k)
{
    unsigned long now = atomic_load_explicit(&alloc_count,
                                             memory_order_relaxed);

    atomic_store_explicit(&fail_target, k == 0 ? 0 : now + k,
                          memory_order_relaxed);
}

int minissl_fail_allocation_pending(void)
{
    return atomic_load_explicit(&fail_target, memory_order_relaxed) != 0;
}
