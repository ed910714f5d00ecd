#include "util/json.h"
#include "util/ascii.h"
#include "util/civil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hex_lower[] = "0123456789abcdef";

/* "00" to "99": two digits a division. Every count, port, flow id and
 * timestamp of the logs goes through json_fmt_u64. */
static const char digit_pairs[] = "00010203040506070809"
                                  "10111213141516171819"
                                  "20212223242526272829"
                                  "30313233343536373839"
                                  "40414243444546474849"
                                  "50515253545556575859"
                                  "60616263646566676869"
                                  "70717273747576777879"
                                  "80818283848586878889"
                                  "90919293949596979899";

static inline size_t put2(char *out, unsigned v)
{
    memcpy(out, digit_pairs + v % 100 * 2, 2);
    return 2;
}

/* v (below 1000000) as six digits, leading zeros kept: a timestamp's
 * microseconds. */
static inline void put6(char *out, uint64_t v)
{
    put2(out, (unsigned)(v / 10000));
    put2(out + 2, (unsigned)(v / 100 % 100));
    put2(out + 4, (unsigned)(v % 100));
}

size_t json_fmt_u64(char *out, uint64_t v)
{
    char tmp[20]; /* UINT64_MAX has 20 digits */
    size_t i = sizeof tmp;
    while (v >= 100) {
        size_t d = (size_t)(v % 100) * 2;
        v /= 100;
        tmp[--i] = digit_pairs[d + 1];
        tmp[--i] = digit_pairs[d];
    }
    if (v >= 10) {
        tmp[--i] = digit_pairs[v * 2 + 1];
        tmp[--i] = digit_pairs[v * 2];
    } else {
        tmp[--i] = (char)('0' + v);
    }
    size_t n = sizeof tmp - i;
    for (size_t k = 0; k < n; k++)
        out[k] = tmp[i + k];
    return n;
}

size_t json_fmt_i64(char *out, int64_t v)
{
    if (v >= 0)
        return json_fmt_u64(out, (uint64_t)v);
    out[0] = '-';
    /* negate in unsigned arithmetic so INT64_MIN does not overflow */
    return 1 + json_fmt_u64(out + 1, (uint64_t)0 - (uint64_t)v);
}

size_t json_fmt_us6(char *out, int64_t us)
{
    size_t n = 0;
    uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    if (us < 0)
        out[n++] = '-';
    n += json_fmt_u64(out + n, mag / 1000000);
    out[n++] = '.';
    put6(out + n, mag % 1000000);
    return n + 6;
}

void json_append_u64(struct buf *b, uint64_t v)
{
    if (b->cap - b->len >= 20) { /* room for any: the digits go straight in */
        b->len += json_fmt_u64(b->data + b->len, v);
        return;
    }
    char tmp[24];
    buf_append(b, tmp, json_fmt_u64(tmp, v));
}

void json_append_i64(struct buf *b, int64_t v)
{
    if (b->cap - b->len >= 21) {
        b->len += json_fmt_i64(b->data + b->len, v);
        return;
    }
    char tmp[24];
    buf_append(b, tmp, json_fmt_i64(tmp, v));
}

void json_append_us6(struct buf *b, int64_t us)
{
    if (b->cap - b->len >= 28) { /* sign, 20 digits, point, 6 digits */
        b->len += json_fmt_us6(b->data + b->len, us);
        return;
    }
    char tmp[32];
    buf_append(b, tmp, json_fmt_us6(tmp, us));
}

/* Shortest decimal digits for d (> 0, finite) and the decimal exponent of
 * the first digit. Tries 15, 16 then 17 significant digits: the first that
 * reads back exactly is the shortest up to trailing zeros. */
static size_t shortest_digits(double d, char digits[20], int *exp10)
{
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
        if (prec == 17 || strtod(tmp, NULL) == d)
            break;
    }
    size_t n = 0;
    const char *s = tmp;
    for (; *s != 'e' && *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9' && n < 19)
            digits[n++] = *s;
    }
    *exp10 = (*s == 'e') ? (int)strtol(s + 1, NULL, 10) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return n;
}

static void append_exponent(struct buf *b, int e)
{
    buf_putc(b, 'e');
    if (e < 0) {
        buf_putc(b, '-');
        e = -e;
    }
    json_append_u64(b, (uint64_t)e);
}

void json_append_double(struct buf *b, double d)
{
    if (isnan(d) || isinf(d)) {
        buf_append(b, "null", 4);
        return;
    }
    if (signbit(d)) {
        buf_putc(b, '-');
        d = -d;
    }
    if (d == 0.0) {
        buf_append(b, "0.0", 3);
        return;
    }
    char digits[20];
    int exp10;
    int len = (int)shortest_digits(d, digits, &exp10);
    int k = exp10 - (len - 1); /* value = digits * 10^k */
    int kk = len + k;          /* position of the decimal point */
    if (k >= 0 && kk <= 21) {
        buf_append(b, digits, (size_t)len);
        for (int i = 0; i < k; i++)
            buf_putc(b, '0');
        buf_append(b, ".0", 2);
    } else if (kk > 0 && kk <= 21) {
        buf_append(b, digits, (size_t)kk);
        buf_putc(b, '.');
        buf_append(b, digits + kk, (size_t)(len - kk));
    } else if (kk > -6 && kk <= 0) {
        buf_append(b, "0.", 2);
        for (int i = 0; i < -kk; i++)
            buf_putc(b, '0');
        buf_append(b, digits, (size_t)len);
    } else if (len == 1) {
        buf_putc(b, digits[0]);
        append_exponent(b, kk - 1);
    } else {
        buf_putc(b, digits[0]);
        buf_putc(b, '.');
        buf_append(b, digits + 1, (size_t)(len - 1));
        append_exponent(b, kk - 1);
    }
}

size_t utf8_sequence_length(const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

size_t zeek_utf8_char_length(const uint8_t *p, size_t n)
{
    size_t len = utf8_sequence_length(p, n);
    if (len < 2)
        return 0;
    uint32_t cp = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++)
        cp = cp << 6 | (p[i] & 0x3f);
    if (cp <= 0x9f || (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xffff))
        return 0;
    return len;
}

static bool is_valid_utf8(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_sequence_length(p + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

/* The two-character escapes JSON defines; 0 where there is none. */
static char short_escape(uint8_t c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
    }
}

/* 1 for a byte a JSON string escapes: below 0x20, '"', '\\', and 0x7f and
 * up. A table, as the bytes that end a string's 8-byte steps are looked at
 * one by one. */
static const uint8_t escaped_byte[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70: DEL */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xa0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xb0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xc0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xd0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xe0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xf0 */
};

/* DEL is escaped by Zeek only; Suricata copies it. */
static inline bool needs_escape(uint8_t c)
{
    return escaped_byte[c] != 0;
}

/* Writes "\\xNN": the JSON text of a literal backslash, 'x' and two hex digits. */
static void append_backslash_hex(struct buf *b, uint8_t c)
{
    char esc[5] = {'\\', '\\', 'x', hex_lower[c >> 4], hex_lower[c & 15]};
    buf_append(b, esc, sizeof(esc));
}

static void append_unicode_escape(struct buf *b, uint8_t c)
{
    char esc[6] = {'\\', 'u', '0', '0', hex_lower[c >> 4], hex_lower[c & 15]};
    buf_append(b, esc, sizeof(esc));
}

static void escape_suricata(struct buf *b, const uint8_t *p, size_t n)
{
    bool valid = is_valid_utf8(p, n);
    size_t run = 0; /* start of the pending run of bytes copied verbatim */
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (!needs_escape(c) || c == 0x7f || (c >= 0x80 && valid))
            continue;
        buf_append(b, p + run, i - run);
        run = i + 1;
        char e = short_escape(c);
        if (e != 0) {
            char esc[2] = {'\\', e};
            buf_append(b, esc, 2);
        } else if (c < 0x20) {
            append_unicode_escape(b, c);
        } else {
            append_backslash_hex(b, c);
        }
    }
    buf_append(b, p + run, n - run);
}

/* Zeek's JSON keeps a string's multibyte characters only when nothing in
 * it has to become \\xNN. */
static bool zeek_json_clean(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if ((c >= 0x20 && c < 0x7f) || (c < 0x20 && short_escape(c) != 0)) {
            i++;
            continue;
        }
        size_t len = c >= 0x80 ? zeek_utf8_char_length(p + i, n - i) : 0;
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

static void escape_zeek(struct buf *b, const uint8_t *p, size_t n)
{
    bool clean = zeek_json_clean(p, n);
    size_t run = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (!needs_escape(c)) {
            i++;
            continue;
        }
        if (c >= 0x80 && clean) {
            i += zeek_utf8_char_length(p + i, n - i);
            continue;
        }
        buf_append(b, p + run, i - run);
        char e = short_escape(c);
        if (e != 0) {
            char esc[2] = {'\\', e};
            buf_append(b, esc, 2);
        } else {
            append_backslash_hex(b, c);
        }
        i++;
        run = i;
    }
    buf_append(b, p + run, n - run);
}

/* Whether any byte of the 8 in w needs escaping: below 0x20, '"', '\\' or
 * 0x7f and up (the bit tricks of "Bit Twiddling Hacks": hasless, haszero,
 * hasmore). Strings are most of the EVE and JSON logs' bytes, and eight
 * bytes a step make their scan a third of the cost of one byte a step. */
static inline bool word_needs_escape(uint64_t w)
{
    return ascii_word_unprintable(w) || ascii_word_has(w, '"') || ascii_word_has(w, '\\');
}

/* The length of p's longest prefix that needs no escape. */
static size_t plain_prefix(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (word_needs_escape(w))
            break;
    }
    if (i < n && i + 8 > n && n >= 8) {
        /* the last 8 bytes, overlapping the words already seen, rather
         * than the tail byte by byte */
        uint64_t w;
        memcpy(&w, p + n - 8, 8);
        if (!word_needs_escape(w))
            return n;
    }
    while (i < n && !needs_escape(p[i]))
        i++;
    return i;
}

void json_append_string(struct buf *b, const void *p, size_t n, enum json_dialect dialect)
{
    size_t plain = plain_prefix(p, n);
    if (plain == n) {
        /* the common case, printable ASCII: one copy */
        if (!buf_reserve(b, n + 2))
            return;
        char *out = b->data + b->len;
        out[0] = '"';
        if (n > 0)
            memcpy(out + 1, p, n);
        out[n + 1] = '"';
        b->len += n + 2;
        return;
    }
    buf_reserve(b, n + 2);
    buf_putc(b, '"');
    if (n > 0) {
        if (dialect == JSON_ZEEK)
            escape_zeek(b, p, n);
        else
            escape_suricata(b, p, n);
    }
    buf_putc(b, '"');
}

void json_init(struct json_writer *w, struct buf *b, enum json_dialect dialect)
{
    w->b = b;
    w->dialect = dialect;
    w->depth = 0;
    w->after_key = false;
    w->has_items = 0;
    w->misused = false;
}

/* Writes the comma a new member or element needs, unless it follows a key. */
static inline void before_value(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    uint32_t bit = 1u << (w->depth - 1);
    if (w->has_items & bit)
        buf_putc(w->b, ',');
    w->has_items |= bit;
}

static void open_container(struct json_writer *w, char c)
{
    before_value(w);
    buf_putc(w->b, c);
    if (w->depth >= JSON_MAX_DEPTH) {
        w->misused = true;
        return;
    }
    w->depth++;
    w->has_items &= ~(1u << (w->depth - 1));
}

static void close_container(struct json_writer *w, char c)
{
    if (w->depth == 0 || w->after_key)
        w->misused = true;
    else
        w->depth--;
    w->after_key = false;
    buf_putc(w->b, c);
}

void json_object_begin(struct json_writer *w) { open_container(w, '{'); }
void json_object_end(struct json_writer *w) { close_container(w, '}'); }
void json_array_begin(struct json_writer *w) { open_container(w, '['); }
void json_array_end(struct json_writer *w) { close_container(w, ']'); }

/* Keys are short names that need no escape: written in the pass that scans
 * them when the buffer already has room for this many bytes and more. */
#define JSON_KEY_FAST 32

void json_key(struct json_writer *w, const char *key)
{
    before_value(w);
    w->after_key = true;
    struct buf *b = w->b;
    if (b->cap - b->len >= JSON_KEY_FAST + 3) {
        char *out = b->data + b->len;
        size_t i = 0;
        out[0] = '"';
        for (; i < JSON_KEY_FAST && key[i] != '\0' && !needs_escape((uint8_t)key[i]); i++)
            out[1 + i] = key[i];
        if (key[i] == '\0') {
            out[1 + i] = '"';
            out[2 + i] = ':';
            b->len += i + 3;
            return;
        }
        /* longer, or escaped: nothing was counted, the general way writes it over */
    }
    json_append_string(b, key, strlen(key), w->dialect);
    buf_putc(b, ':');
}

void json_string(struct json_writer *w, const void *p, size_t n)
{
    before_value(w);
    json_append_string(w->b, p, n, w->dialect);
}

void json_cstr(struct json_writer *w, const char *s)
{
    if (s == NULL)
        json_null(w);
    else
        json_string(w, s, strlen(s));
}

void json_uint(struct json_writer *w, uint64_t v)
{
    before_value(w);
    json_append_u64(w->b, v);
}

void json_int(struct json_writer *w, int64_t v)
{
    before_value(w);
    json_append_i64(w->b, v);
}

void json_double(struct json_writer *w, double d)
{
    before_value(w);
    json_append_double(w->b, d);
}

void json_bool(struct json_writer *w, bool v)
{
    before_value(w);
    if (v)
        buf_append(w->b, "true", 4);
    else
        buf_append(w->b, "false", 5);
}

void json_null(struct json_writer *w)
{
    before_value(w);
    buf_append(w->b, "null", 4);
}

void json_raw(struct json_writer *w, const char *p, size_t n)
{
    before_value(w);
    buf_append(w->b, p, n);
}

void json_kv_str(struct json_writer *w, const char *key, const char *s)
{
    json_key(w, key);
    json_cstr(w, s);
}

void json_kv_strn(struct json_writer *w, const char *key, const void *p, size_t n)
{
    json_key(w, key);
    json_string(w, p, n);
}

void json_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
    json_key(w, key);
    json_uint(w, v);
}

void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
    json_key(w, key);
    json_int(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
    json_key(w, key);
    json_bool(w, v);
}

void json_kv_texts(struct json_writer *w, const char *key, const char *texts, size_t width, size_t n)
{
    json_key(w, key);
    json_array_begin(w);
    for (size_t i = 0; i < n; i++)
        json_cstr(w, texts + i * width);
    json_array_end(w);
}

static void traffic_list(struct json_writer *w, const char *key, const char *const *v, unsigned n)
{
    if (n == 0)
        return;
    json_key(w, key);
    json_array_begin(w);
    for (unsigned i = 0; i < n; i++)
        json_cstr(w, v[i]);
    json_array_end(w);
}

void json_kv_traffic(struct json_writer *w, const char *const *ids, unsigned n_ids, const char *const *labels,
                     unsigned n_labels)
{
    if (n_ids == 0 && n_labels == 0)
        return;
    json_key(w, "traffic");
    json_object_begin(w);
    traffic_list(w, "id", ids, n_ids);
    traffic_list(w, "label", labels, n_labels);
    json_object_end(w);
}

bool json_complete(const struct json_writer *w)
{
    return w->depth == 0 && !w->after_key && !w->misused;
}

size_t json_fmt_utc_us(char *out, int64_t us)
{
    int64_t sec = us / 1000000, usec = us % 1000000;
    if (usec < 0) {
        usec += 1000000;
        sec -= 1;
    }
    int64_t days = sec / 86400, rem = sec % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    int64_t year;
    unsigned month, day;
    civil_from_days(days, &year, &month, &day);
    size_t n = 0;
    if (year < 0 || year > 9999) {
        n += json_fmt_i64(out, year);
    } else {
        n += put2(out + n, (unsigned)(year / 100));
        n += put2(out + n, (unsigned)(year % 100));
    }
    out[n++] = '-';
    n += put2(out + n, month);
    out[n++] = '-';
    n += put2(out + n, day);
    out[n++] = 'T';
    n += put2(out + n, (unsigned)(rem / 3600));
    out[n++] = ':';
    n += put2(out + n, (unsigned)(rem / 60 % 60));
    out[n++] = ':';
    n += put2(out + n, (unsigned)(rem % 60));
    out[n++] = '.';
    put6(out + n, (uint64_t)usec);
    n += 6;
    memcpy(out + n, "+0000", 5);
    return n + 5;
}
