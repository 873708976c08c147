/* Time and rates as the harness measures and prints them.
 *
 *   st_now_s()            the monotonic clock, in seconds (CLOCK_MONOTONIC:
 *                         never steps back, so differences are durations)
 *   st_human(v, buf, len) a count or a rate for people, SI style: "950",
 *                         "9.5k", "12.3k", "1.50M" (no exponent; the
 *                         progress lines, the summary and `bench` all
 *                         print rates this way)
 *
 * Both are safe from any thread. */
#ifndef ST_MEASURE_H
#define ST_MEASURE_H

#include <stddef.h>

double st_now_s(void);
void st_human(double v, char *buf, size_t len);

#endif
