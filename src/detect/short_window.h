/* detect/short_window: per-key state of the short-capture detectors within
 * a window, in bounded memory. Each entry is the caller's struct, of a fixed
 * size, that begins with `struct short_slot`; a key's window starts with its
 * first event and starts again (the entry zeroed) once older than the
 * window. A key reported is not reported again for SHORT_SUPPRESS_US (a
 * tunnel of an hour is one notice, as Zeek's notice suppression makes it),
 * however many windows it fills. At most max_keys keys: when the table is
 * full it starts again (counted in resets), so memory never grows. Not
 * locked: one per worker. */
#ifndef VIGIL_DETECT_SHORT_WINDOW_H
#define VIGIL_DETECT_SHORT_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/uid.h"

#define SHORT_SUPPRESS_US (INT64_C(3600) * 1000000) /* notice.log's suppress_for */

struct short_slot {
    uint64_t key;               /* 0 = free */
    int64_t start_us;           /* the window began with this event */
    int64_t reported_us;        /* when the key was last reported (0: never); kept across windows */
    char first_uid[UID_LEN];    /* evidence: the connection of the window's first event */
};

struct short_table {
    unsigned char *slots;
    size_t stride;              /* bytes per entry */
    size_t cap;                 /* a power of two */
    size_t used;
    uint64_t resets;
};

/* stride: the caller's entry size (at least sizeof(struct short_slot)). false: out of memory. */
bool short_table_init(struct short_table *t, size_t stride, size_t max_keys);
void short_table_free(struct short_table *t);
/* The entry of key at ts_us, valid until the next call; uid names the
 * event's connection. NULL only when the table could not be made. */
void *short_table_get(struct short_table *t, uint64_t key, int64_t ts_us, int64_t window_us, const char *uid);
/* Whether the key was reported less than SHORT_SUPPRESS_US before ts_us. */
bool short_slot_suppressed(const struct short_slot *s, int64_t ts_us);

#endif
