/* assets.log (Zeek TSV/JSON: one row per device when first seen, when it
 * changes and at the end of the run) and EVE `asset` events; also the
 * device record as a JSON object, for the alerts that carry it. */
#ifndef VIGIL_OUTPUT_ASSETS_LOG_H
#define VIGIL_OUTPUT_ASSETS_LOG_H

#include "asset/asset.h"
#include "output/output.h"
#include "util/json.h"

void output_asset(struct output_worker *w, enum asset_event ev, int64_t ts_us, const struct asset_record *r);

/* Writes the record's fields as members of the object j is in. */
void asset_record_json_members(struct json_writer *j, const struct asset_record *r);

const char *asset_event_name(enum asset_event ev);

#endif
