#include "output/finding_log.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "output/alert_eve.h"
#include "output/zeek_log.h"

/* Columns every finding log starts with. */
#define COMMON_FIELDS                                                                                   \
    {"ts", ZEEK_TIME}, {"uid", ZEEK_STRING}, {"src", ZEEK_ADDR}, {"reason", ZEEK_STRING},             \
        {"score", ZEEK_DOUBLE}, {"attack", ZEEK_STRING}, {"first_seen", ZEEK_TIME}, {"last_seen", ZEEK_TIME}

static const struct zeek_field beacon_fields[] = {
    COMMON_FIELDS,
    {"dst", ZEEK_ADDR},
    {"dst_port", ZEEK_PORT},
    {"proto", ZEEK_ENUM},
    {"name", ZEEK_STRING},
    {"connections", ZEEK_COUNT},
    {"interval", ZEEK_INTERVAL},
    {"jitter", ZEEK_DOUBLE},
    {"ts_score", ZEEK_DOUBLE},
    {"size_score", ZEEK_DOUBLE},
    {"hist_score", ZEEK_DOUBLE},
    {"count_score", ZEEK_DOUBLE},
    {"bytes_out", ZEEK_COUNT},
    {"bytes_in", ZEEK_COUNT},
};
static const struct zeek_field long_conn_fields[] = {
    COMMON_FIELDS,
    {"dst", ZEEK_ADDR},
    {"dst_port", ZEEK_PORT},
    {"proto", ZEEK_ENUM},
    {"name", ZEEK_STRING},
    {"duration", ZEEK_INTERVAL},
    {"flows", ZEEK_COUNT},
    {"open", ZEEK_BOOL},
    {"bytes_out", ZEEK_COUNT},
    {"bytes_in", ZEEK_COUNT},
};
static const struct zeek_field dns_tunnel_fields[] = {
    COMMON_FIELDS,
    {"domain", ZEEK_STRING},
    {"queries", ZEEK_COUNT},
    {"unique_names", ZEEK_COUNT},
    {"avg_label_len", ZEEK_DOUBLE},
    {"entropy", ZEEK_DOUBLE},
    {"odd_type_share", ZEEK_DOUBLE},
    {"nxdomains", ZEEK_COUNT},
};
static const struct zeek_field dga_fields[] = {
    COMMON_FIELDS,
    {"example", ZEEK_STRING},
    {"nxdomains", ZEEK_COUNT},
    {"unique_names", ZEEK_COUNT},
    {"entropy", ZEEK_DOUBLE},
};
static const struct zeek_field exfil_fields[] = {
    COMMON_FIELDS,
    {"dst", ZEEK_ADDR},
    {"dst_port", ZEEK_PORT},
    {"proto", ZEEK_ENUM},
    {"name", ZEEK_STRING},
    {"connections", ZEEK_COUNT},
    {"bytes_out", ZEEK_COUNT},
    {"bytes_in", ZEEK_COUNT},
};

static const struct zeek_schema finding_schemas[FINDING_KIND_COUNT] = {
    [FINDING_BEACON] = ZEEK_SCHEMA("beacon", beacon_fields),
    [FINDING_LONG_CONN] = ZEEK_SCHEMA("long_conn", long_conn_fields),
    [FINDING_DNS_TUNNEL] = ZEEK_SCHEMA("tunnel_dns", dns_tunnel_fields),
    [FINDING_DGA] = ZEEK_SCHEMA("dga", dga_fields),
    [FINDING_EXFIL] = ZEEK_SCHEMA("exfil", exfil_fields),
};

static void dst_columns(struct zrow *r, const struct finding *f)
{
    zrow_opt_addr(r, f->has_dst, &f->dst);
    zrow_opt_port(r, f->dst_port != 0, f->dst_port);
    zrow_enum(r, f->proto ? zeek_transport_name(f->proto) : NULL);
    zrow_cstr(r, f->name);
}

static void write_zeek(struct output_worker *w, const struct finding *f)
{
    struct zrow *r = zrow_begin(w, &finding_schemas[f->kind]);
    if (r == NULL)
        return;
    zrow_time(r, f->last_us);
    zrow_cstr(r, f->uid);
    zrow_addr(r, &f->src);
    zrow_cstr(r, f->reason);
    zrow_double(r, f->score);
    zrow_cstr(r, f->attack);
    zrow_time(r, f->first_us);
    zrow_time(r, f->last_us);
    switch (f->kind) {
    case FINDING_BEACON:
        dst_columns(r, f);
        zrow_count(r, f->count);
        zrow_interval(r, (int64_t)(f->interval_s * 1e6));
        zrow_double(r, f->jitter);
        zrow_double(r, f->ts_score);
        zrow_double(r, f->size_score);
        zrow_double(r, f->hist_score);
        zrow_double(r, f->count_score);
        zrow_count(r, f->bytes_out);
        zrow_count(r, f->bytes_in);
        break;
    case FINDING_LONG_CONN:
        dst_columns(r, f);
        zrow_interval(r, f->duration_us);
        zrow_count(r, f->chain);
        zrow_bool(r, f->open);
        zrow_count(r, f->bytes_out);
        zrow_count(r, f->bytes_in);
        break;
    case FINDING_DNS_TUNNEL:
        zrow_cstr(r, f->name);
        zrow_count(r, f->count);
        zrow_count(r, f->unique_names);
        zrow_double(r, f->avg_label_len);
        zrow_double(r, f->entropy);
        zrow_double(r, f->odd_type_share);
        zrow_count(r, f->nxdomains);
        break;
    case FINDING_DGA:
        zrow_cstr(r, f->name);
        zrow_count(r, f->nxdomains);
        zrow_count(r, f->unique_names);
        zrow_double(r, f->entropy);
        break;
    case FINDING_EXFIL:
        dst_columns(r, f);
        zrow_count(r, f->count);
        zrow_count(r, f->bytes_out);
        zrow_count(r, f->bytes_in);
        break;
    case FINDING_KIND_COUNT:
        break;
    }
    zrow_end(r);
}

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
    struct alert_head h = {
        .ts_us = f->last_us,
        .signature_id = VIGIL_SID_BEHAVIOR_BASE + (uint32_t)f->kind,
        .signature = signature,
        .category = category_of(f->kind),
        .severity = f->score >= 0.9 ? 1 : 2,
        .tuple = {.src = &f->src, .dst = f->has_dst ? &f->dst : NULL, .dst_port = f->dst_port,
                  .no_ports = true, .proto = f->proto},
    };
    if (!f->has_dst)
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
    write_zeek(w, f);
    write_eve(w, f);
}
