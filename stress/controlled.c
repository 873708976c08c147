/* Controlled scheduling: the decision core, the strategies, the hand-off
 * between scenario threads, shrinking.  See controlled.h.
 *
 * Hand-off: the controller's mutex guards all of its state.  A thread that
 * reaches a point records it, asks the core who runs next, sets `turn` to
 * that thread and signals its condition variable, then waits on its own
 * until `turn` names it.  So exactly one scenario thread is outside the
 * controller at a time, and the mutex orders each thread's writes (to the
 * scenario's objects too) before the next thread's reads: the experiment
 * has no data race of the harness's making; its races are the schedule's. */
#include "controlled.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "backend_inspect.h"
#include "measure.h"
#include "prng.h"
#include "result.h"
#include "runner.h"
#include "schedule.h"

enum th_status { TH_ABSENT, TH_READY, TH_RUNNING, TH_BLOCKED, TH_DONE };

/* A thread's next step.  The object is kept as (kind, id) and named when
 * the step runs, in decision order: events that come before every thread
 * has arrived come in any order, names given then would not replay. */
struct pending {
    char label[40];
    char obj[32];           /* a literal name (tests), or "" */
    char kind[16];          /* else the minissl kind and id, or "" */
    unsigned long id;
    char text[64];
};

struct objmap {
    char kind[16];
    unsigned long id;
    unsigned rel;
};

enum mode { M_MAIN, M_SHRINK_DFS, M_SHRINK_GREEDY, M_SHRINK_DONE };

struct st_ctl {
    const struct st_scenario *sc;
    struct st_sched_spec sp;
    uint64_t seed;
    struct st_sched_shared *sh;
    struct st_sched_shared *own_sh;     /* when the caller gave none */
    unsigned n;
    pthread_mutex_t mu;
    pthread_cond_t *cv;
    unsigned ncv;                       /* condition variables initialised */
    int turn;
    /* per iteration */
    uint64_t iteration;
    enum th_status *status;
    const void **blocked_on;            /* a lock, or &wait_token */
    uint64_t events;                    /* steps of every thread, but waits */
    uint64_t *own_events;               /* of each thread */
    char wait_token;                    /* what a st_ctl_wait blocks on */
    struct pending *pend;
    size_t *last_step;                  /* SIZE_MAX: none yet */
    char (*stmt_text)[64];
    unsigned arrived;
    unsigned preempt;
    struct st_prng prng;
    struct st_trace trace;
    const char **names;
    struct objmap objs[64];
    unsigned nobjs;
    size_t fired_step;                  /* SIZE_MAX: minissl quiet */
    struct st_be_detect det_base;
    bool misfit_now;
    /* decisions: the replayed prefix, then the strategy's */
    unsigned char *prefix;
    size_t plen;
    bool strict;                        /* replay: a misfit is an error */
    size_t ndec;
    unsigned char *dec;                 /* == sh->dec */
    uint64_t *enabled, *tried;
    signed char *current;
    unsigned *pre_before;
    /* pct */
    int *prio;
    size_t *change;                     /* depth-1 change points */
    size_t k_est;
    /* dfs */
    unsigned bound;
    bool dfs_started, exhausted;
    /* totals */
    uint64_t schedules;
    double t0;
    bool misfit;
    char misfit_msg[512];
    /* the first failure */
    bool have_fail;
    char fail_kind[32];
    size_t fail_step;
    unsigned fail_pre;
    unsigned char *fail_dec;
    size_t fail_ndec;
    /* shrinking */
    enum mode mode;
    unsigned char *best;
    size_t nbest, best_step;
    unsigned best_pre;
    bool improved;
    size_t greedy_i;
    unsigned char *cand;
    size_t ncand;
    uint64_t shrink_runs;
    double shrink_deadline;
    uint64_t dfs_budget_end;
};

static struct st_ctl *active;

static double now_s(void)
{
    return st_now_s();          /* measure.h: the harness's one clock */
}

/* ---- specs -------------------------------------------------------------- */

int st_sched_spec_parse(const char *s, struct st_sched_spec *sp,
                        char *err, size_t errlen)
{
    char *end;
    unsigned long v;

    memset(sp, 0, sizeof(*sp));
    if (strcmp(s, "random") == 0) {
        sp->kind = ST_SCHED_RANDOM;
        return 0;
    }
    if (strncmp(s, "pct:depth=", 10) == 0) {
        v = strtoul(s + 10, &end, 10);
        if (s[10] >= '0' && s[10] <= '9' && *end == '\0' && v >= 1 &&
            v <= 64) {
            sp->kind = ST_SCHED_PCT;
            sp->depth = (unsigned)v;
            return 0;
        }
        snprintf(err, errlen, "--schedule %s: depth must be 1..64", s);
        return -EINVAL;
    }
    if (strncmp(s, "dfs:preemptions=", 16) == 0) {
        v = strtoul(s + 16, &end, 10);
        if (s[16] >= '0' && s[16] <= '9' && *end == '\0' && v <= 1000) {
            sp->kind = ST_SCHED_DFS;
            sp->preemptions = (unsigned)v;
            return 0;
        }
        snprintf(err, errlen, "--schedule %s: preemptions must be 0..1000",
                 s);
        return -EINVAL;
    }
    snprintf(err, errlen, "--schedule '%s': choose random, pct:depth=D or "
             "dfs:preemptions=P", s);
    return -EINVAL;
}

void st_sched_spec_name(const struct st_sched_spec *sp, char *buf,
                        size_t len)
{
    switch (sp->kind) {
    case ST_SCHED_RANDOM: snprintf(buf, len, "random"); break;
    case ST_SCHED_PCT: snprintf(buf, len, "pct:depth=%u", sp->depth); break;
    case ST_SCHED_DFS:
        snprintf(buf, len, "dfs:preemptions=%u", sp->preemptions);
        break;
    case ST_SCHED_REPLAY: snprintf(buf, len, "replay"); break;
    default: snprintf(buf, len, "free"); break;
    }
}

/* ---- construction ------------------------------------------------------- */

static size_t count_stmts(const struct st_stmt *st, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        k++;
        if (st[i].op == ST_OP_REPEAT)
            k += (size_t)(st[i].n > 0 ? st[i].n : 0) *
                 count_stmts(st[i].body, st[i].nbody);
    }
    return k;
}

void st_ctl_free(struct st_ctl *c)
{
    if (c == NULL)
        return;
    if (active == c)
        st_ctl_uninstall(c);
    for (unsigned i = 0; i < c->ncv; i++)
        pthread_cond_destroy(&c->cv[i]);
    pthread_mutex_destroy(&c->mu);
    free(c->cv);
    free(c->status);
    free(c->blocked_on);
    free(c->own_events);
    free(c->pend);
    free(c->last_step);
    free(c->stmt_text);
    free(c->names);
    free(c->prefix);
    free(c->enabled);
    free(c->tried);
    free(c->current);
    free(c->pre_before);
    free(c->prio);
    free(c->change);
    free(c->fail_dec);
    free(c->best);
    free(c->cand);
    free(c->own_sh);
    st_trace_free(&c->trace);
    free(c);
}

struct st_ctl *st_ctl_new(const struct st_scenario *sc,
                          const struct st_sched_spec *sp, uint64_t seed,
                          struct st_sched_shared *sh)
{
    struct st_ctl *c = calloc(1, sizeof(*c));
    unsigned n = (unsigned)sc->nthreads;
    size_t M = ST_SCHED_MAX_DECISIONS;

    if (c == NULL)
        return NULL;
    c->sc = sc;
    c->sp = *sp;
    c->seed = seed;
    c->n = n;
    c->turn = -1;
    pthread_mutex_init(&c->mu, NULL);
    if (sh == NULL && (sh = c->own_sh = calloc(1, sizeof(*sh))) == NULL)
        goto err;
    c->sh = sh;
    c->dec = sh->dec;
    c->cv = calloc(n, sizeof(*c->cv));
    c->status = calloc(n, sizeof(*c->status));
    c->blocked_on = calloc(n, sizeof(*c->blocked_on));
    c->own_events = calloc(n, sizeof(*c->own_events));
    c->pend = calloc(n, sizeof(*c->pend));
    c->last_step = calloc(n, sizeof(*c->last_step));
    c->stmt_text = calloc(n, sizeof(*c->stmt_text));
    c->names = calloc(n, sizeof(*c->names));
    c->prio = calloc(n, sizeof(*c->prio));
    c->change = calloc(sp->depth + 1, sizeof(*c->change));
    c->enabled = calloc(M, sizeof(*c->enabled));
    c->tried = calloc(M, sizeof(*c->tried));
    c->current = calloc(M, sizeof(*c->current));
    c->pre_before = calloc(M, sizeof(*c->pre_before));
    c->prefix = malloc(M);
    if (c->prefix == NULL || c->cv == NULL || c->status == NULL ||
        c->blocked_on == NULL || c->own_events == NULL ||
        c->pend == NULL || c->last_step == NULL || c->stmt_text == NULL ||
        c->names == NULL || c->prio == NULL || c->change == NULL ||
        c->enabled == NULL || c->tried == NULL || c->current == NULL ||
        c->pre_before == NULL)
        goto err;
    for (unsigned i = 0; i < n; i++) {
        if (pthread_cond_init(&c->cv[i], NULL) != 0)
            goto err;
        c->ncv = i + 1;
        c->names[i] = sc->threads[i].name;
    }
    c->trace.nthreads = n;
    c->trace.thread_names = c->names;
    for (unsigned i = 0; i < n; i++)
        c->k_est += count_stmts(sc->threads[i].stmts, sc->threads[i].nstmts);
    c->k_est += n;
    c->bound = sp->preemptions;
    c->t0 = now_s();
    if (sp->kind == ST_SCHED_REPLAY) {
        char err[400];
        unsigned char *parsed;
        int e = st_schedule_parse(sc, sp->replay != NULL ? sp->replay : "",
                                  &parsed, &c->plen, err, sizeof(err));

        if (e == -ENOMEM)
            goto err;
        if (parsed != NULL)
            memcpy(c->prefix, parsed, c->plen < M ? c->plen : M);
        free(parsed);
        if (e != 0) {
            c->misfit = true;
            snprintf(c->misfit_msg, sizeof(c->misfit_msg), "%s", err);
        }
        if (c->plen > M) {
            c->misfit = true;
            snprintf(c->misfit_msg, sizeof(c->misfit_msg), "the schedule "
                     "has %zu steps; at most %zu are supported", c->plen, M);
            c->plen = M;
        }
        c->strict = true;
    }
    return c;
 err:
    st_ctl_free(c);
    return NULL;
}

/* ---- the decision core -------------------------------------------------- */

static bool is_enabled(const struct st_ctl *c, unsigned th)
{
    return c->status[th] == TH_READY;
}

static void set_misfit(struct st_ctl *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_misfit(struct st_ctl *c, const char *fmt, ...)
{
    va_list ap;

    if (c->misfit)
        return;
    c->misfit = true;
    va_start(ap, fmt);
    vsnprintf(c->misfit_msg, sizeof(c->misfit_msg), fmt, ap);
    va_end(ap);
}

static const char *why_not(const struct st_ctl *c, unsigned th)
{
    return c->status[th] == TH_DONE ? "has finished"
         : c->status[th] == TH_BLOCKED && c->blocked_on[th] == &c->wait_token
         ? "waits for another thread"
         : c->status[th] == TH_BLOCKED ? "is blocked on a lock"
         : "cannot run";
}

/* Thread |th| made a step (any event but a wait): the threads waiting for
 * another thread's progress (st_ctl_wait) may run again. */
static void progressed(struct st_ctl *c, unsigned th)
{
    c->events++;
    c->own_events[th]++;
    for (unsigned t = 0; t < c->n; t++)
        if (t != th && c->status[t] == TH_BLOCKED &&
            c->blocked_on[t] == &c->wait_token) {
            c->status[t] = TH_READY;
            c->blocked_on[t] = NULL;
        }
}

static unsigned lowest(uint64_t m)
{
    return (unsigned)__builtin_ctzll(m);
}

static unsigned popcount(uint64_t m)
{
    return (unsigned)__builtin_popcountll(m);
}

/* The non-preemptive default: go on with |cur| if it can, else the
 * lowest-numbered enabled thread. */
static unsigned default_choice(uint64_t en, int cur)
{
    if (cur >= 0 && (en & (UINT64_C(1) << cur)))
        return (unsigned)cur;
    return lowest(en);
}

static unsigned pct_choice(struct st_ctl *c, uint64_t en)
{
    unsigned best = lowest(en);

    for (unsigned i = 0; i < c->n; i++)
        if ((en & (UINT64_C(1) << i)) && c->prio[i] > c->prio[best])
            best = i;
    return best;
}

static unsigned choose(struct st_ctl *c, uint64_t en, int cur)
{
    size_t i = c->ndec;

    if (i < c->plen) {
        unsigned want = c->prefix[i];

        if (want < c->n && (en & (UINT64_C(1) << want)))
            return want;
        if (c->strict)
            set_misfit(c, "the schedule does not fit: step %zu names thread "
                       "%s, which %s there", i + 1,
                       want < c->n ? c->sc->threads[want].name : "?",
                       want < c->n ? why_not(c, want) : "does not exist");
        return default_choice(en, cur);
    }
    if (c->strict && !c->misfit) {
        char who[200] = "";
        size_t used = 0;

        for (unsigned t = 0; t < c->n && used < sizeof(who); t++)
            if (en & (UINT64_C(1) << t))
                used += (size_t)snprintf(who + used, sizeof(who) - used,
                                         "%s%s", used ? ", " : "",
                                         c->sc->threads[t].name);
        set_misfit(c, "the schedule does not fit: it ends after %zu steps "
                   "while threads %s can still run", c->plen, who);
    }
    switch (c->mode == M_MAIN ? c->sp.kind : ST_SCHED_DFS) {
    case ST_SCHED_RANDOM: {
        unsigned k = st_prng_below(&c->prng, popcount(en));

        for (unsigned t = 0; t < c->n; t++)
            if ((en & (UINT64_C(1) << t)) && k-- == 0)
                return t;
        return lowest(en);
    }
    case ST_SCHED_PCT:
        return pct_choice(c, en);
    default:
        return default_choice(en, cur);
    }
}

static void objname(struct st_ctl *c, const char *kind, unsigned long id,
                    char *buf, size_t len)
{
    unsigned rel = 0, same = 0;

    if (kind == NULL || *kind == '\0') {
        buf[0] = '\0';
        return;
    }
    if (id == 0) {
        snprintf(buf, len, "%s", kind);
        return;
    }
    for (unsigned i = 0; i < c->nobjs; i++) {
        if (strcmp(c->objs[i].kind, kind) != 0)
            continue;
        same++;
        if (c->objs[i].id == id)
            rel = c->objs[i].rel;
    }
    if (rel == 0) {
        rel = same + 1;
        if (c->nobjs < sizeof(c->objs) / sizeof(c->objs[0])) {
            struct objmap *m = &c->objs[c->nobjs++];

            snprintf(m->kind, sizeof(m->kind), "%s", kind);
            m->id = id;
            m->rel = rel;
        }
    }
    snprintf(buf, len, "%s#%u", kind, rel);
}

/* Keep step i in the shared ring while it is among the last steps. */
static void mirror(struct st_ctl *c, size_t i)
{
    if (c->trace.n - i <= ST_SCHED_SH_STEPS)
        c->sh->steps[i % ST_SCHED_SH_STEPS] = c->trace.steps[i];
}

/* Steps kept per iteration: the decisions are capped (a longer iteration
 * is a misfit), and so is the timeline, at about 100 MB. */
#define ST_TRACE_MAX_STEPS (ST_SCHED_MAX_DECISIONS * 2)

/* Record the step thread th is about to run; false when it is not
 * recorded (the cap, or no memory): the thread then has no last step. */
static bool push_step(struct st_ctl *c, unsigned th, bool preempted)
{
    struct st_trace_step s;

    if (c->trace.n >= ST_TRACE_MAX_STEPS) {
        c->last_step[th] = SIZE_MAX;
        return false;
    }
    memset(&s, 0, sizeof(s));
    s.thread = th;
    memcpy(s.label, c->pend[th].label, sizeof(s.label));
    if (c->pend[th].kind[0] != '\0')
        objname(c, c->pend[th].kind, c->pend[th].id, s.obj, sizeof(s.obj));
    else
        memcpy(s.obj, c->pend[th].obj, sizeof(s.obj));
    memcpy(s.text, c->pend[th].text, sizeof(s.text));
    s.before = s.after = ST_TRACE_NOVALUE;
    s.preempted = preempted;
    if (st_trace_add(&c->trace, &s) != 0) {
        c->last_step[th] = SIZE_MAX;
        return false;
    }
    c->last_step[th] = c->trace.n - 1;
    mirror(c, c->trace.n - 1);
    c->sh->nsteps = (unsigned)c->trace.n;
    /* PCT: at change point j the running thread drops below everyone. */
    if (c->mode == M_MAIN && c->sp.kind == ST_SCHED_PCT)
        for (unsigned j = 0; j + 1 < c->sp.depth; j++)
            if (c->change[j] == c->trace.n)
                c->prio[th] = (int)(c->sp.depth - 1 - j);
    return true;
}

static int decide(struct st_ctl *c, int cur)
{
    uint64_t en = 0;
    unsigned next;
    bool pre = false;

    if (c->arrived < c->n)
        return ST_CORE_WAIT;
    for (unsigned t = 0; t < c->n; t++)
        if (is_enabled(c, t))
            en |= UINT64_C(1) << t;
    if (en == 0) {
        for (unsigned t = 0; t < c->n; t++)
            if (c->status[t] != TH_DONE)
                return ST_CORE_DEADLOCK;
        c->turn = -1;
        return ST_CORE_IDLE;
    }
    if (popcount(en) == 1) {
        next = lowest(en);
    } else if (c->ndec >= ST_SCHED_MAX_DECISIONS) {
        next = default_choice(en, cur);
        set_misfit(c, "more than %d scheduling decisions in one iteration",
                   ST_SCHED_MAX_DECISIONS);
    } else {
        size_t i = c->ndec;

        next = choose(c, en, cur);
        pre = cur >= 0 && (en & (UINT64_C(1) << cur)) && next != (unsigned)cur;
        if (i >= c->plen || !(c->sp.kind == ST_SCHED_DFS ||
                              c->mode == M_SHRINK_DFS)) {
            c->tried[i] = UINT64_C(1) << next;
        }
        c->enabled[i] = en;
        c->current[i] = (signed char)cur;
        c->pre_before[i] = c->preempt;
        c->dec[i] = (unsigned char)next;
        c->ndec = i + 1;
        c->sh->ndec = (unsigned)c->ndec;
        if (pre)
            c->sh->preemptions = ++c->preempt;
    }
    c->status[next] = TH_RUNNING;
    c->turn = (int)next;
    push_step(c, next, pre);
    return (int)next;
}

int st_ctl_event(struct st_ctl *c, unsigned th, enum st_core_ev ev,
                 const void *obj, const char *label, const char *oname,
                 const char *text)
{
    int cur = -1;

    if (!(ev == ST_EV_BLOCKED && obj == &c->wait_token))
        progressed(c, th);
    if (c->status[th] == TH_ABSENT)
        c->arrived++;
    else
        cur = (int)th;
    switch (ev) {
    case ST_EV_POINT:
        c->status[th] = TH_READY;
        snprintf(c->pend[th].label, sizeof(c->pend[th].label), "%s",
                 label != NULL ? label : "stmt");
        if (oname != NULL) {
            snprintf(c->pend[th].obj, sizeof(c->pend[th].obj), "%s", oname);
            c->pend[th].kind[0] = '\0';
        }
        snprintf(c->pend[th].text, sizeof(c->pend[th].text), "%s",
                 text != NULL ? text : "");
        if (text != NULL && text[0] != '\0')
            snprintf(c->stmt_text[th], sizeof(c->stmt_text[th]), "%s", text);
        break;
    case ST_EV_BLOCKED:
        c->status[th] = TH_BLOCKED;
        c->blocked_on[th] = obj;
        if (c->last_step[th] != SIZE_MAX && c->last_step[th] < c->trace.n) {
            struct st_trace_step *s = &c->trace.steps[c->last_step[th]];

            snprintf(s->what, sizeof(s->what), "blocked");
            mirror(c, c->last_step[th]);
        }
        /* When it runs again it retries the acquire: that is its step. */
        snprintf(c->pend[th].label, sizeof(c->pend[th].label), "%s",
                 label != NULL ? label : "lock");
        if (oname != NULL) {
            snprintf(c->pend[th].obj, sizeof(c->pend[th].obj), "%s", oname);
            c->pend[th].kind[0] = '\0';
        }
        snprintf(c->pend[th].text, sizeof(c->pend[th].text), "retry");
        break;
    case ST_EV_DONE:
        c->status[th] = TH_DONE;
        break;
    }
    return decide(c, cur);
}

void st_ctl_release(struct st_ctl *c, const void *obj)
{
    for (unsigned t = 0; t < c->n; t++)
        if (c->status[t] == TH_BLOCKED && c->blocked_on[t] == obj) {
            c->status[t] = TH_READY;
            c->blocked_on[t] = NULL;
        }
}

void st_ctl_deadlock_text(const struct st_ctl *c, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "every unfinished "
                                   "thread is blocked");

    for (unsigned t = 0; t < c->n && used < len; t++) {
        const struct pending *p = &c->pend[t];
        char on[48];

        snprintf(on, sizeof(on), "%s", p->obj);
        if (p->kind[0] != '\0') {
            unsigned rel = 0;

            for (unsigned i = 0; i < c->nobjs; i++)
                if (strcmp(c->objs[i].kind, p->kind) == 0 &&
                    c->objs[i].id == p->id)
                    rel = c->objs[i].rel;
            if (p->id == 0)
                snprintf(on, sizeof(on), "%s", p->kind);
            else if (rel > 0)
                snprintf(on, sizeof(on), "%s#%u", p->kind, rel);
            else
                snprintf(on, sizeof(on), "%s (not touched before)", p->kind);
        }

        if (c->status[t] == TH_DONE)
            used += (size_t)snprintf(buf + used, len - used, "; %s finished",
                                     c->sc->threads[t].name);
        else
            used += (size_t)snprintf(buf + used, len - used,
                                     "; %s blocked at %s%s%s (statement: %s)",
                                     c->sc->threads[t].name, p->label,
                                     on[0] ? " " : "", on,
                                     c->stmt_text[t][0] ? c->stmt_text[t]
                                     : "none started yet");
    }
}

size_t st_ctl_decisions(const struct st_ctl *c, const unsigned char **dec)
{
    *dec = c->dec;
    return c->ndec;
}

const struct st_trace *st_ctl_trace(const struct st_ctl *c)
{
    return &c->trace;
}

unsigned st_ctl_preemptions(const struct st_ctl *c)
{
    return c->preempt;
}

uint64_t st_ctl_schedules(const struct st_ctl *c)
{
    return c->schedules;
}

double st_ctl_seconds(const struct st_ctl *c)
{
    return c->sh->seconds;
}

uint64_t st_ctl_same_failures(const struct st_ctl *c)
{
    return c->sh->same_failures;
}

bool st_ctl_exhausted(const struct st_ctl *c)
{
    return c->exhausted;
}

const char *st_ctl_misfit(const struct st_ctl *c)
{
    return c->misfit ? c->misfit_msg : NULL;
}

/* ---- hand-off between threads ------------------------------------------- */

static _Noreturn void deadlock(struct st_ctl *c)
{
    char *s;
    const unsigned char *d;
    size_t n = st_ctl_decisions(c, &d);

    st_ctl_deadlock_text(c, c->sh->deadlock_msg,
                         sizeof(c->sh->deadlock_msg));
    c->sh->deadlock = 1;
    s = st_schedule_format(c->sc, d, n);
    if (s != NULL) {
        snprintf(c->sh->fail_schedule, sizeof(c->sh->fail_schedule), "%s",
                 s);
        c->sh->fail_preemptions = c->preempt;
        c->sh->fail_step = c->trace.n ? (unsigned)c->trace.n - 1 : 0;
    }
    fprintf(stderr, "sslstress: %s: deadlock: %s\nsslstress: schedule: %s\n",
            c->sc->path, c->sh->deadlock_msg, s != NULL ? s : "?");
    free(s);
    fflush(NULL);
    /* The threads are parked inside minissl's lock loop: nothing can unwind
     * them.  The parent reads the shared block (isolate.c). */
    _exit(ST_SCHED_EXIT_DEADLOCK);
}

/* With the mutex held: hand the turn to |next| and wait for ours. */
static void hand_off(struct st_ctl *c, unsigned th, int next, bool wait)
{
    if (next == ST_CORE_DEADLOCK)
        deadlock(c);
    if (next >= 0 && (unsigned)next != th)
        pthread_cond_signal(&c->cv[next]);
    while (wait && c->turn != (int)th)
        pthread_cond_wait(&c->cv[th], &c->mu);
}

static void probe_detectors(struct st_ctl *c, unsigned th)
{
    struct st_be_detect d;

    if (c->fired_step != SIZE_MAX)
        return;
    st_be_detectors(&d);
    if (d.misuse != c->det_base.misuse ||
        d.quarantine_hits != c->det_base.quarantine_hits)
        c->fired_step = c->last_step[th] != SIZE_MAX ? c->last_step[th]
                                                     : c->trace.n;
}

static void set_pending_obj(struct st_ctl *c, unsigned th, const char *kind,
                            unsigned long id)
{
    c->pend[th].obj[0] = '\0';
    snprintf(c->pend[th].kind, sizeof(c->pend[th].kind), "%s",
             kind != NULL ? kind : "");
    c->pend[th].id = id;
}

void st_ctl_point(struct st_ctl *c, unsigned th, const char *label,
                  const char *kind, unsigned long id, const char *text)
{
    int next;

    pthread_mutex_lock(&c->mu);
    set_pending_obj(c, th, kind, id);
    probe_detectors(c, th);
    next = st_ctl_event(c, th, ST_EV_POINT, NULL, label, NULL, text);
    hand_off(c, th, next, true);
    pthread_mutex_unlock(&c->mu);
}

void st_ctl_finish(struct st_ctl *c, unsigned th)
{
    int next;

    pthread_mutex_lock(&c->mu);
    probe_detectors(c, th);
    next = st_ctl_event(c, th, ST_EV_DONE, NULL, NULL, NULL, NULL);
    hand_off(c, th, next, false);
    pthread_mutex_unlock(&c->mu);
}

void st_ctl_blocked(struct st_ctl *c, unsigned th, const void *obj,
                    const char *label, const char *kind, unsigned long id)
{
    int next;

    pthread_mutex_lock(&c->mu);
    set_pending_obj(c, th, kind, id);
    next = st_ctl_event(c, th, ST_EV_BLOCKED, obj, label, NULL, NULL);
    hand_off(c, th, next, true);
    pthread_mutex_unlock(&c->mu);
}

uint64_t st_ctl_others(struct st_ctl *c, unsigned th)
{
    uint64_t n;

    pthread_mutex_lock(&c->mu);
    n = c->events - c->own_events[th];
    pthread_mutex_unlock(&c->mu);
    return n;
}

int st_ctl_wait_event(struct st_ctl *c, unsigned th, bool worked,
                      const char *label)
{
    if (worked)
        progressed(c, th);
    return st_ctl_event(c, th, ST_EV_BLOCKED, &c->wait_token, label, NULL,
                        NULL);
}

void st_ctl_wait(struct st_ctl *c, unsigned th, uint64_t seen,
                 bool worked, const char *label)
{
    pthread_mutex_lock(&c->mu);
    if (c->events - c->own_events[th] == seen) {
        set_pending_obj(c, th, NULL, 0);
        hand_off(c, th, st_ctl_wait_event(c, th, worked, label), true);
    } else if (worked) {
        progressed(c, th);
    }
    pthread_mutex_unlock(&c->mu);
}

static void note(struct st_ctl *c, unsigned th, const struct st_sched_point *p,
                 bool release)
{
    pthread_mutex_lock(&c->mu);
    progressed(c, th);
    if (release)
        st_ctl_release(c, p->obj);
    if (c->last_step[th] != SIZE_MAX && c->last_step[th] < c->trace.n) {
        struct st_trace_step *s = &c->trace.steps[c->last_step[th]];

        if (!release && strcmp(s->label, p->label) == 0) {
            s->before = p->before;
            s->after = p->after;
            if (p->what != NULL)
                snprintf(s->what, sizeof(s->what), "%s", p->what);
            mirror(c, c->last_step[th]);
        } else {
            /* A NOTE without its YIELD, a RELEASE: its own step (never a
             * scheduling point). */
            snprintf(c->pend[th].label, sizeof(c->pend[th].label), "%s",
                     p->label);
            set_pending_obj(c, th, p->kind, p->id);
            c->pend[th].text[0] = '\0';
            if (push_step(c, th, false)) {
                s = &c->trace.steps[c->trace.n - 1];
                s->before = p->before;
                s->after = p->after;
                if (p->what != NULL)
                    snprintf(s->what, sizeof(s->what), "%s", p->what);
                mirror(c, c->trace.n - 1);
            }
        }
    }
    pthread_mutex_unlock(&c->mu);
}

/* ---- hooks -------------------------------------------------------------- */

static void (*saved_stmt_hook)(uint64_t, int, const struct st_stmt *);

static void stmt_hook(uint64_t it, int thread, const struct st_stmt *st)
{
    struct st_ctl *c = active;

    /* The point first: a test hook (runner.h) then runs as part of the
     * statement, once the scheduler has chosen it. */
    if (c != NULL && thread >= 0 && (unsigned)thread < c->n)
        st_ctl_point(c, (unsigned)thread, "stmt", NULL, 0,
                     st->text != NULL ? st->text : "?");
    if (saved_stmt_hook != NULL)
        saved_stmt_hook(it, thread, st);
}

static void minissl_hook(int ev, const struct st_sched_point *p)
{
    struct st_ctl *c = active;
    int th = st_current_thread;

    /* Only scenario threads inside their block; setup, check, global and
     * the harness outside the threads phase run uncontrolled. */
    if (c == NULL || th < 0 || (unsigned)th >= c->n)
        return;
    switch (ev) {
    case ST_SP_YIELD:
        st_ctl_point(c, (unsigned)th, p->label, p->kind, p->id, "");
        break;
    case ST_SP_BLOCKED:
        st_ctl_blocked(c, (unsigned)th, p->obj, p->label, p->kind, p->id);
        break;
    case ST_SP_NOTE:
        note(c, (unsigned)th, p, false);
        break;
    case ST_SP_RELEASE:
        note(c, (unsigned)th, p, true);
        break;
    }
}

struct st_ctl *st_ctl_current(void)
{
    return active;
}

void st_ctl_install(struct st_ctl *c)
{
    active = c;
    saved_stmt_hook = st_stmt_hook;
    st_stmt_hook = stmt_hook;
    st_be_sched_install(minissl_hook);
}

void st_ctl_uninstall(struct st_ctl *c)
{
    if (active != c)
        return;
    st_be_sched_install(NULL);
    st_stmt_hook = saved_stmt_hook;
    saved_stmt_hook = NULL;
    active = NULL;
}

/* ---- iterations --------------------------------------------------------- */

static void pct_setup(struct st_ctl *c)
{
    unsigned d = c->sp.depth;

    /* Distinct priorities d .. d+n-1 in random order (Fisher-Yates), then
     * d-1 change points uniform over [1, k]. */
    for (unsigned i = 0; i < c->n; i++)
        c->prio[i] = (int)(d + i);
    for (unsigned i = c->n; i > 1; i--) {
        unsigned j = st_prng_below(&c->prng, i);
        int t = c->prio[i - 1];

        c->prio[i - 1] = c->prio[j];
        c->prio[j] = t;
    }
    for (unsigned j = 0; j + 1 < d; j++)
        c->change[j] = 1 + st_prng_below(&c->prng, (uint32_t)(c->k_est > 0
                                                  ? c->k_est : 1));
}

bool st_ctl_begin(struct st_ctl *c, uint64_t it)
{
    if (c->misfit || c->exhausted || c->mode == M_SHRINK_DONE)
        return false;
    if (c->mode != M_MAIN && (now_s() > c->shrink_deadline))
        return false;
    c->iteration = it;
    c->arrived = 0;
    c->preempt = 0;
    c->ndec = 0;
    c->sh->ndec = 0;
    c->sh->preemptions = 0;
    c->sh->nsteps = 0;
    c->nobjs = 0;
    c->turn = -1;
    c->fired_step = SIZE_MAX;
    st_be_detectors(&c->det_base);
    st_trace_clear(&c->trace);
    c->events = 0;
    for (unsigned i = 0; i < c->n; i++) {
        c->status[i] = TH_ABSENT;
        c->blocked_on[i] = NULL;
        c->own_events[i] = 0;
        c->last_step[i] = SIZE_MAX;
        c->stmt_text[i][0] = '\0';
        memset(&c->pend[i], 0, sizeof(c->pend[i]));
    }
    st_prng_seed(&c->prng, c->seed, it, 0xffffu);
    if (c->mode == M_MAIN && c->sp.kind == ST_SCHED_PCT)
        pct_setup(c);
    if (c->mode == M_SHRINK_GREEDY) {
        /* The candidate: the best so far without decision greedy_i. */
        c->ncand = 0;
        for (size_t i = 0; i < c->nbest; i++)
            if (i != c->greedy_i)
                c->cand[c->ncand++] = c->best[i];
        memcpy(c->prefix, c->cand, c->ncand);
        c->plen = c->ncand;
    }
    return true;
}

/* DFS: the deepest decision with an untried alternative within the bound
 * becomes the last of the next prefix.  false: exhausted. */
static bool dfs_next(struct st_ctl *c, unsigned bound)
{
    for (size_t i = c->ndec; i-- > 0;) {
        uint64_t left = c->enabled[i] & ~c->tried[i];

        while (left != 0) {
            unsigned t = lowest(left);
            bool pre = c->current[i] >= 0 &&
                       (c->enabled[i] & (UINT64_C(1) << c->current[i])) &&
                       t != (unsigned)c->current[i];

            left &= left - 1;
            c->tried[i] |= UINT64_C(1) << t;
            if (c->pre_before[i] + (pre ? 1u : 0u) > bound)
                continue;
            memcpy(c->prefix, c->dec, i);
            c->prefix[i] = (unsigned char)t;
            c->plen = i + 1;
            return true;
        }
    }
    return false;
}

static bool better(unsigned pre, size_t step, unsigned bpre, size_t bstep)
{
    return pre < bpre || (pre == bpre && step < bstep);
}

static void keep_best(struct st_ctl *c, size_t step)
{
    memcpy(c->best, c->dec, c->ndec);
    c->nbest = c->ndec;
    c->best_pre = c->preempt;
    c->best_step = step;
    c->improved = true;
}

void st_ctl_end(struct st_ctl *c, bool failed, const char *kind,
                size_t step)
{
    bool same = false;

    if (c->strict && !c->misfit && c->ndec < c->plen)
        set_misfit(c, "the schedule does not fit: the run made %zu "
                   "decisions, the schedule has %zu", c->ndec, c->plen);
    if (c->trace.n > c->k_est)
        c->k_est = c->trace.n;
    if (failed && kind != NULL && c->have_fail)
        same = strcmp(kind, c->fail_kind) == 0 && step == c->fail_step;
    if (c->mode == M_MAIN) {
        c->schedules++;
        c->sh->schedules = c->schedules;
        c->sh->seconds = now_s() - c->t0;
        if (failed && kind != NULL && !c->have_fail) {
            c->have_fail = true;
            snprintf(c->fail_kind, sizeof(c->fail_kind), "%s", kind);
            c->fail_step = step;
            c->fail_pre = c->preempt;
            free(c->fail_dec);
            if ((c->fail_dec = malloc(c->ndec ? c->ndec : 1)) != NULL)
                memcpy(c->fail_dec, c->dec, c->ndec);
            c->fail_ndec = c->ndec;
            same = true;
            c->sh->failed = 1;
            snprintf(c->sh->fail_kind, sizeof(c->sh->fail_kind), "%s", kind);
        }
        if (same)
            c->sh->same_failures++;
        if (c->sp.kind == ST_SCHED_DFS && !dfs_next(c, c->bound)) {
            c->exhausted = true;
            c->sh->exhausted = 1;
        }
        return;
    }
    /* Shrinking. */
    c->shrink_runs++;
    c->sh->shrink_schedules = c->shrink_runs;
    if (c->mode == M_SHRINK_DFS) {
        bool hit = failed && kind != NULL &&
                   strcmp(kind, c->fail_kind) == 0;

        if (hit && better(c->preempt, step, c->best_pre, c->best_step)) {
            keep_best(c, step);
            c->mode = M_SHRINK_GREEDY;
            c->greedy_i = 0;
            return;
        }
        if (!hit && c->shrink_runs < c->dfs_budget_end &&
            dfs_next(c, c->bound))
            return;
        /* This bound found nothing (or ran out of budget): the next. */
        if (c->bound + 1 < c->best_pre) {
            c->bound++;
            c->plen = 0;
            c->dfs_budget_end = c->shrink_runs + 2000;
            return;
        }
        c->mode = M_SHRINK_GREEDY;
        c->greedy_i = 0;
        return;
    }
    if (c->mode == M_SHRINK_GREEDY) {
        bool hit = failed && kind != NULL &&
                   strcmp(kind, c->fail_kind) == 0;

        if (hit && better(c->preempt, step, c->best_pre, c->best_step) &&
            c->preempt <= c->best_pre)
            keep_best(c, step);     /* retry the same index on the new best */
        else
            c->greedy_i++;
        if (c->greedy_i >= c->nbest)
            c->mode = M_SHRINK_DONE;
    }
}

bool st_ctl_shrink_begin(struct st_ctl *c)
{
    size_t M = ST_SCHED_MAX_DECISIONS;

    if (!c->have_fail || c->fail_dec == NULL)
        return false;
    if (c->best == NULL && (c->best = malloc(M)) == NULL)
        return false;
    if (c->cand == NULL && (c->cand = malloc(M)) == NULL)
        return false;
    memcpy(c->best, c->fail_dec, c->fail_ndec);
    c->nbest = c->fail_ndec;
    c->best_pre = c->fail_pre;
    c->best_step = c->fail_step;
    c->improved = false;
    c->strict = false;
    c->misfit = false;
    c->exhausted = false;
    c->shrink_deadline = now_s() + (c->sp.shrink_seconds > 0
                                    ? c->sp.shrink_seconds : 10.0);
    c->plen = 0;
    c->bound = 0;
    c->dfs_budget_end = 2000;
    c->mode = c->best_pre > 0 ? M_SHRINK_DFS : M_SHRINK_GREEDY;
    c->greedy_i = 0;
    return true;
}

char *st_ctl_shrunk(struct st_ctl *c, unsigned *preemptions, unsigned *steps)
{
    char *s;

    if (c->best == NULL)
        return NULL;
    s = st_schedule_format(c->sc, c->best, c->nbest);
    *preemptions = c->best_pre;
    *steps = (unsigned)c->best_step + 1;
    if (s != NULL) {
        snprintf(c->sh->shrunk_schedule, sizeof(c->sh->shrunk_schedule),
                 "%s", s);
        c->sh->shrunk = 1;
        c->sh->shrunk_preemptions = c->best_pre;
        c->sh->shrunk_step = (unsigned)c->best_step;
    }
    c->mode = M_MAIN;
    return s;
}

void st_ctl_rebind(struct st_ctl *c, struct st_sched_shared *sh)
{
    /* The decisions live in the block: carry the current ones over. */
    memcpy(sh->dec, c->dec, c->ndec);
    sh->ndec = (unsigned)c->ndec;
    c->sh = sh;
    c->dec = sh->dec;
}

size_t st_ctl_fail_step(struct st_ctl *c, int th)
{
    if (th >= 0 && (unsigned)th < c->n && c->last_step[th] != SIZE_MAX)
        return c->last_step[th];
    if (th < 0 && c->fired_step != SIZE_MAX && c->fired_step < c->trace.n)
        return c->fired_step;
    return c->trace.n ? c->trace.n - 1 : 0;
}

int st_ctl_fill_failure(struct st_ctl *c, struct st_failure *f, size_t step,
                        const char *fired)
{
    struct st_trace *t;
    size_t names = 0, nsteps = c->trace.n ? step + 1 : 0;
    char *p;

    if (nsteps > c->trace.n)
        nsteps = c->trace.n;
    f->schedule = st_schedule_format(c->sc, c->dec, c->ndec);
    if (f->schedule == NULL)
        return -ENOMEM;
    f->preemptions = c->preempt;
    f->steps = (unsigned)nsteps;
    if (c->sh->fail_schedule[0] == '\0') {
        snprintf(c->sh->fail_schedule, sizeof(c->sh->fail_schedule), "%s",
                 f->schedule);
        c->sh->fail_preemptions = c->preempt;
        c->sh->fail_step = (unsigned)step;
    }
    /* One block: the trace, its thread-name table and the names. */
    for (unsigned i = 0; i < c->n; i++)
        names += strlen(c->names[i]) + 1;
    t = calloc(1, sizeof(*t) + c->n * sizeof(char *) + names);
    if (t == NULL)
        return -ENOMEM;
    {
        const char **tab = (const char **)(t + 1);

        p = (char *)(tab + c->n);
        for (unsigned i = 0; i < c->n; i++) {
            size_t l = strlen(c->names[i]) + 1;

            memcpy(p, c->names[i], l);
            tab[i] = p;
            p += l;
        }
        t->thread_names = tab;
    }
    t->nthreads = c->n;
    for (size_t i = 0; i < nsteps; i++)
        if (st_trace_add(t, &c->trace.steps[i]) != 0) {
            st_trace_free(t);
            free(t);
            return -ENOMEM;
        }
    snprintf(t->fired, sizeof(t->fired), "%s", fired != NULL ? fired : "");
    f->trace = t;
    return 0;
}
