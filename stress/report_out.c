/* Report files appear whole or not at all: a writer writes PATH.tmp.PID and
 * renames it over PATH only when every write succeeded, so a CI job that
 * reads the report after a killed run never parses half a file.  And the
 * escaping every writer shares: any C string (a scenario name, a crash's
 * trace, a path in some other encoding) becomes well-formed XML/HTML or
 * harmless terminal text, and a JSON string (jansson refuses invalid
 * UTF-8).  Last, the one-line failure of the readers of report files
 * (merge.c, timeline.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "utf8.h"

int st_out_open(struct st_out *o, const char *path)
{
    size_t n;

    memset(o, 0, sizeof(*o));
    if (path == NULL || *path == '\0')
        return -EINVAL;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    n = strlen(path) + 32;
    if ((o->path = strdup(path)) == NULL || (o->tmp = malloc(n)) == NULL)
        goto err_nomem;
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    if ((o->f = fopen(o->tmp, "w")) == NULL) {
        int e = errno;

        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof(*o));
        return -e;
    }
    return 0;
 err_nomem:
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof(*o));
    return -ENOMEM;
}

int st_out_close(struct st_out *o, int ok)
{
    int ret = ok;

    if (o->f == NULL)
        return ok != 0 ? ok : -EINVAL;
    if (ferror(o->f) && ret == 0)
        ret = -EIO;
    if (o->path == NULL) {              /* stdout: flush, keep it open */
        if (fflush(o->f) != 0 && ret == 0)
            ret = -errno;
    } else {
        if (fclose(o->f) != 0 && ret == 0)
            ret = -errno;
        if (ret == 0 && rename(o->tmp, o->path) != 0)
            ret = -errno;
        if (ret != 0)
            unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof(*o));
    return ret;
}

void st_put_xml(FILE *f, const char *s, int attr)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, i, k;

    if (s == NULL)
        return;
    n = strlen(s);
    for (i = 0; i < n; i += k) {
        unsigned char c = p[i];

        k = st_utf8_len(p + i, n - i);
        if (k == 0) {
            k = 1;
            fputs("\xEF\xBF\xBD", f);
        } else if (k == 3 && c == 0xEF && p[i + 1] == 0xBF
                   && (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            fputs("\xEF\xBF\xBD", f);         /* U+FFFE, U+FFFF */
        } else if (c == '&') {
            fputs("&amp;", f);
        } else if (c == '<') {
            fputs("&lt;", f);
        } else if (c == '>') {
            fputs("&gt;", f);
        } else if (c == '"') {
            fputs(attr ? "&quot;" : "\"", f);
        } else if (c == '\'') {
            fputs(attr ? "&#39;" : "'", f);
        } else if (c == '\t' || c == '\n' || c == '\r') {
            if (attr)
                fprintf(f, "&#%d;", c);
            else if (c == '\r')
                fputs("&#13;", f);          /* else parsers turn it into \n */
            else
                fputc(c, f);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\x%02x", c);
        } else {
            fwrite(p + i, 1, k, f);
        }
    }
}

void st_put_text(FILE *f, const char *s, int nl)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL)
        return;
    for (; *p != '\0'; p++) {
        if (*p == '\n' && nl)
            fputc('\n', f);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputc('\t', f);
        else if (*p < 0x20 || *p == 0x7F)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

json_t *st_json_text(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i, k, bad = 0;
    char *fixed, *q;
    json_t *j;

    for (i = 0; i < n; i += k)
        if ((k = st_utf8_len(p + i, n - i)) == 0)
            k = 1, bad++;
    if (bad == 0)
        return json_stringn(s, n);
    if ((fixed = malloc(n + 2 * bad + 1)) == NULL)
        return NULL;
    for (i = 0, q = fixed; i < n; i += k) {
        if ((k = st_utf8_len(p + i, n - i)) == 0) {
            k = 1;
            memcpy(q, "\xEF\xBF\xBD", 3);
            q += 3;
        } else {
            memcpy(q, s + i, k);
            q += k;
        }
    }
    j = json_stringn(fixed, (size_t)(q - fixed));
    free(fixed);
    return j;
}

int st_read_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}
