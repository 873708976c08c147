/* ex_data: per-class index registry and per-object slots.
 *
 * Registry: |reg_lock| guards it.  Callers take a snapshot of a class's
 * callbacks under the lock and call them without it (a callback may
 * itself use ex_data), as OpenSSL does.  No allocation: the registry is a
 * fixed table of MS_EX_MAX indexes per class.  Index 0 of every class is
 * the application-data slot, reserved at first use and never given
 * callbacks.  Slots: a growable array owned by the object. */
#include <pthread.h>
#include <string.h>

#include "internal.h"

#define MS_EX_MAX 64

struct ex_cb {
    int live;               /* registered and not freed */
    long argl;
    void *argp;
    CRYPTO_EX_new *new_func;
    CRYPTO_EX_dup *dup_func;
    CRYPTO_EX_free *free_func;
};

/* Yield points "ex_data.lock.*" in the sched build (sched_hook.h). */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ex_cb reg[CRYPTO_EX_INDEX__COUNT][MS_EX_MAX];
static int reg_n[CRYPTO_EX_INDEX__COUNT];

static int bad_class(int c)
{
    if (c < 0 || c >= CRYPTO_EX_INDEX__COUNT) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_INVALID_ARGUMENT);
        return 1;
    }
    return 0;
}

int CRYPTO_get_ex_new_index(int class_index, long argl, void *argp,
                            CRYPTO_EX_new *new_func, CRYPTO_EX_dup *dup_func,
                            CRYPTO_EX_free *free_func)
{
    int idx = -1;

    if (bad_class(class_index))
        return -1;
    MS_LOCK(&reg_lock, "ex_data", "lock", 0);
    if (reg_n[class_index] == 0)
        reg_n[class_index] = 1;             /* index 0: app data */
    if (reg_n[class_index] < MS_EX_MAX) {
        idx = reg_n[class_index]++;
        reg[class_index][idx] = (struct ex_cb){1, argl, argp, new_func,
                                               dup_func, free_func};
    }
    MS_UNLOCK(&reg_lock, "ex_data", "lock", 0);
    if (idx < 0)
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_UNSUPPORTED);   /* table full */
    return idx;
}

int CRYPTO_free_ex_index(int class_index, int idx)
{
    int ok = 0;

    if (bad_class(class_index))
        return 0;
    MS_LOCK(&reg_lock, "ex_data", "lock", 0);
    if (idx > 0 && idx < reg_n[class_index]) {
        reg[class_index][idx].new_func = NULL;
        reg[class_index][idx].dup_func = NULL;
        reg[class_index][idx].free_func = NULL;
        reg[class_index][idx].live = 0;
        ok = 1;
    }
    MS_UNLOCK(&reg_lock, "ex_data", "lock", 0);
    if (!ok)
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_INVALID_ARGUMENT);
    return ok;
}

/* Copies class |c|'s callbacks into |out|; returns how many indexes. */
static int snapshot(int c, struct ex_cb *out)
{
    int n;

    MS_LOCK(&reg_lock, "ex_data", "lock", 0);
    n = reg_n[c];
    memcpy(out, reg[c], (size_t)n * sizeof(*out));
    MS_UNLOCK(&reg_lock, "ex_data", "lock", 0);
    return n;
}

int CRYPTO_set_ex_data(CRYPTO_EX_DATA *ad, int idx, void *val)
{
    void **s;

    if (ad == NULL || idx < 0 || idx >= MS_EX_MAX) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_INVALID_ARGUMENT);
        return 0;
    }
    if (idx >= ad->n) {
        s = CRYPTO_realloc(ad->slot, (size_t)(idx + 1) * sizeof(*s),
                           OPENSSL_FILE, OPENSSL_LINE);
        if (s == NULL) {
            ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
            return 0;
        }
        memset(s + ad->n, 0, (size_t)(idx + 1 - ad->n) * sizeof(*s));
        ad->slot = s;
        ad->n = idx + 1;
    }
    ad->slot[idx] = val;
    return 1;
}

void *CRYPTO_get_ex_data(const CRYPTO_EX_DATA *ad, int idx)
{
    if (ad == NULL || idx < 0 || idx >= ad->n)
        return NULL;
    return ad->slot[idx];
}

int ms_ex_new(int class_index, void *obj, CRYPTO_EX_DATA *ad)
{
    struct ex_cb cb[MS_EX_MAX];
    int i, n;

    ad->slot = NULL;
    ad->n = 0;
    if (bad_class(class_index))
        return 0;
    n = snapshot(class_index, cb);
    for (i = 1; i < n; i++)
        if (cb[i].live && cb[i].new_func != NULL)
            cb[i].new_func(obj, NULL, ad, i, cb[i].argl, cb[i].argp);
    return 1;
}

/* OpenSSL's rule: nothing set on |from|, nothing copied (and no dup_func
 * called); else every index below both the registered count and |from|'s
 * slot count is copied, through its dup_func when it has one.  Index 0,
 * the app-data slot, always counts as registered, so SSL_dup copies the
 * application data as the manual page says (OpenSSL copies it only once
 * some index of the class has been registered). */
int ms_ex_dup(int class_index, CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from)
{
    struct ex_cb cb[MS_EX_MAX];
    int i, n;

    if (bad_class(class_index))
        return 0;
    if (from->slot == NULL)
        return 1;
    n = snapshot(class_index, cb);
    if (n == 0) {
        n = 1;
        cb[0].live = 0;
    }
    if (n > from->n)
        n = from->n;
    if (n > 0 && !CRYPTO_set_ex_data(to, n - 1, CRYPTO_get_ex_data(to, n - 1)))
        return 0;
    for (i = 0; i < n; i++) {
        void *ptr = from->slot[i];

        if (MS_FAULT(exdata_dup_skipped)) { to->slot[i] = ptr; continue; }  /* FAULT */
        if (i > 0 && cb[i].live && cb[i].dup_func != NULL
            && !cb[i].dup_func(to, from, &ptr, i, cb[i].argl, cb[i].argp)) {
            ERR_raise(ERR_LIB_CRYPTO, ERR_R_OPERATION_FAIL);
            return 0;
        }
        to->slot[i] = ptr;
    }
    return 1;
}

void ms_ex_free(int class_index, void *obj, CRYPTO_EX_DATA *ad)
{
    struct ex_cb cb[MS_EX_MAX];
    int i, n;

    if (ad == NULL || class_index < 0 || class_index >= CRYPTO_EX_INDEX__COUNT)
        return;
    n = snapshot(class_index, cb);
    for (i = 1; i < n; i++)
        if (cb[i].live && cb[i].free_func != NULL)
            cb[i].free_func(obj, CRYPTO_get_ex_data(ad, i), ad, i,
                            cb[i].argl, cb[i].argp);
    ms_free(ad->slot);
    ad->slot = NULL;
    ad->n = 0;
}

int CRYPTO_new_ex_data(int class_index, void *obj, CRYPTO_EX_DATA *ad)
{
    if (ad == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    return ms_ex_new(class_index, obj, ad);
}

int CRYPTO_dup_ex_data(int class_index, CRYPTO_EX_DATA *to,
                       const CRYPTO_EX_DATA *from)
{
    if (to == NULL || from == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    return ms_ex_dup(class_index, to, from);
}

void CRYPTO_free_ex_data(int class_index, void *obj, CRYPTO_EX_DATA *ad)
{
    ms_ex_free(class_index, obj, ad);
}
