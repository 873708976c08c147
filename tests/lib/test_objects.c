/* Suite objects: reference counts, ids, live counts, the quarantine and
 * misuse diagnosis (in a forked child: the abort is the expected
 * outcome), sessions as objects, the X509/EVP_PKEY stand-ins, and the
 * memory functions. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "internal.h"
#include "testutil.h"

/* ---- running a misuse in a child ---- */
static void on_abort(int sig)
{
    char line[256];
    int n;

    (void)sig;
    n = snprintf(line, sizeof(line), "misuses=%lu last=%s\n",
                 minissl_misuse_count(), minissl_last_misuse());
    if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
        _exit(98);
    _exit(99);
}

/* Runs |fn| in a child whose SIGABRT handler reports minissl's diagnosis;
 * returns the child's stdout+stderr and its exit status. */
static int run_child(void (*fn)(void), char *out, size_t outlen)
{
    int fd[2], status;
    size_t got = 0;
    ssize_t n;
    pid_t pid;

    ck_assert_int_eq(pipe(fd), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDOUT_FILENO);
        dup2(fd[1], STDERR_FILENO);
        signal(SIGABRT, on_abort);
        fn();
        _exit(0);                       /* no diagnosis: a test failure */
    }
    close(fd[1]);
    while (got + 1 < outlen && (n = read(fd[0], out + got, outlen - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(fd[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* The child prints "victim=ID" before the misuse, so that the expected
 * diagnosis names the right object whatever ids earlier tests used. */
static void victim(const void *obj)
{
    printf("victim=%lu\n", minissl_object_id(obj));
    fflush(stdout);
}

static void expect_diagnosis(void (*fn)(void), const char *what)
{
    char out[1024], want[128];
    int status = run_child(fn, out, sizeof(out));
    const char *v = strstr(out, "victim=");

    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 99,
                  "child did not abort (status %d): %s", status, out);
    ck_assert_ptr_nonnull(v);
    snprintf(want, sizeof(want), "minissl: %s #%lu", what,
             strtoul(v + 7, NULL, 10));
    ck_assert_msg(strstr(out, want) != NULL, "want \"%s\" in: %s", want, out);
    ck_assert_msg(strstr(out, "misuses=1 last=") != NULL, "no count in: %s", out);
}

static void double_free_ssl(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx), *again;

    SSL_CTX_free(ctx);
    victim(s);
    again = s;
    SSL_free(s);
    SSL_free(again);
}

static void up_ref_after_free_ssl(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    SSL_CTX_free(ctx);
    victim(s);
    SSL_free(s);
    SSL_up_ref(s);
}

static void use_after_free_ssl(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    SSL_CTX_free(ctx);
    victim(s);
    SSL_free(s);
    (void)SSL_get_mode(s);
}

static void double_free_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    victim(ctx);
    SSL_CTX_free(ctx);
    SSL_CTX_free(ctx);
}

static void double_free_session(void)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    victim(ss);
    SSL_SESSION_free(ss);
    SSL_SESSION_free(ss);
}

static void free_of_the_wrong_type(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    printf("victim=0\n");
    fflush(stdout);
    SSL_free((SSL *)(void *)ctx);
}

static void saturated_up_ref(void)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    victim(ss);
    ms_ref_init(&ss->hdr.refs, MS_REF_SATURATED);
    SSL_SESSION_up_ref(ss);
}

START_TEST(double_free_of_an_ssl_is_diagnosed_by_type_and_id)
{
    expect_diagnosis(double_free_ssl, "double free of SSL");
}
END_TEST

START_TEST(up_ref_after_free_of_an_ssl_is_diagnosed)
{
    expect_diagnosis(up_ref_after_free_ssl, "up_ref after free of SSL");
}
END_TEST

START_TEST(use_after_free_of_an_ssl_is_diagnosed)
{
    expect_diagnosis(use_after_free_ssl, "use after free of SSL");
}
END_TEST

START_TEST(double_free_of_an_ssl_ctx_is_diagnosed)
{
    expect_diagnosis(double_free_ctx, "double free of SSL_CTX");
}
END_TEST

START_TEST(double_free_of_a_session_is_diagnosed)
{
    expect_diagnosis(double_free_session, "double free of SSL_SESSION");
}
END_TEST

START_TEST(ssl_free_of_an_ssl_ctx_pointer_is_diagnosed)
{
    char out[1024];
    int status = run_child(free_of_the_wrong_type, out, sizeof(out));

    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 99,
                  "child did not abort (status %d): %s", status, out);
    ck_assert_msg(strstr(out, "minissl: use of an invalid object: SSL_free "
                         "called on a pointer that is not a live SSL") != NULL,
                  "unexpected diagnosis: %s", out);
}
END_TEST

START_TEST(up_ref_past_saturation_is_diagnosed)
{
    expect_diagnosis(saturated_up_ref, "saturated reference count of SSL_SESSION");
}
END_TEST

START_TEST(a_freed_ssl_is_poisoned_and_held_in_quarantine)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    size_t q = minissl_quarantine_count();

    SSL_CTX_free(ctx);
    ck_assert_int_eq(minissl_object_valid(s, MINISSL_SSL), 1);
    ck_assert_int_eq(minissl_object_valid(s, MINISSL_SSL_CTX), 0);
    SSL_free(s);
    ck_assert_int_eq(minissl_object_valid(s, MINISSL_SSL), 0);
    ck_assert_int_eq(minissl_refcount(s), 0);
    ck_assert_uint_eq(minissl_quarantine_count(), q + 2);   /* SSL and SSL_CTX */
    ck_assert_uint_eq(s->cfg.options, 0xa5a5a5a5a5a5a5a5ULL);
    ck_assert_ptr_eq((void *)s->ctx, (void *)(uintptr_t)0xa5a5a5a5a5a5a5a5ULL);
    ck_assert_uint_ge(minissl_quarantine_flush(), 2);
    ck_assert_uint_eq(minissl_quarantine_count(), 0);
}
END_TEST

START_TEST(quarantine_is_bounded_and_releases_the_oldest)
{
    SSL_SESSION *ss[MINISSL_QUARANTINE + 5];
    int i;

    minissl_quarantine_flush();
    for (i = 0; i < MINISSL_QUARANTINE + 5; i++)
        ss[i] = SSL_SESSION_new();
    for (i = 0; i < MINISSL_QUARANTINE + 5; i++)
        SSL_SESSION_free(ss[i]);
    ck_assert_uint_eq(minissl_quarantine_count(), MINISSL_QUARANTINE);
    /* the 5 oldest were released; the rest still diagnose */
    ck_assert_int_eq(minissl_object_valid(ss[MINISSL_QUARANTINE + 4],
                                          MINISSL_SSL_SESSION), 0);
    ck_assert_int_eq(minissl_refcount(ss[5]), 0);
}
END_TEST

START_TEST(up_ref_and_free_count_references_and_the_last_free_destroys)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    ck_assert_int_eq(minissl_refcount(ctx), 2);         /* ours + the SSL's */
    ck_assert_int_eq(minissl_refcount(s), 1);
    ck_assert_int_eq(SSL_up_ref(s), 1);
    ck_assert_int_eq(minissl_refcount(s), 2);
    SSL_free(s);
    ck_assert_int_eq(minissl_object_valid(s, MINISSL_SSL), 1);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL), 1);
    SSL_free(s);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL), 0);
    ck_assert_int_eq(minissl_refcount(ctx), 1);
    SSL_CTX_free(ctx);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL_CTX), 0);
    SSL_free(NULL);
    SSL_CTX_free(NULL);
    ck_assert_int_eq(SSL_up_ref(NULL), 0);
    ck_assert_int_ne(ERR_get_error(), 0);
}
END_TEST

START_TEST(ids_are_per_type_and_increase)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *a = SSL_new(ctx), *b = SSL_new(ctx);

    ck_assert_uint_eq(minissl_object_id(b), minissl_object_id(a) + 1);
    ck_assert_uint_gt(minissl_object_id(ctx), 0);
    ck_assert_str_eq(minissl_type_name(MINISSL_SSL), "SSL");
    SSL_free(a);
    SSL_free(b);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(session_objects_hold_ids_contexts_and_references)
{
    SSL_SESSION *ss = SSL_SESSION_new(), *d;
    unsigned char big[SSL_MAX_SSL_SESSION_ID_LENGTH + 1] = {0};
    unsigned int n;
    const unsigned char *p;
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    ck_assert_int_eq(SSL_SESSION_set1_id(ss, (const unsigned char *)"abc", 3), 1);
    p = SSL_SESSION_get_id(ss, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(p, "abc", 3), 0);
    ck_assert_int_eq(SSL_SESSION_set1_id(ss, big, sizeof(big)), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_SSL_SESSION_ID_TOO_LONG);
    ck_assert_int_eq(SSL_SESSION_set1_id_context(ss, big, sizeof(big)), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()),
                     SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
    ck_assert_int_eq(SSL_SESSION_set1_id_context(ss, (const unsigned char *)"x", 1), 1);
    ck_assert_int_eq(SSL_SESSION_is_resumable(ss), 1);
    ck_assert_ptr_nonnull(d = SSL_SESSION_dup(ss));
    p = SSL_SESSION_get_id(d, &n);
    ck_assert_int_eq(memcmp(p, "abc", 3), 0);
    SSL_SESSION_free(d);

    ck_assert_ptr_null(SSL_get_session(s));
    ck_assert_int_eq(SSL_set_session(s, ss), 1);
    ck_assert_int_eq(minissl_refcount(ss), 2);
    ck_assert_ptr_eq(SSL_get1_session(s), ss);
    ck_assert_int_eq(minissl_refcount(ss), 3);
    SSL_SESSION_free(ss);
    ck_assert_int_eq(SSL_set_session(s, NULL), 1);
    ck_assert_int_eq(minissl_refcount(ss), 1);
    ck_assert_int_eq(SSL_SESSION_up_ref(ss), 1);
    SSL_SESSION_free(ss);
    SSL_SESSION_free(ss);
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(a_self_signed_certificate_is_made_in_memory_and_used)
{
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    EVP_PKEY *key, *other = EVP_EC_gen("P-384");
    X509 *x = tu_make_cert("localhost", &key);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *s;
    X509_NAME *n;
    char buf[64];

    ck_assert_ptr_nonnull(rsa);
    ck_assert_int_eq(EVP_PKEY_get_id(rsa), EVP_PKEY_RSA);
    ck_assert_int_eq(EVP_PKEY_get_bits(rsa), 2048);
    ck_assert_int_eq(EVP_PKEY_id(key), EVP_PKEY_EC);
    ck_assert_int_eq(EVP_PKEY_bits(other), 384);
    ck_assert_int_eq(ASN1_INTEGER_get(X509_get_serialNumber(x)), 1);
    ck_assert_int_eq(X509_cmp_current_time(X509_get0_notAfter(x)), 1);
    ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(x),
                                   X509_get_issuer_name(x)), 0);
    ck_assert_ptr_nonnull(n = X509_NAME_dup(X509_get_subject_name(x)));
    ck_assert_int_eq(X509_NAME_cmp(n, X509_get_subject_name(x)), 0);
    ck_assert_str_eq(X509_NAME_oneline(n, buf, sizeof(buf)), "/CN=localhost");
    X509_NAME_free(n);

    ck_assert_int_eq(SSL_CTX_use_certificate(ctx, x), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(ctx, other), 0);    /* mismatch */
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), X509_R_KEY_VALUES_MISMATCH);
    ck_assert_int_eq(SSL_CTX_check_private_key(ctx), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_NO_PRIVATE_KEY_ASSIGNED);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(ctx, key), 1);
    ck_assert_int_eq(SSL_CTX_check_private_key(ctx), 1);
    ck_assert_ptr_nonnull(s = SSL_new(ctx));
    ck_assert_ptr_eq(SSL_get_certificate(s), x);
    ck_assert_ptr_eq(SSL_get_privatekey(s), key);
    ck_assert_int_eq(SSL_use_certificate(s, x), 1);
    ck_assert_int_eq(SSL_use_PrivateKey(s, key), 1);
    ck_assert_ptr_null(EVP_PKEY_Q_keygen(NULL, NULL, "DSA"));
    ck_assert_int_eq(ERR_GET_LIB(ERR_get_error()), ERR_LIB_EVP);
    ck_assert_int_eq(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "nosuch",
                                                MBSTRING_ASC,
                                                (const unsigned char *)"v", -1, -1, 0), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), X509_R_INVALID_FIELD_NAME);
    SSL_free(s);
    SSL_CTX_free(ctx);
    X509_free(x);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    EVP_PKEY_free(rsa);
}
END_TEST

/* ---- memory functions ---- */
static long my_mallocs, my_frees;

static void *my_malloc(size_t n, const char *file, int line)
{
    (void)file; (void)line;
    my_mallocs++;
    return malloc(n);
}

static void *my_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file; (void)line;
    if (p == NULL)
        my_mallocs++;
    return realloc(p, n);
}

static void my_free(void *p, const char *file, int line)
{
    (void)file; (void)line;
    my_frees++;
    free(p);
}

START_TEST(custom_memory_functions_see_every_allocation)
{
    SSL_CTX *ctx;
    SSL *s, *d;

    if (minissl_allocation_count() != 0) {
        /* Not a fresh process (CK_FORK=no): as OpenSSL, refused. */
        ck_assert_int_eq(CRYPTO_set_mem_functions(my_malloc, my_realloc, my_free), 0);
        return;
    }
    ck_assert_int_eq(CRYPTO_set_mem_functions(my_malloc, my_realloc, my_free), 1);
    ctx = SSL_CTX_new(TLS_method());
    s = SSL_new(ctx);
    ck_assert_int_eq(SSL_set_cipher_list(s, "AES128-SHA"), 1);
    d = SSL_dup(s);
    SSL_free(d);
    SSL_free(s);
    SSL_CTX_free(ctx);
    minissl_quarantine_flush();
    ck_assert_int_gt(my_mallocs, 0);
    ck_assert_int_eq(my_mallocs, my_frees);
    ck_assert_int_eq(CRYPTO_set_mem_functions(my_malloc, my_realloc, my_free), 0);
}
END_TEST

START_TEST(crypto_malloc_family_accounts_every_block)
{
    long before = minissl_live_allocations();
    char *a = OPENSSL_malloc(10), *b = OPENSSL_zalloc(10), *c = OPENSSL_strdup("x");
    void *m = OPENSSL_memdup("abc", 3);

    ck_assert_int_eq(minissl_live_allocations(), before + 4);
    ck_assert_int_eq(b[9], 0);
    a = OPENSSL_realloc(a, 100);
    ck_assert_int_eq(minissl_live_allocations(), before + 4);
    OPENSSL_free(a);
    OPENSSL_free(b);
    OPENSSL_clear_free(c, 1);
    OPENSSL_free(m);
    OPENSSL_free(NULL);
    ck_assert_int_eq(minissl_live_allocations(), before);
    minissl_fail_allocation(2);
    ck_assert_int_eq(minissl_fail_allocation_pending(), 1);
    a = OPENSSL_malloc(1);
    ck_assert_ptr_null(b = OPENSSL_malloc(1));
    ck_assert_int_eq(minissl_fail_allocation_pending(), 0);
    OPENSSL_free(a);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("objects");
    TCase *mis = tcase_create("misuse");
    TCase *tc = tcase_create("lifecycle");
    TCase *mem = tcase_create("memory");

    tcase_add_test(mis, double_free_of_an_ssl_is_diagnosed_by_type_and_id);
    tcase_add_test(mis, up_ref_after_free_of_an_ssl_is_diagnosed);
    tcase_add_test(mis, use_after_free_of_an_ssl_is_diagnosed);
    tcase_add_test(mis, double_free_of_an_ssl_ctx_is_diagnosed);
    tcase_add_test(mis, double_free_of_a_session_is_diagnosed);
    tcase_add_test(mis, up_ref_past_saturation_is_diagnosed);
    tcase_add_test(mis, ssl_free_of_an_ssl_ctx_pointer_is_diagnosed);
    tu_add_leak_checks(mis);
    tcase_add_test(tc, a_freed_ssl_is_poisoned_and_held_in_quarantine);
    tcase_add_test(tc, quarantine_is_bounded_and_releases_the_oldest);
    tcase_add_test(tc, up_ref_and_free_count_references_and_the_last_free_destroys);
    tcase_add_test(tc, ids_are_per_type_and_increase);
    tcase_add_test(tc, session_objects_hold_ids_contexts_and_references);
    tcase_add_test(tc, a_self_signed_certificate_is_made_in_memory_and_used);
    tu_add_leak_checks(tc);
    tcase_add_test(mem, custom_memory_functions_see_every_allocation);
    tcase_add_test(mem, crypto_malloc_family_accounts_every_block);
    tu_add_leak_checks(mem);
    suite_add_tcase(su, mis);
    suite_add_tcase(su, tc);
    suite_add_tcase(su, mem);
    return su;
}
