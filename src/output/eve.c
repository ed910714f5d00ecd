/* EVE JSON: flow and anomaly events, and the helpers protocol modules use
 * for theirs. Field order follows Suricata 8 (output-json.c,
 * output-json-flow.c, output-json-anomaly.c). */
#include "output/eve.h"

#include <ctype.h>
#include <string.h>

#include "output/anomaly_events.h"
#include "output/output_internal.h"

struct json_writer *eve_begin(struct output_worker *w)
{
    if (w == NULL || w->o == NULL || (w->o->formats & OUTPUT_EVE) == 0)
        return NULL;
    if (w->eve_active)
        eve_abort(w);
    w->hold_next = false;
    if (w->eve_log == NULL) {
        w->eve_log = output_worker_log(w, NULL, LOG_EVE);
        if (w->eve_log == NULL)
            return NULL;
    }
    w->eve_start = w->eve_log->buf.len;
    json_init(&w->eve, &w->eve_log->buf, JSON_SURICATA);
    json_object_begin(&w->eve);
    w->eve_active = true;
    return &w->eve;
}

void eve_abort(struct output_worker *w)
{
    if (w == NULL || !w->eve_active)
        return;
    buf_truncate(&w->eve_log->buf, w->eve_start);
    w->eve_log->buf.failed = false;
    w->eve_active = false;
}

void eve_end(struct output_worker *w)
{
    if (w == NULL || !w->eve_active)
        return;
    json_object_end(&w->eve);
    if (!json_complete(&w->eve)) {
        eve_abort(w);
        output_count_bad_row(w);
        return;
    }
    w->eve_active = false;
    if (eve_hold_take(w))
        return;
    buf_putc(&w->eve_log->buf, '\n');
    output_worker_commit(w, w->eve_log, w->eve_start);
}

size_t eve_format_time(char *out, int64_t us)
{
    return json_fmt_utc_us(out, us);
}

void eve_kv_time(struct json_writer *j, const char *key, int64_t us)
{
    char text[48];
    size_t n = eve_format_time(text, us);
    json_kv_strn(j, key, text, n);
}

void eve_kv_views(struct json_writer *j, const char *key, const struct byte_view *v, size_t n)
{
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        json_string(j, v[i].p, v[i].n);
    json_array_end(j);
}

void eve_flow_begin(struct json_writer *j, const uint64_t counters[4], int64_t start_us)
{
    static const char *const keys[4] = {"pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient"};
    json_key(j, "flow");
    json_object_begin(j);
    for (int i = 0; i < 4; i++)
        json_kv_uint(j, keys[i], counters[i]);
    eve_kv_time(j, "start", start_us);
}

const char *eve_proto_name(uint8_t proto, char tmp[4])
{
    /* the names Suricata takes from its protocol table (/etc/protocols aliases) */
    switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IP-ENCAP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "IPv6-ICMP";
    case 89: return "OSPFIGP";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 132: return "SCTP";
    default: break;
    }
    size_t n = json_fmt_u64(tmp, proto);
    tmp[n] = '\0';
    return tmp;
}

const char *eve_app_proto(const char *zeek_service, char *tmp, size_t n)
{
    if (zeek_service == NULL || zeek_service[0] == '\0' || n == 0)
        return NULL;
    /* Zeek may list several ("ssl,http"); the first is what was detected first */
    size_t len = strcspn(zeek_service, ",");
    if (len >= n)
        len = n - 1;
    for (size_t i = 0; i < len; i++)
        tmp[i] = (char)tolower((unsigned char)zeek_service[i]);
    tmp[len] = '\0';
    static const struct {
        const char *zeek, *suricata;
    } renames[] = {
        {"ssl", "tls"}, {"krb", "krb5"}, {"krb_tcp", "krb5"}, {"dce_rpc", "dcerpc"},
        {"ntp", "ntp"}, {"irc", "irc"},
    };
    for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
        if (strcmp(tmp, renames[i].zeek) == 0)
            return renames[i].suricata;
    return tmp;
}

static bool has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132;
}

/* Suricata's "vlan": every tag, outer first (up to three). */
static void put_vlans(struct json_writer *j, const uint16_t vlan[3])
{
    if (vlan[0] == 0)
        return;
    json_key(j, "vlan");
    json_array_begin(j);
    for (int i = 0; i < 3; i++)
        if (vlan[i] != 0)
            json_uint(j, vlan[i]);
    json_array_end(j);
}

static void put_addr(struct json_writer *j, const char *key, const struct ip_addr *a)
{
    char text[IP_ADDR_STRLEN];
    size_t n = ip_addr_format_eve(a, text, sizeof(text));
    json_kv_strn(j, key, text, n);
}

static void put_tuple(struct json_writer *j, const struct eve_tuple *t);

void eve_tuple_packet(const struct output_worker *w, struct eve_tuple *t, uint64_t packet_number)
{
    t->pcap_cnt = w != NULL && w->o != NULL && (w->o->formats & OUTPUT_EVE_PCAP_CNT) ? packet_number : 0;
    /* Suricata's PktSrcToString: a packet from the capture, or the pseudo
     * packet of a flow that timed out (or was flushed at the end) */
    t->pkt_src = packet_number != 0 ? "wire/pcap" : "stream (flow timeout)";
}

void eve_header(struct json_writer *j, int64_t ts_us, uint64_t flow_id, const char *event_type,
                const struct eve_tuple *t)
{
    eve_kv_time(j, "timestamp", ts_us);
    if (flow_id != 0)
        json_kv_uint(j, "flow_id", flow_id);
    if (t != NULL && t->pcap_cnt != 0)
        json_kv_uint(j, "pcap_cnt", t->pcap_cnt);
    json_kv_str(j, "event_type", event_type);
    if (t == NULL)
        return;
    if (t->src != NULL && t->dst != NULL)
        put_tuple(j, t);
    if (t->pkt_src != NULL)
        json_kv_str(j, "pkt_src", t->pkt_src);
}

static void put_tuple(struct json_writer *j, const struct eve_tuple *t)
{
    put_vlans(j, t->vlan);
    put_addr(j, "src_ip", t->src);
    bool ports = has_ports(t->proto) && !t->no_ports;
    if (ports)
        json_kv_uint(j, "src_port", t->src_port);
    put_addr(j, "dest_ip", t->dst);
    if (ports)
        json_kv_uint(j, "dest_port", t->dst_port);
    char tmp[4];
    json_kv_str(j, "proto", eve_proto_name(t->proto, tmp));
    json_kv_uint(j, "ip_v", ip_addr_is_v4(t->src) ? 4 : 6);
    if (t->has_icmp && (t->proto == 1 || t->proto == 58)) {
        json_kv_uint(j, "icmp_type", t->icmp_type);
        json_kv_uint(j, "icmp_code", t->icmp_code);
    }
}

struct json_writer *eve_begin_app(struct output_worker *w, const struct app_conn *c, bool from_orig, int64_t ts_us,
                                  const char *event_type)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return NULL;
    struct eve_tuple tuple = {
        .src = from_orig ? &c->orig_h : &c->resp_h,
        .dst = from_orig ? &c->resp_h : &c->orig_h,
        .src_port = from_orig ? c->orig_p : c->resp_p,
        .dst_port = from_orig ? c->resp_p : c->orig_p,
        .proto = c->proto,
        .vlan = {c->vlan, c->middle_vlan, c->inner_vlan},
    };
    eve_tuple_packet(w, &tuple, c->packet_number);
    eve_hold_begin(w, c);
    if (w->hold_next)
        tuple.pcap_cnt = 0; /* written when the ack comes */
    eve_header(j, ts_us, c->flow_id, event_type, &tuple);
    return j;
}

struct json_writer *eve_begin_app_object(struct output_worker *w, const struct app_conn *c, bool from_orig,
                                         int64_t ts_us, const char *event_type)
{
    struct json_writer *j = eve_begin_app(w, c, from_orig, ts_us, event_type);
    if (j == NULL)
        return NULL;
    json_key(j, event_type);
    json_object_begin(j);
    return j;
}

void eve_community_id(struct json_writer *j, const char *id)
{
    if (id != NULL && id[0] != '\0')
        json_kv_str(j, "community_id", id);
}

static const char *flow_end_reason(enum flow_end_reason r)
{
    switch (r) {
    case FLOW_END_TIMEOUT:
    case FLOW_END_CLOSED: return "timeout";
    case FLOW_END_EVICTED: return "forced";
    case FLOW_END_SHUTDOWN: return "shutdown";
    }
    return "unknown";
}

static void put_hex_flags(struct json_writer *j, const char *key, uint8_t flags)
{
    static const char hex[] = "0123456789abcdef";
    char text[2] = {hex[flags >> 4], hex[flags & 15]};
    json_kv_strn(j, key, text, 2);
}

/* Suricata's `traffic` object: the flowbits named traffic/id/ and traffic/label/. */
static void write_traffic(struct json_writer *j, const struct conn_record *c)
{
    unsigned n_ids = c->n_traffic_ids < CONN_MAX_TRAFFIC_TAGS ? c->n_traffic_ids : CONN_MAX_TRAFFIC_TAGS;
    unsigned n_labels = c->n_traffic_labels < CONN_MAX_TRAFFIC_TAGS ? c->n_traffic_labels : CONN_MAX_TRAFFIC_TAGS;
    json_kv_traffic(j, c->traffic_ids, n_ids, c->traffic_labels, n_labels);
}

static void put_tcp(struct json_writer *j, const struct conn_record *c)
{
    uint8_t all = c->tcp_flags_ts | c->tcp_flags_tc;
    json_key(j, "tcp");
    json_object_begin(j);
    put_hex_flags(j, "tcp_flags", all);
    put_hex_flags(j, "tcp_flags_ts", c->tcp_flags_ts);
    put_hex_flags(j, "tcp_flags_tc", c->tcp_flags_tc);
    static const struct {
        uint8_t bit;
        const char *name;
    } flags[] = {
        {0x02, "syn"}, {0x01, "fin"}, {0x04, "rst"}, {0x08, "psh"},
        {0x10, "ack"}, {0x20, "urg"}, {0x40, "ecn"}, {0x80, "cwr"},
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (all & flags[i].bit)
            json_kv_bool(j, flags[i].name, true);
    if (c->eve_tcp_state != NULL) {
        json_kv_str(j, "state", c->eve_tcp_state);
        json_kv_uint(j, "ts_max_regions", 1);
        json_kv_uint(j, "tc_max_regions", 1);
    }
    json_object_end(j);
}

/* What one EVE flow event reports: the connection, or one of the flows
 * Suricata cuts from it (an ESP SPI, a part ended by Suricata's timeout). */
struct eve_flow_view {
    uint64_t flow_id;
    const struct ip_addr *src, *dst;
    uint16_t src_port, dst_port;
    uint64_t counters[4];       /* pkts_toserver, pkts_toclient, bytes_toserver, bytes_toclient */
    int64_t start_us, end_us;
    const char *state;
    bool has_spi;
    uint32_t spi;
};

static void write_flow_event(struct output_worker *w, const struct conn_record *c, const struct eve_flow_view *v)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return;
    /* Suricata stamps a flow event with the engine time when the flow is
     * logged; the flow's last packet is the deterministic equivalent. */
    eve_kv_time(j, "timestamp", v->end_us);
    if (v->flow_id != 0)
        json_kv_uint(j, "flow_id", v->flow_id);
    json_kv_str(j, "event_type", "flow");
    uint16_t vlan[3] = {c->vlan, c->vlan ? c->middle_vlan : 0, c->vlan ? c->inner_vlan : 0};
    put_vlans(j, vlan);
    put_addr(j, "src_ip", v->src);
    if (has_ports(c->proto))
        json_kv_uint(j, "src_port", v->src_port);
    put_addr(j, "dest_ip", v->dst);
    if (has_ports(c->proto))
        json_kv_uint(j, "dest_port", v->dst_port);
    json_kv_uint(j, "ip_v", ip_addr_is_v4(&c->orig_h) ? 4 : 6);
    char tmp[4];
    json_kv_str(j, "proto", eve_proto_name(c->proto, tmp));
    if (c->proto == 1 || c->proto == 58) {
        /* Zeek keeps the ICMP type in orig_p and the counterpart type in
         * resp_p; the record has no ICMP codes, so they are written as 0 */
        json_kv_uint(j, "icmp_type", c->orig_p);
        json_kv_uint(j, "icmp_code", 0);
        if (c->resp_pkts > 0) {
            json_kv_uint(j, "response_icmp_type", c->resp_p);
            json_kv_uint(j, "response_icmp_code", 0);
        }
    }
    if (v->has_spi)
        json_kv_uint(j, "spi", v->spi);
    char app[32];
    const char *app_proto = eve_app_proto(c->service ? c->service : c->eve_app_proto, app, sizeof(app));
    if (app_proto != NULL)
        json_kv_str(j, "app_proto", app_proto);

    eve_flow_begin(j, v->counters, v->start_us);
    eve_kv_time(j, "end", v->end_us);
    int64_t start_s = v->start_us / 1000000, end_s = v->end_us / 1000000;
    json_kv_uint(j, "age", end_s > start_s ? (uint64_t)(end_s - start_s) : 0);
    json_kv_str(j, "state", v->state);
    json_kv_str(j, "reason", flow_end_reason(c->end_reason));
    json_kv_bool(j, "alerted", c->alerted);
    json_object_end(j);
    write_traffic(j, c);

    eve_community_id(j, c->community_id);
    if (c->proto == 6)
        put_tcp(j, c);
    eve_end(w);
}

/* One of Suricata's flows inside the connection, its first sender as src_ip. */
static void write_flow_part(struct output_worker *w, const struct conn_record *c, const struct eve_flow_part *part)
{
    struct eve_flow_view v = {
        .flow_id = part->flow_id,
        .src = part->from_orig ? &c->orig_h : &c->resp_h,
        .dst = part->from_orig ? &c->resp_h : &c->orig_h,
        .src_port = part->from_orig ? c->orig_p : c->resp_p,
        .dst_port = part->from_orig ? c->resp_p : c->orig_p,
        .counters = {part->pkts[0], part->pkts[1], part->bytes[0], part->bytes[1]},
        .start_us = part->first_us,
        .end_us = part->last_us,
        .state = part->pkts[0] && part->pkts[1] ? "established" : "new",
        .has_spi = part->has_spi,
        .spi = part->spi,
    };
    write_flow_event(w, c, &v);
}

void eve_write_flow(struct output_worker *w, const struct conn_record *c)
{
    if (c->n_eve_parts > 0) {
        for (unsigned i = 0; i < c->n_eve_parts; i++)
            write_flow_part(w, c, &c->eve_parts[i]);
        if (!c->eve_parts_whole)
            write_flow_part(w, c, &c->eve_rest);
        return;
    }
    struct eve_flow_view v = {
        .flow_id = c->flow_id,
        .src = &c->orig_h,
        .dst = &c->resp_h,
        .src_port = c->orig_p,
        .dst_port = c->resp_p,
        .counters = {c->orig_pkts, c->resp_pkts, c->orig_frame_bytes, c->resp_frame_bytes},
        .start_us = c->ts_us,
        .end_us = c->last_ts_us,
        .state = c->eve_state ? c->eve_state : "new",
    };
    write_flow_event(w, c, &v);
}

static bool is_transport_source(const char *s)
{
    static const char *const names[] = {"TCP", "UDP", "ICMP", "IP", "ConnSize", "tcp", "udp"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0)
            return true;
    return false;
}

/* Suricata's names for the link types it prints in packet_info. */
static const char *linktype_name(int linktype)
{
    switch (linktype) {
    case 0: return "NULL";
    case 1: return "EN10MB";
    case 9: return "PPP";
    case 12: case 101: return "RAW";
    case 113: return "LINUX_SLL";
    case 228: return "IPv4";
    case 229: return "IPv6";
    case 276: return "LINUX_SLL2";
    default: return NULL;
    }
}

void eve_packet(struct json_writer *j, const uint8_t *frame, size_t len, int linktype)
{
    json_key(j, "packet");
    eve_base64(j, frame, len);
    json_key(j, "packet_info");
    json_object_begin(j);
    json_kv_uint(j, "linktype", (uint64_t)linktype);
    const char *name = linktype_name(linktype);
    if (name)
        json_kv_str(j, "linktype_name", name);
    json_object_end(j);
}

/* Suricata's packethdr: the first 32 bytes of the frame (output-json-anomaly.c) */
#define EVE_ANOMALY_PACKETHDR_LEN 32

void eve_write_anomaly(struct output_worker *w, const struct weird_record *r, const struct anomaly_event *as)
{
    struct json_writer *j = eve_begin(w);
    if (j == NULL)
        return;
    struct eve_tuple t = {0};
    if (r->has_conn || r->has_addrs) {
        t.src = &r->orig_h;
        t.dst = &r->resp_h;
        t.proto = r->proto;
        if (r->has_conn) {
            t.src_port = r->orig_p;
            t.dst_port = r->resp_p;
        } else {
            t.no_ports = true; /* a decode weird knows no ports: do not invent 0s */
        }
    }
    eve_tuple_packet(w, &t, r->packet_number);
    /* an anomaly is always a packet's, even one raised when its flow ends */
    t.pkt_src = "wire/pcap";
    eve_header(j, r->ts_us, r->has_conn ? r->flow_id : 0, "anomaly", &t);
    if (r->has_conn)
        eve_community_id(j, r->community_id);

    json_key(j, "anomaly");
    json_object_begin(j);
    const char *name = r->name ? r->name : "";
    if (as != NULL) {
        if (as->eve_app_proto)
            json_kv_str(j, "app_proto", as->eve_app_proto);
        json_kv_str(j, "type", as->eve_type);
        json_kv_str(j, "event", as->eve_event);
        if (as->eve_app_proto)
            json_kv_str(j, "layer", "proto_parser");
    } else if (!r->has_conn) {
        json_kv_str(j, "type", "decode");
        json_kv_str(j, "event", name);
    } else if (r->source != NULL && r->source[0] != '\0' && !is_transport_source(r->source)) {
        char app[32];
        json_kv_str(j, "app_proto", eve_app_proto(r->source, app, sizeof(app)));
        json_kv_str(j, "type", "applayer");
        json_kv_str(j, "event", name);
        json_kv_str(j, "layer", "proto_parser");
    } else {
        json_kv_str(j, "type", "stream");
        json_kv_str(j, "event", name);
    }
    json_object_end(j);
    if ((w->o->formats & OUTPUT_EVE_ANOMALY_PACKETHDR) && !r->has_conn && r->frame != NULL)
        eve_packet(j, r->frame, r->frame_caplen < EVE_ANOMALY_PACKETHDR_LEN ? r->frame_caplen : EVE_ANOMALY_PACKETHDR_LEN,
                   r->linktype);
    eve_end(w);
}

/* A JSON string of the standard base64 (with padding) of p, encoded in
 * small chunks straight into the line buffer. */
void eve_base64(struct json_writer *j, const uint8_t *p, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char chunk[256];
    size_t used = 0;
    json_raw(j, "\"", 1);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        chunk[used++] = alphabet[(v >> 18) & 63];
        chunk[used++] = alphabet[(v >> 12) & 63];
        chunk[used++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        chunk[used++] = i + 2 < n ? alphabet[v & 63] : '=';
        if (used > sizeof(chunk) - 4) {
            buf_append(j->b, chunk, used);
            used = 0;
        }
    }
    buf_append(j->b, chunk, used);
    buf_putc(j->b, '"');
}
