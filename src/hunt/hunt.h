/* hunt/: `vigil hunt` — threat intel and the behaviour detectors over
 * stored logs (Vigil's or a real Zeek's, TSV or JSON, plain or gzip, and
 * Suricata EVE), streaming, so months of logs need no more memory than a
 * day's.
 *
 * Logs are read by unit: a single file, or each directory that directly
 * holds log files (Zeek's rotated daily folders), in sorted order. In a
 * unit the transaction logs (dns, http, ssl, x509, quic, smtp, files) are
 * read before the conn log, so a connection meets its name (SNI, Host, DNS
 * answer) as it does in live analysis, where transactions come before the
 * connection's end. */
#ifndef VIGIL_HUNT_HUNT_H
#define VIGIL_HUNT_HUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detect/behavior.h"
#include "detect/sink-t.h"
#include "intel/intel.h"

struct hunt_options {
    const char *const *paths;
    size_t n_paths;
    const struct intel_store *intel;    /* NULL: no indicator sweep */
    bool intel_strict_validity;         /* drop matches outside an indicator's validity window */
    bool behavior;                      /* run the behaviour detectors */
    struct behavior_config behavior_cfg;
    const struct detect_sink *sink;     /* findings and sighting summaries (beacon.log, sightings.log...); NULL: report only */
    FILE *report;                       /* the human summary; NULL: none */
};

struct hunt_stats {
    uint64_t units, files, rows, bytes, bad_lines, bad_files;
    uint64_t sightings;                 /* distinct (indicator, where) */
    uint64_t sighting_rows;             /* matching log rows (after per-flow dedup) */
    uint64_t findings[FINDING_KIND_COUNT];
    double seconds;
};

/* 0 when every log was read; 1 when some were damaged (read up to the
 * damage, counted); -1 with a one-line reason in err when nothing could be
 * read. */
int hunt_run(const struct hunt_options *o, struct hunt_stats *st, char *err, size_t errlen);

#endif
