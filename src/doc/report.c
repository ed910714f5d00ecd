/* Reasons, indicators and members of a report (report.h). */
#include "doc/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_reason(struct doc_report *r, const char *code, const char *fmt, ...)
{
    struct doc_reason x = {0};
    snprintf(x.code, sizeof x.code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x.detail, sizeof x.detail, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < r->n_reasons; i++)
        if (strcmp(r->reasons[i].code, x.code) == 0 && strcmp(r->reasons[i].detail, x.detail) == 0)
            return;
    if (r->n_reasons < DOC_MAX_REASONS)
        r->reasons[r->n_reasons++] = x;
}

bool report_has(const struct doc_report *r, const char *code)
{
    for (size_t i = 0; i < r->n_reasons; i++)
        if (strcmp(r->reasons[i].code, code) == 0)
            return true;
    return false;
}

void report_indicator(struct doc_report *r, const char *value, size_t len)
{
    if (len == 0 || len >= DOC_MAX_INDICATOR)
        return;
    for (size_t i = 0; i < r->n_indicators; i++)
        if (strlen(r->indicators[i]) == len && memcmp(r->indicators[i], value, len) == 0)
            return;
    if (r->n_indicators >= DOC_MAX_INDICATORS)
        return;
    memcpy(r->indicators[r->n_indicators], value, len);
    r->indicators[r->n_indicators][len] = 0;
    r->n_indicators++;
}

struct doc_report *report_child(struct doc_report *r, size_t cap)
{
    if (r->n_children >= cap)
        return NULL;
    if (r->children == NULL) {
        r->children = calloc(cap, sizeof *r->children);
        if (r->children == NULL)
            return NULL;
    }
    struct doc_report *c = &r->children[r->n_children++];
    memset(c, 0, sizeof *c);
    return c;
}

void report_free(struct doc_report *r)
{
    for (size_t i = 0; i < r->n_children; i++)
        report_free(&r->children[i]);
    free(r->children);
    r->children = NULL;
    r->n_children = 0;
}
