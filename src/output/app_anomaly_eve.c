/* Suricata's output-json-anomaly.c for an app-layer decoder event: the
 * packet's tuple (as the side that sent the bytes), then
 * {"app_proto", "type": "applayer", "event", "layer": "proto_parser" or
 * "proto_detect"}. */
#include "output/app_anomaly_eve.h"

#include "output/eve.h"

void output_app_anomaly(struct output_worker *w, const struct app_conn *c, const struct app_anomaly *a)
{
    if (c == NULL || a == NULL)
        return;
    struct json_writer *j = eve_begin_app(w, c, a->to_server, a->ts_us, "anomaly");
    if (j == NULL)
        return;
    eve_community_id(j, c->community_id);
    json_key(j, "anomaly");
    json_object_begin(j);
    json_kv_str(j, "app_proto", a->app_proto);
    json_kv_str(j, "type", "applayer");
    json_kv_str(j, "event", a->event);
    json_kv_str(j, "layer", a->layer ? a->layer : "proto_parser");
    json_object_end(j);
    eve_end(w);
}

TXN_WRITER(app_anomaly);
