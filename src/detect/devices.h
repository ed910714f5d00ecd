/* detect/devices: the device inventory and device detectors of a run
 * (asset/), fed by the workers behind one lock (they see neighbour
 * bindings, conn records and a few transactions, never every packet). It
 * loads the data they need: the IEEE registries, the fingerprints, the
 * vendor policy and the allowed destinations. */
#ifndef VIGIL_DETECT_DEVICES_H
#define VIGIL_DETECT_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asset/asset.h"
#include "decode/neighbor.h"
#include "flow/conn_record.h"

struct output;
struct app_conn;

#define DEVICES_MAX_FINGERPRINT_FILES 8

struct devices_config {
    const char *ieee_dir;               /* NULL: OUI_DEFAULT_DIR */
    const char *vendor_policy;          /* NULL: data/devices/vendor_policy.tsv */
    const char *fingerprints[DEVICES_MAX_FINGERPRINT_FILES]; /* none: the shipped ones */
    size_t n_fingerprints;
    const char *allow_file;             /* --device-allow: destinations devices may reach; NULL none */
};

struct devices;
typedef void (*devices_alert_fn)(void *ctx, const struct asset_alert *a);

/* out may be NULL (nothing written). */
struct devices *devices_new(const struct devices_config *cfg, struct output *out, devices_alert_fn on_alert,
                            void *alert_ctx, char *err, size_t errlen);
void devices_free(struct devices *d);

void devices_neighbor(struct devices *d, int64_t ts_us, const struct neighbor_binding *b, bool ndp);
void devices_conn(struct devices *d, const struct conn_record *c);
void devices_transaction(struct devices *d, const struct app_conn *c, int kind, const void *txn);
/* End of input: every device's final record. */
void devices_finish(struct devices *d, int64_t now_us);

struct devices_stats {
    uint64_t devices, with_vendor, with_type, flagged, alerts, dropped;
};
void devices_get_stats(struct devices *d, struct devices_stats *st);

#endif
