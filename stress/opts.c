/* The options of a run.  See opts.h. */
#include "opts.h"

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
