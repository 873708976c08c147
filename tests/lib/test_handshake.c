/* Suite handshake: minissl's state machine between a client and a server
 * SSL over memory BIOs, in one thread: flights and return values call by
 * call (as OpenSSL 3 gives them), failures with their reasons, every
 * SSL_get_error value, callbacks in order, sessions and resumption,
 * SSL_dup across the states, hostile records.  Each test ends with no
 * object and no allocation left alive. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <minissl/inspect.h>

#include "testutil.h"

/* ---- fixtures ---- */

static EVP_PKEY *the_key;
static X509 *the_cert;

/* A throwaway self-signed certificate, made as a program would make it. */
static X509 *make_cert(EVP_PKEY **keyp, const char *cn)
{
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();

    ck_assert_ptr_nonnull(pk);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), 0));
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
    ck_assert_int_eq(X509_set_pubkey(x, pk), 1);
    ck_assert_int_eq(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
                         MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0), 1);
    ck_assert_int_eq(X509_set_issuer_name(x, X509_get_subject_name(x)), 1);
    ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
    *keyp = pk;
    return x;
}

static void setup(void)
{
    ERR_clear_error();
    the_cert = make_cert(&the_key, "server.test");
}

static void teardown(void)
{
    X509_free(the_cert);
    EVP_PKEY_free(the_key);
    the_cert = NULL;
    the_key = NULL;
    ERR_clear_error();
    minissl_quarantine_flush();
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL), 0);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL_CTX), 0);
    ck_assert_int_eq(minissl_live_objects(MINISSL_SSL_SESSION), 0);
    ck_assert_int_eq(minissl_live_objects(MINISSL_X509), 0);
    ck_assert_int_eq(minissl_live_objects(MINISSL_BIO), 0);
    ck_assert_int_eq(minissl_live_allocations(), 0);
}

static SSL_CTX *server_ctx(void)
{
    SSL_CTX *c = SSL_CTX_new(TLS_server_method());

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(SSL_CTX_use_certificate(c, the_cert), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(c, the_key), 1);
    return c;
}

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *c = SSL_CTX_new(TLS_client_method());

    ck_assert_ptr_nonnull(c);
    return c;
}

/* Connects |c| and |s| through two memory BIOs and sets their roles. */
static void wire(SSL *c, SSL *s)
{
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());

    ck_assert_ptr_nonnull(c2s);
    ck_assert_ptr_nonnull(s2c);
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(c, s2c, c2s);
    SSL_set_bio(s, c2s, s2c);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
}

struct pair {
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
};

static void pair_new(struct pair *p)
{
    p->cctx = client_ctx();
    p->sctx = server_ctx();
    ck_assert_ptr_nonnull(p->c = SSL_new(p->cctx));
    ck_assert_ptr_nonnull(p->s = SSL_new(p->sctx));
    wire(p->c, p->s);
}

static void pair_free(struct pair *p)
{
    SSL_free(p->c);
    SSL_free(p->s);
    SSL_CTX_free(p->cctx);
    SSL_CTX_free(p->sctx);
}

/* Drives both sides until both finish or one fails; 1 if both finished. */
static int pump(SSL *c, SSL *s)
{
    int i, rc = 0, rs = 0;

    for (i = 0; i < 10 && (rc != 1 || rs != 1); i++) {
        if (rc != 1) {
            rc = SSL_do_handshake(c);
            if (rc <= 0 && SSL_get_error(c, rc) != SSL_ERROR_WANT_READ)
                return 0;
        }
        if (rs != 1) {
            rs = SSL_do_handshake(s);
            if (rs <= 0 && SSL_get_error(s, rs) != SSL_ERROR_WANT_READ)
                return 0;
        }
    }
    return rc == 1 && rs == 1;
}

/* Expects |r| from a call on |s| to give SSL_get_error |e| (and, for
 * SSL_ERROR_SSL, |reason| first on the stack), then clears the stack. */
static void expect(const SSL *s, int r, int ret, int e, int reason)
{
    ck_assert_int_eq(r, ret);
    ck_assert_int_eq(SSL_get_error(s, r), e);
    if (reason != 0)
        ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), reason);
    ERR_clear_error();
}

/* ---- handshakes ---- */

START_TEST(tls13_handshake_takes_the_flights_openssl_takes)
{
    struct pair p;

    pair_new(&p);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.c, SSL_do_handshake(p.c), 1, SSL_ERROR_NONE, 0);
    expect(p.s, SSL_do_handshake(p.s), 1, SSL_ERROR_NONE, 0);
    ck_assert_int_eq(SSL_version(p.c), TLS1_3_VERSION);
    ck_assert_str_eq(SSL_get_version(p.s), "TLSv1.3");
    ck_assert_int_eq(SSL_session_reused(p.c), 0);
    pair_free(&p);
}
END_TEST

START_TEST(tls12_handshake_ends_with_the_servers_finished)
{
    struct pair p;

    pair_new(&p);
    ck_assert_int_eq(SSL_set_max_proto_version(p.c, TLS1_2_VERSION), 1);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), 1, SSL_ERROR_NONE, 0);
    expect(p.c, SSL_do_handshake(p.c), 1, SSL_ERROR_NONE, 0);
    ck_assert_int_eq(SSL_version(p.s), TLS1_2_VERSION);
    pair_free(&p);
}
END_TEST

START_TEST(connect_and_accept_choose_the_role_and_run_the_handshake)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL *c = SSL_new(cc), *s = SSL_new(sc);
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());

    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(c, s2c, c2s);
    SSL_set_bio(s, c2s, s2c);
    expect(c, SSL_connect(c), -1, SSL_ERROR_WANT_READ, 0);
    expect(s, SSL_accept(s), -1, SSL_ERROR_WANT_READ, 0);
    expect(c, SSL_connect(c), 1, SSL_ERROR_NONE, 0);
    expect(s, SSL_accept(s), 1, SSL_ERROR_NONE, 0);
    ck_assert_int_eq(SSL_is_server(s), 1);
    ck_assert_int_eq(SSL_is_server(c), 0);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(application_data_flows_both_ways_after_the_handshake)
{
    struct pair p;
    char buf[64];

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    expect(p.c, SSL_read(p.c, buf, sizeof(buf)), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_int_eq(SSL_write(p.c, "hello", 5), 5);
    ck_assert_int_eq(SSL_pending(p.s), 0);
    ck_assert_int_eq(SSL_peek(p.s, buf, 2), 2);
    ck_assert_int_eq(SSL_pending(p.s), 5);
    ck_assert_int_eq(SSL_read(p.s, buf, sizeof(buf)), 5);
    ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
    ck_assert_int_eq(SSL_write(p.s, "world!", 6), 6);
    ck_assert_int_eq(SSL_read(p.c, buf, 3), 3);
    ck_assert_int_eq(SSL_read(p.c, buf + 3, 3), 3);
    ck_assert_int_eq(memcmp(buf, "world!", 6), 0);
    pair_free(&p);
}
END_TEST

START_TEST(a_large_write_arrives_whole_in_several_records)
{
    struct pair p;
    static char big[40000], back[40000];
    int got = 0, n;

    memset(big, 'q', sizeof(big));
    big[39999] = 'z';
    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    ck_assert_int_eq(SSL_write(p.c, big, sizeof(big)), (int)sizeof(big));
    while (got < (int)sizeof(back)
           && (n = SSL_read(p.s, back + got, (int)sizeof(back) - got)) > 0)
        got += n;
    ck_assert_int_eq(got, (int)sizeof(back));
    ck_assert_int_eq(memcmp(big, back, sizeof(big)), 0);
    pair_free(&p);
}
END_TEST

START_TEST(server_without_a_certificate_fails_with_no_shared_cipher)
{
    SSL_CTX *cc = client_ctx(), *sc = SSL_CTX_new(TLS_server_method());
    SSL *c = SSL_new(cc), *s = SSL_new(sc);

    wire(c, s);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_WANT_READ, 0);
    expect(s, SSL_do_handshake(s), -1, SSL_ERROR_SSL, SSL_R_NO_SHARED_CIPHER);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_SSL,
           SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
    ck_assert_int_eq(SSL_in_init(c), 1);
    ck_assert_int_eq(SSL_is_init_finished(c), 0);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(version_ranges_that_do_not_meet_fail_with_unsupported_protocol)
{
    struct pair p;

    pair_new(&p);
    SSL_set_max_proto_version(p.c, TLS1_2_VERSION);
    SSL_set_min_proto_version(p.s, TLS1_3_VERSION);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_SSL,
           SSL_R_UNSUPPORTED_PROTOCOL);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_SSL,
           SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
    pair_free(&p);
}
END_TEST

START_TEST(cipher_lists_that_do_not_meet_fail_with_no_shared_cipher)
{
    struct pair p;

    pair_new(&p);
    SSL_set_max_proto_version(p.c, TLS1_2_VERSION);
    ck_assert_int_eq(SSL_set_cipher_list(p.c, "AES128-SHA"), 1);
    ck_assert_int_eq(SSL_set_cipher_list(p.s, "AES256-SHA"), 1);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_SSL,
           SSL_R_NO_SHARED_CIPHER);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_SSL,
           SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
    pair_free(&p);
}
END_TEST

START_TEST(handshake_without_a_role_fails_with_connection_type_not_set)
{
    SSL_CTX *cc = client_ctx();
    SSL *c = SSL_new(cc);

    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_SSL,
           SSL_R_CONNECTION_TYPE_NOT_SET);
    SSL_free(c);
    SSL_CTX_free(cc);
}
END_TEST

START_TEST(a_client_without_a_write_bio_gets_syscall_as_from_openssl)
{
    struct pair p;
    SSL *c;

    p.cctx = client_ctx();
    p.sctx = server_ctx();
    c = SSL_new(p.cctx);
    p.s = SSL_new(p.sctx);
    SSL_set_connect_state(c);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_SYSCALL, 0);
    ck_assert_int_eq(SSL_want_write(c), 1);
    SSL_free(c);
    p.c = SSL_new(p.cctx);
    wire(p.c, p.s);
    ck_assert(pump(p.c, p.s));
    pair_free(&p);
}
END_TEST

START_TEST(a_server_without_a_read_bio_fails_with_read_bio_not_set)
{
    SSL_CTX *sc = server_ctx();
    SSL *s = SSL_new(sc);

    SSL_set_accept_state(s);
    expect(s, SSL_do_handshake(s), -1, SSL_ERROR_SSL, SSL_R_READ_BIO_NOT_SET);
    SSL_free(s);
    SSL_CTX_free(sc);
}
END_TEST

/* ---- verification ---- */

static int vcalls, vdepth[8], vok[8], verr[8];

static int record_verify(int ok, X509_STORE_CTX *ctx)
{
    if (vcalls < 8) {
        vok[vcalls] = ok;
        vdepth[vcalls] = X509_STORE_CTX_get_error_depth(ctx);
        verr[vcalls] = X509_STORE_CTX_get_error(ctx);
    }
    vcalls++;
    ck_assert_ptr_nonnull(X509_STORE_CTX_get_current_cert(ctx));
    ck_assert_ptr_nonnull(X509_STORE_CTX_get_ex_data(ctx,
                              SSL_get_ex_data_X509_STORE_CTX_idx()));
    return 1;
}

START_TEST(verify_peer_without_a_callback_refuses_a_self_signed_server)
{
    struct pair p;

    pair_new(&p);
    SSL_set_verify(p.c, SSL_VERIFY_PEER, NULL);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_SSL,
           SSL_R_CERTIFICATE_VERIFY_FAILED);
    ck_assert_int_eq(SSL_get_verify_result(p.c),
                     X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_SSL,
           SSL_R_TLSV1_ALERT_UNKNOWN_CA);
    pair_free(&p);
}
END_TEST

START_TEST(verify_callback_is_told_the_depth_and_may_accept)
{
    struct pair p;
    X509 *peer;

    pair_new(&p);
    vcalls = 0;
    SSL_set_verify(p.c, SSL_VERIFY_PEER, record_verify);
    ck_assert(pump(p.c, p.s));
    ck_assert_int_eq(vcalls, 2);            /* as OpenSSL: error, then ok */
    ck_assert_int_eq(vok[0], 0);
    ck_assert_int_eq(vdepth[0], 0);
    ck_assert_int_eq(verr[0], X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    ck_assert_int_eq(vok[1], 1);
    ck_assert_int_eq(vdepth[1], 0);
    ck_assert_ptr_nonnull(peer = SSL_get1_peer_certificate(p.c));
    ck_assert_int_eq(X509_cmp(peer, the_cert), 0);
    X509_free(peer);
    pair_free(&p);
}
END_TEST

START_TEST(server_requiring_a_client_certificate_fails_without_one)
{
    struct pair p;

    pair_new(&p);
    SSL_set_verify(p.s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                   record_verify);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.c, SSL_do_handshake(p.c), 1, SSL_ERROR_NONE, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_SSL,
           SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
    pair_free(&p);
}
END_TEST

START_TEST(a_requested_client_certificate_reaches_the_server)
{
    struct pair p;
    EVP_PKEY *ck;
    X509 *cc = make_cert(&ck, "client.test"), *peer;
    char cn[64];

    pair_new(&p);
    ck_assert_int_eq(SSL_use_certificate(p.c, cc), 1);
    ck_assert_int_eq(SSL_use_PrivateKey(p.c, ck), 1);
    vcalls = 0;
    SSL_set_verify(p.s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                   record_verify);
    ck_assert(pump(p.c, p.s));
    ck_assert_int_eq(vcalls, 2);
    ck_assert_ptr_nonnull(peer = SSL_get_peer_certificate(p.s));
    ck_assert_int_gt(X509_NAME_get_text_by_NID(X509_get_subject_name(peer),
                         NID_commonName, cn, sizeof(cn)), 0);
    ck_assert_str_eq(cn, "client.test");
    X509_free(peer);
    X509_free(cc);
    EVP_PKEY_free(ck);
    pair_free(&p);
}
END_TEST

/* The verify callback of the checks below: accepts the one error a
 * self-signed server certificate raises (no trust store) and clears it,
 * as an application that pins that certificate does; every other error
 * stands. */
static int accept_self_signed(int ok, X509_STORE_CTX *ctx)
{
    if (!ok && X509_STORE_CTX_get_error(ctx)
               == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
        X509_STORE_CTX_set_error(ctx, X509_V_OK);
        return 1;
    }
    return ok;
}

START_TEST(a_callback_that_clears_the_error_leaves_the_verify_result_ok)
{
    struct pair p;

    pair_new(&p);
    SSL_set_verify(p.c, SSL_VERIFY_PEER, accept_self_signed);
    ck_assert(pump(p.c, p.s));
    ck_assert_int_eq(SSL_get_verify_result(p.c), X509_V_OK);
    pair_free(&p);
}
END_TEST

static void vp_none(SSL *s) { (void)s; }
static void vp_host(SSL *s) { ck_assert_int_eq(SSL_set1_host(s, "server.test"), 1); }
static void vp_other_host(SSL *s) { ck_assert_int_eq(SSL_set1_host(s, "other.test"), 1); }
static void vp_never_subject(SSL *s)
{
    vp_host(s);
    SSL_set_hostflags(s, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
}
static void vp_email(SSL *s)
{
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_email(SSL_get0_param(s),
                                                  "a@server.test", 0), 1);
}
static void vp_ip(SSL *s)
{
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s),
                                                   "192.0.2.1"), 1);
}
static void vp_future(SSL *s) { X509_VERIFY_PARAM_set_time(SSL_get0_param(s), 4102444800); }
static void vp_past(SSL *s) { X509_VERIFY_PARAM_set_time(SSL_get0_param(s), 946684800); }
static void vp_future_no_check(SSL *s)
{
    vp_future(s);
    X509_VERIFY_PARAM_set_flags(SSL_get0_param(s), X509_V_FLAG_NO_CHECK_TIME);
}
static void vp_timestamp(SSL *s)
{
    ck_assert_int_eq(X509_VERIFY_PARAM_set_purpose(SSL_get0_param(s),
                                                   X509_PURPOSE_TIMESTAMP_SIGN), 1);
}
static void vp_server_purpose(SSL *s)
{
    ck_assert_int_eq(X509_VERIFY_PARAM_set_purpose(SSL_get0_param(s),
                                                   X509_PURPOSE_SSL_SERVER), 1);
}
static void vp_auth4(SSL *s) { X509_VERIFY_PARAM_set_auth_level(SSL_get0_param(s), 4); }
static void vp_auth3(SSL *s) { X509_VERIFY_PARAM_set_auth_level(SSL_get0_param(s), 3); }
static void vp_dane_ee(SSL *s)
{
    static const unsigned char digest[32] = {1};

    ck_assert_int_eq(SSL_CTX_dane_enable(SSL_get_SSL_CTX(s)), 1);
    ck_assert_int_eq(SSL_dane_enable(s, "server.test"), 1);
    ck_assert_int_eq(SSL_dane_tlsa_add(s, 3, 1, 1, digest, sizeof(digest)), 1);
}

/* What OpenSSL 3.0.19 answers for each, with this callback and a
 * self-signed P-256 leaf without extensions (measured with the same
 * certificate shape and callback against the system library). */
static const struct {
    const char *what;
    void (*set)(SSL *s);
    long result;
} vcases[] = {
    {"nothing", vp_none, X509_V_OK},
    {"its own name as host", vp_host, X509_V_OK},
    {"another host", vp_other_host, X509_V_ERR_HOSTNAME_MISMATCH},
    {"NEVER_CHECK_SUBJECT", vp_never_subject, X509_V_ERR_HOSTNAME_MISMATCH},
    {"an email address", vp_email, X509_V_ERR_EMAIL_MISMATCH},
    {"an IP address", vp_ip, X509_V_ERR_IP_ADDRESS_MISMATCH},
    {"a time after notAfter", vp_future, X509_V_ERR_CERT_HAS_EXPIRED},
    {"a time before notBefore", vp_past, X509_V_ERR_CERT_NOT_YET_VALID},
    {"a time and NO_CHECK_TIME", vp_future_no_check,
     X509_V_ERR_CERT_HAS_EXPIRED},
    {"purpose TIMESTAMP_SIGN", vp_timestamp, X509_V_ERR_INVALID_PURPOSE},
    {"purpose SSL_SERVER", vp_server_purpose, X509_V_OK},
    {"auth level 4", vp_auth4, X509_V_ERR_EE_KEY_TOO_SMALL},
    {"auth level 3", vp_auth3, X509_V_OK},
    {"a DANE-EE record", vp_dane_ee, X509_V_ERR_DANE_NO_MATCH},
};

START_TEST(each_verify_parameter_decides_as_openssl_does)
{
    struct pair p;
    int ok;

    pair_new(&p);
    SSL_set_verify(p.c, SSL_VERIFY_PEER, accept_self_signed);
    vcases[_i].set(p.c);
    ok = pump(p.c, p.s);
    ERR_clear_error();
    ck_assert_msg(SSL_get_verify_result(p.c) == vcases[_i].result,
                  "%s: verify result %ld, expected %ld", vcases[_i].what,
                  SSL_get_verify_result(p.c), vcases[_i].result);
    ck_assert_msg(ok == (vcases[_i].result == X509_V_OK),
                  "%s: the handshake %s", vcases[_i].what,
                  ok ? "finished" : "failed");
    pair_free(&p);
}
END_TEST

START_TEST(verify_parameters_copy_email_ip_purpose_and_trust)
{
    X509_VERIFY_PARAM *a = X509_VERIFY_PARAM_new(), *b = X509_VERIFY_PARAM_new();
    char *ip;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_email(a, "a@b.test", 0), 1);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_ip_asc(a, "2001:db8::1"), 1);
    ck_assert_int_eq(X509_VERIFY_PARAM_set_purpose(a, X509_PURPOSE_SSL_CLIENT), 1);
    ck_assert_int_eq(X509_VERIFY_PARAM_set_trust(a, X509_TRUST_EMAIL), 1);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1(b, a), 1);
    ck_assert_str_eq(X509_VERIFY_PARAM_get0_email(b), "a@b.test");
    ck_assert_ptr_ne(X509_VERIFY_PARAM_get0_email(b), X509_VERIFY_PARAM_get0_email(a));
    ck_assert_ptr_nonnull(ip = X509_VERIFY_PARAM_get1_ip_asc(b));
    ck_assert_str_eq(ip, "2001:DB8:0:0:0:0:0:1");       /* OpenSSL's form */
    OPENSSL_free(ip);
    ck_assert_int_eq(minissl_X509_VERIFY_PARAM_get_purpose(b), X509_PURPOSE_SSL_CLIENT);
    ck_assert_int_eq(minissl_X509_VERIFY_PARAM_get_trust(b), X509_TRUST_EMAIL);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_ip_asc(a, "not an address"), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), ERR_R_PASSED_INVALID_ARGUMENT);
    ck_assert_int_eq(X509_VERIFY_PARAM_set1_email(a, NULL, 0), 1);
    ck_assert_ptr_null(X509_VERIFY_PARAM_get0_email(a));
    X509_VERIFY_PARAM_free(a);
    X509_VERIFY_PARAM_free(b);
}
END_TEST

/* ---- states ---- */

START_TEST(a_new_ssl_is_in_init_and_before)
{
    SSL_CTX *cc = client_ctx();
    SSL *c = SSL_new(cc);

    ck_assert_int_eq(SSL_in_init(c), 1);
    ck_assert_int_eq(SSL_in_before(c), 1);
    ck_assert_int_eq(SSL_is_init_finished(c), 0);
    ck_assert_int_eq(SSL_get_state(c), TLS_ST_BEFORE);
    SSL_set_connect_state(c);
    ck_assert_int_eq(SSL_in_before(c), 1);
    SSL_free(c);
    SSL_CTX_free(cc);
}
END_TEST

START_TEST(a_client_after_its_first_flight_is_in_init_but_not_before)
{
    struct pair p;

    pair_new(&p);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_int_eq(SSL_in_before(p.c), 0);
    ck_assert_int_eq(SSL_in_init(p.c), 1);
    ck_assert_int_eq(SSL_is_init_finished(p.c), 0);
    ck_assert_int_eq(SSL_get_state(p.c), TLS_ST_CW_CLNT_HELLO);
    ck_assert_int_gt(BIO_pending(SSL_get_wbio(p.c)), 0);
    pair_free(&p);
}
END_TEST

START_TEST(a_server_leaves_before_at_its_first_call_even_without_data)
{
    struct pair p;

    pair_new(&p);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_int_eq(SSL_in_before(p.s), 0);
    ck_assert_int_eq(SSL_get_state(p.s), TLS_ST_BEFORE);
    pair_free(&p);
}
END_TEST

START_TEST(a_finished_handshake_is_ok_and_no_longer_in_init)
{
    struct pair p;

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    ck_assert_int_eq(SSL_in_init(p.c), 0);
    ck_assert_int_eq(SSL_in_before(p.c), 0);
    ck_assert_int_eq(SSL_is_init_finished(p.c), 1);
    ck_assert_int_eq(SSL_get_state(p.s), TLS_ST_OK);
    ck_assert_int_eq(SSL_do_handshake(p.c), 1);      /* nothing more to do */
    pair_free(&p);
}
END_TEST

/* ---- SSL_get_error ---- */

START_TEST(a_full_bio_pair_gives_want_write_until_the_peer_reads)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL *c = SSL_new(cc), *s = SSL_new(sc);
    BIO *cb, *sb;

    ck_assert_int_eq(BIO_new_bio_pair(&cb, 16, &sb, 16), 1);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_WANT_WRITE, 0);
    ck_assert_int_eq(SSL_want_write(c), 1);
    for (int i = 0; i < 200 && !(SSL_is_init_finished(c)
                                 && SSL_is_init_finished(s)); i++) {
        int r = SSL_do_handshake(c), e = SSL_get_error(c, r);

        ck_assert(r == 1 || e == SSL_ERROR_WANT_READ
                  || e == SSL_ERROR_WANT_WRITE);
        r = SSL_do_handshake(s);
        e = SSL_get_error(s, r);
        ck_assert(r == 1 || e == SSL_ERROR_WANT_READ
                  || e == SSL_ERROR_WANT_WRITE);
    }
    ck_assert_int_eq(SSL_is_init_finished(c), 1);
    ck_assert_int_eq(SSL_is_init_finished(s), 1);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(close_notify_gives_zero_return_and_shutdown_returns_as_openssl)
{
    struct pair p;
    char buf[8];

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    expect(p.c, SSL_shutdown(p.c), 0, SSL_ERROR_SYSCALL, 0);
    ck_assert_int_eq(SSL_get_shutdown(p.c), SSL_SENT_SHUTDOWN);
    expect(p.s, SSL_read(p.s, buf, sizeof(buf)), 0, SSL_ERROR_ZERO_RETURN, 0);
    ck_assert_int_eq(SSL_get_shutdown(p.s), SSL_RECEIVED_SHUTDOWN);
    expect(p.s, SSL_shutdown(p.s), 1, SSL_ERROR_NONE, 0);
    expect(p.c, SSL_shutdown(p.c), 1, SSL_ERROR_NONE, 0);
    ck_assert_int_eq(SSL_get_shutdown(p.c),
                     SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    expect(p.c, SSL_write(p.c, "x", 1), -1, SSL_ERROR_SSL,
           SSL_R_PROTOCOL_IS_SHUTDOWN);
    pair_free(&p);
}
END_TEST

START_TEST(second_shutdown_waits_for_the_peer_with_want_read)
{
    struct pair p;

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    expect(p.c, SSL_shutdown(p.c), 0, SSL_ERROR_SYSCALL, 0);
    expect(p.c, SSL_shutdown(p.c), -1, SSL_ERROR_WANT_READ, 0);
    pair_free(&p);
}
END_TEST

START_TEST(writing_to_a_pair_whose_peer_is_gone_gives_syscall)
{
    SSL_CTX *cc = client_ctx();
    SSL *c = SSL_new(cc);
    BIO *cb, *sb;

    ck_assert_int_eq(BIO_new_bio_pair(&cb, 0, &sb, 0), 1);
    BIO_free(sb);
    SSL_set_bio(c, cb, cb);
    SSL_set_connect_state(c);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_SYSCALL, 0);
    SSL_free(c);
    SSL_CTX_free(cc);
}
END_TEST

START_TEST(shutdown_during_the_handshake_fails_with_a_reason)
{
    struct pair p;

    pair_new(&p);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.c, SSL_shutdown(p.c), -1, SSL_ERROR_SSL,
           SSL_R_SHUTDOWN_WHILE_IN_INIT);
    pair_free(&p);
}
END_TEST

START_TEST(unexpected_eof_fails_with_a_reason)
{
    SSL_CTX *sc = server_ctx();
    SSL *s = SSL_new(sc);
    BIO *in = BIO_new_mem_buf("\x16\x03\x01\x00", 4), *out = BIO_new(BIO_s_mem());

    SSL_set_bio(s, in, out);
    SSL_set_accept_state(s);
    expect(s, SSL_do_handshake(s), -1, SSL_ERROR_SSL,
           SSL_R_UNEXPECTED_EOF_WHILE_READING);
    SSL_free(s);
    SSL_CTX_free(sc);
}
END_TEST

/* ---- callbacks ---- */

static int events[64], nevents;

static void record_info(const SSL *s, int where, int ret)
{
    (void)s;
    if (nevents < 62) {
        events[nevents++] = where;
        events[nevents++] = ret;
    }
}

START_TEST(info_callback_sees_start_loops_done_and_exit_in_order)
{
    struct pair p;
    int i, saw_done = 0;

    pair_new(&p);
    SSL_set_info_callback(p.c, record_info);
    nevents = 0;
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_int_eq(nevents, 8);
    ck_assert_int_eq(events[0], SSL_CB_HANDSHAKE_START);
    ck_assert_int_eq(events[2], SSL_CB_CONNECT_LOOP);
    ck_assert_int_eq(events[4], SSL_CB_CONNECT_LOOP);
    ck_assert_int_eq(events[6], SSL_CB_CONNECT_EXIT);
    ck_assert_int_eq(events[7], -1);
    nevents = 0;
    ck_assert(pump(p.c, p.s));
    ck_assert_int_ge(nevents, 4);
    for (i = 0; i < nevents - 2; i += 2) {
        ck_assert_int_ne(events[i], SSL_CB_HANDSHAKE_START);
        if (events[i] == SSL_CB_HANDSHAKE_DONE)
            saw_done = 1;
    }
    ck_assert(saw_done);
    ck_assert_int_eq(events[nevents - 4], SSL_CB_HANDSHAKE_DONE);
    ck_assert_int_eq(events[nevents - 2], SSL_CB_CONNECT_EXIT);
    ck_assert_int_eq(events[nevents - 1], 1);
    pair_free(&p);
}
END_TEST

START_TEST(alerts_are_reported_to_both_info_callbacks)
{
    struct pair p;

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    SSL_set_info_callback(p.c, record_info);
    nevents = 0;
    SSL_shutdown(p.c);
    ck_assert_int_eq(nevents, 2);
    ck_assert_int_eq(events[0], SSL_CB_WRITE_ALERT);
    ck_assert_int_eq(events[1], SSL3_AL_WARNING << 8 | SSL_AD_CLOSE_NOTIFY);
    SSL_set_info_callback(p.s, record_info);
    nevents = 0;
    SSL_shutdown(p.s);              /* sends, then nothing read yet */
    SSL_shutdown(p.s);              /* reads the client's close_notify */
    ck_assert_int_eq(events[0], SSL_CB_WRITE_ALERT);
    ck_assert_int_eq(events[2], SSL_CB_READ_ALERT);
    ck_assert_int_eq(events[3], SSL3_AL_WARNING << 8 | SSL_AD_CLOSE_NOTIFY);
    ERR_clear_error();
    pair_free(&p);
}
END_TEST

static int msgs[64], nmsgs;

static void record_msg(int write_p, int version, int content_type,
                       const void *buf, size_t len, SSL *ssl, void *arg)
{
    (void)version;
    (void)ssl;
    ck_assert_ptr_eq(arg, &nmsgs);
    if (nmsgs < 60) {
        msgs[nmsgs++] = write_p;
        msgs[nmsgs++] = content_type;
        msgs[nmsgs++] = len > 0 ? ((const unsigned char *)buf)[0] : -1;
    }
}

START_TEST(msg_callback_sees_each_record_header_then_its_message)
{
    struct pair p;

    pair_new(&p);
    SSL_set_msg_callback(p.c, record_msg);
    SSL_set_msg_callback_arg(p.c, &nmsgs);
    nmsgs = 0;
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_int_eq(nmsgs, 6);
    ck_assert_int_eq(msgs[0], 1);
    ck_assert_int_eq(msgs[1], SSL3_RT_HEADER);
    ck_assert_int_eq(msgs[2], SSL3_RT_HANDSHAKE);     /* header's first byte */
    ck_assert_int_eq(msgs[4], SSL3_RT_HANDSHAKE);
    ck_assert_int_eq(msgs[5], 1);                    /* client_hello */
    ck_assert_int_eq(SSL_do_handshake(p.s), -1);
    nmsgs = 0;
    ck_assert_int_eq(SSL_do_handshake(p.c), 1);
    ck_assert_int_eq(msgs[0], 0);                    /* a read first */
    ck_assert_int_eq(msgs[5], 2);                    /* server_hello */
    pair_free(&p);
}
END_TEST

static int gen_calls;

static int gen_id(SSL *ssl, unsigned char *id, unsigned int *len)
{
    (void)ssl;
    gen_calls++;
    ck_assert_uint_eq(*len, SSL_MAX_SSL_SESSION_ID_LENGTH);
    memset(id, 0, *len);
    memcpy(id, "minissl-", 8);
    id[8] = (unsigned char)gen_calls;
    *len = 9;
    return 1;
}

static int gen_fail(SSL *ssl, unsigned char *id, unsigned int *len)
{
    (void)ssl;
    (void)id;
    (void)len;
    return 0;
}

START_TEST(session_id_callback_makes_the_servers_session_id)
{
    struct pair p;
    SSL_SESSION *ss;
    const unsigned char *id;
    unsigned int len;

    pair_new(&p);
    gen_calls = 0;
    ck_assert_int_eq(SSL_set_generate_session_id(p.s, gen_id), 1);
    ck_assert(pump(p.c, p.s));
    ck_assert_int_eq(gen_calls, 1);
    ck_assert_ptr_nonnull(ss = SSL_get1_session(p.c));
    id = SSL_SESSION_get_id(ss, &len);
    ck_assert_uint_eq(len, 9);
    ck_assert_int_eq(memcmp(id, "minissl-\x01", 9), 0);
    SSL_SESSION_free(ss);
    pair_free(&p);
}
END_TEST

START_TEST(a_failing_session_id_callback_fails_the_handshake)
{
    struct pair p;

    pair_new(&p);
    SSL_set_generate_session_id(p.s, gen_fail);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_SSL,
           SSL_R_SSL_SESSION_ID_CALLBACK_FAILED);
    pair_free(&p);
}
END_TEST

/* ---- sessions ---- */

/* A full handshake on |cctx|/|sctx|; returns the client's session. */
static SSL_SESSION *first_session(SSL_CTX *cctx, SSL_CTX *sctx, int max)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    SSL_SESSION *ss;

    if (max)
        SSL_set_max_proto_version(c, max);
    wire(c, s);
    ck_assert(pump(c, s));
    ck_assert_int_eq(SSL_session_reused(c), 0);
    ck_assert_ptr_nonnull(ss = SSL_get1_session(c));
    SSL_shutdown(c);
    SSL_free(c);
    SSL_free(s);
    return ss;
}

START_TEST(a_client_with_a_saved_session_resumes_through_the_cache)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss = first_session(cc, sc, 0);
    SSL *c = SSL_new(cc), *s = SSL_new(sc);

    ck_assert_int_eq(SSL_CTX_sess_number(sc), 1);
    ck_assert_int_eq(SSL_set_session(c, ss), 1);
    wire(c, s);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_WANT_READ, 0);
    expect(s, SSL_do_handshake(s), -1, SSL_ERROR_WANT_READ, 0);
    expect(c, SSL_do_handshake(c), 1, SSL_ERROR_NONE, 0);
    expect(s, SSL_do_handshake(s), 1, SSL_ERROR_NONE, 0);
    ck_assert_int_eq(SSL_session_reused(c), 1);
    ck_assert_int_eq(SSL_session_reused(s), 1);
    ck_assert_ptr_eq(SSL_get_session(c), ss);
    ck_assert_int_eq(SSL_CTX_sess_hits(sc), 1);
    SSL_SESSION_free(ss);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_tls12_resumption_is_one_flight_shorter)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss = first_session(cc, sc, TLS1_2_VERSION);
    SSL *c = SSL_new(cc), *s = SSL_new(sc);

    SSL_set_max_proto_version(c, TLS1_2_VERSION);
    SSL_set_session(c, ss);
    wire(c, s);
    expect(c, SSL_do_handshake(c), -1, SSL_ERROR_WANT_READ, 0);
    expect(s, SSL_do_handshake(s), -1, SSL_ERROR_WANT_READ, 0);
    expect(c, SSL_do_handshake(c), 1, SSL_ERROR_NONE, 0);
    expect(s, SSL_do_handshake(s), 1, SSL_ERROR_NONE, 0);
    ck_assert_int_eq(SSL_session_reused(c), 1);
    SSL_SESSION_free(ss);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

static void expect_full_handshake(SSL_CTX *cc, SSL_CTX *sc, SSL_SESSION *ss)
{
    SSL *c = SSL_new(cc), *s = SSL_new(sc);

    SSL_set_session(c, ss);
    wire(c, s);
    ck_assert(pump(c, s));
    ck_assert_int_eq(SSL_session_reused(c), 0);
    ck_assert_int_eq(SSL_session_reused(s), 0);
    ck_assert_ptr_ne(SSL_get_session(c), ss);
    SSL_free(c);
    SSL_free(s);
}

START_TEST(a_server_with_its_cache_off_does_not_resume)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss = first_session(cc, sc, 0);

    ck_assert_int_eq(SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_OFF),
                     SSL_SESS_CACHE_SERVER);
    expect_full_handshake(cc, sc, ss);
    SSL_SESSION_free(ss);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_flushed_or_removed_session_is_not_resumed)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss = first_session(cc, sc, 0), *ss2;

    ck_assert_int_eq(SSL_CTX_sess_number(sc), 1);
    SSL_CTX_flush_sessions(sc, (long)time(NULL) + 100000);
    ck_assert_int_eq(SSL_CTX_sess_number(sc), 0);
    expect_full_handshake(cc, sc, ss);
    ss2 = first_session(cc, sc, 0);
    ck_assert_int_eq(SSL_CTX_remove_session(sc, ss2), 1);
    ck_assert_int_eq(SSL_CTX_remove_session(sc, ss2), 0);
    expect_full_handshake(cc, sc, ss2);
    SSL_SESSION_free(ss);
    SSL_SESSION_free(ss2);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_session_from_another_id_context_is_not_resumed)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss;

    SSL_CTX_set_session_id_context(sc, (const unsigned char *)"one", 3);
    ss = first_session(cc, sc, 0);
    SSL_CTX_set_session_id_context(sc, (const unsigned char *)"two", 3);
    expect_full_handshake(cc, sc, ss);
    SSL_SESSION_free(ss);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_shared_session_is_one_object_and_immutable)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss = first_session(cc, sc, 0), *again;
    SSL *c = SSL_new(cc), *d = SSL_new(cc);

    ck_assert_int_eq(SSL_CTX_get_timeout(sc), 7200);
    ck_assert_int_eq(SSL_SESSION_get_timeout(ss), 7200);
    SSL_set_session(c, ss);
    again = SSL_get1_session(c);
    ck_assert_ptr_eq(again, ss);
    ck_assert_int_eq(SSL_SESSION_set_timeout(ss, 5), 0);
    ck_assert_int_eq(SSL_SESSION_get_timeout(ss), 7200);
    ck_assert_int_eq(SSL_copy_session_id(d, c), 1);
    ck_assert_ptr_eq(SSL_get_session(d), ss);
    ERR_clear_error();
    SSL_SESSION_free(again);
    SSL_SESSION_free(ss);
    SSL_free(c);
    SSL_free(d);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(ssl_clear_recycles_a_client_that_then_resumes)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL *c = SSL_new(cc), *s = SSL_new(sc), *s2;

    wire(c, s);
    ck_assert(pump(c, s));
    ck_assert_int_eq(SSL_shutdown(c), 0);
    ck_assert_int_eq(SSL_clear(c), 1);
    ck_assert_int_eq(SSL_in_before(c), 1);
    ck_assert_int_eq(SSL_get_shutdown(c), 0);
    ck_assert_ptr_nonnull(SSL_get_session(c));
    SSL_free(s);
    s2 = SSL_new(sc);
    wire(c, s2);
    ck_assert(pump(c, s2));
    ck_assert_int_eq(SSL_session_reused(c), 1);
    SSL_free(c);
    SSL_free(s2);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(the_cache_evicts_the_oldest_session_beyond_its_size)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *a, *b;

    ck_assert_int_eq(SSL_CTX_sess_set_cache_size(sc, 1),
                     SSL_SESSION_CACHE_MAX_SIZE_DEFAULT);
    a = first_session(cc, sc, 0);
    b = first_session(cc, sc, 0);
    ck_assert_int_eq(SSL_CTX_sess_number(sc), 1);
    expect_full_handshake(cc, sc, a);
    SSL_SESSION_free(a);
    SSL_SESSION_free(b);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

/* ---- SSL_dup across states ---- */

START_TEST(dup_of_a_new_ssl_is_a_full_copy)
{
    SSL_CTX *cc = client_ctx();
    SSL *c = SSL_new(cc), *d;

    ck_assert_ptr_nonnull(d = SSL_dup(c));
    ck_assert_ptr_ne(d, c);
    ck_assert_int_eq(minissl_refcount(c), 1);
    ck_assert_int_eq(SSL_in_before(d), 1);
    SSL_free(d);
    SSL_free(c);
    SSL_CTX_free(cc);
}
END_TEST

START_TEST(dup_after_set_connect_state_is_a_copy_that_connects)
{
    struct pair p;
    SSL *d;

    pair_new(&p);
    ck_assert_ptr_nonnull(d = SSL_dup(p.c));
    ck_assert_ptr_ne(d, p.c);
    ck_assert_int_eq(SSL_is_server(d), 0);
    ck_assert_int_eq(SSL_in_before(d), 1);
    SSL_free(p.c);                      /* the copy takes the original's place */
    p.c = d;
    wire(p.c, p.s);                     /* wire() sets the role again: harmless */
    ck_assert(pump(p.c, p.s));
    pair_free(&p);
}
END_TEST

START_TEST(dup_after_set_accept_state_is_a_copy_that_accepts)
{
    struct pair p;
    SSL *d;
    BIO *c2s, *s2c;

    pair_new(&p);
    ck_assert_ptr_nonnull(d = SSL_dup(p.s));
    ck_assert_ptr_ne(d, p.s);
    ck_assert_int_eq(SSL_is_server(d), 1);
    ck_assert_ptr_null(SSL_get_rbio(d));     /* BIOs are not copied */
    /* Give the copy the original's BIOs without setting its role. */
    c2s = SSL_get_rbio(p.s);
    s2c = SSL_get_wbio(p.s);
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(d, c2s, s2c);
    SSL_free(p.s);
    p.s = d;
    ck_assert(pump(p.c, p.s));
    pair_free(&p);
}
END_TEST

START_TEST(dup_mid_handshake_is_the_same_handle_with_one_more_reference)
{
    struct pair p;
    SSL *d;

    pair_new(&p);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_ptr_eq(d = SSL_dup(p.c), p.c);
    ck_assert_int_eq(minissl_refcount(p.c), 2);
    SSL_free(d);
    ck_assert(pump(p.c, p.s));          /* the handle still works */
    pair_free(&p);
}
END_TEST

START_TEST(dup_of_a_server_waiting_for_its_client_hello_is_the_same_handle)
{
    struct pair p;
    SSL *d;

    pair_new(&p);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    ck_assert_ptr_eq(d = SSL_dup(p.s), p.s);
    SSL_free(d);
    pair_free(&p);
}
END_TEST

START_TEST(dup_after_the_handshake_is_the_same_handle)
{
    struct pair p;
    SSL *d;

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    ck_assert_ptr_eq(d = SSL_dup(p.s), p.s);
    ck_assert_int_eq(minissl_refcount(p.s), 2);
    SSL_free(d);
    pair_free(&p);
}
END_TEST

START_TEST(dup_after_shutdown_is_the_same_handle)
{
    struct pair p;
    SSL *d;

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    SSL_shutdown(p.c);
    ck_assert_ptr_eq(d = SSL_dup(p.c), p.c);
    SSL_free(d);
    pair_free(&p);
}
END_TEST

START_TEST(dup_after_ssl_clear_is_a_full_copy_again)
{
    struct pair p;
    SSL *d;

    pair_new(&p);
    ck_assert(pump(p.c, p.s));
    SSL_shutdown(p.c);
    ck_assert_int_eq(SSL_clear(p.c), 1);
    ck_assert_ptr_nonnull(d = SSL_dup(p.c));
    ck_assert_ptr_ne(d, p.c);
    SSL_free(d);
    pair_free(&p);
}
END_TEST

/* ---- hostile input ---- */

/* Feeds |len| bytes to a fresh server and returns its handshake result;
 * the reason is left on the stack for the caller. */
static int feed_server(const void *bytes, size_t len, SSL_CTX *sc)
{
    SSL *s = SSL_new(sc);
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
    int r, e;

    BIO_write(in, bytes, (int)len);
    SSL_set_bio(s, in, out);
    SSL_set_accept_state(s);
    r = SSL_do_handshake(s);
    e = SSL_get_error(s, r);
    ck_assert_int_eq(r, -1);
    SSL_free(s);
    return e;
}

START_TEST(garbage_from_the_peer_fails_the_handshake_with_a_reason)
{
    SSL_CTX *sc = server_ctx();
    static const char http[] = "GET / HTTP/1.0\r\n\r\n";

    ck_assert_int_eq(feed_server(http, sizeof(http) - 1, sc), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_BAD_RECORD_TYPE);
    ERR_clear_error();
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(an_oversized_record_fails_with_packet_length_too_long)
{
    SSL_CTX *sc = server_ctx();
    unsigned char hdr[5] = {22, 3, 3, 0xff, 0xff};

    ck_assert_int_eq(feed_server(hdr, sizeof(hdr), sc), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()),
                     SSL_R_PACKET_LENGTH_TOO_LONG);
    ERR_clear_error();
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_truncated_record_waits_for_the_rest)
{
    SSL_CTX *sc = server_ctx();
    unsigned char part[7] = {22, 3, 1, 0, 40, 1, 0};

    ck_assert_int_eq(feed_server(part, sizeof(part), sc),
                     SSL_ERROR_WANT_READ);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_finished_before_the_client_hello_is_an_unexpected_message)
{
    SSL_CTX *sc = server_ctx();
    unsigned char rec[5 + 4 + 32] = {22, 3, 3, 0, 36, 20, 0, 0, 32};

    ck_assert_int_eq(feed_server(rec, sizeof(rec), sc), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()),
                     SSL_R_UNEXPECTED_MESSAGE);
    ERR_clear_error();
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_malformed_client_hello_fails_with_a_reason)
{
    SSL_CTX *sc = server_ctx();
    unsigned char rec[5 + 4 + 3] = {22, 3, 1, 0, 7, 1, 0, 0, 3, 3, 4, 3};

    ck_assert_int_eq(feed_server(rec, sizeof(rec), sc), SSL_ERROR_SSL);
    ck_assert_int_ne(ERR_GET_REASON(ERR_peek_error()), 0);
    ERR_clear_error();
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(a_byte_changed_in_flight_fails_the_finished_check)
{
    struct pair p;
    BIO *s2c;
    char *data;
    long n;

    pair_new(&p);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    expect(p.s, SSL_do_handshake(p.s), -1, SSL_ERROR_WANT_READ, 0);
    s2c = SSL_get_rbio(p.c);
    n = BIO_get_mem_data(s2c, &data);
    ck_assert_int_gt(n, 20);
    data[5 + 4 + 2 + 5] ^= 0x40;         /* inside the server's random */
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_SSL,
           SSL_R_DIGEST_CHECK_FAILED);
    pair_free(&p);
}
END_TEST

START_TEST(an_alert_from_the_peer_mid_handshake_fails_with_its_reason)
{
    struct pair p;
    unsigned char alert[7] = {21, 3, 3, 0, 2, 2, 40};

    pair_new(&p);
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_WANT_READ, 0);
    BIO_write(SSL_get_rbio(p.c), alert, sizeof(alert));
    expect(p.c, SSL_do_handshake(p.c), -1, SSL_ERROR_SSL,
           SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
    ck_assert_int_eq(SSL_get_shutdown(p.c), SSL_RECEIVED_SHUTDOWN);
    pair_free(&p);
}
END_TEST

/* ---- allocation failures ---- */

/* One connection on |cc|/|sc| (resuming |resume| if set) through the
 * handshake and one byte each way.  1 if it all worked; else 0 with a
 * reason on the stack. */
static int run_once(SSL_CTX *cc, SSL_CTX *sc, SSL_SESSION *resume)
{
    SSL *c = SSL_new(cc), *s = SSL_new(sc);
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    char b;
    int ok = 0;

    if (c == NULL || s == NULL || c2s == NULL || s2c == NULL)
        goto out;
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(c, s2c, c2s);
    SSL_set_bio(s, c2s, s2c);
    c2s = s2c = NULL;                   /* the SSLs own them now */
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (resume != NULL && !SSL_set_session(c, resume))
        goto out;
    ok = pump(c, s) && SSL_write(c, "a", 1) == 1 && SSL_read(s, &b, 1) == 1
         && SSL_write(s, "b", 1) == 1 && SSL_read(c, &b, 1) == 1
         && SSL_session_reused(c) == (resume != NULL);
 out:
    BIO_free(c2s);
    BIO_free(s2c);
    SSL_free(c);
    SSL_free(s);
    return ok;
}

/* Fails allocation k = 1, 2, ... of run_once until one run makes fewer
 * than k allocations; each failing run must leave a reason and nothing
 * allocated.  Returns the number of failure sites. */
static int sweep(SSL_CTX *cc, SSL_CTX *sc, SSL_SESSION *resume)
{
    unsigned long k;
    long base;
    int sites = 0, ok, pending;

    for (k = 1; k < 100000; k++) {
        ERR_clear_error();
        minissl_quarantine_flush();
        base = minissl_live_allocations();
        minissl_fail_allocation(k);
        ok = run_once(cc, sc, resume);
        pending = minissl_fail_allocation_pending();
        minissl_fail_allocation(0);
        if (pending) {
            ck_assert_msg(ok, "a run without a failed allocation failed");
            break;
        }
        sites++;
        if (!ok)
            ck_assert_msg(ERR_peek_error() != 0,
                          "allocation %lu failed without a reason", k);
        ERR_clear_error();
        minissl_quarantine_flush();
        ck_assert_msg(minissl_live_allocations() == base,
                      "allocation %lu failing leaked %ld blocks", k,
                      minissl_live_allocations() - base);
    }
    ck_assert_int_gt(sites, 10);
    return sites;
}

START_TEST(every_allocation_failure_in_a_full_handshake_fails_cleanly)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();

    SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_OFF);  /* no growth */
    printf("handshake allocfail: full handshake: %d failure sites swept, "
           "0 leaks\n", sweep(cc, sc, NULL));
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

START_TEST(every_allocation_failure_in_a_resumption_fails_cleanly)
{
    SSL_CTX *cc = client_ctx(), *sc = server_ctx();
    SSL_SESSION *ss = first_session(cc, sc, 0);

    printf("handshake allocfail: resumption: %d failure sites swept, "
           "0 leaks\n", sweep(cc, sc, ss));
    SSL_SESSION_free(ss);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("handshake");
    TCase *hs = tcase_create("handshake");
    TCase *vf = tcase_create("verify");
    TCase *st = tcase_create("states");
    TCase *er = tcase_create("errors");
    TCase *cb = tcase_create("callbacks");
    TCase *se = tcase_create("sessions");
    TCase *du = tcase_create("dup");
    TCase *ho = tcase_create("hostile");
    TCase *af = tcase_create("allocfail");
    TCase *all[] = {hs, vf, st, er, cb, se, du, ho, af};
    size_t i;

    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        tcase_add_checked_fixture(all[i], setup, teardown);
        suite_add_tcase(s, all[i]);
    }
    tcase_add_test(hs, tls13_handshake_takes_the_flights_openssl_takes);
    tcase_add_test(hs, tls12_handshake_ends_with_the_servers_finished);
    tcase_add_test(hs, connect_and_accept_choose_the_role_and_run_the_handshake);
    tcase_add_test(hs, application_data_flows_both_ways_after_the_handshake);
    tcase_add_test(hs, a_large_write_arrives_whole_in_several_records);
    tcase_add_test(hs, server_without_a_certificate_fails_with_no_shared_cipher);
    tcase_add_test(hs,
        version_ranges_that_do_not_meet_fail_with_unsupported_protocol);
    tcase_add_test(hs, cipher_lists_that_do_not_meet_fail_with_no_shared_cipher);
    tcase_add_test(hs, handshake_without_a_role_fails_with_connection_type_not_set);
    tcase_add_test(hs, a_client_without_a_write_bio_gets_syscall_as_from_openssl);
    tcase_add_test(hs, a_server_without_a_read_bio_fails_with_read_bio_not_set);
    tcase_add_test(vf, verify_peer_without_a_callback_refuses_a_self_signed_server);
    tcase_add_test(vf, verify_callback_is_told_the_depth_and_may_accept);
    tcase_add_test(vf, server_requiring_a_client_certificate_fails_without_one);
    tcase_add_test(vf, a_requested_client_certificate_reaches_the_server);
    tcase_add_test(vf, a_callback_that_clears_the_error_leaves_the_verify_result_ok);
    tcase_add_loop_test(vf, each_verify_parameter_decides_as_openssl_does, 0,
                        (int)(sizeof(vcases) / sizeof(vcases[0])));
    tcase_add_test(vf, verify_parameters_copy_email_ip_purpose_and_trust);
    tcase_add_test(st, a_new_ssl_is_in_init_and_before);
    tcase_add_test(st, a_client_after_its_first_flight_is_in_init_but_not_before);
    tcase_add_test(st, a_server_leaves_before_at_its_first_call_even_without_data);
    tcase_add_test(st, a_finished_handshake_is_ok_and_no_longer_in_init);
    tcase_add_test(er, a_full_bio_pair_gives_want_write_until_the_peer_reads);
    tcase_add_test(er,
        close_notify_gives_zero_return_and_shutdown_returns_as_openssl);
    tcase_add_test(er, second_shutdown_waits_for_the_peer_with_want_read);
    tcase_add_test(er, writing_to_a_pair_whose_peer_is_gone_gives_syscall);
    tcase_add_test(er, shutdown_during_the_handshake_fails_with_a_reason);
    tcase_add_test(er, unexpected_eof_fails_with_a_reason);
    tcase_add_test(cb, info_callback_sees_start_loops_done_and_exit_in_order);
    tcase_add_test(cb, alerts_are_reported_to_both_info_callbacks);
    tcase_add_test(cb, msg_callback_sees_each_record_header_then_its_message);
    tcase_add_test(cb, session_id_callback_makes_the_servers_session_id);
    tcase_add_test(cb, a_failing_session_id_callback_fails_the_handshake);
    tcase_add_test(se, a_client_with_a_saved_session_resumes_through_the_cache);
    tcase_add_test(se, a_tls12_resumption_is_one_flight_shorter);
    tcase_add_test(se, a_server_with_its_cache_off_does_not_resume);
    tcase_add_test(se, a_flushed_or_removed_session_is_not_resumed);
    tcase_add_test(se, a_session_from_another_id_context_is_not_resumed);
    tcase_add_test(se, a_shared_session_is_one_object_and_immutable);
    tcase_add_test(se, ssl_clear_recycles_a_client_that_then_resumes);
    tcase_add_test(se, the_cache_evicts_the_oldest_session_beyond_its_size);
    tcase_add_test(du, dup_of_a_new_ssl_is_a_full_copy);
    tcase_add_test(du, dup_after_set_connect_state_is_a_copy_that_connects);
    tcase_add_test(du, dup_after_set_accept_state_is_a_copy_that_accepts);
    tcase_add_test(du,
        dup_mid_handshake_is_the_same_handle_with_one_more_reference);
    tcase_add_test(du,
        dup_of_a_server_waiting_for_its_client_hello_is_the_same_handle);
    tcase_add_test(du, dup_after_the_handshake_is_the_same_handle);
    tcase_add_test(du, dup_after_shutdown_is_the_same_handle);
    tcase_add_test(du, dup_after_ssl_clear_is_a_full_copy_again);
    tcase_add_test(ho, garbage_from_the_peer_fails_the_handshake_with_a_reason);
    tcase_add_test(ho, an_oversized_record_fails_with_packet_length_too_long);
    tcase_add_test(ho, a_truncated_record_waits_for_the_rest);
    tcase_add_test(ho,
        a_finished_before_the_client_hello_is_an_unexpected_message);
    tcase_add_test(ho, a_malformed_client_hello_fails_with_a_reason);
    tcase_add_test(ho, a_byte_changed_in_flight_fails_the_finished_check);
    tcase_add_test(ho,
        an_alert_from_the_peer_mid_handshake_fails_with_its_reason);
    tcase_add_test(af, every_allocation_failure_in_a_full_handshake_fails_cleanly);
    tcase_add_test(af, every_allocation_failure_in_a_resumption_fails_cleanly);
    return s;
}
