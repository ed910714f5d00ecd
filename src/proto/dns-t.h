/* DNS: what the parser publishes (EVENT_DNS). Type-only.
 *
 * One struct dns_txn is published per occasion, and carries up to two
 * things:
 *  - `msg`: one DNS message just parsed (a query or a response). Suricata
 *    logs one EVE "dns" event per message, so every parsed message is
 *    published once, as soon as it is complete.
 *  - `row`: Zeek's dns.log record, a query paired with its response by
 *    transaction id. It is complete when the response arrives (published
 *    with that response's msg), or at the end of the connection for
 *    queries never answered (published with msg == NULL).
 * Everything pointed to lives only during the publish call. */
#ifndef VIGIL_PROTO_DNS_T_H
#define VIGIL_PROTO_DNS_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"
#include "util/bytes.h"

/* Zeek's name buffer is 513 bytes: a decompressed name is cut there. */
#define DNS_NAME_MAX 512
/* Questions and records kept per message; further ones are parsed (to
 * stay in sync) but not kept, and a weird is raised once. */
#define DNS_MAX_QUESTIONS 8
#define DNS_MAX_RRS 96
/* Bytes for the decoded names and texts of one message. */
#define DNS_POOL_SIZE (32 * 1024)

enum dns_section {
    DNS_SECTION_ANSWER,
    DNS_SECTION_AUTHORITY,
    DNS_SECTION_ADDITIONAL,
};

enum dns_rdata_kind {
    DNS_RDATA_NONE,     /* unparsed or empty */
    DNS_RDATA_ADDR,     /* A, AAAA: addr */
    DNS_RDATA_NAME,     /* NS, CNAME, PTR, DNAME, MX (pref), SRV (priority/weight/port): target */
    DNS_RDATA_SOA,      /* target = mname, rname, serial... */
    DNS_RDATA_TXT,      /* TXT, SPF: raw = the character-strings, length-prefixed as on the wire */
    DNS_RDATA_SSHFP,    /* raw = fingerprint */
    DNS_RDATA_RAW,      /* NULL and everything else: raw = rdata */
};

struct dns_question {
    struct byte_view name;        /* as on the wire (case kept), labels joined by '.' */
    bool name_truncated;        /* cut at DNS_NAME_MAX */
    uint16_t qtype, qclass;
};

struct dns_rr {
    enum dns_section section;
    struct byte_view name;
    uint16_t rrtype, rrclass;
    uint32_t ttl;
    uint16_t rdlength;
    enum dns_rdata_kind kind;
    struct ip_addr addr;
    struct byte_view target;
    struct byte_view rname;
    uint32_t serial, refresh, retry, expire, minimum;
    uint16_t preference, priority, weight, port;
    uint8_t sshfp_algo, sshfp_type;
    struct byte_view raw;
    /* Zeek's dns.log `answers` text for this record; n == 0: none. */
    struct byte_view zeek_text;
};

/* One parsed DNS message: what an EVE dns event shows. */
struct dns_message {
    int64_t ts_us;
    bool from_orig;             /* sent by the connection's originator */
    uint32_t tx_id;             /* Suricata's: messages of the connection, from 0 */
    uint16_t id, flags;         /* flags: the 16 header bits after the id */
    uint8_t opcode, rcode;
    bool qr;
    uint16_t qdcount, ancount, nscount, arcount;
    size_t n_questions;
    struct dns_question questions[DNS_MAX_QUESTIONS];
    size_t n_rrs;
    struct dns_rr rrs[DNS_MAX_RRS];
};

/* Zeek's DNS::Info, as dns.log writes it. */
struct dns_row {
    int64_t ts_us;              /* first message of the pair */
    uint16_t trans_id;
    bool has_rtt;
    int64_t rtt_from_us, rtt_to_us;
    bool has_query;
    struct byte_view query;       /* lower-cased, NetBIOS-decoded on port 137 */
    bool has_qclass;            /* qclass and qtype come from the query only */
    uint16_t qclass, qtype;
    bool is_netbios;
    bool has_rcode;
    uint8_t rcode;
    bool AA, TC, RD, RA;
    uint8_t Z;
    /* answers/TTLs: the texts and TTLs of the response (unset when n == 0) */
    size_t n_answers;
    const struct byte_view *answers;
    const uint32_t *ttls;
    bool rejected;
    uint8_t opcode;
};

struct dns_txn {
    const struct dns_message *msg;  /* NULL: nothing for EVE */
    const struct dns_row *row;      /* NULL: nothing for dns.log yet */
};

#endif
