/* The options of a run.  See opts.h. */
#include "opts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void st_opts_default(struct st_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_failures = 1;
    o->shard_count = 1;
    o->argv0 = "sslstress";
}

const char *st_jitter_name(enum st_jitter j)
{
    return j == ST_JITTER_LOW ? "low" : j == ST_JITTER_HIGH ? "high" : "none";
}

const char *st_affinity_name(enum st_affinity a)
{
    return a == ST_AFFINITY_PIN ? "pin"
         : a == ST_AFFINITY_SPREAD ? "spread" : "none";
}

uint64_t st_planned_iterations(const struct st_scenario *sc,
                               const struct st_opts *o)
{
    if (o->iterations > 0)
        return o->iterations;
    return sc->iterations > 0 ? (uint64_t)sc->iterations : 10000;
}

char *st_ranges_format(const struct st_range *rg, size_t nrg)
{
    size_t len = 0, cap = 1 + nrg * 42;     /* two 20-digit numbers, '-', ',' */
    char *buf = malloc(cap);

    if (buf == NULL)
        return NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < nrg; i++) {
        if (rg[i].end <= rg[i].begin)
            continue;
        len += (size_t)snprintf(buf + len, cap - len, "%s%" PRIu64,
                                len ? "," : "", rg[i].begin);
        if (rg[i].end - 1 > rg[i].begin)
            len += (size_t)snprintf(buf + len, cap - len, "-%" PRIu64,
                                    rg[i].end - 1);
    }
    return buf;
}

/* One decimal number at *p, advancing it; false when there is none or it
 * overflows. */
static bool number(const char **p, uint64_t *v)
{
    char *end;

    if (**p < '0' || **p > '9')
        return false;
    errno = 0;
    *v = strtoull(*p, &end, 10);
    if (errno != 0)
        return false;
    *p = end;
    return true;
}

int st_ranges_parse(const char *s, struct st_range **rg, size_t *nrg)
{
    size_t n = 1, k = 0;
    struct st_range *out;
    const char *p = s;

    for (const char *q = s; *q != '\0'; q++)
        n += *q == ',';
    if ((out = calloc(n, sizeof(*out))) == NULL)
        return -ENOMEM;
    while (*p != '\0') {
        uint64_t a, b;

        if (!number(&p, &a))
            goto bad;
        b = a;
        if (*p == '-') {
            p++;
            if (!number(&p, &b) || b < a)
                goto bad;
        }
        if (b == UINT64_MAX || (k > 0 && a < out[k - 1].end))
            goto bad;
        out[k].begin = a;
        out[k++].end = b + 1;
        if (*p == ',' && p[1] != '\0')
            p++;
        else if (*p != '\0')
            goto bad;
    }
    if (k == 0)
        goto bad;
    *rg = out;
    *nrg = k;
    return 0;
 bad:
    free(out);
    return -EINVAL;
}
