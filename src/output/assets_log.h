/* assets.log (Zeek TSV/JSON: one row per device when first seen, when it
 * changes and at the end of the run) and EVE `asset` events. */
#ifndef VIGIL_OUTPUT_ASSETS_LOG_H
#define VIGIL_OUTPUT_ASSETS_LOG_H

#include "asset/asset-t.h"
#include "output/output.h"

void output_asset(struct output_worker *w, enum asset_event ev, int64_t ts_us, const struct asset_record *r);

#endif
