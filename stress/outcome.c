/* Judging an iteration: values, expectations, the outcome histogram.  See
 * outcome.h. */
#include "outcome.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "names.h"

static const char *const words[] = {
    "-", "false", "true", "same", "copy", "before", "mid", "done",
    "shutdown", "none",
};

static bool val_eq(const struct st_val *a, const struct st_val *b)
{
    return a->tag == b->tag && a->v == b->v;
}

static void val_str(const struct st_val *x, char *buf, size_t len)
{
    switch (x->tag) {
    case ST_OBS_WORD:
        snprintf(buf, len, "%s", words[x->v]);
        break;
    case ST_OBS_ERR: {
        const char *name = x->v == 0 ? "none" :
            st_reason_name(st_be_error_reason((unsigned long)x->v));

        if (name != NULL)
            snprintf(buf, len, "%s", name);
        else
            st_be_error_text((unsigned long)x->v, buf, len);
        break;
    }
    default:
        snprintf(buf, len, "%" PRId64, x->v);
        break;
    }
}

static struct st_val boolean(bool b)
{
    return st_val_word(b ? ST_W_TRUE : ST_W_FALSE);
}

static const char *slot_name(const struct st_objects *ob, int slot)
{
    return slot >= 0 ? ob->sc->names[slot].shown : "?";
}

/* ---- values and expectations -------------------------------------------- */

struct st_val st_eval(const struct st_objects *ob, const struct st_expr *e,
                      char *why, size_t wl)
{
    void *a = e->a >= 0 ? ob->slot[e->a] : NULL;
    void *b = e->b >= 0 ? ob->slot[e->b] : NULL;

    why[0] = '\0';
    switch (e->kind) {
    case ST_E_IDENT:
        return boolean((a == b) != (e->negate != 0));
    case ST_E_SAME:
        return st_val_word(a == b ? ST_W_SAME : ST_W_COPY);
    case ST_E_COPIED:
        return boolean(st_be_copied(ob->sc->names[e->a].type, a, b, why,
                                    wl));
    case ST_E_KEPT:
        return boolean(st_be_session_kept(a, b, why, wl));
    case ST_E_INHERITED:
        return boolean(st_be_inherited(a, b, why, wl));
    case ST_E_NEGOTIATED:
        return boolean(st_be_negotiated(a, ob->peer, why, wl));
    case ST_E_STATE:
        return st_val_word(ST_W_BEFORE + (int)st_be_state(a));
    case ST_E_REFS:
        return (struct st_val){ .v = st_be_refs(ob->sc->names[e->a].type, a),
                                .tag = ST_OBS_NUM };
    case ST_E_FREED:
        return boolean(st_be_freed(ob->sc->names[e->a].type, a,
                                   ob->ids[e->a]));
    case ST_E_LEAKS:
        return (struct st_val){ .v = st_be_live() - ob->live_base,
                                .tag = ST_OBS_NUM };
    case ST_E_ERRORS:
        return (struct st_val){ .v = (int64_t)st_be_peek_error(),
                                .tag = ST_OBS_ERR };
    case ST_E_VERIFY_RESULT:
        return (struct st_val){ .v = st_be_verify_result(a),
                                .tag = ST_OBS_NUM };
    case ST_E_SESSIONS:
        return (struct st_val){ .v = st_be_sess_number(a),
                                .tag = ST_OBS_NUM };
    }
    return st_val_word(ST_W_UNSET);
}

bool st_eval_expect(const struct st_objects *ob, const struct st_expr *e,
                    char *why, size_t wl)
{
    char vs[160];
    struct st_val v = st_eval(ob, e, why, wl);
    bool ok;

    switch (e->kind) {
    case ST_E_IDENT:
        ok = v.v == ST_W_TRUE;
        if (!ok)
            snprintf(why, wl, "%s and %s are %s objects", slot_name(ob, e->a),
                     slot_name(ob, e->b),
                     ob->slot[e->a] == ob->slot[e->b] ? "the same"
                                                      : "different");
        return ok;
    case ST_E_SAME:
        return v.v == ST_W_SAME;
    case ST_E_COPIED:
    case ST_E_KEPT:
    case ST_E_INHERITED:
    case ST_E_NEGOTIATED:
        return v.v == ST_W_TRUE;
    case ST_E_FREED:
        ok = v.v == ST_W_TRUE;
        if (!ok)
            snprintf(why, wl, "%s is still live", slot_name(ob, e->a));
        return ok;
    case ST_E_STATE:
        if (!e->has_cmp)
            return true;
        ok = ((int)v.v - ST_W_BEFORE == (int)e->state) != (e->negate != 0);
        if (!ok)
            snprintf(why, wl, "state %s is %s", slot_name(ob, e->a),
                     words[v.v]);
        return ok;
    case ST_E_REFS:
    case ST_E_LEAKS:
    case ST_E_SESSIONS:
        if (!e->has_cmp)
            return v.v != 0;
        ok = (v.v == e->num) != (e->negate != 0);
        if (!ok)
            snprintf(why, wl, "%s%s is %" PRId64,
                     e->kind == ST_E_REFS ? "refs "
                     : e->kind == ST_E_SESSIONS ? "sessions " : "leaks",
                     e->kind == ST_E_LEAKS ? "" : slot_name(ob, e->a), v.v);
        return ok;
    case ST_E_VERIFY_RESULT: {
        const char *name;

        if (!e->has_cmp)
            return true;
        ok = (v.v == e->num) != (e->negate != 0);
        if (!ok) {
            name = st_const_name(ST_CT_VERIFY_RESULT, v.v);
            snprintf(why, wl, "verify_result %s is %" PRId64 " (%s)",
                     slot_name(ob, e->a), v.v, name != NULL ? name : "?");
        }
        return ok;
    }
    case ST_E_ERRORS:
        if (e->reason == NULL)
            ok = v.v == 0;
        else
            ok = st_be_error_is((unsigned long)v.v, e->reason);
        ok = ok != (e->negate != 0);
        if (!ok) {
            val_str(&v, vs, sizeof(vs));
            snprintf(why, wl, "the error stack holds: %s", vs);
        }
        return ok;
    }
    return true;
}

struct st_val st_eval_observe(const struct st_objects *ob,
                              const struct st_expr *e, char *why, size_t wl)
{
    struct st_val v = st_eval(ob, e, why, wl);

    /* Evaluated again as an expectation, as it always was: in controlled
     * mode each backend call is a step, and schedules name steps. */
    if (e->has_cmp || e->kind == ST_E_IDENT || e->kind == ST_E_FREED ||
        e->kind == ST_E_COPIED || e->kind == ST_E_KEPT ||
        e->kind == ST_E_INHERITED || e->kind == ST_E_NEGOTIATED)
        v = boolean(st_eval_expect(ob, e, why, wl));
    return v;
}

int st_label_index(const struct st_scenario *sc, const char *label)
{
    for (size_t i = 0; i < sc->nlabels; i++)
        if (strcmp(sc->observe_labels[i], label) == 0)
            return (int)i;
    return -1;
}

/* ---- the outcome histogram ---------------------------------------------- */

static bool value_matches(const char *want, const char *got)
{
    size_t n = strlen(got);

    if (strcmp(want, "*") == 0)
        return true;
    while (*want != '\0') {
        size_t len = strcspn(want, "|");

        if (len == n && strncmp(want, got, n) == 0)
            return true;
        want += len;
        if (*want == '|')
            want++;
    }
    return false;
}

static void classify(const struct st_scenario *sc, struct st_hist_row *row)
{
    char got[160];

    row->desc = NULL;
    if (sc->noutcomes == 0) {
        row->cls = ST_ACCEPTABLE;
        return;
    }
    for (size_t i = 0; i < sc->noutcomes; i++) {
        const struct st_outcome *oc = &sc->outcomes[i];
        bool all = true;

        for (size_t k = 0; k < oc->nkeys && all; k++) {
            int li = st_label_index(sc, oc->keys[k]);

            if (li < 0) {
                all = false;
                break;
            }
            val_str(&row->vals[li], got, sizeof(got));
            all = value_matches(oc->values[k], got);
        }
        if (all) {
            row->cls = oc->cls;
            row->desc = oc->desc;
            return;
        }
    }
    row->cls = ST_FORBIDDEN;
}

const struct st_hist_row *st_hist_count(struct st_hist *h,
                                        const struct st_val *obs)
{
    size_t nl = h->sc->nlabels;
    struct st_hist_row *row;

    for (size_t i = 0; i < h->nrows; i++) {
        size_t k;

        for (k = 0; k < nl; k++)
            if (!val_eq(&h->rows[i].vals[k], &obs[k]))
                break;
        if (k == nl) {
            h->rows[i].count++;
            return &h->rows[i];
        }
    }
    if (h->nrows == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;
        struct st_hist_row *nr = realloc(h->rows, cap * sizeof(*nr));

        if (nr == NULL)
            return NULL;
        h->rows = nr;
        h->cap = cap;
    }
    row = &h->rows[h->nrows];
    if ((row->vals = malloc(nl * sizeof(struct st_val) + 1)) == NULL)
        return NULL;
    memcpy(row->vals, obs, nl * sizeof(struct st_val));
    row->count = 1;
    classify(h->sc, row);
    h->nrows++;
    return row;
}

void st_hist_text(const struct st_hist *h, const struct st_hist_row *row,
                  char *buf, size_t len)
{
    size_t used = 0;
    char v[160];

    buf[0] = '\0';
    for (size_t i = 0; i < h->sc->nlabels && used < len; i++) {
        val_str(&row->vals[i], v, sizeof(v));
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
                                 i ? " " : "", h->sc->observe_labels[i], v);
    }
}

void st_hist_truncate(struct st_hist *h, size_t n)
{
    for (size_t i = n; i < h->nrows; i++)
        free(h->rows[i].vals);
    if (n < h->nrows)
        h->nrows = n;
}

int st_hist_fill(const struct st_hist *h, struct st_result *res)
{
    const struct st_scenario *sc = h->sc;
    char v[160];

    res->nlabels = sc->nlabels;
    if (sc->nlabels > 0 &&
        (res->labels = calloc(sc->nlabels, sizeof(char *))) == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < sc->nlabels; i++)
        if ((res->labels[i] = strdup(sc->observe_labels[i])) == NULL)
            return -ENOMEM;
    if (h->nrows == 0)
        return 0;
    if ((res->rows = calloc(h->nrows, sizeof(*res->rows))) == NULL)
        return -ENOMEM;
    res->nrows = h->nrows;
    for (size_t i = 0; i < h->nrows; i++) {
        struct st_outcome_row *row = &res->rows[i];

        row->count = h->rows[i].count;
        row->cls = h->rows[i].cls;
        if (h->rows[i].desc != NULL &&
            (row->desc = strdup(h->rows[i].desc)) == NULL)
            return -ENOMEM;
        if ((row->values = calloc(sc->nlabels, sizeof(char *))) == NULL)
            return -ENOMEM;
        for (size_t k = 0; k < sc->nlabels; k++) {
            val_str(&h->rows[i].vals[k], v, sizeof(v));
            if ((row->values[k] = strdup(v)) == NULL)
                return -ENOMEM;
        }
    }
    return 0;
}

void st_hist_free(struct st_hist *h)
{
    st_hist_truncate(h, 0);
    free(h->rows);
    h->rows = NULL;
    h->cap = 0;
}
