/* Office Open XML (docx, xlsm, pptx... and their macro forms), read with
 * libzip: the relationship parts (template injection, external links and
 * OLE links), the VBA project (vbaProject.bin, an OLE2 file), Excel 4 macro
 * sheets, embedded objects and DDE fields. */
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
        if (strncmp(name, "xl/macrosheets/", 15) == 0 && ends_with(name, ".xml"))
            macrosheets++;
        if (!rels && !vba && !embedding && !xml)
            continue;
        size_t mn = 0;
        uint8_t *m = read_member(run, z, (zip_uint64_t)i, &st, rels || xml ? REL_MAX_BYTES : SIZE_MAX, &mn, r);
        if (m == NULL)
            continue;
        if (rels)
            inspect_rels(name, m, mn, r);
        else if (xml)
            inspect_xml(name, m, mn, r);
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
