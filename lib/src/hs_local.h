/* Internals shared by the handshake module's files (statem.c, hs_cert.c,
 * sesscache.c).  Not for the object modules: they see conn.h only. */
#ifndef MS_HS_LOCAL_H
#define MS_HS_LOCAL_H

#include <stddef.h>

#include <openssl/types.h>

#include "record.h"

/* OPENSSL_realloc that raises ERR_R_MALLOC_FAILURE when it fails (as the
 * ms_ helpers of internal.h do); |p| is untouched then. */
void *ms_realloc(void *p, size_t n);

/* |n| unpredictable bytes (getrandom; a mixed counter if it fails). */
void ms_random_bytes(unsigned char *out, size_t n);

/* BIO_read (writing 0) or BIO_write (writing 1) that also returns, in
 * *retry, this operation's own retry flags (BIO_FLAGS_*): unlike reading
 * them back with BIO_should_retry, immune to another thread's operation
 * on the other end of the same BIO. */
int ms_bio_io(BIO *b, int writing, void *buf, int len, int *retry);

/* Appends the wire form of |x| (u16 length + body) to |w|; w->overflow
 * is set if it does not fit. */
void ms_x509_encode(const X509 *x, struct ms_wbuf *w);
/* A new X509 (one reference) from the |len| bytes at |p| of one
 * certificate's body, or NULL with *reason set (malformed) or with a
 * reason raised (allocation). */
X509 *ms_x509_decode(const unsigned char *p, size_t len, int *reason);

/* Verifies |chain| (leaf first, |n| >= 1) for |s| as OpenSSL does without
 * a trust store, calling s's verify callback; 1 if acceptable, else 0
 * with *alert set.  *result gets the first error (X509_V_OK if none). */
int ms_verify_chain(SSL *s, X509 *const *chain, size_t n, long *result,
                    int *alert);

#endif
