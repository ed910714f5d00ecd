/* vigil hunt PATH...: threat intel and behaviour detectors over stored
 * Zeek and EVE logs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/detection_setup.h"
#include "cli/options.h"
#include "detect/sink.h"
#include "hunt/hunt.h"
#include "hunt/kafka_source.h"
#include "output/detect_sink.h"
#include "output/output.h"

void cli_help_hunt(void)
{
    printf("usage: vigil hunt PATH... [OPTIONS]\n"
           "       vigil hunt --kafka BROKERS --group NAME [OPTIONS]\n\n"
           "Reads stored logs (Vigil's or Zeek's conn/dns/http/ssl/x509/quic/smtp/files logs,\n"
           "TSV or JSON, plain or gzip, directories of rotated daily logs; Suricata eve.json)\n"
           "and reports behaviour findings and, with --intel, every indicator sighting.\n"
           "Exit status: 0 ok, 1 some logs were damaged (read up to the damage), 2 usage or setup error.\n\n"
           "options:\n"
           "  -o, --output DIR         also write sightings.log, beacon.log, ... into DIR\n"
           "      --format FMT         zeek (default), json, eve or all, for the logs in DIR\n"
           "      --local-nets LIST    comma-separated CIDRs counted as internal, besides private space\n"
           "  -q, --quiet              no report on standard output\n%s%s",
           usage_detect, usage_kafka_hunt);
}

/* Removes the folder the Kafka records were written into. */
static void remove_fetched(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            unlinkat(dirfd(d), de->d_name, 0);
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* --kafka: the group's share of the log topics, into a private folder that
 * becomes the hunt's one input. false when nothing could be read. */
static bool fetch_from_kafka(const struct options *o, char *dir, size_t dirlen, uint64_t *records, bool quiet)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dirlen, "%s/vigil-hunt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "vigil: hunt: cannot create a folder for the Kafka records in %s\n", tmp ? tmp : "/tmp");
        return false;
    }
    struct hunt_kafka_options ko = {.brokers = o->kafka.brokers, .group = o->kafka.group,
                                    .topic_prefix = o->kafka.topic_prefix, .settings = o->kafka.settings,
                                    .n_settings = o->kafka.n_settings, .wait_ms = o->kafka.wait_ms,
                                    .members = o->kafka.members};
    struct hunt_kafka_stats ks;
    char err[512];
    if (hunt_kafka_fetch(&ko, dir, &ks, err, sizeof err) != 0) {
        fprintf(stderr, "vigil: hunt: %s\n", err);
        remove_fetched(dir);
        return false;
    }
    *records = ks.records;
    if (ks.members_missing)
        fprintf(stderr, "vigil: hunt: kafka group %s: fewer than %u hunters within the wait; read this one's share\n",
                o->kafka.group, o->kafka.members);
    if (!quiet)
        fprintf(stderr, "vigil: hunt: kafka group %s: %llu records from %llu partitions (%llu rebalances)\n",
                o->kafka.group, (unsigned long long)ks.records, (unsigned long long)ks.partitions,
                (unsigned long long)ks.rebalances);
    return true;
}

int cli_run_hunt(int argc, char **argv)
{
    struct options *o = calloc(1, sizeof *o);
    if (!o) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = parse_options(argc, argv, cli_help_hunt, o);
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
    bool from_kafka = o->kafka.brokers != NULL;
    if (from_kafka != (o->kafka.group != NULL) || (from_kafka && o->n_inputs)) {
        options_free(o);
        return usage_error("hunt reads files or --kafka BROKERS --group NAME, not both%s", "");
    }
    if (o->n_inputs == 0 && !from_kafka) {
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
    char fetched[4096] = "";
    const char *fetched_paths[1] = {fetched};
    uint64_t fetched_records = 0;
    if (rc == EXIT_OK && from_kafka && !fetch_from_kafka(o, fetched, sizeof fetched, &fetched_records, o->quiet))
        rc = EXIT_USAGE;
    /* a hunter whose partitions were empty (or that got none) has nothing to hunt */
    if (rc == EXIT_OK && !(from_kafka && fetched_records == 0)) {
        struct hunt_options ho = {
            .paths = from_kafka ? fetched_paths : o->inputs,
            .n_paths = from_kafka ? 1 : o->n_inputs,
            .intel = intel,
            .intel_strict_validity = o->intel_strict_validity,
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
    if (from_kafka && fetched[0])
        remove_fetched(fetched);
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
