/* Distinct values per key in a window (window_count.h): open addressing
 * with linear probing over keys that are hashes already. */
#include "detect/window_count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool window_table_init(struct window_table *t, size_t max_keys)
{
    size_t cap = 16;
    while (cap < max_keys * 2)
        cap *= 2;
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = t->slots ? cap : 0;
    t->used = 0;
    t->resets = 0;
    return t->slots != NULL;
}

void window_table_free(struct window_table *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = 0;
}

static struct window_entry *find(struct window_table *t, uint64_t key)
{
    size_t i = (size_t)key & (t->cap - 1);
    while (t->slots[i].key != key && t->slots[i].key != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static void window_start(struct window_entry *e, int64_t ts_us, const char *uid)
{
    memset(&e->values, 0, sizeof e->values);
    e->start_us = ts_us;
    e->reported = false;
    snprintf(e->first_uid, sizeof e->first_uid, "%s", uid ? uid : "");
}

uint64_t window_add(struct window_table *t, uint64_t key, uint64_t value, int64_t ts_us, int64_t window_us,
                    const char *uid, struct window_entry **entry)
{
    *entry = NULL;
    if (t->cap == 0)
        return 0;
    key |= 1; /* 0 marks a free slot */
    struct window_entry *e = find(t, key);
    if (e->key == 0) {
        if (t->used >= t->cap / 2) {
            /* full: forget everything rather than grow without bound */
            memset(t->slots, 0, t->cap * sizeof *t->slots);
            t->used = 0;
            t->resets++;
            e = find(t, key);
        }
        e->key = key;
        t->used++;
        window_start(e, ts_us, uid);
    } else if (ts_us - e->start_us > window_us) {
        window_start(e, ts_us, uid);
    }
    distinct_add(&e->values, value);
    *entry = e;
    return distinct_count(&e->values);
}
