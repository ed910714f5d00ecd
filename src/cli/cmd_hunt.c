/* vigil hunt PATH...: threat intel and behaviour detectors over stored
 * Zeek and EVE logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/detection_setup.h"
#include "cli/options.h"
#include "detect/sink.h"
#include "hunt/hunt.h"
#include "output/detect_sink.h"
#include "output/output.h"

static void help_hunt(void)
{
    printf("usage: vigil hunt PATH... [OPTIONS]\n\n"
           "Reads stored logs (Vigil's or Zeek's conn/dns/http/ssl/x509/quic/smtp/files logs,\n"
           "TSV or JSON, plain or gzip, directories of rotated daily logs; Suricata eve.json)\n"
           "and reports behaviour findings and, with --intel, every indicator sighting.\n"
           "Exit status: 0 ok, 1 some logs were damaged (read up to the damage), 2 usage or setup error.\n\n"
           "options:\n"
           "  -o, --output DIR         also write sightings.log, beacon.log, ... into DIR\n"
           "      --format FMT         zeek (default), json, eve or all, for the logs in DIR\n"
           "      --local-nets LIST    comma-separated CIDRs counted as internal, besides private space\n"
           "  -q, --quiet              no report on standard output\n%s",
           usage_detect);
}

static int run_hunt(int argc, char **argv)
{
    struct options *o = calloc(1, sizeof *o);
    if (!o) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = parse_options(argc, argv, &cli_command_hunt, o);
    if (rc >= 0) {
        options_free(o);
        return rc;
    }
    if (o->n_rules) {
        options_free(o);
        return usage_error("--rules applies to read and live, not to stored logs%s", "");
    }
    if (o->live_only_given) {
        options_free(o);
        return usage_error("--capture, --ring-size, --block-size and -u are for live%s", "");
    }
    if (o->n_inputs == 0) {
        options_free(o);
        return usage_error("hunt needs at least one log file or directory%s", "");
    }
    if (!o->format_given)
        o->formats = OUTPUT_ZEEK_TSV; /* hunt writes Zeek logs unless told */
    struct intel_store *intel = NULL;
    struct allowlist *allow = NULL;
    struct output *out = NULL;
    char err[512];
    rc = EXIT_OK;
    if (!setup_detection(o, &intel, &allow))
        rc = EXIT_USAGE;
    struct detect_sink reports = {0};
    if (rc == EXIT_OK && o->out_given) {
        out = output_open(o->out_dir, o->formats | o->eve_options, err, sizeof err);
        if (!out) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        } else if (!output_detect_sink_open(out, &reports)) {
            fprintf(stderr, "vigil: out of memory for the hunt's output\n");
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        struct hunt_options ho = {
            .paths = o->inputs,
            .n_paths = o->n_inputs,
            .intel = intel,
            .behavior = !o->no_behavior,
            .behavior_cfg = o->behavior,
            .sink = &reports,
            .report = o->quiet ? NULL : stdout,
        };
        struct hunt_stats st;
        int hr = hunt_run(&ho, &st, err, sizeof err);
        if (hr < 0) {
            fprintf(stderr, "vigil: hunt: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            rc = hr == 1 ? EXIT_DAMAGED : EXIT_OK;
            if (!o->quiet) {
                uint64_t findings = 0;
                for (int k = 0; k < FINDING_KIND_COUNT; k++)
                    findings += st.findings[k];
                fprintf(stderr,
                        "vigil: hunt: %llu files in %llu units, %llu rows, %.1f MB in %.2f s (%.0f MB/s); "
                        "%llu damaged lines, %llu unreadable files; %llu indicator sightings, %llu findings\n",
                        (unsigned long long)st.files, (unsigned long long)st.units, (unsigned long long)st.rows,
                        (double)st.bytes / 1e6, st.seconds, st.seconds > 0 ? (double)st.bytes / 1e6 / st.seconds : 0,
                        (unsigned long long)st.bad_lines, (unsigned long long)st.bad_files,
                        (unsigned long long)st.sightings, (unsigned long long)findings);
            }
        }
    }
    sink_release(&reports);
    if (out && output_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_USAGE;
    }
    intel_store_free(intel);
    allowlist_free(allow);
    options_free(o);
    return rc;
}

const struct cli_command cli_command_hunt = {
    .name = "hunt",
    .operands = "PATH...",
    .summary = "threat intel and behaviour detectors over stored Zeek/EVE logs",
    .run = run_hunt,
    .help = help_hunt,
};
