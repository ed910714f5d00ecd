/* incident/block: what to block, from the incidents (never from every
 * alert), into OUTDIR/block/: block.nft (an nftables table with address
 * sets), rpz.zone (a DNS response-policy zone), block.rules (Suricata drop
 * rules), misp-event.json (a MISP event) and stix-bundle.json (a STIX 2.1
 * bundle of indicators). Every entry names the incident it comes from.
 *
 * Which indicators: the external peers and names of events at the
 * exploitation stage or later (delivery peers are mail relays and web
 * sites the whole office uses) and remote-template hosts; file hashes go
 * to MISP and STIX only. Never blocked unless forced: internal addresses,
 * the resolvers the hosts use, and destinations that at least
 * `popular_hosts` internal hosts talk to. Never blocked: what the
 * allow-list allows. Each exclusion is listed in block/excluded.txt. */
#ifndef VIGIL_INCIDENT_BLOCK_H
#define VIGIL_INCIDENT_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "incident/correlate.h"

struct allowlist;

struct block_options {
    const char *dir;                 /* OUTDIR/block, created */
    const struct allowlist *allow;   /* NULL: none */
    bool force;                      /* --force-block: internal, resolvers and popular ones too */
};

struct block_stats {
    size_t addresses, domains, hashes, excluded;
};

/* 0, or -1 with a one-line reason. */
int block_write(const struct correlator *c, const struct block_options *o, struct block_stats *st, char *err,
                size_t errlen);

#endif
