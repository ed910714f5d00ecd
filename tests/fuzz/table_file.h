/* What the targets of the data-file loaders share: the fields of a text
 * input (the pieces between tabs and line ends, each a NUL-terminated
 * string of its exact size), the values a loaded table most likely holds;
 * and a whole target for a table loaded from a path: the input written as
 * the file, loaded, every field looked up in what loaded, freed. */
#ifndef VIGIL_TESTS_FUZZ_TABLE_FILE_H
#define VIGIL_TESTS_FUZZ_TABLE_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "temp_file.h"

/* The fields a table target looks up at most (a long input's lookups would
 * otherwise take most of each run). */
#define FUZZ_FIELDS_MAX 256

typedef void (*fuzz_field_fn)(void *ctx, const char *field, size_t len);

/* Hands each field of d[0..n) to fn, the first `most` of them. */
static inline void fuzz_each_field(const uint8_t *d, size_t n, size_t most, fuzz_field_fn fn, void *ctx)
{
    size_t start = 0, handed = 0;
    for (size_t i = 0; i <= n && handed < most; i++) {
        if (i < n && d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
            continue;
        size_t len = i - start;
        char *field = malloc(len + 1);
        if (field == NULL)
            return;
        memcpy(field, d + start, len);
        field[len] = '\0';
        fn(ctx, field, len);
        free(field);
        handed++;
        start = i + 1;
    }
}

/* A table loader as its target sees it: the file's name, the load (NULL:
 * refused, err says why), the lookup of one field, the free. */
struct fuzz_table {
    const char *file;
    void *(*load)(const char *path, char *err, size_t errlen);
    fuzz_field_fn look_up;
    void (*unload)(void *table);
};

static inline void fuzz_table_run(const struct fuzz_table *t, const uint8_t *d, size_t n)
{
    char path[128], err[256];
    fuzz_temp_write(t->file, d, n, path, sizeof path);
    void *table = t->load(path, err, sizeof err);
    if (table == NULL)
        return;
    fuzz_each_field(d, n, FUZZ_FIELDS_MAX, t->look_up, table);
    t->unload(table);
}

/* The target of one table loader (a const struct fuzz_table). */
#define FUZZ_TABLE_TARGET(table)                                                                                   \
    int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);                                                        \
    int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)                                                         \
    {                                                                                                              \
        fuzz_table_run(&(table), d, n);                                                                            \
        return 0;                                                                                                  \
    }

#endif
