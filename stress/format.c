/* The model printed back in the scenario format's syntax (see format.h):
 * names resolved from the scenario's slots, values as they are written,
 * constants by their names (names.c).  A thread's name prints plain in its
 * own thread and as the model shows it elsewhere ("A.d" where several
 * threads make a `d`), so the text parses back in the block it came from. */
#include <stdarg.h>
#include <stdio.h>

#include "format.h"
#include "names.h"

enum { NO_BLOCK = -100 };        /* the statement's block is not known */

/* Slot's name as written in block ctx (ST_OWNER_*, a thread index or
 * NO_BLOCK). */
static const char *slot_name(const struct st_scenario *sc, int slot, int ctx)
{
    if (sc == NULL || slot < 0 || (size_t)slot >= sc->nnames)
        return "?";
    return sc->names[slot].owner == ctx ? sc->names[slot].name
                                        : sc->names[slot].shown;
}

static int in_stmts(const struct st_stmt *v, size_t n, const struct st_stmt *st)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (&v[i] == st || in_stmts(v[i].body, v[i].nbody, st))
            return 1;
    return 0;
}

/* The block of sc that holds st: a thread index, ST_OWNER_*, or NO_BLOCK. */
static int block_of(const struct st_scenario *sc, const struct st_stmt *st)
{
    size_t t;

    if (sc == NULL)
        return NO_BLOCK;
    for (t = 0; t < sc->nthreads; t++)
        if (in_stmts(sc->threads[t].stmts, sc->threads[t].nstmts, st))
            return (int)t;
    if (in_stmts(sc->check.stmts, sc->check.nstmts, st))
        return ST_OWNER_CHECK;
    if (in_stmts(sc->setup.stmts, sc->setup.nstmts, st))
        return ST_OWNER_SETUP;
    if (in_stmts(sc->global.stmts, sc->global.nstmts, st))
        return ST_OWNER_GLOBAL;
    return NO_BLOCK;
}

/* Appends to buf like snprintf, tracking the would-be length in *len. */
static void app(char *buf, size_t n, int *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void app(char *buf, size_t n, int *len, const char *fmt, ...)
{
    va_list ap;
    size_t at = (size_t)*len < n ? (size_t)*len : n;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(n > at ? buf + at : NULL, n > at ? n - at : 0, fmt, ap);
    va_end(ap);
    if (r > 0)
        *len += r;
}

static int expr_format(const struct st_scenario *sc, const struct st_expr *e,
                       int ctx, char *buf, size_t n)
{
    int len = 0;
    const char *op = e->negate ? "!=" : "==";

    if (n > 0)
        buf[0] = '\0';
    switch (e->kind) {
    case ST_E_IDENT:
        app(buf, n, &len, "%s %s %s", slot_name(sc, e->a, ctx), op,
            slot_name(sc, e->b, ctx));
        break;
    case ST_E_SAME:
        app(buf, n, &len, "same(%s, %s)", slot_name(sc, e->a, ctx),
            slot_name(sc, e->b, ctx));
        break;
    case ST_E_COPIED:
    case ST_E_KEPT:
    case ST_E_INHERITED:
        app(buf, n, &len, "%s %s %s", e->kind == ST_E_COPIED ? "copied"
                                      : e->kind == ST_E_KEPT ? "kept"
                                                             : "inherited",
            slot_name(sc, e->a, ctx), slot_name(sc, e->b, ctx));
        break;
    case ST_E_STATE:
        app(buf, n, &len, "state %s", slot_name(sc, e->a, ctx));
        if (e->has_cmp)
            app(buf, n, &len, " %s %s", op, st_hs_state_name(e->state));
        break;
    case ST_E_REFS:
        app(buf, n, &len, "refs %s", slot_name(sc, e->a, ctx));
        if (e->has_cmp)
            app(buf, n, &len, " %s %lld", op, e->num);
        break;
    case ST_E_FREED:
    case ST_E_NEGOTIATED:
        app(buf, n, &len, "%s %s", e->kind == ST_E_FREED ? "freed"
                                   : "negotiated", slot_name(sc, e->a, ctx));
        break;
    case ST_E_SESSIONS:
        app(buf, n, &len, "sessions %s", slot_name(sc, e->a, ctx));
        if (e->has_cmp)
            app(buf, n, &len, " %s %lld", op, e->num);
        break;
    case ST_E_LEAKS:
        app(buf, n, &len, "leaks");
        if (e->has_cmp)
            app(buf, n, &len, " %s %lld", op, e->num);
        break;
    case ST_E_VERIFY_RESULT: {
        const char *name = st_const_name(ST_CT_VERIFY_RESULT, e->num);

        app(buf, n, &len, "verify_result %s", slot_name(sc, e->a, ctx));
        if (e->has_cmp && name != NULL)
            app(buf, n, &len, " %s %s", op, name);
        else if (e->has_cmp)
            app(buf, n, &len, " %s %lld", op, e->num);
        break;
    }
    case ST_E_ERRORS:
        app(buf, n, &len, "errors");
        if (e->has_cmp)
            app(buf, n, &len, " %s %s", op,
                e->reason != NULL ? e->reason : "none");
        break;
    }
    return len;
}

int st_expr_format(const struct st_scenario *sc, const struct st_expr *e,
                   char *buf, size_t n)
{
    return expr_format(sc, e, NO_BLOCK, buf, n);
}

static void value_format(const struct st_scenario *sc, const struct st_value *v,
                         int ctx, char *buf, size_t n, int *len)
{
    switch (v->kind) {
    case ST_V_NUM:
        app(buf, n, len, "%lld", v->num);
        break;
    case ST_V_FLAGS:
        app(buf, n, len, "%s", v->str != NULL ? v->str : "0");
        break;
    case ST_V_STR: {
        const char *p;

        app(buf, n, len, "\"");
        for (p = v->str != NULL ? v->str : ""; *p != '\0'; p++)
            app(buf, n, len, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
        app(buf, n, len, "\"");
        break;
    }
    case ST_V_ON: app(buf, n, len, "on"); break;
    case ST_V_OFF: app(buf, n, len, "off"); break;
    case ST_V_TEST: app(buf, n, len, "test"); break;
    case ST_V_NONE: app(buf, n, len, "none"); break;
    case ST_V_NAME: app(buf, n, len, "%s", slot_name(sc, v->slot, ctx)); break;
    }
}

int st_stmt_format(const struct st_scenario *sc, const struct st_stmt *st,
                   char *buf, size_t n)
{
    int len = 0, ctx = block_of(sc, st);
    size_t i;

    if (n > 0)
        buf[0] = '\0';
    switch (st->op) {
    case ST_OP_CTX:
        app(buf, n, &len, "ctx %s method=%s", slot_name(sc, st->dst, ctx),
            st_method_name(st->method));
        break;
    case ST_OP_NEW:
    case ST_OP_DUP:
    case ST_OP_GET1_SESSION:
    case ST_OP_CERT:
    case ST_OP_PKEY:
        app(buf, n, &len, "%s = %s %s", slot_name(sc, st->dst, ctx),
            st_op_name(st->op), slot_name(sc, st->a, ctx));
        break;
    case ST_OP_KEY:
        app(buf, n, &len, "%s = %s", slot_name(sc, st->dst, ctx),
            st_type_name(st->otype));
        if (st->a >= 0)
            app(buf, n, &len, " %s", slot_name(sc, st->a, ctx));
        break;
    case ST_OP_ADD_SESSION:
    case ST_OP_REMOVE_SESSION:
    case ST_OP_PAIR:
        app(buf, n, &len, "%s %s %s", st_op_name(st->op),
            slot_name(sc, st->a, ctx), slot_name(sc, st->b, ctx));
        if (st->via_mem)
            app(buf, n, &len, " via=mem");
        break;
    case ST_OP_SESSION:
        app(buf, n, &len, "%s = session", slot_name(sc, st->dst, ctx));
        if (st->a >= 0)
            app(buf, n, &len, " %s", slot_name(sc, st->a, ctx));
        break;
    case ST_OP_UP_REF:
    case ST_OP_FREE:
    case ST_OP_CONNECT:
    case ST_OP_ACCEPT:
    case ST_OP_CLEAR:
    case ST_OP_FLUSH_SESSIONS:
    case ST_OP_READ:
        app(buf, n, &len, "%s %s", st_op_name(st->op), slot_name(sc, st->a, ctx));
        break;
    case ST_OP_HANDSHAKE:
        app(buf, n, &len, "handshake %s until=%s", slot_name(sc, st->a, ctx),
            st_hs_state_name(st->until));
        if (st->n > 0)
            app(buf, n, &len, " steps=%lld", st->n);
        if (st->as != ST_AS_ANY)
            app(buf, n, &len, " as=%s", st->as == ST_AS_CLIENT ? "client"
                                                               : "server");
        if (st->must_fail)
            app(buf, n, &len, " result=fail");
        if (st->no_resume)
            app(buf, n, &len, " resume=off");
        if (st->pair)
            app(buf, n, &len, " peer=pair");
        break;
    case ST_OP_SET:
        app(buf, n, &len, "set %s", slot_name(sc, st->a, ctx));
        for (i = 0; i < st->nsettings; i++) {
            app(buf, n, &len, " %s=", st_key_name(st->settings[i].key));
            value_format(sc, &st->settings[i].val, ctx, buf, n, &len);
        }
        break;
    case ST_OP_EXPECT:
    case ST_OP_OBSERVE:
        if (st->op == ST_OP_EXPECT)
            app(buf, n, &len, "expect ");
        else
            app(buf, n, &len, "observe %s ", st->label);
        len += expr_format(sc, &st->expr, ctx,
                           (size_t)len < n ? buf + len : NULL,
                           (size_t)len < n ? n - (size_t)len : 0);
        break;
    case ST_OP_EX_INDEX:
        app(buf, n, &len, "ex_index %s", st->otype == ST_TY_SSL ? "ssl"
                                         : st->otype == ST_TY_CTX ? "ctx"
                                                                  : "session");
        break;
    case ST_OP_SPIN:
    case ST_OP_REPEAT:
        app(buf, n, &len, "%s %lld", st_op_name(st->op), st->n);
        break;
    }
    return len;
}
