/* Sharding: `--shard I/N` runs a deterministic 1/N of a campaign's work.
 *
 * Numbering
 *   Users count shards from 1, as jest, Playwright, vitest and
 *   cargo-nextest do: the shards of a 4-way split are 1/4 .. 4/4, and
 *   every text a user reads (the run's parameters, the JSON, JUnit and
 *   HTML reports, merge's messages, detector log names) says "I/N" so.
 *   Inside the harness a shard is an index from 0 (struct st_opts,
 *   struct st_run and struct st_result keep |shard_index| 0 .. N-1, 0 when
 *   not sharded), which is what the arithmetic below wants; st_shard_parse
 *   converts the one way and st_shard_name the other.
 *
 * The work unit (for doc/scaling.md)
 *   A campaign is the list of scenario files in command-line order (a
 *   directory contributes its *.scn files in byte order of their names),
 *   each with P planned iterations (--iterations, else the file's own).
 *   Scenario k is cut into C_k = min(P_k, 4 * N) chunks of consecutive
 *   iteration numbers, chunk c being [c * P_k / C_k, (c + 1) * P_k / C_k).
 *   Chunks are numbered across the campaign in order (unit u = the chunks
 *   of every earlier scenario + c), and unit u belongs to the shard of
 *   index u mod N (shard 1/N has index 0).
 *
 * Why merged shards equal an unsharded run
 *   Iteration I keeps its number in every shard, and every random choice of
 *   iteration I derives from (base seed, I, thread) only (prng.h), never
 *   from the iterations run before it.  So with the same --seed, the union
 *   of the N shards runs exactly the iterations of the unsharded run, each
 *   once, with the same jitter; `sslstress merge` sums iterations,
 *   failures, no-overlap counts and outcome rows, which equal the
 *   unsharded counts wherever the scenario itself is deterministic (and
 *   are equally distributed samples where it races).  Each shard runs a
 *   scenario's `global` block once for its own share.
 *
 *   Since C_k is a multiple of N whenever P_k >= 4 N, every shard gets 4
 *   chunks of every such scenario, spread over its iteration range:
 *   balanced, and no shard depends on another's timing.
 *
 *   --duration cuts a shard's own share short; coverage is exact only for
 *   runs bounded by iterations.  --max-failures stops a shard on its own
 *   failures. */
#ifndef ST_SHARD_H
#define ST_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "runner.h"

/* Parse --shard's "I/N" (1 <= I <= N <= 1000000, decimal): *index = I - 1,
 * *count = N, 0.  Else -EINVAL, nothing stored, and a one-line reason
 * naming |s| in err[errlen] ("--shard 0/4: shards count from 1 (1/4 to
 * 4/4)"); |err| may be NULL. */
int st_shard_parse(const char *s, int *index, int *count, char *err,
                   size_t errlen);

/* Longest st_shard_name, its NUL included ("1000000/1000000"). */
#define ST_SHARD_NAME_MAX 24

/* Shard |index| (from 0) of |count| as users write it: "I/N" with I =
 * |index| + 1, in buf[len] (ST_SHARD_NAME_MAX suffices).  Returns |buf|. */
char *st_shard_name(char *buf, size_t len, int index, int count);

/* Chunks scenario of |planned| iterations is cut into for |count| shards. */
uint64_t st_shard_chunks(uint64_t planned, int count);

/* The ranges of one scenario that shard |index| of |count| runs, given
 * |unit_base| (chunks of the earlier scenarios).  Writes at most |max|
 * ranges (4 * ... enough: pass st_shard_chunks(planned, count)) to |out|
 * and returns how many; adjacent chunks are merged. */
size_t st_shard_ranges(uint64_t planned, uint64_t unit_base, int index,
                       int count, struct st_range *out, size_t max);

#endif
