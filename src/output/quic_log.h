/* quic.log (Zeek's base/protocols/quic) and the EVE "quic" event (Suricata). */
#ifndef VIGIL_OUTPUT_QUIC_LOG_H
#define VIGIL_OUTPUT_QUIC_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/quic-t.h"

struct output_worker;

void output_quic(struct output_worker *w, const struct app_conn *c, const struct quic_txn *t);

/* Zeek's QUIC::version_strings: "1", "quicv2", "draft-29", else
 * "unknown-<hex>". A static string, or a formatted one in tmp (returns tmp). */
const char *quic_zeek_version_name(uint32_t v, char *tmp, size_t n);

/* The entry of output/writers.c for EVENT_QUIC. */
extern const struct txn_writer quic_writer;

#endif
