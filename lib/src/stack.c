/* OPENSSL_sk_*: a growable array of pointers.  One thread at a time per
 * stack; failures raise ERR_R_MALLOC_FAILURE (via ms_*). */
#include <string.h>

#include "internal.h"

struct stack_st {
    int num;
    int cap;
    void **data;
};

static int grow(OPENSSL_STACK *st, int need)
{
    void **d;
    int cap;

    if (need <= st->cap)
        return 1;
    cap = st->cap < 4 ? 4 : st->cap;
    while (cap < need)
        cap *= 2;
    d = CRYPTO_realloc(st->data, (size_t)cap * sizeof(*d), OPENSSL_FILE,
                       OPENSSL_LINE);
    if (d == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    st->data = d;
    st->cap = cap;
    return 1;
}

OPENSSL_STACK *OPENSSL_sk_new_null(void)
{
    return ms_zalloc(sizeof(OPENSSL_STACK));
}

OPENSSL_STACK *OPENSSL_sk_new_reserve(OPENSSL_sk_compfunc c, int n)
{
    OPENSSL_STACK *st = OPENSSL_sk_new_null();

    (void)c;
    if (st != NULL && n > 0 && !grow(st, n)) {
        OPENSSL_sk_free(st);
        return NULL;
    }
    return st;
}

void OPENSSL_sk_free(OPENSSL_STACK *st)
{
    if (st == NULL)
        return;
    ms_free(st->data);
    ms_free(st);
}

int OPENSSL_sk_num(const OPENSSL_STACK *st)
{
    return st == NULL ? -1 : st->num;
}

void *OPENSSL_sk_value(const OPENSSL_STACK *st, int i)
{
    if (st == NULL || i < 0 || i >= st->num)
        return NULL;
    return st->data[i];
}

void *OPENSSL_sk_set(OPENSSL_STACK *st, int i, const void *data)
{
    if (st == NULL || i < 0 || i >= st->num) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_INVALID_ARGUMENT);
        return NULL;
    }
    st->data[i] = (void *)data;
    return st->data[i];
}

int OPENSSL_sk_insert(OPENSSL_STACK *st, const void *data, int where)
{
    if (st == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (!grow(st, st->num + 1))
        return 0;
    if (where < 0 || where > st->num)
        where = st->num;
    memmove(st->data + where + 1, st->data + where,
            (size_t)(st->num - where) * sizeof(void *));
    st->data[where] = (void *)data;
    return ++st->num;
}

int OPENSSL_sk_push(OPENSSL_STACK *st, const void *data)
{
    return OPENSSL_sk_insert(st, data, -1);
}

void *OPENSSL_sk_delete(OPENSSL_STACK *st, int loc)
{
    void *r;

    if (st == NULL || loc < 0 || loc >= st->num)
        return NULL;
    r = st->data[loc];
    memmove(st->data + loc, st->data + loc + 1,
            (size_t)(st->num - loc - 1) * sizeof(void *));
    st->num--;
    return r;
}

void *OPENSSL_sk_delete_ptr(OPENSSL_STACK *st, const void *p)
{
    int i;

    for (i = 0; st != NULL && i < st->num; i++)
        if (st->data[i] == p)
            return OPENSSL_sk_delete(st, i);
    return NULL;
}

void *OPENSSL_sk_pop(OPENSSL_STACK *st)
{
    if (st == NULL || st->num == 0)
        return NULL;
    return OPENSSL_sk_delete(st, st->num - 1);
}

void *OPENSSL_sk_shift(OPENSSL_STACK *st)
{
    if (st == NULL || st->num == 0)
        return NULL;
    return OPENSSL_sk_delete(st, 0);
}

void OPENSSL_sk_zero(OPENSSL_STACK *st)
{
    if (st != NULL)
        st->num = 0;
}

OPENSSL_STACK *OPENSSL_sk_dup(const OPENSSL_STACK *st)
{
    OPENSSL_STACK *r;

    if (st == NULL) {
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_PASSED_NULL_PARAMETER);
        return NULL;
    }
    if ((r = OPENSSL_sk_new_reserve(NULL, st->num)) == NULL)
        return NULL;
    if (st->num > 0)
        memcpy(r->data, st->data, (size_t)st->num * sizeof(void *));
    r->num = st->num;
    return r;
}
