/* Schedule strings: the choices of one controlled iteration, written so a
 * person can read them and a shell can carry them unquoted.
 *
 *   FINGERPRINT/SEG,SEG,...      e.g.  1f0c9a7e/A:3,B,A:2
 *
 * FINGERPRINT is 8 hex digits: a hash of the scenario's thread blocks (each
 * thread's name and the text of its parsed statements, repeat bodies
 * included; comments, blank lines and the other blocks do not count), so a
 * schedule made for one version of a file is refused by an edited one.
 * SEG is NAME or NAME:N: thread NAME is chosen at the next N (default 1)
 * scheduling decisions.  Only decisions count, i.e. scheduling points where
 * two or more threads could run; a point where exactly one can run is
 * forced and not written.  An empty list ("1f0c9a7e/") is a run that never
 * had a choice.  Characters: [0-9a-f/], thread-name characters, ':' and ','
 * (all shell-safe).
 *
 * Ownership: st_schedule_format returns a malloc'd string; parse fills a
 * malloc'd choice array the caller frees. */
#ifndef ST_SCHEDULE_H
#define ST_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* The most decisions one controlled iteration may make, so the longest
 * schedule a string may hold (the controller keeps them in a fixed array:
 * controlled.h). */
#define ST_SCHED_MAX_DECISIONS (1u << 18)

/* The fingerprint of |sc|'s thread blocks (FNV-1a, 32 bits). */
uint32_t st_schedule_fingerprint(const struct st_scenario *sc);

/* The string for |n| choices (thread indexes of |sc|); NULL on ENOMEM. */
char *st_schedule_format(const struct st_scenario *sc,
                         const unsigned char *choice, size_t n);

/* Parse |s| for |sc|.  0 with *choice (malloc'd, NULL when n is 0) and *n;
 * -EINVAL (malformed, unknown thread, more than ST_SCHED_MAX_DECISIONS
 * decisions) or -ESTALE (fingerprint of another
 * version of the file) with a message in err; -ENOMEM. */
int st_schedule_parse(const struct st_scenario *sc, const char *s,
                      unsigned char **choice, size_t *n,
                      char *err, size_t errlen);

/* Number of segments (context switches + 1) of a choice list: a cheap
 * size measure for shrinking. */
size_t st_schedule_segments(const unsigned char *choice, size_t n);

#endif
