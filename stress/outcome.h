/* Judging an iteration: the detect stage's part that runs inside the
 * iteration loop, beside detector.h (what a sanitizer or Valgrind said).
 *
 *   Values and expectations.  st_eval() is the value of an expression over
 *   the run's objects (`observe`); st_eval_expect() the truth of an
 *   `expect`, and on false what was seen ("s is still live").  Both call
 *   the backend (introspection, the error stack) on the calling thread,
 *   which in controlled mode makes them part of the statement's step
 *   (controlled.h).
 *
 *   The outcome histogram (jcstress style).  Each iteration's observed
 *   values form a tuple; each distinct tuple is one row, counted, and
 *   classified when first seen by the scenario's `outcome` lines: the first
 *   line whose every value matches ("*" matches all, "a|b" either) gives
 *   the class and description; no line matches: forbidden; a scenario
 *   without outcome lines: every tuple is acceptable.
 *
 * Threads: an expression is evaluated by the thread that runs its
 * statement, on the objects that thread may read (run.c says which); the
 * histogram belongs to the thread that runs `check` (between iterations).
 * Errors: the histogram's functions return NULL or -ENOMEM. */
#ifndef ST_OUTCOME_H
#define ST_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"
#include "scenario.h"

/* An observed value: a number (refs, leaks), a word (ST_W_*), or an error
 * code of the backend's error stack (0: none). */
enum { ST_OBS_NUM, ST_OBS_WORD, ST_OBS_ERR };
/* Words, in this order: ST_W_BEFORE + enum st_hs_state is a state. */
enum { ST_W_UNSET, ST_W_FALSE, ST_W_TRUE, ST_W_SAME, ST_W_COPY, ST_W_BEFORE,
       ST_W_MID, ST_W_DONE, ST_W_SHUTDOWN, ST_W_NONE };

struct st_val {
    int64_t v;
    int tag;                    /* ST_OBS_* */
};

static inline struct st_val st_val_word(int w)
{
    return (struct st_val){ .v = w, .tag = ST_OBS_WORD };
}

/* What an expression reads: the object each scenario name holds (its
 * slot), the object ids taken when they were made (for `freed`), and the
 * backend's live-object count when the iteration began (for `leaks`). */
struct st_objects {
    const struct st_scenario *sc;
    void *const *slot;
    const uint64_t *ids;
    long long live_base;
    void *peer;             /* `negotiated S`: S's harness peer, or NULL */
};

/* The value of |e|; *why (wl bytes) says more where the backend does
 * (`copied`), else "". */
struct st_val st_eval(const struct st_objects *ob, const struct st_expr *e,
                      char *why, size_t wl);
/* The truth of `expect |e|`; on false *why says what was seen. */
bool st_eval_expect(const struct st_objects *ob, const struct st_expr *e,
                    char *why, size_t wl);
/* What `observe LABEL |e|` records: the value, or for a comparison or a
 * predicate (ident, freed, copied) its truth. */
struct st_val st_eval_observe(const struct st_objects *ob,
                              const struct st_expr *e, char *why, size_t wl);
/* The index of observe label |label| in sc->observe_labels, or -1. */
int st_label_index(const struct st_scenario *sc, const char *label);

/* ---- the outcome histogram ---------------------------------------------- */

struct st_hist_row {
    struct st_val *vals;        /* one per label */
    uint64_t count;
    enum st_class cls;
    const char *desc;           /* the matching outcome line's, borrowed */
};

struct st_hist {
    const struct st_scenario *sc;
    struct st_hist_row *rows;
    size_t nrows, cap;
};

/* Count the tuple |obs| (sc->nlabels values): its row, new or not (NULL:
 * no memory, nothing counted). */
const struct st_hist_row *st_hist_count(struct st_hist *h,
                                        const struct st_val *obs);
/* "LABEL=VALUE LABEL=VALUE" of |row|, cut to |len|. */
void st_hist_text(const struct st_hist *h, const struct st_hist_row *row,
                  char *buf, size_t len);
/* Forget the rows from |n| on (shrink runs put the counts back). */
void st_hist_truncate(struct st_hist *h, size_t n);
/* The labels and rows as strings, into |res| (its labels and rows must be
 * empty). */
int st_hist_fill(const struct st_hist *h, struct st_result *res);
void st_hist_free(struct st_hist *h);

#endif
