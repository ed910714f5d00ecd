/* detect/window_count: how many distinct values a key has shown within a
 * window (services per client, hosts per account, new peers per host), in
 * bounded memory: at most max_keys keys (when the table is full it starts
 * again, and counts that) and, per key, sketch.h's distinct estimator
 * (exact up to 64 values). Not locked: the caller's lock guards it. */
#ifndef VIGIL_DETECT_WINDOW_COUNT_H
#define VIGIL_DETECT_WINDOW_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/sketch.h"
#include "util/uid.h"

struct window_entry {
    uint64_t key;               /* 0 = free slot */
    int64_t start_us;           /* the window began with the first value */
    bool reported;              /* the threshold was reported in this window */
    char first_uid[UID_LEN];    /* evidence: the connection of the first value */
    struct distinct values;
};

struct window_table {
    struct window_entry *slots;
    size_t cap;                 /* a power of two */
    size_t used;
    uint64_t resets;            /* times the table was full and started again */
};

/* false when out of memory. */
bool window_table_init(struct window_table *t, size_t max_keys);
void window_table_free(struct window_table *t);
/* Counts value under key at ts_us (uid: the connection, kept as evidence
 * for the first value of a window) and returns the key's distinct count in
 * its window (0: out of room). A window older than window_us starts again.
 * *entry is set to the key's entry, valid until the next call. */
uint64_t window_add(struct window_table *t, uint64_t key, uint64_t value, int64_t ts_us, int64_t window_us,
                    const char *uid, struct window_entry **entry);

#endif
