/* Progress lines.  See progress.h. */
#include "progress.h"
#include "measure.h"

#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

void st_progress_init(struct st_progress *p, FILE *out, bool quiet,
                      bool no_color)
{
    const char *nc = getenv("NO_COLOR");

    p->out = out;
    p->quiet = quiet;
    p->tty = isatty(fileno(out)) != 0;
    p->color = p->tty && !no_color && (nc == NULL || nc[0] == '\0');
    p->index = p->total = 0;
    p->name = "";
    p->drawn = false;
}

void st_progress_begin(struct st_progress *p, size_t index, size_t total,
                       const char *name)
{
    p->index = index;
    p->total = total;
    p->name = name;
    p->start = st_now_s();
    p->last_draw = 0;
}

void st_progress_clear(struct st_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", p->out);
        p->drawn = false;
        fflush(p->out);
    }
}

void st_progress_tick(void *arg, const struct st_shared *sh)
{
    struct st_progress *p = arg;
    double now = st_now_s(), el = now - p->start;
    uint64_t done, failed;
    char rate[32];

    if (p->quiet || !p->tty || now - p->last_draw < 0.1)
        return;
    p->last_draw = now;
    /* relaxed: a racy snapshot of the child's counters is all we draw. */
    done = atomic_load_explicit(&((struct st_shared *)sh)->done,
                                memory_order_relaxed);
    failed = atomic_load_explicit(&((struct st_shared *)sh)->failed,
                                  memory_order_relaxed);
    st_human(el > 0 ? (double)done / el : 0, rate, sizeof(rate));
    fprintf(p->out, "\r\033[K[%zu/%zu] %s: %" PRIu64 " it, %s it/s, %s%"
            PRIu64 " failed%s", p->index, p->total, p->name, done, rate,
            p->color && failed ? "\033[1;31m" : "", failed,
            p->color && failed ? "\033[0m" : "");
    fflush(p->out);
    p->drawn = true;
}

void st_progress_end(struct st_progress *p, const struct st_result *r)
{
    static const char *const names[] = { "PASS", "FAIL", "SKIP", "ERROR" };
    static const char *const colors[] = { "\033[32m", "\033[1;31m",
                                          "\033[33m", "\033[1;35m" };
    char rate[32];
    unsigned v = (unsigned)r->verdict < 4 ? (unsigned)r->verdict : 3;

    st_progress_clear(p);
    if (p->quiet)
        return;
    st_human(r->seconds > 0 ? (double)r->iterations_run / r->seconds : 0, rate,
          sizeof(rate));
    fprintf(p->out, "[%zu/%zu] %s: %s%s%s", p->index, p->total, p->name,
            p->color ? colors[v] : "", names[v], p->color ? "\033[0m" : "");
    if (r->verdict == ST_SKIP || (r->verdict == ST_ERROR &&
                                  r->iterations_run == 0))
        fprintf(p->out, " (%s)\n", r->reason != NULL ? r->reason : "");
    else
        fprintf(p->out, ", %" PRIu64 " iteration%s in %.2f s (%s it/s), %"
                PRIu64 " failed, %" PRIu64 " without overlap\n",
                r->iterations_run, r->iterations_run == 1 ? "" : "s",
                r->seconds, rate, r->iterations_failed, r->no_overlap);
    if (r->nthreads > 1 && r->iterations_run > 0 &&
        r->no_overlap * 2 > r->iterations_run)
        fprintf(p->out, "  note: in most iterations one thread finished before "
                "another started, so they did not race; the machine may be "
                "busy (fewer free CPUs than threads) or the blocks too short "
                "for the start skew\n");
    fflush(p->out);
}
