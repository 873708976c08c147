/* BIOs: memory FIFOs and connected pairs (contract in <openssl/bio.h>).
 *
 * Concurrency argument.  Every byte buffer is guarded by one mutex: a memory
 * BIO's own, or, for the two halves of a pair, the pair's shared one, so a
 * writer thread and a reader thread of the same pipe serialize on it.  The
 * retry flags of a BIO are guarded by the BIO's own mutex (|lock|), also for
 * a pair half; a pair operation takes the pair's mutex and then, to set its
 * half's flags, the half's: always in that order, and nothing takes a half's
 * mutex before the pair's, so the two cannot deadlock.  The flags report
 * the outcome of the last read or write on that BIO; when two threads use
 * the two ends of one memory BIO, each may see the other's outcome, as with
 * OpenSSL, but never a torn word.  So the SSL layer does not read them
 * back: ms_bio_io hands each caller its own operation's outcome.  Reference counts are the object
 * header's ms_ref (refcount.h).  A pair's shared part lives until both
 * halves are destroyed: each half's destructor marks its side dead under
 * the pair lock and the one that finds the other side already dead frees
 * it after unlocking, when no other thread can reach it. */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>

#include "internal.h"
#include "hs_local.h"
#include "refcount.h"

#define MS_PAIR_DEFAULT_BUF (17 * 1024)

/* The locks, with the yield points "bio.lock.*" and "bio_pair.lock.*" in
 * the sched build (sched_hook.h); a pair's lock is named after the half
 * |b| that takes it. */
#define BIO_LOCK(b) MS_LOCK(&(b)->lock, "bio", "BIO", (b)->hdr.id)
#define BIO_UNLOCK(b) MS_UNLOCK(&(b)->lock, "bio", "BIO", (b)->hdr.id)
#define PAIR_LOCK(p, b) MS_LOCK(&(p)->lock, "bio_pair", "BIO", (b)->hdr.id)
#define PAIR_UNLOCK(p, b)                                                    \
    MS_UNLOCK(&(p)->lock, "bio_pair", "BIO", (b)->hdr.id)

struct bio_method_st {
    int type;
    const char *name;
};

static const BIO_METHOD ms_mem_method = {BIO_TYPE_MEM, "memory buffer"};
static const BIO_METHOD ms_pair_method = {BIO_TYPE_BIO, "BIO pair"};

/* A FIFO of bytes: data at buf[off .. off+len), capacity cap. */
struct ms_pipe {
    unsigned char *buf;
    size_t off, len, cap;
};

struct ms_bio_pair {
    pthread_mutex_t lock;
    struct ms_pipe dir[2];      /* dir[i]: written by half i, read by 1-i */
    size_t limit[2];            /* capacity of dir[i] */
    size_t request[2];          /* bytes half i last failed to read */
    int wr_closed[2];           /* half i called BIO_shutdown_wr */
    int alive[2];               /* half i not yet destroyed */
    /* Halves not yet detached; the one that takes it to 0 frees the pair.
     * Apart from |lock|: see pair_detach. */
    atomic_int halves;
};

struct bio_st {
    struct ms_obj hdr;          /* type MINISSL_BIO, id, reference count */
    const BIO_METHOD *method;
    int flags;                  /* BIO_FLAGS_*, guarded by |lock| */
    pthread_mutex_t lock;       /* flags; memory BIO: data, eof_return */
    struct ms_pipe data;        /* memory BIO */
    int eof_return;             /* memory BIO: read result when empty */
    int readonly;               /* BIO_new_mem_buf */
    size_t ro_len;              /* read-only: the whole data, for reset */
    struct ms_bio_pair *pair;   /* pair half: shared part, or NULL */
    int side;                   /* pair half: 0 or 1 */
};

const BIO_METHOD *BIO_s_mem(void)
{
    return &ms_mem_method;
}

const BIO_METHOD *BIO_s_bio(void)
{
    return &ms_pair_method;
}

static void pipe_free(struct ms_pipe *p)
{
    ms_free(p->buf);
    memset(p, 0, sizeof(*p));
}

void *ms_realloc(void *p, size_t n)
{
    void *r = OPENSSL_realloc(p, n);

    if (r == NULL)
        ERR_raise(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    return r;
}

/* Makes room for |n| more bytes, up to |limit| in total; 1/0 (reason). */
static int pipe_reserve(struct ms_pipe *p, size_t n)
{
    size_t want, ncap;
    unsigned char *nb;

    if (p->off > 0 && p->off + p->len + n > p->cap) {
        memmove(p->buf, p->buf + p->off, p->len);
        p->off = 0;
    }
    want = p->len + n;
    if (want <= p->cap)
        return 1;
    ncap = p->cap < 256 ? 256 : p->cap;
    while (ncap < want)
        ncap *= 2;
    nb = ms_realloc(p->buf, ncap);
    if (nb == NULL)
        return 0;
    p->buf = nb;
    p->cap = ncap;
    return 1;
}

static size_t pipe_take(struct ms_pipe *p, void *out, size_t n)
{
    if (n > p->len)
        n = p->len;
    memcpy(out, p->buf + p->off, n);
    p->off += n;
    p->len -= n;
    if (p->len == 0)
        p->off = 0;
    return n;
}

static BIO *bio_alloc(const BIO_METHOD *m)
{
    BIO *b = ms_obj_new(MINISSL_BIO, sizeof(*b));

    if (b == NULL)
        return NULL;
    if (pthread_mutex_init(&b->lock, NULL) != 0) {
        ms_obj_retire(b, sizeof(*b));
        ERR_raise(ERR_LIB_BIO, ERR_R_INTERNAL_ERROR);
        return NULL;
    }
    b->method = m;
    b->eof_return = -1;
    return b;
}

BIO *BIO_new(const BIO_METHOD *type)
{
    if (type != &ms_mem_method && type != &ms_pair_method) {
        ERR_raise(ERR_LIB_BIO, BIO_R_UNSUPPORTED_METHOD);
        return NULL;
    }
    return bio_alloc(type);
}

BIO *BIO_new_mem_buf(const void *buf, int len)
{
    BIO *b;
    size_t n;

    if (buf == NULL) {
        ERR_raise(ERR_LIB_BIO, BIO_R_NULL_PARAMETER);
        return NULL;
    }
    n = len < 0 ? strlen(buf) : (size_t)len;
    if ((b = bio_alloc(&ms_mem_method)) == NULL)
        return NULL;
    if (n > 0) {
        if (!pipe_reserve(&b->data, n)) {
            BIO_free(b);
            return NULL;
        }
        memcpy(b->data.buf, buf, n);
        b->data.len = n;
    }
    b->readonly = 1;
    b->ro_len = n;
    b->eof_return = 0;
    return b;
}

int BIO_up_ref(BIO *a)
{
    MS_CHECK_LIB(a, MINISSL_BIO, ERR_LIB_BIO, 0);
    return ms_ref_up(&a->hdr.refs, "BIO", a->hdr.id);
}

/* The last half detached frees the pair.  Which one is last is decided by
 * |halves|, after the unlock, not by |alive| under the lock: the unlock
 * still writes the mutex after Helgrind and DRD take it as released, so
 * a half that saw the other dead under the lock and destroyed the mutex
 * would race that write in their eyes (seen on bio-pair-close-notify
 * under `valgrind --fair-sched=yes`).  The annotation after our unlock
 * covers the unlock too. */
static void pair_detach(BIO *b)
{
    struct ms_bio_pair *p = b->pair;

    if (p == NULL)
        return;
    PAIR_LOCK(p, b);
    p->alive[b->side] = 0;
    PAIR_UNLOCK(p, b);
    b->pair = NULL;
    MS_HAPPENS_BEFORE(&p->halves);
    /* acq_rel: release publishes our use of the pair; acquire makes the
     * last half see the other's before it frees the pair. */
    if (atomic_fetch_sub_explicit(&p->halves, 1, memory_order_acq_rel) != 1)
        return;
    MS_HAPPENS_AFTER(&p->halves);
    MS_HAPPENS_FORGET_ALL(&p->halves);  /* the memory will be reused */
    pthread_mutex_destroy(&p->lock);
    pipe_free(&p->dir[0]);
    pipe_free(&p->dir[1]);
    ms_free(p);
}

int BIO_free(BIO *a)
{
    if (a == NULL)
        return 0;
    ms_obj_check(&a->hdr, MINISSL_BIO, "BIO_free");
    if (ms_ref_down(&a->hdr.refs, "BIO", a->hdr.id) > 0)
        return 1;
    pair_detach(a);
    pipe_free(&a->data);
    pthread_mutex_destroy(&a->lock);
    ms_obj_retire(a, sizeof(*a));
    return 1;
}

void BIO_free_all(BIO *a)
{
    BIO_free(a);
}

void BIO_vfree(BIO *a)
{
    BIO_free(a);
}

int BIO_test_flags(const BIO *b, int flags)
{
    BIO *m = (BIO *)b;
    int v;

    if (b == NULL)
        return 0;
    BIO_LOCK(m);
    v = m->flags & flags;
    BIO_UNLOCK(m);
    return v;
}

void BIO_set_flags(BIO *b, int flags)
{
    if (b == NULL)
        return;
    BIO_LOCK(b);
    b->flags |= flags;
    BIO_UNLOCK(b);
}

void BIO_clear_flags(BIO *b, int flags)
{
    if (b == NULL)
        return;
    BIO_LOCK(b);
    b->flags &= ~flags;
    BIO_UNLOCK(b);
}

int BIO_method_type(const BIO *b)
{
    return b == NULL ? 0 : b->method->type;
}

static int mem_read(BIO *b, void *out, int n, int *fl)
{
    int ret;

    BIO_LOCK(b);
    if (b->data.len > 0) {
        ret = (int)pipe_take(&b->data, out, (size_t)n);
    } else {
        ret = b->eof_return;
        if (ret != 0)
            *fl = BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY;
    }
    BIO_UNLOCK(b);
    return ret;
}

static int mem_write(BIO *b, const void *in, int n, int *fl)
{
    int ret = n;

    (void)fl;                           /* a memory BIO is never full */
    if (b->readonly) {
        ERR_raise(ERR_LIB_BIO, BIO_R_WRITE_TO_READ_ONLY_BIO);
        return -1;
    }
    BIO_LOCK(b);
    if (b->data.len > (size_t)INT_MAX - (size_t)n) {
        ERR_raise(ERR_LIB_BIO, BIO_R_INVALID_ARGUMENT);
        ret = -1;
    } else if (!pipe_reserve(&b->data, (size_t)n)) {
        ret = -1;
    } else {
        memcpy(b->data.buf + b->data.off + b->data.len, in, (size_t)n);
        b->data.len += (size_t)n;
    }
    BIO_UNLOCK(b);
    return ret;
}

static int pair_read(BIO *b, void *out, int n, int *fl)
{
    struct ms_bio_pair *p = b->pair;
    struct ms_pipe *src;
    int ret;

    if (p == NULL)
        return 0;                       /* unconnected half */
    PAIR_LOCK(p, b);
    src = &p->dir[1 - b->side];
    if (!p->alive[1 - b->side] && src->len == 0) {
        ret = 0;                        /* peer gone: EOF, no retry */
    } else if (src->len > 0) {
        ret = (int)pipe_take(src, out, (size_t)n);
        p->request[b->side] = 0;
    } else if (p->wr_closed[1 - b->side]) {
        ret = 0;                        /* peer shut down its writing */
    } else {
        p->request[b->side] = (size_t)n;
        *fl = BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY;
        ret = -1;
    }
    PAIR_UNLOCK(p, b);
    return ret;
}

static int pair_write(BIO *b, const void *in, int n, int *fl)
{
    struct ms_bio_pair *p = b->pair;
    struct ms_pipe *dst;
    size_t room;
    int ret;

    if (p == NULL)
        return 0;
    PAIR_LOCK(p, b);
    dst = &p->dir[b->side];
    room = p->limit[b->side] - dst->len;
    if (!p->alive[1 - b->side]) {
        ret = 0;                        /* peer gone: fails, no retry */
    } else if (p->wr_closed[b->side]) {
        ERR_raise(ERR_LIB_BIO, BIO_R_BROKEN_PIPE);
        ret = -1;
    } else if (room == 0) {
        *fl = BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY;
        ret = -1;
    } else {
        size_t k = (size_t)n < room ? (size_t)n : room;

        /* dst->cap may be below limit: the buffer grows on demand. */
        if (!pipe_reserve(dst, k)) {
            ret = -1;
        } else {
            memcpy(dst->buf + dst->off + dst->len, in, k);
            dst->len += k;
            ret = (int)k;
        }
    }
    PAIR_UNLOCK(p, b);
    return ret;
}

/* Records the outcome |fl| of an operation on |b| as its retry flags, in
 * one step, so that BIO_test_flags never sees them half updated. */
static void set_retry(BIO *b, int fl)
{
    BIO_LOCK(b);
    b->flags = (b->flags & ~(BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY)) | fl;
    BIO_UNLOCK(b);
}

int ms_bio_io(BIO *b, int writing, void *buf, int len, int *retry)
{
    int fl = 0, r;

    MS_CHECK_LIB(b, MINISSL_BIO, ERR_LIB_BIO, -1);
    *retry = 0;
    if (len <= 0) {
        set_retry(b, 0);
        return 0;
    }
    if (buf == NULL) {
        set_retry(b, 0);
        ERR_raise(ERR_LIB_BIO, BIO_R_NULL_PARAMETER);
        return -1;
    }
    if (b->method == &ms_mem_method)
        r = writing ? mem_write(b, buf, len, &fl) : mem_read(b, buf, len, &fl);
    else
        r = writing ? pair_write(b, buf, len, &fl)
                    : pair_read(b, buf, len, &fl);
    set_retry(b, fl);
    *retry = fl;
    return r;
}

int BIO_read(BIO *b, void *data, int dlen)
{
    int fl;

    return ms_bio_io(b, 0, data, dlen, &fl);
}

int BIO_write(BIO *b, const void *data, int dlen)
{
    int fl;

    return ms_bio_io(b, 1, (void *)data, dlen, &fl);
}

static long mem_ctrl(BIO *b, int cmd, long larg, void *parg)
{
    long ret = 1;

    BIO_LOCK(b);
    switch (cmd) {
    case BIO_CTRL_RESET:
        if (b->readonly) {              /* rewind to the original data */
            b->data.off = 0;
            b->data.len = b->ro_len;
        } else {
            b->data.off = b->data.len = 0;
        }
        break;
    case BIO_CTRL_EOF:
        ret = b->data.len == 0;
        break;
    case BIO_CTRL_PENDING:
        ret = b->data.len > LONG_MAX ? LONG_MAX : (long)b->data.len;
        break;
    case BIO_CTRL_WPENDING:
        ret = 0;
        break;
    case BIO_CTRL_INFO:
        /* The pointer stays valid until the next call on |b|. */
        if (parg != NULL)
            *(char **)parg = b->data.len > 0
                             ? (char *)b->data.buf + b->data.off : NULL;
        ret = (long)b->data.len;
        break;
    case BIO_C_SET_BUF_MEM_EOF_RETURN:
        b->eof_return = (int)larg;
        break;
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_GET_CLOSE:
    case BIO_CTRL_SET_CLOSE:
        break;
    default:
        ret = 0;
    }
    BIO_UNLOCK(b);
    return ret;
}

static long pair_ctrl(BIO *b, int cmd)
{
    struct ms_bio_pair *p = b->pair;
    int me = b->side, peer = 1 - b->side;
    long ret = 0;

    if (p == NULL)
        return cmd == BIO_CTRL_EOF ? 1 : 0;
    PAIR_LOCK(p, b);
    switch (cmd) {
    case BIO_CTRL_EOF:
        ret = !p->alive[peer]
              || (p->dir[peer].len == 0 && p->wr_closed[peer]);
        break;
    case BIO_CTRL_PENDING:
        ret = (long)p->dir[peer].len;
        break;
    case BIO_CTRL_WPENDING:
        ret = (long)p->dir[me].len;
        break;
    case BIO_C_GET_WRITE_GUARANTEE:
        ret = p->wr_closed[me] || !p->alive[peer]
              ? 0 : (long)(p->limit[me] - p->dir[me].len);
        break;
    case BIO_C_GET_READ_REQUEST:
        ret = (long)p->request[peer];
        break;
    case BIO_C_SHUTDOWN_WR:
        p->wr_closed[me] = 1;
        ret = 1;
        break;
    case BIO_CTRL_RESET:
        p->dir[me].off = p->dir[me].len = 0;
        ret = 1;
        break;
    case BIO_CTRL_FLUSH:
        ret = 1;
        break;
    default:
        ret = 0;
    }
    PAIR_UNLOCK(p, b);
    return ret;
}

long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg)
{
    MS_CHECK_LIB(bp, MINISSL_BIO, ERR_LIB_BIO, -1);
    return bp->method == &ms_mem_method ? mem_ctrl(bp, cmd, larg, parg)
                                        : pair_ctrl(bp, cmd);
}

size_t BIO_ctrl_pending(BIO *b)
{
    long n = b == NULL ? 0 : BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL);

    return n > 0 ? (size_t)n : 0;
}

size_t BIO_ctrl_wpending(BIO *b)
{
    long n = b == NULL ? 0 : BIO_ctrl(b, BIO_CTRL_WPENDING, 0, NULL);

    return n > 0 ? (size_t)n : 0;
}

size_t BIO_ctrl_get_write_guarantee(BIO *b)
{
    long n = b == NULL ? 0 : BIO_ctrl(b, BIO_C_GET_WRITE_GUARANTEE, 0, NULL);

    return n > 0 ? (size_t)n : 0;
}

size_t BIO_ctrl_get_read_request(BIO *b)
{
    long n = b == NULL ? 0 : BIO_ctrl(b, BIO_C_GET_READ_REQUEST, 0, NULL);

    return n > 0 ? (size_t)n : 0;
}

int BIO_new_bio_pair(BIO **bio1, size_t writebuf1, BIO **bio2,
                     size_t writebuf2)
{
    struct ms_bio_pair *p = NULL;
    BIO *a = NULL, *b = NULL;

    if (bio1 == NULL || bio2 == NULL) {
        ERR_raise(ERR_LIB_BIO, BIO_R_NULL_PARAMETER);
        return 0;
    }
    *bio1 = *bio2 = NULL;
    if ((p = ms_zalloc(sizeof(*p))) == NULL)
        return 0;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        ms_free(p);
        ERR_raise(ERR_LIB_BIO, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    p->limit[0] = writebuf1 == 0 ? MS_PAIR_DEFAULT_BUF : writebuf1;
    p->limit[1] = writebuf2 == 0 ? MS_PAIR_DEFAULT_BUF : writebuf2;
    if ((a = bio_alloc(&ms_pair_method)) == NULL)
        goto err;
    a->pair = p;
    a->side = 0;
    p->alive[0] = 1;
    atomic_init(&p->halves, 1);
    if ((b = bio_alloc(&ms_pair_method)) == NULL)
        goto err;           /* freeing |a| frees |p|: side 1 is not alive */
    b->pair = p;
    b->side = 1;
    p->alive[1] = 1;
    atomic_init(&p->halves, 2);     /* no other thread has the pair yet */
    *bio1 = a;
    *bio2 = b;
    return 1;
 err:
    if (a != NULL) {
        BIO_free(a);
    } else {
        pthread_mutex_destroy(&p->lock);
        ms_free(p);
    }
    return 0;
}
