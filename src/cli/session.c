/* The run loop of `read` and `live`: captures through the engine, with a
 * progress bar, live behaviour reports, SIGHUP reloads and a summary. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli/default_rules.h"
#include "cli/detection_setup.h"
#include "cli/doc_setup.h"
#include "cli/inputs.h"
#include "cli/live_stats.h"
#include "cli/options.h"
#include "cli/privileges.h"
#include "cli/reload.h"
#include "cli/session.h"
#include "core/detectors.h"
#include "core/engine.h"
#include "decode/decode.h"
#include "detect/domain_controllers.h"
#include "detect/sink.h"
#include "doc/file_inspect.h"
#include "mail/mail.h"
#include "output/anomaly_events.h"
#include "output/detect_sink.h"
#include "output/kafka.h"
#include "report/live.h"
#include "output/output.h"
#include "sig/sig.h"

#define PROGRESS_MIN_BYTES (64ULL << 20)

/* Live: lines buffered by the workers are written out this often, so each
 * reaches its file within a second (--flush-interval changes it; read
 * flushes on this timer only when given it). */
#define LIVE_FLUSH_INTERVAL_S 0.5

/* Live: uids are made from the first packet's time cut to the minute, so
 * that sensors on several links agree (core/config.h, --uid-window). */
#define LIVE_UID_WINDOW_S 60

/* The process-wide state a signal handler can reach, and nothing else. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t reopen_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* SIGHUP: reload the feeds and reopen every log (logrotate's postrotate). */
static void on_hangup_signal(int sig)
{
    (void)sig;
    reload_requested = 1;
    reopen_requested = 1;
}

struct run_state {
    struct engine *engine;
    struct detect *detect;
    struct reloader reload;
    int64_t next_report_us;     /* live: packet time of the next behaviour report */
    bool live;
    struct options *opt;        /* not const: a reload compares with the first load's error counts */
    struct capture *current;
    uint64_t bytes_before;     /* bytes of the files already read */
    uint64_t total_bytes;      /* 0 when unknown */
    bool show_progress;
    struct timespec started, last_draw, last_flush;
    uint64_t packets;
    uint64_t bytes;
    int64_t last_packet_us;
    struct live_stats stats;    /* live: stats.log */
    struct output *out;
    struct capture_stats kernel;  /* live: what the capture's buffer dropped */
    const char *capture_method;   /* live: "afpacket" or "libpcap" */
    bool checksums_told;        /* the offload verdict was looked at */
    double flush_interval_s;    /* 0: no timer (read's default) */
    bool by_ring;               /* live on AF_PACKET rings: each ring's thread drives its worker (engine lanes) */
};


/* Once per run, as soon as the offload probe has decided: one line when
 * verification was turned off. */
static void tell_checksum_verdict(struct run_state *rs)
{
    struct checksum_verdict v;
    if (!engine_checksum_verdict(rs->engine, &v))
        return;
    rs->checksums_told = true;
    if (v.offloaded)
        fprintf(stderr,
                "vigil: checksums: %llu of %llu verified in the first %llu packets are wrong (checksum offload): "
                "not verified for this capture (--checksums verify keeps them)\n",
                (unsigned long long)v.bad, (unsigned long long)v.verified, (unsigned long long)v.packets);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Live: behaviour findings every --report-interval of packet time. */
static void report_if_due(struct run_state *rs, int64_t ts_us)
{
    if (!rs->live || !rs->detect || ts_us < rs->next_report_us)
        return;
    if (rs->next_report_us) {
        engine_scan_open_flows(rs->engine, ts_us - rs->opt->behavior.long_conn_us);
        detect_report(rs->detect, ts_us, false);
    }
    rs->next_report_us = ts_us + rs->opt->report_interval_us;
    detect_collect(rs->detect);
}

/* Live on AF_PACKET rings: on each ring's own thread. */
static void on_lane_packet(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                           uint32_t caplen, uint32_t wirelen)
{
    const struct run_state *rs = ctx;
    engine_lane_packet(rs->engine, lane, linktype, ts_us, data, caplen, wirelen);
}

static void on_lane_idle(void *ctx, unsigned lane)
{
    const struct run_state *rs = ctx;
    engine_lane_idle(rs->engine, lane);
}

/* Live on rings: what the lanes did, seen from the run's thread. */
static void follow_lanes(struct run_state *rs)
{
    engine_lane_progress(rs->engine, &rs->packets, &rs->bytes, &rs->last_packet_us);
    if (!rs->checksums_told)
        tell_checksum_verdict(rs);
    report_if_due(rs, rs->last_packet_us);
}

/* Live, between reads (at least every 100 ms): reloads, reopens and
 * rotates the logs, writes buffered lines out, frees. */
static void on_capture_idle(void *ctx)
{
    struct run_state *rs = ctx;
    if (rs->by_ring)
        follow_lanes(rs);
    reload_service(&rs->reload, rs->opt, rs->detect, rs->engine, &reload_requested);
    if (!rs->detect && !(rs->opt->n_rules && !rs->opt->cfg.conn_only))
        reload_requested = 0; /* nothing to reload: SIGHUP only reopens the logs */
    /* while a reload runs, workers are ticked at every call: the old set is
     * freed only once each has taken the new one, with or without packets */
    if (seconds_since(&rs->last_flush) >= rs->flush_interval_s || reopen_requested || rs->reload.running) {
        clock_gettime(CLOCK_MONOTONIC, &rs->last_flush);
        engine_flush_tick(rs->engine);
    }
    if (reopen_requested) {
        reopen_requested = 0;
        output_reopen(rs->out);
    }
    output_rotate_if_due(rs->out, time(NULL));
    live_stats_tick(&rs->stats, &(struct live_counts){rs->packets, rs->bytes, rs->last_packet_us,
                                                     engine_flows_logged(rs->engine)}, false);
    if (rs->detect)
        detect_collect(rs->detect);
}

static void draw_progress(struct run_state *rs)
{
    double elapsed = seconds_since(&rs->started);
    uint64_t done = rs->bytes_before + (rs->current ? capture_position(rs->current) : 0);
    double frac = rs->total_bytes ? (double)done / (double)rs->total_bytes : 0;
    if (frac > 1)
        frac = 1;
    double eta = frac > 0.001 ? elapsed * (1 - frac) / frac : 0;
    int bar = (int)(frac * 30);
    char line[30 + 1];
    for (int i = 0; i < 30; i++)
        line[i] = i < bar ? '#' : '.';
    line[30] = '\0';
    fprintf(stderr, "\r[%s] %5.1f%% %8.1f/%.1f MiB %9.0f pkts/s ETA %4.0fs ", line, frac * 100,
            (double)done / 1048576.0, (double)rs->total_bytes / 1048576.0,
            elapsed > 0 ? (double)rs->packets / elapsed : 0, eta);
}

static void on_packet(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen,
                      uint32_t wirelen)
{
    struct run_state *rs = ctx;
    engine_packet(rs->engine, linktype, ts_us, data, caplen, wirelen);
    rs->packets++;
    rs->bytes += caplen;
    rs->last_packet_us = ts_us;
    if (__builtin_expect(!rs->checksums_told, 0))
        tell_checksum_verdict(rs);
    report_if_due(rs, ts_us);
    if (rs->flush_interval_s > 0 && !rs->live && (rs->packets & 0xff) == 0 &&
        seconds_since(&rs->last_flush) >= rs->flush_interval_s) {
        clock_gettime(CLOCK_MONOTONIC, &rs->last_flush);
        engine_flush_tick(rs->engine);
    }
    if (rs->show_progress && (rs->packets & 0x3fff) == 0 && seconds_since(&rs->last_draw) >= 0.25) {
        clock_gettime(CLOCK_MONOTONIC, &rs->last_draw);
        draw_progress(rs);
    }
}

/* Live: every packet lost and where, kernel and rings together first. */
static void print_capture_summary(const struct run_state *rs)
{
    const struct capture_stats *k = &rs->kernel;
    fprintf(stderr, "vigil: capture (%s): %llu packets received, %llu dropped (", rs->capture_method,
            (unsigned long long)k->received, (unsigned long long)(k->dropped + k->if_dropped));
    if (k->n_rings) {
        fprintf(stderr, "%llu in the rings:", (unsigned long long)k->dropped);
        for (unsigned i = 0; i < k->n_rings; i++)
            fprintf(stderr, "%s worker %u %llu", i ? "," : "", i, (unsigned long long)k->ring_drops[i]);
    } else {
        fprintf(stderr, "%llu in the kernel's buffer", (unsigned long long)k->dropped);
    }
    fprintf(stderr, "; %llu by the interface before capture)\n", (unsigned long long)k->if_dropped);
    for (unsigned i = 0; i < k->n_rings; i++)
        fprintf(stderr, "vigil: capture: worker %u: %llu packets, %llu bytes from its ring\n", i,
                (unsigned long long)k->ring_packets[i], (unsigned long long)k->ring_bytes[i]);
}

static void print_summary(const struct run_state *rs, const char *out_dir)
{
    struct engine_stats s;
    engine_get_stats(rs->engine, &s);
    double el = seconds_since(&rs->started);
    double rate = el > 0 ? (double)s.packets / el : 0;
    fprintf(stderr,
            "vigil: %llu packets, %.1f MB captured (%.1f MB on the wire) in %.3f s (%.0f packets/s, %.2f Gbit/s); %llu flows logged "
            "(%llu evicted by --max-flows); %llu decode anomalies and weirds, %llu malformed and %llu truncated "
            "packets, %llu not IP, %llu IP fragments; logs in %s\n",
            (unsigned long long)s.packets, (double)s.bytes / 1e6, (double)s.wire_bytes / 1e6, el, rate,
            el > 0 ? (double)s.bytes * 8 / el / 1e9 : 0, (unsigned long long)s.flows,
            (unsigned long long)s.flows_evicted, (unsigned long long)s.weirds, (unsigned long long)s.malformed,
            (unsigned long long)s.truncated, (unsigned long long)s.not_ip, (unsigned long long)s.fragments, out_dir);
    if (rs->live)
        print_capture_summary(rs);
    uint64_t lost = output_lines_lost(rs->out);
    if (lost)
        fprintf(stderr, "vigil: %llu log lines lost to write errors (each failing log is named below)\n",
                (unsigned long long)lost);
    if (stop_requested && !rs->live)
        fprintf(stderr, "vigil: interrupted: the logs hold what was read before the signal, not the whole capture\n");
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hangup_signal;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
}

/* --- commands --- */

static int open_inputs(struct options *o, struct capture **caps, bool live, uint64_t *total)
{
    char err[512];
    *total = 0;
    for (unsigned i = 0; i < o->n_captures; i++) {
        caps[i] = live ? capture_open_live(o->captures[i], &o->capture, err, sizeof err)
                       : capture_open_file(o->captures[i], err, sizeof err);
        if (!caps[i]) {
            fprintf(stderr, "vigil: %s\n", err);
            return EXIT_USAGE;
        }
        if (!decode_linktype_supported(capture_linktype(caps[i]))) {
            fprintf(stderr, "vigil: %s: unsupported link type %d (%s)\n", o->captures[i], capture_linktype(caps[i]),
                    capture_linktype_name(caps[i]));
            return EXIT_USAGE;
        }
        if (o->filter && !capture_set_filter(caps[i], o->filter, err, sizeof err)) {
            fprintf(stderr, "vigil: %s\n", err);
            return EXIT_USAGE;
        }
        *total += capture_size(caps[i]);
    }
    return EXIT_OK;
}

static int run_captures(const struct options *o, struct capture **caps, struct run_state *rs)
{
    int rc = EXIT_OK;
    for (unsigned i = 0; i < o->n_captures && !stop_requested; i++) {
        char msg[512] = "";
        rs->current = caps[i];
        enum capture_status st =
            capture_run(caps[i], rs->by_ring ? on_lane_packet : on_packet, rs, &stop_requested, msg, sizeof msg);
        rs->bytes_before += capture_size(caps[i]);
        rs->current = NULL;
        if (st == CAPTURE_DAMAGED) {
            if (rs->show_progress)
                fputc('\n', stderr);
            fprintf(stderr, "vigil: capture damaged, processed up to the damage: %s\n", msg);
            rc = EXIT_DAMAGED;
        } else if (st == CAPTURE_FAILED) {
            fprintf(stderr, "vigil: %s\n", msg);
            rc = rs->live ? EXIT_CAPTURE_LOST : EXIT_USAGE;
        }
    }
    if (rs->show_progress) {
        draw_progress(rs);
        fputc('\n', stderr);
    }
    return rc;
}

/* --rules: every path into one set, compiled; malformed rules are named on
 * stderr and left out, an unreadable path fails the run. */
static struct sig_set *load_rules(const struct options *o, char *err, size_t errlen)
{
    struct sig_load_summary sum;
    struct sig_set *s = sig_set_load_all(o->rules_paths, o->n_rules, stderr, &sum, err, errlen);
    if (s && !o->quiet)
        fprintf(stderr, "vigil: rules: %u of %u loaded from %u files (%u skipped, %u malformed)\n", sum.loaded,
                sum.rules, sum.files, sum.skipped, sum.errors);
    return s;
}

static void print_signature_summary(const struct engine *e)
{
    struct engine_stats es;
    engine_get_stats(e, &es);
    fprintf(stderr, "vigil: signatures: %llu alerts\n", (unsigned long long)es.sig_alerts);
}

static void print_detection_summary(struct detect *d)
{
    struct detect_stats st;
    detect_get_stats(d, &st);
    fprintf(stderr, "vigil: detection: %llu intel alerts (%llu indicator lookups)",
            (unsigned long long)st.intel_alerts, (unsigned long long)st.intel_lookups);
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        fprintf(stderr, ", %llu %s", (unsigned long long)st.behavior.findings[k], finding_kind_name((enum finding_kind)k));
    if (st.has_devices)
        fprintf(stderr, "; devices: %llu (%llu with a vendor, %llu with a type, %llu flagged), %llu device alerts",
                (unsigned long long)st.devices.devices, (unsigned long long)st.devices.with_vendor,
                (unsigned long long)st.devices.with_type, (unsigned long long)st.devices.flagged,
                (unsigned long long)st.devices.alerts);
    fprintf(stderr, "\n");
}

/* --kafka: the producer, owned by the output from here on. */
static bool open_kafka(const struct options *o, struct output *out, bool live)
{
    struct kafka_options ko;
    char err[512];
    kafka_cli_producer(&o->kafka, live, &ko);
    struct kafka_out *k = kafka_out_open(&ko, err, sizeof err);
    if (k == NULL) {
        fprintf(stderr, "vigil: %s\n", err);
        return false;
    }
    output_set_kafka(out, k);
    return true;
}

static void print_kafka_summary(const struct kafka_stats *k, const char *spool_dir)
{
    fprintf(stderr, "vigil: kafka: %llu messages, %llu delivered, %llu spooled, %llu dropped",
            (unsigned long long)k->produced, (unsigned long long)k->delivered, (unsigned long long)k->spooled,
            (unsigned long long)k->dropped);
    if (k->waited)
        fprintf(stderr, "; %llu waited for room in the queue", (unsigned long long)k->waited);
    if (k->spool_bytes)
        fprintf(stderr, "; %llu bytes left in the spool %s for the next run", (unsigned long long)k->spool_bytes,
                spool_dir);
    fprintf(stderr, "\n");
}

/* Opens, runs and closes one capture session; the options are parsed by the caller. */
static int run_session(struct options *o, bool live)
{
    struct capture **caps = calloc(o->n_captures, sizeof *caps);
    if (!caps) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    struct run_state rs = {.opt = o, .live = live};
    /* before anything slow: a HUP or TERM during setup must not kill the run with the default action */
    install_signal_handlers();
    o->capture.rings = o->cfg.workers;
    o->capture.cpus = o->cfg.cpus;
    o->capture.n_cpus = o->cfg.n_cpus;
    int rc = open_inputs(o, caps, live, &rs.total_bytes);
    char err[512];
    if (rc == EXIT_OK && live) {
        rs.capture_method = capture_method_name(caps[0]);
        rs.by_ring = strcmp(rs.capture_method, "afpacket") == 0;
    }
    /* -u: everything privileged is done (the interface is open) */
    if (rc == EXIT_OK && o->user && !privileges_drop(o->user, err, sizeof err)) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_USAGE;
    }
    struct output *out = NULL;
    struct intel_store *intel = NULL;
    struct allowlist *allow = NULL;
    if (rc == EXIT_OK && !setup_detection(o, &intel, &allow))
        rc = EXIT_USAGE;
    struct dc_registry *dcs = rc == EXIT_OK ? dc_registry_new() : NULL;
    if (rc == EXIT_OK && (dcs == NULL || (o->domain_controllers &&
                                          !dc_registry_add_list(dcs, o->domain_controllers, err, sizeof err)))) {
        fprintf(stderr, "vigil: %s\n", dcs ? err : "out of memory");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK) {
        /* Suricata numbers the packets of capture files only (pcap_cnt) */
        unsigned packet_numbers = live ? 0 : OUTPUT_EVE_PCAP_CNT;
        if (!(o->formats & OUTPUT_EVE))
            o->cfg.eve_tcp_closed_timeout_us = 0; /* held EVE flows cost nothing without EVE */
        out = output_open(o->out_dir, o->formats | o->eve_options | packet_numbers, err, sizeof err);
        struct anomaly_events *anomaly_names = out ? anomaly_events_load(NULL, err, sizeof err) : NULL;
        if (!out || !anomaly_names) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
        output_set_anomaly_events(out, anomaly_names);
        if (out && live) {
            struct output_files files = {.append = true, .rotate_s = o->rotate_s, .compress = o->compress};
            output_set_files(out, &files);
        }
        rs.out = out;
    }
    if (rc == EXIT_OK && o->kafka.brokers && !open_kafka(o, out, live))
        rc = EXIT_USAGE;
    /* documents and mail: one inspection context for the files seam and the detectors */
    struct doc_setup doc = {.weights_path = o->weights_path, .keywords_path = o->keywords_path,
                            .yara_path = o->yara_path};
    struct doc_file_inspector inspector;
    bool inspecting = !o->cfg.conn_only && (o->inspect_files || o->protect_path);
    if (rc == EXIT_OK && inspecting) {
        if (!doc_setup_load(&doc, err, sizeof err)) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        } else if (o->inspect_files) {
            doc_file_inspector(&inspector, &doc.ctx,
                               o->inspect_max_file ? o->inspect_max_file : INSPECT_DEFAULT_MAX_FILE,
                               o->yara_path != NULL);
            o->cfg.file_inspector = &inspector.seam;
        }
        if (o->protect_path)
            o->cfg.message_max_bytes = MAIL_WIRE_MAX_MESSAGE;
    }
    bool detectors_on = !o->cfg.conn_only &&
                        (intel != NULL || !o->no_behavior || o->devices || o->protect_path || o->inspect_files);
    /* rules alone make the detectors' hub too: their alerts reach the incident correlator through it */
    bool detecting = detectors_on || (!o->cfg.conn_only && o->n_rules);
    if (rc == EXIT_OK && detecting) {
        struct detect_config dc = {.behavior = !o->no_behavior, .behavior_cfg = o->behavior,
                                   .devices = o->devices, .devices_cfg = &o->devices_cfg,
                                   .protect_path = o->protect_path, .doc = inspecting ? &doc.ctx : NULL,
                                   .documents = o->inspect_files,
                                   .domain_controllers = dcs, .lateral_policy_path = o->lateral_policy_path,
                                   .short_thresholds = o->short_thresholds,
                                   .intel_strict_validity = o->intel_strict_validity,
                                   .intel_suppress_us = o->intel_suppress_us};
        struct detect_sink findings = {0};
        if (out && !output_detect_sink_open(out, &findings)) {
            snprintf(err, sizeof err, "out of memory for the detectors' output");
        } else {
            size_t n_detectors;
            const struct detector *const *detectors = core_detectors(&n_detectors);
            rs.detect = detect_new(&dc, detectors, n_detectors, &findings, intel, err, sizeof err);
            intel = NULL; /* owned by detect now, even on failure */
        }
        if (!rs.detect) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    struct sig_set *rules = NULL;
    if (rc == EXIT_OK && !add_default_rules(o, err, sizeof err)) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && o->n_rules && !o->cfg.conn_only) {
        rules = load_rules(o, err, sizeof err);
        if (!rules) {
            fprintf(stderr, "vigil: --rules %s\n", err);
            rc = EXIT_USAGE;
        }
        o->cfg.rules = rules;
    }
    /* The incident correlator subscribes to every report the detectors make. */
    struct incident_live *incidents = NULL;
    if (rc == EXIT_OK && rs.detect) {
        struct incident_live_config ic = {
            .local_nets = o->behavior.local_nets,
            .n_local_nets = o->behavior.n_local_nets,
            .out = out,
            .interval_summary = live && !o->quiet ? stderr : NULL,
        };
        incidents = incident_live_new(&ic, err, sizeof err);
        if (incidents) {
            struct detect_sink subscriber = incident_live_sink(incidents);
            struct detect_observer observer = incident_live_observer(incidents);
            detect_subscribe(rs.detect, &subscriber);
            detect_observe(rs.detect, &observer);
        } else {
            fprintf(stderr, "vigil: incidents: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        o->cfg.lanes = rs.by_ring;
        rs.engine = engine_new(&o->cfg, out, rs.detect, err, sizeof err);
        if (!rs.engine) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        clock_gettime(CLOCK_MONOTONIC, &rs.started);
        rs.last_draw = rs.last_flush = rs.started;
        rs.flush_interval_s = o->flush_interval_s > 0 ? o->flush_interval_s : live ? LIVE_FLUSH_INTERVAL_S : 0;
        rs.show_progress = !live && !o->quiet && isatty(STDERR_FILENO) && rs.total_bytes > PROGRESS_MIN_BYTES;
        bool stats_log = live || o->kafka.brokers; /* read: one row at the end, for the Kafka counters */
        if (stats_log && !live_stats_open(&rs.stats, out, live ? caps[0] : NULL, o->stats_interval_s))
            fprintf(stderr, "vigil: out of memory for stats.log; it is not written\n");
        if (live)
            capture_set_idle(caps[0], on_capture_idle, &rs);
        if (rs.by_ring)
            capture_set_lane_idle(caps[0], on_lane_idle, &rs);
        rc = run_captures(o, caps, &rs);
        if (rs.by_ring)
            engine_lane_progress(rs.engine, &rs.packets, &rs.bytes, &rs.last_packet_us);
        if (live)
            capture_get_stats(caps[0], &rs.kernel);
        else if (stop_requested && rc == EXIT_OK)
            rc = EXIT_INTERRUPTED;
        engine_finish(rs.engine);
        if (!rs.checksums_told)
            tell_checksum_verdict(&rs);
        reload_finish(&rs.reload);
        if (rs.detect)
            detect_report(rs.detect, 0, true);
        /* every line delivered first, so the last stats.log row, which also goes to Kafka, has final counters */
        output_kafka_flush(out);
        if (stats_log)
            live_stats_tick(&rs.stats, &(struct live_counts){rs.packets, rs.bytes, rs.last_packet_us,
                                                            engine_flows_logged(rs.engine)}, true);
        struct kafka_stats kafka;
        output_kafka_close(out, &kafka);
        if (o->kafka.brokers && kafka.dropped && rc == EXIT_OK)
            rc = EXIT_LINES_LOST;
        if (!o->quiet) {
            print_summary(&rs, o->out_dir);
            if (o->kafka.brokers)
                print_kafka_summary(&kafka, o->kafka.spool_dir);
            if (rs.detect && detectors_on)
                print_detection_summary(rs.detect);
            if (rules)
                print_signature_summary(rs.engine);
        }
        if (incidents)
            incident_live_finish(incidents, o->quiet ? NULL : stderr);
    }
    engine_free(rs.engine);
    sig_set_free(rules);
    o->cfg.rules = NULL;
    detect_free(rs.detect);
    dc_registry_free(dcs);
    o->cfg.file_inspector = NULL;
    doc_setup_free(&doc);
    incident_live_free(incidents);
    intel_store_free(intel);
    allowlist_free(allow);
    if (out && output_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_LINES_LOST;
    }
    live_stats_close(&rs.stats);
    for (unsigned i = 0; i < o->n_captures; i++)
        capture_close(caps[i]);
    free(caps);
    return rc;
}

int run_capture_command(int argc, char **argv, void (*help)(void), bool live)
{
    /* large (local nets, inputs): on the heap, not the stack */
    struct options *o = calloc(1, sizeof *o);
    if (!o) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = parse_options(argc, argv, help, o);
    if (rc < 0) {
        if (o->n_inputs == 0)
            rc = usage_error(live ? "live needs an interface%s" : "read needs at least one capture file%s", "");
        else if (live && o->n_inputs != 1)
            rc = usage_error("live takes exactly one interface%s", "");
        else if (!live && (o->rotate_s || o->compress || o->stats_interval_s || o->live_only_given))
            rc = usage_error("--rotate, --compress, --stats-interval, --capture, --ring-size, --block-size and -u "
                             "are for live%s", "");
        else if (live) {
            if (!o->uid_window_given)
                o->cfg.uid_window_us = (int64_t)LIVE_UID_WINDOW_S * 1000000;
            o->captures = o->inputs;
            o->n_captures = o->n_inputs;
            rc = run_session(o, live);
        } else {
            struct capture_inputs in;
            char err[512];
            if (!capture_inputs_expand(o->inputs, o->n_inputs, &in, err, sizeof err)) {
                fprintf(stderr, "vigil: %s\n", err);
                rc = EXIT_USAGE;
            } else {
                o->captures = (const char *const *)in.paths;
                o->n_captures = in.n;
                rc = run_session(o, live);
                capture_inputs_free(&in);
            }
        }
    }
    options_free(o);
    return rc;
}
