/* The options of a run: what `sslstress run` (or a test, or `bench`) asks
 * of the runner, and the names they are printed by.  Plain data, filled by
 * the command line (main.c) and read by the runner, the detectors and the
 * failure builders; nothing here is shared between threads after a run
 * starts.
 *
 *   st_opts_default(o)           the defaults (the seed must still be
 *                                chosen)
 *   st_jitter_name(j)            "none", "low", "high"
 *   st_affinity_name(a)          "none", "pin", "spread"
 *   st_planned_iterations(sc,o)  o->iterations, else the file's own, else
 *                                10000
 *   st_ranges_format / _parse    iteration ranges as the command line
 *                                writes them ("0-41,96-99": inclusive) */
#ifndef ST_OPTS_H
#define ST_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct st_sched_spec;           /* controlled.h */
struct st_history;              /* below */

enum st_jitter { ST_JITTER_NONE, ST_JITTER_LOW, ST_JITTER_HIGH };
enum st_affinity { ST_AFFINITY_NONE, ST_AFFINITY_PIN, ST_AFFINITY_SPREAD };

struct st_opts {
    uint64_t seed;
    enum st_jitter jitter;
    uint64_t iterations;        /* 0: each file's own */
    uint64_t start;             /* first iteration (replay); 0 normally */
    double seconds;             /* time budget of this scenario; 0: none */
    uint64_t max_failures;      /* stop after this many; 0: never */
    enum st_affinity affinity;
    int shard_index, shard_count;   /* from 0 (shard.h); 0/1: unsharded */
    const char *argv0;          /* program name for replay commands */
    unsigned keep_failures;     /* failures kept in a result (0: 8) */
    /* Controlled scheduling (controlled.h); NULL: free-running.  In controlled
     * mode jitter is off and each iteration is one schedule. */
    const struct st_sched_spec *sched;
    /* Controlled replay (history.h): the iterations the original run made
     * before the replayed one, run first with their own strategy, so that
     * the replay starts from the state they left.  NULL: a fresh start. */
    const struct st_history *history;
    /* st_run_isolated: keep the child's stderr for the result only, not
     * copied to ours (the harness's own check runs, history.h). */
    bool quiet_child;
    /* A word for the detector log's name (st_detector_log_path): the
     * harness's own check runs name theirs apart, so that they never
     * overwrite the log of the failure they check.  NULL: none. */
    const char *log_tag;
    /* --alloc-failures: sweep the setup of every scenario of the run
     * (sweep.h), with or without its `alloc_failures sweep` header, and
     * on every backend (the header alone skips where the library's
     * calls are known not to fail cleanly: backend.h, st_be_sweep_lacks).
     * Replay commands carry it. */
    bool alloc_failures;
};

/* A half-open range of iteration numbers [begin, end). */
struct st_range {
    uint64_t begin, end;
};

/* What a controlled replay re-runs before its schedule: the iterations
 * |rg| (in order) of strategy |spec| with the run's seed, uncounted and
 * unreported, as the original process ran them (history.h). */
struct st_history {
    const struct st_sched_spec *spec;
    const struct st_range *rg;
    size_t nrg;
};

void st_opts_default(struct st_opts *o);
const char *st_jitter_name(enum st_jitter j);
const char *st_affinity_name(enum st_affinity a);
/* The iteration bound of a run that --duration alone ends: the time
 * decides, not a count (so a replay cannot take its budget from it). */
#define ST_DURATION_ITERATIONS (UINT64_C(1) << 40)

uint64_t st_planned_iterations(const struct st_scenario *sc,
                               const struct st_opts *o);

/* "A-B,C,..." (inclusive; "C" is "C-C") for the |nrg| half-open ranges
 * |rg|, empty ones left out; "" for none.  malloc'ed, NULL on ENOMEM. */
char *st_ranges_format(const struct st_range *rg, size_t nrg);
/* The reverse: |*rg| (malloc'ed, |*nrg| entries) from |s|.  Ranges must
 * ascend without overlap.  0, -EINVAL (nothing allocated) or -ENOMEM. */
int st_ranges_parse(const char *s, struct st_range **rg, size_t *nrg);

#endif
