/* libFuzzer target for the JSON feed loaders (MISP and STIX 2.1, which
 * share feed_json.c): the input is one file's bytes, given to both. The
 * store it fills is looked up and its meta read, so the sanitizers check
 * what the loader handed over. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel.h"
#include "exact_copy.h"
#include "intel_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void touch_report(const struct intel_load_report *rep)
{
    volatile size_t sink = 0;
    if (rep->n_examples > INTEL_REPORT_EXAMPLES)
        __builtin_trap();
    for (unsigned i = 0; i < rep->n_examples; i++)
        sink += strlen(rep->examples[i]);
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct intel_store *s = intel_store_new();
    if (s == NULL)
        return 0;
    uint8_t *copy = fuzz_exact_copy(d, n);
    if (copy == NULL) {
        intel_store_free(s);
        return 0;
    }
    struct intel_load_report rep;
    memset(&rep, 0, sizeof rep);
    intel_load_misp(s, "fuzz.json", copy, n, &rep);
    intel_load_stix(s, "fuzz.json", copy, n, &rep);
    free(copy);
    touch_report(&rep);
    static const char *const names[] = {"evil.example", "a.example", "x.example"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        fuzz_touch_intel_entry(intel_lookup_domain(s, names[i], strlen(names[i])));
    struct ip_addr a;
    if (ip_addr_parse("198.51.100.7", &a))
        fuzz_touch_intel_entry(intel_lookup_addr(s, &a));
    intel_store_free(s);
    return 0;
}
