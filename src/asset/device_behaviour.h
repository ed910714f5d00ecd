/* asset/device_behaviour: how the inventory judges devices, read from a
 * TSV file (data/devices/device_behaviour.tsv by default, --device-behaviour
 * FILE): the device types whose outside traffic is watched, the outbound
 * services always allowed, the gateway and traffic-jump thresholds. See
 * data/devices/README.md. */
#ifndef VIGIL_ASSET_DEVICE_BEHAVIOUR_H
#define VIGIL_ASSET_DEVICE_BEHAVIOUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BEHAVIOUR_MAX_TYPES 16
#define BEHAVIOUR_MAX_ALLOWED 32
#define BEHAVIOUR_TYPE_MAX 24

struct allowed_service {
    uint8_t proto;               /* IPPROTO_TCP, IPPROTO_UDP, 0 any */
    uint16_t port;
    bool resolver_only;          /* only to the resolver DHCP named */
};

struct device_behaviour {
    size_t n_watched;
    char watched[BEHAVIOUR_MAX_TYPES][BEHAVIOUR_TYPE_MAX];
    size_t n_allowed;
    struct allowed_service allowed[BEHAVIOUR_MAX_ALLOWED];
    char gateway_type[BEHAVIOUR_TYPE_MAX];
    unsigned gateway_offnet_addrs, gateway_local_addrs;
    int64_t jump_window_us;
    uint64_t jump_factor, jump_min_bytes;
};

/* Fills b from path; every threshold must be given. False with err set
 * (file:line: why) on failure. */
bool device_behaviour_load(const char *path, struct device_behaviour *b, char *err, size_t errlen);
bool device_behaviour_watches(const struct device_behaviour *b, const char *device_type);

#endif
