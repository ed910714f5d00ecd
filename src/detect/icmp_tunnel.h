/* detect/icmp_tunnel: ICMP tunnels on short captures (Vigil::ICMP_Tunnel,
 * T1095, T1572): echo payloads that change from request to request and are
 * large, random-looking or not mirrored by the replies, within a window.
 * Thresholds: data/short_capture.tsv (detect/short_config.h). */
#ifndef VIGIL_DETECT_ICMP_TUNNEL_H
#define VIGIL_DETECT_ICMP_TUNNEL_H

#include "detect/detector.h"

extern const struct detector icmp_tunnel_detector;

#endif
