/* Suite parse: valid scenario files become the model of stress/scenario.h
 * (statements, slots, settings values, expressions, outcomes, defaults). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "names.h"
#include "scenario.h"
#include "stress_util.h"
#include "testutil.h"

/* tests/data/good/NAME, found beside this source file (make runs the tests
 * from the top of the tree; ST_TEST_DATA overrides). */
static const char *good(const char *name)
{
    static char path[512];
    const char *dir = getenv("ST_TEST_DATA");

    if (dir != NULL)
        snprintf(path, sizeof(path), "%s/good/%s", dir, name);
    else
        snprintf(path, sizeof(path), "%.*sdata/good/%s",
                 (int)(strlen(__FILE__) - strlen("stress/test_parse.c")),
                 __FILE__, name);
    return path;
}

static struct st_scenario *load_good(const char *name)
{
    struct st_diag d;
    struct st_scenario *sc = st_scenario_load(good(name), &d);

    if (sc == NULL)
        ck_abort_msg("%s:%d:%d: %s", d.file, d.loc.line, d.loc.col, d.msg);
    return sc;
}

static struct st_scenario *parse_text(const char *text)
{
    struct st_diag d;
    struct st_scenario *sc = st_scenario_parse("mem.scn", text, strlen(text),
                                               &d);

    if (sc == NULL)
        ck_abort_msg("%d:%d: %s", d.loc.line, d.loc.col, d.msg);
    return sc;
}

static int slot(const struct st_scenario *sc, const char *name)
{
    size_t i;

    for (i = 0; i < sc->nnames; i++)
        if (strcmp(sc->names[i].name, name) == 0)
            return (int)i;
    ck_abort_msg("no name %s", name);
    return -1;
}

/* The slot of `name` that `owner` (a thread index or ST_OWNER_*) makes. */
static int slot_of(const struct st_scenario *sc, const char *name, int owner)
{
    size_t i;

    for (i = 0; i < sc->nnames; i++)
        if (strcmp(sc->names[i].name, name) == 0 && sc->names[i].owner == owner)
            return (int)i;
    ck_abort_msg("no name %s of owner %d", name, owner);
    return -1;
}

static long long cval(enum st_ctab t, const char *name)
{
    long long v = -1;

    ck_assert_msg(st_const_lookup(t, name, strlen(name), &v), "no constant %s",
                  name);
    return v;
}

START_TEST(the_format_page_example_parses_to_its_model)
{
    struct st_scenario *sc = load_good("example.scn");
    const struct st_block *a, *b;
    int c, s, d;

    ck_assert_str_eq(sc->name, "dup-free-mid-handshake");
    ck_assert_str_eq(sc->about, "SSL_dup of a mid-handshake SSL only takes a "
                     "reference; racing frees free once");
    ck_assert_int_eq(sc->iterations, 200000);
    ck_assert_int_eq(sc->timeout_ms, 10000);
    /* handshake and freed imply their features */
    ck_assert_uint_eq(sc->requires, ST_FEAT_HANDSHAKE | ST_FEAT_INTROSPECTION);
    ck_assert_int_eq(sc->expect_race, 0);
    ck_assert_ptr_null(sc->fault);
    ck_assert(sc->has_global && sc->has_setup && sc->has_check);
    ck_assert_uint_eq(sc->nthreads, 2);
    ck_assert_uint_eq(sc->nnames, 3);
    c = slot(sc, "c");
    s = slot(sc, "s");
    d = slot(sc, "d");
    ck_assert_int_eq(sc->names[c].type, ST_TY_CTX);
    ck_assert_int_eq(sc->names[c].owner, ST_OWNER_GLOBAL);
    ck_assert_int_eq(sc->names[s].type, ST_TY_SSL);
    ck_assert_int_eq(sc->names[s].owner, ST_OWNER_SETUP);
    ck_assert_int_eq(sc->names[d].owner, 0);
    ck_assert_int_eq(sc->names[d].loc.line, 16);
    ck_assert_int_eq(sc->names[d].loc.col, 3);

    ck_assert_uint_eq(sc->global.nstmts, 1);
    ck_assert_int_eq(sc->global.stmts[0].op, ST_OP_CTX);
    ck_assert_int_eq(sc->global.stmts[0].dst, c);
    ck_assert_int_eq(sc->global.stmts[0].method, ST_METHOD_CLIENT);

    ck_assert_uint_eq(sc->setup.nstmts, 3);
    ck_assert_int_eq(sc->setup.stmts[0].op, ST_OP_NEW);
    ck_assert_int_eq(sc->setup.stmts[0].dst, s);
    ck_assert_int_eq(sc->setup.stmts[0].a, c);
    ck_assert_int_eq(sc->setup.stmts[1].op, ST_OP_HANDSHAKE);
    ck_assert_int_eq(sc->setup.stmts[1].until, ST_HS_MID);
    ck_assert_int_eq(sc->setup.stmts[1].n, 0);
    ck_assert_int_eq(sc->setup.stmts[2].op, ST_OP_UP_REF);
    ck_assert_int_eq(sc->setup.stmts[2].a, s);
    ck_assert_str_eq(sc->setup.stmts[2].text, "up_ref s");

    a = &sc->threads[0];
    b = &sc->threads[1];
    ck_assert_str_eq(a->name, "A");
    ck_assert_str_eq(b->name, "B");
    ck_assert_int_eq(a->loc.line, 15);
    ck_assert_uint_eq(a->nstmts, 4);
    ck_assert_int_eq(a->stmts[0].op, ST_OP_DUP);
    ck_assert_int_eq(a->stmts[0].dst, d);
    ck_assert_int_eq(a->stmts[0].a, s);
    ck_assert_int_eq(a->stmts[1].op, ST_OP_EXPECT);
    ck_assert_int_eq(a->stmts[1].expr.kind, ST_E_IDENT);
    ck_assert_int_eq(a->stmts[1].expr.a, d);
    ck_assert_int_eq(a->stmts[1].expr.b, s);
    ck_assert_int_eq(a->stmts[1].expr.negate, 0);
    ck_assert_int_eq(a->stmts[3].op, ST_OP_FREE);
    ck_assert_int_eq(a->stmts[3].a, s);
    ck_assert_uint_eq(b->nstmts, 1);

    ck_assert_uint_eq(sc->check.nstmts, 2);
    ck_assert_int_eq(sc->check.stmts[0].expr.kind, ST_E_FREED);
    ck_assert_int_eq(sc->check.stmts[0].expr.a, s);
    ck_assert_int_eq(sc->check.stmts[1].expr.kind, ST_E_LEAKS);
    ck_assert_int_eq(sc->check.stmts[1].expr.has_cmp, 1);
    ck_assert_int_eq(sc->check.stmts[1].expr.num, 0);
    ck_assert_uint_eq(sc->noutcomes, 0);
    ck_assert_uint_eq(sc->nlabels, 0);
    st_scenario_free(sc);
}
END_TEST

static const struct st_setting *find_setting(const struct st_scenario *sc,
                                             enum st_key k)
{
    size_t i, j;

    for (i = 0; i < sc->setup.nstmts; i++) {
        const struct st_stmt *st = &sc->setup.stmts[i];

        for (j = 0; j < st->nsettings; j++)
            if (st->settings[j].key == k)
                return &st->settings[j];
    }
    return NULL;
}

START_TEST(every_settings_key_gets_its_value_kind)
{
    struct st_scenario *sc = load_good("all-settings.scn");
    const struct st_setting *se;
    unsigned char ct[4];
    int k;

    ck_assert_int_eq(sc->iterations, 16);       /* 0x10 */
    ck_assert_int_eq(sc->timeout_ms, 500);
    ck_assert_uint_eq(sc->requires, ST_FEAT_INTROSPECTION);
    ck_assert_int_eq(sc->global.stmts[0].method, ST_METHOD_SERVER);
    ck_assert_int_eq(sc->global.stmts[1].settings[0].key, ST_K_CUSTOM_EXT);
    ck_assert_int_eq(sc->global.stmts[1].settings[0].val.kind, ST_V_ON);
    for (k = 0; k < ST_K_COUNT; k++)
        if (k != ST_K_CUSTOM_EXT)
            ck_assert_msg(find_setting(sc, k) != NULL, "key %s not set",
                          st_key_name(k));

    se = find_setting(sc, ST_K_OPTIONS);
    ck_assert_int_eq(se->val.kind, ST_V_FLAGS);
    ck_assert_int_eq(se->val.num, cval(ST_CT_OPTIONS, "NO_TICKET")
                     | cval(ST_CT_OPTIONS, "NO_COMPRESSION"));
    ck_assert_str_eq(se->val.str, "NO_TICKET|NO_COMPRESSION");
    ck_assert_int_eq(se->loc.line, 16);
    ck_assert_int_eq(se->loc.col, 9);
    se = find_setting(sc, ST_K_MODE);
    ck_assert_int_eq(se->val.num, cval(ST_CT_MODE, "AUTO_RETRY"));
    se = find_setting(sc, ST_K_VERIFY);
    ck_assert_int_eq(se->val.num, cval(ST_CT_VERIFY, "PEER")
                     | cval(ST_CT_VERIFY, "FAIL_IF_NO_PEER_CERT"));
    se = find_setting(sc, ST_K_VERIFY_DEPTH);
    ck_assert_int_eq(se->val.kind, ST_V_NUM);
    ck_assert_int_eq(se->val.num, 7);
    ck_assert_int_eq(find_setting(sc, ST_K_VERIFY_CB)->val.kind, ST_V_ON);
    se = find_setting(sc, ST_K_MIN_PROTO);
    ck_assert_int_eq(se->val.kind, ST_V_FLAGS);
    ck_assert_int_eq(se->val.num, cval(ST_CT_PROTO, "TLS1_2"));
    ck_assert_int_eq(find_setting(sc, ST_K_MAX_PROTO)->val.num,
                     cval(ST_CT_PROTO, "TLS1_3"));
    se = find_setting(sc, ST_K_READ_AHEAD);
    ck_assert_int_eq(se->val.kind, ST_V_NUM);
    ck_assert_int_eq(se->val.num, 1);
    ck_assert_int_eq(find_setting(sc, ST_K_MAX_CERT_LIST)->val.num, 0x4000);
    se = find_setting(sc, ST_K_CIPHER_LIST);
    ck_assert_int_eq(se->val.kind, ST_V_STR);
    ck_assert_str_eq(se->val.str,
                     "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
    /* a bare name is a string too */
    ck_assert_str_eq(find_setting(sc, ST_K_CIPHERSUITES)->val.str,
                     "TLS_AES_128_GCM_SHA256");
    ck_assert_str_eq(find_setting(sc, ST_K_SID_CTX)->val.str,
                     "ctx \"one\" \\ two");
    se = find_setting(sc, ST_K_SESSION);       /* the first: session=sess */
    ck_assert_int_eq(se->val.kind, ST_V_NAME);
    ck_assert_int_eq(se->val.slot, slot(sc, "sess"));
    ck_assert_int_eq(sc->setup.stmts[10].settings[0].val.kind, ST_V_NONE);
    ck_assert_int_eq(sc->setup.stmts[10].settings[0].val.slot, -1);
    ck_assert_int_eq(find_setting(sc, ST_K_CERT)->val.kind, ST_V_TEST);
    ck_assert_int_eq(find_setting(sc, ST_K_KEY)->val.kind, ST_V_TEST);
    ck_assert_int_eq(find_setting(sc, ST_K_CHAIN)->val.kind, ST_V_NONE);
    ck_assert_str_eq(find_setting(sc, ST_K_SIGALGS)->val.str, "RSA-PSS+SHA256");
    ck_assert_int_eq(find_setting(sc, ST_K_DANE)->val.kind, ST_V_OFF);
    ck_assert_int_eq(find_setting(sc, ST_K_TMP_DH)->val.kind, ST_V_TEST);
    se = find_setting(sc, ST_K_DH_AUTO);
    ck_assert_int_eq(se->val.kind, ST_V_NUM);
    ck_assert_int_eq(se->val.num, 0);
    ck_assert_int_eq(find_setting(sc, ST_K_SECURITY_LEVEL)->val.num, 2);
    ck_assert_int_eq(find_setting(sc, ST_K_SECURITY_CB)->val.kind, ST_V_OFF);
    ck_assert_int_eq(find_setting(sc, ST_K_INFO_CB)->val.kind, ST_V_ON);
    ck_assert_int_eq(find_setting(sc, ST_K_MSG_CB)->val.kind, ST_V_ON);
    ck_assert_int_eq(find_setting(sc, ST_K_PASSWD_CB)->val.kind, ST_V_ON);
    ck_assert_int_eq(find_setting(sc, ST_K_GEN_SESSION_ID_CB)->val.kind, ST_V_ON);
    ck_assert_str_eq(find_setting(sc, ST_K_PSK_HINT)->val.str, "hint");
    ck_assert_int_eq(find_setting(sc, ST_K_CA_LIST)->val.kind, ST_V_TEST);
    ck_assert_int_eq(find_setting(sc, ST_K_CLIENT_CA_LIST)->val.kind, ST_V_NONE);
    ck_assert_int_eq(find_setting(sc, ST_K_APP_DATA)->val.num, 42);
    ck_assert_int_eq(find_setting(sc, ST_K_EX_DATA)->val.num, 43);
    ck_assert_int_eq(find_setting(sc, ST_K_TMP_DH_CB)->val.kind, ST_V_ON);
    se = find_setting(sc, ST_K_METHOD);
    ck_assert_int_eq(se->val.kind, ST_V_FLAGS);
    ck_assert_int_eq(se->val.num, ST_METHOD_SERVER);
    ck_assert_str_eq(se->val.str, "server");
    ck_assert_int_eq(find_setting(sc, ST_K_SERVERINFO)->val.kind, ST_V_TEST);
    se = find_setting(sc, ST_K_CLIENT_CERT_TYPES);
    ck_assert_str_eq(se->val.str, "RSA_SIGN|ECDSA_SIGN");
    ck_assert_uint_eq(st_cert_types(&se->val, ct, sizeof(ct)), 2);
    ck_assert_int_eq(ct[0], 1);
    ck_assert_int_eq(ct[1], 64);

    /* the verify parameters, DANE records and flags, callback arguments */
    se = find_setting(sc, ST_K_VERIFY_FLAGS);
    ck_assert_int_eq(se->val.kind, ST_V_FLAGS);
    ck_assert_int_eq(se->val.num, cval(ST_CT_VERIFY_FLAGS, "PARTIAL_CHAIN")
                     | cval(ST_CT_VERIFY_FLAGS, "NO_CHECK_TIME"));
    ck_assert_int_eq(se->loc.line, 25);
    ck_assert_int_eq(se->loc.col, 9);
    ck_assert_str_eq(find_setting(sc, ST_K_HOST)->val.str, "a.example");
    ck_assert_str_eq(find_setting(sc, ST_K_ADD_HOST)->val.str, "localhost");
    ck_assert_int_eq(find_setting(sc, ST_K_HOSTFLAGS)->val.num,
                     cval(ST_CT_HOSTFLAGS, "NO_WILDCARDS"));
    se = find_setting(sc, ST_K_PURPOSE);
    ck_assert_int_eq(se->val.kind, ST_V_FLAGS);
    ck_assert_int_eq(se->val.num, cval(ST_CT_PURPOSE, "SSL_CLIENT"));
    ck_assert_str_eq(se->val.str, "SSL_CLIENT");
    ck_assert_int_eq(find_setting(sc, ST_K_TRUST)->val.num,
                     cval(ST_CT_TRUST, "EMAIL"));
    ck_assert_int_eq(find_setting(sc, ST_K_VERIFY_TIME)->val.num, 0x6553f100);
    ck_assert_int_eq(find_setting(sc, ST_K_AUTH_LEVEL)->val.num, 3);
    ck_assert_str_eq(find_setting(sc, ST_K_VERIFY_EMAIL)->val.str, "x@y.example");
    se = find_setting(sc, ST_K_VERIFY_IP);
    ck_assert_int_eq(se->val.kind, ST_V_STR);
    ck_assert_str_eq(se->val.str, "::1");
    ck_assert_int_eq(find_setting(sc, ST_K_DANE_TLSA)->val.kind, ST_V_NONE);
    ck_assert_int_eq(find_setting(sc, ST_K_DANE_FLAGS)->val.num,
                     cval(ST_CT_DANE_FLAGS, "NO_DANE_EE_NAMECHECKS"));
    ck_assert_int_eq(find_setting(sc, ST_K_MSG_CB_ARG)->val.num, 5);
    ck_assert_int_eq(find_setting(sc, ST_K_SECURITY_EX)->val.num, 6);

    ck_assert_int_eq(sc->threads[0].stmts[2].expr.kind, ST_E_COPIED);
    ck_assert_int_eq(sc->threads[0].stmts[1].expr.negate, 1);
    st_scenario_free(sc);
}
END_TEST

START_TEST(observe_records_values_and_outcomes_list_them)
{
    struct st_scenario *sc = load_good("outcomes.scn");
    const struct st_block *dup = &sc->threads[1];
    const struct st_outcome *o;
    static const char *const labels[] = { "kind", "st", "r", "e", "f", "eq",
                                          "l", "r2" };
    size_t i;

    ck_assert_int_eq(sc->expect_race, 1);
    ck_assert_str_eq(sc->fault, "dup_no_lock");
    ck_assert_int_eq(sc->timeout_ms, 2000);
    ck_assert_uint_eq(sc->requires, ST_FEAT_HANDSHAKE | ST_FEAT_CONTROLLED
                      | ST_FEAT_INTROSPECTION);
    ck_assert_int_eq(sc->threads[0].stmts[0].until, ST_HS_DONE);
    ck_assert_int_eq(sc->threads[0].stmts[0].n, 12);

    ck_assert_uint_eq(sc->nlabels, 8);
    for (i = 0; i < 8; i++)
        ck_assert_str_eq(sc->observe_labels[i], labels[i]);
    ck_assert_int_eq(dup->stmts[1].op, ST_OP_OBSERVE);
    ck_assert_str_eq(dup->stmts[1].label, "kind");
    ck_assert_int_eq(dup->stmts[1].expr.kind, ST_E_SAME);
    ck_assert_int_eq(dup->stmts[1].expr.a, slot(sc, "d"));
    ck_assert_int_eq(dup->stmts[1].expr.b, slot(sc, "s"));
    ck_assert_int_eq(dup->stmts[2].expr.kind, ST_E_STATE);
    ck_assert_int_eq(dup->stmts[2].expr.has_cmp, 0);
    ck_assert_int_eq(dup->stmts[3].expr.kind, ST_E_REFS);
    ck_assert_int_eq(dup->stmts[3].expr.has_cmp, 0);
    ck_assert_int_eq(dup->stmts[4].expr.kind, ST_E_ERRORS);
    ck_assert_int_eq(dup->stmts[4].expr.has_cmp, 0);
    ck_assert_int_eq(dup->stmts[5].expr.kind, ST_E_FREED);
    ck_assert_int_eq(dup->stmts[6].expr.kind, ST_E_IDENT);
    ck_assert_int_eq(dup->stmts[7].expr.kind, ST_E_STATE);
    ck_assert_int_eq(dup->stmts[7].expr.has_cmp, 1);
    ck_assert_int_eq(dup->stmts[7].expr.negate, 1);
    ck_assert_int_eq(dup->stmts[7].expr.state, ST_HS_SHUTDOWN);
    ck_assert_int_eq(sc->check.stmts[0].expr.kind, ST_E_LEAKS);
    ck_assert_int_eq(sc->check.stmts[0].expr.has_cmp, 0);
    ck_assert_ptr_null(sc->check.stmts[2].expr.reason);     /* == none */
    ck_assert_str_eq(sc->check.stmts[3].expr.reason, "NULL_SSL_CTX");
    ck_assert_int_eq(sc->check.stmts[3].expr.negate, 1);

    ck_assert_uint_eq(sc->noutcomes, 3);
    o = &sc->outcomes[0];
    ck_assert_uint_eq(o->nkeys, 8);
    ck_assert_str_eq(o->keys[0], "kind");
    ck_assert_str_eq(o->values[0], "copy");
    ck_assert_str_eq(o->values[1], "before");
    ck_assert_int_eq(o->cls, ST_ACCEPTABLE);
    ck_assert_str_eq(o->desc, "full copy");
    ck_assert_int_eq(o->loc.line, 37);
    o = &sc->outcomes[1];
    ck_assert_str_eq(o->values[2], "2");                    /* 0x2 */
    ck_assert_str_eq(o->values[3], "NULL_SSL_CTX");         /* SSL_R_ dropped */
    ck_assert_int_eq(o->cls, ST_INTERESTING);
    ck_assert_ptr_null(o->desc);
    ck_assert_int_eq(sc->outcomes[2].cls, ST_FORBIDDEN);
    st_scenario_free(sc);
}
END_TEST

START_TEST(repeat_bodies_nest_and_crlf_and_bom_are_accepted)
{
    struct st_scenario *sc = load_good("repeat-threads.scn");
    const struct st_stmt *r;

    ck_assert_str_eq(sc->name, "repeat-threads");
    ck_assert_uint_eq(sc->nthreads, 4);
    ck_assert_uint_eq(sc->threads[0].nstmts, 1);
    r = &sc->threads[0].stmts[0];
    ck_assert_int_eq(r->op, ST_OP_REPEAT);
    ck_assert_int_eq(r->n, 100);
    ck_assert_uint_eq(r->nbody, 3);
    ck_assert_int_eq(r->body[0].op, ST_OP_UP_REF);
    ck_assert_int_eq(r->body[1].op, ST_OP_REPEAT);
    ck_assert_int_eq(r->body[1].n, 2);
    ck_assert_uint_eq(r->body[1].nbody, 1);
    ck_assert_int_eq(r->body[1].body[0].op, ST_OP_SPIN);
    ck_assert_int_eq(r->body[1].body[0].n, 3);
    ck_assert_str_eq(r->body[1].body[0].text, "spin 3");    /* no CR */
    ck_assert_int_eq(r->body[2].op, ST_OP_FREE);
    ck_assert_uint_eq(sc->threads[3].nstmts, 1);
    ck_assert_int_eq(sc->threads[3].stmts[0].n, 0);
    ck_assert_int_eq(sc->names[slot(sc, "x")].type, ST_TY_SESSION);
    ck_assert_int_eq(sc->names[slot(sc, "x")].owner, 2);
    st_scenario_free(sc);
}
END_TEST

START_TEST(sessions_pass_between_setup_threads_and_check)
{
    struct st_scenario *sc = load_good("sessions.scn");

    ck_assert_int_eq(sc->has_global, 0);
    ck_assert_int_eq(sc->names[slot(sc, "c")].owner, ST_OWNER_SETUP);
    ck_assert_int_eq(sc->names[slot(sc, "y")].type, ST_TY_SESSION);
    ck_assert_int_eq(sc->threads[0].stmts[0].op, ST_OP_GET1_SESSION);
    ck_assert_int_eq(sc->setup.stmts[5].op, ST_OP_CONNECT);
    ck_assert_int_eq(sc->check.stmts[0].op, ST_OP_ACCEPT);
    ck_assert_uint_eq(sc->requires, 0);
    st_scenario_free(sc);
}
END_TEST

START_TEST(defaults_apply_when_headers_are_left_out)
{
    struct st_scenario *sc = parse_text("scenario min\nthread A\n  spin 5\n");

    ck_assert_str_eq(sc->path, "mem.scn");
    ck_assert_int_eq(sc->iterations, 10000);
    ck_assert_int_eq(sc->timeout_ms, 10000);
    ck_assert_ptr_null(sc->about);
    ck_assert_uint_eq(sc->requires, 0);
    ck_assert(!sc->has_global && !sc->has_setup && !sc->has_check);
    ck_assert_uint_eq(sc->nnames, 0);
    ck_assert_uint_eq(sc->threads[0].stmts[0].n, 5);
    st_scenario_free(sc);
}
END_TEST

START_TEST(ex_index_names_its_class_and_prints_back)
{
    struct st_scenario *sc = parse_text(
        "scenario reg\nthread A\n ex_index ssl\n ex_index ctx\n"
        " ex_index session\n");
    const struct st_stmt *st = sc->threads[0].stmts;
    char buf[40];

    ck_assert_int_eq(st[0].op, ST_OP_EX_INDEX);
    ck_assert_int_eq(st[0].otype, ST_TY_SSL);
    ck_assert_int_eq(st[1].otype, ST_TY_CTX);
    ck_assert_int_eq(st[2].otype, ST_TY_SESSION);
    ck_assert_int_eq(st[0].a, -1);
    st_stmt_format(sc, &st[2], buf, sizeof(buf));
    ck_assert_str_eq(buf, "ex_index session");
    st_scenario_free(sc);
}
END_TEST

START_TEST(sessions_parses_with_and_without_a_comparison)
{
    struct st_scenario *sc = parse_text(
        "scenario cache\nglobal\n ctx c\n"
        "thread A\n expect sessions c == 3\n expect sessions c != 0\n"
        " observe n sessions c\n");
    const struct st_stmt *st = sc->threads[0].stmts;
    char buf[80];

    ck_assert_int_eq(st[0].expr.kind, ST_E_SESSIONS);
    ck_assert_int_eq(st[0].expr.has_cmp, 1);
    ck_assert_int_eq(st[0].expr.negate, 0);
    ck_assert_int_eq(st[0].expr.num, 3);
    ck_assert_int_eq(st[1].expr.negate, 1);
    ck_assert_int_eq(st[2].expr.kind, ST_E_SESSIONS);
    ck_assert_int_eq(st[2].expr.has_cmp, 0);
    st_stmt_format(sc, &st[0], buf, sizeof(buf));
    ck_assert_str_eq(buf, "expect sessions c == 3");
    st_scenario_free(sc);
}
END_TEST

START_TEST(handshake_roles_results_and_verify_results_parse_to_the_model)
{
    struct st_scenario *sc = parse_text(
        "scenario roles\nglobal\n ctx c\nsetup\n s = new c\n"
        "thread A\n handshake s as=server result=fail resume=off\n"
        " expect verify_result s == HOSTNAME_MISMATCH\n"
        " expect verify_result s != 0x3e\n"
        " observe v verify_result s\n"
        " handshake s until=mid as=client\n free s\n"
        "outcome v=62 acceptable\n");
    const struct st_stmt *st = sc->threads[0].stmts;
    char buf[160];

    ck_assert_int_eq(st[0].as, ST_AS_SERVER);
    ck_assert_int_eq(st[0].must_fail, 1);
    ck_assert_int_eq(st[0].no_resume, 1);
    ck_assert_int_eq(st[0].until, ST_HS_DONE);
    ck_assert_int_eq(st[1].expr.kind, ST_E_VERIFY_RESULT);
    ck_assert_int_eq(st[1].expr.has_cmp, 1);
    ck_assert_int_eq(st[1].expr.num, 62);
    ck_assert_int_eq(st[2].expr.negate, 1);
    ck_assert_int_eq(st[2].expr.num, 62);
    ck_assert_int_eq(st[3].expr.kind, ST_E_VERIFY_RESULT);
    ck_assert_int_eq(st[3].expr.has_cmp, 0);
    ck_assert_int_eq(st[4].as, ST_AS_CLIENT);
    ck_assert_int_eq(st[4].must_fail, 0);
    ck_assert_int_eq(st[4].no_resume, 0);
    st_stmt_format(sc, &st[0], buf, sizeof(buf));
    ck_assert_str_eq(buf, "handshake s until=done as=server result=fail "
                     "resume=off");
    st_stmt_format(sc, &st[2], buf, sizeof(buf));
    ck_assert_str_eq(buf, "expect verify_result s != HOSTNAME_MISMATCH");
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_thread_may_drop_two_references_setup_left_for_it)
{
    /* A's deficit is 2, B's 1: setup leaves exactly 3. */
    struct st_scenario *sc = parse_text(
        "scenario borrow\nglobal\n ctx c\nsetup\n s = new c\n up_ref s\n"
        " up_ref s\nthread A\n repeat 2\n  free s\n end\nthread B\n free s\n");

    ck_assert_uint_eq(sc->threads[0].stmts[0].nbody, 1);
    st_scenario_free(sc);
}
END_TEST

START_TEST(threads_may_share_a_reference_that_outlives_them)
{
    struct st_scenario *sc = parse_text(
        "scenario share\nglobal\n ctx c\nsetup\n s = new c\n"
        "thread A\n up_ref s\n free s\nthread B\n up_ref s\n free s\n"
        "check\n expect refs s == 1\n free s\n");

    ck_assert_uint_eq(sc->nthreads, 2);
    st_scenario_free(sc);
}
END_TEST

START_TEST(objects_may_be_named_like_header_and_block_words)
{
    struct st_scenario *sc = parse_text(
        "scenario words\nsetup\n ctx timeout\n thread = new timeout\n"
        "thread A\n free thread\n free timeout\n");

    ck_assert_int_eq(sc->names[slot(sc, "thread")].type, ST_TY_SSL);
    ck_assert_int_eq(sc->setup.stmts[1].op, ST_OP_NEW);
    st_scenario_free(sc);
}
END_TEST

START_TEST(known_races_keep_their_backends_functions_and_reason_in_order)
{
    struct st_scenario *sc = load_good("known-race.scn");

    ck_assert_uint_eq(sc->nknown, 3);
    ck_assert_int_eq(sc->expect_race, 0);
    ck_assert_uint_eq(sc->known[0].nbackends, 1);
    ck_assert_str_eq(sc->known[0].backends[0], "openssl");
    ck_assert_uint_eq(sc->known[0].nfunctions, 2);
    ck_assert_str_eq(sc->known[0].functions[0], "SSL_dup");
    ck_assert_str_eq(sc->known[0].functions[1], "SSL_free");
    ck_assert_str_eq(sc->known[0].why, "SSL_dup reads what the handshake writes");
    ck_assert_int_eq(sc->known[0].loc.line, 4);
    ck_assert_uint_eq(sc->known[1].nbackends, 2);
    ck_assert_str_eq(sc->known[1].backends[1], "boringssl");
    ck_assert_uint_eq(sc->known[1].nfunctions, 0);
    ck_assert_str_eq(sc->known[2].backends[0], "minissl");
    ck_assert_int_eq(sc->iterations, 10);
    st_scenario_free(sc);
}
END_TEST

START_TEST(global_objects_may_be_referenced_in_balance)
{
    struct st_scenario *sc = parse_text(
        "scenario g\nglobal\n ctx c\n s = new c\nsetup\n up_ref c\n"
        "thread A\n free c\n d = dup s\n free d\n");

    ck_assert_int_eq(sc->names[slot(sc, "s")].owner, ST_OWNER_GLOBAL);
    st_scenario_free(sc);
}
END_TEST

START_TEST(the_reference_page_examples_parse)
{
    char path[512], *text = NULL, *p, *end;
    size_t cap = 0;
    int n = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%.*sdoc/scenario-format.md",
             (int)(strlen(__FILE__) - strlen("tests/stress/test_parse.c")),
             __FILE__);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert(getdelim(&text, &cap, '\0', f) > 0);
    fclose(f);
    /* every ``` block holding a whole scenario (a "scenario" line) */
    for (p = text; (p = strstr(p, "```\n")) != NULL; p = end + 4) {
        struct st_diag d;
        struct st_scenario *sc;

        p += 4;
        end = strstr(p, "```");
        ck_assert_ptr_nonnull(end);
        if (strncmp(p, "scenario ", 9) != 0 && strstr(p, "\nscenario ") == NULL)
            continue;
        if (strstr(p, "\nscenario ") != NULL && strstr(p, "\nscenario ") > end)
            continue;
        sc = st_scenario_parse("doc.scn", p, (size_t)(end - p), &d);
        ck_assert_msg(sc != NULL, "example %d: %d:%d: %s", n, d.loc.line,
                      d.loc.col, d.msg);
        st_scenario_free(sc);
        n++;
    }
    ck_assert_int_ge(n, 2);
    free(text);
}
END_TEST

/* st_stmt_format prints st of sc as want. */
static void prints_as(const struct st_scenario *sc, const struct st_stmt *st,
                      const char *want)
{
    char buf[256];

    st_stmt_format(sc, st, buf, sizeof(buf));
    ck_assert_str_eq(buf, want);
}

START_TEST(statements_print_back_in_the_format)
{
    struct st_scenario *sc = load_good("outcomes.scn");
    char buf[128];

    prints_as(sc, &sc->threads[1].stmts[1], "observe kind same(d, s)");
    prints_as(sc, &sc->threads[0].stmts[0], "handshake s until=done steps=12");
    prints_as(sc, &sc->check.stmts[3], "expect errors != NULL_SSL_CTX");
    /* truncation still reports the full length, as snprintf */
    ck_assert_int_eq(st_stmt_format(sc, &sc->threads[1].stmts[0], buf, 4), 9);
    ck_assert_str_eq(buf, "d =");
    st_scenario_free(sc);
}
END_TEST

START_TEST(session_copies_kept_and_clear_parse_to_the_model)
{
    struct st_scenario *sc = load_good("session-copies.scn");
    const struct st_stmt *st = sc->setup.stmts;

    ck_assert_int_eq(st[3].op, ST_OP_SESSION);
    ck_assert_int_eq(st[3].a, slot(sc, "sess"));
    ck_assert_int_eq(sc->names[st[3].dst].type, ST_TY_SESSION);
    ck_assert_int_eq(st[4].expr.kind, ST_E_COPIED);
    ck_assert_int_eq(st[5].expr.kind, ST_E_KEPT);
    ck_assert_int_eq(st[5].expr.a, slot(sc, "sess"));
    ck_assert_int_eq(st[5].expr.b, slot(sc, "keep"));
    ck_assert_int_eq(st[6].op, ST_OP_CLEAR);
    ck_assert_int_eq(sc->setup.stmts[1].a, st[6].a);
    prints_as(sc, &st[3], "keep = session sess");
    prints_as(sc, &st[5], "expect kept sess keep");
    prints_as(sc, &st[6], "clear s");
    st_scenario_free(sc);
}
END_TEST

START_TEST(ex_data_on_a_session_parses_to_a_setting_of_the_session)
{
    struct st_scenario *sc = load_good("session-ex-data.scn");
    const struct st_stmt *st = sc->setup.stmts;

    ck_assert_int_eq(st[3].op, ST_OP_SET);
    ck_assert_int_eq(st[3].a, slot(sc, "sess"));
    ck_assert_int_eq(sc->names[st[3].a].type, ST_TY_SESSION);
    ck_assert_uint_eq(st[3].nsettings, 1);
    ck_assert_int_eq(st[3].settings[0].key, ST_K_EX_DATA);
    ck_assert_int_eq(st[3].settings[0].val.kind, ST_V_NUM);
    ck_assert_int_eq(st[3].settings[0].val.num, 7);
    /* with the session's other key, in order; 0 is a value */
    ck_assert_int_eq(sc->names[st[5].a].type, ST_TY_SESSION);
    ck_assert_uint_eq(st[5].nsettings, 2);
    ck_assert_int_eq(st[5].settings[0].key, ST_K_TIMEOUT);
    ck_assert_int_eq(st[5].settings[1].key, ST_K_EX_DATA);
    ck_assert_int_eq(st[5].settings[1].val.num, 0);
    prints_as(sc, &st[3], "set sess ex_data=7");
    prints_as(sc, &st[5], "set x timeout=60 ex_data=0");
    st_scenario_free(sc);
}
END_TEST

START_TEST(negotiated_and_the_session_time_keys_parse_to_the_model)
{
    struct st_scenario *sc = load_good("negotiated.scn");
    const struct st_stmt *g = sc->global.stmts, *a = sc->threads[0].stmts;

    /* `negotiated` alone asks for the handshake: so does the file's
     * `handshake`, so a text without one shows it. */
    ck_assert_uint_eq(sc->requires & ST_FEAT_HANDSHAKE, ST_FEAT_HANDSHAKE);
    ck_assert_int_eq(g[1].settings[0].key, ST_K_SESSION_TIMEOUT);
    ck_assert_int_eq(g[1].settings[0].val.kind, ST_V_NUM);
    ck_assert_int_eq(g[1].settings[0].val.num, 600);
    ck_assert_int_eq(a[1].op, ST_OP_EXPECT);
    ck_assert_int_eq(a[1].expr.kind, ST_E_NEGOTIATED);
    ck_assert_int_eq(a[1].expr.a, slot(sc, "s"));
    ck_assert_int_eq(a[1].expr.b, -1);
    prints_as(sc, &a[1], "expect negotiated s");
    ck_assert_int_eq(a[4].settings[0].key, ST_K_TIME);
    ck_assert_int_eq(a[4].settings[0].val.num, 1000000000);
    ck_assert_int_eq(a[4].settings[1].key, ST_K_TIMEOUT);
    prints_as(sc, &a[4], "set y time=1000000000 timeout=60");
    ck_assert_int_eq(a[5].op, ST_OP_OBSERVE);
    ck_assert_int_eq(a[5].expr.kind, ST_E_NEGOTIATED);
    prints_as(sc, &a[5], "observe n negotiated s");
    ck_assert_str_eq(st_key_name(ST_K_SESSION_TIMEOUT), "session_timeout");
    st_scenario_free(sc);
}
END_TEST

/* The session cache's two ctx keys: a size is a number, a mode names
 * the SSL_SESS_CACHE_X constants of the backend's headers (OFF is 0, a
 * value like any other) or is a number. */
START_TEST(the_cache_keys_parse_to_a_size_and_mode_flags)
{
    struct st_scenario *sc = parse_text(
        "scenario cache\n"
        "setup\n"
        "  ctx c method=server\n"
        "  set c cache_size=0 cache_mode=SERVER|NO_INTERNAL_LOOKUP\n"
        "  set c cache_mode=OFF cache_size=2147483647\n"
        "  set c cache_mode=0x3\n"
        "thread A\n"
        "  free c\n");
    const struct st_stmt *st = sc->setup.stmts;

    ck_assert_int_eq(st[1].settings[0].key, ST_K_CACHE_SIZE);
    ck_assert_int_eq(st[1].settings[0].val.kind, ST_V_NUM);
    ck_assert_int_eq(st[1].settings[0].val.num, 0);
    ck_assert_int_eq(st[1].settings[1].key, ST_K_CACHE_MODE);
    ck_assert_int_eq(st[1].settings[1].val.kind, ST_V_FLAGS);
    ck_assert_int_eq(st[1].settings[1].val.num,
                     cval(ST_CT_SESS_CACHE, "SERVER")
                     | cval(ST_CT_SESS_CACHE, "NO_INTERNAL_LOOKUP"));
    /* the headers' values, the same in minissl, OpenSSL and BoringSSL */
    ck_assert_int_eq(cval(ST_CT_SESS_CACHE, "SERVER"), 0x2);
    ck_assert_int_eq(cval(ST_CT_SESS_CACHE, "NO_INTERNAL"), 0x300);
    ck_assert_str_eq(st[1].settings[1].val.str, "SERVER|NO_INTERNAL_LOOKUP");
    ck_assert_int_eq(st[2].settings[0].val.kind, ST_V_FLAGS);
    ck_assert_int_eq(st[2].settings[0].val.num, 0);
    ck_assert_int_eq(st[2].settings[1].val.num, 2147483647);
    ck_assert_int_eq(st[3].settings[0].val.num, cval(ST_CT_SESS_CACHE, "BOTH"));
    prints_as(sc, &st[1], "set c cache_size=0 cache_mode=SERVER|NO_INTERNAL_LOOKUP");
    prints_as(sc, &st[3], "set c cache_mode=0x3");
    ck_assert_int_eq(st_key_lookup("cache_size", 10), ST_K_CACHE_SIZE);
    ck_assert_int_eq(st_key_lookup("cache_mode", 10), ST_K_CACHE_MODE);
    ck_assert_str_eq(st_const_name(ST_CT_SESS_CACHE, 0), "OFF");
    st_scenario_free(sc);
}
END_TEST

START_TEST(negotiated_alone_requires_the_handshake)
{
    struct st_scenario *sc = parse_text("scenario n\n"
                                        "global\n"
                                        "  ctx c\n"
                                        "setup\n"
                                        "  s = new c\n"
                                        "thread A\n"
                                        "  observe n negotiated s\n"
                                        "check\n"
                                        "  free s\n"
                                        "outcome n=false acceptable\n");

    ck_assert_uint_eq(sc->requires, ST_FEAT_HANDSHAKE);
    st_scenario_free(sc);
}
END_TEST

START_TEST(certificate_key_and_cache_statements_make_names_of_their_types)
{
    struct st_scenario *sc = load_good("key-objects.scn");
    const struct st_block *su = &sc->setup, *a = &sc->threads[0];

    ck_assert_int_eq(sc->names[slot(sc, "x")].type, ST_TY_X509);
    ck_assert_int_eq(sc->names[slot(sc, "k")].type, ST_TY_PKEY);
    ck_assert_int_eq(sc->names[slot(sc, "rk")].type, ST_TY_PKEY);
    ck_assert_int_eq(sc->names[slot(sc, "e")].type, ST_TY_EC_KEY);
    ck_assert_int_eq(sc->names[slot(sc, "r")].type, ST_TY_RSA);
    ck_assert_int_eq(sc->names[slot(sc, "d")].type, ST_TY_DH);
    /* cert x509's source, pkey's, the key under a pkey, a new key */
    ck_assert_int_eq(su->stmts[1].op, ST_OP_CERT);
    ck_assert_int_eq(su->stmts[1].a, slot(sc, "c"));
    ck_assert_int_eq(su->stmts[3].op, ST_OP_KEY);
    ck_assert_int_eq(su->stmts[3].otype, ST_TY_EC_KEY);
    ck_assert_int_eq(su->stmts[3].a, slot(sc, "k"));
    ck_assert_int_eq(su->stmts[4].op, ST_OP_KEY);
    ck_assert_int_eq(su->stmts[4].a, -1);
    ck_assert_int_eq(a->stmts[0].op, ST_OP_ADD_SESSION);
    ck_assert_int_eq(a->stmts[0].a, slot(sc, "c"));
    ck_assert_int_eq(a->stmts[0].b, slot(sc, "sess"));
    ck_assert_int_eq(a->stmts[4].op, ST_OP_FLUSH_SESSIONS);
    prints_as(sc, &su->stmts[2], "k = pkey x");
    prints_as(sc, &su->stmts[3], "e = ec_key k");
    prints_as(sc, &su->stmts[6], "d = dh");
    prints_as(sc, &a->stmts[0], "add_session c sess");
    prints_as(sc, &a->stmts[4], "flush_sessions c");
    st_scenario_free(sc);
}
END_TEST

START_TEST(remove_session_names_the_ctx_and_the_session)
{
    struct st_scenario *sc = load_good("cache-ops.scn");
    const struct st_stmt *t = sc->threads[0].stmts;
    int c = slot(sc, "c"), x = slot(sc, "x");

    ck_assert_int_eq(t[0].op, ST_OP_REMOVE_SESSION);
    ck_assert_int_eq(t[0].a, c);
    ck_assert_int_eq(t[0].b, x);
    ck_assert_int_eq(t[1].op, ST_OP_FLUSH_SESSIONS);
    ck_assert_int_eq(t[1].b, -1);
    prints_as(sc, &t[0], "remove_session c x");
    ck_assert_uint_eq(sc->requires, 0);
    st_scenario_free(sc);
}
END_TEST

START_TEST(threads_may_each_make_the_same_local_name)
{
    struct st_scenario *sc = load_good("thread-local-names.scn");
    const struct st_block *ck = &sc->check;
    static const char *const shown[] = { "A.d", "B.d", "C.d", "D.d" };
    int t, n = 0, d[4];
    size_t i;

    for (i = 0; i < sc->nnames; i++)
        n += strcmp(sc->names[i].name, "d") == 0;
    ck_assert_int_eq(n, 4);                     /* one slot per thread */
    for (t = 0; t < 4; t++) {
        d[t] = slot_of(sc, "d", t);
        ck_assert_str_eq(sc->names[d[t]].shown, shown[t]);
        ck_assert_int_eq(sc->names[d[t]].type, ST_TY_SSL);
    }
    /* each thread's statements name its own d */
    ck_assert_int_eq(sc->threads[0].stmts[0].dst, d[0]);
    ck_assert_int_eq(sc->threads[0].stmts[1].expr.a, d[0]);   /* A.d in A */
    ck_assert_int_eq(sc->threads[0].stmts[1].expr.b, d[0]);
    ck_assert_int_eq(sc->threads[1].stmts[0].body[0].dst, d[1]);
    ck_assert_int_eq(sc->threads[1].stmts[0].body[1].a, d[1]);
    ck_assert_int_eq(sc->threads[2].stmts[1].a, d[2]);
    ck_assert_int_eq(sc->threads[3].stmts[1].expr.a, d[3]);
    ck_assert_int_eq(sc->threads[3].stmts[2].a, d[3]);
    /* names one thread makes keep their plain form */
    ck_assert_str_eq(sc->names[slot(sc, "x")].shown, "x");
    ck_assert_str_eq(sc->names[slot(sc, "d2")].shown, "d2");
    ck_assert_str_eq(sc->names[slot(sc, "s")].shown, "s");
    /* check: A.d, B.d2 (qualified though unique), C.d, plain x */
    ck_assert_int_eq(ck->stmts[0].expr.a, d[0]);
    ck_assert_int_eq(ck->stmts[1].a, d[0]);
    ck_assert_int_eq(ck->stmts[2].a, slot_of(sc, "d2", 1));
    ck_assert_int_eq(ck->stmts[3].a, d[2]);
    ck_assert_int_eq(ck->stmts[4].expr.a, d[2]);
    ck_assert_int_eq(ck->stmts[5].a, slot_of(sc, "x", 2));
    st_scenario_free(sc);
}
END_TEST

START_TEST(a_name_only_one_thread_makes_may_be_written_plain_in_check)
{
    struct st_scenario *sc = parse_text(
        "scenario one\nglobal\n ctx c\nthread A\n d = new c\nthread B\n"
        " e = new c\n free e\ncheck\n free d\n");
    int d = slot_of(sc, "d", 0);

    ck_assert_int_eq(sc->check.stmts[0].a, d);
    ck_assert_str_eq(sc->names[d].shown, "d");
    st_scenario_free(sc);
}
END_TEST

START_TEST(thread_names_print_plain_in_their_thread_and_qualified_in_check)
{
    struct st_scenario *sc = load_good("thread-local-names.scn");
    char buf[128];

    prints_as(sc, &sc->threads[0].stmts[0], "d = dup s");
    /* A.d in A prints plain, in a repeat body too */
    prints_as(sc, &sc->threads[0].stmts[1], "expect d == d");
    prints_as(sc, &sc->threads[1].stmts[0].body[1], "free d");
    prints_as(sc, &sc->check.stmts[0], "expect refs A.d == 1");
    prints_as(sc, &sc->check.stmts[2], "free d2");     /* unambiguous: plain */
    prints_as(sc, &sc->check.stmts[5], "free x");
    /* an expression alone has no block: the shown form */
    st_expr_format(sc, &sc->threads[3].stmts[1].expr, buf, sizeof(buf));
    ck_assert_str_eq(buf, "same(D.d, s)");
    st_scenario_free(sc);
}
END_TEST

/* The scenario printed back from its model: the scenario line and every
 * block with its statements (repeats with their bodies and `end`). */
static void print_stmts(FILE *f, const struct st_scenario *sc,
                        const struct st_stmt *st, size_t n)
{
    char buf[4096];
    size_t i;

    for (i = 0; i < n; i++) {
        ck_assert_int_lt(st_stmt_format(sc, &st[i], buf, sizeof(buf)),
                         (int)sizeof(buf));
        fprintf(f, "  %s\n", buf);
        if (st[i].op == ST_OP_REPEAT) {
            print_stmts(f, sc, st[i].body, st[i].nbody);
            fprintf(f, "  end\n");
        }
    }
}

static char *print_scenario(const struct st_scenario *sc)
{
    char *out = NULL;
    size_t n = 0, t;
    FILE *f = open_memstream(&out, &n);

    ck_assert_ptr_nonnull(f);
    fprintf(f, "scenario %s\n", sc->name);
    if (sc->has_global) {
        fprintf(f, "global\n");
        print_stmts(f, sc, sc->global.stmts, sc->global.nstmts);
    }
    if (sc->has_setup) {
        fprintf(f, "setup\n");
        print_stmts(f, sc, sc->setup.stmts, sc->setup.nstmts);
    }
    for (t = 0; t < sc->nthreads; t++) {
        fprintf(f, "thread %s\n", sc->threads[t].name);
        print_stmts(f, sc, sc->threads[t].stmts, sc->threads[t].nstmts);
    }
    if (sc->has_check) {
        fprintf(f, "check\n");
        print_stmts(f, sc, sc->check.stmts, sc->check.nstmts);
    }
    fclose(f);
    return out;
}

START_TEST(printed_scenarios_parse_back_to_the_same_model)
{
    static const char *const files[] = {
        "tests/data/good/thread-local-names.scn", "tests/data/good/example.scn",
        "tests/data/good/all-settings.scn", "tests/data/good/repeat-threads.scn",
        "tests/data/good/sessions.scn", "scenarios/copied-all-settings.scn",
        "tests/data/good/negotiated.scn",
        "scenarios/exdata-dup-callbacks.scn", "scenarios/dup-dup-initial.scn",
        "scenarios/session-cache-threads.scn", "tests/data/good/cache-ops.scn",
        "scenarios/dup-every-key-accept.scn",
        "scenarios/dup-verifies-like-original-client.scn",
        "tests/openssl/scenarios/dup-ctx-verify-params.scn", NULL
    };
    size_t k, i;

    for (k = 0; files[k] != NULL; k++) {
        char path[512], *text, *again;
        struct st_diag d;
        struct st_scenario *sc, *sc2;

        snprintf(path, sizeof(path), "%.*s%s",
                 (int)(strlen(__FILE__) - strlen("tests/stress/test_parse.c")),
                 __FILE__, files[k]);
        sc = st_scenario_load(path, &d);
        ck_assert_msg(sc != NULL, "%s:%d:%d: %s", path, d.loc.line, d.loc.col,
                      d.msg);
        text = print_scenario(sc);
        sc2 = st_scenario_parse("printed.scn", text, strlen(text), &d);
        ck_assert_msg(sc2 != NULL, "%s printed: %d:%d: %s\n%s", files[k],
                      d.loc.line, d.loc.col, d.msg, text);
        again = print_scenario(sc2);
        ck_assert_str_eq(again, text);
        ck_assert_uint_eq(sc2->nnames, sc->nnames);
        for (i = 0; i < sc->nnames; i++) {
            ck_assert_str_eq(sc2->names[i].name, sc->names[i].name);
            ck_assert_str_eq(sc2->names[i].shown, sc->names[i].shown);
            ck_assert_int_eq(sc2->names[i].owner, sc->names[i].owner);
            ck_assert_int_eq(sc2->names[i].type, sc->names[i].type);
        }
        free(again);
        free(text);
        st_scenario_free(sc2);
        st_scenario_free(sc);
    }
}
END_TEST

START_TEST(constant_tables_map_names_both_ways)
{
    long long v;
    int code;

    ck_assert(st_const_lookup(ST_CT_VERIFY, "PEER", 4, &v));
    ck_assert_str_eq(st_const_name(ST_CT_VERIFY, v), "PEER");
    ck_assert(!st_const_lookup(ST_CT_VERIFY, "peer", 4, &v));
    ck_assert(st_const_count(ST_CT_REASON) > 0);
    ck_assert(st_reason_code("SSL_R_NULL_SSL_CTX", &code));
    ck_assert_str_eq(st_reason_name(code), "NULL_SSL_CTX");
    ck_assert(st_reason_code("NULL_SSL_CTX", NULL));
    ck_assert(!st_reason_code("NOT_A_REASON", &code));
    ck_assert_str_eq(st_key_name(ST_K_CLIENT_CERT_TYPES), "client_cert_types");
    ck_assert_int_eq(st_key_lookup("custom_ext", 10), ST_K_CUSTOM_EXT);
    ck_assert_str_eq(st_hs_state_name(ST_HS_SHUTDOWN), "shutdown");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *files = tcase_create("files");
    TCase *rules = tcase_create("rules");
    TCase *helpers = tcase_create("helpers");

    tcase_add_test(files, the_format_page_example_parses_to_its_model);
    tcase_add_test(files, every_settings_key_gets_its_value_kind);
    tcase_add_test(files, observe_records_values_and_outcomes_list_them);
    tcase_add_test(files, repeat_bodies_nest_and_crlf_and_bom_are_accepted);
    tcase_add_test(files, sessions_pass_between_setup_threads_and_check);
    tcase_add_test(files, session_copies_kept_and_clear_parse_to_the_model);
    tcase_add_test(files, ex_data_on_a_session_parses_to_a_setting_of_the_session);
    tcase_add_test(files, negotiated_and_the_session_time_keys_parse_to_the_model);
    tcase_add_test(files, negotiated_alone_requires_the_handshake);
    tcase_add_test(files, the_cache_keys_parse_to_a_size_and_mode_flags);
    tcase_add_test(files, the_reference_page_examples_parse);
    tcase_add_test(files, threads_may_each_make_the_same_local_name);
    tcase_add_test(files, printed_scenarios_parse_back_to_the_same_model);
    tcase_add_test(files,
                   known_races_keep_their_backends_functions_and_reason_in_order);
    tcase_add_test(rules, defaults_apply_when_headers_are_left_out);
    tcase_add_test(rules,
                   handshake_roles_results_and_verify_results_parse_to_the_model);
    tcase_add_test(rules, sessions_parses_with_and_without_a_comparison);
    tcase_add_test(rules, ex_index_names_its_class_and_prints_back);
    tcase_add_test(rules, a_thread_may_drop_two_references_setup_left_for_it);
    tcase_add_test(rules, threads_may_share_a_reference_that_outlives_them);
    tcase_add_test(rules, global_objects_may_be_referenced_in_balance);
    tcase_add_test(rules, objects_may_be_named_like_header_and_block_words);
    tcase_add_test(rules, a_name_only_one_thread_makes_may_be_written_plain_in_check);
    tcase_add_test(helpers, statements_print_back_in_the_format);
    tcase_add_test(helpers, remove_session_names_the_ctx_and_the_session);
    tcase_add_test(helpers,
                   certificate_key_and_cache_statements_make_names_of_their_types);
    tcase_add_test(helpers,
                   thread_names_print_plain_in_their_thread_and_qualified_in_check);
    tcase_add_test(helpers, constant_tables_map_names_both_ways);
    tu_add_stress_leak_checks(files);
    suite_add_tcase(s, files);
    tu_add_stress_leak_checks(rules);
    suite_add_tcase(s, rules);
    tu_add_stress_leak_checks(helpers);
    suite_add_tcase(s, helpers);
    return s;
}
