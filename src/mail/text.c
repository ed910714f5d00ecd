/* Header text: RFC 2047 encoded words to UTF-8, and folding for
 * comparisons across scripts. */
#include "mail/mail_internal.h"

#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "util/base64.h"
#include "util/utf8.h"

static size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (p[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static uint32_t lower_cp(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    return c;
}

void fold_utf8(const char *in, char *out, size_t outlen)
{
    const uint8_t *p = (const uint8_t *)in;
    size_t n = strlen(in), k = 0;
    bool space = true;
    for (size_t i = 0; i < n && k + 5 < outlen;) {
        uint32_t cp;
        i += utf8_decode(p + i, n - i, &cp);
        if (cp == ' ' || cp == '\t' || cp == '"' || cp == '\'' || cp == 0xA0) {
            if (!space)
                out[k++] = ' ';
            space = true;
            continue;
        }
        space = false;
        k += utf8_encode(lower_cp(cp), out + k);
    }
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}

/* Decodes the text of one encoded word (B or Q) into raw bytes. */
static size_t decode_word_text(char enc, const char *t, size_t tn, char *raw, size_t cap)
{
    size_t k = 0;
    if (enc == 'B' || enc == 'b') {
        k = base64_decode_lenient((const uint8_t *)t, tn, (uint8_t *)raw, cap, BASE64_SKIP_ANY);
    } else {
        for (size_t i = 0; i < tn && k < cap; i++) {
            if (t[i] == '_') {
                raw[k++] = ' ';
            } else if (t[i] == '=' && i + 2 < tn && hex_value((uint8_t)t[i + 1]) >= 0 &&
                       hex_value((uint8_t)t[i + 2]) >= 0) {
                raw[k++] = (char)(hex_value((uint8_t)t[i + 1]) << 4 | hex_value((uint8_t)t[i + 2]));
                i += 2;
            } else {
                raw[k++] = t[i];
            }
        }
    }
    return k;
}

/* Converts raw bytes in charset to UTF-8 at out+*k. */
static void convert(const char *charset, char *raw, size_t rn, char *out, size_t outlen, size_t *k)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1) {
        size_t c = rn < outlen - 1 - *k ? rn : outlen - 1 - *k;
        memcpy(out + *k, raw, c);
        *k += c;
        return;
    }
    char *in = raw, *o = out + *k;
    size_t inleft = rn, outleft = outlen - 1 - *k;
    while (inleft > 0 && outleft > 0) {
        if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
            if (inleft == 0 || outleft == 0)
                break;
            in++; /* skip an invalid byte */
            inleft--;
        }
    }
    *k = (size_t)(o - out);
    iconv_close(cd);
}

void decode_rfc2047(const char *in, size_t n, char *out, size_t outlen)
{
    size_t k = 0;
    bool last_was_word = false;
    for (size_t i = 0; i < n && k + 1 < outlen;) {
        if (i + 1 < n && in[i] == '=' && in[i + 1] == '?') {
            const char *cs = in + i + 2;
            const char *q1 = memchr(cs, '?', n - (size_t)(cs - in));
            if (q1 != NULL && q1 + 2 < in + n && q1[2] == '?') {
                char enc = q1[1];
                const char *text = q1 + 3;
                const char *end = NULL;
                for (const char *s = text; s + 1 < in + n; s++)
                    if (s[0] == '?' && s[1] == '=') {
                        end = s;
                        break;
                    }
                if (end != NULL && strchr("BbQq", enc) != NULL) {
                    char charset[64];
                    size_t cl = (size_t)(q1 - cs) < sizeof charset - 1 ? (size_t)(q1 - cs) : sizeof charset - 1;
                    memcpy(charset, cs, cl);
                    charset[cl] = 0;
                    char *star = strchr(charset, '*'); /* RFC 2231 language */
                    if (star)
                        *star = 0;
                    char raw[1024];
                    size_t rn = decode_word_text(enc, text, (size_t)(end - text), raw, sizeof raw);
                    convert(charset, raw, rn, out, outlen, &k);
                    i = (size_t)(end - in) + 2;
                    last_was_word = true;
                    continue;
                }
            }
        }
        if (last_was_word && (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' || in[i] == '\n')) {
            /* blanks between two encoded words vanish */
            size_t j = i;
            while (j < n && (in[j] == ' ' || in[j] == '\t' || in[j] == '\r' || in[j] == '\n'))
                j++;
            if (j + 1 < n && in[j] == '=' && in[j + 1] == '?') {
                i = j;
                continue;
            }
        }
        last_was_word = false;
        out[k++] = in[i] == '\r' || in[i] == '\n' ? ' ' : in[i];
        i++;
    }
    out[k] = 0;
}
