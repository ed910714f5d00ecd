/* incident/report: `vigil report LOGDIR... -o OUTDIR`: the correlation over
 * stored logs (Vigil's own, or a Zeek + Suricata deployment's), written as
 * OUTDIR/incident.log (+ EVE incident events), OUTDIR/report.html and
 * OUTDIR/block/. */
#ifndef VIGIL_INCIDENT_REPORT_H
#define VIGIL_INCIDENT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/addr.h"

struct allowlist;

struct report_options {
    const char *const *paths;
    size_t n_paths;
    const char *out_dir;
    const char *killchain_path;          /* NULL: the shipped map (killchain_default_path) */
    const struct allowlist *allow;
    bool force_block;
    const struct ip_prefix *local_nets;
    unsigned n_local_nets;
    unsigned popular_hosts;              /* 0: default */
    unsigned formats;                    /* output formats of incident.log / eve.json */
    FILE *summary;                       /* terminal summary; NULL: none */
};

struct report_stats {
    uint64_t files, rows, bad_lines, bad_files, alert_rows, duplicates;
    uint64_t events, classified, unmapped;
    size_t incidents;
    size_t block_addresses, block_domains, block_hashes, block_excluded;
};

/* 0 all read; 1 some input damaged (read up to the damage); -1 with a
 * one-line reason when nothing could be done. */
int report_run(const struct report_options *o, struct report_stats *st, char *err, size_t errlen);

#endif
