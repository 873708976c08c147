/* X509_VERIFY_PARAM: owned by one SSL_CTX or SSL (or by the caller of
 * X509_VERIFY_PARAM_new); follows its owner's one-thread rule. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

X509_VERIFY_PARAM *X509_VERIFY_PARAM_new(void)
{
    X509_VERIFY_PARAM *p = ms_obj_new(MINISSL_X509_VERIFY_PARAM,
                                      sizeof(X509_VERIFY_PARAM));

    if (p == NULL)
        return NULL;
    p->depth = -1;
    p->auth_level = -1;
    return p;
}

static void clear_hosts(X509_VERIFY_PARAM *p)
{
    int i;

    for (i = 0; i < p->nhosts; i++) {
        ms_free(p->hosts[i]);
        p->hosts[i] = NULL;
    }
    p->nhosts = 0;
}

void X509_VERIFY_PARAM_free(X509_VERIFY_PARAM *param)
{
    if (param == NULL)
        return;
    ms_obj_check(&param->hdr, MINISSL_X509_VERIFY_PARAM,
                 "X509_VERIFY_PARAM_free");
    clear_hosts(param);
    ms_free(param->email);
    ms_obj_retire(param, sizeof(*param));
}

/* A checked copy of host name |name| (|namelen| 0: up to its NUL), or
 * NULL with the reason raised. */
static char *host_copy(const char *name, size_t namelen)
{
    char *h;

    if (namelen == 0)
        namelen = strlen(name);
    /* OpenSSL: an embedded NUL, other than a trailing one, is an error. */
    if (namelen > 0 && name[namelen - 1] == '\0')
        namelen--;
    if (memchr(name, '\0', namelen) != NULL || namelen == 0) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT);
        return NULL;
    }
    if ((h = ms_malloc(namelen + 1)) == NULL)
        return NULL;
    memcpy(h, name, namelen);
    h[namelen] = '\0';
    return h;
}

static int add_host(X509_VERIFY_PARAM *p, const char *name, size_t namelen)
{
    char *h;

    if (p->nhosts == MS_MAX_HOSTS) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT);
        return 0;
    }
    if ((h = host_copy(name, namelen)) == NULL)
        return 0;
    p->hosts[p->nhosts++] = h;
    return 1;
}

/* The new name is copied before the old list goes: a failure leaves the
 * list as it was.  (OpenSSL 3.0 clears it first, so there a failed call
 * leaves no host name at all.) */
int X509_VERIFY_PARAM_set1_host(X509_VERIFY_PARAM *param, const char *name,
                                size_t namelen)
{
    char *h = NULL;

    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    if (name != NULL && (h = host_copy(name, namelen)) == NULL)
        return 0;
    clear_hosts(param);
    if (h != NULL)
        param->hosts[param->nhosts++] = h;
    return 1;
}

int X509_VERIFY_PARAM_add1_host(X509_VERIFY_PARAM *param, const char *name,
                                size_t namelen)
{
    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    if (name == NULL)
        return 1;
    return add_host(param, name, namelen);
}

char *X509_VERIFY_PARAM_get0_host(X509_VERIFY_PARAM *param, int idx)
{
    if (param == NULL || idx < 0 || idx >= param->nhosts)
        return NULL;
    return param->hosts[idx];
}

int X509_VERIFY_PARAM_set1(X509_VERIFY_PARAM *to,
                           const X509_VERIFY_PARAM *from)
{
    int i;

    MS_CHECK_LIB(to, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    MS_CHECK_LIB(from, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    if (to == from)
        return 1;
    to->hostflags = from->hostflags;
    to->flags = from->flags;
    to->depth = from->depth;
    to->auth_level = from->auth_level;
    to->purpose = from->purpose;
    to->trust = from->trust;
    to->check_time = from->check_time;
    memcpy(to->ip, from->ip, from->iplen);
    to->iplen = from->iplen;
    if (!X509_VERIFY_PARAM_set1_email(to, from->email, 0))
        return 0;
    clear_hosts(to);
    for (i = 0; i < from->nhosts; i++)
        if (!add_host(to, from->hosts[i], 0))
            return 0;
    return 1;
}

void X509_VERIFY_PARAM_set_hostflags(X509_VERIFY_PARAM *param,
                                     unsigned int flags)
{
    if (param != NULL)
        param->hostflags = flags;
}

unsigned int X509_VERIFY_PARAM_get_hostflags(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? 0 : param->hostflags;
}

int X509_VERIFY_PARAM_set_flags(X509_VERIFY_PARAM *param, unsigned long flags)
{
    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    param->flags |= flags;
    return 1;
}

int X509_VERIFY_PARAM_clear_flags(X509_VERIFY_PARAM *param,
                                  unsigned long flags)
{
    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    param->flags &= ~flags;
    return 1;
}

unsigned long X509_VERIFY_PARAM_get_flags(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? 0 : param->flags;
}

void X509_VERIFY_PARAM_set_depth(X509_VERIFY_PARAM *param, int depth)
{
    if (param != NULL)
        param->depth = depth;
}

int X509_VERIFY_PARAM_get_depth(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? -1 : param->depth;
}

void X509_VERIFY_PARAM_set_auth_level(X509_VERIFY_PARAM *param,
                                      int auth_level)
{
    if (param != NULL)
        param->auth_level = auth_level;
}

int X509_VERIFY_PARAM_get_auth_level(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? -1 : param->auth_level;
}

int X509_VERIFY_PARAM_set_purpose(X509_VERIFY_PARAM *param, int purpose)
{
    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    param->purpose = purpose;
    return 1;
}

int X509_VERIFY_PARAM_set_trust(X509_VERIFY_PARAM *param, int trust)
{
    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    param->trust = trust;
    return 1;
}

void X509_VERIFY_PARAM_set_time(X509_VERIFY_PARAM *param, time_t t)
{
    if (param == NULL)
        return;
    param->check_time = t;
    param->flags |= X509_V_FLAG_USE_CHECK_TIME;
}

time_t X509_VERIFY_PARAM_get_time(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? 0 : param->check_time;
}

int X509_VERIFY_PARAM_set1_email(X509_VERIFY_PARAM *param, const char *email,
                                 size_t emaillen)
{
    char *e = NULL;

    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    if (email != NULL) {
        if (emaillen == 0)
            emaillen = strlen(email);
        /* OpenSSL: an embedded NUL, other than a trailing one, is an
         * error. */
        if (emaillen > 0 && email[emaillen - 1] == '\0')
            emaillen--;
        if (emaillen == 0 || memchr(email, '\0', emaillen) != NULL) {
            ERR_raise(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT);
            return 0;
        }
        if ((e = ms_malloc(emaillen + 1)) == NULL)
            return 0;
        memcpy(e, email, emaillen);
        e[emaillen] = '\0';
    }
    ms_free(param->email);
    param->email = e;
    return 1;
}

char *X509_VERIFY_PARAM_get0_email(X509_VERIFY_PARAM *param)
{
    return param == NULL ? NULL : param->email;
}

int X509_VERIFY_PARAM_set1_ip(X509_VERIFY_PARAM *param,
                              const unsigned char *ip, size_t iplen)
{
    MS_CHECK_LIB(param, MINISSL_X509_VERIFY_PARAM, ERR_LIB_X509, 0);
    if (ip != NULL && iplen != 4 && iplen != 16) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT);
        return 0;
    }
    if (ip == NULL)
        iplen = 0;
    if (iplen > 0)
        memcpy(param->ip, ip, iplen);
    param->iplen = iplen;
    return 1;
}

int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *param, const char *ipasc)
{
    unsigned char ip[16];

    if (ipasc != NULL) {
        if (inet_pton(AF_INET, ipasc, ip) == 1)
            return X509_VERIFY_PARAM_set1_ip(param, ip, 4);
        if (inet_pton(AF_INET6, ipasc, ip) == 1)
            return X509_VERIFY_PARAM_set1_ip(param, ip, 16);
    }
    ERR_raise(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT);
    return 0;
}

char *X509_VERIFY_PARAM_get1_ip_asc(X509_VERIFY_PARAM *param)
{
    char buf[48];
    const unsigned char *p;
    size_t i, n = 0;

    if (param == NULL || param->iplen == 0) {
        ERR_raise(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER);  /* as OpenSSL */
        return NULL;
    }
    p = param->ip;
    if (param->iplen == 4)
        snprintf(buf, sizeof(buf), "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    else
        for (i = 0; i < 16; i += 2)
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%X",
                                  i ? ":" : "", (unsigned)(p[i] << 8 | p[i + 1]));
    return ms_strdup(buf);
}

int minissl_X509_VERIFY_PARAM_get_purpose(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? 0 : param->purpose;
}

int minissl_X509_VERIFY_PARAM_get_trust(const X509_VERIFY_PARAM *param)
{
    return param == NULL ? 0 : param->trust;
}
