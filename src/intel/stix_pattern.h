/* A reader for STIX 2.1 patterning: finds the comparisons of a pattern that
 * Vigil can match (an address, a domain, a URL, a hash... compared with '=',
 * IN or ISSUBSET) and says whether the rest of the pattern could match
 * traffic Vigil cannot see.
 *
 * Observation operators (AND, OR, FOLLOWEDBY) and qualifiers (WITHIN,
 * REPEATS, START/STOP) are parsed and then ignored: each supported
 * comparison becomes a stand-alone indicator. The parser does not recurse,
 * so deeply nested input costs no stack. */
#ifndef VIGIL_INTEL_STIX_PATTERN_H
#define VIGIL_INTEL_STIX_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "intel/intel.h"

/* Deepest nesting of '[' and '(' accepted; deeper input is a syntax error. */
#define STIX_PATTERN_MAX_DEPTH 64

/* One comparison Vigil can match. */
struct stix_comparison {
    enum intel_type type;
    const char *value;    /* unescaped, NUL-terminated, inside the caller's arena */
    size_t len;
};

struct stix_pattern_summary {
    /* Supported comparisons found. When larger than `max`, only the first
     * `max` were stored: call again with room for all of them. */
    size_t n_supported;
    /* Comparisons naming a path or operator Vigil cannot match. */
    size_t n_unsupported;
    /* The pattern can be true while none of the supported comparisons is
     * (an unsupported comparison is ORed with them, or there is no
     * supported one at all). */
    bool unsupported_may_match;
    /* Why the first unsupported comparison is unsupported, or what the
     * syntax error is; NULL when there is nothing to say. Static text. */
    const char *reason;
};

/* Parses the n bytes of pattern p. Values are unescaped into arena, which
 * needs at least n bytes (every value fits in the bytes of its quoted
 * literal). Stores up to max supported comparisons in out.
 * Returns 0, or -1 on a syntax error (then sum->reason says what, and no
 * comparison should be used). */
int stix_pattern_parse(const char *p, size_t n, char *arena, size_t arena_len, struct stix_comparison *out,
                       size_t max, struct stix_pattern_summary *sum);

#endif
