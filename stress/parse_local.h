/* Internal interface of the scenario language: lexer.c -> parser.c ->
 * validate.c, with diag.c filling struct st_diag.  Nothing outside these
 * four files includes this header; the runner sees only scenario.h and
 * names.h.
 *
 * Phases: the lexer turns one physical line into tokens (or a diagnostic);
 * the parser builds the model of scenario.h in file order, keeping every
 * object name it meets in a reference table (struct st_pref) and storing
 * the table index where the model wants a slot; the validator then resolves
 * those indexes to slots in execution order (global, setup, threads, check)
 * and checks types and reference balance.  The first problem stops all. */
#ifndef ST_PARSE_LOCAL_H
#define ST_PARSE_LOCAL_H

#include <stdarg.h>
#include <stddef.h>

#include "scenario.h"
#include "utf8.h"

#define ST_MAX_REPEAT_DEPTH 8           /* nested repeat ... end */
#define ST_MAX_NAMES 1024               /* distinct object names per file */
#define ST_MAX_FILE_BYTES (16u << 20)   /* larger files are refused */

/* ---- diagnostics (diag.c) ---- */

/* Fill *d: path, location, the source line (line/len, not NUL-terminated,
 * may contain any byte) and a printf-style message.  d may be NULL.
 * Always returns NULL so that callers can `return st_diag_set(...)`. */
void *st_diag_set(struct st_diag *d, const char *path, const char *line,
                  size_t len, struct st_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void *st_diag_vset(struct st_diag *d, const char *path, const char *line,
                   size_t len, struct st_loc loc, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/* A whole scenario file, kept so that a later phase can quote the line of
 * a location.  Borrowed: buf stays the caller's and must outlive it. */
struct st_src {
    const char *path;
    const char *buf;
    size_t len;
};

/* st_diag_set about line loc.line of src (a line past the end quotes an
 * empty line).  Always returns NULL, as st_diag_set does. */
void *st_diag_src(struct st_diag *d, const struct st_src *src,
                  struct st_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void *st_diag_vsrc(struct st_diag *d, const struct st_src *src,
                   struct st_loc loc, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* ---- tokens (lexer.c) ---- */

enum st_tok_kind {
    ST_T_NAME,      /* [A-Za-z_][A-Za-z0-9_-]*: '-' only for the scenario name */
    ST_T_QNAME,     /* NAME.NAME, no space around the dot: a thread's name
                       (`A.d`); the dot is at start[dot] */
    ST_T_NUM,       /* decimal or 0x hex, value in num; letters that follow
                       directly (2s, 500ms) are in suffix/suffix_len */
    ST_T_STR,       /* "...": unescaped in str */
    ST_T_EQ,        /* = */
    ST_T_EQEQ,      /* == */
    ST_T_NE,        /* != */
    ST_T_BAR,       /* | */
    ST_T_LPAREN,    /* ( */
    ST_T_RPAREN,    /* ) */
    ST_T_COMMA,     /* , */
};

struct st_tok {
    enum st_tok_kind kind;
    struct st_loc loc;
    const char *start;          /* in the source buffer */
    size_t len;                 /* bytes of the token as written */
    size_t dot;                 /* ST_T_QNAME: offset of the '.' in it */
    long long num;              /* ST_T_NUM */
    const char *suffix;         /* ST_T_NUM: letters right after the digits */
    size_t suffix_len;
    char *str;                  /* ST_T_STR, heap, owned by the lexer */
};

struct st_lexer {
    const char *path;
    const char *buf;
    size_t len;
    size_t pos;                 /* start of the next line */
    int line;                   /* number of the current line */
    const char *lstart;         /* the current line, without its newline */
    size_t llen;
    struct st_tok *toks;        /* tokens of the current line */
    size_t ntoks, cap;
};

void st_lex_init(struct st_lexer *lx, const char *path, const char *buf,
                 size_t len);
/* Tokenize the next line holding at least one token.  Returns 1 with
 * lx->toks/ntoks set, 0 at the end of the input, -1 with *d filled. */
int st_lex_next(struct st_lexer *lx, struct st_diag *d);
void st_lex_free(struct st_lexer *lx);
/* "'tok'" as written, or "end of line" when i == ntoks; in buf. */
const char *st_tok_desc(const struct st_lexer *lx, size_t i, char *buf,
                        size_t n);

/* ---- parser -> validator ---- */

/* One mention of an object name.  While parsing, st_stmt.dst/.a,
 * st_expr.a/.b and st_value.slot (kind ST_V_NAME) hold an index into this
 * table; the validator replaces each with the slot of sc->names.  A name
 * written THREAD.NAME (`A.d`) keeps the thread in thread; a creation never
 * has one (the parser refuses `A.d = ...`). */
struct st_pref {
    char name[ST_NAME_MAX + 1];
    char thread[ST_NAME_MAX + 1];       /* "" when written without one */
    struct st_loc loc;
};

struct st_prefs {
    struct st_pref *v;
    size_t n, cap;
};

/* Resolve names, check types and reference balance, fill sc->names and
 * the implied sc->requires bits.  Returns 0, or -1 with *d filled. */
int st_validate(struct st_scenario *sc, const struct st_prefs *refs,
                const struct st_src *src, struct st_diag *d);

#endif
