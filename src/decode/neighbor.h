/* decode/neighbor: the ARP and IPv6 neighbour discovery parsers that find
 * who owns which address on the local segment (decode/neighbor-t.h). The
 * inventory (asset/) keys devices by these bindings. */
#ifndef VIGIL_DECODE_NEIGHBOR_H
#define VIGIL_DECODE_NEIGHBOR_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/neighbor-t.h"
#include "decode/packet-t.h"

/* An Ethernet/IPv4 ARP request or reply (p: the ARP header, n captured
 * bytes): its sender's binding. False for anything else, truncated input
 * included, and for probes (sender address 0.0.0.0). */
bool arp_parse(const uint8_t *p, uint32_t n, struct neighbor_binding *out);

/* A decoded ICMPv6 neighbour solicitation (source link-layer option) or
 * advertisement (target link-layer option): the binding it announces. */
bool ndp_parse(const struct packet *pkt, struct neighbor_binding *out);

#endif
