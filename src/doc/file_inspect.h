/* The document inspectors as files/'s inspector (files/files.h): what the
 * wire's files go through, the same doc_inspect() as `vigil inspect`. */
#ifndef VIGIL_DOC_FILE_INSPECT_H
#define VIGIL_DOC_FILE_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "doc/doc.h"
#include "files/files-t.h"

/* Bytes of a file kept for inspection unless --inspect-max-file says
 * otherwise: a larger file is inspected on its first 32 MiB (`incomplete`). */
#define INSPECT_DEFAULT_MAX_FILE ((uint64_t)32 << 20)

/* The inspector files/ calls (`seam`), over a doc_ctx. */
struct doc_file_inspector {
    struct file_inspector seam;
    const struct doc_ctx *doc;
    bool every_file;            /* the user's YARA rules: every file, not only documents */
};

/* Fills out (which, like ctx, must outlive its use) with an inspector
 * keeping at most max_bytes of each file. */
void doc_file_inspector(struct doc_file_inspector *out, const struct doc_ctx *ctx, uint64_t max_bytes,
                        bool every_file);

/* A report's verdict, reason codes (the first detail of each), indicators
 * and the ATT&CK ids its reasons imply, members included. */
void doc_verdict_flatten(const struct doc_report *r, struct file_verdict *v);

#endif
