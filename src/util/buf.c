#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>

void buf_init(struct buf *b, size_t initial, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->failed = false;
    if (initial > 0)
        buf_grow(b, initial);
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool buf_grow(struct buf *b, size_t need)
{
    if (b->cap - b->len >= need)
        return true;
    if (need > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t want = b->len + need;
    if (b->max != 0 && want > b->max) {
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap *= 2;
    if (b->max != 0 && cap > b->max)
        cap = b->max;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}
