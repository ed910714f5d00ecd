/* EVE `alert` events for Vigil's own detectors (threat intel, behaviour),
 * in Suricata's layout: the header, community_id, then
 *   "alert": {"action":"allowed","gid":1,"signature_id":N,"rev":1,
 *             "signature":"...","category":"...","severity":N,
 *             "metadata": {"key": ["value", ...], ...}}
 * and app_proto. Metadata values are arrays of strings, as Suricata writes
 * a rule's `metadata:` keyword, so EveBox/Kibana filter on them alike. */
#ifndef VIGIL_OUTPUT_ALERT_EVE_H
#define VIGIL_OUTPUT_ALERT_EVE_H

#include <stdint.h>

#include "detect/alert-t.h"
#include "output/eve.h"

/* Signature ids of Vigil's detectors (gid 1, in a private range). */
#define VIGIL_SID_INTEL_BASE 9100000u   /* + enum intel_type */
#define VIGIL_SID_BEHAVIOR_BASE 9200000u /* + enum finding_kind */

struct alert_head {
    int64_t ts_us;
    uint64_t flow_id;
    struct eve_tuple tuple;
    const char *community_id;
    uint32_t signature_id;
    const char *signature;
    const char *category;
    int severity;                /* 1 high .. 3 low */
};

/* Writes everything up to and including `"metadata":{`; NULL when EVE is off.
 * The worker's writer, borrowed until eve_end or eve_abort. */
struct json_writer *alert_eve_begin(struct output_worker *w, const struct alert_head *h);
/* "key":["v1","v2"] from a comma-separated list (items trimmed, empty ones
 * skipped, duplicates dropped); nothing when the list is empty or NULL. */
void alert_meta_list(struct json_writer *j, const char *key, const char *comma_list);
void alert_meta_str(struct json_writer *j, const char *key, const char *value);
void alert_meta_strn(struct json_writer *j, const char *key, const char *value, size_t n);
void alert_meta_uint(struct json_writer *j, const char *key, uint64_t v);
void alert_meta_double(struct json_writer *j, const char *key, double v);
/* Closes metadata and alert, writes app_proto (NULL: none), ends the event. */
void alert_eve_end(struct output_worker *w, struct json_writer *j, const char *app_proto);

/* A detector's generic alert (detect/alert-t.h), in Suricata's layout:
 * header, community_id, "alert":{action, gid, signature_id, rev,
 * signature, category, severity, metadata (attack_technique first), rule},
 * the alert's extra fragment, app_proto. */
void alert_eve_write(struct output_worker *w, const struct alert *a);

#endif
