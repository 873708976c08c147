/* Suite cli: the command line's help as a user meets it, run as a program
 * (this build's sslstress, beside the test binary): `sslstress --help` is
 * the overview of the commands, `sslstress CMD --help` (and `-h`, and
 * `sslstress help CMD`) is CMD's own usage and options, each option a help
 * lists is one the command's parser takes, and doc/sslstress.1 lists the
 * same options per command (its "CMD OPTIONS" section; none: --help only),
 * so that the page, the help and the parser cannot drift apart.
 * Run from the repository root (the man page is doc/sslstress.1). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress_util.h"
#include "testutil.h"

#define MANPAGE "doc/sslstress.1"

/* This build's sslstress: the test binary is BUILD/tests/stress/test_cli. */
static const char *sslstress(void)
{
    static char bin[PATH_MAX];
    ssize_t n;

    if (bin[0] != '\0')
        return bin;
    n = readlink("/proc/self/exe", bin, sizeof(bin) - 16);
    ck_assert_int_gt(n, 0);
    bin[n] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(bin, '/');

        ck_assert_ptr_nonnull(slash);
        *slash = '\0';
    }
    strcat(bin, "/sslstress");
    ck_assert_msg(access(bin, X_OK) == 0, "%s is not built", bin);
    return bin;
}

static char *slurp_fd(int fd)
{
    size_t len = 0, cap = 4096;
    char *s = malloc(cap);
    ssize_t k;

    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    while ((k = read(fd, s + len, cap - len - 1)) > 0) {
        len += (size_t)k;
        if (cap - len < 2) {
            ck_assert_ptr_nonnull(s = realloc(s, cap *= 2));
        }
    }
    ck_assert_int_eq(k, 0);
    s[len] = '\0';
    return s;
}

/* What one run of sslstress printed, and its exit status. */
struct cli {
    int status;
    char *out, *err;
};

static void cli_free(struct cli *c)
{
    free(c->out);
    free(c->err);
}

/* Run sslstress ARGS... (NULL-terminated) and capture it. */
static struct cli run_cli(const char *arg, ...)
{
    char *argv[16], opath[] = "/tmp/test_cli.out.XXXXXX",
         epath[] = "/tmp/test_cli.err.XXXXXX";
    posix_spawn_file_actions_t fa;
    struct cli c;
    int argc = 0, ofd, efd, ws;
    va_list ap;
    pid_t pid;

    argv[argc++] = (char *)sslstress();
    va_start(ap, arg);
    for (; arg != NULL && argc < 15; arg = va_arg(ap, const char *))
        argv[argc++] = (char *)arg;
    va_end(ap);
    argv[argc] = NULL;
    ck_assert_int_ge(ofd = mkstemp(opath), 0);
    ck_assert_int_ge(efd = mkstemp(epath), 0);
    unlink(opath);
    unlink(epath);
    ck_assert_int_eq(posix_spawn_file_actions_init(&fa), 0);
    ck_assert_int_eq(posix_spawn_file_actions_adddup2(&fa, ofd, 1), 0);
    ck_assert_int_eq(posix_spawn_file_actions_adddup2(&fa, efd, 2), 0);
    ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ),
                     0);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    c.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    c.out = slurp_fd(ofd);
    c.err = slurp_fd(efd);
    close(ofd);
    close(efd);
    return c;
}

/* ---- sets of names ------------------------------------------------------ */

#define MAX_NAMES 64

struct names {
    char *v[MAX_NAMES];
    bool arg[MAX_NAMES];        /* the option takes an argument (its tag
                                   names one) */
    size_t n;
};

static bool names_has(const struct names *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return true;
    return false;
}

static void names_add(struct names *s, const char *name, size_t len,
                      bool arg)
{
    char *d;

    ck_assert_ptr_nonnull(d = strndup(name, len));
    if (names_has(s, d)) {
        free(d);
        return;
    }
    ck_assert_uint_lt(s->n, MAX_NAMES);
    s->arg[s->n] = arg;
    s->v[s->n++] = d;
}

static void names_free(struct names *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    s->n = 0;
}

/* The names of |s| sorted and joined by spaces (the caller frees): sets
 * compare as strings, and a failure shows both. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *names_str(const struct names *s)
{
    char *v[MAX_NAMES], *out;
    size_t len = 1;

    memcpy(v, s->v, s->n * sizeof(*v));
    qsort(v, s->n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < s->n; i++)
        len += strlen(v[i]) + 1;
    ck_assert_ptr_nonnull(out = calloc(1, len));
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0)
            strcat(out, " ");
        strcat(out, v[i]);
    }
    return out;
}

/* The options an option entry's tag names ("-n, --iterations N": -n and
 * --iterations, with an argument): words of [-A-Za-z0-9/] that start with
 * "--", or are "-X". */
static void tag_options(const char *tag, size_t len, struct names *out)
{
    struct names here = { .n = 0 };
    bool arg = false;
    size_t i = 0;

    while (i < len) {
        size_t b = i;

        while (i < len && (tag[i] == '-' || tag[i] == '/' ||
                           (tag[i] >= 'a' && tag[i] <= 'z') ||
                           (tag[i] >= 'A' && tag[i] <= 'Z') ||
                           (tag[i] >= '0' && tag[i] <= '9')))
            i++;
        if (i - b > 2 && tag[b] == '-' && tag[b + 1] == '-')
            names_add(&here, tag + b, i - b, false);
        else if (i - b == 2 && tag[b] == '-' && tag[b + 1] != '-')
            names_add(&here, tag + b, 2, false);
        else if (i > b)
            arg = true;         /* N, FILE, I/N, fBnone ... */
        if (i == b)
            i++;
    }
    for (size_t k = 0; k < here.n; k++)
        names_add(out, here.v[k], strlen(here.v[k]), arg);
    names_free(&here);
}

/* The options a --help text lists: the entries of its "Options:" block,
 * lines "  -X, --name ARG   text" or "      --name ARG   text" (the tag
 * ends at two blanks). */
static void help_options(const char *help, struct names *out)
{
    const char *p = strstr(help, "\nOptions:\n");

    ck_assert_msg(p != NULL, "no Options: block in\n%s", help);
    p += strlen("\nOptions:\n");
    while (*p != '\0' && *p != '\n') {
        const char *eol = strchrnul(p, '\n'), *t = p, *end;

        while (*t == ' ')
            t++;
        if (*t == '-' && (t - p == 2 || t - p == 6)) {
            end = strstr(t, "  ");
            if (end == NULL || end > eol)
                end = eol;
            tag_options(t, (size_t)(end - t), out);
        }
        p = *eol == '\n' ? eol + 1 : eol;
    }
}

static char *man_page(void)
{
    int fd = open(MANPAGE, O_RDONLY);
    char *s;

    ck_assert_msg(fd >= 0, "%s: %s (run from the repository root)", MANPAGE,
                  strerror(errno));
    s = slurp_fd(fd);
    close(fd);
    return s;
}

/* The options section ".SH CMD OPTIONS" of the man page lists: the tag
 * line after each .TP or .TQ, with troff's \- read as -.  A command without
 * a section takes -h and --help only. */
static void man_options(const char *man, const char *cmd, struct names *out)
{
    char head[64], line[512];
    const char *p;
    bool tag = false;
    size_t k = 0;

    k = (size_t)snprintf(head, sizeof(head), "\n.SH ");
    for (const char *c = cmd; *c != '\0' && k + 1 < sizeof(head); c++)
        head[k++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    head[k] = '\0';
    strncat(head, " OPTIONS\n", sizeof(head) - strlen(head) - 1);
    if ((p = strstr(man, head)) == NULL) {
        tag_options("-h, --help", 10, out);
        return;
    }
    for (p += strlen(head); *p != '\0' && strncmp(p, ".SH ", 4) != 0;) {
        const char *eol = strchrnul(p, '\n');
        size_t n = 0;

        for (const char *c = p; c < eol && n + 1 < sizeof(line); c++)
            if (!(c[0] == '\\' && c[1] == '-'))
                line[n++] = *c;         /* \- is - */
        line[n] = '\0';
        if (tag) {
            const char *t = line[0] == '.' ? strchrnul(line, ' ') : line;

            tag_options(t, n - (size_t)(t - line), out);   /* no .BR */
        }
        tag = strcmp(line, ".TP") == 0 || strcmp(line, ".TQ") == 0;
        p = *eol == '\n' ? eol + 1 : eol;
    }
}

/* The commands the overview (`sslstress --help`) lists under "Commands:":
 * lines "  NAME ...". */
static void overview_commands(struct names *out)
{
    struct cli c = run_cli("--help", NULL);
    const char *p;

    ck_assert_int_eq(c.status, 0);
    ck_assert_ptr_nonnull(p = strstr(c.out, "\nCommands:\n"));
    for (p += strlen("\nCommands:\n"); *p != '\0' && *p != '\n';) {
        const char *eol = strchrnul(p, '\n');

        if (p[0] == ' ' && p[1] == ' ' && p[2] >= 'a' && p[2] <= 'z')
            names_add(out, p + 2, strcspn(p + 2, " \n"), false);
        p = *eol == '\n' ? eol + 1 : eol;
    }
    cli_free(&c);
}

/* The commands of the man page's SYNOPSIS (".SY sslstress" then ".B NAME"),
 * `help` aside. */
static void synopsis_commands(const char *man, struct names *out)
{
    const char *p = strstr(man, "\n.SH SYNOPSIS\n"), *end;

    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(end = strstr(p + 1, "\n.SH "));
    while ((p = strstr(p, "\n.SY sslstress\n.B ")) != NULL && p < end) {
        p += strlen("\n.SY sslstress\n.B ");
        if (strncmp(p, "help\n", 5) != 0)
            names_add(out, p, strcspn(p, " \n"), false);
    }
}

/* ---- the tests ---------------------------------------------------------- */

START_TEST(the_overview_lists_every_command_of_the_man_page_and_no_options)
{
    static const char *const known[] = { "run", "check", "list", "replay",
                                         "merge", "diff", "bench", "faults" };
    struct names over = { .n = 0 }, syn = { .n = 0 };
    struct cli c = run_cli("--help", NULL);
    char *man = man_page(), *a, *b;

    overview_commands(&over);
    synopsis_commands(man, &syn);
    a = names_str(&over);
    b = names_str(&syn);
    ck_assert_msg(strcmp(a, b) == 0, "--help lists \"%s\", the man page's "
                  "SYNOPSIS \"%s\"", a, b);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        ck_assert_msg(names_has(&over, known[i]), "--help lacks %s", known[i]);
    /* the overview says where a command's options are, and lists none */
    ck_assert_ptr_nonnull(strstr(c.out, "help COMMAND"));
    ck_assert_ptr_null(strstr(c.out, "--iterations N"));
    ck_assert_ptr_null(strstr(c.out, "--max-failures"));
    ck_assert_str_eq(c.err, "");
    free(a);
    free(b);
    free(man);
    names_free(&over);
    names_free(&syn);
    cli_free(&c);
}
END_TEST

START_TEST(each_command_help_is_that_command_usage_and_options)
{
    struct names cmds = { .n = 0 };

    overview_commands(&cmds);
    ck_assert_uint_gt(cmds.n, 0);
    for (size_t i = 0; i < cmds.n; i++) {
        const char *cmd = cmds.v[i];
        struct cli h = run_cli(cmd, "--help", NULL);
        struct cli s = run_cli(cmd, "-h", NULL);
        struct cli via = run_cli("help", cmd, NULL);
        const char *eol = strchrnul(h.out, '\n');
        char word[64];

        ck_assert_msg(h.status == 0, "%s --help: exit %d", cmd, h.status);
        ck_assert_msg(strncmp(h.out, "usage: ", 7) == 0, "%s --help "
                      "begins \"%.40s\"", cmd, h.out);
        snprintf(word, sizeof(word), " %s ", cmd);
        ck_assert_msg(strstr(h.out, word) != NULL && strstr(h.out, word) <
                      eol, "%s --help: its usage line does not name it: "
                      "\"%.*s\"", cmd, (int)(eol - h.out), h.out);
        ck_assert_msg(strstr(h.out, "\nOptions:\n") != NULL, "%s", cmd);
        ck_assert_msg(strstr(h.out, "\nExit status: ") != NULL, "%s", cmd);
        ck_assert_msg(strstr(h.out, "\nCommands:\n") == NULL,
                      "%s --help prints the overview", cmd);
        ck_assert_str_eq(h.err, "");
        ck_assert_int_eq(s.status, 0);
        ck_assert_str_eq(s.out, h.out);
        ck_assert_int_eq(via.status, 0);
        ck_assert_str_eq(via.out, h.out);
        cli_free(&h);
        cli_free(&s);
        cli_free(&via);
    }
    names_free(&cmds);
}
END_TEST

START_TEST(run_help_is_run_help_with_run_options_and_not_merge_ones)
{
    struct cli c = run_cli("run", "--help", NULL);
    struct names opts = { .n = 0 };

    help_options(c.out, &opts);
    ck_assert(names_has(&opts, "--iterations"));
    ck_assert(names_has(&opts, "-n"));
    ck_assert(names_has(&opts, "--shard"));
    ck_assert(names_has(&opts, "--schedule"));
    ck_assert(names_has(&opts, "--no-color"));
    ck_assert(names_has(&opts, "--help"));
    ck_assert(!names_has(&opts, "--color"));    /* merge's */
    ck_assert(!names_has(&opts, "--times"));    /* replay's */
    ck_assert(!names_has(&opts, "--names"));    /* faults' */
    ck_assert(!names_has(&opts, "--seconds"));  /* bench's */
    ck_assert_ptr_nonnull(strstr(c.out, "usage: "));
    ck_assert_ptr_nonnull(strstr(c.out, " run [options] FILE|DIR..."));
    names_free(&opts);
    cli_free(&c);
}
END_TEST

START_TEST(each_command_help_lists_the_options_its_man_page_section_lists)
{
    struct names cmds = { .n = 0 };
    char *man = man_page();

    overview_commands(&cmds);
    for (size_t i = 0; i < cmds.n; i++) {
        struct cli h = run_cli(cmds.v[i], "--help", NULL);
        struct names help = { .n = 0 }, page = { .n = 0 };
        char *a, *b;

        help_options(h.out, &help);
        man_options(man, cmds.v[i], &page);
        a = names_str(&help);
        b = names_str(&page);
        ck_assert_msg(strcmp(a, b) == 0, "%s --help lists \"%s\" but "
                      MANPAGE " lists \"%s\"", cmds.v[i], a, b);
        ck_assert(names_has(&help, "--help") && names_has(&help, "-h"));
        free(a);
        free(b);
        names_free(&help);
        names_free(&page);
        cli_free(&h);
    }
    free(man);
    names_free(&cmds);
}
END_TEST

/* A value each option that takes one accepts, so that the parser goes on
 * to the next argument. */
static const struct {
    const char *cmd, *opt, *value;
} samples[] = {
    { "run", "--iterations", "1" }, { "run", "--duration", "1s" },
    { "run", "--seed", "1" }, { "run", "--jitter", "none" },
    { "run", "--max-failures", "1" }, { "run", "--affinity", "none" },
    { "run", "--shard", "1/1" }, { "run", "--start", "0" },
    { "run", "--schedule", "random" }, { "run", "--json", "x" },
    { "run", "--junit", "x" }, { "run", "--html", "x" },
    { "replay", "--schedule", "x" }, { "replay", "--times", "1" },
    { "replay", "--json", "x" },
    { "merge", "--json", "x" }, { "merge", "--junit", "x" },
    { "merge", "--html", "x" },
    { "bench", "--seconds", "1" }, { "bench", "--dir", "x" },
};

/* The sample value of option |opt| of |cmd|, or NULL. */
static const char *sample(const char *cmd, const char *opt)
{
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
        if (strcmp(samples[i].cmd, cmd) == 0 &&
            strcmp(samples[i].opt, opt) == 0)
            return samples[i].value;
    return NULL;
}

/* Each option a help lists, given (with a value where it takes one) before
 * an option no command has: the parser must take the first and stop at the
 * second, naming it, and not at the first. */
START_TEST(every_option_a_help_lists_is_one_its_command_parser_takes)
{
    struct names cmds = { .n = 0 };

    overview_commands(&cmds);
    for (size_t i = 0; i < cmds.n; i++) {
        const char *cmd = cmds.v[i];
        struct cli h = run_cli(cmd, "--help", NULL);
        struct names opts = { .n = 0 };
        const char *last_long = NULL;

        help_options(h.out, &opts);
        /* a long option follows its short form in a tag: take the value of
         * -X from the --name after it */
        for (size_t k = opts.n; k-- > 0;) {
            const char *o = opts.v[k], *v = NULL;
            struct cli c;

            if (o[1] == '-')
                last_long = o;
            if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0)
                continue;
            if (opts.arg[k]) {
                v = sample(cmd, o[1] == '-' ? o : last_long);
                ck_assert_msg(v != NULL, "no sample value for %s %s: add "
                              "one to samples[]", cmd, o);
            }
            if (v != NULL)
                c = run_cli(cmd, o, v, "--zz-no-such-option", NULL);
            else
                c = run_cli(cmd, o, "--zz-no-such-option", NULL);
            ck_assert_msg(c.status == 2 &&
                          strstr(c.err, "zz-no-such-option") != NULL,
                          "%s %s%s%s: exit %d, stderr: %s", cmd, o,
                          v != NULL ? " " : "", v != NULL ? v : "", c.status,
                          c.err);
            cli_free(&c);
        }
        names_free(&opts);
        cli_free(&h);
    }
    names_free(&cmds);
}
END_TEST

START_TEST(a_usage_error_points_at_the_command_own_help)
{
    struct names cmds = { .n = 0 };
    struct cli c;

    overview_commands(&cmds);
    for (size_t i = 0; i < cmds.n; i++) {
        char try[64], usage[64];

        c = run_cli(cmds.v[i], "--zz-no-such-option", NULL);
        snprintf(try, sizeof(try), " %s --help'.\n", cmds.v[i]);
        snprintf(usage, sizeof(usage), "usage: sslstress %s ", cmds.v[i]);
        ck_assert_int_eq(c.status, 2);
        ck_assert_msg(strstr(c.err, try) != NULL ||
                      strstr(c.err, usage) != NULL,
                      "%s --zz-no-such-option: stderr: %s", cmds.v[i], c.err);
        ck_assert_str_eq(c.out, "");
        cli_free(&c);
    }
    c = run_cli("help", "no-such-command", NULL);
    ck_assert_int_eq(c.status, 2);
    ck_assert_ptr_nonnull(strstr(c.err, "unknown command 'no-such-command'"));
    cli_free(&c);
    c = run_cli("run", "--shard", "0/4", "x.scn", NULL);
    ck_assert_int_eq(c.status, 2);
    ck_assert_ptr_nonnull(strstr(c.err, "--shard 0/4: shards count from 1 "
                                 "(1/4 to 4/4)\nTry '"));
    ck_assert_ptr_nonnull(strstr(c.err, " run --help'.\n"));
    cli_free(&c);
    names_free(&cmds);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *help = tcase_create("help");

    /* dozens of runs of the program each: slow under a sanitizer */
    tcase_set_timeout(help, 120);
    tu_add_stress_leak_checks(help);
    tcase_add_test(help,
                   the_overview_lists_every_command_of_the_man_page_and_no_options);
    tcase_add_test(help, each_command_help_is_that_command_usage_and_options);
    tcase_add_test(help, run_help_is_run_help_with_run_options_and_not_merge_ones);
    tcase_add_test(help,
                   each_command_help_lists_the_options_its_man_page_section_lists);
    tcase_add_test(help, every_option_a_help_lists_is_one_its_command_parser_takes);
    tcase_add_test(help, a_usage_error_points_at_the_command_own_help);
    suite_add_tcase(s, help);
    return s;
}
