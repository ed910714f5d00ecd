/* The command line: `vigil read`, `vigil live`, `vigil hunt`, `vigil intel
 * check`, and nothing else. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "core/config.h"
#include "core/engine.h"
#include "decode/decode.h"
#include "detect/allowlist.h"
#include "detect/detect.h"
#include "hunt/hunt.h"
#include "intel/intel.h"
#include "output/output.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

#include "cli/cli.h"

#define MAX_INPUTS 1024
#define PROGRESS_MIN_BYTES (64ULL << 20)

#define MAX_INTEL_PATHS 64
/* Live behaviour reports: every 5 minutes of packet time by default. */
#define DEFAULT_REPORT_INTERVAL_S 300

/* The process-wide state a signal handler can reach, and nothing else. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_reload_signal(int sig)
{
    (void)sig;
    reload_requested = 1;
}

struct options {
    struct vigil_config cfg;
    const char *out_dir;
    const char *filter;
    unsigned formats;
    unsigned eve_options;   /* OUTPUT_EVE_*_EXTENDED, kept apart so --format cannot reset them */
    bool quiet;
    const char *inputs[MAX_INPUTS];
    unsigned n_inputs;
    /* detection */
    const char *intel_paths[MAX_INTEL_PATHS];
    uint64_t intel_errors[MAX_INTEL_PATHS]; /* parse errors of each path at the first load */
    unsigned n_intel;
    const char *allowlist_path;
    bool no_behavior;
    int64_t report_interval_us;
    struct behavior_config behavior;
    struct ip_prefix internal_nets[VIGIL_MAX_LOCAL_NETS + 8];
};

static const char usage_main[] =
    "usage: vigil COMMAND [OPTIONS]\n"
    "\n"
    "Vigil records every conversation on the wire as Zeek-compatible logs and\n"
    "Suricata-compatible EVE JSON.\n"
    "\n"
    "commands:\n"
    "  read FILE...   analyse pcap/pcapng files (\"-\" reads standard input)\n"
    "  live IFACE     capture from a network interface until SIGINT/SIGTERM\n"
    "  hunt PATH...   threat intel and behaviour detectors over stored Zeek/EVE logs\n"
    "  intel check FEED...  validate threat-intel feeds and count what they hold\n"
    "\n"
    "  vigil COMMAND --help   options of a command\n"
    "  vigil --version        print the version\n";

static const char usage_common[] =
    "  -o, --output DIR         write logs into DIR (default: current directory)\n"
    "  -f, --filter 'BPF'       only packets matching a tcpdump-style BPF filter\n"
    "      --format FMT         zeek (TSV logs), json (Zeek JSON lines), eve (eve.json),\n"
    "                           or all (zeek + eve; the default)\n"
    "  -C, --ignore-checksums   do not verify IP/TCP/UDP checksums (Zeek's -C)\n"
    "      --workers N          analyse on N threads, flows spread by address hash (default 1)\n"
    "      --local-nets LIST    comma-separated CIDRs counted as local, besides private space\n"
    "      --max-flows N        flows tracked at once; the oldest idle is evicted beyond (default 2000000)\n"
    "      --community-id-seed N  Community ID seed (default 0)\n"
    "      --conn-only          connection logs only, no protocol parsers (fastest)\n"
    "      --eve-tls-extended   EVE tls: also the certificates as sent (certificate, chain,\n"
    "                           client.certificate, client.chain; base64 DER)\n"
    "      --eve-email-extended EVE email: also subject_md5 and body_md5\n"
    "      --eve-dns-version 2|3  EVE dns as Suricata 7 (2: a query event per question, an\n"
    "                           answer event with grouped answers) or 8 (3, the default)\n"
    "      --extract-files DIR  write files seen (HTTP bodies...) into DIR, named by SHA-256\n"
    "      --extract-max-file BYTES   bytes written per file (default 104857600)\n"
    "      --extract-max-total BYTES  bytes written per worker and run (default 1073741824)\n"
    "  -q, --quiet              no progress bar and no summary\n"
    "  -h, --help               this help\n";

static const char usage_detect[] =
    "detection:\n"
    "      --intel PATH         threat-intel feed: MISP JSON or feed folder, STIX 2.1 bundle, CSV,\n"
    "                           plain list or Zeek intel file, or a directory of them (repeatable)\n"
    "      --allowlist FILE     known-good pairs the behaviour detectors never report\n"
    "      --no-behavior        no beaconing / long connection / DNS tunnel / exfiltration detectors\n"
    "      --beacon-threshold X report beacons scoring at least X (0..1, default 0.70)\n"
    "      --long-conn SECONDS  report connections open at least this long (default 3600)\n";

static void print_command_help(const char *cmd)
{
    if (strcmp(cmd, "hunt") == 0)
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
    else if (strcmp(cmd, "read") == 0)
        printf("usage: vigil read FILE... [OPTIONS]\n\n"
               "Reads pcap and pcapng files in order as one capture (\"-\" = standard input).\n"
               "Exit status: 0 ok, 1 a capture was damaged (processed up to the damage), 2 usage or setup error.\n\n"
               "options:\n%s%s",
               usage_common, usage_detect);
    else
        printf("usage: vigil live IFACE [OPTIONS]\n\n"
               "Captures from IFACE until SIGINT or SIGTERM, then flushes and closes every log.\n"
               "SIGHUP reloads the --intel feeds (a broken feed keeps the old set).\n"
               "Exit status: 0 ok, 2 usage or setup error (e.g. permission denied on the interface).\n\n"
               "options:\n%s%s"
               "      --report-interval SECONDS  behaviour findings every SECONDS of traffic (default 300)\n",
               usage_common, usage_detect);
}

int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vigil: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'vigil --help')\n");
    return EXIT_USAGE;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_formats(const char *s, unsigned *formats)
{
    if (strcmp(s, "zeek") == 0)
        *formats = OUTPUT_ZEEK_TSV;
    else if (strcmp(s, "json") == 0)
        *formats = OUTPUT_ZEEK_JSON;
    else if (strcmp(s, "eve") == 0)
        *formats = OUTPUT_EVE;
    else if (strcmp(s, "all") == 0)
        *formats = OUTPUT_ZEEK_TSV | OUTPUT_EVE;
    else
        return false;
    return true;
}

static bool parse_local_nets(const char *list, struct vigil_config *cfg)
{
    char buf[4096];
    size_t len = strlen(list);
    if (len >= sizeof buf)
        return false;
    memcpy(buf, list, len + 1);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (cfg->n_local_nets >= VIGIL_MAX_LOCAL_NETS || !ip_prefix_parse(tok, &cfg->local_nets[cfg->n_local_nets]))
            return false;
        cfg->n_local_nets++;
    }
    return true;
}

enum { OPT_FORMAT = 256, OPT_WORKERS, OPT_LOCAL_NETS, OPT_MAX_FLOWS, OPT_CID_SEED, OPT_CONN_ONLY,
       OPT_EXTRACT_FILES, OPT_EXTRACT_MAX_FILE, OPT_EXTRACT_MAX_TOTAL, OPT_EVE_TLS_EXTENDED,
       OPT_EVE_EMAIL_EXTENDED, OPT_EVE_DNS_VERSION, OPT_INTEL, OPT_ALLOWLIST, OPT_NO_BEHAVIOR,
       OPT_REPORT_INTERVAL, OPT_BEACON_THRESHOLD, OPT_LONG_CONN };

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"filter", required_argument, NULL, 'f'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"ignore-checksums", no_argument, NULL, 'C'},
    {"workers", required_argument, NULL, OPT_WORKERS},
    {"local-nets", required_argument, NULL, OPT_LOCAL_NETS},
    {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
    {"community-id-seed", required_argument, NULL, OPT_CID_SEED},
    {"conn-only", no_argument, NULL, OPT_CONN_ONLY},
    {"eve-tls-extended", no_argument, NULL, OPT_EVE_TLS_EXTENDED},
    {"eve-email-extended", no_argument, NULL, OPT_EVE_EMAIL_EXTENDED},
    {"eve-dns-version", required_argument, NULL, OPT_EVE_DNS_VERSION},
    {"extract-files", required_argument, NULL, OPT_EXTRACT_FILES},
    {"extract-max-file", required_argument, NULL, OPT_EXTRACT_MAX_FILE},
    {"extract-max-total", required_argument, NULL, OPT_EXTRACT_MAX_TOTAL},
    {"intel", required_argument, NULL, OPT_INTEL},
    {"allowlist", required_argument, NULL, OPT_ALLOWLIST},
    {"no-behavior", no_argument, NULL, OPT_NO_BEHAVIOR},
    {"report-interval", required_argument, NULL, OPT_REPORT_INTERVAL},
    {"beacon-threshold", required_argument, NULL, OPT_BEACON_THRESHOLD},
    {"long-conn", required_argument, NULL, OPT_LONG_CONN},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Returns -1 to continue, or an exit code (help printed, or a usage error). */
static int parse_options(int argc, char **argv, const char *cmd, struct options *o)
{
    vigil_config_defaults(&o->cfg);
    behavior_config_defaults(&o->behavior);
    o->report_interval_us = (int64_t)DEFAULT_REPORT_INTERVAL_S * 1000000;
    o->out_dir = ".";
    o->formats = OUTPUT_ZEEK_TSV | OUTPUT_EVE;
    optind = 1;
    opterr = 0;
    int c;
    unsigned long v;
    while ((c = getopt_long(argc, argv, "o:f:Cqh", long_options, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->out_dir = optarg;
            break;
        case 'f':
            o->filter = optarg;
            break;
        case OPT_FORMAT:
            if (!parse_formats(optarg, &o->formats))
                return usage_error("unknown --format '%s' (zeek, json, eve or all)", optarg);
            break;
        case 'C':
            o->cfg.decode.verify_checksums = false;
            break;
        case OPT_WORKERS:
            if (!parse_uint(optarg, 64, &v) || v == 0)
                return usage_error("--workers takes a number from 1 to 64, not '%s'", optarg);
            o->cfg.workers = (unsigned)v;
            break;
        case OPT_LOCAL_NETS:
            if (!parse_local_nets(optarg, &o->cfg))
                return usage_error("--local-nets: bad CIDR list '%s'", optarg);
            break;
        case OPT_MAX_FLOWS:
            if (!parse_uint(optarg, 1UL << 30, &v) || v == 0)
                return usage_error("--max-flows takes a positive number, not '%s'", optarg);
            o->cfg.max_flows = (uint32_t)v;
            break;
        case OPT_CID_SEED:
            if (!parse_uint(optarg, 65535, &v))
                return usage_error("--community-id-seed takes a number from 0 to 65535, not '%s'", optarg);
            o->cfg.community_id_seed = (uint16_t)v;
            break;
        case OPT_CONN_ONLY:
            o->cfg.conn_only = true;
            break;
        case OPT_EVE_TLS_EXTENDED:
            o->eve_options |= OUTPUT_EVE_TLS_EXTENDED;
            break;
        case OPT_EVE_EMAIL_EXTENDED:
            o->eve_options |= OUTPUT_EVE_EMAIL_EXTENDED;
            break;
        case OPT_EVE_DNS_VERSION:
            if (strcmp(optarg, "2") == 0)
                o->eve_options |= OUTPUT_EVE_DNS_V2;
            else if (strcmp(optarg, "3") == 0)
                o->eve_options &= ~(unsigned)OUTPUT_EVE_DNS_V2;
            else
                return usage_error("--eve-dns-version takes 2 or 3, not '%s'", optarg);
            break;
        case OPT_EXTRACT_FILES:
            o->cfg.extract_dir = optarg;
            break;
        case OPT_EXTRACT_MAX_FILE:
        case OPT_EXTRACT_MAX_TOTAL:
            if (!parse_uint(optarg, ULONG_MAX, &v) || v == 0)
                return usage_error("--extract-max-file/--extract-max-total take a positive byte count, not '%s'", optarg);
            if (c == OPT_EXTRACT_MAX_FILE)
                o->cfg.extract_max_file = v;
            else
                o->cfg.extract_max_total = v;
            break;
        case OPT_INTEL:
            if (o->n_intel == MAX_INTEL_PATHS)
                return usage_error("too many --intel paths (at most %s)", "64");
            o->intel_paths[o->n_intel++] = optarg;
            break;
        case OPT_ALLOWLIST:
            o->allowlist_path = optarg;
            break;
        case OPT_NO_BEHAVIOR:
            o->no_behavior = true;
            break;
        case OPT_REPORT_INTERVAL:
            if (!parse_uint(optarg, 86400 * 365, &v) || v == 0)
                return usage_error("--report-interval takes a positive number of seconds, not '%s'", optarg);
            o->report_interval_us = (int64_t)v * 1000000;
            break;
        case OPT_LONG_CONN:
            if (!parse_uint(optarg, 86400 * 365, &v) || v == 0)
                return usage_error("--long-conn takes a positive number of seconds, not '%s'", optarg);
            o->behavior.long_conn_us = (int64_t)v * 1000000;
            break;
        case OPT_BEACON_THRESHOLD: {
            char *end;
            double x = strtod(optarg, &end);
            if (end == optarg || *end || !(x >= 0 && x <= 1))
                return usage_error("--beacon-threshold takes a number from 0 to 1, not '%s'", optarg);
            o->behavior.beacon_threshold = x;
            break;
        }
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            print_command_help(cmd);
            return EXIT_OK;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->n_inputs == MAX_INPUTS)
            return usage_error("too many inputs (at most %s)", "1024");
        o->inputs[o->n_inputs++] = argv[i];
    }
    return -1;
}

/* --- progress and summary --- */

/* A SIGHUP reload runs on its own thread so packets keep flowing while
 * a large feed is parsed; the capture loop swaps the new set in. */
struct reloader {
    pthread_t thread;
    bool running;
    atomic_bool done;
    struct options *opt;
    struct intel_store *result;  /* NULL: the reload failed, err says why */
    char err[512];
};

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
    struct timespec started, last_draw;
    uint64_t packets;
};

/* --- threat intel --- */

static void print_load_line(const char *path, const struct intel_load_report *r, size_t total)
{
    uint64_t added = 0;
    for (int t = 0; t < INTEL_TYPE_COUNT; t++)
        added += r->added[t];
    fprintf(stderr,
            "vigil: intel: %s: %llu indicators added (%llu duplicates, %llu invalid, %llu unsupported, %llu errors); "
            "%zu loaded in all\n",
            path, (unsigned long long)added, (unsigned long long)r->duplicates, (unsigned long long)r->invalid,
            (unsigned long long)r->unsupported, (unsigned long long)r->errors, total);
}

/* Loads every --intel path into a new store. The first load records each
 * path's parse errors (a README in a feed folder is one); a reload (strict)
 * fails when a path has more than then: a feed broke. NULL with err set on
 * failure. */
static struct intel_store *load_intel(struct options *o, bool strict, bool verbose, char *err, size_t errlen)
{
    struct intel_store *s = intel_store_new();
    if (s == NULL) {
        snprintf(err, errlen, "out of memory for the threat-intel store");
        return NULL;
    }
    for (unsigned i = 0; i < o->n_intel; i++) {
        struct intel_load_report rep;
        memset(&rep, 0, sizeof rep);
        char why[512];
        if (intel_load_path(s, o->intel_paths[i], INTEL_FORMAT_AUTO, &rep, why, sizeof why) != 0) {
            snprintf(err, errlen, "--intel %.480s", why);
            intel_store_free(s);
            return NULL;
        }
        if (!strict)
            o->intel_errors[i] = rep.errors;
        if (strict && rep.errors > o->intel_errors[i]) {
            snprintf(err, errlen, "--intel %s: %llu parse errors%s%s", o->intel_paths[i],
                     (unsigned long long)rep.errors, rep.n_examples ? ", first: " : "",
                     rep.n_examples ? rep.examples[0] : "");
            intel_store_free(s);
            return NULL;
        }
        if (verbose)
            print_load_line(o->intel_paths[i], &rep, intel_store_count(s));
    }
    return s;
}

static void *reload_main(void *arg)
{
    struct reloader *r = arg;
    r->result = load_intel(r->opt, true, false, r->err, sizeof r->err);
    atomic_store(&r->done, true);
    return NULL;
}

/* Called between packets: starts a reload on SIGHUP, installs a finished one. */
static void service_reload(struct run_state *rs)
{
    struct reloader *r = &rs->reload;
    if (reload_requested && !r->running && rs->detect) {
        reload_requested = 0;
        r->opt = rs->opt;
        r->result = NULL;
        atomic_store(&r->done, false);
        if (pthread_create(&r->thread, NULL, reload_main, r) == 0)
            r->running = true;
        else
            fprintf(stderr, "vigil: reload: cannot start the loader thread; keeping the current indicators\n");
    }
    if (r->running && atomic_load(&r->done)) {
        pthread_join(r->thread, NULL);
        r->running = false;
        if (r->result) {
            size_t n = intel_store_count(r->result);
            detect_set_intel(rs->detect, r->result);
            fprintf(stderr, "vigil: reload: %zu indicators loaded\n", n);
        } else {
            fprintf(stderr, "vigil: reload failed, keeping the current indicators: %s\n", r->err);
        }
    }
}

/* Live, between reads (at least every 100 ms): reloads and frees. */
static void on_capture_idle(void *ctx)
{
    struct run_state *rs = ctx;
    service_reload(rs);
    detect_collect(rs->detect);
}

static void finish_reload(struct run_state *rs)
{
    if (rs->reload.running) {
        pthread_join(rs->reload.thread, NULL);
        rs->reload.running = false;
        intel_store_free(rs->reload.result);
    }
}

/* Private space is internal, as for --local-nets; the behaviour detectors
 * get both lists as one. */
static void set_internal_nets(struct options *o)
{
    static const char *const private_nets[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                                               "169.254.0.0/16", "fc00::/7", "fe80::/10"};
    unsigned n = 0;
    for (size_t i = 0; i < sizeof private_nets / sizeof private_nets[0]; i++)
        if (ip_prefix_parse(private_nets[i], &o->internal_nets[n]))
            n++;
    for (unsigned i = 0; i < o->cfg.n_local_nets; i++)
        o->internal_nets[n++] = o->cfg.local_nets[i];
    o->behavior.local_nets = o->internal_nets;
    o->behavior.n_local_nets = n;
}

/* The detectors of a read/live/hunt run; *allow receives the allow-list to free. */
static bool setup_detection(struct options *o, struct intel_store **intel, struct allowlist **allow)
{
    char err[512];
    *intel = NULL;
    *allow = NULL;
    set_internal_nets(o);
    if (o->allowlist_path) {
        *allow = allowlist_load(o->allowlist_path, err, sizeof err);
        if (*allow == NULL) {
            fprintf(stderr, "vigil: --allowlist %s\n", err);
            return false;
        }
        o->behavior.allow = *allow;
    }
    if (o->n_intel) {
        *intel = load_intel(o, false, !o->quiet, err, sizeof err);
        if (*intel == NULL) {
            fprintf(stderr, "vigil: %s\n", err);
            allowlist_free(*allow);
            *allow = NULL;
            return false;
        }
    }
    return true;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
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

static void on_packet(void *ctx, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
    struct run_state *rs = ctx;
    engine_packet(rs->engine, linktype, ts_us, data, caplen, wirelen);
    rs->packets++;
    if (rs->live && rs->detect) {
        if (ts_us >= rs->next_report_us) {
            if (rs->next_report_us) {
                engine_scan_open_flows(rs->engine, ts_us - rs->opt->behavior.long_conn_us);
                detect_report(rs->detect, ts_us, false);
            }
            rs->next_report_us = ts_us + rs->opt->report_interval_us;
            detect_collect(rs->detect);
        }
    }
    if (rs->show_progress && (rs->packets & 0x3fff) == 0 && seconds_since(&rs->last_draw) >= 0.25) {
        clock_gettime(CLOCK_MONOTONIC, &rs->last_draw);
        draw_progress(rs);
    }
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
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_reload_signal;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* --- commands --- */

static int open_inputs(const struct options *o, struct capture **caps, bool live, uint64_t *total)
{
    char err[512];
    *total = 0;
    for (unsigned i = 0; i < o->n_inputs; i++) {
        caps[i] = live ? capture_open_live(o->inputs[i], err, sizeof err) : capture_open_file(o->inputs[i], err, sizeof err);
        if (!caps[i]) {
            fprintf(stderr, "vigil: %s\n", err);
            return EXIT_USAGE;
        }
        if (!decode_linktype_supported(capture_linktype(caps[i]))) {
            fprintf(stderr, "vigil: %s: unsupported link type %d (%s)\n", o->inputs[i], capture_linktype(caps[i]),
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
    for (unsigned i = 0; i < o->n_inputs && !stop_requested; i++) {
        char msg[512] = "";
        rs->current = caps[i];
        enum capture_status st = capture_run(caps[i], on_packet, rs, &stop_requested, msg, sizeof msg);
        rs->bytes_before += capture_size(caps[i]);
        rs->current = NULL;
        if (st == CAPTURE_DAMAGED) {
            if (rs->show_progress)
                fputc('\n', stderr);
            fprintf(stderr, "vigil: capture damaged, processed up to the damage: %s\n", msg);
            rc = EXIT_DAMAGED;
        } else if (st == CAPTURE_FAILED) {
            fprintf(stderr, "vigil: %s\n", msg);
            rc = EXIT_USAGE;
        }
    }
    if (rs->show_progress) {
        draw_progress(rs);
        fputc('\n', stderr);
    }
    return rc;
}

/* Opens, runs and closes one capture session; the options are parsed by the caller. */
static void print_detection_summary(struct detect *d)
{
    struct detect_stats st;
    detect_get_stats(d, &st);
    fprintf(stderr, "vigil: detection: %llu intel alerts (%llu indicator lookups)",
            (unsigned long long)st.intel_alerts, (unsigned long long)st.intel_lookups);
    for (int k = 0; k < FINDING_KIND_COUNT; k++)
        fprintf(stderr, ", %llu %s", (unsigned long long)st.behavior.findings[k], finding_kind_name((enum finding_kind)k));
    fprintf(stderr, "\n");
}

/* Opens, runs and closes one capture session; the options are parsed by the caller. */
static int run_session(struct options *o, bool live)
{
    struct capture **caps = calloc(o->n_inputs, sizeof *caps);
    if (!caps) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    struct run_state rs = {.opt = o, .live = live};
    int rc = open_inputs(o, caps, live, &rs.total_bytes);
    char err[512];
    struct output *out = NULL;
    struct intel_store *intel = NULL;
    struct allowlist *allow = NULL;
    if (rc == EXIT_OK && !setup_detection(o, &intel, &allow))
        rc = EXIT_USAGE;
    if (rc == EXIT_OK) {
        out = output_open(o->out_dir, o->formats | o->eve_options, err, sizeof err);
        if (!out) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    bool detecting = !o->cfg.conn_only && (intel != NULL || !o->no_behavior);
    if (rc == EXIT_OK && detecting) {
        struct detect_config dc = {.behavior = !o->no_behavior, .behavior_cfg = o->behavior};
        rs.detect = detect_new(&dc, out, intel, err, sizeof err);
        intel = NULL; /* owned by detect now, even on failure */
        if (!rs.detect) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        rs.engine = engine_new(&o->cfg, out, rs.detect, err, sizeof err);
        if (!rs.engine) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        install_signal_handlers();
        clock_gettime(CLOCK_MONOTONIC, &rs.started);
        rs.last_draw = rs.started;
        rs.show_progress = !live && !o->quiet && isatty(STDERR_FILENO) && rs.total_bytes > PROGRESS_MIN_BYTES;
        if (live && rs.detect)
            capture_set_idle(caps[0], on_capture_idle, &rs);
        rc = run_captures(o, caps, &rs);
        engine_finish(rs.engine);
        finish_reload(&rs);
        if (rs.detect)
            detect_report(rs.detect, 0, true);
        if (!o->quiet) {
            print_summary(&rs, o->out_dir);
            if (rs.detect)
                print_detection_summary(rs.detect);
        }
    }
    engine_free(rs.engine);
    detect_free(rs.detect);
    intel_store_free(intel);
    allowlist_free(allow);
    if (out && output_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_USAGE;
    }
    for (unsigned i = 0; i < o->n_inputs; i++)
        capture_close(caps[i]);
    free(caps);
    return rc;
}

/* --- vigil hunt --- */

static int run_hunt(int argc, char **argv)
{
    struct options *o = calloc(1, sizeof *o);
    if (!o) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = parse_options(argc, argv, "hunt", o);
    bool out_given = false;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-o") == 0 || strncmp(argv[i], "--output", 8) == 0)
            out_given = true;
    if (rc >= 0) {
        free(o);
        return rc;
    }
    if (o->n_inputs == 0) {
        free(o);
        return usage_error("hunt needs at least one log file or directory%s", "");
    }
    if (o->formats == (OUTPUT_ZEEK_TSV | OUTPUT_EVE))
        o->formats = OUTPUT_ZEEK_TSV; /* the default of read/live; hunt writes Zeek logs unless told */
    struct intel_store *intel = NULL;
    struct allowlist *allow = NULL;
    struct output *out = NULL;
    char err[512];
    rc = EXIT_OK;
    if (!setup_detection(o, &intel, &allow))
        rc = EXIT_USAGE;
    if (rc == EXIT_OK && out_given) {
        out = output_open(o->out_dir, o->formats, err, sizeof err);
        if (!out) {
            fprintf(stderr, "vigil: %s\n", err);
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
            .out = out,
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
    if (out && output_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_USAGE;
    }
    intel_store_free(intel);
    allowlist_free(allow);
    free(o);
    return rc;
}

/* --- vigil intel check --- */

static int intel_check(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "usage: vigil intel check FEED...\n\n"
                   "Loads each feed (file or directory) as --intel would and prints what it holds: files per\n"
                   "format, indicators per type, duplicates, and what could not be used, with examples.\n"
                   "Exit status: 0 ok, 1 some records could not be parsed, 2 a feed could not be read or holds nothing.\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        struct intel_store *s = intel_store_new();
        struct intel_load_report *rep = calloc(1, sizeof *rep);
        char err[512];
        if (!s || !rep) {
            fprintf(stderr, "vigil: out of memory\n");
            intel_store_free(s);
            free(rep);
            return EXIT_USAGE;
        }
        if (intel_load_path(s, argv[i], INTEL_FORMAT_AUTO, rep, err, sizeof err) != 0) {
            fprintf(stderr, "vigil: intel check: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            printf("%s: %llu files (", argv[i], (unsigned long long)rep->files);
            bool first = true;
            for (int f = 1; f < INTEL_FORMAT_COUNT; f++) {
                if (rep->per_format[f]) {
                    printf("%s%llu %s", first ? "" : ", ", (unsigned long long)rep->per_format[f],
                           intel_format_name((enum intel_format)f));
                    first = false;
                }
            }
            printf("), %zu indicators, %.1f MB in memory\n", intel_store_count(s),
                   (double)intel_store_memory(s) / 1e6);
            for (int t = 0; t < INTEL_TYPE_COUNT; t++)
                if (rep->added[t])
                    printf("  %-18s %llu\n", intel_type_zeek_name((enum intel_type)t),
                           (unsigned long long)rep->added[t]);
            printf("  duplicates         %llu\n  invalid values     %llu\n  unsupported        %llu\n"
                   "  not for detection  %llu (MISP to_ids false)\n  revoked            %llu\n"
                   "  parse errors       %llu\n",
                   (unsigned long long)rep->duplicates, (unsigned long long)rep->invalid,
                   (unsigned long long)rep->unsupported, (unsigned long long)rep->skipped_not_ids,
                   (unsigned long long)rep->skipped_revoked, (unsigned long long)rep->errors);
            if (rep->n_examples) {
                printf("  not used (first %u):\n", rep->n_examples);
                for (unsigned k = 0; k < rep->n_examples; k++)
                    printf("    %s\n", rep->examples[k]);
            }
            if (intel_store_count(s) == 0) {
                fprintf(stderr, "vigil: intel check: %s: no usable indicator\n", argv[i]);
                rc = EXIT_USAGE;
            } else if (rep->errors && rc == EXIT_OK) {
                rc = EXIT_DAMAGED;
            }
        }
        intel_store_free(s);
        free(rep);
    }
    return rc;
}

static int run(int argc, char **argv, bool live)
{
    const char *cmd = live ? "live" : "read";
    /* large (local nets, inputs): on the heap, not the stack */
    struct options *o = calloc(1, sizeof *o);
    if (!o) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = parse_options(argc, argv, cmd, o);
    if (rc < 0) {
        o->cfg.community_id = (o->formats & OUTPUT_EVE) != 0;
        if (o->n_inputs == 0)
            rc = usage_error(live ? "live needs an interface%s" : "read needs at least one capture file%s", "");
        else if (live && o->n_inputs != 1)
            rc = usage_error("live takes exactly one interface%s", "");
        else
            rc = run_session(o, live);
    }
    free(o);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("vigil %s\n", VIGIL_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "read") == 0)
        return run(argc - 1, argv + 1, false);
    if (strcmp(cmd, "live") == 0)
        return run(argc - 1, argv + 1, true);
    if (strcmp(cmd, "hunt") == 0)
        return run_hunt(argc - 1, argv + 1);
    if (strcmp(cmd, "inspect") == 0)
        return cli_command_inspect.run(argc - 1, argv + 1);
    if (strcmp(cmd, "mail") == 0)
        return cli_command_mail.run(argc - 1, argv + 1);
    if (strcmp(cmd, "intel") == 0) {
        if (argc >= 3 && strcmp(argv[2], "check") == 0)
            return intel_check(argc - 2, argv + 2);
        fprintf(stderr, "vigil: usage: vigil intel check FEED... (see 'vigil --help')\n");
        return EXIT_USAGE;
    }
    fprintf(stderr, "vigil: unknown command '%s' (see 'vigil --help')\n", cmd);
    return EXIT_USAGE;
}
