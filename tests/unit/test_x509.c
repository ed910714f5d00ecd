/* x509: the per-worker cache decodes public keys with its own reused
 * decoder contexts (d2i_X509 in a null-provider library context); every
 * field must come out as plain d2i_X509 gives it, for RSA and EC keys, a
 * key that does not decode, and key types alternating through the cache.
 * The certificates are made here with OpenSSL (self-signed, fixed fields).
 * The cache also keeps Zeek's known_log_certs: a certificate is logged once
 * a day per fingerprint, host_cert and client_cert. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "proto/x509.h"

struct der {
    unsigned char *p;
    int n;
};

static struct der make_cert(EVP_PKEY *key, long serial)
{
    X509 *x = X509_new();
    assert_non_null(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"vigil.example", -1, -1, 0);
    assert_int_equal(X509_set_issuer_name(x, name), 1);
    ASN1_TIME_set(X509_getm_notBefore(x), 1600000000);
    ASN1_TIME_set(X509_getm_notAfter(x), 1700000000);
    assert_int_equal(X509_set_pubkey(x, key), 1);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    struct der d = {NULL, 0};
    d.n = i2d_X509(x, &d.p);
    assert_true(d.n > 0);
    X509_free(x);
    return d;
}

/* Both ways, and every field of the cached parse equal to the plain one's. */
static void parse_both(struct x509_cache *cache, const struct der *d, struct x509_cert *plain,
                       struct x509_cert *cached)
{
    memset(plain, 0, sizeof *plain);
    memset(cached, 0, sizeof *cached);
    assert_true(x509_cert_parse(d->p, (size_t)d->n, plain, NULL, NULL, 0));
    assert_true(x509_cert_parse_cached(cache, d->p, (size_t)d->n, cached, NULL, NULL, 0));
    assert_string_equal(cached->fingerprint, plain->fingerprint);
    assert_string_equal(cached->subject, plain->subject);
    assert_string_equal(cached->key_alg, plain->key_alg);
    assert_string_equal(cached->sig_alg, plain->sig_alg);
    assert_true((cached->key_type == NULL) == (plain->key_type == NULL));
    if (plain->key_type != NULL)
        assert_string_equal(cached->key_type, plain->key_type);
    assert_int_equal(cached->has_key_length, plain->has_key_length);
    assert_int_equal(cached->key_length, plain->key_length);
    assert_string_equal(cached->exponent, plain->exponent);
    assert_string_equal(cached->curve, plain->curve);
}

static void test_cached_keys_match_d2i(void **unused)
{
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(rsa);
    assert_non_null(ec);
    struct der certs[4] = {make_cert(rsa, 1), make_cert(ec, 2), make_cert(rsa, 3), make_cert(ec, 4)};
    struct x509_cache *cache = x509_cache_new();
    assert_non_null(cache);
    struct x509_cert plain, cached;
    for (int round = 0; round < 2; round++) { /* the second round comes from the cache's entries */
        for (size_t i = 0; i < 4; i++) {
            parse_both(cache, &certs[i], &plain, &cached);
            if (i % 2 == 0) {
                assert_string_equal(cached.key_type, "rsa");
                assert_int_equal(cached.key_length, 1024);
                assert_string_equal(cached.exponent, "65537");
            } else {
                assert_string_equal(cached.key_type, "ecdsa");
                assert_int_equal(cached.key_length, 256);
                assert_string_equal(cached.curve, "prime256v1");
            }
        }
    }
    x509_cache_free(cache);
    for (size_t i = 0; i < 4; i++)
        OPENSSL_free(certs[i].p);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
}

/* An EC point off its curve: d2i_X509 keeps the certificate and drops the
 * key (no key type or length), and so must the cache. */
static void test_undecodable_key_dropped_alike(void **unused)
{
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(ec);
    struct der d = make_cert(ec, 5);
    unsigned char point[65];
    size_t point_len = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(ec, "pub", point, sizeof point, &point_len), 1);
    assert_int_equal(point_len, 65);
    unsigned char *at = NULL;
    for (int i = 0; i + 65 <= d.n && at == NULL; i++)
        if (memcmp(d.p + i, point, 65) == 0)
            at = d.p + i;
    assert_non_null(at);
    at[64] ^= 1; /* y no longer fits x */
    struct x509_cache *cache = x509_cache_new();
    struct x509_cert plain, cached;
    parse_both(cache, &d, &plain, &cached);
    assert_null(cached.key_type);
    assert_false(cached.has_key_length);
    assert_string_equal(cached.key_alg, "id-ecPublicKey");
    x509_cache_free(cache);
    OPENSSL_free(d.p);
    EVP_PKEY_free(ec);
}

static struct x509_cert *known_cert(const char *fp_char, bool host, bool client, int64_t ts_s)
{
    static struct x509_cert c;
    memset(&c, 0, sizeof c);
    memset(c.fingerprint, fp_char[0], 64);
    c.host_cert = host;
    c.client_cert = client;
    c.ts_us = ts_s * 1000000;
    return &c;
}

/* Zeek's X509 log deduplication: the index is (fingerprint, host_cert,
 * client_cert); an entry expires a day after it was added, and then the
 * certificate is logged (and known) again. */
static void test_known_certificates(void **unused)
{
    struct x509_cache *cache = x509_cache_new();
    assert_non_null(cache);
    assert_false(x509_cache_seen_before(cache, known_cert("a", true, false, 1000)));
    assert_true(x509_cache_seen_before(cache, known_cert("a", true, false, 1001)));
    assert_false(x509_cache_seen_before(cache, known_cert("a", false, false, 1002)));   /* in a chain */
    assert_false(x509_cache_seen_before(cache, known_cert("a", true, true, 1003)));    /* from a client */
    assert_false(x509_cache_seen_before(cache, known_cert("b", true, false, 1004)));
    assert_true(x509_cache_seen_before(cache, known_cert("a", true, false, 1000 + 86399)));
    assert_false(x509_cache_seen_before(cache, known_cert("a", true, false, 1000 + 86400)));
    assert_true(x509_cache_seen_before(cache, known_cert("a", true, false, 1000 + 86401)));
    assert_false(x509_cache_seen_before(NULL, known_cert("a", true, false, 1000)));
    x509_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cached_keys_match_d2i),
        cmocka_unit_test(test_undecodable_key_dropped_alike),
        cmocka_unit_test(test_known_certificates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
