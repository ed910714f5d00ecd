#include "util/utf16.h"

#include "util/utf8.h"

size_t utf16le_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i + 1 < n;) {
        uint32_t cp = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
        i += 2;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n) {
            uint32_t lo = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        char tmp[4];
        size_t k = utf8_encode(cp, tmp);
        if (o + k + 1 > cap)
            break;
        for (size_t j = 0; j < k; j++)
            out[o++] = tmp[j];
    }
    if (cap)
        out[o] = '\0';
    return o;
}
