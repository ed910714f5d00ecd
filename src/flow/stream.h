/* Private to flow/: TCP stream reassembly for one direction. In-order bytes
 * go to the application layer at once; bytes above a hole are kept (bounded
 * per direction and per worker) until the hole fills or an ack shows it will
 * never fill, which is a content gap (Zeek's G and missed_bytes). */
#ifndef VIGIL_FLOW_STREAM_H
#define VIGIL_FLOW_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "flow/flow_internal.h"

#define STREAM_MAX_SEGMENTS 64          /* held above holes, per direction */
#define STREAM_MAX_BYTES (1u << 20)     /* held above holes, per direction */

/* Payload [rel, rel+len) of the endpoint; data NULL when not captured. */
void stream_data(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, uint64_t rel, const uint8_t *data,
                 uint32_t len);
/* The peer acknowledged up to rel_ack: whatever is still missing below is a gap. */
void stream_ack(struct flow_table *t, struct flow *f, struct tcp_endpoint *ep, struct tcp_endpoint *peer,
                uint32_t up_to);
void stream_free(struct flow_table *t, struct tcp_endpoint *ep);

#endif
