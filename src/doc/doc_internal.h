/* What the per-format readers of doc/ share; not for use outside doc/. */
#ifndef VIGIL_DOC_INTERNAL_H
#define VIGIL_DOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"

/* State of one top-level inspection (its budgets), shared with members. */
struct doc_run {
    const struct doc_ctx *ctx;
    uint64_t unpacked;          /* bytes unpacked so far, all members */
    unsigned depth;
    /* Inspects a member as a child of r (doc.c's dispatch, handed to the
     * readers so that they never call back into it by name). */
    void (*member)(struct doc_run *run, const char *name, const uint8_t *p, size_t n, struct doc_report *r);
};

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Case-insensitive search of needle in (p, n): points into p; NULL when absent. */
const uint8_t *find_ci(const uint8_t *p, size_t n, const char *needle);

/* Keyword categories of doc_keywords.tsv. */
enum keyword_kind { KW_AUTO_EXEC, KW_SUSPICIOUS_CALL, KW_COUNT };
/* Adds auto-exec / suspicious-call reasons for the keywords found in
 * macro source (identifier boundaries, any case). */
void keywords_scan(const struct doc_keywords *k, const uint8_t *p, size_t n, const char *where, struct doc_report *r);

/* The readers. Each reads (p, n) without trusting a length and adds
 * reasons to r; `incomplete` when a bound stopped it. */
bool ole2_is(const uint8_t *p, size_t n);
void ole2_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r);
/* MS-OVBA decompression of a CompressedContainer; a malloc'd buffer (free
 * it) of *out_n bytes, NULL on a broken container. At most max_out bytes. */
uint8_t *ovba_decompress(const uint8_t *p, size_t n, size_t max_out, size_t *out_n);
bool ooxml_is(const uint8_t *p, size_t n);
void ooxml_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r);
bool rtf_is(const uint8_t *p, size_t n);
void rtf_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r);
bool pdf_is(const uint8_t *p, size_t n);
void pdf_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r);
/* Archives libarchive reads (zip, 7z, rar, tar, gzip..., ISO images). */
bool archive_is(const uint8_t *p, size_t n);
void archive_inspect(struct doc_run *run, const uint8_t *p, size_t n, struct doc_report *r);
/* Executables, shortcuts, disk images, scripts, names (filetype.c). */
void filetype_inspect(const char *name, const uint8_t *p, size_t n, struct doc_report *r);
/* True for PE, ELF, Mach-O, LNK or a script by name or content. */
bool filetype_runnable(const char *name, const uint8_t *p, size_t n);
void yara_scan(const struct doc_yara *y, const uint8_t *p, size_t n, struct doc_report *r);

/* A run over ctx with doc.c's member dispatch (what doc_inspect uses). */
void doc_run_begin(struct doc_run *run, const struct doc_ctx *ctx);

/* A member of a container: inspected like a file, as a child of r. */
static inline void doc_inspect_member(struct doc_run *run, const char *name, const uint8_t *p, size_t n,
                                      struct doc_report *r)
{
    if (run->member != NULL)
        run->member(run, name, p, n, r);
}

#endif
