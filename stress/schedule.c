/* Schedule strings.  See schedule.h. */
#include "schedule.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t fnv_stmts(uint32_t h, const struct st_stmt *st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *t = st[i].text != NULL ? st[i].text : "";

        h = fnv(h, t, strlen(t) + 1);
        if (st[i].op == ST_OP_REPEAT) {
            h = fnv(h, "{", 1);
            h = fnv_stmts(h, st[i].body, st[i].nbody);
            h = fnv(h, "}", 1);
        }
    }
    return h;
}

uint32_t st_schedule_fingerprint(const struct st_scenario *sc)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < sc->nthreads; i++) {
        h = fnv(h, sc->threads[i].name, strlen(sc->threads[i].name) + 1);
        h = fnv_stmts(h, sc->threads[i].stmts, sc->threads[i].nstmts);
        h = fnv(h, "\n", 1);
    }
    return h;
}

size_t st_schedule_segments(const unsigned char *choice, size_t n)
{
    size_t seg = 0;

    for (size_t i = 0; i < n; i++)
        if (i == 0 || choice[i] != choice[i - 1])
            seg++;
    return seg;
}

char *st_schedule_format(const struct st_scenario *sc,
                         const unsigned char *choice, size_t n)
{
    size_t cap = 16, len;
    char *s;

    for (size_t i = 0; i < n; i++)
        if (i == 0 || choice[i] != choice[i - 1])
            cap += strlen(sc->threads[choice[i]].name) + 24;
    if ((s = malloc(cap)) == NULL)
        return NULL;
    len = (size_t)snprintf(s, cap, "%08" PRIx32 "/",
                           st_schedule_fingerprint(sc));
    for (size_t i = 0; i < n;) {
        size_t k = i;

        while (k < n && choice[k] == choice[i])
            k++;
        len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? "," : "",
                                sc->threads[choice[i]].name);
        if (k - i > 1)
            len += (size_t)snprintf(s + len, cap - len, ":%zu", k - i);
        i = k;
    }
    return s;
}

static int thread_index(const struct st_scenario *sc, const char *name,
                        size_t len)
{
    for (size_t i = 0; i < sc->nthreads; i++)
        if (strlen(sc->threads[i].name) == len &&
            memcmp(sc->threads[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

int st_schedule_parse(const struct st_scenario *sc, const char *s,
                      unsigned char **choice, size_t *n,
                      char *err, size_t errlen)
{
    const char *slash = strchr(s, '/'), *p;
    unsigned char *c = NULL;
    size_t len = 0, cap = 0;
    char fp[16];
    uint32_t want = st_schedule_fingerprint(sc);

    *choice = NULL;
    *n = 0;
    if (slash == NULL || slash - s != 8 ||
        strspn(s, "0123456789abcdef") != 8) {
        snprintf(err, errlen, "malformed schedule: expected 8 hex digits "
                 "and '/' before the steps (e.g. %08" PRIx32 "/A:3,B)",
                 want);
        return -EINVAL;
    }
    snprintf(fp, sizeof(fp), "%08" PRIx32, want);
    if (memcmp(s, fp, 8) != 0) {
        snprintf(err, errlen, "the schedule was made for another version of "
                 "%s (fingerprint %.8s, the file's threads now hash to %s): "
                 "the file was edited since", sc->path ? sc->path : "the "
                 "scenario", s, fp);
        return -ESTALE;
    }
    for (p = slash + 1; *p != '\0';) {
        size_t nl = strcspn(p, ":,");
        unsigned long long count = 1;
        int th = thread_index(sc, p, nl);

        if (nl == 0 || th < 0) {
            char shown[65];
            size_t k;

            /* Printable characters only: the string came from a user. */
            for (k = 0; k < nl && k < sizeof(shown) - 1; k++)
                shown[k] = p[k] >= 0x20 && p[k] < 0x7f ? p[k] : '?';
            shown[k] = '\0';
            snprintf(err, errlen, "schedule step %zu names thread '%s', "
                     "which %s has not", len + 1, shown,
                     sc->path ? sc->path : "the scenario");
            free(c);
            return -EINVAL;
        }
        p += nl;
        if (*p == ':') {
            char *end;

            if (p[1] < '1' || p[1] > '9') {
                snprintf(err, errlen, "malformed schedule: a count after "
                         "':' must be a positive number");
                free(c);
                return -EINVAL;
            }
            count = strtoull(p + 1, &end, 10);
            if (count > 1000000) {
                snprintf(err, errlen, "malformed schedule: count %llu too "
                         "large", count);
                free(c);
                return -EINVAL;
            }
            p = end;
        }
        if (*p == ',') {
            p++;
            if (*p == '\0') {
                snprintf(err, errlen, "malformed schedule: ends with ','");
                free(c);
                return -EINVAL;
            }
        } else if (*p != '\0') {
            if (*p >= 0x20 && *p < 0x7f)
                snprintf(err, errlen, "malformed schedule: unexpected '%c'",
                         *p);
            else
                snprintf(err, errlen, "malformed schedule: unexpected "
                         "byte 0x%02x", (unsigned char)*p);
            free(c);
            return -EINVAL;
        }
        if (len + count > ST_SCHED_MAX_DECISIONS) {
            snprintf(err, errlen, "malformed schedule: more than %u "
                     "decisions (an iteration makes at most that many)",
                     ST_SCHED_MAX_DECISIONS);
            free(c);
            return -EINVAL;
        }
        if (len + count > cap) {
            size_t ncap = (len + count) * 2;
            unsigned char *nc = realloc(c, ncap);

            if (nc == NULL) {
                snprintf(err, errlen, "out of memory");
                free(c);
                return -ENOMEM;
            }
            c = nc;
            cap = ncap;
        }
        memset(c + len, th, count);
        len += count;
    }
    *choice = c;
    *n = len;
    return 0;
}
