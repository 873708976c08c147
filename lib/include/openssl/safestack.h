/* Stacks: OpenSSL's OPENSSL_sk_* and the typed STACK_OF wrappers, for the
 * types minissl has (X509, X509_NAME).
 *
 * A stack owns only its array: the pointers in it belong to whoever put
 * them there (sk_TYPE_pop_free frees them with the given function).  One
 * thread at a time per stack.  OPENSSL_sk_new_null/push/dup/deep_copy
 * fail by returning NULL / 0 with a reason on the error stack. */
#ifndef OPENSSL_SAFESTACK_H
#define OPENSSL_SAFESTACK_H

#include <openssl/types.h>

#define STACK_OF(type) struct stack_st_##type

typedef struct stack_st OPENSSL_STACK;
typedef int (*OPENSSL_sk_compfunc)(const void *a, const void *b);

OPENSSL_STACK *OPENSSL_sk_new_null(void);
OPENSSL_STACK *OPENSSL_sk_new_reserve(OPENSSL_sk_compfunc c, int n);
void OPENSSL_sk_free(OPENSSL_STACK *st);
int OPENSSL_sk_num(const OPENSSL_STACK *st);         /* -1 for NULL */
void *OPENSSL_sk_value(const OPENSSL_STACK *st, int i); /* NULL out of range */
void *OPENSSL_sk_set(OPENSSL_STACK *st, int i, const void *data);
int OPENSSL_sk_push(OPENSSL_STACK *st, const void *data); /* new count, 0 on failure */
int OPENSSL_sk_insert(OPENSSL_STACK *st, const void *data, int where);
void *OPENSSL_sk_pop(OPENSSL_STACK *st);
void *OPENSSL_sk_shift(OPENSSL_STACK *st);
void *OPENSSL_sk_delete(OPENSSL_STACK *st, int loc);
void *OPENSSL_sk_delete_ptr(OPENSSL_STACK *st, const void *p);
void OPENSSL_sk_zero(OPENSSL_STACK *st);
OPENSSL_STACK *OPENSSL_sk_dup(const OPENSSL_STACK *st);

/* Typed wrappers.  pop_free and deep_copy call the element functions
 * through their real types (no function-pointer casts). */
#define MINISSL_DEFINE_STACK_OF(t)                                            \
    STACK_OF(t);                                                              \
    typedef void (*sk_##t##_freefunc)(t *a);                                  \
    typedef t *(*sk_##t##_copyfunc)(const t *a);                              \
    static inline STACK_OF(t) *sk_##t##_new_null(void)                        \
    {                                                                         \
        return (STACK_OF(t) *)OPENSSL_sk_new_null();                          \
    }                                                                         \
    static inline STACK_OF(t) *sk_##t##_new_reserve(OPENSSL_sk_compfunc c, int n) \
    {                                                                         \
        return (STACK_OF(t) *)OPENSSL_sk_new_reserve(c, n);                   \
    }                                                                         \
    static inline int sk_##t##_num(const STACK_OF(t) *sk)                     \
    {                                                                         \
        return OPENSSL_sk_num((const OPENSSL_STACK *)sk);                     \
    }                                                                         \
    static inline t *sk_##t##_value(const STACK_OF(t) *sk, int i)             \
    {                                                                         \
        return (t *)OPENSSL_sk_value((const OPENSSL_STACK *)sk, i);           \
    }                                                                         \
    static inline t *sk_##t##_set(STACK_OF(t) *sk, int i, t *p)               \
    {                                                                         \
        return (t *)OPENSSL_sk_set((OPENSSL_STACK *)sk, i, p);                \
    }                                                                         \
    static inline int sk_##t##_push(STACK_OF(t) *sk, t *p)                    \
    {                                                                         \
        return OPENSSL_sk_push((OPENSSL_STACK *)sk, p);                       \
    }                                                                         \
    static inline int sk_##t##_insert(STACK_OF(t) *sk, t *p, int where)       \
    {                                                                         \
        return OPENSSL_sk_insert((OPENSSL_STACK *)sk, p, where);              \
    }                                                                         \
    static inline t *sk_##t##_pop(STACK_OF(t) *sk)                            \
    {                                                                         \
        return (t *)OPENSSL_sk_pop((OPENSSL_STACK *)sk);                      \
    }                                                                         \
    static inline t *sk_##t##_shift(STACK_OF(t) *sk)                          \
    {                                                                         \
        return (t *)OPENSSL_sk_shift((OPENSSL_STACK *)sk);                    \
    }                                                                         \
    static inline t *sk_##t##_delete(STACK_OF(t) *sk, int i)                  \
    {                                                                         \
        return (t *)OPENSSL_sk_delete((OPENSSL_STACK *)sk, i);                \
    }                                                                         \
    static inline t *sk_##t##_delete_ptr(STACK_OF(t) *sk, t *p)               \
    {                                                                         \
        return (t *)OPENSSL_sk_delete_ptr((OPENSSL_STACK *)sk, p);            \
    }                                                                         \
    static inline void sk_##t##_zero(STACK_OF(t) *sk)                         \
    {                                                                         \
        OPENSSL_sk_zero((OPENSSL_STACK *)sk);                                 \
    }                                                                         \
    static inline void sk_##t##_free(STACK_OF(t) *sk)                         \
    {                                                                         \
        OPENSSL_sk_free((OPENSSL_STACK *)sk);                                 \
    }                                                                         \
    static inline void sk_##t##_pop_free(STACK_OF(t) *sk, sk_##t##_freefunc f) \
    {                                                                         \
        int i_, n_ = OPENSSL_sk_num((OPENSSL_STACK *)sk);                     \
                                                                              \
        for (i_ = 0; i_ < n_; i_++) {                                         \
            t *x_ = (t *)OPENSSL_sk_value((OPENSSL_STACK *)sk, i_);           \
            if (x_ != NULL)                                                   \
                f(x_);                                                        \
        }                                                                     \
        OPENSSL_sk_free((OPENSSL_STACK *)sk);                                 \
    }                                                                         \
    static inline STACK_OF(t) *sk_##t##_dup(const STACK_OF(t) *sk)            \
    {                                                                         \
        return (STACK_OF(t) *)OPENSSL_sk_dup((const OPENSSL_STACK *)sk);      \
    }                                                                         \
    static inline STACK_OF(t) *sk_##t##_deep_copy(const STACK_OF(t) *sk,      \
                                                  sk_##t##_copyfunc c,        \
                                                  sk_##t##_freefunc f)        \
    {                                                                         \
        OPENSSL_STACK *r_;                                                    \
        int i_, n_ = OPENSSL_sk_num((const OPENSSL_STACK *)sk);               \
                                                                              \
        if (sk == NULL || (r_ = OPENSSL_sk_new_reserve(NULL, n_)) == NULL)    \
            return NULL;                                                      \
        for (i_ = 0; i_ < n_; i_++) {                                         \
            const t *x_ = (const t *)OPENSSL_sk_value((const OPENSSL_STACK *)sk, i_); \
            t *y_ = NULL;                                                     \
                                                                              \
            if (x_ != NULL && (y_ = c(x_)) == NULL)                           \
                goto err_;                                                    \
            if (OPENSSL_sk_push(r_, y_) == 0) {                               \
                if (y_ != NULL)                                               \
                    f(y_);                                                    \
                goto err_;                                                    \
            }                                                                 \
        }                                                                     \
        return (STACK_OF(t) *)r_;                                             \
     err_:                                                                    \
        sk_##t##_pop_free((STACK_OF(t) *)r_, f);                              \
        return NULL;                                                          \
    }

#endif
