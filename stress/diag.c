/* Diagnostics of the scenario language: one error, printed as
 *
 *   file:line:col: error: message
 *   <the offending line>
 *   <spaces and tabs>^
 *
 * The caret line copies the tabs of the source line so that the caret sits
 * under the column in any tab width, and counts a UTF-8 sequence as one
 * place.  Bytes that would disturb a terminal (controls, NUL) are shown as
 * '?' in the copied line, and so are bytes that are not UTF-8.  A line longer than st_diag.text is cut; the
 * caret then points at the end of what is shown.  A diagnostic about the
 * whole file (cannot open it) has line 0 and prints "file: error: msg".
 *
 * The source line of a location (st_diag_src) is found here too, so that
 * the lexer, the parser and the validator all call down into this file. */
#include <stdio.h>
#include <string.h>

#include "parse_local.h"

void *st_diag_vset(struct st_diag *d, const char *path, const char *line,
                   size_t len, struct st_loc loc, const char *fmt, va_list ap)
{
    size_t i, n;

    if (d == NULL)
        return NULL;
    memset(d, 0, sizeof(*d));
    snprintf(d->file, sizeof(d->file), "%s", path != NULL ? path : "<input>");
    d->loc = loc;
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    n = len < sizeof(d->text) - 1 ? len : sizeof(d->text) - 1;
    /* Do not cut a UTF-8 sequence in the middle. */
    while (n > 0 && n < len && ((unsigned char)line[n] & 0xC0) == 0x80)
        n--;
    for (i = 0; i < n;) {
        unsigned char c = (unsigned char)line[i];
        size_t k = st_utf8_len((const unsigned char *)line + i, n - i);

        if (k > 1) {                    /* a whole UTF-8 character */
            memcpy(d->text + i, line + i, k);
            i += k;
            continue;
        }
        d->text[i++] = k == 0 || (c < 0x20 && c != '\t') || c == 0x7F
                       ? '?' : (char)c;
    }
    d->text[n] = '\0';
    return NULL;
}

void *st_diag_set(struct st_diag *d, const char *path, const char *line,
                  size_t len, struct st_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_diag_vset(d, path, line, len, loc, fmt, ap);
    va_end(ap);
    return NULL;
}

/* The line of src numbered |line| (1-based), without its newline or CR. */
static void src_line(const struct st_src *src, int line, const char **start,
                     size_t *len)
{
    const char *s = src->buf, *end = src->buf + src->len, *nl;
    int l = 1;

    while (l < line && s < end) {
        nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == NULL) {
            s = end;
            break;
        }
        s = nl + 1;
        l++;
    }
    nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
    *start = s;
    *len = (size_t)((nl != NULL ? nl : end) - s);
    if (*len > 0 && s[*len - 1] == '\r')
        (*len)--;
}

void *st_diag_vsrc(struct st_diag *d, const struct st_src *src,
                   struct st_loc loc, const char *fmt, va_list ap)
{
    const char *line;
    size_t len;

    src_line(src, loc.line, &line, &len);
    return st_diag_vset(d, src->path, line, len, loc, fmt, ap);
}

void *st_diag_src(struct st_diag *d, const struct st_src *src,
                  struct st_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    st_diag_vsrc(d, src, loc, fmt, ap);
    va_end(ap);
    return NULL;
}

void st_diag_print(FILE *out, const struct st_diag *d)
{
    size_t i, tlen = strlen(d->text);
    size_t upto = d->loc.col > 0 ? (size_t)d->loc.col - 1 : 0;

    if (d->loc.line <= 0) {             /* about the file, not a line */
        fprintf(out, "%s: error: %s\n", d->file, d->msg);
        return;
    }
    fprintf(out, "%s:%d:%d: error: %s\n", d->file, d->loc.line, d->loc.col,
            d->msg);
    fprintf(out, "%s\n", d->text);
    if (upto > tlen)
        upto = tlen;
    for (i = 0; i < upto; i++) {
        unsigned char c = (unsigned char)d->text[i];

        if (c == '\t')
            fputc('\t', out);
        else if ((c & 0xC0) != 0x80)   /* one place per character */
            fputc(' ', out);
    }
    fputs("^\n", out);
}
