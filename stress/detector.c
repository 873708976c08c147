/* Detector awareness.  See detector.h. */
#include "detector.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

#include "barrier.h"
#include "detlog.h"
#include "failure.h"

#if defined(__SANITIZE_THREAD__)
#define ST_TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ST_ASAN 1
#endif
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ST_TSAN 1
#endif
#if __has_feature(address_sanitizer)
#define ST_ASAN 1
#endif
#endif

/* ---- which detector ---------------------------------------------------- */

static char vg_tool[32];

/* The Valgrind tool whose preload object is mapped into this process. */
static const char *valgrind_tool(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];

    snprintf(vg_tool, sizeof(vg_tool), "valgrind");
    if (f == NULL)
        return vg_tool;
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *p = strstr(line, "vgpreload_");
        size_t n;

        if (p == NULL)
            continue;
        p += strlen("vgpreload_");
        n = strcspn(p, "-.\n");
        if (n == 0 || n >= sizeof(vg_tool) || strncmp(p, "core", n) == 0)
            continue;
        snprintf(vg_tool, sizeof(vg_tool), "%.*s", (int)n, p);
        break;
    }
    fclose(f);
    return vg_tool;
}

static const char *decide(void)
{
    const char *e = getenv("SSLSTRESS_DETECTOR");

    if (e != NULL && e[0] != '\0')
        return strcmp(e, "none") == 0 ? NULL : e;
#if defined(ST_TSAN)
    if (!st_on_valgrind())
        return "tsan";
#elif defined(ST_ASAN)
    if (!st_on_valgrind())
        return "asan";
#endif
    return st_on_valgrind() ? valgrind_tool() : NULL;
}

/* Decided once, single-threaded (main calls it before any thread exists,
 * the child inherits the answer); the flag keeps later calls cheap. */
static const char *det_name;
static bool det_known;

const char *st_detector_name(void)
{
    if (!det_known) {
        det_name = decide();
        det_known = true;
    }
    return det_name;
}

static bool race_detector(const char *d)
{
    return d != NULL && (strcmp(d, "tsan") == 0 ||
                         strcmp(d, "helgrind") == 0 ||
                         strcmp(d, "drd") == 0);
}

bool st_detector_sees_races(void)
{
    return race_detector(st_detector_name());
}

const char *st_detector_missing(const struct st_scenario *sc)
{
    if (sc->expect_race && !st_detector_sees_races())
        return "needs a race detector";
    return NULL;
}

/* ---- counting in the child ------------------------------------------- */

/* The shared state the counts go to; set by st_detector_attach in the
 * thread that runs the iterations, before it creates the workers (so they
 * see it through pthread_create's ordering).  A report hook may run on
 * any thread; the sanitizer serialises its reports. */
static struct st_shared *det_sh;
static void self_log_mark(void);
static char first_summary[512];
static unsigned vg_base;

void st_detector_attach(struct st_shared *sh)
{
    det_sh = sh;
    if (sh == NULL)
        return;
    first_summary[0] = '\0';
    atomic_store_explicit(&sh->det_reports, 0, memory_order_relaxed);
    atomic_store_explicit(&sh->det_first_iteration, 0, memory_order_relaxed);
    if (st_on_valgrind())
        vg_base = VALGRIND_COUNT_ERRORS;
    self_log_mark();
}

void st_detector_poll(struct st_shared *sh, uint64_t it)
{
    unsigned n;

    if (!st_on_valgrind())
        return;
    n = VALGRIND_COUNT_ERRORS - vg_base;
    /* Relaxed: the only writer is this thread; the parent reads after
     * waitpid. */
    if (n > atomic_load_explicit(&sh->det_reports, memory_order_relaxed)) {
        if (atomic_load_explicit(&sh->det_reports, memory_order_relaxed) == 0)
            atomic_store_explicit(&sh->det_first_iteration, it,
                                  memory_order_relaxed);
        atomic_store_explicit(&sh->det_reports, n, memory_order_relaxed);
        /* The reports Valgrind logged since the last marker are this
         * iteration's (detlog.h). */
        VALGRIND_PRINTF("sslstress: iteration %llu\n", (unsigned long long)it);
    }
}

const char *st_detector_first_summary(void)
{
    return first_summary[0] != '\0' ? first_summary : NULL;
}

/* Called by every sanitizer (sanitizer_common's ReportErrorSummary) once
 * per report, with its "SUMMARY: ..." line, in the thread that reported;
 * a weak default otherwise.  Nothing calls it in other builds. */
void __sanitizer_report_error_summary(const char *summary);
void __sanitizer_report_error_summary(const char *summary)
{
    struct st_shared *sh = det_sh;
    unsigned before;

    /* The sanitizer prints the line itself only when this hook is not
     * defined: keep it in the log. */
    if (summary != NULL) {
        ssize_t w = write(STDERR_FILENO, summary, strlen(summary));

        w = write(STDERR_FILENO, "\n", 1);
        (void)w;
    }
    if (sh == NULL ||
        (summary != NULL && st_detlog_deadly_signal(summary)))
        return;
    {
        /* The report above is this iteration's (detlog.h). */
        char mark[64];
        int k = snprintf(mark, sizeof(mark), "sslstress: iteration %llu\n",
                         (unsigned long long)atomic_load_explicit(
                             &sh->iteration, memory_order_relaxed));
        ssize_t w = write(STDERR_FILENO, mark, (size_t)k);

        (void)w;
    }
    /* relaxed: a tally; the parent reads it after waitpid. */
    before = atomic_fetch_add_explicit(&sh->det_reports, 1,
                                       memory_order_relaxed);
    if (before == 0) {
        atomic_store_explicit(&sh->det_first_iteration,
                              atomic_load_explicit(&sh->iteration,
                                                   memory_order_relaxed),
                              memory_order_relaxed);
        if (summary != NULL) {
            if (strncmp(summary, "SUMMARY: ", 9) == 0)
                summary += 9;
            snprintf(first_summary, sizeof(first_summary), "%s", summary);
        }
    }
}

/* ---- counting in a log ----------------------------------------------- */

unsigned st_detector_count(const char *detector, const char *log,
                           char *sum, size_t len)
{
    struct st_detlog lg;
    unsigned n;

    if (sum != NULL && len > 0)
        sum[0] = '\0';
    if (st_detlog_read(detector, log, &lg) != 0) {
        /* Out of memory: what was read still counts. */
    }
    n = (unsigned)lg.n;
    if (n > 0 && sum != NULL && len > 0)
        st_detlog_summary(&lg.reports[0], sum, len);
    st_detlog_free(&lg);
    return n;
}

/* ---- what a scenario declares known (`known race`) --------------------- */

static bool backend_listed(const struct st_known_race *k, const char *backend)
{
    for (size_t i = 0; backend != NULL && i < k->nbackends; i++)
        if (strcmp(k->backends[i], backend) == 0)
            return true;
    return false;
}

bool st_detector_known_applies(const struct st_scenario *sc,
                               const char *backend, const char *detector)
{
    if (!race_detector(detector))
        return false;
    for (size_t i = 0; i < sc->nknown; i++)
        if (backend_listed(&sc->known[i], backend))
            return true;
    return false;
}

const struct st_known_race *st_detector_known(const struct st_scenario *sc,
                                              const char *backend,
                                              const char *detector,
                                              const struct st_det_report *rep)
{
    if (!race_detector(detector) || !rep->race || !st_detlog_in_library(rep))
        return NULL;
    for (size_t i = 0; i < sc->nknown; i++) {
        const struct st_known_race *k = &sc->known[i];

        if (!backend_listed(k, backend))
            continue;
        if (k->nfunctions == 0)
            return k;
        for (size_t f = 0; f < k->nfunctions; f++)
            if (strcmp(k->functions[f], ST_KNOWN_UNNAMED) == 0
                    ? st_detlog_library_unnamed(rep)
                    : st_detlog_has_function(rep, k->functions[f]))
                return k;
    }
    return NULL;
}

/* ---- the per-scenario log ------------------------------------------- */

static int mkdir_p(const char *dir)
{
    char buf[1024];
    size_t n = strlen(dir);

    if (n == 0 || n >= sizeof(buf))
        return -ENAMETOOLONG;
    memcpy(buf, dir, n + 1);
    for (char *p = buf + 1; *p != '\0'; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

char *st_detector_log_path(const struct st_scenario *sc,
                           const struct st_opts *o, const char *detector)
{
    const char *dir = getenv("SSLSTRESS_LOG_DIR");
    const char *tmp = getenv("TMPDIR");
    char dbuf[1024], name[128], shard[32] = "", *path;
    size_t k = 0;
    int n;

    if (dir == NULL || dir[0] == '\0') {
        snprintf(dbuf, sizeof(dbuf), "%s/sslstress-logs",
                 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
        dir = dbuf;
    }
    if (mkdir_p(dir) != 0)
        return NULL;
    /* The scenario's name, kept to [A-Za-z0-9._-]. */
    for (const char *p = sc->name != NULL ? sc->name : "scenario";
         *p != '\0' && k + 1 < sizeof(name); p++)
        name[k++] = isalnum((unsigned char)*p) || *p == '.' || *p == '-' ||
                    *p == '_' ? *p : '_';
    name[k] = '\0';
    if (o != NULL && o->shard_count > 1)
        snprintf(shard, sizeof(shard), ".shard%d", o->shard_index + 1);
    else if (o != NULL && o->log_tag != NULL)
        snprintf(shard, sizeof(shard), ".%s", o->log_tag);
    n = snprintf(NULL, 0, "%s/%s%s.%s.log", dir, name, shard, detector);
    if (n < 0 || (path = malloc((size_t)n + 1)) == NULL)
        return NULL;
    snprintf(path, (size_t)n + 1, "%s/%s%s.%s.log", dir, name, shard,
             detector);
    return path;
}

/* Read a whole file (NULL if absent or on error). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, r;

    if (f == NULL)
        return NULL;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap = cap * 2 + 8192);

            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* PATTERN with %p replaced by |pid| (Valgrind's --log-file syntax; "%%" is
 * a percent sign; other % escapes are left as they are). */
static void expand_pid(char *out, size_t len, const char *pattern, pid_t pid)
{
    size_t k = 0;

    for (const char *p = pattern; *p != '\0' && k + 1 < len; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            int n = snprintf(out + k, len - k, "%ld", (long)pid);

            k += n > 0 ? (size_t)n : 0;
            if (k >= len)
                k = len - 1;
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            out[k++] = '%';
            p++;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
}

/* The sanitizer's own log file of |pid|, when its options set log_path. */
static bool sanitizer_log(const char *detector, pid_t pid, char *out,
                          size_t len)
{
    const char *opts = getenv(strcmp(detector, "tsan") == 0 ? "TSAN_OPTIONS"
                                                            : "ASAN_OPTIONS");
    const char *p, *last = NULL;
    size_t n;

    if (opts == NULL)
        return false;
    /* The last log_path= wins, as in the sanitizers' flag parser. */
    for (p = opts; (p = strstr(p, "log_path=")) != NULL; p++)
        if (p == opts || p[-1] == ' ' || p[-1] == ':' || p[-1] == ',')
            last = p + strlen("log_path=");
    if (last == NULL)
        return false;
    n = strcspn(last, " :,");
    if (n == 0 || (n == 6 && strncmp(last, "stderr", 6) == 0) ||
        (n == 6 && strncmp(last, "stdout", 6) == 0))
        return false;
    snprintf(out, len, "%.*s.%ld", (int)n, last, (long)pid);
    return true;
}

static int set_str(char **dst, const char *s)
{
    char *d;

    if (s == NULL)
        return 0;
    if ((d = strdup(s)) == NULL)
        return -ENOMEM;
    free(*dst);
    *dst = d;
    return 0;
}

/* "on openssl in SSL_dup SSL_free: WHY" into buf. */
static void known_text(const struct st_known_race *k, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < k->nbackends && n + 1 < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "on ",
                              k->backends[i]);
    for (size_t i = 0; i < k->nfunctions && n + 1 < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : " in ",
                              k->functions[i]);
    if (n + 1 < len)
        snprintf(buf + n, len - n, ": %s", k->why);
}

/* Valgrind counts each repeat of an error but logs it once: repeats beyond
 * the log are expected when every logged report was, else unexpected. */
int st_detector_judge(const struct st_scenario *sc, const struct st_opts *o,
                      struct st_result *r, const char *det, const char *all,
                      unsigned counted, uint64_t counted_it, const char *path,
                      bool vg_unlogged)
{
    struct st_detlog lg;
    const struct st_det_report *first_u = NULL;
    const struct st_det_report **first_k = NULL;
    unsigned *count_k = NULL;
    unsigned total, unexpected = 0, expected = 0;
    uint64_t it = counted_it;
    char sum[1024] = "", ksum[1024], ktext[512];
    int e;

    if ((e = st_detlog_read(det, all, &lg)) != 0)
        goto out;
    if (sc->nknown > 0 &&
        ((first_k = calloc(sc->nknown, sizeof(*first_k))) == NULL ||
         (count_k = calloc(sc->nknown, sizeof(*count_k))) == NULL)) {
        e = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < lg.n; i++) {
        const struct st_known_race *k =
            st_detector_known(sc, r->backend, det, &lg.reports[i]);

        if (k != NULL) {
            size_t ki = (size_t)(k - sc->known);

            if (count_k[ki]++ == 0)
                first_k[ki] = &lg.reports[i];
            expected++;
        } else if (unexpected++ == 0) {
            first_u = &lg.reports[i];
        }
    }
    total = (unsigned)lg.n;
    if (counted > total) {
        /* Repeats of what the log shows once: shared among the known
         * races in proportion to what each logged (the remainder to the
         * first), when every logged report was expected. */
        if (unexpected == 0 && expected > 0) {
            unsigned extra = counted - total, given = 0;
            size_t first = SIZE_MAX;

            for (size_t ki = 0; ki < sc->nknown; ki++) {
                unsigned share = (unsigned)((unsigned long long)extra *
                                            count_k[ki] / expected);

                if (count_k[ki] > 0 && first == SIZE_MAX)
                    first = ki;
                count_k[ki] += share;
                given += share;
            }
            count_k[first] += extra - given;
        } else {
            unexpected += counted - total;
        }
    }
    if (first_u != NULL) {
        st_detlog_summary(first_u, sum, sizeof(sum));
        if (first_u->iteration >= 0)
            it = (uint64_t)first_u->iteration;
    } else if (unexpected > 0 && vg_unlogged) {
        snprintf(sum, sizeof(sum), "%u Valgrind error%s (in Valgrind's own "
                 "log: run it with --log-file=PATTERN%%p and "
                 "SSLSTRESS_VALGRIND_LOG=PATTERN%%p to keep them per "
                 "scenario)", unexpected, unexpected == 1 ? "" : "s");
    }
    /* Each known race that applies, seen or not, in file order. */
    st_result_drop_expected(r);
    for (size_t ki = 0; ki < sc->nknown; ki++) {
        const struct st_det_report *f = first_k != NULL ? first_k[ki] : NULL;

        if (!race_detector(det) || !backend_listed(&sc->known[ki], r->backend))
            continue;
        known_text(&sc->known[ki], ktext, sizeof(ktext));
        if (f != NULL)
            st_detlog_summary(f, ksum, sizeof(ksum));
        if ((e = st_result_add_expected(r, ktext, count_k[ki],
                                        f != NULL && f->iteration >= 0
                                        ? (uint64_t)f->iteration : counted_it,
                                        f != NULL ? ksum : NULL)) != 0)
            goto out;
    }
    e = st_detector_apply(sc, o, r, det, unexpected, it,
                          sum[0] != '\0' ? sum : NULL, path);
 out:
    free(first_k);
    free(count_k);
    st_detlog_free(&lg);
    return e;
}

int st_detector_collect(const struct st_scenario *sc, const struct st_opts *o,
                        pid_t pid, const char *childlog,
                        const struct st_shared *sh, struct st_result *r,
                        bool *absorbed)
{
    const char *det = st_detector_name();
    const char *vgpat = getenv("SSLSTRESS_VALGRIND_LOG");
    char other[1024] = "";
    char *extra = NULL, *all = NULL, *path = NULL;
    size_t a, b;
    int e = 0;

    *absorbed = false;
    if (det == NULL)
        return 0;
    if (strcmp(det, "tsan") == 0 || strcmp(det, "asan") == 0) {
        if (sanitizer_log(det, pid, other, sizeof(other)))
            extra = slurp(other);
    } else if (vgpat != NULL && vgpat[0] != '\0') {
        expand_pid(other, sizeof(other), vgpat, pid);
        extra = slurp(other);
    }
    a = childlog != NULL ? strlen(childlog) : 0;
    b = extra != NULL ? strlen(extra) : 0;
    if ((all = malloc(a + b + 1)) == NULL) {
        e = -ENOMEM;
        goto out;
    }
    memcpy(all, childlog != NULL ? childlog : "", a);
    memcpy(all + a, extra != NULL ? extra : "", b);
    all[a + b] = '\0';
    if ((path = st_detector_log_path(sc, o, det)) != NULL) {
        FILE *f = fopen(path, "w");

        if (f != NULL) {
            fputs(all, f);
            fclose(f);
            /* Its content is in the scenario's log now. */
            if (extra != NULL && vgpat != NULL)
                unlink(other);
        } else {
            free(path);
            path = NULL;
        }
    }
    e = st_detector_judge(sc, o, r, det, all,
                          atomic_load_explicit(&sh->det_reports,
                                               memory_order_relaxed),
                          atomic_load_explicit(&sh->det_first_iteration,
                                               memory_order_relaxed),
                          path, vgpat == NULL && st_on_valgrind());
    /* Reports, expected ones too, explain Valgrind's --error-exitcode. */
    if (e == 0 && r->detector_reports > 0)
        *absorbed = true;
 out:
    free(path);
    free(all);
    free(extra);
    return e;
}

/* --no-fork: the reports this process's Valgrind logged since
 * st_detector_attach, read back from its --log-file (SSLSTRESS_VALGRIND_LOG
 * with %p), or, without one, the counts alone (every report unexpected). */
static long self_log_start = -1;

static void self_log_mark(void)
{
    const char *vgpat = getenv("SSLSTRESS_VALGRIND_LOG");
    char path[1024];
    struct stat st;

    self_log_start = -1;
    if (!st_on_valgrind() || vgpat == NULL || vgpat[0] == '\0')
        return;
    expand_pid(path, sizeof(path), vgpat, getpid());
    self_log_start = stat(path, &st) == 0 ? (long)st.st_size : 0;
}

int st_detector_collect_self(const struct st_scenario *sc,
                             const struct st_opts *o,
                             const struct st_shared *sh, struct st_result *r)
{
    const char *det = st_detector_name();
    const char *vgpat = getenv("SSLSTRESS_VALGRIND_LOG");
    char path[1024];
    char *all, *slice, *log = NULL;
    int e;

    if (det == NULL)
        return 0;
    if (self_log_start < 0 || vgpat == NULL)
        return st_detector_apply(sc, o, r, det,
                                 atomic_load_explicit(&sh->det_reports,
                                                      memory_order_relaxed),
                                 atomic_load_explicit(&sh->det_first_iteration,
                                                      memory_order_relaxed),
                                 st_detector_first_summary(), NULL);
    expand_pid(path, sizeof(path), vgpat, getpid());
    all = slurp(path);
    slice = all != NULL && (long)strlen(all) >= self_log_start
          ? all + self_log_start : "";
    if ((log = st_detector_log_path(sc, o, det)) != NULL) {
        FILE *f = fopen(log, "w");

        if (f != NULL) {
            fputs(slice, f);
            fclose(f);
        } else {
            free(log);
            log = NULL;
        }
    }
    e = st_detector_judge(sc, o, r, det, slice,
                          atomic_load_explicit(&sh->det_reports,
                                               memory_order_relaxed),
                          atomic_load_explicit(&sh->det_first_iteration,
                                               memory_order_relaxed),
                          log, false);
    free(log);
    free(all);
    return e;
}

/* ---- the verdict ------------------------------------------------------ */

/* The result's failure from |detector| (kind "detector", message
 * "DETECTOR: ..."), or NULL when it has none yet. */
static struct st_failure *detector_failure(struct st_result *r,
                                           const char *detector)
{
    size_t n = strlen(detector);

    for (size_t i = 0; i < r->nfailures; i++)
        if (r->failures[i].kind != NULL &&
            strcmp(r->failures[i].kind, "detector") == 0 &&
            r->failures[i].message != NULL &&
            strncmp(r->failures[i].message, detector, n) == 0 &&
            r->failures[i].message[n] == ':')
            return &r->failures[i];
    return NULL;
}

int st_detector_apply(const struct st_scenario *sc, const struct st_opts *o,
                      struct st_result *r, const char *detector,
                      unsigned reports, uint64_t first_it,
                      const char *summary, const char *log)
{
    struct st_failure *f;
    char msg[1600], besides[64] = "";

    if (detector == NULL)
        return 0;
    if (set_str(&r->detector, detector) != 0 ||
        set_str(&r->detector_summary, summary) != 0 ||
        set_str(&r->detector_log, log) != 0)
        return -ENOMEM;
    /* detector_reports counts the expected ones too (st_detector_expect). */
    if (reports + r->expected_reports > r->detector_reports)
        r->detector_reports = reports + r->expected_reports;
    reports = r->detector_reports - r->expected_reports;
    if (r->expected_reports > 0)
        snprintf(besides, sizeof(besides), " besides %u expected",
                 r->expected_reports);
    if (r->verdict == ST_SKIP || r->verdict == ST_ERROR)
        return 0;
    if (sc->expect_race) {
        if (!race_detector(detector))
            return 0;
        if (reports > 0) {
            /* The contract violation was seen: that is the pass, and what
             * the race did to the objects is not a finding. */
            st_result_drop_failures(r);
            r->verdict = ST_PASS;
            r->iterations_failed = 0;
            return 0;
        }
        if (r->verdict != ST_PASS)
            return 0;
        snprintf(msg, sizeof(msg), "%s: no report on a scenario "
                 "that races on purpose (expect race)", detector);
    } else {
        if (reports == 0)
            return 0;
        snprintf(msg, sizeof(msg), "%s: %u report%s%s; first: %s%s%s",
                 detector, reports, reports == 1 ? "" : "s", besides,
                 r->detector_summary != NULL ? r->detector_summary : "(see the log)",
                 r->detector_log != NULL ? "; log: " : "",
                 r->detector_log != NULL ? r->detector_log : "");
    }
    if ((f = detector_failure(r, detector)) != NULL) {
        if (st_failure_set_text(f, "detector", msg) != 0)
            return -ENOMEM;
    } else {
        /* Silence has no iteration of its own: the last one run. */
        uint64_t it = reports > 0 ? first_it
                    : r->iterations_run > 0 ? r->iterations_run - 1 : 0;

        if ((f = st_failure_add(r, o, it, "detector", msg)) == NULL)
            return -ENOMEM;
    }
    if (f->replay == NULL && st_failure_replay(f, sc, o) != 0)
        return -ENOMEM;
    r->verdict = ST_FAIL;
    if (r->iterations_failed == 0)
        r->iterations_failed = 1;
    return 0;
}
