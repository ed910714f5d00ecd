/* Windowed per-key entries of the short-capture detectors (short_window.h):
 * open addressing with linear probing over keys that are hashes already. */
#include "detect/short_window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool short_table_init(struct short_table *t, size_t stride, size_t max_keys)
{
    size_t cap = 16;
    while (cap < max_keys * 2)
        cap *= 2;
    memset(t, 0, sizeof *t);
    t->slots = calloc(cap, stride);
    if (t->slots == NULL)
        return false;
    t->stride = stride;
    t->cap = cap;
    return true;
}

void short_table_free(struct short_table *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static struct short_slot *slot_at(const struct short_table *t, size_t i)
{
    return (struct short_slot *)(void *)(t->slots + i * t->stride);
}

static struct short_slot *probe(const struct short_table *t, uint64_t key)
{
    size_t i = (size_t)key & (t->cap - 1);
    struct short_slot *s;
    while ((s = slot_at(t, i))->key != key && s->key != 0)
        i = (i + 1) & (t->cap - 1);
    return s;
}

static void restart(struct short_table *t, struct short_slot *s, uint64_t key, int64_t ts_us, const char *uid)
{
    int64_t reported_us = s->key == key ? s->reported_us : 0;
    memset(s, 0, t->stride);
    s->reported_us = reported_us;
    s->key = key;
    s->start_us = ts_us;
    snprintf(s->first_uid, sizeof s->first_uid, "%s", uid ? uid : "");
}

void *short_table_get(struct short_table *t, uint64_t key, int64_t ts_us, int64_t window_us, const char *uid)
{
    if (t->cap == 0)
        return NULL;
    key |= 1; /* 0 marks a free slot */
    struct short_slot *s = probe(t, key);
    if (s->key == 0) {
        if (t->used >= t->cap / 2) {
            /* full: forget every key rather than grow without bound */
            memset(t->slots, 0, t->cap * t->stride);
            t->used = 0;
            t->resets++;
            s = probe(t, key);
        }
        t->used++;
        restart(t, s, key, ts_us, uid);
    } else if (ts_us - s->start_us > window_us) {
        restart(t, s, key, ts_us, uid);
    }
    return s;
}

bool short_slot_suppressed(const struct short_slot *s, int64_t ts_us)
{
    return s->reported_us != 0 && ts_us - s->reported_us < SHORT_SUPPRESS_US;
}
