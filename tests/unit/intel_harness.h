/* What the intel feed-loader unit tests share: a feed loaded from a C
 * string into a fresh store, and the load report's examples and counts.
 * Included by one test file each (static functions, no object). */
#ifndef VIGIL_TESTS_UNIT_INTEL_HARNESS_H
#define VIGIL_TESTS_UNIT_INTEL_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel.h"

typedef void intel_loader_fn(struct intel_store *s, const char *name, const uint8_t *p, size_t n,
                             struct intel_load_report *rep);

/* Loads text with `load`, as a file called `name`, into a fresh store
 * (the caller frees it). The bytes are copied to a buffer of their exact
 * size, so that ASan sees an over-read. */
static inline struct intel_store *intel_harness_load(intel_loader_fn *load, const char *name, const char *text,
                                                     struct intel_load_report *rep)
{
    struct intel_store *s = intel_store_new();
    assert_non_null(s);
    memset(rep, 0, sizeof *rep);
    size_t n = strlen(text);
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    load(s, name, copy, n, rep);
    free(copy);
    return s;
}

/* The same, with every `quote` turned into '"' first (JSON that reads
 * easily in C). */
static inline struct intel_store *intel_harness_load_quoted(intel_loader_fn *load, const char *name,
                                                            const char *text, char quote,
                                                            struct intel_load_report *rep)
{
    char *json = strdup(text);
    assert_non_null(json);
    for (char *c = json; *c; c++)
        if (*c == quote)
            *c = '"';
    struct intel_store *s = intel_harness_load(load, name, json, rep);
    free(json);
    return s;
}

static inline uint64_t intel_harness_total_added(const struct intel_load_report *rep)
{
    uint64_t n = 0;
    for (int t = 0; t < INTEL_TYPE_COUNT; t++)
        n += rep->added[t];
    return n;
}

static inline bool intel_harness_has_example(const struct intel_load_report *rep, const char *line)
{
    for (unsigned i = 0; i < rep->n_examples; i++)
        if (strcmp(rep->examples[i], line) == 0)
            return true;
    return false;
}

static inline void intel_harness_print_examples(const struct intel_load_report *rep)
{
    for (unsigned i = 0; i < rep->n_examples; i++)
        print_message("  example: %s\n", rep->examples[i]);
}

#endif
