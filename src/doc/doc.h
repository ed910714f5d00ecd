/* Document and file inspection: what `vigil inspect`, `vigil mail` and the
 * files seen on the wire share. One context per thread (libmagic-free; the
 * YARA rules and tables it points to are read-only once loaded). */
#ifndef VIGIL_DOC_DOC_H
#define VIGIL_DOC_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/report.h"

/* Bounds that keep hostile files cheap; each hit adds the reason
 * `incomplete`. */
struct doc_limits {
    unsigned max_depth;         /* archives within archives (default 4) */
    size_t max_members;         /* members inspected per archive (default 256) */
    uint64_t max_member_bytes;  /* bytes read from one member (default 64 MiB) */
    uint64_t max_total_bytes;   /* bytes unpacked per top-level file (default 256 MiB) */
    unsigned max_ratio;         /* unpacked/packed ratio seen as a bomb (default 200) */
    size_t max_pdf_objects;     /* objects read in a PDF (default 200000) */
};

struct doc_weights;
struct doc_keywords;
struct doc_yara;

struct doc_ctx {
    struct doc_limits limits;
    const struct doc_weights *weights;
    const struct doc_keywords *keywords;
    const struct doc_yara *yara;        /* NULL: no --yara-rules */
};

void doc_limits_default(struct doc_limits *l);

/* Inspects one file held in memory; `name` is the path or member name (its
 * extension matters). Fills r (zero it first; report_free() after) with
 * type, hashes, reasons, indicators and members, and its verdict. */
void doc_inspect(const struct doc_ctx *ctx, const char *name, const uint8_t *p, size_t n, struct doc_report *r);

/* MD5, SHA-1 and SHA-256 of (p, n) into r. */
void doc_hash(const uint8_t *p, size_t n, struct doc_report *r);

/* Keyword lists (data/doc_keywords.tsv): category TAB word per line. The
 * caller frees them with keywords_free(); NULL with err set on failure. */
struct doc_keywords *keywords_load(const char *path, char *err, size_t errlen);
void keywords_free(struct doc_keywords *k);

/* Reason weights and thresholds (data/verdict_weights.tsv). The caller frees
 * them with weights_free(); NULL with err set on failure. */
struct doc_weights *weights_load(const char *path, char *err, size_t errlen);
void weights_free(struct doc_weights *w);
/* Sets r->score and r->verdict from its reasons and its members'. */
void verdict_decide(const struct doc_weights *w, struct doc_report *r);
/* True when code is one of the reason codes the weights file lists. */
bool weights_known(const struct doc_weights *w, const char *code);

/* YARA rules from a file or a directory of .yar/.yara files, compiled once.
 * The caller frees them with yara_free(); NULL with err set on failure. */
struct doc_yara *yara_load(const char *path, char *err, size_t errlen);
void yara_free(struct doc_yara *y);

#endif
