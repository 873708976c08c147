/* What SSL_new does, against the manual page (SSL_new.pod: "The new
 * structure inherits the settings of the underlying context: connection
 * method, options, verification settings, timeout settings"; "NULL: the
 * creation failed.  Check the error stack"), where a getter shows it (an
 * SSL has no timeout getter: not measured).  Compiled against BoringSSL
 * and the system OpenSSL by scripts/boringssl-findings.sh, which puts the
 * two side by side in doc/boringssl-findings.md.
 *
 * Output: tab-separated lines, "INFO\tkey\tvalue" and
 * "ROW\tmanual item\twhat the library did".  Single-threaded; exits 0 when
 * every row could be measured, 1 when the library could not make a
 * context. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static void row(const char *item, const char *result)
{
    printf("ROW\t%s\t%s\n", item, result);
}

static const char *yes_no(int ok, const char *yes, const char *no)
{
    return ok ? yes : no;
}

int main(void)
{
    SSL_CTX *srv = SSL_CTX_new(TLS_server_method());
    SSL_CTX *any = SSL_CTX_new(TLS_method());
    SSL *s, *a;
    char buf[256];
    unsigned long e;

#if defined(OPENSSL_IS_BORINGSSL)
    printf("INFO\tlibrary\tBoringSSL (API %d)\n", BORINGSSL_API_VERSION);
#else
    printf("INFO\tlibrary\t%s\n", OpenSSL_version(OPENSSL_VERSION));
#endif
    if (srv == NULL || any == NULL)
        return 1;
    SSL_CTX_set_options(any, SSL_OP_NO_TICKET);
    SSL_CTX_set_verify(any, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_verify_depth(any, 7);
    if ((s = SSL_new(srv)) == NULL || (a = SSL_new(any)) == NULL)
        return 1;

    row("connection method: an SSL of a TLS_server_method SSL_CTX is a server",
        yes_no(SSL_is_server(s), "yes: SSL_is_server 1 before any "
               "SSL_set_accept_state",
               "NO: SSL_is_server 0 until SSL_set_accept_state (the role is "
               "not part of the method)"));
    row("options",
        yes_no((SSL_get_options(a) & SSL_OP_NO_TICKET) != 0,
               "yes: SSL_get_options has the SSL_CTX's NO_TICKET",
               "NO: SSL_get_options lacks the SSL_CTX's NO_TICKET"));
    row("verification settings: mode and depth",
        yes_no(SSL_get_verify_mode(a) == SSL_VERIFY_PEER &&
               SSL_get_verify_depth(a) == 7,
               "yes: SSL_get_verify_mode PEER, SSL_get_verify_depth 7",
               "NO: the SSL's verify mode or depth differs from its SSL_CTX's"));
    ERR_clear_error();
    {
        SSL *n = SSL_new(NULL);

        e = ERR_peek_error();
        if (n != NULL)
            row("SSL_new(NULL): NULL, the reason on the error stack",
                "NO: returned an SSL");
        else if (e == 0)
            row("SSL_new(NULL): NULL, the reason on the error stack",
                "NO: NULL with an empty error stack");
        else {
            snprintf(buf, sizeof(buf), "yes: NULL, \"%s\"",
                     ERR_reason_error_string(e) != NULL
                     ? ERR_reason_error_string(e) : "?");
            row("SSL_new(NULL): NULL, the reason on the error stack", buf);
        }
        SSL_free(n);
    }
    ERR_clear_error();
    SSL_free(a);
    SSL_free(s);
    SSL_CTX_free(any);
    SSL_CTX_free(srv);
    return 0;
}
