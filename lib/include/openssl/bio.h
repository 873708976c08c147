/* minissl's BIOs: in-memory byte pipes with OpenSSL's names, signatures,
 * constants and ownership rules (OpenSSL 3 <openssl/bio.h>, subset).
 *
 * Kinds
 *   BIO_s_mem()       a growable FIFO.  Reading an empty one returns the
 *                     "eof return" (default -1) with the retry-read flag set
 *                     (BIO_should_retry && BIO_should_read), or 0 (EOF) after
 *                     BIO_set_mem_eof_return(b, 0).
 *   BIO_new_mem_buf   a read-only memory BIO over a copy of |buf|; reading it
 *                     empty returns 0 (EOF); writing it fails.
 *   BIO_new_bio_pair  two connected halves: what one half writes (up to its
 *                     write buffer size, then -1 with retry-write) the other
 *                     reads (empty: -1 with retry-read; after the writer's
 *                     BIO_shutdown_wr: 0, EOF).  A half whose peer has been
 *                     freed fails reads with 0 (EOF) and writes with 0 and no
 *                     retry flag, as OpenSSL's pair does.
 *
 * Ownership: BIO_new / BIO_new_mem_buf / BIO_new_bio_pair give the caller one
 * reference per BIO; BIO_up_ref adds one; BIO_free gives one up and destroys
 * the BIO at zero (returns 1, or 0 for NULL).  SSL_set_bio's reference rules
 * are in <openssl/ssl.h>.
 *
 * Thread safety (minissl, stronger than OpenSSL): every BIO has a lock, and
 * the two halves of a pair share one, so a reader and a writer on different
 * threads (a client SSL and a server SSL driven by two threads) are safe.
 * BIO_up_ref/BIO_free may race from threads that each hold a reference.
 *
 * Failure: NULL or 0/-1 with a reason (ERR_LIB_BIO or ERR_LIB_SSL) on the
 * error stack; a retry (empty/full) is not a failure and pushes nothing. */
#ifndef OPENSSL_BIO_H
#define OPENSSL_BIO_H

#include <stddef.h>

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BIO_TYPE_SOURCE_SINK 0x0400
#define BIO_TYPE_MEM (1 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_BIO (19 | BIO_TYPE_SOURCE_SINK)

#define BIO_CTRL_RESET 1
#define BIO_CTRL_EOF 2
#define BIO_CTRL_INFO 3
#define BIO_CTRL_GET_CLOSE 8
#define BIO_CTRL_SET_CLOSE 9
#define BIO_CTRL_PENDING 10
#define BIO_CTRL_FLUSH 11
#define BIO_CTRL_WPENDING 13
#define BIO_C_SET_BUF_MEM_EOF_RETURN 130
#define BIO_C_GET_WRITE_GUARANTEE 140
#define BIO_C_GET_READ_REQUEST 141
#define BIO_C_SHUTDOWN_WR 142

#define BIO_FLAGS_READ 0x01
#define BIO_FLAGS_WRITE 0x02
#define BIO_FLAGS_IO_SPECIAL 0x04
#define BIO_FLAGS_RWS (BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL)
#define BIO_FLAGS_SHOULD_RETRY 0x08

#define BIO_NOCLOSE 0x00
#define BIO_CLOSE 0x01

/* Reasons raised under ERR_LIB_BIO (OpenSSL's values). */
#define BIO_R_BROKEN_PIPE 124
#define BIO_R_INVALID_ARGUMENT 125
#define BIO_R_IN_USE 123
#define BIO_R_UNINITIALIZED 120
#define BIO_R_UNSUPPORTED_METHOD 121
#define BIO_R_WRITE_TO_READ_ONLY_BIO 126
#define BIO_R_NULL_PARAMETER 115

/* The method tables of the two kinds; never NULL. */
const BIO_METHOD *BIO_s_mem(void);
const BIO_METHOD *BIO_s_bio(void);

/* A new BIO of |type| (one reference), or NULL with a reason.  A BIO_s_bio()
 * half made this way is unconnected until BIO_new_bio_pair; minissl only
 * makes pairs through BIO_new_bio_pair. */
BIO *BIO_new(const BIO_METHOD *type);
/* A read-only memory BIO holding a copy of |len| bytes at |buf| (len < 0:
 * strlen(buf)).  NULL with a reason on allocation failure or NULL |buf|. */
BIO *BIO_new_mem_buf(const void *buf, int len);
/* One more reference; 1 (0 with a reason for NULL). */
int BIO_up_ref(BIO *a);
/* Gives up one reference, destroying the BIO at zero.  1, or 0 for NULL. */
int BIO_free(BIO *a);
/* BIO_free without a return value (minissl has no BIO chains). */
void BIO_free_all(BIO *a);
void BIO_vfree(BIO *a);

/* Moves up to |dlen| bytes.  Returns the count (> 0), 0 at EOF or for an
 * empty request, or -1 (retry flags tell "try again" from failure). */
int BIO_read(BIO *b, void *data, int dlen);
int BIO_write(BIO *b, const void *data, int dlen);

/* Control requests (the BIO_CTRL_* and BIO_C_* above).  Unknown: 0. */
long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
/* Bytes waiting to be read / written; 0 for NULL. */
size_t BIO_ctrl_pending(BIO *b);
size_t BIO_ctrl_wpending(BIO *b);
/* For a pair half: bytes that can be written now / the peer's unmet read. */
size_t BIO_ctrl_get_write_guarantee(BIO *b);
size_t BIO_ctrl_get_read_request(BIO *b);

/* Two connected halves with write buffers of |writebuf1| / |writebuf2| bytes
 * (0: the default, 17 KiB).  1 and a reference to each half in |*bio1|,
 * |*bio2|; 0 with both set to NULL on failure. */
int BIO_new_bio_pair(BIO **bio1, size_t writebuf1, BIO **bio2,
                     size_t writebuf2);

int BIO_test_flags(const BIO *b, int flags);
void BIO_set_flags(BIO *b, int flags);
void BIO_clear_flags(BIO *b, int flags);
int BIO_method_type(const BIO *b);

#define BIO_get_flags(b) BIO_test_flags(b, ~(0x0))
#define BIO_set_retry_read(b) BIO_set_flags(b, (BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY))
#define BIO_set_retry_write(b) BIO_set_flags(b, (BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY))
#define BIO_clear_retry_flags(b) BIO_clear_flags(b, (BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY))
#define BIO_should_read(a) BIO_test_flags(a, BIO_FLAGS_READ)
#define BIO_should_write(a) BIO_test_flags(a, BIO_FLAGS_WRITE)
#define BIO_should_io_special(a) BIO_test_flags(a, BIO_FLAGS_IO_SPECIAL)
#define BIO_should_retry(a) BIO_test_flags(a, BIO_FLAGS_SHOULD_RETRY)

#define BIO_reset(b) (int)BIO_ctrl(b, BIO_CTRL_RESET, 0, NULL)
#define BIO_eof(b) (int)BIO_ctrl(b, BIO_CTRL_EOF, 0, NULL)
#define BIO_pending(b) (int)BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL)
#define BIO_wpending(b) (int)BIO_ctrl(b, BIO_CTRL_WPENDING, 0, NULL)
#define BIO_flush(b) (int)BIO_ctrl(b, BIO_CTRL_FLUSH, 0, NULL)
#define BIO_get_mem_data(b, pp) BIO_ctrl(b, BIO_CTRL_INFO, 0, (char *)(pp))
#define BIO_set_mem_eof_return(b, v) \
    BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, v, NULL)
#define BIO_get_write_guarantee(b) \
    (int)BIO_ctrl(b, BIO_C_GET_WRITE_GUARANTEE, 0, NULL)
#define BIO_get_read_request(b) (int)BIO_ctrl(b, BIO_C_GET_READ_REQUEST, 0, NULL)
#define BIO_shutdown_wr(b) (int)BIO_ctrl(b, BIO_C_SHUTDOWN_WR, 0, NULL)

#ifdef __cplusplus
}
#endif

#endif
