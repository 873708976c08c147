/* Suite dupitems: the one table of what SSL_dup copies (stress/dupitems.h),
 * which `copied` and tests/openssl/dupfindings.c both iterate.  Every item
 * of the manual page has a row; each row's getter renders the two values
 * of tests/dupvariants.h as two different texts, and a copy that SSL_dup
 * made as the same text; `copied` names the first row that differs; a
 * getter leaves the error stack alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "backend.h"
#include "dupitems.h"
#include "dupvariants.h"
#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

/* The rows without two values to set: the SSL_CTX (SSL_new fixes it),
 * the ST_DUP_OWN rows (an object's identity), the harness's ex_data value
 * (set by the `ex_data` key: tested on its own below). */
static const char *const no_variants[] = {
    "ctx", "param.own", "ex_data", "ex_data.own", NULL,
};

static int has_no_variants(const char *id)
{
    for (size_t i = 0; no_variants[i] != NULL; i++)
        if (strcmp(no_variants[i], id) == 0)
            return 1;
    return 0;
}

/* Added after the leak checks: Check runs teardowns in reverse, so the
 * material is freed before the leak check looks. */
static void setup(void)
{
    ck_assert_int_eq(dv_init(), 1);
}

static void teardown(void)
{
    dv_cleanup();
}

/* A new SSL of a new SSL_CTX prepared for row |id| with variant v (the
 * SSL holds the only reference to its SSL_CTX). */
static SSL *new_for(const char *id, int v)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s;

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_ne(dv_ctx_set(id, ctx, v), 0);
    ck_assert_ptr_nonnull(s = SSL_new(ctx));
    SSL_CTX_free(ctx);
    return s;
}

static void render(const struct st_dup_row *row, SSL *s, struct st_text *t)
{
    ck_assert_msg(st_dup_render(row, s, t), "%s: not rendered: %s", row->id,
                  t->s);
}

START_TEST(the_table_has_a_row_for_each_of_the_pages_23_items)
{
    char why[256] = "";
    int rows_of[ST_DUP_ITEMS + 1] = { 0 };

    ck_assert_int_eq(ST_DUP_ITEMS, 23);
    ck_assert_msg(st_dup_table_check(why, sizeof(why)) == 0, "%s", why);
    for (size_t i = 0; i < st_dup_row_count(); i++)
        rows_of[st_dup_row_at(i)->item]++;
    for (int n = 1; n <= ST_DUP_ITEMS; n++) {
        ck_assert_ptr_nonnull(st_dup_item_name(n));
        ck_assert_msg(rows_of[n] > 0, "item %d has no row", n);
    }
    ck_assert_ptr_null(st_dup_item_name(ST_DUP_ITEMS + 1));
    ck_assert_ptr_null(st_dup_row_at(st_dup_row_count()));
    ck_assert_ptr_eq(st_dup_row_find("param.hosts"), st_dup_row_at(
        (size_t)(st_dup_row_find("param.hosts") - st_dup_row_at(0))));
    ck_assert_ptr_null(st_dup_row_find("no.such.row"));
}
END_TEST

/* So that a new row cannot go untested: every row has two values in
 * tests/dupvariants.h, or is one of the few listed above. */
START_TEST(every_row_has_two_values_to_set_or_is_tested_on_its_own)
{
    for (size_t i = 0; i < st_dup_row_count(); i++) {
        const struct st_dup_row *row = st_dup_row_at(i);
        SSL *s = new_for(row->id, 1);
        int r = dv_set(row->id, s, 1);

        ck_assert_msg(r == 1 || (r == -2 && has_no_variants(row->id)),
                      "row %s: dv_set gives %d", row->id, r);
        ERR_clear_error();
        SSL_free(s);
    }
}
END_TEST

START_TEST(each_getter_tells_its_two_values_apart_and_a_copy_from_neither)
{
    const struct st_dup_row *row = st_dup_row_at((size_t)_i);
    struct st_text t1, t1again, t2;
    SSL *s1, *s2, *d;
    char why[2 * ST_TEXT_MAX];

    if (has_no_variants(row->id))
        return;
    s1 = new_for(row->id, 1);
    s2 = new_for(row->id, 2);
    ck_assert_int_ge(dv_set(row->id, s1, 1), -1);
    ck_assert_int_ge(dv_set(row->id, s2, 2), -1);
    ck_assert_int_eq(ERR_peek_error(), 0);
    render(row, s1, &t1);
    render(row, s1, &t1again);
    render(row, s2, &t2);
    ck_assert_str_eq(t1.s, t1again.s);
    ck_assert_msg(strcmp(t1.s, t2.s) != 0, "%s: both values render as %s",
                  row->id, t1.s);
    ck_assert(!st_dup_row_agrees(row, s1, s2, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, row->aspect));
    ck_assert_ptr_nonnull(strstr(why, t1.s));
    ck_assert_ptr_nonnull(d = SSL_dup(s1));
    ck_assert_ptr_ne(d, s1);
    ck_assert_msg(st_dup_row_agrees(row, d, s1, why, sizeof(why)), "%s", why);
    SSL_free(d);
    SSL_free(s1);
    SSL_free(s2);
}
END_TEST

START_TEST(an_own_row_wants_a_copy_of_its_own_and_shows_sharing)
{
    const struct st_dup_row *row = st_dup_row_find("param.own");
    SSL *s = new_for("param.own", 1), *d;
    char why[2 * ST_TEXT_MAX];

    ck_assert_int_eq(row->how, ST_DUP_OWN);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert(st_dup_row_agrees(row, d, s, why, sizeof(why)));
    ck_assert(!st_dup_row_agrees(row, s, s, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "is shared"));
    SSL_free(d);
    SSL_free(s);
}
END_TEST

/* The ex_data rows read the harness's own value: an index registered
 * as a scenario that sets ex_data registers it (st_be_prepare). */
static const char with_ex_data[] =
    "scenario with-ex-data\n"
    "global\n"
    "  ctx c\n"
    "setup\n"
    "  s = new c\n"
    "  set s ex_data=5\n"
    "thread A\n"
    "  free s\n";

static void set_box(SSL *s, long v)
{
    struct st_setting set = { .key = ST_K_EX_DATA,
                              .val = { .kind = ST_V_NUM, .num = v } };

    ck_assert_int_eq(st_be_set(ST_TY_SSL, s, &set, NULL), 0);
}

START_TEST(ex_data_rows_read_the_harness_value_and_want_the_copys_own_box)
{
    const struct st_dup_row *val = st_dup_row_find("ex_data");
    const struct st_dup_row *own = st_dup_row_find("ex_data.own");
    struct st_scenario *sc;
    struct st_text t;
    SSL *s1 = new_for("ex_data", 1), *s2 = new_for("ex_data", 2), *d;
    char why[2 * ST_TEXT_MAX];

    tu_make_tmpdir("dupitems");
    sc = tu_load_text("ex.scn", with_ex_data);
    st_be_prepare(sc);
    ck_assert_int_ge(st_dup_exbox_index(), 0);
    render(val, s1, &t);
    ck_assert_str_eq(t.s, "none");
    set_box(s1, 5);
    set_box(s2, 6);
    render(val, s1, &t);
    ck_assert_str_eq(t.s, "5");
    ck_assert(!st_dup_row_agrees(val, s1, s2, why, sizeof(why)));
    ck_assert_ptr_nonnull(d = SSL_dup(s1));
    ck_assert(st_dup_row_agrees(val, d, s1, why, sizeof(why)));
    ck_assert(st_dup_row_agrees(own, d, s1, why, sizeof(why)));
    ck_assert(!st_dup_row_agrees(own, s1, s1, why, sizeof(why)));
    SSL_free(d);
    SSL_free(s1);
    SSL_free(s2);
    st_scenario_free(sc);
    tu_remove_tmpdir();
}
END_TEST

/* ---- every row has a settings key that changes it ---- */

/* For each row, the scenario keys (`set OBJ KEYS`) that change what the
 * row shows: on the SSL (`s`, compared before and after), or on its ctx
 * before SSL_new (`c`, compared with an SSL of a ctx without them).  The
 * session `x` is a fresh one.  A row no key changes is dead to `copied`
 * unless a statement changes it: those few are listed with the statement
 * (`why`), and nothing else may be. */
static const struct row_key {
    const char *row, *obj, *keys, *why;
} row_keys[] = {
    { "ctx", NULL, NULL, "`new` of another ctx" },
    { "session", "s", "session=x", NULL },
    { "session.id", "s", "session=x", NULL },
    { "session.id_context", "s", "session=x", NULL },
    { "session.times", "s", "session=x", NULL },
    { "session.resumable", "s", "session=x", NULL },
    { "session.peer", "s", "session=x", NULL },
    { "session.protocol", "s", "session=x", NULL },
    { "sid_ctx", "s", "sid_ctx=\"k\"", NULL },
    { "tmp_dh.key", "s", "tmp_dh=test", NULL },
    { "tmp_dh.callback", "s", "tmp_dh_cb=on", NULL },
    { "tmp_dh.auto", "s", "dh_auto=on", NULL },
    { "cert", "s", "cert=test", NULL },
    { "key", "s", "cert=test key=test", NULL },
    { "chain", "s", "chain=test", NULL },
    { "sigalgs", "s", "sigalgs=\"ECDSA+SHA256\"", NULL },
    { "client_sigalgs", "s", "client_sigalgs=\"ECDSA+SHA256\"", NULL },
    { "dane.enabled", "s", "dane=on", NULL },
    { "dane.basedomain", "s", "dane=on", NULL },
    { "dane.tlsa", "s", "dane=on dane_tlsa=test", NULL },
    { "dane.flags", "s", "dane=on dane_flags=NO_DANE_EE_NAMECHECKS", NULL },
    { "options", "s", "options=NO_TICKET", NULL },
    { "mode", "s", "mode=RELEASE_BUFFERS", NULL },
    { "proto.min", "s", "min_proto=TLS1_2", NULL },
    { "proto.max", "s", "max_proto=TLS1_2", NULL },
    { "verify.mode", "s", "verify=PEER", NULL },
    { "verify.callback", "s", "verify_cb=on", NULL },
    { "verify.depth", "s", "verify_depth=3", NULL },
    { "param.own", NULL, NULL, "none: each SSL's own object, which `new` "
      "and `dup` make" },
    { "param.flags", "s", "verify_flags=PARTIAL_CHAIN", NULL },
    { "param.hostflags", "s", "hostflags=NO_WILDCARDS", NULL },
    { "param.hosts", "s", "host=\"a.example\"", NULL },
    { "param.auth_level", "s", "auth_level=2", NULL },
    { "param.purpose", "s", "purpose=SSL_CLIENT", NULL },
    { "param.trust", "s", "trust=SSL_CLIENT", NULL },
    { "param.time", "s", "verify_time=1700000000", NULL },
    { "param.email", "s", "verify_email=\"a@b.example\"", NULL },
    { "param.ip", "s", "verify_ip=\"192.0.2.1\"", NULL },
    { "msg_callback", "s", "msg_cb=on", NULL },
    { "msg_callback.arg", "s", "msg_cb_arg=9", NULL },
    { "info_callback", "s", "info_cb=on", NULL },
    { "passwd.callback", "s", "passwd_cb=on", NULL },
    { "passwd.userdata", "s", "passwd_cb=on", NULL },
    { "gen_session_id", "s", "gen_session_id_cb=on", NULL },
    { "ciphers", "s", "cipher_list=\"AES128-SHA\"", NULL },
    { "ciphersuites", "s", "ciphersuites=TLS_AES_128_GCM_SHA256", NULL },
    { "role.server", NULL, NULL, "`connect` (a server SSL becomes a client)" },
    { "method", "s", "method=client", NULL },
    { "role.chosen", NULL, NULL, "`connect` or `accept`" },
    { "max_cert_list", "s", "max_cert_list=1000", NULL },
    { "read_ahead", "s", "read_ahead=on", NULL },
    { "app_data", "s", "app_data=42", NULL },
    { "ex_data", "s", "ex_data=5", NULL },
    { "ex_data.own", "s", "ex_data=5", NULL },
    { "ca_list", "s", "ca_list=test", NULL },
    { "client_ca_list", "s", "client_ca_list=test", NULL },
    { "client_ca_list.own", "s", "client_ca_list=test", NULL },
    { "security.level", "s", "security_level=3", NULL },
    { "security.callback", "s", "security_cb=on", NULL },
    { "security.ex_data", "s", "security_ex=7", NULL },
    { "serverinfo", "s", "serverinfo=test", NULL },
    { "psk_hint", "s", "psk_hint=\"h\"", NULL },
    { "custom_ext", "c", "custom_ext=on", NULL },
    { "client_cert_types", "s", "client_cert_types=RSA_SIGN", NULL },
};

static const struct row_key *row_key(const char *row)
{
    for (size_t i = 0; i < sizeof(row_keys) / sizeof(row_keys[0]); i++)
        if (strcmp(row_keys[i].row, row) == 0)
            return &row_keys[i];
    return NULL;
}

/* Applies the settings of |st| to |obj| (slot 0: the session x). */
static void apply(const struct st_stmt *st, enum st_type t, void *obj,
                  void *const *slots)
{
    for (size_t k = 0; k < st->nsettings; k++)
        ck_assert_msg(st_be_set(t, obj, &st->settings[k], slots) == 0,
                      "%s: refused", st->text);
}

START_TEST(every_row_has_a_key_that_changes_it)
{
    ck_assert_int_eq(st_be_init(), 0);      /* the material; teardown frees */
    tu_make_tmpdir("rowkeys");
    for (size_t i = 0; i < st_dup_row_count(); i++) {
        const struct st_dup_row *row = st_dup_row_at(i);
        const struct row_key *rk = row_key(row->id);
        char text[512];
        struct st_scenario *sc;
        const struct st_stmt *set;
        SSL_CTX *ctx, *plain;
        SSL *s, *before_s;
        SSL_SESSION *x;
        struct st_text before, after;
        void *slots[8] = { NULL };

        ck_assert_msg(rk != NULL, "row %s: no key changes it", row->id);
        if (rk->keys == NULL) {
            ck_assert_ptr_nonnull(rk->why);
            continue;
        }
        snprintf(text, sizeof(text),
                 "scenario k\nglobal\n  ctx c\nsetup\n  x = session\n"
                 "  s = new c\n  set %s %s\nthread A\n  free s\n"
                 "check\n  free x\n", rk->obj, rk->keys);
        sc = tu_load_text("k.scn", text);
        st_be_prepare(sc);          /* the ex_data index, where it is set */
        set = &sc->setup.stmts[2];
        ck_assert_int_eq(set->op, ST_OP_SET);
        ck_assert_ptr_nonnull(x = SSL_SESSION_new());
        ck_assert_int_eq(SSL_SESSION_set1_id(x, (const unsigned char *)"id",
                                             2), 1);
        for (size_t n = 0; n < sc->nnames && n < 8; n++)
            if (strcmp(sc->names[n].name, "x") == 0)
                slots[n] = x;
        ck_assert_ptr_nonnull(ctx = SSL_CTX_new(TLS_method()));
        ck_assert_ptr_nonnull(plain = SSL_CTX_new(TLS_method()));
        if (rk->obj[0] == 'c')
            apply(set, ST_TY_CTX, ctx, slots);
        ck_assert_ptr_nonnull(s = SSL_new(ctx));
        ck_assert_ptr_nonnull(before_s = SSL_new(rk->obj[0] == 'c' ? plain
                                                                   : ctx));
        render(row, rk->obj[0] == 'c' ? before_s : s, &before);
        if (rk->obj[0] == 's')
            apply(set, ST_TY_SSL, s, slots);
        render(row, s, &after);
        ck_assert_msg(strcmp(before.s, after.s) != 0,
                      "row %s: `set %s %s` leaves it %s", row->id, rk->obj,
                      rk->keys, after.s);
        SSL_free(before_s);
        SSL_free(s);
        SSL_CTX_free(plain);
        SSL_CTX_free(ctx);
        SSL_SESSION_free(x);
        st_scenario_free(sc);
        ERR_clear_error();
    }
    /* and every entry names a row of the table */
    for (size_t i = 0; i < sizeof(row_keys) / sizeof(row_keys[0]); i++)
        ck_assert_msg(st_dup_row_find(row_keys[i].row) != NULL,
                      "no row %s", row_keys[i].row);
    tu_remove_tmpdir();
}
END_TEST

START_TEST(copied_names_the_first_row_that_differs_with_both_texts)
{
    SSL *s = new_for("param.hosts", 1), *d;
    char why[2 * ST_TEXT_MAX] = "";

    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_msg(st_dup_compare(d, s, why, sizeof(why)), "%s", why);
    ck_assert_int_eq(SSL_add1_host(s, "late.example"), 1);
    ck_assert(!st_dup_compare(d, s, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "verify parameter host names"));
    ck_assert_ptr_nonnull(strstr(why, "A: []"));
    ck_assert_ptr_nonnull(strstr(why, "B: [\"late.example\"]"));
    ck_assert(!st_dup_compare(d, NULL, why, sizeof(why)));
    SSL_free(d);
    SSL_free(s);
}
END_TEST

/* Variant 1 of every row at once on one SSL: its copy agrees on all. */
START_TEST(a_copy_of_an_ssl_with_every_row_set_agrees_on_every_row)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s, *d;
    char why[2 * ST_TEXT_MAX] = "";

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(SSL_CTX_dane_enable(ctx), 1);
    ck_assert_ptr_nonnull(s = SSL_new(ctx));
    for (size_t i = 0; i < st_dup_row_count(); i++) {
        const char *id = st_dup_row_at(i)->id;

        /* one role, one DANE base domain, one session: the last wins */
        if (strcmp(id, "dane.basedomain") == 0 || strcmp(id, "role.chosen") == 0)
            continue;
        ck_assert_msg(dv_set(id, s, 1) >= -2, "%s", id);
    }
    ERR_clear_error();
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    ck_assert_msg(st_dup_compare(d, s, why, sizeof(why)), "%s", why);
    SSL_free(d);
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(getters_leave_the_error_stack_as_they_found_it)
{
    SSL *s = new_for("param.ip", 1);
    struct st_text t;

    for (size_t i = 0; i < st_dup_row_count(); i++) {
        st_dup_render(st_dup_row_at(i), s, &t);
        ck_assert_msg(ERR_peek_error() == 0, "row %s left an error",
                      st_dup_row_at(i)->id);
    }
    SSL_free(s);
}
END_TEST

START_TEST(a_text_that_does_not_fit_ends_in_three_dots)
{
    struct st_text t;

    st_text_clear(&t);
    for (int i = 0; i < 200; i++)
        st_text_add(&t, "0123456789");
    ck_assert_uint_eq(t.len, ST_TEXT_MAX - 1);
    ck_assert_uint_eq(strlen(t.s), ST_TEXT_MAX - 1);
    ck_assert_str_eq(t.s + t.len - 3, "...");
    st_text_add(&t, "more");
    ck_assert_uint_eq(strlen(t.s), ST_TEXT_MAX - 1);
}
END_TEST

/* ---- the behaviour half: handshake as=, result=fail, verify_result ---- */

#include "runner.h"

static struct st_result run_text(const char *name, const char *text)
{
    struct st_scenario *sc = tu_load_text(name, text);
    struct st_opts o;
    struct st_range rg = { 0, 20 };
    struct st_result r;

    ck_assert_int_eq(st_be_init(), 0);      /* the peers; teardown frees */
    st_opts_default(&o);
    o.seed = 7;
    ck_assert_int_eq(st_run_isolated(sc, &o, &rg, 1, &r, NULL, NULL), 0);
    st_scenario_free(sc);
    return r;
}

/* An SSL told to accept but handshaken `as=client`: the harness's peer is
 * a server then too, and the two wait for each other's first flight. */
static const char wrong_role[] =
    "scenario wrong-role\niterations 20\nrequires handshake\n"
    "setup\n  ctx c\n  s = new c\n  accept s\n"
    "thread A\n  handshake s as=client\n  free s\n"
    "check\n  free c\n";

START_TEST(a_handshake_in_the_role_the_ssl_does_not_play_fails)
{
    struct st_result r;

    tu_make_tmpdir("dupitems");
    r = run_text("wrong.scn", wrong_role);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message,
                                 "handshake s as=client failed"));
    st_result_free(&r);
    tu_remove_tmpdir();
}
END_TEST

/* result=fail holds where the verification rejects the peer and fails the
 * iteration where the handshake finishes; verify_result reads the result
 * and names it. */
static const char rejected[] =
    "scenario rejected\niterations 20\nrequires handshake\n"
    "setup\n  ctx c\n  s = new c\n  connect s\n"
    "  set s verify=PEER verify_cb=on host=\"other.example\"\n"
    "thread A\n  handshake s as=client result=fail\n"
    "  expect errors == CERTIFICATE_VERIFY_FAILED\n"
    "  expect verify_result s == HOSTNAME_MISMATCH\n  free s\n"
    "check\n  free c\n  expect leaks == 0\n";
static const char accepted[] =
    "scenario accepted\niterations 20\nrequires handshake\n"
    "setup\n  ctx c\n  s = new c\n  connect s\n"
    "  set s verify=PEER verify_cb=on host=\"sslstress test\"\n"
    "thread A\n  handshake s as=client result=fail\n"
    "  expect verify_result s == EMAIL_MISMATCH\n  free s\n"
    "check\n  free c\n";

START_TEST(result_fail_holds_on_a_rejected_peer_and_fails_on_an_accepted_one)
{
    struct st_result r;

    tu_make_tmpdir("dupitems");
    r = run_text("rejected.scn", rejected);
    ck_assert_msg(r.verdict == ST_PASS, "%s", r.nfailures > 0
                  ? r.failures[0].message : "");
    ck_assert_uint_eq(r.iterations_run, 20);
    st_result_free(&r);
    r = run_text("accepted.scn", accepted);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message,
                                 "the handshake did not fail"));
    st_result_free(&r);
    tu_remove_tmpdir();
}
END_TEST

START_TEST(verify_result_names_the_result_it_found)
{
    struct st_result r;
    char *text = strdup(rejected), *at;

    ck_assert_ptr_nonnull(text);
    at = strstr(text, "HOSTNAME_MISMATCH");
    memcpy(at, "EMAIL_MISMATCH\n  free s\n", strlen("EMAIL_MISMATCH\n  free s\n"));
    memset(at + strlen("EMAIL_MISMATCH\n  free s\n"), ' ',
           strlen("HOSTNAME_MISMATCH\n  free s\n") - strlen("EMAIL_MISMATCH\n  free s\n"));
    tu_make_tmpdir("dupitems");
    r = run_text("named.scn", text);
    ck_assert_int_eq(r.verdict, ST_FAIL);
    ck_assert_ptr_nonnull(strstr(r.failures[0].message,
                                 "verify_result s is 62 (HOSTNAME_MISMATCH)"));
    st_result_free(&r);
    tu_remove_tmpdir();
    free(text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("dupitems");
    TCase *tab = tcase_create("table");
    TCase *get = tcase_create("getters");
    TCase *hs = tcase_create("behaviour");

    tu_add_stress_leak_checks(tab);
    tu_add_stress_leak_checks(get);
    tcase_add_checked_fixture(tab, setup, teardown);
    tcase_add_checked_fixture(get, setup, teardown);
    tcase_add_test(tab, the_table_has_a_row_for_each_of_the_pages_23_items);
    tcase_add_test(tab, every_row_has_two_values_to_set_or_is_tested_on_its_own);
    tcase_add_test(tab, a_text_that_does_not_fit_ends_in_three_dots);
    tcase_add_loop_test(get,
                        each_getter_tells_its_two_values_apart_and_a_copy_from_neither,
                        0, (int)st_dup_row_count());
    tcase_add_test(get, an_own_row_wants_a_copy_of_its_own_and_shows_sharing);
    tcase_add_test(get,
                   ex_data_rows_read_the_harness_value_and_want_the_copys_own_box);
    tcase_add_test(get, copied_names_the_first_row_that_differs_with_both_texts);
    tcase_add_test(get, every_row_has_a_key_that_changes_it);
    tcase_add_test(get, a_copy_of_an_ssl_with_every_row_set_agrees_on_every_row);
    tcase_add_test(get, getters_leave_the_error_stack_as_they_found_it);
    tu_add_stress_leak_checks(hs);
    tcase_set_timeout(hs, 60);
    tcase_add_test(hs, a_handshake_in_the_role_the_ssl_does_not_play_fails);
    tcase_add_test(hs,
                   result_fail_holds_on_a_rejected_peer_and_fails_on_an_accepted_one);
    tcase_add_test(hs, verify_result_names_the_result_it_found);
    suite_add_tcase(s, tab);
    suite_add_tcase(s, get);
    suite_add_tcase(s, hs);
    return s;
}
