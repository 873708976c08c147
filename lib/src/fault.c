/* Seeded faults: the run-time switch (see <minissl/fault.h>, faults.h).
 *
 * One 64-bit word holds a bit per fault.  It is written before the racing
 * threads start (at load time from MINISSL_FAULT, or by the harness's
 * set-up) and read with relaxed loads by the hooks; no data is published
 * through it.  In a normal build the word does not exist: nothing can be
 * enabled and the hooks are compiled out, but the catalogue is listed. */
#include <stdlib.h>
#include <string.h>

#include <minissl/fault.h>

#include "internal.h"

static const struct minissl_fault_info catalogue[MS_FAULT_COUNT] = {
#define MS_FAULT_INFO(n, a, m) { #n, a, m },
    MS_FAULTS_LIST(MS_FAULT_INFO)
#undef MS_FAULT_INFO
};

#ifdef MINISSL_FAULTS
atomic_uint_least64_t ms_fault_mask;

static int fault_index(const char *name)
{
    int i;

    if (name == NULL)
        return -1;
    for (i = 0; i < MS_FAULT_COUNT; i++)
        if (strcmp(catalogue[i].name, name) == 0)
            return i;
    return -1;
}

/* MINISSL_FAULT=NAME[,NAME...]: read once when the library is loaded,
 * before any thread of the program can call into it.  Unknown names are
 * ignored here (the harness checks names itself). */
__attribute__((constructor)) static void fault_env_init(void)
{
    const char *env = getenv("MINISSL_FAULT");
    char buf[256], *tok, *save = NULL;

    if (env == NULL || strlen(env) >= sizeof(buf))
        return;
    strcpy(buf, env);
    for (tok = strtok_r(buf, ", ", &save); tok != NULL;
         tok = strtok_r(NULL, ", ", &save))
        minissl_fault_enable(tok);
}
#endif

int minissl_faults_built(void)
{
#ifdef MINISSL_FAULTS
    return 1;
#else
    return 0;
#endif
}

int minissl_fault_enable(const char *name)
{
#ifdef MINISSL_FAULTS
    int i = fault_index(name);

    if (i < 0)
        return 0;
    /* relaxed: see the top comment. */
    atomic_fetch_or_explicit(&ms_fault_mask, (uint_least64_t)1 << i,
                             memory_order_relaxed);
    return 1;
#else
    (void)name;
    return 0;
#endif
}

int minissl_fault_disable(const char *name)
{
#ifdef MINISSL_FAULTS
    int i = fault_index(name);

    if (i < 0)
        return 0;
    atomic_fetch_and_explicit(&ms_fault_mask, ~((uint_least64_t)1 << i),
                              memory_order_relaxed);
    return 1;
#else
    (void)name;
    return 0;
#endif
}

void minissl_fault_reset(void)
{
#ifdef MINISSL_FAULTS
    atomic_store_explicit(&ms_fault_mask, 0, memory_order_relaxed);
#endif
}

int minissl_fault_enabled(const char *name)
{
#ifdef MINISSL_FAULTS
    int i = fault_index(name);

    return i >= 0 && ((atomic_load_explicit(&ms_fault_mask,
                                            memory_order_relaxed) >> i) & 1u);
#else
    (void)name;
    return 0;
#endif
}

const struct minissl_fault_info *minissl_fault_list(size_t *n)
{
    if (n != NULL)
        *n = MS_FAULT_COUNT;
    return catalogue;
}

void ms_fault_window(void)
{
    /* volatile: the loop must not be optimised away; it only burns time. */
    for (volatile int i = 0; i < 400; i++)
        ;
}

/* ---- Helpers of the faults whose hooks sit in the handshake module.
 * Called only from `if (MS_FAULT(...))` lines; in a normal build nothing
 * calls them. ---- */

/* FAULT resume_writes_shared_session, the shape of CVE-2010-3864 and
 * CVE-2014-3509: a handshake that offered |ss| writes what it parsed from
 * the ServerHello into |ss| itself, a session other connections share,
 * instead of into its own new session. */
void ms_fault_write_parsed_into(SSL_SESSION *ss, int version, uint16_t cipher)
{
    if (ss == NULL)
        return;
    /* Yield points (sched build): one before each racing write. */
    MS_SCHED_YIELD("ssl_session.write", "SSL_SESSION", ss->hdr.id, ss);
    ss->version = version;
    MS_SCHED_NOTE("ssl_session.write", "SSL_SESSION", ss->hdr.id, ss,
                  MINISSL_SCHED_NOVALUE, version, "version");
    ms_fault_window();
    MS_SCHED_YIELD("ssl_session.write", "SSL_SESSION", ss->hdr.id, ss);
    ss->cipher_id = cipher;
    ss->time = time(NULL);
    MS_SCHED_NOTE("ssl_session.write", "SSL_SESSION", ss->hdr.id, ss,
                  MINISSL_SCHED_NOVALUE, cipher, "cipher_id");
}

/* FAULT ticket_replace_in_place, the shape of CVE-2015-1791: each of the
 * two tickets a TLS 1.3 server sends replaces the ticket of the session
 * in place (read old, store new, free old) while other threads use the
 * same session, instead of copying the session first (copy-on-write):
 * two connections replacing at once free the same old ticket. */
void ms_fault_replace_ticket_in_place(SSL_SESSION *ss)
{
    int i;

    if (ss == NULL)
        return;
    for (i = 0; i < 2; i++) {
        unsigned char t[32];
        unsigned char *old;

        /* Yield points (sched build): the read and the replacement are
         * the two halves of the race. */
        MS_SCHED_YIELD("ssl_session.ticket.load", "SSL_SESSION", ss->hdr.id,
                       ss);
        old = ss->ticket;
        MS_SCHED_NOTE("ssl_session.ticket.load", "SSL_SESSION", ss->hdr.id,
                      ss, MINISSL_SCHED_NOVALUE, (long)ss->ticket_len, NULL);
        memset(t, 0x5a + i, sizeof(t));
        ms_fault_window();
        MS_SCHED_YIELD("ssl_session.ticket.replace", "SSL_SESSION",
                       ss->hdr.id, ss);
        ss->ticket = ms_memdup(t, sizeof(t));
        ss->ticket_len = ss->ticket != NULL ? sizeof(t) : 0;
        ms_free(old);
        MS_SCHED_NOTE("ssl_session.ticket.replace", "SSL_SESSION",
                      ss->hdr.id, ss, MINISSL_SCHED_NOVALUE,
                      (long)ss->ticket_len, "freed old ticket");
    }
}
