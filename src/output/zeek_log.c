/* The Zeek row builder: one call per field renders TSV (Zeek's Ascii
 * writer) and/or JSON (Zeek's JSON writer) straight into the worker's
 * buffers. */
#include "output/output_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/ascii.h"

static const char hex_lower[] = "0123456789abcdef";

const char *zeek_transport_name(uint8_t proto)
{
    switch (proto) {
    case 6: return "tcp";
    case 17: return "udp";
    case 1:
    case 58: return "icmp";
    default: return "unknown_transport";
    }
}

/* ---- TSV escaping (Zeek's Ascii formatter over an escaping ODesc with
 * UTF-8 enabled, LogAscii::enable_utf_8 = T) ---- */

static void tsv_hex(struct buf *b, uint8_t c)
{
    char esc[4] = {'\\', 'x', hex_lower[c >> 4], hex_lower[c & 15]};
    buf_append(b, esc, 4);
}

/* Zeek's ODesc cuts a string at its escape sequences (the backslash, the
 * separator, the set separator inside a set) and hands each piece between
 * them to util::json_escape_utf8, which keeps multibyte characters only in
 * a piece where no byte needs \xNN. */
static size_t tsv_segment_end(const uint8_t *p, size_t i, size_t n, bool in_list)
{
    while (i < n && p[i] != '\\' && p[i] != '\t' && !(in_list && p[i] == ','))
        i++;
    return i;
}

static bool tsv_segment_clean(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] >= 0x20 && p[i] < 0x7f) {
            i++;
            continue;
        }
        size_t len = p[i] >= 0x80 ? zeek_utf8_char_length(p + i, n - i) : 0;
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

static void tsv_append_segment(struct buf *b, const uint8_t *p, size_t n)
{
    if (tsv_segment_clean(p, n)) {
        buf_append(b, p, n);
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f)
            continue;
        buf_append(b, p + run, i - run);
        tsv_hex(b, p[i]);
        run = i + 1;
    }
    buf_append(b, p + run, n - run);
}

/* Whether p[0..n) is printable ASCII with no backslash (nor the set
 * separator in a list): what TSV writes as it is. Most strings are, and
 * eight bytes a step spare them the byte-by-byte passes below. */
static bool tsv_plain(const uint8_t *p, size_t n, bool in_list)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (ascii_word_unprintable(w) || ascii_word_has(w, '\\') || (in_list && ascii_word_has(w, ',')))
            return false;
    }
    for (; i < n; i++)
        if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\' || (in_list && p[i] == ','))
            return false;
    return true;
}

static void tsv_append_string(struct buf *b, const uint8_t *p, size_t n, bool in_list)
{
    if (n == 0) {
        buf_append(b, "(empty)", 7);
        return;
    }
    size_t i = 0;
    /* a value that reads as the unset or empty marker gets its first byte escaped */
    if ((n == 1 && p[0] == '-') || (n == 7 && memcmp(p, "(empty)", 7) == 0)) {
        tsv_hex(b, p[0]);
        i = 1;
    } else if (tsv_plain(p, n, in_list)) {
        buf_append(b, p, n);
        return;
    }
    while (i < n) {
        size_t end = tsv_segment_end(p, i, n, in_list);
        tsv_append_segment(b, p + i, end - i);
        if (end < n && p[end] == '\\')
            buf_append(b, "\\\\", 2); /* Zeek's get_escaped_string: a backslash is doubled (smb_mapping.log paths) */
        else if (end < n)
            tsv_hex(b, p[end]);
        i = end + 1;
    }
}

/* ---- time values ---- */

static void split_us(int64_t us, int64_t *sec, int64_t *usec)
{
    *sec = us / 1000000;
    *usec = us % 1000000;
    if (*usec < 0) {
        *usec += 1000000;
        *sec -= 1;
    }
}

/* The double Zeek holds for a packet time: tv_sec + tv_usec / 1e6. */
static double zeek_time_double(int64_t us)
{
    int64_t sec, usec;
    split_us(us, &sec, &usec);
    return (double)sec + (double)usec / 1e6;
}

/* Zeek's JSON writes times with RapidJSON's shortest round-trip form. Below
 * 2^33 s a double resolves microseconds, so that form is the 6-decimal text
 * without its trailing zeros; elsewhere we take the generic path. */
static void json_append_zeek_time(struct buf *b, int64_t us)
{
    int64_t sec, usec;
    split_us(us, &sec, &usec);
    if (sec < 0 || sec >= ((int64_t)1 << 33)) {
        json_append_double(b, zeek_time_double(us));
        return;
    }
    char tmp[32];
    size_t n = json_fmt_u64(tmp, (uint64_t)sec);
    tmp[n++] = '.';
    if (usec == 0) {
        tmp[n++] = '0';
    } else {
        char frac[6];
        int64_t v = usec;
        for (int i = 5; i >= 0; i--) {
            frac[i] = (char)('0' + v % 10);
            v /= 10;
        }
        size_t fl = 6;
        while (frac[fl - 1] == '0')
            fl--;
        memcpy(tmp + n, frac, fl);
        n += fl;
    }
    buf_append(b, tmp, n);
}

/* JSON::TS_ISO8601: UTC, microseconds, "Z". */
static void json_append_iso8601(struct buf *b, int64_t us)
{
    int64_t sec, usec;
    split_us(us, &sec, &usec);
    time_t t = (time_t)sec;
    struct tm tm;
    char text[48];
    if (gmtime_r(&t, &tm) == NULL) {
        json_append_zeek_time(b, us);
        return;
    }
    size_t n = strftime(text, sizeof text, "\"%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(text + n, sizeof text - n, ".%06dZ\"", (int)usec);
    buf_append(b, text, strlen(text));
}

/* ---- the row ---- */

static struct buf *tsv_buf(struct zrow *r) { return r->tsv ? &r->tsv->buf : NULL; }
static struct buf *json_buf(struct zrow *r) { return r->json ? &r->json->buf : NULL; }

struct zrow *zrow_begin(struct output_worker *w, const struct zeek_schema *schema)
{
    if (w == NULL || w->o == NULL || schema == NULL)
        return NULL;
    unsigned formats = w->o->formats;
    if ((formats & (OUTPUT_ZEEK_TSV | OUTPUT_ZEEK_JSON)) == 0)
        return NULL;
    struct zrow *r = &w->row;
    if (r->active) {
        /* the previous row was never ended: a caller bug, drop it */
        zrow_abort(r);
        output_count_bad_row(w);
    }
    memset(r, 0, sizeof(*r));
    r->worker = w;
    r->schema = schema;
    if (formats & OUTPUT_ZEEK_TSV)
        r->tsv = output_worker_log(w, schema, LOG_ZEEK_TSV);
    if ((formats & OUTPUT_ZEEK_JSON) || w->o->kafka != NULL) /* Kafka carries Zeek logs as JSON */
        r->json = output_worker_log(w, schema, LOG_ZEEK_JSON);
    if (r->tsv == NULL && r->json == NULL)
        return NULL;
    if (r->tsv)
        r->tsv_start = r->tsv->buf.len;
    if (r->json) {
        r->json_start = r->json->buf.len;
        buf_putc(&r->json->buf, '{');
    }
    r->active = true;
    return r;
}

void zrow_abort(struct zrow *r)
{
    if (r == NULL || !r->active)
        return;
    if (r->tsv) {
        buf_truncate(&r->tsv->buf, r->tsv_start);
        r->tsv->buf.failed = false;
    }
    if (r->json) {
        buf_truncate(&r->json->buf, r->json_start);
        r->json->buf.failed = false;
    }
    r->active = false;
}

/* Claims the next field: writes the TSV separator, returns the field or
 * NULL when the row already has all its values. */
static const struct zeek_field *next_field(struct zrow *r)
{
    if (r == NULL || !r->active)
        return NULL;
    if (r->in_list) {
        r->bad = true;
        zrow_list_end(r);
    }
    if (r->field >= r->schema->n_fields) {
        r->bad = true;
        return NULL;
    }
    const struct zeek_field *f = zeek_schema_field(r->schema, r->field++);
    if (r->tsv && r->field > 1)
        buf_putc(&r->tsv->buf, '\t');
    return f;
}

static void json_field_key(struct zrow *r, const struct zeek_field *f)
{
    struct buf *b = json_buf(r);
    if (b == NULL)
        return;
    if (r->json_members++ > 0)
        buf_putc(b, ',');
    buf_putc(b, '"');
    buf_puts(b, f->name);
    buf_append(b, "\":", 2);
}

/* Claims the next field for a value: *tsv is where its TSV text goes and
 * *json where its JSON value goes, after the key (each NULL when the run
 * writes no such format); false when the row takes no more values. */
static inline bool next_value(struct zrow *r, struct buf **tsv, struct buf **json)
{
    const struct zeek_field *f = next_field(r);
    if (f == NULL)
        return false;
    *tsv = tsv_buf(r);
    *json = json_buf(r);
    if (*json)
        json_field_key(r, f);
    return true;
}

void zrow_unset(struct zrow *r)
{
    if (next_field(r) == NULL)
        return;
    if (r->tsv)
        buf_putc(&r->tsv->buf, '-');
}

void zrow_time(struct zrow *r, int64_t us)
{
    struct buf *tsv, *json;
    if (!next_value(r, &tsv, &json))
        return;
    if (tsv)
        json_append_us6(tsv, us);
    if (json && (r->worker->o->formats & OUTPUT_ZEEK_JSON_ISO8601))
        json_append_iso8601(json, us);
    else if (json)
        json_append_zeek_time(json, us);
}

static void tsv_append_double(struct buf *b, double v);

/* A JSON number: a double, or an interval (interval_us not NULL: its TSV
 * text is the exact microseconds, not the double's). */
static void double_value(struct zrow *r, double v, const int64_t *interval_us)
{
    struct buf *tsv, *json;
    if (!next_value(r, &tsv, &json))
        return;
    if (tsv && interval_us)
        json_append_us6(tsv, *interval_us);
    else if (tsv)
        tsv_append_double(tsv, v);
    if (json)
        json_append_double(json, v);
}

void zrow_interval(struct zrow *r, int64_t us)
{
    double_value(r, (double)us / 1e6, &us);
}

void zrow_interval_between(struct zrow *r, int64_t start_us, int64_t end_us)
{
    int64_t us = end_us - start_us;
    double_value(r, zeek_time_double(end_us) - zeek_time_double(start_us), &us);
}

void zrow_string(struct zrow *r, const void *p, size_t n)
{
    struct buf *tsv, *json;
    if (!next_value(r, &tsv, &json))
        return;
    if (p == NULL)
        n = 0;
    if (tsv)
        tsv_append_string(tsv, p, n, false);
    if (json)
        json_append_string(json, p, n, JSON_ZEEK);
}

void zrow_opt_string(struct zrow *r, bool present, const void *p, size_t n)
{
    if (zrow_present(r, present))
        zrow_string(r, p, n);
}

void zrow_opt_addr(struct zrow *r, bool present, const struct ip_addr *a)
{
    if (zrow_present(r, present))
        zrow_addr(r, a);
}

void zrow_opt_port(struct zrow *r, bool present, uint16_t port)
{
    if (zrow_present(r, present))
        zrow_port(r, port);
}

void zrow_opt_count(struct zrow *r, bool present, uint64_t v)
{
    if (zrow_present(r, present))
        zrow_count(r, v);
}

void zrow_cstr(struct zrow *r, const char *s)
{
    if (s == NULL)
        zrow_unset(r);
    else
        zrow_string(r, s, strlen(s));
}

void zrow_enum(struct zrow *r, const char *s)
{
    zrow_cstr(r, s);
}

/* A value whose TSV text is its JSON text, quoted or not in JSON. */
static void text_value(struct zrow *r, const char *text, size_t n, bool quoted)
{
    struct buf *tsv, *json;
    if (!next_value(r, &tsv, &json))
        return;
    if (tsv)
        buf_append(tsv, text, n);
    if (json && quoted)
        buf_putc(json, '"');
    if (json)
        buf_append(json, text, n);
    if (json && quoted)
        buf_putc(json, '"');
}

void zrow_addr(struct zrow *r, const struct ip_addr *a)
{
    zrow_subnet(r, a, UINT_MAX);
}

/* prefix_len UINT_MAX: an address. */
void zrow_subnet(struct zrow *r, const struct ip_addr *a, unsigned prefix_len)
{
    if (a == NULL) {
        zrow_unset(r);
        return;
    }
    char text[IP_ADDR_STRLEN + 8];
    size_t n = ip_addr_format(a, text, IP_ADDR_STRLEN);
    if (prefix_len != UINT_MAX) {
        text[n++] = '/';
        n += json_fmt_u64(text + n, prefix_len);
    }
    text_value(r, text, n, true);
}

void zrow_port(struct zrow *r, uint16_t port)
{
    zrow_count(r, port);
}

void zrow_count(struct zrow *r, uint64_t v)
{
    char text[24];
    text_value(r, text, json_fmt_u64(text, v), false);
}

void zrow_int(struct zrow *r, int64_t v)
{
    char text[24];
    text_value(r, text, json_fmt_i64(text, v), false);
}

/* Zeek's TSV double: up to 6 decimals, trailing zeros dropped, ".0" kept
 * on integral values. */
static void tsv_append_double(struct buf *b, double v)
{
    if (isnan(v) || isinf(v)) {
        buf_puts(b, isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf"));
        return;
    }
    char text[64];
    int n = snprintf(text, sizeof(text), "%.6f", v);
    if (n < 0 || (size_t)n >= sizeof(text)) {
        n = snprintf(text, sizeof(text), "%e", v);
        buf_append(b, text, n > 0 ? (size_t)n : 0);
        return;
    }
    while (n > 0 && text[n - 1] == '0')
        n--;
    if (n > 0 && text[n - 1] == '.')
        text[n++] = '0';
    buf_append(b, text, (size_t)n);
}

void zrow_double(struct zrow *r, double v)
{
    double_value(r, v, NULL);
}

void zrow_bool(struct zrow *r, bool v)
{
    struct buf *tsv, *json;
    if (!next_value(r, &tsv, &json))
        return;
    if (tsv)
        buf_putc(tsv, v ? 'T' : 'F');
    if (json)
        buf_puts(json, v ? "true" : "false");
}

void zrow_list_begin(struct zrow *r)
{
    const struct zeek_field *f = next_field(r);
    if (r == NULL || !r->active)
        return;
    r->in_list = true;
    r->list_items = 0;
    r->list_skipped = (f == NULL);
    if (f != NULL && r->json) {
        json_field_key(r, f);
        buf_putc(json_buf(r), '[');
    }
}

/* Separators before a list item; false when the item must be ignored. */
static bool list_item_start(struct zrow *r)
{
    if (r == NULL || !r->active)
        return false;
    if (!r->in_list) {
        r->bad = true;
        return false;
    }
    if (r->list_skipped)
        return false;
    if (r->list_items++ > 0) {
        if (r->tsv)
            buf_putc(tsv_buf(r), ',');
        if (r->json)
            buf_putc(json_buf(r), ',');
    }
    return true;
}

void zrow_item_string(struct zrow *r, const void *p, size_t n)
{
    if (!list_item_start(r))
        return;
    if (p == NULL)
        n = 0;
    if (r->tsv)
        tsv_append_string(tsv_buf(r), p, n, true);
    if (r->json)
        json_append_string(json_buf(r), p, n, JSON_ZEEK);
}

void zrow_item_cstr(struct zrow *r, const char *s)
{
    zrow_item_string(r, s, s ? strlen(s) : 0);
}

void zrow_item_addr(struct zrow *r, const struct ip_addr *a)
{
    if (a == NULL || !list_item_start(r))
        return;
    char text[IP_ADDR_STRLEN];
    size_t n = ip_addr_format(a, text, sizeof(text));
    if (r->tsv)
        buf_append(tsv_buf(r), text, n);
    if (r->json) {
        buf_putc(json_buf(r), '"');
        buf_append(json_buf(r), text, n);
        buf_putc(json_buf(r), '"');
    }
}

void zrow_item_count(struct zrow *r, uint64_t v)
{
    if (!list_item_start(r))
        return;
    char text[24];
    size_t n = json_fmt_u64(text, v);
    if (r->tsv)
        buf_append(tsv_buf(r), text, n);
    if (r->json)
        buf_append(json_buf(r), text, n);
}

void zrow_item_interval(struct zrow *r, int64_t us)
{
    if (!list_item_start(r))
        return;
    if (r->tsv)
        json_append_us6(tsv_buf(r), us);
    if (r->json)
        json_append_double(json_buf(r), (double)us / 1e6);
}

void zrow_list_end(struct zrow *r)
{
    if (r == NULL || !r->active)
        return;
    if (!r->in_list) {
        r->bad = true;
        return;
    }
    r->in_list = false;
    if (r->list_skipped)
        return;
    if (r->tsv && r->list_items == 0)
        buf_append(tsv_buf(r), "(empty)", 7);
    if (r->json)
        buf_putc(json_buf(r), ']');
}

void zrow_strings(struct zrow *r, const struct byte_view *items, size_t n)
{
    zrow_list_begin(r);
    for (size_t i = 0; i < n; i++)
        zrow_item_string(r, items[i].p, items[i].n);
    zrow_list_end(r);
}

void zrow_text_or_unset(struct zrow *r, const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == 0)
        zrow_unset(r);
    else
        zrow_string(r, s, n);
}

void zrow_texts(struct zrow *r, const char *texts, size_t width, size_t n)
{
    zrow_list_begin(r);
    for (size_t i = 0; i < n; i++)
        zrow_item_cstr(r, texts + i * width);
    zrow_list_end(r);
}

void zrow_addrs(struct zrow *r, const struct ip_addr *a, size_t n)
{
    zrow_list_begin(r);
    for (size_t i = 0; i < n; i++)
        zrow_item_addr(r, &a[i]);
    zrow_list_end(r);
}

void zrow_end(struct zrow *r)
{
    if (r == NULL || !r->active)
        return;
    if (r->in_list) {
        r->bad = true;
        zrow_list_end(r);
    }
    while (r->field < r->schema->n_fields) {
        r->bad = true;
        zrow_unset(r);
    }
    struct output_worker *w = r->worker;
    if (r->tsv) {
        buf_putc(&r->tsv->buf, '\n');
        output_worker_commit(w, r->tsv, r->tsv_start);
    }
    if (r->json) {
        buf_append(&r->json->buf, "}\n", 2);
        output_worker_commit(w, r->json, r->json_start);
    }
    r->active = false;
    if (r->bad)
        output_count_bad_row(w);
}
