#include "asset/pattern_head.h"

#include <string.h>

static bool is_meta(char c)
{
    return c != '\0' && strchr("\\^$.[]|()?*+{", c) != NULL;
}

static bool is_ascii_alnum(unsigned char c)
{
    return pattern_ascii_letter(c) || (c >= '0' && c <= '9');
}

/* Past the character class opening at p ('['), or at the NUL. */
static const char *skip_class(const char *p)
{
    p += p[1] == '^' ? 2 : 1;
    if (*p == ']')
        p++; /* a ']' first is a member */
    while (*p && *p != ']')
        p += *p != '\\' || !p[1] ? 1 : p[1] == 'c' && p[2] ? 3 : 2; /* \cX takes X, even a backslash */
    return p;
}

/* Whether p holds an alternation outside any group or class: "^a|b" does
 * not need its value to start with "a". */
static bool top_level_alternation(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '\\') {
            if (p[1] == '\0')
                break;
            p++;
            if (*p == 'c' && p[1] != '\0')
                p++; /* \cX: X belongs to the escape, even a backslash or a '|' */
        } else if (*p == '[') {
            p = skip_class(p);
            if (*p == '\0')
                break;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        } else if (*p == '|' && depth <= 0) {
            return true;
        }
    }
    return false;
}

size_t pattern_literal_head(const char *pattern, bool *caseless, char *head, size_t cap)
{
    const char *p = pattern;
    if (strncmp(p, "(?i)", 4) == 0) {
        *caseless = true;
        p += 4;
    }
    if (*p != '^' || strstr(p, "\\Q") || top_level_alternation(p))
        return 0;
    p++;
    size_t n = 0;
    while (*p && n < cap) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\' && p[1] && !is_ascii_alnum((unsigned char)p[1]) && !((unsigned char)p[1] & 0x80)) {
            c = (unsigned char)p[1]; /* an escaped punctuation mark is itself */
            p += 2;
        } else if (!is_meta((char)c) && c < 0x80) {
            p++;
        } else {
            break;
        }
        if (*p == '?' || *p == '*' || *p == '{')
            break; /* this character may be absent */
        head[n++] = (char)c;
        if (*p == '+')
            break;
    }
    return n;
}
