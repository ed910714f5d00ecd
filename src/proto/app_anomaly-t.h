/* An application-layer anomaly that Suricata reports (EVE `anomaly`, type
 * applayer) and Zeek does not: published as EVENT_APP_ANOMALY, written to
 * EVE only, so weird.log stays Zeek's. Type-only header. */
#ifndef VIGIL_PROTO_APP_ANOMALY_T_H
#define VIGIL_PROTO_APP_ANOMALY_T_H

#include <stdbool.h>
#include <stdint.h>

struct app_anomaly {
    int64_t ts_us;
    const char *app_proto;      /* Suricata's name: "http" */
    const char *event;          /* Suricata's event name: "REQUEST_LINE_MISSING_PROTOCOL" */
    bool to_server;             /* raised on the originator's bytes */
    const char *layer;          /* Suricata's layer: NULL is "proto_parser" (a parser's), "proto_detect" */
};

#endif
