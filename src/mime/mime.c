/* The streaming MIME parser (mime.h), modelled on Zeek's MIME_Entity for
 * the structure and on Suricata's mime parser for the attachment names
 * EVE reports. */
#include "mime/mime.h"
#include "util/ascii.h"
#include "util/base64.h"
#include "util/bytes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum boundary_match { NOT_BOUNDARY, BOUNDARY, CLOSING_BOUNDARY };

static bool is_lws(uint8_t c) { return c == ' ' || c == '\t'; }
static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static bool in_set(uint8_t c, const char *set) { return c != 0 && strchr(set, c) != NULL; }

static void weird(struct mime_parser *m, const char *name, const char *addl)
{
    if (m->hooks.weird != NULL)
        m->hooks.weird(m->hooks.ctx, name, addl);
}

static size_t skip_comment(const uint8_t *p, size_t n)
{
    if (n == 0 || p[0] != '(')
        return 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '(') {
            depth++;
        } else if (p[i] == ')') {
            if (--depth == 0)
                return i + 1;
        } else if (p[i] == '\\') {
            i++;
        }
    }
    return n;
}

static size_t skip_lws_comments(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (is_lws(p[i]))
            i++;
        else if (p[i] == '(')
            i += skip_comment(p + i, n - i);
        else
            return i;
    }
    return n;
}

static bool is_tspecial(uint8_t c, bool boundary)
{
    if (boundary)
        return c == '"';
    return in_set(c, "()<>@,;:\\\"/[]?=");
}

static bool is_token_char(uint8_t c, bool boundary) { return c >= 33 && c <= 126 && !is_tspecial(c, boundary); }

/* MIME_get_token: skips to the next token; returns the offset after it or -1. */
static long get_token(const uint8_t *p, size_t n, bool boundary, size_t *tok_off, size_t *tok_len)
{
    size_t i = boundary ? 0 : skip_lws_comments(p, n);
    while (i < n) {
        if (is_token_char(p[i], boundary)) {
            size_t j = i;
            while (j < n && is_token_char(p[j], boundary))
                j++;
            *tok_off = i;
            *tok_len = j - i;
            return (long)j;
        }
        size_t k = skip_lws_comments(p + i, n - i);
        i += k > 0 ? k : 1;
    }
    return -1;
}

static void set_boundary(struct mime_entity *e, const uint8_t *p, size_t n, bool quoted)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < MIME_MAX_BOUNDARY; i++) {
        if (quoted && p[i] == '\\') {
            if (++i >= n)
                break;
        }
        e->boundary[k++] = p[i];
    }
    e->boundary_len = k;
    e->has_boundary = true;
}

/* ParseFieldParameters for Content-Type: only the boundary matters. */
static void parse_parameters(struct mime_parser *m, struct mime_entity *e, const uint8_t *p, size_t n)
{
    for (;;) {
        size_t off = skip_lws_comments(p, n);
        if (off >= n || p[off] != ';')
            return;
        p += off + 1;
        n -= off + 1;
        size_t to, tl;
        long r = get_token(p, n, false, &to, &tl);
        if (r < 0)
            return;
        const uint8_t *attr = p + to;
        size_t attr_len = tl;
        p += r;
        n -= (size_t)r;
        off = skip_lws_comments(p, n);
        if (off >= n || p[off] != '=')
            continue;
        p += off + 1;
        n -= off + 1;
        bool boundary = e->kind == MIME_MULTIPART && bytes_eq_nocase(attr, attr_len, "boundary");
        size_t lead = boundary ? 0 : skip_lws_comments(p, n);
        const uint8_t *v = p + lead;
        size_t vn = n - lead;
        if (vn > 0 && v[0] == '"') {
            size_t q0 = skip_lws_comments(v, vn);
            size_t i = q0 + 1, end = 0;
            bool closed = false;
            for (; i < vn; i++) {
                if (v[i] == '\\') {
                    i++;
                } else if (v[i] == '"') {
                    end = i;
                    closed = true;
                    break;
                }
            }
            if (!closed)
                continue;
            if (boundary)
                set_boundary(e, v + q0 + 1, end - q0 - 1, true);
            p = v + end + 1;
            n = vn - end - 1;
        } else {
            r = get_token(v, vn, boundary, &to, &tl);
            if (r < 0)
                continue;
            if (boundary)
                set_boundary(e, v + to, tl, false);
            p = v + r;
            n = vn - (size_t)r;
        }
    }
    (void)m;
}

static void parse_content_type(struct mime_parser *m, struct mime_entity *e, const uint8_t *v, size_t n)
{
    size_t to, tl, so, sl;
    long r = get_token(v, n, false, &to, &tl);
    if (r < 0)
        return;
    size_t off = (size_t)r;
    off += skip_lws_comments(v + off, n - off);
    if (off >= n || v[off] != '/')
        return;
    off++;
    long r2 = get_token(v + off, n - off, false, &so, &sl);
    if (r2 < 0)
        return;
    const uint8_t *type = v + to;
    e->html = bytes_eq_nocase(type, tl, "TEXT") && bytes_eq_nocase(v + off + so, sl, "HTML");
    if (bytes_eq_nocase(type, tl, "MULTIPART"))
        e->kind = MIME_MULTIPART;
    else if (bytes_eq_nocase(type, tl, "MESSAGE"))
        e->kind = MIME_MESSAGE;
    else if (bytes_eq_nocase(type, tl, "TEXT"))
        e->kind = MIME_TEXT;
    else
        e->kind = MIME_OTHER;
    off += (size_t)r2;
    if (e->kind == MIME_MULTIPART || e->kind == MIME_MESSAGE)
        parse_parameters(m, e, v + off, n - off);
    if (e->kind == MIME_MULTIPART && !e->has_boundary)
        e->kind = MIME_OTHER;
}

static void parse_encoding(struct mime_entity *e, const uint8_t *v, size_t n)
{
    size_t to, tl;
    if (get_token(v, n, false, &to, &tl) < 0)
        return;
    static const char *const names[] = {"7BIT", "8BIT", "BINARY", "QUOTED-PRINTABLE", "BASE64"};
    e->encoding = ENC_OTHER;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (bytes_eq_nocase(v + to, tl, names[i]))
            e->encoding = (enum mime_encoding)i;
}

/* Case-insensitive search for /name[[:blank:]]*\*?=/ from the end; returns
 * the offset after '=' of the last match, or -1. */
static long last_name_eq(const uint8_t *v, size_t n, const char *name, bool allow_star)
{
    size_t k = strlen(name);
    long best = -1;
    for (size_t i = 0; i + k <= n; i++) {
        if (strncasecmp((const char *)v + i, name, k) != 0)
            continue;
        size_t j = i + k;
        while (j < n && is_lws(v[j]))
            j++;
        if (allow_star && j < n && v[j] == '*')
            j++;
        if (j < n && v[j] == '=')
            best = (long)(j + 1);
    }
    return best;
}

static bool rfc2231_class(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || in_set(c, "!#$%&_`{}~") ||
           (c >= 0x2b && c <= 0x5e);
}

/* base/utils/files.zeek extract_filename_from_content_disposition(). */
static void extract_filename(struct mime_entity *e, const uint8_t *v, size_t n)
{
    long at = last_name_eq(v, n, "name", true);
    if (at < 0)
        return;
    size_t i = (size_t)at;
    while (i < n && is_lws(v[i]))
        i++;
    const uint8_t *f = v + i;
    size_t fl = n - i;
    if (fl > 0 && f[0] == '"') {
        const uint8_t *q = memchr(f + 1, '"', fl - 1);
        size_t inner = q ? (size_t)(q - f - 1) : fl - 1;
        f = f + 1;
        fl = inner;
    }
    /* charset'language' prefix of RFC 2231 */
    size_t a = 0;
    while (a < fl && rfc2231_class(f[a]) && f[a] != '\'')
        a++;
    if (a > 0 && a < fl && f[a] == '\'') {
        size_t b = a + 1;
        while (b < fl && rfc2231_class(f[b]) && f[b] != '\'')
            b++;
        if (b < fl && f[b] == '\'') {
            f += b + 1;
            fl -= b + 1;
        }
    }
    size_t k = 0;
    for (size_t j = 0; j < fl && k < MIME_MAX_FILENAME; j++) {
        if (f[j] == '%' && j + 2 < fl && hex_value(f[j + 1]) >= 0 && hex_value(f[j + 2]) >= 0) {
            e->filename[k++] = (uint8_t)(hex_value(f[j + 1]) * 16 + hex_value(f[j + 2]));
            j += 2;
        } else {
            e->filename[k++] = f[j];
        }
    }
    e->filename_len = k;
    e->has_filename = true;
}

/* Suricata's longest parameter value (RS_MIME_MAX_TOKEN_LEN). */
#define SURICATA_MIME_MAX_TOKEN 255

static bool is_mime_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Suricata's is_attribute_char (RFC 2231 charset and language). */
static bool mime_attribute_char(uint8_t c)
{
    return c > 0x20 && c < 0x80 && !in_set(c, "()<>@,;:\\\"/[]?=*'%");
}

#define MIME_MAX_CHARSETLANG 64
#define MIME_MAX_SECTIONS 256

/* One `name=value` parameter after the first ';' of a header value, read as
 * Suricata's mime_parse_header_token does: the name is everything up to
 * '=', the value quoted (backslash escapes kept) or up to ';' without
 * trailing blanks. `name*=charset'lang'value` (RFC 2231) is the parameter
 * `name` with a percent-encoded value (star). Returns false at the end or
 * on a token it cannot read. */
struct mime_param {
    const uint8_t *name, *value;
    size_t name_len, value_len;
    bool star;
};

static bool next_mime_param(const uint8_t *v, size_t n, size_t *pos, struct mime_param *out)
{
    size_t i = *pos;
    while (i < n && is_mime_space(v[i]))
        i++;
    const uint8_t *eq = i < n ? memchr(v + i, '=', n - i) : NULL;
    if (eq == NULL)
        return false;
    size_t at = (size_t)(eq - v);
    out->name = v + i;
    out->name_len = at - i;
    out->star = at > i && v[at - 1] == '*';
    i = at + 1;
    if (out->star) {
        out->name_len--;
        bool one_quote = false;
        for (size_t j = at + 1; j < n; j++) {
            if (v[j] == '\'') {
                if (one_quote) {
                    i = j + 1;
                    break;
                }
                one_quote = true;
            } else if (j - at - 1 > MIME_MAX_CHARSETLANG || !mime_attribute_char(v[j])) {
                break;
            }
        }
    }
    if (i < n && v[i] == '"') {
        size_t j = i + 1;
        bool escaping = false;
        while (j < n && (v[j] != '"' || escaping)) {
            escaping = v[j] == '\\' && !escaping;
            j++;
        }
        if (j >= n)
            return false;
        out->value = v + i + 1;
        out->value_len = j - i - 1;
        i = j + 1;
    } else {
        size_t j = i;
        while (j < n && v[j] != ';')
            j++;
        size_t e = j;
        while (e > i && is_mime_space(v[e - 1]))
            e--;
        out->value = v + i;
        out->value_len = e - i;
        i = j;
    }
    while (i < n && is_mime_space(v[i]))
        i++;
    if (i < n && v[i] == ';')
        i++;
    *pos = i;
    return true;
}

/* The value of the last parameter named exactly `name` (Suricata keeps the
 * last of duplicates). */
static bool find_mime_param(const uint8_t *v, size_t n, const uint8_t *name, size_t name_len,
                            struct mime_param *found_param)
{
    const uint8_t *semi = memchr(v, ';', n);
    if (semi == NULL)
        return false;
    size_t pos = (size_t)(semi - v) + 1;
    struct mime_param prm;
    bool found = false;
    while (pos < n && next_mime_param(v, n, &pos, &prm)) {
        if (prm.name_len == name_len && memcmp(prm.name, name, name_len) == 0) {
            *found_param = prm;
            found = true;
        }
    }
    return found;
}

/* Appends a parameter value to out (at most SURICATA_MIME_MAX_TOKEN bytes
 * in all), %XX-decoded when it was an RFC 2231 extended value. */
static void append_param_value(const struct mime_param *prm, uint8_t *out, size_t *len)
{
    const uint8_t *p = prm->value;
    size_t n = prm->value_len;
    for (size_t j = 0; j < n && *len < SURICATA_MIME_MAX_TOKEN; j++) {
        if (prm->star && p[j] == '%' && j + 2 < n && hex_value(p[j + 1]) >= 0 && hex_value(p[j + 2]) >= 0) {
            out[(*len)++] = (uint8_t)(hex_value(p[j + 1]) * 16 + hex_value(p[j + 2]));
            j += 2;
        } else {
            out[(*len)++] = p[j];
        }
    }
}

/* Suricata's mime_find_header_token: `name`, else the RFC 2231 sections
 * name*0, name*1... joined; the result is cut at SURICATA_MIME_MAX_TOKEN
 * (out holds MIME_MAX_FILENAME >= that). */
static bool suricata_mime_param(const uint8_t *v, size_t n, const char *name, uint8_t *out,
                                size_t *out_len)
{
    struct mime_param prm;
    size_t len = 0;
    size_t nl = strlen(name);
    if (nl > 64)
        return false;
    if (find_mime_param(v, n, (const uint8_t *)name, nl, &prm)) {
        append_param_value(&prm, out, &len);
        *out_len = len;
        return true;
    }
    char section[80];
    unsigned k = 0;
    /* each lookup rescans the header: a bounded number of sections keeps a
     * hostile header from costing quadratic time */
    for (; k < MIME_MAX_SECTIONS && len < SURICATA_MIME_MAX_TOKEN; k++) {
        int sl = snprintf(section, sizeof section, "%s*%u", name, k);
        if (sl < 0 || (size_t)sl >= sizeof section)
            break;
        if (!find_mime_param(v, n, (const uint8_t *)section, (size_t)sl, &prm))
            break;
        append_param_value(&prm, out, &len);
    }
    if (k == 0)
        return false;
    *out_len = len;
    return true;
}

/* Content-Disposition's filename wins over Content-Type's name, whatever
 * the order of the two headers (Suricata reads all dispositions first). */
static void suricata_filename(struct mime_entity *e, const uint8_t *v, size_t n, bool disposition)
{
    if (e->eve_filename_from_disposition || (!disposition && e->has_eve_filename))
        return;
    size_t len = 0;
    if (!suricata_mime_param(v, n, disposition ? "filename" : "name", e->eve_filename, &len))
        return;
    e->eve_filename_len = len;
    e->has_eve_filename = true;
    e->eve_filename_from_disposition = disposition;
}

static void finish_header(struct mime_parser *m, unsigned level)
{
    if (!m->hdr_active)
        return;
    m->hdr_active = false;
    struct mime_entity *e = &m->ent[level];
    const uint8_t *d = m->hdr;
    size_t n = m->hdr_len;
    if (++e->n_headers > MIME_MAX_HEADERS) {
        if (e->n_headers == MIME_MAX_HEADERS + 1)
            weird(m, "smtp_too_many_mime_headers", NULL);
        return;
    }
    /* MIME_get_field_name */
    size_t i = skip_lws_comments(d, n);
    size_t name_off = 0, name_len = 0;
    bool found = false;
    while (i < n) {
        if (d[i] >= 33 && d[i] <= 126 && d[i] != ':') {
            size_t j = i;
            while (j < n && d[j] >= 33 && d[j] <= 126 && d[j] != ':')
                j++;
            name_off = i;
            name_len = j - i;
            i = j;
            found = true;
            break;
        }
        size_t k = skip_lws_comments(d + i, n - i);
        i += k > 0 ? k : 1;
    }
    if (!found)
        return;
    i += skip_lws_comments(d + i, n - i);
    if (i >= n || d[i] != ':')
        return;
    const uint8_t *name = d + name_off;
    const uint8_t *v = d + i + 1;
    size_t vn = n - i - 1;
    while (vn > 0 && is_space(v[0])) {
        v++;
        vn--;
    }
    if (bytes_eq_nocase(name, name_len, "content-type")) {
        parse_content_type(m, e, v, vn);
        if (last_name_eq(v, vn, "name", false) >= 0)
            extract_filename(e, v, vn);
        suricata_filename(e, v, vn, false);
    } else if (bytes_eq_nocase(name, name_len, "content-transfer-encoding")) {
        parse_encoding(e, v, vn);
    } else if (bytes_eq_nocase(name, name_len, "content-disposition")) {
        if (last_name_eq(v, vn, "filename", true) >= 0)
            extract_filename(e, v, vn);
        suricata_filename(e, v, vn, true);
    }
    if (m->hooks.header != NULL)
        m->hooks.header(m->hooks.ctx, level, name, name_len, v, vn);
}

static void new_header(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n)
{
    finish_header(m, level);
    if (n == 0)
        return;
    if (n > MIME_MAX_HEADER_BYTES)
        n = MIME_MAX_HEADER_BYTES;
    memcpy(m->hdr, p, n);
    m->hdr_len = n;
    m->hdr_active = true;
    m->hdr_cap_reported = false;
}

static void cont_header(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n)
{
    if (!m->hdr_active) {
        size_t ws = 0;
        while (ws < n && is_lws(p[ws]))
            ws++;
        new_header(m, level, p + ws, n - ws);
        return;
    }
    if (m->hdr_len + n > MIME_MAX_HEADER_BYTES) {
        if (!m->hdr_cap_reported) {
            m->hdr_cap_reported = true;
            weird(m, "exceeded_mime_max_header_bytes", NULL);
        }
        n = MIME_MAX_HEADER_BYTES - m->hdr_len;
    }
    memcpy(m->hdr + m->hdr_len, p, n);
    m->hdr_len += n;
}

static void flush_out(struct mime_parser *m, unsigned level)
{
    if (m->out_len == 0)
        return;
    if (m->hooks.data != NULL)
        m->hooks.data(m->hooks.ctx, level, &m->ent[level], m->out, m->out_len);
    m->out_len = 0;
}

static void out_byte(struct mime_parser *m, unsigned level, uint8_t c)
{
    if (m->out_len == sizeof m->out)
        flush_out(m, level);
    m->out[m->out_len++] = c;
}

/* out_byte's effect for each byte, a copy per run that fits. */
static void out_bytes(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (m->out_len == sizeof m->out)
            flush_out(m, level);
        bytes_fill(m->out, &m->out_len, sizeof m->out, &p, &n);
    }
}


static void b64_emit(struct mime_parser *m, unsigned level, struct mime_entity *e)
{
    uint8_t *q = e->b64_quad;
    if (e->b64_n >= 2)
        out_byte(m, level, (uint8_t)((q[0] << 2) | (q[1] >> 4)));
    if (e->b64_n >= 3)
        out_byte(m, level, (uint8_t)(((q[1] & 0xf) << 4) | (q[2] >> 2)));
    if (e->b64_n >= 4)
        out_byte(m, level, (uint8_t)(((q[2] & 0x3) << 6) | q[3]));
    e->b64_n = 0;
}

static void decode_base64(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n)
{
    struct mime_entity *e = &m->ent[level];
    for (size_t i = 0; i < n; i++) {
        int v = base64_value(p[i]);
        if (v < 0) {
            if (p[i] == '=') {
                b64_emit(m, level, e); /* padding ends the group */
            } else if (!is_space(p[i]) && !e->b64_reported) {
                e->b64_reported = true;
                weird(m, "base64_illegal_encoding", "character ignored by Base64 decoding");
            }
            continue;
        }
        e->b64_quad[e->b64_n++] = (uint8_t)v;
        if (e->b64_n == 4)
            b64_emit(m, level, e);
    }
}

/* A line end of decoded content: the CRLF before a boundary belongs to the
 * boundary, so a part's is held until more of the part comes. */
static void line_end(struct mime_parser *m, unsigned level)
{
    if (level > 0 && m->ent[level - 1].kind == MIME_MULTIPART) {
        m->ent[level].delay_crlf = true;
    } else {
        out_byte(m, level, '\r');
        out_byte(m, level, '\n');
    }
}

static void delayed_line_end(struct mime_parser *m, unsigned level)
{
    struct mime_entity *e = &m->ent[level];
    if (e->delay_crlf) {
        e->delay_crlf = false;
        out_byte(m, level, '\r');
        out_byte(m, level, '\n');
    }
}

/* Quoted-printable: a hard line end is data, except, to Suricata, the one
 * before a boundary; Zeek's MIME_Entity keeps that one too (end_entity
 * hands it to the zeek_tail hook). */
static void decode_qp(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n, bool eol)
{
    delayed_line_end(m, level);
    size_t end = n;
    while (end > 0 && is_lws(p[end - 1]))
        end--;
    bool soft = false;
    for (size_t i = 0; i < end; i++) {
        if (p[i] == '=') {
            if (i + 1 == end) {
                soft = true;
            } else if (i + 2 < n && hex_value(p[i + 1]) >= 0 && hex_value(p[i + 2]) >= 0) {
                out_byte(m, level, (uint8_t)(hex_value(p[i + 1]) * 16 + hex_value(p[i + 2])));
                i += 2;
            } else {
                out_byte(m, level, p[i]);
            }
        } else {
            out_byte(m, level, p[i]);
        }
    }
    if (!soft && eol)
        line_end(m, level);
}

static void decode_binary(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n, bool eol)
{
    delayed_line_end(m, level);
    out_bytes(m, level, p, n);
    if (eol)
        line_end(m, level);
}

static void decode_line(struct mime_parser *m, unsigned level, const uint8_t *p, size_t n, bool eol)
{
    switch (m->ent[level].encoding) {
    case ENC_QP:
        decode_qp(m, level, p, n, eol);
        break;
    case ENC_BASE64:
        decode_base64(m, level, p, n);
        break;
    default:
        decode_binary(m, level, p, n, eol);
        break;
    }
    flush_out(m, level);
}

static void end_entity(struct mime_parser *m, unsigned level);

static void begin_child(struct mime_parser *m, unsigned level)
{
    if (level + 1 > MIME_MAX_DEPTH) {
        char addl[24];
        snprintf(addl, sizeof addl, "%u", level);
        weird(m, "exceeded_mime_max_depth", addl);
        return;
    }
    struct mime_entity *parent = &m->ent[level];
    struct mime_entity *c = &m->ent[level + 1];
    memset(c, 0, sizeof *c);
    c->kind = MIME_TEXT;
    c->encoding = parent->encoding;
    c->in_header = true;
    parent->has_child = true;
    m->entity_count++;
    if (m->hooks.entity_begin != NULL)
        m->hooks.entity_begin(m->hooks.ctx, level + 1);
}

static void end_child(struct mime_parser *m, unsigned level)
{
    if (!m->ent[level].has_child)
        return;
    end_entity(m, level + 1);
    m->ent[level].has_child = false;
}

static void begin_body(struct mime_parser *m, unsigned level)
{
    struct mime_entity *e = &m->ent[level];
    e->b64_n = 0;
    if (e->kind == MIME_MESSAGE)
        begin_child(m, level);
}

/* MIME_Entity::EndOfData plus MIME_Mail::EndEntity. */
static void end_entity(struct mime_parser *m, unsigned level)
{
    struct mime_entity *e = &m->ent[level];
    if (e->end_of_data)
        return;
    e->end_of_data = true;
    if (e->in_header) {
        finish_header(m, level);
        e->in_header = false;
    } else {
        end_child(m, level);
        if (e->encoding == ENC_BASE64) {
            b64_emit(m, level, e);
            flush_out(m, level);
        }
        if (e->encoding == ENC_QP && e->delay_crlf) {
            e->delay_crlf = false;
            static const uint8_t crlf[2] = {'\r', '\n'};
            if (m->hooks.zeek_tail != NULL)
                m->hooks.zeek_tail(m->hooks.ctx, level, e, crlf, sizeof crlf);
            else if (m->hooks.data != NULL)
                m->hooks.data(m->hooks.ctx, level, e, crlf, sizeof crlf);
        }
    }
    if (m->hooks.entity_end != NULL)
        m->hooks.entity_end(m->hooks.ctx, level, e);
}

static enum boundary_match check_boundary(const struct mime_entity *e, const uint8_t *p, size_t n)
{
    if (!e->has_boundary || n < 2 || p[0] != '-' || p[1] != '-')
        return NOT_BOUNDARY;
    p += 2;
    n -= 2;
    if (n < e->boundary_len || memcmp(p, e->boundary, e->boundary_len) != 0)
        return NOT_BOUNDARY;
    p += e->boundary_len;
    n -= e->boundary_len;
    return (n >= 2 && p[0] == '-' && p[1] == '-') ? CLOSING_BOUNDARY : BOUNDARY;
}

/* One line of message content (dot-unstuffed); eol false for a piece of a
 * line cut at SMTP_MAX_LINE, cont true for the pieces after the first. */
void mime_line(struct mime_parser *m, const uint8_t *p, size_t n, bool eol, bool cont)
{
    unsigned level = 0;
    for (;;) {
        struct mime_entity *e = &m->ent[level];
        if (e->in_header) {
            if (cont) {
                if (m->hdr_active)
                    cont_header(m, level, p, n);
                return;
            }
            if (n == 0 || p[0] == 0) {
                finish_header(m, level);
                e->in_header = false;
                if (!e->end_of_data)
                    begin_body(m, level);
            } else if (is_lws(p[0])) {
                cont_header(m, level, p, n);
            } else {
                new_header(m, level, p, n);
            }
            return;
        }
        if (e->kind == MIME_MULTIPART && !cont) {
            enum boundary_match bm = check_boundary(e, p, n);
            if (bm == BOUNDARY) {
                end_child(m, level);
                if (!e->end_of_data)
                    begin_child(m, level);
                return;
            }
            if (bm == CLOSING_BOUNDARY) {
                end_child(m, level);
                end_entity(m, level);
                return;
            }
        }
        if (e->kind == MIME_MULTIPART || e->kind == MIME_MESSAGE) {
            if (!e->has_child)
                return; /* preamble and epilogue */
            level++;
            continue;
        }
        if (!e->end_of_data)
            decode_line(m, level, p, n, eol);
        return;
    }
}

void mime_init(struct mime_parser *m, const struct mime_hooks *hooks)
{
    memset(m, 0, sizeof *m);
    if (hooks != NULL)
        m->hooks = *hooks;
}

void mime_begin(struct mime_parser *m)
{
    memset(&m->ent[0], 0, sizeof m->ent[0]);
    m->ent[0].kind = MIME_TEXT;
    m->ent[0].encoding = ENC_OTHER;
    m->ent[0].in_header = true;
    m->hdr_active = false;
    m->out_len = 0;
    m->entity_count++;
    if (m->hooks.entity_begin != NULL)
        m->hooks.entity_begin(m->hooks.ctx, 0);
}

void mime_end(struct mime_parser *m) { end_entity(m, 0); }

bool mime_in_message_header(const struct mime_parser *m) { return m->ent[0].in_header; }

bool mime_in_encoded_attachment(const struct mime_parser *m)
{
    for (unsigned level = 0; level <= MIME_MAX_DEPTH; level++) {
        const struct mime_entity *e = &m->ent[level];
        if (e->in_header || e->end_of_data)
            return false;
        if (e->kind != MIME_MULTIPART && e->kind != MIME_MESSAGE)
            return e->has_eve_filename && (e->encoding == ENC_BASE64 || e->encoding == ENC_QP);
        if (!e->has_child)
            return false;
    }
    return false;
}
