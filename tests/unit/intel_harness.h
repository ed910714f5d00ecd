/* What the intel feed-loader unit tests share: a feed loaded from a C
 * string into a fresh store, the load report's examples and counts, store
 * lookups that must succeed, and the real feeds of a directory loaded.
 * Included by one test file each (static functions, no object). */
#ifndef VIGIL_TESTS_UNIT_INTEL_HARNESS_H
#define VIGIL_TESTS_UNIT_INTEL_HARNESS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intel/intel.h"
#include "unit/addr_harness.h"

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

static inline const struct intel_meta *intel_harness_domain_meta(const struct intel_store *s, const char *name)
{
    const struct intel_entry *e = intel_lookup_domain(s, name, strlen(name));
    assert_non_null(e);
    assert_int_equal(e->n_meta, 1);
    return e->meta[0];
}

static inline const struct intel_entry *intel_harness_addr_entry(const struct intel_store *s, const char *text)
{
    struct ip_addr a = addr_of(text);
    return intel_lookup_addr(s, &a);
}

/* ---- the real feeds of ../shared/intel ---- */

/* What a directory of real feeds added, summed over its files' reports. */
struct intel_harness_totals {
    uint64_t files, added[INTEL_TYPE_COUNT], duplicates, invalid, unsupported, not_ids, revoked, errors;
};

/* A whole file (at most 64 MiB) in a buffer the caller frees, or NULL. */
static inline uint8_t *intel_harness_read_whole(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || st.st_size < 0 || st.st_size > (64 << 20)) {
        fclose(fp);
        return NULL;
    }
    uint8_t *p = malloc((size_t)st.st_size + 1);
    if (p != NULL && fread(p, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
        free(p);
        p = NULL;
    }
    fclose(fp);
    *n = (size_t)st.st_size;
    return p;
}

/* Loads one real feed file with `load`; a load error fails the test with
 * the report's examples printed. */
static inline void intel_harness_load_real_file(struct intel_store *s, intel_loader_fn *load, const char *path,
                                                struct intel_harness_totals *t)
{
    size_t n = 0;
    uint8_t *p = intel_harness_read_whole(path, &n);
    assert_non_null(p);
    struct intel_load_report rep;
    memset(&rep, 0, sizeof rep);
    load(s, path, p, n, &rep);
    free(p);
    if (rep.errors != 0) {
        intel_harness_print_examples(&rep);
        fail_msg("%s: %llu errors", path, (unsigned long long)rep.errors);
    }
    t->files++;
    for (int i = 0; i < INTEL_TYPE_COUNT; i++)
        t->added[i] += rep.added[i];
    t->duplicates += rep.duplicates;
    t->invalid += rep.invalid;
    t->unsupported += rep.unsupported;
    t->not_ids += rep.skipped_not_ids;
    t->revoked += rep.skipped_revoked;
    t->errors += rep.errors;
}

static inline bool intel_harness_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Every `suffix` file under dir (recursively, hidden names skipped), in
 * name order. */
static inline void intel_harness_load_real_dir(struct intel_store *s, intel_loader_fn *load, const char *dir,
                                               const char *suffix, struct intel_harness_totals *t)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                intel_harness_load_real_dir(s, load, path, suffix, t);
            else if (S_ISREG(st.st_mode) && intel_harness_ends_with(path, suffix))
                intel_harness_load_real_file(s, load, path, t);
        }
        free(names[i]);
    }
    free(names);
}

/* The attribution an entry's metadata carries: actor, malware and ATT&CK
 * technique lists, each as the store joins them. */
static inline void intel_harness_expect_attribution(const struct intel_meta *m, const char *actor, const char *malware,
                                                    const char *attack)
{
    assert_string_equal(m->actor, actor);
    assert_string_equal(m->malware, malware);
    assert_string_equal(m->attack, attack);
}

/* Each name of listed (separated by spaces) is in the store's domains,
 * none of absent is. */
static inline void intel_harness_expect_domains(const struct intel_store *s, const char *listed, const char *absent)
{
    for (int want = 1; want >= 0; want--) {
        const char *p = want ? listed : absent;
        while (*p) {
            size_t n = strcspn(p, " ");
            if ((intel_lookup_domain(s, p, n) != NULL) != (want == 1))
                fail_msg("%.*s: listed %d, expected %d", (int)n, p, !want, want);
            p += n + strspn(p + n, " ");
        }
    }
}

/* A load report's counter named in lower case in a report spec, or NULL. */
static inline const uint64_t *intel_harness_report_counter(const struct intel_load_report *rep, const char *name,
                                                           size_t n)
{
    static const struct {
        const char *name;
        size_t offset;
    } counters[] = {
        {"files", offsetof(struct intel_load_report, files)},
        {"duplicates", offsetof(struct intel_load_report, duplicates)},
        {"invalid", offsetof(struct intel_load_report, invalid)},
        {"unsupported", offsetof(struct intel_load_report, unsupported)},
        {"not_ids", offsetof(struct intel_load_report, skipped_not_ids)},
        {"revoked", offsetof(struct intel_load_report, skipped_revoked)},
        {"errors", offsetof(struct intel_load_report, errors)},
    };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
        if (strlen(counters[i].name) == n && strncmp(counters[i].name, name, n) == 0)
            return (const uint64_t *)((const char *)rep + counters[i].offset);
    return NULL;
}

/* The indicator type whose Zeek name without "Intel::" is the n bytes at
 * name, or INTEL_TYPE_COUNT. */
static inline int intel_harness_type_named(const char *name, size_t n)
{
    int type = 0;
    while (type < INTEL_TYPE_COUNT &&
           !(strlen(intel_type_zeek_name((enum intel_type)type)) == n + 7 &&
             strncmp(intel_type_zeek_name((enum intel_type)type) + 7, name, n) == 0))
        type++;
    return type;
}

/* What a load reported, as "DOMAIN=1 ADDR=2 total=3 errors=0": an upper-case
 * name is an indicator type's added count (its Zeek name without "Intel::"),
 * a lower-case one the report's counter of that name (files, duplicates,
 * invalid, unsupported, not_ids, revoked, errors), examples its example
 * count, total the indicators added of every type; what is not named is not
 * checked. */
static inline void intel_harness_expect_report(const struct intel_load_report *rep, const char *counts)
{
    const char *p = counts;
    while (*p) {
        size_t n = strcspn(p, "=");
        char *end;
        unsigned long long want = strtoull(p + n + 1, &end, 10);
        if (p[n] != '=' || end == p + n + 1)
            fail_msg("intel_harness_expect_report: bad counts '%s'", counts);
        const uint64_t *counter = intel_harness_report_counter(rep, p, n);
        uint64_t got;
        if (counter != NULL) {
            got = *counter;
        } else if (n == 5 && strncmp(p, "total", 5) == 0) {
            got = intel_harness_total_added(rep);
        } else if (n == 8 && strncmp(p, "examples", 8) == 0) {
            got = rep->n_examples;
        } else {
            int type = intel_harness_type_named(p, n);
            if (type == INTEL_TYPE_COUNT)
                fail_msg("intel_harness_expect_report: bad counts '%s'", counts);
            got = rep->added[type];
        }
        if (got != want)
            fail_msg("%.*s: %llu, expected %llu", (int)n, p, (unsigned long long)got, want);
        p = end + strspn(end, " ");
    }
}

/* Each indicator of listed, "TYPE:value" separated by spaces (TYPE its Zeek
 * name without "Intel::"), is in the store; domains are looked up as
 * traffic would be (a listed parent matches). */
static inline void intel_harness_expect_found(const struct intel_store *s, const char *listed)
{
    const char *p = listed;
    while (*p) {
        size_t n = strcspn(p, " ");
        size_t type_len = strcspn(p, ":");
        int type = intel_harness_type_named(p, type_len);
        if (type_len >= n || type == INTEL_TYPE_COUNT)
            fail_msg("intel_harness_expect_found: bad list '%s'", listed);
        const char *value = p + type_len + 1;
        size_t len = n - type_len - 1;
        const struct intel_entry *e = type == INTEL_DOMAIN ? intel_lookup_domain(s, value, len)
                                                           : intel_lookup(s, (enum intel_type)type, value, len);
        if (e == NULL)
            fail_msg("%.*s: not found", (int)n, p);
        p += n + strspn(p + n, " ");
    }
}

/* What a load must have reported and stored, checked in one call by the
 * feed tests: the report's counts (intel_harness_expect_report), lines
 * among its examples (NULL-ended; with ordered, the first examples in that
 * order), domains the store lists and does not
 * (intel_harness_expect_domains) and indicators it holds
 * (intel_harness_expect_found). A NULL field is not checked. */
struct intel_harness_expect {
    const char *counts;
    const char *examples[9];
    bool ordered;
    const char *listed, *absent, *found;
};

static inline void intel_harness_expect_load(const struct intel_load_report *rep, const struct intel_store *s,
                                             const struct intel_harness_expect *want)
{
    intel_harness_print_examples(rep);
    if (want->counts != NULL)
        intel_harness_expect_report(rep, want->counts);
    for (unsigned i = 0; i < sizeof want->examples / sizeof want->examples[0] && want->examples[i] != NULL; i++) {
        bool seen = want->ordered ? i < rep->n_examples && strcmp(rep->examples[i], want->examples[i]) == 0
                                  : intel_harness_has_example(rep, want->examples[i]);
        if (!seen)
            print_message("example %u missing: %s\n", i, want->examples[i]);
        assert_true(seen);
    }
    if (want->listed != NULL || want->absent != NULL)
        intel_harness_expect_domains(s, want->listed ? want->listed : "", want->absent ? want->absent : "");
    if (want->found != NULL)
        intel_harness_expect_found(s, want->found);
}

/* The metadata's source, description, reference and tags. */
static inline void intel_harness_expect_meta(const struct intel_meta *m, const char *source, const char *desc,
                                             const char *ref, const char *tags)
{
    assert_string_equal(m->source, source);
    assert_string_equal(m->desc, desc);
    assert_string_equal(m->ref, ref);
    assert_string_equal(m->tags, tags);
}

#endif
