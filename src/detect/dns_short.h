/* detect/dns_short: DNS abuse on short captures, from dns.log rows as the
 * parser completes them: DNS tunnels (Vigil::DNS_Tunnel; T1071.004,
 * T1572), DGA bursts (Vigil::DGA_Burst; T1568.002) and DNS TXT command
 * channels (Vigil::DNS_TXT_Channel; T1071.004), each reported as soon as a
 * window's evidence is unambiguous. Thresholds: data/short_capture.tsv
 * (detect/short_config.h). The run-long scoring of dns_tunnel.c stays. */
#ifndef VIGIL_DETECT_DNS_SHORT_H
#define VIGIL_DETECT_DNS_SHORT_H

#include "detect/detector.h"

extern const struct detector dns_short_detector;

#endif
