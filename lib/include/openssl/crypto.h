/* <openssl/crypto.h>: memory functions, ex_data, version and init calls.
 *
 * MEMORY.  Every allocation minissl makes goes through CRYPTO_malloc,
 * CRYPTO_realloc and CRYPTO_free (and the OPENSSL_* macros over them), so
 * that functions installed with CRYPTO_set_mem_functions see all of it, as
 * in OpenSSL 3.  A block from CRYPTO_malloc & co belongs to the caller
 * until it hands it to CRYPTO_free (or CRYPTO_clear_free, or a shrinking
 * CRYPTO_realloc); a block from anywhere else must never reach CRYPTO_free.
 * These functions raise no reason: a NULL return is the whole report (the
 * library's own callers raise ERR_R_MALLOC_FAILURE).  minissl counts the
 * blocks handed out and not yet freed, and can fail the k-th allocation on
 * purpose (<minissl/inspect.h>).
 *
 * EX_DATA.  CRYPTO_get_ex_new_index registers a slot for a class
 * (CRYPTO_EX_INDEX_SSL, ...) with optional callbacks, called as OpenSSL
 * calls them: new_func when an object of the class is created (with a
 * NULL ptr), dup_func for each slot when an object is copied (SSL_dup),
 * free_func for each registered slot when an object is destroyed.  Index 0
 * of each class is the application-data slot (SSL_set_app_data) and has
 * no callbacks.  The slot array belongs to its object and goes with it;
 * the values in the slots stay the application's: ex_data never frees
 * one, free_func is where the application does.
 *
 * THREAD SAFETY
 *   1. The memory functions may be called from any number of threads at
 *      once; so functions installed with CRYPTO_set_mem_functions must be
 *      thread-safe too.  CRYPTO_set_mem_functions itself belongs before
 *      the library's first allocation (before any thread uses it): a call
 *      that races that allocation is no data race, but which functions the
 *      block was allocated with is then unspecified.
 *   2. Index registration (CRYPTO_get_ex_new_index, CRYPTO_free_ex_index)
 *      may run from any number of threads, also while other threads
 *      create, copy and destroy objects: these take a snapshot of the
 *      class's callbacks under a lock and call them without it (so a
 *      callback may use ex_data itself).  A callback registered or
 *      unregistered while an object is being created, copied or destroyed
 *      may or may not be called for that object.
 *   3. The slots of one object follow that object's rules (<openssl/ssl.h>
 *      contract): CRYPTO_set_ex_data needs one thread at a time on one
 *      CRYPTO_EX_DATA and must not race a CRYPTO_get_ex_data there (it may
 *      move the array); gets alone may run concurrently. */
#ifndef OPENSSL_CRYPTO_H
#define OPENSSL_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>
#include <openssl/opensslv.h>
#include <openssl/safestack.h>

#define OPENSSL_FILE __FILE__
#define OPENSSL_LINE __LINE__
#define OPENSSL_FUNC __func__

typedef void *(*CRYPTO_malloc_fn)(size_t num, const char *file, int line);
typedef void *(*CRYPTO_realloc_fn)(void *addr, size_t num, const char *file,
                                   int line);
typedef void (*CRYPTO_free_fn)(void *addr, const char *file, int line);

/* Install the functions every later allocation, reallocation and free
 * goes through (a NULL argument keeps that one as it is).  1; 0, changing
 * nothing, once any allocation has been asked for (contract 1). */
int CRYPTO_set_mem_functions(CRYPTO_malloc_fn malloc_fn,
                             CRYPTO_realloc_fn realloc_fn,
                             CRYPTO_free_fn free_fn);
/* The installed functions; NULL for one never installed (libc's is in
 * use).  Any argument may be NULL. */
void CRYPTO_get_mem_functions(CRYPTO_malloc_fn *malloc_fn,
                              CRYPTO_realloc_fn *realloc_fn,
                              CRYPTO_free_fn *free_fn);

/* A block of |num| bytes (zeroed by zalloc), the caller's; NULL when
 * num is 0 or memory runs out.  |file| and |line| go to the installed
 * function. */
void *CRYPTO_malloc(size_t num, const char *file, int line);
void *CRYPTO_zalloc(size_t num, const char *file, int line);
/* |addr| resized to |num| bytes: the new block, the caller's in place of
 * |addr|.  addr NULL: as CRYPTO_malloc; num 0: frees addr, returns NULL.
 * NULL when memory runs out, and then |addr| is untouched and still the
 * caller's. */
void *CRYPTO_realloc(void *addr, size_t num, const char *file, int line);
/* Release a block of CRYPTO_malloc & co; accepts NULL.  clear_free first
 * zeroes its first |num| bytes (OPENSSL_cleanse). */
void CRYPTO_free(void *ptr, const char *file, int line);
void CRYPTO_clear_free(void *ptr, size_t num, const char *file, int line);
/* Copies in a new block, the caller's: the string (strndup: at most |s|
 * bytes of it, NUL-terminated), or |siz| bytes.  NULL for a NULL source,
 * when memory runs out, and for memdup of 0 or INT_MAX bytes or more. */
char *CRYPTO_strdup(const char *str, const char *file, int line);
char *CRYPTO_strndup(const char *str, size_t s, const char *file, int line);
void *CRYPTO_memdup(const void *str, size_t siz, const char *file, int line);
/* Zero |len| bytes at |ptr| with stores the compiler keeps. */
void OPENSSL_cleanse(void *ptr, size_t len);

#define OPENSSL_malloc(num) CRYPTO_malloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_zalloc(num) CRYPTO_zalloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_realloc(addr, num) \
    CRYPTO_realloc(addr, num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_free(addr) CRYPTO_free(addr, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_clear_free(addr, num) \
    CRYPTO_clear_free(addr, num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_strdup(str) CRYPTO_strdup(str, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_strndup(str, n) \
    CRYPTO_strndup(str, n, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_memdup(str, s) \
    CRYPTO_memdup((str), s, OPENSSL_FILE, OPENSSL_LINE)

/* ex_data.  The layout is minissl's; treat it as opaque. */
struct crypto_ex_data_st {
    void **slot;
    int n;
};

#define CRYPTO_EX_INDEX_SSL 0
#define CRYPTO_EX_INDEX_SSL_CTX 1
#define CRYPTO_EX_INDEX_SSL_SESSION 2
#define CRYPTO_EX_INDEX_X509 3
#define CRYPTO_EX_INDEX_X509_STORE 4
#define CRYPTO_EX_INDEX_X509_STORE_CTX 5
#define CRYPTO_EX_INDEX_DH 6
#define CRYPTO_EX_INDEX_DSA 7
#define CRYPTO_EX_INDEX_EC_KEY 8
#define CRYPTO_EX_INDEX_RSA 9
#define CRYPTO_EX_INDEX_ENGINE 10
#define CRYPTO_EX_INDEX_UI 11
#define CRYPTO_EX_INDEX_BIO 12
#define CRYPTO_EX_INDEX_APP 13
#define CRYPTO_EX_INDEX_UI_METHOD 14
#define CRYPTO_EX_INDEX_RAND_DRBG 15
#define CRYPTO_EX_INDEX_OSSL_LIB_CTX 16
#define CRYPTO_EX_INDEX_EVP_PKEY 17
#define CRYPTO_EX_INDEX__COUNT 18

typedef void CRYPTO_EX_new(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
                           int idx, long argl, void *argp);
typedef void CRYPTO_EX_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
                            int idx, long argl, void *argp);
typedef int CRYPTO_EX_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from,
                          void **from_d, int idx, long argl, void *argp);

/* A new index >= 1 of |class_index| whose callbacks (any may be NULL)
 * get |argl| and |argp| back; -1 with a reason (an unknown class; more
 * than 63 indexes in one class).  Indexes are never reused. */
int CRYPTO_get_ex_new_index(int class_index, long argl, void *argp,
                            CRYPTO_EX_new *new_func, CRYPTO_EX_dup *dup_func,
                            CRYPTO_EX_free *free_func);
/* Unregister |idx|: its callbacks are not called from now on (but see
 * contract 2); values already stored stay where they are, and a copy
 * takes them as they are.  1, or 0 with a reason (an index never handed
 * out, index 0, an unknown class). */
int CRYPTO_free_ex_index(int class_index, int idx);
/* Make |ad| empty (what it held before is not freed) and call each
 * registered new_func for |obj|, in index order.  1, or 0 with a reason
 * (NULL |ad|, an unknown class). */
int CRYPTO_new_ex_data(int class_index, void *obj, CRYPTO_EX_DATA *ad);
/* Copy |from|'s slots into |to|, OpenSSL's way: when nothing was ever set
 * on |from|, nothing (and no dup_func is called); else every index below
 * both the class's registered count and |from|'s slot count, through its
 * dup_func when it has one (the value stored in |to| is what dup_func
 * leaves in *from_d).  Index 0, the application data, always counts as
 * registered and is copied as is.  1; 0 with a reason (a NULL argument,
 * an unknown class, no memory, a dup_func that returned 0), and then |to|
 * may hold some slots: free it with its object. */
int CRYPTO_dup_ex_data(int class_index, CRYPTO_EX_DATA *to,
                       const CRYPTO_EX_DATA *from);
/* Call each registered free_func with |obj| and its slot's value (maybe
 * NULL), then release the slot array: |ad| is empty afterwards.  Accepts
 * NULL. */
void CRYPTO_free_ex_data(int class_index, void *obj, CRYPTO_EX_DATA *ad);
/* Store |val| (borrowed: ex_data never frees it) in slot |idx|, growing
 * the array.  1, or 0 with a reason (idx < 0 or >= 64, no memory: then
 * the old value stays). */
int CRYPTO_set_ex_data(CRYPTO_EX_DATA *ad, int idx, void *val);
/* The value in slot |idx| (borrowed), NULL when none was stored. */
void *CRYPTO_get_ex_data(const CRYPTO_EX_DATA *ad, int idx);

/* Versions and initialisation: minissl needs none; these succeed. */
#define OPENSSL_VERSION 0
#define OPENSSL_CFLAGS 1
#define OPENSSL_BUILT_ON 2
#define OPENSSL_PLATFORM 3
#define OPENSSL_DIR 4
unsigned long OpenSSL_version_num(void);
const char *OpenSSL_version(int type);
#define SSLeay_version OpenSSL_version

typedef struct ossl_init_settings_st OPENSSL_INIT_SETTINGS;
#define OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS 0x00000001L
#define OPENSSL_INIT_LOAD_CRYPTO_STRINGS 0x00000002L
#define OPENSSL_INIT_ADD_ALL_CIPHERS 0x00000004L
#define OPENSSL_INIT_ADD_ALL_DIGESTS 0x00000008L
int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
void OPENSSL_cleanup(void);

#endif
