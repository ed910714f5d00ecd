/* output/anomaly_events: data/anomaly_events.tsv, how each anomaly Vigil
 * raises (a decoder's or the flow layer's weird) is written: whether
 * weird.log gets a row (Zeek raises it) and the EVE `anomaly` Suricata
 * writes for the same condition. Loaded once per run, read-only after. */
#ifndef VIGIL_OUTPUT_ANOMALY_EVENTS_H
#define VIGIL_OUTPUT_ANOMALY_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

struct anomaly_events;

/* One row; its strings live as long as the table. */
struct anomaly_event {
    const char *name;           /* the weird's name */
    unsigned ip_version;        /* 4 or 6: that version's packets only; 0: any */
    bool weird_log;             /* a weird.log row (Zeek raises it) */
    const char *eve_type;       /* "decode", "stream" or "applayer" */
    const char *eve_app_proto;  /* NULL unless applayer */
    const char *eve_event;      /* Suricata's name */
};

/* path, or the shipped data/anomaly_events.tsv when NULL. NULL with one
 * line in err naming the file (and line) when it cannot be read. The caller
 * frees it with anomaly_events_free(). */
struct anomaly_events *anomaly_events_load(const char *path, char *err, size_t errlen);
void anomaly_events_free(struct anomaly_events *t);

/* The row for an anomaly named name, raised on an IP packet of version
 * ip_version (0: unknown); NULL when the table (or t) has none. Points into
 * t: valid while t lives. */
const struct anomaly_event *anomaly_events_find(const struct anomaly_events *t, const char *name,
                                                unsigned ip_version);

#endif
