/* The scenario model printed in the format's syntax: a statement or an
 * expression as it would be written in a scenario file (the parser's
 * tests hold the model against its source this way).
 *
 * Pure functions of their arguments: safe from any thread at any time.
 * They write as snprintf does (|buf| of |n| bytes, always NUL-terminated
 * when n > 0, cut when too small) and return the length the whole text
 * would have. */
#ifndef ST_FORMAT_H
#define ST_FORMAT_H

#include <stddef.h>

#include "scenario.h"

/* Print statement st of sc in the format's syntax (names resolved from
 * sc->names, values as written), e.g. "d = dup s" or "repeat 3" (a repeat
 * without its body).  Returns what snprintf returns. */
int st_stmt_format(const struct st_scenario *sc, const struct st_stmt *st,
                   char *buf, size_t n);
/* The same for an expression: "refs s == 2", "same(d, s)". */
int st_expr_format(const struct st_scenario *sc, const struct st_expr *e,
                   char *buf, size_t n);

#endif
