/* libFuzzer target for asset/pattern_head: the input is a fingerprint
 * pattern (its first byte's low bit: the file's "i" flag). Whatever the
 * head found, PCRE2 itself must refuse every value that leaves it, even
 * as a partial match: a value turned away by the head compare could never
 * have matched the pattern (the property test_pattern_head checks on the
 * shipped files, here on any pattern a --fingerprints file may hold). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asset/pattern_head.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define HEAD_MAX 32

static bool same_byte(unsigned char a, unsigned char b, bool caseless)
{
    return a == b || (caseless && pattern_ascii_letter(a) && (a | 0x20) == (b | 0x20));
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 2 || n > 512)
        return 0;
    bool caseless = d[0] & 1;
    char *pattern = malloc(n);
    if (pattern == NULL)
        return 0;
    memcpy(pattern, d + 1, n - 1);
    pattern[n - 1] = '\0';
    char head[HEAD_MAX];
    size_t len = pattern_literal_head(pattern, &caseless, head, sizeof head);
    if (len > sizeof head)
        __builtin_trap();
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re = len ? pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, caseless ? PCRE2_CASELESS : 0,
                                         &errcode, &erroff, NULL)
                         : NULL;
    pcre2_match_data *md = re ? pcre2_match_data_create(4, NULL) : NULL;
    pcre2_match_context *mc = md ? pcre2_match_context_create(NULL) : NULL;
    if (mc) {
        pcre2_set_match_limit(mc, 10000);
        static const unsigned char others[] = {'\0', '\n', ' ', '.', '0', 'A', 'a', 'z', 0x80, 0xff};
        char value[HEAD_MAX + 1];
        for (size_t k = 0; k < len; k++) {
            memcpy(value, head, k);
            for (size_t i = 0; i <= sizeof others; i++) {
                unsigned char x = i < sizeof others ? others[i] : (unsigned char)(head[k] ^ 0x20);
                if (same_byte((unsigned char)head[k], x, caseless))
                    continue;
                value[k] = (char)x;
                int rc = pcre2_match(re, (PCRE2_SPTR)value, k + 1, 0, PCRE2_PARTIAL_HARD, md, mc);
                if (rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_MATCHLIMIT && rc != PCRE2_ERROR_DEPTHLIMIT &&
                    rc != PCRE2_ERROR_HEAPLIMIT)
                    __builtin_trap(); /* a head that turns away a value the pattern could match */
            }
        }
    }
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    free(pattern);
    return 0;
}
