/* A fast JSON writer that appends to a caller-owned struct buf. No
 * allocation of its own, no DOM: values go straight into the buffer in the
 * order they are written, so output field order is exactly the call order
 * (what EVE and Zeek JSON consumers diff against).
 *
 * Strings are bytes from the wire, not trusted text. Two escaping dialects
 * reproduce what the reference tools write for the same bytes:
 *   JSON_SURICATA  (Suricata's Rust JsonBuilder): when the whole string is
 *     valid UTF-8 it is kept, control characters become \b \t \n \f \r or
 *     \u00xx (lower-case hex); when it is not valid UTF-8 every byte >= 0x80
 *     becomes the four characters \xNN, written in JSON as "\\xNN".
 *   JSON_ZEEK  (Zeek's JSON log writer, util::json_escape_utf8): when every
 *     byte is printable ASCII, \b \f \n \r \t or part of an acceptable
 *     UTF-8 character (zeek_utf8_char_length), the string is kept, with the
 *     short escapes; otherwise every other byte, valid multibyte characters
 *     included, becomes "\\xNN" (Zeek 8.1 briefly wrote \u00XX and reverted
 *     that, zeek/zeek#5362).
 * Neither tool writes U+FFFD, so neither do we: the original bytes stay
 * recoverable from the log. Depends on util/buf only. */
#ifndef VIGIL_UTIL_JSON_H
#define VIGIL_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum json_dialect {
    JSON_SURICATA,
    JSON_ZEEK,
};

#define JSON_MAX_DEPTH 32

struct json_writer {
    struct buf *b;
    enum json_dialect dialect;
    unsigned depth;
    bool after_key;
    uint32_t has_items; /* bit d: the container at depth d already has a member */
    bool misused;       /* unbalanced calls or nesting deeper than JSON_MAX_DEPTH */
};

/* Number and text primitives (no separators, no keys). The fmt_ ones write
 * into `out` and return the length; out needs 21 bytes for integers. */
size_t json_fmt_u64(char *out, uint64_t v);
size_t json_fmt_i64(char *out, int64_t v);
/* Microseconds as seconds with exactly 6 decimals, as "%.6f" would print
 * them but without a double round trip: -1 -> "-0.000001". out: 28 bytes. */
size_t json_fmt_us6(char *out, int64_t us);
/* Microseconds since the epoch as Suricata writes times, with no libc time
 * call: "2026-11-27T18:38:28.123456+0000". out: 40 bytes. */
size_t json_fmt_utc_us(char *out, int64_t us);
void json_append_u64(struct buf *b, uint64_t v);
void json_append_i64(struct buf *b, int64_t v);
void json_append_us6(struct buf *b, int64_t us);
/* Shortest text that reads back as the same double, laid out the way
 * RapidJSON (hence Zeek) prints it: 1.0, 0.000435, 1e-7, 1.5e22; NaN and
 * infinities as null. */
void json_append_double(struct buf *b, double d);
/* A quoted, escaped JSON string. */
void json_append_string(struct buf *b, const void *p, size_t n, enum json_dialect dialect);

/* Length of the well-formed UTF-8 sequence starting at p (1..4), or 0 when
 * p[0] does not start one (overlong forms, surrogates and code points above
 * U+10FFFF are rejected, as RFC 3629 says). */
size_t utf8_sequence_length(const uint8_t *p, size_t n);

/* Zeek's check_ok_utf8: the length of the well-formed multibyte character
 * at p, or 0 when there is none or it is a C1 control (U+0080..U+009F), in
 * the Private Use Area (U+E000..U+F8FF) or a Special (U+FFF0..U+FFFF). */
size_t zeek_utf8_char_length(const uint8_t *p, size_t n);

void json_init(struct json_writer *w, struct buf *b, enum json_dialect dialect);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* An object key; the next call writes its value. Keys are escaped too. */
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const void *p, size_t n);
void json_cstr(struct json_writer *w, const char *s); /* NULL -> null */
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double d);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* A value already formatted as JSON (a number, a nested document). */
void json_raw(struct json_writer *w, const char *p, size_t n);

/* key + value in one call, for the common case. */
void json_kv_str(struct json_writer *w, const char *key, const char *s);
void json_kv_strn(struct json_writer *w, const char *key, const void *p, size_t n);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
/* key: an array of the n strings of a record's char[n][width] table
 * (texts: the table, as (const char *)t). */
void json_kv_texts(struct json_writer *w, const char *key, const char *texts, size_t width, size_t n);
/* Suricata's EVE `traffic` object, the flowbits traffic/id/NAME and
 * traffic/label/NAME: {"id": [...], "label": [...]}, an empty array left
 * out and the whole object when both are empty. Flows (output/eve.c) and
 * alerts (sig/report.c) write it alike. */
void json_kv_traffic(struct json_writer *w, const char *const *ids, unsigned n_ids, const char *const *labels,
                     unsigned n_labels);

/* True once every container opened has been closed and nothing was misused. */
bool json_complete(const struct json_writer *w);

/* An object of string members, `"key":{"k0":"v0",...}` in the members'
 * order (EVE's ja3, hashes, ntlmssp objects); a value of len JSON_CSTR is
 * a C string, written as json_kv_str writes it. */
#define JSON_CSTR ((size_t)-1)
struct json_str_member {
    const char *key;
    const char *value;
    size_t len;
};
static inline void json_kv_str_object(struct json_writer *w, const char *key, const struct json_str_member *m,
                                      size_t n)
{
    json_key(w, key);
    json_object_begin(w);
    for (size_t i = 0; i < n; i++) {
        if (m[i].len == JSON_CSTR)
            json_kv_str(w, m[i].key, m[i].value);
        else
            json_kv_strn(w, m[i].key, m[i].value, m[i].len);
    }
    json_object_end(w);
}

#endif
