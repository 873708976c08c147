/* Suite sched: minissl's yield points for controlled scheduling
 * (<minissl/sched.h>, lib/src/sched_hook.h).
 *
 * In a build with yield points (make VARIANT=sched) a recording hook sees
 * the exact events of an operation: each reference-count change as a
 * YIELD then a NOTE with the old and new count, SSL_dup's state check
 * under the SSL's lock, the session cache's operations, a lock held by
 * another thread as BLOCKED until that thread's RELEASE, and a yield point
 * inside the race window of each seeded race fault.  In every other build
 * (and with the hook removed) the same operations never call the hook.
 *
 * An event is written "Y label" (YIELD), "N label before>after what"
 * (NOTE; "-" for no value), "B label" (BLOCKED), "R label" (RELEASE), with
 * "[1]" in front for the helper thread's events. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <minissl/fault.h>
#include <minissl/inspect.h>
#include <minissl/sched.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "internal.h"
#include "testutil.h"

/* ---- the recording hook ---- */

#define MAX_EVENTS 1024

struct rec {
    enum minissl_sched_event ev;
    struct minissl_sched_point p;     /* strings are minissl's literals */
    int thread;
};

static struct rec recs[MAX_EVENTS];
static int nrecs;
static atomic_int ncalls;               /* every call, also past MAX_EVENTS */
static pthread_mutex_t rec_mu = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int thread_no;     /* 0: the test, 1: its helper */
static sem_t main_blocked;              /* posted at the first BLOCKED */
static atomic_int blocked_posted;

static void recorder(enum minissl_sched_event ev,
                     const struct minissl_sched_point *p, void *arg)
{
    ck_assert_ptr_eq(arg, &recs);
    atomic_fetch_add(&ncalls, 1);
    pthread_mutex_lock(&rec_mu);
    if (nrecs < MAX_EVENTS)
        recs[nrecs++] = (struct rec){ev, *p, thread_no};
    pthread_mutex_unlock(&rec_mu);
    if (ev == MINISSL_SCHED_BLOCKED) {
        /* Let the holder go on, then give it time to unlock. */
        if (!atomic_exchange(&blocked_posted, 1))
            sem_post(&main_blocked);
        usleep(200);
    }
}

static void record_start(void)
{
    nrecs = 0;
    atomic_store(&ncalls, 0);
    atomic_store(&blocked_posted, 0);
    minissl_sched_set_hook(recorder, &recs);
}

static void record_stop(void)
{
    minissl_sched_set_hook(NULL, NULL);
}

static void fault_on(const char *name)
{
    ck_assert_int_eq(minissl_fault_enable(name), 1);
}

/* record_start and record_stop with the fault |name| enabled between. */
static void record_start_with_fault(const char *name)
{
    fault_on(name);
    record_start();
}

static void record_stop_with_fault(void)
{
    record_stop();
    minissl_fault_reset();
}

/* Frees what a dup test made: the dup |d| (or |s|'s reference that a
 * shared dup took), |s| and its SSL_CTX. */
static void free_dup_test(SSL_CTX *ctx, SSL *s, SSL *d)
{
    SSL_free(d);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* SSL_dup(s), recorded; with the fault |fault| enabled when not NULL. */
static SSL *recorded_dup(SSL *s, const char *fault)
{
    SSL *d;

    if (fault != NULL)
        record_start_with_fault(fault);
    else
        record_start();
    d = SSL_dup(s);
    if (fault != NULL)
        record_stop_with_fault();
    else
        record_stop();
    return d;
}

static int has_prefix(const char *label, const char *const *prefixes)
{
    for (; *prefixes != NULL; prefixes++)
        if (strncmp(label, *prefixes, strlen(*prefixes)) == 0)
            return 1;
    return 0;
}

static void fmt_value(char *buf, size_t n, long v)
{
    if (v == MINISSL_SCHED_NOVALUE)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%ld", v);
}

/* The recorded events whose label starts with one of |prefixes| (NULL
 * ended), "; "-separated; a run of identical BLOCKED events is one. */
static const char *events(const char *const *prefixes)
{
    static char out[8192];
    char one[160], prev[160] = "";
    size_t len = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < nrecs; i++) {
        const struct rec *r = &recs[i];
        static const char letter[] = {'Y', 'N', 'B', 'R'};
        char b[24], a[24];

        if (!has_prefix(r->p.label, prefixes))
            continue;
        fmt_value(b, sizeof(b), r->p.before);
        fmt_value(a, sizeof(a), r->p.after);
        snprintf(one, sizeof(one), "%s%c %s", r->thread ? "[1]" : "",
                 letter[r->ev], r->p.label);
        if (r->ev == MINISSL_SCHED_NOTE)
            snprintf(one + strlen(one), sizeof(one) - strlen(one),
                     " %s>%s%s%s", b, a, r->p.what ? " " : "",
                     r->p.what ? r->p.what : "");
        if (r->ev == MINISSL_SCHED_BLOCKED && strcmp(one, prev) == 0)
            continue;
        snprintf(prev, sizeof(prev), "%s", one);
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
                                len ? "; " : "", one);
        ck_assert_uint_lt(len, sizeof(out) - 1);
    }
    return out;
}

#define EVENTS(...) events((const char *const[]){__VA_ARGS__, NULL})

/* The index of the first event at or after |from| with |ev| and |label|
 * (and, if |thread| >= 0, that thread), or -1. */
static int find(int from, enum minissl_sched_event ev, const char *label,
                int thread)
{
    int i;

    for (i = from; i < nrecs; i++)
        if (recs[i].ev == ev && strcmp(recs[i].p.label, label) == 0
            && (thread < 0 || recs[i].thread == thread))
            return i;
    return -1;
}

/* Every NOTE follows a YIELD (or, for a lock, a BLOCKED) of its label on
 * its thread: per thread and label, never more NOTEs than YIELDs so far;
 * and a reference-count NOTE comes right after its own YIELD. */
static void assert_notes_follow_yields(void)
{
    int i, j;

    ck_assert_int_lt(nrecs, MAX_EVENTS);
    for (i = 0; i < nrecs; i++) {
        int yields = 0, notes = 0;

        if (recs[i].ev != MINISSL_SCHED_NOTE)
            continue;
        for (j = 0; j <= i; j++) {
            if (recs[j].thread != recs[i].thread
                || strcmp(recs[j].p.label, recs[i].p.label) != 0)
                continue;
            yields += recs[j].ev == MINISSL_SCHED_YIELD;
            notes += recs[j].ev == MINISSL_SCHED_NOTE;
        }
        ck_assert_msg(notes <= yields, "NOTE %s (event %d) without its YIELD",
                      recs[i].p.label, i);
        if (strstr(recs[i].p.label, ".refcount.") != NULL) {
            for (j = i - 1; j >= 0 && recs[j].thread != recs[i].thread; j--)
                ;
            ck_assert_int_ge(j, 0);
            ck_assert_int_eq(recs[j].ev, MINISSL_SCHED_YIELD);
            ck_assert_str_eq(recs[j].p.label, recs[i].p.label);
            ck_assert_ptr_eq(recs[j].p.obj, recs[i].p.obj);
        }
    }
}

static SSL_CTX *new_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

/* ---- builds with yield points ---- */

START_TEST(available_exactly_in_the_sched_build)
{
#ifdef MINISSL_SCHED
    ck_assert_int_eq(minissl_sched_available(), 1);
#else
    ck_assert_int_eq(minissl_sched_available(), 0);
#endif
}
END_TEST

START_TEST(up_ref_and_frees_note_each_count_change_after_its_yield)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx);
    unsigned long id = minissl_object_id(s);
    int i, k;

    ck_assert_ptr_nonnull(s);
    record_start();
    ck_assert_int_eq(SSL_up_ref(s), 1);
    SSL_free(s);
    SSL_free(s);
    record_stop();
    ck_assert_str_eq(EVENTS("ssl.refcount."),
                     "Y ssl.refcount.inc; N ssl.refcount.inc 1>2; "
                     "Y ssl.refcount.dec; N ssl.refcount.dec 2>1; "
                     "Y ssl.refcount.dec; N ssl.refcount.dec 1>0 freed");
    for (i = k = 0; i < nrecs; i++)
        if (strncmp(recs[i].p.label, "ssl.refcount.", 13) == 0) {
            ck_assert_str_eq(recs[i].p.kind, "SSL");
            ck_assert_uint_eq(recs[i].p.id, id);
            ck_assert_ptr_eq(recs[i].p.obj, s);
            k++;
        }
    ck_assert_int_eq(k, 6);
    /* The destructor then drops the SSL's reference on its SSL_CTX. */
    ck_assert_str_eq(EVENTS("ssl_ctx.refcount."),
                     "Y ssl_ctx.refcount.dec; N ssl_ctx.refcount.dec 2>1");
    ck_assert_int_gt(find(0, MINISSL_SCHED_NOTE, "ssl_ctx.refcount.dec", 0),
                     find(0, MINISSL_SCHED_NOTE, "ssl.refcount.dec", 0));
    assert_notes_follow_yields();
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(dup_of_an_initial_ssl_checks_its_state_under_its_lock)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx), *d;
    int check;

    ck_assert_ptr_nonnull(s);
    d = recorded_dup(s, NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_ne(d, s);
    /* The copy's SSL_CTX reference is taken while s's lock is held. */
    ck_assert_str_eq(EVENTS("ssl.lock.", "dup.", "ssl_ctx.refcount."),
                     "Y ssl.lock.acquire; N ssl.lock.acquire ->- acquired; "
                     "Y dup.state_check; N dup.state_check 0>1 copy; "
                     "Y ssl_ctx.refcount.inc; N ssl_ctx.refcount.inc 2>3; "
                     "R ssl.lock.release");
    check = find(0, MINISSL_SCHED_YIELD, "dup.state_check", 0);
    ck_assert_str_eq(recs[check].p.kind, "SSL");
    ck_assert_uint_eq(recs[check].p.id, minissl_object_id(s));
    ck_assert_ptr_eq(recs[check].p.obj, s);
    ck_assert_ptr_eq(recs[find(0, MINISSL_SCHED_YIELD, "ssl.lock.acquire",
                               0)].p.obj, &s->lock);
    ck_assert_ptr_eq(recs[find(0, MINISSL_SCHED_RELEASE, "ssl.lock.release",
                               0)].p.obj, &s->lock);
    assert_notes_follow_yields();
    free_dup_test(ctx, s, d);
}
END_TEST

START_TEST(dup_of_a_started_ssl_shares_it_with_one_more_reference)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx), *d;

    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(minissl_SSL_force_not_initial(s, 1), 1);
    d = recorded_dup(s, NULL);
    ck_assert_ptr_eq(d, s);
    ck_assert_str_eq(EVENTS("ssl.", "dup."),
                     "Y ssl.lock.acquire; N ssl.lock.acquire ->- acquired; "
                     "Y dup.state_check; N dup.state_check 0>0 share; "
                     "Y ssl.refcount.inc; N ssl.refcount.inc 1>2; "
                     "R ssl.lock.release");
    free_dup_test(ctx, s, d);
}
END_TEST

START_TEST(session_cache_operations_are_yield_points_around_its_lock)
{
    SSL_CTX *ctx = new_ctx();
    SSL_SESSION *ss = tu_make_session("sched-test-id");
    int add;

    ck_assert_ptr_nonnull(ss);
    record_start();
    ck_assert_int_eq(SSL_CTX_add_session(ctx, ss), 1);
    ck_assert_int_eq(SSL_CTX_remove_session(ctx, ss), 1);
    record_stop();
    /* The cache's reference is taken under the lock and dropped after. */
    ck_assert_str_eq(EVENTS("sess_cache.", "ssl_session.refcount."),
                     "Y sess_cache.add; Y sess_cache.lock.acquire; "
                     "N sess_cache.lock.acquire ->- acquired; "
                     "Y ssl_session.refcount.load; "
                     "N ssl_session.refcount.load 1>1; "
                     "Y ssl_session.refcount.inc; "
                     "N ssl_session.refcount.inc 1>2; "
                     "R sess_cache.lock.release; N sess_cache.add ->1 added; "
                     "Y sess_cache.remove; Y sess_cache.lock.acquire; "
                     "N sess_cache.lock.acquire ->- acquired; "
                     "R sess_cache.lock.release; "
                     "N sess_cache.remove ->1 removed; "
                     "Y ssl_session.refcount.load; "
                     "N ssl_session.refcount.load 2>2; "
                     "Y ssl_session.refcount.dec; "
                     "N ssl_session.refcount.dec 2>1");
    add = find(0, MINISSL_SCHED_YIELD, "sess_cache.add", 0);
    ck_assert_str_eq(recs[add].p.kind, "SSL_CTX");
    ck_assert_uint_eq(recs[add].p.id, minissl_object_id(ctx));
    assert_notes_follow_yields();
    SSL_SESSION_free(ss);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(a_cache_lookup_notes_the_session_it_returns)
{
    SSL_CTX *ctx = new_ctx();
    SSL_SESSION *ss = tu_make_session("sched-lookup"), *got;
    const unsigned char *id = (const unsigned char *)"sched-lookup";
    char want[160];

    ck_assert_int_eq(SSL_CTX_add_session(ctx, ss), 1);
    record_start();
    got = ms_cache_lookup(ctx, id, 12, (long)time(NULL));
    ck_assert_ptr_eq(ms_cache_lookup(ctx, id, 11, (long)time(NULL)), NULL);
    record_stop();
    ck_assert_ptr_eq(got, ss);
    snprintf(want, sizeof(want),
             "Y sess_cache.lookup; N sess_cache.lookup ->%lu hit; "
             "Y sess_cache.lookup; N sess_cache.lookup ->0 miss",
             minissl_object_id(ss));
    ck_assert_str_eq(EVENTS("sess_cache.lookup"), want);
    /* The caller's reference is taken under the cache's lock. */
    ck_assert_str_eq(EVENTS("sess_cache.lock.", "ssl_session.refcount.inc"),
                     "Y sess_cache.lock.acquire; "
                     "N sess_cache.lock.acquire ->- acquired; "
                     "Y ssl_session.refcount.inc; "
                     "N ssl_session.refcount.inc 2>3; "
                     "R sess_cache.lock.release; "
                     "Y sess_cache.lock.acquire; "
                     "N sess_cache.lock.acquire ->- acquired; "
                     "R sess_cache.lock.release");
    assert_notes_follow_yields();
    SSL_SESSION_free(got);
    SSL_SESSION_free(ss);
    SSL_CTX_free(ctx);
}
END_TEST

/* The helper thread holds |held|'s lock until the test's thread reports
 * BLOCKED (at most 2 s), or, where there are no yield points, for 50 ms. */
static SSL *held;
static sem_t holder_locked;

static void *holder(void *arg)
{
    struct timespec until;

    (void)arg;
    thread_no = 1;
    ms_ssl_lock(held);                  /* no hook yet: a plain lock */
    sem_post(&holder_locked);
    clock_gettime(CLOCK_REALTIME, &until);
    if (minissl_sched_available())
        until.tv_sec += 2;
    else
        until.tv_nsec += 50 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (sem_timedwait(&main_blocked, &until) != 0 && errno == EINTR)
        ;
    ms_ssl_unlock(held);                /* RELEASE, with yield points */
    return NULL;
}

/* Runs minissl_SSL_in_initial_state (which takes the SSL's lock) while
 * the helper holds that lock; records the events. */
static void run_against_a_held_lock(void)
{
    SSL_CTX *ctx = new_ctx();
    pthread_t t;

    ck_assert_ptr_nonnull(held = SSL_new(ctx));
    ck_assert_int_eq(sem_init(&holder_locked, 0, 0), 0);
    ck_assert_int_eq(sem_init(&main_blocked, 0, 0), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, holder, NULL), 0);
    sem_wait(&holder_locked);
    record_start();
    ck_assert_int_eq(minissl_SSL_in_initial_state(held), 1);
    record_stop();
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    sem_destroy(&holder_locked);
    sem_destroy(&main_blocked);
    SSL_free(held);
    SSL_CTX_free(ctx);
}

START_TEST(a_lock_held_by_another_thread_blocks_until_its_release)
{
    int blocked, release, acquired;

    run_against_a_held_lock();
    ck_assert_str_eq(EVENTS("ssl.lock."),
                     "Y ssl.lock.acquire; B ssl.lock.acquire; "
                     "[1]R ssl.lock.release; "
                     "N ssl.lock.acquire ->- acquired; R ssl.lock.release");
    blocked = find(0, MINISSL_SCHED_BLOCKED, "ssl.lock.acquire", 0);
    release = find(0, MINISSL_SCHED_RELEASE, "ssl.lock.release", 1);
    acquired = find(0, MINISSL_SCHED_NOTE, "ssl.lock.acquire", 0);
    ck_assert_int_ge(blocked, 0);
    ck_assert_int_gt(release, blocked);
    ck_assert_int_gt(acquired, release);
    /* BLOCKED and the holder's RELEASE name the same lock. */
    ck_assert_ptr_eq(recs[blocked].p.obj, recs[release].p.obj);
    ck_assert_str_eq(recs[blocked].p.kind, "SSL");
    assert_notes_follow_yields();
}
END_TEST

START_TEST(a_removed_hook_records_nothing)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx), *d;

    record_start();
    record_stop();
    ck_assert_int_eq(SSL_up_ref(s), 1);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    SSL_free(d);
    SSL_free(s);
    SSL_free(s);
    SSL_CTX_free(ctx);
    ck_assert_int_eq(atomic_load(&ncalls), 0);
}
END_TEST

/* ---- the seeded race faults: a yield point in every window ---- */

START_TEST(nonatomic_up_ref_yields_between_its_load_and_its_store)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx);

    record_start_with_fault("ssl_ref_nonatomic");
    ck_assert_int_eq(SSL_up_ref(s), 1);
    SSL_free(s);
    record_stop_with_fault();
    ck_assert_str_eq(EVENTS("ssl.refcount."),
                     "Y ssl.refcount.load; N ssl.refcount.load 1>1; "
                     "Y ssl.refcount.store; N ssl.refcount.store 1>2; "
                     "Y ssl.refcount.load; N ssl.refcount.load 2>2; "
                     "Y ssl.refcount.store; N ssl.refcount.store 2>1");
    assert_notes_follow_yields();
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(check_then_act_free_yields_between_its_load_and_its_store)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx);

    SSL_up_ref(s);
    record_start_with_fault("ssl_free_check_then_act");
    SSL_free(s);
    SSL_free(s);
    record_stop_with_fault();
    ck_assert_str_eq(EVENTS("ssl.refcount."),
                     "Y ssl.refcount.load; N ssl.refcount.load 2>2; "
                     "Y ssl.refcount.store; N ssl.refcount.store 2>1; "
                     "Y ssl.refcount.load; N ssl.refcount.load 1>1; "
                     "Y ssl.refcount.store; N ssl.refcount.store 1>0 freed");
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(relaxed_free_is_a_decrement_yield_point)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx);

    record_start_with_fault("ssl_free_relaxed");
    SSL_free(s);
    record_stop_with_fault();
    ck_assert_str_eq(EVENTS("ssl.refcount."),
                     "Y ssl.refcount.dec; N ssl.refcount.dec 1>0 freed");
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(unlocked_dup_yields_between_its_state_check_and_its_copy)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx), *d;

    d = recorded_dup(s, "dup_check_unlocked");
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(EVENTS("ssl.lock.", "dup."),
                     "Y dup.state_check; N dup.state_check 0>1 copy; "
                     "Y dup.copy; N dup.copy 0>0");
    free_dup_test(ctx, s, d);
}
END_TEST

START_TEST(dup_sharing_the_hint_buffer_yields_before_it_shares)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx), *d;

    ck_assert_int_eq(SSL_use_psk_identity_hint(s, "parent"), 1);
    d = recorded_dup(s, "dup_shared_cfg");
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(EVENTS("dup.share_cfg"),
                     "Y dup.share_cfg; N dup.share_cfg ->- psk_hint shared");
    /* Undo the sharing by hand before both are freed. */
    ck_assert_int_eq(SSL_use_psk_identity_hint(s, "other"), 1);
    d->cfg.psk_hint = NULL;
    free_dup_test(ctx, s, d);
}
END_TEST

START_TEST(a_shared_error_stack_yields_at_each_operation)
{
    fault_on("err_stack_shared");
    ERR_clear_error();
    record_start();
    ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
    ck_assert_int_ne(ERR_peek_error(), 0);
    ck_assert_int_ne(ERR_get_error(), 0);
    record_stop_with_fault();
    ck_assert_str_eq(EVENTS("err."),
                     "Y err.push; Y err.set; Y err.peek; Y err.pop");
    ck_assert_str_eq(recs[0].p.kind, "ERR");
}
END_TEST

START_TEST(per_thread_error_stack_has_no_yield_points)
{
    record_start();
    ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
    ck_assert_int_ne(ERR_get_error(), 0);
    record_stop();
    ck_assert_int_eq(atomic_load(&ncalls), 0);
}
END_TEST

START_TEST(ticket_replacement_yields_between_its_read_and_its_replace)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    ck_assert_ptr_nonnull(ss);
    record_start();
    ms_fault_replace_ticket_in_place(ss);
    record_stop();
    ck_assert_str_eq(EVENTS("ssl_session."),
                     "Y ssl_session.ticket.load; "
                     "N ssl_session.ticket.load ->0; "
                     "Y ssl_session.ticket.replace; "
                     "N ssl_session.ticket.replace ->32 freed old ticket; "
                     "Y ssl_session.ticket.load; "
                     "N ssl_session.ticket.load ->32; "
                     "Y ssl_session.ticket.replace; "
                     "N ssl_session.ticket.replace ->32 freed old ticket");
    SSL_SESSION_free(ss);
}
END_TEST

START_TEST(parsed_data_written_into_a_session_yields_before_each_write)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    ck_assert_ptr_nonnull(ss);
    record_start();
    ms_fault_write_parsed_into(ss, TLS1_2_VERSION, 0x1301);
    record_stop();
    ck_assert_str_eq(EVENTS("ssl_session."),
                     "Y ssl_session.write; N ssl_session.write ->771 version; "
                     "Y ssl_session.write; "
                     "N ssl_session.write ->4865 cipher_id");
    SSL_SESSION_free(ss);
}
END_TEST

START_TEST(freeing_an_unfinished_client_yields_before_its_session_write)
{
    SSL_CTX *ctx = new_ctx();
    SSL *c = SSL_new(ctx);
    SSL_SESSION *ss = tu_make_session("sched-unfinished");
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());

    ck_assert_int_eq(SSL_set_session(c, ss), 1);
    SSL_SESSION_free(ss);               /* c holds the only reference */
    SSL_set_bio(c, in, out);
    SSL_set_connect_state(c);
    ck_assert_int_eq(SSL_do_handshake(c), -1);   /* ClientHello sent */
    ERR_clear_error();
    record_start_with_fault("free_unfinished_not_resumable");
    SSL_free(c);
    record_stop_with_fault();
    ck_assert_str_eq(EVENTS("ssl_session.write"),
                     "Y ssl_session.write; "
                     "N ssl_session.write ->1 not_resumable");
    SSL_CTX_free(ctx);
}
END_TEST

/* One preemption at a yield point is enough to show the race: a hook
 * that passes a baton between two threads (only the holder runs) switches
 * from the test's thread to the helper at the test's first YIELD labelled
 * |switch_at|; the helper runs its whole operation and passes it back. */
static pthread_mutex_t baton_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t baton_cv = PTHREAD_COND_INITIALIZER;
static int baton;                       /* the thread that may run */
static const char *switch_at;
static int switched;

static void baton_pass(int to)
{
    pthread_mutex_lock(&baton_mu);
    baton = to;
    pthread_cond_broadcast(&baton_cv);
    while (baton != thread_no)
        pthread_cond_wait(&baton_cv, &baton_mu);
    pthread_mutex_unlock(&baton_mu);
}

static void switching_recorder(enum minissl_sched_event ev,
                               const struct minissl_sched_point *p,
                               void *arg)
{
    recorder(ev, p, arg);
    if (ev == MINISSL_SCHED_YIELD && thread_no == 0 && !switched
        && strcmp(p->label, switch_at) == 0) {
        switched = 1;
        baton_pass(1);                  /* back when the helper is done */
    }
}

static void *up_ref_when_handed_the_baton(void *arg)
{
    thread_no = 1;
    pthread_mutex_lock(&baton_mu);
    while (baton != 1)
        pthread_cond_wait(&baton_cv, &baton_mu);
    pthread_mutex_unlock(&baton_mu);
    ck_assert_int_eq(SSL_up_ref(arg), 1);
    pthread_mutex_lock(&baton_mu);
    baton = 0;
    pthread_cond_broadcast(&baton_cv);
    pthread_mutex_unlock(&baton_mu);
    return NULL;
}

START_TEST(one_preemption_at_the_store_loses_the_other_threads_up_ref)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx);
    pthread_t t;

    fault_on("ssl_ref_nonatomic");
    baton = 0;
    switched = 0;
    switch_at = "ssl.refcount.store";
    nrecs = 0;
    minissl_sched_set_hook(switching_recorder, &recs);
    ck_assert_int_eq(pthread_create(&t, NULL, up_ref_when_handed_the_baton,
                                    s), 0);
    ck_assert_int_eq(SSL_up_ref(s), 1);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    record_stop_with_fault();
    ck_assert_int_eq(switched, 1);
    ck_assert_str_eq(EVENTS("ssl.refcount."),
                     "Y ssl.refcount.load; N ssl.refcount.load 1>1; "
                     "Y ssl.refcount.store; "
                     "[1]Y ssl.refcount.load; [1]N ssl.refcount.load 1>1; "
                     "[1]Y ssl.refcount.store; [1]N ssl.refcount.store 1>2; "
                     "N ssl.refcount.store 2>2 lost update");
    ck_assert_int_eq(minissl_refcount(s), 2);     /* two up_refs: 3 */
    SSL_free(s);
    SSL_free(s);
    SSL_CTX_free(ctx);
}
END_TEST

/* ---- builds without yield points ---- */

START_TEST(the_hook_is_never_called_without_yield_points)
{
    SSL_CTX *ctx = new_ctx();
    SSL *s = SSL_new(ctx), *d;
    SSL_SESSION *ss = tu_make_session("no-sched");

    record_start();
    ck_assert_int_eq(SSL_up_ref(s), 1);
    ck_assert_ptr_nonnull(d = SSL_dup(s));
    SSL_free(d);
    SSL_free(s);
    SSL_free(s);
    ck_assert_int_eq(SSL_CTX_add_session(ctx, ss), 1);
    ck_assert_int_eq(SSL_CTX_remove_session(ctx, ss), 1);
    record_stop();
    ck_assert_int_eq(atomic_load(&ncalls), 0);
    SSL_SESSION_free(ss);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(a_held_lock_blocks_without_calling_the_hook)
{
    run_against_a_held_lock();
    ck_assert_int_eq(atomic_load(&ncalls), 0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *su = suite_create("sched");
    TCase *tc = tcase_create("yield_points");

    tu_add_leak_checks(tc);
    tcase_add_test(tc, available_exactly_in_the_sched_build);
    if (minissl_sched_available()) {
        tcase_add_test(tc, up_ref_and_frees_note_each_count_change_after_its_yield);
        tcase_add_test(tc, dup_of_an_initial_ssl_checks_its_state_under_its_lock);
        tcase_add_test(tc, dup_of_a_started_ssl_shares_it_with_one_more_reference);
        tcase_add_test(tc, session_cache_operations_are_yield_points_around_its_lock);
        tcase_add_test(tc, a_cache_lookup_notes_the_session_it_returns);
        tcase_add_test(tc, a_lock_held_by_another_thread_blocks_until_its_release);
        tcase_add_test(tc, a_removed_hook_records_nothing);
        tcase_add_test(tc, per_thread_error_stack_has_no_yield_points);
        if (minissl_faults_built()) {
            TCase *f = tcase_create("race_faults");

            tu_add_leak_checks(f);
            tcase_add_test(f, nonatomic_up_ref_yields_between_its_load_and_its_store);
            tcase_add_test(f, one_preemption_at_the_store_loses_the_other_threads_up_ref);
            tcase_add_test(f, check_then_act_free_yields_between_its_load_and_its_store);
            tcase_add_test(f, relaxed_free_is_a_decrement_yield_point);
            tcase_add_test(f, unlocked_dup_yields_between_its_state_check_and_its_copy);
            tcase_add_test(f, dup_sharing_the_hint_buffer_yields_before_it_shares);
            tcase_add_test(f, a_shared_error_stack_yields_at_each_operation);
            tcase_add_test(f, ticket_replacement_yields_between_its_read_and_its_replace);
            tcase_add_test(f, parsed_data_written_into_a_session_yields_before_each_write);
            tcase_add_test(f, freeing_an_unfinished_client_yields_before_its_session_write);
            suite_add_tcase(su, f);
        }
    } else {
        tcase_add_test(tc, the_hook_is_never_called_without_yield_points);
        tcase_add_test(tc, a_held_lock_blocks_without_calling_the_hook);
    }
    suite_add_tcase(su, tc);
    return su;
}
