/* PDF, read as a flat sequence of tokens (no object graph): the names
 * that make a PDF act (/JavaScript, /JS, /Launch, /EmbeddedFile,
 * /OpenAction, /AA), also when #xx-escaped to hide them, in the file and
 * inside Flate-compressed streams (object streams hide dictionaries).
 * Bounded by object count and by bytes inflated. */
#include "doc/doc_internal.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/ascii.h"

#define PDF_MAX_INFLATE (64u << 20)     /* inflated bytes per file */
#define PDF_MAX_STREAM_OUT (8u << 20)   /* per stream */

bool pdf_is(const uint8_t *p, size_t n)
{
    size_t head = n < 1024 ? n : 1024;
    return n >= 5 && memmem(p, head, "%PDF-", 5) != NULL;
}

struct pdf_scan {
    struct doc_report *r;
    size_t objects, max_objects;
    uint64_t inflated;
    bool stopped, escaped;
    uint8_t *out;           /* PDF_MAX_STREAM_OUT bytes, allocated at the first stream */
    unsigned js, launch, embedded, open_action, aa;
};

static bool delim(uint8_t c)
{
    return c <= ' ' || c == '/' || c == '[' || c == ']' || c == '<' || c == '>' || c == '(' || c == ')' ||
           c == '{' || c == '}' || c == '%';
}

static void name_seen(struct pdf_scan *s, const char *name)
{
    if (strcmp(name, "JavaScript") == 0 || strcmp(name, "JS") == 0)
        s->js++;
    else if (strcmp(name, "Launch") == 0)
        s->launch++;
    else if (strcmp(name, "EmbeddedFile") == 0 || strcmp(name, "EmbeddedFiles") == 0)
        s->embedded++;
    else if (strcmp(name, "OpenAction") == 0)
        s->open_action++;
    else if (strcmp(name, "AA") == 0)
        s->aa++;
}

static void scan_tokens(struct pdf_scan *s, const uint8_t *p, size_t n, bool nested);

static void inflate_stream(struct pdf_scan *s, const uint8_t *p, size_t n)
{
    if (s->inflated >= PDF_MAX_INFLATE) {
        if (!s->stopped)
            report_reason(s->r, "incomplete", "more than %u MiB of compressed streams", PDF_MAX_INFLATE >> 20);
        s->stopped = true;
        return;
    }
    if (s->out == NULL && (s->out = malloc(PDF_MAX_STREAM_OUT)) == NULL)
        return;
    uint8_t *out = s->out;
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK)
        return;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
    z.next_out = out;
    z.avail_out = PDF_MAX_STREAM_OUT;
    inflate(&z, Z_FINISH);
    size_t got = PDF_MAX_STREAM_OUT - z.avail_out;
    inflateEnd(&z);
    s->inflated += got;
    if (got > 0)
        scan_tokens(s, out, got, true);
}

static void scan_tokens(struct pdf_scan *s, const uint8_t *p, size_t n, bool nested)
{
    for (size_t i = 0; i < n && !s->stopped; i++) {
        uint8_t c = p[i];
        if (c == '/') {
            char name[64];
            size_t k = 0, j = i + 1;
            for (; j < n && !delim(p[j]); j++) {
                uint8_t v = p[j];
                if (v == '#' && j + 2 < n && hex_value(p[j + 1]) >= 0 && hex_value(p[j + 2]) >= 0) {
                    v = (uint8_t)(hex_value(p[j + 1]) << 4 | hex_value(p[j + 2]));
                    j += 2;
                    s->escaped = true;
                }
                if (k < sizeof name - 1)
                    name[k++] = (char)v;
            }
            name[k] = 0;
            name_seen(s, name);
            i = j - 1;
        } else if (c == 'o' && i + 3 <= n && memcmp(p + i, "obj", 3) == 0 && i > 0 && p[i - 1] <= ' ' &&
                   (i + 3 == n || delim(p[i + 3]))) {
            if (++s->objects > s->max_objects) {
                report_reason(s->r, "incomplete", "more than %zu objects: the rest not read", s->max_objects);
                s->stopped = true;
            }
        } else if (!nested && c == 's' && n - i > 6 && memcmp(p + i, "stream", 6) == 0 &&
                   (i == 0 || p[i - 1] != 'd')) {
            size_t a = i + 6;
            if (a < n && p[a] == '\r')
                a++;
            if (a < n && p[a] == '\n')
                a++;
            const uint8_t *e = memmem(p + a, n - a, "endstream", 9);
            size_t end = e ? (size_t)(e - p) : n;
            if (end > a && (p[a] == 0x78)) /* a zlib header: FlateDecode */
                inflate_stream(s, p + a, end - a);
            i = end > i ? end - 1 : i;
        }
    }
}

void pdf_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r)
{
    struct pdf_scan s = {.r = r, .max_objects = run->ctx->limits.max_pdf_objects};
    scan_tokens(&s, p, n, false);
    free(s.out);
    const char *hidden = s.escaped ? " (names #-escaped)" : "";
    if (s.js > 0)
        report_reason(r, "pdf-javascript", "%u JavaScript name(s)%s", s.js, hidden);
    if (s.launch > 0)
        report_reason(r, "pdf-launch", "%u Launch action(s)%s", s.launch, hidden);
    if (s.embedded > 0)
        report_reason(r, "pdf-embedded-file", "%u embedded file name(s)%s", s.embedded, hidden);
    if (s.open_action > 0 || s.aa > 0)
        report_reason(r, "pdf-open-action", "%u OpenAction, %u additional action(s)%s", s.open_action, s.aa, hidden);
}
