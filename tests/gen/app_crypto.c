#include "app_crypto.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <zlib.h>

/* Generated once with `openssl genrsa 2048` for these tests: a throwaway key
 * of ours, so the CA certificate and every signature are reproducible
 * (RSA PKCS#1 v1.5 signatures are deterministic, ECDSA ones are not). */
static const char ca_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDMTBeNcutPizUH\n"
    "RclL7l2uNB/PjzsMInFdsHqPsrfduWukFDk6sFoh1ASRupTHuE2mVBGiQ3nAI+Fe\n"
    "srUiuC02N5WGCq24k+ELCnow++kSj15eHGp9nwG63iCG5DC6T6T9S/bxBpDKXxmg\n"
    "I2grj9G60oZ/+llAhMKUJd4VIS7WJ1CkdXQ/H3asHNc2TwL2NVv5HY8cXbv0yfxN\n"
    "dzQz5cjTpKNwzbaeF5Alc4w7uy43hWvRNy0Pqa/MdJxfcIxz10HMWagnBmvKohhR\n"
    "xKlOi/818x7+4Zia3JX/5FGddp8T3Q1FoRj80cYFeQqslJDmovq8a/R6oY2FRKOs\n"
    "f6hZNPefAgMBAAECggEAB2n3gi2adoTcbsrMjFHhL8ePzqN/Br4Kk9YqDHmgNzlZ\n"
    "u6xJi2SyUKn2DyfQlb2NgSy/MGlMdiRB3dg/FJHPKjmIK+4f8c6ECzeHyav1VbQY\n"
    "PkgVC+wE+bgX7BfvNhkFKXVj8nPviziPoIJzGamazdyCqbWhyY1H1m0tYGJCOzPv\n"
    "bCrngb3aeIa+YVK/CpR4fPTYuc+/FKVgM+w+YVW9hIFXn/8O/g44PVNG3F4u6+9P\n"
    "DLYYHz33pnhYyVDYmRROOSFwfI08n42s878L0D9FeDttn3Nrcu7Az25Stn4ESMdR\n"
    "6nCjPctQ+cxu9hUz3parFrri1SVg2s9+Zj5n/EQWqQKBgQDyB4MWxRjdLUJ5ipbb\n"
    "a5uUIpv5uGE1qcVgwLrsQrn0y7jqIBAnWw/PE2t2gEAMUaU2zbVKckiwQny4BZxI\n"
    "Bo/1lYxW4QUMlguZrnfX/7/zAZ7RBypqmD7C0L0e1oTEaTGXaz2UOC+w//z2uebW\n"
    "kDUbINJXtqdqYxA8//IPnOG18wKBgQDYFwJnBdhdLVj+nm4q6jNEAbR1fqFCQluY\n"
    "gPRvhs+91LxihbuNNFUvqf9PbcwUygtfK39bD9MkcpxxiXsUiSrQD171Is0vL3X4\n"
    "JvEoNlFxL9HKaSA+3xwl+WQtjwB7LXUHOgUL4StGKfdHKgXjjLqL9z0phGlvbc0U\n"
    "3Hke420GpQKBgDRSm2xYv79RAYX1CBf3c3La6I1b5ugLA7ie8coRwtHBGQDEXbmk\n"
    "Xg6OTDUaFL6VB/qJDiBCBKTWOtAtplOL16Nn6Sb/DnBiH6/hn9b6WyzVtNfLjMfu\n"
    "keLb7Ya1KY6sjyQE8xMP8n95V96e4eCQ3Go49kAwJJFDSUdmrZXifIkxAoGAUCig\n"
    "7ISfkVj8FV/B8Et2fvi+74Ls4P5qqfTUN/bjY0DiLQ3819Gc9BR0sAtD1EZq13/0\n"
    "O1xwb6nQXNGqBaEob4v0Jq0lPia19TrE5KzZo0og4ZwDqS7say3LOpc8j3T6X5bn\n"
    "PlPl0J5Kq2xsSM/wd3Fcj+Udk4dAt0dd6tZkoD0CgYA0x8dr//0mWT34JKPKSn1f\n"
    "mhNS8ZSbpKABsmYATqMZmoQd5H396txPYkhMmxEmWediYsH7qTHzgp8e0BihmVz2\n"
    "liM/7pCZoIr/0YG+AjIFgncwyu+z43GAK0hIJwdOsKgv74mbGcOfqGkdjsfQh1+f\n"
    "u2a7TMo+hjMlLY3m84oF5g==\n"
    "-----END PRIVATE KEY-----\n"
    ;

/* The leaf's P-256 private scalar: only its public point goes into the certificate. */
static const uint8_t leaf_scalar[32] = {
    0x56, 0x49, 0x47, 0x49, 0x4c, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x6c, 0x65, 0x61, 0x66, 0x2d,
    0x6b, 0x65, 0x79, 0x2d, 0x32, 0x30, 0x32, 0x34, 0x2d, 0x30, 0x33, 0x2d, 0x30, 0x34, 0x00, 0x01,
};

static EVP_PKEY *leaf_public_key(void)
{
    EVP_PKEY *pkey = NULL;
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_POINT *pub = group ? EC_POINT_new(group) : NULL;
    BIGNUM *priv = BN_bin2bn(leaf_scalar, sizeof leaf_scalar, NULL);
    uint8_t point[65];
    if (!pub || !priv || EC_POINT_mul(group, pub, priv, NULL, NULL, NULL) != 1 ||
        EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, point, sizeof point, NULL) != sizeof point)
        goto out;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
out:
    BN_free(priv);
    EC_POINT_free(pub);
    EC_GROUP_free(group);
    return pkey;
}

static bool add_name(X509_NAME *n, const char *field, const char *value)
{
    return X509_NAME_add_entry_by_txt(n, field, MBSTRING_ASC, (const unsigned char *)value, -1, -1, 0) == 1;
}

static bool add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    bool ok = ext && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

static X509 *make_cert(long serial, const char *not_before, const char *not_after, X509_NAME *subject,
                       X509 *issuer_cert, EVP_PKEY *pub, EVP_PKEY *signer, const char *const exts[][2], size_t n)
{
    X509 *x = X509_new();
    bool ok = x && X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1 &&
              ASN1_TIME_set_string(X509_getm_notBefore(x), not_before) == 1 &&
              ASN1_TIME_set_string(X509_getm_notAfter(x), not_after) == 1 && X509_set_subject_name(x, subject) == 1 &&
              X509_set_issuer_name(x, issuer_cert ? X509_get_subject_name(issuer_cert) : subject) == 1 &&
              X509_set_pubkey(x, pub) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        int nid = OBJ_txt2nid(exts[i][0]);
        ok = nid != NID_undef && add_ext(x, issuer_cert ? issuer_cert : x, nid, exts[i][1]);
    }
    if (ok)
        ok = X509_sign(x, signer, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static bool to_der(X509 *x, uint8_t *out, size_t cap, size_t *len)
{
    int n = i2d_X509(x, NULL);
    if (n <= 0 || (size_t)n > cap)
        return false;
    unsigned char *p = out;
    *len = (size_t)i2d_X509(x, &p);
    return *len == (size_t)n;
}

bool cert_chain_der(const char *leaf_cn, uint8_t *leaf, size_t leaf_cap, size_t *leaf_len, uint8_t *ca,
                    size_t ca_cap, size_t *ca_len)
{
    bool ok = false;
    BIO *bio = BIO_new_mem_buf(ca_key_pem, (int)sizeof ca_key_pem - 1);
    EVP_PKEY *ca_key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    EVP_PKEY *leaf_key = leaf_public_key();
    X509_NAME *ca_name = X509_NAME_new(), *leaf_name = X509_NAME_new();
    X509 *ca_cert = NULL, *leaf_cert = NULL;
    char san[512];
    snprintf(san, sizeof san, "DNS:%s,DNS:*.vigil-test.example,IP:203.0.113.10", leaf_cn);
    if (!ca_key || !leaf_key || !ca_name || !leaf_name || !add_name(ca_name, "C", "US") ||
        !add_name(ca_name, "O", "Vigil Test") || !add_name(ca_name, "CN", "Vigil Test Root CA") ||
        !add_name(leaf_name, "C", "US") || !add_name(leaf_name, "ST", "California") ||
        !add_name(leaf_name, "L", "San Francisco") || !add_name(leaf_name, "O", "Vigil Test Services") ||
        !add_name(leaf_name, "CN", leaf_cn))
        goto out;
    const char *const ca_exts[][2] = {
        {"basicConstraints", "critical,CA:TRUE"},
        {"keyUsage", "critical,keyCertSign,cRLSign"},
        {"subjectKeyIdentifier", "hash"},
    };
    const char *const leaf_exts[][2] = {
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "critical,digitalSignature"},
        {"extendedKeyUsage", "serverAuth"},
        {"subjectKeyIdentifier", "hash"},
        {"authorityKeyIdentifier", "keyid"},
        {"subjectAltName", san},
    };
    ca_cert = make_cert(1, "20240101000000Z", "20340101000000Z", ca_name, NULL, ca_key, ca_key, ca_exts,
                        sizeof ca_exts / sizeof ca_exts[0]);
    if (!ca_cert)
        goto out;
    leaf_cert = make_cert(0x5649474c01, "20240201000000Z", "20250301235959Z", leaf_name, ca_cert, leaf_key, ca_key,
                          leaf_exts, sizeof leaf_exts / sizeof leaf_exts[0]);
    ok = leaf_cert && to_der(leaf_cert, leaf, leaf_cap, leaf_len) && to_der(ca_cert, ca, ca_cap, ca_len);
out:
    X509_free(leaf_cert);
    X509_free(ca_cert);
    X509_NAME_free(ca_name);
    X509_NAME_free(leaf_name);
    EVP_PKEY_free(leaf_key);
    EVP_PKEY_free(ca_key);
    BIO_free(bio);
    return ok;
}

/* ---- QUIC Initial protection (RFC 9001 section 5) ---- */

static const uint8_t quic_v1_salt[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                         0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};

static bool hkdf_call(int mode, const uint8_t *key, size_t key_len, const uint8_t *salt, size_t salt_len,
                      const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!ctx)
        return false;
    OSSL_PARAM params[6];
    size_t k = 0;
    params[k++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[k++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[k++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
    if (salt)
        params[k++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    if (info)
        params[k++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    params[k] = OSSL_PARAM_construct_end();
    bool ok = EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

/* HKDF-Expand-Label with the "tls13 " prefix and an empty context. */
static bool expand_label(const uint8_t secret[32], const char *label, uint8_t *out, size_t out_len)
{
    uint8_t info[64];
    size_t label_len = strlen(label);
    if (10 + label_len > sizeof info)
        return false;
    info[0] = (uint8_t)(out_len >> 8);
    info[1] = (uint8_t)out_len;
    info[2] = (uint8_t)(6 + label_len);
    memcpy(info + 3, "tls13 ", 6);
    memcpy(info + 9, label, label_len);
    info[9 + label_len] = 0;
    return hkdf_call(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, 32, NULL, 0, info, 10 + label_len, out, out_len);
}

bool quic_initial_keys_derive(const uint8_t *dcid, size_t dcid_len, bool server, struct quic_initial_keys *out)
{
    uint8_t initial[32], secret[32];
    return hkdf_call(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, dcid_len, quic_v1_salt, sizeof quic_v1_salt, NULL, 0,
                     initial, sizeof initial) &&
           expand_label(initial, server ? "server in" : "client in", secret, sizeof secret) &&
           expand_label(secret, "quic key", out->key, sizeof out->key) &&
           expand_label(secret, "quic iv", out->iv, sizeof out->iv) &&
           expand_label(secret, "quic hp", out->hp, sizeof out->hp);
}

size_t quic_protect(const struct quic_initial_keys *k, uint8_t *pkt, size_t pn_offset, size_t pn_len, uint64_t pn,
                    size_t payload_len)
{
    size_t hdr_len = pn_offset + pn_len;
    uint8_t nonce[12];
    memcpy(nonce, k->iv, sizeof nonce);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    uint8_t *payload = pkt + hdr_len;
    bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
              EVP_EncryptInit_ex(ctx, NULL, NULL, k->key, nonce) == 1 &&
              EVP_EncryptUpdate(ctx, NULL, &len, pkt, (int)hdr_len) == 1 &&
              EVP_EncryptUpdate(ctx, payload, &len, payload, (int)payload_len) == 1 &&
              EVP_EncryptFinal_ex(ctx, payload + len, &fin) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, payload + payload_len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return 0;
    /* Header protection: the mask comes from 16 ciphertext bytes starting
     * 4 bytes after the packet number's start, whatever its length. */
    uint8_t mask[16];
    ctx = EVP_CIPHER_CTX_new();
    ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k->hp, NULL) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 && EVP_EncryptUpdate(ctx, mask, &len, pkt + pn_offset + 4, 16) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return 0;
    pkt[0] ^= mask[0] & ((pkt[0] & 0x80) ? 0x0f : 0x1f);
    for (size_t i = 0; i < pn_len; i++)
        pkt[pn_offset + i] ^= mask[1 + i];
    return hdr_len + payload_len + 16;
}

size_t gzip_bytes(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? n : 0;
}

uint32_t crc32_of(const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(0L, p, (uInt)n);
}
