/* Time and rates as the harness measures and prints them.
 *
 *   st_now_s()            the monotonic clock, in seconds (CLOCK_MONOTONIC:
 *                         never steps back, so differences are durations)
 *   st_human(v, buf, len) a count or a rate for people: "950", "9500",
 *                         "12.3k", "1.50M" (at least three significant
 *                         digits, no exponent)
 *
 * Both are safe from any thread. */
#ifndef ST_MEASURE_H
#define ST_MEASURE_H

#include <stddef.h>

double st_now_s(void);
void st_human(double v, char *buf, size_t len);

#endif
