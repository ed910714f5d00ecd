/* A bounds-checked reader over attacker bytes: every read checks what is
 * left; a short read marks the reader bad and returns 0 (or NULL), and a bad
 * reader stays bad, so parsers check once at the end of a structure. */
#ifndef VIGIL_UTIL_READER_H
#define VIGIL_UTIL_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Big-endian loads where the caller has checked that the bytes are there. */
static inline uint32_t load_be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t load_be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Little-endian loads (SMB, DCE-RPC, NTLM), same contract. */
static inline uint32_t load_le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t load_le32(const uint8_t *p)
{
    return load_le16(p) | load_le16(p + 2) << 16;
}

static inline uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

struct byte_reader {
    const uint8_t *p;
    size_t n, off;
    bool bad;
};

static inline bool reader_has(struct byte_reader *r, size_t len)
{
    if (r->bad || r->n - r->off < len) {
        r->bad = true;
        return false;
    }
    return true;
}

static inline uint32_t reader_u8(struct byte_reader *r)
{
    return reader_has(r, 1) ? r->p[r->off++] : 0;
}

/* The next width (1 to 4) bytes as a big-endian number, 0 when short. */
static inline uint32_t reader_be(struct byte_reader *r, size_t width)
{
    if (!reader_has(r, width))
        return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < width; i++)
        v = v << 8 | r->p[r->off + i];
    r->off += width;
    return v;
}

static inline uint32_t reader_u16(struct byte_reader *r)
{
    return reader_be(r, 2);
}

static inline uint32_t reader_u24(struct byte_reader *r)
{
    return reader_be(r, 3);
}

static inline uint32_t reader_u32(struct byte_reader *r)
{
    return reader_be(r, 4);
}

/* The next len bytes (points into the reader's buffer), or NULL when they are
 * not there. */
static inline const uint8_t *reader_bytes(struct byte_reader *r, uint64_t len)
{
    if (len > SIZE_MAX || !reader_has(r, (size_t)len))
        return NULL;
    const uint8_t *q = r->p + r->off;
    r->off += (size_t)len;
    return q;
}

/* A sub-reader over the next len bytes (bad if they are not there). */
static inline struct byte_reader reader_sub(struct byte_reader *r, size_t len)
{
    struct byte_reader s = {NULL, 0, 0, true};
    if (!reader_has(r, len))
        return s;
    s.p = r->p + r->off;
    s.n = len;
    s.bad = false;
    r->off += len;
    return s;
}

static inline size_t reader_left(const struct byte_reader *r)
{
    return r->bad ? 0 : r->n - r->off;
}

#endif
