/* libFuzzer target for the incident stage: the kill-chain map parser, and
 * hostile log rows through ingest, the correlator and the writers of the
 * summary and report.html. The first byte picks the mode: bit 0 set, the
 * rest is a kill-chain map; else bits 1-2 pick the file name the rest is
 * read as (notice.log, eve.json, dns.log, conn.log) and every ingest pass
 * runs over it with a small fixed map, then the correlator is finished and
 * its incidents written (HTML to /dev/null). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/logread.h"
#include "incident/correlate.h"
#include "report/ingest.h"
#include "incident/killchain.h"
#include "incident/report_html.h"
#include "incident/summary.h"
#include "exact_copy.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char map_text[] =
    "notice Vigil::* delivery initial-access T1566\n"
    "kind beacon command_and_control command-and-control T1071\n"
    "kind exfil actions_on_objectives exfiltration T1048\n"
    "cve * exploitation initial-access T1190\n"
    "where * command_and_control command-and-control\n"
    "sid 1-8999999 exploitation initial-access\n"
    "technique T1* installation persistence\n";

static void run_passes(struct ingest *in, const uint8_t *data, size_t len, const char *name)
{
    for (int p = 0; p < INGEST_PASS_COUNT; p++) {
        for (int round = 0; round < 2; round++) {
            char err[256];
            struct logread *r = logread_open_memory(data, len, name, err, sizeof err);
            if (r == NULL)
                return;
            in->from = round ? INGEST_FROM_EVE : INGEST_FROM_ZEEK;
            logread_filter(r, ingest_pass_logs((enum ingest_pass)p));
            struct log_row row;
            while (logread_next(r, &row, err, sizeof err) == 1)
                ingest_row(in, (enum ingest_pass)p, &row);
            logread_close(r);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const file_names[] = {"notice.log", "eve.json", "dns.log", "conn.log"};
    struct fuzz_moded_input input;
    if (!fuzz_mode_and_copy(d, n, &input))
        return 0;
    char err[256];
    if (input.mode & 1) {
        killchain_free(killchain_parse((const char *)input.data, input.len, "fuzz.map", err, sizeof err));
        free(input.data);
        return 0;
    }
    struct killchain_map *map = killchain_parse(map_text, sizeof map_text - 1, "map", err, sizeof err);
    struct correlator_config cfg;
    correlator_config_defaults(&cfg);
    cfg.map = map;
    cfg.max_incidents = 64;
    cfg.max_names = 256;
    cfg.max_destinations = 256;
    cfg.max_talkers = 256;
    struct correlator *c = map ? correlator_new(&cfg, err, sizeof err) : NULL;
    if (c != NULL) {
        struct ingest in = {.c = c};
        run_passes(&in, input.data, input.len, file_names[(input.mode >> 1) & 3]);
        correlator_finish(c);
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            incident_print_summary(sink, c);
            fclose(sink);
        }
        report_html_write(c, NULL, "/dev/null", err, sizeof err);
    }
    correlator_free(c);
    killchain_free(map);
    free(input.data);
    return 0;
}
