/* decode/neighbor-t: who owns which address on the local segment, as ARP
 * and IPv6 neighbour discovery say it: what the link-layer observers
 * (detect/detector.h's neighbor hook, the inventory in asset/) receive.
 * Type-only header; decode/neighbor.h parses them. */
#ifndef VIGIL_DECODE_NEIGHBOR_T_H
#define VIGIL_DECODE_NEIGHBOR_T_H

#include <stdint.h>

#include "util/addr.h"

#define ETHERTYPE_ARP_FRAME 0x0806

struct neighbor_binding {
    uint8_t mac[6];
    struct ip_addr ip;
};

#endif
