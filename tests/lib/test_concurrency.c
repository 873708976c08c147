/* Suite concurrency: 8 threads race SSL_up_ref, SSL_dup and SSL_free on
 * one SSL, round after round (MS_TEST_ROUNDS, default 100000); the SSL is
 * destroyed exactly once per round, by whichever thread drops the last
 * reference, and nothing leaks.  Odd rounds make the SSL "not initial",
 * so SSL_dup takes the up_ref path; even rounds it copies.  Kept in its
 * own binary so that it can run alone under TSan, Helgrind and DRD.
 *
 * A second test races SSL_dup against the owner's handshake on the same
 * SSL (MS_TEST_ROUNDS / 500 + 1 handshakes): each dup is a whole copy
 * taken before the handshake began, or the same handle.
 *
 * Synchronisation of the test itself uses only pthread barriers, which
 * every detector understands; the SSL's memory is handed between threads
 * only by minissl's reference count. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include <minissl/inspect.h>
#include <openssl/ssl.h>

#include "testutil.h"

#define NTHREADS 8

static SSL *shared;                 /* the round's SSL; written before the start barrier */
static pthread_barrier_t start_b, end_b;
static unsigned long rounds;
static int ex_idx;
static int orig_marker, copy_marker;
static atomic_ulong orig_destroyed, copy_destroyed, same_handle, copies;
static atomic_int last_destroyer;   /* thread number that destroyed the original */
static atomic_ulong destroyer_seen; /* bit per thread that ever destroyed it */
static _Thread_local int my_number = -1;

static int mark_copy(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from,
                     void **from_d, int idx, long argl, void *argp)
{
    (void)to; (void)from; (void)idx; (void)argl; (void)argp;
    *from_d = &copy_marker;
    return 1;
}

static void count_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                       long argl, void *argp)
{
    (void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
    if (ptr == &orig_marker) {
        atomic_fetch_add(&orig_destroyed, 1);
        if (my_number >= 0) {
            atomic_store(&last_destroyer, my_number);
            atomic_fetch_or(&destroyer_seen, 1UL << my_number);
        }
    } else if (ptr == &copy_marker) {
        atomic_fetch_add(&copy_destroyed, 1);
    }
}

/* Each thread owns one reference to the round's SSL: it takes a second
 * (up_ref), dups (a copy, or a third reference), and drops all it holds. */
static void *worker(void *arg)
{
    unsigned long r;

    my_number = (int)(long)arg;
    for (r = 0; r < rounds; r++) {
        SSL *s, *d;

        pthread_barrier_wait(&start_b);
        s = shared;
        ck_assert_int_eq(SSL_up_ref(s), 1);
        d = SSL_dup(s);
        ck_assert_ptr_nonnull(d);
        if (d == s) {
            atomic_fetch_add(&same_handle, 1);
        } else {
            atomic_fetch_add(&copies, 1);
            ck_assert_ptr_eq(SSL_get_ex_data(d, ex_idx), &copy_marker);
        }
        SSL_free(s);
        SSL_free(d);        /* the copy, or the dup's extra reference */
        SSL_free(s);        /* this thread's own reference */
        pthread_barrier_wait(&end_b);
    }
    return NULL;
}

START_TEST(racing_up_ref_dup_and_free_destroys_the_ssl_exactly_once_per_round)
{
    pthread_t th[NTHREADS];
    SSL_CTX *ctx;
    unsigned long r, seen;
    int i, ndestroyers = 0;

    rounds = tu_env_ulong("MS_TEST_ROUNDS", 100000);
    printf("concurrency: %d threads, %lu rounds (MS_TEST_ROUNDS)\n", NTHREADS,
           rounds);
    ex_idx = SSL_get_ex_new_index(0, NULL, NULL, mark_copy, count_free);
    ck_assert_int_gt(ex_idx, 0);
    ck_assert_ptr_nonnull(ctx = SSL_CTX_new(TLS_method()));
    ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx, "AES128-SHA"), 1);
    ck_assert_int_eq(pthread_barrier_init(&start_b, NULL, NTHREADS + 1), 0);
    ck_assert_int_eq(pthread_barrier_init(&end_b, NULL, NTHREADS + 1), 0);
    for (i = 0; i < NTHREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker, (void *)(long)i), 0);

    for (r = 0; r < rounds; r++) {
        SSL *s = SSL_new(ctx);

        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(SSL_set_ex_data(s, ex_idx, &orig_marker), 1);
        if (r % 2 == 1)
            minissl_SSL_force_not_initial(s, 1);
        for (i = 1; i < NTHREADS; i++)          /* one reference per thread */
            ck_assert_int_eq(SSL_up_ref(s), 1);
        shared = s;
        pthread_barrier_wait(&start_b);
        pthread_barrier_wait(&end_b);
        ck_assert_msg(atomic_load(&orig_destroyed) == r + 1,
                      "round %lu: the SSL was destroyed %lu times in all", r,
                      atomic_load(&orig_destroyed));
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start_b);
    pthread_barrier_destroy(&end_b);
    SSL_CTX_free(ctx);
    CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL, ex_idx);

    seen = atomic_load(&destroyer_seen);
    for (i = 0; i < NTHREADS; i++)
        ndestroyers += (seen >> i) & 1;
    printf("concurrency: originals destroyed %lu, copies %lu (destroyed %lu), "
           "same-handle dups %lu, %d distinct destroying threads\n",
           atomic_load(&orig_destroyed), atomic_load(&copies),
           atomic_load(&copy_destroyed), atomic_load(&same_handle),
           ndestroyers);
    ck_assert_uint_eq(atomic_load(&orig_destroyed), rounds);
    ck_assert_uint_eq(atomic_load(&copy_destroyed), atomic_load(&copies));
    ck_assert_uint_eq(atomic_load(&copies) + atomic_load(&same_handle),
                      rounds * NTHREADS);
    ck_assert_uint_eq(atomic_load(&same_handle), (rounds / 2) * NTHREADS);
    /* The threads really overlapped: the last free did not always fall to
     * the same thread (meaningful once there are enough rounds). */
    if (rounds >= 1000)
        ck_assert_int_gt(ndestroyers, 1);
}
END_TEST

/* ---- SSL_dup racing the owner's handshake (ssl.h contract 2) ---- */
static atomic_int hs_done, dupper_started;
static atomic_ulong race_copies, race_same, race_after;

/* Dups the client until the owner's handshake is over.  Every copy must be
 * whole and taken before the handshake began: in its initial state, a
 * client, with the original's settings and without the session that the
 * handshake installs. */
static void *dupper(void *arg)
{
    SSL *c = arg;                   /* a reference the owner gave us */

    do {
        SSL *d = SSL_dup(c);

        ck_assert_ptr_nonnull(d);
        if (d == c) {
            atomic_fetch_add(&race_same, 1);
        } else {
            atomic_fetch_add(&race_copies, 1);
            ck_assert_int_eq(minissl_SSL_in_initial_state(d), 1);
            ck_assert_int_eq(SSL_is_server(d), 0);
            ck_assert_int_eq(SSL_get_verify_depth(d), 5);
            ck_assert_ptr_null(SSL_get_session(d));
        }
        SSL_free(d);
        atomic_store(&dupper_started, 1);
    } while (!atomic_load(&hs_done));
    /* The handshake is over: every dup from now on shares the handle. */
    {
        SSL *d = SSL_dup(c);

        ck_assert_ptr_eq(d, c);
        atomic_fetch_add(&race_after, 1);
        SSL_free(d);
    }
    SSL_free(c);
    return NULL;
}

START_TEST(dup_racing_the_owners_handshake_gets_a_whole_copy_or_the_same_handle)
{
    unsigned long n = tu_env_ulong("MS_TEST_ROUNDS", 100000) / 500 + 1, r;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    EVP_PKEY *key;
    X509 *x = tu_make_cert("server", &key);

    ck_assert_int_eq(SSL_CTX_use_certificate(sctx, x), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(sctx, key), 1);
    for (r = 0; r < n; r++) {
        SSL *c = SSL_new(cctx), *sv = SSL_new(sctx);
        BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
        int rc = 0, rs = 0, i;
        pthread_t t;

        ck_assert_ptr_nonnull(c);
        ck_assert_ptr_nonnull(sv);
        ck_assert_ptr_nonnull(c2s);
        ck_assert_ptr_nonnull(s2c);
        BIO_up_ref(c2s);
        BIO_up_ref(s2c);
        SSL_set_bio(c, s2c, c2s);
        SSL_set_bio(sv, c2s, s2c);
        SSL_set_connect_state(c);
        SSL_set_accept_state(sv);
        SSL_set_verify_depth(c, 5);
        atomic_store(&hs_done, 0);
        atomic_store(&dupper_started, 0);
        ck_assert_int_eq(SSL_up_ref(c), 1);
        ck_assert_int_eq(pthread_create(&t, NULL, dupper, c), 0);
        while (!atomic_load(&dupper_started))   /* one dup before we start */
            sched_yield();
        for (i = 0; i < 16 && (rc != 1 || rs != 1); i++) {
            if (rc != 1)
                rc = SSL_do_handshake(c);
            if (rs != 1)
                rs = SSL_do_handshake(sv);
        }
        atomic_store(&hs_done, 1);
        pthread_join(t, NULL);
        ck_assert_msg(rc == 1 && rs == 1, "round %lu: handshake failed", r);
        ck_assert_ptr_nonnull(SSL_get_session(c));
        SSL_free(c);
        SSL_free(sv);
    }
    printf("concurrency: %lu handshakes raced by SSL_dup: %lu copies, "
           "%lu same-handle\n", n, atomic_load(&race_copies),
           atomic_load(&race_same));
    ck_assert_uint_eq(minissl_live_objects(MINISSL_SSL), 0);
    /* Every round: at least one whole copy before the handshake began
     * (the owner waits for it) and a shared handle once it is over.  How
     * many dups fell inside the handshake depends on the scheduler, so it
     * is printed above, not asserted. */
    ck_assert_uint_ge(atomic_load(&race_copies), n);
    ck_assert_uint_eq(atomic_load(&race_after), n);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(x);
    EVP_PKEY_free(key);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("concurrency");
    TCase *tc = tcase_create("race");

    tcase_set_timeout(tc, 900);     /* scaled by CK_TIMEOUT_MULTIPLIER */
    tcase_add_test(tc, racing_up_ref_dup_and_free_destroys_the_ssl_exactly_once_per_round);
    tcase_add_test(tc, dup_racing_the_owners_handshake_gets_a_whole_copy_or_the_same_handle);
    tu_add_leak_checks(tc);
    suite_add_tcase(su, tc);
    return su;
}
