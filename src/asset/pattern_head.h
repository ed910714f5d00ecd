/* asset/pattern_head: the literal text every match of an anchored PCRE2
 * pattern starts with ("^Hikvision-Webs/\d" -> "Hikvision-Webs/"), so that a
 * value can be turned away by a byte compare before the pattern is
 * compiled or run. */
#ifndef VIGIL_ASSET_PATTERN_HEAD_H
#define VIGIL_ASSET_PATTERN_HEAD_H

#include <stdbool.h>
#include <stddef.h>

/* Writes at most cap bytes of pattern's literal head into head (not
 * NUL-terminated) and returns its length; 0 when the pattern promises none
 * (not anchored, a top-level '|', \Q...\E). *caseless is set when the
 * pattern opens with (?i) (it is left as it was otherwise): the head then
 * matches ASCII letters of either case. */
size_t pattern_literal_head(const char *pattern, bool *caseless, char *head, size_t cap);

/* An ASCII letter: the only bytes PCRE2 folds without UTF, whatever the
 * locale. */
static inline bool pattern_ascii_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

#endif
