/* The object header: ids, live counts, validity checks and the quarantine
 * of freed SSL, SSL_CTX and SSL_SESSION objects.
 *
 * Concurrency.  Ids and live counts are relaxed atomics: an id only has
 * to be unique (fetch_add gives that in any order), a count is a tally.
 * The quarantine FIFO is guarded by |q_lock|.  An object enters it only
 * from the thread that destroyed it, which owned it exclusively (its
 * count reached 0 with acq_rel, refcount.h), so the poisoning writes race
 * nothing in a correct program; the lock orders them before the eventual
 * release of the block by whichever thread evicts it. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static atomic_long live[MINISSL_TYPE_COUNT];
static atomic_ulong next_id[MINISSL_TYPE_COUNT];

/* Yield points "quarantine.lock.*" in the sched build (sched_hook.h). */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static void *q_slot[MINISSL_QUARANTINE];
static size_t q_head, q_count;           /* oldest at q_head */
/* MINISSL_QUARANTINE=0 in the environment (read once at load, before any
 * thread exists): freed objects are released at once, so that
 * AddressSanitizer, not minissl's own check, sees a late use or a double
 * free (the detection matrix's ASan column). */
static int q_off;

__attribute__((constructor)) static void quarantine_env_init(void)
{
    const char *e = getenv("MINISSL_QUARANTINE");

    q_off = e != NULL && strcmp(e, "0") == 0;
}

static const char *const type_names[MINISSL_TYPE_COUNT] = {
    [MINISSL_SSL_CTX] = "SSL_CTX",
    [MINISSL_SSL] = "SSL",
    [MINISSL_SSL_SESSION] = "SSL_SESSION",
    [MINISSL_X509] = "X509",
    [MINISSL_X509_NAME] = "X509_NAME",
    [MINISSL_EVP_PKEY] = "EVP_PKEY",
    [MINISSL_X509_VERIFY_PARAM] = "X509_VERIFY_PARAM",
    [MINISSL_BIO] = "BIO",
};

const char *ms_type_name(enum minissl_type type)
{
    if ((unsigned)type >= MINISSL_TYPE_COUNT)
        return "object";
    return type_names[type];
}

const char *minissl_type_name(enum minissl_type type)
{
    return ms_type_name(type);
}

void *ms_obj_new(enum minissl_type type, size_t size)
{
    struct ms_obj *h = ms_zalloc(size);

    if (h == NULL)
        return NULL;
    h->magic = MS_MAGIC_LIVE;
    h->type = type;
    /* relaxed: an id only needs to be unique. */
    h->id = atomic_fetch_add_explicit(&next_id[type], 1,
                                      memory_order_relaxed) + 1;
    ms_ref_init(&h->refs, 1);
    /* relaxed: a tally for inspection. */
    atomic_fetch_add_explicit(&live[type], 1, memory_order_relaxed);
    return h;
}

static int quarantined_type(uint32_t type)
{
    return type == MINISSL_SSL || type == MINISSL_SSL_CTX
           || type == MINISSL_SSL_SESSION;
}

void ms_obj_retire(void *obj, size_t size)
{
    struct ms_obj *h = obj;
    void *victim = NULL;

    if (h == NULL)
        return;
    /* relaxed: a tally for inspection. */
    atomic_fetch_sub_explicit(&live[h->type], 1, memory_order_relaxed);
    if (!quarantined_type(h->type) || q_off) {
        h->magic = MS_MAGIC_DEAD;
        ms_free(obj);
        return;
    }
    memset((unsigned char *)obj + sizeof(*h), MS_POISON_BYTE,
           size - sizeof(*h));
    h->magic = MS_MAGIC_DEAD;
    MS_LOCK(&q_lock, "quarantine", "lock", 0);
    if (q_count == MINISSL_QUARANTINE) {
        victim = q_slot[q_head];
        q_slot[q_head] = obj;
        q_head = (q_head + 1) % MINISSL_QUARANTINE;
    } else {
        q_slot[(q_head + q_count) % MINISSL_QUARANTINE] = obj;
        q_count++;
    }
    MS_UNLOCK(&q_lock, "quarantine", "lock", 0);
    ms_free(victim);
}

size_t minissl_quarantine_flush(void)
{
    void *batch[MINISSL_QUARANTINE];
    size_t i, n;

    MS_LOCK(&q_lock, "quarantine", "lock", 0);
    n = q_count;
    for (i = 0; i < n; i++)
        batch[i] = q_slot[(q_head + i) % MINISSL_QUARANTINE];
    q_head = 0;
    q_count = 0;
    MS_UNLOCK(&q_lock, "quarantine", "lock", 0);
    for (i = 0; i < n; i++)
        ms_free(batch[i]);
    return n;
}

size_t minissl_quarantine_count(void)
{
    size_t n;

    MS_LOCK(&q_lock, "quarantine", "lock", 0);
    n = q_count;
    MS_UNLOCK(&q_lock, "quarantine", "lock", 0);
    return n;
}

void ms_obj_check(const struct ms_obj *h, enum minissl_type type,
                  const char *op)
{
    if (h->magic == MS_MAGIC_LIVE && h->type == (uint32_t)type)
        return;
    if (h->magic == MS_MAGIC_DEAD)
        ms_ref_misuse(ms_type_name((enum minissl_type)h->type), h->id,
                      ms_ref_get(&h->refs), op);
    /* Not one of ours, or not of this type. */
    ms_ref_misuse(ms_type_name(type), 0, INT_MIN, op);
}

long minissl_live_objects(enum minissl_type type)
{
    if ((unsigned)type >= MINISSL_TYPE_COUNT)
        return -1;
    return atomic_load_explicit(&live[type], memory_order_relaxed);
}

long minissl_live_objects_total(void)
{
    long n = 0;
    int i;

    for (i = 0; i < MINISSL_TYPE_COUNT; i++)
        n += atomic_load_explicit(&live[i], memory_order_relaxed);
    return n;
}

int minissl_refcount(const void *obj)
{
    const struct ms_obj *h = obj;

    if (h == NULL)
        return -1;
    return ms_ref_get(&h->refs);
}

unsigned long minissl_object_id(const void *obj)
{
    const struct ms_obj *h = obj;

    return h == NULL ? 0 : h->id;
}

int minissl_object_valid(const void *obj, enum minissl_type type)
{
    const struct ms_obj *h = obj;

    return h != NULL && h->magic == MS_MAGIC_LIVE
           && h->type == (uint32_t)type;
}
