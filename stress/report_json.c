/* Results as JSON, both ways (format in report.h).  The writer mirrors
 * result.h field by field; the reader accepts any key order, ignores keys
 * it does not know (a newer writer), gives missing members their zero
 * value, and rejects a member of the wrong type or range with a message
 * that names it, so a truncated or hand-edited shard file is an error
 * message and never a crash. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "utf8.h"

/* ---- writing -------------------------------------------------------- */

/* A JSON string for |s|: null for NULL; invalid bytes become U+FFFD. */
static json_t *jstr(const char *s)
{
    return s == NULL ? json_null() : st_json_text(s, strlen(s));
}

/* Counters: an integer, or a decimal string above INT64_MAX. */
static json_t *ju64(uint64_t v)
{
    char buf[24];

    if (v <= (uint64_t)INT64_MAX)
        return json_integer((json_int_t)v);
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return json_string(buf);
}

/* Seeds: always a decimal string (all 64 bits are used). */
static json_t *jseed(uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return json_string(buf);
}

static json_t *jreal(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

/* Set o[key] = v, taking v; -1 when v is NULL (allocation failed) or the
 * set failed.  Lets a builder chain sets and check once. */
static int put(json_t *o, const char *key, json_t *v)
{
    if (v == NULL)
        return -1;
    return json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

/* The end of a builder: |o|, or NULL (|o| released) when a member could
 * not be made or set. */
static json_t *built(json_t *o, int bad)
{
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* An array of |n| strings, or null when |v| is NULL. */
static json_t *jstrv(char *const *v, size_t n)
{
    json_t *a;

    if (v == NULL)
        return json_null();
    if ((a = json_array()) == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(a, jstr(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *failure_to_json(const struct st_failure *f)
{
    json_t *o = json_object();
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= put(o, "iteration", ju64(f->iteration));
    bad |= put(o, "seed", jseed(f->seed));
    bad |= put(o, "kind", jstr(f->kind));
    bad |= put(o, "message", jstr(f->message));
    bad |= put(o, "where", jstr(f->where));
    bad |= put(o, "signal", json_integer(f->signal));
    bad |= put(o, "nthreads", ju64(f->nthreads));
    bad |= put(o, "thread_names", jstrv(f->thread_names, f->nthreads));
    bad |= put(o, "thread_trace", jstrv(f->thread_trace, f->nthreads));
    bad |= put(o, "replay", jstr(f->replay));
    /* controlled mode only: a free-running failure writes none of these,
     * so its JSON is what it was before controlled mode */
    if (f->schedule != NULL || f->preemptions != 0 || f->steps != 0) {
        bad |= put(o, "schedule", jstr(f->schedule));
        bad |= put(o, "preemptions", json_integer(f->preemptions));
        bad |= put(o, "steps", json_integer(f->steps));
    }
    if (f->schedule_shrunk != NULL || f->shrunk_preemptions != 0
        || f->shrunk_steps != 0) {
        bad |= put(o, "schedule_shrunk", jstr(f->schedule_shrunk));
        bad |= put(o, "shrunk_preemptions",
                   json_integer(f->shrunk_preemptions));
        bad |= put(o, "shrunk_steps", json_integer(f->shrunk_steps));
    }
    if (f->trace != NULL)
        bad |= put(o, "timeline", st_timeline_json(f->trace));
    return built(o, bad);
}

static json_t *row_to_json(const struct st_result *r,
                           const struct st_outcome_row *row)
{
    json_t *o = json_object();
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= put(o, "values", jstrv(row->values, r->nlabels));
    bad |= put(o, "count", ju64(row->count));
    bad |= put(o, "class", json_string(st_class_str(row->cls)));
    bad |= put(o, "desc", jstr(row->desc));
    return built(o, bad);
}

json_t *st_result_to_json(const struct st_result *r)
{
    json_t *o = json_object(), *a;
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= put(o, "file", jstr(r->file));
    bad |= put(o, "name", jstr(r->name));
    bad |= put(o, "about", jstr(r->about));
    bad |= put(o, "backend", jstr(r->backend));
    bad |= put(o, "backend_version", jstr(r->backend_version));
    bad |= put(o, "verdict", json_string(st_verdict_str(r->verdict)));
    bad |= put(o, "reason", jstr(r->reason));
    bad |= put(o, "seed", jseed(r->seed));
    bad |= put(o, "jitter", jstr(r->jitter));
    bad |= put(o, "schedule", jstr(r->schedule));
    /* controlled mode only, so that free-running JSON is as it was */
    if (r->schedules != 0) {
        bad |= put(o, "schedules", ju64(r->schedules));
        bad |= put(o, "schedule_seconds", jreal(r->schedule_seconds));
    }
    if (r->exhausted)
        bad |= put(o, "exhausted", json_true());
    if (r->schedule_misfit)
        bad |= put(o, "schedule_misfit", json_true());
    if (r->same_failures != 0)
        bad |= put(o, "same_failures", ju64(r->same_failures));
    bad |= put(o, "nthreads", json_integer(r->nthreads));
    bad |= put(o, "iterations_planned", ju64(r->iterations_planned));
    bad |= put(o, "iterations_run", ju64(r->iterations_run));
    bad |= put(o, "iterations_failed", ju64(r->iterations_failed));
    bad |= put(o, "no_overlap", ju64(r->no_overlap));
    bad |= put(o, "seconds", jreal(r->seconds));
    bad |= put(o, "labels", jstrv(r->labels, r->nlabels));
    if (!bad && (bad = put(o, "rows", a = json_array())) == 0)
        for (size_t i = 0; i < r->nrows && !bad; i++)
            bad |= json_array_append_new(a, row_to_json(r, &r->rows[i]));
    if (!bad && (bad = put(o, "failures", a = json_array())) == 0)
        for (size_t i = 0; i < r->nfailures && !bad; i++)
            bad |= json_array_append_new(a, failure_to_json(&r->failures[i]));
    bad |= put(o, "detector", jstr(r->detector));
    bad |= put(o, "detector_reports", json_integer(r->detector_reports));
    bad |= put(o, "detector_summary", jstr(r->detector_summary));
    bad |= put(o, "detector_log", jstr(r->detector_log));
    bad |= put(o, "shard_index", json_integer(r->shard_index + 1));
    bad |= put(o, "shard_count", json_integer(r->shard_count));
    return built(o, bad);
}

char *st_result_to_json_string(const struct st_result *r)
{
    json_t *j = st_result_to_json(r);
    char *s;

    if (j == NULL)
        return NULL;
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

/* The run's options: what was asked for. */
static json_t *options_to_json(const struct st_run *run)
{
    json_t *o = json_object();
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= put(o, "seed", jseed(run->seed));
    bad |= put(o, "jitter", jstr(run->jitter));
    bad |= put(o, "iterations", ju64(run->iterations));
    bad |= put(o, "duration", jreal(run->duration));
    bad |= put(o, "max_failures", ju64(run->max_failures));
    bad |= put(o, "affinity", jstr(run->affinity));
    bad |= put(o, "shard_index", json_integer(run->shard_index + 1));
    bad |= put(o, "shard_count", json_integer(run->shard_count));
    bad |= put(o, "schedule", jstr(run->schedule));
    bad |= put(o, "shrink", json_boolean(run->shrink));
    bad |= put(o, "command", jstr(run->command));
    return built(o, bad);
}

/* The run's totals: what its results add up to (st_run_totals). */
static json_t *totals_to_json(const struct st_run *run)
{
    json_t *o = json_object();
    struct st_totals t;
    int bad = 0;

    if (o == NULL)
        return NULL;
    st_run_totals(run, &t);
    bad |= put(o, "scenarios", ju64(t.scenarios));
    bad |= put(o, "passed", ju64(t.verdicts[ST_PASS]));
    bad |= put(o, "failed", ju64(t.verdicts[ST_FAIL]));
    bad |= put(o, "skipped", ju64(t.verdicts[ST_SKIP]));
    bad |= put(o, "errors", ju64(t.verdicts[ST_ERROR]));
    bad |= put(o, "iterations_planned", ju64(t.iterations_planned));
    bad |= put(o, "iterations_run", ju64(t.iterations_run));
    bad |= put(o, "iterations_failed", ju64(t.iterations_failed));
    bad |= put(o, "no_overlap", ju64(t.no_overlap));
    bad |= put(o, "detector_reports", ju64(t.detector_reports));
    bad |= put(o, "seconds", jreal(t.seconds));
    return built(o, bad);
}

json_t *st_run_to_json(const struct st_run *run)
{
    json_t *o = json_object(), *a;
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= put(o, "format", json_string(ST_JSON_FORMAT));
    bad |= put(o, "format_version", json_integer(ST_JSON_FORMAT_VERSION));
    bad |= put(o, "tool_version", jstr(run->tool_version));
    bad |= put(o, "backend", jstr(run->backend));
    bad |= put(o, "backend_version", jstr(run->backend_version));
    bad |= put(o, "options", options_to_json(run));
    bad |= put(o, "totals", totals_to_json(run));
    if (!bad && (bad = put(o, "results", a = json_array())) == 0)
        for (size_t i = 0; i < run->nresults && !bad; i++)
            bad |= json_array_append_new(a,
                                         st_result_to_json(&run->results[i]));
    return built(o, bad);
}

int st_run_write_json(const struct st_run *run, const char *path)
{
    struct st_out out;
    json_t *j;
    int ret;

    if ((j = st_run_to_json(run)) == NULL)
        return -ENOMEM;
    if ((ret = st_out_open(&out, path)) != 0) {
        json_decref(j);
        return ret;
    }
    if (json_dumpf(j, out.f, JSON_INDENT(2)) != 0 || fputc('\n', out.f) == EOF)
        ret = -EIO;
    json_decref(j);
    return st_out_close(&out, ret);
}

/* ---- reading -------------------------------------------------------- */

struct rd {
    char *err;
    size_t errlen;
    int ret;                    /* first error: -EINVAL or -ENOMEM */
};

/* Record the first error, "WHERE.KEY: message". */
static int rd_fail(struct rd *c, const char *where, const char *key,
                   const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (c->ret != 0)
        return c->ret;
    c->ret = -EINVAL;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->err != NULL && c->errlen > 0)
        snprintf(c->err, c->errlen, "%s%s%s: %s", where,
                 *where != '\0' && key != NULL ? "." : "",
                 key != NULL ? key : "", msg);
    return c->ret;
}

static int rd_nomem(struct rd *c)
{
    if (c->ret == 0) {
        c->ret = -ENOMEM;
        if (c->err != NULL && c->errlen > 0)
            snprintf(c->err, c->errlen, "out of memory");
    }
    return c->ret;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A string value (NULL for null). */
static int rd_strval(struct rd *c, json_t *v, const char *where,
                     const char *key, char **out)
{
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return rd_fail(c, where, key, "expected a string or null");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return rd_fail(c, where, key, "string contains a NUL character");
    if ((*out = dupn(json_string_value(v), json_string_length(v))) == NULL)
        return rd_nomem(c);
    return 0;
}

static int rd_str(struct rd *c, json_t *o, const char *where, const char *key,
                  char **out)
{
    return rd_strval(c, json_object_get(o, key), where, key, out);
}

static int rd_u64val(struct rd *c, json_t *v, const char *where,
                     const char *key, uint64_t *out)
{
    *out = 0;
    if (v == NULL)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        unsigned long long x;

        if (*s >= '0' && *s <= '9' && strlen(s) <= 20) {
            errno = 0;
            x = strtoull(s, &end, 10);
            if (errno == 0 && *end == '\0') {
                *out = x;
                return 0;
            }
        }
    }
    return rd_fail(c, where, key, "expected a non-negative integer");
}

static int rd_u64(struct rd *c, json_t *o, const char *where, const char *key,
                  uint64_t *out)
{
    return rd_u64val(c, json_object_get(o, key), where, key, out);
}

static int rd_int(struct rd *c, json_t *o, const char *where, const char *key,
                  long long min, long long max, long long *out)
{
    json_t *v = json_object_get(o, key);

    *out = 0;
    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min
        || json_integer_value(v) > max)
        return rd_fail(c, where, key, "expected an integer from %lld to %lld",
                       min, max);
    *out = json_integer_value(v);
    return 0;
}

/* "shard_index" (I of I/N, counted from 1; default: shard 1/N) and
 * "shard_count" (N, default 1) into *index (from 0) and *count. */
static int rd_shard(struct rd *c, json_t *o, const char *where, int *index,
                    int *count)
{
    long long i = 1, n = 1;

    if (json_object_get(o, "shard_count") != NULL)
        rd_int(c, o, where, "shard_count", 1, INT32_MAX, &n);
    if (json_object_get(o, "shard_index") != NULL)
        rd_int(c, o, where, "shard_index", 0, INT32_MAX, &i);
    if (c->ret == 0 && (i < 1 || i > n))
        return rd_fail(c, where, "shard_index", "%lld is not a shard of "
                       "shard_count %lld (1 to %lld)", i, n, n);
    *index = (int)(i - 1);
    *count = (int)n;
    return c->ret;
}

static int rd_bool(struct rd *c, json_t *o, const char *where,
                   const char *key, int *out)
{
    json_t *v = json_object_get(o, key);

    *out = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return rd_fail(c, where, key, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int rd_real(struct rd *c, json_t *o, const char *where, const char *key,
                   double *out)
{
    json_t *v = json_object_get(o, key);

    *out = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_number(v))
        return rd_fail(c, where, key, "expected a number");
    *out = json_number_value(v);
    return 0;
}

/* An array of strings (or null -> NULL).  When |want| is not (size_t)-1 the
 * array must have exactly that many elements; *n gets the length. */
static int rd_strv(struct rd *c, json_t *o, const char *where, const char *key,
                   size_t want, char ***out, size_t *n)
{
    json_t *v = json_object_get(o, key);
    size_t len, i;
    char **a;

    *out = NULL;
    if (n != NULL)
        *n = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return rd_fail(c, where, key, "expected an array of strings or null");
    len = json_array_size(v);
    if (want != (size_t)-1 && len != want)
        return rd_fail(c, where, key, "expected %zu elements, found %zu",
                       want, len);
    if (len == 0)
        return 0;
    if ((a = calloc(len, sizeof(*a))) == NULL)
        return rd_nomem(c);
    *out = a;                   /* the caller's free covers partial arrays */
    if (n != NULL)
        *n = len;
    for (i = 0; i < len; i++) {
        char sub[64];

        snprintf(sub, sizeof(sub), "%s[%zu]", key, i);
        if (rd_strval(c, json_array_get(v, i), where, sub, &a[i]) != 0)
            return c->ret;
    }
    return 0;
}

static int rd_enum(struct rd *c, json_t *o, const char *where, const char *key,
                   const char *(*name)(int), int nvals, int *out)
{
    json_t *v = json_object_get(o, key);

    if (v != NULL && json_is_string(v))
        for (int i = 0; i < nvals; i++)
            if (strcmp(json_string_value(v), name(i)) == 0) {
                *out = i;
                return 0;
            }
    if (v == NULL)
        return rd_fail(c, where, key, "missing");
    return rd_fail(c, where, key, "expected one of %s%s%s%s%s%s%s",
                   name(0), nvals > 1 ? ", " : "", nvals > 1 ? name(1) : "",
                   nvals > 2 ? ", " : "", nvals > 2 ? name(2) : "",
                   nvals > 3 ? ", " : "", nvals > 3 ? name(3) : "");
}

static const char *verdict_name(int v)
{
    return st_verdict_str((enum st_verdict)v);
}

static const char *class_name(int v)
{
    return st_class_str((enum st_class)v);
}

/* A failure's "timeline" (st_timeline_json's object), or NULL when absent
 * or null. */
static int rd_timeline(struct rd *c, json_t *o, const char *where,
                       struct st_trace **out)
{
    json_t *v = json_object_get(o, "timeline");
    char msg[200];
    int ret;

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    ret = st_timeline_from_json(v, out, msg, sizeof(msg));
    if (ret == -ENOMEM)
        return rd_nomem(c);
    if (ret != 0)
        return rd_fail(c, where, "timeline", "%s", msg);
    return 0;
}

static int rd_failure(struct rd *c, json_t *o, const char *where,
                      struct st_failure *f)
{
    uint64_t n;
    long long sig, x;

    if (!json_is_object(o))
        return rd_fail(c, where, NULL, "expected an object");
    rd_u64(c, o, where, "iteration", &f->iteration);
    rd_u64(c, o, where, "seed", &f->seed);
    rd_str(c, o, where, "kind", &f->kind);
    rd_str(c, o, where, "message", &f->message);
    rd_str(c, o, where, "where", &f->where);
    rd_int(c, o, where, "signal", 0, 255, &sig);
    f->signal = (int)sig;
    rd_u64(c, o, where, "nthreads", &n);
    if (c->ret != 0)
        return c->ret;
    if (n > 100000)
        return rd_fail(c, where, "nthreads", "too large (%" PRIu64 ")", n);
    /* nthreads is set before the arrays so a partial read frees right;
     * calloc'ed arrays are NULL-filled. */
    f->nthreads = (size_t)n;
    rd_strv(c, o, where, "thread_names", f->nthreads, &f->thread_names, NULL);
    rd_strv(c, o, where, "thread_trace", f->nthreads, &f->thread_trace, NULL);
    rd_str(c, o, where, "replay", &f->replay);
    rd_str(c, o, where, "schedule", &f->schedule);
    rd_int(c, o, where, "preemptions", 0, UINT32_MAX, &x);
    f->preemptions = (unsigned)x;
    rd_int(c, o, where, "steps", 0, UINT32_MAX, &x);
    f->steps = (unsigned)x;
    rd_str(c, o, where, "schedule_shrunk", &f->schedule_shrunk);
    rd_int(c, o, where, "shrunk_preemptions", 0, UINT32_MAX, &x);
    f->shrunk_preemptions = (unsigned)x;
    rd_int(c, o, where, "shrunk_steps", 0, UINT32_MAX, &x);
    f->shrunk_steps = (unsigned)x;
    if (c->ret == 0)
        rd_timeline(c, o, where, &f->trace);
    return c->ret;
}

static int rd_row(struct rd *c, json_t *o, const char *where, size_t nlabels,
                  struct st_outcome_row *row)
{
    int cls = 0;

    if (!json_is_object(o))
        return rd_fail(c, where, NULL, "expected an object");
    rd_strv(c, o, where, "values", nlabels, &row->values, NULL);
    rd_u64(c, o, where, "count", &row->count);
    rd_enum(c, o, where, "class", class_name, 3, &cls);
    row->cls = (enum st_class)cls;
    rd_str(c, o, where, "desc", &row->desc);
    return c->ret;
}

/* An array member that may be absent (empty); else must be an array. */
static json_t *rd_array(struct rd *c, json_t *o, const char *where,
                        const char *key, size_t *n)
{
    json_t *v = json_object_get(o, key);

    *n = 0;
    if (v == NULL)
        return NULL;
    if (!json_is_array(v)) {
        rd_fail(c, where, key, "expected an array");
        return NULL;
    }
    *n = json_array_size(v);
    return v;
}

static int rd_result(struct rd *c, json_t *o, const char *where,
                     struct st_result *r)
{
    long long x;
    int v = 0;
    size_t n;
    json_t *a;
    char sub[96];

    if (!json_is_object(o))
        return rd_fail(c, where, NULL, "expected an object");
    rd_str(c, o, where, "file", &r->file);
    rd_str(c, o, where, "name", &r->name);
    rd_str(c, o, where, "about", &r->about);
    rd_str(c, o, where, "backend", &r->backend);
    rd_str(c, o, where, "backend_version", &r->backend_version);
    rd_enum(c, o, where, "verdict", verdict_name, 4, &v);
    r->verdict = (enum st_verdict)v;
    rd_str(c, o, where, "reason", &r->reason);
    rd_u64(c, o, where, "seed", &r->seed);
    rd_str(c, o, where, "jitter", &r->jitter);
    rd_str(c, o, where, "schedule", &r->schedule);
    rd_u64(c, o, where, "schedules", &r->schedules);
    rd_real(c, o, where, "schedule_seconds", &r->schedule_seconds);
    rd_bool(c, o, where, "exhausted", &r->exhausted);
    rd_bool(c, o, where, "schedule_misfit", &r->schedule_misfit);
    rd_u64(c, o, where, "same_failures", &r->same_failures);
    rd_int(c, o, where, "nthreads", 0, UINT32_MAX, &x);
    r->nthreads = (unsigned)x;
    rd_u64(c, o, where, "iterations_planned", &r->iterations_planned);
    rd_u64(c, o, where, "iterations_run", &r->iterations_run);
    rd_u64(c, o, where, "iterations_failed", &r->iterations_failed);
    rd_u64(c, o, where, "no_overlap", &r->no_overlap);
    rd_real(c, o, where, "seconds", &r->seconds);
    rd_strv(c, o, where, "labels", (size_t)-1, &r->labels, &r->nlabels);
    if (c->ret != 0)
        return c->ret;
    if (r->name == NULL)
        return rd_fail(c, where, "name", "missing");

    a = rd_array(c, o, where, "rows", &n);
    if (n > 0) {
        if ((r->rows = calloc(n, sizeof(*r->rows))) == NULL)
            return rd_nomem(c);
        r->nrows = n;
        for (size_t i = 0; i < n && c->ret == 0; i++) {
            snprintf(sub, sizeof(sub), "%s%srows[%zu]", where,
                     *where ? "." : "", i);
            rd_row(c, json_array_get(a, i), sub, r->nlabels, &r->rows[i]);
        }
    }
    a = rd_array(c, o, where, "failures", &n);
    if (n > 0 && c->ret == 0) {
        if ((r->failures = calloc(n, sizeof(*r->failures))) == NULL)
            return rd_nomem(c);
        r->nfailures = n;
        for (size_t i = 0; i < n && c->ret == 0; i++) {
            snprintf(sub, sizeof(sub), "%s%sfailures[%zu]", where,
                     *where ? "." : "", i);
            rd_failure(c, json_array_get(a, i), sub, &r->failures[i]);
        }
    }
    rd_str(c, o, where, "detector", &r->detector);
    rd_int(c, o, where, "detector_reports", 0, UINT32_MAX, &x);
    r->detector_reports = (unsigned)x;
    rd_str(c, o, where, "detector_summary", &r->detector_summary);
    rd_str(c, o, where, "detector_log", &r->detector_log);
    return rd_shard(c, o, where, &r->shard_index, &r->shard_count);
}

int st_result_from_json(json_t *j, struct st_result *r, char *err,
                        size_t errlen)
{
    struct rd c = { err, errlen, 0 };

    memset(r, 0, sizeof(*r));
    if (err != NULL && errlen > 0)
        *err = '\0';
    if (j == NULL)
        return rd_fail(&c, "result", NULL, "no JSON value");
    if (rd_result(&c, j, "", r) != 0)
        st_result_free(r);
    return c.ret;
}

/* Did a jansson load fail for memory?  jansson reports an allocation that
 * fails inside its lexer as a syntax error, so its allocations go through
 * json_malloc, which notes a failure in a thread-local flag; loads clear it
 * first (json_load_begin) and test it after. */
static _Thread_local int json_oom;
static pthread_once_t json_alloc_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL)
        json_oom = 1;
    return p;
}

static void json_alloc_init(void)
{
    json_set_alloc_funcs(json_malloc, free);
}

static void json_load_begin(void)
{
    pthread_once(&json_alloc_once, json_alloc_init);
    json_oom = 0;
}

static int json_load_nomem(const json_error_t *je, char *err, size_t errlen)
{
    if (json_oom || json_error_code(je) == json_error_out_of_memory
        || je->text[0] == '\0') {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "out of memory");
        return 1;
    }
    return 0;
}

int st_result_from_json_string(const char *s, size_t len,
                               struct st_result *r, char *err, size_t errlen)
{
    json_error_t je;
    json_t *j;
    int ret;

    memset(r, 0, sizeof(*r));
    if (s == NULL)
        return -EINVAL;
    json_load_begin();
    if ((j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%d:%d: %s", je.line, je.column, je.text);
        return json_load_nomem(&je, err, errlen) ? -ENOMEM : -EINVAL;
    }
    ret = st_result_from_json(j, r, err, errlen);
    json_decref(j);
    return ret;
}

/* "format_version": this reader reads ST_JSON_FORMAT_VERSION only.  An
 * older file is refused with what to do, not misread: version 1 kept the
 * options at the top level, so every option would read as its zero. */
static int rd_version(struct rd *c, json_t *j)
{
    json_t *v = json_object_get(j, "format_version");
    json_int_t n;

    if (v == NULL)
        return rd_fail(c, "", "format_version", "missing");
    if (!json_is_integer(v) || (n = json_integer_value(v)) < 1)
        return rd_fail(c, "", "format_version",
                       "expected a positive integer");
    if (n < ST_JSON_FORMAT_VERSION)
        return rd_fail(c, "", "format_version", "%lld is the format of an "
                       "older sslstress (options at the top level, no "
                       "totals); this one reads version %d only: rerun "
                       "with this sslstress, or use the one that wrote the "
                       "file", (long long)n, ST_JSON_FORMAT_VERSION);
    if (n > ST_JSON_FORMAT_VERSION)
        return rd_fail(c, "", "format_version", "%lld is newer than this "
                       "sslstress reads (%d): use the sslstress that wrote "
                       "the file", (long long)n, ST_JSON_FORMAT_VERSION);
    return 0;
}

/* An object member that may be absent (NULL); else must be an object. */
static json_t *rd_object(struct rd *c, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (v != NULL && !json_is_object(v)) {
        rd_fail(c, "", key, "expected an object");
        return NULL;
    }
    return v;
}

/* "options" (absent: every option its zero value, shard_count 1). */
static int rd_options(struct rd *c, json_t *j, struct st_run *run)
{
    const char *w = "options";
    json_t *o = rd_object(c, j, w);

    if (o == NULL)
        return c->ret;
    rd_u64(c, o, w, "seed", &run->seed);
    rd_str(c, o, w, "jitter", &run->jitter);
    rd_u64(c, o, w, "iterations", &run->iterations);
    rd_real(c, o, w, "duration", &run->duration);
    rd_u64(c, o, w, "max_failures", &run->max_failures);
    rd_str(c, o, w, "affinity", &run->affinity);
    rd_shard(c, o, w, &run->shard_index, &run->shard_count);
    rd_str(c, o, w, "schedule", &run->schedule);
    rd_bool(c, o, w, "shrink", &run->shrink);
    rd_str(c, o, w, "command", &run->command);
    return c->ret;
}

/* One total, which must be what the results add up to. */
static int rd_total(struct rd *c, json_t *o, const char *key, uint64_t sum)
{
    uint64_t v;

    if (json_object_get(o, key) == NULL
        || rd_u64(c, o, "totals", key, &v) != 0)
        return c->ret;
    if (v != sum)
        return rd_fail(c, "totals", key, "%" PRIu64 ", but the results add "
                       "up to %" PRIu64, v, sum);
    return 0;
}

/* "totals", after the results: the seconds are the run's own; every
 * count must be the results' sum, so a file cut short or edited by hand
 * is refused rather than merged. */
static int rd_totals(struct rd *c, json_t *j, struct st_run *run)
{
    json_t *o = rd_object(c, j, "totals");
    struct st_totals t;

    if (o == NULL)
        return c->ret;
    rd_real(c, o, "totals", "seconds", &run->seconds);
    if (c->ret != 0)
        return c->ret;
    st_run_totals(run, &t);
    rd_total(c, o, "scenarios", t.scenarios);
    rd_total(c, o, "passed", t.verdicts[ST_PASS]);
    rd_total(c, o, "failed", t.verdicts[ST_FAIL]);
    rd_total(c, o, "skipped", t.verdicts[ST_SKIP]);
    rd_total(c, o, "errors", t.verdicts[ST_ERROR]);
    rd_total(c, o, "iterations_planned", t.iterations_planned);
    rd_total(c, o, "iterations_run", t.iterations_run);
    rd_total(c, o, "iterations_failed", t.iterations_failed);
    rd_total(c, o, "no_overlap", t.no_overlap);
    rd_total(c, o, "detector_reports", t.detector_reports);
    return c->ret;
}

int st_run_from_json(json_t *j, struct st_run *run, char *err, size_t errlen)
{
    struct rd c = { err, errlen, 0 };
    json_t *v, *a;
    size_t n;
    char sub[48];

    memset(run, 0, sizeof(*run));
    run->shard_count = 1;
    if (err != NULL && errlen > 0)
        *err = '\0';
    if (j == NULL || !json_is_object(j))
        return rd_fail(&c, "run", NULL, "expected a JSON object");
    v = json_object_get(j, "format");
    if (v == NULL || !json_is_string(v)
        || strcmp(json_string_value(v), ST_JSON_FORMAT) != 0)
        return rd_fail(&c, "format", NULL, "expected \"%s\" (not an sslstress "
                       "JSON report)", ST_JSON_FORMAT);
    if (rd_version(&c, j) != 0)
        return c.ret;
    rd_str(&c, j, "", "tool_version", &run->tool_version);
    rd_str(&c, j, "", "backend", &run->backend);
    rd_str(&c, j, "", "backend_version", &run->backend_version);
    if (c.ret == 0)
        rd_options(&c, j, run);
    a = rd_array(&c, j, "", "results", &n);
    if (c.ret == 0 && n > 0) {
        if ((run->results = calloc(n, sizeof(*run->results))) == NULL) {
            rd_nomem(&c);
        } else {
            run->nresults = n;
            for (size_t i = 0; i < n && c.ret == 0; i++) {
                snprintf(sub, sizeof(sub), "results[%zu]", i);
                rd_result(&c, json_array_get(a, i), sub, &run->results[i]);
            }
        }
    }
    if (c.ret == 0)
        rd_totals(&c, j, run);
    if (c.ret != 0)
        st_run_free(run);
    return c.ret;
}

int st_run_read_json(const char *path, struct st_run *run, char *err,
                     size_t errlen)
{
    json_error_t je;
    json_t *j;
    FILE *f;
    char sub[200];
    int ret;

    memset(run, 0, sizeof(*run));
    if (err != NULL && errlen > 0)
        *err = '\0';
    if ((f = fopen(path, "r")) == NULL) {
        ret = -errno;
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: %s", path, strerror(-ret));
        return ret;
    }
    json_load_begin();
    j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (j == NULL) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column,
                     je.text);
        return json_load_nomem(&je, err, errlen) ? -ENOMEM : -EINVAL;
    }
    ret = st_run_from_json(j, run, sub, sizeof(sub));
    json_decref(j);
    if (ret != 0 && err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s", path, sub);
    return ret;
}

/* ---- copying -------------------------------------------------------- */

/* Through JSON: one code path to keep in step with result.h, and a copy is
 * rare (merge).  Invalid UTF-8 is the one lossy case, as documented. */
int st_result_copy(struct st_result *dst, const struct st_result *src)
{
    json_t *j = st_result_to_json(src);
    int ret;

    memset(dst, 0, sizeof(*dst));
    if (j == NULL)
        return -ENOMEM;
    ret = st_result_from_json(j, dst, NULL, 0);
    json_decref(j);
    return ret;
}
