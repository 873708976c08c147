/* sslstress: the command line.
 *
 *   sslstress run [options] FILE|DIR...   run scenarios (exit 0/1/2)
 *   sslstress check FILE...               validate without running
 *   sslstress list DIR|FILE...            name and about of each scenario
 *   sslstress merge A.json B.json ...     combine shard results (merge.c)
 *   sslstress diff A.json B.json ...      compare backends' results (diff.c)
 *   sslstress bench [options]             harness throughput (bench.c)
 *   sslstress replay FILE --schedule STR  replay a controlled-mode schedule
 *   sslstress faults [--names|--tsv]      the seeded-fault catalogue
 *   sslstress gen [options] [DIR]         scenarios from the contract (gen.c)
 *   sslstress help [COMMAND]              the overview, or COMMAND --help
 *
 * Exit status: 0 all passed (or skipped), 1 a failure found, 2 usage or
 * scenario error. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "backend_inspect.h"
#include "bench.h"
#include "campaign.h"
#include "detector.h"
#include "diff.h"
#include "gen.h"
#include "prng.h"
#include "progress.h"
#include "report.h"
#include "result.h"
#include "runner.h"
#include "scenario.h"
#include "controlled.h"
#include "history.h"
#include "schedule.h"
#include "shard.h"

#define TOOL_VERSION "1.0"

static const char *prog = "sslstress";
static const char *cmd_name = NULL;    /* the command running (try_help) */

/* After a usage error: where the help of the command running is. */
static void try_help(void)
{
    if (cmd_name != NULL)
        fprintf(stderr, "Try '%s %s --help'.\n", prog, cmd_name);
    else
        fprintf(stderr, "Try '%s --help'.\n", prog);
}

/* A usage error: "PROG: " |fmt| with |arg|, and where the help is.  2. */
static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    try_help();
    return 2;
}

/* ---- help texts ------------------------------------------------------------
 * `sslstress --help` is the overview: the commands, with what they take.
 * `sslstress CMD --help` and `sslstress help CMD` print that command's own
 * text, all of one shape: its usage line(s), what it does, "Options:" with
 * one entry per option its parser takes (-h, --help last), and its exit
 * status.  doc/sslstress.1 lists the same options per command
 * (tests/stress/test_cli.c compares them). */

static void usage_main(FILE *f)
{
    fprintf(f,
"usage: %s COMMAND [options] [ARGS]\n"
"       %s help COMMAND\n"
"\n"
"A thread-safety stress harness for TLS libraries' reference counting.\n"
"It runs scenario files (*.scn, see doc/scenario-format.md) that race\n"
"SSL_up_ref, SSL_dup, SSL_free and friends, checks every iteration and\n"
"prints a command that replays each failure.\n"
"\n"
"Commands:\n"
"  run [options] FILE|DIR...  run scenarios (a DIR means its *.scn files)\n"
"  check FILE|DIR...          validate scenario files without running them\n"
"  list FILE|DIR...           print the name and about line of each scenario\n"
"  replay FILE --schedule STR [options]\n"
"                             replay a controlled-mode schedule (printed by\n"
"                             every failure of `run --schedule`)\n"
"  merge [options] RESULT.json...\n"
"                             combine the JSON results of shards into one\n"
"                             report\n"
"  diff A.json B.json [C.json...]\n"
"                             compare the JSON results of backends: per\n"
"                             scenario, what one shows that another never does\n"
"  bench [options]            iterations/s of the 2- and 64-thread\n"
"                             up_ref/free scenarios beside a hand-written loop\n"
"  faults [--names | --tsv]   list minissl's seeded faults (the bugs that\n"
"                             scenarios/bugs/ reproduce)\n"
"  caps [--tsv]               the backend's capability table: the APIs some\n"
"                             library lacks, and which this one has\n"
"  gen [options] [DIR]        write a scenario for every pair of operations\n"
"                             the thread-safety contract lets race\n"
"                             (scenarios/generated/)\n"
"\n"
"`%s help COMMAND` (or `%s COMMAND --help`)\n"
"prints a command's usage and options; `man sslstress` (doc/sslstress.1)\n"
"has them all.\n"
"\n"
"Options:\n"
"  -h, --help             this overview\n"
"  -V, --version          version and backend\n"
"\n"
"Exit status: 0 all passed, 1 a failure was found, 2 usage or scenario\n"
"error.\n"
"\n"
"Environment:\n"
"  NO_COLOR                       no colours (https://no-color.org)\n"
"  SSLSTRESS_TIMEOUT_MULTIPLIER   stretch each scenario's per-iteration\n"
"                                 timeout (default 1; 20 under Valgrind)\n"
"  SSLSTRESS_DETECTOR             the detector this runs under (tsan, asan,\n"
"                                 helgrind, drd; \"none\"); default: found\n"
"                                 by itself (sanitizer build, Valgrind tool)\n"
"  SSLSTRESS_LOG_DIR              where each scenario's detector log goes\n"
"                                 (default ${TMPDIR:-/tmp}/sslstress-logs)\n"
"  SSLSTRESS_VALGRIND_LOG         Valgrind's --log-file pattern (with %%p),\n"
"                                 so its reports reach the scenario's log\n"
"A detector report fails its scenario; an `expect race' scenario passes by\n"
"one and is skipped without a race detector (doc/race-detection.md).\n"
"\n"
"Examples:\n"
"  %s run scenarios/\n"
"  %s run -n 100000 --jitter low --seed 42 scenarios/updown-2.scn\n"
"  %s run --shard 1/4 --seed 7 --json s1.json scenarios/  # job 1 of 4\n"
"  %s merge s*.json --junit report.xml --html report.html\n",
            prog, prog, prog, prog, prog, prog, prog, prog);
}

static void usage_run(FILE *f)
{
    fprintf(f,
"usage: %s run [options] FILE|DIR...\n"
"\n"
"Run scenario files (a DIR means its *.scn files, not recursively, in byte\n"
"order of their names).  All are parsed and validated first; if one has an\n"
"error, nothing runs.  A run prints its parameters (seed included) first,\n"
"then per scenario its outcome histogram and failures (each with a replay\n"
"command), then a summary table and the verdict.\n"
"\n"
"Options:\n"
"  -n, --iterations N     iterations per scenario (default: the file's\n"
"                         `iterations`, else 10000)\n"
"  -d, --duration T       time budget of the whole run (e.g. 30s, 2m, 500ms):\n"
"                         each scenario gets an equal share of the time\n"
"                         left and stops at its iterations or its share,\n"
"                         whichever comes first (without --iterations the\n"
"                         time alone decides)\n"
"  -s, --seed N           base seed (decimal or 0x hex); random when absent;\n"
"                         always printed\n"
"  -j, --jitter MODE      none|low|high: random busy-waits before each\n"
"                         statement from a per-thread PRNG (default none)\n"
"  -f, --max-failures N   stop a scenario after N failing iterations\n"
"                         (default 1; 0: run the whole budget and report the\n"
"                         failure rate)\n"
"  -a, --affinity MODE    none|pin|spread: pin thread i to CPU i mod ncpu, or\n"
"                         spread the threads evenly over the CPUs\n"
"      --shard I/N        run shard I of N, counting from 1 (1/4 .. 4/4): a\n"
"                         deterministic share of the work; the N shards with\n"
"                         one --seed run the unsharded run's iterations, and\n"
"                         `%s merge` adds up their --json results\n"
"      --start I          begin at iteration I (replay commands use it)\n"
"      --schedule S       controlled scheduling: one scenario thread runs at\n"
"                         a time and S picks it at every scheduling point\n"
"                         (before each statement; inside minissl too in a\n"
"                         sched build): random | pct:depth=D (PCT with D-1\n"
"                         priority changes) | dfs:preemptions=P (every\n"
"                         schedule with at most P preemptions, then\n"
"                         \"exhausted: N schedules\"; --iterations is an upper\n"
"                         bound, default 1000000) | free (the default:\n"
"                         free-running)\n"
"      --shrink           with --schedule: reduce the first failing schedule\n"
"                         to fewer preemptions, then fewer steps; print both\n"
"      --json FILE        write the results as JSON (\"-\": stdout)\n"
"      --junit FILE       write JUnit XML for CI systems\n"
"      --html FILE        write one self-contained HTML report\n"
"  -q, --quiet            print only failures, the summary and the verdict\n"
"      --no-color         no ANSI colours (NO_COLOR is honoured too)\n"
"      --no-fork          run scenarios in this process (debugging; a crash\n"
"                         ends the run)\n"
"      --require-report   every scenario must run and every `expect race'\n"
"                         scenario must get a detector report: a skip (no\n"
"                         race detector, a feature the backend lacks) or a\n"
"                         pass without a report exits 1 (sensitivity runs)\n"
"      --alloc-failures   sweep every scenario's setup as its header\n"
"                         `alloc_failures sweep' would: in the first\n"
"                         iteration, each allocation of each statement's\n"
"                         call failed in turn must leave a reason and\n"
"                         nothing behind; on any backend\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 every scenario passed or was skipped, 1 a failure was found\n"
"(with --require-report also a skip or a race without a report), 2 usage\n"
"error, a scenario error (then nothing ran) or a report not written.\n"
"\n"
"Examples:\n"
"  %s run scenarios/\n"
"  %s run -n 100000 --jitter low --seed 42 scenarios/updown-2.scn\n"
"  %s run --shard 1/2 --seed 7 --json s1.json scenarios/  # job 1 of 2\n"
"  %s run --shard 2/2 --seed 7 --json s2.json scenarios/  # job 2 of 2\n",
            prog, prog, prog, prog, prog, prog);
}

static void usage_check(FILE *f)
{
    fprintf(f,
"usage: %s check FILE|DIR...\n"
"\n"
"Parse and validate scenario files (a DIR means its *.scn files) without\n"
"running them: \"FILE: ok (NAME, N threads)\" for a valid one, and for the\n"
"first problem of an invalid one \"FILE:LINE:COL: error: ...\" with the\n"
"line and a caret under the column.\n"
"\n"
"Options:\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 every file is valid, 2 a file has an error, or usage\n"
"error.\n", prog);
}

static void usage_list(FILE *f)
{
    fprintf(f,
"usage: %s list FILE|DIR...\n"
"\n"
"Print the name and the about line of each scenario (a DIR means its *.scn\n"
"files).\n"
"\n"
"Options:\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 every file is valid, 2 a file has an error, or usage\n"
"error.\n", prog);
}

/* ---- argument helpers ------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (s[0] == '-' || s[0] == '\0')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0')
        return -EINVAL;
    *out = v;
    return 0;
}

/* "30s", "2m", "1h", "500ms", "1.5" (seconds). */
static int parse_duration(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno != 0 || !(v >= 0) || isinf(v))
        return -EINVAL;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
        ;
    else if (strcmp(end, "ms") == 0)
        v /= 1000;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        v *= 60;
    else if (strcmp(end, "h") == 0)
        v *= 3600;
    else
        return -EINVAL;
    *out = v;
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct paths {
    char **v;
    size_t n, cap;
};

static int paths_add(struct paths *p, const char *dir, const char *name)
{
    char *s;

    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        char **nv = realloc(p->v, cap * sizeof(*nv));

        if (nv == NULL)
            return -ENOMEM;
        p->v = nv;
        p->cap = cap;
    }
    if (dir != NULL) {
        size_t dl = strlen(dir);

        if (asprintf(&s, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
                     name) < 0)
            return -ENOMEM;
    } else if ((s = strdup(name)) == NULL) {
        return -ENOMEM;
    }
    p->v[p->n++] = s;
    return 0;
}

static void paths_free(struct paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
}

/* Expand FILE|DIR arguments: a directory gives its *.scn files (not
 * recursive), sorted.  Prints an error and returns -1 on a bad path. */
static int collect(char **args, int nargs, struct paths *out)
{
    for (int i = 0; i < nargs; i++) {
        struct stat st;

        if (stat(args[i], &st) != 0) {
            fprintf(stderr, "%s: %s: %s\n", prog, args[i], strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(args[i]);
            struct dirent *de;
            size_t first = out->n;

            if (d == NULL) {
                fprintf(stderr, "%s: %s: %s\n", prog, args[i],
                        strerror(errno));
                return -1;
            }
            while ((de = readdir(d)) != NULL)
                if (de->d_name[0] != '.' && ends_with(de->d_name, ".scn") &&
                    paths_add(out, args[i], de->d_name) != 0) {
                    closedir(d);
                    return -1;
                }
            closedir(d);
            qsort(out->v + first, out->n - first, sizeof(char *), cmp_str);
            if (out->n == first)
                fprintf(stderr, "%s: %s: no *.scn files\n", prog, args[i]);
        } else if (paths_add(out, NULL, args[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Load every file; print each diagnostic.  Returns the number that failed. */
static size_t load_all(const struct paths *p, struct st_scenario **sc)
{
    size_t bad = 0;

    for (size_t i = 0; i < p->n; i++) {
        struct st_diag d;

        memset(&d, 0, sizeof(d));
        sc[i] = st_scenario_load(p->v[i], &d);
        if (sc[i] == NULL) {
            st_diag_print(stderr, &d);
            bad++;
        }
    }
    return bad;
}

static void free_all(struct st_scenario **sc, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st_scenario_free(sc[i]);
    free(sc);
}

/* ---- check and list ----------------------------------------------------------- */

/* check and list take no option but --help: 1 when |argv| asks for it
 * (*status 0, help on stdout), when it is bad usage or names no FILE|DIR
 * (*status 2, said on stderr); else 0 with optind at the first FILE|DIR. */
static int file_args(int argc, char **argv, void (*usage)(FILE *),
                     int *status)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    optind = 1;
    if ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            *status = 0;
        } else {
            try_help();
            *status = 2;
        }
        return 1;
    }
    if (optind >= argc) {
        *status = bad_usage("%s: no scenario FILE or DIR given", cmd_name);
        return 1;
    }
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    struct paths p = { 0 };
    struct st_scenario **sc;
    size_t bad;
    int status;

    if (file_args(argc, argv, usage_check, &status))
        return status;
    if (collect(argv + optind, argc - optind, &p) != 0) {
        paths_free(&p);
        return 2;
    }
    if ((sc = calloc(p.n ? p.n : 1, sizeof(*sc))) == NULL) {
        paths_free(&p);
        return 2;
    }
    bad = load_all(&p, sc);
    for (size_t i = 0; i < p.n; i++)
        if (sc[i] != NULL)
            printf("%s: ok (%s, %zu thread%s)\n", p.v[i], sc[i]->name,
                   sc[i]->nthreads, sc[i]->nthreads == 1 ? "" : "s");
    free_all(sc, p.n);
    paths_free(&p);
    return bad ? 2 : 0;
}

static int cmd_list(int argc, char **argv)
{
    struct paths p = { 0 };
    struct st_scenario **sc;
    size_t bad, w = 0;
    int status;

    if (file_args(argc, argv, usage_list, &status))
        return status;
    if (collect(argv + optind, argc - optind, &p) != 0) {
        paths_free(&p);
        return 2;
    }
    if ((sc = calloc(p.n ? p.n : 1, sizeof(*sc))) == NULL) {
        paths_free(&p);
        return 2;
    }
    bad = load_all(&p, sc);
    for (size_t i = 0; i < p.n; i++)
        if (sc[i] != NULL && strlen(sc[i]->name) > w)
            w = strlen(sc[i]->name);
    for (size_t i = 0; i < p.n; i++)
        if (sc[i] != NULL)
            printf("%-*s  %s\n", (int)w, sc[i]->name,
                   sc[i]->about != NULL ? sc[i]->about : "");
    free_all(sc, p.n);
    paths_free(&p);
    return bad ? 2 : 0;
}

/* ---- run ------------------------------------------------------------------------ */

enum {
    OPT_SHARD = 256, OPT_START, OPT_JSON, OPT_JUNIT, OPT_HTML, OPT_NO_COLOR,
    OPT_NO_FORK, OPT_SCHEDULE, OPT_SHRINK, OPT_TIMES, OPT_REQUIRE_REPORT,
    OPT_HISTORY, OPT_HISTORY_ITERATIONS, OPT_ALLOC_FAILURES,
};

static const struct option run_options[] = {
    { "iterations", required_argument, NULL, 'n' },
    { "duration", required_argument, NULL, 'd' },
    { "seed", required_argument, NULL, 's' },
    { "jitter", required_argument, NULL, 'j' },
    { "max-failures", required_argument, NULL, 'f' },
    { "affinity", required_argument, NULL, 'a' },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "start", required_argument, NULL, OPT_START },
    { "json", required_argument, NULL, OPT_JSON },
    { "junit", required_argument, NULL, OPT_JUNIT },
    { "html", required_argument, NULL, OPT_HTML },
    { "quiet", no_argument, NULL, 'q' },
    { "no-color", no_argument, NULL, OPT_NO_COLOR },
    { "no-fork", no_argument, NULL, OPT_NO_FORK },
    { "schedule", required_argument, NULL, OPT_SCHEDULE },
    { "shrink", no_argument, NULL, OPT_SHRINK },
    { "require-report", no_argument, NULL, OPT_REQUIRE_REPORT },
    { "alloc-failures", no_argument, NULL, OPT_ALLOC_FAILURES },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    char *s;

    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 3;
    if ((s = malloc(len)) == NULL)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        bool q = strpbrk(argv[i], " \t'\"$") != NULL;

        if (i)
            strcat(s, " ");
        if (q)
            strcat(s, "'");
        strcat(s, argv[i]);
        if (q)
            strcat(s, "'");
    }
    return s;
}

static int cmd_run(int argc, char **argv)
{
    struct st_campaign cp = { .prog = prog, .tool_version = TOOL_VERSION };
    struct st_opts o;
    struct paths p = { 0 };
    struct st_scenario **sc = NULL;
    bool have_seed = false;
    struct st_sched_spec spec;
    char err[300], *command = NULL;
    int c, status = 2;

    st_opts_default(&o);
    o.argv0 = prog;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:d:s:j:f:a:qh", run_options,
                            NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_u64(optarg, &o.iterations) != 0 || o.iterations == 0)
                return bad_usage("--iterations: '%s' is not a positive "
                                 "number", optarg);
            break;
        case 'd':
            if (parse_duration(optarg, &cp.duration) != 0 ||
                cp.duration <= 0)
                return bad_usage("--duration: '%s' is not a duration (e.g. "
                                 "30s, 2m, 500ms)", optarg);
            break;
        case 's':
            if (parse_u64(optarg, &o.seed) != 0)
                return bad_usage("--seed: '%s' is not a number", optarg);
            have_seed = true;
            break;
        case 'j':
            if (strcmp(optarg, "none") == 0)
                o.jitter = ST_JITTER_NONE;
            else if (strcmp(optarg, "low") == 0)
                o.jitter = ST_JITTER_LOW;
            else if (strcmp(optarg, "high") == 0)
                o.jitter = ST_JITTER_HIGH;
            else
                return bad_usage("--jitter: '%s': choose none, low or high",
                                 optarg);
            break;
        case 'f':
            if (parse_u64(optarg, &o.max_failures) != 0)
                return bad_usage("--max-failures: '%s' is not a number",
                                 optarg);
            break;
        case 'a':
            if (strcmp(optarg, "none") == 0)
                o.affinity = ST_AFFINITY_NONE;
            else if (strcmp(optarg, "pin") == 0)
                o.affinity = ST_AFFINITY_PIN;
            else if (strcmp(optarg, "spread") == 0)
                o.affinity = ST_AFFINITY_SPREAD;
            else
                return bad_usage("--affinity: '%s': choose none, pin or "
                                 "spread", optarg);
            break;
        case OPT_SHARD:
            if (st_shard_parse(optarg, &o.shard_index, &o.shard_count, err,
                               sizeof(err)) != 0)
                return bad_usage("%s", err);
            break;
        case OPT_START:
            if (parse_u64(optarg, &o.start) != 0)
                return bad_usage("--start: '%s' is not a number", optarg);
            break;
        case OPT_JSON: cp.json = optarg; break;
        case OPT_JUNIT: cp.junit = optarg; break;
        case OPT_HTML: cp.html = optarg; break;
        case 'q': cp.quiet = true; break;
        case OPT_NO_COLOR: cp.no_color = true; break;
        case OPT_NO_FORK: cp.no_fork = true; break;
        case OPT_REQUIRE_REPORT: cp.require_report = true; break;
        case OPT_ALLOC_FAILURES: o.alloc_failures = true; break;
        case OPT_SCHEDULE:
            if (strcmp(optarg, "free") == 0) {
                o.sched = NULL;
                break;
            }
            if (st_sched_spec_parse(optarg, &spec, err, sizeof(err)) != 0)
                return bad_usage("%s", err);
            o.sched = &spec;
            break;
        case OPT_SHRINK: cp.shrink = true; break;
        case 'h':
            usage_run(stdout);
            return 0;
        default:
            try_help();
            return 2;
        }
    }
    if (optind >= argc)
        return bad_usage("run: %s", "no scenario FILE or DIR given");
    if (cp.shrink && o.sched == NULL)
        return bad_usage("%s", "--shrink needs --schedule");
    if (o.sched != NULL) {
        spec.shrink = cp.shrink;
        o.jitter = ST_JITTER_NONE;      /* the schedule decides */
        if (spec.kind == ST_SCHED_DFS && (o.start > 0 || o.shard_count > 1))
            return bad_usage("%s", "--schedule dfs cannot be combined with "
                             "--start or --shard");
        if (spec.kind == ST_SCHED_DFS && o.iterations == 0 &&
            cp.duration <= 0)
            o.iterations = 1000000;     /* an upper bound: dfs stops when
                                           exhausted */
    }
    if (o.start > 0 && o.shard_count > 1)
        return bad_usage("%s", "--start and --shard cannot be combined");
    if (!have_seed)
        o.seed = st_random_seed();
    /* --duration alone: the time decides, not the files' iteration counts. */
    if (cp.duration > 0 && o.iterations == 0)
        o.iterations = ST_DURATION_ITERATIONS;
    if (collect(argv + optind, argc - optind, &p) != 0)
        goto out;
    if (p.n == 0) {
        fprintf(stderr, "%s: no scenarios to run\n", prog);
        goto out;
    }
    if ((sc = calloc(p.n, sizeof(*sc))) == NULL)
        goto out;
    if (load_all(&p, sc) != 0)
        goto out;   /* status 2: a scenario error; nothing ran */
    if (st_be_init() != 0) {
        fprintf(stderr, "%s: the %s backend failed to initialise\n", prog,
                st_be_name());
        goto out;
    }
    if ((cp.command = command = join_args(argc + 1, argv - 1)) == NULL) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto out;
    }
    cp.o = o;
    status = st_campaign_run(&cp, p.v, sc, p.n);
 out:
    free(command);
    if (sc != NULL)
        free_all(sc, p.n);
    paths_free(&p);
    return status;
}

/* ---- faults ------------------------------------------------------------- */

static void usage_faults(FILE *f)
{
    fprintf(f,
"usage: %s faults [--names | --tsv]\n"
"\n"
"Print minissl's seeded-fault catalogue (doc/seeded-bugs.md): each fault's\n"
"name and one-line description, and the real bug it models.  The catalogue\n"
"is the same in every minissl build; a fault can be switched on only in a\n"
"faults build (make VARIANT=faults).  The OpenSSL backend has no seeded\n"
"faults: it says so and lists none.\n"
"\n"
"Options:\n"
"      --names            the names only, one a line\n"
"      --tsv              name, description and modelled bug, tab-separated\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0, or 2 for a usage error.\n", prog);
}

/* The options of a command that takes flags only, and no argument: each
 * option of |opts| but --help (whose val is 'h') sets *mode to its val, the
 * last one given winning.  Returns -1 to go on, else the exit status
 * (0 after --help, 2 after a usage error). */
static int flag_options(int argc, char **argv, const char *cmd,
                        const struct option *opts, void (*usage)(FILE *),
                        int *mode)
{
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == '?' || c == ':') {
            try_help();
            return 2;
        }
        *mode = c;
    }
    if (optind < argc) {
        fprintf(stderr, "%s: %s: unexpected argument '%s'\n", prog, cmd,
                argv[optind]);
        try_help();
        return 2;
    }
    return -1;
}

static int cmd_faults(int argc, char **argv)
{
    enum { TEXT, NAMES = 256, TSV };
    static const struct option opts[] = {
        { "names", no_argument, NULL, NAMES },
        { "tsv", no_argument, NULL, TSV },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *name, *about, *models;
    int mode = TEXT, st;
    size_t i;

    if ((st = flag_options(argc, argv, "faults", opts, usage_faults,
                           &mode)) >= 0)
        return st;
    for (i = 0; st_be_fault_info(i, &name, &about, &models); i++) {
        if (mode == NAMES)
            printf("%s\n", name);
        else if (mode == TSV)
            printf("%s\t%s\t%s\n", name, about, models);
        else
            printf("%-26s %s\n%-26s   models: %s\n", name, about, "", models);
    }
    if (i == 0)
        fprintf(stderr, "%s: the %s backend has no seeded faults (they are "
                "minissl's)\n", prog, st_be_name());
    return 0;
}

/* ---- caps --------------------------------------------------------------- */

static void usage_caps(FILE *f)
{
    fprintf(f,
"usage: %s caps [--tsv]\n"
"\n"
"Print this backend's capability table (stress/backend_caps.h): one line\n"
"per API that some backend (minissl, OpenSSL, BoringSSL) lacks, with\n"
"\"have\" or \"lacks\" for this one, the calls it covers, and what a\n"
"scenario meets where it is missing: a statement that needs it skips its\n"
"scenario, saying so; a \"harness\" row changes only how the harness\n"
"does its own work.\n"
"\n"
"Options:\n"
"      --tsv              name, have|lacks, harness|scenario, calls and\n"
"                         meaning, tab-separated\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0, or 2 for a usage error.\n", prog);
}

static int cmd_caps(int argc, char **argv)
{
    enum { TEXT, TSV = 256 };
    static const struct option opts[] = {
        { "tsv", no_argument, NULL, TSV },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const struct st_be_cap *caps;
    int mode = TEXT, st;
    bool tsv;
    size_t n;

    if ((st = flag_options(argc, argv, "caps", opts, usage_caps, &mode)) >= 0)
        return st;
    tsv = mode == TSV;
    caps = st_be_caps(&n);
    if (!tsv)
        printf("backend %s: %s\n", st_be_name(), st_be_version());
    for (size_t i = 0; i < n; i++) {
        const struct st_be_cap *k = &caps[i];

        if (tsv)
            printf("%s\t%s\t%s\t%s\t%s\n", k->name,
                   k->have ? "have" : "lacks",
                   k->harness ? "harness" : "scenario", k->api, k->lacking);
        else if (k->have)
            printf("  %-18s have   %s\n", k->name, k->api);
        else
            printf("  %-18s LACKS  %s\n  %-18s        %s: %s\n", k->name,
                   k->api, "", k->harness ? "the harness" : "skips", k->lacking);
    }
    return 0;
}

/* ---- replay ------------------------------------------------------------- */

static const struct option replay_options[] = {
    { "schedule", required_argument, NULL, OPT_SCHEDULE },
    { "times", required_argument, NULL, OPT_TIMES },
    { "history", required_argument, NULL, OPT_HISTORY },
    { "history-iterations", required_argument, NULL, OPT_HISTORY_ITERATIONS },
    { "seed", required_argument, NULL, 's' },
    { "json", required_argument, NULL, OPT_JSON },
    { "quiet", no_argument, NULL, 'q' },
    { "no-color", no_argument, NULL, OPT_NO_COLOR },
    { "no-fork", no_argument, NULL, OPT_NO_FORK },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void usage_replay(FILE *f)
{
    fprintf(f,
"usage: %s replay FILE --schedule STR [--times N] [--json FILE] [-q]\n"
"                  [--no-color] [--no-fork]\n"
"                  [--history SPEC --history-iterations RANGES --seed S]\n"
"\n"
"Run FILE under controlled scheduling, making exactly the decisions of\n"
"schedule STR (as printed by a failure of `run --schedule ...`), N times,\n"
"each in a fresh process.  Every replay must fail the same way at the same\n"
"step; the last line says how many did.  A schedule made for another\n"
"version of FILE (its thread blocks were edited), or one that names a\n"
"thread that cannot run at its step, ends early or has steps left over, is\n"
"refused.\n"
"\n"
"Options:\n"
"      --schedule STR     the schedule to replay (required)\n"
"      --times N          replay it N times (default 1)\n"
"      --history SPEC     with --history-iterations RANGES and --seed S:\n"
"                         before each replay, run iterations RANGES\n"
"                         (\"0-41\", \"0-9,20-29\") as `run --schedule SPEC\n"
"                         --seed S` ran them, uncounted, so that the replay\n"
"                         starts from the state they left (a failure that\n"
"                         does not fail again alone prints them)\n"
"      --history-iterations RANGES\n"
"                         the iterations --history runs\n"
"  -s, --seed S           the seed the history's run had\n"
"      --json FILE        write the result as JSON (\"-\": stdout)\n"
"  -q, --quiet            print only failures and the last line\n"
"      --no-color         no ANSI colours (NO_COLOR is honoured too)\n"
"      --no-fork          every replay in this process, one after another,\n"
"                         each starting from what the one before it left\n"
"                         (debugging; a crash ends it)\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 no replay failed, 1 the failure was reproduced, 2 usage\n"
"error, scenario error or a schedule that does not fit.\n", prog);
}

static int cmd_replay(int argc, char **argv)
{
    struct st_opts o;
    struct st_sched_spec spec;
    struct st_run run;
    struct st_progress pg;
    struct st_scenario *sc = NULL;
    struct st_result *res;
    struct st_diag d;
    const char *json = NULL, *sched = NULL, *history = NULL;
    const char *history_its = NULL;
    struct st_sched_spec hspec;
    struct st_history hist;
    struct st_range *hrg = NULL;
    size_t nhrg = 0;
    bool quiet = false, no_color = false, no_fork = false;
    uint64_t times = 1, it = 0;
    unsigned char *choice = NULL;
    size_t nchoice;
    char err[512];
    const char *lack;
    int c, e, status = 2;

    st_opts_default(&o);
    o.argv0 = prog;
    memset(&run, 0, sizeof(run));
    memset(&spec, 0, sizeof(spec));
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:qh", replay_options, NULL)) != -1) {
        switch (c) {
        case OPT_SCHEDULE: sched = optarg; break;
        case OPT_TIMES:
            if (parse_u64(optarg, &times) != 0 || times == 0)
                return bad_usage("--times: '%s' is not a positive number",
                                 optarg);
            break;
        case OPT_HISTORY: history = optarg; break;
        case OPT_HISTORY_ITERATIONS: history_its = optarg; break;
        case 's':
            if (parse_u64(optarg, &o.seed) != 0)
                return bad_usage("--seed: '%s' is not a number", optarg);
            break;
        case OPT_JSON: json = optarg; break;
        case 'q': quiet = true; break;
        case OPT_NO_COLOR: no_color = true; break;
        case OPT_NO_FORK: no_fork = true; break;
        case 'h':
            usage_replay(stdout);
            return 0;
        default:
            try_help();
            return 2;
        }
    }
    if (optind + 1 != argc)
        return bad_usage("replay: %s", "give exactly one scenario FILE");
    if (sched == NULL)
        return bad_usage("replay: %s", "--schedule STR is required");
    if ((history == NULL) != (history_its == NULL))
        return bad_usage("replay: %s", "--history and --history-iterations "
                         "go together");
    if (history != NULL) {
        if (st_sched_spec_parse(history, &hspec, err, sizeof(err)) != 0)
            return bad_usage("replay: --history: %s", err);
        if (st_ranges_parse(history_its, &hrg, &nhrg) != 0)
            return bad_usage("--history-iterations: '%s' is not ascending "
                             "ranges (A-B,C,...)", history_its);
        hist.spec = &hspec;
        hist.rg = hrg;
        hist.nrg = nhrg;
        o.history = &hist;
        it = hrg[nhrg - 1].end;     /* the replay follows its history */
    }
    memset(&d, 0, sizeof(d));
    if ((sc = st_scenario_load(argv[optind], &d)) == NULL) {
        st_diag_print(stderr, &d);
        free(hrg);
        return 2;
    }
    /* Refuse a schedule that cannot fit before running anything. */
    if (st_schedule_parse(sc, sched, &choice, &nchoice, err,
                          sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, argv[optind], err);
        goto out;
    }
    free(choice);
    if ((lack = st_scenario_lacks(sc, err, sizeof(err))) != NULL) {
        fprintf(stderr, "%s: %s: cannot replay here: %s\n", prog,
                argv[optind], lack);
        goto out;
    }
    if (st_be_init() != 0) {
        fprintf(stderr, "%s: the %s backend failed to initialise\n", prog,
                st_be_name());
        goto out;
    }
    spec.kind = ST_SCHED_REPLAY;
    spec.replay = sched;
    o.sched = &spec;
    o.iterations = times;
    o.max_failures = 0;         /* every replay runs */
    o.keep_failures = 1;
    run.tool_version = strdup(TOOL_VERSION);
    run.backend = strdup(st_be_name());
    run.backend_version = strdup(st_be_version());
    run.jitter = strdup("none");
    run.affinity = strdup("none");
    run.schedule = strdup("replay");
    run.iterations = times;
    run.shard_count = 1;
    run.command = join_args(argc + 1, argv - 1);
    run.results = calloc(1, sizeof(*run.results));
    if (run.tool_version == NULL || run.backend == NULL ||
        run.backend_version == NULL || run.jitter == NULL ||
        run.affinity == NULL || run.command == NULL || run.results == NULL
        || run.schedule == NULL) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto out;
    }
    res = &run.results[0];
    st_progress_init(&pg, json != NULL && strcmp(json, "-") == 0 ? stderr
                                                                 : stdout,
                     quiet, no_color);
    printf("replay: %s\nschedule: %s\ntimes: %" PRIu64 "\n", sc->path,
           sched, times);
    st_progress_begin(&pg, 1, 1, sc->name);
    e = st_replay_times(sc, &o, it, times, no_fork, res, st_progress_tick,
                        &pg);
    if (e != 0) {
        st_progress_clear(&pg);
        fprintf(stderr, "%s: %s: the run failed: %s\n", prog, sc->path,
                strerror(-e));
        goto out;
    }
    run.nresults = 1;
    run.seconds = res->seconds;
    st_progress_end(&pg, res);
    if (res->schedule_misfit) {
        fprintf(stderr, "%s: %s: %s\n", prog, sc->path,
                res->reason != NULL ? res->reason : "the schedule does not "
                "fit");
        goto out;
    }
    if (!quiet && res->nrows > 0)
        st_result_print_outcomes(stdout, res, pg.color);
    for (size_t k = 0; k < res->nfailures; k++)
        st_failure_print(stdout, res, &res->failures[k], pg.color);
    if (res->iterations_failed > 0) {
        const struct st_failure *f = res->nfailures ? &res->failures[0]
                                                    : NULL;

        printf("replayed %" PRIu64 " time%s: %" PRIu64 " failed, %" PRIu64
               " the same way as the first (%s at step %u)\n",
               res->iterations_run, res->iterations_run == 1 ? "" : "s",
               res->iterations_failed, res->same_failures,
               f != NULL && f->kind != NULL ? f->kind : "?",
               f != NULL ? f->steps : 0);
        status = 1;
    } else {
        printf("replayed %" PRIu64 " time%s: no failure\n",
               res->iterations_run, res->iterations_run == 1 ? "" : "s");
        status = res->verdict == ST_ERROR ? 1 : 0;
    }
    if (json != NULL && st_run_write_json(&run, json) != 0) {
        fprintf(stderr, "%s: %s: could not write the JSON report\n", prog,
                json);
        status = 2;
    }
 out:
    st_run_free(&run);
    st_scenario_free(sc);
    free(hrg);
    return status;
}

/* ---- dispatch ---------------------------------------------------------- */

/* The commands; each takes its name as argv[0] and -h/--help. */
static const struct command {
    const char *name;
    int (*main)(int argc, char **argv);
} commands[] = {
    { "run", cmd_run },
    { "check", cmd_check },
    { "list", cmd_list },
    { "replay", cmd_replay },
    { "merge", st_merge_main },
    { "diff", st_diff_main },
    { "bench", st_bench_main },
    { "faults", cmd_faults },
    { "caps", cmd_caps },
    { "gen", st_gen_main },
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* `sslstress help [COMMAND]`: the overview, or COMMAND --help. */
static int cmd_help(int argc, char **argv)
{
    const struct command *c;
    char *args[3];

    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage_main(stdout);
        return 0;
    }
    if (argc > 2 || (c = find_command(argv[1])) == NULL) {
        fprintf(stderr, "%s: help: unknown command '%s'\n", prog, argv[1]);
        fprintf(stderr, "Try '%s --help'.\n", prog);
        return 2;
    }
    args[0] = argv[1];
    args[1] = (char *)"--help";
    args[2] = NULL;
    cmd_name = c->name;
    return c->main(2, args);
}

int main(int argc, char **argv)
{
    const struct command *c;
    const char *cmd;

    st_be_preinit();    /* before the library allocates anything */
    (void)st_detector_name();   /* decided once, before any thread */
    if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0')
        prog = argv[0];
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage_main(stdout);
        return 0;
    }
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 ||
        strcmp(cmd, "version") == 0) {
        printf("sslstress %s (backend %s: %s)\n", TOOL_VERSION, st_be_name(),
               st_be_version());
        return 0;
    }
    if ((c = find_command(cmd)) != NULL) {
        cmd_name = c->name;
        return c->main(argc - 1, argv + 1);
    }
    fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
    fprintf(stderr, "Try '%s --help'.\n", prog);
    return 2;
}
