/* Building a report (doc/report-t.h: what an inspection found about one
 * file): reasons, indicators and members added once each. */
#ifndef VIGIL_DOC_REPORT_H
#define VIGIL_DOC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/report-t.h"

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

#endif
