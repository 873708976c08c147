/* The lexer of scenario files: one physical line at a time into tokens.
 *
 * Rules (doc/scenario-format.md, "Lexical rules"): UTF-8 text (a leading
 * byte-order mark is skipped; an invalid sequence anywhere, comments
 * included, is an error); lines end at LF, a CR before the LF is dropped;
 * `#` outside a string starts a comment; names are [A-Za-z_][A-Za-z0-9_]*
 * of at most 63 bytes (the lexer also takes '-' inside a word so that the
 * parser can accept `scenario dup-free` and refuse the dash elsewhere with
 * a clear message); two names joined by one '.' without spaces (`A.d`) are
 * one token, a thread's name, and any other use of '.' after a name
 * (`A.`, `A.B.c`, `A.1`) is a malformed name; numbers are decimal or 0x hex, and letters glued to a
 * number (2s, 500ms) are kept as its suffix for the parser to judge;
 * strings are double-quoted on one line with \" and \\ as the only
 * escapes.  Every error carries the line and the byte column of the
 * offending character. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_local.h"

void st_lex_init(struct st_lexer *lx, const char *path, const char *buf,
                 size_t len)
{
    memset(lx, 0, sizeof(*lx));
    lx->path = path;
    lx->buf = buf;
    lx->len = len;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        lx->pos = 3;
}

static void clear_toks(struct st_lexer *lx)
{
    size_t i;

    for (i = 0; i < lx->ntoks; i++)
        free(lx->toks[i].str);
    lx->ntoks = 0;
}

void st_lex_free(struct st_lexer *lx)
{
    clear_toks(lx);
    free(lx->toks);
    lx->toks = NULL;
    lx->cap = 0;
}

static int is_name_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(int c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The message for an unexpected byte sequence at p (valid UTF-8). */
static int bad_char(struct st_lexer *lx, struct st_diag *d, size_t at)
{
    const unsigned char *p = (const unsigned char *)lx->lstart + at;
    struct st_loc loc = { lx->line, (int)at + 1 };

    if (*p >= 0x20 && *p < 0x7F)
        st_diag_set(d, lx->path, lx->lstart, lx->llen, loc,
                    "unexpected character '%c'", *p);
    else if (*p < 0x80)
        st_diag_set(d, lx->path, lx->lstart, lx->llen, loc,
                    "unexpected character '\\x%02x'", *p);
    else
        st_diag_set(d, lx->path, lx->lstart, lx->llen, loc,
                    "unexpected character '%.*s'",
                    (int)st_utf8_len(p, lx->llen - at), (const char *)p);
    return -1;
}

static int lfail(struct st_lexer *lx, struct st_diag *d, size_t at,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int lfail(struct st_lexer *lx, struct st_diag *d, size_t at,
                 const char *fmt, ...)
{
    struct st_loc loc = { lx->line, (int)at + 1 };
    va_list ap;

    va_start(ap, fmt);
    st_diag_vset(d, lx->path, lx->lstart, lx->llen, loc, fmt, ap);
    va_end(ap);
    return -1;
}

/* The end of the word that starts at `at` (a name start): name characters
 * and a '-' between two of them. */
static size_t name_end(const struct st_lexer *lx, size_t at)
{
    const char *s = lx->lstart;
    size_t j = at + 1;

    while (j < lx->llen && (is_name_char((unsigned char)s[j])
                            || (s[j] == '-' && j + 1 < lx->llen
                                && is_name_char((unsigned char)s[j + 1]))))
        j++;
    return j;
}

/* A name at `at` followed by a '.' that does not make THREAD.NAME: the
 * message quotes the whole run of name characters, '-' and '.'. */
static int malformed_name(struct st_lexer *lx, struct st_diag *d, size_t at)
{
    const char *s = lx->lstart;
    size_t j = at;

    while (j < lx->llen && (is_name_char((unsigned char)s[j]) || s[j] == '.'
                            || s[j] == '-'))
        j++;
    if (j - at > 40)
        return lfail(lx, d, at, "malformed name '%.37s...' (a thread's name "
                     "is written THREAD.NAME)", s + at);
    return lfail(lx, d, at, "malformed name '%.*s' (a thread's name is "
                 "written THREAD.NAME)", (int)(j - at), s + at);
}

static struct st_tok *push(struct st_lexer *lx, struct st_diag *d,
                           enum st_tok_kind k, size_t at, size_t len)
{
    struct st_tok *t;

    if (lx->ntoks == lx->cap) {
        size_t ncap = lx->cap ? lx->cap * 2 : 16;
        struct st_tok *nt = realloc(lx->toks, ncap * sizeof(*nt));

        if (nt == NULL) {
            lfail(lx, d, at, "out of memory");
            return NULL;
        }
        lx->toks = nt;
        lx->cap = ncap;
    }
    t = &lx->toks[lx->ntoks++];
    memset(t, 0, sizeof(*t));
    t->kind = k;
    t->loc.line = lx->line;
    t->loc.col = (int)at + 1;
    t->start = lx->lstart + at;
    t->len = len;
    return t;
}

/* A string starting at the quote at `at`; sets *end past the closing quote. */
static int lex_string(struct st_lexer *lx, struct st_diag *d, size_t at,
                      size_t *end)
{
    const char *s = lx->lstart;
    size_t i = at + 1, n = 0;
    char *out;
    struct st_tok *t;

    out = malloc(lx->llen - at);    /* the unescaped text is shorter */
    if (out == NULL)
        return lfail(lx, d, at, "out of memory");
    for (;;) {
        unsigned char c;
        size_t k;

        if (i >= lx->llen) {
            free(out);
            return lfail(lx, d, at, "unterminated string");
        }
        c = (unsigned char)s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            if (i + 1 < lx->llen && (s[i + 1] == '"' || s[i + 1] == '\\')) {
                out[n++] = s[i + 1];
                i += 2;
                continue;
            }
            free(out);
            if (i + 1 >= lx->llen)
                return lfail(lx, d, at, "unterminated string");
            if ((unsigned char)s[i + 1] >= 0x20 && (unsigned char)s[i + 1] < 0x7F)
                return lfail(lx, d, i, "unknown escape '\\%c' in string",
                             s[i + 1]);
            return lfail(lx, d, i, "unknown escape in string");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            free(out);
            return bad_char(lx, d, i);
        }
        k = c < 0x80 ? 1 : st_utf8_len((const unsigned char *)s + i, lx->llen - i);
        memcpy(out + n, s + i, k);     /* validated before lexing */
        n += k;
        i += k;
    }
    out[n] = '\0';
    t = push(lx, d, ST_T_STR, at, i + 1 - at);
    if (t == NULL) {
        free(out);
        return -1;
    }
    t->str = out;
    *end = i + 1;
    return 0;
}

static int lex_number(struct st_lexer *lx, struct st_diag *d, size_t at,
                      size_t *end)
{
    const char *s = lx->lstart;
    size_t i = at, ds;
    unsigned long long v = 0;
    int base = 10, overflow = 0;
    struct st_tok *t;

    if (s[i] == '0' && i + 1 < lx->llen && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    }
    ds = i;
    while (i < lx->llen) {
        int dv = base == 16 ? hexval((unsigned char)s[i])
                            : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

        if (dv < 0)
            break;
        if (v > (unsigned long long)(9223372036854775807LL - dv) / (unsigned)base)
            overflow = 1;
        else
            v = v * (unsigned)base + (unsigned)dv;
        i++;
    }
    if (i == ds) {              /* "0x" and nothing */
        while (i < lx->llen && is_name_char((unsigned char)s[i]))
            i++;
        return lfail(lx, d, at, "malformed number '%.*s'", (int)(i - at),
                     s + at);
    }
    t = push(lx, d, ST_T_NUM, at, 0);
    if (t == NULL)
        return -1;
    t->num = (long long)v;
    t->suffix = s + i;
    while (i < lx->llen && is_name_char((unsigned char)s[i]))
        i++;
    t->suffix_len = (size_t)(s + i - t->suffix);
    t->len = i - at;
    if (overflow)
        return lfail(lx, d, at, "number out of range");
    *end = i;
    return 0;
}

static int tokenize(struct st_lexer *lx, struct st_diag *d)
{
    const char *s = lx->lstart;
    size_t i = 0;

    /* The whole line must be UTF-8, comments included. */
    while (i < lx->llen) {
        size_t k = st_utf8_len((const unsigned char *)s + i, lx->llen - i);

        if (k == 0)
            return lfail(lx, d, i, "invalid UTF-8");
        i += k;
    }
    i = 0;
    while (i < lx->llen) {
        unsigned char c = (unsigned char)s[i];
        size_t j;
        struct st_tok *t;

        if (c == ' ' || c == '\t') {
            i++;
            continue;
        }
        if (c == '#')
            break;
        if (is_name_start(c)) {
            size_t dot = 0;

            j = name_end(lx, i);
            if (j - i > ST_NAME_MAX)
                return lfail(lx, d, i, "name longer than %d bytes",
                             ST_NAME_MAX);
            if (j < lx->llen && s[j] == '.') {
                dot = j - i;
                if (j + 1 >= lx->llen || !is_name_start((unsigned char)s[j + 1]))
                    return malformed_name(lx, d, i);
                j = name_end(lx, j + 1);
                if (j - (i + dot + 1) > ST_NAME_MAX)
                    return lfail(lx, d, i + dot + 1,
                                 "name longer than %d bytes", ST_NAME_MAX);
                if (j < lx->llen && s[j] == '.')
                    return malformed_name(lx, d, i);
            }
            t = push(lx, d, dot > 0 ? ST_T_QNAME : ST_T_NAME, i, j - i);
            if (t == NULL)
                return -1;
            t->dot = dot;
            i = j;
            continue;
        }
        if (c >= '0' && c <= '9') {
            if (lex_number(lx, d, i, &i) < 0)
                return -1;
            continue;
        }
        if (c == '"') {
            if (lex_string(lx, d, i, &i) < 0)
                return -1;
            continue;
        }
        if (c == '=' || c == '!') {
            int two = i + 1 < lx->llen && s[i + 1] == '=';

            if (c == '!' && !two)
                return bad_char(lx, d, i);
            t = push(lx, d, c == '!' ? ST_T_NE : two ? ST_T_EQEQ : ST_T_EQ, i,
                     two ? 2 : 1);
            if (t == NULL)
                return -1;
            i += two ? 2 : 1;
            continue;
        }
        if (c == '|' || c == '(' || c == ')' || c == ',') {
            if (push(lx, d, c == '|' ? ST_T_BAR : c == '(' ? ST_T_LPAREN
                            : c == ')' ? ST_T_RPAREN : ST_T_COMMA, i, 1) == NULL)
                return -1;
            i++;
            continue;
        }
        return bad_char(lx, d, i);
    }
    return 0;
}

int st_lex_next(struct st_lexer *lx, struct st_diag *d)
{
    clear_toks(lx);
    while (lx->pos < lx->len) {
        const char *nl = memchr(lx->buf + lx->pos, '\n', lx->len - lx->pos);
        size_t end = nl != NULL ? (size_t)(nl - lx->buf) : lx->len;

        lx->line++;
        lx->lstart = lx->buf + lx->pos;
        lx->llen = end - lx->pos;
        if (lx->llen > 0 && lx->lstart[lx->llen - 1] == '\r')
            lx->llen--;
        lx->pos = nl != NULL ? end + 1 : end;
        if (tokenize(lx, d) < 0) {
            clear_toks(lx);
            return -1;
        }
        if (lx->ntoks > 0)
            return 1;
    }
    return 0;
}

const char *st_tok_desc(const struct st_lexer *lx, size_t i, char *buf,
                        size_t n)
{
    const struct st_tok *t;

    if (i >= lx->ntoks) {
        snprintf(buf, n, "end of line");
        return buf;
    }
    t = &lx->toks[i];
    if (t->len > 40)
        snprintf(buf, n, "'%.37s...'", t->start);
    else
        snprintf(buf, n, "'%.*s'", (int)t->len, t->start);
    return buf;
}
