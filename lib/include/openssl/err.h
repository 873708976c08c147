/* <openssl/err.h>: the error stack, OpenSSL 3 style.
 *
 * Each thread has its own stack of ERR_NUM_ERRORS entries (the oldest is
 * dropped when it overflows); nothing here needs a lock, and no call
 * allocates memory, so a failing allocation can always be reported.
 * A failing minissl call raises with ERR_raise(lib, reason) where it sees
 * the failure and returns its documented failure value (NULL or 0).
 *
 * Codes are packed as in OpenSSL 3: lib in bits 23..30, reason in bits
 * 0..22 (common ERR_R_* reasons carry ERR_RFLAG_COMMON, fatal ones
 * ERR_RFLAG_FATAL).  ERR_error_string_n writes
 * "error:0A0000C3:SSL routines::null ssl ctx". */
#ifndef OPENSSL_ERR_H
#define OPENSSL_ERR_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include <openssl/types.h>
#include <openssl/crypto.h>

#define ERR_TXT_MALLOCED 0x01
#define ERR_TXT_STRING 0x02
#define ERR_NUM_ERRORS 16

#define ERR_LIB_NONE 1
#define ERR_LIB_SYS 2
#define ERR_LIB_BN 3
#define ERR_LIB_RSA 4
#define ERR_LIB_DH 5
#define ERR_LIB_EVP 6
#define ERR_LIB_BUF 7
#define ERR_LIB_OBJ 8
#define ERR_LIB_PEM 9
#define ERR_LIB_DSA 10
#define ERR_LIB_X509 11
#define ERR_LIB_ASN1 13
#define ERR_LIB_CONF 14
#define ERR_LIB_CRYPTO 15
#define ERR_LIB_EC 16
#define ERR_LIB_SSL 20
#define ERR_LIB_BIO 32
#define ERR_LIB_X509V3 34
#define ERR_LIB_USER 128

#define ERR_SYSTEM_FLAG ((unsigned int)INT_MAX + 1)
#define ERR_SYSTEM_MASK ((unsigned int)INT_MAX)
#define ERR_LIB_OFFSET 23L
#define ERR_LIB_MASK 0xFF
#define ERR_RFLAGS_OFFSET 18L
#define ERR_RFLAGS_MASK 0x1F
#define ERR_REASON_MASK 0X7FFFFF
#define ERR_RFLAG_FATAL (0x1 << ERR_RFLAGS_OFFSET)
#define ERR_RFLAG_COMMON (0x2 << ERR_RFLAGS_OFFSET)
#define ERR_SYSTEM_ERROR(errcode) (((errcode) & ERR_SYSTEM_FLAG) != 0)

#define ERR_PACK(lib, func, reason)                                       \
    ((((unsigned long)(lib) & ERR_LIB_MASK) << ERR_LIB_OFFSET) |          \
     (((unsigned long)(reason) & ERR_REASON_MASK)))

static inline int ERR_GET_LIB(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return ERR_LIB_SYS;
    return (int)((errcode >> ERR_LIB_OFFSET) & ERR_LIB_MASK);
}

static inline int ERR_GET_RFLAGS(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return 0;
    return (int)(errcode & (ERR_RFLAGS_MASK << ERR_RFLAGS_OFFSET));
}

static inline int ERR_GET_REASON(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return (int)(errcode & ERR_SYSTEM_MASK);
    return (int)(errcode & ERR_REASON_MASK);
}

static inline int ERR_FATAL_ERROR(unsigned long errcode)
{
    return (ERR_GET_RFLAGS(errcode) & ERR_RFLAG_FATAL) != 0;
}

static inline int ERR_COMMON_ERROR(unsigned long errcode)
{
    return (ERR_GET_RFLAGS(errcode) & ERR_RFLAG_COMMON) != 0;
}

#define ERR_GET_FUNC(errcode) 0

/* Common reasons, raised under any library. */
#define ERR_R_SYS_LIB (ERR_LIB_SYS | ERR_RFLAG_COMMON)
#define ERR_R_EVP_LIB (ERR_LIB_EVP | ERR_RFLAG_COMMON)
#define ERR_R_X509_LIB (ERR_LIB_X509 | ERR_RFLAG_COMMON)
#define ERR_R_ASN1_LIB (ERR_LIB_ASN1 | ERR_RFLAG_COMMON)
#define ERR_R_CRYPTO_LIB (ERR_LIB_CRYPTO | ERR_RFLAG_COMMON)
#define ERR_R_SSL_LIB (ERR_LIB_SSL | ERR_RFLAG_COMMON)
#define ERR_R_BIO_LIB (ERR_LIB_BIO | ERR_RFLAG_COMMON)
#define ERR_R_FATAL (ERR_RFLAG_FATAL | ERR_RFLAG_COMMON)
#define ERR_R_MALLOC_FAILURE (256 | ERR_R_FATAL)
#define ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED (257 | ERR_R_FATAL)
#define ERR_R_PASSED_NULL_PARAMETER (258 | ERR_R_FATAL)
#define ERR_R_INTERNAL_ERROR (259 | ERR_R_FATAL)
#define ERR_R_DISABLED (260 | ERR_R_FATAL)
#define ERR_R_INIT_FAIL (261 | ERR_R_FATAL)
#define ERR_R_PASSED_INVALID_ARGUMENT (262 | ERR_RFLAG_COMMON)
#define ERR_R_OPERATION_FAIL (263 | ERR_R_FATAL)
#define ERR_R_UNSUPPORTED (268 | ERR_RFLAG_COMMON)

/* The pieces of ERR_raise: start an entry, record where, set lib/reason
 * and optional printf-style data (truncated to 127 bytes). */
void ERR_new(void);
void ERR_set_debug(const char *file, int line, const char *func);
void ERR_set_error(int lib, int reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ERR_raise(lib, reason) ERR_raise_data((lib), (reason), NULL)
#define ERR_raise_data                                                    \
    (ERR_new(), ERR_set_debug(OPENSSL_FILE, OPENSSL_LINE, OPENSSL_FUNC),  \
     ERR_set_error)

/* Oldest entry: get removes it, peek leaves it; 0 when the stack is
 * empty.  peek_last: the newest. */
unsigned long ERR_get_error(void);
unsigned long ERR_peek_error(void);
unsigned long ERR_peek_last_error(void);
unsigned long ERR_get_error_all(const char **file, int *line,
                                const char **func, const char **data,
                                int *flags);
unsigned long ERR_peek_error_all(const char **file, int *line,
                                 const char **func, const char **data,
                                 int *flags);
unsigned long ERR_peek_last_error_all(const char **file, int *line,
                                      const char **func, const char **data,
                                      int *flags);
void ERR_clear_error(void);
int ERR_set_mark(void);
int ERR_pop_to_mark(void);
int ERR_clear_last_mark(void);

/* Text.  The string functions return static text or NULL if unknown. */
char *ERR_error_string(unsigned long e, char *buf);   /* buf >= 256 bytes */
void ERR_error_string_n(unsigned long e, char *buf, size_t len);
const char *ERR_lib_error_string(unsigned long e);
const char *ERR_func_error_string(unsigned long e);
const char *ERR_reason_error_string(unsigned long e);
/* Empties this thread's stack, one line per entry. */
void ERR_print_errors_fp(FILE *fp);
void ERR_print_errors_cb(int (*cb)(const char *str, size_t len, void *u),
                         void *u);

/* Strings are always loaded in minissl. */
#define ERR_load_crypto_strings() ((void)0)
#define ERR_free_strings() ((void)0)
int ERR_load_ERR_strings(void);

#endif
