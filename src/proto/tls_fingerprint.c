/* The client and server fingerprints of a TLS handshake: Salesforce's JA3
 * and JA3S (MD5 of the hello's numbers as text) and FoxIO's JA4 (sorted
 * ciphers and extensions, truncated SHA-256). */
#include "proto/tls_fingerprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/json.h"

/* Values kept per ClientHello list (JA4 sorts them). */
#define TLS_LIST_MAX 2048

static void md5_hex(const char *s, size_t n, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    out[0] = '\0';
    if (EVP_Digest(s, n, d, &dl, EVP_md5(), NULL) != 1 || dl != 16)
        return;
    for (unsigned i = 0; i < 16; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[32] = '\0';
}

static void sha256_12(const char *s, size_t n, char out[13])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    memset(out, '0', 12);
    out[12] = '\0';
    if (EVP_Digest(s, n, d, &dl, EVP_sha256(), NULL) != 1 || dl < 6)
        return;
    for (unsigned i = 0; i < 6; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
}

/* Appends to a bounded text; *overflow is set once it no longer fits. */
struct text {
    char *p;
    size_t cap, len;
    bool overflow;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->overflow || t->cap - t->len <= n) {
        t->overflow = true;
        return;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* Numbers by hand rather than snprintf: a hello lists up to hundreds of
 * them, and snprintf's call costs ten times the digits. */
static void text_u32(struct text *t, uint32_t v)
{
    char b[24];
    text_add(t, b, json_fmt_u64(b, v));
}

/* v's low 16 bits as four lowercase hex digits ("%04x"). */
static void text_hex4(struct text *t, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char b[4] = {hex[v >> 12 & 15], hex[v >> 8 & 15], hex[v >> 4 & 15], hex[v & 15]};
    text_add(t, b, sizeof b);
}

/* A u16 list from a reader, GREASE values dropped, joined with sep. */
static void text_u16_list(struct text *t, struct byte_reader r, char sep)
{
    bool first = true;
    while (reader_left(&r) >= 2) {
        uint32_t v = reader_u16(&r);
        if (tls_is_grease(v))
            continue;
        if (!first)
            text_add(t, &sep, 1);
        first = false;
        text_u32(t, v);
    }
}

/* The next extension type of an extension block, GREASE skipped; false at
 * the end of the block or where it is cut. */
static bool next_extension_type(struct byte_reader *e, uint32_t *type)
{
    while (reader_left(e) >= 4) {
        *type = reader_u16(e);
        reader_sub(e, reader_u16(e));
        if (e->bad)
            return false;
        if (!tls_is_grease(*type))
            return true;
    }
    return false;
}

/* The types of an extension block, GREASE dropped, joined with '-'. */
static void text_extension_types(struct text *t, struct byte_reader e)
{
    bool first = true;
    uint32_t type;
    while (next_extension_type(&e, &type)) {
        if (!first)
            text_add(t, "-", 1);
        first = false;
        text_u32(t, type);
    }
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

void tls_ja3(struct tls_txn *t, const struct client_hello_view *v)
{
    struct text j = {t->ja3, sizeof(t->ja3), 0, false};
    t->ja3[0] = '\0';
    text_u32(&j, v->legacy_version);
    text_add(&j, ",", 1);
    text_u16_list(&j, v->ciphers, '-');
    text_add(&j, ",", 1);
    if (v->has_exts)
        text_extension_types(&j, v->exts);
    text_add(&j, ",", 1);
    if (v->has_groups)
        text_u16_list(&j, v->groups, '-');
    text_add(&j, ",", 1);
    if (v->has_points) {
        struct byte_reader p = v->points;
        bool first = true;
        while (reader_left(&p) >= 1) {
            if (!first)
                text_add(&j, "-", 1);
            first = false;
            text_u32(&j, reader_u8(&p));
        }
    }
    t->ja3_len = j.len;
    md5_hex(t->ja3, t->ja3_len, t->ja3_hash);
    t->has_ja3 = true;
}

static const char *ja4_version(uint32_t v)
{
    switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0002: return "s2";
    case 0xfeff: return "d1";
    case 0xfefd: return "d2";
    case 0xfefc: return "d3";
    default: return "00";
    }
}

static bool is_alnum_byte(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* FoxIO's JA4 (TLS over TCP): a_b_c with sorted ciphers and extensions. */
void tls_ja4(struct tls_txn *t, char transport, const struct client_hello_view *v)
{
    /* sort scratch: 8 KiB on the stack, once per ClientHello, not in every connection's state */
    uint16_t list_a[TLS_LIST_MAX], list_b[TLS_LIST_MAX];
    size_t n_ciphers = 0, n_exts = 0, n_exts_all = 0;

    struct byte_reader c = v->ciphers;
    while (reader_left(&c) >= 2) {
        uint32_t x = reader_u16(&c);
        if (tls_is_grease(x))
            continue;
        if (n_ciphers < TLS_LIST_MAX)
            list_a[n_ciphers] = (uint16_t)x;
        n_ciphers++;
    }
    if (v->has_exts) {
        struct byte_reader e = v->exts;
        uint32_t type;
        while (next_extension_type(&e, &type)) {
            n_exts_all++;
            if (type == EXT_SERVER_NAME || type == EXT_ALPN)
                continue;
            if (n_exts < TLS_LIST_MAX)
                list_b[n_exts++] = (uint16_t)type;
        }
    }
    size_t kc = n_ciphers < TLS_LIST_MAX ? n_ciphers : TLS_LIST_MAX;
    qsort(list_a, kc, sizeof(uint16_t), cmp_u16);
    qsort(list_b, n_exts, sizeof(uint16_t), cmp_u16);

    char alpn[3] = "00";
    if (v->has_alpn && v->alpn_first.n > 0) {
        uint8_t f = v->alpn_first.p[0], l = v->alpn_first.p[v->alpn_first.n - 1];
        if (f > 127) {
            memcpy(alpn, "99", 2);
        } else if (is_alnum_byte(f) && is_alnum_byte(l)) {
            alpn[0] = (char)f;
            alpn[1] = (char)l;
        } else {
            static const char hex[] = "0123456789abcdef";
            alpn[0] = hex[f >> 4];
            alpn[1] = hex[l & 15];
        }
    }
    uint32_t version = v->has_versions && v->max_version != 0 ? v->max_version : v->legacy_version;

    /* reuse the JA3 buffer's tail is not possible: build in a local */
    char raw[TLS_LIST_MAX * 5 + 16];
    struct text r = {raw, sizeof(raw), 0, false};
    raw[0] = '\0';
    for (size_t i = 0; i < kc; i++) {
        if (i > 0)
            text_add(&r, ",", 1);
        text_hex4(&r, list_a[i]);
    }
    char hash_b[13] = "000000000000";
    if (kc > 0)
        sha256_12(raw, r.len, hash_b);

    r.len = 0;
    r.overflow = false;
    raw[0] = '\0';
    for (size_t i = 0; i < n_exts; i++) {
        if (i > 0)
            text_add(&r, ",", 1);
        text_hex4(&r, list_b[i]);
    }
    if (v->has_sigalgs) {
        struct byte_reader s = v->sigalgs;
        bool first = true;
        while (reader_left(&s) >= 2) {
            uint32_t x = reader_u16(&s);
            if (tls_is_grease(x))
                continue;
            text_add(&r, first ? "_" : ",", 1);
            first = false;
            text_hex4(&r, x);
        }
    }
    char hash_c[13] = "000000000000";
    if (n_exts > 0)
        sha256_12(raw, r.len, hash_c);

    snprintf(t->ja4, sizeof(t->ja4), "%c%s%c%02u%02u%c%c_%s_%s",
             transport != '\0' ? transport : 't', ja4_version(version),
             v->has_sni ? 'd' : 'i', (unsigned)(n_ciphers > 99 ? 99 : n_ciphers),
             (unsigned)(n_exts_all > 99 ? 99 : n_exts_all), alpn[0], alpn[1], hash_b, hash_c);
    t->has_ja4 = true;
}

void tls_ja3s(struct tls_txn *t, uint32_t version, uint32_t cipher, const struct byte_reader *exts)
{
    struct text j = {t->ja3s, sizeof(t->ja3s), 0, false};
    t->ja3s[0] = '\0';
    text_u32(&j, version);
    text_add(&j, ",", 1);
    text_u32(&j, cipher);
    text_add(&j, ",", 1);
    if (exts != NULL)
        text_extension_types(&j, *exts);
    t->ja3s_len = j.len;
    md5_hex(t->ja3s, t->ja3s_len, t->ja3s_hash);
    t->has_ja3s = true;
}
