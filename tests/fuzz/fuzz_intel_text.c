/* libFuzzer target for the text intel loaders: the bytes go to the CSV,
 * plain-list and Zeek intel loaders, then every line is looked up as every
 * type. Checks two invariants the matchers rely on: a normalised value is
 * its own normal form, and a value the store accepted is found again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel.h"
#include "exact_copy.h"
#include "intel_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define MAX_LINES 64

static void check_value(struct intel_store *loaded, struct intel_store *probe, const char *v, size_t len)
{
    static char once[INTEL_VALUE_MAX], twice[INTEL_VALUE_MAX];
    for (int t = 0; t < INTEL_TYPE_COUNT; t++) {
        size_t a = intel_normalize((enum intel_type)t, v, len, once, sizeof once);
        if (a > 0) {
            size_t b = intel_normalize((enum intel_type)t, once, a, twice, sizeof twice);
            if (b != a || memcmp(once, twice, a) != 0)
                abort(); /* not idempotent */
        }
        const struct intel_entry *e = intel_lookup(loaded, (enum intel_type)t, v, len);
        if (e != NULL)
            fuzz_touch_intel_entry(e);
        enum intel_add_result r = intel_store_add(probe, (enum intel_type)t, v, len, NULL);
        if ((r == INTEL_ADD_INVALID) != (a == 0))
            abort(); /* the store and intel_normalize disagree */
        if (r != INTEL_ADD_INVALID && intel_lookup(probe, (enum intel_type)t, v, len) == NULL)
            abort(); /* stored but not found */
        if (r != INTEL_ADD_INVALID && intel_lookup(probe, (enum intel_type)t, once, a) == NULL)
            abort(); /* its canonical form not found */
    }
    enum intel_type t;
    if (intel_type_infer(v, len, &t) && intel_normalize(t, v, len, once, sizeof once) == 0)
        abort(); /* a guess must be a valid value */
    (void)intel_type_refine(INTEL_ADDR, v, len);
    (void)intel_type_refine(INTEL_DOMAIN, v, len);
    (void)intel_type_parse(v, len, &t);
    struct intel_typed_value parts[2];
    (void)intel_split_typed_value("domain|ip", 9, v, len, parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    uint8_t *p = fuzz_exact_copy(d, n);
    if (p == NULL)
        return 0;
    struct intel_store *s = intel_store_new();
    struct intel_store *probe = intel_store_new();
    struct intel_load_report rep;
    memset(&rep, 0, sizeof rep);
    if (s == NULL || probe == NULL)
        goto out;
    (void)intel_detect_format("fuzz", p, n);
    intel_load_csv(s, "fuzz.csv", p, n, &rep);
    intel_load_list(s, "fuzz.txt", p, n, &rep);
    intel_load_zeek(s, "fuzz.dat", p, n, &rep);
    if (rep.n_examples > INTEL_REPORT_EXAMPLES)
        abort();
    for (unsigned i = 0; i < rep.n_examples; i++)
        if (memchr(rep.examples[i], '\0', sizeof rep.examples[i]) == NULL)
            abort();

    size_t off = 0;
    for (unsigned line = 0; line < MAX_LINES && off < n; line++) {
        const uint8_t *nl = memchr(p + off, '\n', n - off);
        size_t len = nl ? (size_t)(nl - (p + off)) : n - off;
        const char *v = (const char *)p + off;
        check_value(s, probe, v, len);
        const struct intel_entry *e = intel_lookup_domain(s, v, len);
        if (e != NULL)
            fuzz_touch_intel_entry(e);
        struct ip_addr a;
        memset(&a, 0, sizeof a);
        memcpy(a.b, v, len < 16 ? len : 16);
        if ((e = intel_lookup_addr(s, &a)) != NULL)
            fuzz_touch_intel_entry(e);
        off += len + 1;
    }
out:
    intel_store_free(s);
    intel_store_free(probe);
    free(p);
    return 0;
}
