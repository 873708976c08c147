/* libFuzzer target: the strings of controlled scheduling.
 *
 * Each input is one string, used as each parser of controlled mode reads
 * the user's text:
 *   1. `--schedule S` (st_sched_spec_parse): random, pct:depth=D,
 *      dfs:preemptions=P.  Accepted: its name (st_sched_spec_name) parses
 *      back to the same spec.  Refused: -EINVAL and a message.
 *   2. `replay --schedule STR` (st_schedule_parse) against a few fixed
 *      scenarios, once as written and once with its first 8 bytes replaced
 *      by the scenario's fingerprint, so that the steps are reached without
 *      guessing a hash.  Accepted: every choice names a thread of the
 *      scenario, at most ST_SCHED_MAX_DECISIONS of them, and
 *      st_schedule_format gives a shell-safe string that parses back to the
 *      same choices.  Refused: -EINVAL or -ESTALE, nothing allocated, and a
 *      message without control bytes (the string may come from a report).
 * Build and run with scripts/fuzz.sh. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlled.h"
#include "scenario.h"
#include "schedule.h"

/* Thread names a schedule may use: the usual A/B, names that are prefixes
 * of one another, and every index up to ST_MAX_THREADS - 1. */
static const char two[] =
    "scenario two\n"
    "thread A\n  spin 1\n  spin 1\n"
    "thread B\n  spin 1\n";
static const char prefixes[] =
    "scenario prefixes\n"
    "global\n  ctx c\n  s = new c\n"
    "thread duper\n  d = dup s\n  free d\n"
    "thread owner\n  spin 1\n"
    "thread own\n  repeat 3\n    spin 1\n  end\n"
    "thread A_1\n  spin 0\n";

#define NSC 3
static struct st_scenario *sc[NSC];

static struct st_scenario *load(const char *text)
{
    struct st_diag d;
    struct st_scenario *s = st_scenario_parse("fuzz.scn", text, strlen(text),
                                              &d);

    if (s == NULL) {
        st_diag_print(stderr, &d);
        abort();
    }
    return s;
}

static void load_all(void)
{
    char many[ST_MAX_THREADS * 32 + 32];
    size_t len = (size_t)snprintf(many, sizeof(many), "scenario many\n");

    for (int i = 0; i < ST_MAX_THREADS; i++)
        len += (size_t)snprintf(many + len, sizeof(many) - len,
                                "thread T%d\n  spin 1\n", i);
    sc[0] = load(two);
    sc[1] = load(prefixes);
    sc[2] = load(many);
}

static void check_message(const char *err)
{
    if (err[0] == '\0')
        abort();                        /* a refusal must say why */
    for (const char *p = err; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            abort();
}

static void spec(const char *s)
{
    struct st_sched_spec sp, back;
    char err[400] = "", name[64];
    int r = st_sched_spec_parse(s, &sp, err, sizeof(err));

    if (r != 0) {
        if (r != -EINVAL || err[0] == '\0')
            abort();
        return;
    }
    if (sp.kind != ST_SCHED_RANDOM && sp.kind != ST_SCHED_PCT &&
        sp.kind != ST_SCHED_DFS)
        abort();
    if (sp.kind == ST_SCHED_PCT && (sp.depth < 1 || sp.depth > 64))
        abort();
    st_sched_spec_name(&sp, name, sizeof(name));
    if (st_sched_spec_parse(name, &back, err, sizeof(err)) != 0 ||
        back.kind != sp.kind || back.depth != sp.depth ||
        back.preemptions != sp.preemptions)
        abort();
}

static void replay(const struct st_scenario *s, const char *str)
{
    unsigned char *choice = (unsigned char *)"", *again = NULL;
    size_t n = 1, n2, commas = 0;
    char err[400] = "", *fmt;
    int r = st_schedule_parse(s, str, &choice, &n, err, sizeof(err));

    if (r != 0) {
        if ((r != -EINVAL && r != -ESTALE && r != -ENOMEM) ||
            choice != NULL || n != 0)
            abort();
        check_message(err);
        return;
    }
    if (n > ST_SCHED_MAX_DECISIONS || (n == 0) != (choice == NULL))
        abort();
    for (size_t i = 0; i < n; i++)
        if (choice[i] >= s->nthreads)
            abort();
    if ((fmt = st_schedule_format(s, choice, n)) == NULL)
        abort();
    for (const char *p = fmt; *p != '\0'; p++) {
        if (!(*p >= '0' && *p <= '9') && !(*p >= 'a' && *p <= 'z') &&
            !(*p >= 'A' && *p <= 'Z') && *p != '_' && *p != '/' &&
            *p != ':' && *p != ',')
            abort();                    /* shell-safe, as schedule.h says */
        commas += *p == ',';
    }
    if (st_schedule_segments(choice, n) != (n > 0 ? commas + 1 : 0))
        abort();
    if (st_schedule_parse(s, fmt, &again, &n2, err, sizeof(err)) != 0 ||
        n2 != n || (n > 0 && memcmp(again, choice, n) != 0))
        abort();
    free(again);
    free(fmt);
    free(choice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), fp[16];

    if (s == NULL)
        return 0;
    if (sc[0] == NULL)
        load_all();
    memcpy(s, data, size);
    s[size] = '\0';                     /* a NUL inside ends the string */
    spec(s);
    for (int i = 0; i < NSC; i++) {
        replay(sc[i], s);
        if (strlen(s) >= 8) {
            snprintf(fp, sizeof(fp), "%08x",
                     (unsigned)st_schedule_fingerprint(sc[i]));
            memcpy(s, fp, 8);
            replay(sc[i], s);
            memcpy(s, data, 8);
        }
    }
    free(s);
    return 0;
}
