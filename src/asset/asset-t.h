/* asset/: what the inventory hands to the outputs and the alert sink: one
 * device's record, and the device alerts. Type-only. */
#ifndef VIGIL_ASSET_ASSET_H
#define VIGIL_ASSET_ASSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

struct conn_record;

#define ASSET_MAX_ADDRS 8        /* addresses kept per device (the latest) */
#define ASSET_MAX_HINTS 6        /* type/OS hints with their evidence */
#define ASSET_MAX_SERVICES 16    /* ports it answered on */
#define ASSET_MAX_PEERS 16       /* external peers listed (all are counted) */
#define ASSET_NAME_MAX 64
#define ASSET_VENDOR_MAX 96
#define ASSET_TEXT_MAX 128
#define ASSET_KEY_MAX IP_ADDR_STRLEN

struct asset_hint {
    char source[16];             /* fp_source_name(): "http_server" */
    char device_type[24];        /* "camera", "" when the hint says none */
    char text[ASSET_TEXT_MAX];   /* "Hikvision Hikvision Web Server (Hikvision-Webs)" */
};

struct asset_service {
    uint8_t proto;               /* IPPROTO_TCP / IPPROTO_UDP */
    uint16_t port;
};

struct asset_peer {
    struct ip_addr addr;
    uint16_t port;
    uint8_t proto;
    bool outbound;               /* the device opened the connection */
};

/* One device. Keyed by MAC when seen on the local segment, else by IP. */
struct asset_record {
    char key[ASSET_KEY_MAX];     /* "aa:bb:cc:dd:ee:ff" or an address */
    bool has_mac;
    uint8_t mac[6];
    char vendor[ASSET_VENDOR_MAX];      /* IEEE organisation, "" unknown */
    bool local_admin;            /* locally administered (randomised) MAC */
    bool gateway;                /* carries off-subnet addresses: a router */
    uint64_t offnet_addrs;       /* distinct off-subnet addresses behind it (bounded count) */
    size_t n_addrs;
    struct ip_addr addrs[ASSET_MAX_ADDRS];
    char host_name[ASSET_NAME_MAX];
    const char *host_name_source;       /* "dhcp", "mdns", "netbios", "llmnr" */
    char dhcp_fingerprint[ASSET_TEXT_MAX];  /* option 55 in order: "1,3,6,15" */
    char dhcp_vendor_class[ASSET_NAME_MAX]; /* option 60 */
    char device_type[24];
    char os[ASSET_NAME_MAX];
    size_t n_hints;
    struct asset_hint hints[ASSET_MAX_HINTS];
    size_t n_services;
    struct asset_service services[ASSET_MAX_SERVICES];
    size_t n_peers;
    struct asset_peer peers[ASSET_MAX_PEERS];
    uint64_t n_peers_total;      /* distinct external peers (bounded count) */
    uint64_t bytes_out_external; /* bytes sent to external peers */
    /* The vendor policy's verdict, NULL when not flagged (the policy's
     * strings: valid as long as the run). */
    const char *risk_group, *risk_level, *risk_reason, *risk_source;
    int64_t first_us, last_us;
};

enum asset_event {
    ASSET_NEW,                   /* first seen */
    ASSET_CHANGED,               /* something recorded about it changed */
    ASSET_FINAL,                 /* its state at the end of the run */
};

enum asset_alert_kind {
    ASSET_ALERT_RISKY_VENDOR,        /* Vigil::Risky_Vendor */
    ASSET_ALERT_CALLS_OUT,           /* Vigil::Device_Calls_Out */
    ASSET_ALERT_REACHED_FROM_OUTSIDE,/* Vigil::Device_Reached_From_Outside */
    ASSET_ALERT_TRAFFIC_JUMP,        /* Vigil::Device_Traffic_Jump */
    ASSET_ALERT_VENDOR_CHANGED,      /* Vigil::Device_Vendor_Changed */
    ASSET_ALERT_KIND_COUNT,
};

struct asset_alert {
    enum asset_alert_kind kind;
    int64_t ts_us;
    const char *note;            /* "Vigil::Risky_Vendor" */
    const char *attack;          /* ATT&CK technique ids, "T1190" */
    const char *category;        /* EVE alert.category */
    int severity;                /* EVE alert.severity: 1 high .. 3 low */
    char msg[256];               /* notice msg / EVE alert.signature */
    const struct asset_record *device;
    bool has_peer;
    struct asset_peer peer;
    const struct conn_record *conn;     /* the connection that showed it; NULL none */
};

#endif
