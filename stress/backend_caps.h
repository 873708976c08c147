/* The capability table: what the TLS library under the backend offers.
 *
 * backend.c (with backend_keys.c) compiles three times, against minissl
 * (ST_BACKEND_MINISSL, set by the Makefile), OpenSSL 3 and BoringSSL
 * (OPENSSL_IS_BORINGSSL, from BoringSSL's <openssl/base.h>; include an
 * OpenSSL header first).  Every API that one of them lacks is one
 * capability below: ST_HAVE_NAME is 1 where the library has it, 0 where
 * it does not, and the code that needs it is written once, as
 *
 *     ST_PICK(NAME, code with the API, code without it)
 *
 * which keeps the one without it from being compiled at all (a missing
 * function is then never named).  Each capability is also a row of
 * st_be_caps() (backend.c), with what it covers and, where the library
 * lacks it, what that means for a scenario: a statement that needs a
 * missing capability skips its scenario, saying which, before the run
 * (st_be_stmt_lacks); a row marked "harness" changes how the harness does
 * its own work and skips nothing.  doc/scenario-format.md, "Backends and
 * their capabilities", is the table in prose.
 *
 * The columns: minissl / OpenSSL 3.0 / BoringSSL (Debian 12's
 * android-libboringssl, API version 17). */
#ifndef ST_BACKEND_CAPS_H
#define ST_BACKEND_CAPS_H

#if defined(ST_BACKEND_MINISSL)
#define ST_LIB_NAME "minissl"
#elif defined(OPENSSL_IS_BORINGSSL)
#define ST_LIB_NAME "boringssl"
#else
#define ST_LIB_NAME "openssl"
#endif

#if defined(OPENSSL_IS_BORINGSSL)
/* An SSL is never shared, by design: no SSL_up_ref, no SSL_dup. */
#define ST_HAVE_SSL_SHARE 0
#define ST_HAVE_IN_BEFORE 0         /* SSL_in_before */
#define ST_HAVE_MEM_FUNCTIONS 0     /* harness: OPENSSL_memory_* hooks */
#define ST_HAVE_Q_KEYGEN 0          /* harness: EC_KEY_generate_key */
#define ST_HAVE_SESSION_NEW_CTX 1   /* SSL_SESSION_new(const SSL_CTX *) */
#define ST_HAVE_SESSION_DUP 0       /* SSL_SESSION_dup */
#define ST_HAVE_CIPHERSUITES 0      /* SSL_(CTX_)set_ciphersuites */
#define ST_HAVE_SECURITY 0          /* security level and callback */
#define ST_HAVE_TMP_DH 0            /* set0_tmp_dh_pkey, set_dh_auto */
#define ST_HAVE_DANE 0
#define ST_HAVE_CA_LIST 0           /* set0_CA_list, get0_CA_list */
#define ST_HAVE_CLIENT_SIGALGS 0
#define ST_HAVE_CERT_TYPES 0        /* set1_client_certificate_types */
#define ST_HAVE_GEN_SESSION_ID 0    /* set_generate_session_id */
#define ST_HAVE_SERVERINFO 0        /* SSL_CTX_use_serverinfo */
#define ST_HAVE_CUSTOM_EXT 0        /* SSL_CTX_add_custom_ext */
#define ST_HAVE_SSL_PASSWD_CB 0     /* SSL_set_default_passwd_cb */
/* SSL_set_ssl_method, SSL_get_ssl_method, SSL_CTX_get_ssl_method */
#define ST_HAVE_SSL_METHOD 0
#define ST_HAVE_CTX_GET_CIPHERS 1   /* SSL_CTX_get_ciphers */
#define ST_HAVE_PARAM_HOST 0        /* X509_VERIFY_PARAM_get0_host */
/* X509_VERIFY_PARAM_get_hostflags, _get_time, _get_auth_level,
 * _get0_email, _get1_ip_asc */
#define ST_HAVE_PARAM_GET 0
#define ST_HAVE_AUTH_LEVEL 0        /* X509_VERIFY_PARAM_set_auth_level */
#define ST_HAVE_KEY_OBJECTS 1       /* RSA, DH, EC_KEY */
#define ST_HAVE_PKEY_DH 0           /* EVP_PKEY_set1_DH, EVP_PKEY_get1_DH */
#define ST_HAVE_PAIR_THREADS 0      /* a BIO pair two threads may share */
#define ST_HAVE_FREE_EX_INDEX 0     /* CRYPTO_free_ex_index */
/* The allocation-failure sweep's premise (sweep.h): each call fails
 * cleanly, a reason raised and nothing kept, at every allocation.  Not an
 * API but what the library does, measured (st_be_caps' row says where). */
#define ST_HAVE_ALLOC_SWEEP 0
#else
#define ST_HAVE_SSL_SHARE 1
#define ST_HAVE_IN_BEFORE 1
#define ST_HAVE_MEM_FUNCTIONS 1
#define ST_HAVE_Q_KEYGEN 1
#define ST_HAVE_SESSION_NEW_CTX 0   /* SSL_SESSION_new(void) */
#define ST_HAVE_SESSION_DUP 1
#define ST_HAVE_CIPHERSUITES 1
#define ST_HAVE_SECURITY 1
#define ST_HAVE_TMP_DH 1
#define ST_HAVE_DANE 1
#define ST_HAVE_CA_LIST 1
#define ST_HAVE_CLIENT_SIGALGS 1
#define ST_HAVE_CERT_TYPES 1
#define ST_HAVE_GEN_SESSION_ID 1
#define ST_HAVE_SERVERINFO 1
#define ST_HAVE_CUSTOM_EXT 1
#define ST_HAVE_SSL_PASSWD_CB 1
#define ST_HAVE_SSL_METHOD 1
#define ST_HAVE_PARAM_HOST 1
#define ST_HAVE_PARAM_GET 1
#define ST_HAVE_AUTH_LEVEL 1
#define ST_HAVE_FREE_EX_INDEX 1
#if defined(ST_BACKEND_MINISSL)
#define ST_HAVE_KEY_OBJECTS 0       /* minissl's EVP_PKEY holds no key object */
#define ST_HAVE_CTX_GET_CIPHERS 0   /* (its inspect getter stands in) */
#define ST_HAVE_PKEY_DH 0
/* The two halves of a pair share one lock (<openssl/bio.h>). */
#define ST_HAVE_PAIR_THREADS 1
#define ST_HAVE_ALLOC_SWEEP 1       /* (see BoringSSL's above) */
#else
#define ST_HAVE_KEY_OBJECTS 1
#define ST_HAVE_PKEY_DH 1
#define ST_HAVE_CTX_GET_CIPHERS 1
/* OpenSSL's BIO pair (crypto/bio/bss_bio.c) has no lock: each half reads
 * and writes the other's buffer, "handled by the same thread". */
#define ST_HAVE_PAIR_THREADS 0
#define ST_HAVE_ALLOC_SWEEP 0
#endif
#endif

/* ST_RAISE(REASON): REASON of ERR_LIB_SSL onto the calling thread's error
 * stack.  BoringSSL has no ERR_raise (ERR_put_error, as its
 * OPENSSL_PUT_ERROR), nor ERR_R_INIT_FAIL (ST_R_INIT_FAIL: its internal
 * error stands for "the harness registered no index"). */
#if defined(OPENSSL_IS_BORINGSSL)
#define ST_RAISE(reason) \
    ERR_put_error(ERR_LIB_SSL, 0, (reason), __FILE__, __LINE__)
#define ST_R_INIT_FAIL ERR_R_INTERNAL_ERROR
#else
#define ST_RAISE(reason) ERR_raise(ERR_LIB_SSL, (reason))
#define ST_R_INIT_FAIL ERR_R_INIT_FAIL
#endif

/* ST_PICK(CAP, HAVE, LACK): HAVE where ST_HAVE_CAP is 1, LACK where it is
 * 0; the other is dropped before it is compiled.  Either may be an
 * expression or statements (then end each with its `;`), or empty. */
#define ST_PICK(cap, have, lack) ST_PICK_(ST_HAVE_##cap, have, lack)
#define ST_PICK_(h, have, lack) ST_PICK__(h, have, lack)
#define ST_PICK__(h, have, lack) ST_PICK_##h(have, lack)
#define ST_PICK_1(have, lack) have
#define ST_PICK_0(have, lack) lack

#endif
