/* The inspection context of `vigil inspect` and `vigil mail`: the shipped
 * data files (or the user's --weights/--keywords) and --yara-rules. */
#ifndef VIGIL_CLI_DOC_SETUP_H
#define VIGIL_CLI_DOC_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"

struct doc_setup {
    const char *weights_path;   /* NULL: <data>/verdict_weights.tsv */
    const char *keywords_path;  /* NULL: <data>/doc_keywords.tsv */
    const char *yara_path;      /* NULL: the shipped rules/yara */
    struct doc_ctx ctx;
};

/* Recognises the shared options; returns 1 when argv[*i] was one (and
 * consumed its value), 0 when not, -1 on a missing value. */
int doc_setup_option(struct doc_setup *s, int argc, char **argv, int *i);
/* Loads everything; false with a one-line message in err. */
bool doc_setup_load(struct doc_setup *s, char *err, size_t errlen);
void doc_setup_free(struct doc_setup *s);
/* Help lines for the shared options. */
extern const char doc_setup_help[];

#endif
