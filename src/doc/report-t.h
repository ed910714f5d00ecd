/* What an inspection found about one file: the shared object of `vigil
 * inspect`, of mail attachments and of files seen on the wire (phish.log
 * writes it). Reasons use the fixed codes listed in
 * data/verdict_weights.tsv; a verdict is derived from them by verdict.c.
 * Type-only header; doc/report.h builds reports. */
#ifndef VIGIL_DOC_REPORT_T_H
#define VIGIL_DOC_REPORT_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOC_MAX_REASONS 48
#define DOC_MAX_DETAIL 256
#define DOC_MAX_INDICATORS 16
#define DOC_MAX_INDICATOR 512
#define DOC_MAX_NAME 256

enum doc_verdict { VERDICT_CLEAN, VERDICT_SUSPICIOUS, VERDICT_MALICIOUS };

struct doc_reason {
    char code[32];
    char detail[DOC_MAX_DETAIL];
    bool strong;            /* forces `malicious` whatever its weight (a YARA
                             * rule whose meta says so) */
};

struct doc_report {
    char name[DOC_MAX_NAME];    /* path given, or member name in an archive */
    char type[48];              /* "ole2", "ooxml", "rtf", "pdf", "zip", "pe"... */
    uint64_t size;
    char md5[33], sha1[41], sha256[65];
    size_t n_reasons;
    struct doc_reason reasons[DOC_MAX_REASONS];
    size_t n_indicators;
    char indicators[DOC_MAX_INDICATORS][DOC_MAX_INDICATOR];
    /* Members of an archive or container, inspected in turn (heap). */
    size_t n_children;
    struct doc_report *children;
    int score;
    enum doc_verdict verdict;
};

/* "clean", "suspicious", "malicious": a static string. */
static inline const char *verdict_name(enum doc_verdict v)
{
    switch (v) {
    case VERDICT_SUSPICIOUS: return "suspicious";
    case VERDICT_MALICIOUS: return "malicious";
    default: return "clean";
    }
}

#endif
