/* One DER certificate into struct x509_cert, through OpenSSL, the way
 * Zeek's X509 file analyzer fills x509.log, plus the few fields Suricata
 * prints in its EVE tls event. Garbage DER is a `false`, never a crash. */
#include "proto/x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/grow.h"
#include "util/hash.h"
#include "util/hindex.h"

/* d2i_X509 takes a long; certificates beyond this are not certificates. */
#define X509_DER_MAX (1024 * 1024)

/* Returns the bytes copied: a name may hold a NUL byte, which ends the C string but not the text. */
static size_t copy_bio_text(BIO *bio, char *out, size_t n)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    size_t k = 0;
    if (len > 0 && data != NULL) {
        k = (size_t)len;
        if (k >= n)
            k = n - 1;
        memcpy(out, data, k);
    }
    out[k] = '\0';
    return k;
}

static size_t name_text(const X509_NAME *name, unsigned long flags, char *out, size_t n)
{
    out[0] = '\0';
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return 0;
    size_t len = 0;
    if (name != NULL && X509_NAME_print_ex(bio, name, 0, flags) >= 0)
        len = copy_bio_text(bio, out, n);
    BIO_free(bio);
    return len;
}

/* n bytes as 2n lowercase hex digits and a NUL. */
static void hex_bytes(const uint8_t *d, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static void hex_digest(const uint8_t *p, size_t n, const EVP_MD *md, bool colons, char *out,
                       size_t outn)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    size_t k = 0;
    out[0] = '\0';
    if (EVP_Digest(p, n, digest, &dlen, md, NULL) != 1)
        return;
    for (unsigned i = 0; i < dlen && k + (colons ? 3u : 2u) < outn; i++) {
        if (colons && i > 0)
            out[k++] = ':';
        out[k++] = hex[digest[i] >> 4];
        out[k++] = hex[digest[i] & 15];
    }
    out[k] = '\0';
}

static int64_t asn1_time_seconds(const ASN1_TIME *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return (int64_t)timegm(&tm);
}

static void object_text(const ASN1_OBJECT *obj, char *out, size_t n)
{
    out[0] = '\0';
    if (obj != NULL && OBJ_obj2txt(out, (int)n, obj, 0) < 0)
        out[0] = '\0';
}

static void fill_serial(X509 *x, struct x509_cert *c, struct x509_eve_view *eve)
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio != NULL) {
        if (i2a_ASN1_INTEGER(bio, serial) > 0)
            copy_bio_text(bio, c->serial, sizeof(c->serial));
        BIO_free(bio);
    }
    if (eve == NULL)
        return;
    /* Suricata prints the DER content octets, sign byte included */
    eve->serial[0] = '\0';
    unsigned char *der = NULL;
    int dlen = i2d_ASN1_INTEGER(serial, &der);
    if (dlen > 2 && der != NULL) {
        size_t hdr = 2;
        if (der[1] & 0x80)
            hdr += der[1] & 0x7f;
        size_t k = 0;
        for (size_t i = hdr; i < (size_t)dlen && k + 4 < sizeof(eve->serial); i++) {
            static const char hex[] = "0123456789ABCDEF";
            if (i > hdr)
                eve->serial[k++] = ':';
            eve->serial[k++] = hex[der[i] >> 4];
            eve->serial[k++] = hex[der[i] & 15];
        }
        eve->serial[k] = '\0';
    }
    OPENSSL_free(der);
}

/* d2i_X509 decodes the public key through OpenSSL 3's decoder framework,
 * which builds a decoder context for every key (~1.2 M instructions, most
 * of a certificate's cost). The cache parses in a library context holding
 * only the null provider, where that step finds no decoder and is cheap,
 * and decodes the key itself with one decoder context per key type, built
 * once: d2i_X509's arguments (key type named by OBJ_obj2txt of the key's
 * algorithm, "DER", "SubjectPublicKeyInfo", the default library context),
 * so the same key comes out. */
#define X509_KEY_DECODERS 8
/* d2i_X509's buffer for the key type's name (OpenSSL's OSSL_MAX_NAME_SIZE). */
#define X509_KEY_TYPE_MAX 50

struct key_decoder {
    char key_type[X509_KEY_TYPE_MAX];
    OSSL_DECODER_CTX *ctx;
    EVP_PKEY *decoded;           /* where ctx puts each key it decodes */
};

struct key_decoders {
    OSSL_LIB_CTX *bare;          /* only the null provider: d2i_X509 leaves keys undecoded */
    OSSL_PROVIDER *null_provider;
    size_t n;
    struct key_decoder dec[X509_KEY_DECODERS];
};

static bool key_decoders_init(struct key_decoders *kd)
{
    kd->bare = OSSL_LIB_CTX_new();
    if (kd->bare != NULL)
        kd->null_provider = OSSL_PROVIDER_load(kd->bare, "null");
    return kd->null_provider != NULL;
}

static void key_decoders_free(struct key_decoders *kd)
{
    for (size_t i = 0; i < kd->n; i++)
        OSSL_DECODER_CTX_free(kd->dec[i].ctx);
    if (kd->null_provider != NULL)
        OSSL_PROVIDER_unload(kd->null_provider);
    OSSL_LIB_CTX_free(kd->bare);
    memset(kd, 0, sizeof *kd);
}

/* The decoder of a key type, made on first use; NULL when all are taken. */
static struct key_decoder *key_decoder_for(struct key_decoders *kd, const char *key_type)
{
    for (size_t i = 0; i < kd->n; i++)
        if (strcmp(kd->dec[i].key_type, key_type) == 0)
            return &kd->dec[i];
    if (kd->n == X509_KEY_DECODERS)
        return NULL;
    struct key_decoder *d = &kd->dec[kd->n];
    d->decoded = NULL;
    d->ctx = OSSL_DECODER_CTX_new_for_pkey(&d->decoded, "DER", "SubjectPublicKeyInfo", key_type,
                                           EVP_PKEY_PUBLIC_KEY, NULL, NULL);
    if (d->ctx == NULL)
        return NULL;
    snprintf(d->key_type, sizeof d->key_type, "%s", key_type);
    kd->n++;
    return d;
}

/* The certificate's key as d2i_X509 would have decoded it, or NULL; the
 * caller frees it. */
static EVP_PKEY *decode_key(struct key_decoders *kd, X509_PUBKEY *xpk)
{
    ASN1_OBJECT *alg = NULL;
    char key_type[X509_KEY_TYPE_MAX];
    if (X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, xpk) != 1 ||
        OBJ_obj2txt(key_type, sizeof key_type, alg, 0) <= 0)
        return NULL;
    unsigned char *spki = NULL;
    int len = i2d_X509_PUBKEY(xpk, &spki);
    if (len <= 0)
        return NULL;
    EVP_PKEY *pkey = NULL;
    ERR_set_mark(); /* opportunistic, as d2i_X509: a key that does not decode leaves no error */
    const unsigned char *p = spki;
    size_t left = (size_t)len;
    struct key_decoder *d = key_decoder_for(kd, key_type);
    if (d != NULL) {
        d->decoded = NULL;
        if (OSSL_DECODER_from_data(d->ctx, &p, &left) && left == 0)
            pkey = d->decoded;
        else
            EVP_PKEY_free(d->decoded);
        d->decoded = NULL;
    } else {
        OSSL_DECODER_CTX *ctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", "SubjectPublicKeyInfo", key_type,
                                                              EVP_PKEY_PUBLIC_KEY, NULL, NULL);
        if (ctx == NULL || !OSSL_DECODER_from_data(ctx, &p, &left) || left != 0) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
        OSSL_DECODER_CTX_free(ctx);
    }
    ERR_pop_to_mark();
    OPENSSL_free(spki);
    return pkey;
}

static void fill_key_type(EVP_PKEY *pkey, struct x509_cert *c)
{
    if (pkey == NULL)
        return;
    int id = EVP_PKEY_get_base_id(pkey);
    if (id == EVP_PKEY_RSA) {
        c->key_type = "rsa";
        BIGNUM *e = NULL;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 && e != NULL) {
            char *dec = BN_bn2dec(e);
            if (dec != NULL) {
                size_t k = strnlen(dec, sizeof(c->exponent) - 1);
                memcpy(c->exponent, dec, k);
                c->exponent[k] = '\0';
                OPENSSL_free(dec);
            }
        }
        BN_free(e);
    } else if (id == EVP_PKEY_DSA) {
        c->key_type = "dsa";
    } else if (id == EVP_PKEY_EC) {
        c->key_type = "ecdsa";
        char group[64];
        size_t glen = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                           &glen) == 1) {
            int nid = OBJ_txt2nid(group);
            const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
            const char *name = sn != NULL ? sn : group;
            size_t k = strnlen(name, sizeof(c->curve) - 1);
            memcpy(c->curve, name, k);
            c->curve[k] = '\0';
        }
    }
    if (c->key_type != NULL) {
        int bits = EVP_PKEY_get_bits(pkey);
        if (bits > 0) {
            c->has_key_length = true;
            c->key_length = (uint64_t)bits;
        }
    }
}

/* kd NULL: the key d2i_X509 decoded. */
static void fill_key(X509 *x, struct x509_cert *c, struct key_decoders *kd)
{
    X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
    ASN1_OBJECT *alg = NULL;
    if (xpk != NULL && X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, xpk) == 1)
        object_text(alg, c->key_alg, sizeof(c->key_alg));
    if (kd == NULL) {
        fill_key_type(X509_get0_pubkey(x), c);
        return;
    }
    EVP_PKEY *pkey = xpk != NULL ? decode_key(kd, xpk) : NULL;
    fill_key_type(pkey, c);
    EVP_PKEY_free(pkey);
}

static void add_san(struct x509_cert *c, enum x509_san_kind kind, const ASN1_STRING *s)
{
    if (s == NULL || c->n_san[kind] >= X509_SAN_MAX)
        return;
    int len = ASN1_STRING_length(s);
    const unsigned char *data = ASN1_STRING_get0_data(s);
    if (len < 0 || data == NULL || (size_t)len > sizeof(c->san_pool) - c->san_pool_used)
        return;
    size_t i = c->n_san[kind]++;
    c->san[kind][i].off = (uint16_t)c->san_pool_used;
    c->san[kind][i].len = (uint16_t)len;
    memcpy(c->san_pool + c->san_pool_used, data, (size_t)len);
    c->san_pool_used += (size_t)len;
}

static void fill_san(X509 *x, struct x509_cert *c)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (names == NULL)
        return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g == NULL)
            continue;
        switch (g->type) {
        case GEN_DNS: add_san(c, X509_SAN_DNS, g->d.dNSName); break;
        case GEN_URI: add_san(c, X509_SAN_URI, g->d.uniformResourceIdentifier); break;
        case GEN_EMAIL: add_san(c, X509_SAN_EMAIL, g->d.rfc822Name); break;
        case GEN_IPADD: {
            int len = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
            if (c->n_san_ip >= X509_SAN_MAX || d == NULL)
                break;
            if (len == 4)
                ip_addr_from_v4(&c->san_ip[c->n_san_ip++], d);
            else if (len == 16)
                ip_addr_from_v6(&c->san_ip[c->n_san_ip++], d);
            break;
        }
        default: break;
        }
    }
    GENERAL_NAMES_free(names);
}

static void fill_basic_constraints(X509 *x, struct x509_cert *c)
{
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    if (bc == NULL)
        return;
    c->has_basic_constraints = true;
    c->ca = bc->ca != 0;
    if (bc->pathlen != NULL) {
        long v = ASN1_INTEGER_get(bc->pathlen);
        if (v >= 0) {
            c->has_path_len = true;
            c->path_len = (uint64_t)v;
        }
    }
    BASIC_CONSTRAINTS_free(bc);
}

/* "*.example.com" matches exactly one leading label, as browsers do. */
static bool hostname_matches(const char *pattern, size_t plen, const char *host, size_t hlen)
{
    if (plen == hlen && strncasecmp(pattern, host, plen) == 0)
        return true;
    if (plen < 3 || pattern[0] != '*' || pattern[1] != '.')
        return false;
    const char *dot = memchr(host, '.', hlen);
    if (dot == NULL || dot == host)
        return false;
    size_t rest = hlen - (size_t)(dot - host);
    return rest == plen - 1 && strncasecmp(dot, pattern + 1, rest) == 0;
}

static bool cert_matches_host(X509 *x, const struct x509_cert *c, const char *host, size_t hlen)
{
    for (size_t i = 0; i < c->n_san[X509_SAN_DNS]; i++)
        if (hostname_matches(c->san_pool + c->san[X509_SAN_DNS][i].off,
                             c->san[X509_SAN_DNS][i].len, host, hlen))
            return true;
    const X509_NAME *subject = X509_get_subject_name(x);
    int idx = -1;
    while ((idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) >= 0) {
        const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
        const unsigned char *d = ASN1_STRING_get0_data(cn);
        int len = ASN1_STRING_length(cn);
        if (d != NULL && len > 0 && hostname_matches((const char *)d, (size_t)len, host, hlen))
            return true;
    }
    return false;
}

#define X509_CACHE_ENTRIES 256
#define X509_CACHE_CN_MAX 4
/* Zeek's X509::relog_known_certificates_after (1day): a certificate logged
 * is not logged again for a day, counted from its first row (the set's
 * &create_expire), per worker as Zeek's non-broker set is. */
#define X509_RELOG_AFTER_US (86400LL * 1000000)
/* Zeek's known_log_certs_maximum_size is 1000000; a worker keeps at most
 * this many (48 bytes each). A full set adds nothing and logs every new
 * certificate, as Zeek's does. */
#define X509_KNOWN_MAX 65536
#define X509_KNOWN_DOMAIN 0x78353039u  /* "x509": the keyed hash's table domain */

struct x509_cache_entry {
    uint8_t key[32];            /* SHA-256 of the DER */
    bool used;
    uint64_t last_use;
    struct x509_cert cert;
    struct x509_eve_view eve;
    /* the subject's common names, for SNI checks on later connections */
    uint8_t n_cn;
    char cn[X509_CACHE_CN_MAX][256];
    uint16_t cn_len[X509_CACHE_CN_MAX];
};

/* One row of Zeek's known_log_certs: X509::LogCertHash and when it was added. */
struct x509_known {
    char fingerprint[65];
    bool host_cert, client_cert;
    int64_t added_us;
};

struct x509_cache {
    uint64_t clock;
    EVP_MD *sha256;
    struct key_decoders keys;
    bool has_keys;               /* false: certificates go through plain d2i_X509 */
    struct x509_cache_entry entries[X509_CACHE_ENTRIES];
    struct hindex known_index;   /* x509_known ids by keyed hash */
    bool has_known_index;
    struct x509_known *known;    /* grown as needed, never beyond X509_KNOWN_MAX */
    size_t n_known, known_cap;
};

/* The subject's common names, kept by the cache for SNI checks on later connections. */
static void collect_common_names(X509 *x, struct x509_cache_entry *e)
{
    const X509_NAME *subject = X509_get_subject_name(x);
    int idx = -1;
    e->n_cn = 0;
    while (e->n_cn < X509_CACHE_CN_MAX && (idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) >= 0) {
        const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
        const unsigned char *d = ASN1_STRING_get0_data(cn);
        int len = ASN1_STRING_length(cn);
        if (d && len > 0 && (size_t)len <= sizeof e->cn[0]) {
            memcpy(e->cn[e->n_cn], d, (size_t)len);
            e->cn_len[e->n_cn++] = (uint16_t)len;
        }
    }
}

/* kd NULL: plain d2i_X509. */
static X509 *decode_cert(const uint8_t *der, size_t n, struct key_decoders *kd)
{
    const unsigned char *p = der;
    if (kd == NULL)
        return d2i_X509(NULL, &p, (long)n);
    X509 *x = X509_new_ex(kd->bare, NULL);
    if (x == NULL)
        return NULL;
    ERR_set_mark(); /* the key's failed decoding */
    X509 *got = d2i_X509(&x, &p, (long)n);
    ERR_pop_to_mark();
    if (got == NULL)
        X509_free(x); /* NULL when d2i freed it */
    return got;
}

/* sha256: the DER's SHA-256 when the caller has it (the cache's key), NULL
 * to compute it for the fingerprint. */
static bool parse_der(const uint8_t *der, size_t n, struct x509_cert *out, struct x509_eve_view *eve,
                      const char *sni, size_t sni_len, struct x509_cache_entry *cn_sink, struct key_decoders *kd,
                      const uint8_t sha256[32])
{
    if (der == NULL || n == 0 || n > X509_DER_MAX)
        return false;
    X509 *x = decode_cert(der, n, kd);
    if (x == NULL)
        return false;

    int64_t ts = out->ts_us;
    bool host = out->host_cert, client = out->client_cert;
    memset(out, 0, sizeof(*out));
    out->ts_us = ts;
    out->host_cert = host;
    out->client_cert = client;

    if (sha256 != NULL)
        hex_bytes(sha256, 32, out->fingerprint);
    else
        hex_digest(der, n, EVP_sha256(), false, out->fingerprint, sizeof(out->fingerprint));
    out->version = (uint64_t)X509_get_version(x) + 1;
    fill_serial(x, out, eve);
    /* Zeek: RFC 2253 but non-ASCII bytes left as they are */
    unsigned long zeek_flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
    name_text(X509_get_subject_name(x), zeek_flags, out->subject, sizeof(out->subject));
    name_text(X509_get_issuer_name(x), zeek_flags, out->issuer, sizeof(out->issuer));
    out->not_valid_before_s = asn1_time_seconds(X509_get0_notBefore(x));
    out->not_valid_after_s = asn1_time_seconds(X509_get0_notAfter(x));
    const X509_ALGOR *sig = NULL;
    X509_get0_signature(NULL, &sig, x);
    if (sig != NULL) {
        const ASN1_OBJECT *obj = NULL;
        X509_ALGOR_get0(&obj, NULL, NULL, sig);
        object_text(obj, out->sig_alg, sizeof(out->sig_alg));
    }
    fill_key(x, out, kd);
    fill_san(x, out);
    fill_basic_constraints(x, out);

    if (eve != NULL) {
        unsigned long suri_flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT;
        eve->subject_len = name_text(X509_get_subject_name(x), suri_flags, eve->subject, sizeof(eve->subject));
        eve->issuerdn_len = name_text(X509_get_issuer_name(x), suri_flags, eve->issuerdn, sizeof(eve->issuerdn));
        hex_digest(der, n, EVP_sha1(), true, eve->sha1, sizeof(eve->sha1));
        eve->sni_checked = false;
        eve->sni_matches = false;
        if (sni != NULL) {
            eve->sni_checked = true;
            eve->sni_matches = cert_matches_host(x, out, sni, sni_len);
        }
    }
    if (cn_sink != NULL)
        collect_common_names(x, cn_sink);
    X509_free(x);
    return true;
}

bool x509_cert_parse(const uint8_t *der, size_t n, struct x509_cert *out,
                     struct x509_eve_view *eve, const char *sni, size_t sni_len)
{
    return parse_der(der, n, out, eve, sni, sni_len, NULL, NULL, NULL);
}

/* ---- the per-worker cache ---- */

struct x509_cache *x509_cache_new(void)
{
    struct x509_cache *c = calloc(1, sizeof *c);
    if (c) {
        c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        c->has_keys = key_decoders_init(&c->keys);
        if (!c->has_keys)
            key_decoders_free(&c->keys);
    }
    return c;
}

void x509_cache_free(struct x509_cache *c)
{
    if (!c)
        return;
    EVP_MD_free(c->sha256);
    if (c->has_keys)
        key_decoders_free(&c->keys);
    if (c->has_known_index)
        hindex_free(&c->known_index);
    free(c->known);
    free(c);
}

static uint32_t known_hash(const struct x509_cert *cert)
{
    uint8_t key[66];
    memcpy(key, cert->fingerprint, 64);
    key[64] = cert->host_cert;
    key[65] = cert->client_cert;
    return (uint32_t)hash_keyed(key, sizeof key, X509_KNOWN_DOMAIN);
}

static bool known_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct x509_known *k = &((const struct x509_cache *)ctx)->known[id];
    const struct x509_cert *cert = key;
    return k->host_cert == cert->host_cert && k->client_cert == cert->client_cert &&
           memcmp(k->fingerprint, cert->fingerprint, 64) == 0;
}

bool x509_cache_seen_before(struct x509_cache *c, const struct x509_cert *cert)
{
    if (c == NULL || cert->fingerprint[0] == '\0')
        return false;
    if (!c->has_known_index)
        c->has_known_index = hindex_init(&c->known_index, 64);
    if (!c->has_known_index)
        return false;
    uint32_t h = known_hash(cert);
    uint32_t id = hindex_find(&c->known_index, h, known_eq, c, cert);
    if (id != HINDEX_NONE) {
        struct x509_known *k = &c->known[id];
        if (cert->ts_us - k->added_us < X509_RELOG_AFTER_US)
            return true;
        k->added_us = cert->ts_us;  /* expired: logged again, and known again from now */
        return false;
    }
    if (c->n_known >= X509_KNOWN_MAX)
        return false;
    if (grow_array((void **)&c->known, &c->known_cap, c->n_known + 1, sizeof *c->known, 64) != 0)
        return false;
    struct x509_known *k = &c->known[c->n_known];
    memcpy(k->fingerprint, cert->fingerprint, sizeof k->fingerprint);
    k->host_cert = cert->host_cert;
    k->client_cert = cert->client_cert;
    k->added_us = cert->ts_us;
    if (hindex_insert(&c->known_index, h, (uint32_t)c->n_known))
        c->n_known++;
    return false;
}


static bool cached_matches_host(const struct x509_cache_entry *e, const char *host, size_t hlen)
{
    const struct x509_cert *c = &e->cert;
    for (size_t i = 0; i < c->n_san[X509_SAN_DNS]; i++)
        if (hostname_matches(c->san_pool + c->san[X509_SAN_DNS][i].off, c->san[X509_SAN_DNS][i].len, host, hlen))
            return true;
    for (unsigned i = 0; i < e->n_cn; i++)
        if (hostname_matches(e->cn[i], e->cn_len[i], host, hlen))
            return true;
    return false;
}

static struct x509_cache_entry *cache_find(struct x509_cache *cache, const uint8_t key[32])
{
    for (size_t i = 0; i < X509_CACHE_ENTRIES; i++)
        if (cache->entries[i].used && memcmp(cache->entries[i].key, key, 32) == 0)
            return &cache->entries[i];
    return NULL;
}

static struct x509_cache_entry *cache_victim(struct x509_cache *cache)
{
    struct x509_cache_entry *v = &cache->entries[0];
    for (size_t i = 0; i < X509_CACHE_ENTRIES; i++) {
        struct x509_cache_entry *e = &cache->entries[i];
        if (!e->used)
            return e;
        if (e->last_use < v->last_use)
            v = e;
    }
    return v;
}

bool x509_cert_parse_cached(struct x509_cache *cache, const uint8_t *der, size_t n, struct x509_cert *out,
                            struct x509_eve_view *eve, const char *sni, size_t sni_len)
{
    uint8_t key[32];
    unsigned int klen = 0;
    if (!cache || !cache->sha256 || der == NULL || n == 0 || n > X509_DER_MAX ||
        EVP_Digest(der, n, key, &klen, cache->sha256, NULL) != 1 || klen != 32)
        return x509_cert_parse(der, n, out, eve, sni, sni_len);
    struct x509_cache_entry *e = cache_find(cache, key);
    if (!e) {
        e = cache_victim(cache);
        e->used = false;
        e->cert.ts_us = 0;
        e->cert.host_cert = e->cert.client_cert = false;
        if (!parse_der(der, n, &e->cert, &e->eve, NULL, 0, e, cache->has_keys ? &cache->keys : NULL, key))
            return false;
        memcpy(e->key, key, 32);
        e->used = true;
    }
    e->last_use = ++cache->clock;
    int64_t ts = out->ts_us;
    bool host = out->host_cert, client = out->client_cert;
    memcpy(out, &e->cert, sizeof *out);
    out->ts_us = ts;
    out->host_cert = host;
    out->client_cert = client;
    if (eve) {
        memcpy(eve, &e->eve, sizeof *eve);
        eve->sni_checked = sni != NULL;
        eve->sni_matches = sni != NULL && cached_matches_host(e, sni, sni_len);
    }
    return true;
}
