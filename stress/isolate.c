/* Isolation: each scenario runs in a forked child.  See runner.h.
 *
 * The child runs st_run_scenario() and writes its st_result as one line of
 * JSON (report.h) to a pipe.  Its stderr goes to a memory file the parent
 * replays afterwards (so minissl's "double free of SSL #17" lands in the
 * report; not for o->quiet_child, the harness's own check runs).
 * Progress and each thread's position live in a MAP_SHARED struct
 * st_shared.  The parent polls the pipe; the watchdog kills the
 * child when neither the iteration number nor the phase changed for the
 * scenario's timeout.  A child that dies by a signal, is killed by the
 * watchdog, or exits without a result becomes a FAIL result built from the
 * shared positions.
 *
 * The parent is single-threaded when it forks (the runner creates its
 * threads in the child), so fork() is safe here. */
#include "runner.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "barrier.h"
#include "detector.h"
#include "failure.h"
#include "measure.h"
#include "report.h"
#include "schedule.h"

static struct st_shared *child_sh;

static void crash_handler(int sig)
{
    /* Async-signal-safe: a relaxed store to shared memory, then die by the
     * same signal (SA_RESETHAND restored the default action). */
    atomic_store_explicit(&child_sh->crash_thread, st_current_thread,
                          memory_order_relaxed);
    raise(sig);
}

static void child_signals(void)
{
    struct sigaction sa;
    static const int sigs[] = { SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV };
    size_t n = sizeof(sigs) / sizeof(sigs[0]);

    /* Under a sanitizer keep only SIGABRT (which they leave alone): their
     * own handlers of the others report better than we could. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    n = 1;
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    n = 1;
#endif
#endif
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < n; i++)
        sigaction(sigs[i], &sa, NULL);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static _Noreturn void child(const struct st_scenario *sc,
                            const struct st_opts *o,
                            const struct st_range *rg, size_t nrg,
                            struct st_shared *sh, int fd)
{
    struct st_result res;
    char *json;
    int e;

    child_sh = sh;
    child_signals();
    e = st_run_scenario(sc, o, rg, nrg, sh, &res);
    if (e != 0) {
        fprintf(stderr, "sslstress: %s: %s\n", sc->path, strerror(-e));
        _exit(3);
    }
    json = st_result_to_json_string(&res);
    st_result_free(&res);
    if (json == NULL || write_all(fd, json, strlen(json)) != 0)
        _exit(3);
    free(json);
    _exit(0);
}

static const struct st_block *phase_block(const struct st_scenario *sc,
                                          int phase)
{
    switch (phase) {
    case ST_PH_GLOBAL: return sc->has_global ? &sc->global : NULL;
    case ST_PH_SETUP: return sc->has_setup ? &sc->setup : NULL;
    case ST_PH_CHECK: return sc->has_check ? &sc->check : NULL;
    default: return NULL;
    }
}

/* The last line of the child's stderr, for the failure message. */
static void last_line(const char *log, char *buf, size_t len)
{
    const char *end = log + strlen(log), *p;

    while (end > log && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    p = end;
    while (p > log && p[-1] != '\n')
        p--;
    snprintf(buf, len, "%.*s", (int)(end - p), p);
}

/* Build the FAIL result of a child that died or hung.  The child is gone
 * (waitpid returned), so its relaxed stores to |sh| are all visible here:
 * the loads below are relaxed too (runner.h, struct st_shared). */
static int dead_result(const struct st_scenario *sc, const struct st_opts *o,
                       const struct st_range *rg, size_t nrg,
                       const struct st_shared *sh, int sig, bool timeout,
                       int status, const char *log, double secs,
                       struct st_result *out)
{
    struct st_result base;
    struct st_failure *f;
    const struct st_block *pb;
    int phase = atomic_load_explicit(&sh->phase, memory_order_relaxed), ct;
    uint64_t it = atomic_load_explicit(&sh->iteration, memory_order_relaxed);
    unsigned pos[ST_MAX_THREADS];
    char msg[600], tail[300], where[300];
    int e;

    if ((e = st_result_skip(sc, o, "", &base)) != 0)
        return e;
    *out = base;
    free(out->reason);
    out->reason = NULL;
    out->verdict = ST_FAIL;
    for (size_t i = 0; i < nrg; i++)
        out->iterations_planned += rg[i].end - rg[i].begin;
    out->iterations_run = atomic_load_explicit(&sh->done,
                                               memory_order_relaxed) + 1;
    out->iterations_failed = atomic_load_explicit(&sh->failed,
                                                  memory_order_relaxed) + 1;
    out->seconds = secs;
    last_line(log, tail, sizeof(tail));
    pb = phase_block(sc, phase);
    if (timeout)
        snprintf(msg, sizeof(msg), "iteration %" PRIu64 " did not finish "
                 "within %lld ms (in %s); killed by the watchdog", it,
                 sc->timeout_ms,
                 phase == ST_PH_THREADS ? "the threads" :
                 pb != NULL ? (phase == ST_PH_SETUP ? "setup" :
                               phase == ST_PH_CHECK ? "check" : "global")
                            : "the harness");
    else if (sig != 0)
        snprintf(msg, sizeof(msg), "killed by signal %d (%s) in iteration %"
                 PRIu64 "%s%s", sig, strsignal(sig), it,
                 tail[0] ? ": " : "", tail);
    else
        snprintf(msg, sizeof(msg), "the child exited with status %d without "
                 "a result in iteration %" PRIu64 "%s%s", status, it,
                 tail[0] ? ": " : "", tail);
    if ((f = st_failure_add(out, o, it, timeout ? "timeout" : "crash",
                            msg)) == NULL)
        goto oom;
    f->signal = sig;
    /* Before the threads phase no thread has started a statement. */
    for (size_t i = 0; i < sc->nthreads; i++)
        pos[i] = phase >= ST_PH_THREADS
               ? atomic_load_explicit(&sh->th[i].pos, memory_order_relaxed)
               : 0;
    if (st_failure_threads(f, sc, pos) != 0)
        goto oom;
    ct = atomic_load_explicit(&sh->crash_thread, memory_order_relaxed);
    if (phase == ST_PH_THREADS && ct >= 0 && (size_t)ct < sc->nthreads) {
        const char *last = strrchr(f->thread_trace[ct], '\n');

        snprintf(where, sizeof(where), "%s (thread %s, statement: %s)",
                 sc->path, sc->threads[ct].name,
                 last != NULL ? last + 1 : f->thread_trace[ct]);
        f->where = strdup(where);
    } else if (pb != NULL) {
        unsigned bpos = atomic_load_explicit(phase == ST_PH_GLOBAL
                                             ? &sh->global_pos
                                             : phase == ST_PH_SETUP
                                             ? &sh->setup_pos
                                             : &sh->check_pos,
                                             memory_order_relaxed);
        char *tr = st_block_trace(pb, bpos);
        const char *last = tr != NULL ? strrchr(tr, '\n') : NULL;

        snprintf(where, sizeof(where), "%s (%s, statement: %s)", sc->path,
                 phase == ST_PH_GLOBAL ? "global" :
                 phase == ST_PH_SETUP ? "setup" : "check",
                 last != NULL ? last + 1 : tr != NULL ? tr : "?");
        free(tr);
        f->where = strdup(where);
    }
    (void)st_failure_replay(f, sc, o);
    return 0;
 oom:
    st_result_free(out);
    memset(out, 0, sizeof(*out));
    return -ENOMEM;
}

/* Controlled mode: what the child left in the shared block.  A child that
 * died (crash, abort, watchdog, deadlock) still gets the schedule it was
 * running (replayable: the decisions so far, then forced steps) and the
 * steps it had taken; a child that reported gets the totals (and the
 * schedule strings, should its JSON not carry them). */
static int sched_apply(const struct st_scenario *sc, const struct st_opts *o,
                       const struct st_sched_shared *ss, bool died,
                       struct st_result *out)
{
    struct st_failure *f = out->nfailures > 0 ? &out->failures[0] : NULL;
    char name[64];

    st_sched_spec_name(o->sched, name, sizeof(name));
    if (out->schedule == NULL || strcmp(out->schedule, "free") == 0) {
        free(out->schedule);
        if ((out->schedule = strdup(name)) == NULL)
            return -ENOMEM;
    }
    if (out->schedules < ss->schedules + (died ? 1 : 0))
        out->schedules = ss->schedules + (died ? 1 : 0);
    if (out->schedule_seconds < ss->seconds)
        out->schedule_seconds = ss->seconds;
    if (ss->exhausted)
        out->exhausted = 1;
    if (out->same_failures < ss->same_failures)
        out->same_failures = ss->same_failures;
    if (ss->misfit && !out->schedule_misfit) {
        out->schedule_misfit = 1;
        out->verdict = ST_ERROR;
        free(out->reason);
        out->reason = strdup(ss->misfit_msg);
    }
    if (f == NULL)
        return 0;
    if (died) {
        size_t n = ss->nsteps < ST_SCHED_SH_STEPS ? ss->nsteps
                                                  : ST_SCHED_SH_STEPS;
        size_t first = ss->nsteps - n;      /* the ring keeps the last */

        free(f->schedule);
        f->schedule = st_schedule_format(sc, ss->dec, ss->ndec);
        f->preemptions = ss->preemptions;
        f->steps = ss->nsteps;
        if (ss->deadlock) {
            free(f->kind);
            free(f->message);
            f->kind = strdup("deadlock");
            f->message = strdup(ss->deadlock_msg);
            f->signal = 0;
        }
        if (f->trace == NULL && n > 0 &&
            (f->trace = calloc(1, sizeof(*f->trace) +
                               sc->nthreads * sizeof(char *))) != NULL) {
            const char **tab = (const char **)(f->trace + 1);

            /* Names borrowed from |sc|, which outlives the reports. */
            for (size_t i = 0; i < sc->nthreads; i++)
                tab[i] = sc->threads[i].name;
            f->trace->thread_names = tab;
            f->trace->nthreads = (unsigned)sc->nthreads;
            f->trace->first = first;
            for (size_t i = first; i < ss->nsteps; i++)
                st_trace_add(f->trace, &ss->steps[i % ST_SCHED_SH_STEPS]);
            snprintf(f->trace->fired, sizeof(f->trace->fired), "%s",
                     f->message != NULL ? f->message : "");
        }
    } else if (ss->fail_schedule[0] != '\0' &&
               (f->schedule == NULL ||
                strcmp(f->schedule, ss->fail_schedule) == 0)) {
        /* The counts do not cross in the JSON: take them from here. */
        if (f->schedule == NULL)
            f->schedule = strdup(ss->fail_schedule);
        f->preemptions = ss->fail_preemptions;
        f->steps = ss->fail_step + 1;
    }
    if (ss->shrunk && !died) {
        if (f->schedule_shrunk == NULL)
            f->schedule_shrunk = strdup(ss->shrunk_schedule);
        f->shrunk_preemptions = ss->shrunk_preemptions;
        f->shrunk_steps = ss->shrunk_step + 1;
    }
    if (f->schedule != NULL)
        (void)st_failure_replay(f, sc, o);
    return 0;
}

/* The child sent its result but exited non-zero afterwards: a detector
 * (Valgrind's --error-exitcode, a sanitizer at exit) found something.  The
 * result stays, and fails. */
static int late_failure(struct st_result *r, const struct st_opts *o,
                        int status, const char *log)
{
    char msg[400], tail[300];

    last_line(log, tail, sizeof(tail));
    snprintf(msg, sizeof(msg), "the scenario's process exited with status "
             "%d after its run (a detector reported)%s%s", status,
             tail[0] ? ": " : "", tail);
    /* No replay command: the finding came at the process's exit, after
     * its last iteration, which is all it can name. */
    if (st_failure_add(r, o, r->iterations_run > 0 ? r->iterations_run - 1
                                                   : 0,
                       "detector", msg) == NULL)
        return -ENOMEM;
    if (r->verdict == ST_PASS || r->verdict == ST_SKIP)
        r->verdict = ST_FAIL;
    if (r->iterations_failed == 0)
        r->iterations_failed = 1;
    return 0;
}

/* The watchdog's stretch: SSLSTRESS_TIMEOUT_MULTIPLIER (a positive
 * number) if set, else 20 under Valgrind (it runs one thread at a time,
 * 20-100x slower), else 1. */
double st_timeout_multiplier(void)
{
    const char *e = getenv("SSLSTRESS_TIMEOUT_MULTIPLIER");
    double m;

    if (e != NULL && (m = strtod(e, NULL)) > 0)
        return m;
    return st_on_valgrind() ? 20.0 : 1.0;
}

/* A sanitizer catches a fatal signal itself, reports it and exits with its
 * own status: recover the signal from its report ("ThreadSanitizer: SEGV"). */
static int sanitizer_signal(const char *log)
{
    static const struct { const char *text; int sig; } map[] = {
        { "Sanitizer: SEGV", SIGSEGV }, { "Sanitizer: BUS", SIGBUS },
        { "Sanitizer: FPE", SIGFPE }, { "Sanitizer: ILL", SIGILL },
        { "Sanitizer: ABRT", SIGABRT },
    };

    if (log == NULL)
        return 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strstr(log, map[i].text) != NULL)
            return map[i].sig;
    return 0;
}

int st_run_isolated(const struct st_scenario *sc, const struct st_opts *o,
                    const struct st_range *rg, size_t nrg,
                    struct st_result *out,
                    void (*tick)(void *arg, const struct st_shared *sh),
                    void *arg)
{
    struct st_shared *sh;
    struct st_sched_shared *ss = NULL;
    bool controlled = o->sched != NULL && o->sched->kind != ST_SCHED_FREE;
    int pfd[2], logfd, status = 0, e = 0;
    pid_t pid;
    char *buf = NULL, *log = NULL;
    size_t len = 0, cap = 0;
    bool timeout = false, eof = false;
    double t0 = st_now_s(), last_change = t0, limit;
    uint64_t last_it = UINT64_MAX;
    int last_phase = -1;
    char err[256];

    limit = (sc->timeout_ms > 0 ? (double)sc->timeout_ms : 10000.0) / 1000.0;
    limit *= st_timeout_multiplier();
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return -errno;
    memset(sh, 0, sizeof(*sh));
    /* relaxed: the child that reads it is forked after this store. */
    atomic_store_explicit(&sh->crash_thread, -1, memory_order_relaxed);
    if (controlled) {
        /* Zero-filled by mmap; pages are touched only as they are used. */
        ss = mmap(NULL, sizeof(*ss), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (ss == MAP_FAILED) {
            e = -errno;
            munmap(sh, sizeof(*sh));
            return e;
        }
        sh->sched = ss;
    }
    if ((logfd = memfd_create("sslstress-child-stderr", 0)) < 0) {
        e = -errno;
        goto out_unmap;
    }
    if (pipe(pfd) != 0) {
        e = -errno;
        goto out_log;
    }
    fflush(NULL);
    if ((pid = fork()) < 0) {
        e = -errno;
        close(pfd[0]);
        close(pfd[1]);
        goto out_log;
    }
    if (pid == 0) {
        close(pfd[0]);
        dup2(logfd, STDERR_FILENO);
        child(sc, o, rg, nrg, sh, pfd[1]);
    }
    close(pfd[1]);
    while (!eof) {
        struct pollfd p = { .fd = pfd[0], .events = POLLIN };
        int n = poll(&p, 1, 100);
        double now = st_now_s();
        uint64_t it = atomic_load_explicit(&sh->iteration,
                                           memory_order_relaxed);
        int ph = atomic_load_explicit(&sh->phase, memory_order_relaxed);

        if (it != last_it || ph != last_phase) {
            last_it = it;
            last_phase = ph;
            last_change = now;
        }
        if (n > 0) {
            ssize_t r;

            if (len + 65536 > cap) {
                char *nb = realloc(buf, cap = (cap + 65536) * 2);

                if (nb == NULL) {
                    e = -ENOMEM;
                    kill(pid, SIGKILL);
                    break;
                }
                buf = nb;
            }
            r = read(pfd[0], buf + len, cap - len - 1);
            if (r == 0)
                eof = true;
            else if (r > 0)
                len += (size_t)r;
        } else if (n < 0 && errno != EINTR) {
            e = -errno;
            kill(pid, SIGKILL);
            break;
        }
        if (!eof && ph != ST_PH_END && now - last_change > limit) {
            timeout = true;
            kill(pid, SIGKILL);
            break;
        }
        if (tick != NULL)
            tick(arg, sh);
    }
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* The child's stderr: replay it (but not the reports of a scenario
     * that races on purpose: they are its pass, and they stay in its
     * detector log), and keep it for the message. */
    {
        off_t size = lseek(logfd, 0, SEEK_END);

        if (size > 0 && (log = malloc((size_t)size + 1)) != NULL) {
            ssize_t r = pread(logfd, log, (size_t)size, 0);

            log[r > 0 ? r : 0] = '\0';
            if (!(sc->expect_race && st_detector_name() != NULL) &&
                !o->quiet_child)
                fputs(log, stderr);
        }
    }
    if (e != 0)
        goto out;
    if (!timeout && WIFEXITED(status) && len > 0) {
        bool absorbed = false;

        e = st_result_from_json_string(buf, len, out, err, sizeof(err));
        if (e != 0) {
            fprintf(stderr, "sslstress: %s: bad result from the child: %s\n",
                    sc->path, err);
            goto out;
        }
        /* A detector's findings; they also explain a non-zero exit
         * (--error-exitcode, TSan's exitcode) that follows them. */
        e = st_detector_collect(sc, o, pid, log, sh, out, &absorbed);
        if (e == 0 && WEXITSTATUS(status) != 0 && !absorbed)
            e = late_failure(out, o, WEXITSTATUS(status),
                             log != NULL ? log : "");
        if (e == 0 && ss != NULL)
            e = sched_apply(sc, o, ss, false, out);
        goto out;
    }
    e = dead_result(sc, o, rg, nrg, sh,
                    timeout ? 0 : WIFSIGNALED(status) ? WTERMSIG(status)
                                : sanitizer_signal(log),
                    timeout, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                    log != NULL ? log : "", st_now_s() - t0, out);
    if (e == 0) {
        /* A child its detector stopped (TSan's halt_on_error, ASan) died
         * of its report: the report is the finding. */
        bool absorbed = false;

        e = st_detector_collect(sc, o, pid, log, sh, out, &absorbed);
    }
    if (e == 0 && ss != NULL)
        e = sched_apply(sc, o, ss, true, out);
 out:
    free(log);
    free(buf);
 out_log:
    close(logfd);
 out_unmap:
    if (ss != NULL)
        munmap(ss, sizeof(*ss));
    munmap(sh, sizeof(*sh));
    return e;
}
