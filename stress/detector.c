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
    }
}

const char *st_detector_first_summary(void)
{
    return first_summary[0] != '\0' ? first_summary : NULL;
}

/* A sanitizer's report of a fatal signal it caught ("ThreadSanitizer:
 * SEGV ..."): a crash, which the runner reports as such (isolate.c), not
 * a detector finding of its own. */
static bool deadly_signal(const char *p, const char *end)
{
    static const char *const sig[] = {
        "Sanitizer: SEGV", "Sanitizer: BUS", "Sanitizer: FPE",
        "Sanitizer: ILL", "Sanitizer: ABRT", "Sanitizer:DEADLYSIGNAL",
    };
    size_t n = (size_t)(end - p);

    for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++) {
        size_t k = strlen(sig[i]);

        for (size_t j = 0; j + k <= n; j++)
            if (memcmp(p + j, sig[i], k) == 0)
                return true;
    }
    return false;
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
        (summary != NULL && deadly_signal(summary, summary + strlen(summary))))
        return;
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

/* The text of a log line without Valgrind's "==PID== " prefix. */
static const char *payload(const char *line, const char *end, bool *vg)
{
    const char *p = line;

    *vg = false;
    if (end - p >= 2 && p[0] == '=' && p[1] == '=') {
        p += 2;
        while (p < end && isdigit((unsigned char)*p))
            p++;
        /* Valgrind's prefix ends in a space (or the line); ASan's own
         * "==PID==ERROR: ..." does not. */
        if (end - p >= 2 && p[0] == '=' && p[1] == '=' &&
            (p + 2 == end || p[2] == ' ')) {
            p += 2;
            if (p < end && *p == ' ')
                p++;
            *vg = true;
            return p;
        }
    }
    return line;
}

static bool starts(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);

    return (size_t)(end - p) >= n && memcmp(p, w, n) == 0;
}

static bool has(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);

    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, w, n) == 0)
            return true;
    return false;
}

static bool all_dashes(const char *p, const char *end)
{
    if (end - p < 40)
        return false;
    for (; p < end; p++)
        if (*p != '-')
            return false;
    return true;
}

/* "Thread 3:" (DRD) */
static bool drd_thread_line(const char *p, const char *end)
{
    if (!starts(p, end, "Thread "))
        return false;
    p += 7;
    while (p < end && isdigit((unsigned char)*p))
        p++;
    return p + 1 == end && *p == ':';
}

/* Lines of Valgrind's own chatter that are no error header. */
static bool vg_chatter(const char *p, const char *end)
{
    static const char *const words[] = {
        "ERROR SUMMARY", "For lists of", "For counts of", "HEAP SUMMARY",
        "Use --history-level", "Use --", "Command:", "Parent PID",
        "Copyright", "Using Valgrind", "Helgrind,", "drd,", "DRD,",
        "Memcheck,", "Rerun with", "All heap blocks", "in use at exit",
        "total heap usage", "LEAK SUMMARY", "Warning:", "WARNING:",
        "Allocation context", "Other segment", "Address ", "Block was",
        "Lock at", "Locks held", "This conflicts", "Thread #",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (starts(p, end, words[i]))
            return true;
    return false;
}

static void copy_line(char *sum, size_t len, const char *p, const char *end)
{
    while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
        end--;
    snprintf(sum, len, "%.*s", (int)(end - p), p);
}

/* The first "at 0x...: FN (FILE:LINE)" frame after |p|, appended to |sum|
 * as " at FN (FILE:LINE)". */
static void add_frame(char *sum, size_t len, const char *p, const char *logend)
{
    for (int lines = 0; p < logend && lines < 12; lines++) {
        const char *e = memchr(p, '\n', (size_t)(logend - p));
        const char *q, *colon;
        bool vg;

        if (e == NULL)
            e = logend;
        q = payload(p, e, &vg);
        while (q < e && *q == ' ')
            q++;
        if (starts(q, e, "at 0x") &&
            (colon = memchr(q, ':', (size_t)(e - q))) != NULL) {
            size_t n = strlen(sum);

            if (n + 4 < len) {
                q = colon + 1;
                while (q < e && *q == ' ')
                    q++;
                snprintf(sum + n, len - n, " at %.*s", (int)(e - q), q);
            }
            return;
        }
        p = e + (e < logend);
    }
}

unsigned st_detector_count(const char *detector, const char *log,
                           char *sum, size_t len)
{
    bool any = detector == NULL ||
               (strcmp(detector, "tsan") != 0 &&
                strcmp(detector, "asan") != 0 &&
                strcmp(detector, "helgrind") != 0 &&
                strcmp(detector, "drd") != 0);
    bool san = any || strcmp(detector, "tsan") == 0 ||
               strcmp(detector, "asan") == 0;
    bool hg = any || strcmp(detector, "helgrind") == 0;
    bool drd = any || strcmp(detector, "drd") == 0;
    const char *p = log, *logend;
    const char *vg_first = NULL;
    unsigned n = 0;
    bool prev_blank = true, prev_sep = false;
    char vgsum[512] = "";

    if (sum != NULL && len > 0)
        sum[0] = '\0';
    if (log == NULL)
        return 0;
    logend = log + strlen(log);
    while (p < logend) {
        const char *e = memchr(p, '\n', (size_t)(logend - p));
        const char *q;
        bool vg, header = false;

        if (e == NULL)
            e = logend;
        q = payload(p, e, &vg);
        if (san && !vg && !deadly_signal(q, e)) {
            if (has(q, e, "WARNING: ThreadSanitizer:") ||
                has(q, e, "ERROR: AddressSanitizer") ||
                has(q, e, "ERROR: LeakSanitizer") ||
                has(q, e, "runtime error:"))
                n++;
            if (sum != NULL && len > 0 && sum[0] == '\0' &&
                starts(q, e, "SUMMARY: "))
                copy_line(sum, len, q + strlen("SUMMARY: "), e);
            /* UBSan's report is its one "runtime error:" line. */
            if (sum != NULL && len > 0 && sum[0] == '\0' &&
                has(q, e, "runtime error:"))
                copy_line(sum, len, q, e);
        }
        if (vg) {
            bool blank = q == e;

            if (hg && all_dashes(q, e)) {
                /* Helgrind: a line of dashes, a blank line, the error. */
                prev_sep = true;
            } else if (blank) {
                prev_blank = true;
            } else if (prev_sep && hg) {
                /* The error's first unindented line; before it Helgrind
                 * may describe the locks involved (" Lock at ...", one
                 * space in). */
                if (q[0] != ' ') {
                    header = true;
                    prev_sep = false;
                }
                prev_blank = false;
            } else {
                if (drd && prev_blank && q[0] != ' ' &&
                    !drd_thread_line(q, e) && !vg_chatter(q, e))
                    header = true;
                if (!drd_thread_line(q, e))
                    prev_blank = false;
                prev_sep = false;
            }
            if (header) {
                n++;
                if (vg_first == NULL) {
                    vg_first = e;
                    copy_line(vgsum, sizeof(vgsum), q, e);
                }
            }
        }
        p = e + (e < logend);
    }
    if (sum != NULL && len > 0 && sum[0] == '\0' && vg_first != NULL) {
        snprintf(sum, len, "%s", vgsum);
        add_frame(sum, len, vg_first, logend);
    }
    return n;
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

int st_detector_collect(const struct st_scenario *sc, const struct st_opts *o,
                        pid_t pid, const char *childlog,
                        const struct st_shared *sh, struct st_result *r,
                        bool *absorbed)
{
    const char *det = st_detector_name();
    const char *vgpat = getenv("SSLSTRESS_VALGRIND_LOG");
    char other[1024] = "", sum[512];
    char *extra = NULL, *all = NULL, *path = NULL;
    unsigned n, shn;
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
    n = st_detector_count(det, all, sum, sizeof(sum));
    shn = atomic_load_explicit(&sh->det_reports, memory_order_relaxed);
    if (shn > n)
        n = shn;
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
    if (n > 0 && sum[0] == '\0' && vgpat == NULL && st_on_valgrind())
        snprintf(sum, sizeof(sum), "%u Valgrind error%s (in Valgrind's own "
                 "log: run it with --log-file=PATTERN%%p and "
                 "SSLSTRESS_VALGRIND_LOG=PATTERN%%p to keep them per "
                 "scenario)", n, n == 1 ? "" : "s");
    if (n > 0)
        *absorbed = true;
    e = st_detector_apply(sc, o, r, det, n,
                          atomic_load_explicit(&sh->det_first_iteration,
                                               memory_order_relaxed),
                          sum[0] != '\0' ? sum : NULL, path);
 out:
    free(path);
    free(all);
    free(extra);
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
    char msg[900];

    if (detector == NULL)
        return 0;
    if (set_str(&r->detector, detector) != 0 ||
        set_str(&r->detector_summary, summary) != 0 ||
        set_str(&r->detector_log, log) != 0)
        return -ENOMEM;
    if (reports > r->detector_reports)
        r->detector_reports = reports;
    reports = r->detector_reports;
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
        snprintf(msg, sizeof(msg), "%s: %u report%s; first: %s%s%s",
                 detector, reports, reports == 1 ? "" : "s",
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
