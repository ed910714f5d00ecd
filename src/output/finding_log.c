#include "output/finding_log.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "output/alert_eve.h"
#include "output/zeek_log.h"

/* Each finding log as one table: its columns and where each value is in
 * struct finding. */
#define COL(name, type, value, member) ZEEK_COLUMN(struct finding, name, type, value, member)

/* Columns every finding log starts with. */
#define COMMON_COLUMNS                                                                                         \
    COL("ts", ZEEK_TIME, ZV_TIME, last_us), COL("uid", ZEEK_STRING, ZV_CSTR, uid),                          \
        COL("src", ZEEK_ADDR, ZV_ADDR, src), COL("reason", ZEEK_STRING, ZV_CSTR, reason),                   \
        COL("score", ZEEK_DOUBLE, ZV_DOUBLE, score), COL("attack", ZEEK_STRING, ZV_CSTR, attack),           \
        COL("first_seen", ZEEK_TIME, ZV_TIME, first_us), COL("last_seen", ZEEK_TIME, ZV_TIME, last_us)

/* The destination of a finding about a pair. */
#define DST_COLUMNS                                                                                            \
    ZEEK_COLUMN_IF(struct finding, "dst", ZEEK_ADDR, ZV_ADDR, dst, has_dst),                                  \
        COL("dst_port", ZEEK_PORT, ZV_PORT_NONZERO, dst_port), COL("proto", ZEEK_ENUM, ZV_TRANSPORT, proto), \
        COL("name", ZEEK_STRING, ZV_CSTR, name)

static const struct zeek_column beacon_columns[] = {
    COMMON_COLUMNS, DST_COLUMNS,
    COL("connections", ZEEK_COUNT, ZV_COUNT_U64, count), COL("interval", ZEEK_INTERVAL, ZV_INTERVAL_S, interval_s),
    COL("jitter", ZEEK_DOUBLE, ZV_DOUBLE, jitter), COL("ts_score", ZEEK_DOUBLE, ZV_DOUBLE, ts_score),
    COL("size_score", ZEEK_DOUBLE, ZV_DOUBLE, size_score), COL("hist_score", ZEEK_DOUBLE, ZV_DOUBLE, hist_score),
    COL("count_score", ZEEK_DOUBLE, ZV_DOUBLE, count_score), COL("bytes_out", ZEEK_COUNT, ZV_COUNT_U64, bytes_out),
    COL("bytes_in", ZEEK_COUNT, ZV_COUNT_U64, bytes_in),
};
static const struct zeek_column long_conn_columns[] = {
    COMMON_COLUMNS, DST_COLUMNS,
    COL("duration", ZEEK_INTERVAL, ZV_INTERVAL_US, duration_us), COL("flows", ZEEK_COUNT, ZV_COUNT_U32, chain),
    COL("open", ZEEK_BOOL, ZV_BOOL, open), COL("bytes_out", ZEEK_COUNT, ZV_COUNT_U64, bytes_out),
    COL("bytes_in", ZEEK_COUNT, ZV_COUNT_U64, bytes_in),
};
static const struct zeek_column dns_tunnel_columns[] = {
    COMMON_COLUMNS,
    COL("domain", ZEEK_STRING, ZV_CSTR, name), COL("queries", ZEEK_COUNT, ZV_COUNT_U64, count),
    COL("unique_names", ZEEK_COUNT, ZV_COUNT_U64, unique_names),
    COL("avg_label_len", ZEEK_DOUBLE, ZV_DOUBLE, avg_label_len), COL("entropy", ZEEK_DOUBLE, ZV_DOUBLE, entropy),
    COL("odd_type_share", ZEEK_DOUBLE, ZV_DOUBLE, odd_type_share),
    COL("nxdomains", ZEEK_COUNT, ZV_COUNT_U64, nxdomains),
};
static const struct zeek_column dga_columns[] = {
    COMMON_COLUMNS,
    COL("example", ZEEK_STRING, ZV_CSTR, name), COL("nxdomains", ZEEK_COUNT, ZV_COUNT_U64, nxdomains),
    COL("unique_names", ZEEK_COUNT, ZV_COUNT_U64, unique_names), COL("entropy", ZEEK_DOUBLE, ZV_DOUBLE, entropy),
};
static const struct zeek_column exfil_columns[] = {
    COMMON_COLUMNS, DST_COLUMNS,
    COL("connections", ZEEK_COUNT, ZV_COUNT_U64, count), COL("bytes_out", ZEEK_COUNT, ZV_COUNT_U64, bytes_out),
    COL("bytes_in", ZEEK_COUNT, ZV_COUNT_U64, bytes_in),
};

static const struct zeek_schema finding_schemas[FINDING_KIND_COUNT] = {
    [FINDING_BEACON] = ZEEK_COLUMN_SCHEMA("beacon", beacon_columns),
    [FINDING_LONG_CONN] = ZEEK_COLUMN_SCHEMA("long_conn", long_conn_columns),
    [FINDING_DNS_TUNNEL] = ZEEK_COLUMN_SCHEMA("tunnel_dns", dns_tunnel_columns),
    [FINDING_DGA] = ZEEK_COLUMN_SCHEMA("dga", dga_columns),
    [FINDING_EXFIL] = ZEEK_COLUMN_SCHEMA("exfil", exfil_columns),
};

static const char *category_of(enum finding_kind k)
{
    switch (k) {
    case FINDING_BEACON: return "Command and Control Beaconing";
    case FINDING_LONG_CONN: return "Command and Control Long Connection";
    case FINDING_DNS_TUNNEL: return "DNS Tunnelling";
    case FINDING_DGA: return "Domain Generation Algorithm";
    case FINDING_EXFIL: return "Data Exfiltration";
    default: return "Behaviour";
    }
}

static void describe(const struct finding *f, char *out, size_t n)
{
    char src[IP_ADDR_STRLEN], dst[IP_ADDR_STRLEN + 8] = "";
    ip_addr_format(&f->src, src, sizeof src);
    if (f->has_dst) {
        char a[IP_ADDR_STRLEN];
        ip_addr_format(&f->dst, a, sizeof a);
        if (f->dst_port)
            snprintf(dst, sizeof dst, "%s:%u", a, f->dst_port);
        else
            snprintf(dst, sizeof dst, "%s", a);
    }
    const char *name = f->name ? f->name : "";
    const char *sep = f->has_dst && f->name ? " " : "";
    switch (f->kind) {
    case FINDING_BEACON:
        snprintf(out, n, "VIGIL BEACON %s -> %s%s%s every %.1fs (jitter %.2f, %llu connections)", src, dst, sep,
                 name, f->interval_s, f->jitter, (unsigned long long)f->count);
        break;
    case FINDING_LONG_CONN:
        snprintf(out, n, "VIGIL LONG CONNECTION %s -> %s%s%s for %.0fs", src, dst, sep, name,
                 (double)f->duration_us / 1e6);
        break;
    case FINDING_DNS_TUNNEL:
        snprintf(out, n, "VIGIL DNS TUNNEL %s via %s (%llu names)", src, name, (unsigned long long)f->unique_names);
        break;
    case FINDING_DGA:
        snprintf(out, n, "VIGIL DGA %s (%llu NXDOMAIN names)", src, (unsigned long long)f->nxdomains);
        break;
    case FINDING_EXFIL:
        snprintf(out, n, "VIGIL EXFILTRATION %s -> %s%s%s %s (%llu bytes out)", src, dst, sep, name,
                 f->reason ? f->reason : "", (unsigned long long)f->bytes_out);
        break;
    default:
        snprintf(out, n, "VIGIL BEHAVIOUR %s", src);
        break;
    }
}

static void write_eve(struct output_worker *w, const struct finding *f)
{
    char signature[512];
    describe(f, signature, sizeof signature);
    const struct ip_addr *dst = f->has_dst ? &f->dst : f->has_alert_dst ? &f->alert_dst : NULL;
    struct alert_head h = {
        .ts_us = f->last_us,
        .signature_id = VIGIL_SID_BEHAVIOR_BASE + (uint32_t)f->kind,
        .signature = signature,
        .category = category_of(f->kind),
        .severity = f->score >= 0.9 ? 1 : 2,
        .tuple = {.src = &f->src, .dst = dst, .dst_port = f->dst_port, .no_ports = true, .proto = f->proto},
    };
    if (dst == NULL)
        h.tuple.src = NULL; /* EVE wants both ends or neither */
    struct json_writer *j = alert_eve_begin(w, &h);
    if (j == NULL)
        return;
    alert_meta_str(j, "detector", finding_schemas[f->kind].path); /* the log is named after the kind */
    alert_meta_str(j, "reason", f->reason);
    alert_meta_str(j, "attack_technique", f->attack);
    alert_meta_double(j, "score", f->score);
    char src[IP_ADDR_STRLEN];
    ip_addr_format(&f->src, src, sizeof src);
    alert_meta_str(j, "host", src);
    alert_meta_str(j, "name", f->name);
    alert_meta_str(j, "uid", f->uid);
    if (f->count)
        alert_meta_uint(j, "count", f->count);
    switch (f->kind) {
    case FINDING_BEACON:
        alert_meta_double(j, "interval", f->interval_s);
        alert_meta_double(j, "jitter", f->jitter);
        alert_meta_uint(j, "bytes_out", f->bytes_out);
        alert_meta_uint(j, "bytes_in", f->bytes_in);
        break;
    case FINDING_LONG_CONN:
        alert_meta_double(j, "duration", (double)f->duration_us / 1e6);
        alert_meta_uint(j, "flows", f->chain);
        break;
    case FINDING_DNS_TUNNEL:
    case FINDING_DGA:
        alert_meta_uint(j, "unique_names", f->unique_names);
        alert_meta_double(j, "entropy", f->entropy);
        alert_meta_uint(j, "nxdomains", f->nxdomains);
        break;
    case FINDING_EXFIL:
        alert_meta_uint(j, "bytes_out", f->bytes_out);
        alert_meta_uint(j, "bytes_in", f->bytes_in);
        break;
    default:
        break;
    }
    alert_eve_end(w, j, NULL);
}

void output_finding(struct output_worker *w, const struct finding *f)
{
    if (w == NULL || f == NULL || f->kind >= FINDING_KIND_COUNT)
        return;
    zrow_record(w, &finding_schemas[f->kind], NULL, f);
    write_eve(w, f);
}
