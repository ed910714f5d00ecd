/* libFuzzer target for the allow-list parser: the input is the file. When it
 * parses, every rule is exercised by queries built from the input's first
 * bytes (addresses, port, kind) and a few fixed names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/allowlist.h"
#include "exact_copy.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char *text = fuzz_exact_copy(d, n);
    if (text == NULL)
        return 0;
    char err[128];
    struct allowlist *a = allowlist_parse(text, n, "fuzz", err, sizeof err);
    if (a != NULL) {
        uint8_t raw[34] = {0};
        memcpy(raw, d, n < sizeof raw ? n : sizeof raw);
        struct ip_addr src, dst;
        memcpy(src.b, raw, 16);
        memcpy(dst.b, raw + 16, 16);
        uint16_t port = (uint16_t)(raw[32] << 8 | raw[33]);
        static const char *const names[] = {NULL, "", ".", "example.com", "a.b.example.com.", "EXAMPLE.COM", "com"};
        for (int k = 0; k <= FINDING_KIND_COUNT; k++)
            for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
                (void)allowlist_allows(a, (enum finding_kind)k, &src, &dst, port, names[i]);
                (void)allowlist_allows(a, (enum finding_kind)k, &src, NULL, 0, names[i]);
                (void)allowlist_allows(a, (enum finding_kind)k, NULL, &dst, port, names[i]);
            }
        allowlist_free(a);
    } else if (strlen(err) >= sizeof err) {
        abort();
    }
    free(text);
    return 0;
}
