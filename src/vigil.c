/* The command line: `vigil read`, `vigil live`, and nothing else. */
#include <errno.h>
#include <getopt.h>
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
#include "output/output.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

enum exit_code { EXIT_OK = 0, EXIT_DAMAGED = 1, EXIT_USAGE = 2 };

#define MAX_INPUTS 1024
#define PROGRESS_MIN_BYTES (64ULL << 20)

/* The one piece of process-wide state: a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
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

static void print_command_help(const char *cmd)
{
    if (strcmp(cmd, "read") == 0)
        printf("usage: vigil read FILE... [OPTIONS]\n\n"
               "Reads pcap and pcapng files in order as one capture (\"-\" = standard input).\n"
               "Exit status: 0 ok, 1 a capture was damaged (processed up to the damage), 2 usage or setup error.\n\n"
               "options:\n%s",
               usage_common);
    else
        printf("usage: vigil live IFACE [OPTIONS]\n\n"
               "Captures from IFACE until SIGINT or SIGTERM, then flushes and closes every log.\n"
               "Exit status: 0 ok, 2 usage or setup error (e.g. permission denied on the interface).\n\n"
               "options:\n%s",
               usage_common);
}

static int usage_error(const char *fmt, const char *arg)
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
       OPT_EVE_EMAIL_EXTENDED, OPT_EVE_DNS_VERSION };

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
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Returns -1 to continue, or an exit code (help printed, or a usage error). */
static int parse_options(int argc, char **argv, const char *cmd, struct options *o)
{
    vigil_config_defaults(&o->cfg);
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

struct run_state {
    struct engine *engine;
    const struct options *opt;
    struct capture *current;
    uint64_t bytes_before;     /* bytes of the files already read */
    uint64_t total_bytes;      /* 0 when unknown */
    bool show_progress;
    struct timespec started, last_draw;
    uint64_t packets;
};

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
            "vigil: %llu packets, %.1f MB captured (%.1f MB on the wire) in %.2f s (%.0f packets/s, %.2f Gbit/s); %llu flows logged "
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
static int run_session(struct options *o, bool live)
{
    struct capture **caps = calloc(o->n_inputs, sizeof *caps);
    if (!caps) {
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    struct run_state rs = {.opt = o};
    int rc = open_inputs(o, caps, live, &rs.total_bytes);
    char err[512];
    struct output *out = NULL;
    if (rc == EXIT_OK) {
        out = output_open(o->out_dir, o->formats | o->eve_options, err, sizeof err);
        if (!out) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        rs.engine = engine_new(&o->cfg, out, err, sizeof err);
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
        rc = run_captures(o, caps, &rs);
        engine_finish(rs.engine);
        if (!o->quiet)
            print_summary(&rs, o->out_dir);
    }
    engine_free(rs.engine);
    if (out && output_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "vigil: %s\n", err);
        rc = EXIT_USAGE;
    }
    for (unsigned i = 0; i < o->n_inputs; i++)
        capture_close(caps[i]);
    free(caps);
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
    fprintf(stderr, "vigil: unknown command '%s' (see 'vigil --help')\n", cmd);
    return EXIT_USAGE;
}
