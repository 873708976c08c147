#include <stdio.h>

#include "stress_util.h"
#include "testutil.h"

struct st_scenario *tu_load_scenario_text(const char *dir, const char *name,
                                          const char *text)
{
    char path[512];
    struct st_diag d;
    struct st_scenario *sc;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
    sc = st_scenario_load(path, &d);
    if (sc == NULL)
        st_diag_print(stderr, &d);
    ck_assert_ptr_nonnull(sc);
    return sc;
}
