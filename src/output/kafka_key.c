#include "output/kafka_key.h"

#include <string.h>

size_t kafka_json_member(const char *line, size_t len, const char *name, char *out, size_t cap)
{
    char pattern[64];
    size_t pn = strlen(name);
    if (pn + 5 > sizeof pattern || cap == 0)
        return 0;
    pattern[0] = '"';
    memcpy(pattern + 1, name, pn);
    memcpy(pattern + 1 + pn, "\":\"", 3);
    pn += 4;
    const char *p = memmem(line, len, pattern, pn);
    if (p == NULL)
        return 0;
    const char *end = line + len;
    size_t n = 0;
    for (p += pn; p < end && *p != '"'; p++) {
        char c = *p;
        if ((unsigned char)c < 0x20)
            return 0; /* not JSON: a raw control byte (a NUL would cut the key short) */
        if (c == '\\') {
            if (++p == end || (*p != '"' && *p != '\\' && *p != '/'))
                return 0;
            c = *p;
        }
        if (n + 1 >= cap)
            return 0;
        out[n++] = c;
    }
    if (p == end)
        return 0;
    out[n] = '\0';
    return n;
}

uint32_t kafka_host_hint(const char *host, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)host[i];
        h *= 16777619u;
    }
    return h == UINT32_MAX ? h : h + 1;
}
