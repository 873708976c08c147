/* Helpers shared by the tests/stress suites (linked only into those). */
#ifndef STRESS_UTIL_H
#define STRESS_UTIL_H

#include "scenario.h"

/* Write TEXT to DIR/NAME and load it as a scenario; a load error prints its
 * diagnostic and fails the calling test. */
struct st_scenario *tu_load_scenario_text(const char *dir, const char *name,
                                          const char *text);

#endif
