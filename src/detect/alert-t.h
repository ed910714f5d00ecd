/* The generic alert: what any detector (signatures, device risk, phishing,
 * documents...) fills and emits through the detector sink
 * (detect/sink-t.h). output/ writes it as an EVE `alert` event in
 * Suricata's layout and, when `note` is set, as a notice.log row with
 * Zeek's Notice::Info fields. Type-only header.
 *
 * Every pointer is borrowed: valid during the emit call only, so a detector
 * may point into its stack or its own state. Unset strings are NULL. */
#ifndef VIGIL_DETECT_ALERT_T_H
#define VIGIL_DETECT_ALERT_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define ALERT_MAX_ATTACK 8

/* One metadata value: key -> value. A key listed several times (in a row or
 * not) becomes one key with several values, as Suricata writes a rule's
 * `metadata:` keyword: "metadata":{"key":["v1","v2"]}. */
struct alert_meta {
    const char *key;
    const char *value;
};

struct alert {
    int64_t ts_us;                      /* packet time (EVE timestamp, notice ts) */

    /* The connection, when there is one (EVE flow_id, 5-tuple, community_id,
     * app_proto; notice uid, id.*, proto). */
    bool has_conn;
    const char *uid;                    /* Zeek uid, "C..." */
    uint64_t flow_id;                   /* EVE flow_id; 0 = none */
    struct ip_addr orig_h, resp_h;
    uint16_t orig_p, resp_p;
    uint8_t proto;                      /* IPPROTO_TCP ... */
    uint16_t vlan[3];                   /* outer, middle (three tags only), inner; 0 = none */
    const char *community_id;           /* may be NULL or "" */
    const char *app_proto;              /* EVE app_proto ("http", "tls"...); NULL = none */
    bool to_client;                     /* the triggering packet went resp -> orig (EVE src/dest swapped) */

    /* The signature (EVE alert object). */
    uint32_t gid;                       /* 0 means 1, as Suricata's default */
    uint32_t signature_id;
    uint32_t rev;                       /* 0 means 1, unless rev_exact */
    bool rev_exact;                     /* rev as is: a rule without rev: is rev 0 in Suricata */
    const char *signature;              /* the rule's msg */
    const char *category;               /* classtype description; NULL = "" */
    int severity;                       /* 1 high .. 4; 0 means 3 */
    const char *action;                 /* NULL = "allowed"; else the rule's action ("blocked"...) */
    const char *rule;                   /* the rule text (EVE alert.rule); NULL = not written */
    const char *rule_file;              /* where the rule came from; not written to EVE or notice.log */

    /* Zeek's notice. No notice.log row when note is NULL. */
    const char *note;                   /* "Vigil::Phishing", "Signatures::Sensitive_Signature" */
    const char *notice_msg;             /* NULL = the signature text */
    const char *sub;
    bool has_src, has_dst;              /* notice src/dst; default: the connection's orig/resp */
    struct ip_addr src, dst;
    uint16_t p;                         /* notice p; 0 = the connection's resp_p (or unset) */
    bool has_n;
    uint64_t n;                         /* notice n */
    const char *fuid, *file_mime_type, *file_desc;

    /* ATT&CK technique ids ("T1566.001"): EVE alert.metadata.attack_technique. */
    const char *attack[ALERT_MAX_ATTACK];
    unsigned n_attack;
    /* key -> values metadata (EVE alert.metadata), in this order. */
    const struct alert_meta *meta;
    size_t n_meta;

    /* An extra EVE fragment written after the alert object, before
     * app_proto: JSON object members without the braces, e.g.
     * `"http":{"hostname":"a.example","url":"/"}` (Suricata's app-layer
     * object of an alert). Must be valid JSON members; NULL = none. */
    const char *eve_extra;
    /* JSON object members written inside the alert object as
     * `"context":{...}`, Suricata's free-form extra context of an alert
     * (the only place its schema leaves open); NULL = none. */
    const char *alert_context;

    /* Suricata's alert extras for signature matches. The flow's counters
     * when the alert fired (EVE alert `flow` object). */
    bool has_flow_counts;
    uint64_t pkts_toserver, pkts_toclient, bytes_toserver, bytes_toclient;
    int64_t flow_start_us;
    /* What was inspected, written only with the output's alert payload
     * option: `payload`, `payload_printable`, `stream` (1: reassembled
     * stream bytes, 0: the packet's payload). payload NULL = none. */
    const uint8_t *payload;
    size_t payload_len;
    bool stream;
    /* The captured frame (alert packet option): `packet`, `packet_info`. */
    const uint8_t *packet;
    size_t packet_len;
    int linktype;                       /* libpcap DLT_ of the frame */
    /* The packet that raised a signature alert (struct packet's number):
     * EVE pcap_cnt and pkt_src; 0 = none (a detector's verdict). */
    uint64_t packet_number;
};

#endif
