/* RDP (TCP 3389): what the parser publishes (EVENT_RDP). The connection
 * sequence in clear, as Zeek's RDP analyzer and Suricata's rdp parser see
 * it: the X.224 Connection Request (cookie, requested security protocols),
 * the Connection Confirm (selected protocol or failure) and, with standard
 * RDP security, the client's MCS Connect-Initial (core and network data).
 * When TLS or CredSSP is selected the rest of the connection goes to the TLS
 * parser. Type-only. */
#ifndef VIGIL_PROTO_RDP_T_H
#define VIGIL_PROTO_RDP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event-t.h"

#define RDP_COOKIE_MAX 128
#define RDP_NAME_MAX 96        /* client name (15 UTF-16 chars) and product id (31), as UTF-8 */
#define RDP_CHANNELS_MAX 31    /* MS-RDPBCGR 2.2.1.3.4: at most 31 static channels */

/* Zeek's RDP::Info as far as Vigil fills it. */
struct rdp_info {
    int64_t ts_us;
    bool has_cookie;
    size_t cookie_len;
    char cookie[RDP_COOKIE_MAX];
    const char *result;             /* "encrypted", a failure name, NULL */
    bool has_security_protocol;
    uint32_t security_protocol;     /* selected: 0 RDP, 1 SSL, 2 HYBRID, 8 HYBRID_EX ... */
    bool has_requested;
    uint32_t requested_protocols;   /* RDP_NEG_REQ bits */
    uint8_t request_flags;
    bool has_failure;
    uint32_t failure_code;
    uint8_t response_flags;
    /* client core data */
    bool has_core;
    uint32_t keyboard_layout, client_build;
    uint16_t desktop_width, desktop_height;
    const char *color_depth;        /* Zeek's requested_color_depth */
    char client_name[RDP_NAME_MAX];
    char dig_product_id[RDP_NAME_MAX];
    bool has_dig_product_id;
    bool has_channels;
    size_t n_channels;
    char channels[RDP_CHANNELS_MAX][9];
};

enum rdp_event {
    RDP_EVENT_REQUEST,      /* EVE initial_request */
    RDP_EVENT_RESPONSE,     /* EVE initial_response */
    RDP_EVENT_CONNECT,      /* EVE connect_request: client core data */
    RDP_EVENT_LOG,          /* the rdp.log row */
};

/* What EVENT_RDP points at (borrowed for the call). */
struct rdp_txn {
    enum rdp_event event;
    int64_t ts_us;
    const struct rdp_info *info;
};

/* Zeek's RDP::security_protocols name of a selected protocol ("HYBRID"), a literal; NULL when
 * unknown. */
static inline const char *rdp_security_protocol_name(uint32_t p)
{
    switch (p) {
    case 0: return "RDP";
    case 1: return "SSL";
    case 2: return "HYBRID";
    case 4: return "RDSTLS";
    case 8: return "HYBRID_EX";
    default: return NULL;
    }
}

#endif
