/* Opaque object types, as OpenSSL 3 declares them in <openssl/types.h>.
 * The layouts are minissl's own and live in lib/src/internal.h. */
#ifndef OPENSSL_TYPES_H
#define OPENSSL_TYPES_H

typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;
typedef struct bio_st BIO;
typedef struct bio_method_st BIO_METHOD;
typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;
typedef struct X509_VERIFY_PARAM_st X509_VERIFY_PARAM;
typedef struct x509_store_ctx_st X509_STORE_CTX;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_st EVP_MD;
typedef struct asn1_string_st ASN1_INTEGER;
typedef struct asn1_string_st ASN1_TIME;
typedef struct asn1_string_st ASN1_STRING;
typedef struct crypto_ex_data_st CRYPTO_EX_DATA;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;

#endif
