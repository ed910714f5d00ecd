/* What small device-facing parsers (ssdp, rtsp, telnet) publish as
 * EVENT_BANNER: one self-description of a device (a Server header, a login
 * banner, a UPnP device type). Nothing is logged for it; the inventory
 * (asset/) reads it. Type-only. */
#ifndef VIGIL_PROTO_BANNER_T_H
#define VIGIL_PROTO_BANNER_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BANNER_MAX 512          /* bytes of a banner kept */

enum banner_kind {
    BANNER_SSDP_SERVER,         /* SSDP NOTIFY / M-SEARCH reply SERVER header */
    BANNER_SSDP_TYPE,           /* SSDP NT / ST naming a device type: urn:schemas-upnp-org:device:... */
    BANNER_RTSP_SERVER,         /* RTSP reply Server header */
    BANNER_TELNET,              /* telnet server's first printable text */
};

struct banner_txn {
    enum banner_kind kind;
    bool from_orig;             /* the connection's originator said it */
    const char *text;           /* not NUL-terminated; control bytes kept as sent */
    size_t len;
};

#endif
