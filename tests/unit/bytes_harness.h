/* The unit tests' builder of wire messages: big-endian integers and raw
 * bytes appended to a fixed buffer (a message past its size fails the
 * test), and lengths patched in once what they count is written. Include
 * after <cmocka.h>. */
#ifndef VIGIL_TESTS_UNIT_BYTES_HARNESS_H
#define VIGIL_TESTS_UNIT_BYTES_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct byte_builder {
    uint8_t b[8192];
    size_t n;
};

static inline void putn(struct byte_builder *b, const void *p, size_t n)
{
    assert_true(n <= sizeof b->b - b->n);
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static inline void put8(struct byte_builder *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    putn(b, &x, 1);
}

static inline void put16(struct byte_builder *b, unsigned v)
{
    put8(b, (v >> 8) & 0xff);
    put8(b, v & 0xff);
}

static inline void put24(struct byte_builder *b, unsigned v)
{
    put8(b, (v >> 16) & 0xff);
    put16(b, v & 0xffff);
}

static inline void put32(struct byte_builder *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}

static inline void put48(struct byte_builder *b, uint64_t v)
{
    put16(b, (unsigned)(v >> 32) & 0xffff);
    put32(b, (uint32_t)v);
}

/* The 16- or 24-bit big-endian value v at offset at, written before. */
static inline void patch16(struct byte_builder *b, size_t at, size_t v)
{
    assert_true(at + 2 <= b->n);
    b->b[at] = (uint8_t)(v >> 8);
    b->b[at + 1] = (uint8_t)v;
}

static inline void patch24(struct byte_builder *b, size_t at, size_t v)
{
    assert_true(at + 3 <= b->n);
    b->b[at] = (uint8_t)(v >> 16);
    patch16(b, at + 1, v & 0xffff);
}

/* The 32-bit big-endian value v at p (a raw buffer, not a builder's). */
static inline void be32_at(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* depth nested DER headers at p around a NULL (05 00), each with a 4-byte
 * length of all that follows it: the first tagged outer, the others
 * SEQUENCE and ctx in turn. What a parser of untrusted DER must take
 * without recursing that deep. Returns the length, depth * 6 + 2. */
static inline size_t der_deep_nest(uint8_t *p, size_t depth, uint8_t outer, uint8_t ctx)
{
    size_t n = depth * 6 + 2;
    for (size_t i = 0; i < depth; i++) {
        uint8_t *h = p + i * 6;
        h[0] = i == 0 ? outer : (i % 2 ? 0x30 : ctx);
        h[1] = 0x84;
        be32_at(h + 2, n - (i + 1) * 6);
    }
    p[n - 2] = 0x05;
    p[n - 1] = 0x00;
    return n;
}

#endif
