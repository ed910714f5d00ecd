/* What an inspection found about one file: the shared object of `vigil
 * inspect`, of mail attachments and of files seen on the wire. Reasons use
 * the fixed codes listed in data/verdict_weights.tsv; a verdict is derived
 * from them by verdict.c. Type-only apart from the small helpers below. */
#ifndef VIGIL_DOC_REPORT_H
#define VIGIL_DOC_REPORT_H

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

/* Adds a reason once (same code and detail are kept once); printf-style. */
void report_reason(struct doc_report *r, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool report_has(const struct doc_report *r, const char *code);
/* Adds an indicator (a URL, domain or hash to block) once. */
void report_indicator(struct doc_report *r, const char *value, size_t len);
/* A new child (member) of r, zeroed, or NULL when the cap is reached (or out
 * of memory). Owned by r: report_free(r) frees it. */
struct doc_report *report_child(struct doc_report *r, size_t cap);
void report_free(struct doc_report *r);
const char *verdict_name(enum doc_verdict v); /* static string: "clean", "suspicious", "malicious" */

#endif
