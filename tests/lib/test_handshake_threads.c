/* Suite handshake_threads: 8 threads each run handshakes on their own SSLs
 * made from one shared client SSL_CTX and one shared server SSL_CTX, whose
 * session cache they all use: every other handshake of a thread offers the
 * session its previous one saved, so lookups, adds and resumptions race
 * across threads.  10 000 handshakes in all (MS_TEST_ROUNDS overrides the
 * total, to bound a Valgrind run).  Meant for TSan, Helgrind and DRD: the
 * assertions check the work was done; the tools check how. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <minissl/inspect.h>

#include "testutil.h"

#define NTHREADS 8
#define DEFAULT_ROUNDS 10000

static SSL_CTX *cctx, *sctx;
static pthread_barrier_t start_line;
static atomic_int running, max_running;
static atomic_long resumed, completed, failed;
static long per_thread;

static long total_rounds(void)
{
    const char *e = getenv("MS_TEST_ROUNDS");
    long n = e != NULL ? strtol(e, NULL, 10) : DEFAULT_ROUNDS;

    return n < NTHREADS ? NTHREADS : n;
}

/* One handshake, resuming |*saved| if set; leaves the new session in
 * |*saved|.  1 on success. */
static int one_handshake(SSL_SESSION **saved)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    int i, rc = 0, rs = 0, ok = 0;
    char buf[4];

    if (c == NULL || s == NULL || c2s == NULL || s2c == NULL)
        goto out;
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(c, s2c, c2s);
    SSL_set_bio(s, c2s, s2c);
    c2s = s2c = NULL;
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (*saved != NULL)
        SSL_set_session(c, *saved);
    for (i = 0; i < 8 && (rc != 1 || rs != 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(c);
        if (rs != 1)
            rs = SSL_do_handshake(s);
    }
    if (rc != 1 || rs != 1)
        goto out;
    if (SSL_write(c, "ok", 2) != 2 || SSL_read(s, buf, sizeof(buf)) != 2)
        goto out;
    if (SSL_session_reused(c) != SSL_session_reused(s))
        goto out;
    if (SSL_session_reused(c))
        atomic_fetch_add_explicit(&resumed, 1, memory_order_relaxed);
    SSL_SESSION_free(*saved);
    *saved = SSL_session_reused(c) ? NULL : SSL_get1_session(c);
    ok = 1;
 out:
    BIO_free(c2s);
    BIO_free(s2c);
    SSL_free(c);
    SSL_free(s);
    return ok;
}

static void *worker(void *arg)
{
    SSL_SESSION *saved = NULL;
    long i;
    int now, max;

    (void)arg;
    pthread_barrier_wait(&start_line);  /* start together */
    now = atomic_fetch_add(&running, 1) + 1;
    max = atomic_load(&max_running);
    while (now > max && !atomic_compare_exchange_weak(&max_running, &max, now))
        ;
    for (i = 0; i < per_thread; i++) {
        if (one_handshake(&saved))
            atomic_fetch_add_explicit(&completed, 1, memory_order_relaxed);
        else
            atomic_fetch_add_explicit(&failed, 1, memory_order_relaxed);
    }
    atomic_fetch_sub(&running, 1);
    SSL_SESSION_free(saved);
    ERR_clear_error();
    return NULL;
}

START_TEST(eight_threads_share_one_ctx_pair_and_its_session_cache)
{
    pthread_t t[NTHREADS];
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    long total = total_rounds();
    int i;

    X509_set_pubkey(x, pk);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"threads", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
    cctx = SSL_CTX_new(TLS_client_method());
    sctx = SSL_CTX_new(TLS_server_method());
    ck_assert_int_eq(SSL_CTX_use_certificate(sctx, x), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(sctx, pk), 1);
    per_thread = total / NTHREADS;
    ck_assert_int_eq(pthread_barrier_init(&start_line, NULL, NTHREADS), 0);
    for (i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&start_line);
    ck_assert_int_eq(atomic_load(&failed), 0);
    ck_assert_int_eq(atomic_load(&completed), per_thread * NTHREADS);
    /* Every other handshake of a thread resumes its previous session. */
    ck_assert_int_eq(atomic_load(&resumed), (per_thread / 2) * NTHREADS);
    ck_assert_int_eq(SSL_CTX_sess_hits(sctx), atomic_load(&resumed));
    ck_assert_int_gt(atomic_load(&max_running), 1);   /* they overlapped */
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(x);
    EVP_PKEY_free(pk);
    minissl_quarantine_flush();
    ck_assert_int_eq(minissl_live_objects_total(), 0);
    ck_assert_int_eq(minissl_live_allocations(), 0);
}
END_TEST

/* ---- one connection, its two ends on two threads ---- */

#define CROSS_ROUNDS 200

struct end {
    SSL *ssl;
    int ok;
};

/* Drives one end through the handshake and one byte each way, spinning on
 * WANT_READ while the other thread catches up. */
static void *drive_end(void *arg)
{
    struct end *e = arg;
    char b = 0;
    int r, i;

    while ((r = SSL_do_handshake(e->ssl)) != 1)
        if (SSL_get_error(e->ssl, r) != SSL_ERROR_WANT_READ)
            return NULL;
    if (SSL_is_server(e->ssl)) {
        while ((r = SSL_read(e->ssl, &b, 1)) != 1)
            if (SSL_get_error(e->ssl, r) != SSL_ERROR_WANT_READ)
                return NULL;
        if (SSL_write(e->ssl, &b, 1) != 1)
            return NULL;
    } else {
        if (SSL_write(e->ssl, "k", 1) != 1)
            return NULL;
        for (i = 0; (r = SSL_read(e->ssl, &b, 1)) != 1; i++)
            if (SSL_get_error(e->ssl, r) != SSL_ERROR_WANT_READ)
                return NULL;
        if (b != 'k')
            return NULL;
    }
    e->ok = 1;
    return NULL;
}

START_TEST(a_client_and_a_server_on_two_threads_share_their_memory_bios)
{
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    int round, good = 0;

    X509_set_pubkey(x, pk);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"cross", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
    cctx = SSL_CTX_new(TLS_client_method());
    sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(sctx, x);
    SSL_CTX_use_PrivateKey(sctx, pk);
    for (round = 0; round < CROSS_ROUNDS; round++) {
        struct end c = {SSL_new(cctx), 0}, s = {SSL_new(sctx), 0};
        BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
        pthread_t tc, ts;

        BIO_up_ref(c2s);
        BIO_up_ref(s2c);
        SSL_set_bio(c.ssl, s2c, c2s);
        SSL_set_bio(s.ssl, c2s, s2c);
        SSL_set_connect_state(c.ssl);
        SSL_set_accept_state(s.ssl);
        ck_assert_int_eq(pthread_create(&tc, NULL, drive_end, &c), 0);
        ck_assert_int_eq(pthread_create(&ts, NULL, drive_end, &s), 0);
        pthread_join(tc, NULL);
        pthread_join(ts, NULL);
        good += c.ok && s.ok;
        SSL_free(c.ssl);
        SSL_free(s.ssl);
    }
    ck_assert_int_eq(good, CROSS_ROUNDS);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(x);
    EVP_PKEY_free(pk);
    ERR_clear_error();
    minissl_quarantine_flush();
    ck_assert_int_eq(minissl_live_objects_total(), 0);
}
END_TEST

/* ---- SSL_dup racing the owner's first handshake call ---- */

#define DUP_ROUNDS 500

struct dup_race {
    SSL *c;
    SSL *got;
    pthread_barrier_t go;
};

static void *dup_side(void *arg)
{
    struct dup_race *r = arg;

    pthread_barrier_wait(&r->go);
    r->got = SSL_dup(r->c);
    return NULL;
}

START_TEST(dup_racing_the_first_handshake_call_copies_or_shares_never_tears)
{
    int round, copies = 0, shared = 0;

    cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    for (round = 0; round < DUP_ROUNDS; round++) {
        struct dup_race r;
        pthread_t t;
        BIO *b = BIO_new(BIO_s_mem());
        int ret;

        r.c = SSL_new(cctx);
        r.got = NULL;
        SSL_set_bio(r.c, b, b);
        SSL_set_connect_state(r.c);
        pthread_barrier_init(&r.go, NULL, 2);
        ck_assert_int_eq(pthread_create(&t, NULL, dup_side, &r), 0);
        pthread_barrier_wait(&r.go);
        ret = SSL_do_handshake(r.c);
        pthread_join(t, NULL);
        pthread_barrier_destroy(&r.go);
        ck_assert_int_eq(ret, -1);
        ck_assert_ptr_nonnull(r.got);
        if (r.got == r.c) {
            shared++;
            ck_assert_int_eq(minissl_refcount(r.c), 2);
        } else {
            /* A copy of the SSL as it was before the handshake began. */
            copies++;
            ck_assert_int_eq(SSL_in_before(r.got), 1);
            ck_assert_int_eq(SSL_is_server(r.got), 0);
            ck_assert_int_eq(SSL_get_verify_mode(r.got), SSL_VERIFY_PEER);
            ck_assert_ptr_null(SSL_get_rbio(r.got));
        }
        SSL_free(r.got);
        SSL_free(r.c);
    }
    ck_assert_int_eq(copies + shared, DUP_ROUNDS);
    SSL_CTX_free(cctx);
    ERR_clear_error();
    minissl_quarantine_flush();
    ck_assert_int_eq(minissl_live_objects_total(), 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("handshake_threads");
    TCase *tc = tcase_create("threads");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, eight_threads_share_one_ctx_pair_and_its_session_cache);
    tcase_add_test(tc,
        a_client_and_a_server_on_two_threads_share_their_memory_bios);
    tcase_add_test(tc,
        dup_racing_the_first_handshake_call_copies_or_shares_never_tears);
    suite_add_tcase(s, tc);
    return s;
}
