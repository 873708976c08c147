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
 * without its body); the text parses back in st's block: a thread's name
 * is plain in its own thread and written as sc->names[].shown elsewhere
 * ("copied A.d s" in check where several threads make a `d`).  st must be
 * a statement of sc (it is looked up among sc's blocks).  Returns what
 * snprintf returns. */
int st_stmt_format(const struct st_scenario *sc, const struct st_stmt *st,
                   char *buf, size_t n);
/* The same for an expression: "refs s == 2", "same(d, s)".  Its block
 * is not known, so every thread's name is written as its shown form, which
 * parses in check and in the thread itself. */
int st_expr_format(const struct st_scenario *sc, const struct st_expr *e,
                   char *buf, size_t n);

#endif
