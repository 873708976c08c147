/* A detector's log read as reports: what each report says, where its
 * stacks are (the library, the harness or the system), and the iteration
 * it came from.  detector.c counts, summarizes and judges with it.
 *
 * Reports.  st_detlog_read() splits a log (a scenario child's stderr and
 * its Valgrind log, detector.h) into the tool's reports: ThreadSanitizer's
 * and AddressSanitizer's ("WARNING: ThreadSanitizer: ...", "ERROR:
 * AddressSanitizer: ...", "ERROR: LeakSanitizer: ..."), UBSan's (a
 * "runtime error:" line), and Helgrind's and DRD's error headers, but not
 * Valgrind's own chatter (thread announcements, "Lock at" notes, summaries)
 * nor a sanitizer's report of a fatal signal (a crash: isolate.c reports
 * it as one).  |detector| selects the markers ("tsan", "asan", "helgrind",
 * "drd"; NULL or another name: all of them).
 *
 * Per report:
 *  - |head|: the tool's line for it, addresses dropped ("Possible data race
 *    during read of size 4 by thread #2"; a sanitizer's SUMMARY line, which
 *    names no address, when the report has one);
 *  - |race|: a data race (TSan "data race", Helgrind "Possible data race",
 *    DRD "Conflicting load/store");
 *  - up to two stacks: [0] the access the tool reports, [1] the earlier
 *    one it conflicts with, where the tool names it (TSan "Previous ...",
 *    Helgrind "This conflicts with ...", ASan "freed by ..."; DRD names
 *    segments, not the other access: one stack);
 *  - |iteration|: from the markers the harness writes into the log after
 *    the reports of an iteration ("sslstress: iteration N", detector.c),
 *    or -1 where none followed.
 *
 * Frames.  Each stack keeps its frames, each with its owner:
 *  - ST_OWN_SYSTEM: the C library, Valgrind's preload objects, the
 *    sanitizer runtime (an object frame of any object but the library's; a
 *    source frame in assembly or C++ or under compiler-rt; a sanitizer's
 *    "<null>" location outside the library), and the harness's memory
 *    functions (count_malloc, count_realloc, count_free: the allocator the
 *    harness gives the library, so the library's free through them is the
 *    library's access);
 *  - ST_OWN_HARNESS: a source frame of the harness's own files (stress/,
 *    tests/: by directory where the tool prints one, else by the file's
 *    name, st_detlog_harness_file);
 *  - ST_OWN_LIBRARY: everything else: an object frame in libssl or
 *    libcrypto (any version), or a source frame outside the harness
 *    (minissl's lib/src, an OpenSSL source tree).
 * A report is "inside the library" when the first frame of its access
 * that is not the system's is the library's: the library made the access,
 * not the harness (whose callbacks, called by the library, are the
 * harness's).  The library frames of a stack run from there to the first
 * harness frame (the harness's call into the library).
 *
 * Ownership: st_detlog_read fills |lg| (zeroed first); st_detlog_free
 * releases it (and accepts a zeroed or partly filled one).  0 or -ENOMEM
 * (|lg| then holds the reports read so far, which st_detlog_free frees).
 * No state: safe from any thread. */
#ifndef ST_DETLOG_H
#define ST_DETLOG_H

#include <stdbool.h>
#include <stddef.h>

enum st_frame_owner { ST_OWN_SYSTEM, ST_OWN_HARNESS, ST_OWN_LIBRARY };

#define ST_DETLOG_FN 96         /* bytes kept of a function's name */
#define ST_DETLOG_WHERE 80      /* of "file.c:LINE" or an object's name */
#define ST_DETLOG_DEPTH 32      /* frames kept of a stack */

struct st_det_frame {
    char fn[ST_DETLOG_FN];      /* "SSL_dup", "???" when the tool has none */
    char where[ST_DETLOG_WHERE];/* "ssl_lib.c:4054", "libssl.so.3" */
    bool object;                /* |where| names an object, not a line */
    enum st_frame_owner owner;
};

struct st_det_stack {
    char what[160];             /* "previous write of size 4 by thread #1";
                                   "" for a stack the head describes */
    size_t nframes;
    struct st_det_frame frames[ST_DETLOG_DEPTH];
};

struct st_det_report {
    char head[256];
    bool race;
    long long iteration;        /* -1: unknown */
    size_t nstacks;             /* 0 to 2 */
    struct st_det_stack stacks[2];
};

struct st_detlog {
    size_t n;
    struct st_det_report *reports;
};

int st_detlog_read(const char *detector, const char *log,
                   struct st_detlog *lg);
void st_detlog_free(struct st_detlog *lg);

/* True when |line| is a sanitizer's report of a fatal signal it caught
 * ("ThreadSanitizer: SEGV ..."): a crash, no report of its own. */
bool st_detlog_deadly_signal(const char *line);
/* The report's access begins in the library (see above). */
bool st_detlog_in_library(const struct st_det_report *rep);
/* The report has frames inside the library, and the tool named none of
 * them ("???": a library without symbols for its static functions, as
 * the system's libssl under Valgrind). */
bool st_detlog_library_unnamed(const struct st_det_report *rep);
/* True when |fn| is a library frame of one of the report's stacks. */
bool st_detlog_has_function(const struct st_det_report *rep, const char *fn);
/* One line for |rep| into |buf| (|len| bytes, truncated): its head, then
 * each stack's first library frames ("at SSL_in_init < SSL_dup
 * (libssl.so.3)"; more than four: the first three, "...", and the call
 * into the library), or, for a stack the harness began, its first harness
 * frames ("in the harness at ..."). */
void st_detlog_summary(const struct st_det_report *rep, char *buf, size_t len);

/* True when |file| (a path or a file's name) is one of the harness's own
 * source files: under stress/ or tests/ where a directory is given, else a
 * name of stress/ or tests/ (the table in detlog.c, which a unit test
 * checks against the tree). */
bool st_detlog_harness_file(const char *file);

#endif
