/* Sharding of a campaign's iterations.  See shard.h for the work unit. */
#include "shard.h"

#include <errno.h>
#include <stdio.h>

/* A decimal number of at most 7 digits at *s (no sign, no blanks): its
 * value, *s moved past it; -1 when there is none or it is longer. */
static long decimal(const char **s)
{
    long v = 0;
    int n = 0;

    for (; **s >= '0' && **s <= '9'; (*s)++) {
        if (++n > 7)
            return -1;
        v = v * 10 + (**s - '0');
    }
    return n > 0 ? v : -1;
}

int st_shard_parse(const char *s, int *index, int *count, char *err,
                   size_t errlen)
{
    const char *p = s;
    long i, n = -1;

    if (err == NULL)
        errlen = 0;
    if ((i = decimal(&p)) >= 0 && *p == '/') {
        p++;
        n = decimal(&p);
    }
    if (i < 0 || n < 0 || *p != '\0') {
        snprintf(err, errlen, "--shard '%s': expected I/N, shard I of N "
                 "counting from 1 (e.g. 1/4 to 4/4)", s);
        return -EINVAL;
    }
    if (n < 1 || n > 1000000) {
        snprintf(err, errlen, "--shard %s: N must be from 1 to 1000000", s);
        return -EINVAL;
    }
    if (i == 0 || i > n) {
        char range[2 * ST_SHARD_NAME_MAX + 8];

        if (n == 1)
            snprintf(range, sizeof(range), "1/1 only");
        else
            snprintf(range, sizeof(range), "1/%ld to %ld/%ld", n, n, n);
        snprintf(err, errlen, i == 0 ? "--shard %s: shards count from 1 (%s)"
                 : "--shard %s: no such shard (%s)", s, range);
        return -EINVAL;
    }
    *index = (int)i - 1;
    *count = (int)n;
    return 0;
}

char *st_shard_name(char *buf, size_t len, int index, int count)
{
    snprintf(buf, len, "%d/%d", index + 1, count);
    return buf;
}

uint64_t st_shard_chunks(uint64_t planned, int count)
{
    uint64_t c = 4 * (uint64_t)(count > 0 ? count : 1);

    return planned < c ? planned : c;
}

size_t st_shard_ranges(uint64_t planned, uint64_t unit_base, int index,
                       int count, struct st_range *out, size_t max)
{
    uint64_t chunks = st_shard_chunks(planned, count);
    size_t n = 0;

    if (count <= 1) {
        if (planned == 0 || max == 0)
            return 0;
        out[0].begin = 0;
        out[0].end = planned;
        return 1;
    }
    for (uint64_t c = 0; c < chunks; c++) {
        uint64_t b, e;

        if ((unit_base + c) % (uint64_t)count != (uint64_t)index)
            continue;
        /* c * planned fits: planned < 2^63 / (4 * 10^6) in practice;
         * use 128-bit arithmetic to be exact anyway. */
        b = (uint64_t)((unsigned __int128)c * planned / chunks);
        e = (uint64_t)((unsigned __int128)(c + 1) * planned / chunks);
        if (b == e)
            continue;
        if (n > 0 && out[n - 1].end == b) {
            out[n - 1].end = e;
            continue;
        }
        if (n == max)
            break;
        out[n].begin = b;
        out[n].end = e;
        n++;
    }
    return n;
}
