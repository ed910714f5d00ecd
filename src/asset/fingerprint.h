/* asset/fingerprint: device type, vendor and OS hints from what a device
 * says about itself (banners, certificate subjects, DHCP fingerprints).
 * The patterns are data: TSV files shipped in data/devices/ (Rapid7 Recog,
 * Fingerbank, Vigil's own) read at run time; see data/devices/README.md. */
#ifndef VIGIL_ASSET_FINGERPRINT_H
#define VIGIL_ASSET_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>

/* Where a value came from: the evidence a hint names. */
enum fp_source {
    FP_HTTP_SERVER,     /* HTTP Server header */
    FP_HTTP_WWWAUTH,    /* HTTP WWW-Authenticate */
    FP_RTSP_SERVER,     /* RTSP Server header */
    FP_SSDP_SERVER,     /* SSDP SERVER header */
    FP_UPNP,            /* UPnP description: "manufacturer model" */
    FP_ONVIF,           /* ONVIF scope / device service */
    FP_TLS_SUBJECT,     /* server certificate subject */
    FP_SSH_BANNER,
    FP_TELNET_BANNER,
    FP_DHCP_VENDOR,     /* DHCP option 60 */
    FP_DHCP_OPTIONS,    /* DHCP option 55 order (exact match) */
    FP_SOURCE_COUNT,
};

const char *fp_source_name(enum fp_source s);   /* static string: "http_server", ... */

struct fp_hint {
    const char *device_type;    /* "camera", "router", ... "" when unknown */
    const char *vendor, *product, *os, *description;
};

struct fingerprint_db;

/* Loads every "*.tsv" listed in paths (n of them). Patterns are compiled
 * when a value first needs them; one PCRE2 cannot compile never matches
 * and is counted (fingerprint_db_skipped). The db is not thread-safe:
 * matching compiles, so callers serialise (the inventory's lock). The caller
 * frees it with fingerprint_db_free(); NULL with err set on failure. */
struct fingerprint_db *fingerprint_db_load(const char *const *paths, size_t n, char *err, size_t errlen);
void fingerprint_db_free(struct fingerprint_db *db);
size_t fingerprint_db_size(const struct fingerprint_db *db);
/* Rules skipped; compiles every pattern not compiled yet to count them. */
size_t fingerprint_db_skipped(struct fingerprint_db *db);

/* The first pattern of that source matching value; false when none. The
 * hint points into db. */
bool fingerprint_match(struct fingerprint_db *db, enum fp_source src, const char *value, size_t n,
                       struct fp_hint *hint);

#endif
