/* RTF as Word reads it (lenient), looking for embedded objects: \object,
 * \objdata (hex, decoded to find the OLE class and nested OLE2 files),
 * \objclass, and the tricks RoyalRoad-built exploits use to hide them from
 * strict parsers: a header Word still accepts but others do not, over-long
 * control words and parameters, non-hex bytes and \bin inside object data,
 * \objupdate to run the object on open. */
#include "doc/doc_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"

#define RTF_MAX_OBJDATA (32u << 20)
#define RTF_MAX_OBJECTS 64
#define RTF_MAX_WORD 32     /* the RTF spec's limit on a control word */

bool rtf_is(const uint8_t *p, size_t n) { return n >= 4 && memcmp(p, "{\\rt", 4) == 0; }

struct rtf_scan {
    struct doc_run *run;
    struct doc_report *r;
    size_t objects;
    size_t odd_words, odd_params, junk_in_hex, bin_in_object;
    bool objupdate;
};

/* Equation Editor 3.0's class, as a name or CLSID {0002CE02-...}. */
static bool is_equation(const uint8_t *d, size_t n)
{
    static const uint8_t clsid[16] = {0x02, 0xCE, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
                                      0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
    return find_ci(d, n, "Equation.3") != NULL || find_ci(d, n, "Equation Native") != NULL ||
           memmem(d, n, clsid, 16) != NULL;
}

/* Decodes the hex of an \objdata group starting at p[i] (after the control
 * word) up to the group's end; returns the offset after it. */
static size_t read_objdata(struct rtf_scan *s, const uint8_t *p, size_t n, size_t i)
{
    uint8_t *out = malloc(n - i < RTF_MAX_OBJDATA ? (n - i) / 2 + 1 : RTF_MAX_OBJDATA);
    size_t cap = n - i < RTF_MAX_OBJDATA ? (n - i) / 2 + 1 : RTF_MAX_OBJDATA;
    size_t len = 0;
    int depth = 0, hi = -1;
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (depth-- == 0)
                break;
        } else if (c == '\\') {
            /* a control word inside object data: skipped by Word */
            size_t j = i + 1;
            while (j < n && isalpha(p[j]))
                j++;
            if (j - i - 1 == 3 && memcmp(p + i + 1, "bin", 3) == 0)
                s->bin_in_object++;
            else if (j == i + 1)
                j++; /* a control symbol */
            else
                s->junk_in_hex++;
            while (j < n && (isdigit(p[j]) || p[j] == '-'))
                j++;
            if (j < n && p[j] == ' ')
                j++;
            i = j - 1;
        } else if (hex_value(c) >= 0) {
            if (hi < 0) {
                hi = hex_value(c);
            } else {
                if (out != NULL && len < cap)
                    out[len++] = (uint8_t)(hi << 4 | hex_value(c));
                hi = -1;
            }
        } else if (!isspace(c)) {
            s->junk_in_hex++;
        }
    }
    if (out != NULL && len > 0) {
        if (is_equation(out, len))
            report_reason(s->r, "equation-editor",
                          "Equation Editor 3.0 object in \\objdata (CVE-2017-11882, CVE-2018-0802)");
        /* OLE1 native data wraps an OLE2 file: find and inspect it */
        static const uint8_t sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
        const uint8_t *ole = memmem(out, len, sig, 8);
        if (ole != NULL)
            doc_inspect_member(s->run, "objdata", ole, len - (size_t)(ole - out), s->r);
        if (memmem(out, len, "Package\0", 8) != NULL) /* the OLE1 class name, NUL-terminated */
            report_reason(s->r, "ole-package", "OLE Package object in \\objdata");
    }
    free(out);
    return i;
}

void rtf_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r)
{
    struct rtf_scan s = {.run = run, .r = r};
    if (n < 6 || memcmp(p, "{\\rtf1", 6) != 0)
        report_reason(r, "rtf-obfuscation", "header '%.*s' is not {\\rtf1 (accepted by Word only)", (int)(n < 6 ? n : 6),
                      (const char *)p);
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\\')
            continue;
        size_t j = i + 1;
        while (j < n && isalpha(p[j]))
            j++;
        size_t wl = j - i - 1;
        if (wl == 0)
            continue;
        const uint8_t *w = p + i + 1;
        size_t d = j;
        while (d < n && (isdigit(p[d]) || (d == j && p[d] == '-')))
            d++;
        if (wl > RTF_MAX_WORD)
            s.odd_words++;
        if (d - j > 10)
            s.odd_params++;
        if (wl == 6 && memcmp(w, "object", 6) == 0) {
            if (++s.objects > RTF_MAX_OBJECTS) {
                report_reason(r, "incomplete", "more than %d objects", RTF_MAX_OBJECTS);
                break;
            }
            report_reason(r, "rtf-object", "embedded object (\\object)");
        } else if (wl == 7 && memcmp(w, "objdata", 7) == 0) {
            report_reason(r, "rtf-object", "object data (\\objdata)");
            i = read_objdata(&s, p, n, d);
            continue;
        } else if (wl == 8 && memcmp(w, "objclass", 8) == 0) {
            size_t a = d;
            while (a < n && p[a] == ' ')
                a++;
            size_t b = a;
            while (b < n && p[b] != '}' && p[b] != '\\' && b - a < 64)
                b++;
            if (is_equation(p + a, b - a))
                report_reason(r, "equation-editor", "\\objclass %.*s (CVE-2017-11882, CVE-2018-0802)",
                              (int)(b - a), p + a);
        } else if (wl == 8 && memcmp(w, "template", 8) == 0) {
            size_t a = d;
            while (a < n && p[a] == ' ')
                a++;
            size_t b = a;
            while (b < n && p[b] != '}' && p[b] != '\\' && p[b] > ' ' && b - a < DOC_MAX_INDICATOR - 1)
                b++;
            if (b > a && find_ci(p + a, b - a, "://") != NULL) {
                report_reason(r, "remote-template", "\\template %.*s", (int)(b - a), p + a);
                report_indicator(r, (const char *)p + a, b - a);
            }
        } else if (wl == 9 && memcmp(w, "objupdate", 9) == 0) {
            s.objupdate = true;
        }
        i = d - 1;
    }
    if (s.odd_words > 0)
        report_reason(r, "rtf-obfuscation", "%zu control word(s) longer than %d letters", s.odd_words, RTF_MAX_WORD);
    if (s.odd_params > 0)
        report_reason(r, "rtf-obfuscation", "%zu control word parameter(s) longer than 10 digits", s.odd_params);
    if (s.junk_in_hex > 0)
        report_reason(r, "rtf-obfuscation", "%zu non-hex byte(s) or control word(s) inside \\objdata",
                      s.junk_in_hex);
    if (s.bin_in_object > 0)
        report_reason(r, "rtf-obfuscation", "\\bin inside \\objdata");
    if (s.objupdate && s.objects > 0)
        report_reason(r, "rtf-obfuscation", "\\objupdate: the object runs when the document opens");
}
