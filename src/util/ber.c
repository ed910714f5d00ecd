/* The BER reader (ber.h). Lengths are read in at most four bytes: no message
 * of the protocols that use it comes near 4 GiB, and a longer length is the
 * mark of garbage. */
#include "util/ber.h"

bool ber_peek_length(const uint8_t *p, size_t n, size_t *header, uint64_t *total)
{
    *header = 0;
    *total = 0;
    if (n < 2)
        return true;
    size_t off = 1;
    if ((p[0] & 0x1f) == 0x1f) {
        /* high tag number: base-128 digits, at most four */
        for (;;) {
            if (off >= n)
                return true;
            if (off > 4)
                return false;
            if (!(p[off++] & 0x80))
                break;
        }
        if (off >= n)
            return true;
    }
    uint8_t first = p[off++];
    uint64_t len = first;
    if (first & 0x80) {
        size_t k = first & 0x7f;
        if (k == 0 || k > 4)
            return false; /* indefinite, or longer than any real message */
        if (n - off < k)
            return true;
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | p[off++];
    }
    *header = off;
    *total = off + len;
    return true;
}

bool ber_next(struct byte_reader *r, struct ber_item *it)
{
    size_t left = reader_left(r);
    size_t header;
    uint64_t total;
    if (r->bad || !ber_peek_length(r->p + r->off, left, &header, &total) || header == 0 || total > left) {
        r->bad = true;
        return false;
    }
    const uint8_t *p = r->p + r->off;
    it->cls = (enum ber_class)(p[0] >> 6);
    it->constructed = (p[0] & 0x20) != 0;
    uint32_t tag = p[0] & 0x1f;
    if (tag == 0x1f) {
        /* ber_peek_length checked that the digits end inside the header */
        tag = 0;
        size_t i = 1;
        do
            tag = tag << 7 | (p[i] & 0x7f);
        while (p[i++] & 0x80);
    }
    it->tag = tag;
    it->value = p + header;
    it->len = (size_t)(total - header);
    r->off += (size_t)total;
    return true;
}

struct byte_reader ber_contents(const struct ber_item *it)
{
    struct byte_reader r = {it->value, it->len, 0, false};
    return r;
}

bool ber_expect(struct byte_reader *r, enum ber_class cls, uint32_t tag, struct ber_item *it)
{
    if (!ber_next(r, it))
        return false;
    if (it->cls != cls || it->tag != tag) {
        r->bad = true;
        return false;
    }
    return true;
}

bool ber_int(const struct ber_item *it, int64_t *v)
{
    if (it->len == 0 || it->len > 8)
        return false;
    uint64_t u = (it->value[0] & 0x80) ? UINT64_MAX : 0;
    for (size_t i = 0; i < it->len; i++)
        u = u << 8 | it->value[i];
    *v = (int64_t)u;
    return true;
}
