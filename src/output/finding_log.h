/* The behaviour detectors' logs — beacon.log, long_conn.log,
 * tunnel_dns.log, dga.log, exfil.log (one per finding kind, Zeek TSV/JSON
 * with the numbers behind each score) — and their EVE alerts carrying the
 * ATT&CK technique. */
#ifndef VIGIL_OUTPUT_FINDING_LOG_H
#define VIGIL_OUTPUT_FINDING_LOG_H

#include "detect/finding-t.h"
#include "output/output.h"

void output_finding(struct output_worker *w, const struct finding *f);

#endif
