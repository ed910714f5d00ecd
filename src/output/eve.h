/* EVE JSON (eve.json), Suricata's event stream: one object per line, keys
 * in Suricata's order. Protocol modules write their events like this:
 *
 *     struct json_writer *j = eve_begin(w);   // NULL: EVE is off
 *     if (j != NULL) {
 *         struct eve_tuple t = {...};
 *         eve_header(j, ts_us, flow_id, "dns", &t);
 *         json_key(j, "dns"); json_object_begin(j); ... json_object_end(j);
 *         eve_community_id(j, community_id);
 *         eve_end(w);
 *     }
 *
 * Timestamps are always UTC ("+0000") so a replay does not depend on TZ.
 * Strings use Suricata's escaping (util/json.h, JSON_SURICATA). */
#ifndef VIGIL_OUTPUT_EVE_H
#define VIGIL_OUTPUT_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/conn-t.h"
#include "util/addr.h"
#include "util/bytes.h"
#include "util/json.h"

struct output_worker;

/* The addressing part of an EVE header. */
struct eve_tuple {
    const struct ip_addr *src, *dst; /* NULL src: no tuple at all */
    uint16_t src_port, dst_port;     /* written for TCP, UDP and SCTP only */
    bool no_ports;                   /* ports unknown: omit them even for TCP/UDP */
    uint8_t proto;
    uint16_t vlan[3];                /* 0 = absent; outer, middle (three tags only), inner */
    bool has_icmp;                   /* ICMP/ICMPv6: type and code below */
    uint8_t icmp_type, icmp_code;
    /* The packet that triggered the event (eve_tuple_packet fills both):
     * pcap_cnt, 0 = not written; pkt_src, NULL = not written. */
    uint64_t pcap_cnt;
    const char *pkt_src;
};

/* Suricata's pcap_cnt and pkt_src for an event raised by packet
 * packet_number (struct app_conn's; 0: none, the flow timed out or the run
 * ended, as Suricata's flow-timeout pseudo packets). pcap_cnt is written
 * for capture files only (OUTPUT_EVE_PCAP_CNT), as Suricata does. */
void eve_tuple_packet(const struct output_worker *w, struct eve_tuple *t, uint64_t packet_number);

/* Opens the event object in the worker's eve.json buffer. Returns the
 * worker's writer, borrowed until eve_end or eve_abort; NULL when EVE is off
 * (or its log cannot be registered). */
struct json_writer *eve_begin(struct output_worker *w);
/* Closes the object, ends the line, queues it. Drops it if unbalanced. */
void eve_end(struct output_worker *w);
void eve_abort(struct output_worker *w);

/* timestamp, flow_id (0 = none), pcap_cnt, event_type, vlan, src_ip,
 * src_port, dest_ip, dest_port, proto, ip_v, icmp_type/icmp_code, pkt_src: the header
 * Suricata's CreateEveHeader writes for packet-triggered events. */
void eve_header(struct json_writer *j, int64_t ts_us, uint64_t flow_id, const char *event_type,
                const struct eve_tuple *t);
/* The app-layer event of connection c (dns, http, tls...): eve_begin and
 * the header, addressed originator -> responder when from_orig, else the
 * other way (a DNS response, a download). NULL when EVE is off. The
 * writer is borrowed as eve_begin's: valid until eve_end or eve_abort. */
struct json_writer *eve_begin_app(struct output_worker *w, const struct app_conn *c, bool from_orig, int64_t ts_us,
                                  const char *event_type);
/* eve_begin_app, then the event's own object opened under the event type's
 * name ("dns": {...}), as most of Suricata's app-layer events are laid
 * out; the caller closes it. NULL when EVE is off. The writer is borrowed
 * as eve_begin's: valid until eve_end or eve_abort. */
struct json_writer *eve_begin_app_object(struct output_worker *w, const struct app_conn *c, bool from_orig,
                                         int64_t ts_us, const char *event_type);
/* "community_id":"1:..." when id is non-empty. */
void eve_community_id(struct json_writer *j, const char *id);

/* "2026-11-27T18:38:28.123456+0000"; out needs 40 bytes. */
size_t eve_format_time(char *out, int64_t us);
void eve_kv_time(struct json_writer *j, const char *key, int64_t us);
/* key: the view as a string, when it was seen (p not NULL). */
static inline void eve_kv_view(struct json_writer *j, const char *key, struct byte_view v)
{
    if (v.p != NULL)
        json_kv_strn(j, key, v.p, v.n);
}
/* key: [the n views as strings], empty or not. */
void eve_kv_views(struct json_writer *j, const char *key, const struct byte_view *v, size_t n);
/* Opens Suricata's `flow` object with its counters (pkts_toserver,
 * pkts_toclient, bytes_toserver, bytes_toclient, in that order) and
 * `start`; the caller adds the rest and closes it. */
void eve_flow_begin(struct json_writer *j, const uint64_t counters[4], int64_t start_us);
/* A JSON string of the standard base64 (with padding) of p. */
void eve_base64(struct json_writer *j, const uint8_t *p, size_t n);
/* Suricata's `packet` (base64 of the len first bytes of the frame) and
 * `packet_info` (linktype, linktype_name when Suricata names it). */
void eve_packet(struct json_writer *j, const uint8_t *frame, size_t len, int linktype);
/* Suricata's protocol name ("TCP", "IPv6-ICMP"): a static string, or the
 * number as text in tmp (returns tmp). */
const char *eve_proto_name(uint8_t proto, char tmp[4]);
/* Suricata's app_proto for a Zeek service name ("ssl" -> "tls"): a static
 * string, or the lower-cased first service in tmp (returns tmp); NULL when
 * zeek_service is NULL or empty. */
const char *eve_app_proto(const char *zeek_service, char *tmp, size_t n);

#endif
