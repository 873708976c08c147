/* Version and initialisation calls: minissl needs no global set-up. */
#include "internal.h"

unsigned long OpenSSL_version_num(void)
{
    return (unsigned long)OPENSSL_VERSION_NUMBER;
}

const char *OpenSSL_version(int type)
{
    switch (type) {
    case OPENSSL_VERSION:
        return OPENSSL_VERSION_TEXT;
    case OPENSSL_CFLAGS:
        return "compiler: see the minissl build";
    case OPENSSL_BUILT_ON:
        return "built on: unknown";
    case OPENSSL_PLATFORM:
        return "platform: unknown";
    case OPENSSL_DIR:
        return "OPENSSLDIR: none";
    default:
        return "not available";
    }
}

int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings)
{
    (void)opts;
    (void)settings;
    return 1;
}

int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings)
{
    (void)opts;
    (void)settings;
    return 1;
}

void OPENSSL_cleanup(void)
{
}
