/* asset/inventory: the passive device inventory. Fed with neighbour
 * bindings (ARP, NDP), finished connections, DHCP leases, names and
 * banners; keeps one record per device and reports each when first seen,
 * when it changes and at the end. Also judges the devices: risky vendors
 * (the vendor policy), cameras, recorders and routers that call out or are
 * reached from outside, and vendors changing behind an address. Not
 * thread-safe: the caller serialises (detect/ holds a lock). */
#ifndef VIGIL_ASSET_INVENTORY_H
#define VIGIL_ASSET_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asset/asset-t.h"
#include "asset/fingerprint.h"
#include "flow/conn_record-t.h"
#include "util/addr.h"

struct device_behaviour;
struct oui_registry;
struct vendor_policy;

/* Beyond it new devices are counted, not kept: about 1.5 KiB each, so at
 * most ~25 MiB. */
#define INVENTORY_MAX_DEVICES 16384
#define INVENTORY_MAX_ALLOWED 1024   /* --device-allow prefixes */

struct inventory_config {
    /* Borrowed, may be NULL (then no vendors / no hints / no risk). */
    const struct oui_registry *oui;
    struct fingerprint_db *fingerprints;   /* matched under the caller's serialisation */
    const struct vendor_policy *policy;
    /* Required: the watched types, allowed services and thresholds. */
    const struct device_behaviour *behaviour;
    /* Destinations cameras, recorders and routers may reach (--device-allow). */
    size_t n_allowed;
    struct ip_prefix allowed[INVENTORY_MAX_ALLOWED];
};

/* Reads --device-allow FILE into cfg->allowed (after what it holds): one
 * address or CIDR prefix per line, '#' comments. false with one line in err
 * naming the file (and line): unreadable, not an address or prefix, more
 * than INVENTORY_MAX_ALLOWED. */
bool inventory_allow_load(struct inventory_config *cfg, const char *path, char *err, size_t errlen);

typedef void (*inventory_record_fn)(void *ctx, enum asset_event ev, int64_t ts_us, const struct asset_record *r);
typedef void (*inventory_alert_fn)(void *ctx, const struct asset_alert *a);

struct inventory;

/* cfg is copied (what it points to must outlive the inventory). The caller
 * frees the inventory with inventory_free(); NULL when cfg has no behaviour
 * table or memory is short. */
struct inventory *inventory_new(const struct inventory_config *cfg, inventory_record_fn on_record,
                                inventory_alert_fn on_alert, void *ctx);
void inventory_free(struct inventory *inv);

enum neighbor_source { NEIGHBOR_ARP, NEIGHBOR_NDP, NEIGHBOR_DHCP };

/* mac owns ip on the local segment (an ARP reply or request sender, an NDP
 * advertisement, a DHCP lease). */
void inventory_neighbor(struct inventory *inv, int64_t ts_us, const uint8_t mac[6], const struct ip_addr *ip,
                        enum neighbor_source src);
void inventory_conn(struct inventory *inv, const struct conn_record *c);

struct dhcp_client_info {
    int64_t ts_us;
    uint8_t mac[6];
    bool has_addr;
    struct ip_addr addr;         /* assigned or requested */
    const char *host_name;       /* option 12 or 81, NUL-terminated, may be NULL */
    const char *host_name_source;
    const char *param_list;      /* option 55 as "1,3,6", may be NULL */
    const char *vendor_class;    /* option 60, may be NULL */
    bool has_resolver;
    struct ip_addr resolver;     /* option 6, first */
};
void inventory_dhcp(struct inventory *inv, const struct dhcp_client_info *d);

/* The device at ip calls itself name (mDNS, NetBIOS-NS, LLMNR). local is
 * Zeek's Site::is_local_addr of ip (-1 unknown: the private ranges). */
void inventory_name(struct inventory *inv, int64_t ts_us, const struct ip_addr *ip, int8_t local, const char *name,
                    size_t n, const char *source);
/* The device at ip said value (a Server header, a banner...) from src. */
void inventory_evidence(struct inventory *inv, int64_t ts_us, const struct ip_addr *ip, int8_t local,
                        enum fp_source src, const char *value, size_t n);

/* Writes the final record of every device. */
void inventory_finish(struct inventory *inv, int64_t ts_us);

struct inventory_stats {
    uint64_t devices, devices_dropped, with_vendor, with_type, flagged, alerts;
};
void inventory_get_stats(const struct inventory *inv, struct inventory_stats *st);

#endif
