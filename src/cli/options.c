/* Option parsing for `read`, `live` and `hunt`: one getopt table for all
 * three, so an option means the same wherever it is accepted. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/option_rules.h"
#include "cli/options.h"
#include "detect/behavior.h"   /* behavior_config_defaults */
#include "output/output.h"
#include "proto/ftp.h"   /* ftp_settings_logged_commands */

/* Live behaviour reports: every 5 minutes of packet time by default. */
#define DEFAULT_REPORT_INTERVAL_S 300

const char usage_common[] =
    "  -o, --output DIR         write logs into DIR (default: current directory);\n"
    "                           -o - writes eve.json to standard output\n"
    "  -f, --filter 'BPF'       only packets matching a tcpdump-style BPF filter\n"
    "      --format FMT,...     zeek (TSV logs), json (Zeek JSON lines), eve (eve.json),\n"
    "                           or all (zeek + eve; the default); a comma list: zeek,eve json,eve\n"
    "  -r FILE                  a capture to read, as an operand (Zeek's and Suricata's -r)\n"
    "      --checksums MODE     auto (default: verified unless the first packets show checksum\n"
    "                           offload, as Suricata does), verify (always, as Zeek) or off\n"
    "  -C, --ignore-checksums   --checksums off (Zeek's -C)\n"
    "      --workers N          analyse on N threads, flows spread by address hash (default 1)\n"
    "      --local-nets LIST    comma-separated CIDRs counted as local, besides private space\n"
    "      --max-flows N        flows tracked at once; the oldest idle is evicted beyond (default 2000000)\n"
    "      --community-id-seed N  Community ID seed (default 0)\n"
    "      --conn-only          connection logs only, no protocol parsers (fastest)\n"
    "      --flush-interval S   write buffered log lines out every S seconds (live: 0.5; read:\n"
    "                           only when a buffer fills or at the end, unless given)\n"
    "      --rules PATH         Suricata rules: a .rules file or a directory of them (repeatable),\n"
    "                           loaded besides the default rules (rules/devices.rules)\n"
    "      --no-default-rules   do not load the default rules\n"
    "      --default-rules PATH load PATH instead of the default rules (repeatable)\n"
    "      --midstream          parse HTTP, SMTP, SOCKS on connections whose start was not seen\n"
    "                           (Suricata's stream.midstream; Zeek does not)\n"
    "      --stream-inline      rules inspect an HTTP request on the packet completing it\n"
    "                           (Suricata's stream.inline), not after the server's ack\n"
    "      --smb-log-reads-writes  smb_files.log also shows file reads and writes (Zeek's\n"
    "                           SMB::logged_file_actions += { SMB::FILE_READ, SMB::FILE_WRITE })\n"
    "      --ldap-max-pending-searches N  LDAP searches awaiting their result per connection,\n"
    "                           a weird beyond (Zeek's LDAP::max_pending_searches; 1..100, default 100)\n"
    "      --dns-max-compression-depth N  compression pointers followed in one DNS name, a weird\n"
    "                           beyond (Zeek's dns_max_compression_chain_depth; default 20)\n"
    "      --json-timestamps epoch|iso8601  Zeek JSON times as epoch seconds (default) or\n"
    "                           ISO 8601 UTC (Zeek's JSON::TS_ISO8601)\n"
    "      --ftp-logged-commands LIST  commands with an ftp.log row (FTP::logged_commands):\n"
    "                           a comma list, or +LIST to add to Zeek's default set\n"
    "      --ftp-capture-password  ftp.log shows every password (FTP::default_capture_password)\n"
    "      --ftp-max-arg-length N, --ftp-max-reply-msg-length N, --ftp-max-user-length N,\n"
    "      --ftp-max-password-length N  ftp.log fields cut to N bytes, with Zeek's weird (Zeek's\n"
    "                           FTP::max_*: 4096, 4096, 128, 128)\n"
    "      --ftp-max-command-length N  lines with a longer command word are dropped, with a weird\n"
    "                           (FTP::max_command_length, default 100; 0: no limit)\n"
    "      --eve-tls-extended   EVE tls: also the certificates as sent (certificate, chain,\n"
    "                           client.certificate, client.chain; base64 DER)\n"
    "      --eve-email-extended EVE email: also subject_md5 and body_md5\n"
    "      --eve-alert-payload  EVE alert: also the inspected bytes (payload, payload_printable, stream)\n"
    "      --eve-alert-packet   EVE alert: also the packet's frame (packet, packet_info)\n"
    "      --eve-anomaly-packethdr  EVE decode anomalies: also the frame's first 32 bytes\n"
    "                           (packet, packet_info)\n"
    "      --eve-dns-version 2|3  EVE dns as Suricata 7 (2: a query event per question, an\n"
    "                           answer event with grouped answers) or 8 (3, the default)\n"
    "      --eve-dhcp-extended  EVE dhcp: every message, with Suricata's extended fields (params,\n"
    "                           lease times, routers...); default: the ACKs, basic fields\n"
    "      --extract-files DIR  write files seen (HTTP bodies...) into DIR, named by SHA-256\n"
    "      --extract-max-file BYTES   bytes written per file (default 104857600)\n"
    "      --extract-max-total BYTES  bytes written per worker and run (default 1073741824)\n"
    "      --eve-http-body-limit BYTES  EVE fileinfo follows an HTTP body's file for this many\n"
    "                           data bytes, as Suricata's libhtp request/response-body-limit\n"
    "                           (default 102400, Suricata's; 0: no limit); files.log is whole\n"
    "      --eve-tcp-closed-timeout SECONDS  EVE keeps a TCP flow Suricata saw closed this long\n"
    "                           after its last packet; later packets of its 5-tuple without a\n"
    "                           SYN count in it (Suricata's flow-timeouts tcp closed; default\n"
    "                           60; 0: EVE flows end with conn.log's connections)\n"
    "      --devices            device inventory (assets.log) and device alerts\n"
    "      --vendor-policy FILE, --device-allow FILE, --ieee-data DIR, --fingerprints FILE,\n"
    "      --device-behaviour FILE  replace the shipped vendor policy, allowed destinations, IEEE\n"
    "                           registries, fingerprints, watched types and thresholds (each implies --devices)\n"
    "      --config FILE        options from FILE: one long option a line, 'key = value'\n"
    "                           or 'key' alone for a flag; the command line wins\n"
    "  -q, --quiet              no progress bar and no summary\n"
    "  -h, --help               this help\n";

const char usage_detect[] =
    "detection:\n"
    "      --intel PATH         threat-intel feed: MISP JSON or feed folder, STIX 2.1 bundle, CSV,\n"
    "                           plain list or Zeek intel file, or a directory of them (repeatable)\n"
    "      --allowlist FILE     known-good pairs the behaviour detectors never report\n"
    "      --protect FILE       protected organisations (domain TAB names): judge every SMTP message\n"
    "                           (sender, links) and alert Vigil::Phishing (read, live)\n"
    "      --inspect-files      inspect the files of HTTP and mail as documents (files.log doc_*,\n"
    "                           EVE fileinfo.doc, Vigil::Malicious_Document)\n"
    "      --inspect-max-file BYTES  bytes of a file kept for inspection (default 33554432)\n"
    "      --yara-rules PATH    the user's YARA rules instead of the shipped ones (rules/yara)\n"
    "      --weights FILE, --keywords FILE  verdict weights and macro keywords, as for vigil inspect\n"
    "      --no-behavior        no beaconing / long connection / DNS tunnel / exfiltration detectors\n"
    "                           (nor the lateral-movement ones)\n"
    "      --beacon-threshold X report beacons scoring at least X (0..1, default 0.70)\n"
    "      --long-conn SECONDS  report connections open at least this long (default 3600)\n"
    "      --domain-controllers ADDR,...  hosts that are domain controllers (others are learned:\n"
    "                           DRSUAPI or NETLOGON answered); their replication is not DCSync\n"
    "      --lateral-policy FILE  the lateral-movement operations and thresholds (PsExec, tasks,\n"
    "                           WMI, Zerologon, DCSync, Kerberoasting, fan-out) instead of\n"
    "                           data/lateral_movement.tsv (--lateral-thresholds: the same)\n"
    "      --short-thresholds FILE  thresholds of the short-capture detections: ICMP and DNS\n"
    "                           tunnels, DGA bursts, DNS TXT channels (default data/short_capture.tsv)\n"
    "      --intel-strict-validity  drop intel matches outside the indicator's validity window\n"
    "                           (default: reported, intel.log validity before_valid_from/after_valid_until)\n"
    "      --intel-suppress SECONDS  after an indicator's first alert from a host, count its hits\n"
    "                           and summarise them in sightings.log (default 3600; 0: alert every hit)\n"
    "      --beacon-weights FILE  the beacon score's weights and prevalence instead of\n"
    "                           data/beacon_weights.tsv\n";

static bool parse_format(const char *s, size_t len, unsigned *formats)
{
    static const struct {
        const char *name;
        unsigned formats;
    } names[] = {
        {"zeek", OUTPUT_ZEEK_TSV},
        {"json", OUTPUT_ZEEK_JSON},
        {"eve", OUTPUT_EVE},
        {"all", OUTPUT_ZEEK_TSV | OUTPUT_EVE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) == len && memcmp(names[i].name, s, len) == 0) {
            *formats |= names[i].formats;
            return true;
        }
    }
    return false;
}

/* A comma list: "zeek,eve", "json,eve". */
bool parse_formats(const char *s, unsigned *formats)
{
    *formats = 0;
    for (;;) {
        size_t len = strcspn(s, ",");
        if (!parse_format(s, len, formats))
            return false;
        if (s[len] == '\0')
            return true;
        s += len + 1;
    }
}

bool parse_local_nets(const char *list, struct vigil_config *cfg)
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
       OPT_EVE_EMAIL_EXTENDED, OPT_EVE_DNS_VERSION, OPT_INTEL, OPT_RULES, OPT_ALLOWLIST, OPT_PROTECT, OPT_NO_BEHAVIOR, OPT_LATERAL_THRESHOLDS,
       OPT_REPORT_INTERVAL, OPT_BEACON_THRESHOLD, OPT_LONG_CONN, OPT_ROTATE, OPT_COMPRESS,
       OPT_STATS_INTERVAL, OPT_CHECKSUMS, OPT_JSON_TIMESTAMPS, OPT_CONFIG, OPT_DEVICES, OPT_VENDOR_POLICY,
       OPT_DEVICE_ALLOW, OPT_IEEE_DATA, OPT_FINGERPRINTS, OPT_FLUSH_INTERVAL, OPT_NO_DEFAULT_RULES,
       OPT_DEFAULT_RULES, OPT_DEVICE_BEHAVIOUR, OPT_INSPECT_FILES, OPT_INSPECT_MAX_FILE, OPT_YARA_RULES,
       OPT_WEIGHTS, OPT_KEYWORDS, OPT_EVE_ALERT_PAYLOAD, OPT_EVE_ALERT_PACKET, OPT_MIDSTREAM,
       OPT_EVE_ANOMALY_PACKETHDR, OPT_STREAM_INLINE, OPT_EVE_HTTP_BODY_LIMIT, OPT_EVE_TCP_CLOSED_TIMEOUT };
/* live's capture and operation options */
enum { OPT_CAPTURE = 1024, OPT_RING_SIZE, OPT_BLOCK_SIZE, OPT_CPUS, OPT_UID_KEY, OPT_UID_WINDOW };
/* --kafka...: OPT_KAFKA + enum kafka_cli_option (cli/kafka_cli.h) */
enum { OPT_KAFKA = 2048 };
/* Lateral movement over SMB and DCE-RPC (detect/lateral.c). */
enum { OPT_DOMAIN_CONTROLLERS = 0x500, OPT_LATERAL_POLICY };
/* Short-capture detections (detect/icmp_tunnel.c, detect/dns_short.c). */
enum { OPT_SHORT_THRESHOLDS = 0x580 };
/* EVE fields as Suricata's `extended: yes` (issue #12). */
enum { OPT_EVE_DHCP_EXTENDED = 0x600 };
/* Zeek log contents a script redef changes (issue #12). */
enum { OPT_SMB_LOG_READS_WRITES = 0x6c0 };
/* Zeek's FTP options (proto/ftp.h's struct ftp_settings). */
enum { OPT_FTP_LOGGED_COMMANDS = 0x680, OPT_FTP_CAPTURE_PASSWORD, OPT_FTP_MAX_ARG_LENGTH, OPT_FTP_MAX_REPLY_MSG_LENGTH,
       OPT_FTP_MAX_USER_LENGTH, OPT_FTP_MAX_PASSWORD_LENGTH, OPT_FTP_MAX_COMMAND_LENGTH };
/* Threat-intel validity windows and repeated hits (detect/intel_detector.c), the beacon weights. */
enum { OPT_INTEL_STRICT_VALIDITY = 0x700, OPT_INTEL_SUPPRESS, OPT_BEACON_WEIGHTS };
/* Zeek's parser limits, as its redefs set them (proto/app_limits-t.h). */
enum { OPT_LDAP_MAX_PENDING_SEARCHES = 0x780, OPT_DNS_MAX_COMPRESSION_DEPTH };

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"filter", required_argument, NULL, 'f'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"ignore-checksums", no_argument, NULL, 'C'},
    {"checksums", required_argument, NULL, OPT_CHECKSUMS},
    {"json-timestamps", required_argument, NULL, OPT_JSON_TIMESTAMPS},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"workers", required_argument, NULL, OPT_WORKERS},
    {"local-nets", required_argument, NULL, OPT_LOCAL_NETS},
    {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
    {"community-id-seed", required_argument, NULL, OPT_CID_SEED},
    {"conn-only", no_argument, NULL, OPT_CONN_ONLY},
    {"midstream", no_argument, NULL, OPT_MIDSTREAM},
    {"stream-inline", no_argument, NULL, OPT_STREAM_INLINE},
    {"smb-log-reads-writes", no_argument, NULL, OPT_SMB_LOG_READS_WRITES},
    {"ftp-logged-commands", required_argument, NULL, OPT_FTP_LOGGED_COMMANDS},
    {"ftp-capture-password", no_argument, NULL, OPT_FTP_CAPTURE_PASSWORD},
    {"ftp-max-arg-length", required_argument, NULL, OPT_FTP_MAX_ARG_LENGTH},
    {"ftp-max-reply-msg-length", required_argument, NULL, OPT_FTP_MAX_REPLY_MSG_LENGTH},
    {"ftp-max-user-length", required_argument, NULL, OPT_FTP_MAX_USER_LENGTH},
    {"ftp-max-password-length", required_argument, NULL, OPT_FTP_MAX_PASSWORD_LENGTH},
    {"ftp-max-command-length", required_argument, NULL, OPT_FTP_MAX_COMMAND_LENGTH},
    {"eve-tls-extended", no_argument, NULL, OPT_EVE_TLS_EXTENDED},
    {"eve-email-extended", no_argument, NULL, OPT_EVE_EMAIL_EXTENDED},
    {"eve-alert-payload", no_argument, NULL, OPT_EVE_ALERT_PAYLOAD},
    {"eve-alert-packet", no_argument, NULL, OPT_EVE_ALERT_PACKET},
    {"eve-anomaly-packethdr", no_argument, NULL, OPT_EVE_ANOMALY_PACKETHDR},
    {"eve-dns-version", required_argument, NULL, OPT_EVE_DNS_VERSION},
    {"eve-dhcp-extended", no_argument, NULL, OPT_EVE_DHCP_EXTENDED},
    {"extract-files", required_argument, NULL, OPT_EXTRACT_FILES},
    {"extract-max-file", required_argument, NULL, OPT_EXTRACT_MAX_FILE},
    {"eve-http-body-limit", required_argument, NULL, OPT_EVE_HTTP_BODY_LIMIT},
    {"eve-tcp-closed-timeout", required_argument, NULL, OPT_EVE_TCP_CLOSED_TIMEOUT},
    {"extract-max-total", required_argument, NULL, OPT_EXTRACT_MAX_TOTAL},
    {"intel", required_argument, NULL, OPT_INTEL},
    {"rules", required_argument, NULL, OPT_RULES},
    {"no-default-rules", no_argument, NULL, OPT_NO_DEFAULT_RULES},
    {"default-rules", required_argument, NULL, OPT_DEFAULT_RULES},
    {"allowlist", required_argument, NULL, OPT_ALLOWLIST},
    {"protect", required_argument, NULL, OPT_PROTECT},
    {"inspect-files", no_argument, NULL, OPT_INSPECT_FILES},
    {"inspect-max-file", required_argument, NULL, OPT_INSPECT_MAX_FILE},
    {"yara-rules", required_argument, NULL, OPT_YARA_RULES},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"keywords", required_argument, NULL, OPT_KEYWORDS},
    {"no-behavior", no_argument, NULL, OPT_NO_BEHAVIOR},
    {"lateral-thresholds", required_argument, NULL, OPT_LATERAL_THRESHOLDS},
    {"report-interval", required_argument, NULL, OPT_REPORT_INTERVAL},
    {"beacon-threshold", required_argument, NULL, OPT_BEACON_THRESHOLD},
    {"long-conn", required_argument, NULL, OPT_LONG_CONN},
    {"rotate", required_argument, NULL, OPT_ROTATE},
    {"compress", no_argument, NULL, OPT_COMPRESS},
    {"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
    {"flush-interval", required_argument, NULL, OPT_FLUSH_INTERVAL},
    {"devices", no_argument, NULL, OPT_DEVICES},
    {"vendor-policy", required_argument, NULL, OPT_VENDOR_POLICY},
    {"device-allow", required_argument, NULL, OPT_DEVICE_ALLOW},
    {"device-behaviour", required_argument, NULL, OPT_DEVICE_BEHAVIOUR},
    {"ieee-data", required_argument, NULL, OPT_IEEE_DATA},
    {"fingerprints", required_argument, NULL, OPT_FINGERPRINTS},
    {"capture", required_argument, NULL, OPT_CAPTURE},
    {"ring-size", required_argument, NULL, OPT_RING_SIZE},
    {"block-size", required_argument, NULL, OPT_BLOCK_SIZE},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"user", required_argument, NULL, 'u'},
    {"uid-key", required_argument, NULL, OPT_UID_KEY},
    {"uid-window", required_argument, NULL, OPT_UID_WINDOW},
    {"kafka", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_BROKERS},
    {"kafka-topic-prefix", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_TOPIC_PREFIX},
    {"kafka-spool-dir", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_SPOOL_DIR},
    {"kafka-spool-max", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_SPOOL_MAX},
    {"kafka-flush-timeout", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_FLUSH_TIMEOUT},
    {"kafka-option", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_SETTING},
    {"group", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_GROUP},
    {"kafka-wait", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_WAIT},
    {"kafka-members", required_argument, NULL, OPT_KAFKA + KAFKA_OPT_MEMBERS},
    {"domain-controllers", required_argument, NULL, OPT_DOMAIN_CONTROLLERS},
    {"lateral-policy", required_argument, NULL, OPT_LATERAL_POLICY},
    {"short-thresholds", required_argument, NULL, OPT_SHORT_THRESHOLDS},
    {"intel-strict-validity", no_argument, NULL, OPT_INTEL_STRICT_VALIDITY},
    {"intel-suppress", required_argument, NULL, OPT_INTEL_SUPPRESS},
    {"beacon-weights", required_argument, NULL, OPT_BEACON_WEIGHTS},
    {"ldap-max-pending-searches", required_argument, NULL, OPT_LDAP_MAX_PENDING_SEARCHES},
    {"dns-max-compression-depth", required_argument, NULL, OPT_DNS_MAX_COMPRESSION_DEPTH},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* --cpus 0,2-3: CPU numbers and ranges, in the order the workers take them. */
static bool parse_cpus(const char *list, void *member)
{
    struct vigil_config *cfg = member;
    cfg->n_cpus = 0;
    const char *p = list;
    for (;;) {
        char *end;
        errno = 0;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (errno || end == p || *p == '-' || lo >= CPU_SETSIZE)
            return false;
        if (*end == '-') {
            const char *q = end + 1;
            hi = strtoul(q, &end, 10);
            if (errno || end == q || *q == '-' || hi < lo || hi >= CPU_SETSIZE)
                return false;
        }
        for (unsigned long cpu = lo; cpu <= hi; cpu++) {
            if (cfg->n_cpus == VIGIL_MAX_CPUS)
                return false;
            cfg->cpus[cfg->n_cpus++] = (uint16_t)cpu;
        }
        if (*end == '\0')
            return true;
        if (*end != ',')
            return false;
        p = end + 1;
    }
}

bool option_formats(const char *arg, void *formats)
{
    return parse_formats(arg, formats);
}

bool option_local_nets(const char *arg, void *cfg)
{
    return parse_local_nets(arg, cfg);
}

static bool parse_checksums_off(const char *arg, void *cfg)
{
    ((struct vigil_config *)cfg)->decode.verify_checksums = false;
    return true;
}

static bool parse_checksums(const char *arg, void *member)
{
    struct vigil_config *cfg = member;
    if (strcmp(arg, "auto") == 0 || strcmp(arg, "verify") == 0) {
        cfg->decode.verify_checksums = true;
        cfg->checksums_auto = arg[0] == 'a';
        return true;
    }
    return strcmp(arg, "off") == 0 && parse_checksums_off(arg, cfg);
}

static bool parse_capture_method(const char *arg, void *method)
{
    if (strcmp(arg, "afpacket") == 0)
        *(enum capture_method *)method = CAPTURE_METHOD_AFPACKET;
    else if (strcmp(arg, "pcap") == 0)
        *(enum capture_method *)method = CAPTURE_METHOD_PCAP;
    else
        return false;
    return true;
}

static bool parse_ftp_logged_commands(const char *arg, void *ftp)
{
    return ftp_settings_logged_commands(ftp, arg);
}

static bool parse_user(const char *arg, void *user)
{
    *(const char **)user = arg;
    return arg[0] != '\0';
}

static bool parse_uid_key(const char *arg, void *key)
{
    char *end;
    errno = 0;
    *(uint64_t *)key = strtoull(arg, &end, 16);
    return !(errno || end == arg || *end || arg[0] == '-' || strlen(arg) > 16);
}

#define FIELD(name) offsetof(struct options, name)
#define WIDTH(name) OPTION_MEMBER_SIZE(struct options, name)
#define ALSO(name) (offsetof(struct options, name) + 1)
#define YEAR_S (86400 * 365)

/* What each option does: most only store what they are given; the others
 * name their parser. --config (read before) and -h are parse_option's. */
static const struct option_rule option_rules[] = {
    {.id = 'o', .kind = RULE_STRING, .field = FIELD(out_dir), .also = ALSO(out_given)},
    {.id = 'f', .kind = RULE_STRING, .field = FIELD(filter)},
    {.id = 'r', .kind = RULE_LIST, .field = FIELD(inputs), .count = FIELD(n_inputs), .max = MAX_INPUTS,
     .width = WIDTH(n_inputs), .error = "too many inputs (at most %s)", .error_arg = "1024"},
    {.id = 'q', .kind = RULE_FLAG, .field = FIELD(quiet)},
    {.id = OPT_JSON_TIMESTAMPS, .kind = RULE_WORDS, .field = FIELD(eve_options), .bits = OUTPUT_ZEEK_JSON_ISO8601,
     .words = {"iso8601", "epoch"}, .error = "--json-timestamps takes epoch or iso8601, not '%s'"},
    {.id = OPT_WORKERS, .kind = RULE_NUMBER, .field = FIELD(cfg.workers), .min = 1, .max = 64,
     .width = WIDTH(cfg.workers), .error = "--workers takes a number from 1 to 64, not '%s'"},
    {.id = OPT_MAX_FLOWS, .kind = RULE_NUMBER, .field = FIELD(cfg.max_flows), .min = 1, .max = 1UL << 30,
     .width = WIDTH(cfg.max_flows), .error = "--max-flows takes a positive number, not '%s'"},
    {.id = OPT_CID_SEED, .kind = RULE_NUMBER, .field = FIELD(cfg.community_id_seed), .max = 65535,
     .width = WIDTH(cfg.community_id_seed), .error = "--community-id-seed takes a number from 0 to 65535, not '%s'"},
    {.id = OPT_CONN_ONLY, .kind = RULE_FLAG, .field = FIELD(cfg.conn_only)},
    {.id = OPT_MIDSTREAM, .kind = RULE_FLAG, .field = FIELD(cfg.app_midstream)},
    {.id = OPT_STREAM_INLINE, .kind = RULE_FLAG, .field = FIELD(cfg.stream_inline)},
    {.id = OPT_SMB_LOG_READS_WRITES, .kind = RULE_FLAG, .field = FIELD(cfg.smb_log_reads_writes)},
    {.id = OPT_EVE_TLS_EXTENDED, .kind = RULE_BITS, .field = FIELD(eve_options), .bits = OUTPUT_EVE_TLS_EXTENDED},
    {.id = OPT_EVE_EMAIL_EXTENDED, .kind = RULE_BITS, .field = FIELD(eve_options), .bits = OUTPUT_EVE_EMAIL_EXTENDED},
    {.id = OPT_EVE_ALERT_PAYLOAD, .kind = RULE_BITS, .field = FIELD(eve_options), .bits = OUTPUT_EVE_ALERT_PAYLOAD},
    {.id = OPT_EVE_ALERT_PACKET, .kind = RULE_BITS, .field = FIELD(eve_options), .bits = OUTPUT_EVE_ALERT_PACKET},
    {.id = OPT_EVE_ANOMALY_PACKETHDR, .kind = RULE_BITS, .field = FIELD(eve_options),
     .bits = OUTPUT_EVE_ANOMALY_PACKETHDR},
    {.id = OPT_EVE_DNS_VERSION, .kind = RULE_WORDS, .field = FIELD(eve_options), .bits = OUTPUT_EVE_DNS_V2,
     .words = {"2", "3"}, .error = "--eve-dns-version takes 2 or 3, not '%s'"},
    {.id = OPT_EVE_DHCP_EXTENDED, .kind = RULE_BITS, .field = FIELD(eve_options), .bits = OUTPUT_EVE_DHCP_EXTENDED},
    {.id = OPT_EXTRACT_FILES, .kind = RULE_STRING, .field = FIELD(cfg.extract_dir)},
    {.id = OPT_EVE_HTTP_BODY_LIMIT, .kind = RULE_NUMBER, .field = FIELD(cfg.eve_http_body_limit),
     .also = ALSO(cfg.eve_http_body_limit_set), .min = 0, .max = ULONG_MAX, .width = WIDTH(cfg.eve_http_body_limit),
     .error = "--eve-http-body-limit takes a byte count (0: none), not '%s'"},
    {.id = OPT_EVE_TCP_CLOSED_TIMEOUT, .kind = RULE_NUMBER, .field = FIELD(cfg.eve_tcp_closed_timeout_us),
     .max = YEAR_S, .scale = 1000000, .width = WIDTH(cfg.eve_tcp_closed_timeout_us),
     .error = "--eve-tcp-closed-timeout takes a number of seconds (0: none), not '%s'"},
    {.id = OPT_EXTRACT_MAX_FILE, .kind = RULE_NUMBER, .field = FIELD(cfg.extract_max_file), .min = 1,
     .max = ULONG_MAX, .width = WIDTH(cfg.extract_max_file),
     .error = "--extract-max-file/--extract-max-total take a positive byte count, not '%s'"},
    {.id = OPT_EXTRACT_MAX_TOTAL, .kind = RULE_NUMBER, .field = FIELD(cfg.extract_max_total), .min = 1,
     .max = ULONG_MAX, .width = WIDTH(cfg.extract_max_total),
     .error = "--extract-max-file/--extract-max-total take a positive byte count, not '%s'"},
    {.id = OPT_RULES, .kind = RULE_LIST, .field = FIELD(rules_paths), .count = FIELD(n_rules), .max = MAX_INTEL_PATHS,
     .width = WIDTH(n_rules), .error = "too many --rules paths (at most %s)", .error_arg = "64"},
    {.id = OPT_NO_DEFAULT_RULES, .kind = RULE_FLAG, .field = FIELD(no_default_rules)},
    {.id = OPT_DEFAULT_RULES, .kind = RULE_LIST, .field = FIELD(default_rules_paths), .count = FIELD(n_default_rules),
     .max = MAX_DEFAULT_RULES, .width = WIDTH(n_default_rules),
     .error = "too many --default-rules paths (at most %s)", .error_arg = "8"},
    {.id = OPT_INTEL, .kind = RULE_LIST, .field = FIELD(intel_paths), .count = FIELD(n_intel), .max = MAX_INTEL_PATHS,
     .width = WIDTH(n_intel), .error = "too many --intel paths (at most %s)", .error_arg = "64"},
    {.id = OPT_ALLOWLIST, .kind = RULE_STRING, .field = FIELD(allowlist_path)},
    {.id = OPT_PROTECT, .kind = RULE_STRING, .field = FIELD(protect_path)},
    {.id = OPT_INSPECT_FILES, .kind = RULE_FLAG, .field = FIELD(inspect_files)},
    {.id = OPT_INSPECT_MAX_FILE, .kind = RULE_NUMBER, .field = FIELD(inspect_max_file), .also = ALSO(inspect_files),
     .min = 1, .max = ULONG_MAX, .width = WIDTH(inspect_max_file),
     .error = "--inspect-max-file takes a positive byte count, not '%s'"},
    {.id = OPT_YARA_RULES, .kind = RULE_STRING, .field = FIELD(yara_path), .also = ALSO(inspect_files)},
    {.id = OPT_WEIGHTS, .kind = RULE_STRING, .field = FIELD(weights_path)},
    {.id = OPT_KEYWORDS, .kind = RULE_STRING, .field = FIELD(keywords_path)},
    {.id = OPT_NO_BEHAVIOR, .kind = RULE_FLAG, .field = FIELD(no_behavior)},
    {.id = OPT_DOMAIN_CONTROLLERS, .kind = RULE_STRING, .field = FIELD(domain_controllers)},
    {.id = OPT_LATERAL_POLICY, .kind = RULE_STRING, .field = FIELD(lateral_policy_path)},
    /* the older name of the same file */
    {.id = OPT_LATERAL_THRESHOLDS, .kind = RULE_STRING, .field = FIELD(lateral_policy_path)},
    {.id = OPT_SHORT_THRESHOLDS, .kind = RULE_STRING, .field = FIELD(short_thresholds)},
    {.id = OPT_INTEL_STRICT_VALIDITY, .kind = RULE_FLAG, .field = FIELD(intel_strict_validity)},
    {.id = OPT_INTEL_SUPPRESS, .kind = RULE_NUMBER, .field = FIELD(intel_suppress_us), .max = YEAR_S,
     .scale = 1000000, .width = WIDTH(intel_suppress_us),
     .error = "--intel-suppress takes a number of seconds (0: every hit), not '%s'"},
    {.id = OPT_BEACON_WEIGHTS, .kind = RULE_STRING, .field = FIELD(behavior.beacon_weights_path)},
    {.id = OPT_LDAP_MAX_PENDING_SEARCHES, .kind = RULE_NUMBER, .field = FIELD(cfg.app_limits.ldap_max_pending_searches),
     .min = 1, .max = APP_LDAP_MAX_PENDING_SEARCHES, .width = WIDTH(cfg.app_limits.ldap_max_pending_searches),
     .error = "--ldap-max-pending-searches takes a number from 1 to 100, not '%s'"},
    {.id = OPT_DNS_MAX_COMPRESSION_DEPTH, .kind = RULE_NUMBER, .field = FIELD(cfg.app_limits.dns_max_compression_depth),
     .min = 1, .max = 255, .width = WIDTH(cfg.app_limits.dns_max_compression_depth),
     .error = "--dns-max-compression-depth takes a number from 1 to 255, not '%s'"},
    {.id = OPT_DEVICES, .kind = RULE_FLAG, .field = FIELD(devices)},
    {.id = OPT_VENDOR_POLICY, .kind = RULE_STRING, .field = FIELD(devices_cfg.vendor_policy), .also = ALSO(devices)},
    {.id = OPT_DEVICE_ALLOW, .kind = RULE_STRING, .field = FIELD(devices_cfg.allow_file), .also = ALSO(devices)},
    {.id = OPT_DEVICE_BEHAVIOUR, .kind = RULE_STRING, .field = FIELD(devices_cfg.behaviour_file),
     .also = ALSO(devices)},
    {.id = OPT_IEEE_DATA, .kind = RULE_STRING, .field = FIELD(devices_cfg.ieee_dir), .also = ALSO(devices)},
    {.id = OPT_FINGERPRINTS, .kind = RULE_LIST, .field = FIELD(devices_cfg.fingerprints), .also = ALSO(devices),
     .count = FIELD(devices_cfg.n_fingerprints), .max = DEVICES_MAX_FINGERPRINT_FILES,
     .width = WIDTH(devices_cfg.n_fingerprints), .error = "too many --fingerprints files (at most %s)",
     .error_arg = "8"},
    {.id = OPT_REPORT_INTERVAL, .kind = RULE_NUMBER, .field = FIELD(report_interval_us), .min = 1, .max = YEAR_S,
     .scale = 1000000, .width = WIDTH(report_interval_us),
     .error = "--report-interval takes a positive number of seconds, not '%s'"},
    {.id = OPT_LONG_CONN, .kind = RULE_NUMBER, .field = FIELD(behavior.long_conn_us), .min = 1, .max = YEAR_S,
     .scale = 1000000, .width = WIDTH(behavior.long_conn_us),
     .error = "--long-conn takes a positive number of seconds, not '%s'"},
    {.id = OPT_BEACON_THRESHOLD, .kind = RULE_FRACTION, .field = FIELD(behavior.beacon_threshold), .lo = 0, .hi = 1,
     .error = "--beacon-threshold takes a number from 0 to 1, not '%s'"},
    {.id = OPT_ROTATE, .kind = RULE_NUMBER, .field = FIELD(rotate_s), .min = 1, .max = YEAR_S, .width = WIDTH(rotate_s),
     .error = "--rotate takes a positive number of seconds, not '%s'"},
    {.id = OPT_FLUSH_INTERVAL, .kind = RULE_FRACTION, .field = FIELD(flush_interval_s), .lo = 0.01, .hi = 3600,
     .error = "--flush-interval takes seconds from 0.01 to 3600, not '%s'"},
    {.id = OPT_COMPRESS, .kind = RULE_FLAG, .field = FIELD(compress)},
    {.id = OPT_STATS_INTERVAL, .kind = RULE_NUMBER, .field = FIELD(stats_interval_s), .min = 1, .max = YEAR_S,
     .width = WIDTH(stats_interval_s), .error = "--stats-interval takes a positive number of seconds, not '%s'"},
    /* live's capture and operation options (and the uid settings that make sensors agree) */
    {.id = OPT_RING_SIZE, .kind = RULE_BYTES, .field = FIELD(capture.ring_bytes), .also = ALSO(live_only_given),
     .min = 1, .max = UINT64_MAX, .width = WIDTH(capture.ring_bytes),
     .error = "--ring-size takes a byte count (e.g. 256M), not '%s'"},
    {.id = OPT_BLOCK_SIZE, .kind = RULE_BYTES, .field = FIELD(capture.block_bytes), .also = ALSO(live_only_given),
     .min = 1, .max = 1u << 30, .width = WIDTH(capture.block_bytes),
     .error = "--block-size takes a byte count up to 1G (e.g. 1M), not '%s'"},
    {.id = OPT_UID_WINDOW, .kind = RULE_NUMBER, .field = FIELD(cfg.uid_window_us), .also = ALSO(uid_window_given),
     .max = 86400, .scale = 1000000, .width = WIDTH(cfg.uid_window_us),
     .error = "--uid-window takes seconds from 0 to 86400, not '%s'"},
    {.id = OPT_FORMAT, .kind = RULE_PARSE, .field = FIELD(formats), .also = ALSO(format_given),
     .parse = option_formats, .error = "unknown --format '%s' (zeek, json, eve or all, or a comma list of them)"},
    {.id = 'C', .kind = RULE_PARSE, .field = FIELD(cfg), .parse = parse_checksums_off},
    {.id = OPT_CHECKSUMS, .kind = RULE_PARSE, .field = FIELD(cfg), .parse = parse_checksums,
     .error = "--checksums takes auto, verify or off, not '%s'"},
    {.id = OPT_LOCAL_NETS, .kind = RULE_PARSE, .field = FIELD(cfg), .parse = option_local_nets,
     .error = "--local-nets: bad CIDR list '%s'"},
    {.id = OPT_CAPTURE, .kind = RULE_PARSE, .field = FIELD(capture.method), .also = ALSO(live_only_given),
     .parse = parse_capture_method, .error = "--capture takes afpacket or pcap, not '%s'"},
    {.id = OPT_CPUS, .kind = RULE_PARSE, .field = FIELD(cfg), .parse = parse_cpus,
     .error = "--cpus takes CPU numbers and ranges, e.g. 0,2-3 (at most 64), not '%s'"},
    {.id = 'u', .kind = RULE_PARSE, .field = FIELD(user), .also = ALSO(live_only_given), .parse = parse_user,
     .error = "-u takes a user name%s", .error_arg = ""},
    {.id = OPT_FTP_LOGGED_COMMANDS, .kind = RULE_PARSE, .field = FIELD(cfg.ftp), .parse = parse_ftp_logged_commands,
     .error = "--ftp-logged-commands takes a comma list of commands, or +LIST to add to the default set, not '%s'"},
    {.id = OPT_FTP_CAPTURE_PASSWORD, .kind = RULE_FLAG, .field = FIELD(cfg.ftp.capture_password)},
    {.id = OPT_FTP_MAX_ARG_LENGTH, .kind = RULE_NUMBER, .field = FIELD(cfg.ftp.max_arg_length), .max = UINT32_MAX,
     .width = WIDTH(cfg.ftp.max_arg_length), .error = "--ftp-max-arg-length takes a number of bytes, not '%s'"},
    {.id = OPT_FTP_MAX_REPLY_MSG_LENGTH, .kind = RULE_NUMBER, .field = FIELD(cfg.ftp.max_reply_msg_length),
     .max = UINT32_MAX, .width = WIDTH(cfg.ftp.max_reply_msg_length),
     .error = "--ftp-max-reply-msg-length takes a number of bytes, not '%s'"},
    {.id = OPT_FTP_MAX_USER_LENGTH, .kind = RULE_NUMBER, .field = FIELD(cfg.ftp.max_user_length), .max = UINT32_MAX,
     .width = WIDTH(cfg.ftp.max_user_length), .error = "--ftp-max-user-length takes a number of bytes, not '%s'"},
    {.id = OPT_FTP_MAX_PASSWORD_LENGTH, .kind = RULE_NUMBER, .field = FIELD(cfg.ftp.max_password_length),
     .max = UINT32_MAX, .width = WIDTH(cfg.ftp.max_password_length),
     .error = "--ftp-max-password-length takes a number of bytes, not '%s'"},
    {.id = OPT_FTP_MAX_COMMAND_LENGTH, .kind = RULE_NUMBER, .field = FIELD(cfg.ftp.max_command_length),
     .max = UINT32_MAX, .width = WIDTH(cfg.ftp.max_command_length),
     .error = "--ftp-max-command-length takes a number of bytes (0: no limit), not '%s'"},
    {.id = OPT_UID_KEY, .kind = RULE_PARSE, .field = FIELD(cfg.uid_key), .parse = parse_uid_key,
     .error = "--uid-key takes up to 16 hexadecimal digits, not '%s'"},
};

/* One option: a --kafka option, a table rule, --help or --config. */
static int parse_option(int c, const char *arg, void (*help)(void), struct options *o)
{
    if (c >= OPT_KAFKA && c < OPT_KAFKA + KAFKA_OPT_COUNT)
        return kafka_cli_option((enum kafka_cli_option)(c - OPT_KAFKA), arg, &o->kafka);
    if (c == 'h') {
        help();
        return EXIT_OK;
    }
    if (c == OPT_CONFIG)
        return usage_error("--config given twice ('%s')", arg);
    return option_rules_apply(option_rules, sizeof option_rules / sizeof option_rules[0], c, arg, o, usage_error);
}

void options_free(struct options *o)
{
    if (o)
        config_args_free(&o->args);
    free(o);
}

int parse_options(int argc, char **argv, void (*help)(void), struct options *o)
{
    char err[512];
    if (!config_args_build(argc, argv, long_options, &o->args, err, sizeof err)) {
        fprintf(stderr, "vigil: %s\n", err);
        return EXIT_USAGE;
    }
    argc = o->args.argc;
    argv = o->args.argv;
    vigil_config_defaults(&o->cfg);
    behavior_config_defaults(&o->behavior);
    o->report_interval_us = (int64_t)DEFAULT_REPORT_INTERVAL_S * 1000000;
    o->intel_suppress_us = (int64_t)DEFAULT_INTEL_SUPPRESS_S * 1000000;
    o->out_dir = ".";
    o->formats = OUTPUT_ZEEK_TSV | OUTPUT_EVE;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:f:r:Cqhu:", long_options, NULL)) != -1) {
        int rc = parse_option(c, optarg, help, o);
        if (rc == OPTION_RULE_NONE)
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        if (rc != OPTION_RULE_APPLIED)
            return rc;
    }
    if (strcmp(o->out_dir, "-") == 0 && !o->format_given)
        o->formats = OUTPUT_EVE; /* -o -: EVE on standard output */
    for (int i = optind; i < argc; i++) {
        int rc = parse_option('r', argv[i], help, o);
        if (rc != OPTION_RULE_APPLIED)
            return rc;
    }
    return -1;
}
