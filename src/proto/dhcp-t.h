/* DHCP: what the parser publishes (EVENT_DHCP). Two kinds, one struct:
 *  - DHCP_TXN_MESSAGE, once per datagram: the message as Suricata logs it
 *    (EVE dhcp is one event per message), addressed by env->conn;
 *  - DHCP_TXN_SUMMARY, once per transaction ID: Zeek's dhcp.log row, the
 *    messages of one xid aggregated the way base/protocols/dhcp does it,
 *    across connections (the broadcast DISCOVER and the unicast ACK are
 *    different flows): the parser keeps them in its per-worker state, so a
 *    summary carries its own uids and times and may be published on another
 *    connection's call or at the end of the run (env->conn is then not the
 *    summary's connection).
 * Type-only. */
#ifndef VIGIL_PROTO_DHCP_T_H
#define VIGIL_PROTO_DHCP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"
#include "util/uid.h"   /* UID_LEN */

#define DHCP_MAX_OPTIONS 128     /* options kept per message; more is a weird */
#define DHCP_MAX_MSG_TYPES 50    /* Zeek's DHCP::max_msg_types_per_log_entry */
#define DHCP_TEXT_MAX 256        /* an option is at most 255 bytes */
#define DHCP_MAC_STRLEN 24       /* "aa:bb:cc:dd:ee:ff:00:11" + NUL */
#define DHCP_MAX_UIDS 10         /* Zeek's DHCP::max_uids_per_log_entry */
#define DHCP_MAX_WATCHED 1024    /* transaction IDs watched at once per worker; more is a weird */

struct dhcp_option {
    uint8_t code;
    uint8_t len;
    const uint8_t *data;         /* into the datagram */
    bool overloaded;             /* came from sname/file (option 52) */
};

/* One datagram. Pointers are valid during the publish call only. */
struct dhcp_message {
    int64_t ts_us;
    bool from_orig;
    uint8_t op, htype, hlen, hops;
    uint32_t xid;
    uint16_t secs, flags;
    uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
    uint8_t chaddr[16];
    bool has_msg_type;
    uint8_t msg_type;
    bool saw_end;                /* options ended with 255 (Zeek needs it) */
    bool truncated_options;      /* an option ran past the end */
    size_t n_options;
    struct dhcp_option options[DHCP_MAX_OPTIONS];
};

/* A bounded copy of an option's bytes. */
struct dhcp_text {
    bool set;
    uint8_t len;
    uint8_t bytes[DHCP_TEXT_MAX];
};

/* Zeek's DHCP::Info. */
struct dhcp_summary {
    int64_t ts_us;               /* first message */
    int64_t last_us;             /* last message: duration is last_us - ts_us */
    uint32_t xid;
    size_t n_uids;               /* the connections involved, each once, in order seen */
    char uids[DHCP_MAX_UIDS][UID_LEN];
    bool has_client_addr, has_server_addr, has_requested_addr, has_assigned_addr, has_lease_time;
    struct ip_addr client_addr, server_addr, requested_addr, assigned_addr;
    uint32_t lease_time_s;
    char mac[DHCP_MAC_STRLEN];   /* "" = unset */
    char client_chaddr[DHCP_MAC_STRLEN];
    bool has_client_chaddr;
    struct dhcp_text host_name, client_fqdn, domain, client_message, server_message;
    size_t n_msg_types;
    uint8_t msg_types[DHCP_MAX_MSG_TYPES];
};

enum dhcp_txn_kind {
    DHCP_TXN_MESSAGE,
    DHCP_TXN_SUMMARY,
};

struct dhcp_txn {
    enum dhcp_txn_kind kind;
    const struct dhcp_message *msg;     /* DHCP_TXN_MESSAGE */
    const struct dhcp_summary *summary; /* DHCP_TXN_SUMMARY */
};

#endif
