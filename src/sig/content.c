/* A content string decoded (quotes, |hex| and backslash escapes): a leaf that the
 * rule parser (rule_parse.c) and the keyword table (keywords.c) both call,
 * so neither calls the other back. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sig/sig_internal.h"
#include "util/ascii.h"

bool sig_decode_content(const char *v, uint8_t **out, uint32_t *len, char *why, size_t whylen)
{
    while (isspace((unsigned char)*v))
        v++;
    size_t n = strlen(v);
    while (n && isspace((unsigned char)v[n - 1]))
        n--;
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    } else if (n && (v[0] == '"' || v[n - 1] == '"')) {
        snprintf(why, whylen, "unbalanced quotes in content");
        return false;
    }
    if (n == 0) {
        snprintf(why, whylen, "empty content");
        return false;
    }
    if (n > SIG_CONTENT_MAX * 4) {
        snprintf(why, whylen, "content of %zu bytes is longer than %u", n, SIG_CONTENT_MAX);
        return false;
    }
    uint8_t *buf = malloc(n);
    if (!buf) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    size_t o = 0;
    bool hex = false;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '|') {
            if (hex && hi >= 0)
                goto bad_hex;
            hex = !hex;
            continue;
        }
        if (hex) {
            if (isspace(c))
                continue;
            int h = hex_value(c);
            if (h < 0)
                goto bad_hex;
            if (hi < 0) {
                hi = h;
            } else {
                buf[o++] = (uint8_t)(hi << 4 | h);
                hi = -1;
            }
            continue;
        }
        if (c == '\\') {
            if (i + 1 == n || !strchr("\\\";:", v[i + 1])) {
                free(buf);
                snprintf(why, whylen, "bad escape in content");
                return false;
            }
            c = (unsigned char)v[++i];
        } else if (c == '"') {
            free(buf);
            snprintf(why, whylen, "unescaped quote in content");
            return false;
        }
        buf[o++] = c;
    }
    if (hex)
        goto bad_hex;
    if (o > SIG_CONTENT_MAX) {
        free(buf);
        snprintf(why, whylen, "content of %zu bytes is longer than %u", o, SIG_CONTENT_MAX);
        return false;
    }
    *out = buf;
    *len = (uint32_t)o;
    return true;
bad_hex:
    free(buf);
    snprintf(why, whylen, "bad hex in content");
    return false;
}
