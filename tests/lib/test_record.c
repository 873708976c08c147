/* Suite record: framing and parsing of minissl's wire format
 * (lib/src/record.c): well-formed input parses, and every malformed,
 * truncated or oversized input is refused with a reason, never read past. */
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "record.h"
#include "testutil.h"

/* Builds a record of |type| around |body| in |out|; returns its size. */
static size_t mkrec(unsigned char *out, int type, const void *body,
                    size_t len)
{
    out[0] = (unsigned char)type;
    out[1] = 3;
    out[2] = 3;
    out[3] = (unsigned char)(len >> 8);
    out[4] = (unsigned char)len;
    memcpy(out + 5, body, len);
    return 5 + len;
}

static size_t mkhs(unsigned char *out, int type, const void *body, size_t len)
{
    out[0] = (unsigned char)type;
    out[1] = (unsigned char)(len >> 16);
    out[2] = (unsigned char)(len >> 8);
    out[3] = (unsigned char)len;
    memcpy(out + 4, body, len);
    return 4 + len;
}

/* A valid ClientHello body offering two ciphers and a 3-byte session id. */
static size_t client_hello_body(unsigned char *b)
{
    size_t n = 0;

    b[n++] = 0x03; b[n++] = 0x04;           /* max */
    b[n++] = 0x03; b[n++] = 0x03;           /* min */
    memset(b + n, 0x11, 32); n += 32;
    b[n++] = 3; b[n++] = 'a'; b[n++] = 'b'; b[n++] = 'c';
    b[n++] = 0; b[n++] = 4;
    b[n++] = 0x13; b[n++] = 0x01; b[n++] = 0xc0; b[n++] = 0x2f;
    return n;
}

START_TEST(a_whole_record_parses_and_reports_its_size)
{
    unsigned char buf[64];
    struct ms_record rec;
    int reason = 0;
    size_t n = mkrec(buf, MS_CT_APPLICATION_DATA, "hello", 5);

    ck_assert_int_eq(ms_record_parse(buf, n, &rec, &reason), (int)n);
    ck_assert_int_eq(rec.type, MS_CT_APPLICATION_DATA);
    ck_assert_uint_eq(rec.len, 5);
    ck_assert_int_eq(memcmp(rec.body, "hello", 5), 0);
}
END_TEST

START_TEST(every_truncation_of_a_record_asks_for_more_bytes)
{
    unsigned char buf[64], *copy;
    struct ms_record rec;
    int reason = 0;
    size_t n = mkrec(buf, MS_CT_HANDSHAKE, "\x14\x00\x00\x02xy", 6), k;

    for (k = 0; k < n; k++) {
        copy = malloc(k + 1);               /* exact size: ASan sees overreads */
        memcpy(copy, buf, k);
        ck_assert_int_eq(ms_record_parse(copy, k, &rec, &reason), 0);
        free(copy);
    }
}
END_TEST

START_TEST(an_oversized_record_is_refused_before_its_body_arrives)
{
    unsigned char hdr[5] = {MS_CT_APPLICATION_DATA, 3, 3, 0x40, 0x01};
    struct ms_record rec;
    int reason = 0;

    ck_assert_int_eq(ms_record_parse(hdr, sizeof(hdr), &rec, &reason), -1);
    ck_assert_int_eq(reason, SSL_R_PACKET_LENGTH_TOO_LONG);
}
END_TEST

START_TEST(an_unknown_record_type_or_version_is_refused)
{
    unsigned char a[6] = {99, 3, 3, 0, 1, 0}, b[6] = {23, 9, 9, 0, 1, 0};
    struct ms_record rec;
    int reason = 0;

    ck_assert_int_eq(ms_record_parse(a, sizeof(a), &rec, &reason), -1);
    ck_assert_int_eq(reason, SSL_R_BAD_RECORD_TYPE);
    ck_assert_int_eq(ms_record_parse(b, sizeof(b), &rec, &reason), -1);
    ck_assert_int_eq(reason, SSL_R_WRONG_VERSION_NUMBER);
}
END_TEST

START_TEST(an_alert_of_the_wrong_size_is_refused)
{
    unsigned char a[8] = {MS_CT_ALERT, 3, 3, 0, 3, 2, 40, 0};
    struct ms_record rec;
    int reason = 0;

    ck_assert_int_eq(ms_record_parse(a, sizeof(a), &rec, &reason), -1);
    ck_assert_int_eq(reason, SSL_R_INVALID_ALERT);
}
END_TEST

START_TEST(a_handshake_length_that_disagrees_with_its_record_is_refused)
{
    unsigned char rec_buf[64], hs[16];
    struct ms_record rec;
    struct ms_hs_msg m;
    int reason = 0;
    size_t n;

    n = mkhs(hs, MS_HT_FINISHED, "abcd", 4);
    hs[3] = 9;                              /* claims 9 bytes, has 4 */
    n = mkrec(rec_buf, MS_CT_HANDSHAKE, hs, n);
    ck_assert_int_gt(ms_record_parse(rec_buf, n, &rec, &reason), 0);
    ck_assert_int_eq(ms_hs_parse(&rec, &m, &reason), 0);
    ck_assert_int_eq(reason, SSL_R_BAD_HANDSHAKE_LENGTH);
}
END_TEST

START_TEST(a_client_hello_parses_into_its_fields)
{
    unsigned char body[64], hs[80], rb[100];
    struct ms_record rec;
    struct ms_hs_msg m;
    struct ms_client_hello ch;
    int reason = 0;
    size_t n = client_hello_body(body);

    n = mkrec(rb, MS_CT_HANDSHAKE, hs, mkhs(hs, MS_HT_CLIENT_HELLO, body, n));
    ck_assert_int_gt(ms_record_parse(rb, n, &rec, &reason), 0);
    ck_assert_int_eq(ms_hs_parse(&rec, &m, &reason), 1);
    ck_assert_int_eq(ms_client_hello_parse(&m, &ch, &reason), 1);
    ck_assert_int_eq(ch.max_version, 0x0304);
    ck_assert_int_eq(ch.min_version, 0x0303);
    ck_assert_uint_eq(ch.sid_len, 3);
    ck_assert_int_eq(memcmp(ch.sid, "abc", 3), 0);
    ck_assert_uint_eq(ch.n_ciphers, 2);
    ck_assert_int_eq(ch.ciphers[1], 0xc02f);
}
END_TEST

START_TEST(every_truncated_client_hello_body_is_refused_with_a_reason)
{
    unsigned char body[64];
    struct ms_hs_msg m;
    struct ms_client_hello ch;
    size_t n = client_hello_body(body), k;

    for (k = 0; k < n; k++) {
        unsigned char *copy = malloc(k + 1);
        int reason = 0;

        memcpy(copy, body, k);
        m.type = MS_HT_CLIENT_HELLO;
        m.body = copy;
        m.len = k;
        ck_assert_int_eq(ms_client_hello_parse(&m, &ch, &reason), 0);
        ck_assert_int_ne(reason, 0);
        free(copy);
    }
}
END_TEST

START_TEST(a_session_id_longer_than_32_bytes_is_refused)
{
    unsigned char body[64];
    struct ms_hs_msg m;
    struct ms_client_hello ch;
    int reason = 0;
    size_t n = client_hello_body(body);

    body[36] = 33;
    m.type = MS_HT_CLIENT_HELLO;
    m.body = body;
    m.len = n;
    ck_assert_int_eq(ms_client_hello_parse(&m, &ch, &reason), 0);
    ck_assert_int_eq(reason, SSL_R_LENGTH_MISMATCH);
}
END_TEST

START_TEST(a_message_of_another_type_is_refused_by_each_parser)
{
    unsigned char body[40] = {0};
    struct ms_hs_msg m = {MS_HT_FINISHED, body, 32, body, 32};
    struct ms_client_hello ch;
    struct ms_server_hello sh;
    struct ms_cert_list cl;
    int reason = 0;

    ck_assert_int_eq(ms_client_hello_parse(&m, &ch, &reason), 0);
    ck_assert_int_eq(reason, SSL_R_UNEXPECTED_MESSAGE);
    ck_assert_int_eq(ms_server_hello_parse(&m, &sh, &reason), 0);
    ck_assert_int_eq(ms_cert_list_parse(&m, &cl, &reason), 0);
}
END_TEST

START_TEST(a_certificate_list_with_a_lying_length_is_refused)
{
    unsigned char body[8] = {1, 0, 200, 'x', 'y'};
    struct ms_hs_msg m = {MS_HT_CERTIFICATE, body, 5, body, 5};
    struct ms_cert_list cl;
    int reason = 0;

    ck_assert_int_eq(ms_cert_list_parse(&m, &cl, &reason), 0);
    ck_assert_int_eq(reason, SSL_R_LENGTH_MISMATCH);
}
END_TEST

START_TEST(the_transcript_digest_changes_with_any_byte)
{
    struct ms_digest d;
    unsigned char a[MS_FINISHED_LEN], b[MS_FINISHED_LEN];
    unsigned char msg[16] = "0123456789abcde";

    ms_digest_init(&d);
    ms_digest_update(&d, msg, sizeof(msg));
    ms_digest_final(&d, a);
    msg[7] ^= 1;
    ms_digest_init(&d);
    ms_digest_update(&d, msg, sizeof(msg));
    ms_digest_final(&d, b);
    ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("record");
    TCase *fr = tcase_create("framing");
    TCase *msg = tcase_create("messages");

    tcase_add_test(fr, a_whole_record_parses_and_reports_its_size);
    tcase_add_test(fr, every_truncation_of_a_record_asks_for_more_bytes);
    tcase_add_test(fr, an_oversized_record_is_refused_before_its_body_arrives);
    tcase_add_test(fr, an_unknown_record_type_or_version_is_refused);
    tcase_add_test(fr, an_alert_of_the_wrong_size_is_refused);
    tcase_add_test(msg,
        a_handshake_length_that_disagrees_with_its_record_is_refused);
    tcase_add_test(msg, a_client_hello_parses_into_its_fields);
    tcase_add_test(msg,
        every_truncated_client_hello_body_is_refused_with_a_reason);
    tcase_add_test(msg, a_session_id_longer_than_32_bytes_is_refused);
    tcase_add_test(msg, a_message_of_another_type_is_refused_by_each_parser);
    tcase_add_test(msg, a_certificate_list_with_a_lying_length_is_refused);
    tcase_add_test(msg, the_transcript_digest_changes_with_any_byte);
    suite_add_tcase(s, fr);
    suite_add_tcase(s, msg);
    return s;
}
