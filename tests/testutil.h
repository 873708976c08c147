/* Shared test helpers.  Each tests/<area>/test_NAME.c defines make_suite(),
 * which builds the Check suite NAME.
 *
 * Leak checks (minissl): tu_setup records nothing and clears this
 * thread's error stack; tu_teardown releases minissl's quarantine and
 * asserts that no minissl object and no CRYPTO_malloc block is left
 * alive.  Add both to a TCase with tu_add_leak_checks (checked fixture:
 * runs in the test's own process, a failure fails the test). */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <check.h>

#include <openssl/ssl.h>

Suite *make_suite(void);

void tu_setup(void);
void tu_teardown(void);
void tu_add_leak_checks(TCase *tc);
/* Asserts zero live objects and allocations now (after a quarantine
 * flush), naming |where| in the failure. */
void tu_assert_no_leaks(const char *where);

/* A self-signed certificate with subject CN=|cn| and a fresh EC P-256
 * key, made with the OpenSSL calls a program would use.  The caller
 * frees both. */
X509 *tu_make_cert(const char *cn, EVP_PKEY **key);
/* A name list with one name CN=|cn|, for the CA-list calls. */
STACK_OF(X509_NAME) *tu_name_list(const char *cn);
/* The first CN of the first name in |sk|, or "" (static buffer). */
const char *tu_first_cn(const STACK_OF(X509_NAME) *sk);
/* A session with id |id| (its bytes). */
SSL_SESSION *tu_make_session(const char *id);
/* An unsigned from the environment variable |name|, or |dflt|. */
unsigned long tu_env_ulong(const char *name, unsigned long dflt);

#endif
