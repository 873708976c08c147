/* Suite bio: memory BIOs and BIO pairs (lib/src/bio.c), their retry flags,
 * ownership and thread safety. */
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <minissl/inspect.h>

#include "testutil.h"

static void teardown(void)
{
    ck_assert_int_eq(minissl_live_objects(MINISSL_BIO), 0);
    ERR_clear_error();
}

START_TEST(mem_bio_reads_back_what_was_written_in_order)
{
    BIO *b = BIO_new(BIO_s_mem());
    char buf[16] = {0};

    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(BIO_write(b, "hello ", 6), 6);
    ck_assert_int_eq(BIO_write(b, "world", 5), 5);
    ck_assert_int_eq(BIO_pending(b), 11);
    ck_assert_int_eq(BIO_read(b, buf, 4), 4);
    ck_assert_int_eq(BIO_read(b, buf + 4, sizeof(buf) - 5), 7);
    ck_assert_str_eq(buf, "hello world");
    ck_assert_int_eq(BIO_ctrl_pending(b), 0);
    BIO_free(b);
}
END_TEST

START_TEST(empty_mem_bio_read_returns_minus_one_with_retry_read)
{
    BIO *b = BIO_new(BIO_s_mem());
    char c;

    ck_assert_int_eq(BIO_read(b, &c, 1), -1);
    ck_assert(BIO_should_retry(b));
    ck_assert(BIO_should_read(b));
    ck_assert(!BIO_should_write(b));
    ck_assert_int_eq(ERR_peek_error(), 0);
    ck_assert_int_eq(BIO_write(b, "x", 1), 1);
    ck_assert(!BIO_should_retry(b));          /* the write cleared them */
    BIO_free(b);
}
END_TEST

START_TEST(mem_bio_with_eof_return_zero_reports_eof_without_retry)
{
    BIO *b = BIO_new(BIO_s_mem());
    char c;

    BIO_set_mem_eof_return(b, 0);
    ck_assert_int_eq(BIO_read(b, &c, 1), 0);
    ck_assert(!BIO_should_retry(b));
    ck_assert_int_eq(BIO_eof(b), 1);
    BIO_free(b);
}
END_TEST

START_TEST(mem_buf_bio_is_read_only_and_ends_with_eof)
{
    BIO *b = BIO_new_mem_buf("abc", -1);
    char buf[8];

    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(BIO_read(b, buf, sizeof(buf)), 3);
    ck_assert_int_eq(BIO_read(b, buf, sizeof(buf)), 0);
    ck_assert_int_eq(BIO_write(b, "x", 1), -1);
    ck_assert_int_eq(ERR_GET_LIB(ERR_peek_error()), ERR_LIB_BIO);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()),
                     BIO_R_WRITE_TO_READ_ONLY_BIO);
    ck_assert_int_eq(BIO_reset(b), 1);      /* rewinds to the data */
    ck_assert_int_eq(BIO_pending(b), 3);
    BIO_free(b);
}
END_TEST

START_TEST(bio_up_ref_keeps_it_alive_until_the_last_free)
{
    BIO *b = BIO_new(BIO_s_mem());

    ck_assert_int_eq(BIO_up_ref(b), 1);
    ck_assert_int_eq(minissl_refcount(b), 2);
    ck_assert_int_eq(BIO_free(b), 1);
    ck_assert_int_eq(minissl_live_objects(MINISSL_BIO), 1);
    ck_assert_int_eq(BIO_write(b, "x", 1), 1);
    ck_assert_int_eq(BIO_free(b), 1);
    ck_assert_int_eq(minissl_live_objects(MINISSL_BIO), 0);
}
END_TEST

START_TEST(null_bio_arguments_fail_with_a_reason)
{
    char c;

    ck_assert_int_eq(BIO_free(NULL), 0);
    ck_assert_int_eq(BIO_up_ref(NULL), 0);
    ck_assert_int_ne(ERR_get_error(), 0);
    ck_assert_int_eq(BIO_read(NULL, &c, 1), -1);
    ck_assert_int_ne(ERR_get_error(), 0);
    ck_assert_int_eq(BIO_write(NULL, &c, 1), -1);
    ck_assert_int_ne(ERR_get_error(), 0);
    ck_assert_int_eq(BIO_new_bio_pair(NULL, 0, NULL, 0), 0);
    ck_assert_int_ne(ERR_get_error(), 0);
    ck_assert_ptr_null(BIO_new(NULL));
    ck_assert_int_ne(ERR_get_error(), 0);
}
END_TEST

START_TEST(bio_pair_carries_bytes_both_ways)
{
    BIO *a, *b;
    char buf[8] = {0};

    ck_assert_int_eq(BIO_new_bio_pair(&a, 0, &b, 0), 1);
    ck_assert_int_eq(BIO_write(a, "ping", 4), 4);
    ck_assert_int_eq(BIO_pending(b), 4);
    ck_assert_int_eq(BIO_wpending(a), 4);
    ck_assert_int_eq(BIO_read(b, buf, sizeof(buf)), 4);
    ck_assert_str_eq(buf, "ping");
    ck_assert_int_eq(BIO_write(b, "pong", 4), 4);
    ck_assert_int_eq(BIO_read(a, buf, sizeof(buf)), 4);
    ck_assert_int_eq(memcmp(buf, "pong", 4), 0);
    ck_assert_int_eq(BIO_read(a, buf, 1), -1);
    ck_assert(BIO_should_read(a));
    BIO_free(a);
    BIO_free(b);
}
END_TEST

START_TEST(bio_pair_full_buffer_asks_for_write_retry)
{
    BIO *a, *b;
    char buf[64];

    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(BIO_new_bio_pair(&a, 10, &b, 10), 1);
    ck_assert_int_eq(BIO_get_write_guarantee(a), 10);
    ck_assert_int_eq(BIO_write(a, buf, sizeof(buf)), 10);    /* partial */
    ck_assert_int_eq(BIO_write(a, buf, 1), -1);
    ck_assert(BIO_should_retry(a));
    ck_assert(BIO_should_write(a));
    ck_assert_int_eq(BIO_read(b, buf, 4), 4);
    ck_assert_int_eq(BIO_write(a, buf, sizeof(buf)), 4);
    BIO_free(a);
    BIO_free(b);
}
END_TEST

START_TEST(bio_pair_half_without_peer_reads_eof_and_fails_writes_without_retry)
{
    BIO *a, *b;
    char c;

    ck_assert_int_eq(BIO_new_bio_pair(&a, 0, &b, 0), 1);
    ck_assert_int_eq(BIO_write(b, "z", 1), 1);
    BIO_free(b);
    ck_assert_int_eq(BIO_read(a, &c, 1), 1);      /* what was sent stays */
    ck_assert_int_eq(BIO_read(a, &c, 1), 0);
    ck_assert(!BIO_should_retry(a));
    ck_assert_int_eq(BIO_eof(a), 1);
    ck_assert_int_eq(BIO_write(a, "y", 1), 0);
    ck_assert(!BIO_should_retry(a));
    BIO_free(a);
}
END_TEST

START_TEST(bio_pair_shutdown_wr_gives_the_reader_eof)
{
    BIO *a, *b;
    char c;

    ck_assert_int_eq(BIO_new_bio_pair(&a, 0, &b, 0), 1);
    ck_assert_int_eq(BIO_shutdown_wr(a), 1);
    ck_assert_int_eq(BIO_read(b, &c, 1), 0);
    ck_assert_int_eq(BIO_eof(b), 1);
    ck_assert_int_eq(BIO_write(a, "q", 1), -1);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), BIO_R_BROKEN_PIPE);
    BIO_free(b);
    BIO_free(a);
}
END_TEST

#define STREAM_BYTES 200000

static void *pair_writer(void *arg)
{
    BIO *w = arg;
    unsigned char buf[333];
    size_t sent = 0;

    while (sent < STREAM_BYTES) {
        size_t k = STREAM_BYTES - sent < sizeof(buf) ? STREAM_BYTES - sent
                                                     : sizeof(buf);
        size_t i;
        int n;

        for (i = 0; i < k; i++)
            buf[i] = (unsigned char)((sent + i) * 7);
        n = BIO_write(w, buf, (int)k);
        if (n > 0)
            sent += (size_t)n;
        else if (!BIO_should_retry(w))
            return (void *)1;
    }
    return NULL;
}

START_TEST(bio_pair_moves_a_stream_intact_between_two_threads)
{
    BIO *a, *b;
    pthread_t t;
    unsigned char buf[500];
    size_t got = 0, bad = 0;
    void *res;

    ck_assert_int_eq(BIO_new_bio_pair(&a, 1000, &b, 1000), 1);
    ck_assert_int_eq(pthread_create(&t, NULL, pair_writer, a), 0);
    while (got < STREAM_BYTES) {
        int n = BIO_read(b, buf, sizeof(buf)), i;

        for (i = 0; i < n; i++, got++)
            bad += buf[i] != (unsigned char)(got * 7);
        if (n <= 0)
            ck_assert(BIO_should_retry(b));
    }
    ck_assert_int_eq(pthread_join(t, &res), 0);
    ck_assert_ptr_null(res);
    ck_assert_uint_eq(bad, 0);
    BIO_free(a);
    BIO_free(b);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("bio");
    TCase *mem = tcase_create("memory");
    TCase *pair = tcase_create("pair");

    tcase_add_checked_fixture(mem, NULL, teardown);
    tcase_add_checked_fixture(pair, NULL, teardown);
    tcase_add_test(mem, mem_bio_reads_back_what_was_written_in_order);
    tcase_add_test(mem, empty_mem_bio_read_returns_minus_one_with_retry_read);
    tcase_add_test(mem, mem_bio_with_eof_return_zero_reports_eof_without_retry);
    tcase_add_test(mem, mem_buf_bio_is_read_only_and_ends_with_eof);
    tcase_add_test(mem, bio_up_ref_keeps_it_alive_until_the_last_free);
    tcase_add_test(mem, null_bio_arguments_fail_with_a_reason);
    tcase_add_test(pair, bio_pair_carries_bytes_both_ways);
    tcase_add_test(pair, bio_pair_full_buffer_asks_for_write_retry);
    tcase_add_test(pair,
        bio_pair_half_without_peer_reads_eof_and_fails_writes_without_retry);
    tcase_add_test(pair, bio_pair_shutdown_wr_gives_the_reader_eof);
    tcase_add_test(pair, bio_pair_moves_a_stream_intact_between_two_threads);
    suite_add_tcase(s, mem);
    suite_add_tcase(s, pair);
    return s;
}
