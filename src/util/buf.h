/* A growable byte buffer with a hard size cap. Appends never fail loudly:
 * when memory runs out or the cap is hit the buffer records `failed` and
 * drops further bytes, so a formatter can write a whole record without
 * checking each append and decide once, at the end, whether to keep it.
 * Depends on nothing but libc. */
#ifndef VIGIL_UTIL_BUF_H
#define VIGIL_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;     /* hard cap on cap; 0 = no cap */
    bool failed;    /* an append was dropped since the last buf_clear_failure */
};

void buf_init(struct buf *b, size_t initial, size_t max);
void buf_free(struct buf *b);
/* Makes room for `need` more bytes; false (and failed set) when impossible. */
bool buf_grow(struct buf *b, size_t need);

static inline bool buf_reserve(struct buf *b, size_t need)
{
    return (b->cap - b->len >= need) || buf_grow(b, need);
}

static inline void buf_append(struct buf *b, const void *p, size_t n)
{
    if (n == 0 || !buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Appends as much of (p, n) as the cap leaves room for: the first bytes of
 * a stream kept, the rest dropped. False when something was dropped. */
static inline bool buf_append_upto(struct buf *b, const void *p, size_t n)
{
    size_t room = b->max != 0 && b->max > b->len ? b->max - b->len : b->max != 0 ? 0 : n;
    size_t take = n < room ? n : room;
    buf_append(b, p, take);
    return take == n && !b->failed;
}

static inline void buf_putc(struct buf *b, char c)
{
    if (!buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
}

static inline void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

/* Rolls back to an earlier length (e.g. to drop a half-built record). */
static inline void buf_truncate(struct buf *b, size_t len)
{
    if (len < b->len)
        b->len = len;
}

static inline void buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = false;
}

#endif
