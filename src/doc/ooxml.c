/* Office Open XML (docx, xlsm, pptx... and their macro forms), read with
 * libzip: the relationship parts (template injection, external links and
 * OLE links), the VBA project (vbaProject.bin, an OLE2 file), Excel 4 macro
 * sheets, embedded objects and DDE fields and links (xlsx and xlsb). */
#include "doc/doc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#define REL_MAX_BYTES (4u << 20)

bool ooxml_is(const uint8_t *p, size_t n)
{
    return n > 30 && memcmp(p, "PK\x03\x04", 4) == 0 && memmem(p, n, "[Content_Types].xml", 19) != NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The value of attribute `name` inside the element [p, end), copied. */
static bool attr_value(const uint8_t *p, const uint8_t *end, const char *name, char *out, size_t outlen)
{
    size_t k = strlen(name);
    for (const uint8_t *s = p; s + k + 2 < end; s++) {
        if (memcmp(s, name, k) != 0 || (s > p && s[-1] != ' ' && s[-1] != '\t' && s[-1] != '\n' && s[-1] != '\r'))
            continue;
        const uint8_t *q = s + k;
        if (q[0] != '=' || (q[1] != '"' && q[1] != '\''))
            continue;
        uint8_t quote = q[1];
        const uint8_t *v = q + 2;
        const uint8_t *ve = memchr(v, quote, (size_t)(end - v));
        if (ve == NULL)
            return false;
        size_t len = (size_t)(ve - v) < outlen - 1 ? (size_t)(ve - v) : outlen - 1;
        memcpy(out, v, len);
        out[len] = 0;
        return true;
    }
    return false;
}

static void inspect_rels(const char *part, const uint8_t *p, size_t n, struct doc_report *r)
{
    const uint8_t *s = p, *end = p + n;
    while ((s = memmem(s, (size_t)(end - s), "<Relationship ", 14)) != NULL) {
        const uint8_t *e = memchr(s, '>', (size_t)(end - s));
        if (e == NULL)
            break;
        char type[256] = "", target[DOC_MAX_INDICATOR] = "", mode[32] = "";
        attr_value(s, e, "Type", type, sizeof type);
        attr_value(s, e, "Target", target, sizeof target);
        attr_value(s, e, "TargetMode", mode, sizeof mode);
        s = e;
        if (strcmp(mode, "External") != 0)
            continue;
        const char *slash = strrchr(type, '/');
        const char *kind = slash ? slash + 1 : type;
        if (strcmp(kind, "hyperlink") == 0)
            continue; /* an ordinary link in the text */
        if (strcmp(kind, "attachedTemplate") == 0) {
            report_reason(r, "remote-template", "external attachedTemplate %s in %s", target, part);
        } else if (strcmp(kind, "oleObject") == 0) {
            report_reason(r, "external-link", "OLE link to %s in %s", target, part);
        } else {
            report_reason(r, "external-link", "external %s relationship to %s in %s", kind, target, part);
        }
        report_indicator(r, target, strlen(target));
    }
}

static void inspect_xml(const char *part, const uint8_t *p, size_t n, struct doc_report *r)
{
    if (find_ci(p, n, "DDEAUTO") != NULL || (find_ci(p, n, "instrText") && find_ci(p, n, ">DDE ") != NULL) ||
        (find_ci(p, n, "instr=") && find_ci(p, n, "\"DDE ") != NULL) || find_ci(p, n, "<ddeLink") != NULL)
        report_reason(r, "dde", "DDE field in %s", part);
}

/* A BIFF12 varint (7 bits a byte, low first) of at most `max` bytes. */
static bool biff12_varint(const uint8_t *p, size_t n, size_t *i, unsigned max, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < max; k++) {
        if (*i >= n)
            return false;
        uint8_t b = p[(*i)++];
        v |= (uint32_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* An XLWideString (a 32-bit count of UTF-16LE units) as ASCII-ish text. */
static size_t biff12_wide(const uint8_t *p, size_t n, size_t *i, char *out, size_t cap)
{
    out[0] = 0;
    if (n - *i < 4)
        return 0;
    uint32_t chars = le32(p + *i);
    *i += 4;
    if (chars > (n - *i) / 2)
        chars = (uint32_t)((n - *i) / 2);
    size_t o = 0;
    for (uint32_t k = 0; k < chars; k++) {
        uint16_t c = le16(p + *i + 2 * k);
        if (o + 1 < cap)
            out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[o] = 0;
    *i += 2 * (size_t)chars;
    return o;
}

/* An external link part of a binary workbook (xlsb, MS-XLSB 2.4.52
 * BrtBeginSupBook): a supporting link of type 1 is a DDE link, whose
 * application and topic run a command (cmd /c ...). */
#define BRT_BEGIN_SUP_BOOK 360u
static void inspect_biff12_links(const char *part, const uint8_t *p, size_t n, struct doc_report *r)
{
    size_t i = 0;
    while (i < n) {
        uint32_t rt, size;
        if (!biff12_varint(p, n, &i, 2, &rt) || !biff12_varint(p, n, &i, 4, &size) || size > n - i)
            return;
        if (rt == BRT_BEGIN_SUP_BOOK && size >= 2 && le16(p + i) == 1) {
            char app[64], topic[160];
            size_t j = i + 2;
            biff12_wide(p, i + size, &j, app, sizeof app);
            biff12_wide(p, i + size, &j, topic, sizeof topic);
            report_reason(r, "dde", "DDE link in %s: %s %s", part, app, topic);
        }
        i += size;
    }
}

/* Reads one member within the run's byte budget; NULL when it is too big,
 * unreadable or the budget is spent (with the reason). */
static uint8_t *read_member(struct doc_run *run, zip_t *z, zip_uint64_t i, const zip_stat_t *st, size_t cap,
                            size_t *out_n, struct doc_report *r)
{
    const struct doc_limits *l = &run->ctx->limits;
    uint64_t want = st->size;
    if (want > cap || want > l->max_member_bytes) {
        report_reason(r, "incomplete", "member %s too large to inspect (%llu bytes)", st->name,
                      (unsigned long long)want);
        return NULL;
    }
    if (run->unpacked + want > l->max_total_bytes) {
        report_reason(r, "incomplete", "unpacked byte budget spent at %s", st->name);
        return NULL;
    }
    if ((st->valid & ZIP_STAT_COMP_SIZE) && st->comp_size > 0 && want / st->comp_size > l->max_ratio &&
        want > (1u << 20)) {
        report_reason(r, "incomplete", "member %s expands %llu times (a zip bomb?)", st->name,
                      (unsigned long long)(want / st->comp_size));
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(z, i, 0);
    if (zf == NULL)
        return NULL;
    uint8_t *buf = malloc(want ? want : 1);
    zip_int64_t got = buf ? zip_fread(zf, buf, want) : -1;
    zip_fclose(zf);
    if (got < 0) {
        free(buf);
        report_reason(r, "incomplete", "member %s unreadable", st->name);
        return NULL;
    }
    run->unpacked += (uint64_t)got;
    *out_n = (size_t)got;
    return buf;
}

void ooxml_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(p, n, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (z == NULL) {
        report_reason(r, "incomplete", "OOXML package unreadable: %s", zip_error_strerror(&ze));
        if (src != NULL)
            zip_source_free(src);
        zip_error_fini(&ze);
        return;
    }
    zip_error_fini(&ze);
    zip_int64_t count = zip_get_num_entries(z, 0);
    size_t macrosheets = 0;
    for (zip_int64_t i = 0; i < count; i++) {
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || st.name == NULL || !(st.valid & ZIP_STAT_SIZE))
            continue;
        const char *name = st.name;
        bool rels = ends_with(name, ".rels");
        bool vba = ends_with(name, "vbaProject.bin");
        bool embedding = strstr(name, "/embeddings/") != NULL;
        bool xml = ends_with(name, ".xml") &&
                   (strncmp(name, "word/", 5) == 0 || strncmp(name, "xl/externalLinks/", 17) == 0);
        bool biff12_links = ends_with(name, ".bin") && strncmp(name, "xl/externalLinks/", 17) == 0;
        if (strncmp(name, "xl/macrosheets/", 15) == 0 && ends_with(name, ".xml"))
            macrosheets++;
        if (!rels && !vba && !embedding && !xml && !biff12_links)
            continue;
        size_t mn = 0;
        uint8_t *m = read_member(run, z, (zip_uint64_t)i, &st, rels || xml || biff12_links ? REL_MAX_BYTES : SIZE_MAX,
                                 &mn, r);
        if (m == NULL)
            continue;
        if (rels)
            inspect_rels(name, m, mn, r);
        else if (xml)
            inspect_xml(name, m, mn, r);
        else if (biff12_links)
            inspect_biff12_links(name, m, mn, r);
        else if (vba && ole2_is(m, mn))
            ole2_inspect(run, m, mn, r);
        else if (embedding) {
            report_reason(r, "ole-object", "embedded object %s", name);
            doc_inspect_member(run, name, m, mn, r);
        }
        free(m);
    }
    if (macrosheets > 0)
        report_reason(r, "xlm-macro", "%zu Excel 4.0 macro sheet(s) (xl/macrosheets)", macrosheets);
    zip_discard(z);
}
