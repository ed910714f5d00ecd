/* SOCKS 4, 4a and 5 (Zeek's socks.log): what the parser publishes
 * (EVENT_SOCKS), once per connection, when the proxy answered the request
 * (Zeek logs only confirmed connections). The password is never kept: Zeek
 * logs it only with SOCKS::default_capture_password, which is off.
 * Type-only. */
#ifndef VIGIL_PROTO_SOCKS_T_H
#define VIGIL_PROTO_SOCKS_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define SOCKS_NAME_MAX 256   /* host names and user names are at most 255 bytes */

/* Zeek's SOCKS::Address: an address, a name, or both (SOCKS 4a). */
struct socks_address {
    bool has_host;
    struct ip_addr host;
    bool has_name;
    size_t name_len;
    char name[SOCKS_NAME_MAX];
};

struct socks_txn {
    int64_t ts_us;                 /* first request (or login) */
    uint8_t version;               /* 4 or 5 */
    bool has_user;                 /* SOCKS 5 username/password login */
    size_t user_len;
    char user[SOCKS_NAME_MAX];
    bool has_status;
    char status[96];               /* Zeek's v4_status / v5_status text, "unknown-N" */
    bool has_request;
    uint8_t command;               /* 1 CONNECT, 2 BIND, 3 UDP ASSOCIATE */
    struct socks_address request;
    uint16_t request_p;
    bool has_bound;
    struct socks_address bound;
    uint16_t bound_p;
};

#endif
