/* The unit tests' compressor: a text deflated in memory, in the framing
 * the window bits pick (zlib's convention: 15 + 16 gzip, 15 zlib, -15
 * raw), so decoders can be fed what a sender would send. Include after
 * <cmocka.h>. */
#ifndef VIGIL_TESTS_UNIT_DEFLATE_HARNESS_H
#define VIGIL_TESTS_UNIT_DEFLATE_HARNESS_H

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#define DEFLATE_GZIP (15 + 16)

/* text deflated at level into out (cap bytes, enough for all of it);
 * returns the compressed length. */
static inline size_t deflate_text(const char *text, int level, int window_bits, uint8_t *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return n;
}

#endif
