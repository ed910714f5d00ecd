/* MS-OVBA 2.4.1: the run-length compression of VBA source and of the dir
 * stream. A CompressedContainer is a signature byte (1) and chunks of at
 * most 4096 decompressed bytes; each chunk is raw or a series of flag bytes
 * each governing 8 literal bytes or copy tokens whose offset/length split
 * depends on how far into the chunk the decoder is. */
#include "doc/doc_internal.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK 4096

struct out_buf {
    uint8_t *p;
    size_t len, cap, max;
};

static bool put(struct out_buf *o, uint8_t c)
{
    if (o->len >= o->max)
        return false;
    if (o->len == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8192;
        uint8_t *g = realloc(o->p, cap);
        if (g == NULL)
            return false;
        o->p = g;
        o->cap = cap;
    }
    o->p[o->len++] = c;
    return true;
}

static unsigned copy_bit_count(size_t difference)
{
    unsigned bits = 4;
    while (bits < 12 && ((size_t)1 << bits) < difference)
        bits++;
    return bits;
}

/* One compressed chunk's data (after its header) into o; false when it
 * is broken or the output bound is reached. */
static bool decompress_chunk(const uint8_t *p, size_t n, struct out_buf *o)
{
    size_t start = o->len, i = 0;
    while (i < n) {
        uint8_t flags = p[i++];
        for (int bit = 0; bit < 8 && i < n; bit++) {
            if (!(flags & (1u << bit))) {
                if (!put(o, p[i++]))
                    return false;
                continue;
            }
            if (n - i < 2)
                return false;
            uint16_t token = le16(p + i);
            i += 2;
            size_t difference = o->len - start;
            unsigned bits = copy_bit_count(difference);
            uint16_t length_mask = (uint16_t)(0xFFFFu >> bits);
            size_t length = (size_t)(token & length_mask) + 3;
            size_t offset = (size_t)(token >> (16 - bits)) + 1;
            if (offset > difference)
                return false;
            for (size_t k = 0; k < length; k++)
                if (!put(o, o->p[o->len - offset]))
                    return false;
        }
    }
    return true;
}

uint8_t *ovba_decompress(const uint8_t *p, size_t n, size_t max_out, size_t *out_n)
{
    if (n < 1 || p[0] != 1)
        return NULL;
    struct out_buf o = {NULL, 0, 0, max_out};
    size_t i = 1;
    bool ok = true;
    while (ok && i + 2 <= n) {
        uint16_t header = le16(p + i);
        size_t size = (size_t)(header & 0x0FFF) + 3;
        bool compressed = header & 0x8000;
        if (((header >> 12) & 7) != 3) {
            ok = false;
            break;
        }
        size_t end = i + size < n ? i + size : n;
        i += 2;
        if (compressed) {
            ok = decompress_chunk(p + i, end - i, &o);
        } else {
            for (size_t k = 0; ok && k < CHUNK && i + k < n; k++)
                ok = put(&o, p[i + k]);
            end = i + CHUNK < n ? i + CHUNK : n;
        }
        i = end;
    }
    if (!ok && o.len == 0) {
        free(o.p);
        return NULL;
    }
    if (o.p == NULL)
        o.p = malloc(1);
    *out_n = o.len;
    return o.p;
}
