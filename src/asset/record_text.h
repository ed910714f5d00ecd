/* asset/record_text: a device record's fields as text, the same for
 * assets.log, EVE `asset` events and the alerts that carry the record. */
#ifndef VIGIL_ASSET_RECORD_TEXT_H
#define VIGIL_ASSET_RECORD_TEXT_H

#include <stddef.h>

#include "asset/asset-t.h"
#include "util/json.h"

/* parts[0..k) end to end into out, cut to n - 1 bytes and NUL-terminated:
 * every record line writes such texts, and snprintf's format parsing was
 * most of a record's cost. */
void asset_text_join(char *out, size_t n, const char *const *parts, size_t k);

const char *asset_event_name(enum asset_event ev);   /* static string: "new", "changed", "final" */
void asset_service_text(const struct asset_service *s, char *out, size_t n);  /* "80/tcp" */
void asset_hint_text(const struct asset_hint *h, char *out, size_t n);  /* "http_server/camera: ..." */
void asset_risk_text(const struct asset_record *r, char *out, size_t n);  /* "hikvision/covered" or "" */

/* Writes the record's fields as members of the object j is in; times as
 * EVE writes them ("2024-03-04T09:00:00.000000+0000"). */
void asset_record_json_members(struct json_writer *j, const struct asset_record *r);

#endif
