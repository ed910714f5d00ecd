/* libFuzzer target for the signature engine's files (sig/vars.c,
 * sig/ruleset.c): --rules' rule files and the vars, classification.config
 * and reference.config files beside them. The first byte picks which file
 * the rest is (its value modulo 4: vars, classification, reference, rules),
 * read from disk into a fresh set. Then every field of the input is named
 * by rules as an address and port variable, a classtype and a reference
 * system, so what the file defined is looked up (a variable that names
 * itself must be refused, not followed forever). Matching is
 * fuzz_sig_rule's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sig/sig.h"
#include "table_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* At most this many fields are named by rules (each is four rules). */
#define NAMED_FIELDS 32

static void name_field(void *ctx, const char *field, size_t len)
{
    if (len == 0 || len > 200)
        return;
    static const char *const shapes[] = {
        "alert ip $%s any -> any any (msg:\"a\"; sid:1;)",
        "alert tcp any $%s -> any any (msg:\"p\"; sid:2;)",
        "alert ip any any -> any any (msg:\"c\"; classtype:%s; sid:3;)",
        "alert ip any any -> any any (msg:\"r\"; reference:%s,x; sid:4;)",
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        char rule[512], why[600];
        snprintf(rule, sizeof rule, shapes[i], field);
        (void)sig_set_add_rule(ctx, rule, "fuzz.rules", 1, why, sizeof why);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n == 0)
        return 0;
    static const char *const names[] = {"fuzz.vars", "fuzz.classification", "fuzz.reference", "fuzz.rules"};
    struct sig_set *s = sig_set_new(NULL);
    if (s == NULL || !sig_set_cache_dir(s, NULL)) {
        sig_set_free(s);
        return 0;
    }
    char path[128], err[256];
    fuzz_temp_write(names[d[0] % 4], d + 1, n - 1, path, sizeof path);
    bool loaded;
    switch (d[0] % 4) {
    case 0: loaded = sig_set_load_vars(s, path, err, sizeof err); break;
    case 1: loaded = sig_set_load_classification(s, path, err, sizeof err); break;
    case 2: loaded = sig_set_load_reference(s, path, err, sizeof err); break;
    default: loaded = sig_set_load_path(s, path, NULL, NULL, err, sizeof err); break;
    }
    if (loaded)
        fuzz_each_field(d + 1, n - 1, NAMED_FIELDS, name_field, s);
    sig_set_free(s);
    return 0;
}
