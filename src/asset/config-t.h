/* The device inventory's settings, as the command line fills them
 * (detect/config-t.h carries them to the detector). Type-only. */
#ifndef VIGIL_ASSET_CONFIG_T_H
#define VIGIL_ASSET_CONFIG_T_H

#include <stddef.h>

#define DEVICES_MAX_FINGERPRINT_FILES 8

struct devices_config {
    const char *ieee_dir;               /* NULL: OUI_DEFAULT_DIR */
    const char *vendor_policy;          /* NULL: data/devices/vendor_policy.tsv */
    const char *fingerprints[DEVICES_MAX_FINGERPRINT_FILES]; /* none: the shipped ones */
    size_t n_fingerprints;
    const char *behaviour_file;         /* --device-behaviour; NULL: data/devices/device_behaviour.tsv */
    const char *allow_file;             /* --device-allow: destinations devices may reach; NULL none */
};

#endif
