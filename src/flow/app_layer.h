/* Private to flow/: the bridge from a flow's bytes to an application parser. */
#ifndef VIGIL_FLOW_APP_LAYER_H
#define VIGIL_FLOW_APP_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/flow_internal.h"
#include "proto/parser.h"

/* In-order payload of one direction (TCP stream bytes or one UDP datagram).
 * Chooses a parser on the first payloads (by port, then by content). */
void app_layer_data(struct flow_table *t, struct flow *f, bool from_orig, const uint8_t *p, size_t n);
/* len bytes of a TCP direction were lost. */
void app_layer_gap(struct flow_table *t, struct flow *f, bool from_orig, uint64_t len);
/* A TCP direction's FIN was reached with no hole before it. */
void app_layer_end_of_data(struct flow_table *t, struct flow *f, bool from_orig);
/* The packet being handled acknowledges the bytes of a direction (of the
 * originator when orig_data) up to relative sequence rel_ack. */
void app_layer_acked(struct flow *f, bool orig_data, int64_t rel_ack);
/* The packet being handled (from the originator when from_orig) was
 * counted in its flow's counters. */
void app_layer_packet_counted(struct flow *f, bool from_orig);
/* The flow ends: the parser publishes what is pending and is freed. */
void app_layer_close(struct flow_table *t, struct flow *f);
/* End of run: parsers with per-worker state publish what they hold. */
void app_layer_finish_worker(struct flow_table *t);
/* conn.log's service: comma-separated names into buf, or NULL when none.
 * Returns buf, the caller's buffer. */
const char *app_layer_service(const struct flow *f, char *buf, size_t n);
/* The first of them (what EVE's app_proto names), NULL when none; a static string. */
const char *app_layer_first_service(const struct flow *f);
/* The attached parser's name when it names EVE's app_proto without a
 * conn.log service (struct app_parser's eve_app_proto), else NULL. A static
 * string. */
const char *app_layer_eve_app_proto(const struct flow *f);
/* The attached parser's name ("smb"), NULL when none yet; a static string. */
const char *app_layer_parser_name(const struct flow *f);

#endif
