/* A detector's log read as reports.  See detlog.h. */
#include "detlog.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines ------------------------------------------------------------ */

static bool starts(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);

    return (size_t)(end - p) >= n && memcmp(p, w, n) == 0;
}

static const char *find(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);

    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, w, n) == 0)
            return p;
    return NULL;
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The text of a line without Valgrind's "==PID== " prefix (*vg set), or
 * without its "**PID** " prefix of a client request's message (*client
 * set), else the line itself. */
static const char *payload(const char *line, const char *end, bool *vg,
                           bool *client)
{
    const char *p = line;

    *vg = *client = false;
    if (end - p >= 2 && p[0] == p[1] && (p[0] == '=' || p[0] == '*')) {
        char c = p[0];

        p += 2;
        while (p < end && isdigit((unsigned char)*p))
            p++;
        /* Valgrind's prefix ends in a space (or the line); ASan's own
         * "==PID==ERROR: ..." does not. */
        if (p > line + 2 && end - p >= 2 && p[0] == c && p[1] == c &&
            (p + 2 == end || p[2] == ' ')) {
            p += 2;
            if (p < end && *p == ' ')
                p++;
            if (c == '=')
                *vg = true;
            else
                *client = true;
            return p;
        }
    }
    return line;
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
        "More than", "Subsequent errors", "will still be recorded",
        "Final error counts",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (starts(p, end, words[i]))
            return true;
    return false;
}

/* A sanitizer's report of a fatal signal it caught ("ThreadSanitizer:
 * SEGV ..."): a crash, not a finding of its own. */
static bool deadly_signal(const char *p, const char *end)
{
    static const char *const sig[] = {
        "Sanitizer: SEGV", "Sanitizer: BUS", "Sanitizer: FPE",
        "Sanitizer: ILL", "Sanitizer: ABRT", "Sanitizer:DEADLYSIGNAL",
    };

    for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
        if (find(p, end, sig[i]) != NULL)
            return true;
    return false;
}

/* |p|..|end| into |dst| (|len| bytes), trailing blanks and every
 * " at 0xHEX" / "0xHEX " address and " (BuildId: ...)" dropped (they
 * differ from run to run, or say nothing), and each path cut to its file's
 * name. */
static void copy_text(char *dst, size_t len, const char *p, const char *end)
{
    size_t k = 0;

    while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
        end--;
    while (p < end && k + 1 < len) {
        if (starts(p, end, " (BuildId: ")) {
            /* TSan's build id of the object: the same in every report. */
            const char *q = memchr(p + 1, ')', (size_t)(end - p - 1));

            if (q != NULL) {
                p = q + 1;
                continue;
            }
        }
        if ((*p == '/' && (k == 0 || dst[k - 1] == ' ' || dst[k - 1] == '(')) &&
            p + 1 < end) {
            /* A path: its file's name is enough (the log has the rest). */
            const char *e = p, *base = p;

            while (e < end && *e != ' ' && *e != ')')
                if (*e++ == '/')
                    base = e;
            p = base;
            continue;
        }
        if (starts(p, end, " at 0x") || starts(p, end, " 0x")) {
            const char *q = p + (p[1] == 'a' ? 6 : 3);

            if (q < end && isxdigit((unsigned char)*q)) {
                while (q < end && isxdigit((unsigned char)*q))
                    q++;
                p = q;
                continue;
            }
        }
        dst[k++] = *p++;
    }
    dst[k] = '\0';
}

/* ---- whose frame ------------------------------------------------------ */

/* The harness's own source files (stress/ and tests/), for a tool that
 * prints a file's name without its directory (Valgrind): their names,
 * which the Makefile reads from the tree (HARNESS_FILES). */
#ifndef ST_HARNESS_FILES
#error "ST_HARNESS_FILES: the names of stress/ and tests/ files (Makefile)"
#endif
static const char *const harness_files[] = {
    ST_HARNESS_FILES,
    NULL,
};

static bool dir_is(const char *d, size_t n, const char *name)
{
    return n == strlen(name) && memcmp(d, name, n) == 0;
}

bool st_detlog_harness_file(const char *file)
{
    const char *base = strrchr(file, '/');

    if (base != NULL) {
        /* The directories: .../GRAND/PARENT/base */
        const char *pe = base, *ps = pe, *gs;

        while (ps > file && ps[-1] != '/')
            ps--;
        gs = ps > file ? ps - 1 : ps;
        while (gs > file && gs[-1] != '/')
            gs--;
        if (dir_is(ps, (size_t)(pe - ps), "stress") ||
            dir_is(ps, (size_t)(pe - ps), "tests"))
            return true;
        return ps > file &&
               dir_is(gs, (size_t)(ps - 1 - gs), "tests");
    }
    if (strncmp(file, "test_", 5) == 0)
        return true;
    for (size_t i = 0; harness_files[i] != NULL; i++)
        if (strcmp(file, harness_files[i]) == 0)
            return true;
    return false;
}

/* The harness's memory functions (backend.c, CRYPTO_set_mem_functions):
 * the library's allocator as the harness configures it, so a free the
 * library makes through them is the library's access, as it would be
 * through the C library's free. */
static const char *const allocator_functions[] = {
    "count_malloc", "count_realloc", "count_free", NULL,
};

static bool allocator(const char *fn)
{
    for (size_t i = 0; allocator_functions[i] != NULL; i++)
        if (strcmp(fn, allocator_functions[i]) == 0)
            return true;
    return false;
}

static bool library_object(const char *obj)
{
    return strncmp(obj, "libssl", 6) == 0 || strncmp(obj, "libcrypto", 9) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Fill |f| from the function |fn| and the location |loc| (a path with
 * ":LINE[:COL]", or an object when |object|). */
static void set_frame(struct st_det_frame *f, const char *fn, size_t fnlen,
                      const char *loc, size_t loclen, bool object)
{
    char path[512], file[512];
    const char *base, *colon;

    snprintf(f->fn, sizeof(f->fn), "%.*s", (int)fnlen, fn);
    snprintf(path, sizeof(path), "%.*s", (int)loclen, loc);
    base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    f->object = object;
    if (object) {
        snprintf(f->where, sizeof(f->where), "%.*s",
                 (int)sizeof(f->where) - 1, base); /* cut to fit */
        f->owner = library_object(base) ? ST_OWN_LIBRARY : ST_OWN_SYSTEM;
        return;
    }
    /* "file.c:78:22" -> "file.c:78"; the file alone for the owner. */
    colon = strchr(base, ':');
    snprintf(file, sizeof(file), "%.*s",
             (int)(colon != NULL ? (size_t)(colon - base) : strlen(base)),
             base);
    if (colon != NULL) {
        const char *c2 = strchr(colon + 1, ':');

        snprintf(f->where, sizeof(f->where), "%.*s",
                 (int)(c2 != NULL ? (size_t)(c2 - base) : strlen(base)), base);
    } else {
        snprintf(f->where, sizeof(f->where), "%.*s",
                 (int)sizeof(f->where) - 1, base); /* cut to fit */
    }
    /* The path up to the file, for the directory test. */
    path[(size_t)(base - path) + strlen(file)] = '\0';
    if (ends_with(file, ".S") || ends_with(file, ".s") ||
        ends_with(file, ".cpp") || ends_with(file, ".cc") ||
        ends_with(file, ".inc") || strstr(path, "compiler-rt") != NULL ||
        strstr(path, "sanitizer_common") != NULL ||
        strncmp(file, "vg_", 3) == 0 || strncmp(file, "hg_", 3) == 0 ||
        strncmp(file, "drd_", 4) == 0)
        f->owner = ST_OWN_SYSTEM;
    else if (st_detlog_harness_file(path))
        f->owner = allocator(f->fn) ? ST_OWN_SYSTEM : ST_OWN_HARNESS;
    else
        f->owner = ST_OWN_LIBRARY;
}

/* Valgrind: "at 0xADDR: FN (LOC)" or "by 0xADDR: FN (LOC)", LOC being
 * "in OBJECT" or "FILE:LINE". */
static bool vg_frame(const char *p, const char *end, struct st_det_frame *f)
{
    const char *q, *open = NULL;

    p = skip_spaces(p, end);
    if (!starts(p, end, "at 0x") && !starts(p, end, "by 0x"))
        return false;
    q = p + 5;
    while (q < end && isxdigit((unsigned char)*q))
        q++;
    if (!starts(q, end, ": "))
        return false;
    q += 2;
    if (end > q && end[-1] == ')')
        for (const char *s = end - 1; s > q; s--)
            if (s[0] == '(' && s[-1] == ' ') {
                open = s;
                break;
            }
    if (open == NULL) {
        set_frame(f, q, (size_t)(end - q), "", 0, true);
        f->owner = ST_OWN_SYSTEM;
        return true;
    }
    if (starts(open + 1, end, "in "))
        set_frame(f, q, (size_t)(open - 1 - q), open + 4,
                  (size_t)(end - 1 - (open + 4)), true);
    else
        set_frame(f, q, (size_t)(open - 1 - q), open + 1,
                  (size_t)(end - 1 - (open + 1)), false);
    return true;
}

/* The next word of p..end: *w, its length returned. */
static size_t word(const char **p, const char *end, const char **w)
{
    const char *s = skip_spaces(*p, end), *e = s;

    while (e < end && *e != ' ')
        e++;
    *w = s;
    *p = e;
    return (size_t)(e - s);
}

/* A sanitizer's "#N FN LOC (MODULE+0xOFF)" (TSan) or "#N 0xADDR in FN
 * LOC" (ASan), LOC a path with ":LINE:COL", "<null>", or "(MODULE+0xOFF)". */
static bool san_frame(const char *p, const char *end, struct st_det_frame *f)
{
    const char *w, *fn, *loc;
    size_t n, fnlen, loclen;

    p = skip_spaces(p, end);
    if (p >= end || *p != '#' || p + 1 >= end ||
        !isdigit((unsigned char)p[1]))
        return false;
    n = word(&p, end, &w);              /* "#N" */
    fnlen = word(&p, end, &fn);
    if (fnlen > 2 && fn[0] == '0' && fn[1] == 'x') {
        n = word(&p, end, &w);          /* "in" */
        if (n != 2 || memcmp(w, "in", 2) != 0)
            return false;
        fnlen = word(&p, end, &fn);
    }
    loclen = word(&p, end, &loc);
    if (loclen > 0 && loc[0] == '(') {
        /* "(MODULE+0xOFF)": no source line. */
        const char *plus = memchr(loc, '+', loclen);

        set_frame(f, fn, fnlen, loc + 1,
                  (size_t)((plus != NULL ? plus : loc + loclen - 1) - loc - 1),
                  true);
        return true;
    }
    if (loclen == 0 || (loclen == 6 && memcmp(loc, "<null>", 6) == 0)) {
        const char *mod;
        size_t ml = word(&p, end, &mod);
        const char *plus = ml > 0 ? memchr(mod, '+', ml) : NULL;

        if (ml > 1 && mod[0] == '(')
            set_frame(f, fn, fnlen, mod + 1,
                      (size_t)((plus != NULL ? plus : mod + ml - 1) - mod - 1),
                      true);
        else
            set_frame(f, fn, fnlen, "", 0, true);
        if (f->owner != ST_OWN_LIBRARY)
            f->owner = ST_OWN_SYSTEM;
        return true;
    }
    set_frame(f, fn, fnlen, loc, loclen, false);
    return true;
}

/* ---- reports ---------------------------------------------------------- */

struct reader {
    struct st_detlog *lg;
    size_t cap;
    size_t unmarked;            /* first report no marker has followed */
    struct st_det_report *cur;  /* the report being read, or NULL */
    int section;                /* stack its frames go to; -1: none */
    bool frames_seen;           /* a frame since the section began */
    bool keep_head;             /* UBSan: its line is the head, not the
                                   SUMMARY that follows */
};

static int new_report(struct reader *rd, const char *p, const char *end,
                      bool race)
{
    struct st_detlog *lg = rd->lg;

    if (lg->n == rd->cap) {
        size_t cap = rd->cap ? rd->cap * 2 : 8;
        struct st_det_report *nr = realloc(lg->reports, cap * sizeof(*nr));

        if (nr == NULL)
            return -ENOMEM;
        lg->reports = nr;
        rd->cap = cap;
    }
    rd->cur = &lg->reports[lg->n++];
    memset(rd->cur, 0, sizeof(*rd->cur));
    rd->cur->iteration = -1;
    rd->cur->race = race;
    copy_text(rd->cur->head, sizeof(rd->cur->head), p, end);
    rd->section = 0;
    rd->frames_seen = false;
    rd->keep_head = false;
    return 0;
}

/* Start stack |s| of the current report, described by p..end (may be
 * empty); -1: the frames that follow belong to no stack. */
static void section(struct reader *rd, int s, const char *p, const char *end)
{
    struct st_det_report *r = rd->cur;

    if (r == NULL)
        return;
    if (s >= 0 && (size_t)s < r->nstacks)
        s = -1;                 /* that stack is read already */
    rd->section = s;
    rd->frames_seen = false;
    if (s < 0)
        return;
    r->nstacks = (size_t)s + 1;
    if (p < end) {
        char *w = r->stacks[s].what;

        copy_text(w, sizeof(r->stacks[s].what), p, end);
        w[0] = (char)tolower((unsigned char)w[0]);
        if (w[0] != '\0' && w[strlen(w) - 1] == ':')
            w[strlen(w) - 1] = '\0';
    }
}

static void add_frame(struct reader *rd, const struct st_det_frame *f)
{
    struct st_det_report *r = rd->cur;
    struct st_det_stack *st;

    if (r == NULL || rd->section < 0)
        return;
    if ((size_t)rd->section >= r->nstacks)
        r->nstacks = (size_t)rd->section + 1;
    st = &r->stacks[rd->section];
    rd->frames_seen = true;
    if (st->nframes < ST_DETLOG_DEPTH)
        st->frames[st->nframes++] = *f;
}

/* "sslstress: iteration N": the reports since the last marker are N's. */
static bool marker(struct reader *rd, const char *p, const char *end)
{
    const char *w = "sslstress: iteration ";
    long long it = 0;

    if (!starts(p, end, w))
        return false;
    for (p += strlen(w); p < end && isdigit((unsigned char)*p); p++)
        it = it * 10 + (*p - '0');
    for (size_t i = rd->unmarked; i < rd->lg->n; i++)
        rd->lg->reports[i].iteration = it;
    rd->unmarked = rd->lg->n;
    return true;
}

/* A line inside a sanitizer's report (not its first). */
static void san_line(struct reader *rd, const char *p, const char *end)
{
    struct st_det_frame f;
    const char *q = skip_spaces(p, end);

    if (rd->cur == NULL)
        return;
    if (san_frame(q, end, &f)) {
        add_frame(rd, &f);
        return;
    }
    if (q == end || starts(q, end, "=====")) {
        return;
    }
    if (starts(q, end, "SUMMARY: ")) {
        if (!rd->keep_head)
            copy_text(rd->cur->head, sizeof(rd->cur->head), q + 9, end);
        rd->cur = NULL;         /* the report's last line */
        return;
    }
    if (starts(q, end, "Previous ") || starts(q, end, "freed by thread"))
        section(rd, 1, q, end);
    else if (rd->cur->nstacks == 0 || (rd->section == 0 && !rd->frames_seen))
        section(rd, 0, q, end);
    else
        section(rd, -1, q, end);
}

/* A line of a Valgrind error (not its header). */
static void vg_line(struct reader *rd, const char *q, const char *end)
{
    struct st_det_frame f;
    const char *s = skip_spaces(q, end);

    if (rd->cur == NULL)
        return;
    if (vg_frame(s, end, &f)) {
        add_frame(rd, &f);
        return;
    }
    if (s == end || starts(s, end, "Locks held"))
        return;
    if (starts(s, end, "This conflicts with a "))
        section(rd, 1, s + strlen("This conflicts with a "), end);
    else if (starts(s, end, "(thread finished"))
        return;
    else if (rd->frames_seen || rd->section != 0)
        section(rd, -1, s, end);
}

int st_detlog_read(const char *detector, const char *log,
                   struct st_detlog *lg)
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
    struct reader rd = { .lg = lg, .section = -1 };
    const char *p = log, *logend;
    bool prev_blank = true, prev_sep = false, in_san = false;

    memset(lg, 0, sizeof(*lg));
    if (log == NULL)
        return 0;
    logend = log + strlen(log);
    for (; p < logend; p = p < logend ? p + 1 : p) {
        const char *e = memchr(p, '\n', (size_t)(logend - p));
        const char *q;
        bool vg, client, header = false;

        if (e == NULL)
            e = logend;
        q = payload(p, e, &vg, &client);
        if (client || !vg) {
            if (marker(&rd, q, e)) {
                p = e;
                continue;
            }
        }
        if (san && !vg && !client) {
            const char *w;

            if (deadly_signal(q, e)) {
                in_san = false;
                rd.cur = NULL;
            } else if ((w = find(q, e, "WARNING: ThreadSanitizer:")) != NULL ||
                       (w = find(q, e, "ERROR: AddressSanitizer")) != NULL ||
                       (w = find(q, e, "ERROR: LeakSanitizer")) != NULL) {
                w = find(w, e, ": ") + 2;
                if (new_report(&rd, w, e, find(w, e, "ThreadSanitizer: data "
                                               "race") != NULL) != 0)
                    return -ENOMEM;
                in_san = true;
            } else if (find(q, e, "runtime error:") != NULL) {
                /* UBSan: the line is the report (its stack may follow). */
                if (new_report(&rd, q, e, false) != 0)
                    return -ENOMEM;
                rd.keep_head = true;
                in_san = true;
            } else if (in_san) {
                san_line(&rd, q, e);
                if (rd.cur == NULL)
                    in_san = false;
            }
        }
        if (vg) {
            bool blank = q == e;

            if (hg && all_dashes(q, e)) {
                /* Helgrind: a line of dashes, a blank line, the error. */
                prev_sep = true;
                rd.cur = NULL;
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
                if (new_report(&rd, q, e,
                               starts(q, e, "Possible data race") ||
                               starts(q, e, "Conflicting load") ||
                               starts(q, e, "Conflicting store")) != 0)
                    return -ENOMEM;
            } else if (!blank) {
                vg_line(&rd, q, e);
            }
        }
        p = e;
    }
    return 0;
}

bool st_detlog_deadly_signal(const char *line)
{
    return deadly_signal(line, line + strlen(line));
}

void st_detlog_free(struct st_detlog *lg)
{
    free(lg->reports);
    memset(lg, 0, sizeof(*lg));
}

/* ---- what a report says ------------------------------------------------ */

/* The first frame of |st| that is not the system's, or NULL. */
static const struct st_det_frame *first_own(const struct st_det_stack *st,
                                            size_t *at)
{
    for (size_t i = 0; i < st->nframes; i++)
        if (st->frames[i].owner != ST_OWN_SYSTEM) {
            *at = i;
            return &st->frames[i];
        }
    return NULL;
}

bool st_detlog_in_library(const struct st_det_report *rep)
{
    const struct st_det_frame *f;
    size_t at;

    if (rep->nstacks == 0)
        return false;
    f = first_own(&rep->stacks[0], &at);
    return f != NULL && f->owner == ST_OWN_LIBRARY;
}

bool st_detlog_has_function(const struct st_det_report *rep, const char *fn)
{
    for (size_t s = 0; s < rep->nstacks; s++) {
        const struct st_det_stack *st = &rep->stacks[s];
        size_t at;

        if (first_own(st, &at) == NULL)
            continue;
        for (size_t i = at; i < st->nframes &&
                            st->frames[i].owner != ST_OWN_HARNESS; i++)
            if (st->frames[i].owner == ST_OWN_LIBRARY &&
                strcmp(st->frames[i].fn, fn) == 0)
                return true;
    }
    return false;
}

bool st_detlog_library_unnamed(const struct st_det_report *rep)
{
    bool seen = false;

    for (size_t s = 0; s < rep->nstacks; s++) {
        const struct st_det_stack *st = &rep->stacks[s];
        size_t at;

        if (first_own(st, &at) == NULL)
            continue;
        for (size_t i = at; i < st->nframes &&
                            st->frames[i].owner != ST_OWN_HARNESS; i++) {
            if (st->frames[i].owner != ST_OWN_LIBRARY)
                continue;
            if (st->frames[i].fn[0] != '\0' &&
                strcmp(st->frames[i].fn, "???") != 0)
                return false;
            seen = true;
        }
    }
    return seen;
}

/* Append to buf (of len, k used), truncating. */
static void put(char *buf, size_t len, size_t *k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *k, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*k + 1 >= len)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *k, len - *k, fmt, ap);
    va_end(ap);
    if (n > 0)
        *k = *k + (size_t)n < len ? *k + (size_t)n : len - 1;
}

/* The frames idx[0..n) of |st|: "FN (where)", an object's name written
 * once after the last of a run of frames in it. */
static void put_frames(char *buf, size_t len, size_t *k,
                       const struct st_det_stack *st, const size_t *idx,
                       size_t n, size_t gap)
{
    for (size_t i = 0; i < n; i++) {
        const struct st_det_frame *f = &st->frames[idx[i]];
        const struct st_det_frame *next = i + 1 < n ? &st->frames[idx[i + 1]]
                                                    : NULL;
        bool same_obj = next != NULL && f->object && next->object &&
                        strcmp(f->where, next->where) == 0 && i + 1 != gap;

        put(buf, len, k, "%s%s", i == 0 ? "" : i == gap ? " < ... < " : " < ",
            f->fn);
        if (f->where[0] != '\0' && !same_obj)
            put(buf, len, k, " (%s)", f->where);
    }
}

static void put_stack(char *buf, size_t len, size_t *k,
                      const struct st_det_stack *st)
{
    size_t at, idx[5], n = 0, nlib = 0, last = 0, gap = SIZE_MAX;
    const struct st_det_frame *f = first_own(st, &at);

    if (f == NULL)
        return;
    if (f->owner == ST_OWN_HARNESS) {
        put(buf, len, k, " in the harness at ");
        for (size_t i = at; i < st->nframes && n < 2; i++)
            if (st->frames[i].owner != ST_OWN_SYSTEM)
                idx[n++] = i;
        put_frames(buf, len, k, st, idx, n, SIZE_MAX);
        return;
    }
    for (size_t i = at; i < st->nframes &&
                        st->frames[i].owner != ST_OWN_HARNESS; i++)
        if (st->frames[i].owner == ST_OWN_LIBRARY) {
            if (nlib < 4)
                idx[n++] = i;
            nlib++;
            last = i;
        }
    if (nlib > 4) {
        /* The first three, then the call into the library. */
        n = 3;
        idx[n++] = last;
        gap = 3;
    }
    put(buf, len, k, " at ");
    put_frames(buf, len, k, st, idx, n, gap);
}

void st_detlog_summary(const struct st_det_report *rep, char *buf, size_t len)
{
    size_t k = 0;

    if (len == 0)
        return;
    buf[0] = '\0';
    put(buf, len, &k, "%s", rep->head);
    for (size_t s = 0; s < rep->nstacks; s++) {
        const struct st_det_stack *st = &rep->stacks[s];
        size_t at;

        if (first_own(st, &at) == NULL)
            continue;
        if (st->what[0] != '\0')
            put(buf, len, &k, "; %s", st->what);
        else if (s > 0)
            put(buf, len, &k, "; against");
        put_stack(buf, len, &k, st);
    }
}
