/* libFuzzer target: the scenario language, text -> model (lexer.c,
 * parser.c, validate.c through st_scenario_parse).
 *
 * Each input is a scenario file.  The parser must either give a model or
 * say why not (a message, a line, a column); never crash, leak, or take
 * longer than the validator's bound on hostile repeat counts.
 *   - refused: st_diag_print renders the diagnostic; what it prints must
 *     not carry a byte that would disturb a terminal (diag.c promises that
 *     for the copied line; the message must not smuggle one either);
 *   - accepted: every slot the model holds indexes its name table, is
 *     one its block may use (a thread's names only in that thread and in
 *     check, doc/scenario-format.md "Names and references"), a name is
 *     made by its owner's block, its shown form is the name or THREAD.name,
 *     and the counts are within the documented limits (what the runner
 *     relies on without checking); then st_scenario_free releases it all.
 * Build and run with scripts/fuzz.sh (clang -fsanitize=fuzzer,address,
 * undefined). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

/* A slot field: -1 (unused) or an index of the name table whose owner
 * |block| may use: global's names everywhere, setup's everywhere but in
 * global, a thread's in that thread and in check, check's in check. */
static void check_slot(const struct st_scenario *sc, int block, int slot,
                       int unused_ok)
{
    int owner;

    if (slot == -1 && unused_ok)
        return;
    if (slot < 0 || (size_t)slot >= sc->nnames)
        abort();
    owner = sc->names[slot].owner;
    if (owner == ST_OWNER_GLOBAL || owner == block || block == ST_OWNER_CHECK)
        return;
    if (owner == ST_OWNER_SETUP && block != ST_OWNER_GLOBAL)
        return;
    abort();
}

/* The limits doc/scenario-format.md states, which the runner relies on
 * without checking: repeats nest up to 8 deep with counts 1 to 10^9 whose
 * product is at most 10^9; spin 0 to 10^9; handshake steps up to 10^6. */
static void check_stmts(const struct st_scenario *sc, int block,
                        const struct st_stmt *st, size_t n, int depth,
                        long long times)
{
    if (n > 0 && st == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        const struct st_stmt *s = &st[i];

        check_slot(sc, block, s->dst, 1);
        if (s->dst != -1 && sc->names[s->dst].owner != block)
            abort();                    /* made by its owner's block */
        check_slot(sc, block, s->a, 1);
        check_slot(sc, block, s->b, 1);
        if (s->text == NULL || s->loc.line < 1 || s->loc.col < 1)
            abort();
        for (size_t k = 0; k < s->nsettings; k++) {
            if ((unsigned)s->settings[k].key >= ST_K_COUNT)
                abort();
            if (s->settings[k].val.kind == ST_V_NAME)
                check_slot(sc, block, s->settings[k].val.slot, 0);
        }
        switch (s->op) {
        case ST_OP_EXPECT:
        case ST_OP_OBSERVE:
            check_slot(sc, block, s->expr.a, 1);
            check_slot(sc, block, s->expr.b, 1);
            break;
        case ST_OP_SPIN:
            if (s->n < 0 || s->n > 1000000000)
                abort();
            break;
        case ST_OP_HANDSHAKE:
            if (s->n < 0 || s->n > 1000000)
                abort();
            break;
        case ST_OP_PAIR:
            /* two distinct SSLs, joined in setup only */
            if (block != ST_OWNER_SETUP || s->a < 0 || s->b < 0 ||
                s->a == s->b || sc->names[s->a].type != ST_TY_SSL ||
                sc->names[s->b].type != ST_TY_SSL)
                abort();
            break;
        case ST_OP_REPEAT:
            if (depth >= 8 || s->n < 1 || s->n > 1000000000 ||
                times > 1000000000 / s->n)
                abort();
            check_stmts(sc, block, s->body, s->nbody, depth + 1,
                        times * s->n);
            break;
        default:
            break;
        }
        if (s->op != ST_OP_REPEAT && s->nbody != 0)
            abort();
    }
}

/* Name |i|: terminated; owned by a block that exists; shown as itself or,
 * a thread's, as THREAD.name; one slot per owner and name, and a shared
 * name (global, setup, check) no other block makes. */
static void check_name(const struct st_scenario *sc, size_t i)
{
    const struct st_name *nm = &sc->names[i];
    char q[ST_QNAME_MAX + 1];

    if (memchr(nm->name, '\0', sizeof(nm->name)) == NULL ||
        memchr(nm->shown, '\0', sizeof(nm->shown)) == NULL ||
        nm->name[0] == '\0')
        abort();
    if (nm->owner < ST_OWNER_CHECK || nm->owner >= (int)sc->nthreads)
        abort();
    if (strcmp(nm->shown, nm->name) != 0) {
        if (nm->owner < 0)
            abort();
        snprintf(q, sizeof(q), "%s.%s", sc->threads[nm->owner].name, nm->name);
        if (strcmp(nm->shown, q) != 0)
            abort();
    }
    for (size_t k = 0; k < i; k++)
        if (strcmp(sc->names[k].name, nm->name) == 0 &&
            (sc->names[k].owner == nm->owner || sc->names[k].owner < 0 ||
             nm->owner < 0))
            abort();
}

static void check_model(const struct st_scenario *sc)
{
    if (sc->name == NULL || sc->path == NULL)
        abort();
    if (sc->nthreads < 1 || sc->nthreads > ST_MAX_THREADS ||
        sc->threads == NULL)
        abort();
    if (sc->iterations < 1 || sc->iterations > 1000000000000LL ||
        sc->timeout_ms < 1 || sc->timeout_ms > 86400000LL)
        abort();
    if (sc->nnames > 1024 || sc->nlabels > 64)
        abort();
    for (size_t i = 0; i < sc->nnames; i++)
        check_name(sc, i);
    check_stmts(sc, ST_OWNER_GLOBAL, sc->global.stmts, sc->global.nstmts, 0, 1);
    check_stmts(sc, ST_OWNER_SETUP, sc->setup.stmts, sc->setup.nstmts, 0, 1);
    check_stmts(sc, ST_OWNER_CHECK, sc->check.stmts, sc->check.nstmts, 0, 1);
    for (size_t i = 0; i < sc->nthreads; i++)
        check_stmts(sc, (int)i, sc->threads[i].stmts, sc->threads[i].nstmts,
                    0, 1);
    for (size_t i = 0; i < sc->noutcomes; i++)
        if (sc->outcomes[i].nkeys > 0 && (sc->outcomes[i].keys == NULL ||
                                          sc->outcomes[i].values == NULL))
            abort();
}

/* The diagnostic as a user sees it: "file:line:col: error: msg", the line,
 * a caret; no control byte but newline and tab. */
static void check_diag(const struct st_diag *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    if (f == NULL)
        abort();
    if (d->msg[0] == '\0')
        abort();                        /* a refusal must say why */
    st_diag_print(f, d);
    if (fclose(f) != 0)
        abort();
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];

        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            abort();
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct st_diag d;
    struct st_scenario *sc;

    memset(&d, 0, sizeof(d));
    sc = st_scenario_parse("fuzz.scn", (const char *)data, size, &d);
    if (sc == NULL) {
        check_diag(&d);
        return 0;
    }
    check_model(sc);
    st_scenario_free(sc);
    return 0;
}
