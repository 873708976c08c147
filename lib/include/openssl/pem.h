/* <openssl/pem.h>: only the password callback type (minissl reads no PEM). */
#ifndef OPENSSL_PEM_H
#define OPENSSL_PEM_H

typedef int pem_password_cb(char *buf, int size, int rwflag, void *userdata);

#endif
