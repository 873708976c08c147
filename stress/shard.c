/* Sharding of a campaign's iterations.  See shard.h for the work unit. */
#include "shard.h"

#include <errno.h>
#include <stdlib.h>

int st_shard_parse(const char *s, int *index, int *count)
{
    char *end;
    long i, n;

    errno = 0;
    i = strtol(s, &end, 10);
    if (end == s || *end != '/' || errno != 0)
        return -EINVAL;
    s = end + 1;
    n = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0)
        return -EINVAL;
    if (n < 1 || n > 1000000 || i < 0 || i >= n)
        return -EINVAL;
    *index = (int)i;
    *count = (int)n;
    return 0;
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
