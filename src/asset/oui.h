/* asset/oui: the IEEE MAC address registries (Debian's ieee-data: MA-L,
 * MA-M, MA-S and IAB CSV files), loaded at run time. A lookup returns the
 * organisation of the longest registered prefix covering the address. */
#ifndef VIGIL_ASSET_OUI_H
#define VIGIL_ASSET_OUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUI_DEFAULT_DIR "/usr/share/ieee-data"

struct oui_registry;

/* Maps oui.csv, mam.csv, oui36.csv and iab.csv from dir (those missing are
 * skipped; none at all is an error) and indexes their assignments. NULL
 * with err set on failure. The caller frees it with oui_registry_free(). */
struct oui_registry *oui_registry_load(const char *dir, char *err, size_t errlen);
void oui_registry_free(struct oui_registry *r);

/* The organisation of the longest registered prefix covering mac, written
 * into org (n bytes, cut to fit); false when none covers it. prefix_bits
 * (may be NULL) receives 24, 28 or 36. */
bool oui_lookup(const struct oui_registry *r, const uint8_t mac[6], unsigned *prefix_bits, char *org, size_t n);
size_t oui_registry_size(const struct oui_registry *r);

/* Locally administered (randomised, virtual) and group addresses carry no
 * registered organisation. */
static inline bool mac_is_local_admin(const uint8_t mac[6]) { return (mac[0] & 0x02) != 0; }
static inline bool mac_is_group(const uint8_t mac[6]) { return (mac[0] & 0x01) != 0; }

#endif
