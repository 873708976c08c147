/* The thread-safety contract table (contract.h).
 *
 * Sources, quoted in the rows as "ssl.h N" (the THREAD-SAFETY CONTRACT at
 * the top of lib/include/openssl/ssl.h, item N; doc/thread-safety.md
 * numbers them alike), "ssl_conn.h" (the thread-safety paragraph at the top
 * of lib/include/openssl/ssl_conn.h), "ssl.h SSL_x" (the comment above
 * that prototype) and "the page" (SSL_new.pod, which says what SSL_dup
 * returns but nothing about threads).  A pair is allowed only where one of
 * them promises it; everything the contract leaves to one thread at a time
 * is forbidden, however harmless it looks in minissl's code.
 *
 * Readings, where the text needed one:
 *   - SSL_up_ref/SSL_free racing SSL_read/SSL_write/SSL_shutdown or a
 *     setter: forbidden.  ssl.h 1 lets the three count operations race
 *     each other; ssl_conn.h names the handshake calls as the only
 *     connection calls they may race; ssl.h 3 keeps the rest to one
 *     thread at a time.
 *   - SSL_connect/SSL_accept on an SSL without a role choose it
 *     (SSL_set_connect_state/SSL_set_accept_state) inside the race that
 *     ssl.h 2 allows, so the generated initial-state races start from an
 *     SSL fresh from SSL_new, with no role chosen yet.
 *   - A session-cache setter (cache mode, size) is an SSL_CTX setter
 *     (ssl.h 4), though minissl takes the cache lock for it. */
#include "contract.h"

#define Q1 "ssl.h 1: \"SSL_up_ref, SSL_free and SSL_dup may be called at " \
    "the same time on one SSL from threads that each hold a reference to it\""
#define Q2 "ssl.h 2: \"SSL_dup may also race the owner's SSL_connect/" \
    "SSL_accept/SSL_do_handshake\""
#define Q2G "ssl.h 2: \"SSL_get1_session takes its reference under the " \
    "same lock, so it may race the owner's handshake too\""
#define QCONN "ssl_conn.h: \"SSL_dup, SSL_up_ref, SSL_free and " \
    "SSL_get1_session may race the owner's SSL_connect/SSL_accept/" \
    "SSL_do_handshake\""
#define QCONN1 "ssl_conn.h: \"every call here on one SSL needs one thread " \
    "at a time, except that SSL_dup, SSL_up_ref, SSL_free and " \
    "SSL_get1_session may race the owner's SSL_connect/SSL_accept/" \
    "SSL_do_handshake\""
#define Q3 "ssl.h 3: \"Everything else on one SSL (setters, getters that " \
    "race setters, SSL_set_session, handshake and I/O calls) needs one " \
    "thread at a time\""
#define Q3G "ssl.h 3: \"Getters alone may run concurrently with each other " \
    "and with SSL_up_ref/SSL_free/SSL_dup\""
#define Q4 "ssl.h 4: \"SSL_CTX_up_ref/SSL_CTX_free and SSL_new on one " \
    "SSL_CTX may run from any number of threads; an SSL holds a reference " \
    "on its SSL_CTX, so the SSL_CTX outlives its SSLs\""
#define Q4S "ssl.h 4: \"SSL_CTX setters need one thread at a time and must " \
    "not race SSL_new on that SSL_CTX\""
#define Q5 "ssl.h 5: \"SSL_SESSION, X509 and EVP_PKEY counts are atomic: " \
    "up_ref/free from any thread that holds a reference\""
#define Q5I "ssl.h 5: \"A session (certificate, key) is immutable once " \
    "shared; set its fields before handing it out\""
#define QSET "ssl.h SSL_set_session: \"set takes its own reference\""
#define QGET1 "ssl.h SSL_get1_session: \"get1 gives a reference, taken " \
    "under the SSL's lock\""
#define QDUPS "ssl.h SSL_dup: the copy shares \"only immutable objects " \
    "(the session, X509, EVP_PKEY) by reference count\""
#define QCACHE "ssl_conn.h: \"The session cache calls on one SSL_CTX " \
    "(SSL_CTX_add_session, SSL_CTX_remove_session, SSL_CTX_flush_sessions, " \
    "the server's lookups during handshakes) may run on any number of " \
    "threads at once\""
#define QPAGE "the page: SSL_dup copies an SSL in its initial state; for " \
    "any other it \"just increments an internal reference count\" and " \
    "returns it"
#define QPAGECTX "the page: SSL_dup \"creates and returns a new SSL " \
    "structure from the same SSL_CTX\" (a copy takes its SSL_CTX " \
    "reference as SSL_new does)"

#define ALL (ST_CS_INITIAL | ST_CS_MID | ST_CS_FINISHED)
/* The handshake has a step left to race only before it finished. */
#define UNFINISHED (ST_CS_INITIAL | ST_CS_MID)
/* A session is cached fresh (never negotiated) or from a finished
 * handshake; mid-handshake it is not the cache's yet. */
#define CACHED (ST_CS_INITIAL | ST_CS_FINISHED)

#define OK(id, fam, a, b, states, why) \
    { id, ST_CF_##fam, ST_CO_##a, ST_CO_##b, true, states, why }
#define NO(id, fam, a, b, why) \
    { id, ST_CF_##fam, ST_CO_##a, ST_CO_##b, false, 0, why }

const struct st_cpair st_contract[] = {
    /* ---- one SSL s: the count operations, the getter, the handshake ---- */
    OK("S1", SSL, UP_REF, UP_REF, ALL, Q1),
    OK("S2", SSL, UP_REF, FREE, ALL, Q1),
    OK("S3", SSL, UP_REF, DUP, ALL, Q1 "; " QPAGE),
    OK("S4", SSL, FREE, FREE, ALL, Q1 "; the last SSL_free destroys s, "
       "exactly once"),
    OK("S5", SSL, FREE, DUP, ALL, Q1 "; " QPAGE),
    OK("S6", SSL, DUP, DUP, ALL, Q1 "; " QPAGE),
    OK("S7", SSL, DUP, HANDSHAKE, UNFINISHED, Q2 " (never a torn copy); "
       QPAGE),
    OK("S8", SSL, UP_REF, HANDSHAKE, UNFINISHED, QCONN),
    OK("S9", SSL, FREE, HANDSHAKE, UNFINISHED, QCONN),
    OK("S10", SSL, GET1_SESSION, GET1_SESSION, ALL, Q3G),
    OK("S11", SSL, GET1_SESSION, UP_REF, ALL, Q3G),
    OK("S12", SSL, GET1_SESSION, FREE, ALL, Q3G),
    OK("S13", SSL, GET1_SESSION, DUP, ALL, Q3G "; " QPAGE),
    OK("S14", SSL, GET1_SESSION, HANDSHAKE, UNFINISHED, Q2G),
    NO("S15", SSL, DUP, IO, Q3 "; ssl.h 2 lets SSL_dup race only the "
       "handshake calls"),
    NO("S16", SSL, UP_REF, IO, QCONN1),
    NO("S17", SSL, FREE, IO, QCONN1),
    NO("S18", SSL, GET1_SESSION, IO, QCONN1),
    NO("S19", SSL, DUP, SET, Q3 " (SSL_dup reads every setting it copies)"),
    NO("S20", SSL, DUP, SET_SESSION, Q3),
    NO("S21", SSL, GET1_SESSION, SET, Q3),
    NO("S22", SSL, GET1_SESSION, SET_SESSION, Q3 " (SSL_set_session "
       "replaces the session SSL_get1_session reads)"),
    NO("S23", SSL, UP_REF, SET, Q3 "; ssl.h 1 lets SSL_up_ref race only "
       "SSL_up_ref, SSL_free and SSL_dup"),
    NO("S24", SSL, FREE, SET, Q3 "; ssl.h 1 lets SSL_free race only "
       "SSL_up_ref, SSL_free and SSL_dup"),
    NO("S25", SSL, HANDSHAKE, HANDSHAKE, Q3),
    NO("S26", SSL, HANDSHAKE, SET, Q3),
    NO("S27", SSL, SET, SET, Q3 " (scenarios/race/setters-two-threads.scn "
       "shows a race detector's report)"),

    /* ---- one SSL_CTX c and the SSLs made from it --------------------- */
    OK("C1", CTX, CTX_UP_REF, CTX_UP_REF, 0, Q4),
    OK("C2", CTX, CTX_UP_REF, CTX_FREE, 0, Q4),
    OK("C3", CTX, CTX_FREE, CTX_FREE, 0, Q4),
    OK("C4", CTX, NEW, CTX_UP_REF, ALL, Q4),
    OK("C5", CTX, NEW, CTX_FREE, ALL, Q4),
    OK("C6", CTX, NEW, NEW, ALL, Q4),
    OK("C7", CTX, FREE, CTX_FREE, ALL, Q4 "; ssl.h SSL_free: the last "
       "one \"drops its SSL_CTX reference\""),
    OK("C8", CTX, FREE, CTX_UP_REF, ALL, Q4),
    OK("C9", CTX, FREE, NEW, ALL, Q4),
    OK("C10", CTX, FREE, FREE, ALL, Q4 " (the SSLs hold c's last "
       "references)"),
    OK("C11", CTX, DUP, CTX_FREE, ALL, QPAGECTX "; " Q4),
    OK("C12", CTX, DUP, NEW, ALL, QPAGECTX "; " Q4),
    NO("C13", CTX, CTX_SET, NEW, Q4S),
    NO("C14", CTX, CTX_SET, DUP, Q4S "; " QPAGECTX),
    NO("C15", CTX, CTX_SET, CTX_SET, Q4S),
    NO("C16", CTX, CTX_SET, CTX_FREE, Q4S),

    /* ---- one SSL_SESSION x, held by the SSL s ------------------------ */
    OK("X1", SESSION, SESS_UP_REF, SESS_UP_REF, ALL, Q5),
    OK("X2", SESSION, SESS_UP_REF, SESS_FREE, ALL, Q5),
    OK("X3", SESSION, SESS_FREE, SESS_FREE, ALL, Q5),
    OK("X4", SESSION, SET_SESSION, SESS_FREE, ALL, Q5 "; " QSET
       " (on an SSL of the thread's own)"),
    OK("X5", SESSION, SET_SESSION, SESS_UP_REF, ALL, Q5 "; " QSET),
    OK("X6", SESSION, SET_SESSION, SET_SESSION, ALL, Q5 "; " QSET
       " (two SSLs, one each)"),
    OK("X7", SESSION, GET1_SESSION, SESS_FREE, ALL, Q5 "; " QGET1),
    OK("X8", SESSION, GET1_SESSION, SESS_UP_REF, ALL, Q5 "; " QGET1),
    OK("X9", SESSION, GET1_SESSION, SET_SESSION, ALL, Q5 "; " QGET1
       " (SSL_set_session on an SSL of the other thread's own)"),
    OK("X10", SESSION, FREE, SESS_FREE, ALL, Q5 "; the last SSL_free of s "
       "drops s's reference on x"),
    OK("X11", SESSION, FREE, SET_SESSION, ALL, Q5 "; " QSET),
    OK("X12", SESSION, DUP, SESS_FREE, ALL, QDUPS "; " Q5),
    NO("X13", SESSION, SESS_SET, GET1_SESSION, Q5I),
    NO("X14", SESSION, SESS_SET, SESS_FREE, Q5I "; ssl_conn.h: "
       "SSL_SESSION_set_timeout returns 0 \"when the session is already "
       "shared\""),

    /* ---- the session cache of one server SSL_CTX c ------------------- */
    OK("K1", CACHE, CACHE_ADD, CACHE_ADD, CACHED, QCACHE),
    OK("K2", CACHE, CACHE_ADD, CACHE_LOOKUP, CACHED, QCACHE),
    OK("K3", CACHE, CACHE_ADD, CACHE_REMOVE, CACHED, QCACHE),
    OK("K4", CACHE, CACHE_ADD, CACHE_FLUSH, CACHED, QCACHE),
    OK("K5", CACHE, CACHE_LOOKUP, CACHE_LOOKUP, CACHED, QCACHE
       "; \"a session found in the cache is returned with its own "
       "reference\""),
    OK("K6", CACHE, CACHE_LOOKUP, CACHE_REMOVE, CACHED, QCACHE),
    OK("K7", CACHE, CACHE_LOOKUP, CACHE_FLUSH, CACHED, QCACHE),
    OK("K8", CACHE, CACHE_REMOVE, CACHE_REMOVE, CACHED, QCACHE),
    OK("K9", CACHE, CACHE_REMOVE, CACHE_FLUSH, CACHED, QCACHE),
    OK("K10", CACHE, CACHE_FLUSH, CACHE_FLUSH, CACHED, QCACHE),
    NO("K11", CACHE, CACHE_SET, CACHE_LOOKUP, Q4S " (the cache mode and "
       "size are SSL_CTX settings)"),
};

const size_t st_ncontract = sizeof(st_contract) / sizeof(st_contract[0]);

static const struct {
    const char *call, *slug;
} ops[] = {
    [ST_CO_UP_REF] = { "SSL_up_ref", "up_ref" },
    [ST_CO_FREE] = { "SSL_free", "free" },
    [ST_CO_DUP] = { "SSL_dup", "dup" },
    [ST_CO_GET1_SESSION] = { "SSL_get1_session", "get1_session" },
    [ST_CO_HANDSHAKE] = { "SSL_connect/SSL_accept/SSL_do_handshake (the "
                          "owner's)", "handshake" },
    [ST_CO_IO] = { "SSL_read/SSL_write/SSL_shutdown (the owner's)", "io" },
    [ST_CO_SET] = { "an SSL setter (SSL_set_options, ...)", "set" },
    [ST_CO_SET_SESSION] = { "SSL_set_session", "set_session" },
    [ST_CO_CTX_UP_REF] = { "SSL_CTX_up_ref", "ctx_up_ref" },
    [ST_CO_CTX_FREE] = { "SSL_CTX_free", "ctx_free" },
    [ST_CO_NEW] = { "SSL_new", "new" },
    [ST_CO_CTX_SET] = { "an SSL_CTX setter", "ctx_set" },
    [ST_CO_SESS_UP_REF] = { "SSL_SESSION_up_ref", "session_up_ref" },
    [ST_CO_SESS_FREE] = { "SSL_SESSION_free", "session_free" },
    [ST_CO_SESS_SET] = { "an SSL_SESSION setter (SSL_SESSION_set_timeout, "
                         "...)", "session_set" },
    [ST_CO_CACHE_ADD] = { "SSL_CTX_add_session", "add" },
    [ST_CO_CACHE_LOOKUP] = { "a server handshake's cache lookup", "lookup" },
    [ST_CO_CACHE_REMOVE] = { "SSL_CTX_remove_session", "remove" },
    [ST_CO_CACHE_FLUSH] = { "SSL_CTX_flush_sessions", "flush" },
    [ST_CO_CACHE_SET] = { "SSL_CTX_set_session_cache_mode/"
                          "SSL_CTX_sess_set_cache_size", "cache_set" },
};

const char *st_cop_call(enum st_cop op)
{
    return ops[op].call;
}

const char *st_cop_slug(enum st_cop op)
{
    return ops[op].slug;
}

const char *st_cfam_slug(enum st_cfam fam)
{
    switch (fam) {
    case ST_CF_SSL: return "ssl";
    case ST_CF_CTX: return "ctx";
    case ST_CF_SESSION: return "session";
    case ST_CF_CACHE: return "cache";
    }
    return "?";
}

const char *st_cfam_objects(enum st_cfam fam)
{
    switch (fam) {
    case ST_CF_SSL:
        return "one SSL s; each thread holds a reference to s";
    case ST_CF_CTX:
        return "one SSL_CTX c; each thread holds a reference to c or to an "
               "SSL of c of its own (SSL_new, SSL_free and SSL_dup work on "
               "the thread's own SSLs)";
    case ST_CF_SESSION:
        return "one SSL_SESSION x, held by the SSL s; each thread holds a "
               "reference to x, and to s when it uses s (SSL_set_session "
               "works on an SSL of the thread's own)";
    case ST_CF_CACHE:
        return "the session cache of one server SSL_CTX c, holding the "
               "session x and the session of c's last handshake; a lookup "
               "is a server handshake on an SSL of the thread's own";
    }
    return "?";
}
