/* `sslstress gen`: scenarios from the contract table (gen.h).
 *
 * Each family has one writer of its setup, thread bodies and check
 * (ssl_scenario, ctx_scenario, session_scenario, cache_scenario), so a
 * row only names the two operations; what a state and a role mean for a
 * family is said once, in state_text and role_text, and printed into each
 * file's header.  Every file is built in memory (open_memstream) and
 * compared with what is on disk before it is written. */
#include "gen.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contract.h"

/* Iterations a generated file asks for (the `iterations` header):
 * `make stress` gives each scenario its share of the time anyway, and
 * `make check` runs fewer (--iterations). */
#define GEN_ITERATIONS 1000
#define WRAP 76                 /* header comment width */

enum role { ROLE_NONE, ROLE_CLIENT, ROLE_SERVER };

/* One file: a row in one state (0: none) and role. */
struct variant {
    const struct st_cpair *row;
    unsigned state;
    enum role role;
};

static const char *const thr[2] = { "A", "B" };

static const char *state_slug(unsigned st)
{
    return st == ST_CS_INITIAL ? "initial" : st == ST_CS_MID ? "mid"
           : st == ST_CS_FINISHED ? "finished" : "";
}

static const char *role_slug(enum role r)
{
    return r == ROLE_CLIENT ? "client" : r == ROLE_SERVER ? "server" : "";
}

/* The variants of |row| into v (at most 6): its states (or none) in
 * order, each with both roles; a cache row's fresh session has no role. */
static size_t variants(const struct st_cpair *row, struct variant *v)
{
    static const unsigned states[] = { ST_CS_INITIAL, ST_CS_MID,
                                       ST_CS_FINISHED };
    size_t n = 0;

    if (!row->allowed)
        return 0;
    if (row->states == 0) {
        v[n++] = (struct variant){ row, 0, ROLE_CLIENT };
        v[n++] = (struct variant){ row, 0, ROLE_SERVER };
        return n;
    }
    for (size_t i = 0; i < 3; i++) {
        if (!(row->states & states[i]))
            continue;
        if (row->fam == ST_CF_CACHE && states[i] == ST_CS_INITIAL) {
            v[n++] = (struct variant){ row, states[i], ROLE_NONE };
            continue;
        }
        v[n++] = (struct variant){ row, states[i], ROLE_CLIENT };
        v[n++] = (struct variant){ row, states[i], ROLE_SERVER };
    }
    return n;
}

static void file_name(const struct variant *v, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s-vs-%s%s%s%s%s.scn", st_cfam_slug(v->row->fam),
             st_cop_slug(v->row->a), st_cop_slug(v->row->b),
             v->state ? "-" : "", state_slug(v->state),
             v->role != ROLE_NONE ? "-" : "", role_slug(v->role));
}

/* What the state means for the objects of the family. */
static const char *state_text(const struct variant *v)
{
    switch (v->row->fam) {
    case ST_CF_SSL:
        return v->state == ST_CS_INITIAL ? "initial: s is fresh from "
               "SSL_new, its role not chosen yet (a handshake chooses it)"
               : v->state == ST_CS_MID ? "mid: s stopped after its first "
               "flight (SSL_in_before() is false)"
               : "finished: s completed its handshake";
    case ST_CF_CTX:
        return v->state == 0 ? "none: no SSL takes part"
               : v->state == ST_CS_INITIAL ? "initial: the SSLs are fresh "
               "from SSL_new"
               : v->state == ST_CS_MID ? "mid: each SSL is driven to its "
               "first flight (setup's, or the thread's after its SSL_new)"
               : "finished: each SSL completes its handshake (setup's, or "
               "the thread's after its SSL_new)";
    case ST_CF_SESSION:
        return v->state == ST_CS_INITIAL ? "initial: x is a fresh session "
               "(SSL_SESSION_new) set on s, which is fresh from SSL_new"
               : v->state == ST_CS_MID ? "mid: x is a fresh session set on "
               "s, which stopped after its first flight"
               : "finished: x is the session s's completed handshake made";
    case ST_CF_CACHE:
        return v->state == ST_CS_INITIAL ? "initial: x is a fresh session "
               "(SSL_SESSION_new), never negotiated, added to the cache"
               : "finished: x comes from a completed handshake";
    }
    return "?";
}

static const char *role_text(const struct variant *v)
{
    if (v->row->fam == ST_CF_CACHE)
        return v->role == ROLE_NONE ? "none: a fresh session has no end"
               : v->role == ROLE_CLIENT ? "client: x is the client's "
               "session of a handshake with the harness's server, added to "
               "c's cache"
               : "server: x is c's own session of its last handshake, "
               "already in the cache (the harness's client offers it to "
               "every lookup)";
    return v->role == ROLE_CLIENT ? "client (SSL_CTX of TLS_client_method)"
           : "server (SSL_CTX of TLS_server_method, with the test "
           "certificate)";
}

/* ---- writing ------------------------------------------------------------ */

/* "# " |label| |text|, wrapped at WRAP columns, continued with "#   ". */
static void comment(FILE *f, const char *label, const char *text)
{
    size_t col, w;
    const char *p = text;

    col = (size_t)fprintf(f, "# %s", label);
    while (*p != '\0') {
        w = strcspn(p, " ");
        if (col + 1 + w > WRAP && col > 4) {
            fputs("\n#  ", f);
            col = 4;
        }
        fprintf(f, " %.*s", (int)w, p);
        col += 1 + w;
        p += w;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

static void line(FILE *f, const char *fmt, ...)
{
    va_list ap;

    fputs("  ", f);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

/* A setting of most items of the page's list, so that `copied` sees a
 * copy that skipped one. */
static void settings(FILE *f, const char *s)
{
    line(f, "set %s cert=test key=test options=NO_COMPRESSION "
         "mode=AUTO_RETRY", s);
    line(f, "set %s verify_depth=5 max_cert_list=0x4000 read_ahead=on "
         "sid_ctx=\"gen\"", s);
    line(f, "set %s psk_hint=\"gen\" app_data=7 ex_data=11 info_cb=on "
         "msg_cb=on", s);
    line(f, "set %s security_level=1 ca_list=test client_ca_list=test", s);
}

/* Drive |s| to |state| (nothing for the initial one). */
static void drive(FILE *f, const char *s, unsigned state)
{
    if (state == ST_CS_MID)
        line(f, "handshake %s until=mid", s);
    else if (state == ST_CS_FINISHED)
        line(f, "handshake %s until=done", s);
}

static void ctx_line(FILE *f, enum role r)
{
    line(f, "ctx c method=%s", r == ROLE_SERVER ? "server" : "client");
}

/* SSL_dup of |s| by a thread holding a reference: a copy of the initial
 * state (with every setting), the same handle past it.  Frees the dup. */
static void dup_checked(FILE *f, const char *s, unsigned state)
{
    line(f, "d = dup %s", s);
    if (state == ST_CS_INITIAL) {
        line(f, "expect d != %s", s);
        line(f, "expect copied d %s", s);
    } else {
        line(f, "expect d == %s", s);
    }
    line(f, "free d");
}

/* How many of the row's two operations are in |set| (an array ending in
 * -1). */
static int users(const struct variant *v, const int *set)
{
    int n = 0;

    for (int t = 0; t < 2; t++)
        for (const int *p = set; *p >= 0; p++)
            n += (int)(t == 0 ? v->row->a : v->row->b) == *p;
    return n;
}

static enum st_cop op_of(const struct variant *v, int t)
{
    return t == 0 ? v->row->a : v->row->b;
}

static void up_refs(FILE *f, const char *name, int n)
{
    for (int i = 0; i < n; i++)
        line(f, "up_ref %s", name);
}

/* The thread's count race: a reference of its own, taken and dropped
 * (the one setup gave it is dropped after). */
static void up_ref_and_free(FILE *f, const char *name)
{
    line(f, "up_ref %s", name);
    line(f, "free %s", name);
}

/* ---- one SSL s --------------------------------------------------------- */

static void ssl_scenario(FILE *f, const struct variant *v)
{
    bool initial = v->state == ST_CS_INITIAL;
    int dup_hs = -1, get1_hs = -1;

    fprintf(f, "setup\n");
    ctx_line(f, v->role);
    line(f, "sess = session");
    line(f, "s = new c");
    line(f, "set s session=sess");
    settings(f, "s");
    drive(f, "s", v->state);
    line(f, "up_ref s");
    for (int t = 0; t < 2; t++) {
        enum st_cop other = op_of(v, 1 - t);

        fprintf(f, "\nthread %s\n", thr[t]);
        switch (op_of(v, t)) {
        case ST_CO_UP_REF:
            up_ref_and_free(f, "s");
            break;
        case ST_CO_DUP:
            if (initial && other == ST_CO_HANDSHAKE) {
                /* which of the two the race gives: the outcome table */
                dup_hs = t;
                line(f, "d = dup s");
                line(f, "observe dup_%s same(d, s)", thr[t]);
            } else {
                dup_checked(f, "s", v->state);
            }
            break;
        case ST_CO_GET1_SESSION:
            line(f, "x = get1_session s");
            if (other == ST_CO_HANDSHAKE) {
                get1_hs = t;
                line(f, "observe old_%s x == sess", thr[t]);
            } else if (initial) {
                line(f, "expect x == sess");
            } else if (v->state == ST_CS_FINISHED) {
                line(f, "expect x != sess");
            }
            line(f, "free x");
            break;
        case ST_CO_HANDSHAKE:
            line(f, "handshake s until=done");
            break;
        default:        /* ST_CO_FREE: the thread's free below is it */
            break;
        }
        line(f, "free s");
    }
    fprintf(f, "\ncheck\n");
    if (dup_hs >= 0) {
        line(f, "observe state_%s state d", thr[dup_hs]);
        line(f, "free d");
    }
    line(f, "expect freed s");
    line(f, "expect refs sess == 1");
    line(f, "free sess");
    line(f, "free c");
    line(f, "expect leaks == 0");
    if (dup_hs >= 0) {
        const char *t = thr[dup_hs];

        fputc('\n', f);
        fprintf(f, "outcome dup_%s=copy state_%s=before acceptable \"SSL_dup "
                "copied s before its handshake began\"\n", t, t);
        fprintf(f, "outcome dup_%s=same state_%s=done acceptable \"SSL_dup "
                "found the handshake under way and shared s\"\n", t, t);
        fprintf(f, "outcome dup_%s=same state_%s=before forbidden \"shared "
                "while still initial: SSL_dup should have copied\"\n", t, t);
        fprintf(f, "outcome dup_%s=copy state_%s=mid forbidden \"torn: a "
                "copy of a half-done handshake\"\n", t, t);
        fprintf(f, "outcome dup_%s=copy state_%s=done forbidden \"torn: a "
                "copy of a finished connection\"\n", t, t);
    }
    if (get1_hs >= 0) {
        const char *t = thr[get1_hs];

        fputc('\n', f);
        fprintf(f, "outcome old_%s=true acceptable \"SSL_get1_session took "
                "the session set before the handshake replaced it\"\n", t);
        fprintf(f, "outcome old_%s=false acceptable \"SSL_get1_session took "
                "the session the handshake made\"\n", t);
    }
}

/* ---- one SSL_CTX c ---------------------------------------------------- */

static void ctx_scenario(FILE *f, const struct variant *v)
{
    static const int c_ops[] = { ST_CO_CTX_UP_REF, ST_CO_CTX_FREE,
                                 ST_CO_NEW, -1 };
    int nc = users(v, c_ops);
    char s[8];

    fprintf(f, "setup\n");
    ctx_line(f, v->role);
    line(f, "set c cert=test key=test");
    for (int t = 0; t < 2; t++) {
        enum st_cop op = op_of(v, t);

        if (op != ST_CO_FREE && op != ST_CO_DUP)
            continue;
        snprintf(s, sizeof(s), "s%s", thr[t]);
        line(f, "%s = new c", s);
        if (op == ST_CO_DUP)
            settings(f, s);
        drive(f, s, v->state);
    }
    if (nc == 0)
        line(f, "free c");      /* the SSLs hold c's references */
    else
        up_refs(f, "c", nc - 1);
    for (int t = 0; t < 2; t++) {
        snprintf(s, sizeof(s), "s%s", thr[t]);
        fprintf(f, "\nthread %s\n", thr[t]);
        switch (op_of(v, t)) {
        case ST_CO_CTX_UP_REF:
            up_ref_and_free(f, "c");
            line(f, "free c");
            break;
        case ST_CO_CTX_FREE:
            line(f, "free c");
            break;
        case ST_CO_NEW:
            /* the new SSL's reference alone keeps c for its handshake */
            line(f, "t = new c");
            line(f, "free c");
            drive(f, "t", v->state);
            line(f, "free t");
            break;
        case ST_CO_FREE:
            line(f, "free %s", s);
            break;
        default:        /* ST_CO_DUP */
            dup_checked(f, s, v->state);
            line(f, "free %s", s);
            break;
        }
    }
    fprintf(f, "\ncheck\n");
    line(f, "expect freed c");
    line(f, "expect leaks == 0");
}

/* ---- one SSL_SESSION x, held by s ------------------------------------- */

static void session_scenario(FILE *f, const struct variant *v)
{
    static const int s_ops[] = { ST_CO_GET1_SESSION, ST_CO_FREE, ST_CO_DUP,
                                 -1 };
    static const int dup_op[] = { ST_CO_DUP, -1 };
    int ns = users(v, s_ops);

    fprintf(f, "setup\n");
    ctx_line(f, v->role);
    line(f, "set c cert=test key=test");
    line(f, "s = new c");
    if (users(v, dup_op) > 0)
        settings(f, "s");
    if (v->state == ST_CS_FINISHED) {
        line(f, "handshake s until=done");
        line(f, "x = get1_session s");
    } else {
        line(f, "x = session");
        line(f, "set s session=x");
        drive(f, "s", v->state);
    }
    line(f, "up_ref x");
    up_refs(f, "s", ns - 1);
    for (int t = 0; t < 2; t++) {
        fprintf(f, "\nthread %s\n", thr[t]);
        switch (op_of(v, t)) {
        case ST_CO_SESS_UP_REF:
            up_ref_and_free(f, "x");
            line(f, "free x");
            break;
        case ST_CO_SESS_FREE:
            line(f, "free x");
            break;
        case ST_CO_SET_SESSION:
            line(f, "t = new c");
            line(f, "set t session=x");
            line(f, "free x");
            line(f, "free t");
            break;
        case ST_CO_GET1_SESSION:
            line(f, "y = get1_session s");
            if (v->state != ST_CS_MID)
                line(f, "expect y == x");
            line(f, "free y");
            line(f, "free x");
            line(f, "free s");
            break;
        case ST_CO_FREE:
            line(f, "free x");
            line(f, "free s");
            break;
        default:        /* ST_CO_DUP */
            dup_checked(f, "s", v->state);
            line(f, "free x");
            line(f, "free s");
            break;
        }
    }
    fprintf(f, "\ncheck\n");
    if (ns == 0)
        line(f, "free s");
    line(f, "free c");
    line(f, "expect freed s");
    line(f, "expect freed x");
    line(f, "expect leaks == 0");
}

/* ---- the session cache of c ------------------------------------------- */

static void cache_scenario(FILE *f, const struct variant *v)
{
    static const int x_ops[] = { ST_CO_CACHE_ADD, ST_CO_CACHE_REMOVE, -1 };
    int nx = users(v, x_ops);

    fprintf(f, "setup\n");
    line(f, "ctx c method=server");
    line(f, "set c cert=test key=test options=NO_TICKET");
    line(f, "s0 = new c");
    line(f, "handshake s0 until=done");
    if (v->role == ROLE_SERVER) {
        line(f, "x = get1_session s0");
    } else if (v->role == ROLE_CLIENT) {
        line(f, "ctx k method=client");
        line(f, "t = new k");
        line(f, "handshake t until=done");
        line(f, "x = get1_session t");
        line(f, "free t");
        line(f, "free k");
    } else {
        line(f, "x = session");
    }
    line(f, "free s0");
    line(f, "add_session c x");
    up_refs(f, "x", nx - 1);
    for (int t = 0; t < 2; t++) {
        fprintf(f, "\nthread %s\n", thr[t]);
        switch (op_of(v, t)) {
        case ST_CO_CACHE_ADD:
            line(f, "add_session c x");
            line(f, "free x");
            break;
        case ST_CO_CACHE_REMOVE:
            line(f, "remove_session c x");
            line(f, "free x");
            break;
        case ST_CO_CACHE_FLUSH:
            line(f, "flush_sessions c");
            break;
        default:        /* ST_CO_CACHE_LOOKUP */
            line(f, "srv = new c");
            line(f, "handshake srv until=done");
            line(f, "free srv");
            break;
        }
    }
    fprintf(f, "\ncheck\n");
    if (nx == 0)
        line(f, "free x");
    line(f, "free c");
    line(f, "expect freed x");
    line(f, "expect leaks == 0");
}

/* What the checks of the family are, for the header. */
static const char *checks_text(enum st_cfam fam)
{
    switch (fam) {
    case ST_CF_SSL:
        return "every reference balanced (the validator counts them); "
               "after the threads s is freed and the session set on it is "
               "back to one reference; nothing leaks; SSL_dup gives a copy "
               "in the initial state (with every setting: copied) and s "
               "itself past it; where the race decides, the outcome table";
    case ST_CF_CTX:
        return "every reference balanced; after the threads c is freed "
               "and nothing leaks; SSL_dup gives a copy in the initial "
               "state (copied) and the SSL itself past it";
    case ST_CF_SESSION:
        return "every reference balanced; after the threads s and x are "
               "freed and nothing leaks; SSL_get1_session returns x "
               "(initial, finished); SSL_dup copies (copied) or shares as "
               "the state says";
    case ST_CF_CACHE:
        return "every reference balanced; once c is freed, x is freed "
               "and nothing leaks";
    }
    return "?";
}

static int scenario_text(const struct variant *v, struct st_gen_file *out)
{
    const struct st_cpair *r = v->row;
    char *text = NULL, what[256], stem[128];
    size_t len = 0;
    FILE *f;

    file_name(v, out->name, sizeof(out->name));
    snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(out->name) - 4),
             out->name);
    if ((f = open_memstream(&text, &len)) == NULL)
        return -ENOMEM;
    fprintf(f, "%s from the thread-safety contract table,\n"
            "# row %s (stress/contract.c).  Do not edit: change the table "
            "or\n# stress/gen.c and run `make gen` "
            "(doc/generated-scenarios.md).\n#\n", ST_GEN_MARK, r->id);
    snprintf(what, sizeof(what), "thread A %s; thread B %s",
             st_cop_call(r->a), st_cop_call(r->b));
    comment(f, "Races:", what);
    comment(f, "Objects:", st_cfam_objects(r->fam));
    comment(f, "Allowed:", r->why);
    comment(f, "State:", state_text(v));
    comment(f, "Role:", role_text(v));
    comment(f, "Checks:", checks_text(r->fam));
    fprintf(f, "scenario %s\n", stem);
    fprintf(f, "about \"%s || %s, %s%s%s%s%s (contract row %s)\"\n",
            st_cop_slug(r->a), st_cop_slug(r->b), st_cfam_slug(r->fam),
            v->state ? " " : "", state_slug(v->state),
            v->role != ROLE_NONE ? " " : "", role_slug(v->role), r->id);
    fprintf(f, "iterations %d\n\n", GEN_ITERATIONS);
    switch (r->fam) {
    case ST_CF_SSL: ssl_scenario(f, v); break;
    case ST_CF_CTX: ctx_scenario(f, v); break;
    case ST_CF_SESSION: session_scenario(f, v); break;
    case ST_CF_CACHE: cache_scenario(f, v); break;
    }
    if (fclose(f) != 0 || text == NULL) {
        free(text);
        return -ENOMEM;
    }
    out->text = text;
    out->len = len;
    return 0;
}

int st_gen_all(struct st_gen_file **files, size_t *n)
{
    struct st_gen_file *v = NULL;
    struct variant var[6];
    size_t cnt = 0, k, i;
    int e;

    for (i = 0; i < st_ncontract; i++)
        cnt += variants(&st_contract[i], var);
    if ((v = calloc(cnt ? cnt : 1, sizeof(*v))) == NULL)
        return -ENOMEM;
    *n = 0;
    for (i = 0; i < st_ncontract; i++) {
        size_t nv = variants(&st_contract[i], var);

        for (k = 0; k < nv; k++) {
            if ((e = scenario_text(&var[k], &v[*n])) < 0) {
                st_gen_free(v, *n);
                *n = 0;
                return e;
            }
            (*n)++;
        }
    }
    *files = v;
    return 0;
}

void st_gen_free(struct st_gen_file *files, size_t n)
{
    if (files == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(files[i].text);
    free(files);
}

/* ---- the directory ---------------------------------------------------- */

/* 1 when |path| holds exactly text[len], 0 when not (or missing). */
static int same_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "rb");
    char buf[4096];
    size_t off = 0, k;
    int same = 1;

    if (f == NULL)
        return 0;
    while (same && (k = fread(buf, 1, sizeof(buf), f)) > 0) {
        same = off + k <= len && memcmp(buf, text + off, k) == 0;
        off += k;
    }
    same = same && off == len && !ferror(f);
    fclose(f);
    return same;
}

/* 1 when |path| starts with ST_GEN_MARK. */
static int generated(const char *path)
{
    char head[sizeof(ST_GEN_MARK)];
    FILE *f = fopen(path, "rb");
    size_t k;

    if (f == NULL)
        return 0;
    k = fread(head, 1, sizeof(head) - 1, f);
    fclose(f);
    return k == sizeof(head) - 1 && memcmp(head, ST_GEN_MARK, k) == 0;
}

static int write_file(const char *path, const struct st_gen_file *g,
                      char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    int e;

    if (f == NULL) {
        e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    if (fwrite(g->text, 1, g->len, f) != g->len) {
        e = errno ? errno : EIO;
        fclose(f);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    if (fclose(f) != 0) {
        e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    return 0;
}

static bool in_set(const struct st_gen_file *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return true;
    return false;
}

/* Remove the generated *.scn files of |dir| that are not in v[n]. */
static int remove_stale(const char *dir, const struct st_gen_file *v,
                        size_t n, struct st_gen_stats *stats, char *err,
                        size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[4096];
    int e = 0;

    if (d == NULL) {
        e = errno;
        snprintf(err, errlen, "%s: %s", dir, strerror(e));
        return -e;
    }
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);

        if (l < 5 || strcmp(de->d_name + l - 4, ".scn") != 0
            || in_set(v, n, de->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (!generated(path))
            continue;
        if (unlink(path) != 0) {
            e = errno;
            snprintf(err, errlen, "%s: %s", path, strerror(e));
            break;
        }
        stats->removed++;
    }
    closedir(d);
    return -e;
}

int st_gen_write(const char *dir, struct st_gen_stats *stats, char *err,
                 size_t errlen)
{
    struct st_gen_file *v = NULL;
    size_t n = 0;
    char path[4096];
    int e;

    memset(stats, 0, sizeof(*stats));
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        e = errno;
        snprintf(err, errlen, "%s: %s", dir, strerror(e));
        return -e;
    }
    if ((e = st_gen_all(&v, &n)) < 0) {
        snprintf(err, errlen, "%s", strerror(-e));
        return e;
    }
    for (size_t i = 0; i < n && e == 0; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, v[i].name);
        if (same_text(path, v[i].text, v[i].len)) {
            stats->unchanged++;
            continue;
        }
        if ((e = write_file(path, &v[i], err, errlen)) == 0)
            stats->written++;
    }
    if (e == 0)
        e = remove_stale(dir, v, n, stats, err, errlen);
    st_gen_free(v, n);
    return e;
}

/* ---- the table -------------------------------------------------------- */

static const char *states_cell(const struct st_cpair *r)
{
    switch (r->states) {
    case 0: return r->allowed ? "none (no SSL)" : "";
    case ST_CS_INITIAL | ST_CS_MID | ST_CS_FINISHED:
        return "initial, mid, finished";
    case ST_CS_INITIAL | ST_CS_MID: return "initial, mid";
    case ST_CS_INITIAL | ST_CS_FINISHED: return "initial, finished";
    }
    return "?";
}

int st_gen_table(FILE *out)
{
    struct variant var[6];
    size_t allowed = 0, files = 0;
    int fam = -1;

    for (size_t i = 0; i < st_ncontract; i++) {
        const struct st_cpair *r = &st_contract[i];
        size_t nv = variants(r, var);

        if ((int)r->fam != fam) {
            fam = (int)r->fam;
            fprintf(out, "%s**%s**: %s.\n\n"
                    "| row | thread A | thread B | verdict | states | files "
                    "| why |\n| --- | --- | --- | --- | --- | --- | --- |\n",
                    i > 0 ? "\n" : "", st_cfam_slug(r->fam),
                    st_cfam_objects(r->fam));
        }
        fprintf(out, "| %s | %s | %s | %s | %s | %zu | ", r->id,
                st_cop_call(r->a), st_cop_call(r->b),
                r->allowed ? "allowed" : "forbidden", states_cell(r), nv);
        /* a quote's | would end the cell */
        for (const char *p = r->why; *p != '\0'; p++)
            if (*p == '|')
                fputs("\\|", out);
            else
                fputc(*p, out);
        fputs(" |\n", out);
        allowed += r->allowed;
        files += nv;
    }
    fprintf(out, "\n%zu rows: %zu allowed, %zu forbidden; %zu generated "
            "files.\n", st_ncontract, allowed, st_ncontract - allowed, files);
    return ferror(out) ? -EIO : 0;
}

/* ---- the command ------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: sslstress gen [options] [DIR]\n"
          "\n"
          "Write one scenario for every pair of operations that the\n"
          "thread-safety contract table (stress/contract.c) lets run at the\n"
          "same time, in each handshake state and role the pair is meant\n"
          "for, into DIR (default scenarios/generated; made if missing).\n"
          "Files whose text is unchanged are left alone, and generated\n"
          "files the table no longer gives are removed; other files are\n"
          "never touched.  The output depends on the table only: the same\n"
          "table gives byte-identical files.\n"
          "\n"
          "Options:\n"
          "  -t, --table            print the table as Markdown instead\n"
          "                         (doc/generated-scenarios.md holds it)\n"
          "  -l, --list             print the names of the files, one a\n"
          "                         line, instead of writing them\n"
          "  -q, --quiet            say nothing when the files are written\n"
          "  -h, --help             this help\n"
          "\n"
          "Exit status: 0, or 2 for a usage error or a file not written.\n",
          f);
}

int st_gen_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "table", no_argument, NULL, 't' },
        { "list", no_argument, NULL, 'l' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool table = false, list = false, quiet = false;
    const char *dir = "scenarios/generated";
    struct st_gen_stats st;
    char err[4200];
    int c, e;

    optind = 1;
    while ((c = getopt_long(argc, argv, "tlqh", opts, NULL)) != -1) {
        switch (c) {
        case 't': table = true; break;
        case 'l': list = true; break;
        case 'q': quiet = true; break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fputs("Try 'sslstress gen --help'.\n", stderr);
            return 2;
        }
    }
    if (argc - optind > 1 || (table && list)) {
        fprintf(stderr, "sslstress: gen: %s\nTry 'sslstress gen --help'.\n",
                table && list ? "--table and --list exclude each other"
                              : "one DIR at most");
        return 2;
    }
    if (optind < argc)
        dir = argv[optind];
    if (table)
        return st_gen_table(stdout) == 0 ? 0 : 2;
    if (list) {
        struct st_gen_file *v;
        size_t n;

        if (st_gen_all(&v, &n) < 0) {
            fputs("sslstress: gen: out of memory\n", stderr);
            return 2;
        }
        for (size_t i = 0; i < n; i++)
            printf("%s\n", v[i].name);
        st_gen_free(v, n);
        return 0;
    }
    if ((e = st_gen_write(dir, &st, err, sizeof(err))) < 0) {
        fprintf(stderr, "sslstress: gen: %s\n", err);
        return 2;
    }
    if (!quiet)
        printf("gen: %zu scenarios in %s: %zu written, %zu unchanged, %zu "
               "stale removed\n", st.written + st.unchanged, dir, st.written,
               st.unchanged, st.removed);
    return 0;
}
